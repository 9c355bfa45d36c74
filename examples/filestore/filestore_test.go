package filestore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/internal/personaldata"
	"github.com/lsusync/lsusync/internal/testkit"
	"github.com/lsusync/lsusync/lsusynctest"
)

// equateEmpty makes nil and empty slices and maps equal: the file does
// not tell them apart.
var equateEmpty = cmpopts.EquateEmpty()

// ignoreVersions ignores the records' versions, which the file does not
// hold.
var ignoreVersions = cmp.Options{
	cmpopts.IgnoreFields(lsusync.Establishment{}, "Version"),
	cmpopts.IgnoreFields(lsusync.Teacher{}, "Version"),
	cmpopts.IgnoreFields(lsusync.Class{}, "Version"),
	cmpopts.IgnoreFields(lsusync.Student{}, "Version"),
	cmpopts.IgnoreFields(lsusync.Bilan{}, "Version"),
}

// testSnapshot returns a deterministic store content with pupils pupils in
// classes of 25, three trimesters of bilans each with ten acquis, and
// content in some of them. variant changes names and appreciations, so
// that two variants differ everywhere.
func testSnapshot(pupils, variant int) lsusync.Snapshot {
	s := lsusync.Snapshot{
		Establishment: lsusync.Establishment{
			UAI: "0750001A", Name: fmt.Sprintf("Collège Jean Moulin %d", variant),
			Address:  lsusync.Address{Line1: "12 rue de l'École", PostalCode: "75001", City: "PARIS"},
			HeadName: "Mme DUPONT", Phone: "0102030405", Email: "ce.0750001a@ac-paris.fr",
		},
	}
	for i := range 30 {
		s.Teachers = append(s.Teachers, lsusync.Teacher{
			Key:      lsusync.TeacherKey{Type: "epp", ID: fmt.Sprint(1000 + i)},
			Civility: lsusync.Madame, LastName: fmt.Sprintf("PROF%d-%d", i, variant), FirstName: "Anne",
			NUMEN: fmt.Sprintf("%02dE0000000%03d", i%100, i),
		})
	}
	periods := []lsusync.Period{{Year: 2025, Index: 1, Count: 3}, {Year: 2025, Index: 2, Count: 3}, {Year: 2025, Index: 3, Count: 3}}
	classes := (pupils + 24) / 25
	for c := range classes {
		s.Classes = append(s.Classes, lsusync.Class{Code: fmt.Sprintf("3EME%d", c+1), Label: fmt.Sprintf("3e %d", c+1), Periods: periods})
	}
	for p := range pupils {
		id := fmt.Sprint(100000 + p)
		class := s.Classes[p/25].Code
		s.Students = append(s.Students, lsusync.Student{
			ID: id, Class: class, INE: fmt.Sprintf("%09dAB", p), LastName: fmt.Sprintf("NOM%d-%d", p, variant),
			FirstName: "Élodie", BirthDate: lsusync.Date{Year: 2011, Month: time.Month(1 + p%12), Day: 1 + p%28},
			Sex: lsusync.Female,
		})
		for _, per := range periods {
			b := lsusync.Bilan{Student: id, Period: per, Locked: per.Index == 1 && p%7 == 0,
				HeadTeachers: []lsusync.TeacherKey{s.Teachers[p%30].Key}}
			for a := range 10 {
				acq := lsusync.Acquis{
					Subject:  lsusync.Subject{Code: fmt.Sprintf("0%d0100", a+1), Label: fmt.Sprintf("MATIERE %d", a), Modality: "S"},
					Teachers: []lsusync.TeacherKey{s.Teachers[(p+a)%30].Key},
				}
				if (p+a)%3 == 0 {
					acq.Appreciation = fmt.Sprintf("Bon trimestre, « continuez » %d.", variant)
					acq.Positioning = 3
					acq.Average = "14.5"
				}
				b.Acquis = append(b.Acquis, acq)
			}
			if p%5 == 0 {
				b.Synthesis = fmt.Sprintf("Élève sérieux <%d>", variant)
			}
			s.Bilans = append(s.Bilans, b)
		}
	}
	s.Sort()
	return s
}

func readBytes(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		snap lsusync.Snapshot
	}{
		{"empty", lsusync.Snapshot{}},
		{"establishment only", lsusync.Snapshot{Establishment: lsusync.Establishment{UAI: "0750001A"}}},
		{"small", testSnapshot(60, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lsu.json")
			s, err := Create(context.Background(), path, tc.snap)
			require.NoError(t, err)
			require.NoError(t, s.Close())

			got, err := Open(context.Background(), path, Options{})
			require.NoError(t, err)
			defer got.Close()
			if diff := cmp.Diff(tc.snap, got.Snapshot(), equateEmpty); diff != "" {
				t.Errorf("content after Create and Open (-want +got):\n%s", diff)
			}
			// Encoding is deterministic: rewriting gives the same bytes.
			var buf bytes.Buffer
			snap := got.Snapshot()
			require.NoError(t, encode(&buf, &snap))
			if diff := cmp.Diff(string(readBytes(t, path)), buf.String()); diff != "" {
				t.Errorf("re-encoding differs (-file +encoded):\n%s", diff)
			}
		})
	}
}

func TestApplyPersists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lsu.json")
	snap := testSnapshot(50, 1)
	s, err := Create(context.Background(), path, snap)
	require.NoError(t, err)

	cur := testkit.Stored(t, s) // snap, with versions
	st := cur.Students[3]
	st.LastName = "CORRIGÉ"
	est := cur.Establishment
	est.Name = "Collège Lucie Aubrac"
	b := cur.Bilans[4] // not locked: pupil 100001, T2
	require.False(t, b.Locked)
	b.HeadTeachers = []lsusync.TeacherKey{{Type: "epp", ID: "1003"}}

	batch, err := s.BeginBatch(ctx)
	require.NoError(t, err)
	require.NoError(t, batch.Apply(ctx, lsusync.ChangeSet{Establishment: &est}))
	require.NoError(t, batch.Apply(ctx, lsusync.ChangeSet{Students: []lsusync.Student{st}, Bilans: []lsusync.Bilan{b}}))
	before := readBytes(t, path)
	if got := readBytes(t, path); !bytes.Equal(before, got) {
		t.Fatal("staging changed the file")
	}
	require.NoError(t, batch.Commit(ctx))
	require.NoError(t, s.Close())

	want := snap
	want.Establishment = est
	want.Students = append([]lsusync.Student(nil), snap.Students...)
	want.Students[3] = st
	want.Bilans = append([]lsusync.Bilan(nil), snap.Bilans...)
	want.Bilans[4] = b
	got, err := decodeFile(path)
	require.NoError(t, err)
	if diff := cmp.Diff(want, got, equateEmpty, ignoreVersions); diff != "" {
		t.Errorf("file after Commit (-want +got):\n%s", diff)
	}

	// A refused change set writes nothing.
	s, err = Open(context.Background(), path, Options{})
	require.NoError(t, err)
	defer s.Close()
	before = readBytes(t, path)
	locked := testkit.Stored(t, s).Bilans[0]
	require.True(t, locked.Locked)
	err = s.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{locked}})
	require.ErrorIs(t, err, lsusync.ErrLocked)
	if !bytes.Equal(before, readBytes(t, path)) {
		t.Error("a refused Apply changed the file")
	}
}

