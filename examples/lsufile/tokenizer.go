package lsufile

import (
	"bytes"
	"context"
	"io"
	"unicode/utf8"
)

// The tokenizer is a small, strict, streaming XML 1.0 tokenizer over
// UTF-8 (a file in another encoding is transcoded before it, see
// prologue). It reads the XML declaration, elements, attributes, character
// data, CDATA sections, comments and processing instructions, the five
// predefined entities and character references. It refuses a DOCTYPE, so
// that no entity is ever declared or expanded, and whatever XML 1.0 does
// not allow: a name that is not a name, a mismatched or unclosed tag, an
// attribute given twice, a '<' in an attribute value, "]]>" in text, a
// character XML forbids, bytes that are not UTF-8, text outside the root
// element, a second root. A token longer than its bound is refused: the
// buffer never grows beyond it.

// maxAttrs bounds the attributes of a tag: LSU's elements have 8 at most,
// with a few namespace declarations.
const maxAttrs = 64

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

// rawAttr is an attribute of the current start tag: its name and its value
// as written (slices of the buffer, valid until the next token).
type rawAttr struct {
	name  []byte
	val   []byte
	flags uint8
	pos   int // the offset of the value in the buffer, for its line
}

// Flags of a raw value: what decoding it needs.
const (
	fRef   uint8 = 1 << iota // holds an entity or character reference
	fSpace                   // holds a tab, LF or CR (attribute-value normalisation)
	fHigh                    // holds a byte >= 0x80
)

type tokenizer struct {
	ctx  context.Context
	r    io.Reader
	file string

	buf       []byte
	base      int64 // the offset in the input of buf[0]
	pos, end  int
	eof       bool
	maxToken  int
	lineBase  int // newlines before buf[0]
	linePos   int // newlines in buf[:linePos] are counted in lineAt
	lineAt    int
	tokStart  int // offset of the current token in buf
	afterRoot bool
	seenRoot  bool

	// The current token.
	kind  tokKind
	name  []byte // element name of a start or end tag
	attrs []rawAttr
	empty bool   // a self-closing start tag
	text  []byte // decoded character data, CDATA included
	cdata bool   // text holds a CDATA section
	// textLine is the line where the text starts.
	textLine int
	stack    [][]byte // the open elements' names, interned
	names    map[string][]byte
	read     int // polls of ctx, by token count
}

// intern returns a copy of the element name b that outlives the buffer,
// made once per name.
func (t *tokenizer) intern(b []byte) []byte {
	if n, ok := t.names[string(b)]; ok {
		return n
	}
	n := bytes.Clone(b)
	t.names[string(n)] = n
	return n
}

func newTokenizer(ctx context.Context, r io.Reader, file string, maxToken int) *tokenizer {
	size := 64 << 10
	return &tokenizer{ctx: ctx, r: r, file: file, buf: make([]byte, size), maxToken: maxToken, names: make(map[string][]byte)}
}

