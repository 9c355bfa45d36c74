package sqlstore

import (
	"strings"
	"testing"
	"time"
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
