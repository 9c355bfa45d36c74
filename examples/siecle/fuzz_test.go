package siecle

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/lsusync/lsusync"
)

// A tok is one token of a document, as both decoders are compared on
// them: a start tag with its attributes, an end tag, or the character data
// between two tags (adjacent runs, split by comments, processing
// instructions or CDATA sections, merged).
type tok struct {
	kind  byte // 'S', 'E' or 'T'
	name  string
	attrs []string // name=value
	text  []byte
}

func (t tok) String() string {
	switch t.kind {
	case 'S':
		return fmt.Sprintf("<%s %q>", t.name, t.attrs)
	case 'E':
		return "</" + t.name + ">"
	}
	return fmt.Sprintf("%q", t.text)
}

func appendText(toks []tok, s []byte) []tok {
	if n := len(toks); n > 0 && toks[n-1].kind == 'T' {
		toks[n-1].text = append(toks[n-1].text, s...)
		return toks
	}
	return append(toks, tok{kind: 'T', text: append([]byte(nil), s...)})
}

// dropEmpty removes empty texts.
func dropEmpty(toks []tok) []tok {
	out := toks[:0]
	for _, t := range toks {
		if t.kind != 'T' || len(t.text) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// ourTokens decodes data with this package's tokenizer.
func ourTokens(data []byte) ([]tok, error) {
	o := Options{MaxTokenSize: 1 << 16}
	t := newTokenizer(context.Background(), bytes.NewReader(data), "fuzz.xml", &o)
	if err := t.prelude(); err != nil {
		return nil, err
	}
	var toks []tok
	for {
		k, err := t.next()
		if err != nil {
			return nil, err
		}
		switch k {
		case tokEOF:
			return dropEmpty(toks), nil
		case tokStart:
			s := tok{kind: 'S', name: string(t.name)}
			for _, a := range t.attrs {
				s.attrs = append(s.attrs, string(a.name)+"="+string(t.appendDecoded(nil, a.val, a.flags)))
			}
			toks = append(toks, s)
		case tokEnd:
			toks = append(toks, tok{kind: 'E', name: string(t.name)})
		case tokText:
			toks = appendText(toks, t.appendDecoded(nil, t.text, t.textFlags))
		}
	}
}

// refTokens decodes data with encoding/xml (strict, RawToken, with a
// charset reader for the same encodings) and applies the well-formedness
// rules that RawToken leaves to its caller: matching end tags, one root
// element, only white space outside it, no DOCTYPE, attributes once.
func refTokens(data []byte) ([]tok, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		cs := lookupCharset(label)
		switch cs {
		case nil:
			return nil, fmt.Errorf("unknown charset %q", label)
		case utf8Charset:
			return r, nil
		case iso885915Charset:
			return charmap.ISO8859_15.NewDecoder().Reader(r), nil
		case iso88591Charset:
			return charmap.ISO8859_1.NewDecoder().Reader(r), nil
		}
		return charmap.Windows1252.NewDecoder().Reader(r), nil
	}
	var toks []tok
	var stack []string
	rootSeen, rootDone := false, false
	name := func(n xml.Name) string {
		if n.Space != "" {
			return n.Space + ":" + n.Local
		}
		return n.Local
	}
	for {
		tk, err := d.RawToken()
		if err == io.EOF {
			if len(stack) > 0 {
				return nil, errors.New("unclosed element")
			}
			if !rootSeen {
				return nil, errors.New("no root")
			}
			return dropEmpty(toks), nil
		}
		if err != nil {
			return nil, err
		}
		switch tk := tk.(type) {
		case xml.StartElement:
			if rootDone {
				return nil, errors.New("second root")
			}
			rootSeen = true
			s := tok{kind: 'S', name: name(tk.Name)}
			seen := map[string]bool{}
			for _, a := range tk.Attr {
				n := name(a.Name)
				if seen[n] {
					return nil, errors.New("duplicate attribute")
				}
				seen[n] = true
				s.attrs = append(s.attrs, n+"="+a.Value)
			}
			stack = append(stack, s.name)
			toks = append(toks, s)
		case xml.EndElement:
			n := name(tk.Name)
			if len(stack) == 0 || stack[len(stack)-1] != n {
				return nil, errors.New("mismatched end tag")
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				rootDone = true
			}
			toks = append(toks, tok{kind: 'E', name: n})
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.Trim(tk, " \t\r\n")) > 0 {
					return nil, errors.New("text outside the root")
				}
				continue
			}
			toks = appendText(toks, tk)
		case xml.Directive:
			return nil, errors.New("directive")
		}
	}
}

