package lsusynctest

import (
	"strings"
	"time"

	"github.com/lsusync/lsusync"
)

// The records of SampleSnapshot, named after the file's own: its pupils
// (eleve/@id-be), its classes (eleve/@code-division), its teachers
// (enseignant, by name) and its disciplines (discipline/@id).
const (
	sampleUAI  = "0382032C"
	sample6e4  = "6EME_4"
	sample3e2  = "3EME_2"
	sampleEL01 = "1" // EL_01, 6EME_4
	sampleEL02 = "2" // EL_02, 6EME_4
	sampleEL03 = "3" // EL_03, 3EME_2: no bilan périodique
)

var (
	sandKey     = teacherKey(lsusync.TypeEPP, "123456")   // ENS_0123456789ABC
	shelleyKey  = teacherKey(lsusync.TypeEPP, "123457")   // ENS_0123456789ABB
	celesKey    = teacherKey(lsusync.TypeEPP, "123458")   // ENS_0123456789ABE
	germainKey  = teacherKey(lsusync.TypeEPP, "123459")   // ENS_0123456789ABF
	pasteurKey  = teacherKey(lsusync.TypeEPP, "123460")   // ENS_0123456789ABG
	curieKey    = teacherKey(lsusync.TypeEPP, "123461")   // ENS_0123456789ABH
	eiffelKey   = teacherKey(lsusync.TypeEPP, "123462")   // ENS_0123456789ABI
	micheletKey = teacherKey(lsusync.TypeEPP, "123463")   // ENS_0123456789ABJ
	lenglenKey  = teacherKey(lsusync.TypeEPP, "123464")   // ENS_0123456789ABK
	claudelKey  = teacherKey(lsusync.TypeLocal, "123465") // ENS_0123456789ABL
	satieKey    = teacherKey("dir", "123466")             // ENS_0123456789ABM
	durandKey   = teacherKey("autre", "99999")            // ENS_0123456789ABN

	di020700 = lsusync.Subject{Code: "020700", Label: "Français", Modality: "S"}
	di030201 = lsusync.Subject{Code: "030201", Label: "Anglais (LV1)", Modality: "S"}
	di030602 = lsusync.Subject{Code: "030201", Label: "Anglais (LV1)", Modality: "F"} // English again, as an option facultative
	di061300 = lsusync.Subject{Code: "061300", Label: "Mathématiques", Modality: "S"}
	di062900 = lsusync.Subject{Code: "062900", Label: "SVT", Modality: "S"}
	di062300 = lsusync.Subject{Code: "062300", Label: "Physique-Chimie", Modality: "S"}
	di070800 = lsusync.Subject{Code: "070800", Label: "Technologie", Modality: "S"}
	di042100 = lsusync.Subject{Code: "042100", Label: "Histoire-Géographie", Modality: "S"}
	di100100 = lsusync.Subject{Code: "100A00", Label: "EPS", Modality: "S", NationalCode: "100100"} // the school's code of a national subject
	di090100 = lsusync.Subject{Code: "090100", Label: "Arts plastiques", Modality: "S"}
	di081300 = lsusync.Subject{Code: "081300", Label: "Éducation musicale", Modality: "S"}
)

