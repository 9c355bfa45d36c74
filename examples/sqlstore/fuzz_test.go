package sqlstore

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/lsusynctest"
)

// FuzzParseURL checks that ParseURL never panics, and that what it
// accepts is one of the documented forms.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"postgres://u:p@h:5432/db?sslmode=disable", "postgresql://h/db", "sqlite:lsu.db",
		"sqlite:///var/lib/lsu.sqlite", "lsu.db", "a/b.sqlite3", "lsu.json", "", "sqlite:", "sqlite://", "Postgres://h/db", "SQLite:lsu"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, url string) {
		e, target, err := ParseURL(url)
		if err != nil {
			return
		}
		switch e {
		case Postgres:
			if !strings.EqualFold(target, url) || !strings.HasPrefix(target, "postgres") {
				t.Errorf("ParseURL(%q) = PostgreSQL %q", url, target)
			}
		case SQLite:
			if target == "" || !strings.HasSuffix(url, target) {
				t.Errorf("ParseURL(%q) = SQLite %q", url, target)
			}
		default:
			t.Errorf("ParseURL(%q) = engine %q", url, e)
		}
	})
}

// FuzzDateValue checks that a birth date read from the database is
// either refused or a valid date that reads back the same.
func FuzzDateValue(f *testing.F) {
	for _, s := range []string{"2011-03-14", "", "2011-02-30", "0000-00-00", "2011-3-14", "９９９９-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var dv dateValue
		if err := dv.Scan(s); err != nil {
			return
		}
		if s == "" {
			if !dv.d.IsZero() {
				t.Errorf("Scan(\"\") = %v, want the zero Date", dv.d)
			}
			return
		}
		if got := dv.d.String(); got != s {
			t.Errorf("Scan(%q) reads back as %q", s, got)
		}
		var tv dateValue
		if err := tv.Scan(time.Date(dv.d.Year, dv.d.Month, dv.d.Day, 0, 0, 0, 0, time.UTC)); err != nil || tv.d != dv.d {
			t.Errorf("Scan(time of %q) = %v, %v", s, tv.d, err)
		}
		if arg := dateArg(dv.d); arg != s {
			t.Errorf("dateArg(%v) = %v, want %q", dv.d, arg, s)
		}
	})
}

// FuzzDocument checks the decoders of a bilan's JSON columns and content
// document, as another program may have written them: they never panic,
// and what they accept encodes to columns and a document that decode to
// the same bilan.
func FuzzDocument(f *testing.F) {
	full := lsusync.Bilan{Student: "1", Period: lsusync.Period{Year: 2025, Index: 1, Count: 3},
		Acquis: []lsusync.Acquis{{Subject: lsusync.Subject{Code: "030201", Label: "ANGLAIS", Modality: "S"},
			Teachers: []lsusync.TeacherKey{{Type: "epp", ID: "1"}}, AcquisContent: lsusynctest.FullAcquisContent(1)}},
		HeadTeachers: []lsusync.TeacherKey{{Type: "epp", ID: "2"}}, BilanContent: lsusynctest.FullBilanContent(1)}
	acquis, heads, err := encodeSynced(&full)
	if err != nil {
		f.Fatal(err)
	}
	doc, _, _, err := encodeDocument(&full)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(acquis, heads, doc)
	f.Add("[]", "[]", `{"acquis": [{"subject": {"code": "061300"}, "positioning": 2}]}`)
	f.Add(`[{"subject": {"code": "1"}}, {"subject": {"code": "1"}}]`, `null`, `{"content": {"a": ""}}`)
	f.Add(`[{"subject": 1}]`, `[{}]`, `{"schoolLife": {"late": "x"}}`)
	f.Fuzz(func(t *testing.T, acquis, heads, doc string) {
		var b lsusync.Bilan
		if err := newSyncedCache().decode(&b, []byte(acquis), []byte(heads)); err != nil {
			return
		}
		if err := newDocumentDecoder().decode(&b, []byte(doc)); err != nil {
			return
		}
		a2, h2, err := encodeSynced(&b)
		if err != nil {
			t.Fatal(err)
		}
		d2, _, ok, err := encodeDocument(&b)
		if err != nil {
			t.Fatal(err)
		}
		var again lsusync.Bilan
		if err := newSyncedCache().decode(&again, []byte(a2), []byte(h2)); err != nil {
			t.Fatalf("decoding what was encoded: %v", err)
		}
		if ok {
			if err := newDocumentDecoder().decode(&again, []byte(d2)); err != nil {
				t.Fatalf("decoding what was encoded: %v", err)
			}
		}
		if d := cmp.Diff(b, again, equateEmpty); d != "" {
			t.Errorf("encoded and decoded again (-first +again):\n%s", d)
		}
	})
}

