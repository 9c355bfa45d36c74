package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// command is one of lsusync's commands: its name, the arguments its line
// of the usage shows, the exit statuses it can return, and what runs it.
// A new command is one more entry of commands.
type command struct {
	name  string
	args  string
	exits []int
	run   func(c *cli, args []string) int
}

// commands returns the commands, in the order of the usage.
func commands() []command {
	return []command{
		{"init", "-store lsu.json -dir EXPORTS [-periods 3|2] [-year AAAA] [-progress]",
			[]int{exitOK, exitErrors, exitUsage, exitRefused, exitInterrupted}, (*cli).runInit},
		{"sync", "-store lsu.json -dir EXPORTS [-classes 3EME1,3EME2] [-dry-run [-exit-code]] [-all] [-group] [-details | -json] [-progress]",
			[]int{exitOK, exitErrors, exitUsage, exitRefused, exitChanges, exitInterrupted}, (*cli).runSync},
		{"classes", "-store lsu.json [-dir EXPORTS]",
			[]int{exitOK, exitErrors, exitUsage, exitRefused, exitInterrupted}, (*cli).runClasses},
		{"add-class", "-store lsu.json -dir EXPORTS (-class 3EME5 | -new) [-periods 3|2] [-year AAAA]",
			[]int{exitOK, exitUsage, exitRefused, exitInterrupted}, (*cli).runAddClass},
		{"serve", "-store lsu.json -dir EXPORTS [-addr 127.0.0.1:8080]",
			[]int{exitOK, exitErrors, exitUsage, exitRefused, exitInterrupted}, (*cli).runServe},
	}
}

// commandNamed returns the command of that name, or nil.
func commandNamed(name string) *command {
	cs := commands()
	for i := range cs {
		if cs[i].name == name {
			return &cs[i]
		}
	}
	return nil
}

// usage is the command's usage, which lsusync alone or -h prints.
func usage() string {
	var b strings.Builder
	b.WriteString("lsusync effectue la « Synchronisation Base Élèves » de LSU à partir des exports\nde SIECLE et de STS-Web d'un établissement.\n\nUtilisation :\n")
	width := 0
	for _, c := range commands() {
		width = max(width, len(c.name))
	}
	for _, c := range commands() {
		fmt.Fprintf(&b, "  lsusync %-*s %s\n", width, c.name, c.args)
	}
	b.WriteString("  lsusync -version\n\n« lsusync COMMANDE -h » décrit une commande : ses options, des exemples et ses statuts de sortie.\n")
	return b.String()
}

// exitMeanings say in French what each exit status means.
var exitMeanings = map[int]string{
	exitOK:          "succès, avertissements compris",
	exitErrors:      "le rapport a des erreurs (des classes ont échoué), ou LSU n'a pas pu être enregistré",
	exitUsage:       "erreur d'utilisation (option inconnue, manquante ou invalide)",
	exitRefused:     "refus : rien n'a été enregistré (exports refusés, périodes non paramétrées, LSU occupé…)",
	exitChanges:     "avec -dry-run -exit-code : la synchronisation modifierait LSU",
	exitInterrupted: "interrompu (Ctrl-C) ; 143 pour SIGTERM",
}

// exitHelp lists the exit statuses of a command, for its help.
func exitHelp(codes []int) string {
	var b strings.Builder
	b.WriteString("Statuts de sortie :\n")
	for _, code := range codes {
		fmt.Fprintf(&b, "  %-4d %s\n", code, exitMeanings[code])
	}
	return b.String()
}

