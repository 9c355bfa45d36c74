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
	for _, u := range src.Diagnostics().Unplaced {
		fmt.Printf("not in a class: %d pupil(s) of division %q\n", u.Pupils, u.Division)
	}
	// Output:
	// 0750001A COLLÈGE JEAN MOULIN 2025
	// 4e 1 (4ème 1): 2 pupils, 5 services
	// 4e 2 (Quatrième 2): 2 pupils, 3 services
	// 3 A (3 A): 0 pupils, 0 services
	// 6 B (Sixième B): 1 pupils, 0 services
	// not in a class: 2 pupil(s) of division ""
	// not in a class: 1 pupil(s) of division "Inactifs"
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
