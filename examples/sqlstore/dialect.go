package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
)

//go:embed migrations
var migrationFiles embed.FS

// Engine names a database engine the package supports.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"   // modernc.org/sqlite, pure Go
	Postgres Engine = "postgres" // github.com/jackc/pgx/v5/stdlib
)

// kind is the type of a column, for the casts of bulk statements.
type kind uint8

const (
	text kind = iota
	integer
	boolean
	date
	jsonText // JSON: json on PostgreSQL, TEXT on SQLite
)

// dialect is what differs between the engines: everything else, every
// query and every write, is shared.
type dialect struct {
	engine Engine
	// maxParams bounds the parameters of one statement.
	maxParams int
	// forUpdate is appended to the reads that lock the rows a write
	// checks: PostgreSQL locks rows; SQLite's write transaction holds
	// the whole database. The lock is FOR NO KEY UPDATE, as an UPDATE
	// that changes no key takes: a write never changes a row's key, and
	// the weaker lock lets another transaction insert a row that refers
	// to the locked one (its foreign key check takes FOR KEY SHARE)
	// instead of waiting for the lock's holder, which may be waiting for
	// it (a batch, at its commit, for the row of class_memos it added).
	forUpdate string
	// types names the cast of each kind.
	types [5]string
	// studentsByClass is the students table read through its index by
	// class. SQLite, which keeps no statistics unless asked, otherwise
	// reads a class's pupils by scanning every pupil of the
	// establishment: a sync of 100,000 pupils read each one 4,000 times.
	studentsByClass string

	mu      sync.Mutex
	rebound map[string]string // query with ? -> query with $n
	bulk    map[bulkKey]string
}

func newDialect(e Engine) *dialect {
	d := &dialect{engine: e, rebound: make(map[string]string)}
	switch e {
	case SQLite:
		d.maxParams = 32766
		d.types = [5]string{"TEXT", "INTEGER", "INTEGER", "TEXT", "TEXT"}
		d.studentsByClass = "students INDEXED BY students_by_class"
	case Postgres:
		d.maxParams = 65535
		d.forUpdate = " FOR NO KEY UPDATE"
		d.types = [5]string{"text", "bigint", "boolean", "date", "json"}
		d.studentsByClass = "students"
	}
	return d
}

// engineOf tells the engine of db from its driver.
func engineOf(db *sql.DB) (Engine, error) {
	switch db.Driver().(type) {
	case *sqlite.Driver:
		return SQLite, nil
	case *stdlib.Driver:
		return Postgres, nil
	}
	return "", fmt.Errorf("sqlstore: unsupported database driver %T: want modernc.org/sqlite or github.com/jackc/pgx/v5/stdlib", db.Driver())
}

// q returns query, written with ? placeholders, in the engine's syntax:
// $1, $2... for PostgreSQL. Queries hold no ? but placeholders.
func (d *dialect) q(query string) string {
	if d.engine != Postgres {
		return query
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.rebound[query]; ok {
		return r
	}
	var b strings.Builder
	b.Grow(len(query) + len(query)/4)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	r := b.String()
	d.rebound[query] = r
	return r
}

// migrations returns the engine's migration files.
func (d *dialect) migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(d.engine))
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

// tableExists is a query that returns one row when the table exists.
func (d *dialect) tableExists() string {
	if d.engine == SQLite {
		return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
	}
	return "SELECT 1 WHERE to_regclass($1) IS NOT NULL"
}

// begin starts a transaction on conn: a write transaction that waits at
// most wait for the locks it needs, or a read-only one that sees one
// snapshot of the database.
func (d *dialect) begin(ctx context.Context, conn *sql.Conn, write bool, wait time.Duration) error {
	switch {
	case d.engine == SQLite && write:
		// The pragmas must precede BEGIN: foreign_keys cannot change in
		// a transaction. BEGIN IMMEDIATE takes the database's write lock
		// now, waiting busy_timeout for it, so that the transaction can
		// never fail later for want of it.
		_, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = "+
			strconv.FormatInt(max(wait.Milliseconds(), 0), 10)+"; BEGIN IMMEDIATE")
		return err
	case d.engine == SQLite:
		_, err := conn.ExecContext(ctx, "BEGIN")
		return err
	case write:
		_, err := conn.ExecContext(ctx, "BEGIN; SET LOCAL lock_timeout = "+lockTimeout(wait))
		return err
	default:
		_, err := conn.ExecContext(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
		return err
	}
}

// lockTimeout is PostgreSQL's lock_timeout, in milliseconds, for a wait:
// at least 1, since 0 would mean no limit.
func lockTimeout(wait time.Duration) string {
	return strconv.FormatInt(max(wait.Milliseconds(), 1), 10)
}

