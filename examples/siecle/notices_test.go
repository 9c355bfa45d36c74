package siecle

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// The notices of the unchanged fixtures (see testdata/golden/full.json).
var (
	noticeNoDivision = lsusync.Notice{Status: lsusync.StatusWarning, Where: `ElevesSansAdresses.xml ELEVE (ELEVE_ID="127")`,
		Message: "2 élèves de SIECLE n'ont pas de division (pas de STRUCTURE de type D) : ils ne sont dans aucune classe et ne sont pas synchronisés.",
		Records: []string{`ELEVE_ID="127"`, `ELEVE_ID="128"`}}
	noticeInactifs = lsusync.Notice{Status: lsusync.StatusSuccess, Where: `ElevesSansAdresses.xml:136 STRUCTURE (CODE_STRUCTURE="Inactifs")`,
		Message: "1 élève de la division « Inactifs » de SIECLE (élèves inactifs) n'est dans aucune classe : il n'est pas synchronisé."}
	noticeOrphan = lsusync.Notice{Status: lsusync.StatusWarning, Where: `ElevesSansAdresses.xml:160 STRUCTURES_ELEVE (ELEVE_ID="999")`,
		Message: "1 affectation de SIECLE (STRUCTURES_ELEVE) désigne un élève absent de la liste des élèves : elle est ignorée."}
	noticeDir = lsusync.Notice{Status: lsusync.StatusSuccess, Where: `sts_emp_0750001A_2025.xml:109 INDIVIDU@TYPE (INDIVIDU TYPE="dir" ID="3")`,
		Message: "1 personne de type dir dans STS-Web (personnels de direction) est enregistrée comme enseignant de type epp : LSU ne connaît que les types epp et local."}
	noticeNUMEN = lsusync.Notice{Status: lsusync.StatusWarning, Where: "numen.csv:4 (epp:99999)",
		Message: "1 ligne du fichier des NUMEN désigne un enseignant absent de STS-Web : elle est ignorée."}
)

