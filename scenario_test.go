package lsusync_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// item builds an expected report item.
func item(st lsusync.Status, k lsusync.Kind, a lsusync.Action, class, key string, changes ...lsusync.Change) lsusync.Item {
	return lsusync.Item{Status: st, Kind: k, Action: a, Class: class, Key: key, Changes: changes}
}

func ch(field, before, after string) lsusync.Change {
	return lsusync.Change{Field: field, Before: before, After: after}
}

func updatedBilan(class, key string, changes ...lsusync.Change) lsusync.Item {
	return item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionUpdated, class, key, changes...)
}

func withKept(it lsusync.Item, kept ...string) lsusync.Item {
	it.Kept = kept
	it.Status = lsusync.StatusWarning
	return it
}

func withUncarried(it lsusync.Item, fields ...string) lsusync.Item {
	it.Uncarried = fields
	return it
}

func unchanged(k lsusync.Kind, class, key string) lsusync.Item {
	return item(lsusync.StatusSuccess, k, lsusync.ActionUnchanged, class, key)
}

// scenario is one rule of docs/rules.md: the fixture changed on the
// store side and on the source side, the sync, and what it must give.
type scenario struct {
	name    string
	classes []string                // the classes asked for; none = every class
	store   func(*lsusync.Snapshot) // changes to the fixture store before the sync
	source  func(*memory.Source)    // changes to the fixture source
	after   func(*lsusync.Snapshot) // the expected changes of the store
	items   []edit                  // the expected report: the edits of baseItems
}

