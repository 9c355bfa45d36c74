package lsufile

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/lsusync/lsusync"
)

// ImportOptions configures [Import].
type ImportOptions struct {
	// ReadOptions bounds the file.
	ReadOptions
	// DryRun computes the report and writes nothing.
	DryRun bool
	// Progress, when not nil, is told of each class imported.
	Progress func(Progress)
	// ConflictRetries is how many times a class whose bilans changed in
	// the store while they were imported is read again and imported again
	// before it is reported as an error; 0 means 3, a negative value none.
	ConflictRetries int
}

func (o *ImportOptions) retries() int {
	switch {
	case o.ConflictRetries == 0:
		return 3
	case o.ConflictRetries < 0:
		return 0
	}
	return o.ConflictRetries
}

// Import imports LSU's import file read from r into st, as LSU's Import
// does: each bilan périodique of a pupil the store holds, for a period
// configured for the pupil's class (rule 1 of docs/rules.md), is written
// as an imported bilan ([lsusync.Bilan.Imported]), which a
// synchronisation never touches.
//
// Import reads the file twice. First it checks the whole file ([Read]):
// a file the schema refuses, or of another establishment than the
// store's (a [*lsusync.EstablishmentError]), is refused, and nothing is
// written. Then it reads it again and imports its bilans class by class.
// With a store that is an [lsusync.Batcher] (the stores of this module
// are), every change set goes to one Batch, committed at the end: the
// import is written whole or not at all, and its memory does not grow
// with the file's bilans (a class's bilans are staged in parts of at most
// 1,000). With another store, each class's bilans are applied together
// ([lsusync.Applier.Apply]), atomically, and held until then: a class that
// fails is reported, the others are imported.
//
// Import never replaces a locked bilan, nor a bilan en saisie directe
// that holds content (each is reported); it replaces a bilan imported
// before (a corrected file imported again), and a bilan en saisie
// directe that holds nothing (the empty bilan a synchronisation
// creates). A second import of the same file writes nothing. A pupil or
// a period the store lacks is reported, never created. A file's
// date-verrou is the bilan's LockDate: it does not make the stored bilan
// Locked, which could then never be replaced by a corrected file.
// Teachers' keys are matched with the store's by type and STS number
// ("0123" is "123"); pupils by their ELEVE_ID as a number. What the model
// has no field for (bilans de cycle...) is counted in one row of the
// report. A bilan written to the store while it is imported is read
// again (opts.ConflictRetries), never overwritten.
func Import(ctx context.Context, st lsusync.Store, r io.ReadSeeker, name string, opts ImportOptions) (*Report, error) {
	f, err := Read(ctx, r, name, opts.ReadOptions, nil)
	if err != nil {
		return nil, err
	}
	if opts.Progress != nil {
		opts.Progress(Progress{Step: "Lecture du fichier", Done: 1, Total: 2})
	}
	im := &importer{ctx: ctx, st: st, opts: opts, file: f, counts: make(map[countKey]int)}
	if err := im.prepare(ctx); err != nil {
		return nil, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("lsufile: reading %s again: %w", name, err)
	}
	if b, ok := st.(lsusync.Batcher); ok && !opts.DryRun {
		if im.batch, err = b.BeginBatch(ctx); err != nil {
			return nil, fmt.Errorf("lsufile: starting the store's batch: %w", err)
		}
		defer im.batch.Discard()
	}
	if _, err := Read(ctx, r, name, opts.ReadOptions, im.take); err != nil {
		if ctx.Err() != nil || !errors.As(err, new(*Error)) {
			return nil, err
		}
		return nil, fmt.Errorf("lsufile: %s changed while it was imported: %w", name, err)
	}
	if err := im.flush(ctx); err != nil {
		return nil, err
	}
	for _, code := range slices.Sorted(maps.Keys(im.held)) {
		if err := im.importClass(ctx, &classImport{code: code, bilans: im.held[code]}); err != nil {
			return nil, err
		}
	}
	if im.batch != nil {
		if err := im.batch.Commit(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("lsufile: %w", context.Cause(ctx))
			}
			im.failAll(fmt.Errorf("lsufile: writing the store: %w", err))
		}
	}
	if opts.Progress != nil {
		opts.Progress(Progress{Step: "Import des bilans", Done: 2, Total: 2})
	}
	return im.report(), nil
}