// FuzzDocumentDecoders checks jsonscan's decoder of the content documents
// against encoding/json: what it reads, encoding/json reads as the same
// content; what it leaves to encoding/json, it left untouched.
func FuzzDocumentDecoders(f *testing.F) {
	for variant := range 3 {
		b := lsusync.Bilan{Student: "1", Period: lsusync.Period{Year: 2025, Index: 1, Count: 3},
			Acquis: []lsusync.Acquis{
				{Subject: lsusync.Subject{Code: "030201", Modality: "S"}, AcquisContent: lsusynctest.FullAcquisContent(variant)},
				{Subject: lsusync.Subject{Code: "020700"}, AcquisContent: lsusynctest.FullAcquisContent(variant + 1)},
			},
			BilanContent: lsusynctest.FullBilanContent(variant)}
		doc, _, _, err := encodeDocument(&b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(doc)
	}
	for _, doc := range documentsOfOtherWriters {
		f.Add(doc.json)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var fast, std document
		ok := newDocumentDecoder().read(&fast, []byte(data))
		err := json.Unmarshal([]byte(data), &std)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("jsonscan read %q, encoding/json refuses it: %v", data, err)
		}
		if d := cmp.Diff(std, fast, equateEmpty); d != "" {
			t.Fatalf("%q (-encoding/json +jsonscan):\n%s", data, d)
		}
	})
}

// documentsOfOtherWriters are content documents as other programs may
// write them, and whether jsonscan's decoder reads them (the others go to
// encoding/json).
var documentsOfOtherWriters = []struct {
	name string
	json string
	fast bool
}{
	{"as sqlstore writes it", `{"synthesis":"Bien.","acquis":[{"subject":{"code":"030201","modality":"S"},"positioning":3}]}`, true},
	{"members in another order, white space", "{ \"acquis\" : [ { \"positioning\" : 3, \"subject\" : {\"code\":\"030201\"} } ] ,\n \"synthesis\": \"Bien.\" }", true},
	{"null", `null`, true},
	{"nulls", `{"synthesis":null,"acquis":null,"schoolLife":null}`, true},
	{"an unknown member", `{"synthesis":"Bien.","comment":"x"}`, false},
	{"an unknown member of an acquis", `{"acquis":[{"subject":{"code":"030201"},"note":"x"}]}`, false},
	{"a name in another case", `{"Synthesis":"Bien."}`, false},
	{"the acquis twice", `{"acquis":[{"subject":{"code":"1"},"positioning":1}],"acquis":[{"subject":{"code":"2"},"positioning":2}]}`, false},
	{"a subject twice", `{"acquis":[{"subject":{"code":"1"},"subject":{"code":"2"},"positioning":2}]}`, false},
	{"a number as a text", `{"schoolLife":{"late":"2"}}`, false},
	{"trailing data", `{"synthesis":"Bien."} {}`, false},
}

// TestDocumentDecoders reads documents as other programs may write them:
// each as encoding/json reads it, through jsonscan's decoder for those
// written as sqlstore writes them, through encoding/json for the others.
func TestDocumentDecoders(t *testing.T) {
	for _, tc := range documentsOfOtherWriters {
		t.Run(tc.name, func(t *testing.T) {
			var fast document
			if got := newDocumentDecoder().read(&fast, []byte(tc.json)); got != tc.fast {
				t.Errorf("jsonscan read it: %v, want %v", got, tc.fast)
			}
			var want, got lsusync.Bilan
			stdErr := decodeStd(&want, []byte(tc.json))
			err := newDocumentDecoder().decode(&got, []byte(tc.json))
			if (err != nil) != (stdErr != nil) {
				t.Fatalf("decode: %v; with encoding/json alone: %v", err, stdErr)
			}
			if d := cmp.Diff(want, got, equateEmpty); d != "" {
				t.Errorf("(-encoding/json +decode):\n%s", d)
			}
		})
	}
}

// decodeStd is documentDecoder.decode with encoding/json alone.
func decodeStd(b *lsusync.Bilan, data []byte) error {
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	setDocument(b, &doc)
	return nil
}
