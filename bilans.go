package lsusync

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
)

// Bilan is a bilan périodique: one pupil's report for one period, as LSU
// holds it (bilan-periodique). Bilans de cycle, the end-of-cycle reports,
// are another record, which lsusync does not hold.
//
// A synchronisation updates only non-locked bilans en saisie directe of the
// selected classes, and in them only the list of acquis (one per subject
// and modalité d'élection), the teachers of each and the professeurs
// principaux: the fields of [Fields] with [RoleSynced]. Every piece of
// content is carried untouched: the embedded [BilanContent], and each
// acquis's [AcquisContent].
type Bilan struct {
	// Student is the pupil's ID; with Period, the key of a bilan.
	Student string `json:"student"`
	// Period is the bilan's period.
	Period Period `json:"period"`
	// Locked reports a locked (verrouillé) bilan: final, never modified.
	Locked bool `json:"locked,omitempty"`
	// Imported reports a bilan imported from other software (Pronote,
	// SACoche, LSU's import file...); it keeps what that software sent. The
	// zero value is a bilan en saisie directe.
	Imported bool `json:"imported,omitempty"`
	// Acquis are the per-subject entries (liste-acquis), one per subject
	// code and modalité d'élection ([Subject.Key]).
	Acquis []Acquis `json:"acquis,omitempty"`
	// HeadTeachers are the professeurs principaux of the bilan
	// (prof-princ-refs).
	HeadTeachers []TeacherKey `json:"headTeachers,omitempty"`
	// BilanContent is what was written in the bilan; a sync never reads or
	// changes it.
	BilanContent
	// Version is the record's version in the store (see [Version]).
	Version Version `json:"-"`
}

// Key returns the bilan's key.
func (b *Bilan) Key() BilanKey { return BilanKey{b.Student, b.Period} }

// Clone returns a deep copy of b: no slice, map or pointer of the copy is
// shared with b. A [Store] returns clones of what it keeps.
func (b Bilan) Clone() Bilan {
	b.HeadTeachers = slices.Clone(b.HeadTeachers)
	b.BilanContent = b.BilanContent.Clone()
	if b.Acquis == nil {
		return b
	}
	// One backing array for every acquis's teachers: each gets a window
	// with its own capacity, so that appending to one never writes over
	// the next.
	n := 0
	for i := range b.Acquis {
		n += len(b.Acquis[i].Teachers)
	}
	keys := make([]TeacherKey, 0, n)
	acquis := make([]Acquis, len(b.Acquis))
	for i, a := range b.Acquis {
		if a.Teachers != nil {
			start := len(keys)
			keys = append(keys, a.Teachers...)
			a.Teachers = keys[start:len(keys):len(keys)]
		}
		a.AcquisContent = a.AcquisContent.Clone()
		acquis[i] = a
	}
	b.Acquis = acquis
	return b
}

// BilanKey identifies a bilan: a pupil and a period.
type BilanKey struct {
	Student string
	Period  Period
}

// String returns "student/period", for instance "1234/2025-T1".
func (k BilanKey) String() string {
	return k.Student + "/" + itoa(k.Period.Year) + "-" + k.Period.String()
}

// Acquis is the entry of one subject in a bilan (acquis): the subject with
// its modalité d'élection, its teachers, and what the teachers entered.
type Acquis struct {
	// Subject is the subject; [Subject.Key], its code and modalité, is the
	// key of the acquis in its bilan (LSU's discipline).
	Subject Subject `json:"subject"`
	// Teachers are the subject's teachers for this pupil
	// (enseignant-refs).
	Teachers []TeacherKey `json:"teachers,omitempty"`
	// AcquisContent is what the teachers entered; a sync never reads or
	// changes it.
	AcquisContent
}

// HasContent reports whether a holds anything a teacher entered: an
// acquis with content is never removed by a sync.
func (a *Acquis) HasContent() bool { return !a.AcquisContent.IsZero() }