// importer is one import.
type importer struct {
	ctx  context.Context
	st   lsusync.Store
	opts ImportOptions
	file *File

	batch    lsusync.Batch
	chunk    classImport             // the bilans taken, of one class, with a batch
	held     map[string][]*FileBilan // by class, without a batch
	done     int                     // the chunks imported
	counts   map[countKey]int
	items    []Item // the bilans not imported
	failErr  error
	classErr map[string]error

	classes  map[string]lsusync.Class
	pupils   map[string]*lsusync.Student // by ELEVE_ID as a number
	teachers map[lsusync.TeacherKey]lsusync.TeacherKey
}

// prepare checks the establishment and reads the store's classes, pupils
// and teachers.
func (im *importer) prepare(ctx context.Context) error {
	est, err := im.st.Establishment(ctx)
	if err != nil {
		return fmt.Errorf("lsufile: reading the store's establishment: %w", err)
	}
	if im.file.UAI != est.UAI {
		return &lsusync.EstablishmentError{Source: im.file.UAI, Store: est.UAI}
	}
	classes, err := im.st.Classes(ctx)
	if err != nil {
		return fmt.Errorf("lsufile: reading the store's classes: %w", err)
	}
	im.classes = make(map[string]lsusync.Class, len(classes))
	im.pupils = make(map[string]*lsusync.Student)
	for _, c := range classes {
		im.classes[c.Code] = c
		students, err := im.st.Students(ctx, c.Code)
		if err != nil {
			return fmt.Errorf("lsufile: reading the pupils of class %q: %w", c.Code, err)
		}
		for i := range students {
			if digits(students[i].ID) {
				im.pupils[canonical(students[i].ID)] = &students[i]
			}
		}
	}
	teachers, err := im.st.Teachers(ctx)
	if err != nil {
		return fmt.Errorf("lsufile: reading the store's teachers: %w", err)
	}
	im.teachers = make(map[lsusync.TeacherKey]lsusync.TeacherKey, len(teachers))
	for _, t := range teachers {
		if digits(t.Key.ID) {
			im.teachers[lsusync.TeacherKey{Type: t.Key.Type, ID: canonical(t.Key.ID)}] = t.Key
		}
	}
	return nil
}

// key returns the store's key of a teacher of the file: the stored
// teacher of its type and number, or the file's key.
func (im *importer) key(k lsusync.TeacherKey) lsusync.TeacherKey {
	if s, ok := im.teachers[lsusync.TeacherKey{Type: k.Type, ID: canonical(k.ID)}]; ok {
		return s
	}
	return k
}

// storeKeys gives b's teachers the store's keys.
func (im *importer) storeKeys(b *lsusync.Bilan) {
	for i := range b.HeadTeachers {
		b.HeadTeachers[i] = im.key(b.HeadTeachers[i])
	}
	for i := range b.Acquis {
		for j := range b.Acquis[i].Teachers {
			b.Acquis[i].Teachers[j] = im.key(b.Acquis[i].Teachers[j])
		}
	}
	for i := range b.EPIs {
		t := b.EPIs[i].Group.Teaching
		for j := range t {
			t[j].Teacher = im.key(t[j].Teacher)
		}
	}
	for i := range b.APs {
		t := b.APs[i].Group.Teaching
		for j := range t {
			t[j].Teacher = im.key(t[j].Teacher)
		}
	}
}

// classImport is bilans of the file for one class of the store.
type classImport struct {
	code   string
	bilans []*FileBilan
}

// chunkSize is the most bilans staged in one change set of a batch.
const chunkSize = 1000

