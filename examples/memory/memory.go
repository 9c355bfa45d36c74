// Package memory is the reference in-memory implementation of the lsusync
// Source and Store: the executable specification of their contracts, safe
// for concurrent use, and the fake that tests of school software use.
//
// A [Store] keeps its records in maps guarded by a mutex and returns deep
// copies. A stored record never changes: a write replaces it whole, so
// that a commit shares the records it does not write, and the acquis
// lists that many bilans have in common (the empty bilans of the pupils
// of one class) are kept once. A [Source] serves fixed values. Neither persists anything by
// itself; [NewPersistent] lets a caller persist every commit, which is how
// the file-backed store of this module is built.
package memory

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/lsusync/lsusync"
)

// Store is an in-memory lsusync.Store. It also implements lsusync.Batcher
// and lsusync.ClassMemos. Its methods are safe for concurrent use.
//
// Versions are "<store>-<n>": a random name given to the Store when it
// is made and a counter that never goes back. A store made from a
// Snapshot gives every record the version "<store>-1", and each write
// gives the records it writes the next number, so that a record never has
// the same version twice; and a version read from another Store, such as
// one made earlier from the same file, never matches: a write that
// carries it is refused, never applied over an edit it did not see. A
// batch reserves the records it stages: a write of one of them by anyone
// else fails with lsusync.ErrConflict until the batch is committed or
// discarded.
type Store struct {
	mu       sync.RWMutex
	est      lsusync.Establishment
	hasEst   bool
	teachers map[lsusync.TeacherKey]lsusync.Teacher
	classes  map[string]lsusync.Class
	pupils   map[string]*pupil            // by ID
	members  map[string]map[string]*pupil // class code -> its pupils by ID
	nBilans  int
	persist  Persist
	memos    map[string]memo // the classes' memos and stamps; a class not here has stamp "<store>-1" and no memo
	name     string          // the random part of the versions
	version  uint64          // the counter of the versions
	reserved reservations
}

// pupil is a stored pupil with their bilans, which are kept with them so
// that a class's bilans are found without a lookup each.
type pupil struct {
	st     lsusync.Student
	bilans []lsusync.Bilan // in the order they were added
}

// bilan returns the index of the pupil's bilan of the period, or -1.
func (p *pupil) bilan(period lsusync.Period) int {
	for i := range p.bilans {
		if p.bilans[i].Period == period {
			return i
		}
	}
	return -1
}

// reservations are the records staged by batches in progress.
type reservations struct {
	est      *batch
	teachers map[lsusync.TeacherKey]*batch
	classes  map[string]*batch
	students map[string]*batch
	bilans   map[lsusync.BilanKey]*batch
}

var (
	_ lsusync.Store      = (*Store)(nil)
	_ lsusync.Batcher    = (*Store)(nil)
	_ lsusync.ClassMemos = (*Store)(nil)
)

// New returns a Store holding a deep copy of d. It returns an error
// wrapping lsusync.ErrInvalid when d holds two records with the same key,
// a pupil of an unknown class, or a bilan of an unknown pupil.
// An empty Snapshot, with no UAI, is a store without establishment.
func New(d lsusync.Snapshot) (*Store, error) {
	return newStore(d, nil, true)
}

// Persist persists the whole content of a [Store]: its records, sorted,
// and the memos of its classes (see lsusync.ClassMemos) by class code.
// The Snapshot shares the store's records, which never change: a Persist
// function must not modify it, nor keep it after it returns.
type Persist func(ctx context.Context, d lsusync.Snapshot, memos map[string]string) error

