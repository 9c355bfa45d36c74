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

const syncAllHelp = `lsusync sync-all : synchronise les établissements d'une base de données.

Utilisation :
  lsusync sync-all -store BASE -dir DOSSIER [-workers N] [-json] [-worker NOM] [-lease DURÉE] [-wait DURÉE] [-today AAAA-MM-JJ]

DOSSIER contient un sous-dossier d'exports de SIECLE et de STS-Web par
établissement, zippés ou non, comme sync -dir les lit ; l'établissement
est celui que nomment les fichiers (leur UAI), quel que soit le nom du
sous-dossier. Chaque établissement est synchronisé selon les règles de
sync, -workers à la fois (1 par défaut), dans la base de données que
nomme -store (SQLite ou PostgreSQL), qui doit déjà le contenir
(lsusync init).

Plusieurs sync-all peuvent se partager une nuit, sur une machine ou
plusieurs, avec la même base et les mêmes dossiers : chaque établissement
est pris en charge par la base de données, et un processus qui le trouve
pris par un autre passe au suivant. Un établissement déjà synchronisé
depuis les mêmes exports (les mêmes fichiers, à l'octet près) est passé.
Celui qui a échoué, ou dont le processus a été interrompu ou tué, est
resté tel qu'il était, entier, et le prochain sync-all le reprend (la
prise en charge d'un processus tué expire après -lease). La base garde le
journal de chaque synchronisation (table sync_log : établissement,
processus, début, fin, issue, empreinte des exports).

Elle affiche une ligne par établissement dès qu'il est terminé (UAI,
statut, nombres, durée), avec ce qu'il faut faire quand il n'a pas
réussi, puis une ligne de totaux ; -json affiche la même chose en un
document JSON à la fin. La mémoire croît avec -workers, non avec le
nombre d'établissements.

Exemples :
  lsusync sync-all -store postgres://lsusync@db.example/lsu -dir /srv/exports -workers 2
  lsusync sync-all -store lsu.db -dir exports -json > nuit.json
`

// syncAllExits say what sync-all's exit statuses mean, where they differ
// from those of the other commands.
var syncAllExits = map[int]string{
	exitOK:          "chaque établissement a été synchronisé, par ce processus ou un autre, ou l'était déjà depuis les mêmes exports",
	exitErrors:      "des établissements ont échoué ou ont été refusés : leurs lignes disent pourquoi",
	exitRefused:     "refus : aucun établissement n'a été synchronisé (aucun sous-dossier, base de données injoignable…)",
	exitInterrupted: "interrompu (Ctrl-C) ; 143 pour SIGTERM ; les établissements non terminés sont restés tels qu'ils étaient",
}

func (c *cli) runSyncAll(args []string) int {
	fset := flag.NewFlagSet("sync-all", flag.ContinueOnError)
	var (
		storePath = fset.String("store", "", "base de données de LSU : SQLite (lsu.db, lsu.sqlite, sqlite:CHEMIN) ou PostgreSQL (postgres://…) (obligatoire)")
		dir       = fset.String("dir", "", "dossier contenant un sous-dossier d'exports par établissement (obligatoire)")
		workers   = fset.Int("workers", 1, "nombre d'établissements synchronisés à la fois")
		asJSON    = fset.Bool("json", false, "affiche les résultats en JSON, à la fin")
		worker    = fset.String("worker", "", "nom de ce processus dans le journal des synchronisations de la base (par défaut : MACHINE:PID)")
		lease     = fset.Duration("lease", sqlstore.DefaultLease, "durée pendant laquelle un établissement reste pris par un processus qui ne renouvelle plus sa prise en charge (tué, ou coupé de la base)")
		wait      = fset.Duration("wait", defaultWait, "durée d'attente de la fin d'une autre synchronisation d'un établissement (sync) avant de le refuser ; 0 refuse aussitôt")
		today     dateFlag
	)
	fset.Var(&today, "today", "date à laquelle sont jugées les dates de sortie des élèves et de fin des professeurs principaux, AAAA-MM-JJ (par défaut : aujourd'hui)")
	if code, ok := c.parse(fset, syncAllHelp, args); !ok {
		return code
	}
	switch {
	case *storePath == "" || *dir == "":
		return c.usageErr("sync-all", "-store et -dir sont obligatoires")
	case !isDatabase(*storePath) && !strings.Contains(*storePath, "://"):
		return c.usageErr("sync-all", "-store doit nommer une base de données (SQLite ou PostgreSQL) : un fichier LSU ne contient qu'un établissement, utilisez sync")
	case *workers < 1:
		return c.usageErr("sync-all", "-workers %d : il en faut au moins 1", *workers)
	case *lease <= 0:
		return c.usageErr("sync-all", "-lease %v : il faut une durée positive", *lease)
	case *wait < 0:
		return c.usageErr("sync-all", "-wait %v : la durée est négative", *wait)
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
