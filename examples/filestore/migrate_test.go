package filestore

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// v010Want is the content of testdata/v0.1.0.json, the store that the
// code of v0.1.0 wrote (see testdata/README.md), as today's model holds
// it: the positionings on LSU's scale are numbers, the one off it ("A")
// is kept in its acquis's Content, and the Content maps of the bilans and
// acquis are carried as they were, their names untouched.
func v010Want() lsusync.Snapshot {
	k := func(id string) lsusync.TeacherKey { return lsusync.TeacherKey{Type: "epp", ID: id} }
	local := lsusync.TeacherKey{Type: "local", ID: "L7"}
	fr := lsusync.Subject{Code: "020700", Label: "FRANCAIS", Modality: "S"}
	en := lsusync.Subject{Code: "030201", Label: "ANGLAIS LV1", Modality: "S"}
	ma := lsusync.Subject{Code: "061300", Label: "MATHEMATIQUES", Modality: "S"}
	la := lsusync.Subject{Code: "020400", Label: "LATIN", Modality: "F"}
	hg := lsusync.Subject{Code: "040003", Label: "HIST.-GEO. ENS. MORAL & CIVIQUE"}
	tri := func(i int) lsusync.Period { return lsusync.Period{Year: 2025, Index: i, Count: 3} }
	sem := func(i int) lsusync.Period { return lsusync.Period{Year: 2025, Index: i, Count: 2} }
	acq := func(s lsusync.Subject, c lsusync.AcquisContent, teachers ...lsusync.TeacherKey) lsusync.Acquis {
		return lsusync.Acquis{Subject: s, Teachers: teachers, AcquisContent: c}
	}
	none := lsusync.AcquisContent{}
	pp6, pp3 := []lsusync.TeacherKey{k("4190")}, []lsusync.TeacherKey{k("4189")}
	plain6 := []lsusync.Acquis{acq(fr, none, k("4190")), acq(en, none, k("4189")), acq(ma, none, k("4191"), local)}
	latin6 := append([]lsusync.Acquis{acq(la, none, k("4190"))}, plain6...)
	plain3 := []lsusync.Acquis{acq(en, none, k("4189")), acq(hg, none), acq(ma, none, k("4191"))}
	bilan := func(student string, p lsusync.Period, heads []lsusync.TeacherKey, acquis []lsusync.Acquis, content map[string]string) lsusync.Bilan {
		return lsusync.Bilan{Student: student, Period: p, Acquis: acquis, HeadTeachers: heads, BilanContent: lsusync.BilanContent{Content: content}}
	}
	locked := bilan("1001", tri(1), pp6, []lsusync.Acquis{
		acq(fr, lsusync.AcquisContent{Positioning: 3, Content: map[string]string{"elements_programme": "Lire ; écrire", "moyenne_classe": "12.1"}}, k("4190")),
		acq(en, lsusync.AcquisContent{Appreciation: "Très bon trimestre, « bravo » !", Positioning: 4, Average: "17.5"}, k("4189")),
		acq(ma, none, k("4191"), local),
	}, map[string]string{"synthese": "Excellent trimestre.", "vie_scolaire": "2 retards"})
	locked.Locked = true
	imported := bilan("1002", tri(1), pp6, []lsusync.Acquis{
		acq(la, lsusync.AcquisContent{Appreciation: "Latin : bon début.", Positioning: 2}, k("4190")),
		acq(fr, none, k("4190")), acq(en, none, k("4189")), acq(ma, none, k("4191"), local),
	}, map[string]string{"source": "Pronote", "synthese": "Importé de Pronote."})
	imported.Imported = true
	return lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: "0750001A", Name: "COLLÈGE JEAN MOULIN",
			Address:  lsusync.Address{Line1: "12 rue de l'École", Line2: "BP 12", PostalCode: "75001", City: "PARIS", Country: "100"},
			HeadName: "Mme Françoise D'ARTAGNAN", Phone: "0102030405", Email: "ce.0750001a@ac-paris.fr"},
		Teachers: []lsusync.Teacher{
			{Key: k("4189"), Civility: "MME", LastName: "MARTIN", FirstName: "Claire", NUMEN: "12E0123456ABC"},
			{Key: k("4190"), Civility: "M", LastName: "PETIT", FirstName: "Louis"},
			{Key: k("4191"), Civility: "MME", LastName: "N'DIAYE", FirstName: "Aïssata"},
			{Key: local, Civility: "M", LastName: "ROUX", FirstName: "Éric"},
		},
		Classes: []lsusync.Class{
			{Code: "3 B", Label: "3e B", Periods: []lsusync.Period{sem(1), sem(2)}},
			{Code: "6A", Label: "6e A", Periods: []lsusync.Period{tri(1), tri(2), tri(3)}},
		},
		Students: []lsusync.Student{
			{ID: "1001", Class: "6A", INE: "070803070AJ", LastName: "DURAND", FirstName: "Léa", BirthDate: lsusync.Date{Year: 2014, Month: time.April, Day: 2}, Sex: lsusync.Female},
			{ID: "1002", Class: "6A", INE: "070803071BK", LastName: "LE GOFF", UsageName: "MARTIN", FirstName: "Noé", FirstName2: "Yann", BirthDate: lsusync.Date{Year: 2014, Month: time.November, Day: 30}, Sex: lsusync.Male},
			{ID: "1003", Class: "6A", INE: "070803072CL", LastName: "NGUYEN", FirstName: "Anh", FirstName2: "Marie", FirstName3: "Thi", BirthDate: lsusync.Date{Year: 2013, Month: time.January, Day: 15}, Sex: lsusync.Female},
			{ID: "2001", Class: "3 B", INE: "070803073DM", LastName: "BERNARD", FirstName: "Hugo", BirthDate: lsusync.Date{Year: 2010, Month: time.June, Day: 21}, Sex: lsusync.Male},
			{ID: "2002", Class: "3 B", LastName: "O'BRIEN", FirstName: "Zoé", Sex: lsusync.Female},
		},
		Bilans: []lsusync.Bilan{
			locked,
			bilan("1001", tri(2), pp6, []lsusync.Acquis{
				acq(fr, none, k("4190")), acq(en, none, k("4189")),
				acq(ma, lsusync.AcquisContent{Appreciation: "Souvent \"absent\"\nà revoir.", Average: "9,5", Content: map[string]string{"positioning": "A"}}, k("4191"), local),
			}, map[string]string{"synthese": "Des efforts à fournir."}),
			bilan("1001", tri(3), pp6, plain6, nil),
			imported,
			bilan("1002", tri(2), pp6, []lsusync.Acquis{
				acq(la, none, k("4190")), acq(fr, none, k("4190")),
				acq(en, lsusync.AcquisContent{Content: map[string]string{"note": ""}}, k("4189")),
				acq(ma, none, k("4191"), local),
			}, nil),
			bilan("1002", tri(3), pp6, latin6, nil),
			bilan("1003", tri(1), pp6, plain6, nil),
			bilan("1003", tri(2), pp6, plain6, nil),
			bilan("1003", tri(3), pp6, plain6, nil),
			bilan("2001", sem(1), pp3, []lsusync.Acquis{
				acq(en, none, k("4189")),
				acq(hg, lsusync.AcquisContent{Appreciation: "Travail irrégulier."}),
				acq(ma, lsusync.AcquisContent{Positioning: 1, Average: "6"}, k("4191")),
			}, map[string]string{"orientation": "2nde GT", "synthese": "Peut mieux faire."}),
			bilan("2001", sem(2), pp3, plain3, nil),
			bilan("2002", sem(1), pp3, plain3, nil),
			bilan("2002", sem(2), pp3, []lsusync.Acquis{
				acq(en, lsusync.AcquisContent{Appreciation: "Bonne participation à l'oral."}, k("4189")),
				acq(hg, none), acq(ma, none, k("4191")),
			}, map[string]string{"synthese": "Bon semestre."}),
		},
	}
}