// TestNotices checks what the Source tells of the data it skips: each
// notice in full, in order, without personal data.
func TestNotices(t *testing.T) {
	ctx := context.Background()
	personal := personalValues(t)
	fixtureNotices := []lsusync.Notice{noticeNoDivision, noticeInactifs, noticeOrphan, noticeDir, noticeNUMEN}
	tests := []struct {
		name   string
		open   func(t *testing.T) (*Source, error)
		want   []lsusync.Notice
		verify func(t *testing.T, src *Source)
	}{
		{"fixtures", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, nil)
			return Open(ctx, f, numenOpts(f))
		}, fixtureNotices, nil},
		{"other SIECLE exports in the folder", func(t *testing.T) (*Source, error) {
			dir, _ := fixtureDir(t, nil)
			resp := `<?xml version="1.0" encoding="ISO-8859-15"?>` + "\n" + `<BEE_RESPONSABLES VERSION="2.0"><DONNEES><PERSONNES/></DONNEES></BEE_RESPONSABLES>`
			require.NoError(t, os.WriteFile(filepath.Join(dir, "ResponsablesAvecAdresses.xml"), []byte(resp), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "ResponsablesSansAdresses.zip"), zipOf(t, "ResponsablesSansAdresses.xml", resp), 0o644))
			for _, n := range []string{"notes.txt", "Eleves.csv", ".~lock.Communs.xml#", ".Communs.xml"} {
				require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("not an export"), 0o644))
			}
			return OpenDir(ctx, dir, Options{})
		}, append([]lsusync.Notice{
			{Status: lsusync.StatusWarning, Where: "ResponsablesAvecAdresses.xml BEE_RESPONSABLES",
				Message: "Le fichier ResponsablesAvecAdresses.xml (export BEE_RESPONSABLES de SIECLE : les responsables des élèves) n'est pas lu : la synchronisation n'en a pas besoin."},
			{Status: lsusync.StatusWarning, Where: "ResponsablesSansAdresses.zip:ResponsablesSansAdresses.xml BEE_RESPONSABLES",
				Message: "Le fichier ResponsablesSansAdresses.zip:ResponsablesSansAdresses.xml (export BEE_RESPONSABLES de SIECLE : les responsables des élèves) n'est pas lu : la synchronisation n'en a pas besoin."},
		}, fixtureNotices...), nil},
		{"MEFS_APPARTENANCE/MEF instead of MEF_APPARTENANCE", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, func(n string, b []byte) []byte {
				if n != fxSTS {
					return b
				}
				s := strings.Replace(string(b), `<MEF_APPARTENANCE CODE="10310019110"/>`, `<MEF CODE="10310019110"/>`, 1)
				return []byte(strings.Replace(s, `<MEF_APPARTENANCE CODE="10310019111"/>`, `<MEF CODE="10310019111"/>`, 1))
			})
			return Open(ctx, f, numenOpts(f))
		}, append(fixtureNotices[:3:3],
			lsusync.Notice{Status: lsusync.StatusWarning, Where: `sts_emp_0750001A_2025.xml:183 MEFS_APPARTENANCE/MEF (DIVISION CODE="4e 2")`,
				Message: "2 éléments MEF inattendus dans MEFS_APPARTENANCE, où STS-Web écrit MEF_APPARTENANCE, ne sont pas lus : les données qu'ils portent ne sont pas synchronisées."},
			// Of one division: named once.
			noticeDir, noticeNUMEN),
			func(t *testing.T, src *Source) {
				// The modalities of 4e 2 are lost, which is why the
				// notice is a warning.
				c, err := src.Class(ctx, "4e 2")
				require.NoError(t, err)
				for _, s := range c.Services {
					if s.Subject.Modality != "" {
						t.Errorf("4e 2, %s: modality %q from a MEF the file does not give", s.Subject.Code, s.Subject.Modality)
					}
				}
			}},
		{"unexpected children of several lists", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, func(n string, b []byte) []byte {
				s := string(b)
				switch n {
				case fxSTS:
					s = strings.Replace(s, `<ENSEIGNANT ID="5001" TYPE="epp"/>`, `<ENSEIGNANT_SUPPLEANT ID="5001" TYPE="epp"/>`, 1)
					s = strings.Replace(s, `<PROF_PRINC>`, `<PROF_PRINCIPAL/><PROF_PRINC>`, 1)
					// In the lists of personal data, a name that is not
					// the exports' may be a value: not shown, and counted
					// together.
					s = strings.Replace(s, `<INDIVIDUS>`, `<INDIVIDUS><DURAND/><Luc></Luc>`, 1)
					s = strings.Replace(s, `<SUPPLEANTS>`, `<SUPPLEANTS><INDIVIDU ID="9" TYPE="epp"/>`, 1)
					s = strings.Replace(s, `<DIVISION_APPARTENANCE CODE="4e 2"/>`, `<DIVISION CODE="4e 2"/>`, 1)
				case fxEleves:
					s = strings.Replace(s, `<ELEVE ELEVE_ID="126">`, `<ELEVE_SORTANT ELEVE_ID="126"/><ELEVE ELEVE_ID="126">`, 1)
				case fxNomenclature:
					s = strings.Replace(s, "<PROGRAMME>", "<PROGRAMME_OPTION/><PROGRAMME>", 2)
				}
				return []byte(s)
			})
			return Open(ctx, f, numenOpts(f))
		}, []lsusync.Notice{
			{Status: lsusync.StatusWarning, Where: "ElevesSansAdresses.xml:54 ELEVES",
				Message: "1 élément inattendu, d'un nom que les exports n'emploient pas (non affiché), dans ELEVES, où SIECLE écrit ELEVE, n'est pas lu : les données qu'il porte ne sont pas synchronisées."},
			noticeNoDivision, noticeInactifs, noticeOrphan,
			{Status: lsusync.StatusWarning, Where: "Nomenclature.xml:35 PROGRAMMES/PROGRAMME_OPTION",
				Message: "2 éléments PROGRAMME_OPTION inattendus dans PROGRAMMES, où SIECLE écrit PROGRAMME, ne sont pas lus : les données qu'ils portent ne sont pas synchronisées."},
			{Status: lsusync.StatusWarning, Where: "sts_emp_0750001A_2025.xml:65 INDIVIDUS",
				Message: "2 éléments inattendus, de noms que les exports n'emploient pas (non affichés), dans INDIVIDUS, où STS-Web écrit INDIVIDU, ne sont pas lus : les données qu'ils portent ne sont pas synchronisées."},
			{Status: lsusync.StatusWarning, Where: `sts_emp_0750001A_2025.xml:76 PROFS_PRINC (INDIVIDU TYPE="epp" ID="4189")`,
				Message: "1 élément inattendu, d'un nom que les exports n'emploient pas (non affiché), dans PROFS_PRINC, où STS-Web écrit PROF_PRINC, n'est pas lu : les données qu'il porte ne sont pas synchronisées."},
			{Status: lsusync.StatusWarning, Where: "sts_emp_0750001A_2025.xml:123 SUPPLEANTS/INDIVIDU",
				Message: "1 élément INDIVIDU inattendu dans SUPPLEANTS, où STS-Web écrit SUPPLEANT, n'est pas lu : les données qu'il porte ne sont pas synchronisées."},
			{Status: lsusync.StatusWarning, Where: `sts_emp_0750001A_2025.xml:189 ENSEIGNANTS/ENSEIGNANT_SUPPLEANT (DIVISION CODE="4e 2")`,
				Message: "1 élément ENSEIGNANT_SUPPLEANT inattendu dans ENSEIGNANTS, où STS-Web écrit ENSEIGNANT, n'est pas lu : les données qu'il porte ne sont pas synchronisées."},
			{Status: lsusync.StatusWarning, Where: `sts_emp_0750001A_2025.xml:212 DIVISIONS_APPARTENANCE/DIVISION (GROUPE CODE="4LV2 ESP")`,
				Message: "1 élément DIVISION inattendu dans DIVISIONS_APPARTENANCE, où STS-Web écrit DIVISION_APPARTENANCE, n'est pas lu : les données qu'il porte ne sont pas synchronisées."},
			noticeDir, noticeNUMEN,
		}, nil},
		{"a division no export has", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, nil)
			f.Structures = "" // 6 B is only there
			return Open(ctx, f, numenOpts(f))
		}, []lsusync.Notice{noticeNoDivision,
			{Status: lsusync.StatusWarning, Where: `ElevesSansAdresses.xml:158 STRUCTURE (CODE_STRUCTURE="6 B")`,
				Message: "1 élève de la division « 6 B » de SIECLE n'est dans aucune classe : ni STS-Web ni Structures.xml n'ont cette division, il n'est pas synchronisé."},
			noticeInactifs, noticeOrphan, noticeDir, noticeNUMEN,
		}, nil},
		{"orphan structures on one line", func(t *testing.T) (*Source, error) {
			// The first in file order is named, whatever the order of a
			// map: several share the line.
			var orphans strings.Builder
			for _, id := range []string{"995", "991", "998", "990", "997", "992"} {
				fmt.Fprintf(&orphans, `<STRUCTURES_ELEVE ELEVE_ID="%s"><STRUCTURE><CODE_STRUCTURE>4e 1</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE>`, id)
			}
			_, f := fixtureDir(t, edit(t, fxEleves, "<STRUCTURES>", "<STRUCTURES>"+orphans.String()))
			return Open(ctx, f, numenOpts(f))
		}, []lsusync.Notice{noticeNoDivision, noticeInactifs,
			{Status: lsusync.StatusWarning, Where: `ElevesSansAdresses.xml:101 STRUCTURES_ELEVE (ELEVE_ID="995")`,
				Message: "7 affectations de SIECLE (STRUCTURES_ELEVE) désignent des élèves absents de la liste des élèves : elles sont ignorées.",
				Records: []string{`ELEVE_ID="995"`, `ELEVE_ID="991"`, `ELEVE_ID="998"`, `ELEVE_ID="990"`, `ELEVE_ID="997"`, `ELEVE_ID="992"`, `ELEVE_ID="999"`}},
			noticeDir, noticeNUMEN,
		}, nil},
		{"many unexpected names", func(t *testing.T) (*Source, error) {
			var extra strings.Builder
			for i := range maxUnexpected + 3 {
				fmt.Fprintf(&extra, "<X%d/><X%d/>", i, i)
			}
			_, f := fixtureDir(t, edit(t, fxStructures, "<DIVISIONS>", "<DIVISIONS>"+extra.String()))
			return Open(ctx, f, numenOpts(f))
		}, nil, func(t *testing.T, src *Source) {
			ns, err := src.Notices(ctx)
			require.NoError(t, err)
			require.Len(t, ns, maxUnexpected+1+len(fixtureNotices))
			ns = ns[3:] // after the pupils'
			require.Equal(t, "Structures.xml:8 DIVISIONS/X0", ns[0].Where)
			require.Equal(t, "2 éléments X0 inattendus dans DIVISIONS, où SIECLE écrit DIVISION, ne sont pas lus : les données qu'ils portent ne sont pas synchronisées.", ns[0].Message)
			require.Equal(t, "Structures.xml:8 DIVISIONS/X63", ns[maxUnexpected-1].Where)
			require.Equal(t, lsusync.Notice{Status: lsusync.StatusWarning, Where: "Structures.xml",
				Message: "6 autres éléments inattendus ne sont pas lus : les données qu'ils portent ne sont pas synchronisées."}, ns[maxUnexpected])
		}},
		{"dir persons, substitutes included", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, func(n string, b []byte) []byte {
				if n != fxSTS {
					return b
				}
				s := strings.Replace(string(b), `<SUPPLEANT ID="5001" TYPE="epp">`, `<SUPPLEANT ID="5001" TYPE="dir">`, 1)
				return []byte(strings.Replace(s, `<ENSEIGNANT ID="5001" TYPE="epp"/>`, `<ENSEIGNANT ID="5001" TYPE="dir"/>`, 1))
			})
			return Open(ctx, f, numenOpts(f))
		}, []lsusync.Notice{noticeNoDivision, noticeInactifs, noticeOrphan,
			{Status: lsusync.StatusSuccess, Where: noticeDir.Where,
				Message: "2 personnes de type dir dans STS-Web (personnels de direction) sont enregistrées comme enseignants de type epp : LSU ne connaît que les types epp et local.",
				Records: []string{`INDIVIDU TYPE="dir" ID="3"`, `SUPPLEANT TYPE="dir" ID="5001"`}},
			noticeNUMEN,
		}, func(t *testing.T, src *Source) {
			c, err := src.Class(ctx, "4e 2")
			require.NoError(t, err)
			want := []lsusync.HeadTeacher{
				{Teacher: lsusync.TeacherKey{Type: "epp", ID: "5001"}, Start: date(2025, 11, 1), End: date(2026, 7, 4)},
				{Teacher: lsusync.TeacherKey{Type: "epp", ID: "4189"}, Start: date(2025, 9, 1), End: date(2025, 10, 31)},
			}
			if diff := gocmp.Diff(want, c.HeadTeachers); diff != "" {
				t.Errorf("4e 2 PP (-want +got):\n%s", diff)
			}
			if got := c.Services[0].Teachers; len(got) != 1 || got[0] != (lsusync.TeacherKey{Type: "epp", ID: "5001"}) {
				t.Errorf("4e 2 service teachers %v, want epp:5001", got)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := tc.open(t)
			require.NoError(t, err)
			got, err := src.Notices(ctx)
			require.NoError(t, err)
			if tc.want != nil {
				if diff := gocmp.Diff(tc.want, got); diff != "" {
					t.Errorf("notices (-want +got):\n%s", diff)
				}
			}
			random := personaldata.Options{Random: personaldata.TempDirs(t)}
			for _, n := range got {
				personaldata.Check(t, "the notice's message", n.Message, personal, random)
				personaldata.Check(t, "the notice's place", n.Where, personal, random)
			}
			if tc.verify != nil {
				tc.verify(t, src)
			}
		})
	}
}

// TestNoticesContext: Notices honours its context, and its result is the
// caller's.
func TestNoticesContext(t *testing.T) {
	_, f := fixtureDir(t, nil)
	src, err := Open(context.Background(), f, numenOpts(f))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = src.Notices(ctx)
	require.ErrorIs(t, err, context.Canceled)
	ns, err := src.Notices(context.Background())
	require.NoError(t, err)
	ns[0].Message = "changed"
	ns[0].Records[0] = "changed"
	again, err := src.Notices(context.Background())
	require.NoError(t, err)
	require.Equal(t, noticeNoDivision, again[0])
}
