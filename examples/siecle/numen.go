package siecle

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/lsusync/lsusync"
)

// numenResult is what the NUMEN file gives beside the NUMENs: its rows
// that name no teacher of STS-Web, which are ignored.
type numenResult struct {
	name    string   // the file's base name
	unknown int      // rows naming an unknown teacher
	line    int      // the first of them
	keys    []string // their teachers' keys, in file order
}

// applyNUMEN reads the NUMEN CSV file and sets the NUMEN of the teachers
// it names; index gives the position of each teacher by LSU key.
func applyNUMEN(path string, teachers []lsusync.Teacher, index map[lsusync.TeacherKey]int, o *Options) (numenResult, error) {
	res := numenResult{name: filepath.Base(path)}
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return res, err
	}
	if st.Size() > o.maxFile() {
		return res, &Error{File: path, Value: fmt.Sprint(st.Size()), Msg: fmt.Sprintf("file larger than %d bytes (Options.MaxFileSize)", o.maxFile()), Err: ErrTooLarge}
	}
	data, err := io.ReadAll(io.LimitReader(f, o.maxFile()))
	if err != nil {
		return res, err
	}
	rows, err := parseNUMEN(data, path)
	if err != nil {
		return res, err
	}
	for _, r := range rows {
		i, ok := index[r.key]
		if !ok {
			if res.unknown == 0 {
				res.line = r.line
			}
			res.keys = append(res.keys, r.key.String())
			res.unknown++
			continue
		}
		teachers[i].NUMEN = r.numen
	}
	return res, nil
}

type numenRow struct {
	key   lsusync.TeacherKey // the LSU key: a dir row is read as epp
	numen string
	line  int
}

// parseNUMEN parses the NUMEN CSV: a header line "type,id,numen", then one
// line per teacher. The separator is ',' or ';' (as the header uses); a
// UTF-8 byte-order mark is skipped. A row with an empty NUMEN is ignored.
// The type dir is read as epp, as in STS-Web. A NUMEN is personal data:
// errors describe a malformed one without repeating it, and since a line
// whose columns are out of place could hold one anywhere, no value of the
// file is repeated, only the teacher keys.
func parseNUMEN(data []byte, file string) ([]numenRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	lineErr := func(line int, elem, value, msg string) error {
		return &Error{File: file, Line: line, Element: elem, Value: value, Msg: msg, Err: ErrValue}
	}
	header, err := r.Read()
	if err == io.EOF {
		return nil, lineErr(1, "", "", "empty NUMEN file: the first line must be the header type,id,numen")
	}
	if err != nil {
		return nil, csvErr(file, err)
	}
	if len(header) != 3 || !strings.EqualFold(strings.TrimSpace(header[0]), "type") ||
		!strings.EqualFold(strings.TrimSpace(header[1]), "id") || !strings.EqualFold(strings.TrimSpace(header[2]), "numen") {
		msg := "the first line must be the header type,id,numen"
		if len(header) > 0 && isTeacherType(strings.TrimSpace(header[0])) {
			msg += ": it is a teacher's line, the header is missing"
		}
		return nil, lineErr(1, "", "", msg)
	}
	var rows []numenRow
	type seenRow struct {
		line int
		typ  string // as written
	}
	seen := make(map[lsusync.TeacherKey]seenRow)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, csvErr(file, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 3 {
			return nil, lineErr(line, "", "", fmt.Sprintf("%d fields, expected 3: type,id,numen", len(rec)))
		}
		typ, id, numen := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.ToUpper(strings.TrimSpace(rec[2]))
		if !isTeacherType(typ) {
			return nil, lineErr(line, "type", "", "a teacher type is epp, local or dir: "+shapeOf([]byte(typ)))
		}
		if !isDigits([]byte(id)) {
			return nil, lineErr(line, "id", "", "a teacher id is the STS-Web INDIVIDU@ID, an integer: "+shapeOf([]byte(id)))
		}
		if numen == "" {
			continue
		}
		if !isNUMEN(numen) {
			return nil, lineErr(line, "numen", "", fmt.Sprintf("a NUMEN has 13 letters and digits: %d characters %s", utf8.RuneCountInString(numen), shapeOf([]byte(numen))))
		}
		k := lsuKey(lsusync.TeacherKey{Type: typ, ID: id})
		if prev, dup := seen[k]; dup {
			msg := fmt.Sprintf("the same teacher twice (first at line %d)", prev.line)
			if prev.typ != typ {
				msg += ": the type dir is read as epp, LSU has no type dir"
			}
			return nil, lineErr(line, "id", k.String(), msg)
		}
		seen[k] = seenRow{line, typ}
		rows = append(rows, numenRow{key: k, numen: numen, line: line})
	}
}

func isTeacherType(s string) bool { return s == typeEpp || s == "local" || s == typeDir }

func isNUMEN(s string) bool {
	if len(s) != 13 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func csvErr(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: file, Line: pe.Line, Msg: "malformed CSV: " + pe.Err.Error(), Err: ErrValue}
	}
	return err
}

// Pupils is what one BEE_ELEVES file holds, read by [ReadEleves].
type Pupils struct {
	// UAI is PARAMETRES/UAJ as written; ReadEleves does not check it.
	UAI string
	// Year is PARAMETRES/ANNEE_SCOLAIRE, or "".
	Year string
	// Enrolments are the pupils in file order, with their groups and
	// options; Student.Class is the code of their division (STRUCTURE of
	// type D), or "" when they have none.
	Enrolments []lsusync.Enrolment
	// OrphanStructures counts STRUCTURES_ELEVE entries naming no pupil.
	OrphanStructures int
}

// ReadEleves reads one BEE_ELEVES file (plain XML, not a zip) on its own,
// with every check of [Open] on the pupils but none across files: the UAI
// is not checked, and every pupil is returned whatever their division.
// name is the file's name for error messages.
func ReadEleves(ctx context.Context, r io.Reader, name string, opts Options) (*Pupils, error) {
	p, err := readStream(ctx, r, name, &opts)
	if err != nil {
		return nil, err
	}
	if p.kind != KindEleves {
		return nil, &Error{File: name, Element: p.root, Err: ErrWrongFile, Msg: "not a BEE_ELEVES file (ElevesSansAdresses.xml)"}
	}
	out := &Pupils{UAI: p.uai, Year: p.year, OrphanStructures: p.eleves.orphans}
	out.Enrolments = make([]lsusync.Enrolment, p.eleves.pupils.len())
	for i := range out.Enrolments {
		pp := p.eleves.pupils.at(i)
		st := pp.st
		st.Class = pp.division
		out.Enrolments[i] = lsusync.Enrolment{Student: st, Groups: pp.groups, ExitDate: pp.exit, Options: p.eleves.options[st.ID]}
	}
	return out, nil
}
