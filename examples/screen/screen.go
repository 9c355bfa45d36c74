// Package screen is LSU's "Synchronisation Base Élèves" screen as an
// [http.Handler] that any Go web application can mount: the head of the
// establishment ticks the classes, clicks « Simuler » or « Synchroniser »,
// follows the progress and reads the report as LSU shows it.
//
// The pages are in French, rendered on the server with html/template,
// usable with the keyboard and a screen reader, and work without
// JavaScript: starting a synchronisation is a POST that redirects to its
// page, which refreshes itself every 5 seconds until the synchronisation
// ends. Each refresh makes a screen reader read the page again: the page
// offers to stop refreshing and to refresh by hand (« Actualiser »). A
// small script, served as a static file, adds the live progress instead,
// read politely by a screen reader and without reloading, and ticks every
// class in place.
//
//	st, _ := filestore.Open(ctx, "lsu.json", filestore.Options{})
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
// the handler answers with a session cookie and redirects to the same page
// without the token, so that it leaves the address bar. The cookie holds a
// random session id, not the token; it is HttpOnly, SameSite=Strict,
// scoped to the path the handler is mounted on, and Secure when the
// request came over TLS or [Options.SecureCookie] is set (behind a reverse
// proxy that terminates HTTPS). A session lapses after 12 hours without a
// request, and ends with the Handler. The style, the script and the icon are
// served without the token: they hold no personal data. Leave Token empty
// only when the application that mounts the handler authenticates its
// users itself.
//
// Requests that change something are POSTs, refused when they come from
// another origin ([http.CrossOriginProtection]). Every response carries a
// strict Content-Security-Policy (no inline script or style, nothing from
// another origin), forbids framing, caching and referrers, and keeps its
// content to its own origin (Cross-Origin-Resource-Policy). The handler
// logs events with class codes, counts and the kind of a refusal only:
// never a name, an INE, a birth date, an error's text, the token, a
// session id or a query string.
//
// Cookies are shared by every port of a host: a browser sends the session
// cookie of a screen at http://127.0.0.1:8080 to every other service of
// 127.0.0.1 that it visits, and SameSite does not tell them apart (they
// are the same site). The pages of such a service cannot use the cookie:
// their scripts cannot read it (HttpOnly), cannot read the screen's
// answers (no CORS), embed them (Cross-Origin-Resource-Policy,
// frame-ancestors) or send it a form (another origin). But the service
// itself receives the cookie, and could replay it until the session
// lapses. The token never leaves the address that was given. An
// application that embeds the screen should serve it on a host name of its
// own, which no other service shares (on Linux, a loopback address of its
// own such as 127.0.0.2 is one), over HTTPS with [Options.SecureCookie]
// behind a proxy; and not on a host whose other services it does not
// trust.
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
	"slices"
	"strings"
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
	// SecureCookie marks the session cookie Secure, so that the browser
	// sends it over HTTPS only, even when the request reached the handler
	// over plain HTTP: set it when the handler runs behind a reverse proxy
	// that terminates HTTPS. A request that came over TLS gets a Secure
	// cookie anyway. Leave it unset when the browser reaches the handler
	// over plain HTTP, as with lsusync serve: it would not send the cookie
	// back.
	SecureCookie bool
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
	store    lsusync.Store
	open     OpenSource
	opts     Options
	log      *slog.Logger
	cookie   string       // the name of the session cookie
	sessions sessions     // the browsers that gave the token
	routes   http.Handler // the pages, behind the cross-origin protection

	mu        sync.Mutex
	last      *run // the latest synchronisation, running or ended
	runs      int  // the number of runs started, for their ids
	settingUp bool // classes are being set up
	closed    bool // Shutdown was called
}

// errShutdown is the cause of a synchronisation that Shutdown cancelled.
var errShutdown = errors.New("screen: handler shut down")

// staticFiles are the files under static/: the style, the script and the
// icon, the same for everyone. They hold no personal data and are served
// without the token, so that the page that refuses access is styled too.
var staticFiles = []string{"screen.css", "screen.js", "favicon.svg"}

