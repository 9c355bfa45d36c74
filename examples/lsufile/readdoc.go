package lsufile

import (
	"fmt"
	"strings"

	"github.com/lsusync/lsusync"
)

// The document's structure, element by element, as LSU's schema (7.0,
// and 2020 for versions 2.0 and 3.0) describes it. The limits of the
// values that the model holds are the declaration's (spec); those of the
// others, the schema's, are here.

// The file's texts that no field of the model holds.
var (
	sChaine50     = &spec{minLen: 1, maxLen: 50}
	sChaine600    = &spec{minLen: 1, maxLen: 600}
	sChaine1500   = &spec{minLen: 1, maxLen: 1500}
	sMillesime    = &spec{minLen: 4, maxLen: 4, blank: true}
	sStructure    = &spec{minLen: 1, maxLen: 20, blank: true}
	sTeacherFirst = &spec{maxLen: 100, blank: true} // ChaineEmptyWithMax100
)

// The versions of the schema the reader reads.
var versions = []string{"2.0", "3.0", "4.0", "5.0", "6.0", "7.0"}

// document reads the whole file.
func (d *decoder) document() error {
	ok, err := d.start()
	if err != nil {
		return err
	}
	if !ok {
		return d.t.syntax(d.t.pos, "the file has no root element")
	}
	if d.elem != "lsun-bilans" {
		return d.fail(ErrSchema, "", 0, "", "the root element is <"+d.elem+">, not <lsun-bilans>: this is not an LSU import file")
	}
	var a [1]av
	if err := d.attrsOf([]string{"schemaVersion"}, a[:], "schemaVersion"); err != nil {
		return err
	}
	v := string(a[0].v)
	if err := d.enum(versions, "schemaVersion", a[0].line, v); err != nil {
		return err
	}
	d.version, d.old = v, v == "2.0" || v == "3.0"
	d.header.Version = v
	if err := d.sequence([]seq{{name: "entete", min: 1, max: 1, read: d.entete}, {name: "donnees", min: 1, max: 1, read: d.donnees}}); err != nil {
		return err
	}
	if k, err := d.t.next(); err != nil {
		return err
	} else if k != tokEOF {
		return d.t.syntax(d.t.pos, "content after the root element")
	}
	for _, r := range d.lvRefs {
		if _, ok := d.ids[r.id]; !ok {
			return &Error{File: d.file, Line: r.line, Element: "discipline@id-lv", Value: r.id, Msg: "names no element of the file", Err: ErrReference}
		}
	}
	if d.only7 != nil && (!d.old || d.not2020) {
		return d.only7
	}
	return nil
}

// entete: editeur, application, appliVersion? and etablissement, in any
// order.
func (d *decoder) entete() error {
	if err := d.attrsOf(nil, nil); err != nil {
		return err
	}
	seen := make(map[string]bool)
	for {
		ok, err := d.start()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		name := d.elem
		var sp *spec
		switch name {
		case "editeur", "application", "appliVersion":
			sp = sChaine50
		case fUAI.name:
			sp = fUAI
		default:
			return d.fail(ErrSchema, "", 0, "", "<"+name+"> is not allowed in <entete>")
		}
		if seen[name] {
			return d.fail(ErrSchema, "", 0, "", "<"+name+"> once too often in <entete>")
		}
		seen[name] = true
		if err := d.attrsOf(nil, nil); err != nil {
			return err
		}
		line := d.line
		s, pos, err := d.text()
		if err != nil {
			return err
		}
		d.elem, d.line = name, line
		if s, err = d.str(sp, "", pos, s, false); err != nil {
			return err
		}
		switch name {
		case "editeur":
			d.header.Identity.Editor = s
		case "application":
			d.header.Identity.Application = s
		case "appliVersion":
			d.header.Identity.Version = s
		default:
			d.header.UAI = s
		}
	}
	for _, name := range []string{"editeur", "application", fUAI.name} {
		if !seen[name] {
			d.elem = "entete"
			return d.fail(ErrSchema, "", d.t.line(d.t.pos), "", "<entete> lacks <"+name+">")
		}
	}
	return nil
}

