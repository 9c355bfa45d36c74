package filestore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/internal/jsonscan"
	"github.com/lsusync/lsusync/internal/testkit"
	"github.com/lsusync/lsusync/lsusynctest"
)

// decodeContent reads data, the JSON of a content, into v, a
// *lsusync.BilanContent or an *lsusync.AcquisContent, as a store file's
// reader does.
func decodeContent(data []byte, v any) (err error) {
	d := newScanner(data)
	d.version = Version
	defer func() {
		if r := recover(); r != nil {
			de, ok := r.(*jsonscan.Error)
			if !ok {
				panic(r)
			}
			err = de
		}
	}()
	at := loc{"content", -1, ""}
	switch v := v.(type) {
	case *lsusync.BilanContent:
		jsonscan.Read(&d.Scanner, v, at, nil)
	case *lsusync.AcquisContent:
		jsonscan.Read(&d.Scanner, v, at, nil)
	default:
		panic(fmt.Sprintf("decodeContent of %T", v))
	}
	if d.WS(); d.I < len(d.B) {
		d.Errorf(d.I, "trailing data")
	}
	return nil
}

// strictJSON decodes data as encoding/json does, refusing unknown
// members and trailing data.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("trailing data")
	}
	return nil
}

// TestContentRoundTrip writes the contents with every field set, at LSU's
// limits and with every value of every enumeration, and reads them back:
// as they were, and as encoding/json reads them.
func TestContentRoundTrip(t *testing.T) {
	enc := newContentEncoder()
	for variant := range 16 {
		bc := lsusynctest.FullBilanContent(variant)
		ac := lsusynctest.FullAcquisContent(variant)
		for _, tc := range []struct {
			name  string
			v     any
			fresh func() any
		}{
			{"bilan", &bc, func() any { return new(lsusync.BilanContent) }},
			{"acquis", &ac, func() any { return new(lsusync.AcquisContent) }},
		} {
			data, err := enc.append(nil, tc.v)
			require.NoError(t, err)
			got, std := tc.fresh(), tc.fresh()
			require.NoError(t, decodeContent(data, got), "%s content, variant %d", tc.name, variant)
			require.NoError(t, strictJSON(data, std))
			if diff := cmp.Diff(tc.v, got); diff != "" {
				t.Errorf("%s content, variant %d, read back (-written +read):\n%s", tc.name, variant, diff)
			}
			if diff := cmp.Diff(std, got); diff != "" {
				t.Errorf("%s content, variant %d (-encoding/json +filestore):\n%s", tc.name, variant, diff)
			}
			if bytes.Contains(data, []byte(`\u003c`)) || bytes.Contains(data, []byte(`\u0026`)) {
				t.Errorf("%s content, variant %d: HTML escaped: %s", tc.name, variant, data)
			}
		}
	}
}

