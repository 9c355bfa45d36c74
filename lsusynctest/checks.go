package lsusynctest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/lsusync/lsusync"
)

// check is one behaviour of the contract; its name is the subtest's.
type check struct {
	name string
	fn   func(*env)
}

// checks lists the behaviours in the order they run.
var checks = []check{
	{"ReadSeed", checkReadSeed},
	{"ReturnsCopies", checkReturnsCopies},
	{"EmptyStore", checkEmptyStore},
	{"NotFound", checkNotFound},
	{"Apply", checkApply},
	{"ApplyRefused", checkApplyRefused},
	{"ApplyCancelled", checkApplyCancelled},
	{"ReadCancelled", checkReadCancelled},
	{"Concurrent", checkConcurrent},
	{"Batch", checkBatch},
}

func runChecks(e *env) {
	for _, c := range checks {
		e.run(c.name, c.fn)
	}
}

// checkReadSeed compares the result of every read method with the seed.
func checkReadSeed(e *env) {
	st := e.seeded()
	seed := sorted(Seed())
	ctx := e.ctx

	est, err := st.Establishment(ctx)
	if err != nil {
		e.r.Errorf("Establishment() error = %v, want nil", err)
	} else if d := diff(seed.Establishment, est); d != "" {
		e.r.Errorf("Establishment() mismatch (-want +got):\n%s", d)
	}

	teachers, err := st.Teachers(ctx)
	if err != nil {
		e.r.Errorf("Teachers() error = %v, want nil", err)
	} else if d := diff(seed.Teachers, sorted(lsusync.Snapshot{Teachers: teachers}).Teachers); d != "" {
		e.r.Errorf("Teachers() mismatch (-want +got):\n%s", d)
	}

	classes, err := st.Classes(ctx)
	if err != nil {
		e.r.Errorf("Classes() error = %v, want nil", err)
	} else if d := diff(seed.Classes, sorted(lsusync.Snapshot{Classes: classes}).Classes); d != "" {
		e.r.Errorf("Classes() mismatch (-want +got):\n%s", d)
	}

	for _, c := range seed.Classes {
		wantStudents, wantBilans := classContent(seed, c.Code)
		students, err := st.Students(ctx, c.Code)
		if err != nil {
			e.r.Errorf("Students(%q) error = %v, want nil", c.Code, err)
		} else if d := diff(wantStudents, sortStudents(students)); d != "" {
			e.r.Errorf("Students(%q) mismatch (-want +got):\n%s", c.Code, d)
		}
		bilans, err := st.Bilans(ctx, c.Code)
		if err != nil {
			e.r.Errorf("Bilans(%q) error = %v, want nil", c.Code, err)
		} else if d := diff(sortBilans(wantBilans), sortBilans(bilans)); d != "" {
			e.r.Errorf("Bilans(%q) mismatch (-want +got):\n%s", c.Code, d)
		}
	}

	for _, want := range seed.Students {
		got, err := st.Student(ctx, want.ID)
		if err != nil {
			e.r.Errorf("Student(%q) error = %v, want nil", want.ID, err)
		} else if d := diff(want, got); d != "" {
			e.r.Errorf("Student(%q) mismatch (-want +got):\n%s", want.ID, d)
		}
	}
}

