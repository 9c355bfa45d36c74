package jsonscan

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// The codecs of the types Read reads, made once from their json tags, so
// that a field added to those types is read with no change here. They are
// read-only; slots numbers their codecs of slices.
var codecs, slots = func() (map[reflect.Type]*codec, int) {
	m := make(map[reflect.Type]*codec)
	slots := 0
	for _, t := range []reflect.Type{
		reflect.TypeFor[lsusync.BilanContent](),
		reflect.TypeFor[lsusync.AcquisContent](),
		reflect.TypeFor[lsusync.SubjectKey](),
	} {
		m[t] = makeCodec(t, map[reflect.Type]bool{}, &slots)
	}
	return m, slots
}()

// MemberNames returns the JSON names of the members of T's form, and of the
// members of its members, as "schoolLife.late": what a format reading T
// documents.
func MemberNames[T any]() []string {
	var names []string
	var walk func(prefix string, c *codec)
	walk = func(prefix string, c *codec) {
		for c.kind == kindPointer || c.kind == kindSlice {
			c = c.elem
		}
		for _, f := range c.fields {
			names = append(names, prefix+f.name)
			walk(prefix+f.name+".", f.codec)
		}
	}
	walk("", codecs[reflect.TypeFor[T]()])
	return names
}

// codecKind is the kind of JSON value a codec reads.
type codecKind int

const (
	kindString codecKind = iota + 1
	kindInt
	kindBool
	kindText    // a JSON string read by the type's UnmarshalText: lsusync.Date
	kindPointer // null, or the value of elem
	kindSlice   // an array of elem
	kindStruct  // an object of fields
	kindStrings // an object of strings: map[string]string
)

// codec reads the JSON form of one Go type, as encoding/json writes it,
// into a value of that type.
type codec struct {
	kind   codecKind
	typ    reflect.Type
	elem   *codec  // kindPointer, kindSlice
	fields []field // kindStruct, in the order of the Go type
	slot   int     // kindSlice: the number of its scratch slice
}

