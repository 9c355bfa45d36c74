//go:build !windows

package filestore

import "os"

// rename renames oldpath to newpath, replacing newpath atomically.
func rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// syncDir flushes the folder's entries to disk, so that a rename done in
// it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
