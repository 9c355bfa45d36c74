package screen_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/examples/screen"
	"github.com/lsusync/lsusync/examples/siecle"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// reference runs the same synchronisation with the SDK on a store of the
// same content, and returns its report and the store's content after it.
func reference(t *testing.T, snap lsusync.Snapshot, dryRun bool, classes ...string) (*lsusync.Report, lsusync.Snapshot) {
	t.Helper()
	mem, err := memory.New(snap)
	require.NoError(t, err)
	rep, err := lsusync.New(sampleSource(t), mem, lsusync.Options{DryRun: dryRun, Now: clock}).Sync(context.Background(), classes...)
	require.NoError(t, err)
	return rep, mem.Snapshot()
}

// wantRows are the rows of the table of rep, as the page must show them:
// a success that is a notice of the source, or the values that no export
// carries, is information.
func wantRows(rep *lsusync.Report, opts lsusync.TextOptions) []row {
	labels := map[lsusync.Status]string{lsusync.StatusSuccess: "Succès", lsusync.StatusWarning: "Avertissement", lsusync.StatusError: "Erreur"}
	var rs []row
	lines := rep.Lines(opts)
	for n, l := range lines {
		label := labels[l.Status]
		if l.Status == lsusync.StatusSuccess && n < len(lines)-1 && (len(l.Items) == 0 || rep.Items[l.Items[0]].Kind == lsusync.KindSource) {
			label = "Information"
		}
		rs = append(rs, row{Status: label, Message: l.Message})
	}
	return rs
}

func TestSelectionPage(t *testing.T) {
	f := newFixture(t, setup{})
	c := f.client(t)
	r := c.get("")
	require.Equal(t, http.StatusOK, r.code)
	golden(t, "selection.html", r.body)

	page := text(r.body)
	for _, want := range []string{
		"Synchronisation Base Élèves",
		"Sélectionner les classes à synchroniser",
		"Établissement : COLLEGE SCIENCES & LETTRES (0750001A)",
		"4e 1 Quatrième 1 T1 T2 T3 (2025-2026)",
		"6B Sixième B T1 T2 T3 (2025-2026)",
	} {
		require.Contains(t, page, want)
	}
	// Every class has its checkbox, labelled by its code; none is ticked.
	boxes := regexp.MustCompile(`<input type="checkbox" name="classe" value="([^"]*)" id="([^"]*)"( checked)?>\s*<label for="([^"]*)">`).FindAllStringSubmatch(r.body, -1)
	var codes []string
	for _, m := range boxes {
		codes = append(codes, m[1])
		if m[2] != m[4] || m[3] != "" {
			t.Errorf("class %q: checkbox %q labelled for %q, ticked %q", m[1], m[2], m[4], m[3])
		}
	}
	if diff := cmp.Diff([]string{"3EME1", "4e 1", "5 A", "5 B", "6A", "6B"}, codes); diff != "" {
		t.Errorf("classes (-want +got):\n%s", diff)
	}
	require.NotContains(t, r.body, "disabled", "nothing blocks a synchronisation")
	require.NotContains(t, page, "Classes à paramétrer")

	// « Tout cocher » without JavaScript: the same page, every class ticked.
	all := c.get("?toutes=1")
	require.Equal(t, 6, strings.Count(all.body, " checked>"))
	require.Contains(t, all.body, `<a href="./" data-tout-cocher>Tout décocher</a>`)
}

func TestPeriodsMissing(t *testing.T) {
	// Two classes of the establishment lost their periods: no sync can
	// run, whichever classes are ticked (rule 1).
	f := newFixture(t, setup{edit: func(s *lsusync.Snapshot) {
		for i := range s.Classes {
			if s.Classes[i].Code == "6B" || s.Classes[i].Code == "3EME1" {
				s.Classes[i].Periods = nil
			}
		}
	}})
	before := f.mem.Snapshot()
	c := f.client(t)

	r := c.get("")
	require.Equal(t, http.StatusOK, r.code)
	refusal := lsusync.RefusalText(&lsusync.ClassesError{Err: lsusync.ErrPeriodsNotConfigured, Classes: []string{"3EME1", "6B"}})
	page := text(r.body)
	require.Contains(t, page, refusal, "the page says which classes and why")
	require.Contains(t, page, "6B (périodes à paramétrer) Sixième B non paramétrées")
	require.Equal(t, 2, strings.Count(r.body, `disabled aria-describedby="blocage"`), "Simuler and Synchroniser are disabled")
	require.Contains(t, page, "Classes à paramétrer")
	require.Contains(t, page, "6B · Sixième B (sans périodes)")

	// A request that goes through anyway is refused by the synchronizer.
	run := c.start("synchroniser", "5 A")
	r = c.wait(run)
	page = text(r.body)
	require.Contains(t, page, "Synchronisation refusée")
	require.Contains(t, page, refusal)
	require.Empty(t, rows(r.body), "no report")
	require.Equal(t, http.StatusNotFound, c.get(strings.Replace(run, "rapport?", "rapport.json?", 1)).code)
	if diff := cmp.Diff(before, f.mem.Snapshot()); diff != "" {
		t.Errorf("a refused synchronisation wrote (-before +after):\n%s", diff)
	}
}

