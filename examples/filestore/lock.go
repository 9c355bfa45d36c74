package filestore

import (
	"errors"
	"fmt"
	"io/fs"

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
	case errors.As(err, &pe): // names the lock file
		return nil, fmt.Errorf("filestore: %s: taking the lock: %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("filestore: %s: taking the lock on %s: %w", path, l.Path(), err)
	case !ok:
		return nil, fmt.Errorf("%w: %s", ErrBusy, path)
	}
	return l, nil
}
