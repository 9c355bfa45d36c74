package lsusync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// Class is a division (classe), identified by its code.
//
// A synchronisation updates the label of a selected class and never its
// code or its periods.
type Class struct {
	// Code identifies the class: "3EME1", "4e 1", "3 A". Codes keep their
	// spaces and leading zeros and are compared exactly.
	Code string `json:"code"`
	// Label is the class's libellé. An empty source label never erases a
	// stored one.
	Label string `json:"label,omitempty"`
	// Periods are the reporting periods configured for the class in LSU.
	// A class with no period cannot be synchronised (rule 1 of docs/rules.md,
	// the period prerequisite). Sources leave Periods nil.
	Periods []Period `json:"periods,omitempty"`
	// Version is the record's version in the store (see [Version]); a
	// Source leaves it zero.
	Version Version `json:"-"`
}

// Period is a reporting period of a class: a trimester (Count 3) or a
// semester (Count 2). Its key is the whole value, as in the LSU import
// schema (millesime, indice, nb-periodes).
type Period struct {
	// Year is the first calendar year of the school year: 2025 for 2025-2026.
	Year int `json:"year"`
	// Index is the period's rank in the year, from 1 to Count.
	Index int `json:"index"`
	// Count is the number of periods in the year: 3 or 2.
	Count int `json:"count"`
}

// String returns the period as LSU names it: "T1" to "T3" for trimesters,
// "S1" and "S2" for semesters, "P<index>/<count>" otherwise.
func (p Period) String() string {
	switch p.Count {
	case 3:
		return fmt.Sprintf("T%d", p.Index)
	case 2:
		return fmt.Sprintf("S%d", p.Index)
	}
	return fmt.Sprintf("P%d/%d", p.Index, p.Count)
}

// Trimesters returns the three trimesters of the school year that starts
// in year: 2025 for 2025-2026.
func Trimesters(year int) []Period { return periodsOf(year, 3) }

// Semesters returns the two semesters of the school year that starts in
// year.
func Semesters(year int) []Period { return periodsOf(year, 2) }

func periodsOf(year, count int) []Period {
	ps := make([]Period, count)
	for i := range ps {
		ps[i] = Period{Year: year, Index: i + 1, Count: count}
	}
	return ps
}

// Valid reports whether p is a well-formed period: a year, and an index
// between 1 and a count of at least 1.
func (p Period) Valid() bool {
	return p.Year > 0 && p.Count >= 1 && p.Index >= 1 && p.Index <= p.Count
}

// ClassData is everything a [Source] knows about one class: its label, its
// pupils, the teaching services that concern it, and its professeurs
// principaux.
type ClassData struct {
	// Code is the class code.
	Code string
	// Label is the class label; empty when the source has none.
	Label string
	// Enrolments are the pupils whose division is this class.
	Enrolments []Enrolment
	// Services are the services of the division and the services of every
	// group whose division membership includes this class.
	Services []Service
	// HeadTeachers are the class's professeurs principaux, with their
	// optional dates; the synchronizer keeps those whose end date is empty
	// or not past.
	HeadTeachers []HeadTeacher
}

// Enrolment is one pupil as the source lists them in a class: the pupil's
// identity, the groups they belong to, and their exit date.
type Enrolment struct {
	// Student is the pupil's identity; Student.Class is the class code.
	Student Student
	// Groups are the codes of the teaching groups (SIECLE structures of
	// type G) the pupil belongs to.
	Groups []string
	// ExitDate is the SIECLE DATE_SORTIE; a date in the past means the
	// pupil has left. The zero Date means no exit date.
	ExitDate Date
	// Options are the subjects the pupil chose, with the modalité
	// d'élection of their choice (SIECLE OPTIONS): the modalité of the
	// pupil's acquis of a subject taught to one of their groups (rule 6).
	Options []SubjectKey
}

// Service is "these teachers teach this subject to this division or group"
// (an STS-Web SERVICE).
type Service struct {
	// Subject is the subject taught.
	Subject Subject
	// Group is the code of the group the service is taught to, or "" for a
	// service of the whole division. A group service reaches only the
	// pupils of the group.
	Group string
	// Teachers are the service's teachers; may be empty.
	Teachers []TeacherKey
}

// HeadTeacher is a professeur principal of a class.
type HeadTeacher struct {
	// Teacher is the teacher's key.
	Teacher TeacherKey
	// Start and End are the optional dates of the appointment; an End in
	// the past means the teacher is no longer professeur principal.
	Start, End Date
}