// TestStaleVersionAfterReopen checks that a record read before the store
// was closed and opened again cannot overwrite an edit made in between:
// the versions of a reopened store never match the versions read before.
func TestStaleVersionAfterReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, testSnapshot(10, 1))
	require.NoError(t, err)
	stale := testkit.Stored(t, s).Bilans[4] // read by a teacher's screen...
	require.False(t, stale.Locked)
	edit := stale
	edit.Content = map[string]string{"synthese": "Saisie par un autre enseignant."}
	require.NoError(t, s.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{edit}})) // ...edited by another...
	require.NoError(t, s.Close())

	s, err = Open(context.Background(), path, Options{}) // ...the store reopened...
	require.NoError(t, err)
	defer s.Close()
	stale.Content = map[string]string{"synthese": "Saisie périmée."}
	err = s.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{stale}}) // ...then the first screen saves
	require.ErrorIs(t, err, lsusync.ErrConflict)
	if got := testkit.Stored(t, s).Bilans[4].Content["synthese"]; got != "Saisie par un autre enseignant." {
		t.Errorf("synthese %q after the stale write, want the other teacher's", got)
	}
}

func TestClosedAndReadOnlyRefuseWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lsu.json")
	snap := testSnapshot(10, 1)
	s, err := Create(context.Background(), path, snap)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close()) // idempotent
	before, err := s.Establishment(ctx)
	require.NoError(t, err)
	est := before
	est.Name = "X"
	if err := s.Apply(ctx, lsusync.ChangeSet{Establishment: &est}); !errors.Is(err, ErrClosed) {
		t.Errorf("Apply on a closed store: %v, want ErrClosed", err)
	}
	if got, _ := s.Establishment(ctx); got != before {
		t.Errorf("a failed write is visible: %+v", got)
	}

	r1, err := Open(context.Background(), path, Options{ReadOnly: true})
	require.NoError(t, err)
	defer r1.Close()
	r2, err := Open(context.Background(), path, Options{ReadOnly: true})
	require.NoError(t, err, "two readers share the lock")
	defer r2.Close()
	est, err = r1.Establishment(ctx)
	require.NoError(t, err)
	est.Name = "X"
	if err := r1.Apply(ctx, lsusync.ChangeSet{Establishment: &est}); !errors.Is(err, ErrReadOnly) || !errors.Is(err, lsusync.ErrReadOnly) {
		t.Errorf("Apply on a read-only store: %v, want ErrReadOnly and lsusync.ErrReadOnly", err)
	}
	if _, err := Open(context.Background(), path, Options{}); !errors.Is(err, ErrBusy) {
		t.Errorf("Open for writing while readers hold the store: %v, want ErrBusy", err)
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lsu.json")
	require.NoError(t, os.WriteFile(path, []byte("not mine"), 0o600))
	_, err := Create(context.Background(), path, testSnapshot(5, 1))
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Create over an existing file: %v, want fs.ErrExist", err)
	}
	if got := string(readBytes(t, path)); got != "not mine" {
		t.Errorf("Create changed the existing file: %q", got)
	}
	bad := testSnapshot(5, 1)
	bad.Students = append(bad.Students, bad.Students[0])
	if _, err := Create(context.Background(), filepath.Join(dir, "dup.json"), bad); !errors.Is(err, lsusync.ErrInvalid) {
		t.Errorf("Create with a duplicate pupil: %v, want ErrInvalid", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dup.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Create of an invalid content made a file: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	ctx := context.Background()
	// Windows has no modes: a file is read-only or read-write (0666),
	// and who may read it is set by the folder's access rights.
	want := fs.FileMode(0o600)
	if runtime.GOOS == "windows" {
		want = 0o666
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "lsu.json")
	snap := testSnapshot(10, 1)
	s, err := Create(context.Background(), path, snap)
	require.NoError(t, err)
	defer s.Close()
	check := func(when string) {
		t.Helper()
		for _, p := range []string{path, path + ".lock"} {
			fi, err := os.Stat(p)
			require.NoError(t, err)
			if fi.Mode().Perm() != want {
				t.Errorf("%s: %s has mode %v, want %v", when, filepath.Base(p), fi.Mode().Perm(), want)
			}
		}
	}
	check("after Create")
	require.NoError(t, os.Chmod(path, 0o644))
	est, err := s.Establishment(ctx)
	require.NoError(t, err)
	est.Name = "Autre"
	require.NoError(t, s.Apply(ctx, lsusync.ChangeSet{Establishment: &est}))
	check("after a write")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"lsu.json", "lsu.json.lock"}, names); diff != "" {
		t.Errorf("files in the folder (-want +got):\n%s", diff)
	}
}

func TestSecondOpenFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, testSnapshot(5, 1))
	require.NoError(t, err)
	_, err = Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("second Open: %v, want ErrBusy", err)
	}
	if !strings.Contains(err.Error(), "store is in use by another process") {
		t.Errorf("second Open's message %q does not say the store is in use", err)
	}
	r, err := Open(context.Background(), path, Options{ReadOnly: true})
	require.NoError(t, err, "a reader while a writer holds the store reads it without the lock")
	require.NoError(t, r.Close())
	_, err = Create(context.Background(), path, testSnapshot(5, 1))
	require.ErrorIs(t, err, fs.ErrExist)
	require.NoError(t, s.Close())
	s2, err := Open(context.Background(), path, Options{})
	require.NoError(t, err, "Open after Close")
	require.NoError(t, s2.Close())

	// Two Creates of one new file: the one that finds the lock taken
	// is refused, and the file is not made.
	fresh := filepath.Join(t.TempDir(), "new.json")
	l, err := lockFile(fresh, true)
	require.NoError(t, err)
	_, err = Create(context.Background(), fresh, testSnapshot(5, 1))
	require.ErrorIs(t, err, ErrBusy)
	require.NoError(t, l.Close())
	if _, err := os.Stat(fresh); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused Create made the file: %v", err)
	}
}

