package siecle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// notices are the notices of a Source as build makes them: in French, for
// the school's staff, in LSU's register; they name files, elements, codes
// and record keys, never a person.
type notices []lsusync.Notice

func (ns *notices) add(status lsusync.Status, where, format string, args ...any) {
	*ns = append(*ns, lsusync.Notice{Status: status, Message: fmt.Sprintf(format, args...), Where: where})
}

// concern sets the records of the last notice added, when it counts more
// than one.
func (ns *notices) concern(records []string) {
	if len(records) > 1 {
		(*ns)[len(*ns)-1].Records = records
	}
}

// where locates a notice: "file:line element (record)", each part when
// known.
func where(file string, line int, elem, record string) string {
	var b strings.Builder
	b.WriteString(file)
	if line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(line))
	}
	if elem != "" {
		b.WriteByte(' ')
		b.WriteString(elem)
	}
	if record != "" {
		b.WriteString(" (")
		b.WriteString(record)
		b.WriteByte(')')
	}
	return b.String()
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// skipped: a file of the folder that is a SIECLE export the sync does not
// need. A warning, so that the user sees what was not read.
func (ns *notices) skipped(p *parsed) {
	ns.add(lsusync.StatusWarning, where(p.name, 0, p.root, ""),
		"Le fichier %s (export %s de SIECLE : %s) n'est pas lu : la synchronisation n'en a pas besoin.", p.name, p.root, skippedRoots[p.root])
}

// unexpected: the elements the reader found in a list beside its items,
// one notice per element name, with their count. A warning: they may
// carry data the sync needs. The names that are not the exports', in a
// list of personal data, are counted together, without their names.
func (ns *notices) unexpected(p *parsed) {
	system := "SIECLE"
	if p.kind == KindSTS {
		system = "STS-Web"
	}
	for _, u := range p.unknown {
		first := ""
		if len(u.records) > 0 {
			first = u.records[0]
		}
		elem, what := u.parent+"/"+u.name, u.name+plural(u.count, " inattendu", " inattendus")
		if u.name == "" {
			// A name that is not one of the exports', in a list of
			// personal data: it may be a value, and is not shown.
			elem = u.parent
			what = plural(u.count, "inattendu, d'un nom que les exports n'emploient pas (non affiché),",
				"inattendus, de noms que les exports n'emploient pas (non affichés),")
		}
		ns.add(lsusync.StatusWarning, where(p.name, u.line, elem, first),
			"%d %s %s dans %s, où %s écrit %s, %s : %s ne sont pas synchronisées.",
			u.count, plural(u.count, "élément", "éléments"), what, u.parent, system, u.want,
			plural(u.count, "n'est pas lu", "ne sont pas lus"), plural(u.count, "les données qu'il porte", "les données qu'ils portent"))
		ns.concern(u.records)
	}
	if p.unknownMore > 0 {
		n := p.unknownMore
		ns.add(lsusync.StatusWarning, p.name, "%d %s : %s ne sont pas synchronisées.", n,
			plural(n, "autre élément inattendu n'est pas lu", "autres éléments inattendus ne sont pas lus"),
			plural(n, "les données qu'il porte", "les données qu'ils portent"))
	}
}

// unplaced: the pupils of BEE_ELEVES in no class, by division code. Those
// of SIECLE's "Inactifs" pseudo-division are information: SIECLE keeps
// its inactive pupils there. A division that neither STS-Web nor
// Structures.xml has, or no division at all, is a warning: pupils are
// missing from the sync, and the exports can say otherwise.
func (ns *notices) unplaced(el *parsed, byDivision map[string][]string) {
	e := el.eleves
	codes := make([]string, 0, len(byDivision))
	for c := range byDivision {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		ids := byDivision[c]
		n := len(ids)
		records := make([]string, n)
		for i, id := range ids {
			records[i] = pupilRecord(id)
		}
		switch {
		case c == "":
			ns.add(lsusync.StatusWarning, where(el.name, 0, "ELEVE", records[0]),
				"%d %s de SIECLE %s de division (pas de STRUCTURE de type D) : %s dans aucune classe et %s.",
				n, plural(n, "élève", "élèves"), plural(n, "n'a pas", "n'ont pas"),
				plural(n, "il n'est", "ils ne sont"), plural(n, "n'est pas synchronisé", "ne sont pas synchronisés"))
		case strings.EqualFold(c, "Inactifs"):
			ns.add(lsusync.StatusSuccess, where(el.name, e.divLine[c], "STRUCTURE", "CODE_STRUCTURE="+strconv.Quote(c)),
				"%d %s de la division « %s » de SIECLE (élèves inactifs) %s dans aucune classe : %s.",
				n, plural(n, "élève", "élèves"), c, plural(n, "n'est", "ne sont"),
				plural(n, "il n'est pas synchronisé", "ils ne sont pas synchronisés"))
		default:
			ns.add(lsusync.StatusWarning, where(el.name, e.divLine[c], "STRUCTURE", "CODE_STRUCTURE="+strconv.Quote(c)),
				"%d %s de la division « %s » de SIECLE %s dans aucune classe : ni STS-Web ni Structures.xml n'ont cette division, %s.",
				n, plural(n, "élève", "élèves"), c, plural(n, "n'est", "ne sont"),
				plural(n, "il n'est pas synchronisé", "ils ne sont pas synchronisés"))
		}
		ns.concern(records)
	}
	if n := e.orphans; n > 0 {
		records := make([]string, n)
		for i, id := range e.orphanIDs {
			records[i] = pupilRecord(id)
		}
		ns.add(lsusync.StatusWarning, where(el.name, e.orphanLine, "STRUCTURES_ELEVE", records[0]),
			"%d %s de SIECLE (STRUCTURES_ELEVE) %s : %s.",
			n, plural(n, "affectation", "affectations"),
			plural(n, "désigne un élève absent de la liste des élèves", "désignent des élèves absents de la liste des élèves"),
			plural(n, "elle est ignorée", "elles sont ignorées"))
		ns.concern(records)
	}
}

// dirTeachers: the persons of type dir, read as epp. Information, once
// for all: nothing the school can change.
func (ns *notices) dirTeachers(sts *parsed, dirs []*stsTeacher) {
	n := len(dirs)
	if n == 0 {
		return
	}
	t := dirs[0]
	ns.add(lsusync.StatusSuccess, where(sts.name, t.line, t.elem()+"@TYPE", teacherRecord(t.elem(), t.t.Key)),
		"%d %s de type dir dans STS-Web (personnels de direction) %s comme %s de type epp : LSU ne connaît que les types epp et local.",
		n, plural(n, "personne", "personnes"), plural(n, "est enregistrée", "sont enregistrées"), plural(n, "enseignant", "enseignants"))
	records := make([]string, n)
	for i, t := range dirs {
		records[i] = teacherRecord(t.elem(), t.t.Key)
	}
	ns.concern(records)
}

// unknownNUMEN: the lines of the NUMEN file naming a teacher that
// STS-Web does not list. A warning: a wrong ID leaves a NUMEN unset.
func (ns *notices) unknownNUMEN(r numenResult) {
	n := r.unknown
	if n == 0 {
		return
	}
	ns.add(lsusync.StatusWarning, where(r.name, r.line, "", r.keys[0]),
		"%d %s du fichier des NUMEN %s : %s.",
		n, plural(n, "ligne", "lignes"),
		plural(n, "désigne un enseignant absent de STS-Web", "désignent des enseignants absents de STS-Web"),
		plural(n, "elle est ignorée", "elles sont ignorées"))
	ns.concern(r.keys)
}
