package lsusync

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// Store is the LSU data a synchronisation updates.
//
// Every method may be called from several goroutines at once and must be
// safe for concurrent use: the synchronizer reads and applies the classes
// concurrently, and other writers (a teacher entering appreciations) may
// write while a synchronisation runs. Values returned by a Store belong to
// the caller, who may modify them; a Store must return copies of what it
// keeps. Every method returns an error wrapping ctx's error when ctx is
// done. Records come back in any order, each with its [Version]; nil and
// empty slices mean the same.
//
// A Store writes only through [Applier.Apply], one [ChangeSet] at a time,
// atomically, and refuses with [ErrConflict] to overwrite a record that
// changed since it was read: no concurrent edit is ever lost. A Store
// backed by a file or a database should also implement [Batcher], so that
// a whole synchronisation is persisted with one write.
//
// The package lsusynctest checks a Store implementation against this
// contract.
type Store interface {
	EstablishmentStore
	TeacherStore
	ClassStore
	StudentStore
	BilanStore
	Applier
}

// EstablishmentStore reads the establishment.
type EstablishmentStore interface {
	// Establishment returns the stored establishment. It returns an error
	// wrapping [ErrNotFound] when the store has none.
	Establishment(ctx context.Context) (Establishment, error)
}

// TeacherStore reads the teachers.
type TeacherStore interface {
	// Teachers returns every stored teacher, in any order. No teacher is
	// an empty slice and a nil error.
	Teachers(ctx context.Context) ([]Teacher, error)
}

// ClassStore reads the classes.
type ClassStore interface {
	// Classes returns every stored class with its periods, in any order.
	Classes(ctx context.Context) ([]Class, error)
}

// StudentStore reads the pupils.
type StudentStore interface {
	// Students returns the pupils whose Class is code, in any order. An
	// unknown class or a class without pupils gives an empty slice and a
	// nil error.
	Students(ctx context.Context, class string) ([]Student, error)
	// Student returns the pupil with the given ID, whatever their class.
	// It returns an error wrapping [ErrNotFound] when there is none.
	Student(ctx context.Context, id string) (Student, error)
}

// BilanStore reads the bilans.
type BilanStore interface {
	// Bilans returns every bilan of the pupils whose Class is class, for
	// every period, in any order. No bilan is an empty slice and a nil
	// error.
	Bilans(ctx context.Context, class string) ([]Bilan, error)
}

// Version is the version of a stored record: an opaque value that a
// [Store] sets on every record it writes and returns with the record, so
// that a write can tell whether the record changed since it was read
// (optimistic concurrency, as an HTTP ETag or a row version column).
//
// The zero Version marks a record that is not stored yet: a [ChangeSet]
// that holds a record with the zero Version adds it. A Store never returns
// a record with the zero Version, and gives a record a Version it never
// had before each time it writes it. Versions are compared with ==; their
// text means nothing outside the Store that made them.
type Version string

// Applier writes changes.
type Applier interface {
	// Apply applies every change of cs atomically: after Apply returns,
	// either all of them are visible to every reader or none is, even if
	// the process crashes.
	//
	// Each record of cs is matched with the stored record of the same
	// key (the establishment; a teacher by key, a class by code, a pupil
	// by ID, a bilan by pupil and period) and its Version decides:
	//
	//   - a record with a Version replaces the stored record, whole, and
	//     only if the stored record still has that Version;
	//   - a record with the zero Version is added, and only if the store
	//     holds no record with its key. The establishment is never added.
	//
	// Apply validates before it writes, and applies nothing when it
	// returns an error:
	//
	//   - an error wrapping [ErrConflict] when a record's Version is not
	//     the stored one, or a record to add already exists: another
	//     writer changed the store since the caller read it;
	//   - an error wrapping [ErrNotFound] when cs replaces a record the
	//     store lacks, names an establishment whose UAI is not the stored
	//     one, puts a pupil in a class, or a bilan on a pupil, that
	//     neither the store nor cs holds;
	//   - an error wrapping [ErrLocked] when cs replaces a bilan that is
	//     locked in the store, or locks or unlocks one (a bilan may be
	//     added locked);
	//   - an error wrapping [ErrInvalid] for an empty key;
	//   - ctx's error when ctx is done before the changes are applied.
	//
	// Once applied, every record of cs has a new Version in the store,
	// which the read methods return.
	Apply(ctx context.Context, cs ChangeSet) error
}

