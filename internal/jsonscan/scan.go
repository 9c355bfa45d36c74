// Package jsonscan reads JSON as encoding/json writes it, without
// reflection for the structure of the input, and the contents of bilans
// through codecs derived from the json tags of their types: the stores'
// decoder of the values they write, several times faster than
// encoding/json.
//
// A Scanner's methods panic with an *Error, or a ReadError, which its
// caller recovers at the top of what it reads: deep in a value, an error
// is then one statement.
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Scanner reads JSON values from B at I.
//
// A Scanner of a file reads it a window at a time: B holds the file's
// bytes from the offset Base, and each record of the file (a value its
// reader calls Record for) is in B whole before it is read, so that the
// file is never in memory at once. The window moves only between
// records: an index into B is valid while a record is read.
type Scanner struct {
	B         []byte
	I         int
	Base      int64 // the offset in the input of B[0]
	Size      int64 // of the input
	EOF       bool  // B ends where the input does
	RecordEnd int   // the end in B of the record being read

	// Corrupt is the error that the Errors of the scanner wrap.
	Corrupt error
	// Share makes Read share the slice of a short array among the values
	// it reads from the same bytes: for values nobody modifies.
	Share bool

	r     io.Reader // of the file; nil when B is the whole input
	step  int       // the bytes read at a time
	ahead int       // the bytes to have in the window between records

	path []pathElem // the place in a content, for errors

	// The contents' texts are made in chunks, their slices in scratch
	// slices first (codec.go).
	arena       strings.Builder
	interned    map[string]string
	shared      []map[string]reflect.Value // by codec slot, then raw bytes
	sharedCount int
	scratch     []reflect.Value
}

// NewScanner returns a scanner of the whole input b, whose errors wrap
// corrupt. It is returned as a value, for a reader to embed.
func NewScanner(b []byte, corrupt error) Scanner {
	return Scanner{B: b, Size: int64(len(b)), EOF: true, Corrupt: corrupt}
}

// NewFileScanner returns a scanner of r, of size bytes, which reads it a
// window at a time.
func NewFileScanner(r io.Reader, size int64, corrupt error) Scanner {
	return Scanner{r: r, Size: size, step: windowStep, ahead: lookahead, Corrupt: corrupt}
}

// SetWindow sets the bytes a file scanner reads at a time, and the bytes
// it keeps in the window between records: a reader's tests set small
// ones, so that the window moves at every record.
func (d *Scanner) SetWindow(step, ahead int) { d.step, d.ahead = step, ahead }

// Reset makes d a scanner of the whole input b. It keeps the texts it
// made, which the values it reads next share.
func (d *Scanner) Reset(b []byte) {
	d.B, d.I, d.Base, d.Size, d.EOF, d.RecordEnd, d.r = b, 0, 0, int64(len(b)), true, 0, nil
}

// Error is an error of a Scanner, at an offset of its input.
type Error struct {
	Offset int64 // in the input
	Syntax bool  // a syntax error or a truncation
	Err    error // wraps the scanner's Corrupt
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ReadError is an error reading the input of a file scanner.
type ReadError struct{ Err error }

// The window of a file scanner: it reads windowStep bytes at a time, and
// reads more when fewer than lookahead bytes are left after a record.
const (
	windowStep = 1 << 20
	lookahead  = 64 << 10
)

// Fill reads more of the input into the window, dropping the bytes before
// d.I, and reports whether it read any.
func (d *Scanner) Fill() bool {
	if d.EOF {
		return false
	}
	if d.I > 0 {
		n := copy(d.B, d.B[d.I:])
		d.B = d.B[:n]
		d.Base += int64(d.I)
		d.RecordEnd -= d.I
		d.I = 0
	}
	if cap(d.B)-len(d.B) < d.step/2+1 {
		b := make([]byte, len(d.B), max(2*cap(d.B), len(d.B)+d.step))
		copy(b, d.B)
		d.B = b
	}
	// The window is filled whole, so that a record read again after
	// each fill is read again a number of times that grows with the
	// logarithm of its size, whatever the reader gives at a time.
	n, err := io.ReadFull(d.r, d.B[len(d.B):cap(d.B)])
	d.B = d.B[:len(d.B)+n]
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		d.EOF = true
	case err != nil:
		panic(ReadError{err})
	}
	return n > 0
}

// Record makes sure that the value at d.I, a record, is in the window
// whole, or that the window holds the rest of the input.
func (d *Scanner) Record() {
	d.WS()
	for {
		if end, ok := ValueEnd(d.B, d.I); ok {
			d.RecordEnd = end
			return
		}
		if !d.Fill() {
			d.RecordEnd = len(d.B)
			return
		}
	}
}

// ValueEnd returns the end of the JSON value at b[i], and false when b
// ends first. It checks nothing but the nesting of strings, arrays and
// objects: the value is read, and checked, afterwards.
func ValueEnd(b []byte, i int) (int, bool) {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			open := i
			for {
				k := bytes.IndexByte(b[i+1:], '"')
				if k < 0 {
					return 0, false
				}
				i += 1 + k
				escapes := 0 // the backslashes before the quote
				for p := i - 1; p > open && b[p] == '\\'; p-- {
					escapes++
				}
				if escapes%2 == 0 {
					break
				}
			}
			if depth == 0 {
				return i + 1, true
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth--; depth <= 0 {
				return i + 1, true
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i, true
			}
		}
	}
	return 0, false
}

