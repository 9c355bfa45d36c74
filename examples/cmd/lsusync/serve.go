package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/screen"
	"github.com/lsusync/lsusync/examples/siecle"
)

const serveHelp = `lsusync serve: the Synchronisation Base Élèves screen, in a browser.

Usage:
  lsusync serve -store lsu.json -dir EXPORTS [-addr 127.0.0.1:8080]

It serves LSU's "Synchronisation Base Élèves" screen: tick the classes,
click « Simuler » or « Synchroniser », follow the progress, read the report
as LSU shows it, download it as JSON. Classes without periods, and classes
new in the exports, can be set up from the screen. The exports are read
anew at each synchronisation: a new export put in the folder is used by the
next one. The store stays open, and locked, until the server stops.

The pages hold personal data. The server listens on this machine only
(127.0.0.1) unless -addr says otherwise, and prints an address holding a
random access token, which every page requires: open it in a browser of
this machine, and do not share it. The token is never written to the log,
which holds class codes and counts only. Ctrl-C stops the server; a
synchronisation that is running is cancelled, and nothing of it is
written.

Examples:
  lsusync serve -store lsu.json -dir ~/Téléchargements/exports
  lsusync serve -store lsu.json -dir exports -addr 127.0.0.1:9000
`

// shutdownTimeout bounds the wait for the requests and the synchronisation
// that run when the server is stopped.
const shutdownTimeout = 10 * time.Second

func (c *cli) runServe(args []string) int {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	var (
		exports   exportFlags
		storePath = fset.String("store", "", storeFlagHelp)
		uai       = fset.String("uai", "", "with a database of several establishments: the establishment's UAI")
		addr      = fset.String("addr", "127.0.0.1:8080", "address to listen on; give another host than 127.0.0.1 only to reach the screen from other machines")
		today     dateFlag
	)
	exports.register(fset, false)
	fset.Var(&today, "today", "date against which exit dates and end dates of professeurs principaux are judged, YYYY-MM-DD (default: today)")
	if code, ok := c.parse(fset, serveHelp, args); !ok {
		return code
	}
	if *storePath == "" || exports.dir == "" {
		return c.usageErr("serve", "-store and -dir are required")
	}
	if fi, err := os.Stat(exports.dir); err != nil || !fi.IsDir() {
		if err == nil {
			err = fmt.Errorf("%s: %w", exports.dir, fs.ErrInvalid)
		}
		return c.refuse("le dossier des exports ("+exports.dir+") est introuvable. Aucune modification n'a été enregistrée.", err)
	}
	st, msg, err := c.openStore(*storePath, false, *uai)
	if err != nil {
		return c.refuse(msg, err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return c.refuse("le serveur ne peut pas écouter sur "+*addr+" : l'adresse est invalide ou déjà utilisée (choisissez-en une autre avec -addr).", err)
	}
	c.clearProgress()

	log := slog.New(slog.NewTextHandler(c.stderr, nil))
	dir, numen := exports.dir, exports.numen
	open := func(ctx context.Context) (lsusync.Source, error) {
		return siecle.OpenDir(ctx, dir, siecle.Options{NUMEN: numen})
	}
	token := rand.Text()
	h := screen.New(st, open, screen.Options{Token: token, Now: today.now, Logger: log, Identity: commandIdentity()})
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	fmt.Fprintf(c.stdout, "Synchronisation Base Élèves : %s\n", screenURL(ln.Addr(), token))
	fmt.Fprintln(c.stdout, "Ouvrez cette adresse dans un navigateur. Elle contient le jeton d'accès aux données des élèves : ne la communiquez pas.")
	fmt.Fprintln(c.stdout, "Ctrl-C arrête le serveur.")
	if !loopback(ln.Addr()) {
		fmt.Fprintf(c.stderr, "lsusync: attention : le serveur écoute sur %s, au-delà de cette machine. Quiconque obtient l'adresse et son jeton "+
			"accède aux données des élèves, et la connexion n'est pas chiffrée (HTTP).\n", ln.Addr())
	}
	log.Info("lsusync serve: listening", "addr", ln.Addr().String())

	var serveErr error
	select {
	case serveErr = <-served:
	case <-c.ctx.Done():
	}
	// The server first, so that no request starts a synchronisation, then
	// the running synchronisation, cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn("lsusync serve: the requests did not end in time", "err", err)
	}
	if err := h.Shutdown(ctx); err != nil {
		log.Warn("lsusync serve: the synchronisation did not stop in time", "err", err)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		fmt.Fprintf(c.stderr, "lsusync: le serveur s'est arrêté sur une erreur.\n  détail : %v\n", serveErr)
		return exitErrors
	}
	fmt.Fprintln(c.stderr, "lsusync: serveur arrêté.")
	if code, ok := c.interrupted(); ok {
		return code
	}
	return exitOK
}

// screenURL is the address of the screen, with its token, that the
// command prints: on this machine when the server listens on every
// interface.
func screenURL(addr net.Addr, token string) string {
	host := addr.String()
	if a, ok := addr.(*net.TCPAddr); ok && a.IP.IsUnspecified() {
		host = net.JoinHostPort("127.0.0.1", fmt.Sprint(a.Port))
	}
	u := url.URL{Scheme: "http", Host: host, Path: "/", RawQuery: url.Values{"token": {token}}.Encode()}
	return u.String()
}

// loopback reports whether addr can be reached from this machine only.
func loopback(addr net.Addr) bool {
	a, ok := addr.(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}
