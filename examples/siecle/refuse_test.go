package siecle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// edit returns a fixture transformation replacing old by new in file,
// failing the test when old is not there.
func edit(t *testing.T, file, old, new string) func(string, []byte) []byte {
	return func(n string, b []byte) []byte {
		if n != file {
			return b
		}
		s := string(b)
		require.Contains(t, s, old, "fixture %s", file)
		return []byte(strings.Replace(s, old, new, 1))
	}
}

// edits returns a fixture transformation replacing each old by its new
// in file, given as pairs old, new, failing the test when an old is not
// there.
func edits(t *testing.T, file string, pairs ...string) func(string, []byte) []byte {
	return func(n string, b []byte) []byte {
		for i := 0; i+1 < len(pairs); i += 2 {
			b = edit(t, file, pairs[i], pairs[i+1])(n, b)
		}
		return b
	}
}

// personalValues returns the personal data of the fixtures, as written
// and as read: the pupils' names, first names, INEs and birth dates, the
// teachers' names, first names and birth date, the head's name, the
// NUMENs. No error may show one.
func personalValues(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	_, f := fixtureDir(t, nil)
	src, err := Open(ctx, f, numenOpts(f))
	require.NoError(t, err)
	el, err := os.Open(f.Eleves)
	require.NoError(t, err)
	defer el.Close()
	pupils, err := ReadEleves(ctx, el, f.Eleves, Options{})
	require.NoError(t, err)
	est, err := src.Establishment(ctx)
	require.NoError(t, err)
	teachers, err := src.Teachers(ctx)
	require.NoError(t, err)
	// Values the domain does not keep: an INE_RNIE beside an
	// ID_NATIONAL, a NOM_PATRONYMIQUE beside a NOM_USAGE, a teacher's
	// birth date, a second SUPPLEANT entry, the NUMEN of no teacher.
	vals := []string{"070999999ZZ", "MARTIN", "1980-05-17", "SECOND ENTRY IGNORED", "99X9999999ZZZ", est.HeadName}
	for _, e := range pupils.Enrolments {
		p := e.Student
		vals = append(vals, p.LastName, p.UsageName, p.FirstName, p.FirstName2, p.FirstName3, p.INE)
		if d := p.BirthDate; !d.IsZero() {
			vals = append(vals, fmt.Sprintf("%02d/%02d/%d", d.Day, d.Month, d.Year), fmt.Sprintf("%d/%d/%d", d.Day, d.Month, d.Year), d.String())
		}
	}
	for _, tc := range teachers {
		vals = append(vals, tc.LastName, tc.FirstName, tc.NUMEN)
	}
	return slices.DeleteFunc(vals, func(v string) bool { return v == "" })
}

// checkMessage reports each personal value that a refusal's message
// shows, as a word: the test's temporary folders, which name the files,
// are not searched, for their random digits may hold a value.
func checkMessage(t personaldata.TB, msg string, personal, tempDirs []string) {
	t.Helper()
	personaldata.Check(t, "the message", msg, personal, personaldata.Options{Random: tempDirs})
}

// refusalFolder is the name of a folder that holds the temporary folders
// of TestRefusals: the paths of its messages hold the years and the date
// that its cases must not show.
const refusalFolder = "2011_2012_2014-03-12"

