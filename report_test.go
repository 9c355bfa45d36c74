package lsusync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/internal/personaldata"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with the file testdata/name, or rewrites the file
// with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden files")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); run go test -update if the change is right:\n%s", path, diff)
	}
}

var errDisk = errors.New("disque plein")

// everyItem is a report with an item of every kind and action the
// synchronizer produces, with kept values, kept subjects and errors.
func everyItem() *lsusync.Report {
	s, w, e := lsusync.StatusSuccess, lsusync.StatusWarning, lsusync.StatusError
	it := func(st lsusync.Status, k lsusync.Kind, a lsusync.Action, class, key string) lsusync.Item {
		return lsusync.Item{Status: st, Kind: k, Action: a, Class: class, Key: key}
	}
	notice := it(w, lsusync.KindSource, lsusync.ActionNoticed, "", "Responsables.xml")
	notice.Note = "Le fichier Responsables.xml n'est pas lu : la synchronisation n'en a pas besoin."
	info := it(s, lsusync.KindSource, lsusync.ActionNoticed, "", "sts_emp_0750001A_2025.xml")
	info.Note = "2 personnels de type « dir » sont enregistrés comme « epp », seul type de direction que LSU accepte."
	info.Records = []string{`INDIVIDU TYPE="dir" ID="3"`, `INDIVIDU TYPE="dir" ID="930"`}
	estUpdated := it(s, lsusync.KindEstablishment, lsusync.ActionUpdated, "", uai)
	estUpdated.Changes = []lsusync.Change{ch("Name", "COLLEGE JEAN MOULIN", "COLLÈGE JEAN MOULIN"), ch("Address.Line2", "", "BÂTIMENT B")}
	estUpdated.Uncarried = []string{"HeadName", "Email"}
	tUpdated := it(s, lsusync.KindTeacher, lsusync.ActionUpdated, "", "epp:4189")
	tUpdated.Changes = []lsusync.Change{ch("LastName", "MARTIN", "MARTIN-DUBOIS")}
	tUpdated.Uncarried = []string{"NUMEN"}
	tUncarried := it(s, lsusync.KindTeacher, lsusync.ActionUnchanged, "", "epp:4190")
	tUncarried.Uncarried = []string{"NUMEN"}
	tKept := it(w, lsusync.KindTeacher, lsusync.ActionUnchanged, "", "epp:4192")
	tKept.Kept = []string{"FirstName"}
	tRejected := it(w, lsusync.KindTeacher, lsusync.ActionRejected, "", "vacataire:12")
	tRejected.Rejected = []lsusync.Rejection{{Field: "Type", Reason: lsusync.ReasonType}}
	cUpdated := it(s, lsusync.KindClass, lsusync.ActionUpdated, "3EME1", "3EME1")
	cUpdated.Changes = []lsusync.Change{ch("Label", "3EME 1", "3E1 EUROPE")}
	cKept := it(w, lsusync.KindClass, lsusync.ActionUnchanged, "3EME2", "3EME2")
	cKept.Kept = []string{"Label"}
	pUpdated := it(s, lsusync.KindStudent, lsusync.ActionUpdated, "3EME1", "1001")
	pUpdated.Changes = []lsusync.Change{ch("LastName", "DUPONT", "DUPOND"), ch("BirthDate", "2011-03-14", "2011-03-15")}
	pKept := it(w, lsusync.KindStudent, lsusync.ActionUnchanged, "3EME1", "1004")
	pKept.Kept = []string{"INE", "BirthDate"}
	pMoved := it(s, lsusync.KindStudent, lsusync.ActionMoved, "3EME1", "1006")
	pMoved.Changes = []lsusync.Change{ch("Class", "4EME2", "3EME1")}
	pMoved2 := it(s, lsusync.KindStudent, lsusync.ActionMoved, "3EME1", "1009")
	pMoved2.Changes = []lsusync.Change{ch("Class", "4EME2", "3EME1"), ch("FirstName", "Léa", "Léna")}
	pElsewhere := it(w, lsusync.KindStudent, lsusync.ActionGone, "3EME1", "1008")
	pElsewhere.Changes = []lsusync.Change{ch("Class", "3EME1", "3EME6")}
	pDup := it(w, lsusync.KindStudent, lsusync.ActionUnchanged, "3EME1", "1010")
	pDup.Rejected = []lsusync.Rejection{{Field: "INE", Reason: lsusync.ReasonDuplicate, Others: []string{"1011"}}}
	pFormat := it(w, lsusync.KindStudent, lsusync.ActionAdded, "3EME1", "1012")
	pFormat.Rejected = []lsusync.Rejection{{Field: "INE", Reason: lsusync.ReasonFormat}}
	bUpdated := it(s, lsusync.KindBilan, lsusync.ActionUpdated, "3EME1", "1001/2025-T1")
	bUpdated.Changes = []lsusync.Change{
		ch("Acquis[020700/S].Teachers", "epp:4189", "epp:4190"),
		ch("Acquis[030201/S]", "", "030201 ANGLAIS LV1"),
		ch("Acquis[061300/S]", "061300 MATHEMATIQUES", ""),
		ch("HeadTeachers", "epp:4189", "epp:4189, epp:4190"),
	}
	bKept := it(w, lsusync.KindBilan, lsusync.ActionUpdated, "3EME1", "1001/2025-T2")
	bKept.Changes = []lsusync.Change{ch("Acquis[020700/S].Teachers", "epp:4189", "epp:4190")}
	bKept.KeptSubjects = []string{"061300", "030602"}
	bKept.Kept = []string{"Acquis[020200/F].Teachers", "HeadTeachers"}
	bKept1 := it(w, lsusync.KindBilan, lsusync.ActionUnchanged, "3EME1", "1002/2025-S1")
	bKept1.KeptSubjects = []string{"061300"}
	failed := it(e, lsusync.KindClass, lsusync.ActionFailed, "3EME3", "3EME3")
	failed.Err = fmt.Errorf("lsusync: class %q: applying the changes: %w", "3EME3", errDisk)
	cancelled := it(e, lsusync.KindClass, lsusync.ActionFailed, "3EME4", "3EME4")
	cancelled.Err = context.Canceled
	conflict := it(e, lsusync.KindClass, lsusync.ActionFailed, "3EME7", "3EME7")
	conflict.Err = fmt.Errorf("lsusync: class %q: applying the changes: %w", "3EME7", lsusync.ErrConflict)
	lost := it(e, lsusync.KindStudent, lsusync.ActionFailed, "3EME5", "5001")
	lost.Err = fmt.Errorf("lsusync: committing the batch: %w", errDisk)
	lostBilan := it(e, lsusync.KindBilan, lsusync.ActionFailed, "3EME5", "5001/2025-P1/4")
	lostBilan.Err = lost.Err
	lostTeacher := it(e, lsusync.KindTeacher, lsusync.ActionFailed, "", "local:7")
	lostTeacher.Err = lost.Err
	lostEst := it(e, lsusync.KindEstablishment, lsusync.ActionFailed, "", uai)
	lostEst.Err = lost.Err
	return &lsusync.Report{
		Classes: []string{"3EME1", "3EME2", "3EME3", "3EME4", "3EME5", "3EME7"},
		Status:  e,
		Items: []lsusync.Item{
			notice,
			info,
			estUpdated,
			it(s, lsusync.KindEstablishment, lsusync.ActionUnchanged, "", uai),
			lostEst,
			tUpdated,
			it(s, lsusync.KindTeacher, lsusync.ActionAdded, "", "local:7"),
			it(s, lsusync.KindTeacher, lsusync.ActionUnchanged, "", "epp:4191"),
			tUncarried,
			tKept,
			tRejected,
			lostTeacher,
			cUpdated,
			pUpdated,
			it(s, lsusync.KindStudent, lsusync.ActionAdded, "3EME1", "1003"),
			it(s, lsusync.KindStudent, lsusync.ActionUnchanged, "3EME1", "1002"),
			pKept,
			it(w, lsusync.KindStudent, lsusync.ActionLeft, "3EME1", "1005"),
			pMoved,
			pMoved2,
			it(w, lsusync.KindStudent, lsusync.ActionGone, "3EME1", "1007"),
			pElsewhere,
			pDup,
			pFormat,
			bUpdated,
			bKept,
			bKept1,
			it(s, lsusync.KindBilan, lsusync.ActionUnchanged, "3EME1", "1002/2025-T1"),
			it(s, lsusync.KindBilan, lsusync.ActionLocked, "3EME1", "1002/2025-T2"),
			it(s, lsusync.KindBilan, lsusync.ActionImported, "3EME1", "1002/2025-T3"),
			it(s, lsusync.KindBilan, lsusync.ActionAdded, "3EME1", "1003/2025-T1"),
			it(s, lsusync.KindBilan, lsusync.ActionAdded, "3EME1", "1003/2025-T2"),
			cKept,
			it(s, lsusync.KindClass, lsusync.ActionUnchanged, "3EME2", "3EME2"),
			failed,
			cancelled,
			lost,
			lostBilan,
			conflict,
			it(w, lsusync.KindClass, lsusync.ActionNotInStore, "3EME6", "3EME6"),
			it(w, lsusync.KindClass, lsusync.ActionNotInSource, "5EME9", "5EME9"),
		},
	}
}

