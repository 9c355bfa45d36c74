package memory_test

import (
	"testing"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/lsusynctest"
)

func TestConformance(t *testing.T) {
	lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
		s, err := memory.New(seed)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
