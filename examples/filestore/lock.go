package filestore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// lockFile takes the lock of the store file at path: a non-blocking
// advisory lock on the sidecar file path + ".lock", created 0600 when
// absent, exclusive for a writer or shared for a reader. It returns an
// error wrapping [ErrBusy] when another Store holds the lock.
//
// The lock belongs to the open file, not to the process: a second Store
// of this process is refused like another process's. Closing the returned
// lock releases it, and so does the end of the process, however it ends:
// the operating system drops the locks of the files it closes. The lock is
// flock(2) on Unix systems and LockFileEx on Windows.
func lockFile(path string, exclusive bool) (*flock.Flock, error) {
	l := flock.New(path+".lock", flock.SetPermissions(0o600))
	try := l.TryRLock
	if exclusive {
		try = l.TryLock
	}
	ok, err := try()
	var pe *fs.PathError
	switch {
	case err != nil && exclusive && lockDenied(path, err):
		// The folder refuses the lock file: say so of the folder, which
		// the user knows, rather than of the lock file.
		dir := filepath.Dir(path)
		return nil, &folderError{path: path, dir: dir, reason: lockDeniedReason(err), err: err}
	case errors.As(err, &pe): // names the lock file
		return nil, fmt.Errorf("filestore: %s: taking the lock: %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("filestore: %s: taking the lock on %s: %w", path, l.Path(), err)
	case !ok:
		return nil, fmt.Errorf("%w: %s", ErrBusy, path)
	}
	return l, nil
}

// lockDenied reports whether err, the failure to take the lock of the
// store file at path, is the refusal of its folder or file system to
// create the lock file: the lock file does not exist, and this user may
// not create files in the folder, or its file system is mounted
// read-only.
func lockDenied(path string, err error) bool {
	var pe *fs.PathError
	if !errors.As(err, &pe) || !(errors.Is(err, fs.ErrPermission) || isReadOnlyFS(err)) {
		return false
	}
	_, serr := os.Lstat(path + ".lock")
	return errors.Is(serr, fs.ErrNotExist)
}

// lockDeniedReason says why the lock file could not be created.
func lockDeniedReason(err error) string {
	if isReadOnlyFS(err) {
		return "its file system is mounted read-only"
	}
	return "this user may not create files in it"
}
