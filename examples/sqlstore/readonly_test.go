package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
)

// fileState is what a test checks is left as it was of an SQLite file.
type fileState struct {
	data  []byte
	mode  fs.FileMode
	mtime time.Time
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fileState{b, fi.Mode(), fi.ModTime()}
}

// expectUntouched fails the test when the file at path is not as before,
// or when SQLite's -wal or -shm files are next to it.
func expectUntouched(t *testing.T, path string, before fileState, when string) {
	t.Helper()
	now := stateOf(t, path)
	if !bytes.Equal(now.data, before.data) || now.mode != before.mode || !now.mtime.Equal(before.mtime) {
		t.Errorf("%s: the database file changed (mode %v, was %v)", when, now.mode, before.mode)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Lstat(path + suffix); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %s is next to the database file (%v)", when, filepath.Base(path+suffix), err)
		}
	}
}

// TestReadOnlyFile opens an SQLite file its user made read-only: Connect
// refuses it with ErrReadOnly naming the file and its mode, before SQLite
// opens it, leaving it as it was and no -wal or -shm file next to it, for
// the superuser too; ConnectReadOnly and a read-only store read it, a dry
// run included, and write nothing. A writable file is connected to.
func TestReadOnlyFile(t *testing.T) {
	g := generate(gen.Config{Seed: 9, Pupils: 40, Classes: 2})
	for _, tc := range []struct {
		mode     fs.FileMode
		readOnly bool
	}{
		{0o400, true},
		{0o444, true},
		{0o440, true},
		{0o500, true},
		{0o600, false},
		{0o644, false},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "lsu.db")
			db, err := Connect(ctx, path)
			require.NoError(t, err)
			_, err = Create(ctx, db, g.snap, Options{})
			require.NoError(t, err)
			require.NoError(t, db.Close())
			require.NoError(t, os.Chmod(path, tc.mode))
			t.Cleanup(func() { os.Chmod(path, 0o600) }) // Windows removes no read-only file
			before := stateOf(t, path)
			expectUntouched(t, path, before, "after Create and Close")

			db, err = Connect(ctx, "sqlite:"+path)
			if !tc.readOnly {
				require.NoError(t, err)
				require.NoError(t, db.Close())
				return
			}
			if !errors.Is(err, ErrReadOnly) {
				t.Fatalf("Connect: %v, want ErrReadOnly", err)
			}
			if want := "sqlstore: database is read-only: " + path + " (mode " + tc.mode.String(); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Connect: %q, want it to begin with %q", err, want)
			}
			expectUntouched(t, path, before, "after the refused Connect")

			db, err = ConnectReadOnly(ctx, path)
			require.NoError(t, err)
			st, err := Open(ctx, db, "", Options{ReadOnly: true})
			require.NoError(t, err)
			if d := cmp.Diff(normalize(g.snap, false), dump(t, st, false), equateEmpty); d != "" {
				t.Errorf("content read (-want +got):\n%s", d)
			}
			rep, err := lsusync.New(g.changed, st, lsusync.Options{Now: g.now, DryRun: true, SkipUnchanged: true}).Sync(ctx)
			require.NoError(t, err)
			require.NoError(t, rep.Err())
			if rep.Counts().Updated == 0 {
				t.Error("the dry run found nothing to change")
			}
			if _, err := st.BeginBatch(ctx); !errors.Is(err, ErrReadOnly) {
				t.Errorf("BeginBatch: %v, want ErrReadOnly", err)
			}
			if _, err := db.ExecContext(ctx, "UPDATE establishments SET name = 'x'"); err == nil {
				t.Error("the read-only connection wrote the file")
			}
			require.NoError(t, db.Close())
			expectUntouched(t, path, before, "after the read-only reads")
		})
	}
}

