package lsufile

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// prologue reads the start of the file: a UTF-8 byte-order mark is
// skipped; the XML declaration's encoding is UTF-8 (or none), or one of
// the single-byte encodings other tools write (ISO-8859-1, ISO-8859-15,
// windows-1252), which are turned into UTF-8 as the file is read. It
// returns the reader of the document, from its first byte, in UTF-8.
func prologue(r io.Reader, file string) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 4096)
	head, err := br.Peek(4)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}), bytes.HasPrefix(head, []byte{0xFF, 0xFE}),
		bytes.HasPrefix(head, []byte{0, '<'}), bytes.HasPrefix(head, []byte{'<', 0}):
		return nil, &Error{File: file, Line: 1, Msg: "the file is in UTF-16: save it in UTF-8", Err: ErrEncoding}
	}
	head, _ = br.Peek(1024)
	if !bytes.HasPrefix(head, []byte("<?xml")) || len(head) < 6 || !isSpace(rune(head[5])) {
		return br, nil
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return br, nil // the tokenizer says what is wrong
	}
	enc, ok := declAttr(string(head[5:end]), "encoding")
	if !ok {
		return br, nil
	}
	switch strings.ToUpper(enc) {
	case "UTF-8", "UTF8":
		return br, nil
	case "ISO-8859-1", "LATIN1", "ISO_8859-1":
		return transform.NewReader(br, charmap.ISO8859_1.NewDecoder()), nil
	case "ISO-8859-15", "LATIN-9", "ISO_8859-15":
		return transform.NewReader(br, charmap.ISO8859_15.NewDecoder()), nil
	case "WINDOWS-1252", "CP1252":
		return transform.NewReader(br, charmap.Windows1252.NewDecoder()), nil
	}
	return nil, &Error{File: file, Line: 1, Element: "?xml", Value: enc,
		Msg: "an encoding lsufile does not read: save the file in UTF-8 (or ISO-8859-1, ISO-8859-15, windows-1252)", Err: ErrEncoding}
}

// declAttr returns the value of the pseudo-attribute name of an XML
// declaration's body.
func declAttr(body, name string) (string, bool) {
	i := strings.Index(body, name)
	for i >= 0 {
		rest := strings.TrimLeft(body[i+len(name):], " \t\r\n")
		if strings.HasPrefix(rest, "=") {
			rest = strings.TrimLeft(rest[1:], " \t\r\n")
			if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
				if j := strings.IndexByte(rest[1:], rest[0]); j >= 0 {
					return rest[1 : 1+j], true
				}
			}
			return "", false
		}
		next := strings.Index(body[i+1:], name)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return "", false
}
