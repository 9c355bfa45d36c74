package gen

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lsusync/lsusync"
)

// Init returns the content of a store seeded from src as `lsusync init`
// does it, so that a synchronisation of src into that store changes
// nothing:
//
//   - the establishment and every teacher of src;
//   - every class of src, with its source label and the given periods;
//   - the pupils of every class whose exit date is not before today;
//   - for each such pupil and period, an empty, unlocked bilan en saisie
//     directe: one acquis per subject of the division's services and of
//     the services of the pupil's groups (rule 6), sorted by subject code,
//     with the subject's label and modality (the first non-empty among its
//     services) and its teachers sorted by key without duplicates; and the
//     professeurs principaux whose end date is not before today, sorted by
//     key.
//
// Init returns an error wrapping lsusync.ErrInvalid when periods holds no
// valid period or a period twice, when src lists a teacher twice, or a
// pupil without ID or in two classes; and src's errors, wrapped. The
// snapshot is sorted (see lsusync.Snapshot.Sort).
func Init(ctx context.Context, src lsusync.Source, periods []lsusync.Period, today lsusync.Date) (lsusync.Snapshot, error) {
	var snap lsusync.Snapshot
	if len(periods) == 0 {
		return snap, fmt.Errorf("gen: init: %w: no period", lsusync.ErrInvalid)
	}
	for i, p := range periods {
		if !p.Valid() {
			return snap, fmt.Errorf("gen: init: %w: period %d (%d, %d/%d) is not valid", lsusync.ErrInvalid, i+1, p.Year, p.Index, p.Count)
		}
		if slices.Contains(periods[:i], p) {
			return snap, fmt.Errorf("gen: init: %w: period %d-%s given twice", lsusync.ErrInvalid, p.Year, p)
		}
	}
	est, err := src.Establishment(ctx)
	if err != nil {
		return snap, fmt.Errorf("gen: init: reading the establishment: %w", err)
	}
	if est.UAI == "" {
		return snap, fmt.Errorf("gen: init: %w: the source establishment has no UAI", lsusync.ErrInvalid)
	}
	snap.Establishment = est
	teachers, err := src.Teachers(ctx)
	if err != nil {
		return snap, fmt.Errorf("gen: init: reading the teachers: %w", err)
	}
	snap.Teachers = slices.Clone(teachers)
	slices.SortFunc(snap.Teachers, func(a, b lsusync.Teacher) int { return a.Key.Compare(b.Key) })
	for i := 1; i < len(snap.Teachers); i++ {
		if snap.Teachers[i].Key == snap.Teachers[i-1].Key {
			return lsusync.Snapshot{}, fmt.Errorf("gen: init: %w: teacher %s listed twice", lsusync.ErrInvalid, snap.Teachers[i].Key)
		}
	}
	codes, err := src.ClassCodes(ctx)
	if err != nil {
		return lsusync.Snapshot{}, fmt.Errorf("gen: init: reading the classes: %w", err)
	}
	codes = slices.Clone(codes)
	slices.Sort(codes)
	codes = slices.Compact(codes)

	datas := make([]lsusync.ClassData, len(codes))
	present := 0
	for i, code := range codes {
		if err := ctx.Err(); err != nil {
			return lsusync.Snapshot{}, err
		}
		if datas[i], err = src.Class(ctx, code); err != nil {
			return lsusync.Snapshot{}, fmt.Errorf("gen: init: reading class %q: %w", code, err)
		}
		present += len(datas[i].Enrolments)
	}

	// Everything is allocated in bulk: a store of 100,000 pupils holds
	// millions of acquis.
	snap.Classes = make([]lsusync.Class, 0, len(codes))
	type seed struct {
		st      lsusync.Student
		targets []target
		pp      []lsusync.TeacherKey
	}
	seeds := make([]seed, 0, present)
	classOf := make(map[string]string, present)
	for i, code := range codes {
		data := &datas[i]
		snap.Classes = append(snap.Classes, lsusync.Class{Code: code, Label: data.Label, Periods: slices.Clone(periods)})
		plan := newPlan(data.Services)
		pp := activeHeadTeachers(data.HeadTeachers, today)
		for _, en := range data.Enrolments {
			if !en.ExitDate.IsZero() && en.ExitDate.Before(today) {
				continue // left: not in the store
			}
			st := en.Student
			if st.ID == "" {
				return lsusync.Snapshot{}, fmt.Errorf("gen: init: class %q: %w: a pupil has no ELEVE_ID", code, lsusync.ErrInvalid)
			}
			if other, dup := classOf[st.ID]; dup {
				return lsusync.Snapshot{}, fmt.Errorf("gen: init: %w: pupil %s is in classes %q and %q", lsusync.ErrInvalid, st.ID, other, code)
			}
			classOf[st.ID] = code
			st.Class = code
			seeds = append(seeds, seed{st, plan.subjects(en.Groups), pp})
		}
	}
	// Pupils, then bilans, are produced in the snapshot's order, so that
	// the final Sort finds them sorted: sorting small records is cheaper
	// than sorting bilans.
	slices.SortFunc(seeds, func(a, b seed) int { return compareIDs(a.st.ID, b.st.ID) })
	ordered := slices.Clone(periods)
	slices.SortFunc(ordered, func(a, b lsusync.Period) int {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Count, b.Count), cmp.Compare(a.Index, b.Index))
	})
	snap.Students = make([]lsusync.Student, len(seeds))
	snap.Bilans = make([]lsusync.Bilan, 0, len(seeds)*len(periods))
	for i := range seeds {
		snap.Students[i] = seeds[i].st
		snap.Bilans = appendBilans(snap.Bilans, seeds[i].st.ID, ordered, seeds[i].targets, seeds[i].pp)
	}
	snap.Sort()
	return snap, nil
}