// checkReturnsCopies modifies what each read method returns, in place, and
// checks that the store did not change.
func checkReturnsCopies(e *env) {
	ctx := e.ctx
	codes := []string{class3e1, class3A, class4e1}
	mutations := []struct {
		method string
		mutate func(st lsusync.Store) error
	}{
		{"Teachers", func(st lsusync.Store) error {
			ts, err := st.Teachers(ctx)
			for i := range ts {
				ts[i].LastName += " (modifié)"
				ts[i].NUMEN = "MODIFIED"
			}
			return err
		}},
		{"Classes", func(st lsusync.Store) error {
			cs, err := st.Classes(ctx)
			for i := range cs {
				cs[i].Label += " (modifié)"
				for j := range cs[i].Periods {
					cs[i].Periods[j].Year++
				}
			}
			return err
		}},
		{"Students", func(st lsusync.Store) error {
			for _, code := range codes {
				ss, err := st.Students(ctx, code)
				if err != nil {
					return err
				}
				for i := range ss {
					ss[i].LastName += " (modifié)"
					ss[i].BirthDate = lsusync.Date{}
				}
			}
			return nil
		}},
		{"Bilans", func(st lsusync.Store) error {
			for _, code := range codes {
				bs, err := st.Bilans(ctx, code)
				if err != nil {
					return err
				}
				for i := range bs {
					mutateBilan(&bs[i])
				}
			}
			return nil
		}},
	}
	for _, m := range mutations {
		st := e.seeded()
		if err := m.mutate(st); err != nil {
			e.r.Errorf("%s() error = %v, want nil", m.method, err)
			continue
		}
		e.expectContent(st, Seed(), "after modifying the values returned by "+m.method+"()")
	}
}

// mutateBilan changes every part of b that a store could share: its
// acquis, their teachers and content, its professeurs principaux and its
// content.
func mutateBilan(b *lsusync.Bilan) {
	b.Locked = !b.Locked
	for i := range b.Acquis {
		a := &b.Acquis[i]
		a.Appreciation += " (modifié)"
		a.Subject.Label = "MODIFIED"
		for j := range a.Teachers {
			a.Teachers[j].ID += "0"
		}
		for k := range a.Content {
			a.Content[k] += " (modifié)"
		}
		if a.Content != nil {
			a.Content["lsusynctest"] = "added"
		}
	}
	for j := range b.HeadTeachers {
		b.HeadTeachers[j].ID += "0"
	}
	for k := range b.Content {
		b.Content[k] += " (modifié)"
	}
	if b.Content != nil {
		b.Content["lsusynctest"] = "added"
	}
}

// checkEmptyStore checks a store made from the zero Snapshot.
func checkEmptyStore(e *env) {
	st := e.newStore(lsusync.Snapshot{})
	ctx := e.ctx
	if _, err := st.Establishment(ctx); !errors.Is(err, lsusync.ErrNotFound) {
		e.r.Errorf("Establishment() on an empty store: error = %v, want an error wrapping %v", err, lsusync.ErrNotFound)
	}
	if ts, err := st.Teachers(ctx); err != nil || len(ts) != 0 {
		e.r.Errorf("Teachers() on an empty store = %d teachers, %v; want none, nil", len(ts), err)
	}
	if cs, err := st.Classes(ctx); err != nil || len(cs) != 0 {
		e.r.Errorf("Classes() on an empty store = %d classes, %v; want none, nil", len(cs), err)
	}
	if ss, err := st.Students(ctx, class3e1); err != nil || len(ss) != 0 {
		e.r.Errorf("Students(%q) on an empty store = %d pupils, %v; want none, nil", class3e1, len(ss), err)
	}
	if bs, err := st.Bilans(ctx, class3e1); err != nil || len(bs) != 0 {
		e.r.Errorf("Bilans(%q) on an empty store = %d bilans, %v; want none, nil", class3e1, len(bs), err)
	}
	if _, err := st.Student(ctx, pupilZoe); !errors.Is(err, lsusync.ErrNotFound) {
		e.r.Errorf("Student(%q) on an empty store: error = %v, want an error wrapping %v", pupilZoe, err, lsusync.ErrNotFound)
	}
	est := Seed().Establishment
	if err := st.Apply(ctx, lsusync.ChangeSet{Establishment: &est}); !errors.Is(err, lsusync.ErrNotFound) {
		e.r.Errorf("Apply(establishment) on a store without establishment: error = %v, want an error wrapping %v", err, lsusync.ErrNotFound)
	}
	e.expectContent(st, lsusync.Snapshot{}, "after the refused Apply on an empty store")
}

