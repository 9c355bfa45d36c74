package siecle

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
)

// samplesDir is the shared folder of public sample files, beside the
// repository: never copied into the project, read in place when present.
var samplesDir = filepath.Join("..", "..", "..", "shared", "samples", "siecle")

// samplePath returns the path of the sample file name: a test skips
// when it is absent, and fails then under CI, which must run it.
func samplePath(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(samplesDir, name)
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the sample %s is needed under CI: %v", name, err)
		}
		t.Skipf("no sample %s: %v", name, err)
	}
	return path
}

func date(y int, m, d int) lsusync.Date { return lsusync.Date{Year: y, Month: timeMonth(m), Day: d} }

// TestSamples reads the Pix fixtures (hand-made BEE_ELEVES files in
// ISO-8859-15, whose UAJ "123ABC" is not a real UAI) with ReadEleves and
// checks every pupil they hold.
func TestSamples(t *testing.T) {
	two := []lsusync.Enrolment{
		{Student: lsusync.Student{ID: "0001", Class: "4A", INE: "00000000123", LastName: "HANDMADE", FirstName: "Luciole", FirstName2: "Léa",
			FirstName3: "Lucy", BirthDate: date(1994, 12, 31), Sex: lsusync.Female}},
		{Student: lsusync.Student{ID: "0002", Class: "4A", INE: "00000000124", LastName: "COVERT", UsageName: "COJAUNE", FirstName: "Harry",
			FirstName2: "Cocœ", BirthDate: date(1994, 7, 1), Sex: lsusync.Male}, Groups: []string{"42"}},
	}
	tests := []struct {
		file string
		year string
		want []lsusync.Enrolment
	}{
		{"pix_siecle-with-two-valid-students.xml", "", two},
		{"pix_siecle-with-two-valid-students-and-school-year.xml", "2016", two},
		{"pix_siecle-with-registrations-no-longer-in-school.xml", "", []lsusync.Enrolment{
			{Student: lsusync.Student{ID: "0001", INE: "00000000123", LastName: "HANDMADE", FirstName: "Luciole", FirstName2: "Léa",
				FirstName3: "Lucy", BirthDate: date(1994, 12, 31)}},
			{Student: lsusync.Student{ID: "0002", Class: "Inactifs", INE: "00000000124", LastName: "COVERT", UsageName: "COJAUNE",
				FirstName: "Harry", FirstName2: "Coco", BirthDate: date(1994, 7, 1)}},
			{Student: lsusync.Student{ID: "0003", Class: "4e 1", LastName: "FRANCIS--FROUFROU", FirstName: "Grégory", BirthDate: date(1994, 7, 1)}},
			{Student: lsusync.Student{ID: "0004", INE: "00000000125", LastName: "FRANGE", FirstName: "COLIN", BirthDate: date(1994, 12, 31)},
				Groups: []string{"4e 1"}},
			{Student: lsusync.Student{ID: "0005", Class: "4e 1", INE: "00000000126", LastName: "GRADE", FirstName: "François",
				BirthDate: date(2008, 12, 12)}, ExitDate: date(2019, 9, 1)},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(samplePath(t, tc.file))
			require.NoError(t, err)
			defer f.Close()
			p, err := ReadEleves(context.Background(), f, tc.file, Options{})
			require.NoError(t, err)
			require.Equal(t, "123ABC", p.UAI)
			require.Equal(t, tc.year, p.Year)
			if diff := gocmp.Diff(tc.want, p.Enrolments); diff != "" {
				t.Errorf("pupils of %s (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

// TestSamplesRefusedByOpen: the same files are refused by Open, whose
// cross-file checks want a real UAI.
func TestSamplesRefusedByOpen(t *testing.T) {
	path := samplePath(t, "pix_siecle-with-two-valid-students.xml")
	_, f := fixtureDir(t, nil)
	f.Eleves = path
	_, err := Open(context.Background(), f, numenOpts(f))
	require.ErrorIs(t, err, ErrValue)
	require.ErrorContains(t, err, `<PARAMETRES/UAJ>: value "123ABC": not a UAI`)
}

func timeMonth(m int) time.Month { return time.Month(m) }