func TestSimulateThenSynchronise(t *testing.T) {
	f := newFixture(t, setup{})
	before := f.mem.Snapshot()
	c := f.client(t)
	classes := []string{"5 A", "6B"}

	// « Simuler »: the report of a dry run, and nothing written.
	run := c.start("simuler", classes...)
	r := c.wait(run)
	require.Equal(t, http.StatusOK, r.code)
	dry, _ := reference(t, before, true, classes...)
	if diff := cmp.Diff(wantRows(dry, lsusync.TextOptions{}), rows(r.body)); diff != "" {
		t.Errorf("simulation's rows (-want +got):\n%s", diff)
	}
	page := text(r.body)
	for _, want := range []string{dry.Title(), dry.Heading(), "Aucune modification n'a été enregistrée.", dry.Summary()} {
		require.Contains(t, page, want)
	}
	if diff := cmp.Diff(before, f.mem.Snapshot()); diff != "" {
		t.Errorf("the simulation wrote (-before +after):\n%s", diff)
	}

	// The details, on demand, and what was already up to date.
	for _, opts := range []lsusync.TextOptions{{Details: true}, {Unchanged: true}, {Details: true, Unchanged: true}} {
		q := url.Values{}
		if opts.Details {
			q.Set("detail", "1")
		}
		if opts.Unchanged {
			q.Set("tout", "1")
		}
		r := c.get(run + "&" + q.Encode())
		if diff := cmp.Diff(wantRows(dry, opts), rows(r.body)); diff != "" {
			t.Errorf("rows with %+v (-want +got):\n%s", opts, diff)
		}
	}
	details := text(c.get(run + "&detail=1").body)
	require.Contains(t, details, "Élève MARCHANE Hélène (148807) nom : MARCHAND → MARCHANE")
	personaldata.Check(t, "the default report", page, []string{"MARCHAND", "MARCHANE", "Hélène"}, personaldata.Options{}) // no name

	// The report as JSON, to download.
	j := c.get(strings.Replace(run, "rapport?", "rapport.json?", 1))
	require.Equal(t, http.StatusOK, j.code)
	require.Equal(t, `attachment; filename="rapport-simulation-2025-12-15-1032.json"`, j.header.Get("Content-Disposition"))
	var got lsusync.Report
	require.NoError(t, json.Unmarshal([]byte(j.body), &got))
	if diff := cmp.Diff(wantRows(dry, lsusync.TextOptions{Details: true}), wantRows(&got, lsusync.TextOptions{Details: true})); diff != "" {
		t.Errorf("JSON report (-want +got):\n%s", diff)
	}

	// « Synchroniser » the same classes, from the simulation's page.
	form := regexp.MustCompile(`<input type="hidden" name="classe" value="([^"]*)">`).FindAllStringSubmatch(r.body, -1)
	var again []string
	for _, m := range form {
		again = append(again, m[1])
	}
	require.Equal(t, classes, again, "the simulation's page offers to synchronise its classes")
	run2 := c.start("synchroniser", again...)
	require.NotEqual(t, run, run2)
	r = c.wait(run2)
	golden(t, "report.html", r.body)
	rep, after := reference(t, before, false, classes...)
	if diff := cmp.Diff(wantRows(rep, lsusync.TextOptions{}), rows(r.body)); diff != "" {
		t.Errorf("synchronisation's rows (-want +got):\n%s", diff)
	}
	require.NotContains(t, r.body, `name="classe"`, "no form to synchronise again after a synchronisation")
	if diff := cmp.Diff(after, f.mem.Snapshot()); diff != "" {
		t.Errorf("the store is not as the synchronisation leaves it (-want +got):\n%s", diff)
	}
	pupil, err := f.mem.Student(context.Background(), "148807")
	require.NoError(t, err)
	require.Equal(t, "MARCHANE", pupil.LastName)

	// Only the latest run is kept.
	require.Equal(t, http.StatusNotFound, c.get(run).code)
	require.Contains(t, text(c.get("").body), "Dernier rapport : Synchronisation du 15/12/2025 à 10:32 (5 A, 6B).")
}

func TestFormProblems(t *testing.T) {
	f := newFixture(t, setup{})
	c := f.client(t)
	tests := []struct {
		name string
		path string
		form url.Values
		code int
		want string
	}{
		{"no class", "synchroniser", url.Values{"action": {"synchroniser"}}, http.StatusBadRequest, "Sélectionnez au moins une classe à synchroniser."},
		{"no action", "synchroniser", url.Values{"classe": {"6B"}}, http.StatusBadRequest, "Choisissez « Simuler » ou « Synchroniser »."},
		{"unknown class", "synchroniser", url.Values{"action": {"simuler"}, "classe": {"6b"}}, http.StatusSeeOther, ""},
		{"set up nothing", "parametrer", url.Values{"periodes": {"trimestres"}, "annee": {"2025"}}, http.StatusBadRequest, "Sélectionnez au moins une classe à paramétrer."},
		{"set up without periods", "parametrer", url.Values{"classe": {"6B"}, "annee": {"2025"}}, http.StatusBadRequest, "Choisissez des trimestres ou des semestres, et l'année scolaire."},
		{"set up a wrong year", "parametrer", url.Values{"classe": {"6B"}, "periodes": {"semestres"}, "annee": {"deux mille"}}, http.StatusBadRequest, "Choisissez des trimestres ou des semestres"},
		{"a form too large", "synchroniser", url.Values{"action": {"simuler"}, "classe": {strings.Repeat("x", 70<<10)}}, http.StatusBadRequest, "Le formulaire n'a pas pu être lu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.post(tt.path, tt.form)
			require.Equal(t, tt.code, r.code, r.body)
			require.Contains(t, text(r.body), tt.want)
		})
	}
	// The unknown class: refused by the synchronizer, with the nearest.
	r := c.wait("rapport?n=1")
	require.Contains(t, text(r.body), "La classe 6b n'existe pas dans la base élèves. Vouliez-vous dire « 6B » au lieu de « 6b » ?")
}

