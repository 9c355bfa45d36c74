package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/sqlstore"
)

// store is an LSU store the command opened, which it closes when done.
type store interface {
	lsusync.Store
	Close() error
}

// The -store flag: a file store, or a database.
const storeFlagHelp = "`LSU` : un fichier (lsu.json), une base SQLite (lsu.db, lsu.sqlite, sqlite:CHEMIN) ou une adresse PostgreSQL (postgres://…) (obligatoire)"

// isDatabase reports whether -store names a database rather than a file
// store: a PostgreSQL URL, "sqlite:PATH", or a file named *.db, *.sqlite
// or *.sqlite3.
func isDatabase(path string) bool {
	_, _, err := sqlstore.ParseURL(path)
	return err == nil
}

// storeName is the -store value as the command prints it: a database
// URL without its password.
func storeName(path string) string { return sqlstore.Redact(path) }

// checkStoreAddress refuses a -store value that looks like a URL
// ("scheme://…") of no database the command knows, rather than take it
// for a file name. It returns the French message and the error.
func checkStoreAddress(path string) (string, error) {
	if !strings.Contains(path, "://") || isDatabase(path) {
		return "", nil
	}
	_, _, err := sqlstore.ParseURL(path)
	return "l'adresse donnée à -store (" + storeName(path) + ") n'est pas reconnue : donnez un fichier (lsu.json), " +
		"une base SQLite (lsu.db, sqlite:CHEMIN) ou une adresse PostgreSQL (postgres://…)." + nothing, err
}

// sqlStore is a Store of a database the command connected to.
type sqlStore struct {
	*sqlstore.Store
	db *sql.DB
}

func (s sqlStore) Close() error { return s.db.Close() }

// defaultWait is the default of sync's -wait: how long it waits for the
// store that another synchronisation holds.
const defaultWait = sqlstore.DefaultLockTimeout

// waitFlagHelp is the help of the -wait flag.
const waitFlagHelp = "`DURÉE` d'attente de la fin d'une autre synchronisation de LSU (ou, pour un fichier LSU, d'une autre commande qui s'en sert) avant de refuser ; 0 refuse aussitôt"

// waits says how long the command waits for a store that another
// program holds: for a file store's lock (0: refused at once), and for a
// database's locks (sqlstore.Options.LockTimeout, 0: refused at once).
type waits struct {
	file, database time.Duration
	flag           bool // set by the command's -wait flag
}

// defaultWaits are the stores' own: a file store in use is refused at
// once, a database waits sqlstore.DefaultLockTimeout.
var defaultWaits = waits{database: sqlstore.DefaultLockTimeout}

// openStore opens the store that -store names: the file store at path,
// or the establishment uai of the database that path names (its only
// establishment when uai is empty), for reading only when readOnly is
// set, with the stores' default waits. On failure it returns the French
// message to print before the error.
func (c *cli) openStore(path string, readOnly bool, uai string) (store, string, error) {
	return c.openStoreWaiting(path, readOnly, uai, defaultWaits)
}

// openStoreWaiting is openStore with the given waits.
func (c *cli) openStoreWaiting(path string, readOnly bool, uai string, w waits) (store, string, error) {
	if msg, err := checkStoreAddress(path); err != nil {
		return nil, msg, err
	}
	c.say("Ouverture de LSU…")
	if isDatabase(path) {
		return c.openDatabase(path, uai, readOnly, w)
	}
	opts := filestore.Options{ReadOnly: readOnly}
	if !readOnly {
		opts.Holder = c.cmd // said to the commands it keeps out
	}
	if c.progress != progressNone {
		last := int64(-1)
		opts.Progress = func(done, total int64) {
			c.sayStep(&last, done, total, "Ouverture de LSU… %d %%", done*100/max(total, 1))
		}
	}
	// The lock of a file store in use: tried again until it is free, or
	// the wait is over.
	deadline := time.Now().Add(w.file)
	for {
		st, err := filestore.Open(c.ctx, path, opts)
		if err == nil {
			return st, "", nil
		}
		left := time.Until(deadline)
		var be *filestore.BusyError
		if errors.As(err, &be) && be.Holder == "serve" {
			// The screen holds the store until it stops: no use waiting.
			return nil, busyRefusal(path, 0, false, err), err
		}
		if !errors.Is(err, filestore.ErrBusy) || left <= 0 {
			if errors.Is(err, filestore.ErrBusy) {
				return nil, busyRefusal(path, w.file, w.flag, err), err
			}
			return nil, storeRefusal(path, err), err
		}
		c.say("LSU est en cours d'utilisation : attente de la fin de l'autre synchronisation…")
		t := time.NewTimer(min(100*time.Millisecond, left))
		select {
		case <-c.ctx.Done():
			t.Stop()
			return nil, busyRefusal(path, w.file, w.flag, err), fmt.Errorf("%w (%w)", err, context.Cause(c.ctx))
		case <-t.C:
		}
	}
}

