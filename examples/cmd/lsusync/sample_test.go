package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/gen"
)

var update = flag.Bool("update", false, "rewrite the sample data under examples/testdata and the golden files")

// The sample data of the README's first command, under examples/testdata:
// the exports of a small generated establishment, a later export of it
// with a few changes, and a store made by init from the first export, in
// which teachers have entered some content and locked a bilan.
const (
	testdataDir  = "../../testdata"
	exportsDir   = testdataDir + "/exports-2025"
	changedDir   = testdataDir + "/exports-2025-changed"
	sampleStore  = testdataDir + "/lsu.json"
	sampleToday  = "2025-12-01" // the first export's date
	changedToday = "2025-12-15" // the second export's date
)

// sampleConfig is the establishment of the sample data: small enough to
// commit, large enough to look real.
var sampleConfig = gen.Config{Seed: 2025, Pupils: 150, Classes: 6, Teachers: 20, Year: 2025}

// sampleEstablishment generates the establishment of the first export.
// Dates after the export are removed (pupils leaving later, professeurs
// principaux until the end of the year), so that a sync run on any later
// day gives the same report.
func sampleEstablishment(t *testing.T) *gen.Establishment {
	e := gen.New(sampleConfig)
	today := mustDate(t, sampleToday)
	require.Equal(t, today, e.Config.Today, "the sample's export date")
	for i := range e.Pupils {
		if p := &e.Pupils[i]; !p.ExitDate.IsZero() && !p.ExitDate.Before(today) {
			p.ExitDate, p.ExitReason = lsusync.Date{}, ""
		}
	}
	for i := range e.Teachers {
		for j := range e.Teachers[i].HeadOf {
			if h := &e.Teachers[i].HeadOf[j]; !h.End.IsZero() && !h.End.Before(today) {
				h.End = lsusync.Date{}
			}
		}
	}
	return e
}

// sampleChange describes the second export: what changed since the first.
type sampleChange struct {
	renamed   string             // class whose label changed
	corrected string             // ID of the pupil whose last name was corrected
	left      string             // ID of the pupil who left
	newTeach  lsusync.TeacherKey // the new teacher, on a service and PP
	serviceOf string             // class where the new teacher teaches
	ppOf      string             // class of which the new teacher is PP
	dropped   string             // class that lost a subject
	subject   string             // the subject it lost
}

// changedEstablishment returns the establishment of the second export.
func changedEstablishment(t *testing.T, e *gen.Establishment) (*gen.Establishment, sampleChange) {
	e = e.Clone()
	e.Config.Today = mustDate(t, changedToday)
	var ch sampleChange
	d := e.Divisions
	require.GreaterOrEqual(t, len(d), 6)

	// A class renamed: its label, in STS-Web and Structures.xml.
	ch.renamed = d[3].Code
	d[3].Label += " bilangue"
	if d[3].STSLabel != "" {
		d[3].STSLabel += " bilangue"
	}
	// A pupil's name corrected.
	p := presentPupils(e, d[4].Code)[0]
	ch.corrected = p.ID
	p.LastName = strings.TrimSuffix(p.LastName, p.LastName[len(p.LastName)-1:]) + "E"
	// A pupil left a week after the first export.
	p = presentPupils(e, d[5].Code)[1]
	ch.left = p.ID
	p.ExitDate = mustDate(t, "2025-12-08")
	p.ExitReason = "DEM"
	// A new teacher, on a service of one class and PP of another.
	nt := e.Teachers[0]
	nt.Key = lsusync.TeacherKey{Type: "epp", ID: "999001"}
	nt.UsageName, nt.BirthName, nt.FirstName = "NOUVEAU", "NOUVEAU", "Camille"
	nt.HeadOf = []gen.HeadAppointment{{Division: d[2].Code, Start: mustDate(t, "2025-12-10")}}
	nt.Substitute = false
	e.Teachers = append(e.Teachers, nt)
	ch.newTeach, ch.ppOf = nt.Key, d[2].Code
	ch.serviceOf = d[1].Code
	d[1].Services[0].Teachers = append(d[1].Services[0].Teachers, nt.Key)
	// A subject taught to the whole of class 0 and no group of it left
	// the services.
	ch.dropped = d[0].Code
	groupSubjects := map[string]bool{}
	for _, g := range e.Groups {
		if slices.Contains(g.Divisions, d[0].Code) {
			for _, s := range g.Services {
				groupSubjects[s.Subject] = true
			}
		}
	}
	for i := len(d[0].Services) - 1; i >= 0 && ch.subject == ""; i-- {
		if s := d[0].Services[i]; !groupSubjects[s.Subject] {
			ch.subject = s.Subject
		}
	}
	require.NotEmpty(t, ch.subject, "no division-only subject in %s", d[0].Code)
	d[0].Services = slices.DeleteFunc(d[0].Services, func(s gen.Service) bool { return s.Subject == ch.subject })
	return e, ch
}

