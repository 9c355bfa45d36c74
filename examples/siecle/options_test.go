package siecle

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// elevesDoc returns a BEE_ELEVES document whose DONNEES hold body, each
// part on its own line, so that errors give the line of a part.
func elevesDoc(body ...string) string {
	return `<?xml version="1.0" encoding="ISO-8859-15"?>` + "\n<BEE_ELEVES VERSION=\"3.0\"><PARAMETRES><UAJ>0750001A</UAJ></PARAMETRES><DONNEES>\n" +
		strings.Join(body, "\n") + "\n</DONNEES></BEE_ELEVES>\n"
}

// option returns an OPTIONS_ELEVE; an argument "-" leaves its element out.
func option(num, modality, subject string) string {
	s := "<OPTIONS_ELEVE>"
	if num != "-" {
		s += "<NUM_OPTION>" + num + "</NUM_OPTION>"
	}
	if modality != "-" {
		s += "<CODE_MODALITE_ELECT>" + modality + "</CODE_MODALITE_ELECT>"
	}
	if subject != "-" {
		s += "<CODE_MATIERE>" + subject + "</CODE_MATIERE>"
	}
	return s + "</OPTIONS_ELEVE>"
}

func pupilOptions(id string, opts ...string) string {
	return `<OPTION ELEVE_ID="` + id + `" ELENOET="1">` + strings.Join(opts, "") + `</OPTION>`
}

// pupilsElement lists pupils with nothing but their ELEVE_ID.
func pupilsElement(ids ...string) string {
	s := "<ELEVES>"
	for _, id := range ids {
		s += `<ELEVE ELEVE_ID="` + id + `"><NOM_DE_FAMILLE>X</NOM_DE_FAMILLE></ELEVE>`
	}
	return s + "</ELEVES>"
}

func keys(pairs ...string) []lsusync.SubjectKey {
	var out []lsusync.SubjectKey
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, lsusync.SubjectKey{Code: pairs[i], Modality: pairs[i+1]})
	}
	return out
}