// donnees: the shared lists, then the bilans.
func (d *decoder) donnees() error {
	if err := d.attrsOf(nil, nil); err != nil {
		return err
	}
	lists := []seq{
		{name: "responsables-etab", min: 1, max: 1, read: d.listOf(fSignatory.wrap, d.responsableEtab)},
		{name: "eleves", min: 1, max: 1, read: d.listOf("eleve", d.eleve)},
		{name: "periodes", max: 1, read: d.listOf("periode", d.periode)},
		{name: "disciplines", max: 1, read: d.listOf("discipline", d.discipline)},
		{name: "enseignants", max: 1, read: d.listOf("enseignant", d.enseignant)},
		{name: "elements-programme", max: 1, read: d.listOf("element-programme", d.elementProgramme)},
		{name: "competences-numeriques-communs", max: 1, read: d.listOf("competences-numeriques-commun", d.commun)},
		{name: "parcours-communs", max: 1, read: d.uniqueList("parcours-commun", d.parcoursCommun)},
		{name: "vies-scolaires-communs", max: 1, read: d.uniqueList("vie-scolaire-commun", d.vieScolaireCommun)},
		{name: "epis-thematiques", max: 1, read: d.listOf(epiGroup.themeLabel.wrap, d.epiThematique)},
		{name: "epis", max: 1, read: d.listOf("epi", func() error { return d.of(epiGroup) })},
		{name: "epis-groupes", max: 1, read: d.listOf("epi-groupe", func() error { return d.groupOf(epiGroup) })},
		{name: "acc-persos", max: 1, read: d.listOf("acc-perso", func() error { return d.of(apGroup) })},
		{name: "acc-persos-groupes", max: 1, read: d.listOf("acc-perso-groupe", func() error { return d.groupOf(apGroup) })},
		{name: "bilans-periodiques", max: 1, read: d.listOf("bilan-periodique", d.bilan)},
		{name: "bilans-cycle", max: 1, read: d.listOf("bilan-cycle", d.bilanCycle)},
	}
	return d.sequence(lists)
}

// listOf reads a list element: no attribute, one or more items.
func (d *decoder) listOf(item string, read func() error) func() error {
	return func() error {
		if err := d.attrsOf(nil, nil); err != nil {
			return err
		}
		return d.list(item, read)
	}
}

// pairKeys are the (periode-ref, code-division) keys of the parcours
// and vies scolaires communs, unique in their list.
type pairKeys map[[2]string]bool

// uniqueList is listOf for the items read by read(keys).
func (d *decoder) uniqueList(item string, read func(pairKeys) error) func() error {
	return func() error {
		keys := make(pairKeys)
		return d.listOf(item, func() error { return read(keys) })()
	}
}

// unique checks a key of an xs:unique constraint.
func (d *decoder) unique(seen map[string]int, key, a string, pos int, value string) error {
	if line, ok := seen[key]; ok {
		return d.fail(ErrSchema, a, pos, value, fmt.Sprintf("given twice in <%s>: also line %d", d.path[len(d.path)-2], line))
	}
	seen[key] = d.line
	return nil
}

var respNames = []string{"id", "libelle"}

func (d *decoder) responsableEtab() error {
	var a [2]av
	if err := d.attrsOf(respNames, a[:], respNames...); err != nil {
		return err
	}
	lib, err := d.str(fSignatory, "libelle", a[1].line, string(a[1].v), true)
	if err != nil {
		return err
	}
	if d.keys[keyOf("resp", string(a[1].v))] {
		return d.fail(ErrSchema, "libelle", a[1].line, "", "a responsable-etab libelle given twice")
	}
	d.keys[keyOf("resp", string(a[1].v))] = true
	if err := d.defineID(a[0], idResp, len(d.resp)); err != nil {
		return err
	}
	d.resp = append(d.resp, lib)
	return d.empty()
}

var eleveNames = []string{"id", fStudentID.name, fStudentLast.name, fStudentFirst.name, fStudentClass.name}

