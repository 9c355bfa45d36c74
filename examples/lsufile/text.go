package lsufile

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The texts of the file. LSU counts lengths in characters, and its texts
// ("ChaineN") must hold a character that is not a space, where its
// schema's spaces are U+0020, tab, line feed and carriage return: a
// no-break space is a character. Its pattern's "." excludes the carriage
// return, so a text holding one is invalid, even written as a reference:
// the writer turns CR LF and a lone CR into LF, as an XML parser does
// with the line ends it reads. Texts are written in Unicode's NFC, the
// composed form that the school's software types ("é" as one character,
// not "e" and an accent), in which LSU counts them.

// textProblem is what makes a text impossible to write.
type textProblem int

const (
	textOK      textProblem = iota
	textUTF8                // not valid UTF-8
	textChar                // a character XML 1.0 forbids (a control character, U+FFFE...)
	textBlank               // spaces only, where LSU wants a character
	textShort               // fewer characters than the declaration allows
	textLong                // more characters than the declaration allows
	textMissing             // empty, where the declaration requires a value
)

// clean returns s as the file holds it: CR LF and CR as LF, in NFC. It
// reports the first character XML cannot hold, or invalid UTF-8; the
// text returned is then s.
func clean(s string) (string, textProblem, rune) {
	stable := true // every character is one that NFC never changes
	cr := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\r':
				cr = true
			case c < 0x20 && c != '\t' && c != '\n':
				return s, textChar, rune(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return s, textUTF8, 0
		}
		if !xmlChar(r) {
			return s, textChar, r
		}
		stable = stable && stableNFC(r)
		i += n
	}
	if cr {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	if !stable && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return s, textOK, 0
}

// stableNFC reports whether r is a character that NFC keeps as it is
// whatever surrounds it, for the fast path of French texts: the Latin
// letters (é, œ, ç...) and the spacing marks before U+0300, where the
// combining accents begin, and the dashes and quotes of typography (’,
// –, …, the narrow no-break space) and €. A test checks the set against
// the norm package.
func stableNFC(r rune) bool {
	return r < 0x300 || r >= 0x2010 && r <= 0x2027 || r == 0x202F || r == 0x20AC
}

// xmlChar reports whether XML 1.0 allows r in a document.
func xmlChar(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0xD7FF:
		return true
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// isSpace reports a space of LSU's schema (XML's \s).
func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// blankText reports whether s holds spaces only.
func blankText(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(rune(s[i])) {
			return false
		}
	}
	return true
}

// measure checks the length of the clean text s against sp: the number
// of characters, and a character that is not a space unless sp allows
// blanks. An empty s is textMissing when sp requires a value, textOK
// otherwise (an absent optional value).
func measure(sp *spec, s string) (textProblem, int) {
	if s == "" {
		if sp.required {
			return textMissing, 0
		}
		return textOK, 0
	}
	n := utf8.RuneCountInString(s)
	switch {
	case sp.maxLen > 0 && n > sp.maxLen:
		return textLong, n
	case n < sp.minLen:
		return textShort, n
	case sp.minLen > 0 && !sp.blank && blankText(s):
		return textBlank, n
	}
	return textOK, n
}
