package siecle

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/memory"
)

// line is what the end-to-end test compares of a report item.
type line struct {
	Kind    lsusync.Kind
	Action  lsusync.Action
	Class   string
	Key     string
	Changed string // the changed fields, in order
}

// changedLines returns the report's items that are not "unchanged", as
// lines.
func changedLines(rep *lsusync.Report) []line {
	var out []line
	for _, it := range rep.Items {
		if it.Action == lsusync.ActionUnchanged {
			continue
		}
		l := line{Kind: it.Kind, Action: it.Action, Class: it.Class, Key: it.Key}
		if it.Kind == lsusync.KindSource {
			// A notice locates what it is about by file and line, which
			// the changes of the second export move: compare its text.
			l.Key = it.Note
		}
		for _, c := range it.Changes {
			l.Changed += c.Field + ";"
		}
		out = append(out, l)
	}
	return out
}

func sortLines(ls []line) {
	slices.SortFunc(ls, func(a, b line) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
}

// TestEndToEnd: generated exports, read by Open, seed an in-memory store;
// a second export with five changes (a class renamed, a pupil's name
// corrected, a new teacher on a service, a new professeur principal, a
// pupil who left) is read by Open and synchronised: the report has exactly
// the items of those changes, and a second sync is idempotent.
func TestEndToEnd(t *testing.T) {
	ctx := context.Background()
	e := gen.New(gen.Config{Seed: 11, Pupils: 150})
	cfg := e.Config.Normalize()
	today := cfg.Today
	now := func() time.Time { return time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC) }
	open := func() *Source {
		f, err := e.WriteExports(t.TempDir(), gen.ExportOptions{Zip: true})
		require.NoError(t, err)
		src, err := Open(ctx, Files{Eleves: f.Eleves, Communs: f.Communs, Structures: f.Structures, Nomenclature: f.Nomenclature, STS: f.STS}, Options{})
		require.NoError(t, err)
		return src
	}

	src1 := open()
	snap, err := gen.Init(ctx, src1, cfg.PeriodList(), today)
	require.NoError(t, err)
	store, err := memory.New(snap)
	require.NoError(t, err)
	syncOnce := func(src lsusync.Source) *lsusync.Report {
		rep, err := lsusync.New(src, store, lsusync.Options{Now: now}).Sync(ctx)
		require.NoError(t, err)
		require.NoError(t, rep.Err())
		return rep
	}
	// The first sync changes nothing: its other lines (pupils who left
	// before, for instance) are the baseline.
	baseline := changedLines(syncOnce(src1))
	for _, l := range baseline {
		require.NotEqual(t, lsusync.ActionUpdated, l.Action, "first sync updated %+v", l)
		require.NotEqual(t, lsusync.ActionAdded, l.Action, "first sync added %+v", l)
	}

	// The class C of the changes: an STS division with services and at
	// least three present pupils.
	present := func(p *gen.Pupil) bool { return p.ExitDate.IsZero() || !p.ExitDate.Before(today) }
	var div *gen.Division
	var pupils []*gen.Pupil
	for i := range e.Divisions {
		d := &e.Divisions[i]
		if d.NotInSTS || len(d.Services) == 0 {
			continue
		}
		pupils = pupils[:0]
		for j := range e.Pupils {
			if p := &e.Pupils[j]; p.Division == d.Code && present(p) {
				pupils = append(pupils, p)
			}
		}
		if len(pupils) >= 3 {
			div = d
			break
		}
	}
	require.NotNil(t, div, "no division fit for the test")
	code := div.Code

	// 1. The class is renamed.
	div.STSLabel = "Classe renommée " + code
	// 2. A pupil's name is corrected.
	corrected := pupils[0]
	corrected.LastName += "-CORRIGÉ"
	// 3. A new teacher joins a service of the division.
	newKey := lsusync.TeacherKey{Type: "epp", ID: "990001"}
	e.Teachers = append(e.Teachers, gen.Teacher{Key: newKey, Sex: "2", Civility: "2", UsageName: "NOUVELLE", FirstName: "Prof", Function: "ENS"})
	div.Services[0].Teachers = append(div.Services[0].Teachers, newKey)
	// 4. A new professeur principal: a teacher who is not PP of C yet.
	var pp *gen.Teacher
	for i := range e.Teachers {
		t := &e.Teachers[i]
		if t.Key == newKey || t.Substitute {
			continue
		}
		isPP := false
		for _, h := range t.HeadOf {
			isPP = isPP || h.Division == code
		}
		if !isPP {
			pp = t
			break
		}
	}
	require.NotNil(t, pp)
	pp.HeadOf = append(pp.HeadOf, gen.HeadAppointment{Division: code, Start: today})
	// 5. A pupil left last week.
	left := pupils[1]
	left.ExitDate = lsusync.DateOf(now().AddDate(0, 0, -7))

	rep := syncOnce(open())

	want := slices.Clone(baseline)
	want = append(want,
		line{Kind: lsusync.KindTeacher, Action: lsusync.ActionAdded, Key: newKey.String()},
		line{Kind: lsusync.KindClass, Action: lsusync.ActionUpdated, Class: code, Key: code, Changed: "Label;"},
		line{Kind: lsusync.KindStudent, Action: lsusync.ActionUpdated, Class: code, Key: corrected.ID, Changed: "LastName;"},
		line{Kind: lsusync.KindStudent, Action: lsusync.ActionLeft, Class: code, Key: left.ID},
	)
	// Every bilan of the class's present pupils gets the new teacher
	// (a division service reaches every pupil) and the new PP. The
	// service is French, whose programme gives the class its modalité:
	// a division's service keeps it whatever the pupils' options.
	subject := lsusync.SubjectKey{Code: div.Services[0].Subject, Modality: e.Modality(div.MEFs, div.Services[0].Subject)}
	require.Equal(t, lsusync.SubjectKey{Code: "020700", Modality: "S"}, subject)
	for _, p := range pupils {
		if p == left {
			continue
		}
		for _, per := range cfg.PeriodList() {
			key := lsusync.BilanKey{Student: p.ID, Period: per}.String()
			want = append(want, line{Kind: lsusync.KindBilan, Action: lsusync.ActionUpdated, Class: code, Key: key,
				Changed: "Acquis[" + subject.String() + "].Teachers;HeadTeachers;"})
		}
	}
	t.Logf("class %s: %d baseline lines, %d expected lines", code, len(baseline), len(want))
	got := changedLines(rep)
	sortLines(want)
	sortLines(got)
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("report of the second export (-want +got):\n%s", diff)
	}
	for _, it := range rep.Items {
		if it.Kind == lsusync.KindStudent && it.Key == corrected.ID {
			require.Equal(t, []lsusync.Change{{Field: "LastName", Before: trimmed(corrected.LastName[:len(corrected.LastName)-len("-CORRIGÉ")]), After: trimmed(corrected.LastName)}}, it.Changes)
		}
	}

	// Idempotent: the same export again changes nothing more.
	again := changedLines(syncOnce(open()))
	for _, l := range again {
		require.NotEqual(t, lsusync.ActionUpdated, l.Action, "second sync updated %+v", l)
		require.NotEqual(t, lsusync.ActionAdded, l.Action, "second sync added %+v", l)
	}
}

