package siecle

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/lsusync/lsusync"
)

// Kind is the kind of an export, recognised by its root element.
type Kind int

// The kinds of export.
const (
	// KindUnknown is not an export this package reads.
	KindUnknown Kind = iota
	// KindEleves is ElevesSansAdresses.xml or ElevesAvecAdresses.xml,
	// root BEE_ELEVES.
	KindEleves
	// KindCommuns is Communs.xml, root BEE_COMMUN.
	KindCommuns
	// KindStructures is Structures.xml, root BEE_STRUCTURES.
	KindStructures
	// KindNomenclature is Nomenclature.xml, root BEE_NOMENCLATURES.
	KindNomenclature
	// KindSTS is sts_emp_<UAI>_<YEAR>.xml, root STS_EDT.
	KindSTS
)

var kindRoots = [...]string{"", "BEE_ELEVES", "BEE_COMMUN", "BEE_STRUCTURES", "BEE_NOMENCLATURES", "STS_EDT"}
var kindFiles = [...]string{"", "ElevesSansAdresses.xml", "Communs.xml", "Structures.xml", "Nomenclature.xml", "sts_emp_<UAI>_<YEAR>.xml"}

// String returns the root element of the kind.
func (k Kind) String() string {
	if k > KindUnknown && int(k) < len(kindRoots) {
		return kindRoots[k]
	}
	return "unknown"
}

// parsed is what one file gives, before the files are put together.
type parsed struct {
	kind     Kind
	file     string // as errors name it
	name     string // as notices name it: the base name, "archive.zip:entry.xml" in a zip
	root     string
	uai      string
	uaiLine  int
	uaiElem  string
	year     string
	yearLine int
	yearElem string

	eleves     *elevesData
	communs    *communsData
	structures map[string]structDivision
	structList []string
	nomen      *nomenData
	sts        *stsData

	// unknown are the unexpected children of the lists the reader reads,
	// by parent and name, in the order first seen; unknownMore counts
	// those beyond maxUnexpected distinct names.
	unknown     []unexpected
	unknownMore int
}

// unexpected counts the children of one name found in a list whose items
// the sync uses (MEFS_APPARTENANCE, SERVICES, ELEVES...) beside those
// items. The reader skips them, and says so in a notice: they may carry
// data the sync needs, such as a MEFS_APPARTENANCE/MEF written instead of
// MEF_APPARTENANCE.
type unexpected struct {
	parent, name string
	want         string // the item the list is made of
	count        int
	line         int      // of the first
	records      []string // the records they belong to, each once, at most maxNoticeRecords
}

// maxNoticeRecords bounds the records a notice of unexpected elements
// names, so that a hostile file cannot grow memory with them.
const maxNoticeRecords = 1000

// maxUnexpected bounds the distinct unexpected names kept per file, so
// that a hostile file cannot grow memory with them.
const maxUnexpected = 64

type pupil struct {
	st       lsusync.Student
	exit     lsusync.Date
	division string
	groups   []string
	hasStruc bool
}

// pupilList is an append-only list of pupils stored in fixed-size
// chunks, so that growing it never copies the pupils already read.
type pupilList struct {
	chunks [][]pupil
	n      int
}

const pupilChunk = 1024

func (l *pupilList) add(p pupil) {
	if l.n%pupilChunk == 0 {
		l.chunks = append(l.chunks, make([]pupil, 0, pupilChunk))
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, p)
	l.n++
}

func (l *pupilList) at(i int) *pupil { return &l.chunks[i/pupilChunk][i%pupilChunk] }

func (l *pupilList) len() int { return l.n }

type elevesData struct {
	pupils  pupilList
	index   map[string]int
	pending map[string]pendingStruct        // structures read before their pupil
	divLine map[string]int                  // line of the first STRUCTURE of each division code
	options map[string][]lsusync.SubjectKey // the pupils' options, by ELEVE_ID, in NUM_OPTION order

	structs    int      // STRUCTURES_ELEVE read
	orphans    int      // STRUCTURES_ELEVE of no listed pupil
	orphanLine int      // of the first, in file order
	orphanIDs  []string // their ELEVE_IDs, in file order
}

type pendingStruct struct {
	division string
	groups   []string
	line     int
	seq      int // rank of the STRUCTURES_ELEVE in the file
}

type communsData struct {
	est lsusync.Establishment
}

type structDivision struct {
	label string
	line  int
}

type nomenSubject struct{ short, long, edition string }

// nomenProg is a PROGRAMME's modality and its rank in the file (from 1;
// 0 is no programme).
type nomenProg struct {
	modality string
	rank     int
}

// nomenProgs are the first programme of a (MEF, subject) with hours
// (HORAIRE > 0), and the first of any hours.
type nomenProgs struct {
	hours, any nomenProg
}

type nomenData struct {
	subjects map[string]nomenSubject
	progs    map[[2]string]nomenProgs // by (MEF, subject)
}

type stsSubject struct {
	short, long, edition string
}

type stsService struct {
	subject  string
	teachers []lsusync.TeacherKey
	line     int   // of SERVICE
	lines    []int // of each ENSEIGNANT
}

type stsDivision struct {
	code     string
	label    string
	mefs     []string
	services []stsService
	line     int
}

type stsGroup struct {
	code      string
	divisions []string
	services  []stsService
}

type stsPP struct {
	division   string
	start, end lsusync.Date
}

