package lsusynctest

import (
	"errors"

	"github.com/lsusync/lsusync"
)

// checkMemos checks the ClassMemos of a store that implements it.
func checkMemos(e *env) {
	if _, ok := e.seeded().(lsusync.ClassMemos); !ok {
		e.r.Skipf("the store does not implement lsusync.ClassMemos")
	}
	for _, c := range []check{
		{"KeptAndForgotten", checkMemosKept},
		{"StaleStamp", checkMemosStale},
		{"Batch", checkMemosBatch},
	} {
		e.run(c.name, c.fn)
	}
}

// memos reads the memos of st by class, and checks that every class of
// the store has one entry, with a stamp.
func (e *env) memos(st lsusync.Store) map[string]lsusync.Memo {
	e.r.Helper()
	list, err := st.(lsusync.ClassMemos).ClassMemos(e.ctx)
	if err != nil {
		e.r.Fatalf("ClassMemos() = %v, want nil", err)
	}
	out := make(map[string]lsusync.Memo, len(list))
	for _, m := range list {
		if _, dup := out[m.Class]; dup {
			e.r.Errorf("ClassMemos() lists class %q twice", m.Class)
		}
		if m.Stamp == "" {
			e.r.Errorf("ClassMemos() gives class %q the zero stamp", m.Class)
		}
		out[m.Class] = m
	}
	classes, err := st.Classes(e.ctx)
	if err != nil {
		e.r.Fatalf("Classes() = %v, want nil", err)
	}
	for _, c := range classes {
		if _, ok := out[c.Code]; !ok {
			e.r.Errorf("ClassMemos() does not list class %q", c.Code)
		}
	}
	if len(out) != len(classes) {
		e.r.Errorf("ClassMemos() lists %d classes, the store holds %d", len(out), len(classes))
	}
	return out
}

// expectMemo fails the check when the class's memo is not want.
func (e *env) expectMemo(got map[string]lsusync.Memo, class, want, what string) {
	e.r.Helper()
	if got[class].Text != want {
		e.r.Errorf("%s: memo of class %q = %q, want %q", what, class, got[class].Text, want)
	}
}

// bilanOf returns the stored bilan of a pupil and period of a class.
func (e *env) bilanOf(st lsusync.Store, class, pupil string, p lsusync.Period) lsusync.Bilan {
	e.r.Helper()
	bilans, err := st.Bilans(e.ctx, class)
	if err != nil {
		e.r.Fatalf("Bilans(%q) = %v", class, err)
	}
	for _, b := range bilans {
		if b.Student == pupil && b.Period == p {
			return b
		}
	}
	e.r.Fatalf("no bilan %s %v in class %q", pupil, p, class)
	return lsusync.Bilan{}
}

// checkMemosKept: no class has a memo at first; a change set's memo is
// kept with its class, alone or with records of the class, and a write of
// a record of the class without it (a bilan, a pupil, the class, a pupil
// who moves in or out) makes the class forget it and changes its stamp;
// a write elsewhere changes neither; a refused change set keeps no memo.
func checkMemosKept(e *env) {
	st := e.seeded()
	m := e.memos(st)
	for class, memo := range m {
		if memo.Text != "" {
			e.r.Errorf("class %q has memo %q in a new store", class, memo.Text)
		}
	}

	// With the class's records, and alone.
	b := e.bilanOf(st, class3e1, pupilZoe, tri(2))
	b.Content = map[string]string{"synthese": "Écrit pendant le test."}
	e.apply(st, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}, Memo: &lsusync.Memo{Class: class3e1, Text: "m1", Stamp: m[class3e1].Stamp}}, "a bilan with its class's memo")
	e.apply(st, lsusync.ChangeSet{Memo: &lsusync.Memo{Class: class3A, Text: "m2", Stamp: m[class3A].Stamp}}, "a memo alone")
	after := e.memos(st)
	e.expectMemo(after, class3e1, "m1", "after a change set with its memo")
	e.expectMemo(after, class3A, "m2", "after a change set of a memo alone")
	if after[class3e1].Stamp == m[class3e1].Stamp {
		e.r.Errorf("the stamp of class %q did not change when its bilan was written", class3e1)
	}

	// A write elsewhere: the teachers, a class without pupils.
	tea, err := st.Teachers(e.ctx)
	if err != nil || len(tea) == 0 {
		e.r.Fatalf("Teachers() = %d, %v", len(tea), err)
	}
	tea[0].FirstName += "-Test"
	e.apply(st, lsusync.ChangeSet{Teachers: tea[:1]}, "a teacher")
	still := e.memos(st)
	e.expectMemo(still, class3e1, "m1", "after a teacher was written")
	e.expectMemo(still, class3A, "m2", "after a teacher was written")

	// A refused change set: a stale version.
	stale := lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}, Memo: &lsusync.Memo{Class: class4e1, Text: "m3", Stamp: still[class4e1].Stamp}}
	if err := st.Apply(e.ctx, cloneChangeSet(stale)); !errors.Is(err, lsusync.ErrConflict) {
		e.r.Errorf("Apply(a stale bilan with a memo) = %v, want an error wrapping %v", err, lsusync.ErrConflict)
	}
	e.expectMemo(e.memos(st), class4e1, "", "after a refused change set")

	// A bilan written without the memo.
	b = e.bilanOf(st, class3e1, pupilZoe, tri(2))
	b.Content = map[string]string{"synthese": "Écrit de nouveau."}
	e.apply(st, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}, "a bilan without memo")
	forgot := e.memos(st)
	e.expectMemo(forgot, class3e1, "", "after a bilan of the class was written without its memo")
	e.expectMemo(forgot, class3A, "m2", "after a bilan of another class was written")
	if forgot[class3e1].Stamp == after[class3e1].Stamp {
		e.r.Errorf("the stamp of class %q did not change when its bilan was written", class3e1)
	}

	// A pupil who moves from 3 A to 4e 1: both classes forget.
	e.apply(st, lsusync.ChangeSet{Memo: &lsusync.Memo{Class: class4e1, Text: "m4", Stamp: forgot[class4e1].Stamp}}, "a memo alone")
	pupils, err := st.Students(e.ctx, class3A)
	if err != nil || len(pupils) == 0 {
		e.r.Fatalf("Students(%q) = %d, %v", class3A, len(pupils), err)
	}
	p := pupils[0]
	p.Class = class4e1
	e.apply(st, lsusync.ChangeSet{Students: []lsusync.Student{p}}, "a pupil moved")
	moved := e.memos(st)
	e.expectMemo(moved, class3A, "", "after a pupil moved out of the class")
	e.expectMemo(moved, class4e1, "", "after a pupil moved into the class")

	// The class itself.
	classes, err := st.Classes(e.ctx)
	if err != nil {
		e.r.Fatalf("Classes() = %v", err)
	}
	e.apply(st, lsusync.ChangeSet{Memo: &lsusync.Memo{Class: class6e2, Text: "m5", Stamp: moved[class6e2].Stamp}}, "a memo alone")
	for _, c := range classes {
		if c.Code == class6e2 {
			c.Label = "Sixième 2"
			e.apply(st, lsusync.ChangeSet{Class: &c}, "a class")
		}
	}
	e.expectMemo(e.memos(st), class6e2, "", "after the class was written without its memo")
}

