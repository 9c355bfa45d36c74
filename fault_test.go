package lsusync_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// manyClasses returns a store of n classes C01, C02... of two pupils with
// one bilan each, and a source in which every class has changes: a new
// label and a new teacher of 020700.
func manyClasses(n int) (lsusync.Snapshot, *memory.Source) {
	st := lsusync.Snapshot{Establishment: establishment(), Teachers: teachers()}
	src := &memory.Source{School: establishment(), Staff: teachers()}
	for i := 1; i <= n; i++ {
		code := fmt.Sprintf("C%02d", i)
		st.Classes = append(st.Classes, lsusync.Class{Code: code, Label: code, Periods: []lsusync.Period{t1}})
		cd := lsusync.ClassData{Code: code, Label: code + " NOUVEAU",
			Services:     []lsusync.Service{{Subject: francais, Teachers: keys(epp101)}},
			HeadTeachers: []lsusync.HeadTeacher{{Teacher: epp100}}}
		for j := 1; j <= 2; j++ {
			p := lsusync.Student{ID: fmt.Sprint(i*10 + j), Class: code, LastName: "ELEVE", FirstName: fmt.Sprint(j)}
			st.Students = append(st.Students, p)
			st.Bilans = append(st.Bilans, lsusync.Bilan{Student: p.ID, Period: t1, HeadTeachers: keys(epp100),
				Acquis: []lsusync.Acquis{{Subject: francais, Teachers: keys(epp100), AcquisContent: lsusync.AcquisContent{Appreciation: "Bien."}}}})
			cd.Enrolments = append(cd.Enrolments, lsusync.Enrolment{Student: p})
		}
		src.Classes = append(src.Classes, cd)
	}
	st.Sort()
	return st, src
}

// synced returns s after a successful sync of the given classes of
// manyClasses: the classes' labels and bilans updated.
func synced(s lsusync.Snapshot, classes ...string) lsusync.Snapshot {
	s = cloneSnapshot(s)
	for i := range s.Classes {
		if slices.Contains(classes, s.Classes[i].Code) {
			s.Classes[i].Label += " NOUVEAU"
		}
	}
	for i := range s.Bilans {
		if slices.Contains(classes, student(&s, s.Bilans[i].Student).Class) {
			s.Bilans[i].Acquis[0].Teachers = keys(epp101)
		}
	}
	return s
}

// cloneSnapshot returns a deep copy of s, through a memory store.
func cloneSnapshot(s lsusync.Snapshot) lsusync.Snapshot {
	st, err := memory.New(s)
	if err != nil {
		panic(err)
	}
	return st.Snapshot()
}

