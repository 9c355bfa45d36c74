package lsufile

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// registry gathers the file's shared lists from the valid bilans, gives
// each element its id, and writes the lists and the bilans that refer to
// them.
type registry struct {
	v3       bool
	bilan    int // the number of the bilan being added, for the tallies
	resp     map[string]string
	pupils   map[string]*lsusync.Student
	periods  map[lsusync.Period]bool
	disc     map[lsusync.SubjectKey]*discipline
	teachers map[lsusync.TeacherKey]bool
	elements map[string]string
	commons  map[lsusync.DigitalCommon]string // clean values -> id
	themes   map[string]*tally                // thématique code -> its labels
	epis     *shared
	aps      *shared

	// The sorted lists, once finished.
	respList    []string
	pupilList   []string
	periodList  []lsusync.Period
	discList    []lsusync.SubjectKey
	teacherList []lsusync.TeacherKey
	elementList []string
	commonList  []lsusync.DigitalCommon
	themeList   []string
	themeLabels map[string]string
}

// discipline is a subject of the file: a (code, modalité), with the
// labels and national codes the bilans give it.
type discipline struct {
	labels, national tally
	label, nat       string // chosen by finish
	badLabel         string // why the first invalid label is, when none is valid
}

// tally counts the bilans that give a value, to choose one: the value most
// bilans give, then the one given by the latest period, then the first in
// alphabetical order.
type tally struct {
	m map[string]*candidate
}

type candidate struct {
	bilans int
	last   int // the registry's bilan number that counted it last
	latest lsusync.Period
}

func (t *tally) add(v string, bilan int, p lsusync.Period) {
	if t.m == nil {
		t.m = make(map[string]*candidate)
	}
	c := t.m[v]
	if c == nil {
		c = &candidate{last: -1}
		t.m[v] = c
	}
	if c.last != bilan {
		c.last = bilan
		c.bilans++
	}
	if later(p, c.latest) {
		c.latest = p
	}
}

// later reports whether period a ends after b.
func later(a, b lsusync.Period) bool {
	if a.Year != b.Year {
		return a.Year > b.Year
	}
	// a.Index/a.Count > b.Index/b.Count
	return a.Index*max(b.Count, 1) > b.Index*max(a.Count, 1)
}

// choose returns the value chosen among those counted, or "".
func (t *tally) choose() string {
	var best string
	var bc *candidate
	for v, c := range t.m {
		switch {
		case bc == nil, c.bilans > bc.bilans:
		case c.bilans < bc.bilans:
			continue
		case later(c.latest, bc.latest):
		case later(bc.latest, c.latest):
			continue
		case v < best:
		default:
			continue
		}
		best, bc = v, c
	}
	return best
}

// shared is the EPIs or the APs of the file, and their groups.
type shared struct {
	of        map[string]*sharedOf // by ofKey
	groups    map[string]*sharedGroup
	ofList    []*sharedOf
	groupList []*sharedGroup
}

type sharedOf struct {
	key  string
	data groupData
	id   string
}

type sharedGroup struct {
	key  string
	data groupData
	of   *sharedOf
	id   string
}

func newShared() *shared {
	return &shared{of: make(map[string]*sharedOf), groups: make(map[string]*sharedGroup)}
}

func newRegistry(v3 bool) *registry {
	return &registry{
		v3: v3, resp: make(map[string]string), pupils: make(map[string]*lsusync.Student),
		periods: make(map[lsusync.Period]bool), disc: make(map[lsusync.SubjectKey]*discipline),
		teachers: make(map[lsusync.TeacherKey]bool), elements: make(map[string]string),
		commons: make(map[lsusync.DigitalCommon]string), themes: make(map[string]*tally),
		epis: newShared(), aps: newShared(),
	}
}

// subject records a subject that a bilan names, with its label and its
// national code.
func (r *registry) subject(s lsusync.Subject, p lsusync.Period) {
	k := discKey(s)
	d := r.disc[k]
	if d == nil {
		d = &discipline{}
		r.disc[k] = d
	}
	label, prob, _ := clean(s.Label)
	if prob == textOK {
		prob, _ = measure(fSubjectLabel, label)
	}
	if prob == textOK {
		d.labels.add(label, r.bilan, p)
	} else if d.badLabel == "" {
		c := &checker{}
		c.text(fSubjectLabel, "", subjectWhere(s.Key()), s.Label)
		d.badLabel = c.reasons[0].Text
	}
	if s.NationalCode != "" {
		nat, prob, _ := clean(s.NationalCode)
		if prob == textOK {
			prob, _ = measure(fSubjectNat, nat)
		}
		if prob == textOK {
			d.national.add(nat, r.bilan, p)
		}
	}
}

