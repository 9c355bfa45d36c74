package main

import (
	"context"
	"crypto/rand"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync/examples/sqlstore"
)

// databaseURL returns the -store of a new, empty database: an SQLite file,
// or a PostgreSQL schema of its own on the server of
// LSUSYNC_TEST_POSTGRES (skipped without one, failed under CI).
func databaseURL(t *testing.T, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(t.TempDir(), "lsu.db")
	case "sqlite:":
		return "sqlite:" + filepath.Join(t.TempDir(), "lsu.sqlite")
	}
	base := os.Getenv("LSUSYNC_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LSUSYNC_TEST_POSTGRES is not set under CI: the PostgreSQL tests must run (see .ci/postgres)")
		}
		t.Skip("LSUSYNC_TEST_POSTGRES not set: no PostgreSQL server to test with (see .ci/postgres)")
	}
	schema := "lsusync_cmd_" + strings.ToLower(rand.Text()[:10])
	admin, err := sqlstore.Connect(context.Background(), base)
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

// TestDatabaseStores runs the command on each kind of database -store
// names: init, a sync, a sync with nothing to change, classes, the
// refusals, with the same reports and exit statuses as the file store.
func TestDatabaseStores(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lsu.json")
	lsusyncRun(t, "init", "-store", file, "-dir", exportsDir, "-today", sampleToday).require(t, 0)
	fileReport := lsusyncRun(t, "sync", "-store", file, "-dir", changedDir, "-all")
	fileReport.require(t, 0)
	for _, engine := range []string{"sqlite", "sqlite:", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			store := databaseURL(t, engine)
			const secret = "n0t-printed" // the test server trusts local connections: any password does
			if engine == "postgres" {
				u, err := neturl.Parse(store)
				require.NoError(t, err)
				u.User = neturl.UserPassword(u.User.Username(), secret)
				store = u.String()
			}
			r := lsusyncCmd(t, "init", "-store", store, "-dir", exportsDir, "-today", sampleToday)
			r.require(t, 0)
			if !strings.Contains(r.stdout, " créé : établissement 0750001A, 6 classes") {
				t.Errorf("init says %q", r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("init prints the password: %q", r.stdout)
			}
			lsusyncCmd(t, "init", "-store", store, "-dir", exportsDir).require(t, 3)

			// The same sync as on a file store made by init from the
			// same exports: the report, every line, is the same.
			r = lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code")
			r.require(t, 4)
			r = lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-all")
			r.require(t, 0)
			if r.stdout != fileReport.stdout {
				t.Errorf("the report on %s differs from the file store's:\n%s\n--- file store:\n%s", engine, r.stdout, fileReport.stdout)
			}
			lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code").require(t, 0)

			r = lsusyncCmd(t, "classes", "-store", store)
			r.require(t, 0)
			if !strings.Contains(r.stdout, "T1 T2 T3 (2025-2026)") {
				t.Errorf("classes:\n%s", r.stdout)
			}
			r = lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-classes", "4e1")
			r.require(t, 3)
			if !strings.Contains(r.stderr, "Vouliez-vous dire « 4e 1 »") {
				t.Errorf("stderr %q", r.stderr)
			}
		})
	}
	t.Run("no database", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "none.db")
		r := lsusyncRun(t, "sync", "-store", missing, "-dir", changedDir)
		r.require(t, 3)
		if !strings.Contains(r.stderr, "lsusync init") {
			t.Errorf("stderr %q", r.stderr)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Error("sync made the database it was to open")
		}
	})
}

// TestStoreAddressNeverShowsThePassword: a -store URL's password is never
// printed, whatever happens to it (a server that does not answer, a
// scheme in another case, a database the command does not know), and an
// address of an unknown scheme is refused rather than taken for a file
// name.
func TestStoreAddressNeverShowsThePassword(t *testing.T) {
	const secret = "s3cr3tPassw0rd"
	tests := []struct {
		name  string
		store string
		code  int
		want  string
	}{
		{"no server", "postgres://lsu:" + secret + "@127.0.0.1:1/lsu?sslmode=disable&connect_timeout=5", exitRefused, "la base de données de LSU n'a pas pu être ouverte"},
		{"scheme in capitals", "Postgres://lsu:" + secret + "@127.0.0.1:1/lsu?sslmode=disable&connect_timeout=5", exitRefused, "la base de données de LSU n'a pas pu être ouverte"},
		{"unknown scheme", "mysql://root:" + secret + "@127.0.0.1/lsu", exitRefused, "l'adresse donnée à -store (mysql://root:xxxxx@127.0.0.1/lsu) n'est pas reconnue"},
		{"unknown scheme, not a URL", "mysql://root:" + secret + "@[x/lsu", exitRefused, "l'adresse donnée à -store (mysql://...@[x/lsu) n'est pas reconnue"},
	}
	for _, tc := range tests {
		for _, cmd := range []string{"init", "sync", "classes"} {
			t.Run(tc.name+"/"+cmd, func(t *testing.T) {
				args := []string{cmd, "-store", tc.store, "-dir", exportsDir}
				if cmd == "init" {
					args = append(args, "-today", sampleToday)
				}
				r := lsusyncRun(t, args...)
				r.require(t, tc.code)
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("the password is printed:\n%s%s", r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, tc.want) {
					t.Errorf("stderr does not say %q:\n%s", tc.want, r.stderr)
				}
			})
		}
	}
	// Nothing was created under the address taken for a path.
	if _, err := os.Stat("mysql:"); err == nil {
		t.Error("a folder mysql: was created")
	}
}
