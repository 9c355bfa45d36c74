// Package lsusynctest checks that an implementation of [lsusync.Store]
// honours the contract the synchronizer relies on, with one call, as
// testing/fstest does for an fs.FS.
//
// An implementation's test calls [TestStore] with a function that makes a
// store holding a given snapshot:
//
//	func TestConformance(t *testing.T) {
//		lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
//			s, err := mystore.Create(filepath.Join(t.TempDir(), "lsu.json"), seed)
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// TestStore runs one subtest per behaviour, each on a fresh store, and
// names the behaviour and the values it got and wanted in every failure.
// [CheckStore] runs the same checks without a *testing.T and returns the
// problems as one error.
//
// # What is checked
//
// The seed is [Seed]: an establishment, teachers, classes with and without
// periods, pupils, and bilans en saisie directe, imported and locked, with
// content. Every check writes as the synchronizer does: it reads records
// through the read methods, with their [lsusync.Version], changes them,
// and applies them; a record it adds has the zero Version. Contents are
// compared without versions; versions are checked on their own. The
// checks are:
//
//   - ReadSeed: every read method returns what the store was seeded with
//     (in any order: results are sorted before they are compared), every
//     record with a Version that is not zero, the same whichever method
//     returns it and however often.
//   - ReturnsCopies: modifying a value returned by a read method (a
//     slice element, a class's periods, any value a bilan holds, in its
//     acquis, lists, maps and pointers) does not change the store.
//   - EmptyStore: a store made from the zero Snapshot has no
//     establishment (Establishment returns an error wrapping
//     [lsusync.ErrNotFound]) and no records, and refuses to replace the
//     establishment. A factory that cannot make such a store skips the
//     check: with TestStore it calls t.Skip, with CheckStore it returns an
//     error wrapping [errors.ErrUnsupported].
//   - NotFound: Student with an unknown ID returns an error wrapping
//     [lsusync.ErrNotFound]; Students and Bilans of an unknown class, or of
//     a class without pupils or bilans, return no record and a nil error.
//     A nil slice counts as empty. Class codes are compared exactly:
//     "3eme1" is not "3EME1".
//   - Apply/...: each kind of record is replaced; teachers, pupils, a class
//     with its periods (alone, or with a pupil and a bilan), a bilan of a
//     stored pupil, and a pupil with their bilans (one of them locked) are
//     added; the change is visible to every read method: a pupil moved to
//     another class is listed, with their bilans, in the new class only. A
//     replaced record is replaced whole: a field emptied by the change set
//     is emptied in the store. Every record written gets a new Version,
//     and every other record keeps its own. Applying the same change set
//     again is refused with [lsusync.ErrConflict] (its versions are those
//     of the records it replaced) and changes nothing; with the versions
//     read since, it changes no content and gives new versions again,
//     which the records never had. An empty change set changes nothing.
//   - ApplyRefused/...: after a first write, a change set holding valid
//     changes of every kind and one bad change is refused with the error
//     the contract names, and the store is left exactly as it was, its
//     versions included: [lsusync.ErrConflict] for a record whose Version
//     is the one it had before the first write (Stale...) and for a record
//     with the zero Version that the store holds (AddExisting...), of each
//     kind; [lsusync.ErrNotFound] for a bilan, a class, a teacher or a
//     pupil that the store lacks given with a Version, a bilan of a pupil
//     or a pupil of a class that neither the store nor the change set
//     holds, or another UAI; [lsusync.ErrLocked] for replacing, locking or
//     unlocking a locked bilan; [lsusync.ErrInvalid] for an empty key.
//   - Conflict/...: for each kind of record, a change set built from a
//     read is refused with [lsusync.ErrConflict] after another writer
//     changed (or added) one of its records, the other writer's change is
//     intact and nothing of the change set is applied; built again from a
//     new read, it is applied.
//   - ApplyCancelled: Apply with a done context returns an error wrapping
//     the context's error and applies nothing.
//   - ReadCancelled: every read method called with a done context returns
//     an error wrapping the context's error. The Store contract leaves
//     this implicit; the suite requires it because the synchronizer stops
//     a cancelled sync only through the errors its calls return, and
//     checking ctx.Err() first costs a Store nothing.
//   - Concurrent: several goroutines read, change and apply their own
//     records many times (each a class with its pupils and bilans, the
//     teachers, the establishment) while others read; no update is lost,
//     no write meets a conflict (their records are disjoint: a write must
//     not change the versions of records it does not write), and a single
//     Bilans call never shows a change set half applied.
//   - Batch/...: when the store implements [lsusync.Batcher]: staged
//     change sets are invisible before Commit and all visible after it,
//     with new versions; Discard drops them and is a no-op after Commit;
//     a staged Apply that is refused (each refusal of ApplyRefused, a
//     done context) returns its error and leaves the other staged sets to
//     be committed; Apply may be called from several goroutines at once.
//     Reserved: while a batch holds a staged record, an Apply of that
//     record on the store, or in another batch, with the version read
//     before, fails with [lsusync.ErrConflict], at once or once the batch
//     has committed (a store may make it wait); an Apply of a record the
//     batch did not stage succeeds; after Commit or Discard the records
//     are free again. A store that does not implement Batcher skips these
//     checks.
//   - Memos/...: when the store implements [lsusync.ClassMemos]: every
//     class is listed, with a stamp, and without a memo at first; a change
//     set's memo is kept with its class, alone or with records of the
//     class, and forgotten, with a new stamp, when a record of the class
//     is written without it (a bilan, a pupil who moves in or out, the
//     class), but not when a record of another class or a teacher is; a
//     refused change set keeps no memo; a memo whose stamp was read before
//     a write of its class is not kept, and its change set is applied. With
//     a Batcher, a staged memo is kept at Commit, not before, not after
//     Discard, and not when its class was written between the read of its
//     stamp and the Commit (a store may make that write wait for the
//     batch to end: it then takes the memo away). A store that does not
//     implement ClassMemos skips these checks.
//   - SyncKeepsConcurrentEdits/...: a [lsusync.Synchronizer] syncs the
//     store from a small Source whose new subject rewrites bilans, while
//     another writer enters an appreciation in one of those bilans just
//     before the sync applies it (in its batch when the store is a
//     Batcher): the store refuses the sync's stale change set, the
//     synchronizer reads the class again, and both the appreciation and
//     the sync's changes are stored. When the other writer edits before
//     every attempt, the class is reported as an error matching
//     [lsusync.ErrConflict], the other class is synchronised, and every
//     edit is stored. A store that makes the other writer wait for the
//     sync's batch to end (a database with a single writer) skips these
//     checks: with it, no write comes between a read and a write of the
//     sync.
//   - EveryField/...: bilans with every field of [lsusync.Fields] set, at
//     LSU's limits ([FullBilanContent], [FullAcquisContent]: the longest
//     texts, accented, every value of every enumeration among them), are
//     read back as they were seeded and as Apply wrote them; a
//     synchronisation that rewrites their subjects and teachers leaves
//     every field of their content as it was.
//   - SampleBilans/...: the bilans of the sample of LSU's import file
//     ([SampleSnapshot]: one subject with two modalités, EPI and AP
//     groups, texts over several lines) are read back as seeded, and a
//     synchronisation that gives each subject other teachers changes
//     those and nothing of their content.
//
// Concurrency checks can miss a bug but never report a correct store:
// run the suite under the race detector (go test -race).
//
// Values the store returns are compared with
// [github.com/google/go-cmp/cmp], treating nil and empty slices and maps as
// equal, so a store backed by a file or a database need not tell them
// apart. Read methods may return records in any order, and a bilan's
// acquis and teacher keys (of an acquis, or its professeurs principaux)
// in any order too: acquis are keyed by subject code and modalité, and
// the synchronizer compares teacher keys as sets. Every other value must
// come back as it was written.
package lsusynctest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lsusync/lsusync"
)

