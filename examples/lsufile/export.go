package lsufile

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// The versions of the schema the writer writes.
const (
	// Version7 is the current version, 7.0: LSU's import takes it, and
	// so does the ENT's "Compétences" module.
	Version7 = "7.0"
	// Version3 is the portable version: a file of version 3.0 with the
	// lock dates is valid against both the schema of 2020 (GEPI's, the
	// last that GEPI and SACoche know) and version 7.0.
	Version3 = "3.0"
)

// Namespace is the namespace of LSU's import file.
const Namespace = "urn:fr:edu:scolarite:lsun:bilans:import"

// Identity is the writer's identity that the file's header carries: the
// caller's software, never lsusync's.
type Identity struct {
	// Editor is the software's publisher (editeur, 1 to 50 characters).
	Editor string `json:"editor"`
	// Application is the software's name (application, 1 to 50).
	Application string `json:"application"`
	// Version is the software's version (appliVersion, 1 to 50), or "".
	Version string `json:"version,omitempty"`
}

// ExportOptions chooses what [Export] writes.
type ExportOptions struct {
	// Identity is the header's editor, application and version.
	Identity Identity
	// Schema is Version7 (the default, "") or Version3.
	Schema string
	// Classes are the codes of the classes to export; none means every
	// class of the store.
	Classes []string
	// Periods are the periods to export, as [lsusync.Period.String]
	// names them ("T1", "S2"); none means every period.
	Periods []string
	// Imported adds the bilans imported from other software to the bilans
	// en saisie directe, locked or not, which are always exported.
	Imported bool
	// Strict refuses the whole file when a bilan cannot be valid
	// ([ErrInvalidBilans]); otherwise the others are written and the
	// report lists those.
	Strict bool
	// Progress, when not nil, is told of each class read and written.
	Progress func(Progress)
}

// Progress tells how far an export or an import has gone.
type Progress struct {
	// Step is what is being done, in French: "Lecture des bilans",
	// "Écriture du fichier", "Lecture du fichier", "Import des bilans".
	Step string
	// Done and Total count the classes of the step (Total 0: unknown).
	Done, Total int
}

// StoreReader is what [Export] reads of a store: every read interface of
// [lsusync.Store].
type StoreReader interface {
	lsusync.EstablishmentStore
	lsusync.TeacherStore
	lsusync.ClassStore
	lsusync.StudentStore
	lsusync.BilanStore
}

// Errors of [Export], matched with [errors.Is].
var (
	// ErrInvalidBilans refuses a strict export: some bilans cannot be
	// valid; the report says which and why. Nothing was written.
	ErrInvalidBilans = errors.New("lsufile: some bilans cannot be valid in LSU's file")
	// ErrNothingToExport refuses an export that has no bilan to write:
	// none selected, or none valid (the report says why). Nothing was
	// written.
	ErrNothingToExport = errors.New("lsufile: no bilan to export")
	// ErrUnknownPeriod refuses a period that no selected class has.
	ErrUnknownPeriod = errors.New("lsufile: unknown period")
	// ErrStoreChanged reports bilans written to the store while the
	// export read them twice: the file would not be one state of the
	// store. What was written to w is incomplete; export again.
	ErrStoreChanged = errors.New("lsufile: the store changed during the export")
)

// headerLimits are the header's texts: Chaine50, which no field of the
// model holds.
var headerLimits = &spec{label: "identité du logiciel", minLen: 1, maxLen: 50, required: true}

