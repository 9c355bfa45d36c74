package lsusync_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/siecle"
)

// Example_siecleExports is the whole program: it reads the SIECLE and
// STS-Web exports a school downloads, synchronises a copy of the sample
// LSU store file of examples/testdata, and prints what the report counts.
func Example_siecleExports() {
	ctx := context.Background()
	src, err := siecle.OpenDir(ctx, "examples/testdata/exports-2025-changed", siecle.Options{})
	if err != nil {
		log.Fatal(err) // names the file, the element, the line and the value
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("lsusync-example-%d.json", os.Getpid()))
	if err := copyFile(path, "examples/testdata/lsu.json"); err != nil {
		log.Fatal(err)
	}
	defer os.Remove(path)
	defer os.Remove(path + ".lock")
	store, err := filestore.Open(context.Background(), path, filestore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	day := time.Date(2025, time.December, 15, 9, 0, 0, 0, time.UTC) // the export's date
	syncer := lsusync.New(src, store, lsusync.Options{Now: func() time.Time { return day }})
	report, err := syncer.Sync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	c := report.Counts()
	fmt.Println("classes:", len(report.Classes), "status:", report.Status)
	fmt.Println("updated:", c.Updated, "added:", c.Added, "locked:", c.Locked, "errors:", c.Errors)
	// Output:
	// classes: 6 status: warning
	// updated: 215 added: 1 locked: 1 errors: 0
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
