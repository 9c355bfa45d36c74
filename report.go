package lsusync

// Status is the outcome of a report item or of a whole synchronisation, as
// LSU shows it in the Statut column.
type Status int

// The statuses, from best to worst. Do not reorder: new values are added
// at the end.
const (
	// StatusSuccess is a change applied or nothing to change (✓).
	StatusSuccess Status = iota
	// StatusWarning is something the user should know of: a pupil who
	// left, a value kept because the source had none, a subject kept for
	// its content.
	StatusWarning
	// StatusError is a failure: the item, or its class, was not updated.
	StatusError
)

// Kind is the kind of record a report item is about.
type Kind int

// The kinds of item. Do not reorder: new values are added at the end.
const (
	KindEstablishment Kind = iota
	KindTeacher
	KindClass
	KindStudent
	KindBilan
)

// Action is what a synchronisation did, or would do in a dry run, to one
// record.
type Action int

// The actions. Do not reorder: new values are added at the end.
const (
	// ActionUnchanged: the record was already up to date.
	ActionUnchanged Action = iota
	// ActionUpdated: some fields were updated; see Item.Changes.
	ActionUpdated
	// ActionAdded: the record was added (a new pupil or teacher).
	ActionAdded
	// ActionGone: a stored pupil is no longer in the class in the source;
	// kept, with their bilans.
	ActionGone
	// ActionLeft: the pupil's exit date (DATE_SORTIE) is past; nothing of
	// theirs was changed.
	ActionLeft
	// ActionLocked: a locked bilan, left unchanged.
	ActionLocked
	// ActionImported: a bilan imported from other software, left
	// unchanged.
	ActionImported
	// ActionFailed: the record's class could not be synchronised; see
	// Item.Err.
	ActionFailed
	// ActionNotInSource: a stored class that the source no longer has;
	// left unchanged.
	ActionNotInSource
	// ActionOtherClass: a pupil of the class in the source whom the store
	// has in another class; not moved, and left unchanged.
	ActionOtherClass
)

// Item is one line of a [Report]: what happened to one record.
type Item struct {
	// Status is the item's outcome.
	Status Status `json:"status"`
	// Kind is the kind of record.
	Kind Kind `json:"kind"`
	// Action is what was done to the record.
	Action Action `json:"action"`
	// Class is the code of the class the record belongs to, or "" for the
	// establishment and the teachers.
	Class string `json:"class,omitempty"`
	// Key identifies the record: the UAI, a teacher key ("epp:4189"), a
	// class code, a pupil ID, or a bilan key ("1234/2025-T1").
	Key string `json:"key"`
	// Changes are the field-level changes, in field order. Their values
	// may be personal data.
	Changes []Change `json:"changes,omitempty"`
	// Kept names the fields that the source left empty and whose stored
	// value was kept (rule 4), for instance "NUMEN".
	Kept []string `json:"kept,omitempty"`
	// KeptSubjects are the codes of subjects that left the services but
	// were kept in a bilan because their acquis holds content.
	KeptSubjects []string `json:"keptSubjects,omitempty"`
	// Err is the cause of a StatusError item.
	Err error `json:"-"`
}

// Change is the change of one field of a record.
type Change struct {
	// Field names the field, as the Go field path: "LastName",
	// "Address.City", "Acquis[030201].Teachers", "HeadTeachers".
	Field string `json:"field"`
	// Before and After are the field's values before and after the sync,
	// as text.
	Before string `json:"before"`
	After  string `json:"after"`
}

// Report is the result of a synchronisation: typed data that renders to
// the LSU table, to a detailed text and to JSON.
//
// A Report's default text never holds a pupil's personal data: pupils are
// named by their class. Item.Changes and the detailed rendering do.
type Report struct {
	// Classes are the codes of the synchronised classes, in the order the
	// sync was asked for (sorted when it was asked for every class).
	Classes []string `json:"classes"`
	// DryRun reports a dry run: nothing was written.
	DryRun bool `json:"dryRun,omitempty"`
	// Status is the worst status of the items.
	Status Status `json:"status"`
	// Items are the report's lines: the establishment, the teachers, then
	// each class in Classes order with its class item, its pupils and its
	// bilans, in a deterministic order.
	Items []Item `json:"items"`
}