// procInst is encoding/xml's reading of a pseudo-attribute of the XML
// declaration, which requires param="value" without spaces.
func procInst(param, s string) string {
	param = param + "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// FuzzDifferential decodes the same bytes with this package's tokenizer
// and with encoding/xml: both must fail, or give the same elements,
// attributes and texts. The tokenizer may refuse what encoding/xml
// accepts only by one of its documented stricter rules (a strict error).
func FuzzDifferential(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		// encoding/xml reads the declaration's version and encoding only
		// when written version="..." with no space around '=' (the XML
		// grammar allows spaces): skip declarations it reads differently.
		body := bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
		if bytes.HasPrefix(body, []byte("<?xml")) {
			if end := bytes.Index(body, []byte("?>")); end > 0 {
				decl := string(body[5:end])
				ver, enc, ok := parseDecl(body[5:end])
				if ok && (procInst("version", decl) != ver || procInst("encoding", decl) != enc) {
					return
				}
			}
		}
		ours, oerr := ourTokens(data)
		ref, rerr := refTokens(data)
		switch {
		case oerr != nil && rerr != nil:
			return
		case oerr != nil:
			if isStrict(oerr) {
				return
			}
			t.Fatalf("tokenizer refuses what encoding/xml reads: %v\nreference: %v", oerr, ref)
		case rerr != nil:
			t.Fatalf("tokenizer reads what encoding/xml refuses (%v):\n%v", rerr, ours)
		}
		if len(ours) != len(ref) {
			t.Fatalf("%d tokens, encoding/xml %d:\nours %v\nref  %v", len(ours), len(ref), ours, ref)
		}
		for i := range ours {
			if ours[i].String() != ref[i].String() {
				t.Fatalf("token %d: %v, encoding/xml %v", i, ours[i], ref[i])
			}
		}
	})
}

// FuzzTokenizer checks that the tokenizer never panics, ends, and reports
// every refusal as an *Error with a line, matching lsusync.ErrInvalid.
func FuzzTokenizer(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ourTokens(data)
		checkRefusal(t, err)
	})
}

func checkRefusal(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not an *Error: %v", err, err)
	}
	if !errors.Is(err, lsusync.ErrInvalid) {
		t.Fatalf("error does not match lsusync.ErrInvalid: %v", err)
	}
	if e.File == "" || e.Msg == "" {
		t.Fatalf("error without file or message: %#v", e)
	}
}

