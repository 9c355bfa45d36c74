package lsusync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/internal/testkit"
)

// benchEstablishment is a generated establishment ready to sync: its
// source, the generator that makes the store `lsusync init` makes of it
// (its bilans filled or not), and a variant of the source in which every
// synchronised value differs.
type benchEstablishment struct {
	cfg     gen.Config
	src     *memory.Source // what the store is initialised from
	changed *memory.Source // every record of src changed
	gen     *gen.Establishment
	pupils  int // pupils of the establishment (Config.Pupils)
	now     func() time.Time
}

// benchSize is an establishment the benchmarks run on: its number of
// pupils, and what its bilans hold.
type benchSize struct {
	pupils  int
	content gen.Content
}

func (s benchSize) String() string {
	c := "empty"
	if s.content == gen.ContentEndOfYear {
		c = "content"
	}
	return fmt.Sprintf("pupils=%d/%s", s.pupils, c)
}

// benchSizes are the establishments of BenchmarkSync: empty stores, as
// lsusync init makes them, of 2,000 and 100,000 pupils, and stores whose
// bilans are filled as at the end of the year, of 2,000 and 20,000.
var benchSizes = []benchSize{
	{2_000, gen.ContentNone}, {100_000, gen.ContentNone},
	{2_000, gen.ContentEndOfYear}, {20_000, gen.ContentEndOfYear},
}

var (
	benchMu   sync.Mutex
	benchLast *benchEstablishment // the last one made: one is held at a time
	benchOf   benchSize
)

// establishmentOf generates an establishment of the given size with the
// generator's proportions: 25 pupils a class, 3 teachers for 40 pupils
// (80 classes and 150 teachers for 2,000 pupils), 3 trimesters, about 12
// subjects per bilan. It keeps the last one, which the sub-benchmarks of
// one size share.
func establishmentOf(b *testing.B, size benchSize) *benchEstablishment {
	benchMu.Lock()
	defer benchMu.Unlock()
	if benchLast != nil && benchOf == size {
		return benchLast
	}
	benchLast = nil
	runtime.GC() // the last one's memory, before making the next
	cfg := gen.Config{Seed: 1, Pupils: size.pupils, Periods: 3, SubjectsPerClass: 12, Content: size.content}.Normalize()
	g := gen.New(cfg)
	today := cfg.Today
	e := &benchEstablishment{
		cfg: cfg,
		src: g.Source(),
		gen: g,
		now: func() time.Time {
			return time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC)
		},
	}
	e.pupils = cfg.Pupils
	e.changed = testkit.ChangeEverything(e.src)
	benchLast, benchOf = e, size
	return e
}

// BenchmarkSync syncs a generated establishment into the memory store
// (with its Batcher: one Commit per sync), for the sizes of benchSizes:
// empty stores of 2,000 and 100,000 pupils, and stores filled as at the
// end of the year (gen.ContentEndOfYear: appreciations, syntheses, vie
// scolaire, past periods locked in part...) of 2,000 and 20,000 pupils.
//
//   - unchanged: the store is the one `lsusync init` makes of the source,
//     so the sync reads everything, compares everything and writes nothing
//     (the same store serves every iteration);
//   - changed: every synchronised value differs between the store and the
//     source: each iteration syncs alternately the changed variant of the
//     source (see changeEverything) and the original, so that each one
//     updates the establishment, every teacher, class, present pupil and
//     bilan of the store but the locked and imported ones, and commits.
//
// It reports pupils/s and ns/pupil, to compare the sizes: the cost must
// grow linearly with the number of pupils; cpu-ns/pupil, the CPU time of
// the process (every goroutine, the garbage collector included) per
// pupil, which the load of other processes does not inflate; and the
// memory: store-MB, what the store holds (the heap it adds, after a
// collection, the snapshot it was made of dropped); live-heap-MB, the
// heap after a collection before the syncs (the store, the source and
// its changed variant, the generator's model); and peak-heap-MB, the
// largest heap sampled during them, garbage not yet collected included.
func BenchmarkSync(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.String()+"/changed", func(b *testing.B) { benchSync(b, size, true) })
		b.Run(size.String()+"/unchanged", func(b *testing.B) { benchSync(b, size, false) })
	}
}

