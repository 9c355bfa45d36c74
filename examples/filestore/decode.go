package filestore

import (
	"fmt"
	"io"
	"strconv"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/internal/jsonscan"
)

// decode reads a whole store file of any version this package reads
// (see FORMAT.md), and checks that only white space follows the store
// object. Files of versions 2 and 3 are read here, the bytes once; the
// bilans that share an acquis list, or a list of professeurs principaux,
// share one decoded copy. Their records are read without reflection, the
// contents of version 3 by the codecs of their types (internal/jsonscan). A
// file of version 1 is read by v1, from its beginning.
func (d *scanner) decode(v1 func() (lsusync.Snapshot, error)) (snap lsusync.Snapshot, memos map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case *decodeError:
				err = e
			case *jsonscan.Error:
				err = &decodeError{offset: e.Offset, syntax: e.Syntax, err: e.Err}
			case jsonscan.ReadError:
				err = e.Err
			default:
				panic(r)
			}
			snap, memos = lsusync.Snapshot{}, nil
		}
	}()
	d.Fill()
	d.version = d.header()
	if d.version == 1 {
		snap, err = v1()
		return snap, nil, err
	}
	d.memos = make(map[string]string)
	d.data(&snap)
	d.WS()
	d.Expect('}', "the end of the store object")
	d.WS()
	if d.I < len(d.B) {
		d.Errorf(d.I, "trailing data after the store object")
	}
	if d.progress != nil {
		d.progress(d.Size, d.Size)
	}
	return snap, d.memos, nil
}

// header reads the members "format" and "version" and the key "data" of
// a store file, and returns the version.
func (d *scanner) header() (version int) {
	if c := d.Peek(); c != '{' {
		if c == 0 || c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' || c == '-' || ('0' <= c && c <= '9') {
			if c == 0 {
				d.Syntax("a value")
			}
			d.Errorf(d.I, "the file must begin with a JSON object")
		}
		d.Syntax("the beginning of a value")
	}
	d.I++
	key := func(want, nth string) {
		d.Record()
		at := d.I
		if d.Peek() != '"' {
			d.Syntax("an object key")
		}
		if k := d.RawString(); string(k) != want {
			d.Errorf(at, "the %s member must be %q, not %q", nth, want, k)
		}
		d.Expect(':', "':' after an object key")
	}
	key("format", "first")
	d.Record()
	at := d.I
	if f := d.Str(); f != Format {
		d.Errorf(at, "format %q, want %q: not an lsusync store file", f, Format)
	}
	d.Expect(',', "',' after an object member")
	key("version", "second")
	d.Record()
	at = d.I
	version = d.integer(loc{"version", -1, ""})
	if version > Version {
		panic(&decodeError{offset: d.Base + int64(d.I), err: fmt.Errorf("%w: version %d; this program reads versions up to %d: update it", ErrVersion, version, Version)})
	}
	if version < 1 {
		d.Errorf(at, "version %d, want 1 to %d", version, Version)
	}
	d.Expect(',', "',' after an object member")
	key("data", "third")
	d.WS()
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

// scanner reads a store file: a jsonscan.Scanner of the file, which
// reads each record in the window whole, and what decode knows of the
// records read so far. Its methods panic with a *jsonscan.Error, a
// *decodeError or a jsonscan.ReadError, which decode recovers.
type scanner struct {
	jsonscan.Scanner
	version int // of the file

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
	next     int64 // the offset of the next call of progress
}

// newScanner returns a scanner of the whole input b.
func newScanner(b []byte) *scanner {
	return &scanner{Scanner: shared(jsonscan.NewScanner(b, ErrCorrupt))}
}

// newFileScanner returns a scanner of r, of size bytes, which reads it a
// window at a time.
func newFileScanner(r io.Reader, size int64) *scanner {
	return &scanner{Scanner: shared(jsonscan.NewFileScanner(r, size, ErrCorrupt))}
}

// shared returns s sharing the slices of equal short arrays: the decoded
// snapshot is read only, its store returning copies.
func shared(s jsonscan.Scanner) jsonscan.Scanner {
	s.Share = true
	return s
}

// advance calls the progress function every progressStep bytes.
func (d *scanner) advance() {
	if at := d.Base + int64(d.I); d.progress != nil && at >= d.next {
		d.progress(at, d.Size)
		d.next = at + progressStep
	}
}

// once records a member in seen and refuses it twice.
func (d *scanner) once(seen *uint32, bit uint, key []byte, off int, what loc) {
	if *seen&(1<<bit) != 0 {
		d.Errorf(off, "%v: member %q twice", what, key)
	}
	*seen |= 1 << bit
}

func (d *scanner) unknown(key []byte, off int, what loc) {
	d.Errorf(off, "%v: unknown member %q", what, key)
}

// boolean reads true, false or null.
func (d *scanner) boolean(what loc) bool { return d.Truth(what.String) }

// integer reads a JSON number that is an integer, or null as 0.
func (d *scanner) integer(what loc) int { return d.Number(what.String) }

