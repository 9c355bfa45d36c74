package main

import (
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/lsufile"
)

const importHelp = `lsusync import : importer dans LSU les bilans d'un fichier d'import LSU.

Utilisation :
  lsusync import -store lsu.json [-dry-run] [-all | -json] [-progress] FICHIER

Il lit un fichier d'import LSU (lsun-bilans, versions 2.0 à 7.0, tel que
GEPI, SACoche, Pronote ou l'ENT l'écrivent) et importe ses bilans
périodiques comme LSU le fait : en bilans importés, qu'aucune
synchronisation ne modifie, pour les élèves que LSU connaît et les périodes
de leur classe. Il ne remplace jamais un bilan verrouillé, ni un bilan en
saisie directe qui a un contenu (le rapport les nomme) ; il remplace un
bilan importé auparavant (un fichier corrigé, importé à nouveau). Importer
deux fois le même fichier ne modifie rien la seconde fois. Un élève ou une
période que LSU n'a pas est signalé, jamais créé ; ce que LSU ne peut pas
garder (bilans de cycle...) est compté sur une ligne du rapport.

Un fichier que le schéma de LSU refuse est refusé en entier, avec sa ligne,
son élément et la règle enfreinte, et rien n'est enregistré. L'import est
enregistré en une fois, à la fin : interrompu, il n'enregistre rien.
-dry-run simule l'import et n'enregistre rien.

Exemples :
  lsusync import -store lsu.json -dry-run bilans.xml
  lsusync import -store lsu.json bilans.xml
  lsusync import -store lsu.db -json bilans.xml > rapport.json
`

func (c *cli) runImport(args []string) int {
	fset := flag.NewFlagSet("import", flag.ContinueOnError)
	var (
		storePath = fset.String("store", "", storeFlagHelp)
		dryRun    = fset.Bool("dry-run", false, "simuler l'import : calculer le rapport sans rien enregistrer")
		all       = fset.Bool("all", false, "lister aussi les bilans déjà tels que le fichier les donne")
		asJSON    = fset.Bool("json", false, "afficher le rapport en JSON")
		progress  = c.progressFlag(fset)
		wait      = fset.Duration("wait", defaultWait, waitFlagHelp)
	)
	path, code, ok := c.parseWithFile(fset, importHelp, args)
	if !ok {
		return code
	}
	switch {
	case *storePath == "":
		return c.usageErr("import", "-store est obligatoire")
	case path == "":
		return c.usageErr("import", "donnez le fichier à importer")
	case *asJSON && *all:
		return c.usageErr("import", "-json donne déjà tout le rapport ; -all ne va pas avec -json")
	case *wait < 0:
		return c.usageErr("import", "-wait %v est négatif", *wait)
	}
	c.setProgress(*progress)

	// The file is checked whole before the store is opened: a refused
	// file leaves the store untouched, and its establishment chooses the
	// database's.
	f, err := os.Open(path)
	if err != nil {
		return c.refuse("le fichier "+path+" ne peut pas être lu."+nothing, err)
	}
	defer f.Close()
	c.say("Lecture du fichier…")
	file, err := lsufile.Read(c.ctx, f, path, lsufile.ReadOptions{}, nil)
	if err != nil {
		return c.refuse(fileRefusal(path, err), err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return c.refuse("le fichier "+path+" ne peut pas être lu."+nothing, err)
	}
	st, msg, err := c.openStoreWaiting(*storePath, *dryRun, file.UAI, waits{file: *wait, database: *wait, flag: true})
	if err != nil {
		return c.refuse(msg, err)
	}
	defer st.Close()

	c.say("Import des bilans…")
	rep, err := lsufile.Import(c.ctx, st, f, path, lsufile.ImportOptions{DryRun: *dryRun, Progress: c.fileProgress()})
	c.clearProgress()
	if code, ok := c.interrupted(); ok && err != nil {
		return c.interruptedRefusal(code, "", err)
	}
	if err != nil {
		return c.refuse(importRefusal(path, err), err)
	}
	if code := c.printFileReport(rep, *asJSON, lsufile.TextOptions{Unchanged: *all}); code != exitOK {
		return code
	}
	if rep.Status == lsusync.StatusError {
		return exitErrors
	}
	return exitOK
}

// fileRefusal is the French refusal of a file the reader refused: where,
// and why in the reader's words in the detail.
func fileRefusal(path string, err error) string {
	var fe *lsufile.Error
	if !errors.As(err, &fe) {
		return "le fichier " + path + " ne peut pas être lu." + nothing
	}
	where := "le fichier " + path
	if fe.Line > 0 {
		where += ", ligne " + strconv.Itoa(fe.Line)
	}
	if fe.Element != "" {
		where += ", élément <" + fe.Element + ">"
	}
	var why string
	switch {
	case errors.Is(err, lsufile.ErrTooLarge):
		why = "est trop volumineux pour un fichier d'import LSU"
	case errors.Is(err, lsufile.ErrEncoding):
		why = "n'est pas dans un encodage que LSU lit (UTF-8, ISO-8859-1, ISO-8859-15, windows-1252)"
	case errors.Is(err, lsufile.ErrSyntax):
		why = "n'est pas un fichier XML bien formé (ou contient un DOCTYPE)"
	case errors.Is(err, lsufile.ErrReference):
		why = "contient une référence qui ne désigne pas l'élément attendu"
	default:
		why = "n'est pas conforme au schéma du fichier d'import LSU"
	}
	return where + " : le fichier " + why + " ; il est refusé (la règle enfreinte est dans le détail)." + nothing
}

// importRefusal is the French refusal of an import that wrote nothing.
func importRefusal(path string, err error) string {
	var ee *lsusync.EstablishmentError
	switch {
	case errors.As(err, &ee):
		return "le fichier " + path + " est celui d'un autre établissement (UAI " + ee.Source + ") que LSU (UAI " + ee.Store + ")." + nothing
	case errors.As(err, new(*lsufile.Error)):
		return fileRefusal(path, err)
	}
	return "les bilans n'ont pas pu être enregistrés ; LSU est resté tel qu'il était."
}

// parseWithFile parses the flags of a command that takes one file, given
// before or after its flags, and returns that file ("" when none). ok
// false means stop with code, as for parse.
func (c *cli) parseWithFile(fset *flag.FlagSet, help string, args []string) (file string, code int, ok bool) {
	i := operand(fset, args)
	if i < 0 {
		code, ok = c.parse(fset, help, args)
		return "", code, ok
	}
	rest := append(append([]string(nil), args[:i]...), args[i+1:]...)
	if args[i] == "--" {
		// The file follows "--", even when it starts with "-".
		if i+1 >= len(args) {
			code, ok = c.parse(fset, help, args[:i])
			return "", code, ok
		}
		file, rest = args[i+1], append(append([]string(nil), args[:i]...), args[i+2:]...)
	} else {
		file = args[i]
	}
	code, ok = c.parse(fset, help, rest)
	return file, code, ok
}

// operand returns the index in args of the first argument that is no
// flag nor a flag's value ("--" included), or -1.
func operand(fset *flag.FlagSet, args []string) int {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return i
		}
		if len(a) < 2 || a[0] != '-' {
			return i
		}
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		fl := fset.Lookup(name)
		if fl == nil {
			continue // an unknown flag: parse says so
		}
		if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		i++ // the flag's value
	}
	return -1
}

// writeJSON writes v as indented JSON, with a newline.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
