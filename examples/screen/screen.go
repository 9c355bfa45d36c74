// Package screen is LSU's "Synchronisation Base Élèves" screen as an
// [http.Handler] that any Go web application can mount: the head of the
// establishment ticks the classes, clicks « Simuler » or « Synchroniser »,
// follows the progress and reads the report as LSU shows it.
//
// The pages are in French, rendered on the server with html/template,
// usable with the keyboard and a screen reader, and work without
// JavaScript: starting a synchronisation is a POST that redirects to its
// page, which refreshes itself until the synchronisation ends. A small
// script, served as a static file, only adds the live progress and ticks
// every class in place.
//
//	st, _ := filestore.Open("lsu.json", filestore.Options{})
//	open := func(ctx context.Context) (lsusync.Source, error) {
//		return siecle.OpenDir(ctx, "exports", siecle.Options{})
//	}
//	h := screen.New(st, open, screen.Options{Token: token})
//	defer h.Shutdown(ctx)
//	mux.Handle("/lsu/", http.StripPrefix("/lsu", h))
//
// # What the screen does
//
//   - It lists the store's classes with their periods, to tick. When a
//     class of the establishment has no periods, it says which and why no
//     synchronisation can run (rule 1 of the project's docs/rules.md), and
//     offers to set the periods up; the classes of the exports that the
//     store lacks are offered to set up too, with trimesters or semesters
//     ([lsusync.Synchronizer.SetUpClass]).
//   - « Simuler » runs a dry run and « Synchroniser » a synchronisation of
//     the ticked classes, one at a time for the store: while one runs, a
//     second is refused and the running one is shown. The Source is opened
//     anew for each, so that new exports are read.
//   - The report shows the heading, the Statut | Message table with ✓, ⚠
//     and ✗, the closing row and the counts; on demand, what was already
//     up to date and the field-level details, which hold personal data;
//     and it downloads as JSON. A refusal is worded by
//     [lsusync.RefusalText].
//
// # Security
//
// The pages hold personal data. With [Options.Token] set, every request
// must carry the token: a first request gives it in the query (?token=…),
// the handler answers with an HttpOnly, SameSite=Strict cookie and
// redirects to the same page without it, so that it leaves the address
// bar. Leave Token empty only when the application that mounts the
// handler authenticates its users itself.
//
// Requests that change something are POSTs, refused when they come from
// another site ([http.CrossOriginProtection]). Every response carries a
// strict Content-Security-Policy (no inline script or style, nothing from
// another origin), forbids framing, caching and referrers. The handler
// logs events with class codes, counts and the kind of a refusal only:
// never a name, an INE, a birth date, an error's text, the token or a
// query string.
//
// A Handler holds the running synchronisation and the last one's report,
// and nothing global. [Handler.Shutdown] cancels the running one and
// waits for it.
package screen

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/lsusync/lsusync"
)

// Options configures a [Handler]. The zero Options is valid: no token,
// the system clock, no logging, one class per CPU at once.
type Options struct {
	// Token, when not empty, is the secret that every request must carry
	// (see the package documentation). Use a random text such as
	// crypto/rand.Text gives.
	Token string
	// Now returns the current time; nil means [time.Now]. It dates the
	// runs and is the synchronisation's clock ([lsusync.Options].Now).
	Now func() time.Time
	// Logger, when not nil, receives the handler's events and the
	// synchronizer's ([lsusync.Options].Logger): class codes and counts,
	// never personal data.
	Logger *slog.Logger
	// Concurrency is the synchronisation's [lsusync.Options].Concurrency.
	Concurrency int
}

// OpenSource opens the Source of one synchronisation: typically the SIECLE
// and STS-Web exports of a folder, read anew each time since the folder
// may change between two synchronisations. The handler calls it for each
// synchronisation, each set-up of classes, and each display of the
// selection of classes, which tells the classes new in the exports and
// those they no longer have. When the Source it returns implements
// io.Closer, the handler closes it when done with it.
type OpenSource func(ctx context.Context) (lsusync.Source, error)

// Handler is the "Synchronisation Base Élèves" screen of one store. Its
// methods are safe for concurrent use. Create it with [New], one per
// store: two Handlers of one store do not know of each other's
// synchronisations (which the store's versions keep safe, but not one at a
// time).
type Handler struct {
	store  lsusync.Store
	open   OpenSource
	opts   Options
	log    *slog.Logger
	cookie string       // the name of the token's cookie
	routes http.Handler // the pages, behind the cross-origin protection

	mu        sync.Mutex
	last      *run // the latest synchronisation, running or ended
	runs      int  // the number of runs started, for their ids
	settingUp bool // classes are being set up
	closed    bool // Shutdown was called
}

