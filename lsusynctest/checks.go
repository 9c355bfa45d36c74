package lsusynctest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/lsusync/lsusync"
)

// check is one behaviour of the contract; its name is the subtest's.
type check struct {
	name string
	fn   func(*env)
}

// checks lists the behaviours in the order they run.
var checks = []check{
	{"ReadSeed", checkReadSeed},
	{"ReturnsCopies", checkReturnsCopies},
	{"EmptyStore", checkEmptyStore},
	{"NotFound", checkNotFound},
	{"Apply", checkApply},
	{"ApplyRefused", checkApplyRefused},
	{"Conflict", checkConflict},
	{"ApplyCancelled", checkApplyCancelled},
	{"ReadCancelled", checkReadCancelled},
	{"Concurrent", checkConcurrent},
	{"Batch", checkBatch},
	{"Memos", checkMemos},
	{"SyncKeepsConcurrentEdits", checkSyncKeepsConcurrentEdits},
	{"EveryField", checkEveryField},
	{"SampleBilans", checkSampleBilans},
}

func runChecks(e *env) {
	for _, c := range checks {
		e.run(c.name, c.fn)
	}
}

// checkReadSeed compares the result of every read method with the seed,
// and checks the versions of the records it returns: none is zero, and a
// record has the same Version whichever method returns it and however
// often.
func checkReadSeed(e *env) {
	st := e.seeded()
	seed := normalize(Seed())
	ctx := e.ctx

	versions := map[string]lsusync.Version{}
	saw := func(call, name string, v lsusync.Version) {
		e.r.Helper()
		old, ok := versions[name]
		switch {
		case v == "":
			e.r.Errorf("%s returned %s with the zero Version; a Store gives every record a Version", call, name)
		case !ok:
			versions[name] = v
		case old != v:
			e.r.Errorf("%s returned %s with Version %q, and %q before; a record's Version changes only when the record is written", call, name, v, old)
		}
	}

	est, err := st.Establishment(ctx)
	if err != nil {
		e.r.Errorf("Establishment() error = %v, want nil", err)
	} else {
		saw("Establishment()", estName, est.Version)
		if d := diff(seed.Establishment, normalize(lsusync.Snapshot{Establishment: est}).Establishment); d != "" {
			e.r.Errorf("Establishment() mismatch (-want +got):\n%s", d)
		}
	}

	teachers, err := st.Teachers(ctx)
	if err != nil {
		e.r.Errorf("Teachers() error = %v, want nil", err)
	} else {
		for _, t := range teachers {
			saw("Teachers()", teacherName(t.Key), t.Version)
		}
		if d := diff(seed.Teachers, normalize(lsusync.Snapshot{Teachers: teachers}).Teachers); d != "" {
			e.r.Errorf("Teachers() mismatch (-want +got):\n%s", d)
		}
	}

	classes, err := st.Classes(ctx)
	if err != nil {
		e.r.Errorf("Classes() error = %v, want nil", err)
	} else {
		for _, c := range classes {
			saw("Classes()", className(c.Code), c.Version)
		}
		if d := diff(seed.Classes, normalize(lsusync.Snapshot{Classes: classes}).Classes); d != "" {
			e.r.Errorf("Classes() mismatch (-want +got):\n%s", d)
		}
	}

	for _, c := range seed.Classes {
		wantStudents, wantBilans := classContent(seed, c.Code)
		students, err := st.Students(ctx, c.Code)
		if err != nil {
			e.r.Errorf("Students(%q) error = %v, want nil", c.Code, err)
		} else {
			for _, s := range students {
				saw(fmt.Sprintf("Students(%q)", c.Code), pupilName(s.ID), s.Version)
			}
			if d := diff(wantStudents, sortStudents(students)); d != "" {
				e.r.Errorf("Students(%q) mismatch (-want +got):\n%s", c.Code, d)
			}
		}
		bilans, err := st.Bilans(ctx, c.Code)
		if err != nil {
			e.r.Errorf("Bilans(%q) error = %v, want nil", c.Code, err)
		} else {
			for _, b := range bilans {
				saw(fmt.Sprintf("Bilans(%q)", c.Code), bilanName(b.Key()), b.Version)
			}
			if d := diff(sortBilans(wantBilans), sortBilans(bilans)); d != "" {
				e.r.Errorf("Bilans(%q) mismatch (-want +got):\n%s", c.Code, d)
			}
		}
	}

	for _, want := range seed.Students {
		got, err := st.Student(ctx, want.ID)
		if err != nil {
			e.r.Errorf("Student(%q) error = %v, want nil", want.ID, err)
			continue
		}
		saw(fmt.Sprintf("Student(%q)", want.ID), pupilName(want.ID), got.Version)
		got.Version = ""
		if d := diff(want, got); d != "" {
			e.r.Errorf("Student(%q) mismatch (-want +got):\n%s", want.ID, d)
		}
	}

	again := versionsOf(e.dump(st))
	for _, name := range slices.Sorted(maps.Keys(again)) {
		saw("reading the store again", name, again[name])
	}
}