// gatedStore is a store whose reading of one class's bilans waits until the
// test releases it, or the synchronisation is cancelled. It keeps the
// store's batches.
type gatedStore struct {
	batchingStore
	class   string
	entered chan struct{} // closed when the class's bilans are first asked for
	release chan struct{}

	mu     sync.Mutex // guards the channels, which rearm replaces
	passed bool       // the class's bilans were asked for
}

// batchingStore is a Store that batches its writes, as the memory and the
// file stores do.
type batchingStore interface {
	lsusync.Store
	lsusync.Batcher
}

// gate returns a gated store and the wrap option of a fixture that makes
// the fixture's store gated.
func gate(class string) (*gatedStore, func(*memory.Store) lsusync.Store) {
	g := &gatedStore{class: class, entered: make(chan struct{}), release: make(chan struct{})}
	return g, func(m *memory.Store) lsusync.Store { g.batchingStore = m; return g }
}

// rearm makes the next reading of the class's bilans wait again, once the
// gate was released. The goroutine that reads the channels calls it.
func (g *gatedStore) rearm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.entered, g.release, g.passed = make(chan struct{}), make(chan struct{}), false
}

func (g *gatedStore) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	if class == g.class {
		g.mu.Lock()
		entered, release, first := g.entered, g.release, !g.passed
		g.passed = true
		g.mu.Unlock()
		if first {
			close(entered)
		}
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.batchingStore.Bilans(ctx, class)
}

func TestConcurrentSyncRefused(t *testing.T) {
	g, wrap := gate("6B")
	f := newFixture(t, setup{wrap: wrap})
	c := f.client(t)

	run := c.start("synchroniser", "5 A", "6B")
	<-g.entered
	r := c.get(run)
	require.Equal(t, http.StatusOK, r.code)
	require.Contains(t, text(r.body), "Synchronisation en cours")
	require.Contains(t, r.body, `<noscript><meta http-equiv="refresh" content="5"></noscript>`, "it refreshes itself without JavaScript")
	require.Contains(t, r.body, `data-progress-url="progression?n=1"`)
	require.Contains(t, text(r.body), "Cette page se met à jour toute seule toutes les 5 secondes jusqu'à la fin. Arrêter la mise à jour automatique")
	require.Contains(t, r.body, `<a href="rapport?manuel=1&amp;n=1">Arrêter la mise à jour automatique</a>`)
	// Stopped, for a screen reader's user: refreshed by hand.
	manual := c.get(run + "&manuel=1")
	require.Equal(t, http.StatusOK, manual.code)
	require.NotContains(t, manual.body, "http-equiv")
	require.Contains(t, manual.body, `<noscript><p class="aide">La mise à jour automatique est arrêtée. <a href="rapport?manuel=1&amp;n=1">Actualiser</a></p></noscript>`)
	require.Contains(t, manual.body, `data-progress-url="progression?n=1"`, "the script follows the progress all the same")
	require.Contains(t, text(c.get("").body), "Une synchronisation est en cours : Synchronisation du 15/12/2025 à 10:32 (5 A, 6B).")

	// A second synchronisation, or a set-up, is refused and shows the
	// running one.
	second := c.post("synchroniser", url.Values{"action": {"simuler"}, "classe": {"3EME1"}})
	require.Equal(t, http.StatusConflict, second.code)
	page := text(second.body)
	require.Contains(t, page, "Une synchronisation est déjà en cours : la vôtre n'a pas été lancée.")
	require.Contains(t, second.body, "<h1>Synchronisation en cours</h1>")
	require.Contains(t, page, "Lancée le 15/12/2025 à 10:32 pour : 5 A, 6B")
	// The answer to a POST can be neither refreshed nor reloaded: it
	// links to the running one's page.
	require.Contains(t, second.body, `<a href="rapport?n=1">Suivre la synchronisation en cours</a>`)
	require.NotContains(t, second.body, "refresh")
	require.NotContains(t, second.body, "data-progress-url")
	setUp := c.post("parametrer", url.Values{"classe": {"6B"}, "periodes": {"trimestres"}, "annee": {"2025"}})
	require.Equal(t, http.StatusConflict, setUp.code)

	// The first one's progress: one class done of two.
	deadline := time.Now().Add(10 * time.Second)
	var p struct {
		Running     bool
		Done, Total int
		Text        string
	}
	for {
		require.NoError(t, json.Unmarshal([]byte(c.get("progression?n=1").body), &p))
		if p.Done == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.Equal(t, "Classes traitées : 1 sur 2", p.Text)
	require.True(t, p.Running)

	close(g.release)
	r = c.wait(run)
	require.Len(t, rows(r.body), 5, "the first one's report: the reader's warning, 3 rows, the closing row")
	c.wait(c.start("simuler", "3EME1")) // and now another may run
}

func TestShutdownCancelsTheRunningSync(t *testing.T) {
	g, wrap := gate("6B")
	f := newFixture(t, setup{wrap: wrap})
	before := f.mem.Snapshot()
	c := f.client(t)

	run := c.start("synchroniser", "5 A", "6B")
	<-g.entered
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, f.h.Shutdown(ctx))

	// Shutdown waited: the run has ended, and the batch was discarded.
	r := c.get(run)
	page := text(r.body)
	require.Contains(t, page, "La synchronisation a été interrompue (arrêt du serveur)")
	require.Contains(t, page, "La synchronisation s'est terminée avec", "the closing row counts the errors")
	if diff := cmp.Diff(before, f.mem.Snapshot()); diff != "" {
		t.Errorf("a cancelled synchronisation wrote (-before +after):\n%s", diff)
	}
	// No new one starts.
	r = c.post("synchroniser", url.Values{"action": {"synchroniser"}, "classe": {"6B"}})
	require.Equal(t, http.StatusServiceUnavailable, r.code)
	require.Contains(t, text(r.body), "Le serveur s'arrête")
	require.Contains(t, f.log.String(), "reason=shutdown")
}