// ChangeSet is a set of changes that a [Store] applies atomically: for the
// synchronizer, the establishment and the teachers, or the changes of one
// class. Empty fields mean no change of that kind. Each record replaces
// the stored one when it carries a [Version], and is added when its
// Version is zero (see [Applier.Apply]). A ChangeSet holds each record
// once.
type ChangeSet struct {
	// Establishment, when not nil, replaces the stored establishment.
	Establishment *Establishment
	// Teachers replace or add teachers by key.
	Teachers []Teacher
	// Class, when not nil, replaces or adds the class with its code.
	Class *Class
	// Students replace or add pupils by ID. A pupil whose Class differs
	// from the stored one moves to that class, with their bilans.
	Students []Student
	// Bilans replace or add bilans by pupil and period.
	Bilans []Bilan
	// Memo, when not nil, is the memo that a Store implementing
	// [ClassMemos] keeps with the class Memo.Class once the change set is
	// applied, provided that the class's stamp is still Memo.Stamp before
	// the change set is applied: that no record of the class was written
	// since the caller read it. Otherwise the class keeps no memo. A Store
	// that does not implement ClassMemos ignores it. A memo changes no
	// record: a change set may hold a Memo alone, and is then empty.
	Memo *Memo
}

// IsEmpty reports whether cs changes no record.
func (cs *ChangeSet) IsEmpty() bool {
	return cs.Establishment == nil && len(cs.Teachers) == 0 && cs.Class == nil &&
		len(cs.Students) == 0 && len(cs.Bilans) == 0
}

// ClassMemos is an optional interface of a [Store] that keeps, with each
// class, the memo of its last synchronisation, so that a synchronisation
// with [Options.SkipUnchanged] passes over a class whose source data and
// stored records are both as that synchronisation left them.
//
// A memo is an opaque text that the synchronizer makes of the source data
// of a class, and writes with the class's change set ([ChangeSet.Memo]).
// The Store keeps it, and persists it as it persists records, until a
// record of the class is written without it: the class, one of its pupils
// (a pupil who moves into the class or out of it included), or a bilan of
// one of its pupils. Then the class has no memo, until a change set gives
// it one again.
//
// Every class has a stamp: a value that the Store changes each time it
// writes a record of the class, with the rules of a [Version] (never the
// same twice, compared with ==). A change set's memo is kept only if the
// class's stamp is still the one its writer read before it read the
// class: so a memo is never kept over a write its writer did not see.
type ClassMemos interface {
	// ClassMemos returns the memo and the stamp of every class the store
	// holds, in any order; Text is "" for a class without a memo.
	ClassMemos(ctx context.Context) ([]Memo, error)
}

// Memo is the memo of a class: see [ClassMemos].
type Memo struct {
	// Class is the class's code.
	Class string
	// Text is the memo, "" for none.
	Text string
	// Stamp is the class's stamp.
	Stamp Version
}

// Batcher is an optional interface of a [Store] that persists a whole
// synchronisation with one write, such as a store backed by a file or a
// database transaction.
//
// When the Store implements Batcher, the synchronizer calls BeginBatch once
// the prerequisites hold, applies every change set to the [Batch], and
// calls Commit once at the end, or Discard when nothing changed or the sync
// failed. Otherwise it calls [Applier.Apply] on the Store for each change
// set.
type Batcher interface {
	// BeginBatch starts a batch of change sets.
	BeginBatch(ctx context.Context) (Batch, error)
}

// Batch collects change sets and persists them together.
type Batch interface {
	// Apply stages a change set under the contract of [Applier.Apply]: it
	// checks the change set against the store's committed content at
	// once, and refuses it with the same errors, staging nothing; a
	// refused change set leaves the others in the batch. Apply may be
	// called from several goroutines at once. Staged changes are not
	// visible to the Store's readers before Commit.
	//
	// A staged change set's records are reserved by the batch until
	// Commit or Discard: any other write of one of them (an Apply on the
	// Store, another batch) fails with an error wrapping [ErrConflict],
	// or waits for the batch to end and is then checked against its
	// result, as a database transaction's row locks make it wait. So
	// Commit never fails with a conflict. The synchronizer never stages
	// one record twice in a batch.
	Apply(ctx context.Context, cs ChangeSet) error
	// Commit persists every staged change set at once, atomically, and
	// ends the batch.
	Commit(ctx context.Context) error
	// Discard drops the staged change sets and ends the batch. It is a
	// no-op after Commit.
	Discard()
}

// Snapshot is the whole content of a Store at one moment. Stores are not
// required to produce one; it serves to seed and compare stores in tests
// (see lsusynctest) and as the content of file formats. The records of a
// Snapshot carry no [Version]: a Store made from a Snapshot gives its
// records their first versions.
type Snapshot struct {
	Establishment Establishment `json:"establishment"`
	Teachers      []Teacher     `json:"teachers"`
	Classes       []Class       `json:"classes"`
	Students      []Student     `json:"students"`
	Bilans        []Bilan       `json:"bilans"`
}

// Sort sorts the records of s in a canonical order: teachers by key,
// classes by code, pupils by ID, bilans by pupil then period.
func (s *Snapshot) Sort() {
	slices.SortFunc(s.Teachers, func(a, b Teacher) int { return a.Key.Compare(b.Key) })
	slices.SortFunc(s.Classes, func(a, b Class) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(s.Students, func(a, b Student) int { return compareIDs(a.ID, b.ID) })
	slices.SortFunc(s.Bilans, func(a, b Bilan) int {
		return cmp.Or(compareIDs(a.Student, b.Student), comparePeriods(a.Period, b.Period))
	})
}
