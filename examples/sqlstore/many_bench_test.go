//go:build unix

package sqlstore

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/internal/testkit"
)

// The child processes of BenchmarkNight run TestNightWorkerProcess with
// these environment variables besides envURL.
const (
	envNightWorker  = "SQLSTORE_NIGHT_WORKER"  // the worker's name
	envNightCount   = "SQLSTORE_NIGHT_COUNT"   // establishments
	envNightPupils  = "SQLSTORE_NIGHT_PUPILS"  // pupils each
	envNightVariant = "SQLSTORE_NIGHT_VARIANT" // "changed" or "src": the source synced, the fingerprint's round
)

// nightConfig is establishment i of BenchmarkNight: its bilans filled as
// at the end of the year.
func nightConfig(i, pupils int) gen.Config {
	return gen.Config{Seed: int64(5000 + i), Pupils: pupils, UAI: fmt.Sprintf("%07dN", 750500+i), Content: gen.ContentEndOfYear}
}

// TestNightWorkerProcess is a worker process of BenchmarkNight; it does
// nothing in a normal test run. It syncs the establishments of
// nightConfig with SyncMany and Claims, one at a time, each from the
// source its turn generates, then prints "pupils N peak-rss KB".
func TestNightWorkerProcess(t *testing.T) {
	worker := os.Getenv(envNightWorker)
	if worker == "" {
		t.Skip("worker process of BenchmarkNight")
	}
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, worker+":", err)
		os.Exit(3)
	}
	count, err1 := strconv.Atoi(os.Getenv(envNightCount))
	pupils, err2 := strconv.Atoi(os.Getenv(envNightPupils))
	variant := os.Getenv(envNightVariant)
	if err1 != nil || err2 != nil {
		fail(fmt.Errorf("%s, %s", err1, err2))
	}
	db, err := Connect(ctx, os.Getenv(envURL))
	if err != nil {
		fail(err)
	}
	claims, err := NewClaims(ctx, db, ClaimOptions{Worker: worker})
	if err != nil {
		fail(err)
	}
	targets := make([]lsusync.Target, count)
	for i := range targets {
		cfg := nightConfig(i, pupils)
		targets[i] = lsusync.Target{
			Name: cfg.UAI,
			Open: func(context.Context) (lsusync.Source, error) {
				g := gen.New(cfg)
				if variant == "changed" {
					return testkit.ChangeEverything(g.Source()), nil
				}
				return g.Source(), nil
			},
			Fingerprint: func(context.Context) (string, error) { return variant + " " + cfg.UAI, nil },
		}
	}
	now := generate(gen.Config{Pupils: 1}).now // every establishment's export day
	sum, err := lsusync.SyncMany(ctx, targets, lsusync.ManyOptions{
		Workers: 1,
		Sync:    lsusync.Options{Now: now, Concurrency: 1},
		Store: func(ctx context.Context, uai string) (lsusync.Store, error) {
			return Open(ctx, db, uai, Options{LockTimeout: time.Minute})
		},
		Claimer: claims,
	})
	if err != nil {
		fail(err)
	}
	for _, r := range sum.Results {
		if !r.Status.Done() {
			fail(fmt.Errorf("%s: %v: %v", r.Name, r.Status, r.Err))
		}
	}
	fmt.Printf("pupils %d peak-rss %d\n", sum.Pupils, testkit.SelfPeak())
	os.Exit(0)
}

// BenchmarkNight is a night of an academy on one PostgreSQL database:
// LSUSYNC_BENCH_ESTABLISHMENTS establishments (default 200) of
// LSUSYNC_BENCH_PUPILS pupils (default 1,000), their bilans filled as at
// the end of the year, each synced in turn from its changed source and
// back by 1, 2 and 4 worker processes sharing the run through Claims,
// each syncing one establishment at a time. It reports the pupils synced
// per second, the largest resident memory of a worker, the speed against
// one worker's, and the cores kept busy: by the workers, and by the whole
// machine, the database server included.
func BenchmarkNight(b *testing.B) {
	count, pupils := nightSize("LSUSYNC_BENCH_ESTABLISHMENTS", 200), nightSize("LSUSYNC_BENCH_PUPILS", 1000)
	ctx := context.Background()
	url := testURL(b, Postgres)
	db, err := Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, count)
	next := make(chan int)
	for range 2 {
		wg.Go(func() {
			for i := range next {
				e := gen.New(nightConfig(i, pupils))
				_, errs[i] = Create(ctx, db, e.StoreSnapshot(), Options{LockTimeout: time.Minute})
			}
		})
	}
	for i := range count {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d establishments of %d pupils created in %v", count, pupils, time.Since(start).Round(time.Second))

	round := 0
	var one float64 // pupils per second of one worker
	for _, workers := range []int{1, 2, 4} {
		b.Run("workers="+strconv.Itoa(workers), func(b *testing.B) {
			var rate, peak, busyCores, workerCores float64
			for b.Loop() {
				variant := "changed"
				if round%2 == 1 {
					variant = "src"
				}
				round++
				t0 := time.Now()
				busy0, busyOK := testkit.MachineBusy()
				cmds := make([]*exec.Cmd, workers)
				outs := make([]strings.Builder, workers)
				for w := range workers {
					cmds[w] = exec.Command(os.Args[0], "-test.run=^TestNightWorkerProcess$")
					cmds[w].Env = append(os.Environ(), envURL+"="+url, envNightWorker+"=w"+strconv.Itoa(w)+"-r"+strconv.Itoa(round),
						envNightCount+"="+strconv.Itoa(count), envNightPupils+"="+strconv.Itoa(pupils), envNightVariant+"="+variant)
					cmds[w].Stdout, cmds[w].Stderr = &outs[w], os.Stderr
					if err := cmds[w].Start(); err != nil {
						b.Fatal(err)
					}
				}
				total := 0
				var workerCPU time.Duration
				for w, cmd := range cmds {
					if err := cmd.Wait(); err != nil {
						b.Fatalf("worker %d: %v: %s", w, err, outs[w].String())
					}
					workerCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
					var n, rss int
					if _, err := fmt.Sscanf(outs[w].String(), "pupils %d peak-rss %d", &n, &rss); err != nil {
						b.Fatalf("worker %d printed %q: %v", w, outs[w].String(), err)
					}
					total += n
					if rss <= 0 {
						peak = -1 // not measured on this system
					} else if peak >= 0 {
						peak = max(peak, float64(rss)/(1<<20))
					}
				}
				if total < count*pupils*9/10 {
					b.Fatalf("%d pupils synced, want about %d", total, count*pupils)
				}
				wall := time.Since(t0).Seconds()
				rate = float64(total) / wall
				workerCores = workerCPU.Seconds() / wall
				busyCores = -1 // not measured on this system
				if busy1, ok := testkit.MachineBusy(); ok && busyOK {
					busyCores = (busy1 - busy0).Seconds() / wall
				}
			}
			b.ReportMetric(rate, "pupils/s")
			b.ReportMetric(peak, "peak-RSS-MiB/worker")
			// The cores the workers kept busy, and the whole machine's:
			// the workers and the PostgreSQL server, on the same machine.
			b.ReportMetric(workerCores, "worker-cores")
			b.ReportMetric(busyCores, "busy-cores")
			if workers == 1 {
				one = rate
			} else if one > 0 {
				b.ReportMetric(rate/one, "x-one-worker")
			}
		})
	}
}

// nightSize is the positive number the environment variable name gives,
// or def.
func nightSize(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