// add records what the valid bilan b refers to.
func (r *registry) add(b *lsusync.Bilan, pupil *lsusync.Student, signatory string) {
	r.bilan++
	r.resp[cleaned(signatory)] = ""
	r.pupils[b.Student] = pupil
	r.periods[b.Period] = true
	for _, k := range b.HeadTeachers {
		r.teachers[k] = true
	}
	for i := range b.Acquis {
		a := &b.Acquis[i]
		r.subject(a.Subject, b.Period)
		for _, k := range a.Teachers {
			r.teachers[k] = true
		}
		for _, e := range a.ProgrammeElements {
			r.elements[cleaned(e)] = ""
		}
	}
	for _, c := range b.Digital.Common {
		r.commons[cleanCommon(c)] = ""
	}
	for i := range b.EPIs {
		d := epiData(&b.EPIs[i])
		r.group(r.epis, &d, b.Period)
		if d.themeLabel != "" {
			t := r.themes[cleaned(d.theme)]
			if t == nil {
				t = &tally{}
				r.themes[cleaned(d.theme)] = t
			}
			t.add(cleaned(d.themeLabel), r.bilan, b.Period)
		}
	}
	for i := range b.APs {
		d := apData(&b.APs[i])
		r.group(r.aps, &d, b.Period)
	}
}

func cleanCommon(c lsusync.DigitalCommon) lsusync.DigitalCommon {
	return lsusync.DigitalCommon{Structure: cleaned(c.Structure), StructureType: c.StructureType, Text: cleaned(c.Text)}
}

// group records an EPI or an AP of a pupil, its group and their subjects
// and teachers.
func (r *registry) group(sh *shared, d *groupData, p lsusync.Period) {
	for _, s := range d.subjects {
		r.subject(s, p)
	}
	for _, t := range d.teaching {
		r.subject(t.Subject, p)
		r.teachers[t.Teacher] = true
	}
	gk := d.groupKey()
	if _, ok := sh.groups[gk]; ok {
		return
	}
	ok := d.ofKey()
	of := sh.of[ok]
	if of == nil {
		of = &sharedOf{key: ok, data: *d}
		sh.of[ok] = of
	}
	sh.groups[gk] = &sharedGroup{key: gk, data: *d, of: of}
}

// keyCollisions returns the teachers' keys of one type and STS number
// written apart ("epp:012" and "epp:12"), each with the other.
func (r *registry) keyCollisions() map[lsusync.TeacherKey]string {
	first := make(map[lsusync.TeacherKey]lsusync.TeacherKey)
	out := make(map[lsusync.TeacherKey]string)
	for k := range r.teachers {
		if !digits(k.ID) {
			continue
		}
		n := lsusync.TeacherKey{Type: k.Type, ID: canonical(k.ID)}
		if o, ok := first[n]; ok && o != k {
			out[k], out[o] = o.String(), k.String()
			continue
		}
		first[n] = k
	}
	return out
}

// finish sorts the lists, chooses the labels and gives the ids.
func (r *registry) finish() {
	r.respList = slices.Sorted(maps.Keys(r.resp))
	for i, l := range r.respList {
		r.resp[l] = "RE_" + strconv.Itoa(i+1)
	}
	r.pupilList = slices.SortedFunc(maps.Keys(r.pupils), compareIDs)
	r.periodList = slices.SortedFunc(maps.Keys(r.periods), comparePeriods)
	r.discList = slices.SortedFunc(maps.Keys(r.disc), lsusync.SubjectKey.Compare)
	for _, k := range r.discList {
		d := r.disc[k]
		d.label = d.labels.choose()
		d.nat = d.national.choose()
	}
	r.teacherList = slices.SortedFunc(maps.Keys(r.teachers), lsusync.TeacherKey.Compare)
	r.elementList = slices.Sorted(maps.Keys(r.elements))
	for i, e := range r.elementList {
		r.elements[e] = "EP_" + strconv.Itoa(i+1)
	}
	r.commonList = slices.SortedFunc(maps.Keys(r.commons), func(a, b lsusync.DigitalCommon) int {
		return cmp.Or(strings.Compare(a.Structure, b.Structure), strings.Compare(a.StructureType, b.StructureType), strings.Compare(a.Text, b.Text))
	})
	for i, c := range r.commonList {
		r.commons[c] = "CNC_" + strconv.Itoa(i+1)
	}
	r.themeList = slices.Sorted(maps.Keys(r.themes))
	r.themeLabels = make(map[string]string, len(r.themes))
	for _, t := range r.themeList {
		r.themeLabels[t] = r.themes[t].choose()
	}
	r.epis.finish("EPI_", "EPIG_")
	r.aps.finish("AP_", "APG_")
}

