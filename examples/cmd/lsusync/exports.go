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
	fset.StringVar(&e.dir, "dir", "", "folder of the SIECLE and STS-Web exports, zipped or not")
	fset.StringVar(&e.numen, "numen", "", "CSV file of the teachers' NUMEN: a header line type;id;numen, then one line per teacher, separated by ';' or ',' (optional; with -dir, instead of the folder's numen.csv)")
	if !oneByOne {
		return
	}
	fset.StringVar(&e.files.Eleves, "bee", "", "ElevesSansAdresses.xml or its zip (root BEE_ELEVES), instead of -dir")
	fset.StringVar(&e.files.STS, "sts", "", "sts_emp_<UAI>_<YEAR>.xml (root STS_EDT), with -bee")
	fset.StringVar(&e.files.Communs, "communs", "", "Communs.xml or ExportCommuns.zip (optional, with -bee)")
	fset.StringVar(&e.files.Structures, "structures", "", "Structures.xml or its zip (optional, with -bee)")
	fset.StringVar(&e.files.Nomenclature, "nomenclature", "", "Nomenclature.xml or its zip (optional, with -bee)")
}

// check returns the usage error of the flags, or "".
func (e *exportFlags) check() string {
	oneByOne := e.files.Eleves != "" || e.files.STS != "" || e.files.Communs != "" ||
		e.files.Structures != "" || e.files.Nomenclature != ""
	switch {
	case e.dir == "" && !oneByOne:
		return "give the exports: -dir FOLDER, or -bee FILE -sts FILE"
	case e.dir != "" && oneByOne:
		return "give either -dir or the files one by one, not both"
	case oneByOne && (e.files.Eleves == "" || e.files.STS == ""):
		return "-bee and -sts are required when the files are given one by one"
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
	return nil, exportsRefusal(err), err
}

// exportsRefusal says in French why the exports could not be read.
func exportsRefusal(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "les exports sont introuvables : vérifiez le dossier ou les fichiers indiqués. Aucune modification n'a été enregistrée."
	}
	return "les exports de la base élèves et de STS-Web ont été refusés : corrigez-les ou téléchargez-les de nouveau. Aucune modification n'a été enregistrée."
}

// periodsOf returns the periods of the school year for -periods and
// -year, the year defaulting to the exports'. It returns a usage error
// message, or "".
func periodsOf(count, year int, src *siecle.Source) ([]lsusync.Period, string) {
	if year == 0 {
		y, err := strconv.Atoi(src.SchoolYear())
		if err != nil || y <= 0 {
			return nil, "the exports do not give the school year (ANNEE_SCOLAIRE): give it with -year"
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
	fset.IntVar(&p.count, "periods", 3, "periods of the school year: 3 (trimesters) or 2 (semesters)")
	fset.IntVar(&p.year, "year", 0, "first year of the school year, 2025 for 2025-2026 (default: the exports' year)")
}

func (p *periodFlags) check() string {
	switch {
	case p.count != 3 && p.count != 2:
		return "-periods " + strconv.Itoa(p.count) + ": want 3 (trimesters) or 2 (semesters)"
	case p.year < 0:
		return "-year " + strconv.Itoa(p.year) + " is not a year"
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
