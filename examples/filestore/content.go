package filestore

import (
	"bytes"
	"encoding/json"
)

// The content of a bilan and of an acquis is written as the JSON form of
// lsusync.BilanContent and lsusync.AcquisContent, by encoding/json, and
// read by jsonscan's decoder, derived from the same types' json tags: a
// content field added to those types is written and read with no change
// here.

// contentEncoder writes contents as encoding/json does, without escaping
// HTML (as appendString does not), reusing one buffer.
type contentEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newContentEncoder() *contentEncoder {
	c := &contentEncoder{}
	c.enc = json.NewEncoder(&c.buf)
	c.enc.SetEscapeHTML(false)
	return c
}

// appendContent appends the JSON form of v, a pointer to a content.
func (c *contentEncoder) append(b []byte, v any) ([]byte, error) {
	c.buf.Reset()
	if err := c.enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(c.buf.Bytes(), []byte{'\n'})...), nil
}