// openDatabase opens the establishment uai of the database at url, for
// reading only when readOnly is set; its writes wait at most w.database
// for the locks another writer holds.
func (c *cli) openDatabase(url, uai string, readOnly bool, w waits) (store, string, error) {
	engine, file, _ := sqlstore.ParseURL(url)
	if engine == sqlstore.SQLite {
		if _, err := os.Stat(file); err != nil {
			return nil, storeRefusal(file, err), err
		}
		leaveRoomForSQLite()
	}
	connect, opts := sqlstore.Connect, sqlstore.Options{LockTimeout: lockTimeout(w.database)}
	if readOnly {
		// A dry run and a listing write nothing: a read-only file is
		// read, and migrations wait for a write.
		connect, opts.ReadOnly = sqlstore.ConnectReadOnly, true
	}
	db, err := connect(c.ctx, url)
	switch {
	case errors.Is(err, lsusync.ErrReadOnly):
		return nil, readOnlyRefusal(file), err
	case err != nil:
		return nil, connectRefusal(err), err
	}
	st, err := sqlstore.Open(c.ctx, db, uai, opts)
	if err != nil {
		msg := databaseRefusal(storeName(url), uai, w.database, w.flag, err)
		if errors.Is(err, lsusync.ErrNotFound) && uai != "" {
			msg = otherEstablishments(c.ctx, db, uai, msg)
		}
		db.Close()
		return nil, msg, err
	}
	return sqlStore{st, db}, "", nil
}

// otherEstablishments says in French that the exports of the
// establishment uai are not those of the database db, naming the
// establishment it holds when it holds one, as a file store of another
// school does; msg when it cannot tell.
func otherEstablishments(ctx context.Context, db *sql.DB, uai, msg string) string {
	uais, err := sqlstore.Establishments(ctx, db)
	switch {
	case err != nil:
		return msg
	case len(uais) == 1:
		return lsusync.RefusalText(&lsusync.EstablishmentError{Source: uai, Store: uais[0]})
	case len(uais) > 1:
		return "les exports sont ceux de l'établissement " + uai + ", que cette base de données ne contient pas (elle en contient " +
			strconv.Itoa(len(uais)) + ", dont " + uais[0] + ") : vérifiez le dossier des exports, ou ajoutez l'établissement avec « lsusync init -add-establishment »." + nothing
	}
	return msg
}

// connectRefusal says in French why the database could not be reached.
func connectRefusal(err error) string {
	var ne *net.OpError
	if errors.As(err, &ne) && ne.Op == "dial" {
		return "le serveur de la base de données de LSU ne répond pas : vérifiez qu'il est démarré, et l'adresse donnée à -store." + nothing
	}
	return "la base de données de LSU n'a pas pu être ouverte : vérifiez l'adresse donnée à -store." + nothing
}

// lockTimeout is the sqlstore.Options.LockTimeout of a wait: a negative
// one for no wait.
func lockTimeout(wait time.Duration) time.Duration {
	if wait <= 0 {
		return -1
	}
	return wait
}

