package filestore

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/lsusync/lsusync"
)

// decode reads a whole store file of any version this package reads
// (see FORMAT.md), and checks that only white space follows the store
// object. Files of versions 2 and 3 are read here, the bytes once; the
// bilans that share an acquis list, or a list of professeurs principaux,
// share one decoded copy. Their records are read without reflection, the
// contents of version 3 by the codecs of their types (content.go). A
// file of version 1 is read by v1, from its beginning.
func (d *scanner) decode(v1 func() (lsusync.Snapshot, error)) (snap lsusync.Snapshot, memos map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case *decodeError:
				err = e
			case readError:
				err = e.err
			default:
				panic(r)
			}
			snap, memos = lsusync.Snapshot{}, nil
		}
	}()
	d.fill()
	d.version = d.header()
	if d.version == 1 {
		snap, err = v1()
		return snap, nil, err
	}
	d.memos = make(map[string]string)
	d.data(&snap)
	d.ws()
	d.expect('}', "the end of the store object")
	d.ws()
	if d.i < len(d.b) {
		d.errorf(d.i, "trailing data after the store object")
	}
	if d.progress != nil {
		d.progress(d.size, d.size)
	}
	return snap, d.memos, nil
}

// header reads the members "format" and "version" and the key "data" of
// a store file, and returns the version.
func (d *scanner) header() (version int) {
	if c := d.peek(); c != '{' {
		if c == 0 || c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' || c == '-' || ('0' <= c && c <= '9') {
			if c == 0 {
				d.syntax("a value")
			}
			d.errorf(d.i, "the file must begin with a JSON object")
		}
		d.syntax("the beginning of a value")
	}
	d.i++
	key := func(want, nth string) {
		d.record()
		at := d.i
		if d.peek() != '"' {
			d.syntax("an object key")
		}
		if k := d.rawString(); string(k) != want {
			d.errorf(at, "the %s member must be %q, not %q", nth, want, k)
		}
		d.expect(':', "':' after an object key")
	}
	key("format", "first")
	d.record()
	at := d.i
	if f := d.str(); f != Format {
		d.errorf(at, "format %q, want %q: not an lsusync store file", f, Format)
	}
	d.expect(',', "',' after an object member")
	key("version", "second")
	d.record()
	at = d.i
	version = d.integer(loc{"version", -1, ""})
	if version > Version {
		panic(&decodeError{offset: d.base + int64(d.i), err: fmt.Errorf("%w: version %d; this program reads versions up to %d: update it", ErrVersion, version, Version)})
	}
	if version < 1 {
		d.errorf(at, "version %d, want 1 to %d", version, Version)
	}
	d.expect(',', "',' after an object member")
	key("data", "third")
	d.ws()
	return version
}

// loc names a value in the error messages: list[n].field, or list.field
// when n is negative. It is formatted only for an error.
type loc struct {
	list  string
	n     int
	field string
}

func (l loc) String() string {
	s := l.list
	if l.n >= 0 {
		s += "[" + strconv.Itoa(l.n) + "]"
	}
	if l.field != "" {
		s += "." + l.field
	}
	return s
}

func (l loc) with(field string) loc {
	if l.field != "" {
		field = l.field + "." + field
	}
	return loc{l.list, l.n, field}
}

// scanner reads JSON values from b at i. Its methods panic with a
// *decodeError, or a readError, which decode recovers.
//
// A scanner of a file reads it a window at a time: b holds the file's
// bytes from the offset base, and each record of the file (an element of
// an array of "data", the establishment) is in b whole before it is read,
// so that the file is never in memory at once. The window moves only
// between records: an index into b is valid while a record is read.
type scanner struct {
	b       []byte
	i       int
	version int // of the file

	r         io.Reader // of the file; nil when b is the whole input
	base      int64     // the offset in the input of b[0]
	size      int64     // of the input
	eof       bool      // b ends where the input does
	recordEnd int       // the end in b of the record being read
	step      int       // the bytes read at a time
	ahead     int       // the bytes to have in the window between records

	subjects []lsusync.Subject
	keys     []lsusync.TeacherKey
	tables   int // the tables read: 1 subjects, 2 teacher keys
	ids      map[string]string
	periods  map[string]int // the number of periods of each class
	acquis   map[string][]lsusync.Acquis
	heads    map[string][]lsusync.TeacherKey
	refs     []int                   // scratch
	contents []lsusync.AcquisContent // scratch
	memos    map[string]string       // the classes' memos
	progress func(done, total int64)
	next     int64      // the offset of the next call of progress
	path     []pathElem // the place in a content, for errors

	// The contents' texts are made in chunks, their slices in scratch
	// slices first (content.go).
	arena       strings.Builder
	interned    map[string]string
	shared      []map[string]reflect.Value // by codec slot, then raw bytes
	sharedCount int
	scratch     []reflect.Value
}