// errShutdown is the cause of a synchronisation that Shutdown cancelled.
var errShutdown = errors.New("screen: handler shut down")

// New returns the screen of st, whose synchronisations read the Source
// that open returns. It panics when st or open is nil.
func New(st lsusync.Store, open OpenSource, opts Options) *Handler {
	if st == nil || open == nil {
		panic("screen: New needs a Store and an OpenSource")
	}
	h := &Handler{store: st, open: open, opts: opts, log: opts.Logger}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if opts.Token != "" {
		// One cookie name per token, so that two servers of one host
		// (on two ports) do not overwrite each other's cookie.
		sum := sha256.Sum256([]byte("lsusync screen cookie\x00" + opts.Token))
		h.cookie = "lsusync_" + hex.EncodeToString(sum[:6])
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.selection)
	mux.HandleFunc("POST /synchroniser", h.startSync)
	mux.HandleFunc("GET /rapport", h.runPage)
	mux.HandleFunc("GET /rapport.json", h.reportJSON)
	mux.HandleFunc("GET /progression", h.progressJSON)
	mux.HandleFunc("POST /parametrer", h.setUp)
	mux.HandleFunc("GET /static/screen.css", staticFile("screen.css"))
	mux.HandleFunc("GET /static/screen.js", staticFile("screen.js"))
	mux.HandleFunc("GET /static/favicon.svg", staticFile("favicon.svg"))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.message(w, r, http.StatusNotFound, "Page introuvable", "Cette page n'existe pas.")
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.log.WarnContext(r.Context(), "screen: cross-origin request refused", "method", r.Method, "path", r.URL.Path)
		h.message(w, r, http.StatusForbidden, "Requête refusée",
			"Cette demande vient d'un autre site : elle a été refusée. Aucune modification n'a été enregistrée.")
	}))
	h.routes = cop.Handler(mux)
	return h
}

// ServeHTTP serves the screen. Mounted under a prefix, it expects the
// prefix stripped ([http.StripPrefix]); its links are relative.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	hd.Set("Cache-Control", "no-store")
	if h.authorized(w, r) {
		h.routes.ServeHTTP(w, r)
	}
}

// authorized checks the token of a request. It answers the request itself
// and returns false when the request may not go on: a missing or wrong
// token, or the first request of a browser, which gets the cookie.
func (h *Handler) authorized(w http.ResponseWriter, r *http.Request) bool {
	if h.opts.Token == "" {
		return true
	}
	q := r.URL.Query()
	if given, ok := q["token"]; ok {
		if len(given) != 1 || !h.tokenIs(given[0]) {
			h.deny(w, r)
			return false
		}
		http.SetCookie(w, &http.Cookie{
			Name: h.cookie, Value: h.opts.Token, HttpOnly: true, Secure: r.TLS != nil,
			SameSite: http.SameSiteStrictMode, // no Path: the folder the handler is mounted on
		})
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return true
		}
		// The same page without the token, which leaves the address bar
		// and the history.
		q.Del("token")
		redirect(w, r.URL.Path, q)
		return false
	}
	if c, err := r.Cookie(h.cookie); err == nil && h.tokenIs(c.Value) {
		return true
	}
	h.deny(w, r)
	return false
}

func (h *Handler) tokenIs(s string) bool {
	return subtle.ConstantTimeCompare([]byte(s), []byte(h.opts.Token)) == 1
}

func (h *Handler) deny(w http.ResponseWriter, r *http.Request) {
	h.log.WarnContext(r.Context(), "screen: access refused", "method", r.Method, "path", r.URL.Path)
	h.message(w, r, http.StatusUnauthorized, "Accès refusé",
		"L'accès à cette page demande le jeton d'accès : ouvrez l'adresse complète que le serveur a affichée à son démarrage.")
}

// redirect sends a 303 See Other to the page path of the handler with the
// query q. The Location is relative, so that it holds under any prefix
// the handler is mounted on: every page is at the handler's root.
func redirect(w http.ResponseWriter, path string, q url.Values) {
	loc := "." + path // "./", "./rapport"
	if len(q) > 0 {
		loc += "?" + q.Encode()
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusSeeOther)
}

// Shutdown refuses new synchronisations, cancels the running one, if any,
// and waits for it to end or for ctx to be done. A cancelled
// synchronisation ends as [lsusync.Synchronizer.Sync] documents: with a
// store that batches its writes, nothing of it is written. Call Shutdown
// after [http.Server.Shutdown], so that no request starts one meanwhile.
func (h *Handler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	r := h.last
	h.mu.Unlock()
	if r == nil {
		return nil
	}
	r.cancel(errShutdown)
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Handler) now() time.Time {
	if h.opts.Now != nil {
		return h.opts.Now()
	}
	return time.Now()
}
