package lsusync_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// skipped returns the classes a report says were skipped, sorted.
func skipped(rep *lsusync.Report) []string {
	var out []string
	for _, it := range rep.Items {
		if it.Action == lsusync.ActionSkipped {
			out = append(out, it.Class)
		}
	}
	slices.Sort(out)
	return out
}

// memoed returns a store holding the fixture in which a first sync with
// SkipUnchanged gave every class its memo: the establishment's name
// changed, so that the sync writes and the classes without change get
// their memo with the write.
func memoed(t *testing.T, src *memory.Source) *memory.Store {
	t.Helper()
	st := newStore(t, fixtureStore())
	src.School.Name += " (NOUVEAU NOM)"
	rep, err := lsusync.New(src, st, lsusync.Options{Now: fixedNow, SkipUnchanged: true}).Sync(context.Background())
	require.NoError(t, err)
	require.Empty(t, skipped(rep), "the first sync skipped classes")
	memos, err := st.ClassMemos(context.Background())
	require.NoError(t, err)
	for _, m := range memos {
		require.NotEmpty(t, m.Text, "class %s has no memo after the first sync", m.Class)
	}
	return st
}

// TestSkipUnchanged checks Options.SkipUnchanged: once every class has a
// memo, a second sync skips them all, writes nothing, and says so; and
// each change on either side, or a day that changes what the sync does,
// makes the class concerned be read again, with the same result as a
// sync that skips nothing.
func TestSkipUnchanged(t *testing.T) {
	ctx := context.Background()
	at := func(y int, m time.Month, d int) func() time.Time {
		return func() time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	}
	tests := []struct {
		name    string
		change  func(t *testing.T, src *memory.Source, st *memory.Store)
		now     func() time.Time // nil: fixedNow
		skipped []string         // the classes still skipped
		first   bool             // change before the first sync: a date that passes after it
	}{
		{name: "nothing changed", skipped: []string{"3EME1", "3EME2"}},
		{name: "a later day on which nothing changes", now: at(2026, 1, 5), skipped: []string{"3EME1", "3EME2"}},
		{name: "a teacher's appreciation", skipped: []string{"3EME2"}, change: func(t *testing.T, _ *memory.Source, st *memory.Store) {
			editBilan(t, st, "1002", t2, func(b *lsusync.Bilan) { b.Acquis[0].Appreciation = "Très bien." })
		}},
		{name: "a subject removed from a bilan by other software", skipped: []string{"3EME1"}, change: func(t *testing.T, _ *memory.Source, st *memory.Store) {
			editBilan(t, st, "2001", t2, func(b *lsusync.Bilan) { b.Acquis = b.Acquis[:1] })
		}},
		{name: "a pupil moved in the store", skipped: nil, change: func(t *testing.T, _ *memory.Source, st *memory.Store) {
			p, err := st.Student(ctx, "2001")
			require.NoError(t, err)
			p.Class = "3EME1"
			require.NoError(t, st.Apply(ctx, lsusync.ChangeSet{Students: []lsusync.Student{p}}))
		}},
		{name: "a class's label in the store", skipped: []string{"3EME1"}, change: func(t *testing.T, _ *memory.Source, st *memory.Store) {
			classes, err := st.Classes(ctx)
			require.NoError(t, err)
			for _, c := range classes {
				if c.Code == "3EME2" {
					c.Label = "autre"
					require.NoError(t, st.Apply(ctx, lsusync.ChangeSet{Class: &c}))
				}
			}
		}},
		{name: "a label in the source", skipped: []string{"3EME1"}, change: func(t *testing.T, src *memory.Source, _ *memory.Store) {
			class(src, "3EME2").Label = "3E2 EUROPE"
		}},
		{name: "a pupil's name in the source", skipped: []string{"3EME2"}, change: func(t *testing.T, src *memory.Source, _ *memory.Store) {
			class(src, "3EME1").Enrolments[1].Student.LastName = "LEROY-MARCHAND"
		}},
		{name: "a pupil's groups in the source", skipped: []string{"3EME2"}, change: func(t *testing.T, src *memory.Source, _ *memory.Store) {
			class(src, "3EME1").Enrolments[1].Groups = []string{"3ESP"}
		}},
		{name: "a service's teachers in the source", skipped: []string{"3EME1"}, change: func(t *testing.T, src *memory.Source, _ *memory.Store) {
			class(src, "3EME2").Services[1].Teachers = keys(epp102)
		}},
		{name: "an exit date that is past on the day of the sync", now: at(2025, 12, 2), skipped: []string{"3EME2"}, first: true, change: func(t *testing.T, src *memory.Source, _ *memory.Store) {
			// Not past on the first sync's day: the memo knew the pupil
			// present, and must not hold once they have left.
			class(src, "3EME1").Enrolments[0].ExitDate = date(2025, 12, 1)
		}},
		{name: "a professeur principal whose end date is past", now: at(2025, 12, 16), skipped: []string{"3EME1"}, first: true, change: func(t *testing.T, src *memory.Source, _ *memory.Store) {
			c := class(src, "3EME2")
			c.HeadTeachers = append(c.HeadTeachers, lsusync.HeadTeacher{Teacher: epp102, End: date(2025, 12, 15)})
		}},
		{name: "an INE another class's pupil now has too", skipped: nil, change: func(t *testing.T, src *memory.Source, _ *memory.Store) {
			class(src, "3EME2").Enrolments[0].Student.INE = class(src, "3EME1").Enrolments[0].Student.INE
		}},
		{name: "a new pupil in the source", skipped: []string{"3EME1"}, change: func(t *testing.T, src *memory.Source, _ *memory.Store) {
			c := class(src, "3EME2")
			c.Enrolments = append(c.Enrolments, lsusync.Enrolment{Student: lsusync.Student{ID: "2002", Class: "3EME2", LastName: "NOUVEL"}})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := fixtureSource()
			if tc.first {
				tc.change(t, src, nil)
			}
			st := memoed(t, src)
			if tc.change != nil && !tc.first {
				tc.change(t, src, st)
			}
			now := tc.now
			if now == nil {
				now = fixedNow
			}
			// What a sync that skips nothing makes of the same store.
			full := newStore(t, st.Snapshot())
			want, err := lsusync.New(src, full, lsusync.Options{Now: now}).Sync(ctx)
			require.NoError(t, err)

			before := st.Snapshot()
			stamps := memoStamps(t, st)
			rep, err := lsusync.New(src, st, lsusync.Options{Now: now, SkipUnchanged: true}).Sync(ctx)
			require.NoError(t, err)
			require.NoError(t, rep.Err())
			if got := skipped(rep); !slices.Equal(got, tc.skipped) {
				t.Errorf("skipped %q, want %q", got, tc.skipped)
			}
			if diff := cmp.Diff(full.Snapshot(), st.Snapshot()); diff != "" {
				t.Errorf("the store differs from a sync that skips nothing (-full +skipping):\n%s", diff)
			}
			// A skipped class reports one item, and the others as a
			// sync that skips nothing does.
			for _, it := range rep.Items {
				if it.Action == lsusync.ActionSkipped && (it.Kind != lsusync.KindClass || it.Status != lsusync.StatusSuccess || it.Key != it.Class) {
					t.Errorf("skipped item %+v", it)
				}
				if slices.Contains(tc.skipped, it.Class) && it.Action != lsusync.ActionSkipped {
					t.Errorf("a skipped class has item %s %s", it.Kind, it.Key)
				}
			}
			var read []lsusync.Item
			for _, it := range want.Items {
				if !slices.Contains(tc.skipped, it.Class) {
					read = append(read, it)
				}
			}
			var gotRead []lsusync.Item
			for _, it := range rep.Items {
				if it.Action != lsusync.ActionSkipped {
					gotRead = append(gotRead, it)
				}
			}
			if diff := cmp.Diff(read, gotRead, reportOpts); diff != "" {
				t.Errorf("the items of the classes read (-full +skipping):\n%s", diff)
			}
			if len(tc.skipped) == 2 {
				// Nothing to write: nothing written.
				if diff := cmp.Diff(before, st.Snapshot()); diff != "" {
					t.Errorf("a sync that skipped every class changed the store:\n%s", diff)
				}
				if diff := cmp.Diff(stamps, memoStamps(t, st)); diff != "" {
					t.Errorf("a sync that skipped every class wrote (stamps -before +after):\n%s", diff)
				}
			}
			// Whatever happened, the next sync skips every class whose
			// records it wrote: they have their memo again.
			rep, err = lsusync.New(src, st, lsusync.Options{Now: now, SkipUnchanged: true}).Sync(ctx)
			require.NoError(t, err)
			if n := rep.Counts(); n.Updated+n.Added > 0 {
				t.Errorf("the sync after changed records: %+v", n)
			}
		})
	}
}

