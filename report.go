package lsusync

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

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
	// KindSource is a notice of the source about its own data (see
	// [Notice]); Item.Note holds its message.
	KindSource
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
	// ActionMoved: a pupil whom the store had in another class and the
	// source has in this one was moved here with their bilans; see
	// Item.Changes (the field "Class").
	ActionMoved
	// ActionNotInStore: a class of the source that the store lacks; not
	// synchronised until it is set up with its periods (see
	// [Synchronizer.SetUpClass]).
	ActionNotInStore
	// ActionNoticed: a notice of the source (see [Notice]).
	ActionNoticed
	// ActionSkipped: a class whose source data and stored records are
	// both as its last synchronisation left them, which a sync with
	// [Options.SkipUnchanged] did not read again: nothing of it changed.
	// Its item is the class's only one: its pupils and bilans are not
	// listed.
	ActionSkipped
	// ActionRejected: a record of the source that LSU does not accept
	// (a teacher of a type other than epp and local); it was not
	// written, and a stored record of the same key was left as it was.
	// See Item.Rejected.
	ActionRejected
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
	// Name is the name of the person the record is: a pupil's ("DUPONT
	// Marie") or a teacher's ("M. ROUX Marc"), "" for the other kinds. It
	// is personal data: the details and the JSON form show it, the
	// default text never does.
	Name string `json:"name,omitempty"`
	// Changes are the field-level changes, in field order. Their values
	// may be personal data. For ActionMoved, the first change is the
	// field "Class", from the old class to the new one. For ActionGone, a
	// change of the field "Class", when present, names the class the
	// source lists the pupil in: the synchronisation of that class will
	// move them; nothing was changed.
	Changes []Change `json:"changes,omitempty"`
	// Kept names the fields that the source left empty for this record
	// while it gives them for others, and whose stored value was kept
	// (empty never erases): a warning, for the source may be incomplete.
	Kept []string `json:"kept,omitempty"`
	// Uncarried names the fields that the source gives for no record of
	// this kind at all, and whose stored value was kept: the STS-Web
	// export never carries a NUMEN, and without Communs.xml there is no
	// e-mail. Nothing can be done about one record, so it is not a
	// warning; the text says so once for all the records concerned.
	Uncarried []string `json:"uncarried,omitempty"`
	// Rejected are the source values that were not stored because they
	// are wrong or LSU would refuse them, such as an INE that another
	// pupil has too.
	Rejected []Rejection `json:"rejected,omitempty"`
	// KeptSubjects are the keys of the acquis whose subject left the
	// services but which were kept in a bilan because they hold content,
	// as [SubjectKey.String] writes them: "061300/S".
	KeptSubjects []string `json:"keptSubjects,omitempty"`
	// Note is the message of a notice of the source ([KindSource]), in
	// French.
	Note string `json:"note,omitempty"`
	// Records are the keys of the records a notice of the source concerns
	// ([Notice.Records]), when it counts several.
	Records []string `json:"records,omitempty"`
	// Err is the cause of a StatusError item.
	Err error `json:"-"`
}

// Rejection is a source value that the synchronizer did not store: the
// stored value, if any, was kept.
type Rejection struct {
	// Field names the field, such as "INE".
	Field string `json:"field"`
	// Reason tells why: [ReasonType], [ReasonDuplicate] or
	// [ReasonFormat].
	Reason string `json:"reason"`
	// Others are the keys of the other records that hold the same value,
	// for ReasonDuplicate.
	Others []string `json:"others,omitempty"`
}

