package filestore

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// The content of a bilan and of an acquis is written as the JSON form of
// lsusync.BilanContent and lsusync.AcquisContent, by encoding/json, and
// read by a decoder derived from the same types' json tags: a content
// field added to those types is written and read with no change here.

// Codecs of the content types, made once from their json tags. They are
// read-only; codecSlices numbers their codecs of slices.
var bilanContentCodec, acquisContentCodec, codecSlices = func() (*codec, *codec, int) {
	slices := 0
	b := makeCodec(reflect.TypeFor[lsusync.BilanContent](), map[reflect.Type]bool{}, &slices)
	a := makeCodec(reflect.TypeFor[lsusync.AcquisContent](), map[reflect.Type]bool{}, &slices)
	return b, a, slices
}()

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
		panic(fmt.Sprintf("filestore: recursive content type %s", t))
	}
	making[t] = true
	defer delete(making, t)
	if t.Implements(reflect.TypeFor[json.Unmarshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		panic(fmt.Sprintf("filestore: content type %s has its own UnmarshalJSON", t))
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
			panic(fmt.Sprintf("filestore: content type %s: only maps of strings to strings", t))
		}
		c.kind = kindStrings
	case reflect.Struct:
		c.kind = kindStruct
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if f.Anonymous && tag != "-" { // encoding/json promotes its fields
				panic(fmt.Sprintf("filestore: content type %s: embedded field %s", t, f.Name))
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
					panic(fmt.Sprintf("filestore: content type %s: field %s has the json option %q", t, f.Name, opt))
				}
			}
			for _, other := range c.fields {
				if strings.EqualFold(other.name, name) {
					panic(fmt.Sprintf("filestore: content type %s: members %q and %q differ only in case", t, other.name, name))
				}
			}
			c.fields = append(c.fields, field{name: name, index: i, codec: makeCodec(f.Type, making, slices)})
		}
		if len(c.fields) > 64 {
			panic(fmt.Sprintf("filestore: content type %s has more than 64 members", t))
		}
	default:
		panic(fmt.Sprintf("filestore: content type %s: kind %s", t, t.Kind()))
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
func (d *scanner) contentPath(at loc) string {
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

// readContent reads the content at d.i into v, of codec c: a JSON object
// written by encoding/json from a value of v's type, or by any writer of
// the same form. It is strict: no unknown member, none twice, members
// named exactly; at names the content in errors.
func (d *scanner) readContent(c *codec, v reflect.Value, at loc) {
	d.path = d.path[:0]
	d.readValue(c, v, at)
}

func (d *scanner) readValue(c *codec, v reflect.Value, at loc) {
	switch c.kind {
	case kindString:
		if c := d.peek(); c != '"' && c != 'n' {
			d.errorf(d.i, "%s must be a string", d.contentPath(at))
		}
		if !d.null() {
			v.SetString(d.text(d.rawString()))
		}
	case kindInt:
		start := d.i
		n := d.number(func() string { return d.contentPath(at) })
		if v.OverflowInt(int64(n)) {
			d.errorf(start, "%s: %d is out of range", d.contentPath(at), n)
		}
		v.SetInt(int64(n))
	case kindBool:
		v.SetBool(d.truth(func() string { return d.contentPath(at) }))
	case kindText:
		if d.null() {
			return
		}
		start := d.i
		if d.peek() != '"' {
			d.errorf(start, "%s must be a string", d.contentPath(at))
		}
		s := d.rawString()
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(s); err != nil {
			d.errorf(start, "%s: %v", d.contentPath(at), err)
		}
	case kindPointer:
		if d.null() {
			v.SetZero()
			return
		}
		p := reflect.New(c.elem.typ)
		d.readValue(c.elem, p.Elem(), at)
		v.Set(p)
	case kindSlice:
		if d.null() {
			v.SetZero()
			return
		}
		if d.peek() != '[' {
			d.errorf(d.i, "%s must be an array", d.contentPath(at))
		}
		// A short array met before, byte for byte, was read then: its
		// slice is shared, as the records never change. The pupils of a
		// class share their éléments de programme, a pupil's bilans
		// their responsables.
		if d.shared == nil {
			d.shared = make([]map[string]reflect.Value, codecSlices)
		}
		start := d.i
		var raw []byte
		if end, ok := valueEnd(d.b, start); ok && end-start <= shareMax {
			raw = d.b[start:end]
			if shared, hit := d.shared[c.slot][string(raw)]; hit {
				v.Set(shared)
				d.i = end
				return
			}
		}
		// The elements are read into a scratch slice, then copied into
		// one of their number.
		if d.scratch == nil {
			d.scratch = make([]reflect.Value, codecSlices)
		}
		scratch := d.scratch[c.slot]
		if !scratch.IsValid() {
			scratch = reflect.MakeSlice(c.typ, 0, 4)
		}
		n := 0
		d.path = append(d.path, pathElem{})
		d.array("", func(k int) {
			d.path[len(d.path)-1].index = k
			if n == scratch.Len() {
				scratch = reflect.Append(scratch, reflect.Zero(c.elem.typ))
			}
			e := scratch.Index(n)
			e.SetZero()
			d.readValue(c.elem, e, at)
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
		if d.peek() != '{' && d.peek() != 'n' {
			d.errorf(d.i, "%s must be an object", d.contentPath(at))
		}
		var m map[string]string
		d.object("", func(key []byte, off int) {
			if m == nil {
				m = make(map[string]string)
			}
			if _, dup := m[string(key)]; dup {
				d.errorf(off, "%s: member %q twice", d.contentPath(at), key)
			}
			k := d.text(key)
			if c := d.peek(); c != '"' && c != 'n' {
				d.path = append(d.path, pathElem{name: k})
				d.errorf(d.i, "%s must be a string", d.contentPath(at))
			}
			m[k] = ""
			if !d.null() {
				m[k] = d.text(d.rawString())
			}
		})
		if m == nil {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(m))
		}
	case kindStruct:
		if d.peek() != '{' && d.peek() != 'n' {
			d.errorf(d.i, "%s must be an object", d.contentPath(at))
		}
		var seen uint64
		next := 0 // the members come in the order of the Go type, as encoding/json writes them
		d.object("", func(key []byte, off int) {
			for k := range c.fields {
				n := (next + k) % len(c.fields)
				f := &c.fields[n]
				if string(key) != f.name {
					continue
				}
				if seen&(1<<n) != 0 {
					d.errorf(off, "%s: member %q twice", d.contentPath(at), key)
				}
				seen |= 1 << n
				next = n + 1
				d.path = append(d.path, pathElem{name: f.name})
				d.readValue(f.codec, v.Field(f.index), at)
				d.path = d.path[:len(d.path)-1]
				return
			}
			d.errorf(off, "%s: unknown member %q", d.contentPath(at), key)
		})
	}
}

// text returns s as a string. The texts of the contents are made in
// chunks of arenaSize bytes, each one allocation holding many texts: the
// contents of a bilan hold dozens. A short text met before is the string
// made then: the contents repeat many (éléments de programme, averages,
// the signatory, the responsables of a pupil in each of their bilans).
func (d *scanner) text(s []byte) string {
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
func (d *scanner) arenaText(s []byte) string {
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

// contentEncoder writes contents as encoding/json does, without escaping
// HTML (as appendString does not), reusing one buffer.
type contentEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newContentEncoder() *contentEncoder {
	c := &contentEncoder{}
	c.enc = json.NewEncoder(&c.buf)
	c.enc.SetEscapeHTML(false)
	return c
}

// appendContent appends the JSON form of v, a pointer to a content.
func (c *contentEncoder) append(b []byte, v any) ([]byte, error) {
	c.buf.Reset()
	if err := c.enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(c.buf.Bytes(), []byte{'\n'})...), nil
}
