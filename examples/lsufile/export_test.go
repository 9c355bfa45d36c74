package lsufile_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/lsufile"
)

// periodStart returns the first day of a period: trimesters start on 1
// September, 1 December and 1 March, semesters on 1 September and 1
// February.
func periodStart(p lsusync.Period) lsusync.Date {
	months := map[int][]time.Month{3: {time.September, time.December, time.March}, 2: {time.September, time.February}}[p.Count]
	m := months[p.Index-1]
	y := p.Year
	if m < time.September {
		y++
	}
	return lsusync.Date{Year: y, Month: m, Day: 1}
}

// generated returns the store that examples/gen makes of seed, its
// bilans filled with random content (see content), bad the probability
// of a value LSU's file cannot hold.
func generated(seed int64, pupils int, bad float64) lsusync.Snapshot {
	snap := gen.New(gen.Config{Seed: seed, Pupils: pupils}).StoreSnapshot()
	var keys []lsusync.TeacherKey
	for _, t := range snap.Teachers {
		keys = append(keys, t.Key)
	}
	g := newContent(uint64(seed), bad, keys)
	for i := range snap.Bilans {
		b := &snap.Bilans[i]
		g.fill(b, periodStart(b.Period))
		b.Locked = g.r.IntN(5) == 0
	}
	return snap
}

// cleanText is what the file holds of a text: its line ends as LF, in
// NFC.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return norm.NFC.String(strings.ReplaceAll(s, "\r", "\n"))
}

// carried returns what the file carries of the bilan b, as an import
// gives it back: every text as the file holds it, an imported bilan, not
// locked (the lock date is content), without what the file has no place
// for (the Content maps, a guardian's country), signed by the head of
// establishment when it has no signatory.
func carried(b lsusync.Bilan, head string) lsusync.Bilan {
	b = b.Clone()
	b.Version, b.Locked, b.Imported, b.Content = "", false, true, nil
	if b.Signatory == "" {
		b.Signatory = head
	}
	for i := range b.Acquis {
		b.Acquis[i].Content = nil
	}
	for i := range b.Guardians {
		b.Guardians[i].Address.Country = ""
	}
	cleanStrings(reflect.ValueOf(&b).Elem())
	return b
}

func cleanStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(cleanText(v.String()))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				cleanStrings(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			cleanStrings(v.Index(i))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			cleanStrings(v.Elem())
		}
	}
}

// bilanOptions compare bilans: an empty list is none.
var bilanOptions = []cmp.Option{cmp.Comparer(func(a, b []lsusync.TeacherKey) bool { return reflect.DeepEqual(orNil(a), orNil(b)) })}

func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestExportGenerated writes the exports of generated stores with random
// content, in both versions, checks with xmllint that every file is
// valid against the schemas of its version, that every bilan not written
// has its reasons, and that reading the file gives back every field it
// carries of each bilan written.
func TestExportGenerated(t *testing.T) {
	type run struct {
		name, version, path string
		snap                lsusync.Snapshot
		rep                 *lsufile.Report
	}
	var runs []run
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := range int64(seeds) {
		bad := []float64{0, 0.002, 0.01, 0.05}[seed%4]
		snap := generated(seed+1, 40+int(seed)*7, bad)
		st := newStore(t, snap)
		for _, v := range []string{lsufile.Version7, lsufile.Version3} {
			path := filepath.Join(t.TempDir(), fmt.Sprintf("seed%d-%s.xml", seed, v))
			f, err := os.Create(path)
			require.NoError(t, err)
			rep, err := lsufile.Export(context.Background(), st, f, lsufile.ExportOptions{Identity: identity, Schema: v, Imported: true})
			require.NoError(t, f.Close())
			if err == lsufile.ErrNothingToExport {
				require.NotZero(t, rep.Counts().Invalid)
				continue
			}
			require.NoError(t, err)
			runs = append(runs, run{name: fmt.Sprintf("seed %d, version %s", seed, v), version: v, path: path, snap: snap, rep: rep})
		}
	}
	require.NotEmpty(t, runs)
	for _, x := range []string{xsd7, xsd2020} {
		var files []string
		for _, r := range runs {
			if x == xsd7 || r.version == lsufile.Version3 {
				files = append(files, r.path)
			}
		}
		for f, msg := range xmllint(t, x, files...) {
			t.Errorf("%s is not valid against %s:\n%s", filepath.Base(f), x, msg)
		}
	}
	exported := 0
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			invalid := make(map[lsusync.BilanKey]bool)
			for _, it := range r.rep.Items {
				if it.Action == lsufile.ActionInvalid {
					require.NotEmpty(t, it.Reasons, "an invalid bilan without reasons")
					require.Len(t, it.Students, it.Count)
					for _, s := range it.Students {
						invalid[lsusync.BilanKey{Student: s, Period: periodOf(t, r.snap, it.Period)}] = true
					}
				}
			}
			_, bs := readAll(t, r.path)
			got := make(map[lsusync.BilanKey]lsusync.Bilan)
			for _, b := range bs {
				require.Empty(t, b.Unfit)
				got[b.Key()] = b.Bilan
			}
			for _, b := range r.snap.Bilans {
				g, ok := got[b.Key()]
				if invalid[b.Key()] {
					require.False(t, ok, "bilan %s reported invalid, and written", b.Key())
					continue
				}
				require.True(t, ok, "bilan %s neither written nor reported", b.Key())
				if d := cmp.Diff(carried(b, r.snap.Establishment.HeadName), g, bilanOptions...); d != "" {
					t.Errorf("bilan %s read back (-store +file):\n%s", b.Key(), d)
				}
			}
			exported += len(got)
		})
	}
	t.Logf("%d files, %d bilans written", len(runs), exported)
}

// periodOf returns the period of the snapshot's classes named name.
func periodOf(t testing.TB, snap lsusync.Snapshot, name string) lsusync.Period {
	for _, c := range snap.Classes {
		for _, p := range c.Periods {
			if p.String() == name {
				return p
			}
		}
	}
	t.Fatalf("no period %s", name)
	return lsusync.Period{}
}
