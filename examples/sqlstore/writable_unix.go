//go:build unix

package sqlstore

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// readOnlyReason says why the SQLite database file at path, of info fi,
// must not be written, or returns "" when it may be. The owner's write
// permission removed (chmod 0400, chmod a-w) marks a file its user wants
// kept as it is, even for the superuser, whom permissions do not stop; a
// file this user may not write, on a file system mounted read-only, or
// in a folder where this user may not create SQLite's -wal and -shm
// files, cannot be written either.
func readOnlyReason(path string, fi fs.FileInfo) string {
	if fi.Mode().Perm()&0o200 == 0 {
		return fmt.Sprintf("mode %v, no write permission", fi.Mode().Perm())
	}
	switch err := unix.Access(path, unix.W_OK); {
	case errors.Is(err, unix.EROFS):
		return "its file system is mounted read-only"
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("mode %v, this user may not write it", fi.Mode().Perm())
	}
	if err := unix.Access(filepath.Dir(path), unix.W_OK); errors.Is(err, fs.ErrPermission) {
		return "this user may not create files in its folder, where SQLite keeps its journal"
	}
	return ""
}
