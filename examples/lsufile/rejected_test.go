package lsufile_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync/examples/lsufile"
)

// TestRejectedCases checks that each file research/lsu-exchange.md §2
// lists as refused by LSU's schema is refused by both xmllint and the
// reader, with the rule broken, and that the cases it lists as valid are
// accepted by both. The files are the golden export with one change.
func TestRejectedCases(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "export-7.0.xml"))
	require.NoError(t, err)
	doc := string(base)
	first := func(old, new string) func(string) string {
		return func(s string) string {
			require.Contains(t, s, old)
			return strings.Replace(s, old, new, 1)
		}
	}
	re := func(expr, new string) func(string) string {
		return func(s string) string {
			r := regexp.MustCompile(expr)
			loc := r.FindStringIndex(s)
			require.NotNil(t, loc, expr)
			return s[:loc[0]] + new + s[loc[1]:]
		}
	}
	const appreciation = "<appreciation>Très bon travail &lt;à l'écrit&gt;.</appreciation>"
	refused := []struct {
		name   string
		change func(string) string
		want   error
		msg    string // in the reader's error
	}{
		{"an empty appreciation", first(appreciation, "<appreciation></appreciation>"), lsufile.ErrSchema, "0 characters"},
		{"a blank appreciation", first(appreciation, "<appreciation>  \n </appreciation>"), lsufile.ErrSchema, "spaces only"},
		{"an appreciation holding a CR", first(appreciation, "<appreciation>Très&#13;bien</appreciation>"), lsufile.ErrSchema, "carriage return"},
		{"positionnement 0", first(`positionnement="4"`, `positionnement="0"`), lsufile.ErrSchema, "not one of 1, 2, 3, 4"},
		{"a 9-character moyenne", first(`moyenne-eleve="14,5"`, `moyenne-eleve="14,5/20.0"`), lsufile.ErrSchema, "9 characters"},
		{"1,000 retards", first(`nb-retards="2"`, `nb-retards="1000"`), lsufile.ErrSchema, "out of the range"},
		{"a date written 04/12/2025", first(`date-conseil-classe="2025-12-09"`, `date-conseil-classe="09/12/2025"`), lsufile.ErrSchema, "not a date"},
		{"a date-verrou with Z", first(`date-verrou="2025-12-12T18:30:00"`, `date-verrou="2025-12-12T18:30:00Z"`), lsufile.ErrSchema, "without a time zone"},
		{"a 7-character UAI", first("<etablissement>0750001A</etablissement>", "<etablissement>0750001</etablissement>"), lsufile.ErrSchema, "7 characters"},
		{"modalité N", first(`modalite-election="S"`, `modalite-election="N"`), lsufile.ErrSchema, "not one of S, O, F"},
		{"an empty modalité", first(`modalite-election="S"`, `modalite-election=""`), lsufile.ErrSchema, "not one of S, O, F"},
		{`civilité "Mme"`, first(`civilite="MME"`, `civilite="Mme"`), lsufile.ErrSchema, "not one of M, MME"},
		{"an empty nom", first(`nom="BERNARD"`, `nom=""`), lsufile.ErrSchema, "0 characters"},
		{`eleve-non-note="oui"`, first(`eleve-non-note="true"`, `eleve-non-note="oui"`), lsufile.ErrSchema, "not a boolean"},
		{"no acquis-conseils", re(`<acquis-conseils>[^<]*</acquis-conseils>`, ""), lsufile.ErrSchema, "expects <acquis-conseils>"},
		{"an empty liste-acquis", re(`(?s)<liste-acquis>.*?</liste-acquis>`, "<liste-acquis></liste-acquis>"), lsufile.ErrSchema, "lacks <acquis>"},
		{"id-be 0", first(`id-be="1001"`, `id-be="0"`), lsufile.ErrSchema, "out of the range"},
		{"an INE as id-be", first(`id-be="1001"`, `id-be="070123456AB"`), lsufile.ErrSchema, "not an integer"},
		{"a 21-character code-division", first(`code-division="3EME1"`, `code-division="3EME1-GROUPE-BILINGUE"`), lsufile.ErrSchema, "21 characters"},
		{"a 41-character libellé", first(`libelle="Français"`, `libelle="`+strings.Repeat("é", 41)+`"`), lsufile.ErrSchema, "41 characters"},
		{"one id on two elements", first(`id="EP_2"`, `id="EP_1"`), lsufile.ErrSchema, "an id given twice"},
		{`id-be "01001" beside "1001"`, first(`id-be="1002"`, `id-be="01001"`), lsufile.ErrSchema, "compares them as numbers"},
	}
	dir := t.TempDir()
	var paths []string
	for i, tc := range refused {
		p := filepath.Join(dir, "refused-"+string(rune('a'+i))+".xml")
		require.NoError(t, os.WriteFile(p, []byte(tc.change(doc)), 0o600))
		paths = append(paths, p)
	}
	lint := xmllint(t, xsd7, paths...)
	for i, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, lint, paths[i], "xmllint accepts it")
			f, err := os.ReadFile(paths[i])
			require.NoError(t, err)
			_, err = lsufile.Read(context.Background(), bytes.NewReader(f), "bilans.xml", lsufile.ReadOptions{}, nil)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.msg)
		})
	}

	// Valid: 40 accented characters; version 3.0 with the lock dates
	// (both schemas); version 3.0 without them (7.0 only).
	valid := []struct {
		name   string
		change func(string) string
		xsds   []string
	}{
		{"a 40-character libellé", first(`libelle="Français"`, `libelle="`+strings.Repeat("é", 40)+`"`), []string{xsd7}},
		{"version 3.0 without date-verrou", func(s string) string {
			s = strings.Replace(s, `schemaVersion="7.0"`, `schemaVersion="3.0"`, 1)
			return regexp.MustCompile(` date-verrou="[^"]*"`).ReplaceAllString(s, "")
		}, []string{xsd7}},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "valid.xml")
			s := tc.change(doc)
			require.NoError(t, os.WriteFile(p, []byte(s), 0o600))
			for _, x := range tc.xsds {
				require.Empty(t, xmllint(t, x, p), "against %s", x)
			}
			_, err := lsufile.Read(context.Background(), strings.NewReader(s), "bilans.xml", lsufile.ReadOptions{}, nil)
			require.NoError(t, err)
		})
	}
	t.Run("version 3.0 without date-verrou is refused by the 2020 schema", func(t *testing.T) {
		p := filepath.Join(dir, "no-lock.xml")
		require.NoError(t, os.WriteFile(p, []byte(valid[1].change(doc)), 0o600))
		require.Contains(t, xmllint(t, xsd2020, p), p)
	})
}
