package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/lsusync/lsusync"
)

// DefaultLease is the Lease of a zero ClaimOptions.
const DefaultLease = 30 * time.Second

// ClaimOptions configures [NewClaims].
type ClaimOptions struct {
	// Worker names the worker in the log of syncs; "" means
	// "HOSTNAME:PID".
	Worker string
	// Lease is how long a claim holds without being renewed: a worker
	// renews its claims every third of it, and a claim not renewed for
	// a Lease (its worker died, or lost the database) may be taken by
	// another worker. Zero means [DefaultLease].
	Lease time.Duration
}

// ErrClaimLost is the cause of a claim's context cancelled because the
// claim could not be renewed in time: another worker may take the
// establishment, and the synchronisation stops, writing nothing.
var ErrClaimLost = errors.New("sqlstore: claim lost: its lease could not be renewed")

// Claims is an [lsusync.Claimer] on a database: several processes, on
// one machine or several, that sync the establishments of one database
// with [lsusync.SyncMany] claim each establishment through it, and share
// the work with no coordinator of their own.
//
// A claim is a row of sync_claims with a lease, which its worker renews
// while it syncs, and a row of sync_log, the database's own log of syncs:
// establishment, worker, start, last renewal, end, outcome and the
// fingerprint of the exports read. A claim held by another worker and not
// expired is refused with [lsusync.ErrClaimed]; an establishment whose
// last successful sync of the log read the same fingerprint is passed over
// with [lsusync.ErrAlreadySynced]. A worker killed mid-sync leaves its row
// without end: its claim expires after a Lease and the next worker takes
// the establishment again, whose synchronisation the store kept whole (the
// batch of the dead worker is rolled back). The same lock as a single
// synchronisation's still keeps two syncs of one establishment apart
// (see [Store.BeginBatch]): the claim only spares a worker the wait.
//
// A lease rather than PostgreSQL's session advisory lock: the claim works
// alike on SQLite (several processes on one file), and the batch's own
// transaction-level lock on [SyncLockKey] would wait for a session lock
// that another connection of the same worker holds.
type Claims struct {
	db     *sql.DB
	d      *dialect
	worker string
	lease  time.Duration
}

var _ lsusync.Claimer = (*Claims)(nil)

// NewClaims returns the Claims of db, after it applied the schema
// migrations the database lacks.
func NewClaims(ctx context.Context, db *sql.DB, opts ClaimOptions) (*Claims, error) {
	s, err := newStore(ctx, db, Options{})
	if err != nil {
		return nil, err
	}
	c := &Claims{db: db, d: s.d, worker: opts.Worker, lease: opts.Lease}
	if c.worker == "" {
		host, _ := os.Hostname()
		c.worker = host + ":" + strconv.Itoa(os.Getpid())
	}
	if c.lease <= 0 {
		c.lease = DefaultLease
	}
	return c, nil
}

// Worker returns the name of the worker in the log.
func (c *Claims) Worker() string { return c.worker }

// nowMillis is the database's clock, in milliseconds since 1970.
func (c *Claims) nowMillis() string {
	if c.d.engine == SQLite {
		return "SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
	}
	return "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint"
}

// tx runs f in a short write transaction, which waits at most wait for
// the locks it needs, and commits it. On SQLite that is the database's
// write lock, which every synchronisation of the file holds for its
// whole batch: a claim or a release waits [DefaultLockTimeout] for the
// syncs of the other workers, a renewal until its lease nearly ran out.
func (c *Claims) tx(ctx context.Context, wait time.Duration, f func(q queryer, now int64) error) error {
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := c.d.begin(ctx, conn, true, wait); err != nil {
		return err
	}
	var now int64
	if err := conn.QueryRowContext(ctx, c.nowMillis()).Scan(&now); err != nil {
		rollback(ctx, conn)
		return err
	}
	if err := f(conn, now); err != nil {
		rollback(ctx, conn)
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		rollback(ctx, conn)
		return err
	}
	return nil
}

