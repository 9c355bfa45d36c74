package screen_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/lsufile"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/lsusynctest"
)

// filled gives the sample store's bilans full content, as the school
// has entered them: lsusynctest's, at LSU's limits. The subjects without
// a modalité take S, labels are cut to LSU's 40 characters and the acquis
// without a teacher get the first one: the school corrected its
// nomenclature and STS-Web, so that every bilan can be written.
func filled(snap *lsusync.Snapshot) {
	for i := range snap.Bilans {
		b := &snap.Bilans[i]
		b.BilanContent = lsusynctest.FullBilanContent(i % 16)
		b.Acquis = slices.Clone(b.Acquis)
		for j := range b.Acquis {
			a := &b.Acquis[j]
			a.AcquisContent = lsusynctest.FullAcquisContent((i + j) % 16)
			if a.Subject.Modality == "" {
				a.Subject.Modality = "S"
			}
			if utf8.RuneCountInString(a.Subject.Label) > 40 {
				a.Subject.Label = string([]rune(a.Subject.Label)[:40])
			}
			if len(a.Teachers) == 0 {
				a.Teachers = []lsusync.TeacherKey{snap.Teachers[0].Key}
			}
		}
	}
}

// importFile is the import file of the sample store with its bilans
// filled.
func importFile(t *testing.T) []byte {
	t.Helper()
	snap := sampleSnapshot(t)
	filled(&snap)
	mem, err := memory.New(snap)
	require.NoError(t, err)
	var buf bytes.Buffer
	rep, err := lsufile.Export(context.Background(), mem, &buf, lsufile.ExportOptions{Identity: lsufile.Identity{Editor: "test", Application: "screen_test"}})
	require.NoError(t, err, "%s", rep)
	require.NotZero(t, rep.Counts().Exported)
	return buf.Bytes()
}

// upload sends file to the Import page with the action.
func (c *client) upload(action string, file []byte, header ...string) response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(c.t, mw.WriteField("action", action))
	fw, err := mw.CreateFormFile("fichier", "bilans.xml")
	require.NoError(c.t, err)
	_, err = fw.Write(file)
	require.NoError(c.t, err)
	require.NoError(c.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.base+"import", &body)
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

// importedBilans counts the store's imported bilans.
func importedBilans(t *testing.T, mem *memory.Store) int {
	n := 0
	for _, b := range mem.Snapshot().Bilans {
		if b.Imported {
			n++
		}
	}
	return n
}

// TestImportPage simulates then imports a file on the Import page: the
// simulation writes nothing, the import writes the file's bilans as
// imported, a second import writes nothing; each shows the report.
func TestImportPage(t *testing.T) {
	file := importFile(t)
	f := newFixture(t, setup{token: token})
	c := f.client(t)
	c.login()
	page := c.get("import")
	require.Equal(t, http.StatusOK, page.code)
	require.Contains(t, page.body, `enctype="multipart/form-data"`)
	require.Contains(t, c.get("").body, `href="import"`)

	before := importedBilans(t, f.mem)
	r := c.upload("simuler", file)
	require.Equal(t, http.StatusOK, r.code, text(r.body))
	require.Contains(t, text(r.body), "Simulation de l'import des bilans")
	require.Contains(t, text(r.body), "Aucune modification n'a été enregistrée.")
	require.Equal(t, before, importedBilans(t, f.mem), "a simulation wrote the store")

	r = c.upload("importer", file)
	require.Equal(t, http.StatusOK, r.code, text(r.body))
	rs := rows(r.body)
	require.NotEmpty(t, rs)
	require.Contains(t, rs[len(rs)-1].Message, "L'import s'est déroulé avec succès")
	after := importedBilans(t, f.mem)
	require.Greater(t, after, before)

	snap := f.mem.Snapshot()
	r = c.upload("importer", file)
	require.Equal(t, http.StatusOK, r.code)
	require.Equal(t, snap, f.mem.Snapshot(), "a second import of the same file wrote the store")
}

// TestImportPageRefusals checks what the Import page refuses, writing
// nothing: a file the schema refuses (with its line), a file too large,
// a request from another site, a request without the token.
func TestImportPageRefusals(t *testing.T) {
	file := importFile(t)
	f := newFixture(t, setup{token: token, maxUpload: int64(len(file) - 1)})
	c := f.client(t)
	c.login()
	snap := f.mem.Snapshot()

	r := c.upload("importer", file)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.code)
	require.Contains(t, text(r.body), "trop volumineux")

	broken := bytes.Replace(file, []byte("<entete>"), []byte("<entete><inconnu/>"), 1)
	f2 := newFixture(t, setup{token: token})
	c2 := f2.client(t)
	c2.login()
	snap2 := f2.mem.Snapshot()
	r = c2.upload("importer", broken)
	require.Equal(t, http.StatusUnprocessableEntity, r.code)
	require.Contains(t, text(r.body), "n'est pas un fichier d'import LSU valide")
	require.Contains(t, r.body, "ligne")
	require.Equal(t, snap2, f2.mem.Snapshot())

	r = c2.upload("importer", file, "Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, r.code)
	require.Equal(t, snap2, f2.mem.Snapshot())

	anon := f2.client(t)
	r = anon.upload("importer", file)
	require.Equal(t, http.StatusUnauthorized, r.code)
	require.Equal(t, snap2, f2.mem.Snapshot())
	require.Equal(t, snap, f.mem.Snapshot())
}

