package siecle

import (
	"errors"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// Sentinel errors, matched with [errors.Is]. Every [*Error] also matches
// [lsusync.ErrInvalid].
var (
	// ErrSyntax reports a file that is not well-formed XML, or truncated.
	ErrSyntax = errors.New("malformed XML")
	// ErrEncoding reports a character-set problem: an unknown encoding, or
	// bytes that do not match the declared encoding (a file re-saved by an
	// editor).
	ErrEncoding = errors.New("wrong character encoding")
	// ErrWrongFile reports a file that is not one of the expected exports:
	// an unknown root element, the STS-Web import direction (EDT_STS or a
	// file carrying APPLICATION_SOURCE), a zip with no or several XML
	// files, or two files of the same kind.
	ErrWrongFile = errors.New("wrong file")
	// ErrMismatch reports files of different establishments or school
	// years.
	ErrMismatch = errors.New("files do not match")
	// ErrTooLarge reports input beyond a bound of [Options]: file size,
	// decompressed size, nesting depth or token size.
	ErrTooLarge = errors.New("input too large")
	// ErrValue reports a malformed or inconsistent value: a date, a code,
	// a duplicate key, a reference to a teacher or subject that does not
	// exist.
	ErrValue = errors.New("invalid value")
)

// Error is a refusal of the input. It names the file, the line when known,
// the element (or attribute, written ELEMENT@ATTR), the record it belongs
// to, and the offending value. It never holds personal data (a pupil's
// names, birth date, sex or INE, a teacher's name, a NUMEN...): such a
// value is left out, and Msg says what is wrong with it without it.
//
// Error matches [lsusync.ErrInvalid] and one of this package's sentinels
// through [errors.Is].
type Error struct {
	// File is the file's path as given; for a file inside a zip,
	// "archive.zip:entry.xml".
	File string
	// Line is the 1-based line of the element in the file, or 0 when the
	// error concerns the whole file.
	Line int
	// Element is the element or attribute concerned, such as "DATE_NAISS"
	// or "ENSEIGNANT@ID", or "".
	Element string
	// Record identifies the record the element belongs to, such as
	// `ELEVE_ID="1234"` or `DIVISION CODE="3A"`, or "".
	Record string
	// Value is the offending value, or "" when there is none or when it
	// is personal data.
	Value string
	// Msg says what is wrong, and how to fix it when that is not obvious.
	Msg string
	// Err is the sentinel this error matches ([ErrSyntax], [ErrValue]...).
	Err error

	strict bool // see isStrict

	// What FrenchText says, beyond the sentinel: the problem, the kind
	// of export concerned (missing, given twice, expected in a slot), the
	// kind found instead, and the other file concerned with its value
	// (the first of two copies; the file of another establishment or
	// school year, and its UAI or year).
	problem    problem
	kind       Kind
	found      Kind
	other      string
	otherValue string
}

// Error returns the message: file, line, element, record, value, and
// what is wrong.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("siecle: ")
	if e.File != "" {
		b.WriteString(e.File)
	}
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Element != "" {
		b.WriteString(": <")
		b.WriteString(e.Element)
		b.WriteString(">")
	}
	if e.Record != "" {
		b.WriteString(" (")
		b.WriteString(e.Record)
		b.WriteString(")")
	}
	if e.Value != "" {
		b.WriteString(": value ")
		b.WriteString(strconv.Quote(e.Value))
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the sentinel and [lsusync.ErrInvalid].
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{lsusync.ErrInvalid}
	}
	return []error{e.Err, lsusync.ErrInvalid}
}

// isStrict reports a refusal by a rule stricter than encoding/xml (a
// DOCTYPE, a non-ASCII name, a bound...). The differential fuzz test
// accepts those refusals when encoding/xml reads the input.
func isStrict(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.strict
}
