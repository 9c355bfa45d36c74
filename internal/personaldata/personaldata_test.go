package personaldata

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// values returns the values of found, in order.
func values(found []Found) []string {
	var vs []string
	for _, f := range found {
		vs = append(vs, f.Value)
	}
	return vs
}

func TestIn(t *testing.T) {
	tests := []struct {
		name   string
		output string
		values []string
		opts   Options
		want   []string // the values found, in the order of values
	}{
		// The two defects of issue 25: a random part that holds the
		// digits of a value, beside the same value really shown.
		{"a nanosecond timestamp holding an ID", `{"time":"2025-12-15T05:46:56.971910026Z","level":"INFO","msg":"lsusync: sync ended"}`,
			[]string{"1002", "1001"}, Options{}, nil},
		{"an ID in a log's field", `{"time":"2025-12-15T05:46:56.971910026Z","level":"INFO","student":"1002"}`,
			[]string{"1002", "1001"}, Options{}, []string{"1002"}},
		{"an ID as a text log's value", "time=2025-12-15T10:32:00.000+01:00 level=INFO msg=x student=1002\n",
			[]string{"1002"}, Options{}, []string{"1002"}},
		{"a folder x2014y", "lsusync: /tmp/x2014y/001/ExportXML_ElevesSansAdresses.zip:ElevesSansAdresses.xml:19: <DATE_NAISS>: written YYYY-MM-DD",
			[]string{"2014", "2014-07-10"}, Options{}, nil},
		{"a temporary folder's random digits", "/tmp/TestRefusalsbirth_date_written_YYYY-MM-DD3320142171/001/lsu.json: refused",
			[]string{"2014"}, Options{}, nil},
		{"the date printed", `<DATE_NAISS> (ELEVE_ID="148799"): value "2014-07-10" written YYYY-MM-DD`,
			[]string{"2014-07-10", "2014", "10/07/2014"}, Options{}, []string{"2014-07-10", "2014"}},
		{"the date printed in a folder x2014y", "/tmp/x2014y/e.zip: 10/07/2014 is not a date",
			[]string{"2014", "10/07/2014"}, Options{}, []string{"2014", "10/07/2014"}},
		{"a folder of the value's name", "/tmp/2014/e.zip: refused", []string{"2014"}, Options{}, []string{"2014"}},
		{"a folder of the value's name, named random", "/tmp/2014/e.zip: refused", []string{"2014"}, Options{Random: []string{"/tmp/2014"}}, nil},
		{"random parts removed the longest first", "/tmp/a/2014/e.zip: refused", []string{"2014"},
			Options{Random: []string{"/tmp/a", "/tmp/a/2014"}}, nil},
		{"the value beside a random part", "/tmp/a/e.zip: 2014", []string{"2014"}, Options{Random: []string{"/tmp/a/e.zip:"}}, []string{"2014"}},
		{"random parts do not glue their sides", "2014/tmp/ax", []string{"2014", "ax"}, Options{Random: []string{"/tmp/"}}, []string{"2014", "ax"}},
		{"a text log's time", "time=2025-12-15T10:32:00.148+01:00 level=INFO msg=x\n", []string{"32", "148"},
			Options{Patterns: []*regexp.Regexp{SlogTextTime}}, nil},
		{"a text log's time, not removed", "time=2025-12-15T10:32:00.148+01:00 level=INFO msg=x\n", []string{"32", "148"},
			Options{}, []string{"32", "148"}},
		{"a value of several words", "l'élève LE GOFF (3EME1) a changé", []string{"LE GOFF", "GOFF"}, Options{}, []string{"LE GOFF", "GOFF"}},
		{"a longer word", "LE GOFFIC, LEGOFF", []string{"LE GOFF", "GOFF"}, Options{}, nil},
		{"a field of a row", "3EME1 | 1002 | DUPONT\n", []string{"DUPONT", "1002", "3EME"}, Options{}, []string{"DUPONT", "1002"}},
		{"accented letters are letters", "«ZÉPHYRIN» Èves Léa", []string{"ZÉPHYRIN", "Ève", "Léa", "PHYRIN"}, Options{}, []string{"ZÉPHYRIN", "Léa"}},
		{"a combining accent is part of the word", "Le\u0301a", []string{"Le"}, Options{}, nil},
		{"the case counts", "PAUL", []string{"Paul"}, Options{}, nil},
		{"an apostrophe ends a word", "D'ARTAGNAN", []string{"D'ARTAGNAN", "ARTAGNAN"}, Options{}, []string{"D'ARTAGNAN", "ARTAGNAN"}},
		{"underscores and hyphens end a word", "&VILLE_NAISS; JEAN-PIERRE", []string{"VILLE", "PIERRE"}, Options{}, []string{"VILLE", "PIERRE"}},
		{"an INE", "INE=1000000048L.", []string{"1000000048L", "1000000048"}, Options{}, []string{"1000000048L"}},
		{"a value at both ends", "1002", []string{"1002"}, Options{}, []string{"1002"}},
		{"a value found after a glued occurrence", "11002 1002", []string{"1002"}, Options{}, []string{"1002"}},
		{"empty and repeated values", "x", []string{"", "x", "x"}, Options{}, []string{"x"}},
		{"a value that starts and ends with separators", "a (x) b", []string{"(x)"}, Options{}, []string{"(x)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := values(In(tc.output, tc.values, tc.opts)); !slices.Equal(got, tc.want) {
				t.Errorf("In(%q, %q) found %q, want %q", tc.output, tc.values, got, tc.want)
			}
		})
	}
}

