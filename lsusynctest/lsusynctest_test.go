package lsusynctest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/lsusynctest"
)

// flaw selects a deliberate contract violation of the test store.
type flaw string

const (
	sound             flaw = ""
	noEmptyStore      flaw = "noEmptyStore"      // the factory refuses the zero Snapshot: EmptyStore is skipped
	noBatcher         flaw = "noBatcher"         // no Batcher: the Batch checks are skipped
	reorders          flaw = "reorders"          // Bilans reverses acquis and teacher keys, which is allowed
	factoryFails      flaw = "factoryFails"      // the factory always fails
	nonAtomic         flaw = "nonAtomic"         // Apply validates and applies change by change
	sharedTeachers    flaw = "sharedTeachers"    // Teachers returns the store's own slice
	sharedPeriods     flaw = "sharedPeriods"     // Classes shares the periods slices
	sharedBilanMaps   flaw = "sharedBilanMaps"   // Bilans shares the content maps
	sharedAcquis      flaw = "sharedAcquis"      // Bilans shares the acquis slices
	ignoresLocked     flaw = "ignoresLocked"     // Apply replaces locked bilans
	allowsLocking     flaw = "allowsLocking"     // Apply lets a change set lock or unlock a bilan
	ignoresUAI        flaw = "ignoresUAI"        // Apply takes an establishment with another UAI
	ignoresApplyCtx   flaw = "ignoresApplyCtx"   // Apply ignores a done context
	ignoresReadCtx    flaw = "ignoresReadCtx"    // read methods ignore a done context
	plainNotFound     flaw = "plainNotFound"     // Student's not-found error does not wrap ErrNotFound
	unknownClassErr   flaw = "unknownClassErr"   // Students and Bilans of an unknown class fail
	staleMembership   flaw = "staleMembership"   // a moved pupil stays listed in the old class
	noNewTeacher      flaw = "noNewTeacher"      // Apply drops the teachers the store lacks
	mergesFields      flaw = "mergesFields"      // Apply keeps a stored field the change set empties
	noClassCheck      flaw = "noClassCheck"      // Apply takes pupils of an unknown class
	lostUpdates       flaw = "lostUpdates"       // Apply copies the content and writes it back later
	halfVisible       flaw = "halfVisible"       // Apply publishes the bilans one at a time
	batchVisible      flaw = "batchVisible"      // Batch.Apply applies at once
	batchDiscardSaves flaw = "batchDiscardSaves" // Discard commits the staged sets
	batchDiscardUndo  flaw = "batchDiscardUndo"  // Discard after Commit restores the content before it
	batchPoisoned     flaw = "batchPoisoned"     // a refused Batch.Apply drops the staged sets
	batchIgnoresCtx   flaw = "batchIgnoresCtx"   // Batch.Apply stages despite a done context
)

