package siecle

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/lsusync/lsusync"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The hand-written fixtures of testdata/full: an establishment whose files
// cover every trap of the real exports (see testdata/README.md).
const (
	fxEleves       = "ElevesSansAdresses.xml"
	fxCommuns      = "Communs.xml"
	fxStructures   = "Structures.xml"
	fxNomenclature = "Nomenclature.xml"
	fxSTS          = "sts_emp_0750001A_2025.xml"
	fxNUMEN        = "numen.csv"
)

var fxXML = []string{fxEleves, fxCommuns, fxStructures, fxNomenclature, fxSTS}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "full", name))
	require.NoError(t, err)
	return b
}

// fixtureDir copies the fixtures into a new directory, each transformed
// by tr (nil: unchanged), and returns the Files naming them.
func fixtureDir(t testing.TB, tr func(name string, b []byte) []byte) (string, Files) {
	t.Helper()
	dir := t.TempDir()
	for _, n := range append(fxXML, fxNUMEN) {
		b := fixture(t, n)
		if tr != nil && n != fxNUMEN {
			b = tr(n, b)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), b, 0o644))
	}
	return dir, filesIn(dir)
}

func filesIn(dir string) Files {
	return Files{
		Eleves: filepath.Join(dir, fxEleves), Communs: filepath.Join(dir, fxCommuns), Structures: filepath.Join(dir, fxStructures),
		Nomenclature: filepath.Join(dir, fxNomenclature), STS: filepath.Join(dir, fxSTS),
	}
}

// numenOpts returns the Options naming the NUMEN file that fixtureDir
// writes beside the files of f.
func numenOpts(f Files) Options {
	return Options{NUMEN: filepath.Join(filepath.Dir(f.STS), fxNUMEN)}
}

// recode rewrites an ISO-8859-15 fixture in another encoding, declared
// as decl ("" removes the declaration), with an optional BOM.
func recode(t testing.TB, b []byte, enc *charmap.Charmap, decl string, bom bool) []byte {
	t.Helper()
	u, err := charmap.ISO8859_15.NewDecoder().Bytes(b)
	require.NoError(t, err)
	s := string(u)
	const iso = `<?xml version="1.0" encoding="ISO-8859-15"?>`
	require.True(t, strings.HasPrefix(s, iso))
	if decl == "" {
		s = s[len(iso):] // the lines keep their numbers
	} else {
		s = `<?xml version="1.0" encoding="` + decl + `"?>` + s[len(iso):]
	}
	out := []byte(s)
	if enc != nil {
		out, err = enc.NewEncoder().Bytes(out)
		require.NoError(t, err)
	}
	if bom {
		out = append([]byte("\xEF\xBB\xBF"), out...)
	}
	return out
}

