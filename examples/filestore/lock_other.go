//go:build !unix

package filestore

import (
	"errors"
	"os"
	"runtime"
)

// lockFile fails: this package locks store files with flock(2), which
// only Unix systems have.
func lockFile(path string, exclusive bool) (*os.File, error) {
	return nil, errors.New("filestore: file locking is not supported on " + runtime.GOOS)
}