// checkStoreTests lists, for each flaw, the checks that must fail. A
// sound store, and stores that merely lack an optional part, pass.
var checkStoreTests = []struct {
	flaw flaw
	want []string
}{
	{sound, nil},
	{noEmptyStore, nil},
	{noBatcher, nil},
	{reorders, nil},
	{factoryFails, []string{"ReadSeed", "ReturnsCopies", "EmptyStore", "NotFound",
		"Apply/Establishment", "Apply/Teachers", "Apply/Class", "Apply/Students", "Apply/Bilans", "Apply/All", "Apply/Empty",
		"ApplyRefused/UnknownBilanPeriod", "ApplyRefused/UnknownBilanPupil", "ApplyRefused/BilanOfAddedPupil",
		"ApplyRefused/UnknownClass", "ApplyRefused/StudentInUnknownClass", "ApplyRefused/OtherUAI", "ApplyRefused/LockedBilan",
		"ApplyRefused/LockedBilanUnchanged", "ApplyRefused/ImportedLockedBilan", "ApplyRefused/LockingBilan",
		"ApplyRefused/UnlockingBilan", "ApplyCancelled", "ReadCancelled", "Concurrent", "Batch"}},
	{nonAtomic, []string{"ApplyRefused/UnknownBilanPeriod", "ApplyRefused/UnknownBilanPupil", "ApplyRefused/BilanOfAddedPupil",
		"ApplyRefused/UnknownClass", "ApplyRefused/StudentInUnknownClass", "ApplyRefused/LockedBilan",
		"ApplyRefused/LockedBilanUnchanged", "ApplyRefused/ImportedLockedBilan", "ApplyRefused/LockingBilan",
		"ApplyRefused/UnlockingBilan"}},
	{sharedTeachers, []string{"ReturnsCopies"}},
	{sharedPeriods, []string{"ReturnsCopies"}},
	{sharedBilanMaps, []string{"ReturnsCopies"}},
	{sharedAcquis, []string{"ReturnsCopies"}},
	{ignoresLocked, []string{"ApplyRefused/LockedBilan", "ApplyRefused/LockedBilanUnchanged", "ApplyRefused/ImportedLockedBilan",
		"ApplyRefused/LockingBilan", "ApplyRefused/UnlockingBilan", "Batch/RefusedSets"}},
	{allowsLocking, []string{"ApplyRefused/LockingBilan", "ApplyRefused/UnlockingBilan", "Batch/RefusedSets"}},
	{ignoresUAI, []string{"EmptyStore", "ApplyRefused/OtherUAI", "Batch/RefusedSets"}},
	{ignoresApplyCtx, []string{"ApplyCancelled"}},
	{ignoresReadCtx, []string{"ReadCancelled"}},
	{plainNotFound, []string{"EmptyStore", "NotFound", "Batch/CommitVisibility"}},
	{unknownClassErr, []string{"EmptyStore", "NotFound"}},
	{staleMembership, []string{"Apply/Students", "Apply/All", "Batch/CommitVisibility", "Batch/DiscardAfterCommit",
		"Batch/RefusedSets"}},
	{noNewTeacher, []string{"Apply/Teachers", "Apply/All", "Concurrent", "Batch/CommitVisibility", "Batch/DiscardAfterCommit",
		"Batch/RefusedSets", "Batch/Concurrent"}},
	{mergesFields, []string{"Apply/Establishment", "Apply/Teachers", "Apply/Students", "Apply/Bilans", "Apply/All",
		"Batch/CommitVisibility", "Batch/DiscardAfterCommit", "Batch/RefusedSets"}},
	{noClassCheck, []string{"ApplyRefused/StudentInUnknownClass", "Batch/RefusedSets"}},
	{lostUpdates, []string{"Concurrent"}},
	{halfVisible, []string{"Concurrent"}},
	{batchVisible, []string{"Batch/CommitVisibility", "Batch/Discard", "Batch/Concurrent"}},
	{batchDiscardSaves, []string{"Batch/Discard"}},
	{batchDiscardUndo, []string{"Batch/DiscardAfterCommit"}},
	{batchPoisoned, []string{"Batch/RefusedSets"}},
	{batchIgnoresCtx, []string{"Batch/RefusedSets"}},
}

// probabilistic flaws are found by the concurrent checks, which may miss a
// bug (never in practice with these flaws, but the suite does not promise
// it): for them the test checks only that the expected checks fail.
var probabilistic = map[flaw]bool{lostUpdates: true, halfVisible: true}

func TestCheckStore(t *testing.T) {
	for _, tt := range checkStoreTests {
		name := string(tt.flaw)
		if name == "" {
			name = "sound"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := lsusynctest.CheckStore(t.Context(), factory(tt.flaw))
			got := failedChecks(t, err)
			if probabilistic[tt.flaw] {
				for _, w := range tt.want {
					if !slices.Contains(got, w) {
						t.Errorf("CheckStore(store with flaw %s) did not fail check %s; it failed %v; error:\n%v", tt.flaw, w, got, err)
					}
				}
				return
			}
			want := slices.Sorted(slices.Values(tt.want))
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("CheckStore(store with flaw %q): failed checks mismatch (-want +got):\n%s\nerror:\n%v", tt.flaw, d, err)
			}
		})
	}
}

