package lsufile_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/lsufile"
)

// The golden store: one class of three pupils, with bilans that hold
// every element of the file, written by hand, and two that cannot be
// valid.

var (
	fr     = lsusync.Subject{Code: "020700", Label: "Français", Modality: "S"}
	en     = lsusync.Subject{Code: "030201", Label: "Anglais LV1", Modality: "S"}
	enOpt  = lsusync.Subject{Code: "030201", Label: "Anglais LV1", Modality: "F"}
	hist   = lsusync.Subject{Code: "040700", Label: "Histoire & géographie", Modality: "S"}
	eps    = lsusync.Subject{Code: "100A00", Label: "EPS", Modality: "S", NationalCode: "100100"}
	anne   = lsusync.TeacherKey{Type: lsusync.TypeEPP, ID: "4189"}
	marc   = lsusync.TeacherKey{Type: lsusync.TypeEPP, ID: "930"}
	local7 = lsusync.TeacherKey{Type: lsusync.TypeLocal, ID: "7"}
	t1     = lsusync.Period{Year: 2025, Index: 1, Count: 3}
	t2     = lsusync.Period{Year: 2025, Index: 2, Count: 3}
)

func epiGroupOf(title string) lsusync.EPIGroup {
	return lsusync.EPIGroup{
		EPI: lsusync.EPI{Title: "Théâtre et société", Theme: "EPI_ART", Subjects: []lsusync.Subject{fr, hist},
			Description: "Écrire, mettre en scène\net jouer une pièce."},
		Title: title, Comment: "Groupe très investi.",
		Teaching: []lsusync.Teaching{{Teacher: anne, Subject: fr}, {Teacher: marc, Subject: hist}},
	}
}

// fullContent is a bilan's content holding every element of the file.
func fullContent(p lsusync.Period, pupil int) lsusync.BilanContent {
	missed := 4
	return lsusync.BilanContent{
		CouncilDate:   lsusync.Date{Year: 2025, Month: time.December, Day: 9},
		SchoolingDate: lsusync.Date{Year: 2025, Month: time.September, Day: 1},
		LockDate:      lsusync.DateTime{Date: lsusync.Date{Year: 2025, Month: time.December, Day: 12}, Hour: 18, Minute: 30, Timed: true},
		Synthesis:     "Trimestre « très satisfaisant » : des progrès nets à l'écrit & à l'oral.\r\nContinuer ainsi.",
		HomeworkHelp:  "Présent à chaque séance.",
		SchoolLife:    &lsusync.SchoolLife{Late: 2, Justified: 3, Unjustified: 0, MissedHours: &missed, Comment: "Ponctualité à améliorer."},
		Support:       []lsusync.Support{{Code: lsusync.SupportPPRE, PPRE: "Lecture à voix haute, deux fois par semaine."}, {Code: lsusync.SupportPAP}},
		Pathways:      []lsusync.Pathway{{Code: lsusync.PathwayArts, Text: "Visite du musée d'Orsay."}, {Code: lsusync.PathwayCitizen, Text: "Délégué de classe."}},
		EPIs:          []lsusync.PupilEPI{{Group: epiGroupOf("Théâtre 3e A"), Comment: "A joué le rôle principal."}},
		APs: []lsusync.PupilAP{{Group: lsusync.APGroup{AP: lsusync.AP{Title: "Méthodologie", Subjects: []lsusync.Subject{fr}},
			Title: "AP 3e groupe 1", Teaching: []lsusync.Teaching{{Teacher: anne, Subject: fr}}}}},
		Digital: lsusync.DigitalSkills{Appreciation: "Maîtrise les outils de traitement de texte.",
			Levels: []lsusync.DigitalLevel{{Code: "CN_INF_MEN", Level: 2}, {Code: "CN_CRE_TEX", Level: 3}},
			Common: []lsusync.DigitalCommon{{Structure: "3EME1", StructureType: "D", Text: "Classe à l'aise avec le numérique."}}},
		Socle: []lsusync.SocleDomain{{Code: "CPD_FRA", Positioning: 3}, {Code: "CPD_ETR", Positioning: 2}, {Code: "CPD_SCI", Positioning: 3},
			{Code: "CPD_ART", Positioning: 4}, {Code: "MET_APP", Positioning: 3}, {Code: "FRM_CIT", Positioning: 4},
			{Code: "SYS_NAT", Positioning: 2}, {Code: "REP_MND", Positioning: 0}},
		Guardians: []lsusync.Guardian{{Civility: "MME", LastName: "MARTIN", FirstName: "Sophie", Legal1: true, Relationship: "Mère",
			Address: lsusync.Address{Line1: "12 rue de l'Œuvre", Line2: "Bâtiment A", PostalCode: "75005", City: "PARIS", Country: "100"}}},
		Content: map[string]string{"moyenne-generale": "14,2"},
	}
}

func acquisOf(s lsusync.Subject, t lsusync.TeacherKey, appreciation string, pos int) lsusync.Acquis {
	return lsusync.Acquis{Subject: s, Teachers: []lsusync.TeacherKey{t}, AcquisContent: lsusync.AcquisContent{
		ProgrammeElements: []string{"Lire et comprendre des textes variés", "Écrire des textes argumentatifs"},
		Positioning:       pos, Average: "14,5", ClassAverage: "12,1", Appreciation: appreciation,
	}}
}

