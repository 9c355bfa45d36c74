package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

var errBadConn = driver.ErrBadConn

// loaded is bilans read with their ids, in a transaction.
type loaded struct {
	bilans []lsusync.Bilan
	ids    []int64
	index  map[int64]int // id -> index in bilans
}

// loadBilans reads the bilans of the pupils of a class with their acquis,
// teachers, professeurs principaux and content.
func (s *Store) loadBilans(ctx context.Context, q queryer, class string) ([]lsusync.Bilan, error) {
	// The queries go from the class's pupils to their bilans to the
	// bilans' children, by index, as IN subqueries: as joins, SQLite,
	// which has no statistics, may start from every bilan.
	args := []any{s.uai, s.uai, class}
	l := &loaded{index: make(map[int64]int)}
	rs, err := q.QueryContext(ctx, s.d.q(`SELECT b.id, b.student, b.year, b.period_count, b.period_index, b.locked, b.imported, b.version
		FROM bilans b WHERE b.uai = ? AND b.student IN (SELECT s.id FROM students s WHERE s.uai = ? AND s.class = ?)`), args...)
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
	if err := closeRows(rs); err != nil {
		return nil, err
	}
	if len(l.bilans) == 0 {
		return nil, nil
	}
	where := ` x WHERE x.bilan IN (SELECT b.id FROM bilans b WHERE b.uai = ? AND b.student IN (SELECT s.id FROM students s WHERE s.uai = ? AND s.class = ?))`
	if err := s.loadChildren(ctx, q, l, where, args); err != nil {
		return nil, err
	}
	return l.bilans, nil
}

// loadChildren reads the children of the bilans of l: the rows of each
// child table x selected by where, a clause that follows "FROM table".
func (s *Store) loadChildren(ctx context.Context, q queryer, l *loaded, where string, args []any) error {
	in := newInterner()
	bilan := func(id int64) *lsusync.Bilan {
		if i, ok := l.index[id]; ok {
			return &l.bilans[i]
		}
		return nil
	}
	acquis := func(b *lsusync.Bilan, subject []byte) *lsusync.Acquis {
		i := sort.Search(len(b.Acquis), func(i int) bool { return b.Acquis[i].Subject.Code >= string(subject) })
		if i < len(b.Acquis) && b.Acquis[i].Subject.Code == string(subject) {
			return &b.Acquis[i]
		}
		return nil
	}
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
					pos, _ := strconv.Atoi(in.get(c[4]))
					b.Acquis = append(b.Acquis, lsusync.Acquis{
						Subject:       lsusync.Subject{Code: in.get(c[0]), Label: in.get(c[1]), Modality: in.get(c[2])},
						AcquisContent: lsusync.AcquisContent{Appreciation: string(c[3]), Positioning: pos, Average: in.get(c[5])},
					})
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
						if a.Content == nil {
							a.Content = make(map[string]string)
						}
						a.Content[in.get(c[1])] = string(c[2])
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
					if b.Content == nil {
						b.Content = make(map[string]string)
					}
					b.Content[in.get(c[0])] = string(c[1])
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
	for i := range l.bilans {
		b := &l.bilans[i]
		sortTeacherKeys(b.HeadTeachers)
		for j := range b.Acquis {
			sortTeacherKeys(b.Acquis[j].Teachers)
		}
	}
	return nil
}

// interner shares the strings that repeat from row to row (subject codes
// and labels, teacher keys), so that a class's bilans hold each once.
type interner map[string]string

func newInterner() interner { return make(interner) }

func (in interner) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

// inList returns "(?, ?, ...)" with n placeholders.
func inList(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}
