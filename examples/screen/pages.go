package screen

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io"
	"maps"
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

// page is what the layout renders: a page's title, the seconds after
// which it refreshes itself when JavaScript is off (0: never), and its
// content's data.
type page struct {
	Title   string
	Refresh int
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
	// Blocked are the refusals that every synchronisation would meet:
	// exports of another establishment, classes without periods.
	Blocked       []blocked
	SourceProblem string
	SourceDetail  string
	ToSetUp       []classRow
	Years         []yearOption
	Running, Last *runLink
	Problem       string // what is wrong with the form just sent
}

// blocked is a refusal, and what to do about it.
type blocked struct{ Text, Hint string }

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
	h.showSelection(w, r, http.StatusOK, r.URL.Query().Has("toutes"), "")
}

// showSelection renders the first page, every class ticked when all, with
// the problem of a form sent.
func (h *Handler) showSelection(w http.ResponseWriter, r *http.Request, code int, all bool, problem string) {
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
		var wrong error
		inSource, wrong, err = sourceClasses(ctx, src, est.UAI)
		closeSrc()
		if wrong != nil {
			v.Blocked = append(v.Blocked, blocked{lsusync.RefusalText(wrong), "Mettez dans le dossier des exports ceux de cet établissement."})
		}
	}
	if err != nil {
		v.SourceProblem, v.SourceDetail = sourceProblemOf(err), err.Error()
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
		row.Ticked = all && !row.Disabled
		v.Classes = append(v.Classes, row)
	}
	if missing != nil {
		fix := "Paramétrez-les ci-dessous, dans « Classes à paramétrer »."
		if len(missing) == 1 {
			fix = "Paramétrez-la ci-dessous, dans « Classes à paramétrer »."
		}
		v.Blocked = append(v.Blocked, blocked{
			lsusync.RefusalText(&lsusync.ClassesError{Err: lsusync.ErrPeriodsNotConfigured, Classes: missing}), fix,
		})
	}
	for _, code := range slices.Sorted(maps.Keys(inSource)) {
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
		link := &runLink{URL: runURL(last.id, lsusync.TextOptions{}), Text: last.title()}
		if last.running() {
			v.Running = link
		} else {
			v.Last = link
		}
	}
	h.render(w, r, code, "selection", page{Title: "Synchronisation Base Élèves", Data: v})
}

// sourceProblemOf says why the exports could not be read: the file and
// its problem, when the source says it in French (lsusync.FrenchError,
// as the siecle package's errors do), else sourceProblem.
func sourceProblemOf(err error) string {
	var fe lsusync.FrenchError
	if errors.As(err, &fe) {
		return lsusync.RefusalText(err)
	}
	return sourceProblem
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

// sourceClasses returns the labels of the source's classes by code; or,
// when the source is another establishment's than uai, the refusal that a
// synchronisation would meet, and no class.
func sourceClasses(ctx context.Context, src lsusync.Source, uai string) (classes map[string]string, wrong, err error) {
	est, err := src.Establishment(ctx)
	if err != nil {
		return nil, nil, err
	}
	if est.UAI != uai {
		return nil, &lsusync.EstablishmentError{Source: est.UAI, Store: uai}, nil
	}
	codes, err := src.ClassCodes(ctx)
	if err != nil {
		return nil, nil, err
	}
	classes = make(map[string]string, len(codes))
	for _, code := range codes {
		d, err := src.Class(ctx, code)
		if err != nil {
			return nil, nil, err
		}
		classes[code] = d.Label
	}
	return classes, nil, nil
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
	// The classes in the page's order, which is the command's: the
	// report's heading lists them so whatever order the form sent.
	classes := slices.Compact(slices.Sorted(slices.Values(r.PostForm["classe"])))
	if len(classes) == 0 {
		h.showSelection(w, r, http.StatusBadRequest, false, "Sélectionnez au moins une classe à synchroniser.")
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
	redirect(w, "./rapport", url.Values{"n": {strconv.Itoa(run.id)}})
}