// The seeds of the fuzz targets: each kind of export in a few hundred
// bytes, every element and attribute its reader reads and one of each
// construct (a reference, CDATA, a comment, ISO-8859-15 bytes, empty
// elements in both forms). They are small on purpose: the fuzzing engine
// minimises every new input it finds, which takes its whole time budget
// (a minute) on an input of the size of the fixtures, and the fuzzer then
// runs a few executions a minute instead of thousands a second. The
// fixtures are read by the other tests.
const (
	seedDecl = `<?xml version="1.0" encoding="ISO-8859-15"?>` + "\n"

	seedEleves = seedDecl + `<BEE_ELEVES VERSION="3.0"><PARAMETRES><UAJ>0750001A</UAJ><ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE></PARAMETRES>` +
		`<DONNEES><ELEVES><ELEVE ELEVE_ID="012"><ID_NATIONAL>1</ID_NATIONAL><INE_RNIE>2</INE_RNIE><INE_BEA> 3 </INE_BEA>` +
		`<NOM>N</NOM><NOM_DE_FAMILLE>C` + "\xbc" + `UR</NOM_DE_FAMILLE><NOM_USAGE/><PRENOM>L&apos;` + "\xe9" + `</PRENOM><PRENOM2><![CDATA[&<]]></PRENOM2>` +
		`<PRENOM3></PRENOM3><DATE_NAISS>9/7/2012</DATE_NAISS><CODE_SEXE>2</CODE_SEXE><DATE_SORTIE>29/02/2024</DATE_SORTIE></ELEVE>` +
		`<ELEVE ELEVE_ID="7"><!-- c --></ELEVE></ELEVES><OPTIONS><OPTION ELEVE_ID="012"><OPTIONS_ELEVE><NUM_OPTION>2</NUM_OPTION>` +
		`<CODE_MODALITE_ELECT>F</CODE_MODALITE_ELECT><CODE_MATIERE>020300</CODE_MATIERE></OPTIONS_ELEVE><OPTIONS_ELEVE>` +
		`<CODE_MODALITE_ELECT>N</CODE_MODALITE_ELECT><CODE_MATIERE>040800</CODE_MATIERE></OPTIONS_ELEVE><OPTIONS_ELEVE><NUM_OPTION>1</NUM_OPTION>` +
		`<CODE_MODALITE_ELECT>O</CODE_MODALITE_ELECT><CODE_MATIERE>030201</CODE_MATIERE></OPTIONS_ELEVE></OPTION><OPTION ELEVE_ID="9"/></OPTIONS><STRUCTURES><STRUCTURES_ELEVE ELEVE_ID="012"><STRUCTURE>` +
		`<CODE_STRUCTURE>4e 1</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE><STRUCTURE><CODE_STRUCTURE>G</CODE_STRUCTURE>` +
		`<TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE><STRUCTURES_ELEVE ELEVE_ID="9"/></STRUCTURES></DONNEES></BEE_ELEVES>`

	seedCommuns = seedDecl + `<BEE_COMMUN><PARAMETRES><UAJ>0750001A</UAJ></PARAMETRES><DONNEES><UAJ><DENOM_PRINC>COLL` + "\xc8" + `GE</DENOM_PRINC>` +
		`<NOM_RESP>F D&apos;A</NOM_RESP><LIGNE1_ADRESSE>1</LIGNE1_ADRESSE><LIGNE2_ADRESSE/><LIGNE3_ADRESSE>3</LIGNE3_ADRESSE>` +
		`<LIGNE4_ADRESSE>4</LIGNE4_ADRESSE><CODE_POSTAL>75005</CODE_POSTAL><COMMUNE_ETRANGERE>M</COMMUNE_ETRANGERE><CODE_PAYS>100</CODE_PAYS>` +
		"<TELEPHONE>01</TELEPHONE><MEL_1>a@b.fr</MEL_1></UAJ></DONNEES></BEE_COMMUN>\r\n"

	seedStructures = seedDecl + `<BEE_STRUCTURES><PARAMETRES><UAJ>0750001A</UAJ></PARAMETRES><DONNEES><DIVISIONS>` +
		`<DIVISION CODE_STRUCTURE="4e 1"><LIBELLE_LONG>4` + "\xe8" + `me</LIBELLE_LONG></DIVISION><DIVISION CODE_STRUCTURE="6 B"/></DIVISIONS>` +
		`</DONNEES></BEE_STRUCTURES>`

	seedNomenclature = seedDecl + `<BEE_NOMENCLATURES><PARAMETRES><UAJ>0750001A</UAJ></PARAMETRES><DONNEES><MATIERES>` +
		`<MATIERE CODE_MATIERE="030201"><LIBELLE_COURT>A</LIBELLE_COURT><LIBELLE_LONG/><LIBELLE_EDITION>` + "\xe9" + `</LIBELLE_EDITION></MATIERE>` +
		`</MATIERES><PROGRAMMES><PROGRAMME><CODE_MEF>1</CODE_MEF><CODE_MATIERE>030201</CODE_MATIERE><CODE_MODALITE_ELECT>F</CODE_MODALITE_ELECT>` +
		`<HORAIRE>0.00</HORAIRE></PROGRAMME><PROGRAMME><CODE_MEF>1</CODE_MEF><CODE_MATIERE>030201</CODE_MATIERE>` +
		`<CODE_MODALITE_ELECT>S</CODE_MODALITE_ELECT><HORAIRE>4,5</HORAIRE></PROGRAMME></PROGRAMMES></DONNEES></BEE_NOMENCLATURES>`

	seedSTS = seedDecl + `<STS_EDT><PARAMETRES><UAJ CODE="0750001A"><DENOM_PRINC>C</DENOM_PRINC><ADRESSE>` + "\xbc" + `</ADRESSE>` +
		`<CODE_POSTAL>7</CODE_POSTAL><COMMUNE>P</COMMUNE><TELEPHONE>0</TELEPHONE></UAJ><ANNEE_SCOLAIRE ANNEE="2025">` +
		`<DATE_DEBUT>2025-09-01</DATE_DEBUT><DATE_FIN/></ANNEE_SCOLAIRE></PARAMETRES><NOMENCLATURES><MATIERES><MATIERE CODE="030201">` +
		`<LIBELLE_COURT>A</LIBELLE_COURT><LIBELLE_LONG/><LIBELLE_EDITION>B</LIBELLE_EDITION></MATIERE></MATIERES></NOMENCLATURES>` +
		`<DONNEES><INDIVIDUS><INDIVIDU ID="41" TYPE="epp"><SEXE>2</SEXE><CIVILITE>3</CIVILITE><NOM_USAGE/><NOM_PATRONYMIQUE>M</NOM_PATRONYMIQUE>` +
		`<PRENOM>S</PRENOM><PROFS_PRINC><PROF_PRINC><CODE_STRUCTURE>4e 1</CODE_STRUCTURE><DATE_DEBUT>2025-09-01</DATE_DEBUT>` +
		`<DATE_FIN>2026-07-04</DATE_FIN></PROF_PRINC></PROFS_PRINC></INDIVIDU><INDIVIDU TYPE="dir" ID="3"/></INDIVIDUS><SUPPLEANTS>` +
		`<SUPPLEANT ID="5" TYPE="local"/><SERVICES_SUPPLEANTS/></SUPPLEANTS><STRUCTURE><DIVISIONS><DIVISION CODE="4e 1"><LIBELLE_LONG>Q</LIBELLE_LONG>` +
		`<MEFS_APPARTENANCE><MEF_APPARTENANCE CODE="1"/></MEFS_APPARTENANCE><SERVICES><SERVICE CODE_MATIERE="030201"><ENSEIGNANTS>` +
		`<ENSEIGNANT ID="41" TYPE="epp"/></ENSEIGNANTS></SERVICE></SERVICES></DIVISION></DIVISIONS><GROUPES><GROUPE CODE="G">` +
		`<DIVISIONS_APPARTENANCE><DIVISION_APPARTENANCE CODE="4e 1"/></DIVISIONS_APPARTENANCE><SERVICES><SERVICE CODE_MATIERE="030201">` +
		`<ENSEIGNANTS><ENSEIGNANT ID="3" TYPE="dir"/></ENSEIGNANTS></SERVICE></SERVICES></GROUPE></GROUPES></STRUCTURE></DONNEES></STS_EDT>`
)

