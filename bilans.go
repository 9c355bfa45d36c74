package lsusync

import (
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
// true when something changed.
func (it *Item) mergeBilan(b *Bilan, want []subjectTarget, pp []TeacherKey) (Bilan, bool) {
	nb := *b
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
			it.change("Acquis["+code+"].Teachers", keysText(a.Teachers), keysText(t.Teachers))
			a.Teachers = slices.Clone(t.Teachers)
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
		acquis = append(acquis, Acquis{Subject: t.Subject, Teachers: slices.Clone(t.Teachers)})
	}
	if acquis != nil {
		nb.Acquis = acquis
	}
	switch {
	case len(pp) == 0:
		if len(b.HeadTeachers) > 0 {
			it.Kept = append(it.Kept, "HeadTeachers")
		}
	case !sameKeys(b.HeadTeachers, pp):
		it.change("HeadTeachers", keysText(b.HeadTeachers), keysText(pp))
		nb.HeadTeachers = slices.Clone(pp)
	}
	return nb, it.Action == ActionUpdated
}

// subjectTarget is a subject a pupil should have, with its teachers,
// sorted and without duplicates.
type subjectTarget struct {
	Subject  Subject
	Teachers []TeacherKey
}

// subjectPlan computes the subjects of the pupils of one class from its
// services (rule 6 of docs/rules.md), once per distinct set of groups.
type subjectPlan struct {
	division []Service
	byGroup  map[string][]Service
	cache    map[string][]subjectTarget
}

func newSubjectPlan(services []Service) *subjectPlan {
	p := &subjectPlan{byGroup: make(map[string][]Service), cache: make(map[string][]subjectTarget)}
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
	var relevant []string
	for _, g := range groups {
		if _, ok := p.byGroup[g]; ok {
			relevant = append(relevant, g)
		}
	}
	slices.Sort(relevant)
	relevant = slices.Compact(relevant)
	key := strings.Join(relevant, "\x00")
	if t, ok := p.cache[key]; ok {
		return t
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
		t.Teachers = append(t.Teachers, s.Teachers...)
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
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b subjectTarget) int { return strings.Compare(a.Subject.Code, b.Subject.Code) })
	p.cache[key] = out
	return out
}

// findTarget returns the index of the subject with the given code in ts,
// sorted by code.
func findTarget(ts []subjectTarget, code string) (int, bool) {
	return slices.BinarySearchFunc(ts, code, func(t subjectTarget, c string) int { return strings.Compare(t.Subject.Code, c) })
}

// headTeachers returns the keys of the professeurs principaux whose end
// date is empty or not past, sorted.
func headTeachers(hts []HeadTeacher, today Date) []TeacherKey {
	var keys []TeacherKey
	for _, h := range hts {
		if h.End.IsZero() || !h.End.Before(today) {
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
	return slices.Equal(sortedKeys(a), sortedKeys(b))
}

func keysText(keys []TeacherKey) string {
	n := 0
	for _, k := range keys {
		n += len(k.Type) + len(k.ID) + 3
	}
	var b strings.Builder
	b.Grow(n)
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.Type)
		b.WriteByte(':')
		b.WriteString(k.ID)
	}
	return b.String()
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
