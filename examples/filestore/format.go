package filestore

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// Format and Version identify the file format; see FORMAT.md.
const (
	// Format is the value of the "format" member of every store file.
	Format = "lsusync-store"
	// Version is the format version this package writes, and the highest
	// it reads. It reads every version from 1, and rewrites a file of an
	// older version in this one at its first commit.
	Version = 3
)

// FileError reports a store file that cannot be read as a store: its
// syntax, its structure or its content is wrong. Err wraps [ErrCorrupt] or
// [ErrVersion].
type FileError struct {
	// Path is the file's path.
	Path string
	// Offset is the byte offset of the error in the file, or -1 when the
	// error concerns the file as a whole (an invalid content).
	Offset int64
	// Line and Column locate Offset, from 1; zero when Offset is -1.
	Line, Column int
	// Err is the cause.
	Err error
}

// Error names the file and, when known, the line, column and byte offset.
func (e *FileError) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("filestore: %s: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("filestore: %s: line %d, column %d (byte %d): %v", e.Path, e.Line, e.Column, e.Offset, e.Err)
}

// Unwrap returns Err.
func (e *FileError) Unwrap() error { return e.Err }

// decodeFile reads and validates the store file at path. Every error is a
// *FileError, or the error of opening or reading the file.
func decodeFile(path string) (lsusync.Snapshot, error) {
	s, _, err := decodeFileMemos(path, nil)
	return s, err
}

// decodeFileMemos is decodeFile that returns the classes' memos too. It
// reads the file a window at a time (see scanner), so that the file is
// never in memory whole beside its content.
func decodeFileMemos(path string, progress func(done, total int64)) (lsusync.Snapshot, map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return lsusync.Snapshot{}, nil, fmt.Errorf("filestore: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return lsusync.Snapshot{}, nil, fmt.Errorf("filestore: %w", err)
	}
	d := newFileScanner(f, fi.Size())
	d.progress = progress
	s, memos, err := d.decode(func() (lsusync.Snapshot, error) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return lsusync.Snapshot{}, err
		}
		return decodeV1(f, fi.Size(), progress)
	})
	if err == nil {
		err = validated(s)
	}
	if err == nil {
		return s, memos, nil
	}
	var de *decodeError
	if !errors.As(err, &de) {
		return lsusync.Snapshot{}, nil, fmt.Errorf("filestore: reading %s: %w", path, err)
	}
	// The position of the error, and a syntax error further on that
	// may be its cause, are found in the whole file: error path only.
	var data []byte
	if de.offset >= 0 {
		if data, err = os.ReadFile(path); err != nil {
			return lsusync.Snapshot{}, nil, fmt.Errorf("filestore: reading %s: %w", path, err)
		}
	}
	return lsusync.Snapshot{}, nil, fileError(data, path, de)
}

// decodeBytes decodes and validates the content of a store file of any
// version this package reads.
func decodeBytes(data []byte) (lsusync.Snapshot, error) {
	s, _, err := decodeMemos(data, nil)
	return s, err
}

// decodeMemos is decodeBytes that returns the classes' memos too.
func decodeMemos(data []byte, progress func(done, total int64)) (lsusync.Snapshot, map[string]string, error) {
	d := newScanner(data)
	d.progress = progress
	s, memos, err := d.decode(func() (lsusync.Snapshot, error) {
		return decodeV1(bytes.NewReader(data), int64(len(data)), progress)
	})
	if err == nil {
		err = validated(s)
	}
	if err != nil {
		return lsusync.Snapshot{}, nil, err
	}
	return s, memos, nil
}

// decodeV1 reads a version 1 file from its beginning.
func decodeV1(r io.Reader, size int64, progress func(done, total int64)) (lsusync.Snapshot, error) {
	if progress != nil {
		r = &progressReader{r: r, total: size, progress: progress}
	}
	s, err := decode(r)
	if err == nil && progress != nil {
		progress(size, size)
	}
	return s, err
}

// validated returns the error of validate as an error of the file.
func validated(s lsusync.Snapshot) error {
	if err := validate(s); err != nil {
		return &decodeError{offset: -1, err: fmt.Errorf("%w: invalid content: %w", ErrCorrupt, err)}
	}
	return nil
}

// loadFile reads the store file at path into a memory store with the
// given persist function; memory.NewPersistent checks what decodeFile
// does not: duplicate keys and references.
func loadFile(path string, persist memory.Persist, progress func(done, total int64)) (*memory.Store, error) {
	s, memos, err := decodeFileMemos(path, progress)
	if err != nil {
		return nil, err
	}
	m, err := memory.NewPersistent(s, memos, persist)
	if err != nil {
		return nil, &FileError{Path: path, Offset: -1, Err: fmt.Errorf("%w: invalid content: %w", ErrCorrupt, err)}
	}
	return m, nil
}

