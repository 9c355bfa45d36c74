package lsufile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lsusync/lsusync"
)

// The checks of a bilan before it is written. Each says, in French, why
// the bilan cannot be valid in LSU's file: what the schema refuses, and
// what it cannot check (an empty list of references, a council before
// the scolarité date). The limits, the values and the labels are the
// declaration's (lsusync.Fields, through spec).

// checker collects the reasons of one bilan.
type checker struct {
	reasons []Reason
	seen    map[string]bool // the reasons' texts
	v3      bool            // the portable version 3.0
}

// add records a reason, once: a subject that several parts of a bilan
// name gives one reason.
func (c *checker) add(field, text string) {
	if c.seen[text] {
		return
	}
	if c.seen == nil {
		c.seen = make(map[string]bool)
	}
	c.seen[text] = true
	c.reasons = append(c.reasons, Reason{Field: field, Text: text})
}

// missing words a required value that is absent: « synthèse manquante ».
func missing(sp *spec, where string) string {
	if sp.feminine {
		return sp.label + where + " manquante"
	}
	return sp.label + where + " manquant"
}

// text checks the text s of the field sp, at the Go path field; where
// situates it in French (" de la matière 030201 (S)").
func (c *checker) text(sp *spec, field, where, s string) {
	cs, p, r := clean(s)
	n := 0
	if p == textOK {
		p, n = measure(sp, cs)
	}
	switch p {
	case textUTF8:
		c.add(field, sp.label+where+" : texte mal encodé (UTF-8 invalide)")
	case textChar:
		c.add(field, fmt.Sprintf("%s%s : caractère interdit dans un fichier XML (U+%04X)", sp.label, where, r))
	case textMissing:
		c.add(field, missing(sp, where))
	case textBlank:
		c.add(field, sp.label+where+" : des espaces seulement")
	case textLong:
		c.add(field, fmt.Sprintf("%s%s : %d caractères (%d au plus)", sp.label, where, n, sp.maxLen))
	case textShort:
		if sp.minLen == sp.maxLen {
			c.add(field, fmt.Sprintf("%s%s : %d caractères (%d attendus)", sp.label, where, n, sp.minLen))
		} else {
			c.add(field, fmt.Sprintf("%s%s : %d caractères (%d au moins)", sp.label, where, n, sp.minLen))
		}
	}
}

// value checks that s is one of sp's values; "" is absent.
func (c *checker) value(sp *spec, field, where, s string) {
	switch {
	case s == "":
		if sp.required {
			c.add(field, missing(sp, where))
		}
	case !slices.Contains(sp.values, s):
		c.add(field, fmt.Sprintf("%s%s : « %s » n'est pas une valeur de LSU (%s)", sp.label, where, printable(s), strings.Join(sp.values, ", ")))
	}
}

// number checks that n is within sp's range.
func (c *checker) number(sp *spec, field, where string, n int) {
	if sp.ranged && (n < sp.min || n > sp.max) {
		c.add(field, fmt.Sprintf("%s%s : %d (de %d à %d)", sp.label, where, n, sp.min, sp.max))
	}
}

// count checks the number of elements n of a non-empty list, or that a
// required list is not empty; owner names what the list is of (« bilan
// sans acquis »), feminine tells its gender.
func (c *checker) count(sp *spec, field, owner string, feminine bool, n int) {
	switch {
	case n == 0:
		if sp.required {
			c.add(field, owner+" sans "+sp.label)
		}
	case sp.minCount > 0 && n < sp.minCount:
		c.add(field, fmt.Sprintf("%s %s : %d (%d au moins)", sp.label, ofThe(owner, feminine), n, sp.minCount))
	case sp.maxCount > 0 && n > sp.maxCount:
		c.add(field, fmt.Sprintf("%s %s : %d (%d au plus)", sp.label, ofThe(owner, feminine), n, sp.maxCount))
	}
}

// duplicate reports the second element of a list with a value that sp
// wants unique.
func (c *checker) duplicate(sp *spec, field, what string) {
	c.add(field, sp.label+" "+what+" en double")
}

// repeated returns, for the n elements of a list, which repeat the key
// of an earlier one: a scan for short lists, a set for long ones, so
// that a list of any length costs its length.
func repeated[K comparable](n int, key func(int) K) []bool {
	if n < 2 {
		return nil
	}
	rep := make([]bool, n)
	if n <= 8 {
		var keys [8]K
		for i := range n {
			keys[i] = key(i)
		}
		for i := range n {
			for j := range i {
				if keys[i] == keys[j] {
					rep[i] = true
					break
				}
			}
		}
		return rep
	}
	seen := make(map[K]bool, n)
	for i := range n {
		k := key(i)
		rep[i] = seen[k]
		seen[k] = true
	}
	return rep
}

