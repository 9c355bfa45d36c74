package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lsusync/lsusync"
)

// migration is one versioned SQL file of migrations/<engine>:
// NNNN_name.sql brings the schema to version NNNN.
type migration struct {
	version int
	name    string
	sql     string
}

// SchemaVersion is the schema version this package creates and reads.
func SchemaVersion() int {
	ms, err := readMigrations(newDialect(SQLite).migrations())
	if err != nil {
		panic(err)
	}
	return ms[len(ms)-1].version
}

func readMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqlstore: migration file %q is not named NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlstore: migration %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// readSchemaVersion returns the database's schema version: 0 for a
// database without the lsusync tables.
func (s *Store) readSchemaVersion(ctx context.Context, q queryer) (int, error) {
	rs, err := q.QueryContext(ctx, s.d.tableExists(), "lsusync_schema")
	if err != nil {
		return 0, err
	}
	exists := rs.Next()
	if err := closeRows(rs); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	err = q.QueryRowContext(ctx, "SELECT version FROM lsusync_schema").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlstore: the table lsusync_schema is empty: not a database this package made")
	}
	return v, err
}

// migrate brings the database's schema to this package's version, each
// migration in the transaction that records it. It refuses a database
// whose schema is newer.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := readMigrations(s.d.migrations())
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].version
	// Most opens find the schema up to date: a read decides, without the
	// write lock that a synchronisation may be holding.
	cur, err := s.readSchemaVersion(ctx, s.q)
	if err != nil {
		return fmt.Errorf("sqlstore: reading the schema version: %w", err)
	}
	s.schemaVersion = cur
	if err := s.checkSchema(cur, latest); err != nil || cur == latest {
		return err
	}
	if s.d.engine == SQLite {
		// Readers and one writer at once, and no reader ever blocked by
		// a writer. The setting stays with the file.
		if _, err := s.db.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
			return fmt.Errorf("sqlstore: setting WAL mode: %w", err)
		}
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrating: %w", err)
	}
	defer conn.Close()
	if s.d.engine == Postgres {
		// Two programs opening a new database at once: one migrates, the
		// other waits, then finds the schema up to date. The lock is the
		// session's, taken before the transaction begins, so that the
		// transaction sees the tables the other one created.
		key := SyncLockKey(s.schema, "")
		if err := s.lockMigration(ctx, conn, key); err != nil {
			return err
		}
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); err != nil {
				discard(conn)
			}
		}()
	}
	if err := s.writable(); err != nil {
		return fmt.Errorf("sqlstore: migrating the schema from version %d to %d: %w", cur, latest, err)
	}
	return s.writeOn(ctx, conn, func(w *writer) error {
		cur, err := s.readSchemaVersion(ctx, w.q)
		if err != nil {
			return err
		}
		if err := s.checkSchema(cur, latest); err != nil {
			return err
		}
		for _, m := range ms[cur:] {
			if _, err := w.q.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
			}
			if m.version == documentsSchema {
				if err := w.migrateDocuments(ctx); err != nil {
					return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
				}
			}
			if m.version == 1 {
				_, err = w.q.ExecContext(ctx, "INSERT INTO lsusync_schema (version) VALUES (1)")
			} else {
				_, err = w.q.ExecContext(ctx, s.d.q("UPDATE lsusync_schema SET version = ?"), m.version)
			}
			if err != nil {
				return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
			}
		}
		s.schemaVersion = latest
		return nil
	})
}

// readSchema reads the schema version of a store opened read only, which
// migrates nothing: it refuses a database without the lsusync tables
// (lsusync.ErrNotFound) or of a newer schema.
func (s *Store) readSchema(ctx context.Context) error {
	ms, err := readMigrations(s.d.migrations())
	if err != nil {
		return err
	}
	cur, err := s.readSchemaVersion(ctx, s.q)
	if err != nil {
		return fmt.Errorf("sqlstore: reading the schema version: %w", err)
	}
	if cur == 0 {
		return fmt.Errorf("sqlstore: the database holds no establishment: %w", lsusync.ErrNotFound)
	}
	s.schemaVersion = cur
	return s.checkSchema(cur, ms[len(ms)-1].version)
}

// lockMigration takes the session's advisory lock on key, for a
// migration of PostgreSQL's schema, waiting for another program's
// migration at most the store's LockTimeout, then failing with ErrBusy.
func (s *Store) lockMigration(ctx context.Context, conn *sql.Conn, key int64) error {
	deadline := time.Now().Add(max(s.wait, 0))
	for {
		var ok bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
			return fmt.Errorf("sqlstore: migrating: %w", err)
		}
		if ok {
			return nil
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("sqlstore: migrating the schema %q: %w: another program has been migrating it for more than %v", s.schema, ErrBusy, max(s.wait, 0))
		}
		t := time.NewTimer(min(50*time.Millisecond, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("sqlstore: migrating: %w", ctx.Err())
		case <-t.C:
		}
	}
}

func (s *Store) checkSchema(cur, latest int) error {
	if cur > latest {
		return fmt.Errorf("%w: the database's schema is version %d, this program knows versions up to %d: update the program",
			ErrSchemaVersion, cur, latest)
	}
	return nil
}
