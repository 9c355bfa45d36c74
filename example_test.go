package lsusync_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// exampleStore is an LSU store of one class, 3EME1, with one pupil and
// her bilan of the first trimester; teacher epp:4189 teaches French.
func exampleStore() *memory.Store {
	t1 := lsusync.Period{Year: 2025, Index: 1, Count: 3}
	fr := lsusync.Subject{Code: "020700", Label: "FRANCAIS", Modality: "S"}
	st, err := memory.New(lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: "0750001A", Name: "COLLEGE JEAN MOULIN"},
		Teachers: []lsusync.Teacher{
			{Key: lsusync.TeacherKey{Type: "epp", ID: "4189"}, Civility: "M", LastName: "DURAND", FirstName: "Paul"},
		},
		Classes: []lsusync.Class{{Code: "3EME1", Label: "3EME 1", Periods: []lsusync.Period{t1}}},
		Students: []lsusync.Student{
			{ID: "1001", Class: "3EME1", LastName: "DUPONT", FirstName: "Marie"},
		},
		Bilans: []lsusync.Bilan{{
			Student: "1001", Period: t1,
			Acquis: []lsusync.Acquis{{
				Subject:      fr,
				Teachers:     []lsusync.TeacherKey{{Type: "epp", ID: "4189"}},
				Appreciation: "Bon trimestre.",
			}},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	return st
}

// exampleSource is the SIECLE and STS-Web data of the same establishment:
// Marie's name was corrected, a new pupil arrived, French is now taught
// by a new teacher, epp:4190, who is also the professeur principal.
func exampleSource() *memory.Source {
	fr := lsusync.Subject{Code: "020700", Label: "FRANCAIS", Modality: "S"}
	newTeacher := lsusync.TeacherKey{Type: "epp", ID: "4190"}
	return &memory.Source{
		Est: lsusync.Establishment{UAI: "0750001A", Name: "COLLÈGE JEAN MOULIN"},
		TeacherList: []lsusync.Teacher{
			{Key: lsusync.TeacherKey{Type: "epp", ID: "4189"}, Civility: "M", LastName: "DURAND", FirstName: "Paul"},
			{Key: newTeacher, Civility: "MME", LastName: "MARTIN", FirstName: "Claire"},
		},
		ClassList: []lsusync.ClassData{{
			Code:  "3EME1",
			Label: "3EME 1",
			Enrolments: []lsusync.Enrolment{
				{Student: lsusync.Student{ID: "1001", Class: "3EME1", LastName: "DUPOND", FirstName: "Marie"}},
				{Student: lsusync.Student{ID: "1002", Class: "3EME1", LastName: "LEROY", FirstName: "Hugo"}},
			},
			Services:     []lsusync.Service{{Subject: fr, Teachers: []lsusync.TeacherKey{newTeacher}}},
			HeadTeachers: []lsusync.HeadTeacher{{Teacher: newTeacher}},
		}},
	}
}

// A synchronisation of every class, and its report as LSU shows it. The
// report names the pupils by their class only.
func ExampleSynchronizer_Sync() {
	st := exampleStore()
	s := lsusync.New(exampleSource(), st, lsusync.Options{})
	rep, err := s.Sync(context.Background())
	if err != nil {
		log.Fatal(err) // the sync refused to start
	}
	fmt.Print(rep)

	// The French appreciation survived the change of teacher.
	b := st.Snapshot().Bilans[0]
	fmt.Println()
	fmt.Println(b.Acquis[0].Teachers, b.Acquis[0].Appreciation)
	// Output:
	// Synchronisation lancée pour : 3EME1
	//
	// Statut | Message
	// -------+--------------------------------------------
	// ✓      | L'établissement a bien été mis à jour
	// ✓      | L'enseignant (epp:4189) est déjà à jour.
	// ✓      | L'enseignant (epp:4190) a été ajouté.
	// ✓      | La classe 3EME1 est déjà à jour.
	// ✓      | L'élève (3EME1) a été mis à jour.
	// ✓      | L'élève (3EME1) a été ajouté.
	// ✓      | Le bilan d'un élève (3EME1, T1) a été mis à jour.
	//
	// La synchronisation s'est déroulée avec succès.
	//
	// [epp:4190] Bon trimestre.
}

// A dry run computes the same report, with the field-level changes, and
// writes nothing. The detailed rendering holds personal data.
func ExampleOptions_dryRun() {
	st := exampleStore()
	s := lsusync.New(exampleSource(), st, lsusync.Options{DryRun: true})
	rep, err := s.Sync(context.Background(), "3EME1")
	if err != nil {
		log.Fatal(err)
	}
	if err := rep.WriteDetails(os.Stdout); err != nil {
		log.Fatal(err)
	}
	fmt.Println()
	fmt.Println("Pupils in the store:", len(st.Snapshot().Students))
	// Output:
	// Simulation de la synchronisation pour : 3EME1
	// Aucune modification n'a été enregistrée.
	//
	// Statut | Message
	// -------+--------------------------------------------
	// ✓      | L'établissement serait mis à jour
	//        |     Établissement 0750001A
	//        |     Name: COLLEGE JEAN MOULIN → COLLÈGE JEAN MOULIN
	// ✓      | L'enseignant (epp:4189) est déjà à jour.
	//        |     Enseignant epp:4189
	// ✓      | L'enseignant (epp:4190) serait ajouté.
	//        |     Enseignant epp:4190
	// ✓      | La classe 3EME1 est déjà à jour.
	//        |     Classe 3EME1
	// ✓      | L'élève (3EME1) serait mis à jour.
	//        |     Élève 1001
	//        |     LastName: DUPONT → DUPOND
	// ✓      | L'élève (3EME1) serait ajouté.
	//        |     Élève 1002
	// ✓      | Le bilan d'un élève (3EME1, T1) serait mis à jour.
	//        |     Bilan 1001/2025-T1
	//        |     Acquis[020700].Teachers: epp:4189 → epp:4190
	//        |     HeadTeachers: (vide) → epp:4190
	//
	// La simulation s'est déroulée avec succès.
	//
	// Pupils in the store: 1
}

// errDiskFull is the error of classStore.
var errDiskFull = errors.New("disk full")

// classStore fails the changes of one class only.
type classStore struct {
	lsusync.Store
	fail string
}

func (s classStore) Apply(ctx context.Context, cs lsusync.ChangeSet) error {
	if cs.Class != nil && cs.Class.Code == s.fail || len(cs.Students) > 0 && cs.Students[0].Class == s.fail {
		return errDiskFull
	}
	return s.Store.Apply(ctx, cs)
}

// A class that fails is reported, and the others complete.
func ExampleReport_Err() {
	st := classStore{Store: exampleStore(), fail: "3EME1"}
	rep, err := lsusync.New(exampleSource(), st, lsusync.Options{}).Sync(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rep.Err())
	fmt.Println("disk full:", errors.Is(rep.Err(), errDiskFull))
	fmt.Printf("%+v\n", rep.Counts())
	// Output:
	// lsusync: class "3EME1": applying the changes: disk full
	// disk full: true
	// {Updated:1 Added:1 Unchanged:1 Warnings:0 Errors:1 Locked:0 Imported:0}
}

// A class whose periods are not configured in LSU cannot be synchronised:
// Sync refuses to start, names every such class, and writes nothing.
func Example_periodsNotConfigured() {
	st, err := memory.New(lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: "0750001A"},
		Classes:       []lsusync.Class{{Code: "3EME1"}}, // no period
	})
	if err != nil {
		log.Fatal(err)
	}
	src := &memory.Source{
		Est:       lsusync.Establishment{UAI: "0750001A"},
		ClassList: []lsusync.ClassData{{Code: "3EME1"}, {Code: "3EME2"}},
	}
	_, err = lsusync.New(src, st, lsusync.Options{}).Sync(context.Background())
	fmt.Println(err)
	fmt.Println(errors.Is(err, lsusync.ErrPeriodsNotConfigured))
	var ce *lsusync.ClassesError
	if errors.As(err, &ce) {
		fmt.Println(ce.Classes)
	}
	// Output:
	// lsusync: periods not configured: 3EME1, 3EME2
	// true
	// [3EME1 3EME2]
}