// NewPersistent is [New] with the memos of the classes (by class code,
// as persist was given them) and a persist function, called under the
// store's write lock with the whole new content each time changes are
// applied, before they become visible. When persist returns an error, the
// changes are dropped and Apply or Commit returns that error.
//
// NewPersistent takes d's records as they are, without a copy: the caller
// must not modify them afterwards.
func NewPersistent(d lsusync.Snapshot, memos map[string]string, persist Persist) (*Store, error) {
	s, err := newStore(d, persist, false)
	if err != nil {
		return nil, err
	}
	for class, text := range memos {
		if _, ok := s.classes[class]; ok && text != "" {
			s.memos[class] = memo{text: text, stamp: s.first()}
		}
	}
	return s, nil
}

// memo is a class's memo and stamp.
type memo struct {
	text  string
	stamp lsusync.Version
}

// newStore makes a store of d's records; with own, it keeps copies of
// them, sharing the acquis lists that bilans have in common.
func newStore(d lsusync.Snapshot, persist Persist, own bool) (*Store, error) {
	name := rand.Text()[:12] // 60 random bits
	first := lsusync.Version(name + "-1")
	s := &Store{
		name:     name,
		hasEst:   d.Establishment != (lsusync.Establishment{}),
		est:      d.Establishment,
		teachers: make(map[lsusync.TeacherKey]lsusync.Teacher, len(d.Teachers)),
		classes:  make(map[string]lsusync.Class, len(d.Classes)),
		pupils:   make(map[string]*pupil, len(d.Students)),
		members:  make(map[string]map[string]*pupil, len(d.Classes)),
		persist:  persist,
		memos:    make(map[string]memo),
		version:  1,
		reserved: reservations{
			teachers: make(map[lsusync.TeacherKey]*batch),
			classes:  make(map[string]*batch),
			students: make(map[string]*batch),
			bilans:   make(map[lsusync.BilanKey]*batch),
		},
	}
	s.est.Version = first
	for _, t := range d.Teachers {
		if _, dup := s.teachers[t.Key]; dup {
			return nil, fmt.Errorf("memory: %w: teacher %s twice", lsusync.ErrInvalid, t.Key)
		}
		t.Version = first
		s.teachers[t.Key] = t
	}
	for _, c := range d.Classes {
		if _, dup := s.classes[c.Code]; dup {
			return nil, fmt.Errorf("memory: %w: class %q twice", lsusync.ErrInvalid, c.Code)
		}
		if own {
			c.Periods = slices.Clone(c.Periods)
		}
		c.Version = first
		s.classes[c.Code] = c
	}
	pupils := make([]pupil, len(d.Students)) // one allocation for them all
	for i, st := range d.Students {
		if _, dup := s.pupils[st.ID]; dup {
			return nil, fmt.Errorf("memory: %w: pupil %s twice", lsusync.ErrInvalid, st.ID)
		}
		if _, ok := s.classes[st.Class]; !ok {
			return nil, fmt.Errorf("memory: %w: pupil %s in unknown class %q", lsusync.ErrInvalid, st.ID, st.Class)
		}
		st.Version = first
		s.pupils[st.ID] = &pupils[i]
		s.putStudent(st)
	}
	// The bilans are kept in one array, each pupil's a window of it of
	// its own capacity when they follow each other, as in a sorted
	// Snapshot.
	bilans := d.Bilans
	if own {
		bilans = make([]lsusync.Bilan, len(d.Bilans))
	}
	var in interner
	for i := 0; i < len(d.Bilans); {
		p := s.pupils[d.Bilans[i].Student]
		j := i
		for ; j < len(d.Bilans) && d.Bilans[j].Student == d.Bilans[i].Student; j++ {
			b := d.Bilans[j]
			if p == nil {
				return nil, fmt.Errorf("memory: %w: bilan %s of unknown pupil", lsusync.ErrInvalid, b.Key())
			}
			if p.bilan(b.Period) >= 0 || slices.ContainsFunc(bilans[i:j], func(o lsusync.Bilan) bool { return o.Period == b.Period }) {
				return nil, fmt.Errorf("memory: %w: bilan %s twice", lsusync.ErrInvalid, b.Key())
			}
			if own {
				b = in.own(b)
			}
			b.Version = first
			bilans[j] = b
		}
		if p.bilans == nil {
			p.bilans = bilans[i:j:j]
		} else {
			p.bilans = append(p.bilans, bilans[i:j]...)
		}
		s.nBilans += j - i
		i = j
	}
	return s, nil
}