// checkNotFound checks the lookups of records the store lacks.
func checkNotFound(e *env) {
	st := e.seeded()
	ctx := e.ctx
	for _, id := range []string{noPupil, "", newPupil} {
		if got, err := st.Student(ctx, id); !errors.Is(err, lsusync.ErrNotFound) {
			e.r.Errorf("Student(%q) of an unknown pupil = %+v, %v; want an error wrapping %v", id, got, err, lsusync.ErrNotFound)
		}
	}
	for _, code := range []string{noClass, "", class6e2, "3eme1"} {
		if got, err := st.Students(ctx, code); err != nil || len(got) != 0 {
			e.r.Errorf("Students(%q) of a class without pupils = %d pupils, %v; want none, nil", code, len(got), err)
		}
	}
	for _, code := range []string{noClass, "", class6e2, class4e1} {
		if got, err := st.Bilans(ctx, code); err != nil || len(got) != 0 {
			e.r.Errorf("Bilans(%q) of a class without bilans = %d bilans, %v; want none, nil", code, len(got), err)
		}
	}
}

// The changes the checks apply, built from a seed.

func changedEstablishment(s lsusync.Snapshot) *lsusync.Establishment {
	est := s.Establishment
	est.Name = "Cité scolaire Jean Moulin"
	est.Address.Line2 = "" // emptied: the record is replaced whole
	est.Address.Line4 = "CEDEX 11"
	est.Phone = "0143000001"
	return &est
}

func changedTeachers(s lsusync.Snapshot) []lsusync.Teacher {
	replaced := findTeacher(s, keyMartin)
	replaced.FirstName = "Paul-Henri"
	replaced.NUMEN = "07E0000000AAA"
	dir := findTeacher(s, keyDir)
	dir.NUMEN = "" // emptied
	return []lsusync.Teacher{
		replaced,
		{Key: lsusync.TeacherKey{Type: "epp", ID: newTeach}, Civility: lsusync.Madame, LastName: "NOUVELLE", FirstName: "Élise"},
		dir,
	}
}

func changedClass(s lsusync.Snapshot) *lsusync.Class {
	c := findClass(s, class3e1)
	c.Label = "3ème 1 bilangue"
	return &c
}

// changedStudents replaces a pupil, moves one to another class, and adds one.
func changedStudents(s lsusync.Snapshot) []lsusync.Student {
	zoe := findStudent(s, pupilZoe)
	zoe.LastName = "DURAND-PETIT"
	zoe.UsageName = "" // emptied
	zoe.FirstName3 = ""
	moussa := findStudent(s, pupilMous)
	moussa.Class = class3A
	return []lsusync.Student{
		zoe,
		moussa,
		{ID: newPupil, Class: class4e1, INE: "120000004EE", LastName: "NOUVEAU", FirstName: "Élie",
			BirthDate: date(2012, time.September, 2), Sex: lsusync.Male},
	}
}

// changedBilans replaces a bilan en saisie directe and an imported one.
func changedBilans(s lsusync.Snapshot) []lsusync.Bilan {
	direct := findBilan(s, pupilZoe, tri(2))
	direct.Acquis = append(direct.Acquis, lsusync.Acquis{Subject: subjLatin, Teachers: []lsusync.TeacherKey{keyNdiaye}})
	direct.Acquis[1].Teachers = []lsusync.TeacherKey{keyMartin, {Type: "epp", ID: newTeach}}
	direct.HeadTeachers = []lsusync.TeacherKey{keyMartin}
	delete(direct.Content, "parcours.avenir") // emptied
	imported := findBilan(s, pupilMous, tri(1))
	imported.Acquis[0].Teachers = []lsusync.TeacherKey{keyDupont, keyNdiaye}
	return []lsusync.Bilan{direct, imported}
}

// validChanges returns a change set with a valid change of every kind.
func validChanges(s lsusync.Snapshot) lsusync.ChangeSet {
	return lsusync.ChangeSet{
		Establishment: changedEstablishment(s),
		Teachers:      changedTeachers(s),
		Class:         changedClass(s),
		Students:      changedStudents(s),
		Bilans:        changedBilans(s),
	}
}

