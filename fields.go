package lsusync

import (
	"slices"
	"strings"
)

// Field describes one field of a record type: its Go name, its French
// label, what a synchronisation does with it, and LSU's limits on its
// value. Each field of the records a [Store] keeps is declared once, in
// this package, and [Fields] returns the declarations: the
// synchronisation's merge, the report's French labels, the memo of a class
// and the conformance suite of package lsusynctest read them, so that a
// new field is added in one place.
type Field struct {
	// Name is the Go field's name in its struct: "LastName", "Synthesis".
	// A path of names joined by dots ("Address.City") names a nested
	// field, as [Change.Field] does.
	Name string
	// Label is the field's French name, as the report prints it: "nom",
	// "synthèse".
	Label string
	// Role is what a synchronisation does with the field.
	Role Role
	// Carried is, for a [RoleSynced] field, how a synchronisation reports
	// a stored value it keeps because the source left the field empty
	// (rule 4 of docs/rules.md).
	Carried Carried
	// LSU names the element or attribute of LSU's import file that holds
	// the value, relative to the record's element: "acquis-conseils",
	// "@nb-retards"; "" when the file has none.
	LSU string
	// MinLen and MaxLen bound the length of a text, in characters (0: no
	// bound). LSU's texts of 1 to N characters must also hold a character
	// that is not a space (one of U+0020, tab, line feed, carriage
	// return), unless Blank.
	MinLen, MaxLen int
	// Blank reports a text of MinLen 1 that may hold spaces only: LSU's
	// names and codes, which the schema bounds by their length alone.
	Blank bool
	// Digits reports a text that is a positive integer written in digits,
	// leading zeros allowed (an ELEVE_ID, an STS id): LSU compares such
	// values as numbers, so "01234" and "1234" are the same.
	Digits bool
	// Min and Max bound a number, when Max > 0.
	Min, Max int
	// Values are the values a text may take, when not nil.
	Values []string
	// Required reports a value that LSU's import file requires: a bilan
	// without it cannot be imported into LSU. For a list, at least one
	// element.
	Required bool
	// MinCount and MaxCount bound the number of elements of a non-empty
	// list (0: no bound).
	MinCount, MaxCount int
	// Unique reports a value that two elements of the list holding the
	// field may not share: a code given once per bilan. A field of a
	// struct type is compared by its key ([Subject.Key], a group by its
	// whole value).
	Unique bool
	// Feminine reports a Label that is a feminine noun, for the agreement
	// of the French words that follow it: « synthèse manquante »,
	// « responsable de l'établissement manquant ».
	Feminine bool
	// Fields are the fields of a struct, or of a slice's elements, nil for
	// a field of another type.
	Fields []Field

	// text and date give the field of a record passed as a pointer, for
	// the fields a synchronisation copies from the source.
	text func(rec any) *string
	date func(rec any) *Date
}

// Role is what a synchronisation does with a field.
type Role int

// The roles.
const (
	// RoleKey is a field of the record's key: never changed.
	RoleKey Role = iota + 1
	// RoleSynced is a field a synchronisation updates from the source. A
	// value the source leaves empty never erases a stored one.
	RoleSynced
	// RoleContent is what the school wrote (appreciations, synthesis, vie
	// scolaire...): a synchronisation never reads or changes it. Every
	// field of a field of RoleContent is content too, whatever its own
	// role.
	RoleContent
	// RoleFixed is kept as the store holds it, and a synchronisation never
	// changes it: the periods of a class, whether a bilan is locked or
	// imported.
	RoleFixed
	// RoleVersion is the record's [Version], which the store sets.
	RoleVersion
)

// String returns the role as a lowercase word: "key", "synced", "content",
// "fixed" or "version".
func (r Role) String() string {
	return enumName([]string{"", "key", "synced", "content", "fixed", "version"}, "Role", int(r))
}

// Carried is how a synchronisation reports a stored value that it keeps
// because the source left the field empty.
type Carried int

// The policies.
const (
	// CarriedBySource: a warning ([Item.Kept]) when the source gives the
	// field for another record of the kind, for the source may be
	// incomplete; said once for all the records ([Item.Uncarried]) when it
	// gives it for none, as no export carries it (the NUMEN).
	CarriedBySource Carried = iota
	// CarriedOnce: said once ([Item.Uncarried]), never a warning: a field
	// of the establishment, which one file alone carries.
	CarriedOnce
	// CarriedWarn: always a warning ([Item.Kept]).
	CarriedWarn
	// CarriedSilently: kept without a word (a subject's label).
	CarriedSilently
)

