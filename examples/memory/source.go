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
type Source struct {
	// Est is the establishment.
	Est lsusync.Establishment
	// TeacherList is the list of teachers.
	TeacherList []lsusync.Teacher
	// ClassList holds every class with its pupils, services and
	// professeurs principaux.
	ClassList []lsusync.ClassData

	once  sync.Once
	index map[string]int
}

var _ lsusync.Source = (*Source)(nil)

// Establishment implements lsusync.EstablishmentSource.
func (s *Source) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	return s.Est, ctx.Err()
}

// Teachers implements lsusync.TeacherSource.
func (s *Source) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return slices.Clone(s.TeacherList), nil
}

// ClassCodes implements lsusync.ClassSource.
func (s *Source) ClassCodes(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	codes := make([]string, len(s.ClassList))
	for i, c := range s.ClassList {
		codes[i] = c.Code
	}
	return codes, nil
}

// Class implements lsusync.ClassSource. The first call indexes ClassList.
func (s *Source) Class(ctx context.Context, code string) (lsusync.ClassData, error) {
	if err := ctx.Err(); err != nil {
		return lsusync.ClassData{}, err
	}
	s.once.Do(func() {
		s.index = make(map[string]int, len(s.ClassList))
		for i, c := range s.ClassList {
			if _, dup := s.index[c.Code]; !dup {
				s.index[c.Code] = i
			}
		}
	})
	if i, ok := s.index[code]; ok {
		return s.ClassList[i], nil
	}
	return lsusync.ClassData{}, fmt.Errorf("memory: class %q: %w", code, lsusync.ErrNotFound)
}