// createDatabase creates the establishment of snap in the database at
// url, for init. A database that holds another establishment is refused
// unless add: a school's exports given with another's database are a
// mistake far more often than a second establishment.
func createDatabase(ctx context.Context, url string, snap lsusync.Snapshot, add bool) (store, string, error) {
	if engine, _, _ := sqlstore.ParseURL(url); engine == sqlstore.SQLite {
		leaveRoomForSQLite()
	}
	db, err := sqlstore.Connect(ctx, url)
	switch {
	case errors.Is(err, lsusync.ErrReadOnly):
		_, file, _ := sqlstore.ParseURL(url)
		return nil, readOnlyRefusal(file), err
	case err != nil:
		return nil, connectRefusal(err), err
	}
	uai := snap.Establishment.UAI
	if !add {
		uais, err := sqlstore.Establishments(ctx, db)
		if err != nil {
			db.Close()
			return nil, databaseRefusal(storeName(url), uai, sqlstore.DefaultLockTimeout, false, err), err
		}
		if len(uais) > 0 && !slices.Contains(uais, uai) {
			db.Close()
			return nil, "cette base de données contient déjà l'établissement " + uais[0] + ", et les exports sont ceux de l'établissement " + uai +
					" : init n'y ajoute pas un second établissement. Vérifiez le dossier des exports, ou ajoutez-le exprès avec -add-establishment." + nothing,
				fmt.Errorf("%w: the database holds %s, the exports are of %s", errOtherEstablishment, strings.Join(uais, ", "), uai)
		}
	}
	st, err := sqlstore.Create(ctx, db, snap, sqlstore.Options{})
	if err != nil {
		db.Close()
		if errors.Is(err, sqlstore.ErrExist) {
			return nil, "l'établissement " + snap.Establishment.UAI + " est déjà dans cette base : init ne remplace jamais LSU (utilisez sync).", err
		}
		return nil, databaseRefusal(storeName(url), snap.Establishment.UAI, sqlstore.DefaultLockTimeout, false, err), err
	}
	return sqlStore{st, db}, "", nil
}

// errOtherEstablishment is the detail of init's refusal to add a second
// establishment to a database.
var errOtherEstablishment = errors.New("another establishment in the database")

// syncRefusal says in French why the synchronisation of the store that
// -store names (see storeName) could not start: the store's refusals
// (another synchronisation holds it, after the wait; it was made
// read-only) as when it is opened, the synchronizer's otherwise.
func syncRefusal(name string, wait time.Duration, err error) string {
	switch {
	case errors.Is(err, sqlstore.ErrBusy):
		return busyRefusal(name, wait, true, err)
	case errors.Is(err, lsusync.ErrReadOnly):
		return readOnlyRefusal(name)
	}
	return lsusync.RefusalText(err)
}

// busyRefusal says in French that the store name is held by another
// command, still running after the wait: the screen (lsusync serve) or
// another synchronisation, since when when err, the refusal, says it.
// withFlag names the -wait flag of the command.
func busyRefusal(name string, wait time.Duration, withFlag bool, err error) string {
	var be *filestore.BusyError
	if errors.As(err, &be) && be.Holder == "serve" {
		return "LSU (" + name + ") est ouvert par l'écran Synchronisation Base Élèves (lsusync serve) depuis " + frenchTime(be.Since) +
			" : synchronisez depuis l'écran, ou arrêtez le serveur (Ctrl-C dans sa fenêtre) avant de relancer cette commande. " +
			"Les commandes qui ne font que lire (classes, sync -dry-run) fonctionnent pendant qu'il tourne." + nothing
	}
	who := "une autre synchronisation"
	if errors.As(err, &be) && be.Holder != "" {
		who += " (lsusync " + be.Holder + ", depuis " + frenchTime(be.Since) + ")"
	}
	msg := "LSU (" + name + ") est en cours d'utilisation par " + who + " : attendez qu'elle se termine."
	if wait > 0 {
		msg = "LSU (" + name + ") est en cours d'utilisation par " + who + ", toujours en cours après " +
			frenchDuration(wait) + " d'attente : réessayez quand elle sera terminée."
	}
	if withFlag {
		msg += " L'option -wait règle l'attente."
	}
	return msg + nothing
}

// frenchTime writes when a command started as French does: "08:15"
// today, "07/12/2026 à 08:15" another day.
func frenchTime(t time.Time) string {
	t = t.Local()
	y, m, d := t.Date()
	if ny, nm, nd := time.Now().Date(); y == ny && m == nm && d == nd {
		return t.Format("15:04")
	}
	return t.Format("02/01/2006 à 15:04")
}