func (d *decoder) eleve() error {
	var a [5]av
	if err := d.attrsOf(eleveNames, a[:], "id", fStudentID.name, fStudentClass.name); err != nil {
		return err
	}
	_, digits, err := d.integer(fStudentID.name, a[1], 1, 0, "a positive integer")
	if err != nil {
		return err
	}
	p := pupilEntry{id: strings.TrimPrefix(string(collapse(a[1].v)), "+"), number: strings.TrimLeft(digits, "0")}
	for i := 2; i < 4; i++ {
		if a[i].ok {
			sp := fStudentLast
			if i == 3 {
				sp = fStudentFirst
			}
			if _, err := d.str(sp, eleveNames[i], a[i].line, string(a[i].v), true); err != nil {
				return err
			}
		}
	}
	if p.class, err = d.str(fStudentClass, fStudentClass.name, a[4].line, string(a[4].v), false); err != nil {
		return err
	}
	if i, ok := d.pupilNumbers[p.number]; ok {
		return d.fail(ErrSchema, fStudentID.name, a[1].line, p.id, "an id-be given twice (LSU compares them as numbers): also ELEVE_ID "+d.pupils[i].id)
	}
	d.pupilNumbers[p.number] = len(d.pupils)
	if err := d.defineID(a[0], idPupil, len(d.pupils)); err != nil {
		return err
	}
	d.pupils = append(d.pupils, p)
	return d.empty()
}

var periodeNames = []string{"id", fPeriodYear.name, fPeriodIndex.name, fPeriodCount.name}

func (d *decoder) periode() error {
	var a [4]av
	if err := d.attrsOf(periodeNames, a[:], periodeNames...); err != nil {
		return err
	}
	year, err := d.str(sMillesime, fPeriodYear.name, a[1].line, string(a[1].v), false)
	if err != nil {
		return err
	}
	index, _, err := d.integer(fPeriodIndex.name, a[2], -1<<31, 1<<31-1, "xs:int")
	if err != nil {
		return err
	}
	count, _, err := d.integer(fPeriodCount.name, a[3], -1<<31, 1<<31-1, "xs:int")
	if err != nil {
		return err
	}
	e := periodEntry{p: lsusync.Period{Index: int(index), Count: int(count)}}
	if isDigits(year) && year != "0000" {
		e.p.Year = atoi(year)
	} else {
		e.unfit = "millésime « " + printable(year) + " » de la période : pas une année"
	}
	if k := keyOf("periode", string(a[1].v), fmt.Sprint(index), fmt.Sprint(count)); d.keys[k] {
		return d.fail(ErrSchema, "", 0, "", "a periode given twice (millesime, indice, nb-periodes)")
	} else {
		d.keys[k] = true
	}
	if err := d.defineID(a[0], idPeriod, len(d.periods)); err != nil {
		return err
	}
	d.periods = append(d.periods, e)
	return d.empty()
}

var disciplineNames = []string{"id", fSubjectCode.name, fSubjectNat.name, fSubjectMod.name, fSubjectLabel.name, "id-lv"}

func (d *decoder) discipline() error {
	var a [6]av
	if err := d.attrsOf(disciplineNames, a[:], "id", fSubjectCode.name, fSubjectMod.name, fSubjectLabel.name); err != nil {
		return err
	}
	var e discEntry
	var err error
	if e.s.Code, err = d.str(fSubjectCode, fSubjectCode.name, a[1].line, string(a[1].v), false); err != nil {
		return err
	}
	if a[2].ok {
		if e.s.NationalCode, err = d.str(fSubjectNat, fSubjectNat.name, a[2].line, string(a[2].v), false); err != nil {
			return err
		}
	}
	e.s.Modality = string(a[3].v)
	if err := d.enum(fSubjectMod.values, fSubjectMod.name, a[3].line, e.s.Modality); err != nil {
		return err
	}
	if e.s.Modality == "D" {
		d.breaks2020()
	}
	if e.s.Label, err = d.str(fSubjectLabel, fSubjectLabel.name, a[4].line, string(a[4].v), false); err != nil {
		return err
	}
	if a[5].ok {
		if e.idLV, err = d.ncName("id-lv", a[5].line, a[5].v); err != nil {
			return err
		}
		d.lvRefs = append(d.lvRefs, lvRef{id: e.idLV, line: d.t.line(a[5].line)})
		d.breaks2020()
		d.notCarried[ncIDLV]++
	}
	pair := keyOf("discipline", string(a[1].v), e.s.Modality)
	if d.keys[pair] {
		d.breaks2020() // the 2020 schema keys a discipline by (code, modalité) alone
	}
	d.keys[pair] = true
	if e.idLV != "" {
		k := keyOf("discipline-lv", string(a[1].v), e.s.Modality, e.idLV)
		if d.keys[k] {
			return d.fail(ErrSchema, "", 0, printable(e.s.Code), "a discipline given twice (code, modalite-election, id-lv)")
		}
		d.keys[k] = true
	}
	if err := d.defineID(a[0], idDiscipline, len(d.disc)); err != nil {
		return err
	}
	d.disc = append(d.disc, e)
	return d.empty()
}

