package lsusync

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
)

// The French rendering of a Report, as LSU shows it (DOMAIN.md §5):
//
//	Synchronisation lancée pour : 3EME1, 3EME2
//
//	Statut | Message
//	-------+--------------------------------------------
//	✓      | L'établissement a bien été mis à jour
//	⚠      | L'élève (3EME1) a quitté l'établissement ; ses bilans sont conservés.
//	...
//
//	La synchronisation s'est déroulée avec succès.
//
// Statuses are rendered ✓ (success), ⚠ (warning) and ✗ (error). A dry run
// says it is a simulation in its header and its last line, and writes its
// messages in the conditional ("serait mis à jour").

// String returns the report's French rendering; see [Report.WriteText].
func (r *Report) String() string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}

// WriteText writes the report as LSU shows it, in French: a header naming
// the synchronised classes, a "Statut | Message" table with one line per
// item, and a last line telling how the synchronisation ended. Statuses
// are rendered ✓ (success), ⚠ (warning) and ✗ (error).
//
// The text holds no personal data: pupils and bilans are named by their
// class (and period), never by name, INE or ID; kept values are named by
// their field, not their value. Teachers are named by their STS key
// ("epp:4189"), classes and subjects by their codes. The cause of a failed
// item is its error's message, which comes from the store or the source.
func (r *Report) WriteText(w io.Writer) error { return r.write(w, false) }

// WriteDetails writes the same table as [Report.WriteText], and under each
// item its key, its field-level changes ("LastName: DUPONT → DUPOND") and
// the fields and subjects it kept. It holds personal data: give it only to
// those entitled to read the pupils' records.
func (r *Report) WriteDetails(w io.Writer) error { return r.write(w, true) }

const (
	tableHead = "Statut | Message"
	tableRule = "-------+--------------------------------------------"
	cellPad   = "      | " // after the one-rune status symbol
	detailPad = "       |     "
	emptyText = "(vide)"
)

func (r *Report) write(w io.Writer, details bool) error {
	bw := bufio.NewWriter(w)
	classes := strings.Join(r.Classes, ", ")
	if r.DryRun {
		bw.WriteString("Simulation de la synchronisation pour : " + classes + "\n")
		bw.WriteString("Aucune modification n'a été enregistrée.\n\n")
	} else {
		bw.WriteString("Synchronisation lancée pour : " + classes + "\n\n")
	}
	bw.WriteString(tableHead + "\n" + tableRule + "\n")
	for i := range r.Items {
		it := &r.Items[i]
		bw.WriteString(statusSymbol(it.Status) + cellPad + it.message(r.DryRun) + "\n")
		if details {
			writeDetails(bw, it)
		}
	}
	bw.WriteString("\n" + r.lastLine() + "\n")
	return bw.Flush()
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

func writeDetails(bw *bufio.Writer, it *Item) {
	line := func(s string) { bw.WriteString(detailPad + s + "\n") }
	line(kindLabel(it.Kind) + " " + it.Key)
	for _, c := range it.Changes {
		line(c.Field + ": " + orEmpty(c.Before) + " → " + orEmpty(c.After))
	}
	if len(it.Kept) > 0 {
		line("Conservé (absent de la source) : " + strings.Join(it.Kept, ", "))
	}
	if len(it.KeptSubjects) > 0 {
		line("Matières conservées pour leur contenu : " + strings.Join(it.KeptSubjects, ", "))
	}
	if it.Err != nil {
		line("Erreur : " + it.Err.Error())
	}
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
	}
	return k.String()
}

func orEmpty(s string) string {
	if s == "" {
		return emptyText
	}
	return s
}