// syncedReport is the report of a real sync of the fixture with changes
// of every kind.
func syncedReport(t *testing.T, dry bool) *lsusync.Report {
	t.Helper()
	before := fixtureStore()
	bilan(&before, "1001", t1).Locked = true
	src := fixtureSource()
	src.School.Name = "COLLÈGE JEAN MOULIN"
	src.School.Phone = ""
	src.Staff[0].NUMEN = ""
	src.Staff[1].LastName = "MARTIN-DUBOIS"
	c := class(src, "3EME1")
	c.Label = "3E1 EUROPE"
	c.Services[0].Teachers = keys(epp102)
	c.Services = c.Services[1:] // 020700 leaves; 061300 and 030602 stay
	c.Services = append(c.Services, lsusync.Service{Subject: anglais, Teachers: keys(epp101)})
	c.Enrolments[1].Student.LastName = "LEROY-MARCHAND"
	c.Enrolments = append(c.Enrolments, lsusync.Enrolment{Student: lsusync.Student{ID: "1003", Class: "3EME1", LastName: "NOUVEAU"}})
	c2 := class(src, "3EME2")
	c2.Enrolments[0].ExitDate = date(2025, 10, 1)
	rep, err := lsusync.New(src, newStore(t, before), lsusync.Options{Now: fixedNow, DryRun: dry}).Sync(context.Background())
	require.NoError(t, err)
	return rep
}