// TestSkipDryRunAndFullRead checks that a dry run skips as a sync does and
// writes no memo, and that a sync without SkipUnchanged reads every class
// and reports it as before.
func TestSkipDryRunAndFullRead(t *testing.T) {
	ctx := context.Background()
	src := fixtureSource()
	st := memoed(t, src)
	class(src, "3EME2").Label = "3E2 EUROPE"
	stamps := memoStamps(t, st)
	rep, err := lsusync.New(src, st, lsusync.Options{Now: fixedNow, SkipUnchanged: true, DryRun: true}).Sync(ctx)
	require.NoError(t, err)
	if got := skipped(rep); !slices.Equal(got, []string{"3EME1"}) {
		t.Errorf("the dry run skipped %q, want 3EME1", got)
	}
	if diff := cmp.Diff(stamps, memoStamps(t, st)); diff != "" {
		t.Errorf("a dry run wrote (-before +after):\n%s", diff)
	}
	rep, err = lsusync.New(src, st, lsusync.Options{Now: fixedNow}).Sync(ctx)
	require.NoError(t, err)
	if got := skipped(rep); got != nil {
		t.Errorf("a sync without SkipUnchanged skipped %q", got)
	}
	if text := rep.String(); !slices.ContainsFunc(rep.Items, func(it lsusync.Item) bool { return it.Key == "1001/2025-T1" }) {
		t.Errorf("the full read does not list the bilans:\n%s", text)
	}
}