// The reasons of a [Rejection].
const (
	// ReasonType: the record's type is not one LSU accepts (a teacher's
	// type other than epp and local); the record was not written.
	ReasonType = "type"
	// ReasonDuplicate: another record of the source has the same value
	// for a field that identifies a person (two pupils with one INE, a
	// secretariat error); neither value is stored until it is corrected.
	ReasonDuplicate = "duplicate"
	// ReasonFormat: the value is not in the national format (an INE is
	// 11 characters: 10 digits and a letter, or 9 digits and 2 letters).
	ReasonFormat = "format"
)

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
//   - [Report.String] and [Report.WriteText] render the French table LSU
//     shows: the title, "Synchronisation lancée pour : 3EME1, 3EME2", a
//     "Statut | Message" table of what happened with ✓, ⚠ or ✗, whose
//     last row tells how it ended, and a line of counts;
//   - [Report.Write] with [TextOptions] adds what was already up to date,
//     or the details: each item's key, its field-level changes and the
//     values it kept or rejected ([Report.WriteDetails]);
//   - [Report.Lines], [Report.Heading] and [Report.Summary] give the same
//     parts to a caller that renders them itself, as a web page does;
//   - encoding/json gives the fields below, with Status, Kind and Action as
//     lowercase words ("warning", "student", "not-in-source") and each
//     item's Err as the string field "error", after the field "format"
//     ([ReportFormat]) and followed by "skipped", the classes passed over
//     as unchanged ([Report.Skipped]), and "counts" ([Report.Counts]);
//   - [Report.Err] joins the items' errors, and [Report.Counts] counts them.
//
// A Report's default text never holds a pupil's personal data: pupils are
// named by their class. Item.Changes, the JSON form and the detailed
// rendering do.
//
// A Report is read-only: items may share their lists (the bilans of a
// class that changed alike share one list of Changes, which keeps the
// report of a 100,000-pupil synchronisation small). Copy a list before
// modifying it.
type Report struct {
	// Classes are the codes of the synchronised classes, in the order the
	// sync was asked for (sorted when it was asked for every class). A
	// selected class that the store lacks is not synchronised and not
	// listed: an item of ActionNotInStore says it must be set up.
	Classes []string `json:"classes"`
	// DryRun reports a dry run: nothing was written.
	DryRun bool `json:"dryRun,omitempty"`
	// Status is the worst status of the items.
	Status Status `json:"status"`
	// Items are the report's items, one per record the synchronisation
	// looked at, in a deterministic order: the source's notices, the
	// establishment, the teachers, then each selected class in the order
	// asked for, with its class item, its pupils by ID and its bilans by
	// pupil and period; last, the stored classes the source no longer has.
	Items []Item `json:"items"`
}

// ReportFormat is the version of the JSON form of a [Report], which its
// field "format" carries. It is raised when a field is removed or changes
// meaning, not when one is added: a reader checks it before it reads the
// rest.
const ReportFormat = 1

// reportJSON is the JSON form of a Report.
type reportJSON struct {
	Format int `json:"format"`
	plainReport
	Skipped []string `json:"skipped,omitempty"`
	Counts  *Counts  `json:"counts,omitempty"`
}

// plainReport is Report without its JSON methods.
type plainReport Report

// MarshalJSON encodes the report's fields after the field "format"
// ([ReportFormat]), followed by the classes passed over as unchanged
// ("skipped", absent when there are none) and the counts ("counts").
func (r *Report) MarshalJSON() ([]byte, error) {
	c := r.Counts()
	return json.Marshal(reportJSON{Format: ReportFormat, plainReport: plainReport(*r), Skipped: r.Skipped(), Counts: &c})
}

// UnmarshalJSON decodes what [Report.MarshalJSON] encodes, and a report
// encoded before the field "format" existed. It refuses a format newer
// than [ReportFormat]. The skipped classes and the counts are not read:
// [Report.Skipped] and [Report.Counts] give them from the items.
func (r *Report) UnmarshalJSON(b []byte) error {
	var j reportJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Format > ReportFormat {
		return fmt.Errorf("lsusync: %w: report of format %d, newer than this version's (%d)", ErrInvalid, j.Format, ReportFormat)
	}
	*r = Report(j.plainReport)
	return nil
}

// Skipped returns the codes of the classes that the synchronisation passed
// over as unchanged since their last synchronisation ([ActionSkipped]),
// in the report's order, or nil.
func (r *Report) Skipped() []string {
	var codes []string
	for i := range r.Items {
		if it := &r.Items[i]; it.Kind == KindClass && it.Action == ActionSkipped {
			codes = append(codes, it.Key)
		}
	}
	return codes
}