// Subject is a matière with its modalité d'élection: LSU's discipline.
type Subject struct {
	// Code is the subject code, such as "030201": always text, leading
	// zeros kept (code, 6 characters).
	Code string `json:"code"`
	// Label is the subject's label (libelle, 1 to 40 characters).
	Label string `json:"label,omitempty"`
	// Modality is the modalité d'élection (modalite-election): "S" tronc
	// commun, "O" option obligatoire, "F" option facultative, "L", "R",
	// "X" or "D"; "" when unknown.
	Modality string `json:"modality,omitempty"`
	// NationalCode is the national code of a subject whose Code is the
	// establishment's own (code-national, 6 characters), or "". A
	// synchronisation carries it as content.
	NationalCode string `json:"nationalCode,omitempty"`
}

// Key returns the subject's code and modalité.
func (s Subject) Key() SubjectKey { return SubjectKey{s.Code, s.Modality} }

// SubjectKey identifies an acquis in a bilan: a subject code and a
// modalité d'élection. A pupil may have one subject with two modalités
// (English as tronc commun and as an option facultative): two acquis.
type SubjectKey struct {
	Code     string `json:"code"`
	Modality string `json:"modality,omitempty"`
}

// String returns "code/modality", or the code alone when the modality is
// unknown: "030201/S", "030201".
func (k SubjectKey) String() string {
	if k.Modality == "" {
		return k.Code
	}
	return k.Code + "/" + k.Modality
}

// Compare orders keys by code, then by modality.
func (k SubjectKey) Compare(o SubjectKey) int {
	return cmp.Or(strings.Compare(k.Code, o.Code), strings.Compare(k.Modality, o.Modality))
}

// BilanTemplate makes the bilans en saisie directe of the pupils of one
// class as a synchronisation keeps them (rule 6 of docs/rules.md): one
// acquis per subject and modalité of the division's services and of the
// services of the pupil's groups, sorted by [SubjectKey], with the
// subject's label (the first non-empty among its services) and its
// teachers sorted by key without duplicates; and the professeurs
// principaux whose end date is empty or not before today, sorted by key.
//
// A store that creates bilans from a [Source], as the lsusync init command
// does, uses it, so that the first synchronisation finds them up to date.
// The Synchronizer computes the subjects, teachers and professeurs
// principaux it keeps up to date with it.
//
// A BilanTemplate computes the subjects once per distinct set of groups
// and options. It is not safe for concurrent use.
type BilanTemplate struct {
	plan *subjectPlan
	pp   []TeacherKey
}

// NewBilanTemplate returns the template of the bilans of the class that
// data describes, on the given day.
func NewBilanTemplate(data ClassData, today Date) *BilanTemplate {
	return &BilanTemplate{plan: newSubjectPlan(data.Services), pp: headTeachers(data.HeadTeachers, today)}
}

// Bilan returns the empty, unlocked bilan en saisie directe of the pupil
// for the period. Its slices are its own.
func (t *BilanTemplate) Bilan(e Enrolment, p Period) Bilan {
	targets := t.plan.subjects(&e)
	b := Bilan{Student: e.Student.ID, Period: p, HeadTeachers: slices.Clone(t.pp)}
	if len(targets) == 0 {
		return b
	}
	n := 0
	for _, s := range targets {
		n += len(s.Teachers)
	}
	keys := make([]TeacherKey, 0, n) // one array for every acquis's teachers
	b.Acquis = make([]Acquis, len(targets))
	for i, s := range targets {
		a := Acquis{Subject: s.Subject}
		if len(s.Teachers) > 0 {
			start := len(keys)
			keys = append(keys, s.Teachers...)
			a.Teachers = keys[start:len(keys):len(keys)]
		}
		b.Acquis[i] = a
	}
	return b
}

