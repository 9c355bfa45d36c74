// Package personaldata finds personal values in what the module writes
// (logs, reports, refusals, pages, JSON), for the tests that check that
// none is there. Only tests import it.
//
// A value is found as a whole token of the output: at its start and at
// its end, the output holds no letter or digit glued to it. "2014" is
// found in "né le 10/07/2014." and in `"year":2014`, not in
// "05:46:56.971920146Z" nor in "/tmp/x2014y/". A value of several words
// ("LE GOFF", "2014-07-10") is found as written, its ends being whole.
// The search is exact: case and accents count.
//
// The parts of an output that change from run to run are never searched,
// for their digits would match a value by chance: a test names them
// ([Options.Random], such as the folders of [TempDirs]), describes them
// ([Options.Patterns], such as [SlogTextTime]), or skips the JSON members
// that hold them ([Options.SkipMembers], such as slog's "time").
package personaldata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Options says which parts of an output are not searched.
type Options struct {
	// Random lists parts of the output that change from run to run,
	// written as they are, such as the test's temporary folders
	// ([TempDirs]). Each is removed before the search, the longest
	// first.
	Random []string
	// Patterns match other parts that change from run to run, such as
	// the timestamps of a log ([SlogTextTime]). Each match is removed
	// before the search, after Random.
	Patterns []*regexp.Regexp
	// SkipMembers names the JSON members whose values are not searched,
	// at any depth, such as slog's "time" ([slog.TimeKey]). Only
	// [InJSON] and [CheckJSON] read it.
	SkipMembers []string
}

// SlogTextTime matches the time that slog's text handler writes at the
// start of each record ("time=2025-12-15T10:32:00.123+01:00").
var SlogTextTime = regexp.MustCompile(`(?m)^time=\S+`)

// removed stands for a part of the output that was not searched: it is
// neither a letter nor a digit, so that the words on its sides stay
// apart.
const removed = "…"

// A Found is a personal value found in an output.
type Found struct {
	Value string // the personal value
	// Where is its place: "line 3", or in JSON "record 2, member msg".
	Where string
	// Context is the line, or the JSON string, that holds it: the value
	// between ⟦ and ⟧, the parts not searched as "…".
	Context string
}

// String describes f for a test's failure.
func (f Found) String() string {
	return fmt.Sprintf("%q at %s: %s", f.Value, f.Where, f.Context)
}

// In returns the values found in output as whole tokens, the parts that
// opts names removed: for each value found, its first place, in the
// order of values. Empty values are ignored.
func In(output string, values []string, opts Options) []Found {
	s := clean(output, opts)
	return find(s, values, func(i int) string { return fmt.Sprintf("line %d", strings.Count(s[:i], "\n")+1) })
}

// InJSON returns the values found in a JSON output: a JSON value, or a
// stream of them such as slog's JSON handler writes, one a line. It
// searches the strings (as [In] does) and the numbers (as written), and
// the names of the members, but not the members opts.SkipMembers names
// nor what they hold. For each value found, its first place. It returns
// an error when output is not JSON.
func InJSON(output []byte, values []string, opts Options) ([]Found, error) {
	skip := map[string]bool{}
	for _, m := range opts.SkipMembers {
		skip[m] = true
	}
	var found []Found
	seen := map[string]bool{}
	add := func(fs []Found) {
		for _, f := range fs {
			if !seen[f.Value] {
				seen[f.Value] = true
				found = append(found, f)
			}
		}
	}
	var walk func(v any, record int, path string)
	walk = func(v any, record int, path string) {
		where := func(int) string { return fmt.Sprintf("record %d, %s", record, path) }
		switch v := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				if skip[k] {
					continue
				}
				p := "member " + k
				if path != "" {
					p = path + "." + k
				}
				add(find(clean(k, opts), values, func(int) string { return fmt.Sprintf("record %d, the name of %s", record, p) }))
				walk(v[k], record, p)
			}
		case []any:
			for i, e := range v {
				walk(e, record, fmt.Sprintf("%s[%d]", path, i))
			}
		case string:
			add(find(clean(v, opts), values, where))
		case json.Number:
			add(find(v.String(), values, where))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(output))
	dec.UseNumber()
	for record := 1; ; record++ {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return found, nil
		}
		if err != nil {
			return found, fmt.Errorf("personaldata: record %d: %w", record, err)
		}
		walk(v, record, "")
	}
}

// TB is the part of [testing.TB] that [Check] and [CheckJSON] use: a test,
// or a [Recorder] in the tests of a check.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Check reports an error to t for each value found in output (see [In]),
// which it calls what ("stderr", "the log").
func Check(t TB, what, output string, values []string, opts Options) {
	t.Helper()
	report(t, what, In(output, values, opts), output)
}

