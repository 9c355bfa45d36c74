package gen

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/ianaindex"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// configs are the establishments the tests run on: small, to keep the
// tests fast under -race, and varied.
var configs = []struct {
	name string
	cfg  Config
}{
	{"medium", Config{Seed: 1, Pupils: 500}},
	{"small-semesters", Config{Seed: 7, Pupils: 300, Classes: 12, Teachers: 25, Periods: 2, SubjectsPerClass: 8, Year: 2024, UAI: "0330001Z"}},
	{"tiny", Config{Seed: 3, Pupils: 40, Classes: 4, Teachers: 20, SubjectsPerClass: 16}},
}

func TestNormalizeDefaults(t *testing.T) {
	got := Config{}.Normalize()
	want := Config{Pupils: 2000, Classes: 80, Teachers: 150, Periods: 3, SubjectsPerClass: 12, Year: 2025, UAI: "0750001A",
		Today: lsusync.Date{Year: 2025, Month: time.December, Day: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Normalize (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, New(Config{}).Config); diff != "" {
		t.Errorf("New(Config{}).Config (-want +got):\n%s", diff)
	}
}

// TestStoreSnapshotIdempotent checks that syncing Source() into
// StoreSnapshot() changes nothing: every item unchanged, no write.
func TestStoreSnapshotIdempotent(t *testing.T) {
	for _, tc := range append(slices.Clone(configs), contentConfigs...) {
		t.Run(tc.name, func(t *testing.T) {
			e := New(tc.cfg)
			snap := e.StoreSnapshot()
			st, err := memory.New(snap)
			require.NoError(t, err)
			rs := &recordingStore{Store: st}
			today := e.Config.Today
			now := func() time.Time { return time.Date(today.Year, today.Month, today.Day, 10, 0, 0, 0, time.Local) }
			rep, err := lsusync.New(e.Source(), rs, lsusync.Options{Now: now}).Sync(context.Background())
			require.NoError(t, err)
			fixed := map[string]lsusync.Action{} // the locked and imported bilans, by key
			for _, b := range snap.Bilans {
				switch {
				case b.Locked:
					fixed[b.Key().String()] = lsusync.ActionLocked
				case b.Imported:
					fixed[b.Key().String()] = lsusync.ActionImported
				}
			}
			for _, it := range rep.Items {
				if a, ok := fixed[it.Key]; ok && it.Kind == lsusync.KindBilan {
					if it.Action != a {
						t.Errorf("bilan %s: action %v, want %v", it.Key, it.Action, a)
					}
					continue
				}
				if it.Action != lsusync.ActionUnchanged && it.Action != lsusync.ActionLeft {
					t.Errorf("item %v %q: action %v, changes %v, kept %v", it.Kind, it.Key, it.Action, it.Changes, it.Kept)
				}
				if it.Action == lsusync.ActionUnchanged && it.Status != lsusync.StatusSuccess {
					t.Errorf("item %v %q: status %v", it.Kind, it.Key, it.Status)
				}
			}
			if rs.applied > 0 {
				t.Errorf("%d change sets applied, want none", rs.applied)
			}
			if diff := cmp.Diff(snap, st.Snapshot()); diff != "" {
				t.Errorf("store changed (-want +got):\n%s", diff)
			}
			if len(snap.Bilans) != len(snap.Students)*e.Config.Periods {
				t.Errorf("%d bilans for %d pupils and %d periods", len(snap.Bilans), len(snap.Students), e.Config.Periods)
			}
		})
	}
}

// recordingStore counts the change sets applied, directly or in a batch.
type recordingStore struct {
	*memory.Store
	applied int
}

func (s *recordingStore) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	s.applied++
	return s.Store.Apply(ctx, cs)
}

func (s *recordingStore) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	b, err := s.Store.BeginBatch(ctx)
	if err != nil {
		return nil, err
	}
	return &recordingBatch{Batch: b, s: s}, nil
}

type recordingBatch struct {
	lsusync.Batch
	s *recordingStore
}