// Snapshot returns a sorted deep copy of the store's content, without the
// records' versions.
func (s *Store) Snapshot() lsusync.Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := s.data()
	for i := range d.Classes {
		d.Classes[i].Periods = slices.Clone(d.Classes[i].Periods)
	}
	for i := range d.Bilans {
		d.Bilans[i] = cloneBilan(d.Bilans[i])
	}
	return d
}

// data returns the content without versions, sharing the store's
// records, sorted as lsusync.Snapshot.Sort sorts; s.mu must be held. The
// bilans are gathered pupil by pupil, so that only the small records are
// sorted.
func (s *Store) data() lsusync.Snapshot {
	d := lsusync.Snapshot{
		Establishment: s.est,
		Teachers:      make([]lsusync.Teacher, 0, len(s.teachers)),
		Classes:       make([]lsusync.Class, 0, len(s.classes)),
		Students:      make([]lsusync.Student, 0, len(s.pupils)),
		Bilans:        make([]lsusync.Bilan, 0, s.nBilans),
	}
	d.Establishment.Version = ""
	if !s.hasEst {
		d.Establishment = lsusync.Establishment{}
	}
	for _, t := range s.teachers {
		t.Version = ""
		d.Teachers = append(d.Teachers, t)
	}
	for _, c := range s.classes {
		c.Version = ""
		d.Classes = append(d.Classes, c)
	}
	for _, p := range s.pupils {
		st := p.st
		st.Version = ""
		d.Students = append(d.Students, st)
	}
	sorted := lsusync.Snapshot{Teachers: d.Teachers, Classes: d.Classes, Students: d.Students}
	sorted.Sort()
	for _, st := range d.Students {
		start := len(d.Bilans)
		d.Bilans = append(d.Bilans, s.pupils[st.ID].bilans...)
		mine := d.Bilans[start:]
		for i := range mine {
			mine[i].Version = ""
		}
		slices.SortFunc(mine, func(a, b lsusync.Bilan) int { return comparePeriods(a.Period, b.Period) })
	}
	return d
}

// comparePeriods orders periods as lsusync.Snapshot.Sort does.
func comparePeriods(a, b lsusync.Period) int {
	return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Count, b.Count), cmp.Compare(a.Index, b.Index))
}

// Establishment implements lsusync.EstablishmentStore.
func (s *Store) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	if err := ctx.Err(); err != nil {
		return lsusync.Establishment{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.hasEst {
		return lsusync.Establishment{}, fmt.Errorf("memory: establishment: %w", lsusync.ErrNotFound)
	}
	return s.est, nil
}

// Teachers implements lsusync.TeacherStore.
func (s *Store) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Collect(maps.Values(s.teachers)), nil
}

// Classes implements lsusync.ClassStore.
func (s *Store) Classes(ctx context.Context) ([]lsusync.Class, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]lsusync.Class, 0, len(s.classes))
	for _, c := range s.classes {
		c.Periods = slices.Clone(c.Periods)
		out = append(out, c)
	}
	return out, nil
}

// Students implements lsusync.StudentStore.
func (s *Store) Students(ctx context.Context, class string) ([]lsusync.Student, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]lsusync.Student, 0, len(s.members[class]))
	for _, p := range s.members[class] {
		out = append(out, p.st)
	}
	return out, nil
}

