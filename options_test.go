package lsusync_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
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
	var logs bytes.Buffer
	src := fixtureSource()
	c := class(src, "3EME1")
	c.Enrolments[0].Student.LastName = "ZÉPHYRIN"
	c.Enrolments = append(c.Enrolments, lsusync.Enrolment{Student: lsusync.Student{ID: "1003", Class: "3EME1", LastName: "NOUVELLET"}})
	_, err := lsusync.New(src, newStore(t, fixtureStore()), lsusync.Options{Now: fixedNow,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}).Sync(context.Background())
	require.NoError(t, err)
	if !strings.Contains(logs.String(), `"class":"3EME1"`) {
		t.Errorf("the log does not name the classes:\n%s", logs.String())
	}
	for _, s := range append(students(), c.Enrolments[0].Student, c.Enrolments[2].Student) {
		for _, p := range []string{s.ID, s.LastName, s.FirstName, s.INE, s.BirthDate.String()} {
			if p != "" && strings.Contains(logs.String(), p) {
				t.Errorf("the log holds %q:\n%s", p, logs.String())
			}
		}
	}
}
