//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/gen"
)

// TestSignals sends SIGINT, then in other runs SIGTERM, to the command
// while it synchronises the classes of a generated establishment of
// 20,000 pupils, as a user's Ctrl-C or a service manager's stop do: sync
// of its store on a later export in which everything changed, and init
// from that export. The command
// runs in a process of its own, with -progress, whose lines on standard
// error say when the classes are under way: the signal goes at the first
// of them.
//
// An interrupted run exits with 130 (SIGINT) or 143 (SIGTERM), prints no
// report, says on standard error that it was interrupted, as LSU says it,
// with the detail, and leaves the store's folder as it was: the store
// file byte for byte, no temporary file, no lock file it did not find
// there (init leaves no store file). The moment is racy: a run may end
// before the signal comes; it must then have succeeded, with a complete
// store. Each case runs until one run was interrupted while it
// synchronised the classes, a few times at most.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 20,000 pupils")
	}
	dir := t.TempDir()
	e := gen.New(gen.Config{Seed: 1, Pupils: 20_000})
	today := e.Config.Today.String()
	later := changeEverything(e)
	exports := filepath.Join(dir, "exports")
	_, err := later.WriteExports(exports, gen.ExportOptions{})
	require.NoError(t, err)
	base := filepath.Join(dir, "lsu.json")
	st, err := filestore.Create(context.Background(), base, e.StoreSnapshot())
	require.NoError(t, err)
	require.NoError(t, st.Close())

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run("sync/"+sig.String(), func(t *testing.T) {
			interruptUntil(t, sig, func(t *testing.T, work string) []string {
				store := filepath.Join(work, "lsu.json")
				copyFile(t, base, store)
				// A store opened once has its lock file, which stays.
				require.NoError(t, os.WriteFile(store+".lock", nil, 0o600))
				return []string{"sync", "-store", store, "-dir", exports, "-today", today, "-progress"}
			}, func(t *testing.T, work string, r result) {
				if !strings.Contains(r.stdout, "ont été mis à jour") {
					t.Errorf("a sync that ended before the signal printed:\n%s", r.stdout)
				}
				s, err := filestore.Open(context.Background(), filepath.Join(work, "lsu.json"), filestore.Options{ReadOnly: true})
				require.NoError(t, err)
				defer s.Close()
				if est, _ := s.Establishment(context.Background()); est.Name != later.Identity.Name {
					t.Errorf("a sync that ended before the signal left the establishment %q, want %q", est.Name, later.Identity.Name)
				}
			}, func(string) string { return "" })
		})
		t.Run("init/"+sig.String(), func(t *testing.T) {
			interruptUntil(t, sig, func(t *testing.T, work string) []string {
				return []string{"init", "-store", filepath.Join(work, "lsu.json"), "-dir", exports, "-today", today, "-progress"}
			}, func(t *testing.T, work string, r result) {
				s, err := filestore.Open(context.Background(), filepath.Join(work, "lsu.json"), filestore.Options{ReadOnly: true})
				require.NoError(t, err)
				defer s.Close()
				snap, want := s.Snapshot(), later.StoreSnapshot()
				if len(snap.Students) != len(want.Students) || len(snap.Bilans) != len(want.Bilans) {
					t.Errorf("an init that ended before the signal made %d pupils and %d bilans, want %d and %d",
						len(snap.Students), len(snap.Bilans), len(want.Students), len(want.Bilans))
				}
			}, func(work string) string {
				return " " + filepath.Join(work, "lsu.json") + " n'a pas été créé : relancez « lsusync init »."
			})
		})
	}
}

// interruptUntil runs the command that prepare makes ready in a fresh
// folder, sends it sig when it says the classes are under way, and checks
// how it ended, until a run is interrupted, 5 runs at most. finished
// checks a run that ended before the signal; more returns what the
// interruption's message adds to lsusync.RefusalText.
func interruptUntil(t *testing.T, sig syscall.Signal, prepare func(t *testing.T, work string) []string,
	finished func(t *testing.T, work string, r result), more func(work string) string) {
	const attempts = 5
	for i := range attempts {
		work := t.TempDir()
		args := prepare(t, work)
		before := folderState(t, work)
		r, signalled := runAndSignal(t, args, sig)
		switch {
		case r.code == 128+int(sig):
			want := []string{"lsusync: " + lsusync.RefusalText(context.Canceled) + more(work),
				"  détail : context canceled: interrupted by " + os.Signal(sig).String()}
			if got := messages(r.stderr); !slices.Equal(got, want) {
				t.Errorf("run %d: stderr says\n%q\nwant\n%q\nstderr:\n%s", i, got, want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("run %d: an interrupted run printed on stdout:\n%s", i, r.stdout)
			}
			if after := folderState(t, work); !slices.Equal(before, after) {
				t.Errorf("run %d: the folder changed:\nbefore %q\nafter  %q", i, before, after)
			}
			if !signalled {
				t.Fatalf("run %d: interrupted without a signal", i)
			}
			t.Logf("run %d: interrupted while the classes were synchronised", i)
			return
		case r.code == 0:
			t.Logf("run %d: ended before the signal (signal sent: %v)", i, signalled)
			finished(t, work, r)
			if names := folderNames(t, work); !slices.Equal(names, []string{"lsu.json", "lsu.json.lock"}) {
				t.Errorf("run %d: the folder holds %q", i, names)
			}
		default:
			t.Fatalf("run %d: exit status %d, want %d or 0\nstdout:\n%s\nstderr:\n%s", i, r.code, 128+int(sig), r.stdout, r.stderr)
		}
	}
	t.Fatalf("no run of %d was interrupted while it synchronised the classes", attempts)
}

// runAndSignal runs the command with args in a process, sends it sig at
// its first line saying that classes are synchronised, and returns how it
// ended and whether the signal was sent.
func runAndSignal(t *testing.T, args []string, sig syscall.Signal) (result, bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	// A run that hangs is killed: the test then fails on its status.
	timer := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	signalled := false
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		line := sc.Text()
		stderr.WriteString(line + "\n")
		if !signalled && strings.HasPrefix(line, "Synchronisation des classes : ") {
			if err := cmd.Process.Signal(sig); err == nil {
				signalled = true
			}
		}
	}
	require.NoError(t, sc.Err())
	err = cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %q: %v", args, err)
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}, signalled
}

// messages returns the lines of stderr that are not progress lines: the
// command's messages and their details.
func messages(stderr string) []string {
	var lines []string
	for line := range strings.Lines(stderr) {
		if strings.HasPrefix(line, "lsusync: ") || strings.HasPrefix(line, "  détail : ") {
			lines = append(lines, strings.TrimSuffix(line, "\n"))
		}
	}
	return lines
}

// folderState returns the files of dir, each with its size and a digest
// of its content.
func folderState(t *testing.T, dir string) []string {
	t.Helper()
	var state []string
	for _, name := range folderNames(t, dir) {
		data := readFile(t, filepath.Join(dir, name))
		state = append(state, fmt.Sprintf("%s %d %x", name, len(data), sha256.Sum256(data)))
	}
	return state
}

// folderNames returns the names of the files of dir, sorted.
func folderNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}
