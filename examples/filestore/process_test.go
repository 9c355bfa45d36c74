package filestore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
)

// The tests of this file run the test binary again as a child process that
// executes TestHelperProcess with these environment variables.
const (
	envHelper = "FILESTORE_TEST_HELPER" // "saver", "holder" or "reader"
	envPath   = "FILESTORE_TEST_PATH"
)

// crashPupils makes snapshots of a few megabytes (2.7 MB), so that a save
// takes a while and a kill often lands in the middle of one; 1.1 MB under
// the race detector, which makes every step ten times slower.
func crashPupils() int {
	if raceEnabled {
		return 250
	}
	return 600
}

// holderPupils is the size of the store of TestTwoProcesses.
const holderPupils = 100

// TestHelperProcess is the child process of the tests of this file; it
// does nothing in a normal test run.
//
// "saver" opens the store and saves the snapshots B and A alternately
// until it is killed. "holder" opens the store, says "won" and saves B, or
// says "locked: <error>", then waits for its standard input to close.
// "reader" opens the store read only, says "read" or "locked: <error>",
// then waits for its standard input to close.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv(envHelper)
	if role == "" {
		t.Skip("child process of the tests of process_test.go")
	}
	path := os.Getenv(envPath)
	s, err := Open(context.Background(), path, Options{ReadOnly: role == "reader"})
	if err != nil {
		fmt.Printf("locked: %v\n", err)
		os.Exit(0)
	}
	ctx := context.Background()
	switch role {
	case "saver":
		a, b := testSnapshot(crashPupils(), 1), testSnapshot(crashPupils(), 2)
		fmt.Println("ready")
		for i := 0; ; i++ {
			snap := b
			if i%2 == 1 {
				snap = a
			}
			if err := s.persist(ctx, snap, nil); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(3)
			}
		}
	case "holder":
		fmt.Println("won")
		if err := s.persist(ctx, testSnapshot(holderPupils, 2), nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		io.Copy(io.Discard, os.Stdin)
		s.Close()
	case "reader":
		fmt.Println("read")
		io.Copy(io.Discard, os.Stdin)
		s.Close()
	}
	os.Exit(0)
}

// helper starts the child process with the given role on path, and
// returns it with its standard input and the reader of its standard output.
func helper(t *testing.T, role, path string) (*exec.Cmd, io.WriteCloser, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), envHelper+"="+role, envPath+"="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	return cmd, stdin, bufio.NewReader(stdout)
}

func encoded(t *testing.T, s lsusync.Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, encode(&buf, &s))
	return buf.Bytes()
}

// TestCrash kills a process at random moments while it saves two known
// contents A and B in turn: after each kill, the store file is whole and
// holds A or B exactly.
func TestCrash(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lsu.json")
	a, b := testSnapshot(crashPupils(), 1), testSnapshot(crashPupils(), 2)
	encA, encB := encoded(t, a), encoded(t, b)
	s, err := Create(context.Background(), path, a)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	// Time one save to spread the kills over a few saves.
	start := time.Now()
	require.NoError(t, writeFile(filepath.Join(dir, "timing.json"), &b, true))
	save := time.Since(start)
	require.NoError(t, os.Remove(filepath.Join(dir, "timing.json")))
	t.Logf("one save of %d bytes takes %v", len(encB), save)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	deadline := time.Now().Add(10 * time.Second)
	var runs, midSave, sawA, sawB int
	for runs < 40 && (runs < 5 || time.Now().Before(deadline)) {
		runs++
		cmd, stdin, out := helper(t, "saver", path)
		line, err := out.ReadString('\n')
		require.NoError(t, err, "the saver did not start")
		require.Equal(t, "ready\n", line)
		time.Sleep(time.Duration(rng.Int64N(int64(3*save) + 1)))
		require.NoError(t, cmd.Process.Kill())
		cmd.Wait()
		stdin.Close()

		got := readBytes(t, path)
		switch {
		case bytes.Equal(got, encA):
			sawA++
		case bytes.Equal(got, encB):
			sawB++
		default:
			snap, err := decodeFile(path)
			require.NoError(t, err, "run %d: the store file does not decode after a kill", runs)
			t.Fatalf("run %d: the file holds neither A nor B:\nvs A (-want +got):\n%s\nvs B (-want +got):\n%s",
				runs, cmp.Diff(a, snap, equateEmpty), cmp.Diff(b, snap, equateEmpty))
		}
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), tempPrefix(path)) {
				midSave++ // killed during a save
				break
			}
		}
	}
	// The content decodes too, and the next Open cleans up.
	// (Compared through its encoding: cmp.Diff of two large, different
	// contents is slow, and the encoding is deterministic.)
	st, err := Open(context.Background(), path, Options{})
	require.NoError(t, err)
	if got := encoded(t, st.Snapshot()); !bytes.Equal(got, encA) && !bytes.Equal(got, encB) {
		t.Errorf("the content read back is neither A nor B (-A +got):\n%s", cmp.Diff(a, st.Snapshot(), equateEmpty))
	}
	require.NoError(t, st.Close())
	t.Logf("%d kills: %d during a save; file held A %d times, B %d times", runs, midSave, sawA, sawB)
	if midSave == 0 {
		t.Errorf("no kill landed during a save: the test proves nothing")
	}
}