// v010Memos are the classes' memos of testdata/v0.1.0.json: the
// synchronisation of v0.1.0 wrote both, and a later edit in 3 B dropped
// that class's.
var v010Memos = map[string]string{"6A": "lsusync-memo-1:zy25idtnlhnkYxHhMvSMZE39fcG60zgoZUQaOvPu9JM", "3 B": ""}

// TestOpensV010Store opens the store file that the code of v0.1.0 wrote
// (format version 2), checks that every value is what v0.1.0 wrote,
// commits, and checks that the file is now in version 3, as
// testdata/v0.1.0-v3.json shows it (go test -run V010 -update rewrites
// it), and that nothing was lost.
func TestOpensV010Store(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "lsu.json")
	require.NoError(t, os.WriteFile(path, readBytes(t, filepath.Join("testdata", "v0.1.0.json")), 0o600))
	want := v010Want()
	check := func(s *Store, when string) {
		t.Helper()
		if diff := cmp.Diff(want, s.Snapshot(), equateEmpty); diff != "" {
			t.Errorf("%s (-want +got):\n%s", when, diff)
		}
		memos, err := s.ClassMemos(ctx)
		require.NoError(t, err)
		got := map[string]string{}
		for _, m := range memos {
			got[m.Class] = m.Text
		}
		if diff := cmp.Diff(v010Memos, got); diff != "" {
			t.Errorf("%s, the memos (-want +got):\n%s", when, diff)
		}
	}

	s, err := Open(context.Background(), path, Options{})
	require.NoError(t, err)
	check(s, "the v0.1.0 store opened")
	est, err := s.Establishment(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Apply(ctx, lsusync.ChangeSet{Establishment: &est}))
	require.NoError(t, s.Close())

	file := readBytes(t, path)
	golden := filepath.Join("testdata", "v0.1.0-v3.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, file, 0o644))
	}
	if diff := cmp.Diff(string(readBytes(t, golden)), string(file)); diff != "" {
		t.Errorf("the store after its first commit (-%s +written):\n%s", golden, diff)
	}
	if !bytes.Contains(file, []byte("\"version\": 3,\n")) {
		t.Error("the first commit did not write version 3")
	}
	s, err = Open(context.Background(), path, Options{})
	require.NoError(t, err)
	defer s.Close()
	check(s, "the store reopened after its first commit")
}

