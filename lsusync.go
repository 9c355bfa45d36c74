// Package lsusync performs the LSU "Synchronisation Base Élèves": it
// refreshes an LSU store (the Livret Scolaire Unique: the pupils' school
// reports) from the national SIECLE and STS-Web data, under strict rules,
// and returns a typed [Report].
//
// A [Synchronizer] reads a [Source] (the establishment, classes, pupils,
// teachers, services and professeurs principaux) and updates a [Store] (the
// LSU data: the same records and the bilans). It changes only what a
// synchronisation may change:
//
//   - the establishment: every field but the UAI;
//   - the teachers: civility, names and NUMEN; new teachers are added;
//   - each selected class: its label;
//   - its pupils: names, birth date, sex and INE; new pupils are added,
//     pupils who left are reported and kept;
//   - the non-locked bilans en saisie directe of its pupils: the list of
//     subjects, the teachers of each subject, the professeurs principaux.
//
// Everything else is never touched: the UAI, class codes and periods,
// locked bilans, bilans imported from other software, and every piece of
// content of a bilan (appreciations, positionings, averages, synthesis...).
// A value that the source leaves empty never erases a stored one. A
// subject that leaves the services but whose acquis holds content is kept.
//
// # Rules of a synchronisation
//
// Sync refuses to start, and writes nothing, when a selected class is
// unknown to the source ([ErrUnknownClass]), when a selected class has no
// period configured in the store ([ErrPeriodsNotConfigured]), or when the
// source's UAI is not the store's ([ErrWrongEstablishment]).
//
// Records are matched by stable keys, never by name: pupils by ELEVE_ID,
// teachers by (type, id), classes by code, subjects by code, bilans by
// (pupil, period). The changes of one class are applied atomically; a
// class that fails is reported and the others complete. A second Sync with
// the same source writes nothing. A dry run computes the same report and
// writes nothing.
//
// # Implementing a Source or a Store
//
// [Source] and [Store] are composed of small interfaces; their method docs
// state the contract: what "not found" returns, what empty means, and that
// every method is called from several goroutines at once. A Store writes
// only through [Applier.Apply], one atomic [ChangeSet] at a time; a Store
// backed by a file or a database should also implement [Batcher] so that a
// whole sync is persisted with one write.
//
// # Testing
//
// The package lsusynctest checks any Store against the contract with one
// call. The module's examples directory holds the reference in-memory
// Source and Store, a file-backed Store, and a Source that reads the real
// SIECLE and STS-Web exports.
//
// # Personal data
//
// A report's default rendering names pupils by their class only; the
// synchronizer logs class codes and counts only. Field-level values, which
// may be personal data, appear in [Item.Changes] and the detailed
// rendering.
package lsusync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Options configures a [Synchronizer]. The zero Options is valid: no dry
// run, one class per CPU at once, the system clock, no progress callback,
// no logging.
type Options struct {
	// Concurrency is the largest number of classes synchronised at once.
	// Zero or less means runtime.GOMAXPROCS(0).
	Concurrency int
	// DryRun computes the report without writing anything to the store.
	DryRun bool
	// Now returns the current time; nil means [time.Now]. Today, the date
	// of Now in its location, decides whether an exit date or the end date
	// of a professeur principal is past.
	Now func() time.Time
	// Progress, when not nil, is called after each class, one call at a
	// time, from the goroutine that synchronised it.
	Progress func(Progress)
	// Logger, when not nil, receives one record per step. It never
	// receives personal data: only class codes and counts.
	Logger *slog.Logger
	// ConflictRetries is how many times a class whose changes the store
	// refused with [ErrConflict] (a record changed since it was read) is
	// read again and recomputed before it is reported as an error. Zero
	// means 3; a negative value means no retry.
	ConflictRetries int
}

// Progress tells how far a synchronisation has gone.
type Progress struct {
	// Class is the class just synchronised.
	Class string
	// Done is the number of classes synchronised so far, of Total.
	Done, Total int
}

// Synchronizer synchronises a [Store] from a [Source]. It is safe for
// concurrent use, but two syncs of the same store at once are the store's
// business: a Store that others may write during a sync should lock.
type Synchronizer struct {
	src  Source
	st   Store
	opts Options
}

