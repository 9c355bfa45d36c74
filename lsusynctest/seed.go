package lsusynctest

import (
	"time"

	"github.com/lsusync/lsusync"
)

// Keys of the seed's records that the checks change or refer to.
const (
	uai = "0750001A"

	class3e1  = "3EME1" // trimesters, three pupils, locked/imported/direct bilans
	class3A   = "3 A"   // semesters (a space in the code), two pupils
	class4e1  = "4e 1"  // trimesters, two pupils, no bilan, no label
	class6e2  = "6EME2" // no period, no pupil
	noClass   = "5EME9" // a class the seed does not have
	noPupil   = "424242"
	newPupil  = "200001"
	newTeach  = "20001"
	pupilZoe  = "1234"   // 3EME1: T1 locked, T2 direct
	pupilMous = "98765"  // 3EME1: T1 imported, T2 direct without content
	pupilTheo = "7"      // 3EME1: T1 imported and locked, T2 direct
	pupilInes = "100000" // 3 A: S1 direct, S2 locked
	pupilJon  = "4321"   // 3 A: S1 direct
)

var (
	tri = func(i int) lsusync.Period { return lsusync.Period{Year: 2025, Index: i, Count: 3} }
	sem = func(i int) lsusync.Period { return lsusync.Period{Year: 2025, Index: i, Count: 2} }
)

var (
	subjEnglish = lsusync.Subject{Code: "030201", Label: "ANGLAIS LV1", Modality: "S"}
	subjMaths   = lsusync.Subject{Code: "061300", Label: "MATHEMATIQUES", Modality: "S"}
	subjFrench  = lsusync.Subject{Code: "020100", Label: "FRANCAIS", Modality: "S"}
	subjSport   = lsusync.Subject{Code: "100100", Label: "EDUCATION PHYSIQUE ET SPORTIVE", Modality: "O"}
	subjLatin   = lsusync.Subject{Code: "022600", Label: "LATIN", Modality: "F"}

	keyDupont = lsusync.TeacherKey{Type: "epp", ID: "4189"}
	keyMartin = lsusync.TeacherKey{Type: "epp", ID: "512"}
	keyNdiaye = lsusync.TeacherKey{Type: "epp", ID: "10023"}
	keyLocal  = lsusync.TeacherKey{Type: "local", ID: "7"}
	keyDir    = lsusync.TeacherKey{Type: "dir", ID: "3"}
	keyNew    = lsusync.TeacherKey{Type: "epp", ID: newTeach} // a teacher the seed does not have
)