// Student implements lsusync.StudentStore.
func (s *Store) Student(ctx context.Context, id string) (lsusync.Student, error) {
	if err := ctx.Err(); err != nil {
		return lsusync.Student{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.pupils[id]
	if !ok {
		return lsusync.Student{}, fmt.Errorf("memory: pupil %s: %w", id, lsusync.ErrNotFound)
	}
	return p.st, nil
}

// Bilans implements lsusync.BilanStore. The copies of a class's bilans
// share three arrays (of acquis, of teacher keys, of bilans), each bilan
// a window of its own in them, of its own capacity: a class is copied
// with a few allocations.
func (s *Store) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, p := range s.members[class] {
		n += len(p.bilans)
	}
	out := make([]lsusync.Bilan, 0, n)
	nAcquis, nKeys := 0, 0
	for _, p := range s.members[class] {
		for _, b := range p.bilans {
			out = append(out, b)
			nAcquis += len(b.Acquis)
			nKeys += len(b.HeadTeachers)
			for i := range b.Acquis {
				nKeys += len(b.Acquis[i].Teachers)
			}
		}
	}
	acquis := make([]lsusync.Acquis, 0, nAcquis)
	keys := make([]lsusync.TeacherKey, 0, nKeys)
	window := func(ks []lsusync.TeacherKey) []lsusync.TeacherKey {
		if ks == nil {
			return nil
		}
		start := len(keys)
		keys = append(keys, ks...)
		return keys[start:len(keys):len(keys)]
	}
	for i := range out {
		b := &out[i]
		b.HeadTeachers = window(b.HeadTeachers)
		b.BilanContent = b.BilanContent.Clone()
		if b.Acquis == nil {
			continue
		}
		start := len(acquis)
		for _, a := range b.Acquis {
			a.Teachers = window(a.Teachers)
			a.AcquisContent = a.AcquisContent.Clone()
			acquis = append(acquis, a)
		}
		b.Acquis = acquis[start:len(acquis):len(acquis)]
	}
	return out, nil
}

// Apply implements lsusync.Applier.
func (s *Store) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cs = cloneChangeSet(cs)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.validate(cs, nil); err != nil {
		return err
	}
	return s.commit(ctx, []lsusync.ChangeSet{cs})
}

// BeginBatch implements lsusync.Batcher: each staged change set is
// validated and its records reserved as it is staged, and Commit applies
// them together.
func (s *Store) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &batch{s: s}, nil
}

// batch is a lsusync.Batch; its fields are guarded by the store's mutex.
type batch struct {
	s      *Store
	staged []lsusync.ChangeSet
	done   bool
}

func (b *batch) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cs = cloneChangeSet(cs)
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.done {
		return errBatchEnded
	}
	if err := s.validate(cs, b); err != nil {
		return err
	}
	s.reserve(cs, b)
	b.staged = append(b.staged, cs)
	return nil
}

func (b *batch) Commit(ctx context.Context) error {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.done {
		return errBatchEnded
	}
	b.done = true
	defer s.release(b)
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.commit(ctx, b.staged)
}

func (b *batch) Discard() {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !b.done {
		b.done = true
		s.release(b)
	}
	b.staged = nil
}

var errBatchEnded = errors.New("memory: batch already committed or discarded")

// commit applies validated change sets atomically, giving their records
// new versions, and persists the result; s.mu must be held.
func (s *Store) commit(ctx context.Context, sets []lsusync.ChangeSet) error {
	undo := s.snapshotFor(sets)
	version := s.version
	for _, cs := range sets {
		s.apply(cs)
	}
	if s.persist != nil {
		memos := make(map[string]string)
		for class, m := range s.memos {
			if m.text != "" {
				memos[class] = m.text
			}
		}
		if err := s.persist(ctx, s.data(), memos); err != nil {
			undo()
			s.version = version
			return err
		}
	}
	return nil
}

