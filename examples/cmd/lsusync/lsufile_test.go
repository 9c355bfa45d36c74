package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/lsufile"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/examples/sqlstore"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// lsuFile writes, with the package, the import file of a generated
// establishment whose bilans are filled as at the end of the year, from
// a memory store (the file store keeps no content yet), and creates
// a file store of the same pupils and periods with empty bilans, as LSU
// is before an import. The generator's subjects without a modalité (its
// programmes of modalité N, which LSU's file refuses) take S: the school
// corrected its nomenclature. It returns the file, the store and the
// generated snapshot.
func lsuFile(t *testing.T) (file, store string, snap lsusync.Snapshot) {
	t.Helper()
	dir := t.TempDir()
	cfg := gen.Config{Seed: 7, Pupils: 60, Content: gen.ContentEndOfYear}
	snap = gen.New(cfg).StoreSnapshot()
	for i := range snap.Bilans {
		b := &snap.Bilans[i]
		b.Acquis = slices.Clone(b.Acquis)
		for j := range b.Acquis {
			if b.Acquis[j].Subject.Modality == "" {
				b.Acquis[j].Subject.Modality = "S"
			}
		}
	}
	mem, err := memory.New(snap)
	require.NoError(t, err)
	file = filepath.Join(dir, "bilans.xml")
	f, err := os.Create(file)
	require.NoError(t, err)
	rep, err := lsufile.Export(context.Background(), mem, f, lsufile.ExportOptions{Identity: commandIdentity()})
	require.NoError(t, f.Close())
	require.NoError(t, err, "%s", rep)
	require.NotZero(t, rep.Counts().Exported)

	cfg.Content = gen.ContentNone
	store = filepath.Join(dir, "lsu.json")
	st, err := filestore.Create(context.Background(), store, gen.New(cfg).StoreSnapshot())
	require.NoError(t, err)
	require.NoError(t, st.Close())
	return file, store, snap
}

// sqliteCopy creates an SQLite store holding what the file store at path
// holds, and returns its -store.
func sqliteCopy(t *testing.T, path string) string {
	t.Helper()
	fs, err := filestore.Open(context.Background(), path, filestore.Options{ReadOnly: true})
	require.NoError(t, err)
	snap := fs.Snapshot()
	require.NoError(t, fs.Close())
	db := filepath.Join(t.TempDir(), "lsu.db")
	conn, err := sqlstore.Connect(context.Background(), "sqlite:"+db)
	require.NoError(t, err)
	defer conn.Close()
	_, err = sqlstore.Create(context.Background(), conn, snap, sqlstore.Options{})
	require.NoError(t, err)
	return db
}

// storeBilans returns every bilan of the store that -store names, a file
// store or an SQLite database, with its version (what an import writes
// changes it), by pupil and period.
func storeBilans(t *testing.T, store string) []lsusync.Bilan {
	t.Helper()
	ctx := context.Background()
	var st lsusync.Store
	if strings.HasSuffix(store, ".db") {
		conn, err := sqlstore.Connect(ctx, "sqlite:"+store)
		require.NoError(t, err)
		defer conn.Close()
		s, err := sqlstore.Open(ctx, conn, "", sqlstore.Options{})
		require.NoError(t, err)
		st = s
	} else {
		fs, err := filestore.Open(context.Background(), store, filestore.Options{ReadOnly: true})
		require.NoError(t, err)
		defer fs.Close()
		st = fs
	}
	classes, err := st.Classes(ctx)
	require.NoError(t, err)
	var all []lsusync.Bilan
	for _, c := range classes {
		bilans, err := st.Bilans(ctx, c.Code)
		require.NoError(t, err)
		all = append(all, bilans...)
	}
	slices.SortFunc(all, func(a, b lsusync.Bilan) int {
		return cmp.Or(strings.Compare(a.Student, b.Student), cmp.Compare(a.Period.Index, b.Period.Index))
	})
	return all
}

