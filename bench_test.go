package lsusync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/internal/testkit"
)

// benchEstablishment is a generated establishment ready to sync: its
// source, the store `lsusync init` makes of it, and a variant of the
// source in which every synchronised value differs.
type benchEstablishment struct {
	cfg     gen.Config
	src     *memory.Source // what the store was initialised from
	changed *memory.Source // every record of src changed
	store   lsusync.Snapshot
	pupils  int // pupils of the establishment (Config.Pupils)
	now     func() time.Time
}

var (
	benchMu    sync.Mutex
	benchCache = map[int]*benchEstablishment{}
)

// establishmentOf generates, once per size, an establishment of the given
// number of pupils with the generator's proportions: 25 pupils a class,
// 3 teachers for 40 pupils (80 classes and 150 teachers for 2,000 pupils),
// 3 trimesters, about 12 subjects per bilan.
func establishmentOf(b *testing.B, pupils int) *benchEstablishment {
	benchMu.Lock()
	defer benchMu.Unlock()
	if e, ok := benchCache[pupils]; ok {
		return e
	}
	cfg := gen.Config{Seed: 1, Pupils: pupils, Periods: 3, SubjectsPerClass: 12}.Normalize()
	g := gen.New(cfg)
	today := cfg.Today
	e := &benchEstablishment{
		cfg:   cfg,
		src:   g.Source(),
		store: g.StoreSnapshot(),
		now: func() time.Time {
			return time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC)
		},
	}
	e.pupils = cfg.Pupils
	e.changed = testkit.ChangeEverything(e.src)
	benchCache[pupils] = e
	return e
}

// BenchmarkSync syncs a generated establishment into the memory store
// (with its Batcher: one Commit per sync), for 2,000 and 100,000 pupils:
//
//   - unchanged: the store is the one `lsusync init` makes of the source,
//     so the sync reads everything, compares everything and writes nothing
//     (the same store serves every iteration);
//   - changed: every synchronised value differs between the store and the
//     source: each iteration syncs alternately the changed variant of the
//     source (see changeEverything) and the original, so that each one
//     updates the establishment, every teacher, class, present pupil and
//     bilan of the store, and commits.
//
// It reports pupils/s and ns/pupil, to compare the two sizes: the cost
// must grow linearly with the number of pupils; and cpu-ns/pupil, the CPU
// time of the process (every goroutine, the garbage collector included)
// per pupil, which the load of other processes does not inflate.
func BenchmarkSync(b *testing.B) {
	for _, pupils := range []int{2_000, 100_000} {
		b.Run(fmt.Sprintf("pupils=%d/changed", pupils), func(b *testing.B) { benchSync(b, pupils, true) })
		b.Run(fmt.Sprintf("pupils=%d/unchanged", pupils), func(b *testing.B) { benchSync(b, pupils, false) })
	}
}

// benchSync measures the sync of an establishment of the given size; see
// BenchmarkSync.
func benchSync(b *testing.B, pupils int, changed bool) {
	e := establishmentOf(b, pupils)
	st, err := memory.New(e.store)
	if err != nil {
		b.Fatal(err)
	}
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
	checkBenchSync(b, ctx, syncs, changed)

	b.ReportAllocs()
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
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(e.pupils)/perOp, "pupils/s")
	b.ReportMetric(perOp*1e9/float64(e.pupils), "ns/pupil")
	if cpu1, ok := testkit.CPUTime(); ok && cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N)/float64(e.pupils), "cpu-ns/pupil")
	}
}

// checkBenchSync runs each synchronizer once, checks that it updated (or
// did not update) the records, and leaves the store as it found it.
func checkBenchSync(b *testing.B, ctx context.Context, syncs []*lsusync.Synchronizer, changed bool) {
	b.Helper()
	for _, s := range syncs {
		rep, err := s.Sync(ctx)
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
		if !changed && (c.Updated > 0 || c.Added > 0) {
			b.Fatalf("the unchanged sync changed records: %+v", c)
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
		e := establishmentOf(b, pupils)
		st, err := memory.New(e.store)
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