// progressReader reports the bytes read through it every 4 MiB.
type progressReader struct {
	r           io.Reader
	done, total int64
	next        int64
	progress    func(done, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.done >= p.next {
		p.progress(p.done, p.total)
		p.next = p.done + progressStep
	}
	return n, err
}

// progressStep is how many bytes are decoded between two calls of a
// progress function.
const progressStep = 4 << 20

// fileError turns an error of decode into a *FileError with its position.
func fileError(data []byte, path string, err error) error {
	var de *decodeError
	if !errors.As(err, &de) {
		return fmt.Errorf("filestore: reading %s: %w", path, err)
	}
	fe := &FileError{Path: path, Offset: de.offset, Err: de.err}
	if !de.syntax && de.offset >= 0 {
		// A syntax error further on may be the cause of this one.
		var se *json.SyntaxError
		if err := json.Unmarshal(data, new(json.RawMessage)); errors.As(err, &se) && se.Offset-1 > de.offset {
			de.syntax = true
		}
	}
	if de.syntax {
		// The streaming decoder does not give the absolute offset of a
		// syntax error; a whole-file check does, in the words of
		// encoding/json whichever decoder found it. Error path only.
		var se *json.SyntaxError
		if uerr := json.Unmarshal(data, new(json.RawMessage)); errors.As(uerr, &se) {
			msg, truncated := syntaxMessage(se, len(data))
			fe.Offset = se.Offset
			if !truncated && fe.Offset > 0 {
				fe.Offset-- // the offending byte
			}
			fe.Err = fmt.Errorf("%w: %s", ErrCorrupt, msg)
		}
	}
	if fe.Offset >= 0 {
		fe.Line, fe.Column = position(data, fe.Offset, de.skipSep)
	}
	return fe
}

// syntaxMessage describes a syntax error of a whole-file check, and
// reports whether the file is truncated.
func syntaxMessage(se *json.SyntaxError, size int) (msg string, truncated bool) {
	if se.Offset >= int64(size) && se.Error() == "unexpected end of JSON input" {
		return "truncated file", true
	}
	return "JSON syntax error: " + se.Error(), false
}

// position returns the line and column, from 1, of byte offset off in
// data. With skipSep, it first skips commas and white space from off, to
// point at the record that begins there.
func position(data []byte, off int64, skipSep bool) (line, col int) {
	off = min(off, int64(len(data)))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = 1 + len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	for i := off; skipSep && i < int64(len(data)); i++ {
		switch data[i] {
		case '\n':
			line, col = line+1, 1
		case ',', ' ', '\t', '\r':
			col++
		default:
			return line, col
		}
	}
	return line, col
}

// decodeError is an error of decode with its position.
type decodeError struct {
	offset  int64 // -1: unknown
	syntax  bool  // a syntax error or a truncation: locate it again
	skipSep bool  // offset is before the separator of the record in error
	err     error // wraps ErrCorrupt or ErrVersion
}

func (e *decodeError) Error() string { return e.err.Error() }
func (e *decodeError) Unwrap() error { return e.err }

// decoder reads a store file with a streaming json.Decoder, one record at
// a time.
type decoder struct {
	d *json.Decoder
}

// decode reads a store file strictly: the header first, no unknown or
// repeated member, no trailing data.
func decode(r io.Reader) (lsusync.Snapshot, error) {
	dd := &decoder{d: json.NewDecoder(bufio.NewReaderSize(r, 256<<10))}
	dd.d.DisallowUnknownFields()
	var s lsusync.Snapshot
	if err := dd.delim('{', "the file must begin with a JSON object"); err != nil {
		return s, err
	}
	key, err := dd.key()
	if err != nil {
		return s, err
	}
	if key != "format" {
		return s, dd.errorf(`the first member must be "format", not %q`, key)
	}
	var format string
	if err := dd.value(&format, "format"); err != nil {
		return s, err
	}
	if format != Format {
		return s, dd.errorf("format %q, want %q: not an lsusync store file", format, Format)
	}
	if key, err = dd.key(); err != nil {
		return s, err
	}
	if key != "version" {
		return s, dd.errorf(`the second member must be "version", not %q`, key)
	}
	var version int
	if err := dd.value(&version, "version"); err != nil {
		return s, err
	}
	if version > Version {
		return s, &decodeError{offset: dd.d.InputOffset(), err: fmt.Errorf("%w: version %d; this program reads versions up to %d: update it", ErrVersion, version, Version)}
	}
	if version < 1 {
		return s, dd.errorf("version %d, want 1 to %d", version, Version)
	}
	if key, err = dd.key(); err != nil {
		return s, err
	}
	if key != "data" {
		return s, dd.errorf(`the third member must be "data", not %q`, key)
	}
	if err := dd.data(&s); err != nil {
		return s, err
	}
	if err := dd.end('}', "the file"); err != nil {
		return s, err
	}
	if _, err := dd.d.Token(); err != io.EOF {
		if err == nil {
			return s, dd.errorf("trailing data after the store object")
		}
		return s, dd.tokenError(err)
	}
	return s, nil
}

// data reads the "data" object.
func (dd *decoder) data(s *lsusync.Snapshot) error {
	if err := dd.delim('{', `"data" must be an object`); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dd.d.More() {
		key, err := dd.key()
		if err != nil {
			return err
		}
		if seen[key] {
			return dd.errorf("member %q of \"data\" appears twice", key)
		}
		seen[key] = true
		switch key {
		case "establishment":
			err = dd.value(&s.Establishment, "establishment")
		case "teachers":
			s.Teachers, err = decodeArray[lsusync.Teacher](dd, key)
		case "classes":
			s.Classes, err = decodeArray[lsusync.Class](dd, key)
		case "students":
			s.Students, err = decodeArray[lsusync.Student](dd, key)
		case "bilans":
			s.Bilans, err = decodeBilansV1(dd)
		default:
			err = dd.errorf("unknown member %q of \"data\"", key)
		}
		if err != nil {
			return err
		}
	}
	return dd.end('}', `"data"`)
}

// decodeArray reads an array of records, or null.
func decodeArray[T any](dd *decoder, name string) ([]T, error) {
	tok, err := dd.d.Token()
	if err != nil {
		return nil, dd.tokenError(err)
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('[') {
		return nil, dd.errorf("%q must be an array", name)
	}
	var out []T
	for i := 0; dd.d.More(); i++ {
		start := dd.d.InputOffset()
		var v T
		if err := dd.d.Decode(&v); err != nil {
			return nil, dd.recordError(err, start, fmt.Sprintf("%s[%d]", name, i))
		}
		out = append(out, v)
	}
	return out, dd.end(']', fmt.Sprintf("%q", name))
}

// decodeBilansV1 reads the bilans of a version 1 file, or null.
func decodeBilansV1(dd *decoder) ([]lsusync.Bilan, error) {
	tok, err := dd.d.Token()
	if err != nil {
		return nil, dd.tokenError(err)
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('[') {
		return nil, dd.errorf("%q must be an array", "bilans")
	}
	var out []lsusync.Bilan
	for i := 0; dd.d.More(); i++ {
		start := dd.d.InputOffset()
		what := fmt.Sprintf("bilans[%d]", i)
		var v bilanV1
		if err := dd.d.Decode(&v); err != nil {
			return nil, dd.recordError(err, start, what)
		}
		b, err := v.bilan()
		if err != nil {
			return nil, &decodeError{offset: start, skipSep: true, err: fmt.Errorf("%w: %s: %v", ErrCorrupt, what, err)}
		}
		out = append(out, b)
	}
	return out, dd.end(']', `"bilans"`)
}

// bilanV1 is a bilan of a version 1 file: the JSON form of lsusync.Bilan
// of then (see FORMAT.md).
type bilanV1 struct {
	Student      string               `json:"student"`
	Period       lsusync.Period       `json:"period"`
	Locked       bool                 `json:"locked"`
	Imported     bool                 `json:"imported"`
	Acquis       []acquisV1           `json:"acquis"`
	HeadTeachers []lsusync.TeacherKey `json:"headTeachers"`
	Content      map[string]string    `json:"content"`
}

// acquisV1 is an acquis of a version 1 file.
type acquisV1 struct {
	Subject struct {
		Code     string `json:"code"`
		Label    string `json:"label"`
		Modality string `json:"modality"`
	} `json:"subject"`
	Teachers     []lsusync.TeacherKey `json:"teachers"`
	Appreciation string               `json:"appreciation"`
	Positioning  string               `json:"positioning"`
	Average      string               `json:"average"`
	Content      map[string]string    `json:"content"`
}

// bilan returns the bilan of today's model.
func (v *bilanV1) bilan() (lsusync.Bilan, error) {
	b := lsusync.Bilan{Student: v.Student, Period: v.Period, Locked: v.Locked, Imported: v.Imported, HeadTeachers: v.HeadTeachers}
	b.Content = v.Content
	for i, va := range v.Acquis {
		a := lsusync.Acquis{
			Subject:  lsusync.Subject{Code: va.Subject.Code, Label: va.Subject.Label, Modality: va.Subject.Modality},
			Teachers: va.Teachers,
		}
		a.Appreciation, a.Average, a.Content = va.Appreciation, va.Average, va.Content
		if err := legacyPositioning(va.Positioning, &a.AcquisContent); err != nil {
			return b, fmt.Errorf("acquis[%d]: %w", i, err)
		}
		b.Acquis = append(b.Acquis, a)
	}
	return b, nil
}

// legacyPositioning sets the positionnement of an acquis of a file of
// version 1 or 2, where it was a string: "1" to "4" is the number, ""
// none, and any other string is kept in the acquis's Content, under
// "positioning", so that nothing is lost. An acquis whose Content has a
// "positioning" already cannot keep it there: an error.
func legacyPositioning(p string, a *lsusync.AcquisContent) error {
	switch {
	case p == "":
	case len(p) == 1 && '1' <= p[0] && p[0] <= '4':
		a.Positioning = int(p[0] - '0')
	default:
		if _, taken := a.Content[legacyPositioningKey]; taken {
			return fmt.Errorf("positioning %q is not on LSU's scale of 1 to 4, and the acquis's content has a %q already to keep it in", p, legacyPositioningKey)
		}
		if a.Content == nil {
			a.Content = make(map[string]string, 1)
		}
		a.Content[legacyPositioningKey] = p
	}
	return nil
}

// legacyPositioningKey is the name in an acquis's Content of a
// positionnement of a file of version 1 or 2 that is not on LSU's scale.
const legacyPositioningKey = "positioning"

// value reads one value into v.
func (dd *decoder) value(v any, what string) error {
	start := dd.d.InputOffset()
	if err := dd.d.Decode(v); err != nil {
		return dd.recordError(err, start, what)
	}
	return nil
}

// key reads an object key.
func (dd *decoder) key() (string, error) {
	if !dd.d.More() {
		return "", dd.errorf("missing member")
	}
	tok, err := dd.d.Token()
	if err != nil {
		return "", dd.tokenError(err)
	}
	k, ok := tok.(string)
	if !ok {
		return "", dd.errorf("object key expected")
	}
	return k, nil
}

func (dd *decoder) delim(want json.Delim, msg string) error {
	tok, err := dd.d.Token()
	if err != nil {
		return dd.tokenError(err)
	}
	if tok != want {
		return dd.errorf("%s", msg)
	}
	return nil
}

// end reads the closing delimiter of what.
func (dd *decoder) end(want json.Delim, what string) error {
	tok, err := dd.d.Token()
	if err != nil {
		return dd.tokenError(err)
	}
	if tok != want {
		return dd.errorf("unexpected %v in %s", tok, what)
	}
	return nil
}

func (dd *decoder) errorf(format string, args ...any) error {
	return &decodeError{offset: dd.d.InputOffset(), err: fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))}
}

// tokenError turns an error of the Token API into a decodeError.
func (dd *decoder) tokenError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &decodeError{offset: dd.d.InputOffset(), syntax: true, err: fmt.Errorf("%w: truncated file", ErrCorrupt)}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &decodeError{offset: dd.d.InputOffset(), syntax: true, err: fmt.Errorf("%w: JSON syntax error: %v", ErrCorrupt, err)}
	}
	return &decodeError{offset: dd.d.InputOffset(), err: fmt.Errorf("%w: %v", ErrCorrupt, err)}
}

// recordError turns an error of Decode of the record what, which begins
// after start, into a decodeError.
func (dd *decoder) recordError(err error, start int64, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &decodeError{offset: start, syntax: true, err: fmt.Errorf("%w: truncated file in %s", ErrCorrupt, what)}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &decodeError{offset: start, syntax: true, err: fmt.Errorf("%w: JSON syntax error in %s: %v", ErrCorrupt, what, err)}
	}
	var te *json.UnmarshalTypeError
	if strings.HasPrefix(what, "students[") && !errors.As(err, &te) && !strings.Contains(err.Error(), "unknown field") {
		// A pupil's value that does not parse: the birth date. Its
		// value is personal data, kept out of the message.
		err = errors.New("invalid birthDate, want YYYY-MM-DD (the value is personal data: not shown)")
	}
	return &decodeError{offset: start, skipSep: true, err: fmt.Errorf("%w: %s: %v", ErrCorrupt, what, err)}
}
