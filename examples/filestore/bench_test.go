package filestore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/siecle"
	"github.com/lsusync/lsusync/internal/testkit"
)

// benchSizes are the establishments of the benchmarks: a large collège,
// and a whole département's worth of pupils in one file.
var benchSizes = []int{2000, 100000}

// benchStore writes the store that `lsusync init` makes for a generated
// establishment of the given size, and returns its path and size.
func benchStore(b *testing.B, pupils int) (string, int64, lsusync.Snapshot) {
	b.Helper()
	snap := gen.New(gen.Config{Seed: 1, Pupils: pupils}).StoreSnapshot()
	path := filepath.Join(b.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, snap)
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, fi.Size(), snap
}

// BenchmarkLoad measures Open: reading, decoding and validating the whole
// file, and building the in-memory store.
func BenchmarkLoad(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			path, size, _ := benchStore(b, n)
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, _ := testkit.CPUTime()
			for b.Loop() {
				s, err := Open(context.Background(), path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
			reportCPU(b, cpu0)
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
		})
	}
}

// BenchmarkSave measures one commit's write: encoding the whole content
// to a temporary file, fsync, rename and fsync of the folder.
func BenchmarkSave(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			path, size, snap := benchStore(b, n)
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, _ := testkit.CPUTime()
			for b.Loop() {
				if err := writeFile(path, &snap, true); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0)
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
		})
	}
}

// BenchmarkSyncFromExports measures what `lsusync sync` does: read the
// SIECLE and STS-Web export files, open the store file, synchronise every
// class and commit once, close. The iterations alternate between two
// exports that differ (a new teacher on a service of every class, a
// corrected name per class), so that every sync changes every bilan and
// writes the file.
func BenchmarkSyncFromExports(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			e := gen.New(gen.Config{Seed: 1, Pupils: n})
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
			var exports [2]string
			var total int64
			for i, est := range []*gen.Establishment{changed, e} {
				exports[i] = filepath.Join(dir, fmt.Sprint("exports", i))
				if _, err := est.WriteExports(exports[i], gen.ExportOptions{Zip: true}); err != nil {
					b.Fatal(err)
				}
			}
			entries, _ := os.ReadDir(exports[0])
			for _, en := range entries {
				fi, _ := en.Info()
				total += fi.Size()
			}
			path := filepath.Join(dir, "lsu.json")
			s, err := Create(context.Background(), path, e.StoreSnapshot())
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
			ctx := context.Background()
			today := e.Config.Today // the exports' date
			noon := time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC)
			opts := lsusync.Options{Now: func() time.Time { return noon }}
			b.SetBytes(total)
			b.ReportAllocs()
			b.ResetTimer()
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
				if c := rep.Counts(); c.Updated < n {
					b.Fatalf("only %d records updated", c.Updated)
				}
				st.Close()
				i++
			}
			reportCPU(b, cpu0)
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
		})
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