// analyzeAfter is the number of pupils a synchronisation adds before it
// has PostgreSQL gather the statistics of the pupils' table.
const analyzeAfter = 1000

// analyzePupils has PostgreSQL gather, in the transaction, the statistics
// of the pupils' table, so that the check of each bilan's pupil (its
// foreign key) finds the pupil by the primary key. PostgreSQL plans that
// check once per connection, for any pupil, and keeps the plan until the
// table's statistics change: made while a first synchronisation fills a
// table without statistics, when both indexes of the table cost the same,
// the plan may read the pupils by class, every pupil of the establishment
// for each bilan added, and a first synchronisation of 100,000 pupils
// took twenty minutes. ANALYZE counts the rows the transaction added, and
// makes PostgreSQL plan the check again. It holds a lock on the table
// until the transaction ends that another ANALYZE would wait for: when
// it cannot have that lock within a tenth of a second, the ANALYZE is
// given up, and the synchronisation goes on. SQLite checks foreign keys
// by the primary key: nothing to do.
func (d *dialect) analyzePupils(ctx context.Context, q queryer, wait time.Duration) error {
	if d.engine != Postgres {
		return nil
	}
	if _, err := q.ExecContext(ctx, "SAVEPOINT lsusync_analyze; SET LOCAL lock_timeout = 100; ANALYZE students"); err != nil {
		if ctx.Err() != nil {
			return err
		}
		_, err = q.ExecContext(ctx, "ROLLBACK TO SAVEPOINT lsusync_analyze; RELEASE SAVEPOINT lsusync_analyze")
		return err
	}
	_, err := q.ExecContext(ctx, "RELEASE SAVEPOINT lsusync_analyze; SET LOCAL lock_timeout = "+lockTimeout(wait))
	return err
}

// on returns what runs the Store's queries on q. For PostgreSQL, every
// query goes as an unnamed statement (pgx's QueryExecModeExec): PostgreSQL
// plans it for its values. The driver's default prepares each statement
// once, and after five runs PostgreSQL may switch to a generic plan, made
// without the values, which for the reads of a class and the bulk
// statements is a scan of the whole table: a hundred times slower in a
// database of many establishments. The parameters go as text, typed by
// their use in the statement.
func (d *dialect) on(q queryer) queryer {
	if d.engine != Postgres {
		return q
	}
	return unnamed{q}
}

// unnamed passes pgx.QueryExecModeExec before the arguments of each query.
type unnamed struct{ q queryer }

func (u unnamed) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return u.q.ExecContext(ctx, query, withMode(args)...)
}

func (u unnamed) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return u.q.QueryContext(ctx, query, withMode(args)...)
}

func (u unnamed) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return u.q.QueryRowContext(ctx, query, withMode(args)...)
}

func withMode(args []any) []any {
	if len(args) == 0 {
		return args // pgx runs a query without arguments as a simple query
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// lockEstablishment takes the lock that keeps two synchronisations of one
// establishment apart, for the rest of the transaction: PostgreSQL's
// transaction-level advisory lock on key (see [SyncLockKey]). SQLite
// needs none: BEGIN IMMEDIATE took the database's write lock.
func (d *dialect) lockEstablishment(ctx context.Context, conn *sql.Conn, key int64, wait time.Duration) error {
	if d.engine != Postgres {
		return nil
	}
	if wait < 0 {
		var ok bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock($1)", key).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return errBusyNow
		}
		return nil
	}
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", key)
	return err
}

// errBusyNow is the lock refused at once, with a negative LockTimeout.
var errBusyNow = errors.New("lock held by another transaction")

// SyncLockKey returns the key of the PostgreSQL advisory lock that a
// synchronisation of the establishment uai, whose tables are in schema
// (PostgreSQL's current_schema(), usually "public"), holds for its whole
// transaction: the 64-bit FNV-1a hash of "lsusync sync <schema>.<uai>",
// as a signed integer. Another program that must not run during a
// synchronisation takes the same lock: SELECT pg_advisory_xact_lock(key).
// Advisory locks are per database, the schema tells apart the stores of
// one database.
func SyncLockKey(schema, uai string) int64 {
	h := fnv.New64a()
	h.Write([]byte("lsusync sync " + schema + "." + uai))
	return int64(h.Sum64())
}

// isBusy reports whether err is a lock the engine could not get in time:
// SQLITE_BUSY, or PostgreSQL's lock_not_available.
func isBusy(err error) bool {
	if errors.Is(err, errBusyNow) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == 5 // SQLITE_BUSY and its extended codes
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "55P03"
}

// isRetryable reports whether err is PostgreSQL's word that another
// transaction got in the way: a deadlock or a serialization failure.
func isRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}
