package lsusync

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// Sentinel errors, matched with [errors.Is]. Implementations of [Source]
// and [Store] wrap them with %w.
var (
	// ErrNotFound reports a record that does not exist.
	ErrNotFound = errors.New("lsusync: not found")
	// ErrLocked reports a write to a locked bilan, which a Store refuses.
	ErrLocked = errors.New("lsusync: bilan locked")
	// ErrInvalid reports malformed or inconsistent input.
	ErrInvalid = errors.New("lsusync: invalid input")
	// ErrConflict reports a write refused because a record changed in the
	// store since it was read (see [Version]): another writer, such as a
	// teacher entering an appreciation, came first. Nothing of the change
	// set was applied; read again and recompute.
	ErrConflict = errors.New("lsusync: record changed since it was read")
	// ErrPeriodsNotConfigured reports classes of the store that have no
	// period configured, selected or not (rule 1 of docs/rules.md). Sync
	// returns it as a [*ClassesError] naming every such class, and writes
	// nothing.
	ErrPeriodsNotConfigured = errors.New("lsusync: periods not configured")
	// ErrUnknownClass reports selected classes that the source does not
	// have. Sync returns it as a [*ClassesError] and writes nothing.
	ErrUnknownClass = errors.New("lsusync: unknown class")
	// ErrAlreadySetUp reports a class that [Synchronizer.SetUpClass] was
	// asked to set up and that the store already holds with its periods.
	ErrAlreadySetUp = errors.New("lsusync: class already set up")
	// ErrWrongEstablishment reports a source whose UAI is not the store's
	// (rule 2 of docs/rules.md). Sync returns it as a [*EstablishmentError] and writes
	// nothing.
	ErrWrongEstablishment = errors.New("lsusync: wrong establishment")
	// ErrSchoolYear reports periods that [Synchronizer.SetUpClass] was
	// given of another school year than the periods of the store's
	// classes: an LSU store holds one school year. It is returned as a
	// [*YearError].
	ErrSchoolYear = errors.New("lsusync: periods of another school year")
	// ErrReadOnly reports a write to a Store that cannot be written: one
	// opened for reading only, or whose file or database was made
	// read-only. Nothing was written. The file store and the SQL store
	// of the examples both refuse such a write with an error that
	// matches it, whatever made the store read-only.
	ErrReadOnly = errors.New("lsusync: store is read-only")
)

// ReadOnlyError is a store's sentinel error that matches [ErrReadOnly]
// with [errors.Is] and says it in the store's words: "sqlstore: database
// is read-only".
type ReadOnlyError string

// Error returns the store's words.
func (e ReadOnlyError) Error() string { return string(e) }

// Is reports whether target is [ErrReadOnly].
func (e ReadOnlyError) Is(target error) bool { return target == ErrReadOnly }

// YearError reports periods of another school year than the store's. It
// wraps [ErrSchoolYear].
type YearError struct {
	// Class is the code of the class being set up.
	Class string
	// Given is the first calendar year of the periods given (2019 for
	// 2019-2020); Store, that of the periods of the store's classes.
	Given, Store int
}

// Error names the class and both school years.
func (e *YearError) Error() string {
	return ErrSchoolYear.Error() + ": class " + quote(e.Class) + " given periods of " + schoolYear(e.Given) +
		", the store's classes have periods of " + schoolYear(e.Store)
}

// Unwrap returns [ErrSchoolYear].
func (e *YearError) Unwrap() error { return ErrSchoolYear }

// schoolYear writes the school year that starts in year: "2025-2026".
func schoolYear(year int) string { return strconv.Itoa(year) + "-" + strconv.Itoa(year+1) }

// ClassesError is a refusal that concerns several classes: it names every
// one of them. Err is [ErrPeriodsNotConfigured] or [ErrUnknownClass].
type ClassesError struct {
	// Err is the sentinel error of the refusal.
	Err error
	// Classes are the codes of the classes concerned.
	Classes []string
	// Known are the codes of the classes that exist, sorted, for
	// [ErrUnknownClass]: those of the source, so that a caller can
	// suggest the nearest. Nil for other refusals.
	Known []string
}

// Error returns the sentinel's message followed by the class codes.
func (e *ClassesError) Error() string {
	return e.Err.Error() + ": " + strings.Join(e.Classes, ", ")
}

// Unwrap returns Err.
func (e *ClassesError) Unwrap() error { return e.Err }

// EstablishmentError reports that the source and the store are not the same
// establishment. It wraps [ErrWrongEstablishment].
type EstablishmentError struct {
	Source, Store string // the two UAIs
}

// Error names both UAIs.
func (e *EstablishmentError) Error() string {
	return ErrWrongEstablishment.Error() + ": source UAI " + quote(e.Source) + ", store UAI " + quote(e.Store)
}