// validate checks cs against the store's committed content and the
// reservations of other batches than owner; s.mu must be held.
func (s *Store) validate(cs lsusync.ChangeSet, owner *batch) error {
	mine := func(b *batch) bool { return b == nil || b == owner }
	if e := cs.Establishment; e != nil {
		switch {
		case !s.hasEst || e.UAI != s.est.UAI:
			return fmt.Errorf("memory: establishment %q: %w", e.UAI, lsusync.ErrNotFound)
		case !mine(s.reserved.est):
			return fmt.Errorf("memory: establishment %s: %w: a batch in progress writes it", e.UAI, lsusync.ErrConflict)
		case e.Version != s.est.Version:
			return fmt.Errorf("memory: establishment %s: %w", e.UAI, lsusync.ErrConflict)
		}
	}
	for _, t := range cs.Teachers {
		if t.Key.Type == "" || t.Key.ID == "" {
			return fmt.Errorf("memory: %w: teacher with an empty key", lsusync.ErrInvalid)
		}
		old, ok := s.teachers[t.Key]
		if err := check("teacher "+t.Key.String(), ok, old.Version, t.Version, mine(s.reserved.teachers[t.Key])); err != nil {
			return err
		}
	}
	if c := cs.Class; c != nil {
		if c.Code == "" {
			return fmt.Errorf("memory: %w: class with an empty code", lsusync.ErrInvalid)
		}
		old, ok := s.classes[c.Code]
		if err := check(fmt.Sprintf("class %q", c.Code), ok, old.Version, c.Version, mine(s.reserved.classes[c.Code])); err != nil {
			return err
		}
	}
	adding := make(map[string]bool, len(cs.Students))
	for _, st := range cs.Students {
		if st.ID == "" {
			return fmt.Errorf("memory: %w: pupil with an empty ID", lsusync.ErrInvalid)
		}
		if _, ok := s.classes[st.Class]; !ok && (cs.Class == nil || cs.Class.Code != st.Class) {
			return fmt.Errorf("memory: pupil %s: class %q: %w", st.ID, st.Class, lsusync.ErrNotFound)
		}
		var have lsusync.Version
		old, ok := s.pupils[st.ID]
		if ok {
			have = old.st.Version
		}
		if err := check("pupil "+st.ID, ok, have, st.Version, mine(s.reserved.students[st.ID])); err != nil {
			return err
		}
		adding[st.ID] = true
	}
	for _, b := range cs.Bilans {
		k := b.Key()
		p := s.pupils[b.Student]
		if p == nil && !adding[b.Student] {
			return fmt.Errorf("memory: bilan %s: pupil %s: %w", k, b.Student, lsusync.ErrNotFound)
		}
		var old lsusync.Bilan
		ok := false
		if p != nil {
			if i := p.bilan(b.Period); i >= 0 {
				old, ok = p.bilans[i], true
			}
		}
		if ok && b.Version != "" && (old.Locked || b.Locked) {
			return fmt.Errorf("memory: bilan %s: %w", k, lsusync.ErrLocked)
		}
		if err := check("bilan "+k.String(), ok, old.Version, b.Version, mine(s.reserved.bilans[k])); err != nil {
			return err
		}
	}
	return nil
}

// check applies the version rules to one record: stored tells whether the
// store holds it, with version have; want is the version the change set
// gives it; free tells whether no other batch reserved it.
func check(what string, stored bool, have, want lsusync.Version, free bool) error {
	switch {
	case want != "" && !stored:
		return fmt.Errorf("memory: %s: %w", what, lsusync.ErrNotFound)
	case !free:
		return fmt.Errorf("memory: %s: %w: a batch in progress writes it", what, lsusync.ErrConflict)
	case want == "" && stored:
		return fmt.Errorf("memory: %s: %w: it was added since it was read", what, lsusync.ErrConflict)
	case want != have:
		return fmt.Errorf("memory: %s: %w: version %s, read at %s", what, lsusync.ErrConflict, have, want)
	}
	return nil
}

