package lsusync

import (
	"bufio"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The French rendering of a Report, as LSU shows it:
//
//	Synchronisation base élèves
//
//	Synchronisation lancée pour : 3EME1, 3EME2
//
//	Statut | Message
//	-------+--------------------------------------------
//	✓      | L'établissement a bien été mis à jour
//	✓      | L'élève (3EME1) a été mis à jour.
//	⚠      | 2 élèves (3EME2) ont quitté l'établissement ; leurs bilans sont conservés.
//	⚠      | La synchronisation s'est déroulée avec succès, avec 2 avertissements.
//
//	Élèves : 1 mis à jour, 0 ajouté, 0 déplacé · Enseignants : 0 mis à jour, 0 ajouté · ...

// TextOptions chooses what the text of a [Report] shows. The zero
// TextOptions is LSU's report: what happened, without personal data.
type TextOptions struct {
	// Unchanged adds the records that were already up to date, the
	// locked and imported bilans left as they were, and the source's
	// information notices (a value converted as documented), which the
	// default text leaves out: it is the list of everything the
	// synchronisation looked at.
	Unchanged bool
	// Details follows each row with its details (Line.Details): the
	// record's key and the name of its pupil or teacher, its field-level
	// changes, each field by its French name ("nom : DUPONT → DUPOND";
	// the JSON keeps the Go field path) and each teacher by name beside
	// their key, the values kept and the values rejected. Each record
	// has its own row, but the bilans whose details are the same share
	// one, which says their changes once, with the pupils concerned. The
	// details hold personal data: show them only to those entitled to
	// read the pupils' records.
	Details bool
	// Group merges the rows of the pupils and of the teachers that say
	// the same thing into one row with their count ("3 élèves (3EME1)
	// ont été mis à jour."), as the bilans' rows always are: for a
	// synchronisation of hundreds of rows. Without it, each pupil and
	// each teacher has a row of their own, as in LSU. Details ignores
	// it.
	Group bool
}

// Line is one row of the Statut | Message table of a [Report].
type Line struct {
	// Status is the row's status, rendered ✓, ⚠ or ✗.
	Status Status `json:"status"`
	// Message is the row's message, in French.
	Message string `json:"message"`
	// Items are the indexes in Report.Items of the items the row stands
	// for: several when identical lines are merged with a count. Nil for
	// the closing row and for the summary of the values kept because no
	// export carries them.
	Items []int `json:"items,omitempty"`
	// Details are the lines that follow the row with [TextOptions]
	// Details, in French: personal data. Nil without it.
	Details []string `json:"details,omitempty"`
}

// String returns the report's French rendering; see [Report.WriteText].
func (r *Report) String() string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}

// WriteText writes the report as LSU shows it, in French: the title, the
// classes the synchronisation was launched for, a "Statut | Message" table
// of what happened, whose last row tells how the synchronisation ended,
// and, when there were warnings or errors, the line of counts of
// [Report.Summary]. Statuses are rendered ✓ (success), ⚠ (warning) and ✗
// (error).
//
// The table lists what happened, not everything that was looked at:
// records already up to date are left out, each pupil, teacher and class
// that changed has a row, as in LSU ("L'élève (3EME1) a été mis à
// jour."), the bilans of a class that changed alike share one with their
// count ("75 bilans (4e 1) ont été mis à jour."), and a value kept
// because no export carries it (the NUMEN) is said once, with a count. The
// text holds no personal data: pupils and bilans are named by their class
// (and period), never by name, INE or ID; kept values are named by their
// field. Teachers are named by their STS key ("epp:4189"), classes and
// subjects by their codes. The cause of a failed item is its error's
// message, which comes from the store or the source.
func (r *Report) WriteText(w io.Writer) error { return r.Write(w, TextOptions{}) }

// WriteDetails writes the report with [TextOptions] Details: every
// record on its own row (the bilans that changed alike on one), with its
// key, its pupil's or teacher's name and its field-level changes. It
// holds personal data.
func (r *Report) WriteDetails(w io.Writer) error { return r.Write(w, TextOptions{Details: true}) }

