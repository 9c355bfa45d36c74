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

const serveHelp = `lsusync serve : l'écran Synchronisation Base Élèves, dans un navigateur.

Utilisation :
  lsusync serve -store lsu.json -dir EXPORTS [-addr 127.0.0.1:8080]

Elle sert l'écran « Synchronisation Base Élèves » de LSU : cochez les
classes, cliquez sur « Simuler » ou « Synchroniser », suivez la
progression, lisez le rapport comme LSU le montre, téléchargez-le en
JSON. Les classes sans périodes et les classes nouvelles dans les exports
se paramètrent depuis l'écran. L'établissement est celui des exports. Les
exports sont relus à chaque synchronisation : un nouvel export déposé dans
le dossier sert à la suivante. LSU reste ouvert tant que le serveur
tourne ; les autres commandes peuvent le lire (classes, sync -dry-run),
et une autre synchronisation attend la fin de celle de l'écran.

Les pages contiennent des données personnelles. Le serveur n'écoute que
sur cette machine (127.0.0.1), sauf si -addr dit autre chose, et affiche
une adresse qui porte un jeton d'accès aléatoire, que chaque page exige :
ouvrez-la dans un navigateur de cette machine, et ne la communiquez pas.
Le jeton n'est jamais écrit dans le journal, qui ne contient que des codes
de classes et des nombres. Ctrl-C arrête le serveur ; une synchronisation
en cours est annulée, et rien n'en est enregistré.

Exemples :
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
		addr      = fset.String("addr", "127.0.0.1:8080", "`ADRESSE` d'écoute ; donnez un autre hôte que 127.0.0.1 seulement pour ouvrir l'écran depuis d'autres machines")
		today     dateFlag
	)
	exports.register(fset, false)
	fset.Var(&today, "today", todayFlagHelp)
	if code, ok := c.parse(fset, serveHelp, args); !ok {
		return code
	}
	if *storePath == "" || exports.dir == "" {
		return c.usageErr("serve", "-store et -dir sont obligatoires")
	}
	if fi, err := os.Stat(exports.dir); err != nil || !fi.IsDir() {
		if err == nil {
			err = fmt.Errorf("%s: %w", exports.dir, fs.ErrInvalid)
		}
		return c.refuse("le dossier des exports ("+exports.dir+") est introuvable."+nothing, err)
	}
	// The establishment is the exports', as for the other commands: a
	// database of several establishments serves the one of -dir.
	src, msg, err := c.openExports(&exports)
	if err != nil {
		return c.refuse(msg, err)
	}
	est, err := src.Establishment(c.ctx)
	if err != nil {
		return c.refuse("les exports ne donnent pas l'établissement.", err)
	}
	st, msg, err := c.openStore(*storePath, false, est.UAI)
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
	h := screen.New(st, open, screen.Options{Token: token, Now: today.now, Logger: log})
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