func TestShutdownWhileReadingTheExports(t *testing.T) {
	entered := make(chan struct{})
	open := func(ctx context.Context) (lsusync.Source, error) {
		close(entered)
		<-ctx.Done()
		return nil, context.Cause(ctx)
	}
	f := newFixture(t, setup{open: open})
	c := f.client(t)
	run := c.start("simuler", "6B")
	<-entered
	require.NoError(t, f.h.Shutdown(context.Background()))
	require.Contains(t, text(c.get(run).body), "Les exports de la base élèves et de STS-Web n'ont pas pu être lus")
}

func TestSourceFails(t *testing.T) {
	open := func(context.Context) (lsusync.Source, error) {
		return nil, fmt.Errorf("opening exports: %w", errors.New("no BEE_ELEVES file in the folder"))
	}
	f := newFixture(t, setup{open: open})
	c := f.client(t)
	r := c.get("")
	require.Equal(t, http.StatusOK, r.code, "the store's classes are listed all the same")
	page := text(r.body)
	require.Contains(t, page, "Les exports de la base élèves et de STS-Web n'ont pas pu être lus")
	require.Contains(t, page, "Détail technique opening exports: no BEE_ELEVES file in the folder")
	require.Contains(t, page, "6B Sixième B")

	r = c.wait(c.start("synchroniser", "6B"))
	require.Contains(t, text(r.body), "Synchronisation refusée Retour à la sélection des classes Lancée le 15/12/2025 à 10:32 pour : 6B Les exports de la base élèves et de STS-Web n'ont pas pu être lus")
	require.Contains(t, f.log.String(), "the source could not be opened")
	r = c.post("parametrer", url.Values{"classe": {"6B"}, "periodes": {"trimestres"}, "annee": {"2025"}})
	require.Equal(t, http.StatusServiceUnavailable, r.code)
	require.Contains(t, text(r.body), "Les exports de la base élèves et de STS-Web n'ont pas pu être lus")
	require.NotContains(t, f.log.String(), "BEE_ELEVES", "the log holds no error text")
}

// TestSourceRefusedInFrench gives the screen a folder of exports without
// the STS-Web file: the selection page and the refused run say so, naming
// the folder and the file that is missing.
func TestSourceRefusedInFrench(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(changedDir, "ExportXML_ElevesSansAdresses.zip"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ExportXML_ElevesSansAdresses.zip"), b, 0o600))
	open := func(ctx context.Context) (lsusync.Source, error) { return siecle.OpenDir(ctx, dir, siecle.Options{}) }
	f := newFixture(t, setup{open: open})
	c := f.client(t)
	want := "Le dossier " + dir + " ne contient pas l'export de STS-Web pour les emplois du temps (sts_emp_UAI_ANNÉE.xml)"
	require.Contains(t, text(c.get("").body), want)
	r := c.wait(c.start("synchroniser", "6B"))
	require.Contains(t, text(r.body), "Synchronisation refusée")
	require.Contains(t, text(r.body), want)
}

// otherSchool is a source of another establishment.
type otherSchool struct{ lsusync.Source }

func (o otherSchool) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	e, err := o.Source.Establishment(ctx)
	e.UAI = "0930002B"
	return e, err
}

func TestWrongEstablishment(t *testing.T) {
	// The exports of another school (rule 2): the page says so before
	// anything is tried, and offers none of its classes to set up.
	f := newFixture(t, setup{open: fixed(otherSchool{sampleSource(t)}), edit: func(s *lsusync.Snapshot) { removeClass(s, "6B") }})
	before := f.mem.Snapshot()
	c := f.client(t)
	r := c.get("")
	refusal := lsusync.RefusalText(&lsusync.EstablishmentError{Source: "0930002B", Store: "0750001A"})
	page := text(r.body)
	require.Contains(t, page, refusal+" Mettez dans le dossier des exports ceux de cet établissement.")
	require.Equal(t, 2, strings.Count(r.body, `disabled aria-describedby="blocage"`), "Simuler and Synchroniser are disabled")
	require.NotContains(t, page, "Classes à paramétrer")

	r = c.wait(c.start("synchroniser", "5 A"))
	require.Contains(t, text(r.body), "Synchronisation refusée Retour à la sélection des classes Lancée le 15/12/2025 à 10:32 pour : 5 A "+refusal)
	require.Contains(t, f.log.String(), "reason=wrong-establishment")
	if diff := cmp.Diff(before, f.mem.Snapshot()); diff != "" {
		t.Errorf("a refused synchronisation wrote (-before +after):\n%s", diff)
	}
}