// printHelp prints a command's help: its description, its options with
// their defaults, and its exit statuses.
func printHelp(w io.Writer, help string, fset *flag.FlagSet) {
	fmt.Fprint(w, help)
	fmt.Fprintln(w, "\nOptions :")
	fset.VisitAll(func(f *flag.Flag) {
		name, text := flag.UnquoteUsage(f)
		line := "  -" + f.Name
		if name != "" {
			line += " " + frenchType(name)
		}
		fmt.Fprintln(w, line)
		text = strings.ReplaceAll(text, "\n", "\n    \t")
		switch f.DefValue {
		case "", "0", "false", "0s":
		default:
			text += " (par défaut : " + f.DefValue + ")"
		}
		fmt.Fprintln(w, "    \t"+text)
	})
	if c := commandNamed(fset.Name()); c != nil {
		fmt.Fprint(w, "\n"+exitHelp(c.exits))
	}
}

// frenchType names in French the value of a flag whose usage names none
// between backquotes.
func frenchType(name string) string {
	switch name {
	case "string":
		return "TEXTE"
	case "int":
		return "N"
	case "duration":
		return "DURÉE"
	case "value":
		return "VALEUR"
	}
	return name
}

// The flag package's errors, which frenchFlagError translates.
var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: (.*)$`)
	missingValue  = regexp.MustCompile(`^flag needs an argument: (.*)$`)
	badSyntax     = regexp.MustCompile(`^bad flag syntax: (.*)$`)
	badValue      = regexp.MustCompile(`^invalid value (".*") for flag (-\S+): (.*)$`)
	badBool       = regexp.MustCompile(`^invalid boolean value (".*") for (-\S+): .*$`)
	badBoolFlag   = regexp.MustCompile(`^invalid boolean flag (\S+): .*$`)
)

// frenchFlagError says in French the error of the flag package.
func frenchFlagError(err error) string {
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		return "option inconnue : " + m[1]
	}
	if m := missingValue.FindStringSubmatch(msg); m != nil {
		return "l'option " + m[1] + " attend une valeur"
	}
	if m := badSyntax.FindStringSubmatch(msg); m != nil {
		return "option mal écrite : " + m[1]
	}
	if m := badValue.FindStringSubmatch(msg); m != nil {
		cause := m[3]
		switch cause {
		case "parse error":
			cause = "ce n'est pas une valeur de ce type (un nombre, une durée comme 30s ou 2m)"
		case "value out of range":
			cause = "valeur hors limites"
		}
		return "valeur " + frenchQuote(m[1]) + " invalide pour l'option " + m[2] + " : " + cause
	}
	if m := badBool.FindStringSubmatch(msg); m != nil {
		return "valeur " + frenchQuote(m[1]) + " invalide pour l'option " + m[2] + " : true ou false attendu"
	}
	if m := badBoolFlag.FindStringSubmatch(msg); m != nil {
		return "valeur invalide pour l'option -" + m[1] + " : true ou false attendu"
	}
	return msg
}

// frenchQuote writes a Go-quoted string between French quotes.
func frenchQuote(quoted string) string {
	return "« " + strings.TrimSuffix(strings.TrimPrefix(quoted, `"`), `"`) + " »"
}

// parse parses the flags of a command. On -h it prints help to stdout;
// ok false means stop with code.
func (c *cli) parse(fset *flag.FlagSet, help string, args []string) (code int, ok bool) {
	// The flag package prints a parsing error before returning it: it
	// would be printed twice, and in English.
	fset.SetOutput(io.Discard)
	fset.Usage = func() {}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(c.stdout, help, fset)
			return exitOK, false
		}
		return c.usageErr(fset.Name(), "%s", frenchFlagError(err)), false
	}
	if fset.NArg() > 0 {
		return c.usageErr(fset.Name(), "arguments inattendus : %s", strings.Join(fset.Args(), " ")), false
	}
	return 0, true
}

// usageErr prints a usage error of a command and returns exitUsage.
func (c *cli) usageErr(cmd, format string, args ...any) int {
	fmt.Fprintf(c.stderr, "lsusync %s : %s\n« lsusync %s -h » décrit la commande.\n", cmd, fmt.Sprintf(format, args...), cmd)
	return exitUsage
}