// mergeBilan computes the new acquis, teachers and professeurs principaux
// of a non-locked bilan en saisie directe (rules 5 and 6). It returns the
// new bilan and true when something changed. want are the subjects of the
// plan's list number wantID; the new bilan shares their teacher lists and
// pp, which nobody modifies; texts keeps the texts of the changes that
// many bilans of a class have in common once.
//
// An acquis is matched with the wanted subject of its key, code and
// modalité; then an acquis left over takes a wanted subject of its code
// left over, and its modalité: an acquis whose modalité changed (exports
// that gained their Nomenclature.xml) keeps its content, never stranded
// beside a new empty one. A wanted subject of unknown modalité keeps the
// stored one (rule 4).
func (it *Item) mergeBilan(b *Bilan, want []subjectTarget, wantID int, pp []TeacherKey, texts *texts) (Bilan, bool) {
	// A bilan without content whose acquis and professeurs principaux
	// are those of a bilan merged before, against the same subjects, has
	// the same outcome: the pupils of a class who share their groups, in
	// every period. It is made once.
	key, cacheable := texts.mergeKey(b, wantID)
	if cacheable {
		if m, ok := texts.merged[string(key)]; ok {
			return m.apply(it, b)
		}
	}
	nb := *b
	newAcquis, newHeads := false, false // nb's lists replace b's
	it.Changes = texts.changes[:0]      // copied at the end, at its size
	defer func() {
		texts.changes = it.Changes[:0]
		it.Changes = slices.Clip(slices.Clone(it.Changes))
		if len(it.Changes) == 0 {
			it.Changes = nil
		}
		it.Kept = slices.Clip(it.Kept)
		if cacheable {
			if texts.merged == nil {
				texts.merged = make(map[string]*merged)
			}
			texts.merged[string(key)] = &merged{
				action: it.Action, changes: it.Changes, kept: it.Kept,
				acquis: nb.Acquis, heads: nb.HeadTeachers, newAcquis: newAcquis, newHeads: newHeads,
			}
		}
	}()

	// pair[k] is the index in want of the subject of b.Acquis[k], or -1.
	var pairBuf, takenBuf [32]int
	pair := growInts(pairBuf[:0], len(b.Acquis))
	taken := growInts(takenBuf[:0], len(want)) // 1 when a stored acquis has it
	for k := range b.Acquis {
		pair[k] = -1
		if i, ok := findTarget(want, b.Acquis[k].Subject.Key()); ok && taken[i] == 0 {
			pair[k], taken[i] = i, 1
		}
	}
	for k := range b.Acquis {
		if pair[k] >= 0 {
			continue
		}
		code := b.Acquis[k].Subject.Code
		for i := firstOfCode(want, code); i < len(want) && want[i].Subject.Code == code; i++ {
			if taken[i] == 0 {
				pair[k], taken[i] = i, 1
				break
			}
		}
	}

	// acquis is the new list of acquis, made at the first difference from
	// b.Acquis: a bilan already up to date, the common case, costs no
	// allocation.
	var acquis []Acquis
	diverge := func(k int) {
		if acquis == nil {
			acquis = make([]Acquis, k, max(len(b.Acquis), len(want)))
			copy(acquis, b.Acquis[:k])
		}
	}
	for k, a := range b.Acquis {
		if pair[k] < 0 {
			if a.HasContent() {
				it.KeptSubjects = append(it.KeptSubjects, a.Subject.Key().String())
				if acquis != nil {
					acquis = append(acquis, a)
				}
			} else {
				it.change(acquisField(a.Subject.Key(), ""), subjectText(a.Subject), "")
				diverge(k)
			}
			continue
		}
		t := &want[pair[k]]
		changed := false
		if t.Subject.Modality != "" && t.Subject.Modality != a.Subject.Modality {
			it.change(acquisField(t.Subject.Key(), "Modality"), a.Subject.Modality, t.Subject.Modality)
			a.Subject.Modality = t.Subject.Modality
			changed = true
		}
		if t.Subject.Label != "" && t.Subject.Label != a.Subject.Label {
			it.change(acquisField(a.Subject.Key(), "Label"), a.Subject.Label, t.Subject.Label)
			a.Subject.Label = t.Subject.Label
			changed = true
		}
		switch {
		case len(t.Teachers) == 0:
			if len(a.Teachers) > 0 {
				it.Kept = append(it.Kept, acquisField(a.Subject.Key(), "Teachers"))
			}
		case !sameKeys(a.Teachers, t.Teachers):
			field := t.field
			if a.Subject.Modality != t.Subject.Modality { // the stored modality kept
				field = acquisField(a.Subject.Key(), "Teachers")
			}
			it.change(field, texts.of(a.Teachers), t.text)
			a.Teachers = t.Teachers
			changed = true
		}
		if changed {
			diverge(k)
		}
		if acquis != nil {
			acquis = append(acquis, a)
		}
	}
	for i, t := range want {
		if taken[i] != 0 {
			continue
		}
		it.change(acquisField(t.Subject.Key(), ""), "", subjectText(t.Subject))
		diverge(len(b.Acquis))
		acquis = append(acquis, Acquis{Subject: t.Subject, Teachers: t.Teachers})
	}
	if acquis != nil {
		nb.Acquis, newAcquis = acquis, true
	}
	switch {
	case len(pp) == 0:
		if len(b.HeadTeachers) > 0 {
			it.Kept = append(it.Kept, "HeadTeachers")
		}
	case !sameKeys(b.HeadTeachers, pp):
		it.change("HeadTeachers", texts.of(b.HeadTeachers), texts.of(pp))
		nb.HeadTeachers, newHeads = pp, true
	}
	return nb, it.Action == ActionUpdated
}