// Claim implements [lsusync.Claimer].
func (c *Claims) Claim(ctx context.Context, uai, fingerprint string) (lsusync.Claim, error) {
	var id int64
	err := c.tx(ctx, DefaultLockTimeout, func(q queryer, now int64) error {
		lease := now + c.lease.Milliseconds()
		err := q.QueryRowContext(ctx, c.d.q("INSERT INTO sync_log (uai, worker, fingerprint, started, renewed, lease_until) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
			uai, c.worker, fingerprint, now, now, lease).Scan(&id)
		if err != nil {
			return err
		}
		res, err := q.ExecContext(ctx, c.d.q(`INSERT INTO sync_claims (uai, log_id, lease_until) VALUES (?, ?, ?)
			ON CONFLICT (uai) DO UPDATE SET log_id = excluded.log_id, lease_until = excluded.lease_until
			WHERE sync_claims.lease_until < ?`), uai, id, lease, now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = fmt.Errorf("sqlstore: %s: %w", uai, lsusync.ErrClaimed)
			}
			return err
		}
		// Read once the claim is had: a worker that just released the
		// establishment committed its outcome first (PostgreSQL's
		// INSERT waited for it, and each statement sees what committed
		// before it; SQLite's write lock orders the transactions).
		// Passed over, the transaction is rolled back: no claim, no row.
		if fingerprint != "" {
			var last sql.NullString
			err := q.QueryRowContext(ctx, c.d.q("SELECT fingerprint FROM sync_log WHERE uai = ? AND outcome = 'synced' ORDER BY id DESC LIMIT 1"), uai).Scan(&last)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if last.String == fingerprint {
				return fmt.Errorf("sqlstore: %s: %w", uai, lsusync.ErrAlreadySynced)
			}
		}
		// The syncs of a worker whose claim expired: it died, or lost
		// the database.
		_, err = q.ExecContext(ctx, c.d.q("UPDATE sync_log SET outcome = 'abandoned' WHERE uai = ? AND id <> ? AND outcome IS NULL"), uai, id)
		return err
	})
	if err != nil {
		if errors.Is(err, lsusync.ErrClaimed) || errors.Is(err, lsusync.ErrAlreadySynced) {
			return nil, err
		}
		return nil, fmt.Errorf("sqlstore: %s: claiming: %w", uai, err)
	}
	return &claim{c: c, uai: uai, id: id}, nil
}

// claim is an establishment a worker holds.
type claim struct {
	c   *Claims
	uai string
	id  int64

	mu   sync.Mutex
	stop context.CancelFunc // stops the renewals
	done chan struct{}      // closed when they stopped
}

// Context implements [lsusync.Claim]: the claim is renewed every third
// of the lease until the returned context is cancelled or the claim is
// released; a claim that could not be renewed until a tenth of a lease
// before it runs out, or that another worker took, cancels the context
// with [ErrClaimLost].
func (k *claim) Context(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	renew, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	k.mu.Lock()
	k.stop, k.done = stop, done
	k.mu.Unlock()
	go func() {
		defer close(done)
		t := time.NewTicker(k.c.lease / 3)
		defer t.Stop()
		// The lease runs out at last + lease: its last renewal began at
		// last, and the database set the lease from a later time. A
		// renewal waits for the database's locks until a tenth of the
		// lease before: on SQLite, other processes' batches hold the
		// write lock.
		last := time.Now()
		for {
			select {
			case <-renew.Done():
				return
			case <-t.C:
			}
			began := time.Now()
			wait := time.Until(last.Add(k.c.lease - k.c.lease/10))
			var err error
			if wait > 0 {
				err = k.renew(renew, wait)
			}
			switch {
			case renew.Err() != nil:
				return
			case errors.Is(err, ErrClaimLost):
				cancel(fmt.Errorf("sqlstore: %s: %w", k.uai, err))
				return
			case err == nil && wait > 0:
				last = began
			case time.Until(last.Add(k.c.lease-k.c.lease/10)) <= 0:
				cancel(fmt.Errorf("sqlstore: %s: %w: %v", k.uai, ErrClaimLost, err))
				return
			}
		}
	}()
	return ctx, func() { k.halt(); cancel(context.Canceled) }
}