// Seed returns the snapshot that [TestStore] and [CheckStore] seed every
// store with, as a new value that the caller may modify.
//
// It holds an establishment with every field set; five teachers of the
// three types, one without civility; four classes: "3EME1" (trimesters),
// "3 A" (semesters, a code with a space), "4e 1" (trimesters, no label, no
// bilan) and "6EME2" (no period, no pupil); seven pupils with accented
// names and IDs of different lengths; and bilans of every kind: en saisie
// directe, imported, locked, imported and locked, with acquis, teachers,
// professeurs principaux and free content.
//
// Implementations may use it in their own tests.
func Seed() lsusync.Snapshot {
	return lsusync.Snapshot{
		Establishment: lsusync.Establishment{
			UAI:  uai,
			Name: "Collège Jean Moulin",
			Address: lsusync.Address{
				Line1:      "12 rue de l'École",
				Line2:      "Bâtiment B",
				Line3:      "BP 42",
				PostalCode: "75011",
				City:       "PARIS",
				Country:    "FRANCE",
			},
			HeadName: "M. Bernard LEFÈVRE",
			Phone:    "0143000000",
			Email:    "ce.0750001a@ac-paris.fr",
		},
		Teachers: []lsusync.Teacher{
			{Key: keyDupont, Civility: lsusync.Madame, LastName: "DUPONT", FirstName: "Marie", NUMEN: "07E1234567ABC"},
			{Key: keyMartin, Civility: lsusync.Monsieur, LastName: "MARTIN", FirstName: "Paul"},
			{Key: keyNdiaye, Civility: lsusync.Madame, LastName: "N'DIAYE", FirstName: "Aïssatou"},
			{Key: keyLocal, LastName: "ASSISTANT", FirstName: "Léo"},
			{Key: keyDir, Civility: lsusync.Monsieur, LastName: "LEFÈVRE", FirstName: "Bernard", NUMEN: "17E7654321XYZ"},
		},
		Classes: []lsusync.Class{
			{Code: class3e1, Label: "3ème 1", Periods: []lsusync.Period{tri(1), tri(2), tri(3)}},
			{Code: class3A, Label: "3e A", Periods: []lsusync.Period{sem(1), sem(2)}},
			{Code: class4e1, Periods: []lsusync.Period{tri(1), tri(2), tri(3)}},
			{Code: class6e2, Label: "6ème 2"},
		},
		Students: []lsusync.Student{
			{ID: pupilZoe, Class: class3e1, INE: "071234567AB", LastName: "DURAND", UsageName: "MARTIN-DURAND",
				FirstName: "Zoé", FirstName2: "Anne", FirstName3: "Marie", BirthDate: date(2011, time.March, 14), Sex: lsusync.Female},
			{ID: pupilMous, Class: class3e1, INE: "080000001BB", LastName: "N'DIAYE", FirstName: "Moussa",
				BirthDate: date(2010, time.December, 31), Sex: lsusync.Male},
			{ID: pupilTheo, Class: class3e1, LastName: "LÉGER", FirstName: "Théo"},
			{ID: pupilInes, Class: class3A, INE: "090000002CC", LastName: "DA SILVA", FirstName: "Inês",
				BirthDate: date(2011, time.February, 28), Sex: lsusync.Female},
			{ID: pupilJon, Class: class3A, LastName: "MÜLLER", FirstName: "Jonas", FirstName2: "Björn",
				BirthDate: date(2011, time.July, 1), Sex: lsusync.Male},
			{ID: "55", Class: class4e1, INE: "100000003DD", LastName: "PETIT", FirstName: "Lucie",
				BirthDate: date(2012, time.May, 5), Sex: lsusync.Female},
			{ID: "56", Class: class4e1, LastName: "ROUX", FirstName: "Hugo", Sex: lsusync.Male},
		},
		Bilans: []lsusync.Bilan{
			{
				Student: pupilZoe, Period: tri(1), Locked: true,
				Acquis: []lsusync.Acquis{
					fullAcquis(subjFrench, "Très bon trimestre, travail régulier.", 4, "16.5", keyDupont),
					fullAcquis(subjMaths, "Des progrès.", 3, "13", keyMartin),
					fullAcquis(subjEnglish, "", 2, "", keyNdiaye, keyLocal),
				},
				HeadTeachers: []lsusync.TeacherKey{keyDupont},
				BilanContent: lsusync.BilanContent{
					CouncilDate: date(2025, time.December, 11), SchoolingDate: date(2025, time.September, 1),
					LockDate:  lsusync.DateTime{Date: date(2025, time.December, 19), Hour: 17, Minute: 45, Timed: true},
					Signatory: "Mme Claire DUPONT", Synthesis: "Élève sérieuse.",
					SchoolLife: &lsusync.SchoolLife{Late: 1, Justified: 2, Unjustified: 0, Comment: "Ponctuelle."},
					Support:    []lsusync.Support{{Code: lsusync.SupportPPRE, PPRE: "Lecture à voix haute."}},
				},
			},
			{
				Student: pupilZoe, Period: tri(2),
				Acquis: []lsusync.Acquis{
					fullAcquis(subjFrench, "Poursuivez ainsi.", 4, "15", keyDupont),
					fullAcquis(subjMaths, "", 0, "12.75", keyMartin),
					{Subject: subjSport, Teachers: []lsusync.TeacherKey{keyLocal}},
				},
				HeadTeachers: []lsusync.TeacherKey{keyDupont, keyMartin},
				BilanContent: lsusync.BilanContent{
					Synthesis: "Bon trimestre.",
					Pathways:  []lsusync.Pathway{{Code: lsusync.PathwayFuture, Text: "Stage en entreprise."}},
					Content:   map[string]string{"vieScolaire.remarque": "À revoir au conseil."},
				},
			},
			{
				Student: pupilMous, Period: tri(1), Imported: true,
				Acquis: []lsusync.Acquis{
					fullAcquis(subjFrench, "Importé de Pronote.", 2, "9.5", keyDupont),
				},
				BilanContent: lsusync.BilanContent{Content: map[string]string{"logiciel": "Pronote"}},
			},
			{
				Student: pupilMous, Period: tri(2),
				Acquis: []lsusync.Acquis{
					{Subject: subjFrench, Teachers: []lsusync.TeacherKey{keyDupont}},
					{Subject: subjMaths, Teachers: []lsusync.TeacherKey{keyMartin}},
				},
				HeadTeachers: []lsusync.TeacherKey{keyDupont},
			},
			{
				Student: pupilTheo, Period: tri(1), Imported: true, Locked: true,
				Acquis: []lsusync.Acquis{
					fullAcquis(subjMaths, "Verrouillé.", 1, "6", keyMartin),
				},
				BilanContent: lsusync.BilanContent{
					Synthesis: "Importé.", Content: map[string]string{"logiciel": "SACoche"},
					Socle: []lsusync.SocleDomain{{Code: "CPD_FRA", Positioning: 3}, {Code: "CPD_SCI", Positioning: 0}},
				},
			},
			{
				Student: pupilTheo, Period: tri(2),
				Acquis: []lsusync.Acquis{
					fullAcquis(subjLatin, "Option suivie avec intérêt.", 3, "", keyNdiaye),
				},
				HeadTeachers: []lsusync.TeacherKey{keyDupont},
				BilanContent: lsusync.BilanContent{Synthesis: "Ensemble correct."},
			},
			{
				Student: pupilInes, Period: sem(1),
				Acquis: []lsusync.Acquis{
					fullAcquis(subjEnglish, "Excellent.", 4, "18", keyNdiaye),
					fullAcquis(subjMaths, "Solide.", 4, "17", keyMartin),
				},
				HeadTeachers: []lsusync.TeacherKey{keyNdiaye},
				BilanContent: FullBilanContent(0),
			},
			{
				Student: pupilInes, Period: sem(2), Locked: true,
				Acquis: []lsusync.Acquis{
					fullAcquis(subjEnglish, "Toujours excellent.", 4, "18.5", keyNdiaye),
				},
				HeadTeachers: []lsusync.TeacherKey{keyNdiaye},
			},
			{
				Student: pupilJon, Period: sem(1),
				Acquis: []lsusync.Acquis{
					fullAcquis(subjEnglish, "", 0, "", keyNdiaye),
					fullAcquis(subjSport, "Très investi.", 4, "", keyLocal),
				},
				HeadTeachers: []lsusync.TeacherKey{keyNdiaye},
				BilanContent: lsusync.BilanContent{SchoolLife: &lsusync.SchoolLife{Late: 1}},
			},
		},
	}
}

func date(y int, m time.Month, d int) lsusync.Date { return lsusync.Date{Year: y, Month: m, Day: d} }

func fullAcquis(s lsusync.Subject, appreciation string, positioning int, average string, teachers ...lsusync.TeacherKey) lsusync.Acquis {
	return lsusync.Acquis{
		Subject:  s,
		Teachers: teachers,
		AcquisContent: lsusync.AcquisContent{
			ProgrammeElements: []string{"Chapitres 1 à 3 ; « citations »"},
			Appreciation:      appreciation,
			Positioning:       positioning,
			Average:           average,
			ClassAverage:      "11.2",
			Content:           map[string]string{"commentaireInterne": "Vu en équipe."},
		},
	}
}