// newScanner returns a scanner of the whole input b.
func newScanner(b []byte) *scanner {
	return &scanner{b: b, size: int64(len(b)), eof: true}
}

// newFileScanner returns a scanner of r, of size bytes, which reads it a
// window at a time.
func newFileScanner(r io.Reader, size int64) *scanner {
	return &scanner{r: r, size: size, step: windowStep, ahead: lookahead}
}

// readError is an error reading the input, which decode returns as it
// is.
type readError struct{ err error }

// The window of a file scanner: it reads windowStep bytes at a time, and
// reads more when fewer than lookahead bytes are left after a record.
const (
	windowStep = 1 << 20
	lookahead  = 64 << 10
)

// fill reads more of the input into the window, dropping the bytes before
// d.i, and reports whether it read any.
func (d *scanner) fill() bool {
	if d.eof {
		return false
	}
	if d.i > 0 {
		n := copy(d.b, d.b[d.i:])
		d.b = d.b[:n]
		d.base += int64(d.i)
		d.recordEnd -= d.i
		d.i = 0
	}
	if cap(d.b)-len(d.b) < d.step/2+1 {
		b := make([]byte, len(d.b), max(2*cap(d.b), len(d.b)+d.step))
		copy(b, d.b)
		d.b = b
	}
	// The window is filled whole, so that a record read again after
	// each fill is read again a number of times that grows with the
	// logarithm of its size, whatever the reader gives at a time.
	n, err := io.ReadFull(d.r, d.b[len(d.b):cap(d.b)])
	d.b = d.b[:len(d.b)+n]
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		d.eof = true
	case err != nil:
		panic(readError{err})
	}
	return n > 0
}

// record makes sure that the value at d.i, a record, is in the window
// whole, or that the window holds the rest of the input.
func (d *scanner) record() {
	d.ws()
	for {
		if end, ok := valueEnd(d.b, d.i); ok {
			d.recordEnd = end
			return
		}
		if !d.fill() {
			d.recordEnd = len(d.b)
			return
		}
	}
}

// valueEnd returns the end of the JSON value at b[i], and false when b
// ends first. It checks nothing but the nesting of strings, arrays and
// objects: the value is read, and checked, afterwards.
func valueEnd(b []byte, i int) (int, bool) {
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

// advance calls the progress function every progressStep bytes.
func (d *scanner) advance() {
	if at := d.base + int64(d.i); d.progress != nil && at >= d.next {
		d.progress(at, d.size)
		d.next = at + progressStep
	}
}

// errorf reports an error at the offset off of the window.
func (d *scanner) errorf(off int, format string, args ...any) {
	d.errorAt(d.base+int64(off), format, args...)
}

// errorAt reports an error at the offset at of the input.
func (d *scanner) errorAt(at int64, format string, args ...any) {
	panic(&decodeError{offset: at, err: fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))})
}

// syntax reports a syntax error at d.i: a truncated file when the input
// ended.
func (d *scanner) syntax(what string) {
	if d.i >= len(d.b) {
		panic(&decodeError{offset: d.base + int64(len(d.b)), syntax: true, err: fmt.Errorf("%w: truncated file", ErrCorrupt)})
	}
	panic(&decodeError{offset: d.base + int64(d.i), syntax: true, err: fmt.Errorf("%w: JSON syntax error: invalid character %q looking for %s", ErrCorrupt, d.b[d.i], what)})
}

// ws skips white space. Between records, it reads more of a file when
// the window has less than lookahead bytes left, so that what is read
// between records (keys, commas) is in it.
func (d *scanner) ws() {
	for {
		for d.i < len(d.b) {
			switch d.b[d.i] {
			case ' ', '\t', '\n', '\r':
				d.i++
				continue
			}
			if len(d.b)-d.i >= d.ahead || d.eof || d.i < d.recordEnd {
				return
			}
			break
		}
		if d.i < d.recordEnd || !d.fill() {
			return
		}
	}
}

