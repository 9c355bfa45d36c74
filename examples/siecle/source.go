package siecle

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/lsusync/lsusync"
)

// Files names the exports [Open] reads: paths to plain XML files or to zip
// archives holding one XML file each. Eleves and STS are required. The
// NUMEN file, which is not an export, is named by [Options].NUMEN.
type Files struct {
	// Eleves is ElevesSansAdresses.xml or ElevesAvecAdresses.xml (root
	// BEE_ELEVES), or the zip SIECLE downloads it in. Required.
	Eleves string
	// Communs is Communs.xml (root BEE_COMMUN), or ExportCommuns.zip: the
	// establishment's name, address, head, phone and e-mail. Optional:
	// without it, the establishment comes from the STS-Web file.
	Communs string
	// Structures is Structures.xml (root BEE_STRUCTURES): class labels
	// when STS-Web leaves them empty, and classes STS-Web lacks. Optional.
	Structures string
	// Nomenclature is Nomenclature.xml (root BEE_NOMENCLATURES): subject
	// labels STS-Web lacks, and the modalités d'élection. Optional.
	Nomenclature string
	// STS is the STS-Web export sts_emp_<UAI>_<YEAR>.xml (root STS_EDT):
	// teachers, subjects, divisions, groups, services and professeurs
	// principaux. Required.
	STS string
}

// Source is the lsusync.Source of a set of SIECLE and STS-Web exports.
// It is built once by [Open] or [OpenDir], holds only the domain values
// and its notices, is immutable and safe for concurrent use.
type Source struct {
	est      lsusync.Establishment
	year     string
	teachers []lsusync.Teacher
	codes    []string
	classes  map[string]*lsusync.ClassData
	notices  []lsusync.Notice
}

var (
	_ lsusync.Source       = (*Source)(nil)
	_ lsusync.NoticeSource = (*Source)(nil)
)

// Establishment implements lsusync.EstablishmentSource.
func (s *Source) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	return s.est, ctxErr(ctx)
}

// Teachers implements lsusync.TeacherSource: INDIVIDUS then SUPPLEANTS,
// each key once.
func (s *Source) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(s.teachers), nil
}

// ClassCodes implements lsusync.ClassSource: the STS-Web divisions in file
// order, then the Structures.xml divisions STS-Web lacks.
func (s *Source) ClassCodes(ctx context.Context) ([]string, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(s.codes), nil
}

// Class implements lsusync.ClassSource. The returned value shares its
// slices with the Source; callers must not modify them.
func (s *Source) Class(ctx context.Context, code string) (lsusync.ClassData, error) {
	if err := ctxErr(ctx); err != nil {
		return lsusync.ClassData{}, err
	}
	c, ok := s.classes[code]
	if !ok {
		return lsusync.ClassData{}, fmt.Errorf("siecle: class %q: %w", code, lsusync.ErrNotFound)
	}
	return *c, nil
}

// SchoolYear returns the first year of the school year the exports are
// for ("2025" for 2025-2026), or "" when no file says.
func (s *Source) SchoolYear() string { return s.year }

// Notices implements lsusync.NoticeSource: what the Source noticed in
// the exports and does not serve, as notices in French for the school's
// staff, without personal data (see the package documentation, Notices).
func (s *Source) Notices(ctx context.Context) ([]lsusync.Notice, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	ns := slices.Clone(s.notices)
	for i := range ns {
		ns[i].Records = slices.Clone(ns[i].Records)
	}
	return ns, nil
}

