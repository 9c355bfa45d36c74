package sqlstore

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/internal/testkit"
)

// benchPupils are the establishment sizes of BenchmarkStore: a large
// collège and, with LSUSYNC_BENCH_LARGE=1, a whole département's worth
// of pupils in one establishment; LSUSYNC_BENCH_PUPILS=n measures n pupils.
func benchPupils() []int {
	if os.Getenv("LSUSYNC_BENCH_LARGE") != "" {
		return []int{2_000, 100_000}
	}
	if n, err := strconv.Atoi(os.Getenv("LSUSYNC_BENCH_PUPILS")); err == nil {
		return []int{n}
	}
	return []int{2_000}
}

// BenchmarkStore measures, on each engine and for each size of
// establishment (25 pupils a class, 3 trimesters, about 12 subjects a
// bilan, every bilan with its end-of-year content, the generator's
// gen.ContentEndOfYear, or empty with LSUSYNC_BENCH_CONTENT=none):
//
//   - init: Create of the store, content included, in a new database;
//   - changed: a sync in which every synchronised value differs, so that
//     every record is written: the iterations sync the changed source and
//     the original in turn;
//   - floor: the rows the changed sync writes, written through the
//     engine's fastest path into tables of the same shape, in one
//     transaction (see benchFloor); it reports the changed sync's time
//     as a multiple of its own (changed/floor), and the time the sync
//     spent writing, its batch's Apply and Commit holding its
//     transaction (writing/floor);
//   - unchanged: a sync of the source the store was made from, which
//     writes nothing; it reports its time as a percentage of the changed
//     sync's (of-changed-%);
//   - unchanged-memos: the same with Options.SkipUnchanged, as lsusync
//     sync and sync-all run it: the classes whose memos match are not
//     read. Two syncs with SkipUnchanged, of the changed source and
//     back, write the memos first.
//
// Each reports records and rows written per sync (records-w/op, rows-w/op)
// and the peak of the Go heap during the operation (peak-heap-MB), with
// the heap before it (base-heap-MB: the generated source and, for init,
// the snapshot, which a program holds anyway).
//
// The records and rows written are counted by the database, not by the
// Store (see dbCount), and checked against the Store's own counts
// (Written) and, for the records of a sync, against the records its
// report counts updated or added.
func BenchmarkStore(b *testing.B) {
	for _, e := range engines {
		for _, n := range benchPupils() {
			b.Run(fmt.Sprintf("engine=%s/pupils=%d", e, n), func(b *testing.B) {
				b.Run("init", func(b *testing.B) { benchInit(b, e, n) })
				// One store for the syncs, made in this benchmark's scope.
				st, err := Create(context.Background(), testDB(b, e), benchSnapshot(n), Options{})
				if err != nil {
					b.Fatal(err)
				}
				// Every class has its row of class_memos, as in a store
				// synchronised before: the syncs measured write none
				// but their updates.
				if _, err := st.db.ExecContext(context.Background(), st.d.q(
					"INSERT INTO class_memos (uai, class, stamp, memo) SELECT uai, code, 0, '' FROM classes WHERE uai = ?"), st.uai); err != nil {
					b.Fatal(err)
				}
				var m measures
				b.Run("changed", func(b *testing.B) { benchSync(b, st, n, true, false, &m) })
				b.Run("floor", func(b *testing.B) { benchFloor(b, st, &m) })
				b.Run("unchanged", func(b *testing.B) { benchSync(b, st, n, false, false, &m) })
				b.Run("unchanged-memos", func(b *testing.B) { benchSync(b, st, n, false, true, &m) })
			})
		}
	}
}

// measures are what the changed sync of BenchmarkStore measured, for the
// cases after it.
type measures struct {
	changedNs float64 // per sync
	writingNs float64 // per sync, in the batch's Apply and Commit
	rows      int64   // rows written per sync
}