func TestSetUpClasses(t *testing.T) {
	// 6B is new in the exports: the store has neither the class nor its
	// pupils. 3EME1 is in the store without periods.
	f := newFixture(t, setup{edit: func(s *lsusync.Snapshot) {
		removeClass(s, "6B")
		for i := range s.Classes {
			if s.Classes[i].Code == "3EME1" {
				s.Classes[i].Periods = nil
			}
		}
	}})
	c := f.client(t)
	page := text(c.get("").body)
	require.Contains(t, page, "Classes à paramétrer")
	require.Contains(t, page, "3EME1 · Troisième 1 (sans périodes)")
	require.Contains(t, page, "6B · Sixième B (nouvelle dans la base élèves)")
	require.Contains(t, page, "Année scolaire 2024-2025 2025-2026 2026-2027")

	r := c.post("parametrer", url.Values{"classe": {"3EME1", "6B", "6C"}, "periodes": {"semestres"}, "annee": {"2025"}})
	require.Equal(t, http.StatusOK, r.code)
	require.Equal(t, 1, strings.Count(r.body, "<h1"))
	require.Contains(t, r.body, "<h1>Paramétrage des classes</h1>")
	want := []row{
		{"Succès", "La classe 3EME1 (Troisième 1) est paramétrée : S1 S2 (2025-2026)."},
		{"Succès", "La classe 6B (Sixième B) est paramétrée : S1 S2 (2025-2026)."},
		{"Erreur", "La classe 6C n'a pas été paramétrée. " + lsusync.RefusalText(&lsusync.ClassesError{
			Err: lsusync.ErrUnknownClass, Classes: []string{"6C"}, Known: []string{"3EME1", "4e 1", "5 A", "5 B", "6A", "6B"}})},
	}
	if diff := cmp.Diff(want, rows(r.body)); diff != "" {
		t.Errorf("set-up rows (-want +got):\n%s", diff)
	}
	classes, err := f.mem.Classes(context.Background())
	require.NoError(t, err)
	for _, cl := range classes {
		if cl.Code == "6B" || cl.Code == "3EME1" {
			require.Equal(t, lsusync.Semesters(2025), cl.Periods, cl.Code)
		}
	}
	page = text(c.get("").body)
	require.NotContains(t, page, "Classes à paramétrer")
	require.NotContains(t, c.get("").body, "disabled")

	// The next synchronisation fills the new class.
	r = c.wait(c.start("synchroniser", "6B"))
	students, err := f.mem.Students(context.Background(), "6B")
	require.NoError(t, err)
	require.NotEmpty(t, students)
	if n := strings.Count(text(r.body), "L'élève (6B) a été ajouté."); n != len(students) {
		t.Errorf("%d rows of a pupil added, want one per pupil (%d)", n, len(students))
	}
}

func TestToken(t *testing.T) {
	f := newFixture(t, setup{token: token})
	tests := []struct {
		name     string
		path     string
		cookie   string
		code     int
		location string
	}{
		{"no token", "", "", http.StatusUnauthorized, ""},
		{"no token, a report", "rapport?n=1", "", http.StatusUnauthorized, ""},
		{"no token, the progress", "progression?n=1", "", http.StatusUnauthorized, ""},
		{"no token, a page that does not exist", "static/rien.css", "", http.StatusUnauthorized, ""},
		{"a wrong token", "?token=jeton", "", http.StatusUnauthorized, ""},
		{"a wrong token, the script", "static/screen.js?token=jeton", "", http.StatusUnauthorized, ""},
		{"the token twice", "?token=" + token + "&token=" + token, "", http.StatusUnauthorized, ""},
		{"a wrong cookie", "", "jeton", http.StatusUnauthorized, ""},
		{"the token as the cookie", "", token, http.StatusUnauthorized, ""},
		{"the token", "?token=" + token, "", http.StatusSeeOther, "./"},
		{"the token on a report", "rapport?n=1&token=" + token + "&detail=1", "", http.StatusSeeOther, "./rapport?detail=1&n=1"},
		{"the token on the style", "static/screen.css?token=" + token, "", http.StatusSeeOther, "./screen.css"},
		{"the token on a page that does not exist", "static/nulle/part?token=" + token + "&x=1", "", http.StatusSeeOther, "./part?x=1"},
		{"the cookie", "", "", http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.client(t)
			if tt.name == "the cookie" || tt.cookie != "" {
				c.login()
			}
			if tt.cookie != "" {
				u, err := url.Parse(c.base)
				require.NoError(t, err)
				cookies := c.http.Jar.Cookies(u)
				require.Len(t, cookies, 1)
				cookies[0].Value = tt.cookie
				c.http.Jar.SetCookies(u, cookies)
			}
			r := c.get(tt.path)
			require.Equal(t, tt.code, r.code, r.body)
			require.Equal(t, tt.location, r.header.Get("Location"))
			if tt.code == http.StatusUnauthorized {
				require.Contains(t, text(r.body), "L'accès à cette page demande le jeton d'accès")
				personaldata.Check(t, "the refusal's page", r.body, []string{"COLLEGE", "0750001A"}, personaldata.Options{}) // nothing of the establishment
			}
			if tt.code == http.StatusSeeOther {
				// A session id, not the token, for the whole screen.
				set := r.header.Get("Set-Cookie")
				require.Regexp(t, `^lsusync_[0-9a-f]{12}=[A-Z2-7]{26}; Path=/; HttpOnly; SameSite=Strict$`, set)
			}
		})
	}
	// Each browser its session.
	a, b := f.client(t).get("?token="+token), f.client(t).get("?token="+token)
	require.NotEqual(t, a.header.Get("Set-Cookie"), b.header.Get("Set-Cookie"))

	// A POST without the token starts nothing.
	r := f.client(t).post("synchroniser", url.Values{"action": {"synchroniser"}, "classe": {"6B"}})
	require.Equal(t, http.StatusUnauthorized, r.code)
	require.Nil(t, f.lastRun(t))

	// The browser's way: the token's address, then the cookie.
	c := f.client(t)
	c.login()
	c.wait(c.start("simuler", "6B"))
	require.NotContains(t, f.log.String(), token)
	require.Contains(t, f.log.String(), "access refused")
}

