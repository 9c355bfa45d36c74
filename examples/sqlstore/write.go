package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lsusync/lsusync"
)

// Apply implements lsusync.Applier: it applies cs in one transaction. It
// locks the records it replaces (PostgreSQL) or the database (SQLite),
// checks their versions, and writes only the rows that differ from the
// stored ones: the record rows of cs, with their new versions, and the
// rows of their periods, acquis, teachers and content that changed.
func (s *Store) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validateChangeSet(&cs); err != nil {
		return err
	}
	if err := s.writable(); err != nil {
		return err
	}
	return s.write(ctx, func(w *writer) error {
		if err := w.apply(ctx, &cs); err != nil {
			return err
		}
		return w.finishMemos(ctx)
	})
}

// write runs f in a write transaction and commits it.
func (s *Store) write(ctx context.Context, f func(*writer) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.writeErr(ctx, err)
	}
	defer conn.Close()
	return s.writeOn(ctx, conn, f)
}

// writeOn runs f in a write transaction on conn and commits it.
func (s *Store) writeOn(ctx context.Context, conn *sql.Conn, f func(*writer) error) error {
	if err := s.d.begin(ctx, conn, true, s.wait); err != nil {
		return s.writeErr(ctx, err)
	}
	w := newWriter(s, conn)
	defer w.close()
	err := f(w)
	if err == nil {
		err = w.flush(ctx)
	}
	if err != nil {
		w.close() // before a rollback that may drop the connection (see batch.Commit)
		rollback(ctx, conn)
		return s.writeErr(ctx, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		w.close()
		rollback(ctx, conn)
		return s.writeErr(ctx, err)
	}
	s.records.Add(w.records)
	s.rows.Add(w.rows)
	return nil
}

// rollback ends conn's transaction, and drops conn when that fails.
func rollback(ctx context.Context, conn *sql.Conn) {
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
		discard(conn)
	}
}

// writeErr wraps the error of a write: ctx's error when ctx is done; a
// lock not had in time as ErrBusy and lsusync.ErrConflict; PostgreSQL's
// deadlocks and serialization failures as lsusync.ErrConflict; the
// contract's refusals as they are.
func (s *Store) writeErr(ctx context.Context, err error) error {
	switch cerr := ctx.Err(); {
	case cerr != nil && !errors.Is(err, cerr):
		return fmt.Errorf("sqlstore: %s: %w: %w", s.uai, cerr, err)
	case isBusy(err):
		return fmt.Errorf("sqlstore: %s: %w, %w: %v", s.uai, ErrBusy, lsusync.ErrConflict, err)
	case isRetryable(err):
		return fmt.Errorf("sqlstore: %s: %w: %v", s.uai, lsusync.ErrConflict, err)
	case errors.Is(err, lsusync.ErrConflict), errors.Is(err, lsusync.ErrNotFound),
		errors.Is(err, lsusync.ErrLocked), errors.Is(err, lsusync.ErrInvalid), errors.Is(err, ErrExist):
		return err
	}
	return fmt.Errorf("sqlstore: %s: writing: %w", s.uai, err)
}

// writer writes change sets in a transaction and counts what it wrote.
type writer struct {
	s             *Store
	q             queryer
	conn          *sql.Conn
	stmts         map[string]*sql.Stmt // prepared on conn, by query
	records, rows int64
	// events are what the change sets applied so far do to the
	// classes' memos, in order; finishMemos writes them.
	events []memoEvent
	// creating is set by Create, whose records are all new: it reads no
	// stored bilan (PostgreSQL, without statistics on the tables it
	// fills, would scan them for each chunk).
	creating bool
	// added are the pupils the change set being applied adds: they have
	// no stored bilan to read (the same scans as creating would cost a
	// sync that adds every pupil, as lsusync init's first one does).
	added map[string]bool
	// pupilsAdded counts the pupils the transaction added: when it
	// reaches analyzeAfter, PostgreSQL gathers the statistics of the
	// pupils' table (see [dialect.analyzePupils]).
	pupilsAdded int
	// queue is set on PostgreSQL, where the writes wait in queued for
	// the next flush (see pipeline.go); groups numbers their operations.
	queue  bool
	queued []queued
	groups int
}