// benchSnapshot returns the store of the establishment of n pupils, with
// its end-of-year content; with LSUSYNC_BENCH_CONTENT=none, its bilans
// empty, as lsusync init makes them.
func benchSnapshot(n int) lsusync.Snapshot {
	return benchGenerated(n).est.StoreSnapshot()
}

// benchContent is the content of the benchmarks' bilans.
func benchContent() gen.Content {
	if os.Getenv("LSUSYNC_BENCH_CONTENT") == "none" {
		return gen.ContentNone
	}
	return gen.ContentEndOfYear
}

var (
	benchMu   sync.Mutex
	benchGens = map[int]*generated{}
)

// benchGenerated returns the establishment of n pupils, made once.
func benchGenerated(n int) *generated {
	benchMu.Lock()
	defer benchMu.Unlock()
	if g, ok := benchGens[n]; ok {
		return g
	}
	g := generate(gen.Config{Seed: 1, Pupils: n, Periods: 3, SubjectsPerClass: 12, Content: benchContent()})
	g.snap = lsusync.Snapshot{} // made again when needed: 1 GB at 100,000 pupils
	benchGens[n] = g
	return g
}

func benchInit(b *testing.B, e Engine, n int) {
	snap := benchSnapshot(n)
	ctx := context.Background()
	var peak peakHeap
	b.ReportAllocs()
	b.ResetTimer()
	var inDB Written
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		db := testDB(b, e)
		runtime.GC()
		b.StartTimer()
		peak.start()
		cpu0, _ := testkit.CPUTime()
		st, err := Create(ctx, db, snap, Options{})
		cpu1, _ := testkit.CPUTime()
		cpu += cpu1 - cpu0
		peak.Stop()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		// The database is new: its rows are those Create wrote.
		if inDB, err = tableRows(ctx, st); err != nil {
			b.Fatal(err)
		}
		if w := st.Written(); w != inDB {
			b.Errorf("Create wrote %+v, its Store counts %+v", inDB, w)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(inDB.Records), "records-w/op")
	b.ReportMetric(float64(inDB.Rows), "rows-w/op")
	b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "pupils/s")
	reportCPU(b, cpu)
	peak.report(b)
}

