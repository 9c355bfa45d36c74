package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/lsusynctest"
)

func TestConformance(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
			if seed.Establishment.UAI == "" {
				t.Skip("a store is opened for one establishment: it cannot be made without one")
			}
			// SQLite makes the other writer of SyncKeepsConcurrentEdits
			// wait for the sync's batch, which waits for it: a LockTimeout just
			// over the suite's 5 s ends the wait soon after the suite saw it.
			st, err := Create(t.Context(), testDB(t, e), seed, Options{LockTimeout: 6 * time.Second})
			require.NoError(t, err)
			return st
		})
	})
}

// TestConformanceWithoutBatch runs the suite on an SQLite store that
// hides its Batcher: the synchronizer applies each class in a
// transaction of its own, and the SyncKeepsConcurrentEdits checks, which
// a batch makes wait, run: a teacher's write between the read and the
// write of a class meets the conflict path.
func TestConformanceWithoutBatch(t *testing.T) {
	lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
		if seed.Establishment.UAI == "" {
			t.Skip("a store is opened for one establishment: it cannot be made without one")
		}
		st, err := Create(t.Context(), testDB(t, SQLite), seed, Options{})
		require.NoError(t, err)
		return &applyOnly{Store: st, before: func(context.Context, lsusync.ChangeSet) {}, conflicts: map[string]int{}}
	})
}
