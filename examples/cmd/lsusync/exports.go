package main

import (
	"errors"
	"flag"
	"io/fs"
	"strconv"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/siecle"
)

// exportFlags are the flags that name the SIECLE and STS-Web exports: a
// folder, or the files one by one; and the NUMEN file.
type exportFlags struct {
	dir   string
	files siecle.Files
	numen string
}

// register defines the flags on fset; oneByOne adds the flags of the files
// given one by one.
func (e *exportFlags) register(fset *flag.FlagSet, oneByOne bool) {
	fset.StringVar(&e.dir, "dir", "", "`DOSSIER` des exports de SIECLE et de STS-Web, zippés ou non")
	fset.StringVar(&e.numen, "numen", "", "`FICHIER` CSV des NUMEN des enseignants : une ligne d'en-tête type;id;numen, puis une ligne par enseignant, séparées par « ; » ou « , » (facultatif ; avec -dir, à la place du numen.csv du dossier)")
	if !oneByOne {
		return
	}
	fset.StringVar(&e.files.Eleves, "bee", "", "`FICHIER` ElevesSansAdresses.xml ou son zip (racine BEE_ELEVES), à la place de -dir")
	fset.StringVar(&e.files.STS, "sts", "", "`FICHIER` sts_emp_UAI_ANNÉE.xml (racine STS_EDT), avec -bee")
	fset.StringVar(&e.files.Communs, "communs", "", "`FICHIER` Communs.xml ou ExportCommuns.zip (facultatif, avec -bee)")
	fset.StringVar(&e.files.Structures, "structures", "", "`FICHIER` Structures.xml ou son zip (facultatif, avec -bee)")
	fset.StringVar(&e.files.Nomenclature, "nomenclature", "", "`FICHIER` Nomenclature.xml ou son zip (facultatif, avec -bee)")
}

// check returns the usage error of the flags, or "".
func (e *exportFlags) check() string {
	oneByOne := e.files.Eleves != "" || e.files.STS != "" || e.files.Communs != "" ||
		e.files.Structures != "" || e.files.Nomenclature != ""
	switch {
	case e.dir == "" && !oneByOne:
		return "donnez les exports : -dir DOSSIER, ou -bee FICHIER -sts FICHIER"
	case e.dir != "" && oneByOne:
		return "donnez -dir ou les fichiers un par un, pas les deux"
	case oneByOne && (e.files.Eleves == "" || e.files.STS == ""):
		return "-bee et -sts sont obligatoires quand les fichiers sont donnés un par un"
	}
	return ""
}

// open reads the exports. On failure it returns the French message to
// print before the error.
func (c *cli) openExports(e *exportFlags) (*siecle.Source, string, error) {
	c.say("Lecture des exports…")
	var src *siecle.Source
	var err error
	if e.dir != "" {
		src, err = siecle.OpenDir(c.ctx, e.dir, siecle.Options{NUMEN: e.numen})
	} else {
		src, err = siecle.Open(c.ctx, e.files, siecle.Options{NUMEN: e.numen})
	}
	if err == nil {
		return src, "", nil
	}
	var se *siecle.Error
	switch {
	case errors.As(err, &se):
		// The file and what is wrong with it, in French.
		return nil, lsusync.RefusalText(err), err
	case errors.Is(err, fs.ErrNotExist):
		return nil, "les exports sont introuvables : vérifiez le dossier ou les fichiers indiqués." + nothing, err
	}
	return nil, "les exports de la base élèves et de STS-Web n'ont pas pu être lus." + nothing, err
}

// periodsOf returns the periods of the school year for -periods and
// -year, the year defaulting to the exports'. It returns a usage error
// message, or "".
func periodsOf(count, year int, src *siecle.Source) ([]lsusync.Period, string) {
	if year == 0 {
		y, err := strconv.Atoi(src.SchoolYear())
		if err != nil || y <= 0 {
			return nil, "les exports ne donnent pas l'année scolaire (ANNEE_SCOLAIRE) : donnez-la avec -year"
		}
		year = y
	}
	if count == 2 {
		return lsusync.Semesters(year), ""
	}
	return lsusync.Trimesters(year), ""
}

// periodFlags are the -periods and -year flags of init and add-class.
type periodFlags struct{ count, year int }

func (p *periodFlags) register(fset *flag.FlagSet) {
	fset.IntVar(&p.count, "periods", 3, "`N` périodes de l'année scolaire : 3 (trimestres) ou 2 (semestres)")
	fset.IntVar(&p.year, "year", 0, "`ANNÉE` où commence l'année scolaire, 2025 pour 2025-2026 (par défaut : celle des exports)")
}

func (p *periodFlags) check() string {
	switch {
	case p.count != 3 && p.count != 2:
		return "-periods " + strconv.Itoa(p.count) + " : 3 (trimestres) ou 2 (semestres) attendu"
	case p.year < 0:
		return "-year " + strconv.Itoa(p.year) + " n'est pas une année"
	}
	return ""
}

// periodsText names periods in French: "T1 T2 T3 (2025-2026)".
func periodsText(ps []lsusync.Period) string {
	if len(ps) == 0 {
		return "non paramétrées"
	}
	s := ""
	for _, p := range ps {
		s += p.String() + " "
	}
	return s + "(" + strconv.Itoa(ps[0].Year) + "-" + strconv.Itoa(ps[0].Year+1) + ")"
}