func TestStaticFilesWithoutTheToken(t *testing.T) {
	// The style, the script and the icon hold no personal data: the page
	// that refuses access uses them, before any token.
	f := newFixture(t, setup{token: token})
	c := f.client(t)
	refused := c.get("")
	require.Equal(t, http.StatusUnauthorized, refused.code)
	links := regexp.MustCompile(`(?:href|src)="(static/[^"]*)"`).FindAllStringSubmatch(refused.body, -1)
	require.Len(t, links, 3, "the refusal's page links to the icon, the style and the script")
	types := map[string]string{"static/screen.css": "text/css; charset=utf-8", "static/screen.js": "text/javascript; charset=utf-8", "static/favicon.svg": "image/svg+xml"}
	for _, m := range links {
		r := c.get(m[1])
		require.Equal(t, http.StatusOK, r.code, m[1])
		require.Equal(t, types[m[1]], r.header.Get("Content-Type"), m[1])
		require.Equal(t, "same-origin", r.header.Get("Cross-Origin-Resource-Policy"), m[1])
		require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"), m[1])
		require.Empty(t, r.header.Get("Set-Cookie"), m[1])
	}
	// Only these, and only to read.
	require.Equal(t, http.StatusUnauthorized, c.get("static/").code)
	require.Equal(t, http.StatusUnauthorized, c.get("static/../rapport?n=1").code)
	require.Equal(t, http.StatusUnauthorized, c.post("static/screen.css", url.Values{}).code)
}

func TestSessions(t *testing.T) {
	f := newFixture(t, setup{token: token})
	now := today
	var mu sync.Mutex
	screen.SetSessionClock(f.h, func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	})
	wait := func(d time.Duration) {
		mu.Lock()
		now = now.Add(d)
		mu.Unlock()
	}
	c := f.client(t)
	c.login()
	// A request keeps the session alive...
	wait(screen.SessionIdle - time.Minute)
	require.Equal(t, http.StatusOK, c.get("").code)
	wait(screen.SessionIdle - time.Minute)
	require.Equal(t, http.StatusOK, c.get("").code)
	// ...which lapses after SessionIdle without one.
	wait(screen.SessionIdle)
	require.Equal(t, http.StatusUnauthorized, c.get("").code)
	c.login()
	require.Equal(t, http.StatusOK, c.get("").code)

	// Past MaxSessions, a new session ends the one idle the longest.
	others := make([]*client, screen.MaxSessions)
	for i := range others {
		wait(time.Second)
		others[i] = f.client(t)
		others[i].login()
	}
	require.Equal(t, http.StatusUnauthorized, c.get("").code, "the oldest session ended")
	for _, o := range others {
		require.Equal(t, http.StatusOK, o.get("").code)
	}
}

