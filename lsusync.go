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
//   - its pupils: names, birth date, sex and INE; new pupils are added with
//     an empty bilan per period, pupils who changed class are moved with
//     their bilans, pupils who left are reported and kept;
//   - the non-locked bilans en saisie directe of its pupils: the list of
//     acquis (a subject with its modalité d'élection), the teachers of each,
//     the professeurs principaux.
//
// Everything else is never touched: the UAI, class codes and periods,
// locked bilans, bilans imported from other software, and every piece of
// content of a bilan ([BilanContent] and each acquis's [AcquisContent]:
// appreciations, positionings, averages, synthesis, vie scolaire...).
// [Fields] declares every field of every record, with what a
// synchronisation does with it.
// A value that the source leaves empty never erases a stored one. A
// subject that leaves the services but whose acquis holds content is kept.
// The project's docs/rules.md states every rule with its reason.
//
// # Before any write
//
// Sync refuses to start, and writes nothing, when the source's UAI is not
// the store's ([ErrWrongEstablishment]); when a class of the store has no
// period configured, whichever classes are selected, as LSU requires
// ([ErrPeriodsNotConfigured], naming every such class); when a selected
// class is unknown to the source ([ErrUnknownClass]); and when the source
// contradicts itself (a pupil in two classes, a teacher twice:
// [ErrInvalid]). A class of the source that the store lacks is not
// synchronised and blocks nothing: the report says it must first be set up
// with its periods, which [Synchronizer.SetUpClass] does.
//
// # During a synchronisation
//
// Records are matched by stable keys, never by name: pupils by ELEVE_ID,
// teachers by (type, id), classes by code, bilans by (pupil, period), the
// acquis of a bilan by subject code and modalité ([SubjectKey]). The changes of one class are applied atomically; a
// class that fails is reported and the others complete. A record that
// changed in the store since the synchronizer read it is never overwritten:
// the store refuses the change set with [ErrConflict], and the class is
// read again and recomputed. A second Sync with the same source writes
// nothing. A dry run computes the same report and writes nothing. With
// [Options.SkipUnchanged] and a Store that implements [ClassMemos], a
// class whose source data and stored records are both as its last
// synchronisation left them is not read again.
//
// # Implementing a Source or a Store
//
// [Source] and [Store] are composed of small interfaces; their method docs
// state the contract: what "not found" returns, what empty means, the
// versions that detect concurrent edits, and that every method is called
// from several goroutines at once. A Store writes only through
// [Applier.Apply], one atomic [ChangeSet] at a time; a Store backed by a
// file or a database should also implement [Batcher] so that a whole sync
// is persisted with one write. A Source may implement [NoticeSource] to
// report what it noticed in its files.
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
// synchronizer logs class codes and counts only; errors name pupils by
// their ELEVE_ID. Field-level values, which may be personal data, appear
// in [Item.Changes] and the detailed rendering.
package lsusync

import (
	"cmp"
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
// no logging, three attempts more for a class that meets a conflict.
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
	// time, from the goroutine that synchronised it, and once more before
	// a [Batch] is committed.
	Progress func(Progress)
	// Logger, when not nil, receives one record per step. It never
	// receives personal data: only class codes and counts.
	Logger *slog.Logger
	// ConflictRetries is how many times a class whose changes the store
	// refused with [ErrConflict] (a record changed since it was read) is
	// read again and recomputed before it is reported as an error. Zero
	// means 3; a negative value means no retry.
	ConflictRetries int
	// SkipUnchanged passes over the classes whose source data and stored
	// records are both as their last synchronisation left them, when the
	// Store implements [ClassMemos]: such a class is not read, and the
	// report gives it one item, of [ActionSkipped]; its pupils and bilans
	// are not listed. A class whose synchronisation gave a warning or an
	// error (a pupil who left, a value kept) gets no memo and is read at
	// every sync, so that the report says it every time: the default text
	// is the same whether a class was skipped or read. A class's memo
	// covers everything its synchronisation depends on besides its stored
	// records: its label, pupils, groups, services and professeurs
	// principaux in the source, which pupils have left and which
	// professeurs principaux are current on the day of the sync, and
	// which of its pupils' INE another pupil of the source has too. A
	// class's memo is written with its changes; a class that needed no
	// change gets one only when the sync writes anyway with a [Batcher].
	SkipUnchanged bool
}

