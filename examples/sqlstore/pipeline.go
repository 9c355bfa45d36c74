package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/lsusync/lsusync"
)

// On PostgreSQL a writer queues its writes and sends them in one round
// trip, just before its next read or at the end of the change set: a
// class's change set is a handful of round trips, not one per statement.
// The server runs the queued statements in order; the first that fails
// aborts the transaction, and the change set is rolled back to its
// savepoint. SQLite runs in the process, and each write runs at once.

// queued is a write waiting for the next flush.
type queued struct {
	query string
	args  []any
	// want is the number of rows the statements of its group, this one
	// the last, must write in all; -1 when any number will do.
	want  int
	group int
	what  string
}

// flushFirst is the queryer of a PostgreSQL writer: it sends the queued
// writes before each statement it runs, so that every read sees them.
type flushFirst struct {
	w *writer
	q queryer
}

func (f flushFirst) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := f.w.flush(ctx); err != nil {
		return nil, err
	}
	return f.q.ExecContext(ctx, query, args...)
}

func (f flushFirst) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := f.w.flush(ctx); err != nil {
		return nil, err
	}
	return f.q.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query when no write is queued, and panics
// otherwise: a *sql.Row cannot carry the error of the queued writes. The
// writer reads with QueryContext.
func (f flushFirst) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if len(f.w.queued) > 0 {
		panic("sqlstore: QueryRowContext with writes queued: use QueryContext, which sends them first")
	}
	return f.q.QueryRowContext(ctx, query, args...)
}

// newWriter returns the writer of a transaction on conn.
func newWriter(s *Store, conn *sql.Conn) *writer {
	w := &writer{s: s, q: s.d.on(conn), conn: conn}
	if s.d.engine == Postgres {
		w.q = flushFirst{w: w, q: w.q}
		w.queue = true
	}
	return w
}

// enqueue queues the statements of r, which must write want rows in all
// (-1: any number).
func (w *writer) enqueue(r *rows, want int, what string) {
	if r.len() == 0 {
		if want > 0 {
			panic("sqlstore: " + what + ": no rows to write")
		}
		return
	}
	w.groups++
	off := 0
	for _, k := range w.s.d.chunks(r.len(), w.s.d.rowsPerStatement(r)) {
		w.queued = append(w.queued, queued{
			query: w.s.d.statement(r, k), args: w.s.d.args(r, off, k),
			want: -1, group: w.groups, what: what,
		})
		off += k
	}
	w.queued[len(w.queued)-1].want = want
}

// enqueueExec queues a statement without rows to count: a savepoint.
func (w *writer) enqueueExec(query string) {
	w.groups++
	w.queued = append(w.queued, queued{query: query, want: -1, group: w.groups, what: query})
}

// unsent reports whether the statement query is still queued: when it
// is the savepoint of a change set, none of the change set was sent.
func (w *writer) unsent(query string) bool {
	for _, q := range w.queued {
		if q.query == query {
			return true
		}
	}
	return false
}

// flush sends the queued writes in one round trip and checks what each
// group wrote. The queue is empty afterwards, whatever happened.
func (w *writer) flush(ctx context.Context) error {
	if len(w.queued) == 0 {
		return nil
	}
	qs := w.queued
	w.queued = w.queued[:0]
	defer clear(qs) // the values of the rows, for the collector
	var results []*pgconn.Result
	err := w.conn.Raw(func(dc any) error {
		var b pgconn.Batch
		for _, q := range qs {
			params, err := textParams(q.args)
			if err != nil {
				return fmt.Errorf("sqlstore: %s: %w", q.what, err)
			}
			b.ExecParams(q.query, params, nil, nil, nil)
		}
		var err error
		results, err = dc.(*stdlib.Conn).Conn().PgConn().ExecBatch(ctx, &b).ReadAll()
		return err
	})
	if err != nil {
		return err
	}
	var sum int64
	for i, r := range results {
		if r.Err != nil {
			return r.Err
		}
		n := r.CommandTag.RowsAffected()
		w.rows += n
		sum += n
		q := &qs[i]
		if i+1 < len(qs) && qs[i+1].group == q.group {
			continue
		}
		if q.want >= 0 && sum != int64(q.want) {
			return fmt.Errorf("sqlstore: %s: %w", q.what, lsusync.ErrConflict)
		}
		sum = 0
	}
	return nil
}

// textParams returns args, texts (the arrays of [columnArrays]), in
// PostgreSQL's text format, each typed by its use in the statement, as
// pgx's QueryExecModeExec sends them.
func textParams(args []any) ([][]byte, error) {
	out := make([][]byte, len(args))
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			return nil, fmt.Errorf("a parameter of type %T", a)
		}
		out[i] = []byte(s)
	}
	return out, nil
}
