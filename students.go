package lsusync

import "strings"

// Student is a pupil (élève), identified by their SIECLE ELEVE_ID.
//
// A synchronisation updates the names, birth date, sex and INE of the
// pupils of the selected classes, adds new pupils, and never deletes one.
// Every field but ID and Class is personal data: the report shows them only
// in its detailed rendering.
type Student struct {
	// ID is the SIECLE ELEVE_ID, a positive integer as text: the key of a
	// pupil, LSU's id-be. Never changed by a sync.
	ID string `json:"id"`
	// Class is the code of the pupil's division.
	Class string `json:"class"`
	// INE is the national pupil number (11 characters); a field, not a key.
	INE string `json:"ine,omitempty"`
	// LastName is the family name (NOM_DE_FAMILLE, or NOM in old files).
	LastName string `json:"lastName,omitempty"`
	// UsageName is the usage name (NOM_USAGE); often empty.
	UsageName string `json:"usageName,omitempty"`
	// FirstName, FirstName2 and FirstName3 are the given names.
	FirstName  string `json:"firstName,omitempty"`
	FirstName2 string `json:"firstName2,omitempty"`
	FirstName3 string `json:"firstName3,omitempty"`
	// BirthDate is the date of birth.
	BirthDate Date `json:"birthDate,omitzero"`
	// Sex is the pupil's sex, or "" when unknown.
	Sex Sex `json:"sex,omitempty"`
	// Version is the record's version in the store (see [Version]); a
	// Source leaves it zero.
	Version Version `json:"-"`
}

// displayName is the pupil's name as the details write it: "DUPONT
// Marie".
func (s *Student) displayName() string { return strings.TrimSpace(s.LastName + " " + s.FirstName) }

// Sex is a pupil's sex as SIECLE records it (CODE_SEXE 1 or 2).
type Sex string

// The sexes; the empty Sex means unknown.
const (
	Male   Sex = "M"
	Female Sex = "F"
)

// validINE reports whether ine has one of the national formats of an
// INE: 11 characters, 10 digits and a letter (INE-BEA, before 2018) or 9
// digits and 2 letters (INE-RNIE).
func validINE(ine string) bool {
	if len(ine) != 11 {
		return false
	}
	digits := 0
	for digits < len(ine) && ine[digits] >= '0' && ine[digits] <= '9' {
		digits++
	}
	if digits != 9 && digits != 10 {
		return false
	}
	for i := digits; i < len(ine); i++ {
		if c := ine[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
