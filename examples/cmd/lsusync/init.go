package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
)

const initHelp = `lsusync init: create an LSU store from the SIECLE and STS-Web exports.

Usage:
  lsusync init -store lsu.json -dir EXPORTS [-periods 3|2] [-year YYYY]

It creates the store file with the establishment and every class of the
exports, set up with the periods of the school year (trimesters, or
semesters with -periods 2), then runs a first synchronisation: it adds the
teachers, the pupils who have not left, and for each pupil and period an
empty bilan en saisie directe with its subjects, their teachers and the
professeurs principaux. init never replaces an existing file. The file is
created readable and writable by its owner only: it holds personal data.

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
	if msg, err := checkStoreAddress(*storePath); err != nil {
		return c.refuse(msg, err)
	}
	if _, err := os.Lstat(*storePath); err == nil && !isDatabase(*storePath) {
		return c.refuse("le fichier "+*storePath+" existe déjà : init ne remplace jamais LSU (utilisez sync, ou supprimez-le d'abord).",
			fmt.Errorf("%s already exists", *storePath))
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
	if isDatabase(*storePath) {
		if st, msg, err = createDatabase(c.ctx, *storePath, snap); err != nil {
			return c.refuse(msg, err)
		}
	} else if st, err = filestore.Create(*storePath, snap); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return c.refuse("le fichier "+*storePath+" existe déjà : init ne remplace jamais LSU.", err)
		}
		return c.refuse("LSU n'a pas pu être créé.", err)
	}
	defer st.Close()

	opts := lsusync.Options{Now: today.now, Progress: c.syncProgress(), SkipUnchanged: true}
	rep, err := lsusync.New(src, st, opts).Sync(c.ctx)
	c.clearProgress()
	if err != nil || rep.Status == lsusync.StatusError {
		if rep != nil {
			rep.Write(c.stderr, lsusync.TextOptions{})
		}
		if code, ok := c.interrupted(); ok {
			fmt.Fprintf(c.stderr, "lsusync: l'initialisation a été interrompue à votre demande ; %s contient l'établissement et ses classes : lancez « lsusync sync » pour la terminer.\n", storeName(*storePath))
			return code
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
