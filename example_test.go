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
				Subject:       fr,
				Teachers:      []lsusync.TeacherKey{{Type: "epp", ID: "4189"}},
				AcquisContent: lsusync.AcquisContent{Appreciation: "Bon trimestre."},
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
		School: lsusync.Establishment{UAI: "0750001A", Name: "COLLÈGE JEAN MOULIN"},
		Staff: []lsusync.Teacher{
			{Key: lsusync.TeacherKey{Type: "epp", ID: "4189"}, Civility: "M", LastName: "DURAND", FirstName: "Paul"},
			{Key: newTeacher, Civility: "MME", LastName: "MARTIN", FirstName: "Claire"},
		},
		Classes: []lsusync.ClassData{{
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
	// Synchronisation base élèves
	//
	// Synchronisation lancée pour : 3EME1
	//
	// Statut | Message
	// -------+--------------------------------------------
	// ✓      | L'établissement a bien été mis à jour
	// ✓      | L'enseignant (epp:4190) a été ajouté.
	// ✓      | L'élève (3EME1) a été mis à jour.
	// ✓      | L'élève (3EME1) a été ajouté.
	// ✓      | Le bilan d'un élève (3EME1, T1) a été mis à jour.
	// ✓      | Le bilan d'un élève (3EME1, T1) a été créé.
	// ✓      | La synchronisation s'est déroulée avec succès.
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
	// Simulation de la synchronisation base élèves
	//
	// Simulation lancée pour : 3EME1
	// Aucune modification n'a été enregistrée.
	//
	// Statut | Message
	// -------+--------------------------------------------
	// ✓      | L'établissement serait mis à jour
	//        |     Établissement 0750001A
	//        |     nom : COLLEGE JEAN MOULIN → COLLÈGE JEAN MOULIN
	// ✓      | L'enseignant (epp:4190) serait ajouté.
	//        |     Enseignant Mme MARTIN Claire (epp:4190)
	// ✓      | L'élève (3EME1) serait mis à jour.
	//        |     Élève DUPOND Marie (1001)
	//        |     nom : DUPONT → DUPOND
	// ✓      | L'élève (3EME1) serait ajouté.
	//        |     Élève LEROY Hugo (1002)
	// ✓      | Le bilan d'un élève (3EME1, T1) serait mis à jour.
	//        |     Bilan 2025-T1 de DUPOND Marie (1001)
	//        |     enseignants de la matière 020700 (S) : M. DURAND Paul (epp:4189) → Mme MARTIN Claire (epp:4190)
	//        |     professeurs principaux : (vide) → Mme MARTIN Claire (epp:4190)
	// ✓      | Le bilan d'un élève (3EME1, T1) serait créé.
	//        |     Bilan 2025-T1 de LEROY Hugo (1002)
	// ✓      | La simulation s'est déroulée avec succès.
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
	c := rep.Counts()
	fmt.Println("errors:", c.Errors, "teachers added:", c.TeachersAdded)
	// Output:
	// lsusync: class "3EME1": applying the changes: disk full
	// disk full: true
	// errors: 1 teachers added: 1
}

// A class whose periods are not configured in LSU cannot be synchronised:
// Sync refuses to start, names every such class, and writes nothing.
func Example_periodsNotConfigured() {
	st, err := memory.New(lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: "0750001A"},
		Classes:       []lsusync.Class{{Code: "3EME1"}, {Code: "3EME2"}}, // no period
	})
	if err != nil {
		log.Fatal(err)
	}
	src := &memory.Source{
		School:  lsusync.Establishment{UAI: "0750001A"},
		Classes: []lsusync.ClassData{{Code: "3EME1"}, {Code: "3EME2"}},
	}
	// Every class of the establishment counts, even when only one is
	// selected.
	_, err = lsusync.New(src, st, lsusync.Options{}).Sync(context.Background(), "3EME1")
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

// A class that SIECLE has and LSU does not is not synchronised: the report
// says it must be set up. SetUpClass creates it with its periods, as LSU's
// period settings do, and the next sync fills it.
func ExampleSynchronizer_SetUpClass() {
	st := exampleStore()
	src := exampleSource()
	src.Classes = append(src.Classes, lsusync.ClassData{
		Code: "3EME2", Label: "3EME 2",
		Enrolments: []lsusync.Enrolment{{Student: lsusync.Student{ID: "2001", Class: "3EME2", LastName: "PETIT", FirstName: "Lina"}}},
	})
	s := lsusync.New(src, st, lsusync.Options{})
	ctx := context.Background()
	rep, err := s.Sync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range rep.Lines(lsusync.TextOptions{}) {
		if l.Status == lsusync.StatusWarning {
			fmt.Println(l.Message)
		}
	}

	class, err := s.SetUpClass(ctx, "3EME2", lsusync.Trimesters(2025))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("set up:", class.Code, class.Label, class.Periods)

	if rep, err = s.Sync(ctx, "3EME2"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(rep.Summary())
	// Output:
	// La classe 3EME2 existe dans la base élèves mais n'est pas paramétrée dans LSU : paramétrez ses périodes pour la synchroniser.
	// La synchronisation s'est déroulée avec succès, avec 1 avertissement.
	// set up: 3EME2 3EME 2 [T1 T2 T3]
	// Élèves : 0 mis à jour, 1 ajouté, 0 déplacé · Enseignants : 0 mis à jour, 0 ajouté · Bilans : 0 mis à jour, 3 créés · Avertissements : 0 · Erreurs : 0
}

// RefusalText says in French, as the lsusync command and an embedding
// screen show it, why a synchronisation did not start.
func ExampleRefusalText() {
	_, err := lsusync.New(exampleSource(), exampleStore(), lsusync.Options{}).Sync(context.Background(), "3eme 1")
	fmt.Println(lsusync.RefusalText(err))
	fmt.Println("detail:", err)
	// Output:
	// La classe 3eme 1 n'existe pas dans la base élèves. Vouliez-vous dire « 3EME1 » au lieu de « 3eme 1 » ? Classes de la base élèves : 3EME1. Aucune modification n'a été enregistrée.
	// detail: lsusync: unknown class: 3eme 1
}

// A source from another establishment is refused.
func Example_wrongEstablishment() {
	src := exampleSource()
	src.School.UAI = "0750002B"
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