// importState is what an import writes to the store that -store names:
// the file store's file, byte for byte (its versions change each time it
// is opened), or an SQLite store's bilans with their versions.
func importState(t *testing.T, store string) any {
	t.Helper()
	if strings.HasSuffix(store, ".db") {
		return storeBilans(t, store)
	}
	return storeState(t, store)
}

// keepsContent reports whether the store keeps a bilan's content: the
// file store's format does not hold the content of the model yet.
func keepsContent(t *testing.T, store string) bool {
	t.Helper()
	for _, b := range storeBilans(t, store) {
		if b.Imported && !b.BilanContent.IsZero() {
			return true
		}
	}
	return false
}

// jsonReport decodes the report that -json printed.
func jsonReport(t *testing.T, r result) *lsufile.Report {
	t.Helper()
	var rep lsufile.Report
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), "stdout:\n%s", r.stdout)
	return &rep
}

// TestImportThenExport imports a file with the command into a store of
// the same pupils, a file store and an SQLite one: a dry run writes
// nothing, the import writes every bilan the file holds as imported, a
// second import writes nothing, and the store's export, twice, gives the
// same file. The last two need a store that keeps the content: the file
// store does not yet, and skips them.
func TestImportThenExport(t *testing.T) {
	file, fileStore, _ := lsuFile(t)
	for _, store := range []string{fileStore, sqliteCopy(t, fileStore)} {
		t.Run(filepath.Ext(store), func(t *testing.T) { importThenExport(t, file, store) })
	}
}

func importThenExport(t *testing.T, file, store string) {
	f, err := os.Open(file)
	require.NoError(t, err)
	header, err := lsufile.Read(context.Background(), f, file, lsufile.ReadOptions{}, nil)
	f.Close()
	require.NoError(t, err)

	before := importState(t, store)
	r := lsusyncCmd(t, "import", "-store", store, "-dry-run", file)
	r.require(t, 0)
	require.True(t, strings.HasPrefix(r.stdout, "Simulation de l'import des bilans\n"), "stdout:\n%s", r.stdout)
	require.Contains(t, r.stdout, "Aucune modification n'a été enregistrée.")
	require.Equal(t, before, importState(t, store), "a dry run wrote the store")

	// The file given before the flags, as after them.
	r = lsusyncCmd(t, "import", file, "-store", store, "-json")
	r.require(t, 0)
	c := jsonReport(t, r).Counts()
	require.Equal(t, header.Bilans, c.Imported, "every bilan of the file is imported")
	imported := 0
	for _, b := range storeBilans(t, store) {
		if b.Imported {
			imported++
		}
	}
	require.Equal(t, c.Imported, imported)

	if !keepsContent(t, store) {
		t.Skip("the store keeps no bilan content (the file store's format does not hold it yet): the second import and the export need it")
	}
	after := importState(t, store)
	r = lsusyncCmd(t, "import", "-store", store, "-json", file)
	r.require(t, 0)
	c2 := jsonReport(t, r).Counts()
	require.Zero(t, c2.Imported+c2.Replaced, "a second import of the same file wrote bilans")
	require.Equal(t, c.Imported, c2.Unchanged)
	require.Equal(t, after, importState(t, store), "a second import of the same file wrote the store")

	out := filepath.Join(t.TempDir(), "export.xml")
	r = lsusyncCmd(t, "export", "-store", store, "-imported", "-o", out)
	r.require(t, 0)
	require.True(t, strings.HasPrefix(r.stdout, "Export des bilans vers LSU\n"), "stdout:\n%s", r.stdout)
	first := readFile(t, out)
	lsusyncCmd(t, "export", "-store", store, "-imported", "-o", out).require(t, 0)
	require.True(t, bytes.Equal(first, readFile(t, out)), "two exports of one store differ")
	tmp, err := filepath.Glob(filepath.Join(filepath.Dir(out), ".*tmp"))
	require.NoError(t, err)
	require.Empty(t, tmp, "the export left its temporary file")
}