// New returns a Synchronizer that updates st from src.
func New(src Source, st Store, opts Options) *Synchronizer {
	return &Synchronizer{src: src, st: st, opts: opts}
}

// Sync synchronises the given classes, or every class of the source when
// none is given, and returns the report.
//
// Sync returns a nil Report and an error, writing nothing, when it refuses
// to start (see the package documentation) or cannot read the
// establishment or the teachers. Once the classes have started, a class
// that fails is an error item of the report, and Sync's error is nil:
// see [Report.Err]. When ctx is cancelled, Sync stops promptly, returns
// the report of what was done and ctx's cause; the classes not done are
// error items whose error matches both [context.Canceled] (or
// [context.DeadlineExceeded]) and the cause. With a plain Store, the
// classes applied before the cancellation stay applied, each whole; with a
// [Batcher], the batch is discarded and nothing is written, and the
// report's changes are error items.
//
// When the Batch's Commit fails, nothing is written: Sync returns the
// report, in which every change is an error item, and the commit's error.
func (s *Synchronizer) Sync(ctx context.Context, classes ...string) (*Report, error) {
	now := time.Now
	if s.opts.Now != nil {
		now = s.opts.Now
	}
	today := DateOf(now())
	log := s.opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	// 1. Prerequisites, before any write.
	srcEst, err := s.src.Establishment(ctx)
	if err != nil {
		return nil, fmt.Errorf("lsusync: reading the source establishment: %w", err)
	}
	stEst, err := s.st.Establishment(ctx)
	if err != nil {
		return nil, fmt.Errorf("lsusync: reading the store establishment: %w", err)
	}
	if srcEst.UAI == "" || srcEst.UAI != stEst.UAI {
		return nil, &EstablishmentError{Source: srcEst.UAI, Store: stEst.UAI}
	}
	srcCodes, err := s.src.ClassCodes(ctx)
	if err != nil {
		return nil, fmt.Errorf("lsusync: reading the source classes: %w", err)
	}
	stClasses, err := s.st.Classes(ctx)
	if err != nil {
		return nil, fmt.Errorf("lsusync: reading the store classes: %w", err)
	}
	inSource := make(map[string]bool, len(srcCodes))
	for _, c := range srcCodes {
		inSource[c] = true
	}
	stored := make(map[string]Class, len(stClasses))
	for _, c := range stClasses {
		stored[c.Code] = c
	}
	selected, err := selectClasses(classes, srcCodes, inSource, stored)
	if err != nil {
		return nil, err
	}
	log.InfoContext(ctx, "lsusync: sync started", "classes", len(selected), "dryRun", s.opts.DryRun)

	// 2. The establishment and the teachers.
	head, headCS, err := s.syncEstablishment(ctx, srcEst, stEst)
	if err != nil {
		return nil, err
	}

	var apply func(context.Context, ChangeSet) error
	var batch Batch
	committed := false
	if !s.opts.DryRun {
		apply = s.st.Apply
		if b, ok := s.st.(Batcher); ok {
			if batch, err = b.BeginBatch(ctx); err != nil {
				return nil, fmt.Errorf("lsusync: beginning a batch: %w", err)
			}
			defer func() {
				if !committed { // refused, cancelled, failed or nothing to write
					batch.Discard()
				}
			}()
			apply = batch.Apply
		}
		if !headCS.IsEmpty() {
			if err := apply(ctx, headCS); err != nil {
				return nil, fmt.Errorf("lsusync: applying the establishment and the teachers: %w", err)
			}
		}
	}

	// 3-4. The classes, concurrently, each applied atomically.
	results := make([]classResult, len(selected))
	limit := s.opts.Concurrency
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	var mu sync.Mutex
	done := 0
	for i, code := range selected {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			r := s.syncClass(gctx, stored[code], today, apply)
			if err := gctx.Err(); err != nil && r.failed {
				return err // cancelled: not a failure of the class
			}
			r.done = true
			results[i] = r
			log.InfoContext(gctx, "lsusync: class synchronised", "class", code,
				"items", len(r.items), "failed", r.failed, "written", r.written)
			if s.opts.Progress != nil {
				mu.Lock()
				done++
				s.opts.Progress(Progress{Class: code, Done: done, Total: len(selected)})
				mu.Unlock()
			}
			return nil
		})
	}
	waitErr := g.Wait()

	// The report's items, allocated once: at 100,000 pupils they are
	// half a million, and growing the slice step by step copies them
	// again and again.
	n := len(head)
	for _, r := range results {
		n += max(len(r.items), 1)
	}
	if len(classes) == 0 {
		n += len(stClasses)
	}
	rep := &Report{Classes: selected, DryRun: s.opts.DryRun, Items: make([]Item, 0, n)}
	rep.Items = append(rep.Items, head...)
	// cause is what Sync returns; itemErr is the error of the items that
	// the cancellation stopped: it matches both ctx.Err() and the cause,
	// so that errors.Is(item.Err, context.Canceled) holds whatever the
	// cause.
	var cause, itemErr error
	switch {
	case ctx.Err() != nil:
		cause = context.Cause(ctx)
		itemErr = cause
		if !errors.Is(cause, ctx.Err()) {
			itemErr = fmt.Errorf("%w: %w", ctx.Err(), cause)
		}
	case waitErr != nil:
		cause, itemErr = waitErr, waitErr
	}
	written := !headCS.IsEmpty() && !s.opts.DryRun
	for i, r := range results {
		if !r.done {
			r = failedClass(selected[i], itemErr)
		}
		written = written || r.written
		rep.Items = append(rep.Items, r.items...)
	}
	if len(classes) == 0 {
		rep.Items = append(rep.Items, notInSource(stClasses, inSource)...)
	}

	if batch != nil && written {
		if cause != nil {
			// The batch is discarded: nothing of this sync was written.
			rep.failWritten(itemErr)
		} else {
			if err := batch.Commit(ctx); err != nil {
				err = fmt.Errorf("lsusync: committing the batch: %w", err)
				rep.failWritten(err)
				rep.setStatus()
				return rep, err
			}
			committed = true
		}
	}
	rep.setStatus()
	log.InfoContext(ctx, "lsusync: sync ended", "classes", len(selected), "status", rep.Status.String())
	if cause != nil {
		return rep, cause
	}
	return rep, nil
}

