package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/memory"
)

// memoTexts returns the memos of st by class.
func memoTexts(t *testing.T, st lsusync.ClassMemos) map[string]string {
	t.Helper()
	list, err := st.ClassMemos(t.Context())
	require.NoError(t, err)
	out := make(map[string]string, len(list))
	for _, m := range list {
		out[m.Class] = m.Text
	}
	return out
}

// reportText is the text of a report as the command prints it, with the
// records already up to date.
func reportText(t *testing.T, rep *lsusync.Report) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, rep.Write(&b, lsusync.TextOptions{Unchanged: true}))
	return b.String()
}

// skipped counts the classes a report says it skipped.
func skipped(rep *lsusync.Report) int {
	n := 0
	for _, it := range rep.Items {
		if it.Action == lsusync.ActionSkipped {
			n++
		}
	}
	return n
}

// TestSkipUnchanged syncs a generated establishment with SkipUnchanged,
// on the SQL store and on the memory store, the reference, step by step:
// each report is the same, and so are the memos. A class whose source and
// records have not changed since its last sync is skipped and nothing is
// written; a teacher's write in a class makes it read again; a change
// writes every class again.
func TestSkipUnchanged(t *testing.T) {
	g := generate(gen.Config{Seed: 5, Pupils: 60, Classes: 3})
	forEngines(t, func(t *testing.T, e Engine) {
		ctx := t.Context()
		st := create(t, e, g.snap)
		mem, err := memory.New(g.snap)
		require.NoError(t, err)
		classes, err := st.Classes(ctx)
		require.NoError(t, err)
		edited := classes[1].Code

		steps := []struct {
			name    string
			src     lsusync.Source
			before  func(st lsusync.Store) // a teacher's write before the sync
			skipped int                    // the classes the sync skips
			writes  bool                   // whether the sync writes
		}{
			{"first sync, every class changed", g.changed, nil, 0, true},
			{"the same exports again", g.changed, nil, len(classes), false},
			{"after a teacher's write in a class", g.changed, func(st lsusync.Store) {
				var bs []lsusync.Bilan
				bs, err = st.Bilans(ctx, edited)
				require.NoError(t, err)
				b := bs[0]
				b.Content = map[string]string{"synthese": "Saisie d'un enseignant."}
				require.NoError(t, st.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}))
			}, len(classes) - 1, false},
			{"the first exports again", g.src, nil, 0, true},
			{"and again", g.src, nil, len(classes), false},
		}
		for _, step := range steps {
			if step.before != nil {
				step.before(mem)
				step.before(st)
			}
			opts := lsusync.Options{Now: g.now, SkipUnchanged: true}
			want, err := lsusync.New(step.src, mem, opts).Sync(ctx)
			require.NoError(t, err)
			written := since(st)
			got, err := lsusync.New(step.src, st, opts).Sync(ctx)
			require.NoError(t, err, step.name)
			require.NoError(t, got.Err(), step.name)
			if d := cmp.Diff(reportText(t, want), reportText(t, got)); d != "" {
				t.Errorf("%s: the report differs from the memory store's (-memory +sql):\n%s", step.name, d)
			}
			if n := skipped(got); n != step.skipped {
				t.Errorf("%s: %d classes skipped, want %d", step.name, n, step.skipped)
			}
			if w := written(); (w.Records > 0) != step.writes {
				t.Errorf("%s: wrote %+v, want writes %v", step.name, w, step.writes)
			}
			if d := cmp.Diff(memoTexts(t, mem), memoTexts(t, st)); d != "" {
				t.Errorf("%s: the memos differ from the memory store's (-memory +sql):\n%s", step.name, d)
			}
		}
	})
}