// TestExportDownload downloads the store's bilans as LSU's file: the
// reader takes it; a store without any bilan to write shows the report.
func TestExportDownload(t *testing.T) {
	f := newFixture(t, setup{token: token, edit: filled})
	c := f.client(t)
	c.login()
	r := c.get("bilans.xml")
	require.Equal(t, http.StatusOK, r.code, text(r.body))
	require.Equal(t, "application/xml", r.header.Get("Content-Type"))
	require.Contains(t, r.header.Get("Content-Disposition"), "attachment")
	file, err := lsufile.Read(context.Background(), strings.NewReader(r.body), "bilans.xml", lsufile.ReadOptions{}, nil)
	require.NoError(t, err)
	require.Equal(t, lsufile.Version7, file.Version)
	require.NotZero(t, file.Bilans)
	// Version 3.0: the file, or the report of why no bilan can be in it.
	r = c.get("bilans.xml?version=3.0")
	if r.code == http.StatusOK {
		file, err := lsufile.Read(context.Background(), strings.NewReader(r.body), "bilans.xml", lsufile.ReadOptions{}, nil)
		require.NoError(t, err)
		require.Equal(t, lsufile.Version3, file.Version)
	} else {
		require.Equal(t, http.StatusUnprocessableEntity, r.code)
		require.Contains(t, text(r.body), "version 3.0")
	}
	require.Equal(t, http.StatusUnauthorized, f.client(t).get("bilans.xml").code)

	empty := newFixture(t, setup{token: token})
	c = empty.client(t)
	c.login()
	r = c.get("bilans.xml")
	require.Equal(t, http.StatusUnprocessableEntity, r.code)
	require.Contains(t, text(r.body), "Export des bilans vers LSU")
	require.Contains(t, text(r.body), "aucun fichier n'a été écrit")
	require.NotContains(t, r.body, `enctype="multipart/form-data"`)
}

// TestImportInABrowser sends an import file from the Import page in
// Chromium, simulates then imports it and reads the reports; then
// downloads the export of a store whose bilans are entered, from the
// selection page's link. Nothing is written to the console.
func TestImportInABrowser(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bilans.xml")
	require.NoError(t, os.WriteFile(path, importFile(t), 0o600))
	ctx, con := browser(t)
	f := newFixture(t, setup{token: token})
	do(t, ctx, chromedp.Navigate(f.srv.URL+"/?token="+token), chromedp.WaitVisible(chromedp.CSS("h1")))
	_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[href="import"]`)))
	require.NoError(t, err)
	require.Equal(t, "Import des bilans", run(t, ctx, chromedp.Text(chromedp.CSS("h1"))))
	ax := accessible(t, ctx)
	require.Equal(t, []string{"Fichier d'import LSU", "Importer", "Simuler"}, ax["button"], "the buttons, the file's named by its label")

	before := importedBilans(t, f.mem)
	for _, step := range []struct{ button, closing string }{
		{"simuler", "La simulation de l'import s'est déroulée avec succès"},
		{"importer", "L'import s'est déroulé avec succès"},
	} {
		do(t, ctx, chromedp.SetUploadFiles(chromedp.CSS("#fichier"), []string{path}))
		_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`button[value="`+step.button+`"]`)))
		require.NoError(t, err)
		rs := pageRows(t, ctx)
		require.NotEmpty(t, rs)
		require.Contains(t, rs[len(rs)-1].Message, step.closing)
		if step.button == "simuler" {
			require.Equal(t, before, importedBilans(t, f.mem), "a simulation wrote the store")
		}
	}
	require.Greater(t, importedBilans(t, f.mem), before)
	con.check(t)

	g := newFixture(t, setup{token: token, edit: filled})
	do(t, ctx, chromedp.Navigate(g.srv.URL+"/?token="+token), chromedp.WaitVisible(chromedp.CSS("h1")))
	href := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('nav a[href="bilans.xml"]').href`))
	require.Equal(t, g.srv.URL+"/bilans.xml", href)
	got := run(t, ctx, chromedp.Evaluate[[2]string](`fetch("bilans.xml").then(async (r) => [r.headers.get("Content-Disposition"), await r.text()])`, chromedp.EvalAwaitPromise))
	require.Contains(t, got[0], "attachment")
	file, err := lsufile.Read(context.Background(), strings.NewReader(got[1]), "bilans.xml", lsufile.ReadOptions{}, nil)
	require.NoError(t, err)
	require.NotZero(t, file.Bilans)
	con.check(t)
}
