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
		st   lsusync.Student
		en   lsusync.Enrolment
		tmpl *lsusync.BilanTemplate
	}
	seeds := make([]seed, 0, present)
	classOf := make(map[string]string, present)
	for i, code := range codes {
		data := &datas[i]
		snap.Classes = append(snap.Classes, lsusync.Class{Code: code, Label: data.Label, Periods: slices.Clone(periods)})
		tmpl := lsusync.NewBilanTemplate(*data, today)
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
			seeds = append(seeds, seed{st, en, tmpl})
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
		for _, p := range ordered {
			snap.Bilans = append(snap.Bilans, seeds[i].tmpl.Bilan(seeds[i].en, p))
		}
	}
	snap.Sort()
	return snap, nil
}

// compareIDs orders pupil IDs as lsusync.Snapshot.Sort does: shorter
// first, then bytewise.
func compareIDs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// StoreSnapshot returns the store `lsusync init` would create from the
// establishment's exports: Init of e.Source() with e.Config's periods
// (PeriodList) and reference date (Today), its bilans filled as
// e.Config.Content says ([Establishment.FillContent]). Synchronising
// e.Source() into it changes nothing.
func (e *Establishment) StoreSnapshot() lsusync.Snapshot {
	snap, err := Init(context.Background(), e.Source(), e.cfg().PeriodList(), e.cfg().Today)
	if err != nil {
		// Only a model made inconsistent by its caller gets here: a pupil
		// in two classes, a teacher twice, an empty UAI or ELEVE_ID.
		panic(fmt.Sprintf("gen: StoreSnapshot: %v", err))
	}
	e.FillContent(&snap)
	return snap
}