// reserve marks the records of cs as staged by b; s.mu must be held.
func (s *Store) reserve(cs lsusync.ChangeSet, b *batch) {
	r := &s.reserved
	if cs.Establishment != nil {
		r.est = b
	}
	for _, t := range cs.Teachers {
		r.teachers[t.Key] = b
	}
	if cs.Class != nil {
		r.classes[cs.Class.Code] = b
	}
	for _, st := range cs.Students {
		r.students[st.ID] = b
	}
	for _, bi := range cs.Bilans {
		r.bilans[bi.Key()] = b
	}
}

// release frees the records that b reserved; s.mu must be held.
func (s *Store) release(b *batch) {
	r := &s.reserved
	if r.est == b {
		r.est = nil
	}
	for _, cs := range b.staged {
		for _, t := range cs.Teachers {
			delete(r.teachers, t.Key)
		}
		if cs.Class != nil {
			delete(r.classes, cs.Class.Code)
		}
		for _, st := range cs.Students {
			delete(r.students, st.ID)
		}
		for _, bi := range cs.Bilans {
			delete(r.bilans, bi.Key())
		}
	}
}

// first returns the version of the records of a store made from a
// Snapshot, and the first stamp of every class.
func (s *Store) first() lsusync.Version { return lsusync.Version(s.name + "-1") }

// ClassMemos implements lsusync.ClassMemos.
func (s *Store) ClassMemos(ctx context.Context) ([]lsusync.Memo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]lsusync.Memo, 0, len(s.classes))
	for code := range s.classes {
		m, ok := s.memos[code]
		if !ok {
			m.stamp = s.first()
		}
		out = append(out, lsusync.Memo{Class: code, Text: m.text, Stamp: m.stamp})
	}
	return out, nil
}

// stamp returns the stamp of a class; s.mu must be held.
func (s *Store) stamp(class string) lsusync.Version {
	if m, ok := s.memos[class]; ok {
		return m.stamp
	}
	return s.first()
}

// next returns a version that no record had before; s.mu must be held.
func (s *Store) next() lsusync.Version {
	s.version++
	return lsusync.Version(s.name + "-" + strconv.FormatUint(s.version, 10))
}

// apply writes a validated change set, its records owned by the store;
// s.mu must be held. Each class whose records it writes gets a new stamp
// and loses its memo; the change set's memo is then kept if its class's
// stamp was the one it carries.
func (s *Store) apply(cs lsusync.ChangeSet) {
	keep := cs.Memo != nil && cs.Memo.Text != "" && s.stamp(cs.Memo.Class) == cs.Memo.Stamp
	touched := make(map[string]bool)
	if cs.Establishment != nil {
		s.est = *cs.Establishment
		s.est.Version = s.next()
	}
	for _, t := range cs.Teachers {
		t.Version = s.next()
		s.teachers[t.Key] = t
	}
	if cs.Class != nil {
		c := *cs.Class
		c.Version = s.next()
		s.classes[c.Code] = c
		touched[c.Code] = true
	}
	for _, st := range cs.Students {
		if old, ok := s.pupils[st.ID]; ok {
			touched[old.st.Class] = true
		}
		touched[st.Class] = true
		st.Version = s.next()
		s.putStudent(st)
	}
	for _, b := range cs.Bilans {
		p := s.pupils[b.Student]
		touched[p.st.Class] = true
		b.Version = s.next()
		if i := p.bilan(b.Period); i >= 0 {
			p.bilans[i] = b
		} else {
			p.bilans = append(p.bilans, b)
			s.nBilans++
		}
	}
	for class := range touched {
		s.memos[class] = memo{stamp: s.next()}
	}
	if keep {
		if _, ok := s.classes[cs.Memo.Class]; ok {
			s.memos[cs.Memo.Class] = memo{text: cs.Memo.Text, stamp: s.stamp(cs.Memo.Class)}
		}
	}
}