// TestLockSemantics opens one store twice in this process, in every
// order of writers and readers: readers share the store, a writer keeps
// other writers out and readers read without the lock, and Close
// releases it.
func TestLockSemantics(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, testSnapshot(5, 1))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	for _, tc := range []struct {
		first, second bool // ReadOnly
		busy          bool
	}{
		{first: false, second: false, busy: true},
		{first: false, second: true, busy: false},
		{first: true, second: false, busy: true},
		{first: true, second: true, busy: false},
	} {
		name := func(ro bool) string {
			if ro {
				return "reader"
			}
			return "writer"
		}
		t.Run(name(tc.first)+" then "+name(tc.second), func(t *testing.T) {
			first, err := Open(context.Background(), path, Options{ReadOnly: tc.first})
			require.NoError(t, err)
			second, err := Open(context.Background(), path, Options{ReadOnly: tc.second})
			if tc.busy {
				if !errors.Is(err, ErrBusy) {
					t.Fatalf("second Open: %v, want ErrBusy", err)
				}
				if want := "filestore: store is in use by another process: " + path; err.Error() != want {
					t.Errorf("second Open: %q, want %q", err, want)
				}
			} else {
				require.NoError(t, err, "second Open")
				require.NoError(t, second.Close())
			}
			require.NoError(t, first.Close())
			again, err := Open(context.Background(), path, Options{ReadOnly: tc.second})
			require.NoError(t, err, "Open after Close")
			require.NoError(t, again.Close())
		})
	}
}

// TestBusyErrorNamesTheHolder checks that a writer refused while another
// writer holds the store learns who holds it and since when, and nothing
// when readers hold it or once the holder closed it.
func TestBusyErrorNamesTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, testSnapshot(5, 1))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	before := time.Now().Truncate(time.Second)
	holder, err := Open(context.Background(), path, Options{Holder: "serve"})
	require.NoError(t, err)
	_, err = Open(context.Background(), path, Options{})
	var be *BusyError
	require.ErrorAs(t, err, &be)
	require.ErrorIs(t, err, ErrBusy)
	if be.Holder != "serve" || be.Since.Before(before) || be.Since.After(time.Now()) || be.Path != path {
		t.Errorf("BusyError %+v, want the holder serve since its Open, after %v", be, before)
	}
	if want := "filestore: store is in use by another process: " + path + " (held by serve since "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want it to start %q", err, want)
	}
	require.NoError(t, holder.Close())

	reader, err := Open(context.Background(), path, Options{ReadOnly: true})
	require.NoError(t, err)
	_, err = Open(context.Background(), path, Options{})
	require.ErrorAs(t, err, &be)
	if be.Holder != "" || !be.Since.IsZero() {
		t.Errorf("BusyError %+v while a reader holds the store, want no holder", be)
	}
	require.NoError(t, reader.Close())
}

func TestOpenRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lsu.json")
	s, err := Create(context.Background(), path, testSnapshot(5, 1))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	stale := filepath.Join(dir, ".lsu.json.tmp-123456")
	other := filepath.Join(dir, ".other.json.tmp-1")
	require.NoError(t, os.WriteFile(stale, []byte(`{"format":`), 0o600))
	require.NoError(t, os.WriteFile(other, nil, 0o600))
	s, err = Open(context.Background(), path, Options{})
	require.NoError(t, err)
	defer s.Close()
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary file still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another store's file was removed: %v", err)
	}
}

// validFile is a small valid store file, as FORMAT.md shows it.
const validFile = `{
  "format": "lsusync-store",
  "version": 1,
  "data": {
    "establishment": {"uai":"0750001A","name":"Collège Jean Moulin"},
    "teachers": [
      {"key":{"type":"epp","id":"4189"},"civility":"MME","lastName":"MARTIN","firstName":"Claire"}
    ],
    "classes": [
      {"code":"3EME1","label":"3e 1","periods":[{"year":2025,"index":1,"count":3}]}
    ],
    "students": [
      {"id":"1234","class":"3EME1","lastName":"DURAND","firstName":"Léa","birthDate":"2011-04-02","sex":"F"}
    ],
    "bilans": [
      {"student":"1234","period":{"year":2025,"index":1,"count":3},"acquis":[{"subject":{"code":"030201","label":"ANGLAIS LV1"},"teachers":[{"type":"epp","id":"4189"}]}]}
    ]
  }
}
`

func TestOpenValidFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lsu.json")
	require.NoError(t, os.WriteFile(path, []byte(validFile), 0o600))
	s, err := Open(context.Background(), path, Options{})
	require.NoError(t, err)
	defer s.Close()
	want := lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: "0750001A", Name: "Collège Jean Moulin"},
		Teachers:      []lsusync.Teacher{{Key: lsusync.TeacherKey{Type: "epp", ID: "4189"}, Civility: "MME", LastName: "MARTIN", FirstName: "Claire"}},
		Classes:       []lsusync.Class{{Code: "3EME1", Label: "3e 1", Periods: []lsusync.Period{{Year: 2025, Index: 1, Count: 3}}}},
		Students:      []lsusync.Student{{ID: "1234", Class: "3EME1", LastName: "DURAND", FirstName: "Léa", BirthDate: lsusync.Date{Year: 2011, Month: 4, Day: 2}, Sex: lsusync.Female}},
		Bilans: []lsusync.Bilan{{Student: "1234", Period: lsusync.Period{Year: 2025, Index: 1, Count: 3},
			Acquis: []lsusync.Acquis{{Subject: lsusync.Subject{Code: "030201", Label: "ANGLAIS LV1"}, Teachers: []lsusync.TeacherKey{{Type: "epp", ID: "4189"}}}}}},
	}
	if diff := cmp.Diff(want, s.Snapshot(), equateEmpty); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}
}

