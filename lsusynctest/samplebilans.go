package lsusynctest

import (
	"fmt"
	"slices"
	"time"

	"github.com/lsusync/lsusync"
)

// The SampleBilans checks store the bilans of SampleSnapshot, which hold
// what a real import file gives, and read them back (Seed); then
// synchronise them from exports in which other teachers teach their
// subjects (Sync): the teachers change, and nothing of the content.

var (
	// sampleNow is the synchronizer's clock in the Sync check: during the
	// school year 2015-2016, before any professeur principal's end date.
	sampleNow = time.Date(2016, time.March, 14, 12, 0, 0, 0, time.UTC)

	// sampleOptionGroup is the group in which pupil 1 of 6EME_4 follows
	// English as an option facultative.
	sampleOptionGroup = "6_ANG_F"

	// The teachers of the exports who are not in the sample, one or two
	// per subject of the sample.
	yourcenarKey = teacherKey(lsusync.TypeEPP, "223401")
	woolfKey     = teacherKey(lsusync.TypeEPP, "223402")
	dickensKey   = teacherKey(lsusync.TypeEPP, "223403")
	lovelaceKey  = teacherKey(lsusync.TypeEPP, "223404")
	monodKey     = teacherKey(lsusync.TypeEPP, "223405")
	carsonKey    = teacherKey(lsusync.TypeEPP, "223406")
	langevinKey  = teacherKey(lsusync.TypeEPP, "223407")
	hopperKey    = teacherKey(lsusync.TypeEPP, "223408")
	blochKey     = teacherKey(lsusync.TypeEPP, "223409")
	perecKey     = teacherKey(lsusync.TypeEPP, "223410")
	delaunayKey  = teacherKey(lsusync.TypeLocal, "223411")
	boulangerKey = teacherKey(lsusync.TypeEPP, "223412")
)

// sampleNewTeachers returns the teachers of the exports whom the sample
// does not have.
func sampleNewTeachers() []lsusync.Teacher {
	return []lsusync.Teacher{
		{Key: yourcenarKey, Civility: lsusync.Madame, LastName: "YOURCENAR", FirstName: "Marguerite"},
		{Key: woolfKey, Civility: lsusync.Madame, LastName: "WOOLF", FirstName: "Virginia"},
		{Key: dickensKey, Civility: lsusync.Monsieur, LastName: "DICKENS", FirstName: "Charles"},
		{Key: lovelaceKey, Civility: lsusync.Madame, LastName: "LOVELACE", FirstName: "Ada"},
		{Key: monodKey, Civility: lsusync.Monsieur, LastName: "MONOD", FirstName: "Théodore"},
		{Key: carsonKey, Civility: lsusync.Madame, LastName: "CARSON", FirstName: "Rachel"},
		{Key: langevinKey, Civility: lsusync.Monsieur, LastName: "LANGEVIN", FirstName: "Paul"},
		{Key: hopperKey, Civility: lsusync.Madame, LastName: "HOPPER", FirstName: "Grace"},
		{Key: blochKey, Civility: lsusync.Monsieur, LastName: "BLOCH", FirstName: "Marc"},
		{Key: perecKey, Civility: lsusync.Madame, LastName: "PÉREC", FirstName: "Marie-José"},
		{Key: delaunayKey, Civility: lsusync.Madame, LastName: "DELAUNAY", FirstName: "Sonia"},
		{Key: boulangerKey, Civility: lsusync.Madame, LastName: "BOULANGER", FirstName: "Nadia"},
	}
}

// sampleDivisionServices returns the services of the division of each
// class of the exports: every subject of the sample as tronc commun, each
// taught by other teachers than in the sample; SVT by two. A subject of
// the exports has no national code: that one is the store's.
func sampleDivisionServices() []lsusync.Service {
	service := func(s lsusync.Subject, teachers ...lsusync.TeacherKey) lsusync.Service {
		s.NationalCode = ""
		return lsusync.Service{Subject: s, Teachers: teachers}
	}
	return []lsusync.Service{
		service(di020700, yourcenarKey),
		service(di030201, woolfKey),
		service(di061300, lovelaceKey),
		service(di062900, monodKey, carsonKey),
		service(di062300, langevinKey),
		service(di070800, hopperKey),
		service(di042100, blochKey),
		service(di100100, perecKey),
		service(di090100, delaunayKey),
		service(di081300, boulangerKey),
	}
}