// failedChecks returns the sorted names of the checks that err reports.
func failedChecks(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	if !strings.HasPrefix(err.Error(), "lsusynctest: ") {
		t.Errorf("CheckStore error %q: want the prefix \"lsusynctest: \"", err)
	}
	joined, ok := errors.Unwrap(err).(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("CheckStore error %q does not wrap joined errors", err)
	}
	var names []string
	for _, e := range joined.Unwrap() {
		name, _, ok := strings.Cut(e.Error(), ": ")
		if !ok {
			t.Fatalf("CheckStore error %q does not start with a check name", e)
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func TestCheckStoreMessages(t *testing.T) {
	err := lsusynctest.CheckStore(t.Context(), factory(ignoresLocked))
	for _, want := range []string{
		`ApplyRefused/LockedBilan: Apply(valid changes + LockedBilan) = <nil>, want an error wrapping lsusync: bilan locked`,
		`ApplyRefused/LockedBilan: after Apply(valid changes + LockedBilan) was refused: stored establishment mismatch (-want +got):`,
		`-`, `+`, `Cité scolaire Jean Moulin`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckStore error does not contain %q; error:\n%v", want, err)
		}
	}
}

// TestTestStore runs TestStore, the *testing.T form, on a sound store and
// on stores that miss optional parts.
func TestTestStore(t *testing.T) {
	for _, f := range []flaw{sound, noEmptyStore, noBatcher, reorders} {
		t.Run(string(f)+"ok", func(t *testing.T) {
			mk := factory(f)
			lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
				st, err := mk(seed)
				if errors.Is(err, errors.ErrUnsupported) {
					t.Skip(err)
				}
				if err != nil {
					t.Fatal(err)
				}
				return st
			})
		})
	}
}

// TestTestStoreFails runs TestStore on flawed stores in a child process
// (a failing *testing.T cannot be observed from the test that owns it),
// and checks the child fails, naming the failed subtests and the reason.
func TestTestStoreFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary again")
	}
	tests := []struct {
		flaw flaw
		want []string
	}{
		{nonAtomic, []string{
			"--- FAIL: TestTestStoreChild/ApplyRefused/UnknownBilanPeriod",
			"after Apply(valid changes + UnknownBilanPeriod) was refused: stored teachers mismatch (-want +got)",
		}},
		{sharedBilanMaps, []string{
			"--- FAIL: TestTestStoreChild/ReturnsCopies",
			"after modifying the values returned by Bilans(): stored bilans mismatch",
		}},
		{batchVisible, []string{
			"--- FAIL: TestTestStoreChild/Batch/CommitVisibility",
			"after Batch.Apply, before Commit: stored pupils mismatch",
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.flaw), func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestTestStoreChild$", "-test.v")
			cmd.Env = append(os.Environ(), "LSUSYNCTEST_FLAW="+string(tt.flaw))
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("child test with flaw %s: error = %v, want exit status 1; output:\n%s", tt.flaw, err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("child test output with flaw %s does not contain %q; output:\n%s", tt.flaw, w, out)
				}
			}
		})
	}
}

// TestTestStoreChild is the child of TestTestStoreFails; it runs only with
// LSUSYNCTEST_FLAW set.
func TestTestStoreChild(t *testing.T) {
	f := flaw(os.Getenv("LSUSYNCTEST_FLAW"))
	if f == "" {
		t.Skip("run by TestTestStoreFails")
	}
	mk := factory(f)
	lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
		st, err := mk(seed)
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

func TestSeedIsFresh(t *testing.T) {
	a := lsusynctest.Seed()
	a.Bilans[0].Content["x"] = "y"
	a.Bilans[0].Acquis[0].Teachers[0].ID = "0"
	a.Classes[0].Periods[0].Year = 1
	if d := cmp.Diff(a, lsusynctest.Seed()); d == "" {
		t.Errorf("Seed() shares its maps or slices between calls")
	}
}

// factory returns a CheckStore factory of test stores with the flaw.
func factory(f flaw) func(lsusync.Snapshot) (lsusync.Store, error) {
	return func(seed lsusync.Snapshot) (lsusync.Store, error) {
		switch {
		case f == factoryFails:
			return nil, errors.New("cannot open the store")
		case f == noEmptyStore && seed.Establishment.UAI == "":
			return nil, fmt.Errorf("a store without establishment: %w", errors.ErrUnsupported)
		}
		st := &store{flaw: f, hasEst: seed.Establishment.UAI != "", s: clone(seed)}
		if f == noBatcher {
			return struct{ lsusync.Store }{st}, nil
		}
		return st, nil
	}
}

// store is a small Store kept as a Snapshot, written independently of the
// suite, with a deliberate flaw.
type store struct {
	flaw   flaw
	mu     sync.RWMutex
	hasEst bool
	s      lsusync.Snapshot
}

func (st *store) readCtx(ctx context.Context) error {
	if st.flaw == ignoresReadCtx {
		return nil
	}
	return ctx.Err()
}

func (st *store) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	if err := st.readCtx(ctx); err != nil {
		return lsusync.Establishment{}, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if !st.hasEst {
		return lsusync.Establishment{}, fmt.Errorf("test store: establishment: %w", lsusync.ErrNotFound)
	}
	return st.s.Establishment, nil
}

func (st *store) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	if err := st.readCtx(ctx); err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.flaw == sharedTeachers {
		return st.s.Teachers, nil
	}
	return slices.Clone(st.s.Teachers), nil
}