func (b *recordingBatch) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	b.s.applied++
	return b.Batch.Apply(ctx, cs)
}

// TestDeterministic checks that the same Config gives the same bytes, and
// another seed other bytes.
func TestDeterministic(t *testing.T) {
	for _, opts := range []ExportOptions{{}, {Zip: true}, {UTF8: true}, {Zip: true, UTF8: true}} {
		t.Run(fmt.Sprintf("zip=%v,utf8=%v", opts.Zip, opts.UTF8), func(t *testing.T) {
			cfg := Config{Seed: 42, Pupils: 500}
			fa := write(t, New(cfg), opts)
			f0 := fa.Eleves
			a := readAll(t, fa)
			b := readAll(t, write(t, New(cfg), opts))
			for name := range a {
				if !bytes.Equal(a[name], b[name]) {
					t.Errorf("%s: two exports of the same Config differ", name)
				}
			}
			cfg.Seed++
			c := readAll(t, write(t, New(cfg), opts))
			if bytes.Equal(a[filepath.Base(f0)], c[filepath.Base(f0)]) {
				t.Errorf("another seed gives the same pupils")
			}
		})
	}
}

func write(t *testing.T, e *Establishment, opts ExportOptions) Files {
	t.Helper()
	f, err := e.WriteExports(t.TempDir(), opts)
	require.NoError(t, err)
	return f
}

// readAll returns the raw bytes of each written file, by base name.
func readAll(t *testing.T, f Files) map[string][]byte {
	t.Helper()
	out := make(map[string][]byte)
	for _, p := range []string{f.Eleves, f.Communs, f.Structures, f.Nomenclature, f.STS} {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		out[filepath.Base(p)] = b
	}
	return out
}

// content returns the XML content of a written file, unzipping it.
func content(t *testing.T, path string) []byte {
	t.Helper()
	if !strings.HasSuffix(path, ".zip") {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		return b
	}
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	require.Len(t, zr.File, 1)
	rc, err := zr.File[0].Open()
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return b
}

func charsetReader(label string, r io.Reader) (io.Reader, error) {
	enc, err := ianaindex.IANA.Encoding(label)
	if err != nil {
		return nil, err
	}
	if enc == nil {
		return nil, fmt.Errorf("no decoder for %q", label)
	}
	return enc.NewDecoder().Reader(r), nil
}

// TestWellFormed parses every written file completely with encoding/xml
// and checks its root element and declared encoding.
func TestWellFormed(t *testing.T) {
	e := New(Config{Seed: 5, Pupils: 400})
	for _, opts := range []ExportOptions{{}, {Zip: true, UTF8: true}} {
		f := write(t, e, opts)
		roots := map[string]string{f.Eleves: "BEE_ELEVES", f.Communs: "BEE_COMMUN", f.Structures: "BEE_STRUCTURES",
			f.Nomenclature: "BEE_NOMENCLATURES", f.STS: "STS_EDT"}
		for path, root := range roots {
			b := content(t, path)
			decl := `<?xml version="1.0" encoding="ISO-8859-15"?>` + "\n"
			if opts.UTF8 {
				decl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
			}
			if !bytes.HasPrefix(b, []byte(decl)) {
				t.Errorf("%s: does not start with %q", path, decl)
			}
			d := xml.NewDecoder(bytes.NewReader(b))
			d.CharsetReader = charsetReader
			first, elems := "", map[string]int{}
			for {
				tok, err := d.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				if se, ok := tok.(xml.StartElement); ok {
					if first == "" {
						first = se.Name.Local
					}
					elems[se.Name.Local]++
				}
			}
			if first != root {
				t.Errorf("%s: root %q, want %q", path, first, root)
			}
			counts := map[string][2]int{
				"BEE_ELEVES":        {elems["ELEVE"], len(e.Pupils)},
				"BEE_STRUCTURES":    {elems["DIVISION"] + elems["GROUPE"], len(e.Divisions) + len(e.Groups)},
				"BEE_NOMENCLATURES": {elems["PROGRAMME"], len(e.Programmes)},
				"STS_EDT":           {elems["INDIVIDU"] + elems["SUPPLEANT"], len(e.Teachers)},
			}
			if c, ok := counts[root]; ok && c[0] != c[1] {
				t.Errorf("%s: %d records, want %d", path, c[0], c[1])
			}
		}
	}
}

