package memory_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/internal/testkit"
	"github.com/lsusync/lsusync/lsusynctest"
)

func TestConformance(t *testing.T) {
	lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
		s, err := memory.New(seed)
		require.NoError(t, err)
		return s
	})
}

// TestConformancePersistent runs the suite on a store whose persist
// function succeeds, which must behave as a plain one.
func TestConformancePersistent(t *testing.T) {
	lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
		s, err := memory.NewPersistent(seed, nil, func(context.Context, lsusync.Snapshot, map[string]string) error { return nil })
		require.NoError(t, err)
		return s
	})
}

func TestNewInvalid(t *testing.T) {
	tests := []struct {
		name   string
		modify func(s *lsusync.Snapshot)
	}{
		{"DuplicateTeacher", func(s *lsusync.Snapshot) { s.Teachers = append(s.Teachers, s.Teachers[1]) }},
		{"DuplicateClass", func(s *lsusync.Snapshot) {
			s.Classes = append(s.Classes, lsusync.Class{Code: s.Classes[0].Code, Label: "autre"})
		}},
		{"DuplicatePupil", func(s *lsusync.Snapshot) {
			p := s.Students[0]
			p.Class = s.Classes[1].Code
			s.Students = append(s.Students, p)
		}},
		{"PupilOfUnknownClass", func(s *lsusync.Snapshot) {
			s.Students = append(s.Students, lsusync.Student{ID: "999", Class: "5EME9", LastName: "X"})
		}},
		{"DuplicateBilan", func(s *lsusync.Snapshot) {
			b := s.Bilans[2]
			b.Locked = !b.Locked
			s.Bilans = append(s.Bilans, b)
		}},
		{"BilanOfUnknownPupil", func(s *lsusync.Snapshot) {
			s.Bilans = append(s.Bilans, lsusync.Bilan{Student: "424242", Period: s.Bilans[0].Period})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := lsusynctest.Seed()
			tt.modify(&seed)
			s, err := memory.New(seed)
			if !errors.Is(err, lsusync.ErrInvalid) || s != nil {
				t.Errorf("New(seed with %s) = %v, %v; want nil, an error wrapping %v", tt.name, s, err, lsusync.ErrInvalid)
			}
		})
	}
}

func TestNewCopiesSeed(t *testing.T) {
	seed := lsusynctest.Seed()
	s, err := memory.New(seed)
	require.NoError(t, err)
	seed.Classes[0].Periods[0].Year = 1999
	seed.Bilans[0].Synthesis = "modifiée"
	seed.Bilans[0].SchoolLife.Late = 99 // the seed's first bilan has its vie scolaire
	seed.Bilans[0].Acquis[0].Teachers[0].ID = "0"
	seed.Teachers[0].LastName = "MODIFIÉ"
	if d := diff(sorted(lsusynctest.Seed()), s.Snapshot()); d != "" {
		t.Errorf("Snapshot() after modifying New's seed mismatch (-want +got):\n%s", d)
	}
}

// changes returns change sets touching every kind of record, and adding a
// teacher and a pupil and moving a pupil to another class, as the
// synchronizer would apply them: one for the establishment and the
// teachers, one per class. s is the content read from the store, with
// the records' versions.
func changes(s lsusync.Snapshot) (head, class lsusync.ChangeSet) {
	est := s.Establishment
	est.Name = "Cité scolaire Jean Moulin"
	teacher := s.Teachers[slices.IndexFunc(s.Teachers, func(t lsusync.Teacher) bool { return t.Key.ID == "512" })]
	teacher.FirstName = "Paul-Henri"
	head = lsusync.ChangeSet{
		Establishment: &est,
		Teachers: []lsusync.Teacher{
			teacher,
			{Key: lsusync.TeacherKey{Type: "epp", ID: "20001"}, Civility: lsusync.Madame, LastName: "NOUVELLE"},
		},
	}
	c := s.Classes[slices.IndexFunc(s.Classes, func(c lsusync.Class) bool { return c.Code == "3EME1" })]
	c.Label = "3ème 1 bilangue"
	pupil := func(id string) lsusync.Student {
		return s.Students[slices.IndexFunc(s.Students, func(p lsusync.Student) bool { return p.ID == id })]
	}
	moved := pupil("98765") // from 3EME1
	moved.Class = "3 A"
	renamed := pupil("1234")
	renamed.LastName = "DURAND-PETIT"
	bilan := s.Bilans[slices.IndexFunc(s.Bilans, func(b lsusync.Bilan) bool {
		return b.Student == "1234" && b.Period.Index == 2 // T2, direct
	})]
	bilan.HeadTeachers = []lsusync.TeacherKey{teacher.Key}
	class = lsusync.ChangeSet{
		Class: &c,
		Students: []lsusync.Student{
			renamed,
			moved,
			{ID: "200001", Class: c.Code, LastName: "NOUVEAU", FirstName: "Élie"},
		},
		Bilans: []lsusync.Bilan{bilan},
	}
	return head, class
}