// growInts returns buf with n zeros, allocated only when n exceeds its
// capacity.
func growInts(buf []int, n int) []int {
	if n > cap(buf) {
		return make([]int, n)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}

// acquisField returns the name of a field of an acquis in a [Change]:
// "Acquis[030201/S].Teachers", or "Acquis[030201/S]" for the acquis
// itself.
func acquisField(k SubjectKey, sub string) string {
	b := make([]byte, 0, 16+len(k.Code)+len(k.Modality)+len(sub))
	b = append(append(b, "Acquis["...), k.Code...)
	if k.Modality != "" {
		b = append(append(b, '/'), k.Modality...)
	}
	b = append(b, ']')
	if sub != "" {
		b = append(append(b, '.'), sub...)
	}
	return string(b)
}

// subjectTarget is a subject a pupil should have, with its teachers,
// sorted and without duplicates.
type subjectTarget struct {
	Subject  Subject
	Teachers []TeacherKey
	text     string // keysText(Teachers)
	field    string // the field of the teachers in a change: "Acquis[<key>].Teachers"
}

// texts keeps once the texts of teacher lists, which the changes of the
// bilans of one class repeat, and the outcomes of the merges of bilans
// without content, which the bilans of the pupils who share their groups
// repeat. It is not safe for concurrent use.
type texts struct {
	m       map[string]string
	buf     []byte
	changes []Change
	key     []byte
	merged  map[string]*merged
}

// merged is the outcome of mergeBilan for a bilan without content.
type merged struct {
	action              Action
	changes             []Change
	kept                []string
	acquis              []Acquis     // shared by the bilans of this outcome, never modified
	heads               []TeacherKey // idem
	newAcquis, newHeads bool         // acquis and heads replace the bilan's
}

// apply gives it and a copy of b the outcome m. The items of one outcome
// share its lists of changes and of kept fields (a report is read-only),
// clipped, so that an append to one of them copies it.
func (m *merged) apply(it *Item, b *Bilan) (Bilan, bool) {
	nb := *b
	if m.newAcquis {
		nb.Acquis = m.acquis
	}
	if m.newHeads {
		nb.HeadTeachers = m.heads
	}
	it.Action = m.action
	it.Changes = m.changes
	it.Kept = m.kept
	return nb, it.Action == ActionUpdated
}

// mergeKey returns the key of the merge of b against the plan's subject
// list number wantID, and whether its outcome may be shared: b holds no
// content, in its acquis or in itself. The key is valid until the next
// call.
func (t *texts) mergeKey(b *Bilan, wantID int) ([]byte, bool) {
	if !b.BilanContent.IsZero() {
		return nil, false
	}
	str := func(k []byte, s string) []byte {
		k = binary.AppendUvarint(k, uint64(len(s)))
		return append(k, s...)
	}
	keys := func(k []byte, ks []TeacherKey) []byte {
		k = binary.AppendUvarint(k, uint64(len(ks)))
		for _, key := range ks {
			k = str(str(k, key.Type), key.ID)
		}
		return k
	}
	k := binary.AppendUvarint(t.key[:0], uint64(len(b.Acquis)))
	for i := range b.Acquis {
		a := &b.Acquis[i]
		if a.HasContent() {
			return nil, false
		}
		s := &a.Subject
		k = str(str(str(str(k, s.Code), s.Label), s.Modality), s.NationalCode)
		k = keys(k, a.Teachers)
	}
	k = keys(k, b.HeadTeachers)
	k = binary.AppendUvarint(k, uint64(wantID))
	t.key = k
	return k, true
}

// of returns keysText(keys), made once for equal lists.
func (t *texts) of(keys []TeacherKey) string {
	t.buf = appendKeysText(t.buf[:0], keys)
	if s, ok := t.m[string(t.buf)]; ok {
		return s
	}
	if t.m == nil {
		t.m = make(map[string]string)
	}
	s := string(t.buf)
	t.m[s] = s
	return s
}

// subjectPlan computes the subjects of the pupils of one class from its
// services (rule 6 of docs/rules.md), once per distinct set of groups and
// options.
type subjectPlan struct {
	division []Service
	byGroup  map[string][]Service
	cache    map[string]subjectList
	buf      []byte
}

// subjectList is the subjects of the pupils in one set of groups with one
// set of options, and its number in the plan.
type subjectList struct {
	targets []subjectTarget
	id      int
}

func newSubjectPlan(services []Service) *subjectPlan {
	p := &subjectPlan{byGroup: make(map[string][]Service), cache: make(map[string]subjectList)}
	for _, s := range services {
		if s.Group == "" {
			p.division = append(p.division, s)
		} else {
			p.byGroup[s.Group] = append(p.byGroup[s.Group], s)
		}
	}
	return p
}

// subjects returns the subjects of the pupil, sorted by key. The result is
// shared: callers must not modify it.
func (p *subjectPlan) subjects(e *Enrolment) []subjectTarget {
	return p.list(e).targets
}

// list returns the subjects of the pupil, with the number that the plan
// gives to each distinct list.
//
// The modalité of a subject is the service's, which the programme of the
// class gives, and the pupil's own where it is theirs to choose: a
// service of a group takes the modalité of the pupil's option of its
// subject, when they have one, for an option is taught to a group of the
// pupils who chose it; a service of the division keeps its own, which
// every pupil of the class follows, and takes the option's when it has
// none. So one subject may come with two modalités (English for the whole
// class and, in a group, as an option facultative): two acquis.
func (p *subjectPlan) list(e *Enrolment) subjectList {
	var relevant []string
	for _, g := range e.Groups {
		if _, ok := p.byGroup[g]; ok {
			relevant = append(relevant, g)
		}
	}
	slices.Sort(relevant)
	relevant = slices.Compact(relevant)
	var options []SubjectKey
	for _, o := range e.Options {
		if p.teaches(o.Code, relevant) {
			options = append(options, o)
		}
	}
	key := p.buf[:0]
	for _, g := range relevant {
		key = binary.AppendUvarint(key, uint64(len(g)))
		key = append(key, g...)
	}
	key = append(key, 0xff) // no group code is that long
	for _, o := range options {
		key = append(append(append(key, o.Code...), 0), o.Modality...)
		key = append(key, 0)
	}
	p.buf = key
	if l, ok := p.cache[string(key)]; ok {
		return l
	}
	option := func(code string) string {
		for _, o := range options {
			if o.Code == code && o.Modality != "" {
				return o.Modality
			}
		}
		return ""
	}
	byKey := make(map[SubjectKey]*subjectTarget)
	add := func(s Service) {
		sub := s.Subject
		sub.NationalCode = "" // the store's, content
		if m := option(sub.Code); m != "" && (s.Group != "" || sub.Modality == "") {
			sub.Modality = m
		}
		t := byKey[sub.Key()]
		if t == nil {
			t = &subjectTarget{Subject: sub}
			byKey[sub.Key()] = t
		}
		if t.Subject.Label == "" {
			t.Subject.Label = sub.Label
		}
		for _, k := range s.Teachers {
			if k.Accepted() { // LSU holds no other teacher
				t.Teachers = append(t.Teachers, k)
			}
		}
	}
	for _, s := range p.division {
		add(s)
	}
	for _, g := range relevant {
		for _, s := range p.byGroup[g] {
			add(s)
		}
	}
	out := make([]subjectTarget, 0, len(byKey))
	for _, t := range byKey {
		t.Teachers = sortedKeys(t.Teachers)
		t.text = keysText(t.Teachers)
		t.field = acquisField(t.Subject.Key(), "Teachers")
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b subjectTarget) int { return a.Subject.Key().Compare(b.Subject.Key()) })
	l := subjectList{targets: out, id: len(p.cache)}
	p.cache[string(key)] = l
	return l
}

