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
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/lsusync/lsusync"
)

// Store is an in-memory lsusync.Store. It also implements lsusync.Batcher.
// Its methods are safe for concurrent use.
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
	s := &Store{
		hasEst:   d.Establishment != (lsusync.Establishment{}),
		est:      d.Establishment,
		teachers: make(map[lsusync.TeacherKey]lsusync.Teacher, len(d.Teachers)),
		classes:  make(map[string]lsusync.Class, len(d.Classes)),
		students: make(map[string]lsusync.Student, len(d.Students)),
		members:  make(map[string]map[string]bool, len(d.Classes)),
		bilans:   make(map[lsusync.BilanKey]lsusync.Bilan, len(d.Bilans)),
		byPupil:  make(map[string][]lsusync.Period, len(d.Students)),
		persist:  persist,
	}
	for _, t := range d.Teachers {
		if _, dup := s.teachers[t.Key]; dup {
			return nil, fmt.Errorf("memory: %w: teacher %s twice", lsusync.ErrInvalid, t.Key)
		}
		s.teachers[t.Key] = t
	}
	for _, c := range d.Classes {
		if _, dup := s.classes[c.Code]; dup {
			return nil, fmt.Errorf("memory: %w: class %q twice", lsusync.ErrInvalid, c.Code)
		}
		c.Periods = slices.Clone(c.Periods)
		s.classes[c.Code] = c
	}
	for _, st := range d.Students {
		if _, dup := s.students[st.ID]; dup {
			return nil, fmt.Errorf("memory: %w: pupil %s twice", lsusync.ErrInvalid, st.ID)
		}
		if _, ok := s.classes[st.Class]; !ok {
			return nil, fmt.Errorf("memory: %w: pupil %s in unknown class %q", lsusync.ErrInvalid, st.ID, st.Class)
		}
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
		s.bilans[k] = cloneBilan(b)
		s.byPupil[b.Student] = append(s.byPupil[b.Student], b.Period)
	}
	return s, nil
}

// Snapshot returns a sorted deep copy of the store's content.
func (s *Store) Snapshot() lsusync.Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.data()
}

func (s *Store) data() lsusync.Snapshot {
	d := lsusync.Snapshot{
		Establishment: s.est,
		Teachers:      slices.Collect(maps.Values(s.teachers)),
		Classes:       make([]lsusync.Class, 0, len(s.classes)),
		Students:      slices.Collect(maps.Values(s.students)),
		Bilans:        make([]lsusync.Bilan, 0, len(s.bilans)),
	}
	for _, c := range s.classes {
		c.Periods = slices.Clone(c.Periods)
		d.Classes = append(d.Classes, c)
	}
	for _, b := range s.bilans {
		d.Bilans = append(d.Bilans, cloneBilan(b))
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
	return s.commit(ctx, []lsusync.ChangeSet{cs})
}

// BeginBatch implements lsusync.Batcher: the change sets staged in the
// batch are validated as they are staged, and applied together by Commit.
func (s *Store) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &batch{s: s}, nil
}

type batch struct {
	s      *Store
	mu     sync.Mutex
	staged []lsusync.ChangeSet
	done   bool
}

func (b *batch) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cs = cloneChangeSet(cs)
	b.s.mu.RLock()
	err := b.s.validate(cs)
	b.s.mu.RUnlock()
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return fmt.Errorf("memory: batch already committed or discarded")
	}
	b.staged = append(b.staged, cs)
	return nil
}

func (b *batch) Commit(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return fmt.Errorf("memory: batch already committed or discarded")
	}
	b.done = true
	return b.s.commit(ctx, b.staged)
}

func (b *batch) Discard() {
	b.mu.Lock()
	b.done = true
	b.staged = nil
	b.mu.Unlock()
}

// commit validates and applies the change sets atomically.
func (s *Store) commit(ctx context.Context, sets []lsusync.ChangeSet) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cs := range sets {
		if err := s.validate(cs); err != nil {
			return err
		}
	}
	undo := s.snapshotFor(sets)
	for _, cs := range sets {
		s.apply(cloneChangeSet(cs))
	}
	if s.persist != nil {
		if err := s.persist(ctx, s.data()); err != nil {
			undo()
			return err
		}
	}
	return nil
}

