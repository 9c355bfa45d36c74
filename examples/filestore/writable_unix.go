//go:build unix

package filestore

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// readOnlyReason says why the store file at path, of info fi, must not be
// replaced, or returns "" when it may be. The owner's write permission
// removed (chmod 0400, chmod a-w) marks a file its user wants kept as it
// is, even for the superuser, whom permissions do not stop; a file this
// user may not write, or on a file system mounted read-only, must not be
// replaced either.
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
	return ""
}

// folderReadOnlyReason says why this user may not write in the folder
// dir, or returns "" when the system says it may. The superuser may write
// in a folder without write permission, but not on a read-only file
// system.
func folderReadOnlyReason(dir string) string {
	switch err := unix.Access(dir, unix.W_OK); {
	case errors.Is(err, unix.EROFS):
		return "its file system is mounted read-only"
	case errors.Is(err, fs.ErrPermission):
		return "this user may not create files in it"
	}
	return ""
}

// isReadOnlyFS reports whether err is the refusal of a file system
// mounted read-only.
func isReadOnlyFS(err error) bool { return errors.Is(err, unix.EROFS) }