// SetUpClass sets up in the store a class that the source has, as LSU's
// period settings do, so that the next [Synchronizer.Sync] fills it with
// its pupils and their bilans: a class the store lacks is added with the
// source's label and the given periods; a class the store holds without
// periods gets them, and keeps its label. It returns the class as stored.
// In a dry run it returns the class it would store, and writes nothing.
//
// periods are the periods of one school year: the trimesters or the
// semesters of [Trimesters] or [Semesters], in any order.
//
// SetUpClass refuses, writing nothing: a source of another establishment
// ([*EstablishmentError]); a class the source does not have
// ([ErrUnknownClass], as a [*ClassesError] with the source's classes in
// Known); periods that are not those of one school year ([ErrInvalid]);
// periods of another school year than those of the store's classes
// ([ErrSchoolYear], as a [*YearError]); a class the store holds with
// periods already ([ErrAlreadySetUp]). The
// store's own errors are returned wrapped, [ErrConflict] among them when
// the class changed while it was set up.
func (s *Synchronizer) SetUpClass(ctx context.Context, code string, periods []Period) (Class, error) {
	if err := checkPeriods(periods); err != nil {
		return Class{}, fmt.Errorf("lsusync: setting up class %q: %w", code, err)
	}
	srcEst, err := s.src.Establishment(ctx)
	if err != nil {
		return Class{}, fmt.Errorf("lsusync: reading the source establishment: %w", err)
	}
	stEst, err := s.st.Establishment(ctx)
	if err != nil {
		return Class{}, fmt.Errorf("lsusync: reading the store establishment: %w", err)
	}
	if srcEst.UAI == "" || srcEst.UAI != stEst.UAI {
		return Class{}, &EstablishmentError{Source: srcEst.UAI, Store: stEst.UAI}
	}
	data, err := s.src.Class(ctx, code)
	if errors.Is(err, ErrNotFound) {
		codes, cerr := s.src.ClassCodes(ctx)
		if cerr != nil {
			return Class{}, fmt.Errorf("lsusync: reading the source classes: %w", cerr)
		}
		return Class{}, &ClassesError{Err: ErrUnknownClass, Classes: []string{code}, Known: sortedCodes(codes)}
	}
	if err != nil {
		return Class{}, fmt.Errorf("lsusync: reading class %q of the source: %w", code, err)
	}
	stored, err := s.st.Classes(ctx)
	if err != nil {
		return Class{}, fmt.Errorf("lsusync: reading the store classes: %w", err)
	}
	class := Class{Code: code, Label: data.Label}
	for _, c := range stored {
		if c.Code == code {
			if len(c.Periods) > 0 {
				return Class{}, fmt.Errorf("%w: class %q has %d periods", ErrAlreadySetUp, code, len(c.Periods))
			}
			class = c
		}
	}
	// An LSU store holds one school year: the periods of a class set up
	// are of the year of the others'.
	for _, c := range stored {
		if len(c.Periods) > 0 && c.Periods[0].Year != periods[0].Year {
			return Class{}, &YearError{Class: code, Given: periods[0].Year, Store: c.Periods[0].Year}
		}
	}
	class.Periods = slices.Clone(periods)
	slices.SortFunc(class.Periods, comparePeriods)
	if s.opts.DryRun {
		return class, nil
	}
	if err := s.st.Apply(ctx, ChangeSet{Class: &class}); err != nil {
		return Class{}, fmt.Errorf("lsusync: setting up class %q: %w", code, err)
	}
	if stored, err = s.st.Classes(ctx); err != nil {
		return Class{}, fmt.Errorf("lsusync: reading the store classes: %w", err)
	}
	for _, c := range stored {
		if c.Code == code {
			return c, nil
		}
	}
	return Class{}, fmt.Errorf("lsusync: class %q: %w after it was set up", code, ErrNotFound)
}

// checkPeriods checks that ps are the periods of one school year.
func checkPeriods(ps []Period) error {
	if len(ps) == 0 {
		return fmt.Errorf("%w: no period", ErrInvalid)
	}
	seen := make(map[int]bool, len(ps))
	for _, p := range ps {
		switch {
		case !p.Valid():
			return fmt.Errorf("%w: period %d/%d of %d is not valid", ErrInvalid, p.Index, p.Count, p.Year)
		case p.Year != ps[0].Year || p.Count != ps[0].Count:
			return fmt.Errorf("%w: periods %d-%s and %d-%s are not of one school year", ErrInvalid, ps[0].Year, ps[0], p.Year, p)
		case seen[p.Index]:
			return fmt.Errorf("%w: period %d-%s given twice", ErrInvalid, p.Year, p)
		}
		seen[p.Index] = true
	}
	if len(ps) != ps[0].Count {
		return fmt.Errorf("%w: %d periods given, of a year of %d", ErrInvalid, len(ps), ps[0].Count)
	}
	return nil
}

