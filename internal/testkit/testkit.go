// Package testkit holds the helpers that the module's tests share, so that
// each is written once: the CPU time of the process, for the benchmarks,
// and the search of a value in an output as a whole token, for the checks
// that an output holds no personal data.
package testkit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ContainsToken reports whether v appears in text as a whole token: not
// inside a longer word or number, such as a random part of a temporary
// folder's name ("2014" in "/tmp/TestRefusals2014951301"). An empty v is
// never found.
func ContainsToken(text, v string) bool {
	if v == "" {
		return false
	}
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; i <= len(text); {
		j := strings.Index(text[i:], v)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(v)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (start == 0 || !isWord(before)) && (end == len(text) || !isWord(after)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		i = start + size
	}
	return false
}