// TestMemosMigration opens a database of schema version 1, which has no
// memos (the v0.1.0 store without its table class_memos): read only, it is
// read as it is, every class without a memo; opened for writing, it is
// migrated to the current version, and its classes' memos are kept from
// the next sync on.
func TestMemosMigration(t *testing.T) {
	src := v010Source(v010Snapshot())
	now := func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }
	forEngines(t, func(t *testing.T, e Engine) {
		ctx := t.Context()
		db := v010DB(t, e)
		// What a program of version 1 left.
		_, err := db.ExecContext(ctx, "DROP TABLE class_memos")
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, "UPDATE lsusync_schema SET version = 1")
		require.NoError(t, err)
		schema := func() int {
			var v int
			require.NoError(t, db.QueryRowContext(ctx, "SELECT version FROM lsusync_schema").Scan(&v))
			return v
		}

		ro, err := Open(ctx, db, "0750001A", Options{ReadOnly: true})
		require.NoError(t, err)
		memos, err := ro.ClassMemos(ctx)
		require.NoError(t, err)
		require.Len(t, memos, len(src.Classes))
		for _, m := range memos {
			if m.Text != "" || m.Stamp != "0" {
				t.Errorf("read-only store of schema 1: class %q has memo %q, stamp %q; want none, \"0\"", m.Class, m.Text, m.Stamp)
			}
		}
		rep, err := lsusync.New(src, ro, lsusync.Options{Now: now, SkipUnchanged: true, DryRun: true}).Sync(ctx)
		require.NoError(t, err)
		require.NoError(t, rep.Err())
		if err := ro.Apply(ctx, lsusync.ChangeSet{}); !errors.Is(err, ErrReadOnly) {
			t.Errorf("Apply on a read-only store = %v, want ErrReadOnly", err)
		}
		if _, err := ro.BeginBatch(ctx); !errors.Is(err, ErrReadOnly) {
			t.Errorf("BeginBatch on a read-only store = %v, want ErrReadOnly", err)
		}
		if v := schema(); v != 1 {
			t.Fatalf("a read-only Open left schema version %d, want 1", v)
		}

		st, err := Open(ctx, db, "0750001A", Options{})
		require.NoError(t, err)
		if v := schema(); v != SchemaVersion() || v != 5 {
			t.Fatalf("Open migrated to schema version %d, want %d = 5", v, SchemaVersion())
		}
		syncOnce := func() *lsusync.Report {
			rep, err := lsusync.New(src, st, lsusync.Options{Now: now, SkipUnchanged: true}).Sync(ctx)
			require.NoError(t, err)
			require.NoError(t, rep.Err())
			return rep
		}
		if n := skipped(syncOnce()); n != 0 {
			t.Errorf("the first sync after the migration skipped %d classes", n)
		}
		if n := skipped(syncOnce()); n != len(src.Classes) {
			t.Errorf("the second sync skipped %d classes, want all %d", n, len(src.Classes))
		}
	})
}

// applyOnly is a Store that hides the Batcher of the SQL store, so that
// the synchronizer applies each class in a transaction of its own, and
// lets a teacher write before each Apply.
type applyOnly struct {
	*Store
	before func(ctx context.Context, cs lsusync.ChangeSet)

	mu        sync.Mutex
	conflicts map[string]int // the Applies refused with ErrConflict, by class
}

// BeginBatch shadows the Store's: applyOnly is not a Batcher.
func (a *applyOnly) BeginBatch() {}

func (a *applyOnly) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	a.before(ctx, cs)
	err := a.Store.Apply(ctx, cs)
	if errors.Is(err, lsusync.ErrConflict) && cs.Class != nil {
		a.mu.Lock()
		a.conflicts[cs.Class.Code]++
		a.mu.Unlock()
	}
	return err
}

var (
	_ lsusync.Store      = (*applyOnly)(nil)
	_ lsusync.ClassMemos = (*applyOnly)(nil)
)

