// Package memory is the reference in-memory implementation of the lsusync
// Source and Store: the executable specification of their contracts, safe
// for concurrent use, and the fake that tests of school software use.
//
// A [Store] keeps its records in maps guarded by a mutex and returns deep
// copies. A [Source] serves fixed values. Neither persists anything by
// itself; [NewPersistent] lets a caller persist every commit, which is how
// the file-backed store of this module is built.
package memory

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/lsusync/lsusync"
)

// Store is an in-memory lsusync.Store. It also implements lsusync.Batcher.
// Its methods are safe for concurrent use.
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
	students map[string]lsusync.Student
	members  map[string]map[string]bool // class code -> pupil IDs
	bilans   map[lsusync.BilanKey]lsusync.Bilan
	byPupil  map[string][]lsusync.Period
	persist  func(context.Context, lsusync.Snapshot) error
	name     string // the random part of the versions
	version  uint64 // the counter of the versions
	reserved reservations
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
	_ lsusync.Store   = (*Store)(nil)
	_ lsusync.Batcher = (*Store)(nil)
)

// New returns a Store holding a deep copy of d. It returns an error
// wrapping lsusync.ErrInvalid when d holds two records with the same key,
// a pupil of an unknown class, or a bilan of an unknown pupil.
// An empty Snapshot, with no UAI, is a store without establishment.
func New(d lsusync.Snapshot) (*Store, error) {
	return NewPersistent(d, nil)
}

// NewPersistent is [New] with a persist function, called under the store's
// write lock with the whole new content each time changes are applied,
// before they become visible. When persist returns an error, the changes
// are dropped and Apply or Commit returns that error.
func NewPersistent(d lsusync.Snapshot, persist func(context.Context, lsusync.Snapshot) error) (*Store, error) {
	name := rand.Text()[:12] // 60 random bits
	first := lsusync.Version(name + "-1")
	s := &Store{
		name:     name,
		hasEst:   d.Establishment != (lsusync.Establishment{}),
		est:      d.Establishment,
		teachers: make(map[lsusync.TeacherKey]lsusync.Teacher, len(d.Teachers)),
		classes:  make(map[string]lsusync.Class, len(d.Classes)),
		students: make(map[string]lsusync.Student, len(d.Students)),
		members:  make(map[string]map[string]bool, len(d.Classes)),
		bilans:   make(map[lsusync.BilanKey]lsusync.Bilan, len(d.Bilans)),
		byPupil:  make(map[string][]lsusync.Period, len(d.Students)),
		persist:  persist,
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
		c.Periods = slices.Clone(c.Periods)
		c.Version = first
		s.classes[c.Code] = c
	}
	for _, st := range d.Students {
		if _, dup := s.students[st.ID]; dup {
			return nil, fmt.Errorf("memory: %w: pupil %s twice", lsusync.ErrInvalid, st.ID)
		}
		if _, ok := s.classes[st.Class]; !ok {
			return nil, fmt.Errorf("memory: %w: pupil %s in unknown class %q", lsusync.ErrInvalid, st.ID, st.Class)
		}
		st.Version = first
		s.putStudent(st)
	}
	for _, b := range d.Bilans {
		k := b.Key()
		if _, dup := s.bilans[k]; dup {
			return nil, fmt.Errorf("memory: %w: bilan %s twice", lsusync.ErrInvalid, k)
		}
		if _, ok := s.students[b.Student]; !ok {
			return nil, fmt.Errorf("memory: %w: bilan %s of unknown pupil", lsusync.ErrInvalid, k)
		}
		b = cloneBilan(b)
		b.Version = first
		s.bilans[k] = b
		s.byPupil[b.Student] = append(s.byPupil[b.Student], b.Period)
	}
	return s, nil
}

// Snapshot returns a sorted deep copy of the store's content, without the
// records' versions.
func (s *Store) Snapshot() lsusync.Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.data()
}