func trimmed(s string) string { return string(trimSpace([]byte(s))) }

// TestZeroHourOptionScenario: the fixtures' Nomenclature gives Latin
// (020700) to the MEF of 4e 1 only with CODE_MODALITE_ELECT F and HORAIRE
// 0.00, as real ones do for an option taught without hours of its own. A
// store whose bilans lack that modality (as the reader that kept only
// programmes with hours left them) is synchronised: the bilans of 4e 1
// take the modality F, and nothing else changes.
func TestZeroHourOptionScenario(t *testing.T) {
	ctx := context.Background()
	_, f := fixtureDir(t, nil)
	src, err := Open(ctx, f, numenOpts(f))
	require.NoError(t, err)
	today := lsusync.Date{Year: 2025, Month: time.November, Day: 28}
	now := func() time.Time { return time.Date(2025, time.November, 28, 12, 0, 0, 0, time.UTC) }
	want, err := gen.Init(ctx, src, lsusync.Trimesters(2025), today)
	require.NoError(t, err)

	// The source: Latin of 4e 1 has the modality F.
	data, err := src.Class(ctx, "4e 1")
	require.NoError(t, err)
	i := slices.IndexFunc(data.Services, func(s lsusync.Service) bool { return s.Subject.Code == "020700" })
	require.GreaterOrEqual(t, i, 0, "4e 1 has no Latin service")
	require.Equal(t, "F", data.Services[i].Subject.Modality)

	// The store before: the same, without the modality.
	before, err := gen.Init(ctx, src, lsusync.Trimesters(2025), today)
	require.NoError(t, err)
	var lacking []string
	for b := range before.Bilans {
		bl := &before.Bilans[b]
		for a := range bl.Acquis {
			if bl.Acquis[a].Subject.Code == "020700" && bl.Acquis[a].Subject.Modality == "F" {
				bl.Acquis[a].Subject.Modality = ""
				lacking = append(lacking, bl.Key().String())
			}
		}
	}
	require.NotEmpty(t, lacking, "no bilan has Latin with the modality F")
	store, err := memory.New(before)
	require.NoError(t, err)

	rep, err := lsusync.New(src, store, lsusync.Options{Now: now}).Sync(ctx)
	require.NoError(t, err)
	if diff := gocmp.Diff(want, store.Snapshot()); diff != "" {
		t.Errorf("store after the sync (-want +got):\n%s", diff)
	}
	var updated []string
	for _, it := range rep.Items {
		if it.Kind != lsusync.KindBilan || it.Action == lsusync.ActionUnchanged {
			continue
		}
		// The acquis is named by its new key: the stored one, 020700
		// without a modalité, took the subject's.
		want := []lsusync.Change{{Field: "Acquis[020700/F].Modality", Before: "", After: "F"}}
		if diff := gocmp.Diff(want, it.Changes); it.Action != lsusync.ActionUpdated || diff != "" {
			t.Errorf("bilan %s: %v (-want +got):\n%s", it.Key, it.Action, diff)
		}
		updated = append(updated, it.Key)
	}
	slices.Sort(lacking)
	slices.Sort(updated)
	if diff := gocmp.Diff(lacking, updated); diff != "" {
		t.Errorf("bilans updated (-want +got):\n%s", diff)
	}
}
