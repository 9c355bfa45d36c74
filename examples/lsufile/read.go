package lsufile

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lsusync/lsusync"
)

// ReadOptions bounds what [Read] accepts.
type ReadOptions struct {
	// MaxFileSize is the largest file accepted, in bytes; 0 means 1 GiB,
	// a negative value no bound.
	MaxFileSize int64
	// MaxTokenSize is the longest single XML token accepted (a tag with
	// its attributes, a text, a comment), in bytes; 0 means 1 MiB.
	MaxTokenSize int
}

func (o *ReadOptions) maxFile() int64 {
	if o.MaxFileSize == 0 {
		return 1 << 30
	}
	return o.MaxFileSize
}

func (o *ReadOptions) maxToken() int {
	if o.MaxTokenSize <= 0 {
		return 1 << 20
	}
	return o.MaxTokenSize
}

// File is what [Read] tells of an import file besides its bilans.
type File struct {
	// Name is the file's name, as given to Read.
	Name string `json:"name"`
	// Version is its schemaVersion, "2.0" to "7.0".
	Version string `json:"version"`
	// Identity is the software that wrote it (entete).
	Identity Identity `json:"identity"`
	// UAI is the establishment's (entete/etablissement).
	UAI string `json:"uai"`
	// Bilans counts its bilans périodiques.
	Bilans int `json:"bilans"`
	// NotCarried counts, by kind, what the file holds and the model has
	// no field for: bilans de cycle, parcours and vies scolaires communs,
	// a discipline's id-lv, a socle domain without positionnement
	// (versions 2.0 and 3.0), a date's time zone, the EPIs, APs, groups
	// and appreciations communes that no bilan refers to. Each Reason's
	// Text says it in French with its Count.
	NotCarried []Reason `json:"notCarried,omitempty"`
}

// FileBilan is a bilan périodique as the file gives it.
type FileBilan struct {
	// Bilan is the bilan in the model: its Student is the eleve's id-be
	// as written (without a sign), its Period the periode's; Imported is
	// set. Teachers' keys have their id-sts as written.
	lsusync.Bilan
	// Class is the code-division of its eleve.
	Class string
	// Line is the line of its bilan-periodique element.
	Line int
	// Unfit says why the model cannot hold the bilan as the file gives
	// it (two acquis of one subject and modalité, a lock date that is no
	// date), or nil.
	Unfit []Reason
}

// Read reads LSU's import file of versions 2.0 to 7.0 from r, and calls
// fn with each bilan périodique, in the order of the file. name names the
// file in errors.
//
// Read checks, in Go, every constraint of LSU's schema: that of version
// 7.0, which takes every version from 2.0, and for a file of version 2.0
// or 3.0 also that of 2020 (GEPI's), whose socle domains may lack their
// positionnement. Where validators differ it takes the stricter: each
// IDREF must name an element (libxml2 does not check), an IDREFS holds
// at least one id (xmllint accepts none, Xerces and LSU do not), a date
// holds no space around it (libxml2 refuses it). It also checks what the
// schema does not: each reference names an element of the right kind
// (an eleve-ref an eleve). It refuses a DOCTYPE and an encoding other
// than UTF-8, ISO-8859-1, ISO-8859-15 and windows-1252, and bounds the
// file's size and each token's (opts). A refused file gives an [*Error]
// with its line, element and rule, never a pupil's name or the school's
// text.
//
// fn is called as the bilans are read, before the end of the file is:
// a file refused after some calls gives Read's error, and the bilans fn
// was given must be dropped. An error of fn stops Read, which returns it.
// Read's memory grows with the file's shared lists (pupils, subjects,
// EPIs...), not with its bilans.
func Read(ctx context.Context, r io.Reader, name string, opts ReadOptions, fn func(*FileBilan) error) (*File, error) {
	if max := opts.maxFile(); max > 0 {
		r = &limitedReader{r: r, n: max, file: name}
	}
	r, err := prologue(r, name)
	if err != nil {
		return nil, err
	}
	d := newDecoder(ctx, r, name, opts.maxToken(), fn)
	if err := d.document(); err != nil {
		return nil, err
	}
	return d.result(), nil
}

