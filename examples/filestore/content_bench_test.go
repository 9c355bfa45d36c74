package filestore

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/internal/jsonscan"
	"github.com/lsusync/lsusync/internal/testkit"
)

// BenchmarkContent measures the codec of the contents alone, on the
// contents of the bilans and acquis of a 2,000-pupil store at the end of
// the year (gen.ContentEndOfYear): encoding/json's encoder, which the store
// writes them with; the store's decoder, derived from the same types;
// and, for comparison, encoding/json's decoder, strict as the store must
// be (DisallowUnknownFields, and still blind to duplicate members).
func BenchmarkContent(b *testing.B) {
	snap := benchSnapshot(2000, "content")
	var bilans, acquis [][]byte
	var size int64
	enc := newContentEncoder()
	for i := range snap.Bilans {
		bi := &snap.Bilans[i]
		data, err := enc.append(nil, &bi.BilanContent)
		if err != nil {
			b.Fatal(err)
		}
		bilans = append(bilans, data)
		size += int64(len(data))
		for j := range bi.Acquis {
			if bi.Acquis[j].HasContent() {
				data, err := enc.append(nil, &bi.Acquis[j].AcquisContent)
				if err != nil {
					b.Fatal(err)
				}
				acquis = append(acquis, data)
				size += int64(len(data))
			}
		}
	}
	b.Run("encode=encoding/json", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		cpu0, _ := testkit.CPUTime()
		defer reportCPUMBs(b, size, cpu0)
		var buf []byte
		for b.Loop() {
			for i := range snap.Bilans {
				bi := &snap.Bilans[i]
				buf, _ = enc.append(buf[:0], &bi.BilanContent)
				for j := range bi.Acquis {
					if bi.Acquis[j].HasContent() {
						buf, _ = enc.append(buf[:0], &bi.Acquis[j].AcquisContent)
					}
				}
			}
		}
	})
	b.Run("decode=filestore", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		cpu0, _ := testkit.CPUTime()
		defer reportCPUMBs(b, size, cpu0)
		for b.Loop() {
			// One scanner reads every content, as it does a file: its
			// chunks of texts and shared values serve them all.
			d := newScanner(nil)
			d.version = Version
			for _, data := range bilans {
				var c lsusync.BilanContent
				d.Reset(data)
				jsonscan.Read(&d.Scanner, &c, loc{"bilans", 0, "content"}, nil)
			}
			for _, data := range acquis {
				var c lsusync.AcquisContent
				d.Reset(data)
				jsonscan.Read(&d.Scanner, &c, loc{"bilans", 0, "acquis"}, nil)
			}
		}
	})
	b.Run("decode=encoding/json", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		cpu0, _ := testkit.CPUTime()
		defer reportCPUMBs(b, size, cpu0)
		for b.Loop() {
			for _, data := range bilans {
				var c lsusync.BilanContent
				d := json.NewDecoder(bytes.NewReader(data))
				d.DisallowUnknownFields()
				if err := d.Decode(&c); err != nil {
					b.Fatal(err)
				}
			}
			for _, data := range acquis {
				var c lsusync.AcquisContent
				d := json.NewDecoder(bytes.NewReader(data))
				d.DisallowUnknownFields()
				if err := d.Decode(&c); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// reportCPUMBs reports the bytes of contents coded per second of the
// process's CPU since cpu0 (cpu-MB/s), which a busy machine does not
// lower as it does the elapsed rate.
func reportCPUMBs(b *testing.B, size int64, cpu0 time.Duration) {
	if cpu1, ok := testkit.CPUTime(); ok && cpu1 > cpu0 {
		b.ReportMetric(float64(size)*float64(b.N)/(cpu1-cpu0).Seconds()/1e6, "cpu-MB/s")
	}
}