// SampleSnapshot returns the bilans périodiques of the sample import file
// of GEPI's LSU module (sample-bilan-complet.xml, valid against LSU's
// schemas of 2020 and 7.0), transcribed by hand, with the records they
// refer to, as a new value that the caller may modify. The TestStore
// check SampleBilans seeds a store with it, reads it back, and
// synchronises it.
//
// It holds:
//
//   - the establishment: the UAI 0382032C and, as its head, "Joseph
//     SERGI", the first responsable-etab; the file gives no name, address
//     or other detail of the establishment;
//   - the twelve teachers of the file, each of the type it gives. Besides
//     epp and local, the file has a teacher of type dir and one of type
//     autre, which later versions of LSU's format accept: the bilans name
//     them (the acquis of éducation musicale, EPI and AP groups), and a
//     Store keeps whatever teachers it is given. A synchronisation never
//     adds such a teacher nor names one in an acquis or as professeur
//     principal ([lsusync.TeacherKey.Accepted]); what the bilans hold of
//     them as content it leaves as it is;
//   - the classes 6EME_4 and 3EME_2, without label (the file has none),
//     with the three trimesters of 2015-2016;
//   - the three pupils (id-be 1, 2 and 3), with their names and class; the
//     file gives nothing else of them;
//   - the five bilans périodiques, with every value the file gives them:
//     each acquis's subject (code, modalité, label, national code),
//     teachers, éléments de programme (their libellés, in the order of the
//     references), averages, non-noté flags and appreciation; the
//     professeurs principaux; the dates of the class council, of the
//     scolarité and of the lock (with its time); the signatory (the
//     libellé of the bilan's responsable-etab); the compétences
//     numériques, with the common appreciations the bilan refers to; the
//     EPIs and APs with their groups, definitions, subjects and teachers;
//     the parcours, the modalités d'accompagnement, the synthèse, the
//     devoirs faits, the vie scolaire (the hours missed absent where the
//     file gives none), the socle and the responsables.
//
// The bilans are bilans en saisie directe and not locked, so that a
// synchronisation updates their subjects' teachers and their professeurs
// principaux; their date-verrou is kept as content, in LockDate. One
// subject has two acquis in a bilan: English (030201) as tronc commun and
// as an option facultative. The sample's own inconsistencies are kept: in
// four bilans the class council is before the scolarité.
//
// Texts are as an XML reader gives them: a text that spans lines in the
// file keeps its line feeds (the file's CR LF read as one line feed, as
// XML requires) and the spaces that indent its next lines, and the spaces
// before its closing tag.
//
// The file's bilans de cycle are left out, as is what the file says of a
// class for a period (parcours-communs, vies-scolaires-communs): lsusync
// holds neither.
func SampleSnapshot() lsusync.Snapshot {
	s := lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: sampleUAI, HeadName: "Joseph SERGI"},
		Teachers: []lsusync.Teacher{
			{Key: sandKey, Civility: lsusync.Madame, LastName: "Sand"},
			{Key: shelleyKey, Civility: lsusync.Madame, LastName: "Shelley", FirstName: "Cathy"},
			{Key: celesKey, Civility: lsusync.Monsieur, LastName: "Celés", FirstName: "Miguel"},
			{Key: germainKey, Civility: lsusync.Madame, LastName: "Germain", FirstName: "Sophie"},
			{Key: pasteurKey, Civility: lsusync.Monsieur, LastName: "Pasteur", FirstName: "Louis"},
			{Key: curieKey, Civility: lsusync.Madame, LastName: "Curie", FirstName: "Marie"},
			{Key: eiffelKey, Civility: lsusync.Monsieur, LastName: "Eiffel", FirstName: "Gustave"},
			{Key: micheletKey, Civility: lsusync.Monsieur, LastName: "Michelet", FirstName: "Edouard"},
			{Key: lenglenKey, Civility: lsusync.Madame, LastName: "Lenglen", FirstName: "Suzanne"},
			{Key: claudelKey, Civility: lsusync.Madame, LastName: "Claudel", FirstName: "Camille"},
			{Key: satieKey, Civility: lsusync.Monsieur, LastName: "Satie", FirstName: "Erik"},
			{Key: durandKey, Civility: lsusync.Monsieur, LastName: "Durand", FirstName: "Marc"},
		},
		Classes: []lsusync.Class{
			{Code: sample6e4, Periods: lsusync.Trimesters(2015)},
			{Code: sample3e2, Periods: lsusync.Trimesters(2015)},
		},
		Students: []lsusync.Student{
			{ID: sampleEL01, Class: sample6e4, LastName: "Grenelle", FirstName: "Victor"},
			{ID: sampleEL02, Class: sample6e4, LastName: "Clerc", FirstName: "Aline"},
			{ID: sampleEL03, Class: sample3e2, LastName: "Babeldop", FirstName: "Regine"},
		},
	}

	// competences-numeriques-communs
	cnc01 := lsusync.DigitalCommon{Structure: "6EME_4", StructureType: "D",
		Text: "Appréciation " + nl(16) +
			"littérale pour la classe de 6EME_4 pour les compétences numériques du dernier trimestre.  " + nl(16) +
			"Présente les projets réalisés en spécifiant les outils mobilisés et l’implication globale de " + nl(16) +
			"la classe." + nl(12)}
	cnc02 := lsusync.DigitalCommon{Structure: "6_TEC_2__6_TEC_2", StructureType: "G",
		Text: "Appréciation " + nl(16) +
			"littérale pour le groupe 6_TEC_2__6_TEC_2 pour les compétences numériques. Présente les projets réalisés " + nl(16) +
			"en spécifiant les outils mobilisés et l’implication globale de la classe." + nl(12)}
	levels := func() []lsusync.DigitalLevel { // the same in both bilans that assess them
		return []lsusync.DigitalLevel{{Code: "CN_INF_MEN", Level: 1}, {Code: "CN_INF_GER", Level: 2},
			{Code: "CN_INF_TRA", Level: 3}, {Code: "CN_COM_INT", Level: 1}, {Code: "CN_COM_PAR", Level: 2}}
	}

	// epis, with epis-thematiques for the thématique of the file's own
	epi01 := lsusync.EPI{Title: "Mon EPI Culture et création artistiques", Theme: "EPI_ART",
		Subjects:    []lsusync.Subject{di020700, di042100},
		Description: "Description de l'EPI sur la thématique EPI_ART : français/histoire-géo"}
	epi02 := lsusync.EPI{Title: "Mon EPI Transition écologique et développement durable", Theme: "EPI_EDD",
		Subjects:    []lsusync.Subject{di062900, di030602},
		Description: "Description de l'EPI sur la thématique EPI_EDD : SVT/Espagnol"}
	epi03 := lsusync.EPI{Title: "Mon EPI thématique personnalisée", Theme: "EPI_TST", ThemeLabel: "Ma thématique EPI de test",
		Subjects:    []lsusync.Subject{di062900, di042100},
		Description: "Description de l'EPI sur la thématique EPI_TST : SVT/histoire-géo"}

	// epis-groupes
	epiGroupe01 := lsusync.EPIGroup{EPI: epi01, Title: "Intitulé du groupe epi 1",
		Comment:  "Commentaire de l'EPI sur la thématique EPI_ART groupe 1 : français/histoire-géo" + nl(16),
		Teaching: []lsusync.Teaching{{Teacher: sandKey, Subject: di020700}, {Teacher: micheletKey, Subject: di042100}}}
	epiGroupe02 := lsusync.EPIGroup{EPI: epi01, Title: "Intitulé du groupe epi 2",
		Comment:  "Commentaire de l'EPI sur la thématique EPI_ART groupe 2 : français/histoire-géo" + nl(16),
		Teaching: []lsusync.Teaching{{Teacher: sandKey, Subject: di020700}, {Teacher: micheletKey, Subject: di042100}}}
	epiGroupe03 := lsusync.EPIGroup{EPI: epi02, Title: "Intitulé du groupe epi 3",
		Comment:  "Commentaire de l'EPI sur la thématique EPI_EDD : SVT/Espagnol",
		Teaching: []lsusync.Teaching{{Teacher: satieKey, Subject: di062900}, {Teacher: eiffelKey, Subject: di030602}}}
	epiGroupe04 := lsusync.EPIGroup{EPI: epi03, Title: "Intitulé du groupe epi 4",
		Comment:  "Commentaire de l'EPI sur la thématique EPI_TST : SVT/histoire-géo",
		Teaching: []lsusync.Teaching{{Teacher: durandKey, Subject: di062900}, {Teacher: micheletKey, Subject: di042100}}}

	// acc-persos and acc-persos-groupes
	accPerso01 := lsusync.AP{Title: "Mon accompagnement personnalisé en français",
		Subjects: []lsusync.Subject{di020700}, Description: "Description de l'accompagnement personnalisé en français"}
	accPerso02 := lsusync.AP{Title: "Mon accompagnement personnalisé en SVT",
		Subjects: []lsusync.Subject{di062900}, Description: "Description de l'accompagnement personnalisé en SVT"}
	accPersoGroupe01 := lsusync.APGroup{AP: accPerso01, Title: "Intitulé du groupe acc perso 1",
		Comment:  "Commentaire de l'accompagnement personnalisé groupe 1 en français",
		Teaching: []lsusync.Teaching{{Teacher: sandKey, Subject: di020700}}}
	accPersoGroupe02 := lsusync.APGroup{AP: accPerso01, Title: "Intitulé du groupe acc perso 2",
		Comment:  "Commentaire de l'accompagnement personnalisé groupe 2 en français",
		Teaching: []lsusync.Teaching{{Teacher: sandKey, Subject: di020700}}}
	accPersoGroupe03 := lsusync.APGroup{AP: accPerso02, Title: "Intitulé du groupe acc perso 3",
		Comment:  "Commentaire de l'accompagnement personnalisé en SVT",
		Teaching: []lsusync.Teaching{{Teacher: satieKey, Subject: di062900}}}

	// The parcours of a pupil, in the file's order of the codes.
	pathways := func(avenir, citoyen, artistique, sante string) []lsusync.Pathway {
		return []lsusync.Pathway{{Code: lsusync.PathwayFuture, Text: avenir}, {Code: lsusync.PathwayCitizen, Text: citoyen},
			{Code: lsusync.PathwayArts, Text: artistique}, {Code: lsusync.PathwayHealth, Text: sante}}
	}

	s.Bilans = []lsusync.Bilan{
		// eleve-ref EL_01, periode-ref P_01
		{
			Student: sampleEL01, Period: sampleTrimester(1),
			HeadTeachers: []lsusync.TeacherKey{sandKey},
			Acquis: []lsusync.Acquis{
				sampleAcquis(di020700, sandKey, lsusync.AcquisContent{ProgrammeElements: programme(1, 2, 3),
					NotGraded: true, ClassAverage: "10/20", Appreciation: "Appréciation pour la matière français"}),
				sampleAcquis(di030201, shelleyKey, lsusync.AcquisContent{ProgrammeElements: programme(4),
					Average: "18/20", ClassNotGraded: true, Appreciation: "Appréciation pour la matière anglais"}),
				sampleAcquis(di030602, celesKey, lsusync.AcquisContent{ProgrammeElements: programme(5),
					Average: "18/20", ClassAverage: "15/20", Appreciation: "Appréciation pour la matière anglais (F)"}),
				sampleAcquis(di061300, germainKey, lsusync.AcquisContent{ProgrammeElements: programme(6),
					Average: "9/20", ClassAverage: "10.5/20", Appreciation: "Appréciation pour la matière mathématiques"}),
				sampleAcquis(di062900, pasteurKey, lsusync.AcquisContent{ProgrammeElements: programme(7),
					Average: "17/20", ClassNotGraded: true, Appreciation: "Appréciation pour la matière sciences de la vie et de la terre"}),
				sampleAcquis(di062300, curieKey, lsusync.AcquisContent{ProgrammeElements: programme(8),
					Average: "11.5/20", ClassAverage: "13/20", Appreciation: "Appréciation pour la matière physique-chimie"}),
				sampleAcquis(di070800, eiffelKey, lsusync.AcquisContent{ProgrammeElements: programme(9),
					NotGraded: true, ClassAverage: "12/20", Appreciation: "Appréciation pour la matière technologie"}),
				sampleAcquis(di042100, micheletKey, lsusync.AcquisContent{ProgrammeElements: programme(10),
					Average: "16.5/20", ClassAverage: "12/20", Appreciation: "Appréciation pour la matière histoire-géographie"}),
				sampleAcquis(di100100, lenglenKey, lsusync.AcquisContent{ProgrammeElements: programme(11),
					Average: "9/20", ClassAverage: "10/20", Appreciation: "Appréciation pour la matière éducation physique et sportive"}),
				sampleAcquis(di090100, claudelKey, lsusync.AcquisContent{ProgrammeElements: programme(12),
					Average: "15.5/20", ClassAverage: "12/20", Appreciation: "Appréciation pour la matière arts plastiques"}),
				sampleAcquis(di081300, satieKey, lsusync.AcquisContent{ProgrammeElements: programme(13),
					Average: "16/20", ClassAverage: "13/20", Appreciation: "Appréciation pour la matière éducation musicale"}),
			},
			BilanContent: lsusync.BilanContent{
				CouncilDate: date(2015, time.January, 1), SchoolingDate: date(2015, time.September, 2),
				LockDate: lockedAt(2015, time.November, 12), Signatory: "Joseph SERGI",
				Digital: lsusync.DigitalSkills{
					Appreciation: "Appréciation littérale pour l'élève Grenelle Victor pour les compétences " + nl(20) +
						"numériques du T1. Présente les projets réalisés en spécifiant les outils mobilisés et " + nl(20) +
						"l’implication globale de l'élève." + nl(20),
					Levels: levels(),
					Common: []lsusync.DigitalCommon{cnc02},
				},
				EPIs: []lsusync.PupilEPI{{Group: epiGroupe01,
					Comment: "Commentaire de l'élève pour l'EPI sur la thématique EPI_ART : français/histoire-géo" + nl(24)}},
				APs: []lsusync.PupilAP{{Group: accPersoGroupe01,
					Comment: "Commentaire de l'élève pour l'accompagnement personnalisé groupe 1 en français" + nl(24)}},
				Pathways: pathways("Parcours avenir élève 1 période 1", "Parcours citoyen élève 1 période 1",
					"Parcours artistique élève 1 période 1", "Parcours santé élève 1 période 1"),
				Support: []lsusync.Support{{Code: lsusync.SupportPAP}, {Code: lsusync.SupportPPS},
					{Code: lsusync.SupportPPRE, PPRE: "Complément de la modalité PPRE"},
					{Code: lsusync.SupportCTR, Contract: "Complément de la modalité CTR"}},
				Synthesis:    "Acquis et conseils pour progresser pour l'élève 1 pour période 1",
				HomeworkHelp: "Devoirs faits par l'élève 1 période 1",
				SchoolLife: &lsusync.SchoolLife{Late: 30, Justified: 12, Unjustified: 3, MissedHours: hours(37),
					Comment: "Commentaire de vie scolaire de l'élève 1 pour la période 1"},
				Socle: []lsusync.SocleDomain{{Code: "CPD_FRA", Positioning: 1}, {Code: "CPD_ETR", Positioning: 2},
					{Code: "CPD_SCI", Positioning: 2}, {Code: "CPD_ART", Positioning: 1}, {Code: "MET_APP", Positioning: 1},
					{Code: "FRM_CIT", Positioning: 3}, {Code: "SYS_NAT", Positioning: 1}, {Code: "REP_MND", Positioning: 4}},
				Guardians: []lsusync.Guardian{{Name: "NOM RESPONSABLE 1 Prénom responsable 1",
					Address: lsusync.Address{Line1: "68", Line2: "GALERIE DE L'ARLEQUIN", Line3: "GRENOBLE", Line4: "BP 241",
						PostalCode: "38036", City: "GRENOBLE Cedex 2"}}},
			},
		},
		// eleve-ref EL_01, periode-ref P_02
		{
			Student: sampleEL01, Period: sampleTrimester(2),
			HeadTeachers: []lsusync.TeacherKey{sandKey, shelleyKey},
			Acquis: []lsusync.Acquis{
				sampleAcquis(di020700, sandKey, lsusync.AcquisContent{ProgrammeElements: programme(1, 13),
					Average: "11.5", ClassAverage: "11", Appreciation: "Appréciation pour la matière français"}),
				sampleAcquis(di030201, shelleyKey, lsusync.AcquisContent{ProgrammeElements: programme(14),
					Average: "19", ClassAverage: "12.5", Appreciation: "Appréciation pour la matière anglais"}),
				sampleAcquis(di061300, germainKey, lsusync.AcquisContent{ProgrammeElements: programme(6),
					Average: "9/20", ClassAverage: "10.5/20", Appreciation: "Appréciation pour la matière mathématiques"}),
			},
			BilanContent: lsusync.BilanContent{
				CouncilDate: date(2015, time.February, 2), SchoolingDate: date(2015, time.December, 6),
				LockDate: lockedAt(2016, time.February, 26), Signatory: "Catherine NAOWEL",
				EPIs: []lsusync.PupilEPI{{Group: epiGroupe02, Comment: "COM_ELEVE_EPI_1"}, {Group: epiGroupe03, Comment: "COM_ELEVE_EPI_2"}},
				APs: []lsusync.PupilAP{{Group: accPersoGroupe02, Comment: "COM_ELEVE_ACC_PERSO_1"},
					{Group: accPersoGroupe03, Comment: "COM_ELEVE_ACC_PERSO_2"}},
				Pathways: pathways("Parcours avenir élève 1 période 2", "Parcours citoyen élève 1 période 2",
					"Parcours artistique élève 1 période 2", "Parcours santé élève 1 période 2"),
				Support:   []lsusync.Support{{Code: lsusync.SupportPAP}},
				Synthesis: "Acquis et conseils pour progresser pour l'élève 1 pour la période 2",
				SchoolLife: &lsusync.SchoolLife{Late: 17, Justified: 11, Unjustified: 6,
					Comment: "Commentaire de vie scolaire de l'élève 1 pour la période 2"},
			},
		},
		// eleve-ref EL_02, periode-ref P_01
		{
			Student: sampleEL02, Period: sampleTrimester(1),
			HeadTeachers: []lsusync.TeacherKey{sandKey},
			Acquis: []lsusync.Acquis{
				sampleAcquis(di020700, sandKey, lsusync.AcquisContent{ProgrammeElements: programme(15),
					Average: "6", ClassAverage: "10", Appreciation: "Appréciation pour la matière français"}),
				sampleAcquis(di030201, shelleyKey, lsusync.AcquisContent{ProgrammeElements: programme(14),
					Average: "19", ClassAverage: "12.5", Appreciation: "Appréciation pour la matière anglais"}),
				sampleAcquis(di061300, germainKey, lsusync.AcquisContent{ProgrammeElements: programme(6),
					Average: "9/20", ClassAverage: "10.5/20", Appreciation: "Appréciation pour la matière mathématiques"}),
			},
			BilanContent: lsusync.BilanContent{
				CouncilDate: date(2015, time.March, 3), SchoolingDate: date(2015, time.September, 2),
				LockDate: lockedAt(2015, time.November, 12), Signatory: "Joseph SERGI",
				EPIs: []lsusync.PupilEPI{
					{Group: epiGroupe01, Comment: "Commentaire de l'élève 2 pour l'EPI sur la thématique EPI_ART : français/histoire-géo" + nl(24)},
					{Group: epiGroupe04, Comment: "Commentaire de l'élève 2 pour l'EPI sur la thématique EPI_TST : SVT/histoire-géo" + nl(24)},
				},
				APs: []lsusync.PupilAP{{Group: accPersoGroupe01,
					Comment: "Commentaire de l'élève 2 pour l'accompagnement personnalisé groupe 1 en français" + nl(24)}},
				Pathways: pathways("Parcours avenir élève 2 période 1", "Parcours citoyen élève 2 période 1",
					"Parcours artistique élève 2 période 1", "Parcours santé élève 2 période 1"),
				Support:   []lsusync.Support{{Code: lsusync.SupportPAP}},
				Synthesis: "Acquis et conseils pour progresser pour l'élève 2 pour la période 1",
				SchoolLife: &lsusync.SchoolLife{Late: 0, Justified: 0, Unjustified: 0, MissedHours: hours(0),
					Comment: "Commentaire de vie scolaire de l'élève 2 pour la période 1"},
			},
		},
		// eleve-ref EL_02, periode-ref P_02: the texts of P_01, but for the
		// averages and a comment written on two lines.
		{
			Student: sampleEL02, Period: sampleTrimester(2),
			HeadTeachers: []lsusync.TeacherKey{sandKey},
			Acquis: []lsusync.Acquis{
				sampleAcquis(di020700, sandKey, lsusync.AcquisContent{NotGraded: true, ClassAverage: "10"}),
				sampleAcquis(di030201, shelleyKey, lsusync.AcquisContent{ProgrammeElements: programme(14),
					NotGraded: true, ClassAverage: "12.5"}),
				sampleAcquis(di061300, germainKey, lsusync.AcquisContent{NotGraded: true, ClassAverage: "12.5",
					Appreciation: "Appréciation pour la matière mathématiques"}),
			},
			BilanContent: lsusync.BilanContent{
				CouncilDate: date(2015, time.April, 4), SchoolingDate: date(2015, time.September, 2),
				LockDate: lockedAt(2015, time.November, 12), Signatory: "Joseph SERGI",
				EPIs: []lsusync.PupilEPI{
					{Group: epiGroupe01, Comment: "Commentaire de l'élève 2 pour l'EPI sur la thématique EPI_ART :" + nl(28) +
						"français/histoire-géo" + nl(24)},
					{Group: epiGroupe04, Comment: "Commentaire de l'élève 2 pour l'EPI sur la thématique EPI_TST : SVT/histoire-géo" + nl(24)},
				},
				APs: []lsusync.PupilAP{{Group: accPersoGroupe01,
					Comment: "Commentaire de l'élève 2 pour l'accompagnement personnalisé groupe 1 en français" + nl(24)}},
				Pathways: pathways("Parcours avenir élève 2 période 1", "Parcours citoyen élève 2 période 1",
					"Parcours artistique élève 2 période 1", "Parcours santé élève 2 période 1"),
				Support:   []lsusync.Support{{Code: lsusync.SupportPAP}},
				Synthesis: "Acquis et conseils pour progresser pour l'élève 2 pour la période 1",
				SchoolLife: &lsusync.SchoolLife{Late: 0, Justified: 0, Unjustified: 0, MissedHours: hours(0),
					Comment: "Commentaire de vie scolaire de l'élève 2 pour la période 1"},
			},
		},
		// eleve-ref EL_01, periode-ref P_03: the texts of P_02, with the
		// compétences numériques of the trimester.
		{
			Student: sampleEL01, Period: sampleTrimester(3),
			HeadTeachers: []lsusync.TeacherKey{sandKey, shelleyKey},
			Acquis: []lsusync.Acquis{
				sampleAcquis(di020700, sandKey, lsusync.AcquisContent{ProgrammeElements: programme(1, 13),
					Average: "11.5", ClassAverage: "11", Appreciation: "Appréciation pour la matière français"}),
				sampleAcquis(di030201, shelleyKey, lsusync.AcquisContent{ProgrammeElements: programme(14),
					Average: "19", ClassAverage: "12.5", Appreciation: "Appréciation pour la matière anglais"}),
				sampleAcquis(di061300, germainKey, lsusync.AcquisContent{ProgrammeElements: programme(6),
					Average: "9/20", ClassAverage: "10.5/20", Appreciation: "Appréciation pour la matière mathématiques"}),
			},
			BilanContent: lsusync.BilanContent{
				CouncilDate: date(2015, time.June, 8), SchoolingDate: date(2015, time.May, 5),
				LockDate: lockedAt(2016, time.February, 26), Signatory: "Catherine NAOWEL",
				Digital: lsusync.DigitalSkills{
					Appreciation: "Appréciation littérale pour l'élève Grenelle Victor pour les compétences " + nl(20) +
						"numériques du T3. Présente les projets réalisés en spécifiant les outils mobilisés et " + nl(20) +
						"l’implication globale de l'élève." + nl(20),
					Levels: levels(),
					Common: []lsusync.DigitalCommon{cnc01, cnc02},
				},
				EPIs: []lsusync.PupilEPI{{Group: epiGroupe02, Comment: "COM_ELEVE_EPI_1"}, {Group: epiGroupe03, Comment: "COM_ELEVE_EPI_2"}},
				APs: []lsusync.PupilAP{{Group: accPersoGroupe02, Comment: "COM_ELEVE_ACC_PERSO_1"},
					{Group: accPersoGroupe03, Comment: "COM_ELEVE_ACC_PERSO_2"}},
				Pathways: pathways("Parcours avenir élève 1 période 2", "Parcours citoyen élève 1 période 2",
					"Parcours artistique élève 1 période 2", "Parcours santé élève 1 période 2"),
				Support:   []lsusync.Support{{Code: lsusync.SupportPAP}},
				Synthesis: "Acquis et conseils pour progresser pour l'élève 1 pour la période 2",
				SchoolLife: &lsusync.SchoolLife{Late: 17, Justified: 11, Unjustified: 6,
					Comment: "Commentaire de vie scolaire de l'élève 1 pour la période 2"},
			},
		},
	}
	// The groups and definitions above are shared by several bilans:
	// each bilan gets its own copy.
	for i := range s.Bilans {
		s.Bilans[i] = s.Bilans[i].Clone()
	}
	return s
}

