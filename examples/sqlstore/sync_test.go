package sqlstore

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/internal/testkit"
)

// generated is a generated establishment ready to sync: its source, the
// store `lsusync init` makes of it, a variant of the source in which
// every synchronised value differs, and the clock of its export day.
type generated struct {
	est          *gen.Establishment
	src, changed *memory.Source
	snap         lsusync.Snapshot
	now          func() time.Time
}

func generate(cfg gen.Config) *generated {
	cfg = cfg.Normalize()
	g := gen.New(cfg)
	today := cfg.Today
	noon := time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, time.UTC)
	src := g.Source()
	return &generated{est: g, src: src, changed: testkit.ChangeEverything(src), snap: g.StoreSnapshot(), now: func() time.Time { return noon }}
}

// syncOnce syncs every class of src into st and fails the test on error.
func syncOnce(t testing.TB, src lsusync.Source, st lsusync.Store, now func() time.Time) *lsusync.Report {
	t.Helper()
	rep, err := lsusync.New(src, st, lsusync.Options{Now: now}).Sync(context.Background())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	return rep
}

// TestSync syncs a generated establishment: the store `lsusync init`
// makes is up to date (nothing written), a changed source writes exactly
// the records the report says changed, leaves the store as the memory
// store would be, and a second sync writes nothing.
func TestSync(t *testing.T) {
	g := generate(gen.Config{Seed: 3, Pupils: 150})
	forEngines(t, func(t *testing.T, e Engine) {
		st := create(t, e, g.snap)
		written := since(st)
		if rep := syncOnce(t, g.src, st, g.now); rep.Counts().Updated+rep.Counts().Added != 0 {
			t.Fatalf("the first sync changed %+v", rep.Counts())
		}
		if w := written(); w != (Written{}) {
			t.Errorf("a sync that changes nothing wrote %+v", w)
		}

		written = since(st)
		rep := syncOnce(t, g.changed, st, g.now)
		c := rep.Counts()
		if w := written(); w.Records != int64(c.Updated+c.Added) || c.Updated < 150 {
			t.Errorf("the changed sync wrote %+v; its report counts %d updated and %d added", w, c.Updated, c.Added)
		}
		mem, err := memory.New(g.snap)
		require.NoError(t, err)
		syncOnce(t, g.changed, mem, g.now)
		if d := cmp.Diff(normalize(mem.Snapshot(), false), dump(t, st, false), equateEmpty); d != "" {
			t.Errorf("the store differs from the memory store synced alike (-memory +sql):\n%s", d)
		}

		written = since(st)
		syncOnce(t, g.changed, st, g.now)
		if w := written(); w != (Written{}) {
			t.Errorf("a second sync wrote %+v", w)
		}
	})
}

// TestFirstSyncFindsPupilsByKey adds 4,000 pupils in one synchronisation
// to a new PostgreSQL database, as lsusync init's first sync does, and
// counts the pupils' rows PostgreSQL read in the transaction: the check of
// each bilan's pupil (its foreign key) must find the pupil by the primary
// key, not by reading every pupil of the establishment, which it did with
// a plan made while the table was empty (22 million rows read here, and
// twenty minutes for 100,000 pupils). The ANALYZE after analyzeAfter
// pupils makes PostgreSQL plan it again: the checks before it, three per
// pupil, read at most the pupils added so far (1.5 million rows here).
func TestFirstSyncFindsPupilsByKey(t *testing.T) {
	g := generate(gen.Config{Seed: 5, Pupils: 4000})
	empty := lsusync.Snapshot{Establishment: g.snap.Establishment, Classes: g.snap.Classes}
	st := &fetchCountingStore{Store: create(t, Postgres, empty)}
	rep := syncOnce(t, g.src, st, g.now)
	c := rep.Counts()
	require.Greater(t, c.Added, 4*3000, "the sync added the pupils and their bilans")
	bound := int64(2*analyzeAfter*analyzeAfter + 4*c.Added)
	if n := st.fetched.Load(); n > bound {
		t.Errorf("the first sync read %d rows of the pupils' table for %d records added, more than %d", n, c.Added, bound)
	}
}

// fetchCountingStore is a Store whose batches count the rows of the
// pupils' table that PostgreSQL read through an index in their
// transaction, just before they commit.
type fetchCountingStore struct {
	*Store
	fetched atomic.Int64
}

func (c *fetchCountingStore) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	lb, err := c.Store.BeginBatch(ctx)
	if err != nil {
		return nil, err
	}
	lb.(*batch).beforeCommit = func(ctx context.Context, q queryer) error {
		var n int64
		err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(idx_tup_fetch), 0)::bigint FROM pg_stat_xact_user_tables
			WHERE schemaname = current_schema() AND relname = 'students'`).Scan(&n)
		c.fetched.Add(n)
		return err
	}
	return lb, nil
}