// peek skips white space and returns the next byte, 0 at the end.
func (d *scanner) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *scanner) expect(c byte, what string) {
	if d.peek() != c {
		d.syntax(what)
	}
	d.i++
}

// null consumes a null and reports whether there was one.
func (d *scanner) null() bool {
	if d.peek() == 'n' {
		if len(d.b)-d.i < 4 && d.i >= d.recordEnd {
			d.record() // a null between records
		}
		if len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
			d.i += 4
			return true
		}
		d.syntax("a value")
	}
	return false
}

// object reads an object, or null, calling member for each member with
// the key's bytes (valid until the next read) and its offset.
func (d *scanner) object(what string, member func(key []byte, off int)) {
	if d.null() {
		return
	}
	if d.peek() != '{' {
		d.errorf(d.i, "%s must be an object", what)
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		return
	}
	for {
		if d.peek() != '"' {
			d.syntax("an object key")
		}
		off := d.i
		key := d.rawString()
		d.expect(':', "':' after an object key")
		member(key, off)
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return
		default:
			d.syntax("',' or '}' after an object member")
		}
	}
}

// array reads an array, or null, calling elem for each element.
func (d *scanner) array(what string, elem func(n int)) {
	if d.null() {
		return
	}
	if d.peek() != '[' {
		d.errorf(d.i, "%s must be an array", what)
	}
	d.i++
	if d.peek() == ']' {
		d.i++
		return
	}
	for n := 0; ; n++ {
		elem(n)
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return
		default:
			d.syntax("',' or ']' after an array element")
		}
	}
}

// once records a member in seen and refuses it twice.
func (d *scanner) once(seen *uint32, bit uint, key []byte, off int, what loc) {
	if *seen&(1<<bit) != 0 {
		d.errorf(off, "%v: member %q twice", what, key)
	}
	*seen |= 1 << bit
}

func (d *scanner) unknown(key []byte, off int, what loc) {
	d.errorf(off, "%v: unknown member %q", what, key)
}