// digits reports whether s is a positive integer in digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	zero := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if s[i] != '0' {
			zero = false
		}
	}
	return !zero
}

// canonical returns the number a text of digits denotes, as digits
// without leading zeros: LSU compares id-be and id-sts as numbers.
func canonical(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" {
		return "0"
	}
	return t
}

// key checks a teacher's key.
func (c *checker) key(field, where string, k lsusync.TeacherKey) {
	c.value(fKeyType, field+".Type", where, k.Type)
	if !digits(k.ID) {
		c.add(field+".ID", fmt.Sprintf("%s%s : « %s » n'est pas un nombre entier positif", fKeyID.label, where, printable(k.ID)))
	}
}

// date checks that d is a date of the calendar that the file can write:
// a year of four digits.
func (c *checker) date(sp *spec, field string, d lsusync.Date) {
	if d.IsZero() {
		if sp.required {
			c.add(field, missing(sp, ""))
		}
		return
	}
	if !validDate(d) {
		c.add(field, fmt.Sprintf("%s : %04d-%02d-%02d n'est pas une date du calendrier (années 0001 à 9999)", sp.label, d.Year, int(d.Month), d.Day))
	}
}

func validDate(d lsusync.Date) bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// subjectWhere situates a field of a subject: " de la matière 030201 (S)".
func subjectWhere(k lsusync.SubjectKey) string {
	if k.Modality == "" {
		return " de la matière " + printable(k.Code)
	}
	return " de la matière " + printable(k.Code) + " (" + printable(k.Modality) + ")"
}

// subject checks a subject's code and modalité; its label and national
// code are the discipline's, chosen among the bilans (see
// [chooseText]), and checked there.
func (c *checker) subject(field string, s lsusync.Subject) {
	where := subjectWhere(s.Key())
	c.text(fSubjectCode, field+".Code", where, s.Code)
	c.value(fSubjectMod, field+".Modality", where, s.Modality)
	if c.v3 && s.Modality == "D" {
		c.add(field+".Modality", fSubjectMod.label+where+" : « D » n'existe pas dans la version 3.0 du fichier")
	}
}

// short cuts a title to situate an element in a reason: its first 40
// characters, on one line.
func short(s string) string {
	// Only the start is shown: a long text is cut before it is cleaned.
	cut := false
	if len(s) > 400 {
		i := 400
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s, cut = s[:i], true
	}
	s = strings.Join(strings.Fields(cleaned(s)), " ")
	if !cut && utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:min(len(r), 39)]) + "…"
}

// ofThe returns a noun after "of the", as French says it: « de l'EPI »,
// « du bilan », « de la matière ».
func ofThe(noun string, feminine bool) string {
	switch {
	case startsWithVowel(noun):
		return "de l'" + noun
	case feminine:
		return "de la " + noun
	}
	return "du " + noun
}

// ofA returns the label of sp after "of a": « d'un EPI », « d'une
// matière ».
func ofA(sp *spec) string {
	if sp.feminine {
		return "d'une " + sp.label
	}
	return "d'un " + sp.label
}

func startsWithVowel(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune("aeiouyàâéèêëîïôûAEIOUYÀÂÉÈÊËÎÏÔÛhH", r)
}

