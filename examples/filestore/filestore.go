// Package filestore is an lsusync.Store kept in one JSON file per
// establishment, for school software that has no database.
//
// The file holds the establishment, its classes with their periods (and
// the memos of their last synchronisation), the pupils, the teachers and
// the bilans, in the versioned format described in FORMAT.md: version 2,
// which writes the subjects and teacher keys of the bilans once, in
// tables; version 1 files are read too. A [Store] reads the whole file
// when it opens, serves every read from memory, and rewrites the whole
// file at each commit:
//
//   - a synchronisation is one write: the Store implements
//     lsusync.Batcher, and the synchronizer commits its batch once; it
//     implements lsusync.ClassMemos too, so that a synchronisation with
//     Options.SkipUnchanged passes over the classes unchanged since;
//   - the write goes to a temporary file in the same folder, which is
//     flushed to disk (fsync), then renamed over the store file, and the
//     folder is flushed in turn (Windows cannot flush a folder: there the
//     rename reaches the disk with the file system's journal): a crash at
//     any moment leaves the old file or the new one, whole, never a mix;
//   - an advisory lock on a sidecar file, path + ".lock", held from Open
//     to Close, keeps two Stores, in two processes or in one, from using
//     one store file at once; the second gets [ErrBusy], as a
//     [*BusyError] that names the holder when it said who it is
//     (Options.Holder). Writers take it exclusive, readers shared; a
//     reader that a writer keeps out reads the file without the lock, as
//     below. It is flock(2) on Unix systems and
//     LockFileEx on Windows, and the system releases it when the process
//     ends, however it ends. The lock file is left in place: removing it
//     would let two processes lock two different files;
//   - the files are created readable and writable by their owner only
//     (0600): they hold personal data. A rewrite makes the store file 0600
//     again;
//   - a store file its user made read-only (chmod a-w, or the read-only
//     attribute on Windows) is never replaced: opening it for writing
//     fails with [ErrReadOnly], and the file is left as it was; it can
//     still be opened read only;
//   - a store in a folder that this user may not write, or on a file
//     system mounted read-only (a backup, a CD, a share), cannot be
//     written, since every write makes a new file in the folder: opening
//     it for writing fails with [ErrFolderReadOnly], naming the folder. It
//     can still be opened read only, even when its lock file cannot be
//     created there: such a reader takes no lock, and needs none to see a
//     whole file, since a writer never changes the store file in place
//     but renames a new one over it; the reader reads the file it opened,
//     the old one or the new one, whole;
//   - a symbolic link to the store file is followed, not replaced;
//   - a corrupt, truncated or future-version file is refused with a
//     [*FileError] naming the file and, for a syntax error, the line,
//     column and byte offset; it is never overwritten.
package filestore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrBusy reports a store file that another Store holds open, in
	// another process or in this one: its lock is taken. (A locked
	// bilan is another matter: lsusync.ErrLocked.)
	ErrBusy = errors.New("filestore: store is in use by another process")
	// ErrReadOnly reports a store file opened for writing that its user
	// made read-only, or that this user may not write: it is not
	// replaced. Open it with Options.ReadOnly to read it. A store whose
	// folder is read-only matches it too, with ErrFolderReadOnly, and so
	// does a write to a Store opened with Options.ReadOnly. It matches
	// lsusync.ErrReadOnly, as the SQL store's does.
	ErrReadOnly error = lsusync.ReadOnlyError("filestore: store file is read-only")
	// ErrFolderReadOnly reports a store opened or created for writing in
	// a folder that this user may not write, or on a file system mounted
	// read-only: the store file cannot be replaced by a new one there,
	// nor its lock file made. The error names the folder. Open the store
	// with Options.ReadOnly to read it.
	ErrFolderReadOnly = errors.New("filestore: the store's folder is read-only")
	// ErrCorrupt reports a file that is not a well-formed store file:
	// wrong syntax, truncated, unknown or missing members, invalid
	// content. Such a file is never overwritten.
	ErrCorrupt = errors.New("corrupt store file")
	// ErrVersion reports a file written in a format version newer than
	// this package reads.
	ErrVersion = errors.New("unsupported store format version")
	// ErrClosed reports a write to a closed Store.
	ErrClosed = errors.New("filestore: store closed or read only")
)