// Unwrap returns [ErrWrongEstablishment].
func (e *EstablishmentError) Unwrap() error { return ErrWrongEstablishment }

func quote(s string) string { return `"` + s + `"` }

// FrenchError is an error that says in French, for the head of the
// establishment, what is wrong and what to do: a [Source] or a [Store]
// returns one so that [RefusalText] words its cause, as the siecle
// package's errors do for the exports (the file missing, given twice,
// truncated...).
type FrenchError interface {
	error
	// FrenchText says it in one or a few sentences, without personal
	// data, and without saying that nothing was written.
	FrenchText() string
}

// RefusalText returns in French, as LSU would say it to the head of the
// establishment, why [Synchronizer.Sync] or [Synchronizer.SetUpClass]
// refused to start or stopped before writing anything: with the text of
// the [FrenchError] that err holds, if any. The text names classes by
// their codes and establishments by their UAI, never a person; it does
// not repeat err's technical detail, which a caller may show after it.
// RefusalText returns "" for a nil err.
func RefusalText(err error) string {
	var ce *ClassesError
	var ee *EstablishmentError
	var ye *YearError
	var fe FrenchError
	const nothing = " Aucune modification n'a été enregistrée."
	switch {
	case err == nil:
		return ""
	case errors.As(err, &fe):
		return sentence(fe.FrenchText()) + nothing
	case errors.As(err, &ce) && errors.Is(err, ErrPeriodsNotConfigured):
		what := "Classe dont les périodes ne sont pas paramétrées : "
		if len(ce.Classes) > 1 {
			what = "Classes dont les périodes ne sont pas paramétrées : "
		}
		return "La synchronisation ne peut pas être lancée : les périodes de chaque classe de l'établissement " +
			"doivent avoir été préalablement paramétrées. " + what + strings.Join(ce.Classes, ", ") + "." + nothing
	case errors.As(err, &ce) && errors.Is(err, ErrUnknownClass):
		var b strings.Builder
		if len(ce.Classes) == 1 {
			b.WriteString("La classe " + ce.Classes[0] + " n'existe pas dans la base élèves.")
		} else {
			b.WriteString("Ces classes n'existent pas dans la base élèves : " + strings.Join(ce.Classes, ", ") + ".")
		}
		for _, c := range ce.Classes {
			if near := NearestClass(c, ce.Known); near != "" {
				b.WriteString(" Vouliez-vous dire « " + near + " » au lieu de « " + c + " » ?")
			}
		}
		if len(ce.Known) > 0 {
			b.WriteString(" Classes de la base élèves : " + strings.Join(ce.Known, ", ") + ".")
		}
		return b.String() + nothing
	case errors.As(err, &ee):
		return "Les exports sont ceux de l'établissement " + orUnknown(ee.Source) + " et LSU celui de l'établissement " +
			orUnknown(ee.Store) + " : la synchronisation ne peut pas être lancée." + nothing
	case errors.As(err, &ye):
		return "La classe " + ye.Class + " n'est pas paramétrée : les périodes données sont de l'année scolaire " + schoolYear(ye.Given) +
			", celles des classes de LSU de l'année " + schoolYear(ye.Store) + "." + nothing
	case errors.Is(err, ErrAlreadySetUp):
		return "La classe est déjà paramétrée : ses périodes ne sont pas modifiées." + nothing
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "La synchronisation a été interrompue avant d'avoir rien modifié." + nothing
	case errors.Is(err, ErrConflict):
		return "Des données ont été modifiées dans LSU pendant la synchronisation : relancez-la." + nothing
	case errors.Is(err, ErrInvalid):
		return "Les données de la base élèves ou de STS-Web sont incohérentes : corrigez-les, puis relancez la synchronisation." + nothing
	}
	return "La synchronisation n'a pas pu être lancée." + nothing
}

func orUnknown(uai string) string {
	if uai == "" {
		return "(inconnu)"
	}
	return uai
}

// NearestClass returns the code of known that the mistyped class code probably
// meant: the one equal to it when case, spaces and punctuation are
// ignored ("4e1" for "4e 1"), else the one at the smallest edit distance
// if it is at most 2 and no other is as near; "" when there is none.
func NearestClass(code string, known []string) string {
	norm := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToUpper(s) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	n := norm(code)
	best, bestDist, ties := "", 3, 0
	for _, k := range known {
		if k == code {
			return ""
		}
		if norm(k) == n {
			return k
		}
		switch d := editDistance(n, norm(k)); {
		case d < bestDist:
			best, bestDist, ties = k, d, 0
		case d == bestDist:
			ties++
		}
	}
	if ties > 0 {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