// lastLine tells how the synchronisation ended.
func (r *Report) lastLine() string {
	c := r.Counts()
	var b strings.Builder
	subject := "La synchronisation"
	if r.DryRun {
		subject = "La simulation"
	}
	switch {
	case c.Errors > 0:
		b.WriteString(subject + " s'est terminée avec " + plural(c.Errors, "erreur", "erreurs"))
		if c.Warnings > 0 {
			b.WriteString(" et " + plural(c.Warnings, "avertissement", "avertissements"))
		}
		b.WriteString(".")
	case c.Warnings > 0:
		b.WriteString(subject + " s'est déroulée avec succès, avec " +
			plural(c.Warnings, "avertissement", "avertissements") + ".")
	default:
		b.WriteString(subject + " s'est déroulée avec succès.")
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

// message returns the item's line in LSU's voice, without personal data.
func (it *Item) message(dry bool) string {
	// verb picks the past or, in a dry run, the conditional.
	verb := func(past, cond string) string {
		if dry {
			return cond
		}
		return past
	}
	var msg string
	switch it.Kind {
	case KindEstablishment:
		switch it.Action {
		case ActionUpdated:
			msg = "L'établissement " + verb("a bien été mis à jour", "serait mis à jour")
		case ActionUnchanged:
			msg = "L'établissement est déjà à jour."
		default:
			msg = "L'établissement" + it.generic(verb)
		}
	case KindTeacher:
		who := "L'enseignant (" + it.Key + ")"
		switch it.Action {
		case ActionUpdated:
			msg = who + " " + verb("a été mis à jour.", "serait mis à jour.")
		case ActionAdded:
			msg = who + " " + verb("a été ajouté.", "serait ajouté.")
		case ActionUnchanged:
			msg = who + " est déjà à jour."
		default:
			msg = who + it.generic(verb)
		}
	case KindClass:
		what := "La classe " + it.Key
		switch it.Action {
		case ActionUpdated:
			msg = what + " " + verb("a été mise à jour.", "serait mise à jour.")
		case ActionUnchanged:
			msg = what + " est déjà à jour."
		case ActionNotInSource:
			msg = what + " n'existe plus dans la base élèves ; elle est conservée."
		case ActionFailed:
			if errors.Is(it.Err, context.Canceled) || errors.Is(it.Err, context.DeadlineExceeded) {
				msg = what + " n'a pas été synchronisée : la synchronisation a été interrompue."
			} else {
				msg = what + " n'a pas pu être synchronisée" + cause(it.Err)
			}
		default:
			msg = what + it.generic(verb)
		}
	case KindStudent:
		who := "L'élève (" + it.Class + ")"
		switch it.Action {
		case ActionUpdated:
			msg = who + " " + verb("a été mis à jour.", "serait mis à jour.")
		case ActionAdded:
			msg = who + " " + verb("a été ajouté.", "serait ajouté.")
		case ActionUnchanged:
			msg = who + " est déjà à jour."
		case ActionGone:
			msg = who + " ne fait plus partie de la classe ; il est conservé avec ses bilans."
		case ActionLeft:
			msg = who + " a quitté l'établissement ; ses bilans sont conservés."
		case ActionMoved:
			other := ""
			for _, c := range it.Changes {
				if c.Field == "Class" && c.Before != "" {
					other = " (" + c.Before + ")"
				}
			}
			msg = who + " est inscrit dans une autre classe" + other + " ; il n'a pas été déplacé."
		default:
			msg = who + it.generic(verb)
		}
	case KindBilan:
		whose := "d'un élève (" + it.Class + ", " + bilanPeriod(it.Key) + ")"
		switch it.Action {
		case ActionLocked:
			msg = "Le bilan verrouillé " + whose + " n'a pas été modifié."
		case ActionImported:
			msg = "Le bilan importé " + whose + " n'a pas été modifié."
		case ActionUpdated:
			msg = "Le bilan " + whose + " " + verb("a été mis à jour.", "serait mis à jour.")
		case ActionUnchanged:
			msg = "Le bilan " + whose + " est déjà à jour."
		default:
			msg = "Le bilan " + whose + it.generic(verb)
		}
	default:
		msg = it.Kind.String() + " " + it.Key + " : " + it.Action.String() + "."
	}
	if len(it.Kept) > 0 {
		names := make([]string, len(it.Kept))
		for i, f := range it.Kept {
			names[i] = fieldLabel(f)
		}
		s := "Valeur absente de la source, conservée : "
		if len(names) > 1 {
			s = "Valeurs absentes de la source, conservées : "
		}
		msg = sentence(msg) + " " + s + strings.Join(names, ", ") + "."
	}
	if len(it.KeptSubjects) > 0 {
		s := "Matière retirée des services, conservée pour son contenu : "
		if len(it.KeptSubjects) > 1 {
			s = "Matières retirées des services, conservées pour leur contenu : "
		}
		msg = sentence(msg) + " " + s + strings.Join(it.KeptSubjects, ", ") + "."
	}
	if it.Action != ActionFailed && it.Kind != KindClass && it.Err != nil {
		msg = sentence(msg) + " Erreur" + cause(it.Err)
	}
	return msg
}

// generic is the end of the message of an action that has no wording of
// its own for the item's kind, such as an item whose changes were lost
// with a failed commit.
func (it *Item) generic(verb func(past, cond string) string) string {
	switch it.Action {
	case ActionFailed:
		return " n'a pas pu être mis à jour" + cause(it.Err)
	case ActionUpdated:
		return " " + verb("a été mis à jour.", "serait mis à jour.")
	case ActionAdded:
		return " " + verb("a été ajouté.", "serait ajouté.")
	case ActionUnchanged:
		return " est déjà à jour."
	}
	return " : " + it.Action.String() + "."
}

// cause returns " : <err>." or "." when err is nil.
func cause(err error) string {
	if err == nil {
		return "."
	}
	return " : " + strings.TrimSuffix(err.Error(), ".") + "."
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

// fieldLabels are the French names of the synchronised fields, for the
// kept-values warnings.
var fieldLabels = map[string]string{
	"Name":               "nom",
	"Address.Line1":      "adresse (ligne 1)",
	"Address.Line2":      "adresse (ligne 2)",
	"Address.Line3":      "adresse (ligne 3)",
	"Address.Line4":      "adresse (ligne 4)",
	"Address.PostalCode": "code postal",
	"Address.City":       "commune",
	"Address.Country":    "pays",
	"HeadName":           "nom du chef d'établissement",
	"Phone":              "téléphone",
	"Email":              "courriel",
	"Civility":           "civilité",
	"LastName":           "nom",
	"UsageName":          "nom d'usage",
	"FirstName":          "prénom",
	"FirstName2":         "deuxième prénom",
	"FirstName3":         "troisième prénom",
	"NUMEN":              "NUMEN",
	"INE":                "INE",
	"Sex":                "sexe",
	"BirthDate":          "date de naissance",
	"Label":              "libellé",
	"HeadTeachers":       "professeurs principaux",
}

// fieldLabel returns the French name of a field; "Acquis[030201].Teachers"
// is "enseignants de la matière 030201".
func fieldLabel(f string) string {
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	if rest, ok := strings.CutPrefix(f, "Acquis["); ok {
		if code, sub, ok := strings.Cut(rest, "]."); ok {
			switch sub {
			case "Teachers":
				return "enseignants de la matière " + code
			case "Label":
				return "libellé de la matière " + code
			case "Modality":
				return "modalité d'élection de la matière " + code
			}
		}
	}
	return f
}