// checkApply applies valid change sets and compares the store with the
// expected content.
func checkApply(e *env) {
	seed := Seed()
	cases := []struct {
		name string
		cs   lsusync.ChangeSet
	}{
		{"Establishment", lsusync.ChangeSet{Establishment: changedEstablishment(seed)}},
		{"Teachers", lsusync.ChangeSet{Teachers: changedTeachers(seed)}},
		{"Class", lsusync.ChangeSet{Class: changedClass(seed)}},
		{"Students", lsusync.ChangeSet{Students: changedStudents(seed)}},
		{"Bilans", lsusync.ChangeSet{Bilans: changedBilans(seed)}},
		{"All", validChanges(seed)},
		{"Empty", lsusync.ChangeSet{}},
	}
	for _, c := range cases {
		e.run(c.name, func(e *env) {
			st := e.seeded()
			want := applyModel(seed, c.cs)
			e.apply(st, cloneChangeSet(c.cs), "first Apply")
			e.expectContent(st, want, "after Apply")
			for _, s := range c.cs.Students {
				got, err := st.Student(e.ctx, s.ID)
				if err != nil {
					e.r.Errorf("Student(%q) after Apply: error = %v, want nil", s.ID, err)
				} else if d := diff(s, got); d != "" {
					e.r.Errorf("Student(%q) after Apply mismatch (-want +got):\n%s", s.ID, d)
				}
			}
			// Applying the same change set again changes nothing more.
			e.apply(st, cloneChangeSet(c.cs), "second Apply of the same change set")
			e.expectContent(st, want, "after applying the same change set twice")
		})
	}
}

// refusals are the change sets that Apply must refuse: valid changes of
// every kind, and one bad change that comes last.
func refusals(s lsusync.Snapshot) []struct {
	name string
	cs   lsusync.ChangeSet
	want error
} {
	with := func(f func(cs *lsusync.ChangeSet)) lsusync.ChangeSet {
		cs := validChanges(s)
		f(&cs)
		return cs
	}
	addBilan := func(b lsusync.Bilan) lsusync.ChangeSet {
		return with(func(cs *lsusync.ChangeSet) { cs.Bilans = append(cs.Bilans, b) })
	}
	lockedChanged := findBilan(s, pupilZoe, tri(1))
	lockedChanged.Acquis[0].Teachers = []lsusync.TeacherKey{keyMartin}
	importedLocked := findBilan(s, pupilTheo, tri(1))
	importedLocked.Acquis[0].Appreciation = "Modifié."
	locking := findBilan(s, pupilTheo, tri(2))
	locking.Locked = true
	unlocking := findBilan(s, pupilInes, sem(2))
	unlocking.Locked = false
	return []struct {
		name string
		cs   lsusync.ChangeSet
		want error
	}{
		{"UnknownBilanPeriod", addBilan(lsusync.Bilan{Student: pupilZoe, Period: tri(3)}), lsusync.ErrNotFound},
		{"UnknownBilanPupil", addBilan(lsusync.Bilan{Student: noPupil, Period: tri(1)}), lsusync.ErrNotFound},
		{"BilanOfAddedPupil", addBilan(lsusync.Bilan{Student: newPupil, Period: tri(1)}), lsusync.ErrNotFound},
		{"UnknownClass", with(func(cs *lsusync.ChangeSet) {
			cs.Class = &lsusync.Class{Code: noClass, Label: "5ème 9", Periods: []lsusync.Period{tri(1)}}
		}), lsusync.ErrNotFound},
		{"StudentInUnknownClass", with(func(cs *lsusync.ChangeSet) {
			cs.Students = append(cs.Students, lsusync.Student{ID: "300001", Class: noClass, LastName: "INCONNU"})
		}), lsusync.ErrNotFound},
		{"OtherUAI", with(func(cs *lsusync.ChangeSet) { cs.Establishment.UAI = "0750002B" }), lsusync.ErrNotFound},
		{"LockedBilan", addBilan(lockedChanged), lsusync.ErrLocked},
		{"LockedBilanUnchanged", addBilan(findBilan(s, pupilZoe, tri(1))), lsusync.ErrLocked},
		{"ImportedLockedBilan", addBilan(importedLocked), lsusync.ErrLocked},
		{"LockingBilan", addBilan(locking), lsusync.ErrLocked},
		{"UnlockingBilan", addBilan(unlocking), lsusync.ErrLocked},
	}
}