// checkReturnsCopies modifies what each read method returns, in place, and
// checks that the store did not change.
func checkReturnsCopies(e *env) {
	ctx := e.ctx
	codes := []string{class3e1, class3A, class4e1}
	mutations := []struct {
		method string
		mutate func(st lsusync.Store) error
	}{
		{"Teachers", func(st lsusync.Store) error {
			ts, err := st.Teachers(ctx)
			for i := range ts {
				ts[i].LastName += " (modifié)"
				ts[i].NUMEN = "MODIFIED"
			}
			return err
		}},
		{"Classes", func(st lsusync.Store) error {
			cs, err := st.Classes(ctx)
			for i := range cs {
				cs[i].Label += " (modifié)"
				for j := range cs[i].Periods {
					cs[i].Periods[j].Year++
				}
			}
			return err
		}},
		{"Students", func(st lsusync.Store) error {
			for _, code := range codes {
				ss, err := st.Students(ctx, code)
				if err != nil {
					return err
				}
				for i := range ss {
					ss[i].LastName += " (modifié)"
					ss[i].BirthDate = lsusync.Date{}
				}
			}
			return nil
		}},
		{"Bilans", func(st lsusync.Store) error {
			for _, code := range codes {
				bs, err := st.Bilans(ctx, code)
				if err != nil {
					return err
				}
				for i := range bs {
					mutateBilan(&bs[i])
				}
			}
			return nil
		}},
	}
	for _, m := range mutations {
		st := e.seeded()
		if err := m.mutate(st); err != nil {
			e.r.Errorf("%s() error = %v, want nil", m.method, err)
			continue
		}
		e.expectContent(st, Seed(), "after modifying the values returned by "+m.method+"()")
	}
}

// mutateBilan changes every part of b that a store could share: every
// value it holds, in its acquis, lists, maps and pointers included.
func mutateBilan(b *lsusync.Bilan) { mutate(reflect.ValueOf(b).Elem()) }