// Errorf reports an error at the offset off of the window.
func (d *Scanner) Errorf(off int, format string, args ...any) {
	d.ErrorAt(d.Base+int64(off), format, args...)
}

// ErrorAt reports an error at the offset at of the input.
func (d *Scanner) ErrorAt(at int64, format string, args ...any) {
	panic(&Error{Offset: at, Err: fmt.Errorf("%w: %s", d.Corrupt, fmt.Sprintf(format, args...))})
}

// Syntax reports a syntax error at d.I: a truncated file when the input
// ended.
func (d *Scanner) Syntax(what string) {
	if d.I >= len(d.B) {
		panic(&Error{Offset: d.Base + int64(len(d.B)), Syntax: true, Err: fmt.Errorf("%w: truncated file", d.Corrupt)})
	}
	panic(&Error{Offset: d.Base + int64(d.I), Syntax: true, Err: fmt.Errorf("%w: JSON syntax error: invalid character %q looking for %s", d.Corrupt, d.B[d.I], what)})
}

// WS skips white space. Between records, it reads more of a file when
// the window has less than lookahead bytes left, so that what is read
// between records (keys, commas) is in it.
func (d *Scanner) WS() {
	for {
		for d.I < len(d.B) {
			switch d.B[d.I] {
			case ' ', '\t', '\n', '\r':
				d.I++
				continue
			}
			if len(d.B)-d.I >= d.ahead || d.EOF || d.I < d.RecordEnd {
				return
			}
			break
		}
		if d.I < d.RecordEnd || !d.Fill() {
			return
		}
	}
}

// Peek skips white space and returns the next byte, 0 at the end.
func (d *Scanner) Peek() byte {
	d.WS()
	if d.I < len(d.B) {
		return d.B[d.I]
	}
	return 0
}

// Expect consumes the byte c after white space, or reports a syntax error
// looking for what.
func (d *Scanner) Expect(c byte, what string) {
	if d.Peek() != c {
		d.Syntax(what)
	}
	d.I++
}

// Null consumes a null and reports whether there was one.
func (d *Scanner) Null() bool {
	if d.Peek() == 'n' {
		if len(d.B)-d.I < 4 && d.I >= d.RecordEnd {
			d.Record() // a null between records
		}
		if len(d.B)-d.I >= 4 && string(d.B[d.I:d.I+4]) == "null" {
			d.I += 4
			return true
		}
		d.Syntax("a value")
	}
	return false
}

// Object reads an object, or null, calling member for each member with
// the key's bytes (valid until the next read) and its offset.
func (d *Scanner) Object(what string, member func(key []byte, off int)) {
	d.object(what, false, func(key []byte, at int64) { member(key, int(at-d.Base)) })
}

// Members reads an object that is not a record, or null, as Object does:
// each of its keys is made to be in the window whole before it is read.
// member is given the key and its offset in the input, not in the window,
// which may move before member is called.
func (d *Scanner) Members(what string, member func(key string, at int64)) {
	d.object(what, true, func(key []byte, at int64) { member(string(key), at) })
}

// object reads an object for Object and Members, giving member each key
// and its offset in the input. With records, each key is read whole into
// the window first, and copied: the window may move once it is read.
func (d *Scanner) object(what string, records bool, member func(key []byte, at int64)) {
	if d.Null() {
		return
	}
	if d.Peek() != '{' {
		d.Errorf(d.I, "%s must be an object", what)
	}
	d.I++
	if d.Peek() == '}' {
		d.I++
		return
	}
	for {
		if records {
			d.Record()
		}
		if d.Peek() != '"' {
			d.Syntax("an object key")
		}
		at := d.Base + int64(d.I)
		key := d.RawString()
		if records {
			key = bytes.Clone(key)
		}
		d.Expect(':', "':' after an object key")
		member(key, at)
		switch d.Peek() {
		case ',':
			d.I++
		case '}':
			d.I++
			return
		default:
			d.Syntax("',' or '}' after an object member")
		}
	}
}

// Array reads an array, or null, calling elem for each element.
func (d *Scanner) Array(what string, elem func(n int)) {
	if d.Null() {
		return
	}
	if d.Peek() != '[' {
		d.Errorf(d.I, "%s must be an array", what)
	}
	d.I++
	if d.Peek() == ']' {
		d.I++
		return
	}
	for n := 0; ; n++ {
		elem(n)
		switch d.Peek() {
		case ',':
			d.I++
		case ']':
			d.I++
			return
		default:
			d.Syntax("',' or ']' after an array element")
		}
	}
}

