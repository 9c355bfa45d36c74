package lsufile

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestStableNFC checks the fast path of clean against the norm package:
// each character it takes as stable is in NFC alone and starts a new
// composition (no character before it combines with it), so that a text
// of such characters is in NFC whatever their order.
func TestStableNFC(t *testing.T) {
	n := 0
	for r := rune(0); r <= 0x20AC; r++ {
		if !stableNFC(r) || !xmlChar(r) {
			continue
		}
		n++
		s := string(r)
		p := norm.NFC.PropertiesString(s)
		if !norm.NFC.IsNormalString(s) || !p.BoundaryBefore() || p.CCC() != 0 {
			t.Errorf("U+%04X is taken as stable in NFC, and is not (normal %v, boundary before %v, ccc %d)",
				r, norm.NFC.IsNormalString(s), p.BoundaryBefore(), p.CCC())
		}
	}
	if n < 700 {
		t.Fatalf("%d characters checked", n)
	}
	// A text with an accent as a combining mark is still composed.
	if got, _, _ := clean("e\u0301l\u00e8ve"); got != "\u00e9l\u00e8ve" {
		t.Errorf("clean composed %q", got)
	}
}
