package siecle

import (
	"context"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/lsusynctest"
)

// readDomain reads every value of src in a canonical order.
func readDomain(t testing.TB, src lsusync.Source) lsusynctest.SourceContent {
	t.Helper()
	d, err := lsusynctest.ReadSource(context.Background(), src)
	require.NoError(t, err)
	return d
}

func TestOpenEqualsGenerator(t *testing.T) {
	configs := []struct {
		name string
		cfg  gen.Config
		opts gen.ExportOptions
	}{
		{"default", gen.Config{Seed: 1, Pupils: 300}, gen.ExportOptions{}},
		{"zip", gen.Config{Seed: 2, Pupils: 200}, gen.ExportOptions{Zip: true}},
		{"utf8", gen.Config{Seed: 3, Pupils: 200}, gen.ExportOptions{UTF8: true}},
		{"zip-utf8-semesters", gen.Config{Seed: 4, Pupils: 150, Periods: 2, SubjectsPerClass: 16}, gen.ExportOptions{Zip: true, UTF8: true}},
		{"tiny", gen.Config{Seed: 5, Pupils: 10, Classes: 1, Teachers: 1, SubjectsPerClass: 4}, gen.ExportOptions{}},
	}
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			e := gen.New(tc.cfg)
			files, err := e.WriteExports(t.TempDir(), tc.opts)
			require.NoError(t, err)
			src, err := Open(context.Background(), Files{
				Eleves: files.Eleves, Communs: files.Communs, Structures: files.Structures,
				Nomenclature: files.Nomenclature, STS: files.STS,
			}, Options{})
			require.NoError(t, err)
			want, got := readDomain(t, e.Source()), readDomain(t, src)
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("Open(WriteExports(e)) differs from e.Source() (-want +got):\n%s", diff)
			}
		})
	}
}
