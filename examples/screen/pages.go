package screen

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lsusync/lsusync"
)

//go:embed templates static
var files embed.FS

// pages are the page templates, each the layout with its "content"; they
// are parsed once and only read afterwards.
var pages = func() map[string]*template.Template {
	funcs := template.FuncMap{"lower": strings.ToLower}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html"))
	m := make(map[string]*template.Template)
	for _, name := range []string{"selection", "run", "setup", "message"} {
		m[name] = template.Must(template.Must(base.Clone()).ParseFS(files, "templates/"+name+".html"))
	}
	return m
}()

// page is what the layout renders: a page's title, whether it refreshes
// itself when JavaScript is off, and its content's data.
type page struct {
	Title   string
	Refresh bool
	Data    any
}

// maxForm bounds the body of a POST: a form of class codes.
const maxForm = 64 << 10

// render writes the page name with status code. The page is rendered to
// memory first, so that a failure is a clean error and never half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, code int, name string, p page) {
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		h.log.ErrorContext(r.Context(), "screen: rendering a page", "page", name, "err", err)
		http.Error(w, "Erreur interne : la page n'a pas pu être affichée.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	buf.WriteTo(w)
}

// messageView is a page that says one thing.
type messageView struct {
	Title, Text, Detail string
	Back                bool // offer a link to the selection of classes
}

// message writes a page that says text, with status code.
func (h *Handler) message(w http.ResponseWriter, r *http.Request, code int, title, text string) {
	back := code != http.StatusUnauthorized && code != http.StatusForbidden
	h.render(w, r, code, "message", page{Title: title, Data: messageView{Title: title, Text: text, Back: back}})
}

func staticFile(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, files, "static/"+name)
	}
}

// selectionView is the screen's first page: the classes to tick.
type selectionView struct {
	Establishment string
	Classes       []classRow
	AllTicked     bool
	// Blocked is the refusal that every synchronisation would meet: a
	// class of the establishment has no periods.
	Blocked       string
	SourceProblem string
	SourceDetail  string
	ToSetUp       []classRow
	Years         []yearOption
	Running, Last *runLink
	Problem       string // what is wrong with the form just sent
}

// classRow is one class of a list to tick.
type classRow struct {
	ID, Code, Label, Periods string
	Ticked, Disabled         bool
	Note                     string
}

// runLink points to a run's page.
type runLink struct{ URL, Text string }

// yearOption is a school year to set classes up with.
type yearOption struct {
	Value    int
	Label    string
	Selected bool
}

// selection serves the first page: ?toutes ticks every class.
func (h *Handler) selection(w http.ResponseWriter, r *http.Request) {
	h.showSelection(w, r, http.StatusOK, r.URL.Query().Has("toutes"), nil, "")
}

// showSelection renders the first page with the classes ticked, or every
// class when all, and the problem of a form sent.
func (h *Handler) showSelection(w http.ResponseWriter, r *http.Request, code int, all bool, ticked []string, problem string) {
	ctx := r.Context()
	est, err := h.store.Establishment(ctx)
	if err != nil {
		h.storeFailed(w, r, err)
		return
	}
	stored, err := h.store.Classes(ctx)
	if err != nil {
		h.storeFailed(w, r, err)
		return
	}
	slices.SortFunc(stored, func(a, b lsusync.Class) int { return strings.Compare(a.Code, b.Code) })
	v := selectionView{Establishment: est.Name + " (" + est.UAI + ")", AllTicked: all, Problem: problem}

	// The exports tell which classes are new and which are gone.
	var inSource map[string]string // code -> label
	src, closeSrc, err := h.openSource(ctx)
	if err == nil {
		inSource, err = sourceClasses(ctx, src)
		closeSrc()
	}
	if err != nil {
		inSource = nil
		v.SourceProblem, v.SourceDetail = sourceProblem, err.Error()
	}

	var missing []string
	inStore := make(map[string]bool, len(stored))
	for i, c := range stored {
		inStore[c.Code] = true
		row := classRow{ID: "classe-" + strconv.Itoa(i+1), Code: c.Code, Label: c.Label, Periods: periodsText(c.Periods)}
		switch _, ok := inSource[c.Code]; {
		case len(c.Periods) == 0:
			missing = append(missing, c.Code)
			row.Disabled, row.Note = true, "périodes à paramétrer"
			v.ToSetUp = append(v.ToSetUp, classRow{Code: c.Code, Label: c.Label, Note: "sans périodes"})
		case inSource != nil && !ok:
			row.Disabled, row.Note = true, "absente de la base élèves"
		}
		row.Ticked = !row.Disabled && (all || slices.Contains(ticked, c.Code))
		v.Classes = append(v.Classes, row)
	}
	if missing != nil {
		v.Blocked = lsusync.RefusalText(&lsusync.ClassesError{Err: lsusync.ErrPeriodsNotConfigured, Classes: missing})
	}
	for _, code := range sortedKeys(inSource) {
		if !inStore[code] {
			v.ToSetUp = append(v.ToSetUp, classRow{Code: code, Label: inSource[code], Note: "nouvelle dans la base élèves"})
		}
	}
	slices.SortFunc(v.ToSetUp, func(a, b classRow) int { return strings.Compare(a.Code, b.Code) })
	for i := range v.ToSetUp {
		v.ToSetUp[i].ID = "parametrer-" + strconv.Itoa(i+1)
	}
	v.Years = schoolYears(stored, h.now())

	if last := h.latest(); last != nil {
		link := &runLink{URL: runURL(last.id, nil), Text: last.title()}
		if last.running() {
			v.Running = link
		} else {
			v.Last = link
		}
	}
	h.render(w, r, code, "selection", page{Title: "Synchronisation Base Élèves", Data: v})
}