// checkMemosStale: a memo whose stamp was read before a write of the
// class is not kept, and the change set is applied all the same.
func checkMemosStale(e *env) {
	st := e.seeded()
	m := e.memos(st)
	b := e.bilanOf(st, class3A, pupilJon, sem(1))
	b.Content = map[string]string{"synthese": "Un autre écrit."}
	e.apply(st, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}, "a bilan of another writer")
	e.apply(st, lsusync.ChangeSet{Memo: &lsusync.Memo{Class: class3A, Text: "stale", Stamp: m[class3A].Stamp}}, "a memo with a stamp read before")
	b = e.bilanOf(st, class3e1, pupilZoe, tri(2))
	b.Content = map[string]string{"synthese": "Appliqué."}
	e.apply(st, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}, Memo: &lsusync.Memo{Class: class3e1, Text: "fresh", Stamp: m[class3e1].Stamp}}, "a bilan with its memo")
	got := e.memos(st)
	e.expectMemo(got, class3A, "", "a memo whose stamp was read before a write of the class")
	e.expectMemo(got, class3e1, "fresh", "a memo whose stamp is current")
	if bb := e.bilanOf(st, class3e1, pupilZoe, tri(2)); bb.Content["synthese"] != "Appliqué." {
		e.r.Errorf("the change set with a memo was not applied")
	}
}

// checkMemosBatch: when the store is a Batcher, a staged memo is kept at
// Commit, not before, not after Discard, and not when a record of its
// class was written between its stamp's read and the Commit. A store may
// make that write wait for the batch to end (SQLite's write lock): the
// write then comes after the Commit, and takes the memo away.
func checkMemosBatch(e *env) {
	st := e.seeded()
	if _, ok := st.(lsusync.Batcher); !ok {
		e.r.Skipf("the store does not implement lsusync.Batcher")
	}
	m := e.memos(st)
	b := e.begin(st)
	e.stage(b, lsusync.ChangeSet{Memo: &lsusync.Memo{Class: class3e1, Text: "kept", Stamp: m[class3e1].Stamp}}, "a memo")
	e.stage(b, lsusync.ChangeSet{Memo: &lsusync.Memo{Class: class3A, Text: "outrun", Stamp: m[class3A].Stamp}}, "a memo")
	e.expectMemo(e.memos(st), class3e1, "", "before Commit")
	bi := e.bilanOf(st, class3A, pupilJon, sem(1))
	bi.Content = map[string]string{"synthese": "Pendant le lot."}
	p := start("Apply on the store of a bilan of the class of a staged memo", func() error {
		return st.Apply(e.ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{bi}})
	})
	settle(p)
	e.commit(b)
	e.wait(p)
	if p.err != nil {
		e.r.Fatalf("%s = %v, want nil", p.what, p.err)
	}
	got := e.memos(st)
	e.expectMemo(got, class3e1, "kept", "after Commit")
	e.expectMemo(got, class3A, "", "after Commit, a class written since its stamp was read")

	b = e.begin(st)
	e.stage(b, lsusync.ChangeSet{Memo: &lsusync.Memo{Class: class4e1, Text: "dropped", Stamp: got[class4e1].Stamp}}, "a memo")
	b.Discard()
	e.expectMemo(e.memos(st), class4e1, "", "after Discard")
}