func (sh *shared) finish(ofPrefix, groupPrefix string) {
	sh.ofList = slices.SortedFunc(maps.Values(sh.of), func(a, b *sharedOf) int { return strings.Compare(a.key, b.key) })
	for i, o := range sh.ofList {
		o.id = ofPrefix + strconv.Itoa(i+1)
	}
	sh.groupList = slices.SortedFunc(maps.Values(sh.groups), func(a, b *sharedGroup) int { return strings.Compare(a.key, b.key) })
	for i, g := range sh.groupList {
		g.id = groupPrefix + strconv.Itoa(i+1)
	}
}

// The ids of the records of the file, made of their keys. An id is an
// XML name that does not start with a digit: the keys' characters other
// than ASCII letters and digits are written "-" and two hexadecimal
// digits, so that two keys never give one id.

func pupilID(id string) string { return "EL_" + id }

func periodID(p lsusync.Period) string {
	return "P_" + strconv.Itoa(p.Year) + "_" + strconv.Itoa(p.Index) + "_" + strconv.Itoa(p.Count)
}

// discKey is the key of a subject's discipline in the file: its code as
// the file writes it, and its modalité.
func discKey(s lsusync.Subject) lsusync.SubjectKey {
	return lsusync.SubjectKey{Code: cleaned(s.Code), Modality: s.Modality}
}

// disciplineID is the id of the discipline of key k (see [discKey]).
func disciplineID(k lsusync.SubjectKey) string {
	return "DI_" + idPart(k.Code) + "_" + idPart(k.Modality)
}

func teacherID(k lsusync.TeacherKey) string { return "ENS_" + idPart(k.Type) + "_" + idPart(k.ID) }

func idPart(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if !alnum(s[i]) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)*3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if alnum(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '-', hex[c>>4], hex[c&15])
	}
	return string(b)
}

func alnum(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }

