// Command lsusync performs the LSU "Synchronisation Base Élèves" from the
// SIECLE and STS-Web exports of an establishment into an LSU store, and
// prints the report as LSU shows it.
//
// Usage:
//
//	lsusync init      -store lsu.json -dir EXPORTS [-periods 3|2] [-year AAAA] [-progress]
//	lsusync sync      -store lsu.json -dir EXPORTS [-classes 3EME1,3EME2] [-dry-run [-exit-code]] [-all] [-group] [-details | -json] [-progress]
//	lsusync classes   -store lsu.json [-dir EXPORTS]
//	lsusync add-class -store lsu.json -dir EXPORTS (-class 3EME5 | -new) [-periods 3|2] [-year AAAA]
//	lsusync serve     -store lsu.json -dir EXPORTS [-addr 127.0.0.1:8080]
//	lsusync -version
//
// init creates a store from the exports: the establishment, every class
// with its periods, then a first synchronisation adds the teachers, the
// pupils who have not left and an empty bilan per pupil and period. sync
// synchronises the store and prints the report: what changed, a row per
// pupil and teacher, without personal data; -all adds what was already up
// to date, -group merges the rows that say the same thing, -details the
// field-level changes with the pupils' and teachers' names (personal
// data), -json the typed report. classes
// lists the store's classes with their periods, and with -dir the classes
// of the exports still to set up; add-class sets them up, as LSU's period
// settings do. serve serves the same in a browser, as LSU's screen. Run
// "lsusync COMMAND -h" for a command's flags, examples and exit statuses.
//
// -store names the LSU store: a file (lsu.json, the file store), an
// SQLite database (lsu.db, lsu.sqlite, sqlite:PATH) or a PostgreSQL URL
// (postgres://…), where the establishment is the one of the exports. Every
// command works on each, with the same reports and exit statuses.
//
// The command speaks French: its help, usage errors and refusals (flag
// names aside). Refusals are printed as LSU words them, the file and its
// problem first for refused exports, followed by their technical detail;
// nothing is written. When standard error is a
// terminal, the command says what it is doing while it works, on one line
// that it rewrites; with -progress (init and sync), it says it on
// standard error whatever it is, one line per step, for logs.
//
// An interrupted init or sync (Ctrl-C, SIGTERM) prints no report: it
// says in French that it was interrupted, with the technical detail, and
// exits with 130 (143 for SIGTERM). Each of the command's stores writes
// a synchronisation at once, at its end, so an interrupted one writes
// nothing, and an interrupted init leaves no file store behind; a sync
// interrupted once its changes are written ends as if the signal had come
// after it, with its report.
//
// Exit status: 0 success (warnings included); 1 the report has errors or
// the store could not be written; 2 usage error; 3 refused, nothing
// written; 4 with sync -dry-run -exit-code, the sync would change the
// store; 130 interrupted (Ctrl-C; 143 for SIGTERM).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/sqlstore"
)

// Exit statuses.
const (
	exitOK          = 0   // success, warnings included
	exitErrors      = 1   // the report has errors, or the store could not be written
	exitUsage       = 2   // usage error
	exitRefused     = 3   // refused before any write
	exitChanges     = 4   // a dry run with -exit-code found changes to make
	exitInterrupted = 130 // 128 + SIGINT
)

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (e *interrupted) Error() string { return "interrupted by " + e.sig.String() }

// code returns the shell's exit status for the signal: 128 + its number.
func (e *interrupted) code() int {
	if s, ok := e.sig.(syscall.Signal); ok && s == syscall.SIGTERM {
		return 128 + int(syscall.SIGTERM)
	}
	return exitInterrupted
}

// The garbage collector's settings, unless the GOGC and GOMEMLIMIT
// environment variables set them. The command runs once and ends: the
// heap may grow to five times what it holds (gcPercent) before a
// collection, for less collecting, but never beyond memoryLimit, so that
// the process stays under 1 GiB (BENCHMARKS.md has the figures).
const (
	gcPercent   = 400
	memoryLimit = 960 << 20
)

// leaveRoomForSQLite lowers the command's memory limit, unless GOMEMLIMIT
// sets it, by the memory of SQLite's page caches, which live outside the
// Go heap: the process stays under 1 GiB with an SQLite store too.
func leaveRoomForSQLite() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit - sqlstore.SQLiteMemory)
	}
}

func main() { os.Exit(mainStatus()) }

// mainStatus runs the command as main does and returns its exit status.
func mainStatus() int {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		signal.Stop(sigs) // a second Ctrl-C stops the process at once
		cancel(&interrupted{sig})
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel(nil)
	return code
}

// run runs the command with its arguments and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return exitUsage
	}
	c := &cli{ctx: ctx, stdout: stdout, stderr: stderr, cmd: args[0]}
	if isTerminal(stderr) {
		c.progress = progressTerminal
	}
	if cmd := commandNamed(args[0]); cmd != nil {
		return cmd.run(c, args[1:])
	}
	switch args[0] {
	case "-version", "--version", "version":
		fmt.Fprintln(stdout, "lsusync", version())
		return exitOK
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage())
		return exitOK
	}
	fmt.Fprintf(stderr, "lsusync : commande inconnue « %s »\n%s", args[0], usage())
	return exitUsage
}

// version returns the module version the command was built from, with the
// revision when the build recorded one, and the Go version.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(version inconnue)"
	}
	return versionOf(bi)
}

// versionOf returns the version that bi describes: the module version,
// then the revision unless the version already holds it (a pseudo-version
// of a checkout build, v0.0.0-20261206120000-0123456789ab+dirty), then
// the Go version.
func versionOf(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 && !strings.Contains(v, s.Value[:12]) {
			v += " " + s.Value[:12]
		}
	}
	return v + " " + bi.GoVersion
}

