package lsusync

import "slices"

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
// class as a synchronisation keeps them (rule 6): one acquis per subject of
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
