package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	err := run([]string{"-dir", dir, "-pupils", "60", "-classes", "4", "-teachers", "20", "-seed", "9", "-zip"}, &out, &errb)
	require.NoError(t, err)
	want := []string{"ExportXML_ElevesSansAdresses.zip", "ExportCommuns.zip", "Structures.zip", "Nomenclature.zip", "sts_emp_0750001A_2025.xml"}
	lines := strings.Fields(out.String())
	require.Len(t, lines, len(want))
	for i, name := range want {
		if lines[i] != filepath.Join(dir, name) {
			t.Errorf("line %d: %q, want %q", i, lines[i], filepath.Join(dir, name))
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "-dir is required"},
		{[]string{"-dir", t.TempDir(), "-pupils", "-3"}, "-pupils: -3 is negative"},
		{[]string{"-dir", t.TempDir(), "-periods", "4"}, "-periods: 4, want 3 or 2"},
		{[]string{"-dir", t.TempDir(), "extra"}, "unexpected arguments"},
		{[]string{"-nope"}, "flag provided but not defined"},
	} {
		var out, errb bytes.Buffer
		err := run(tc.args, &out, &errb)
		if err == nil || !strings.Contains(err.Error()+errb.String(), tc.want) {
			t.Errorf("run(%q): error %v (stderr %q), want %q", tc.args, err, errb.String(), tc.want)
		}
	}
}
