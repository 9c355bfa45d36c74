package filestore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

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
		return nil, busyError(path, exclusive)
	}
	return l, nil
}

// BusyError reports a store file that another Store holds open. It
// matches [ErrBusy], and says who holds the store when the holder said it
// ([Options.Holder]).
type BusyError struct {
	// Path is the store file.
	Path string
	// Holder is the Options.Holder of the Store that holds the file open
	// for writing, or "" when readers hold it or the writer said nothing.
	Holder string
	// Since is when the holder opened it; zero with an empty Holder.
	Since time.Time
}

// Error says that the store is in use, and by whom when it is known.
func (e *BusyError) Error() string {
	s := ErrBusy.Error() + ": " + e.Path
	if e.Holder != "" {
		s += " (held by " + e.Holder + " since " + e.Since.Format(time.RFC3339) + ")"
	}
	return s
}

// Is reports whether target is [ErrBusy].
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// busyError is the error of a lock of path that another Store holds:
// with the holder that its lock file names, when a writer holds it. A
// writer refused while only readers hold the store gets no holder: the
// lock file names the last writer, who may have gone.
func busyError(path string, exclusive bool) error {
	e := &BusyError{Path: path}
	if exclusive {
		if l := flock.New(path + ".lock"); func() bool { ok, err := l.TryRLock(); return ok && err == nil }() {
			l.Close() // readers hold it
			return e
		}
	}
	b, err := os.ReadFile(path + ".lock")
	if err != nil || len(b) > maxHolder {
		return e
	}
	holder, since, ok := strings.Cut(strings.TrimSuffix(string(b), "\n"), "\t")
	t, terr := time.Parse(time.RFC3339, since)
	if ok && terr == nil && holder != "" {
		e.Holder, e.Since = holder, t
	}
	return e
}

// maxHolder bounds the lock file that busyError reads.
const maxHolder = 1 << 10

// sayHolder writes in the lock file of path, which this process holds
// for writing, who holds it and since when, for the Opens it refuses to
// say. It is best effort: where the lock keeps the file from being
// written (Windows), the refusals name no holder.
func sayHolder(path, holder string, since time.Time) {
	if holder == "" || len(holder) > maxHolder/2 || strings.ContainsAny(holder, "\t\n") {
		return
	}
	_ = os.WriteFile(path+".lock", []byte(holder+"\t"+since.Format(time.RFC3339)+"\n"), 0o600)
}

// unsayHolder empties the lock file of path before its lock is released.
func unsayHolder(path string) { _ = os.Truncate(path+".lock", 0) }

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