func (st *store) Classes(ctx context.Context) ([]lsusync.Class, error) {
	if err := st.readCtx(ctx); err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := slices.Clone(st.s.Classes)
	if st.flaw != sharedPeriods {
		for i := range out {
			out[i].Periods = slices.Clone(out[i].Periods)
		}
	}
	return out, nil
}

func (st *store) Students(ctx context.Context, class string) ([]lsusync.Student, error) {
	if err := st.readCtx(ctx); err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.flaw == unknownClassErr && !slices.ContainsFunc(st.s.Classes, func(c lsusync.Class) bool { return c.Code == class }) {
		return nil, fmt.Errorf("test store: class %q: %w", class, lsusync.ErrNotFound)
	}
	var out []lsusync.Student
	for _, s := range st.s.Students {
		if s.Class == class {
			out = append(out, s)
		}
	}
	return out, nil
}

func (st *store) Student(ctx context.Context, id string) (lsusync.Student, error) {
	if err := st.readCtx(ctx); err != nil {
		return lsusync.Student{}, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	for _, s := range st.s.Students {
		if s.ID == id {
			return s, nil
		}
	}
	if st.flaw == plainNotFound {
		return lsusync.Student{}, fmt.Errorf("test store: no pupil %s", id)
	}
	return lsusync.Student{}, fmt.Errorf("test store: pupil %s: %w", id, lsusync.ErrNotFound)
}

func (st *store) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	if err := st.readCtx(ctx); err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.flaw == unknownClassErr && !slices.ContainsFunc(st.s.Classes, func(c lsusync.Class) bool { return c.Code == class }) {
		return nil, fmt.Errorf("test store: class %q: %w", class, lsusync.ErrNotFound)
	}
	var out []lsusync.Bilan
	for _, b := range st.s.Bilans {
		if slices.ContainsFunc(st.s.Students, func(s lsusync.Student) bool { return s.ID == b.Student && s.Class == class }) {
			switch st.flaw {
			case sharedBilanMaps:
				b.Acquis = slices.Clone(b.Acquis)
				b.HeadTeachers = slices.Clone(b.HeadTeachers)
			case sharedAcquis:
				b.Content = cloneMap(b.Content)
				b.HeadTeachers = slices.Clone(b.HeadTeachers)
			default:
				b = cloneBilan(b)
			}
			if st.flaw == reorders {
				slices.Reverse(b.Acquis)
				slices.Reverse(b.HeadTeachers)
				for i := range b.Acquis {
					slices.Reverse(b.Acquis[i].Teachers)
				}
			}
			out = append(out, b)
		}
	}
	return out, nil
}

// op is one change of a change set: a check against the content, and the
// write.
type op struct {
	check func(s *lsusync.Snapshot, hasEst bool) error
	apply func(s *lsusync.Snapshot)
}