// fill reads more input, keeping buf[tokStart:end]. It returns false at
// the end of the input.
func (t *tokenizer) fill() (bool, error) {
	if t.eof {
		return false, nil
	}
	if t.tokStart > 0 {
		t.countLines(t.tokStart)
		n := copy(t.buf, t.buf[t.tokStart:t.end])
		t.base += int64(t.tokStart)
		t.lineBase = t.lineAt
		t.linePos -= t.tokStart
		t.pos -= t.tokStart
		t.end = n
		t.tokStart = 0
		if t.linePos < 0 {
			t.linePos = 0
		}
	}
	if t.end == len(t.buf) {
		if len(t.buf) >= t.maxToken+4 {
			return false, t.errAt(t.tokStart, ErrTooLarge, "", "", "a token (a tag with its attributes, a text, a comment) is longer than the bound of "+itoa(t.maxToken)+" bytes")
		}
		nb := make([]byte, min(2*len(t.buf), t.maxToken+4))
		copy(nb, t.buf[:t.end])
		t.buf = nb
	}
	for {
		n, err := t.r.Read(t.buf[t.end:])
		t.end += n
		if err == io.EOF {
			t.eof = true
			return n > 0, nil
		}
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// countLines counts the newlines of buf up to p.
func (t *tokenizer) countLines(p int) {
	if p > t.linePos {
		t.lineAt += bytes.Count(t.buf[t.linePos:p], []byte{'\n'})
		t.linePos = p
	}
}

// line returns the 1-based line of the offset p of the buffer.
func (t *tokenizer) line(p int) int {
	if p < t.linePos {
		return t.lineBase + bytes.Count(t.buf[:p], []byte{'\n'}) + 1
	}
	t.countLines(p)
	return t.lineAt + 1
}

func (t *tokenizer) errAt(p int, sentinel error, elem, value, msg string) *Error {
	return &Error{File: t.file, Line: t.line(p), Element: elem, Value: value, Msg: msg, Err: sentinel}
}

func (t *tokenizer) syntax(p int, msg string) *Error { return t.errAt(p, ErrSyntax, "", "", msg) }

// need makes n bytes from pos available, or reports the end of input.
func (t *tokenizer) need(n int) (bool, error) {
	for t.end-t.pos < n {
		ok, err := t.fill()
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// next reads the next token: a start tag, an end tag, or character data
// (text and CDATA sections together, comments and processing
// instructions skipped), or tokEOF after the root element.
func (t *tokenizer) next() (tokKind, error) {
	t.read++
	if t.read&1023 == 0 {
		if err := t.ctx.Err(); err != nil {
			return tokEOF, err
		}
	}
	if t.kind == tokStart && t.empty {
		// A self-closing tag gives its end tag.
		t.kind = tokEnd
		t.stack = t.stack[:len(t.stack)-1]
		if len(t.stack) == 0 {
			t.afterRoot = true
		}
		return tokEnd, nil
	}
	t.text = t.text[:0]
	t.cdata = false
	textStart := -1
	for {
		t.tokStart = t.pos
		ok, err := t.need(1)
		if err != nil {
			return tokEOF, err
		}
		if !ok {
			if len(t.text) > 0 && len(t.stack) > 0 {
				return tokEOF, t.syntax(t.pos, "the file ends inside <"+string(t.stack[len(t.stack)-1])+">: it is truncated")
			}
			if len(t.stack) > 0 {
				return tokEOF, t.syntax(t.pos, "the file ends inside <"+string(t.stack[len(t.stack)-1])+">: it is truncated")
			}
			if !t.seenRoot {
				return tokEOF, t.syntax(t.pos, "the file has no root element")
			}
			t.kind = tokEOF
			return tokEOF, nil
		}
		if t.buf[t.pos] != '<' {
			if textStart < 0 {
				textStart = t.pos
				t.textLine = t.line(t.pos)
			}
			if err := t.charData(); err != nil {
				return tokEOF, err
			}
			continue
		}
		ok, err = t.need(2)
		if err != nil {
			return tokEOF, err
		}
		if !ok {
			return tokEOF, t.syntax(t.pos, "the file ends inside a tag")
		}
		switch t.buf[t.pos+1] {
		case '?':
			if err := t.pi(); err != nil {
				return tokEOF, err
			}
			continue
		case '!':
			cdata, err := t.bang()
			if err != nil {
				return tokEOF, err
			}
			if cdata {
				t.cdata = true
				if textStart < 0 {
					textStart = t.tokStart
					t.textLine = t.line(t.tokStart)
				}
			}
			continue
		}
		if len(t.text) > 0 || textStart >= 0 {
			// Text before this tag: return it first; the tag is read at
			// the next call.
			if len(t.stack) == 0 {
				if !blankText(string(t.text)) {
					return tokEOF, t.syntax(textStart, "text outside the root element")
				}
				t.text = t.text[:0]
				textStart = -1
			} else {
				t.kind = tokText
				return tokText, nil
			}
		}
		if t.buf[t.pos+1] == '/' {
			return t.endTag()
		}
		return t.startTag()
	}
}

// plainText marks the bytes of character data that need no decoding.
var plainText = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = true
	}
	t['\t'], t['\n'] = true, true
	t['<'], t['&'], t[']'] = false, false, false
	return t
}()

// charData reads character data up to the next '<', decoding references
// and line ends into t.text.
func (t *tokenizer) charData() error {
	for {
		i := t.pos
		for i < t.end && plainText[t.buf[i]] {
			i++
		}
		if err := t.textRun(t.pos, i); err != nil {
			return err
		}
		t.pos = i
		if i < t.end {
			if t.buf[i] == '<' {
				return nil
			}
			n, err := t.special(i)
			if err != nil {
				return err
			}
			if n > 0 {
				t.pos = i + n
				continue
			}
		}
		if len(t.text) > t.maxToken {
			return t.errAt(t.tokStart, ErrTooLarge, "", "", "a text is longer than the bound of "+itoa(t.maxToken)+" bytes")
		}
		ok, err := t.fillKeep()
		if err != nil {
			return err
		}
		if !ok && t.pos >= t.end {
			return nil
		}
	}
}

// fillKeep reads more input; the text decoded so far is in t.text, so the
// buffer keeps nothing before pos.
func (t *tokenizer) fillKeep() (bool, error) {
	t.tokStart = t.pos
	return t.fill()
}

// textRun appends buf[a:b], plain ASCII without specials, to t.text.
func (t *tokenizer) textRun(a, b int) error {
	if a < b {
		if t.afterRoot || len(t.stack) == 0 {
			for _, c := range t.buf[a:b] {
				if !isSpace(rune(c)) {
					return t.syntax(a, "text outside the root element")
				}
			}
		}
		t.text = append(t.text, t.buf[a:b]...)
	}
	return nil
}

// special decodes the special byte at i of character data: a reference,
// a line end, a UTF-8 sequence, a forbidden control character, "]]>". It
// returns the bytes consumed, or 0 when more input is needed.
func (t *tokenizer) special(i int) (int, error) {
	c := t.buf[i]
	switch {
	case c == '&':
		r, n, err := t.reference(i)
		if n == 0 || err != nil {
			return n, err
		}
		if len(t.stack) == 0 {
			return 0, t.syntax(i, "a reference outside the root element")
		}
		t.text = utf8.AppendRune(t.text, r)
		return n, nil
	case c == '\r':
		if i+1 >= t.end && !t.eof {
			return 0, nil
		}
		t.text = append(t.text, '\n')
		if i+1 < t.end && t.buf[i+1] == '\n' {
			return 2, nil
		}
		return 1, nil
	case c == ']':
		if i+2 >= t.end && !t.eof {
			return 0, nil
		}
		if i+2 < t.end && t.buf[i+1] == ']' && t.buf[i+2] == '>' {
			return 0, t.syntax(i, `"]]>" in a text: write it "]]&gt;"`)
		}
		t.text = append(t.text, ']')
		return 1, nil
	case c >= 0x80:
		r, n := utf8.DecodeRune(t.buf[i:t.end])
		if r == utf8.RuneError && n <= 1 {
			if !utf8.FullRune(t.buf[i:t.end]) && !t.eof {
				return 0, nil
			}
			return 0, t.errAt(i, ErrEncoding, "", "", "bytes that are not UTF-8: the file is not in the encoding its declaration names")
		}
		if !xmlChar(r) {
			return 0, t.syntax(i, "a character XML forbids: U+"+hex4(r))
		}
		if len(t.stack) == 0 {
			return 0, t.syntax(i, "text outside the root element")
		}
		t.text = append(t.text, t.buf[i:i+n]...)
		return n, nil
	}
	return 0, t.syntax(i, "a control character XML forbids: U+"+hex4(rune(c)))
}

func hex4(r rune) string {
	const h = "0123456789ABCDEF"
	s := []byte{h[r>>12&15], h[r>>8&15], h[r>>4&15], h[r&15]}
	if r > 0xFFFF {
		s = append([]byte{h[r>>20&15], h[r>>16&15]}, s...)
	}
	return string(s)
}

// reference decodes the reference at buf[i] ('&'). It returns the
// character, the bytes consumed, 0 when more input is needed.
func (t *tokenizer) reference(i int) (rune, int, error) {
	j := bytes.IndexByte(t.buf[i:min(t.end, i+12)], ';')
	if j < 0 {
		if t.end-i < 12 && !t.eof {
			return 0, 0, nil
		}
		return 0, 0, t.syntax(i, "an '&' that starts no reference: write it &amp;")
	}
	ref := t.buf[i+1 : i+j]
	switch string(ref) {
	case "lt":
		return '<', j + 1, nil
	case "gt":
		return '>', j + 1, nil
	case "amp":
		return '&', j + 1, nil
	case "apos":
		return '\'', j + 1, nil
	case "quot":
		return '"', j + 1, nil
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, 0, t.syntax(i, "an entity the file does not define: &"+printable(string(ref))+"; (only &lt; &gt; &amp; &apos; &quot; and character references)")
	}
	var r rune
	digits := ref[1:]
	base := rune(10)
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, 0, t.syntax(i, "a malformed character reference")
	}
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, 0, t.syntax(i, "a malformed character reference")
		}
		r = r*base + d
		if r > 0x10FFFF {
			return 0, 0, t.syntax(i, "a character reference beyond Unicode")
		}
	}
	if !xmlChar(r) {
		return 0, 0, t.syntax(i, "a character reference to a character XML forbids: U+"+hex4(r))
	}
	return r, j + 1, nil
}