// Open reads and checks the exports named by f, each once and streaming,
// and the NUMEN file that opts.NUMEN names, if any, and returns the
// Source they make. It refuses, with an [*Error] naming
// the file, the element, the line and the value, any file that is
// malformed, of the wrong kind, or inconsistent with the others; see the
// package documentation for the checks.
func Open(ctx context.Context, f Files, opts Options) (*Source, error) {
	if f.Eleves == "" {
		return nil, &Error{Msg: "no pupils file: Files.Eleves (ElevesSansAdresses.xml, root BEE_ELEVES) is required", Err: ErrWrongFile,
			problem: problemMissing, kind: KindEleves}
	}
	if f.STS == "" {
		return nil, &Error{Msg: "no STS-Web file: Files.STS (sts_emp_<UAI>_<YEAR>.xml, root STS_EDT) is required", Err: ErrWrongFile,
			problem: problemMissing, kind: KindSTS}
	}
	slots := []struct {
		kind Kind
		path string
	}{{KindEleves, f.Eleves}, {KindCommuns, f.Communs}, {KindStructures, f.Structures}, {KindNomenclature, f.Nomenclature}, {KindSTS, f.STS}}
	var paths []string
	for _, s := range slots {
		if s.path != "" {
			paths = append(paths, s.path)
		}
	}
	results, err := readAll(ctx, paths, &opts)
	if err != nil {
		return nil, err
	}
	byKind := make(map[Kind]*parsed)
	i := 0
	for _, s := range slots {
		if s.path == "" {
			continue
		}
		p := results[i]
		i++
		if p.kind != s.kind {
			what := "an unknown export (root " + p.root + ")"
			if p.kind != KindUnknown {
				what = "a " + p.kind.String() + " file (" + kindFiles[p.kind] + ")"
			}
			return nil, &Error{File: p.file, Element: p.root, Err: ErrWrongFile,
				Msg:     fmt.Sprintf("this is %s, given as the %s file (%s)", what, s.kind, kindFiles[s.kind]),
				problem: problemWrongSlot, kind: s.kind, found: p.kind}
		}
		byKind[s.kind] = p
	}
	return build(byKind, opts.NUMEN, nil, &opts)
}

// OpenDir reads every *.xml and *.zip file of dir (hidden files aside),
// recognising each export by its root element, not its name, and an
// optional NUMEN file named numen.csv (any case), or the file that
// opts.NUMEN names, then works as [Open]. The SIECLE exports the sync does
// not need (root BEE_RESPONSABLES) are skipped, each with a notice; any
// other file, XML or zip, is refused, naming the root it has and the roots
// expected, and so are two files of the same kind. Files of other
// extensions are ignored.
func OpenDir(ctx context.Context, dir string, opts Options) (*Source, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	numen := ""
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || e.IsDir() {
			continue
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".xml", ".zip":
			paths = append(paths, filepath.Join(dir, name))
		}
		if strings.EqualFold(name, "numen.csv") {
			numen = filepath.Join(dir, name)
		}
	}
	if opts.NUMEN != "" {
		numen = opts.NUMEN
	}
	results, err := readAll(ctx, paths, &opts)
	if err != nil {
		return nil, err
	}
	byKind := make(map[Kind]*parsed)
	var skipped []*parsed
	for _, p := range results {
		if p.kind == KindUnknown {
			skipped = append(skipped, p)
			continue
		}
		if o, dup := byKind[p.kind]; dup {
			return nil, &Error{File: p.file, Element: p.root, Value: o.file, Err: ErrWrongFile,
				Msg:     fmt.Sprintf("two %s files in the folder (%s and %s): keep only one", p.kind, o.file, p.file),
				problem: problemTwice, kind: p.kind, other: o.file}
		}
		byKind[p.kind] = p
	}
	for _, k := range []Kind{KindEleves, KindSTS} {
		if byKind[k] == nil {
			return nil, &Error{File: dir, Err: ErrWrongFile,
				Msg:     fmt.Sprintf("no %s file in the folder (%s, root %s), which is required", k, kindFiles[k], k),
				problem: problemMissing, kind: k}
		}
	}
	return build(byKind, numen, skipped, &opts)
}

