package gen

// This file holds the fixed catalogues the generator draws from: subjects,
// levels and names. Every string is encodable in ISO-8859-15.

// subjectDef is a subject of the catalogue with its role.
type subjectDef struct {
	Subject
	discipline int     // index in disciplines of the teachers of the subject
	hours      float64 // weekly hours, for the programmes and the staffing
	modality   string  // programme modality
}

// The disciplines (teaching posts) of the teachers.
var disciplines = []Discipline{
	{Code: "L0202", Label: "LETTRES MODERNES"},
	{Code: "L1300", Label: "MATHEMATIQUES"},
	{Code: "L1000", Label: "HIST. GEOGRAPHIE"},
	{Code: "L0429", Label: "ANGLAIS"},
	{Code: "L1600", Label: "SC. VIE & TERRE"},
	{Code: "L1500", Label: "PHYSIQUE CHIMIE"},
	{Code: "L1400", Label: "TECHNOLOGIE"},
	{Code: "L1900", Label: "EDUCATION PHYSIQUE"},
	{Code: "L1800", Label: "ARTS PLASTIQUES"},
	{Code: "L1700", Label: "EDUCATION MUSICALE"},
	{Code: "L0422", Label: "ALLEMAND"},
	{Code: "L0426", Label: "ESPAGNOL"},
	{Code: "L0201", Label: "LETTRES CLASSIQUES"},
	{Code: "L0080", Label: "DOCUMENTATION"},
}

// Discipline indexes.
const (
	dLettres = iota
	dMaths
	dHistGeo
	dAnglais
	dSVT
	dPC
	dTechno
	dEPS
	dArts
	dMusique
	dAllemand
	dEspagnol
	dClassiques
	dDoc
)