// field is a member of an object.
type field struct {
	name  string // the JSON name
	index int    // of the Go field
	codec *codec
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// newCodec returns the codec of t. It panics on a type whose JSON form it
// does not read exactly as encoding/json does: a test makes every codec,
// so that a field of such a type cannot be added unnoticed.
func newCodec(t reflect.Type) *codec {
	var slices int
	return makeCodec(t, map[reflect.Type]bool{}, &slices)
}

func makeCodec(t reflect.Type, making map[reflect.Type]bool, slices *int) *codec {
	if making[t] {
		panic(fmt.Sprintf("jsonscan: recursive content type %s", t))
	}
	making[t] = true
	defer delete(making, t)
	if t.Implements(reflect.TypeFor[json.Unmarshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		panic(fmt.Sprintf("jsonscan: content type %s has its own UnmarshalJSON", t))
	}
	c := &codec{typ: t}
	switch {
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		c.kind = kindText
		return c
	}
	switch t.Kind() {
	case reflect.String:
		c.kind = kindString
	case reflect.Int:
		c.kind = kindInt
	case reflect.Bool:
		c.kind = kindBool
	case reflect.Pointer:
		c.kind, c.elem = kindPointer, makeCodec(t.Elem(), making, slices)
	case reflect.Slice:
		c.kind, c.elem, c.slot = kindSlice, makeCodec(t.Elem(), making, slices), *slices
		*slices++
	case reflect.Map:
		if t.Key().Kind() != reflect.String || t.Elem().Kind() != reflect.String {
			panic(fmt.Sprintf("jsonscan: content type %s: only maps of strings to strings", t))
		}
		c.kind = kindStrings
	case reflect.Struct:
		c.kind = kindStruct
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if f.Anonymous && tag != "-" { // encoding/json promotes its fields
				panic(fmt.Sprintf("jsonscan: content type %s: embedded field %s", t, f.Name))
			}
			if !f.IsExported() || tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			for opt := range strings.SplitSeq(opts, ",") {
				if opt != "" && opt != "omitempty" && opt != "omitzero" {
					panic(fmt.Sprintf("jsonscan: content type %s: field %s has the json option %q", t, f.Name, opt))
				}
			}
			for _, other := range c.fields {
				if strings.EqualFold(other.name, name) {
					panic(fmt.Sprintf("jsonscan: content type %s: members %q and %q differ only in case", t, other.name, name))
				}
			}
			c.fields = append(c.fields, field{name: name, index: i, codec: makeCodec(f.Type, making, slices)})
		}
		if len(c.fields) > 64 {
			panic(fmt.Sprintf("jsonscan: content type %s has more than 64 members", t))
		}
	default:
		panic(fmt.Sprintf("jsonscan: content type %s: kind %s", t, t.Kind()))
	}
	return c
}

// pathElem is a step of the place of a value in a content, for errors: a
// member's name, or an array's index when name is "".
type pathElem struct {
	name  string
	index int
}

// contentPath formats the place of the value the scanner reads, under
// at: bilans[3].content.schoolLife.late.
func contentPath[L fmt.Stringer](d *Scanner, at L) string {
	var b strings.Builder
	b.WriteString(at.String())
	for _, p := range d.path {
		if p.name == "" {
			b.WriteString("[" + strconv.Itoa(p.index) + "]")
		} else {
			b.WriteString("." + p.name)
		}
	}
	return b.String()
}

// Read reads the value at d.I into v: a JSON value written by
// encoding/json from a value of v's type, or by any writer of the same
// form, which encoding/json reads as the same value. It is strict: no
// unknown member, none twice, members named exactly; at names the value
// in errors. T is lsusync.BilanContent, lsusync.AcquisContent or
// lsusync.SubjectKey.
//
// When extra is not nil, a member of the object that T has not is given
// to extra, with the scanner at its value: extra reads the value and
// returns true, or returns false for an unknown member.
func Read[T any, L fmt.Stringer](d *Scanner, v *T, at L, extra func(key []byte) bool) {
	c, ok := codecs[reflect.TypeFor[T]()]
	if !ok {
		panic(fmt.Sprintf("jsonscan: no codec for %s", reflect.TypeFor[T]()))
	}
	d.path = d.path[:0]
	readValue(d, c, reflect.ValueOf(v).Elem(), at, extra)
}

func readValue[L fmt.Stringer](d *Scanner, c *codec, v reflect.Value, at L, extra func(key []byte) bool) {
	switch c.kind {
	case kindString:
		if c := d.Peek(); c != '"' && c != 'n' {
			d.Errorf(d.I, "%s must be a string", contentPath(d, at))
		}
		if !d.Null() {
			v.SetString(d.Text(d.RawString()))
		}
	case kindInt:
		start := d.I
		n := d.Number(func() string { return contentPath(d, at) })
		if v.OverflowInt(int64(n)) {
			d.Errorf(start, "%s: %d is out of range", contentPath(d, at), n)
		}
		v.SetInt(int64(n))
	case kindBool:
		v.SetBool(d.Truth(func() string { return contentPath(d, at) }))
	case kindText:
		if d.Null() {
			return
		}
		start := d.I
		if d.Peek() != '"' {
			d.Errorf(start, "%s must be a string", contentPath(d, at))
		}
		s := d.RawString()
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(s); err != nil {
			d.Errorf(start, "%s: %v", contentPath(d, at), err)
		}
	case kindPointer:
		if d.Null() {
			v.SetZero()
			return
		}
		p := reflect.New(c.elem.typ)
		readValue(d, c.elem, p.Elem(), at, nil)
		v.Set(p)
	case kindSlice:
		if d.Null() {
			v.SetZero()
			return
		}
		if d.Peek() != '[' {
			d.Errorf(d.I, "%s must be an array", contentPath(d, at))
		}
		// With Share, a short array met before, byte for byte, was read
		// then: its slice is shared. The pupils of a class share their
		// éléments de programme, a pupil's bilans their responsables.
		if d.Share && d.shared == nil {
			d.shared = make([]map[string]reflect.Value, slots)
		}
		start := d.I
		var raw []byte
		if end, ok := ValueEnd(d.B, start); d.Share && ok && end-start <= shareMax {
			raw = d.B[start:end]
			if shared, hit := d.shared[c.slot][string(raw)]; hit {
				v.Set(shared)
				d.I = end
				return
			}
		}
		// The elements are read into a scratch slice, then copied into
		// one of their number.
		if d.scratch == nil {
			d.scratch = make([]reflect.Value, slots)
		}
		scratch := d.scratch[c.slot]
		if !scratch.IsValid() {
			scratch = reflect.MakeSlice(c.typ, 0, 4)
		}
		n := 0
		d.path = append(d.path, pathElem{})
		d.Array("", func(k int) {
			d.path[len(d.path)-1].index = k
			if n == scratch.Len() {
				scratch = reflect.Append(scratch, reflect.Zero(c.elem.typ))
			}
			e := scratch.Index(n)
			e.SetZero()
			readValue(d, c.elem, e, at, nil)
			n++
		})
		d.path = d.path[:len(d.path)-1]
		d.scratch[c.slot] = scratch
		if n == 0 {
			v.SetZero()
			return
		}
		out := reflect.MakeSlice(c.typ, n, n)
		reflect.Copy(out, scratch)
		v.Set(out)
		if raw != nil && d.sharedCount < shareCap {
			if d.shared[c.slot] == nil {
				d.shared[c.slot] = make(map[string]reflect.Value)
			}
			d.shared[c.slot][string(raw)] = out
			d.sharedCount++
		}
	case kindStrings:
		if d.Peek() != '{' && d.Peek() != 'n' {
			d.Errorf(d.I, "%s must be an object", contentPath(d, at))
		}
		var m map[string]string
		d.Object("", func(key []byte, off int) {
			if m == nil {
				m = make(map[string]string)
			}
			if _, dup := m[string(key)]; dup {
				d.Errorf(off, "%s: member %q twice", contentPath(d, at), key)
			}
			k := d.Text(key)
			if c := d.Peek(); c != '"' && c != 'n' {
				d.path = append(d.path, pathElem{name: k})
				d.Errorf(d.I, "%s must be a string", contentPath(d, at))
			}
			m[k] = ""
			if !d.Null() {
				m[k] = d.Text(d.RawString())
			}
		})
		if m == nil {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(m))
		}
	case kindStruct:
		if d.Peek() != '{' && d.Peek() != 'n' {
			d.Errorf(d.I, "%s must be an object", contentPath(d, at))
		}
		var seen uint64
		next := 0 // the members come in the order of the Go type, as encoding/json writes them
		d.Object("", func(key []byte, off int) {
			for k := range c.fields {
				n := (next + k) % len(c.fields)
				f := &c.fields[n]
				if string(key) != f.name {
					continue
				}
				if seen&(1<<n) != 0 {
					d.Errorf(off, "%s: member %q twice", contentPath(d, at), key)
				}
				seen |= 1 << n
				next = n + 1
				d.path = append(d.path, pathElem{name: f.name})
				readValue(d, f.codec, v.Field(f.index), at, nil)
				d.path = d.path[:len(d.path)-1]
				return
			}
			if extra != nil && extra(key) {
				return
			}
			d.Errorf(off, "%s: unknown member %q", contentPath(d, at), key)
		})
	}
}