// Write writes the report's French text as opts choose; see
// [Report.WriteText].
func (r *Report) Write(w io.Writer, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(r.Title() + "\n\n" + r.Heading() + "\n")
	if r.DryRun {
		bw.WriteString("Aucune modification n'a été enregistrée.\n")
	}
	bw.WriteString("\n" + tableHead + "\n" + tableRule + "\n")
	for _, l := range r.Lines(opts) {
		bw.WriteString(statusSymbol(l.Status) + cellPad + l.Message + "\n")
		for _, d := range l.Details {
			bw.WriteString(detailPad + d + "\n")
		}
	}
	if r.Status != StatusSuccess {
		bw.WriteString("\n" + r.Summary() + "\n")
	}
	return bw.Flush()
}

const (
	tableHead = "Statut | Message"
	tableRule = "-------+--------------------------------------------"
	cellPad   = "      | " // after the one-rune status symbol
	detailPad = "       |     "
	emptyText = "(vide)"
)

// Title returns the report's title: "Synchronisation base élèves", or
// "Simulation de la synchronisation base élèves" for a dry run.
func (r *Report) Title() string {
	if r.DryRun {
		return "Simulation de la synchronisation base élèves"
	}
	return "Synchronisation base élèves"
}

// Heading returns the line that names the synchronised classes:
// "Synchronisation lancée pour : 3EME1, 3EME2".
func (r *Report) Heading() string {
	what := "Synchronisation lancée pour : "
	if r.DryRun {
		what = "Simulation lancée pour : "
	}
	if len(r.Classes) == 0 {
		for i := range r.Items {
			if r.Items[i].Action == ActionNotInStore {
				// Only classes that must first be set up were selected.
				return what + "aucune classe paramétrée dans LSU"
			}
		}
		return what + "aucune classe"
	}
	return what + strings.Join(r.Classes, ", ")
}

// Lines returns the rows of the report's table, as [Report.Write] prints
// them with opts, the closing row last.
func (r *Report) Lines(opts TextOptions) []Line {
	var lines []Line
	index := make(map[string]int) // row key -> index in lines
	counts := make(map[string]int)
	var names *detailNames
	if opts.Details {
		names = r.detailNames()
	}
	uncarried := make(map[string][]int) // "kind\x00field" -> items
	var uncarriedOrder []string
	for i := range r.Items {
		it := &r.Items[i]
		for _, f := range it.Uncarried {
			k := it.Kind.String() + "\x00" + f
			if uncarried[k] == nil {
				uncarriedOrder = append(uncarriedOrder, k)
			}
			uncarried[k] = append(uncarried[k], i)
		}
		if !opts.Unchanged && it.quiet() {
			continue
		}
		p := it.phrase(r.DryRun)
		key := itoa(int(it.Status)) + "\x00" + p.key
		switch {
		case opts.Details && it.Kind == KindBilan:
			// Bilans that changed alike share a row, which says their
			// changes once.
			key += "\x00" + names.same(it)
		case opts.Details, !opts.Group && it.Kind != KindBilan:
			key += "\x00" + itoa(i) // a row of its own
		}
		if j, ok := index[key]; ok {
			counts[key]++
			lines[j].Items = append(lines[j].Items, i)
			lines[j].Message = p.many(counts[key])
			continue
		}
		index[key] = len(lines)
		counts[key] = 1
		lines = append(lines, Line{Status: it.Status, Message: p.one, Items: []int{i}})
	}
	// The values kept because no export carries them are said once: the
	// establishment's after its row, the others after the teachers' rows.
	var summary []Line
	var estFields []string
	for _, k := range uncarriedOrder {
		kind, f, _ := strings.Cut(k, "\x00")
		if kind == KindEstablishment.String() {
			estFields = append(estFields, fieldLabel(f))
			continue
		}
		summary = append(summary, Line{Status: StatusSuccess, Message: uncarriedLine(kind, fieldLabel(f), len(uncarried[k]))})
	}
	if n := len(estFields); n > 0 {
		msg := "Établissement : " + estFields[0] + " absent des exports, la valeur enregistrée est conservée."
		if n > 1 {
			msg = "Établissement : " + strings.Join(estFields[:n-1], ", ") + " et " + estFields[n-1] +
				" absents des exports, les valeurs enregistrées sont conservées."
		}
		lines = slices.Insert(lines, r.after(lines, KindSource, KindEstablishment), Line{Status: StatusSuccess, Message: msg})
	}
	lines = slices.Insert(lines, r.after(lines, KindSource, KindEstablishment, KindTeacher), summary...)
	if opts.Details {
		for i := range lines {
			lines[i].Details = names.rowLines(lines[i].Items, r.Items)
		}
	}
	return append(lines, Line{Status: r.Status, Message: r.closing()})
}

