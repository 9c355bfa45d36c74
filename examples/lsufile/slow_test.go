package lsufile_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"
)

func TestSlow(t *testing.T) {
	doc, _ := os.ReadFile("testdata/export-7.0.xml")
	r := rand.New(rand.NewPCG(1, 2))
	var worst time.Duration
	for i := 0; i < 3000; i++ {
		m := bytes.Clone(doc)
		for k := 0; k < 1+r.IntN(4); k++ {
			switch r.IntN(4) {
			case 0:
				m = m[:r.IntN(len(m))+1]
			case 1:
				m[r.IntN(len(m))] = byte(r.IntN(256))
			case 2:
				p := r.IntN(len(m))
				m = append(m[:p], m[p+r.IntN(min(50, len(m)-p)):]...)
			case 3:
				p, q := r.IntN(len(m)), r.IntN(len(m))
				if p > q {
					p, q = q, p
				}
				m = append(m[:q:q], m[p:]...)
			}
		}
		start := time.Now()
		fuzzRead(t, m)
		if d := time.Since(start); d > worst {
			worst = d
			fmt.Println(i, d, len(m))
			os.WriteFile("/tmp/slow.xml", m, 0o644)
		}
	}
}