func TestSecureCookie(t *testing.T) {
	cookie := func(t *testing.T, srv *httptest.Server) string {
		t.Helper()
		hc := srv.Client()
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := hc.Get(srv.URL + "/?token=" + token)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		return resp.Header.Get("Set-Cookie")
	}
	tests := []struct {
		name   string
		secure bool // Options.SecureCookie
		tls    bool
		want   bool
	}{
		{"HTTP", false, false, false},
		{"HTTPS", false, true, true},
		{"HTTPS ended by a reverse proxy", true, false, true},
		{"HTTPS and the option", true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem, err := memory.New(sampleSnapshot(t))
			require.NoError(t, err)
			h := screen.New(mem, fixed(sampleSource(t)), screen.Options{Token: token, SecureCookie: tt.secure, Now: clock})
			t.Cleanup(func() { h.Shutdown(context.Background()) })
			srv := httptest.NewUnstartedServer(h)
			if tt.tls {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			t.Cleanup(srv.Close)
			set := cookie(t, srv)
			require.Regexp(t, `^lsusync_[0-9a-f]{12}=[A-Z2-7]{26}; Path=/; HttpOnly; `, set)
			require.Equal(t, tt.want, strings.Contains(set, "; Secure"), set)
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFixture(t, setup{token: token})
	c := f.client(t)
	c.login()
	tests := []struct {
		method, path string
		allow        string
	}{
		{http.MethodGet, "synchroniser", "POST"},
		{http.MethodHead, "synchroniser", "POST"},
		{http.MethodGet, "parametrer", "POST"},
		{http.MethodPost, "", "GET, HEAD"},
		{http.MethodPost, "rapport", "GET, HEAD"},
		{http.MethodPut, "progression", "GET, HEAD"},
		{http.MethodDelete, "static/screen.css", "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" /"+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, c.base+tt.path, nil)
			require.NoError(t, err)
			r := c.do(req)
			require.Equal(t, http.StatusMethodNotAllowed, r.code, r.body)
			require.Equal(t, tt.allow, r.header.Get("Allow"))
			if tt.method != http.MethodHead {
				require.Contains(t, text(r.body), "Cette adresse ne s'ouvre pas ainsi : repartez de la sélection des classes.")
			}
		})
	}
	require.Nil(t, f.lastRun(t), "no run started")
	r := c.get("nulle-part")
	require.Equal(t, http.StatusNotFound, r.code)
	require.Empty(t, r.header.Get("Allow"))
}

// lastRun returns the progress of run 1, or nil when there is none. The
// fixture must have the test's token.
func (f *fixture) lastRun(t *testing.T) map[string]any {
	c := f.client(t)
	c.login()
	r := c.get("progression?n=1")
	if r.code == http.StatusNotFound {
		return nil
	}
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.body), &m))
	return m
}

func TestCrossSiteRequestsRefused(t *testing.T) {
	f := newFixture(t, setup{token: token})
	c := f.client(t)
	c.login()
	form := url.Values{"action": {"synchroniser"}, "classe": {"6B"}}
	tests := []struct {
		name   string
		header []string
		code   int
	}{
		{"another site", []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"another origin", []string{"Origin", "http://evil.example"}, http.StatusForbidden},
		{"a sibling site", []string{"Sec-Fetch-Site", "same-site"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"synchroniser", "parametrer"} {
				r := c.post(path, form, tt.header...)
				require.Equal(t, tt.code, r.code, r.body)
				require.Contains(t, text(r.body), "Cette demande vient d'un autre site : elle a été refusée.")
			}
		})
	}
	require.Nil(t, f.lastRun(t), "no run started")
	// The same origin goes through.
	r := c.post("synchroniser", url.Values{"action": {"simuler"}, "classe": {"6B"}}, "Sec-Fetch-Site", "same-origin", "Origin", f.srv.URL)
	require.Equal(t, http.StatusSeeOther, r.code)
	c.wait("rapport?n=1")
	require.Contains(t, f.log.String(), "cross-origin request refused")
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, setup{token: token})
	c := f.client(t)
	c.login()
	run := c.start("simuler", "6B")
	c.wait(run)
	anonymous := f.client(t)
	pages := map[string]response{
		"selection":  c.get(""),
		"report":     c.get(run + "&detail=1"),
		"JSON":       c.get(strings.Replace(run, "rapport?", "rapport.json?", 1)),
		"progress":   c.get(strings.Replace(run, "rapport?", "progression?", 1)),
		"style":      c.get("static/screen.css"),
		"script":     c.get("static/screen.js"),
		"icon":       c.get("static/favicon.svg"),
		"not found":  c.get("nulle-part"),
		"refused":    anonymous.get(""),
		"cross-site": c.post("synchroniser", url.Values{}, "Sec-Fetch-Site", "cross-site"),
		"redirect":   c.post("synchroniser", url.Values{"action": {"simuler"}, "classe": {"6B"}}),
	}
	want := map[string]string{
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
	}
	for name, r := range pages {
		got := map[string]string{}
		for k := range want {
			got[k] = r.header.Get(k)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (%d): headers (-want +got):\n%s", name, r.code, diff)
		}
		// No inline script or style: the policy would block them. One h1.
		if strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			require.Equal(t, 1, strings.Count(r.body, "<h1"), name)
			for _, bad := range []*regexp.Regexp{regexp.MustCompile(`<script(?:\s+[^>]*)?>[^<]`), regexp.MustCompile(`<style`), regexp.MustCompile(`\sstyle=`), regexp.MustCompile(`\son[a-z]+=`)} {
				if bad.MatchString(r.body) {
					t.Errorf("%s: inline script or style: %s", name, bad.FindString(r.body))
				}
			}
		}
	}
	require.Equal(t, "text/css; charset=utf-8", pages["style"].header.Get("Content-Type"))
	require.Equal(t, "text/javascript; charset=utf-8", pages["script"].header.Get("Content-Type"))
	require.Equal(t, "image/svg+xml", pages["icon"].header.Get("Content-Type"))
	require.Equal(t, http.StatusNotFound, pages["not found"].code)
}

