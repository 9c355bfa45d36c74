package siecle

import "testing"

// TestDateProblem: what an error says of a date that does not parse,
// without the date.
func TestDateProblem(t *testing.T) {
	tests := []struct {
		value string
		bee   bool
		want  string
	}{
		{"2014-07-10", true, "written YYYY-MM-DD (the STS-Web form) instead of DD/MM/YYYY"},
		{"10/07/2014", false, "written DD/MM/YYYY (the SIECLE form) instead of YYYY-MM-DD"},
		{"31/02/2012", true, "not a date DD/MM/YYYY: day 31 does not exist in February"},
		{"31/04/2012", true, "not a date DD/MM/YYYY: day 31 does not exist in April"},
		{"29/02/2011", true, "not a date DD/MM/YYYY: 29 February in a year that is not a leap year"},
		{"29/02/1900", true, "not a date DD/MM/YYYY: 29 February in a year that is not a leap year"},
		{"0/1/2012", true, "not a date DD/MM/YYYY: day 0 does not exist"},
		{"1/13/2012", true, "not a date DD/MM/YYYY: month 13 does not exist"},
		{"1/0/2012", true, "not a date DD/MM/YYYY: month 0 does not exist"},
		{"01/01/0000", true, "not a date DD/MM/YYYY: year 0 does not exist"},
		{"2026-13-04", false, "not a date YYYY-MM-DD: month 13 does not exist"},
		{"2026-02-30", false, "not a date YYYY-MM-DD: day 30 does not exist in February"},
		{"10.07.2014", true, `not a date DD/MM/YYYY: written "99.99.9999" (9 stands for a digit, A for a letter)`},
		{"10/07/14", true, `not a date DD/MM/YYYY: written "99/99/99" (9 stands for a digit, A for a letter)`},
		{"10 juillet 2014", true, `not a date DD/MM/YYYY: written "99 AAAAAAA 9999" (9 stands for a digit, A for a letter)`},
		{"2014-7-10", false, `not a date YYYY-MM-DD: written "9999-9-99" (9 stands for a digit, A for a letter)`},
	}
	for _, tc := range tests {
		if _, ok := parseBEEDate([]byte(tc.value)); tc.bee && ok {
			t.Fatalf("%q parses", tc.value)
		}
		if _, ok := parseISODate([]byte(tc.value)); !tc.bee && ok {
			t.Fatalf("%q parses", tc.value)
		}
		if got := dateProblem([]byte(tc.value), tc.bee); got != tc.want {
			t.Errorf("dateProblem(%q, %v) = %q, want %q", tc.value, tc.bee, got, tc.want)
		}
	}
}

// TestShape: a value's shape keeps no letter nor digit of it.
func TestShape(t *testing.T) {
	tests := []struct{ value, want string }{
		{"", ""},
		{"Mme", "AAA"},
		{"12E01", "99A99"},
		{"Zoé Œ-Ÿ", "AAA A-A"},
		{"a\tb\x01", "A?A?"},
		{"€", "?"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "AAAAAAAAAAAAAAAAAAAAAAAA..."},
	}
	for _, tc := range tests {
		if got := shape([]byte(tc.value)); got != tc.want {
			t.Errorf("shape(%q) = %q, want %q", tc.value, got, tc.want)
		}
	}
}