// rawString reads a string and returns its bytes, unescaped. They alias
// the input when the string has no escape.
func (d *scanner) rawString() []byte {
	if d.peek() != '"' {
		d.syntax("a string")
	}
	d.i++
	start := d.i
	rest := d.b[start:]
	q := bytes.IndexByte(rest, '"')
	if q < 0 {
		q = len(rest)
	}
	s := rest[:q]
	if k := bytes.IndexByte(s, '\\'); k >= 0 {
		s = s[:k] // escaped checks the rest
	}
	if k := indexControl(s); k >= 0 {
		d.i = start + k
		d.syntax("a character of a string")
	}
	if len(s) < q {
		d.i = start + len(s)
		return d.escaped(start)
	}
	if q == len(rest) {
		d.i = len(d.b)
		d.syntax("the end of a string")
	}
	d.i = start + q + 1
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

// escaped reads the rest of a string that has escapes, from d.i at the
// first backslash; start is the string's first byte.
func (d *scanner) escaped(start int) []byte {
	out := append([]byte(nil), d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(out) {
				return []byte(string([]rune(string(out))))
			}
			return out
		case c < 0x20:
			d.syntax("a character of a string")
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		d.i++
		if d.i >= len(d.b) {
			break
		}
		switch e := d.b[d.i]; e {
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
				if d.i+2 < len(d.b) && d.b[d.i+1] == '\\' && d.b[d.i+2] == 'u' {
					save := d.i
					d.i += 2
					r2 = d.hex4()
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						d.i, r2 = save, -1
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
			d.syntax("an escape character")
		}
		d.i++
	}
	d.syntax("the end of a string")
	return nil
}

// hex4 reads the four hexadecimal digits after \u, d.i at the u, and
// leaves d.i at the last digit.
func (d *scanner) hex4() rune {
	if len(d.b)-d.i < 5 {
		d.i = len(d.b)
		d.syntax("four hexadecimal digits")
	}
	var r rune
	for k := 1; k <= 4; k++ {
		c := d.b[d.i+k]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			d.i += k
			d.syntax("a hexadecimal digit")
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r
}

// str reads a string, or null as "".
func (d *scanner) str() string {
	if d.null() {
		return ""
	}
	switch c := d.peek(); {
	case c == '{' || c == '[' || c == 't' || c == 'f' || c == '-' || '0' <= c && c <= '9':
		d.errorf(d.i, "a string was expected, not %s", valueKind(c))
	}
	return string(d.rawString())
}

// valueKind names the kind of the JSON value that begins with c.
func valueKind(c byte) string {
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

// boolean reads true, false or null.
func (d *scanner) boolean(what loc) bool { return d.truth(what.String) }

// truth is boolean, what naming the value in errors.
func (d *scanner) truth(what func() string) bool {
	switch {
	case d.null():
		return false
	case len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "true":
		d.i += 4
		return true
	case len(d.b)-d.i >= 5 && string(d.b[d.i:d.i+5]) == "false":
		d.i += 5
		return false
	}
	if d.peek() == 0 {
		d.syntax("a value")
	}
	d.errorf(d.i, "%s must be true or false", what())
	return false
}

// integer reads a JSON number that is an integer, or null as 0.
func (d *scanner) integer(what loc) int { return d.number(what.String) }

// number is integer, what naming the value in errors.
func (d *scanner) number(what func() string) int {
	if d.null() {
		return 0
	}
	start := d.i
	j := d.i
	if j < len(d.b) && d.b[j] == '-' {
		j++
	}
	digits := j
	for j < len(d.b) && '0' <= d.b[j] && d.b[j] <= '9' {
		j++
	}
	if j == digits {
		if j >= len(d.b) {
			d.i = j
			d.syntax("a number")
		}
		d.errorf(start, "%s must be an integer", what())
	}
	if j < len(d.b) && (d.b[j] == '.' || d.b[j] == 'e' || d.b[j] == 'E') {
		d.errorf(start, "%s must be an integer", what())
	}
	if d.b[digits] == '0' && j-digits > 1 {
		d.i = digits + 1
		d.syntax("a number without leading zeros")
	}
	if j-digits > 18 {
		d.errorf(start, "%s: %s is out of range", what(), d.b[start:j])
	}
	n := 0
	for _, c := range d.b[digits:j] {
		n = n*10 + int(c-'0')
	}
	if digits > start {
		n = -n
	}
	d.i = j
	return n
}

// data reads the "data" object.
func (d *scanner) data(s *lsusync.Snapshot) {
	var seen uint32
	names := [...]string{"establishment", "teachers", "classes", "students", "subjects", "teacherKeys", "bilans"}
	d.members(`"data"`, func(key string, keyAt int64) {
		bit := -1
		for n, name := range names {
			if key == name {
				bit = n
			}
		}
		if bit < 0 {
			d.errorAt(keyAt, "unknown member %q of \"data\"", key)
		}
		if seen&(1<<bit) != 0 {
			d.errorAt(keyAt, "member %q of \"data\" appears twice", key)
		}
		seen |= 1 << bit
		switch bit {
		case 0:
			d.record()
			d.establishment(&s.Establishment)
		case 1:
			d.records(`"teachers"`, func(n int) {
				s.Teachers = append(s.Teachers, d.teacher(fmt.Sprintf("teachers[%d]", n)))
			})
		case 2:
			d.records(`"classes"`, func(n int) {
				s.Classes = append(s.Classes, d.class(n))
			})
			d.periods = make(map[string]int, len(s.Classes))
			for _, c := range s.Classes {
				d.periods[c.Code] = len(c.Periods)
			}
		case 3:
			d.records(`"students"`, func(n int) {
				s.Students = append(s.Students, d.student(n))
				d.advance()
			})
			d.ids = make(map[string]string, len(s.Students))
			for _, st := range s.Students {
				d.ids[st.ID] = st.ID
			}
		case 4:
			d.tables |= 1
			d.records(`"subjects"`, func(n int) { d.subjects = append(d.subjects, d.subject(n)) })
		case 5:
			d.tables |= 2
			d.records(`"teacherKeys"`, func(n int) {
				d.keys = append(d.keys, d.key(fmt.Sprintf("teacherKeys[%d]", n)))
			})
		case 6:
			d.acquis = make(map[string][]lsusync.Acquis)
			d.heads = make(map[string][]lsusync.TeacherKey)
			// Each pupil has a bilan per period of their class, as a
			// synchronisation makes them: the bilans are allocated at
			// once, when the classes and pupils come first.
			n := 0
			for _, st := range s.Students {
				n += d.periods[st.Class]
			}
			s.Bilans = make([]lsusync.Bilan, 0, n)
			d.records(`"bilans"`, func(n int) {
				if d.tables != 3 {
					d.errorAt(keyAt, `"subjects" and "teacherKeys" must come before "bilans"`)
				}
				s.Bilans = append(s.Bilans, lsusync.Bilan{})
				d.bilan(n, &s.Bilans[len(s.Bilans)-1])
				d.advance()
			})
		}
	})
}

// members reads an object that is not a record, or null, as object
// does: each of its keys is made to be in the window whole before it is
// read. member is given the key and its offset in the input, not in the
// window, which may move before member is called.
func (d *scanner) members(what string, member func(key string, at int64)) {
	if d.null() {
		return
	}
	if d.peek() != '{' {
		d.errorf(d.i, "%s must be an object", what)
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		return
	}
	for {
		d.record()
		if d.peek() != '"' {
			d.syntax("an object key")
		}
		at := d.base + int64(d.i)
		key := string(d.rawString())
		d.expect(':', "':' after an object key")
		member(key, at)
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return
		default:
			d.syntax("',' or '}' after an object member")
		}
	}
}

// records reads an array of records, or null, calling elem for each
// record once it is in the window.
func (d *scanner) records(what string, elem func(n int)) {
	d.array(what, func(n int) {
		d.record()
		elem(n)
	})
}

func (d *scanner) establishment(e *lsusync.Establishment) {
	var seen uint32
	const what = "establishment"
	at := loc{what, -1, ""}
	d.object(what, func(key []byte, off int) {
		switch string(key) {
		case "uai":
			d.once(&seen, 0, key, off, at)
			e.UAI = d.str()
		case "name":
			d.once(&seen, 1, key, off, at)
			e.Name = d.str()
		case "address":
			d.once(&seen, 2, key, off, at)
			d.address(&e.Address)
		case "headName":
			d.once(&seen, 3, key, off, at)
			e.HeadName = d.str()
		case "phone":
			d.once(&seen, 4, key, off, at)
			e.Phone = d.str()
		case "email":
			d.once(&seen, 5, key, off, at)
			e.Email = d.str()
		default:
			d.unknown(key, off, at)
		}
	})
}

func (d *scanner) address(a *lsusync.Address) {
	var seen uint32
	const what = "establishment's address"
	at := loc{"establishment", -1, "address"}
	fields := [...]*string{&a.Line1, &a.Line2, &a.Line3, &a.Line4, &a.PostalCode, &a.City, &a.Country}
	names := [...]string{"line1", "line2", "line3", "line4", "postalCode", "city", "country"}
	d.object(what, func(key []byte, off int) {
		for n, name := range names {
			if string(key) == name {
				d.once(&seen, uint(n), key, off, at)
				*fields[n] = d.str()
				return
			}
		}
		d.unknown(key, off, at)
	})
}

func (d *scanner) key(what string) lsusync.TeacherKey {
	var k lsusync.TeacherKey
	var seen uint32
	at := loc{what, -1, ""}
	d.object(what, func(key []byte, off int) {
		switch string(key) {
		case "type":
			d.once(&seen, 0, key, off, at)
			k.Type = d.str()
		case "id":
			d.once(&seen, 1, key, off, at)
			k.ID = d.str()
		default:
			d.unknown(key, off, at)
		}
	})
	return k
}

func (d *scanner) teacher(what string) lsusync.Teacher {
	var t lsusync.Teacher
	var seen uint32
	at := loc{what, -1, ""}
	d.object(what, func(key []byte, off int) {
		switch string(key) {
		case "key":
			d.once(&seen, 0, key, off, at)
			t.Key = d.key(what + ".key")
		case "civility":
			d.once(&seen, 1, key, off, at)
			t.Civility = d.str()
		case "lastName":
			d.once(&seen, 2, key, off, at)
			t.LastName = d.str()
		case "firstName":
			d.once(&seen, 3, key, off, at)
			t.FirstName = d.str()
		case "numen":
			d.once(&seen, 4, key, off, at)
			t.NUMEN = d.str()
		default:
			d.unknown(key, off, at)
		}
	})
	return t
}

func (d *scanner) class(n int) lsusync.Class {
	var c lsusync.Class
	var seen uint32
	what := fmt.Sprintf("classes[%d]", n)
	at := loc{"classes", n, ""}
	var memo string
	defer func() {
		if memo != "" {
			d.memos[c.Code] = memo
		}
	}()
	d.object(what, func(key []byte, off int) {
		switch string(key) {
		case "code":
			d.once(&seen, 0, key, off, at)
			c.Code = d.str()
		case "label":
			d.once(&seen, 1, key, off, at)
			c.Label = d.str()
		case "periods":
			d.once(&seen, 2, key, off, at)
			d.array(what+".periods", func(int) { c.Periods = append(c.Periods, d.period(what)) })
		case "memo":
			d.once(&seen, 3, key, off, at)
			memo = d.str()
		default:
			d.unknown(key, off, at)
		}
	})
	return c
}

func (d *scanner) period(what string) lsusync.Period {
	var p lsusync.Period
	var seen uint32
	what += ".periods"
	at := loc{what, -1, ""}
	d.object(what, func(key []byte, off int) {
		switch string(key) {
		case "year":
			d.once(&seen, 0, key, off, at)
			p.Year = d.integer(loc{what, -1, "year"})
		case "index":
			d.once(&seen, 1, key, off, at)
			p.Index = d.integer(loc{what, -1, "index"})
		case "count":
			d.once(&seen, 2, key, off, at)
			p.Count = d.integer(loc{what, -1, "count"})
		default:
			d.unknown(key, off, at)
		}
	})
	return p
}

func (d *scanner) student(n int) lsusync.Student {
	var s lsusync.Student
	var seen uint32
	const what = "students"
	at := loc{what, n, ""}
	d.object(what, func(key []byte, off int) {
		var field *string
		var bit uint
		switch string(key) {
		case "id":
			field, bit = &s.ID, 0
		case "class":
			field, bit = &s.Class, 1
		case "ine":
			field, bit = &s.INE, 2
		case "lastName":
			field, bit = &s.LastName, 3
		case "usageName":
			field, bit = &s.UsageName, 4
		case "firstName":
			field, bit = &s.FirstName, 5
		case "firstName2":
			field, bit = &s.FirstName2, 6
		case "firstName3":
			field, bit = &s.FirstName3, 7
		case "sex":
			field, bit = (*string)(&s.Sex), 8
		case "birthDate":
			bit = 9
		default:
			d.unknown(key, off, at)
		}
		d.once(&seen, bit, key, off, at)
		if field != nil {
			*field = d.str()
			return
		}
		start := d.i
		if err := s.BirthDate.UnmarshalText([]byte(d.str())); err != nil {
			// Its value is personal data, kept out of the message.
			d.errorf(start, "students[%d]: invalid birthDate, want YYYY-MM-DD (the value is personal data: not shown)", n)
		}
	})
	return s
}

func (d *scanner) subject(n int) lsusync.Subject {
	var s lsusync.Subject
	var seen uint32
	what := fmt.Sprintf("subjects[%d]", n)
	at := loc{"subjects", n, ""}
	d.object(what, func(key []byte, off int) {
		switch string(key) {
		case "code":
			d.once(&seen, 0, key, off, at)
			s.Code = d.str()
		case "label":
			d.once(&seen, 1, key, off, at)
			s.Label = d.str()
		case "modality":
			d.once(&seen, 2, key, off, at)
			s.Modality = d.str()
		case "nationalCode":
			if d.version < 3 {
				d.unknown(key, off, at)
			}
			d.once(&seen, 3, key, off, at)
			s.NationalCode = d.str()
		default:
			d.unknown(key, off, at)
		}
	})
	return s
}

// ref reads the number of an entry of a table of n entries.
func (d *scanner) ref(n int, table string, what loc) int {
	off := d.i
	k := d.integer(what)
	if k < 0 || k >= n {
		d.errorf(off, "%s: %d is not the number of an entry of %q", what, k, table)
	}
	return k
}

// bilan reads bilan n into b, an element of the snapshot's bilans: a
// bilan read into a variable of its own would be allocated apart, its
// content making it several hundred bytes, and copied.
func (d *scanner) bilan(n int, b *lsusync.Bilan) {
	var seen uint32
	const what = "bilans"
	at := loc{what, n, ""}
	d.object(what, func(key []byte, off int) {
		switch string(key) {
		case "student":
			d.once(&seen, 0, key, off, at)
			id := d.rawString()
			if shared, ok := d.ids[string(id)]; ok {
				b.Student = shared
			} else {
				b.Student = string(id)
			}
		case "period":
			d.once(&seen, 1, key, off, at)
			var p [3]int
			k := 0
			pat := at.with("period")
			d.array(what, func(i int) {
				if i < 3 {
					p[i] = d.integer(pat)
				}
				k++
			})
			if k != 3 {
				d.errorf(off, "%v must be [year, index, count]", pat)
			}
			b.Period = lsusync.Period{Year: p[0], Index: p[1], Count: p[2]}
		case "locked":
			d.once(&seen, 2, key, off, at)
			b.Locked = d.boolean(at.with("locked"))
		case "imported":
			d.once(&seen, 3, key, off, at)
			b.Imported = d.boolean(at.with("imported"))
		case "acquis":
			d.once(&seen, 4, key, off, at)
			b.Acquis = d.acquisList(n)
		case "headTeachers":
			d.once(&seen, 5, key, off, at)
			b.HeadTeachers = d.headTeachers(n)
		case "content":
			d.once(&seen, 6, key, off, at)
			if d.version < 3 {
				b.Content = d.content(what)
			} else {
				d.readContent(bilanContentCodec, reflect.ValueOf(&b.BilanContent).Elem(), at.with("content"))
			}
		default:
			d.unknown(key, off, at)
		}
	})
}

// acquisList reads the acquis of bilan n. A list without content that
// another bilan has already is that bilan's list.
func (d *scanner) acquisList(n int) []lsusync.Acquis {
	d.ws()
	start := d.i
	// A list read before, byte for byte, was checked then: it is found
	// without being read again.
	if end, ok := d.plainExtent(); ok {
		if as, hit := d.acquis[string(d.b[start:end])]; hit {
			d.i = end
			return as
		}
	}
	// Each acquis gives -1, its subject's number and its teachers'
	// numbers in d.refs, and its content in d.contents.
	d.refs = d.refs[:0]
	d.contents = d.contents[:0]
	plain := true
	at := loc{"bilans", n, "acquis"}
	d.array("an acquis list", func(int) {
		mark := len(d.refs)
		d.refs = append(d.refs, -1, -1)
		if d.peek() != '[' {
			plain = false
			d.contents = append(d.contents, d.acquis1(n, mark))
			return
		}
		d.contents = append(d.contents, lsusync.AcquisContent{})
		d.array("", func(k int) {
			if k == 0 {
				d.refs[mark+1] = d.ref(len(d.subjects), "subjects", at)
			} else {
				d.refs = append(d.refs, d.ref(len(d.keys), "teacherKeys", at))
			}
		})
		if d.refs[mark+1] == -1 {
			d.errorf(d.i-1, "%v: an acquis without its subject", at)
		}
	})
	if !plain {
		return d.buildAcquis(d.refs, d.contents)
	}
	// Without content, a list seen before, byte for byte, is shared.
	raw := d.b[start:d.i]
	if as, ok := d.acquis[string(raw)]; ok {
		return as
	}
	as := d.buildAcquis(d.refs, nil)
	d.acquis[string(raw)] = as
	return as
}

// plainExtent returns the end of the array at d.i when it holds only
// numbers and arrays of numbers, as the acquis lists without content and
// the lists of professeurs principaux do, and false otherwise. It checks
// nothing else: a list found this way is used only when it is, byte for
// byte, one read and checked before.
func (d *scanner) plainExtent() (int, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '[' {
		return 0, false
	}
	depth := 0
	for j := d.i; j < len(d.b); j++ {
		switch d.b[j] {
		case '[':
			if depth++; depth > 2 {
				return 0, false
			}
		case ']':
			if depth--; depth == 0 {
				return j + 1, true
			}
		case '"', '{', '}', 'n', 't', 'f':
			return 0, false
		}
	}
	return 0, false
}

// buildAcquis makes the acquis of refs: -1, then the subject's number and
// the teachers' numbers, for each acquis; with contents, the content of
// each.
func (d *scanner) buildAcquis(refs []int, contents []lsusync.AcquisContent) []lsusync.Acquis {
	count, teachers := 0, 0
	for _, r := range refs {
		if r == -1 {
			count++
		}
	}
	teachers = len(refs) - 2*count
	if count == 0 {
		return nil
	}
	as := make([]lsusync.Acquis, 0, count)
	keys := make([]lsusync.TeacherKey, 0, teachers) // one array for every acquis's teachers
	for i := 0; i < len(refs); {
		a := lsusync.Acquis{Subject: d.subjects[refs[i+1]]}
		if contents != nil {
			a.AcquisContent = contents[len(as)]
		}
		j := i + 2
		for j < len(refs) && refs[j] != -1 {
			j++
		}
		if j > i+2 {
			start := len(keys)
			for _, r := range refs[i+2 : j] {
				keys = append(keys, d.keys[r])
			}
			a.Teachers = keys[start:len(keys):len(keys)]
		}
		as = append(as, a)
		i = j
	}
	return as
}

// acquis1 reads an acquis written as an object, and returns its content;
// its subject's number goes to d.refs[mark+1], its teachers' numbers
// after it.
func (d *scanner) acquis1(n, mark int) lsusync.AcquisContent {
	var a lsusync.AcquisContent
	var seen uint32
	at := loc{"bilans", n, "acquis"}
	const what = "an acquis"
	positioning, positioningAt := "", 0 // of versions 1 and 2
	d.object(what, func(key []byte, off int) {
		switch string(key) {
		case "subject":
			d.once(&seen, 0, key, off, at)
			d.refs[mark+1] = d.ref(len(d.subjects), "subjects", at)
		case "teachers":
			d.once(&seen, 1, key, off, at)
			d.array(what, func(int) {
				d.refs = append(d.refs, d.ref(len(d.keys), "teacherKeys", at.with("teachers")))
			})
		case "content":
			d.once(&seen, 2, key, off, at)
			if d.version < 3 {
				a.Content = d.content(what)
			} else {
				d.readContent(acquisContentCodec, reflect.ValueOf(&a).Elem(), at.with("content"))
			}
		case "appreciation": // versions 1 and 2: in the content since
			d.legacy(key, off, at)
			d.once(&seen, 3, key, off, at)
			a.Appreciation = d.str()
		case "average":
			d.legacy(key, off, at)
			d.once(&seen, 4, key, off, at)
			a.Average = d.str()
		case "positioning":
			d.legacy(key, off, at)
			d.once(&seen, 5, key, off, at)
			positioning, positioningAt = d.str(), off
		default:
			d.unknown(key, off, at)
		}
	})
	if d.refs[mark+1] == -1 {
		d.errorf(d.i-1, "%v: an acquis without its subject", at)
	}
	if err := legacyPositioning(positioning, &a); err != nil {
		d.errorf(positioningAt, "%v: %v", at, err)
	}
	return a
}

// legacy refuses in a file of version 3 a member of an acquis that only
// versions 1 and 2 have.
func (d *scanner) legacy(key []byte, off int, what loc) {
	if d.version >= 3 {
		d.unknown(key, off, what)
	}
}

// headTeachers reads the professeurs principaux of bilan n; a list seen
// before is shared.
func (d *scanner) headTeachers(n int) []lsusync.TeacherKey {
	d.ws()
	start := d.i
	if end, ok := d.plainExtent(); ok {
		if ks, hit := d.heads[string(d.b[start:end])]; hit {
			d.i = end
			return ks
		}
	}
	d.refs = d.refs[:0]
	d.array("headTeachers", func(int) {
		d.refs = append(d.refs, d.ref(len(d.keys), "teacherKeys", loc{"bilans", n, "headTeachers"}))
	})
	raw := d.b[start:d.i]
	if ks, ok := d.heads[string(raw)]; ok {
		return ks
	}
	var ks []lsusync.TeacherKey
	if len(d.refs) > 0 {
		ks = make([]lsusync.TeacherKey, len(d.refs))
		for i, r := range d.refs {
			ks[i] = d.keys[r]
		}
	}
	d.heads[string(raw)] = ks
	return ks
}

// content reads an object of strings.
func (d *scanner) content(what string) map[string]string {
	var m map[string]string
	d.object(what, func(key []byte, off int) {
		if m == nil {
			m = make(map[string]string)
		}
		k := string(key)
		if _, dup := m[k]; dup {
			d.errorf(off, "%s: member %q twice", what, key)
		}
		m[k] = d.str()
	})
	return m
}