func TestBadFilesRefusedAndKept(t *testing.T) {
	valid := validFile
	sub := func(old, new string) string {
		if !strings.Contains(valid, old) {
			panic("no " + old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	for _, tc := range []struct {
		name    string
		content string
		is      error
		want    string // in the message, after the path
		line    int    // 0: no position
	}{
		{"empty file", "", ErrCorrupt, "truncated", 1},
		{"truncated", valid[:len(valid)/2], ErrCorrupt, "truncated", 10},
		{"truncated after the last brace", valid[:len(valid)-3], ErrCorrupt, "truncated", 18},
		{"syntax error", sub(`"MARTIN"`, `"MARTIN`), ErrCorrupt, "JSON syntax error", 7},
		{"not JSON", "PK\x03\x04 zip", ErrCorrupt, "JSON syntax error", 1},
		{"not an object", `[1,2]`, ErrCorrupt, "must begin with a JSON object", 1},
		{"future version", sub(`"version": 1`, `"version": 4`), ErrVersion, "version 4; this program reads versions up to 3", 3},
		{"version zero", sub(`"version": 1`, `"version": 0`), ErrCorrupt, "version 0", 3},
		{"wrong format", sub(`"lsusync-store"`, `"other"`), ErrCorrupt, `format "other"`, 2},
		{"no header", `{"data":{}}`, ErrCorrupt, `the first member must be "format"`, 1},
		{"unknown top member", sub(`"data": {`, `"extra": 1, "data": {`), ErrCorrupt, `must be "data", not "extra"`, 4},
		{"unknown data member", sub(`"bilans": [`, `"notes": [], "bilans": [`), ErrCorrupt, `unknown member "notes"`, 15},
		{"duplicate data member", sub(`"bilans": [`, `"teachers": [], "bilans": [`), ErrCorrupt, `"teachers" of "data" appears twice`, 15},
		{"unknown record field", sub(`"civility":"MME"`, `"civility":"MME","age":40`), ErrCorrupt, `teachers[0]: json: unknown field "age"`, 7},
		{"wrong type", sub(`"index":1,"count":3}]}`, `"index":"1","count":3}]}`), ErrCorrupt, "classes[0]", 10},
		{"invalid date", sub(`2011-04-02`, `2011-02-30`), ErrCorrupt, `students[0]: invalid birthDate, want YYYY-MM-DD (the value is personal data: not shown)`, 13},
		{"trailing data", valid + `{}`, ErrCorrupt, "trailing data", 20},
		{"trailing garbage", valid + "x", ErrCorrupt, "JSON syntax error", 20},
		{"duplicate pupil", sub(`"students": [`, `"students": [{"id":"1234","class":"3EME1"},`), ErrCorrupt, "pupil 1234 twice", 0},
		{"bilan of an unknown pupil", sub(`{"student":"1234"`, `{"student":"9"`), ErrCorrupt, "unknown pupil", 0},
		{"invalid period", sub(`"index":1,"count":3}]}`, `"index":4,"count":3}]}`), ErrCorrupt, "invalid period", 0},
		{"empty teacher key", sub(`{"type":"epp","id":"4189"},"civility"`, `{"type":"","id":"4189"},"civility"`), ErrCorrupt, "empty key", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := checkRefused(t, badFile{name: tc.name, content: tc.content, want: tc.want, line: tc.line}, tc.is)
			// Nothing may replace it: Create refuses, and the lock is free.
			_, err := Create(context.Background(), path, testSnapshot(1, 1))
			require.ErrorIs(t, err, fs.ErrExist)
			if got := string(readBytes(t, path)); got != tc.content {
				t.Errorf("the refused file was changed by Create")
			}
		})
	}
}

// TestOpenMissing opens stores that are not there: the error wraps
// fs.ErrNotExist, names what is missing, never the lock file, and no
// lock file is left behind.
func TestOpenMissing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    string // under a temporary folder
		missing string // what the error names, under the folder
	}{
		{"no file", "none.json", "none.json"},
		{"no folder", "gone/lsu.json", "gone"},
		{"no folders", "gone/away/lsu.json", "gone/away"},
	} {
		for _, ro := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/ReadOnly=%v", tc.name, ro), func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, filepath.FromSlash(tc.path))
				_, err := Open(context.Background(), path, Options{ReadOnly: ro})
				if !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("Open: %v, want fs.ErrNotExist", err)
				}
				missing := filepath.Join(dir, filepath.FromSlash(tc.missing))
				if !strings.HasPrefix(err.Error(), "filestore: "+path+": ") || !strings.Contains(err.Error(), missing) {
					t.Errorf("Open: %q, want it to name %s", err, missing)
				}
				if strings.Contains(err.Error(), ".lock") {
					t.Errorf("Open: %q names the lock file", err)
				}
				if _, err := os.Lstat(path + ".lock"); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("a refused Open left a lock file (%v)", err)
				}
			})
		}
	}
	t.Run("Create in a missing folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "gone")
		path := filepath.Join(dir, "lsu.json")
		_, err := Create(context.Background(), path, testSnapshot(1, 1))
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "folder "+dir+": ") || strings.Contains(err.Error(), ".lock") {
			t.Errorf("Create: %v, want fs.ErrNotExist naming the folder %s", err, dir)
		}
	})
	t.Run("a folder", func(t *testing.T) {
		dir := t.TempDir()
		_, err := Open(context.Background(), dir, Options{})
		if err == nil || !strings.Contains(err.Error(), "not a store file") {
			t.Errorf("Open of a folder: %v, want \"not a store file\"", err)
		}
		if _, err := os.Lstat(dir + ".lock"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a refused Open left a lock file (%v)", err)
		}
	})
}

