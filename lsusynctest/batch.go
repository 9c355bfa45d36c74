package lsusynctest

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lsusync/lsusync"
)

// checkBatch checks the Batcher of a store that implements it.
func checkBatch(e *env) {
	if _, ok := e.seeded().(lsusync.Batcher); !ok {
		e.r.Skipf("the store does not implement lsusync.Batcher")
	}
	for _, c := range []check{
		{"CommitVisibility", checkBatchVisibility},
		{"Discard", checkBatchDiscard},
		{"DiscardAfterCommit", checkBatchDiscardAfterCommit},
		{"RefusedSets", checkBatchRefused},
		{"Concurrent", checkBatchConcurrent},
		{"Reserved", checkBatchReserved},
	} {
		e.run(c.name, c.fn)
	}
}

// begin begins a batch on st, a Batcher.
func (e *env) begin(st lsusync.Store) lsusync.Batch {
	e.r.Helper()
	b, err := st.(lsusync.Batcher).BeginBatch(e.ctx)
	if err != nil {
		e.r.Fatalf("BeginBatch() error = %v, want nil", err)
	}
	if b == nil {
		e.r.Fatalf("BeginBatch() returned a nil Batch and a nil error")
	}
	return b
}

func (e *env) stage(b lsusync.Batch, cs lsusync.ChangeSet, what string) {
	e.r.Helper()
	if err := b.Apply(e.ctx, cloneChangeSet(cs)); err != nil {
		e.r.Fatalf("Batch.Apply(%s) = %v, want nil", what, err)
	}
}

func (e *env) commit(b lsusync.Batch) {
	e.r.Helper()
	if err := b.Commit(e.ctx); err != nil {
		e.r.Fatalf("Batch.Commit() = %v, want nil", err)
	}
}

// classAndHeadSets splits the valid changes into a set of the pupils,
// class and bilans, and a set of the establishment and teachers, as the
// synchronizer stages them.
func classAndHeadSets(s lsusync.Snapshot) (class, head lsusync.ChangeSet) {
	all := validChanges(s)
	return lsusync.ChangeSet{Class: all.Class, Students: all.Students, Bilans: all.Bilans},
		lsusync.ChangeSet{Establishment: all.Establishment, Teachers: all.Teachers}
}

func checkBatchVisibility(e *env) {
	st := e.seeded()
	before := e.dump(st)
	b := e.begin(st)
	class, head := classAndHeadSets(before)
	e.stage(b, class, "class changes")
	e.stage(b, head, "establishment and teachers")
	staged := e.dump(st)
	e.expectSnapshot(staged, before, "after Batch.Apply, before Commit")
	e.expectVersions("after Batch.Apply, before Commit", staged, nil, before)
	if _, err := st.Student(e.ctx, newPupil); !errors.Is(err, lsusync.ErrNotFound) {
		e.r.Errorf("Student(%q) of a pupil staged but not committed: error = %v, want an error wrapping %v", newPupil, err, lsusync.ErrNotFound)
	}
	e.commit(b)
	after := e.dump(st)
	e.expectSnapshot(after, applyModel(before, class, head), "after Batch.Commit")
	e.expectVersions("after Batch.Commit", after, written(class, head), before)
}

func checkBatchDiscard(e *env) {
	st := e.seeded()
	before := e.dump(st)
	b := e.begin(st)
	class, head := classAndHeadSets(before)
	e.stage(b, class, "class changes")
	e.stage(b, head, "establishment and teachers")
	b.Discard()
	after := e.dump(st)
	e.expectSnapshot(after, before, "after Batch.Discard")
	e.expectVersions("after Batch.Discard", after, nil, before)
}

func checkBatchDiscardAfterCommit(e *env) {
	st := e.seeded()
	before := e.dump(st)
	b := e.begin(st)
	class, head := classAndHeadSets(before)
	e.stage(b, class, "class changes")
	e.stage(b, head, "establishment and teachers")
	e.commit(b)
	committed := e.dump(st)
	b.Discard()
	after := e.dump(st)
	e.expectSnapshot(after, applyModel(before, class, head), "after Batch.Discard following Commit")
	e.expectVersions("after Batch.Discard following Commit", after, nil, committed)
}

