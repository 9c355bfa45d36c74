package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// table describes a table for the bulk statements: its columns, the first
// nkey of which are its key.
type table struct {
	name  string
	cols  []string
	kinds []kind
	nkey  int
}

// The tables, as the migrations create them.
var (
	tEstablishments = &table{name: "establishments", nkey: 1,
		cols:  []string{"uai", "name", "address_line1", "address_line2", "address_line3", "address_line4", "postal_code", "city", "country", "head_name", "phone", "email"},
		kinds: []kind{text, text, text, text, text, text, text, text, text, text, text, text}}
	tTeachers = &table{name: "teachers", nkey: 3,
		cols:  []string{"uai", "type", "id", "civility", "last_name", "first_name", "numen"},
		kinds: []kind{text, text, text, text, text, text, text}}
	tClasses = &table{name: "classes", nkey: 2,
		cols:  []string{"uai", "code", "label"},
		kinds: []kind{text, text, text}}
	tClassPeriods = &table{name: "class_periods", nkey: 5,
		cols:  []string{"uai", "class", "year", "period_count", "period_index"},
		kinds: []kind{text, text, integer, integer, integer}}
	tStudents = &table{name: "students", nkey: 2,
		cols:  []string{"uai", "id", "class", "ine", "last_name", "usage_name", "first_name", "first_name2", "first_name3", "birth_date", "sex"},
		kinds: []kind{text, text, text, text, text, text, text, text, text, date, text}}
	tBilans = &table{name: "bilans", nkey: 1,
		cols:  []string{"id", "locked", "imported", "acquis", "head_teachers"},
		kinds: []kind{integer, boolean, boolean, jsonText, jsonText}}
	tBilanKeys = &table{name: "bilans", nkey: 5,
		cols:  []string{"uai", "student", "year", "period_count", "period_index", "locked", "imported", "acquis", "head_teachers"},
		kinds: []kind{text, text, integer, integer, integer, boolean, boolean, jsonText, jsonText}}
	// tBilanSynced is the JSON columns of bilans, which the migration to
	// schema version 3 fills.
	tBilanSynced = &table{name: "bilans", nkey: 1,
		cols:  []string{"id", "acquis", "head_teachers"},
		kinds: []kind{integer, jsonText, jsonText}}
	tBilanDocuments = &table{name: "bilan_documents", nkey: 1,
		cols:  []string{"bilan", "content", "digest"},
		kinds: []kind{integer, jsonText, text}}
	tClassMemos = &table{name: "class_memos", nkey: 2,
		cols:  []string{"uai", "class", "stamp", "memo"},
		kinds: []kind{text, text, integer, text}}
)

// op is a bulk operation on a table.
type op uint8

const (
	opInsert    op = iota // insert rows of every column
	opAdd                 // insert records: new version 1, skip existing keys
	opUpdate              // update the non-key columns by key
	opReplace             // update a record by key and version: version+1
	opDelete              // delete rows by key
	opAddReturn           // opAdd returning the bilan's id and key
	opEnsure              // insert rows of every column, skip existing keys
)

// rows collects the values of the rows of one bulk operation, flat.
type rows struct {
	t    *table
	op   op
	n    int   // values per row
	vals []any // len(vals) == n * rows
}

func newRows(t *table, o op) *rows {
	n := len(t.cols)
	switch o {
	case opDelete:
		n = t.nkey
	case opReplace:
		n++ // the expected version
	}
	return &rows{t: t, op: o, n: n}
}

func (r *rows) add(v ...any) {
	if len(v) != r.n {
		panic("sqlstore: " + r.t.name + ": " + strconv.Itoa(len(v)) + " values for a row of " + strconv.Itoa(r.n))
	}
	r.vals = append(r.vals, v...)
}

func (r *rows) len() int { return len(r.vals) / r.n }

// chunks splits n rows into statements of at most limit rows each. On
// SQLite their sizes are powers of two, so that a table and an operation
// have a dozen statement texts at most, which the writer prepares once
// per transaction. PostgreSQL prepares nothing (see dialect.on): there
// the fewest statements, the fewest round trips.
func (d *dialect) chunks(n, limit int) []int {
	if d.engine == SQLite {
		return powerChunks(n, limit)
	}
	var out []int
	for ; n > 0; n -= min(n, limit) {
		out = append(out, min(n, limit))
	}
	return out
}

