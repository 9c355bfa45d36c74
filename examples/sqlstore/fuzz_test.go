package sqlstore

import (
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
		if err := decodeDocument(&b, []byte(doc)); err != nil {
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
			if err := decodeDocument(&again, []byte(d2)); err != nil {
				t.Fatalf("decoding what was encoded: %v", err)
			}
		}
		if d := cmp.Diff(b, again, equateEmpty); d != "" {
			t.Errorf("encoded and decoded again (-first +again):\n%s", d)
		}
	})
}
