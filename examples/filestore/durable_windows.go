//go:build windows

package filestore

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// renameRetry bounds the retries of rename.
const renameRetry = 2 * time.Second

// rename renames oldpath to newpath, replacing newpath atomically
// (MoveFileEx). A program that holds newpath open without sharing the
// right to delete it, as an antivirus or a backup tool does while it scans
// a file it has just seen written, makes the rename fail for a moment with
// ERROR_ACCESS_DENIED or ERROR_SHARING_VIOLATION: rename retries for up
// to two seconds, as the go command does for the same reason, then
// returns the error, the store file untouched.
func rename(oldpath, newpath string) error {
	deadline := time.Now().Add(renameRetry)
	for delay := time.Millisecond; ; delay = min(2*delay, 100*time.Millisecond) {
		err := os.Rename(oldpath, newpath)
		if err == nil || !transient(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
	}
}

// transient reports an error of a rename over a file that another
// program holds open.
func transient(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}

// syncDir does nothing: Windows cannot open a folder to flush it. The
// rename is recorded in the file system's journal, which reaches the
// disk within seconds; a crash before then leaves the old store file,
// whole, as a crash before the rename does.
func syncDir(string) error { return nil }
