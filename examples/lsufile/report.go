package lsufile

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// Operation is what a [Report] is the report of.
type Operation int

// The operations.
const (
	// OpExport is the writing of an import file from a store ([Export]).
	OpExport Operation = iota
	// OpImport is the import of a file into a store ([Import]).
	OpImport
)

// String returns "export" or "import".
func (o Operation) String() string {
	if o == OpImport {
		return "import"
	}
	return "export"
}

// MarshalText implements [encoding.TextMarshaler].
func (o Operation) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (o *Operation) UnmarshalText(b []byte) error {
	switch string(b) {
	case "export":
		*o = OpExport
	case "import":
		*o = OpImport
	default:
		return errors.New("lsufile: unknown operation " + strconv.Quote(string(b)))
	}
	return nil
}

// Action is what an export or an import did with a bilan, or with a set of
// bilans of one class and period.
type Action int

// The actions. Do not reorder: new values are added at the end.
const (
	// ActionExported: the bilans were written to the file.
	ActionExported Action = iota
	// ActionInvalid: the bilan cannot be valid in LSU's file, for the
	// Reasons; it was not written.
	ActionInvalid
	// ActionImported: the bilans were added to the store as imported
	// bilans.
	ActionImported
	// ActionReplaced: the bilans replaced bilans imported before (a
	// corrected file imported again).
	ActionReplaced
	// ActionUnchanged: the store already held the bilans as the file
	// gives them.
	ActionUnchanged
	// ActionLocked: the store's bilan is locked; the file's was not
	// imported.
	ActionLocked
	// ActionEntered: the store's bilan is en saisie directe and holds
	// content; the file's was not imported.
	ActionEntered
	// ActionNoStudent: the store has no pupil of the bilan's ELEVE_ID;
	// the bilan was not imported.
	ActionNoStudent
	// ActionNoPeriod: the bilan's period is not one of the pupil's
	// class in the store (rule 1); the bilan was not imported.
	ActionNoPeriod
	// ActionUnfit: the bilan holds what the model cannot (see Reasons);
	// it was not imported.
	ActionUnfit
	// ActionNotCarried: what the file holds and the model has no field
	// for, or what the store holds and the file has no element for,
	// counted by kind in Reasons; on import it was not imported, on
	// export it was not written.
	ActionNotCarried
	// ActionFailed: the class's bilans could not be written to the store;
	// see Err.
	ActionFailed
)

var actionNames = [...]string{
	ActionExported: "exported", ActionInvalid: "invalid", ActionImported: "imported",
	ActionReplaced: "replaced", ActionUnchanged: "unchanged", ActionLocked: "locked",
	ActionEntered: "entered", ActionNoStudent: "no-student", ActionNoPeriod: "no-period",
	ActionUnfit: "unfit", ActionNotCarried: "not-carried", ActionFailed: "failed",
}

