package siecle

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
)

// domain is the whole content of a Source, in a canonical order.
type domain struct {
	Establishment lsusync.Establishment
	Teachers      []lsusync.Teacher
	Classes       []lsusync.ClassData
}

// readDomain reads every value of src and sorts it canonically: teachers
// by key, classes by code, enrolments by pupil ID, services by (group,
// subject), head teachers by key.
func readDomain(t testing.TB, src lsusync.Source) domain {
	t.Helper()
	ctx := context.Background()
	var d domain
	var err error
	d.Establishment, err = src.Establishment(ctx)
	require.NoError(t, err)
	d.Teachers, err = src.Teachers(ctx)
	require.NoError(t, err)
	slices.SortFunc(d.Teachers, func(a, b lsusync.Teacher) int { return a.Key.Compare(b.Key) })
	codes, err := src.ClassCodes(ctx)
	require.NoError(t, err)
	for _, c := range codes {
		cd, err := src.Class(ctx, c)
		require.NoError(t, err)
		cd.Enrolments = slices.Clone(cd.Enrolments)
		slices.SortStableFunc(cd.Enrolments, func(a, b lsusync.Enrolment) int {
			return cmp.Or(cmp.Compare(len(a.Student.ID), len(b.Student.ID)), strings.Compare(a.Student.ID, b.Student.ID))
		})
		cd.Services = slices.Clone(cd.Services)
		slices.SortStableFunc(cd.Services, func(a, b lsusync.Service) int {
			return cmp.Or(strings.Compare(a.Group, b.Group), strings.Compare(a.Subject.Code, b.Subject.Code))
		})
		cd.HeadTeachers = slices.Clone(cd.HeadTeachers)
		slices.SortStableFunc(cd.HeadTeachers, func(a, b lsusync.HeadTeacher) int { return a.Teacher.Compare(b.Teacher) })
		d.Classes = append(d.Classes, cd)
	}
	slices.SortFunc(d.Classes, func(a, b lsusync.ClassData) int { return strings.Compare(a.Code, b.Code) })
	return d
}

func TestOpenEqualsGenerator(t *testing.T) {
	configs := []struct {
		name string
		cfg  gen.Config
		opts gen.ExportOptions
	}{
		{"default", gen.Config{Seed: 1, Pupils: 300}, gen.ExportOptions{}},
		{"zip", gen.Config{Seed: 2, Pupils: 200}, gen.ExportOptions{Zip: true}},
		{"utf8", gen.Config{Seed: 3, Pupils: 200}, gen.ExportOptions{UTF8: true}},
		{"zip-utf8-semesters", gen.Config{Seed: 4, Pupils: 150, Periods: 2, SubjectsPerClass: 16}, gen.ExportOptions{Zip: true, UTF8: true}},
		{"tiny", gen.Config{Seed: 5, Pupils: 10, Classes: 1, Teachers: 1, SubjectsPerClass: 4}, gen.ExportOptions{}},
	}
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			e := gen.New(tc.cfg)
			files, err := e.WriteExports(t.TempDir(), tc.opts)
			require.NoError(t, err)
			src, err := Open(context.Background(), Files{
				Eleves: files.Eleves, Communs: files.Communs, Structures: files.Structures,
				Nomenclature: files.Nomenclature, STS: files.STS,
			}, Options{})
			require.NoError(t, err)
			want, got := readDomain(t, e.Source()), readDomain(t, src)
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("Open(WriteExports(e)) differs from e.Source() (-want +got):\n%s", diff)
			}
		})
	}
}