// Export writes the bilans périodiques of st for the classes and periods
// opts selects, as one LSU import file, to w.
//
// Before it writes anything, it checks every bilan against LSU's schema
// and what the schema cannot check (see the package documentation): a
// bilan that cannot be valid is never completed with an invented value;
// it is left out and the report says why, naming it by class, period and
// ELEVE_ID. With opts.Strict, such a bilan refuses the whole file
// ([ErrInvalidBilans]). The report lists the bilans written per class and
// period.
//
// The file is deterministic: its ids are made of the records' keys
// (EL_<ELEVE_ID>, P_<year>_<index>_<count>, DI_<code>_<modalité>,
// ENS_<type>_<id>) or numbered in a sorted order, and its records are
// sorted, so that two exports of one store are byte-identical. Export
// reads the store's bilans twice, class by class: to check them and
// gather the file's shared lists (pupils, periods, subjects, teachers,
// éléments de programme, EPIs...), then to write them; its memory grows
// with those lists and with one class's bilans, not with the number of
// bilans. A bilan written to the store between the two readings stops
// the export with [ErrStoreChanged].
//
// Export refuses, writing nothing: an Identity the header cannot hold
// ([lsusync.ErrInvalid]), a schema other than Version7 and Version3, an
// unknown class (a [*lsusync.ClassesError] of [lsusync.ErrUnknownClass]),
// an unknown period ([ErrUnknownPeriod]), a store UAI that is not 8
// characters, and [ErrNothingToExport]. After it started writing, an
// error (of w, of the store, ErrStoreChanged) leaves w with an
// incomplete file: write to a temporary file and rename it once Export
// returns nil, as the lsusync command does.
func Export(ctx context.Context, st StoreReader, w io.Writer, opts ExportOptions) (*Report, error) {
	x, err := newExporter(ctx, st, opts)
	if err != nil {
		return nil, err
	}
	if err := x.readPupils(ctx); err != nil {
		return nil, err
	}
	if err := x.check(ctx); err != nil {
		return nil, err
	}
	rep := x.report()
	c := rep.Counts()
	switch {
	case c.Exported == 0:
		return rep, ErrNothingToExport
	case opts.Strict && c.Invalid > 0:
		rep.Strict = true
		return rep, ErrInvalidBilans
	}
	xw := newXMLWriter(w)
	x.writeHead(xw)
	if err := x.writeBilans(ctx, xw); err != nil {
		return rep, err
	}
	xw.raw("\n</lsun-bilans>\n")
	if err := xw.flush(); err != nil {
		return rep, fmt.Errorf("lsufile: writing the file: %w", err)
	}
	return rep, nil
}

// exporter is one export.
type exporter struct {
	st      StoreReader
	opts    ExportOptions
	v3      bool
	est     lsusync.Establishment
	head    string                                 // the establishment's HeadName
	teacher map[lsusync.TeacherKey]lsusync.Teacher // the store's
	classes []lsusync.Class                        // selected, sorted by code
	periods map[string]bool                        // selected names; nil: every period

	pupils     map[string]*lsusync.Student // of the selected classes, by ID
	collisions map[string]string           // ELEVE_ID -> another of the same number

	noLabel map[lsusync.SubjectKey]string // subjects of no valid label: why
	badKeys map[lsusync.TeacherKey]string // keys of one STS number: the other

	reg       *registry
	digests   map[string][32]byte       // class -> digest of its selected bilans
	invalid   map[lsusync.BilanKey]bool // bilans not written
	items     []Item                    // per class and period, then invalid bilans
	notInFile map[notInFile]int         // what the file has no place for
}

