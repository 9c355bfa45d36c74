package gen

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEscape checks the XML writer on any value: it either refuses the
// value with an error naming the element, or writes a document from which
// encoding/xml reads back exactly the value, as text and as an attribute,
// in ISO-8859-15 and in UTF-8.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "Cœur", "D'Artagnan", `a "b" & <c>`, "tab\there", "cr\r\nlf", " lead and trail ",
		"Œuvray Ÿvert Šimek Žukauskas €", "ĳ", "\x00", "\xff", "\uFFFE", "\U0001F600", "]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range []bool{false, true} {
			var buf bytes.Buffer
			x := newXMLWriter(&buf, u, false)
			x.header()
			x.open("ROOT")
			x.leaf("V", s, "A", s)
			x.close()
			err := x.flush()
			if err != nil {
				if !strings.Contains(err.Error(), "element ") {
					t.Fatalf("error %q names no element", err)
				}
				if utf8.ValidString(s) && u && !strings.ContainsAny(s, "\uFFFE\uFFFF") && validXMLChars(s) {
					t.Fatalf("UTF-8 refused a valid value %q: %v", s, err)
				}
				continue
			}
			var doc struct {
				V struct {
					A    string `xml:"A,attr"`
					Text string `xml:",chardata"`
				}
			}
			d := xml.NewDecoder(&buf)
			d.CharsetReader = charsetReader
			if err := d.Decode(&doc); err != nil {
				t.Fatalf("utf8=%v: %q: the written document does not parse: %v", u, s, err)
			}
			if doc.V.Text != s || doc.V.A != s {
				t.Fatalf("utf8=%v: wrote %q, read back text %q and attribute %q", u, s, doc.V.Text, doc.V.A)
			}
		}
	})
}

func validXMLChars(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}