// Progress tells how far a synchronisation has gone.
type Progress struct {
	// Class is the class just synchronised; empty in the last call, made
	// before the batch is committed.
	Class string
	// Done is the number of classes synchronised so far, of Total.
	Done, Total int
	// Committing reports the last call: every class is done and the
	// store is writing the batch.
	Committing bool
}

// Synchronizer synchronises a [Store] from a [Source]. It is safe for
// concurrent use. Two syncs of one store at once are safe as far as the
// Store honours its contract (no change is lost: one of them meets
// conflicts), but a Store that others may sync should lock.
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
// to start (see the package documentation) or cannot read what every
// class needs: the establishment, the classes, the teachers. Once the
// classes have started, a class that fails is an error item of the
// report, and Sync's error is nil: see [Report.Err].
//
// When ctx is cancelled, Sync stops promptly and returns an error that
// matches both [context.Canceled] (or [context.DeadlineExceeded]) and
// ctx's cause, whenever the cancellation comes: with a nil Report before
// the classes start, with the report of what was done after. The classes
// not done are error items whose error matches the same. With a plain
// Store, the classes applied before the cancellation stay applied, each
// whole; with a [Batcher], the batch is discarded and nothing is written,
// and the report's changes are error items.
//
// When the Batch's Commit fails, nothing is written: Sync returns the
// report, in which every change is an error item, and the commit's error.
func (s *Synchronizer) Sync(ctx context.Context, classes ...string) (*Report, error) {
	today := DateOf(s.now())
	log := s.logger()

	p, err := s.prepare(ctx, classes, today)
	if err != nil {
		return nil, err
	}
	log.InfoContext(ctx, "lsusync: sync started", "classes", len(p.selected), "dryRun", s.opts.DryRun)

	var apply func(context.Context, ChangeSet) error
	var batch Batch
	committed := false
	if !s.opts.DryRun {
		apply = s.st.Apply
		if b, ok := s.st.(Batcher); ok {
			if batch, err = b.BeginBatch(ctx); err != nil {
				return nil, s.abort(ctx, "beginning a batch", err)
			}
			defer func() {
				if !committed { // refused, cancelled, failed or nothing to write
					batch.Discard()
				}
			}()
			apply = batch.Apply
		}
	}

	// The establishment and the teachers, then the classes.
	head, headWritten, err := s.syncHead(ctx, p, apply)
	if err != nil {
		return nil, err
	}
	results := s.syncClasses(ctx, p, today, apply)

	rep := &Report{DryRun: s.opts.DryRun}
	n := len(p.notices) + len(head) + len(p.notInSource)
	for _, r := range results {
		n += max(len(r.items), 1)
	}
	rep.Items = make([]Item, 0, n) // once: the items of every class
	rep.Items = append(rep.Items, p.notices...)
	rep.Items = append(rep.Items, head...)

	// stopped is the error of the classes a cancellation or a failure of
	// the errgroup stopped; it is what Sync returns.
	var stopped error
	if ctx.Err() != nil {
		stopped = ctxErr(ctx)
	}
	written := headWritten
	for i, r := range results {
		code := p.selected[i]
		if !r.done {
			err := stopped
			if err == nil {
				err = fmt.Errorf("lsusync: class %q: not synchronised", code)
			}
			r = failedClass(code, err)
		}
		if !r.notInStore {
			rep.Classes = append(rep.Classes, code)
		}
		written = written || r.written
		rep.Items = append(rep.Items, r.items...)
		results[i].items = nil // copied: freed as the report grows
	}
	rep.Items = append(rep.Items, p.notInSource...)

	if batch != nil && written {
		if stopped != nil {
			rep.failWritten(stopped) // the batch is discarded
		} else {
			if s.opts.Progress != nil {
				s.opts.Progress(Progress{Done: len(results), Total: len(results), Committing: true})
			}
			// The classes that needed no change get their memo with the
			// write: a memo is no change, and a failed one costs only a
			// full read of its class at the next sync.
			for _, r := range results {
				if r.memo != nil {
					_ = batch.Apply(ctx, ChangeSet{Memo: r.memo})
				}
			}
			if err := batch.Commit(ctx); err != nil {
				err = s.abort(ctx, "committing the batch", err)
				rep.failWritten(err)
				rep.setStatus()
				return rep, err
			}
			committed = true
		}
	}
	rep.setStatus()
	log.InfoContext(ctx, "lsusync: sync ended", "classes", len(p.selected), "status", rep.Status.String())
	return rep, stopped
}

