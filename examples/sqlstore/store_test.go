package sqlstore

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/internal/testkit"
	"github.com/lsusync/lsusync/lsusynctest"
)

// dump reads the whole content of st through its read methods, sorted, the
// order of acquis and teacher keys normalised, and the versions dropped
// unless keepVersions.
func dump(t testing.TB, st lsusync.Store, keepVersions bool) lsusync.Snapshot {
	t.Helper()
	return normalize(testkit.Stored(t, st), keepVersions)
}

func normalize(d lsusync.Snapshot, keepVersions bool) lsusync.Snapshot {
	d.Teachers = slices.Clone(d.Teachers)
	d.Classes = slices.Clone(d.Classes)
	d.Students = slices.Clone(d.Students)
	d.Bilans = slices.Clone(d.Bilans)
	d.Sort()
	if !keepVersions {
		d.Establishment.Version = ""
		for i := range d.Teachers {
			d.Teachers[i].Version = ""
		}
		for i := range d.Classes {
			d.Classes[i].Version = ""
		}
		for i := range d.Students {
			d.Students[i].Version = ""
		}
	}
	for i := range d.Classes {
		d.Classes[i].Periods = nilIfEmpty(d.Classes[i].Periods)
	}
	for i := range d.Bilans {
		b := &d.Bilans[i]
		if !keepVersions {
			b.Version = ""
		}
		b.Acquis = nilIfEmpty(slices.Clone(b.Acquis))
		slices.SortFunc(b.Acquis, func(x, y lsusync.Acquis) int { return x.Subject.Key().Compare(y.Subject.Key()) })
		b.HeadTeachers = nilIfEmpty(slices.Clone(b.HeadTeachers))
		slices.SortFunc(b.HeadTeachers, lsusync.TeacherKey.Compare)
		if len(b.Content) == 0 {
			b.Content = nil
		}
		for j := range b.Acquis {
			a := &b.Acquis[j]
			a.Teachers = nilIfEmpty(slices.Clone(a.Teachers))
			slices.SortFunc(a.Teachers, lsusync.TeacherKey.Compare)
			if len(a.Content) == 0 {
				a.Content = nil
			}
		}
	}
	d.Teachers, d.Classes, d.Students, d.Bilans = nilIfEmpty(d.Teachers), nilIfEmpty(d.Classes), nilIfEmpty(d.Students), nilIfEmpty(d.Bilans)
	return d
}

// nilIfEmpty returns nil for an empty slice: normalised snapshots compare
// with reflect.DeepEqual, much faster than cmp on large ones.
func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

var equateEmpty = cmpopts.EquateEmpty()

func TestCreateRoundTrip(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		seed := lsusynctest.Seed()
		st := create(t, e, seed)
		if d := cmp.Diff(normalize(seed, false), dump(t, st, false), equateEmpty); d != "" {
			t.Errorf("content after Create (-want +got):\n%s", d)
		}
		got := dump(t, st, true)
		if got.Establishment.Version != "1" || got.Bilans[0].Version != "1" || got.Students[0].Version != "1" {
			t.Errorf("first versions = %q, %q, %q; want \"1\"", got.Establishment.Version, got.Bilans[0].Version, got.Students[0].Version)
		}
		_, err := Create(context.Background(), st.db, seed, Options{})
		if !errors.Is(err, ErrExist) {
			t.Errorf("second Create = %v, want ErrExist", err)
		}
	})
}

// readBilan returns a bilan of st, as read now, with its version.
func readBilan(t testing.TB, st *Store, class, pupil string, p lsusync.Period) lsusync.Bilan {
	t.Helper()
	bs, err := st.Bilans(context.Background(), class)
	require.NoError(t, err)
	for _, b := range bs {
		if b.Student == pupil && b.Period == p {
			return b
		}
	}
	t.Fatalf("no bilan %s/%v in class %q", pupil, p, class)
	return lsusync.Bilan{}
}