// coreSubjects are taught to whole divisions, in order of importance: a
// division has the first SubjectsPerClass-1 of them.
var coreSubjects = []subjectDef{
	{Subject{Code: "020700", Management: "FRANC", Short: "FRANCAIS", Long: "FRANCAIS", Edition: "Français",
		NomShort: "FRANCAIS", NomLong: "FRANCAIS", NomEdition: "Français"}, dLettres, 4.5, "S"},
	{Subject{Code: "061300", Management: "MATHS", Short: "MATHS", Long: "MATHEMATIQUES", Edition: "Mathématiques",
		NomShort: "MATHEMATIQUES", NomLong: "MATHEMATIQUES", NomEdition: "Mathématiques"}, dMaths, 3.5, "S"},
	{Subject{Code: "040700", Management: "HI-GE", Short: "HIST.GEO", Long: "HISTOIRE & GEOGRAPHIE", Edition: "Histoire & géographie",
		NomShort: "HISTOIRE-GEO.", NomLong: "HISTOIRE & GEOGRAPHIE", NomEdition: "Histoire & géographie"}, dHistGeo, 3, "S"},
	{Subject{Code: "030201", Management: "AGL1", Short: "ANGLAIS LV1", Long: "ANGLAIS LV1", Edition: "",
		NomShort: "ANGLAIS LV1", NomLong: "ANGLAIS LV1", NomEdition: "Anglais LV1"}, dAnglais, 3, "S"},
	{Subject{Code: "062900", Management: "SVT", Short: "S.V.T.", Long: "SCIENCES VIE & TERRE", Edition: "Sciences de la vie & de la Terre",
		NomShort: "S.V.T.", NomLong: "SCIENCES VIE & TERRE", NomEdition: "Sciences de la vie & de la Terre"}, dSVT, 1.5, "S"},
	{Subject{Code: "061800", Management: "PH-CH", Short: "PHYS.CHIMIE", Long: "PHYSIQUE-CHIMIE", Edition: "Physique-chimie",
		NomShort: "PHYS.CHIMIE", NomLong: "PHYSIQUE-CHIMIE", NomEdition: "Physique-chimie"}, dPC, 1.5, "S"},
	// STS labels all empty: the Nomenclature.xml label is used.
	{Subject{Code: "070200", Management: "TECHN",
		NomShort: "TECHNOLOGIE", NomLong: "TECHNOLOGIE", NomEdition: "Technologie"}, dTechno, 1.5, "S"},
	{Subject{Code: "100100", Management: "EPS", Short: "E.P.S", Long: "EDUCATION PHYSIQUE ET SPORTIVE", Edition: "Éducation physique et sportive",
		NomShort: "E.P.S", NomLong: "EDUCATION PHYSIQUE ET SPORTIVE", NomEdition: "Éducation physique et sportive"}, dEPS, 3, "S"},
	{Subject{Code: "080100", Management: "A-PLA", Short: "ARTS PLAST.", Long: "ARTS PLASTIQUES", Edition: "Arts plastiques",
		NomShort: "ARTS PLAST.", NomLong: "ARTS PLASTIQUES", NomEdition: "Arts plastiques"}, dArts, 1, "S"},
	// Only the short STS label.
	{Subject{Code: "090100", Management: "EDMUS", Short: "ED.MUSICALE",
		NomShort: "ED.MUSICALE", NomLong: "EDUCATION MUSICALE", NomEdition: "Éducation musicale"}, dMusique, 1, "S"},
	// Modality N in the programmes: not accepted by LSU, so "".
	{Subject{Code: "040800", Management: "EMC", Short: "E.M.C.", Long: "ENSEIGNEMT MORAL & CIVIQUE", Edition: "Enseignement moral et civique",
		NomShort: "E.M.C.", NomLong: "ENSEIGNEMT MORAL & CIVIQUE", NomEdition: "Enseignement moral et civique"}, dHistGeo, 0.5, "N"},
	// No programme at all: modality "".
	{Subject{Code: "000600", Management: "AP", Short: "ACC.PERSO.", Long: "ACCOMPAGNEMENT PERSONNALISE", Edition: "Accompagnement personnalisé",
		NomShort: "ACC.PERSO.", NomLong: "ACCOMPAGNEMENT PERSONNALISE", NomEdition: "Accompagnement personnalisé"}, dMaths, 0, ""},
	{Subject{Code: "001800", Management: "VIE-C", Short: "VIE DE CLASSE", Long: "HEURE DE VIE DE CLASSE", Edition: "Heure de vie de classe",
		NomShort: "VIE DE CLASSE", NomLong: "HEURE DE VIE DE CLASSE", NomEdition: "Heure de vie de classe"}, dLettres, 0.5, "S"},
	{Subject{Code: "010100", Management: "DOCUM", Short: "DOCUMENTATION", Long: "DOCUMENTATION", Edition: "Documentation",
		NomShort: "DOCUMENTATION", NomLong: "DOCUMENTATION", NomEdition: "Documentation"}, dDoc, 0.5, "S"},
	{Subject{Code: "002300", Management: "SCI-N", Short: "SCIENCES", Long: "SCIENCES ET TECHNOLOGIE", Edition: "Sciences & technologie",
		NomShort: "SCIENCES", NomLong: "SCIENCES ET TECHNOLOGIE", NomEdition: "Sciences & technologie"}, dSVT, 1, "S"},
}

// Index of the core subject split into half-class groups.
const splitSubject = 5 // PHYSIQUE-CHIMIE

// The subjects taught to groups.
var (
	subjAllemand = subjectDef{Subject{Code: "030102", Management: "ALL2", Short: "ALLEMAND LV2", Long: "ALLEMAND LV2", Edition: "Allemand LV2",
		NomShort: "ALLEMAND LV2", NomLong: "ALLEMAND LV2", NomEdition: "Allemand LV2"}, dAllemand, 2.5, "O"}
	subjEspagnol = subjectDef{Subject{Code: "030602", Management: "ESP2", Short: "ESPAGNOL LV2", Long: "ESPAGNOL LV2", Edition: "Espagnol LV2",
		NomShort: "ESPAGNOL LV2", NomLong: "ESPAGNOL LV2", NomEdition: "Espagnol LV2"}, dEspagnol, 2.5, "O"}
	// The section européenne's English: the subject of the class's
	// English, the option facultative of the pupils who chose it.
	subjEuro = coreSubjects[3]
	// Absent from the STS MATIERES: the Nomenclature.xml label is used.
	subjLatin = subjectDef{Subject{Code: "020300", Management: "LCALA", NotInSTS: true,
		NomShort: "LCA LATIN", NomLong: "LANGUES & CULTURES ANTIQUES LATIN", NomEdition: "Langues et cultures de l'Antiquité : latin"}, dClassiques, 2, "F"}
)