// quiet reports an item that the default text leaves out: nothing
// happened to its record and there is nothing to tell of it, or it is a
// source's information that holds at every run (a value converted as
// documented, a division that is no class), about which nobody has
// anything to do.
func (it *Item) quiet() bool {
	switch it.Action {
	case ActionUnchanged, ActionLocked, ActionImported, ActionSkipped, ActionNoticed:
		return it.Status == StatusSuccess && it.Err == nil
	}
	return false
}

func statusSymbol(s Status) string {
	switch s {
	case StatusSuccess:
		return "✓"
	case StatusWarning:
		return "⚠"
	}
	return "✗"
}

// DetailLines returns the details of the item as the detailed text
// ([TextOptions.Details]) writes them under its row, in French: its
// record's key with the item's Name, each field-level change ("nom :
// DUPONT → DUPOND"), the values kept and rejected, the subjects kept for
// their content, the records concerned, the error. A row's details
// (Line.Details) say more: the names of the teachers and of the pupils
// of the report. They hold personal data: show them only to those
// entitled to read the pupils' records.
func (it *Item) DetailLines() []string { return (*detailNames)(nil).itemLines(it, true) }

// detailNames are the names that the details write beside keys: the
// pupils' by ID and the teachers' by key, from the report's items. A nil
// *detailNames knows none.
type detailNames struct {
	pupils, teachers map[string]string
	// changes keeps the text of the lists of changes that bilans share
	// (see [Report]), made once for each.
	changes map[changeList]string
	buf     strings.Builder
}

// changeList identifies a list of changes that items share.
type changeList struct {
	first *Change
	n     int
}

// same returns a text that two bilans' items share exactly when their
// details, but for their keys, are the same.
func (n *detailNames) same(it *Item) string {
	var list changeList
	if len(it.Changes) > 0 {
		list = changeList{&it.Changes[0], len(it.Changes)}
		if s, ok := n.changes[list]; ok && len(it.Kept)+len(it.Rejected)+len(it.KeptSubjects) == 0 && it.Err == nil {
			return s
		}
	}
	b := &n.buf
	b.Reset()
	for _, c := range it.Changes {
		b.WriteString(c.Field + "\x00" + c.Before + "\x00" + c.After + "\x00")
	}
	plain := b.String()
	if list.first != nil {
		n.changes[list] = plain
	}
	if len(it.Kept)+len(it.Rejected)+len(it.KeptSubjects) == 0 && it.Err == nil {
		return plain
	}
	b.WriteString("\x01" + strings.Join(it.Kept, "\x00") + "\x01" + strings.Join(it.KeptSubjects, "\x00") + "\x01")
	for _, rj := range it.Rejected {
		b.WriteString(rj.Field + "\x00" + rj.Reason + "\x00" + strings.Join(rj.Others, ",") + "\x00")
	}
	if it.Err != nil {
		b.WriteString("\x01" + it.Err.Error())
	}
	return b.String()
}

