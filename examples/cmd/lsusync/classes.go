package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/lsusync/lsusync"
)

const classesHelp = `lsusync classes : liste les classes de LSU avec leurs périodes.

Utilisation :
  lsusync classes -store lsu.json [-dir EXPORTS]

Elle liste les classes de LSU avec leur libellé et leurs périodes. Une
classe sans périodes bloque toute synchronisation, comme dans LSU :
paramétrez ses périodes avec add-class. Avec les exports, elle liste
aussi les classes de la base élèves que LSU n'a pas encore, à paramétrer
avec add-class, et les classes de LSU que la base élèves n'a plus. Elle
n'enregistre rien, et lit LSU même pendant qu'une autre commande
(serve, sync) s'en sert.

Exemples :
  lsusync classes -store lsu.json
  lsusync classes -store lsu.json -dir ~/Téléchargements/exports
`

func (c *cli) runClasses(args []string) int {
	fset := flag.NewFlagSet("classes", flag.ContinueOnError)
	var (
		exports   exportFlags
		storePath = fset.String("store", "", storeFlagHelp)
		uai       = fset.String("uai", "", "avec une base de données de plusieurs établissements et sans les exports : l'`UAI` de l'établissement")
	)
	exports.register(fset, true)
	if code, ok := c.parse(fset, classesHelp, args); !ok {
		return code
	}
	if *storePath == "" {
		return c.usageErr("classes", "-store est obligatoire")
	}
	withExports := exports.dir != "" || exports.files.Eleves != "" || exports.files.STS != ""
	if withExports && exports.check() != "" {
		return c.usageErr("classes", "%s", exports.check())
	}
	var srcCodes []string
	srcLabels := map[string]string{}
	if withExports {
		src, msg, err := c.openExports(&exports)
		if err != nil {
			return c.refuse(msg, err)
		}
		est, err := src.Establishment(c.ctx)
		if err != nil {
			return c.refuse("les exports ne donnent pas l'établissement.", err)
		}
		*uai = est.UAI
		if srcCodes, err = src.ClassCodes(c.ctx); err != nil {
			return c.refuse("les exports ne donnent pas les classes.", err)
		}
		for _, code := range srcCodes {
			if d, err := src.Class(c.ctx, code); err == nil {
				srcLabels[code] = d.Label
			}
		}
	}
	st, msg, err := c.openStore(*storePath, true, *uai)
	if err != nil {
		return c.refuse(msg, err)
	}
	defer st.Close()
	stored, err := st.Classes(c.ctx)
	if err != nil {
		return c.refuse("LSU ne donne pas ses classes.", err)
	}
	c.clearProgress()
	slices.SortFunc(stored, func(a, b lsusync.Class) int { return strings.Compare(a.Code, b.Code) })

	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprint(w, "Classe\tLibellé\tPériodes")
	if withExports {
		fmt.Fprint(w, "\tBase élèves")
	}
	fmt.Fprintln(w)
	inStore := map[string]bool{}
	missing := 0
	for _, cl := range stored {
		inStore[cl.Code] = true
		if len(cl.Periods) == 0 {
			missing++
		}
		fmt.Fprintf(w, "%s\t%s\t%s", cl.Code, cl.Label, periodsText(cl.Periods))
		if withExports {
			state := "présente"
			if !slices.Contains(srcCodes, cl.Code) {
				state = "absente"
			}
			fmt.Fprint(w, "\t"+state)
		}
		fmt.Fprintln(w)
	}
	var toSetUp []string
	for _, code := range srcCodes {
		if !inStore[code] {
			toSetUp = append(toSetUp, code)
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", code, srcLabels[code], "à paramétrer", "nouvelle")
		}
	}
	if err := w.Flush(); err != nil {
		return exitErrors
	}
	if missing > 0 {
		fmt.Fprintf(c.stdout, "\n%s sans périodes : aucune synchronisation n'est possible avant qu'elles soient paramétrées (lsusync add-class).\n",
			plural(missing, "classe", "classes"))
	}
	if len(toSetUp) > 0 {
		fmt.Fprintf(c.stdout, "\n%s de la base élèves à paramétrer : %s (ou -new pour toutes).\n",
			plural(len(toSetUp), "classe", "classes"), addClassCommand(*storePath, &exports, toSetUp))
	}
	return exitOK
}