// route is a page of the screen: the method it answers at a path.
type route struct {
	method, path string
	serve        http.HandlerFunc
}

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

	routes := []route{
		{http.MethodGet, "/", h.selection},
		{http.MethodPost, "/synchroniser", h.startSync},
		{http.MethodGet, "/rapport", h.runPage},
		{http.MethodGet, "/rapport.json", h.reportJSON},
		{http.MethodGet, "/progression", h.progressJSON},
		{http.MethodPost, "/parametrer", h.setUp},
	}
	for _, name := range staticFiles {
		routes = append(routes, route{http.MethodGet, "/static/" + name, staticFile(name)})
	}
	mux := http.NewServeMux()
	allow := make(map[string]string, len(routes)) // path -> the Allow header of a 405
	for _, rt := range routes {
		pattern := rt.method + " " + rt.path
		if rt.path == "/" {
			pattern += "{$}"
		}
		mux.HandleFunc(pattern, rt.serve)
		allow[rt.path] = rt.method
		if rt.method == http.MethodGet {
			allow[rt.path] = "GET, HEAD"
		}
	}
	// Every other request: a page of the screen asked with another
	// method (GET /synchroniser: an address typed or kept from a form),
	// or no page at all.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if methods, ok := allow[r.URL.Path]; ok {
			w.Header().Set("Allow", methods)
			h.message(w, r, http.StatusMethodNotAllowed, "Page inaccessible ainsi",
				"Cette adresse ne s'ouvre pas ainsi : repartez de la sélection des classes. Aucune modification n'a été enregistrée.")
			return
		}
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
// token, or the first request of a browser, which gets the session
// cookie.
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
		// The cookie holds a session of its own, not the token: the
		// token stays in the address that was given, and a cookie that
		// leaks (see the package documentation) lapses.
		http.SetCookie(w, &http.Cookie{
			Name: h.cookie, Value: h.sessions.open(), Path: mountPath(r),
			HttpOnly: true, Secure: r.TLS != nil || h.opts.SecureCookie, SameSite: http.SameSiteStrictMode,
		})
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return true
		}
		// The same page without the token, which leaves the address bar
		// and the history.
		q.Del("token")
		redirect(w, samePage(r), q)
		return false
	}
	if public(r) {
		return true
	}
	for _, c := range r.CookiesNamed(h.cookie) {
		if h.sessions.valid(c.Value) {
			return true
		}
	}
	h.deny(w, r)
	return false
}

// public reports whether r asks for a static file, which needs no token.
func public(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/static/")
	return ok && slices.Contains(staticFiles, name)
}

func (h *Handler) tokenIs(s string) bool {
	return subtle.ConstantTimeCompare([]byte(s), []byte(h.opts.Token)) == 1
}

func (h *Handler) deny(w http.ResponseWriter, r *http.Request) {
	h.log.WarnContext(r.Context(), "screen: access refused", "method", r.Method, "path", r.URL.Path)
	h.message(w, r, http.StatusUnauthorized, "Accès refusé",
		"L'accès à cette page demande le jeton d'accès : ouvrez l'adresse complète que le serveur a affichée à son démarrage.")
}

// mountPath returns the path the handler is mounted on, "/" or "/lsu/",
// which the session cookie is scoped to: the request's URI without the
// path that the handler was given ([http.StripPrefix] strips the prefix
// from the latter only). It returns "" when it cannot tell, which leaves
// the cookie the browser's default path: the folder of the request's
// path.
func mountPath(r *http.Request) string {
	u, err := url.ParseRequestURI(r.RequestURI)
	own := r.URL.EscapedPath()
	if err != nil || !strings.HasPrefix(own, "/") {
		return ""
	}
	prefix, ok := strings.CutSuffix(u.EscapedPath(), own)
	if !ok {
		return ""
	}
	return prefix + "/"
}

// samePage returns the address of the page of r relative to itself: the
// last segment of its path, "./screen.css" for /static/screen.css, or
// "./" for a folder. It holds under any prefix the handler is mounted on.
func samePage(r *http.Request) string {
	p := r.URL.EscapedPath()
	return "./" + p[strings.LastIndex(p, "/")+1:]
}

// redirect sends a 303 See Other to loc, an address relative to the page
// of the request, with the query q. A relative Location holds under any
// prefix the handler is mounted on.
func redirect(w http.ResponseWriter, loc string, q url.Values) {
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
