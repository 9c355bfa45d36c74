package lsusync_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// The fixture: a small establishment whose store is in sync with its
// source. Every scenario starts from it and changes one side.
//
//	3EME1: pupils 1001 (in group 3ESP) and 1002; periods 2025 T1, T2;
//	       services 020700 FRANCAIS (epp:100), 061300 MATHEMATIQUES
//	       (epp:101), group 3ESP 030602 ESPAGNOL LV2 (epp:102); PP epp:100.
//	3EME2: pupil 2001 (in no group); periods 2025 T1, T2; services 020700
//	       (epp:101), 061300 (epp:100), group 3ESP 030602 (epp:102), which
//	       spans both divisions; PP epp:101.
//
// Content: 1001/T1 has an appreciation in 020700 and a positioning in
// 061300, 1002/T1 an average in 061300, and both T1 bilans a synthesis;
// the T2 bilans are empty.

const uai = "0750001A"

var (
	t1 = lsusync.Period{Year: 2025, Index: 1, Count: 3}
	t2 = lsusync.Period{Year: 2025, Index: 2, Count: 3}
	t3 = lsusync.Period{Year: 2025, Index: 3, Count: 3}

	epp100 = lsusync.TeacherKey{Type: "epp", ID: "100"}
	epp101 = lsusync.TeacherKey{Type: "epp", ID: "101"}
	epp102 = lsusync.TeacherKey{Type: "epp", ID: "102"}

	francais = lsusync.Subject{Code: "020700", Label: "FRANCAIS", Modality: "S"}
	maths    = lsusync.Subject{Code: "061300", Label: "MATHEMATIQUES", Modality: "S"}
	espagnol = lsusync.Subject{Code: "030602", Label: "ESPAGNOL LV2", Modality: "O"}
	anglais  = lsusync.Subject{Code: "030201", Label: "ANGLAIS LV1", Modality: "S"}
	latin    = lsusync.Subject{Code: "020200", Label: "LATIN", Modality: "F"}

	// today is the fixed date of every sync.
	today = time.Date(2025, time.November, 28, 12, 0, 0, 0, time.UTC)
)

func date(y int, m time.Month, d int) lsusync.Date { return lsusync.Date{Year: y, Month: m, Day: d} }

func keys(k ...lsusync.TeacherKey) []lsusync.TeacherKey { return k }

func establishment() lsusync.Establishment {
	return lsusync.Establishment{
		UAI:  uai,
		Name: "COLLEGE JEAN MOULIN",
		Address: lsusync.Address{
			Line1: "12 RUE DES ECOLES", PostalCode: "75005", City: "PARIS", Country: "FRANCE",
		},
		HeadName: "M. BERNARD",
		Phone:    "0140000000",
		Email:    "ce.0750001a@ac-paris.fr",
	}
}

func teachers() []lsusync.Teacher {
	return []lsusync.Teacher{
		{Key: epp100, Civility: "M", LastName: "DURAND", FirstName: "Paul", NUMEN: "12E0400123ABC"},
		{Key: epp101, Civility: "MME", LastName: "MARTIN", FirstName: "Claire"},
		{Key: epp102, Civility: "MME", LastName: "LOPEZ", FirstName: "Ana"},
	}
}

func students() []lsusync.Student {
	return []lsusync.Student{
		{ID: "1001", Class: "3EME1", INE: "1234567890A", LastName: "DUPONT", FirstName: "Marie",
			BirthDate: date(2011, 3, 14), Sex: lsusync.Female},
		{ID: "1002", Class: "3EME1", INE: "1234567891B", LastName: "LEROY", FirstName: "Hugo",
			FirstName2: "Jean", BirthDate: date(2011, 7, 2), Sex: lsusync.Male},
		{ID: "2001", Class: "3EME2", INE: "1234567892C", LastName: "PETIT", FirstName: "Lina",
			BirthDate: date(2010, 12, 30), Sex: lsusync.Female},
	}
}

func acq(s lsusync.Subject, t ...lsusync.TeacherKey) lsusync.Acquis {
	return lsusync.Acquis{Subject: s, Teachers: t}
}