// selectClasses returns the classes to synchronise, or the refusal.
func selectClasses(asked, srcCodes []string, inSource map[string]bool, stored map[string]Class) ([]string, error) {
	var selected []string
	if len(asked) == 0 {
		selected = slices.Clone(srcCodes)
		slices.Sort(selected)
		selected = slices.Compact(selected)
	} else {
		seen := make(map[string]bool, len(asked))
		var unknown []string
		for _, c := range asked {
			if seen[c] {
				continue
			}
			seen[c] = true
			selected = append(selected, c)
			if !inSource[c] {
				unknown = append(unknown, c)
			}
		}
		if unknown != nil {
			return nil, &ClassesError{Err: ErrUnknownClass, Classes: unknown}
		}
	}
	var missing []string
	for _, c := range selected {
		if len(stored[c].Periods) == 0 {
			missing = append(missing, c)
		}
	}
	if missing != nil {
		return nil, &ClassesError{Err: ErrPeriodsNotConfigured, Classes: missing}
	}
	return selected, nil
}

// syncEstablishment computes the items and the change set of the
// establishment and the teachers.
func (s *Synchronizer) syncEstablishment(ctx context.Context, srcEst, stEst Establishment) ([]Item, ChangeSet, error) {
	var cs ChangeSet
	var items []Item

	est := stEst
	it := Item{Kind: KindEstablishment, Key: stEst.UAI}
	it.merge(est.fields(), srcEst.fields())
	if it.Action == ActionUpdated {
		cs.Establishment = &est
	}
	items = append(items, it.settle())

	srcTeachers, err := s.src.Teachers(ctx)
	if err != nil {
		return nil, cs, fmt.Errorf("lsusync: reading the source teachers: %w", err)
	}
	stTeachers, err := s.st.Teachers(ctx)
	if err != nil {
		return nil, cs, fmt.Errorf("lsusync: reading the store teachers: %w", err)
	}
	byKey := make(map[TeacherKey]Teacher, len(stTeachers))
	for _, t := range stTeachers {
		byKey[t.Key] = t
	}
	srcTeachers = slices.Clone(srcTeachers)
	slices.SortFunc(srcTeachers, func(a, b Teacher) int { return a.Key.Compare(b.Key) })
	for i, t := range srcTeachers {
		if i > 0 && srcTeachers[i-1].Key == t.Key {
			return nil, cs, fmt.Errorf("%w: the source lists teacher %s twice", ErrInvalid, t.Key)
		}
		it := Item{Kind: KindTeacher, Key: t.Key.String()}
		old, ok := byKey[t.Key]
		if !ok {
			it.Action = ActionAdded
			cs.Teachers = append(cs.Teachers, t)
			items = append(items, it.settle())
			continue
		}
		it.merge(old.fields(), t.fields())
		if it.Action == ActionUpdated {
			cs.Teachers = append(cs.Teachers, old)
		}
		items = append(items, it.settle())
	}
	return items, cs, nil
}

