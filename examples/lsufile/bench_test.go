package lsufile_test

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/lsufile"
	"github.com/lsusync/lsusync/internal/testkit"
	"github.com/lsusync/lsusync/lsusynctest"
)

// The benchmarks write and read the files of generated establishments
// whose every bilan holds full content: every field set, at LSU's limits
// (lsusynctest.FullBilanContent and FullAcquisContent, sixteen variants).

// benchSizes are the establishments' sizes, in pupils: 2,000 is a large
// collège, the others a département's or an académie's ENT.
var benchSizes = []int{2000, 20000, 100000}

// benchStore is a generated establishment's store whose bilans get their
// full content as they are read, class by class: the store's own memory
// is that of examples/gen's snapshot, and the content is shared between
// the bilans of one variant.
type benchStore struct {
	snap     lsusync.Snapshot
	students map[string][]lsusync.Student
	bilans   map[string][]lsusync.Bilan
	content  [16]lsusync.BilanContent
	acquis   [16]lsusync.AcquisContent
	count    int // the store's bilans
}

var benchStores sync.Map // pupils -> *benchStore

func newBenchStore(b *testing.B, pupils int) *benchStore {
	if st, ok := benchStores.Load(pupils); ok {
		return st.(*benchStore)
	}
	snap := gen.New(gen.Config{Seed: 42, Pupils: pupils}).StoreSnapshot()
	st := &benchStore{students: make(map[string][]lsusync.Student), bilans: make(map[string][]lsusync.Bilan)}
	class := make(map[string]string)
	for _, s := range snap.Students {
		st.students[s.Class] = append(st.students[s.Class], s)
		class[s.ID] = s.Class
	}
	for _, bi := range snap.Bilans {
		st.bilans[class[bi.Student]] = append(st.bilans[class[bi.Student]], bi)
	}
	st.count = len(snap.Bilans)
	snap.Bilans, snap.Students = nil, nil
	st.snap = snap
	for i := range st.content {
		st.content[i] = lsusynctest.FullBilanContent(i)
		st.acquis[i] = lsusynctest.FullAcquisContent(i)
	}
	benchStores.Store(pupils, st)
	return st
}

func (s *benchStore) Establishment(context.Context) (lsusync.Establishment, error) {
	return s.snap.Establishment, nil
}
func (s *benchStore) Teachers(context.Context) ([]lsusync.Teacher, error) {
	return s.snap.Teachers, nil
}
func (s *benchStore) Classes(context.Context) ([]lsusync.Class, error) { return s.snap.Classes, nil }
func (s *benchStore) Students(_ context.Context, class string) ([]lsusync.Student, error) {
	return s.students[class], nil
}
func (s *benchStore) Student(context.Context, string) (lsusync.Student, error) {
	return lsusync.Student{}, lsusync.ErrNotFound
}

// Bilans returns the class's bilans with their full content. The
// generator's subjects without a modalité (its programmes of modalité N)
// take S, its labels over 40 characters are cut, and its services without
// a teacher get one: the school corrected its nomenclature and STS-Web,
// so that every bilan is written.
func (s *benchStore) Bilans(_ context.Context, class string) ([]lsusync.Bilan, error) {
	src := s.bilans[class]
	out := make([]lsusync.Bilan, len(src))
	for i, b := range src {
		b.BilanContent = s.content[i%16]
		b.Acquis = append([]lsusync.Acquis(nil), b.Acquis...)
		for j := range b.Acquis {
			a := &b.Acquis[j]
			a.AcquisContent = s.acquis[(i+j)%16]
			if a.Subject.Modality == "" {
				a.Subject.Modality = "S"
			}
			if utf8.RuneCountInString(a.Subject.Label) > 40 {
				a.Subject.Label = string([]rune(a.Subject.Label)[:40])
			}
			if len(a.Teachers) == 0 {
				a.Teachers = []lsusync.TeacherKey{s.snap.Teachers[0].Key}
			}
		}
		b.Version = "1"
		out[i] = b
	}
	return out, nil
}

