//go:build unix

package sqlstore

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
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

// The child processes of TestClaimsKilled run the test binary's
// TestClaimerProcess with these environment variables.
const (
	envClaimer = "SQLSTORE_TEST_CLAIMER" // the worker's name
	envLease   = "SQLSTORE_TEST_LEASE"   // its claims' lease
)

// claimEstablishments is the number of establishments of
// TestClaimsKilled: 50, 15 under the race detector, which makes each
// sync ten times slower.
func claimEstablishments() int {
	if raceEnabled {
		return 15
	}
	return 50
}

// claimLease is the lease of the claimers' claims: a killed claimer's
// establishments are taken again two seconds after its last renewal.
// On SQLite a renewal waits for the batches of the other processes,
// which hold the database's write lock: the lease is longer than a few.
// Under the race detector, which makes each batch ten times longer, 6 s.
var claimLease = map[bool]time.Duration{false: 2 * time.Second, true: 6 * time.Second}[raceEnabled]

// claimConfig is establishment i of TestClaimsKilled: small, its bilans
// filled as at the end of the year, which the syncs must keep.
func claimConfig(i int) gen.Config {
	return gen.Config{Seed: int64(2000 + i), Pupils: 30, Classes: 2, Teachers: 20, SubjectsPerClass: 6,
		UAI: fmt.Sprintf("%07dB", 750200+i), Content: gen.ContentEndOfYear}
}

// claimFingerprint is the fingerprint the claimers give to the changed
// source of the establishment uai.
func claimFingerprint(uai string) string { return "changed " + uai }

// announcing is a Claimer that prints "claimed UAI" when it took an
// establishment.
type announcing struct{ *Claims }

func (a announcing) Claim(ctx context.Context, uai, fp string) (lsusync.Claim, error) {
	k, err := a.Claims.Claim(ctx, uai, fp)
	if err == nil {
		fmt.Println("claimed", uai)
	}
	return k, err
}

// TestClaimerProcess is the child process of TestClaimsKilled; it does
// nothing in a normal test run. It syncs the changed source of every
// establishment of claimConfig into the database with SyncMany and
// Claims, two at once, printing "claimed UAI" when it takes one,
// "result UAI STATUS" when it is done with one, and "done" at the end.
func TestClaimerProcess(t *testing.T) {
	worker := os.Getenv(envClaimer)
	if worker == "" {
		t.Skip("child process of TestClaimsKilled")
	}
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	db, err := Connect(ctx, os.Getenv(envURL))
	if err != nil {
		fail(err)
	}
	lease, err := time.ParseDuration(os.Getenv(envLease))
	if err != nil {
		fail(err)
	}
	claims, err := NewClaims(ctx, db, ClaimOptions{Worker: worker, Lease: lease})
	if err != nil {
		fail(err)
	}
	var targets []lsusync.Target
	for i := range claimEstablishments() {
		cfg := claimConfig(i)
		targets = append(targets, lsusync.Target{
			Name:        cfg.UAI,
			Open:        func(context.Context) (lsusync.Source, error) { return generate(cfg).changed, nil },
			Fingerprint: func(context.Context) (string, error) { return claimFingerprint(cfg.UAI), nil },
		})
	}
	sum, err := lsusync.SyncMany(ctx, targets, lsusync.ManyOptions{
		Workers: 2,
		Sync:    lsusync.Options{Now: generate(claimConfig(0)).now}, // the export day of every establishment
		Store: func(ctx context.Context, uai string) (lsusync.Store, error) {
			return Open(ctx, db, uai, Options{})
		},
		Claimer: announcing{claims},
		Done:    func(r lsusync.ManyResult) { fmt.Println("result", r.Name, r.Status, r.Err) },
	})
	if err != nil {
		fail(err)
	}
	if !sum.OK() {
		for _, r := range sum.Results {
			if !r.Status.Done() {
				fmt.Fprintln(os.Stderr, worker, r.Name, r.Status, r.Stage, r.Err)
			}
		}
		fail(fmt.Errorf("%s: %v", worker, sum.Totals))
	}
	fmt.Println("done")
	os.Exit(0)
}

// claimer is a running child process of TestClaimsKilled.
type claimer struct {
	name  string
	cmd   *exec.Cmd
	lines <-chan line
}

// startClaimer starts the claimer named name on the database at url.
func startClaimer(t *testing.T, url, name string) *claimer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestClaimerProcess$")
	cmd.Env = append(os.Environ(), envClaimer+"="+name, envURL+"="+url, envLease+"="+claimLease.String())
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	return &claimer{name: name, cmd: cmd, lines: lines(bufio.NewReader(stdout))}
}