// mutate changes every value held in v, in place.
func mutate(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + " (modifié)")
	case reflect.Int:
		v.SetInt(v.Int() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Pointer:
		if !v.IsNil() {
			mutate(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			mutate(v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			mutate(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			v.SetMapIndex(k, reflect.ValueOf(v.MapIndex(k).String()+" (modifié)"))
		}
		if v.Len() > 0 {
			v.SetMapIndex(reflect.ValueOf("lsusynctest"), reflect.ValueOf("added"))
		}
	}
}

// checkEmptyStore checks a store made from the zero Snapshot.
func checkEmptyStore(e *env) {
	st := e.newStore(lsusync.Snapshot{})
	ctx := e.ctx
	if _, err := st.Establishment(ctx); !errors.Is(err, lsusync.ErrNotFound) {
		e.r.Errorf("Establishment() on an empty store: error = %v, want an error wrapping %v", err, lsusync.ErrNotFound)
	}
	if ts, err := st.Teachers(ctx); err != nil || len(ts) != 0 {
		e.r.Errorf("Teachers() on an empty store = %d teachers, %v; want none, nil", len(ts), err)
	}
	if cs, err := st.Classes(ctx); err != nil || len(cs) != 0 {
		e.r.Errorf("Classes() on an empty store = %d classes, %v; want none, nil", len(cs), err)
	}
	if ss, err := st.Students(ctx, class3e1); err != nil || len(ss) != 0 {
		e.r.Errorf("Students(%q) on an empty store = %d pupils, %v; want none, nil", class3e1, len(ss), err)
	}
	if bs, err := st.Bilans(ctx, class3e1); err != nil || len(bs) != 0 {
		e.r.Errorf("Bilans(%q) on an empty store = %d bilans, %v; want none, nil", class3e1, len(bs), err)
	}
	if _, err := st.Student(ctx, pupilZoe); !errors.Is(err, lsusync.ErrNotFound) {
		e.r.Errorf("Student(%q) on an empty store: error = %v, want an error wrapping %v", pupilZoe, err, lsusync.ErrNotFound)
	}
	est := Seed().Establishment
	if err := st.Apply(ctx, lsusync.ChangeSet{Establishment: &est}); !errors.Is(err, lsusync.ErrNotFound) {
		e.r.Errorf("Apply(establishment) on a store without establishment: error = %v, want an error wrapping %v", err, lsusync.ErrNotFound)
	}
	e.expectContent(st, lsusync.Snapshot{}, "after the refused Apply on an empty store")
}

// checkNotFound checks the lookups of records the store lacks.
func checkNotFound(e *env) {
	st := e.seeded()
	ctx := e.ctx
	for _, id := range []string{noPupil, "", newPupil} {
		if got, err := st.Student(ctx, id); !errors.Is(err, lsusync.ErrNotFound) {
			e.r.Errorf("Student(%q) of an unknown pupil = %+v, %v; want an error wrapping %v", id, got, err, lsusync.ErrNotFound)
		}
	}
	for _, code := range []string{noClass, "", class6e2, "3eme1"} {
		if got, err := st.Students(ctx, code); err != nil || len(got) != 0 {
			e.r.Errorf("Students(%q) of a class without pupils = %d pupils, %v; want none, nil", code, len(got), err)
		}
	}
	for _, code := range []string{noClass, "", class6e2, class4e1} {
		if got, err := st.Bilans(ctx, code); err != nil || len(got) != 0 {
			e.r.Errorf("Bilans(%q) of a class without bilans = %d bilans, %v; want none, nil", code, len(got), err)
		}
	}
}

// The changes the checks apply. Each is built from s, a content read from
// the store with its versions, as the synchronizer builds its change
// sets: a record the store holds keeps the Version read, a record to add
// has the zero Version.

// version returns the Version of the record of s with the name, or the
// zero Version when s has no such record.
func version(s lsusync.Snapshot, name string) lsusync.Version {
	return versionsOf(s)[name]
}

func changedEstablishment(s lsusync.Snapshot) *lsusync.Establishment {
	est := s.Establishment
	est.Name = "Cité scolaire Jean Moulin"
	est.Address.Line2 = "" // emptied: the record is replaced whole
	est.Address.Line4 = "CEDEX 11"
	est.Phone = "0143000001"
	return &est
}

// newTeacher returns the teacher that the checks add, with the Version of
// s when s holds it already.
func newTeacher(s lsusync.Snapshot) lsusync.Teacher {
	return lsusync.Teacher{Key: keyNew, Civility: lsusync.Madame, LastName: "NOUVELLE", FirstName: "Élise",
		Version: version(s, teacherName(keyNew))}
}

func changedTeachers(s lsusync.Snapshot) []lsusync.Teacher {
	replaced := findTeacher(s, keyMartin)
	replaced.FirstName = "Paul-Henri"
	replaced.NUMEN = "07E0000000AAA"
	dir := findTeacher(s, keyDir)
	dir.NUMEN = "" // emptied
	return []lsusync.Teacher{replaced, newTeacher(s), dir}
}

func changedClass(s lsusync.Snapshot) *lsusync.Class {
	c := findClass(s, class3e1)
	c.Label = "3ème 1 bilangue"
	return &c
}

// newStudent returns the pupil that the checks add to class "4e 1", with
// the Version of s when s holds them already.
func newStudent(s lsusync.Snapshot) lsusync.Student {
	return lsusync.Student{ID: newPupil, Class: class4e1, INE: "120000004EE", LastName: "NOUVEAU", FirstName: "Élie",
		BirthDate: date(2012, time.September, 2), Sex: lsusync.Male, Version: version(s, pupilName(newPupil))}
}

// changedStudents replaces a pupil, moves one to another class, and adds one.
func changedStudents(s lsusync.Snapshot) []lsusync.Student {
	zoe := findStudent(s, pupilZoe)
	zoe.LastName = "DURAND-PETIT"
	zoe.UsageName = "" // emptied
	zoe.FirstName3 = ""
	moussa := findStudent(s, pupilMous)
	moussa.Class = class3A
	return []lsusync.Student{zoe, moussa, newStudent(s)}
}

// changedBilans replaces a bilan en saisie directe and an imported one.
func changedBilans(s lsusync.Snapshot) []lsusync.Bilan {
	direct := findBilan(s, pupilZoe, tri(2))
	direct.Acquis = append(direct.Acquis, lsusync.Acquis{Subject: subjLatin, Teachers: []lsusync.TeacherKey{keyNdiaye}})
	direct.Acquis[1].Teachers = []lsusync.TeacherKey{keyMartin, keyNew}
	direct.HeadTeachers = []lsusync.TeacherKey{keyMartin}
	direct.Pathways = nil                          // emptied
	delete(direct.Content, "vieScolaire.remarque") // emptied
	imported := findBilan(s, pupilMous, tri(1))
	imported.Acquis[0].Teachers = []lsusync.TeacherKey{keyDupont, keyNdiaye}
	return []lsusync.Bilan{direct, imported}
}

// validChanges returns a change set with a valid change of every kind.
func validChanges(s lsusync.Snapshot) lsusync.ChangeSet {
	return lsusync.ChangeSet{
		Establishment: changedEstablishment(s),
		Teachers:      changedTeachers(s),
		Class:         changedClass(s),
		Students:      changedStudents(s),
		Bilans:        changedBilans(s),
	}
}

// addedClass returns a class the seed does not have, with its periods.
func addedClass() *lsusync.Class {
	return &lsusync.Class{Code: noClass, Label: "5ème 9", Periods: []lsusync.Period{tri(1), tri(2), tri(3)}}
}

// addedBilan returns a new bilan of the pupil for the period, with
// content.
func addedBilan(student string, p lsusync.Period) lsusync.Bilan {
	return lsusync.Bilan{
		Student: student, Period: p,
		Acquis: []lsusync.Acquis{
			fullAcquis(subjFrench, "Bon début.", 3, "13.5", keyDupont),
			{Subject: subjMaths, Teachers: []lsusync.TeacherKey{keyMartin}},
		},
		HeadTeachers: []lsusync.TeacherKey{keyDupont},
		BilanContent: lsusync.BilanContent{Synthesis: "Bonne intégration."},
	}
}

// applyCases are the valid change sets of the Apply checks.
var applyCases = []struct {
	name string
	cs   func(s lsusync.Snapshot) lsusync.ChangeSet
}{
	{"Establishment", func(s lsusync.Snapshot) lsusync.ChangeSet {
		return lsusync.ChangeSet{Establishment: changedEstablishment(s)}
	}},
	{"Teachers", func(s lsusync.Snapshot) lsusync.ChangeSet { return lsusync.ChangeSet{Teachers: changedTeachers(s)} }},
	{"Class", func(s lsusync.Snapshot) lsusync.ChangeSet { return lsusync.ChangeSet{Class: changedClass(s)} }},
	{"Students", func(s lsusync.Snapshot) lsusync.ChangeSet { return lsusync.ChangeSet{Students: changedStudents(s)} }},
	{"Bilans", func(s lsusync.Snapshot) lsusync.ChangeSet { return lsusync.ChangeSet{Bilans: changedBilans(s)} }},
	// A class set up with its periods, as Synchronizer.SetUpClass does.
	{"AddClass", func(lsusync.Snapshot) lsusync.ChangeSet { return lsusync.ChangeSet{Class: addedClass()} }},
	// A class added with a pupil and their bilan: the change set holds
	// the class of the pupil, and the pupil of the bilan.
	{"AddClassWithPupil", func(lsusync.Snapshot) lsusync.ChangeSet {
		return lsusync.ChangeSet{
			Class:    addedClass(),
			Students: []lsusync.Student{{ID: "300001", Class: noClass, LastName: "NOUVELLE", FirstName: "Maëlle", Sex: lsusync.Female}},
			Bilans:   []lsusync.Bilan{addedBilan("300001", tri(1))},
		}
	}},
	// A bilan for a period a stored pupil has none of.
	{"AddBilan", func(lsusync.Snapshot) lsusync.ChangeSet {
		return lsusync.ChangeSet{Bilans: []lsusync.Bilan{addedBilan(pupilZoe, tri(3))}}
	}},
	// A pupil added with their bilans, one of them locked: a bilan may
	// be added locked.
	{"AddPupilWithBilans", func(s lsusync.Snapshot) lsusync.ChangeSet {
		locked := addedBilan(newPupil, tri(1))
		locked.Locked = true
		return lsusync.ChangeSet{
			Students: []lsusync.Student{newStudent(s)},
			Bilans:   []lsusync.Bilan{locked, addedBilan(newPupil, tri(2)), {Student: newPupil, Period: tri(3)}},
		}
	}},
	{"All", validChanges},
	{"Empty", func(lsusync.Snapshot) lsusync.ChangeSet { return lsusync.ChangeSet{} }},
}

// checkApply applies valid change sets, and compares the store with the
// expected content and versions; then applies each again, with the
// versions it was built with, then with those read since.
func checkApply(e *env) {
	for _, c := range applyCases {
		e.run(c.name, func(e *env) {
			st := e.seeded()
			ctx := e.ctx
			before := e.dump(st)
			cs := c.cs(before)
			want := applyModel(before, cs)
			e.apply(st, cs, "first Apply")
			after := e.dump(st)
			e.expectSnapshot(after, want, "after Apply")
			e.expectVersions("after Apply", after, written(cs), before)
			for _, s := range cs.Students {
				got, err := st.Student(ctx, s.ID)
				if err != nil {
					e.r.Errorf("Student(%q) after Apply: error = %v, want nil", s.ID, err)
					continue
				}
				if v := version(after, pupilName(s.ID)); got.Version != v {
					e.r.Errorf("Student(%q) after Apply: Version %q, want %q, the one Students returns", s.ID, got.Version, v)
				}
				got.Version, s.Version = "", ""
				if d := diff(s, got); d != "" {
					e.r.Errorf("Student(%q) after Apply mismatch (-want +got):\n%s", s.ID, d)
				}
			}

			// The same change set again: the records it replaces have
			// changed since the versions it holds, and those it adds
			// exist.
			err := st.Apply(ctx, cloneChangeSet(cs))
			switch {
			case cs.IsEmpty() && err != nil:
				e.r.Errorf("second Apply of an empty change set = %v, want nil", err)
			case !cs.IsEmpty() && !errors.Is(err, lsusync.ErrConflict):
				e.r.Errorf("second Apply of the same change set = %v, want an error wrapping %v: its records are at the versions they had before the first Apply, or are added although they exist", err, lsusync.ErrConflict)
			}
			again := e.dump(st)
			e.expectSnapshot(again, want, "after the second Apply of the same change set")
			e.expectVersions("after the second Apply of the same change set", again, nil, after)
			if cs.IsEmpty() {
				return
			}

			// The same changes with the versions read since: the content
			// stays, the versions change again. A locked bilan cannot be
			// replaced.
			rewrite := withVersions(cs, again)
			rewrite.Bilans = slices.DeleteFunc(rewrite.Bilans, func(b lsusync.Bilan) bool { return b.Locked })
			e.apply(st, rewrite, "Apply of the same changes with the versions read since")
			last := e.dump(st)
			e.expectSnapshot(last, want, "after the Apply of the same changes with the versions read since")
			e.expectVersions("after the Apply of the same changes with the versions read since", last, written(rewrite), before, after)
		})
	}
}

// firstWrite is the write that the ApplyRefused checks make first, so
// that a record of each kind has a Version that it no longer has: the
// establishment, a teacher, a class, a pupil and a bilan, none of which
// validChanges writes but the class and the establishment.
func firstWrite(s lsusync.Snapshot) lsusync.ChangeSet {
	est := s.Establishment
	est.HeadName = "Mme Claire LEFÈVRE"
	dupont := findTeacher(s, keyDupont)
	dupont.FirstName = "Marie-Claire"
	c := findClass(s, class3e1)
	c.Label = "3ème 1 (2025)"
	theo := findStudent(s, pupilTheo)
	theo.FirstName2 = "Louis"
	b := findBilan(s, pupilTheo, tri(2))
	b.Acquis[0].Appreciation = "Option suivie avec beaucoup d'intérêt."
	return lsusync.ChangeSet{
		Establishment: &est,
		Teachers:      []lsusync.Teacher{dupont},
		Class:         &c,
		Students:      []lsusync.Student{theo},
		Bilans:        []lsusync.Bilan{b},
	}
}

// refusal is a change set that Apply must refuse: valid changes of every
// kind, and one bad change.
type refusal struct {
	name string
	// bad adds the bad change to cs, the valid changes built from now,
	// the content read after firstWrite; before is the content read
	// before it.
	bad  func(cs *lsusync.ChangeSet, before, now lsusync.Snapshot)
	want error
}

// changeSet returns the change set of the refusal.
func (r refusal) changeSet(before, now lsusync.Snapshot) lsusync.ChangeSet {
	cs := validChanges(now)
	r.bad(&cs, before, now)
	return cs
}

// refusals are the change sets that Apply must refuse.
var refusals = []refusal{
	// A record read before firstWrite wrote it.
	{"StaleEstablishment", func(cs *lsusync.ChangeSet, before, _ lsusync.Snapshot) {
		cs.Establishment = changedEstablishment(before)
	}, lsusync.ErrConflict},
	{"StaleTeacher", func(cs *lsusync.ChangeSet, before, _ lsusync.Snapshot) {
		t := findTeacher(before, keyDupont)
		t.LastName = "DUPONT-MOREAU"
		cs.Teachers = append(cs.Teachers, t)
	}, lsusync.ErrConflict},
	{"StaleClass", func(cs *lsusync.ChangeSet, before, _ lsusync.Snapshot) {
		cs.Class = changedClass(before)
	}, lsusync.ErrConflict},
	{"StaleStudent", func(cs *lsusync.ChangeSet, before, _ lsusync.Snapshot) {
		p := findStudent(before, pupilTheo)
		p.LastName = "LÉGER-ROY"
		cs.Students = append(cs.Students, p)
	}, lsusync.ErrConflict},
	{"StaleBilan", func(cs *lsusync.ChangeSet, before, _ lsusync.Snapshot) {
		b := findBilan(before, pupilTheo, tri(2))
		b.HeadTeachers = []lsusync.TeacherKey{keyNdiaye}
		cs.Bilans = append(cs.Bilans, b)
	}, lsusync.ErrConflict},

	// A record to add, with the zero Version, that the store holds.
	{"AddExistingEstablishment", func(cs *lsusync.ChangeSet, _, _ lsusync.Snapshot) {
		cs.Establishment.Version = ""
	}, lsusync.ErrConflict},
	{"AddExistingTeacher", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		t := findTeacher(now, keyDupont)
		t.Version = ""
		cs.Teachers = append(cs.Teachers, t)
	}, lsusync.ErrConflict},
	{"AddExistingClass", func(cs *lsusync.ChangeSet, _, _ lsusync.Snapshot) {
		cs.Class.Version = ""
	}, lsusync.ErrConflict},
	{"AddExistingStudent", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		p := findStudent(now, pupilTheo)
		p.Version = ""
		cs.Students = append(cs.Students, p)
	}, lsusync.ErrConflict},
	{"AddExistingBilan", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		b := findBilan(now, pupilTheo, tri(2))
		b.Version = ""
		cs.Bilans = append(cs.Bilans, b)
	}, lsusync.ErrConflict},

	// A record to replace, with a Version (one the store gave another
	// record), that the store lacks; a record referring to one that
	// neither the store nor the change set holds.
	{"UnknownBilanPeriod", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		cs.Bilans = append(cs.Bilans, lsusync.Bilan{Student: pupilZoe, Period: tri(3),
			Version: version(now, bilanName(lsusync.BilanKey{Student: pupilZoe, Period: tri(2)}))})
	}, lsusync.ErrNotFound},
	{"UnknownBilanPupil", func(cs *lsusync.ChangeSet, _, _ lsusync.Snapshot) {
		cs.Bilans = append(cs.Bilans, lsusync.Bilan{Student: noPupil, Period: tri(1)})
	}, lsusync.ErrNotFound},
	{"UnknownClass", func(cs *lsusync.ChangeSet, _, _ lsusync.Snapshot) {
		c := addedClass()
		c.Version = cs.Class.Version
		cs.Class = c
	}, lsusync.ErrNotFound},
	{"UnknownTeacher", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		cs.Teachers = append(cs.Teachers, lsusync.Teacher{Key: lsusync.TeacherKey{Type: "epp", ID: "99999"}, LastName: "INCONNU",
			Version: version(now, teacherName(keyDupont))})
	}, lsusync.ErrNotFound},
	{"UnknownStudent", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		cs.Students = append(cs.Students, lsusync.Student{ID: noPupil, Class: class3e1, LastName: "INCONNU",
			Version: version(now, pupilName(pupilTheo))})
	}, lsusync.ErrNotFound},
	{"StudentInUnknownClass", func(cs *lsusync.ChangeSet, _, _ lsusync.Snapshot) {
		cs.Students = append(cs.Students, lsusync.Student{ID: "300001", Class: noClass, LastName: "INCONNU"})
	}, lsusync.ErrNotFound},
	{"OtherUAI", func(cs *lsusync.ChangeSet, _, _ lsusync.Snapshot) {
		cs.Establishment.UAI = "0750002B"
	}, lsusync.ErrNotFound},

	// Locked bilans.
	{"LockedBilan", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		b := findBilan(now, pupilZoe, tri(1))
		b.Acquis[0].Teachers = []lsusync.TeacherKey{keyMartin}
		cs.Bilans = append(cs.Bilans, b)
	}, lsusync.ErrLocked},
	{"LockedBilanUnchanged", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		cs.Bilans = append(cs.Bilans, findBilan(now, pupilZoe, tri(1)))
	}, lsusync.ErrLocked},
	{"ImportedLockedBilan", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		b := findBilan(now, pupilTheo, tri(1))
		b.Acquis[0].Appreciation = "Modifié."
		cs.Bilans = append(cs.Bilans, b)
	}, lsusync.ErrLocked},
	{"LockingBilan", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		b := findBilan(now, pupilTheo, tri(2))
		b.Locked = true
		cs.Bilans = append(cs.Bilans, b)
	}, lsusync.ErrLocked},
	{"UnlockingBilan", func(cs *lsusync.ChangeSet, _, now lsusync.Snapshot) {
		b := findBilan(now, pupilInes, sem(2))
		b.Locked = false
		cs.Bilans = append(cs.Bilans, b)
	}, lsusync.ErrLocked},

	// Empty keys.
	{"EmptyTeacherKey", func(cs *lsusync.ChangeSet, _, _ lsusync.Snapshot) {
		cs.Teachers = append(cs.Teachers, lsusync.Teacher{LastName: "SANS CLÉ"})
	}, lsusync.ErrInvalid},
	{"EmptyClassCode", func(cs *lsusync.ChangeSet, _, _ lsusync.Snapshot) {
		cs.Class = &lsusync.Class{Label: "Sans code", Periods: []lsusync.Period{tri(1), tri(2), tri(3)}}
	}, lsusync.ErrInvalid},
	{"EmptyStudentID", func(cs *lsusync.ChangeSet, _, _ lsusync.Snapshot) {
		cs.Students = append(cs.Students, lsusync.Student{Class: class3e1, LastName: "SANS IDENTIFIANT"})
	}, lsusync.ErrInvalid},
}