// scanTo returns the offset of the first occurrence of sep at or after
// from, reading more input as needed; -1 at the end of the input.
func (t *tokenizer) scanTo(from int, sep string) (int, error) {
	for {
		if k := bytes.Index(t.buf[from:t.end], []byte(sep)); k >= 0 {
			return from + k, nil
		}
		from = max(t.tokStart, t.end-len(sep)+1)
		rel := from - t.tokStart
		ok, err := t.fill()
		if err != nil {
			return -1, err
		}
		if !ok {
			return -1, nil
		}
		from = t.tokStart + rel
	}
}

// checkChars checks that buf[a:b] holds only characters XML allows, in
// UTF-8.
func (t *tokenizer) checkChars(a, b int) error {
	for i := a; i < b; {
		c := t.buf[i]
		if c < 0x80 {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return t.syntax(i, "a control character XML forbids: U+"+hex4(rune(c)))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(t.buf[i:b])
		if r == utf8.RuneError && n <= 1 {
			return t.errAt(i, ErrEncoding, "", "", "bytes that are not UTF-8: the file is not in the encoding its declaration names")
		}
		if !xmlChar(r) {
			return t.syntax(i, "a character XML forbids: U+"+hex4(r))
		}
		i += n
	}
	return nil
}

// pi skips a processing instruction, or reads the XML declaration at the
// very start of the file.
func (t *tokenizer) pi() error {
	start := t.pos
	end, err := t.scanTo(start+2, "?>")
	if err != nil {
		return err
	}
	start = t.tokStart // the buffer may have moved
	if end < 0 {
		return t.syntax(start, "the file ends inside a processing instruction")
	}
	body := t.buf[start+2 : end]
	if err := t.checkChars(start+2, end); err != nil {
		return err
	}
	target := body
	if k := bytes.IndexAny(body, " \t\r\n"); k >= 0 {
		target = body[:k]
	}
	if len(target) == 0 {
		return t.syntax(start, "a processing instruction without a target")
	}
	if bytes.EqualFold(target, []byte("xml")) {
		if !bytes.Equal(target, []byte("xml")) || t.base+int64(start) != 0 {
			return t.syntax(start, "an XML declaration that is not at the very start of the file")
		}
	}
	t.pos = end + 2
	return nil
}

// bang reads a comment, a CDATA section (appended to t.text; it reports
// true), or refuses a DOCTYPE.
func (t *tokenizer) bang() (bool, error) {
	ok, err := t.need(9)
	if err != nil {
		return false, err
	}
	start := t.tokStart
	rest := t.buf[start:t.end]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		end, err := t.scanTo(start+4, "--")
		if err != nil {
			return false, err
		}
		start = t.tokStart
		if end < 0 {
			return false, t.syntax(start, "the file ends inside a comment")
		}
		if ok, err := t.need(end - t.pos + 3); err != nil || !ok {
			if err != nil {
				return false, err
			}
			return false, t.syntax(start, "the file ends inside a comment")
		}
		start = t.tokStart
		end = bytes.Index(t.buf[start+4:], []byte("--")) + start + 4
		if t.buf[end+2] != '>' {
			return false, t.syntax(end, `"--" inside a comment`)
		}
		if err := t.checkChars(start+4, end); err != nil {
			return false, err
		}
		t.pos = end + 3
		return false, nil
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		if len(t.stack) == 0 {
			return false, t.syntax(start, "a CDATA section outside the root element")
		}
		end, err := t.scanTo(start+9, "]]>")
		if err != nil {
			return false, err
		}
		start = t.tokStart
		if end < 0 {
			return false, t.syntax(start, "the file ends inside a CDATA section")
		}
		if err := t.checkChars(start+9, end); err != nil {
			return false, err
		}
		raw := t.buf[start+9 : end]
		for len(raw) > 0 {
			k := bytes.IndexByte(raw, '\r')
			if k < 0 {
				t.text = append(t.text, raw...)
				break
			}
			t.text = append(t.text, raw[:k]...)
			t.text = append(t.text, '\n')
			raw = raw[k+1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
		}
		if len(t.text) > t.maxToken {
			return false, t.errAt(start, ErrTooLarge, "", "", "a text is longer than the bound of "+itoa(t.maxToken)+" bytes")
		}
		t.pos = end + 3
		return true, nil
	case bytes.HasPrefix(rest, []byte("<!DOCTYPE")):
		return false, t.syntax(start, "a DOCTYPE: LSU's file has none, and lsufile refuses it so that no entity is ever declared")
	}
	if !ok {
		return false, t.syntax(start, "the file ends inside a tag")
	}
	return false, t.syntax(start, "a malformed '<!' construct")
}

// scanName scans an XML name at i (ASCII letters, digits, '_', '-', '.',
// ':' and the non-ASCII characters XML allows), returning its end. An end
// at t.end, before the end of the input, means the buffer does not hold
// it whole.
func (t *tokenizer) scanName(i int) (int, error) {
	j := i
	for j < t.end {
		c := t.buf[j]
		if c < 0x80 {
			if !nameByte(c, j == i) {
				break
			}
			j++
			continue
		}
		if !utf8.FullRune(t.buf[j:t.end]) && !t.eof {
			return t.end, nil
		}
		r, n := utf8.DecodeRune(t.buf[j:t.end])
		if r == utf8.RuneError && n <= 1 {
			return 0, t.errAt(j, ErrEncoding, "", "", "bytes that are not UTF-8: the file is not in the encoding its declaration names")
		}
		if !nameRune(r, j == i) {
			break
		}
		j += n
	}
	if j == i && j < t.end {
		return 0, t.syntax(i, "a name expected")
	}
	return j, nil
}

// more reports whether a scan that reached p needs more input.
func (t *tokenizer) more(p int) bool { return p >= t.end && !t.eof }

func nameByte(c byte, first bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == ':':
		return true
	case '0' <= c && c <= '9', c == '-', c == '.':
		return !first
	}
	return false
}