// seeds are the seeds of each kind.
var seeds = []string{seedEleves, seedCommuns, seedStructures, seedNomenclature, seedSTS}

// TestSeedsRead: each seed is a valid export of its kind, read without
// error, so that the fuzzers start from documents that go all the way.
func TestSeedsRead(t *testing.T) {
	for i, s := range seeds {
		p, err := readStream(context.Background(), strings.NewReader(s), "seed.xml", &Options{})
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		if p.kind != Kind(i+1) || len(p.unknown) > 0 {
			t.Errorf("seed %d: kind %v, unexpected elements %v", i, p.kind, p.unknown)
		}
	}
	// The seeds are ISO-8859-15 bytes, not escapes.
	p, err := readStream(context.Background(), strings.NewReader(seedEleves), "seed.xml", &Options{})
	require.NoError(t, err)
	if got := p.eleves.pupils.at(0).st.LastName; got != "CŒUR" {
		t.Errorf("NOM_DE_FAMILLE of the seed: %q, want CŒUR", got)
	}
	want := []lsusync.SubjectKey{{Code: "030201", Modality: "O"}, {Code: "020300", Modality: "F"}}
	if got := p.eleves.options["012"]; !reflect.DeepEqual(got, want) {
		t.Errorf("options of the seed: %v, want %v", got, want)
	}
}

// fuzzKind is the fuzz target of the reader of one kind of file, seeded
// with its seed: readStream must not panic, must refuse with an *Error,
// and must give values when it accepts.
func fuzzKind(f *testing.F, seed string, kind Kind) {
	f.Add([]byte(seed))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := readStream(context.Background(), bytes.NewReader(data), "fuzz.xml", &Options{MaxTokenSize: 1 << 16})
		checkRefusal(t, err)
		// The fast paths of the tokenizer change nothing.
		slow, serr := readStream(context.Background(), bytes.NewReader(data), "fuzz.xml", &Options{MaxTokenSize: 1 << 16, slow: true})
		if (err == nil) != (serr == nil) {
			t.Fatalf("fast paths: %v, without: %v", err, serr)
		}
		if err != nil && err.Error() != serr.Error() {
			t.Fatalf("fast paths: %v, without: %v", err, serr)
		}
		if err == nil && !reflect.DeepEqual(p, slow) {
			t.Fatalf("fast paths give %+v, without %+v", p, slow)
		}
		if err == nil && p.kind == kind && kind == KindEleves {
			for i := range p.eleves.pupils.len() {
				if !isPositiveInt([]byte(p.eleves.pupils.at(i).st.ID)) {
					t.Fatalf("pupil with ELEVE_ID %q accepted", p.eleves.pupils.at(i).st.ID)
				}
			}
			for id, opts := range p.eleves.options {
				if !isPositiveInt([]byte(id)) || opts != nil && len(opts) == 0 {
					t.Fatalf("options of ELEVE_ID %q accepted: %v", id, opts)
				}
				for _, o := range opts {
					if !isSubjectCode([]byte(o.Code)) || lsuModality([]byte(o.Modality)) == "" {
						t.Fatalf("option %v of ELEVE_ID %q accepted", o, id)
					}
				}
			}
		}
	})
}