// readMemos reads the classes' memos, with SkipUnchanged and a Store that
// keeps them; it returns nil otherwise.
func (s *Synchronizer) readMemos(ctx context.Context) (map[string]Memo, error) {
	cm, ok := s.st.(ClassMemos)
	if !s.opts.SkipUnchanged || !ok {
		return nil, nil
	}
	list, err := cm.ClassMemos(ctx)
	if err != nil {
		return nil, s.abort(ctx, "reading the classes' memos", err)
	}
	memos := make(map[string]Memo, len(list))
	for _, m := range list {
		memos[m.Class] = m
	}
	return memos, nil
}

func (s *Synchronizer) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Synchronizer) logger() *slog.Logger {
	if s.opts.Logger != nil {
		return s.opts.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Synchronizer) retries() int {
	switch {
	case s.opts.ConflictRetries < 0:
		return 0
	case s.opts.ConflictRetries == 0:
		return 3
	}
	return s.opts.ConflictRetries
}

// abort wraps the error of a step that stops the sync. When ctx is done,
// the error is ctx's, matching both ctx.Err() and its cause, whatever the
// store or the source returned.
func (s *Synchronizer) abort(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		err = ctxErr(ctx)
	}
	return fmt.Errorf("lsusync: %s: %w", what, err)
}

// ctxErr returns an error that matches both ctx.Err() and
// context.Cause(ctx); ctx must be done.
func ctxErr(ctx context.Context) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, ctx.Err()) {
		return cause
	}
	return fmt.Errorf("%w: %w", ctx.Err(), cause)
}

// plan is what every class of a sync shares, read before any write.
type plan struct {
	srcEst, stEst Establishment
	selected      []string              // the classes to synchronise, in report order
	stored        map[string]Class      // the store's classes by code
	data          map[string]*ClassData // the source's classes, read once
	failed        map[string]error      // the source's classes it failed to give
	pupils        map[string]pupilEntry // every pupil of the source, by ID
	ines          map[string][]string   // pupil IDs by INE, of the INE given twice or more
	carried       map[string]bool       // the pupils' fields that the source gives for someone
	inSelection   map[string]bool
	notices       []Item          // the source's notices
	notInSource   []Item          // the store's classes the source no longer has
	memos         map[string]Memo // the classes' memos, read before the classes, with SkipUnchanged
}

// pupilEntry is where the source lists a pupil.
type pupilEntry struct {
	class string
	left  bool
}