// checkApplyRefused checks that Apply refuses each bad change set with the
// contract's error and applies none of its changes.
func checkApplyRefused(e *env) {
	for _, c := range refusals {
		e.run(c.name, func(e *env) {
			st := e.seeded()
			before := e.dump(st)
			e.apply(st, firstWrite(before), "first write")
			now := e.dump(st)
			if err := st.Apply(e.ctx, c.changeSet(before, now)); !errors.Is(err, c.want) {
				e.r.Errorf("Apply(valid changes + %s) = %v, want an error wrapping %v", c.name, err, c.want)
			}
			what := "after Apply(valid changes + " + c.name + ") was refused"
			after := e.dump(st)
			e.expectSnapshot(after, now, what)
			e.expectVersions(what, after, nil, now)
		})
	}
}

// conflicts are the writes of another writer that the Conflict checks
// make between the read and the Apply of validChanges: each changes or
// adds one of its records.
var conflicts = []struct {
	name  string
	other func(s lsusync.Snapshot) lsusync.ChangeSet
}{
	{"Establishment", func(s lsusync.Snapshot) lsusync.ChangeSet {
		est := s.Establishment
		est.Email = "secretariat.0750001a@ac-paris.fr"
		return lsusync.ChangeSet{Establishment: &est}
	}},
	{"Teacher", func(s lsusync.Snapshot) lsusync.ChangeSet {
		t := findTeacher(s, keyMartin)
		t.LastName = "MARTIN-DUBOIS"
		return lsusync.ChangeSet{Teachers: []lsusync.Teacher{t}}
	}},
	{"AddedTeacher", func(s lsusync.Snapshot) lsusync.ChangeSet {
		t := newTeacher(s)
		t.FirstName = "Élise-Anne"
		return lsusync.ChangeSet{Teachers: []lsusync.Teacher{t}}
	}},
	{"Class", func(s lsusync.Snapshot) lsusync.ChangeSet {
		c := findClass(s, class3e1)
		c.Label = "3ème 1 européenne"
		return lsusync.ChangeSet{Class: &c}
	}},
	{"Student", func(s lsusync.Snapshot) lsusync.ChangeSet {
		p := findStudent(s, pupilZoe)
		p.FirstName2 = "Anne-Sophie"
		return lsusync.ChangeSet{Students: []lsusync.Student{p}}
	}},
	{"AddedStudent", func(s lsusync.Snapshot) lsusync.ChangeSet {
		p := newStudent(s)
		p.FirstName2 = "Marc"
		return lsusync.ChangeSet{Students: []lsusync.Student{p}}
	}},
	// A teacher enters an appreciation.
	{"Bilan", func(s lsusync.Snapshot) lsusync.ChangeSet {
		b := findBilan(s, pupilZoe, tri(2))
		b.Acquis[0].Appreciation = "Saisie pendant la synchronisation."
		return lsusync.ChangeSet{Bilans: []lsusync.Bilan{b}}
	}},
}