// TestStore checks the store implementation that newStore makes against
// the contract of [lsusync.Store], and of [lsusync.Batcher] when the store
// implements it. It runs one subtest per behaviour (see the package doc),
// and calls newStore once in each, with the subtest's t and a seed
// snapshot that the store must hold: the snapshot of [Seed], the zero
// Snapshot for the EmptyStore check, or Seed without its class that has
// no period for the SyncKeepsConcurrentEdits checks (a synchronisation
// requires periods).
//
// newStore owns the seed it is given. It reports its own failures with
// t.Fatal, may call t.Skip for a seed it cannot store, and registers the
// store's release with t.Cleanup. TestStore uses t.Context as the context
// of its calls.
func TestStore(t *testing.T, newStore func(t *testing.T, seed lsusync.Snapshot) lsusync.Store) {
	t.Helper()
	runChecks(testEnv(t, newStore))
}

func testEnv(t *testing.T, newStore func(t *testing.T, seed lsusync.Snapshot) lsusync.Store) *env {
	return &env{
		r:   t,
		ctx: t.Context(),
		newStore: func(seed lsusync.Snapshot) lsusync.Store {
			t.Helper()
			s := newStore(t, seed)
			if s == nil {
				t.Fatalf("newStore returned a nil Store")
			}
			return s
		},
		run: func(name string, f func(*env)) {
			t.Run(name, func(t *testing.T) { f(testEnv(t, newStore)) })
		},
	}
}