// write writes the shared lists, from responsables-etab to
// acc-persos-groupes.
func (r *registry) write(w *xmlWriter, x *exporter) {
	w.open(2, "responsables-etab")
	w.raw(">")
	for _, l := range r.respList {
		w.open(3, fSignatory.wrap)
		w.attr("id", r.resp[l])
		w.attr(fSignatory.name, l)
		w.raw("/>")
	}
	w.close(2, "responsables-etab")

	w.open(2, "eleves")
	w.raw(">")
	for _, id := range r.pupilList {
		p := r.pupils[id]
		w.open(3, "eleve")
		w.attr("id", pupilID(id))
		w.attr(fStudentID.name, id)
		optional(w, fStudentLast, p.LastName)
		optional(w, fStudentFirst, p.FirstName)
		w.attr(fStudentClass.name, cleaned(p.Class))
		w.raw("/>")
		w.maybeFlush()
	}
	w.close(2, "eleves")

	w.open(2, "periodes")
	w.raw(">")
	for _, p := range r.periodList {
		w.open(3, "periode")
		w.attr("id", periodID(p))
		w.attr(fPeriodYear.name, pad4(p.Year))
		w.attrInt(fPeriodIndex.name, p.Index)
		w.attrInt(fPeriodCount.name, p.Count)
		w.raw("/>")
	}
	w.close(2, "periodes")

	w.open(2, "disciplines")
	w.raw(">")
	for _, k := range r.discList {
		d := r.disc[k]
		w.open(3, "discipline")
		w.attr("id", disciplineID(k))
		w.attr(fSubjectCode.name, k.Code)
		if d.nat != "" {
			w.attr(fSubjectNat.name, d.nat)
		}
		w.attr(fSubjectMod.name, k.Modality)
		w.attr(fSubjectLabel.name, d.label)
		w.raw("/>")
	}
	w.close(2, "disciplines")

	if len(r.teacherList) > 0 {
		w.open(2, "enseignants")
		w.raw(">")
		for _, k := range r.teacherList {
			w.open(3, "enseignant")
			w.attr("id", teacherID(k))
			w.attr(fKeyType.name, k.Type)
			w.attr(fKeyID.name, k.ID)
			if t, ok := x.teacher[k]; ok {
				if slices.Contains(fCivil.values, t.Civility) {
					w.attr(fCivil.name, t.Civility)
				}
				optional(w, fTLast, t.LastName)
				optional(w, fTFirst, t.FirstName)
			}
			w.raw("/>")
		}
		w.close(2, "enseignants")
	}

	if len(r.elementList) > 0 {
		w.open(2, "elements-programme")
		w.raw(">")
		for _, e := range r.elementList {
			w.open(3, "element-programme")
			w.attr("id", r.elements[e])
			w.attr("libelle", e)
			w.raw("/>")
			w.maybeFlush()
		}
		w.close(2, "elements-programme")
	}

	if len(r.commonList) > 0 {
		w.open(2, "competences-numeriques-communs")
		w.raw(">")
		for _, c := range r.commonList {
			w.open(3, "competences-numeriques-commun")
			w.attr("id", r.commons[c])
			w.attr(fCommonStruct.name, c.Structure)
			w.attr(fCommonType.name, c.StructureType)
			w.raw(">")
			w.buf = appendEscaped(w.buf, c.Text, false)
			w.raw("</competences-numeriques-commun>")
		}
		w.close(2, "competences-numeriques-communs")
	}

	var themes []string
	for _, t := range r.themeList {
		if r.themeLabels[t] != "" {
			themes = append(themes, t)
		}
	}
	if len(themes) > 0 {
		w.open(2, "epis-thematiques")
		w.raw(">")
		for _, t := range themes {
			w.open(3, epiGroup.themeLabel.wrap)
			w.attr("code", t)
			w.attr(epiGroup.themeLabel.name, r.themeLabels[t])
			w.raw("/>")
		}
		w.close(2, "epis-thematiques")
	}
	r.writeShared(w, r.epis, epiGroup, "epis", "epi", "epis-groupes", "epi-groupe")
	r.writeShared(w, r.aps, apGroup, "acc-persos", "acc-perso", "acc-persos-groupes", "acc-perso-groupe")
}

// optional writes the attribute of sp when value is one the file can
// hold: the pupils' and teachers' names are the file's "debugging"
// information, left out when they cannot be written.
func optional(w *xmlWriter, sp *spec, value string) {
	if value == "" {
		return
	}
	v, p, _ := clean(value)
	if p == textOK {
		p, _ = measure(sp, v)
	}
	if p == textOK {
		w.attr(sp.name, v)
	}
}

func pad4(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

// writeShared writes the EPIs or the APs and their groups.
func (r *registry) writeShared(w *xmlWriter, sh *shared, g *group, list, item, groupList, groupItem string) {
	if len(sh.ofList) > 0 {
		w.open(2, list)
		w.raw(">")
		for _, o := range sh.ofList {
			d := &o.data
			w.open(3, item)
			w.attr("id", o.id)
			w.attr(g.ofTitle.name, cleaned(d.title))
			if g.theme != nil {
				w.attr(g.theme.name, cleaned(d.theme))
			}
			w.attr(g.subjects.name, r.subjectRefs(d.subjects))
			if d.description == "" {
				w.raw("/>")
				continue
			}
			w.raw(">")
			w.text(4, g.description.name, cleaned(d.description))
			w.close(3, item)
		}
		w.close(2, list)
	}
	if len(sh.groupList) > 0 {
		w.open(2, groupList)
		w.raw(">")
		for _, gr := range sh.groupList {
			d := &gr.data
			w.open(3, groupItem)
			w.attr("id", gr.id)
			w.attr(g.of.name, gr.of.id)
			w.attr(g.title.name, cleaned(d.groupTitle))
			w.raw(">")
			if d.groupComment != "" {
				w.text(4, g.groupComment.name, cleaned(d.groupComment))
			}
			w.open(4, g.teaching.wrap)
			w.raw(">")
			for _, t := range d.teaching {
				w.open(5, g.teaching.name)
				w.attr(g.teacher.name, teacherID(t.Teacher))
				w.attr(g.subject.name, disciplineID(discKey(t.Subject)))
				w.raw("/>")
			}
			w.close(4, g.teaching.wrap)
			w.close(3, groupItem)
		}
		w.close(2, groupList)
	}
}

func (r *registry) subjectRefs(ss []lsusync.Subject) string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = disciplineID(discKey(s))
	}
	return strings.Join(ids, " ")
}

