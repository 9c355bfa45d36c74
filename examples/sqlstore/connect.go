package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	neturl "net/url"
	"os"
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
//
// The caller closes the database. The store's tables are created by the
// first [Open] or [Create].
func Connect(ctx context.Context, url string) (*sql.DB, error) {
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
		db = stdlib.OpenDB(*cfg)
	case SQLite:
		if strings.ContainsAny(target, "?#") {
			return nil, fmt.Errorf("sqlstore: %w: SQLite path %q holds ? or #", errBadURL, target)
		}
		// Create the file 0600 before SQLite does (0644); its journal
		// files take the same mode.
		f, err := os.OpenFile(target, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		switch {
		case err == nil:
			f.Close()
		case !errors.Is(err, fs.ErrExist):
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
		c, err := sqlite.NewConnector(target + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(30000)" +
			"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=cache_size(-32768)&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s: %w", target, err)
		}
		db = sql.OpenDB(c)
	}
	// A sync holds a connection for its batch while it reads classes on
	// others: keep them open rather than reconnect at each read (and,
	// for SQLite, start again with an empty page cache).
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: connecting to %s: %w", redact(engine, target), err)
	}
	return db, nil
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
