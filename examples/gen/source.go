package gen

import (
	"slices"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// Source returns the domain values of the establishment: exactly what a
// Source reading the exports written by [Establishment.WriteExports]
// gives, by the project's SIECLE/STS-Web mapping (docs/mapping.md):
//
//   - classes: the STS divisions, then the Structures.xml divisions not in
//     STS; label: STS LIBELLE_LONG, else Structures.xml LIBELLE_LONG, else
//     the code;
//   - pupils: those whose D structure is the class, with their G
//     structures in file order, their DATE_SORTIE, pupils who left
//     included, and their OPTIONS (those of a modalité LSU accepts, N
//     left out); INE: ID_NATIONAL, else INE_RNIE, else INE_BEA;
//   - services: the division's, then those of every group whose divisions
//     include the class; subject label: STS LIBELLE_EDITION, LIBELLE_LONG,
//     LIBELLE_COURT, then the same from Nomenclature.xml; modality: the
//     first programme of one of the class's MEFs with positive hours,
//     else the first of any hours, "N" giving "";
//   - teachers: INDIVIDUS then SUPPLEANTS, a key seen twice kept once;
//     civility from CIVILITE (1 M, 2 and 3 MME), else SEXE; the type dir,
//     which LSU does not know, read as epp in every reference.
//
// The Source shares nothing with e: later changes to e do not affect it.
func (e *Establishment) Source() *memory.Source {
	src := &memory.Source{School: e.domainEstablishment()}
	seen := make(map[lsusync.TeacherKey]bool, len(e.Teachers))
	for _, sub := range []bool{false, true} {
		for _, t := range e.Teachers {
			if t.Substitute != sub || seen[t.Key] {
				continue
			}
			seen[t.Key] = true
			src.Staff = append(src.Staff, domainTeacher(t))
		}
	}
	src.Classes = e.domainClasses()
	return src
}

func (e *Establishment) domainEstablishment() lsusync.Establishment {
	id := e.Identity
	city := trim(id.ForeignCity)
	if city == "" {
		city = trim(id.City)
	}
	return lsusync.Establishment{
		UAI:  trim(e.cfg().UAI),
		Name: trim(id.Name),
		Address: lsusync.Address{
			Line1: trim(id.Line1), Line2: trim(id.Line2), Line3: trim(id.Line3), Line4: trim(id.Line4),
			PostalCode: trim(id.PostalCode), City: city, Country: trim(id.Country),
		},
		HeadName: trim(id.HeadName),
		Phone:    trim(id.Phone),
		Email:    trim(id.Email),
	}
}

// civility returns the LSU civility of t: CIVILITE 1 gives "M", 2 or 3
// "MME"; otherwise SEXE 1 gives "M", 2 "MME"; otherwise "".
func (t *Teacher) civility() string {
	switch trim(t.Civility) {
	case "1":
		return lsusync.Monsieur
	case "2", "3":
		return lsusync.Madame
	}
	switch trim(t.Sex) {
	case "1":
		return lsusync.Monsieur
	case "2":
		return lsusync.Madame
	}
	return ""
}

func domainTeacher(t Teacher) lsusync.Teacher {
	last := trim(t.UsageName)
	if last == "" {
		last = trim(t.BirthName)
	}
	return lsusync.Teacher{Key: lsuKey(t.Key), Civility: t.civility(), LastName: last, FirstName: trim(t.FirstName)}
}

// lsuKey returns the LSU key of an STS-Web teacher key: LSU knows the
// types epp and local, and a person of type dir is an epp one.
func lsuKey(k lsusync.TeacherKey) lsusync.TeacherKey {
	if k.Type == "dir" {
		k.Type = "epp"
	}
	return k
}

// SubjectLabel returns the label of the subject with the given code by
// the mapping: the first non-empty of the STS LIBELLE_EDITION,
// LIBELLE_LONG and LIBELLE_COURT (when the subject is in STS), then of
// the Nomenclature.xml ones; "" for an unknown subject.
func (e *Establishment) SubjectLabel(code string) string {
	for i := range e.Subjects {
		if s := &e.Subjects[i]; s.Code == code {
			return s.label()
		}
	}
	return ""
}

func (s *Subject) label() string {
	if !s.NotInSTS {
		if l := firstNonEmpty(s.Edition, s.Long, s.Short); l != "" {
			return l
		}
	}
	return firstNonEmpty(s.NomEdition, s.NomLong, s.NomShort)
}

// Modality returns the modalité d'élection of a subject in a class of the
// given MEFs by the mapping: the CODE_MODALITE_ELECT of the first
// programme, in file order, of one of the MEFs and the subject with
// positive hours, else of the first with any hours; "N" and no programme
// give "".
func (e *Establishment) Modality(mefs []string, subject string) string {
	found := ""
	for _, hours := range []bool{true, false} {
		for _, p := range e.Programmes {
			if found != "" || trim(p.Subject) != subject || hours && !positive(p.Hours) || !slices.Contains(mefs, trim(p.MEF)) {
				continue
			}
			found = trim(p.Modality)
		}
		if found != "" {
			break
		}
	}
	if found == "N" {
		return ""
	}
	return found
}

// positive reports whether a HORAIRE is a number greater than zero.
func positive(h string) bool {
	f, err := strconv.ParseFloat(strings.ReplaceAll(trim(h), ",", "."), 64)
	return err == nil && f > 0
}

func (e *Establishment) domainClasses() []lsusync.ClassData {
	labels := make(map[string]string, len(e.Subjects))
	for i := range e.Subjects {
		if _, dup := labels[e.Subjects[i].Code]; !dup {
			labels[e.Subjects[i].Code] = e.Subjects[i].label()
		}
	}
	// The classes: STS divisions, then Structures.xml ones.
	type class struct {
		code string
		mefs []string
		div  *Division
	}
	var classes []*class
	byCode := make(map[string]*class)
	for _, inSTS := range []bool{true, false} {
		for i := range e.Divisions {
			d := &e.Divisions[i]
			if inSTS && d.NotInSTS || !inSTS && (d.NotInStructures || !d.NotInSTS) {
				continue
			}
			if byCode[d.Code] != nil {
				continue
			}
			c := &class{code: d.Code, div: d}
			if !d.NotInSTS {
				c.mefs = d.MEFs // STS MEFS_APPARTENANCE give the modalities
			}
			classes = append(classes, c)
			byCode[d.Code] = c
		}
	}
	// The groups of each division, in file order, each once; the PP
	// appointments of each division, INDIVIDUS then SUPPLEANTS.
	groupsOf := make(map[string][]int)
	for gi := range e.Groups {
		seen := ""
		for _, d := range e.Groups[gi].Divisions {
			d = trim(d)
			if l := groupsOf[d]; len(l) > 0 && l[len(l)-1] == gi || d == seen {
				continue
			}
			seen = d
			groupsOf[d] = append(groupsOf[d], gi)
		}
	}
	heads := make(map[string][]lsusync.HeadTeacher)
	for _, sub := range []bool{false, true} {
		for _, t := range e.Teachers {
			if t.Substitute != sub {
				continue
			}
			for _, h := range t.HeadOf {
				d := trim(h.Division)
				heads[d] = append(heads[d], lsusync.HeadTeacher{Teacher: lsuKey(t.Key), Start: h.Start, End: h.End})
			}
		}
	}
	out := make([]lsusync.ClassData, len(classes))
	index := make(map[string]int, len(classes))
	for i, c := range classes {
		d := c.div
		label := ""
		if !d.NotInSTS {
			label = trim(d.STSLabel)
		}
		if label == "" && !d.NotInStructures {
			label = trim(d.Label)
		}
		if label == "" {
			label = c.code
		}
		cd := lsusync.ClassData{Code: c.code, Label: label}
		modalities := make(map[string]string)
		subject := func(code string) lsusync.Subject {
			m, ok := modalities[code]
			if !ok {
				m = e.Modality(c.mefs, code)
				modalities[code] = m
			}
			return lsusync.Subject{Code: code, Label: labels[code], Modality: m}
		}
		if !d.NotInSTS {
			for _, s := range d.Services {
				cd.Services = append(cd.Services, lsusync.Service{Subject: subject(s.Subject), Teachers: cloneKeys(s.Teachers)})
			}
		}
		for _, gi := range groupsOf[c.code] {
			g := &e.Groups[gi]
			for _, s := range g.Services {
				cd.Services = append(cd.Services, lsusync.Service{Subject: subject(s.Subject), Group: g.Code, Teachers: cloneKeys(s.Teachers)})
			}
		}
		cd.HeadTeachers = heads[c.code]
		out[i] = cd
		index[c.code] = i
	}
	for _, p := range e.Pupils {
		i, ok := index[trim(p.Division)]
		if !ok {
			continue // "Inactifs", groups only, or an unknown division
		}
		out[i].Enrolments = append(out[i].Enrolments, lsusync.Enrolment{
			Student:  p.student(),
			Groups:   cloneStrings(p.Groups),
			ExitDate: p.ExitDate,
			Options:  p.options(),
		})
	}
	return out
}

// options returns the pupil's options by the mapping: in the order of
// the OPTIONS_ELEVE (WriteExports numbers them in that order), each with
// a subject code and a modalité LSU accepts; nil when none is.
func (p *Pupil) options() []lsusync.SubjectKey {
	var out []lsusync.SubjectKey
	for _, o := range p.Options {
		k := lsusync.SubjectKey{Code: trim(o.Subject), Modality: trim(o.Modality)}
		if k.Code != "" && slices.Contains(lsuModalities, k.Modality) {
			out = append(out, k)
		}
	}
	return out
}

// lsuModalities are the modalités d'élection LSU accepts, as package
// lsusync declares them (Subject.Modality): SIECLE's N is not one.
var lsuModalities = func() []string {
	for _, f := range lsusync.Fields(lsusync.KindBilan) {
		if f.Name != "Acquis" {
			continue
		}
		for _, f := range f.Fields {
			if f.Name != "Subject" {
				continue
			}
			for _, f := range f.Fields {
				if f.Name == "Modality" {
					return f.Values
				}
			}
		}
	}
	panic("gen: lsusync declares no Acquis.Subject.Modality")
}()

// student returns the pupil's domain identity.
func (p *Pupil) student() lsusync.Student {
	var sex lsusync.Sex
	switch trim(p.Sex) {
	case "1":
		sex = lsusync.Male
	case "2":
		sex = lsusync.Female
	}
	return lsusync.Student{
		ID:         trim(p.ID),
		Class:      trim(p.Division),
		INE:        firstNonEmpty(p.INE, p.INERNIE, p.INEBEA),
		LastName:   trim(p.LastName),
		UsageName:  trim(p.UsageName),
		FirstName:  trim(p.FirstName),
		FirstName2: trim(p.FirstName2),
		FirstName3: trim(p.FirstName3),
		BirthDate:  p.BirthDate,
		Sex:        sex,
	}
}

func trim(s string) string { return strings.TrimSpace(s) }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = trim(s); s != "" {
			return s
		}
	}
	return ""
}

// cloneKeys returns the LSU keys of the STS-Web keys k.
func cloneKeys(k []lsusync.TeacherKey) []lsusync.TeacherKey {
	if len(k) == 0 {
		return nil
	}
	out := make([]lsusync.TeacherKey, len(k))
	for i := range k {
		out[i] = lsuKey(k[i])
	}
	return out
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}
