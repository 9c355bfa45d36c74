package filestore

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// mountReadOnly makes dir a read-only file system until the test ends:
// a read-only bind mount of itself, which only the superuser may make.
func mountReadOnly(t *testing.T, dir string) {
	if os.Geteuid() != 0 {
		t.Skip("a read-only bind mount needs the superuser")
	}
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		t.Skipf("no bind mount here: %v", err)
	}
	if err := unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
		unix.Unmount(dir, 0)
		t.Skipf("no read-only remount here: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, 0); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
}