// compareIDs orders pupil IDs as lsusync.Snapshot.Sort does: shorter
// first, then bytewise.
func compareIDs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// appendBilans appends the empty bilans of a pupil, one per period, each
// with its own acquis and keys, allocated at once.
func appendBilans(bs []lsusync.Bilan, id string, periods []lsusync.Period, targets []target, pp []lsusync.TeacherKey) []lsusync.Bilan {
	nkeys := len(pp)
	for _, t := range targets {
		nkeys += len(t.teachers)
	}
	acquis := make([]lsusync.Acquis, len(targets)*len(periods))
	keys := make([]lsusync.TeacherKey, nkeys*len(periods))
	take := func(src []lsusync.TeacherKey) []lsusync.TeacherKey {
		if len(src) == 0 {
			return nil
		}
		n := copy(keys, src)
		out := keys[:n:n]
		keys = keys[n:]
		return out
	}
	for _, p := range periods {
		b := lsusync.Bilan{Student: id, Period: p, HeadTeachers: take(pp)}
		if len(targets) > 0 {
			b.Acquis = acquis[:len(targets):len(targets)]
			acquis = acquis[len(targets):]
			for i, t := range targets {
				b.Acquis[i] = lsusync.Acquis{Subject: t.subject, Teachers: take(t.teachers)}
			}
		}
		bs = append(bs, b)
	}
	return bs
}

// StoreSnapshot returns the store `lsusync init` would create from the
// establishment's exports: Init of e.Source() with e.Config's periods
// (PeriodList) and reference date (Today). Synchronising e.Source() into
// it changes nothing.
func (e *Establishment) StoreSnapshot() lsusync.Snapshot {
	snap, err := Init(context.Background(), e.Source(), e.cfg().PeriodList(), e.cfg().Today)
	if err != nil {
		// Only a model made inconsistent by its caller gets here: a pupil
		// in two classes, a teacher twice, an empty UAI or ELEVE_ID.
		panic(fmt.Sprintf("gen: StoreSnapshot: %v", err))
	}
	return snap
}

// target is a subject a pupil takes, with its sorted teachers.
type target struct {
	subject  lsusync.Subject
	teachers []lsusync.TeacherKey
}

// plan computes the subjects of the pupils of one class (rule 6), once
// per distinct set of groups: the same computation as the synchronizer.
type plan struct {
	division []lsusync.Service
	byGroup  map[string][]lsusync.Service
	cache    map[string][]target
}

func newPlan(services []lsusync.Service) *plan {
	p := &plan{byGroup: make(map[string][]lsusync.Service), cache: make(map[string][]target)}
	for _, s := range services {
		if s.Group == "" {
			p.division = append(p.division, s)
		} else {
			p.byGroup[s.Group] = append(p.byGroup[s.Group], s)
		}
	}
	return p
}

// subjects returns the subjects of a pupil of the given groups, sorted by
// code; shared, not to be modified.
func (p *plan) subjects(groups []string) []target {
	var relevant []string
	for _, g := range groups {
		if _, ok := p.byGroup[g]; ok {
			relevant = append(relevant, g)
		}
	}
	slices.Sort(relevant)
	relevant = slices.Compact(relevant)
	key := strings.Join(relevant, "\x00")
	if t, ok := p.cache[key]; ok {
		return t
	}
	byCode := make(map[string]*target)
	var order []*target
	add := func(s lsusync.Service) {
		t := byCode[s.Subject.Code]
		if t == nil {
			t = &target{subject: s.Subject}
			byCode[s.Subject.Code] = t
			order = append(order, t)
		}
		if t.subject.Label == "" {
			t.subject.Label = s.Subject.Label
		}
		if t.subject.Modality == "" {
			t.subject.Modality = s.Subject.Modality
		}
		t.teachers = append(t.teachers, s.Teachers...)
	}
	for _, s := range p.division {
		add(s)
	}
	for _, g := range relevant {
		for _, s := range p.byGroup[g] {
			add(s)
		}
	}
	out := make([]target, len(order))
	for i, t := range order {
		t.teachers = sortKeys(t.teachers)
		out[i] = *t
	}
	slices.SortFunc(out, func(a, b target) int { return strings.Compare(a.subject.Code, b.subject.Code) })
	p.cache[key] = out
	return out
}

// activeHeadTeachers returns the keys of the professeurs principaux whose
// end date is empty or not before today, sorted, without duplicates.
func activeHeadTeachers(hts []lsusync.HeadTeacher, today lsusync.Date) []lsusync.TeacherKey {
	var keys []lsusync.TeacherKey
	for _, h := range hts {
		if h.End.IsZero() || !h.End.Before(today) {
			keys = append(keys, h.Teacher)
		}
	}
	return sortKeys(keys)
}

func sortKeys(keys []lsusync.TeacherKey) []lsusync.TeacherKey {
	if len(keys) == 0 {
		return nil
	}
	keys = slices.Clone(keys)
	slices.SortFunc(keys, lsusync.TeacherKey.Compare)
	return slices.Compact(keys)
}
