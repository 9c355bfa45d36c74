package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/lsusynctest"
)

var tri2 = lsusync.Period{Year: 2025, Index: 2, Count: 3}

// TestBatchReservation stages a bilan in a batch while another writer
// replaces it with the version it read before: the writer waits for the
// batch to end, then fails with ErrConflict, and the batch's change is
// the one stored.
func TestBatchReservation(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		st := create(t, e, lsusynctest.Seed())
		ctx := t.Context()
		mine := readBilan(t, st, "3EME1", "1234", tri2)
		theirs := readBilan(t, st, "3EME1", "1234", tri2)
		b, err := st.BeginBatch(ctx)
		require.NoError(t, err)
		mine.Content["synthese"] = "De la synchronisation."
		require.NoError(t, b.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{mine}}))

		done := make(chan error, 1)
		go func() {
			theirs.Acquis[0].Appreciation = "De l'enseignant."
			done <- st.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{theirs}})
		}()
		select {
		case err := <-done:
			t.Fatalf("Apply of a reserved bilan returned %v before the batch ended", err)
		case <-time.After(300 * time.Millisecond):
		}
		require.NoError(t, b.Commit(ctx))
		if err := <-done; !errors.Is(err, lsusync.ErrConflict) {
			t.Fatalf("Apply of a bilan reserved, then changed, by a batch = %v, want ErrConflict", err)
		}
		got := readBilan(t, st, "3EME1", "1234", tri2)
		if got.Content["synthese"] != "De la synchronisation." || got.Acquis[0].Appreciation == "De l'enseignant." {
			t.Errorf("stored bilan = %+v, want the batch's change only", got)
		}
	})
}

// TestBatchRefusedSet stages change sets, some refused: the others are
// committed, nothing of the refused ones is, on both engines (PostgreSQL
// aborts a transaction on an error: each set has its SAVEPOINT).
func TestBatchRefusedSet(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		st := create(t, e, lsusynctest.Seed())
		ctx := t.Context()
		b, err := st.BeginBatch(ctx)
		require.NoError(t, err)
		defer b.Discard()

		zoe, _ := st.Student(ctx, "1234")
		zoe.LastName = "DURAND-MARTIN"
		require.NoError(t, b.Apply(ctx, lsusync.ChangeSet{Students: []lsusync.Student{zoe}}))

		mous, _ := st.Student(ctx, "98765")
		mous.FirstName = "Moussa Ali"
		bad := readBilan(t, st, "3EME1", "7", tri2)
		bad.Version = "41"
		err = b.Apply(ctx, lsusync.ChangeSet{Students: []lsusync.Student{mous}, Bilans: []lsusync.Bilan{bad}})
		if !errors.Is(err, lsusync.ErrConflict) {
			t.Fatalf("Apply of a stale bilan = %v, want ErrConflict", err)
		}
		// A refused set leaves no write queued for the next one (see
		// pipeline.go).
		noQueue := func(after string) {
			t.Helper()
			if q := b.(*batch).w.queued; len(q) > 0 {
				t.Errorf("after %s, %d writes are still queued: %q...", after, len(q), q[0].query)
			}
		}
		noQueue("a stale bilan")
		// Adding a pupil who exists: refused by the row count of the
		// insert, which PostgreSQL's writer checks when it sends it.
		dup := mous
		dup.Version = ""
		if err := b.Apply(ctx, lsusync.ChangeSet{Students: []lsusync.Student{dup}}); !errors.Is(err, lsusync.ErrConflict) {
			t.Fatalf("Apply adding a pupil who exists = %v, want ErrConflict", err)
		}
		noQueue("a pupil added twice")
		if e == Postgres {
			// A refusal by the database itself, not by the checks, which
			// aborts PostgreSQL's transaction: a NUL byte in a text.
			mous.FirstName = "Mous\x00sa"
			if err := b.Apply(ctx, lsusync.ChangeSet{Students: []lsusync.Student{mous}}); err == nil {
				t.Fatal("PostgreSQL took a NUL byte in a text")
			}
			noQueue("a NUL byte")
		}
		ines := readBilan(t, st, "3 A", "100000", lsusync.Period{Year: 2025, Index: 1, Count: 2})
		ines.HeadTeachers = nil
		require.NoError(t, b.Apply(ctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{ines}}))
		require.NoError(t, b.Commit(ctx))

		if got, _ := st.Student(ctx, "1234"); got.LastName != "DURAND-MARTIN" {
			t.Errorf("the first set is lost: last name %q", got.LastName)
		}
		if got, _ := st.Student(ctx, "98765"); got.FirstName != "Moussa" {
			t.Errorf("the refused set was committed: first name %q", got.FirstName)
		}
		if got := readBilan(t, st, "3 A", "100000", lsusync.Period{Year: 2025, Index: 1, Count: 2}); len(got.HeadTeachers) != 0 {
			t.Errorf("the third set is lost: PP %v", got.HeadTeachers)
		}
		if err := b.Apply(ctx, lsusync.ChangeSet{}); !errors.Is(err, ErrClosed) {
			t.Errorf("Apply after Commit = %v, want ErrClosed", err)
		}
		b.Discard() // a no-op after Commit
	})
}

