package siecle

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/lsusync/lsusync"
)

// interner shares the strings that repeat across records (class, group
// and subject codes, teacher types), so that each is allocated once.
type interner map[string]string

func (m interner) get(b []byte) string {
	if s, ok := m[string(b)]; ok {
		return s
	}
	s := string(b)
	m[s] = s
	return s
}

func isDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isPositiveInt reports a positive integer written in decimal digits,
// leading zeros allowed (SIECLE's ELEVE_ID, LSU's id-be).
func isPositiveInt(b []byte) bool {
	if !isDigits(b) || len(b) > 18 {
		return false
	}
	for _, c := range b {
		if c != '0' {
			return true
		}
	}
	return false
}

// isUAI reports an establishment code: seven digits and a capital letter
// (the last letter is a checksum, not verified here).
func isUAI(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < 7; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[7] >= 'A' && s[7] <= 'Z'
}

// isSubjectCode reports a 6-digit subject code (CODE_MATIERE).
func isSubjectCode(b []byte) bool { return len(b) == 6 && isDigits(b) }

func validDate(y, m, d int) (lsusync.Date, bool) {
	if y < 1 || m < 1 || m > 12 || d < 1 {
		return lsusync.Date{}, false
	}
	if d > daysIn(time.Month(m), y) {
		return lsusync.Date{}, false
	}
	return lsusync.Date{Year: y, Month: time.Month(m), Day: d}, true
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.April, time.June, time.September, time.November:
		return 30
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

// parseBEEDate parses a SIECLE date, DD/MM/YYYY (day and month may have
// one digit). "" gives the zero Date.
func parseBEEDate(b []byte) (lsusync.Date, bool) {
	if len(b) == 0 {
		return lsusync.Date{}, true
	}
	d, m, y, ok := splitBEEDate(b)
	if !ok {
		return lsusync.Date{}, false
	}
	return validDate(atoi(y), atoi(m), atoi(d))
}

// splitBEEDate splits the digits of DD/MM/YYYY, where the day and the
// month may have one digit.
func splitBEEDate(b []byte) (d, m, y []byte, ok bool) {
	var parts [3][]byte
	n := 0
	start := 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '/' {
			if n == 3 {
				return nil, nil, nil, false
			}
			parts[n] = b[start:i]
			n++
			start = i + 1
		}
	}
	if n != 3 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) != 4 ||
		!isDigits(parts[0]) || !isDigits(parts[1]) || !isDigits(parts[2]) {
		return nil, nil, nil, false
	}
	return parts[0], parts[1], parts[2], true
}

// parseISODate parses an STS-Web date, YYYY-MM-DD. "" gives the zero
// Date.
func parseISODate(b []byte) (lsusync.Date, bool) {
	if len(b) == 0 {
		return lsusync.Date{}, true
	}
	if !isISOShape(b) {
		return lsusync.Date{}, false
	}
	return validDate(atoi(b[:4]), atoi(b[5:7]), atoi(b[8:]))
}

func isISOShape(b []byte) bool {
	return len(b) == 10 && b[4] == '-' && b[7] == '-' && isDigits(b[:4]) && isDigits(b[5:7]) && isDigits(b[8:])
}

// dateProblem says what is wrong with a date that does not parse, without
// repeating it (a birth date is personal data): the form it was written
// in, or the part of the calendar it breaks. bee selects the SIECLE form,
// DD/MM/YYYY; otherwise the STS-Web form, YYYY-MM-DD.
func dateProblem(b []byte, bee bool) string {
	want := "YYYY-MM-DD"
	if bee {
		want = "DD/MM/YYYY"
	}
	var y, m, d int
	if isISOShape(b) {
		if bee {
			return "written YYYY-MM-DD (the STS-Web form) instead of DD/MM/YYYY"
		}
		y, m, d = atoi(b[:4]), atoi(b[5:7]), atoi(b[8:])
	} else if dd, mm, yy, ok := splitBEEDate(b); ok {
		if !bee {
			return "written DD/MM/YYYY (the SIECLE form) instead of YYYY-MM-DD"
		}
		y, m, d = atoi(yy), atoi(mm), atoi(dd)
	} else {
		return fmt.Sprintf("not a date %s: %s", want, shapeOf(b))
	}
	switch {
	case y < 1:
		return fmt.Sprintf("not a date %s: year 0 does not exist", want)
	case m < 1 || m > 12:
		return fmt.Sprintf("not a date %s: month %d does not exist", want, m)
	case d < 1:
		return fmt.Sprintf("not a date %s: day 0 does not exist", want)
	case m == 2 && d == 29:
		return fmt.Sprintf("not a date %s: 29 February in a year that is not a leap year", want)
	case d > daysIn(time.Month(m), y):
		return fmt.Sprintf("not a date %s: day %d does not exist in %s", want, d, time.Month(m))
	}
	return "not a date " + want
}

// shapeOf says how a value was written, without repeating it.
func shapeOf(b []byte) string {
	return fmt.Sprintf("written %q (9 stands for a digit, A for a letter)", shape(b))
}

// shape describes a value without revealing it, for errors about
// personal data: each digit becomes 9, each letter A; other printable
// ASCII characters stay, anything else becomes ?. It stops after 24
// characters.
func shape(b []byte) string {
	var sb strings.Builder
	n := 0
	for _, r := range string(b) {
		if n == 24 {
			sb.WriteString("...")
			break
		}
		n++
		switch {
		case '0' <= r && r <= '9':
			sb.WriteByte('9')
		case unicode.IsLetter(r):
			sb.WriteByte('A')
		case 0x20 <= r && r < 0x7F:
			sb.WriteRune(r)
		default:
			sb.WriteByte('?')
		}
	}
	return sb.String()
}

// parseHours parses a PROGRAMME HORAIRE, "4.00" or "4,00"; "" is 0.
func parseHours(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, true
	}
	var v, scale float64 = 0, 0
	digits := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits++
			if scale == 0 {
				v = v*10 + float64(c-'0')
			} else {
				v += float64(c-'0') * scale
				scale /= 10
			}
		case (c == '.' || c == ',') && scale == 0:
			scale = 0.1
		default:
			return 0, false
		}
	}
	return v, digits > 0
}