// detailNames gathers the names of the report's pupils and teachers.
func (r *Report) detailNames() *detailNames {
	n := &detailNames{pupils: make(map[string]string), teachers: make(map[string]string), changes: make(map[changeList]string)}
	for i := range r.Items {
		switch it := &r.Items[i]; {
		case it.Name == "":
		case it.Kind == KindStudent:
			n.pupils[it.Key] = it.Name
		case it.Kind == KindTeacher:
			n.teachers[it.Key] = it.Name
		}
	}
	return n
}

// pupil returns the name of the pupil of ID id, or "".
func (n *detailNames) pupil(id string) string {
	if n == nil {
		return ""
	}
	return n.pupils[id]
}

// teachers writes a list of teacher keys ("epp:1, epp:2") with each
// teacher's name before their key: "M. ROUX Marc (epp:1), epp:2".
func (n *detailNames) teacherList(list string) string {
	if n == nil || list == "" {
		return list
	}
	keys := strings.Split(list, ", ")
	for i, k := range keys {
		keys[i] = named(n.teachers[k], k)
	}
	return strings.Join(keys, ", ")
}

// named writes a key after the name of its person, "DUPONT Marie
// (1234)", or the key alone when the name is unknown.
func named(name, key string) string {
	if name == "" {
		return key
	}
	return name + " (" + key + ")"
}

// rowLines returns the details of the row of the items: an item's own,
// or those that the bilans of a merged row share, once, followed by their
// pupils.
func (n *detailNames) rowLines(items []int, all []Item) []string {
	switch len(items) {
	case 0:
		return nil
	case 1:
		return n.itemLines(&all[items[0]], true)
	}
	lines := n.itemLines(&all[items[0]], false)
	var ids []string
	periods := make(map[string][]string)
	for _, i := range items {
		id, period, _ := strings.Cut(all[i].Key, "/")
		if periods[id] == nil {
			ids = append(ids, id)
		}
		periods[id] = append(periods[id], period)
	}
	same := true
	for _, id := range ids {
		same = same && slices.Equal(periods[id], periods[ids[0]])
	}
	pupils := make([]string, len(ids))
	for i, id := range ids {
		key := id
		if !same {
			key += " : " + strings.Join(periods[id], ", ")
		}
		pupils[i] = named(n.pupil(id), key)
	}
	head := plural(len(ids), "élève", "élèves")
	if same {
		word := " période "
		if len(periods[ids[0]]) > 1 {
			word = " périodes "
		}
		head += "," + word + strings.Join(periods[ids[0]], ", ")
	}
	return append(lines, head+" : "+strings.Join(pupils, ", "))
}

// itemLines returns the item's details, beginning with its key when
// withKey is set.
func (n *detailNames) itemLines(it *Item, withKey bool) []string {
	var lines []string
	line := func(s string) { lines = append(lines, s) }
	if withKey && it.Key != "" {
		switch it.Kind {
		case KindBilan:
			id, p, _ := strings.Cut(it.Key, "/")
			name := n.pupil(id)
			if name == "" {
				line("Bilan " + p + " de l'élève " + id)
			} else {
				line("Bilan " + p + " de " + named(name, id))
			}
		default:
			line(kindLabel(it.Kind) + " " + named(it.Name, it.Key))
		}
	}
	for _, c := range it.Changes {
		before, after := c.Before, c.After
		if c.Field == "HeadTeachers" || strings.HasSuffix(c.Field, ".Teachers") {
			before, after = n.teacherList(before), n.teacherList(after)
		}
		line(fieldLabel(c.Field) + " : " + orEmpty(before) + " → " + orEmpty(after))
	}
	if len(it.Kept) > 0 {
		line("Conservé (absent de la source) : " + joinFieldLabels(it.Kept))
	}
	if len(it.Uncarried) > 0 {
		line("Conservé (absent des exports) : " + joinFieldLabels(it.Uncarried))
	}
	for _, rj := range it.Rejected {
		reason := rj.Reason
		switch reason {
		case ReasonDuplicate:
			reason = "doublon"
		case ReasonFormat:
			reason = "hors du format national"
		case ReasonType:
			reason = "type que LSU n'accepte pas"
		}
		s := "Rejeté : " + fieldLabel(rj.Field) + " (" + reason + ")"
		if len(rj.Others) > 0 {
			others := make([]string, len(rj.Others))
			for i, id := range rj.Others {
				others[i] = named(n.pupil(id), id)
			}
			s += ", aussi chez " + strings.Join(others, ", ")
		}
		line(s)
	}
	if len(it.KeptSubjects) > 0 {
		line("Matières conservées pour leur contenu : " + subjectsText(it.KeptSubjects))
	}
	if len(it.Records) > 0 {
		line("Concerne : " + strings.Join(it.Records, ", "))
	}
	if it.Err != nil {
		line("Erreur : " + it.Err.Error())
	}
	return lines
}