// TestPupilOptions reads OPTIONS as SIECLE writes them and as it may: the
// options of each pupil are the subjects with a modalité LSU accepts, in
// NUM_OPTION order.
func TestPupilOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		body []string
		want map[string][]lsusync.SubjectKey // by ELEVE_ID; a pupil absent has none
	}{
		{"after the pupils, as SIECLE writes them", []string{
			pupilsElement("1", "2"),
			"<OPTIONS>" + pupilOptions("1", option("1", "O", "030201"), option("2", "O", "030602"), option("3", "F", "020300")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("030201", "O", "030602", "O", "020300", "F")}},
		{"before the pupils", []string{
			"<OPTIONS>" + pupilOptions("2", option("1", "F", "020300")) + "</OPTIONS>",
			pupilsElement("1", "2"),
		}, map[string][]lsusync.SubjectKey{"2": keys("020300", "F")}},
		{"in NUM_OPTION order, equal ranks in file order", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", option("3", "F", "020300"), option("1", "O", "030201"), option("2", "O", "030602"),
				option("2", "F", "020400")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("030201", "O", "030602", "O", "020400", "F", "020300", "F")}},
		{"NUM_OPTION as a number, not as text", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", option("10", "F", "020300"), option("9", "O", "030201"), option(" 002 ", "O", "030602")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("030602", "O", "030201", "O", "020300", "F")}},
		{"no NUM_OPTION: after those that have one, in file order", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", option("-", "F", "020300"), option("2", "O", "030602"), option("", "F", "020400"),
				option("1", "O", "030201")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("030201", "O", "030602", "O", "020300", "F", "020400", "F")}},
		{"every modalité LSU accepts", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", option("1", "S", "030201"), option("2", "O", "030602"), option("3", "F", "020300"),
				option("4", "L", "030101"), option("5", "R", "030102"), option("6", "X", "030202"), option("7", "D", "020400")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("030201", "S", "030602", "O", "020300", "F", "030101", "L", "030102", "R", "030202", "X", "020400", "D")}},
		{"modalité N, empty, absent or unknown: left out", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", option("1", "N", "030201"), option("2", "", "030602"), option("3", "-", "020300"),
				option("4", "Z", "020400"), option("5", "o", "030101"), option("6", "F", "030202")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("030202", "F")}},
		{"no subject code: left out", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", option("1", "O", ""), option("2", "O", "-"), option("3", "O", "   "), option("4", "F", "020300")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("020300", "F")}},
		{"every option left out: none", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", option("1", "N", "030201")) + "</OPTIONS>",
		}, nil},
		{"an OPTION without OPTIONS_ELEVE", []string{
			pupilsElement("1"),
			`<OPTIONS><OPTION ELEVE_ID="1"/></OPTIONS>`,
		}, nil},
		{"values trimmed", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", option(" 1 ", " F ", " 020300 ")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("020300", "F")}},
		{"the same subject twice, kept as written", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", option("2", "F", "030201"), option("1", "O", "030201")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("030201", "O", "030201", "F")}},
		{"an OPTION of a pupil the file does not list", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("7", option("1", "F", "020300")) + "</OPTIONS>",
		}, nil},
		{"leading zeros of ELEVE_ID kept", []string{
			pupilsElement("00123", "123"),
			"<OPTIONS>" + pupilOptions("00123", option("1", "F", "020300")) + pupilOptions("123", option("1", "O", "030602")) + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"00123": keys("020300", "F"), "123": keys("030602", "O")}},
		{"elements SIECLE may add, skipped", []string{
			pupilsElement("1"),
			"<OPTIONS>" + pupilOptions("1", "<OPTIONS_ELEVE><LIBELLE>LATIN</LIBELLE><NUM_OPTION>1</NUM_OPTION><CODE_MODALITE_ELECT>F</CODE_MODALITE_ELECT>"+
				"<!-- c --><CODE_MATIERE>020300</CODE_MATIERE></OPTIONS_ELEVE>") + "</OPTIONS>",
		}, map[string][]lsusync.SubjectKey{"1": keys("020300", "F")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ReadEleves(context.Background(), strings.NewReader(elevesDoc(tc.body...)), "ElevesSansAdresses.xml", Options{})
			require.NoError(t, err)
			got := make(map[string][]lsusync.SubjectKey)
			for _, e := range p.Enrolments {
				if e.Options != nil {
					got[e.Student.ID] = e.Options
				}
			}
			want := tc.want
			if want == nil {
				want = map[string][]lsusync.SubjectKey{}
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPupilOptionRefusals: what cannot be an option is refused, naming the
// file, the line, the element and the pupil's ELEVE_ID, never the value:
// a pupil's choices are their data.
func TestPupilOptionRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		body []string
		want []string // substrings of the message
		not  []string // values the message must not show
	}{
		{"two OPTION elements for one pupil", []string{
			pupilsElement("124"),
			"<OPTIONS>",
			pupilOptions("124", option("1", "F", "020300")),
			pupilOptions("124", option("1", "O", "030602")),
			"</OPTIONS>",
		}, []string{"ElevesSansAdresses.xml:6:", "<OPTION@ELEVE_ID>", `ELEVE_ID="124"`, "two OPTION elements for one pupil"}, []string{"020300", "030602"}},
		{"two OPTION elements for a pupil listed after them", []string{
			"<OPTIONS>",
			pupilOptions("124", option("1", "F", "020300")),
			pupilOptions("124", option("1", "O", "030602")),
			"</OPTIONS>",
			pupilsElement("124"),
		}, []string{"ElevesSansAdresses.xml:5:", `ELEVE_ID="124"`, "two OPTION elements"}, []string{"020300", "030602"}},
		{"NUM_OPTION not a number", []string{
			"<OPTIONS>",
			pupilOptions("124", option("1b", "F", "020300")),
			"</OPTIONS>",
		}, []string{"ElevesSansAdresses.xml:4:", "<NUM_OPTION>", `ELEVE_ID="124"`, `written "9A"`}, []string{"1b", "020300"}},
		{"NUM_OPTION too long", []string{
			"<OPTIONS>",
			pupilOptions("124", option("1234567", "F", "020300")),
			"</OPTIONS>",
		}, []string{"<NUM_OPTION>", `ELEVE_ID="124"`, "at most 6 digits", `written "9999999"`}, []string{"1234567"}},
		{"subject code of 5 digits", []string{
			"<OPTIONS>",
			pupilOptions("124", option("1", "F", "02030")),
			"</OPTIONS>",
		}, []string{"ElevesSansAdresses.xml:4:", "<OPTIONS_ELEVE/CODE_MATIERE>", `ELEVE_ID="124"`, "6 digits", `written "99999"`}, []string{"02030"}},
		{"subject code with a letter", []string{
			"<OPTIONS>",
			pupilOptions("124", option("1", "F", "LATIN1")),
			"</OPTIONS>",
		}, []string{"<OPTIONS_ELEVE/CODE_MATIERE>", `written "AAAAA9"`}, []string{"LATIN1"}},
		{"OPTION without ELEVE_ID", []string{
			"<OPTIONS>",
			`<OPTION ELENOET="1">` + option("1", "F", "020300") + `</OPTION>`,
			"</OPTIONS>",
		}, []string{"ElevesSansAdresses.xml:4:", "<OPTION@ELEVE_ID>", "positive integer"}, []string{"020300"}},
		{"ELEVE_ID not a number", []string{
			"<OPTIONS>",
			pupilOptions("12a", option("1", "F", "020300")),
			"</OPTIONS>",
		}, []string{"<OPTION@ELEVE_ID>", `value "12a"`, "positive integer"}, []string{"020300"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadEleves(context.Background(), strings.NewReader(elevesDoc(tc.body...)), "ElevesSansAdresses.xml", Options{})
			require.Error(t, err)
			var e *Error
			require.True(t, errors.As(err, &e), "%T is not an *Error", err)
			if !errors.Is(err, ErrValue) || !errors.Is(err, lsusync.ErrInvalid) {
				t.Errorf("%v: does not match ErrValue and lsusync.ErrInvalid", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			personaldata.Check(t, "the error", err.Error(), tc.not, personaldata.Options{})
		})
	}
}

// TestPupilOptionsGolden reads testdata/options/ElevesSansAdresses.xml,
// where every case of OPTIONS is written out, into
// testdata/golden/options.json: the pupils with their groups and options.
func TestPupilOptionsGolden(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "options", fxEleves))
	require.NoError(t, err)
	defer f.Close()
	p, err := ReadEleves(context.Background(), f, fxEleves, Options{})
	require.NoError(t, err)
	type pupil struct {
		ID      string               `json:"id"`
		Class   string               `json:"class,omitempty"`
		Groups  []string             `json:"groups,omitempty"`
		Options []lsusync.SubjectKey `json:"options"`
	}
	var view []pupil
	for _, e := range p.Enrolments {
		view = append(view, pupil{e.Student.ID, e.Student.Class, e.Groups, e.Options})
	}
	b, err := json.MarshalIndent(view, "", "  ")
	require.NoError(t, err)
	checkGolden(t, "options.json", append(b, '\n'))
}

// TestOptionsInTheSync: the options the fixtures' pupil 00123 of 4e 1
// chose give her acquis their modalité (rule 6 of docs/rules.md): the
// group's Spanish takes her option's modalité over its programme's, the
// division's mathematics, which its programme leaves without one (N),
// takes her option's; English keeps the class's; Latin, of which she has
// no option, its programme's; an option of a subject no service teaches
// gives no acquis.
func TestOptionsInTheSync(t *testing.T) {
	ctx := context.Background()
	_, f := fixtureDir(t, edit(t, fxEleves, `<OPTIONS_ELEVE>
          <NUM_OPTION>1</NUM_OPTION>
          <CODE_MODALITE_ELECT>O</CODE_MODALITE_ELECT>
          <CODE_MATIERE>030602</CODE_MATIERE>
        </OPTIONS_ELEVE>`, `<OPTIONS_ELEVE><NUM_OPTION>2</NUM_OPTION><CODE_MODALITE_ELECT>F</CODE_MODALITE_ELECT><CODE_MATIERE>030602</CODE_MATIERE></OPTIONS_ELEVE>`+
		`<OPTIONS_ELEVE><NUM_OPTION>1</NUM_OPTION><CODE_MODALITE_ELECT>O</CODE_MODALITE_ELECT><CODE_MATIERE>061300</CODE_MATIERE></OPTIONS_ELEVE>`+
		`<OPTIONS_ELEVE><NUM_OPTION>3</NUM_OPTION><CODE_MODALITE_ELECT>X</CODE_MODALITE_ELECT><CODE_MATIERE>030201</CODE_MATIERE></OPTIONS_ELEVE>`+
		`<OPTIONS_ELEVE><NUM_OPTION>4</NUM_OPTION><CODE_MODALITE_ELECT>F</CODE_MODALITE_ELECT><CODE_MATIERE>020400</CODE_MATIERE></OPTIONS_ELEVE>`))
	src, err := Open(ctx, f, Options{})
	require.NoError(t, err)
	data, err := src.Class(ctx, "4e 1")
	require.NoError(t, err)
	i := slices.IndexFunc(data.Enrolments, func(e lsusync.Enrolment) bool { return e.Student.ID == "00123" })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, keys("061300", "O", "030602", "F", "030201", "X", "020400", "F"), data.Enrolments[i].Options)

	today := lsusync.Date{Year: 2025, Month: time.November, Day: 28}
	snap, err := gen.Init(ctx, src, lsusync.Trimesters(2025), today)
	require.NoError(t, err)
	var got []string
	for _, b := range snap.Bilans {
		if b.Student == "00123" && b.Period.Index == 1 {
			for _, a := range b.Acquis {
				got = append(got, a.Subject.Key().String())
			}
		}
	}
	if diff := gocmp.Diff([]string{"020100/S", "020700/F", "030201/S", "030602/F", "061300/O"}, got); diff != "" {
		t.Errorf("acquis of 00123 (-want +got):\n%s", diff)
	}
}