var scenarios = []scenario{
	{
		name: "nothing to change",
	},
	{
		name: "establishment updated, UAI never changed",
		source: func(s *memory.Source) {
			s.School.Name = "COLLÈGE JEAN MOULIN"
			s.School.Address.Line2 = "BÂTIMENT B"
			s.School.Phone = "0140000001"
		},
		after: func(s *lsusync.Snapshot) {
			s.Establishment.Name = "COLLÈGE JEAN MOULIN"
			s.Establishment.Address.Line2 = "BÂTIMENT B"
			s.Establishment.Phone = "0140000001"
		},
		items: []edit{set(item(lsusync.StatusSuccess, lsusync.KindEstablishment, lsusync.ActionUpdated, "", uai,
			ch("Name", "COLLEGE JEAN MOULIN", "COLLÈGE JEAN MOULIN"),
			ch("Address.Line2", "", "BÂTIMENT B"),
			ch("Phone", "0140000000", "0140000001"),
		))},
	},
	{
		name: "empty source values never erase",
		source: func(s *memory.Source) {
			s.School.Phone, s.School.Email = "", ""
			s.Staff[0].FirstName, s.Staff[0].NUMEN = "", "" // STS-Web has no NUMEN
			c1 := class(s, "3EME1")
			c1.Label = ""
			p := &c1.Enrolments[0].Student
			p.FirstName, p.INE, p.BirthDate = "", "", lsusync.Date{}
			c2 := class(s, "3EME2")
			c2.Services[1].Teachers = nil // 061300 without a teacher
			c2.HeadTeachers = nil
		},
		items: []edit{
			// One establishment: what it lacks, no export carries (no
			// Communs.xml): kept, and not a warning.
			set(withUncarried(unchanged(lsusync.KindEstablishment, "", uai), "Phone", "Email")),
			// Other teachers have a first name: a warning. No teacher has
			// a NUMEN: kept, and not a warning.
			set(withUncarried(withKept(unchanged(lsusync.KindTeacher, "", "epp:100"), "FirstName"), "NUMEN")),
			set(withKept(unchanged(lsusync.KindClass, "3EME1", "3EME1"), "Label")),
			set(withKept(unchanged(lsusync.KindStudent, "3EME1", "1001"), "INE", "FirstName", "BirthDate")),
			set(withKept(unchanged(lsusync.KindBilan, "3EME2", "2001/2025-T1"), "Acquis[061300/S].Teachers", "HeadTeachers")),
			set(withKept(unchanged(lsusync.KindBilan, "3EME2", "2001/2025-T2"), "Acquis[061300/S].Teachers", "HeadTeachers")),
		},
	},
	{
		name: "teachers matched by key: updated and added",
		source: func(s *memory.Source) {
			s.Staff[1].LastName = "MARTIN-DUBOIS"
			s.Staff = append([]lsusync.Teacher{{Key: lsusync.TeacherKey{Type: "local", ID: "7"},
				Civility: "M", LastName: "ROUX", FirstName: "Luc"}}, s.Staff...)
		},
		after: func(s *lsusync.Snapshot) {
			s.Teachers[1].LastName = "MARTIN-DUBOIS"
			s.Teachers = append(s.Teachers, lsusync.Teacher{Key: lsusync.TeacherKey{Type: "local", ID: "7"},
				Civility: "M", LastName: "ROUX", FirstName: "Luc"})
		},
		items: []edit{
			set(item(lsusync.StatusSuccess, lsusync.KindTeacher, lsusync.ActionUpdated, "", "epp:101",
				ch("LastName", "MARTIN", "MARTIN-DUBOIS"))),
			insertAfter(lsusync.KindTeacher, "epp:102",
				item(lsusync.StatusSuccess, lsusync.KindTeacher, lsusync.ActionAdded, "", "local:7")),
		},
	},
	{
		// A teacher of a type LSU does not accept (STS-Web's "dir", or
		// anything else a Source gives) is reported, never stored, nor
		// named in a bilan's subjects or professeurs principaux.
		name: "a teacher of a type LSU does not accept is rejected, in the teachers and in the bilans",
		source: func(s *memory.Source) {
			dir := lsusync.TeacherKey{Type: "dir", ID: "8"}
			s.Staff = append(s.Staff, lsusync.Teacher{Key: dir, Civility: "MME", LastName: "PRINCIPALE", FirstName: "Anne"})
			c2 := class(s, "3EME2")
			c2.Services[1].Teachers = append(c2.Services[1].Teachers, dir)
			c2.HeadTeachers = append(c2.HeadTeachers, lsusync.HeadTeacher{Teacher: dir})
		},
		items: []edit{
			insertAfter(lsusync.KindEstablishment, uai, rejected(
				item(lsusync.StatusSuccess, lsusync.KindTeacher, lsusync.ActionRejected, "", "dir:8"), "Type", lsusync.ReasonType)),
		},
	},
	{
		name: "pupils matched by ID, never by name: fields updated, bilans untouched",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			a, b := &c.Enrolments[0].Student, &c.Enrolments[1].Student
			// The two pupils swap names: matching by name would swap
			// their bilans.
			a.LastName, b.LastName = b.LastName, a.LastName
			a.FirstName, b.FirstName = b.FirstName, a.FirstName
			b.UsageName = "MARCHAND"
			b.Sex = lsusync.Female
			b.BirthDate = date(2011, 7, 3)
			b.INE = "1234567891C"
		},
		after: func(s *lsusync.Snapshot) {
			a, b := student(s, "1001"), student(s, "1002")
			a.LastName, b.LastName = b.LastName, a.LastName
			a.FirstName, b.FirstName = b.FirstName, a.FirstName
			b.UsageName = "MARCHAND"
			b.Sex = lsusync.Female
			b.BirthDate = date(2011, 7, 3)
			b.INE = "1234567891C"
		},
		items: []edit{
			set(item(lsusync.StatusSuccess, lsusync.KindStudent, lsusync.ActionUpdated, "3EME1", "1001",
				ch("LastName", "DUPONT", "LEROY"), ch("FirstName", "Marie", "Hugo"))),
			set(item(lsusync.StatusSuccess, lsusync.KindStudent, lsusync.ActionUpdated, "3EME1", "1002",
				ch("INE", "1234567891B", "1234567891C"), ch("LastName", "LEROY", "DUPONT"), ch("UsageName", "", "MARCHAND"),
				ch("FirstName", "Hugo", "Marie"), ch("BirthDate", "2011-07-02", "2011-07-03"), ch("Sex", "M", "F"))),
		},
	},
	{
		name: "class label updated, code and periods never",
		store: func(s *lsusync.Snapshot) {
			s.Classes[0].Periods = append(s.Classes[0].Periods, t3)
		},
		source: func(s *memory.Source) { class(s, "3EME1").Label = "3E1 EUROPE" },
		after: func(s *lsusync.Snapshot) {
			s.Classes[0].Label = "3E1 EUROPE"
			// The period the class was given brings its pupils' bilans of it (rule 5).
			s.Bilans = append(s.Bilans,
				lsusync.Bilan{Student: "1001", Period: t3, HeadTeachers: keys(epp100),
					Acquis: []lsusync.Acquis{acq(francais, epp100), acq(espagnol, epp102), acq(maths, epp101)}},
				lsusync.Bilan{Student: "1002", Period: t3, HeadTeachers: keys(epp100),
					Acquis: []lsusync.Acquis{acq(francais, epp100), acq(maths, epp101)}})
		},
		items: []edit{
			set(item(lsusync.StatusSuccess, lsusync.KindClass, lsusync.ActionUpdated, "3EME1", "3EME1",
				ch("Label", "3EME 1", "3E1 EUROPE"))),
			insertAfter(lsusync.KindBilan, "1001/2025-T2",
				item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionAdded, "3EME1", "1001/2025-T3")),
			insertAfter(lsusync.KindBilan, "1002/2025-T2",
				item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionAdded, "3EME1", "1002/2025-T3")),
		},
	},
	{
		name: "new pupil added with an empty bilan en saisie directe per period",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Enrolments = append(c.Enrolments, lsusync.Enrolment{Student: lsusync.Student{
				ID: "1003", Class: "3EME1", LastName: "NOUVEAU", FirstName: "Léo", Sex: lsusync.Male,
				BirthDate: date(2011, 1, 5), INE: "1234567893D"}})
		},
		after: func(s *lsusync.Snapshot) {
			s.Students = append(s.Students, lsusync.Student{
				ID: "1003", Class: "3EME1", LastName: "NOUVEAU", FirstName: "Léo", Sex: lsusync.Male,
				BirthDate: date(2011, 1, 5), INE: "1234567893D"})
			for _, p := range []lsusync.Period{t1, t2} {
				s.Bilans = append(s.Bilans, lsusync.Bilan{Student: "1003", Period: p, HeadTeachers: keys(epp100),
					Acquis: []lsusync.Acquis{acq(francais, epp100), acq(maths, epp101)}})
			}
		},
		items: []edit{
			insertAfter(lsusync.KindStudent, "1002",
				item(lsusync.StatusSuccess, lsusync.KindStudent, lsusync.ActionAdded, "3EME1", "1003")),
			insertAfter(lsusync.KindBilan, "1002/2025-T2",
				item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionAdded, "3EME1", "1003/2025-T1")),
			insertAfter(lsusync.KindBilan, "1003/2025-T1",
				item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionAdded, "3EME1", "1003/2025-T2")),
		},
	},
	{
		name: "a pupil who left before the store knew them is not reported",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Enrolments = append(c.Enrolments, lsusync.Enrolment{ExitDate: date(2025, 9, 30),
				Student: lsusync.Student{ID: "1004", Class: "3EME1", LastName: "PARTI"}})
		},
	},
	{
		name: "an INE that two pupils share is stored for neither",
		store: func(s *lsusync.Snapshot) {
			student(s, "2001").INE = "" // no INE yet
		},
		source: func(s *memory.Source) {
			// 1002's INE is typed for 2001 too: a secretariat error.
			class(s, "3EME2").Enrolments[0].Student.INE = "1234567891B"
		},
		items: []edit{
			set(rejected(unchanged(lsusync.KindStudent, "3EME1", "1002"), "INE", lsusync.ReasonDuplicate, "2001")),
			set(rejected(unchanged(lsusync.KindStudent, "3EME2", "2001"), "INE", lsusync.ReasonDuplicate, "1002")),
		},
	},
	{
		// 1002 is no longer in the exports, and a new pupil has their INE:
		// the same person under a new ELEVE_ID, or a typing error. The
		// new pupil is added without it.
		name: "an INE that a pupil of the class no longer in the exports holds is not given to another",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Enrolments = append(c.Enrolments[:1], lsusync.Enrolment{Student: lsusync.Student{
				ID: "1003", Class: "3EME1", LastName: "NOUVEAU", FirstName: "Léo", Sex: lsusync.Male,
				BirthDate: date(2011, 1, 5), INE: "1234567891B"}})
		},
		after: func(s *lsusync.Snapshot) {
			s.Students = append(s.Students, lsusync.Student{
				ID: "1003", Class: "3EME1", LastName: "NOUVEAU", FirstName: "Léo", Sex: lsusync.Male,
				BirthDate: date(2011, 1, 5)})
			for _, p := range []lsusync.Period{t1, t2} {
				s.Bilans = append(s.Bilans, lsusync.Bilan{Student: "1003", Period: p, HeadTeachers: keys(epp100),
					Acquis: []lsusync.Acquis{acq(francais, epp100), acq(maths, epp101)}})
			}
		},
		items: []edit{
			set(item(lsusync.StatusWarning, lsusync.KindStudent, lsusync.ActionGone, "3EME1", "1002")),
			insertAfter(lsusync.KindStudent, "1001", rejected(
				item(lsusync.StatusSuccess, lsusync.KindStudent, lsusync.ActionAdded, "3EME1", "1003"), "INE", lsusync.ReasonDuplicate, "1002")),
			drop(lsusync.KindBilan, "1002/2025-T1"),
			drop(lsusync.KindBilan, "1002/2025-T2"),
			insertAfter(lsusync.KindBilan, "1001/2025-T2",
				item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionAdded, "3EME1", "1003/2025-T1")),
			insertAfter(lsusync.KindBilan, "1003/2025-T1",
				item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionAdded, "3EME1", "1003/2025-T2")),
		},
	},
	{
		name: "an INE outside the national formats is not stored",
		source: func(s *memory.Source) {
			class(s, "3EME1").Enrolments[0].Student.INE = "12345678901" // 11 digits, no key letter
			class(s, "3EME1").Enrolments[1].Student.INE = "123456789AB" // INE-RNIE: valid
		},
		after: func(s *lsusync.Snapshot) { student(s, "1002").INE = "123456789AB" },
		items: []edit{
			set(rejected(unchanged(lsusync.KindStudent, "3EME1", "1001"), "INE", lsusync.ReasonFormat)),
			set(item(lsusync.StatusSuccess, lsusync.KindStudent, lsusync.ActionUpdated, "3EME1", "1002",
				ch("INE", "1234567891B", "123456789AB"))),
		},
	},
	{
		name: "departed pupil flagged and kept with their bilans",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Enrolments = c.Enrolments[:1]
			c.Services[0].Teachers = keys(epp102) // would reach 1002's bilans if they were synced
		},
		after: func(s *lsusync.Snapshot) {
			bilan(s, "1001", t1).Acquis[0].Teachers = keys(epp102)
			bilan(s, "1001", t2).Acquis[0].Teachers = keys(epp102)
		},
		items: []edit{
			set(item(lsusync.StatusWarning, lsusync.KindStudent, lsusync.ActionGone, "3EME1", "1002")),
			set(updatedBilan("3EME1", "1001/2025-T1", ch("Acquis[020700/S].Teachers", "epp:100", "epp:102"))),
			set(updatedBilan("3EME1", "1001/2025-T2", ch("Acquis[020700/S].Teachers", "epp:100", "epp:102"))),
			drop(lsusync.KindBilan, "1002/2025-T1"),
			drop(lsusync.KindBilan, "1002/2025-T2"),
		},
	},
	{
		name: "pupil with a past DATE_SORTIE reported and untouched",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Enrolments[1].ExitDate = date(2025, 10, 17)
			c.Enrolments[1].Student.LastName = "LEROY-MARCHAND"
			c.Services[0].Teachers = keys(epp102)
		},
		after: func(s *lsusync.Snapshot) {
			bilan(s, "1001", t1).Acquis[0].Teachers = keys(epp102)
			bilan(s, "1001", t2).Acquis[0].Teachers = keys(epp102)
		},
		items: []edit{
			set(item(lsusync.StatusWarning, lsusync.KindStudent, lsusync.ActionLeft, "3EME1", "1002")),
			set(updatedBilan("3EME1", "1001/2025-T1", ch("Acquis[020700/S].Teachers", "epp:100", "epp:102"))),
			set(updatedBilan("3EME1", "1001/2025-T2", ch("Acquis[020700/S].Teachers", "epp:100", "epp:102"))),
			drop(lsusync.KindBilan, "1002/2025-T1"),
			drop(lsusync.KindBilan, "1002/2025-T2"),
		},
	},
	{
		name: "pupil leaving today or later is still synchronised",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Enrolments[0].ExitDate = date(2026, 7, 4)
			c.Enrolments[1].ExitDate = date(2025, 11, 28) // today
			c.Enrolments[1].Student.LastName = "LEROY-MARCHAND"
		},
		after: func(s *lsusync.Snapshot) { student(s, "1002").LastName = "LEROY-MARCHAND" },
		items: []edit{set(item(lsusync.StatusSuccess, lsusync.KindStudent, lsusync.ActionUpdated, "3EME1", "1002",
			ch("LastName", "LEROY", "LEROY-MARCHAND")))},
	},
	{
		name: "pupil who changed class moves with their bilans",
		store: func(s *lsusync.Snapshot) {
			// 1002/T2 is missing: the new class's periods need it.
			s.Bilans = slices.DeleteFunc(s.Bilans, func(b lsusync.Bilan) bool { return b.Student == "1002" && b.Period == t2 })
		},
		source: func(s *memory.Source) {
			c1, c2 := class(s, "3EME1"), class(s, "3EME2")
			moved := c1.Enrolments[1]
			moved.Student.Class = "3EME2"
			moved.Student.LastName = "LEROY-MARCHAND"
			c1.Enrolments = c1.Enrolments[:1]
			c2.Enrolments = append(c2.Enrolments, moved)
		},
		after: func(s *lsusync.Snapshot) {
			p := student(s, "1002")
			p.Class, p.LastName = "3EME2", "LEROY-MARCHAND"
			// The new class's subjects, teachers and PP; the average
			// entered in 061300 stays.
			b := bilan(s, "1002", t1)
			b.Acquis[0].Teachers, b.Acquis[1].Teachers, b.HeadTeachers = keys(epp101), keys(epp100), keys(epp101)
			s.Bilans = append(s.Bilans, lsusync.Bilan{Student: "1002", Period: t2, HeadTeachers: keys(epp101),
				Acquis: []lsusync.Acquis{acq(francais, epp101), acq(maths, epp100)}})
		},
		items: []edit{
			// The sync of 3EME2 moves them, and says so once.
			drop(lsusync.KindStudent, "1002"),
			drop(lsusync.KindBilan, "1002/2025-T1"),
			drop(lsusync.KindBilan, "1002/2025-T2"),
			insertAfter(lsusync.KindClass, "3EME2", item(lsusync.StatusSuccess, lsusync.KindStudent,
				lsusync.ActionMoved, "3EME2", "1002", ch("Class", "3EME1", "3EME2"), ch("LastName", "LEROY", "LEROY-MARCHAND"))),
			insertAfter(lsusync.KindStudent, "2001", updatedBilan("3EME2", "1002/2025-T1",
				ch("Acquis[020700/S].Teachers", "epp:100", "epp:101"),
				ch("Acquis[061300/S].Teachers", "epp:101", "epp:100"),
				ch("HeadTeachers", "epp:100", "epp:101"))),
			insertAfter(lsusync.KindBilan, "1002/2025-T1",
				item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionAdded, "3EME2", "1002/2025-T2")),
		},
	},
	{
		name: "a moved pupil's locked, imported and content-holding bilans",
		store: func(s *lsusync.Snapshot) {
			bilan(s, "1001", t1).Locked = true
			bilan(s, "1001", t2).Imported = true
		},
		source: func(s *memory.Source) {
			c1, c2 := class(s, "3EME1"), class(s, "3EME2")
			moved := c1.Enrolments[0]
			moved.Student.Class = "3EME2"
			moved.Groups = nil // leaves the Spanish group
			c1.Enrolments = c1.Enrolments[1:]
			c2.Enrolments = append(c2.Enrolments, moved)
		},
		after: func(s *lsusync.Snapshot) { student(s, "1001").Class = "3EME2" },
		items: []edit{
			drop(lsusync.KindStudent, "1001"),
			drop(lsusync.KindBilan, "1001/2025-T1"),
			drop(lsusync.KindBilan, "1001/2025-T2"),
			insertAfter(lsusync.KindClass, "3EME2", item(lsusync.StatusSuccess, lsusync.KindStudent,
				lsusync.ActionMoved, "3EME2", "1001", ch("Class", "3EME1", "3EME2"))),
			insertAfter(lsusync.KindStudent, "2001",
				item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionLocked, "3EME2", "1001/2025-T1")),
			insertAfter(lsusync.KindBilan, "1001/2025-T1",
				item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionImported, "3EME2", "1001/2025-T2")),
		},
	},
	{
		name: "a content-holding bilan of a moved pupil keeps its subjects with content",
		source: func(s *memory.Source) {
			c1, c2 := class(s, "3EME1"), class(s, "3EME2")
			moved := c1.Enrolments[0]
			moved.Student.Class = "3EME2"
			moved.Groups = nil // leaves the Spanish group: its empty acquis goes
			c1.Enrolments = c1.Enrolments[1:]
			c2.Enrolments = append(c2.Enrolments, moved)
			c2.Services = c2.Services[:1] // 3EME2 has no maths: the positioning entered keeps it in T1
		},
		after: func(s *lsusync.Snapshot) {
			student(s, "1001").Class = "3EME2"
			b := bilan(s, "1001", t1)
			b.Acquis = b.Acquis[:2]
			b.Acquis[0].Teachers, b.HeadTeachers = keys(epp101), keys(epp101)
			b = bilan(s, "1001", t2)
			b.Acquis = b.Acquis[:1]
			b.Acquis[0].Teachers, b.HeadTeachers = keys(epp101), keys(epp101)
			for _, p := range []lsusync.Period{t1, t2} {
				b := bilan(s, "2001", p)
				b.Acquis = b.Acquis[:1]
			}
		},
		items: []edit{
			drop(lsusync.KindStudent, "1001"),
			drop(lsusync.KindBilan, "1001/2025-T1"),
			drop(lsusync.KindBilan, "1001/2025-T2"),
			insertAfter(lsusync.KindClass, "3EME2", item(lsusync.StatusSuccess, lsusync.KindStudent,
				lsusync.ActionMoved, "3EME2", "1001", ch("Class", "3EME1", "3EME2"))),
			insertAfter(lsusync.KindStudent, "2001", keptSubjects(updatedBilan("3EME2", "1001/2025-T1",
				ch("Acquis[020700/S].Teachers", "epp:100", "epp:101"),
				ch("Acquis[030602/O]", "030602 ESPAGNOL LV2", ""),
				ch("HeadTeachers", "epp:100", "epp:101")), "061300/S")),
			insertAfter(lsusync.KindBilan, "1001/2025-T1", updatedBilan("3EME2", "1001/2025-T2",
				ch("Acquis[020700/S].Teachers", "epp:100", "epp:101"),
				ch("Acquis[061300/S]", "061300 MATHEMATIQUES", ""),
				ch("Acquis[030602/O]", "030602 ESPAGNOL LV2", ""),
				ch("HeadTeachers", "epp:100", "epp:101"))),
			set(updatedBilan("3EME2", "2001/2025-T1", ch("Acquis[061300/S]", "061300 MATHEMATIQUES", ""))),
			set(updatedBilan("3EME2", "2001/2025-T2", ch("Acquis[061300/S]", "061300 MATHEMATIQUES", ""))),
		},
	},
	{
		name: "one subject with two modalités: two acquis",
		source: func(s *memory.Source) {
			// English for the whole class, and in the group 3EURO as the
			// option facultative that pupil 1001 chose.
			c := class(s, "3EME1")
			c.Services = append(c.Services,
				lsusync.Service{Subject: anglais, Teachers: keys(epp101)},
				lsusync.Service{Subject: anglais, Group: "3EURO", Teachers: keys(epp102)})
			c.Enrolments[0].Groups = append(c.Enrolments[0].Groups, "3EURO")
			c.Enrolments[0].Options = []lsusync.SubjectKey{{Code: "030201", Modality: "F"}, {Code: "030602", Modality: "O"}}
		},
		after: func(s *lsusync.Snapshot) {
			english := anglais
			english.Modality = "F"
			for _, p := range []lsusync.Period{t1, t2} {
				b := bilan(s, "1001", p)
				b.Acquis = append(b.Acquis, acq(english, epp102), acq(anglais, epp101)) // sorted by modalité
				b = bilan(s, "1002", p)
				b.Acquis = append(b.Acquis, acq(anglais, epp101))
			}
		},
		items: func() []edit {
			var e []edit
			for _, k := range []string{"1001/2025-T1", "1001/2025-T2"} {
				e = append(e, set(updatedBilan("3EME1", k,
					ch("Acquis[030201/F]", "", "030201 ANGLAIS LV1"), ch("Acquis[030201/S]", "", "030201 ANGLAIS LV1"))))
			}
			for _, k := range []string{"1002/2025-T1", "1002/2025-T2"} {
				e = append(e, set(updatedBilan("3EME1", k, ch("Acquis[030201/S]", "", "030201 ANGLAIS LV1"))))
			}
			return e
		}(),
	},
	{
		name: "a modalité that changes: the acquis keeps its content",
		store: func(s *lsusync.Snapshot) {
			// Stored before the exports gave the Nomenclature.xml: French
			// without its modalité, and an appreciation in it.
			for _, id := range []string{"1001", "1002"} {
				for _, p := range []lsusync.Period{t1, t2} {
					bilan(s, id, p).Acquis[0].Subject.Modality = ""
				}
			}
		},
		after: func(s *lsusync.Snapshot) {
			for _, id := range []string{"1001", "1002"} {
				for _, p := range []lsusync.Period{t1, t2} {
					bilan(s, id, p).Acquis[0].Subject.Modality = "S"
				}
			}
		},
		items: func() []edit {
			var e []edit
			for _, k := range []string{"1001/2025-T1", "1001/2025-T2", "1002/2025-T1", "1002/2025-T2"} {
				e = append(e, set(updatedBilan("3EME1", k, ch("Acquis[020700/S].Modality", "", "S"))))
			}
			return e
		}(),
	},
	{
		name: "a pupil who moves class with content in both modalités",
		store: func(s *lsusync.Snapshot) {
			english := anglais
			english.Modality = "F"
			b := bilan(s, "1001", t1)
			b.Acquis = append(b.Acquis,
				lsusync.Acquis{Subject: anglais, Teachers: keys(epp101), AcquisContent: lsusync.AcquisContent{Positioning: 4}},
				lsusync.Acquis{Subject: english, Teachers: keys(epp102), AcquisContent: lsusync.AcquisContent{Appreciation: "Très bon oral."}})
		},
		source: func(s *memory.Source) {
			// 3EME2 teaches English to the whole class, and has no group
			// for the option: the option's acquis stays for its content.
			c1, c2 := class(s, "3EME1"), class(s, "3EME2")
			moved := c1.Enrolments[0]
			moved.Student.Class = "3EME2"
			moved.Options = []lsusync.SubjectKey{{Code: "030201", Modality: "F"}}
			c1.Enrolments = c1.Enrolments[1:]
			c2.Enrolments = append(c2.Enrolments, moved)
			c2.Services = append(c2.Services, lsusync.Service{Subject: anglais, Teachers: keys(epp100)})
		},
		after: func(s *lsusync.Snapshot) {
			student(s, "1001").Class = "3EME2"
			for _, p := range []lsusync.Period{t1, t2} {
				b := bilan(s, "1001", p)
				b.Acquis[0].Teachers, b.Acquis[1].Teachers, b.HeadTeachers = keys(epp101), keys(epp100), keys(epp101)
				if p == t1 {
					b.Acquis[3].Teachers = keys(epp100)
				} else {
					b.Acquis = append(b.Acquis, acq(anglais, epp100))
				}
				b = bilan(s, "2001", p)
				b.Acquis = append(b.Acquis, acq(anglais, epp100))
			}
		},
		items: []edit{
			drop(lsusync.KindStudent, "1001"),
			drop(lsusync.KindBilan, "1001/2025-T1"),
			drop(lsusync.KindBilan, "1001/2025-T2"),
			insertAfter(lsusync.KindClass, "3EME2", item(lsusync.StatusSuccess, lsusync.KindStudent,
				lsusync.ActionMoved, "3EME2", "1001", ch("Class", "3EME1", "3EME2"))),
			insertAfter(lsusync.KindStudent, "2001", keptSubjects(updatedBilan("3EME2", "1001/2025-T1",
				ch("Acquis[020700/S].Teachers", "epp:100", "epp:101"),
				ch("Acquis[061300/S].Teachers", "epp:101", "epp:100"),
				ch("Acquis[030201/S].Teachers", "epp:101", "epp:100"),
				ch("HeadTeachers", "epp:100", "epp:101")), "030201/F")),
			insertAfter(lsusync.KindBilan, "1001/2025-T1", updatedBilan("3EME2", "1001/2025-T2",
				ch("Acquis[020700/S].Teachers", "epp:100", "epp:101"),
				ch("Acquis[061300/S].Teachers", "epp:101", "epp:100"),
				ch("Acquis[030201/S]", "", "030201 ANGLAIS LV1"),
				ch("HeadTeachers", "epp:100", "epp:101"))),
			set(updatedBilan("3EME2", "2001/2025-T1", ch("Acquis[030201/S]", "", "030201 ANGLAIS LV1"))),
			set(updatedBilan("3EME2", "2001/2025-T2", ch("Acquis[030201/S]", "", "030201 ANGLAIS LV1"))),
		},
	},
	{
		name:    "a pupil whose new class is not synchronised stays, with a line saying where they are",
		classes: []string{"3EME1"},
		source: func(s *memory.Source) {
			c1, c2 := class(s, "3EME1"), class(s, "3EME2")
			moved := c1.Enrolments[1]
			moved.Student.Class = "3EME2"
			c1.Enrolments = c1.Enrolments[:1]
			c2.Enrolments = append(c2.Enrolments, moved)
		},
		items: []edit{
			set(item(lsusync.StatusWarning, lsusync.KindStudent, lsusync.ActionGone, "3EME1", "1002", ch("Class", "3EME1", "3EME2"))),
			drop(lsusync.KindBilan, "1002/2025-T1"),
			drop(lsusync.KindBilan, "1002/2025-T2"),
			drop(lsusync.KindClass, "3EME2"),
			drop(lsusync.KindStudent, "2001"),
			drop(lsusync.KindBilan, "2001/2025-T1"),
			drop(lsusync.KindBilan, "2001/2025-T2"),
		},
	},
	{
		name: "a class new in the source is reported, not synchronised, and blocks nothing",
		source: func(s *memory.Source) {
			s.Classes = append(s.Classes, lsusync.ClassData{Code: "3EME3", Label: "3EME 3",
				Enrolments: []lsusync.Enrolment{{Student: lsusync.Student{ID: "3001", Class: "3EME3", LastName: "NOUVELLE"}}}})
			class(s, "3EME1").Label = "3E1 EUROPE"
		},
		after: func(s *lsusync.Snapshot) { s.Classes[0].Label = "3E1 EUROPE" },
		items: []edit{
			set(item(lsusync.StatusSuccess, lsusync.KindClass, lsusync.ActionUpdated, "3EME1", "3EME1",
				ch("Label", "3EME 1", "3E1 EUROPE"))),
			insertAfter(lsusync.KindBilan, "2001/2025-T2",
				item(lsusync.StatusWarning, lsusync.KindClass, lsusync.ActionNotInStore, "3EME3", "3EME3")),
		},
	},
	{
		name: "content survives a change of a subject's teachers",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Services[0].Teachers = keys(epp102)
			c.Services[1].Teachers = keys(epp101, epp100) // co-teaching, in any order
		},
		after: func(s *lsusync.Snapshot) {
			for _, id := range []string{"1001", "1002"} {
				for _, p := range []lsusync.Period{t1, t2} {
					b := bilan(s, id, p)
					b.Acquis[0].Teachers = keys(epp102)
					b.Acquis[1].Teachers = keys(epp100, epp101)
				}
			}
		},
		items: func() []edit {
			var e []edit
			for _, k := range []string{"1001/2025-T1", "1001/2025-T2", "1002/2025-T1", "1002/2025-T2"} {
				e = append(e, set(updatedBilan("3EME1", k,
					ch("Acquis[020700/S].Teachers", "epp:100", "epp:102"),
					ch("Acquis[061300/S].Teachers", "epp:101", "epp:100, epp:101"))))
			}
			return e
		}(),
	},
	{
		name:   "removed subject: kept with content, removed when empty",
		source: func(s *memory.Source) { c := class(s, "3EME1"); c.Services = slices.Delete(c.Services, 1, 2) },
		after: func(s *lsusync.Snapshot) {
			b := bilan(s, "1001", t2)
			b.Acquis = slices.Delete(b.Acquis, 1, 2)
			b = bilan(s, "1002", t2)
			b.Acquis = slices.Delete(b.Acquis, 1, 2)
		},
		items: []edit{
			set(keptSubjects(unchanged(lsusync.KindBilan, "3EME1", "1001/2025-T1"), "061300/S")),
			set(updatedBilan("3EME1", "1001/2025-T2", ch("Acquis[061300/S]", "061300 MATHEMATIQUES", ""))),
			set(keptSubjects(unchanged(lsusync.KindBilan, "3EME1", "1002/2025-T1"), "061300/S")),
			set(updatedBilan("3EME1", "1002/2025-T2", ch("Acquis[061300/S]", "061300 MATHEMATIQUES", ""))),
		},
	},
	{
		name: "subjects matched by code: label and modality updated",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Services[0].Subject.Label = "FRANÇAIS"
			c.Services[1].Subject.Modality = "O"
			c.Services[2].Subject.Label = "" // an empty label never erases
		},
		after: func(s *lsusync.Snapshot) {
			for _, id := range []string{"1001", "1002"} {
				for _, p := range []lsusync.Period{t1, t2} {
					b := bilan(s, id, p)
					b.Acquis[0].Subject.Label = "FRANÇAIS"
					b.Acquis[1].Subject.Modality = "O"
				}
			}
		},
		items: func() []edit {
			var e []edit
			for _, k := range []string{"1001/2025-T1", "1001/2025-T2", "1002/2025-T1", "1002/2025-T2"} {
				e = append(e, set(updatedBilan("3EME1", k,
					ch("Acquis[020700/S].Label", "FRANCAIS", "FRANÇAIS"),
					ch("Acquis[061300/O].Modality", "S", "O"))))
			}
			return e
		}(),
	},
	{
		name: "new subject added to every direct-entry bilan of the class",
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Services = append(c.Services, lsusync.Service{Subject: anglais, Teachers: keys(epp101)})
		},
		after: func(s *lsusync.Snapshot) {
			for _, id := range []string{"1001", "1002"} {
				for _, p := range []lsusync.Period{t1, t2} {
					b := bilan(s, id, p)
					b.Acquis = append(b.Acquis, acq(anglais, epp101))
				}
			}
		},
		items: func() []edit {
			var e []edit
			for _, k := range []string{"1001/2025-T1", "1001/2025-T2", "1002/2025-T1", "1002/2025-T2"} {
				e = append(e, set(updatedBilan("3EME1", k, ch("Acquis[030201/S]", "", "030201 ANGLAIS LV1"))))
			}
			return e
		}(),
	},
	{
		name: "group services reach only the group's pupils",
		source: func(s *memory.Source) {
			c1, c2 := class(s, "3EME1"), class(s, "3EME2")
			// A new group of 3EME1, of pupil 1002 only.
			c1.Services = append(c1.Services, lsusync.Service{Subject: latin, Group: "3LAT", Teachers: keys(epp101)})
			c1.Enrolments[1].Groups = []string{"3LAT"}
			// 1001 belongs to a group with no service: nothing.
			c1.Enrolments[0].Groups = append(c1.Enrolments[0].Groups, "3CHO")
			// The group spanning both divisions changes teacher: it
			// reaches 1001, not 2001 of 3EME2, who is not in it.
			c1.Services[2].Teachers = keys(epp101)
			c2.Services[2].Teachers = keys(epp101)
		},
		after: func(s *lsusync.Snapshot) {
			for _, p := range []lsusync.Period{t1, t2} {
				bilan(s, "1001", p).Acquis[2].Teachers = keys(epp101)
				b := bilan(s, "1002", p)
				b.Acquis = append(b.Acquis, acq(latin, epp101))
			}
		},
		items: []edit{
			set(updatedBilan("3EME1", "1001/2025-T1", ch("Acquis[030602/O].Teachers", "epp:102", "epp:101"))),
			set(updatedBilan("3EME1", "1001/2025-T2", ch("Acquis[030602/O].Teachers", "epp:102", "epp:101"))),
			set(updatedBilan("3EME1", "1002/2025-T1", ch("Acquis[020200/F]", "", "020200 LATIN"))),
			set(updatedBilan("3EME1", "1002/2025-T2", ch("Acquis[020200/F]", "", "020200 LATIN"))),
		},
	},
	{
		name: "expired professeur principal ignored, end date today or later kept",
		source: func(s *memory.Source) {
			class(s, "3EME1").HeadTeachers = []lsusync.HeadTeacher{
				{Teacher: epp100, Start: date(2025, 9, 1), End: date(2025, 11, 27)},
				{Teacher: epp102, Start: date(2025, 11, 27), End: date(2026, 7, 4)},
				{Teacher: epp101, End: date(2025, 11, 28)},
			}
		},
		after: func(s *lsusync.Snapshot) {
			for _, id := range []string{"1001", "1002"} {
				for _, p := range []lsusync.Period{t1, t2} {
					bilan(s, id, p).HeadTeachers = keys(epp101, epp102)
				}
			}
		},
		items: func() []edit {
			var e []edit
			for _, k := range []string{"1001/2025-T1", "1001/2025-T2", "1002/2025-T1", "1002/2025-T2"} {
				e = append(e, set(updatedBilan("3EME1", k, ch("HeadTeachers", "epp:100", "epp:101, epp:102"))))
			}
			return e
		}(),
	},
	{
		name: "every professeur principal expired: the stored ones are kept",
		source: func(s *memory.Source) {
			class(s, "3EME1").HeadTeachers = []lsusync.HeadTeacher{{Teacher: epp100, End: date(2025, 6, 30)}}
		},
		items: func() []edit {
			var e []edit
			for _, k := range []string{"1001/2025-T1", "1001/2025-T2", "1002/2025-T1", "1002/2025-T2"} {
				e = append(e, set(withKept(unchanged(lsusync.KindBilan, "3EME1", k), "HeadTeachers")))
			}
			return e
		}(),
	},
	{
		name: "locked and imported bilans unchanged to the last field",
		store: func(s *lsusync.Snapshot) {
			bilan(s, "1001", t1).Locked = true
			b := bilan(s, "1002", t2)
			b.Imported = true
			b.Acquis[0].Teachers = keys(epp101) // as the other software sent it
			b.HeadTeachers = nil
		},
		source: func(s *memory.Source) {
			c := class(s, "3EME1")
			c.Services[0].Teachers = keys(epp102)
			c.Services = append(c.Services, lsusync.Service{Subject: anglais, Teachers: keys(epp101)})
			c.HeadTeachers = []lsusync.HeadTeacher{{Teacher: epp101}}
		},
		after: func(s *lsusync.Snapshot) {
			for _, b := range []*lsusync.Bilan{bilan(s, "1001", t2), bilan(s, "1002", t1)} {
				b.Acquis[0].Teachers = keys(epp102)
				b.Acquis = append(b.Acquis, acq(anglais, epp101))
				b.HeadTeachers = keys(epp101)
			}
		},
		items: func() []edit {
			changes := []lsusync.Change{
				ch("Acquis[020700/S].Teachers", "epp:100", "epp:102"),
				ch("Acquis[030201/S]", "", "030201 ANGLAIS LV1"),
				ch("HeadTeachers", "epp:100", "epp:101"),
			}
			return []edit{
				set(item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionLocked, "3EME1", "1001/2025-T1")),
				set(updatedBilan("3EME1", "1001/2025-T2", changes...)),
				set(updatedBilan("3EME1", "1002/2025-T1", changes...)),
				set(item(lsusync.StatusSuccess, lsusync.KindBilan, lsusync.ActionImported, "3EME1", "1002/2025-T2")),
			}
		}(),
	},
	{
		name:    "only the selected classes; the establishment and teachers always",
		classes: []string{"3EME2"},
		source: func(s *memory.Source) {
			s.School.Name = "COLLÈGE JEAN MOULIN"
			class(s, "3EME1").Label = "3E1 EUROPE"
			class(s, "3EME1").Services[0].Teachers = keys(epp102)
			class(s, "3EME2").Label = "3E2 SPORT"
		},
		after: func(s *lsusync.Snapshot) {
			s.Establishment.Name = "COLLÈGE JEAN MOULIN"
			s.Classes[1].Label = "3E2 SPORT"
		},
		items: []edit{
			set(item(lsusync.StatusSuccess, lsusync.KindEstablishment, lsusync.ActionUpdated, "", uai,
				ch("Name", "COLLEGE JEAN MOULIN", "COLLÈGE JEAN MOULIN"))),
			drop(lsusync.KindClass, "3EME1"),
			drop(lsusync.KindStudent, "1001"),
			drop(lsusync.KindStudent, "1002"),
			drop(lsusync.KindBilan, "1001/2025-T1"),
			drop(lsusync.KindBilan, "1001/2025-T2"),
			drop(lsusync.KindBilan, "1002/2025-T1"),
			drop(lsusync.KindBilan, "1002/2025-T2"),
			set(item(lsusync.StatusSuccess, lsusync.KindClass, lsusync.ActionUpdated, "3EME2", "3EME2",
				ch("Label", "3EME 2", "3E2 SPORT"))),
		},
	},
	{
		name: "stored class absent from the source: kept and reported",
		store: func(s *lsusync.Snapshot) {
			s.Classes = append(s.Classes, lsusync.Class{Code: "5EME9", Label: "5EME 9", Periods: []lsusync.Period{t1}})
			s.Students = append(s.Students, lsusync.Student{ID: "5001", Class: "5EME9", LastName: "ANCIEN"})
			s.Bilans = append(s.Bilans, lsusync.Bilan{Student: "5001", Period: t1, Acquis: []lsusync.Acquis{acq(francais)}})
		},
		items: []edit{insertAfter(lsusync.KindBilan, "2001/2025-T2",
			item(lsusync.StatusWarning, lsusync.KindClass, lsusync.ActionNotInSource, "5EME9", "5EME9"))},
	},
}

