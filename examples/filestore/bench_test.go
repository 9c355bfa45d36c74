package filestore

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/siecle"
	"github.com/lsusync/lsusync/internal/testkit"
)

// benchSizes are the establishments of the benchmarks: a large collège,
// a large lycée's worth of pupils ten times over, and a whole
// département's worth of pupils in one file. LSUSYNC_BENCH_PUPILS gives
// one size instead.
func benchSizes() []int {
	if n, err := strconv.Atoi(os.Getenv("LSUSYNC_BENCH_PUPILS")); err == nil && n > 0 {
		return []int{n}
	}
	return []int{2000, 20000, 100000}
}

// benchContents are the two states of a store the benchmarks run on: as
// lsusync init makes it (no content), and at the end of the year, every
// bilan filled in (gen.ContentEndOfYear).
var benchContents = []string{"empty", "content"}

// benchSnapshot returns the store content of a generated establishment of
// the given size, as lsusync init makes it, filled in when content is
// "content".
func benchSnapshot(pupils int, content string) lsusync.Snapshot {
	cfg := gen.Config{Seed: 1, Pupils: pupils}
	if content == "content" {
		cfg.Content = gen.ContentEndOfYear
	}
	return gen.New(cfg).StoreSnapshot()
}

// benchStore writes the store file of benchSnapshot, and returns its path
// and size.
func benchStore(b *testing.B, pupils int, content string) (string, int64) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, benchSnapshot(pupils, content))
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC() // the snapshot is garbage: the heap measured is the store's
	return path, fi.Size()
}

// eachCase runs f for every size and content.
func eachCase(b *testing.B, f func(b *testing.B, pupils int, content string)) {
	for _, n := range benchSizes() {
		for _, content := range benchContents {
			b.Run(fmt.Sprintf("pupils=%d/%s", n, content), func(b *testing.B) { f(b, n, content) })
		}
	}
}