// unusedSubjects are in the nomenclatures only, as in real files, which
// list far more subjects than an establishment teaches.
var unusedSubjects = []Subject{
	{Code: "030101", Management: "ALL1", Short: "ALLEMAND LV1", Long: "ALLEMAND LV1", Edition: "Allemand LV1",
		NomShort: "ALLEMAND LV1", NomLong: "ALLEMAND LV1", NomEdition: "Allemand LV1"},
	{Code: "030202", Management: "AGL2", Short: "ANGLAIS LV2", Long: "ANGLAIS LV2", Edition: "Anglais LV2",
		NomShort: "ANGLAIS LV2", NomLong: "ANGLAIS LV2", NomEdition: "Anglais LV2"},
	{Code: "020400", Management: "LCAGR", NotInSTS: true,
		NomShort: "LCA GREC", NomLong: "LANGUES & CULTURES ANTIQUES GREC", NomEdition: "Langues et cultures de l'Antiquité : grec"},
	{Code: "030902", Management: "ITA2", Short: "ITALIEN LV2", Long: "ITALIEN LV2", Edition: "Italien LV2",
		NomShort: "ITALIEN LV2", NomLong: "ITALIEN LV2", NomEdition: "Italien LV2"},
}

// level is a collège level with its two MEFs (standard and bilingual).
type level struct {
	digit     string // "6", "5", "4", "3"
	name      string // "SIXIEME"
	label     string // for Structures labels: "Sixième"
	mef, mefB string // MEF codes: standard, bilangue
	stat      string // CODE_MEFSTAT
	born      int    // birth year offset from Year: 6e pupils are born Year-11
	lv2       bool   // the level has LV2 groups
}

var levels = []level{
	{"6", "6EME", "Sixième", "10010012110", "10010012112", "1001001", 11, false},
	{"5", "5EME", "Cinquième", "10110001110", "10110001112", "1011000", 12, true},
	{"4", "4EME", "Quatrième", "10210001110", "10210001112", "1021000", 13, true},
	{"3", "3EME", "Troisième", "10310019110", "10310019112", "1031001", 14, true},
}

// Family names. Some carry ISO-8859-15-only letters (œ Œ Š š Ž ž Ÿ),
// apostrophes, hyphens and spaces.
var lastNames = []string{
	"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
	"Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
	"Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèbvre", "Faure", "André",
	"Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia",
	"Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
	"Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
	"Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
	"Nguyen", "Benali", "Diallo", "Traoré", "Da Silva", "Pereira", "Le Gall", "Le Goff", "Kowalski", "Öztürk",
	"Cœur", "Œuvray", "Lœillet", "Bœuf", "D'Artagnan", "N'Diaye", "O'Neill", "de La Tour d'Auvergne",
	"Šimek", "Žukauskas", "Ÿvert", "Saint-Exupéry", "Martin-Lefèvre", "Ibáñez", "Muñoz", "Grünwald",
}

// specialLastNames are given to every 97th pupil, so that even a small
// establishment has them.
var specialLastNames = []string{"Cœur", "Œuvray", "D'Artagnan", "Šimek", "Ÿvert", "Žukauskas", "Bœuf", "N'Diaye"}

var boyNames = []string{
	"Gabriel", "Léo", "Raphaël", "Arthur", "Louis", "Jules", "Adam", "Maël", "Lucas", "Hugo",
	"Noah", "Liam", "Gabin", "Sacha", "Paul", "Nathan", "Aaron", "Mohamed", "Ethan", "Tom",
	"Noé", "Timéo", "Théo", "Victor", "Martin", "Mathis", "Axel", "Robin", "Marius", "Valentin",
	"Loïc", "Joël", "Jérôme", "François", "Benoît", "Anaël", "Éloi", "Zoltán", "Aurélien", "Œlian",
}

var girlNames = []string{
	"Jade", "Louise", "Emma", "Alice", "Ambre", "Lina", "Rose", "Chloé", "Mia", "Léa",
	"Anna", "Mila", "Julia", "Inès", "Léna", "Juliette", "Zoé", "Manon", "Agathe", "Lou",
	"Iris", "Nina", "Camille", "Eva", "Romane", "Jeanne", "Margaux", "Adèle", "Maëlys", "Héloïse",
	"Anaïs", "Gaëlle", "Hélène", "Françoise", "Lætitia", "Noémie", "Clémence", "Bérénice", "Zoë", "Šárka",
}

var teacherGrades = []string{"CERT CE", "CERT HCL", "AGREGE CN", "AGREGE HCL", "PEPS CN", "PLP CN", "CONTRACT.", "MA II"}
