// Package sqlstore is an lsusync.Store kept in a SQL database: SQLite,
// embedded in the program (modernc.org/sqlite, pure Go, no cgo), or
// PostgreSQL, for a school software vendor hosting thousands of
// establishments in one database (github.com/jackc/pgx/v5, through
// database/sql). One code base serves both engines; they differ in a few
// column types, the SQL placeholders and the locks.
//
// # Opening a store
//
//	db, err := sqlstore.Connect(ctx, "postgres://lsu@db.example/lsu") // or "sqlite:lsu.db", "lsu.db"
//	...
//	defer db.Close()
//	st, err := sqlstore.Open(ctx, db, "0750001A", sqlstore.Options{})      // an establishment of the database
//	st, err := sqlstore.Create(ctx, db, snapshot, sqlstore.Options{})      // lsusync init: a new one
//
// A database holds any number of establishments; a [Store] serves one,
// named by its UAI. [Open] and [Create] apply the schema migrations the
// database lacks (they are embedded in the package, versioned, and
// recorded in the table lsusync_schema), and refuse a database that a
// newer program migrated ([ErrSchemaVersion]); a store opened with
// Options.ReadOnly reads the database as it is, of an older version
// included. The schema is documented in SCHEMA.md, so that other programs
// can read it.
//
// # Every field
//
// A bilan's row holds what a synchronisation reads and writes: its keys,
// locked and imported, its acquis (subjects with their modalité, and
// teachers) and professeurs principaux, as JSON (json on PostgreSQL).
// Its content, lsusync.BilanContent and each acquis's
// lsusync.AcquisContent by subject key, is one JSON document in a table
// of its own, which a synchronisation never writes. Both are the JSON form
// of the lsusync types (their json tags, encoding/json): a content field
// added to those types is stored with no change to the schema or to this
// package.
//
// # Versions, conflicts and what is written
//
// Every record row has a version column: 1 when the record is added,
// one more at each write. A record's [lsusync.Version] is that number as
// text. Apply reads the version of each record it replaces, locking the
// row (SELECT ... FOR NO KEY UPDATE on PostgreSQL; SQLite's write
// transaction holds the whole database), and refuses the change set with
// lsusync.ErrConflict when it differs from the record's, or when a record
// to add exists. Then it writes the record rows of the change set with
// their new versions, the periods that changed, and a bilan's content
// document only when it differs from the stored one (their SHA-256
// digests tell), in a few bulk statements per table: a synchronisation,
// which never changes content, writes one row per bilan, and never its
// kilobytes of appreciations. A synchronisation that changes nothing
// writes no row; [Store.Written] counts what was written. On PostgreSQL
// the statements take one array per column, and a change set's writes go
// to the server together, in one round trip before each of its reads and
// one at its end.
//
// # Many establishments, several processes
//
// [NewClaims] returns an lsusync.Claimer through the database, with
// which processes on one machine or several share a run of
// lsusync.SyncMany: each establishment is claimed (a row of sync_claims
// with a lease its worker renews), an establishment another worker holds
// is passed over, and the table sync_log keeps the database's own log of
// syncs, which [SyncLog] reads (schema version 4).
//
// # Memos
//
// The Store implements lsusync.ClassMemos, so that a synchronisation with
// lsusync.Options.SkipUnchanged passes over the classes whose exports and
// records are both as their last synchronisation left them. From the
// first write of one of its records, each class has a row in the table
// class_memos (schema version 2): a stamp, one more at each transaction
// that writes a record of the class, and the memo, which such a
// transaction empties. A change set's memo is kept
// when the class's stamp is still the one the synchronizer read before
// it read the class. These rows are written last in a transaction: a
// batch locks them (PostgreSQL) for its commit only, and decides then
// which memos to keep, so that a class written by another transaction
// during the synchronisation loses its memo.
//
// # Transactions and locks
//
// A change set applied with Apply is one transaction. A synchronisation
// is one transaction too: the Store implements lsusync.Batcher, and the
// batch's transaction first takes the establishment's synchronisation
// lock, so that two synchronisations of one establishment never run at
// once, from any process or machine. On PostgreSQL it is an advisory lock
// keyed by the schema and the UAI ([SyncLockKey]): syncs of different
// establishments run in parallel. On SQLite it is the database's write
// lock (BEGIN IMMEDIATE), which also holds off every other write of the
// file until the sync commits: a teacher's Apply waits for it. The second
// synchronisation waits [Options.LockTimeout], then fails with [ErrBusy].
//
// With SQLite, then, no write comes between a synchronisation's read of a
// class and its write: every other write waits for the commit, then is
// checked against its result. No edit is lost, but each waits for the
// commit; one that waits longer than LockTimeout fails with ErrBusy, to be
// entered again. A synchronisation of 2,000 pupils holds the lock on a
// small server 3.5 s when every value changed, 0.7 s when none did, less
// when it passes over the unchanged classes: a teacher who saves then
// waits as long. At 100,000 pupils it holds
// it about 100 s when everything changed, longer than the default
// LockTimeout: sync such a store out of hours, or use PostgreSQL.
// SCHEMA.md says more. A Store used without a batch (Apply, one
// transaction per class) takes the lock class by class, and a teacher's
// write between the read and the write of a class makes the class's Apply
// fail with lsusync.ErrConflict: the synchronizer reads the class again.
//
// Each change set staged in a batch runs under its own SAVEPOINT, so that
// a refused one leaves the others (PostgreSQL aborts a whole transaction
// on an error otherwise); Batch.Apply calls take turns on the
// transaction. The rows a staged change set writes stay locked until
// Commit or Discard: another writer of them waits, then is checked
// against the result. A write that waits longer than LockTimeout fails
// with an error wrapping both ErrBusy and lsusync.ErrConflict;
// PostgreSQL's deadlocks and serialization failures are reported as
// lsusync.ErrConflict too: read again and retry.
//
// Reads are by class: Students and Bilans read one class, Bilans in one
// read-only transaction that sees one snapshot, so that a synchronisation
// never holds a whole establishment in memory.
//
// # Durability
//
// A committed transaction survives a crash of the program: SQLite runs in
// write-ahead logging mode with full synchronisation at each commit, and
// PostgreSQL's commits are durable unless its server is set otherwise. A
// program killed during a synchronisation leaves the store as it was
// before it. The SQLite file holds personal data: [Connect] creates it
// readable and writable by its owner only.
//
// # Read-only files
//
// An SQLite file its user made read-only (chmod a-w) is never written,
// even by the superuser, whom permissions do not stop: [Connect] refuses
// it with [ErrReadOnly] before SQLite opens it (SQLite would make its -wal
// and -shm files next to it), and a Store refuses to write a file made
// read-only after it was opened. [ConnectReadOnly] and
// Options.ReadOnly read it, for a dry run or a listing; so do they any
// database, PostgreSQL included, without writing it.
package sqlstore