// otherClassSet changes records of class "3 A" that no refusal holds.
func otherClassSet(s lsusync.Snapshot) lsusync.ChangeSet {
	c := findClass(s, class3A)
	c.Label = "3e A européenne"
	ines := findStudent(s, pupilInes)
	ines.FirstName2 = "Maria"
	jon := findBilan(s, pupilJon, sem(1))
	jon.HeadTeachers = append(jon.HeadTeachers, keyMartin)
	return lsusync.ChangeSet{Class: &c, Students: []lsusync.Student{ines}, Bilans: []lsusync.Bilan{jon}}
}

// checkBatchRefused stages refused change sets between valid ones and
// checks that only the valid ones are committed.
func checkBatchRefused(e *env) {
	st := e.seeded()
	before := e.dump(st)
	e.apply(st, firstWrite(before), "first write")
	now := e.dump(st)
	b := e.begin(st)
	other := otherClassSet(now)
	e.stage(b, other, "changes of class "+class3A)
	for _, c := range refusals {
		if err := b.Apply(e.ctx, c.changeSet(before, now)); !errors.Is(err, c.want) {
			e.r.Errorf("Batch.Apply(valid changes + %s) = %v, want an error wrapping %v", c.name, err, c.want)
		}
	}
	for _, ctx := range doneContexts(e.ctx) {
		if err := b.Apply(ctx, validChanges(now)); !errors.Is(err, ctx.Err()) {
			e.r.Errorf("Batch.Apply with a done context = %v, want an error wrapping %v", err, ctx.Err())
		}
	}
	// The refused sets reserved nothing: the valid changes they held
	// can be staged.
	class, head := classAndHeadSets(now)
	e.stage(b, class, "class changes")
	e.stage(b, head, "establishment and teachers")
	e.commit(b)
	e.expectContent(st, applyModel(now, other, class, head), "after Commit of a batch with refused change sets")
}

// checkBatchConcurrent stages the first change set of each writer from
// its own goroutine.
func checkBatchConcurrent(e *env) {
	st := e.seeded()
	ws := writers()
	b := e.begin(st)
	var staging sync.WaitGroup
	for _, w := range ws {
		staging.Go(func() {
			s, err := w.read(e.ctx, st)
			if err != nil {
				e.r.Errorf("%s: reading: %v", w.name, err)
				return
			}
			if err := b.Apply(e.ctx, w.change(s, 1)); err != nil {
				e.r.Errorf("%s: concurrent Batch.Apply = %v, want nil", w.name, err)
			}
		})
	}
	staging.Wait()
	e.expectContent(st, Seed(), "after concurrent Batch.Apply calls, before Commit")
	e.commit(b)
	e.expectContent(st, modelOf(Seed(), ws, 1), "after Commit of concurrently staged change sets")
}

// A write that a batch in progress may make wait runs in its own
// goroutine, as a pending write. The checks wait reservationGrace for it
// to end before they end the batch, so that a write which a store
// refuses at once is refused while the batch holds its records, and then
// waitLimit at most once the batch has ended.
const (
	reservationGrace = 250 * time.Millisecond
	waitLimit        = 30 * time.Second
)

// pending is a write running in its own goroutine.
type pending struct {
	what string
	done chan struct{}
	err  error
}

// start runs write in a new goroutine. write must not report failures:
// it may end after the check.
func start(what string, write func() error) *pending {
	p := &pending{what: what, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.err = write()
	}()
	return p
}

// settle waits until every write has ended or until reservationGrace
// has passed.
func settle(ps ...*pending) {
	timeout := time.After(reservationGrace)
	for _, p := range ps {
		select {
		case <-p.done:
		case <-timeout:
			return
		}
	}
}

// ended reports whether the write has ended.
func (p *pending) ended() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for the write to end, and fails the check when it does not
// end within waitLimit.
func (e *env) wait(p *pending) {
	e.r.Helper()
	select {
	case <-p.done:
	case <-time.After(waitLimit):
		e.r.Fatalf("%s still waits %v after the batch ended", p.what, waitLimit)
	}
}

// wanted describes an expected error: nil, or an error wrapping want.
func wanted(want error) string {
	if want == nil {
		return "nil"
	}
	return fmt.Sprintf("an error wrapping %v", want)
}