var (
	statusNames = [...]string{StatusSuccess: "success", StatusWarning: "warning", StatusError: "error"}
	kindNames   = [...]string{
		KindEstablishment: "establishment", KindTeacher: "teacher", KindClass: "class",
		KindStudent: "student", KindBilan: "bilan", KindSource: "source",
	}
	actionNames = [...]string{
		ActionUnchanged: "unchanged", ActionUpdated: "updated", ActionAdded: "added",
		ActionGone: "gone", ActionLeft: "left", ActionLocked: "locked",
		ActionImported: "imported", ActionFailed: "failed",
		ActionNotInSource: "not-in-source", ActionMoved: "moved",
		ActionNotInStore: "not-in-store", ActionNoticed: "noticed", ActionSkipped: "skipped",
		ActionRejected: "rejected",
	}
)

// enumName returns names[v], or "<typ>(v)" for a value out of range.
func enumName(names []string, typ string, v int) string {
	if v >= 0 && v < len(names) {
		return names[v]
	}
	return typ + "(" + itoa(v) + ")"
}

// enumText is MarshalText for the enums: an unknown value is an error.
func enumText(names []string, typ string, v int) ([]byte, error) {
	if v >= 0 && v < len(names) {
		return []byte(names[v]), nil
	}
	return nil, fmt.Errorf("lsusync: %w: %s(%d) has no name", ErrInvalid, typ, v)
}

// enumParse is UnmarshalText for the enums.
func enumParse(names []string, typ string, b []byte) (int, error) {
	for i, n := range names {
		if string(b) == n {
			return i, nil
		}
	}
	return 0, fmt.Errorf("lsusync: %w: unknown %s %q", ErrInvalid, typ, b)
}

// String returns the status as a lowercase word: "success", "warning" or
// "error".
func (s Status) String() string { return enumName(statusNames[:], "Status", int(s)) }

// MarshalText implements [encoding.TextMarshaler] with the word of
// [Status.String]; a status out of range is an error.
func (s Status) MarshalText() ([]byte, error) { return enumText(statusNames[:], "Status", int(s)) }

// UnmarshalText implements [encoding.TextUnmarshaler]; it accepts the
// words of [Status.String].
func (s *Status) UnmarshalText(b []byte) error {
	v, err := enumParse(statusNames[:], "status", b)
	*s = Status(v)
	return err
}

// String returns the kind as a lowercase word: "establishment",
// "teacher", "class", "student", "bilan" or "source".
func (k Kind) String() string { return enumName(kindNames[:], "Kind", int(k)) }

// MarshalText implements [encoding.TextMarshaler] with the word of
// [Kind.String]; a kind out of range is an error.
func (k Kind) MarshalText() ([]byte, error) { return enumText(kindNames[:], "Kind", int(k)) }

// UnmarshalText implements [encoding.TextUnmarshaler]; it accepts the
// words of [Kind.String].
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := enumParse(kindNames[:], "kind", b)
	*k = Kind(v)
	return err
}

// String returns the action as a lowercase word: "unchanged", "updated",
// "added", "gone", "left", "locked", "imported", "failed",
// "not-in-source", "moved", "not-in-store", "noticed", "skipped" or
// "rejected".
func (a Action) String() string { return enumName(actionNames[:], "Action", int(a)) }

// MarshalText implements [encoding.TextMarshaler] with the word of
// [Action.String]; an action out of range is an error.
func (a Action) MarshalText() ([]byte, error) { return enumText(actionNames[:], "Action", int(a)) }

// UnmarshalText implements [encoding.TextUnmarshaler]; it accepts the
// words of [Action.String].
func (a *Action) UnmarshalText(b []byte) error {
	v, err := enumParse(actionNames[:], "action", b)
	*a = Action(v)
	return err
}

// itemJSON is the JSON form of an Item: its fields, and Err as the string
// field "error".
type itemJSON struct {
	plainItem
	Error string `json:"error,omitempty"`
}

// plainItem is Item without its JSON methods.
type plainItem Item