// validate checks cs against the store; s.mu must be held.
func (s *Store) validate(cs lsusync.ChangeSet) error {
	if e := cs.Establishment; e != nil && (!s.hasEst || e.UAI != s.est.UAI) {
		return fmt.Errorf("memory: establishment %q: %w", e.UAI, lsusync.ErrNotFound)
	}
	for _, t := range cs.Teachers {
		if t.Key.Type == "" || t.Key.ID == "" {
			return fmt.Errorf("memory: %w: teacher with an empty key", lsusync.ErrInvalid)
		}
	}
	if c := cs.Class; c != nil {
		if _, ok := s.classes[c.Code]; !ok {
			return fmt.Errorf("memory: class %q: %w", c.Code, lsusync.ErrNotFound)
		}
	}
	for _, st := range cs.Students {
		if st.ID == "" {
			return fmt.Errorf("memory: %w: pupil with an empty ID", lsusync.ErrInvalid)
		}
		if _, ok := s.classes[st.Class]; !ok {
			return fmt.Errorf("memory: pupil %s: class %q: %w", st.ID, st.Class, lsusync.ErrNotFound)
		}
	}
	for _, b := range cs.Bilans {
		old, ok := s.bilans[b.Key()]
		if !ok {
			return fmt.Errorf("memory: bilan %s: %w", b.Key(), lsusync.ErrNotFound)
		}
		if old.Locked || b.Locked {
			return fmt.Errorf("memory: bilan %s: %w", b.Key(), lsusync.ErrLocked)
		}
	}
	return nil
}

// apply writes a validated change set; s.mu must be held.
func (s *Store) apply(cs lsusync.ChangeSet) {
	if cs.Establishment != nil {
		s.est = *cs.Establishment
	}
	for _, t := range cs.Teachers {
		s.teachers[t.Key] = t
	}
	if cs.Class != nil {
		s.classes[cs.Class.Code] = *cs.Class
	}
	for _, st := range cs.Students {
		if old, ok := s.students[st.ID]; ok && old.Class != st.Class {
			delete(s.members[old.Class], st.ID)
		}
		s.putStudent(st)
	}
	for _, b := range cs.Bilans {
		s.bilans[b.Key()] = b
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
// touch and returns a function that restores them; s.mu must be held.
func (s *Store) snapshotFor(sets []lsusync.ChangeSet) (undo func()) {
	est, hasEst := s.est, s.hasEst
	teachers := map[lsusync.TeacherKey]*lsusync.Teacher{}
	classes := map[string]lsusync.Class{}
	students := map[string]*lsusync.Student{}
	bilans := map[lsusync.BilanKey]lsusync.Bilan{}
	for _, cs := range sets {
		for _, t := range cs.Teachers {
			if _, seen := teachers[t.Key]; !seen {
				if old, ok := s.teachers[t.Key]; ok {
					teachers[t.Key] = &old
				} else {
					teachers[t.Key] = nil
				}
			}
		}
		if cs.Class != nil {
			if _, seen := classes[cs.Class.Code]; !seen {
				classes[cs.Class.Code] = s.classes[cs.Class.Code]
			}
		}
		for _, st := range cs.Students {
			if _, seen := students[st.ID]; !seen {
				if old, ok := s.students[st.ID]; ok {
					students[st.ID] = &old
				} else {
					students[st.ID] = nil
				}
			}
		}
		for _, b := range cs.Bilans {
			if _, seen := bilans[b.Key()]; !seen {
				bilans[b.Key()] = s.bilans[b.Key()]
			}
		}
	}
	return func() {
		s.est, s.hasEst = est, hasEst
		for k, t := range teachers {
			if t == nil {
				delete(s.teachers, k)
			} else {
				s.teachers[k] = *t
			}
		}
		for k, c := range classes {
			s.classes[k] = c
		}
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
			s.bilans[k] = b
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