// halt stops the renewals and waits for them to end.
func (k *claim) halt() {
	k.mu.Lock()
	stop, done := k.stop, k.done
	k.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// renew extends the claim's lease by a Lease from now.
func (k *claim) renew(ctx context.Context, wait time.Duration) error {
	return k.c.tx(ctx, wait, func(q queryer, now int64) error {
		lease := now + k.c.lease.Milliseconds()
		res, err := q.ExecContext(ctx, k.c.d.q("UPDATE sync_claims SET lease_until = ? WHERE uai = ? AND log_id = ?"), lease, k.uai, k.id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = ErrClaimLost
			}
			return err
		}
		_, err = q.ExecContext(ctx, k.c.d.q("UPDATE sync_log SET renewed = ?, lease_until = ? WHERE id = ?"), now, lease, k.id)
		return err
	})
}

// Release implements [lsusync.Claim]: it records the outcome in the log
// and deletes the claim.
func (k *claim) Release(ctx context.Context, r lsusync.ManyResult) error {
	k.halt()
	outcome := "synced"
	switch r.Status {
	case lsusync.ManySynced:
	case lsusync.ManyErrors:
		outcome = "errors"
	case lsusync.ManyRefused:
		outcome = "refused"
	default:
		outcome = "interrupted"
	}
	err := k.c.tx(ctx, DefaultLockTimeout, func(q queryer, now int64) error {
		if _, err := q.ExecContext(ctx, k.c.d.q("UPDATE sync_log SET ended = ?, outcome = ? WHERE id = ?"), now, outcome, k.id); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, k.c.d.q("DELETE FROM sync_claims WHERE uai = ? AND log_id = ?"), k.uai, k.id)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlstore: %s: releasing the claim: %w", k.uai, err)
	}
	return nil
}

// LogEntry is one row of the database's log of syncs (see [Claims]).
type LogEntry struct {
	ID          int64
	UAI         string
	Worker      string
	Fingerprint string
	// Started, Renewed and LeaseUntil are the start of the sync, the
	// last renewal of its claim and the end of its lease, by the
	// database's clock.
	Started, Renewed, LeaseUntil time.Time
	// Ended is the end of the sync; zero while it runs, and for a sync
	// whose worker died (Outcome "abandoned" once another took the
	// establishment): it ended before LeaseUntil.
	Ended time.Time
	// Outcome is "synced", "errors", "refused", "interrupted",
	// "abandoned", or "" while it runs.
	Outcome string
}

// End returns the latest time the sync may have run: Ended, or, for a
// sync without end, LeaseUntil.
func (e LogEntry) End() time.Time {
	if !e.Ended.IsZero() {
		return e.Ended
	}
	return e.LeaseUntil
}

// SyncLog returns the database's log of syncs, in the order they
// started. It applies the schema migrations first.
func SyncLog(ctx context.Context, db *sql.DB) ([]LogEntry, error) {
	s, err := newStore(ctx, db, Options{})
	if err != nil {
		return nil, err
	}
	rs, err := s.q.QueryContext(ctx, "SELECT id, uai, worker, fingerprint, started, renewed, lease_until, ended, outcome FROM sync_log ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: reading the log of syncs: %w", err)
	}
	var log []LogEntry
	for rs.Next() {
		var e LogEntry
		var started, renewed, lease int64
		var ended sql.NullInt64
		var outcome sql.NullString
		if err := rs.Scan(&e.ID, &e.UAI, &e.Worker, &e.Fingerprint, &started, &renewed, &lease, &ended, &outcome); err != nil {
			rs.Close()
			return nil, fmt.Errorf("sqlstore: reading the log of syncs: %w", err)
		}
		e.Started, e.Renewed, e.LeaseUntil = time.UnixMilli(started), time.UnixMilli(renewed), time.UnixMilli(lease)
		if ended.Valid {
			e.Ended = time.UnixMilli(ended.Int64)
		}
		e.Outcome = outcome.String
		log = append(log, e)
	}
	if err := closeRows(rs); err != nil {
		return nil, fmt.Errorf("sqlstore: reading the log of syncs: %w", err)
	}
	return log, nil
}
