package filestore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/gen"
)

// A school tool keeps its LSU data in a file and synchronises it from the
// national data; the store is written once per synchronisation.
func Example() {
	dir, err := os.MkdirTemp("", "filestore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "lsu.json")
	ctx := context.Background()

	// A store as `lsusync init` makes it, then a later export with a
	// corrected name.
	e := gen.New(gen.Config{Seed: 1, Pupils: 100})
	st, err := filestore.Create(ctx, path, e.StoreSnapshot())
	if err != nil {
		log.Fatal(err)
	}
	st.Close()
	later := e.Clone()
	for i := range later.Pupils {
		if p := &later.Pupils[i]; p.ExitDate.IsZero() && later.Division(p.Division) != nil {
			p.LastName += "E"
			break
		}
	}

	st, err = filestore.Open(ctx, path, filestore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	// A second process is refused while this one holds the store.
	if _, err := filestore.Open(ctx, path, filestore.Options{}); errors.Is(err, filestore.ErrBusy) {
		fmt.Println("second open:", "store is in use by another process")
	}
	today := e.Config.Today
	clock := func() time.Time { return time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC) }
	rep, err := lsusync.New(later.Source(), st, lsusync.Options{Now: clock}).Sync(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("updated:", rep.Counts().Updated)
	// Output:
	// second open: store is in use by another process
	// updated: 1
}
