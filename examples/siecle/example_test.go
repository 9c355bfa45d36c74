package siecle_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/siecle"
)

// Reading a folder of exports, as downloaded, and looking at what it
// holds.
func ExampleOpenDir() {
	ctx := context.Background()
	src, err := siecle.OpenDir(ctx, "testdata/full", siecle.Options{})
	if err != nil {
		log.Fatal(err)
	}
	est, _ := src.Establishment(ctx)
	fmt.Println(est.UAI, est.Name, src.SchoolYear())
	codes, _ := src.ClassCodes(ctx)
	for _, code := range codes {
		c, _ := src.Class(ctx, code)
		fmt.Printf("%s (%s): %d pupils, %d services\n", c.Code, c.Label, len(c.Enrolments), len(c.Services))
	}
	// What the reader noticed, for the school's staff.
	notices, _ := src.Notices(ctx)
	for _, n := range notices {
		fmt.Printf("%s: %s\n", n.Where, n.Message)
	}
	// Output:
	// 0750001A COLLÈGE JEAN MOULIN 2025
	// 4e 1 (4ème 1): 2 pupils, 5 services
	// 4e 2 (Quatrième 2): 2 pupils, 3 services
	// 3 A (3 A): 0 pupils, 0 services
	// 6 B (Sixième B): 1 pupils, 0 services
	// ElevesSansAdresses.xml ELEVE (ELEVE_ID="127"): 2 élèves de SIECLE n'ont pas de division (pas de STRUCTURE de type D) : ils ne sont dans aucune classe et ne sont pas synchronisés.
	// ElevesSansAdresses.xml:136 STRUCTURE (CODE_STRUCTURE="Inactifs"): 1 élève de la division « Inactifs » de SIECLE (élèves inactifs) n'est dans aucune classe : il n'est pas synchronisé.
	// ElevesSansAdresses.xml:160 STRUCTURES_ELEVE (ELEVE_ID="999"): 1 affectation de SIECLE (STRUCTURES_ELEVE) désigne un élève absent de la liste des élèves : elle est ignorée.
	// sts_emp_0750001A_2025.xml:109 INDIVIDU@TYPE (INDIVIDU TYPE="dir" ID="3"): 1 personne de type dir dans STS-Web (personnels de direction) est enregistrée comme enseignant de type epp : LSU ne connaît que les types epp et local.
	// numen.csv:4 (epp:99999): 1 ligne du fichier des NUMEN désigne un enseignant absent de STS-Web : elle est ignorée.
}

// A refusal names the file, the line, the element and the value.
func ExampleError() {
	_, err := siecle.Open(context.Background(), siecle.Files{
		Eleves: "testdata/full/ElevesSansAdresses.xml",
		STS:    "testdata/full/Communs.xml", // the wrong file
	}, siecle.Options{})
	var e *siecle.Error
	if errors.As(err, &e) {
		fmt.Println(e.File, e.Line, e.Element, errors.Is(err, siecle.ErrWrongFile), errors.Is(err, lsusync.ErrInvalid))
	}
	// Output:
	// testdata/full/Communs.xml 0 BEE_COMMUN true true
}