// checkNoGoroutineLeft waits a little for the goroutines started since
// before was taken to end, and fails with their stacks if they do not.
func checkNoGoroutineLeft(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines left running (had %d before):\n%s", runtime.NumGoroutine(), before, buf)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestApplyFailsForOneClass checks rule 8 of docs/rules.md: a store that refuses the
// changes of one class leaves that class unchanged, the other classes are
// synced, the report has the class's error item, and Report.Err matches
// the store's error.
func TestApplyFailsForOneClass(t *testing.T) {
	for _, mode := range storeModes {
		t.Run(mode.name, func(t *testing.T) {
			before, src := manyClasses(3)
			src.School.Name = "COLLÈGE JEAN MOULIN"
			mem := newStore(t, before)
			cs := &countingStore{Store: mem, failApply: func(cs lsusync.ChangeSet) error {
				if cs.Class != nil && cs.Class.Code == "C02" {
					return fmt.Errorf("store: writing class C02: %w", errDisk)
				}
				return nil
			}}
			rep, err := lsusync.New(src, mode.wrap(cs), lsusync.Options{Now: fixedNow}).Sync(context.Background())
			require.NoError(t, err)

			want := synced(before, "C01", "C03")
			want.Establishment.Name = "COLLÈGE JEAN MOULIN"
			if diff := cmp.Diff(want, mem.Snapshot()); diff != "" {
				t.Errorf("store (-want +got):\n%s", diff)
			}
			var c02 []lsusync.Item
			for _, it := range rep.Items {
				if it.Class == "C02" {
					c02 = append(c02, it)
				}
			}
			wantC02 := []lsusync.Item{{Status: lsusync.StatusError, Kind: lsusync.KindClass, Action: lsusync.ActionFailed,
				Class: "C02", Key: "C02", Err: errDisk}}
			if diff := cmp.Diff(wantC02, c02, reportOpts); diff != "" {
				t.Errorf("items of C02 (-want +got):\n%s", diff)
			}
			if !strings.Contains(c02[0].Err.Error(), `class "C02"`) {
				t.Errorf("the error does not name the class: %v", c02[0].Err)
			}
			if rep.Status != lsusync.StatusError {
				t.Errorf("report status = %v, want error", rep.Status)
			}
			if err := rep.Err(); !errors.Is(err, errDisk) {
				t.Errorf("Report.Err() = %v, want it to match errDisk", err)
			}
			if c := rep.Counts(); c.Errors != 1 || c.Updated != 1+2*(1+2) {
				t.Errorf("counts = %+v, want 1 error and 7 updated (establishment, 2 classes with 2 bilans)", c)
			}
		})
	}
}

// TestCommitFails checks a Batch whose Commit fails: Sync returns the
// error with the report, in which every change is an error item, and the
// store is unchanged.
func TestCommitFails(t *testing.T) {
	before, src := manyClasses(3)
	src.Staff[0].LastName = "DURAND-MARTIN"
	mem := newStore(t, before)
	cs := &countingStore{Store: mem, failCommit: errDisk}
	rep, err := lsusync.New(src, batchingStore{cs}, lsusync.Options{Now: fixedNow}).Sync(context.Background())
	if !errors.Is(err, errDisk) {
		t.Fatalf("Sync error = %v, want errDisk", err)
	}
	require.NotNil(t, rep)
	if diff := cmp.Diff(before, mem.Snapshot()); diff != "" {
		t.Errorf("a failed commit changed the store (-want +got):\n%s", diff)
	}
	for _, it := range rep.Items {
		if it.Action == lsusync.ActionUpdated || it.Action == lsusync.ActionAdded {
			t.Errorf("%s %s reported %s after a failed commit", it.Kind, it.Key, it.Action)
		}
		if it.Action == lsusync.ActionFailed && !errors.Is(it.Err, errDisk) {
			t.Errorf("%s %s failed with %v, want errDisk", it.Kind, it.Key, it.Err)
		}
	}
	if c := rep.Counts(); c.Errors != 1+3*(1+2) {
		t.Errorf("counts = %+v, want 10 errors (a teacher, 3 classes, 6 bilans)", c)
	}
	if !errors.Is(rep.Err(), errDisk) || rep.Status != lsusync.StatusError {
		t.Errorf("Report.Err() = %v, status %v", rep.Err(), rep.Status)
	}
	if !strings.Contains(rep.String(), "s'est terminée avec 10 erreurs") {
		t.Errorf("the text does not end with the errors:\n%s", rep)
	}
	// A failed Commit is followed by Discard, so that the store can drop the batch.
	if diff := cmp.Diff(writeCounts{BeginBatch: 1, BatchApply: 4, Commit: 1, Discard: 1}, cs.counts()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestHeadApplyFails checks that a store refusing the establishment and
// teachers' changes stops the sync before any class: no report, nothing
// written.
func TestHeadApplyFails(t *testing.T) {
	for _, mode := range storeModes {
		t.Run(mode.name, func(t *testing.T) {
			before, src := manyClasses(2)
			src.School.Name = "COLLÈGE JEAN MOULIN"
			mem := newStore(t, before)
			cs := &countingStore{Store: mem, failApply: func(cs lsusync.ChangeSet) error {
				if cs.Establishment != nil {
					return errDisk
				}
				return nil
			}}
			rep, err := lsusync.New(src, mode.wrap(cs), lsusync.Options{Now: fixedNow}).Sync(context.Background())
			if rep != nil || !errors.Is(err, errDisk) {
				t.Fatalf("Sync = %v, %v; want no report and errDisk", rep, err)
			}
			if diff := cmp.Diff(before, mem.Snapshot()); diff != "" {
				t.Errorf("store changed (-want +got):\n%s", diff)
			}
			if n := cs.counts(); n.Commit != 0 || n.BeginBatch != n.Discard {
				t.Errorf("calls: %+v", n)
			}
		})
	}
}

// blockingStore blocks the reading of the bilans of one class until its
// context is done, and says when it has started to block.
type blockingStore struct {
	lsusync.Store
	class   string
	blocked chan struct{}
	once    sync.Once
}

func (s *blockingStore) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	if class == s.class {
		s.once.Do(func() { close(s.blocked) })
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Store.Bilans(ctx, class)
}

func (s *blockingStore) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	return s.Store.(lsusync.Batcher).BeginBatch(ctx)
}

// TestCancel checks that a cancelled context stops Sync promptly, with
// ctx's error or cause, the classes done before kept whole (each applied
// or not at all), the others reported as interrupted, and no goroutine
// left behind.
func TestCancel(t *testing.T) {
	errStop := errors.New("arrêt demandé")
	tests := []struct {
		name  string
		batch bool
		// run starts the sync with a context it cancels somehow.
		run func(t *testing.T, src lsusync.Source, st lsusync.Store) (*lsusync.Report, error)
		// done are the classes fully synchronised before the cancellation
		// (with the Apply path).
		done []string
		// cause is the error Sync must return.
		cause error
	}{
		{
			name: "from the progress callback",
			run: func(t *testing.T, src lsusync.Source, st lsusync.Store) (*lsusync.Report, error) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				return lsusync.New(src, st, lsusync.Options{Now: fixedNow, Concurrency: 1,
					Progress: func(p lsusync.Progress) {
						if p.Done == 2 {
							cancel()
						}
					}}).Sync(ctx)
			},
			done:  []string{"C01", "C02"},
			cause: context.Canceled,
		},
		{
			name: "with a cause, from a blocking store",
			run: func(t *testing.T, src lsusync.Source, st lsusync.Store) (*lsusync.Report, error) {
				ctx, cancel := context.WithCancelCause(context.Background())
				defer cancel(nil)
				bs := &blockingStore{Store: st, class: "C03", blocked: make(chan struct{})}
				go func() {
					<-bs.blocked
					cancel(errStop)
				}()
				var wrapped lsusync.Store = struct {
					lsusync.Store
				}{bs}
				if _, ok := st.(lsusync.Batcher); ok {
					wrapped = bs
				}
				return lsusync.New(src, wrapped, lsusync.Options{Now: fixedNow, Concurrency: 1}).Sync(ctx)
			},
			done:  []string{"C01", "C02"},
			cause: errStop,
		},
		{
			name: "before the sync",
			run: func(t *testing.T, src lsusync.Source, st lsusync.Store) (*lsusync.Report, error) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return lsusync.New(src, st, lsusync.Options{Now: fixedNow}).Sync(ctx)
			},
			cause: context.Canceled,
		},
	}
	for _, tc := range tests {
		for _, mode := range storeModes {
			t.Run(tc.name+"/"+mode.name, func(t *testing.T) {
				goroutines := runtime.NumGoroutine()
				before, src := manyClasses(8)
				mem := newStore(t, before)
				cs := &countingStore{Store: mem}
				start := time.Now()
				rep, err := tc.run(t, src, mode.wrap(cs))
				if elapsed := time.Since(start); elapsed > 5*time.Second {
					t.Errorf("Sync took %v after the cancellation", elapsed)
				}
				if !errors.Is(err, tc.cause) {
					t.Fatalf("Sync error = %v, want %v", err, tc.cause)
				}
				checkNoGoroutineLeft(t, goroutines)
				if tc.done == nil { // cancelled before it started: refused
					if rep != nil {
						t.Errorf("report of a sync cancelled before it started: %v", rep)
					}
					if diff := cmp.Diff(before, mem.Snapshot()); diff != "" {
						t.Errorf("store changed (-want +got):\n%s", diff)
					}
					return
				}
				require.NotNil(t, rep)
				want := synced(before, tc.done...)
				if mode.name == "batch" {
					want = before // the batch is discarded: nothing at all
				}
				if diff := cmp.Diff(want, mem.Snapshot()); diff != "" {
					t.Errorf("store (-want +got):\n%s", diff)
				}
				if !errors.Is(rep.Err(), tc.cause) || rep.Status != lsusync.StatusError {
					t.Errorf("Report.Err() = %v, status %v; want %v", rep.Err(), rep.Status, tc.cause)
				}
				for _, code := range rep.Classes {
					var items []lsusync.Item
					for _, it := range rep.Items {
						if it.Class == code {
							items = append(items, it)
						}
					}
					done := slices.Contains(tc.done, code)
					switch {
					case done && mode.name == "apply":
						// Applied: its items say so.
						if items[0].Action != lsusync.ActionUpdated || len(items) != 5 {
							t.Errorf("class %s done before the cancellation: items %v", code, items)
						}
					case done:
						// Staged in the discarded batch: its changes
						// are reported failed, with the cause.
						for _, it := range items {
							if it.Action != lsusync.ActionFailed && it.Action != lsusync.ActionUnchanged || it.Action == lsusync.ActionFailed && !errors.Is(it.Err, tc.cause) {
								t.Errorf("class %s, discarded: item %+v", code, it)
							}
						}
					default:
						if len(items) != 1 || items[0].Action != lsusync.ActionFailed || !errors.Is(items[0].Err, tc.cause) {
							t.Errorf("class %s not done: items %+v, want one failed with %v", code, items, tc.cause)
						}
					}
				}
				if n := cs.counts(); n.Commit != 0 {
					t.Errorf("a cancelled sync committed: %+v", n)
				}
				if !strings.Contains(rep.String(), "la synchronisation a été interrompue") {
					t.Errorf("the text does not say the sync was interrupted:\n%s", rep)
				}
			})
		}
	}
}