// nameRune reports whether XML 1.0 (fifth edition) allows the non-ASCII
// rune r in a name, first or not.
func nameRune(r rune, first bool) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D,
		r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	case r == 0xB7, r >= 0x300 && r <= 0x36F, r >= 0x203F && r <= 0x2040:
		return !first
	}
	return false
}

// startTag reads a start tag at pos.
func (t *tokenizer) startTag() (tokKind, error) {
	start := t.pos
	for {
		end, err := t.scanStart(start)
		if err != nil {
			return tokEOF, err
		}
		if end > 0 {
			t.pos = end
			break
		}
		rel := start - t.tokStart
		ok, err := t.fill()
		if err != nil {
			return tokEOF, err
		}
		start = t.tokStart + rel
		if !ok {
			return tokEOF, t.syntax(start, "the file ends inside a tag")
		}
	}
	if t.afterRoot {
		return tokEOF, t.syntax(start, "a second root element: <"+string(t.name)+">")
	}
	t.seenRoot = true
	t.name = t.intern(t.name)
	t.stack = append(t.stack, t.name)
	t.kind = tokStart
	return tokStart, nil
}

// scanStart parses the start tag at buf[start:]; it returns its end, or 0
// when the buffer does not hold it whole.
func (t *tokenizer) scanStart(start int) (int, error) {
	t.attrs = t.attrs[:0]
	i := start + 1
	j, err := t.scanName(i)
	switch {
	case err != nil:
		return 0, err
	case t.more(j):
		return 0, nil
	case j == i:
		return 0, t.syntax(start, "the file ends inside a tag")
	}
	t.name = t.buf[i:j]
	for {
		k := j
		for k < t.end && isSpace(rune(t.buf[k])) {
			k++
		}
		if k >= t.end {
			return 0, nil
		}
		switch t.buf[k] {
		case '>':
			t.empty = false
			return k + 1, nil
		case '/':
			if k+1 >= t.end {
				return 0, nil
			}
			if t.buf[k+1] != '>' {
				return 0, t.syntax(k, "a '/' in a tag that is not '/>'")
			}
			t.empty = true
			return k + 2, nil
		}
		if k == j {
			return 0, t.syntax(k, "attributes must be separated by a space")
		}
		n, err := t.scanName(k)
		switch {
		case err != nil:
			return 0, err
		case t.more(n):
			return 0, nil
		}
		a := rawAttr{name: t.buf[k:n]}
		for n < t.end && isSpace(rune(t.buf[n])) {
			n++
		}
		if n >= t.end {
			return 0, nil
		}
		if t.buf[n] != '=' {
			return 0, t.syntax(n, "an attribute without '=': "+string(a.name))
		}
		n++
		for n < t.end && isSpace(rune(t.buf[n])) {
			n++
		}
		if n >= t.end {
			return 0, nil
		}
		q := t.buf[n]
		if q != '"' && q != '\'' {
			return 0, t.syntax(n, "an attribute value not in quotes: "+string(a.name))
		}
		v := n + 1
		e := v
		for e < t.end && t.buf[e] != q {
			c := t.buf[e]
			switch {
			case c == '<':
				return 0, t.syntax(e, "a '<' in the value of attribute "+string(a.name)+": write it &lt;")
			case c == '&':
				a.flags |= fRef
			case c == '\t' || c == '\n' || c == '\r':
				a.flags |= fSpace
			case c >= 0x80:
				a.flags |= fHigh
			case c < 0x20:
				return 0, t.syntax(e, "a control character XML forbids: U+"+hex4(rune(c)))
			}
			e++
		}
		if e >= t.end {
			return 0, nil
		}
		a.val, a.pos = t.buf[v:e], v
		if a.flags&fHigh != 0 {
			if err := t.checkChars(v, e); err != nil {
				return 0, err
			}
		}
		if len(t.attrs) == maxAttrs {
			return 0, t.errAt(k, ErrTooLarge, "", "", "a tag of more than "+itoa(maxAttrs)+" attributes")
		}
		for _, b := range t.attrs {
			if bytes.Equal(b.name, a.name) {
				return 0, t.syntax(k, "attribute "+string(a.name)+" given twice")
			}
		}
		t.attrs = append(t.attrs, a)
		j = e + 1
	}
}

