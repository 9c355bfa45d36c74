//go:build unix

package filestore

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The system's errors of a read-only file system and a full disk.
var (
	errReadOnlyFS error = unix.EROFS
	errNoSpace    error = unix.ENOSPC
)

// TestReadOnlyFolderAsNobody runs the cases of TestReadOnlyFolder that a
// folder's permissions make, which do not stop the superuser, as the user
// nobody, when the tests run as the superuser (as in a container).
func TestReadOnlyFolderAsNobody(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not the superuser: TestReadOnlyFolder runs these cases itself")
	}
	const nobody = 65534
	// The test binary and a temporary folder where nobody may read and
	// write.
	dir, err := os.MkdirTemp("", "filestore-nobody-") // t.TempDir's parent is 0700
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	bin := filepath.Join(dir, "filestore.test")
	data, err := os.ReadFile(os.Args[0])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bin, data, 0o755))
	tmp := filepath.Join(dir, "tmp")
	require.NoError(t, os.Mkdir(tmp, 0o700))
	require.NoError(t, os.Chown(tmp, nobody, nobody))

	cmd := exec.Command(bin, "-test.run", "^TestReadOnlyFolder$/^permissions$", "-test.v")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+tmp, "GOCOVERDIR=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("TestReadOnlyFolder/permissions as nobody: %v\n%s", err, out)
	}
	for _, want := range []string{"--- PASS: TestReadOnlyFolder/permissions/no_lock_file", "--- PASS: TestReadOnlyFolder/permissions/lock_file"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("as nobody, no %q:\n%s", want, out)
		}
	}
}