// Options configures [Open].
type Options struct {
	// ReadOnly opens the store for reading: the lock is shared, so that
	// several readers may hold it at once but no writer, and every write
	// fails with ErrReadOnly. When a writer holds the lock (lsusync serve,
	// a synchronisation), or the lock file does not exist and cannot be
	// created, the folder or its file system being read-only, the store
	// is read without the lock, as the file is when Open reads it (see
	// the package documentation).
	ReadOnly bool
	// Holder says who opens the store for writing, such as "serve": the
	// Opens refused while it holds the store get it in their
	// [*BusyError], with the time of this Open, and can say to their user
	// who holds the store. It is written in the lock file, and must hold
	// neither a tab nor a newline.
	Holder string
	// Progress, when not nil, is called from time to time while Open
	// decodes the file, with the bytes decoded so far and the file's
	// size, from the goroutine that called Open, so that a large store
	// can show how far its opening has gone.
	Progress func(done, total int64)
}

// Store is an lsusync.Store and lsusync.Batcher backed by one file. Its
// methods are safe for concurrent use. Close it to release the lock.
type Store struct {
	path string
	mem  *memory.Store

	mu       sync.Mutex   // guards the fields below and the file writes
	lock     *flock.Flock // nil once closed, or for a reader without a lock
	readOnly bool
	holder   bool  // the lock file says who holds the store
	broken   error // a write failed after the rename: reopen the store
	writes   int   // files written since Open, for the tests
}

var (
	_ lsusync.Store      = (*Store)(nil)
	_ lsusync.Batcher    = (*Store)(nil)
	_ lsusync.ClassMemos = (*Store)(nil)
)

// Open opens the store file at path: it checks the file, takes the lock,
// then reads and validates the whole file. It returns
//
//   - an error wrapping fs.ErrNotExist when there is no such file, naming
//     the folder when the folder is what is missing;
//   - an error wrapping [ErrReadOnly] when the store is opened for writing
//     and the file is read-only, and [ErrFolderReadOnly] too when its
//     folder is;
//   - an error wrapping [ErrBusy] when another Store holds the lock;
//   - a [*FileError] when the file is not a valid store file.
//
// The file is checked before the lock file is created: a refused Open
// leaves no lock file next to a missing or read-only store.
//
// An exclusive Open removes the temporary files that a writer killed
// during a save may have left next to the store file.
//
// Open returns ctx's error, holding no lock, when ctx is done before it
// takes the lock or once it has read the file; the reading itself is not
// interrupted.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("filestore: %s: %w", path, err)
	}
	// A symbolic link is followed: the file it points to is replaced at
	// each write, next to its lock file, and the link stays a link.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if err := checkFile(path, !opts.ReadOnly); err != nil {
		return nil, err
	}
	lock, err := lockFile(path, !opts.ReadOnly)
	switch {
	case err != nil && opts.ReadOnly && (lockDenied(path, err) || errors.Is(err, ErrBusy)):
		lock = nil // a read-only folder, or a writer at work: read without the lock
	case err != nil:
		return nil, err
	}
	s, err := open(path, lock, opts)
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("filestore: %s: %w", path, ctx.Err())
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		return nil, err
	}
	if !opts.ReadOnly {
		s.holder = opts.Holder != ""
		sayHolder(path, opts.Holder, time.Now())
	}
	return s, nil
}

// checkFile checks that path is a store file Open may open: it exists,
// in a folder that exists, it is a regular file and, for writing, neither
// it nor its folder is read-only.
func checkFile(path string, write bool) error {
	fi, err := os.Stat(path)
	if err != nil {
		return statError(path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("filestore: %s: not a store file (mode %v)", path, fi.Mode())
	}
	if !write {
		return nil
	}
	if err := checkFolder(path); err != nil {
		return err
	}
	return checkWritable(path, fi)
}

// checkFolder returns an error wrapping ErrFolderReadOnly when the folder
// of the store file at path is one where this user may not write, as far
// as the system tells before trying.
func checkFolder(path string) error {
	dir := filepath.Dir(path)
	if reason := folderReadOnlyReason(dir); reason != "" {
		return &folderError{path: path, dir: dir, reason: reason}
	}
	return nil
}

// folderError reports a store whose folder this user may not write. It
// matches ErrFolderReadOnly and ErrReadOnly.
type folderError struct {
	path, dir, reason string
	err               error // the system's error, if any
}

func (e *folderError) Error() string {
	return fmt.Sprintf("filestore: %s: the folder %s is read-only (%s)", e.path, e.dir, e.reason)
}

func (e *folderError) Is(target error) bool {
	return target == ErrFolderReadOnly || target == ErrReadOnly
}

func (e *folderError) Unwrap() error { return e.err }

// checkWritable returns an error wrapping ErrReadOnly when the store file
// at path, of info fi, must not be replaced.
func checkWritable(path string, fi fs.FileInfo) error {
	if reason := readOnlyReason(path, fi); reason != "" {
		return fmt.Errorf("%w: %s (%s)", ErrReadOnly, path, reason)
	}
	return nil
}

// statError explains an error of os.Stat or os.Lstat of the store file at
// path: the cause without the system call, and the folder when the
// folder is what is missing.
func statError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the message names the path itself
	}
	if errors.Is(err, fs.ErrNotExist) {
		dir := filepath.Dir(path)
		if _, derr := os.Stat(dir); errors.Is(derr, fs.ErrNotExist) {
			return fmt.Errorf("filestore: %s: folder %s: %w", path, dir, err)
		}
	}
	return fmt.Errorf("filestore: %s: %w", path, err)
}