// concurrencyStore measures how many classes are read at once: from the
// reading of a class's pupils to the end of the reading of its bilans.
// The reading of a class's bilans waits until limit classes were read at
// once, or until giveUp is done, so that a synchronizer that reaches its
// concurrency reaches it however slowly the machine schedules it. With
// stagger, the k-th reading of pupils first sleeps k times stagger, as
// the classes of a machine slow to start goroutines.
type concurrencyStore struct {
	lsusync.Store
	now, max atomic.Int64
	calls    atomic.Int64
	stagger  time.Duration
	limit    int64
	reached  chan struct{} // closed when max reaches limit
	once     sync.Once
	giveUp   <-chan struct{} // done when the test stops waiting for limit
}

func (s *concurrencyStore) Students(ctx context.Context, class string) ([]lsusync.Student, error) {
	time.Sleep(time.Duration(s.calls.Add(1)-1) * s.stagger)
	n := s.now.Add(1)
	for {
		m := s.max.Load()
		if n <= m || s.max.CompareAndSwap(m, n) {
			break
		}
	}
	if n >= s.limit {
		s.once.Do(func() { close(s.reached) })
	}
	return s.Store.Students(ctx, class)
}

func (s *concurrencyStore) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	defer s.now.Add(-1)
	select {
	case <-s.reached:
	case <-s.giveUp:
	}
	time.Sleep(5 * time.Millisecond) // let the other classes start, if they may: more than limit is caught
	return s.Store.Bilans(ctx, class)
}