func newExporter(ctx context.Context, st StoreReader, opts ExportOptions) (*exporter, error) {
	x := &exporter{st: st, opts: opts}
	switch opts.Schema {
	case "", Version7:
		x.opts.Schema = Version7
	case Version3:
		x.v3 = true
	default:
		return nil, fmt.Errorf("lsufile: %w: schema version %q: want %s or %s", lsusync.ErrInvalid, opts.Schema, Version7, Version3)
	}
	for _, f := range []struct{ name, v string }{{"editeur", opts.Identity.Editor}, {"application", opts.Identity.Application}, {"appliVersion", opts.Identity.Version}} {
		s := headerLimits
		if f.name == "appliVersion" && f.v == "" {
			continue
		}
		cs, p, _ := clean(f.v)
		if p == textOK {
			p, _ = measure(s, cs)
		}
		if p != textOK {
			return nil, fmt.Errorf("lsufile: %w: the header's %s must be 1 to 50 characters, not only spaces", lsusync.ErrInvalid, f.name)
		}
	}
	est, err := st.Establishment(ctx)
	if err != nil {
		return nil, fmt.Errorf("lsufile: reading the store's establishment: %w", err)
	}
	if n := len([]rune(est.UAI)); n != fUAI.minLen {
		return nil, fmt.Errorf("lsufile: %w: the store's UAI %q has %d characters, LSU's file wants %d", lsusync.ErrInvalid, est.UAI, n, fUAI.minLen)
	}
	x.est, x.head = est, est.HeadName
	teachers, err := st.Teachers(ctx)
	if err != nil {
		return nil, fmt.Errorf("lsufile: reading the store's teachers: %w", err)
	}
	x.teacher = make(map[lsusync.TeacherKey]lsusync.Teacher, len(teachers))
	for _, t := range teachers {
		x.teacher[t.Key] = t
	}
	classes, err := st.Classes(ctx)
	if err != nil {
		return nil, fmt.Errorf("lsufile: reading the store's classes: %w", err)
	}
	slices.SortFunc(classes, func(a, b lsusync.Class) int { return strings.Compare(a.Code, b.Code) })
	if len(opts.Classes) == 0 {
		x.classes = classes
	} else {
		byCode := make(map[string]lsusync.Class, len(classes))
		for _, c := range classes {
			byCode[c.Code] = c
		}
		var unknown []string
		seen := make(map[string]bool)
		for _, code := range opts.Classes {
			c, ok := byCode[code]
			switch {
			case !ok:
				unknown = append(unknown, code)
			case !seen[code]:
				seen[code] = true
				x.classes = append(x.classes, c)
			}
		}
		if len(unknown) > 0 {
			known := make([]string, len(classes))
			for i, c := range classes {
				known[i] = c.Code
			}
			return nil, &lsusync.ClassesError{Err: lsusync.ErrUnknownClass, Classes: unknown, Known: known}
		}
		slices.SortFunc(x.classes, func(a, b lsusync.Class) int { return strings.Compare(a.Code, b.Code) })
	}
	if len(opts.Periods) > 0 {
		x.periods = make(map[string]bool)
		have := make(map[string]bool)
		for _, c := range x.classes {
			for _, p := range c.Periods {
				have[p.String()] = true
			}
		}
		for _, p := range opts.Periods {
			if !have[p] {
				return nil, fmt.Errorf("%w %q: the classes exported have no such period", ErrUnknownPeriod, p)
			}
			x.periods[p] = true
		}
	}
	return x, nil
}

// readPupils reads the pupils of the selected classes, and finds the
// ELEVE_IDs of one number.
func (x *exporter) readPupils(ctx context.Context) error {
	x.pupils = make(map[string]*lsusync.Student)
	byNumber := make(map[string]string)
	x.collisions = make(map[string]string)
	for _, c := range x.classes {
		students, err := x.st.Students(ctx, c.Code)
		if err != nil {
			return fmt.Errorf("lsufile: reading the pupils of class %q: %w", c.Code, err)
		}
		for i := range students {
			s := &students[i]
			x.pupils[s.ID] = s
			if !digits(s.ID) {
				continue
			}
			n := canonical(s.ID)
			if other, ok := byNumber[n]; ok && other != s.ID {
				x.collisions[s.ID], x.collisions[other] = other, s.ID
				continue
			}
			byNumber[n] = s.ID
		}
	}
	return nil
}

// selected reports whether the export writes b.
func (x *exporter) selected(b *lsusync.Bilan) bool {
	return (!b.Imported || x.opts.Imported) && (x.periods == nil || x.periods[b.Period.String()])
}

// classBilans reads the selected bilans of a class, sorted by pupil then
// period, and their digest.
func (x *exporter) classBilans(ctx context.Context, code string) ([]lsusync.Bilan, [32]byte, error) {
	all, err := x.st.Bilans(ctx, code)
	if err != nil {
		return nil, [32]byte{}, fmt.Errorf("lsufile: reading the bilans of class %q: %w", code, err)
	}
	bs := all[:0]
	for i := range all {
		if x.selected(&all[i]) {
			bs = append(bs, all[i])
		}
	}
	slices.SortFunc(bs, func(a, b lsusync.Bilan) int {
		return cmp.Or(compareIDs(a.Student, b.Student), comparePeriods(a.Period, b.Period))
	})
	h := sha256.New()
	for i := range bs {
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00%d\x00%s\x00", bs[i].Student, bs[i].Period.Year, bs[i].Period.Index, bs[i].Period.Count, bs[i].Version)
	}
	var d [32]byte
	h.Sum(d[:0])
	return bs, d, nil
}

