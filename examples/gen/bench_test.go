package gen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/lsusync/lsusync"
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

// contentSizes are the stores the benchmarks of the store snapshot make:
// empty ones, as lsusync init makes them, of 2,000 and 100,000 pupils, and
// ones filled as at the end of the year of 2,000 and 20,000.
var contentSizes = []struct {
	pupils  int
	content Content
}{{2000, ContentNone}, {100000, ContentNone}, {2000, ContentEndOfYear}, {20000, ContentEndOfYear}}

// BenchmarkStoreSnapshot measures the making of the store lsusync init
// makes, filled or not; content-MB is the size of its bilans' content
// (see contentText).
func BenchmarkStoreSnapshot(b *testing.B) {
	for _, size := range contentSizes {
		b.Run(fmt.Sprintf("pupils=%d/content=%s", size.pupils, size.content), func(b *testing.B) {
			e := New(Config{Seed: 1, Pupils: size.pupils, Content: size.content})
			b.ReportAllocs()
			var snap lsusync.Snapshot
			for b.Loop() {
				snap = e.StoreSnapshot()
			}
			b.ReportMetric(float64(size.pupils)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
			b.ReportMetric(float64(contentText(snap))/1e6, "content-MB")
		})
	}
}

// BenchmarkFillContent measures FillContent alone, on the store lsusync
// init makes of 2,000 and 20,000 pupils.
func BenchmarkFillContent(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) {
			e := New(Config{Seed: 1, Pupils: n, Content: ContentEndOfYear})
			snap, err := Init(context.Background(), e.Source(), e.Config.PeriodList(), e.Config.Today)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				e.FillContent(&snap)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pupils/s")
			b.ReportMetric(float64(len(snap.Bilans))*float64(b.N)/b.Elapsed().Seconds(), "bilans/s")
			b.ReportMetric(float64(contentText(snap))/1e6, "content-MB")
		})
	}
}

// contentText returns the size of the bilans' content: each bilan's
// content as encoding/json writes it, and the appreciations and éléments
// de programme of its acquis.
func contentText(snap lsusync.Snapshot) int {
	n := 0
	for _, b := range snap.Bilans {
		if !b.BilanContent.IsZero() {
			c, err := json.Marshal(b.BilanContent)
			if err != nil {
				panic(err)
			}
			n += len(c)
		}
		for _, a := range b.Acquis {
			n += len(a.Appreciation)
			for _, el := range a.ProgrammeElements {
				n += len(el)
			}
		}
	}
	return n
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