// sourceProblem says that the exports could not be read.
const sourceProblem = "Les exports de la base élèves et de STS-Web n'ont pas pu être lus : vérifiez le dossier des exports, " +
	"puis relancez. Aucune modification n'a été enregistrée."

// openSource opens the Source and returns the function that closes it,
// when it is an io.Closer.
func (h *Handler) openSource(ctx context.Context) (lsusync.Source, func(), error) {
	src, err := h.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c, ok := src.(io.Closer); ok {
		return src, func() { c.Close() }, nil
	}
	return src, func() {}, nil
}

// sourceClasses returns the labels of the source's classes by code.
func sourceClasses(ctx context.Context, src lsusync.Source) (map[string]string, error) {
	codes, err := src.ClassCodes(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(codes))
	for _, code := range codes {
		d, err := src.Class(ctx, code)
		if err != nil {
			return nil, err
		}
		m[code] = d.Label
	}
	return m, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// schoolYears are the years offered to set classes up: the year of the
// store's periods, or the school year of now, and the years around it.
func schoolYears(stored []lsusync.Class, now time.Time) []yearOption {
	year := now.Year()
	if now.Month() < time.August {
		year--
	}
	for _, c := range stored {
		if len(c.Periods) > 0 {
			year = c.Periods[0].Year
			break
		}
	}
	var ys []yearOption
	for y := year - 1; y <= year+1; y++ {
		ys = append(ys, yearOption{Value: y, Label: strconv.Itoa(y) + "-" + strconv.Itoa(y+1), Selected: y == year})
	}
	return ys
}

// periodsText names periods in French: "T1 T2 T3 (2025-2026)".
func periodsText(ps []lsusync.Period) string {
	if len(ps) == 0 {
		return "non paramétrées"
	}
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b lsusync.Period) int { return a.Index - b.Index })
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + " ")
	}
	return b.String() + "(" + strconv.Itoa(ps[0].Year) + "-" + strconv.Itoa(ps[0].Year+1) + ")"
}

func (h *Handler) storeFailed(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "screen: the store could not be read", "reason", reason(r.Context(), err))
	h.render(w, r, http.StatusInternalServerError, "message", page{Title: "LSU indisponible", Data: messageView{
		Title: "LSU indisponible", Text: "LSU n'a pas pu être lu : réessayez dans un instant.", Detail: err.Error(),
	}})
}

// startSync starts the synchronisation or the simulation of the ticked
// classes and redirects to its page.
func (h *Handler) startSync(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		h.message(w, r, http.StatusBadRequest, "Demande incomplète", "Le formulaire n'a pas pu être lu : recommencez.")
		return
	}
	var dryRun bool
	switch r.PostForm.Get("action") {
	case "simuler":
		dryRun = true
	case "synchroniser":
	default:
		h.message(w, r, http.StatusBadRequest, "Demande incomplète", "Choisissez « Simuler » ou « Synchroniser ».")
		return
	}
	classes := r.PostForm["classe"]
	if len(classes) == 0 {
		h.showSelection(w, r, http.StatusBadRequest, false, nil, "Sélectionnez au moins une classe à synchroniser.")
		return
	}
	run, err := h.start(r.Context(), dryRun, classes)
	switch {
	case errors.Is(err, errShutdown):
		h.message(w, r, http.StatusServiceUnavailable, "Serveur en cours d'arrêt",
			"Le serveur s'arrête : la synchronisation n'a pas été lancée. Aucune modification n'a été enregistrée.")
		return
	case errors.Is(err, errBusy) && run != nil:
		h.showRun(w, r, http.StatusConflict, run, true)
		return
	case errors.Is(err, errBusy):
		h.message(w, r, http.StatusConflict, "Paramétrage en cours",
			"Des classes sont en cours de paramétrage : la synchronisation n'a pas été lancée. Réessayez dans un instant.")
		return
	}
	redirect(w, "/rapport", url.Values{"n": {strconv.Itoa(run.id)}})
}

