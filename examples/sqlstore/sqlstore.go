package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/lsusync/lsusync"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrBusy reports a lock that another writer held longer than
	// Options.LockTimeout: another synchronisation of the establishment
	// (BeginBatch), or, for a write, a record that another transaction
	// holds. A write's ErrBusy also wraps lsusync.ErrConflict: the
	// record is another writer's, read it again and retry.
	ErrBusy = errors.New("sqlstore: locked by another writer")
	// ErrSchemaVersion reports a database whose schema is newer than
	// this package knows: a newer program migrated it. The database is
	// left untouched; update the program.
	ErrSchemaVersion = errors.New("sqlstore: database schema is newer than this program")
	// ErrExist reports a Create of an establishment that the database
	// already holds.
	ErrExist = errors.New("sqlstore: establishment already in the database")
	// ErrClosed reports the use of a batch after its Commit or Discard.
	ErrClosed = errors.New("sqlstore: batch already committed or discarded")
	// ErrReadOnly reports a write refused because the store is read only:
	// an SQLite database file that its user made read-only (its owner's
	// write permission removed, for the superuser too), or that this
	// user may not write, which [Connect] refuses to open and a Store
	// refuses to write; or a Store opened with Options.ReadOnly. Nothing
	// is written. Open the file with [ConnectReadOnly] to read it. It
	// matches lsusync.ErrReadOnly, as the file store's does.
	ErrReadOnly error = lsusync.ReadOnlyError("sqlstore: database is read-only")
)

// SQLiteMemory is the most memory that SQLite's page caches take in a
// program that opened an SQLite database with [Connect]: 32 MiB for each
// of the connections it keeps open. It is outside the Go heap: a program
// that sets a memory limit (debug.SetMemoryLimit) leaves room for it.
//
// SQLite also reads the first 256 MiB of the database file through a
// memory map. Those pages are the system's cache of the file, shared by
// the connections: they count in the process's resident memory, but the
// system takes them back when it needs memory, and SQLiteMemory leaves
// them out.
const SQLiteMemory = idleConns * 32 << 20

// The connections a database keeps open, SQLite's page cache for each, in
// KiB (SQLite's cache_size, negative for KiB), and the bytes of the file
// SQLite maps (mmap_size). Through the map, reading a page is a memory
// access; without it, each connection reads with a system call every page
// its cache lacks, and a commit on one connection empties the caches of
// the others: a synchronisation read the whole file so at each run.
const (
	idleConns      = 8
	sqliteCacheKiB = "32768"
	sqliteMapBytes = "268435456"
)

// DefaultLockTimeout is the LockTimeout of a zero Options.
const DefaultLockTimeout = 30 * time.Second

// Options configures [Open] and [Create]. The zero Options is valid.
type Options struct {
	// LockTimeout is how long a write waits for a lock that another
	// writer holds before it fails with [ErrBusy]: BeginBatch waits for
	// another synchronisation of the establishment to end, and a write
	// waits for the records it replaces (PostgreSQL) or for the
	// database's write lock (SQLite, where every write transaction
	// excludes the others). Zero means [DefaultLockTimeout]; a negative
	// value means no wait.
	LockTimeout time.Duration
	// ReadOnly opens the store for reading only: [Open] applies no
	// migration (a database of an older schema version is read as it
	// is), and every write (Apply, BeginBatch, Create) fails with
	// [ErrReadOnly]. Use it with a database from [ConnectReadOnly].
	ReadOnly bool
}

func (o Options) lockTimeout() time.Duration {
	switch {
	case o.LockTimeout == 0:
		return DefaultLockTimeout
	case o.LockTimeout < 0:
		return -1
	}
	return o.LockTimeout
}

// Store is an lsusync.Store and lsusync.Batcher for one establishment of a
// database. Its methods are safe for concurrent use; it holds no record in
// memory between calls.
type Store struct {
	db     *sql.DB
	q      queryer // db, for the engine (see dialect.on)
	d      *dialect
	uai    string
	wait   time.Duration
	schema string // PostgreSQL's current_schema()
	// schemaVersion is the database's schema version, this package's
	// unless the store is read only.
	schemaVersion int
	readOnly      bool
	file          string // the SQLite database file, "" for PostgreSQL or a database in memory

	records, rows atomic.Int64 // written by committed transactions
}

var (
	_ lsusync.Store      = (*Store)(nil)
	_ lsusync.Batcher    = (*Store)(nil)
	_ lsusync.ClassMemos = (*Store)(nil)
)