// reportCPU reports the CPU time of this process per operation: all of
// SQLite's work, and the client's part of PostgreSQL's. A busy machine
// inflates the elapsed time, not this.
func reportCPU(b *testing.B, cpu time.Duration) {
	if _, ok := testkit.CPUTime(); ok {
		b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

// benchSync measures the syncs of the changed source and back (changed),
// or of the source the store holds; with memos, with SkipUnchanged.
func benchSync(b *testing.B, sqlStore *Store, n int, changed, memos bool, m *measures) {
	g := benchGenerated(n)
	ctx := context.Background()
	sources := []lsusync.Source{g.src}
	if changed {
		sources = []lsusync.Source{g.changed, g.src}
	}
	opts := lsusync.Options{Now: g.now, SkipUnchanged: memos}
	if memos {
		for _, src := range []lsusync.Source{g.changed, g.src} {
			if _, err := lsusync.New(src, sqlStore, opts).Sync(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	var peak peakHeap
	st := &countingStore{Store: sqlStore}
	w0 := st.Written()
	versions0, err := versionSum(ctx, sqlStore)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	i, recordsChanged := 0, 0
	var rep *lsusync.Report
	cpu0, _ := testkit.CPUTime()
	for b.Loop() {
		peak.start()
		var err error
		rep, err = lsusync.New(sources[i%len(sources)], st, opts).Sync(ctx)
		peak.Stop()
		if err != nil {
			b.Fatal(err)
		}
		if err := rep.Err(); err != nil {
			b.Fatal(err)
		}
		c := rep.Counts()
		if changed && c.Updated < n || !changed && c.Updated+c.Added > 0 {
			b.Fatalf("sync %d: %d records updated, %d added", i, c.Updated, c.Added)
		}
		recordsChanged += c.Updated + c.Added
		i++
	}
	cpu1, _ := testkit.CPUTime()
	cpu := cpu1 - cpu0
	w := st.Written()
	// The live heap with the last report: the source and the report, the
	// synchronizer's, which holds an item per record.
	runtime.GC()
	b.ReportMetric(float64(testkit.HeapBytes())/(1<<20), "live-heap-MB")
	runtime.KeepAlive(rep)
	versions, err := versionSum(ctx, sqlStore)
	if err != nil {
		b.Fatal(err)
	}
	records, rows := versions-versions0, st.rows.Load()
	if changed && i%2 == 1 { // leave the store as it was made
		if _, err := lsusync.New(g.src, sqlStore, lsusync.Options{Now: g.now}).Sync(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if records != int64(recordsChanged) {
		b.Errorf("the database holds %d record writes more, the reports count %d records changed", records, recordsChanged)
	}
	if (Written{Records: records, Rows: rows}) != (Written{Records: w.Records - w0.Records, Rows: w.Rows - w0.Rows}) {
		b.Errorf("the database wrote %d records and %d rows, the Store counts %d and %d",
			records, rows, w.Records-w0.Records, w.Rows-w0.Rows)
	}
	b.ReportMetric(float64(recordsChanged)/float64(i), "changed/op")
	b.ReportMetric(float64(records)/float64(i), "records-w/op")
	b.ReportMetric(float64(rows)/float64(i), "rows-w/op")
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	if changed {
		m.changedNs, m.rows = ns, rows/int64(i)
		m.writingNs = float64(st.writing.Load()) / float64(i)
		b.ReportMetric(m.writingNs/1e6, "writing-ms/op")
	} else if m.changedNs > 0 {
		b.ReportMetric(100*ns/m.changedNs, "of-changed-%")
	}
	b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "pupils/s")
	reportCPU(b, cpu)
	peak.report(b)
}

// countingStore is a Store whose batches count the rows the database
// writes in their transaction, as the database counts them (see
// dbCount), just before they commit, and the time they held their
// transaction, writing (batch.busy).
type countingStore struct {
	*Store
	rows    atomic.Int64 // rows written by the batches that reached their commit
	writing atomic.Int64 // nanoseconds the batches spent writing
}

func (c *countingStore) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	lb, err := c.Store.BeginBatch(ctx)
	if err != nil {
		return nil, err
	}
	bt := lb.(*batch)
	base, err := dbCount(ctx, c.Store, bt.w.q)
	if err != nil {
		lb.Discard()
		return nil, err
	}
	bt.beforeCommit = func(ctx context.Context, q queryer) error {
		n, err := dbCount(ctx, c.Store, q)
		c.rows.Add(n - base)
		return err
	}
	return countedBatch{bt, c}, nil
}

// countedBatch adds, once committed, the time its batch held its
// transaction, its commit included, to its store's count.
type countedBatch struct {
	*batch
	c *countingStore
}

func (b countedBatch) Commit(ctx context.Context) error {
	err := b.batch.Commit(ctx)
	b.c.writing.Add(int64(b.batch.busy))
	return err
}

// dbCount returns the database's count of the rows inserted, updated or
// deleted: on SQLite, by the connection q (total_changes(), which counts
// the rows each INSERT, UPDATE and DELETE changed since the connection
// opened); on PostgreSQL, by q's transaction, in the store's schema
// (pg_stat_xact_user_tables, which counts them in every table).
func dbCount(ctx context.Context, s *Store, q queryer) (int64, error) {
	query := "SELECT total_changes()"
	if s.d.engine == Postgres {
		query = `SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint FROM pg_stat_xact_user_tables
			WHERE schemaname = current_schema()`
	}
	var n int64
	err := q.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

// recordTables are the tables of the records, each row a record with its
// version column.
var recordTables = []string{"establishments", "teachers", "classes", "students", "bilans"}

// versionSum returns the sum of the version columns of the store's
// records: a write of a record adds one to it, an added record one, so
// that the difference between two sums is the number of records
// written in between, as the database holds them.
func versionSum(ctx context.Context, s *Store) (int64, error) {
	parts := make([]string, len(recordTables))
	args := make([]any, len(recordTables))
	for i, t := range recordTables {
		parts[i] = "(SELECT COALESCE(SUM(version), 0) FROM " + t + " WHERE uai = ?)"
		args[i] = s.uai
	}
	var n int64
	err := s.q.QueryRowContext(ctx, s.d.q("SELECT CAST("+strings.Join(parts, " + ")+" AS BIGINT)"), args...).Scan(&n)
	return n, err
}

// tableRows counts the rows of the store's database: Records those of
// the record tables, Rows those of every table.
func tableRows(ctx context.Context, s *Store) (Written, error) {
	var w Written
	for _, t := range []string{"establishments", "teachers", "classes", "class_periods", "students", "bilans",
		"bilan_documents", "class_memos"} {
		var n int64
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return w, err
		}
		w.Rows += n
		if slices.Contains(recordTables, t) {
			w.Records += n
		}
	}
	return w, nil
}

// BenchmarkEstablishments syncs 100 establishments of 1,000 pupils in one
// database (everything changed, then back) by 1 and 2 workers, each
// worker syncing one establishment at a time.
func BenchmarkEstablishments(b *testing.B) {
	const count, pupils = 100, 1000
	for _, e := range engines {
		b.Run("engine="+string(e), func(b *testing.B) {
			ctx := context.Background()
			url := testURL(b, e)
			db, err := Connect(ctx, url)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			gens := make([]*generated, count)
			stores := make([]*Store, count)
			for i := range count {
				gens[i] = generate(gen.Config{Seed: int64(i), Pupils: pupils, UAI: fmt.Sprintf("%07dA", 750100+i)})
				if stores[i], err = Create(ctx, db, gens[i].snap, Options{LockTimeout: time.Minute}); err != nil {
					b.Fatal(err)
				}
				gens[i].snap = lsusync.Snapshot{}
			}
			round := 0
			for _, workers := range []int{1, 2} {
				b.Run("workers="+strconv.Itoa(workers), func(b *testing.B) {
					b.ReportAllocs()
					cpu0, _ := testkit.CPUTime()
					for b.Loop() {
						next := atomic.Int64{}
						var wg sync.WaitGroup
						var failed atomic.Value
						for range workers {
							wg.Go(func() {
								for {
									i := int(next.Add(1)) - 1
									if i >= count {
										return
									}
									src := gens[i].changed
									if round%2 == 1 {
										src = gens[i].src
									}
									rep, err := lsusync.New(src, stores[i], lsusync.Options{Now: gens[i].now, Concurrency: 1}).Sync(ctx)
									if err == nil {
										err = rep.Err()
									}
									if err != nil {
										failed.Store(err)
										return
									}
								}
							})
						}
						wg.Wait()
						if err, ok := failed.Load().(error); ok {
							b.Fatal(err)
						}
						round++
					}
					cpu1, _ := testkit.CPUTime()
					reportCPU(b, cpu1-cpu0)
					per := b.Elapsed().Seconds() / float64(b.N)
					b.ReportMetric(count/per, "establishments/s")
					b.ReportMetric(count*pupils/per, "pupils/s")
				})
			}
		})
	}
}

// peakHeap is testkit's sampler with the heap before the first
// operation, which the benchmarks report beside the peak.
type peakHeap struct {
	testkit.PeakHeap
	base uint64
}

func (p *peakHeap) start() {
	if p.base == 0 {
		p.base = testkit.HeapBytes()
	}
	p.Start()
}

func (p *peakHeap) report(b *testing.B) {
	b.ReportMetric(float64(p.Peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(p.base)/(1<<20), "base-heap-MB")
}
