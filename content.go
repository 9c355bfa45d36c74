package lsusync

import (
	"maps"
	"slices"
)

// BilanContent is what the teachers, the class council and the vie
// scolaire write in a bilan périodique: every element of LSU's
// bilan-periodique but its subjects, their teachers and the professeurs
// principaux. A synchronisation never reads or changes it. [Bilan] embeds
// it, so that its fields are the bilan's.
//
// The limits in the field docs are LSU's (schema 7.0 of its import file):
// lengths in characters, at least one that is not a space; a store keeps
// what it is given, and the writer of the import file checks them. Empty
// values mean "not entered".
type BilanContent struct {
	// CouncilDate is the date of the class council (date-conseil-classe).
	CouncilDate Date `json:"councilDate,omitzero"`
	// SchoolingDate is the date from which the pupil was taught in the
	// class for the period (date-scolarite): the start of the period, or
	// the pupil's arrival. The class council is not before it.
	SchoolingDate Date `json:"schoolingDate,omitzero"`
	// LockDate is when the bilan was locked (date-verrou), as the software
	// that locked it recorded it. It is content: whether the store treats
	// the bilan as locked is [Bilan.Locked].
	LockDate DateTime `json:"lockDate,omitzero"`
	// Signatory is the head of establishment responsible for the bilan
	// (responsable-etab/@libelle, 1 to 100 characters): a name as it is
	// printed, "Mme Claire DUPONT".
	Signatory string `json:"signatory,omitempty"`
	// Synthesis is the class council's synthesis, "acquis et conseils
	// pour progresser" (acquis-conseils, 1 to 1,000 characters).
	Synthesis string `json:"synthesis,omitempty"`
	// HomeworkHelp is the appreciation of "devoirs faits" (devoirs-faits,
	// 1 to 600 characters).
	HomeworkHelp string `json:"homeworkHelp,omitempty"`
	// SchoolLife is the vie scolaire: late arrivals, absences and a
	// comment (vie-scolaire); nil when not entered. LSU requires it.
	SchoolLife *SchoolLife `json:"schoolLife,omitempty"`
	// Support are the modalités d'accompagnement of the pupil
	// (modalites-accompagnement), each code once.
	Support []Support `json:"support,omitempty"`
	// Pathways are the parcours éducatifs, one text per parcours
	// (liste-parcours), each code once.
	Pathways []Pathway `json:"pathways,omitempty"`
	// EPIs are the enseignements pratiques interdisciplinaires the pupil
	// followed (epis-eleve), each group once.
	EPIs []PupilEPI `json:"epis,omitempty"`
	// APs are the accompagnements personnalisés the pupil followed
	// (acc-persos-eleve), each group once.
	APs []PupilAP `json:"aps,omitempty"`
	// Digital is the assessment of the compétences numériques
	// (competences-numeriques); its zero value means none.
	Digital DigitalSkills `json:"digital,omitzero"`
	// Socle is the positionnement on the domains of the socle commun
	// (socle/domaine): 1 to 8 domains, each code once.
	Socle []SocleDomain `json:"socle,omitempty"`
	// Guardians are the pupil's responsables named on the bilan
	// (responsables).
	Guardians []Guardian `json:"guardians,omitempty"`
	// Content holds what LSU has no element for, by name: a store's own
	// data, carried untouched.
	Content map[string]string `json:"content,omitempty"`
}

// AcquisContent is what a teacher writes in the acquis of one subject: every
// element of LSU's acquis but its discipline and its teachers. A
// synchronisation never reads or changes it. [Acquis] embeds it.
type AcquisContent struct {
	// ProgrammeElements are the éléments de programme worked on, each a
	// label of 1 to 300 characters (element-programme/@libelle), in order.
	ProgrammeElements []string `json:"programmeElements,omitempty"`
	// Positioning is the positionnement on LSU's scale from 1 to 4
	// (positionnement), or 0 for none.
	Positioning int `json:"positioning,omitempty"`
	// Average is the pupil's average, as text of 1 to 8 characters:
	// "12.5", "9/20" (moyenne-eleve).
	Average string `json:"average,omitempty"`
	// ClassAverage is the average of the class or group (moyenne-structure),
	// as Average.
	ClassAverage string `json:"classAverage,omitempty"`
	// NotGraded reports a pupil who was not graded (eleve-non-note).
	NotGraded bool `json:"notGraded,omitempty"`
	// ClassNotGraded reports a class or group that was not graded
	// (structure-non-notee).
	ClassNotGraded bool `json:"classNotGraded,omitempty"`
	// Appreciation is the teacher's appreciation (appreciation, 1 to 600
	// characters).
	Appreciation string `json:"appreciation,omitempty"`
	// Content holds what LSU has no element for, by name: a store's own
	// data, carried untouched.
	Content map[string]string `json:"content,omitempty"`
}