// endTag reads an end tag at pos.
func (t *tokenizer) endTag() (tokKind, error) {
	start := t.pos
	for {
		i := start + 2
		j, err := t.scanName(i)
		if err != nil {
			return tokEOF, err
		}
		k := j
		for k < t.end && isSpace(rune(t.buf[k])) {
			k++
		}
		if !t.more(k) {
			if j == i || k >= t.end || t.buf[k] != '>' {
				return tokEOF, t.syntax(start, "a malformed end tag")
			}
			name := t.buf[i:j]
			if len(t.stack) == 0 {
				return tokEOF, t.syntax(start, "an end tag </"+string(name)+"> without its start")
			}
			top := t.stack[len(t.stack)-1]
			if !bytes.Equal(top, name) {
				return tokEOF, t.syntax(start, "</"+string(name)+"> closes <"+string(top)+">")
			}
			t.stack = t.stack[:len(t.stack)-1]
			if len(t.stack) == 0 {
				t.afterRoot = true
			}
			t.name = name
			t.pos = k + 1
			t.kind = tokEnd
			return tokEnd, nil
		}
		rel := start - t.tokStart
		ok, ferr := t.fill()
		if ferr != nil {
			return tokEOF, ferr
		}
		start = t.tokStart + rel
		if !ok {
			return tokEOF, t.syntax(start, "the file ends inside a tag")
		}
	}
}

