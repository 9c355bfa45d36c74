//go:build unix

package filestore

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile opens path + ".lock", creating it 0600, and takes a
// non-blocking flock on it: exclusive, or shared when exclusive is false.
// Closing the returned file releases the lock, as does the end of the
// process, however it ends.
func lockFile(path string, exclusive bool) (*os.File, error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil && !exclusive {
		f, err = os.Open(name) // a reader in a folder it cannot write
	}
	if err != nil {
		return nil, fmt.Errorf("filestore: opening the lock file: %w", err)
	}
	how := syscall.LOCK_EX
	if !exclusive {
		how = syscall.LOCK_SH
	}
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s", ErrBusy, path)
		}
		return nil, fmt.Errorf("filestore: locking %s: %w", name, err)
	}
	return f, nil
}