// kindLabel names a kind in French, for the key line of the details.
func kindLabel(k Kind) string {
	switch k {
	case KindEstablishment:
		return "Établissement"
	case KindTeacher:
		return "Enseignant"
	case KindClass:
		return "Classe"
	case KindStudent:
		return "Élève"
	case KindBilan:
		return "Bilan"
	case KindSource:
		return "Source"
	}
	return k.String()
}

func orEmpty(s string) string {
	if s == "" {
		return emptyText
	}
	return s
}

// closing returns the closing row's message: how the synchronisation
// ended.
func (r *Report) closing() string {
	c := r.Counts()
	subject := "La synchronisation"
	if r.DryRun {
		subject = "La simulation"
	}
	switch {
	case c.Errors > 0:
		s := subject + " s'est terminée avec " + plural(c.Errors, "erreur", "erreurs")
		if c.Warnings > 0 {
			s += " et " + plural(c.Warnings, "avertissement", "avertissements")
		}
		return s + "."
	case c.Warnings > 0:
		return subject + " s'est déroulée avec succès, avec " + plural(c.Warnings, "avertissement", "avertissements") + "."
	}
	return subject + " s'est déroulée avec succès."
}

// Summary returns the line of counts that follows the table: the pupils
// updated, added and moved, the teachers updated and added, the bilans
// updated and created, the warnings and the errors.
func (r *Report) Summary() string {
	c := r.Counts()
	return "Élèves : " + plural(c.StudentsUpdated, "mis à jour", "mis à jour") +
		", " + plural(c.StudentsAdded, "ajouté", "ajoutés") +
		", " + plural(c.StudentsMoved, "déplacé", "déplacés") +
		" · Enseignants : " + plural(c.TeachersUpdated, "mis à jour", "mis à jour") +
		", " + plural(c.TeachersAdded, "ajouté", "ajoutés") +
		" · Bilans : " + plural(c.BilansUpdated, "mis à jour", "mis à jour") +
		", " + plural(c.BilansAdded, "créé", "créés") +
		" · Avertissements : " + itoa(c.Warnings) +
		" · Erreurs : " + itoa(c.Errors)
}

// plural returns n followed by the singular form for 0 and 1, as French
// does, and by the plural form otherwise.
func plural(n int, one, many string) string {
	if n <= 1 {
		return itoa(n) + " " + one
	}
	return itoa(n) + " " + many
}

// phrase is an item's row: its message for the item alone, for n merged
// items, and the key of the rows it merges with.
type phrase struct {
	key  string
	one  string
	many func(n int) string
}

// words are the forms of a message for one record and for several.
type words struct{ one, many string }