// TestContentReadsOtherWriters reads contents as other programs may
// write them: members in another order, white space, escapes, null for
// empty values.
func TestContentReadsOtherWriters(t *testing.T) {
	missed := 3
	for _, tc := range []struct {
		name string
		json string
		want lsusync.BilanContent
	}{
		{"empty", `{}`, lsusync.BilanContent{}},
		{"null", `null`, lsusync.BilanContent{}},
		{"members in any order, with white space", "{ \"synthesis\" : \"Bien.\" ,\n\t\"councilDate\":\"2025-12-04\" }",
			lsusync.BilanContent{Synthesis: "Bien.", CouncilDate: lsusync.Date{Year: 2025, Month: time.December, Day: 4}}},
		{"escapes", `{"synthesis":"\u00c9l\u00e8ve \"s\u00e9rieux\"\n\/ \ud83d\ude00"}`, lsusync.BilanContent{Synthesis: "Élève \"sérieux\"\n/ 😀"}},
		{"nulls", `{"synthesis":null,"schoolLife":null,"support":null,"digital":null,"content":null,"lockDate":null}`, lsusync.BilanContent{}},
		{"a null inside", `{"schoolLife":{"late":null,"justified":2,"unjustified":0,"missedHours":3,"comment":null}}`,
			lsusync.BilanContent{SchoolLife: &lsusync.SchoolLife{Justified: 2, MissedHours: &missed}}},
		{"empty arrays and maps", `{"support":[],"content":{}}`, lsusync.BilanContent{}},
		{"a lock date with a time", `{"lockDate":"2025-12-12T18:30:00"}`,
			lsusync.BilanContent{LockDate: lsusync.DateTime{Date: lsusync.Date{Year: 2025, Month: time.December, Day: 12}, Hour: 18, Minute: 30, Timed: true}}},
		{"a named content with an empty value", `{"content":{"a":"","b":"x"}}`, lsusync.BilanContent{Content: map[string]string{"a": "", "b": "x"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got lsusync.BilanContent
			require.NoError(t, decodeContent([]byte(tc.json), &got))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("read (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzContent decodes any bytes as a bilan's content and as an acquis's,
// with the store's decoder and with encoding/json: what the store reads,
// encoding/json reads as the same value, and the store writes it back to
// bytes that read as that value again. The store may refuse what
// encoding/json reads (a member twice, a member named in another case).
func FuzzContent(f *testing.F) {
	enc := newContentEncoder()
	for variant := range 3 {
		bc, ac := lsusynctest.FullBilanContent(variant), lsusynctest.FullAcquisContent(variant)
		for _, v := range []any{&bc, &ac} {
			data, err := enc.append(nil, v)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(`{"synthesis":"a","synthesis":"b"}`))
	f.Add([]byte(`{"Synthesis":"a"}`))
	f.Add([]byte(`{"positioning":4,"content":{"positioning":"A"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fresh := range []func() any{
			func() any { return new(lsusync.BilanContent) },
			func() any { return new(lsusync.AcquisContent) },
		} {
			got := fresh()
			if err := decodeContent(data, got); err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("error %v is not ErrCorrupt", err)
				}
				continue
			}
			std := fresh()
			if err := strictJSON(data, std); err != nil {
				t.Fatalf("the store read %q, encoding/json refuses it: %v", data, err)
			}
			if diff := cmp.Diff(std, got, equateEmpty); diff != "" {
				t.Fatalf("%q (-encoding/json +filestore):\n%s", data, diff)
			}
			out, err := enc.append(nil, got)
			if err != nil {
				t.Fatalf("encoding what was read: %v", err)
			}
			again := fresh()
			if err := decodeContent(out, again); err != nil {
				t.Fatalf("reading %s back: %v", out, err)
			}
			if diff := cmp.Diff(got, again, equateEmpty); diff != "" {
				t.Fatalf("round trip of %q (-first +second):\n%s", data, diff)
			}
		}
	})
}

// TestFormatListsContent checks that FORMAT.md names every member of the
// contents: a field added to lsusync.BilanContent or AcquisContent is
// read and written with no change to the code, and documented there.
func TestFormatListsContent(t *testing.T) {
	doc := string(readBytes(t, "FORMAT.md"))
	start, end := strings.Index(doc, "\n## Content\n"), strings.Index(doc, "\n## Rules a reader enforces\n")
	require.True(t, start >= 0 && end > start, "FORMAT.md has no section Content")
	section := doc[start:end]
	check := func(what string, members []string) {
		for _, m := range members {
			name := m[strings.LastIndexByte(m, '.')+1:]
			if !regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).MatchString(section) {
				t.Errorf("FORMAT.md's section Content does not name the member %s.%s", what, m)
			}
		}
	}
	check("bilan content", jsonscan.MemberNames[lsusync.BilanContent]())
	check("acquis content", jsonscan.MemberNames[lsusync.AcquisContent]())
}

// TestDecodeShares checks what the decoded bilans share: the acquis lists
// without content that bilans have in common, byte for byte, and the
// short arrays of their contents; never an acquis list with content.
func TestDecodeShares(t *testing.T) {
	snap := gen.New(gen.Config{Seed: 5, Pupils: 60}).StoreSnapshot()
	for i := 0; i < len(snap.Bilans); i += 4 { // a bilan in four gets content
		b := &snap.Bilans[i]
		b.Acquis = slices.Clone(b.Acquis)
		b.Acquis[0].ProgrammeElements = []string{"Lire et comprendre", "Écrire"}
		b.Acquis[0].Appreciation = fmt.Sprintf("Appréciation %d.", i)
	}
	var buf bytes.Buffer
	require.NoError(t, encode(&buf, &snap))
	got, err := decodeBytes(buf.Bytes())
	require.NoError(t, err)
	if diff := cmp.Diff(snap, got, equateEmpty); diff != "" {
		t.Fatalf("decoded (-want +got):\n%s", diff)
	}
	lists := map[*lsusync.Acquis]int{}
	elements := map[*string]int{}
	for _, b := range got.Bilans {
		content := false
		for _, a := range b.Acquis {
			content = content || a.HasContent()
			if len(a.ProgrammeElements) > 0 {
				elements[&a.ProgrammeElements[0]]++
			}
		}
		if len(b.Acquis) > 0 {
			lists[&b.Acquis[0]]++
			if content && lists[&b.Acquis[0]] > 1 {
				t.Errorf("bilan %s shares its acquis list with content", b.Key())
			}
		}
	}
	shared := 0
	for _, n := range lists {
		if n > 1 {
			shared++
		}
	}
	if shared == 0 {
		t.Error("no acquis list without content is shared")
	}
	if len(elements) != 1 {
		t.Errorf("the equal lists of éléments de programme are %d arrays, want 1", len(elements))
	}
}

// TestInvalidDateNotWritten applies a bilan whose council date is not a
// date: the commit fails, naming the bilan, and the file is left as it
// was.
func TestInvalidDateNotWritten(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "lsu.json")
	s, err := Create(context.Background(), path, testSnapshot(10, 1))
	require.NoError(t, err)
	defer s.Close()
	before := readBytes(t, path)
	bilans := testkit.Stored(t, s).Bilans
	b := bilans[1]
	require.False(t, b.Locked)
	b.CouncilDate = lsusync.Date{Year: 2025, Month: time.February, Day: 30}
	err = s.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}})
	require.Error(t, err)
	if want := "bilan " + b.Key().String() + ": content: "; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "invalid date 2025-02-30") {
		t.Errorf("Apply: %v, want it to name the bilan (%q) and the date", err, want)
	}
	if !bytes.Equal(before, readBytes(t, path)) {
		t.Error("the refused commit changed the file")
	}
	if diff := cmp.Diff(bilans, testkit.Stored(t, s).Bilans); diff != "" {
		t.Errorf("the refused commit changed the store (-before +after):\n%s", diff)
	}

	// A birth date the file cannot hold is refused too, without its value.
	students, err := s.Students(ctx, "3EME1")
	require.NoError(t, err)
	st := students[0]
	st.BirthDate = lsusync.Date{Year: 12011, Month: time.April, Day: 2}
	err = s.Apply(ctx, lsusync.ChangeSet{Students: []lsusync.Student{st}})
	require.Error(t, err)
	if strings.Contains(err.Error(), "12011") || !strings.Contains(err.Error(), "pupil "+st.ID) {
		t.Errorf("Apply: %v, want it to name the pupil and not the date", err)
	}
	if !bytes.Equal(before, readBytes(t, path)) {
		t.Error("the refused commit changed the file")
	}
}

// TestLegacyPositioning checks how a positionnement of a file of version
// 1 or 2, a string, is read: on LSU's scale, a number; anything else
// kept in the acquis's Content.
func TestLegacyPositioning(t *testing.T) {
	for _, tc := range []struct {
		in      string
		content map[string]string // the acquis's before
		want    lsusync.AcquisContent
		err     string
	}{
		{in: "", want: lsusync.AcquisContent{}},
		{in: "1", want: lsusync.AcquisContent{Positioning: 1}},
		{in: "4", want: lsusync.AcquisContent{Positioning: 4}},
		{in: "0", want: lsusync.AcquisContent{Content: map[string]string{"positioning": "0"}}},
		{in: "5", want: lsusync.AcquisContent{Content: map[string]string{"positioning": "5"}}},
		{in: "A", want: lsusync.AcquisContent{Content: map[string]string{"positioning": "A"}}},
		{in: "03", want: lsusync.AcquisContent{Content: map[string]string{"positioning": "03"}}},
		{in: " 3", want: lsusync.AcquisContent{Content: map[string]string{"positioning": " 3"}}},
		{in: "3+", content: map[string]string{"moyenne_classe": "12"}, want: lsusync.AcquisContent{Content: map[string]string{"positioning": "3+", "moyenne_classe": "12"}}},
		{in: "2", content: map[string]string{"positioning": "ancien"}, want: lsusync.AcquisContent{Positioning: 2, Content: map[string]string{"positioning": "ancien"}}},
		{in: "A", content: map[string]string{"positioning": "B"}, err: `positioning "A" is not on LSU's scale of 1 to 4, and the acquis's content has a "positioning" already`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			a := lsusync.AcquisContent{Content: tc.content}
			err := legacyPositioning(tc.in, &a)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("legacyPositioning(%q): %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, a); diff != "" {
				t.Errorf("legacyPositioning(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// TestWindowedReads reads store files a few bytes at a time, the window
// moving at every record, and checks they read as when read whole.
func TestWindowedReads(t *testing.T) {
	full := testSnapshot(30, 1)
	for i := range full.Bilans {
		b := &full.Bilans[i]
		b.BilanContent = lsusynctest.FullBilanContent(i)
		for j := range b.Acquis {
			b.Acquis[j].AcquisContent = lsusynctest.FullAcquisContent(i + j)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, encode(&buf, &full))
	files := map[string][]byte{"full content": buf.Bytes(), "FORMAT.md's example": []byte(formatExample(t))}
	for _, name := range []string{"v0.1.0.json", "sample-v1.json"} {
		files[name] = readBytes(t, filepath.Join("testdata", name))
	}
	files["sample store"] = readBytes(t, filepath.Join("..", "testdata", "lsu.json"))
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			whole, wholeMemos, err := decodeMemos(data, nil)
			require.NoError(t, err)
			for _, w := range []struct{ step, ahead int }{{1, 1}, {7, 3}, {4096, 64}} {
				d := newFileScanner(&chunkReader{data: data, n: 5}, int64(len(data)))
				d.SetWindow(w.step, w.ahead)
				got, memos, err := d.decode(func() (lsusync.Snapshot, error) {
					return decodeV1(bytes.NewReader(data), int64(len(data)), nil)
				})
				require.NoError(t, err, "window of %d bytes", w.step)
				if diff := cmp.Diff(whole, got); diff != "" {
					t.Errorf("window of %d bytes (-whole +windowed):\n%s", w.step, diff)
				}
				if diff := cmp.Diff(wholeMemos, memos); diff != "" {
					t.Errorf("window of %d bytes, memos (-whole +windowed):\n%s", w.step, diff)
				}
			}
		})
	}
}

// chunkReader gives data n bytes at a time.
type chunkReader struct {
	data []byte
	n    int
}

func (r *chunkReader) Read(b []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(len(b), r.n)], r.data)
	r.data = r.data[n:]
	return n, nil
}
