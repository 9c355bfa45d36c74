package gen

import "github.com/lsusync/lsusync"

// Establishment is a generated establishment: everything the SIECLE and
// STS-Web exports hold, as plain exported data. Tests may modify it freely
// (rename a class, correct a name, add a teacher to a service, make a pupil
// leave) and call [Establishment.WriteExports] or [Establishment.Source]
// again to simulate a later export. Cross references are by code or key,
// never by pointer: a pupil's Division is a Division's Code, a service's
// teachers are Teacher keys, a group's Divisions are Division codes.
type Establishment struct {
	// Config is the normalised configuration the establishment was
	// generated from. Year, UAI and Today are read from here by the
	// exports and the store snapshot.
	Config Config
	// Identity is the establishment's identity (Communs.xml and STS
	// PARAMETRES/UAJ).
	Identity Identity
	// Subjects are the matières, in nomenclature order.
	Subjects []Subject
	// MEFs are the formations (modules élémentaires de formation).
	MEFs []MEF
	// Programmes are the Nomenclature.xml PROGRAMMES, in file order.
	Programmes []Programme
	// Divisions are the classes, in file order.
	Divisions []Division
	// Groups are the teaching groups, in file order.
	Groups []Group
	// Teachers are the STS individuals: INDIVIDUS, then the SUPPLEANTS
	// (Substitute true), in file order.
	Teachers []Teacher
	// Pupils are the SIECLE pupils, in file order.
	Pupils []Pupil
}

// Identity is the establishment's identity as Communs.xml (BEE_COMMUN) and
// the STS-Web PARAMETRES/UAJ give it.
type Identity struct {
	Sigle      string // SIGLE, e.g. "CLG"
	Name       string // DENOM_PRINC
	NameCompl  string // DENOM_COMPL
	HeadName   string // NOM_RESP, "Prénom NOM", kept whole
	HeadTitle  string // QUAL_RESP, e.g. "PRINCIPAL"
	Line1      string // LIGNE1_ADRESSE (and STS ADRESSE)
	Line2      string // LIGNE2_ADRESSE
	Line3      string // LIGNE3_ADRESSE
	Line4      string // LIGNE4_ADRESSE
	POBox      string // BOITE_POST (BOITE_POSTALE in STS)
	PostalCode string // CODE_POSTAL
	INSEECode  string // CODE_COMMUNE_INSEE
	// ForeignCity is COMMUNE_ETRANGERE, only for establishments abroad;
	// written only when not empty.
	ForeignCity   string
	City          string // STS COMMUNE
	Country       string // CODE_PAYS, "100" for France
	Phone         string // TELEPHONE
	Fax           string // TELECOPIE
	Email         string // MEL_1
	AcademyCode   string // STS ACADEMIE/CODE
	AcademyLabel  string // STS ACADEMIE/LIBELLE
	NatureCode    string // STS CODE_NATURE
	CategoryCode  string // STS CODE_CATEGORIE
	Status        string // STS STATUT
	Sensitive     string // STS ETABLISSEMENT_SENSIBLE, "N" or "O"
	StartOfYear   lsusync.Date
	EndOfYear     lsusync.Date
	PupilYearFrom lsusync.Date // Communs ANNEE_SCOLAIRE/DATE_DEBUT_ELEVE
	PupilYearTo   lsusync.Date // Communs ANNEE_SCOLAIRE/DATE_FIN_ELEVE
}

// Subject is a matière with its STS-Web labels and its Nomenclature.xml
// labels. Some STS labels are empty, as in real files, so that the
// Nomenclature labels are used.
type Subject struct {
	Code       string // 6-digit CODE_MATIERE, leading zeros kept
	Management string // CODE_GESTION
	// STS NOMENCLATURES/MATIERES labels; all three empty for some subjects.
	Short, Long, Edition string
	// Nomenclature.xml labels.
	NomShort, NomLong, NomEdition string
	// NotInSTS leaves the subject out of the STS MATIERES (it is still in
	// Nomenclature.xml).
	NotInSTS bool
}

// MEF is a formation of the MEF nomenclature.
type MEF struct {
	Code      string // 11-character CODE_MEF
	Formation string // FORMATION
	Short     string // LIBELLE_COURT
	Long      string // LIBELLE_LONG
	Edition   string // LIBELLE_EDITION
	Stat      string // CODE_MEFSTAT
}

// Programme is a Nomenclature.xml PROGRAMME: the modalité d'élection and
// the weekly hours of a subject in a MEF.
type Programme struct {
	MEF      string // CODE_MEF
	Subject  string // CODE_MATIERE
	Modality string // CODE_MODALITE_ELECT: S, O, F, N, L, R or X
	Hours    string // HORAIRE, decimal text such as "4.00"; "0.00" or "" counts as none
}