// SchoolLife is the vie scolaire of a bilan (vie-scolaire). Counts are
// from 0 to 999.
type SchoolLife struct {
	// Late is the number of late arrivals (nb-retards).
	Late int `json:"late"`
	// Justified is the number of half-days of justified absence
	// (nb-abs-justifiees).
	Justified int `json:"justified"`
	// Unjustified is the number of half-days of unjustified absence
	// (nb-abs-injustifiees).
	Unjustified int `json:"unjustified"`
	// MissedHours is the number of hours of lessons missed
	// (nb-heures-manquees); nil when not entered.
	MissedHours *int `json:"missedHours,omitempty"`
	// Comment is the vie scolaire's comment (commentaire, 1 to 600
	// characters).
	Comment string `json:"comment,omitempty"`
}

// The modalités d'accompagnement of [Support], as LSU codes them.
const (
	SupportPAP   = "PAP"   // plan d'accompagnement personnalisé
	SupportPPS   = "PPS"   // projet personnalisé de scolarisation
	SupportUPE2A = "UPE2A" // unité pédagogique pour élèves allophones arrivants
	SupportSEGPA = "SEGPA" // section d'enseignement général et professionnel adapté
	SupportULIS  = "ULIS"  // unité localisée pour l'inclusion scolaire
	SupportPAI   = "PAI"   // projet d'accueil individualisé
	SupportPPRE  = "PPRE"  // programme personnalisé de réussite éducative
	SupportCTR   = "CTR"   // contrat de réussite
)

// Support is a modalité d'accompagnement of the pupil
// (modalite-accompagnement).
type Support struct {
	// Code is one of the Support constants: "PAP", "PPS", "UPE2A",
	// "SEGPA", "ULIS", "PAI", "PPRE", "CTR".
	Code string `json:"code"`
	// PPRE is the complement of a PPRE (complement-ppre, 1 to 600
	// characters).
	PPRE string `json:"ppre,omitempty"`
	// Contract is the complement of a contrat de réussite
	// (complement-contrat-reussite, 1 to 600 characters).
	Contract string `json:"contract,omitempty"`
}

// The parcours éducatifs of [Pathway], as LSU codes them.
const (
	PathwayFuture  = "PAR_AVN" // parcours avenir
	PathwayCitizen = "PAR_CIT" // parcours citoyen
	PathwayArts    = "PAR_ART" // parcours d'éducation artistique et culturelle
	PathwayHealth  = "PAR_SAN" // parcours éducatif de santé
)

// Pathway is what was done in one parcours éducatif (parcours).
type Pathway struct {
	// Code is one of the Pathway constants.
	Code string `json:"code"`
	// Text is the parcours's text (1 to 600 characters).
	Text string `json:"text"`
}

// PupilEPI is an EPI (enseignement pratique interdisciplinaire) that the
// pupil followed in a group (epi-eleve).
type PupilEPI struct {
	// Group is the group of pupils the EPI was taught to.
	Group EPIGroup `json:"group"`
	// Comment is the comment on the pupil (commentaire, 1 to 600
	// characters).
	Comment string `json:"comment,omitempty"`
}

// EPIGroup is an EPI as one group of pupils followed it, with its
// teachers (epi-groupe).
type EPIGroup struct {
	// EPI is the EPI the group followed.
	EPI EPI `json:"epi"`
	// Title is the group's title (intitule, 1 to 150 characters).
	Title string `json:"title"`
	// Comment is the comment on the group (commentaire, 1 to 600
	// characters).
	Comment string `json:"comment,omitempty"`
	// Teaching are the teachers of the group with the subject each
	// taught (enseignants-disciplines), at least one.
	Teaching []Teaching `json:"teaching,omitempty"`
}