// presentPupils returns the pupils of a division who have not left.
func presentPupils(e *gen.Establishment, division string) []*gen.Pupil {
	var out []*gen.Pupil
	for _, p := range e.PupilsOf(division) {
		if p.ExitDate.IsZero() {
			out = append(out, p)
		}
	}
	return out
}

// sampleContent gives the store made by init some teachers' work: in the
// class that will lose a subject, the first trimester of three pupils has
// an appreciation in that subject, and the first of them is locked; a few
// bilans have a synthesis.
func sampleContent(t *testing.T, snap *lsusync.Snapshot, ch sampleChange) {
	inClass := map[string]bool{}
	for _, s := range snap.Students {
		if s.Class == ch.dropped {
			inClass[s.ID] = true
		}
	}
	n := 0
	for i := range snap.Bilans {
		b := &snap.Bilans[i]
		if !inClass[b.Student] || b.Period.Index != 1 || n == 3 {
			continue
		}
		for j := range b.Acquis {
			if a := &b.Acquis[j]; a.Subject.Code == ch.subject {
				a.Appreciation = "Bon travail, des progrès réguliers."
				a.Positioning = 3
				a.Average = "13.5"
			}
		}
		b.Synthesis = "Trimestre satisfaisant."
		b.Locked = n == 0
		n++
	}
	require.Equal(t, 3, n, "pupils of %s with content", ch.dropped)
}

// writeSample writes the sample data into dir: exports-2025,
// exports-2025-changed and lsu.json.
func writeSample(t *testing.T, dir string) {
	e := sampleEstablishment(t)
	changed, ch := changedEstablishment(t, e)
	opts := gen.ExportOptions{Zip: true} // ISO-8859-15, zipped as downloaded
	_, err := e.WriteExports(filepath.Join(dir, "exports-2025"), opts)
	require.NoError(t, err)
	_, err = changed.WriteExports(filepath.Join(dir, "exports-2025-changed"), opts)
	require.NoError(t, err)

	// lsu.json: init from the first export, then the teachers' work.
	tmp := filepath.Join(t.TempDir(), "init.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"init", "-store", tmp, "-dir", filepath.Join(dir, "exports-2025"), "-today", sampleToday}, &stdout, &stderr)
	require.Equal(t, 0, code, "init: %s", stderr.String())
	st, err := filestore.Open(context.Background(), tmp, filestore.Options{ReadOnly: true})
	require.NoError(t, err)
	snap := st.Snapshot()
	require.NoError(t, st.Close())
	sampleContent(t, &snap, ch)
	st, err = filestore.Create(context.Background(), filepath.Join(dir, "lsu.json"), snap)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	os.Remove(filepath.Join(dir, "lsu.json.lock"))
}

// TestSampleData regenerates the sample data and checks that it is byte
// for byte the committed one, so that it cannot drift from the generator;
// with -update, it rewrites it.
func TestSampleData(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir)
	var got []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, rel)
		}
		return err
	}))
	total := 0
	for _, rel := range got {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		require.NoError(t, err)
		total += len(data)
		dst := filepath.Join(testdataDir, rel)
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
			require.NoError(t, os.WriteFile(dst, data, 0o644))
			continue
		}
		old, err := os.ReadFile(dst)
		if err != nil {
			t.Errorf("%s: %v (run go test -run TestSampleData -update)", dst, err)
			continue
		}
		if !bytes.Equal(old, data) {
			t.Errorf("%s differs from what the generator makes now (run go test -run TestSampleData -update)", dst)
		}
	}
	t.Logf("sample data: %d files, %d bytes", len(got), total)
	if total > 1<<20 {
		t.Errorf("the sample data weighs %d bytes, more than 1 MiB", total)
	}
}

func mustDate(t *testing.T, s string) lsusync.Date {
	d, err := lsusync.ParseDate(s)
	require.NoError(t, err)
	return d
}

// copyFile copies src to dst, mode 0600.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}
