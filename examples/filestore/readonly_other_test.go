//go:build !unix

package filestore

import "errors"

// errReadOnlyFS is nil: only Unix systems tell a read-only file system
// (see isReadOnlyFS). errNoSpace stands for an error that is neither.
var (
	errReadOnlyFS error
	errNoSpace    = errors.New("no space left on device")
)