// check reads and checks every selected bilan, and gathers the shared
// lists of the valid ones. A subject of no valid label, or two teachers'
// keys of one STS number, found once every bilan is read, make the
// bilans that name them invalid: the check runs again with them until
// no new one is found.
func (x *exporter) check(ctx context.Context) error {
	x.noLabel = make(map[lsusync.SubjectKey]string)
	x.badKeys = make(map[lsusync.TeacherKey]string)
	for {
		if err := x.checkOnce(ctx); err != nil {
			return err
		}
		found := false
		for k, d := range x.reg.disc {
			if _, ok := x.noLabel[k]; d.label == "" && !ok {
				x.noLabel[k], found = d.badLabel, true
			}
		}
		for k, other := range x.reg.keyCollisions() {
			if _, ok := x.badKeys[k]; !ok {
				x.badKeys[k], found = other, true
			}
		}
		if !found {
			return nil
		}
	}
}

// checkOnce reads and checks every selected bilan once.
func (x *exporter) checkOnce(ctx context.Context) error {
	first := x.digests == nil
	if first {
		x.digests = make(map[string][32]byte)
	}
	x.reg = newRegistry(x.v3)
	x.invalid = make(map[lsusync.BilanKey]bool)
	x.items = x.items[:0]
	x.notInFile = make(map[notInFile]int)
	for i, c := range x.classes {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("lsufile: %w", err)
		}
		bs, digest, err := x.classBilans(ctx, c.Code)
		if err != nil {
			return err
		}
		if first {
			x.digests[c.Code] = digest
		} else if x.digests[c.Code] != digest {
			return fmt.Errorf("%w: class %q", ErrStoreChanged, c.Code)
		}
		// The class's rows: per period, the bilans written, then those
		// that cannot be, by pupil.
		type rows struct {
			count   int
			invalid []Item
		}
		byPeriod := make(map[lsusync.Period]*rows)
		var order []lsusync.Period
		for j := range bs {
			b := &bs[j]
			r := byPeriod[b.Period]
			if r == nil {
				r = &rows{}
				byPeriod[b.Period] = r
				order = append(order, b.Period)
			}
			bx := &bilanContext{pupil: x.pupils[b.Student], collision: x.collisions[b.Student], head: x.head, noLabel: x.noLabel, badKeys: x.badKeys}
			if reasons := check(b, bx, x.v3); len(reasons) > 0 {
				x.invalid[b.Key()] = true
				r.invalid = append(r.invalid, Item{Status: lsusync.StatusWarning, Action: ActionInvalid, Class: c.Code,
					Period: b.Period.String(), Students: []string{b.Student}, Count: 1, Reasons: reasons})
				continue
			}
			x.reg.add(b, x.pupils[b.Student], bx.signatory(b))
			x.noteNotInFile(b)
			r.count++
		}
		slices.SortFunc(order, comparePeriods)
		for _, p := range order {
			r := byPeriod[p]
			if r.count > 0 {
				x.items = append(x.items, Item{Status: lsusync.StatusSuccess, Action: ActionExported, Class: c.Code, Period: p.String(), Count: r.count})
			}
			// The bilans of one period that cannot be valid for the same
			// reasons are one row: the bilans of a period not entered yet.
			slices.SortStableFunc(r.invalid, func(a, b Item) int { return strings.Compare(reasonsText(a.Reasons), reasonsText(b.Reasons)) })
			x.items = append(x.items, merged(r.invalid)...)
		}
		if x.opts.Progress != nil {
			x.opts.Progress(Progress{Step: "Lecture des bilans", Done: i + 1, Total: len(x.classes)})
		}
	}
	x.reg.finish()
	return nil
}

// signatory is the responsable-etab of b: its Signatory, else the
// establishment's head.
func (bx *bilanContext) signatory(b *lsusync.Bilan) string {
	if b.Signatory != "" {
		return b.Signatory
	}
	return bx.head
}

// noteNotInFile counts what b holds that the file has no place for.
func (x *exporter) noteNotInFile(b *lsusync.Bilan) {
	if len(b.Content) > 0 {
		x.notInFile[notBilanContent]++
	}
	for i := range b.Acquis {
		if len(b.Acquis[i].Content) > 0 {
			x.notInFile[notAcquisContent]++
		}
	}
	for i := range b.Guardians {
		if b.Guardians[i].Address.Country != "" {
			x.notInFile[notCountry]++
		}
	}
}

