package lsusync_test

import (
	"testing"
	"time"

	"github.com/lsusync/lsusync"
)

// TestDateMarshalText checks that a Date and a DateTime are written only
// when they read back as themselves, so that a store never writes a value
// it cannot read.
func TestDateMarshalText(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    interface{ MarshalText() ([]byte, error) }
		want string // "" with ok false: refused
		ok   bool
	}{
		{"zero date", lsusync.Date{}, "", true},
		{"date", lsusync.Date{Year: 2025, Month: time.December, Day: 12}, "2025-12-12", true},
		{"29 February of a leap year", lsusync.Date{Year: 2024, Month: time.February, Day: 29}, "2024-02-29", true},
		{"30 February", lsusync.Date{Year: 2025, Month: time.February, Day: 30}, "", false},
		{"month 13", lsusync.Date{Year: 2025, Month: 13, Day: 1}, "", false},
		{"day 0", lsusync.Date{Year: 2025, Month: time.January}, "", false},
		{"year of five digits", lsusync.Date{Year: 12025, Month: time.January, Day: 1}, "", false},
		{"negative year", lsusync.Date{Year: -1, Month: time.January, Day: 1}, "", false},
		{"zero date and time", lsusync.DateTime{}, "", true},
		{"date without time", lsusync.DateTime{Date: lsusync.Date{Year: 2025, Month: time.December, Day: 12}}, "2025-12-12", true},
		{"date and time", lsusync.DateTime{Date: lsusync.Date{Year: 2025, Month: time.December, Day: 12}, Hour: 18, Minute: 30, Second: 5, Timed: true}, "2025-12-12T18:30:05", true},
		{"midnight", lsusync.DateTime{Date: lsusync.Date{Year: 2025, Month: time.December, Day: 12}, Timed: true}, "2025-12-12T00:00:00", true},
		{"hour 24", lsusync.DateTime{Date: lsusync.Date{Year: 2025, Month: time.December, Day: 12}, Hour: 24, Timed: true}, "", false},
		{"a time without Timed", lsusync.DateTime{Date: lsusync.Date{Year: 2025, Month: time.December, Day: 12}, Hour: 8}, "", false},
		{"an invalid date with a time", lsusync.DateTime{Date: lsusync.Date{Year: 2025, Month: time.February, Day: 30}, Timed: true}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.v.MarshalText()
			switch {
			case !tc.ok && err == nil:
				t.Errorf("MarshalText() = %q, want an error", b)
			case tc.ok && err != nil:
				t.Errorf("MarshalText(): %v", err)
			case tc.ok && string(b) != tc.want:
				t.Errorf("MarshalText() = %q, want %q", b, tc.want)
			}
		})
	}
}