// checkConflict checks, for each kind of record, that a change set built
// from a read is refused once another writer changed one of its records,
// and that it applies once built again from a new read.
func checkConflict(e *env) {
	for _, c := range conflicts {
		e.run(c.name, func(e *env) {
			st := e.seeded()
			read := e.dump(st)
			cs := validChanges(read)
			e.apply(st, c.other(read), "the other writer's Apply")
			now := e.dump(st)
			if err := st.Apply(e.ctx, cs); !errors.Is(err, lsusync.ErrConflict) {
				e.r.Errorf("Apply(valid changes read before another writer's change of their %s) = %v, want an error wrapping %v",
					c.name, err, lsusync.ErrConflict)
			}
			what := "after the Apply of changes read before another writer's was refused"
			after := e.dump(st)
			e.expectSnapshot(after, now, what)
			e.expectVersions(what, after, nil, now)

			// Read again and recompute, as the synchronizer does.
			retry := validChanges(after)
			e.apply(st, retry, "Apply of the changes built again from a new read")
			e.expectContent(st, applyModel(after, retry), "after the Apply of the changes built again from a new read")
		})
	}
}

// doneContexts returns a cancelled context and one past its deadline.
func doneContexts(parent context.Context) []context.Context {
	cancelled, cancel := context.WithCancel(parent)
	cancel()
	expired, cancel := context.WithDeadline(parent, time.Unix(0, 0))
	cancel()
	return []context.Context{cancelled, expired}
}

