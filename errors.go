package lsusync

import (
	"errors"
	"strings"
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
	// ErrPeriodsNotConfigured reports selected classes that have no period
	// configured in the store (rule 1). Sync returns it as a
	// [*ClassesError] naming every such class, and writes nothing.
	ErrPeriodsNotConfigured = errors.New("lsusync: periods not configured")
	// ErrUnknownClass reports selected classes that the source does not
	// have. Sync returns it as a [*ClassesError] and writes nothing.
	ErrUnknownClass = errors.New("lsusync: unknown class")
	// ErrAlreadySetUp reports a class that [Synchronizer.SetUpClass] was
	// asked to set up and that the store already holds with its periods.
	ErrAlreadySetUp = errors.New("lsusync: class already set up")
	// ErrWrongEstablishment reports a source whose UAI is not the store's
	// (rule 2). Sync returns it as a [*EstablishmentError] and writes
	// nothing.
	ErrWrongEstablishment = errors.New("lsusync: wrong establishment")
)

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