// ops splits cs into its changes, in field order.
func (st *store) ops(cs lsusync.ChangeSet) []op {
	cs = cloneChangeSet(cs)
	var ops []op
	if e := cs.Establishment; e != nil {
		ops = append(ops, op{
			check: func(s *lsusync.Snapshot, hasEst bool) error {
				if st.flaw != ignoresUAI && (!hasEst || e.UAI != s.Establishment.UAI) {
					return fmt.Errorf("test store: establishment %s: %w", e.UAI, lsusync.ErrNotFound)
				}
				return nil
			},
			apply: func(s *lsusync.Snapshot) {
				if st.flaw == mergesFields && e.Address.Line2 == "" {
					e.Address.Line2 = s.Establishment.Address.Line2
				}
				s.Establishment = *e
			},
		})
	}
	for _, t := range cs.Teachers {
		ops = append(ops, op{
			check: func(*lsusync.Snapshot, bool) error { return nil },
			apply: func(s *lsusync.Snapshot) {
				i := slices.IndexFunc(s.Teachers, func(o lsusync.Teacher) bool { return o.Key == t.Key })
				switch {
				case i < 0 && st.flaw == noNewTeacher:
				case i < 0:
					s.Teachers = append(s.Teachers, t)
				default:
					if st.flaw == mergesFields && t.NUMEN == "" {
						t.NUMEN = s.Teachers[i].NUMEN
					}
					s.Teachers[i] = t
				}
			},
		})
	}
	if c := cs.Class; c != nil {
		ops = append(ops, op{
			check: func(s *lsusync.Snapshot, _ bool) error {
				if !slices.ContainsFunc(s.Classes, func(o lsusync.Class) bool { return o.Code == c.Code }) {
					return fmt.Errorf("test store: class %q: %w", c.Code, lsusync.ErrNotFound)
				}
				return nil
			},
			apply: func(s *lsusync.Snapshot) {
				s.Classes[slices.IndexFunc(s.Classes, func(o lsusync.Class) bool { return o.Code == c.Code })] = *c
			},
		})
	}
	for _, p := range cs.Students {
		ops = append(ops, op{
			check: func(s *lsusync.Snapshot, _ bool) error {
				if st.flaw != noClassCheck && !slices.ContainsFunc(s.Classes, func(o lsusync.Class) bool { return o.Code == p.Class }) {
					return fmt.Errorf("test store: pupil %s: class %q: %w", p.ID, p.Class, lsusync.ErrNotFound)
				}
				return nil
			},
			apply: func(s *lsusync.Snapshot) {
				i := slices.IndexFunc(s.Students, func(o lsusync.Student) bool {
					return o.ID == p.ID && (st.flaw != staleMembership || o.Class == p.Class)
				})
				switch {
				case i < 0:
					s.Students = append(s.Students, p)
				default:
					if st.flaw == mergesFields && p.UsageName == "" {
						p.UsageName = s.Students[i].UsageName
					}
					s.Students[i] = p
				}
			},
		})
	}
	for _, b := range cs.Bilans {
		ops = append(ops, op{
			check: func(s *lsusync.Snapshot, _ bool) error {
				i := slices.IndexFunc(s.Bilans, func(o lsusync.Bilan) bool { return o.Key() == b.Key() })
				switch {
				case i < 0:
					return fmt.Errorf("test store: bilan %s: %w", b.Key(), lsusync.ErrNotFound)
				case st.flaw == ignoresLocked:
				case st.flaw == allowsLocking && s.Bilans[i].Locked && b.Locked:
					return fmt.Errorf("test store: bilan %s: %w", b.Key(), lsusync.ErrLocked)
				case st.flaw != allowsLocking && (s.Bilans[i].Locked || b.Locked):
					return fmt.Errorf("test store: bilan %s: %w", b.Key(), lsusync.ErrLocked)
				}
				return nil
			},
			apply: func(s *lsusync.Snapshot) {
				i := slices.IndexFunc(s.Bilans, func(o lsusync.Bilan) bool { return o.Key() == b.Key() })
				if st.flaw == mergesFields {
					for k, v := range s.Bilans[i].Content {
						if _, ok := b.Content[k]; !ok {
							if b.Content == nil {
								b.Content = map[string]string{}
							}
							b.Content[k] = v
						}
					}
				}
				s.Bilans[i] = b
			},
		})
	}
	return ops
}

// check validates every change of the sets; st.mu must be held.
func (st *store) check(sets ...lsusync.ChangeSet) error {
	for _, cs := range sets {
		for _, o := range st.ops(cs) {
			if err := o.check(&st.s, st.hasEst); err != nil {
				return err
			}
		}
	}
	return nil
}