func TestNoPersonalDataInTheLog(t *testing.T) {
	// 4e 1 new in the exports, to set up, and a name corrected in 6B;
	// every page visited, every action taken; then not one name, birth
	// date or INE in the log.
	f := newFixture(t, setup{token: token, edit: func(s *lsusync.Snapshot) { removeClass(s, "4e 1") }})
	c := f.client(t)
	f.client(t).get("?token=faux")
	c.login()
	c.get("")
	c.post("parametrer", url.Values{"classe": {"4e 1"}, "periodes": {"trimestres"}, "annee": {"2025"}})
	for _, action := range []string{"simuler", "synchroniser"} {
		run := c.start(action, "3EME1", "4e 1", "5 A", "5 B", "6A", "6B")
		c.wait(run)
		c.get(run + "&detail=1&tout=1")
		c.get(strings.Replace(run, "rapport?", "rapport.json?", 1))
	}
	c.post("synchroniser", url.Values{"action": {"simuler"}, "classe": {"6C"}})
	c.wait("rapport?n=3")
	c.post("synchroniser", url.Values{"classe": {"6B"}}, "Sec-Fetch-Site", "cross-site")

	log := f.log.String()
	for _, want := range []string{"screen: sync started", "screen: sync ended", "screen: class set up", "lsusync: sync ended", "reason=unknown-class"} {
		require.Contains(t, log, want, "the log tells what happened")
	}
	var personal []string
	add := func(vs ...string) { personal = append(personal, vs...) }
	snap := f.mem.Snapshot()
	for _, p := range snap.Students {
		add(p.LastName, p.UsageName, p.FirstName, p.FirstName2, p.FirstName3, p.INE, p.BirthDate.String(), p.ID)
	}
	for _, tc := range snap.Teachers {
		add(tc.LastName, tc.FirstName, tc.NUMEN)
	}
	add(snap.Establishment.HeadName, snap.Establishment.Email, snap.Establishment.Phone, token)
	add("MARCHAND", "MARCHANE") // the name the export corrected
	require.Greater(t, len(personal), 400)
	// Each record says its run and whether it is a simulation once: the
	// synchronizer's records carry the run, not a second dryRun.
	for line := range strings.Lines(log) {
		if strings.Count(line, "dryRun=") > 1 {
			t.Errorf("a record says dryRun twice: %s", line)
		}
		if strings.Contains(line, "lsusync: sync ") && !strings.Contains(line, " run=") {
			t.Errorf("a record of the synchronizer without its run: %s", line)
		}
	}
	personaldata.Check(t, "the log", log, personal, personaldata.Options{Patterns: []*regexp.Regexp{personaldata.SlogTextTime}})
}

func TestMountedUnderAPrefix(t *testing.T) {
	snap := sampleSnapshot(t)
	mem, err := memory.New(snap)
	require.NoError(t, err)
	h := screen.New(mem, fixed(sampleSource(t)), screen.Options{Token: token, Now: clock})
	t.Cleanup(func() { h.Shutdown(context.Background()) })
	mux := http.NewServeMux()
	mux.Handle("/lsu/", http.StripPrefix("/lsu", h))
	f := &fixture{h: h}
	f.srv = newServer(t, mux)
	c := f.client(t)
	c.base = f.srv.URL + "/lsu/"

	c.login() // the redirect's relative address stays under /lsu/
	r := c.get("")
	require.Equal(t, http.StatusOK, r.code)
	run := c.start("simuler", "6B")
	require.Len(t, rows(c.wait(run).body), 4) // the reader's warning, 2 rows, the closing row
	require.Equal(t, http.StatusOK, c.get("static/screen.css").code)

	// Redirects resolve under the prefix, as a browser resolves them.
	follow := &http.Client{Jar: c.http.Jar}
	resp, err := follow.Get(f.srv.URL + "/lsu/rapport?n=1&token=" + token)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "/lsu/rapport", resp.Request.URL.Path)
	require.Equal(t, "n=1", resp.Request.URL.RawQuery)

	// The token on any page, in a browser new to the screen: the page
	// without the token, and a cookie for the whole screen, and for it only.
	for _, path := range []string{"", "rapport?n=1&token=", "static/screen.css?token=", "static/nulle/part?token="} {
		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		follow := &http.Client{Jar: jar}
		u := f.srv.URL + "/lsu/" + path + token
		if path == "" {
			u = f.srv.URL + "/lsu/?token=" + token
		}
		resp, err := follow.Get(u)
		require.NoError(t, err)
		resp.Body.Close()
		want, _, _ := strings.Cut("/lsu/"+path, "?")
		require.Equal(t, want, resp.Request.URL.Path, path)
		require.NotContains(t, resp.Request.URL.RawQuery, "token", path)
		setCookie := resp.Request.Response.Header.Get("Set-Cookie")
		require.Contains(t, setCookie, "; Path=/lsu/; ", path)
		home, err := follow.Get(f.srv.URL + "/lsu/")
		require.NoError(t, err)
		home.Body.Close()
		require.Equal(t, http.StatusOK, home.StatusCode, path)
	}
}

// removeClass removes a class from the store's content, with its pupils
// and their bilans, as if it were new in the exports.
func removeClass(s *lsusync.Snapshot, code string) {
	s.Classes = slices.DeleteFunc(s.Classes, func(c lsusync.Class) bool { return c.Code == code })
	gone := map[string]bool{}
	s.Students = slices.DeleteFunc(s.Students, func(p lsusync.Student) bool {
		gone[p.ID] = p.Class == code
		return gone[p.ID]
	})
	s.Bilans = slices.DeleteFunc(s.Bilans, func(b lsusync.Bilan) bool { return gone[b.Student] })
}