// TestReadOnlyFile opens for writing a store file its user made
// read-only: Open refuses it with ErrReadOnly naming the file and its
// mode, leaves it as it was, byte for byte and mode for mode, and makes
// no lock file; a read-only Open reads it. A file made read-only while
// the store is open is not replaced either.
func TestReadOnlyFile(t *testing.T) {
	ctx := context.Background()
	snap := testSnapshot(10, 1)
	for _, tc := range []struct {
		mode     fs.FileMode
		readOnly bool
	}{
		{0o400, true},
		{0o444, true},
		{0o440, true},
		{0o500, true},
		{0o600, false},
		{0o644, false},
		{0o660, false},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lsu.json")
			s, err := Create(context.Background(), path, snap)
			require.NoError(t, err)
			require.NoError(t, s.Close())
			require.NoError(t, os.Remove(path+".lock"))
			require.NoError(t, os.Chmod(path, tc.mode))
			t.Cleanup(func() { os.Chmod(path, 0o600) }) // Windows removes no read-only file
			before, fi := readBytes(t, path), stat(t, path)

			s, err = Open(context.Background(), path, Options{})
			if !tc.readOnly {
				require.NoError(t, err)
				require.NoError(t, s.Close())
				return
			}
			if !errors.Is(err, ErrReadOnly) {
				t.Fatalf("Open: %v, want ErrReadOnly", err)
			}
			if want := "filestore: store file is read-only: " + path + " ("; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Open: %q, want it to begin with %q", err, want)
			}
			if !bytes.Equal(before, readBytes(t, path)) || stat(t, path).Mode() != fi.Mode() || !stat(t, path).ModTime().Equal(fi.ModTime()) {
				t.Error("a refused Open changed the file")
			}
			if _, err := os.Lstat(path + ".lock"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a refused Open made a lock file (%v)", err)
			}
			ro, err := Open(context.Background(), path, Options{ReadOnly: true})
			require.NoError(t, err, "read-only Open of a read-only file")
			defer ro.Close()
			if diff := cmp.Diff(snap, ro.Snapshot(), equateEmpty); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("made read-only while open", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "lsu.json")
		s, err := Create(context.Background(), path, snap)
		require.NoError(t, err)
		defer s.Close()
		require.NoError(t, os.Chmod(path, 0o400))
		t.Cleanup(func() { os.Chmod(path, 0o600) })
		before, fi := readBytes(t, path), stat(t, path)
		est, err := s.Establishment(ctx)
		require.NoError(t, err)
		est.Name = "Autre"
		err = s.Apply(ctx, lsusync.ChangeSet{Establishment: &est})
		if !errors.Is(err, ErrReadOnly) {
			t.Fatalf("Apply: %v, want ErrReadOnly", err)
		}
		if got, _ := s.Establishment(ctx); got.Name != snap.Establishment.Name {
			t.Errorf("a refused write is visible: %+v", got)
		}
		if !bytes.Equal(before, readBytes(t, path)) || stat(t, path).Mode() != fi.Mode() {
			t.Error("a refused write changed the file")
		}
		// Writable again, the store writes.
		require.NoError(t, os.Chmod(path, 0o600))
		require.NoError(t, s.Apply(ctx, lsusync.ChangeSet{Establishment: &est}))
	})
}

func stat(t *testing.T, path string) fs.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fi
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(validFile))
	f.Add([]byte(`{"format":"lsusync-store","version":1,"data":{}}`))
	f.Add([]byte(`{"format":"lsusync-store","version":1,"data":{"teachers":null}}`))
	var buf bytes.Buffer
	snap := testSnapshot(3, 1)
	if err := encode(&buf, &snap); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	// Version 3 with every field of the contents set, in one bilan and
	// one acquis (a seed of tens of kilobytes, which the fuzzer can still
	// mutate and minimise quickly), its example, and version 2 as v0.1.0
	// wrote it.
	b := &snap.Bilans[0]
	b.BilanContent = lsusynctest.FullBilanContent(0)
	b.Acquis[0].AcquisContent = lsusynctest.FullAcquisContent(0)
	b.Acquis[0].Subject.NationalCode = "010100"
	snap.Bilans = snap.Bilans[:2]
	buf.Reset()
	if err := encode(&buf, &snap); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	for _, path := range []string{"FORMAT.md", filepath.Join("testdata", "v0.1.0.json")} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if doc, ok := bytes.CutPrefix(data, []byte("# ")); ok {
			_, doc, _ = bytes.Cut(doc, []byte("```json\n"))
			data, _, _ = bytes.Cut(doc, []byte("```"))
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := decodeBytes(data)
		if err != nil {
			var de *decodeError
			if !errors.As(err, &de) || !(errors.Is(err, ErrCorrupt) || errors.Is(err, ErrVersion)) {
				t.Fatalf("decode error %v (%T) is not a corrupt-file error", err, err)
			}
			return
		}
		// What decodes re-encodes and decodes to the same content.
		var out bytes.Buffer
		if err := encode(&out, &s); err != nil {
			t.Fatalf("encode: %v", err)
		}
		s2, err := decodeBytes(out.Bytes())
		if err != nil {
			t.Fatalf("decoding the re-encoded content: %v", err)
		}
		if diff := cmp.Diff(s, s2, equateEmpty); diff != "" {
			t.Errorf("round trip (-first +second):\n%s", diff)
		}
		// Read a few bytes at a time, it reads the same.
		s3, err := decodeWindowed(data, 5, 3)
		if err != nil {
			t.Fatalf("decoding a few bytes at a time: %v", err)
		}
		if diff := cmp.Diff(s, s3, equateEmpty); diff != "" {
			t.Errorf("read a few bytes at a time (-whole +windowed):\n%s", diff)
		}
	})
}

// TestFormatExample opens the example of FORMAT.md, so that the
// documentation cannot drift from the code.
func TestFormatExample(t *testing.T) {
	doc := string(readBytes(t, "FORMAT.md"))
	start := strings.Index(doc, "```json\n")
	require.GreaterOrEqual(t, start, 0, "FORMAT.md has no JSON example")
	doc = doc[start+len("```json\n"):]
	end := strings.Index(doc, "```")
	require.GreaterOrEqual(t, end, 0)
	path := filepath.Join(t.TempDir(), "lsu.json")
	require.NoError(t, os.WriteFile(path, []byte(doc[:end]), 0o600))
	s, err := Open(context.Background(), path, Options{})
	require.NoError(t, err)
	defer s.Close()
	snap := s.Snapshot()
	if len(snap.Bilans) != 3 || !snap.Bilans[0].Locked || snap.Teachers[0].NUMEN == "" {
		t.Errorf("the example did not decode as documented: %+v", snap)
	}
	// filestore writes the example as it is shown.
	var buf bytes.Buffer
	require.NoError(t, encode(&buf, &snap))
	if diff := cmp.Diff(doc[:end], buf.String()); diff != "" {
		t.Errorf("FORMAT.md's example is not as filestore writes it (-doc +written):\n%s", diff)
	}
}