// TestClaimsKilled syncs 50 generated establishments of one database,
// their bilans filled, from 3 processes at once sharing the run through
// Claims, and kills some of them with SIGKILL while they sync, starting a
// new process in the place of each. Then, as the next night would, a last
// process takes what the killed ones left. Afterwards every establishment
// is exactly as a lone sync leaves it; the log of syncs shows that no
// establishment was synced by two processes at once; and each
// establishment a killed process was syncing was, right after the kill,
// wholly as before or wholly as after.
func TestClaimsKilled(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		ctx := t.Context()
		url := testURL(t, e)
		db, err := Connect(ctx, url)
		require.NoError(t, err)
		defer db.Close()

		before := make(map[string]lsusync.Snapshot, claimEstablishments())
		after := make(map[string]lsusync.Snapshot, claimEstablishments())
		var mu sync.Mutex
		var wg sync.WaitGroup
		errs := make([]error, claimEstablishments())
		for i := range claimEstablishments() {
			wg.Go(func() {
				g := generate(claimConfig(i))
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
				mu.Lock()
				before[g.snap.Establishment.UAI] = normalize(g.snap, false)
				after[g.snap.Establishment.UAI] = normalize(mem.Snapshot(), false)
				mu.Unlock()
			})
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}

		// whole checks that the establishment uai is wholly as before or
		// as after its sync.
		whole := func(uai, when string) {
			t.Helper()
			st, err := Open(ctx, db, uai, Options{})
			require.NoError(t, err)
			got := dump(t, st, false)
			if !cmp.Equal(got, before[uai], equateEmpty) && !cmp.Equal(got, after[uai], equateEmpty) {
				t.Errorf("%s: %s is neither as before nor as after its sync (-after +got):\n%s", when, uai, cmp.Diff(after[uai], got, equateEmpty))
			}
		}

		const procs, kills = 3, 3
		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
		start := time.Now()
		running := make([]*claimer, procs)
		for p := range procs {
			running[p] = startClaimer(t, url, "p"+strconv.Itoa(p))
		}
		// Kill process k%procs while it syncs an establishment it
		// claimed, 0 to 30 ms after the claim, and start another.
		killed := 0
		for k := range kills {
			c := running[k%procs]
			var claimed string
			for l := range c.lines {
				if uai, ok := strings.CutPrefix(l.text, "claimed "); ok && rng.IntN(3) == 0 {
					claimed = uai
					break
				}
			}
			if claimed == "" {
				t.Logf("%s ended before it could be killed", c.name)
				c.cmd.Wait()
			} else {
				time.Sleep(time.Duration(rng.Int64N(int64(30 * time.Millisecond))))
				require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
				for range c.lines {
				}
				c.cmd.Wait()
				killed++
				whole(claimed, "after the kill of "+c.name)
			}
			running[k%procs] = startClaimer(t, url, fmt.Sprintf("p%d-%d", k%procs, k))
		}
		waitAll := func(cs []*claimer) {
			t.Helper()
			for _, c := range cs {
				var out []string
				for l := range c.lines {
					out = append(out, l.text)
				}
				if err := c.cmd.Wait(); err != nil || !slices.Contains(out, "done") {
					t.Fatalf("%s: %v, its last lines %q", c.name, err, out[max(len(out)-5, 0):])
				}
			}
		}
		waitAll(running)
		// The next run, after the lease of the killed processes' claims:
		// it takes what they left, and passes over the others.
		time.Sleep(claimLease)
		waitAll([]*claimer{startClaimer(t, url, "next")})
		t.Logf("%d establishments synced by %d processes, %d of them killed, in %v", claimEstablishments(), procs, killed, time.Since(start).Round(time.Millisecond))

		for uai := range after {
			st, err := Open(ctx, db, uai, Options{})
			require.NoError(t, err)
			if d := cmp.Diff(after[uai], dump(t, st, false), equateEmpty); d != "" {
				t.Errorf("%s differs from a lone sync (-lone +synced):\n%s", uai, d)
			}
		}
		log, err := SyncLog(ctx, db)
		require.NoError(t, err)
		byUAI := make(map[string][]LogEntry)
		for _, e := range log {
			byUAI[e.UAI] = append(byUAI[e.UAI], e)
		}
		abandoned := 0
		for uai := range after {
			es := byUAI[uai]
			synced := 0
			for i, e := range es {
				switch e.Outcome {
				case "synced":
					synced++
				case "abandoned", "":
					abandoned++
				}
				if e.Fingerprint != claimFingerprint(uai) {
					t.Errorf("%s: log row %d has fingerprint %q", uai, e.ID, e.Fingerprint)
				}
				if i > 0 && e.Started.Before(es[i-1].End()) {
					t.Errorf("%s: synced by %s from %v while %s synced it until %v", uai, e.Worker, e.Started, es[i-1].Worker, es[i-1].End())
				}
			}
			if synced != 1 {
				t.Errorf("%s: synced %d times in the log, want once: %+v", uai, synced, es)
			}
		}
		// A kill may come after the claimed establishment's release: its
		// process then had none, or another, in hand.
		t.Logf("%d syncs abandoned in the log", abandoned)
	})
}