// merge copies each non-empty source field over the stored one, recording
// the changes, and the stored values kept because the source had none.
// Both lists come from the same fields method, so they pair by index.
func (it *Item) merge(dst, src []field) {
	for i, f := range dst {
		v := *src[i].p
		switch {
		case v == *f.p:
		case v == "":
			it.Kept = append(it.Kept, f.name)
		default:
			it.Changes = append(it.Changes, Change{Field: f.name, Before: *f.p, After: v})
			*f.p = v
			it.Action = ActionUpdated
		}
	}
}

// settle sets the item's status from its action and notes.
func (it Item) settle() Item {
	switch {
	case it.Err != nil || it.Action == ActionFailed:
		it.Status = StatusError
	case len(it.Kept) > 0 || len(it.KeptSubjects) > 0:
		it.Status = StatusWarning
	default:
		switch it.Action {
		case ActionGone, ActionLeft, ActionNotInSource, ActionMoved:
			it.Status = StatusWarning
		default:
			it.Status = StatusSuccess
		}
	}
	return it
}

// classResult is the outcome of one class.
type classResult struct {
	items   []Item
	failed  bool // the class could not be synchronised
	written bool // its change set was applied
	done    bool // the class ran to its end
}

func failedClass(code string, err error) classResult {
	it := Item{Kind: KindClass, Action: ActionFailed, Class: code, Key: code, Err: err}
	return classResult{items: []Item{it.settle()}, failed: true}
}

