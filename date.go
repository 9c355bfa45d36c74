package lsusync

import (
	"fmt"
	"strings"
	"time"
)

// Date is a calendar date without a time of day or a time zone, such as a
// birth date or a SIECLE DATE_SORTIE. The zero Date means "no date".
//
// Date is comparable with ==; its text form is ISO 8601 "YYYY-MM-DD", and
// the zero Date's text form is empty.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses an ISO "YYYY-MM-DD" date. An empty string gives the zero
// Date. It reports an invalid calendar date, such as 2025-02-30, as an error.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("lsusync: invalid date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// String returns d as "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	// Without fmt: the report and the stores write many dates.
	b := [10]byte{'0' + byte(d.Year/1000), '0' + byte(d.Year/100%10), '0' + byte(d.Year/10%10), '0' + byte(d.Year%10), '-',
		'0' + byte(d.Month/10), '0' + byte(d.Month%10), '-', '0' + byte(d.Day/10), '0' + byte(d.Day%10)}
	return string(b[:])
}

// MarshalText implements [encoding.TextMarshaler].
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]; it accepts what
// [ParseDate] accepts.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// DateTime is a date with an optional time of day and no time zone, as
// LSU writes the date a bilan was locked (date-verrou): "2025-12-12" or
// "2025-12-12T18:30:00". The zero DateTime means none. DateTime is
// comparable with ==.
type DateTime struct {
	Date Date
	// Hour, Minute and Second are the time of day, when Timed.
	Hour, Minute, Second int
	// Timed reports a time of day: "2025-12-12T00:00:00" is not
	// "2025-12-12".
	Timed bool
}

// ParseDateTime parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS". An empty
// string gives the zero DateTime.
func ParseDateTime(s string) (DateTime, error) {
	if s == "" {
		return DateTime{}, nil
	}
	day, clock, timed := strings.Cut(s, "T")
	d, err := ParseDate(day)
	if err != nil {
		return DateTime{}, fmt.Errorf("lsusync: invalid date and time %q: want YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS", s)
	}
	dt := DateTime{Date: d}
	if timed {
		t, err := time.Parse(time.TimeOnly, clock)
		if err != nil {
			return DateTime{}, fmt.Errorf("lsusync: invalid date and time %q: want YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS", s)
		}
		dt.Hour, dt.Minute, dt.Second, dt.Timed = t.Hour(), t.Minute(), t.Second(), true
	}
	return dt, nil
}

// IsZero reports whether t is the zero DateTime.
func (t DateTime) IsZero() bool { return t == DateTime{} }

// String returns "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS", or "" for the zero
// DateTime.
func (t DateTime) String() string {
	if !t.Timed {
		return t.Date.String()
	}
	return fmt.Sprintf("%sT%02d:%02d:%02d", t.Date, t.Hour, t.Minute, t.Second)
}

// MarshalText implements [encoding.TextMarshaler].
func (t DateTime) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]; it accepts what
// [ParseDateTime] accepts.
func (t *DateTime) UnmarshalText(b []byte) error {
	v, err := ParseDateTime(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