// recorder is a persist function that records what it is given and
// fails while fail is set.
type recorder struct {
	mu    sync.Mutex
	calls []lsusync.Snapshot
	fail  error
}

func (r *recorder) persist(ctx context.Context, s lsusync.Snapshot, _ map[string]string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
	return r.fail
}

func TestNewPersistentApply(t *testing.T) {
	ctx := t.Context()
	rec := &recorder{}
	s, err := memory.NewPersistent(lsusynctest.Seed(), nil, rec.persist)
	require.NoError(t, err)
	require.Empty(t, rec.calls, "NewPersistent must not persist")

	head, class := changes(testkit.Stored(t, s))
	require.NoError(t, s.Apply(ctx, head))
	require.NoError(t, s.Apply(ctx, class))
	if len(rec.calls) != 2 {
		t.Fatalf("persist called %d times for 2 Apply calls, want 2", len(rec.calls))
	}
	if d := diff(s.Snapshot(), rec.calls[1]); d != "" {
		t.Errorf("persisted snapshot after the second Apply mismatch with Snapshot() (-want +got):\n%s", d)
	}
	if rec.calls[0].Establishment.Name != head.Establishment.Name || len(rec.calls[0].Teachers) != 6 {
		t.Errorf("persisted snapshot after the first Apply = establishment %q, %d teachers; want %q, 6",
			rec.calls[0].Establishment.Name, len(rec.calls[0].Teachers), head.Establishment.Name)
	}

	// A refused change set is not persisted.
	bad := lsusync.ChangeSet{Bilans: []lsusync.Bilan{{Student: "424242", Period: class.Bilans[0].Period}}}
	if err := s.Apply(ctx, bad); !errors.Is(err, lsusync.ErrNotFound) {
		t.Errorf("Apply(unknown bilan) = %v, want an error wrapping %v", err, lsusync.ErrNotFound)
	}
	if len(rec.calls) != 2 {
		t.Errorf("persist called for a refused change set: %d calls, want 2", len(rec.calls))
	}

	// Snapshot is the caller's: the store's records, which the persisted
	// snapshot shares, do not change with it.
	snap := s.Snapshot()
	snap.Bilans[0].Synthesis = "modifiée"
	for i := range snap.Bilans {
		if sl := snap.Bilans[i].SchoolLife; sl != nil {
			sl.Late = 99
		}
	}
	snap.Bilans[0].Acquis[0].Teachers[0].ID = "0"
	snap.Classes[0].Periods[0].Year = 1999
	if d := diff(s.Snapshot(), rec.calls[1]); d != "" {
		t.Errorf("modifying Snapshot's result changed the store (-want +got):\n%s", d)
	}
}

func TestNewPersistentBatch(t *testing.T) {
	ctx := t.Context()
	rec := &recorder{}
	s, err := memory.NewPersistent(lsusynctest.Seed(), nil, rec.persist)
	require.NoError(t, err)
	head, class := changes(testkit.Stored(t, s))

	b, err := s.BeginBatch(ctx)
	require.NoError(t, err)
	require.NoError(t, b.Apply(ctx, head))
	require.NoError(t, b.Apply(ctx, class))
	if len(rec.calls) != 0 {
		t.Fatalf("persist called %d times before Commit, want 0", len(rec.calls))
	}
	require.NoError(t, b.Commit(ctx))
	if len(rec.calls) != 1 {
		t.Fatalf("persist called %d times for one Commit of 2 change sets, want 1", len(rec.calls))
	}
	want := applied(t, lsusynctest.Seed(), head, class)
	if d := diff(want, rec.calls[0]); d != "" {
		t.Errorf("persisted snapshot of the Commit mismatch (-want +got):\n%s", d)
	}
	b.Discard()

	head, _ = changes(testkit.Stored(t, s))
	b, err = s.BeginBatch(ctx)
	require.NoError(t, err)
	require.NoError(t, b.Apply(ctx, lsusync.ChangeSet{Establishment: head.Establishment}))
	b.Discard()
	if len(rec.calls) != 1 {
		t.Errorf("persist called for a discarded batch: %d calls, want 1", len(rec.calls))
	}
}