func TestInSaysWhere(t *testing.T) {
	out := "first line\nsecond: " + strings.Repeat("a", 100) + " DUPONT " + strings.Repeat("b", 100) + "\nthird"
	found := In(out, []string{"DUPONT"}, Options{})
	want := Found{Value: "DUPONT", Where: "line 2", Context: "…" + strings.Repeat("a", 59) + " ⟦DUPONT⟧ " + strings.Repeat("b", 59) + "…"}
	if len(found) != 1 || found[0] != want {
		t.Fatalf("found %+v, want %+v", found, want)
	}
	if s := found[0].String(); !strings.HasPrefix(s, `"DUPONT" at line 2: …`) {
		t.Errorf("String() = %q", s)
	}
	f := In("/tmp/T123/001: x 2014", []string{"2014"}, Options{Random: []string{"/tmp/T123"}})
	if len(f) != 1 || f[0].Context != "…/001: x ⟦2014⟧" {
		t.Errorf("found %+v: want the random part shown as …", f)
	}
}

func TestInJSON(t *testing.T) {
	slogTime := Options{SkipMembers: []string{"time"}}
	tests := []struct {
		name   string
		output string
		values []string
		opts   Options
		want   []Found
	}{
		{"a nanosecond timestamp holding an ID", `{"time":"2025-12-15T05:46:56.971910026Z","level":"INFO","msg":"lsusync: sync ended","classes":2}` + "\n",
			[]string{"1002"}, slogTime, nil},
		{"a pupil's ID as a string", `{"time":"2025-12-15T05:46:56.971910026Z","msg":"x"}` + "\n" + `{"time":"t","class":"3EME1","student":"1002"}` + "\n",
			[]string{"1002"}, slogTime, []Found{{"1002", "record 2, member student", "⟦1002⟧"}}},
		{"a pupil's ID as a number", `{"student":1002}`, []string{"1002"}, slogTime, []Found{{"1002", "record 1, member student", "⟦1002⟧"}}},
		{"in a group and a list", `{"sync":{"ids":["1001","1002"]}}`, []string{"1002"}, slogTime, []Found{{"1002", "record 1, member sync.ids[1]", "⟦1002⟧"}}},
		{"in a top-level list", `["a", "DUPONT"]`, []string{"DUPONT"}, Options{}, []Found{{"DUPONT", "record 1, [1]", "⟦DUPONT⟧"}}},
		{"escaped", `{"msg":"l'\u00e9l\u00e8ve \u00c8ve"}`, []string{"Ève"}, Options{}, []Found{{"Ève", "record 1, member msg", "l'élève ⟦Ève⟧"}}},
		{"a member's name", `{"1002":true}`, []string{"1002"}, Options{}, []Found{{"1002", "record 1, the name of member 1002", "⟦1002⟧"}}},
		{"a skipped member, at any depth", `{"time":"1002","g":{"time":"1002"}}`, []string{"1002"}, slogTime, nil},
		{"a skipped member's content", `{"time":{"student":"1002"}}`, []string{"1002"}, slogTime, nil},
		{"a member not skipped", `{"time":"1002"}`, []string{"1002"}, Options{}, []Found{{"1002", "record 1, member time", "⟦1002⟧"}}},
		{"a random path in a string", `{"err":"/tmp/2014/x: refused"}`, []string{"2014"}, Options{Random: []string{"/tmp/2014"}}, nil},
		{"glued digits", `{"n":110025,"s":"x1002"}`, []string{"1002"}, Options{}, nil},
		{"each value once", `{"a":"1002","b":"1002"}`, []string{"1002"}, Options{}, []Found{{"1002", "record 1, member a", "⟦1002⟧"}}},
		{"nothing", "", []string{"1002"}, Options{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := InJSON([]byte(tc.output), tc.values, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("InJSON(%s, %q) = %+v, want %+v", tc.output, tc.values, got, tc.want)
			}
		})
	}
	if _, err := InJSON([]byte("{}\nnot JSON"), nil, Options{}); err == nil || !strings.Contains(err.Error(), "record 2") {
		t.Errorf("InJSON of a line that is not JSON: error %v, want one naming record 2", err)
	}
}