// run executes a bulk operation. When want >= 0, the operation must
// write exactly want rows, or another writer came first.
func (w *writer) run(ctx context.Context, r *rows, want int, what string) error {
	if w.queue {
		w.enqueue(r, want, what)
		return nil
	}
	n, err := w.exec(ctx, r, nil)
	w.rows += n
	if err != nil {
		return err
	}
	if want >= 0 && n != int64(want) {
		return fmt.Errorf("sqlstore: %s: %w", what, lsusync.ErrConflict)
	}
	return nil
}

// conflict is the refusal of a record whose version is not the stored one.
func conflict(what string, v lsusync.Version) error {
	if v == "" {
		return fmt.Errorf("sqlstore: adding %s: %w: it exists", what, lsusync.ErrConflict)
	}
	return fmt.Errorf("sqlstore: replacing %s at version %q: %w", what, string(v), lsusync.ErrConflict)
}

// check checks a record's Version against the stored one (0: none).
func check(what string, v lsusync.Version, stored int64) error {
	switch {
	case v == "" && stored != 0:
		return conflict(what, v)
	case v != "" && stored == 0:
		return fmt.Errorf("sqlstore: replacing %s: %w", what, lsusync.ErrNotFound)
	case v != "" && parseVersion(v) != stored:
		return conflict(what, v)
	}
	return nil
}

// apply applies a validated change set.
func (w *writer) apply(ctx context.Context, cs *lsusync.ChangeSet) error {
	uai := w.s.uai
	if e := cs.Establishment; e != nil {
		if e.UAI != uai {
			return fmt.Errorf("sqlstore: establishment %q: %w: the store's is %q", e.UAI, lsusync.ErrNotFound, uai)
		}
		var v int64
		rs, err := w.q.QueryContext(ctx, w.s.d.q("SELECT version FROM establishments WHERE uai = ?"+w.s.d.forUpdate), uai)
		if err != nil {
			return err
		}
		if rs.Next() {
			err = rs.Scan(&v)
		}
		if err := closeRows(rs); err != nil {
			return err
		}
		if err != nil {
			return err
		}
		if e.Version == "" && v != 0 {
			return fmt.Errorf("sqlstore: establishment %q: %w: an establishment is never added", uai, lsusync.ErrConflict)
		}
		if err := check("establishment "+uai, e.Version, v); err != nil {
			return err
		}
		r := newRows(tEstablishments, opReplace)
		a := &e.Address
		r.add(uai, e.Name, a.Line1, a.Line2, a.Line3, a.Line4, a.PostalCode, a.City, a.Country, e.HeadName, e.Phone, e.Email, v)
		if err := w.run(ctx, r, 1, "replacing establishment "+uai); err != nil {
			return err
		}
		w.records++
	}
	if err := forChunks(len(cs.Teachers), 4096, func(lo, hi int) error { return w.teachers(ctx, cs.Teachers[lo:hi]) }); err != nil {
		return err
	}
	// touched are the classes whose records cs writes: they get a new
	// stamp and lose their memo (see finishMemos).
	touched := map[string]bool{}
	if c := cs.Class; c != nil {
		if err := w.class(ctx, c); err != nil {
			return err
		}
		touched[c.Code] = true
	}
	if err := w.checkClasses(ctx, cs); err != nil {
		return err
	}
	if err := forChunks(len(cs.Students), 4096, func(lo, hi int) error { return w.students(ctx, cs.Students[lo:hi], touched) }); err != nil {
		return err
	}
	classOf, err := w.checkPupils(ctx, cs)
	if err != nil {
		return err
	}
	w.added = make(map[string]bool)
	for _, st := range cs.Students {
		if st.Version == "" {
			w.added[st.ID] = true // its add succeeded: it had no row, so no bilan
		}
	}
	err = forChunks(len(cs.Bilans), 256, func(lo, hi int) error { return w.bilans(ctx, cs.Bilans[lo:hi]) })
	w.added = nil
	if err != nil {
		return err
	}
	for _, b := range cs.Bilans {
		touched[classOf[b.Student]] = true
	}
	if len(touched) > 0 || cs.Memo != nil {
		ev := memoEvent{touched: keysOf(touched)}
		if cs.Memo != nil {
			m := *cs.Memo
			ev.memo = &m
		}
		w.events = append(w.events, ev)
	}
	return nil
}

