package lsusynctest

import (
	"context"
	"slices"
	"strings"

	"github.com/lsusync/lsusync"
)

// SourceContent is everything a Source gives, in the canonical order of
// [ReadSource], so that two Sources can be compared with cmp.Diff.
type SourceContent struct {
	Establishment lsusync.Establishment
	Teachers      []lsusync.Teacher
	Classes       []lsusync.ClassData
}

// ReadSource reads every value of src and sorts it canonically: teachers
// by key, classes by code, and in each class the enrolments by pupil ID,
// the services by group then subject code, the professeurs principaux by
// key. Group lists and the teachers of a service keep the source's order.
// It returns the first error of src.
func ReadSource(ctx context.Context, src lsusync.Source) (SourceContent, error) {
	var c SourceContent
	var err error
	if c.Establishment, err = src.Establishment(ctx); err != nil {
		return SourceContent{}, err
	}
	if c.Teachers, err = src.Teachers(ctx); err != nil {
		return SourceContent{}, err
	}
	c.Teachers = slices.Clone(c.Teachers)
	slices.SortFunc(c.Teachers, func(a, b lsusync.Teacher) int { return a.Key.Compare(b.Key) })
	codes, err := src.ClassCodes(ctx)
	if err != nil {
		return SourceContent{}, err
	}
	for _, code := range codes {
		cd, err := src.Class(ctx, code)
		if err != nil {
			return SourceContent{}, err
		}
		cd.Enrolments = slices.Clone(cd.Enrolments)
		slices.SortStableFunc(cd.Enrolments, func(a, b lsusync.Enrolment) int {
			return compareIDs(a.Student.ID, b.Student.ID)
		})
		cd.Services = slices.Clone(cd.Services)
		slices.SortStableFunc(cd.Services, func(a, b lsusync.Service) int {
			if c := strings.Compare(a.Group, b.Group); c != 0 {
				return c
			}
			return strings.Compare(a.Subject.Code, b.Subject.Code)
		})
		cd.HeadTeachers = slices.Clone(cd.HeadTeachers)
		slices.SortStableFunc(cd.HeadTeachers, func(a, b lsusync.HeadTeacher) int { return a.Teacher.Compare(b.Teacher) })
		c.Classes = append(c.Classes, cd)
	}
	slices.SortFunc(c.Classes, func(a, b lsusync.ClassData) int { return strings.Compare(a.Code, b.Code) })
	return c, nil
}

// compareIDs orders numeric IDs by value, as lsusync.Snapshot.Sort does:
// shorter first, then bytewise.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