func sortedCodes(codes []string) []string {
	codes = slices.Clone(codes)
	slices.Sort(codes)
	return slices.Compact(codes)
}

// left reports whether the pupil's exit date is past.
func (e *Enrolment) left(today Date) bool {
	return !e.ExitDate.IsZero() && e.ExitDate.Before(today)
}

// classSync computes the changes of one class: its label, its pupils and
// the bilans of its periods. compute runs its steps in order, each named
// after the rule of docs/rules.md it applies.
type classSync struct {
	s     *Synchronizer
	p     *plan
	class Class
	data  *ClassData
	today Date

	cs        ChangeSet
	classItem Item
	pupils    []Item             // the pupil items, in ID order
	bilans    []bilanItem        // the bilan items, sorted at the end
	oldBil    map[string][]Bilan // the bilans of the classes pupils moved from
	texts     texts              // the texts of the bilans' changes

	students   []Student             // the store's pupils of the class
	stored     []Bilan               // the store's bilans of the class
	periods    []Period              // the class's periods, sorted
	tmpl       *BilanTemplate        // the subjects of rule 6
	enrolments []Enrolment           // the source's pupils of the class, by ID
	present    map[string]bool       // the pupils the source lists in the class
	current    map[string]*Enrolment // whose bilans this sync keeps up to date
	moved      []string              // of current, those who came from another class
	movedFrom  map[string]string     // their former class
	kept       []*Bilan              // the stored bilans of current, for the class's periods

	movedIn bool // a pupil moved in from another class
}

type bilanItem struct {
	key BilanKey
	it  Item
}

// stepError is a failure of a class, with the step that failed.
type stepError struct {
	what string
	err  error
}

// compute reads the class in the store and returns its items and its
// change set.
func (c *classSync) compute(ctx context.Context) ([]Item, ChangeSet, *stepError) {
	var err error
	code := c.class.Code
	if c.students, err = c.s.st.Students(ctx, code); err != nil {
		return nil, c.cs, &stepError{"reading the store pupils", err}
	}
	if c.stored, err = c.s.st.Bilans(ctx, code); err != nil {
		return nil, c.cs, &stepError{"reading the store bilans", err}
	}
	c.periods = slices.Clone(c.class.Periods)
	slices.SortFunc(c.periods, comparePeriods)
	c.tmpl = NewBilanTemplate(*c.data, c.today)

	c.classLabel()
	if err := c.listedPupils(ctx); err != nil {
		return nil, c.cs, err
	}
	c.unlistedPupils()
	if err := c.bilansOfCurrent(ctx); err != nil {
		return nil, c.cs, err
	}
	c.mergeBilans()
	c.missingBilans()
	return c.items(), c.cs, nil
}

// classLabel updates the class's label ("what a synchronisation changes";
// rule 4: an empty label never erases).
func (c *classSync) classLabel() {
	c.classItem = Item{Kind: KindClass, Class: c.class.Code, Key: c.class.Code}
	updated := c.class
	updated.Periods = slices.Clone(c.class.Periods)
	c.classItem.mergeRecord(classFields, &updated, &Class{Label: c.data.Label}, func(string) bool { return true })
	if c.classItem.Action == ActionUpdated {
		c.cs.Class = &updated
	}
}

