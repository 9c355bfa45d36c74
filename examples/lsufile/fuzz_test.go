package lsufile_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/lsufile"
	"github.com/lsusync/lsusync/examples/memory"
)

// fuzzLimits bound what the reader takes while fuzzing: memory stays
// bounded whatever the input.
var fuzzLimits = lsufile.ReadOptions{MaxFileSize: 1 << 20, MaxTokenSize: 64 << 10}

// FuzzLSUFile reads arbitrary input. The reader must not crash; what it
// accepts must be well-formed XML (encoding/xml reads it); and once
// imported into a store holding its pupils and periods, every bilan the
// writer exports again must read back as the file gave it.
func FuzzLSUFile(f *testing.F) {
	for _, name := range []string{"export-7.0.xml", "export-3.0.xml", "export-imported-T1.xml"} {
		doc, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(doc)
	}
	if dir := sampleFile(); dir != "" {
		if doc, err := os.ReadFile(dir); err == nil {
			f.Add(doc)
		}
	}
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE lsun-bilans [<!ENTITY a "b">]><lsun-bilans/>`))
	f.Add([]byte(`<lsun-bilans xmlns="` + lsufile.Namespace + `" schemaVersion="7.0"><entete/></lsun-bilans>`))
	f.Fuzz(fuzzRead)
}

// fuzzRead is FuzzLSUFile's check of one input.
func fuzzRead(t *testing.T, doc []byte) {
	{
		var bs []*lsufile.FileBilan
		file, err := lsufile.Read(context.Background(), bytes.NewReader(doc), "fuzz.xml", fuzzLimits, func(b *lsufile.FileBilan) error {
			bs = append(bs, b)
			return nil
		})
		if err != nil {
			var e *lsufile.Error
			if !errors.As(err, &e) {
				t.Fatalf("Read returned an error that is no *lsufile.Error: %v", err)
			}
			return
		}
		d := xml.NewDecoder(bytes.NewReader(doc))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Read accepts a file encoding/xml refuses: %v", err)
			}
		}
		roundTrip(t, doc, file, bs)
	}
}

// sampleFile returns the path of LSU's sample, or "" when it is absent:
// the fuzz target runs without it.
func sampleFile() string {
	p := filepath.Join("..", "..", "..", "shared", "samples", "lsu", "gepi", "sample-bilan-complet.xml")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// roundTrip imports the file doc, read as file and bs, into a store made
// for its bilans, exports the store, and checks that each bilan exported
// reads back as the file gave it; but for the labels of its subjects and
// thématiques, which are each discipline's and thématique's, chosen among
// the bilans (see Export).
func roundTrip(t *testing.T, doc []byte, file *lsufile.File, bs []*lsufile.FileBilan) {
	snap := lsusync.Snapshot{Establishment: lsusync.Establishment{UAI: file.UAI}}
	classes := make(map[string]*lsusync.Class)
	pupils := make(map[string]bool)
	for _, b := range bs {
		if len(b.Unfit) > 0 || !b.Period.Valid() || strings.TrimSpace(b.Class) == "" {
			continue
		}
		c := classes[b.Class]
		if c == nil {
			c = &lsusync.Class{Code: b.Class}
			classes[b.Class] = c
		}
		if !containsPeriod(c.Periods, b.Period) {
			c.Periods = append(c.Periods, b.Period)
		}
		if !pupils[b.Student] {
			pupils[b.Student] = true
			snap.Students = append(snap.Students, lsusync.Student{ID: b.Student, Class: b.Class})
		}
	}
	for _, c := range classes {
		snap.Classes = append(snap.Classes, *c)
	}
	st, err := memory.New(snap)
	require.NoError(t, err)
	if _, err := lsufile.Import(context.Background(), st, bytes.NewReader(doc), "fuzz.xml", lsufile.ImportOptions{ReadOptions: fuzzLimits}); err != nil {
		t.Fatalf("Import of a file Read accepts: %v", err)
	}
	var out bytes.Buffer
	rep, err := lsufile.Export(context.Background(), st, &out, lsufile.ExportOptions{Identity: identity, Imported: true})
	if err != nil {
		if errors.Is(err, lsufile.ErrNothingToExport) || errors.Is(err, lsusync.ErrInvalid) {
			return
		}
		t.Fatalf("Export of the imported file: %v", err)
	}
	var again []*lsufile.FileBilan
	if _, err := lsufile.Read(context.Background(), &out, "again.xml", lsufile.ReadOptions{}, func(b *lsufile.FileBilan) error {
		again = append(again, b)
		return nil
	}); err != nil {
		t.Fatalf("the reader refuses the writer's file: %v\n%s", err, rep)
	}
	byKey := make(map[lsusync.BilanKey]*lsufile.FileBilan)
	for _, b := range bs {
		byKey[b.Key()] = b
	}
	for _, b := range again {
		want := byKey[b.Key()]
		if want == nil {
			t.Fatalf("the export holds a bilan %s the file had not", b.Key())
		}
		if d := gocmp.Diff(want.Bilan, b.Bilan, append(bilanOptions, chosenLabels)...); d != "" {
			t.Fatalf("bilan %s read, imported, exported and read again (-file +again):\n%s", b.Key(), d)
		}
	}
}

// chosenLabels ignores the labels a writer chooses per discipline and
// thématique.
var chosenLabels = gocmp.Options{
	cmpopts.IgnoreFields(lsusync.Subject{}, "Label", "NationalCode"),
	cmpopts.IgnoreFields(lsusync.EPI{}, "ThemeLabel"),
}

func containsPeriod(ps []lsusync.Period, p lsusync.Period) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

// textFields are where FuzzWriterText puts its text: a text of each kind
// the file holds (an element, an attribute, a name that may be blank, a
// code, a subject's label, a shared list's element).
var textFields = []func(*lsusync.Snapshot, string){
	func(s *lsusync.Snapshot, v string) { s.Bilans[0].Synthesis = v },
	func(s *lsusync.Snapshot, v string) { s.Bilans[0].Acquis[0].Appreciation = v },
	func(s *lsusync.Snapshot, v string) { s.Bilans[0].Signatory = v },
	func(s *lsusync.Snapshot, v string) { s.Bilans[0].Acquis[0].Average = v },
	func(s *lsusync.Snapshot, v string) { s.Bilans[0].Guardians[0].LastName = v },
	func(s *lsusync.Snapshot, v string) { s.Bilans[0].Guardians[0].Address.City = v },
	func(s *lsusync.Snapshot, v string) { s.Bilans[0].EPIs[0].Group.EPI.Title = v },
	func(s *lsusync.Snapshot, v string) { s.Bilans[0].Acquis[0].ProgrammeElements[0] = v },
	func(s *lsusync.Snapshot, v string) { s.Bilans[0].Digital.Common[0].Text = v },
	func(s *lsusync.Snapshot, v string) { setLabel(reflect.ValueOf(&s.Bilans[0]).Elem(), fr.Key(), v) },
}

// setLabel gives every subject of key k in v the label l.
func setLabel(v reflect.Value, k lsusync.SubjectKey, l string) {
	switch v.Kind() {
	case reflect.Struct:
		if s, ok := v.Addr().Interface().(*lsusync.Subject); ok {
			if s.Key() == k {
				s.Label = l
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				setLabel(v.Field(i), k, l)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			setLabel(v.Index(i), k, l)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			setLabel(v.Elem(), k, l)
		}
	}
}

// FuzzWriterText writes a text in each kind of place of a bilan and
// exports it: the bilan is written, and the file is valid (for the reader
// and for xmllint) and gives back the text as the file holds it (its line
// ends as LF, in NFC); or the bilan is left out with its reasons.
func FuzzWriterText(f *testing.F) {
	for _, s := range []string{"Très bien", "a\r\nb\rc", "e\u0301", "  ", "", "\x01", "\xff", "]]>&<\"'\t\n", strings.Repeat("é", 601),
		"\u00a0", "\uFFFE", "📚", "x\u0000y"} {
		for i := range textFields {
			f.Add(s, i)
		}
	}
	f.Fuzz(func(t *testing.T, text string, field int) {
		if field < 0 || field >= len(textFields) {
			return
		}
		snap := goldenStore()
		snap.Bilans = snap.Bilans[:1]
		textFields[field](&snap, text)
		var out bytes.Buffer
		rep, err := lsufile.Export(context.Background(), newStore(t, snap), &out, lsufile.ExportOptions{Identity: identity})
		if errors.Is(err, lsufile.ErrNothingToExport) {
			require.Equal(t, 1, rep.Counts().Invalid)
			require.NotEmpty(t, rep.Items[0].Reasons)
			return
		}
		require.NoError(t, err)
		_, bs := readDoc(t, out.Bytes())
		require.Len(t, bs, 1)
		got := snap
		got.Bilans = []lsusync.Bilan{bs[0].Bilan}
		want := snap
		want.Bilans = []lsusync.Bilan{carried(snap.Bilans[0], snap.Establishment.HeadName)}
		if d := gocmp.Diff(want.Bilans, got.Bilans, bilanOptions...); d != "" {
			t.Fatalf("the text %q written in field %d and read back (-want +got):\n%s", text, field, d)
		}
		path := filepath.Join(t.TempDir(), "bilans.xml")
		require.NoError(t, os.WriteFile(path, out.Bytes(), 0o600))
		validate(t, path, lsufile.Version7)
	})
}

// readDoc reads a file in memory.
func readDoc(t testing.TB, doc []byte) (*lsufile.File, []*lsufile.FileBilan) {
	t.Helper()
	var bs []*lsufile.FileBilan
	file, err := lsufile.Read(context.Background(), bytes.NewReader(doc), "bilans.xml", lsufile.ReadOptions{}, func(b *lsufile.FileBilan) error {
		bs = append(bs, b)
		return nil
	})
	require.NoError(t, err)
	return file, bs
}
