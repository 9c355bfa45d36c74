package gen

import (
	"fmt"
	"io"
	"os"
	"testing"
)

var benchSizes = []int{2000, 100000}

func BenchmarkNew(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				New(Config{Seed: 1, Pupils: n})
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
		})
	}
}

// BenchmarkWriteExports measures the writing of the five exports; MB/s
// counts the XML bytes (before zipping).
func BenchmarkWriteExports(b *testing.B) {
	for _, n := range benchSizes {
		for _, opts := range []ExportOptions{{}, {Zip: true}} {
			b.Run(fmt.Sprintf("pupils=%d/zip=%v", n, opts.Zip), func(b *testing.B) {
				e := New(Config{Seed: 1, Pupils: n})
				dir := b.TempDir()
				f, err := e.WriteExports(dir, ExportOptions{})
				if err != nil {
					b.Fatal(err)
				}
				var size int64
				for _, p := range []string{f.Eleves, f.Communs, f.Structures, f.Nomenclature, f.STS} {
					fi, err := os.Stat(p)
					if err != nil {
						b.Fatal(err)
					}
					size += fi.Size()
				}
				b.SetBytes(size)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if _, err := e.WriteExports(dir, opts); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
			})
		}
	}
}

func BenchmarkStoreSnapshot(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			e := New(Config{Seed: 1, Pupils: n})
			b.ReportAllocs()
			for b.Loop() {
				e.StoreSnapshot()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
		})
	}
}

// BenchmarkEncode measures the encoding of the five exports alone, to
// io.Discard: the CPU cost of WriteExports without the file system.
func BenchmarkEncode(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			e := New(Config{Seed: 1, Pupils: n})
			docs := []func(*xmlWriter){e.writeEleves, e.writeCommuns, e.writeStructures, e.writeNomenclature, e.writeSTS}
			encode := func() int64 {
				var size int64
				for _, write := range docs {
					x := newXMLWriter(io.Discard, false, true)
					x.header()
					write(x)
					if err := x.flush(); err != nil {
						b.Fatal(err)
					}
					size += x.n
				}
				return size
			}
			b.SetBytes(encode())
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				encode()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
		})
	}
}
