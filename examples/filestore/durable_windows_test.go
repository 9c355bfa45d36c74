//go:build windows

package filestore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
)

// TestRenameOverOpenFile writes the store while another program holds
// the store file open, as an antivirus does for a moment: Windows refuses
// to replace an open file, so the write waits for it to be closed; held
// open longer than the retries, the write fails and changes nothing.
func TestRenameOverOpenFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lsu.json")
	snap := testSnapshot(5, 1)
	s, err := Create(context.Background(), path, snap)
	require.NoError(t, err)
	defer s.Close()
	est := snap.Establishment

	scanner, err := os.Open(path)
	require.NoError(t, err)
	const held = 200 * time.Millisecond
	time.AfterFunc(held, func() { scanner.Close() })
	est.Name = "Collège A"
	start := time.Now()
	require.NoError(t, s.Apply(ctx, lsusync.ChangeSet{Establishment: &est}), "a write while the file is open for a moment")
	waited := time.Since(start)
	got, err := decodeFile(path)
	require.NoError(t, err)
	if got.Establishment.Name != "Collège A" {
		t.Fatalf("the file holds %q", got.Establishment.Name)
	}
	if waited < held*3/4 {
		t.Skipf("the write took %v: this system replaces a file open elsewhere, nothing to retry", waited)
	}

	holder, err := os.Open(path)
	require.NoError(t, err)
	defer holder.Close()
	before := readBytes(t, path)
	changed := est
	changed.Name = "Collège B"
	start = time.Now()
	if err := s.Apply(ctx, lsusync.ChangeSet{Establishment: &changed}); err == nil {
		t.Fatal("a write while the file stays open succeeded")
	} else {
		t.Logf("after %v: %v", time.Since(start), err)
	}
	if time.Since(start) < renameRetry {
		t.Errorf("the write gave up after %v, before %v", time.Since(start), renameRetry)
	}
	if !bytes.Equal(before, readBytes(t, path)) {
		t.Error("the failed write changed the file")
	}
	if cur, _ := s.Establishment(ctx); cur != est {
		t.Errorf("the failed write is visible: %+v", cur)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() != "lsu.json" && e.Name() != "lsu.json.lock" {
			t.Errorf("the failed write left %s", e.Name())
		}
	}
}