// CheckStore runs the checks of [TestStore] without a *testing.T, one
// after the other, and returns every problem it finds as one error
// (joined errors, each prefixed with the check's name), or nil when the
// store conforms.
//
// newStore makes a store holding seed, which it owns. An error wrapping
// [errors.ErrUnsupported] skips the check that asked for the store; any
// other error fails it. CheckStore does not release the stores it made:
// a factory whose stores hold resources keeps track of them and releases
// them after CheckStore returns.
//
//	err := lsusynctest.CheckStore(ctx, func(seed lsusync.Snapshot) (lsusync.Store, error) {
//		return mystore.New(seed)
//	})
func CheckStore(ctx context.Context, newStore func(seed lsusync.Snapshot) (lsusync.Store, error)) error {
	var (
		mu   sync.Mutex
		errs []error
	)
	runChecks(checkEnv(ctx, &recorder{mu: &mu, errs: &errs}, newStore))
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("lsusynctest: the store failed %d checks:\n%w", len(errs), errors.Join(errs...))
}

func checkEnv(ctx context.Context, r *recorder, newStore func(seed lsusync.Snapshot) (lsusync.Store, error)) *env {
	return &env{
		r:   r,
		ctx: ctx,
		newStore: func(seed lsusync.Snapshot) lsusync.Store {
			s, err := newStore(seed)
			switch {
			case errors.Is(err, errors.ErrUnsupported):
				r.Skipf("newStore: %v", err)
			case err != nil:
				r.Fatalf("newStore: %v", err)
			case s == nil:
				r.Fatalf("newStore returned a nil Store and a nil error")
			}
			return s
		},
		run: func(name string, f func(*env)) {
			sub := &recorder{name: name, mu: r.mu, errs: r.errs}
			if r.name != "" {
				sub.name = r.name + "/" + name
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				f(checkEnv(ctx, sub, newStore))
			}()
			<-done
		},
	}
}

// reporter is the part of *testing.T the checks use.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