// TestRefusals checks one refusal per rule: the error is an *Error that
// matches lsusync.ErrInvalid and its sentinel, and its message names the
// file, the element and the offending value, unless it is personal data:
// no message holds any personal value of the fixtures, nor the personal
// values a case puts where the error is.
func TestRefusals(t *testing.T) {
	ctx := context.Background()
	personaldata.TempDirsIn(t, refusalFolder)
	personal := personalValues(t)
	open := func(t *testing.T, tr func(string, []byte) []byte) error {
		_, f := fixtureDir(t, tr)
		_, err := Open(ctx, f, numenOpts(f))
		return err
	}
	openDir := func(t *testing.T, tr func(string, []byte) []byte) error {
		dir, _ := fixtureDir(t, tr)
		_, err := OpenDir(ctx, dir, Options{})
		return err
	}
	numen := func(content string) func(t *testing.T) error {
		return func(t *testing.T) error {
			dir, f := fixtureDir(t, nil)
			require.NoError(t, os.WriteFile(filepath.Join(dir, fxNUMEN), []byte(content), 0o644))
			_, err := Open(ctx, f, numenOpts(f))
			return err
		}
	}
	renameRoot := func(file, root, bad string) func(string, []byte) []byte {
		return func(n string, b []byte) []byte {
			if n != file {
				return b
			}
			return []byte(strings.ReplaceAll(string(b), root, bad))
		}
	}
	tests := []struct {
		name     string
		run      func(t *testing.T) error
		sentinel error
		want     []string // substrings of the message: file, element, value, explanation
		not      []string // must not appear, as words: personal data
	}{
		{"EDT_STS root", func(t *testing.T) error {
			return open(t, func(n string, b []byte) []byte {
				if n != fxSTS {
					return b
				}
				return []byte(strings.ReplaceAll(string(b), "STS_EDT>", "EDT_STS>"))
			})
		}, ErrWrongFile, []string{fxSTS, "<EDT_STS>", "TO STS-Web", "sts_emp_"}, nil},
		{"APPLICATION_SOURCE", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<ANNEE_SCOLAIRE ANNEE", "<APPLICATION_SOURCE>EDT 2025</APPLICATION_SOURCE>\n    <ANNEE_SCOLAIRE ANNEE"))
		}, ErrWrongFile, []string{fxSTS + ":23:", "PARAMETRES/APPLICATION_SOURCE", "timetable program"}, nil},
		{"different UAI", func(t *testing.T) error {
			return open(t, edit(t, fxCommuns, "<UAJ>0750001A</UAJ>", "<UAJ>0750002B</UAJ>"))
		}, ErrMismatch, []string{fxCommuns + ":4:", "PARAMETRES/UAJ", `"0750002B"`, "two establishments", fxEleves, "0750001A"}, nil},
		{"different UAI in STS", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `<UAJ CODE="0750001A">`, `<UAJ CODE="0750002B">`))
		}, ErrMismatch, []string{fxSTS + ":4:", "PARAMETRES/UAJ@CODE", `"0750002B"`}, nil},
		{"different school year", func(t *testing.T) error {
			return open(t, edit(t, fxStructures, "<ANNEE_SCOLAIRE>2025<", "<ANNEE_SCOLAIRE>2024<"))
		}, ErrMismatch, []string{fxStructures + ":5:", "PARAMETRES/ANNEE_SCOLAIRE", `"2024"`, "two school years", "2025"}, nil},
		{"different school year in STS", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `ANNEE="2025"`, `ANNEE="2026"`))
		}, ErrMismatch, []string{fxSTS, "ANNEE_SCOLAIRE@ANNEE", `"2026"`}, nil},
		{"malformed UAI", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<UAJ>0750001A</UAJ>", "<UAJ>123ABC</UAJ>"))
		}, ErrValue, []string{fxEleves + ":4:", "PARAMETRES/UAJ", `"123ABC"`, "not a UAI"}, nil},
		{"zip without XML", func(t *testing.T) error {
			dir, f := fixtureDir(t, nil)
			f.Communs = filepath.Join(dir, "ExportCommuns.zip")
			require.NoError(t, os.WriteFile(f.Communs, zipOf(t, "Communs.csv", "a;b", "__MACOSX/._Communs.xml", "x"), 0o644))
			_, err := Open(ctx, f, numenOpts(f))
			return err
		}, ErrWrongFile, []string{"ExportCommuns.zip", "no XML file", "Communs.csv", "__MACOSX/._Communs.xml"}, nil},
		{"zip with two XML", func(t *testing.T) error {
			dir, f := fixtureDir(t, nil)
			f.Eleves = filepath.Join(dir, "Export.zip")
			eleves := string(fixture(t, fxEleves))
			require.NoError(t, os.WriteFile(f.Eleves, zipOf(t, "ElevesSansAdresses.xml", eleves, "sub/ElevesAvecAdresses.XML", eleves), 0o644))
			_, err := Open(ctx, f, numenOpts(f))
			return err
		}, ErrWrongFile, []string{"Export.zip", "2 XML files", "ElevesSansAdresses.xml", "sub/ElevesAvecAdresses.XML"}, nil},
		{"duplicate ELEVE_ID", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, `<ELEVE ELEVE_ID="125">`, `<ELEVE ELEVE_ID="124">`))
		}, ErrValue, []string{fxEleves + ":45:", "ELEVE@ELEVE_ID", `"124"`, "duplicate"}, []string{"KODA", "Ève"}},
		{"two divisions", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<CODE_STRUCTURE>4LV2 ESP</CODE_STRUCTURE>\n          <TYPE_STRUCTURE>G", "<CODE_STRUCTURE>4e 2</CODE_STRUCTURE>\n          <TYPE_STRUCTURE>D"))
		}, ErrValue, []string{fxEleves, "<STRUCTURE>", `ELEVE_ID="00123"`, `"4e 1, 4e 2"`, "two divisions"}, []string{"CŒURDEROY", "Zoé"}},
		{"unknown teacher in a service", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `<ENSEIGNANT ID="20048" TYPE="epp"/>`, `<ENSEIGNANT ID="20049" TYPE="epp"/>`))
		}, ErrValue, []string{fxSTS + ":217:", "<ENSEIGNANT>", `GROUPE CODE="4LV2 ESP"`, `"epp:20049"`, "INDIVIDUS and SUPPLEANTS"}, nil},
		{"teacher of the wrong type in a service", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `<ENSEIGNANT ID="3" TYPE="dir"/>`, `<ENSEIGNANT ID="3" TYPE="epp"/>`))
		}, ErrValue, []string{fxSTS, "<ENSEIGNANT>", `"epp:3"`}, nil},
		{"unknown subject in a service", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `<SERVICE CODE_MATIERE="061300"`, `<SERVICE CODE_MATIERE="999999"`))
		}, ErrValue, []string{fxSTS + ":169:", "SERVICE@CODE_MATIERE", `DIVISION CODE="4e 1"`, `"999999"`, "MATIERES"}, nil},
		{"impossible birth date", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<DATE_NAISS>03/02/2012<", "<DATE_NAISS>31/02/2012<"))
		}, ErrValue, []string{fxEleves + ":20:", "<DATE_NAISS>", `ELEVE_ID="00123"`, "not a date DD/MM/YYYY: day 31 does not exist in February"},
			[]string{"31/02/2012", "2012"}},
		{"ISO birth date", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<DATE_NAISS>12/03/2014<", "<DATE_NAISS>2014-03-12<"))
		}, ErrValue, []string{fxEleves + ":88:", "<DATE_NAISS>", `ELEVE_ID="130"`, "written YYYY-MM-DD (the STS-Web form) instead of DD/MM/YYYY"},
			[]string{"2014-03-12", "2014", "value"}},
		{"29 February of a common year", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<DATE_NAISS>29/02/2012<", "<DATE_NAISS>29/02/2011<"))
		}, ErrValue, []string{fxEleves + ":50:", `ELEVE_ID="125"`, "29 February in a year that is not a leap year"}, []string{"2011"}},
		{"birth date in words", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<DATE_NAISS>12/03/2014<", "<DATE_NAISS>12 mars 2014<"))
		}, ErrValue, []string{fxEleves + ":88:", `ELEVE_ID="130"`, `not a date DD/MM/YYYY: written "99 AAAA 9999"`}, []string{"mars", "2014"}},
		{"month 13 in a birth date", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<DATE_NAISS>12/03/2014<", "<DATE_NAISS>12/13/2014<"))
		}, ErrValue, []string{fxEleves + ":88:", "month 13 does not exist"}, []string{"2014"}},
		{"ISO date in SIECLE", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<DATE_SORTIE>15/10/2025<", "<DATE_SORTIE>2025-10-15<"))
		}, ErrValue, []string{fxEleves + ":51:", "<DATE_SORTIE>", `ELEVE_ID="125"`, "instead of DD/MM/YYYY"}, []string{"2025-10-15"}},
		{"entity in a pupil's name", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<NOM_DE_FAMILLE>PETIT<", "<NOM_DE_FAMILLE>PE&TIT;<"))
		}, ErrSyntax, []string{fxEleves + ":63:", "<NOM_DE_FAMILLE>", "invalid entity"}, []string{"TIT", "value"}},
		{"entity in a teacher's name", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<NOM_USAGE>DURAND<", "<NOM_USAGE>DU&RAND<"))
		}, ErrSyntax, []string{fxSTS + ":105:", "<NOM_USAGE>", "invalid entity"}, []string{"RAND", "value"}},
		{"entity in the head's name", func(t *testing.T) error {
			return open(t, edit(t, fxCommuns, "D&apos;ARTAGNAN", "D&ARTAGNAN"))
		}, ErrSyntax, []string{fxCommuns + ":13:", "<NOM_RESP>", "invalid entity"}, []string{"ARTAGNAN", "value"}},
		{"entity in a skipped pupil's element", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<CODE_COMMUNE_INSEE_NAISS>75105<", "<CODE_COMMUNE_INSEE_NAISS>&VILLE_NAISS;<"))
		}, ErrSyntax, []string{fxEleves + ":24:", "invalid entity"}, []string{"VILLE"}},
		{"invalid STS date", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<DATE_FIN>2026-07-04<", "<DATE_FIN>2026-13-04<"))
		}, ErrValue, []string{fxSTS, "PROF_PRINC/DATE_FIN", `SUPPLEANT TYPE="epp" ID="5001"`, `"2026-13-04"`, "YYYY-MM-DD"}, nil},
		{"French date in STS", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<DATE_DEBUT>2025-09-01</DATE_DEBUT>\n      <DATE_FIN>2026-08-31", "<DATE_DEBUT>01/09/2025</DATE_DEBUT>\n      <DATE_FIN>2026-08-31"))
		}, ErrValue, []string{fxSTS + ":24:", "ANNEE_SCOLAIRE/DATE_DEBUT", `"01/09/2025"`}, nil},
		{"ELEVE_ID not a number", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, `<ELEVE ELEVE_ID="124">`, `<ELEVE ELEVE_ID="12a">`))
		}, ErrValue, []string{fxEleves + ":36:", "ELEVE@ELEVE_ID", `"12a"`, "positive integer"}, nil},
		{"ELEVE_ID zero", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, `<ELEVE ELEVE_ID="124">`, `<ELEVE ELEVE_ID="000">`))
		}, ErrValue, []string{fxEleves, "ELEVE@ELEVE_ID", `"000"`}, nil},
		{"subject code of 5 digits", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `<MATIERE CODE="061300">`, `<MATIERE CODE="61300">`))
		}, ErrValue, []string{fxSTS, "MATIERE@CODE", `"61300"`, "6 digits"}, nil},
		{"subject code with a letter in Nomenclature", func(t *testing.T) error {
			return open(t, edit(t, fxNomenclature, "<CODE_MATIERE>061300</CODE_MATIERE>", "<CODE_MATIERE>06130A</CODE_MATIERE>"))
		}, ErrValue, []string{fxNomenclature, "PROGRAMME/CODE_MATIERE", `"06130A"`}, nil},
		{"CODE_SEXE", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<CODE_SEXE>1</CODE_SEXE>", "<CODE_SEXE>Masculin</CODE_SEXE>"))
		}, ErrValue, []string{fxEleves + ":43:", "<CODE_SEXE>", `ELEVE_ID="124"`, `written "AAAAAAAA"`}, []string{"Masculin"}},
		{"teacher type", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `<INDIVIDU ID="17" TYPE="local">`, `<INDIVIDU ID="17" TYPE="vacataire">`))
		}, ErrValue, []string{fxSTS, "INDIVIDU@TYPE", `"vacataire"`, "epp, local or dir"}, nil},
		{"teacher ID", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `<INDIVIDU ID="777" TYPE="epp">`, `<INDIVIDU ID="A777" TYPE="epp">`))
		}, ErrValue, []string{fxSTS, "INDIVIDU@ID", `"A777"`}, nil},
		{"CIVILITE", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<CIVILITE>3</CIVILITE>", "<CIVILITE>Madame</CIVILITE>"))
		}, ErrValue, []string{fxSTS + ":96:", "<CIVILITE>", `INDIVIDU TYPE="epp" ID="20048"`, `written "AAAAAA"`}, []string{"Madame"}},
		{"SEXE", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<SEXE>1</SEXE>\n        <CIVILITE/>", "<SEXE>homme</SEXE>\n        <CIVILITE/>"))
		}, ErrValue, []string{fxSTS + ":103:", "<SEXE>", `INDIVIDU TYPE="local" ID="17"`}, []string{"homme"}},
		{"dir and epp of one ID", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `<INDIVIDU ID="777" TYPE="epp">`, `<INDIVIDU ID="3" TYPE="epp">`))
		}, ErrValue, []string{fxSTS + ":109:", "<INDIVIDU@TYPE>", `INDIVIDU TYPE="dir" ID="3"`, `"dir"`, `INDIVIDU TYPE="epp" ID="3" (line 118)`, "epp:3", "reads it as epp"}, nil},
		{"dir substitute of an epp ID", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `<SUPPLEANT ID="4189" TYPE="epp">`, `<SUPPLEANT ID="4189" TYPE="dir">`))
		}, ErrValue, []string{fxSTS + ":137:", "<SUPPLEANT@TYPE>", `SUPPLEANT TYPE="dir" ID="4189"`, `INDIVIDU TYPE="epp" ID="4189" (line 66)`}, nil},
		{"TYPE_STRUCTURE", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<TYPE_STRUCTURE>G</TYPE_STRUCTURE>", "<TYPE_STRUCTURE>X</TYPE_STRUCTURE>"))
		}, ErrValue, []string{fxEleves, "<TYPE_STRUCTURE>", `"X"`}, nil},
		{"HORAIRE", func(t *testing.T) error {
			return open(t, edit(t, fxNomenclature, "<HORAIRE>3.00</HORAIRE>", "<HORAIRE>3h</HORAIRE>"))
		}, ErrValue, []string{fxNomenclature, "PROGRAMME/HORAIRE", `"3h"`}, nil},
		{"unknown root", func(t *testing.T) error {
			return open(t, renameRoot(fxStructures, "BEE_STRUCTURES", "STRUCTURES_EXPORT"))
		}, ErrWrongFile, []string{fxStructures + ":2:", "<STRUCTURES_EXPORT>", "unknown root element"}, nil},
		{"damaged Communs.xml in a folder", func(t *testing.T) error {
			return openDir(t, renameRoot(fxCommuns, "BEE_COMMUN", "BEE_COMMUNX"))
		}, ErrWrongFile, []string{fxCommuns + ":2:", "<BEE_COMMUNX>", "unknown root element", "BEE_ELEVES, BEE_COMMUN, BEE_STRUCTURES, BEE_NOMENCLATURES and STS_EDT"}, nil},
		{"damaged Structures.xml in a folder", func(t *testing.T) error {
			return openDir(t, renameRoot(fxStructures, "BEE_STRUCTURES", "BEE_STRUCTURE"))
		}, ErrWrongFile, []string{fxStructures + ":2:", "<BEE_STRUCTURE>", "unknown root element"}, nil},
		{"damaged Nomenclature.xml in a folder", func(t *testing.T) error {
			return openDir(t, renameRoot(fxNomenclature, "BEE_NOMENCLATURES", "BEE_NOMENCLATURE"))
		}, ErrWrongFile, []string{fxNomenclature + ":2:", "<BEE_NOMENCLATURE>", "unknown root element"}, nil},
		{"damaged export in a folder as shipped", func(t *testing.T) error {
			_, err := OpenDir(ctx, filepath.Join("testdata", "damaged"), Options{})
			return err
		}, ErrWrongFile, []string{filepath.Join("testdata", "damaged", fxCommuns) + ":2:", "<BEE_COMMUNX>", "unknown root element", "re-download it"}, nil},
		{"unknown zip in a folder", func(t *testing.T) error {
			dir, _ := fixtureDir(t, nil)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Export.zip"), zipOf(t, "Export.xml", `<?xml version="1.0"?><BEE_OPTIONS/>`), 0o644))
			_, err := OpenDir(ctx, dir, Options{})
			return err
		}, ErrWrongFile, []string{"Export.zip:Export.xml:1:", "<BEE_OPTIONS>", "unknown root element"}, nil},
		{"file in the wrong slot", func(t *testing.T) error {
			_, f := fixtureDir(t, nil)
			f.Eleves, f.Communs = f.Communs, f.Eleves
			_, err := Open(ctx, f, numenOpts(f))
			return err
		}, ErrWrongFile, []string{fxCommuns, "BEE_COMMUN", "given as the BEE_ELEVES file"}, nil},
		{"two files of a kind in a folder", func(t *testing.T) error {
			dir, _ := fixtureDir(t, nil)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "copie.zip"), zipOf(t, "x.xml", string(fixture(t, fxSTS))), 0o644))
			_, err := OpenDir(ctx, dir, Options{})
			return err
		}, ErrWrongFile, []string{"two STS_EDT files", "copie.zip:x.xml", fxSTS}, nil},
		{"folder without STS", func(t *testing.T) error {
			dir, f := fixtureDir(t, nil)
			require.NoError(t, os.Remove(f.STS))
			_, err := OpenDir(ctx, dir, Options{})
			return err
		}, ErrWrongFile, []string{"no STS_EDT file", "sts_emp_"}, nil},
		{"truncated file", func(t *testing.T) error {
			return open(t, func(n string, b []byte) []byte {
				if n != fxEleves {
					return b
				}
				return b[:len(b)/2]
			})
		}, ErrSyntax, []string{fxEleves, "truncated"}, nil},
		{"mismatched tags", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "</SIGLE>", "</DENOM_PRINC>"))
		}, ErrSyntax, []string{fxSTS + ":9:", "<SIGLE>", "element <SIGLE> closed by </DENOM_PRINC>"}, nil},
		// A name that is not one of the exports' is never shown, for it
		// may be a value that a damaged tag turned into a name.
		{"end tag of a name the exports do not use", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "</SIGLE>", "</SIGLES>"))
		}, ErrSyntax, []string{fxSTS + ":9:", "<SIGLE>", "element <SIGLE> closed by an unexpected end tag (a name of 6 letters)"}, []string{"SIGLES"}},
		{"mangled start tag around a pupil's name", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<NOM_DE_FAMILLE>MARTIN</NOM_DE_FAMILLE>", "<NOM_DE_FAMILLE MARTIN</NOM_DE_FAMILLE>"))
		}, ErrSyntax, []string{fxEleves + ":56:", "<NOM_DE_FAMILLE>", "an unexpected attribute (a name of 6 letters) without ="}, nil},
		{"mangled start tag around a pupil's name, with =", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<NOM_DE_FAMILLE>MARTIN</NOM_DE_FAMILLE>", "<NOM_DE_FAMILLE MARTIN=</NOM_DE_FAMILLE>"))
		}, ErrSyntax, []string{fxEleves + ":56:", "<NOM_DE_FAMILLE>", "an unexpected attribute (a name of 6 letters): unquoted or missing value"}, nil},
		{"pupil's name as an end tag", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<NOM_DE_FAMILLE>MARTIN</NOM_DE_FAMILLE>", "<NOM_DE_FAMILLE>MARTIN</MARTIN>"))
		}, ErrSyntax, []string{fxEleves + ":56:", "<NOM_DE_FAMILLE>", "element <NOM_DE_FAMILLE> closed by an unexpected end tag (a name of 6 letters)"}, nil},
		{"pupil's name as a start tag", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<NOM_DE_FAMILLE>MARTIN</NOM_DE_FAMILLE>", "<MARTIN></NOM_DE_FAMILLE>"))
		}, ErrSyntax, []string{fxEleves + ":56:", "an unexpected element (a name of 6 letters) closed by </NOM_DE_FAMILLE>"}, nil},
		{"first name as a start tag in a value", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<PRENOM>Paul</PRENOM>", "<PRENOM><Paul></PRENOM>"))
		}, ErrSyntax, []string{fxEleves + ":57:", "an unexpected element (a name of 4 letters) inside element <PRENOM>, which holds a value"}, nil},
		{"first name as an empty element in a value", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<PRENOM>Paul</PRENOM>", "<PRENOM><Paul/></PRENOM>"))
		}, ErrSyntax, []string{fxEleves + ":57:", "an unexpected element (a name of 4 letters) inside element <PRENOM>, which holds a value"}, nil},
		{"mangled tag around a birth date", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<DATE_NAISS>01/01/2011</DATE_NAISS>", "<DATE_NAISS 01/01/2011</DATE_NAISS>"))
		}, ErrSyntax, []string{fxEleves + ":58:", "expected attribute name"}, nil},
		{"start tag inside an INE", func(t *testing.T) error {
			return open(t, edit(t, fxEleves, "<ID_NATIONAL>0000000126A</ID_NATIONAL>", "<ID_NATIONAL>0000000126A<ID_NATIONAL>"))
		}, ErrSyntax, []string{fxEleves + ":55: <ID_NATIONAL>: unexpected element <ID_NATIONAL> inside element <ID_NATIONAL>, which holds a value"}, nil},
		{"mangled tag around a teacher's name", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<NOM_USAGE>DURAND</NOM_USAGE>", "<NOM_USAGE DURAND</NOM_USAGE>"))
		}, ErrSyntax, []string{fxSTS + ":105:", "<NOM_USAGE>", "an unexpected attribute (a name of 6 letters) without ="}, nil},
		{"teacher's first name as an end tag", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<PRENOM>Luc</PRENOM>", "<PRENOM>Luc</Luc>"))
		}, ErrSyntax, []string{fxSTS + ":107:", "element <PRENOM> closed by an unexpected end tag (a name of 3 letters)"}, nil},
		{"teacher's first name as an end tag without a start tag", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<PRENOM>Luc</PRENOM>", "<PRENOM/>Luc</Luc>"))
		}, ErrSyntax, []string{fxSTS + ":107:", "<INDIVIDU>", "element <INDIVIDU> closed by an unexpected end tag (a name of 3 letters)"}, nil},
		{"teacher's birth date as an end tag", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<DATE_NAISSANCE>1980-05-17</DATE_NAISSANCE>", "<DATE_NAISSANCE>1980-05-17</1980-05-17>"))
		}, ErrSyntax, []string{fxSTS + ":72:", "expected element name after </"}, nil},
		{"head's name after a damaged tag", func(t *testing.T) error {
			return open(t, edits(t, fxCommuns, "<NOM_RESP>", "<NOM_RESP/>", "D&apos;ARTAGNAN", "D&ARTAGNAN"))
		}, ErrSyntax, []string{fxCommuns + ":13:", "<UAJ>", "invalid entity"}, []string{"ARTAGNAN", "value"}},
		{"re-saved as UTF-8 declaring ISO-8859-15", func(t *testing.T) error {
			return open(t, func(n string, b []byte) []byte {
				if n != fxEleves {
					return b
				}
				return recode(t, b, nil, "ISO-8859-15", false)
			})
		}, ErrEncoding, []string{fxEleves, `"ISO-8859-15"`, "re-saved", "re-download"}, nil},
		{"BOM declaring ISO-8859-15", func(t *testing.T) error {
			return open(t, func(n string, b []byte) []byte {
				if n != fxCommuns {
					return b
				}
				return append([]byte("\xEF\xBB\xBF"), b...)
			})
		}, ErrEncoding, []string{fxCommuns, "byte-order mark", "re-download"}, nil},
		{"ISO-8859-15 without declaration", func(t *testing.T) error {
			return open(t, func(n string, b []byte) []byte {
				if n != fxEleves {
					return b
				}
				return b[len(`<?xml version="1.0" encoding="ISO-8859-15"?>`):]
			})
		}, ErrEncoding, []string{fxEleves + ":15:", "<NOM_DE_FAMILLE>", "not valid UTF-8"}, []string{"0xBC", "value"}},
		{"ISO-8859-15 without declaration, in a value that is not personal", func(t *testing.T) error {
			return open(t, func(n string, b []byte) []byte {
				if n != fxSTS {
					return b
				}
				return b[len(`<?xml version="1.0" encoding="ISO-8859-15"?>`):]
			})
		}, ErrEncoding, []string{fxSTS + ":14:", "<ADRESSE>", `"0xBC"`, "not valid UTF-8"}, nil},
		{"unknown encoding", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, `encoding="ISO-8859-15"`, `encoding="EBCDIC-FR"`))
		}, ErrEncoding, []string{fxSTS + ":1:", `"EBCDIC-FR"`, "unknown character encoding"}, nil},
		{"DOCTYPE", func(t *testing.T) error {
			return open(t, edit(t, fxCommuns, "<BEE_COMMUN", "<!DOCTYPE lol [<!ENTITY lol \"lol\">]>\r\n<BEE_COMMUN"))
		}, ErrSyntax, []string{fxCommuns + ":2:", "<!DOCTYPE", "no entity expansion"}, nil},
		{"undefined entity", func(t *testing.T) error {
			return open(t, edit(t, fxCommuns, "<LIGNE2_ADRESSE>B", "<LIGNE2_ADRESSE>&eacute;B"))
		}, ErrSyntax, []string{fxCommuns + ":16:", "LIGNE2_ADRESSE", `"&eacute;"`}, nil},
		{"file too large", func(t *testing.T) error {
			_, f := fixtureDir(t, nil)
			_, err := Open(ctx, f, Options{MaxFileSize: 4000})
			return err
		}, ErrTooLarge, []string{fxEleves, "MaxFileSize", "4000"}, nil},
		{"zip bomb", func(t *testing.T) error {
			dir, f := fixtureDir(t, nil)
			f.Eleves = filepath.Join(dir, "bomb.zip")
			big := `<?xml version="1.0"?><BEE_ELEVES><DONNEES>` + strings.Repeat("<!-- padding padding padding -->", 1<<15) + `</DONNEES></BEE_ELEVES>`
			require.NoError(t, os.WriteFile(f.Eleves, zipOf(t, "ElevesSansAdresses.xml", big), 0o644))
			_, err := Open(ctx, f, Options{MaxUncompressedSize: 100000})
			return err
		}, ErrTooLarge, []string{"bomb.zip:ElevesSansAdresses.xml", "decompressed size", "100000"}, nil},
		{"deep nesting", func(t *testing.T) error {
			_, f := fixtureDir(t, nil)
			_, err := Open(ctx, f, Options{MaxDepth: 5})
			return err
		}, ErrTooLarge, []string{fxEleves + ":31:", "<CODE_STRUCTURE>", "deeper than 5"}, nil},
		{"token too long", func(t *testing.T) error {
			return open(t, edit(t, fxSTS, "<DENOM_COMPL/>", "<DENOM_COMPL>"+strings.Repeat("x", 2<<20)+"</DENOM_COMPL>"))
		}, ErrTooLarge, []string{fxSTS, "MaxTokenSize"}, nil},
		{"NUMEN malformed", numen("type,id,numen\nepp,4189,12E01\n"),
			ErrValue, []string{fxNUMEN + ":2:", "<numen>", `5 characters written "99A99"`, "13 letters and digits"}, []string{"12E01"}},
		{"NUMEN twice", numen("type,id,numen\r\nepp,4189,12E0123456ABC\r\nepp,4189,12E0123456ABD\r\n"),
			ErrValue, []string{fxNUMEN + ":3:", `"epp:4189"`, "twice"}, []string{"12E0123456ABD"}},
		{"NUMEN twice as dir and epp", numen("type,id,numen\ndir,3,12E0123456ABD\nepp,3,12E0123456ABE\n"),
			ErrValue, []string{fxNUMEN + ":3:", `"epp:3"`, "twice (first at line 2)", "dir is read as epp"}, []string{"12E0123456ABD", "12E0123456ABE"}},
		{"NUMEN header missing", numen("epp,4189,12E0123456ABC\n"),
			ErrValue, []string{fxNUMEN + ":1:", "header type,id,numen", "the header is missing"}, nil},
		{"NUMEN in the id column", numen("type;id;numen\nepp;12E0123456ABC;4189\n"),
			ErrValue, []string{fxNUMEN + ":2:", "<id>", `written "99A9999999AAA"`}, nil},
		{"name in the type column", numen("type,id,numen\nLEFÈVRE,4189,12E0123456ABC\n"),
			ErrValue, []string{fxNUMEN + ":2:", "<type>", "epp, local or dir"}, []string{"LEFÈVRE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run(t)
			require.Error(t, err)
			var e *Error
			require.True(t, errors.As(err, &e), "error %T %v is not an *Error", err, err)
			require.ErrorIs(t, err, lsusync.ErrInvalid)
			require.ErrorIs(t, err, tc.sentinel)
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not name %q", msg, w)
				}
			}
			checkMessage(t, msg, append(tc.not, personal...), personaldata.TempDirs(t))
			// The French text names the file, and holds no personal
			// data either.
			fr := lsusync.RefusalText(err)
			if e.File != "" && !strings.Contains(fr, e.File) {
				t.Errorf("French text %q does not name the file %q", fr, e.File)
			}
			if !strings.HasSuffix(fr, " Aucune modification n'a été enregistrée.") || strings.Contains(fr, "n'a pas pu être lancée") {
				t.Errorf("French text %q is not the export's", fr)
			}
			checkMessage(t, fr, append(tc.not, personal...), personaldata.TempDirs(t))
		})
	}
}

