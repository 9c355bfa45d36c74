package gen_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/memory"
)

// Generate an establishment, write its exports as a school downloads
// them, and seed the store `lsusync init` would create.
func Example() {
	e := gen.New(gen.Config{Seed: 1, Pupils: 100})
	dir, err := os.MkdirTemp("", "gen-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	f, err := e.WriteExports(dir, gen.ExportOptions{Zip: true})
	if err != nil {
		panic(err)
	}
	for _, p := range []string{f.Eleves, f.Communs, f.Structures, f.Nomenclature, f.STS} {
		fmt.Println(filepath.Base(p))
	}
	snap := e.StoreSnapshot()
	fmt.Println(len(e.Divisions), "classes,", len(snap.Students), "pupils present,", len(snap.Bilans), "bilans")
	// Output:
	// ExportXML_ElevesSansAdresses.zip
	// ExportCommuns.zip
	// Structures.zip
	// Nomenclature.zip
	// sts_emp_0750001A_2025.xml
	// 4 classes, 96 pupils present, 288 bilans
}

// Simulate a second export: modify the establishment, then synchronise
// its new Source into the store seeded from the first one.
func Example_secondExport() {
	e := gen.New(gen.Config{Seed: 1, Pupils: 100})
	st, err := memory.New(e.StoreSnapshot())
	if err != nil {
		panic(err)
	}

	e.Division("6A").STSLabel = "6e A - Section sportive"
	e.PupilsOf("5 A")[0].ExitDate = lsusync.Date{Year: 2025, Month: time.November, Day: 28}

	today := e.Config.Today
	now := func() time.Time { return time.Date(today.Year, today.Month, today.Day, 9, 0, 0, 0, time.UTC) }
	rep, err := lsusync.New(e.Source(), st, lsusync.Options{Now: now}).Sync(context.Background(), "6A", "5 A")
	if err != nil {
		panic(err)
	}
	left := 0
	for _, it := range rep.Items {
		switch {
		case it.Kind == lsusync.KindClass && it.Action == lsusync.ActionUpdated:
			fmt.Println(it.Key, it.Changes[0].Field, "→", it.Changes[0].After)
		case it.Action == lsusync.ActionLeft:
			left++
		}
	}
	fmt.Println(left, "pupil left") // the pupils who left before the store was made are not in it
	// Output:
	// 6A Label → 6e A - Section sportive
	// 1 pupil left
}