// BenchmarkLoad measures Open: reading, decoding and validating the whole
// file, and building the in-memory store. It reports the heap the open
// store holds (live-heap-MB, after a collection) and the largest heap
// sampled while it opens (peak-heap-MB, garbage included).
func BenchmarkLoad(b *testing.B) {
	eachCase(b, func(b *testing.B, n int, content string) {
		path, size := benchStore(b, n, content)
		b.SetBytes(size)
		b.ReportAllocs()
		var peak testkit.PeakHeap
		var live uint64
		var cpu time.Duration // of the opens alone, not of the collections between them
		for b.Loop() {
			peak.Start()
			cpu0, _ := testkit.CPUTime()
			s, err := Open(context.Background(), path, Options{})
			cpu1, _ := testkit.CPUTime()
			cpu += cpu1 - cpu0
			peak.Stop()
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			runtime.GC()
			live = max(live, testkit.HeapBytes())
			runtime.KeepAlive(s)
			s.Close()
			s = nil
			runtime.GC()
			b.StartTimer()
		}
		if _, ok := testkit.CPUTime(); ok {
			b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
		b.ReportMetric(float64(size)/1e6, "file-MB")
		b.ReportMetric(float64(live)/1e6, "live-heap-MB")
		b.ReportMetric(float64(peak.Peak())/1e6, "peak-heap-MB")
	})
}

// BenchmarkRead measures what a synchronisation reads of an open store:
// every class's pupils and bilans, copied out of it.
func BenchmarkRead(b *testing.B) {
	eachCase(b, func(b *testing.B, n int, content string) {
		path, _ := benchStore(b, n, content)
		s, err := Open(context.Background(), path, Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		classes, err := s.Classes(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		cpu0, _ := testkit.CPUTime()
		for b.Loop() {
			for _, c := range classes {
				if _, err := s.Students(ctx, c.Code); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Bilans(ctx, c.Code); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportCPU(b, cpu0)
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
	})
}

// BenchmarkSave measures one commit's write: encoding the whole content
// to a temporary file, fsync, rename and fsync of the folder. The
// snapshot is the one Open reads, whose bilans without content share
// their acquis lists, as the store's commits give them.
func BenchmarkSave(b *testing.B) {
	eachCase(b, func(b *testing.B, n int, content string) {
		path, size := benchStore(b, n, content)
		s, err := Open(context.Background(), path, Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		snap := s.mem.Snapshot()
		s.Close()
		b.SetBytes(size)
		b.ReportAllocs()
		cpu0, _ := testkit.CPUTime()
		for b.Loop() {
			if err := writeFile(path, &snap, true); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu0)
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
		b.ReportMetric(float64(size)/1e6, "file-MB")
	})
}

// syncExports writes the exports of the generated establishment of the
// given size and of a variant of it in which a new teacher joins a
// service of every class and a name is corrected in each, so that a sync
// from one after the other changes a bilan of every pupil. It returns
// the folders, the variant's first, and the generator's today.
func syncExports(b *testing.B, pupils int) (exports [2]string, today lsusync.Date) {
	b.Helper()
	e := gen.New(gen.Config{Seed: 1, Pupils: pupils})
	changed := e.Clone()
	newKey := lsusync.TeacherKey{Type: "epp", ID: "990001"}
	nt := changed.Teachers[0]
	nt.Key, nt.HeadOf, nt.Substitute = newKey, nil, false
	changed.Teachers = append(changed.Teachers, nt)
	for i := range changed.Divisions {
		d := &changed.Divisions[i]
		if len(d.Services) > 0 {
			d.Services[0].Teachers = append(d.Services[0].Teachers, newKey)
		}
		if ps := changed.PupilsOf(d.Code); len(ps) > 0 {
			ps[0].LastName += "E"
		}
	}
	dir := b.TempDir()
	for i, est := range []*gen.Establishment{changed, e} {
		exports[i] = filepath.Join(dir, fmt.Sprint("exports", i))
		if _, err := est.WriteExports(exports[i], gen.ExportOptions{Zip: true}); err != nil {
			b.Fatal(err)
		}
	}
	return exports, e.Config.Today
}

// BenchmarkSyncFromExports measures what `lsusync sync` does, in this
// process: read the SIECLE and STS-Web export files, open the store
// file, synchronise every class and commit once, close. The iterations
// alternate between two exports that differ, so that every sync changes
// a bilan of every pupil and writes the file.
func BenchmarkSyncFromExports(b *testing.B) {
	eachCase(b, func(b *testing.B, n int, content string) {
		exports, today := syncExports(b, n)
		path, _ := benchStore(b, n, content)
		ctx := context.Background()
		noon := time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC)
		opts := lsusync.Options{Now: func() time.Time { return noon }}
		b.ReportAllocs()
		cpu0, _ := testkit.CPUTime()
		i := 0
		for b.Loop() {
			src, err := siecle.OpenDir(ctx, exports[i%2], siecle.Options{})
			if err != nil {
				b.Fatal(err)
			}
			st, err := Open(context.Background(), path, Options{})
			if err != nil {
				b.Fatal(err)
			}
			rep, err := lsusync.New(src, st, opts).Sync(ctx)
			if err != nil || rep.Status == lsusync.StatusError {
				b.Fatalf("sync: %v %v", err, rep.Err())
			}
			if c := rep.Counts(); c.BilansUpdated < n {
				b.Fatalf("only %d bilans updated", c.BilansUpdated)
			}
			st.Close()
			i++
		}
		reportCPU(b, cpu0)
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
	})
}

// BenchmarkSyncProcess runs `lsusync sync`'s work in a process of its own
// (the test binary again, TestSyncProcess), as the command does, so that
// its peak resident memory (peak-MB, VmHWM) is the store's and the
// synchronisation's alone: "changed" alternates the two exports of
// syncExports, every run writing the file; "unchanged" syncs again from
// the exports of the last sync, and fails unless the file is left as it
// was, unwritten. It reports the process's CPU time (cpu-s) and the peak
// as a ratio of the store file's size (peak/file). The process has Go's
// default garbage collector settings, or those of
// LSUSYNC_BENCH_CHILD_GOGC and LSUSYNC_BENCH_CHILD_GOMEMLIMIT, which set
// its GOGC and GOMEMLIMIT alone (the benchmark's own process, which
// makes the store, keeps its settings): the command's are GOGC=400 and
// GOMEMLIMIT=960MiB.
func BenchmarkSyncProcess(b *testing.B) {
	eachCase(b, func(b *testing.B, n int, content string) {
		exports, today := syncExports(b, n)
		path, _ := benchStore(b, n, content)
		run := func(b *testing.B, dir string) syncRun {
			b.Helper()
			out := filepath.Join(b.TempDir(), "run.json")
			cmd := exec.Command(os.Args[0], "-test.run=^TestSyncProcess$")
			cmd.Env = append(os.Environ(), envSync+"="+path+"\n"+dir+"\n"+today.String()+"\n"+out)
			for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
				if set, ok := os.LookupEnv("LSUSYNC_BENCH_CHILD_" + v); ok {
					cmd.Env = append(cmd.Env, v+"="+set)
				}
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				b.Fatalf("sync process: %v", err)
			}
			var r syncRun
			data, err := os.ReadFile(out)
			if err != nil {
				b.Fatal(err)
			}
			if err := json.Unmarshal(data, &r); err != nil {
				b.Fatal(err)
			}
			return r
		}
		report := func(b *testing.B, runs []syncRun) {
			var cpu time.Duration
			var peak int64
			for _, r := range runs {
				cpu += r.CPU
				peak = max(peak, r.Peak)
			}
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(cpu.Seconds()/float64(len(runs)), "cpu-s")
			b.ReportMetric(float64(peak)/1e6, "peak-MB")
			b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
			b.ReportMetric(float64(peak)/float64(fi.Size()), "peak/file")
		}
		last := 0
		b.Run("changed", func(b *testing.B) {
			var runs []syncRun
			i := 0
			for b.Loop() {
				r := run(b, exports[i%2])
				if r.Writes != 1 || r.BilansUpdated < n {
					b.Fatalf("the changed sync wrote %d files, updated %d bilans", r.Writes, r.BilansUpdated)
				}
				runs = append(runs, r)
				last = i % 2
				i++
			}
			report(b, runs)
		})
		b.Run("unchanged", func(b *testing.B) {
			var runs []syncRun
			for b.Loop() {
				before, err := os.ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				r := run(b, exports[last])
				after, err := os.ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				if r.Writes != 0 || string(before) != string(after) {
					b.Fatalf("the sync with nothing changed wrote the file (%d writes)", r.Writes)
				}
				runs = append(runs, r)
			}
			report(b, runs)
		})
	})
}

// envSync tells TestSyncProcess what to do: the store file, the exports
// folder, today's date and the file of its result, one a line.
const envSync = "FILESTORE_TEST_SYNC"

// syncRun is the result of TestSyncProcess.
type syncRun struct {
	CPU           time.Duration // user and system
	Peak          int64         // VmHWM, bytes
	Writes        int           // store files written
	BilansUpdated int
}

// TestSyncProcess is the process of BenchmarkSyncProcess: it reads the
// exports, opens the store, synchronises every class and commits, then
// writes its CPU time and peak memory. It does nothing in a normal test
// run.
func TestSyncProcess(t *testing.T) {
	env := os.Getenv(envSync)
	if env == "" {
		t.Skip("child process of BenchmarkSyncProcess")
	}
	args := strings.SplitN(env, "\n", 4)
	if len(args) != 4 {
		t.Fatalf("%s: %q", envSync, env)
	}
	ctx := context.Background()
	today, err := lsusync.ParseDate(args[2])
	if err != nil {
		t.Fatal(err)
	}
	noon := time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC)
	src, err := siecle.OpenDir(ctx, args[1], siecle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(context.Background(), args[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := lsusync.New(src, st, lsusync.Options{Now: func() time.Time { return noon }, SkipUnchanged: true}).Sync(ctx)
	if err != nil || rep.Status == lsusync.StatusError {
		t.Fatalf("sync: %v %v", err, rep.Err())
	}
	cpu, _ := testkit.CPUTime()
	r := syncRun{CPU: cpu, Peak: testkit.SelfPeak(), Writes: st.writeCount(), BilansUpdated: rep.Counts().BilansUpdated}
	st.Close()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(args[3], data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// reportCPU reports the CPU time per iteration since cpu0, which a busy
// machine does not inflate as it does the elapsed time. It includes the
// garbage collector's work on every core.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu, ok := testkit.CPUTime(); ok {
		b.ReportMetric(float64(cpu-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