// TestImportRefusals imports files the reader refuses, or of another
// establishment: the command exits 3, says why in French with the line,
// shows no personal value, and leaves the store as it was.
func TestImportRefusals(t *testing.T) {
	file, empty, snap := lsuFile(t)
	dir := t.TempDir()
	good := string(readFile(t, file))

	var personal []string
	for _, s := range snap.Students {
		personal = append(personal, s.LastName, s.FirstName)
	}
	uai := "<etablissement>" + snap.Establishment.UAI + "</etablissement>"
	require.Contains(t, good[:min(len(good), 1000)], uai)
	otherUAI := strings.Replace(good, uai, "<etablissement>0999999X</etablissement>", 1)
	for _, tc := range []struct {
		name, content, want string
	}{
		{"truncated", good[:len(good)/2], "n'est pas un fichier XML bien formé"},
		{"doctype", strings.Replace(good, "<lsun-bilans", "<!DOCTYPE lsun-bilans>\n<lsun-bilans", 1), "ligne"},
		{"schema", strings.Replace(good, "<entete>", "<entete><inconnu/>", 1), "n'est pas conforme au schéma"},
		{"other establishment", otherUAI, "celui d'un autre établissement"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".xml")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			before := storeState(t, empty)
			r := lsusyncCmd(t, "import", "-store", empty, path)
			r.require(t, 3)
			require.Empty(t, r.stdout)
			require.Contains(t, r.stderr, tc.want)
			require.Contains(t, r.stderr, "Aucune modification n'a été enregistrée.")
			personaldata.Check(t, "stderr", r.stderr, personal, personaldata.Options{Random: []string{dir, filepath.Dir(empty)}})
			require.Equal(t, before, storeState(t, empty))
		})
	}
}

// TestExportRefusals checks the exports refused before a file is
// written: exit 3, the file as it was.
func TestExportRefusals(t *testing.T) {
	_, empty, _ := lsuFile(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "bilans.xml")
	require.NoError(t, os.WriteFile(out, []byte("ancien"), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown class", []string{"-store", empty, "-classes", "9EME9"}, "ne sont pas dans LSU : 9EME9"},
		{"unknown period", []string{"-store", empty, "-periods", "T9"}, "vérifiez -periods"},
		{"nothing to export", []string{"-store", empty}, "aucun bilan ne peut être écrit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := lsusyncCmd(t, append(append([]string{"export"}, tc.args...), "-o", out)...)
			r.require(t, 3)
			require.Contains(t, r.stderr, tc.want)
			require.Equal(t, "ancien", string(readFile(t, out)))
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Len(t, entries, 1, "the export left its temporary file")
		})
	}
}

// TestImportExportUsage checks the usage errors and the help.
func TestImportExportUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "-store", "lsu.json"}, "donnez le fichier à importer"},
		{[]string{"import", "bilans.xml"}, "-store est obligatoire"},
		{[]string{"import", "-store", "lsu.json", "-json", "-all", "bilans.xml"}, "-all ne va pas avec -json"},
		{[]string{"import", "-store", "lsu.json", "a.xml", "b.xml"}, "arguments inattendus : b.xml"},
		{[]string{"export", "-store", "lsu.json"}, "-o est obligatoire"},
		{[]string{"export", "-o", "bilans.xml"}, "-store est obligatoire"},
		{[]string{"export", "-store", "lsu.json", "-schema", "5.0", "-o", "bilans.xml"}, `-schema "5.0"`},
	} {
		r := lsusyncRun(t, tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("lsusync %q: status %d, stderr %q; want %d and %q", tc.args, r.code, r.stderr, exitUsage, tc.want)
		}
	}
	for _, cmd := range []string{"import", "export"} {
		r := lsusyncRun(t, cmd, "-h")
		r.require(t, 0)
		for _, want := range []string{"lsusync " + cmd + " : ", "Utilisation :", "Exemples :", "-store", "130"} {
			require.Contains(t, r.stdout, want)
		}
	}
}