// Text returns s as a string. The texts of the contents are made in
// chunks of arenaSize bytes, each one allocation holding many texts: the
// contents of a bilan hold dozens. A short text met before is the string
// made then: the contents repeat many (éléments de programme, averages,
// the signatory, the responsables of a pupil in each of their bilans).
func (d *Scanner) Text(s []byte) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) <= internMax {
		if t, ok := d.interned[string(s)]; ok {
			return t
		}
		if d.interned == nil {
			d.interned = make(map[string]string)
		}
		if len(d.interned) < internCap {
			t := d.arenaText(s)
			d.interned[t] = t
			return t
		}
	}
	return d.arenaText(s)
}

// The texts text shares: those of at most internMax bytes, the first
// internCap of them, so that a file of texts all different costs a
// bounded map.
const (
	internMax = 160
	internCap = 1 << 18
)

// The arrays of contents that are shared: those of at most shareMax
// bytes, the first shareCap of them.
const (
	shareMax = 1 << 10
	shareCap = 1 << 17
)

// arenaSize is the size of a chunk of texts; a text of more than a
// quarter of it is allocated on its own.
const arenaSize = 32 << 10

// arenaText returns s as a string of the current chunk of texts.
func (d *Scanner) arenaText(s []byte) string {
	if len(s) > arenaSize/4 {
		return string(s)
	}
	if d.arena.Cap()-d.arena.Len() < len(s) {
		d.arena = strings.Builder{}
		d.arena.Grow(arenaSize)
	}
	start := d.arena.Len()
	d.arena.Write(s)
	return d.arena.String()[start:] // bytes the builder never writes again
}