// syncClass computes and applies the changes of one class.
func (s *Synchronizer) syncClass(ctx context.Context, class Class, today Date, apply func(context.Context, ChangeSet) error) classResult {
	code := class.Code
	fail := func(what string, err error) classResult {
		return failedClass(code, fmt.Errorf("lsusync: class %q: %s: %w", code, what, err))
	}
	data, err := s.src.Class(ctx, code)
	if err != nil {
		return fail("reading the source", err)
	}
	students, err := s.st.Students(ctx, code)
	if err != nil {
		return fail("reading the store pupils", err)
	}
	bilans, err := s.st.Bilans(ctx, code)
	if err != nil {
		return fail("reading the store bilans", err)
	}

	var cs ChangeSet
	items := make([]Item, 0, 1+len(data.Enrolments)+len(students)+len(bilans))

	// The class label.
	it := Item{Kind: KindClass, Class: code, Key: code}
	updated := class
	updated.Periods = slices.Clone(class.Periods)
	it.merge([]field{{"Label", &updated.Label}}, []field{{"Label", &data.Label}})
	if it.Action == ActionUpdated {
		cs.Class = &updated
	}
	items = append(items, it.settle())

	// The pupils.
	byID := make(map[string]*Student, len(students))
	for i := range students {
		byID[students[i].ID] = &students[i]
	}
	enrolments := slices.Clone(data.Enrolments)
	slices.SortFunc(enrolments, func(a, b Enrolment) int { return compareIDs(a.Student.ID, b.Student.ID) })
	inClass := make(map[string]bool, len(enrolments))
	current := make(map[string]*Enrolment, len(enrolments)) // matched, present pupils
	for i := range enrolments {
		e := &enrolments[i]
		id := e.Student.ID
		if id == "" {
			return fail("reading the source", fmt.Errorf("%w: a pupil has no ELEVE_ID", ErrInvalid))
		}
		if inClass[id] {
			return fail("reading the source", fmt.Errorf("%w: pupil %s is listed twice", ErrInvalid, id))
		}
		inClass[id] = true
		it := Item{Kind: KindStudent, Class: code, Key: id}
		left := !e.ExitDate.IsZero() && e.ExitDate.Before(today)
		old, ok := byID[id]
		switch {
		case left:
			it.Action = ActionLeft
		case ok:
			st := *old
			it.merge(st.fields(), e.Student.fields())
			if b := e.Student.BirthDate; !b.IsZero() && b != st.BirthDate {
				it.Changes = append(it.Changes, Change{Field: "BirthDate", Before: st.BirthDate.String(), After: b.String()})
				st.BirthDate = b
				it.Action = ActionUpdated
			} else if b.IsZero() && !st.BirthDate.IsZero() {
				it.Kept = append(it.Kept, "BirthDate")
			}
			if it.Action == ActionUpdated {
				cs.Students = append(cs.Students, st)
			}
			current[id] = e
		default:
			other, err := s.st.Student(ctx, id)
			switch {
			case err == nil:
				it.Action = ActionMoved
				it.Changes = []Change{{Field: "Class", Before: other.Class, After: code}}
			case errors.Is(err, ErrNotFound):
				st := e.Student
				st.Class = code
				it.Action = ActionAdded
				cs.Students = append(cs.Students, st)
			default:
				return fail("reading the store pupils", err)
			}
		}
		items = append(items, it.settle())
	}
	gone := make([]string, 0)
	for _, st := range students {
		if !inClass[st.ID] {
			gone = append(gone, st.ID)
		}
	}
	slices.SortFunc(gone, compareIDs)
	for _, id := range gone {
		it := Item{Kind: KindStudent, Action: ActionGone, Class: code, Key: id}
		items = append(items, it.settle())
	}

	// The bilans of the present pupils, for the class's periods.
	tmpl := NewBilanTemplate(data, today)
	periods := make(map[Period]bool, len(class.Periods))
	for _, p := range class.Periods {
		periods[p] = true
	}
	slices.SortFunc(bilans, func(a, b Bilan) int {
		if c := compareIDs(a.Student, b.Student); c != 0 {
			return c
		}
		return comparePeriods(a.Period, b.Period)
	})
	for i := range bilans {
		b := &bilans[i]
		e := current[b.Student]
		if e == nil || !periods[b.Period] {
			continue
		}
		it := Item{Kind: KindBilan, Class: code, Key: b.Key().String()}
		switch {
		case b.Locked:
			it.Action = ActionLocked
		case b.Imported:
			it.Action = ActionImported
		default:
			if nb, ok := it.mergeBilan(b, tmpl.plan.subjects(e.Groups), tmpl.pp); ok {
				cs.Bilans = append(cs.Bilans, nb)
			}
		}
		items = append(items, it.settle())
	}

	if err := ctx.Err(); err != nil {
		return failedClass(code, err)
	}
	r := classResult{items: items}
	if apply != nil && !cs.IsEmpty() {
		if err := apply(ctx, cs); err != nil {
			return fail("applying the changes", err)
		}
		r.written = true
	}
	return r
}