func teacherRefs(ks []lsusync.TeacherKey) string {
	ids := make([]string, len(ks))
	for i, k := range ks {
		ids[i] = teacherID(k)
	}
	return strings.Join(ids, " ")
}

// writeBilan writes a valid bilan.
func (r *registry) writeBilan(w *xmlWriter, b *lsusync.Bilan, signatory string) {
	w.open(3, "bilan-periodique")
	w.attr(fBilanStudent.name, pupilID(b.Student))
	w.attr(fBilanPeriod.name, periodID(b.Period))
	w.attr(fCouncil.name, b.CouncilDate.String())
	w.attr(fSchooling.name, b.SchoolingDate.String())
	if !b.LockDate.IsZero() {
		w.attr(fLockDate.name, b.LockDate.String())
	}
	w.attr("responsable-etab-ref", r.resp[cleaned(signatory)])
	if len(b.HeadTeachers) > 0 {
		w.attr(fHeads.name, teacherRefs(b.HeadTeachers))
	}
	w.raw(">")

	w.open(4, fAcquis.wrap)
	w.raw(">")
	for i := range b.Acquis {
		a := &b.Acquis[i]
		w.open(5, fAcquis.name)
		w.attr(fSubject.name, disciplineID(discKey(a.Subject)))
		w.attr(fTeachers.name, teacherRefs(a.Teachers))
		if len(a.ProgrammeElements) > 0 {
			ids := make([]string, len(a.ProgrammeElements))
			for j, e := range a.ProgrammeElements {
				ids[j] = r.elements[cleaned(e)]
			}
			w.attr(fElements.name, strings.Join(ids, " "))
		}
		if a.Average != "" {
			w.attr(fAverage.name, cleaned(a.Average))
		}
		if a.ClassAverage != "" {
			w.attr(fClassAverage.name, cleaned(a.ClassAverage))
		}
		if a.NotGraded {
			w.attr(fNotGraded.name, "true")
		}
		if a.ClassNotGraded {
			w.attr(fClassNotGraded.name, "true")
		}
		if a.Positioning != 0 {
			w.attrInt(fPositioning.name, a.Positioning)
		}
		if a.Appreciation == "" {
			w.raw("/>")
			continue
		}
		w.raw(">")
		w.text(6, fAppreciation.name, cleaned(a.Appreciation))
		w.close(5, fAcquis.name)
	}
	w.close(4, fAcquis.wrap)

	if d := &b.Digital; !d.IsZero() {
		w.open(4, fDigital.name)
		if len(d.Common) > 0 {
			ids := make([]string, len(d.Common))
			for j, c := range d.Common {
				ids[j] = r.commons[cleanCommon(c)]
			}
			w.attr(fCommon.name, strings.Join(ids, " "))
		}
		if d.Appreciation == "" && len(d.Levels) == 0 {
			w.raw("/>")
		} else {
			w.raw(">")
			if d.Appreciation != "" {
				w.text(5, fDigitalAppr.name, cleaned(d.Appreciation))
			}
			for _, l := range d.Levels {
				w.open(5, fLevels.name)
				w.attr(fLevelCode.name, l.Code)
				w.attrInt(fLevelValue.name, l.Level)
				w.raw("/>")
			}
			w.close(4, fDigital.name)
		}
	}
	if len(b.EPIs) > 0 {
		w.open(4, epiGroup.list.wrap)
		w.raw(">")
		for i := range b.EPIs {
			d := epiData(&b.EPIs[i])
			r.writePupilGroup(w, r.epis, epiGroup, &d)
		}
		w.close(4, epiGroup.list.wrap)
	}
	if len(b.APs) > 0 {
		w.open(4, apGroup.list.wrap)
		w.raw(">")
		for i := range b.APs {
			d := apData(&b.APs[i])
			r.writePupilGroup(w, r.aps, apGroup, &d)
		}
		w.close(4, apGroup.list.wrap)
	}
	if len(b.Pathways) > 0 {
		w.open(4, fPathways.wrap)
		w.raw(">")
		for _, p := range b.Pathways {
			w.open(5, fPathways.name)
			w.attr(fPathwayCode.name, p.Code)
			w.raw(">")
			w.buf = appendEscaped(w.buf, cleaned(p.Text), false)
			w.raw("</" + fPathways.name + ">")
		}
		w.close(4, fPathways.wrap)
	}
	if len(b.Support) > 0 {
		w.open(4, fSupport.wrap)
		w.raw(">")
		for _, s := range b.Support {
			w.open(5, fSupport.name)
			w.attr(fSupportCode.name, s.Code)
			if s.PPRE == "" && s.Contract == "" {
				w.raw("/>")
				continue
			}
			w.raw(">")
			if s.PPRE != "" {
				w.text(6, fSupportPPRE.name, cleaned(s.PPRE))
			}
			if s.Contract != "" {
				w.text(6, fSupportContract.name, cleaned(s.Contract))
			}
			w.close(5, fSupport.name)
		}
		w.close(4, fSupport.wrap)
	}
	w.text(4, fSynthesis.name, cleaned(b.Synthesis))
	if b.HomeworkHelp != "" {
		w.text(4, fHomework.name, cleaned(b.HomeworkHelp))
	}
	l := b.SchoolLife
	w.open(4, fLife.name)
	w.attrInt(fLate.name, l.Late)
	w.attrInt(fJustified.name, l.Justified)
	w.attrInt(fUnjustified.name, l.Unjustified)
	if l.MissedHours != nil {
		w.attrInt(fMissed.name, *l.MissedHours)
	}
	if l.Comment == "" {
		w.raw("/>")
	} else {
		w.raw(">")
		w.text(5, fLifeComment.name, cleaned(l.Comment))
		w.close(4, fLife.name)
	}
	if len(b.Socle) > 0 {
		w.open(4, fSocle.wrap)
		w.raw(">")
		for _, d := range b.Socle {
			w.open(5, fSocle.name)
			w.attr(fSocleCode.name, d.Code)
			w.attrInt(fSoclePosition.name, d.Positioning)
			w.raw("/>")
		}
		w.close(4, fSocle.wrap)
	}
	if len(b.Guardians) > 0 {
		w.open(4, fGuardians.wrap)
		w.raw(">")
		for i := range b.Guardians {
			writeGuardian(w, &b.Guardians[i])
		}
		w.close(4, fGuardians.wrap)
	}
	w.close(3, "bilan-periodique")
}