func (st *store) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if st.flaw != ignoresApplyCtx {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	ops := st.ops(cs)
	switch st.flaw {
	case nonAtomic:
		st.mu.Lock()
		defer st.mu.Unlock()
		for _, o := range ops {
			if err := o.check(&st.s, st.hasEst); err != nil {
				return err
			}
			o.apply(&st.s)
		}
		return nil
	case lostUpdates:
		st.mu.RLock()
		err := st.check(cs)
		next := clone(st.s)
		st.mu.RUnlock()
		if err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
		for _, o := range ops {
			o.apply(&next)
		}
		st.mu.Lock()
		st.s = next
		st.mu.Unlock()
		return nil
	case halfVisible:
		st.mu.RLock()
		err := st.check(cs)
		st.mu.RUnlock()
		if err != nil {
			return err
		}
		for _, o := range ops {
			st.mu.Lock()
			o.apply(&st.s)
			st.mu.Unlock()
			time.Sleep(50 * time.Microsecond)
		}
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.check(cs); err != nil {
		return err
	}
	for _, o := range ops {
		o.apply(&st.s)
	}
	return nil
}

func (st *store) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &batch{st: st}, nil
}

type batch struct {
	st        *store
	mu        sync.Mutex
	staged    []lsusync.ChangeSet
	done      bool
	committed bool
	before    lsusync.Snapshot
}

func (b *batch) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if b.st.flaw == batchVisible {
		return b.st.Apply(ctx, cs)
	}
	if err := ctx.Err(); err != nil && b.st.flaw != batchIgnoresCtx {
		return err
	}
	b.st.mu.RLock()
	err := b.st.check(cs)
	b.st.mu.RUnlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		if b.st.flaw == batchPoisoned {
			b.staged = nil
		}
		return err
	}
	if b.done {
		return errors.New("test store: batch done")
	}
	b.staged = append(b.staged, cloneChangeSet(cs))
	return nil
}

func (b *batch) Commit(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return errors.New("test store: batch done")
	}
	b.done = true
	st := b.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.check(b.staged...); err != nil {
		return err
	}
	b.before = clone(st.s)
	for _, cs := range b.staged {
		for _, o := range st.ops(cs) {
			o.apply(&st.s)
		}
	}
	b.committed = true
	return nil
}

func (b *batch) Discard() {
	switch {
	case b.st.flaw == batchDiscardSaves:
		b.Commit(context.Background())
		return
	case b.st.flaw == batchDiscardUndo && b.committed:
		b.st.mu.Lock()
		b.st.s = b.before
		b.st.mu.Unlock()
	}
	b.mu.Lock()
	b.done = true
	b.staged = nil
	b.mu.Unlock()
}

func clone(s lsusync.Snapshot) lsusync.Snapshot {
	s.Teachers = slices.Clone(s.Teachers)
	s.Students = slices.Clone(s.Students)
	s.Classes = slices.Clone(s.Classes)
	for i := range s.Classes {
		s.Classes[i].Periods = slices.Clone(s.Classes[i].Periods)
	}
	s.Bilans = slices.Clone(s.Bilans)
	for i := range s.Bilans {
		s.Bilans[i] = cloneBilan(s.Bilans[i])
	}
	return s
}

func cloneChangeSet(cs lsusync.ChangeSet) lsusync.ChangeSet {
	if cs.Establishment != nil {
		e := *cs.Establishment
		cs.Establishment = &e
	}
	if cs.Class != nil {
		c := *cs.Class
		c.Periods = slices.Clone(c.Periods)
		cs.Class = &c
	}
	cs.Teachers = slices.Clone(cs.Teachers)
	cs.Students = slices.Clone(cs.Students)
	cs.Bilans = slices.Clone(cs.Bilans)
	for i := range cs.Bilans {
		cs.Bilans[i] = cloneBilan(cs.Bilans[i])
	}
	return cs
}

func cloneBilan(b lsusync.Bilan) lsusync.Bilan {
	b.HeadTeachers = slices.Clone(b.HeadTeachers)
	b.Content = cloneMap(b.Content)
	b.Acquis = slices.Clone(b.Acquis)
	for i := range b.Acquis {
		b.Acquis[i].Teachers = slices.Clone(b.Acquis[i].Teachers)
		b.Acquis[i].Content = cloneMap(b.Acquis[i].Content)
	}
	return b
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