// cli is one run of the command: its context and output streams.
type cli struct {
	ctx            context.Context
	stdout, stderr io.Writer
	cmd            string       // the command: init, sync...
	progress       progressMode // how to say what is being done
	said           string       // the last line said in lines, and when
	saidAt         time.Time
}

// progressMode is how the command says what it is doing, on stderr.
type progressMode int

const (
	progressNone     progressMode = iota // it does not
	progressTerminal                     // on one line it rewrites: stderr is a terminal
	progressLines                        // one line per step, for logs (-progress)
)

// progressFlag defines the -progress flag of init and sync on fset.
func (c *cli) progressFlag(fset *flag.FlagSet) *bool {
	return fset.Bool("progress", false, "dire ce qui est fait sur la sortie d'erreur même si ce n'est pas un terminal, en quelques lignes (pour les journaux)")
}

// setProgress applies the -progress flag: lines, unless stderr is a
// terminal.
func (c *cli) setProgress(on bool) {
	if on && c.progress == progressNone {
		c.progress = progressLines
	}
}

// refuse prints a refusal, in French then its technical detail, and
// returns its exit status: the signal's when the user interrupted the
// command, exitRefused otherwise. Nothing was written.
func (c *cli) refuse(french string, err error) int {
	c.clearProgress()
	if code, ok := c.interrupted(); ok {
		return c.interruptedRefusal(code, "", err)
	}
	fmt.Fprintln(c.stderr, "lsusync: "+french)
	if err != nil {
		fmt.Fprintf(c.stderr, "  détail : %v\n", err)
	}
	return exitRefused
}

// interruptedRefusal says that the user interrupted the command before
// it wrote anything, then more (a sentence, or ""), then err's detail, and
// returns code. A synchronisation (init, sync) says it as LSU does
// (lsusync.RefusalText).
func (c *cli) interruptedRefusal(code int, more string, err error) int {
	text := "la commande a été interrompue à votre demande ; aucune modification n'a été enregistrée."
	if c.cmd == "sync" || c.cmd == "init" {
		text = lsusync.RefusalText(context.Canceled)
	}
	if more != "" {
		text += " " + more
	}
	fmt.Fprintln(c.stderr, "lsusync: "+text)
	if err != nil {
		fmt.Fprintf(c.stderr, "  détail : %v\n", c.withCause(err))
	}
	return code
}

// withCause returns err, followed by the signal that interrupted the
// command when err does not say it.
func (c *cli) withCause(err error) string {
	var in *interrupted
	if cause := context.Cause(c.ctx); errors.As(cause, &in) && !errors.As(err, &in) {
		return err.Error() + " (" + in.Error() + ")"
	}
	return err.Error()
}

// interrupted reports whether a signal cancelled the command, and the exit
// status it calls for.
func (c *cli) interrupted() (int, bool) {
	var in *interrupted
	if errors.As(context.Cause(c.ctx), &in) {
		return in.code(), true
	}
	return 0, false
}

// say tells the user what the command is doing: on a terminal, on the
// line it rewrites; with -progress, on a line of its own.
func (c *cli) say(format string, args ...any) {
	switch c.progress {
	case progressTerminal:
		fmt.Fprintf(c.stderr, "\r\x1b[K"+format, args...)
	case progressLines:
		// A log gets a line again only when it says something new, or
		// every repeatEvery while it waits.
		line := fmt.Sprintf(format, args...)
		if line == c.said && time.Since(c.saidAt) < repeatEvery {
			return
		}
		c.said, c.saidAt = line, time.Now()
		fmt.Fprintln(c.stderr, line)
	}
}

// repeatEvery is how often a log says again what the command is still
// doing, such as waiting for a store in use.
const repeatEvery = 10 * time.Second

// clearProgress erases the progress line of a terminal.
func (c *cli) clearProgress() {
	if c.progress == progressTerminal {
		fmt.Fprint(c.stderr, "\r\x1b[K")
	}
}

// sayStep tells how far a long step has gone, done of total, as say
// does: on a terminal at each percent, in lines at each tenth (the first
// call included), so that a log holds about ten such lines. last holds
// the previous step said, -1 at first.
func (c *cli) sayStep(last *int64, done, total int64, format string, args ...any) {
	step := done * 100 / max(total, 1)
	if c.progress == progressLines {
		step = done * 10 / max(total, 1)
	}
	if step != *last {
		*last = step
		c.say(format, args...)
	}
}

// syncProgress is the Progress option of a synchronisation: the classes
// done, then the writing.
func (c *cli) syncProgress() func(lsusync.Progress) {
	if c.progress == progressNone {
		return nil
	}
	last := int64(-1)
	return func(p lsusync.Progress) { // called under the synchronizer's lock
		if p.Committing {
			c.say("Enregistrement des modifications…")
			return
		}
		if c.progress == progressTerminal {
			c.say("Synchronisation des classes : %d/%d", p.Done, p.Total)
			return
		}
		c.sayStep(&last, int64(p.Done), int64(p.Total), "Synchronisation des classes : %d/%d", p.Done, p.Total)
	}
}

// todayFlagHelp is the help of the -today flag.
const todayFlagHelp = "`DATE` AAAA-MM-JJ à laquelle sont jugées les dates de sortie des élèves et de fin des professeurs principaux (par défaut : aujourd'hui)"

// dateFlag is a -today flag: a date, the current date by default.
type dateFlag struct{ d lsusync.Date }

func (f *dateFlag) String() string { return f.d.String() }

func (f *dateFlag) Set(s string) error {
	d, err := lsusync.ParseDate(s)
	if err != nil || d.IsZero() {
		return errors.New("une date AAAA-MM-JJ est attendue")
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

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
