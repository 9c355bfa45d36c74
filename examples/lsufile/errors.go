package lsufile

import (
	"errors"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// Sentinel errors of the reader, matched with [errors.Is]. Every [*Error]
// also matches [lsusync.ErrInvalid].
var (
	// ErrSyntax reports a file that is not well-formed XML, is truncated,
	// or holds a DOCTYPE.
	ErrSyntax = errors.New("malformed XML")
	// ErrEncoding reports an encoding the reader does not read, or bytes
	// that are not in the file's encoding.
	ErrEncoding = errors.New("wrong character encoding")
	// ErrTooLarge reports input beyond a bound of [ReadOptions]: the
	// file's size or a token's.
	ErrTooLarge = errors.New("input too large")
	// ErrSchema reports what LSU's schema refuses: an element or an
	// attribute out of place or missing, a value of the wrong type or
	// beyond its limits, a key given twice.
	ErrSchema = errors.New("not valid against LSU's schema")
	// ErrReference reports a reference (an IDREF) that names no element,
	// or an element of another kind than its attribute wants, or an
	// empty list of references.
	ErrReference = errors.New("wrong reference")
)

// Error is a refusal of the file. It names the file, the line, the
// element (or attribute, written element@attribute), the record it
// belongs to, the offending value when it is no personal data, and the
// rule broken. It never holds a pupil's or a person's name, nor a text
// the school wrote: such a value is left out, and Msg says what is wrong
// with it.
type Error struct {
	// File is the file's name as given to the reader.
	File string
	// Line is the 1-based line of the problem, or 0.
	Line int
	// Element is the element or attribute concerned: "acquis",
	// "acquis@positionnement"; "" for the file as a whole.
	Element string
	// Record identifies the record the element belongs to, by its keys
	// in the file: `id-be="1234"`, `eleve-ref="EL_1" periode-ref="P_1"`.
	Record string
	// Value is the offending value, or "" when there is none or when it
	// is personal data or the school's text.
	Value string
	// Msg says which rule is broken.
	Msg string
	// Err is the sentinel this error matches.
	Err error
}

// Error returns the message: file, line, element, record, value, rule.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("lsufile: ")
	b.WriteString(e.File)
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
