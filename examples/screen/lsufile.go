package screen

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/lsufile"
)

// LSU's import file on the screen: the Import page (upload a file,
// simulate, import, read the report) and the export download.

// defaultMaxUpload is the largest file the Import page takes when
// Options.MaxUpload is 0: an establishment of 2,000 pupils whose bilans
// are full is about 150 MB.
const defaultMaxUpload = 256 << 20

// defaultIdentity is the header of the files the screen writes when
// Options.Identity is empty.
var defaultIdentity = lsufile.Identity{Editor: "lsusync", Application: "lsusync"}

// importView is the Import page: the form, and the report of the last
// file sent.
type importView struct {
	Problem string
	Report  *fileReport
	Export  bool // the report of an export that wrote no file: no form
}

// fileReport is the report of an import or an export.
type fileReport struct {
	Title, Heading string
	DryRun         bool
	Rows           []rowView
	Summary        string
}

// fileReportView is the view of an import's or an export's report.
func fileReportView(rep *lsufile.Report) *fileReport {
	v := &fileReport{Title: rep.Title(), Heading: rep.Heading(), DryRun: rep.DryRun}
	lines := rep.Lines(lsufile.TextOptions{})
	for i, l := range lines {
		row := statusRow(l.Status)
		row.Message = l.Message
		row.Closing = i == len(lines)-1
		v.Rows = append(v.Rows, row)
	}
	if rep.Status != lsusync.StatusSuccess {
		v.Summary = rep.Summary()
	}
	return v
}

// statusRow is a row of the status s, without its message.
func statusRow(s lsusync.Status) rowView {
	switch s {
	case lsusync.StatusSuccess:
		return rowView{Symbol: "✓", Label: "Succès", Class: "succes"}
	case lsusync.StatusWarning:
		return rowView{Symbol: "⚠", Label: "Avertissement", Class: "avertissement"}
	}
	return rowView{Symbol: "✗", Label: "Erreur", Class: "erreur"}
}

// importPage shows the Import page.
func (h *Handler) importPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "import", page{Title: "Import des bilans", Data: importView{}})
}

func (h *Handler) maxUpload() int64 {
	if h.opts.MaxUpload > 0 {
		return h.opts.MaxUpload
	}
	return defaultMaxUpload
}

// importFile simulates or imports the file sent, and shows its report.
// The file is kept in a temporary file while it is read, then removed.
func (h *Handler) importFile(w http.ResponseWriter, r *http.Request) {
	show := func(code int, problem string) {
		h.render(w, r, code, "import", page{Title: "Import des bilans", Data: importView{Problem: problem}})
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.maxUpload()+maxForm)
	mr, err := r.MultipartReader()
	if err != nil {
		show(http.StatusBadRequest, "Le formulaire n'a pas pu être lu : choisissez le fichier et recommencez.")
		return
	}
	var (
		dryRun   = true
		action   string
		name     string
		tmp      *os.File
		tooLarge bool
	)
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			tooLarge = true
			break
		}
		if err != nil {
			show(http.StatusBadRequest, "Le formulaire n'a pas pu être lu : recommencez.")
			return
		}
		switch part.FormName() {
		case "action":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			action = string(b)
		case "fichier":
			if tmp != nil {
				continue
			}
			name = path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
			if tmp, err = os.CreateTemp("", "lsusync-import-*.xml"); err != nil {
				h.log.ErrorContext(r.Context(), "screen: temporary file for an import", "err", err)
				show(http.StatusInternalServerError, "Le fichier n'a pas pu être reçu : recommencez.")
				return
			}
			n, err := io.Copy(tmp, io.LimitReader(part, h.maxUpload()+1))
			if errors.As(err, &mbe) || n > h.maxUpload() {
				tooLarge = true
			} else if err != nil {
				show(http.StatusBadRequest, "Le fichier n'a pas pu être reçu : recommencez.")
				return
			}
		}
		if tooLarge {
			break
		}
	}
	switch {
	case tooLarge:
		h.log.WarnContext(r.Context(), "screen: import file too large", "limit", h.maxUpload())
		show(http.StatusRequestEntityTooLarge, "Le fichier est trop volumineux : le serveur accepte au plus "+megabytes(h.maxUpload())+". Aucune modification n'a été enregistrée.")
		return
	case tmp == nil || name == "" || name == "." || name == "/":
		show(http.StatusBadRequest, "Choisissez le fichier d'import LSU à envoyer.")
		return
	}
	switch action {
	case "simuler":
	case "importer":
		dryRun = false
	default:
		show(http.StatusBadRequest, "Choisissez « Simuler » ou « Importer ».")
		return
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		show(http.StatusInternalServerError, "Le fichier n'a pas pu être lu : recommencez.")
		return
	}

	if code, msg, ok := h.begin(); !ok {
		show(code, msg)
		return
	}
	defer h.end()
	ctx := r.Context()
	rep, err := lsufile.Import(ctx, h.store, tmp, name, lsufile.ImportOptions{DryRun: dryRun})
	if err != nil {
		h.log.WarnContext(ctx, "screen: import refused", "reason", importReason(err))
		show(http.StatusUnprocessableEntity, importProblem(name, err))
		return
	}
	c := rep.Counts()
	h.log.InfoContext(ctx, "screen: import", "dryRun", dryRun, "imported", c.Imported, "replaced", c.Replaced,
		"unchanged", c.Unchanged, "notImported", c.NotImported)
	h.render(w, r, http.StatusOK, "import", page{Title: rep.Title(), Data: importView{Report: fileReportView(rep)}})
}

