package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
)

// envPostgres names the environment variable that gives the tests a
// PostgreSQL server: a URL such as
// postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable, which
// .ci/postgres prints. Without it the PostgreSQL tests skip, or fail when
// CI is set, so that CI never passes without them.
const envPostgres = "LSUSYNC_TEST_POSTGRES"

// engines are the engines every test runs on.
var engines = []Engine{SQLite, Postgres}

// postgresURL returns the server's URL, or skips (fails under CI).
func postgresURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(envPostgres)
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set under CI: the PostgreSQL tests must run (see .ci/postgres)", envPostgres)
		}
		t.Skipf("%s not set: no PostgreSQL server to test with (see .ci/postgres)", envPostgres)
	}
	return url
}

// testURL returns the URL of a new, empty database of the engine: a file
// in a temporary folder, or a PostgreSQL schema of its own, dropped at the
// end of the test.
func testURL(t testing.TB, e Engine) string {
	t.Helper()
	if e == SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "lsu.db")
	}
	base := postgresURL(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "lsusync_test_" + hex.EncodeToString(b[:])
	admin, err := Connect(context.Background(), base)
	require.NoError(t, err)
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// testDB returns a new, empty database of the engine, closed at the end
// of the test.
func testDB(t testing.TB, e Engine) *sql.DB {
	t.Helper()
	db, err := Connect(context.Background(), testURL(t, e))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// forEngines runs f as a subtest on each engine.
func forEngines(t *testing.T, f func(t *testing.T, e Engine)) {
	for _, e := range engines {
		t.Run(string(e), func(t *testing.T) { f(t, e) })
	}
}

// create returns a Store of a new database holding snap.
func create(t testing.TB, e Engine, snap lsusync.Snapshot) *Store {
	t.Helper()
	s, err := Create(context.Background(), testDB(t, e), snap, Options{})
	require.NoError(t, err)
	return s
}
