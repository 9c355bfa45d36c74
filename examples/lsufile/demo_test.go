package lsufile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/lsufile"
)

// demoStore opens a copy of the project's demo store,
// examples/testdata/lsu.json, read-only: opening a store makes its lock
// file, which must not appear in the source tree.
func demoStore(t testing.TB) *filestore.Store {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "lsu.json"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "lsu.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	st, err := filestore.Open(context.Background(), path, filestore.Options{ReadOnly: true})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// TestExportDemoStore exports the demo store as it is: every bilan that
// is written is in a valid file, and every other one is reported with its
// reasons. Then it exports the demo store once the school has entered its
// bilans (random content, all of it valid): the file is valid, and the
// only bilans left out are those the exports make invalid: a subject
// without a modalité (a programme of modalité N, which LSU refuses), a
// subject label of more than 40 characters.
func TestExportDemoStore(t *testing.T) {
	st := demoStore(t)
	snap := st.Snapshot()
	directe := 0
	for _, b := range snap.Bilans {
		if !b.Imported {
			directe++
		}
	}
	path := filepath.Join(t.TempDir(), "demo.xml")
	rep, err := exportTo(t, st, path, lsufile.ExportOptions{})
	c := rep.Counts()
	require.Equal(t, directe, c.Exported+c.Invalid, "every bilan en saisie directe is written or reported:\n%s", rep)
	for _, it := range rep.Items {
		if it.Action == lsufile.ActionInvalid {
			require.NotEmpty(t, it.Reasons)
		}
	}
	if errors.Is(err, lsufile.ErrNothingToExport) {
		t.Logf("the demo store holds no bilan that can be valid (%d reported)", c.Invalid)
	} else {
		require.NoError(t, err)
		validate(t, path, lsufile.Version7)
	}

	var keys []lsusync.TeacherKey
	for _, tc := range snap.Teachers {
		keys = append(keys, tc.Key)
	}
	g := newContent(11, 0, keys)
	for i := range snap.Bilans {
		g.fill(&snap.Bilans[i], periodStart(snap.Bilans[i].Period))
	}
	filled := newStore(t, snap)
	for _, v := range []string{lsufile.Version7, lsufile.Version3} {
		path, rep := export(t, filled, lsufile.ExportOptions{Schema: v, Imported: true})
		validate(t, path, v)
		require.NotZero(t, rep.Counts().Exported)
		if v == lsufile.Version7 {
			for _, it := range rep.Items {
				for _, r := range it.Reasons {
					if it.Action == lsufile.ActionInvalid {
						require.Regexp(t, `^(modalité d'élection de la matière [0-9]{6} manquante|libellé de la matière [0-9]{6} \([A-Z]\) : 4[1-9] caractères \(40 au plus\))$`, r.Text)
					}
				}
			}
		}
		t.Logf("version %s: %d bilans written, %d left out", v, rep.Counts().Exported, rep.Counts().Invalid)
	}
}
