package main

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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
const storeFlagHelp = "LSU store: a file (lsu.json), an SQLite database (lsu.db, lsu.sqlite, sqlite:PATH) or a PostgreSQL URL (postgres://…) (required)"

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

// openStore opens the store that -store names: the file store at path,
// for reading only when readOnly is set, or the establishment uai of the
// database that path names (its only establishment when uai is empty).
// On failure it returns the French message to print before the error.
func (c *cli) openStore(path string, readOnly bool, uai string) (store, string, error) {
	if msg, err := checkStoreAddress(path); err != nil {
		return nil, msg, err
	}
	c.say("Ouverture de LSU…")
	if isDatabase(path) {
		return c.openDatabase(path, uai)
	}
	opts := filestore.Options{ReadOnly: readOnly}
	if c.progress != progressNone {
		last := int64(-1)
		opts.Progress = func(done, total int64) {
			c.sayStep(&last, done, total, "Ouverture de LSU… %d %%", done*100/max(total, 1))
		}
	}
	st, err := filestore.Open(path, opts)
	if err == nil {
		return st, "", nil
	}
	return nil, storeRefusal(path, err), err
}

// openDatabase opens the establishment uai of the database at url.
func (c *cli) openDatabase(url, uai string) (store, string, error) {
	if engine, file, _ := sqlstore.ParseURL(url); engine == sqlstore.SQLite {
		if _, err := os.Stat(file); err != nil {
			return nil, storeRefusal(file, err), err
		}
	}
	db, err := sqlstore.Connect(c.ctx, url)
	if err != nil {
		return nil, "la base de données de LSU n'a pas pu être ouverte : vérifiez l'adresse donnée à -store." + nothing, err
	}
	st, err := sqlstore.Open(c.ctx, db, uai, sqlstore.Options{})
	if err != nil {
		db.Close()
		return nil, databaseRefusal(uai, err), err
	}
	return sqlStore{st, db}, "", nil
}

// createDatabase creates the establishment of snap in the database at
// url, for init.
func createDatabase(ctx context.Context, url string, snap lsusync.Snapshot) (store, string, error) {
	db, err := sqlstore.Connect(ctx, url)
	if err != nil {
		return nil, "la base de données de LSU n'a pas pu être ouverte : vérifiez l'adresse donnée à -store." + nothing, err
	}
	st, err := sqlstore.Create(ctx, db, snap, sqlstore.Options{})
	if err != nil {
		db.Close()
		if errors.Is(err, sqlstore.ErrExist) {
			return nil, "l'établissement " + snap.Establishment.UAI + " est déjà dans cette base : init ne remplace jamais LSU (utilisez sync).", err
		}
		return nil, databaseRefusal(snap.Establishment.UAI, err), err
	}
	return sqlStore{st, db}, "", nil
}

// databaseRefusal says in French why the establishment uai of a database
// cannot be used.
func databaseRefusal(uai string, err error) string {
	switch {
	case errors.Is(err, sqlstore.ErrBusy):
		return "une autre synchronisation de l'établissement est en cours : attendez qu'elle se termine." + nothing
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
		return "LSU (" + path + ") est en cours d'utilisation par une autre synchronisation : attendez qu'elle se termine." + nothing
	case errors.Is(err, filestore.ErrFolderReadOnly):
		dir := filepath.Dir(path)
		if real, err := filepath.EvalSymlinks(path); err == nil {
			dir = filepath.Dir(real) // the folder where the store file is replaced
		}
		return "le dossier de LSU (" + dir + ") est en lecture seule : la synchronisation ne peut pas y enregistrer LSU. Rendez-le modifiable pour synchroniser, ou simulez avec -dry-run." + nothing
	case errors.Is(err, filestore.ErrReadOnly):
		return "LSU (" + path + ") est en lecture seule : la synchronisation ne le modifie pas. Rendez-le modifiable pour synchroniser, ou simulez avec -dry-run." + nothing
	case errors.Is(err, filestore.ErrVersion):
		return "LSU (" + path + ") a été enregistré par une version plus récente de lsusync : mettez lsusync à jour." + nothing
	case errors.As(err, &fe):
		return "LSU (" + path + ") est endommagé et ne peut pas être lu : restaurez une sauvegarde." + nothing
	case errors.Is(err, fs.ErrPermission):
		return "LSU (" + path + ") n'est pas accessible : vérifiez les droits du fichier et de son dossier." + nothing
	}
	return "LSU (" + path + ") n'a pas pu être ouvert." + nothing
}