// TestSkippedText checks how a skipped class reads: nothing in the default
// text, one line with the records already up to date.
func TestSkippedText(t *testing.T) {
	src := fixtureSource()
	st := memoed(t, src)
	rep, err := lsusync.New(src, st, lsusync.Options{Now: fixedNow, SkipUnchanged: true}).Sync(context.Background())
	require.NoError(t, err)
	want := "✓      | La classe 3EME1 est inchangée depuis sa dernière synchronisation : elle n'a pas été relue.\n"
	if text := rep.String(); strings.Contains(text, want) {
		t.Errorf("the default text lists a skipped class:\n%s", text)
	}
	var all bytes.Buffer
	require.NoError(t, rep.Write(&all, lsusync.TextOptions{Unchanged: true}))
	if !strings.Contains(all.String(), want) {
		t.Errorf("the text with the records up to date lacks %q:\n%s", want, all.String())
	}
}

// editBilan writes a bilan of the store changed by edit, as another
// writer does.
func editBilan(t *testing.T, st *memory.Store, id string, p lsusync.Period, edit func(*lsusync.Bilan)) {
	t.Helper()
	ctx := context.Background()
	pupil, err := st.Student(ctx, id)
	require.NoError(t, err)
	bilans, err := st.Bilans(ctx, pupil.Class)
	require.NoError(t, err)
	for _, b := range bilans {
		if b.Student == id && b.Period == p {
			edit(&b)
			require.NoError(t, st.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}))
			return
		}
	}
	t.Fatalf("no bilan %s %v", id, p)
}

// memoStamps returns the stamps and memos of the store's classes.
func memoStamps(t *testing.T, st *memory.Store) map[string]lsusync.Memo {
	t.Helper()
	memos, err := st.ClassMemos(context.Background())
	require.NoError(t, err)
	out := make(map[string]lsusync.Memo)
	for _, m := range memos {
		out[m.Class] = m
	}
	return out
}

// TestSkipSaysWarningsEveryTime checks that a class whose synchronisation
// gives a warning gets no memo: it is read at every sync with
// SkipUnchanged, and the report's default text is every time the one of a
// sync that skips nothing, the warning included.
func TestSkipSaysWarningsEveryTime(t *testing.T) {
	ctx := context.Background()
	src := fixtureSource()
	c := class(src, "3EME1")
	c.Enrolments = c.Enrolments[:1]     // 1002 no longer in the class: a warning
	src.School.Name += " (NOUVEAU NOM)" // the first sync writes, and gives the memos
	st := newStore(t, fixtureStore())
	for run := 1; run <= 3; run++ {
		full, err := lsusync.New(src, newStore(t, st.Snapshot()), lsusync.Options{Now: fixedNow}).Sync(ctx)
		require.NoError(t, err)
		rep, err := lsusync.New(src, st, lsusync.Options{Now: fixedNow, SkipUnchanged: true}).Sync(ctx)
		require.NoError(t, err)
		if got, want := skipped(rep), []string{"3EME2"}; run > 1 && !slices.Equal(got, want) {
			t.Errorf("run %d skipped %q, want %q", run, got, want)
		}
		if !strings.Contains(rep.String(), "L'élève (3EME1) ne fait plus partie de la classe") {
			t.Errorf("run %d does not say the pupil is no longer in the class:\n%s", run, rep)
		}
		if diff := cmp.Diff(full.String(), rep.String()); diff != "" {
			t.Errorf("run %d: the text differs from a sync that skips nothing (-full +skipping):\n%s", run, diff)
		}
	}
}