// listedPupils goes through the pupils the source lists in the class: a
// pupil who left is reported (rule 5); a pupil the store holds in the
// class is updated (rules 3 and 4); a pupil the store holds in another
// class is moved here (rule 5); a new pupil is added with a bilan per
// period (rule 5); an INE another pupil has, or outside the national
// formats, is not stored (rule 10).
func (c *classSync) listedPupils(ctx context.Context) *stepError {
	code := c.class.Code
	byID := make(map[string]*Student, len(c.students))
	for i := range c.students {
		byID[c.students[i].ID] = &c.students[i]
	}
	c.enrolments = slices.Clone(c.data.Enrolments)
	slices.SortFunc(c.enrolments, func(a, b Enrolment) int { return compareIDs(a.Student.ID, b.Student.ID) })
	c.present = make(map[string]bool, len(c.enrolments))
	c.current = make(map[string]*Enrolment, len(c.enrolments))
	c.movedFrom = make(map[string]string)
	c.pupils = make([]Item, 0, len(c.enrolments)+len(c.students))
	carried := func(f string) bool { return c.p.carried[f] }
	storeOnlyINE := c.storeOnlyINEs()
	for i := range c.enrolments {
		e := &c.enrolments[i]
		id := e.Student.ID
		c.present[id] = true
		old, isHere := byID[id]
		if e.left(c.today) {
			if isHere { // said only of a pupil the store holds
				c.addPupil(Item{Kind: KindStudent, Action: ActionLeft, Class: code, Key: id, Name: old.displayName()})
			}
			continue
		}
		it := Item{Kind: KindStudent, Class: code, Key: id, Name: e.Student.displayName()}
		src := e.Student
		it.Rejected = c.p.rejectINE(&src)
		if other, ok := storeOnlyINE[src.INE]; ok && it.Rejected == nil && src.INE != "" {
			it.Rejected = []Rejection{{Field: "INE", Reason: ReasonDuplicate, Others: []string{other}}}
		}
		switch {
		case isHere:
			s := *old
			if it.Rejected != nil {
				src.INE = s.INE
			}
			it.mergeRecord(studentFields, &s, &src, carried)
			if it.Action == ActionUpdated {
				c.cs.Students = append(c.cs.Students, s)
			}
			c.current[id] = e
		default:
			other, err := c.s.st.Student(ctx, id)
			switch {
			case err == nil:
				s := other
				if it.Rejected != nil {
					src.INE = s.INE
				}
				it.mergeRecord(studentFields, &s, &src, carried)
				it.Changes = slices.Insert(it.Changes, 0, Change{Field: "Class", Before: other.Class, After: code})
				it.Action = ActionMoved
				s.Class = code
				c.cs.Students = append(c.cs.Students, s)
				c.current[id] = e
				c.moved = append(c.moved, id)
				c.movedFrom[id] = other.Class
				c.movedIn = true
			case errors.Is(err, ErrNotFound):
				s := src
				s.Class, s.Version = code, ""
				if it.Rejected != nil {
					s.INE = ""
				}
				it.Action = ActionAdded
				c.cs.Students = append(c.cs.Students, s)
				for _, p := range c.periods {
					b := c.tmpl.Bilan(*e, p)
					c.cs.Bilans = append(c.cs.Bilans, b)
					c.addBilan(b.Key(), Item{Kind: KindBilan, Action: ActionAdded, Class: code, Key: b.Key().String()})
				}
			default:
				return &stepError{"reading the store pupils", err}
			}
		}
		c.addPupil(it)
	}
	return nil
}

// storeOnlyINEs returns the INEs of the pupils the store holds in the
// class and the exports no longer list: a pupil of the exports with one of
// them would give two stored records one INE (the same person under a new
// ELEVE_ID, or a secretariat error; rule 10).
func (c *classSync) storeOnlyINEs() map[string]string {
	var ines map[string]string
	for i := range c.students {
		if s := &c.students[i]; s.INE != "" {
			if _, listed := c.p.pupils[s.ID]; !listed {
				if ines == nil {
					ines = make(map[string]string)
				}
				ines[s.INE] = s.ID
			}
		}
	}
	return ines
}

// unlistedPupils reports the pupils the store has in the class and the
// source does not list in it: they are kept with their bilans (rule 5).
// One the source lists in another selected class is moved by that class's
// sync, which says so.
func (c *classSync) unlistedPupils() {
	code := c.class.Code
	var gone []*Student
	for i := range c.students {
		if !c.present[c.students[i].ID] {
			gone = append(gone, &c.students[i])
		}
	}
	slices.SortFunc(gone, func(a, b *Student) int { return compareIDs(a.ID, b.ID) })
	for _, s := range gone {
		id := s.ID
		it := Item{Kind: KindStudent, Action: ActionGone, Class: code, Key: id, Name: s.displayName()}
		switch e, ok := c.p.pupils[id]; {
		case !ok:
		case e.left:
			it.Action = ActionLeft
		case c.p.inSelection[e.class] && c.p.data[e.class] != nil && c.p.stored[e.class].Code != "":
			continue // the sync of their new class moves them, and says so
		default:
			it.Changes = []Change{{Field: "Class", Before: code, After: e.class}}
		}
		c.addPupil(it)
	}
}