// applied returns seed with the change sets applied, by the memory store
// itself without persistence. The sets hold the versions that a store
// made from seed gives its records.
func applied(t *testing.T, seed lsusync.Snapshot, sets ...lsusync.ChangeSet) lsusync.Snapshot {
	t.Helper()
	s, err := memory.New(seed)
	require.NoError(t, err)
	for _, cs := range sets {
		require.NoError(t, s.Apply(t.Context(), rebase(t, s, cs)))
	}
	return s.Snapshot()
}

// rebase returns cs with the versions that s gives its records: cs was
// read from another store, whose versions never match those of s.
func rebase(t *testing.T, s *memory.Store, cs lsusync.ChangeSet) lsusync.ChangeSet {
	t.Helper()
	ctx := t.Context()
	if cs.Establishment != nil {
		est, err := s.Establishment(ctx)
		require.NoError(t, err)
		e := *cs.Establishment
		e.Version = est.Version
		cs.Establishment = &e
	}
	teachers, err := s.Teachers(ctx)
	require.NoError(t, err)
	cs.Teachers = slices.Clone(cs.Teachers)
	for i, tc := range cs.Teachers {
		if j := slices.IndexFunc(teachers, func(o lsusync.Teacher) bool { return o.Key == tc.Key }); j >= 0 && tc.Version != "" {
			cs.Teachers[i].Version = teachers[j].Version
		}
	}
	if cs.Class != nil && cs.Class.Version != "" {
		classes, err := s.Classes(ctx)
		require.NoError(t, err)
		c := *cs.Class
		c.Version = classes[slices.IndexFunc(classes, func(o lsusync.Class) bool { return o.Code == c.Code })].Version
		cs.Class = &c
	}
	cs.Students = slices.Clone(cs.Students)
	for i, st := range cs.Students {
		if st.Version != "" {
			old, err := s.Student(ctx, st.ID)
			require.NoError(t, err)
			cs.Students[i].Version = old.Version
		}
	}
	cs.Bilans = slices.Clone(cs.Bilans)
	for i, b := range cs.Bilans {
		if b.Version == "" {
			continue
		}
		old, err := s.Student(ctx, b.Student)
		require.NoError(t, err)
		bilans, err := s.Bilans(ctx, old.Class)
		require.NoError(t, err)
		cs.Bilans[i].Version = bilans[slices.IndexFunc(bilans, func(o lsusync.Bilan) bool { return o.Key() == b.Key() })].Version
	}
	return cs
}