// checkApplyCancelled checks Apply with a done context.
func checkApplyCancelled(e *env) {
	for _, ctx := range doneContexts(e.ctx) {
		st := e.seeded()
		before := e.dump(st)
		if err := st.Apply(ctx, validChanges(before)); !errors.Is(err, ctx.Err()) {
			e.r.Errorf("Apply with a done context = %v, want an error wrapping %v", err, ctx.Err())
		}
		what := fmt.Sprintf("after Apply with a done context (%v)", ctx.Err())
		after := e.dump(st)
		e.expectSnapshot(after, before, what)
		e.expectVersions(what, after, nil, before)
	}
}

// checkReadCancelled checks every read method with a done context.
func checkReadCancelled(e *env) {
	st := e.seeded()
	for _, ctx := range doneContexts(e.ctx) {
		want := ctx.Err()
		calls := []struct {
			call string
			err  func() error
		}{
			{"Establishment()", func() error { _, err := st.Establishment(ctx); return err }},
			{"Teachers()", func() error { _, err := st.Teachers(ctx); return err }},
			{"Classes()", func() error { _, err := st.Classes(ctx); return err }},
			{fmt.Sprintf("Students(%q)", class3e1), func() error { _, err := st.Students(ctx, class3e1); return err }},
			{fmt.Sprintf("Student(%q)", pupilZoe), func() error { _, err := st.Student(ctx, pupilZoe); return err }},
			{fmt.Sprintf("Bilans(%q)", class3e1), func() error { _, err := st.Bilans(ctx, class3e1); return err }},
		}
		for _, c := range calls {
			if err := c.err(); !errors.Is(err, want) {
				e.r.Errorf("%s with a done context: error = %v, want an error wrapping %v", c.call, err, want)
			}
		}
	}
}