// prepare reads what every class needs and checks the prerequisites. It
// writes nothing.
func (s *Synchronizer) prepare(ctx context.Context, asked []string, today Date) (*plan, error) {
	p := &plan{}
	var err error
	if p.srcEst, err = s.src.Establishment(ctx); err != nil {
		return nil, s.abort(ctx, "reading the source establishment", err)
	}
	if p.stEst, err = s.st.Establishment(ctx); err != nil {
		return nil, s.abort(ctx, "reading the store establishment", err)
	}
	if p.srcEst.UAI == "" || p.srcEst.UAI != p.stEst.UAI {
		return nil, &EstablishmentError{Source: p.srcEst.UAI, Store: p.stEst.UAI}
	}
	srcCodes, err := s.src.ClassCodes(ctx)
	if err != nil {
		return nil, s.abort(ctx, "reading the source classes", err)
	}
	srcCodes = sortedCodes(srcCodes)
	if p.memos, err = s.readMemos(ctx); err != nil {
		return nil, err
	}
	stClasses, err := s.st.Classes(ctx)
	if err != nil {
		return nil, s.abort(ctx, "reading the store classes", err)
	}

	// The period prerequisite holds for every class of the store.
	p.stored = make(map[string]Class, len(stClasses))
	var missing []string
	for _, c := range stClasses {
		p.stored[c.Code] = c
		if len(c.Periods) == 0 {
			missing = append(missing, c.Code)
		}
	}
	if missing != nil {
		slices.Sort(missing)
		return nil, &ClassesError{Err: ErrPeriodsNotConfigured, Classes: missing}
	}

	inSource := make(map[string]bool, len(srcCodes))
	for _, c := range srcCodes {
		inSource[c] = true
	}
	if len(asked) == 0 {
		p.selected = srcCodes
		for _, c := range stClasses {
			if !inSource[c.Code] {
				it := Item{Kind: KindClass, Action: ActionNotInSource, Class: c.Code, Key: c.Code}
				p.notInSource = append(p.notInSource, it.settle())
			}
		}
		slices.SortFunc(p.notInSource, func(a, b Item) int { return strings.Compare(a.Key, b.Key) })
	} else {
		var unknown []string
		for _, c := range asked {
			if slices.Contains(p.selected, c) {
				continue
			}
			p.selected = append(p.selected, c)
			if !inSource[c] {
				unknown = append(unknown, c)
			}
		}
		if unknown != nil {
			return nil, &ClassesError{Err: ErrUnknownClass, Classes: unknown, Known: srcCodes}
		}
	}
	p.inSelection = make(map[string]bool, len(p.selected))
	for _, c := range p.selected {
		p.inSelection[c] = true
	}

	if err := s.readSourceClasses(ctx, p, srcCodes, today); err != nil {
		return nil, err
	}
	if ns, ok := s.src.(NoticeSource); ok {
		notices, err := ns.Notices(ctx)
		if err != nil {
			return nil, s.abort(ctx, "reading the source's notices", err)
		}
		for _, n := range notices {
			p.notices = append(p.notices, Item{Status: n.Status, Kind: KindSource, Action: ActionNoticed, Key: n.Where, Note: n.Message, Records: slices.Clone(n.Records)})
		}
	}
	return p, nil
}

// readSourceClasses reads every class of the source once: a pupil who
// changed class is found in their new class while their old one is
// synchronised, and an INE is checked against every pupil of the
// establishment. A class that the source fails to give, or gives
// inconsistent (a pupil without ELEVE_ID, a pupil listed twice), fails
// alone when it is selected, and its pupils are left out of the index.
func (s *Synchronizer) readSourceClasses(ctx context.Context, p *plan, codes []string, today Date) error {
	p.data = make(map[string]*ClassData, len(codes))
	p.failed = make(map[string]error)
	p.carried = make(map[string]bool)
	pupils := 0
	for _, code := range codes {
		if ctx.Err() != nil {
			return s.abort(ctx, "reading the source classes", ctx.Err())
		}
		data, err := s.src.Class(ctx, code)
		if err != nil {
			if ctx.Err() != nil {
				return s.abort(ctx, "reading the source classes", err)
			}
			p.failed[code] = err
			continue
		}
		p.data[code] = &data
		pupils += len(data.Enrolments)
	}
	// The maps of every pupil are made at their size: 100,000 entries
	// grown one by one cost more than the reading.
	p.pupils = make(map[string]pupilEntry, pupils)
	seen := make(map[string]string, pupils) // pupil ID -> the first class listing them
	for _, code := range codes {
		data := p.data[code]
		if data == nil {
			continue
		}
		for i := range data.Enrolments {
			id := data.Enrolments[i].Student.ID
			other, dup := seen[id]
			switch {
			case id == "":
				p.failed[code] = fmt.Errorf("%w: a pupil has no ELEVE_ID", ErrInvalid)
			case dup && other == code:
				p.failed[code] = fmt.Errorf("%w: pupil %s is listed twice", ErrInvalid, id)
			case dup:
				err := fmt.Errorf("%w: the source lists pupil %s in class %q and in class %q", ErrInvalid, id, other, code)
				p.failed[code], p.failed[other] = err, err
			default:
				seen[id] = code
			}
		}
	}
	byINE := make(map[string][]string, pupils)
	for code, data := range p.data {
		if p.failed[code] != nil {
			delete(p.data, code)
			continue
		}
		for i := range data.Enrolments {
			e := &data.Enrolments[i]
			p.pupils[e.Student.ID] = pupilEntry{class: code, left: e.left(today)}
			if e.Student.INE != "" {
				byINE[e.Student.INE] = append(byINE[e.Student.INE], e.Student.ID)
			}
			syncedValues(studentFields, &e.Student, func(f *Field, text string, date Date) {
				if text != "" || !date.IsZero() {
					p.carried[f.Name] = true
				}
			})
		}
	}
	p.ines = make(map[string][]string)
	for ine, ids := range byINE {
		if len(ids) > 1 {
			slices.SortFunc(ids, compareIDs)
			p.ines[ine] = ids
		}
	}
	return nil
}

