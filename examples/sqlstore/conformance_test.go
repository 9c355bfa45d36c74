package sqlstore

import (
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
