package lsusync

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// TeacherKey identifies a teacher: their STS-Web individual id and type.
// It is LSU's (type, id-sts) pair.
type TeacherKey struct {
	// Type is STS-Web's INDIVIDU TYPE. LSU accepts [TypeEPP] and
	// [TypeLocal] only: a synchronisation stores no teacher of another
	// type (see [TeacherKey.Accepted]).
	Type string `json:"type"`
	// ID is the STS-Web INDIVIDU@ID, a positive integer as text.
	ID string `json:"id"`
}

// The types of teacher LSU accepts, as STS-Web writes them.
const (
	// TypeEPP is a member of the national education's staff
	// (personnel de l'Éducation nationale).
	TypeEPP = "epp"
	// TypeLocal is a member of staff recruited by the establishment.
	TypeLocal = "local"
)

// Accepted reports whether LSU accepts the key's type: [TypeEPP] or
// [TypeLocal]. A synchronisation does not store a teacher whose key it
// does not accept, nor name them in a bilan, and reports them
// ([ActionRejected]). STS-Web also lists personnels de direction, of type
// "dir": a Source maps them to a type LSU accepts, or leaves them out.
func (k TeacherKey) Accepted() bool { return k.Type == TypeEPP || k.Type == TypeLocal }

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

// displayName is the teacher's name as the details write it: "M. ROUX
// Marc", "Mme MARTIN Claire".
func (t *Teacher) displayName() string {
	civility := t.Civility
	switch civility {
	case Monsieur:
		civility = "M."
	case Madame:
		civility = "Mme"
	}
	return strings.Join(strings.Fields(civility+" "+t.LastName+" "+t.FirstName), " ")
}

// mergeTeachers merges the source's teachers into the stored ones. It
// returns an item per source teacher, sorted by key, and the teachers to
// write: the changed ones with their stored Version, the new ones with
// none. A field that no source teacher has (the NUMEN, which the STS-Web
// export never carries) is kept without a warning. A teacher of a type
// LSU does not accept is rejected: reported, never written.
func mergeTeachers(stored, src []Teacher) ([]Item, []Teacher, error) {
	byKey := make(map[TeacherKey]Teacher, len(stored))
	for _, t := range stored {
		byKey[t.Key] = t
	}
	carried := make(map[string]bool)
	src = slices.Clone(src)
	slices.SortFunc(src, func(a, b Teacher) int { return a.Key.Compare(b.Key) })
	for i := range src {
		if i > 0 && src[i-1].Key == src[i].Key {
			return nil, nil, fmt.Errorf("lsusync: %w: the source lists teacher %s twice", ErrInvalid, src[i].Key)
		}
		syncedValues(teacherFields, &src[i], func(f *Field, text string, _ Date) {
			if text != "" {
				carried[f.Name] = true
			}
		})
	}
	items := make([]Item, 0, len(src))
	var write []Teacher
	for _, t := range src {
		it := Item{Kind: KindTeacher, Key: t.Key.String(), Name: t.displayName()}
		if !t.Key.Accepted() {
			it.Action = ActionRejected
			it.Rejected = []Rejection{{Field: "Type", Reason: ReasonType}}
			items = append(items, it.settle())
			continue
		}
		old, ok := byKey[t.Key]
		if !ok {
			it.Action = ActionAdded
			t.Version = ""
			write = append(write, t)
			items = append(items, it.settle())
			continue
		}
		it.mergeRecord(teacherFields, &old, &t, func(f string) bool { return carried[f] })
		if it.Action == ActionUpdated {
			write = append(write, old)
		}
		items = append(items, it.settle())
	}
	return items, write, nil
}
