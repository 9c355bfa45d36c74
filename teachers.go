package lsusync

import (
	"cmp"
	"strings"
)

// TeacherKey identifies a teacher: their STS-Web individual id and type.
// It is LSU's (type, id-sts) pair.
type TeacherKey struct {
	// Type is "epp", "local" or "dir".
	Type string `json:"type"`
	// ID is the STS-Web INDIVIDU@ID, a positive integer as text.
	ID string `json:"id"`
}

// String returns "type:id", for instance "epp:4189".
func (k TeacherKey) String() string { return k.Type + ":" + k.ID }

// Compare orders keys by type, then by ID (shorter numbers first).
func (k TeacherKey) Compare(o TeacherKey) int {
	if c := strings.Compare(k.Type, o.Type); c != 0 {
		return c
	}
	if c := cmp.Compare(len(k.ID), len(o.ID)); c != 0 {
		return c
	}
	return strings.Compare(k.ID, o.ID)
}

// Teacher is a member of staff from STS-Web.
//
// A synchronisation updates the civility, names and NUMEN, and adds the
// teachers the store lacks. The STS-Web export carries no NUMEN: an empty
// NUMEN in the source never erases a stored one.
type Teacher struct {
	// Key identifies the teacher; never changed by a sync.
	Key TeacherKey `json:"key"`
	// Civility is "M" or "MME", or "" when unknown.
	Civility string `json:"civility,omitempty"`
	// LastName is the usage name (NOM_USAGE, else NOM_PATRONYMIQUE).
	LastName string `json:"lastName,omitempty"`
	// FirstName is the given name.
	FirstName string `json:"firstName,omitempty"`
	// NUMEN is the 13-character national staff number, when known.
	NUMEN string `json:"numen,omitempty"`
	// Version is the record's version in the store (see [Version]); a
	// Source leaves it zero.
	Version Version `json:"-"`
}

// The civilities LSU accepts.
const (
	Monsieur = "M"
	Madame   = "MME"
)

// fields lists the synchronised fields of t with their report names.
func (t *Teacher) fields() []field {
	return []field{
		{"Civility", &t.Civility},
		{"LastName", &t.LastName},
		{"FirstName", &t.FirstName},
		{"NUMEN", &t.NUMEN},
	}
}
