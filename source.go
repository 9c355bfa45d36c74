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

// Notice is something a [Source] noticed in its data that the person who
// runs a synchronisation should know of: a file it skipped, an element it
// does not read, a value it had to convert. The synchronizer adds each
// notice to the report as an item of kind [KindSource].
type Notice struct {
	// Status is [StatusSuccess] for information (a value converted as
	// documented), which the report's default text leaves out as it
	// holds at every run, and [StatusWarning] for data that may be
	// missing from the sync (an element skipped, a file not read).
	Status Status `json:"status"`
	// Message is the notice as the report prints it, in French, a full
	// sentence without personal data: "Le fichier Responsables.xml n'est
	// pas lu : la synchronisation n'en a pas besoin."
	Message string `json:"message"`
	// Where locates the data concerned (a file, a line, an element, the
	// key of a record): "sts_emp_0750001A_2025.xml:120
	// MEFS_APPARTENANCE/MEF". It names records by their keys only.
	Where string `json:"where,omitempty"`
	// Records are the keys of the records a notice that counts several
	// concerns, in the order of the files: `ELEVE_ID="145397"`,
	// `epp:930`. Where locates the first. They let the person who must
	// act find every record; keys only, never a name.
	Records []string `json:"records,omitempty"`
}

// NoticeSource is an optional interface of a [Source] that tells what it
// noticed in its data. When the Source implements it, the synchronizer
// calls Notices once per sync, after the prerequisites, and reports each
// notice.
type NoticeSource interface {
	// Notices returns the source's notices, in the order to report them.
	Notices(ctx context.Context) ([]Notice, error)
}