const addClassHelp = `lsusync add-class : paramètre dans LSU des classes de la base élèves, avec leurs périodes.

Utilisation :
  lsusync add-class -store lsu.json -dir EXPORTS -class 3EME5[,3EME6] [-periods 3|2] [-year AAAA]
  lsusync add-class -store lsu.json -dir EXPORTS -new [-periods 3|2] [-year AAAA]

Comme le paramétrage des périodes de LSU, elle ajoute chaque classe que
les exports ont et que LSU n'a pas, avec son libellé des exports et les
périodes de l'année scolaire (trimestres, ou semestres avec -periods 2) ;
une classe que LSU a sans périodes les reçoit. La synchronisation suivante
remplit la classe de ses élèves et de leurs bilans. -new paramètre chaque
classe des exports que LSU n'a pas. Une classe déjà paramétrée est
refusée, et ses périodes restent telles qu'elles sont.

Exemples :
  lsusync add-class -store lsu.json -dir exports -class 3EME5
  lsusync add-class -store lsu.json -dir exports -new -periods 2
`

func (c *cli) runAddClass(args []string) int {
	fset := flag.NewFlagSet("add-class", flag.ContinueOnError)
	var (
		exports   exportFlags
		periods   periodFlags
		storePath = fset.String("store", "", storeFlagHelp)
		classes   = fset.String("class", "", "`CLASSES` à paramétrer, séparées par des virgules")
		all       = fset.Bool("new", false, "paramétrer chaque classe des exports que LSU n'a pas")
	)
	exports.register(fset, true)
	periods.register(fset)
	if code, ok := c.parse(fset, addClassHelp, args); !ok {
		return code
	}
	var codes []string
	for code := range strings.SplitSeq(*classes, ",") {
		if code = strings.TrimSpace(code); code != "" {
			codes = append(codes, code)
		}
	}
	switch {
	case *storePath == "":
		return c.usageErr("add-class", "-store est obligatoire")
	case exports.check() != "":
		return c.usageErr("add-class", "%s", exports.check())
	case len(codes) == 0 && !*all, len(codes) > 0 && *all:
		return c.usageErr("add-class", "donnez les classes avec -class, ou -new pour chaque classe nouvelle")
	case periods.check() != "":
		return c.usageErr("add-class", "%s", periods.check())
	}
	src, msg, err := c.openExports(&exports)
	if err != nil {
		return c.refuse(msg, err)
	}
	list, problem := periodsOf(periods.count, periods.year, src)
	if problem != "" {
		return c.usageErr("add-class", "%s", problem)
	}
	est, err := src.Establishment(c.ctx)
	if err != nil {
		return c.refuse("les exports ne donnent pas l'établissement.", err)
	}
	st, msg, err := c.openStore(*storePath, false, est.UAI)
	if err != nil {
		return c.refuse(msg, err)
	}
	defer st.Close()
	if *all {
		srcCodes, err := src.ClassCodes(c.ctx)
		if err != nil {
			return c.refuse("les exports ne donnent pas les classes.", err)
		}
		stored, err := st.Classes(c.ctx)
		if err != nil {
			return c.refuse("LSU ne donne pas ses classes.", err)
		}
		for _, code := range srcCodes {
			if !slices.ContainsFunc(stored, func(cl lsusync.Class) bool { return cl.Code == code && len(cl.Periods) > 0 }) {
				codes = append(codes, code)
			}
		}
		slices.Sort(codes)
	}
	c.clearProgress()
	s := lsusync.New(src, st, lsusync.Options{})
	for _, code := range codes {
		class, err := s.SetUpClass(c.ctx, code, list)
		switch {
		case errors.Is(err, lsusync.ErrAlreadySetUp):
			return c.refuse("la classe "+code+" est déjà paramétrée : ses périodes ne sont pas modifiées. Aucune modification n'a été enregistrée.", err)
		case err != nil:
			return c.refuse("la classe "+code+" n'a pas été paramétrée. "+lsusync.RefusalText(err), err)
		}
		fmt.Fprintf(c.stdout, "La classe %s (%s) est paramétrée : %s.\n", class.Code, class.Label, periodsText(class.Periods))
	}
	if len(codes) == 0 {
		fmt.Fprintln(c.stdout, "Toutes les classes de la base élèves sont déjà paramétrées.")
	} else {
		fmt.Fprintln(c.stdout, "Lancez « lsusync sync » pour y ajouter les élèves et leurs bilans.")
	}
	return exitOK
}

// plural returns n followed by the singular form for 0 and 1, as French
// does, and by the plural form otherwise.
func plural(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprint(n, " ", one)
	}
	return fmt.Sprint(n, " ", many)
}
