package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/lsufile"
)

const exportHelp = `lsusync export : écrire les bilans de LSU dans un fichier d'import LSU.

Utilisation :
  lsusync export -store lsu.json [-classes 3EME1,3EME2] [-periods T1,T2] [-imported] [-schema 7.0|3.0] [-strict] -o FICHIER

Il écrit les bilans périodiques du store, des classes et des périodes
choisies (toutes par défaut), dans un fichier d'import LSU (lsun-bilans,
Échanges de données > Import), puis affiche le rapport. Les bilans en
saisie directe, verrouillés ou non, sont écrits ; -imported y ajoute les
bilans importés d'un autre logiciel. Le fichier suit la version 7.0 du
schéma, ou la version 3.0 (-schema 3.0), que GEPI, SACoche et l'ENT lisent
aussi.

Aucune valeur n'est inventée : un bilan qui ne peut pas être valide
(synthèse manquante, acquis sans enseignant...) n'est pas écrit, et le
rapport le nomme par classe, période et ELEVE_ID, avec la raison. Avec
-strict, un seul de ces bilans fait refuser tout le fichier. Deux exports
du même store donnent le même fichier, octet pour octet.

Le fichier n'est remplacé qu'une fois écrit en entier : un export refusé
ou interrompu laisse FICHIER tel qu'il était. L'en-tête du fichier nomme
lsusync comme logiciel (editeur, application et sa version).

Exemples :
  lsusync export -store lsu.json -o bilans.xml
  lsusync export -store lsu.json -classes 3EME1,3EME2 -periods T1 -o bilans-T1.xml
  lsusync export -store lsu.db -schema 3.0 -strict -o bilans.xml
  lsusync export -store lsu.json -o bilans.xml -json > rapport.json
`

func (c *cli) runExport(args []string) int {
	fset := flag.NewFlagSet("export", flag.ContinueOnError)
	var (
		storePath = fset.String("store", "", storeFlagHelp)
		uai       = fset.String("uai", "", "avec une base de plusieurs établissements : l'UAI de l'établissement")
		classes   = fset.String("classes", "", "classes à exporter, séparées par des virgules (par défaut : toutes)")
		periods   = fset.String("periods", "", "périodes à exporter, séparées par des virgules : T1,T2 (par défaut : toutes)")
		imported  = fset.Bool("imported", false, "écrire aussi les bilans importés d'un autre logiciel")
		schema    = fset.String("schema", lsufile.Version7, "version du schéma du fichier : 7.0 ou 3.0")
		strict    = fset.Bool("strict", false, "refuser tout le fichier si un bilan ne peut pas être valide")
		out       = fset.String("o", "", "fichier à écrire (obligatoire)")
		asJSON    = fset.Bool("json", false, "afficher le rapport en JSON")
		progress  = c.progressFlag(fset)
	)
	if code, ok := c.parse(fset, exportHelp, args); !ok {
		return code
	}
	switch {
	case *storePath == "":
		return c.usageErr("export", "-store est obligatoire")
	case *out == "":
		return c.usageErr("export", "-o est obligatoire : le fichier à écrire")
	case *schema != lsufile.Version7 && *schema != lsufile.Version3:
		return c.usageErr("export", "-schema %q : la version est 7.0 ou 3.0", *schema)
	}
	c.setProgress(*progress)
	st, msg, err := c.openStore(*storePath, true, *uai)
	if err != nil {
		return c.refuse(msg, err)
	}
	defer st.Close()

	opts := lsufile.ExportOptions{
		Identity: commandIdentity(),
		Schema:   *schema,
		Classes:  splitList(*classes),
		Periods:  splitList(*periods),
		Imported: *imported,
		Strict:   *strict,
		Progress: c.fileProgress(),
	}
	c.say("Export des bilans…")
	rep, err := writeAtomically(*out, func(f *os.File) (*lsufile.Report, error) {
		return lsufile.Export(c.ctx, st, f, opts)
	})
	c.clearProgress()
	if code, ok := c.interrupted(); ok && err != nil {
		return c.interruptedRefusal(code, "Aucun fichier n'a été écrit.", err)
	}
	if err != nil {
		if rep != nil && (errors.Is(err, lsufile.ErrNothingToExport) || errors.Is(err, lsufile.ErrInvalidBilans)) {
			// The report says which bilans and why.
			if code := c.printFileReport(rep, *asJSON, lsufile.TextOptions{}); code != exitOK {
				return code
			}
		}
		return c.refuse(exportRefusal(*out, err), err)
	}
	if code := c.printFileReport(rep, *asJSON, lsufile.TextOptions{}); code != exitOK {
		return code
	}
	if rep.Status == lsusync.StatusError {
		return exitErrors
	}
	return exitOK
}