// checkApplyRefused checks that Apply refuses each bad change set with the
// contract's error and applies none of its changes.
func checkApplyRefused(e *env) {
	for _, c := range refusals(Seed()) {
		e.run(c.name, func(e *env) {
			st := e.seeded()
			if err := st.Apply(e.ctx, c.cs); !errors.Is(err, c.want) {
				e.r.Errorf("Apply(valid changes + %s) = %v, want an error wrapping %v", c.name, err, c.want)
			}
			e.expectContent(st, Seed(), "after Apply(valid changes + "+c.name+") was refused")
		})
	}
}

// doneContexts returns a cancelled context and one past its deadline.
func doneContexts(parent context.Context) []context.Context {
	cancelled, cancel := context.WithCancel(parent)
	cancel()
	expired, cancel := context.WithDeadline(parent, time.Unix(0, 0))
	cancel()
	return []context.Context{cancelled, expired}
}

// checkApplyCancelled checks Apply with a done context.
func checkApplyCancelled(e *env) {
	for _, ctx := range doneContexts(e.ctx) {
		st := e.seeded()
		if err := st.Apply(ctx, validChanges(Seed())); !errors.Is(err, ctx.Err()) {
			e.r.Errorf("Apply with a done context = %v, want an error wrapping %v", err, ctx.Err())
		}
		e.expectContent(st, Seed(), fmt.Sprintf("after Apply with a done context (%v)", ctx.Err()))
	}
}

// checkReadCancelled checks every read method with a done context.
func checkReadCancelled(e *env) {
	st := e.seeded()
	for _, ctx := range doneContexts(e.ctx) {
		want := ctx.Err()
		calls := []struct {
			call string
			err  func() error
		}{
			{"Establishment()", func() error { _, err := st.Establishment(ctx); return err }},
			{"Teachers()", func() error { _, err := st.Teachers(ctx); return err }},
			{"Classes()", func() error { _, err := st.Classes(ctx); return err }},
			{fmt.Sprintf("Students(%q)", class3e1), func() error { _, err := st.Students(ctx, class3e1); return err }},
			{fmt.Sprintf("Student(%q)", pupilZoe), func() error { _, err := st.Student(ctx, pupilZoe); return err }},
			{fmt.Sprintf("Bilans(%q)", class3e1), func() error { _, err := st.Bilans(ctx, class3e1); return err }},
		}
		for _, c := range calls {
			if err := c.err(); !errors.Is(err, want) {
				e.r.Errorf("%s with a done context: error = %v, want an error wrapping %v", c.call, err, want)
			}
		}
	}
}

// versionKey is the bilan content key the concurrent checks set.
const versionKey = "lsusynctest.version"