func TestApplyVersions(t *testing.T) {
	tri := func(i int) lsusync.Period { return lsusync.Period{Year: 2025, Index: i, Count: 3} }
	tests := []struct {
		name string
		// cs returns the change set to apply to a store holding the seed,
		// whose records it may read.
		cs   func(t *testing.T, st *Store) lsusync.ChangeSet
		want error // nil: applied
	}{
		{"replace establishment", func(t *testing.T, st *Store) lsusync.ChangeSet {
			e, _ := st.Establishment(t.Context())
			e.Name = "Collège Lucie Aubrac"
			return lsusync.ChangeSet{Establishment: &e}
		}, nil},
		{"add establishment", func(t *testing.T, st *Store) lsusync.ChangeSet {
			e, _ := st.Establishment(t.Context())
			e.Version = ""
			return lsusync.ChangeSet{Establishment: &e}
		}, lsusync.ErrConflict},
		{"another establishment", func(t *testing.T, st *Store) lsusync.ChangeSet {
			e, _ := st.Establishment(t.Context())
			e.UAI = "0999999Z"
			return lsusync.ChangeSet{Establishment: &e}
		}, lsusync.ErrNotFound},
		{"stale establishment", func(t *testing.T, st *Store) lsusync.ChangeSet {
			e, _ := st.Establishment(t.Context())
			e.Version = "0"
			return lsusync.ChangeSet{Establishment: &e}
		}, lsusync.ErrConflict},
		{"foreign version", func(t *testing.T, st *Store) lsusync.ChangeSet {
			e, _ := st.Establishment(t.Context())
			e.Version = "etag-42"
			return lsusync.ChangeSet{Establishment: &e}
		}, lsusync.ErrConflict},
		{"add teacher", func(t *testing.T, st *Store) lsusync.ChangeSet {
			return lsusync.ChangeSet{Teachers: []lsusync.Teacher{{Key: lsusync.TeacherKey{Type: "epp", ID: "777"}, LastName: "NOUVEAU"}}}
		}, nil},
		{"add existing teacher", func(t *testing.T, st *Store) lsusync.ChangeSet {
			return lsusync.ChangeSet{Teachers: []lsusync.Teacher{{Key: lsusync.TeacherKey{Type: "epp", ID: "512"}, LastName: "AUTRE"}}}
		}, lsusync.ErrConflict},
		{"replace missing teacher", func(t *testing.T, st *Store) lsusync.ChangeSet {
			return lsusync.ChangeSet{Teachers: []lsusync.Teacher{{Key: lsusync.TeacherKey{Type: "epp", ID: "777"}, Version: "1"}}}
		}, lsusync.ErrNotFound},
		{"teacher with an empty key", func(t *testing.T, st *Store) lsusync.ChangeSet {
			return lsusync.ChangeSet{Teachers: []lsusync.Teacher{{Key: lsusync.TeacherKey{Type: "epp"}}}}
		}, lsusync.ErrInvalid},
		{"move pupil", func(t *testing.T, st *Store) lsusync.ChangeSet {
			p, _ := st.Student(t.Context(), "1234")
			p.Class = "3 A"
			return lsusync.ChangeSet{Students: []lsusync.Student{p}}
		}, nil},
		{"pupil to an unknown class", func(t *testing.T, st *Store) lsusync.ChangeSet {
			p, _ := st.Student(t.Context(), "1234")
			p.Class = "5EME9"
			return lsusync.ChangeSet{Students: []lsusync.Student{p}}
		}, lsusync.ErrNotFound},
		{"add class and its pupil", func(t *testing.T, st *Store) lsusync.ChangeSet {
			return lsusync.ChangeSet{
				Class:    &lsusync.Class{Code: "5EME9", Periods: lsusync.Trimesters(2025)},
				Students: []lsusync.Student{{ID: "31", Class: "5EME9", LastName: "NOUVELLE"}},
				Bilans:   []lsusync.Bilan{{Student: "31", Period: tri(1)}},
			}
		}, nil},
		{"bilan of an unknown pupil", func(t *testing.T, st *Store) lsusync.ChangeSet {
			return lsusync.ChangeSet{Bilans: []lsusync.Bilan{{Student: "31", Period: tri(1)}}}
		}, lsusync.ErrNotFound},
		{"replace bilan", func(t *testing.T, st *Store) lsusync.ChangeSet {
			b := readBilan(t, st, "3EME1", "1234", tri(2))
			b.Acquis[0].Appreciation = "Modifiée."
			return lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}
		}, nil},
		{"add existing bilan", func(t *testing.T, st *Store) lsusync.ChangeSet {
			b := readBilan(t, st, "3EME1", "1234", tri(2))
			b.Version = ""
			return lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}
		}, lsusync.ErrConflict},
		{"replace locked bilan", func(t *testing.T, st *Store) lsusync.ChangeSet {
			b := readBilan(t, st, "3EME1", "1234", tri(1))
			b.Content = nil
			return lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}
		}, lsusync.ErrLocked},
		{"unlock bilan", func(t *testing.T, st *Store) lsusync.ChangeSet {
			b := readBilan(t, st, "3EME1", "1234", tri(1))
			b.Locked = false
			return lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}
		}, lsusync.ErrLocked},
		{"lock bilan", func(t *testing.T, st *Store) lsusync.ChangeSet {
			b := readBilan(t, st, "3EME1", "1234", tri(2))
			b.Locked = true
			return lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}
		}, lsusync.ErrLocked},
		{"stale bilan among good changes", func(t *testing.T, st *Store) lsusync.ChangeSet {
			p, _ := st.Student(t.Context(), "1234")
			p.LastName = "DURAND-MARTIN"
			good := readBilan(t, st, "3EME1", "98765", tri(2))
			good.HeadTeachers = nil
			stale := readBilan(t, st, "3EME1", "7", tri(2))
			stale.Version = "2"
			return lsusync.ChangeSet{Students: []lsusync.Student{p}, Bilans: []lsusync.Bilan{good, stale}}
		}, lsusync.ErrConflict},
		{"bilan twice", func(t *testing.T, st *Store) lsusync.ChangeSet {
			b := readBilan(t, st, "3EME1", "1234", tri(2))
			return lsusync.ChangeSet{Bilans: []lsusync.Bilan{b, b}}
		}, lsusync.ErrInvalid},
		{"subject twice", func(t *testing.T, st *Store) lsusync.ChangeSet {
			b := readBilan(t, st, "3EME1", "1234", tri(2))
			b.Acquis = append(b.Acquis, b.Acquis[0])
			return lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}
		}, lsusync.ErrInvalid},
	}
	forEngines(t, func(t *testing.T, e Engine) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				st := create(t, e, lsusynctest.Seed())
				cs := tc.cs(t, st)
				before := dump(t, st, true)
				written := since(st)
				err := st.Apply(t.Context(), cs)
				if tc.want != nil {
					if !errors.Is(err, tc.want) {
						t.Fatalf("Apply = %v, want an error wrapping %v", err, tc.want)
					}
					if d := cmp.Diff(before, dump(t, st, true), equateEmpty); d != "" {
						t.Errorf("a refused Apply changed the store (-before +after):\n%s", d)
					}
					if w := written(); w != (Written{}) {
						t.Errorf("a refused Apply wrote %+v", w)
					}
					return
				}
				require.NoError(t, err)
				after := dump(t, st, true)
				// Every record of cs has a new version; the others keep theirs.
				if n := countChangedVersions(before, after); n != recordsOf(cs) {
					t.Errorf("%d records have a new version, want %d (the records of the change set)", n, recordsOf(cs))
				}
				if w := written(); w.Records != int64(recordsOf(cs)) {
					t.Errorf("Written().Records = %d, want %d", w.Records, recordsOf(cs))
				}
				// Applying it again is a conflict: the versions moved on.
				if recordsOf(cs) > 0 && cs.Teachers == nil && cs.Class == nil {
					if err := st.Apply(t.Context(), cs); !errors.Is(err, lsusync.ErrConflict) {
						t.Errorf("second Apply of the same change set = %v, want ErrConflict", err)
					}
				}
			})
		}
	})
}