// readOnlyRefusal says in French that the store at path is read-only.
func readOnlyRefusal(path string) string {
	return "LSU (" + path + ") est en lecture seule : la synchronisation ne le modifie pas. Rendez-le modifiable pour synchroniser, ou simulez avec -dry-run." + nothing
}

// frenchDuration writes a wait as French does: "30 s", "2 min", "1 min
// 30 s", "0,5 s".
func frenchDuration(d time.Duration) string {
	if d >= time.Minute {
		m, s := d/time.Minute, (d%time.Minute).Round(time.Second)/time.Second
		if s == 0 {
			return fmt.Sprintf("%d min", m)
		}
		return fmt.Sprintf("%d min %d s", m, s)
	}
	return strings.Replace(strconv.FormatFloat(d.Seconds(), 'f', -1, 64), ".", ",", 1) + " s"
}

// databaseRefusal says in French why the establishment uai of the
// database name cannot be used; its writes waited at most wait, which
// the command's -wait flag sets when withFlag.
func databaseRefusal(name, uai string, wait time.Duration, withFlag bool, err error) string {
	switch {
	case errors.Is(err, sqlstore.ErrBusy):
		return busyRefusal(name, wait, withFlag, err)
	case errors.Is(err, lsusync.ErrReadOnly):
		return readOnlyRefusal(name)
	case errors.Is(err, sqlstore.ErrSchemaVersion):
		return "la base de données a été mise à jour par une version plus récente de lsusync : mettez lsusync à jour." + nothing
	case errors.Is(err, lsusync.ErrNotFound) && uai != "":
		return "l'établissement " + uai + " n'est pas dans cette base de données : créez-le d'abord avec « lsusync init »." + nothing
	case errors.Is(err, lsusync.ErrNotFound):
		return "cette base de données ne contient aucun établissement : créez-le d'abord avec « lsusync init »." + nothing
	case errors.Is(err, lsusync.ErrInvalid) && uai == "":
		return "cette base de données contient plusieurs établissements : donnez les exports (-dir) ou -uai pour choisir le vôtre." + nothing
	}
	return "la base de données de LSU n'a pas pu être ouverte." + nothing
}

const nothing = " Aucune modification n'a été enregistrée."

// storeRefusal says in French why the store at path cannot be used.
func storeRefusal(path string, err error) string {
	var fe *filestore.FileError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, serr := os.Stat(filepath.Dir(path)); serr != nil {
			return "le dossier de LSU (" + filepath.Dir(path) + ") n'existe pas : vérifiez le chemin donné à -store." + nothing
		}
		return "LSU n'existe pas encore à cet emplacement (" + path + ") : créez-le d'abord avec « lsusync init »."
	case errors.Is(err, filestore.ErrBusy):
		return busyRefusal(path, 0, false, err)
	case errors.Is(err, filestore.ErrFolderReadOnly):
		dir := filepath.Dir(path)
		if real, err := filepath.EvalSymlinks(path); err == nil {
			dir = filepath.Dir(real) // the folder where the store file is replaced
		}
		return "le dossier de LSU (" + dir + ") est en lecture seule : la synchronisation ne peut pas y enregistrer LSU. Rendez-le modifiable pour synchroniser, ou simulez avec -dry-run." + nothing
	case errors.Is(err, lsusync.ErrReadOnly):
		return readOnlyRefusal(path)
	case errors.Is(err, filestore.ErrVersion):
		return "LSU (" + path + ") a été enregistré par une version plus récente de lsusync : mettez lsusync à jour." + nothing
	case errors.As(err, &fe):
		return "LSU (" + path + ") est endommagé et ne peut pas être lu : restaurez une sauvegarde." + nothing
	case errors.Is(err, fs.ErrPermission):
		return "LSU (" + path + ") n'est pas accessible : vérifiez les droits du fichier et de son dossier." + nothing
	}
	return "LSU (" + path + ") n'a pas pu être ouvert." + nothing
}