// sampleOptionService returns the service of English in the option
// group: STS-Web gives it the class's modalité, S, and the pupil's option
// (030201, F) makes it their English as an option facultative (rule 6).
func sampleOptionService() lsusync.Service {
	return lsusync.Service{Subject: di030201, Group: sampleOptionGroup, Teachers: []lsusync.TeacherKey{dickensKey}}
}

// sampleHeadTeachers returns the professeurs principaux of a class in the
// exports, all current on sampleNow.
func sampleHeadTeachers(class string) []lsusync.HeadTeacher {
	if class == sample3e2 {
		return []lsusync.HeadTeacher{{Teacher: sandKey}}
	}
	return []lsusync.HeadTeacher{
		{Teacher: shelleyKey, Start: date(2015, time.September, 1), End: date(2016, time.July, 5)},
		{Teacher: yourcenarKey, Start: date(2015, time.September, 1)},
	}
}

// sampleHeadKeys returns the keys of the professeurs principaux of a
// class in the exports.
func sampleHeadKeys(class string) []lsusync.TeacherKey {
	var keys []lsusync.TeacherKey
	for _, h := range sampleHeadTeachers(class) {
		keys = append(keys, h.Teacher)
	}
	return keys
}

// newSampleSource returns the exports the Sync check synchronises from:
// the sample's establishment, its teachers of the types LSU accepts and
// the new ones, its classes with their pupils, the services of the
// sample's subjects and the professeurs principaux. Pupil 1 of 6EME_4 is
// in the option group, with the option 030201 F: they keep both English
// acquis, S from the division's service and F from the group's.
func newSampleSource() *syncSource {
	s := SampleSnapshot()
	src := &syncSource{est: s.Establishment}
	for _, t := range s.Teachers {
		if t.Key.Accepted() {
			src.teachers = append(src.teachers, t)
		}
	}
	src.teachers = append(src.teachers, sampleNewTeachers()...)
	for _, c := range s.Classes {
		data := lsusync.ClassData{Code: c.Code, Label: c.Label, Services: sampleDivisionServices(),
			HeadTeachers: sampleHeadTeachers(c.Code)}
		if c.Code == sample6e4 {
			data.Services = append(data.Services, sampleOptionService())
		}
		for _, st := range s.Students {
			if st.Class != c.Code {
				continue
			}
			e := lsusync.Enrolment{Student: st}
			if st.ID == sampleEL01 {
				e.Groups = []string{sampleOptionGroup}
				e.Options = []lsusync.SubjectKey{{Code: di030602.Code, Modality: di030602.Modality}}
			}
			data.Enrolments = append(data.Enrolments, e)
		}
		src.classes = append(src.classes, data)
	}
	return src
}

// sampleSubjects returns the subjects a pupil follows in the exports,
// each with its teachers: the division's, and for pupil 1 English as an
// option facultative.
func sampleSubjects(pupil string) []lsusync.Service {
	ss := sampleDivisionServices()
	if pupil == sampleEL01 {
		o := sampleOptionService()
		o.Subject.Modality = di030602.Modality
		ss = append(ss, o)
	}
	return ss
}

// sampleSynced returns what a store seeded with SampleSnapshot holds
// after the synchronisation from newSampleSource: the sample, with the
// new teachers; in each bilan, the exports' teachers for each acquis and
// the exports' professeurs principaux, and an empty acquis for each
// subject the sample's bilan lacks; and an empty bilan for each period of
// a pupil the sample gives none.
func sampleSynced() lsusync.Snapshot {
	s := SampleSnapshot()
	s.Teachers = append(s.Teachers, sampleNewTeachers()...)
	classOf := map[string]string{}
	for _, st := range s.Students {
		classOf[st.ID] = st.Class
	}
	synced := func(b *lsusync.Bilan) {
		b.HeadTeachers = sampleHeadKeys(classOf[b.Student])
		for _, sv := range sampleSubjects(b.Student) {
			i := slices.IndexFunc(b.Acquis, func(a lsusync.Acquis) bool { return a.Subject.Key() == sv.Subject.Key() })
			if i < 0 {
				b.Acquis = append(b.Acquis, lsusync.Acquis{Subject: sv.Subject})
				i = len(b.Acquis) - 1
			}
			b.Acquis[i].Teachers = sv.Teachers
		}
	}
	has := map[lsusync.BilanKey]bool{}
	for i := range s.Bilans {
		synced(&s.Bilans[i])
		has[s.Bilans[i].Key()] = true
	}
	for _, st := range s.Students {
		for _, p := range lsusync.Trimesters(2015) {
			if b := (lsusync.Bilan{Student: st.ID, Period: p}); !has[b.Key()] {
				synced(&b)
				s.Bilans = append(s.Bilans, b)
			}
		}
	}
	return s
}