// fixtureStore returns the store of the fixture, a fresh deep value.
func fixtureStore() lsusync.Snapshot {
	withContent := func(a lsusync.Acquis, f func(*lsusync.Acquis)) lsusync.Acquis { f(&a); return a }
	return lsusync.Snapshot{
		Establishment: establishment(),
		Teachers:      teachers(),
		Classes: []lsusync.Class{
			{Code: "3EME1", Label: "3EME 1", Periods: []lsusync.Period{t1, t2}},
			{Code: "3EME2", Label: "3EME 2", Periods: []lsusync.Period{t1, t2}},
		},
		Students: students(),
		Bilans: []lsusync.Bilan{
			{Student: "1001", Period: t1, HeadTeachers: keys(epp100),
				Acquis: []lsusync.Acquis{
					withContent(acq(francais, epp100), func(a *lsusync.Acquis) { a.Appreciation = "Bon trimestre." }),
					withContent(acq(maths, epp101), func(a *lsusync.Acquis) { a.Positioning = 3 }),
					acq(espagnol, epp102),
				},
				BilanContent: lsusync.BilanContent{Synthesis: "Élève sérieuse."}},
			{Student: "1001", Period: t2, HeadTeachers: keys(epp100),
				Acquis: []lsusync.Acquis{acq(francais, epp100), acq(maths, epp101), acq(espagnol, epp102)}},
			{Student: "1002", Period: t1, HeadTeachers: keys(epp100),
				Acquis: []lsusync.Acquis{
					acq(francais, epp100),
					withContent(acq(maths, epp101), func(a *lsusync.Acquis) {
						a.Average = "12.5"
						a.Content = map[string]string{"moyenneClasse": "11.2"}
					}),
				},
				BilanContent: lsusync.BilanContent{Synthesis: "Des progrès."}},
			{Student: "1002", Period: t2, HeadTeachers: keys(epp100),
				Acquis: []lsusync.Acquis{acq(francais, epp100), acq(maths, epp101)}},
			{Student: "2001", Period: t1, HeadTeachers: keys(epp101),
				Acquis: []lsusync.Acquis{acq(francais, epp101), acq(maths, epp100)}},
			{Student: "2001", Period: t2, HeadTeachers: keys(epp101),
				Acquis: []lsusync.Acquis{acq(francais, epp101), acq(maths, epp100)}},
		},
	}
}

// fixtureSource returns the source of the fixture, a fresh deep value.
func fixtureSource() *memory.Source {
	st := students()
	return &memory.Source{
		School: establishment(),
		Staff:  teachers(),
		Classes: []lsusync.ClassData{
			{
				Code:  "3EME1",
				Label: "3EME 1",
				Enrolments: []lsusync.Enrolment{
					{Student: st[0], Groups: []string{"3ESP"}},
					{Student: st[1]},
				},
				Services: []lsusync.Service{
					{Subject: francais, Teachers: keys(epp100)},
					{Subject: maths, Teachers: keys(epp101)},
					{Subject: espagnol, Group: "3ESP", Teachers: keys(epp102)},
				},
				HeadTeachers: []lsusync.HeadTeacher{{Teacher: epp100, Start: date(2025, 9, 1)}},
			},
			{
				Code:  "3EME2",
				Label: "3EME 2",
				Enrolments: []lsusync.Enrolment{
					{Student: st[2]},
				},
				Services: []lsusync.Service{
					{Subject: francais, Teachers: keys(epp101)},
					{Subject: maths, Teachers: keys(epp100)},
					{Subject: espagnol, Group: "3ESP", Teachers: keys(epp102)},
				},
				HeadTeachers: []lsusync.HeadTeacher{{Teacher: epp101}},
			},
		},
	}
}

// class returns the source's class with the given code.
func class(src *memory.Source, code string) *lsusync.ClassData {
	for i := range src.Classes {
		if src.Classes[i].Code == code {
			return &src.Classes[i]
		}
	}
	panic("no class " + code)
}

// student returns the stored pupil with the given ID.
func student(s *lsusync.Snapshot, id string) *lsusync.Student {
	for i := range s.Students {
		if s.Students[i].ID == id {
			return &s.Students[i]
		}
	}
	panic("no pupil " + id)
}

// bilan returns the stored bilan of a pupil and period.
func bilan(s *lsusync.Snapshot, id string, p lsusync.Period) *lsusync.Bilan {
	for i := range s.Bilans {
		if s.Bilans[i].Student == id && s.Bilans[i].Period == p {
			return &s.Bilans[i]
		}
	}
	panic("no bilan " + id)
}

// baseItems is the report of a sync of every class of the fixture with
// nothing to change.
func baseItems() []lsusync.Item {
	ok := func(k lsusync.Kind, class, key string) lsusync.Item {
		return lsusync.Item{Status: lsusync.StatusSuccess, Kind: k, Action: lsusync.ActionUnchanged, Class: class, Key: key}
	}
	return []lsusync.Item{
		ok(lsusync.KindEstablishment, "", uai),
		ok(lsusync.KindTeacher, "", "epp:100"),
		ok(lsusync.KindTeacher, "", "epp:101"),
		ok(lsusync.KindTeacher, "", "epp:102"),
		ok(lsusync.KindClass, "3EME1", "3EME1"),
		ok(lsusync.KindStudent, "3EME1", "1001"),
		ok(lsusync.KindStudent, "3EME1", "1002"),
		ok(lsusync.KindBilan, "3EME1", "1001/2025-T1"),
		ok(lsusync.KindBilan, "3EME1", "1001/2025-T2"),
		ok(lsusync.KindBilan, "3EME1", "1002/2025-T1"),
		ok(lsusync.KindBilan, "3EME1", "1002/2025-T2"),
		ok(lsusync.KindClass, "3EME2", "3EME2"),
		ok(lsusync.KindStudent, "3EME2", "2001"),
		ok(lsusync.KindBilan, "3EME2", "2001/2025-T1"),
		ok(lsusync.KindBilan, "3EME2", "2001/2025-T2"),
	}
}