func open(path string, lock *flock.Flock, opts Options) (*Store, error) {
	s := &Store{path: path, lock: lock, readOnly: opts.ReadOnly}
	var err error
	if s.mem, err = loadFile(path, s.persist, opts.Progress); err != nil {
		return nil, err
	}
	if !opts.ReadOnly {
		removeStaleTemps(path)
	}
	return s, nil
}

// Create creates a new store file at path holding snap, and returns the
// Store open on it. It refuses, with an error wrapping fs.ErrExist, to
// replace an existing file; returns an error wrapping fs.ErrNotExist,
// naming the folder, when the folder does not exist, and one wrapping
// [ErrFolderReadOnly], naming it, when this user may not write there; and
// returns an error
// wrapping lsusync.ErrInvalid when snap is not a valid store content
// (duplicate keys, a pupil of an unknown class, an invalid period...).
// It returns ctx's error, and makes no file, when ctx is done before it
// writes the file.
func Create(ctx context.Context, path string, snap lsusync.Snapshot) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("filestore: %s: %w", path, err)
	}
	if err := validate(snap); err != nil {
		return nil, fmt.Errorf("filestore: %s: %w", path, err)
	}
	mem, err := memory.New(snap)
	if err != nil {
		return nil, fmt.Errorf("filestore: %s: %w", path, err)
	}
	// Checked before the lock file is made, then again under the lock,
	// which another Create may hold.
	switch _, err := os.Lstat(path); {
	case err == nil:
		return nil, fmt.Errorf("filestore: %s: %w", path, fs.ErrExist)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, statError(path, err)
	}
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		return nil, statError(path, err)
	}
	if err := checkFolder(path); err != nil {
		return nil, err
	}
	lock, err := lockFile(path, true)
	if err != nil {
		return nil, err
	}
	if _, err := os.Lstat(path); err == nil {
		lock.Close()
		return nil, fmt.Errorf("filestore: %s: %w", path, fs.ErrExist)
	}
	sorted := mem.Snapshot()
	if err := ctx.Err(); err != nil {
		lock.Close()
		return nil, fmt.Errorf("filestore: %s: %w", path, err)
	}
	if err := writeFile(path, &sorted, false); err != nil {
		lock.Close()
		return nil, err
	}
	s := &Store{path: path, lock: lock}
	s.mem, _ = memory.NewPersistent(sorted, nil, s.persist)
	return s, nil
}

// Path returns the path of the store file, symbolic links resolved.
func (s *Store) Path() string { return s.path }

// Close releases the lock. Reads still work on the content in memory;
// writes fail with ErrClosed (ErrReadOnly for a Store opened read only).
// Close is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return nil
	}
	if s.holder {
		unsayHolder(s.path)
	}
	err := s.lock.Close() // releases the lock and closes the lock file
	s.lock = nil
	if err != nil {
		return fmt.Errorf("filestore: %s: releasing the lock: %w", s.path, err)
	}
	return nil
}

// persist writes the whole new content; memory.Store calls it under its
// write lock before the changes become visible.
func (s *Store) persist(ctx context.Context, snap lsusync.Snapshot, memos map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.readOnly:
		return fmt.Errorf("filestore: %s: %w: the store was opened read only", s.path, ErrReadOnly)
	case s.lock == nil:
		return fmt.Errorf("filestore: %s: %w", s.path, ErrClosed)
	case s.broken != nil:
		return fmt.Errorf("filestore: %s: a previous write failed, close and reopen the store: %w", s.path, s.broken)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The user may have made the file or its folder read-only since Open.
	if err := checkFolder(s.path); err != nil {
		return err
	}
	if fi, err := os.Stat(s.path); err == nil {
		if err := checkWritable(s.path, fi); err != nil {
			return err
		}
	}
	err := writeFileMemos(s.path, &snap, memos, true)
	s.writes++
	var re *renamedError
	if errors.As(err, &re) {
		s.broken = err
	}
	return err
}

// Snapshot returns a sorted deep copy of the store's content.
func (s *Store) Snapshot() lsusync.Snapshot { return s.mem.Snapshot() }

// Establishment implements lsusync.EstablishmentStore.
func (s *Store) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	return s.mem.Establishment(ctx)
}

