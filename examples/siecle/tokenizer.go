package siecle

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"unicode/utf8"
)

// The tokenizer is a small, strict, streaming XML tokenizer working on the
// raw bytes of the file. ISO-8859-15, ISO-8859-1, windows-1252 and UTF-8
// are ASCII-compatible, so the markup is found on the raw bytes; only the
// text and attribute values that a reader keeps are decoded, through a
// 256-entry table for the single-byte charsets.
//
// It reads XML 1.0 without a DTD: the XML declaration, elements,
// attributes (quoted with ' or "), character data, CDATA sections,
// comments, processing instructions, the five predefined entities and
// numeric character references. It refuses a DOCTYPE (so there is no
// entity expansion at all), mismatched or unclosed tags, a second root
// element, text outside the root element, characters that XML forbids,
// bytes that are not valid in the declared encoding, and input beyond the
// bounds of Options (token size, nesting depth).
//
// It agrees with encoding/xml (in strict mode, with a charset reader) on
// every element name, attribute and text value, or refuses the input; the
// differential fuzz test checks it. Where it is stricter than encoding/xml
// (DOCTYPE, non-ASCII names, a misplaced or malformed XML declaration,
// references or CDATA outside the root, a re-saved file, bounds), its
// error is marked strict.

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
	tokSkip // comment or processing instruction: never returned
)

// Flags of a raw text or attribute value: what decoding it needs.
const (
	fEntity uint8 = 1 << iota // holds an entity or character reference
	fCR                       // holds a carriage return
	fHigh                     // holds a byte >= 0x80
	fCDATA                    // a CDATA section: no references
)

type rawAttr struct {
	name, val []byte
	flags     uint8
	pos       int // offset of the value in buf, for error lines
}

// Byte classes of text and attribute values.
const (
	cNormal uint8 = iota
	cLT
	cAmp
	cCR
	cRBracket
	cQuote
	cCtl
	cHigh
)

var (
	textTab  [256]uint8 // in character data: quotes are normal
	attrTab  [256]uint8 // in attribute values: ']' is normal
	cdataTab [256]uint8 // in CDATA sections: only CR, controls and high bytes matter
	nameTab  [256]bool  // bytes encoding/xml reads as part of a name
	nameCls  [256]uint8 // 0 (not in a name), nPlain, nColon or nHigh
)

const (
	nPlain uint8 = 1 << iota
	nColon
	nHigh
)