// writers returns sequences of change sets that touch disjoint records:
// one per class with pupils, one for the teachers, one for the
// establishment. Each set of a class changes its label, replaces its
// pupils, adds one, and marks every non-locked bilan with the version.
func writers(s lsusync.Snapshot, versions int) [][]lsusync.ChangeSet {
	var out [][]lsusync.ChangeSet
	for ci, code := range []string{class3e1, class3A, class4e1} {
		var seq []lsusync.ChangeSet
		for v := 1; v <= versions; v++ {
			c := findClass(s, code)
			c.Label = fmt.Sprintf("%s v%d", c.Label, v)
			students, bilans := classContent(s, code)
			for i := range students {
				students[i].FirstName3 = fmt.Sprintf("v%d", v)
			}
			students = append(students, lsusync.Student{
				ID: fmt.Sprint(300000 + ci*1000 + v), Class: code, LastName: "AJOUT", FirstName: fmt.Sprintf("v%d", v),
			})
			var marked []lsusync.Bilan
			for _, b := range bilans {
				if b.Locked {
					continue
				}
				if b.Content == nil {
					b.Content = map[string]string{}
				}
				b.Content[versionKey] = fmt.Sprint(v)
				marked = append(marked, b)
			}
			seq = append(seq, lsusync.ChangeSet{Class: &c, Students: students, Bilans: marked})
		}
		out = append(out, seq)
	}
	var teachers, est []lsusync.ChangeSet
	for v := 1; v <= versions; v++ {
		dupont := findTeacher(s, keyDupont)
		dupont.FirstName = fmt.Sprintf("Marie v%d", v)
		teachers = append(teachers, lsusync.ChangeSet{Teachers: []lsusync.Teacher{
			dupont,
			{Key: lsusync.TeacherKey{Type: "local", ID: fmt.Sprint(1000 + v)}, LastName: "REMPLAÇANT", FirstName: fmt.Sprintf("v%d", v)},
		}})
		e := s.Establishment
		e.Phone = fmt.Sprintf("01430000%02d", v)
		est = append(est, lsusync.ChangeSet{Establishment: &e})
	}
	return append(out, teachers, est)
}

// checkConsistentBilans reports a Bilans result that mixes the bilans of
// different change sets of the concurrent checks.
func checkConsistentBilans(bilans []lsusync.Bilan) error {
	versions := map[string]bool{}
	for _, b := range bilans {
		if !b.Locked {
			versions[b.Content[versionKey]] = true
		}
	}
	if len(versions) > 1 {
		return fmt.Errorf("the bilans of %d different change sets (a change set half applied)", len(versions))
	}
	return nil
}

// checkConcurrent applies disjoint change sets from several goroutines
// while others read.
func checkConcurrent(e *env) {
	const versions, readers = 8, 4
	seed := Seed()
	st := e.newStore(Seed())
	seqs := writers(seed, versions)
	want := applyModel(seed, slices.Concat(seqs...)...)
	ctx := e.ctx

	var writing sync.WaitGroup
	for _, seq := range seqs {
		writing.Go(func() {
			for i, cs := range seq {
				if err := st.Apply(ctx, cs); err != nil {
					e.r.Errorf("concurrent Apply (version %d): error = %v, want nil", i+1, err)
					return
				}
			}
		})
	}
	stop := make(chan struct{})
	var reading sync.WaitGroup
	for range readers {
		reading.Go(func() {
			for {
				if err := readAll(ctx, st); err != nil {
					e.r.Errorf("reading during concurrent Apply calls: %v", err)
					return
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		})
	}
	writing.Wait()
	close(stop)
	reading.Wait()
	e.expectContent(st, want, "after concurrent Apply calls")
}

// readAll calls every read method once and checks that no Bilans call
// shows a change set half applied.
func readAll(ctx context.Context, st lsusync.Store) error {
	if _, err := st.Establishment(ctx); err != nil {
		return fmt.Errorf("Establishment(): %w", err)
	}
	if _, err := st.Teachers(ctx); err != nil {
		return fmt.Errorf("Teachers(): %w", err)
	}
	if _, err := st.Classes(ctx); err != nil {
		return fmt.Errorf("Classes(): %w", err)
	}
	if _, err := st.Student(ctx, pupilZoe); err != nil {
		return fmt.Errorf("Student(%q): %w", pupilZoe, err)
	}
	for _, code := range []string{class3e1, class3A, class4e1} {
		if _, err := st.Students(ctx, code); err != nil {
			return fmt.Errorf("Students(%q): %w", code, err)
		}
		bilans, err := st.Bilans(ctx, code)
		if err != nil {
			return fmt.Errorf("Bilans(%q): %w", code, err)
		}
		if err := checkConsistentBilans(bilans); err != nil {
			return fmt.Errorf("Bilans(%q) returned %w", code, err)
		}
	}
	return nil
}

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
	} {
		e.run(c.name, c.fn)
	}
}