// exportRefusal is the French refusal of an export that wrote nothing.
func exportRefusal(out string, err error) string {
	var ce *lsusync.ClassesError
	switch {
	case errors.Is(err, lsufile.ErrNothingToExport):
		return "aucun bilan ne peut être écrit : aucun n'est choisi, ou aucun ne peut être valide (le rapport dit pourquoi). Aucun fichier n'a été écrit."
	case errors.Is(err, lsufile.ErrInvalidBilans):
		return "des bilans ne peuvent pas être valides et -strict refuse tout le fichier (le rapport les nomme). Aucun fichier n'a été écrit."
	case errors.As(err, &ce):
		return "des classes demandées ne sont pas dans LSU : " + strings.Join(ce.Classes, ", ") + ". Aucun fichier n'a été écrit."
	case errors.Is(err, lsufile.ErrUnknownPeriod):
		return "une période demandée n'est celle d'aucune des classes choisies : vérifiez -periods (T1, T2, T3 ou S1, S2). Aucun fichier n'a été écrit."
	case errors.Is(err, lsufile.ErrStoreChanged):
		return "LSU a été modifié pendant l'export : relancez-le. Aucun fichier n'a été écrit."
	case errors.Is(err, lsusync.ErrInvalid):
		return "LSU ne permet pas d'écrire le fichier (l'établissement ou l'en-tête n'est pas valide). Aucun fichier n'a été écrit."
	}
	return "le fichier " + out + " n'a pas pu être écrit. Aucun fichier n'a été écrit."
}

// commandIdentity is the header of the files the command writes: lsusync,
// at the module version it was built from (none for a checkout build).
func commandIdentity() lsufile.Identity {
	id := lsufile.Identity{Editor: "lsusync", Application: "lsusync"}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" && len(bi.Main.Version) <= 50 {
		id.Version = bi.Main.Version
	}
	return id
}

// writeAtomically writes path with write, through a temporary file of its
// folder that replaces path only once write returned no error and the
// file is on disk: a refused or interrupted write leaves path as it was.
func writeAtomically(path string, write func(*os.File) (*lsufile.Report, error)) (*lsufile.Report, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	rep, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return rep, err
	}
	return rep, nil
}

// splitList splits a comma-separated flag, without blanks.
func splitList(s string) []string {
	var out []string
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// fileProgress is the Progress option of an export or an import.
func (c *cli) fileProgress() func(lsufile.Progress) {
	if c.progress == progressNone {
		return nil
	}
	return func(p lsufile.Progress) {
		if p.Total > 0 {
			c.say("%s : %d/%d", p.Step, p.Done, p.Total)
			return
		}
		c.say("%s : %d", p.Step, p.Done)
	}
}

// printFileReport prints the report of an export or an import, as text
// or JSON, and returns exitOK, or exitErrors when it could not.
func (c *cli) printFileReport(rep *lsufile.Report, asJSON bool, opts lsufile.TextOptions) int {
	var err error
	if asJSON {
		err = writeJSON(c.stdout, rep)
	} else {
		err = rep.Write(c.stdout, opts)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "lsusync: le rapport n'a pas pu être écrit : %v\n", err)
		return exitErrors
	}
	return exitOK
}