// report returns the export's report.
func (x *exporter) report() *Report {
	r := &Report{Operation: OpExport, Schema: x.opts.Schema, Items: slices.Clone(x.items)}
	for _, c := range x.classes {
		r.Classes = append(r.Classes, c.Code)
	}
	if x.periods != nil {
		r.Periods = slices.Clone(x.opts.Periods)
	}
	if len(x.notInFile) > 0 {
		it := Item{Status: lsusync.StatusSuccess, Action: ActionNotCarried}
		for _, k := range slices.Sorted(maps.Keys(x.notInFile)) {
			n := x.notInFile[k]
			it.Count += n
			it.Reasons = append(it.Reasons, notInFileReason(k, n))
		}
		r.Items = append(r.Items, it)
	}
	r.setStatus()
	return r
}

// compareIDs orders ELEVE_IDs as numbers: shorter first, then bytewise.
func compareIDs(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) }

func comparePeriods(a, b lsusync.Period) int {
	return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Count, b.Count), cmp.Compare(a.Index, b.Index))
}

// writeHead writes the header and the shared lists.
func (x *exporter) writeHead(w *xmlWriter) {
	w.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.raw(`<lsun-bilans xmlns="` + Namespace + `"`)
	w.attr("schemaVersion", x.opts.Schema)
	w.raw(">")
	w.open(1, "entete")
	w.raw(">")
	id := x.opts.Identity
	w.text(2, "editeur", cleaned(id.Editor))
	w.text(2, "application", cleaned(id.Application))
	if id.Version != "" {
		w.text(2, "appliVersion", cleaned(id.Version))
	}
	w.text(2, fUAI.name, x.est.UAI)
	w.close(1, "entete")
	w.open(1, "donnees")
	w.raw(">")
	x.reg.write(w, x)
}

// writeBilans reads the bilans again, class by class, and writes the
// valid ones.
func (x *exporter) writeBilans(ctx context.Context, w *xmlWriter) error {
	w.open(2, "bilans-periodiques")
	w.raw(">")
	for i, c := range x.classes {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("lsufile: %w", err)
		}
		bs, digest, err := x.classBilans(ctx, c.Code)
		if err != nil {
			return err
		}
		if x.digests[c.Code] != digest {
			return fmt.Errorf("%w: class %q", ErrStoreChanged, c.Code)
		}
		for j := range bs {
			b := &bs[j]
			if x.invalid[b.Key()] {
				continue
			}
			x.reg.writeBilan(w, b, x.signatoryOf(b))
			w.maybeFlush()
			if w.err != nil {
				return fmt.Errorf("lsufile: writing the file: %w", w.err)
			}
		}
		if x.opts.Progress != nil {
			x.opts.Progress(Progress{Step: "Écriture du fichier", Done: i + 1, Total: len(x.classes)})
		}
	}
	w.close(2, "bilans-periodiques")
	w.close(1, "donnees")
	return nil
}

func (x *exporter) signatoryOf(b *lsusync.Bilan) string {
	if b.Signatory != "" {
		return b.Signatory
	}
	return x.head
}

// cleaned returns clean(s), which the checks have accepted.
func cleaned(s string) string {
	s, _, _ = clean(s)
	return s
}

// itoa formats n.
func itoa(n int) string { return strconv.Itoa(n) }

// notInFile is a kind of content the store holds and the file has no
// place for.
type notInFile int

const (
	notBilanContent  notInFile = iota // Bilan.Content
	notAcquisContent                  // Acquis.Content
	notCountry                        // Guardian.Address.Country
)

// notInFileReason words n of a kind: « autre contenu de 3 bilans ».
func notInFileReason(k notInFile, n int) Reason {
	switch k {
	case notBilanContent:
		return Reason{Field: "Content", Text: fContent.label + " de " + plural(n, "bilan", "bilans", true), Count: n}
	case notAcquisContent:
		return Reason{Field: "Acquis.Content", Text: fAcquisContent.label + " de " + plural(n, "acquis", "acquis", true), Count: n}
	}
	return Reason{Field: "Guardians.Address.Country", Text: fCountry.label + " de " + plural(n, "responsable", "responsables", true), Count: n}
}
