package screen

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/lsusync/lsusync"
)

// run is one synchronisation or simulation started from the screen.
type run struct {
	id      int
	dryRun  bool
	classes []string
	started time.Time
	cancel  context.CancelCauseFunc
	done    chan struct{} // closed when the run has ended

	mu       sync.Mutex
	phase    phase
	progress lsusync.Progress
	res      result // set before done is closed
}

// result is how a run ended.
type result struct {
	report *lsusync.Report // nil when refused before any write
	err    error           // Sync's error, or the Source's
	source bool            // err is the Source's: the exports could not be read
	ended  time.Time
}

// phase is what a running synchronisation is doing.
type phase int

const (
	phaseReading   phase = iota // opening the Source: reading the exports
	phasePreparing              // checking the prerequisites, reading LSU
	phaseClasses                // synchronising the classes
	phaseSaving                 // writing the batch
)

// errBusy refuses a run or a set-up while another runs.
var errBusy = errors.New("screen: a synchronisation is running")

// start starts a run of classes, or refuses with errBusy, returning the
// running one, or with errShutdown.
func (h *Handler) start(ctx context.Context, dryRun bool, classes []string) (*run, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return nil, errShutdown
	case h.last != nil && h.last.running():
		return h.last, errBusy
	case h.settingUp:
		return nil, errBusy
	}
	h.runs++
	// The run outlives the request that starts it: it keeps the request's
	// values, not its cancellation. Shutdown cancels it.
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	r := &run{id: h.runs, dryRun: dryRun, classes: classes, started: h.now(), cancel: cancel, done: make(chan struct{})}
	h.last = r
	go h.execute(ctx, r)
	return r, nil
}

// execute runs r: it opens the Source and synchronises.
func (h *Handler) execute(ctx context.Context, r *run) {
	defer close(r.done)
	defer r.cancel(nil)
	// The synchronizer's records carry the run; they say dryRun
	// themselves, the screen's say it once here.
	runLog := h.log.With("run", r.id)
	log := runLog.With("dryRun", r.dryRun)
	log.InfoContext(ctx, "screen: sync started", "classes", len(r.classes))

	src, closeSrc, err := h.openSource(ctx)
	if err != nil {
		log.WarnContext(ctx, "screen: the source could not be opened", "reason", reason(ctx, err))
		r.end(result{err: err, source: true, ended: h.now()})
		return
	}
	defer closeSrc()
	r.setPhase(phasePreparing)
	opts := lsusync.Options{
		DryRun:      r.dryRun,
		Concurrency: h.opts.Concurrency,
		Now:         h.opts.Now,
		Logger:      runLog,
		Progress:    r.setProgress,
	}
	rep, err := lsusync.New(src, h.store, opts).Sync(ctx, r.classes...)
	r.end(result{report: rep, err: err, ended: h.now()})
	switch {
	case rep == nil:
		log.WarnContext(ctx, "screen: sync refused", "reason", reason(ctx, err))
	case err != nil:
		log.WarnContext(ctx, "screen: sync stopped", "reason", reason(ctx, err))
	default:
		c := rep.Counts()
		log.InfoContext(ctx, "screen: sync ended", "status", rep.Status.String(),
			"updated", c.Updated, "added", c.Added, "warnings", c.Warnings, "errors", c.Errors)
	}
}

// reason names the kind of an error for the log, which never holds an
// error's text: a Source's or a Store's may name a pupil.
func reason(ctx context.Context, err error) string {
	switch {
	case errors.Is(context.Cause(ctx), errShutdown):
		return "shutdown"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	case errors.Is(err, lsusync.ErrPeriodsNotConfigured):
		return "periods-not-configured"
	case errors.Is(err, lsusync.ErrUnknownClass):
		return "unknown-class"
	case errors.Is(err, lsusync.ErrWrongEstablishment):
		return "wrong-establishment"
	case errors.Is(err, lsusync.ErrConflict):
		return "conflict"
	case errors.Is(err, lsusync.ErrInvalid):
		return "invalid"
	case errors.Is(err, lsusync.ErrNotFound):
		return "not-found"
	}
	return "other"
}

func (r *run) setPhase(p phase) {
	r.mu.Lock()
	r.phase = p
	r.mu.Unlock()
}

// setProgress is the synchronisation's Progress option.
func (r *run) setProgress(p lsusync.Progress) {
	r.mu.Lock()
	r.progress = p
	r.phase = phaseClasses
	if p.Committing {
		r.phase = phaseSaving
	}
	r.mu.Unlock()
}

func (r *run) end(res result) {
	r.mu.Lock()
	r.res = res
	r.mu.Unlock()
}

func (r *run) running() bool {
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// status is what the screen shows of a run at one moment.
type status struct {
	Running bool   `json:"running"`
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Text    string `json:"text"`
}

func (r *run) status() status {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := status{Running: r.running(), Done: r.progress.Done, Total: r.progress.Total}
	switch {
	case !s.Running:
		s.Text = "Terminée."
	case r.phase == phaseReading:
		s.Text = "Lecture des exports de la base élèves et de STS-Web…"
	case r.phase == phasePreparing:
		s.Text = "Vérification des classes et lecture de LSU…"
	case r.phase == phaseSaving:
		s.Text = "Enregistrement des modifications…"
	default:
		s.Text = "Classes traitées : " + strconv.Itoa(s.Done) + " sur " + strconv.Itoa(s.Total)
	}
	return s
}

// result returns how the run ended; ok is false while it runs.
func (r *run) result() (res result, ok bool) {
	if r.running() {
		return result{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.res, true
}

// find returns the run id, if it is the latest.
func (h *Handler) find(id string) *run {
	n, err := strconv.Atoi(id)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil || h.last == nil || h.last.id != n {
		return nil
	}
	return h.last
}

// latest returns the latest run, or nil.
func (h *Handler) latest() *run {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}
