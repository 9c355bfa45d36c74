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
// The whole file is read and checked first ([Read]): a file the schema
// refuses, or of another establishment than the store's (a
// [*lsusync.EstablishmentError]), is refused, and nothing is written.
// Then each class's bilans are written together, atomically, with one
// Batch when the store is an [lsusync.Batcher]: a class that fails is
// reported, the others are imported.
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
// report.
func Import(ctx context.Context, st lsusync.Store, r io.Reader, name string, opts ImportOptions) (*Report, error) {
	var bilans []*FileBilan
	f, err := Read(ctx, r, name, opts.ReadOptions, func(b *FileBilan) error {
		bilans = append(bilans, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if opts.Progress != nil {
		opts.Progress(Progress{Step: "Lecture du fichier", Done: 1, Total: 1})
	}
	im := &importer{st: st, opts: opts, file: f}
	if err := im.prepare(ctx); err != nil {
		return nil, err
	}
	return im.run(ctx, bilans)
}

// importer is one import.
type importer struct {
	st   lsusync.Store
	opts ImportOptions
	file *File

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

// classImport is what the file gives one class of the store.
type classImport struct {
	code   string
	bilans []*FileBilan
}

func (im *importer) run(ctx context.Context, bilans []*FileBilan) (*Report, error) {
	rep := &Report{Operation: OpImport, DryRun: im.opts.DryRun, Schema: im.file.Version, File: im.file.Name}
	var refused []Item
	byClass := make(map[string]*classImport)
	for _, fb := range bilans {
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
			c := byClass[p.Class]
			if c == nil {
				c = &classImport{code: p.Class}
				byClass[p.Class] = c
			}
			c.bilans = append(c.bilans, fb)
			continue
		}
		refused = append(refused, item)
	}
	codes := slices.Sorted(maps.Keys(byClass))
	var batch lsusync.Batch
	if b, ok := im.st.(lsusync.Batcher); ok && !im.opts.DryRun && len(codes) > 0 {
		var err error
		if batch, err = b.BeginBatch(ctx); err != nil {
			return nil, fmt.Errorf("lsufile: starting the store's batch: %w", err)
		}
		defer batch.Discard()
	}
	apply := im.st.Apply
	if batch != nil {
		apply = batch.Apply
	}
	var items []Item
	var written []int // items whose bilans are written with the batch
	for i, code := range codes {
		its, err := im.importClass(ctx, byClass[code], apply)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("lsufile: %w", context.Cause(ctx))
			}
			its = failedItems(byClass[code], err)
		}
		for _, it := range its {
			if it.Action == ActionImported || it.Action == ActionReplaced {
				written = append(written, len(items))
			}
			items = append(items, it)
		}
		if im.opts.Progress != nil {
			im.opts.Progress(Progress{Step: "Import des bilans", Done: i + 1, Total: len(codes)})
		}
	}
	if batch != nil {
		if err := batch.Commit(ctx); err != nil {
			err = fmt.Errorf("lsufile: writing the store: %w", err)
			for _, i := range written {
				items[i].Action, items[i].Status, items[i].Err = ActionFailed, lsusync.StatusError, err
			}
		}
	}
	items = append(items, refused...)
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
	return rep, nil
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

// failedItems are the rows of a class whose bilans could not be written.
func failedItems(c *classImport, err error) []Item {
	counts := make(map[string]int)
	for _, fb := range c.bilans {
		counts[fb.Period.String()]++
	}
	var items []Item
	for _, p := range slices.Sorted(maps.Keys(counts)) {
		items = append(items, Item{Status: lsusync.StatusError, Action: ActionFailed, Class: c.code, Period: p, Count: counts[p], Err: err})
	}
	return items
}

// importClass writes the bilans of one class, in one change set, reading
// the class again when the store refuses it for a conflict.
func (im *importer) importClass(ctx context.Context, c *classImport, apply func(context.Context, lsusync.ChangeSet) error) ([]Item, error) {
	for attempt := 0; ; attempt++ {
		stored, err := im.st.Bilans(ctx, c.code)
		if err != nil {
			return nil, fmt.Errorf("lsufile: reading the bilans of class %q: %w", c.code, err)
		}
		byKey := make(map[lsusync.BilanKey]*lsusync.Bilan, len(stored))
		for i := range stored {
			byKey[stored[i].Key()] = &stored[i]
		}
		type counts struct{ imported, replaced, unchanged int }
		perPeriod := make(map[lsusync.Period]*counts)
		var items []Item
		var cs lsusync.ChangeSet
		for _, fb := range c.bilans {
			nb := fb.Bilan
			nb.Version = ""
			cp := perPeriod[nb.Period]
			if cp == nil {
				cp = &counts{}
				perPeriod[nb.Period] = cp
			}
			old := byKey[nb.Key()]
			switch {
			case old == nil:
				cp.imported++
			case old.Locked:
				items = append(items, Item{Status: lsusync.StatusWarning, Action: ActionLocked, Class: c.code, Period: nb.Period.String(), Students: []string{nb.Student}, Count: 1})
				continue
			case !old.Imported && hasContent(old):
				items = append(items, Item{Status: lsusync.StatusWarning, Action: ActionEntered, Class: c.code, Period: nb.Period.String(), Students: []string{nb.Student}, Count: 1})
				continue
			case old.Imported && sameBilan(old, &nb):
				cp.unchanged++
				continue
			case old.Imported:
				cp.replaced++
				nb.Version = old.Version
			default: // an empty bilan en saisie directe
				cp.imported++
				nb.Version = old.Version
			}
			cs.Bilans = append(cs.Bilans, nb)
		}
		if len(cs.Bilans) > 0 && !im.opts.DryRun {
			err := apply(ctx, cs)
			if errors.Is(err, lsusync.ErrConflict) && attempt < im.opts.retries() && ctx.Err() == nil {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("lsufile: writing the bilans of class %q: %w", c.code, err)
			}
		}
		periods := slices.SortedFunc(maps.Keys(perPeriod), comparePeriods)
		for _, p := range periods {
			cp := perPeriod[p]
			for _, x := range []struct {
				a Action
				n int
			}{{ActionImported, cp.imported}, {ActionReplaced, cp.replaced}, {ActionUnchanged, cp.unchanged}} {
				if x.n > 0 {
					items = append(items, Item{Status: lsusync.StatusSuccess, Action: x.a, Class: c.code, Period: p.String(), Count: x.n})
				}
			}
		}
		return items, nil
	}
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
