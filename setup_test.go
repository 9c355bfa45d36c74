package lsusync_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// withNewClass adds to the fixture's source a class 3EME3 that the store
// does not have, with one pupil in the Spanish group.
func withNewClass(s *memory.Source) {
	s.Classes = append(s.Classes, lsusync.ClassData{
		Code:  "3EME3",
		Label: "3EME 3",
		Enrolments: []lsusync.Enrolment{{Groups: []string{"3ESP"}, Student: lsusync.Student{
			ID: "3001", Class: "3EME3", LastName: "NOUVELLE", FirstName: "Inès", INE: "123456789EE"}}},
		Services: []lsusync.Service{
			{Subject: francais, Teachers: keys(epp102)},
			{Subject: espagnol, Group: "3ESP", Teachers: keys(epp102)},
		},
		HeadTeachers: []lsusync.HeadTeacher{{Teacher: epp102}},
	})
}

// TestNewClassSetUpThenFilled follows a class new in SIECLE through the
// year: reported and not synchronised, set up with its periods, then
// filled by the next sync with its pupil and their bilans.
func TestNewClassSetUpThenFilled(t *testing.T) {
	for _, mode := range storeModes {
		t.Run(mode.name, func(t *testing.T) {
			src := fixtureSource()
			withNewClass(src)
			mem := newStore(t, fixtureStore())
			s := lsusync.New(src, mode.wrap(&countingStore{Store: mem}), lsusync.Options{Now: fixedNow})
			ctx := context.Background()

			rep, err := s.Sync(ctx)
			require.NoError(t, err)
			wantItems := append(baseItems(), lsusync.Item{Status: lsusync.StatusWarning, Kind: lsusync.KindClass,
				Action: lsusync.ActionNotInStore, Class: "3EME3", Key: "3EME3"})
			want := &lsusync.Report{Classes: []string{"3EME1", "3EME2"}, Status: lsusync.StatusWarning, Items: wantItems}
			if diff := cmp.Diff(want, rep, reportOpts); diff != "" {
				t.Errorf("first report (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(sortedSnapshot(fixtureStore()), mem.Snapshot()); diff != "" {
				t.Errorf("a class to set up changed the store (-want +got):\n%s", diff)
			}

			// Selected alone, it is reported the same way.
			rep, err = s.Sync(ctx, "3EME3")
			require.NoError(t, err)
			if h := rep.Heading(); h != "Synchronisation lancée pour : aucune classe paramétrée dans LSU" {
				t.Errorf("heading of a sync of a class to set up: %q", h)
			}
			if len(rep.Items) < 1 || rep.Items[len(rep.Items)-1].Action != lsusync.ActionNotInStore {
				t.Errorf("a sync of a class to set up does not say so: %+v", rep.Items)
			}

			class, err := s.SetUpClass(ctx, "3EME3", lsusync.Semesters(2025))
			require.NoError(t, err)
			s1, s2 := lsusync.Semesters(2025)[0], lsusync.Semesters(2025)[1]
			wantClass := lsusync.Class{Code: "3EME3", Label: "3EME 3", Periods: []lsusync.Period{s1, s2}}
			if diff := cmp.Diff(wantClass, class, ignoreVersions); diff != "" {
				t.Errorf("SetUpClass (-want +got):\n%s", diff)
			}
			if class.Version == "" {
				t.Error("SetUpClass returned the class without its stored version")
			}

			rep, err = s.Sync(ctx, "3EME3")
			require.NoError(t, err)
			wantStore := fixtureStore()
			wantStore.Classes = append(wantStore.Classes, wantClass)
			wantStore.Students = append(wantStore.Students, src.Classes[2].Enrolments[0].Student)
			for _, p := range []lsusync.Period{s1, s2} {
				wantStore.Bilans = append(wantStore.Bilans, lsusync.Bilan{Student: "3001", Period: p, HeadTeachers: keys(epp102),
					Acquis: []lsusync.Acquis{acq(francais, epp102), acq(espagnol, epp102)}})
			}
			if diff := cmp.Diff(sortedSnapshot(wantStore), mem.Snapshot()); diff != "" {
				t.Errorf("store after the class was filled (-want +got):\n%s", diff)
			}
			if c := rep.Counts(); c.StudentsAdded != 1 || c.BilansAdded != 2 || c.Errors+c.Warnings != 0 {
				t.Errorf("counts of the sync that filled the class: %+v", c)
			}
		})
	}
}

// ignoreVersions compares records without their store versions.
var ignoreVersions = cmp.FilterPath(func(p cmp.Path) bool {
	return p.Last().Type() == reflect.TypeFor[lsusync.Version]()
}, cmp.Ignore())

// TestSetUpClassGivesPeriodsToAClassWithout checks that a class the store
// holds without periods, which blocks every sync, gets them and keeps its
// label; then syncs run again, and the next one gives the class's pupils
// their bilans of the new periods.
func TestSetUpClassGivesPeriodsToAClassWithout(t *testing.T) {
	before := fixtureStore()
	before.Classes[1].Periods = nil
	before.Classes[1].Label = "Label saisi dans LSU"
	// A class without periods has no bilans.
	before.Bilans = slices.DeleteFunc(before.Bilans, func(b lsusync.Bilan) bool { return b.Student == "2001" })
	mem := newStore(t, before)
	s := lsusync.New(fixtureSource(), mem, lsusync.Options{Now: fixedNow})
	ctx := context.Background()
	_, err := s.Sync(ctx)
	require.ErrorIs(t, err, lsusync.ErrPeriodsNotConfigured)

	class, err := s.SetUpClass(ctx, "3EME2", lsusync.Trimesters(2025))
	require.NoError(t, err)
	want := lsusync.Class{Code: "3EME2", Label: "Label saisi dans LSU", Periods: lsusync.Trimesters(2025)}
	if diff := cmp.Diff(want, class, ignoreVersions); diff != "" {
		t.Errorf("SetUpClass (-want +got):\n%s", diff)
	}
	rep, err := s.Sync(ctx)
	require.NoError(t, err, "Sync after the periods were set up")
	if c := rep.Counts(); c.BilansAdded != 3 || c.Errors+c.Warnings != 0 {
		t.Errorf("counts of the sync after the periods were set up: %+v, want 3 bilans added", c)
	}
	wantStore := before
	wantStore.Classes[1] = want
	wantStore.Classes[1].Label = "3EME 2" // a sync updates the label of a class from the exports
	for _, p := range lsusync.Trimesters(2025) {
		wantStore.Bilans = append(wantStore.Bilans, lsusync.Bilan{Student: "2001", Period: p, HeadTeachers: keys(epp101),
			Acquis: []lsusync.Acquis{acq(francais, epp101), acq(maths, epp100)}})
	}
	if diff := cmp.Diff(sortedSnapshot(wantStore), mem.Snapshot(), ignoreVersions); diff != "" {
		t.Errorf("store after the sync that filled the class (-want +got):\n%s", diff)
	}
}

// TestSetUpClassRefusals checks that SetUpClass refuses, writing nothing,
// what LSU's period settings would refuse.
func TestSetUpClassRefusals(t *testing.T) {
	t1, t2, t3 := lsusync.Trimesters(2025)[0], lsusync.Trimesters(2025)[1], lsusync.Trimesters(2025)[2]
	tests := []struct {
		name    string
		code    string
		periods []lsusync.Period
		source  func(*memory.Source)
		dryRun  bool
		want    error
	}{
		{"unknown to the source", "3EME9", lsusync.Trimesters(2025), nil, false, lsusync.ErrUnknownClass},
		{"already set up", "3EME1", lsusync.Trimesters(2025), nil, false, lsusync.ErrAlreadySetUp},
		{"no period", "3EME3", nil, withNewClass, false, lsusync.ErrInvalid},
		{"a period missing", "3EME3", []lsusync.Period{t1, t2}, withNewClass, false, lsusync.ErrInvalid},
		{"a period twice", "3EME3", []lsusync.Period{t1, t2, t2}, withNewClass, false, lsusync.ErrInvalid},
		{"two school years", "3EME3", []lsusync.Period{t1, t2, {Year: 2026, Index: 3, Count: 3}}, withNewClass, false, lsusync.ErrInvalid},
		{"trimesters and semesters", "3EME3", []lsusync.Period{t1, t3, lsusync.Semesters(2025)[1]}, withNewClass, false, lsusync.ErrInvalid},
		{"an invalid period", "3EME3", []lsusync.Period{{Year: 2025, Index: 0, Count: 1}}, withNewClass, false, lsusync.ErrInvalid},
		{"another school year than the store's classes", "3EME3", lsusync.Trimesters(2019), withNewClass, false, lsusync.ErrSchoolYear},
		{"wrong establishment", "3EME3", lsusync.Trimesters(2025), func(s *memory.Source) { withNewClass(s); s.School.UAI = "0750002B" }, false, lsusync.ErrWrongEstablishment},
		{"dry run", "3EME3", lsusync.Trimesters(2025), withNewClass, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := fixtureSource()
			if tc.source != nil {
				tc.source(src)
			}
			mem := newStore(t, fixtureStore())
			cs := &countingStore{Store: mem}
			class, err := lsusync.New(src, cs, lsusync.Options{DryRun: tc.dryRun}).SetUpClass(context.Background(), tc.code, tc.periods)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("SetUpClass error = %v, want %v", err, tc.want)
			}
			if tc.dryRun && (class.Code != tc.code || len(class.Periods) != 3) {
				t.Errorf("dry run SetUpClass = %+v, want the class it would store", class)
			}
			if n := cs.counts(); n.writes() != 0 {
				t.Errorf("refused SetUpClass wrote: %+v", n)
			}
			if diff := cmp.Diff(sortedSnapshot(fixtureStore()), mem.Snapshot()); diff != "" {
				t.Errorf("refused SetUpClass changed the store (-want +got):\n%s", diff)
			}
			if err != nil && lsusync.RefusalText(err) == "" {
				t.Error("no French text for the refusal")
			}
		})
	}
}