// counter counts the bytes written to it.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// meter measures an operation: the process's CPU time (every goroutine,
// the garbage collector's included) and the peak of the heap above what
// it held before, sampled every millisecond.
type meter struct {
	base, peak uint64
	cpu0       float64
	done       chan struct{}
	wg         sync.WaitGroup
}

var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapBytes() uint64 {
	s := make([]metrics.Sample, 1)
	copy(s, heapSample)
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// cpuSeconds returns the CPU seconds the process used, as the kernel
// counts them (0 where it is not read: no cpu-MB/s then).
func cpuSeconds() float64 {
	d, _ := testkit.CPUTime()
	return d.Seconds()
}

func (m *meter) start() {
	runtime.GC()
	m.base, m.peak = heapBytes(), 0
	m.done = make(chan struct{})
	m.cpu0 = cpuSeconds()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.done:
				return
			case <-t.C:
				m.peak = max(m.peak, heapBytes())
			}
		}
	}()
}

// stop ends the measure: the CPU seconds used, and the peak above the
// heap before.
func (m *meter) stop() (float64, uint64) {
	cpu := cpuSeconds() - m.cpu0
	close(m.done)
	m.wg.Wait()
	m.peak = max(m.peak, heapBytes())
	if m.peak < m.base {
		return cpu, 0
	}
	return cpu, m.peak - m.base
}

// report reports the figures of b's iterations over bytes of file each.
func report(b *testing.B, bytes int64, bilans int, cpu float64, peak uint64) {
	b.ReportMetric(float64(bytes)*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
	if cpu > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/cpu/1e6, "cpu-MB/s")
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(bytes)/1e6, "file-MB")
	b.ReportMetric(float64(bilans)*float64(b.N)/b.Elapsed().Seconds(), "bilans/s")
}

// BenchmarkExport writes the file of a generated establishment's store.
func BenchmarkExport(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			st := newBenchStore(b, n)
			b.ReportAllocs()
			var m meter
			var cpu float64
			var peak uint64
			var w counter
			var rep *lsufile.Report
			for b.Loop() {
				w = counter{}
				m.start()
				var err error
				rep, err = lsufile.Export(context.Background(), st, &w, lsufile.ExportOptions{Identity: identity})
				c, p := m.stop()
				cpu += c
				peak = max(peak, p)
				if err != nil {
					b.Fatal(err)
				}
			}
			if got := rep.Counts(); got.Exported != st.count {
				b.Fatalf("%d bilans exported of %d:\n%s", got.Exported, st.count, rep)
			}
			report(b, w.n, st.count, cpu, peak)
		})
	}
}

// benchFiles caches the file of each size, written once by the
// benchmarks that read them; TestMain removes them.
var benchFiles = struct {
	sync.Mutex
	dir   string
	paths map[int]string
}{paths: make(map[int]string)}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchFiles.dir != "" {
		os.RemoveAll(benchFiles.dir)
	}
	os.Exit(code)
}

// benchFile returns the path of the file of the store of n pupils.
func benchFile(b *testing.B, n int) string {
	benchFiles.Lock()
	defer benchFiles.Unlock()
	if p, ok := benchFiles.paths[n]; ok {
		return p
	}
	if benchFiles.dir == "" {
		dir, err := os.MkdirTemp("", "lsufile-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchFiles.dir = dir
	}
	p := filepath.Join(benchFiles.dir, fmt.Sprintf("bilans-%d.xml", n))
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := lsufile.Export(context.Background(), newBenchStore(b, n), w, lsufile.ExportOptions{Identity: identity}); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	benchFiles.paths[n] = p
	return p
}

// BenchmarkRead reads the file of a generated establishment, every bilan
// into the model.
func BenchmarkRead(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			path := benchFile(b, n)
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var m meter
			var cpu float64
			var peak uint64
			bilans := 0
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				bilans = 0
				m.start()
				_, err = lsufile.Read(context.Background(), f, path, lsufile.ReadOptions{MaxFileSize: -1}, func(*lsufile.FileBilan) error {
					bilans++
					return nil
				})
				c, p := m.stop()
				cpu += c
				peak = max(peak, p)
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			report(b, fi.Size(), bilans, cpu, peak)
		})
	}
}

