package siecle

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFormatNames checks that formatNames holds every element and
// attribute name of the fixtures and of the sample exports of the
// repository (examples/testdata), so that errors name them.
func TestFormatNames(t *testing.T) {
	var paths []string
	for _, pattern := range []string{"testdata/full/*.xml", "../testdata/*/*.xml", "../testdata/*/*.zip"} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		paths = append(paths, m...)
	}
	require.GreaterOrEqual(t, len(paths), 15, "fixtures and sample exports")
	var missing []string
	for _, p := range paths {
		f, err := os.Open(p)
		require.NoError(t, err)
		in, err := openInput(f, p, &Options{})
		require.NoError(t, err)
		tk := newTokenizer(context.Background(), in.r, p, &Options{})
		require.NoError(t, tk.prelude())
		for {
			k, err := tk.next()
			require.NoError(t, err, p)
			if k == tokEOF {
				break
			}
			if k != tokStart {
				continue
			}
			names := [][]byte{tk.name}
			for _, a := range tk.attrs {
				names = append(names, a.name)
			}
			for _, n := range names {
				if !isFormatName(n) && !slices.Contains(missing, string(n)) {
					missing = append(missing, string(n))
				}
			}
		}
		require.NoError(t, in.close())
	}
	if len(missing) > 0 {
		t.Errorf("names of the exports missing from formatNames: %q", missing)
	}
}