// Open returns the Store of the establishment uai in db, after it applied
// the schema migrations the database lacks. An empty uai opens the only
// establishment of the database.
//
// db must come from [Connect], or be opened with the drivers
// modernc.org/sqlite or github.com/jackc/pgx/v5/stdlib, and allow two
// connections at least: a synchronisation's batch holds one for its
// transaction while the synchronizer reads on others. The Store does not
// close db. Open returns an error wrapping lsusync.ErrNotFound when
// the database holds no such establishment, [ErrSchemaVersion] when its
// schema is newer than this package's, and lsusync.ErrInvalid when uai is
// empty and the database holds several establishments. With
// Options.ReadOnly it applies no migration.
func Open(ctx context.Context, db *sql.DB, uai string, opts Options) (*Store, error) {
	s, err := newStore(ctx, db, opts)
	if err != nil {
		return nil, err
	}
	if uai == "" {
		uais, err := s.establishments(ctx)
		if err != nil {
			return nil, err
		}
		switch len(uais) {
		case 0:
			return nil, fmt.Errorf("sqlstore: the database holds no establishment: %w", lsusync.ErrNotFound)
		case 1:
			uai = uais[0]
		default:
			return nil, fmt.Errorf("sqlstore: %w: the database holds %d establishments (%s...): name one by its UAI",
				lsusync.ErrInvalid, len(uais), uais[0])
		}
	}
	s.uai = uai
	if _, err := s.Establishment(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Create adds the establishment of snap to db, with everything snap holds,
// in one transaction, and returns its Store. It applies the schema
// migrations first. Every record gets its first Version.
//
// Create refuses, writing nothing: a database that already holds the
// establishment ([ErrExist]); a snapshot that is not a valid store content
// (an empty UAI or key, two records with one key, a pupil of a class, or
// a bilan of a pupil, that snap lacks, an invalid period), with an error
// wrapping lsusync.ErrInvalid.
func Create(ctx context.Context, db *sql.DB, snap lsusync.Snapshot, opts Options) (*Store, error) {
	if opts.ReadOnly {
		return nil, fmt.Errorf("sqlstore: creating establishment %q: %w: Options.ReadOnly is set", snap.Establishment.UAI, ErrReadOnly)
	}
	if err := validateSnapshot(&snap); err != nil {
		return nil, fmt.Errorf("sqlstore: creating establishment %q: %w", snap.Establishment.UAI, err)
	}
	s, err := newStore(ctx, db, opts)
	if err != nil {
		return nil, err
	}
	s.uai = snap.Establishment.UAI
	if err := s.writable(); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(w *writer) error { return w.create(ctx, &snap) })
	if err != nil {
		return nil, fmt.Errorf("sqlstore: creating establishment %q: %w", s.uai, err)
	}
	return s, nil
}

func newStore(ctx context.Context, db *sql.DB, opts Options) (*Store, error) {
	engine, err := engineOf(db)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, d: newDialect(engine), wait: opts.lockTimeout(), readOnly: opts.ReadOnly}
	s.q = s.d.on(db)
	switch engine {
	case Postgres:
		if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&s.schema); err != nil {
			return nil, fmt.Errorf("sqlstore: reading the current schema: %w", err)
		}
	case SQLite:
		var seq int
		var name string
		if err := db.QueryRowContext(ctx, "PRAGMA database_list").Scan(&seq, &name, &s.file); err != nil {
			return nil, fmt.Errorf("sqlstore: reading the database file's name: %w", err)
		}
	}
	if opts.ReadOnly {
		return s, s.readSchema(ctx)
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// writable refuses a write, with ErrReadOnly, to a store opened read
// only, or to an SQLite database file made read-only since it was
// opened.
func (s *Store) writable() error {
	if s.readOnly {
		return fmt.Errorf("sqlstore: %s: %w: the store was opened read only", s.uai, ErrReadOnly)
	}
	if s.file != "" {
		return checkWritable(s.file)
	}
	return nil
}

// UAI returns the UAI of the Store's establishment.
func (s *Store) UAI() string { return s.uai }

// Engine returns the engine of the Store's database.
func (s *Store) Engine() Engine { return s.d.engine }

// Written counts what the Store's committed transactions wrote since it
// was opened.
type Written struct {
	// Records is the number of records written: rows of the
	// establishments, teachers, classes, students and bilans tables.
	Records int64
	// Rows is the number of rows inserted, updated or deleted in every
	// table: the records, the rows of their periods and of the bilans'
	// content documents that changed, and the rows of class_memos of the
	// classes written (one each, two at the first write of a class).
	Rows int64
}

// Written returns what the Store's committed transactions wrote since it
// was opened: a synchronisation that changes nothing writes nothing.
func (s *Store) Written() Written {
	return Written{Records: s.records.Load(), Rows: s.rows.Load()}
}

// Establishments returns the UAIs of the establishments db holds, sorted.
// It applies the schema migrations first.
func Establishments(ctx context.Context, db *sql.DB) ([]string, error) {
	s, err := newStore(ctx, db, Options{})
	if err != nil {
		return nil, err
	}
	return s.establishments(ctx)
}

func (s *Store) establishments(ctx context.Context) ([]string, error) {
	rs, err := s.db.QueryContext(ctx, "SELECT uai FROM establishments ORDER BY uai")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: reading the establishments: %w", err)
	}
	var uais []string
	for rs.Next() {
		var u string
		if err := rs.Scan(&u); err != nil {
			rs.Close()
			return nil, fmt.Errorf("sqlstore: reading the establishments: %w", err)
		}
		uais = append(uais, u)
	}
	if err := closeRows(rs); err != nil {
		return nil, fmt.Errorf("sqlstore: reading the establishments: %w", err)
	}
	return uais, nil
}