func checkSampleBilans(e *env) {
	e.run("Seed", checkSampleSeed)
	e.run("Sync", checkSampleSync)
}

// checkSampleSeed reads back a store seeded with the sample's bilans.
func checkSampleSeed(e *env) {
	st := e.newStore(SampleSnapshot())
	e.expectContent(st, SampleSnapshot(), "after seeding the bilans of the sample import file")
}

// checkSampleSync synchronises a store seeded with the sample's bilans
// from exports in which other teachers teach every subject: the sync
// updates the teachers of every bilan and adds the new teachers and the
// missing bilans; every field of the bilans' content, and each subject's
// national code, is as the sample gives it.
func checkSampleSync(e *env) {
	seed := SampleSnapshot()
	st := e.newStore(SampleSnapshot())
	syncer := lsusync.New(newSampleSource(), st, lsusync.Options{Now: func() time.Time { return sampleNow }})
	rep, err := syncer.Sync(e.ctx)
	if err != nil {
		e.r.Fatalf("Sync of the sample's bilans: %v", err)
	}
	if err := rep.Err(); err != nil {
		e.r.Fatalf("Sync of the sample's bilans reported errors: %v", err)
	}
	// The sample's five bilans get the exports' teachers; pupil 2's third
	// trimester and pupil 3's three are created.
	c := rep.Counts()
	type counts struct{ TeachersAdded, TeachersUpdated, StudentsUpdated, BilansUpdated, BilansAdded, Warnings int }
	if d := diff(counts{TeachersAdded: len(sampleNewTeachers()), BilansUpdated: len(seed.Bilans), BilansAdded: 4},
		counts{c.TeachersAdded, c.TeachersUpdated, c.StudentsUpdated, c.BilansUpdated, c.BilansAdded, c.Warnings}); d != "" {
		e.r.Fatalf("Sync of the sample's bilans: report counts mismatch (-want +got):\n%s", d)
	}

	after := e.dump(st)
	ok := e.expectContentKept(seed, after, "after the Sync of the sample's bilans")
	classOf := map[string]string{}
	for _, s := range seed.Students {
		classOf[s.ID] = s.Class
	}
	for _, b := range after.Bilans {
		if !slices.ContainsFunc(seed.Bilans, func(s lsusync.Bilan) bool { return s.Key() == b.Key() }) {
			continue
		}
		if d := diff(sortKeys(sampleHeadKeys(classOf[b.Student])), sortKeys(slices.Clone(b.HeadTeachers))); d != "" {
			e.r.Errorf("after the Sync of the sample's bilans: bilan %s: the professeurs principaux are not the exports' (-want +got):\n%s",
				b.Key(), d)
			ok = false
		}
		subjects := sampleSubjects(b.Student)
		for _, a := range b.Acquis {
			i := slices.IndexFunc(subjects, func(s lsusync.Service) bool { return s.Subject.Key() == a.Subject.Key() })
			if i < 0 {
				continue // a subject the exports lack: the comparison below says it
			}
			if d := diff(sortKeys(slices.Clone(subjects[i].Teachers)), sortKeys(slices.Clone(a.Teachers))); d != "" {
				e.r.Errorf("after the Sync of the sample's bilans: bilan %s, acquis %s: the teachers are not the exports' (-want +got):\n%s",
					b.Key(), a.Subject.Key(), d)
				ok = false
			}
		}
	}
	// The rest: the records the Sync adds, and nothing else changed. Said
	// only when the above holds, which its diff would repeat.
	if ok {
		e.expectContent(st, sampleSynced(),
			fmt.Sprintf("after the Sync of the sample's bilans from exports with other teachers (on %s)", lsusync.DateOf(sampleNow)))
	}
}
