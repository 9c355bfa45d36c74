//go:build unix

package sqlstore

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/memory"
)

// The tests of this file run the test binary again as child processes
// that execute TestHelperProcess with these environment variables.
const (
	envHelper = "SQLSTORE_TEST_HELPER" // "syncer" or "crasher"
	envURL    = "SQLSTORE_TEST_URL"
	envWork   = "SQLSTORE_TEST_WORK"  // syncer: establishment indexes, comma separated
	envFirst  = "SQLSTORE_TEST_FIRST" // crasher: "changed" to sync the changed source first
)

// manyConfig is the generator config of establishment i of
// TestManyEstablishments.
func manyConfig(i int) gen.Config {
	return gen.Config{Seed: int64(1000 + i), Pupils: 30, Classes: 2, Teachers: 20, SubjectsPerClass: 6,
		UAI: fmt.Sprintf("%07dA", 750100+i)}
}

// crashConfig is the establishment of TestCrash: a sync of the changed
// source writes about 8,000 rows (2,000 under the race detector, which
// makes SQLite ten times slower). A commit's time is mostly the flush of
// the journal to disk, whatever the size: a small establishment makes
// each sync short and its commit a large part of it.
func crashConfig() gen.Config {
	if raceEnabled {
		return gen.Config{Seed: 11, Pupils: 25}
	}
	return gen.Config{Seed: 11, Pupils: 100}
}

// TestHelperProcess is the child process of TestManyEstablishments and
// TestCrash; it does nothing in a normal test run.
//
// "syncer" syncs the changed source of each establishment of its work
// list into the database, waiting for another process's sync of the same
// establishment, and prints "done". "crasher" syncs the original source
// and the changed one in turn (the changed one first when envFirst says
// so) into the only establishment of an SQLite database until it is
// killed, printing "commit" before each commit and "committed" once it
// returned.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv(envHelper)
	if role == "" {
		t.Skip("child process of TestManyEstablishments and TestCrash")
	}
	ctx := context.Background()
	db, err := Connect(ctx, os.Getenv(envURL))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	switch role {
	case "syncer":
		for _, f := range strings.Split(os.Getenv(envWork), ",") {
			i, _ := strconv.Atoi(f)
			cfg := manyConfig(i)
			g := generate(cfg)
			st, err := Open(ctx, db, cfg.UAI, Options{LockTimeout: time.Minute})
			if err != nil {
				fail(err)
			}
			// A sync that waited for another one finds the records it
			// read before the wait changed: the synchronizer reads them
			// again.
			rep, err := lsusync.New(g.changed, st, lsusync.Options{Now: g.now}).Sync(ctx)
			if err != nil {
				fail(err)
			}
			if err := rep.Err(); err != nil {
				fail(err)
			}
		}
		fmt.Println("done")
	case "crasher":
		g := generate(crashConfig())
		st, err := Open(ctx, db, "", Options{})
		if err != nil {
			fail(err)
		}
		fmt.Println("ready")
		first := 0
		if os.Getenv(envFirst) == "changed" {
			first = 1
		}
		for i := first; ; i++ {
			src := g.src
			if i%2 == 1 {
				src = g.changed
			}
			rep, err := lsusync.New(src, announcer{st}, lsusync.Options{Now: g.now}).Sync(ctx)
			if err != nil {
				fail(err)
			}
			if err := rep.Err(); err != nil {
				fail(err)
			}
		}
	}
	os.Exit(0)
}

// announcer is a Store whose batches print "commit" before they commit,
// and "committed" once Commit returned.
type announcer struct{ *Store }

func (a announcer) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	b, err := a.Store.BeginBatch(ctx)
	return announced{b}, err
}

type announced struct{ lsusync.Batch }

func (b announced) Commit(ctx context.Context) error {
	fmt.Println("commit")
	err := b.Batch.Commit(ctx)
	fmt.Println("committed")
	return err
}

// helper starts a child process with the given role, and returns it with
// the reader of its standard output.
func helper(t *testing.T, role, url string, env ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), append(env, envHelper+"="+role, envURL+"="+url)...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	return cmd, bufio.NewReader(stdout)
}