// recorder is the reporter of CheckStore: it collects the failures of one
// check. Fatalf and Skipf end the goroutine of the check, as they do with
// a *testing.T.
type recorder struct {
	name string
	mu   *sync.Mutex
	errs *[]error
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	err := errors.New(r.name + ": " + fmt.Sprintf(format, args...))
	r.mu.Lock()
	*r.errs = append(*r.errs, err)
	r.mu.Unlock()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Skipf(string, ...any) { runtime.Goexit() }

// env is what a check runs with: a reporter, a context, a store factory
// that fails the check on error, and a way to run sub-checks.
type env struct {
	r        reporter
	ctx      context.Context
	newStore func(seed lsusync.Snapshot) lsusync.Store
	run      func(name string, f func(*env))
}

// seeded returns a new store holding Seed().
func (e *env) seeded() lsusync.Store {
	e.r.Helper()
	return e.newStore(Seed())
}

// cmpOpts compare stored values: nil and empty slices and maps are equal,
// and versions, which are checked on their own, are ignored.
var cmpOpts = gocmp.Options{
	cmpopts.EquateEmpty(),
	cmpopts.IgnoreFields(lsusync.Establishment{}, "Version"),
	cmpopts.IgnoreFields(lsusync.Teacher{}, "Version"),
	cmpopts.IgnoreFields(lsusync.Class{}, "Version"),
	cmpopts.IgnoreFields(lsusync.Student{}, "Version"),
	cmpopts.IgnoreFields(lsusync.Bilan{}, "Version"),
}

// diff returns cmp.Diff(want, got) under cmpOpts.
func diff(want, got any) string { return gocmp.Diff(want, got, cmpOpts) }

// expectContent fails the check when the store's content, read through
// its read methods, is not want, versions aside. what says when the
// content was read.
func (e *env) expectContent(st lsusync.Store, want lsusync.Snapshot, what string) {
	e.r.Helper()
	e.expectSnapshot(e.dump(st), want, what)
}

// expectSnapshot fails the check when got, a content read from the store,
// is not want, versions aside.
func (e *env) expectSnapshot(got, want lsusync.Snapshot, what string) {
	e.r.Helper()
	// reflect.DeepEqual on normalised copies is much faster than cmp,
	// which only explains a mismatch, part by part.
	nw, ng := normalize(want), normalize(got)
	if reflect.DeepEqual(nw, ng) {
		return
	}
	parts := []struct {
		name      string
		want, got any
	}{
		{"establishment", nw.Establishment, ng.Establishment},
		{"teachers", nw.Teachers, ng.Teachers},
		{"classes", nw.Classes, ng.Classes},
		{"pupils", nw.Students, ng.Students},
		{"bilans", nw.Bilans, ng.Bilans},
	}
	for _, p := range parts {
		if reflect.DeepEqual(p.want, p.got) {
			continue
		}
		if d := diff(p.want, p.got); d != "" {
			e.r.Errorf("%s: stored %s mismatch (-want +got):\n%s", what, p.name, d)
		}
	}
}

// normalize returns a sorted copy of s without versions, in which empty
// slices and maps are nil, as cmpOpts consider them, and the acquis and
// teacher keys of each bilan are sorted: their order is not significant
// (acquis are keyed by subject code and modalité, and the synchronizer
// compares teacher keys as sets).
func normalize(s lsusync.Snapshot) lsusync.Snapshot {
	s = cloneSnapshot(s)
	s.Sort()
	s.Establishment.Version = ""
	s.Teachers = nilIfEmpty(s.Teachers)
	for i := range s.Teachers {
		s.Teachers[i].Version = ""
	}
	s.Students = nilIfEmpty(s.Students)
	for i := range s.Students {
		s.Students[i].Version = ""
	}
	s.Classes = nilIfEmpty(s.Classes)
	for i := range s.Classes {
		s.Classes[i].Periods = nilIfEmpty(s.Classes[i].Periods)
		s.Classes[i].Version = ""
	}
	s.Bilans = nilIfEmpty(s.Bilans)
	for i := range s.Bilans {
		normalizeBilan(&s.Bilans[i])
	}
	return s
}

// normalizeBilan normalises b, which the caller owns, as normalize does.
func normalizeBilan(b *lsusync.Bilan) {
	b.Version = ""
	b.HeadTeachers = sortKeys(nilIfEmpty(b.HeadTeachers))
	b.Acquis = nilIfEmpty(b.Acquis)
	slices.SortStableFunc(b.Acquis, func(x, y lsusync.Acquis) int { return x.Subject.Key().Compare(y.Subject.Key()) })
	if len(b.Content) == 0 {
		b.Content = nil
	}
	for j := range b.Acquis {
		a := &b.Acquis[j]
		a.Teachers = sortKeys(nilIfEmpty(a.Teachers))
		if len(a.Content) == 0 {
			a.Content = nil
		}
	}
}

func sortKeys(keys []lsusync.TeacherKey) []lsusync.TeacherKey {
	slices.SortFunc(keys, lsusync.TeacherKey.Compare)
	return keys
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// dump reads the whole content of st through its read methods, with the
// records' versions: the establishment (zero when the store has none),
// the teachers, the classes, and the pupils and bilans of every class,
// sorted. It reports a pupil or a bilan listed under a class the pupil is
// not in.
func (e *env) dump(st lsusync.Store) lsusync.Snapshot {
	e.r.Helper()
	ctx := e.ctx
	var d lsusync.Snapshot
	est, err := st.Establishment(ctx)
	switch {
	case err == nil:
		d.Establishment = est
	case errors.Is(err, lsusync.ErrNotFound):
	default:
		e.r.Fatalf("Establishment: %v", err)
	}
	if d.Teachers, err = st.Teachers(ctx); err != nil {
		e.r.Fatalf("Teachers: %v", err)
	}
	if d.Classes, err = st.Classes(ctx); err != nil {
		e.r.Fatalf("Classes: %v", err)
	}
	for _, c := range d.Classes {
		students, err := st.Students(ctx, c.Code)
		if err != nil {
			e.r.Fatalf("Students(%q): %v", c.Code, err)
		}
		in := make(map[string]bool, len(students))
		for _, s := range students {
			if s.Class != c.Code {
				e.r.Errorf("Students(%q) returned pupil %s whose Class is %q", c.Code, s.ID, s.Class)
			}
			in[s.ID] = true
		}
		bilans, err := st.Bilans(ctx, c.Code)
		if err != nil {
			e.r.Fatalf("Bilans(%q): %v", c.Code, err)
		}
		for _, b := range bilans {
			if !in[b.Student] {
				e.r.Errorf("Bilans(%q) returned bilan %s of a pupil not in the class", c.Code, b.Key())
			}
		}
		d.Students = append(d.Students, students...)
		d.Bilans = append(d.Bilans, bilans...)
	}
	d.Sort()
	return d
}

// apply calls st.Apply and fails the check on error.
func (e *env) apply(st lsusync.Applier, cs lsusync.ChangeSet, what string) {
	e.r.Helper()
	if err := st.Apply(e.ctx, cloneChangeSet(cs)); err != nil {
		e.r.Fatalf("%s: Apply = %v, want nil", what, err)
	}
}

// Versions.

// names of records in failure messages and version maps.
const estName = "the establishment"

func teacherName(k lsusync.TeacherKey) string { return "teacher " + k.String() }
func className(code string) string            { return fmt.Sprintf("class %q", code) }
func pupilName(id string) string              { return "pupil " + id }
func bilanName(k lsusync.BilanKey) string     { return "bilan " + k.String() }

// versionsOf returns the Version of every record of s by record name.
func versionsOf(s lsusync.Snapshot) map[string]lsusync.Version {
	m := make(map[string]lsusync.Version, 1+len(s.Teachers)+len(s.Classes)+len(s.Students)+len(s.Bilans))
	if s.Establishment.UAI != "" {
		m[estName] = s.Establishment.Version
	}
	for _, t := range s.Teachers {
		m[teacherName(t.Key)] = t.Version
	}
	for _, c := range s.Classes {
		m[className(c.Code)] = c.Version
	}
	for _, st := range s.Students {
		m[pupilName(st.ID)] = st.Version
	}
	for _, b := range s.Bilans {
		m[bilanName(b.Key())] = b.Version
	}
	return m
}

// written returns the names of the records of the change sets.
func written(sets ...lsusync.ChangeSet) map[string]bool {
	w := make(map[string]bool)
	for _, cs := range sets {
		if cs.Establishment != nil {
			w[estName] = true
		}
		for _, t := range cs.Teachers {
			w[teacherName(t.Key)] = true
		}
		if cs.Class != nil {
			w[className(cs.Class.Code)] = true
		}
		for _, st := range cs.Students {
			w[pupilName(st.ID)] = true
		}
		for _, b := range cs.Bilans {
			w[bilanName(b.Key())] = true
		}
	}
	return w
}

// expectVersions fails the check when a record of got, a content read
// from the store, has the zero Version; when a record that was written
// has a Version it had in one of history, the contents read before; or
// when a record that was not written has another Version than in the
// last of history. what says when got was read.
func (e *env) expectVersions(what string, got lsusync.Snapshot, wrote map[string]bool, history ...lsusync.Snapshot) {
	e.r.Helper()
	past := make([]map[string]lsusync.Version, len(history))
	for i, h := range history {
		past[i] = versionsOf(h)
	}
	last := past[len(past)-1]
	now := versionsOf(got)
	for _, name := range slices.Sorted(maps.Keys(now)) {
		v := now[name]
		switch {
		case v == "":
			e.r.Errorf("%s: %s has the zero Version; a Store gives every record a Version", what, name)
		case wrote[name]:
			for _, p := range past {
				if p[name] == v {
					e.r.Errorf("%s: %s was written but has Version %q, which it had before; every write gives the records it writes a Version they never had", what, name, v)
					break
				}
			}
		default:
			if old, ok := last[name]; ok && old != v {
				e.r.Errorf("%s: %s was not written but its Version changed from %q to %q; a write changes only the versions of the records it writes", what, name, old, v)
			}
		}
	}
}

// withVersions returns a copy of cs in which each record has the Version
// of the record of the same key in s, or the zero Version when s has none.
func withVersions(cs lsusync.ChangeSet, s lsusync.Snapshot) lsusync.ChangeSet {
	cs = cloneChangeSet(cs)
	v := versionsOf(s)
	if cs.Establishment != nil {
		cs.Establishment.Version = v[estName]
	}
	for i := range cs.Teachers {
		cs.Teachers[i].Version = v[teacherName(cs.Teachers[i].Key)]
	}
	if cs.Class != nil {
		cs.Class.Version = v[className(cs.Class.Code)]
	}
	for i := range cs.Students {
		cs.Students[i].Version = v[pupilName(cs.Students[i].ID)]
	}
	for i := range cs.Bilans {
		cs.Bilans[i].Version = v[bilanName(cs.Bilans[i].Key())]
	}
	return cs
}

// applyModel returns s with the change sets applied under the contract
// of Apply: each record replaces the one with the same key, or is added.
// It does not validate.
func applyModel(s lsusync.Snapshot, sets ...lsusync.ChangeSet) lsusync.Snapshot {
	s = cloneSnapshot(s)
	for _, cs := range sets {
		cs = cloneChangeSet(cs)
		if cs.Establishment != nil {
			s.Establishment = *cs.Establishment
		}
		for _, t := range cs.Teachers {
			s.Teachers = upsert(s.Teachers, t, func(o lsusync.Teacher) bool { return o.Key == t.Key })
		}
		if c := cs.Class; c != nil {
			s.Classes = upsert(s.Classes, *c, func(o lsusync.Class) bool { return o.Code == c.Code })
		}
		for _, st := range cs.Students {
			s.Students = upsert(s.Students, st, func(o lsusync.Student) bool { return o.ID == st.ID })
		}
		for _, b := range cs.Bilans {
			s.Bilans = upsert(s.Bilans, b, func(o lsusync.Bilan) bool { return o.Key() == b.Key() })
		}
	}
	s.Sort()
	return s
}

func upsert[T any](list []T, v T, same func(T) bool) []T {
	if i := slices.IndexFunc(list, same); i >= 0 {
		list[i] = v
		return list
	}
	return append(list, v)
}

// classContent returns the pupils of class in s, and their bilans, sorted.
func classContent(s lsusync.Snapshot, class string) ([]lsusync.Student, []lsusync.Bilan) {
	in := map[string]bool{}
	var sub lsusync.Snapshot
	for _, st := range s.Students {
		if st.Class == class {
			in[st.ID] = true
			sub.Students = append(sub.Students, st)
		}
	}
	for _, b := range s.Bilans {
		if in[b.Student] {
			sub.Bilans = append(sub.Bilans, cloneBilan(b))
		}
	}
	sub.Sort()
	return sub.Students, sub.Bilans
}

// The find functions return a copy of the record of s with the key; they
// panic when s has none, a bug of the suite.

func findBilan(s lsusync.Snapshot, student string, p lsusync.Period) lsusync.Bilan {
	for _, b := range s.Bilans {
		if b.Student == student && b.Period == p {
			return cloneBilan(b)
		}
	}
	panic("lsusynctest: no bilan " + student + "/" + p.String())
}

func findStudent(s lsusync.Snapshot, id string) lsusync.Student {
	i := slices.IndexFunc(s.Students, func(st lsusync.Student) bool { return st.ID == id })
	if i < 0 {
		panic("lsusynctest: no pupil " + id)
	}
	return s.Students[i]
}

func findClass(s lsusync.Snapshot, code string) lsusync.Class {
	i := slices.IndexFunc(s.Classes, func(c lsusync.Class) bool { return c.Code == code })
	if i < 0 {
		panic("lsusynctest: no class " + code)
	}
	c := s.Classes[i]
	c.Periods = slices.Clone(c.Periods)
	return c
}

func findTeacher(s lsusync.Snapshot, k lsusync.TeacherKey) lsusync.Teacher {
	i := slices.IndexFunc(s.Teachers, func(t lsusync.Teacher) bool { return t.Key == k })
	if i < 0 {
		panic("lsusynctest: no teacher " + k.String())
	}
	return s.Teachers[i]
}

func cloneSnapshot(s lsusync.Snapshot) lsusync.Snapshot {
	s.Teachers = slices.Clone(s.Teachers)
	s.Students = slices.Clone(s.Students)
	classes := make([]lsusync.Class, len(s.Classes))
	for i, c := range s.Classes {
		c.Periods = slices.Clone(c.Periods)
		classes[i] = c
	}
	s.Classes = classes
	bilans := make([]lsusync.Bilan, len(s.Bilans))
	for i, b := range s.Bilans {
		bilans[i] = cloneBilan(b)
	}
	s.Bilans = bilans
	return s
}

func cloneChangeSet(cs lsusync.ChangeSet) lsusync.ChangeSet {
	if cs.Establishment != nil {
		e := *cs.Establishment
		cs.Establishment = &e
	}
	cs.Teachers = slices.Clone(cs.Teachers)
	if cs.Class != nil {
		c := *cs.Class
		c.Periods = slices.Clone(c.Periods)
		cs.Class = &c
	}
	cs.Students = slices.Clone(cs.Students)
	if cs.Bilans != nil {
		bilans := make([]lsusync.Bilan, len(cs.Bilans))
		for i, b := range cs.Bilans {
			bilans[i] = cloneBilan(b)
		}
		cs.Bilans = bilans
	}
	return cs
}

func cloneBilan(b lsusync.Bilan) lsusync.Bilan {
	b.HeadTeachers = slices.Clone(b.HeadTeachers)
	b.Content = cloneMap(b.Content)
	if b.Acquis != nil {
		acquis := make([]lsusync.Acquis, len(b.Acquis))
		for i, a := range b.Acquis {
			a.Teachers = slices.Clone(a.Teachers)
			a.Content = cloneMap(a.Content)
			acquis[i] = a
		}
		b.Acquis = acquis
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

// sortStudents and sortBilans sort read results for comparison, without
// versions.
func sortStudents(s []lsusync.Student) []lsusync.Student {
	return normalize(lsusync.Snapshot{Students: s}).Students
}

func sortBilans(bs []lsusync.Bilan) []lsusync.Bilan {
	return normalize(lsusync.Snapshot{Bilans: bs}).Bilans
}