// TestRefusalText checks the French text of each refusal: it names the
// classes and establishments, suggests the nearest class, and ends by
// saying that nothing was written.
func TestRefusalText(t *testing.T) {
	tests := []struct {
		err  error
		want []string
	}{
		{&lsusync.ClassesError{Err: lsusync.ErrPeriodsNotConfigured, Classes: []string{"3EME1", "5 B"}},
			[]string{"doivent avoir été préalablement paramétrées", "Classes dont les périodes ne sont pas paramétrées : 3EME1, 5 B."}},
		{&lsusync.ClassesError{Err: lsusync.ErrUnknownClass, Classes: []string{"4e1"}, Known: []string{"3EME1", "4e 1", "4e 2"}},
			[]string{"La classe 4e1 n'existe pas", "Vouliez-vous dire « 4e 1 » au lieu de « 4e1 » ?", "Classes de la base élèves : 3EME1, 4e 1, 4e 2."}},
		{&lsusync.ClassesError{Err: lsusync.ErrUnknownClass, Classes: []string{"6EME9", "6EME8"}, Known: []string{"3EME1"}},
			[]string{"Ces classes n'existent pas dans la base élèves : 6EME9, 6EME8."}},
		{&lsusync.EstablishmentError{Source: "0750002B", Store: "0750001A"},
			[]string{"Les exports sont ceux de l'établissement 0750002B et LSU celui de l'établissement 0750001A"}},
		{&lsusync.YearError{Class: "3EME3", Given: 2019, Store: 2025},
			[]string{"La classe 3EME3 n'est pas paramétrée : les périodes données sont de l'année scolaire 2019-2020, celles des classes de LSU de l'année 2025-2026."}},
		{context.Canceled, []string{"interrompue"}},
		{context.DeadlineExceeded, []string{"interrompue"}},
		{lsusync.ErrConflict, []string{"relancez-la"}},
		{lsusync.ErrInvalid, []string{"incohérentes"}},
		{errors.New("disk full"), []string{"n'a pas pu être lancée"}},
	}
	for _, tc := range tests {
		got := lsusync.RefusalText(tc.err)
		for _, w := range append(tc.want, "Aucune modification n'a été enregistrée.") {
			if !strings.Contains(got, w) {
				t.Errorf("RefusalText(%v) = %q, want it to contain %q", tc.err, got, w)
			}
		}
	}
	if got := lsusync.RefusalText(nil); got != "" {
		t.Errorf("RefusalText(nil) = %q, want empty", got)
	}
}