// putStudent stores st, moving the pupil to st.Class; s.mu must be held.
func (s *Store) putStudent(st lsusync.Student) {
	p := s.pupils[st.ID]
	if p == nil {
		p = &pupil{}
		s.pupils[st.ID] = p
	} else if p.st.Class != st.Class {
		delete(s.members[p.st.Class], st.ID)
	}
	p.st = st
	m := s.members[st.Class]
	if m == nil {
		m = make(map[string]*pupil)
		s.members[st.Class] = m
	}
	m[st.ID] = p
}

// snapshotFor records the current value of every record the change sets
// touch and returns a function that restores them, removing the records
// they add; s.mu must be held. The values are logged in order and put
// back in reverse order, so that a record written twice gets its first
// value back.
func (s *Store) snapshotFor(sets []lsusync.ChangeSet) (undo func()) {
	est := s.est
	memos := maps.Clone(s.memos)
	type saved[K comparable, V any] struct {
		k   K
		v   V
		had bool
	}
	var (
		teachers []saved[lsusync.TeacherKey, lsusync.Teacher]
		classes  []saved[string, lsusync.Class]
		students []saved[string, lsusync.Student]
		bilans   []saved[lsusync.BilanKey, lsusync.Bilan]
	)
	nt, ns, nb := 0, 0, 0
	for _, cs := range sets {
		nt, ns, nb = nt+len(cs.Teachers), ns+len(cs.Students), nb+len(cs.Bilans)
	}
	teachers = make([]saved[lsusync.TeacherKey, lsusync.Teacher], 0, nt)
	students = make([]saved[string, lsusync.Student], 0, ns)
	bilans = make([]saved[lsusync.BilanKey, lsusync.Bilan], 0, nb)
	for _, cs := range sets {
		for _, t := range cs.Teachers {
			v, ok := s.teachers[t.Key]
			teachers = append(teachers, saved[lsusync.TeacherKey, lsusync.Teacher]{t.Key, v, ok})
		}
		if cs.Class != nil {
			v, ok := s.classes[cs.Class.Code]
			classes = append(classes, saved[string, lsusync.Class]{cs.Class.Code, v, ok})
		}
		for _, st := range cs.Students {
			var v lsusync.Student
			p, ok := s.pupils[st.ID]
			if ok {
				v = p.st
			}
			students = append(students, saved[string, lsusync.Student]{st.ID, v, ok})
		}
		for _, b := range cs.Bilans {
			var v lsusync.Bilan
			ok := false
			if p := s.pupils[b.Student]; p != nil {
				if i := p.bilan(b.Period); i >= 0 {
					v, ok = p.bilans[i], true
				}
			}
			bilans = append(bilans, saved[lsusync.BilanKey, lsusync.Bilan]{b.Key(), v, ok})
		}
	}
	// Put back in reverse order: the bilans before the pupils they may
	// have been added with.
	return func() {
		s.est = est
		s.memos = memos
		for _, b := range slices.Backward(bilans) {
			p := s.pupils[b.k.Student]
			i := p.bilan(b.k.Period)
			switch {
			case b.had:
				p.bilans[i] = b.v
			case i >= 0:
				p.bilans = slices.Delete(p.bilans, i, i+1)
				s.nBilans--
			}
		}
		for _, st := range slices.Backward(students) {
			if st.had {
				s.putStudent(st.v)
			} else if p, ok := s.pupils[st.k]; ok {
				delete(s.members[p.st.Class], st.k)
				delete(s.pupils, st.k)
			}
		}
		for _, c := range slices.Backward(classes) {
			if c.had {
				s.classes[c.k] = c.v
			} else {
				delete(s.classes, c.k)
			}
		}
		for _, t := range slices.Backward(teachers) {
			if t.had {
				s.teachers[t.k] = t.v
			} else {
				delete(s.teachers, t.k)
			}
		}
	}
}

