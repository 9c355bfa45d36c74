package sqlstore

import (
	"testing"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/lsusynctest"
)

func TestConformance(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		lsusynctest.TestStore(t, func(t *testing.T, seed lsusync.Snapshot) lsusync.Store {
			if seed.Establishment.UAI == "" {
				t.Skip("a store is opened for one establishment: it cannot be made without one")
			}
			return create(t, e, seed)
		})
	})
}
