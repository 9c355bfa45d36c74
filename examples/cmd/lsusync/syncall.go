package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/siecle"
	"github.com/lsusync/lsusync/examples/sqlstore"
)

const syncAllHelp = `lsusync sync-all: synchronise many establishments of one database.

Usage:
  lsusync sync-all -store DATABASE -dir FOLDER [-workers N] [-json] [-worker NAME] [-lease D] [-wait D] [-today YYYY-MM-DD]

FOLDER holds one sub-folder of SIECLE and STS-Web exports per
establishment, zipped or not, as sync -dir reads them; the establishment
is the one the files name (their UAI), whatever the sub-folder's name.
Each establishment is synchronised with the rules of sync, -workers at
once (1 by default), into the database that -store names (SQLite or
PostgreSQL), which must already hold it (lsusync init).

Several sync-all may share one night, on one machine or several, with
the same database and the same folders: each establishment is claimed
through the database, and a process that finds it claimed by another
moves on. An establishment already synchronised from the same exports
(the same files, to the byte) is passed over. One that failed, or whose
process was interrupted or killed, is as it was before, whole, and the
next sync-all takes it again (a killed process's claim lapses after
-lease). The database keeps the log of every synchronisation (table
sync_log: establishment, process, start, end, outcome, fingerprint of the
exports).

It prints one line per establishment as it ends (UAI, status, counts,
time), with what to do when it did not succeed, then a line of totals;
-json prints the same as one JSON document at the end. Memory grows
with -workers, not with the number of establishments.

Examples:
  lsusync sync-all -store postgres://lsusync@db.example/lsu -dir /srv/exports -workers 2
  lsusync sync-all -store lsu.db -dir exports -json > nuit.json
`

// exitStatusesAll are sync-all's exit statuses.
const exitStatusesAll = `Exit status:
  0    every establishment synchronised, by this process or another, or already from the same exports
  1    some establishments failed or were refused: their lines say why
  2    usage error
  3    refused: nothing was synchronised (no sub-folder, database not reachable...)
  130  interrupted (Ctrl-C); 143 for SIGTERM; the establishments not done are whole as before
`

func (c *cli) runSyncAll(args []string) int {
	fset := flag.NewFlagSet("sync-all", flag.ContinueOnError)
	var (
		storePath = fset.String("store", "", "LSU database: SQLite (lsu.db, lsu.sqlite, sqlite:PATH) or PostgreSQL (postgres://…) (required)")
		dir       = fset.String("dir", "", "folder with one sub-folder of exports per establishment (required)")
		workers   = fset.Int("workers", 1, "establishments synchronised at once")
		asJSON    = fset.Bool("json", false, "print the results as JSON at the end")
		worker    = fset.String("worker", "", "this process's name in the database's log of syncs (default: HOSTNAME:PID)")
		lease     = fset.Duration("lease", sqlstore.DefaultLease, "how long an establishment stays claimed by a process that stopped renewing its claim (killed, or cut off the database)")
		wait      = fset.Duration("wait", defaultWait, "how long to wait for another synchronisation of an establishment (sync) to end before it is refused; 0 refuses at once")
		today     dateFlag
	)
	fset.Var(&today, "today", "date against which exit dates and end dates of professeurs principaux are judged, YYYY-MM-DD (default: today)")
	if code, ok := c.parseWith(fset, syncAllHelp, exitStatusesAll, args); !ok {
		return code
	}
	switch {
	case *storePath == "" || *dir == "":
		return c.usageErr("sync-all", "-store and -dir are required")
	case !isDatabase(*storePath) && !strings.Contains(*storePath, "://"):
		return c.usageErr("sync-all", "-store must name a database (SQLite or PostgreSQL): a file store holds one establishment, use sync")
	case *workers < 1:
		return c.usageErr("sync-all", "-workers %d: want 1 or more", *workers)
	case *lease <= 0:
		return c.usageErr("sync-all", "-lease %v: want a positive duration", *lease)
	case *wait < 0:
		return c.usageErr("sync-all", "-wait %v is negative", *wait)
	}
	if msg, err := checkStoreAddress(*storePath); err != nil {
		return c.refuse(msg, err)
	}
	folders, err := subFolders(*dir)
	if err != nil {
		return c.refuse("le dossier des exports ("+*dir+") n'a pas pu être lu : vérifiez le chemin donné à -dir."+nothing, err)
	}
	if len(folders) == 0 {
		return c.refuse("le dossier "+*dir+" ne contient aucun sous-dossier : placez-y un dossier d'exports par établissement."+nothing,
			fmt.Errorf("%s: no sub-folder", *dir))
	}

	engine, file, _ := sqlstore.ParseURL(*storePath)
	if engine == sqlstore.SQLite {
		if _, err := os.Stat(file); err != nil {
			return c.refuse(storeRefusal(file, err), err)
		}
		leaveRoomForSQLite()
	}
	db, err := sqlstore.Connect(c.ctx, *storePath)
	switch {
	case errors.Is(err, sqlstore.ErrReadOnly):
		return c.refuse(readOnlyRefusal(file), err)
	case err != nil:
		return c.refuse("la base de données de LSU n'a pas pu être ouverte : vérifiez l'adresse donnée à -store."+nothing, err)
	}
	defer db.Close()
	claims, err := sqlstore.NewClaims(c.ctx, db, sqlstore.ClaimOptions{Worker: *worker, Lease: *lease})
	if err != nil {
		return c.refuse(databaseRefusal(storeName(*storePath), "", *wait, true, err), err)
	}

	targets := make([]lsusync.Target, len(folders))
	for i, f := range folders {
		path := filepath.Join(*dir, f)
		targets[i] = lsusync.Target{
			Name: f,
			Open: func(ctx context.Context) (lsusync.Source, error) {
				return siecle.OpenDir(ctx, path, siecle.Options{})
			},
			Fingerprint: func(ctx context.Context) (string, error) { return fingerprint(ctx, path) },
		}
	}
	opts := lsusync.ManyOptions{
		Workers: *workers,
		Sync:    lsusync.Options{Now: today.now, SkipUnchanged: true},
		Store: func(ctx context.Context, uai string) (lsusync.Store, error) {
			return sqlstore.Open(ctx, db, uai, sqlstore.Options{LockTimeout: lockTimeout(*wait)})
		},
		Claimer: claims,
	}
	if !*asJSON {
		opts.Done = func(r lsusync.ManyResult) { writeResult(c.stdout, r, storeName(*storePath), *wait) }
	}
	sum, err := lsusync.SyncMany(c.ctx, targets, opts)
	if sum == nil {
		return c.refuse("la synchronisation des établissements n'a pas pu être lancée."+nothing, err)
	}
	if *asJSON {
		if werr := writeSummaryJSON(c.stdout, sum, claims.Worker(), storeName(*storePath), *wait); werr != nil {
			fmt.Fprintf(c.stderr, "lsusync: le résultat n'a pas pu être écrit : %v\n", werr)
			return exitErrors
		}
	} else {
		fmt.Fprintln(c.stdout, totalsLine(sum))
	}
	if code, ok := c.interrupted(); ok && err != nil {
		fmt.Fprintln(c.stderr, "lsusync: la synchronisation des établissements a été interrompue à votre demande ; ceux qui n'ont pas été synchronisés sont restés tels qu'ils étaient : relancez sync-all pour eux.")
		fmt.Fprintf(c.stderr, "  détail : %v\n", c.withCause(err))
		return code
	}
	if !sum.OK() {
		return exitErrors
	}
	return exitOK
}