// CheckJSON reports an error to t for each value found in the JSON
// output (see [InJSON]), and one when output is not JSON.
func CheckJSON(t TB, what string, output []byte, values []string, opts Options) {
	t.Helper()
	found, err := InJSON(output, values, opts)
	if err != nil {
		t.Errorf("%s is not JSON: %v\n%s", what, err, output)
	}
	report(t, what, found, string(output))
}

func report(t TB, what string, found []Found, output string) {
	t.Helper()
	for _, f := range found {
		t.Errorf("%s shows the personal value %s", what, f)
	}
	if len(found) > 0 {
		t.Errorf("%s in full:\n%s", what, output)
	}
}

// TempDirs returns the folder that holds every [testing.T.TempDir] of the
// test t, as the test names it and with its symbolic links resolved: the
// random parts of the paths an output may name, for [Options.Random].
// A subtest has its own: a test whose output names folders of its parent
// and its own passes both.
func TempDirs(t testing.TB) []string {
	t.Helper()
	root := filepath.Dir(t.TempDir())
	dirs := []string{root}
	if r, err := filepath.EvalSymlinks(root); err == nil && r != root {
		dirs = append(dirs, r)
	}
	return dirs
}

// TempDirsIn puts the temporary folders of the test t, if it has made
// none yet, and of its subtests in a new folder named name, as they are
// when TMPDIR names such a folder: every path they name then holds name.
// A test whose outputs must not show name passes only if it never
// searches those paths. It sets GOTMPDIR, where [testing.T.TempDir] makes
// its folders, for the rest of t, which may not be parallel.
func TempDirsIn(t *testing.T, name string) {
	t.Helper()
	base, err := os.MkdirTemp("", "lsusync-personaldata-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	dir := filepath.Join(base, name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOTMPDIR", dir)
}

// Recorder is a [TB] that keeps the errors a check reports, for the
// tests that show that a check catches a value.
type Recorder struct {
	Errors []string
}

// Helper does nothing: a Recorder reports no line.
func (r *Recorder) Helper() {}

// Errorf keeps the error.
func (r *Recorder) Errorf(format string, args ...any) {
	r.Errors = append(r.Errors, fmt.Sprintf(format, args...))
}

// clean returns output with the parts that opts names replaced by
// [removed].
func clean(output string, opts Options) string {
	random := slices.Clone(opts.Random)
	// The longest first: a folder before a folder it holds, a path
	// before the same path with its links resolved when that is shorter.
	slices.SortStableFunc(random, func(a, b string) int { return len(b) - len(a) })
	for _, r := range random {
		if r != "" {
			output = strings.ReplaceAll(output, r, removed)
		}
	}
	for _, p := range opts.Patterns {
		output = p.ReplaceAllLiteralString(output, removed)
	}
	return output
}

// find returns the first place of each value found in s as a whole
// token, where naming the place of an index of s.
func find(s string, values []string, where func(i int) string) []Found {
	var found []Found
	seen := map[string]bool{}
	for _, v := range values {
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		i := index(s, v)
		if i < 0 {
			continue
		}
		found = append(found, Found{Value: v, Where: where(i), Context: context(s, i, i+len(v))})
	}
	return found
}

// context returns the line of s that holds s[i:j], s[i:j] between ⟦
// and ⟧, cut to some 60 bytes on each side.
func context(s string, i, j int) string {
	const side = 60
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := len(s)
	if k := strings.IndexByte(s[j:], '\n'); k >= 0 {
		end = j + k
	}
	before, after := s[start:i], s[j:end]
	if len(before) > side {
		k := len(before) - side
		for k < len(before) && !utf8.RuneStart(before[k]) {
			k++
		}
		before = "…" + before[k:]
	}
	if len(after) > side {
		k := side
		for k > 0 && !utf8.RuneStart(after[k]) {
			k--
		}
		after = after[:k] + "…"
	}
	return before + "⟦" + s[i:j] + "⟧" + after
}

// index returns the index of the first occurrence of v in s as a whole
// token, or -1.
func index(s, v string) int {
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	for from := 0; from <= len(s)-len(v); {
		i := strings.Index(s[from:], v)
		if i < 0 {
			return -1
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(v):])
		gluedBefore := i > 0 && word(before) && word(first)
		gluedAfter := i+len(v) < len(s) && word(after) && word(last)
		if !gluedBefore && !gluedAfter {
			return i
		}
		from = i + 1
	}
	return -1
}

// word reports whether r is part of a word: a letter, a digit, or a mark
// that accents a letter.
func word(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}
