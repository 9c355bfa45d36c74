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

const initHelp = `lsusync init : crée LSU à partir des exports de SIECLE et de STS-Web.

Utilisation :
  lsusync init -store lsu.json -dir EXPORTS [-periods 3|2] [-year AAAA] [-progress]

Elle crée LSU avec l'établissement et chaque classe des exports,
paramétrée avec les périodes de l'année scolaire (trimestres, ou
semestres avec -periods 2), puis lance une première synchronisation :
elle ajoute les enseignants, les élèves qui n'ont pas quitté
l'établissement et, pour chaque élève et chaque période, un bilan vide en
saisie directe avec ses matières, leurs enseignants et les professeurs
principaux. Elle affiche ensuite ce qu'elle a créé et les avertissements
de cette synchronisation (INE en double, élèves sans division, éléments
non lus). init ne remplace jamais un fichier existant, et n'ajoute pas un
second établissement à une base de données qui en a déjà un, sauf avec
-add-establishment. Le fichier est créé lisible et modifiable par son seul
propriétaire : il contient des données personnelles.

Sur un terminal, elle dit sur la sortie d'erreur ce qu'elle fait ;
-progress le dit dans tous les cas, pour les journaux. Interrompue
(Ctrl-C, SIGTERM) avant sa fin, init ne laisse pas de fichier LSU (une
base de données garde l'établissement et ses classes, que sync remplit).

Exemples :
  lsusync init -store lsu.json -dir ~/Téléchargements/exports
  lsusync init -store lsu.json -dir exports -periods 2 -year 2025
  lsusync init -store postgres://lsu@serveur/lsu -dir exports-0750002B -add-establishment
`

func (c *cli) runInit(args []string) int {
	fset := flag.NewFlagSet("init", flag.ContinueOnError)
	var (
		exports   exportFlags
		periods   periodFlags
		storePath = fset.String("store", "", "`LSU` à créer : un fichier (lsu.json), une base SQLite (lsu.db, lsu.sqlite, sqlite:CHEMIN) ou une adresse PostgreSQL (postgres://…) (obligatoire)")
		addEst    = fset.Bool("add-establishment", false, "ajouter l'établissement des exports à une base de données qui en contient déjà un autre")
		progress  = c.progressFlag(fset)
		today     dateFlag
	)
	exports.register(fset, false)
	periods.register(fset)
	fset.Var(&today, "today", todayFlagHelp)
	if code, ok := c.parse(fset, initHelp, args); !ok {
		return code
	}
	switch {
	case *storePath == "" || exports.dir == "":
		return c.usageErr("init", "-store et -dir sont obligatoires")
	case *addEst && !isDatabase(*storePath):
		return c.usageErr("init", "-add-establishment va avec une base de données (un fichier LSU n'a qu'un établissement)")
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
		if st, msg, err = createDatabase(c.ctx, *storePath, snap, *addEst); err != nil {
			return c.refuse(msg, err)
		}
	} else {
		_, lerr := os.Lstat(*storePath + ".lock")
		lockExisted = lerr == nil
		if st, err = filestore.Create(c.ctx, *storePath, snap); err != nil {
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
	fmt.Fprintf(c.stdout, "%s créé : établissement %s, %s (%d %s de %d-%d), %s, %s, %s.\n",
		storeName(*storePath), snap.Establishment.UAI, plural(len(snap.Classes), "classe", "classes"), len(list), kind, list[0].Year, list[0].Year+1,
		plural(n.StudentsAdded, "élève", "élèves"), plural(n.TeachersAdded, "enseignant", "enseignants"), plural(n.BilansAdded, "bilan", "bilans"))
	// What the first synchronisation warns of (an INE two pupils share, a
	// pupil in no division, an element not read) is said now, not only
	// at the next sync.
	var warnings []lsusync.Line
	for _, l := range rep.Lines(lsusync.TextOptions{}) {
		if l.Status == lsusync.StatusWarning && len(l.Items) > 0 {
			warnings = append(warnings, l)
		}
	}
	if len(warnings) > 0 {
		fmt.Fprintf(c.stdout, "\nLa première synchronisation signale %s :\n", plural(len(warnings), "avertissement", "avertissements"))
		for _, l := range warnings {
			fmt.Fprintln(c.stdout, "⚠ "+l.Message)
		}
		again := "« lsusync sync » les signale de nouveau tant qu'ils ne sont pas corrigés dans la base élèves ou STS-Web."
		if len(warnings) == 1 {
			again = "« lsusync sync » le signale de nouveau tant qu'il n'est pas corrigé dans la base élèves ou STS-Web."
		}
		fmt.Fprintln(c.stdout, again)
	}
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