func TestReportGolden(t *testing.T) {
	reports := []struct {
		name string
		rep  func(*testing.T) *lsusync.Report
	}{
		{"every_item", func(*testing.T) *lsusync.Report { return everyItem() }},
		{"every_item_dry_run", func(*testing.T) *lsusync.Report { r := everyItem(); r.DryRun = true; return r }},
		{"sync", func(t *testing.T) *lsusync.Report { return syncedReport(t, false) }},
		{"sync_dry_run", func(t *testing.T) *lsusync.Report { return syncedReport(t, true) }},
		// LSU's own example: a four-class synchronisation that updated
		// the establishment and two pupils shows three rows and the
		// closing one, nothing of what was already up to date.
		{"lsu_four_classes", func(t *testing.T) *lsusync.Report {
			g := gen.New(gen.Config{Seed: 3, Pupils: 100, Classes: 4})
			src := g.Source()
			st, err := memory.New(g.StoreSnapshot())
			require.NoError(t, err)
			src.School.Name += " (B)"
			src.Classes[0].Enrolments[0].Student.LastName += "-B"
			src.Classes[2].Enrolments[3].Student.FirstName += "-B"
			today := g.Config.Normalize().Today
			now := func() time.Time { return time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC) }
			r, err := lsusync.New(src, st, lsusync.Options{Now: now}).Sync(context.Background())
			require.NoError(t, err)
			require.Len(t, r.Lines(lsusync.TextOptions{}), 4, "three rows and the closing one")
			return r
		}},
		// The seed's example, line for line: a sync launched for four
		// classes where the establishment and two pupils of 3EME1
		// changed shows the establishment's row, one row per pupil,
		// and the closing row.
		{"seed_example", func(t *testing.T) *lsusync.Report { return seedExample(t) }},
		{"success", func(t *testing.T) *lsusync.Report {
			r, err := lsusync.New(fixtureSource(), newStore(t, fixtureStore()), lsusync.Options{Now: fixedNow}).
				Sync(context.Background(), "3EME2")
			require.NoError(t, err)
			return r
		}},
	}
	for _, tc := range reports {
		t.Run(tc.name, func(t *testing.T) {
			rep := tc.rep(t)
			var text bytes.Buffer
			require.NoError(t, rep.WriteText(&text))
			if rep.String() != text.String() {
				t.Errorf("String() differs from WriteText:\n%s", rep.String())
			}
			golden(t, tc.name+".txt", text.Bytes())

			var details bytes.Buffer
			require.NoError(t, rep.WriteDetails(&details))
			golden(t, tc.name+".details.txt", details.Bytes())

			var all bytes.Buffer
			require.NoError(t, rep.Write(&all, lsusync.TextOptions{Unchanged: true}))
			golden(t, tc.name+".unchanged.txt", all.Bytes())

			var grouped bytes.Buffer
			require.NoError(t, rep.Write(&grouped, lsusync.TextOptions{Group: true}))
			golden(t, tc.name+".grouped.txt", grouped.Bytes())

			js, err := json.MarshalIndent(rep, "", "  ")
			require.NoError(t, err)
			golden(t, tc.name+".json", append(js, '\n'))

			// JSON round trip: everything survives, errors as their text.
			var back lsusync.Report
			require.NoError(t, json.Unmarshal(js, &back))
			if diff := cmp.Diff(rep, &back, cmp.Comparer(func(a, b error) bool {
				return (a == nil) == (b == nil) && (a == nil || a.Error() == b.Error())
			})); diff != "" {
				t.Errorf("JSON round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// seedExample is the synchronisation of the seed's example: four classes,
// 3EME1 to 3EME4, of which the establishment and two pupils of 3EME1
// changed in the exports.
func seedExample(t *testing.T) *lsusync.Report {
	t.Helper()
	store, src := fixtureStore(), fixtureSource()
	for _, code := range []string{"3EME3", "3EME4"} {
		store.Classes = append(store.Classes, lsusync.Class{Code: code, Label: code, Periods: []lsusync.Period{t1, t2}})
		src.Classes = append(src.Classes, lsusync.ClassData{Code: code, Label: code,
			Services: []lsusync.Service{{Subject: francais, Teachers: keys(epp100)}}})
	}
	src.School.Name = "COLLÈGE JEAN MOULIN"
	c := class(src, "3EME1")
	c.Enrolments[0].Student.LastName = "DUPOND"
	c.Enrolments[1].Student.FirstName2 = "Jean-Louis"
	rep, err := lsusync.New(src, newStore(t, store), lsusync.Options{Now: fixedNow}).Sync(context.Background(), "3EME1", "3EME2", "3EME3", "3EME4")
	require.NoError(t, err)
	return rep
}

// TestSeedExample checks the rows of the seed's example as the seed shows
// them; TestReportGolden has the whole text.
func TestSeedExample(t *testing.T) {
	var got []string
	for _, l := range seedExample(t).Lines(lsusync.TextOptions{}) {
		got = append(got, l.Message)
	}
	want := []string{
		"L'établissement a bien été mis à jour",
		"L'élève (3EME1) a été mis à jour.",
		"L'élève (3EME1) a été mis à jour.",
		"La synchronisation s'est déroulée avec succès.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

// TestItemNames checks that each item of a pupil or a teacher carries the
// name of its person, whatever happened to the record, and the other
// items none.
func TestItemNames(t *testing.T) {
	before := fixtureStore()
	before.Students = append(before.Students, lsusync.Student{ID: "1009", Class: "3EME1", LastName: "ANCIEN", FirstName: "Léo"})
	src := fixtureSource()
	src.Staff = append(src.Staff, lsusync.Teacher{Key: lsusync.TeacherKey{Type: "local", ID: "7"}, LastName: "NEUF", FirstName: "Zoé"},
		lsusync.Teacher{Key: lsusync.TeacherKey{Type: "vacataire", ID: "8"}, Civility: "M", LastName: "REFUSÉ"})
	c := class(src, "3EME1")
	c.Enrolments[0].Student.LastName = "DUPOND"
	c.Enrolments = append(c.Enrolments, lsusync.Enrolment{Student: lsusync.Student{ID: "1003", Class: "3EME1", LastName: "NOUVEAU", FirstName: "Noé"}})
	c2 := class(src, "3EME2")
	c2.Enrolments[0].ExitDate = date(2025, 10, 1)
	rep, err := lsusync.New(src, newStore(t, before), lsusync.Options{Now: fixedNow}).Sync(context.Background())
	require.NoError(t, err)
	got := map[string]string{}
	for _, it := range rep.Items {
		got[it.Kind.String()+" "+it.Key+" "+it.Action.String()] = it.Name
	}
	want := map[string]string{
		"establishment 0750001A unchanged": "",
		"teacher epp:100 unchanged":        "M. DURAND Paul",
		"teacher epp:101 unchanged":        "Mme MARTIN Claire",
		"teacher epp:102 unchanged":        "Mme LOPEZ Ana",
		"teacher local:7 added":            "NEUF Zoé",
		"teacher vacataire:8 rejected":     "M. REFUSÉ",
		"class 3EME1 unchanged":            "",
		"student 1001 updated":             "DUPOND Marie",
		"student 1002 unchanged":           "LEROY Hugo",
		"student 1003 added":               "NOUVEAU Noé",
		"student 1009 gone":                "ANCIEN Léo",
		"class 3EME2 unchanged":            "",
		"student 2001 left":                "PETIT Lina",
	}
	for k, v := range got {
		if strings.HasPrefix(k, "bilan ") && v != "" {
			t.Errorf("%s: name %q, want none", k, v)
		}
		if strings.HasPrefix(k, "bilan ") {
			delete(got, k)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

// TestReportTextHasNoPersonalData syncs pupils whose every field changes
// and checks that the default text names none of their values, while the
// detailed text does.
func TestReportTextHasNoPersonalData(t *testing.T) {
	src := fixtureSource()
	c := class(src, "3EME1")
	c.Enrolments[0].Student = lsusync.Student{ID: "1001", Class: "3EME1", INE: "9876543210Z",
		LastName: "ZÉPHYRIN", UsageName: "QUÉRÉ", FirstName: "Anaïs", FirstName2: "Bérénice", FirstName3: "Clothilde",
		BirthDate: date(2011, 4, 1), Sex: lsusync.Male}
	c.Enrolments = append(c.Enrolments, lsusync.Enrolment{Student: lsusync.Student{ID: "1003", Class: "3EME1",
		INE: "1111111111X", LastName: "NOUVELLET", FirstName: "Timothée", BirthDate: date(2012, 2, 29)}})
	c.Enrolments[1].ExitDate = date(2025, 1, 1)
	c.Enrolments[1].Student.LastName = "PARTI"
	rep, err := lsusync.New(src, newStore(t, fixtureStore()), lsusync.Options{Now: fixedNow}).Sync(context.Background())
	require.NoError(t, err)
	text, details := rep.String(), detailsOf(t, rep)

	var personal []string
	for _, s := range append(students(), c.Enrolments[0].Student, c.Enrolments[2].Student, c.Enrolments[1].Student) {
		personal = append(personal, s.INE, s.LastName, s.UsageName, s.FirstName, s.FirstName2, s.FirstName3,
			s.BirthDate.String(), s.ID)
	}
	personaldata.Check(t, "the report text", text, personal, personaldata.Options{})
	for _, p := range []string{"ZÉPHYRIN", "9876543210Z", "2011-04-01", "1003"} {
		if !strings.Contains(details, p) {
			t.Errorf("the detailed text lacks %q:\n%s", p, details)
		}
	}
}

func detailsOf(t *testing.T, r *lsusync.Report) string {
	var b strings.Builder
	require.NoError(t, r.WriteDetails(&b))
	return b.String()
}

func TestReportErr(t *testing.T) {
	errA := fmt.Errorf("lsusync: class %q: applying the changes: %w", "3EME1", lsusync.ErrLocked)
	errB := fmt.Errorf("lsusync: committing the batch: %w", errDisk)
	failed := func(class string, err error) lsusync.Item {
		return lsusync.Item{Status: lsusync.StatusError, Kind: lsusync.KindClass, Action: lsusync.ActionFailed,
			Class: class, Key: class, Err: err}
	}
	tests := []struct {
		name  string
		items []lsusync.Item
		want  string // "" for a nil error
		is    []error
	}{
		{name: "no item", items: nil},
		{name: "warnings only", items: []lsusync.Item{
			{Status: lsusync.StatusWarning, Kind: lsusync.KindStudent, Action: lsusync.ActionGone, Class: "3EME1", Key: "1002"},
		}},
		{name: "one failed class", items: []lsusync.Item{failed("3EME1", errA)},
			want: errA.Error(), is: []error{lsusync.ErrLocked}},
		{name: "two causes, each once", items: []lsusync.Item{
			failed("3EME1", errA), failed("3EME2", errB), failed("3EME3", errB), failed("3EME4", errA),
		}, want: errA.Error() + "\n" + errB.Error(), is: []error{lsusync.ErrLocked, errDisk}},
		{name: "cancelled", items: []lsusync.Item{failed("3EME1", context.Canceled), failed("3EME2", context.Canceled)},
			want: context.Canceled.Error(), is: []error{context.Canceled}},
		{name: "errors of a value type, each joined", items: []lsusync.Item{
			failed("3EME1", codeError{"E1"}), failed("3EME2", codeError{"E1"}),
		}, want: "code E1\ncode E1", is: []error{codeError{"E1"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &lsusync.Report{Items: tc.items}
			err := r.Err()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Err() = %v, want nil", err)
				}
				return
			}
			require.Error(t, err)
			if err.Error() != tc.want {
				t.Errorf("Err() = %q, want %q", err, tc.want)
			}
			for _, target := range tc.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(Err(), %v) = false", target)
				}
			}
		})
	}
}

// codeError is an error of a value type.
type codeError struct{ code string }

func (e codeError) Error() string { return "code " + e.code }

func TestReportCounts(t *testing.T) {
	want := lsusync.Counts{Updated: 6, Added: 5, Unchanged: 11, Warnings: 14, Errors: 7, Locked: 1, Imported: 1,
		StudentsUpdated: 1, StudentsAdded: 2, StudentsMoved: 2, TeachersUpdated: 1, TeachersAdded: 1, BilansUpdated: 2, BilansAdded: 2}
	if diff := cmp.Diff(want, everyItem().Counts()); diff != "" {
		t.Errorf("Counts (-want +got):\n%s", diff)
	}
}

func TestEnumText(t *testing.T) {
	type enum interface {
		fmt.Stringer
		MarshalText() ([]byte, error)
	}
	tests := []struct {
		v    enum
		want string
		back func([]byte) (any, error)
	}{
		{lsusync.StatusSuccess, "success", nil},
		{lsusync.StatusWarning, "warning", nil},
		{lsusync.StatusError, "error", nil},
		{lsusync.KindEstablishment, "establishment", nil},
		{lsusync.KindTeacher, "teacher", nil},
		{lsusync.KindClass, "class", nil},
		{lsusync.KindStudent, "student", nil},
		{lsusync.KindBilan, "bilan", nil},
		{lsusync.ActionUnchanged, "unchanged", nil},
		{lsusync.ActionUpdated, "updated", nil},
		{lsusync.ActionAdded, "added", nil},
		{lsusync.ActionGone, "gone", nil},
		{lsusync.ActionLeft, "left", nil},
		{lsusync.ActionLocked, "locked", nil},
		{lsusync.ActionImported, "imported", nil},
		{lsusync.ActionFailed, "failed", nil},
		{lsusync.ActionNotInSource, "not-in-source", nil},
		{lsusync.ActionMoved, "moved", nil},
		{lsusync.ActionNotInStore, "not-in-store", nil},
		{lsusync.ActionNoticed, "noticed", nil},
		{lsusync.KindSource, "source", nil},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.v.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			b, err := tc.v.MarshalText()
			require.NoError(t, err)
			if string(b) != tc.want {
				t.Errorf("MarshalText() = %q, want %q", b, tc.want)
			}
			var back any
			switch tc.v.(type) {
			case lsusync.Status:
				var s lsusync.Status
				err, back = s.UnmarshalText(b), s
			case lsusync.Kind:
				var k lsusync.Kind
				err, back = k.UnmarshalText(b), k
			case lsusync.Action:
				var a lsusync.Action
				err, back = a.UnmarshalText(b), a
			}
			require.NoError(t, err)
			if back != tc.v {
				t.Errorf("UnmarshalText(%q) = %v, want %v", b, back, tc.v)
			}
		})
	}

	// Out of range values: a readable String, an error for the text forms.
	if got := lsusync.Action(42).String(); got != "Action(42)" {
		t.Errorf("Action(42).String() = %q", got)
	}
	if _, err := lsusync.Status(-1).MarshalText(); !errors.Is(err, lsusync.ErrInvalid) {
		t.Errorf("Status(-1).MarshalText() error = %v, want ErrInvalid", err)
	}
	if _, err := json.Marshal(lsusync.Item{Kind: 9}); err == nil {
		t.Errorf("json.Marshal of an Item of Kind 9: no error")
	}
	var k lsusync.Kind
	if err := k.UnmarshalText([]byte("Teacher")); !errors.Is(err, lsusync.ErrInvalid) {
		t.Errorf("UnmarshalText(Teacher) error = %v, want ErrInvalid (words are lowercase)", err)
	}
	var it lsusync.Item
	if err := json.Unmarshal([]byte(`{"status":"ok","kind":"class","action":"updated","key":"3EME1"}`), &it); err == nil {
		t.Errorf("json.Unmarshal of status \"ok\": no error")
	}
}

// TestItemJSON checks the JSON form of an item: lowercase words and the
// error as a string field.
func TestItemJSON(t *testing.T) {
	it := lsusync.Item{Status: lsusync.StatusError, Kind: lsusync.KindClass, Action: lsusync.ActionFailed,
		Class: "3EME1", Key: "3EME1", Err: fmt.Errorf("lsusync: class %q: %w", "3EME1", errDisk)}
	b, err := json.Marshal(it)
	require.NoError(t, err)
	want := `{"status":"error","kind":"class","action":"failed","class":"3EME1","key":"3EME1","error":"lsusync: class \"3EME1\": disque plein"}`
	if string(b) != want {
		t.Errorf("json.Marshal:\n got %s\nwant %s", b, want)
	}
	b, err = json.Marshal(&lsusync.Item{Kind: lsusync.KindTeacher, Key: "epp:1"})
	require.NoError(t, err)
	want = `{"status":"success","kind":"teacher","action":"unchanged","key":"epp:1"}`
	if string(b) != want {
		t.Errorf("json.Marshal:\n got %s\nwant %s", b, want)
	}
}

// FuzzReportJSON decodes arbitrary JSON as a Report: a Report that decodes
// encodes again to the same Report, and renders without panicking.
func FuzzReportJSON(f *testing.F) {
	for _, name := range []string{"every_item.json", "sync.json", "success.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"items":[{"status":"error","kind":"class","action":"failed","key":"3EME1","error":""}]}`))
	f.Add([]byte(`{"items":[{"kind":"bilan","key":"/-","action":"locked"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r lsusync.Report
		if json.Unmarshal(data, &r) != nil {
			return
		}
		b, err := json.Marshal(&r)
		if err != nil {
			t.Fatalf("a decoded report does not encode: %v", err)
		}
		var back lsusync.Report
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("an encoded report does not decode: %v\n%s", err, b)
		}
		// An empty list and an absent one are the same report: JSON
		// omits both.
		if diff := cmp.Diff(&r, &back, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b error) bool {
			return (a == nil) == (b == nil) && (a == nil || a.Error() == b.Error())
		})); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		_ = r.String()
		_ = detailsOf(t, &r)
		_ = r.Err()
		_ = r.Counts()
	})
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDisk }

func TestReportWriteError(t *testing.T) {
	r := everyItem()
	if err := r.WriteText(failingWriter{}); !errors.Is(err, errDisk) {
		t.Errorf("WriteText error = %v, want errDisk", err)
	}
	if err := r.WriteDetails(failingWriter{}); !errors.Is(err, errDisk) {
		t.Errorf("WriteDetails error = %v, want errDisk", err)
	}
}