// EPI is an enseignement pratique interdisciplinaire (epi).
type EPI struct {
	// Title is the EPI's title (intitule, 1 to 150 characters).
	Title string `json:"title"`
	// Theme is the code of its thématique (thematique, 1 to 50
	// characters): one of LSU's ("EPI_ART", "EPI_EDD"...) or one the file
	// defines with ThemeLabel.
	Theme string `json:"theme"`
	// ThemeLabel is the label of a thématique of the school's own
	// (epi-thematique/@libelle, 1 to 100 characters); "" for one of LSU's.
	ThemeLabel string `json:"themeLabel,omitempty"`
	// Subjects are the EPI's subjects (discipline-refs), at least two.
	Subjects []Subject `json:"subjects,omitempty"`
	// Description is its description (description, 1 to 600 characters).
	Description string `json:"description,omitempty"`
}

// PupilAP is an accompagnement personnalisé that the pupil followed in a
// group (acc-perso-eleve).
type PupilAP struct {
	// Group is the group of pupils the AP was given to.
	Group APGroup `json:"group"`
	// Comment is the comment on the pupil (commentaire, 1 to 600
	// characters).
	Comment string `json:"comment,omitempty"`
}

// APGroup is an accompagnement personnalisé as one group of pupils
// followed it, with its teachers (acc-perso-groupe).
type APGroup struct {
	// AP is the accompagnement personnalisé the group followed.
	AP AP `json:"ap"`
	// Title is the group's title (intitule, 1 to 150 characters).
	Title string `json:"title"`
	// Comment is the comment on the group (commentaire, 1 to 600
	// characters).
	Comment string `json:"comment,omitempty"`
	// Teaching are the teachers of the group with the subject each
	// taught (enseignants-disciplines), at least one.
	Teaching []Teaching `json:"teaching,omitempty"`
}

// AP is an accompagnement personnalisé (acc-perso).
type AP struct {
	// Title is its title (intitule, 1 to 150 characters).
	Title string `json:"title"`
	// Subjects are its subjects (discipline-refs), at least one.
	Subjects []Subject `json:"subjects,omitempty"`
	// Description is its description (description, 1 to 600 characters).
	Description string `json:"description,omitempty"`
}

// Teaching is a teacher of an EPI or AP group with the subject they
// taught in it (enseignant-discipline).
type Teaching struct {
	// Teacher is the teacher's key.
	Teacher TeacherKey `json:"teacher"`
	// Subject is the subject taught.
	Subject Subject `json:"subject"`
}

// DigitalSkills is the assessment of the pupil's compétences numériques
// (competences-numeriques).
type DigitalSkills struct {
	// Appreciation is the appreciation on the pupil (appreciation-num, 1
	// to 600 characters).
	Appreciation string `json:"appreciation,omitempty"`
	// Levels are the levels reached, each code once (competence-num).
	Levels []DigitalLevel `json:"levels,omitempty"`
	// Common are the appreciations written for the pupil's class or groups
	// that the bilan refers to (comp-num-commun-refs).
	Common []DigitalCommon `json:"common,omitempty"`
}

// IsZero reports whether d holds nothing.
func (d DigitalSkills) IsZero() bool {
	return d.Appreciation == "" && len(d.Levels) == 0 && len(d.Common) == 0
}

// DigitalLevel is the level reached in one compétence numérique
// (competence-num).
type DigitalLevel struct {
	// Code is the compétence's code, "CN_INF_MEN" to "CN_ENV_EVO".
	Code string `json:"code"`
	// Level is the level reached, from 1 to 3.
	Level int `json:"level"`
}

// DigitalCommon is an appreciation of the compétences numériques written
// for a class or a group (competences-numeriques-commun).
type DigitalCommon struct {
	// Structure is the code of the class or group (code-structure, 1 to
	// 20 characters).
	Structure string `json:"structure"`
	// StructureType is "D" for a class (division), "G" for a group
	// (type-structure).
	StructureType string `json:"structureType"`
	// Text is the appreciation (1 to 600 characters).
	Text string `json:"text"`
}