// TestBadVersion2Files checks what a file of version 2 may not hold,
// from the store that v0.1.0 wrote: the members of version 3, and a
// positioning off LSU's scale that its acquis's Content cannot keep.
func TestBadVersion2Files(t *testing.T) {
	valid := string(readBytes(t, filepath.Join("testdata", "v0.1.0.json")))
	sub := func(old, new string) string {
		if !strings.Contains(valid, old) {
			panic("no " + old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	for _, tc := range []badFile{
		{name: "an off-scale positioning and a content that has one", line: 38,
			content: sub(`"positioning":"A","average":"9,5"}`, `"positioning":"A","average":"9,5","content":{"positioning":"B"}}`),
			want:    `bilans[1].acquis: positioning "A" is not on LSU's scale of 1 to 4, and the acquis's content has a "positioning" already to keep it in`},
		{name: "a national code", line: 24, content: sub(`"modality":"S"},`, `"modality":"S","nationalCode":"020700"},`),
			want: `subjects[0]: unknown member "nationalCode"`},
		{name: "a content of version 3", line: 37, content: sub(`"content":{"synthese":"Excellent trimestre.","vie_scolaire":"2 retards"}`, `"content":{"synthesis":"Excellent trimestre.","schoolLife":{"late":2}}`),
			want: `a string was expected, not an object`},
		{name: "a named content not a string", line: 37, content: sub(`"vie_scolaire":"2 retards"`, `"vie_scolaire":2`),
			want: `a string was expected, not a number`},
		{name: "a positioning as a number", line: 38, content: sub(`"positioning":"A"`, `"positioning":1`),
			want: `a string was expected, not a number`},
	} {
		t.Run(tc.name, func(t *testing.T) { checkRefused(t, tc, ErrCorrupt) })
	}
}
