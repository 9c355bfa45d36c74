//go:build !linux

package main

import (
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// readOnlyFolder makes dir read-only until the test ends: its write
// permission removed. The superuser, whom permissions do not stop, and
// Windows, where they do not apply to folders, skip.
func readOnlyFolder(t *testing.T, dir string) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("a folder's permissions do not stop this user here")
	}
	require.NoError(t, os.Chmod(dir, 0o500))
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
}
