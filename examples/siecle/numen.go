package siecle

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lsusync/lsusync"
)

// applyNUMEN reads the NUMEN CSV file and sets the NUMEN of the teachers
// it names. It returns the number of rows naming an unknown teacher.
func applyNUMEN(path string, teachers []lsusync.Teacher, known map[lsusync.TeacherKey]int, o *Options) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if st.Size() > o.maxFile() {
		return 0, &Error{File: path, Value: fmt.Sprint(st.Size()), Msg: fmt.Sprintf("file larger than %d bytes (Options.MaxFileSize)", o.maxFile()), Err: ErrTooLarge}
	}
	data, err := io.ReadAll(io.LimitReader(f, o.maxFile()))
	if err != nil {
		return 0, err
	}
	rows, err := parseNUMEN(data, path)
	if err != nil {
		return 0, err
	}
	unknown := 0
	for _, r := range rows {
		i, ok := known[r.key]
		if !ok {
			unknown++
			continue
		}
		teachers[i].NUMEN = r.numen
	}
	return unknown, nil
}

type numenRow struct {
	key   lsusync.TeacherKey
	numen string
}

// parseNUMEN parses the NUMEN CSV: a header line "type,id,numen", then one
// line per teacher. The separator is ',' or ';' (as the header uses); a
// UTF-8 byte-order mark is skipped. A row with an empty NUMEN is ignored.
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
		return nil, lineErr(1, "", strings.Join(header, string(r.Comma)), "the first line must be the header type,id,numen")
	}
	var rows []numenRow
	seen := make(map[lsusync.TeacherKey]int)
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
		switch typ {
		case "epp", "local", "dir":
		default:
			return nil, lineErr(line, "type", typ, "a teacher type is epp, local or dir")
		}
		if !isDigits([]byte(id)) {
			return nil, lineErr(line, "id", id, "a teacher id is the STS-Web INDIVIDU@ID, an integer")
		}
		if numen == "" {
			continue
		}
		if !isNUMEN(numen) {
			return nil, lineErr(line, "numen", numen, "a NUMEN has 13 letters and digits")
		}
		k := lsusync.TeacherKey{Type: typ, ID: id}
		if prev, dup := seen[k]; dup {
			return nil, lineErr(line, "id", k.String(), fmt.Sprintf("the same teacher twice (first at line %d)", prev))
		}
		seen[k] = line
		rows = append(rows, numenRow{key: k, numen: numen})
	}
}

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
	// Enrolments are the pupils in file order; Student.Class is the code
	// of their division (STRUCTURE of type D), or "" when they have none.
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
		out.Enrolments[i] = lsusync.Enrolment{Student: st, Groups: pp.groups, ExitDate: pp.exit}
	}
	return out, nil
}
