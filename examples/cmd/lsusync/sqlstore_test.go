package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"net"
	neturl "net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/gen"
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

// storeReports runs on store, made by init from the first exports, what
// a user runs on the changed exports, and returns the reports: the
// default sync, which passes over the classes unchanged since their last
// sync, the same again, in which every class is unchanged, and a sync
// with -all, which reads and lists every class.
func storeReports(t *testing.T, store string) []string {
	t.Helper()
	lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code").require(t, 4)
	var reports []string
	for _, args := range [][]string{nil, nil, {"-all"}} {
		r := lsusyncCmd(t, append([]string{"sync", "-store", store, "-dir", changedDir}, args...)...)
		r.require(t, 0)
		reports = append(reports, r.stdout)
	}
	lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code").require(t, 0)
	return reports
}

// TestDatabaseStores runs the command on each kind of database -store
// names: init, the default sync, which passes over the classes unchanged
// since their last sync, the same again, a sync with -all, classes, the
// refusals, with the same reports and exit statuses as the file store.
func TestDatabaseStores(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lsu.json")
	lsusyncRun(t, "init", "-store", file, "-dir", exportsDir, "-today", sampleToday).require(t, 0)
	fileReports := storeReports(t, file)
	// A class with a warning (a pupil who left) is read and reported at
	// every sync; the others are passed over once they have their memo.
	const left = "a quitté l'établissement"
	for i, rep := range fileReports {
		if !strings.Contains(rep, left) {
			t.Fatalf("report %d of the file store does not say the pupil left:\n%s", i+1, rep)
		}
	}
	if strings.Contains(fileReports[1], "a été") || strings.Contains(fileReports[1], "ont été") {
		t.Fatalf("the second sync of the file store updated something:\n%s", fileReports[1])
	}
	fileMemos := memoed(t, file)
	if len(fileMemos) == 0 {
		t.Fatal("no class of the file store has a memo: nothing is passed over")
	}
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

			// The same syncs as on a file store made by init from the
			// same exports: the reports, every line, are the same, and
			// the same classes have their memo.
			for i, got := range storeReports(t, store) {
				if got != fileReports[i] {
					t.Errorf("report %d on %s differs from the file store's:\n%s\n--- file store:\n%s", i+1, engine, got, fileReports[i])
				}
			}
			if got := memoed(t, store); !slices.Equal(got, fileMemos) {
				t.Errorf("classes with a memo on %s: %q, the file store's: %q", engine, got, fileMemos)
			}

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

// TestSyncWaits runs a sync while another synchronisation holds the
// store, an SQLite database (the other holds its write lock) or a file
// store (the other holds its lock): with -wait, it waits that long, then
// is refused, in French, writing nothing; -wait 0 refuses at once; when
// the other ends during the wait, the sync runs.
func TestSyncWaits(t *testing.T) {
	for _, kind := range []string{"sqlite", "file"} {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			store := filepath.Join(t.TempDir(), "lsu.json")
			if kind == "sqlite" {
				store = filepath.Join(t.TempDir(), "lsu.db")
			}
			lsusyncRun(t, "init", "-store", store, "-dir", exportsDir, "-today", sampleToday).require(t, 0)
			// hold makes another synchronisation hold the store, and
			// returns what ends it.
			hold := func() (release func()) {
				if kind == "file" {
					st, err := filestore.Open(context.Background(), store, filestore.Options{})
					require.NoError(t, err)
					return func() { st.Close() }
				}
				db, err := sqlstore.Connect(ctx, store)
				require.NoError(t, err)
				st, err := sqlstore.Open(ctx, db, "", sqlstore.Options{})
				require.NoError(t, err)
				b, err := st.BeginBatch(ctx)
				require.NoError(t, err)
				return func() {
					b.Discard()
					db.Close()
				}
			}

			release := hold()
			for _, tc := range []struct {
				wait     string
				min, max time.Duration
				want     string
			}{
				{"0", 0, 10 * time.Second, "est en cours d'utilisation par une autre synchronisation : attendez qu'elle se termine. L'option -wait règle l'attente."},
				{"1.5s", 1500 * time.Millisecond, 20 * time.Second, "est en cours d'utilisation par une autre synchronisation, toujours en cours après 1,5 s d'attente : réessayez quand elle sera terminée. L'option -wait règle l'attente. Aucune modification n'a été enregistrée."},
			} {
				start := time.Now()
				r := lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-wait", tc.wait)
				took := time.Since(start)
				r.require(t, 3)
				if !strings.Contains(r.stderr, "lsusync: LSU ("+store+") "+tc.want) {
					t.Errorf("-wait %s: stderr %q, want %q", tc.wait, r.stderr, tc.want)
				}
				if !strings.Contains(r.stderr, "détail : ") || strings.Contains(r.stderr, "n'a pas pu être lancée") {
					t.Errorf("-wait %s: stderr %q, want the store's refusal and its detail", tc.wait, r.stderr)
				}
				if took < tc.min || took > tc.max {
					t.Errorf("-wait %s: refused after %v, want between %v and %v", tc.wait, took, tc.min, tc.max)
				}
			}
			release()
			lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code").require(t, 4)

			// The other ends during the wait.
			release = hold()
			timer := time.AfterFunc(time.Second, release)
			defer timer.Stop()
			start := time.Now()
			r := lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-wait", "1m")
			r.require(t, 0)
			if took := time.Since(start); took < time.Second {
				t.Errorf("the sync ran after %v, before the other ended", took)
			}
			lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code").require(t, 0)
		})
	}
}