// runURL is the address of a run's page, relative to the handler's root.
func runURL(id int, q url.Values) string {
	v := url.Values{"n": {strconv.Itoa(id)}}
	for k, vs := range q {
		v[k] = vs
	}
	return "rapport?" + v.Encode()
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
	Busy        bool // shown because a second synchronisation was refused
	Status      status
	ProgressURL string

	Refusal, Stopped, Detail string
	Report                   *reportView
	Classes                  []string // a simulation's, to synchronise them next
	DetailURL, AllURL        string
	Details, All             bool
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

// runPage serves the page of run ?n=: its progress while it runs, then
// its report. ?detail adds the field-level details, ?tout what was
// already up to date.
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
	v := runView{Name: "Synchronisation", Busy: busy, Status: run.status(), Details: q.Has("detail"), All: q.Has("tout")}
	if run.dryRun {
		v.Name = "Simulation"
	}
	v.Started, v.ClassList = frenchTime(run.started), strings.Join(run.classes, ", ")
	v.Running = v.Status.Running
	id := strconv.Itoa(run.id)
	v.ProgressURL = "progression?n=" + id
	title := v.Name + " en cours"
	if res, ok := run.result(); ok {
		title = "Rapport : " + strings.ToLower(v.Name)
		v.Ended = frenchTime(res.ended)
		switch {
		case res.report == nil && res.source:
			v.Refusal, v.Detail = sourceProblem, res.err.Error()
		case res.report == nil:
			title = v.Name + " refusée"
			v.Refusal, v.Detail = lsusync.RefusalText(res.err), res.err.Error()
		default:
			v.Report = newReportView(res.report, lsusync.TextOptions{Unchanged: v.All, Details: v.Details})
			v.JSONURL = "rapport.json?n=" + id
			v.DetailURL = runURL(run.id, toggle(v.All, "tout", !v.Details, "detail"))
			v.AllURL = runURL(run.id, toggle(v.Details, "detail", !v.All, "tout"))
			if run.dryRun && res.err == nil {
				v.Classes = run.classes
			}
			if res.err != nil {
				v.Stopped, v.Detail = stoppedText(res.err), res.err.Error()
			}
		}
	}
	h.render(w, r, code, "run", page{Title: title, Refresh: v.Running, Data: v})
}

// toggle returns the query of the report's options a and b when set.
func toggle(a bool, an string, b bool, bn string) url.Values {
	q := url.Values{}
	if a {
		q.Set(an, "1")
	}
	if b {
		q.Set(bn, "1")
	}
	return q
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

func newReportView(rep *lsusync.Report, opts lsusync.TextOptions) *reportView {
	v := &reportView{Title: rep.Title(), Heading: rep.Heading(), Summary: rep.Summary(), DryRun: rep.DryRun}
	for _, l := range rep.Lines(opts) {
		row := rowView{Message: l.Message}
		switch l.Status {
		case lsusync.StatusSuccess:
			row.Symbol, row.Label, row.Class = "✓", "Succès", "succes"
		case lsusync.StatusWarning:
			row.Symbol, row.Label, row.Class = "⚠", "Avertissement", "avertissement"
		default:
			row.Symbol, row.Label, row.Class = "✗", "Erreur", "erreur"
		}
		if opts.Details {
			for _, i := range l.Items {
				row.Details = append(row.Details, detailLines(&rep.Items[i])...)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	v.Rows[len(v.Rows)-1].Closing = true
	return v
}

// detailLines are the details of an item, worded as the report's
// detailed text words them: its key, its field-level changes, the values
// kept and rejected. They hold personal data.
func detailLines(it *lsusync.Item) []string {
	var lines []string
	if it.Key != "" {
		lines = append(lines, kindLabels[it.Kind]+" "+it.Key)
	}
	for _, c := range it.Changes {
		lines = append(lines, c.Field+": "+orEmpty(c.Before)+" → "+orEmpty(c.After))
	}
	if len(it.Kept) > 0 {
		lines = append(lines, "Conservé (absent de la source) : "+strings.Join(it.Kept, ", "))
	}
	if len(it.Uncarried) > 0 {
		lines = append(lines, "Conservé (absent des exports) : "+strings.Join(it.Uncarried, ", "))
	}
	for _, rj := range it.Rejected {
		s := "Rejeté : " + rj.Field + " (" + rj.Reason + ")"
		if len(rj.Others) > 0 {
			s += ", aussi chez " + strings.Join(rj.Others, ", ")
		}
		lines = append(lines, s)
	}
	if len(it.KeptSubjects) > 0 {
		lines = append(lines, "Matières conservées pour leur contenu : "+strings.Join(it.KeptSubjects, ", "))
	}
	if it.Err != nil {
		lines = append(lines, "Erreur : "+it.Err.Error())
	}
	return lines
}

var kindLabels = map[lsusync.Kind]string{
	lsusync.KindEstablishment: "Établissement",
	lsusync.KindTeacher:       "Enseignant",
	lsusync.KindClass:         "Classe",
	lsusync.KindStudent:       "Élève",
	lsusync.KindBilan:         "Bilan",
	lsusync.KindSource:        "Source",
}

func orEmpty(s string) string {
	if s == "" {
		return "(vide)"
	}
	return s
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