// Teachers implements lsusync.TeacherStore.
func (s *Store) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	return s.mem.Teachers(ctx)
}

// Classes implements lsusync.ClassStore.
func (s *Store) Classes(ctx context.Context) ([]lsusync.Class, error) {
	return s.mem.Classes(ctx)
}

// Students implements lsusync.StudentStore.
func (s *Store) Students(ctx context.Context, class string) ([]lsusync.Student, error) {
	return s.mem.Students(ctx, class)
}

// Student implements lsusync.StudentStore.
func (s *Store) Student(ctx context.Context, id string) (lsusync.Student, error) {
	return s.mem.Student(ctx, id)
}

// Bilans implements lsusync.BilanStore.
func (s *Store) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	return s.mem.Bilans(ctx, class)
}

// Apply implements lsusync.Applier: it applies cs and rewrites the file.
func (s *Store) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	return s.mem.Apply(ctx, cs)
}

// BeginBatch implements lsusync.Batcher: the batch's Commit rewrites the
// file once with every staged change set.
func (s *Store) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	return s.mem.BeginBatch(ctx)
}

// ClassMemos implements lsusync.ClassMemos: the memos are kept in the
// file with their classes; the stamps, like the versions, are those of
// the Store open on the file.
func (s *Store) ClassMemos(ctx context.Context) ([]lsusync.Memo, error) {
	return s.mem.ClassMemos(ctx)
}

// validate checks what memory.New does not: keys are not empty and
// periods are well formed.
func validate(s lsusync.Snapshot) error {
	for _, t := range s.Teachers {
		if t.Key.Type == "" || t.Key.ID == "" {
			return fmt.Errorf("%w: teacher with an empty key %q", lsusync.ErrInvalid, t.Key)
		}
	}
	for _, c := range s.Classes {
		if c.Code == "" {
			return fmt.Errorf("%w: class with an empty code", lsusync.ErrInvalid)
		}
		for _, p := range c.Periods {
			if !p.Valid() {
				return fmt.Errorf("%w: class %q: invalid period %+v", lsusync.ErrInvalid, c.Code, p)
			}
		}
	}
	for _, st := range s.Students {
		if st.ID == "" {
			return fmt.Errorf("%w: pupil with an empty ID", lsusync.ErrInvalid)
		}
	}
	for _, b := range s.Bilans {
		if !b.Period.Valid() {
			return fmt.Errorf("%w: bilan of pupil %s: invalid period %+v", lsusync.ErrInvalid, b.Student, b.Period)
		}
	}
	return nil
}

// tempPrefix is the prefix of the temporary files of the store at path.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// removeStaleTemps removes the temporary files a killed writer left; the
// caller holds the exclusive lock, so no writer is running.
func removeStaleTemps(path string) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(path)
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// renamedError is a failure after the new file replaced the old one: the
// file may hold the new content, which the memory store drops.
type renamedError struct{ err error }

func (e *renamedError) Error() string { return e.err.Error() }
func (e *renamedError) Unwrap() error { return e.err }

// writeFile writes snap to path atomically: a temporary file in the same
// folder, fsync, rename over path (or, when replace is false, a hard link
// that fails if path exists), then fsync of the folder.
func writeFile(path string, snap *lsusync.Snapshot, replace bool) error {
	return writeFileMemos(path, snap, nil, replace)
}

// writeFileMemos is writeFile with the memos of the classes.
func writeFileMemos(path string, snap *lsusync.Snapshot, memos map[string]string, replace bool) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix(path)+"*") // mode 0600
	if err != nil {
		return fmt.Errorf("filestore: %s: creating the temporary file: %w", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if tmp != nil {
			tmp.Close()
		}
		if err != nil || !replace {
			os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("filestore: %s: %w", tmpName, err)
	}
	if err := encodeMemos(tmp, snap, memos); err != nil {
		return fmt.Errorf("filestore: %s: writing: %w", tmpName, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("filestore: %s: flushing to disk: %w", tmpName, err)
	}
	err = tmp.Close()
	tmp = nil
	if err != nil {
		return fmt.Errorf("filestore: %s: %w", tmpName, err)
	}
	if replace {
		err = rename(tmpName, path)
	} else if err = os.Link(tmpName, path); err != nil && !errors.Is(err, fs.ErrExist) {
		// A file system without hard links (FAT on a USB key): the
		// caller holds the lock, so check, then rename.
		if _, serr := os.Lstat(path); serr == nil {
			err = fs.ErrExist
		} else {
			err = rename(tmpName, path)
		}
	}
	if err != nil {
		return fmt.Errorf("filestore: %s: replacing the store file: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		return &renamedError{fmt.Errorf("filestore: %s: flushing the folder %s: %w", path, dir, err)}
	}
	return nil
}
