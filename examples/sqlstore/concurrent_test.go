package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
)

// editSyncs is the number of syncs of TestNoEditLost.
const editSyncs = 100

// TestNoEditLost runs syncs, each of which changes the teachers of every
// bilan, while teachers keep writing appreciations into those bilans from
// other connections: each reads a bilan, changes one appreciation, and
// applies it with the version it read, again after ErrConflict. The
// synchronizer reads a refused class again and recomputes it a few times,
// then reports it. At the end every edit is stored, every sync either
// completed or reported its classes refused with ErrConflict, and the
// store is what the last source makes of it: a dry run finds nothing to
// change.
func TestNoEditLost(t *testing.T) {
	g := generate(gen.Config{Seed: 7, Pupils: 24, Classes: 2, Teachers: 20, SubjectsPerClass: 6})
	forEngines(t, func(t *testing.T, e Engine) {
		ctx := t.Context()
		st := create(t, e, g.snap)
		classes, err := st.Classes(ctx)
		require.NoError(t, err)

		// Each editor owns some (bilan, subject) targets: the last value
		// it stored in each must be there at the end.
		type target struct {
			class string
			key   lsusync.BilanKey
			code  string
		}
		var targets []target
		for _, c := range classes {
			bs, err := st.Bilans(ctx, c.Code)
			require.NoError(t, err)
			for _, b := range bs {
				if len(b.Acquis) > 0 {
					targets = append(targets, target{c.Code, b.Key(), b.Acquis[len(targets)%len(b.Acquis)].Subject.Code})
				}
			}
		}
		const editors = 4
		last := make([]map[int]string, editors)
		var conflicts, edits atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for ed := range editors {
			last[ed] = map[int]string{}
			wg.Go(func() {
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					i := ed + editors*(n%(len(targets)/editors))
					tg := targets[i]
					text := fmt.Sprintf("Appréciation %d de l'enseignant %d.", n, ed)
					for {
						err := writeAppreciation(ctx, st, tg.class, tg.key, tg.code, text)
						if err == nil {
							break
						}
						if !errors.Is(err, lsusync.ErrConflict) {
							t.Errorf("editor %d: %v", ed, err)
							return
						}
						conflicts.Add(1)
					}
					last[ed][i] = text
					edits.Add(1)
				}
			})
		}

		var completed, refused int
		for i := range editSyncs {
			src := g.src
			if i%2 == 0 {
				src = g.changed
			}
			// Syncs of one establishment are minutes apart: wait until the
			// writers have stored an edit since the last sync began (on
			// SQLite they can only write between syncs: its write lock is
			// held for the whole sync), so that every sync runs between
			// edits however slow the machine.
			for before, deadline := edits.Load(), time.Now().Add(time.Minute); edits.Load() == before; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("sync %d: no edit stored for a minute", i)
				}
			}
			rep, err := lsusync.New(src, st, lsusync.Options{Now: g.now}).Sync(ctx)
			require.NoError(t, err)
			if rep.Err() == nil {
				completed++
				continue
			}
			for _, it := range rep.Items {
				if it.Err != nil && !errors.Is(it.Err, lsusync.ErrConflict) {
					t.Fatalf("sync %d: item %s %s failed with %v, want only ErrConflict", i, it.Kind, it.Key, it.Err)
				}
			}
			refused++
		}
		close(stop)
		wg.Wait()
		t.Logf("%d syncs: %d completed, %d with classes refused for a conflict; %d edits, %d retried after a conflict",
			editSyncs, completed, refused, edits.Load(), conflicts.Load())
		if edits.Load() < editSyncs {
			t.Fatalf("only %d edits were made during the syncs: the test proves nothing", edits.Load())
		}

		// The last sync's source, until no class is refused.
		for i := 0; ; i++ {
			rep, err := lsusync.New(g.src, st, lsusync.Options{Now: g.now}).Sync(ctx)
			require.NoError(t, err)
			if rep.Err() == nil {
				break
			}
			require.Less(t, i, 3, "the final sync keeps failing: %v", rep.Err())
		}
		rep, err := lsusync.New(g.src, st, lsusync.Options{Now: g.now, DryRun: true}).Sync(ctx)
		require.NoError(t, err)
		if c := rep.Counts(); c.Updated+c.Added != 0 {
			t.Errorf("after the syncs, a dry run finds %d records to update and %d to add", c.Updated, c.Added)
		}
		for ed := range editors {
			for i, want := range last[ed] {
				tg := targets[i]
				got := appreciation(t, st, tg.class, tg.key, tg.code)
				if got != want {
					t.Errorf("bilan %s subject %s: appreciation %q, want editor %d's last %q", tg.key, tg.code, got, ed, want)
				}
			}
		}
	})
}

// writeAppreciation reads a bilan, sets one acquis's appreciation and
// applies it with the version read, as a teacher's LSU page would.
func writeAppreciation(ctx context.Context, st *Store, class string, key lsusync.BilanKey, code, text string) error {
	bs, err := st.Bilans(ctx, class)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if b.Key() != key {
			continue
		}
		for i := range b.Acquis {
			if b.Acquis[i].Subject.Code == code {
				b.Acquis[i].Appreciation = text
				return st.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}})
			}
		}
		return fmt.Errorf("bilan %s has no subject %s", key, code)
	}
	return fmt.Errorf("class %q has no bilan %s", class, key)
}

func appreciation(t *testing.T, st *Store, class string, key lsusync.BilanKey, code string) string {
	t.Helper()
	b := readBilan(t, st, class, key.Student, key.Period)
	for _, a := range b.Acquis {
		if a.Subject.Code == code {
			return a.Appreciation
		}
	}
	t.Fatalf("bilan %s lost subject %s", key, code)
	return ""
}