// limitedReader refuses input beyond n bytes.
type limitedReader struct {
	r    io.Reader
	n    int64
	file string
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One byte more tells a file of exactly the bound from a longer one.
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n == 0 {
			return 0, io.EOF
		}
		return 0, &Error{File: l.file, Msg: "the file is larger than the bound of " + fmt.Sprint(l.n) + " bytes", Err: ErrTooLarge}
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// The kinds of the elements an id names.
type idKind uint8

const (
	idResp idKind = iota + 1
	idPupil
	idPeriod
	idDiscipline
	idTeacher
	idElement
	idCommon
	idEPI
	idEPIGroup
	idAP
	idAPGroup
)

var idKindNames = [...]string{
	idResp: "responsable-etab", idPupil: "eleve", idPeriod: "periode", idDiscipline: "discipline",
	idTeacher: "enseignant", idElement: "element-programme", idCommon: "competences-numeriques-commun",
	idEPI: "epi", idEPIGroup: "epi-groupe", idAP: "acc-perso", idAPGroup: "acc-perso-groupe",
}

type idEntry struct {
	kind  idKind
	index int
	line  int
}

type pupilEntry struct {
	id, class string
	number    string // id-be as a number, for its uniqueness
	periods   []int  // the periods of its bilans, for (eleve, periode) uniqueness
	cycles    uint8  // the cycles of its bilans de cycle
}

type periodEntry struct {
	p     lsusync.Period
	unfit string // why the model cannot hold it
}

type discEntry struct {
	s    lsusync.Subject
	idLV string
}

// decoder reads one file.
type decoder struct {
	t    *tokenizer
	file string
	fn   func(*FileBilan) error

	version string
	old     bool   // version 2.0 or 3.0: the 2020 schema may accept what 7.0 refuses
	not2020 bool   // the file breaks a rule of the 2020 schema
	only7   *Error // the first refusal of 7.0 that the 2020 schema accepts

	ns []nsBinding

	header   File
	ids      map[string]idEntry
	lvRefs   []lvRef // id-lv references, checked at the end
	resp     []string
	pupils   []pupilEntry
	periods  []periodEntry
	disc     []discEntry
	teachers []lsusync.TeacherKey
	elements []string
	commons  []lsusync.DigitalCommon
	themes   map[string]string
	epis     []lsusync.EPI
	epiGrps  []lsusync.EPIGroup
	aps      []lsusync.AP
	apGrps   []lsusync.APGroup
	used     map[idKind][]bool // shared elements a bilan refers to
	// groupOfIndex gives, for idEPIGroup and idAPGroup, the EPI or AP
	// of each group.
	groupOfIndex map[idKind][]int
	keys         map[string]bool // the keys of the uniqueness constraints of the lists
	pupilNumbers map[string]int  // id-be as a number -> pupil
	manyBilans   map[[2]int]bool // (pupil, period) of the pupils of more than 16 bilans

	notCarried map[string]int
	bilans     int

	// The current element.
	elem  string
	line  int
	attrs []attr
	vbuf  []byte
	path  []string
}

type nsBinding struct {
	prefix, uri string
	depth       int
}

type lvRef struct {
	id   string
	line int
}

// attr is an attribute of the current element, decoded.
type attr struct {
	name string
	val  []byte
	line int
}

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

func newDecoder(ctx context.Context, r io.Reader, file string, maxToken int, fn func(*FileBilan) error) *decoder {
	return &decoder{
		t: newTokenizer(ctx, r, file, maxToken), file: file, fn: fn,
		ids: make(map[string]idEntry), themes: make(map[string]string), used: make(map[idKind][]bool),
		groupOfIndex: make(map[idKind][]int), keys: make(map[string]bool), pupilNumbers: make(map[string]int),
		notCarried: make(map[string]int),
	}
}

// fail returns a refusal of the current element or of its attribute a
// ("" for the element), at line (0: the element's).
func (d *decoder) fail(sentinel error, a string, line int, value, msg string) *Error {
	e := &Error{File: d.file, Line: d.line, Element: d.elem, Value: value, Msg: msg, Err: sentinel}
	if a != "" {
		e.Element += "@" + a
	}
	if line > 0 {
		e.Line = line
	}
	return e
}

// --- elements -------------------------------------------------------------

// start reads the next token inside the current element: the start of a
// child element (true), or the current element's end (false). Character
// data between children must be whitespace, and no CDATA section.
func (d *decoder) start() (bool, error) {
	for {
		k, err := d.t.next()
		if err != nil {
			return false, err
		}
		switch k {
		case tokText:
			if !blankText(string(d.t.text)) || d.t.cdata {
				return false, d.fail(ErrSchema, "", d.t.textLine, "", "text inside <"+d.elem+">, which holds elements only")
			}
		case tokStart:
			if err := d.enter(); err != nil {
				return false, err
			}
			return true, nil
		case tokEnd:
			d.leave()
			return false, nil
		case tokEOF:
			return false, d.t.syntax(d.t.pos, "the file ends early")
		}
	}
}

// enter makes the start tag just read the current element: it resolves
// its namespace and decodes its attributes.
func (d *decoder) enter() error {
	t := d.t
	depth := len(t.stack)
	d.line = t.line(t.tokStart)
	// Namespace declarations first: they apply to the tag itself.
	for i := range t.attrs {
		a := &t.attrs[i]
		prefix, ok := nsDecl(a.name)
		if !ok {
			continue
		}
		uri, err := t.value(a, nil)
		if err != nil {
			return err
		}
		if prefix != "" && len(uri) == 0 {
			return t.syntax(a.pos, "xmlns:"+prefix+" declared empty")
		}
		d.ns = append(d.ns, nsBinding{prefix: prefix, uri: string(uri), depth: depth})
	}
	qname := string(t.name)
	prefix, local := "", qname
	if i := strings.IndexByte(qname, ':'); i >= 0 {
		prefix, local = qname[:i], qname[i+1:]
	}
	uri, ok := d.resolve(prefix)
	d.path = append(d.path, local)
	d.elem = local
	if !ok {
		return d.fail(ErrSyntax, "", 0, "", "the prefix "+prefix+" of <"+qname+"> is not declared")
	}
	if uri != Namespace {
		return d.fail(ErrSchema, "", 0, "", "<"+qname+"> is not in LSU's namespace "+Namespace+" (it is in "+strings.TrimSpace("«"+uri+"»")+")")
	}
	d.attrs = d.attrs[:0]
	d.vbuf = d.vbuf[:0]
	type span struct{ a, b int }
	var spans [16]span
	sp := spans[:0]
	for i := range t.attrs {
		a := &t.attrs[i]
		if _, ok := nsDecl(a.name); ok {
			continue
		}
		name := string(a.name)
		if j := strings.IndexByte(name, ':'); j >= 0 {
			p, l := name[:j], name[j+1:]
			u, ok := d.resolve(p)
			if !ok {
				return d.fail(ErrSyntax, name, t.line(a.pos), "", "the prefix "+p+" is not declared")
			}
			if u == xsiNS && (l == "schemaLocation" || l == "noNamespaceSchemaLocation") {
				continue // a hint to validators, which LSU's schema allows anywhere
			}
			if u == xsiNS {
				return d.fail(ErrSchema, name, t.line(a.pos), "", "xsi:"+l+" is not allowed here (lsufile reads no xsi attribute but xsi:schemaLocation)")
			}
			return d.fail(ErrSchema, name, t.line(a.pos), "", "attribute "+name+" of namespace "+u+" is not allowed")
		}
		start := len(d.vbuf)
		v, err := t.value(a, d.vbuf)
		if err != nil {
			return err
		}
		d.vbuf = v
		d.attrs = append(d.attrs, attr{name: name, line: t.line(a.pos)})
		sp = append(sp, span{start, len(d.vbuf)})
	}
	for i := range d.attrs {
		d.attrs[i].val = d.vbuf[sp[i].a:sp[i].b]
	}
	return nil
}

// nsDecl reports whether an attribute is a namespace declaration, and the
// prefix it declares ("" for the default namespace).
func nsDecl(name []byte) (string, bool) {
	switch {
	case string(name) == "xmlns":
		return "", true
	case len(name) > 6 && string(name[:6]) == "xmlns:":
		return string(name[6:]), true
	}
	return "", false
}

func (d *decoder) resolve(prefix string) (string, bool) {
	for i := len(d.ns) - 1; i >= 0; i-- {
		if d.ns[i].prefix == prefix {
			return d.ns[i].uri, true
		}
	}
	if prefix == "" {
		return "", true
	}
	if prefix == "xml" {
		return "http://www.w3.org/XML/1998/namespace", true
	}
	return "", false
}

// leave ends the current element: its namespace declarations go.
func (d *decoder) leave() {
	depth := len(d.t.stack) // after the end tag
	for len(d.ns) > 0 && d.ns[len(d.ns)-1].depth > depth {
		d.ns = d.ns[:len(d.ns)-1]
	}
	if len(d.path) > 0 {
		d.path = d.path[:len(d.path)-1]
	}
	if len(d.path) > 0 {
		d.elem = d.path[len(d.path)-1]
	}
}

// text reads the simple content of the current element, to its end: text
// and CDATA, comments skipped; no child element.
func (d *decoder) text() (string, int, error) {
	var b []byte
	pos := -1
	for {
		k, err := d.t.next()
		if err != nil {
			return "", 0, err
		}
		switch k {
		case tokText:
			if pos < 0 {
				pos = d.t.textLine
			}
			b = append(b, d.t.text...)
		case tokStart:
			if err := d.enter(); err != nil {
				return "", 0, err
			}
			return "", 0, d.fail(ErrSchema, "", 0, "", "<"+d.elem+"> inside an element that holds text only")
		case tokEnd:
			d.leave()
			return string(b), pos, nil
		}
	}
}

// empty reads the end of an element that holds neither text nor
// elements.
func (d *decoder) empty() error {
	elem := d.elem
	for {
		k, err := d.t.next()
		if err != nil {
			return err
		}
		switch k {
		case tokText:
			return d.fail(ErrSchema, "", d.t.textLine, "", "text inside <"+elem+">, which holds nothing")
		case tokStart:
			if err := d.enter(); err != nil {
				return err
			}
			return d.fail(ErrSchema, "", 0, "", "<"+d.elem+"> inside <"+elem+">, which holds nothing")
		case tokEnd:
			d.leave()
			return nil
		}
	}
}

// seq is an element of a sequence: its name, how many times it may
// occur, and how to read it.
type seq struct {
	name     string
	min, max int // max 0: unbounded
	read     func() error
}

// sequence reads the children of the current element in the order items
// gives.
func (d *decoder) sequence(items []seq) error {
	parent := d.elem
	i, n := 0, 0 // the item being read, and its occurrences
	for {
		ok, err := d.start()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		for i < len(items) && items[i].name != d.elem {
			if n < items[i].min {
				return d.fail(ErrSchema, "", 0, "", "<"+d.elem+"> where <"+parent+"> expects <"+items[i].name+">")
			}
			i, n = i+1, 0
		}
		if i == len(items) {
			return d.fail(ErrSchema, "", 0, "", "<"+d.elem+"> is not allowed here in <"+parent+">")
		}
		if items[i].max > 0 && n == items[i].max {
			return d.fail(ErrSchema, "", 0, "", "<"+d.elem+"> once too often in <"+parent+">")
		}
		n++
		if err := items[i].read(); err != nil {
			return err
		}
	}
	for ; i < len(items); i, n = i+1, 0 {
		if n < items[i].min {
			d.elem = parent
			return d.fail(ErrSchema, "", d.t.line(d.t.pos), "", "<"+parent+"> lacks <"+items[i].name+">")
		}
	}
	return nil
}

// list reads the children of the current element, each named item, at
// least one.
func (d *decoder) list(item string, read func() error) error {
	return d.sequence([]seq{{name: item, min: 1, read: read}})
}

// --- attributes -----------------------------------------------------------

// av is an attribute's value, as the element's attribute list finds it.
type av struct {
	v    []byte
	line int
	ok   bool
}

// attrsOf matches the current element's attributes with names: out[i]
// is the attribute names[i]. An attribute of another name is refused;
// required names the attributes that must be there.
func (d *decoder) attrsOf(names []string, out []av, required ...string) error {
	for i := range out {
		out[i] = av{}
	}
	for _, a := range d.attrs {
		i := slices.Index(names, a.name)
		if i < 0 {
			return d.fail(ErrSchema, a.name, a.line, "", "attribute "+a.name+" is not allowed in <"+d.elem+">")
		}
		out[i] = av{v: a.val, line: a.line, ok: true}
	}
	for _, r := range required {
		if !out[slices.Index(names, r)].ok {
			return d.fail(ErrSchema, r, 0, "", "<"+d.elem+"> lacks its attribute "+r)
		}
	}
	return nil
}

// --- values ---------------------------------------------------------------

// collapse removes the whitespace around b, as XML Schema does for the
// types that are not texts (numbers, dates, ids).
func collapse(b []byte) []byte {
	for len(b) > 0 && isSpace(rune(b[0])) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(rune(b[len(b)-1])) {
		b = b[:len(b)-1]
	}
	return b
}

// str checks the text s of an attribute or element against sp: its length
// in characters, a character that is not a space unless sp allows blanks,
// and no carriage return in a patterned text. personal hides the value.
func (d *decoder) str(sp *spec, a string, pos int, s string, personal bool) (string, error) {
	show := s
	if personal {
		show = ""
	}
	n := utf8.RuneCountInString(s)
	switch {
	case sp.maxLen > 0 && n > sp.maxLen || n < sp.minLen:
		if sp.minLen == sp.maxLen {
			return "", d.fail(ErrSchema, a, pos, show, fmt.Sprintf("%d characters where LSU's schema wants %d", n, sp.minLen))
		}
		return "", d.fail(ErrSchema, a, pos, show, fmt.Sprintf("%d characters where LSU's schema wants %d to %d", n, sp.minLen, sp.maxLen))
	case !sp.blank && sp.minLen > 0 && blankText(s):
		return "", d.fail(ErrSchema, a, pos, show, "spaces only, where LSU's schema wants a character that is not a space")
	case !sp.blank && sp.minLen > 0 && strings.IndexByte(s, '\r') >= 0:
		return "", d.fail(ErrSchema, a, pos, show, "a carriage return, which LSU's schema refuses in a text")
	}
	return cleaned(s), nil
}

// enum checks that s is one of values.
func (d *decoder) enum(values []string, a string, pos int, s string) error {
	if !slices.Contains(values, s) {
		return d.fail(ErrSchema, a, pos, s, "not one of "+strings.Join(values, ", "))
	}
	return nil
}

// integer parses an xs:integer (whitespace collapsed, an optional sign,
// digits), within [lo, hi] (hi 0: no upper bound), and its digits
// without sign. big reports a value beyond int64.
func (d *decoder) integer(a string, v av, lo, hi int64, typ string) (int64, string, error) {
	b := collapse(v.v)
	s := string(b)
	neg := false
	digits := b
	if len(digits) > 0 && (digits[0] == '+' || digits[0] == '-') {
		neg = digits[0] == '-'
		digits = digits[1:]
	}
	if len(digits) == 0 {
		return 0, "", d.fail(ErrSchema, a, v.line, s, "not an integer ("+typ+")")
	}
	var n int64
	over := false
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, "", d.fail(ErrSchema, a, v.line, s, "not an integer ("+typ+")")
		}
		if n > (1<<62)/10 {
			over = true
		} else {
			n = n*10 + int64(c-'0')
		}
	}
	zero := strings.TrimLeft(string(digits), "0") == ""
	if neg && !zero {
		n = -n
	}
	switch {
	case over && (neg || hi > 0):
		return 0, "", d.fail(ErrSchema, a, v.line, s, "out of the range of "+typ)
	case !over && (n < lo || hi > 0 && n > hi):
		return 0, "", d.fail(ErrSchema, a, v.line, s, fmt.Sprintf("out of the range of %s (%d to %d)", typ, lo, hi))
	}
	return n, string(digits), nil
}