// countKey is a row of bilans counted: a class, a period, an action.
type countKey struct {
	class  string
	period lsusync.Period
	action Action
}

// take is Read's function of the second reading: each bilan is refused
// (a pupil or a period the store lacks, what the model cannot hold), or
// goes to the class's bilans to import.
func (im *importer) take(fb *FileBilan) error {
	p := im.pupils[canonical(fb.Student)]
	item := Item{Status: lsusync.StatusWarning, Class: fb.Class, Period: fb.Period.String(), Students: []string{fb.Student}, Count: 1}
	switch {
	case p == nil:
		item.Action = ActionNoStudent
	case len(fb.Unfit) > 0:
		item.Action, item.Class, item.Students, item.Reasons = ActionUnfit, p.Class, []string{p.ID}, fb.Unfit
	case !slices.Contains(im.classes[p.Class].Periods, fb.Period):
		item.Action, item.Class, item.Students = ActionNoPeriod, p.Class, []string{p.ID}
	default:
		fb.Student = p.ID
		im.storeKeys(&fb.Bilan)
		if im.batch == nil && !im.opts.DryRun {
			if im.held == nil {
				im.held = make(map[string][]*FileBilan)
			}
			im.held[p.Class] = append(im.held[p.Class], fb)
			return nil
		}
		if im.chunk.code != p.Class || len(im.chunk.bilans) == chunkSize {
			if err := im.flush(im.ctx); err != nil {
				return err
			}
			im.chunk.code = p.Class
		}
		im.chunk.bilans = append(im.chunk.bilans, fb)
		return nil
	}
	im.items = append(im.items, item)
	return nil
}

// flush imports the bilans taken since the last flush.
func (im *importer) flush(ctx context.Context) error {
	if len(im.chunk.bilans) == 0 {
		return nil
	}
	err := im.importClass(ctx, &im.chunk)
	im.chunk.bilans = im.chunk.bilans[:0]
	im.done++
	if im.opts.Progress != nil {
		im.opts.Progress(Progress{Step: "Import des bilans", Done: im.done})
	}
	return err
}

// failAll turns the bilans the batch would have written into failures.
func (im *importer) failAll(err error) {
	for k, n := range im.counts {
		if k.action == ActionImported || k.action == ActionReplaced {
			delete(im.counts, k)
			im.counts[countKey{class: k.class, period: k.period, action: ActionFailed}] += n
		}
	}
	im.failErr = err
}

// report returns the import's report.
func (im *importer) report() *Report {
	rep := &Report{Operation: OpImport, DryRun: im.opts.DryRun, Schema: im.file.Version, File: im.file.Name}
	items := slices.Clone(im.items)
	for k, n := range im.counts {
		it := Item{Status: lsusync.StatusSuccess, Action: k.action, Class: k.class, Period: k.period.String(), Count: n}
		if k.action == ActionFailed {
			it.Status, it.Err = lsusync.StatusError, im.failErr
			if e, ok := im.classErr[k.class]; ok {
				it.Err = e
			}
		}
		items = append(items, it)
	}
	slices.SortStableFunc(items, func(a, b Item) int {
		return cmp.Or(strings.Compare(a.Class, b.Class), comparePeriodNames(a.Period, b.Period), cmp.Compare(a.Action, b.Action),
			strings.Compare(reasonsText(a.Reasons), reasonsText(b.Reasons)), compareIDs(first(a.Students), first(b.Students)))
	})
	rep.Items = merged(items)
	if len(im.file.NotCarried) > 0 {
		it := Item{Status: lsusync.StatusWarning, Action: ActionNotCarried, Reasons: im.file.NotCarried}
		for _, r := range im.file.NotCarried {
			it.Count += r.Count
		}
		rep.Items = append(rep.Items, it)
	}
	rep.setStatus()
	return rep
}