// Division is a class: STS-Web DIVISION and Structures.xml DIVISION.
type Division struct {
	Code string
	// STSLabel is the STS LIBELLE_LONG, often empty as in real files.
	STSLabel string
	// Label is the Structures.xml LIBELLE_LONG.
	Label string
	// MEFs are the codes of the division's formations
	// (MEFS_APPARTENANCE), one or two.
	MEFs []string
	// Services are the division's STS services.
	Services []Service
	// Planned is EFFECTIF_PREVU.
	Planned int
	// NotInSTS leaves the division out of the STS export (it stays in
	// Structures.xml), and NotInStructures out of Structures.xml.
	NotInSTS, NotInStructures bool
}

// Group is a teaching group spanning one or several divisions (LV2,
// option, half-class): STS-Web GROUPE and Structures.xml GROUPE.
type Group struct {
	Code      string
	Label     string   // LIBELLE_LONG, in both files
	Divisions []string // DIVISIONS_APPARTENANCE, division codes
	Services  []Service
	Planned   int // EFFECTIF_PREVU
}

// Service is an STS-Web SERVICE: a subject taught by some teachers.
type Service struct {
	Subject  string // CODE_MATIERE
	Course   string // CODE_MOD_COURS, "CG" (cours général) mostly
	Teachers []lsusync.TeacherKey
}

// Teacher is an STS-Web INDIVIDU (or SUPPLEANT).
type Teacher struct {
	Key lsusync.TeacherKey // @TYPE "epp", "local" or "dir", and @ID
	// Sex is SEXE: "1", "2" or "" (empty for some local staff).
	Sex string
	// Civility is CIVILITE: "1" (M.), "2" (Mme), "3" (Mlle) or "".
	Civility  string
	UsageName string // NOM_USAGE; empty for some, then NOM_PATRONYMIQUE is the name
	BirthName string // NOM_PATRONYMIQUE; empty for some local staff
	FirstName string // PRENOM
	BirthDate lsusync.Date
	Grade     string // GRADE, e.g. "CERT CE"
	// Function is FONCTION: "ENS", "DIR", "EDU" or "" (local staff and
	// people on leave have none).
	Function    string
	HeadOf      []HeadAppointment // PROFS_PRINC
	Disciplines []Discipline      // DISCIPLINES
	// Substitute writes the teacher under SUPPLEANTS instead of INDIVIDUS.
	Substitute bool
}

// HeadAppointment is a PROF_PRINC: professeur principal of a division,
// with optional dates.
type HeadAppointment struct {
	Division   string
	Start, End lsusync.Date
}

// Discipline is an STS DISCIPLINE (a teaching post, not a subject).
type Discipline struct {
	Code  string
	Label string
	Hours string
}

// Pupil is a SIECLE pupil: ELEVE, OPTION and STRUCTURES_ELEVE of
// ElevesSansAdresses.xml.
type Pupil struct {
	ID      string // ELEVE_ID
	ELENOET string
	// INE is ID_NATIONAL; INERNIE and INEBEA the other INE elements.
	// Some pupils have only INE_RNIE or only INE_BEA.
	INE, INERNIE, INEBEA string
	LastName             string // NOM_DE_FAMILLE
	UsageName            string // NOM_USAGE
	FirstName            string // PRENOM
	FirstName2           string // PRENOM2
	FirstName3           string // PRENOM3
	BirthDate            lsusync.Date
	// Sex is CODE_SEXE: "1", "2", or "" (element absent).
	Sex          string
	BirthCountry string // CODE_PAYS
	BirthDept    string // CODE_DEPARTEMENT_NAISS
	BirthINSEE   string // CODE_COMMUNE_INSEE_NAISS
	BirthCity    string // VILLE_NAISS, for pupils born abroad
	MEF          string // CODE_MEF
	Status       string // CODE_STATUT
	Regime       string // CODE_REGIME
	Repeating    string // DOUBLEMENT, "O" or "N"
	EntryDate    lsusync.Date
	ExitDate     lsusync.Date // DATE_SORTIE; zero when none
	ExitReason   string       // CODE_MOTIF_SORTIE
	// Division is the code of the D structure: a division code, "Inactifs",
	// or "" for a pupil with group structures only.
	Division string
	// Groups are the codes of the G structures, in file order.
	Groups  []string
	Options []PupilOption
}

// PupilOption is one OPTIONS_ELEVE of a pupil.
type PupilOption struct {
	Subject  string // CODE_MATIERE
	Modality string // CODE_MODALITE_ELECT
}

// InactiveDivision is the pseudo-division SIECLE gives pupils who are no
// longer active; it is no class.
const InactiveDivision = "Inactifs"