// TestManyEstablishments creates 50 generated establishments in one
// PostgreSQL database and syncs them from 4 processes at once, each
// establishment given to one process and some to two: each establishment
// ends exactly as a lone sync would leave it.
func TestManyEstablishments(t *testing.T) {
	const n, procs = 50, 4
	url := testURL(t, Postgres)
	ctx := t.Context()
	db, err := Connect(ctx, url)
	require.NoError(t, err)
	defer db.Close()

	want := make([]lsusync.Snapshot, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			g := generate(manyConfig(i))
			if _, errs[i] = Create(ctx, db, g.snap, Options{}); errs[i] != nil {
				return
			}
			mem, err := memory.New(g.snap)
			if err != nil {
				errs[i] = err
				return
			}
			rep, err := lsusync.New(g.changed, mem, lsusync.Options{Now: g.now}).Sync(ctx)
			if err == nil {
				err = rep.Err()
			}
			errs[i] = err
			want[i] = normalize(mem.Snapshot(), false)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}

	// Process p syncs the establishments i with i%procs == p, and every
	// fifth establishment is also given to the next process.
	work := make([][]string, procs)
	twice := 0
	for i := range n {
		work[i%procs] = append(work[i%procs], strconv.Itoa(i))
		if i%5 == 0 {
			work[(i+1)%procs] = append(work[(i+1)%procs], strconv.Itoa(i))
			twice++
		}
	}
	start := time.Now()
	cmds := make([]*exec.Cmd, procs)
	outs := make([]*bufio.Reader, procs)
	for p := range procs {
		cmds[p], outs[p] = helper(t, "syncer", url, envWork+"="+strings.Join(work[p], ","))
	}
	failed := false
	for p := range procs {
		line, _ := outs[p].ReadString('\n')
		if err := cmds[p].Wait(); err != nil || line != "done\n" {
			t.Errorf("process %d: %v, output %q", p, err, line)
			failed = true
		}
	}
	if failed {
		t.FailNow()
	}
	t.Logf("%d establishments (%d of them twice) synced by %d processes in %v", n, twice, procs, time.Since(start))

	for i := range n {
		st, err := Open(ctx, db, manyConfig(i).UAI, Options{})
		require.NoError(t, err)
		if d := cmp.Diff(want[i], dump(t, st, false), equateEmpty); d != "" {
			t.Errorf("establishment %d differs from a lone sync (-lone +synced):\n%s", i, d)
		}
	}
}

// line is a line a child process printed, and when the test read it.
type line struct {
	text string
	at   time.Time
}

// lines reads the lines of out into a channel, closed at the end of out.
func lines(out *bufio.Reader) <-chan line {
	ch := make(chan line, 16)
	go func() {
		defer close(ch)
		for {
			s, err := out.ReadString('\n')
			if err != nil {
				return
			}
			ch <- line{strings.TrimSuffix(s, "\n"), time.Now()}
		}
	}()
	return ch
}

// expectLine reads the next line of ch and fails the test unless it is
// want.
func expectLine(t *testing.T, ch <-chan line, want string) line {
	t.Helper()
	select {
	case l, ok := <-ch:
		if !ok {
			t.Fatalf("the child process stopped before it printed %q", want)
		}
		if l.text != want {
			t.Fatalf("the child process printed %q, want %q", l.text, want)
		}
		return l
	case <-time.After(time.Minute):
		t.Fatalf("the child process printed nothing for a minute, want %q", want)
	}
	return line{}
}

