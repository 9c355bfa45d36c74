// Command lsusync performs the LSU "Synchronisation Base Élèves" from the
// SIECLE and STS-Web exports of an establishment into a store file (see
// package github.com/lsusync/lsusync/examples/filestore), and prints the
// report.
//
// Usage:
//
//	lsusync init -store lsu.json -dir EXPORTS [-periods 3|2] [-year YYYY] [-today YYYY-MM-DD]
//	lsusync sync -store lsu.json (-dir EXPORTS | -bee F -sts F [-communs F] [-structures F]
//	             [-nomenclature F] [-numen F]) [-classes 3EME1,3EME2] [-dry-run]
//	             [-json | -details] [-concurrency N] [-today YYYY-MM-DD]
//
// init creates a new store file from the exports of a folder: the
// establishment, the teachers, every class with its periods (trimesters,
// or semesters with -periods 2, of the exports' school year), the pupils
// who have not left, and an empty bilan per pupil and period with its
// subjects, their teachers and the professeurs principaux, as a
// synchronisation would make them. It refuses to replace an existing file.
//
// sync synchronises the store from the exports, of every class or of the
// classes given with -classes, and prints the report: the French table LSU
// shows (no personal data), with -details the field-level changes (personal
// data), with -json the report as JSON. -dry-run computes the same report
// and writes nothing: the store file stays byte for byte as it was.
//
// -today sets the date against which exit dates and the end dates of
// professeurs principaux are judged; it defaults to the current date.
//
// Exit status: 0 when the synchronisation succeeded, warnings included; 1
// when some classes ended in error; 2 for usage errors and refusals
// (periods not configured, wrong establishment, unknown class, malformed
// exports, corrupt store file, store in use by another process), with the
// message on standard error. When standard error is a terminal, a progress
// line tells how many classes are done.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/siecle"
)

// Exit statuses.
const (
	exitOK      = 0 // success, warnings included
	exitErrors  = 1 // the report has errors
	exitRefused = 2 // usage error or refusal: nothing written
)