type stsTeacher struct {
	t    lsusync.Teacher
	pps  []stsPP
	sub  bool // a SUPPLEANT
	line int
}

type stsData struct {
	name, address, postal, city, phone string
	subjects                           map[string]stsSubject
	teachers                           []stsTeacher // INDIVIDU and SUPPLEANT in file order
	divisions                          []stsDivision
	divIndex                           map[string]int
	groups                             []stsGroup
}

// fileReader reads one file with a tokenizer.
type fileReader struct {
	t    *tokenizer
	in   interner
	p    *parsed
	pack []byte            // scratch of readPupil
	seen map[[2]string]int // index in p.unknown by parent and name
}

func (r *fileReader) errf(sentinel error, elem, record, value, format string, args ...any) *Error {
	return &Error{File: r.t.file, Line: r.t.line(r.t.tokStart), Element: elem, Record: record, Value: value,
		Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

// str reads the current element's value as a new string.
func (r *fileReader) str() (string, error) {
	v, err := r.t.value()
	return string(v), err
}

// code reads the current element's value as an interned string.
func (r *fileReader) code() (string, error) {
	v, err := r.t.value()
	return r.in.get(v), err
}

// list calls fn for each child of the current element, parent, named
// item. The other children are skipped and counted in p.unknown: parent
// is a list of items whose data the sync uses, and anything else in it is
// data that would otherwise be lost without a word. record, when not nil,
// names the record parent belongs to; it is called only for a notice.
func (r *fileReader) list(parent, item string, record func() string, fn func() error) error {
	return r.t.children(func(n []byte) error {
		if string(n) != item {
			r.unexpected(parent, n, item, record)
			return r.t.skip()
		}
		return fn()
	})
}

// unexpected counts the child name of parent, which the reader skips. In
// a private part, a name that is not one of the exports' is counted
// without it, as "": it may be a value turned into a name by a damaged
// tag.
func (r *fileReader) unexpected(parent string, name []byte, want string, record func() string) {
	k := [2]string{parent, string(name)}
	if r.t.private && !isFormatName(name) {
		k[1] = ""
	}
	if i, ok := r.seen[k]; ok {
		u := &r.p.unknown[i]
		u.count++
		if record != nil && len(u.records) < maxNoticeRecords {
			// A record's elements come together: each record is named once.
			if rec := record(); len(u.records) == 0 || rec != u.records[len(u.records)-1] {
				u.records = append(u.records, rec)
			}
		}
		return
	}
	if len(r.p.unknown) >= maxUnexpected {
		r.p.unknownMore++
		return
	}
	if r.seen == nil {
		r.seen = make(map[[2]string]int)
	}
	u := unexpected{parent: parent, name: k[1], want: want, count: 1, line: r.t.line(r.t.tokStart)}
	if record != nil {
		u.records = []string{record()}
	}
	r.seen[k] = len(r.p.unknown)
	r.p.unknown = append(r.p.unknown, u)
}

// readFile opens and reads one export of any kind.
func readFile(ctx context.Context, path string, o *Options) (*parsed, error) {
	f, err := o.openFile(path)
	if err != nil {
		return nil, err
	}
	return readOpened(ctx, f, path, o)
}

// readOpened reads f, the export at path, and closes it.
func readOpened(ctx context.Context, f file, path string, o *Options) (*parsed, error) {
	in, err := openInput(f, path, o)
	if err != nil {
		return nil, err
	}
	defer in.close()
	p, err := readStream(ctx, in.r, in.name, o)
	if err != nil {
		return nil, err
	}
	p.name = in.short
	return p, nil
}

// skippedRoots are the roots of the SIECLE exports that a school may keep
// beside the others and that the sync does not need, with what they hold,
// as notices say it: they are recognised and skipped, with a notice. Any
// other root is refused.
var skippedRoots = map[string]string{
	"BEE_RESPONSABLES": "les responsables des élèves", // ResponsablesSansAdresses.xml, ResponsablesAvecAdresses.xml
}

// readStream reads one export from an XML stream.
func readStream(ctx context.Context, rd io.Reader, name string, o *Options) (*parsed, error) {
	t := newTokenizer(ctx, rd, name, o)
	if err := t.prelude(); err != nil {
		return nil, err
	}
	k, err := t.next()
	if err != nil {
		return nil, err
	}
	if k != tokStart {
		return nil, t.atEOF()
	}
	r := &fileReader{t: t, in: make(interner), p: &parsed{file: name, name: name}}
	root := rootName(t.name)
	r.p.root = root
	switch root {
	case "BEE_ELEVES":
		r.p.kind = KindEleves
		err = r.readEleves()
	case "BEE_COMMUN":
		r.p.kind = KindCommuns
		err = r.readCommuns()
	case "BEE_STRUCTURES":
		r.p.kind = KindStructures
		err = r.readStructures()
	case "BEE_NOMENCLATURES":
		r.p.kind = KindNomenclature
		err = r.readNomenclature()
	case "STS_EDT":
		r.p.kind = KindSTS
		err = r.readSTS()
	case "EDT_STS":
		return nil, r.errf(ErrWrongFile, root, "", "", "this is the file a timetable program sends TO STS-Web (the import direction, "+
			"often named emp_sts_*.xml), not the STS-Web export: download the export from STS-Web instead, sts_emp_<UAI>_<YEAR>.xml "+
			"(ce fichier va du logiciel d'emploi du temps vers STS-Web : il faut l'export de STS-Web)")
	default:
		if _, ok := skippedRoots[root]; ok {
			return r.p, nil // another SIECLE export, which the sync does not need: not read
		}
		return nil, r.errf(ErrWrongFile, root, "", "", "unknown root element: this is not one of the exports the sync reads, "+
			"whose roots are BEE_ELEVES, BEE_COMMUN, BEE_STRUCTURES, BEE_NOMENCLATURES and STS_EDT "+
			"(BEE_RESPONSABLES is recognised and skipped); if it is one of them, damaged, re-download it, otherwise remove it from the folder")
	}
	if err != nil {
		return nil, err
	}
	if k, err := t.next(); err != nil {
		return nil, err
	} else if k != tokEOF {
		return nil, t.syntaxErr(t.tokStart, "content after the root element")
	}
	return r.p, nil
}

// readBEEParams reads PARAMETRES of a BEE file: UAJ and ANNEE_SCOLAIRE.
func (r *fileReader) readBEEParams() error {
	return r.t.children(func(n []byte) error {
		switch string(n) {
		case "UAJ":
			v, err := r.str()
			r.p.uai, r.p.uaiLine, r.p.uaiElem = v, r.t.line(r.t.tokStart), "PARAMETRES/UAJ"
			return err
		case "ANNEE_SCOLAIRE":
			v, err := r.str()
			if err != nil {
				return err
			}
			if v != "" && (len(v) != 4 || !isDigits([]byte(v))) {
				return r.errf(ErrValue, "ANNEE_SCOLAIRE", "", v, "not a year (YYYY)")
			}
			r.p.year, r.p.yearLine, r.p.yearElem = v, r.t.line(r.t.tokStart), "PARAMETRES/ANNEE_SCOLAIRE"
			return nil
		}
		return r.t.skip()
	})
}

// --- BEE_ELEVES -------------------------------------------------------

func (r *fileReader) readEleves() error {
	d := &elevesData{index: make(map[string]int), divLine: make(map[string]int)}
	r.p.eleves = d
	err := r.t.children(func(n []byte) error {
		switch string(n) {
		case "PARAMETRES":
			return r.readBEEParams()
		case "DONNEES":
			// Everything but the structures is about the pupils
			// themselves: their names, birth dates, addresses...
			return r.t.children(func(n []byte) error {
				if string(n) != "STRUCTURES" {
					defer r.t.enterPrivate()()
				}
				switch string(n) {
				case "ELEVES":
					return r.list("ELEVES", "ELEVE", nil, func() error {
						return r.readPupil(d)
					})
				case "STRUCTURES":
					return r.list("STRUCTURES", "STRUCTURES_ELEVE", nil, func() error {
						return r.readPupilStructures(d)
					})
				case "OPTIONS":
					return r.list("OPTIONS", "OPTION", nil, func() error {
						return r.readPupilOptions(d)
					})
				}
				return r.t.skip()
			})
		}
		return r.t.skip()
	})
	if err != nil {
		return err
	}
	d.orphans = len(d.pending)
	// In file order: several may share a line.
	d.orphanIDs = make([]string, 0, len(d.pending))
	for id := range d.pending {
		d.orphanIDs = append(d.orphanIDs, id)
	}
	slices.SortFunc(d.orphanIDs, func(a, b string) int { return cmp.Compare(d.pending[a].seq, d.pending[b].seq) })
	if len(d.orphanIDs) > 0 {
		d.orphanLine = d.pending[d.orphanIDs[0]].line
	}
	d.pending = nil
	return nil
}

func pupilRecord(id string) string { return "ELEVE_ID=" + strconv.Quote(id) }

func (r *fileReader) readPupil(d *elevesData) error {
	idb, ok := r.t.attr("ELEVE_ID")
	if !ok || !isPositiveInt(idb) {
		return r.errf(ErrValue, "ELEVE@ELEVE_ID", "", string(idb), "ELEVE_ID must be a positive integer")
	}
	if _, dup := d.index[string(idb)]; dup {
		return r.errf(ErrValue, "ELEVE@ELEVE_ID", "", string(idb), "duplicate ELEVE_ID: two pupils have this id")
	}
	// The pupil's strings are packed into one allocation: spans index
	// r.pack, and become substrings of one string at the end.
	const (
		fID = iota
		fINE
		fRNIE
		fBEA
		fNom
		fNomFamille
		fUsage
		fPrenom
		fPrenom2
		fPrenom3
		nFields
	)
	var spans [nFields][2]int
	r.pack = append(r.pack[:0], idb...)
	spans[fID] = [2]int{0, len(idb)}
	id := string(idb) // for error messages only
	var p pupil
	keep := func(f int) error {
		v, err := r.t.value()
		if err != nil {
			return err
		}
		spans[f] = [2]int{len(r.pack), len(r.pack) + len(v)}
		r.pack = append(r.pack, v...)
		return nil
	}
	err := r.t.children(func(n []byte) error {
		var err error
		switch string(n) {
		case "ID_NATIONAL":
			err = keep(fINE)
		case "INE_RNIE":
			err = keep(fRNIE)
		case "INE_BEA":
			err = keep(fBEA)
		case "NOM":
			err = keep(fNom)
		case "NOM_DE_FAMILLE":
			err = keep(fNomFamille)
		case "NOM_USAGE":
			err = keep(fUsage)
		case "PRENOM":
			err = keep(fPrenom)
		case "PRENOM2":
			err = keep(fPrenom2)
		case "PRENOM3":
			err = keep(fPrenom3)
		case "DATE_NAISS":
			v, err := r.t.value()
			if err != nil {
				return err
			}
			var ok bool
			if p.st.BirthDate, ok = parseBEEDate(v); !ok {
				return r.errf(ErrValue, "DATE_NAISS", pupilRecord(id), "", "%s", dateProblem(v, true))
			}
		case "DATE_SORTIE":
			v, err := r.t.value()
			if err != nil {
				return err
			}
			var ok bool
			if p.exit, ok = parseBEEDate(v); !ok {
				return r.errf(ErrValue, "DATE_SORTIE", pupilRecord(id), "", "%s", dateProblem(v, true))
			}
		case "CODE_SEXE":
			v, err := r.t.value()
			if err != nil {
				return err
			}
			switch string(v) {
			case "1":
				p.st.Sex = lsusync.Male
			case "2":
				p.st.Sex = lsusync.Female
			case "":
			default:
				return r.errf(ErrValue, "CODE_SEXE", pupilRecord(id), "", "CODE_SEXE must be 1 (male), 2 (female) or empty: %s", shapeOf(v))
			}
		default:
			return r.t.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	all := string(r.pack)
	get := func(f int) string { return all[spans[f][0]:spans[f][1]] }
	p.st.ID = get(fID)
	p.st.LastName = cmp.Or(get(fNomFamille), get(fNom))
	p.st.UsageName = get(fUsage)
	p.st.FirstName, p.st.FirstName2, p.st.FirstName3 = get(fPrenom), get(fPrenom2), get(fPrenom3)
	p.st.INE = cmp.Or(get(fINE), get(fRNIE), get(fBEA))
	id = p.st.ID
	if ps, ok := d.pending[id]; ok {
		p.division, p.groups, p.hasStruc = ps.division, ps.groups, true
		delete(d.pending, id)
	}
	d.index[id] = d.pupils.len()
	d.pupils.add(p)
	return nil
}

// readPupilOptions reads the options of a pupil (OPTION), the subjects
// they chose with the modalité d'élection of their choice, in NUM_OPTION
// order: an OPTIONS_ELEVE without NUM_OPTION comes after those that have
// one, and those of equal rank in file order. An option without a subject
// code, or of a modalité LSU does not accept (SIECLE's N, or none), gives
// nothing: it is left out. The OPTION of a pupil the file does not list
// is kept by ELEVE_ID and concerns no one. A pupil's choices are theirs:
// errors show the ELEVE_ID, never a value.
func (r *fileReader) readPupilOptions(d *elevesData) error {
	idb, ok := r.t.attr("ELEVE_ID")
	if !ok || !isPositiveInt(idb) {
		return r.errf(ErrValue, "OPTION@ELEVE_ID", "", string(idb), "ELEVE_ID must be a positive integer")
	}
	if _, dup := d.options[string(idb)]; dup {
		return r.errf(ErrValue, "OPTION@ELEVE_ID", pupilRecord(string(idb)), "", "two OPTION elements for one pupil")
	}
	id := string(idb)
	type option struct {
		rank int
		key  lsusync.SubjectKey
	}
	var opts []option
	read := 0
	err := r.list("OPTION", "OPTIONS_ELEVE", func() string { return pupilRecord(id) }, func() error {
		o := option{rank: 1<<20 + read} // no NUM_OPTION: after those that have one, in file order
		read++
		err := r.t.children(func(n []byte) error {
			switch string(n) {
			case "NUM_OPTION":
				v, err := r.t.value()
				if err != nil {
					return err
				}
				if len(v) > 0 {
					if !isDigits(v) || len(v) > 6 {
						return r.errf(ErrValue, "NUM_OPTION", pupilRecord(id), "", "NUM_OPTION must be a number of at most 6 digits: %s", shapeOf(v))
					}
					o.rank, _ = strconv.Atoi(string(v))
				}
			case "CODE_MATIERE":
				v, err := r.t.value()
				if err != nil {
					return err
				}
				if len(v) > 0 && !isSubjectCode(v) {
					return r.errf(ErrValue, "OPTIONS_ELEVE/CODE_MATIERE", pupilRecord(id), "", "a subject code has 6 digits: %s", shapeOf(v))
				}
				o.key.Code = r.in.get(v)
			case "CODE_MODALITE_ELECT":
				v, err := r.t.value()
				if err != nil {
					return err
				}
				o.key.Modality = lsuModality(v)
			default:
				return r.t.skip()
			}
			return nil
		})
		if err != nil {
			return err
		}
		if o.key.Code != "" && o.key.Modality != "" {
			opts = append(opts, o)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(opts, func(a, b option) int { return cmp.Compare(a.rank, b.rank) })
	var keys []lsusync.SubjectKey // nil when none is kept, as for a pupil without OPTION
	if len(opts) > 0 {
		keys = make([]lsusync.SubjectKey, len(opts))
		for i, o := range opts {
			keys[i] = o.key
		}
	}
	if d.options == nil {
		d.options = make(map[string][]lsusync.SubjectKey)
	}
	d.options[id] = keys
	return nil
}

// lsuModality returns the modalité d'élection v as LSU accepts it, or ""
// for another value: SIECLE's N, which LSU does not know, or none.
func lsuModality(v []byte) string {
	for _, m := range lsuModalities {
		if string(v) == m {
			return m
		}
	}
	return ""
}

// lsuModalities are the modalités d'élection LSU accepts, as package
// lsusync declares them (Subject.Modality).
var lsuModalities = func() []string {
	for _, f := range lsusync.Fields(lsusync.KindBilan) {
		if f.Name != "Acquis" {
			continue
		}
		for _, f := range f.Fields {
			if f.Name != "Subject" {
				continue
			}
			for _, f := range f.Fields {
				if f.Name == "Modality" {
					return f.Values
				}
			}
		}
	}
	panic("siecle: lsusync declares no Acquis.Subject.Modality")
}()

func (r *fileReader) readPupilStructures(d *elevesData) error {
	idb, ok := r.t.attr("ELEVE_ID")
	if !ok || !isPositiveInt(idb) {
		return r.errf(ErrValue, "STRUCTURES_ELEVE@ELEVE_ID", "", string(idb), "ELEVE_ID must be a positive integer")
	}
	id := string(idb)
	line, seq := r.t.line(r.t.tokStart), d.structs
	d.structs++
	var division string
	var groups []string
	i, known := d.index[id]
	if known {
		division, groups = d.pupils.at(i).division, d.pupils.at(i).groups
	} else if ps, ok := d.pending[id]; ok {
		division, groups, line, seq = ps.division, ps.groups, ps.line, ps.seq
	}
	err := r.list("STRUCTURES_ELEVE", "STRUCTURE", func() string { return pupilRecord(id) }, func() error {
		var code string
		var typ byte // 'D', 'G', 0 (none) or '?' (another value, in bad)
		var bad string
		err := r.t.children(func(n []byte) error {
			var err error
			switch string(n) {
			case "CODE_STRUCTURE":
				code, err = r.code()
			case "TYPE_STRUCTURE":
				v, err := r.t.value()
				if err != nil {
					return err
				}
				switch string(v) {
				case "D", "G":
					typ = v[0]
				default:
					typ, bad = '?', string(v)
				}
			default:
				return r.t.skip()
			}
			return err
		})
		if err != nil {
			return err
		}
		switch typ {
		case 'D':
			if code == "" {
				return r.errf(ErrValue, "CODE_STRUCTURE", pupilRecord(id), "", "empty division code")
			}
			if division != "" && division != code {
				return r.errf(ErrValue, "STRUCTURE", pupilRecord(id), division+", "+code, "a pupil in two divisions (two STRUCTURE of TYPE_STRUCTURE D)")
			}
			division = code
			if _, ok := d.divLine[code]; !ok {
				d.divLine[code] = r.t.line(r.t.tokStart)
			}
		case 'G':
			if code == "" {
				return r.errf(ErrValue, "CODE_STRUCTURE", pupilRecord(id), "", "empty group code")
			}
			groups = append(groups, code)
		default:
			return r.errf(ErrValue, "TYPE_STRUCTURE", pupilRecord(id), bad, "TYPE_STRUCTURE must be D (division) or G (group)")
		}
		return nil
	})
	if err != nil {
		return err
	}
	if known {
		pp := d.pupils.at(i)
		pp.division, pp.groups, pp.hasStruc = division, groups, true
		return nil
	}
	if d.pending == nil {
		d.pending = make(map[string]pendingStruct)
	}
	d.pending[id] = pendingStruct{division: division, groups: groups, line: line, seq: seq}
	return nil
}

// --- BEE_COMMUN -------------------------------------------------------

func (r *fileReader) readCommuns() error {
	c := &communsData{}
	r.p.communs = c
	e := &c.est
	return r.t.children(func(n []byte) error {
		switch string(n) {
		case "PARAMETRES":
			return r.readBEEParams()
		case "DONNEES":
			return r.t.each("UAJ", func() error {
				return r.t.children(func(n []byte) error {
					var dst *string
					switch string(n) {
					case "DENOM_PRINC":
						dst = &e.Name
					case "NOM_RESP":
						// The head of establishment's name.
						defer r.t.enterPrivate()()
						dst = &e.HeadName
					case "LIGNE1_ADRESSE":
						dst = &e.Address.Line1
					case "LIGNE2_ADRESSE":
						dst = &e.Address.Line2
					case "LIGNE3_ADRESSE":
						dst = &e.Address.Line3
					case "LIGNE4_ADRESSE":
						dst = &e.Address.Line4
					case "CODE_POSTAL":
						dst = &e.Address.PostalCode
					case "COMMUNE_ETRANGERE":
						dst = &e.Address.City
					case "CODE_PAYS":
						dst = &e.Address.Country
					case "TELEPHONE":
						dst = &e.Phone
					case "MEL_1":
						dst = &e.Email
					default:
						return r.t.skip()
					}
					var err error
					*dst, err = r.str()
					return err
				})
			})
		}
		return r.t.skip()
	})
}

// --- BEE_STRUCTURES ---------------------------------------------------

func (r *fileReader) readStructures() error {
	r.p.structures = make(map[string]structDivision)
	return r.t.children(func(n []byte) error {
		switch string(n) {
		case "PARAMETRES":
			return r.readBEEParams()
		case "DONNEES":
			return r.t.each("DIVISIONS", func() error {
				return r.list("DIVISIONS", "DIVISION", nil, func() error {
					cb, _ := r.t.attr("CODE_STRUCTURE")
					if len(cb) == 0 {
						return r.errf(ErrValue, "DIVISION@CODE_STRUCTURE", "", "", "a division without a code")
					}
					code := r.in.get(cb)
					line := r.t.line(r.t.tokStart)
					if prev, dup := r.p.structures[code]; dup {
						return r.errf(ErrValue, "DIVISION@CODE_STRUCTURE", "", code, "duplicate division code (first at line %d)", prev.line)
					}
					var label string
					err := r.t.each("LIBELLE_LONG", func() error {
						var err error
						label, err = r.str()
						return err
					})
					r.p.structures[code] = structDivision{label: label, line: line}
					r.p.structList = append(r.p.structList, code)
					return err
				})
			})
		}
		return r.t.skip()
	})
}

// --- BEE_NOMENCLATURES ------------------------------------------------

func (r *fileReader) readNomenclature() error {
	d := &nomenData{subjects: make(map[string]nomenSubject), progs: make(map[[2]string]nomenProgs)}
	r.p.nomen = d
	rank := 0
	return r.t.children(func(n []byte) error {
		switch string(n) {
		case "PARAMETRES":
			return r.readBEEParams()
		case "DONNEES":
			return r.t.children(func(n []byte) error {
				switch string(n) {
				case "MATIERES":
					return r.list("MATIERES", "MATIERE", nil, func() error {
						cb, _ := r.t.attr("CODE_MATIERE")
						if !isSubjectCode(cb) {
							return r.errf(ErrValue, "MATIERE@CODE_MATIERE", "", string(cb), "a subject code has 6 digits")
						}
						code := r.in.get(cb)
						var s nomenSubject
						err := r.readLabels(&s.short, &s.long, &s.edition)
						if _, dup := d.subjects[code]; !dup {
							d.subjects[code] = s
						}
						return err
					})
				case "PROGRAMMES":
					return r.list("PROGRAMMES", "PROGRAMME", nil, func() error {
						var mef, subject, modality string
						var hours float64
						err := r.t.children(func(n []byte) error {
							var err error
							switch string(n) {
							case "CODE_MEF":
								mef, err = r.code()
							case "CODE_MATIERE":
								v, err := r.t.value()
								if err != nil {
									return err
								}
								if !isSubjectCode(v) {
									return r.errf(ErrValue, "PROGRAMME/CODE_MATIERE", "", string(v), "a subject code has 6 digits")
								}
								subject = r.in.get(v)
							case "CODE_MODALITE_ELECT":
								modality, err = r.code()
							case "HORAIRE":
								v, err := r.t.value()
								if err != nil {
									return err
								}
								var ok bool
								if hours, ok = parseHours(v); !ok {
									return r.errf(ErrValue, "PROGRAMME/HORAIRE", "", string(v), "not a number of hours")
								}
							default:
								return r.t.skip()
							}
							return err
						})
						if err != nil {
							return err
						}
						rank++
						k := [2]string{mef, subject}
						ps := d.progs[k]
						if ps.any.rank == 0 {
							ps.any = nomenProg{modality: modality, rank: rank}
						}
						if hours > 0 && ps.hours.rank == 0 {
							ps.hours = nomenProg{modality: modality, rank: rank}
						}
						d.progs[k] = ps
						return nil
					})
				}
				return r.t.skip()
			})
		}
		return r.t.skip()
	})
}

// readLabels reads LIBELLE_COURT, LIBELLE_LONG and LIBELLE_EDITION
// children.
func (r *fileReader) readLabels(short, long, edition *string) error {
	return r.t.children(func(n []byte) error {
		var err error
		switch string(n) {
		case "LIBELLE_COURT":
			*short, err = r.str()
		case "LIBELLE_LONG":
			*long, err = r.str()
		case "LIBELLE_EDITION":
			*edition, err = r.str()
		default:
			return r.t.skip()
		}
		return err
	})
}

// --- STS_EDT ----------------------------------------------------------

func (r *fileReader) readSTS() error {
	d := &stsData{subjects: make(map[string]stsSubject), divIndex: make(map[string]int)}
	r.p.sts = d
	return r.t.children(func(n []byte) error {
		switch string(n) {
		case "PARAMETRES":
			return r.readSTSParams(d)
		case "NOMENCLATURES":
			return r.t.each("MATIERES", func() error {
				return r.list("MATIERES", "MATIERE", nil, func() error {
					cb, _ := r.t.attr("CODE")
					if !isSubjectCode(cb) {
						return r.errf(ErrValue, "MATIERE@CODE", "", string(cb), "a subject code has 6 digits")
					}
					code := r.in.get(cb)
					var s stsSubject
					err := r.readLabels(&s.short, &s.long, &s.edition)
					if _, dup := d.subjects[code]; !dup {
						d.subjects[code] = s
					}
					return err
				})
			})
		case "DONNEES":
			return r.t.children(func(n []byte) error {
				switch string(n) {
				case "INDIVIDUS", "SUPPLEANTS":
					// The staff: names, birth dates...
					defer r.t.enterPrivate()()
					list, item := string(n), "INDIVIDU"
					if list == "SUPPLEANTS" {
						item = "SUPPLEANT"
					}
					return r.t.children(func(n []byte) error {
						switch {
						case string(n) == item:
							return r.readTeacher(d, item)
						case item == "SUPPLEANT" && string(n) == "SERVICES_SUPPLEANTS":
						default:
							r.unexpected(list, n, item, nil)
						}
						return r.t.skip()
					})
				case "STRUCTURE":
					return r.t.children(func(n []byte) error {
						switch string(n) {
						case "DIVISIONS":
							return r.list("DIVISIONS", "DIVISION", nil, func() error {
								return r.readDivision(d)
							})
						case "GROUPES":
							return r.list("GROUPES", "GROUPE", nil, func() error {
								return r.readGroup(d)
							})
						}
						return r.t.skip()
					})
				}
				return r.t.skip()
			})
		}
		return r.t.skip()
	})
}

func (r *fileReader) readSTSParams(d *stsData) error {
	return r.t.children(func(n []byte) error {
		switch string(n) {
		case "UAJ":
			v, _ := r.t.attr("CODE")
			r.p.uai, r.p.uaiLine, r.p.uaiElem = string(v), r.t.line(r.t.tokStart), "PARAMETRES/UAJ@CODE"
			return r.t.children(func(n []byte) error {
				var dst *string
				switch string(n) {
				case "DENOM_PRINC":
					dst = &d.name
				case "ADRESSE":
					dst = &d.address
				case "CODE_POSTAL":
					dst = &d.postal
				case "COMMUNE":
					dst = &d.city
				case "TELEPHONE":
					dst = &d.phone
				default:
					return r.t.skip()
				}
				var err error
				*dst, err = r.str()
				return err
			})
		case "ANNEE_SCOLAIRE":
			v, _ := r.t.attr("ANNEE")
			if len(v) != 0 && (len(v) != 4 || !isDigits(v)) {
				return r.errf(ErrValue, "ANNEE_SCOLAIRE@ANNEE", "", string(v), "not a year (YYYY)")
			}
			r.p.year, r.p.yearLine, r.p.yearElem = string(v), r.t.line(r.t.tokStart), "PARAMETRES/ANNEE_SCOLAIRE@ANNEE"
			return r.t.children(func(n []byte) error {
				switch string(n) {
				case "DATE_DEBUT", "DATE_FIN":
					elem := string(n)
					v, err := r.t.value()
					if err != nil {
						return err
					}
					if _, ok := parseISODate(v); !ok {
						return r.errf(ErrValue, "ANNEE_SCOLAIRE/"+elem, "", string(v), "%s", dateProblem(v, false))
					}
					return nil
				}
				return r.t.skip()
			})
		case "APPLICATION_SOURCE":
			return r.errf(ErrWrongFile, "PARAMETRES/APPLICATION_SOURCE", "", "", "this file was produced by a timetable program to be sent TO STS-Web "+
				"(it carries APPLICATION_SOURCE), it is not the STS-Web export: download sts_emp_<UAI>_<YEAR>.xml from STS-Web instead "+
				"(fichier d'un logiciel d'emploi du temps, pas l'export de STS-Web)")
		}
		return r.t.skip()
	})
}

func teacherRecord(item string, k lsusync.TeacherKey) string {
	return item + " TYPE=" + strconv.Quote(k.Type) + " ID=" + strconv.Quote(k.ID)
}

// teacherKey reads the ID and TYPE attributes of INDIVIDU, SUPPLEANT or
// ENSEIGNANT.
func (r *fileReader) teacherKey(elem string) (lsusync.TeacherKey, error) {
	idb, _ := r.t.attr("ID")
	if !isDigits(idb) {
		return lsusync.TeacherKey{}, r.errf(ErrValue, elem+"@ID", "", string(idb), "a teacher ID is an integer")
	}
	id := r.in.get(idb)
	tb, _ := r.t.attr("TYPE")
	switch string(tb) {
	case "epp", "local", "dir":
	default:
		return lsusync.TeacherKey{}, r.errf(ErrValue, elem+"@TYPE", elem+" ID="+strconv.Quote(id), string(tb), "a teacher TYPE is epp, local or dir")
	}
	return lsusync.TeacherKey{Type: r.in.get(tb), ID: id}, nil
}

func (r *fileReader) readTeacher(d *stsData, item string) error {
	key, err := r.teacherKey(item)
	if err != nil {
		return err
	}
	st := stsTeacher{t: lsusync.Teacher{Key: key}, sub: item == "SUPPLEANT", line: r.t.line(r.t.tokStart)}
	var usage, birth, civ, sex string
	rec := teacherRecord(item, key)
	err = r.t.children(func(n []byte) error {
		var err error
		switch string(n) {
		case "SEXE":
			sex, err = r.code()
			if err == nil && sex != "" && sex != "1" && sex != "2" {
				return r.errf(ErrValue, "SEXE", rec, "", "SEXE must be 1 (male), 2 (female) or empty: %s", shapeOf([]byte(sex)))
			}
		case "CIVILITE":
			civ, err = r.code()
			if err == nil && civ != "" && civ != "1" && civ != "2" && civ != "3" {
				return r.errf(ErrValue, "CIVILITE", rec, "", "CIVILITE must be 1 (M.), 2 (Mme), 3 (Mlle) or empty: %s", shapeOf([]byte(civ)))
			}
		case "NOM_USAGE":
			usage, err = r.str()
		case "NOM_PATRONYMIQUE":
			birth, err = r.str()
		case "PRENOM":
			st.t.FirstName, err = r.str()
		case "PROFS_PRINC":
			return r.list("PROFS_PRINC", "PROF_PRINC", func() string { return rec }, func() error {
				var pp stsPP
				err := r.t.children(func(n []byte) error {
					switch string(n) {
					case "CODE_STRUCTURE":
						var err error
						pp.division, err = r.code()
						return err
					case "DATE_DEBUT", "DATE_FIN":
						elem := string(n)
						v, err := r.t.value()
						if err != nil {
							return err
						}
						dt, ok := parseISODate(v)
						if !ok {
							return r.errf(ErrValue, "PROF_PRINC/"+elem, rec, string(v), "%s", dateProblem(v, false))
						}
						if elem == "DATE_DEBUT" {
							pp.start = dt
						} else {
							pp.end = dt
						}
						return nil
					}
					return r.t.skip()
				})
				if err != nil {
					return err
				}
				if pp.division == "" {
					return r.errf(ErrValue, "PROF_PRINC/CODE_STRUCTURE", rec, "", "a professeur principal entry without a division code")
				}
				st.pps = append(st.pps, pp)
				return nil
			})
		default:
			return r.t.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	switch {
	case civ == "1":
		st.t.Civility = lsusync.Monsieur
	case civ == "2" || civ == "3":
		st.t.Civility = lsusync.Madame
	case sex == "1":
		st.t.Civility = lsusync.Monsieur
	case sex == "2":
		st.t.Civility = lsusync.Madame
	}
	st.t.LastName = usage
	if st.t.LastName == "" {
		st.t.LastName = birth
	}
	d.teachers = append(d.teachers, st)
	return nil
}

// readServices reads SERVICES.
func (r *fileReader) readServices(rec string) ([]stsService, error) {
	var out []stsService
	record := func() string { return rec }
	err := r.list("SERVICES", "SERVICE", record, func() error {
		cb, _ := r.t.attr("CODE_MATIERE")
		if !isSubjectCode(cb) {
			return r.errf(ErrValue, "SERVICE@CODE_MATIERE", rec, string(cb), "a subject code has 6 digits")
		}
		s := stsService{subject: r.in.get(cb), line: r.t.line(r.t.tokStart)}
		err := r.t.each("ENSEIGNANTS", func() error {
			return r.list("ENSEIGNANTS", "ENSEIGNANT", record, func() error {
				k, err := r.teacherKey("ENSEIGNANT")
				if err != nil {
					return err
				}
				s.teachers = append(s.teachers, k)
				s.lines = append(s.lines, r.t.line(r.t.tokStart))
				return r.t.skip()
			})
		})
		out = append(out, s)
		return err
	})
	return out, err
}

func (r *fileReader) readDivision(d *stsData) error {
	cb, _ := r.t.attr("CODE")
	if len(cb) == 0 {
		return r.errf(ErrValue, "DIVISION@CODE", "", "", "a division without a code")
	}
	div := stsDivision{code: r.in.get(cb), line: r.t.line(r.t.tokStart)}
	if i, dup := d.divIndex[div.code]; dup {
		return r.errf(ErrValue, "DIVISION@CODE", "", div.code, "duplicate division code (first at line %d)", d.divisions[i].line)
	}
	d.divIndex[div.code] = len(d.divisions)
	rec := "DIVISION CODE=" + strconv.Quote(div.code)
	err := r.t.children(func(n []byte) error {
		var err error
		switch string(n) {
		case "LIBELLE_LONG":
			div.label, err = r.str()
		case "MEFS_APPARTENANCE":
			return r.codes("MEFS_APPARTENANCE", "MEF_APPARTENANCE", func() string { return rec }, &div.mefs)
		case "SERVICES":
			var svs []stsService
			svs, err = r.readServices(rec)
			div.services = append(div.services, svs...)
		default:
			return r.t.skip()
		}
		return err
	})
	d.divisions = append(d.divisions, div)
	return err
}

// codes appends to dst the non-empty CODE attributes of the children
// named item of the current element, list (MEFS_APPARTENANCE of
// MEF_APPARTENANCE, DIVISIONS_APPARTENANCE of DIVISION_APPARTENANCE).
func (r *fileReader) codes(list, item string, record func() string, dst *[]string) error {
	return r.list(list, item, record, func() error {
		if v, ok := r.t.attr("CODE"); ok && len(v) > 0 {
			*dst = append(*dst, r.in.get(v))
		}
		return r.t.skip()
	})
}

func (r *fileReader) readGroup(d *stsData) error {
	cb, _ := r.t.attr("CODE")
	if len(cb) == 0 {
		return r.errf(ErrValue, "GROUPE@CODE", "", "", "a group without a code")
	}
	g := stsGroup{code: r.in.get(cb)}
	rec := "GROUPE CODE=" + strconv.Quote(g.code)
	err := r.t.children(func(n []byte) error {
		var err error
		switch string(n) {
		case "DIVISIONS_APPARTENANCE":
			return r.codes("DIVISIONS_APPARTENANCE", "DIVISION_APPARTENANCE", func() string { return rec }, &g.divisions)
		case "SERVICES":
			var svs []stsService
			svs, err = r.readServices(rec)
			g.services = append(g.services, svs...)
		default:
			return r.t.skip()
		}
		return err
	})
	d.groups = append(d.groups, g)
	return err
}

// MarshalText returns the root element of the kind.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }
