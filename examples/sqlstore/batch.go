package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/lsusync/lsusync"
)

// BeginBatch implements lsusync.Batcher: a batch is one database
// transaction, which Commit commits. It first takes the establishment's
// synchronisation lock, so that two synchronisations of one establishment
// never run at once, from any process or machine: PostgreSQL's advisory
// lock keyed by [SyncLockKey], or SQLite's write lock (BEGIN IMMEDIATE),
// which excludes every other write of the database. A second
// synchronisation waits Options.LockTimeout for the first to end, then
// fails with an error wrapping [ErrBusy].
//
// Each staged change set is written at once, under a SAVEPOINT, so that a
// refused one leaves the others; the rows it writes stay locked by the
// transaction until Commit or Discard, which is the reservation the
// contract asks for: another writer of those records waits for the batch
// to end and is then checked against its result. Apply may be called from
// several goroutines at once; the calls take turns on the transaction.
// The staged memos are kept or not at Commit, which writes the classes'
// rows of class_memos last (see [Store.ClassMemos]). A store that is read
// only refuses to begin a batch with [ErrReadOnly].
func (s *Store) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	if err := s.writable(); err != nil {
		return nil, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, s.beginErr(ctx, err)
	}
	if err := s.d.begin(ctx, conn, true, s.wait); err != nil {
		conn.Close()
		return nil, s.beginErr(ctx, err)
	}
	if err := s.d.lockEstablishment(ctx, conn, SyncLockKey(s.schema, s.uai), s.wait); err != nil {
		rollback(ctx, conn)
		conn.Close()
		return nil, s.beginErr(ctx, err)
	}
	return &batch{s: s, conn: conn, w: newWriter(s, conn)}, nil
}

func (s *Store) beginErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("sqlstore: %s: beginning a batch: %w: %w", s.uai, cerr, err)
	}
	if isBusy(err) {
		return fmt.Errorf("sqlstore: %s: %w: another synchronisation of the establishment is running (waited %v): %v",
			s.uai, ErrBusy, max(s.wait, 0), err)
	}
	return fmt.Errorf("sqlstore: %s: beginning a batch: %w", s.uai, err)
}

// batch is a write transaction that stages change sets.
type batch struct {
	s *Store

	mu     sync.Mutex // takes turns on the transaction
	conn   *sql.Conn  // nil once the batch ended
	w      *writer
	staged int
	broken error // the transaction is lost: Commit fails
	// beforeCommit, when not nil, is called on the transaction after
	// its last write, before COMMIT: the benchmarks count there the rows
	// the database wrote.
	beforeCommit func(ctx context.Context, q queryer) error
	// busy is the time Apply and Commit held the transaction, writing:
	// the benchmarks report it.
	busy time.Duration
	// release is the savepoint of the last change set, on PostgreSQL,
	// released with the next one's first statements.
	release string
}

func (b *batch) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validateChangeSet(&cs); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	defer b.held(time.Now())
	switch {
	case b.conn == nil:
		return ErrClosed
	case b.broken != nil:
		return fmt.Errorf("sqlstore: %s: the batch failed: %w", b.s.uai, b.broken)
	}
	b.staged++
	sp := "lsusync_cs_" + strconv.Itoa(b.staged)
	w := b.w
	if w.queue {
		// The savepoint goes with the change set's first statements; the
		// one before it is released then, once its writes were checked.
		if b.release != "" {
			w.enqueueExec("RELEASE SAVEPOINT " + b.release)
			b.release = ""
		}
		w.enqueueExec("SAVEPOINT " + sp)
	} else if _, err := b.conn.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
		b.broken = err
		return b.s.writeErr(ctx, err)
	}
	records, rows, events, added := w.records, w.rows, len(w.events), w.pupilsAdded
	err := w.apply(ctx, &cs)
	if err == nil {
		err = w.flush(ctx)
	}
	if err != nil {
		// Undo what the change set wrote, its ANALYZE included; the
		// transaction goes on.
		w.records, w.rows, w.events, w.pupilsAdded = records, rows, w.events[:events], added
		unsent := w.unsent("SAVEPOINT " + sp)
		clear(w.queued) // the writes of the change set not sent yet
		w.queued = w.queued[:0]
		if unsent {
			// Refused before any of it reached the server.
			return b.s.writeErr(ctx, err)
		}
		bg := context.WithoutCancel(ctx)
		if _, rerr := b.conn.ExecContext(bg, "ROLLBACK TO SAVEPOINT "+sp); rerr != nil {
			b.broken = rerr
			return b.s.writeErr(ctx, err)
		}
	}
	if w.queue {
		b.release = sp
	} else if _, rerr := b.conn.ExecContext(context.WithoutCancel(ctx), "RELEASE SAVEPOINT "+sp); rerr != nil {
		b.broken = rerr
		if err == nil {
			err = rerr
		}
	}
	if err != nil {
		return b.s.writeErr(ctx, err)
	}
	return nil
}

// held adds the time since start to b.busy; b.mu is held.
func (b *batch) held(start time.Time) { b.busy += time.Since(start) }

func (b *batch) Commit(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	defer b.held(time.Now())
	if b.conn == nil {
		return ErrClosed
	}
	conn := b.conn
	b.conn = nil
	defer conn.Close()
	defer b.w.close()
	if b.broken != nil {
		b.w.close() // before a rollback that may drop the connection
		rollback(ctx, conn)
		return fmt.Errorf("sqlstore: %s: committing: the batch failed, nothing was written: %w", b.s.uai, b.broken)
	}
	// The classes' memos are written last, so that their rows are
	// locked for the commit only (see finishMemos).
	err := b.w.finishMemos(ctx)
	if err == nil {
		err = b.w.flush(ctx)
	}
	if err == nil && b.beforeCommit != nil {
		err = b.beforeCommit(ctx, b.w.q)
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, "COMMIT")
	}
	if err != nil {
		// The statements are closed before a rollback that may drop the
		// connection (a COMMIT cancelled by ctx): SQLite's driver
		// panics on a statement closed after its connection.
		b.w.close()
		rollback(ctx, conn)
		if isBusy(err) {
			// A row of class_memos that another writer held longer than
			// LockTimeout.
			return fmt.Errorf("sqlstore: %s: committing: %w: %v", b.s.uai, ErrBusy, err)
		}
		return fmt.Errorf("sqlstore: %s: committing: %w", b.s.uai, err)
	}
	b.s.records.Add(b.w.records)
	b.s.rows.Add(b.w.rows)
	return nil
}

func (b *batch) Discard() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn == nil {
		return
	}
	b.w.close()
	rollback(context.Background(), b.conn)
	b.conn.Close()
	b.conn = nil
}
