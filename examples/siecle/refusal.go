package siecle

import (
	"errors"
	"strconv"
	"strings"
)

// problem is what an [*Error] refuses, when its sentinel does not say it
// alone: the French text of [Error.FrenchText] depends on it.
type problem int

const (
	problemNone          problem = iota
	problemMissing               // a required export is not there (kind says which)
	problemTwice                 // two files of one kind (other is the first)
	problemWrongSlot             // a file given as another kind of export (kind says which)
	problemTruncated             // the file ends before its root element closes
	problemDamaged               // a zip that cannot be read or decompressed
	problemZipCount              // a zip with no XML file, or several
	problemEstablishment         // files of two establishments (other, otherValue)
	problemSchoolYear            // files of two school years (other, otherValue)
)

// kindNames are the French names of the exports, as the refusals say them.
var kindNames = [...]string{
	KindUnknown:      "un fichier inconnu",
	KindEleves:       "l'export des élèves de la base élèves (ElevesSansAdresses.xml, souvent dans ExportXML_ElevesSansAdresses.zip)",
	KindCommuns:      "l'export des données communes de la base élèves (Communs.xml, dans ExportCommuns.zip)",
	KindStructures:   "l'export des structures de la base élèves (Structures.xml)",
	KindNomenclature: "l'export des nomenclatures de la base élèves (Nomenclature.xml)",
	KindSTS:          "l'export de STS-Web pour les emplois du temps (sts_emp_UAI_ANNÉE.xml)",
}

func kindName(k Kind) string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return kindNames[KindUnknown]
}

// FrenchText says in French, for the head of the establishment, which
// file is refused and why, and what to do: the file missing, given twice,
// of the wrong direction, re-saved in another encoding, truncated or
// damaged, of two establishments or two school years, or a wrong value
// with its line and element. Like Error, it never holds personal data.
// [lsusync.RefusalText] gives it for an error that holds an *Error.
func (e *Error) FrenchText() string {
	file := "Le fichier " + e.File
	where := ""
	if e.Line > 0 {
		where = " (ligne " + strconv.Itoa(e.Line) + ")"
	}
	switch e.problem {
	case problemMissing:
		if e.File == "" {
			return "Les exports ne sont pas complets : il manque " + kindName(e.kind) + ", qui est nécessaire."
		}
		return "Le dossier " + e.File + " ne contient pas " + kindName(e.kind) + ", qui est nécessaire : téléchargez-le et placez-le dans ce dossier."
	case problemTwice:
		return "Le dossier contient deux fois " + kindName(e.kind) + " : " + e.other + " et " + e.File +
			" (le « (1) » d'un second téléchargement ?). Gardez-en un seul, le plus récent, et retirez l'autre du dossier."
	case problemWrongSlot:
		return file + " est " + kindName(e.found) + ", donné à la place de " + kindName(e.kind) + " : vérifiez les fichiers indiqués."
	case problemTruncated:
		return file + " est incomplet" + where + " : il a été tronqué pendant le téléchargement ou la copie. Téléchargez-le de nouveau."
	case problemDamaged:
		return "L'archive " + e.File + " est endommagée et ne peut pas être lue : téléchargez-la de nouveau."
	case problemZipCount:
		return "L'archive " + e.File + " ne contient pas exactement un fichier XML, comme les exports de la base élèves et de STS-Web : " +
			"donnez l'archive telle que téléchargée, ou le fichier XML lui-même."
	case problemEstablishment:
		return "Les fichiers " + e.other + " et " + e.File + " sont de deux établissements (" + e.otherValue + " et " + e.Value +
			") : donnez les exports d'un seul établissement."
	case problemSchoolYear:
		return "Les fichiers " + e.other + " et " + e.File + " sont de deux années scolaires (" + e.otherValue + " et " + e.Value +
			") : donnez les exports d'une même année, téléchargés le même jour."
	}
	switch {
	case errors.Is(e.Err, ErrWrongFile) && (e.Element == "EDT_STS" || strings.HasSuffix(e.Element, "APPLICATION_SOURCE")):
		return file + " est celui qu'un logiciel d'emploi du temps envoie à STS-Web, pas l'export de STS-Web : " +
			"téléchargez dans STS-Web l'export pour les emplois du temps (sts_emp_UAI_ANNÉE.xml) et utilisez-le à sa place."
	case errors.Is(e.Err, ErrWrongFile) && e.Element != "":
		return file + " n'est pas un export que la synchronisation lit (son élément racine est " + e.Element +
			") : retirez-le du dossier, ou téléchargez-le de nouveau s'il s'agit d'un export endommagé."
	case errors.Is(e.Err, ErrWrongFile):
		return file + " n'est pas un export de la base élèves ni de STS-Web : retirez-le du dossier."
	case errors.Is(e.Err, ErrEncoding):
		return file + " n'est pas dans le codage de caractères des exports" + where +
			" : il a sans doute été ré-enregistré par un autre logiciel, ce qui altère les lettres accentuées. " +
			"Téléchargez-le de nouveau et utilisez-le sans l'ouvrir ni l'enregistrer."
	case errors.Is(e.Err, ErrSyntax):
		return file + " est endommagé" + where + " : ce n'est pas un fichier XML valide. Téléchargez-le de nouveau."
	case errors.Is(e.Err, ErrTooLarge):
		return file + " dépasse la taille que la synchronisation accepte : vérifiez qu'il s'agit bien de l'export attendu, ou téléchargez-le de nouveau."
	case errors.Is(e.Err, ErrMismatch):
		return "Les exports ne vont pas ensemble" + where + " : " + file + " n'est pas du même établissement ou de la même année que les autres."
	}
	var at []string
	if e.Line > 0 {
		at = append(at, "ligne "+strconv.Itoa(e.Line))
	}
	if e.Element != "" {
		at = append(at, "élément "+e.Element)
	}
	if e.Value != "" {
		at = append(at, "valeur « "+e.Value+" »")
	}
	if len(at) > 0 {
		file += " contient une donnée incorrecte (" + strings.Join(at, ", ") + ")"
	} else {
		file += " contient une donnée incorrecte"
	}
	return file + " : corrigez-la dans la base élèves ou STS-Web, puis téléchargez l'export de nouveau. Le détail technique dit ce qui ne va pas."
}