// TestConcurrency checks that Options.Concurrency bounds the number of
// classes synchronised at once, and is reached: also when the classes
// start 10ms apart, as on a loaded machine (issue 25).
func TestConcurrency(t *testing.T) {
	for _, tc := range []struct {
		limit   int
		stagger time.Duration
	}{{1, 0}, {2, 0}, {4, 0}, {2, 10 * time.Millisecond}, {4, 10 * time.Millisecond}} {
		limit := tc.limit
		name := fmt.Sprint(limit)
		if tc.stagger != 0 {
			name += "-staggered"
		}
		t.Run(name, func(t *testing.T) {
			before, src := manyClasses(12)
			mem := newStore(t, before)
			giveUp, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			st := &concurrencyStore{Store: mem, limit: int64(limit), stagger: tc.stagger, reached: make(chan struct{}), giveUp: giveUp.Done()}
			var progress []int
			rep, err := lsusync.New(src, st, lsusync.Options{Now: fixedNow, Concurrency: limit,
				Progress: func(p lsusync.Progress) {
					if p.Total != 12 {
						t.Errorf("Progress.Total = %d", p.Total)
					}
					progress = append(progress, p.Done)
				}}).Sync(context.Background())
			require.NoError(t, err)
			require.NoError(t, rep.Err())
			if got := st.max.Load(); got != int64(limit) {
				t.Errorf("at most %d classes at once, want %d", got, limit)
			}
			if diff := cmp.Diff([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, progress); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
			var all []string
			for _, c := range before.Classes {
				all = append(all, c.Code)
			}
			if diff := cmp.Diff(synced(before, all...), mem.Snapshot()); diff != "" {
				t.Errorf("store (-want +got):\n%s", diff)
			}
			// The report's order does not depend on the concurrency.
			for i, code := range rep.Classes {
				if want := fmt.Sprintf("C%02d", i+1); code != want {
					t.Errorf("Classes[%d] = %s, want %s", i, code, want)
				}
			}
		})
	}
}

// failingSource fails to give one class.
type failingSource struct {
	*memory.Source
	class string
	err   error
}

func (s failingSource) Class(ctx context.Context, code string) (lsusync.ClassData, error) {
	if code == s.class {
		return lsusync.ClassData{}, s.err
	}
	return s.Source.Class(ctx, code)
}

// TestSourceFailsForOneClass checks that a class the source cannot give,
// or gives inconsistent, fails alone: reported with its cause, unchanged,
// and the other classes synced.
func TestSourceFailsForOneClass(t *testing.T) {
	errRead := errors.New("read error")
	tests := []struct {
		name   string
		source func(*memory.Source) lsusync.Source
		want   error
	}{
		{"source error", func(s *memory.Source) lsusync.Source {
			return failingSource{Source: s, class: "C02", err: errRead}
		}, errRead},
		{"pupil listed twice", func(s *memory.Source) lsusync.Source {
			c := &s.Classes[1]
			c.Enrolments = append(c.Enrolments, c.Enrolments[0])
			return s
		}, lsusync.ErrInvalid},
		{"pupil without ID", func(s *memory.Source) lsusync.Source {
			s.Classes[1].Enrolments[1].Student.ID = ""
			return s
		}, lsusync.ErrInvalid},
		{"pupil listed in a class of the store and in a new class", func(s *memory.Source) lsusync.Source {
			s.Classes = append(s.Classes, lsusync.ClassData{Code: "C99",
				Enrolments: []lsusync.Enrolment{s.Classes[1].Enrolments[0]}})
			return s
		}, lsusync.ErrInvalid},
	}
	for _, tc := range tests {
		for _, mode := range storeModes {
			t.Run(tc.name+"/"+mode.name, func(t *testing.T) {
				before, src := manyClasses(3)
				mem := newStore(t, before)
				rep, err := lsusync.New(tc.source(src), mode.wrap(&countingStore{Store: mem}), lsusync.Options{Now: fixedNow}).
					Sync(context.Background())
				require.NoError(t, err)
				if diff := cmp.Diff(synced(before, "C01", "C03"), mem.Snapshot()); diff != "" {
					t.Errorf("store (-want +got):\n%s", diff)
				}
				var failed []lsusync.Item
				for _, it := range rep.Items {
					if it.Status == lsusync.StatusError {
						failed = append(failed, it)
					}
				}
				want := []lsusync.Item{{Status: lsusync.StatusError, Kind: lsusync.KindClass, Action: lsusync.ActionFailed,
					Class: "C02", Key: "C02", Err: tc.want}}
				if diff := cmp.Diff(want, failed, reportOpts); diff != "" {
					t.Errorf("error items (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// stepper counts the calls of a Source and a Store and cancels a context
// with a cause at one of them; every call then fails with ctx's error,
// wrapped, as a Source or a Store that honours its context does.
type stepper struct {
	mu     sync.Mutex
	calls  int
	at     int
	cancel context.CancelCauseFunc
	cause  error
}

func (s *stepper) step(ctx context.Context) error {
	s.mu.Lock()
	s.calls++
	if s.calls == s.at {
		s.cancel(s.cause)
	}
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("wrapped by the store: %w", err)
	}
	return nil
}

type steppingSource struct {
	lsusync.Source
	s *stepper
}

func (w steppingSource) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	if err := w.s.step(ctx); err != nil {
		return lsusync.Establishment{}, err
	}
	return w.Source.Establishment(ctx)
}

func (w steppingSource) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	if err := w.s.step(ctx); err != nil {
		return nil, err
	}
	return w.Source.Teachers(ctx)
}

func (w steppingSource) ClassCodes(ctx context.Context) ([]string, error) {
	if err := w.s.step(ctx); err != nil {
		return nil, err
	}
	return w.Source.ClassCodes(ctx)
}

func (w steppingSource) Class(ctx context.Context, code string) (lsusync.ClassData, error) {
	if err := w.s.step(ctx); err != nil {
		return lsusync.ClassData{}, err
	}
	return w.Source.Class(ctx, code)
}

type steppingStore struct {
	lsusync.Store
	s *stepper
}

func (w steppingStore) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	if err := w.s.step(ctx); err != nil {
		return lsusync.Establishment{}, err
	}
	return w.Store.Establishment(ctx)
}

func (w steppingStore) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	if err := w.s.step(ctx); err != nil {
		return nil, err
	}
	return w.Store.Teachers(ctx)
}

func (w steppingStore) Classes(ctx context.Context) ([]lsusync.Class, error) {
	if err := w.s.step(ctx); err != nil {
		return nil, err
	}
	return w.Store.Classes(ctx)
}

func (w steppingStore) Students(ctx context.Context, class string) ([]lsusync.Student, error) {
	if err := w.s.step(ctx); err != nil {
		return nil, err
	}
	return w.Store.Students(ctx, class)
}

func (w steppingStore) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	if err := w.s.step(ctx); err != nil {
		return nil, err
	}
	return w.Store.Bilans(ctx, class)
}

func (w steppingStore) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if err := w.s.step(ctx); err != nil {
		return err
	}
	return w.Store.Apply(ctx, cs)
}

type steppingBatcher struct{ steppingStore }

func (w steppingBatcher) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	if err := w.s.step(ctx); err != nil {
		return nil, err
	}
	return w.Store.(lsusync.Batcher).BeginBatch(ctx)
}

