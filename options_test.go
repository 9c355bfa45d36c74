package lsusync_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// TestClassOrder checks that the report follows the order in which the
// classes were asked for, each once.
func TestClassOrder(t *testing.T) {
	rep, err := lsusync.New(fixtureSource(), newStore(t, fixtureStore()), lsusync.Options{Now: fixedNow, Concurrency: 4}).
		Sync(context.Background(), "3EME2", "3EME1", "3EME2")
	require.NoError(t, err)
	if diff := cmp.Diff([]string{"3EME2", "3EME1"}, rep.Classes); diff != "" {
		t.Errorf("Classes (-want +got):\n%s", diff)
	}
	var order []string
	for _, it := range rep.Items {
		if it.Kind == lsusync.KindClass {
			order = append(order, it.Key)
		}
	}
	if diff := cmp.Diff([]string{"3EME2", "3EME1"}, order); diff != "" {
		t.Errorf("class items (-want +got):\n%s", diff)
	}
	if !strings.Contains(rep.String(), "\nSynchronisation lancée pour : 3EME2, 3EME1\n") {
		t.Errorf("header:\n%s", rep)
	}
}

// TestLoggerHasNoPersonalData checks that the logger receives class codes
// and counts, never a pupil's data.
func TestLoggerHasNoPersonalData(t *testing.T) {
	logs, personal := syncLog(t, nil)
	if !strings.Contains(string(logs), `"class":"3EME1"`) {
		t.Errorf("the log does not name the classes:\n%s", logs)
	}
	checkLog(t, logs, personal)
}

// syncLog returns the JSON log of a sync of the fixture, a pupil renamed
// and one added, and the personal values of its pupils. With replace,
// the handler passes each attribute through it.
func syncLog(t *testing.T, replace func(groups []string, a slog.Attr) slog.Attr) ([]byte, []string) {
	t.Helper()
	var logs bytes.Buffer
	src := fixtureSource()
	c := class(src, "3EME1")
	c.Enrolments[0].Student.LastName = "ZÉPHYRIN"
	c.Enrolments = append(c.Enrolments, lsusync.Enrolment{Student: lsusync.Student{ID: "1003", Class: "3EME1", LastName: "NOUVELLET"}})
	_, err := lsusync.New(src, newStore(t, fixtureStore()), lsusync.Options{Now: fixedNow,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: replace}))}).Sync(context.Background())
	require.NoError(t, err)
	var personal []string
	for _, s := range append(students(), c.Enrolments[0].Student, c.Enrolments[2].Student) {
		personal = append(personal, s.ID, s.LastName, s.FirstName, s.FirstName2, s.INE, s.BirthDate.String())
	}
	return logs.Bytes(), personal
}

// checkLog reports each personal value that the JSON log shows: as a
// string or number of a record, not inside other digits, its times not
// searched.
func checkLog(t personaldata.TB, logs []byte, personal []string) {
	t.Helper()
	personaldata.CheckJSON(t, "the log", logs, personal, personaldata.Options{SkipMembers: []string{slog.TimeKey}})
}

// TestLoggerCheck checks the check of TestLoggerHasNoPersonalData: it
// passes whatever the time of the records, even one that holds a pupil's
// ID or birth date, and fails when a record shows a pupil's value.
func TestLoggerCheck(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2025, 12, 15, 5, 46, 56, 971910026, time.UTC), // holds 1002, as in issue 25
		time.Date(2025, 12, 15, 5, 46, 56, 100100200, time.UTC), // 1001 and 1002
		time.Date(2025, 12, 15, 5, 46, 56, 200110030, time.UTC), // 2001 and 1003
		time.Date(1002, 12, 15, 5, 46, 56, 0, time.UTC),         // 1002 between separators
		time.Date(2011, 3, 14, 0, 0, 0, 0, time.UTC),            // DUPONT's birth date
	} {
		t.Run(at.Format(time.RFC3339Nano), func(t *testing.T) {
			logs, personal := syncLog(t, func(groups []string, a slog.Attr) slog.Attr {
				if len(groups) == 0 && a.Key == slog.TimeKey {
					a.Value = slog.TimeValue(at)
				}
				return a
			})
			if !slices.ContainsFunc(personal, func(v string) bool { return strings.Contains(string(logs), v) }) {
				t.Fatalf("no personal value is a substring of the log: the case shows nothing\n%s", logs)
			}
			var r personaldata.Recorder
			checkLog(&r, logs, personal)
			if len(r.Errors) != 0 {
				t.Errorf("the check fails on a log that holds no personal data:\n%s", strings.Join(r.Errors, "\n"))
			}
		})
	}

	logs, personal := syncLog(t, nil)
	for _, record := range []func(*slog.Logger){
		func(l *slog.Logger) { l.Info("lsusync: pupil moved", "class", "3EME1", "student", "1002") },
		func(l *slog.Logger) { l.Info("lsusync: pupil 1003 added") },
		func(l *slog.Logger) { l.Info("lsusync: pupil", "id", 2001) },
		func(l *slog.Logger) { l.Info("lsusync: pupil", slog.Group("pupil", "name", "ZÉPHYRIN")) },
		func(l *slog.Logger) { l.Info("lsusync: pupil", "birth", "2011-03-14") },
		func(l *slog.Logger) { l.Info("lsusync: pupil", "err", "INE 1234567891B: refused") },
	} {
		var leak bytes.Buffer
		record(slog.New(slog.NewJSONHandler(&leak, nil)))
		var r personaldata.Recorder
		checkLog(&r, append(slices.Clip(logs), leak.Bytes()...), personal)
		if len(r.Errors) == 0 {
			t.Errorf("the check passes a log with the record %s", leak.Bytes())
		}
	}
}