// MarshalJSON encodes the item with its tagged fields, Err as the string
// field "error" (absent when Err is nil).
func (it Item) MarshalJSON() ([]byte, error) {
	j := itemJSON{plainItem: plainItem(it)}
	if it.Err != nil {
		j.Error = it.Err.Error()
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what [Item.MarshalJSON] encodes. The field
// "error" becomes an error with that message: its text survives the round
// trip, its identity for [errors.Is] does not.
func (it *Item) UnmarshalJSON(b []byte) error {
	var j itemJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*it = Item(j.plainItem)
	it.Err = nil
	if j.Error != "" {
		it.Err = errors.New(j.Error)
	}
	return nil
}

// Err returns the errors of the report's items joined with [errors.Join],
// each distinct error once, or nil when no item failed. [errors.Is] and
// [errors.As] see through it to each item's cause: a store's error, or
// ctx's error for the classes a cancellation stopped.
func (r *Report) Err() error {
	var errs []error
	// A failed commit or a cancellation gives the same error value to
	// many items: it is joined once. Errors are told apart by identity,
	// for the pointer types that almost every error is; an error of
	// another type is joined each time.
	seen := make(map[error]bool)
	for _, it := range r.Items {
		if it.Err == nil {
			continue
		}
		if reflect.TypeOf(it.Err).Kind() == reflect.Pointer {
			if seen[it.Err] {
				continue
			}
			seen[it.Err] = true
		}
		errs = append(errs, it.Err)
	}
	return errors.Join(errs...)
}

// Counts sums up a [Report]. Each item counts once in Updated, Added,
// Unchanged, Locked or Imported according to its Action (the other
// actions: moved, gone, left, failed, not in source or in store, noticed,
// count in none of these), once more in Warnings or Errors according to
// its Status, and the pupils, teachers and bilans once more by kind.
type Counts struct {
	// Updated counts the records updated (ActionUpdated), of every kind.
	Updated int `json:"updated"`
	// Added counts the records added (ActionAdded): pupils, teachers and
	// bilans.
	Added int `json:"added"`
	// Unchanged counts the records already up to date (ActionUnchanged),
	// including those with a kept value.
	Unchanged int `json:"unchanged"`
	// Warnings counts the items with StatusWarning.
	Warnings int `json:"warnings"`
	// Errors counts the items with StatusError.
	Errors int `json:"errors"`
	// Locked counts the locked bilans left unchanged (ActionLocked).
	Locked int `json:"locked"`
	// Imported counts the bilans imported from other software left
	// unchanged (ActionImported).
	Imported int `json:"imported"`

	// StudentsUpdated, StudentsAdded and StudentsMoved count the pupils
	// updated, added, and moved from another class.
	StudentsUpdated int `json:"studentsUpdated"`
	StudentsAdded   int `json:"studentsAdded"`
	StudentsMoved   int `json:"studentsMoved"`
	// TeachersUpdated and TeachersAdded count the teachers updated and
	// added.
	TeachersUpdated int `json:"teachersUpdated"`
	TeachersAdded   int `json:"teachersAdded"`
	// BilansUpdated and BilansAdded count the bilans updated and created.
	BilansUpdated int `json:"bilansUpdated"`
	BilansAdded   int `json:"bilansAdded"`
}

// Counts counts the report's items; see [Counts].
func (r *Report) Counts() Counts {
	var c Counts
	for _, it := range r.Items {
		switch it.Action {
		case ActionUpdated:
			c.Updated++
		case ActionAdded:
			c.Added++
		case ActionUnchanged:
			c.Unchanged++
		case ActionLocked:
			c.Locked++
		case ActionImported:
			c.Imported++
		}
		switch it.Status {
		case StatusWarning:
			c.Warnings++
		case StatusError:
			c.Errors++
		}
		type ka struct {
			k Kind
			a Action
		}
		switch (ka{it.Kind, it.Action}) {
		case ka{KindStudent, ActionUpdated}:
			c.StudentsUpdated++
		case ka{KindStudent, ActionAdded}:
			c.StudentsAdded++
		case ka{KindStudent, ActionMoved}:
			c.StudentsMoved++
		case ka{KindTeacher, ActionUpdated}:
			c.TeachersUpdated++
		case ka{KindTeacher, ActionAdded}:
			c.TeachersAdded++
		case ka{KindBilan, ActionUpdated}:
			c.BilansUpdated++
		case ka{KindBilan, ActionAdded}:
			c.BilansAdded++
		}
	}
	return c
}