// SocleDomain is the positionnement of the pupil on one domain of the
// socle commun (domaine).
type SocleDomain struct {
	// Code is the domain's code: "CPD_FRA", "CPD_ETR", "CPD_SCI",
	// "CPD_ART", "MET_APP", "FRM_CIT", "SYS_NAT" or "REP_MND".
	Code string `json:"code"`
	// Positioning is from 1 to 4, or 0 for a pupil dispensé
	// (positionnement).
	Positioning int `json:"positioning"`
}

// Guardian is a responsable of the pupil named on the bilan (responsable).
type Guardian struct {
	// Civility is "M" or "MME", or "" (civilite).
	Civility string `json:"civility,omitempty"`
	// LastName and FirstName are the names (nom, prenom, 1 to 100
	// characters).
	LastName  string `json:"lastName,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	// Legal1 and Legal2 report the first and the second legal
	// representative (legal1, legal2).
	Legal1 bool `json:"legal1,omitempty"`
	Legal2 bool `json:"legal2,omitempty"`
	// Relationship is the link to the pupil, "Mère", "Tuteur"
	// (lien-parente, 1 to 40 characters).
	Relationship string `json:"relationship,omitempty"`
	// Name is how the responsable is addressed as a whole, for a body or
	// a couple (denomination, 1 to 600 characters).
	Name string `json:"name,omitempty"`
	// Address is the postal address (adresse): Line1 to Line4 of 1 to 50
	// characters, PostalCode of 1 to 10, City of 1 to 100; LSU's file
	// has no country. The zero Address means none.
	Address Address `json:"address,omitzero"`
}

// Clone returns a deep copy of c: no slice, map or pointer of the copy is
// shared with c.
func (c BilanContent) Clone() BilanContent {
	if c.SchoolLife != nil {
		sl := *c.SchoolLife
		if sl.MissedHours != nil {
			h := *sl.MissedHours
			sl.MissedHours = &h
		}
		c.SchoolLife = &sl
	}
	c.Support = slices.Clone(c.Support)
	c.Pathways = slices.Clone(c.Pathways)
	if c.EPIs != nil {
		c.EPIs = slices.Clone(c.EPIs)
		for i := range c.EPIs {
			g := &c.EPIs[i].Group
			g.EPI.Subjects = slices.Clone(g.EPI.Subjects)
			g.Teaching = slices.Clone(g.Teaching)
		}
	}
	if c.APs != nil {
		c.APs = slices.Clone(c.APs)
		for i := range c.APs {
			g := &c.APs[i].Group
			g.AP.Subjects = slices.Clone(g.AP.Subjects)
			g.Teaching = slices.Clone(g.Teaching)
		}
	}
	c.Digital.Levels = slices.Clone(c.Digital.Levels)
	c.Digital.Common = slices.Clone(c.Digital.Common)
	c.Socle = slices.Clone(c.Socle)
	c.Guardians = slices.Clone(c.Guardians)
	c.Content = maps.Clone(c.Content)
	return c
}

// IsZero reports whether c holds nothing: a bilan as a synchronisation
// creates it.
func (c *BilanContent) IsZero() bool {
	return c.CouncilDate.IsZero() && c.SchoolingDate.IsZero() && c.LockDate.IsZero() &&
		c.Signatory == "" && c.Synthesis == "" && c.HomeworkHelp == "" && c.SchoolLife == nil &&
		len(c.Support) == 0 && len(c.Pathways) == 0 && len(c.EPIs) == 0 && len(c.APs) == 0 &&
		c.Digital.IsZero() && len(c.Socle) == 0 && len(c.Guardians) == 0 && len(c.Content) == 0
}

// Clone returns a deep copy of c.
func (c AcquisContent) Clone() AcquisContent {
	c.ProgrammeElements = slices.Clone(c.ProgrammeElements)
	c.Content = maps.Clone(c.Content)
	return c
}

// IsZero reports whether c holds nothing a teacher entered.
func (c *AcquisContent) IsZero() bool {
	return len(c.ProgrammeElements) == 0 && c.Positioning == 0 && c.Average == "" && c.ClassAverage == "" &&
		!c.NotGraded && !c.ClassNotGraded && c.Appreciation == "" && len(c.Content) == 0
}