// phrase returns the item's row, in LSU's voice, without personal data.
func (it *Item) phrase(dry bool) phrase {
	// tense picks the past or, in a dry run, the conditional.
	tense := func(past, cond words) words {
		if dry {
			return cond
		}
		return past
	}
	var subject words // "L'élève (3EME1)", "%d élèves (3EME1)"
	var verb words    // "a été mis à jour.", "ont été mis à jour."
	single := ""      // the message for one item, when it names more than its group
	class := it.Class
	switch it.Kind {
	case KindEstablishment:
		subject = words{"L'établissement", "L'établissement"}
		switch it.Action {
		case ActionUpdated:
			verb = tense(words{"a bien été mis à jour", ""}, words{"serait mis à jour", ""})
		case ActionUnchanged:
			verb = words{"est déjà à jour.", ""}
		}
	case KindTeacher:
		subject = words{"L'enseignant (" + it.Key + ")", "%d enseignants"}
		switch it.Action {
		case ActionUpdated:
			verb = tense(words{"a été mis à jour.", "ont été mis à jour."}, words{"serait mis à jour.", "seraient mis à jour."})
		case ActionAdded:
			verb = tense(words{"a été ajouté.", "ont été ajoutés."}, words{"serait ajouté.", "seraient ajoutés."})
		case ActionUnchanged:
			verb = words{"est déjà à jour.", "sont déjà à jour."}
		case ActionRejected:
			verb = tense(words{"n'a pas été enregistré : LSU n'accepte que les enseignants de type epp ou local ; à corriger dans STS-Web.",
				"n'ont pas été enregistrés : LSU n'accepte que les enseignants de type epp ou local ; à corriger dans STS-Web."},
				words{"ne serait pas enregistré : LSU n'accepte que les enseignants de type epp ou local ; à corriger dans STS-Web.",
					"ne seraient pas enregistrés : LSU n'accepte que les enseignants de type epp ou local ; à corriger dans STS-Web."})
		}
	case KindClass:
		subject = words{"La classe " + it.Key, "La classe " + it.Key}
		switch it.Action {
		case ActionUpdated:
			verb = tense(words{"a été mise à jour.", ""}, words{"serait mise à jour.", ""})
		case ActionUnchanged:
			verb = words{"est déjà à jour.", ""}
		case ActionSkipped:
			verb = words{"est inchangée depuis sa dernière synchronisation : elle n'a pas été relue.", ""}
		case ActionNotInSource:
			verb = words{"n'existe plus dans la base élèves ; elle est conservée.", ""}
		case ActionNotInStore:
			verb = words{"existe dans la base élèves mais n'est pas paramétrée dans LSU : paramétrez ses périodes pour la synchroniser.", ""}
		case ActionFailed:
			if errors.Is(it.Err, context.Canceled) || errors.Is(it.Err, context.DeadlineExceeded) {
				verb = words{"n'a pas été synchronisée : la synchronisation a été interrompue.", ""}
			} else if errors.Is(it.Err, ErrConflict) {
				verb = words{"n'a pas pu être synchronisée : ses données ont été modifiées pendant la synchronisation ; relancez-la" + cause(it.Err), ""}
			} else {
				verb = words{"n'a pas pu être synchronisée" + cause(it.Err), ""}
			}
		}
	case KindStudent:
		subject = words{"L'élève (" + class + ")", "%d élèves (" + class + ")"}
		switch it.Action {
		case ActionUpdated:
			verb = tense(words{"a été mis à jour.", "ont été mis à jour."}, words{"serait mis à jour.", "seraient mis à jour."})
		case ActionAdded:
			verb = tense(words{"a été ajouté.", "ont été ajoutés."}, words{"serait ajouté.", "seraient ajoutés."})
		case ActionMoved:
			from := it.changeOf("Class").Before
			// What became of the bilans has rows of its own: updated,
			// created, or left as they were when locked or imported.
			verb = tense(words{"a été déplacé depuis la classe " + from + ".", "ont été déplacés depuis la classe " + from + "."},
				words{"serait déplacé depuis la classe " + from + ".", "seraient déplacés depuis la classe " + from + "."})
		case ActionUnchanged:
			verb = words{"est déjà à jour.", "sont déjà à jour."}
		case ActionGone:
			if to := it.changeOf("Class").After; to != "" {
				verb = words{"est inscrit dans la classe " + to + " dans la base élèves : il y sera déplacé par la synchronisation de cette classe ; il est conservé avec ses bilans.",
					"sont inscrits dans la classe " + to + " dans la base élèves : ils y seront déplacés par la synchronisation de cette classe ; ils sont conservés avec leurs bilans."}
			} else {
				verb = words{"ne fait plus partie de la classe ; il est conservé avec ses bilans.",
					"ne font plus partie de la classe ; ils sont conservés avec leurs bilans."}
			}
		case ActionLeft:
			verb = words{"a quitté l'établissement ; ses bilans sont conservés.", "ont quitté l'établissement ; leurs bilans sont conservés."}
		}
	case KindBilan:
		period := bilanPeriod(it.Key)
		subject = words{"Le bilan d'un élève (" + class + ", " + period + ")", "%d bilans (" + class + ")"}
		switch it.Action {
		case ActionLocked:
			subject = words{"Le bilan verrouillé d'un élève (" + class + ", " + period + ")", "%d bilans verrouillés (" + class + ")"}
			verb = words{"n'a pas été modifié.", "n'ont pas été modifiés."}
		case ActionImported:
			subject = words{"Le bilan importé d'un élève (" + class + ", " + period + ")", "%d bilans importés (" + class + ")"}
			verb = words{"n'a pas été modifié.", "n'ont pas été modifiés."}
		case ActionUpdated:
			verb = tense(words{"a été mis à jour.", "ont été mis à jour."}, words{"serait mis à jour.", "seraient mis à jour."})
		case ActionAdded:
			verb = tense(words{"a été créé.", "ont été créés."}, words{"serait créé.", "seraient créés."})
		case ActionUnchanged:
			verb = words{"est déjà à jour.", "sont déjà à jour."}
		}
	case KindSource:
		single = it.Note
	}
	if verb.one == "" && single == "" {
		verb = it.generic()
	}
	if verb.many == "" {
		verb.many = verb.one
	}
	if subject.many == "" {
		subject.many = subject.one
	}
	notes := it.notes()
	if it.Action == ActionUnchanged && len(notes) > 0 && single == "" {
		// Nothing changed but what the notes say: "L'élève (4e 1) : INE
		// hors du format national, ...", not "est déjà à jour. INE ...".
		first := notes[0]
		r, size := utf8.DecodeRuneInString(first)
		if next, _ := utf8.DecodeRuneInString(first[size:]); !unicode.IsUpper(next) { // "INE" stays
			notes = slices.Concat([]string{string(unicode.ToLower(r)) + first[size:]}, notes[1:])
		}
		verb = words{":", ":"}
		one := subject.one + " " + verb.one + " " + strings.Join(notes, " ")
		manyFmt := subject.many + " " + verb.many + " " + strings.Join(notes, " ")
		return it.phraseOf(class, one, manyFmt, subject.many)
	}
	one := single
	if one == "" {
		one = subject.one + " " + verb.one
	}
	one = withNotes(one, notes)
	manyFmt := withNotes(subject.many+" "+verb.many, notes)
	return it.phraseOf(class, one, manyFmt, subject.many)
}