// bilansOfCurrent gathers the stored bilans this sync keeps up to date:
// those of the class's periods of its present pupils, and of the pupils
// who moved here (rule 5).
func (c *classSync) bilansOfCurrent(ctx context.Context) *stepError {
	c.kept = make([]*Bilan, 0, len(c.stored))
	for i := range c.stored {
		if b := &c.stored[i]; c.current[b.Student] != nil && slices.Contains(c.periods, b.Period) {
			c.kept = append(c.kept, b)
		}
	}
	for _, id := range c.moved {
		from, err := c.bilansOf(ctx, c.movedFrom[id])
		if err != nil {
			return &stepError{"reading the store bilans", err}
		}
		for i := range from {
			if b := &from[i]; b.Student == id && slices.Contains(c.periods, b.Period) {
				c.kept = append(c.kept, b)
			}
		}
	}
	return nil
}

// mergeBilans leaves locked and imported bilans as they are, and gives
// the others the subjects, teachers and professeurs principaux of rule 6,
// their content kept (rule 5).
func (c *classSync) mergeBilans() {
	targets := make(map[string]subjectList, len(c.current)) // each pupil's, for their bilans
	c.bilans = slices.Grow(c.bilans, max(len(c.kept), len(c.current)*len(c.periods)))
	for _, b := range c.kept {
		it := Item{Kind: KindBilan, Class: c.class.Code, Key: b.Key().String()}
		switch {
		case b.Locked:
			it.Action = ActionLocked
		case b.Imported:
			it.Action = ActionImported
		default:
			want, ok := targets[b.Student]
			if !ok {
				want = c.tmpl.plan.list(c.current[b.Student])
				targets[b.Student] = want
			}
			if nb, ok := it.mergeBilan(b, want.targets, want.id, c.tmpl.pp, &c.texts); ok {
				c.cs.Bilans = append(c.cs.Bilans, nb)
			}
		}
		c.addBilan(b.Key(), it)
	}
}

// missingBilans gives a pupil of the class the bilans of the class's
// periods they lack, as a new pupil gets them (rule 5): a pupil who moved
// here, and the pupils of a class that has just been given its periods
// (rule 11).
func (c *classSync) missingBilans() {
	has := make(map[BilanKey]bool, len(c.kept))
	for _, b := range c.kept {
		has[b.Key()] = true
	}
	for i := range c.enrolments {
		id := c.enrolments[i].Student.ID
		e := c.current[id]
		if e == nil {
			continue
		}
		for _, p := range c.periods {
			if k := (BilanKey{id, p}); !has[k] {
				b := c.tmpl.Bilan(*e, p)
				c.cs.Bilans = append(c.cs.Bilans, b)
				c.addBilan(k, Item{Kind: KindBilan, Action: ActionAdded, Class: c.class.Code, Key: k.String()})
			}
		}
	}
}

// items returns the class's items: the class, its pupils by ID, its
// bilans by pupil and period.
func (c *classSync) items() []Item {
	// The bilans' items in key order: their indexes are sorted, not the
	// large items.
	order := make([]int32, len(c.bilans))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &c.bilans[i].key, &c.bilans[j].key
		return cmp.Or(compareIDs(a.Student, b.Student), comparePeriods(a.Period, b.Period))
	})
	items := make([]Item, 0, 1+len(c.pupils)+len(c.bilans))
	items = append(items, c.classItem.settle())
	items = append(items, c.pupils...)
	for _, i := range order {
		items = append(items, c.bilans[i].it)
	}
	return items
}

func (c *classSync) addPupil(it Item) { c.pupils = append(c.pupils, it.settle()) }

func (c *classSync) addBilan(k BilanKey, it Item) {
	c.bilans = append(c.bilans, bilanItem{k, it.settle()})
}

// bilansOf returns the stored bilans of a class, read once.
func (c *classSync) bilansOf(ctx context.Context, class string) ([]Bilan, error) {
	if b, ok := c.oldBil[class]; ok {
		return b, nil
	}
	b, err := c.s.st.Bilans(ctx, class)
	if err != nil {
		return nil, err
	}
	if c.oldBil == nil {
		c.oldBil = make(map[string][]Bilan)
	}
	c.oldBil[class] = b
	return b, nil
}

// rejectINE returns the reason why the pupil's INE must not be stored, if
// any: another pupil of the source has it too, or it is not in a national
// format.
func (p *plan) rejectINE(s *Student) []Rejection {
	switch {
	case s.INE == "":
		return nil
	case p.ines[s.INE] != nil:
		others := slices.DeleteFunc(slices.Clone(p.ines[s.INE]), func(id string) bool { return id == s.ID })
		return []Rejection{{Field: "INE", Reason: ReasonDuplicate, Others: others}}
	case !validINE(s.INE):
		return []Rejection{{Field: "INE", Reason: ReasonFormat}}
	}
	return nil
}