func (r *registry) writePupilGroup(w *xmlWriter, sh *shared, g *group, d *groupData) {
	w.open(5, g.list.name)
	w.attr(g.ref.name, sh.groups[d.groupKey()].id)
	if d.comment == "" {
		w.raw("/>")
		return
	}
	w.raw(">")
	w.text(6, g.comment.name, cleaned(d.comment))
	w.close(5, g.list.name)
}

func writeGuardian(w *xmlWriter, g *lsusync.Guardian) {
	w.open(5, fGuardians.name)
	if g.Civility != "" {
		w.attr(fGCivility.name, g.Civility)
	}
	for _, f := range []struct {
		sp *spec
		v  string
	}{{fGLast, g.LastName}, {fGFirst, g.FirstName}} {
		if f.v != "" {
			w.attr(f.sp.name, cleaned(f.v))
		}
	}
	if g.Legal1 {
		w.attr(fGLegal1.name, "true")
	}
	if g.Legal2 {
		w.attr(fGLegal2.name, "true")
	}
	if g.Relationship != "" {
		w.attr(fGRelation.name, cleaned(g.Relationship))
	}
	if g.Name != "" {
		w.attr(fGName.name, cleaned(g.Name))
	}
	a := &g.Address
	if !hasAddress(a) {
		w.raw("/>")
		return
	}
	w.raw(">")
	w.open(6, fGAddress.name)
	for i, l := range [4]string{a.Line1, a.Line2, a.Line3, a.Line4} {
		if l != "" {
			w.attr(fAddressLines[i].name, cleaned(l))
		}
	}
	w.attr(fPostalCode.name, cleaned(a.PostalCode))
	w.attr(fCity.name, cleaned(a.City))
	w.raw("/>")
	w.close(5, fGuardians.name)
}