// Fields returns the declarations of the fields of the records of a kind:
// [KindEstablishment], [KindTeacher], [KindClass], [KindStudent] or
// [KindBilan], in the order of the Go type, with the fields of nested
// structs in [Field.Fields]; nil for another kind. The fields of an
// embedded struct ([BilanContent], [AcquisContent]) are listed as the
// record's own. The result is the caller's.
func Fields(k Kind) []Field {
	var fs []Field
	switch k {
	case KindEstablishment:
		fs = establishmentFields
	case KindTeacher:
		fs = teacherFields
	case KindClass:
		fs = classFields
	case KindStudent:
		fs = studentFields
	case KindBilan:
		fs = bilanFields
	default:
		return nil
	}
	return cloneFields(fs)
}

func cloneFields(fs []Field) []Field {
	out := slices.Clone(fs)
	for i := range out {
		out[i].Values = slices.Clone(out[i].Values)
		out[i].Fields = cloneFields(out[i].Fields)
	}
	return out
}

// text declares a text field that a synchronisation copies from the
// source.
func text[R any](name, label string, c Carried, get func(*R) *string) Field {
	return Field{Name: name, Label: label, Role: RoleSynced, Carried: c, text: func(r any) *string { return get(r.(*R)) }}
}

// The declarations. Each list is in the order of its Go type.
var (
	// addressFields are the fields of a guardian's address.
	addressFields = []Field{
		{Name: "Line1", Label: "adresse (ligne 1)", Feminine: true, Role: RoleContent, LSU: "@ligne1", MinLen: 1, MaxLen: 50},
		{Name: "Line2", Label: "adresse (ligne 2)", Feminine: true, Role: RoleContent, LSU: "@ligne2", MinLen: 1, MaxLen: 50},
		{Name: "Line3", Label: "adresse (ligne 3)", Feminine: true, Role: RoleContent, LSU: "@ligne3", MinLen: 1, MaxLen: 50},
		{Name: "Line4", Label: "adresse (ligne 4)", Feminine: true, Role: RoleContent, LSU: "@ligne4", MinLen: 1, MaxLen: 50},
		{Name: "PostalCode", Label: "code postal", Role: RoleContent, LSU: "@code-postal", MinLen: 1, MaxLen: 10, Required: true},
		{Name: "City", Label: "commune", Feminine: true, Role: RoleContent, LSU: "@commune", MinLen: 1, MaxLen: 100, Required: true},
		{Name: "Country", Label: "pays", Role: RoleContent},
	}

	establishmentFields = []Field{
		{Name: "UAI", Label: "UAI", Role: RoleKey, LSU: "entete/etablissement", MinLen: 8, MaxLen: 8, Blank: true, Required: true},
		text("Name", "nom", CarriedOnce, func(e *Establishment) *string { return &e.Name }),
		{Name: "Address", Label: "adresse", Feminine: true, Role: RoleSynced, Carried: CarriedOnce, Fields: []Field{
			feminine(text("Line1", "adresse (ligne 1)", CarriedOnce, func(e *Establishment) *string { return &e.Address.Line1 })),
			feminine(text("Line2", "adresse (ligne 2)", CarriedOnce, func(e *Establishment) *string { return &e.Address.Line2 })),
			feminine(text("Line3", "adresse (ligne 3)", CarriedOnce, func(e *Establishment) *string { return &e.Address.Line3 })),
			feminine(text("Line4", "adresse (ligne 4)", CarriedOnce, func(e *Establishment) *string { return &e.Address.Line4 })),
			text("PostalCode", "code postal", CarriedOnce, func(e *Establishment) *string { return &e.Address.PostalCode }),
			feminine(text("City", "commune", CarriedOnce, func(e *Establishment) *string { return &e.Address.City })),
			text("Country", "pays", CarriedOnce, func(e *Establishment) *string { return &e.Address.Country }),
		}},
		text("HeadName", "nom du chef d'établissement", CarriedOnce, func(e *Establishment) *string { return &e.HeadName }),
		text("Phone", "téléphone", CarriedOnce, func(e *Establishment) *string { return &e.Phone }),
		text("Email", "courriel", CarriedOnce, func(e *Establishment) *string { return &e.Email }),
		{Name: "Version", Label: "version", Feminine: true, Role: RoleVersion},
	}

	keyFields = []Field{
		{Name: "Type", Label: "type", Role: RoleKey, LSU: "@type", Values: []string{TypeEPP, TypeLocal, "dir", "autre"}, Required: true},
		{Name: "ID", Label: "identifiant STS-Web", Role: RoleKey, LSU: "@id-sts", Digits: true, Required: true},
	}

	teacherFields = []Field{
		{Name: "Key", Label: "clé", Feminine: true, Role: RoleKey, Fields: keyFields},
		feminine(withLimits(text("Civility", "civilité", CarriedBySource, func(t *Teacher) *string { return &t.Civility }), "@civilite", 0, 0, Monsieur, Madame)),
		blank(withLimits(text("LastName", "nom", CarriedBySource, func(t *Teacher) *string { return &t.LastName }), "@nom", 1, 100)),
		blank(withLimits(text("FirstName", "prénom", CarriedBySource, func(t *Teacher) *string { return &t.FirstName }), "@prenom", 0, 100)),
		withLimits(text("NUMEN", "NUMEN", CarriedBySource, func(t *Teacher) *string { return &t.NUMEN }), "", 13, 13),
		{Name: "Version", Label: "version", Feminine: true, Role: RoleVersion},
	}

	periodFields = []Field{
		{Name: "Year", Label: "année", Feminine: true, Role: RoleKey, LSU: "@millesime", Min: 1, Max: 9999, Required: true},
		{Name: "Index", Label: "indice", Role: RoleKey, LSU: "@indice", Min: 1, Max: 3, Required: true},
		{Name: "Count", Label: "nombre de périodes", Role: RoleKey, LSU: "@nb-periodes", Min: 2, Max: 3, Required: true},
	}

	classFields = []Field{
		{Name: "Code", Label: "code", Role: RoleKey, MinLen: 1, MaxLen: 20},
		text("Label", "libellé", CarriedWarn, func(c *Class) *string { return &c.Label }),
		{Name: "Periods", Label: "périodes", Feminine: true, Role: RoleFixed, Fields: periodFields},
		{Name: "Version", Label: "version", Feminine: true, Role: RoleVersion},
	}

	studentFields = []Field{
		{Name: "ID", Label: "ELEVE_ID", Role: RoleKey, LSU: "@id-be", Digits: true, Required: true},
		{Name: "Class", Label: "classe", Feminine: true, Role: RoleSynced, LSU: "@code-division", MinLen: 1, MaxLen: 20, Blank: true, Required: true},
		text("INE", "INE", CarriedBySource, func(s *Student) *string { return &s.INE }),
		blank(withLimits(text("LastName", "nom", CarriedBySource, func(s *Student) *string { return &s.LastName }), "@nom", 1, 100)),
		text("UsageName", "nom d'usage", CarriedBySource, func(s *Student) *string { return &s.UsageName }),
		blank(withLimits(text("FirstName", "prénom", CarriedBySource, func(s *Student) *string { return &s.FirstName }), "@prenom", 1, 100)),
		text("FirstName2", "deuxième prénom", CarriedBySource, func(s *Student) *string { return &s.FirstName2 }),
		text("FirstName3", "troisième prénom", CarriedBySource, func(s *Student) *string { return &s.FirstName3 }),
		{Name: "BirthDate", Label: "date de naissance", Feminine: true, Role: RoleSynced, Carried: CarriedBySource,
			date: func(r any) *Date { return &r.(*Student).BirthDate }},
		withLimits(text("Sex", "sexe", CarriedBySource, func(s *Student) *string { return (*string)(&s.Sex) }), "", 0, 0, string(Male), string(Female)),
		{Name: "Version", Label: "version", Feminine: true, Role: RoleVersion},
	}

	subjectFields = []Field{
		{Name: "Code", Label: "code", Role: RoleKey, LSU: "@code", MinLen: 6, MaxLen: 6, Blank: true, Required: true},
		{Name: "Label", Label: "libellé", Role: RoleSynced, Carried: CarriedSilently, LSU: "@libelle", MinLen: 1, MaxLen: 40, Required: true},
		{Name: "Modality", Label: "modalité d'élection", Feminine: true, Role: RoleSynced, Carried: CarriedSilently, LSU: "@modalite-election",
			Values: []string{"S", "O", "F", "L", "R", "X", "D"}, Required: true},
		{Name: "NationalCode", Label: "code national", Role: RoleContent, LSU: "@code-national", MinLen: 6, MaxLen: 6, Blank: true},
	}

	// comment is the declaration of LSU's commentaire, 1 to 600
	// characters, which many elements have.
	comment = Field{Name: "Comment", Label: "commentaire", Role: RoleContent, LSU: "commentaire", MinLen: 1, MaxLen: 600}

	teachingFields = []Field{
		{Name: "Teacher", Label: "enseignant", Role: RoleContent, LSU: "@enseignant-ref", Fields: keyFields, Required: true},
		{Name: "Subject", Label: "matière", Feminine: true, Role: RoleContent, LSU: "@discipline-ref", Fields: subjectFields, Required: true},
	}

	groupFields = func(name, label, lsu string, of []Field) []Field {
		return []Field{
			{Name: name, Label: label, Role: RoleContent, LSU: lsu, Fields: of, Required: true},
			{Name: "Title", Label: "intitulé du groupe", Role: RoleContent, LSU: "@intitule", MinLen: 1, MaxLen: 150, Required: true},
			comment,
			{Name: "Teaching", Label: "enseignants", Role: RoleContent, LSU: "enseignants-disciplines/enseignant-discipline", Fields: teachingFields, Required: true},
		}
	}

	epiFields = []Field{
		{Name: "Title", Label: "intitulé", Role: RoleContent, LSU: "@intitule", MinLen: 1, MaxLen: 150, Required: true},
		{Name: "Theme", Label: "thématique", Feminine: true, Role: RoleContent, LSU: "@thematique", MinLen: 1, MaxLen: 50, Blank: true, Required: true},
		{Name: "ThemeLabel", Label: "libellé de la thématique", Role: RoleContent, LSU: "epi-thematique/@libelle", MinLen: 1, MaxLen: 100},
		{Name: "Subjects", Label: "matières", Feminine: true, Role: RoleContent, LSU: "@discipline-refs", Fields: subjectFields, Required: true, MinCount: 2},
		{Name: "Description", Label: "description", Feminine: true, Role: RoleContent, LSU: "description", MinLen: 1, MaxLen: 600},
	}

	apFields = []Field{
		{Name: "Title", Label: "intitulé", Role: RoleContent, LSU: "@intitule", MinLen: 1, MaxLen: 150, Required: true},
		{Name: "Subjects", Label: "matières", Feminine: true, Role: RoleContent, LSU: "@discipline-refs", Fields: subjectFields, Required: true, MinCount: 1},
		{Name: "Description", Label: "description", Feminine: true, Role: RoleContent, LSU: "description", MinLen: 1, MaxLen: 600},
	}

	acquisFields = []Field{
		{Name: "Subject", Label: "matière", Feminine: true, Role: RoleSynced, LSU: "@discipline-ref", Fields: subjectFields, Required: true, Unique: true},
		{Name: "Teachers", Label: "enseignants", Role: RoleSynced, Carried: CarriedWarn, LSU: "@enseignant-refs", Fields: keyFields, Required: true},
		{Name: "ProgrammeElements", Label: "éléments de programme", Role: RoleContent, LSU: "@element-programme-refs", MinLen: 1, MaxLen: 300},
		{Name: "Positioning", Label: "positionnement", Role: RoleContent, LSU: "@positionnement", Min: 1, Max: 4},
		{Name: "Average", Label: "moyenne de l'élève", Feminine: true, Role: RoleContent, LSU: "@moyenne-eleve", MinLen: 1, MaxLen: 8, Blank: true},
		{Name: "ClassAverage", Label: "moyenne de la classe", Feminine: true, Role: RoleContent, LSU: "@moyenne-structure", MinLen: 1, MaxLen: 8, Blank: true},
		{Name: "NotGraded", Label: "élève non noté", Role: RoleContent, LSU: "@eleve-non-note"},
		{Name: "ClassNotGraded", Label: "classe non notée", Feminine: true, Role: RoleContent, LSU: "@structure-non-notee"},
		{Name: "Appreciation", Label: "appréciation", Feminine: true, Role: RoleContent, LSU: "appreciation", MinLen: 1, MaxLen: 600},
		{Name: "Content", Label: "autre contenu", Role: RoleContent},
	}

	bilanFields = []Field{
		{Name: "Student", Label: "élève", Role: RoleKey, LSU: "@eleve-ref", Required: true},
		{Name: "Period", Label: "période", Feminine: true, Role: RoleKey, LSU: "@periode-ref", Fields: periodFields, Required: true},
		{Name: "Locked", Label: "verrouillé", Role: RoleFixed},
		{Name: "Imported", Label: "importé", Role: RoleFixed},
		{Name: "Acquis", Label: "acquis", Role: RoleSynced, LSU: "liste-acquis/acquis", Fields: acquisFields, Required: true},
		{Name: "HeadTeachers", Label: "professeurs principaux", Role: RoleSynced, Carried: CarriedWarn, LSU: "@prof-princ-refs", Fields: keyFields},
		{Name: "CouncilDate", Label: "date du conseil de classe", Feminine: true, Role: RoleContent, LSU: "@date-conseil-classe", Required: true},
		{Name: "SchoolingDate", Label: "date de scolarité", Feminine: true, Role: RoleContent, LSU: "@date-scolarite", Required: true},
		{Name: "LockDate", Label: "date de verrouillage", Feminine: true, Role: RoleContent, LSU: "@date-verrou"},
		{Name: "Signatory", Label: "responsable de l'établissement", Role: RoleContent, LSU: "responsable-etab/@libelle", MinLen: 1, MaxLen: 100, Blank: true, Required: true},
		{Name: "Synthesis", Label: "synthèse", Feminine: true, Role: RoleContent, LSU: "acquis-conseils", MinLen: 1, MaxLen: 1000, Required: true},
		{Name: "HomeworkHelp", Label: "devoirs faits", Role: RoleContent, LSU: "devoirs-faits", MinLen: 1, MaxLen: 600},
		{Name: "SchoolLife", Label: "vie scolaire", Feminine: true, Role: RoleContent, LSU: "vie-scolaire", Required: true, Fields: []Field{
			{Name: "Late", Label: "retards", Role: RoleContent, LSU: "@nb-retards", Min: 0, Max: 999, Required: true},
			{Name: "Justified", Label: "demi-journées d'absence justifiées", Feminine: true, Role: RoleContent, LSU: "@nb-abs-justifiees", Min: 0, Max: 999, Required: true},
			{Name: "Unjustified", Label: "demi-journées d'absence injustifiées", Feminine: true, Role: RoleContent, LSU: "@nb-abs-injustifiees", Min: 0, Max: 999, Required: true},
			{Name: "MissedHours", Label: "heures de cours manquées", Feminine: true, Role: RoleContent, LSU: "@nb-heures-manquees", Min: 0, Max: 999},
			comment,
		}},
		{Name: "Support", Label: "modalités d'accompagnement", Feminine: true, Role: RoleContent, LSU: "modalites-accompagnement/modalite-accompagnement", Fields: []Field{
			{Name: "Code", Label: "modalité", Feminine: true, Role: RoleContent, LSU: "@code", Required: true, Unique: true,
				Values: []string{SupportPAP, SupportPPS, SupportUPE2A, SupportSEGPA, SupportULIS, SupportPAI, SupportPPRE, SupportCTR}},
			{Name: "PPRE", Label: "complément du PPRE", Role: RoleContent, LSU: "complement-ppre", MinLen: 1, MaxLen: 600},
			{Name: "Contract", Label: "complément du contrat de réussite", Role: RoleContent, LSU: "complement-contrat-reussite", MinLen: 1, MaxLen: 600},
		}},
		{Name: "Pathways", Label: "parcours", Role: RoleContent, LSU: "liste-parcours/parcours", Fields: []Field{
			{Name: "Code", Label: "parcours", Role: RoleContent, LSU: "@code", Values: []string{PathwayFuture, PathwayCitizen, PathwayArts, PathwayHealth},
				Required: true, Unique: true},
			{Name: "Text", Label: "texte", Role: RoleContent, MinLen: 1, MaxLen: 600, Required: true},
		}},
		{Name: "EPIs", Label: "EPI", Role: RoleContent, LSU: "epis-eleve/epi-eleve", Fields: []Field{
			{Name: "Group", Label: "groupe", Role: RoleContent, LSU: "@epi-groupe-ref", Fields: groupFields("EPI", "EPI", "@epi-ref", epiFields),
				Required: true, Unique: true},
			comment,
		}},
		{Name: "APs", Label: "accompagnements personnalisés", Role: RoleContent, LSU: "acc-persos-eleve/acc-perso-eleve", Fields: []Field{
			{Name: "Group", Label: "groupe", Role: RoleContent, LSU: "@acc-perso-groupe-ref", Fields: groupFields("AP", "accompagnement personnalisé", "@acc-perso-ref", apFields),
				Required: true, Unique: true},
			comment,
		}},
		{Name: "Digital", Label: "compétences numériques", Feminine: true, Role: RoleContent, LSU: "competences-numeriques", Fields: []Field{
			{Name: "Appreciation", Label: "appréciation", Feminine: true, Role: RoleContent, LSU: "appreciation-num", MinLen: 1, MaxLen: 600},
			{Name: "Levels", Label: "niveaux", Role: RoleContent, LSU: "competence-num", Fields: []Field{
				{Name: "Code", Label: "compétence", Feminine: true, Role: RoleContent, LSU: "@code", Required: true, Unique: true, Values: []string{
					"CN_INF_MEN", "CN_INF_GER", "CN_INF_TRA", "CN_COM_INT", "CN_COM_PAR", "CN_COM_COL", "CN_COM_SIN", "CN_CRE_TEX",
					"CN_CRE_MUL", "CN_CRE_ADA", "CN_CRE_PRO", "CN_PRO_SEC", "CN_PRO_DON", "CN_PRO_SAN", "CN_ENV_RES", "CN_ENV_EVO"}},
				{Name: "Level", Label: "niveau", Role: RoleContent, LSU: "@niveau", Min: 1, Max: 3, Required: true},
			}},
			{Name: "Common", Label: "appréciations communes", Feminine: true, Role: RoleContent, LSU: "@comp-num-commun-refs", Fields: []Field{
				{Name: "Structure", Label: "classe ou groupe", Feminine: true, Role: RoleContent, LSU: "@code-structure", MinLen: 1, MaxLen: 20, Blank: true, Required: true},
				{Name: "StructureType", Label: "type de structure", Role: RoleContent, LSU: "@type-structure", Values: []string{"D", "G"}, Required: true},
				{Name: "Text", Label: "appréciation", Feminine: true, Role: RoleContent, MinLen: 1, MaxLen: 600, Required: true},
			}},
		}},
		{Name: "Socle", Label: "socle commun", Role: RoleContent, LSU: "socle/domaine", MaxCount: 8, Fields: []Field{
			{Name: "Code", Label: "domaine", Role: RoleContent, LSU: "@code", Required: true, Unique: true, Values: []string{
				"CPD_FRA", "CPD_ETR", "CPD_SCI", "CPD_ART", "MET_APP", "FRM_CIT", "SYS_NAT", "REP_MND"}},
			{Name: "Positioning", Label: "positionnement", Role: RoleContent, LSU: "@positionnement", Min: 0, Max: 4, Required: true},
		}},
		{Name: "Guardians", Label: "responsables", Role: RoleContent, LSU: "responsables/responsable", Fields: []Field{
			{Name: "Civility", Label: "civilité", Feminine: true, Role: RoleContent, LSU: "@civilite", Values: []string{Monsieur, Madame}},
			{Name: "LastName", Label: "nom", Role: RoleContent, LSU: "@nom", MinLen: 1, MaxLen: 100, Blank: true},
			{Name: "FirstName", Label: "prénom", Role: RoleContent, LSU: "@prenom", MinLen: 1, MaxLen: 100, Blank: true},
			{Name: "Legal1", Label: "représentant légal 1", Role: RoleContent, LSU: "@legal1"},
			{Name: "Legal2", Label: "représentant légal 2", Role: RoleContent, LSU: "@legal2"},
			{Name: "Relationship", Label: "lien de parenté", Role: RoleContent, LSU: "@lien-parente", MinLen: 1, MaxLen: 40},
			{Name: "Name", Label: "dénomination", Feminine: true, Role: RoleContent, LSU: "@denomination", MinLen: 1, MaxLen: 600},
			{Name: "Address", Label: "adresse", Feminine: true, Role: RoleContent, LSU: "adresse", Fields: addressFields},
		}},
		{Name: "Content", Label: "autre contenu", Role: RoleContent},
		{Name: "Version", Label: "version", Feminine: true, Role: RoleVersion},
	}
)

