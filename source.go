package lsusync

import "context"

// Source is the national data a synchronisation reads: the establishment,
// its classes and pupils from SIECLE BEE, and the teachers and teaching
// services from STS-Web.
//
// Every method may be called from several goroutines at once and must be
// safe for concurrent use. A Source is read only: the synchronizer never
// modifies what it returns, and a Source must not modify a returned value
// afterwards either.
//
// Empty means absent: a field that a Source leaves "" (or a zero [Date])
// carries no information, and the synchronizer never copies it over a
// stored value.
type Source interface {
	EstablishmentSource
	TeacherSource
	ClassSource
}

// EstablishmentSource gives the establishment.
type EstablishmentSource interface {
	// Establishment returns the establishment. Its UAI must be set: the
	// synchronizer compares it with the store's before any write.
	Establishment(ctx context.Context) (Establishment, error)
}

// TeacherSource gives the teachers.
type TeacherSource interface {
	// Teachers returns every teacher of the establishment, each key once,
	// in any order. No teacher is an empty slice and a nil error.
	Teachers(ctx context.Context) ([]Teacher, error)
}

// ClassSource gives the classes with their pupils and services.
type ClassSource interface {
	// ClassCodes returns the codes of every class (division) of the
	// establishment, each once, in any order.
	ClassCodes(ctx context.Context) ([]string, error)
	// Class returns everything the source knows about one class. It
	// returns an error wrapping [ErrNotFound] when the source has no such
	// class.
	Class(ctx context.Context, code string) (ClassData, error)
}
