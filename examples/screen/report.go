package screen

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lsusync/lsusync"
)

// runURL is the address of a run's page, relative to the handler's root,
// with the details and what was already up to date, or not.
func runURL(id int, o lsusync.TextOptions) string {
	q := url.Values{"n": {strconv.Itoa(id)}}
	if o.Details {
		q.Set("detail", "1")
	}
	if o.Unchanged {
		q.Set("tout", "1")
	}
	if o.Group {
		q.Set("regrouper", "1")
	}
	return "rapport?" + q.Encode()
}

// title names a run for a link: "Simulation du 15/12/2025 à 10:32 (5 A, 6B)".
func (r *run) title() string {
	what := "Synchronisation"
	if r.dryRun {
		what = "Simulation"
	}
	return what + " du " + frenchTime(r.started) + " (" + strings.Join(r.classes, ", ") + ")"
}

func frenchTime(t time.Time) string { return t.Format("02/01/2006 à 15:04") }

// runView is a run's page: its progress, then its outcome.
type runView struct {
	Name        string // "Synchronisation" or "Simulation"
	Started     string
	ClassList   string
	Running     bool
	Status      status
	ProgressURL string // for the script, while it runs
	// Busy is set when the page answers a second synchronisation, refused:
	// the page of the POST shows the running one, and links to its page,
	// which it cannot refresh.
	Busy   bool
	RunURL string
	// Refresh is the seconds after which the page of a running
	// synchronisation refreshes itself when JavaScript is off; 0 when the
	// user stopped it (?manuel), which ManualURL does.
	Refresh   int
	ManualURL string

	Refusal, Stopped, Detail string
	Report                   *reportView
	Classes                  []string // a simulation's, to synchronise them next
	DetailURL, AllURL        string
	GroupURL                 string
	Details, All, Group      bool
	SetUpURL                 string // the set-up of classes, when the report or the refusal calls for it
	JSONURL                  string
	Ended                    string
}

// reportView is a report as LSU shows it.
type reportView struct {
	Title, Heading, Summary string
	DryRun                  bool
	Rows                    []rowView
}

// rowView is a row of the Statut | Message table.
type rowView struct {
	Symbol, Label, Class string // "✓", "Succès", "succes"
	Message              string
	Details              []string // with the details: the lines of the row's items
	Closing              bool     // the last row, which tells how it ended
}

// refreshSeconds is how often the page of a running synchronisation
// reloads itself when JavaScript is off, to show the report once it has
// ended. Each reload makes a screen reader read the page again: often
// enough for a synchronisation, which takes seconds, and not every
// moment; the page offers to stop it (?manuel) and to refresh by hand.
// With JavaScript, the page does not reload: its script updates the
// progress, which is read politely (aria-live).
const refreshSeconds = 5

// runPage serves the page of run ?n=: its progress while it runs, then
// its report. ?detail adds the field-level details, ?tout what was
// already up to date, and ?manuel stops the page refreshing itself
// without JavaScript.
func (h *Handler) runPage(w http.ResponseWriter, r *http.Request) {
	run := h.find(r.URL.Query().Get("n"))
	if run == nil {
		h.message(w, r, http.StatusNotFound, "Rapport indisponible",
			"Ce rapport n'est plus disponible : seul celui de la dernière synchronisation est conservé.")
		return
	}
	h.showRun(w, r, http.StatusOK, run, false)
}

