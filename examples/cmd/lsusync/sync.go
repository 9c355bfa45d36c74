package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/lsusync/lsusync"
)

const syncHelp = `lsusync sync: synchronise LSU from the SIECLE and STS-Web exports.

Usage:
  lsusync sync -store lsu.json -dir EXPORTS [flags]
  lsusync sync -store lsu.json -bee ElevesSansAdresses.zip -sts sts_emp_UAI_YEAR.xml [-communs F] [-structures F] [-nomenclature F] [flags]

It updates the establishment, the teachers, the selected classes (every
class by default), their pupils and the non-locked bilans en saisie directe
of their pupils, under the rules of the synchronisation, and prints the
report as LSU shows it: what changed, without personal data. Nothing is
written when it refuses to start: the refusal is printed in French, then
its technical detail.

A class whose exports and stored records are both as its last
synchronisation left them is not read again: the report says it is
unchanged, without listing its pupils and bilans. -all reads and lists
every class; so does -json, whose report holds every item, with its
field-level changes (-all adds nothing to it).

One synchronisation of a store runs at a time: a second one waits -wait
(30 s by default) for the first to end, then is refused, writing nothing.
For a file store, it waits as long for any command that has the store
open (serve holds it while it runs).

On a terminal, it says on standard error what it is doing; -progress
says it there in any case, one line per step, for logs. Interrupted
(Ctrl-C, SIGTERM) before its end, it writes nothing and prints no report,
only that it was interrupted.

Examples:
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
		classes     = fset.String("classes", "", "classes to synchronise, comma-separated (default: every class)")
		dryRun      = fset.Bool("dry-run", false, "compute the report and write nothing")
		exitCode    = fset.Bool("exit-code", false, "with -dry-run: exit with status 4 when the synchronisation would change the store")
		all         = fset.Bool("all", false, "also list what was already up to date")
		asJSON      = fset.Bool("json", false, "print the report as JSON (every item, with its field-level changes: personal data)")
		details     = fset.Bool("details", false, "print the field-level changes under each line (personal data)")
		concurrency = fset.Int("concurrency", 0, "classes synchronised at once (default: one per CPU)")
		progress    = c.progressFlag(fset)
		wait        = fset.Duration("wait", defaultWait, waitFlagHelp)
		today       dateFlag
	)
	exports.register(fset, true)
	fset.Var(&today, "today", "date against which exit dates and end dates of professeurs principaux are judged, YYYY-MM-DD (default: today)")
	if code, ok := c.parse(fset, syncHelp, args); !ok {
		return code
	}
	switch {
	case *storePath == "":
		return c.usageErr("sync", "-store is required")
	case exports.check() != "":
		return c.usageErr("sync", "%s", exports.check())
	case *asJSON && *details:
		return c.usageErr("sync", "-json and -details are two forms of the report; give one of them")
	case *exitCode && !*dryRun:
		return c.usageErr("sync", "-exit-code goes with -dry-run")
	case *concurrency < 0:
		return c.usageErr("sync", "-concurrency %d is negative", *concurrency)
	case *wait < 0:
		return c.usageErr("sync", "-wait %v is negative", *wait)
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
	// -all asks to list every record already up to date, or -json for
	// every item.
	opts := lsusync.Options{DryRun: *dryRun, Concurrency: *concurrency, Now: today.now, Progress: c.syncProgress(), SkipUnchanged: !*all && !*asJSON}
	c.say("Synchronisation…")
	rep, err := lsusync.New(src, st, opts).Sync(c.ctx, selected...)
	if rep == nil {
		c.clearProgress()
		return c.refuse(syncRefusal(storeName(*storePath), *wait, err), err)
	}
	return c.syncEnd(rep, err, reportForm{dryRun: *dryRun, exitCode: *exitCode, all: *all, asJSON: *asJSON, details: *details})
}

// reportForm is what the flags of sync ask of its report and exit status.
type reportForm struct {
	dryRun, exitCode, all, asJSON, details bool
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
	// The report of 100,000 pupils takes a second to make: the line stays
	// until its first byte, and the table, short, is made before it is
	// written.
	c.say("Rédaction du rapport…")
	out := &clearing{w: c.stdout, clear: c.clearProgress}
	var werr error
	if !f.asJSON && !f.details {
		var buf bytes.Buffer
		if werr = writeReport(&buf, rep, false, lsusync.TextOptions{Unchanged: f.all}); werr == nil {
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