// blank marks a declared text that may hold spaces only (see [Field.Blank]).
func blank(f Field) Field {
	f.Blank = true
	return f
}

// feminine marks a declared field whose label is a feminine noun.
func feminine(f Field) Field {
	f.Feminine = true
	return f
}

// withLimits gives a declared field LSU's attribute and limits.
func withLimits(f Field, lsu string, minLen, maxLen int, values ...string) Field {
	f.LSU, f.MinLen, f.MaxLen = lsu, minLen, maxLen
	if len(values) > 0 {
		f.Values = values
	}
	return f
}

// labels are the French labels of the fields of every record, by path:
// "LastName", "Address.City", "Acquis.Teachers".
var labels = func() map[string]string {
	m := make(map[string]string)
	var walk func(prefix string, fs []Field)
	walk = func(prefix string, fs []Field) {
		for _, f := range fs {
			path := prefix + f.Name
			if _, ok := m[path]; !ok {
				m[path] = f.Label
			}
			walk(path+".", f.Fields)
		}
	}
	for _, fs := range [][]Field{establishmentFields, teacherFields, classFields, studentFields, bilanFields} {
		walk("", fs)
	}
	return m
}()

// fieldLabel returns the French name of the field of a [Change] or a kept
// value, as the text shows it: "Address.City" is "commune";
// "Acquis[030201/S].Teachers" is "enseignants de la matière 030201 (S)",
// "Acquis[030201/S]" is "matière 030201 (S)". The JSON keeps the Go field
// path.
func fieldLabel(f string) string {
	if rest, ok := strings.CutPrefix(f, "Acquis["); ok {
		if key, sub, ok := strings.Cut(rest, "]"); ok {
			subject := "matière " + key
			if code, modality, ok := strings.Cut(key, "/"); ok {
				subject = "matière " + code + " (" + modality + ")"
			}
			sub = strings.TrimPrefix(sub, ".")
			switch sub {
			case "":
				return subject
			case "Label", "Modality":
				sub = "Subject." + sub
			}
			if l, ok := labels["Acquis."+sub]; ok {
				return l + " de la " + subject
			}
			return sub + " de la " + subject
		}
	}
	if l, ok := labels[f]; ok {
		return l
	}
	return f
}