func recordsOf(cs lsusync.ChangeSet) int {
	n := len(cs.Teachers) + len(cs.Students) + len(cs.Bilans)
	if cs.Establishment != nil {
		n++
	}
	if cs.Class != nil {
		n++
	}
	return n
}

// countChangedVersions counts the records of after that are new or whose
// version differs from before.
func countChangedVersions(before, after lsusync.Snapshot) int {
	old := map[string]lsusync.Version{"est": before.Establishment.Version}
	for _, r := range before.Teachers {
		old["t"+r.Key.String()] = r.Version
	}
	for _, r := range before.Classes {
		old["c"+r.Code] = r.Version
	}
	for _, r := range before.Students {
		old["s"+r.ID] = r.Version
	}
	for _, r := range before.Bilans {
		old["b"+r.Key().String()] = r.Version
	}
	n := 0
	changed := func(k string, v lsusync.Version) {
		if o, ok := old[k]; !ok || o != v {
			n++
		}
	}
	changed("est", after.Establishment.Version)
	for _, r := range after.Teachers {
		changed("t"+r.Key.String(), r.Version)
	}
	for _, r := range after.Classes {
		changed("c"+r.Code, r.Version)
	}
	for _, r := range after.Students {
		changed("s"+r.ID, r.Version)
	}
	for _, r := range after.Bilans {
		changed("b"+r.Key().String(), r.Version)
	}
	return n
}

