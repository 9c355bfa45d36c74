package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
)

// Connect opens the database that url names and checks that it answers:
//
//   - "postgres://..." or "postgresql://...": a PostgreSQL database, in
//     the URL syntax of libpq (github.com/jackc/pgx/v5/stdlib);
//   - "sqlite:PATH", or a PATH ending in ".db", ".sqlite" or ".sqlite3":
//     an SQLite database file (modernc.org/sqlite), created readable and
//     writable by its owner only (0600) when it does not exist: it holds
//     personal data. Connect sets the connections to write-ahead logging,
//     foreign key checks and full synchronisation to disk at each commit.
//     It refuses, with an error wrapping [ErrReadOnly] and before it opens
//     it, a file that its user made read-only (see [ErrReadOnly]): SQLite
//     would create its -wal and -shm files next to it, and the superuser
//     would write it. [ConnectReadOnly] reads such a file.
//
// The caller closes the database. The store's tables are created by the
// first [Open] or [Create].
func Connect(ctx context.Context, url string) (*sql.DB, error) {
	return connect(ctx, url, false)
}

// ConnectReadOnly opens the database that url names, as [Connect] does,
// for reading only, and checks that it answers; open its store with
// Options.ReadOnly. A PostgreSQL session is read only
// (default_transaction_read_only). An SQLite file must exist (it returns
// an error wrapping fs.ErrNotExist otherwise) and is never written:
//
//   - a file its user made read-only is opened immutable, without locks,
//     so that no -wal or -shm file is made next to it: nobody is to write
//     it. When a -wal file holding changes is there (a program was killed
//     before it could fold them into the file), it is opened read only,
//     with locks, and SQLite reads the changes from it;
//   - another file is opened as Connect opens it, with every connection
//     refusing writes (PRAGMA query_only): a synchronisation may be
//     writing it at the same time.
func ConnectReadOnly(ctx context.Context, url string) (*sql.DB, error) {
	return connect(ctx, url, true)
}

func connect(ctx context.Context, url string, readOnly bool) (*sql.DB, error) {
	engine, target, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	var db *sql.DB
	switch engine {
	case Postgres:
		cfg, err := pgx.ParseConfig(target)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %w: PostgreSQL URL: %v", errBadURL, err)
		}
		if readOnly {
			cfg.RuntimeParams["default_transaction_read_only"] = "on"
		}
		db = stdlib.OpenDB(*cfg)
	case SQLite:
		if strings.ContainsAny(target, "?#") {
			return nil, fmt.Errorf("sqlstore: %w: SQLite path %q holds ? or #", errBadURL, target)
		}
		dsn, err := sqliteDSN(target, readOnly)
		if err != nil {
			return nil, err
		}
		c, err := sqlite.NewConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s: %w", target, err)
		}
		db = sql.OpenDB(c)
	}
	// A sync holds a connection for its batch while it reads classes on
	// others: keep them open rather than reconnect at each read (and,
	// for SQLite, start again with an empty page cache).
	db.SetMaxIdleConns(idleConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: connecting to %s: %w", redact(engine, target), onceEach{err})
	}
	return db, nil
}

// onceEach is an error whose message says each of its lines once: pgx
// tries a server with TLS, then without, and its error lists both
// attempts, the same dial error twice.
type onceEach struct{ err error }

func (e onceEach) Error() string {
	lines := strings.Split(e.err.Error(), "\n")
	seen := make(map[string]bool, len(lines))
	kept := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

func (e onceEach) Unwrap() error { return e.err }

// sqliteDSN returns the modernc.org/sqlite data source name of the SQLite
// file at path, for Connect or ConnectReadOnly, after it checked the
// file: Connect creates a missing file and refuses a read-only one,
// ConnectReadOnly wants the file.
func sqliteDSN(path string, readOnly bool) (string, error) {
	const pragmas = "_pragma=foreign_keys(1)&_pragma=busy_timeout(30000)&_pragma=cache_size(-" + sqliteCacheKiB +
		")&_pragma=mmap_size(" + sqliteMapBytes + ")"
	if readOnly {
		fi, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("sqlstore: %w", err)
		}
		if readOnlyReason(path, fi) == "" {
			return path + "?" + pragmas + "&_pragma=query_only(1)", nil
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", fmt.Errorf("sqlstore: %w", err)
		}
		uri := (&neturl.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
		if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
			return uri + "?mode=ro&" + pragmas, nil
		}
		return uri + "?mode=ro&immutable=1&" + pragmas, nil
	}
	// Create the file 0600 before SQLite does (0644); its journal files
	// take the same mode. Refuse a file its user made read-only before
	// SQLite opens it and makes its journal files next to it.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		f.Close()
	case errors.Is(err, fs.ErrExist):
		if err := checkWritable(path); err != nil {
			return "", err
		}
	default:
		return "", fmt.Errorf("sqlstore: %w", err)
	}
	return path + "?" + pragmas + "&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate", nil
}

// checkWritable returns an error wrapping ErrReadOnly when the SQLite
// database file at path must not be written (see readOnlyReason).
func checkWritable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return nil // SQLite reports a missing file when it opens it
	}
	if reason := readOnlyReason(path, fi); reason != "" {
		return fmt.Errorf("%w: %s (%s)", ErrReadOnly, path, reason)
	}
	return nil
}

var errBadURL = errors.New("invalid store URL")

// ParseURL returns the engine of a store URL, and the PostgreSQL URL or
// the SQLite file path it names. See [Connect] for the forms. The scheme
// may be written in any case ("Postgres://", "SQLITE:"): the PostgreSQL
// URL returned has it in lower case, as the driver wants.
func ParseURL(url string) (Engine, string, error) {
	for _, scheme := range []string{"postgres://", "postgresql://"} {
		if hasPrefixFold(url, scheme) {
			return Postgres, scheme + url[len(scheme):], nil
		}
	}
	if hasPrefixFold(url, "sqlite:") {
		path := strings.TrimPrefix(url[len("sqlite:"):], "//")
		if path == "" {
			return "", "", fmt.Errorf("sqlstore: %w %q: sqlite: is not followed by a file path", errBadURL, url)
		}
		return SQLite, path, nil
	}
	for _, ext := range []string{".db", ".sqlite", ".sqlite3"} {
		if strings.HasSuffix(url, ext) {
			return SQLite, url, nil
		}
	}
	return "", "", fmt.Errorf("sqlstore: %w %q: want postgres://..., sqlite:PATH or a file ending in .db, .sqlite or .sqlite3", errBadURL, Redact(url))
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// Redact returns the store address s without its password, so that it
// can be printed or logged: the password of a URL is replaced by "xxxxx"
// and, in an address with "://" that net/url does not parse, everything
// between "://" and the last "@" by "...". A file path is returned as it
// is.
func Redact(s string) string {
	if u, err := neturl.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	if i, j := strings.Index(s, "://"), strings.LastIndex(s, "@"); i >= 0 && j > i {
		return s[:i+3] + "...@" + s[j+1:] // not a URL Go parses: hide all before @
	}
	return s
}

// redact returns the target without its password, for errors.
func redact(e Engine, target string) string {
	if e != Postgres {
		return target
	}
	cfg, err := pgx.ParseConfig(target)
	if err != nil {
		return "the PostgreSQL server"
	}
	return fmt.Sprintf("PostgreSQL database %q on %s:%d", cfg.Database, cfg.Host, cfg.Port)
}
