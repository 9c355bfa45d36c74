package filestore

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
)

// TestSyncWritesOnce synchronises a file store from a generated source:
// a sync that changes every class writes the file once, a second sync
// writes nothing, a dry run writes nothing, and the file holds what the
// store serves.
func TestSyncWritesOnce(t *testing.T) {
	ctx := context.Background()
	e := gen.New(gen.Config{Seed: 3, Pupils: 200})
	changed := e.Clone()
	newKey := lsusync.TeacherKey{Type: "epp", ID: "990001"}
	nt := changed.Teachers[0]
	nt.Key, nt.HeadOf, nt.Substitute = newKey, nil, false
	changed.Teachers = append(changed.Teachers, nt)
	for i := range changed.Divisions {
		if d := &changed.Divisions[i]; len(d.Services) > 0 {
			d.Services[0].Teachers = append(d.Services[0].Teachers, newKey)
		}
	}
	path := filepath.Join(t.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, e.StoreSnapshot())
	require.NoError(t, err)
	defer s.Close()
	today := e.Config.Today
	noon := time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC)
	syncOnce := func(dry bool) *lsusync.Report {
		rep, err := lsusync.New(changed.Source(), s, lsusync.Options{DryRun: dry, Now: func() time.Time { return noon }}).Sync(ctx)
		require.NoError(t, err)
		require.NoError(t, rep.Err())
		return rep
	}

	before := readBytes(t, path)
	if rep := syncOnce(true); rep.Counts().Updated == 0 {
		t.Fatal("the changed source changes nothing")
	}
	if s.writeCount() != 0 || !bytes.Equal(before, readBytes(t, path)) {
		t.Fatalf("a dry run wrote the file (%d writes)", s.writeCount())
	}
	rep := syncOnce(false)
	if len(rep.Classes) < 2 || rep.Counts().Updated == 0 {
		t.Fatalf("the sync updated %d records in %d classes", rep.Counts().Updated, len(rep.Classes))
	}
	if s.writeCount() != 1 {
		t.Errorf("a sync of %d classes wrote the file %d times, want 1", len(rep.Classes), s.writeCount())
	}
	onDisk, err := decodeFile(path)
	require.NoError(t, err)
	if diff := cmp.Diff(s.Snapshot(), onDisk, equateEmpty); diff != "" {
		t.Errorf("the file differs from the store (-store +file):\n%s", diff)
	}
	after := readBytes(t, path)
	syncOnce(false)
	if s.writeCount() != 1 || !bytes.Equal(after, readBytes(t, path)) {
		t.Errorf("a second sync with the same source wrote the file (%d writes)", s.writeCount())
	}
}

// writeCount returns the number of files written since Open.
func (s *Store) writeCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}
