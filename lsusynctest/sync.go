package lsusynctest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/lsusync/lsusync"
)

// The SyncKeepsConcurrentEdits checks run a Synchronizer on the store
// while another writer, a teacher entering an appreciation, writes in a
// bilan between the synchronizer's read of its class and its write.

var (
	// subjHistory is the subject that the sync source adds to the
	// services of both classes, so that the sync rewrites their bilans.
	subjHistory = lsusync.Subject{Code: "040300", Label: "HISTOIRE-GEOGRAPHIE", Modality: "S"}
	// edited is the bilan the other writer writes in, and editedSubject
	// the acquis it writes in.
	edited        = lsusync.BilanKey{Student: pupilZoe, Period: tri(2)}
	editedSubject = subjFrench.Code
	// syncNow is the synchronizer's clock.
	syncNow = time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC)
	// editWait is how long the other writer's Apply may take: longer, a
	// store made it wait for the sync's batch to end.
	editWait = 5 * time.Second
)

// syncSeed returns Seed without its class that has no period, which a
// sync refuses.
func syncSeed() lsusync.Snapshot {
	s := Seed()
	s.Classes = slices.DeleteFunc(s.Classes, func(c lsusync.Class) bool { return len(c.Periods) == 0 })
	return s
}

// syncSource is the Source of the SyncKeepsConcurrentEdits checks: fixed
// values, read only.
type syncSource struct {
	est      lsusync.Establishment
	teachers []lsusync.Teacher
	classes  []lsusync.ClassData
}

// newSyncSource returns a source that gives the establishment, the
// teachers, and the classes "3EME1" and "3 A" with their pupils of s,
// plus a new teacher who teaches a new subject in both classes: a sync
// adds the teacher, and the subject to every bilan en saisie directe of
// the two classes that is not locked.
func newSyncSource(s lsusync.Snapshot) *syncSource {
	src := &syncSource{est: s.Establishment}
	src.est.Version = ""
	for _, t := range s.Teachers {
		t.Version = ""
		src.teachers = append(src.teachers, t)
	}
	src.teachers = append(src.teachers, newTeacher(lsusync.Snapshot{}))
	enrolments := func(code string) []lsusync.Enrolment {
		var es []lsusync.Enrolment
		for _, st := range s.Students {
			if st.Class == code {
				st.Version = ""
				es = append(es, lsusync.Enrolment{Student: st})
			}
		}
		return es
	}
	service := func(subject lsusync.Subject, teachers ...lsusync.TeacherKey) lsusync.Service {
		return lsusync.Service{Subject: subject, Teachers: teachers}
	}
	src.classes = []lsusync.ClassData{
		{
			Code: class3e1, Label: findClass(s, class3e1).Label, Enrolments: enrolments(class3e1),
			Services: []lsusync.Service{
				service(subjFrench, keyDupont), service(subjMaths, keyMartin),
				service(subjSport, keyLocal), service(subjHistory, keyNew),
			},
			HeadTeachers: []lsusync.HeadTeacher{{Teacher: keyDupont}},
		},
		{
			Code: class3A, Label: findClass(s, class3A).Label, Enrolments: enrolments(class3A),
			Services: []lsusync.Service{
				service(subjEnglish, keyNdiaye), service(subjMaths, keyMartin),
				service(subjSport, keyLocal), service(subjHistory, keyNew),
			},
			HeadTeachers: []lsusync.HeadTeacher{{Teacher: keyNdiaye}},
		},
	}
	return src
}

// Establishment implements lsusync.EstablishmentSource.
func (s *syncSource) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	return s.est, ctx.Err()
}

// Teachers implements lsusync.TeacherSource.
func (s *syncSource) Teachers(ctx context.Context) ([]lsusync.Teacher, error) {
	return s.teachers, ctx.Err()
}

// ClassCodes implements lsusync.ClassSource.
func (s *syncSource) ClassCodes(ctx context.Context) ([]string, error) {
	var codes []string
	for _, c := range s.classes {
		codes = append(codes, c.Code)
	}
	return codes, ctx.Err()
}