// syncHead computes and applies the changes of the establishment and the
// teachers, reading again and recomputing on a conflict.
func (s *Synchronizer) syncHead(ctx context.Context, p *plan, apply func(context.Context, ChangeSet) error) (items []Item, written bool, err error) {
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if p.stEst, err = s.st.Establishment(ctx); err != nil {
				return nil, false, s.abort(ctx, "reading the store establishment", err)
			}
		}
		var cs ChangeSet
		items, cs, err = s.headChanges(ctx, p)
		if err != nil {
			return nil, false, err
		}
		if apply == nil || cs.IsEmpty() {
			return items, false, nil
		}
		err = apply(ctx, cs)
		if errors.Is(err, ErrConflict) && attempt < s.retries() && ctx.Err() == nil {
			continue
		}
		if err != nil {
			return nil, false, s.abort(ctx, "applying the establishment and the teachers", err)
		}
		return items, true, nil
	}
}

// headChanges computes the items and the change set of the establishment
// and the teachers.
func (s *Synchronizer) headChanges(ctx context.Context, p *plan) ([]Item, ChangeSet, error) {
	var cs ChangeSet
	est, it := mergeEstablishment(p.stEst, p.srcEst)
	if it.Action == ActionUpdated {
		cs.Establishment = &est
	}
	items := []Item{it}

	srcTeachers, err := s.src.Teachers(ctx)
	if err != nil {
		return nil, cs, s.abort(ctx, "reading the source teachers", err)
	}
	stTeachers, err := s.st.Teachers(ctx)
	if err != nil {
		return nil, cs, s.abort(ctx, "reading the store teachers", err)
	}
	tItems, teachers, err := mergeTeachers(stTeachers, srcTeachers)
	if err != nil {
		return nil, cs, err
	}
	cs.Teachers = teachers
	return append(items, tItems...), cs, nil
}

// classResult is the outcome of one class.
type classResult struct {
	items      []Item
	memo       *Memo // a memo to write if the sync writes anyway
	failed     bool  // the class could not be synchronised
	written    bool  // its change set was applied
	done       bool  // the class ran to its end
	notInStore bool  // the class is not set up in the store
}

func failedClass(code string, err error) classResult {
	it := Item{Kind: KindClass, Action: ActionFailed, Class: code, Key: code, Err: err}
	return classResult{items: []Item{it.settle()}, failed: true, done: true}
}

// syncClasses synchronises the selected classes concurrently, each
// applied atomically, and returns their results in selection order.
func (s *Synchronizer) syncClasses(ctx context.Context, p *plan, today Date, apply func(context.Context, ChangeSet) error) []classResult {
	results := make([]classResult, len(p.selected))
	limit := s.opts.Concurrency
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	log := s.logger()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	var mu sync.Mutex
	done := 0
	for i, code := range p.selected {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			r := s.syncClass(gctx, p, code, today, apply)
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
				s.opts.Progress(Progress{Class: code, Done: done, Total: len(p.selected)})
				mu.Unlock()
			}
			return nil
		})
	}
	g.Wait() // the class functions return only ctx's errors
	return results
}

