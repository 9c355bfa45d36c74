package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"

	"github.com/lsusync/lsusync"
)

var errBadConn = driver.ErrBadConn

// documentsSchema is the first schema version that keeps bilans as JSON
// (bilans.acquis, bilans.head_teachers, bilan_documents).
const documentsSchema = 3

// loadBilans reads the bilans of the pupils of a class with their acquis,
// teachers, professeurs principaux and content: one query.
func (s *Store) loadBilans(ctx context.Context, q queryer, class string) ([]lsusync.Bilan, error) {
	if s.schemaVersion < documentsSchema {
		return s.loadLegacyBilans(ctx, q, class)
	}
	// From the class's pupils to their bilans, by index, as an IN
	// subquery: as a join, SQLite, which has no statistics, may start
	// from every bilan. Each document by a subquery, for the same
	// reason as in lockBilans.
	rs, err := q.QueryContext(ctx, s.d.q(`SELECT b.student, b.year, b.period_count, b.period_index, b.locked, b.imported, b.version,
		b.acquis, b.head_teachers, (SELECT d.content FROM bilan_documents d WHERE d.bilan = b.id)
		FROM bilans b
		WHERE b.uai = ? AND b.student IN (SELECT s.id FROM students s WHERE s.uai = ? AND s.class = ?)`), s.uai, s.uai, class)
	if err != nil {
		return nil, err
	}
	var out []lsusync.Bilan
	cache := newSyncedCache()
	docs := newDocumentDecoder()
	in := newInterner()
	var student, acquis, heads, content sql.RawBytes
	for rs.Next() {
		var b lsusync.Bilan
		var v int64
		if err := rs.Scan(&student, &b.Period.Year, &b.Period.Count, &b.Period.Index, &b.Locked, &b.Imported, &v,
			&acquis, &heads, &content); err != nil {
			rs.Close()
			return nil, err
		}
		b.Student, b.Version = in.get(student), version(v)
		if err := cache.decode(&b, acquis, heads); err != nil {
			rs.Close()
			return nil, err
		}
		if content != nil {
			if err := docs.decode(&b, content); err != nil {
				rs.Close()
				return nil, err
			}
		}
		out = append(out, b)
	}
	if err := closeRows(rs); err != nil {
		return nil, err
	}
	return out, nil
}

// interner shares the strings that repeat from row to row (pupils' IDs,
// subject codes and labels, teacher keys), so that a class's bilans hold
// each once.
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

// in returns the condition that the text column col holds one of ids,
// and its arguments: "col IN (?, ...)" on SQLite; on PostgreSQL
// "col = ANY(?)", one array, a statement of the same text and plan for any
// number of ids.
func (d *dialect) in(col string, ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if d.engine == Postgres {
		return col + " = ANY(CAST(? AS text[]))", columnArrays(args, 1)
	}
	return col + " IN " + inList(len(ids)), args
}

// inList returns "(?, ?, ...)" with n placeholders.
func inList(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}
