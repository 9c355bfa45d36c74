package gen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenConfig is a tiny establishment whose exports are kept under
// testdata/golden, byte for byte (ISO-8859-15): they show the layouts
// and pin the generator's output for a seed.
var goldenConfig = Config{Seed: 2025, Pupils: 12, Classes: 4, Teachers: 20, SubjectsPerClass: 16}

func TestGolden(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	got := readAll(t, write(t, New(goldenConfig), ExportOptions{}))
	if *update {
		require.NoError(t, os.RemoveAll(dir))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for name, b := range got {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
		}
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	if len(entries) != len(got) {
		t.Errorf("%d golden files, want %d; run go test -update", len(entries), len(got))
	}
	for name, b := range got {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%v; run go test -update", err)
			continue
		}
		if !bytes.Equal(want, b) {
			t.Errorf("%s differs from the golden file (%d bytes, want %d); if the change is intended, run go test -update and review the diff",
				name, len(b), len(want))
		}
	}
}