const usage = `usage:
  lsusync init -store lsu.json -dir EXPORTS [-periods 3|2] [-year YYYY] [-today YYYY-MM-DD]
  lsusync sync -store lsu.json (-dir EXPORTS | -bee F -sts F [-communs F] [-structures F]
               [-nomenclature F] [-numen F]) [-classes 3EME1,3EME2] [-dry-run]
               [-json | -details] [-concurrency N] [-today YYYY-MM-DD]
Run "lsusync init -h" or "lsusync sync -h" for the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command with its arguments and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitRefused
	}
	switch args[0] {
	case "init":
		return runInit(ctx, args[1:], stdout, stderr)
	case "sync":
		return runSync(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "lsusync: unknown command %q\n%s", args[0], usage)
	return exitRefused
}

// failf prints an error message and returns exitRefused.
func failf(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "lsusync: "+format+"\n", args...)
	return exitRefused
}

// parse parses the flags of a subcommand; ok false means stop with code.
func parse(fset *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitRefused, false // the flag package printed the error
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(fset.Output(), "lsusync %s: unexpected arguments: %q\n", fset.Name(), fset.Args())
		return exitRefused, false
	}
	return 0, true
}

// dateFlag is a -today flag: a date, the current date by default.
type dateFlag struct{ d lsusync.Date }

func (f *dateFlag) String() string { return f.d.String() }

func (f *dateFlag) Set(s string) error {
	d, err := lsusync.ParseDate(s)
	if err != nil || d.IsZero() {
		return fmt.Errorf("want a date YYYY-MM-DD")
	}
	f.d = d
	return nil
}

// now returns the clock of the synchronisation: the -today date at noon
// when given, else the current time.
func (f *dateFlag) now() time.Time {
	if f.d.IsZero() {
		return time.Now()
	}
	return time.Date(f.d.Year, f.d.Month, f.d.Day, 12, 0, 0, 0, time.Local)
}

func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("init", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var (
		store   = fset.String("store", "", "store file to create (required)")
		dir     = fset.String("dir", "", "folder of the SIECLE and STS-Web exports (required)")
		periods = fset.Int("periods", 3, "periods of the school year: 3 (trimesters) or 2 (semesters)")
		year    = fset.Int("year", 0, "first year of the school year, 2025 for 2025-2026 (default: the exports' year)")
		today   dateFlag
	)
	fset.Var(&today, "today", "date for exit dates and end dates of professeurs principaux, YYYY-MM-DD (default: today)")
	if code, ok := parse(fset, args); !ok {
		return code
	}
	switch {
	case *store == "" || *dir == "":
		return failf(stderr, "init: -store and -dir are required")
	case *periods != 3 && *periods != 2:
		return failf(stderr, "init: -periods %d: want 3 (trimesters) or 2 (semesters)", *periods)
	case *year < 0:
		return failf(stderr, "init: -year %d is not a year", *year)
	}
	if _, err := os.Lstat(*store); err == nil {
		return failf(stderr, "init: %s already exists; init never replaces a store (remove it first, or use sync)", *store)
	}
	src, err := siecle.OpenDir(ctx, *dir, siecle.Options{})
	if err != nil {
		return failf(stderr, "reading the exports: %v", err)
	}
	if *year == 0 {
		if *year, err = strconv.Atoi(src.SchoolYear()); err != nil || *year <= 0 {
			return failf(stderr, "init: the exports do not give the school year (ANNEE_SCOLAIRE): give it with -year")
		}
	}
	list := make([]lsusync.Period, *periods)
	for i := range list {
		list[i] = lsusync.Period{Year: *year, Index: i + 1, Count: *periods}
	}
	snap, err := gen.Init(ctx, src, list, lsusync.DateOf(today.now()))
	if err != nil {
		return failf(stderr, "init: %v", err)
	}
	st, err := filestore.Create(*store, snap)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return failf(stderr, "init: %s already exists; init never replaces a store", *store)
		}
		return failf(stderr, "init: %v", err)
	}
	if err := st.Close(); err != nil {
		return failf(stderr, "init: %v", err)
	}
	kind := "trimesters"
	if *periods == 2 {
		kind = "semesters"
	}
	fmt.Fprintf(stdout, "%s created: establishment %s, %d classes (%d %s of %d-%d), %d pupils, %d teachers, %d bilans.\n",
		*store, snap.Establishment.UAI, len(snap.Classes), *periods, kind, *year, *year+1,
		len(snap.Students), len(snap.Teachers), len(snap.Bilans))
	return exitOK
}

func runSync(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("sync", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var (
		store       = fset.String("store", "", "store file (required)")
		dir         = fset.String("dir", "", "folder of the SIECLE and STS-Web exports (or the files one by one)")
		files       siecle.Files
		classes     = fset.String("classes", "", "classes to synchronise, comma-separated (default: every class)")
		dryRun      = fset.Bool("dry-run", false, "compute the report and write nothing")
		asJSON      = fset.Bool("json", false, "print the report as JSON")
		details     = fset.Bool("details", false, "print the field-level changes (personal data)")
		concurrency = fset.Int("concurrency", 0, "classes synchronised at once (default: one per CPU)")
		today       dateFlag
	)
	fset.StringVar(&files.Eleves, "bee", "", "ElevesSansAdresses.xml or its zip (root BEE_ELEVES)")
	fset.StringVar(&files.STS, "sts", "", "sts_emp_<UAI>_<YEAR>.xml (root STS_EDT)")
	fset.StringVar(&files.Communs, "communs", "", "Communs.xml or ExportCommuns.zip (optional)")
	fset.StringVar(&files.Structures, "structures", "", "Structures.xml or its zip (optional)")
	fset.StringVar(&files.Nomenclature, "nomenclature", "", "Nomenclature.xml or its zip (optional)")
	fset.StringVar(&files.NUMEN, "numen", "", "CSV file of the teachers' NUMEN: type,id,numen (optional)")
	fset.Var(&today, "today", "date for exit dates and end dates of professeurs principaux, YYYY-MM-DD (default: today)")
	if code, ok := parse(fset, args); !ok {
		return code
	}
	oneByOne := files != (siecle.Files{})
	switch {
	case *store == "":
		return failf(stderr, "sync: -store is required")
	case *dir == "" && !oneByOne:
		return failf(stderr, "sync: give the exports: -dir FOLDER, or -bee FILE -sts FILE")
	case *dir != "" && oneByOne:
		return failf(stderr, "sync: give either -dir or the files one by one, not both")
	case oneByOne && (files.Eleves == "" || files.STS == ""):
		return failf(stderr, "sync: -bee and -sts are required when the files are given one by one")
	case *asJSON && *details:
		return failf(stderr, "sync: -json already holds the details; give one of -json and -details")
	case *concurrency < 0:
		return failf(stderr, "sync: -concurrency %d is negative", *concurrency)
	}
	var selected []string
	for c := range strings.SplitSeq(*classes, ",") {
		if c = strings.TrimSpace(c); c != "" {
			selected = append(selected, c)
		}
	}

	var src *siecle.Source
	var err error
	if *dir != "" {
		src, err = siecle.OpenDir(ctx, *dir, siecle.Options{})
	} else {
		src, err = siecle.Open(ctx, files, siecle.Options{})
	}
	if err != nil {
		return failf(stderr, "reading the exports: %v", err)
	}
	st, err := filestore.Open(*store, filestore.Options{ReadOnly: *dryRun})
	if err != nil {
		return failf(stderr, "%v", err)
	}
	defer st.Close()

	opts := lsusync.Options{DryRun: *dryRun, Concurrency: *concurrency, Now: today.now}
	progress := isTerminal(stderr)
	if progress {
		opts.Progress = func(p lsusync.Progress) {
			fmt.Fprintf(stderr, "\rclasses %d/%d", p.Done, p.Total)
		}
	}
	rep, err := lsusync.New(src, st, opts).Sync(ctx, selected...)
	if progress {
		fmt.Fprint(stderr, "\r\x1b[K") // clear the progress line
	}
	if rep == nil {
		return failf(stderr, "%s", refusal(err))
	}
	if werr := writeReport(stdout, rep, *asJSON, *details); werr != nil {
		return failf(stderr, "writing the report: %v", werr)
	}
	if err != nil {
		// A failed commit or an interruption: the file store discards
		// the whole batch.
		fmt.Fprintf(stderr, "lsusync: the synchronisation did not complete, nothing was written: %v\n", err)
		return exitErrors
	}
	if rep.Status == lsusync.StatusError {
		return exitErrors
	}
	return exitOK
}

// refusal explains why Sync refused to start; nothing was written.
func refusal(err error) string {
	var ce *lsusync.ClassesError
	var ee *lsusync.EstablishmentError
	switch {
	case errors.As(err, &ce) && errors.Is(err, lsusync.ErrPeriodsNotConfigured):
		return fmt.Sprintf("refused: no period is configured in the store for %s: configure the periods of %s first; nothing was written",
			plural(len(ce.Classes), "class", "classes"), strings.Join(ce.Classes, ", "))
	case errors.As(err, &ce) && errors.Is(err, lsusync.ErrUnknownClass):
		return fmt.Sprintf("refused: the exports have no class %s; nothing was written", strings.Join(ce.Classes, ", "))
	case errors.As(err, &ee):
		return fmt.Sprintf("refused: the exports are those of establishment %s, the store is that of %s; nothing was written",
			ee.Source, ee.Store)
	}
	return fmt.Sprintf("refused: %v; nothing was written", err)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// writeReport prints the report in the chosen form.
func writeReport(w io.Writer, rep *lsusync.Report, asJSON, details bool) error {
	switch {
	case asJSON:
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case details:
		return rep.WriteDetails(w)
	}
	return rep.WriteText(w)
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
