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
	envWork   = "SQLSTORE_TEST_WORK" // syncer: establishment indexes, comma separated
)

// manyConfig is the generator config of establishment i of
// TestManyEstablishments.
func manyConfig(i int) gen.Config {
	return gen.Config{Seed: int64(1000 + i), Pupils: 30, Classes: 2, Teachers: 20, SubjectsPerClass: 6,
		UAI: fmt.Sprintf("%07dA", 750100+i)}
}

// crashConfig is the establishment of TestCrash: a sync of the changed
// source writes about 15,000 rows (2,000 under the race detector, which
// makes SQLite ten times slower).
func crashConfig() gen.Config {
	if raceEnabled {
		return gen.Config{Seed: 11, Pupils: 25}
	}
	return gen.Config{Seed: 11, Pupils: 200}
}

// TestHelperProcess is the child process of TestManyEstablishments and
// TestCrash; it does nothing in a normal test run.
//
// "syncer" syncs the changed source of each establishment of its work
// list into the database, waiting for another process's sync of the same
// establishment, and prints "done". "crasher" syncs the changed source
// and the original in turn into the only establishment of an SQLite
// database until it is killed, printing "commit" before each commit.
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
		for i := 0; ; i++ {
			src := g.changed
			if i%2 == 1 {
				src = g.src
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

// announcer is a Store whose batches print "commit" before they commit.
type announcer struct{ *Store }

func (a announcer) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	b, err := a.Store.BeginBatch(ctx)
	return announced{b}, err
}

type announced struct{ lsusync.Batch }

func (b announced) Commit(ctx context.Context) error {
	fmt.Println("commit")
	return b.Batch.Commit(ctx)
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

// TestCrash kills a process at random moments while it syncs an SQLite
// store: 50 times within a commit (at most 20ms after it starts), then 10
// times anywhere in a sync. After each kill, the database passes PRAGMA
// integrity_check and each class is wholly as the previous sync left it
// or as the next one makes it.
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
	if testing.Short() {
		commitKills, anyKills = 10, 2
	}
	runs := commitKills + anyKills
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var sawA, sawB, inCommit int
	var syncTime time.Duration // from ready to the first commit
	for run := range runs {
		start := time.Now()
		cmd, out := helper(t, "crasher", url)
		line, err := out.ReadString('\n')
		require.NoError(t, err, "the crasher did not start")
		require.Equal(t, "ready\n", line)
		if run == 0 {
			ready := time.Now()
			line, err := out.ReadString('\n')
			require.NoError(t, err, "the crasher stopped")
			require.Equal(t, "commit\n", line)
			syncTime = time.Since(ready)
		}
		if run < commitKills {
			// Within a commit: kill at most 20ms after it starts.
			for {
				line, err := out.ReadString('\n')
				require.NoError(t, err, "the crasher stopped")
				if line == "commit\n" && rng.IntN(2) == 0 {
					break
				}
			}
			time.Sleep(time.Duration(rng.Int64N(int64(20 * time.Millisecond))))
			inCommit++
		} else {
			// Anywhere in the next two syncs.
			time.Sleep(time.Duration(rng.Int64N(int64(2 * syncTime))))
		}
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		cmd.Wait()

		db, err := Connect(ctx, url)
		require.NoError(t, err)
		var check string
		require.NoError(t, db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check))
		if check != "ok" {
			t.Fatalf("run %d: integrity_check = %q", run, check)
		}
		st, err := Open(ctx, db, "", Options{})
		require.NoError(t, err)
		got := dump(t, st, false)
		switch {
		case reflect.DeepEqual(got, a):
			sawA++
		case reflect.DeepEqual(got, b):
			sawB++
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
		db.Close()
		if run == 0 {
			t.Logf("one run takes %v, a sync %v", time.Since(start), syncTime)
		}
	}
	t.Logf("%d kills, %d within a commit: the store held the old content %d times, the new %d times", runs, inCommit, sawA, sawB)
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