// A source from another establishment is refused.
func Example_wrongEstablishment() {
	src := exampleSource()
	src.Est.UAI = "0750002B"
	_, err := lsusync.New(src, exampleStore(), lsusync.Options{}).Sync(context.Background())
	fmt.Println(err)
	fmt.Println(errors.Is(err, lsusync.ErrWrongEstablishment))
	// Output:
	// lsusync: wrong establishment: source UAI "0750002B", store UAI "0750001A"
	// true
}

// A BilanTemplate makes the empty bilans of a class as a synchronisation
// keeps them: the division's subjects, the subjects of the pupil's groups,
// their teachers, and the professeurs principaux still in office.
func ExampleBilanTemplate() {
	epp := func(id string) lsusync.TeacherKey { return lsusync.TeacherKey{Type: "epp", ID: id} }
	today := lsusync.Date{Year: 2025, Month: 12, Day: 1}
	class := lsusync.ClassData{
		Code: "3EME1",
		Services: []lsusync.Service{
			{Subject: lsusync.Subject{Code: "020700", Label: "FRANCAIS"}, Teachers: []lsusync.TeacherKey{epp("4189")}},
			{Subject: lsusync.Subject{Code: "030602", Label: "ESPAGNOL LV2"}, Group: "3LV2ESP", Teachers: []lsusync.TeacherKey{epp("5120")}},
		},
		HeadTeachers: []lsusync.HeadTeacher{
			{Teacher: epp("4189")},
			{Teacher: epp("3001"), End: lsusync.Date{Year: 2025, Month: 10, Day: 31}}, // no longer PP
		},
	}
	tmpl := lsusync.NewBilanTemplate(class, today)
	pupil := lsusync.Enrolment{Student: lsusync.Student{ID: "1001", Class: "3EME1"}, Groups: []string{"3LV2ESP"}}
	b := tmpl.Bilan(pupil, lsusync.Period{Year: 2025, Index: 1, Count: 3})
	for _, a := range b.Acquis {
		fmt.Println(a.Subject.Code, a.Subject.Label, a.Teachers)
	}
	fmt.Println("PP:", b.HeadTeachers)
	// Output:
	// 020700 FRANCAIS [epp:4189]
	// 030602 ESPAGNOL LV2 [epp:5120]
	// PP: [epp:4189]
}
