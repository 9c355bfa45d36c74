package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/lsusync/lsusync"
)

const syncHelp = `lsusync sync : synchronise LSU à partir des exports de SIECLE et de STS-Web.

Utilisation :
  lsusync sync -store lsu.json -dir EXPORTS [options]
  lsusync sync -store lsu.json -bee ElevesSansAdresses.zip -sts sts_emp_UAI_ANNÉE.xml [-communs F] [-structures F] [-nomenclature F] [options]

Elle met à jour l'établissement, les enseignants, les classes choisies
(toutes par défaut), leurs élèves et les bilans non verrouillés en saisie
directe de leurs élèves, selon les règles de la synchronisation, et
affiche le rapport comme LSU le montre : ce qui a changé, une ligne par
élève et par enseignant (-group les regroupe), sans données personnelles.
Rien n'est enregistré quand elle refuse de démarrer : le refus est
affiché en français, suivi de son détail technique.

Une classe dont les exports et les données de LSU sont tels que sa
dernière synchronisation les a laissés n'est pas relue : le rapport dit
qu'elle est inchangée, sans lister ses élèves et ses bilans, et le
rapport JSON la nomme dans « skipped ». -all relit et liste chaque classe,
et ce qui était déjà à jour.

Une seule synchronisation de LSU a lieu à la fois : une seconde attend
-wait (30 s par défaut) la fin de la première, puis est refusée sans rien
enregistrer. Pour un fichier LSU, elle attend de même toute commande qui
l'a ouvert (serve le garde ouvert tant qu'il tourne).

Sur un terminal, elle dit sur la sortie d'erreur ce qu'elle fait ;
-progress le dit dans tous les cas, au plus une ligne par dixième du
travail ou toutes les quelques secondes, pour les journaux. Interrompue
(Ctrl-C, SIGTERM) avant sa fin, elle n'enregistre rien et n'affiche pas
de rapport, seulement qu'elle a été interrompue.

Exemples :
  lsusync sync -store lsu.json -dir ~/Téléchargements/exports
  lsusync sync -store lsu.json -dir exports -classes "3EME1,4e 1" -dry-run -details
  lsusync sync -store lsu.json -dir exports -dry-run -exit-code || echo "modifications en attente"
  lsusync sync -store lsu.json -dir exports -json > rapport.json
  lsusync sync -store lsu.json -dir exports -progress >> sync.log 2>&1
`

func (c *cli) runSync(args []string) int {
	fset := flag.NewFlagSet("sync", flag.ContinueOnError)
	var (
		exports     exportFlags
		storePath   = fset.String("store", "", storeFlagHelp)
		classes     = fset.String("classes", "", "`CLASSES` à synchroniser, séparées par des virgules (par défaut : toutes)")
		dryRun      = fset.Bool("dry-run", false, "simuler : calculer le rapport sans rien enregistrer")
		exitCode    = fset.Bool("exit-code", false, "avec -dry-run : sortir avec le statut 4 si la synchronisation modifierait LSU")
		all         = fset.Bool("all", false, "relire chaque classe et lister aussi ce qui était déjà à jour")
		group       = fset.Bool("group", false, "regrouper en une ligne, avec leur nombre, les élèves et les enseignants dont le rapport dit la même chose")
		asJSON      = fset.Bool("json", false, "afficher le rapport en JSON (chaque élément, avec les changements de chaque champ : données personnelles)")
		details     = fset.Bool("details", false, "afficher sous chaque ligne les changements de chaque champ, avec les noms des élèves et des enseignants (données personnelles)")
		concurrency = fset.Int("concurrency", 0, "`N` classes synchronisées à la fois (par défaut : une par processeur)")
		progress    = c.progressFlag(fset)
		wait        = fset.Duration("wait", defaultWait, waitFlagHelp)
		today       dateFlag
	)
	exports.register(fset, true)
	fset.Var(&today, "today", todayFlagHelp)
	if code, ok := c.parse(fset, syncHelp, args); !ok {
		return code
	}
	switch {
	case *storePath == "":
		return c.usageErr("sync", "-store est obligatoire")
	case exports.check() != "":
		return c.usageErr("sync", "%s", exports.check())
	case *asJSON && *details:
		return c.usageErr("sync", "-json et -details sont deux formes du rapport : donnez l'une ou l'autre")
	case *exitCode && !*dryRun:
		return c.usageErr("sync", "-exit-code va avec -dry-run")
	case *concurrency < 0:
		return c.usageErr("sync", "-concurrency %d est négatif", *concurrency)
	case *wait < 0:
		return c.usageErr("sync", "-wait %v est négatif", *wait)
	}
	c.setProgress(*progress)
	var selected []string
	for code := range strings.SplitSeq(*classes, ",") {
		if code = strings.TrimSpace(code); code != "" {
			selected = append(selected, code)
		}
	}

	src, msg, err := c.openExports(&exports)
	if err != nil {
		return c.refuse(msg, err)
	}
	est, err := src.Establishment(c.ctx)
	if err != nil {
		return c.refuse("les exports ne donnent pas l'établissement.", err)
	}
	st, msg, err := c.openStoreWaiting(*storePath, *dryRun, est.UAI, waits{file: *wait, database: *wait, flag: true})
	if err != nil {
		return c.refuse(msg, err)
	}
	defer st.Close()

	// A class unchanged since its last sync is not read again, unless
	// -all asks to list every record already up to date; the JSON
	// report names the classes passed over.
	opts := lsusync.Options{DryRun: *dryRun, Concurrency: *concurrency, Now: today.now, Progress: c.syncProgress(), SkipUnchanged: !*all}
	c.say("Synchronisation…")
	rep, err := lsusync.New(src, st, opts).Sync(c.ctx, selected...)
	if rep == nil {
		c.clearProgress()
		msg := syncRefusal(storeName(*storePath), *wait, err)
		var ce *lsusync.ClassesError
		if errors.As(err, &ce) && errors.Is(err, lsusync.ErrPeriodsNotConfigured) {
			msg += " Paramétrez-les : " + addClassCommand(*storePath, &exports, ce.Classes) + "."
		}
		return c.refuse(msg, err)
	}
	if codes := notInStore(rep); len(codes) > 0 && !*asJSON {
		defer fmt.Fprintf(c.stderr, "lsusync: %s de la base élèves à paramétrer dans LSU avant de la synchroniser : %s\n",
			plural(len(codes), "classe", "classes"), addClassCommand(*storePath, &exports, codes))
	}
	return c.syncEnd(rep, err, reportForm{dryRun: *dryRun, exitCode: *exitCode, all: *all, group: *group, asJSON: *asJSON, details: *details})
}