// TestMadeReadOnlyWhileOpen makes the SQLite file read-only while a store
// has it open: its writes are refused with ErrReadOnly, and nothing is
// written; writable again, the store writes.
func TestMadeReadOnlyWhileOpen(t *testing.T) {
	ctx := t.Context()
	g := generate(gen.Config{Seed: 9, Pupils: 40, Classes: 2})
	path := filepath.Join(t.TempDir(), "lsu.db")
	db, err := Connect(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	st, err := Create(ctx, db, g.snap, Options{})
	require.NoError(t, err)
	require.NoError(t, os.Chmod(path, 0o400))
	t.Cleanup(func() { os.Chmod(path, 0o600) })

	est, err := st.Establishment(ctx)
	require.NoError(t, err)
	est.Name = "Autre"
	if err := st.Apply(ctx, lsusync.ChangeSet{Establishment: &est}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Apply: %v, want ErrReadOnly", err)
	}
	if _, err := st.BeginBatch(ctx); !errors.Is(err, ErrReadOnly) {
		t.Errorf("BeginBatch: %v, want ErrReadOnly", err)
	}
	if got, _ := st.Establishment(ctx); got.Name != g.snap.Establishment.Name {
		t.Errorf("a refused write is visible: %q", got.Name)
	}
	require.NoError(t, os.Chmod(path, 0o600))
	require.NoError(t, st.Apply(ctx, lsusync.ChangeSet{Establishment: &est}))
}

// TestReadOnlyFileWithJournal reads a read-only SQLite file next to a
// -wal file that holds committed changes not yet folded into it (a
// program was killed): ConnectReadOnly reads them.
func TestReadOnlyFileWithJournal(t *testing.T) {
	ctx := t.Context()
	g := generate(gen.Config{Seed: 9, Pupils: 40, Classes: 2})
	dir := t.TempDir()
	path := filepath.Join(dir, "lsu.db")
	db, err := Connect(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	st, err := Create(ctx, db, g.snap, Options{})
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	require.NoError(t, err)
	est, err := st.Establishment(ctx)
	require.NoError(t, err)
	est.Name = "Nom dans le journal"
	require.NoError(t, st.Apply(ctx, lsusync.ChangeSet{Establishment: &est}))

	// A copy of the file and its journal, as a killed program leaves them.
	copyPath := filepath.Join(t.TempDir(), "copie.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(copyPath+suffix, b, 0o400))
	}
	t.Cleanup(func() { os.Chmod(copyPath, 0o600) })
	if fi, err := os.Stat(copyPath + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the journal holds nothing: %v", err)
	}
	ro, err := ConnectReadOnly(ctx, copyPath)
	require.NoError(t, err)
	defer ro.Close()
	rst, err := Open(ctx, ro, "", Options{ReadOnly: true})
	require.NoError(t, err)
	got, err := rst.Establishment(ctx)
	require.NoError(t, err)
	if got.Name != est.Name {
		t.Errorf("establishment name %q, want %q from the journal", got.Name, est.Name)
	}
}

// TestConnectReadOnlyPostgres: a PostgreSQL session of ConnectReadOnly
// reads and refuses every write.
func TestConnectReadOnlyPostgres(t *testing.T) {
	ctx := t.Context()
	url := testURL(t, Postgres)
	g := generate(gen.Config{Seed: 9, Pupils: 40, Classes: 2})
	db, err := Connect(ctx, url)
	require.NoError(t, err)
	defer db.Close()
	_, err = Create(ctx, db, g.snap, Options{})
	require.NoError(t, err)

	ro, err := ConnectReadOnly(ctx, url)
	require.NoError(t, err)
	defer ro.Close()
	st, err := Open(ctx, ro, "", Options{ReadOnly: true})
	require.NoError(t, err)
	if d := cmp.Diff(normalize(g.snap, false), dump(t, st, false), equateEmpty); d != "" {
		t.Errorf("content read (-want +got):\n%s", d)
	}
	if _, err := ro.ExecContext(ctx, "UPDATE establishments SET name = 'x'"); err == nil {
		t.Error("the read-only session wrote")
	}
	if err := st.Apply(ctx, lsusync.ChangeSet{}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Apply: %v, want ErrReadOnly", err)
	}
	if _, err := Open(context.Background(), ro, "", Options{}); err != nil {
		t.Errorf("Open for writing of an up-to-date database on a read-only session: %v", err)
	}
}