// teaches reports whether a service of the division or of one of groups
// teaches the subject: an option of another subject changes nothing, and
// is left out of the plan's key.
func (p *subjectPlan) teaches(code string, groups []string) bool {
	for _, s := range p.division {
		if s.Subject.Code == code {
			return true
		}
	}
	for _, g := range groups {
		for _, s := range p.byGroup[g] {
			if s.Subject.Code == code {
				return true
			}
		}
	}
	return false
}

// findTarget returns the index of the subject with the given key in ts,
// sorted by key.
func findTarget(ts []subjectTarget, k SubjectKey) (int, bool) {
	return slices.BinarySearchFunc(ts, k, func(t subjectTarget, k SubjectKey) int { return t.Subject.Key().Compare(k) })
}

// firstOfCode returns the index of the first subject of the code in ts,
// sorted by key, or where it would be.
func firstOfCode(ts []subjectTarget, code string) int {
	i, _ := slices.BinarySearchFunc(ts, code, func(t subjectTarget, c string) int { return strings.Compare(t.Subject.Code, c) })
	return i
}

// headTeachers returns the keys of the professeurs principaux whose end
// date is empty or not past, sorted, but for those of a type LSU does
// not accept.
func headTeachers(hts []HeadTeacher, today Date) []TeacherKey {
	var keys []TeacherKey
	for _, h := range hts {
		if (h.End.IsZero() || !h.End.Before(today)) && h.Teacher.Accepted() {
			keys = append(keys, h.Teacher)
		}
	}
	return sortedKeys(keys)
}

