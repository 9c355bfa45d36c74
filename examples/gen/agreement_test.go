package gen_test

import (
	"context"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/siecle"
	"github.com/lsusync/lsusync/lsusynctest"
)

// TestSIECLEAgreement modifies the model in the ways tests do, and in the
// ways of the mapping's corner cases, and checks that the SIECLE file
// Source reading the exports gives exactly Source(): the two
// implementations of the mapping (docs/mapping.md) agree.
func TestSIECLEAgreement(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(e *gen.Establishment)
	}{
		{"as generated", func(*gen.Establishment) {}},
		{"division only in Structures.xml", func(e *gen.Establishment) { e.Divisions[1].NotInSTS = true }},
		{"division only in STS", func(e *gen.Establishment) {
			e.Divisions[2].NotInStructures = true
			e.Divisions[3].NotInStructures, e.Divisions[3].STSLabel = true, ""
		}},
		{"establishment abroad", func(e *gen.Establishment) {
			e.Identity.ForeignCity, e.Identity.Country = "MADRID", "134"
		}},
		{"no civility, no sex", func(e *gen.Establishment) { e.Teachers[0].Civility, e.Teachers[0].Sex = "", "" }},
		{"spaces around values", func(e *gen.Establishment) {
			e.Pupils[0].LastName = "  DUPONT "
			e.Teachers[1].FirstName = " Anne"
			e.Divisions[0].Label, e.Divisions[0].STSLabel = " Sixième A ", ""
		}},
		{"pupil of an unknown division", func(e *gen.Establishment) { e.Pupils[1].Division = "6ZZ" }},
		{"renamed, corrected, new teacher, new PP, left", func(e *gen.Establishment) {
			e.Divisions[0].STSLabel = "6e A renommée"
			e.Pupils[2].FirstName2 = "Noël"
			nt := gen.Teacher{Key: lsusync.TeacherKey{Type: "local", ID: "77"}, Civility: "3", UsageName: "L'HERMITE", FirstName: "Maëlle"}
			e.Teachers = append(e.Teachers, nt)
			e.Divisions[1].Services[0].Teachers = append(e.Divisions[1].Services[0].Teachers, nt.Key)
			e.Teachers[3].HeadOf = append(e.Teachers[3].HeadOf, gen.HeadAppointment{Division: e.Divisions[1].Code, Start: e.Config.Today})
			e.Pupils[3].ExitDate = lsusync.Date{Year: 2025, Month: 10, Day: 2}
		}},
		{"a SUPPLEANT with the key of an INDIVIDU", func(e *gen.Establishment) {
			dup := e.Teachers[5]
			dup.Substitute, dup.FirstName = true, "Autre"
			dup.HeadOf = []gen.HeadAppointment{{Division: e.Divisions[4].Code}}
			e.Teachers = append(e.Teachers, dup)
		}},
		{"STS labels all empty", func(e *gen.Establishment) {
			for i := range e.Subjects {
				e.Subjects[i].Short, e.Subjects[i].Long, e.Subjects[i].Edition = "", "", ""
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := gen.New(gen.Config{Seed: 8, Pupils: 120, Classes: 8, Teachers: 24})
			tc.mutate(e)
			for _, opts := range []gen.ExportOptions{{}, {Zip: true, UTF8: true}} {
				f, err := e.WriteExports(t.TempDir(), opts)
				require.NoError(t, err)
				src, err := siecle.Open(context.Background(), siecle.Files{Eleves: f.Eleves, Communs: f.Communs,
					Structures: f.Structures, Nomenclature: f.Nomenclature, STS: f.STS}, siecle.Options{})
				require.NoError(t, err)
				if diff := gocmp.Diff(domainOf(t, e.Source()), domainOf(t, src)); diff != "" {
					t.Errorf("zip=%v utf8=%v: the SIECLE source differs from Source() (-want +got):\n%s", opts.Zip, opts.UTF8, diff)
				}
			}
		})
	}
}

// domainOf reads every value of src in a canonical order.
func domainOf(t *testing.T, src lsusync.Source) lsusynctest.SourceContent {
	t.Helper()
	d, err := lsusynctest.ReadSource(context.Background(), src)
	require.NoError(t, err)
	return d
}

// TestFillContentOfExports: the store that gen.Init makes of the
// exports, as lsusync init does, filled by FillContent, is the store
// StoreSnapshot gives.
func TestFillContentOfExports(t *testing.T) {
	ctx := context.Background()
	e := gen.New(gen.Config{Seed: 8, Pupils: 120, Classes: 8, Teachers: 24, Content: gen.ContentEndOfYear})
	f, err := e.WriteExports(t.TempDir(), gen.ExportOptions{Zip: true})
	require.NoError(t, err)
	src, err := siecle.Open(ctx, siecle.Files{Eleves: f.Eleves, Communs: f.Communs, Structures: f.Structures, Nomenclature: f.Nomenclature, STS: f.STS}, siecle.Options{})
	require.NoError(t, err)
	snap, err := gen.Init(ctx, src, e.Config.PeriodList(), e.Config.Today)
	require.NoError(t, err)
	e.FillContent(&snap)
	if diff := gocmp.Diff(e.StoreSnapshot(), snap); diff != "" {
		t.Errorf("FillContent of the exports' store differs from StoreSnapshot (-want +got):\n%s", diff)
	}
}