// begin marks the store busy with an import, unless a synchronisation or
// a set-up holds it: then it returns the refusal's status and text.
func (h *Handler) begin() (int, string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return http.StatusServiceUnavailable, "Le serveur s'arrête : le fichier n'a pas été importé.", false
	case h.settingUp || h.last != nil && h.last.running():
		return http.StatusConflict, "Une synchronisation, un paramétrage ou un import est en cours : le fichier n'a pas été importé. Réessayez quand il sera terminé.", false
	}
	h.settingUp = true
	return 0, "", true
}

func (h *Handler) end() {
	h.mu.Lock()
	h.settingUp = false
	h.mu.Unlock()
}

// importReason is the kind of an import's refusal, for the log: never
// its text, which names the file.
func importReason(err error) string {
	switch {
	case errors.As(err, new(*lsusync.EstablishmentError)):
		return "establishment"
	case errors.Is(err, lsufile.ErrSchema), errors.Is(err, lsufile.ErrReference):
		return "schema"
	case errors.Is(err, lsufile.ErrSyntax), errors.Is(err, lsufile.ErrEncoding):
		return "syntax"
	case errors.Is(err, lsufile.ErrTooLarge):
		return "too large"
	}
	return "store"
}

// importProblem says in French why a file was not imported: where in
// the file, and the rule in the reader's words.
func importProblem(name string, err error) string {
	var fe *lsufile.Error
	var ee *lsusync.EstablishmentError
	switch {
	case errors.As(err, &ee):
		return "Le fichier " + name + " est celui d'un autre établissement (UAI " + ee.Source + ") : il n'a pas été importé. Aucune modification n'a été enregistrée."
	case errors.As(err, &fe):
		where := "Le fichier " + name
		if fe.Line > 0 {
			where += " (ligne " + strconv.Itoa(fe.Line)
			if fe.Element != "" {
				where += ", élément <" + fe.Element + ">"
			}
			where += ")"
		}
		return where + " n'est pas un fichier d'import LSU valide : " + fe.Msg + ". Aucune modification n'a été enregistrée."
	}
	return "Les bilans n'ont pas pu être enregistrés : LSU est resté tel qu'il était."
}

// exportFile downloads the store's bilans as LSU's import file, version
// 7.0 (or 3.0 with ?version=3.0), written whole to a temporary file
// before it is sent: a bilan that cannot be valid is left out, and a
// store without any bilan to write gives the report instead.
func (h *Handler) exportFile(w http.ResponseWriter, r *http.Request) {
	schema := lsufile.Version7
	if r.URL.Query().Get("version") == lsufile.Version3 {
		schema = lsufile.Version3
	}
	id := h.opts.Identity
	if id == (lsufile.Identity{}) {
		id = defaultIdentity
	}
	tmp, err := os.CreateTemp("", "lsusync-export-*.xml")
	if err != nil {
		h.log.ErrorContext(r.Context(), "screen: temporary file for an export", "err", err)
		h.message(w, r, http.StatusInternalServerError, "Export impossible", "Le fichier n'a pas pu être écrit : recommencez.")
		return
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	ctx := r.Context()
	rep, err := lsufile.Export(ctx, h.store, tmp, lsufile.ExportOptions{Identity: id, Schema: schema})
	if err != nil {
		h.log.WarnContext(ctx, "screen: export refused", "nothing", errors.Is(err, lsufile.ErrNothingToExport))
		if rep != nil {
			h.render(w, r, http.StatusUnprocessableEntity, "import", page{Title: rep.Title(), Data: importView{Report: fileReportView(rep), Export: true}})
			return
		}
		h.message(w, r, http.StatusInternalServerError, "Export impossible", "Le fichier n'a pas pu être écrit : recommencez.")
		return
	}
	c := rep.Counts()
	h.log.InfoContext(ctx, "screen: export", "version", schema, "exported", c.Exported, "invalid", c.Invalid)
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		h.message(w, r, http.StatusInternalServerError, "Export impossible", "Le fichier n'a pas pu être lu : recommencez.")
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Disposition", `attachment; filename="bilans-lsu-`+schema+`.xml"`)
	io.Copy(w, tmp)
}

// megabytes words n bytes in MB.
func megabytes(n int64) string { return strconv.FormatInt(n>>20, 10) + " Mo" }