func TestNearestClass(t *testing.T) {
	known := []string{"3EME1", "3EME2", "4e 1", "5 A", "6A"}
	tests := []struct{ code, want string }{
		{"4e1", "4e 1"},    // spaces ignored
		{"3eme1", "3EME1"}, // case ignored
		{"5-A", "5 A"},     // punctuation ignored
		{"6AA", "6A"},      // one letter too many
		{"3EME", ""},       // as near to 3EME1 as to 3EME2: no guess
		{"2NDE7", ""},      // nothing near
		{"3EME1", ""},      // known: nothing to suggest
	}
	for _, tc := range tests {
		if got := lsusync.NearestClass(tc.code, known); got != tc.want {
			t.Errorf("NearestClass(%q) = %q, want %q", tc.code, got, tc.want)
		}
	}
}

// noticingSource is a Source that reports notices about its files.
type noticingSource struct {
	*memory.Source
	notices []lsusync.Notice
	err     error
}

func (s noticingSource) Notices(context.Context) ([]lsusync.Notice, error) { return s.notices, s.err }

// TestSourceNotices checks that the notices of a NoticeSource open the
// report, with their status, and that a source that cannot give them
// stops the sync before any write.
func TestSourceNotices(t *testing.T) {
	notices := []lsusync.Notice{
		{Status: lsusync.StatusWarning, Message: "Le fichier Nomenclature.xml n'a pas été fourni : les modalités d'élection ne sont pas mises à jour.", Where: "Nomenclature.xml"},
		{Status: lsusync.StatusSuccess, Message: "2 personnels de type « dir » sont enregistrés comme « epp ».", Where: "sts_emp_0750001A_2025.xml",
			Records: []string{"dir:3", "dir:5001"}},
	}
	src := noticingSource{Source: fixtureSource(), notices: notices}
	rep, err := lsusync.New(src, newStore(t, fixtureStore()), lsusync.Options{Now: fixedNow}).Sync(context.Background())
	require.NoError(t, err)
	got := rep.Items[:2]
	want := []lsusync.Item{
		{Status: lsusync.StatusWarning, Kind: lsusync.KindSource, Action: lsusync.ActionNoticed, Key: "Nomenclature.xml", Note: notices[0].Message},
		{Status: lsusync.StatusSuccess, Kind: lsusync.KindSource, Action: lsusync.ActionNoticed, Key: "sts_emp_0750001A_2025.xml", Note: notices[1].Message,
			Records: []string{"dir:3", "dir:5001"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notice items (-want +got):\n%s", diff)
	}
	if rep.Status != lsusync.StatusWarning {
		t.Errorf("status %v, want warning", rep.Status)
	}
	// The warning is in the default text; the information, which holds at
	// every run, only on request.
	if text := rep.String(); !strings.Contains(text, "⚠      | "+notices[0].Message+"\n") || strings.Contains(text, notices[1].Message) {
		t.Errorf("the text does not show the warning notice, or shows the information:\n%s", text)
	}
	personaldata.Check(t, "the text", rep.String(), notices[1].Records, personaldata.Options{})
	var all strings.Builder
	require.NoError(t, rep.Write(&all, lsusync.TextOptions{Unchanged: true}))
	if !strings.Contains(all.String(), "✓      | "+notices[1].Message+"\n") {
		t.Errorf("the text with Unchanged does not show the information:\n%s", all.String())
	}
	personaldata.Check(t, "the text with Unchanged", all.String(), notices[1].Records, personaldata.Options{})
	var details strings.Builder
	require.NoError(t, rep.Write(&details, lsusync.TextOptions{Unchanged: true, Details: true}))
	if !strings.Contains(details.String(), "Concerne : dir:3, dir:5001\n") {
		t.Errorf("the details do not name the records of the notice:\n%s", details.String())
	}

	errRead := errors.New("cannot read the diagnostics")
	mem := newStore(t, fixtureStore())
	src.Source.School.Name = "AUTRE NOM"
	rep, err = lsusync.New(noticingSource{Source: src.Source, err: errRead}, mem, lsusync.Options{Now: fixedNow}).Sync(context.Background())
	if rep != nil || !errors.Is(err, errRead) {
		t.Errorf("Sync = %v, %v; want no report and %v", rep, err, errRead)
	}
	if diff := cmp.Diff(sortedSnapshot(fixtureStore()), mem.Snapshot()); diff != "" {
		t.Errorf("store changed (-want +got):\n%s", diff)
	}
}