// TestOnlyChangedRows checks that a replaced bilan writes its row, which
// holds its acquis and professeurs principaux, its content document only
// when its content changed, and the row of its class in class_memos:
// added, then updated, at the first write of the class.
func TestOnlyChangedRows(t *testing.T) {
	tri2 := lsusync.Period{Year: 2025, Index: 2, Count: 3}
	newKey := lsusync.TeacherKey{Type: "epp", ID: "999"}
	tests := []struct {
		name   string
		change func(b *lsusync.Bilan)
		rows   int64
	}{
		{"nothing", func(b *lsusync.Bilan) {}, 1},
		{"one appreciation", func(b *lsusync.Bilan) { b.Acquis[0].Appreciation += " Bravo." }, 2},
		{"a teacher added to one acquis", func(b *lsusync.Bilan) { b.Acquis[0].Teachers = append(b.Acquis[0].Teachers, newKey) }, 1},
		{"a teacher replaced in one acquis", func(b *lsusync.Bilan) { b.Acquis[0].Teachers = []lsusync.TeacherKey{newKey} }, 1},
		{"an acquis with content removed", func(b *lsusync.Bilan) { b.Acquis = b.Acquis[1:] }, 2},
		{"an acquis added", func(b *lsusync.Bilan) {
			b.Acquis = append(b.Acquis, lsusync.Acquis{Subject: lsusync.Subject{Code: "022600", Label: "LATIN"}, Teachers: []lsusync.TeacherKey{newKey}})
		}, 1},
		{"the professeurs principaux", func(b *lsusync.Bilan) { b.HeadTeachers = []lsusync.TeacherKey{newKey} }, 1},
		{"one content value", func(b *lsusync.Bilan) { b.Content["synthese"] = "Très bon trimestre." }, 2},
		{"all content removed", func(b *lsusync.Bilan) {
			b.BilanContent = lsusync.BilanContent{}
			for i := range b.Acquis {
				b.Acquis[i].AcquisContent = lsusync.AcquisContent{}
			}
		}, 2},
		{"the order of acquis and keys", func(b *lsusync.Bilan) {
			slices.Reverse(b.Acquis)
			slices.Reverse(b.HeadTeachers)
		}, 1},
	}
	forEngines(t, func(t *testing.T, e Engine) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				st := create(t, e, lsusynctest.Seed())
				b := readBilan(t, st, "3EME1", "1234", tri2)
				tc.change(&b)
				written := since(st)
				require.NoError(t, st.Apply(t.Context(), lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}))
				if w := written(); w != (Written{Records: 1, Rows: tc.rows + 2}) {
					t.Errorf("Written() = %+v, want 1 record and %d rows, 2 of them of class_memos", w, tc.rows+2)
				}
				got := readBilan(t, st, "3EME1", "1234", tri2)
				b.Version = got.Version
				if d := cmp.Diff(normalize(lsusync.Snapshot{Bilans: []lsusync.Bilan{b}}, true),
					normalize(lsusync.Snapshot{Bilans: []lsusync.Bilan{got}}, true), equateEmpty); d != "" {
					t.Errorf("stored bilan (-want +got):\n%s", d)
				}
			})
		}
	})
}

// since returns a function that tells what st wrote since the call.
func since(st *Store) func() Written {
	w0 := st.Written()
	return func() Written {
		w := st.Written()
		return Written{Records: w.Records - w0.Records, Rows: w.Rows - w0.Rows}
	}
}
