package lsusync_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// editBetweenReadAndWrite returns a failApply hook that, before the
// synchronizer's change set of class is applied, writes an appreciation
// into the bilan of pupil id and period t1 through mem, as a teacher
// would while the sync runs. It edits at the first attempt only, or at
// every attempt when always is set, and counts the edits.
func editBetweenReadAndWrite(t *testing.T, mem *memory.Store, class, id string, always bool) (hook func(lsusync.ChangeSet) error, edits func() int) {
	var mu sync.Mutex
	n := 0
	hook = func(cs lsusync.ChangeSet) error {
		if cs.Class == nil || cs.Class.Code != class {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		if n > 0 && !always {
			return nil
		}
		n++
		ctx := context.Background()
		bilans, err := mem.Bilans(ctx, class)
		require.NoError(t, err)
		for _, b := range bilans {
			if b.Student == id && b.Period == t1 {
				b.Acquis[0].Appreciation = "Saisie pendant la synchronisation."
				require.NoError(t, mem.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}))
			}
		}
		return nil
	}
	return hook, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// TestConflictIsReadAgain checks that a record changed in the store
// between the synchronizer's read and its write is never overwritten:
// the store refuses the change set with ErrConflict, the class is read
// again and recomputed, and both the concurrent edit and the sync's
// changes end in the store.
func TestConflictIsReadAgain(t *testing.T) {
	for _, mode := range storeModes {
		t.Run(mode.name, func(t *testing.T) {
			before, src := manyClasses(3)
			mem := newStore(t, before)
			hook, edits := editBetweenReadAndWrite(t, mem, "C02", "21", false)
			cs := &countingStore{Store: mem, failApply: hook}
			rep, err := lsusync.New(src, mode.wrap(cs), lsusync.Options{Now: fixedNow}).Sync(context.Background())
			require.NoError(t, err)
			if err := rep.Err(); err != nil {
				t.Fatalf("Report.Err() = %v, want nil", err)
			}
			want := synced(before, "C01", "C02", "C03")
			bilan(&want, "21", t1).Acquis[0].Appreciation = "Saisie pendant la synchronisation."
			if diff := cmp.Diff(want, mem.Snapshot()); diff != "" {
				t.Errorf("store (-want +got):\n%s", diff)
			}
			if edits() != 1 {
				t.Errorf("%d concurrent edits, want 1", edits())
			}
		})
	}
}

// TestConflictEveryTime checks that a class whose records keep changing
// is reported as an error matching ErrConflict after the retries, with
// every concurrent edit kept, and that the other classes are
// synchronised.
func TestConflictEveryTime(t *testing.T) {
	for _, retries := range []int{-1, 0, 5} {
		for _, mode := range storeModes {
			t.Run(fmt.Sprintf("retries=%d/%s", retries, mode.name), func(t *testing.T) {
				before, src := manyClasses(3)
				mem := newStore(t, before)
				hook, edits := editBetweenReadAndWrite(t, mem, "C02", "21", true)
				cs := &countingStore{Store: mem, failApply: hook}
				rep, err := lsusync.New(src, mode.wrap(cs), lsusync.Options{Now: fixedNow, ConflictRetries: retries}).
					Sync(context.Background())
				require.NoError(t, err)
				var failed []lsusync.Item
				for _, it := range rep.Items {
					if it.Status == lsusync.StatusError {
						failed = append(failed, it)
					}
				}
				if len(failed) != 1 || failed[0].Key != "C02" || !errors.Is(failed[0].Err, lsusync.ErrConflict) {
					t.Fatalf("error items %+v, want class C02 failed with ErrConflict", failed)
				}
				want := synced(before, "C01", "C03")
				bilan(&want, "21", t1).Acquis[0].Appreciation = "Saisie pendant la synchronisation."
				if diff := cmp.Diff(want, mem.Snapshot()); diff != "" {
					t.Errorf("store (-want +got):\n%s", diff)
				}
				attempts := map[int]int{-1: 1, 0: 4, 5: 6}[retries]
				if edits() != attempts {
					t.Errorf("ConflictRetries %d: %d attempts, want %d", retries, edits(), attempts)
				}
				if text := rep.String(); !strings.Contains(text, "ses données ont été modifiées pendant la synchronisation") {
					t.Errorf("the text does not explain the conflict:\n%s", text)
				}
			})
		}
	}
}