// powerChunks splits n rows into chunks of power-of-two sizes, at most
// limit rows each.
func powerChunks(n, limit int) []int {
	top := 1
	for top*2 <= limit {
		top *= 2
	}
	var out []int
	for n > 0 {
		for top > n {
			top /= 2
		}
		out = append(out, top)
		n -= top
	}
	return out
}

// bulkSQL returns the statement of the operation for k rows. Its rows
// come from a list of VALUES on SQLite, a parameter per value; on
// PostgreSQL from one array per column, unnested, so that the statement's
// text and its parameters are the same for 1 row and for 1,024:
// PostgreSQL parses and plans it in constant time, where a list of VALUES
// of a thousand rows costs more to parse and bind than to run (see
// [columnArrays]).
func (d *dialect) bulkSQL(r *rows, k int) string {
	t := r.t
	var b strings.Builder
	// kind is the type of the value j of a row: its column's, or the
	// expected version's, after the columns.
	kind := func(j int) kind {
		if j < len(t.kinds) {
			return t.kinds[j]
		}
		return integer
	}
	// source writes the rows, each followed by tail, as a query whose
	// columns are named column1...: the values cast to their column's
	// type when cast is set (PostgreSQL's arrays always are).
	source := func(cast bool, tail string) {
		if d.engine == Postgres {
			b.WriteString("SELECT *" + tail + " FROM unnest(")
			for j := range r.n {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("CAST($" + strconv.Itoa(j+1) + " AS " + d.types[kind(j)] + "[])")
			}
			b.WriteString(") AS v(")
			for j := range r.n {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("column" + strconv.Itoa(j+1))
			}
			b.WriteString(")")
			return
		}
		b.WriteString("VALUES ")
		for i := range k {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j := range r.n {
				if j > 0 {
					b.WriteByte(',')
				}
				if cast {
					b.WriteString("CAST(? AS " + d.types[kind(j)] + ")")
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteString(tail + ")")
		}
	}
	switch r.op {
	case opInsert, opEnsure:
		b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") ")
		source(false, "")
		if r.op == opEnsure {
			b.WriteString(" ON CONFLICT DO NOTHING")
		}
	case opAdd, opAddReturn:
		b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ", version) ")
		source(false, ", 1")
		b.WriteString(" ON CONFLICT DO NOTHING")
		if r.op == opAddReturn {
			b.WriteString(" RETURNING id, student, year, period_count, period_index")
		}
	case opUpdate, opReplace:
		b.WriteString("UPDATE " + t.name + " SET ")
		for j := t.nkey; j < len(t.cols); j++ {
			if j > t.nkey {
				b.WriteString(", ")
			}
			b.WriteString(t.cols[j] + " = v.column" + strconv.Itoa(j+1))
		}
		if r.op == opReplace {
			if len(t.cols) > t.nkey {
				b.WriteString(", ")
			}
			b.WriteString("version = " + t.name + ".version + 1")
		}
		b.WriteString(" FROM (")
		source(true, "")
		b.WriteString(") AS v WHERE ")
		for j := range t.nkey {
			if j > 0 {
				b.WriteString(" AND ")
			}
			b.WriteString(t.name + "." + t.cols[j] + " = v.column" + strconv.Itoa(j+1))
		}
		if r.op == opReplace {
			b.WriteString(" AND " + t.name + ".version = v.column" + strconv.Itoa(r.n))
		}
	case opDelete:
		b.WriteString("DELETE FROM " + t.name + " WHERE (" + strings.Join(t.cols[:t.nkey], ", ") + ") IN (")
		source(true, "")
		b.WriteByte(')')
	}
	return b.String()
}

