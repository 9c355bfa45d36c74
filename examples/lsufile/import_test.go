package lsufile_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/lsufile"
	"github.com/lsusync/lsusync/examples/memory"
)

// withoutBilans returns snap without its bilans: a store that holds the
// same establishment, teachers, classes and pupils.
func withoutBilans(snap lsusync.Snapshot) lsusync.Snapshot {
	snap.Bilans = nil
	return snap
}

// importFile imports the file at path into st.
func importFile(t testing.TB, st lsusync.Store, path string, opts lsufile.ImportOptions) *lsufile.Report {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rep, err := lsufile.Import(context.Background(), st, f, "bilans.xml", opts)
	require.NoError(t, err, "Import")
	require.NoError(t, rep.Err())
	return rep
}

// storedBilans returns every bilan of st by key, with its version.
func storedBilans(t testing.TB, st lsusync.Store) map[lsusync.BilanKey]lsusync.Bilan {
	t.Helper()
	ctx := context.Background()
	classes, err := st.Classes(ctx)
	require.NoError(t, err)
	out := make(map[lsusync.BilanKey]lsusync.Bilan)
	for _, c := range classes {
		bs, err := st.Bilans(ctx, c.Code)
		require.NoError(t, err)
		for _, b := range bs {
			out[b.Key()] = b
		}
	}
	return out
}

// TestImportRoundTrip exports a generated store, imports the file into a
// fresh store holding the same pupils and periods, and checks that every
// field the file carries is the same, the bilans imported; that a second
// import of the same file writes nothing; and that a synchronisation
// after the import leaves every imported bilan as it was.
func TestImportRoundTrip(t *testing.T) {
	e := gen.New(gen.Config{Seed: 3, Pupils: 90})
	snap := generated(3, 90, 0.01)
	path, exp := export(t, newStore(t, snap), lsufile.ExportOptions{})
	validate(t, path, lsufile.Version7)
	fresh := newStore(t, withoutBilans(snap))
	rep := importFile(t, fresh, path, lsufile.ImportOptions{})
	require.Equal(t, exp.Counts().Exported, rep.Counts().Imported, "bilans exported and imported:\n%s", rep)
	require.Zero(t, rep.Counts().NotImported)
	got := storedBilans(t, fresh)
	n := 0
	for _, b := range snap.Bilans {
		g, ok := got[b.Key()]
		if !ok {
			continue
		}
		n++
		require.True(t, g.Imported)
		g.Version = ""
		if d := cmp.Diff(carried(b, snap.Establishment.HeadName), g, bilanOptions...); d != "" {
			t.Errorf("bilan %s imported (-store +imported):\n%s", b.Key(), d)
		}
	}
	require.Equal(t, exp.Counts().Exported, n)

	again := importFile(t, fresh, path, lsufile.ImportOptions{})
	require.Equal(t, lsufile.Counts{Unchanged: n}, again.Counts(), "a second import:\n%s", again)
	after := storedBilans(t, fresh)
	for k, b := range got {
		require.Equal(t, b.Version, after[k].Version, "bilan %s written by the second import", k)
	}

	syncer := lsusync.New(e.Source(), fresh, lsusync.Options{Now: func() time.Time { return time.Date(2025, 12, 1, 12, 0, 0, 0, time.UTC) }})
	srep, err := syncer.Sync(context.Background())
	require.NoError(t, err)
	require.NoError(t, srep.Err())
	for k, b := range storedBilans(t, fresh) {
		if g, ok := got[k]; ok {
			require.Equal(t, g.Version, b.Version, "the synchronisation wrote the imported bilan %s", k)
		}
	}
	require.Equal(t, n, srep.Counts().Imported, "imported bilans the synchronisation left as they were")
}