// itemIndex returns the index of the item of kind k and key key.
func itemIndex(t testing.TB, items []lsusync.Item, k lsusync.Kind, key string) int {
	t.Helper()
	for i, it := range items {
		if it.Kind == k && it.Key == key {
			return i
		}
	}
	t.Fatalf("no %s item %q in the expected items", k, key)
	return -1
}

// edit is a change of the expected items.
type edit func(testing.TB, []lsusync.Item) []lsusync.Item

// set replaces the item with it's kind and key by it.
func set(it lsusync.Item) edit {
	return func(t testing.TB, items []lsusync.Item) []lsusync.Item {
		items[itemIndex(t, items, it.Kind, it.Key)] = it
		return items
	}
}

// drop removes the item of kind k and key key.
func drop(k lsusync.Kind, key string) edit {
	return func(t testing.TB, items []lsusync.Item) []lsusync.Item {
		i := itemIndex(t, items, k, key)
		return append(items[:i], items[i+1:]...)
	}
}

// insertAfter inserts it after the item of kind k and key key.
func insertAfter(k lsusync.Kind, key string, it lsusync.Item) edit {
	return func(t testing.TB, items []lsusync.Item) []lsusync.Item {
		i := itemIndex(t, items, k, key)
		return append(items[:i+1], append([]lsusync.Item{it}, items[i+1:]...)...)
	}
}

// fixedNow is Options.Now for every test.
func fixedNow() time.Time { return today }

// newStore returns a memory store seeded with s.
func newStore(t testing.TB, s lsusync.Snapshot) *memory.Store {
	t.Helper()
	st, err := memory.New(s)
	require.NoError(t, err)
	return st
}

// sortedSnapshot returns s sorted, as memory.Store.Snapshot returns it.
func sortedSnapshot(s lsusync.Snapshot) lsusync.Snapshot {
	s.Sort()
	return s
}

// writeCounts counts the calls that write, or prepare to write, to a store.
type writeCounts struct {
	Apply, BeginBatch, BatchApply, Commit, Discard int
}

// countingStore wraps a store and counts its writes. It hides the
// store's Batcher capability unless batch is set.
type countingStore struct {
	lsusync.Store
	mu sync.Mutex
	n  writeCounts
	// failApply, when not nil, is called before each Apply (on the store
	// or on a batch) and its error returned instead of applying.
	failApply func(lsusync.ChangeSet) error
	// failCommit, when not nil, is returned by Commit.
	failCommit error
}

func (s *countingStore) counts() writeCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *countingStore) count(f func(*writeCounts)) {
	s.mu.Lock()
	f(&s.n)
	s.mu.Unlock()
}

func (s *countingStore) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	s.count(func(n *writeCounts) { n.Apply++ })
	if s.failApply != nil {
		if err := s.failApply(cs); err != nil {
			return err
		}
	}
	return s.Store.Apply(ctx, cs)
}

// batchingStore is a countingStore with the Batcher capability of the
// wrapped store.
type batchingStore struct{ *countingStore }

var _ lsusync.Batcher = batchingStore{}

func (s batchingStore) BeginBatch(ctx context.Context) (lsusync.Batch, error) {
	s.count(func(n *writeCounts) { n.BeginBatch++ })
	b, err := s.Store.(lsusync.Batcher).BeginBatch(ctx)
	if err != nil {
		return nil, err
	}
	return &countingBatch{Batch: b, s: s.countingStore}, nil
}

type countingBatch struct {
	lsusync.Batch
	s *countingStore
}

func (b *countingBatch) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	b.s.count(func(n *writeCounts) { n.BatchApply++ })
	if b.s.failApply != nil {
		if err := b.s.failApply(cs); err != nil {
			return err
		}
	}
	return b.Batch.Apply(ctx, cs)
}

func (b *countingBatch) Commit(ctx context.Context) error {
	b.s.count(func(n *writeCounts) { n.Commit++ })
	if b.s.failCommit != nil {
		b.Batch.Discard()
		return b.s.failCommit
	}
	return b.Batch.Commit(ctx)
}

func (b *countingBatch) Discard() {
	b.s.count(func(n *writeCounts) { n.Discard++ })
	b.Batch.Discard()
}

// storeMode is how a test presents a memory store to the synchronizer.
type storeMode struct {
	name string
	wrap func(*countingStore) lsusync.Store
}

var storeModes = []storeMode{
	{"apply", func(s *countingStore) lsusync.Store { return s }},
	{"batch", func(s *countingStore) lsusync.Store { return batchingStore{s} }},
}

// writes returns the number of calls that wrote or staged changes.
func (n writeCounts) writes() int { return n.Apply + n.BatchApply + n.Commit }

// reportOpts compares reports: errors with errors.Is, and the items
// without their names, which TestItemNames checks.
var reportOpts = cmp.Options{cmpopts.EquateErrors(), cmpopts.IgnoreFields(lsusync.Item{}, "Name")}
