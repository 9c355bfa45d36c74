package lsusync

import "fmt"

// Class is a division (classe), identified by its code.
//
// A synchronisation updates the label of a selected class and never its
// code or its periods.
type Class struct {
	// Code identifies the class: "3EME1", "4e 1", "3 A". Codes keep their
	// spaces and leading zeros and are compared exactly.
	Code string `json:"code"`
	// Label is the class's libellé. An empty source label never erases a
	// stored one.
	Label string `json:"label,omitempty"`
	// Periods are the reporting periods configured for the class in LSU.
	// A class with no period cannot be synchronised (rule 1, the period
	// prerequisite). Sources leave Periods nil.
	Periods []Period `json:"periods,omitempty"`
}

// Period is a reporting period of a class: a trimester (Count 3) or a
// semester (Count 2). Its key is the whole value, as in the LSU import
// schema (millesime, indice, nb-periodes).
type Period struct {
	// Year is the first calendar year of the school year: 2025 for 2025-2026.
	Year int `json:"year"`
	// Index is the period's rank in the year, from 1 to Count.
	Index int `json:"index"`
	// Count is the number of periods in the year: 3 or 2.
	Count int `json:"count"`
}

// String returns the period as LSU names it: "T1" to "T3" for trimesters,
// "S1" and "S2" for semesters, "P<index>/<count>" otherwise.
func (p Period) String() string {
	switch p.Count {
	case 3:
		return fmt.Sprintf("T%d", p.Index)
	case 2:
		return fmt.Sprintf("S%d", p.Index)
	}
	return fmt.Sprintf("P%d/%d", p.Index, p.Count)
}

// Valid reports whether p is a well-formed period: a year, and an index
// between 1 and a count of at least 1.
func (p Period) Valid() bool {
	return p.Year > 0 && p.Count >= 1 && p.Index >= 1 && p.Index <= p.Count
}

// ClassData is everything a [Source] knows about one class: its label, its
// pupils, the teaching services that concern it, and its professeurs
// principaux.
type ClassData struct {
	// Code is the class code.
	Code string
	// Label is the class label; empty when the source has none.
	Label string
	// Enrolments are the pupils whose division is this class.
	Enrolments []Enrolment
	// Services are the services of the division and the services of every
	// group whose division membership includes this class.
	Services []Service
	// HeadTeachers are the class's professeurs principaux, with their
	// optional dates; the synchronizer keeps those whose end date is empty
	// or not past.
	HeadTeachers []HeadTeacher
}

// Enrolment is one pupil as the source lists them in a class: the pupil's
// identity, the groups they belong to, and their exit date.
type Enrolment struct {
	// Student is the pupil's identity; Student.Class is the class code.
	Student Student
	// Groups are the codes of the teaching groups (SIECLE structures of
	// type G) the pupil belongs to.
	Groups []string
	// ExitDate is the SIECLE DATE_SORTIE; a date in the past means the
	// pupil has left. The zero Date means no exit date.
	ExitDate Date
}

// Service is "these teachers teach this subject to this division or group"
// (an STS-Web SERVICE).
type Service struct {
	// Subject is the subject taught.
	Subject Subject
	// Group is the code of the group the service is taught to, or "" for a
	// service of the whole division. A group service reaches only the
	// pupils of the group.
	Group string
	// Teachers are the service's teachers; may be empty.
	Teachers []TeacherKey
}

// HeadTeacher is a professeur principal of a class.
type HeadTeacher struct {
	// Teacher is the teacher's key.
	Teacher TeacherKey
	// Start and End are the optional dates of the appointment; an End in
	// the past means the teacher is no longer professeur principal.
	Start, End Date
}