// TestImportRules imports the golden store's file into a store that holds
// a locked bilan, a bilan entered in LSU, an empty one, one imported
// before, lacks a pupil, and has a class in semesters, and checks what is
// written and the report.
func TestImportRules(t *testing.T) {
	src := goldenStore()
	src.Classes = append(src.Classes, lsusync.Class{Code: "4EME2", Periods: lsusync.Trimesters(2025)})
	src.Students = append(src.Students,
		lsusync.Student{ID: "1009", Class: "3EME1", LastName: "ABSENT", FirstName: "Léo"},
		lsusync.Student{ID: "2001", Class: "4EME2", LastName: "SEMESTRE", FirstName: "Inès"})
	extra := func(student string) lsusync.Bilan {
		b := goldenStore().Bilans[0]
		b.Student = student
		return b
	}
	src.Bilans = append(src.Bilans, extra("1009"), extra("2001"))
	path, exp := export(t, newStore(t, src), lsufile.ExportOptions{Imported: true})
	require.Equal(t, 6, exp.Counts().Exported, "%s", exp)

	dst := withoutBilans(goldenStore())
	dst.Classes = append(dst.Classes, lsusync.Class{Code: "4EME2", Periods: lsusync.Semesters(2025)})
	dst.Students = append(dst.Students, lsusync.Student{ID: "2001", Class: "4EME2"})
	locked := lsusync.Bilan{Student: "1001", Period: t1, Locked: true, BilanContent: lsusync.BilanContent{Synthesis: "Verrouillé."}}
	entered := lsusync.Bilan{Student: "1001", Period: t2, BilanContent: lsusync.BilanContent{Synthesis: "Saisi dans LSU."}}
	earlier := lsusync.Bilan{Student: "1002", Period: t1, Imported: true, BilanContent: lsusync.BilanContent{Synthesis: "Importé avant."}}
	empty := lsusync.Bilan{Student: "1003", Period: t1, Acquis: []lsusync.Acquis{{Subject: fr, Teachers: []lsusync.TeacherKey{anne}}}}
	dst.Bilans = []lsusync.Bilan{locked, entered, earlier, empty}
	st := newStore(t, dst)

	dry := importFile(t, st, path, lsufile.ImportOptions{DryRun: true})
	golden(t, "import-rules-dry-run.txt", []byte(dry.String()))
	before := storedBilans(t, st)
	rep := importFile(t, st, path, lsufile.ImportOptions{})
	golden(t, "import-rules.txt", []byte(rep.String()))
	require.Equal(t, lsufile.Counts{Imported: 1, Replaced: 1, NotImported: 4, Warnings: 4}, rep.Counts())

	after := storedBilans(t, st)
	for _, k := range []lsusync.BilanKey{locked.Key(), entered.Key()} {
		require.Equal(t, before[k], after[k], "bilan %s was replaced", k)
	}
	want := map[lsusync.BilanKey]lsusync.Bilan{}
	for _, b := range src.Bilans {
		want[b.Key()] = carried(b, src.Establishment.HeadName)
	}
	for _, k := range []lsusync.BilanKey{earlier.Key(), empty.Key()} {
		got := after[k]
		require.NotEqual(t, before[k].Version, got.Version)
		got.Version = ""
		require.Empty(t, cmp.Diff(want[k], got, bilanOptions...), "bilan %s", k)
	}
	require.Len(t, after, 4, "an import creates no pupil and no period")
}

// TestImportRefusals checks that a file of another establishment, or one
// the schema refuses, is refused and writes nothing.
func TestImportRefusals(t *testing.T) {
	path, _ := export(t, newStore(t, goldenStore()), lsufile.ExportOptions{})
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	other := goldenStore()
	other.Establishment.UAI = "0930001Z"
	for _, tc := range []struct {
		name  string
		store lsusync.Snapshot
		doc   []byte
		want  error
	}{
		{"another establishment", withoutBilans(other), doc, lsusync.ErrWrongEstablishment},
		{"a positionnement of 5", withoutBilans(goldenStore()), bytes.Replace(doc, []byte(`positionnement="4"`), []byte(`positionnement="5"`), 1), lsufile.ErrSchema},
		{"a truncated file", withoutBilans(goldenStore()), doc[:len(doc)/2], lsufile.ErrSyntax},
		{"a reference to nothing", withoutBilans(goldenStore()), bytes.Replace(doc, []byte(`enseignant-refs="ENS_epp_930"`), []byte(`enseignant-refs="ENS_epp_931"`), 1), lsufile.ErrReference},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t, tc.store)
			before := st.Snapshot()
			_, err := lsufile.Import(context.Background(), st, bytes.NewReader(tc.doc), "bilans.xml", lsufile.ImportOptions{})
			require.ErrorIs(t, err, tc.want)
			require.Empty(t, cmp.Diff(before, st.Snapshot()), "the refused import wrote")
		})
	}
}

// conflicting is a store whose bilans of a class change once, after the
// import first reads them: a teacher enters a synthesis meanwhile.
type conflicting struct {
	lsusync.Store
	once  sync.Once
	class string
	edit  func()
}

func (c *conflicting) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	bs, err := c.Store.Bilans(ctx, class)
	if class == c.class {
		c.once.Do(c.edit)
	}
	return bs, err
}

// batchedConflicting is conflicting over a store that is a Batcher.
type batchedConflicting struct {
	*memory.Store
	conflicting *conflicting
}

func (c *batchedConflicting) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	return c.conflicting.Bilans(ctx, class)
}

