package siecle

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/internal/testkit"
)

// benchExports caches the generated exports of each size for the whole
// test binary; TestMain removes them.
var benchExports = struct {
	sync.Mutex
	root  string
	files map[int]gen.Files
}{files: make(map[int]gen.Files)}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchExports.root != "" {
		os.RemoveAll(benchExports.root)
	}
	os.Exit(code)
}

// exportsOf returns the plain-XML exports of a generated establishment of
// n pupils, generated once.
func exportsOf(b *testing.B, n int) gen.Files {
	b.Helper()
	benchExports.Lock()
	defer benchExports.Unlock()
	if f, ok := benchExports.files[n]; ok {
		return f
	}
	if benchExports.root == "" {
		root, err := os.MkdirTemp("", "siecle-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchExports.root = root
	}
	f, err := gen.New(gen.Config{Seed: 42, Pupils: n}).WriteExports(filepath.Join(benchExports.root, fmt.Sprint(n)), gen.ExportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	benchExports.files[n] = f
	return f
}

var benchSizes = []int{2000, 100000}

// cpuMeter reports, beside the wall-clock figures, the throughput per
// second of CPU time used by the process (GC included): on a shared,
// loaded machine it is the steadier figure.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU(b *testing.B) *cpuMeter {
	b.ResetTimer()
	start, ok := testkit.CPUTime()
	return &cpuMeter{start: start, ok: ok}
}

func (m *cpuMeter) report(b *testing.B, bytes int64, pupils int) {
	end, ok := testkit.CPUTime()
	used := (end - m.start).Seconds()
	if !ok || !m.ok || used <= 0 {
		return
	}
	b.ReportMetric(float64(bytes)*float64(b.N)/used/1e6, "cpu-MB/s")
	b.ReportMetric(float64(pupils)*float64(b.N)/used, "cpu-pupils/s")
}

// BenchmarkReadEleves measures the tokenizer and the BEE_ELEVES reader:
// ElevesSansAdresses.xml bytes in memory to domain values.
func BenchmarkReadEleves(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			data, err := os.ReadFile(exportsOf(b, n).Eleves)
			if err != nil {
				b.Fatal(err)
			}
			benchBytes := int64(len(data))
			b.SetBytes(benchBytes)
			b.ReportAllocs()
			m := startCPU(b)
			for b.Loop() {
				p, err := ReadEleves(context.Background(), bytes.NewReader(data), "ElevesSansAdresses.xml", Options{})
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Enrolments) != n {
					b.Fatalf("%d pupils, want %d", len(p.Enrolments), n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
			m.report(b, benchBytes, n)
		})
	}
}

// BenchmarkOpen measures Open on every export of an establishment, read
// from disk.
func BenchmarkOpen(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			f := exportsOf(b, n)
			files := Files{Eleves: f.Eleves, Communs: f.Communs, Structures: f.Structures, Nomenclature: f.Nomenclature, STS: f.STS}
			var size int64
			for _, p := range []string{f.Eleves, f.Communs, f.Structures, f.Nomenclature, f.STS} {
				st, err := os.Stat(p)
				if err != nil {
					b.Fatal(err)
				}
				size += st.Size()
			}
			benchBytes := size
			b.SetBytes(benchBytes)
			b.ReportAllocs()
			m := startCPU(b)
			for b.Loop() {
				if _, err := Open(context.Background(), files, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
			m.report(b, benchBytes, n)
		})
	}
}

// BenchmarkRefEncodingXML is the reference: a bare encoding/xml token
// pass over the same ElevesSansAdresses.xml bytes, with an ISO-8859-15
// charset reader.
func BenchmarkRefEncodingXML(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			data, err := os.ReadFile(exportsOf(b, n).Eleves)
			if err != nil {
				b.Fatal(err)
			}
			benchBytes := int64(len(data))
			b.SetBytes(benchBytes)
			b.ReportAllocs()
			m := startCPU(b)
			for b.Loop() {
				d := xml.NewDecoder(bytes.NewReader(data))
				d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
					if !strings.EqualFold(label, "ISO-8859-15") {
						return nil, fmt.Errorf("charset %s", label)
					}
					return charmap.ISO8859_15.NewDecoder().Reader(r), nil
				}
				for {
					_, err := d.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
			m.report(b, benchBytes, n)
		})
	}
}

// BenchmarkRefByteScan is the floor: read the file and count "<ELEVE ".
func BenchmarkRefByteScan(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			path := exportsOf(b, n).Eleves
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			benchBytes := st.Size()
			b.SetBytes(benchBytes)
			b.ReportAllocs()
			m := startCPU(b)
			for b.Loop() {
				data, err := os.ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				if c := bytes.Count(data, []byte("<ELEVE ")); c != n {
					b.Fatalf("%d pupils, want %d", c, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
			m.report(b, benchBytes, n)
		})
	}
}
