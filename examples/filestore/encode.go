package filestore

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/lsusync/lsusync"
)

// encode writes s to w in the store format, version 3, one record per
// line (see FORMAT.md), each class with its memo. The subjects and the
// teacher keys of the bilans are written once, in tables, and the bilans
// refer to them by index; an acquis list that bilans share (the store
// keeps one copy of the lists many bilans have in common) is encoded
// once. The contents of the bilans and acquis are the JSON form of their
// types, written by encoding/json; an empty content is not written.
func encode(w io.Writer, s *lsusync.Snapshot) error { return encodeMemos(w, s, nil) }

// encodeMemos is encode with the memos of the classes, by class code.
func encodeMemos(w io.Writer, s *lsusync.Snapshot, memos map[string]string) error {
	e := &encoder{w: bufio.NewWriterSize(w, 256<<10), content: newContentEncoder()}
	e.raw("{\n  \"format\": \"" + Format + "\",\n  \"version\": " + strconv.Itoa(Version) + ",\n  \"data\": {\n    \"establishment\": ")
	e.establishment(&s.Establishment)
	e.array("teachers", len(s.Teachers), func(i int) { e.teacher(&s.Teachers[i]) })
	e.array("classes", len(s.Classes), func(i int) { e.class(&s.Classes[i], memos[s.Classes[i].Code]) })
	e.array("students", len(s.Students), func(i int) { e.student(&s.Students[i]) })

	// The tables, in the order of first use, then the bilans.
	t := newTables()
	lists := make(map[listID][]byte) // the encoded shared acquis lists
	for i := range s.Bilans {
		b := &s.Bilans[i]
		for _, k := range b.HeadTeachers {
			t.key(k)
		}
		id := idOf(b.Acquis)
		if _, done := lists[id]; done {
			continue
		}
		var buf []byte
		shared := true
		for j := range b.Acquis {
			a := &b.Acquis[j]
			t.subject(a.Subject)
			for _, k := range a.Teachers {
				t.key(k)
			}
			shared = shared && !a.HasContent()
		}
		if shared && len(b.Acquis) > 0 {
			buf = e.appendAcquis(nil, t, b)
			lists[id] = buf
		}
	}
	e.array("subjects", len(t.subjects), func(i int) { e.subject(&t.subjects[i]) })
	e.array("teacherKeys", len(t.keys), func(i int) { e.key(t.keys[i]) })
	e.array("bilans", len(s.Bilans), func(i int) {
		b := &s.Bilans[i]
		if enc, ok := lists[idOf(b.Acquis)]; ok {
			e.bilan(b, t, enc)
		} else {
			e.bilan(b, t, nil)
		}
	})
	e.raw("\n  }\n}\n")
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

// listID identifies an acquis list by its memory: lists that bilans share
// are one slice.
type listID struct {
	p *lsusync.Acquis
	n int
}

func idOf(as []lsusync.Acquis) listID {
	if len(as) == 0 {
		return listID{}
	}
	return listID{&as[0], len(as)}
}

// tables are the subjects and the teacher keys of the bilans, numbered in
// the order of first use.
type tables struct {
	subjects   []lsusync.Subject
	keys       []lsusync.TeacherKey
	subjectNum map[lsusync.Subject]int
	keyNum     map[lsusync.TeacherKey]int
}

func newTables() *tables {
	return &tables{subjectNum: make(map[lsusync.Subject]int), keyNum: make(map[lsusync.TeacherKey]int)}
}

func (t *tables) subject(s lsusync.Subject) int {
	n, ok := t.subjectNum[s]
	if !ok {
		n = len(t.subjects)
		t.subjects = append(t.subjects, s)
		t.subjectNum[s] = n
	}
	return n
}

func (t *tables) key(k lsusync.TeacherKey) int {
	n, ok := t.keyNum[k]
	if !ok {
		n = len(t.keys)
		t.keys = append(t.keys, k)
		t.keyNum[k] = n
	}
	return n
}

// appendAcquis appends the JSON array of the acquis of bi: each an array
// of its subject's number and its teachers' numbers when it holds no
// content, else an object.
func (e *encoder) appendAcquis(buf []byte, t *tables, bi *lsusync.Bilan) []byte {
	as := bi.Acquis
	buf = append(buf, '[')
	for i := range as {
		if i > 0 {
			buf = append(buf, ',')
		}
		a := &as[i]
		if !a.HasContent() {
			buf = append(buf, '[')
			buf = strconv.AppendInt(buf, int64(t.subject(a.Subject)), 10)
			for _, k := range a.Teachers {
				buf = append(buf, ',')
				buf = strconv.AppendInt(buf, int64(t.key(k)), 10)
			}
			buf = append(buf, ']')
			continue
		}
		buf = append(buf, `{"subject":`...)
		buf = strconv.AppendInt(buf, int64(t.subject(a.Subject)), 10)
		if len(a.Teachers) > 0 {
			buf = append(buf, `,"teachers":`...)
			buf = t.appendKeys(buf, a.Teachers)
		}
		buf = append(buf, `,"content":`...)
		buf = e.appendContent(buf, &a.AcquisContent, bi, a.Subject.Key())
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

// appendKeys appends the array of the numbers of the keys.
func (t *tables) appendKeys(buf []byte, keys []lsusync.TeacherKey) []byte {
	buf = append(buf, '[')
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(t.key(k)), 10)
	}
	return append(buf, ']')
}

// encoder writes the records of a store file, one per line; its first
// error sticks.
type encoder struct {
	w       *bufio.Writer
	buf     []byte
	content *contentEncoder
	err     error
}

// appendContent appends the JSON form of a content, v, of the bilan bi,
// or of its acquis of the subject key when key.Code is not empty.
func (e *encoder) appendContent(b []byte, v any, bi *lsusync.Bilan, key lsusync.SubjectKey) []byte {
	b, err := e.content.append(b, v)
	if err != nil && e.err == nil {
		what := "bilan " + bi.Key().String()
		if key.Code != "" {
			what += ", acquis " + key.String()
		}
		e.err = fmt.Errorf("%s: content: %w", what, err)
	}
	return b
}

func (e *encoder) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// flush writes e.buf.
func (e *encoder) flush() {
	if e.err == nil {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

// array writes the member name with its array of n records, each on a
// line of its own.
func (e *encoder) array(name string, n int, record func(int)) {
	e.raw(",\n    \"" + name + "\": [")
	for i := range n {
		if i > 0 {
			e.raw(",\n      ")
		} else {
			e.raw("\n      ")
		}
		record(i)
	}
	if n > 0 {
		e.raw("\n    ")
	}
	e.raw("]")
}

func (e *encoder) establishment(est *lsusync.Establishment) {
	b := append(e.buf, `{"uai":`...)
	b = appendString(b, est.UAI)
	b = appendMember(b, "name", est.Name)
	if est.Address != (lsusync.Address{}) {
		a := &est.Address
		b = append(b, `,"address":{`...)
		start := len(b)
		b = appendMember(b, "line1", a.Line1)
		b = appendMember(b, "line2", a.Line2)
		b = appendMember(b, "line3", a.Line3)
		b = appendMember(b, "line4", a.Line4)
		b = appendMember(b, "postalCode", a.PostalCode)
		b = appendMember(b, "city", a.City)
		b = appendMember(b, "country", a.Country)
		b = slices.Delete(b, start, start+1) // the first member's comma
		b = append(b, '}')
	}
	b = appendMember(b, "headName", est.HeadName)
	b = appendMember(b, "phone", est.Phone)
	b = appendMember(b, "email", est.Email)
	e.buf = append(b, '}')
	e.flush()
}

func (e *encoder) teacher(t *lsusync.Teacher) {
	b := append(e.buf, `{"key":`...)
	b = appendKey(b, t.Key)
	b = appendMember(b, "civility", t.Civility)
	b = appendMember(b, "lastName", t.LastName)
	b = appendMember(b, "firstName", t.FirstName)
	b = appendMember(b, "numen", t.NUMEN)
	e.buf = append(b, '}')
	e.flush()
}

func (e *encoder) class(c *lsusync.Class, memo string) {
	b := append(e.buf, `{"code":`...)
	b = appendString(b, c.Code)
	b = appendMember(b, "label", c.Label)
	if len(c.Periods) > 0 {
		b = append(b, `,"periods":[`...)
		for i, p := range c.Periods {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"year":`...)
			b = strconv.AppendInt(b, int64(p.Year), 10)
			b = append(b, `,"index":`...)
			b = strconv.AppendInt(b, int64(p.Index), 10)
			b = append(b, `,"count":`...)
			b = strconv.AppendInt(b, int64(p.Count), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = appendMember(b, "memo", memo)
	e.buf = append(b, '}')
	e.flush()
}

func (e *encoder) student(s *lsusync.Student) {
	b := append(e.buf, `{"id":`...)
	b = appendString(b, s.ID)
	b = append(b, `,"class":`...)
	b = appendString(b, s.Class)
	b = appendMember(b, "ine", s.INE)
	b = appendMember(b, "lastName", s.LastName)
	b = appendMember(b, "usageName", s.UsageName)
	b = appendMember(b, "firstName", s.FirstName)
	b = appendMember(b, "firstName2", s.FirstName2)
	b = appendMember(b, "firstName3", s.FirstName3)
	if !s.BirthDate.IsZero() {
		date, err := s.BirthDate.MarshalText()
		if err != nil && e.err == nil {
			// Its value is personal data, kept out of the message.
			e.err = fmt.Errorf("pupil %s: the birth date is not a date this format can hold (the value is personal data: not shown)", s.ID)
		}
		b = append(b, `,"birthDate":`...)
		b = appendString(b, string(date))
	}
	b = appendMember(b, "sex", string(s.Sex))
	e.buf = append(b, '}')
	e.flush()
}

func (e *encoder) subject(s *lsusync.Subject) {
	b := append(e.buf, `{"code":`...)
	b = appendString(b, s.Code)
	b = appendMember(b, "label", s.Label)
	b = appendMember(b, "modality", s.Modality)
	b = appendMember(b, "nationalCode", s.NationalCode)
	e.buf = append(b, '}')
	e.flush()
}

func (e *encoder) key(k lsusync.TeacherKey) {
	e.buf = appendKey(e.buf, k)
	e.flush()
}

// bilan writes a bilan; acquis, when not nil, is its acquis list already
// encoded.
func (e *encoder) bilan(bi *lsusync.Bilan, t *tables, acquis []byte) {
	b := append(e.buf, `{"student":`...)
	b = appendString(b, bi.Student)
	b = append(b, `,"period":[`...)
	b = strconv.AppendInt(b, int64(bi.Period.Year), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(bi.Period.Index), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(bi.Period.Count), 10)
	b = append(b, ']')
	if bi.Locked {
		b = append(b, `,"locked":true`...)
	}
	if bi.Imported {
		b = append(b, `,"imported":true`...)
	}
	if len(bi.Acquis) > 0 {
		b = append(b, `,"acquis":`...)
		if acquis != nil {
			b = append(b, acquis...)
		} else {
			b = e.appendAcquis(b, t, bi)
		}
	}
	if len(bi.HeadTeachers) > 0 {
		b = append(b, `,"headTeachers":`...)
		b = t.appendKeys(b, bi.HeadTeachers)
	}
	if !bi.BilanContent.IsZero() {
		b = append(b, `,"content":`...)
		b = e.appendContent(b, &bi.BilanContent, bi, lsusync.SubjectKey{})
	}
	e.buf = append(b, '}')
	e.flush()
}

func appendKey(b []byte, k lsusync.TeacherKey) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, k.Type)
	b = append(b, `,"id":`...)
	b = appendString(b, k.ID)
	return append(b, '}')
}

// appendMember appends ,"name":"value" when value is not empty.
func appendMember(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

// appendString appends s as a JSON string, escaped as encoding/json does
// without HTML escaping: quotes, backslashes, control characters, U+2028
// and U+2029; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hex = "0123456789abcdef"