func init() {
	for i := 0; i < 0x20; i++ {
		textTab[i] = cCtl
	}
	textTab['\t'], textTab['\n'] = cNormal, cNormal
	textTab['\r'] = cCR
	for i := 0x80; i < 0x100; i++ {
		textTab[i] = cHigh
	}
	cdataTab = textTab
	attrTab = textTab
	textTab['<'], attrTab['<'] = cLT, cLT
	textTab['&'], attrTab['&'] = cAmp, cAmp
	textTab[']'] = cRBracket
	attrTab['"'], attrTab['\''] = cQuote, cQuote
	for c := 'A'; c <= 'Z'; c++ {
		nameTab[c], nameTab[c+'a'-'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		nameTab[c] = true
	}
	nameTab['_'], nameTab[':'], nameTab['.'], nameTab['-'] = true, true, true, true
	for i := 0x80; i < 0x100; i++ {
		nameTab[i] = true // read as part of the name, then refused
	}
	for i := range nameTab {
		switch {
		case !nameTab[i]:
		case i == ':':
			nameCls[i] = nColon
		case i >= 0x80:
			nameCls[i] = nHigh
		default:
			nameCls[i] = nPlain
		}
	}
}

func isNameStart(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':'
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

type tokenizer struct {
	ctx  context.Context
	r    io.Reader
	file string
	cs   *charset

	buf      []byte
	pos, end int
	eof      bool
	lineBase int // newlines in the input before buf[0]
	linePos  int // line(linePos) == lineAt: a cache, so that lines cost O(n) in all
	lineAt   int
	tokStart int // offset of the current token in buf
	maxToken int
	maxDepth int
	slow     bool // no fast paths (tests compare both ways)

	// private is set by the readers while they read a part of the file
	// whose values are personal data (a pupil, a teacher): errors then
	// leave out the offending text. afterPrivate is set from the end of
	// such a part to the next start tag: a damaged tag can leave a
	// private value there (<NOM_RESP/>D'ARTAGNAN</NOM_RESP>).
	private      bool
	afterPrivate bool

	// The current token, valid until the next call to next.
	kind       tokKind
	name       []byte
	attrs      []rawAttr
	text       []byte
	textFlags  uint8
	selfClose  bool
	pendingEnd bool

	stack    []int  // offsets in names of the open elements' names
	names    []byte // the open elements' names, end to end
	rootSeen bool
	rootDone bool

	// Re-saved file detection in single-byte charsets.
	utf8Seqs, lone int

	val  []byte // scratch for value
	aval []byte // scratch for attr
}

func newTokenizer(ctx context.Context, r io.Reader, file string, o *Options) *tokenizer {
	size := 64 << 10
	if size > o.maxToken() {
		size = o.maxToken()
	}
	return &tokenizer{
		ctx:      ctx,
		r:        r,
		file:     file,
		buf:      make([]byte, size),
		maxToken: o.maxToken(),
		maxDepth: o.maxDepth(),
		slow:     o.slow,
		cs:       utf8Charset,
	}
}

// fill discards the consumed bytes and reads more input, growing the
// buffer when a single token fills it.
func (t *tokenizer) fill() error {
	if err := ctxErr(t.ctx); err != nil {
		return fmt.Errorf("siecle: %s: %w", t.file, err)
	}
	if t.pos > 0 {
		t.lineBase = t.line(t.pos) - 1
		t.linePos, t.lineAt = 0, t.lineBase+1
		t.end = copy(t.buf, t.buf[t.pos:t.end])
		t.pos = 0
	}
	if t.end == len(t.buf) {
		if len(t.buf) >= t.maxToken {
			return t.strictErr(t.pos, ErrTooLarge, "", "", fmt.Sprintf("an XML token is longer than %d bytes (Options.MaxTokenSize)", t.maxToken))
		}
		n := min(2*len(t.buf), t.maxToken)
		nb := make([]byte, n)
		copy(nb, t.buf[:t.end])
		t.buf = nb
	}
	for range 100 {
		n, err := t.r.Read(t.buf[t.end:])
		t.end += n
		if err == io.EOF {
			t.eof = true
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}

// line returns the 1-based line of offset p of buf.
func (t *tokenizer) line(p int) int {
	if p > t.end {
		p = t.end
	}
	if p < t.linePos || t.lineAt == 0 {
		t.linePos, t.lineAt = 0, t.lineBase+1
	}
	t.lineAt += bytes.Count(t.buf[t.linePos:p], []byte{'\n'})
	t.linePos = p
	return t.lineAt
}

// enterPrivate marks the start of a part of the file whose values are
// personal data; the function it returns marks its end.
func (t *tokenizer) enterPrivate() (leave func()) {
	t.private = true
	return t.leavePrivate
}

func (t *tokenizer) leavePrivate() { t.private, t.afterPrivate = false, true }

// errAt returns the error at offset p of buf. elem must be a name of the
// exports (see elemField), and a name read from the file is described in
// msg with elemDesc, endTagDesc or attrDesc; value is left out in and
// after a private part.
func (t *tokenizer) errAt(p int, sentinel error, elem, value, msg string) *Error {
	if t.private || t.afterPrivate {
		value = ""
	}
	return &Error{File: t.file, Line: t.line(p), Element: elem, Value: value, Msg: msg, Err: sentinel}
}

func (t *tokenizer) strictErr(p int, sentinel error, elem, value, msg string) *Error {
	e := t.errAt(p, sentinel, elem, value, msg)
	e.strict = true
	return e
}

func (t *tokenizer) syntaxErr(p int, msg string) *Error {
	return t.errAt(p, ErrSyntax, t.openElem(), "", msg)
}

// openName returns the name of the innermost open element, or nil.
func (t *tokenizer) openName() []byte {
	if len(t.stack) == 0 {
		return nil
	}
	return t.names[t.stack[len(t.stack)-1]:]
}

// parentName returns the name of the element that holds the innermost
// open element, or nil.
func (t *tokenizer) parentName() []byte {
	n := len(t.stack)
	if n < 2 {
		return nil
	}
	return t.names[t.stack[n-2]:t.stack[n-1]]
}

// openElem returns the innermost open element for Error.Element: its name
// when it is one of the exports', else "".
func (t *tokenizer) openElem() string { return elemField(t.openName()) }

// prelude reads the byte-order mark and the XML declaration, and sets
// the charset.
func (t *tokenizer) prelude() error {
	for t.end-t.pos < 1024 && !t.eof {
		if err := t.fill(); err != nil {
			return err
		}
	}
	b := t.buf[t.pos:t.end]
	bom := false
	switch {
	case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
		bom = true
		t.pos += 3
		b = b[3:]
	case bytes.HasPrefix(b, []byte("\xFF\xFE")), bytes.HasPrefix(b, []byte("\xFE\xFF")):
		return t.errAt(0, ErrEncoding, "", "UTF-16", "the file is in UTF-16, which SIECLE and STS-Web never produce: re-download the export, or save it as UTF-8 or ISO-8859-15")
	}
	cs := utf8Charset
	if len(b) >= 6 && bytes.HasPrefix(b, []byte("<?xml")) && (isSpace(b[5]) || b[5] == '?') {
		end := bytes.Index(b, []byte("?>"))
		if end < 0 {
			return t.strictErr(t.pos, ErrSyntax, "", "", "malformed XML declaration: no closing ?>")
		}
		version, enc, ok := parseDecl(b[5:end])
		if !ok {
			return t.strictErr(t.pos, ErrSyntax, "", printable(b[:end+2]), "malformed XML declaration")
		}
		if version != "1.0" {
			e := t.errAt(t.pos, ErrSyntax, "", version, "unsupported XML version: only 1.0 is read")
			e.strict = version == "" // encoding/xml reads an empty version
			return e
		}
		if enc != "" {
			cs = lookupCharset(enc)
			if cs == nil {
				return t.errAt(t.pos, ErrEncoding, "", enc, "unknown character encoding in the XML declaration: this package reads ISO-8859-15, ISO-8859-1, windows-1252 and UTF-8")
			}
		}
		t.pos += end + 2
	}
	if bom && !cs.isUTF8() {
		return t.strictErr(0, ErrEncoding, "", cs.name, "the file starts with a UTF-8 byte-order mark but declares "+cs.name+
			": it was re-saved as UTF-8 by an editor; re-download the export from SIECLE/STS-Web and use it unchanged")
	}
	t.cs = cs
	return nil
}

// printable returns b as text for an error message, cut to 80 bytes and
// with bytes outside printable ASCII escaped by strconv.Quote later.
func printable(b []byte) string {
	if len(b) > 80 {
		b = b[:80]
	}
	return string(b)
}

// parseDecl parses the pseudo-attributes of an XML declaration, between
// "<?xml" and "?>": version, then optionally encoding and standalone, in
// that order.
func parseDecl(b []byte) (version, encoding string, ok bool) {
	names := []string{"version", "encoding", "standalone"}
	var vals [3]string
	var seen [3]bool
	next := 0
	i := 0
	for {
		j := i
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j == len(b) {
			break
		}
		if j == i {
			return "", "", false // pseudo-attributes are separated by spaces
		}
		i = j
		for j < len(b) && b[j] >= 'a' && b[j] <= 'z' {
			j++
		}
		name := string(b[i:j])
		k := -1
		for n := next; n < len(names); n++ {
			if names[n] == name {
				k = n
				break
			}
		}
		if k < 0 {
			return "", "", false
		}
		next = k + 1
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j == len(b) || b[j] != '=' {
			return "", "", false
		}
		j++
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j == len(b) || b[j] != '"' && b[j] != '\'' {
			return "", "", false
		}
		q := b[j]
		j++
		e := bytes.IndexByte(b[j:], q)
		if e < 0 {
			return "", "", false
		}
		vals[k], seen[k] = string(b[j:j+e]), true
		i = j + e + 1
	}
	if !seen[0] {
		return "", "", false
	}
	if seen[2] && vals[2] != "yes" && vals[2] != "no" {
		return "", "", false
	}
	if seen[1] && vals[1] == "" {
		return "", "", false
	}
	return vals[0], vals[1], true
}

// next returns the next token: a start tag (name, attrs), an end tag
// (name), or character data inside the root element (text, textFlags).
// Comments and processing instructions are skipped. At the end of the
// input it checks that the document is complete and returns tokEOF.
func (t *tokenizer) next() (tokKind, error) {
	if t.pendingEnd {
		t.pendingEnd = false
		t.pop()
		t.kind = tokEnd
		if len(t.stack) == 0 {
			t.rootDone = true
		}
		return tokEnd, nil
	}
	for {
		if t.pos >= t.end {
			if t.eof {
				return tokEOF, t.atEOF()
			}
			if err := t.fill(); err != nil {
				return tokEOF, err
			}
			continue
		}
		t.tokStart = t.pos
		b := t.buf[t.pos:t.end]
		var n int
		var err error
		if b[0] != '<' {
			n, err = t.scanText(b)
		} else {
			n, err = t.scanMarkup(b)
		}
		if err != nil {
			return tokEOF, err
		}
		if n == 0 {
			if t.eof {
				return tokEOF, t.truncated()
			}
			if err := t.fill(); err != nil {
				return tokEOF, err
			}
			continue
		}
		t.pos += n
		switch t.kind {
		case tokSkip:
			continue
		case tokStart:
			if t.rootDone {
				return tokEOF, t.errAt(t.tokStart, ErrSyntax, elemField(t.name), "", "a second root element: an XML file has only one")
			}
			t.rootSeen = true
			if err := t.push(t.name); err != nil {
				return tokEOF, err
			}
			t.afterPrivate = false
			if t.selfClose {
				t.pendingEnd = true
			}
		case tokEnd:
			if len(t.stack) == 0 {
				what := endTagDesc(t.name)
				if isFormatName(t.name) {
					what = "end tag " + what
				}
				return tokEOF, t.syntaxErr(t.tokStart, what+" without a start tag")
			}
			if open := t.openName(); !bytes.Equal(open, t.name) {
				return tokEOF, t.syntaxErr(t.tokStart, fmt.Sprintf("%s closed by %s", elemDesc(open), endTagDesc(t.name)))
			}
			t.pop()
			if len(t.stack) == 0 {
				t.rootDone = true
			}
		case tokText:
			if len(t.stack) == 0 {
				if t.textFlags&(fCDATA|fEntity) != 0 {
					return tokEOF, t.strictErr(t.tokStart, ErrSyntax, "", "", "a reference or CDATA section outside the root element")
				}
				for _, c := range t.text {
					if !isSpace(c) {
						return tokEOF, t.errAt(t.tokStart, ErrSyntax, "", "", "text outside the root element")
					}
				}
				continue
			}
		}
		return t.kind, nil
	}
}

func (t *tokenizer) push(name []byte) error {
	if len(t.stack) >= t.maxDepth {
		return t.strictErr(t.tokStart, ErrTooLarge, elemField(name), "", fmt.Sprintf("elements nested deeper than %d levels (Options.MaxDepth)", t.maxDepth))
	}
	t.stack = append(t.stack, len(t.names))
	t.names = append(t.names, name...)
	return nil
}

func (t *tokenizer) pop() {
	n := len(t.stack) - 1
	t.names = t.names[:t.stack[n]]
	t.stack = t.stack[:n]
}

func (t *tokenizer) truncated() error {
	var e *Error
	if len(t.stack) > 0 {
		e = t.errAt(t.tokStart, ErrSyntax, t.openElem(), "", "unexpected end of file: the file is truncated (re-download it)")
	} else {
		e = t.errAt(t.tokStart, ErrSyntax, "", "", "unexpected end of file inside markup: the file is truncated (re-download it)")
	}
	e.problem = problemTruncated
	return e
}

func (t *tokenizer) atEOF() error {
	t.tokStart = t.end
	if len(t.stack) > 0 {
		e := t.errAt(t.end, ErrSyntax, t.openElem(), "", "unexpected end of file: element not closed, the file is truncated (re-download it)")
		e.problem = problemTruncated
		return e
	}
	if !t.rootSeen {
		return t.errAt(t.end, ErrSyntax, "", "", "no root element: the file is empty or is not XML")
	}
	if t.utf8Seqs > 0 && t.lone == 0 {
		return t.strictErr(0, ErrEncoding, "", t.cs.name, "the file declares "+t.cs.name+" but its content is UTF-8: it was re-saved by an editor, "+
			"and reading it would garble every accented letter; re-download the export from SIECLE/STS-Web and use it unchanged")
	}
	return nil
}

// scanText scans character data up to the next '<'. It returns 0 when
// the buffer ends first and more input may follow.
func (t *tokenizer) scanText(b []byte) (int, error) {
	var flags uint8
	i := 0
	for {
		for i < len(b) && textTab[b[i]] == cNormal {
			i++
		}
		if i >= len(b) {
			if t.eof {
				break
			}
			return 0, nil
		}
		switch textTab[b[i]] {
		case cLT:
			t.kind, t.text, t.textFlags = tokText, b[:i], flags
			return i, nil
		case cAmp:
			n, err := t.checkRef(b[i:], t.tokStart+i)
			if n <= 0 {
				return 0, err
			}
			flags |= fEntity
			i += n
		case cCR:
			flags |= fCR
			i++
		case cRBracket:
			if i+2 >= len(b) && !t.eof {
				return 0, nil
			}
			if i+2 < len(b) && b[i+1] == ']' && b[i+2] == '>' {
				return 0, t.syntaxErr(t.tokStart+i, "]]> outside a CDATA section")
			}
			i++
		case cCtl:
			return 0, t.illegal(t.tokStart+i, rune(b[i]))
		case cHigh:
			n, err := t.high(b[i:], t.tokStart+i, t.eof)
			if n <= 0 {
				return 0, err
			}
			flags |= fHigh
			i += n
		default:
			i++
		}
	}
	t.kind, t.text, t.textFlags = tokText, b[:i], flags
	return i, nil
}

func (t *tokenizer) illegal(p int, r rune) error {
	return t.errAt(p, ErrSyntax, t.openElem(), fmt.Sprintf("%U", r), "a character that XML does not allow")
}

// high checks the non-ASCII character at b[0]. In UTF-8 it must be a
// valid character; in a single-byte charset every byte is one, and the
// bytes are tallied to detect a re-saved file. It returns the number of
// bytes consumed, or 0 with a nil error when more input is needed.
func (t *tokenizer) high(b []byte, p int, final bool) (int, error) {
	if !utf8.FullRune(b) && !final {
		return 0, nil
	}
	r, size := utf8.DecodeRune(b)
	if t.cs.isUTF8() {
		if r == utf8.RuneError && size == 1 {
			return 0, t.errAt(p, ErrEncoding, t.openElem(), fmt.Sprintf("0x%02X", b[0]),
				"a byte that is not valid UTF-8: the file has no encoding declaration (or declares UTF-8) but is not UTF-8; "+
					"SIECLE exports declare ISO-8859-15, re-download the export and use it unchanged")
		}
		if !isInCharacterRange(r) {
			return 0, t.illegal(p, r)
		}
		return size, nil
	}
	if size > 1 {
		t.utf8Seqs++
		return size, nil
	}
	t.lone++
	return 1, nil
}

// checkRef checks the entity or character reference at b[0] == '&' and
// returns its length; 0 with a nil error when more input is needed.
func (t *tokenizer) checkRef(b []byte, p int) (int, error) {
	r, n, ok := parseRef(b)
	if n == 0 && !t.eof {
		return 0, nil
	}
	if !ok {
		ref := b
		if n > 0 {
			ref = b[:n]
		}
		if len(ref) > 40 {
			ref = ref[:40]
		}
		if e := bytes.IndexAny(ref, " \t\r\n<"); e > 0 {
			ref = ref[:e]
		}
		return -1, t.errAt(p, ErrSyntax, t.openElem(), string(ref), "invalid entity or character reference: only &lt; &gt; &amp; &apos; &quot; and &#...; are allowed")
	}
	if !isInCharacterRange(r) {
		return -1, t.illegal(p, r)
	}
	return n, nil
}

// parseRef parses the reference at b[0] == '&'. It returns the rune, the
// length including ';', and whether it is valid; n == 0 means that b
// ends before the reference does.
func parseRef(b []byte) (r rune, n int, ok bool) {
	j := 1
	if j >= len(b) {
		return 0, 0, false
	}
	if b[j] == '#' {
		j++
		base := rune(10)
		if j < len(b) && b[j] == 'x' {
			base = 16
			j++
		}
		start := j
		var v rune
		big := false
		for ; j < len(b); j++ {
			c := b[j]
			var d rune
			switch {
			case '0' <= c && c <= '9':
				d = rune(c - '0')
			case base == 16 && 'a' <= c && c <= 'f':
				d = rune(c-'a') + 10
			case base == 16 && 'A' <= c && c <= 'F':
				d = rune(c-'A') + 10
			default:
				d = -1
			}
			if d < 0 {
				break
			}
			if !big {
				v = v*base + d
				if v > utf8.MaxRune {
					big = true
				}
			}
		}
		if j >= len(b) {
			return 0, 0, false
		}
		if b[j] != ';' || j == start || big {
			return 0, j + 1, false
		}
		if v >= 0xD800 && v <= 0xDFFF {
			v = utf8.RuneError // as encoding/xml: string(rune(surrogate))
		}
		return v, j + 1, true
	}
	for j < len(b) && nameTab[b[j]] {
		j++
	}
	if j >= len(b) {
		return 0, 0, false
	}
	if b[j] != ';' {
		return 0, j + 1, false
	}
	switch string(b[1:j]) {
	case "lt":
		return '<', j + 1, true
	case "gt":
		return '>', j + 1, true
	case "amp":
		return '&', j + 1, true
	case "apos":
		return '\'', j + 1, true
	case "quot":
		return '"', j + 1, true
	}
	return 0, j + 1, false
}

// scanName scans a name at b[i:]. It returns the end offset, or 0 when
// more input is needed. elem reports an element or attribute name, where
// at most one colon is allowed.
func (t *tokenizer) scanName(b []byte, i int, elem bool, what string) (int, error) {
	j := i
	var any uint8
	for j < len(b) {
		c := nameCls[b[j]]
		if c == 0 {
			break
		}
		any |= c
		j++
	}
	if j >= len(b) {
		return 0, nil
	}
	if j == i || !isNameStart(b[i]) {
		if j > i && b[i] >= utf8.RuneSelf {
			return 0, t.strictErr(t.tokStart+i, ErrSyntax, t.openElem(), "", "a non-ASCII character in an XML name")
		}
		return 0, t.syntaxErr(t.tokStart+i, "expected "+what)
	}
	if any&nHigh != 0 {
		return 0, t.strictErr(t.tokStart+i, ErrSyntax, t.openElem(), "", "a non-ASCII character in an XML name")
	}
	if elem && any&nColon != 0 && bytes.Count(b[i:j], []byte{':'}) > 1 {
		return 0, t.syntaxErr(t.tokStart+i, "expected "+what)
	}
	return j, nil
}

func skipSpace(b []byte, j int) int {
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	return j
}

// scanMarkup scans a token starting with '<'.
func (t *tokenizer) scanMarkup(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, nil
	}
	switch b[1] {
	case '/':
		var j int
		if n := len(t.stack); n > 0 {
			// Fast path: the end tag of the open element.
			open := t.openName()
			if e := 2 + len(open); e < len(b) && nameCls[b[e]] == 0 && string(b[2:e]) == string(open) {
				j = e
			}
		}
		if j == 0 {
			var err error
			j, err = t.scanName(b, 2, true, "element name after </")
			if j == 0 {
				return 0, err
			}
		}
		t.name = b[2:j]
		j = skipSpace(b, j)
		if j >= len(b) {
			return 0, nil
		}
		if b[j] != '>' {
			return 0, t.syntaxErr(t.tokStart+j, fmt.Sprintf("invalid characters after the name of %s", endTagDesc(t.name)))
		}
		t.kind = tokEnd
		return j + 1, nil
	case '?':
		return t.scanPI(b)
	case '!':
		return t.scanBang(b)
	}
	return t.scanStart(b)
}

func (t *tokenizer) scanPI(b []byte) (int, error) {
	j, err := t.scanName(b, 2, false, "target name after <?")
	if j == 0 {
		return 0, err
	}
	target := b[2:j]
	j = skipSpace(b, j)
	e := bytes.Index(b[j:], []byte("?>"))
	if e < 0 {
		return 0, nil
	}
	if string(target) == "xml" {
		return 0, t.strictErr(t.tokStart, ErrSyntax, "", "", "an XML declaration that is not at the very start of the file")
	}
	t.kind = tokSkip
	return j + e + 2, nil
}

func (t *tokenizer) scanBang(b []byte) (int, error) {
	if len(b) < 3 {
		return 0, nil
	}
	switch b[2] {
	case '-':
		if len(b) < 4 {
			return 0, nil
		}
		if b[3] != '-' {
			return 0, t.syntaxErr(t.tokStart, "invalid sequence <!- not part of <!--")
		}
		e := bytes.Index(b[4:], []byte("--"))
		if e < 0 {
			return 0, nil
		}
		p := 4 + e + 2
		if p >= len(b) {
			return 0, nil
		}
		if b[p] != '>' {
			return 0, t.syntaxErr(t.tokStart+p, `"--" inside a comment`)
		}
		t.kind = tokSkip
		return p + 1, nil
	case '[':
		const open = "<![CDATA["
		n := min(len(b), len(open))
		if string(b[:n]) != open[:n] {
			return 0, t.syntaxErr(t.tokStart, "invalid <![ sequence")
		}
		if n < len(open) {
			return 0, nil
		}
		e := bytes.Index(b[len(open):], []byte("]]>"))
		if e < 0 {
			return 0, nil
		}
		body := b[len(open) : len(open)+e]
		flags := fCDATA
		for i := 0; i < len(body); {
			switch cdataTab[body[i]] {
			case cCR:
				flags |= fCR
				i++
			case cCtl:
				return 0, t.illegal(t.tokStart+len(open)+i, rune(body[i]))
			case cHigh:
				n, err := t.high(body[i:], t.tokStart+len(open)+i, true)
				if err != nil {
					return 0, err
				}
				flags |= fHigh
				i += n
			default:
				i++
			}
		}
		t.kind, t.text, t.textFlags = tokText, body, flags
		return len(open) + e + 3, nil
	}
	return 0, t.strictErr(t.tokStart, ErrSyntax, "", printable(b[:min(len(b), 12)]),
		"a DOCTYPE or other declaration: SIECLE and STS-Web files have none, and this reader refuses them (no DTD, no entity expansion)")
}

func (t *tokenizer) scanStart(b []byte) (int, error) {
	j, err := t.scanName(b, 1, true, "element name after <")
	if j == 0 {
		return 0, err
	}
	t.name = b[1:j]
	t.attrs = t.attrs[:0]
	for {
		j = skipSpace(b, j)
		if j >= len(b) {
			return 0, nil
		}
		switch b[j] {
		case '>':
			t.kind, t.selfClose = tokStart, false
			return j + 1, nil
		case '/':
			if j+1 >= len(b) {
				return 0, nil
			}
			if b[j+1] != '>' {
				return 0, t.syntaxErr(t.tokStart+j, fmt.Sprintf("expected /> in the start tag of %s", elemDesc(t.name)))
			}
			t.kind, t.selfClose = tokStart, true
			return j + 2, nil
		}
		k, err := t.scanName(b, j, true, "attribute name")
		if k == 0 {
			return 0, err
		}
		a := rawAttr{name: b[j:k]}
		j = skipSpace(b, k)
		if j >= len(b) {
			return 0, nil
		}
		if b[j] != '=' {
			return 0, t.errAt(t.tokStart+j, ErrSyntax, elemField(t.name), "", attrDesc(a.name)+" without =")
		}
		j = skipSpace(b, j+1)
		if j >= len(b) {
			return 0, nil
		}
		q := b[j]
		if q != '"' && q != '\'' {
			return 0, t.errAt(t.tokStart+j, ErrSyntax, elemField(t.name), "", attrDesc(a.name)+": unquoted or missing value")
		}
		j++
		start := j
	value:
		for {
			for j < len(b) && attrTab[b[j]] == cNormal {
				j++
			}
			if j >= len(b) {
				return 0, nil
			}
			switch attrTab[b[j]] {
			case cQuote:
				if b[j] == q {
					break value
				}
				j++
			case cLT:
				return 0, t.errAt(t.tokStart+j, ErrSyntax, elemField(t.name), "", attrDesc(a.name)+": unescaped < in the value")
			case cAmp:
				n, err := t.checkRef(b[j:], t.tokStart+j)
				if n <= 0 {
					return 0, err
				}
				a.flags |= fEntity
				j += n
			case cCR:
				a.flags |= fCR
				j++
			case cCtl:
				return 0, t.illegal(t.tokStart+j, rune(b[j]))
			case cHigh:
				n, err := t.high(b[j:], t.tokStart+j, t.eof)
				if n <= 0 {
					return 0, err
				}
				a.flags |= fHigh
				j += n
			default:
				j++
			}
		}
		a.val = b[start:j]
		a.pos = t.tokStart + start
		j++
		for _, o := range t.attrs {
			if bytes.Equal(o.name, a.name) {
				return 0, t.errAt(t.tokStart, ErrSyntax, elemField(t.name), "", attrDesc(a.name)+" given twice")
			}
		}
		t.attrs = append(t.attrs, a)
	}
}

// appendDecoded appends the UTF-8 text of a raw value: references
// replaced, line ends normalised, the charset decoded.
func (t *tokenizer) appendDecoded(dst, raw []byte, flags uint8) []byte {
	if flags&(fEntity|fCR|fHigh) == 0 {
		return append(dst, raw...)
	}
	refs := flags&fEntity != 0 && flags&fCDATA == 0
	tab := t.cs.table
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '&' && refs:
			r, n, _ := parseRef(raw[i:])
			dst = utf8.AppendRune(dst, r)
			i += n
		case c == '\r':
			dst = append(dst, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c >= utf8.RuneSelf && tab != nil:
			dst = utf8.AppendRune(dst, tab[c])
			i++
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}

// trimSpace trims XML white space at both ends.
func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// value reads the content of the element whose start tag was just
// returned, up to its end tag, and returns it decoded and trimmed. The
// result is valid until the next call. An element inside is refused.
func (t *tokenizer) value() ([]byte, error) {
	t.val = t.val[:0]
	if v, ok := t.fastValue(true); ok {
		return v, nil
	}
	for {
		k, err := t.next()
		if err != nil {
			return nil, err
		}
		switch k {
		case tokText:
			t.val = t.appendDecoded(t.val, t.text, t.textFlags)
		case tokEnd:
			return trimSpace(t.val), nil
		case tokStart:
			return nil, t.errAt(t.tokStart, ErrSyntax, elemField(t.name), "",
				fmt.Sprintf("%s inside %s, which holds a value", unexpectedDesc(t.name), elemDesc(t.parentName())))
		}
	}
}

// skipBlank consumes white space followed by markup, which children
// ignores anyway; white space is always valid character data.
func (t *tokenizer) skipBlank() {
	if t.pendingEnd || t.slow {
		return
	}
	b := t.buf[t.pos:t.end]
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t') {
		i++
	}
	if i > 0 && i < len(b) && b[i] == '<' {
		t.pos += i
	}
}

// fastValue reads, when it is all in the buffer, the common form of a
// value: character data (or nothing) followed by the end tag of the open
// element, written without spaces. It reports false, having changed
// nothing that matters, when the input is in any other form.
func (t *tokenizer) fastValue(decode bool) ([]byte, bool) {
	if t.pendingEnd || t.slow {
		return nil, false
	}
	b := t.buf[t.pos:t.end]
	n := 0
	var flags uint8
	var text []byte
	if len(b) > 0 && b[0] != '<' {
		var err error
		n, err = t.scanText(b)
		if n == 0 || err != nil {
			return nil, false
		}
		text, flags = t.text, t.textFlags
	}
	open := t.openName()
	e := n + 2 + len(open)
	if e >= len(b) || b[n] != '<' || b[n+1] != '/' || b[e] != '>' || string(b[n+2:e]) != string(open) {
		return nil, false
	}
	if decode {
		t.val = t.appendDecoded(t.val[:0], text, flags)
	}
	t.tokStart = t.pos + n
	t.pos += e + 1
	t.name = b[n+2 : e]
	t.kind = tokEnd
	t.pop()
	return trimSpace(t.val), true
}

// skip consumes the rest of the element whose start tag was just
// returned.
func (t *tokenizer) skip() error {
	if _, ok := t.fastValue(false); ok {
		return nil
	}
	depth := len(t.stack)
	for {
		k, err := t.next()
		if err != nil {
			return err
		}
		if k == tokEnd && len(t.stack) < depth {
			return nil
		}
	}
}

// children calls fn for each child element of the element whose start
// tag was just returned; fn must consume the child (value, skip or
// children). Character data between children is ignored.
func (t *tokenizer) children(fn func(name []byte) error) error {
	depth := len(t.stack)
	for {
		t.skipBlank()
		k, err := t.next()
		if err != nil {
			return err
		}
		switch k {
		case tokStart:
			if err := fn(t.name); err != nil {
				return err
			}
			if len(t.stack) != depth {
				panic("siecle: child element not consumed")
			}
		case tokEnd:
			return nil
		}
	}
}

// each calls fn for each child element of the current element named name,
// skipping the others; see children.
func (t *tokenizer) each(name string, fn func() error) error {
	return t.children(func(n []byte) error {
		if string(n) != name {
			return t.skip()
		}
		return fn()
	})
}

// attr returns the decoded, trimmed value of the current start tag's
// attribute name, valid until the next call to attr.
func (t *tokenizer) attr(name string) ([]byte, bool) {
	for _, a := range t.attrs {
		if string(a.name) == name {
			t.aval = t.appendDecoded(t.aval[:0], a.val, a.flags)
			return trimSpace(t.aval), true
		}
	}
	return nil, false
}