// mergeBilan computes the new subjects, teachers and professeurs principaux
// of a non-locked bilan en saisie directe. It returns the new bilan and
// true when something changed.
func (it *Item) mergeBilan(b *Bilan, want []subjectTarget, pp []TeacherKey) (Bilan, bool) {
	nb := *b
	// acquis is the new list of acquis, made at the first difference from
	// b.Acquis: a bilan already up to date, the common case, costs no
	// allocation.
	var acquis []Acquis
	diverge := func(k int) {
		if acquis == nil {
			acquis = make([]Acquis, k, max(len(b.Acquis), len(want)))
			copy(acquis, b.Acquis[:k])
		}
	}
	// matched marks the wanted subjects the bilan already has.
	var buf [32]bool
	matched := buf[:0]
	if len(want) <= len(buf) {
		matched = buf[:len(want)]
	} else {
		matched = make([]bool, len(want))
	}
	for k, a := range b.Acquis {
		code := a.Subject.Code
		i, ok := findTarget(want, code)
		if !ok {
			if a.HasContent() {
				it.KeptSubjects = append(it.KeptSubjects, code)
				if acquis != nil {
					acquis = append(acquis, a)
				}
			} else {
				it.change("Acquis["+code+"]", subjectText(a.Subject), "")
				diverge(k)
			}
			continue
		}
		matched[i] = true
		t := &want[i]
		changed := false
		if t.Subject.Label != "" && t.Subject.Label != a.Subject.Label {
			it.change("Acquis["+code+"].Label", a.Subject.Label, t.Subject.Label)
			a.Subject.Label = t.Subject.Label
			changed = true
		}
		if t.Subject.Modality != "" && t.Subject.Modality != a.Subject.Modality {
			it.change("Acquis["+code+"].Modality", a.Subject.Modality, t.Subject.Modality)
			a.Subject.Modality = t.Subject.Modality
			changed = true
		}
		switch {
		case len(t.Teachers) == 0:
			if len(a.Teachers) > 0 {
				it.Kept = append(it.Kept, "Acquis["+code+"].Teachers")
			}
		case !sameKeys(a.Teachers, t.Teachers):
			it.change("Acquis["+code+"].Teachers", keysText(a.Teachers), keysText(t.Teachers))
			a.Teachers = slices.Clone(t.Teachers)
			changed = true
		}
		if changed {
			diverge(k)
		}
		if acquis != nil {
			acquis = append(acquis, a)
		}
	}
	for i, t := range want {
		if matched[i] {
			continue
		}
		it.change("Acquis["+t.Subject.Code+"]", "", subjectText(t.Subject))
		diverge(len(b.Acquis))
		acquis = append(acquis, Acquis{Subject: t.Subject, Teachers: slices.Clone(t.Teachers)})
	}
	if acquis != nil {
		nb.Acquis = acquis
	}
	switch {
	case len(pp) == 0:
		if len(b.HeadTeachers) > 0 {
			it.Kept = append(it.Kept, "HeadTeachers")
		}
	case !sameKeys(b.HeadTeachers, pp):
		it.change("HeadTeachers", keysText(b.HeadTeachers), keysText(pp))
		nb.HeadTeachers = slices.Clone(pp)
	}
	return nb, it.Action == ActionUpdated
}

func (it *Item) change(field, before, after string) {
	it.Changes = append(it.Changes, Change{Field: field, Before: before, After: after})
	it.Action = ActionUpdated
}

// subjectTarget is a subject a pupil should have, with its teachers,
// sorted and without duplicates.
type subjectTarget struct {
	Subject  Subject
	Teachers []TeacherKey
}

// subjectPlan computes the subjects of the pupils of one class from its
// services (rule 6), once per distinct set of groups.
type subjectPlan struct {
	division []Service
	byGroup  map[string][]Service
	cache    map[string][]subjectTarget
}

func newSubjectPlan(services []Service) *subjectPlan {
	p := &subjectPlan{byGroup: make(map[string][]Service), cache: make(map[string][]subjectTarget)}
	for _, s := range services {
		if s.Group == "" {
			p.division = append(p.division, s)
		} else {
			p.byGroup[s.Group] = append(p.byGroup[s.Group], s)
		}
	}
	return p
}