// String returns the action as a lowercase word: "exported", "invalid",
// "imported", "replaced", "unchanged", "locked", "entered",
// "no-student", "no-period", "unfit", "not-carried" or "failed".
func (a Action) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// MarshalText implements [encoding.TextMarshaler].
func (a Action) MarshalText() ([]byte, error) {
	if a < 0 || int(a) >= len(actionNames) {
		return nil, errors.New("lsufile: " + a.String() + " has no name")
	}
	return []byte(a.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (a *Action) UnmarshalText(b []byte) error {
	for i, n := range actionNames {
		if n == string(b) {
			*a = Action(i)
			return nil
		}
	}
	return errors.New("lsufile: unknown action " + strconv.Quote(string(b)))
}

// Reason is why a bilan cannot be valid in LSU's file, or cannot be held
// by the model, or a kind of content that one side has no place for.
type Reason struct {
	// Field is the Go path of the field concerned: "Synthesis",
	// "Acquis[030201/S].Teachers", "Guardians[0].Address.City"; "" for
	// what is no field of the model (a bilan de cycle).
	Field string `json:"field,omitempty"`
	// Text says it in French, without personal data: « synthèse
	// manquante », « appréciation de la matière 030201 (S) : 640
	// caractères (600 au plus) »; for ActionNotCarried, with the count:
	// « 3 bilans de cycle ».
	Text string `json:"text"`
	// Count is, for ActionNotCarried, how many there are.
	Count int `json:"count,omitempty"`
}

// Item is one row of a [Report]: a bilan, or the bilans of one class and
// period that had the same outcome.
type Item struct {
	// Status is ✓ success, ⚠ warning or ✗ error.
	Status lsusync.Status `json:"status"`
	// Action is what was done.
	Action Action `json:"action"`
	// Class and Period are the class and the period of the bilans ("" for
	// ActionNotCarried). On import, the class is the pupil's in the store,
	// or the file's code-division for a pupil the store lacks.
	Class  string `json:"class,omitempty"`
	Period string `json:"period,omitempty"`
	// Students are the ELEVE_IDs of the bilans, for an item that names
	// them (those not exported or not imported), in order; nil for an
	// item that counts bilans (exported, imported...).
	Students []string `json:"students,omitempty"`
	// Count is the number of bilans of the item.
	Count int `json:"count"`
	// Reasons say why, for ActionInvalid and ActionUnfit, or what, for
	// ActionNotCarried.
	Reasons []Reason `json:"reasons,omitempty"`
	// Err is the cause of ActionFailed.
	Err error `json:"-"`
}

// Report is the result of an [Export] or an [Import]: typed data that
// renders as LSU shows its reports, in French (title, heading, a
// "Statut | Message" table whose last row tells how it ended, a line of
// counts), and to JSON. It names bilans by class, period and ELEVE_ID,
// never by a pupil's name.
//
// Its size grows with the classes and periods, and with the bilans that
// are reported one by one (invalid, locked...), not with those exported
// or imported, which are counted per class and period.
type Report struct {
	// Operation is what the report is of.
	Operation Operation `json:"operation"`
	// DryRun reports an import that wrote nothing.
	DryRun bool `json:"dryRun,omitempty"`
	// Strict reports an export refused whole because a bilan cannot be
	// valid.
	Strict bool `json:"strict,omitempty"`
	// Schema is the schemaVersion of the file.
	Schema string `json:"schema,omitempty"`
	// File is the file's name, for an import.
	File string `json:"file,omitempty"`
	// Classes and Periods are, for an export, the classes and the periods
	// exported.
	Classes []string `json:"classes,omitempty"`
	Periods []string `json:"periods,omitempty"`
	// Status is the worst status of the items.
	Status lsusync.Status `json:"status"`
	// Items are the rows, in a fixed order: by class, period, then
	// pupil; the line of what one side has no place for comes last.
	Items []Item `json:"items"`
}

// itemJSON is an Item with its Err as the string field "error".
type itemJSON struct {
	plainItem
	Error string `json:"error,omitempty"`
}

type plainItem Item

// MarshalJSON encodes the item with Err as the string field "error".
func (it Item) MarshalJSON() ([]byte, error) {
	j := itemJSON{plainItem: plainItem(it)}
	if it.Err != nil {
		j.Error = it.Err.Error()
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON encodes; "error" becomes an
// error with that message.
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

// Counts sums up a Report: the bilans of each outcome.
type Counts struct {
	// Exported counts the bilans written to the file; Invalid those that
	// cannot be valid.
	Exported int `json:"exported"`
	Invalid  int `json:"invalid"`
	// Imported, Replaced and Unchanged count the bilans added, replaced
	// and found as the file gives them.
	Imported  int `json:"imported"`
	Replaced  int `json:"replaced"`
	Unchanged int `json:"unchanged"`
	// NotImported counts the bilans of the file left out: locked or
	// entered in the store, of a pupil or a period the store lacks, unfit
	// for the model, or of a class that failed.
	NotImported int `json:"notImported"`
	// Warnings and Errors count the bilans of the items of those
	// statuses, and once each row of what one side has no place for.
	Warnings int `json:"warnings"`
	Errors   int `json:"errors"`
}

// Counts counts the report's bilans.
func (r *Report) Counts() Counts {
	var c Counts
	for _, it := range r.Items {
		switch it.Action {
		case ActionExported:
			c.Exported += it.Count
		case ActionInvalid:
			c.Invalid += it.Count
		case ActionImported:
			c.Imported += it.Count
		case ActionReplaced:
			c.Replaced += it.Count
		case ActionUnchanged:
			c.Unchanged += it.Count
		case ActionLocked, ActionEntered, ActionNoStudent, ActionNoPeriod, ActionUnfit, ActionFailed:
			c.NotImported += it.Count
		}
		// A row that names or counts several bilans is a warning or an
		// error for each.
		weight := 1
		if it.Action != ActionNotCarried {
			weight = max(it.Count, 1)
		}
		switch it.Status {
		case lsusync.StatusWarning:
			c.Warnings += weight
		case lsusync.StatusError:
			c.Errors += weight
		}
	}
	return c
}

// Err returns the errors of the failed items joined, or nil.
func (r *Report) Err() error {
	var errs []error
	for _, it := range r.Items {
		if it.Err != nil {
			errs = append(errs, it.Err)
		}
	}
	return errors.Join(errs...)
}

// TextOptions chooses what the text of a Report shows.
type TextOptions struct {
	// Unchanged adds the bilans that an import found as the file gives
	// them, which the default text leaves out.
	Unchanged bool
}

// Title returns the report's title.
func (r *Report) Title() string {
	switch {
	case r.Operation == OpExport:
		return "Export des bilans vers LSU"
	case r.DryRun:
		return "Simulation de l'import des bilans"
	}
	return "Import des bilans"
}

// Heading returns the line that says what was exported or imported:
// "Export lancé pour : 3EME1, 3EME2 · périodes T1, T2 · version 7.0",
// "Import lancé pour : bilans.xml (version 7.0)".
func (r *Report) Heading() string {
	if r.Operation == OpExport {
		s := "Export lancé pour : "
		if len(r.Classes) == 0 {
			s += "aucune classe"
		} else {
			s += strings.Join(r.Classes, ", ")
		}
		if len(r.Periods) > 0 {
			s += " · " + plural(len(r.Periods), "période", "périodes", false) + " " + strings.Join(r.Periods, ", ")
		}
		return s + " · version " + r.Schema
	}
	what := "Import lancé pour : "
	if r.DryRun {
		what = "Simulation lancée pour : "
	}
	return what + r.File + " (version " + r.Schema + ")"
}

// Lines returns the rows of the report's table, the closing row last.
func (r *Report) Lines(opts TextOptions) []lsusync.Line {
	var lines []lsusync.Line
	for i := range r.Items {
		it := &r.Items[i]
		if it.Action == ActionUnchanged && !opts.Unchanged {
			continue
		}
		lines = append(lines, lsusync.Line{Status: it.Status, Message: r.message(it), Items: []int{i}})
	}
	return append(lines, lsusync.Line{Status: r.Status, Message: r.closing()})
}

// String returns the report's French text; see [Report.WriteText].
func (r *Report) String() string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}

// WriteText writes the report as LSU shows its reports, in French: the
// title, the heading, the "Statut | Message" table whose last row tells
// how it ended, and, when there were warnings or errors, the line of
// counts of [Report.Summary].
func (r *Report) WriteText(w io.Writer) error { return r.Write(w, TextOptions{}) }

// Write writes the report's French text as opts choose.
func (r *Report) Write(w io.Writer, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(r.Title() + "\n\n" + r.Heading() + "\n")
	if r.DryRun || r.Strict {
		bw.WriteString("Aucune modification n'a été enregistrée.\n")
	}
	if r.Operation == OpExport && (r.Strict || r.Counts().Exported == 0) {
		bw.WriteString("Aucun fichier n'a été écrit.\n")
	}
	bw.WriteString("\nStatut | Message\n-------+--------------------------------------------\n")
	for _, l := range r.Lines(opts) {
		bw.WriteString(statusSymbol(l.Status) + "      | " + l.Message + "\n")
	}
	if r.Status != lsusync.StatusSuccess {
		bw.WriteString("\n" + r.Summary() + "\n")
	}
	return bw.Flush()
}

func statusSymbol(s lsusync.Status) string {
	switch s {
	case lsusync.StatusSuccess:
		return "✓"
	case lsusync.StatusWarning:
		return "⚠"
	}
	return "✗"
}

// Summary returns the line of counts that follows the table.
func (r *Report) Summary() string {
	c := r.Counts()
	var s string
	if r.Operation == OpExport {
		s = "Bilans : " + plural(c.Exported, "exporté", "exportés", true) + ", " + plural(c.Invalid, "non exporté", "non exportés", true)
	} else {
		s = "Bilans : " + plural(c.Imported, "importé", "importés", true) + ", " + plural(c.Replaced, "remplacé", "remplacés", true) +
			", " + plural(c.Unchanged, "inchangé", "inchangés", true) + ", " + plural(c.NotImported, "non importé", "non importés", true)
	}
	return s + " · Avertissements : " + strconv.Itoa(c.Warnings) + " · Erreurs : " + strconv.Itoa(c.Errors)
}

// closing returns the closing row's message.
func (r *Report) closing() string {
	c := r.Counts()
	subject := "L'export"
	switch {
	case r.Operation == OpImport && r.DryRun:
		subject = "La simulation de l'import"
	case r.Operation == OpImport:
		subject = "L'import"
	}
	switch {
	case r.Operation == OpExport && c.Exported == 0:
		return subject + " est refusé : aucun bilan ne peut être écrit ; aucun fichier n'a été écrit."
	case r.Strict:
		return subject + " est refusé : " + plural(c.Invalid, "bilan ne peut pas être valide", "bilans ne peuvent pas être valides", true) +
			" (option stricte) ; aucun fichier n'a été écrit."
	case c.Errors > 0:
		s := subject + " s'est terminé avec " + plural(c.Errors, "erreur", "erreurs", true)
		if c.Warnings > 0 {
			s += " et " + plural(c.Warnings, "avertissement", "avertissements", true)
		}
		return s + "."
	case c.Warnings > 0:
		return subject + " s'est déroulé" + feminineE(subject) + " avec succès, avec " + plural(c.Warnings, "avertissement", "avertissements", true) + "."
	}
	return subject + " s'est déroulé" + feminineE(subject) + " avec succès."
}

func feminineE(subject string) string {
	if strings.HasPrefix(subject, "La ") {
		return "e"
	}
	return ""
}

// plural returns n and the singular for 0 and 1, as French does, or the
// plural; with number false, the word alone.
func plural(n int, one, many string, number bool) string {
	w := many
	if n <= 1 {
		w = one
	}
	if !number {
		return w
	}
	return strconv.Itoa(n) + " " + w
}

// message returns an item's row.
func (r *Report) message(it *Item) string {
	where := it.Class
	if it.Period != "" {
		where += ", " + it.Period
	}
	// named words the bilans the item names: "Le bilan (3EME1, T1,
	// ELEVE_ID 1234) ne peut pas…", "3 bilans (3EME1, T1, ELEVE_ID 1, 2,
	// 3) ne peuvent pas…".
	named := func(one, many string) string {
		ids := strings.Join(it.Students, ", ")
		if it.Count <= 1 {
			return "Le bilan (" + where + ", ELEVE_ID " + ids + ") " + one
		}
		return strconv.Itoa(it.Count) + " bilans (" + where + ", ELEVE_ID " + ids + ") " + many
	}
	notImported := func(why string) string {
		if r.DryRun {
			return named("ne serait pas importé : "+why, "ne seraient pas importés : "+why)
		}
		return named("n'est pas importé : "+why, "ne sont pas importés : "+why)
	}
	switch it.Action {
	case ActionExported:
		return many2(it.Count, where, "a été exporté", "ont été exportés")
	case ActionInvalid:
		why := reasonsText(it.Reasons) + "."
		return named("ne peut pas être valide dans le fichier de LSU : "+why, "ne peuvent pas être valides dans le fichier de LSU : "+why)
	case ActionImported:
		if r.DryRun {
			return many2(it.Count, where, "serait importé", "seraient importés")
		}
		return many2(it.Count, where, "a été importé", "ont été importés")
	case ActionReplaced:
		if r.DryRun {
			return many2(it.Count, where, "remplacerait un bilan importé auparavant", "remplaceraient des bilans importés auparavant")
		}
		return many2(it.Count, where, "a remplacé un bilan importé auparavant", "ont remplacé des bilans importés auparavant")
	case ActionUnchanged:
		return many2(it.Count, where, "était déjà importé tel quel", "étaient déjà importés tels quels")
	case ActionLocked:
		return notImported("celui de LSU est verrouillé.")
	case ActionEntered:
		return notImported("celui de LSU est en saisie directe et a un contenu.")
	case ActionNoStudent:
		return notImported("l'élève n'est pas dans LSU.")
	case ActionNoPeriod:
		return notImported("la période " + it.Period + " n'est pas paramétrée pour la classe " + it.Class + ".")
	case ActionUnfit:
		return notImported(reasonsText(it.Reasons) + ".")
	case ActionNotCarried:
		if r.Operation == OpExport {
			return "Contenu que le fichier de LSU ne prévoit pas, non exporté (il reste dans LSU) : " + countsText(it.Reasons) + "."
		}
		return "Non importé, faute de place dans LSU : " + countsText(it.Reasons) + "."
	case ActionFailed:
		s := many2(it.Count, where, "n'a pas pu être importé", "n'ont pas pu être importés")
		if it.Err != nil {
			s = strings.TrimSuffix(s, ".") + " : " + it.Err.Error() + "."
		}
		return s
	}
	return it.Action.String()
}

// merged returns items with the consecutive ones that name bilans of one
// class, period, action and reasons as one item.
func merged(items []Item) []Item {
	var out []Item
	for _, it := range items {
		if n := len(out); n > 0 && it.Students != nil && out[n-1].Students != nil && out[n-1].Action == it.Action &&
			out[n-1].Class == it.Class && out[n-1].Period == it.Period && slices.Equal(out[n-1].Reasons, it.Reasons) {
			out[n-1].Students = append(out[n-1].Students, it.Students...)
			out[n-1].Count += it.Count
			continue
		}
		out = append(out, it)
	}
	return out
}

// many2 words an outcome of count bilans of a class and period.
func many2(count int, where, one, many string) string {
	if count == 1 {
		return "1 bilan (" + where + ") " + one + "."
	}
	return strconv.Itoa(count) + " bilans (" + where + ") " + many + "."
}

func reasonsText(rs []Reason) string {
	texts := make([]string, len(rs))
	for i, r := range rs {
		texts[i] = r.Text
	}
	return strings.Join(texts, " ; ")
}

func countsText(rs []Reason) string {
	texts := make([]string, len(rs))
	for i, r := range rs {
		texts[i] = r.Text
	}
	return strings.Join(texts, ", ")
}

// setStatus sets the report's status to the worst of its items'.
func (r *Report) setStatus() {
	r.Status = lsusync.StatusSuccess
	for _, it := range r.Items {
		r.Status = max(r.Status, it.Status)
	}
}