// printable returns s with its control characters and invalid bytes
// escaped, for a reason that quotes a code.
func printable(s string) string {
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

// bilanContext is what the checks of a bilan need besides the bilan.
type bilanContext struct {
	pupil     *lsusync.Student              // the bilan's pupil in the store
	collision string                        // another pupil's ELEVE_ID of the same number, or ""
	head      string                        // the establishment's HeadName
	noLabel   map[lsusync.SubjectKey]string // subjects of no valid label: why
	badKeys   map[lsusync.TeacherKey]string // keys of one STS number: the other key
}

// check returns the reasons why b cannot be valid in a file of the
// version v3 says.
func check(b *lsusync.Bilan, x *bilanContext, v3 bool) []Reason {
	c := &checker{v3: v3}
	c.pupil(b, x)
	c.period(b.Period)
	c.date(fCouncil, "CouncilDate", b.CouncilDate)
	c.date(fSchooling, "SchoolingDate", b.SchoolingDate)
	if validDate(b.CouncilDate) && validDate(b.SchoolingDate) && b.CouncilDate.Before(b.SchoolingDate) {
		c.add("CouncilDate", "conseil de classe avant la date de scolarité")
	}
	c.lockDate(b.LockDate)
	signatory := b.Signatory
	if signatory == "" {
		signatory = x.head
	}
	c.text(fSignatory, "Signatory", "", signatory)
	for i, k := range b.HeadTeachers {
		c.key(fmt.Sprintf("HeadTeachers[%d]", i), " d'un professeur principal", k)
		c.badKey(fmt.Sprintf("HeadTeachers[%d]", i), k, x)
	}
	c.acquis(b.Acquis, x)
	c.text(fSynthesis, "Synthesis", "", b.Synthesis)
	c.text(fHomework, "HomeworkHelp", "", b.HomeworkHelp)
	c.schoolLife(b.SchoolLife)
	c.support(b.Support)
	c.pathways(b.Pathways)
	groups := make([]groupData, 0, len(b.EPIs))
	for i := range b.EPIs {
		groups = append(groups, epiData(&b.EPIs[i]))
	}
	c.groups(epiGroup, groups, x)
	groups = groups[:0]
	for i := range b.APs {
		groups = append(groups, apData(&b.APs[i]))
	}
	c.groups(apGroup, groups, x)
	c.digital(&b.Digital)
	c.socle(b.Socle)
	c.guardians(b.Guardians)
	return c.reasons
}

func (c *checker) pupil(b *lsusync.Bilan, x *bilanContext) {
	if !digits(b.Student) {
		c.add("Student", fmt.Sprintf("ELEVE_ID « %s » : pas un nombre entier positif", printable(b.Student)))
	}
	if x.collision != "" {
		c.add("Student", "ELEVE_ID "+b.Student+" : le même nombre que celui de l'élève "+x.collision)
	}
	if x.pupil == nil {
		c.add("Student", "élève absent de LSU")
		return
	}
	c.text(fStudentClass, "Student.Class", " de l'élève", x.pupil.Class)
}

func (c *checker) period(p lsusync.Period) {
	c.number(fPeriodYear, "Period.Year", " de la période", p.Year)
	c.number(fPeriodIndex, "Period.Index", " de la période", p.Index)
	c.number(fPeriodCount, "Period.Count", " de la période", p.Count)
	if p.Index > p.Count {
		c.add("Period.Index", fmt.Sprintf("période %d sur %d", p.Index, p.Count))
	}
}

func (c *checker) lockDate(t lsusync.DateTime) {
	if t.IsZero() {
		if c.v3 {
			c.add("LockDate", missing(fLockDate, "")+" (la version 3.0 du fichier la demande)")
		}
		return
	}
	if !validDate(t.Date) {
		c.date(fLockDate, "LockDate", t.Date)
		return
	}
	if t.Timed && (t.Hour < 0 || t.Hour > 23 || t.Minute < 0 || t.Minute > 59 || t.Second < 0 || t.Second > 59) {
		c.add("LockDate", fmt.Sprintf("%s : %02d:%02d:%02d n'est pas une heure", fLockDate.label, t.Hour, t.Minute, t.Second))
	}
}

// badKey reports a teacher's key whose STS number another key of the
// file has.
func (c *checker) badKey(field string, k lsusync.TeacherKey, x *bilanContext) {
	if other, ok := x.badKeys[k]; ok {
		c.add(field, "enseignant "+printable(k.String())+" : le même identifiant STS-Web que "+printable(other))
	}
}

// subjectLabel reports a subject whose discipline has no label the file
// can hold.
func (c *checker) subjectLabel(field string, s lsusync.Subject, x *bilanContext) {
	if why, ok := x.noLabel[discKey(s)]; ok {
		c.add(field+".Label", why)
	}
}

func (c *checker) acquis(as []lsusync.Acquis, x *bilanContext) {
	c.count(fAcquis, "Acquis", "bilan", false, len(as))
	var twice []bool
	if fSubject.unique {
		twice = repeated(len(as), func(i int) lsusync.SubjectKey { return discKey(as[i].Subject) })
	}
	for i := range as {
		a := &as[i]
		k := a.Subject.Key()
		field := "Acquis[" + k.String() + "]"
		where := subjectWhere(k)
		if twice != nil && twice[i] {
			c.duplicate(fSubject, field, strings.TrimPrefix(where, " de la matière "))
		}
		c.subject(field+".Subject", a.Subject)
		c.subjectLabel(field+".Subject", a.Subject, x)
		if len(a.Teachers) == 0 && fTeachers.required {
			c.add(field+".Teachers", "acquis"+where+" sans enseignant")
		}
		for j, t := range a.Teachers {
			f := fmt.Sprintf("%s.Teachers[%d]", field, j)
			c.key(f, " d'un enseignant"+where, t)
			c.badKey(f, t, x)
		}
		for j, e := range a.ProgrammeElements {
			c.text(fElements, fmt.Sprintf("%s.ProgrammeElements[%d]", field, j), where, e)
			if e == "" {
				c.add(fmt.Sprintf("%s.ProgrammeElements[%d]", field, j), missing(fElements, where))
			}
		}
		if a.Positioning != 0 {
			c.number(fPositioning, field+".Positioning", where, a.Positioning)
		}
		c.text(fAverage, field+".Average", where, a.Average)
		c.text(fClassAverage, field+".ClassAverage", where, a.ClassAverage)
		c.text(fAppreciation, field+".Appreciation", where, a.Appreciation)
	}
}

func (c *checker) schoolLife(l *lsusync.SchoolLife) {
	if l == nil {
		if fLife.required {
			c.add("SchoolLife", missing(fLife, ""))
		}
		return
	}
	c.number(fLate, "SchoolLife.Late", "", l.Late)
	c.number(fJustified, "SchoolLife.Justified", "", l.Justified)
	c.number(fUnjustified, "SchoolLife.Unjustified", "", l.Unjustified)
	if l.MissedHours != nil {
		c.number(fMissed, "SchoolLife.MissedHours", "", *l.MissedHours)
	}
	c.text(fLifeComment, "SchoolLife.Comment", " de la vie scolaire", l.Comment)
}

func (c *checker) support(ss []lsusync.Support) {
	var twice []bool
	if fSupportCode.unique {
		twice = repeated(len(ss), func(i int) string { return ss[i].Code })
	}
	for i, s := range ss {
		field := fmt.Sprintf("Support[%d]", i)
		c.value(fSupportCode, field+".Code", "", s.Code)
		if twice != nil && twice[i] {
			c.duplicate(fSupportCode, field+".Code", printable(s.Code))
		}
		where := " de la modalité " + printable(s.Code)
		c.text(fSupportPPRE, field+".PPRE", where, s.PPRE)
		c.text(fSupportContract, field+".Contract", where, s.Contract)
	}
}

func (c *checker) pathways(ps []lsusync.Pathway) {
	var twice []bool
	if fPathwayCode.unique {
		twice = repeated(len(ps), func(i int) string { return ps[i].Code })
	}
	for i, p := range ps {
		field := fmt.Sprintf("Pathways[%d]", i)
		c.value(fPathwayCode, field+".Code", "", p.Code)
		if twice != nil && twice[i] {
			c.duplicate(fPathwayCode, field+".Code", printable(p.Code))
		}
		c.text(fPathwayText, field+".Text", " du parcours "+printable(p.Code), p.Text)
	}
}

// groups checks the EPIs or the APs of the pupil, their groups and the
// EPI or AP each group follows.
func (c *checker) groups(g *group, gs []groupData, x *bilanContext) {
	var twice []bool
	if g.ref.unique {
		twice = repeated(len(gs), func(i int) string { return gs[i].groupKey() })
	}
	for i := range gs {
		d := &gs[i]
		field := fmt.Sprintf("%s[%d]", g.list.path, i)
		gf := field + ".Group"
		of := gf + "." + g.of.path[strings.LastIndexByte(g.of.path, '.')+1:]
		ownerWhere := " " + ofThe(g.of.label, g.of.feminine) + " « " + short(d.title) + " »"
		groupWhere := " du groupe « " + short(d.groupTitle) + " »"
		if twice != nil && twice[i] {
			c.add(gf, "groupe « "+short(d.groupTitle)+" » ("+g.of.label+") en double")
		}
		c.text(g.comment, field+".Comment", groupWhere, d.comment)
		c.text(g.title, gf+".Title", " d'un groupe"+ownerWhere, d.groupTitle)
		c.text(g.groupComment, gf+".Comment", groupWhere, d.groupComment)
		c.count(g.teaching, gf+".Teaching", "groupe « "+short(d.groupTitle)+" »", false, len(d.teaching))
		for j, t := range d.teaching {
			tf := fmt.Sprintf("%s.Teaching[%d]", gf, j)
			c.key(tf+".Teacher", " d'un enseignant"+groupWhere, t.Teacher)
			c.badKey(tf+".Teacher", t.Teacher, x)
			c.subject(tf+".Subject", t.Subject)
			c.subjectLabel(tf+".Subject", t.Subject, x)
		}
		c.text(g.ofTitle, of+".Title", " "+ofA(g.of), d.title)
		if g.theme != nil {
			c.text(g.theme, of+".Theme", ownerWhere, d.theme)
			c.text(g.themeLabel, of+".ThemeLabel", ownerWhere, d.themeLabel)
		}
		c.count(g.subjects, of+".Subjects", g.of.label+" « "+short(d.title)+" »", g.of.feminine, len(d.subjects))
		for j, s := range d.subjects {
			sf := fmt.Sprintf("%s.Subjects[%d]", of, j)
			c.subject(sf, s)
			c.subjectLabel(sf, s, x)
		}
		c.text(g.description, of+".Description", ownerWhere, d.description)
	}
}

func (c *checker) digital(d *lsusync.DigitalSkills) {
	c.text(fDigitalAppr, "Digital.Appreciation", " des compétences numériques", d.Appreciation)
	var twice []bool
	if fLevelCode.unique {
		twice = repeated(len(d.Levels), func(i int) string { return d.Levels[i].Code })
	}
	for i, l := range d.Levels {
		field := fmt.Sprintf("Digital.Levels[%d]", i)
		c.value(fLevelCode, field+".Code", "", l.Code)
		if twice != nil && twice[i] {
			c.duplicate(fLevelCode, field+".Code", printable(l.Code))
		}
		c.number(fLevelValue, field+".Level", " de la compétence "+printable(l.Code), l.Level)
	}
	for i, cm := range d.Common {
		field := fmt.Sprintf("Digital.Common[%d]", i)
		where := fmt.Sprintf(" de l'appréciation commune n° %d", i+1)
		c.text(fCommonStruct, field+".Structure", where, cm.Structure)
		c.value(fCommonType, field+".StructureType", where, cm.StructureType)
		c.text(fCommonText, field+".Text", where, cm.Text)
	}
}

func (c *checker) socle(ds []lsusync.SocleDomain) {
	c.count(fSocle, "Socle", "bilan", false, len(ds))
	if c.v3 && len(ds) > 0 && len(ds) != 8 {
		c.add("Socle", fmt.Sprintf("%s : %d domaines (la version 3.0 du fichier en demande 8)", fSocle.label, len(ds)))
	}
	var twice []bool
	if fSocleCode.unique {
		twice = repeated(len(ds), func(i int) string { return ds[i].Code })
	}
	for i, d := range ds {
		field := fmt.Sprintf("Socle[%d]", i)
		c.value(fSocleCode, field+".Code", "", d.Code)
		if twice != nil && twice[i] {
			c.duplicate(fSocleCode, field+".Code", printable(d.Code))
		}
		c.number(fSoclePosition, field+".Positioning", " du domaine "+printable(d.Code), d.Positioning)
	}
}

func (c *checker) guardians(gs []lsusync.Guardian) {
	for i := range gs {
		g := &gs[i]
		field := fmt.Sprintf("Guardians[%d]", i)
		where := fmt.Sprintf(" du responsable n° %d", i+1)
		c.value(fGCivility, field+".Civility", where, g.Civility)
		c.text(fGLast, field+".LastName", where, g.LastName)
		c.text(fGFirst, field+".FirstName", where, g.FirstName)
		c.text(fGRelation, field+".Relationship", where, g.Relationship)
		c.text(fGName, field+".Name", where, g.Name)
		a := &g.Address
		if !hasAddress(a) {
			continue
		}
		lines := [4]string{a.Line1, a.Line2, a.Line3, a.Line4}
		for j, l := range lines {
			c.text(fAddressLines[j], fmt.Sprintf("%s.Address.Line%d", field, j+1), where, l)
		}
		if c.v3 && a.Line1 == "" {
			c.add(field+".Address.Line1", missing(fAddressLines[0], where)+" (la version 3.0 du fichier la demande)")
		}
		c.text(fPostalCode, field+".Address.PostalCode", where, a.PostalCode)
		c.text(fCity, field+".Address.City", where, a.City)
	}
}

// hasAddress reports whether a holds a value the file writes: the country
// has no place in it.
func hasAddress(a *lsusync.Address) bool {
	return a.Line1 != "" || a.Line2 != "" || a.Line3 != "" || a.Line4 != "" || a.PostalCode != "" || a.City != ""
}