// TestPersistFailure checks that a failing persist leaves the store
// exactly as it was: records replaced, a teacher and a pupil added, a
// pupil moved to another class, all undone, for the indexes as well.
func TestPersistFailure(t *testing.T) {
	errDisk := errors.New("disk full")
	tests := []struct {
		name  string
		write func(ctx context.Context, s *memory.Store, sets ...lsusync.ChangeSet) error
	}{
		{"Apply", func(ctx context.Context, s *memory.Store, sets ...lsusync.ChangeSet) error {
			return s.Apply(ctx, sets[0])
		}},
		{"Commit", func(ctx context.Context, s *memory.Store, sets ...lsusync.ChangeSet) error {
			b, err := s.BeginBatch(ctx)
			if err != nil {
				return err
			}
			for _, cs := range sets {
				if err := b.Apply(ctx, cs); err != nil {
					return err
				}
			}
			return b.Commit(ctx)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			rec := &recorder{fail: errDisk}
			s, err := memory.NewPersistent(lsusynctest.Seed(), nil, rec.persist)
			require.NoError(t, err)
			before := s.Snapshot()
			current := testkit.Stored(t, s)
			head, class := changes(current)
			// One change set holding both, for Apply; two for Commit.
			all := class
			all.Establishment, all.Teachers = head.Establishment, head.Teachers
			sets := []lsusync.ChangeSet{all}
			if tt.name == "Commit" {
				sets = []lsusync.ChangeSet{head, class}
			}

			if err := tt.write(ctx, s, sets...); !errors.Is(err, errDisk) {
				t.Fatalf("%s with a failing persist = %v, want an error wrapping %v", tt.name, err, errDisk)
			}
			if len(rec.calls) != 1 {
				t.Errorf("persist called %d times, want 1", len(rec.calls))
			}
			if d := diff(before, s.Snapshot()); d != "" {
				t.Errorf("Snapshot() after a failed %s mismatch (-want +got):\n%s", tt.name, d)
			}
			// The class index: the moved pupil is back in their class, the
			// added one is nowhere; the versions are those before.
			for _, c := range before.Classes {
				var want []lsusync.Student
				for _, st := range sortedStudents(current.Students) {
					if st.Class == c.Code {
						want = append(want, st)
					}
				}
				got, err := s.Students(ctx, c.Code)
				require.NoError(t, err)
				if d := diff(want, sortedStudents(got)); d != "" {
					t.Errorf("Students(%q) after a failed %s mismatch (-want +got):\n%s", c.Code, tt.name, d)
				}
			}
			if _, err := s.Student(ctx, "200001"); !errors.Is(err, lsusync.ErrNotFound) {
				t.Errorf("Student(added pupil) after a failed %s: error = %v, want an error wrapping %v", tt.name, err, lsusync.ErrNotFound)
			}

			// Once the disk is back, the same writes succeed.
			rec.fail = nil
			if err := tt.write(ctx, s, sets...); err != nil {
				t.Fatalf("%s after persist recovered = %v, want nil", tt.name, err)
			}
			if d := diff(applied(t, lsusynctest.Seed(), sets...), s.Snapshot()); d != "" {
				t.Errorf("Snapshot() after %s mismatch (-want +got):\n%s", tt.name, d)
			}
		})
	}
}

func TestSource(t *testing.T) {
	ctx := t.Context()
	src := &memory.Source{
		School: lsusync.Establishment{UAI: "0750001A"},
		Staff:  []lsusync.Teacher{{Key: lsusync.TeacherKey{Type: "epp", ID: "1"}}},
		Classes: []lsusync.ClassData{
			{Code: "3A", Label: "first"},
			{Code: "3B"},
			{Code: "3A", Label: "duplicate"},
		},
	}
	codes, err := src.ClassCodes(ctx)
	require.NoError(t, err)
	if d := cmp.Diff([]string{"3A", "3B", "3A"}, codes); d != "" {
		t.Errorf("ClassCodes() mismatch (-want +got):\n%s", d)
	}
	got, err := src.Class(ctx, "3A")
	if err != nil || got.Label != "first" {
		t.Errorf("Class(%q) = label %q, %v; want the first class of that code, nil", "3A", got.Label, err)
	}
	if _, err := src.Class(ctx, "5EME9"); !errors.Is(err, lsusync.ErrNotFound) {
		t.Errorf("Class(%q) of an unknown class: error = %v, want an error wrapping %v", "5EME9", err, lsusync.ErrNotFound)
	}
	teachers, err := src.Teachers(ctx)
	require.NoError(t, err)
	teachers[0].LastName = "MODIFIÉ"
	if src.Staff[0].LastName != "" {
		t.Errorf("Teachers() returned the Source's own slice")
	}

	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := src.Class(done, "3A"); !errors.Is(err, context.Canceled) {
		t.Errorf("Class with a cancelled context: error = %v, want %v", err, context.Canceled)
	}
	if _, err := src.Establishment(done); !errors.Is(err, context.Canceled) {
		t.Errorf("Establishment with a cancelled context: error = %v, want %v", err, context.Canceled)
	}
}

var cmpOpts = cmp.Options{cmpopts.EquateEmpty()}

func diff(want, got any) string { return cmp.Diff(want, got, cmpOpts) }

func sorted(s lsusync.Snapshot) lsusync.Snapshot {
	s.Sort()
	return s
}

func sortedStudents(s []lsusync.Student) []lsusync.Student {
	sn := lsusync.Snapshot{Students: slices.Clone(s)}
	sn.Sort()
	return sn.Students
}