// TestBatchConcurrentApply stages change sets from several goroutines.
func TestBatchConcurrentApply(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		st := create(t, e, lsusynctest.Seed())
		ctx := t.Context()
		b, err := st.BeginBatch(ctx)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				tk := lsusync.Teacher{Key: lsusync.TeacherKey{Type: "local", ID: fmt.Sprint(100 + i)}, LastName: "AED"}
				if err := b.Apply(ctx, lsusync.ChangeSet{Teachers: []lsusync.Teacher{tk}}); err != nil {
					t.Errorf("Apply %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		require.NoError(t, b.Commit(ctx))
		ts, err := st.Teachers(ctx)
		require.NoError(t, err)
		if len(ts) != len(lsusynctest.Seed().Teachers)+8 {
			t.Errorf("%d teachers after the batch, want %d", len(ts), len(lsusynctest.Seed().Teachers)+8)
		}
	})
}

// TestOneSyncAtATime begins a second batch of the establishment while one
// runs: it waits LockTimeout, then fails with ErrBusy; once the first
// ends, it succeeds. On PostgreSQL a batch of another establishment of
// the same database begins at once.
func TestOneSyncAtATime(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		ctx := t.Context()
		db := testDB(t, e)
		seed := lsusynctest.Seed()
		st, err := Create(ctx, db, seed, Options{})
		require.NoError(t, err)
		other, err := Open(ctx, db, seed.Establishment.UAI, Options{LockTimeout: 200 * time.Millisecond})
		require.NoError(t, err)

		first, err := st.BeginBatch(ctx)
		require.NoError(t, err)
		start := time.Now()
		_, err = other.BeginBatch(ctx)
		waited := time.Since(start)
		if !errors.Is(err, ErrBusy) {
			t.Fatalf("second BeginBatch = %v, want ErrBusy", err)
		}
		if waited < 150*time.Millisecond || waited > 5*time.Second {
			t.Errorf("second BeginBatch failed after %v, want about the 200ms LockTimeout", waited)
		}
		noWait, err := Open(ctx, db, seed.Establishment.UAI, Options{LockTimeout: -1})
		require.NoError(t, err)
		start = time.Now()
		if _, err := noWait.BeginBatch(ctx); !errors.Is(err, ErrBusy) || time.Since(start) > time.Second {
			t.Errorf("BeginBatch without wait = %v after %v, want ErrBusy at once", err, time.Since(start))
		}

		if e == Postgres {
			seed2 := lsusynctest.Seed()
			seed2.Establishment.UAI = "0930002B"
			st2, err := Create(ctx, db, seed2, Options{})
			require.NoError(t, err)
			b2, err := st2.BeginBatch(ctx)
			require.NoError(t, err, "a batch of another establishment while one runs")
			b2.Discard()
		}

		first.Discard()
		second, err := other.BeginBatch(ctx)
		require.NoError(t, err, "BeginBatch after the first batch ended")
		second.Discard()
	})
}

