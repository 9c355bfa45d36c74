package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// Schema versions 1 and 2 kept each acquis, teacher key and content value
// in a row of its own: the tables acquis, acquis_teachers, acquis_content,
// bilan_head_teachers and bilan_content. This file reads them: for a store
// opened read only on such a database, and for the migration to version
// 3, which moves them into the JSON columns.

// loaded is bilans read with their ids, in a transaction.
type loaded struct {
	bilans []lsusync.Bilan
	ids    []int64
	index  map[int64]int // id -> index in bilans
}

// loadLegacyBilans reads the bilans of the pupils of a class from the
// tables of schema versions 1 and 2.
func (s *Store) loadLegacyBilans(ctx context.Context, q queryer, class string) ([]lsusync.Bilan, error) {
	args := []any{s.uai, s.uai, class}
	l, err := loadLegacyRows(ctx, q, s.d.q(`SELECT b.id, b.student, b.year, b.period_count, b.period_index, b.locked, b.imported, b.version
		FROM bilans b WHERE b.uai = ? AND b.student IN (SELECT s.id FROM students s WHERE s.uai = ? AND s.class = ?)`), args)
	if err != nil || len(l.bilans) == 0 {
		return nil, err
	}
	where := ` x WHERE x.bilan IN (SELECT b.id FROM bilans b WHERE b.uai = ? AND b.student IN (SELECT s.id FROM students s WHERE s.uai = ? AND s.class = ?))`
	if err := s.loadLegacyChildren(ctx, q, l, where, args); err != nil {
		return nil, err
	}
	return l.bilans, nil
}

// loadLegacyRows reads the rows of bilans that query selects: id,
// student, period, locked, imported, version.
func loadLegacyRows(ctx context.Context, q queryer, query string, args []any) (*loaded, error) {
	l := &loaded{index: make(map[int64]int)}
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	for rs.Next() {
		var b lsusync.Bilan
		var id, v int64
		if err := rs.Scan(&id, &b.Student, &b.Period.Year, &b.Period.Count, &b.Period.Index, &b.Locked, &b.Imported, &v); err != nil {
			rs.Close()
			return nil, err
		}
		b.Version = version(v)
		l.index[id] = len(l.bilans)
		l.bilans = append(l.bilans, b)
		l.ids = append(l.ids, id)
	}
	return l, closeRows(rs)
}

// loadLegacyChildren reads the children of the bilans of l: the rows of
// each child table x selected by where, a clause that follows "FROM
// table". An acquis's positioning, text in these versions, becomes the
// number of "1" to "4"; "" is none; any other text is kept in the acquis's
// Content (see keepPositioning).
func (s *Store) loadLegacyChildren(ctx context.Context, q queryer, l *loaded, where string, args []any) error {
	in := newInterner()
	bilan := func(id int64) *lsusync.Bilan {
		if i, ok := l.index[id]; ok {
			return &l.bilans[i]
		}
		return nil
	}
	// The acquis of a bilan are keyed by their subject code alone.
	acquis := func(b *lsusync.Bilan, subject []byte) *lsusync.Acquis {
		i := sort.Search(len(b.Acquis), func(i int) bool { return b.Acquis[i].Subject.Code >= string(subject) })
		if i < len(b.Acquis) && b.Acquis[i].Subject.Code == string(subject) {
			return &b.Acquis[i]
		}
		return nil
	}
	// pending are the positionings out of LSU's scale, kept in the
	// acquis's Content once its content rows are read.
	type acquisKey struct {
		bilan   int64
		subject string
	}
	pending := map[acquisKey]string{}
	var id int64
	var c [6]sql.RawBytes
	steps := []struct {
		query string
		dest  []any
		row   func()
	}{
		{"SELECT x.bilan, x.subject, x.subject_label, x.modality, x.appreciation, x.positioning, x.average FROM acquis" + where,
			[]any{&id, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5]},
			func() {
				if b := bilan(id); b != nil {
					a := lsusync.Acquis{
						Subject:       lsusync.Subject{Code: in.get(c[0]), Label: in.get(c[1]), Modality: in.get(c[2])},
						AcquisContent: lsusync.AcquisContent{Appreciation: string(c[3]), Average: in.get(c[5])},
					}
					if p := string(c[4]); len(p) == 1 && p[0] >= '1' && p[0] <= '4' {
						a.AcquisContent.Positioning = int(p[0] - '0')
					} else if p != "" {
						pending[acquisKey{id, a.Subject.Code}] = p
					}
					b.Acquis = append(b.Acquis, a)
				}
			}},
		{"SELECT x.bilan, x.subject, x.teacher_type, x.teacher_id FROM acquis_teachers" + where,
			[]any{&id, &c[0], &c[1], &c[2]},
			func() {
				if b := bilan(id); b != nil {
					if a := acquis(b, c[0]); a != nil {
						a.Teachers = append(a.Teachers, lsusync.TeacherKey{Type: in.get(c[1]), ID: in.get(c[2])})
					}
				}
			}},
		{"SELECT x.bilan, x.subject, x.name, x.value FROM acquis_content" + where,
			[]any{&id, &c[0], &c[1], &c[2]},
			func() {
				if b := bilan(id); b != nil {
					if a := acquis(b, c[0]); a != nil {
						setContent(&a.Content, in.get(c[1]), string(c[2]))
					}
				}
			}},
		{"SELECT x.bilan, x.teacher_type, x.teacher_id FROM bilan_head_teachers" + where,
			[]any{&id, &c[0], &c[1]},
			func() {
				if b := bilan(id); b != nil {
					b.HeadTeachers = append(b.HeadTeachers, lsusync.TeacherKey{Type: in.get(c[0]), ID: in.get(c[1])})
				}
			}},
		{"SELECT x.bilan, x.name, x.value FROM bilan_content" + where,
			[]any{&id, &c[0], &c[1]},
			func() {
				if b := bilan(id); b != nil {
					setContent(&b.Content, in.get(c[0]), string(c[1]))
				}
			}},
	}
	for i, st := range steps {
		if i == 1 { // the acquis are read: sort them for acquis()
			for j := range l.bilans {
				slices.SortFunc(l.bilans[j].Acquis, func(a, b lsusync.Acquis) int { return strings.Compare(a.Subject.Code, b.Subject.Code) })
			}
		}
		rs, err := q.QueryContext(ctx, s.d.q(st.query), args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			if err := rs.Scan(st.dest...); err != nil {
				rs.Close()
				return err
			}
			st.row()
		}
		if err := closeRows(rs); err != nil {
			return err
		}
	}
	for i, id := range l.ids {
		b := &l.bilans[i]
		sortTeacherKeys(b.HeadTeachers)
		for j := range b.Acquis {
			a := &b.Acquis[j]
			sortTeacherKeys(a.Teachers)
			if p, ok := pending[acquisKey{id, a.Subject.Code}]; ok {
				keepPositioning(a, p)
			}
		}
	}
	return nil
}