// readAll reads the files concurrently and returns them in order, or the
// error of the first failing file in that order. When ctx is done, the
// error is ctx's (see ctxErr), whatever the files gave.
func readAll(ctx context.Context, paths []string, o *Options) ([]*parsed, error) {
	results := make([]*parsed, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() {
			results[i], errs[i] = readFile(ctx, p, o)
		})
	}
	wg.Wait()
	if err := ctxErr(ctx); err != nil {
		return nil, fmt.Errorf("siecle: %w", err)
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

// build puts the files together: it checks that they agree, resolves the
// references, makes the domain values and the notices. skipped are the
// files of the folder that are not read.
func build(files map[Kind]*parsed, numenPath string, skipped []*parsed, o *Options) (*Source, error) {
	el, sts := files[KindEleves], files[KindSTS]
	src := &Source{classes: make(map[string]*lsusync.ClassData)}
	order := []Kind{KindEleves, KindCommuns, KindStructures, KindNomenclature, KindSTS}

	// One establishment, one school year.
	var ref *parsed
	for _, k := range order {
		p := files[k]
		if p == nil {
			continue
		}
		if p.uai == "" {
			return nil, &Error{File: p.file, Element: uaiElem(k), Err: ErrValue,
				Msg: "no UAI: the file does not say which establishment it is from"}
		}
		if !isUAI(p.uai) {
			return nil, &Error{File: p.file, Line: p.uaiLine, Element: p.uaiElem, Value: p.uai, Err: ErrValue,
				Msg: "not a UAI (seven digits and a capital letter, such as 0750001A)"}
		}
		if ref == nil {
			ref = p
			continue
		}
		if p.uai != ref.uai {
			return nil, &Error{File: p.file, Line: p.uaiLine, Element: p.uaiElem, Value: p.uai, Err: ErrMismatch,
				Msg:     fmt.Sprintf("files of two establishments: %s is for UAI %s: give the exports of one establishment", ref.file, ref.uai),
				problem: problemEstablishment, other: ref.file, otherValue: ref.uai}
		}
	}
	var yref *parsed
	for _, k := range order {
		p := files[k]
		if p == nil || p.year == "" {
			continue
		}
		if yref == nil {
			yref = p
			src.year = p.year
			continue
		}
		if p.year != yref.year {
			return nil, &Error{File: p.file, Line: p.yearLine, Element: p.yearElem, Value: p.year, Err: ErrMismatch,
				Msg:     fmt.Sprintf("files of two school years: %s is for %s: give the exports of the same year", yref.file, yref.year),
				problem: problemSchoolYear, other: yref.file, otherValue: yref.year}
		}
	}

	// The establishment.
	sd := sts.sts
	est := lsusync.Establishment{UAI: ref.uai}
	if c := files[KindCommuns]; c != nil {
		est = c.communs.est
		est.UAI = ref.uai
	} else {
		est.Address.Line1 = sd.address
	}
	est.Name = cmp.Or(est.Name, sd.name)
	est.Address.PostalCode = cmp.Or(est.Address.PostalCode, sd.postal)
	est.Address.City = cmp.Or(est.Address.City, sd.city)
	est.Phone = cmp.Or(est.Phone, sd.phone)
	src.est = est

	// Teachers: INDIVIDUS then SUPPLEANTS, a key seen twice kept once.
	// known holds the first of each STS-Web key, against which the
	// services are checked.
	known := make(map[lsusync.TeacherKey]*stsTeacher)
	for _, sub := range []bool{false, true} {
		for i := range sd.teachers {
			t := &sd.teachers[i]
			if t.sub != sub {
				continue
			}
			if _, dup := known[t.t.Key]; dup {
				continue
			}
			known[t.t.Key] = t
			src.teachers = append(src.teachers, t.t)
		}
	}

	// Subjects.
	var nomen *nomenData
	if n := files[KindNomenclature]; n != nil {
		nomen = n.nomen
	}
	labels := make(map[string]string)
	label := func(code string) (string, bool) {
		if l, ok := labels[code]; ok {
			return l, true
		}
		s, inSTS := sd.subjects[code]
		l := ""
		if inSTS {
			l = cmp.Or(s.edition, s.long, s.short)
		}
		inNomen := false
		if l == "" && nomen != nil {
			var ns nomenSubject
			if ns, inNomen = nomen.subjects[code]; inNomen {
				l = cmp.Or(ns.edition, ns.long, ns.short)
			}
		}
		if !inSTS && !inNomen {
			return "", false
		}
		labels[code] = l
		return l, true
	}
	checkServices := func(rec string, svs []stsService) error {
		for _, s := range svs {
			if _, ok := label(s.subject); !ok {
				return &Error{File: sts.file, Line: s.line, Element: "SERVICE@CODE_MATIERE", Record: rec, Value: s.subject, Err: ErrValue,
					Msg: "a service of a subject that NOMENCLATURES/MATIERES does not list"}
			}
			for i, k := range s.teachers {
				if _, ok := known[k]; !ok {
					return &Error{File: sts.file, Line: s.lines[i], Element: "ENSEIGNANT", Record: rec, Value: k.String(), Err: ErrValue,
						Msg: "a service taught by a teacher (TYPE:ID) that INDIVIDUS and SUPPLEANTS do not list"}
				}
			}
		}
		return nil
	}
	for _, d := range sd.divisions {
		if err := checkServices("DIVISION CODE="+quote(d.code), d.services); err != nil {
			return nil, err
		}
	}
	for _, g := range sd.groups {
		if err := checkServices("GROUPE CODE="+quote(g.code), g.services); err != nil {
			return nil, err
		}
	}

	// LSU knows two teacher types, epp and local: a person of type dir
	// (head of establishment, deputy) is an epp teacher of the same ID,
	// in every reference. The references are checked above with the
	// STS-Web keys, so that an ENSEIGNANT written epp for a dir person
	// is still refused.
	var dirs []*stsTeacher
	for i := range src.teachers {
		k := &src.teachers[i].Key
		if k.Type != typeDir {
			continue
		}
		t := known[*k]
		if o, clash := known[lsusync.TeacherKey{Type: typeEpp, ID: k.ID}]; clash {
			return nil, &Error{File: sts.file, Line: t.line, Element: t.elem() + "@TYPE", Record: teacherRecord(t.elem(), *k), Value: typeDir, Err: ErrValue,
				Msg: fmt.Sprintf("LSU has no teacher type dir and reads it as epp, but %s (line %d) has the key epp:%s already: "+
					"both would be one teacher in LSU; correct the type or the ID in STS-Web", teacherRecord(o.elem(), o.t.Key), o.line, k.ID)}
		}
		dirs = append(dirs, t)
		k.Type = typeEpp
	}
	lsuKeys := func(keys []lsusync.TeacherKey) {
		for i := range keys {
			keys[i] = lsuKey(keys[i])
		}
	}
	for _, d := range sd.divisions {
		for _, s := range d.services {
			lsuKeys(s.teachers)
		}
	}
	for _, g := range sd.groups {
		for _, s := range g.services {
			lsuKeys(s.teachers)
		}
	}
	var numen numenResult
	if numenPath != "" {
		index := make(map[lsusync.TeacherKey]int, len(src.teachers))
		for i, t := range src.teachers {
			index[t.Key] = i
		}
		var err error
		if numen, err = applyNUMEN(numenPath, src.teachers, index, o); err != nil {
			return nil, err
		}
	}

	// Classes: STS divisions, then Structures.xml ones.
	var structs map[string]structDivision
	var structList []string
	if st := files[KindStructures]; st != nil {
		structs, structList = st.structures, st.structList
	}
	groupsOf := make(map[string][]int)
	for gi, g := range sd.groups {
		for _, dc := range g.divisions {
			if l := groupsOf[dc]; len(l) == 0 || l[len(l)-1] != gi {
				groupsOf[dc] = append(l, gi)
			}
		}
	}
	modality := func(mefs []string, subject string) string {
		if nomen == nil {
			return ""
		}
		// The first programme in file order of one of the class's MEFs
		// with hours; else the first of any hours (real files list
		// options such as Latin with HORAIRE 0.00).
		var hours, any nomenProg
		for _, m := range mefs {
			ps := nomen.progs[[2]string{m, subject}]
			if ps.hours.rank > 0 && (hours.rank == 0 || ps.hours.rank < hours.rank) {
				hours = ps.hours
			}
			if ps.any.rank > 0 && (any.rank == 0 || ps.any.rank < any.rank) {
				any = ps.any
			}
		}
		if m := cmp.Or(hours, any).modality; m != "N" {
			return m
		}
		return ""
	}
	service := func(s stsService, group string, mefs []string) lsusync.Service {
		l, _ := label(s.subject)
		return lsusync.Service{Subject: lsusync.Subject{Code: s.subject, Label: l, Modality: modality(mefs, s.subject)}, Group: group, Teachers: s.teachers}
	}
	// Professeurs principaux by division: INDIVIDUS, then SUPPLEANTS.
	heads := make(map[string][]lsusync.HeadTeacher)
	for _, sub := range []bool{false, true} {
		for i := range sd.teachers {
			t := &sd.teachers[i]
			if t.sub != sub {
				continue
			}
			for _, pp := range t.pps {
				heads[pp.division] = append(heads[pp.division], lsusync.HeadTeacher{Teacher: lsuKey(t.t.Key), Start: pp.start, End: pp.end})
			}
		}
	}
	addClass := func(code, stsLabel string, mefs []string, own []stsService) {
		cd := &lsusync.ClassData{Code: code, Label: cmp.Or(stsLabel, structs[code].label, code)}
		for _, s := range own {
			cd.Services = append(cd.Services, service(s, "", mefs))
		}
		for _, gi := range groupsOf[code] {
			g := &sd.groups[gi]
			for _, s := range g.services {
				cd.Services = append(cd.Services, service(s, g.code, mefs))
			}
		}
		cd.HeadTeachers = heads[code]
		src.codes = append(src.codes, code)
		src.classes[code] = cd
	}
	for _, d := range sd.divisions {
		addClass(d.code, d.label, d.mefs, d.services)
	}
	for _, code := range structList {
		if _, dup := src.classes[code]; !dup {
			addClass(code, "", nil, nil)
		}
	}

	// Pupils, each class's made at its size.
	sizes := make(map[string]int, len(src.classes))
	for i := range el.eleves.pupils.len() {
		sizes[el.eleves.pupils.at(i).division]++
	}
	for code, n := range sizes {
		if cd, ok := src.classes[code]; ok {
			cd.Enrolments = make([]lsusync.Enrolment, 0, n)
		}
	}
	unplaced := make(map[string][]string) // ELEVE_IDs by division code
	for i := range el.eleves.pupils.len() {
		p := el.eleves.pupils.at(i)
		cd, ok := src.classes[p.division]
		if !ok {
			unplaced[p.division] = append(unplaced[p.division], p.st.ID)
			continue
		}
		st := p.st
		st.Class = p.division
		cd.Enrolments = append(cd.Enrolments, lsusync.Enrolment{Student: st, Groups: p.groups, ExitDate: p.exit, Options: el.eleves.options[st.ID]})
	}

	// Notices: the files skipped, then file by file.
	var ns notices
	for _, p := range skipped {
		ns.skipped(p)
	}
	for _, k := range order {
		p := files[k]
		if p == nil {
			continue
		}
		ns.unexpected(p)
		switch k {
		case KindEleves:
			ns.unplaced(p, unplaced)
		case KindSTS:
			ns.dirTeachers(p, dirs)
		}
	}
	ns.unknownNUMEN(numen)
	src.notices = ns
	return src, nil
}

// The STS-Web teacher types, and LSU's: epp and local.
const (
	typeEpp = "epp"
	typeDir = "dir"
)

// lsuKey returns the LSU key of an STS-Web teacher key: the type dir,
// which LSU does not know, is read as epp.
func lsuKey(k lsusync.TeacherKey) lsusync.TeacherKey {
	if k.Type == typeDir {
		k.Type = typeEpp
	}
	return k
}

// elem returns the element of the teacher: INDIVIDU or SUPPLEANT.
func (t *stsTeacher) elem() string {
	if t.sub {
		return "SUPPLEANT"
	}
	return "INDIVIDU"
}

func uaiElem(k Kind) string {
	if k == KindSTS {
		return "PARAMETRES/UAJ@CODE"
	}
	return "PARAMETRES/UAJ"
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// ctxErr returns nil while ctx is not done, else an error that matches
// both ctx.Err() (context.Canceled or context.DeadlineExceeded) and
// context.Cause(ctx), so that a caller who cancelled with a cause finds
// it.
func ctxErr(ctx context.Context) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	cause := context.Cause(ctx)
	if errors.Is(cause, err) {
		return cause
	}
	return fmt.Errorf("%w: %w", err, cause)
}
