package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/lsusync/lsusync"
)

// memosSchema is the first schema version with the table class_memos.
const memosSchema = 2

// memoEvent is what a change set applied in a transaction does to the
// classes' memos: the classes whose records it wrote, sorted, which get a
// new stamp and lose their memo, and then its memo, if any.
type memoEvent struct {
	touched []string
	memo    *lsusync.Memo
}

// ClassMemos implements lsusync.ClassMemos: the memo and the stamp of
// every class, from the table class_memos. A class without a row there
// has stamp "0" and no memo. A store opened read only on a database of
// schema version 1, which has no memos, gives every class stamp "0" and
// no memo.
func (s *Store) ClassMemos(ctx context.Context) ([]lsusync.Memo, error) {
	query := `SELECT c.code, COALESCE(m.memo, ''), COALESCE(m.stamp, 0) FROM classes c
		LEFT JOIN class_memos m ON m.uai = c.uai AND m.class = c.code WHERE c.uai = ?`
	if s.schemaVersion < memosSchema {
		query = `SELECT code, '', 0 FROM classes WHERE uai = ?`
	}
	rs, err := s.q.QueryContext(ctx, s.d.q(query), s.uai)
	if err != nil {
		return nil, s.readErr(ctx, "the classes' memos", err)
	}
	out := []lsusync.Memo{}
	for rs.Next() {
		var m lsusync.Memo
		var stamp int64
		if err := rs.Scan(&m.Class, &m.Text, &stamp); err != nil {
			rs.Close()
			return nil, s.readErr(ctx, "the classes' memos", err)
		}
		m.Stamp = version(stamp)
		out = append(out, m)
	}
	if err := closeRows(rs); err != nil {
		return nil, s.readErr(ctx, "the classes' memos", err)
	}
	return out, nil
}

// memoState is a class's row of class_memos, as a transaction makes it.
type memoState struct {
	stamp int64
	memo  string
	dirty bool // to write
}

// finishMemos writes what the change sets of the transaction did to the
// classes' memos, in the order they were applied, as the last writes of
// the transaction: each change set gives each class whose records it
// wrote a new stamp (one more) and takes its memo away, then keeps its own
// memo if the class's stamp was, before the change set, the one the memo
// carries.
//
// The rows of class_memos are locked (PostgreSQL) only now, at the end of
// the transaction: a batch holds them for its commit, not for the whole
// synchronisation, so that a teacher's write of a record the batch did
// not stage never waits for it, and a write of a class committed by
// another transaction between the read of a memo's stamp and the commit
// makes the memo be refused.
func (w *writer) finishMemos(ctx context.Context) error {
	if len(w.events) == 0 {
		return nil
	}
	involved := map[string]bool{}
	memoOnly := map[string]bool{}
	for _, ev := range w.events {
		for _, c := range ev.touched {
			involved[c] = true
		}
	}
	for _, ev := range w.events {
		if m := ev.memo; m != nil && m.Text != "" && !involved[m.Class] {
			memoOnly[m.Class] = true
		}
	}
	if len(memoOnly) > 0 {
		// A memo is kept only with a class the store holds. The classes
		// whose records were written exist: their records name them.
		have, err := w.existing(ctx, "classes", "code", "code", keysOf(memoOnly))
		if err != nil {
			return err
		}
		for c := range have {
			involved[c] = true
		}
	}
	if len(involved) == 0 {
		return nil
	}
	codes := keysOf(involved)
	state, err := w.lockMemos(ctx, codes)
	if err != nil {
		return err
	}
	if len(state) < len(codes) {
		// A class's first row, at stamp 0: inserted, then locked, so that
		// two writers of a new row take turns on it as on the others.
		ensure := newRows(tClassMemos, opEnsure)
		var missing []string
		for _, c := range codes {
			if state[c] == nil {
				ensure.add(w.s.uai, c, 0, "")
				missing = append(missing, c)
			}
		}
		if err := w.run(ctx, ensure, -1, "adding the classes' memos"); err != nil {
			return err
		}
		more, err := w.lockMemos(ctx, missing)
		if err != nil {
			return err
		}
		for c, ms := range more {
			state[c] = ms
		}
	}
	for _, ev := range w.events {
		m := ev.memo
		keep := false
		if m != nil && m.Text != "" {
			if ms := state[m.Class]; ms != nil {
				keep = version(ms.stamp) == m.Stamp
			}
		}
		for _, c := range ev.touched {
			ms := state[c]
			if ms == nil {
				return fmt.Errorf("sqlstore: class %q of a written record has no memo row", c)
			}
			ms.stamp++
			ms.memo = ""
			ms.dirty = true
		}
		if keep {
			ms := state[m.Class]
			ms.memo = m.Text
			ms.dirty = true
		}
	}
	upd := newRows(tClassMemos, opUpdate)
	for _, c := range codes {
		if ms := state[c]; ms != nil && ms.dirty {
			upd.add(w.s.uai, c, ms.stamp, ms.memo)
		}
	}
	if err := w.run(ctx, upd, upd.len(), "writing the classes' memos"); err != nil {
		return err
	}
	w.events = nil
	return nil
}

// lockMemos reads, and locks, the rows of class_memos of the classes
// codes, sorted.
func (w *writer) lockMemos(ctx context.Context, codes []string) (map[string]*memoState, error) {
	codes = slices.Clone(codes)
	slices.Sort(codes)
	out := make(map[string]*memoState, len(codes))
	err := forChunks(len(codes), 1000, func(lo, hi int) error {
		args := make([]any, 0, 1+hi-lo)
		args = append(args, w.s.uai)
		for _, c := range codes[lo:hi] {
			args = append(args, c)
		}
		rs, err := w.q.QueryContext(ctx, w.s.d.q(`SELECT class, stamp, memo FROM class_memos WHERE uai = ? AND class IN `+
			inList(hi-lo)+` ORDER BY class`+w.s.d.forUpdate), args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			var c string
			ms := &memoState{}
			if err := rs.Scan(&c, &ms.stamp, &ms.memo); err != nil {
				rs.Close()
				return err
			}
			out[c] = ms
		}
		return closeRows(rs)
	})
	return out, err
}