// forChunks calls f on the ranges [lo, hi) of n items, size at most.
func forChunks(n, size int, f func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += size {
		if err := f(lo, min(lo+size, n)); err != nil {
			return err
		}
	}
	return nil
}

// storedRecord is the version of a stored record, and the value of the
// column a write asked for along with it.
type storedRecord struct {
	version int64
	extra   string
}

// versions returns the stored versions of the records of t whose keys
// (the columns of t's key after the UAI) are keys, locking them, with
// the value of the text column extra of each when extra is not "".
func (w *writer) versions(ctx context.Context, t *table, keys [][]any, extra string) (map[string]storedRecord, error) {
	out := make(map[string]storedRecord, len(keys))
	kcols := t.cols[1:t.nkey]
	n := len(kcols)
	off := 0
	sel := "version"
	if extra != "" {
		sel += ", " + extra
	}
	for _, k := range w.s.d.chunks(len(keys), min(1024, (w.s.d.maxParams-1)/n)) {
		var b strings.Builder
		b.WriteString("SELECT " + strings.Join(kcols, ", ") + ", " + sel + " FROM " + t.name + " WHERE uai = ? AND (" +
			strings.Join(kcols, ", ") + ") IN (")
		flat := make([]any, 0, k*n)
		for _, key := range keys[off : off+k] {
			flat = append(flat, key...)
		}
		off += k
		args := []any{w.s.uai}
		if w.s.d.engine == Postgres {
			// One text array per key column, as pgBulkSQL.
			b.WriteString("SELECT * FROM unnest(" + strings.TrimSuffix(strings.Repeat("CAST(? AS text[]), ", n), ", ") + ")")
			args = append(args, columnArrays(flat, n)...)
		} else {
			b.WriteString("VALUES ")
			tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
			for i := range k {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(tuple)
			}
			args = append(args, flat...)
		}
		b.WriteString(") ORDER BY " + strings.Join(kcols, ", ") + w.s.d.forUpdate)
		rs, err := w.q.QueryContext(ctx, w.s.d.q(b.String()), args...)
		if err != nil {
			return nil, err
		}
		vals := make([]string, n)
		var rec storedRecord
		dest := make([]any, n, n+2)
		for i := range vals {
			dest[i] = &vals[i]
		}
		dest = append(dest, &rec.version)
		if extra != "" {
			dest = append(dest, &rec.extra)
		}
		for rs.Next() {
			if err := rs.Scan(dest...); err != nil {
				rs.Close()
				return nil, err
			}
			out[strings.Join(vals, "\x00")] = rec
		}
		if err := closeRows(rs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// teachers adds and replaces teachers.
func (w *writer) teachers(ctx context.Context, ts []lsusync.Teacher) error {
	keys := make([][]any, len(ts))
	for i, t := range ts {
		keys[i] = []any{t.Key.Type, t.Key.ID}
	}
	stored, err := w.versions(ctx, tTeachers, keys, "")
	if err != nil {
		return err
	}
	add, rep := newRows(tTeachers, opAdd), newRows(tTeachers, opReplace)
	for _, t := range ts {
		v := stored[t.Key.Type+"\x00"+t.Key.ID].version
		if err := check("teacher "+t.Key.String(), t.Version, v); err != nil {
			return err
		}
		vals := []any{w.s.uai, t.Key.Type, t.Key.ID, t.Civility, t.LastName, t.FirstName, t.NUMEN}
		if t.Version == "" {
			add.add(vals...)
		} else {
			rep.add(append(vals, v)...)
		}
	}
	if err := w.run(ctx, rep, rep.len(), "replacing teachers"); err != nil {
		return err
	}
	if err := w.run(ctx, add, add.len(), "adding teachers"); err != nil {
		return err
	}
	w.records += int64(len(ts))
	return nil
}

// class adds or replaces a class and writes the periods that changed.
func (w *writer) class(ctx context.Context, c *lsusync.Class) error {
	uai := w.s.uai
	stored, err := w.versions(ctx, tClasses, [][]any{{c.Code}}, "")
	if err != nil {
		return err
	}
	v := stored[c.Code].version
	what := "class " + fmt.Sprintf("%q", c.Code)
	if err := check(what, c.Version, v); err != nil {
		return err
	}
	old := map[lsusync.Period]bool{}
	if c.Version == "" {
		r := newRows(tClasses, opAdd)
		r.add(uai, c.Code, c.Label)
		if err := w.run(ctx, r, 1, "adding "+what); err != nil {
			return err
		}
	} else {
		r := newRows(tClasses, opReplace)
		r.add(uai, c.Code, c.Label, v)
		if err := w.run(ctx, r, 1, "replacing "+what); err != nil {
			return err
		}
		rs, err := w.q.QueryContext(ctx, w.s.d.q("SELECT year, period_count, period_index FROM class_periods WHERE uai = ? AND class = ?"), uai, c.Code)
		if err != nil {
			return err
		}
		for rs.Next() {
			var p lsusync.Period
			if err := rs.Scan(&p.Year, &p.Count, &p.Index); err != nil {
				rs.Close()
				return err
			}
			old[p] = true
		}
		if err := closeRows(rs); err != nil {
			return err
		}
	}
	w.records++
	ins, del := newRows(tClassPeriods, opInsert), newRows(tClassPeriods, opDelete)
	for _, p := range c.Periods {
		if !old[p] {
			ins.add(uai, c.Code, p.Year, p.Count, p.Index)
		}
		delete(old, p)
	}
	for p := range old {
		del.add(uai, c.Code, p.Year, p.Count, p.Index)
	}
	if err := w.run(ctx, del, del.len(), "removing periods"); err != nil {
		return err
	}
	return w.run(ctx, ins, ins.len(), "adding periods")
}

// existing returns which of ids the column col of the UAI's rows of
// table holds, each with the value of the column val of its row.
func (w *writer) existing(ctx context.Context, table, col, val string, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	err := forChunks(len(ids), 1000, func(lo, hi int) error {
		cond, args := w.s.d.in(col, ids[lo:hi])
		rs, err := w.q.QueryContext(ctx, w.s.d.q("SELECT "+col+", "+val+" FROM "+table+" WHERE uai = ? AND "+cond), append([]any{w.s.uai}, args...)...)
		if err != nil {
			return err
		}
		for rs.Next() {
			var id, v string
			if err := rs.Scan(&id, &v); err != nil {
				rs.Close()
				return err
			}
			out[id] = v
		}
		return closeRows(rs)
	})
	return out, err
}

// checkClasses refuses pupils of a class that neither the store nor cs
// holds.
func (w *writer) checkClasses(ctx context.Context, cs *lsusync.ChangeSet) error {
	need := map[string]bool{}
	for _, st := range cs.Students {
		if cs.Class == nil || st.Class != cs.Class.Code {
			need[st.Class] = true
		}
	}
	if len(need) == 0 {
		return nil
	}
	have, err := w.existing(ctx, "classes", "code", "code", keysOf(need))
	if err != nil {
		return err
	}
	for _, st := range cs.Students {
		if _, ok := have[st.Class]; need[st.Class] && !ok {
			return fmt.Errorf("sqlstore: pupil %s: class %q: %w", st.ID, st.Class, lsusync.ErrNotFound)
		}
	}
	return nil
}

// checkPupils refuses bilans of a pupil that neither the store nor cs
// holds. It returns the class of each pupil of the bilans: the one cs
// gives, or the stored one.
func (w *writer) checkPupils(ctx context.Context, cs *lsusync.ChangeSet) (map[string]string, error) {
	classOf := make(map[string]string, len(cs.Students))
	for _, st := range cs.Students {
		classOf[st.ID] = st.Class
	}
	need := map[string]bool{}
	for _, b := range cs.Bilans {
		if _, ok := classOf[b.Student]; !ok {
			need[b.Student] = true
		}
	}
	if len(need) == 0 {
		return classOf, nil
	}
	have, err := w.existing(ctx, "students", "id", "class", keysOf(need))
	if err != nil {
		return nil, err
	}
	for _, b := range cs.Bilans {
		if need[b.Student] {
			class, ok := have[b.Student]
			if !ok {
				return nil, fmt.Errorf("sqlstore: bilan %s: pupil %s: %w", b.Key(), b.Student, lsusync.ErrNotFound)
			}
			classOf[b.Student] = class
		}
	}
	return classOf, nil
}

// keysOf returns the keys of m, sorted.
func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// students adds and replaces pupils; a pupil whose class changes moves
// with their bilans, which follow the pupil's class. It marks touched the
// classes of the pupils, the ones they leave included.
func (w *writer) students(ctx context.Context, sts []lsusync.Student, touched map[string]bool) error {
	// The pupils added need no read: their insert adds no row over a
	// stored one, and counts the rows it added (a pupil added since
	// the change set was made is a conflict). Without statistics on a
	// table filled in the same transaction, PostgreSQL would scan the
	// pupils for each class a first sync adds.
	keys := make([][]any, 0, len(sts))
	for _, st := range sts {
		if st.Version != "" {
			keys = append(keys, []any{st.ID})
		}
	}
	stored, err := w.versions(ctx, tStudents, keys, "class")
	if err != nil {
		return err
	}
	add, rep := newRows(tStudents, opAdd), newRows(tStudents, opReplace)
	for _, st := range sts {
		old, ok := stored[st.ID]
		v := old.version
		if err := check("pupil "+st.ID, st.Version, v); err != nil {
			return err
		}
		if ok {
			touched[old.extra] = true
		}
		touched[st.Class] = true
		vals := []any{w.s.uai, st.ID, st.Class, st.INE, st.LastName, st.UsageName, st.FirstName, st.FirstName2,
			st.FirstName3, dateArg(st.BirthDate), string(st.Sex)}
		if st.Version == "" {
			add.add(vals...)
		} else {
			rep.add(append(vals, v)...)
		}
	}
	if err := w.run(ctx, rep, rep.len(), "replacing pupils"); err != nil {
		return err
	}
	if err := w.run(ctx, add, add.len(), "adding pupils"); err != nil {
		return err
	}
	w.records += int64(len(sts))
	before := w.pupilsAdded
	w.pupilsAdded += add.len()
	if before < analyzeAfter && w.pupilsAdded >= analyzeAfter && !w.creating {
		return w.s.d.analyzePupils(ctx, w.q, w.s.wait)
	}
	return nil
}

// storedBilan is a bilan row read for a write.
type storedBilan struct {
	id       int64
	locked   bool
	imported bool
	version  int64
	// hasDocument reports a row of bilan_documents, whose digest is
	// digest: "" when another program wrote it.
	hasDocument bool
	digest      string
}

// bilans adds and replaces bilans: a bilan's row, which holds its acquis
// and professeurs principaux, is written whole; its content document only
// when it differs from the stored one, as their digests tell, so that a
// synchronisation, which never changes content, never writes it.
func (w *writer) bilans(ctx context.Context, bs []lsusync.Bilan) error {
	stored := map[lsusync.BilanKey]storedBilan{}
	if !w.creating {
		var err error
		if stored, err = w.lockBilans(ctx, bs); err != nil {
			return err
		}
	}
	rep := newRows(tBilans, opReplace)
	insDocs, updDocs, delDocs := newRows(tBilanDocuments, opInsert), newRows(tBilanDocuments, opUpdate), newRows(tBilanDocuments, opDelete)
	var adds []*lsusync.Bilan
	type doc struct{ content, digest string }
	var addDocs map[lsusync.BilanKey]doc
	addRows := newRows(tBilanKeys, opAdd)
	for i := range bs {
		b := &bs[i]
		sb, ok := stored[b.Key()]
		what := "bilan " + b.Key().String()
		var v int64
		if ok {
			v = sb.version
		}
		if err := check(what, b.Version, v); err != nil {
			return err
		}
		if b.Version != "" {
			if sb.locked {
				return fmt.Errorf("sqlstore: replacing %s: %w", what, lsusync.ErrLocked)
			}
			if b.Locked {
				return fmt.Errorf("sqlstore: locking %s: %w: a bilan is locked when it is added only", what, lsusync.ErrLocked)
			}
		}
		acquis, heads, err := encodeSynced(b)
		if err != nil {
			return err
		}
		content, digest, hasContent, err := encodeDocument(b)
		if err != nil {
			return err
		}
		if b.Version == "" {
			adds = append(adds, b)
			addRows.add(w.s.uai, b.Student, b.Period.Year, b.Period.Count, b.Period.Index, b.Locked, b.Imported, acquis, heads)
			if hasContent {
				if addDocs == nil {
					addDocs = make(map[lsusync.BilanKey]doc)
				}
				addDocs[b.Key()] = doc{content, digest}
			}
			continue
		}
		rep.add(sb.id, b.Locked, b.Imported, acquis, heads, sb.version)
		switch {
		case !hasContent && sb.hasDocument:
			delDocs.add(sb.id)
		case !hasContent:
		case !sb.hasDocument:
			insDocs.add(sb.id, content, digest)
		case sb.digest != digest:
			updDocs.add(sb.id, content, digest)
		}
	}
	if err := w.run(ctx, rep, rep.len(), "replacing bilans"); err != nil {
		return err
	}
	if len(adds) > 0 {
		if addDocs != nil {
			// The documents need the ids of their bilans.
			addRows.op = opAddReturn
		}
		n, err := w.exec(ctx, addRows, func(rs *sql.Rows) error {
			var id int64
			var k lsusync.BilanKey
			if err := rs.Scan(&id, &k.Student, &k.Period.Year, &k.Period.Count, &k.Period.Index); err != nil {
				return err
			}
			if d, ok := addDocs[k]; ok {
				insDocs.add(id, d.content, d.digest)
			}
			return nil
		})
		w.rows += n
		if err != nil {
			return err
		}
		if int(n) != len(adds) {
			return fmt.Errorf("sqlstore: adding bilans: %w: one exists", lsusync.ErrConflict)
		}
	}
	for _, r := range []*rows{delDocs, updDocs, insDocs} {
		if err := w.run(ctx, r, r.len(), "writing the content of bilans"); err != nil {
			return err
		}
	}
	w.records += int64(len(bs))
	return nil
}

// lockBilans reads, and locks, the stored bilans of the pupils of bs,
// with the digests of their documents.
func (w *writer) lockBilans(ctx context.Context, bs []lsusync.Bilan) (map[lsusync.BilanKey]storedBilan, error) {
	seen := map[string]bool{}
	var pupils []string
	for _, b := range bs {
		if !seen[b.Student] && !w.added[b.Student] {
			seen[b.Student] = true
			pupils = append(pupils, b.Student)
		}
	}
	stored := make(map[lsusync.BilanKey]storedBilan, len(bs))
	lock := ""
	if w.s.d.forUpdate != "" {
		lock = w.s.d.forUpdate + " OF b"
	}
	err := forChunks(len(pupils), 1000, func(lo, hi int) error {
		cond, args := w.s.d.in("b.student", pupils[lo:hi])
		// The digest by a subquery, one index lookup per bilan: as a
		// join, PostgreSQL, which estimates the bilans of an array of
		// pupils at twenty times their number, may hash every document
		// of the database (40 ms a class in a store of 100,000 pupils).
		rs, err := w.q.QueryContext(ctx, w.s.d.q(`SELECT b.id, b.student, b.year, b.period_count, b.period_index, b.locked, b.imported, b.version,
			(SELECT d.digest FROM bilan_documents d WHERE d.bilan = b.id)
			FROM bilans b
			WHERE b.uai = ? AND `+cond+` ORDER BY b.id`+lock), append([]any{w.s.uai}, args...)...)
		if err != nil {
			return err
		}
		for rs.Next() {
			var sb storedBilan
			var k lsusync.BilanKey
			var digest sql.NullString
			if err := rs.Scan(&sb.id, &k.Student, &k.Period.Year, &k.Period.Count, &k.Period.Index, &sb.locked, &sb.imported, &sb.version, &digest); err != nil {
				rs.Close()
				return err
			}
			sb.hasDocument, sb.digest = digest.Valid, digest.String
			stored[k] = sb
		}
		return closeRows(rs)
	})
	return stored, err
}