// reportForm is what the flags of sync ask of its report and exit status.
type reportForm struct {
	dryRun, exitCode, all, group, asJSON, details bool
}

// syncEnd prints what a synchronisation that started ended with, rep and
// err as Sync returned them, and returns the exit status.
func (c *cli) syncEnd(rep *lsusync.Report, err error, f reportForm) int {
	code, interrupted := c.interrupted()
	interrupted = interrupted && err != nil // else the sync ended before the signal: its report is true
	if interrupted && (f.dryRun || !pending(rep)) {
		// Nothing was written: the report, of classes not done and
		// changes discarded, would only say so at length.
		c.clearProgress()
		return c.interruptedRefusal(code, "", err)
	}
	// A large report takes a while to make: the line stays until its
	// first byte, and the table, short, is made before it is written.
	c.say("Rédaction du rapport…")
	out := &clearing{w: c.stdout, clear: c.clearProgress}
	var werr error
	if !f.asJSON && !f.details {
		var buf bytes.Buffer
		if werr = writeReport(&buf, rep, false, lsusync.TextOptions{Unchanged: f.all, Group: f.group}); werr == nil {
			_, werr = out.Write(buf.Bytes())
		}
	} else {
		werr = writeReport(out, rep, f.asJSON, lsusync.TextOptions{Unchanged: f.all, Details: f.details})
	}
	out.Write(nil)
	if werr != nil {
		fmt.Fprintf(c.stderr, "lsusync: le rapport n'a pas pu être écrit : %v\n", werr)
		return exitErrors
	}
	if interrupted {
		// A store that writes class by class wrote the classes done
		// before the signal: the report is true, and says which.
		fmt.Fprintln(c.stderr, "lsusync: la synchronisation a été interrompue à votre demande ; les modifications des classes synchronisées avant l'interruption ont été enregistrées, comme le rapport l'indique : relancez-la pour les autres.")
		fmt.Fprintf(c.stderr, "  détail : %v\n", c.withCause(err))
		return code
	}
	if err != nil {
		// A failed commit: the store wrote nothing of the batch.
		fmt.Fprintln(c.stderr, "lsusync: les modifications n'ont pas pu être enregistrées ; LSU est resté tel qu'il était.")
		fmt.Fprintf(c.stderr, "  détail : %v\n", err)
		return exitErrors
	}
	if rep.Status == lsusync.StatusError {
		return exitErrors
	}
	if f.exitCode && pending(rep) {
		return exitChanges
	}
	return exitOK
}

// clearing is a writer that calls clear once, before its first write.
type clearing struct {
	w     io.Writer
	clear func()
	done  bool
}

func (c *clearing) Write(p []byte) (int, error) {
	if !c.done {
		c.done = true
		c.clear()
	}
	if len(p) == 0 {
		return 0, nil
	}
	return c.w.Write(p)
}

// notInStore returns the classes of the exports that the report says to
// set up first (lsusync.ActionNotInStore).
func notInStore(rep *lsusync.Report) []string {
	var codes []string
	for _, it := range rep.Items {
		if it.Kind == lsusync.KindClass && it.Action == lsusync.ActionNotInStore {
			codes = append(codes, it.Key)
		}
	}
	return codes
}

// addClassCommand is the command that sets up the classes: "lsusync
// add-class -store lsu.json -dir exports -class "3EME5,3EME6"".
func addClassCommand(storePath string, e *exportFlags, codes []string) string {
	s := "lsusync add-class -store " + shellWord(storeName(storePath))
	if e.dir != "" {
		s += " -dir " + shellWord(e.dir)
	} else {
		s += " -bee " + shellWord(e.files.Eleves) + " -sts " + shellWord(e.files.STS)
	}
	return s + " -class " + shellWord(strings.Join(codes, ","))
}

// shellWord quotes s for a shell when it holds a space or a character
// the shell reads.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// pending reports whether a report holds changes to the store.
func pending(rep *lsusync.Report) bool {
	for _, it := range rep.Items {
		switch it.Action {
		case lsusync.ActionUpdated, lsusync.ActionAdded, lsusync.ActionMoved:
			return true
		}
	}
	return false
}

// writeReport prints the report in the chosen form.
func writeReport(w io.Writer, rep *lsusync.Report, asJSON bool, opts lsusync.TextOptions) error {
	if asJSON {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	return rep.Write(w, opts)
}
