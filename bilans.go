package lsusync

import (
	"encoding/binary"
	"slices"
	"strings"
)

// Bilan is a bilan périodique: one pupil's report for one period.
//
// A synchronisation updates only non-locked bilans en saisie directe of the
// selected classes, and in them only the list of subjects, the teachers of
// each subject and the professeurs principaux. Every piece of content is
// carried untouched: appreciations, positionings, averages, synthesis and
// whatever else the store keeps in Content.
type Bilan struct {
	// Student is the pupil's ID; with Period, the key of a bilan.
	Student string `json:"student"`
	// Period is the bilan's period.
	Period Period `json:"period"`
	// Locked reports a locked (verrouillé) bilan: final, never modified.
	Locked bool `json:"locked,omitempty"`
	// Imported reports a bilan imported from other software (Pronote,
	// SACoche...); it keeps what that software sent. The zero value is a
	// bilan en saisie directe.
	Imported bool `json:"imported,omitempty"`
	// Acquis are the per-subject entries, one per subject code.
	Acquis []Acquis `json:"acquis,omitempty"`
	// HeadTeachers are the professeurs principaux of the bilan.
	HeadTeachers []TeacherKey `json:"headTeachers,omitempty"`
	// Content holds the bilan's other content (synthèse, vie scolaire,
	// socle, parcours, ...) by name. A sync never reads or changes it.
	Content map[string]string `json:"content,omitempty"`
	// Version is the record's version in the store (see [Version]).
	Version Version `json:"-"`
}

// Key returns the bilan's key.
func (b *Bilan) Key() BilanKey { return BilanKey{b.Student, b.Period} }

// BilanKey identifies a bilan: a pupil and a period.
type BilanKey struct {
	Student string
	Period  Period
}

// String returns "student/period", for instance "1234/2025-T1".
func (k BilanKey) String() string {
	return k.Student + "/" + itoa(k.Period.Year) + "-" + k.Period.String()
}

// Acquis is the entry of one subject in a bilan: the subject, its teachers,
// and the content the teachers entered.
type Acquis struct {
	// Subject is the subject; Subject.Code is the key of the acquis.
	Subject Subject `json:"subject"`
	// Teachers are the subject's teachers for this pupil.
	Teachers []TeacherKey `json:"teachers,omitempty"`
	// Appreciation is the teacher's written appreciation.
	Appreciation string `json:"appreciation,omitempty"`
	// Positioning is the positionnement on LSU's scale ("1" to "4"), or "".
	Positioning string `json:"positioning,omitempty"`
	// Average is the pupil's average as decimal text ("12.5"), or "".
	Average string `json:"average,omitempty"`
	// Content holds the acquis's other content (class average, elements of
	// the programme, ...) by name. A sync never reads or changes it.
	Content map[string]string `json:"content,omitempty"`
}

// HasContent reports whether a holds anything a teacher entered: an
// appreciation, a positioning, an average or other content. An acquis
// with content is never removed by a sync.
func (a *Acquis) HasContent() bool {
	return a.Appreciation != "" || a.Positioning != "" || a.Average != "" || len(a.Content) > 0
}

// Subject is a matière, identified by its 6-digit code.
type Subject struct {
	// Code is the subject code, such as "030201": always text, leading
	// zeros kept.
	Code string `json:"code"`
	// Label is the subject's label.
	Label string `json:"label,omitempty"`
	// Modality is the modalité d'élection: "S", "O", "F", "L", "R" or "X",
	// or "" when unknown.
	Modality string `json:"modality,omitempty"`
}

// BilanTemplate makes the bilans en saisie directe of the pupils of one
// class as a synchronisation keeps them (rule 6 of docs/rules.md): one acquis per subject of
// the division's services and of the services of the pupil's groups,
// sorted by subject code, with the subject's label and modality (the first
// non-empty among its services) and its teachers sorted by key without
// duplicates; and the professeurs principaux whose end date is empty or not
// before today, sorted by key.
//
// A store that creates bilans from a [Source], as the lsusync init command
// does, uses it, so that the first synchronisation finds them up to date.
// The Synchronizer computes the subjects, teachers and professeurs
// principaux it keeps up to date with it.
//
// A BilanTemplate computes the subjects once per distinct set of groups.
// It is not safe for concurrent use.
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
	targets := t.plan.subjects(e.Groups)
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