// columnArrays returns the values of the rows vals, n values a row, as
// n arrays in PostgreSQL's text form, one per column: {"a","b",NULL}.
// Every element is quoted, its quotes and backslashes escaped.
func columnArrays(vals []any, n int) []any {
	out := make([]any, n)
	var b []byte
	for j := range n {
		b = append(b[:0], '{')
		for i := j; i < len(vals); i += n {
			if i > j {
				b = append(b, ',')
			}
			switch v := vals[i].(type) {
			case nil:
				b = append(b, "NULL"...)
				continue
			case string:
				b = appendArrayText(b, v)
			case int:
				b = strconv.AppendInt(b, int64(v), 10)
			case int64:
				b = strconv.AppendInt(b, v, 10)
			case bool:
				b = strconv.AppendBool(b, v)
			default:
				panic(fmt.Sprintf("sqlstore: a value of type %T in a bulk statement", v))
			}
		}
		out[j] = string(append(b, '}'))
	}
	return out
}

// appendArrayText appends s as a quoted element of an array's text form.
func appendArrayText(b []byte, s string) []byte {
	b = append(b, '"')
	for {
		k := strings.IndexAny(s, `"\`)
		if k < 0 {
			break
		}
		b = append(b, s[:k]...)
		b = append(b, '\\', s[k])
		s = s[k+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

// args returns the parameters of k rows of r from its row off: the values
// themselves on SQLite, an array per column on PostgreSQL.
func (d *dialect) args(r *rows, off, k int) []any {
	vals := r.vals[off*r.n : (off+k)*r.n]
	if d.engine == Postgres {
		return columnArrays(vals, r.n)
	}
	return vals
}

// queryer is what queries run on: a connection, in a transaction or not.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// exec runs the operation and returns the number of rows it wrote. For
// opAddReturn, each returned row is passed to scan.
func (w *writer) exec(ctx context.Context, r *rows, scan func(*sql.Rows) error) (int64, error) {
	d := w.s.d
	if r.len() == 0 {
		return 0, nil
	}
	limit := d.rowsPerStatement(r)
	var total int64
	off := 0
	for _, k := range d.chunks(r.len(), limit) {
		query := d.statement(r, k)
		args := d.args(r, off, k)
		off += k
		if r.op == opAddReturn {
			rs, err := w.query(ctx, query, args)
			if err != nil {
				return total, err
			}
			for rs.Next() {
				if err := scan(rs); err != nil {
					rs.Close()
					return total, err
				}
				total++
			}
			if err := closeRows(rs); err != nil {
				return total, err
			}
			continue
		}
		res, err := w.execute(ctx, query, args)
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// prepared returns the statement of query prepared on the writer's
// connection, once per transaction, or nil: on SQLite, which parses a
// statement of a thousand rows at each run otherwise. PostgreSQL's
// statements go unnamed (see dialect.on).
func (w *writer) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if w.s.d.engine != SQLite || w.conn == nil {
		return nil, nil
	}
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	st, err := w.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if w.stmts == nil {
		w.stmts = make(map[string]*sql.Stmt)
	}
	w.stmts[query] = st
	return st, nil
}

func (w *writer) execute(ctx context.Context, query string, args []any) (sql.Result, error) {
	st, err := w.prepared(ctx, query)
	if err != nil || st == nil {
		if err == nil {
			return w.q.ExecContext(ctx, query, args...)
		}
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (w *writer) query(ctx context.Context, query string, args []any) (*sql.Rows, error) {
	st, err := w.prepared(ctx, query)
	if err != nil || st == nil {
		if err == nil {
			return w.q.QueryContext(ctx, query, args...)
		}
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// close closes the writer's prepared statements, at the end of its
// transaction.
func (w *writer) close() {
	for _, st := range w.stmts {
		st.Close()
	}
	w.stmts = nil
}

// rowsPerStatement bounds the rows of one statement of r: 1,024, or
// fewer on SQLite when its rows have many values.
func (d *dialect) rowsPerStatement(r *rows) int {
	if d.engine == Postgres {
		return 1024
	}
	return min(1024, d.maxParams/r.n)
}

// statement returns the cached statement of r's table and operation for k
// rows; PostgreSQL's is the same for any k.
func (d *dialect) statement(r *rows, k int) string {
	if d.engine == Postgres {
		k = 0
	}
	key := bulkKey{r.t, r.op, k}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.bulk == nil {
		d.bulk = make(map[bulkKey]string)
	}
	s, ok := d.bulk[key]
	if !ok {
		s = d.bulkSQL(r, k)
		d.bulk[key] = s
	}
	return s
}

type bulkKey struct {
	t *table
	o op
	k int
}
