package lsufile

import (
	"io"
	"strconv"
)

// xmlWriter writes the file through a buffer of its own, escaping the
// texts it is given, which are clean (see [clean]).
type xmlWriter struct {
	w   io.Writer
	buf []byte
	n   int64 // bytes written to w
	err error
}

const flushAt = 64 << 10

func newXMLWriter(w io.Writer) *xmlWriter {
	return &xmlWriter{w: w, buf: make([]byte, 0, flushAt+4096)}
}

// flush writes the buffer to w.
func (x *xmlWriter) flush() error {
	if x.err == nil && len(x.buf) > 0 {
		var n int
		n, x.err = x.w.Write(x.buf)
		x.n += int64(n)
	}
	x.buf = x.buf[:0]
	return x.err
}

// maybeFlush flushes a full buffer.
func (x *xmlWriter) maybeFlush() {
	if len(x.buf) >= flushAt {
		x.flush()
	}
}

func (x *xmlWriter) raw(s string) { x.buf = append(x.buf, s...) }

// line starts a line indented for depth.
func (x *xmlWriter) line(depth int) {
	x.buf = append(x.buf, '\n')
	for range depth {
		x.buf = append(x.buf, ' ', ' ')
	}
}

// open writes "<name" on a new line.
func (x *xmlWriter) open(depth int, name string) {
	x.line(depth)
	x.buf = append(x.buf, '<')
	x.buf = append(x.buf, name...)
}

// close writes "</name>" on a new line.
func (x *xmlWriter) close(depth int, name string) {
	x.line(depth)
	x.buf = append(x.buf, '<', '/')
	x.buf = append(x.buf, name...)
	x.buf = append(x.buf, '>')
}

// attr writes ` name="value"`.
func (x *xmlWriter) attr(name, value string) {
	x.buf = append(x.buf, ' ')
	x.buf = append(x.buf, name...)
	x.buf = append(x.buf, '=', '"')
	x.buf = appendEscaped(x.buf, value, true)
	x.buf = append(x.buf, '"')
}

func (x *xmlWriter) attrInt(name string, v int) {
	x.buf = append(x.buf, ' ')
	x.buf = append(x.buf, name...)
	x.buf = append(x.buf, '=', '"')
	x.buf = strconv.AppendInt(x.buf, int64(v), 10)
	x.buf = append(x.buf, '"')
}

// text writes the element name holding value, on a new line.
func (x *xmlWriter) text(depth int, name, value string) {
	x.open(depth, name)
	x.buf = append(x.buf, '>')
	x.buf = appendEscaped(x.buf, value, false)
	x.buf = append(x.buf, '<', '/')
	x.buf = append(x.buf, name...)
	x.buf = append(x.buf, '>')
}

// escapes are the bytes a text or an attribute value escapes.
var escapes = func() (t [256]uint8) {
	t['&'], t['<'], t['>'] = 1, 1, 1
	t['"'], t['\n'], t['\t'] = 2, 2, 2 // in attribute values only
	return t
}()

// appendEscaped appends s escaped for a text, or for an attribute value
// in double quotes: there a line feed and a tab are written as
// references, which attribute-value normalisation keeps, while it would
// turn the characters into spaces.
func appendEscaped(b []byte, s string, attr bool) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		e := escapes[s[i]]
		if e == 0 || e == 2 && !attr {
			continue
		}
		b = append(b, s[start:i]...)
		switch s[i] {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&quot;"...)
		case '\n':
			b = append(b, "&#10;"...)
		case '\t':
			b = append(b, "&#9;"...)
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}