// TestConflictWithoutBatch syncs without a batch, each class in its own
// transaction, while a teacher enters an appreciation in a bilan of a
// class between the synchronizer's read of the class and its write: the
// write is refused with ErrConflict, nothing of it is written, and the
// class is read again and recomputed. Once: the sync ends without error,
// with the teacher's appreciation and the sync's changes both stored, and
// the class's memo kept. Before every attempt: the class is reported
// refused with ErrConflict, and every appreciation is stored.
//
// On SQLite this is the only way a write comes between the read and the
// write of a class: a batch holds the database's write lock for the whole
// sync, and the teacher's write waits for its commit.
func TestConflictWithoutBatch(t *testing.T) {
	g := generate(gen.Config{Seed: 8, Pupils: 50, Classes: 2})
	for _, every := range []bool{false, true} {
		t.Run(fmt.Sprintf("every=%v", every), func(t *testing.T) {
			forEngines(t, func(t *testing.T, e Engine) {
				ctx := t.Context()
				st := create(t, e, g.snap)
				var (
					mu      sync.Mutex
					class   string // the edited class
					key     lsusync.BilanKey
					subject string
					edits   int
					last    string
				)
				a := &applyOnly{Store: st, conflicts: map[string]int{}}
				if _, ok := any(a).(lsusync.Batcher); ok {
					t.Fatal("applyOnly is a Batcher")
				}
				a.before = func(ctx context.Context, cs lsusync.ChangeSet) {
					mu.Lock()
					defer mu.Unlock()
					if cs.Class == nil || len(cs.Bilans) == 0 || (class != "" && cs.Class.Code != class) || (edits > 0 && !every) {
						return
					}
					if class == "" {
						class, key = cs.Class.Code, cs.Bilans[0].Key()
					}
					b := readBilan(t, st, class, key.Student, key.Period)
					require.NotEmpty(t, b.Acquis)
					subject = b.Acquis[0].Subject.Code
					edits++
					last = fmt.Sprintf("Saisie concurrente n°%d.", edits)
					b.Acquis[0].Appreciation = last
					require.NoError(t, st.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}), "the teacher's write")
				}
				rep, err := lsusync.New(g.changed, a, lsusync.Options{Now: g.now, SkipUnchanged: true}).Sync(ctx)
				require.NoError(t, err)
				require.NotEmpty(t, class, "no class change set with bilans was applied")

				wantConflicts := 1
				if every {
					wantConflicts = 4 // the first attempt and 3 retries
				}
				if d := cmp.Diff(map[string]int{class: wantConflicts}, a.conflicts); d != "" {
					t.Errorf("Applies refused with ErrConflict, by class (-want +got):\n%s", d)
				}
				for _, it := range rep.Items {
					switch {
					case it.Err == nil:
					case every && it.Class == class && errors.Is(it.Err, lsusync.ErrConflict):
					default:
						t.Errorf("report item %v %s of class %q: %v", it.Kind, it.Key, it.Class, it.Err)
					}
				}
				if every && rep.Err() == nil {
					t.Errorf("the report has no error for class %q, refused at every attempt", class)
				}
				b := readBilan(t, st, class, key.Student, key.Period)
				for _, ac := range b.Acquis {
					if ac.Subject.Code == subject && ac.Appreciation != last {
						t.Errorf("bilan %s, subject %s: appreciation %q, want the teacher's last %q", key, subject, ac.Appreciation, last)
					}
				}

				// What is left to write: the refused class only.
				dry, err := lsusync.New(g.changed, st, lsusync.Options{Now: g.now, DryRun: true}).Sync(ctx)
				require.NoError(t, err)
				for _, it := range dry.Items {
					changes := it.Action == lsusync.ActionUpdated || it.Action == lsusync.ActionAdded
					if changes && (!every || it.Class != class) {
						t.Errorf("after the sync, a dry run still finds %v %s of class %q to write", it.Kind, it.Key, it.Class)
					}
				}
				memos := memoTexts(t, st)
				if memo := memos[class]; (memo != "") == every {
					t.Errorf("class %q, written %v: memo %q", class, !every, memo)
				}
			})
		})
	}
}