// digit checks an integer restricted by a pattern of one digit among
// allowed ("1234"), on its collapsed lexical form.
func (d *decoder) digit(a string, v av, allowed string) (int, error) {
	b := collapse(v.v)
	if len(b) != 1 || strings.IndexByte(allowed, b[0]) < 0 {
		return 0, d.fail(ErrSchema, a, v.line, string(b), "not one of "+strings.Join(strings.Split(allowed, ""), ", "))
	}
	return int(b[0] - '0'), nil
}

// boolean parses an xs:boolean: true, false, 1, 0.
func (d *decoder) boolean(a string, v av) (bool, error) {
	switch string(collapse(v.v)) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, d.fail(ErrSchema, a, v.line, string(v.v), "not a boolean (true, false, 1 or 0)")
}

// date parses an xs:date: [-]YYYY-MM-DD, a year of four digits or more
// (not 0000, no leading zero beyond four), a day of its month, an
// optional time zone (Z, +hh:mm, -hh:mm up to 14:00). As libxml2 does, it
// refuses spaces around it. It reports whether it had a time zone.
func (d *decoder) date(a string, v av) (lsusync.Date, bool, error) {
	s := string(v.v)
	bad := func() (lsusync.Date, bool, error) {
		return lsusync.Date{}, false, d.fail(ErrSchema, a, v.line, s, "not a date of LSU's schema (YYYY-MM-DD)")
	}
	i := 0
	neg := strings.HasPrefix(s, "-")
	if neg {
		i = 1
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	year := s[i:j]
	if len(year) < 4 || len(year) > 4 && year[0] == '0' || len(year) > 9 || year == "0000" {
		return bad()
	}
	rest := s[j:]
	if len(rest) < 6 || rest[0] != '-' || rest[3] != '-' || !isDigits(rest[1:3]) || !isDigits(rest[4:6]) {
		return bad()
	}
	y := atoi(year)
	if neg {
		y = -y
	}
	m, day := atoi(rest[1:3]), atoi(rest[4:6])
	dt := lsusync.Date{Year: y, Month: time.Month(m), Day: day}
	if m < 1 || m > 12 || day < 1 || day > daysIn(y, m) {
		return bad()
	}
	zone := rest[6:]
	switch {
	case zone == "":
		return dt, false, nil
	case zone == "Z":
		return dt, true, nil
	case len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' && isDigits(zone[1:3]) && isDigits(zone[4:6]):
		h, mm := atoi(zone[1:3]), atoi(zone[4:6])
		if h < 14 && mm < 60 || h == 14 && mm == 0 {
			return dt, true, nil
		}
	}
	return bad()
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && y%100 != 0 || y%400 == 0 {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// stringDateTime checks LSU's StringDateTime, a text of 10 to 19
// characters of the pattern (\d{4}-\d{2}-\d{2})+(T\d{2}:\d{2}:\d{2})?,
// where \d is any Unicode digit, as the schema's regular expressions
// have it. It returns the model's DateTime, and why the model cannot
// hold it (a date that is no date of the calendar, digits that are not
// ASCII) or "".
func (d *decoder) stringDateTime(a string, v av) (lsusync.DateTime, string, error) {
	s := string(v.v)
	r := []rune(s)
	ok := len(r) == 10 || len(r) == 19
	for i := 0; ok && i < len(r); i++ {
		switch i {
		case 4, 7:
			ok = r[i] == '-'
		case 10:
			ok = r[i] == 'T'
		case 13, 16:
			ok = r[i] == ':'
		default:
			ok = unicode.IsDigit(r[i])
		}
	}
	if !ok {
		return lsusync.DateTime{}, "", d.fail(ErrSchema, a, v.line, s, "not a date of LSU's schema (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, without a time zone)")
	}
	t, err := lsusync.ParseDateTime(s)
	if err != nil || t.Date.Year == 0 {
		return lsusync.DateTime{}, fLockDate.label + " « " + printable(s) + " » : pas une date du calendrier", nil
	}
	return t, "", nil
}

// ncName checks an xs:ID or xs:IDREF, whitespace collapsed: an XML name
// without a colon.
func (d *decoder) ncName(a string, pos int, b []byte) (string, error) {
	b = collapse(b)
	s := string(b)
	if !isNCName(s) {
		return "", d.fail(ErrSchema, a, pos, s, "not an XML name without a colon (an id)")
	}
	return s, nil
}

func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		first := i == 0
		if r < utf8.RuneSelf {
			if r == ':' || !nameByte(byte(r), first) {
				return false
			}
			continue
		}
		if !nameRune(r, first) {
			return false
		}
	}
	return true
}

// defineID records the id of an element of a kind.
func (d *decoder) defineID(v av, kind idKind, index int) error {
	id, err := d.ncName("id", v.line, v.v)
	if err != nil {
		return err
	}
	if e, ok := d.ids[id]; ok {
		return d.fail(ErrSchema, "id", v.line, id, fmt.Sprintf("an id given twice: also <%s> line %d", idKindNames[e.kind], e.line))
	}
	d.ids[id] = idEntry{kind: kind, index: index, line: v.line}
	return nil
}

// ref resolves an IDREF that must name an element of kind.
func (d *decoder) ref(a string, v av, kind idKind) (int, error) {
	id, err := d.ncName(a, v.line, v.v)
	if err != nil {
		return 0, err
	}
	return d.resolveRef(a, v.line, id, kind)
}

func (d *decoder) resolveRef(a string, pos int, id string, kind idKind) (int, error) {
	e, ok := d.ids[id]
	switch {
	case !ok:
		return 0, d.fail(ErrReference, a, pos, id, "names no element of the file: it must be the id of a <"+idKindNames[kind]+">")
	case e.kind != kind:
		return 0, d.fail(ErrReference, a, pos, id, fmt.Sprintf("names a <%s> (line %d) where a <%s> is wanted", idKindNames[e.kind], e.line, idKindNames[kind]))
	}
	return e.index, nil
}

// refs resolves an IDREFS that must name elements of kind, at least min.
func (d *decoder) refs(a string, v av, kind idKind, min int) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(string(v.v), func(r rune) bool { return isSpace(r) }) {
		if !isNCName(f) {
			return nil, d.fail(ErrSchema, a, v.line, f, "not an XML name without a colon (an id)")
		}
		i, err := d.resolveRef(a, v.line, f, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	if len(out) < min {
		if min == 1 {
			return nil, d.fail(ErrReference, a, v.line, string(v.v), "an empty list of references: LSU wants at least one (xmllint accepts none, Xerces and LSU do not)")
		}
		return nil, d.fail(ErrSchema, a, v.line, string(v.v), fmt.Sprintf("%d references where LSU's schema wants at least %d", len(out), min))
	}
	return out, nil
}

// use marks the shared element i of kind as referred to by a bilan.
func (d *decoder) use(kind idKind, i int) {
	u := d.used[kind]
	for len(u) <= i {
		u = append(u, false)
	}
	u[i] = true
	d.used[kind] = u
}

// breaks2020 records a rule of the 2020 schema that the file breaks.
func (d *decoder) breaks2020() { d.not2020 = true }

// refuse7 records a refusal of version 7.0 that the 2020 schema does not
// make: the file stands if it is of version 2.0 or 3.0 and keeps every
// rule of 2020. It returns the refusal for a file of a later version.
func (d *decoder) refuse7(e *Error) error {
	if !d.old {
		return e
	}
	if d.only7 == nil {
		d.only7 = e
	}
	return nil
}
