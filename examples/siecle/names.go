package siecle

import (
	"fmt"
	"strings"
)

// formatNames are the element and attribute names of the exports: those
// the reader knows, and those of the SIECLE and STS-Web exports it skips
// (the generator examples/gen writes the same). An error or a notice
// shows a name read from a file only when it is one of these: any other
// name may be a value that a damaged tag turned into a name, such as
// NGUYEN in <NOM_DE_FAMILLE NGUYEN</NOM_DE_FAMILLE>, and is described by
// its shape (see nameShape). TestFormatNames checks that the names of the
// fixtures and of the sample exports are all here.
var formatNames = func() map[string]bool {
	m := make(map[string]bool)
	for _, n := range strings.Fields(`
	ACADEMIE ADRESSE ANNEE ANNEE_SCOLAIRE APPLICATION_SOURCE BEE_COMMUN BEE_ELEVES
	BEE_NOMENCLATURES BEE_RESPONSABLES BEE_STRUCTURES BOITE_POST BOITE_POSTALE CEDEX CIVILITE
	CODE CODE_CATEGORIE CODE_COMMUNE_INSEE CODE_COMMUNE_INSEE_NAISS CODE_DEPARTEMENT_NAISS
	CODE_GESTION CODE_MATIERE CODE_MEF CODE_MEFSTAT CODE_MODALITE_ELECT CODE_MOD_COURS
	CODE_MOTIF_SORTIE CODE_NATURE CODE_PAYS CODE_POSTAL CODE_REGIME CODE_RNE CODE_SEXE
	CODE_STATUT CODE_STRUCTURE COMMUNE COMMUNE_ETRANGERE DATE_DEBUT DATE_DEBUT_ELEVE
	DATE_ENTREE DATE_EXPORT DATE_FIN DATE_FIN_ELEVE DATE_NAISS DATE_NAISSANCE DATE_SORTIE
	DENOM_COMPL DENOM_PRINC DISCIPLINE DISCIPLINES DIVISION DIVISIONS DIVISIONS_APPARTENANCE
	DIVISION_APPARTENANCE DONNEES DOUBLEMENT EDT_STS EFFECTIF_CALCULE EFFECTIF_PREVU
	ELENOET ELEVE ELEVES ELEVE_ID ENSEIGNANT ENSEIGNANTS ETABLISSEMENT_SENSIBLE FONCTION
	FORMATION GRADE GROUPE GROUPES HORAIRE HORODATAGE ID ID_NATIONAL INDIVIDU INDIVIDUS
	INE_BEA INE_RNIE LIBELLE LIBELLE_COURT LIBELLE_EDITION LIBELLE_LONG LIGNE1_ADRESSE
	LIGNE2_ADRESSE LIGNE3_ADRESSE LIGNE4_ADRESSE MATIERE MATIERES MATIERE_ETP MEF MEFS
	MEFS_APPARTENANCE MEF_APPARTENANCE MEF_RATTACHEMENT MEL_1 NB_HEURES NB_OPT_MINI
	NB_OPT_OBLIG NOM NOMENCLATURES NOM_DE_FAMILLE NOM_PATRONYMIQUE NOM_RESP NOM_USAGE
	NUM_OPTION OPTION OPTIONS OPTIONS_ELEVE OPTIONS_OBLIGATOIRES OPTION_OBLIGATOIRE
	PARAMETRES PRENOM PRENOM2 PRENOM3 PROFS_PRINC PROF_PRINC PROGRAMME PROGRAMMES QUAL_RESP
	RANG_OPTION SCOLARITE_AN_DERNIER SERVICE SERVICES SERVICES_SUPPLEANTS SEXE SIGLE STATUT
	STRUCTURE STRUCTURES STRUCTURES_ELEVE STS_EDT SUPPLEANT SUPPLEANTS TELECOPIE TELEPHONE
	TYPE TYPE_STRUCTURE UAJ VERSION VILLE_NAISS`) {
		m[n] = true
	}
	return m
}()

// isFormatName reports a name of the exports (see formatNames).
func isFormatName(b []byte) bool { return formatNames[string(b)] }

// nameShape describes a name read from a file without showing it: "a
// name of 6 letters", or of so many characters when not all are letters.
func nameShape(b []byte) string {
	letters := 0
	for _, c := range b {
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' {
			letters++
		}
	}
	switch {
	case len(b) == 1 && letters == 1:
		return "a name of 1 letter"
	case letters == len(b):
		return fmt.Sprintf("a name of %d letters", len(b))
	case len(b) == 1:
		return "a name of 1 character"
	}
	return fmt.Sprintf("a name of %d characters", len(b))
}

// elemField returns a name read from a file for Error.Element: the name
// when it is one of the exports', else "".
func elemField(b []byte) string {
	if isFormatName(b) {
		return string(b)
	}
	return ""
}

// elemDesc names an element in an error: "element <NOM>", or "an
// unexpected element (a name of 6 letters)".
func elemDesc(b []byte) string {
	if isFormatName(b) {
		return "element <" + string(b) + ">"
	}
	return "an unexpected element (" + nameShape(b) + ")"
}

// unexpectedDesc names an element that is not expected where it is:
// "unexpected element <NOM>", or "an unexpected element (a name of 6
// letters)".
func unexpectedDesc(b []byte) string {
	if isFormatName(b) {
		return "unexpected element <" + string(b) + ">"
	}
	return elemDesc(b)
}

// endTagDesc names an end tag in an error: "</NOM>", or "an unexpected
// end tag (a name of 6 letters)".
func endTagDesc(b []byte) string {
	if isFormatName(b) {
		return "</" + string(b) + ">"
	}
	return "an unexpected end tag (" + nameShape(b) + ")"
}

// attrDesc names an attribute in an error: "attribute ID", or "an
// unexpected attribute (a name of 6 letters)".
func attrDesc(b []byte) string {
	if isFormatName(b) {
		return "attribute " + string(b)
	}
	return "an unexpected attribute (" + nameShape(b) + ")"
}

// rootName returns the root element of a file as errors show it: as
// written, for a damaged export must be recognisable (BEE_COMMUNX), but
// cut to 64 bytes. The root is the first element of the file, before any
// data.
func rootName(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "..."
	}
	return string(b)
}