// phraseOf makes the phrase of an item from its message for one record and
// its format for several.
func (it *Item) phraseOf(class, one, manyFmt, subjectMany string) phrase {
	single := it.Kind == KindSource && it.Note != ""
	key := it.Kind.String() + "\x00" + it.Action.String() + "\x00" + class + "\x00" + manyFmt
	if single || !strings.Contains(subjectMany, "%d") {
		key += "\x00" + it.Key // not merged
	}
	return phrase{
		key: key,
		one: one,
		many: func(n int) string {
			if !strings.Contains(manyFmt, "%d") {
				return one
			}
			return strings.Replace(manyFmt, "%d", itoa(n), 1)
		},
	}
}

// generic is the verb of an action that has no wording of its own for the
// item's kind, such as an item whose changes were lost with a failed
// commit.
func (it *Item) generic() words {
	switch it.Action {
	case ActionFailed:
		return words{"n'a pas pu être mis à jour" + cause(it.Err), "n'ont pas pu être mis à jour" + cause(it.Err)}
	case ActionUpdated:
		return words{"a été mis à jour.", "ont été mis à jour."}
	case ActionAdded:
		return words{"a été ajouté.", "ont été ajoutés."}
	case ActionUnchanged:
		return words{"est déjà à jour.", "sont déjà à jour."}
	}
	return words{": " + it.Action.String() + ".", ""}
}