// data returns the content without versions; s.mu must be held.
func (s *Store) data() lsusync.Snapshot {
	d := lsusync.Snapshot{
		Establishment: s.est,
		Teachers:      make([]lsusync.Teacher, 0, len(s.teachers)),
		Classes:       make([]lsusync.Class, 0, len(s.classes)),
		Students:      make([]lsusync.Student, 0, len(s.students)),
		Bilans:        make([]lsusync.Bilan, 0, len(s.bilans)),
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
		c.Periods = slices.Clone(c.Periods)
		c.Version = ""
		d.Classes = append(d.Classes, c)
	}
	for _, st := range s.students {
		st.Version = ""
		d.Students = append(d.Students, st)
	}
	for _, b := range s.bilans {
		b = cloneBilan(b)
		b.Version = ""
		d.Bilans = append(d.Bilans, b)
	}
	d.Sort()
	return d
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
	for id := range s.members[class] {
		out = append(out, s.students[id])
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
	st, ok := s.students[id]
	if !ok {
		return lsusync.Student{}, fmt.Errorf("memory: pupil %s: %w", id, lsusync.ErrNotFound)
	}
	return st, nil
}

// Bilans implements lsusync.BilanStore.
func (s *Store) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []lsusync.Bilan
	for id := range s.members[class] {
		for _, p := range s.byPupil[id] {
			out = append(out, cloneBilan(s.bilans[lsusync.BilanKey{Student: id, Period: p}]))
		}
	}
	if out == nil {
		out = []lsusync.Bilan{}
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
		if err := s.persist(ctx, s.data()); err != nil {
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
		old, ok := s.students[st.ID]
		if err := check("pupil "+st.ID, ok, old.Version, st.Version, mine(s.reserved.students[st.ID])); err != nil {
			return err
		}
		adding[st.ID] = true
	}
	for _, b := range cs.Bilans {
		k := b.Key()
		if _, ok := s.students[b.Student]; !ok && !adding[b.Student] {
			return fmt.Errorf("memory: bilan %s: pupil %s: %w", k, b.Student, lsusync.ErrNotFound)
		}
		old, ok := s.bilans[k]
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

// next returns a version that no record had before; s.mu must be held.
func (s *Store) next() lsusync.Version {
	s.version++
	return lsusync.Version(s.name + "-" + strconv.FormatUint(s.version, 10))
}

// apply writes a validated change set, its records owned by the store;
// s.mu must be held.
func (s *Store) apply(cs lsusync.ChangeSet) {
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
	}
	for _, st := range cs.Students {
		if old, ok := s.students[st.ID]; ok && old.Class != st.Class {
			delete(s.members[old.Class], st.ID)
		}
		st.Version = s.next()
		s.putStudent(st)
	}
	for _, b := range cs.Bilans {
		k := b.Key()
		if _, ok := s.bilans[k]; !ok {
			s.byPupil[b.Student] = append(s.byPupil[b.Student], b.Period)
		}
		b.Version = s.next()
		s.bilans[k] = b
	}
}

func (s *Store) putStudent(st lsusync.Student) {
	s.students[st.ID] = st
	m := s.members[st.Class]
	if m == nil {
		m = make(map[string]bool)
		s.members[st.Class] = m
	}
	m[st.ID] = true
}

// snapshotFor records the current value of every record the change sets
// touch and returns a function that restores them, removing the records
// they add; s.mu must be held.
func (s *Store) snapshotFor(sets []lsusync.ChangeSet) (undo func()) {
	est := s.est
	teachers := map[lsusync.TeacherKey]*lsusync.Teacher{}
	classes := map[string]*lsusync.Class{}
	students := map[string]*lsusync.Student{}
	bilans := map[lsusync.BilanKey]*lsusync.Bilan{}
	for _, cs := range sets {
		for _, t := range cs.Teachers {
			remember(teachers, s.teachers, t.Key)
		}
		if cs.Class != nil {
			remember(classes, s.classes, cs.Class.Code)
		}
		for _, st := range cs.Students {
			remember(students, s.students, st.ID)
		}
		for _, b := range cs.Bilans {
			remember(bilans, s.bilans, b.Key())
		}
	}
	return func() {
		s.est = est
		restore(s.teachers, teachers)
		restore(s.classes, classes)
		for id, st := range students {
			if cur, ok := s.students[id]; ok {
				delete(s.members[cur.Class], id)
				delete(s.students, id)
			}
			if st != nil {
				s.putStudent(*st)
			}
		}
		for k, b := range bilans {
			if b == nil {
				s.byPupil[k.Student] = slices.DeleteFunc(s.byPupil[k.Student], func(p lsusync.Period) bool { return p == k.Period })
			}
		}
		restore(s.bilans, bilans)
	}
}

// remember records in saved the value that m holds for k, or nil when it
// holds none, the first time k is seen.
func remember[K comparable, V any](saved map[K]*V, m map[K]V, k K) {
	if _, seen := saved[k]; seen {
		return
	}
	if v, ok := m[k]; ok {
		saved[k] = &v
	} else {
		saved[k] = nil
	}
}

// restore puts back in m the values saved by remember.
func restore[K comparable, V any](m map[K]V, saved map[K]*V) {
	for k, v := range saved {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = *v
		}
	}
}

func cloneChangeSet(cs lsusync.ChangeSet) lsusync.ChangeSet {
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
	for i, b := range cs.Bilans {
		bs[i] = cloneBilan(b)
	}
	cs.Bilans = bs
	return cs
}

func cloneBilan(b lsusync.Bilan) lsusync.Bilan {
	b.HeadTeachers = slices.Clone(b.HeadTeachers)
	b.Content = maps.Clone(b.Content)
	if b.Acquis == nil {
		return b
	}
	// One backing array for every acquis's teachers: each gets a window
	// with its own capacity, so that appending to one never writes over
	// the next.
	n := 0
	for _, a := range b.Acquis {
		n += len(a.Teachers)
	}
	keys := make([]lsusync.TeacherKey, 0, n)
	acq := make([]lsusync.Acquis, len(b.Acquis))
	for i, a := range b.Acquis {
		if a.Teachers != nil {
			start := len(keys)
			keys = append(keys, a.Teachers...)
			a.Teachers = keys[start:len(keys):len(keys)]
		}
		a.Content = maps.Clone(a.Content)
		acq[i] = a
	}
	b.Acquis = acq
	return b
}
