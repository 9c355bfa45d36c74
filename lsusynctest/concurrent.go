package lsusynctest

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/lsusync/lsusync"
)

// versionKey is the bilan content key the concurrent checks set.
const versionKey = "lsusynctest.version"

// writer reads, changes and writes its own records in the concurrent
// checks; the records of two writers are disjoint.
type writer struct {
	name string
	// read reads the writer's records from the store.
	read func(ctx context.Context, st lsusync.Store) (lsusync.Snapshot, error)
	// change returns the writer's change set number v, built from s,
	// which holds its records.
	change func(s lsusync.Snapshot, v int) lsusync.ChangeSet
}

// writers returns the writers of the concurrent checks: one per class
// with pupils, one for the teachers, one for the establishment. The
// change set number v of a class changes its label, changes its pupils,
// adds one, and marks every non-locked bilan with v; each change set
// adds to the labels and names the last one set, so that a lost update
// shows.
func writers() []writer {
	var ws []writer
	for ci, code := range []string{class3e1, class3A, class4e1} {
		ws = append(ws, writer{
			name: className(code),
			read: func(ctx context.Context, st lsusync.Store) (lsusync.Snapshot, error) {
				return readClass(ctx, st, code)
			},
			change: func(s lsusync.Snapshot, v int) lsusync.ChangeSet {
				c := findClass(s, code)
				c.Label = fmt.Sprintf("%s v%d", c.Label, v)
				students, bilans := classContent(s, code)
				for i := range students {
					students[i].FirstName3 += fmt.Sprintf("v%d", v)
				}
				students = append(students, lsusync.Student{
					ID: fmt.Sprint(300000 + ci*1000 + v), Class: code, LastName: "AJOUT", FirstName: fmt.Sprintf("v%d", v),
				})
				var marked []lsusync.Bilan
				for _, b := range bilans {
					if b.Locked {
						continue
					}
					if b.Content == nil {
						b.Content = map[string]string{}
					}
					b.Content[versionKey] = fmt.Sprint(v)
					marked = append(marked, b)
				}
				return lsusync.ChangeSet{Class: &c, Students: students, Bilans: marked}
			},
		})
	}
	ws = append(ws, writer{
		name: "the teachers",
		read: func(ctx context.Context, st lsusync.Store) (lsusync.Snapshot, error) {
			ts, err := st.Teachers(ctx)
			return lsusync.Snapshot{Teachers: ts}, err
		},
		change: func(s lsusync.Snapshot, v int) lsusync.ChangeSet {
			dupont := findTeacher(s, keyDupont)
			dupont.FirstName += fmt.Sprintf(" v%d", v)
			return lsusync.ChangeSet{Teachers: []lsusync.Teacher{
				dupont,
				{Key: lsusync.TeacherKey{Type: "local", ID: fmt.Sprint(1000 + v)}, LastName: "REMPLAÇANT", FirstName: fmt.Sprintf("v%d", v)},
			}}
		},
	}, writer{
		name: estName,
		read: func(ctx context.Context, st lsusync.Store) (lsusync.Snapshot, error) {
			est, err := st.Establishment(ctx)
			return lsusync.Snapshot{Establishment: est}, err
		},
		change: func(s lsusync.Snapshot, v int) lsusync.ChangeSet {
			est := s.Establishment
			est.Name += fmt.Sprintf(" v%d", v)
			return lsusync.ChangeSet{Establishment: &est}
		},
	})
	return ws
}

// readClass reads a class with its pupils and their bilans.
func readClass(ctx context.Context, st lsusync.Store, code string) (lsusync.Snapshot, error) {
	var s lsusync.Snapshot
	classes, err := st.Classes(ctx)
	if err != nil {
		return s, fmt.Errorf("Classes(): %w", err)
	}
	i := slices.IndexFunc(classes, func(c lsusync.Class) bool { return c.Code == code })
	if i < 0 {
		return s, fmt.Errorf("Classes() did not return class %q", code)
	}
	s.Classes = classes[i : i+1]
	if s.Students, err = st.Students(ctx, code); err != nil {
		return s, fmt.Errorf("Students(%q): %w", code, err)
	}
	if s.Bilans, err = st.Bilans(ctx, code); err != nil {
		return s, fmt.Errorf("Bilans(%q): %w", code, err)
	}
	return s, nil
}

// modelOf returns s with the change sets 1 to n of every writer applied.
func modelOf(s lsusync.Snapshot, ws []writer, n int) lsusync.Snapshot {
	for _, w := range ws {
		for v := 1; v <= n; v++ {
			s = applyModel(s, w.change(s, v))
		}
	}
	return s
}

// checkConsistentBilans reports a Bilans result that mixes the bilans of
// different change sets of the concurrent checks.
func checkConsistentBilans(bilans []lsusync.Bilan) error {
	versions := map[string]bool{}
	for _, b := range bilans {
		if !b.Locked {
			versions[b.Content[versionKey]] = true
		}
	}
	if len(versions) > 1 {
		return fmt.Errorf("the bilans of %d different change sets (a change set half applied)", len(versions))
	}
	return nil
}

// checkConcurrent runs the writers, each reading, changing and applying
// its records many times, while others read.
func checkConcurrent(e *env) {
	const rounds, readers = 8, 4
	st := e.seeded()
	ws := writers()
	want := modelOf(Seed(), ws, rounds)
	ctx := e.ctx

	var writing sync.WaitGroup
	for _, w := range ws {
		writing.Go(func() {
			for v := 1; v <= rounds; v++ {
				s, err := w.read(ctx, st)
				if err != nil {
					e.r.Errorf("%s: reading, round %d: %v", w.name, v, err)
					return
				}
				runtime.Gosched() // let the others write between the read and the write
				if err := st.Apply(ctx, w.change(s, v)); err != nil {
					e.r.Errorf("%s: Apply of the changes read at round %d = %v, want nil: no other writer writes these records, so their versions must be those read", w.name, v, err)
					return
				}
			}
		})
	}
	stop := make(chan struct{})
	var reading sync.WaitGroup
	for range readers {
		reading.Go(func() {
			for {
				if err := readAll(ctx, st); err != nil {
					e.r.Errorf("reading during concurrent Apply calls: %v", err)
					return
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		})
	}
	writing.Wait()
	close(stop)
	reading.Wait()
	e.expectContent(st, want, "after concurrent Apply calls")
}

// readAll calls every read method once and checks that no Bilans call
// shows a change set half applied.
func readAll(ctx context.Context, st lsusync.Store) error {
	if _, err := st.Establishment(ctx); err != nil {
		return fmt.Errorf("Establishment(): %w", err)
	}
	if _, err := st.Teachers(ctx); err != nil {
		return fmt.Errorf("Teachers(): %w", err)
	}
	if _, err := st.Classes(ctx); err != nil {
		return fmt.Errorf("Classes(): %w", err)
	}
	if _, err := st.Student(ctx, pupilZoe); err != nil {
		return fmt.Errorf("Student(%q): %w", pupilZoe, err)
	}
	for _, code := range []string{class3e1, class3A, class4e1} {
		if _, err := st.Students(ctx, code); err != nil {
			return fmt.Errorf("Students(%q): %w", code, err)
		}
		bilans, err := st.Bilans(ctx, code)
		if err != nil {
			return fmt.Errorf("Bilans(%q): %w", code, err)
		}
		if err := checkConsistentBilans(bilans); err != nil {
			return fmt.Errorf("Bilans(%q) returned %w", code, err)
		}
	}
	return nil
}