// goldenStore returns the golden store's snapshot.
func goldenStore() lsusync.Snapshot {
	bilan := func(student string, p lsusync.Period, pupil int) lsusync.Bilan {
		return lsusync.Bilan{Student: student, Period: p, HeadTeachers: []lsusync.TeacherKey{marc},
			Acquis: []lsusync.Acquis{
				acquisOf(fr, anne, "Très bon travail <à l'écrit>.", 4),
				acquisOf(en, marc, "Participe \"volontiers\".", 3),
				{Subject: enOpt, Teachers: []lsusync.TeacherKey{local7}, AcquisContent: lsusync.AcquisContent{NotGraded: true, ClassNotGraded: true}},
				acquisOf(hist, marc, "Bonnes connaissances ;\tdes progrès à faire en méthode.", 2),
				{Subject: eps, Teachers: []lsusync.TeacherKey{local7}, AcquisContent: lsusync.AcquisContent{Appreciation: "Très investi."}},
			},
			BilanContent: fullContent(p, pupil)}
	}
	b1, b2, b3 := bilan("1001", t1, 1), bilan("1001", t2, 1), bilan("1002", t1, 2)
	b2.Locked = true
	b2.Signatory = "M. Jean MARTIN (principal adjoint)"
	// A bilan that cannot be valid: no synthesis, an acquis without a
	// teacher, a council before the scolarité date.
	b4 := bilan("1002", t2, 2)
	b4.Synthesis = ""
	b4.Acquis[1].Teachers = nil
	b4.CouncilDate = lsusync.Date{Year: 2025, Month: time.August, Day: 30}
	// An imported bilan, exported with -imported only.
	b5 := bilan("1003", t1, 3)
	b5.Imported = true
	// A bilan without content: a synchronisation's.
	b6 := lsusync.Bilan{Student: "1003", Period: t2, Acquis: []lsusync.Acquis{{Subject: fr, Teachers: []lsusync.TeacherKey{anne}}}}
	return lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: "0750001A", Name: "COLLÈGE DES SCIENCES & LETTRES", HeadName: "Mme Claire DUPONT"},
		Teachers: []lsusync.Teacher{
			{Key: anne, Civility: "MME", LastName: "LEROY", FirstName: "Anne"},
			{Key: marc, Civility: "M", LastName: "DURAND", FirstName: "Marc"},
			{Key: local7, LastName: "DUPUIS"},
		},
		Classes: []lsusync.Class{{Code: "3EME1", Label: "3e 1", Periods: lsusync.Trimesters(2025)}},
		Students: []lsusync.Student{
			{ID: "1001", Class: "3EME1", LastName: "BERNARD", FirstName: "Zoé"},
			{ID: "1002", Class: "3EME1", LastName: "PETIT", FirstName: "Lucas"},
			{ID: "1003", Class: "3EME1", LastName: "N'DIAYE", FirstName: "Aïcha"},
		},
		Bilans: []lsusync.Bilan{b1, b2, b3, b4, b5, b6},
	}
}

// golden compares got with the file testdata/name, or writes it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden file: run the test with -update")
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs from the golden file (-want +got); run with -update if the change is meant:\n%s", name, d)
	}
}

// TestExportGolden writes the golden store's export in both versions,
// with its report, compares them with the golden files, checks with
// xmllint that the files are valid, and that a second export gives the
// same bytes.
func TestExportGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts lsufile.ExportOptions
	}{
		{"export-7.0", lsufile.ExportOptions{}},
		{"export-3.0", lsufile.ExportOptions{Schema: lsufile.Version3}},
		{"export-imported-T1", lsufile.ExportOptions{Imported: true, Periods: []string{"T1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t, goldenStore())
			path, rep := export(t, st, tc.opts)
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			golden(t, tc.name+".xml", got)
			golden(t, tc.name+".txt", []byte(rep.String()))
			validate(t, path, rep.Schema)
			again, _ := export(t, st, tc.opts)
			second, err := os.ReadFile(again)
			require.NoError(t, err)
			require.True(t, bytes.Equal(got, second), "two exports of one store differ")
		})
	}
}

// TestExportRefusals checks what Export refuses before it writes anything.
func TestExportRefusals(t *testing.T) {
	ctx := context.Background()
	st := newStore(t, goldenStore())
	tests := []struct {
		name string
		opts lsufile.ExportOptions
		want error
	}{
		{"unknown class", lsufile.ExportOptions{Identity: identity, Classes: []string{"3EME9"}}, lsusync.ErrUnknownClass},
		{"unknown period", lsufile.ExportOptions{Identity: identity, Periods: []string{"S1"}}, lsufile.ErrUnknownPeriod},
		{"no editor", lsufile.ExportOptions{Identity: lsufile.Identity{Application: "A"}}, lsusync.ErrInvalid},
		{"blank application", lsufile.ExportOptions{Identity: lsufile.Identity{Editor: "E", Application: "   "}}, lsusync.ErrInvalid},
		{"schema 6.0", lsufile.ExportOptions{Identity: identity, Schema: "6.0"}, lsusync.ErrInvalid},
		{"strict", lsufile.ExportOptions{Identity: identity, Strict: true}, lsufile.ErrInvalidBilans},
		{"nothing valid", lsufile.ExportOptions{Identity: identity, Periods: []string{"T3"}}, lsufile.ErrNothingToExport},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			_, err := lsufile.Export(ctx, st, &b, tc.opts)
			require.ErrorIs(t, err, tc.want)
			require.Zero(t, b.Len(), "Export wrote before refusing")
		})
	}
}