// comparePeriodNames orders the periods of the report's items: "T1" before
// "T2", "" last.
func comparePeriodNames(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

// importClass writes bilans of one class, in one change set, reading the
// class's stored bilans again when the store refuses it for a conflict.
// A store's error fails the class: with a batch, it fails the import,
// which writes nothing.
func (im *importer) importClass(ctx context.Context, c *classImport) error {
	apply := im.st.Apply
	if im.batch != nil {
		apply = im.batch.Apply
	}
	for attempt := 0; ; attempt++ {
		stored, err := im.st.Bilans(ctx, c.code)
		if err != nil {
			return im.classFailed(c, fmt.Errorf("lsufile: reading the bilans of class %q: %w", c.code, err))
		}
		byKey := make(map[lsusync.BilanKey]*lsusync.Bilan, len(stored))
		for i := range stored {
			byKey[stored[i].Key()] = &stored[i]
		}
		counts := make(map[countKey]int)
		var items []Item
		var cs lsusync.ChangeSet
		for _, fb := range c.bilans {
			nb := fb.Bilan
			nb.Version = ""
			k := countKey{class: c.code, period: nb.Period}
			old := byKey[nb.Key()]
			switch {
			case old == nil:
				k.action = ActionImported
			case old.Locked:
				items = append(items, Item{Status: lsusync.StatusWarning, Action: ActionLocked, Class: c.code, Period: nb.Period.String(), Students: []string{nb.Student}, Count: 1})
				continue
			case !old.Imported && hasContent(old):
				items = append(items, Item{Status: lsusync.StatusWarning, Action: ActionEntered, Class: c.code, Period: nb.Period.String(), Students: []string{nb.Student}, Count: 1})
				continue
			case old.Imported && sameBilan(old, &nb):
				counts[countKey{class: c.code, period: nb.Period, action: ActionUnchanged}]++
				continue
			case old.Imported:
				k.action = ActionReplaced
				nb.Version = old.Version
			default: // an empty bilan en saisie directe
				k.action = ActionImported
				nb.Version = old.Version
			}
			counts[k]++
			cs.Bilans = append(cs.Bilans, nb)
		}
		if len(cs.Bilans) > 0 && !im.opts.DryRun {
			err := apply(ctx, cs)
			if errors.Is(err, lsusync.ErrConflict) && attempt < im.opts.retries() && ctx.Err() == nil {
				continue
			}
			if err != nil {
				return im.classFailed(c, fmt.Errorf("lsufile: writing the bilans of class %q: %w", c.code, err))
			}
		}
		for k, n := range counts {
			im.counts[k] += n
		}
		im.items = append(im.items, items...)
		return nil
	}
}

// classFailed records that the bilans of c could not be written. With a
// batch, the import stops: a batch with a class written in part must not
// be committed.
func (im *importer) classFailed(c *classImport, err error) error {
	if im.batch != nil || im.ctx.Err() != nil {
		return err
	}
	for _, fb := range c.bilans {
		im.counts[countKey{class: c.code, period: fb.Period, action: ActionFailed}]++
	}
	if im.classErr == nil {
		im.classErr = make(map[string]error)
	}
	im.classErr[c.code] = err
	return nil
}

// hasContent reports whether b holds anything the school entered.
func hasContent(b *lsusync.Bilan) bool {
	if !b.BilanContent.IsZero() {
		return true
	}
	for i := range b.Acquis {
		if b.Acquis[i].HasContent() || b.Acquis[i].Subject.NationalCode != "" {
			return true
		}
	}
	return false
}

// sameBilan reports whether a and b hold the same values, an empty list
// or map the same as none, whatever their versions.
func sameBilan(a, b *lsusync.Bilan) bool {
	x, y := *a, *b
	x.Version, y.Version = "", ""
	return reflect.DeepEqual(normalized(reflect.ValueOf(x)).Interface(), normalized(reflect.ValueOf(y)).Interface())
}

// normalized returns a copy of v where every empty slice or map is nil.
func normalized(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(normalized(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		return v
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(normalized(v.Elem()))
		return p
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(normalized(v.Field(i)))
			}
		}
		return out
	}
	return v
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
