package sqlstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/sqlstore"
)

// Example keeps an establishment's LSU store in an SQLite file: it creates
// the store `lsusync init` makes, then syncs a later export in which a
// pupil's name was corrected. The sync writes one record: that pupil.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "lsusync")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	db, err := sqlstore.Connect(ctx, "sqlite:"+filepath.Join(dir, "lsu.db")) // or "postgres://..."
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	est := gen.New(gen.Config{Seed: 1, Pupils: 100})
	st, err := sqlstore.Create(ctx, db, est.StoreSnapshot(), sqlstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", st.UAI(), "at schema version", sqlstore.SchemaVersion())

	// The next export: a pupil's name corrected in SIECLE.
	est.Pupils[0].LastName += "-DUPRÉ"
	today := est.Config.Today
	noon := time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC)
	before := st.Written()
	rep, err := lsusync.New(est.Source(), st, lsusync.Options{Now: func() time.Time { return noon }}).Sync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	after := st.Written()
	fmt.Println("updated:", rep.Counts().Updated, "records written:", after.Records-before.Records)
	// Output:
	// created 0750001A at schema version 5
	// updated: 1 records written: 1
}
