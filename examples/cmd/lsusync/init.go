package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
)

const initHelp = `lsusync init: create an LSU store from the SIECLE and STS-Web exports.

Usage:
  lsusync init -store lsu.json -dir EXPORTS [-periods 3|2] [-year YYYY] [-progress]

It creates the store file with the establishment and every class of the
exports, set up with the periods of the school year (trimesters, or
semesters with -periods 2), then runs a first synchronisation: it adds the
teachers, the pupils who have not left, and for each pupil and period an
empty bilan en saisie directe with its subjects, their teachers and the
professeurs principaux. init never replaces an existing file. The file is
created readable and writable by its owner only: it holds personal data.

On a terminal, it says on standard error what it is doing; -progress
says it there in any case, one line per step, for logs. Interrupted
(Ctrl-C, SIGTERM) before its end, init leaves no store file behind (a
database keeps the establishment and its classes, which sync fills).

Examples:
  lsusync init -store lsu.json -dir ~/Téléchargements/exports
  lsusync init -store lsu.json -dir exports -periods 2 -year 2025
`

func (c *cli) runInit(args []string) int {
	fset := flag.NewFlagSet("init", flag.ContinueOnError)
	var (
		exports   exportFlags
		periods   periodFlags
		storePath = fset.String("store", "", "LSU store to create: a file (lsu.json), an SQLite database (lsu.db, lsu.sqlite, sqlite:PATH) or a PostgreSQL URL (postgres://…) (required)")
		progress  = c.progressFlag(fset)
		today     dateFlag
	)
	exports.register(fset, false)
	periods.register(fset)
	fset.Var(&today, "today", "date against which exit dates and end dates of professeurs principaux are judged, YYYY-MM-DD (default: today)")
	if code, ok := c.parse(fset, initHelp, args); !ok {
		return code
	}
	switch {
	case *storePath == "" || exports.dir == "":
		return c.usageErr("init", "-store and -dir are required")
	case periods.check() != "":
		return c.usageErr("init", "%s", periods.check())
	}
	c.setProgress(*progress)
	if msg, err := checkStoreAddress(*storePath); err != nil {
		return c.refuse(msg, err)
	}
	if !isDatabase(*storePath) {
		// Checked before the exports are read, which takes a while.
		if _, err := os.Lstat(*storePath); err == nil {
			return c.refuse("le fichier "+*storePath+" existe déjà : init ne remplace jamais LSU (utilisez sync, ou supprimez-le d'abord).",
				fmt.Errorf("%s already exists", *storePath))
		}
		dir := filepath.Dir(*storePath)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			if err == nil {
				err = fmt.Errorf("%s: not a folder", dir)
			}
			return c.refuse("le dossier de LSU ("+dir+") n'existe pas : vérifiez le chemin donné à -store."+nothing, err)
		}
	}
	src, msg, err := c.openExports(&exports)
	if err != nil {
		return c.refuse(msg, err)
	}
	list, problem := periodsOf(periods.count, periods.year, src)
	if problem != "" {
		return c.usageErr("init", "%s", problem)
	}

	// The establishment and its classes set up with their periods, as
	// LSU's period settings make them; the first sync fills them.
	snap := lsusync.Snapshot{}
	if snap.Establishment, err = src.Establishment(c.ctx); err != nil {
		return c.refuse("les exports ne donnent pas l'établissement.", err)
	}
	codes, err := src.ClassCodes(c.ctx)
	if err != nil {
		return c.refuse("les exports ne donnent pas les classes.", err)
	}
	for _, code := range codes {
		data, err := src.Class(c.ctx, code)
		if err != nil {
			return c.refuse("les exports ne donnent pas la classe "+code+".", err)
		}
		snap.Classes = append(snap.Classes, lsusync.Class{Code: code, Label: data.Label, Periods: list})
	}
	var st store
	var lockExisted bool // the file store's lock file was there before init
	if isDatabase(*storePath) {
		if st, msg, err = createDatabase(c.ctx, *storePath, snap); err != nil {
			return c.refuse(msg, err)
		}
	} else {
		_, lerr := os.Lstat(*storePath + ".lock")
		lockExisted = lerr == nil
		if st, err = filestore.Create(*storePath, snap); err != nil {
			return c.refuse(createRefusal(*storePath, err), err)
		}
	}
	defer st.Close()

	c.say("Synchronisation…")
	opts := lsusync.Options{Now: today.now, Progress: c.syncProgress(), SkipUnchanged: true}
	rep, err := lsusync.New(src, st, opts).Sync(c.ctx)
	c.clearProgress()
	if code, ok := c.interrupted(); ok && err != nil {
		if rep == nil || !pending(rep) {
			// The first sync wrote nothing: a file store, just made, is
			// removed, as if init had not run.
			if fst, ok := st.(*filestore.Store); ok && discardCreated(fst, lockExisted) == nil {
				return c.interruptedRefusal(code, storeName(*storePath)+" n'a pas été créé : relancez « lsusync init ».", err)
			}
		} else {
			rep.Write(c.stderr, lsusync.TextOptions{}) // a store that writes class by class
		}
		fmt.Fprintf(c.stderr, "lsusync: l'initialisation a été interrompue à votre demande ; %s contient l'établissement et ses classes : lancez « lsusync sync » pour la terminer.\n", storeName(*storePath))
		fmt.Fprintf(c.stderr, "  détail : %v\n", c.withCause(err))
		return code
	}
	if err != nil || rep.Status == lsusync.StatusError {
		if rep != nil {
			rep.Write(c.stderr, lsusync.TextOptions{})
		}
		fmt.Fprintf(c.stderr, "lsusync: la première synchronisation n'a pas abouti ; %s contient l'établissement et ses classes : relancez « lsusync sync ».\n", storeName(*storePath))
		if err != nil {
			fmt.Fprintf(c.stderr, "  détail : %v\n", err)
		}
		return exitErrors
	}
	n := rep.Counts()
	kind := "trimestres"
	if len(list) == 2 {
		kind = "semestres"
	}
	fmt.Fprintf(c.stdout, "%s créé : établissement %s, %d classes (%d %s de %d-%d), %d élèves, %d enseignants, %d bilans.\n",
		storeName(*storePath), snap.Establishment.UAI, len(snap.Classes), len(list), kind, list[0].Year, list[0].Year+1,
		n.StudentsAdded, n.TeachersAdded, n.BilansAdded)
	return exitOK
}

