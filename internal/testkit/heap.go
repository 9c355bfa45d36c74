package testkit

import (
	"runtime/metrics"
	"sync"
	"time"
)

// HeapBytes returns the bytes of the Go heap's objects, live or not yet
// collected.
func HeapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// PeakHeap samples the Go heap every 5 ms while an operation runs, for
// the benchmarks' peak-heap metrics. Start and Stop may bracket several
// operations: Peak is the largest sample of them all.
type PeakHeap struct {
	peak uint64
	done chan struct{}
	wg   sync.WaitGroup
}

// Start starts sampling.
func (p *PeakHeap) Start() {
	p.done = make(chan struct{})
	p.wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			p.peak = max(p.peak, HeapBytes())
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	})
}

// Stop takes a last sample and stops sampling.
func (p *PeakHeap) Stop() {
	close(p.done)
	p.wg.Wait()
	p.peak = max(p.peak, HeapBytes())
}

// Peak returns the largest sample, in bytes.
func (p *PeakHeap) Peak() uint64 { return p.peak }