// TestBatchCancelled stages with a done context: the error wraps the
// context's, and the batch goes on.
func TestBatchCancelled(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		st := create(t, e, lsusynctest.Seed())
		b, err := st.BeginBatch(t.Context())
		require.NoError(t, err)
		defer b.Discard()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		zoe, _ := st.Student(t.Context(), "1234")
		zoe.LastName = "X"
		if err := b.Apply(ctx, lsusync.ChangeSet{Students: []lsusync.Student{zoe}}); !errors.Is(err, context.Canceled) {
			t.Errorf("Apply with a cancelled context = %v, want context.Canceled", err)
		}
		require.NoError(t, b.Apply(t.Context(), lsusync.ChangeSet{Students: []lsusync.Student{zoe}}))
		require.NoError(t, b.Commit(t.Context()))
		if got, _ := st.Student(t.Context(), "1234"); got.LastName != "X" {
			t.Errorf("last name %q after commit, want X", got.LastName)
		}
	})
}

func TestOpen(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		ctx := t.Context()
		db := testDB(t, e)
		if _, err := Open(ctx, db, "", Options{}); !errors.Is(err, lsusync.ErrNotFound) {
			t.Errorf("Open of an empty database = %v, want ErrNotFound", err)
		}
		seed := lsusynctest.Seed()
		_, err := Create(ctx, db, seed, Options{})
		require.NoError(t, err)
		st, err := Open(ctx, db, "", Options{})
		require.NoError(t, err)
		if st.UAI() != seed.Establishment.UAI {
			t.Errorf("Open(\"\") opened %q, want the only establishment %q", st.UAI(), seed.Establishment.UAI)
		}
		if _, err := Open(ctx, db, "0999999Z", Options{}); !errors.Is(err, lsusync.ErrNotFound) {
			t.Errorf("Open of an unknown UAI = %v, want ErrNotFound", err)
		}
		seed.Establishment.UAI = "0930002B"
		_, err = Create(ctx, db, seed, Options{})
		require.NoError(t, err)
		if _, err := Open(ctx, db, "", Options{}); !errors.Is(err, lsusync.ErrInvalid) {
			t.Errorf("Open(\"\") of two establishments = %v, want ErrInvalid", err)
		}
		uais, err := Establishments(ctx, db)
		require.NoError(t, err)
		if d := cmp.Diff([]string{"0750001A", "0930002B"}, uais); d != "" {
			t.Errorf("Establishments (-want +got):\n%s", d)
		}

		// A database migrated by a newer program is refused, untouched.
		_, err = db.ExecContext(ctx, "UPDATE lsusync_schema SET version = 99")
		require.NoError(t, err)
		_, err = Open(ctx, db, "0750001A", Options{})
		if !errors.Is(err, ErrSchemaVersion) {
			t.Errorf("Open of a schema version 99 = %v, want ErrSchemaVersion", err)
		}
	})
}

