package lsufile_test

import (
	"cmp"
	"context"

	"path/filepath"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/lsufile"
)

// sampleStore is a store that holds the pupils and periods of LSU's
// sample file (gepi/sample-bilan-complet.xml): its establishment, its
// three pupils in their two classes, and the trimesters of 2015.
func sampleStore() lsusync.Snapshot {
	return lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: "0382032C", HeadName: "Joseph SERGI"},
		Classes: []lsusync.Class{
			{Code: "6EME_4", Periods: lsusync.Trimesters(2015)},
			{Code: "3EME_2", Periods: lsusync.Trimesters(2015)},
		},
		Students: []lsusync.Student{{ID: "1", Class: "6EME_4"}, {ID: "2", Class: "6EME_4"}, {ID: "3", Class: "3EME_2"}},
	}
}

// canonical returns the bilans of a file as the model holds them, sorted
// by pupil and period: the file's canonical form, whatever its ids and
// its order.
func canonicalBilans(bs []*lsufile.FileBilan) []lsusync.Bilan {
	out := make([]lsusync.Bilan, len(bs))
	for i, b := range bs {
		out[i] = b.Bilan
	}
	slices.SortFunc(out, func(a, b lsusync.Bilan) int {
		return cmp.Or(cmp.Compare(a.Student, b.Student), cmp.Compare(a.Period.Index, b.Period.Index))
	})
	return out
}

// TestSample imports LSU's sample file, exports it again, and compares
// the two files in their canonical form on their bilans périodiques. Four
// of the sample's five bilans hold a class council before their scolarité
// date (valid in form only): the export says so and leaves them out;
// once the school corrects their dates, the export gives back every
// bilan of the sample.
func TestSample(t *testing.T) {
	sample := filepath.Join(samplesDir(t), "gepi", "sample-bilan-complet.xml")
	_, want := readAll(t, sample)
	st := newStore(t, sampleStore())
	rep := importFile(t, st, sample, lsufile.ImportOptions{})
	golden(t, "sample-import.txt", []byte(rep.String()))
	require.Equal(t, 5, rep.Counts().Imported)

	path, exp := export(t, st, lsufile.ExportOptions{Imported: true})
	golden(t, "sample-export.txt", []byte(exp.String()))
	validate(t, path, lsufile.Version7)
	require.Equal(t, 1, exp.Counts().Exported)
	_, got := readAll(t, path)
	require.Len(t, got, 1)
	var same []*lsufile.FileBilan
	for _, b := range want {
		if b.Key() == got[0].Key() {
			same = append(same, b)
		}
	}
	require.Empty(t, gocmp.Diff(canonicalBilans(same), canonicalBilans(got), bilanOptions...))

	// The school corrects the council dates.
	ctx := context.Background()
	var fixed []lsusync.Bilan
	for _, c := range []string{"6EME_4", "3EME_2"} {
		bs, err := st.Bilans(ctx, c)
		require.NoError(t, err)
		for _, b := range bs {
			if b.CouncilDate.Before(b.SchoolingDate) {
				b.CouncilDate = addDays(b.SchoolingDate, 70)
				fixed = append(fixed, b)
			}
		}
	}
	require.Len(t, fixed, 4)
	require.NoError(t, st.Apply(ctx, lsusync.ChangeSet{Bilans: fixed}))
	for _, b := range want {
		if b.CouncilDate.Before(b.SchoolingDate) {
			b.CouncilDate = addDays(b.SchoolingDate, 70)
		}
	}
	path, exp = export(t, st, lsufile.ExportOptions{Imported: true})
	validate(t, path, lsufile.Version7)
	require.Equal(t, 5, exp.Counts().Exported)
	_, got = readAll(t, path)
	if d := gocmp.Diff(canonicalBilans(want), canonicalBilans(got), bilanOptions...); d != "" {
		t.Errorf("the sample's bilans exported again (-sample +export):\n%s", d)
	}
}