// benchSync measures the sync of an establishment of the given size; see
// BenchmarkSync.
func benchSync(b *testing.B, size benchSize, changed bool) {
	e := establishmentOf(b, size)
	// The store is made anew for each benchmark, and the snapshot it is
	// made of dropped: the heap holds the store and the sources, as in a
	// program that synchronises.
	runtime.GC()
	base := testkit.HeapBytes()
	st, err := memory.New(e.gen.StoreSnapshot())
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	stored := testkit.HeapBytes() - base
	ctx := context.Background()
	sources := []*memory.Source{e.src}
	if changed {
		sources = []*memory.Source{e.changed, e.src}
	}
	syncs := make([]*lsusync.Synchronizer, len(sources))
	for i, src := range sources {
		syncs[i] = lsusync.New(src, st, lsusync.Options{Now: e.now})
	}
	// Check once, outside the measure, that the benchmark measures what
	// it says.
	checkBenchSync(b, ctx, st, sources, e, changed)

	b.ReportAllocs()
	runtime.GC()
	live := testkit.HeapBytes()
	var peak testkit.PeakHeap
	peak.Start()
	cpu0, cpuOK := testkit.CPUTime()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		rep, err := syncs[i%len(syncs)].Sync(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Status == lsusync.StatusError {
			b.Fatal(rep.Err())
		}
		i++
	}
	b.StopTimer()
	peak.Stop()
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(e.pupils)/perOp, "pupils/s")
	b.ReportMetric(perOp*1e9/float64(e.pupils), "ns/pupil")
	if cpu1, ok := testkit.CPUTime(); ok && cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N)/float64(e.pupils), "cpu-ns/pupil")
	}
	b.ReportMetric(float64(stored)/(1<<20), "store-MB")
	b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
	b.ReportMetric(float64(peak.Peak())/(1<<20), "peak-heap-MB")
}

// checkBenchSync runs a sync of each source into st once, through a
// store that counts the writes, checks that it updated (or did not
// update, nor write) the records, and leaves the store as it found it.
func checkBenchSync(b *testing.B, ctx context.Context, st *memory.Store, sources []*memory.Source, e *benchEstablishment, changed bool) {
	b.Helper()
	for _, src := range sources {
		counted := &countingStore{Store: st}
		rep, err := lsusync.New(src, batchingStore{counted}, lsusync.Options{Now: e.now}).Sync(ctx)
		if err != nil {
			b.Fatal(err)
		}
		c := rep.Counts()
		if c.Errors > 0 {
			b.Fatal(rep.Err())
		}
		// A value the source leaves empty is kept (rule 4 of docs/rules.md): the few
		// teachers with no last name keep the changed one.
		if changed && (c.Updated == 0 || c.Unchanged*100 > c.Updated) {
			b.Fatalf("the changed sync left records unchanged: %+v", c)
		}
		if !changed && (c.Updated > 0 || c.Added > 0 || counted.counts().writes() > 0) {
			b.Fatalf("the unchanged sync changed records: %+v, writes %+v", c, counted.counts())
		}
	}
}

// BenchmarkReport renders the report of a changed sync (every record
// updated, for 2,000 and 100,000 pupils) in each form a user asks for:
// the default text (one row per pupil and teacher, the bilans of a class
// that changed alike on one), the grouped text, the details (the names of
// the pupils and teachers, the bilans that changed alike said once with
// their pupils) and the JSON. It reports the bytes written and the time
// per item of the report.
func BenchmarkReport(b *testing.B) {
	for _, pupils := range []int{2_000, 100_000} {
		e := establishmentOf(b, benchSize{pupils, gen.ContentNone})
		st, err := memory.New(e.gen.StoreSnapshot())
		if err != nil {
			b.Fatal(err)
		}
		rep, err := lsusync.New(e.changed, st, lsusync.Options{Now: e.now, DryRun: true}).Sync(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		forms := []struct {
			name  string
			write func(w io.Writer) error
		}{
			{"text", rep.WriteText},
			{"grouped", func(w io.Writer) error { return rep.Write(w, lsusync.TextOptions{Group: true}) }},
			{"details", rep.WriteDetails},
			{"json", func(w io.Writer) error { return json.NewEncoder(w).Encode(rep) }},
		}
		for _, f := range forms {
			b.Run(fmt.Sprintf("pupils=%d/%s", pupils, f.name), func(b *testing.B) {
				var size countingWriter
				if err := f.write(&size); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if err := f.write(io.Discard); err != nil {
						b.Fatal(err)
					}
				}
				perOp := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(perOp*1e9/float64(len(rep.Items)), "ns/item")
				b.ReportMetric(float64(size)/(1<<20), "output-MB")
				b.ReportMetric(float64(len(rep.Items)), "items")
			})
		}
	}
}

// countingWriter counts the bytes written to it.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