func TestOpenThroughSymlink(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	real := filepath.Join(dir, "data", "lsu.json")
	require.NoError(t, os.Mkdir(filepath.Dir(real), 0o700))
	snap := testSnapshot(5, 1)
	s, err := Create(context.Background(), real, snap)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	link := filepath.Join(dir, "current.json")
	if err := os.Symlink(real, link); err != nil && runtime.GOOS == "windows" {
		t.Skipf("no symbolic link on this Windows (it needs the developer mode or a privilege): %v", err)
	} else {
		require.NoError(t, err)
	}

	s, err = Open(context.Background(), link, Options{})
	require.NoError(t, err)
	defer s.Close()
	if _, err := Open(context.Background(), real, Options{}); !errors.Is(err, ErrBusy) {
		t.Errorf("Open of the real file while its link is open: %v, want ErrBusy", err)
	}
	est, err := s.Establishment(ctx)
	require.NoError(t, err)
	est.Name = "Nouveau nom"
	require.NoError(t, s.Apply(ctx, lsusync.ChangeSet{Establishment: &est}))
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	if fi.Mode()&os.ModeSymlink == 0 {
		t.Error("a write replaced the symbolic link with a file")
	}
	got, err := decodeFile(real)
	require.NoError(t, err)
	if got.Establishment.Name != "Nouveau nom" {
		t.Errorf("the real file holds %q", got.Establishment.Name)
	}
}

// TestReadsVersion1 opens a file written in version 1 of the format (the
// sample store as the version of this package before version 2 wrote
// it): its first commit rewrites it in version 3, as
// testdata/sample-v1-v3.json shows it (-update rewrites it), and the file
// reads back as the version 1 file read.
func TestReadsVersion1(t *testing.T) {
	v1, err := decodeFile(filepath.Join("testdata", "sample-v1.json"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "lsu.json")
	require.NoError(t, os.WriteFile(path, readBytes(t, filepath.Join("testdata", "sample-v1.json")), 0o600))
	s, err := Open(context.Background(), path, Options{})
	require.NoError(t, err)
	defer s.Close()
	est, err := s.Establishment(t.Context())
	require.NoError(t, err)
	est.Phone = "0100000000"
	require.NoError(t, s.Apply(t.Context(), lsusync.ChangeSet{Establishment: &est}))
	file := readBytes(t, path)
	if !bytes.Contains(file, []byte(`"version": 3,`)) {
		t.Error("the commit did not rewrite the file in version 3")
	}
	golden := filepath.Join("testdata", "sample-v1-v3.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, file, 0o644))
	}
	if diff := cmp.Diff(string(readBytes(t, golden)), string(file)); diff != "" {
		t.Errorf("the version 1 file after its first commit (-%s +written):\n%s", golden, diff)
	}
	again, err := decodeFile(path)
	require.NoError(t, err)
	v1.Establishment.Phone = est.Phone
	if diff := cmp.Diff(v1, again, equateEmpty); diff != "" {
		t.Errorf("after the commit (-want +got):\n%s", diff)
	}
}

// formatExample returns the version 3 example of FORMAT.md.
func formatExample(t *testing.T) string {
	doc := string(readBytes(t, "FORMAT.md"))
	start := strings.Index(doc, "```json\n")
	require.GreaterOrEqual(t, start, 0, "FORMAT.md has no JSON example")
	doc = doc[start+len("```json\n"):]
	return doc[:strings.Index(doc, "```")]
}

// badFile is a store file that a reader refuses: its error contains want
// and is at line (0: no position) and, when col is not 0, column col.
type badFile struct {
	name    string
	content string
	want    string
	line    int
	col     int
}

// checkRefused writes the bad file, opens it and checks its error, then
// checks that a scanner reading the file a few bytes at a time, moving
// its window at every record, gives the same error at the same offset.
// It returns the file's path.
func checkRefused(t *testing.T, tc badFile, is error) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lsu.json")
	require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
	_, err := Open(context.Background(), path, Options{})
	if !errors.Is(err, is) {
		t.Fatalf("Open: %v, want %v", err, is)
	}
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	if fe.Path != path || !strings.HasPrefix(err.Error(), "filestore: "+path+": ") {
		t.Errorf("error %q does not begin with the path", err)
	}
	if !strings.Contains(err.Error(), tc.want) {
		t.Errorf("error %q does not contain %q", err, tc.want)
	}
	if fe.Line != tc.line {
		t.Errorf("error %q: line %d, want %d", err, fe.Line, tc.line)
	}
	if tc.col != 0 && fe.Column != tc.col {
		t.Errorf("error %q: column %d, want %d", err, fe.Column, tc.col)
	}
	personaldata.Check(t, "the error", err.Error(), refusedPersonal, personaldata.Options{Random: personaldata.TempDirs(t)})
	if got := string(readBytes(t, path)); got != tc.content {
		t.Errorf("the refused file was changed")
	}
	_, whole := decodeBytes([]byte(tc.content))
	_, windowed := decodeWindowed([]byte(tc.content), 3, 2)
	if fmt.Sprint(whole) != fmt.Sprint(windowed) || offsetOf(whole) != offsetOf(windowed) {
		t.Errorf("read a few bytes at a time: %v (offset %d), whole: %v (offset %d)", windowed, offsetOf(windowed), whole, offsetOf(whole))
	}
	return path
}

// refusedPersonal are the personal values of the files that the tests
// of refusals spoil: the pupil of the version 3 file and her birth date
// made invalid, and the pupils of testdata/v0.1.0.json.
var refusedPersonal = []string{
	"DURAND", "Léa", "2011-04-02", "2011-02-30",
	"070803070AJ", "070803071BK", "070803072CL", "070803073DM",
	"LE GOFF", "MARTIN", "Noé", "Yann", "NGUYEN", "Anh", "Marie", "Thi", "BERNARD", "Hugo", "O'BRIEN", "Zoé",
	"2014-04-02", "2014-11-30", "2013-01-15", "2010-06-21",
}

// decodeWindowed decodes data as a file is read, its window reading step
// bytes at a time and holding ahead bytes between records, from a reader
// that gives one byte at a time.
func decodeWindowed(data []byte, step, ahead int) (lsusync.Snapshot, error) {
	d := newFileScanner(iotest.OneByteReader(bytes.NewReader(data)), int64(len(data)))
	d.SetWindow(step, ahead)
	s, _, err := d.decode(func() (lsusync.Snapshot, error) {
		return decodeV1(bytes.NewReader(data), int64(len(data)), nil)
	})
	if err == nil {
		err = validated(s)
	}
	return s, err
}

func offsetOf(err error) int64 {
	var de *decodeError
	if errors.As(err, &de) {
		return de.offset
	}
	return -2
}

