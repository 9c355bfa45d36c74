//go:build !linux

package filestore

import "testing"

// mountReadOnly skips: the tests mount a read-only file system on Linux
// only.
func mountReadOnly(t *testing.T, _ string) {
	t.Skip("the tests mount a read-only file system on Linux only")
}