// mergeRecord copies each non-empty synchronised field of src over the
// stored record dst, as declared in fs (rule 4 of docs/rules.md), recording
// the changes, and the stored values kept because the source had none: in
// Kept or Uncarried as the field's [Carried] says. carried reports the
// fields that the source gives for some record of the kind.
func (it *Item) mergeRecord(fs []Field, dst, src any, carried func(string) bool) {
	it.mergeFields("", fs, dst, src, carried)
}

func (it *Item) mergeFields(prefix string, fs []Field, dst, src any, carried func(string) bool) {
	for i := range fs {
		f := &fs[i]
		var same, empty bool
		var set func() (before, after string)
		switch {
		case f.text != nil:
			d, s := f.text(dst), f.text(src)
			same, empty = *d == *s, *s == ""
			set = func() (string, string) { before := *d; *d = *s; return before, *s }
		case f.date != nil:
			d, s := f.date(dst), f.date(src)
			same, empty = *d == *s, s.IsZero()
			set = func() (string, string) { before := d.String(); *d = *s; return before, s.String() }
		case f.Fields != nil && f.Role == RoleSynced:
			it.mergeFields(prefix+f.Name+".", f.Fields, dst, src, carried)
			continue
		default:
			continue
		}
		switch name := prefix + f.Name; {
		case same:
		case !empty:
			before, after := set()
			it.change(name, before, after)
		case f.Carried == CarriedWarn || f.Carried == CarriedBySource && carried != nil && carried(name):
			it.Kept = append(it.Kept, name)
		case f.Carried != CarriedSilently:
			it.Uncarried = append(it.Uncarried, name)
		}
	}
}

// syncedValues calls fn with each field of rec that a synchronisation
// copies from the source, as declared in fs, and its value: a text, or a
// date (text is then ""). The carried fields and a class's memo are made
// of them. The fields of a nested struct are given by their own name: the
// records whose carried fields are counted (pupils, teachers) have none.
func syncedValues(fs []Field, rec any, fn func(f *Field, text string, date Date)) {
	for i := range fs {
		f := &fs[i]
		switch {
		case f.text != nil:
			fn(f, *f.text(rec), Date{})
		case f.date != nil:
			fn(f, "", *f.date(rec))
		case f.Fields != nil && f.Role == RoleSynced:
			syncedValues(f.Fields, rec, fn)
		}
	}
}