// syncClass synchronises one class, reading it again and recomputing it
// when the store refuses its changes for a conflict.
func (s *Synchronizer) syncClass(ctx context.Context, p *plan, code string, today Date, apply func(context.Context, ChangeSet) error) classResult {
	class, ok := p.stored[code]
	if !ok {
		it := Item{Kind: KindClass, Action: ActionNotInStore, Class: code, Key: code}
		return classResult{items: []Item{it.settle()}, notInStore: true}
	}
	fail := func(what string, err error) classResult {
		return failedClass(code, fmt.Errorf("lsusync: class %q: %s: %w", code, what, err))
	}
	data := p.data[code]
	if data == nil {
		return fail("reading the source", p.failed[code])
	}
	var text string // the class's memo, with SkipUnchanged
	stored := p.memos[code]
	if p.memos != nil {
		text = p.memoText(data, today)
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 && p.memos != nil {
			// The stamp is read before the class: a write in between
			// makes the memo be refused, never kept over it.
			memos, err := s.readMemos(ctx)
			if err != nil {
				return fail("reading the classes' memos", err)
			}
			stored = memos[code]
		}
		if attempt > 0 {
			classes, err := s.st.Classes(ctx)
			if err != nil {
				return fail("reading the store classes", err)
			}
			for _, c := range classes {
				if c.Code == code {
					class = c
				}
			}
		}
		var memo *Memo
		if p.memos != nil {
			if stored.Text == text {
				it := Item{Kind: KindClass, Action: ActionSkipped, Class: code, Key: code}
				return classResult{items: []Item{it.settle()}}
			}
			memo = &Memo{Class: code, Text: text, Stamp: stored.Stamp}
		}
		c := &classSync{s: s, p: p, class: class, data: data, today: today}
		items, cs, err := c.compute(ctx)
		if err != nil {
			return fail(err.what, err.err)
		}
		if err := ctx.Err(); err != nil {
			return failedClass(code, ctxErr(ctx))
		}
		if c.movedIn {
			// The bilans of a pupil who moved in were read in another
			// class, whose writes the stamp of this one does not tell.
			memo = nil
		}
		if memo != nil && slices.ContainsFunc(items, func(it Item) bool { return it.Status != StatusSuccess }) {
			// A class with something to look at is read at every sync,
			// so that the report says it every time: a skipped class
			// reports only that it was skipped, which the default text
			// leaves out as it does the records already up to date.
			memo = nil
		}
		r := classResult{items: items}
		if apply == nil {
			return r
		}
		if cs.IsEmpty() {
			r.memo = memo
			return r
		}
		cs.Memo = memo
		aerr := apply(ctx, cs)
		if errors.Is(aerr, ErrConflict) && attempt < s.retries() && ctx.Err() == nil {
			continue
		}
		if aerr != nil {
			return fail("applying the changes", aerr)
		}
		r.written = true
		return r
	}
}

// failWritten turns the items whose changes were lost, with a failed
// commit or a cancellation that discarded the batch, into error items.
func (r *Report) failWritten(err error) {
	for i := range r.Items {
		it := &r.Items[i]
		switch it.Action {
		case ActionUpdated, ActionAdded, ActionMoved:
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

func (it *Item) change(field, before, after string) {
	it.Changes = append(it.Changes, Change{Field: field, Before: before, After: after})
	it.Action = ActionUpdated
}

// settle sets the item's status from its action and notes.
func (it Item) settle() Item {
	switch {
	case it.Err != nil || it.Action == ActionFailed:
		it.Status = StatusError
	case it.Kind == KindSource:
	case len(it.Kept) > 0 || len(it.KeptSubjects) > 0 || len(it.Rejected) > 0:
		it.Status = StatusWarning
	default:
		switch it.Action {
		case ActionGone, ActionLeft, ActionNotInSource, ActionNotInStore:
			it.Status = StatusWarning
		default:
			it.Status = StatusSuccess
		}
	}
	return it
}

// compareIDs orders numeric IDs by value: shorter first, then bytewise.
func compareIDs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

func comparePeriods(a, b Period) int {
	return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Count, b.Count), cmp.Compare(a.Index, b.Index))
}