// nullStore is the establishment of a bench store without bilans, whose
// batch takes the change sets and keeps nothing: the import's own cost.
type nullStore struct {
	*benchStore
	written int
}

func (s *nullStore) Bilans(context.Context, string) ([]lsusync.Bilan, error) { return nil, nil }
func (s *nullStore) Apply(context.Context, lsusync.ChangeSet) error          { return nil }
func (s *nullStore) BeginBatch(context.Context) (lsusync.Batch, error)       { return &nullBatch{s}, nil }

type nullBatch struct{ s *nullStore }

func (b *nullBatch) Apply(_ context.Context, cs lsusync.ChangeSet) error {
	b.s.written += len(cs.Bilans)
	return nil
}
func (b *nullBatch) Commit(context.Context) error { return nil }
func (b *nullBatch) Discard()                     {}

// BenchmarkImport imports the file of a generated establishment into a
// store of its pupils: the file read twice, its bilans matched with the
// store's pupils and periods, and staged in a batch.
func BenchmarkImport(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			path := benchFile(b, n)
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			st := &nullStore{benchStore: newBenchStore(b, n)}
			b.ReportAllocs()
			var m meter
			var cpu float64
			var peak uint64
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				st.written = 0
				m.start()
				rep, err := lsufile.Import(context.Background(), st, f, path, lsufile.ImportOptions{ReadOptions: lsufile.ReadOptions{MaxFileSize: -1}})
				c, p := m.stop()
				cpu += c
				peak = max(peak, p)
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				if rep.Counts().Imported != st.count || st.written != st.count {
					b.Fatalf("%d bilans imported of %d", st.written, st.count)
				}
			}
			report(b, fi.Size(), st.count, cpu, peak)
		})
	}
}

// BenchmarkEncodingXML is the baseline: encoding/xml on the same file.
// The model's types do not go through encoding/xml's Marshal (their
// Content maps are a type it refuses), so the baseline is its layer
// below, which Marshal and Unmarshal build on: Tokens reads every token
// of the file (Decoder.Token, no struct filled, no check), Copy also
// writes each again (Encoder.EncodeToken), the file's bytes in, about as
// many out. A Marshal or Unmarshal of structs costs more than these.
func BenchmarkEncodingXML(b *testing.B) {
	for _, n := range benchSizes {
		for _, copyTokens := range []bool{false, true} {
			name := "Tokens"
			if copyTokens {
				name = "Copy"
			}
			b.Run(fmt.Sprintf("%s/pupils=%d", name, n), func(b *testing.B) {
				path := benchFile(b, n)
				fi, err := os.Stat(path)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				var m meter
				var cpu float64
				var peak uint64
				for b.Loop() {
					f, err := os.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					m.start()
					dec := xml.NewDecoder(bufio.NewReaderSize(f, 64<<10))
					var w counter
					bw := bufio.NewWriterSize(&w, 64<<10)
					enc := xml.NewEncoder(bw)
					for {
						tok, err := dec.Token()
						if err == io.EOF {
							break
						} else if err != nil {
							b.Fatal(err)
						}
						if _, ok := tok.(xml.ProcInst); copyTokens && !ok {
							if err := enc.EncodeToken(tok); err != nil {
								b.Fatal(err)
							}
						}
					}
					if err := enc.Flush(); err != nil {
						b.Fatal(err)
					}
					bw.Flush()
					c, p := m.stop()
					cpu += c
					peak = max(peak, p)
					f.Close()
				}
				report(b, fi.Size(), newBenchStore(b, n).count, cpu, peak)
			})
		}
	}
}