// zipOf returns a zip archive holding the given entries (name, content),
// in order.
func zipOf(t testing.TB, entries ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(entries); i += 2 {
		w, err := zw.Create(entries[i])
		require.NoError(t, err)
		_, err = w.Write([]byte(entries[i+1]))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// goldenView is what the golden files hold: every value of the Source,
// in canonical order, and its notices.
type goldenView struct {
	Establishment any              `json:"establishment"`
	Teachers      any              `json:"teachers"`
	Classes       any              `json:"classes"`
	Notices       []lsusync.Notice `json:"notices"`
}

// zipPrefix is the archive's name before an entry's, in a notice's
// Where: the golden files are the same for the files zipped.
var zipPrefix = regexp.MustCompile(`^[^ :]+\.zip:`)

func goldenJSON(t testing.TB, src *Source) []byte {
	t.Helper()
	d := readDomain(t, src)
	ns, err := src.Notices(context.Background())
	require.NoError(t, err)
	for i := range ns {
		ns[i].Where = zipPrefix.ReplaceAllString(ns[i].Where, "")
	}
	b, err := json.MarshalIndent(goldenView{d.Establishment, d.Teachers, d.Classes, ns}, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden file")
	if diff := gocmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, golden string
		open         func(t *testing.T) (*Source, error)
	}{
		{"iso-8859-15", "full.json", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, nil)
			return Open(ctx, f, numenOpts(f))
		}},
		{"folder", "full.json", func(t *testing.T) (*Source, error) {
			dir, _ := fixtureDir(t, nil)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "ResponsablesAvecAdresses.xml"),
				[]byte(`<?xml version="1.0" encoding="ISO-8859-15"?><BEE_RESPONSABLES VERSION="2.0"><PARAMETRES><UAJ>0750001A</UAJ></PARAMETRES></BEE_RESPONSABLES>`), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not read"), 0o644))
			src, err := OpenDir(ctx, dir, Options{})
			if err == nil {
				ns, err := src.Notices(ctx)
				require.NoError(t, err)
				require.Equal(t, lsusync.Notice{Status: lsusync.StatusWarning, Where: "ResponsablesAvecAdresses.xml BEE_RESPONSABLES",
					Message: "Le fichier ResponsablesAvecAdresses.xml (export BEE_RESPONSABLES de SIECLE : les responsables des élèves) n'est pas lu : la synchronisation n'en a pas besoin."}, ns[0])
				src.notices = src.notices[1:] // the rest is as Open gives
			}
			return src, err
		}},
		{"zipped", "full.json", func(t *testing.T) (*Source, error) {
			dir, f := fixtureDir(t, nil)
			for _, p := range []*string{&f.Eleves, &f.Communs, &f.Structures, &f.Nomenclature, &f.STS} {
				zipped := strings.TrimSuffix(*p, ".xml") + ".zip"
				base := filepath.Base(*p)
				require.NoError(t, os.WriteFile(zipped, zipOf(t, "__MACOSX/._"+base, "junk", ".hidden.xml", "<x/>", "README.txt", "hello", base, string(fixture(t, base))), 0o644))
				require.NoError(t, os.Remove(*p))
				*p = zipped
			}
			src, err := Open(ctx, f, numenOpts(f))
			if err == nil {
				again, err := OpenDir(ctx, dir, Options{})
				require.NoError(t, err)
				require.Equal(t, string(goldenJSON(t, src)), string(goldenJSON(t, again)))
			}
			return src, err
		}},
		{"utf-8-bom", "full.json", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, func(_ string, b []byte) []byte { return recode(t, b, nil, "UTF-8", true) })
			return Open(ctx, f, numenOpts(f))
		}},
		{"utf-8-no-declaration", "full.json", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, func(_ string, b []byte) []byte { return recode(t, b, nil, "", false) })
			return Open(ctx, f, numenOpts(f))
		}},
		{"windows-1252", "full.json", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, func(_ string, b []byte) []byte { return recode(t, b, charmap.Windows1252, "windows-1252", false) })
			return Open(ctx, f, numenOpts(f))
		}},
		{"mixed-encodings", "full.json", func(t *testing.T) (*Source, error) {
			_, f := fixtureDir(t, func(n string, b []byte) []byte {
				switch n {
				case fxSTS:
					return recode(t, b, nil, "utf-8", false)
				case fxCommuns:
					return recode(t, b, charmap.Windows1252, "CP1252", false)
				}
				return b
			})
			return Open(ctx, f, numenOpts(f))
		}},
		{"eleves-and-sts-only", "minimal.json", func(t *testing.T) (*Source, error) {
			// Without Nomenclature.xml, latin (020700) is a subject nobody
			// lists: its service becomes one of 030201.
			_, f := fixtureDir(t, func(n string, b []byte) []byte {
				return bytes.ReplaceAll(b, []byte(`SERVICE CODE_MATIERE="020700"`), []byte(`SERVICE CODE_MATIERE="030201"`))
			})
			return Open(ctx, Files{Eleves: f.Eleves, STS: f.STS}, Options{})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := tc.open(t)
			require.NoError(t, err)
			checkGolden(t, tc.golden, goldenJSON(t, src))
		})
	}
}

// TestCharsets checks the bytes where the four encodings differ.
func TestCharsets(t *testing.T) {
	tests := []struct {
		decl string
		raw  string // the bytes of PRENOM
		want string
	}{
		{"ISO-8859-15", "\xA4\xBD\xBC\xA6\xA8\xB4\xB8\xBE\xE9", "€œŒŠšŽžŸé"},
		{"iso-8859-15", "\xA4", "€"},
		{"latin9", "\xA4", "€"},
		{"ISO-8859-1", "\xA4\xBD\xBC\xE9", "¤½¼é"},
		{"latin1", "\xA4", "¤"},
		{"windows-1252", "\x80\x9C\x8C\x8A\x9A\xE9\x85", "€œŒŠšé…"},
		{"cp1252", "\x80", "€"},
		{"UTF-8", "\xE2\x82\xAC\xC5\x93", "€œ"},
		{"utf8", "\xC3\xA9", "é"},
		{"", "\xC3\xA9", "é"},
		{"ISO-8859-15", "&#8364;&#x153;&lt;&amp;&quot;&apos;&gt;", "€œ<&\"'>"},
	}
	for _, tc := range tests {
		t.Run(tc.decl, func(t *testing.T) {
			decl := ""
			if tc.decl != "" {
				decl = `<?xml version="1.0" encoding="` + tc.decl + `"?>` + "\n"
			}
			doc := decl + `<BEE_ELEVES><DONNEES><ELEVES><ELEVE ELEVE_ID="1"><PRENOM>` + tc.raw + `</PRENOM></ELEVE></ELEVES></DONNEES></BEE_ELEVES>`
			p, err := ReadEleves(context.Background(), strings.NewReader(doc), "x.xml", Options{})
			require.NoError(t, err)
			require.Len(t, p.Enrolments, 1)
			if got := p.Enrolments[0].Student.FirstName; got != tc.want {
				t.Errorf("PRENOM = %q, want %q", got, tc.want)
			}
		})
	}
}