// TestRefusalCheck checks the check of TestRefusals on the refusal of a
// birth date written YYYY-MM-DD, from a folder named after the date: it
// passes on the message, which names the folder, and fails on a message
// that shows the date.
func TestRefusalCheck(t *testing.T) {
	personaldata.TempDirsIn(t, refusalFolder)
	not := []string{"2014-03-12", "2014", "12/03/2014"}
	t.Run("ISO birth date", func(t *testing.T) {
		_, f := fixtureDir(t, edit(t, fxEleves, "<DATE_NAISS>12/03/2014<", "<DATE_NAISS>2014-03-12<"))
		_, err := Open(context.Background(), f, numenOpts(f))
		require.ErrorIs(t, err, ErrValue)
		msg := err.Error()
		require.Contains(t, msg, string(filepath.Separator)+refusalFolder+string(filepath.Separator), "the message names the file in its folder")
		var r personaldata.Recorder
		checkMessage(&r, msg, not, personaldata.TempDirs(t))
		if len(r.Errors) != 0 {
			t.Errorf("the check fails on a message that shows no personal value: %s", r.Errors)
		}
		for _, shown := range []string{
			msg + `: value "2014-03-12"`,
			strings.Replace(msg, "instead of", "(2014) instead of", 1),
			"12/03/2014: " + msg,
		} {
			r = personaldata.Recorder{}
			checkMessage(&r, shown, not, personaldata.TempDirs(t))
			if len(r.Errors) == 0 {
				t.Errorf("the check passes a message that shows the date: %s", shown)
			}
		}
	})
}

