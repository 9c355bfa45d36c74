package filestore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/lsusynctest"
)

func TestConformance(t *testing.T) {
	lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
		s, err := Create(context.Background(), filepath.Join(t.TempDir(), "lsu.json"), seed)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestConformanceReopened runs the suite on a store read back from its
// file, so that what the suite checks holds after a round trip.
func TestConformanceReopened(t *testing.T) {
	lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
		path := filepath.Join(t.TempDir(), "lsu.json")
		s, err := Create(context.Background(), path, seed)
		require.NoError(t, err)
		require.NoError(t, s.Close())
		s, err = Open(context.Background(), path, Options{})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}