// TestReadOnlyDatabase synchronises an SQLite database file its user made
// read-only: sync refuses it, in French, naming the file and why, and
// leaves it as it was, byte for byte and mode for mode, without -wal or
// -shm file next to it, for the superuser too; a dry run and classes read
// it; made writable again, it is synchronised.
func TestReadOnlyDatabase(t *testing.T) {
	store := filepath.Join(t.TempDir(), "lsu.db")
	lsusyncRun(t, "init", "-store", store, "-dir", exportsDir, "-today", sampleToday).require(t, 0)
	require.NoError(t, os.Chmod(store, 0o400))
	t.Cleanup(func() { os.Chmod(store, 0o600) }) // Windows removes no read-only file
	before := readFile(t, store)
	fi, err := os.Stat(store)
	require.NoError(t, err)
	unchanged := func(when string) {
		t.Helper()
		now, err := os.Stat(store)
		require.NoError(t, err)
		if !bytes.Equal(before, readFile(t, store)) || now.Mode() != fi.Mode() || !now.ModTime().Equal(fi.ModTime()) {
			t.Errorf("%s: the database file changed (mode %v, was %v)", when, now.Mode(), fi.Mode())
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if _, err := os.Lstat(store + suffix); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: %s is next to the database (%v)", when, filepath.Base(store+suffix), err)
			}
		}
	}

	for _, cmd := range [][]string{
		{"sync", "-store", store, "-dir", changedDir},
		{"add-class", "-store", store, "-dir", changedDir, "-new"},
	} {
		r := lsusyncCmd(t, cmd...)
		r.require(t, 3)
		for _, want := range []string{"LSU (" + store + ") est en lecture seule", "sqlstore: database is read-only: " + store + " (mode -r--------"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr %q does not contain %q", cmd[0], r.stderr, want)
			}
		}
		if r.stdout != "" {
			t.Errorf("%s: a refused command printed:\n%s", cmd[0], r.stdout)
		}
		unchanged("after the refused " + cmd[0])
	}

	dry := lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code")
	dry.require(t, 4)
	if !strings.HasPrefix(dry.stdout, "Simulation de la synchronisation") {
		t.Errorf("the dry run's report begins with %q", strings.SplitN(dry.stdout, "\n", 2)[0])
	}
	unchanged("after the dry run")
	r := lsusyncCmd(t, "classes", "-store", store)
	r.require(t, 0)
	if !strings.Contains(r.stdout, "T1 T2 T3 (2025-2026)") {
		t.Errorf("classes:\n%s", r.stdout)
	}
	unchanged("after classes")

	require.NoError(t, os.Chmod(store, 0o600))
	lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir).require(t, 0)
	lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code").require(t, 0)
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
		{"no server", "postgres://lsu:" + secret + "@127.0.0.1:1/lsu?sslmode=disable&connect_timeout=5", exitRefused, "le serveur de la base de données de LSU ne répond pas"},
		{"scheme in capitals", "Postgres://lsu:" + secret + "@127.0.0.1:1/lsu?sslmode=disable&connect_timeout=5", exitRefused, "le serveur de la base de données de LSU ne répond pas"},
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

// memoed returns the sorted codes of the classes that have a memo in the
// store that -store names.
func memoed(t *testing.T, address string) []string {
	t.Helper()
	c := &cli{ctx: t.Context(), stdout: io.Discard, stderr: io.Discard}
	st, msg, err := c.openStore(address, true, "")
	require.NoError(t, err, msg)
	defer st.Close()
	cm, ok := st.(lsusync.ClassMemos)
	require.True(t, ok, "the store keeps no memos")
	memos, err := cm.ClassMemos(t.Context())
	require.NoError(t, err)
	var out []string
	for _, m := range memos {
		if m.Text != "" {
			out = append(out, m.Class)
		}
	}
	slices.Sort(out)
	return out
}

// otherSchool writes the exports of another establishment, 0690001B, and
// returns their folder.
func otherSchool(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "exports-0690001B")
	e := gen.New(gen.Config{Seed: 7, Pupils: 40, Classes: 2, Teachers: 8, Year: 2025, UAI: "0690001B"})
	_, err := e.WriteExports(dir, gen.ExportOptions{Zip: true})
	require.NoError(t, err)
	return dir
}