// Establishment implements lsusync.EstablishmentStore.
func (s *Store) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	var e lsusync.Establishment
	var v int64
	err := s.q.QueryRowContext(ctx, s.d.q(`SELECT uai, name, address_line1, address_line2, address_line3, address_line4,
		postal_code, city, country, head_name, phone, email, version FROM establishments WHERE uai = ?`), s.uai).Scan(
		&e.UAI, &e.Name, &e.Address.Line1, &e.Address.Line2, &e.Address.Line3, &e.Address.Line4,
		&e.Address.PostalCode, &e.Address.City, &e.Address.Country, &e.HeadName, &e.Phone, &e.Email, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("sqlstore: establishment %q: %w", s.uai, lsusync.ErrNotFound)
	}
	if err != nil {
		return lsusync.Establishment{}, s.readErr(ctx, "the establishment", err)
	}
	e.Version = version(v)
	return e, nil
}

// Teachers implements lsusync.TeacherStore.
func (s *Store) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	rs, err := s.q.QueryContext(ctx, s.d.q(`SELECT type, id, civility, last_name, first_name, numen, version
		FROM teachers WHERE uai = ?`), s.uai)
	if err != nil {
		return nil, s.readErr(ctx, "the teachers", err)
	}
	out := []lsusync.Teacher{}
	for rs.Next() {
		var t lsusync.Teacher
		var v int64
		if err := rs.Scan(&t.Key.Type, &t.Key.ID, &t.Civility, &t.LastName, &t.FirstName, &t.NUMEN, &v); err != nil {
			rs.Close()
			return nil, s.readErr(ctx, "the teachers", err)
		}
		t.Version = version(v)
		out = append(out, t)
	}
	if err := closeRows(rs); err != nil {
		return nil, s.readErr(ctx, "the teachers", err)
	}
	return out, nil
}

// Classes implements lsusync.ClassStore.
func (s *Store) Classes(ctx context.Context) ([]lsusync.Class, error) {
	rs, err := s.q.QueryContext(ctx, s.d.q(`SELECT c.code, c.label, c.version, p.year, p.period_count, p.period_index
		FROM classes c LEFT JOIN class_periods p ON p.uai = c.uai AND p.class = c.code
		WHERE c.uai = ? ORDER BY c.code, p.year, p.period_count, p.period_index`), s.uai)
	if err != nil {
		return nil, s.readErr(ctx, "the classes", err)
	}
	out := []lsusync.Class{}
	for rs.Next() {
		var code, label string
		var v int64
		var year, count, index sql.NullInt64
		if err := rs.Scan(&code, &label, &v, &year, &count, &index); err != nil {
			rs.Close()
			return nil, s.readErr(ctx, "the classes", err)
		}
		if n := len(out); n == 0 || out[n-1].Code != code {
			out = append(out, lsusync.Class{Code: code, Label: label, Version: version(v)})
		}
		if year.Valid {
			c := &out[len(out)-1]
			c.Periods = append(c.Periods, lsusync.Period{Year: int(year.Int64), Index: int(index.Int64), Count: int(count.Int64)})
		}
	}
	if err := closeRows(rs); err != nil {
		return nil, s.readErr(ctx, "the classes", err)
	}
	return out, nil
}

const studentColumns = `id, class, ine, last_name, usage_name, first_name, first_name2, first_name3, birth_date, sex, version`

func scanStudent(sc interface{ Scan(...any) error }, st *lsusync.Student) error {
	var v int64
	var birth dateValue
	var sex string
	err := sc.Scan(&st.ID, &st.Class, &st.INE, &st.LastName, &st.UsageName, &st.FirstName, &st.FirstName2,
		&st.FirstName3, &birth, &sex, &v)
	st.BirthDate, st.Sex, st.Version = birth.d, lsusync.Sex(sex), version(v)
	return err
}