// createRefusal says in French why the file store at path could not be
// created.
func createRefusal(path string, err error) string {
	switch {
	case errors.Is(err, fs.ErrExist):
		return "le fichier " + path + " existe déjà : init ne remplace jamais LSU."
	case errors.Is(err, fs.ErrNotExist):
		return "le dossier de LSU (" + filepath.Dir(path) + ") n'existe pas : vérifiez le chemin donné à -store." + nothing
	case errors.Is(err, filestore.ErrFolderReadOnly):
		return "le dossier de LSU (" + filepath.Dir(path) + ") est en lecture seule : LSU ne peut pas y être créé. Choisissez un dossier modifiable." + nothing
	}
	return "LSU n'a pas pu être créé." + nothing
}

// discardCreated removes the store file that init created, which holds
// only the establishment and its classes, and its lock file unless it
// was there before; then it releases the lock. The lock is held until
// both are removed: no one else opened the file, and a process that
// locks a new lock file afterwards finds no store file.
func discardCreated(st *filestore.Store, lockExisted bool) error {
	defer st.Close()
	if err := os.Remove(st.Path()); err != nil {
		return err
	}
	if !lockExisted {
		os.Remove(st.Path() + ".lock") // refused on Windows while locked: then left, as the file store leaves it
	}
	return nil
}