// TestBadVersion3Files checks the rules of version 3 that version 1 does
// not have, contents included, and the position of each error.
func TestBadVersion3Files(t *testing.T) {
	valid := formatExample(t)
	sub := func(old, new string) string {
		if !strings.Contains(valid, old) {
			panic("no " + old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	// col returns the column of what in the file's line n.
	col := func(content string, n int, what string) int {
		line := strings.Split(content, "\n")[n-1]
		return 1 + strings.Index(line, what) // in bytes
	}
	bad := func(name, old, new, want string, line int, at string) badFile {
		content := sub(old, new)
		tc := badFile{name: name, content: content, want: want, line: line}
		if at != "" {
			tc.col = col(content, line, at)
		}
		return tc
	}
	const plain = `"acquis":[[0,1],[1,0]]`
	for _, tc := range []badFile{
		bad("teacher key out of the table", plain, `"acquis":[[0,7],[1,0]]`, `bilans[1].acquis: 7 is not the number of an entry of "teacherKeys"`, 26, ""),
		bad("subject out of the table", plain, `"acquis":[[3,1],[1,0]]`, `bilans[1].acquis: 3 is not the number of an entry of "subjects"`, 26, ""),
		bad("negative number", `"headTeachers":[0]}`, `"headTeachers":[-1]}`, `bilans[1].headTeachers: -1 is not the number`, 26, ""),
		bad("acquis without subject", plain, `"acquis":[[],[1,0]]`, "an acquis without its subject", 26, ""),
		bad("acquis object without subject", `{"subject":0,"teachers":[1],`, `{"teachers":[1],`, "bilans[0].acquis: an acquis without its subject", 25, ""),
		bad("not a number", plain, `"acquis":[[0,"1"],[1,0]]`, "bilans[1].acquis must be an integer", 26, ""),
		bad("fraction", plain, `"acquis":[[0,1.5],[1,0]]`, "bilans[1].acquis must be an integer", 26, ""),
		bad("short period", `"period":[2025,2,3]`, `"period":[2025,2]`, "bilans[1].period must be [year, index, count]", 26, ""),
		bad("bilans before the tables", `    "subjects": [`, `    "bilans": [{"student":"1234","period":[2025,1,3]}],
    "subjects": [`, `"subjects" and "teacherKeys" must come before "bilans"`, 16, `"bilans"`),
		bad("member twice in a record", `"civility":"MME"`, `"civility":"MME","civility":"M"`, `teachers[0]: member "civility" twice`, 7, ""),
		bad("unknown member of a bilan", plain+`,"headTeachers":[0]}`, plain+`,"headTeachers":[0],"notes":1}`, `bilans[1]: unknown member "notes"`, 26, ""),
		bad("not a boolean", `"locked":true`, `"locked":"yes"`, "bilans[0].locked must be true or false", 25, ""),
		bad("syntax error in a bilan", plain+`,`, `"acquis":[[0,1],[1,0],`, "JSON syntax error", 26, ""),
		{name: "truncated in the bilans", content: valid[:strings.Index(valid, `"period":[2025,2`)], want: "truncated file", line: 26},
		bad("invalid birth date", `2011-04-02`, `2011-02-30`, "students[0]: invalid birthDate, want YYYY-MM-DD (the value is personal data: not shown)", 14, ""),
		bad("bilan of an unknown pupil", `{"student":"1234","period":[2025,2,3]`, `{"student":"9","period":[2025,2,3]`, "unknown pupil", 0, ""),
		bad("a subject's unknown member", `"nationalCode":"010100"}`, `"nationalCode":"010100","national":"010100"}`, `subjects[1]: unknown member "national"`, 18, `"national"`),

		// The contents.
		bad("unknown member of a content", `"synthesis":"Excellent trimestre."`, `"synthesis":"Excellent trimestre.","remarque":"x"`, `bilans[0].content: unknown member "remarque"`, 25, `"remarque"`),
		bad("a member named in another case", `"synthesis":"Excellent trimestre."`, `"Synthesis":"Excellent trimestre."`, `bilans[0].content: unknown member "Synthesis"`, 25, `"Synthesis"`),
		bad("a member twice in a content", `"synthesis":"Excellent trimestre."`, `"synthesis":"Excellent trimestre.","synthesis":"Bien."`, `bilans[0].content: member "synthesis" twice`, 25, `"synthesis":"Bien."`),
		bad("unknown member deep in a content", `"late":1,`, `"late":1,"retards":2,`, `bilans[0].content.schoolLife: unknown member "retards"`, 25, `"retards"`),
		bad("an acquis's content", `"positioning":4,`, `"positioning":4,"note":"A",`, `bilans[0].acquis.content: unknown member "note"`, 25, `"note"`),
		bad("a number as a string", `"positioning":4,`, `"positioning":"4",`, `bilans[0].acquis.content.positioning must be an integer`, 25, `"4"`),
		bad("a number with a fraction", `"positioning":4,`, `"positioning":4.5,`, `bilans[0].acquis.content.positioning must be an integer`, 25, `4.5`),
		bad("a number too large", `"late":1,`, `"late":1234567890123456789,`, `bilans[0].content.schoolLife.late: 1234567890123456789 is out of range`, 25, `1234567890123456789`),
		bad("a boolean as a string", `"average":"16.5",`, `"notGraded":"oui","average":"16.5",`, `bilans[0].acquis.content.notGraded must be true or false`, 25, `"oui"`),
		bad("a text as a number", `"synthesis":"Excellent trimestre."`, `"synthesis":12`, `bilans[0].content.synthesis must be a string`, 25, `12,"schoolLife"`),
		bad("an array as a text", `"programmeElements":["Écouter et comprendre"]`, `"programmeElements":"Écouter"`, `bilans[0].acquis.content.programmeElements must be an array`, 25, `"Écouter"`),
		bad("an array as an object", `"schoolLife":{"late":1,"justified":2,"unjustified":0,"missedHours":4}`, `"schoolLife":[1]`, `bilans[0].content.schoolLife must be an object`, 25, `[1]}`),
		bad("an invalid date", `"councilDate":"2025-12-04"`, `"councilDate":"2025-13-04"`, `bilans[0].content.councilDate: lsusync: invalid date "2025-13-04"`, 25, `"2025-13-04"`),
		bad("a named content not a string", `"missedHours":4}`, `"missedHours":4},"content":{"x":1}`, `bilans[0].content.content.x must be a string`, 25, `1}}`),
		bad("a named content twice", `"missedHours":4}`, `"missedHours":4},"content":{"x":"1","x":"2"}`, `bilans[0].content.content: member "x" twice`, 25, `"x":"2"`),
		bad("a member of version 2 in an acquis", `{"subject":0,"teachers":[1],"content":`, `{"subject":0,"teachers":[1],"appreciation":"x","content":`, `bilans[0].acquis: unknown member "appreciation"`, 25, `"appreciation"`),
		bad("a content of version 2", `"content":{"councilDate"`, `"content":{"synthese":"x","councilDate"`, `bilans[0].content: unknown member "synthese"`, 25, `"synthese"`),
		bad("syntax error in a content", `"late":1,`, `"late":1,,`, "JSON syntax error", 25, ""),
		{name: "truncated in a content", content: valid[:strings.Index(valid, `"unjustified"`)], want: "truncated file", line: 25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkRefused(t, tc, ErrCorrupt)
		})
	}
}

// TestStringsRoundTrip writes and reads back values that JSON must
// escape, and checks that the escapes of other writers read too.
func TestStringsRoundTrip(t *testing.T) {
	snap := testSnapshot(1, 1)
	odd := "guillemets \" barre \\ ligne\n tab\t ctl\x01 sép\u2028 é 😀 \xff fin"
	snap.Teachers[0].LastName = odd
	var buf bytes.Buffer
	require.NoError(t, encode(&buf, &snap))
	got, err := decodeBytes(buf.Bytes())
	require.NoError(t, err)
	if want := strings.ToValidUTF8(odd, "\uFFFD"); got.Teachers[0].LastName != want {
		t.Errorf("read back %q, want %q", got.Teachers[0].LastName, want)
	}
	var std []byte
	std, err = json.Marshal(odd)
	require.NoError(t, err)
	if enc := appendString(nil, odd); string(enc) != string(std) {
		t.Errorf("encoded %s, encoding/json gives %s", enc, std)
	}
	other := strings.Replace(buf.String(), `"firstName":`, `"firstName":"\u00c9lo\u00efse \ud83d\ude00 \/ \b\f\r \ud800","x":`, 1)
	other = strings.Replace(other, `,"x":`+string(appendString(nil, snap.Teachers[0].FirstName)), "", 1)
	got, err = decodeBytes([]byte(other))
	require.NoError(t, err)
	if want := "Éloïse 😀 / \b\f\r \uFFFD"; got.Teachers[0].FirstName != want {
		t.Errorf("read %q, want %q", got.Teachers[0].FirstName, want)
	}
}

// TestMemosPersist checks that the classes' memos are kept in the file:
// a store opened again has them, with new stamps, and a sync that skips
// every class writes nothing.
func TestMemosPersist(t *testing.T) {
	ctx := t.Context()
	e := gen.New(gen.Config{Seed: 5, Pupils: 60})
	path := filepath.Join(t.TempDir(), "lsu.json")
	snap := e.StoreSnapshot()
	snap.Establishment.Name = "ANCIEN NOM" // so that the first sync writes
	s, err := Create(context.Background(), path, snap)
	require.NoError(t, err)
	today := e.Config.Today
	opts := lsusync.Options{SkipUnchanged: true, Now: func() time.Time { return time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC) }}
	rep, err := lsusync.New(e.Source(), s, opts).Sync(ctx)
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	before, err := s.ClassMemos(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	if !bytes.Contains(readBytes(t, path), []byte(`"memo":"lsusync-memo-`)) {
		t.Fatal("the file holds no memo")
	}

	s, err = Open(context.Background(), path, Options{})
	require.NoError(t, err)
	defer s.Close()
	after, err := s.ClassMemos(ctx)
	require.NoError(t, err)
	texts := func(ms []lsusync.Memo) map[string]string {
		out := map[string]string{}
		for _, m := range ms {
			out[m.Class] = m.Text
		}
		return out
	}
	if diff := cmp.Diff(texts(before), texts(after)); diff != "" {
		t.Errorf("memos after Open (-before +after):\n%s", diff)
	}
	stamps := map[string]lsusync.Version{}
	for _, m := range before {
		stamps[m.Class] = m.Stamp
	}
	for _, m := range after {
		if m.Stamp == stamps[m.Class] {
			t.Errorf("class %q has the stamp %q it had in the Store open before", m.Class, m.Stamp)
		}
	}
	file := readBytes(t, path)
	rep, err = lsusync.New(e.Source(), s, opts).Sync(ctx)
	require.NoError(t, err)
	for _, it := range rep.Items {
		if it.Kind == lsusync.KindClass && it.Action != lsusync.ActionSkipped {
			t.Errorf("class %s not skipped: %s", it.Key, it.Action)
		}
	}
	if s.writeCount() != 0 || !bytes.Equal(file, readBytes(t, path)) {
		t.Errorf("a sync that skipped every class wrote the file")
	}
}

// TestOpenProgress checks that Open reports its progress, in both
// versions of the format, up to the whole file.
func TestOpenProgress(t *testing.T) {
	for _, src := range []string{filepath.Join("testdata", "sample-v1.json"), filepath.Join("..", "testdata", "lsu.json")} {
		path := filepath.Join(t.TempDir(), "lsu.json")
		data := readBytes(t, src)
		require.NoError(t, os.WriteFile(path, data, 0o600))
		var calls [][2]int64
		s, err := Open(context.Background(), path, Options{ReadOnly: true, Progress: func(done, total int64) { calls = append(calls, [2]int64{done, total}) }})
		require.NoError(t, err)
		s.Close()
		if len(calls) == 0 || calls[len(calls)-1] != [2]int64{int64(len(data)), int64(len(data))} {
			t.Errorf("%s: progress %v, want it to end at %d of %d", src, calls, len(data), len(data))
		}
		for i := 1; i < len(calls); i++ {
			if calls[i][0] < calls[i-1][0] {
				t.Errorf("%s: progress goes back: %v", src, calls)
			}
		}
	}
}

// TestOpenAndCreateHonourTheContext opens and creates a store with a
// cancelled context: both return its error, Create makes no file, and
// neither keeps the lock.
func TestOpenAndCreateHonourTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := filepath.Join(t.TempDir(), "lsu.json")
	_, err := Create(ctx, path, testSnapshot(5, 1))
	require.ErrorIs(t, err, context.Canceled)
	_, err = os.Stat(path)
	require.ErrorIs(t, err, fs.ErrNotExist, "a cancelled Create makes no file")

	s, err := Create(context.Background(), path, testSnapshot(5, 1))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	for _, ro := range []bool{false, true} {
		_, err = Open(ctx, path, Options{ReadOnly: ro})
		require.ErrorIs(t, err, context.Canceled)
	}
	s, err = Open(context.Background(), path, Options{})
	require.NoError(t, err, "no lock kept by the cancelled Opens")
	require.NoError(t, s.Close())
}