// TestTwoProcesses opens one store from two processes at once: one wins,
// the other fails with ErrBusy's message, and the file stays whole.
func TestTwoProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, testSnapshot(holderPupils, 1))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	for run := range 2 {
		c1, in1, out1 := helper(t, "holder", path)
		c2, in2, out2 := helper(t, "holder", path)
		l1, err := out1.ReadString('\n')
		require.NoError(t, err)
		l2, err := out2.ReadString('\n')
		require.NoError(t, err)
		in1.Close()
		in2.Close()
		require.NoError(t, c1.Wait())
		require.NoError(t, c2.Wait())

		won, lost := l1, l2
		if l2 == "won\n" {
			won, lost = l2, l1
		}
		if won != "won\n" || !strings.HasPrefix(lost, "locked: ") {
			t.Fatalf("run %d: outputs %q and %q, want one \"won\" and one \"locked: ...\"", run, l1, l2)
		}
		if !strings.Contains(lost, "store is in use by another process") {
			t.Errorf("run %d: the loser's error %q does not say the store is in use", run, lost)
		}
		if !bytes.Equal(readBytes(t, path), encoded(t, testSnapshot(holderPupils, 2))) {
			t.Errorf("run %d: the file does not hold the winner's content", run)
		}
	}
}

// startHelper starts a helper with the given role on path and returns it
// with its standard input and the first line it printed.
func startHelper(t *testing.T, role, path string) (*exec.Cmd, io.WriteCloser, string) {
	t.Helper()
	cmd, stdin, out := helper(t, role, path)
	line, err := out.ReadString('\n')
	require.NoError(t, err, "the %s printed nothing", role)
	return cmd, stdin, line
}

// stopHelper closes the helper's standard input and waits for its end.
func stopHelper(t *testing.T, cmd *exec.Cmd, stdin io.WriteCloser) {
	t.Helper()
	stdin.Close()
	require.NoError(t, cmd.Wait())
}

// TestReadersAndWriterProcesses opens one store from several processes:
// two readers share it; while they hold it, a writer is refused, in
// another process or in this one; once they are gone, a writer has it,
// and then readers are refused.
func TestReadersAndWriterProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, testSnapshot(holderPupils, 1))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	before := readBytes(t, path)

	r1, in1, l1 := startHelper(t, "reader", path)
	r2, in2, l2 := startHelper(t, "reader", path)
	if l1 != "read\n" || l2 != "read\n" {
		t.Fatalf("two readers: %q and %q, want \"read\" twice", l1, l2)
	}
	w, inW, lw := startHelper(t, "holder", path)
	if !strings.HasPrefix(lw, "locked: ") || !strings.Contains(lw, "store is in use by another process") {
		t.Errorf("a writer while two readers hold the store: %q, want \"locked: ...\"", lw)
	}
	stopHelper(t, w, inW)
	if _, err := Open(context.Background(), path, Options{}); !errors.Is(err, ErrBusy) {
		t.Errorf("Open for writing in this process while readers hold the store: %v, want ErrBusy", err)
	}
	r3, err := Open(context.Background(), path, Options{ReadOnly: true})
	require.NoError(t, err, "a third reader, in this process")
	require.NoError(t, r3.Close())
	stopHelper(t, r1, in1)
	stopHelper(t, r2, in2)
	if !bytes.Equal(before, readBytes(t, path)) {
		t.Fatal("the store file changed while only readers held it")
	}

	w, inW, lw = startHelper(t, "holder", path)
	require.Equal(t, "won\n", lw, "a writer once the readers are gone")
	r, rin, rl := startHelper(t, "reader", path)
	stopHelper(t, r, rin)
	if rl != "read\n" {
		t.Errorf("a reader while a writer holds the store: %q, want \"read\": it reads without the lock", rl)
	}
	r3, err = Open(context.Background(), path, Options{ReadOnly: true})
	require.NoError(t, err, "a reader in this process while a writer holds the store")
	require.NoError(t, r3.Close())
	stopHelper(t, w, inW)
}

// TestLockReleasedWhenKilled kills a process that holds the store without
// closing it: the system releases its lock, and the next Open succeeds.
func TestLockReleasedWhenKilled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, testSnapshot(holderPupils, 1))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	cmd, stdin, line := startHelper(t, "holder", path)
	require.Equal(t, "won\n", line)
	_, err = Open(context.Background(), path, Options{})
	require.ErrorIs(t, err, ErrBusy, "while the holder runs")
	require.NoError(t, cmd.Process.Kill())
	cmd.Wait()
	stdin.Close()
	s, err = Open(context.Background(), path, Options{})
	require.NoError(t, err, "Open after the holder was killed")
	require.NoError(t, s.Close())
}