var enseignantNames = []string{"id", fKeyType.name, fKeyID.name, fCivil.name, fTLast.name, fTFirst.name}

func (d *decoder) enseignant() error {
	var a [6]av
	if err := d.attrsOf(enseignantNames, a[:], "id", fKeyType.name, fKeyID.name); err != nil {
		return err
	}
	k := lsusync.TeacherKey{Type: string(a[1].v)}
	if err := d.enum(fKeyType.values, fKeyType.name, a[1].line, k.Type); err != nil {
		return err
	}
	_, digits, err := d.integer(fKeyID.name, a[2], 1, 0, "a positive integer")
	if err != nil {
		return err
	}
	k.ID = strings.TrimPrefix(string(collapse(a[2].v)), "+")
	if a[3].ok {
		if err := d.enum(fCivil.values, fCivil.name, a[3].line, string(a[3].v)); err != nil {
			return err
		}
	}
	if a[4].ok {
		if _, err := d.str(fTLast, fTLast.name, a[4].line, string(a[4].v), true); err != nil {
			return err
		}
	}
	if a[5].ok {
		if _, err := d.str(sTeacherFirst, fTFirst.name, a[5].line, string(a[5].v), true); err != nil {
			return err
		}
	}
	if tk := keyOf("enseignant", k.Type, strings.TrimLeft(digits, "0")); d.keys[tk] {
		return d.fail(ErrSchema, "", 0, k.String(), "an enseignant given twice (type, id-sts, compared as numbers)")
	} else {
		d.keys[tk] = true
	}
	if err := d.defineID(a[0], idTeacher, len(d.teachers)); err != nil {
		return err
	}
	d.teachers = append(d.teachers, k)
	return d.empty()
}

var elementNames = []string{"id", "libelle"}

func (d *decoder) elementProgramme() error {
	var a [2]av
	if err := d.attrsOf(elementNames, a[:], elementNames...); err != nil {
		return err
	}
	lib, err := d.str(fElements, "libelle", a[1].line, string(a[1].v), false)
	if err != nil {
		return err
	}
	if k := keyOf("element", string(a[1].v)); d.keys[k] {
		return d.fail(ErrSchema, "libelle", a[1].line, "", "an element-programme libelle given twice")
	} else {
		d.keys[k] = true
	}
	if err := d.defineID(a[0], idElement, len(d.elements)); err != nil {
		return err
	}
	d.elements = append(d.elements, lib)
	return d.empty()
}

var communNames = []string{"id", fCommonStruct.name, fCommonType.name}

func (d *decoder) commun() error {
	var a [3]av
	if err := d.attrsOf(communNames, a[:], communNames...); err != nil {
		return err
	}
	var c lsusync.DigitalCommon
	var err error
	if c.Structure, err = d.str(fCommonStruct, fCommonStruct.name, a[1].line, string(a[1].v), false); err != nil {
		return err
	}
	c.StructureType = string(a[2].v)
	if err := d.enum(fCommonType.values, fCommonType.name, a[2].line, c.StructureType); err != nil {
		return err
	}
	if err := d.defineID(a[0], idCommon, len(d.commons)); err != nil {
		return err
	}
	elem, line := d.elem, d.line
	s, pos, err := d.text()
	if err != nil {
		return err
	}
	d.elem, d.line = elem, line
	if c.Text, err = d.str(fCommonText, "", pos, s, true); err != nil {
		return err
	}
	d.commons = append(d.commons, c)
	return nil
}