// setContent sets name to value in the content map *m.
func setContent(m *map[string]string, name, value string) {
	if *m == nil {
		*m = make(map[string]string)
	}
	(*m)[name] = value
}

// keepPositioning keeps a positioning text out of LSU's scale in the
// acquis's Content under "positioning", or, when that name is taken, the
// first of "positioning.2", "positioning.3"... that is free.
func keepPositioning(a *lsusync.Acquis, text string) {
	name := "positioning"
	for n := 2; ; n++ {
		if _, taken := a.Content[name]; !taken {
			break
		}
		name = "positioning." + strconv.Itoa(n)
	}
	setContent(&a.Content, name, text)
}

// migrateDocuments is the Go step of the migration to schema version 3:
// it reads the bilans from the tables of versions 1 and 2, a thousand at
// a time, writes their JSON columns and documents, then drops the old
// tables. The bilans keep their versions: their values are the same.
func (w *writer) migrateDocuments(ctx context.Context) error {
	var last int64
	for {
		l, err := loadLegacyRows(ctx, w.q, w.s.d.q(`SELECT id, student, year, period_count, period_index, locked, imported, version
			FROM bilans WHERE id > ? ORDER BY id LIMIT 1000`), []any{last})
		if err != nil {
			return err
		}
		if len(l.ids) == 0 {
			break
		}
		last = l.ids[len(l.ids)-1]
		args := []any{l.ids[0], last}
		if err := w.s.loadLegacyChildren(ctx, w.q, l, " x WHERE x.bilan BETWEEN ? AND ?", args); err != nil {
			return err
		}
		synced, docs := newRows(tBilanSynced, opUpdate), newRows(tBilanDocuments, opInsert)
		for i, id := range l.ids {
			b := &l.bilans[i]
			acquis, heads, err := encodeSynced(b)
			if err != nil {
				return err
			}
			synced.add(id, acquis, heads)
			content, digest, ok, err := encodeDocument(b)
			if err != nil {
				return err
			}
			if ok {
				docs.add(id, content, digest)
			}
		}
		if err := w.run(ctx, synced, synced.len(), "migrating bilans"); err != nil {
			return err
		}
		if err := w.run(ctx, docs, docs.len(), "migrating the bilans' content"); err != nil {
			return err
		}
	}
	for _, t := range []string{"acquis_content", "acquis_teachers", "acquis", "bilan_head_teachers", "bilan_content"} {
		if _, err := w.q.ExecContext(ctx, "DROP TABLE "+t); err != nil {
			return fmt.Errorf("dropping %s: %w", t, err)
		}
	}
	return nil
}