// subjects returns the subjects of a pupil in the given groups, sorted by
// code. The result is shared: callers must not modify it.
func (p *subjectPlan) subjects(groups []string) []subjectTarget {
	var relevant []string
	for _, g := range groups {
		if _, ok := p.byGroup[g]; ok {
			relevant = append(relevant, g)
		}
	}
	slices.Sort(relevant)
	relevant = slices.Compact(relevant)
	key := strings.Join(relevant, "\x00")
	if t, ok := p.cache[key]; ok {
		return t
	}
	byCode := make(map[string]*subjectTarget)
	add := func(s Service) {
		t := byCode[s.Subject.Code]
		if t == nil {
			t = &subjectTarget{Subject: s.Subject}
			byCode[s.Subject.Code] = t
		}
		if t.Subject.Label == "" {
			t.Subject.Label = s.Subject.Label
		}
		if t.Subject.Modality == "" {
			t.Subject.Modality = s.Subject.Modality
		}
		t.Teachers = append(t.Teachers, s.Teachers...)
	}
	for _, s := range p.division {
		add(s)
	}
	for _, g := range relevant {
		for _, s := range p.byGroup[g] {
			add(s)
		}
	}
	out := make([]subjectTarget, 0, len(byCode))
	for _, t := range byCode {
		t.Teachers = sortedKeys(t.Teachers)
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b subjectTarget) int { return strings.Compare(a.Subject.Code, b.Subject.Code) })
	p.cache[key] = out
	return out
}

// findTarget returns the index of the subject with the given code in ts,
// sorted by code.
func findTarget(ts []subjectTarget, code string) (int, bool) {
	return slices.BinarySearchFunc(ts, code, func(t subjectTarget, c string) int { return strings.Compare(t.Subject.Code, c) })
}

// headTeachers returns the keys of the professeurs principaux whose end
// date is empty or not past, sorted.
func headTeachers(hts []HeadTeacher, today Date) []TeacherKey {
	var keys []TeacherKey
	for _, h := range hts {
		if h.End.IsZero() || !h.End.Before(today) {
			keys = append(keys, h.Teacher)
		}
	}
	return sortedKeys(keys)
}

func sortedKeys(keys []TeacherKey) []TeacherKey {
	keys = slices.Clone(keys)
	slices.SortFunc(keys, TeacherKey.Compare)
	return slices.Compact(keys)
}

// sameKeys reports whether a and b hold the same keys, in any order.
func sameKeys(a, b []TeacherKey) bool {
	if len(a) == len(b) && slices.Equal(a, b) {
		return true
	}
	return slices.Equal(sortedKeys(a), sortedKeys(b))
}

func keysText(keys []TeacherKey) string {
	n := 0
	for _, k := range keys {
		n += len(k.Type) + len(k.ID) + 3
	}
	var b strings.Builder
	b.Grow(n)
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.Type)
		b.WriteByte(':')
		b.WriteString(k.ID)
	}
	return b.String()
}

func subjectText(s Subject) string {
	if s.Label == "" {
		return s.Code
	}
	return s.Code + " " + s.Label
}

// compareIDs orders numeric IDs by value: shorter first, then bytewise.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func comparePeriods(a, b Period) int {
	if a.Year != b.Year {
		return a.Year - b.Year
	}
	if a.Count != b.Count {
		return a.Count - b.Count
	}
	return a.Index - b.Index
}

// notInSource reports the stored classes that the source no longer has.
func notInSource(classes []Class, inSource map[string]bool) []Item {
	var items []Item
	for _, c := range classes {
		if !inSource[c.Code] {
			it := Item{Kind: KindClass, Action: ActionNotInSource, Class: c.Code, Key: c.Code}
			items = append(items, it.settle())
		}
	}
	slices.SortFunc(items, func(a, b Item) int { return strings.Compare(a.Key, b.Key) })
	return items
}

// failWritten turns the items of the classes whose changes were lost with
// a failed commit into error items.
func (r *Report) failWritten(err error) {
	for i := range r.Items {
		it := &r.Items[i]
		if it.Action == ActionUpdated || it.Action == ActionAdded {
			it.Action = ActionFailed
			it.Err = err
			it.Status = StatusError
		}
	}
}

// setStatus sets the report's status to its worst item status.
func (r *Report) setStatus() {
	r.Status = StatusSuccess
	for _, it := range r.Items {
		r.Status = max(r.Status, it.Status)
	}
}
