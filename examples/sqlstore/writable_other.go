//go:build !unix

package sqlstore

import (
	"fmt"
	"io/fs"
	"runtime"
)

// readOnlyReason says why the SQLite database file of info fi must not be
// written, or returns "" when it may be: its write permission removed,
// which on Windows is the read-only attribute.
func readOnlyReason(_ string, fi fs.FileInfo) string {
	switch {
	case fi.Mode().Perm()&0o200 != 0:
		return ""
	case runtime.GOOS == "windows":
		return "its read-only attribute is set"
	}
	return fmt.Sprintf("mode %v, no write permission", fi.Mode().Perm())
}