// TestSyntaxMessages checks the whole message of the syntax errors that
// name elements and attributes: a name of the exports is shown, any other
// is described by its shape, for it may be a value that a damaged tag
// turned into a name.
func TestSyntaxMessages(t *testing.T) {
	const (
		pupil   = `<BEE_ELEVES><DONNEES><ELEVES><ELEVE ELEVE_ID="1">` + "\n"
		teacher = `<STS_EDT><DONNEES><INDIVIDUS><INDIVIDU ID="1" TYPE="epp">` + "\n"
	)
	tests := []struct {
		name, doc, want string
	}{
		{"start tag inside a value", pupil + "<ID_NATIONAL>070123456AB<ID_NATIONAL>",
			"siecle: t.xml:2: <ID_NATIONAL>: unexpected element <ID_NATIONAL> inside element <ID_NATIONAL>, which holds a value"},
		{"another start tag inside a value", pupil + "<NOM_DE_FAMILLE>NGUYEN<PRENOM>",
			"siecle: t.xml:2: <PRENOM>: unexpected element <PRENOM> inside element <NOM_DE_FAMILLE>, which holds a value"},
		{"unknown start tag inside a value", pupil + "<NOM_DE_FAMILLE><NGUYEN/>",
			"siecle: t.xml:2: an unexpected element (a name of 6 letters) inside element <NOM_DE_FAMILLE>, which holds a value"},
		{"unknown end tag", pupil + "<NOM_DE_FAMILLE>NGUYEN</NGUYEN>",
			"siecle: t.xml:2: <NOM_DE_FAMILLE>: element <NOM_DE_FAMILLE> closed by an unexpected end tag (a name of 6 letters)"},
		{"unknown end tag of letters and digits", pupil + "<PRENOM>\nA</A2>",
			"siecle: t.xml:3: <PRENOM>: element <PRENOM> closed by an unexpected end tag (a name of 2 characters)"},
		{"unknown element closed", pupil + "<NGUYEN>\n</NOM_DE_FAMILLE>",
			"siecle: t.xml:3: an unexpected element (a name of 6 letters) closed by </NOM_DE_FAMILLE>"},
		{"unknown attribute without =", pupil + "<NOM_DE_FAMILLE NGUYEN</NOM_DE_FAMILLE>",
			"siecle: t.xml:2: <NOM_DE_FAMILLE>: an unexpected attribute (a name of 6 letters) without ="},
		{"unknown attribute without a value", teacher + "<NOM_USAGE DUPONT=</NOM_USAGE>",
			"siecle: t.xml:2: <NOM_USAGE>: an unexpected attribute (a name of 6 letters): unquoted or missing value"},
		{"unknown attribute of one letter", teacher + "<PRENOM J</PRENOM>",
			"siecle: t.xml:2: <PRENOM>: an unexpected attribute (a name of 1 letter) without ="},
		{"attribute given twice", `<BEE_ELEVES><DONNEES><ELEVES><ELEVE ELEVE_ID="1" ELEVE_ID="2">`,
			"siecle: t.xml:1: <ELEVE>: attribute ELEVE_ID given twice"},
		{"characters in an end tag", teacher + "<PRENOM>Luc</PRENOM Luc>",
			"siecle: t.xml:2: <PRENOM>: invalid characters after the name of </PRENOM>"},
		{"characters in an unknown end tag", teacher + "<PRENOM>Luc</Luc Luc>",
			"siecle: t.xml:2: <PRENOM>: invalid characters after the name of an unexpected end tag (a name of 3 letters)"},
		{"slash in an unknown start tag", pupil + "<DUPONT/x>",
			"siecle: t.xml:2: <ELEVE>: expected /> in the start tag of an unexpected element (a name of 6 letters)"},
		{"unknown end tag after the root", "<BEE_STRUCTURES/>\n</NGUYEN>",
			"siecle: t.xml:2: an unexpected end tag (a name of 6 letters) without a start tag"},
		{"end tag after the root", "<BEE_STRUCTURES/>\n</DONNEES>",
			"siecle: t.xml:2: end tag </DONNEES> without a start tag"},
		{"second root", "<BEE_STRUCTURES/>\n<NGUYEN/>",
			"siecle: t.xml:2: a second root element: an XML file has only one"},
		{"truncated inside an unknown element", pupil + "<NGUYEN>",
			"siecle: t.xml:2: unexpected end of file: element not closed, the file is truncated (re-download it)"},
		{"entity in a private value", pupil + "<NOM_DE_FAMILLE>NGU&YEN;</NOM_DE_FAMILLE>",
			"siecle: t.xml:2: <NOM_DE_FAMILLE>: invalid entity or character reference: only &lt; &gt; &amp; &apos; &quot; and &#...; are allowed"},
		{"entity after a private value, before the next start tag", "<BEE_COMMUN><DONNEES><UAJ><NOM_RESP/>D&ARTAGNAN;</NOM_RESP>",
			"siecle: t.xml:1: <UAJ>: invalid entity or character reference: only &lt; &gt; &amp; &apos; &quot; and &#...; are allowed"},
		{"entity after the next start tag", "<BEE_COMMUN><DONNEES><UAJ><NOM_RESP/><QUAL_RESP>&eacute;</QUAL_RESP>",
			`siecle: t.xml:1: <QUAL_RESP>: value "&eacute;": invalid entity or character reference: only &lt; &gt; &amp; &apos; &quot; and &#...; are allowed`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readStream(context.Background(), strings.NewReader(tc.doc), "t.xml", &Options{})
			require.Error(t, err)
			require.ErrorIs(t, err, ErrSyntax)
			if got := err.Error(); got != tc.want {
				t.Errorf("message\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