func (h *Handler) showRun(w http.ResponseWriter, r *http.Request, code int, run *run, busy bool) {
	q := r.URL.Query()
	v := runView{Name: "Synchronisation", Busy: busy, Status: run.status(), Details: q.Has("detail"), All: q.Has("tout"), Group: q.Has("regrouper")}
	opts := lsusync.TextOptions{Details: v.Details, Unchanged: v.All, Group: v.Group}
	if run.dryRun {
		v.Name = "Simulation"
	}
	v.Started, v.ClassList = frenchTime(run.started), strings.Join(run.classes, ", ")
	v.Running = v.Status.Running
	id := strconv.Itoa(run.id)
	v.RunURL = runURL(run.id, lsusync.TextOptions{})
	if !busy {
		v.ProgressURL = "progression?n=" + id
		v.ManualURL = "rapport?" + url.Values{"n": {id}, "manuel": {"1"}}.Encode()
		if !q.Has("manuel") {
			v.Refresh = refreshSeconds
		}
	}
	title := v.Name + " en cours"
	if res, ok := run.result(); ok {
		title = "Rapport : " + strings.ToLower(v.Name)
		v.Ended = frenchTime(res.ended)
		switch {
		case res.report == nil && res.source:
			title = v.Name + " refusée"
			v.Refusal, v.Detail = sourceProblemOf(res.err), res.err.Error()
		case res.report == nil:
			title = v.Name + " refusée"
			v.Refusal, v.Detail = lsusync.RefusalText(res.err), res.err.Error()
			if errors.Is(res.err, lsusync.ErrPeriodsNotConfigured) {
				v.SetUpURL = setUpURL
			}
		default:
			v.Report = newReportView(res.report, opts)
			v.JSONURL = "rapport.json?n=" + id
			toggled := func(f func(*lsusync.TextOptions)) string { o := opts; f(&o); return runURL(run.id, o) }
			v.DetailURL = toggled(func(o *lsusync.TextOptions) { o.Details = !o.Details })
			v.AllURL = toggled(func(o *lsusync.TextOptions) { o.Unchanged = !o.Unchanged })
			v.GroupURL = toggled(func(o *lsusync.TextOptions) { o.Group = !o.Group })
			for _, it := range res.report.Items {
				if it.Kind == lsusync.KindClass && it.Action == lsusync.ActionNotInStore {
					v.SetUpURL = setUpURL
				}
			}
			if run.dryRun && res.err == nil {
				v.Classes = run.classes
			}
			if res.err != nil {
				v.Stopped, v.Detail = stoppedText(res.err), res.err.Error()
			}
		}
	}
	refresh := 0
	if v.Running {
		refresh = v.Refresh
	}
	h.render(w, r, code, "run", page{Title: title, Refresh: refresh, Data: v})
}

// stoppedText says why a synchronisation that had started did not end
// normally: it was cancelled, or the store could not write its changes.
func stoppedText(err error) string {
	if errors.Is(err, errShutdown) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "La synchronisation a été interrompue (arrêt du serveur) : les classes qu'elle n'a pas terminées, " +
			"et les modifications qu'elle n'a pas enregistrées, sont en erreur dans le rapport."
	}
	return "Les modifications n'ont pas pu être enregistrées : LSU est resté tel qu'il était. " +
		"Le rapport indique en erreur ce qui n'a pas été écrit ; relancez la synchronisation."
}

// setUpURL is the set-up of classes, on the selection page.
const setUpURL = "./#titre-parametrer"

func newReportView(rep *lsusync.Report, opts lsusync.TextOptions) *reportView {
	v := &reportView{Title: rep.Title(), Heading: rep.Heading(), Summary: rep.Summary(), DryRun: rep.DryRun}
	lines := rep.Lines(opts)
	for n, l := range lines {
		row := rowView{Message: l.Message, Details: l.Details}
		switch {
		case l.Status == lsusync.StatusSuccess && n < len(lines)-1 && information(rep, l):
			row.Symbol, row.Label, row.Class = "ℹ", "Information", "information"
		case l.Status == lsusync.StatusSuccess:
			row.Symbol, row.Label, row.Class = "✓", "Succès", "succes"
		case l.Status == lsusync.StatusWarning:
			row.Symbol, row.Label, row.Class = "⚠", "Avertissement", "avertissement"
		default:
			row.Symbol, row.Label, row.Class = "✗", "Erreur", "erreur"
		}
		v.Rows = append(v.Rows, row)
	}
	v.Rows[len(v.Rows)-1].Closing = true
	return v
}

// information reports a row that tells, rather than says what was done:
// a source's notice, the values kept because no export carries them.
func information(rep *lsusync.Report, l lsusync.Line) bool {
	if len(l.Items) == 0 {
		return true // the summary of the values no export carries
	}
	return rep.Items[l.Items[0]].Kind == lsusync.KindSource
}

// reportJSON serves the report of run ?n= as a JSON file to download.
func (h *Handler) reportJSON(w http.ResponseWriter, r *http.Request) {
	run := h.find(r.URL.Query().Get("n"))
	var res result
	ok := false
	if run != nil {
		res, ok = run.result()
	}
	if !ok || res.report == nil {
		h.message(w, r, http.StatusNotFound, "Rapport indisponible", "Ce rapport n'existe pas, ou plus.")
		return
	}
	name := "rapport-synchronisation-"
	if run.dryRun {
		name = "rapport-simulation-"
	}
	name += run.started.Format("2006-01-02-1504") + ".json"
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res.report); err != nil {
		h.log.ErrorContext(r.Context(), "screen: writing the JSON report", "err", err)
	}
}

// progressJSON serves the progress of run ?n=, for the page's script.
func (h *Handler) progressJSON(w http.ResponseWriter, r *http.Request) {
	run := h.find(r.URL.Query().Get("n"))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if run == nil {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"running":false}`+"\n")
		return
	}
	json.NewEncoder(w).Encode(run.status())
}