// mergeBilan computes the new subjects, teachers and professeurs principaux
// of a non-locked bilan en saisie directe. It returns the new bilan and
// true when something changed. want are the subjects of the plan's list
// number wantID; the new bilan shares their teacher lists and pp, which
// nobody modifies; texts keeps the texts of the changes that many bilans
// of a class have in common once.
func (it *Item) mergeBilan(b *Bilan, want []subjectTarget, wantID int, pp []TeacherKey, texts *texts) (Bilan, bool) {
	// A bilan without content whose subjects, teachers and professeurs
	// principaux are those of a bilan merged before, against the same
	// subjects, has the same outcome: the pupils of a class who share
	// their groups, in every period. It is made once.
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
	// matched marks the wanted subjects the bilan already has.
	var buf [32]bool
	var matched []bool
	if len(want) <= len(buf) {
		matched = buf[:len(want)]
	} else {
		matched = make([]bool, len(want))
	}
	for k, a := range b.Acquis {
		code := a.Subject.Code
		i, ok := findTarget(want, code)
		if !ok {
			if a.HasContent() {
				it.KeptSubjects = append(it.KeptSubjects, code)
				if acquis != nil {
					acquis = append(acquis, a)
				}
			} else {
				it.change("Acquis["+code+"]", subjectText(a.Subject), "")
				diverge(k)
			}
			continue
		}
		matched[i] = true
		t := &want[i]
		changed := false
		if t.Subject.Label != "" && t.Subject.Label != a.Subject.Label {
			it.change("Acquis["+code+"].Label", a.Subject.Label, t.Subject.Label)
			a.Subject.Label = t.Subject.Label
			changed = true
		}
		if t.Subject.Modality != "" && t.Subject.Modality != a.Subject.Modality {
			it.change("Acquis["+code+"].Modality", a.Subject.Modality, t.Subject.Modality)
			a.Subject.Modality = t.Subject.Modality
			changed = true
		}
		switch {
		case len(t.Teachers) == 0:
			if len(a.Teachers) > 0 {
				it.Kept = append(it.Kept, "Acquis["+code+"].Teachers")
			}
		case !sameKeys(a.Teachers, t.Teachers):
			it.change(t.field, texts.of(a.Teachers), t.text)
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
		if matched[i] {
			continue
		}
		it.change("Acquis["+t.Subject.Code+"]", "", subjectText(t.Subject))
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

// subjectTarget is a subject a pupil should have, with its teachers,
// sorted and without duplicates.
type subjectTarget struct {
	Subject  Subject
	Teachers []TeacherKey
	text     string // keysText(Teachers)
	field    string // the field of the teachers in a change: "Acquis[<code>].Teachers"
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
// content. The key is valid until the next call.
func (t *texts) mergeKey(b *Bilan, wantID int) ([]byte, bool) {
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
		k = str(str(str(k, a.Subject.Code), a.Subject.Label), a.Subject.Modality)
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
// services (rule 6 of docs/rules.md), once per distinct set of groups.
type subjectPlan struct {
	division []Service
	byGroup  map[string][]Service
	cache    map[string]subjectList
}

// subjectList is the subjects of the pupils in one set of groups, and
// its number in the plan.
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

// subjects returns the subjects of a pupil in the given groups, sorted by
// code. The result is shared: callers must not modify it.
func (p *subjectPlan) subjects(groups []string) []subjectTarget {
	return p.list(groups).targets
}

// list returns the subjects of a pupil in the given groups, with the
// number that the plan gives to each distinct list.
func (p *subjectPlan) list(groups []string) subjectList {
	var relevant []string
	for _, g := range groups {
		if _, ok := p.byGroup[g]; ok {
			relevant = append(relevant, g)
		}
	}
	slices.Sort(relevant)
	relevant = slices.Compact(relevant)
	key := strings.Join(relevant, "\x00")
	if l, ok := p.cache[key]; ok {
		return l
	}
	byCode := make(map[string]*subjectTarget)
	add := func(s Service) {
		t := byCode[s.Subject.Code]
		if t == nil {
			t = &subjectTarget{Subject: s.Subject}
			byCode[s.Subject.Code] = t
		}
		if t.Subject.Label == "" {
			t.Subject.Label = s.Subject.Label
		}
		if t.Subject.Modality == "" {
			t.Subject.Modality = s.Subject.Modality
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
	out := make([]subjectTarget, 0, len(byCode))
	for _, t := range byCode {
		t.Teachers = sortedKeys(t.Teachers)
		t.text = keysText(t.Teachers)
		t.field = "Acquis[" + t.Subject.Code + "].Teachers"
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b subjectTarget) int { return strings.Compare(a.Subject.Code, b.Subject.Code) })
	l := subjectList{targets: out, id: len(p.cache)}
	p.cache[key] = l
	return l
}

// findTarget returns the index of the subject with the given code in ts,
// sorted by code.
func findTarget(ts []subjectTarget, code string) (int, bool) {
	return slices.BinarySearchFunc(ts, code, func(t subjectTarget, c string) int { return strings.Compare(t.Subject.Code, c) })
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
