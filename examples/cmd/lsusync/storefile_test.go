package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadOnlyStore synchronises a store file its user made read-only:
// sync refuses it, naming the file and why, and leaves it as it was, byte
// for byte and mode for mode, without a lock file; a dry run still reads
// it; made writable again, it is synchronised.
func TestReadOnlyStore(t *testing.T) {
	store := sampleCopy(t)
	require.NoError(t, os.Chmod(store, 0o400))
	t.Cleanup(func() { os.Chmod(store, 0o600) }) // Windows removes no read-only file
	before := readFile(t, store)
	fi, err := os.Stat(store)
	require.NoError(t, err)
	unchanged := func(when string) {
		t.Helper()
		now, err := os.Stat(store)
		require.NoError(t, err)
		if !bytes.Equal(before, readFile(t, store)) || now.Mode() != fi.Mode() || !now.ModTime().Equal(fi.ModTime()) {
			t.Errorf("%s: the store file changed (mode %v, was %v)", when, now.Mode(), fi.Mode())
		}
	}

	r := lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir)
	r.require(t, 3)
	for _, want := range []string{"est en lecture seule", "store file is read-only", store} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q does not contain %q", r.stderr, want)
		}
	}
	if r.stdout != "" {
		t.Errorf("a refused sync printed a report:\n%s", r.stdout)
	}
	unchanged("after the refused sync")
	if _, err := os.Lstat(store + ".lock"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused sync made a lock file (%v)", err)
	}

	dry := lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run")
	dry.require(t, 0)
	if !strings.HasPrefix(dry.stdout, "Simulation de la synchronisation") {
		t.Errorf("the dry run's report begins with %q", strings.SplitN(dry.stdout, "\n", 2)[0])
	}
	unchanged("after the dry run")

	require.NoError(t, os.Chmod(store, 0o600))
	lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir).require(t, 0)
	if bytes.Equal(before, readFile(t, store)) {
		t.Error("the store made writable again was not synchronised")
	}
}

// TestMissingStore synchronises a store that is not there: the error
// names the missing file, or the missing folder rather than a lock file
// the user never named, and no lock file is left behind.
func TestMissingStore(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		store   string
		missing string // named in the error
	}{
		{"no file", filepath.Join(dir, "lsu.json"), filepath.Join(dir, "lsu.json")},
		{"no folder", filepath.Join(dir, "gone", "lsu.json"), filepath.Join(dir, "gone")},
	} {
		for _, dry := range []bool{false, true} {
			args := []string{"sync", "-store", tc.store, "-dir", changedDir}
			if dry {
				args = append(args, "-dry-run")
			}
			r := lsusyncRun(t, args...)
			r.require(t, 3)
			if !strings.Contains(r.stderr, tc.missing) || strings.Contains(r.stderr, ".lock") {
				t.Errorf("%s (dry run %v): stderr %q, want it to name %s and no lock file", tc.name, dry, r.stderr, tc.missing)
			}
			if _, err := os.Lstat(tc.store + ".lock"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s (dry run %v): a lock file was left (%v)", tc.name, dry, err)
			}
		}
	}
}
