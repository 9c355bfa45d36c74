package siecle

import (
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// charset is the character encoding of one file. The four encodings that
// SIECLE and STS-Web files use are all ASCII-compatible, so markup is
// scanned on the raw bytes and only the values that are kept are decoded.
type charset struct {
	// name is the canonical name, as errors show it.
	name string
	// table maps each byte of a single-byte charset to its rune; nil for
	// UTF-8.
	table *[256]rune
}

func (c *charset) isUTF8() bool { return c.table == nil }

var utf8Charset = &charset{name: "UTF-8"}

// The single-byte charsets, built once from golang.org/x/text's tables
// (the same tables the reference decoder in the tests uses). They are
// never modified after package initialisation.
var (
	iso885915Charset = singleByte("ISO-8859-15", charmap.ISO8859_15)
	iso88591Charset  = singleByte("ISO-8859-1", charmap.ISO8859_1)
	windows1252Cset  = singleByte("windows-1252", charmap.Windows1252)
)

func singleByte(name string, cm *charmap.Charmap) *charset {
	var t [256]rune
	for i := range t {
		t[i] = cm.DecodeByte(byte(i))
	}
	return &charset{name: name, table: &t}
}

// lookupCharset returns the charset an XML declaration names, or nil when
// the label is not one this package reads. Labels are matched without
// regard to case.
func lookupCharset(label string) *charset {
	switch strings.ToLower(label) {
	case "utf-8", "utf8":
		return utf8Charset
	case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin-9", "latin9", "l9":
		return iso885915Charset
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin-1", "latin1", "l1":
		return iso88591Charset
	case "windows-1252", "cp1252", "x-cp1252":
		return windows1252Cset
	}
	return nil
}