func rejected(it lsusync.Item, field, reason string, others ...string) lsusync.Item {
	it.Rejected = append(it.Rejected, lsusync.Rejection{Field: field, Reason: reason, Others: others})
	it.Status = lsusync.StatusWarning
	return it
}

func keptSubjects(it lsusync.Item, codes ...string) lsusync.Item {
	it.KeptSubjects = codes
	it.Status = lsusync.StatusWarning
	return it
}

// worst returns the worst status of items.
func worst(items []lsusync.Item) lsusync.Status {
	s := lsusync.StatusSuccess
	for _, it := range items {
		s = max(s, it.Status)
	}
	return s
}

// TestScenarios runs each rule of docs/rules.md as a scenario, through
// both write paths (Apply per class, and a Batch), and checks the store
// after the sync, the report, the dry run (same report, nothing written)
// and a second run (nothing written, nothing updated).
func TestScenarios(t *testing.T) {
	for _, tc := range scenarios {
		for _, mode := range storeModes {
			t.Run(tc.name+"/"+mode.name, func(t *testing.T) {
				t.Parallel()
				before := fixtureStore()
				want := fixtureStore()
				if tc.store != nil {
					tc.store(&before)
					tc.store(&want)
				}
				if tc.after != nil {
					tc.after(&want)
				}
				before, want = sortedSnapshot(before), sortedSnapshot(want)
				src := fixtureSource()
				if tc.source != nil {
					tc.source(src)
				}
				wantItems := baseItems()
				for _, e := range tc.items {
					wantItems = e(t, wantItems)
				}
				classes := tc.classes
				if classes == nil {
					classes = []string{"3EME1", "3EME2"}
				}
				wantReport := &lsusync.Report{Classes: classes, Status: worst(wantItems), Items: wantItems}
				changes := slices.ContainsFunc(wantItems, func(it lsusync.Item) bool {
					return it.Action == lsusync.ActionUpdated || it.Action == lsusync.ActionAdded || it.Action == lsusync.ActionMoved
				})
				ctx := context.Background()

				// The dry run: the same report, nothing written.
				mem := newStore(t, before)
				cs := &countingStore{Store: mem}
				dry := lsusync.New(src, mode.wrap(cs), lsusync.Options{DryRun: true, Now: fixedNow})
				rep, err := dry.Sync(ctx, tc.classes...)
				require.NoError(t, err)
				wantDry := *wantReport
				wantDry.DryRun = true
				if diff := cmp.Diff(&wantDry, rep, reportOpts); diff != "" {
					t.Errorf("dry run report (-want +got):\n%s", diff)
				}
				if n := cs.counts(); n.writes() != 0 || n.BeginBatch != 0 {
					t.Errorf("dry run wrote: %+v", n)
				}
				if diff := cmp.Diff(before, mem.Snapshot()); diff != "" {
					t.Errorf("dry run changed the store (-want +got):\n%s", diff)
				}

				// The sync.
				s := lsusync.New(src, mode.wrap(cs), lsusync.Options{Now: fixedNow, Concurrency: 2})
				rep, err = s.Sync(ctx, tc.classes...)
				require.NoError(t, err)
				if diff := cmp.Diff(wantReport, rep, reportOpts); diff != "" {
					t.Errorf("report (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(want, mem.Snapshot()); diff != "" {
					t.Errorf("store after the sync (-want +got):\n%s", diff)
				}
				n := cs.counts()
				if changes != (n.writes() > 0) {
					t.Errorf("changes reported: %v, but write calls: %+v", changes, n)
				}
				if mode.name == "batch" {
					wantN := writeCounts{BeginBatch: 1, BatchApply: n.BatchApply, Discard: 1}
					if changes {
						wantN = writeCounts{BeginBatch: 1, BatchApply: n.BatchApply, Commit: 1}
					}
					if diff := cmp.Diff(wantN, n); diff != "" {
						t.Errorf("batch calls (-want +got):\n%s", diff)
					}
				}

				// Rule 7: a second sync writes nothing and updates
				// nothing; what was a warning stays one.
				*cs = countingStore{Store: mem}
				rep, err = s.Sync(ctx, tc.classes...)
				require.NoError(t, err)
				if n := cs.counts(); n.writes() != 0 {
					t.Errorf("second sync wrote: %+v", n)
				}
				for _, it := range rep.Items {
					switch {
					case it.Action == lsusync.ActionUpdated, it.Action == lsusync.ActionAdded, it.Action == lsusync.ActionMoved,
						len(it.Changes) > 0 && it.Action != lsusync.ActionGone: // a gone pupil's Class names where they are
						t.Errorf("second sync: %s %s: %s %v", it.Kind, it.Key, it.Action, it.Changes)
					}
				}
				if diff := cmp.Diff(want, mem.Snapshot()); diff != "" {
					t.Errorf("second sync changed the store (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestSecondSyncReportsEverythingUnchanged checks rule 7 of docs/rules.md exactly: after a
// sync with changes, the same sync again calls no write method (a Batcher
// store sees one BeginBatch and its Discard, and no Apply or Commit) and
// reports every item as already up to date.
func TestSecondSyncReportsEverythingUnchanged(t *testing.T) {
	for _, mode := range storeModes {
		t.Run(mode.name, func(t *testing.T) {
			src := fixtureSource()
			src.School.Name = "COLLÈGE JEAN MOULIN"
			src.Staff[2].FirstName = "Ana María"
			c := class(src, "3EME1")
			c.Label = "3E1 EUROPE"
			c.Services[0].Teachers = keys(epp102)
			c.Enrolments[1].Student.LastName = "LEROY-MARCHAND"
			c.Enrolments = append(c.Enrolments, lsusync.Enrolment{Student: lsusync.Student{ID: "1003", Class: "3EME1"}})
			mem := newStore(t, fixtureStore())
			cs := &countingStore{Store: mem}
			s := lsusync.New(src, mode.wrap(cs), lsusync.Options{Now: fixedNow})
			ctx := context.Background()
			_, err := s.Sync(ctx)
			require.NoError(t, err)
			first := mem.Snapshot()

			*cs = countingStore{Store: mem}
			rep, err := s.Sync(ctx)
			require.NoError(t, err)
			wantItems := insertAfter(lsusync.KindStudent, "1002", unchanged(lsusync.KindStudent, "3EME1", "1003"))(t, baseItems())
			wantItems = insertAfter(lsusync.KindBilan, "1002/2025-T2", unchanged(lsusync.KindBilan, "3EME1", "1003/2025-T1"))(t, wantItems)
			wantItems = insertAfter(lsusync.KindBilan, "1003/2025-T1", unchanged(lsusync.KindBilan, "3EME1", "1003/2025-T2"))(t, wantItems)
			want := &lsusync.Report{Classes: []string{"3EME1", "3EME2"}, Items: wantItems}
			if diff := cmp.Diff(want, rep, reportOpts); diff != "" {
				t.Errorf("second report (-want +got):\n%s", diff)
			}
			wantN := writeCounts{}
			if mode.name == "batch" {
				wantN = writeCounts{BeginBatch: 1, Discard: 1}
			}
			if diff := cmp.Diff(wantN, cs.counts()); diff != "" {
				t.Errorf("calls of the second sync (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(first, mem.Snapshot()); diff != "" {
				t.Errorf("second sync changed the store (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(lsusync.Counts{Unchanged: len(wantItems)}, rep.Counts()); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRefusals checks the refusals of rules 1 and 2: no report, the typed
// error naming every culprit, and nothing written.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name     string
		classes  []string
		store    func(*lsusync.Snapshot)
		source   func(*memory.Source)
		want     error
		sentinel error
	}{
		{
			name:     "unknown classes, all named",
			classes:  []string{"3EME1", "6EME4", "3EME1", "6EME5"},
			want:     &lsusync.ClassesError{Err: lsusync.ErrUnknownClass, Classes: []string{"6EME4", "6EME5"}, Known: []string{"3EME1", "3EME2"}},
			sentinel: lsusync.ErrUnknownClass,
		},
		{
			name: "periods missing, every class named",
			store: func(s *lsusync.Snapshot) {
				s.Classes[0].Periods = nil
				s.Classes[1].Periods = []lsusync.Period{}
			},
			source: func(s *memory.Source) {
				s.School.Name = "AUTRE NOM"                                     // would be written if the sync started
				s.Classes = append(s.Classes, lsusync.ClassData{Code: "4EME1"}) // new: blocks nothing
			},
			want:     &lsusync.ClassesError{Err: lsusync.ErrPeriodsNotConfigured, Classes: []string{"3EME1", "3EME2"}},
			sentinel: lsusync.ErrPeriodsNotConfigured,
		},
		{
			name:     "periods missing for a selected class",
			classes:  []string{"3EME2", "3EME1"},
			store:    func(s *lsusync.Snapshot) { s.Classes[0].Periods = nil },
			want:     &lsusync.ClassesError{Err: lsusync.ErrPeriodsNotConfigured, Classes: []string{"3EME1"}},
			sentinel: lsusync.ErrPeriodsNotConfigured,
		},
		{
			name:     "periods missing for a class that is not selected: LSU refuses every sync",
			classes:  []string{"3EME2"},
			store:    func(s *lsusync.Snapshot) { s.Classes[0].Periods = nil },
			want:     &lsusync.ClassesError{Err: lsusync.ErrPeriodsNotConfigured, Classes: []string{"3EME1"}},
			sentinel: lsusync.ErrPeriodsNotConfigured,
		},
		{
			name: "periods missing for a stored class the source no longer has",
			store: func(s *lsusync.Snapshot) {
				s.Classes = append(s.Classes, lsusync.Class{Code: "2NDE1", Label: "Seconde 1"})
			},
			want:     &lsusync.ClassesError{Err: lsusync.ErrPeriodsNotConfigured, Classes: []string{"2NDE1"}},
			sentinel: lsusync.ErrPeriodsNotConfigured,
		},
		{
			name:     "wrong establishment",
			source:   func(s *memory.Source) { s.School.UAI = "0750002B"; s.School.Name = "AUTRE COLLEGE" },
			want:     &lsusync.EstablishmentError{Source: "0750002B", Store: uai},
			sentinel: lsusync.ErrWrongEstablishment,
		},
		{
			name:     "UAI compared exactly",
			source:   func(s *memory.Source) { s.School.UAI = "0750001a" },
			want:     &lsusync.EstablishmentError{Source: "0750001a", Store: uai},
			sentinel: lsusync.ErrWrongEstablishment,
		},
		{
			name:     "source without UAI",
			source:   func(s *memory.Source) { s.School.UAI = "" },
			want:     &lsusync.EstablishmentError{Source: "", Store: uai},
			sentinel: lsusync.ErrWrongEstablishment,
		},
		{
			name:     "teacher listed twice by the source",
			source:   func(s *memory.Source) { s.Staff = append(s.Staff, s.Staff[0]) },
			sentinel: lsusync.ErrInvalid,
		},
	}
	for _, tc := range tests {
		for _, mode := range storeModes {
			t.Run(tc.name+"/"+mode.name, func(t *testing.T) {
				before := fixtureStore()
				if tc.store != nil {
					tc.store(&before)
				}
				before = sortedSnapshot(before)
				src := fixtureSource()
				if tc.source != nil {
					tc.source(src)
				}
				mem := newStore(t, before)
				cs := &countingStore{Store: mem}
				rep, err := lsusync.New(src, mode.wrap(cs), lsusync.Options{Now: fixedNow}).Sync(context.Background(), tc.classes...)
				if rep != nil {
					t.Errorf("Sync returned a report: %v", rep)
				}
				if !errors.Is(err, tc.sentinel) {
					t.Fatalf("Sync error = %v, want one matching %v", err, tc.sentinel)
				}
				switch want := tc.want.(type) {
				case *lsusync.ClassesError:
					var got *lsusync.ClassesError
					require.ErrorAs(t, err, &got)
					if diff := cmp.Diff(*want, *got, reportOpts); diff != "" {
						t.Errorf("error (-want +got):\n%s", diff)
					}
				case *lsusync.EstablishmentError:
					var got *lsusync.EstablishmentError
					require.ErrorAs(t, err, &got)
					if diff := cmp.Diff(*want, *got); diff != "" {
						t.Errorf("error (-want +got):\n%s", diff)
					}
				}
				if n := cs.counts(); n.writes() != 0 {
					t.Errorf("refused sync wrote: %+v", n)
				}
				if diff := cmp.Diff(before, mem.Snapshot()); diff != "" {
					t.Errorf("refused sync changed the store (-want +got):\n%s", diff)
				}
			})
		}
	}
}
