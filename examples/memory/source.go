package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/lsusync/lsusync"
)

// Source is an in-memory lsusync.Source serving fixed values: a fake for
// tests, and the form the generator's establishments take as domain
// values. Set its fields before use and do not change them while a sync
// runs; its methods are then safe for concurrent use.
//
//	src := &memory.Source{
//		School:  lsusync.Establishment{UAI: "0750001A", Name: "COLLÈGE JEAN MOULIN"},
//		Staff:   []lsusync.Teacher{{Key: lsusync.TeacherKey{Type: "epp", ID: "4189"}, LastName: "DURAND"}},
//		Classes: []lsusync.ClassData{{Code: "3EME1", Label: "3EME 1", Enrolments: enrolments}},
//	}
type Source struct {
	// School is the establishment (a collège or lycée): what
	// Establishment returns.
	School lsusync.Establishment
	// Staff are the teachers: what Teachers returns.
	Staff []lsusync.Teacher
	// Classes are the classes with their pupils, services and
	// professeurs principaux: what ClassCodes and Class serve.
	Classes []lsusync.ClassData

	once  sync.Once
	index map[string]int
}

var _ lsusync.Source = (*Source)(nil)

// Establishment implements lsusync.EstablishmentSource.
func (s *Source) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	return s.School, ctx.Err()
}

// Teachers implements lsusync.TeacherSource.
func (s *Source) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return slices.Clone(s.Staff), nil
}

// ClassCodes implements lsusync.ClassSource.
func (s *Source) ClassCodes(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	codes := make([]string, len(s.Classes))
	for i, c := range s.Classes {
		codes[i] = c.Code
	}
	return codes, nil
}

// Class implements lsusync.ClassSource. The first call indexes Classes.
func (s *Source) Class(ctx context.Context, code string) (lsusync.ClassData, error) {
	if err := ctx.Err(); err != nil {
		return lsusync.ClassData{}, err
	}
	s.once.Do(func() {
		s.index = make(map[string]int, len(s.Classes))
		for i, c := range s.Classes {
			if _, dup := s.index[c.Code]; !dup {
				s.index[c.Code] = i
			}
		}
	})
	if i, ok := s.index[code]; ok {
		return s.Classes[i], nil
	}
	return lsusync.ClassData{}, fmt.Errorf("memory: class %q: %w", code, lsusync.ErrNotFound)
}