// TestCancelCauseAtEveryStep cancels a sync with a cause at each call it
// makes to the source and the store, from the first read of the
// establishment to the last write, and checks that Sync's error matches
// both context.Canceled and the cause, whether the cancellation came
// before the classes started (no report) or after.
func TestCancelCauseAtEveryStep(t *testing.T) {
	errCause := errors.New("interrompu par l'utilisateur")
	for _, batch := range []bool{false, true} {
		run := func(at int) (*lsusync.Report, *stepper, error) {
			before, src := manyClasses(3)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			s := &stepper{at: at, cancel: cancel, cause: errCause}
			var st lsusync.Store = steppingStore{Store: newStore(t, before), s: s}
			if batch {
				st = steppingBatcher{st.(steppingStore)}
			}
			rep, err := lsusync.New(steppingSource{Source: src, s: s}, st, lsusync.Options{Now: fixedNow, Concurrency: 1}).Sync(ctx)
			return rep, s, err
		}
		_, s, err := run(0)
		require.NoError(t, err)
		for at := 1; at <= s.calls; at++ {
			t.Run(fmt.Sprintf("batch=%v/call %d of %d", batch, at, s.calls), func(t *testing.T) {
				rep, _, err := run(at)
				if !errors.Is(err, errCause) || !errors.Is(err, context.Canceled) {
					t.Errorf("Sync error = %v, want one matching the cause and context.Canceled (report: %v)", err, rep != nil)
				}
			})
		}
	}
}
