package gen

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/lsusync/lsusync"
	"golang.org/x/text/encoding/charmap"
)

// xmlWriter streams an indented XML document, two spaces per level and LF
// line ends as in real exports, in ISO-8859-15 or UTF-8. The first error
// sticks; every method is then a no-op.
type xmlWriter struct {
	w     *bufio.Writer
	utf8  bool
	bee   bool // BEE style empty elements: <X></X>; STS style: <X/>
	depth int
	path  []string // open elements, for error messages
	err   error
	n     int64 // bytes written
}

const indentSpaces = "                                                                "

func newXMLWriter(w io.Writer, utf8, bee bool) *xmlWriter {
	return &xmlWriter{w: bufio.NewWriterSize(w, 256<<10), utf8: utf8, bee: bee}
}

// header writes the XML declaration.
func (x *xmlWriter) header() {
	enc := "ISO-8859-15"
	if x.utf8 {
		enc = "UTF-8"
	}
	x.raw(`<?xml version="1.0" encoding="` + enc + `"?>` + "\n")
}

func (x *xmlWriter) raw(s string) {
	if x.err != nil {
		return
	}
	n, err := x.w.WriteString(s)
	x.n += int64(n)
	x.err = err
}

func (x *xmlWriter) byte(b byte) {
	if x.err != nil {
		return
	}
	x.err = x.w.WriteByte(b)
	x.n++
}

func (x *xmlWriter) indent() {
	d := 2 * x.depth
	for d > len(indentSpaces) {
		x.raw(indentSpaces)
		d -= len(indentSpaces)
	}
	x.raw(indentSpaces[:d])
}

// open writes a start tag with attributes given as name, value pairs.
func (x *xmlWriter) open(name string, attrs ...string) {
	x.indent()
	x.startTag(name, attrs)
	x.raw(">\n")
	x.depth++
	x.path = append(x.path, name)
}

func (x *xmlWriter) startTag(name string, attrs []string) {
	x.byte('<')
	x.raw(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.byte(' ')
		x.raw(attrs[i])
		x.raw(`="`)
		x.escape(attrs[i], attrs[i+1], true)
		x.byte('"')
	}
}

// close writes the end tag of the innermost open element.
func (x *xmlWriter) close() {
	x.depth--
	name := x.path[len(x.path)-1]
	x.path = x.path[:len(x.path)-1]
	x.indent()
	x.raw("</")
	x.raw(name)
	x.raw(">\n")
}

// leaf writes a text-only element; an empty value gives an empty element.
func (x *xmlWriter) leaf(name, value string, attrs ...string) {
	x.indent()
	x.startTag(name, attrs)
	if value == "" {
		if x.bee {
			x.raw("></")
			x.raw(name)
			x.raw(">\n")
		} else {
			x.raw("/>\n")
		}
		return
	}
	x.byte('>')
	x.escape(name, value, false)
	x.raw("</")
	x.raw(name)
	x.raw(">\n")
}

// opt writes a leaf only when value is not empty.
func (x *xmlWriter) opt(name, value string) {
	if value != "" {
		x.leaf(name, value)
	}
}

// int writes an element holding a decimal integer.
func (x *xmlWriter) int(name string, v int) {
	x.indent()
	x.byte('<')
	x.raw(name)
	x.byte('>')
	if x.err == nil {
		buf := strconv.AppendInt(x.w.AvailableBuffer(), int64(v), 10)
		n, err := x.w.Write(buf)
		x.n += int64(n)
		x.err = err
	}
	x.raw("</")
	x.raw(name)
	x.raw(">\n")
}

// beeDate writes a DD/MM/YYYY date element, or nothing for the zero Date.
func (x *xmlWriter) beeDate(name string, d lsusync.Date) {
	if d.IsZero() {
		return
	}
	x.indent()
	x.byte('<')
	x.raw(name)
	x.byte('>')
	if x.err == nil {
		b := frDateBytes(d)
		buf := append(x.w.AvailableBuffer(), b[:]...)
		n, err := x.w.Write(buf)
		x.n += int64(n)
		x.err = err
	}
	x.raw("</")
	x.raw(name)
	x.raw(">\n")
}

// stsDate writes a YYYY-MM-DD date element, or nothing for the zero Date.
func (x *xmlWriter) stsDate(name string, d lsusync.Date) {
	if !d.IsZero() {
		x.leaf(name, d.String())
	}
}

func frDateBytes(d lsusync.Date) [10]byte {
	var b [10]byte
	put2 := func(i, v int) { b[i], b[i+1] = byte('0'+v/10%10), byte('0'+v%10) }
	put2(0, d.Day)
	b[2] = '/'
	put2(3, int(d.Month))
	b[5] = '/'
	put2(6, d.Year/100)
	put2(8, d.Year%100)
	return b
}

// escape writes s escaped and encoded: & < > " ' as entities, and the
// white space that XML parsers would normalise as character references
// (CR everywhere, tab and LF in attributes), so that a parser reads back
// exactly s. A character that XML 1.0 forbids, or that ISO-8859-15
// cannot encode, is an error naming the element or attribute and the
// character, never the whole value.
func (x *xmlWriter) escape(name, s string, attr bool) {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' {
			i++
			continue
		}
		x.raw(s[start:i])
		if c < utf8.RuneSelf {
			switch c {
			case '&':
				x.raw("&amp;")
			case '<':
				x.raw("&lt;")
			case '>':
				x.raw("&gt;")
			case '"':
				x.raw("&quot;")
			case '\'':
				x.raw("&apos;")
			case '\r':
				x.raw("&#xD;")
			case '\t', '\n':
				if attr {
					x.raw("&#x" + strconv.FormatInt(int64(c), 16) + ";")
				} else {
					x.byte(c)
				}
			default:
				x.fail(name, rune(c), "is not allowed in XML")
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			x.fail(name, r, "is invalid UTF-8")
		case x.utf8:
			if r == 0xFFFE || r == 0xFFFF {
				x.fail(name, r, "is not allowed in XML")
			}
			x.raw(s[i : i+size])
		default:
			b, ok := charmap.ISO8859_15.EncodeRune(r)
			if !ok || b < 0xA0 {
				x.fail(name, r, "cannot be encoded in ISO-8859-15")
			}
			x.byte(b)
		}
		i += size
		start = i
	}
	x.raw(s[start:])
}

func (x *xmlWriter) fail(elem string, r rune, why string) {
	if x.err == nil {
		x.err = fmt.Errorf("element %s: character %U %s", elem, r, why)
	}
}

// flush flushes the buffer and returns the first error.
func (x *xmlWriter) flush() error {
	if x.err == nil {
		x.err = x.w.Flush()
	}
	return x.err
}