// Class implements lsusync.ClassSource.
func (s *syncSource) Class(ctx context.Context, code string) (lsusync.ClassData, error) {
	if err := ctx.Err(); err != nil {
		return lsusync.ClassData{}, err
	}
	for _, c := range s.classes {
		if c.Code == code {
			return c, nil
		}
	}
	return lsusync.ClassData{}, fmt.Errorf("lsusynctest: source: class %q: %w", code, lsusync.ErrNotFound)
}

// editor is the other writer: before the synchronizer applies a change
// set that replaces the edited bilan, it reads the bilan from the store
// under test and adds a sentence to the appreciation of one of its
// acquis, once or before every such change set.
type editor struct {
	st    lsusync.Store // the store under test, not wrapped
	every bool

	mu      sync.Mutex
	edits   int    // the edits made
	want    string // the appreciation after the last edit
	err     error  // the first edit that failed
	blocked bool   // an edit waited for the sync's batch to end
}

// before makes the edit when cs replaces the edited bilan.
func (ed *editor) before(ctx context.Context, cs lsusync.ChangeSet) {
	if !slices.ContainsFunc(cs.Bilans, func(b lsusync.Bilan) bool { return b.Key() == edited && b.Version != "" }) {
		return
	}
	ed.mu.Lock()
	defer ed.mu.Unlock()
	if ed.err != nil || ed.blocked || (ed.edits > 0 && !ed.every) {
		return
	}
	if err := ed.edit(ctx); err != nil {
		ed.err = err
	}
}

// edit writes a sentence more in the appreciation; ed.mu must be held.
func (ed *editor) edit(ctx context.Context) error {
	bilans, err := ed.st.Bilans(ctx, class3e1)
	if err != nil {
		return fmt.Errorf("Bilans(%q): %w", class3e1, err)
	}
	i := slices.IndexFunc(bilans, func(b lsusync.Bilan) bool { return b.Key() == edited })
	if i < 0 {
		return fmt.Errorf("Bilans(%q) did not return bilan %s", class3e1, edited)
	}
	b := bilans[i]
	j := slices.IndexFunc(b.Acquis, func(a lsusync.Acquis) bool { return a.Subject.Code == editedSubject })
	if j < 0 {
		return fmt.Errorf("bilan %s has no acquis of subject %s", edited, editedSubject)
	}
	b.Acquis[j].Appreciation += fmt.Sprintf(" Saisie concurrente n°%d.", ed.edits+1)
	wctx, cancel := context.WithTimeout(ctx, editWait)
	defer cancel()
	err = ed.st.Apply(wctx, lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}})
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		ed.blocked = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("Apply of the appreciation read with Version %q: %w", b.Version, err)
	}
	ed.edits++
	ed.want = b.Acquis[j].Appreciation
	return nil
}

// wrap returns st as the synchronizer sees it: the editor edits before
// each change set that st, or a batch of st, applies.
func (ed *editor) wrap(st lsusync.Store) lsusync.Store {
	es := editingStore{Store: st, ed: ed}
	if b, ok := st.(lsusync.Batcher); ok {
		return editingBatcher{es, b}
	}
	return es
}

// editingStore is a store on which the editor edits before each Apply.
type editingStore struct {
	lsusync.Store
	ed *editor
}

// Apply lets the editor edit, then applies cs.
func (s editingStore) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	s.ed.before(ctx, cs)
	return s.Store.Apply(ctx, cs)
}

// editingBatcher is an editingStore whose batches are editingBatches.
type editingBatcher struct {
	editingStore
	b lsusync.Batcher
}

// BeginBatch begins a batch of the store on which the editor edits.
func (s editingBatcher) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	b, err := s.b.BeginBatch(ctx)
	if err != nil {
		return nil, err
	}
	return editingBatch{b, s.ed}, nil
}

// editingBatch is a batch on which the editor edits before each Apply.
type editingBatch struct {
	lsusync.Batch
	ed *editor
}