func TestClone(t *testing.T) {
	e := New(Config{Seed: 6, Pupils: 100, Classes: 6, Teachers: 20})
	c := e.Clone()
	if diff := cmp.Diff(e, c); diff != "" {
		t.Fatalf("Clone differs (-orig +clone):\n%s", diff)
	}
	c.Divisions[0].Services[0].Teachers[0].ID = "changed"
	c.Divisions[0].MEFs[0] = "changed"
	c.Groups[0].Divisions[0] = "changed"
	c.Teachers[0].HeadOf = append(c.Teachers[0].HeadOf[:0], HeadAppointment{Division: "changed"})
	c.Pupils[0].Groups = append(c.Pupils[0].Groups[:0], "changed")
	c.Pupils[0].Options[0].Subject = "changed"
	if diff := cmp.Diff(New(Config{Seed: 6, Pupils: 100, Classes: 6, Teachers: 20}), e); diff != "" {
		t.Errorf("modifying the clone changed the original (-want +got):\n%s", diff)
	}
}

func TestLookups(t *testing.T) {
	e := New(Config{Seed: 6, Pupils: 100, Classes: 6, Teachers: 20})
	d := e.Division(e.Divisions[2].Code)
	require.NotNil(t, d)
	d.STSLabel = "via pointer"
	if e.Divisions[2].STSLabel != "via pointer" {
		t.Error("Division does not point into e.Divisions")
	}
	if e.Division("nope") != nil || e.Group("nope") != nil || e.Pupil("0") != nil || e.Teacher(lsusync.TeacherKey{}) != nil {
		t.Error("a lookup of an unknown key is not nil")
	}
	if g := e.Group(e.Groups[1].Code); g != &e.Groups[1] {
		t.Error("Group")
	}
	if tc := e.Teacher(e.Teachers[4].Key); tc != &e.Teachers[4] {
		t.Error("Teacher")
	}
	if p := e.Pupil(e.Pupils[7].ID); p != &e.Pupils[7] {
		t.Error("Pupil")
	}
	n := 0
	for _, p := range e.PupilsOf(e.Divisions[0].Code) {
		if p.Division != e.Divisions[0].Code {
			t.Errorf("PupilsOf: pupil of %q", p.Division)
		}
		n++
	}
	if n == 0 {
		t.Error("PupilsOf: none")
	}
	p := Pupil{ExitDate: e.Config.Today}
	if !p.Present(e.Config.Today) || (&Pupil{}).Present(e.Config.Today) == false {
		t.Error("Present")
	}
	p.ExitDate = addDays(e.Config.Today, -1)
	if p.Present(e.Config.Today) {
		t.Error("Present after the exit date")
	}
}

func TestPeriods(t *testing.T) {
	for _, tc := range []struct {
		year, count int
		want        []string
	}{
		{2025, 3, []string{"2025-T1", "2025-T2", "2025-T3"}},
		{2024, 2, []string{"2024-S1", "2024-S2"}},
		{2025, 0, []string{}},
	} {
		got := []string{}
		for _, p := range Periods(tc.year, tc.count) {
			if !p.Valid() {
				t.Errorf("Periods(%d, %d): invalid %+v", tc.year, tc.count, p)
			}
			got = append(got, fmt.Sprintf("%d-%s", p.Year, p))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Periods(%d, %d) (-want +got):\n%s", tc.year, tc.count, diff)
		}
	}
	if diff := cmp.Diff(Periods(2025, 3), Config{}.PeriodList()); diff != "" {
		t.Errorf("Config{}.PeriodList() (-want +got):\n%s", diff)
	}
}
