package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/lsusync/lsusync"
)

// validateChangeSet refuses, with lsusync.ErrInvalid, what no database
// could hold: empty keys, a record twice, invalid periods, an acquis or a
// teacher key twice in a bilan.
func validateChangeSet(cs *lsusync.ChangeSet) error {
	if e := cs.Establishment; e != nil && e.UAI == "" {
		return invalid("establishment with an empty UAI")
	}
	if err := validateTeachers(cs.Teachers); err != nil {
		return err
	}
	if c := cs.Class; c != nil {
		if err := validateClass(c); err != nil {
			return err
		}
	}
	if err := validateStudents(cs.Students); err != nil {
		return err
	}
	return validateBilans(cs.Bilans)
}

// validateSnapshot refuses a snapshot that is not a valid store content.
func validateSnapshot(s *lsusync.Snapshot) error {
	if s.Establishment.UAI == "" {
		return invalid("establishment with an empty UAI")
	}
	if err := validateTeachers(s.Teachers); err != nil {
		return err
	}
	classes := make(map[string]bool, len(s.Classes))
	for i := range s.Classes {
		c := &s.Classes[i]
		if err := validateClass(c); err != nil {
			return err
		}
		if classes[c.Code] {
			return invalid("class %q twice", c.Code)
		}
		classes[c.Code] = true
	}
	if err := validateStudents(s.Students); err != nil {
		return err
	}
	pupils := make(map[string]bool, len(s.Students))
	for _, st := range s.Students {
		if !classes[st.Class] {
			return invalid("pupil %s in class %q, which the snapshot lacks", st.ID, st.Class)
		}
		pupils[st.ID] = true
	}
	for _, b := range s.Bilans {
		if b.Student != "" && !pupils[b.Student] {
			return invalid("bilan %s of a pupil the snapshot lacks", b.Key())
		}
	}
	return validateBilans(s.Bilans)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("sqlstore: %w: %s", lsusync.ErrInvalid, fmt.Sprintf(format, args...))
}

func validateTeachers(ts []lsusync.Teacher) error {
	seen := make(map[lsusync.TeacherKey]bool, len(ts))
	for _, t := range ts {
		if t.Key.Type == "" || t.Key.ID == "" {
			return invalid("teacher with an empty key %q", t.Key.String())
		}
		if seen[t.Key] {
			return invalid("teacher %s twice", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func validateClass(c *lsusync.Class) error {
	if c.Code == "" {
		return invalid("class with an empty code")
	}
	seen := make(map[lsusync.Period]bool, len(c.Periods))
	for _, p := range c.Periods {
		if !p.Valid() {
			return invalid("class %q: invalid period %d/%d of %d", c.Code, p.Index, p.Count, p.Year)
		}
		if seen[p] {
			return invalid("class %q: period %d-%s twice", c.Code, p.Year, p)
		}
		seen[p] = true
	}
	return nil
}

func validateStudents(sts []lsusync.Student) error {
	seen := make(map[string]bool, len(sts))
	for _, st := range sts {
		if st.ID == "" {
			return invalid("pupil with an empty ID")
		}
		if seen[st.ID] {
			return invalid("pupil %s twice", st.ID)
		}
		seen[st.ID] = true
	}
	return nil
}

func validateBilans(bs []lsusync.Bilan) error {
	seen := make(map[lsusync.BilanKey]bool, len(bs))
	for i := range bs {
		b := &bs[i]
		if b.Student == "" {
			return invalid("bilan with an empty pupil ID")
		}
		if !b.Period.Valid() {
			return invalid("bilan of pupil %s: invalid period %d/%d of %d", b.Student, b.Period.Index, b.Period.Count, b.Period.Year)
		}
		k := b.Key()
		if seen[k] {
			return invalid("bilan %s twice", k)
		}
		seen[k] = true
		if err := validateKeys(b.HeadTeachers, k.String()+" professeurs principaux"); err != nil {
			return err
		}
		subjects := make(map[lsusync.SubjectKey]bool, len(b.Acquis))
		for _, a := range b.Acquis {
			if a.Subject.Code == "" {
				return invalid("bilan %s: acquis with an empty subject code", k)
			}
			sk := a.Subject.Key()
			if subjects[sk] {
				return invalid("bilan %s: subject %s twice", k, sk)
			}
			subjects[sk] = true
			if err := validateKeys(a.Teachers, k.String()+" subject "+sk.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

func validateKeys(keys []lsusync.TeacherKey, what string) error {
	for i, k := range keys {
		if k.Type == "" || k.ID == "" {
			return invalid("bilan %s: teacher with an empty key %q", what, k.String())
		}
		for _, o := range keys[:i] {
			if o == k {
				return invalid("bilan %s: teacher %s twice", what, k)
			}
		}
	}
	return nil
}

// create writes the whole content of a validated snapshot: the
// establishment, which must be new, and its records, each at version 1.
func (w *writer) create(ctx context.Context, s *lsusync.Snapshot) error {
	uai := w.s.uai
	w.creating = true
	e := &s.Establishment
	r := newRows(tEstablishments, opAdd)
	a := &e.Address
	r.add(uai, e.Name, a.Line1, a.Line2, a.Line3, a.Line4, a.PostalCode, a.City, a.Country, e.HeadName, e.Phone, e.Email)
	n, err := w.exec(ctx, r, nil)
	if err != nil {
		return err
	}
	if n != 1 {
		return ErrExist // Create names the establishment
	}
	w.rows++
	w.records++
	add := func(r *rows) error { return w.run(ctx, r, r.len(), "creating") }
	err = forChunks(len(s.Teachers), 4096, func(lo, hi int) error {
		r := newRows(tTeachers, opAdd)
		for _, t := range s.Teachers[lo:hi] {
			r.add(uai, t.Key.Type, t.Key.ID, t.Civility, t.LastName, t.FirstName, t.NUMEN)
		}
		w.records += int64(hi - lo)
		return add(r)
	})
	if err != nil {
		return err
	}
	classes, periods := newRows(tClasses, opAdd), newRows(tClassPeriods, opInsert)
	for _, c := range s.Classes {
		classes.add(uai, c.Code, c.Label)
		for _, p := range c.Periods {
			periods.add(uai, c.Code, p.Year, p.Count, p.Index)
		}
	}
	w.records += int64(len(s.Classes))
	if err := add(classes); err != nil {
		return err
	}
	if err := add(periods); err != nil {
		return err
	}
	err = forChunks(len(s.Students), 4096, func(lo, hi int) error {
		r := newRows(tStudents, opAdd)
		for _, st := range s.Students[lo:hi] {
			r.add(uai, st.ID, st.Class, st.INE, st.LastName, st.UsageName, st.FirstName, st.FirstName2,
				st.FirstName3, dateArg(st.BirthDate), string(st.Sex))
		}
		w.records += int64(hi - lo)
		return add(r)
	})
	if err != nil {
		return err
	}
	bilans := s.Bilans
	for i := range bilans {
		if bilans[i].Version != "" { // a snapshot's records are added
			bilans = slices.Clone(bilans)
			for j := range bilans {
				bilans[j].Version = ""
			}
			break
		}
	}
	return forChunks(len(s.Bilans), 256, func(lo, hi int) error { return w.bilans(ctx, bilans[lo:hi]) })
}