func TestCheck(t *testing.T) {
	var r Recorder
	Check(&r, "stderr", "lsusync: 2014-07-10 refused", []string{"2014-07-10", "DUPONT"}, Options{})
	if len(r.Errors) != 2 || !strings.Contains(r.Errors[0], `stderr shows the personal value "2014-07-10" at line 1: lsusync: ⟦2014-07-10⟧ refused`) ||
		!strings.Contains(r.Errors[1], "stderr in full:\nlsusync: 2014-07-10 refused") {
		t.Errorf("Check reported %q", r.Errors)
	}
	r = Recorder{}
	Check(&r, "stderr", "lsusync: refused", []string{"2014-07-10"}, Options{})
	if len(r.Errors) != 0 {
		t.Errorf("Check of an output without the value reported %q", r.Errors)
	}

	r = Recorder{}
	CheckJSON(&r, "the log", []byte(`{"student":"1002"}`), []string{"1002"}, Options{})
	if len(r.Errors) != 2 || !strings.Contains(r.Errors[0], `the log shows the personal value "1002" at record 1, member student`) {
		t.Errorf("CheckJSON reported %q", r.Errors)
	}
	r = Recorder{}
	CheckJSON(&r, "the log", []byte(`{"student":`), []string{"1002"}, Options{})
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0], "the log is not JSON") {
		t.Errorf("CheckJSON of a truncated log reported %q", r.Errors)
	}
}

// TestTempDirs checks that the folders of TempDirs hold the test's
// temporary folders, so that a message that names one is searched without
// its random part, whatever the system's temporary folder: from a folder
// named 2014, a message passes, and one that prints the date does not.
func TestTempDirs(t *testing.T) {
	dirs := TempDirs(t)
	if folder := t.TempDir(); !strings.HasPrefix(folder, dirs[0]+string(filepath.Separator)) {
		t.Fatalf("TempDirs %q does not hold the test's folder %s", dirs, folder)
	}
	t.Run("subtest", func(t *testing.T) {
		if sub := TempDirs(t); sub[0] == dirs[0] {
			t.Errorf("a subtest's TempDirs %q are its parent's", sub)
		}
	})

	// The temporary folders of the subtest in a folder named 2014, as
	// they are when TMPDIR names one.
	TempDirsIn(t, "2014")
	t.Run("from a folder named 2014", func(t *testing.T) {
		dirs := TempDirs(t)
		msg := filepath.Join(t.TempDir(), "ExportXML_ElevesSansAdresses.zip") + ":ElevesSansAdresses.xml:19: <DATE_NAISS>: written YYYY-MM-DD instead of DD/MM/YYYY"
		if !strings.Contains(msg, string(filepath.Separator)+"2014"+string(filepath.Separator)) {
			t.Fatalf("the test's folder is not in a folder named 2014: %s", msg)
		}
		vals := []string{"2014", "2014-07-10"}
		if found := In(msg, vals, Options{Random: dirs}); len(found) != 0 {
			t.Errorf("a message naming the test's folder: found %v", found)
		}
		if found := In(msg, vals, Options{}); !slices.Equal(values(found), []string{"2014"}) {
			t.Errorf("without the random parts removed, found %v: the test shows nothing", found)
		}
		if found := In(msg+`: "2014-07-10"`, vals, Options{Random: dirs}); !slices.Equal(values(found), vals) {
			t.Errorf("a message printing the date: found %v, want %q", found, vals)
		}
	})
}