func FuzzEleves(f *testing.F)       { fuzzKind(f, seedEleves, KindEleves) }
func FuzzCommuns(f *testing.F)      { fuzzKind(f, seedCommuns, KindCommuns) }
func FuzzStructures(f *testing.F)   { fuzzKind(f, seedStructures, KindStructures) }
func FuzzNomenclature(f *testing.F) { fuzzKind(f, seedNomenclature, KindNomenclature) }
func FuzzSTS(f *testing.F)          { fuzzKind(f, seedSTS, KindSTS) }

// FuzzOpenFile fuzzes the opener: plain XML or zip, charset detection,
// root detection, bounds. The input is a file in memory, read by the code
// that reads every export from its opened file.
func FuzzOpenFile(f *testing.F) {
	for _, s := range seeds[1:3] {
		f.Add([]byte(s))
	}
	f.Add(zipOf(f, "Structures.xml", seedStructures))
	f.Add(zipOf(f, "__MACOSX/._a.xml", "x", "a.xml", seedCommuns, "second.xml", "<a/>"))
	f.Add([]byte("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><BEE_ELEVES/>"))
	f.Add([]byte("\xFF\xFE<\x00a\x00/\x00>\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := &Options{MaxFileSize: 1 << 20, MaxUncompressedSize: 1 << 20, MaxTokenSize: 1 << 16}
		_, err := readOpened(context.Background(), newMemFile("input", data), "input", o)
		checkRefusal(t, err)
	})
}

// memFile is a file in memory, as Options.open may give it.
type memFile struct {
	*bytes.Reader
	info memInfo
}

func newMemFile(name string, data []byte) *memFile {
	return &memFile{Reader: bytes.NewReader(data), info: memInfo{name: name, size: int64(len(data))}}
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }
func (m *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o644 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

// FuzzNUMEN fuzzes the NUMEN CSV parser.
func FuzzNUMEN(f *testing.F) {
	f.Add([]byte("type;id;numen\nepp;4189;12E0123456ABC\nlocal;17;\ndir;3;99X9999999ZZZ\n"))
	f.Add([]byte("\xEF\xBB\xBFtype,id,numen\r\nepp,1,12E0123456ABC\r\n\"local\",\"2\",\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := parseNUMEN(data, "numen.csv")
		checkRefusal(t, err)
		for _, r := range rows {
			if !isNUMEN(r.numen) || !isDigits([]byte(r.key.ID)) {
				t.Fatalf("row accepted: %+v", r)
			}
		}
	})
}

// addSeeds seeds the tokenizer targets with the seeds of the exports and
// small documents for each construct.
func addSeeds(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`<a/>`,
		`<?xml version="1.0"?><a b="1" c='2'>x&lt;&#65;&#x42;<![CDATA[<&]]><!-- c --><?pi d?>y</a>`,
		`<?xml version="1.0" encoding="ISO-8859-15"?>` + "<a>\xA4\xBD</a>",
		`<?xml version="1.0" encoding="windows-1252"?>` + "<a x=\"\x80\">\x9C</a>",
		`<?xml version="1.0" encoding="latin1"?>` + "<a>\xE9</a>",
		"\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8'?>\r\n<a>\r\né\r</a>",
		`<a:b xmlns:a="u" a:c="1"><d/></a:b>`,
		`<a>]]></a>`, `<a>&#0;</a>`, `<a>&#xD800;</a>`, `<a>&unknown;</a>`, `<!DOCTYPE a><a/>`,
		`<a></b>`, `<a><b></a>`, "<a>\x01</a>", `<a b="<"/>`, `<a b="1" b="2"/>`, `<a/><b/>`, `x<a/>`,
		`<a>` + strings.Repeat("<b>", 80) + strings.Repeat("</b>", 80) + `</a>`,
	} {
		f.Add([]byte(s))
	}
}