// TestImportConflict checks that a class whose bilans change while they
// are imported is read again, through Apply and through a batch: the
// teacher's edit is kept, and the import completes.
func TestImportConflict(t *testing.T) {
	path, _ := export(t, newStore(t, goldenStore()), lsufile.ExportOptions{})
	for _, batched := range []bool{false, true} {
		t.Run(fmt.Sprintf("batch=%v", batched), func(t *testing.T) {
			dst := withoutBilans(goldenStore())
			earlier := lsusync.Bilan{Student: "1002", Period: t1, Imported: true, BilanContent: lsusync.BilanContent{Synthesis: "Importé avant."}}
			dst.Bilans = []lsusync.Bilan{earlier}
			mem := newStore(t, dst)
			c := &conflicting{Store: mem, class: "3EME1"}
			c.edit = func() {
				bs, err := mem.Bilans(context.Background(), "3EME1")
				require.NoError(t, err)
				b := bs[0]
				b.Imported, b.Synthesis = false, "Saisi pendant l'import."
				require.NoError(t, mem.Apply(context.Background(), lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}))
			}
			var st lsusync.Store = c
			if batched {
				st = &batchedConflicting{Store: mem, conflicting: c}
			}
			rep := importFile(t, st, path, lsufile.ImportOptions{})
			require.Equal(t, 2, rep.Counts().Imported, "%s", rep)
			got := storedBilans(t, mem)[earlier.Key()]
			require.Equal(t, "Saisi pendant l'import.", got.Synthesis, "the edit made during the import was overwritten")
			require.Contains(t, rep.String(), "celui de LSU est en saisie directe")
		})
	}
}

// failing is a store whose writes of one class fail.
type failing struct {
	*memory.Store
	class string
}

var errDisk = errors.New("disk full")

func (f *failing) fails(cs lsusync.ChangeSet) bool {
	for _, b := range cs.Bilans {
		if strings.HasPrefix(b.Student, f.class) {
			return true
		}
	}
	return false
}

func (f *failing) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	b, err := f.Store.BeginBatch(ctx)
	return &failingBatch{Batch: b, f: f}, err
}

type failingBatch struct {
	lsusync.Batch
	f *failing
}

func (b *failingBatch) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if b.f.fails(cs) {
		return errDisk
	}
	return b.Batch.Apply(ctx, cs)
}

// TestImportStoreFails checks that a store that fails to write one class
// makes a batched import write nothing at all, a batch with a class
// written in part being never committed.
func TestImportStoreFails(t *testing.T) {
	src := goldenStore()
	src.Classes = append(src.Classes, lsusync.Class{Code: "4EME2", Periods: lsusync.Trimesters(2025)})
	src.Students = append(src.Students, lsusync.Student{ID: "2001", Class: "4EME2"})
	extra := goldenStore().Bilans[0]
	extra.Student = "2001"
	src.Bilans = append(src.Bilans, extra)
	path, _ := export(t, newStore(t, src), lsufile.ExportOptions{})
	dst := withoutBilans(src)
	mem := newStore(t, dst)
	st := &failing{Store: mem, class: "2"}
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	_, err = lsufile.Import(context.Background(), st, f, "bilans.xml", lsufile.ImportOptions{})
	require.ErrorIs(t, err, errDisk)
	require.Empty(t, storedBilans(t, mem), "an import that failed wrote")
}

// TestImportUnfit reads a file of version 7.0 whose two disciplines of
// one code and modalité differ by their id-lv, and a lock date that is
// no date: valid, and what the model cannot hold is reported.
func TestImportUnfit(t *testing.T) {
	path, _ := export(t, newStore(t, goldenStore()), lsufile.ExportOptions{Periods: []string{"T1"}})
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	s := string(doc)
	s = strings.Replace(s, `<discipline id="DI_030201_F" code="030201" modalite-election="F" libelle="Anglais LV1"/>`,
		`<discipline id="DI_030201_F" code="030201" modalite-election="S" libelle="Anglais LV1" id-lv="EL_1001"/>`, 1)
	s = strings.Replace(s, `<discipline id="DI_030201_S" code="030201" modalite-election="S" libelle="Anglais LV1"/>`,
		`<discipline id="DI_030201_S" code="030201" modalite-election="S" libelle="Anglais LV1" id-lv="EL_1002"/>`, 1)
	s = strings.Replace(s, `date-verrou="2025-12-12T18:30:00"`, `date-verrou="2025-13-45T18:30:00"`, 1)
	unfit := writeTemp(t, s)
	validate(t, unfit, lsufile.Version7)
	st := newStore(t, withoutBilans(goldenStore()))
	rep := importFile(t, st, unfit, lsufile.ImportOptions{})
	golden(t, "import-unfit.txt", []byte(rep.String()))
	require.Equal(t, 2, rep.Counts().NotImported)
}

func writeTemp(t testing.TB, doc string) string {
	t.Helper()
	path := t.TempDir() + "/bilans.xml"
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	return path
}