// Students implements lsusync.StudentStore.
func (s *Store) Students(ctx context.Context, class string) ([]lsusync.Student, error) {
	rs, err := s.q.QueryContext(ctx, s.d.q(`SELECT `+studentColumns+` FROM `+s.d.studentsByClass+` WHERE uai = ? AND class = ?`), s.uai, class)
	if err != nil {
		return nil, s.readErr(ctx, "the pupils of class "+strconv.Quote(class), err)
	}
	out := []lsusync.Student{}
	for rs.Next() {
		var st lsusync.Student
		if err := scanStudent(rs, &st); err != nil {
			rs.Close()
			return nil, s.readErr(ctx, "the pupils of class "+strconv.Quote(class), err)
		}
		out = append(out, st)
	}
	if err := closeRows(rs); err != nil {
		return nil, s.readErr(ctx, "the pupils of class "+strconv.Quote(class), err)
	}
	return out, nil
}

// Student implements lsusync.StudentStore.
func (s *Store) Student(ctx context.Context, id string) (lsusync.Student, error) {
	var st lsusync.Student
	err := scanStudent(s.q.QueryRowContext(ctx, s.d.q(`SELECT `+studentColumns+` FROM students WHERE uai = ? AND id = ?`), s.uai, id), &st)
	if errors.Is(err, sql.ErrNoRows) {
		return lsusync.Student{}, fmt.Errorf("sqlstore: pupil %s: %w", id, lsusync.ErrNotFound)
	}
	if err != nil {
		return lsusync.Student{}, s.readErr(ctx, "pupil "+id, err)
	}
	return st, nil
}

// Bilans implements lsusync.BilanStore. It reads the bilans of the class
// and their acquis, teachers and content in one read-only transaction, so
// that it never sees a write half done.
func (s *Store) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	var out []lsusync.Bilan
	err := s.read(ctx, func(conn *sql.Conn) error {
		var err error
		out, err = s.loadBilans(ctx, s.d.on(conn), class)
		return err
	})
	if err != nil {
		return nil, s.readErr(ctx, "the bilans of class "+strconv.Quote(class), err)
	}
	if out == nil {
		out = []lsusync.Bilan{}
	}
	return out, nil
}

// read runs f in a read-only transaction that sees one snapshot.
func (s *Store) read(ctx context.Context, f func(*sql.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := s.d.begin(ctx, conn, false, 0); err != nil {
		return err
	}
	err = f(conn)
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
		discard(conn)
		if err == nil {
			err = rerr
		}
	}
	return err
}

// readErr wraps a read's error: ctx's error when ctx is done, else the
// database's error naming what was read.
func (s *Store) readErr(ctx context.Context, what string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("sqlstore: reading %s: %w: %w", what, cerr, err)
	}
	return fmt.Errorf("sqlstore: reading %s: %w", what, err)
}

// discard makes the pool close conn instead of reusing it: its state is
// unknown after a failed ROLLBACK.
func discard(conn *sql.Conn) {
	conn.Raw(func(any) error { return errBadConn })
}

func closeRows(rs *sql.Rows) error {
	if err := rs.Err(); err != nil {
		rs.Close()
		return err
	}
	return rs.Close()
}

// version returns the Version of a version column's value.
func version(v int64) lsusync.Version { return lsusync.Version(strconv.FormatInt(v, 10)) }

// parseVersion returns the version column's value of a Version, or 0 for
// a Version this Store did not make, which matches no stored record.
func parseVersion(v lsusync.Version) int64 {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// dateValue scans a birth date: a DATE (PostgreSQL), a "YYYY-MM-DD"
// text (SQLite), or NULL.
type dateValue struct{ d lsusync.Date }

func (dv *dateValue) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		dv.d = lsusync.Date{}
	case time.Time:
		dv.d = lsusync.DateOf(v)
	case string:
		d, err := lsusync.ParseDate(v)
		dv.d = d
		return err
	case []byte:
		d, err := lsusync.ParseDate(string(v))
		dv.d = d
		return err
	default:
		return fmt.Errorf("sqlstore: birth_date of type %T", src)
	}
	return nil
}

// dateArg returns the value of a birth date column for d.
func dateArg(d lsusync.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// sortTeacherKeys sorts keys as the synchronizer does.
func sortTeacherKeys(keys []lsusync.TeacherKey) {
	slices.SortFunc(keys, lsusync.TeacherKey.Compare)
}