// RawString reads a string and returns its bytes, unescaped. They alias
// the input when the string has no escape.
func (d *Scanner) RawString() []byte {
	if d.Peek() != '"' {
		d.Syntax("a string")
	}
	d.I++
	start := d.I
	rest := d.B[start:]
	q := bytes.IndexByte(rest, '"')
	if q < 0 {
		q = len(rest)
	}
	s := rest[:q]
	if k := bytes.IndexByte(s, '\\'); k >= 0 {
		s = s[:k] // escaped checks the rest
	}
	if k := indexControl(s); k >= 0 {
		d.I = start + k
		d.Syntax("a character of a string")
	}
	if len(s) < q {
		d.I = start + len(s)
		return d.escaped(start)
	}
	if q == len(rest) {
		d.I = len(d.B)
		d.Syntax("the end of a string")
	}
	d.I = start + q + 1
	if !utf8.Valid(s) {
		return []byte(string([]rune(string(s)))) // each invalid byte becomes U+FFFD, as encoding/json does
	}
	return s
}

// indexControl returns the index of the first byte of s below 0x20, which
// a JSON string may not hold, or -1. It tests eight bytes at a time.
func indexControl(s []byte) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:])
		if (x-0x2020202020202020)&^x&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if s[i] < 0x20 {
			return i
		}
	}
	return -1
}

// escaped reads the rest of a string that has escapes, from d.I at the
// first backslash; start is the string's first byte.
func (d *Scanner) escaped(start int) []byte {
	out := append([]byte(nil), d.B[start:d.I]...)
	for d.I < len(d.B) {
		c := d.B[d.I]
		switch {
		case c == '"':
			d.I++
			if !utf8.Valid(out) {
				return []byte(string([]rune(string(out))))
			}
			return out
		case c < 0x20:
			d.Syntax("a character of a string")
		case c != '\\':
			out = append(out, c)
			d.I++
			continue
		}
		d.I++
		if d.I >= len(d.B) {
			break
		}
		switch e := d.B[d.I]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := d.hex4()
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.I+2 < len(d.B) && d.B[d.I+1] == '\\' && d.B[d.I+2] == 'u' {
					save := d.I
					d.I += 2
					r2 = d.hex4()
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						d.I, r2 = save, -1
					}
				}
				if r2 < 0 {
					r = utf8.RuneError
				} else {
					r = utf16.DecodeRune(r, r2)
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			d.Syntax("an escape character")
		}
		d.I++
	}
	d.Syntax("the end of a string")
	return nil
}

// hex4 reads the four hexadecimal digits after \u, d.I at the u, and
// leaves d.I at the last digit.
func (d *Scanner) hex4() rune {
	if len(d.B)-d.I < 5 {
		d.I = len(d.B)
		d.Syntax("four hexadecimal digits")
	}
	var r rune
	for k := 1; k <= 4; k++ {
		c := d.B[d.I+k]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			d.I += k
			d.Syntax("a hexadecimal digit")
		}
		r = r<<4 | rune(c)
	}
	d.I += 4
	return r
}

// Str reads a string, or null as "".
func (d *Scanner) Str() string {
	if d.Null() {
		return ""
	}
	switch c := d.Peek(); {
	case c == '{' || c == '[' || c == 't' || c == 'f' || c == '-' || '0' <= c && c <= '9':
		d.Errorf(d.I, "a string was expected, not %s", ValueKind(c))
	}
	return string(d.RawString())
}

// ValueKind names the kind of the JSON value that begins with c.
func ValueKind(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// Truth reads true, false or null as false; what names the value in
// errors.
func (d *Scanner) Truth(what func() string) bool {
	switch {
	case d.Null():
		return false
	case len(d.B)-d.I >= 4 && string(d.B[d.I:d.I+4]) == "true":
		d.I += 4
		return true
	case len(d.B)-d.I >= 5 && string(d.B[d.I:d.I+5]) == "false":
		d.I += 5
		return false
	}
	if d.Peek() == 0 {
		d.Syntax("a value")
	}
	d.Errorf(d.I, "%s must be true or false", what())
	return false
}

// Number reads a JSON number that is an integer, or null as 0; what
// names the value in errors.
func (d *Scanner) Number(what func() string) int {
	if d.Null() {
		return 0
	}
	start := d.I
	j := d.I
	if j < len(d.B) && d.B[j] == '-' {
		j++
	}
	digits := j
	for j < len(d.B) && '0' <= d.B[j] && d.B[j] <= '9' {
		j++
	}
	if j == digits {
		if j >= len(d.B) {
			d.I = j
			d.Syntax("a number")
		}
		d.Errorf(start, "%s must be an integer", what())
	}
	if j < len(d.B) && (d.B[j] == '.' || d.B[j] == 'e' || d.B[j] == 'E') {
		d.Errorf(start, "%s must be an integer", what())
	}
	if d.B[digits] == '0' && j-digits > 1 {
		d.I = digits + 1
		d.Syntax("a number without leading zeros")
	}
	if j-digits > 18 {
		d.Errorf(start, "%s: %s is out of range", what(), d.B[start:j])
	}
	n := 0
	for _, c := range d.B[digits:j] {
		n = n*10 + int(c-'0')
	}
	if digits > start {
		n = -n
	}
	d.I = j
	return n
}