// changeOf returns the item's change of the field, or the zero Change.
func (it *Item) changeOf(field string) Change {
	for _, c := range it.Changes {
		if c.Field == field {
			return c
		}
	}
	return Change{}
}

// notes returns the sentences that follow an item's message: the values
// kept, rejected, the subjects kept for their content, an error.
func (it *Item) notes() []string {
	var notes []string
	if len(it.Kept) > 0 {
		s := "Valeur absente de la source, conservée ("
		if len(it.Kept) > 1 {
			s = "Valeurs absentes de la source, conservées ("
		}
		notes = append(notes, s+joinFieldLabels(it.Kept)+").")
	}
	for _, rj := range it.Rejected {
		switch rj.Reason {
		case ReasonDuplicate:
			notes = append(notes, fieldLabel(rj.Field)+" attribué aussi à un autre élève, non enregistré ; à corriger dans la base élèves.")
		case ReasonFormat:
			notes = append(notes, fieldLabel(rj.Field)+" hors du format national, non enregistré ; à corriger dans la base élèves.")
		case ReasonType:
			// The item's message says it: the record was not written.
		default:
			notes = append(notes, fieldLabel(rj.Field)+" non enregistré ("+rj.Reason+").")
		}
	}
	if len(it.KeptSubjects) > 0 {
		s := "Matière retirée des services, conservée pour son contenu : "
		if len(it.KeptSubjects) > 1 {
			s = "Matières retirées des services, conservées pour leur contenu : "
		}
		notes = append(notes, s+subjectsText(it.KeptSubjects)+".")
	}
	if it.Action != ActionFailed && it.Kind != KindClass && it.Err != nil {
		notes = append(notes, "Erreur"+cause(it.Err))
	}
	return notes
}

func withNotes(s string, notes []string) string {
	for _, n := range notes {
		s = sentence(s) + " " + n
	}
	return s
}

// after returns the index of the first line of an item of another kind
// than kinds: the rows of the report come kind by kind, in that order.
func (r *Report) after(lines []Line, kinds ...Kind) int {
	for i, l := range lines {
		if len(l.Items) > 0 && !slices.Contains(kinds, r.Items[l.Items[0]].Kind) {
			return i
		}
	}
	return len(lines)
}

// uncarriedLine says once that the stored value of a field that no export
// carries was kept, for n records of a kind.
func uncarriedLine(kind, label string, n int) string {
	switch kind {
	case KindTeacher.String():
		return "Enseignants : " + label + " absent des exports, la valeur enregistrée est conservée pour " + plural(n, "enseignant.", "enseignants.")
	case KindStudent.String():
		return "Élèves : " + label + " absent des exports, la valeur enregistrée est conservée pour " + plural(n, "élève.", "élèves.")
	}
	return kind + " : " + label + " absent des exports, conservé pour " + itoa(n) + "."
}

// cause returns " (détail : <err>)." or "." when err is nil: the
// technical detail of a failure, in the words of the store or the source.
func cause(err error) string {
	if err == nil {
		return "."
	}
	return " (détail : " + strings.TrimSuffix(err.Error(), ".") + ")."
}

// sentence ends s with a full stop.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// bilanPeriod returns the period of a bilan key "1234/2025-T1": "T1".
func bilanPeriod(key string) string {
	_, p, ok := strings.Cut(key, "/")
	if !ok {
		return key
	}
	if _, name, ok := strings.Cut(p, "-"); ok {
		return name
	}
	return p
}

// subjectsText writes the keys of acquis as the text names subjects:
// "061300 (S), 030602 (O)".
func subjectsText(keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		if code, modality, ok := strings.Cut(k, "/"); ok {
			k = code + " (" + modality + ")"
		}
		names[i] = k
	}
	return strings.Join(names, ", ")
}

// joinFieldLabels joins the French names of fields with commas.
func joinFieldLabels(fields []string) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = fieldLabel(f)
	}
	return strings.Join(names, ", ")
}