// checkBatchReserved checks that the records a batch stages are reserved
// until the batch ends: another write of one of them, with the version
// read before the batch staged it, ends with ErrConflict; a write of
// another record succeeds; once the batch has ended, its records are free.
func checkBatchReserved(e *env) {
	st := e.seeded()
	ctx := e.ctx
	before := e.dump(st)
	b := e.begin(st)
	class, _ := classAndHeadSets(before)
	e.stage(b, class, "class changes")

	// A teacher enters an appreciation in a staged bilan, another in a
	// bilan the batch did not stage; a second batch stages a staged pupil.
	staged := findBilan(before, pupilZoe, tri(2))
	staged.Acquis[0].Appreciation = "Saisie pendant le lot."
	free := findBilan(before, pupilTheo, tri(2))
	free.Acquis[0].Appreciation = "Saisie hors du lot."
	zoe := findStudent(before, pupilZoe)
	zoe.FirstName2 = "Anne-Sophie"
	onStore := start("Apply on the store of a bilan the batch staged", func() error {
		return st.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{staged}})
	})
	second := start("Batch.Apply in a second batch of a pupil the first staged", func() error {
		b2, err := st.(lsusync.Batcher).BeginBatch(ctx)
		if err != nil {
			return fmt.Errorf("BeginBatch() of the second batch: %w", err)
		}
		defer b2.Discard()
		return b2.Apply(ctx, lsusync.ChangeSet{Students: []lsusync.Student{zoe}})
	})
	unstaged := start("Apply on the store of a bilan the batch did not stage", func() error {
		return st.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{free}})
	})
	want := map[*pending]error{onStore: lsusync.ErrConflict, second: lsusync.ErrConflict, unstaged: nil}
	expect := func(p *pending, when string) {
		e.r.Helper()
		if !errors.Is(p.err, want[p]) {
			e.r.Errorf("%s, %s = %v, want %s", p.what, when, p.err, wanted(want[p]))
		}
	}
	settle(onStore, second, unstaged)
	var waiting []*pending
	for _, p := range []*pending{onStore, second, unstaged} {
		if p.ended() {
			expect(p, "while the batch is in progress")
		} else {
			waiting = append(waiting, p)
		}
	}
	e.commit(b)
	for _, p := range waiting {
		e.wait(p)
		expect(p, "once the batch has committed")
	}
	content := applyModel(before, class, lsusync.ChangeSet{Bilans: []lsusync.Bilan{free}})
	now := e.dump(st)
	e.expectSnapshot(now, content, "after the batch committed and the other writes ended")

	// Once committed, the batch's records are free: a write with the
	// versions read after the commit succeeds.
	staged = findBilan(now, pupilZoe, tri(2))
	staged.Acquis[0].Appreciation = "Saisie après le lot."
	e.apply(st, lsusync.ChangeSet{Bilans: []lsusync.Bilan{staged}}, "Apply on the store of a bilan a committed batch staged")
	content = applyModel(content, lsusync.ChangeSet{Bilans: []lsusync.Bilan{staged}})

	// Once discarded, a batch's records are free: a write with the
	// versions read before it staged them succeeds, on the store and in
	// another batch.
	now = e.dump(st)
	zoe = findStudent(now, pupilZoe)
	zoe.FirstName2 = "Anne-Sophie"
	bilan := findBilan(now, pupilMous, tri(2))
	bilan.HeadTeachers = append(bilan.HeadTeachers, keyMartin)
	b = e.begin(st)
	e.stage(b, lsusync.ChangeSet{Students: []lsusync.Student{zoe}, Bilans: []lsusync.Bilan{bilan}}, "a pupil and a bilan")
	b.Discard()
	e.apply(st, lsusync.ChangeSet{Students: []lsusync.Student{zoe}}, "Apply on the store of a pupil a discarded batch staged")
	b = e.begin(st)
	e.stage(b, lsusync.ChangeSet{Bilans: []lsusync.Bilan{bilan}}, "a bilan that a discarded batch staged")
	e.commit(b)
	content = applyModel(content, lsusync.ChangeSet{Students: []lsusync.Student{zoe}, Bilans: []lsusync.Bilan{bilan}})
	e.expectContent(st, content, "after writes of the records of a discarded batch")
}