// data reads the "data" object.
func (d *scanner) data(s *lsusync.Snapshot) {
	var seen uint32
	names := [...]string{"establishment", "teachers", "classes", "students", "subjects", "teacherKeys", "bilans"}
	d.Members(`"data"`, func(key string, keyAt int64) {
		bit := -1
		for n, name := range names {
			if key == name {
				bit = n
			}
		}
		if bit < 0 {
			d.ErrorAt(keyAt, "unknown member %q of \"data\"", key)
		}
		if seen&(1<<bit) != 0 {
			d.ErrorAt(keyAt, "member %q of \"data\" appears twice", key)
		}
		seen |= 1 << bit
		switch bit {
		case 0:
			d.Record()
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
					d.ErrorAt(keyAt, `"subjects" and "teacherKeys" must come before "bilans"`)
				}
				s.Bilans = append(s.Bilans, lsusync.Bilan{})
				d.bilan(n, &s.Bilans[len(s.Bilans)-1])
				d.advance()
			})
		}
	})
}

// records reads an array of records, or null, calling elem for each
// record once it is in the window.
func (d *scanner) records(what string, elem func(n int)) {
	d.Array(what, func(n int) {
		d.Record()
		elem(n)
	})
}

func (d *scanner) establishment(e *lsusync.Establishment) {
	var seen uint32
	const what = "establishment"
	at := loc{what, -1, ""}
	d.Object(what, func(key []byte, off int) {
		switch string(key) {
		case "uai":
			d.once(&seen, 0, key, off, at)
			e.UAI = d.Str()
		case "name":
			d.once(&seen, 1, key, off, at)
			e.Name = d.Str()
		case "address":
			d.once(&seen, 2, key, off, at)
			d.address(&e.Address)
		case "headName":
			d.once(&seen, 3, key, off, at)
			e.HeadName = d.Str()
		case "phone":
			d.once(&seen, 4, key, off, at)
			e.Phone = d.Str()
		case "email":
			d.once(&seen, 5, key, off, at)
			e.Email = d.Str()
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
	d.Object(what, func(key []byte, off int) {
		for n, name := range names {
			if string(key) == name {
				d.once(&seen, uint(n), key, off, at)
				*fields[n] = d.Str()
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
	d.Object(what, func(key []byte, off int) {
		switch string(key) {
		case "type":
			d.once(&seen, 0, key, off, at)
			k.Type = d.Str()
		case "id":
			d.once(&seen, 1, key, off, at)
			k.ID = d.Str()
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
	d.Object(what, func(key []byte, off int) {
		switch string(key) {
		case "key":
			d.once(&seen, 0, key, off, at)
			t.Key = d.key(what + ".key")
		case "civility":
			d.once(&seen, 1, key, off, at)
			t.Civility = d.Str()
		case "lastName":
			d.once(&seen, 2, key, off, at)
			t.LastName = d.Str()
		case "firstName":
			d.once(&seen, 3, key, off, at)
			t.FirstName = d.Str()
		case "numen":
			d.once(&seen, 4, key, off, at)
			t.NUMEN = d.Str()
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
	d.Object(what, func(key []byte, off int) {
		switch string(key) {
		case "code":
			d.once(&seen, 0, key, off, at)
			c.Code = d.Str()
		case "label":
			d.once(&seen, 1, key, off, at)
			c.Label = d.Str()
		case "periods":
			d.once(&seen, 2, key, off, at)
			d.Array(what+".periods", func(int) { c.Periods = append(c.Periods, d.period(what)) })
		case "memo":
			d.once(&seen, 3, key, off, at)
			memo = d.Str()
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
	d.Object(what, func(key []byte, off int) {
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
	d.Object(what, func(key []byte, off int) {
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
			*field = d.Str()
			return
		}
		start := d.I
		if err := s.BirthDate.UnmarshalText([]byte(d.Str())); err != nil {
			// Its value is personal data, kept out of the message.
			d.Errorf(start, "students[%d]: invalid birthDate, want YYYY-MM-DD (the value is personal data: not shown)", n)
		}
	})
	return s
}

func (d *scanner) subject(n int) lsusync.Subject {
	var s lsusync.Subject
	var seen uint32
	what := fmt.Sprintf("subjects[%d]", n)
	at := loc{"subjects", n, ""}
	d.Object(what, func(key []byte, off int) {
		switch string(key) {
		case "code":
			d.once(&seen, 0, key, off, at)
			s.Code = d.Str()
		case "label":
			d.once(&seen, 1, key, off, at)
			s.Label = d.Str()
		case "modality":
			d.once(&seen, 2, key, off, at)
			s.Modality = d.Str()
		case "nationalCode":
			if d.version < 3 {
				d.unknown(key, off, at)
			}
			d.once(&seen, 3, key, off, at)
			s.NationalCode = d.Str()
		default:
			d.unknown(key, off, at)
		}
	})
	return s
}

// ref reads the number of an entry of a table of n entries.
func (d *scanner) ref(n int, table string, what loc) int {
	off := d.I
	k := d.integer(what)
	if k < 0 || k >= n {
		d.Errorf(off, "%s: %d is not the number of an entry of %q", what, k, table)
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
	d.Object(what, func(key []byte, off int) {
		switch string(key) {
		case "student":
			d.once(&seen, 0, key, off, at)
			id := d.RawString()
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
			d.Array(what, func(i int) {
				if i < 3 {
					p[i] = d.integer(pat)
				}
				k++
			})
			if k != 3 {
				d.Errorf(off, "%v must be [year, index, count]", pat)
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
				jsonscan.Read(&d.Scanner, &b.BilanContent, at.with("content"), nil)
			}
		default:
			d.unknown(key, off, at)
		}
	})
}

// acquisList reads the acquis of bilan n. A list without content that
// another bilan has already is that bilan's list.
func (d *scanner) acquisList(n int) []lsusync.Acquis {
	d.WS()
	start := d.I
	// A list read before, byte for byte, was checked then: it is found
	// without being read again.
	if end, ok := d.plainExtent(); ok {
		if as, hit := d.acquis[string(d.B[start:end])]; hit {
			d.I = end
			return as
		}
	}
	// Each acquis gives -1, its subject's number and its teachers'
	// numbers in d.refs, and its content in d.contents.
	d.refs = d.refs[:0]
	d.contents = d.contents[:0]
	plain := true
	at := loc{"bilans", n, "acquis"}
	d.Array("an acquis list", func(int) {
		mark := len(d.refs)
		d.refs = append(d.refs, -1, -1)
		if d.Peek() != '[' {
			plain = false
			d.contents = append(d.contents, d.acquis1(n, mark))
			return
		}
		d.contents = append(d.contents, lsusync.AcquisContent{})
		d.Array("", func(k int) {
			if k == 0 {
				d.refs[mark+1] = d.ref(len(d.subjects), "subjects", at)
			} else {
				d.refs = append(d.refs, d.ref(len(d.keys), "teacherKeys", at))
			}
		})
		if d.refs[mark+1] == -1 {
			d.Errorf(d.I-1, "%v: an acquis without its subject", at)
		}
	})
	if !plain {
		return d.buildAcquis(d.refs, d.contents)
	}
	// Without content, a list seen before, byte for byte, is shared.
	raw := d.B[start:d.I]
	if as, ok := d.acquis[string(raw)]; ok {
		return as
	}
	as := d.buildAcquis(d.refs, nil)
	d.acquis[string(raw)] = as
	return as
}

// plainExtent returns the end of the array at d.I when it holds only
// numbers and arrays of numbers, as the acquis lists without content and
// the lists of professeurs principaux do, and false otherwise. It checks
// nothing else: a list found this way is used only when it is, byte for
// byte, one read and checked before.
func (d *scanner) plainExtent() (int, bool) {
	if d.I >= len(d.B) || d.B[d.I] != '[' {
		return 0, false
	}
	depth := 0
	for j := d.I; j < len(d.B); j++ {
		switch d.B[j] {
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
	d.Object(what, func(key []byte, off int) {
		switch string(key) {
		case "subject":
			d.once(&seen, 0, key, off, at)
			d.refs[mark+1] = d.ref(len(d.subjects), "subjects", at)
		case "teachers":
			d.once(&seen, 1, key, off, at)
			d.Array(what, func(int) {
				d.refs = append(d.refs, d.ref(len(d.keys), "teacherKeys", at.with("teachers")))
			})
		case "content":
			d.once(&seen, 2, key, off, at)
			if d.version < 3 {
				a.Content = d.content(what)
			} else {
				jsonscan.Read(&d.Scanner, &a, at.with("content"), nil)
			}
		case "appreciation": // versions 1 and 2: in the content since
			d.legacy(key, off, at)
			d.once(&seen, 3, key, off, at)
			a.Appreciation = d.Str()
		case "average":
			d.legacy(key, off, at)
			d.once(&seen, 4, key, off, at)
			a.Average = d.Str()
		case "positioning":
			d.legacy(key, off, at)
			d.once(&seen, 5, key, off, at)
			positioning, positioningAt = d.Str(), off
		default:
			d.unknown(key, off, at)
		}
	})
	if d.refs[mark+1] == -1 {
		d.Errorf(d.I-1, "%v: an acquis without its subject", at)
	}
	if err := legacyPositioning(positioning, &a); err != nil {
		d.Errorf(positioningAt, "%v: %v", at, err)
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
	d.WS()
	start := d.I
	if end, ok := d.plainExtent(); ok {
		if ks, hit := d.heads[string(d.B[start:end])]; hit {
			d.I = end
			return ks
		}
	}
	d.refs = d.refs[:0]
	d.Array("headTeachers", func(int) {
		d.refs = append(d.refs, d.ref(len(d.keys), "teacherKeys", loc{"bilans", n, "headTeachers"}))
	})
	raw := d.B[start:d.I]
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
	d.Object(what, func(key []byte, off int) {
		if m == nil {
			m = make(map[string]string)
		}
		k := string(key)
		if _, dup := m[k]; dup {
			d.Errorf(off, "%s: member %q twice", what, key)
		}
		m[k] = d.Str()
	})
	return m
}