// TestCrash kills a process at random moments while it syncs an SQLite
// store: at least 50 times provably within a commit, then 10 times
// anywhere in a sync. After each kill, the database passes PRAGMA
// integrity_check and each class is wholly as the previous sync left it
// or as the next one makes it.
//
// A kill within a commit comes after the process printed "commit", just
// before it calls Commit, and before it prints "committed", once Commit
// returned: the kills that come later are not counted, and the test goes
// on until 50 were and both contents were seen. The delay of each kill
// is drawn within the commit times measured in a first run, up to their
// median: most kills land within the commit, at any point of the shorter
// ones. (10 and 2 kills with -short or the race detector.)
func TestCrash(t *testing.T) {
	path := t.TempDir() + "/lsu.db"
	url := "sqlite:" + path
	ctx := t.Context()
	g := generate(crashConfig())
	db, err := Connect(ctx, url)
	require.NoError(t, err)
	_, err = Create(ctx, db, g.snap, Options{})
	require.NoError(t, err)
	db.Close()

	// The two contents a sync leaves, class by class.
	mem, err := memory.New(g.snap)
	require.NoError(t, err)
	a := normalize(mem.Snapshot(), false)
	rep, err := lsusync.New(g.changed, mem, lsusync.Options{Now: g.now}).Sync(ctx)
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	b := normalize(mem.Snapshot(), false)

	commitKills, anyKills := 50, 10
	if testing.Short() || raceEnabled {
		commitKills, anyKills = 10, 2
	}
	maxRuns := 4 * commitKills
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	changedNow := false // the store holds b
	var sawA, sawB, inCommit, late, runs int

	// check checks the store after a kill, and records which content it
	// holds.
	check := func(run int) {
		t.Helper()
		db, err := Connect(ctx, url)
		require.NoError(t, err)
		defer db.Close()
		var result string
		require.NoError(t, db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result))
		if result != "ok" {
			t.Fatalf("run %d: integrity_check = %q", run, result)
		}
		st, err := Open(ctx, db, "", Options{})
		require.NoError(t, err)
		got := dump(t, st, false)
		switch {
		case reflect.DeepEqual(got, a):
			sawA++
			changedNow = false
		case reflect.DeepEqual(got, b):
			sawB++
			changedNow = true
		default:
			for _, c := range got.Classes {
				gs, gb := classOf(got, c.Code)
				as, ab := classOf(a, c.Code)
				bs, bb := classOf(b, c.Code)
				if !(reflect.DeepEqual(gs, as) && reflect.DeepEqual(gb, ab)) && !(reflect.DeepEqual(gs, bs) && reflect.DeepEqual(gb, bb)) {
					t.Errorf("run %d: class %q is neither wholly old nor wholly new", run, c.Code)
				}
			}
			t.Fatalf("run %d: the store is neither the old content nor the new one (-old +got):\n%s", run, cmp.Diff(a, got, equateEmpty))
		}
	}
	// start starts a crasher whose first sync changes the store.
	start := func() (*exec.Cmd, <-chan line) {
		first := "changed"
		if changedNow {
			first = "src"
		}
		cmd, out := helper(t, "crasher", url, envFirst+"="+first)
		ch := lines(out)
		expectLine(t, ch, "ready")
		return cmd, ch
	}
	// kill kills the crasher and returns the lines it printed since.
	kill := func(cmd *exec.Cmd, ch <-chan line) []string {
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		var rest []string
		for l := range ch {
			rest = append(rest, l.text)
		}
		cmd.Wait()
		return rest
	}

	// The first run measures the syncs and the commits, then kills the
	// crasher anywhere in its next sync.
	began := time.Now()
	cmd, ch := start()
	var commits []time.Duration
	ready := time.Now()
	var syncTime time.Duration
	for range 7 {
		c := expectLine(t, ch, "commit")
		if syncTime == 0 {
			syncTime = c.at.Sub(ready)
		}
		commits = append(commits, expectLine(t, ch, "committed").at.Sub(c.at))
	}
	time.Sleep(time.Duration(rng.Int64N(int64(syncTime))))
	kill(cmd, ch)
	check(0)
	runs++
	slices.Sort(commits)
	bound := commits[len(commits)/2]
	t.Logf("a sync takes %v, its commit %v to %v (median %v): the kills within a commit come 0 to %v after it starts",
		syncTime, commits[0], commits[len(commits)-1], commits[len(commits)/2], bound)

	// The kills within a commit go on until both sides of one were seen:
	// on a loaded machine, the kills of a short run may all come after
	// the commit reached the disk.
	for inCommit < commitKills || sawA == 0 || sawB == 0 {
		if runs > maxRuns {
			t.Fatalf("%d runs, %d kills within a commit, %d after it, the old content left %d times, the new %d times: the commits are too short to be hit",
				runs, inCommit, late, sawA, sawB)
		}
		cmd, ch := start()
		expectLine(t, ch, "commit")
		time.Sleep(time.Duration(rng.Int64N(int64(bound))))
		if slices.Contains(kill(cmd, ch), "committed") {
			late++
		} else {
			inCommit++
		}
		check(runs)
		runs++
	}
	for range anyKills {
		cmd, ch := start()
		time.Sleep(time.Duration(rng.Int64N(int64(2 * syncTime))))
		kill(cmd, ch)
		check(runs)
		runs++
	}
	t.Logf("%d kills in %v, %d within a commit, %d just after one: the store held the old content %d times, the new %d times",
		runs, time.Since(began).Round(time.Millisecond), inCommit, late, sawA, sawB)
}

// classOf returns the pupils and bilans of class in s.
func classOf(s lsusync.Snapshot, class string) ([]lsusync.Student, []lsusync.Bilan) {
	in := map[string]bool{}
	var sts []lsusync.Student
	var bs []lsusync.Bilan
	for _, st := range s.Students {
		if st.Class == class {
			in[st.ID] = true
			sts = append(sts, st)
		}
	}
	for _, b := range s.Bilans {
		if in[b.Student] {
			bs = append(bs, b)
		}
	}
	return sts, bs
}