// Apply lets the editor edit, then stages cs.
func (b editingBatch) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	b.ed.before(ctx, cs)
	return b.Batch.Apply(ctx, cs)
}

// checkSyncKeepsConcurrentEdits runs a sync with another writer that
// edits once (Once), and before every attempt of the class (EveryAttempt).
func checkSyncKeepsConcurrentEdits(e *env) {
	e.run("Once", func(e *env) { syncWithEdits(e, false) })
	e.run("EveryAttempt", func(e *env) { syncWithEdits(e, true) })
}

func syncWithEdits(e *env, every bool) {
	seed := syncSeed()
	st := e.newStore(seed)
	ed := &editor{st: st, every: every}
	sy := lsusync.New(newSyncSource(seed), ed.wrap(st), lsusync.Options{Now: func() time.Time { return syncNow }})
	rep, err := sy.Sync(e.ctx, class3e1, class3A)
	if err != nil {
		e.r.Fatalf("Sync() error = %v, want nil", err)
	}
	ed.mu.Lock()
	defer ed.mu.Unlock()
	switch {
	case ed.err != nil:
		e.r.Fatalf("the other writer's edit of bilan %s: %v", edited, ed.err)
	case ed.blocked:
		e.r.Skipf("the other writer's Apply waited %v for the sync's batch to end: with this store, no write comes between the sync's read of a class and its write", editWait)
	case ed.edits == 0:
		e.r.Fatalf("the synchronizer applied no change set replacing bilan %s, whose class the source's new subject changes: no edit could be made", edited)
	}

	// The report: no error, or the conflicts of the edited class only.
	conflicts := 0
	for _, it := range rep.Items {
		switch {
		case it.Err == nil:
		case every && it.Class == class3e1 && errors.Is(it.Err, lsusync.ErrConflict):
			conflicts++
		default:
			e.r.Errorf("report item %v %s of class %q: error %v, want none", it.Kind, it.Key, it.Class, it.Err)
		}
	}
	if every && conflicts == 0 {
		e.r.Errorf("the report has no error matching %v for class %q, whose change sets met a conflict at each of the %d attempts",
			lsusync.ErrConflict, class3e1, ed.edits)
	}

	// Every edit is stored, and so are the sync's changes.
	teachers, err := st.Teachers(e.ctx)
	if err != nil {
		e.r.Fatalf("Teachers() after the sync: %v", err)
	}
	if !slices.ContainsFunc(teachers, func(t lsusync.Teacher) bool { return t.Key == keyNew }) {
		e.r.Errorf("after the sync: teacher %s, whom the source added, is not stored", keyNew)
	}
	bilans := map[lsusync.BilanKey]lsusync.Bilan{}
	for _, code := range []string{class3e1, class3A} {
		bs, err := st.Bilans(e.ctx, code)
		if err != nil {
			e.r.Fatalf("Bilans(%q) after the sync: %v", code, err)
		}
		for _, b := range bs {
			bilans[b.Key()] = b
		}
	}
	if got := appreciation(bilans[edited], editedSubject); got != ed.want {
		e.r.Errorf("after the sync: bilan %s, subject %s: appreciation %q, want %q: the other writer's %d edits are not all stored",
			edited, editedSubject, got, ed.want, ed.edits)
	}
	synced := []lsusync.BilanKey{{Student: pupilInes, Period: sem(1)}, {Student: pupilJon, Period: sem(1)}}
	if !every {
		synced = append(synced, edited)
	}
	for _, k := range synced {
		if !hasSubject(bilans[k], subjHistory.Code) {
			e.r.Errorf("after the sync: bilan %s has no acquis of subject %s, which the sync adds", k, subjHistory.Code)
		}
	}
}

func appreciation(b lsusync.Bilan, subject string) string {
	for _, a := range b.Acquis {
		if a.Subject.Code == subject {
			return a.Appreciation
		}
	}
	return ""
}

func hasSubject(b lsusync.Bilan, subject string) bool {
	return slices.ContainsFunc(b.Acquis, func(a lsusync.Acquis) bool { return a.Subject.Code == subject })
}