// begin returns a new store holding Seed() and a batch begun on it.
func (e *env) begin() (lsusync.Store, lsusync.Batch) {
	e.r.Helper()
	st := e.seeded()
	b, err := st.(lsusync.Batcher).BeginBatch(e.ctx)
	if err != nil {
		e.r.Fatalf("BeginBatch() error = %v, want nil", err)
	}
	if b == nil {
		e.r.Fatalf("BeginBatch() returned a nil Batch and a nil error")
	}
	return st, b
}

func (e *env) stage(b lsusync.Batch, cs lsusync.ChangeSet, what string) {
	e.r.Helper()
	if err := b.Apply(e.ctx, cs); err != nil {
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
	seed := Seed()
	st, b := e.begin()
	class, head := classAndHeadSets(seed)
	e.stage(b, class, "class changes")
	e.stage(b, head, "establishment and teachers")
	e.expectContent(st, seed, "after Batch.Apply, before Commit")
	if _, err := st.Student(e.ctx, newPupil); !errors.Is(err, lsusync.ErrNotFound) {
		e.r.Errorf("Student(%q) of a pupil staged but not committed: error = %v, want an error wrapping %v", newPupil, err, lsusync.ErrNotFound)
	}
	e.commit(b)
	e.expectContent(st, applyModel(seed, class, head), "after Batch.Commit")
}

func checkBatchDiscard(e *env) {
	st, b := e.begin()
	class, head := classAndHeadSets(Seed())
	e.stage(b, class, "class changes")
	e.stage(b, head, "establishment and teachers")
	b.Discard()
	e.expectContent(st, Seed(), "after Batch.Discard")
}

func checkBatchDiscardAfterCommit(e *env) {
	seed := Seed()
	st, b := e.begin()
	class, head := classAndHeadSets(seed)
	e.stage(b, class, "class changes")
	e.stage(b, head, "establishment and teachers")
	e.commit(b)
	b.Discard()
	e.expectContent(st, applyModel(seed, class, head), "after Batch.Discard following Commit")
}

// checkBatchRefused stages refused change sets between valid ones and
// checks that only the valid ones are committed.
func checkBatchRefused(e *env) {
	seed := Seed()
	st, b := e.begin()
	class, head := classAndHeadSets(seed)
	e.stage(b, class, "class changes")
	for _, c := range refusals(seed) {
		if err := b.Apply(e.ctx, c.cs); !errors.Is(err, c.want) {
			e.r.Errorf("Batch.Apply(valid changes + %s) = %v, want an error wrapping %v", c.name, err, c.want)
		}
	}
	for _, ctx := range doneContexts(e.ctx) {
		if err := b.Apply(ctx, validChanges(seed)); !errors.Is(err, ctx.Err()) {
			e.r.Errorf("Batch.Apply with a done context = %v, want an error wrapping %v", err, ctx.Err())
		}
	}
	e.stage(b, head, "establishment and teachers")
	e.commit(b)
	e.expectContent(st, applyModel(seed, class, head), "after Commit of a batch with refused change sets")
}

// checkBatchConcurrent stages disjoint change sets from several goroutines.
func checkBatchConcurrent(e *env) {
	seed := Seed()
	st, b := e.begin()
	seqs := writers(seed, 1) // one set per goroutine: the order of staged sets is not part of the contract
	var staging sync.WaitGroup
	for _, seq := range seqs {
		staging.Go(func() {
			for i, cs := range seq {
				if err := b.Apply(e.ctx, cs); err != nil {
					e.r.Errorf("concurrent Batch.Apply (version %d): error = %v, want nil", i+1, err)
					return
				}
			}
		})
	}
	staging.Wait()
	e.expectContent(st, seed, "after concurrent Batch.Apply calls, before Commit")
	e.commit(b)
	e.expectContent(st, applyModel(seed, slices.Concat(seqs...)...), "after Commit of concurrently staged change sets")
}