func sortedKeys(keys []TeacherKey) []TeacherKey {
	keys = slices.Clone(keys)
	slices.SortFunc(keys, TeacherKey.Compare)
	return slices.Compact(keys)
}

// sameKeys reports whether a and b hold the same keys, in any order.
func sameKeys(a, b []TeacherKey) bool {
	if len(a) == len(b) && slices.Equal(a, b) {
		return true
	}
	if sortedCompact(a) && sortedCompact(b) {
		return false // each sorted without duplicates, and not equal
	}
	return slices.Equal(sortedKeys(a), sortedKeys(b))
}

// sortedCompact reports whether keys are sorted, without duplicates.
func sortedCompact(keys []TeacherKey) bool {
	for i := 1; i < len(keys); i++ {
		if keys[i-1].Compare(keys[i]) >= 0 {
			return false
		}
	}
	return true
}

func keysText(keys []TeacherKey) string { return string(appendKeysText(nil, keys)) }

// appendKeysText appends "type:id, type:id" for the keys.
func appendKeysText(b []byte, keys []TeacherKey) []byte {
	for i, k := range keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, k.Type...)
		b = append(b, ':')
		b = append(b, k.ID...)
	}
	return b
}

func subjectText(s Subject) string {
	if s.Label == "" {
		return s.Code
	}
	return s.Code + " " + s.Label
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
