package filestore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
)

// TestReadOnlyFolder keeps a store in a folder that cannot be written:
// its permissions removed (chmod 0500), or a file system mounted
// read-only. A read-only Open reads it, with or without its lock file,
// and leaves the folder as it was; a writing Open and a Create are
// refused with ErrFolderReadOnly, naming the folder and not the lock file.
func TestReadOnlyFolder(t *testing.T) {
	snap := testSnapshot(10, 1)
	for _, how := range []struct {
		name string
		// readOnly makes dir read-only until the test ends, or skips the
		// test.
		readOnly func(t *testing.T, dir string)
		reason   string // in the error
	}{
		{"permissions", chmodReadOnly, "this user may not create files in it"},
		{"read-only file system", mountReadOnly, "its file system is mounted read-only"},
	} {
		for _, withLock := range []bool{false, true} {
			name := how.name + "/no lock file"
			if withLock {
				name = how.name + "/lock file"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "lsu.json")
				s, err := Create(context.Background(), path, snap)
				require.NoError(t, err)
				require.NoError(t, s.Close())
				if !withLock {
					require.NoError(t, os.Remove(path+".lock"))
				}
				how.readOnly(t, dir)
				before := folderContent(t, dir)

				// Read: the content, then no write.
				ro, err := Open(context.Background(), path, Options{ReadOnly: true})
				require.NoError(t, err, "read-only Open in a read-only folder")
				if diff := cmp.Diff(snap, ro.Snapshot(), equateEmpty); diff != "" {
					t.Errorf("content (-want +got):\n%s", diff)
				}
				est, err := ro.Establishment(context.Background())
				require.NoError(t, err)
				est.Name = "Autre"
				if err := ro.Apply(context.Background(), lsusync.ChangeSet{Establishment: &est}); !errors.Is(err, lsusync.ErrReadOnly) {
					t.Errorf("Apply on a read-only store: %v, want lsusync.ErrReadOnly", err)
				}
				require.NoError(t, ro.Close())

				// Write: refused, naming the folder.
				_, err = Open(context.Background(), path, Options{})
				checkFolderError(t, "Open", err, path, dir, how.reason)
				_, err = Create(context.Background(), filepath.Join(dir, "new.json"), snap)
				checkFolderError(t, "Create", err, filepath.Join(dir, "new.json"), dir, how.reason)

				if diff := cmp.Diff(before, folderContent(t, dir)); diff != "" {
					t.Errorf("the folder changed (-before +after):\n%s", diff)
				}
			})
		}
	}
}

// checkFolderError checks an error of a write in a read-only folder.
func checkFolderError(t *testing.T, what string, err error, path, dir, reason string) {
	t.Helper()
	if !errors.Is(err, ErrFolderReadOnly) || !errors.Is(err, ErrReadOnly) {
		t.Fatalf("%s: %v, want ErrFolderReadOnly and ErrReadOnly", what, err)
	}
	want := "filestore: " + path + ": the folder " + dir + " is read-only (" + reason + ")"
	if err.Error() != want {
		t.Errorf("%s: %q, want %q", what, err, want)
	}
}

// folderContent returns the names, sizes and modes of the files of dir.
func folderContent(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var list []string
	for _, e := range entries {
		fi, err := e.Info()
		require.NoError(t, err)
		list = append(list, fi.Name()+" "+fi.Mode().String()+" "+fi.ModTime().String()+" "+strings.Repeat("#", int(min(fi.Size(), 1))))
	}
	slices.Sort(list)
	return list
}

// chmodReadOnly removes the write permission of dir, which stops every
// user but the superuser.
func chmodReadOnly(t *testing.T, dir string) {
	switch {
	case runtime.GOOS == "windows":
		t.Skip("a folder's permissions do not stop writes on Windows")
	case os.Geteuid() == 0:
		t.Skip("the superuser writes in a folder without write permission: TestReadOnlyFolderAsNobody runs this case")
	}
	require.NoError(t, os.Chmod(dir, 0o500))
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
}

// TestLockDenied checks which failures to take the lock are a folder's
// refusal to create the lock file, with the errors the system gives: a
// permission refused, or a read-only file system, when there is no lock
// file.
func TestLockDenied(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lsu.json")
	locked := filepath.Join(dir, "locked.json")
	require.NoError(t, os.WriteFile(locked+".lock", nil, 0o600))
	pathErr := func(p string, err error) error {
		return &fs.PathError{Op: "open", Path: p + ".lock", Err: err}
	}
	for _, tc := range []struct {
		name string
		path string
		err  error
		want bool
	}{
		{"permission refused", path, pathErr(path, fs.ErrPermission), true},
		{"permission refused, lock file there", locked, pathErr(locked, fs.ErrPermission), false},
		{"read-only file system", path, pathErr(path, errReadOnlyFS), true},
		{"read-only file system, lock file there", locked, pathErr(locked, errReadOnlyFS), false},
		{"disk full", path, pathErr(path, errNoSpace), false},
		{"not a path error", path, fs.ErrPermission, false},
		{"busy", path, ErrBusy, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if pe, ok := tc.err.(*fs.PathError); ok && pe.Err == nil {
				t.Skip("this system does not tell a read-only file system")
			}
			if got := lockDenied(tc.path, tc.err); got != tc.want {
				t.Errorf("lockDenied(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
