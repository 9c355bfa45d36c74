package screen

import (
	"net/http"
	"strconv"

	"github.com/lsusync/lsusync"
)

// setUpView is the page that tells which classes were set up.
type setUpView struct {
	Rows []rowView
	Done int // the classes set up
}

// setUp sets up the ticked classes with the trimesters or the semesters
// of a school year, as LSU's period settings do.
func (h *Handler) setUp(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		h.message(w, r, http.StatusBadRequest, "Demande incomplète", "Le formulaire n'a pas pu être lu : recommencez.")
		return
	}
	classes := r.PostForm["classe"]
	year, err := strconv.Atoi(r.PostForm.Get("annee"))
	var periods []lsusync.Period
	switch r.PostForm.Get("periodes") {
	case "trimestres":
		periods = lsusync.Trimesters(year)
	case "semestres":
		periods = lsusync.Semesters(year)
	}
	switch {
	case len(classes) == 0:
		h.showSelection(w, r, http.StatusBadRequest, false, "Sélectionnez au moins une classe à paramétrer.")
		return
	case periods == nil || err != nil || year < 2000 || year > 2100:
		h.showSelection(w, r, http.StatusBadRequest, false, "Choisissez des trimestres ou des semestres, et l'année scolaire.")
		return
	}

	h.mu.Lock()
	switch {
	case h.closed:
		h.mu.Unlock()
		h.message(w, r, http.StatusServiceUnavailable, "Serveur en cours d'arrêt",
			"Le serveur s'arrête : les classes n'ont pas été paramétrées.")
		return
	case h.settingUp || h.last != nil && h.last.running():
		h.mu.Unlock()
		h.message(w, r, http.StatusConflict, "Synchronisation en cours",
			"Une synchronisation ou un paramétrage est en cours : les classes n'ont pas été paramétrées. Réessayez quand il sera terminé.")
		return
	}
	h.settingUp = true
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.settingUp = false
		h.mu.Unlock()
	}()

	ctx := r.Context()
	src, closeSrc, err := h.openSource(ctx)
	if err != nil {
		h.render(w, r, http.StatusServiceUnavailable, "message", page{Title: "Exports illisibles", Data: messageView{
			Title: "Exports illisibles", Text: sourceProblemOf(err), Detail: err.Error(), Back: true,
		}})
		return
	}
	defer closeSrc()
	s := lsusync.New(src, h.store, lsusync.Options{Now: h.opts.Now, Logger: h.opts.Logger})
	var v setUpView
	for _, code := range classes {
		c, err := s.SetUpClass(ctx, code, periods)
		if err != nil {
			h.log.WarnContext(ctx, "screen: class not set up", "class", code, "reason", reason(ctx, err))
			v.Rows = append(v.Rows, rowView{Symbol: "✗", Label: "Erreur", Class: "erreur",
				Message: "La classe " + code + " n'a pas été paramétrée. " + lsusync.RefusalText(err)})
			continue
		}
		h.log.InfoContext(ctx, "screen: class set up", "class", c.Code, "periods", len(c.Periods), "year", year)
		v.Done++
		v.Rows = append(v.Rows, rowView{Symbol: "✓", Label: "Succès", Class: "succes",
			Message: "La classe " + c.Code + " (" + c.Label + ") est paramétrée : " + periodsText(c.Periods) + "."})
	}
	h.render(w, r, http.StatusOK, "setup", page{Title: "Paramétrage des classes", Data: v})
}