var pairNames = []string{"periode-ref", "code-division"}

// pair reads the (periode-ref, code-division) of a parcours or a vie
// scolaire commun, unique in its list.
func (d *decoder) pair(keys pairKeys) error {
	var a [2]av
	if err := d.attrsOf(pairNames, a[:], pairNames...); err != nil {
		return err
	}
	ref, err := d.ncName("periode-ref", a[0].line, a[0].v)
	if err != nil {
		return err
	}
	if _, err := d.resolveRef("periode-ref", a[0].line, ref, idPeriod); err != nil {
		return err
	}
	div, err := d.str(sStructure, "code-division", a[1].line, string(a[1].v), false)
	if err != nil {
		return err
	}
	k := [2]string{ref, string(a[1].v)}
	if keys[k] {
		return d.fail(ErrSchema, "", 0, div, "given twice for one periode-ref and code-division")
	}
	keys[k] = true
	return nil
}

func (d *decoder) parcoursCommun(keys pairKeys) error {
	if err := d.pair(keys); err != nil {
		return err
	}
	d.notCarried[ncPathways]++
	seen := make(map[string]int)
	return d.list(fPathways.name, func() error {
		_, err := d.parcours(seen)
		return err
	})
}

func (d *decoder) vieScolaireCommun(keys pairKeys) error {
	if err := d.pair(keys); err != nil {
		return err
	}
	d.notCarried[ncSchoolLife]++
	return d.sequence([]seq{{name: fLifeComment.name, min: 1, max: 1, read: func() error {
		_, err := d.textOf(sChaine600, true)
		return err
	}}})
}

// textOf reads the text of an element that has no attribute, checked
// against sp.
func (d *decoder) textOf(sp *spec, personal bool) (string, error) {
	if err := d.attrsOf(nil, nil); err != nil {
		return "", err
	}
	elem, line := d.elem, d.line
	s, pos, err := d.text()
	if err != nil {
		return "", err
	}
	d.elem, d.line = elem, line
	return d.str(sp, "", pos, s, personal)
}

// parcours reads a parcours: its code, unique, and its text.
func (d *decoder) parcours(seen map[string]int) (lsusync.Pathway, error) {
	var a [1]av
	if err := d.attrsOf([]string{fPathwayCode.name}, a[:], fPathwayCode.name); err != nil {
		return lsusync.Pathway{}, err
	}
	p := lsusync.Pathway{Code: string(a[0].v)}
	if err := d.enum(fPathwayCode.values, fPathwayCode.name, a[0].line, p.Code); err != nil {
		return p, err
	}
	if err := d.unique(seen, p.Code, fPathwayCode.name, a[0].line, p.Code); err != nil {
		return p, err
	}
	elem, line := d.elem, d.line
	s, pos, err := d.text()
	if err != nil {
		return p, err
	}
	d.elem, d.line = elem, line
	p.Text, err = d.str(fPathwayText, "", pos, s, true)
	return p, err
}

var themeNames = []string{"code", "libelle"}

func (d *decoder) epiThematique() error {
	var a [2]av
	if err := d.attrsOf(themeNames, a[:], themeNames...); err != nil {
		return err
	}
	code, err := d.str(epiGroup.theme, "code", a[0].line, string(a[0].v), false)
	if err != nil {
		return err
	}
	if k := keyOf("thematique", string(a[0].v)); d.keys[k] {
		return d.fail(ErrSchema, "code", a[0].line, code, "an epi-thematique code given twice")
	} else {
		d.keys[k] = true
	}
	label, err := d.str(epiGroup.themeLabel, "libelle", a[1].line, string(a[1].v), false)
	if err != nil {
		return err
	}
	d.themes[code] = label
	return d.empty()
}