// sampleElements are the libellés of the file's elements-programme, EP_01
// to EP_15.
var sampleElements = [...]string{
	"Élément de programme 1", "Élément de programme 2", "Élément de programme 3", "Élément de programme 4",
	"Élément de programme 5", "Élément de programme 6", "Élément de programme 7", "Élément de programme 8",
	"Élément de programme 9", "Élément de programme 10", "Élément de programme 11", "Élément de programme 12",
	"Élément de programme 13", "Élément de programme 14", "Élément de programme 15",
}

// programme returns the libellés of the éléments de programme EP_<n>, in
// the order given: an acquis's element-programme-refs.
func programme(refs ...int) []string {
	out := make([]string, len(refs))
	for i, n := range refs {
		out[i] = sampleElements[n-1]
	}
	return out
}

// sampleAcquis returns the acquis of a discipline-ref with its one teacher
// (enseignant-refs) and its content.
func sampleAcquis(s lsusync.Subject, teacher lsusync.TeacherKey, c lsusync.AcquisContent) lsusync.Acquis {
	return lsusync.Acquis{Subject: s, Teachers: []lsusync.TeacherKey{teacher}, AcquisContent: c}
}

// teacherKey returns the key of a teacher: enseignant/@type and @id-sts.
func teacherKey(typ, id string) lsusync.TeacherKey { return lsusync.TeacherKey{Type: typ, ID: id} }

// sampleTrimester returns the trimester P_0<i> of the file: of 2015-2016.
func sampleTrimester(i int) lsusync.Period { return lsusync.Period{Year: 2015, Index: i, Count: 3} }

// lockedAt returns a date-verrou of the file: the day, at 06:00:00.
func lockedAt(y int, m time.Month, d int) lsusync.DateTime {
	return lsusync.DateTime{Date: date(y, m, d), Hour: 6, Timed: true}
}

// nl returns a line feed and the n spaces that indent the next line of a
// text in the file: part of the text's value.
func nl(n int) string { return "\n" + strings.Repeat(" ", n) }

func hours(n int) *int { return &n }