// subFolders returns the names of dir's sub-folders, hidden ones aside,
// sorted.
func subFolders(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// fingerprint returns the SHA-256, in hex, of the files of the exports
// folder dir that siecle.OpenDir reads (*.xml, *.zip and numen.csv,
// hidden files aside): their names, sizes and contents, in name order.
func fingerprint(ctx context.Context, dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, e := range entries { // os.ReadDir sorts by name
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if strings.HasPrefix(name, ".") || e.IsDir() || (ext != ".xml" && ext != ".zip" && !strings.EqualFold(name, "numen.csv")) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return "", err
		}
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00", name)
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", filepath.Join(dir, name), err)
		}
		fmt.Fprintf(h, "\x00%d\x00", n)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// statusText is an establishment's status as sync-all prints it.
var statusText = map[lsusync.ManyStatus]string{
	lsusync.ManySynced:        "synchronisé",
	lsusync.ManyErrors:        "en erreur",
	lsusync.ManyRefused:       "refusé",
	lsusync.ManyClaimed:       "pris par un autre processus",
	lsusync.ManyAlreadySynced: "déjà synchronisé depuis ces exports",
	lsusync.ManyInterrupted:   "interrompu",
}

// advice says in French why an establishment did not succeed and what
// to do; "" for one that needs nothing.
func advice(r lsusync.ManyResult, store string, wait time.Duration) string {
	switch r.Status {
	case lsusync.ManyErrors:
		if r.Counts.Errors > 0 {
			return "des classes n'ont pas pu être synchronisées (" + plural(r.Counts.Errors, "erreur", "erreurs") +
				") : lancez « lsusync sync » sur ses exports pour le rapport détaillé, puis relancez sync-all."
		}
		return "les modifications n'ont pas pu être enregistrées ; l'établissement est resté tel qu'il était : relancez sync-all."
	case lsusync.ManyInterrupted:
		return "interrompu avant la fin ; l'établissement est resté tel qu'il était : relancez sync-all."
	case lsusync.ManyRefused:
	default:
		return ""
	}
	switch r.Stage {
	case "source":
		return "le dossier " + r.Name + " : " + exportsRefusal(r.Err)
	case "store":
		if errors.Is(r.Err, lsusync.ErrNotFound) {
			return "l'établissement " + r.UAI + " n'est pas dans cette base de données : créez-le d'abord avec « lsusync init -store … -dir " + r.Name + " », puis relancez sync-all."
		}
		return databaseRefusal(store, r.UAI, wait, true, r.Err)
	case "sync":
		return syncRefusal(store, wait, r.Err)
	}
	return "la base de données n'a pas pu enregistrer la prise en charge de l'établissement : relancez sync-all." + nothing
}

// writeResult prints the line of an establishment, and for one that did
// not succeed what to do and the technical detail.
func writeResult(w io.Writer, r lsusync.ManyResult, store string, wait time.Duration) {
	uai := r.UAI
	if uai == "" {
		uai = "(UAI inconnu)"
	}
	line := uai + " (" + r.Name + ") : " + statusText[r.Status]
	if r.Status == lsusync.ManySynced || r.Status == lsusync.ManyErrors {
		n := r.Counts
		line += " — " + plural(r.Classes, "classe", "classes") + ", " + plural(r.Pupils, "élève", "élèves") +
			" (" + strconv.Itoa(n.StudentsAdded) + " ajoutés, " + strconv.Itoa(n.StudentsUpdated) + " mis à jour, " + strconv.Itoa(n.StudentsMoved) + " changés de classe), " +
			"bilans : " + strconv.Itoa(n.BilansAdded) + " créés, " + strconv.Itoa(n.BilansUpdated) + " mis à jour, " +
			plural(n.Warnings, "avertissement", "avertissements") + ", " + plural(n.Errors, "erreur", "erreurs")
	}
	line += " — " + frenchDuration(r.Duration.Round(time.Millisecond))
	fmt.Fprintln(w, line)
	if a := advice(r, store, wait); a != "" {
		fmt.Fprintln(w, "  "+a)
	}
	if r.Err != nil && r.Status != lsusync.ManyClaimed {
		fmt.Fprintf(w, "  détail : %v\n", r.Err)
	}
}

// totalsLine is the closing line of sync-all.
func totalsLine(sum *lsusync.ManySummary) string {
	t := sum.Totals
	rate := ""
	if s := sum.Duration.Seconds(); s > 0 && sum.Pupils > 0 {
		rate = " (" + strconv.Itoa(int(float64(sum.Pupils)/s)) + " élèves par seconde)"
	}
	return "Total : " + plural(len(sum.Results), "établissement", "établissements") + " en " + frenchDuration(sum.Duration.Round(10*time.Millisecond)) + " — " +
		strconv.Itoa(t[lsusync.ManySynced]) + " synchronisés, " + strconv.Itoa(t[lsusync.ManyErrors]) + " en erreur, " +
		strconv.Itoa(t[lsusync.ManyRefused]) + " refusés, " + strconv.Itoa(t[lsusync.ManyClaimed]) + " pris par un autre processus, " +
		strconv.Itoa(t[lsusync.ManyAlreadySynced]) + " déjà synchronisés depuis ces exports, " + strconv.Itoa(t[lsusync.ManyInterrupted]) + " interrompus ; " +
		plural(sum.Pupils, "élève synchronisé", "élèves synchronisés") + rate + "."
}

// resultJSON is an establishment in sync-all's JSON.
type resultJSON struct {
	Folder      string         `json:"folder"`
	UAI         string         `json:"uai,omitempty"`
	Status      string         `json:"status"`
	Classes     int            `json:"classes"`
	Pupils      int            `json:"pupils"`
	Counts      lsusync.Counts `json:"counts"`
	Seconds     float64        `json:"seconds"`
	Fingerprint string         `json:"fingerprint,omitempty"`
	Stage       string         `json:"stage,omitempty"`
	Message     string         `json:"message,omitempty"` // in French: what to do
	Error       string         `json:"error,omitempty"`   // the technical detail
}

// summaryJSON is sync-all's JSON.
type summaryJSON struct {
	Worker  string         `json:"worker"`
	Results []resultJSON   `json:"results"`
	Totals  map[string]int `json:"totals"`
	Pupils  int            `json:"pupils"`
	Seconds float64        `json:"seconds"`
	OK      bool           `json:"ok"`
}

func writeSummaryJSON(w io.Writer, sum *lsusync.ManySummary, worker, store string, wait time.Duration) error {
	out := summaryJSON{Worker: worker, Totals: make(map[string]int), Pupils: sum.Pupils, Seconds: sum.Duration.Seconds(), OK: sum.OK(),
		Results: make([]resultJSON, 0, len(sum.Results))}
	for s, n := range sum.Totals {
		out.Totals[s.String()] = n
	}
	for _, r := range sum.Results {
		j := resultJSON{Folder: r.Name, UAI: r.UAI, Status: r.Status.String(), Classes: r.Classes, Pupils: r.Pupils, Counts: r.Counts,
			Seconds: r.Duration.Seconds(), Fingerprint: r.Fingerprint, Stage: r.Stage, Message: advice(r, store, wait)}
		if r.Err != nil {
			j.Error = r.Err.Error()
		}
		out.Results = append(out.Results, j)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
