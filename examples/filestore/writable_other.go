//go:build !unix

package filestore

import (
	"fmt"
	"io/fs"
	"runtime"
)

// readOnlyReason says why the store file of info fi must not be replaced,
// or returns "" when it may be: its write permission removed, which on
// Windows is the read-only attribute.
func readOnlyReason(_ string, fi fs.FileInfo) string {
	switch {
	case fi.Mode().Perm()&0o200 != 0:
		return ""
	case runtime.GOOS == "windows":
		return "its read-only attribute is set"
	}
	return fmt.Sprintf("mode %v, no write permission", fi.Mode().Perm())
}

// folderReadOnlyReason returns "": this system does not tell, before a
// file is created, whether the folder dir accepts it; the lock file's
// creation tells (see lockDenied).
func folderReadOnlyReason(_ string) string { return "" }

// isReadOnlyFS reports whether err is the refusal of a file system
// mounted read-only, which this package tells only on Unix systems:
// elsewhere, a folder that refuses the lock file with a permission error
// is taken for read-only (see lockDenied).
func isReadOnlyFS(_ error) bool { return false }