// of reads an epi or an acc-perso.
func (d *decoder) of(g *group) error {
	names := []string{"id", g.ofTitle.name, g.subjects.name}
	required := names
	if g.theme != nil {
		names = append(names, g.theme.name)
		required = names
	}
	a := make([]av, len(names))
	if err := d.attrsOf(names, a, required...); err != nil {
		return err
	}
	title, err := d.str(g.ofTitle, g.ofTitle.name, a[1].line, string(a[1].v), false)
	if err != nil {
		return err
	}
	min := max(g.subjects.minCount, 1)
	is, err := d.refs(g.subjects.name, a[2], idDiscipline, min)
	if err != nil {
		return err
	}
	subjects := make([]lsusync.Subject, len(is))
	for i, k := range is {
		subjects[i] = d.disc[k].s
	}
	var theme string
	if g.theme != nil {
		if theme, err = d.str(g.theme, g.theme.name, a[3].line, string(a[3].v), false); err != nil {
			return err
		}
	}
	kind := idEPI
	if g.theme == nil {
		kind = idAP
	}
	index := len(d.epis)
	if kind == idAP {
		index = len(d.aps)
	}
	if err := d.defineID(a[0], kind, index); err != nil {
		return err
	}
	var description string
	err = d.sequence([]seq{{name: g.description.name, max: 1, read: func() error {
		var err error
		description, err = d.textOf(g.description, true)
		return err
	}}})
	if err != nil {
		return err
	}
	if kind == idEPI {
		d.epis = append(d.epis, lsusync.EPI{Title: title, Theme: theme, ThemeLabel: d.themes[theme], Subjects: subjects, Description: description})
	} else {
		d.aps = append(d.aps, lsusync.AP{Title: title, Subjects: subjects, Description: description})
	}
	return nil
}

// groupOf reads an epi-groupe or an acc-perso-groupe.
func (d *decoder) groupOf(g *group) error {
	names := []string{"id", g.of.name, g.title.name}
	var a [3]av
	if err := d.attrsOf(names, a[:], names...); err != nil {
		return err
	}
	kind, groupKind := idEPI, idEPIGroup
	if g.theme == nil {
		kind, groupKind = idAP, idAPGroup
	}
	of, err := d.ref(g.of.name, a[1], kind)
	if err != nil {
		return err
	}
	title, err := d.str(g.title, g.title.name, a[2].line, string(a[2].v), false)
	if err != nil {
		return err
	}
	index := len(d.epiGrps)
	if kind == idAP {
		index = len(d.apGrps)
	}
	if err := d.defineID(a[0], groupKind, index); err != nil {
		return err
	}
	var comment string
	var teaching []lsusync.Teaching
	err = d.sequence([]seq{
		{name: g.groupComment.name, max: 1, read: func() error {
			var err error
			comment, err = d.textOf(g.groupComment, true)
			return err
		}},
		{name: g.teaching.wrap, min: 1, max: 1, read: func() error {
			if err := d.attrsOf(nil, nil); err != nil {
				return err
			}
			return d.list(g.teaching.name, func() error {
				names := []string{g.teacher.name, g.subject.name}
				var a [2]av
				if err := d.attrsOf(names, a[:], names...); err != nil {
					return err
				}
				t, err := d.ref(g.teacher.name, a[0], idTeacher)
				if err != nil {
					return err
				}
				s, err := d.ref(g.subject.name, a[1], idDiscipline)
				if err != nil {
					return err
				}
				teaching = append(teaching, lsusync.Teaching{Teacher: d.teachers[t], Subject: d.disc[s].s})
				return d.empty()
			})
		}},
	})
	if err != nil {
		return err
	}
	if kind == idEPI {
		d.epiGrps = append(d.epiGrps, lsusync.EPIGroup{EPI: d.epis[of], Title: title, Comment: comment, Teaching: teaching})
	} else {
		d.apGrps = append(d.apGrps, lsusync.APGroup{AP: d.aps[of], Title: title, Comment: comment, Teaching: teaching})
	}
	d.groupOfIndex[groupKind] = append(d.groupOfIndex[groupKind], of)
	return nil
}

// keyOf joins the fields of a key of a uniqueness constraint.
func keyOf(fields ...string) string { return strings.Join(fields, "\x00") }