// TestDatabaseOfAnotherSchool gives a database of one establishment the
// exports of another: sync says the exports are another establishment's,
// as with a file store, and writes nothing; init refuses to add the
// second establishment unless -add-establishment asks it; then the
// database holds two, and serve serves the one of its -dir.
func TestDatabaseOfAnotherSchool(t *testing.T) {
	other := otherSchool(t)
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			store := databaseURL(t, engine)
			lsusyncRun(t, "init", "-store", store, "-dir", exportsDir, "-today", sampleToday).require(t, exitOK)
			before := lsusyncRun(t, "classes", "-store", store)
			before.require(t, exitOK)

			for _, args := range [][]string{{"sync"}, {"sync", "-dry-run"}, {"classes"}, {"add-class", "-new"}} {
				r := lsusyncRun(t, append(args, "-store", store, "-dir", other)...)
				r.require(t, exitRefused)
				first, _, _ := strings.Cut(r.stderr, "\n")
				if want := "lsusync: Les exports sont ceux de l'établissement 0690001B et LSU celui de l'établissement 0750001A : la synchronisation ne peut pas être lancée."; !strings.HasPrefix(first, want) {
					t.Errorf("%v: first line %q, want it to start %q", args, first, want)
				}
				require.NotContains(t, r.stderr, "lsusync init", "%v", args)
			}

			r := lsusyncRun(t, "init", "-store", store, "-dir", other, "-today", changedToday)
			r.require(t, exitRefused)
			require.Contains(t, r.stderr, "cette base de données contient déjà l'établissement 0750001A, et les exports sont ceux de l'établissement 0690001B : init n'y ajoute pas un second établissement.")
			require.Contains(t, r.stderr, "-add-establishment")
			r = lsusyncRun(t, "classes", "-store", store)
			r.require(t, exitOK)
			require.Equal(t, before.stdout, r.stdout, "the refusals wrote nothing")

			r = lsusyncRun(t, "init", "-store", store, "-dir", exportsDir, "-today", sampleToday)
			r.require(t, exitRefused)
			require.Contains(t, r.stderr, "l'établissement 0750001A est déjà dans cette base")
			_, detail, _ := strings.Cut(r.stderr, "détail : ")
			if want := "sqlstore: creating establishment \"0750001A\": sqlstore: establishment already in the database\n"; detail != want {
				t.Errorf("detail %q, want %q: each thing said once", detail, want)
			}

			lsusyncRun(t, "init", "-store", store, "-dir", other, "-today", changedToday, "-add-establishment").require(t, exitOK)
			r = lsusyncRun(t, "classes", "-store", store)
			r.require(t, exitUsage+1)
			require.Contains(t, r.stderr, "plusieurs établissements")
			for dir, uai := range map[string]string{exportsDir: "0750001A", other: "0690001B"} {
				lsusyncRun(t, "classes", "-store", store, "-dir", dir).require(t, exitOK)
				served := serveOnce(t, store, dir)
				require.Contains(t, served, "("+uai+")</p>", "serve of %s shows the establishment %s", dir, uai)
			}
		})
	}
}

// TestDatabaseThatDoesNotAnswer gives -store the address of a PostgreSQL
// server that does not run: the refusal says so, and its detail says the
// dial error once, though the driver tried with TLS and without.
func TestDatabaseThatDoesNotAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	r := lsusyncRun(t, "sync", "-store", "postgres://lsu@"+addr+"/lsu", "-dir", changedDir)
	r.require(t, exitRefused)
	require.Contains(t, r.stderr, "lsusync: le serveur de la base de données de LSU ne répond pas")
	if n := strings.Count(r.stderr, "dial error"); n != 1 {
		t.Errorf("the dial error is said %d times, want once:\n%s", n, r.stderr)
	}
}

// TestReadOnlyWriteRefusedAlike writes to a file store and to an SQLite
// store, each opened for reading only: both refuse with an error that
// matches lsusync.ErrReadOnly, and write nothing.
func TestReadOnlyWriteRefusedAlike(t *testing.T) {
	ctx := context.Background()
	db := databaseURL(t, "sqlite")
	lsusyncRun(t, "init", "-store", db, "-dir", exportsDir, "-today", sampleToday).require(t, exitOK)
	for _, path := range []string{sampleCopy(t), db} {
		c := &cli{ctx: ctx, stdout: io.Discard, stderr: io.Discard, cmd: "classes"}
		st, msg, err := c.openStore(path, true, "")
		require.NoError(t, err, msg)
		est, err := st.Establishment(ctx)
		require.NoError(t, err)
		est.Name += " (B)"
		err = st.Apply(ctx, lsusync.ChangeSet{Establishment: &est})
		if !errors.Is(err, lsusync.ErrReadOnly) {
			t.Errorf("%s: a write to a store opened read only: %v, want lsusync.ErrReadOnly", path, err)
		}
		require.NoError(t, st.Close())
		st, _, err = c.openStore(path, true, "")
		require.NoError(t, err)
		got, err := st.Establishment(ctx)
		require.NoError(t, err)
		require.NotEqual(t, est.Name, got.Name, "%s: nothing written", path)
		require.NoError(t, st.Close())
	}
}