// value decodes a raw attribute value: references, and the normalisation
// of attribute values, which turns each tab, line feed and carriage
// return (a CR LF pair counting as one) into a space.
func (t *tokenizer) value(a *rawAttr, dst []byte) ([]byte, error) {
	if a.flags&(fRef|fSpace) == 0 {
		return append(dst, a.val...), nil
	}
	v := a.val
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case '&':
			j := bytes.IndexByte(v[i:], ';')
			if j < 0 {
				return nil, t.syntax(a.pos+i, "an '&' that starts no reference: write it &amp;")
			}
			r, err := t.refValue(v[i+1:i+j], a.pos+i)
			if err != nil {
				return nil, err
			}
			dst = utf8.AppendRune(dst, r)
			i += j
		case '\r':
			dst = append(dst, ' ')
			if i+1 < len(v) && v[i+1] == '\n' {
				i++
			}
		case '\t', '\n':
			dst = append(dst, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

// refValue decodes the reference ref (between '&' and ';') of an
// attribute value.
func (t *tokenizer) refValue(ref []byte, p int) (rune, error) {
	switch string(ref) {
	case "lt":
		return '<', nil
	case "gt":
		return '>', nil
	case "amp":
		return '&', nil
	case "apos":
		return '\'', nil
	case "quot":
		return '"', nil
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, t.syntax(p, "an entity the file does not define: &"+printable(string(ref))+"; (only &lt; &gt; &amp; &apos; &quot; and character references)")
	}
	var r rune
	digits := ref[1:]
	base := rune(10)
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, t.syntax(p, "a malformed character reference")
	}
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, t.syntax(p, "a malformed character reference")
		}
		r = r*base + d
		if r > 0x10FFFF {
			return 0, t.syntax(p, "a character reference beyond Unicode")
		}
	}
	if !xmlChar(r) {
		return 0, t.syntax(p, "a character reference to a character XML forbids: U+"+hex4(r))
	}
	return r, nil
}