// cloneChangeSet returns a copy of cs that the store may keep: the
// caller's records are copied, and the acquis lists its bilans have in
// common kept once.
func cloneChangeSet(cs lsusync.ChangeSet) lsusync.ChangeSet {
	if cs.Memo != nil {
		m := *cs.Memo
		cs.Memo = &m
	}
	if cs.Establishment != nil {
		e := *cs.Establishment
		cs.Establishment = &e
	}
	cs.Teachers = slices.Clone(cs.Teachers)
	if cs.Class != nil {
		c := *cs.Class
		c.Periods = slices.Clone(c.Periods)
		cs.Class = &c
	}
	cs.Students = slices.Clone(cs.Students)
	bs := make([]lsusync.Bilan, len(cs.Bilans))
	var in interner
	for i, b := range cs.Bilans {
		bs[i] = in.own(b)
	}
	cs.Bilans = bs
	return cs
}

// interner makes copies of bilans that share what they have in common:
// the lists of acquis without content (the pupils of a class who take the
// same subjects have the same), and the lists of professeurs principaux.
// The copies must never be modified.
type interner struct {
	acquis map[string][]lsusync.Acquis
	keys   map[string][]lsusync.TeacherKey
	seen   map[*lsusync.Acquis][]lsusync.Acquis // the copies of the lists already met, by address
	buf    []byte
}

// own returns a copy of b that shares its acquis list and its professeurs
// principaux with the bilans already copied that have the same.
func (in *interner) own(b lsusync.Bilan) lsusync.Bilan {
	if in.acquis == nil {
		in.acquis = make(map[string][]lsusync.Acquis)
		in.keys = make(map[string][]lsusync.TeacherKey)
	}
	heads, acquis := b.HeadTeachers, b.Acquis
	b.HeadTeachers, b.Acquis = nil, nil
	b = cloneBilan(b) // the content
	if heads != nil {
		in.buf = appendKeys(in.buf[:0], heads)
		b.HeadTeachers = in.keys[string(in.buf)]
		if b.HeadTeachers == nil {
			b.HeadTeachers = slices.Clone(heads)
			in.keys[string(in.buf)] = b.HeadTeachers
		}
	}
	if len(acquis) == 0 {
		return b // nil: a store need not tell nil and empty apart
	}
	// A list the caller gave several bilans is copied once: its first
	// element's address names it.
	if shared, ok := in.seen[&acquis[0]]; ok && len(shared) == len(acquis) {
		b.Acquis = shared
		return b
	}
	defer func() {
		if in.seen == nil {
			in.seen = make(map[*lsusync.Acquis][]lsusync.Acquis)
		}
		in.seen[&acquis[0]] = b.Acquis
	}()
	var shareable bool
	in.buf, shareable = appendAcquisKey(in.buf[:0], acquis)
	if !shareable { // this bilan's own
		b.Acquis = cloneBilan(lsusync.Bilan{Acquis: acquis}).Acquis
		return b
	}
	b.Acquis = in.acquis[string(in.buf)]
	if b.Acquis == nil {
		b.Acquis = cloneBilan(lsusync.Bilan{Acquis: acquis}).Acquis
		in.acquis[string(in.buf)] = b.Acquis
	}
	return b
}

// appendAcquisKey appends to buf a key that identifies the list of acquis
// as, and reports whether the acquis hold no content (only such lists are
// shared).
func appendAcquisKey(buf []byte, as []lsusync.Acquis) ([]byte, bool) {
	for i := range as {
		a := &as[i]
		if a.HasContent() {
			return buf, false
		}
		buf = appendString(buf, a.Subject.Code)
		buf = appendString(buf, a.Subject.Label)
		buf = appendString(buf, a.Subject.Modality)
		buf = appendKeys(buf, a.Teachers)
	}
	return buf, true
}

// appendKeys appends a key that identifies the list of teacher keys.
func appendKeys(buf []byte, keys []lsusync.TeacherKey) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(keys)))
	for _, k := range keys {
		buf = appendString(buf, k.Type)
		buf = appendString(buf, k.ID)
	}
	return buf
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

func cloneBilan(b lsusync.Bilan) lsusync.Bilan { return b.Clone() }