// TestMigrationWaitsLockTimeout: on PostgreSQL, an Open that finds
// another program migrating the same schema waits for it at most
// LockTimeout, then fails with ErrBusy; once the other is done, it
// migrates.
func TestMigrationWaitsLockTimeout(t *testing.T) {
	ctx := t.Context()
	db := testDB(t, Postgres)
	var schema string
	require.NoError(t, db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema))
	other, err := db.Conn(ctx)
	require.NoError(t, err)
	defer other.Close()
	key := SyncLockKey(schema, "")
	_, err = other.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key)
	require.NoError(t, err)

	start := time.Now()
	_, err = Create(ctx, db, lsusynctest.Seed(), Options{LockTimeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("Create while another program migrates = %v, want ErrBusy", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 10*time.Second {
		t.Errorf("Create waited %v, want its LockTimeout of 300ms", d)
	}
	_, err = other.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key)
	require.NoError(t, err)
	_, err = Create(ctx, db, lsusynctest.Seed(), Options{LockTimeout: 300 * time.Millisecond})
	require.NoError(t, err)
}

func TestCreateRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *lsusync.Snapshot)
	}{
		{"no UAI", func(s *lsusync.Snapshot) { s.Establishment.UAI = "" }},
		{"teacher twice", func(s *lsusync.Snapshot) { s.Teachers = append(s.Teachers, s.Teachers[0]) }},
		{"class twice", func(s *lsusync.Snapshot) { s.Classes = append(s.Classes, s.Classes[0]) }},
		{"pupil of no class", func(s *lsusync.Snapshot) { s.Students[0].Class = "5EME9" }},
		{"bilan of no pupil", func(s *lsusync.Snapshot) { s.Bilans[0].Student = "31" }},
		{"invalid period", func(s *lsusync.Snapshot) { s.Bilans[0].Period.Index = 4 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := testDB(t, SQLite)
			seed := lsusynctest.Seed()
			tc.change(&seed)
			if _, err := Create(t.Context(), db, seed, Options{}); !errors.Is(err, lsusync.ErrInvalid) {
				t.Fatalf("Create = %v, want ErrInvalid", err)
			}
			if uais, err := Establishments(t.Context(), db); err != nil || len(uais) != 0 {
				t.Errorf("after a refused Create the database holds %v (%v)", uais, err)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://lsu:s3cret@db.example:5432/lsu?sslmode=require", "postgres://lsu:xxxxx@db.example:5432/lsu?sslmode=require"},
		{"postgres://lsu@db.example/lsu", "postgres://lsu@db.example/lsu"},
		{"mysql://root:s3cret@[bad/lsu", "mysql://...@[bad/lsu"},
		{"lsu.db", "lsu.db"},
		{"/srv/lsu/lsu.json", "/srv/lsu/lsu.json"},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		url    string
		engine Engine
		target string
		bad    bool
	}{
		{url: "postgres://u:p@db.example:5432/lsu?sslmode=require", engine: Postgres, target: "postgres://u:p@db.example:5432/lsu?sslmode=require"},
		{url: "postgresql://localhost/lsu", engine: Postgres, target: "postgresql://localhost/lsu"},
		{url: "sqlite:lsu.db", engine: SQLite, target: "lsu.db"},
		{url: "sqlite:///var/lib/lsu/store", engine: SQLite, target: "/var/lib/lsu/store"},
		{url: "lsu.db", engine: SQLite, target: "lsu.db"},
		{url: "data/lsu.sqlite3", engine: SQLite, target: "data/lsu.sqlite3"},
		{url: "Postgres://localhost/lsu", engine: Postgres, target: "postgres://localhost/lsu"},
		{url: "POSTGRESQL://localhost/lsu", engine: Postgres, target: "postgresql://localhost/lsu"},
		{url: "SQLite:lsu.store", engine: SQLite, target: "lsu.store"},
		{url: "lsu.json", bad: true},
		{url: "mysql://localhost/lsu", bad: true},
		{url: "sqlite:", bad: true},
		{url: "mysql://root:secret@localhost/lsu", bad: true},
	}
	for _, tc := range tests {
		e, target, err := ParseURL(tc.url)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseURL(%q) = %q, %q, want an error", tc.url, e, target)
			} else if strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseURL(%q) error %q shows the password", tc.url, err)
			}
			continue
		}
		if err != nil || e != tc.engine || target != tc.target {
			t.Errorf("ParseURL(%q) = %q, %q, %v; want %q, %q", tc.url, e, target, err, tc.engine, tc.target)
		}
	}
}
