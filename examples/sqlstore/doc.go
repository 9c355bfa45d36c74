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
// newer program migrated ([ErrSchemaVersion]). The schema is normalised
// and documented in SCHEMA.md, so that other programs can read it.
//
// # Versions, conflicts and what is written
//
// Every record row has a version column: 1 when the record is added,
// one more at each write. A record's [lsusync.Version] is that number as
// text. Apply reads the version of each record it replaces, locking the
// row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write transaction
// holds the whole database), and refuses the change set with
// lsusync.ErrConflict when it differs from the record's, or when a record
// to add exists. Then it compares each bilan with the stored one and
// writes only the rows that differ: the record rows of the change set
// with their new versions, and the acquis, teachers, professeurs
// principaux, periods and content rows that changed, in a few bulk
// statements per table. A synchronisation that changes nothing writes no
// row; [Store.Written] counts what was written.
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
package sqlstore
