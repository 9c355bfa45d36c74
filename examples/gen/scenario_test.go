package gen

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// TestSecondExport simulates a later export: the model is modified as a
// school's data changes, and a sync of the new Source into the store
// seeded from the first one reports exactly those changes.
func TestSecondExport(t *testing.T) {
	e := New(Config{Seed: 11, Pupils: 300, Classes: 12, Teachers: 30})
	st, err := memory.New(e.StoreSnapshot())
	require.NoError(t, err)

	// A pupil present in division 0, one in division 3.
	present := func(div string) int {
		for i, p := range e.Pupils {
			if p.Division == div && p.ExitDate.IsZero() {
				return i
			}
		}
		t.Fatalf("no present pupil in %q", div)
		return -1
	}
	d0, d1, d2, d3 := e.Divisions[0].Code, e.Divisions[1].Code, e.Divisions[2].Code, e.Divisions[3].Code
	renamed := present(d0)
	left := present(d3)
	today := e.Config.Today
	already := map[string]int{} // pupils who had already left, per division
	for _, p := range e.Pupils {
		if !p.Present(today) {
			already[p.Division]++
		}
	}

	e.Divisions[0].STSLabel = "6e A renommée"
	e.Pupils[renamed].LastName = "DE LA FONTAINE-D'ARGENT"
	newcomer := Teacher{Key: lsusync.TeacherKey{Type: "epp", ID: "999999"}, Sex: "2", Civility: "2",
		UsageName: "NOUVELLE", BirthName: "NOUVELLE", FirstName: "Zoé", Function: "ENS"}
	e.Teachers = append(e.Teachers, newcomer)
	e.Divisions[1].Services[0].Teachers = append(e.Divisions[1].Services[0].Teachers, newcomer.Key)
	e.Teachers[0].HeadOf = append(e.Teachers[0].HeadOf, HeadAppointment{Division: d2, Start: e.Config.Today})
	e.Pupils[left].ExitDate = lsusync.Date{Year: 2025, Month: time.November, Day: 20}

	now := func() time.Time { return time.Date(today.Year, today.Month, today.Day, 9, 0, 0, 0, time.UTC) }
	rep, err := lsusync.New(e.Source(), st, lsusync.Options{Now: now}).Sync(context.Background())
	require.NoError(t, err)

	type key struct {
		kind  lsusync.Kind
		class string
	}
	changed := map[key]map[lsusync.Action]int{}
	for _, it := range rep.Items {
		if it.Action == lsusync.ActionUnchanged {
			continue
		}
		k := key{it.Kind, it.Class}
		if changed[k] == nil {
			changed[k] = map[lsusync.Action]int{}
		}
		changed[k][it.Action]++
	}
	perPupil := e.Config.Periods
	count := func(div string) int { // present pupils of a division after the changes
		n := 0
		for _, p := range e.Pupils {
			if p.Division == div && (p.ExitDate.IsZero() || !p.ExitDate.Before(today)) {
				n++
			}
		}
		return n
	}
	want := map[key]map[lsusync.Action]int{
		{lsusync.KindTeacher, ""}: {lsusync.ActionAdded: 1},
		{lsusync.KindClass, d0}:   {lsusync.ActionUpdated: 1},
		{lsusync.KindStudent, d0}: {lsusync.ActionUpdated: 1},
		{lsusync.KindBilan, d1}:   {lsusync.ActionUpdated: count(d1) * perPupil},
		{lsusync.KindBilan, d2}:   {lsusync.ActionUpdated: count(d2) * perPupil},
		// Only the pupil who left since the store was made is reported:
		// those who had left before are not in the store.
		{lsusync.KindStudent, d3}: {lsusync.ActionLeft: 1},
	}
	if diff := cmp.Diff(want, changed); diff != "" {
		t.Errorf("changed items (-want +got):\n%s", diff)
	}
	got, err := st.Student(context.Background(), e.Pupils[renamed].ID)
	require.NoError(t, err)
	if got.LastName != "DE LA FONTAINE-D'ARGENT" {
		t.Errorf("last name %q after sync", got.LastName)
	}
	if _, err := st.Student(context.Background(), e.Pupils[left].ID); err != nil {
		t.Errorf("the pupil who left is no longer in the store: %v", err)
	}
}

func TestInitErrors(t *testing.T) {
	e := New(Config{Seed: 4, Pupils: 50, Classes: 2, Teachers: 20})
	ctx := context.Background()
	ps := e.Config.PeriodList()
	dupTeacher := e.Source()
	dupTeacher.Staff = append(dupTeacher.Staff, dupTeacher.Staff[0])
	dupPupil := e.Source()
	dupPupil.Classes[1].Enrolments = append(dupPupil.Classes[1].Enrolments, dupPupil.Classes[0].Enrolments[0])
	noID := e.Source()
	noID.Classes[0].Enrolments[0].Student.ID = ""
	noUAI := e.Source()
	noUAI.School.UAI = ""
	for _, tc := range []struct {
		name    string
		src     *memory.Source
		periods []lsusync.Period
	}{
		{"no period", e.Source(), nil},
		{"invalid period", e.Source(), []lsusync.Period{{Year: 2025, Index: 4, Count: 3}}},
		{"period twice", e.Source(), []lsusync.Period{ps[0], ps[0]}},
		{"teacher twice", dupTeacher, ps},
		{"pupil in two classes", dupPupil, ps},
		{"pupil without ID", noID, ps},
		{"no UAI", noUAI, ps},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Init(ctx, tc.src, tc.periods, e.Config.Today)
			if !errors.Is(err, lsusync.ErrInvalid) {
				t.Errorf("Init: %v, want ErrInvalid", err)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Init(cctx, e.Source(), ps, e.Config.Today); !errors.Is(err, context.Canceled) {
		t.Errorf("Init with a cancelled context: %v", err)
	}
}
