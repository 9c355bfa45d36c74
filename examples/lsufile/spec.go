package lsufile

import (
	"fmt"
	"strings"

	"github.com/lsusync/lsusync"
)

// spec is the declaration of one field of the model as the file holds it:
// its French label, the element or attribute of the file, and LSU's
// limits, all read from [lsusync.Fields]. The writer's checks, the
// reader's checks and the French reasons use it, so that each rule has
// one place.
type spec struct {
	path     string // the Go path: "Synthesis", "Acquis.Teachers"
	label    string
	feminine bool
	// name is the element or attribute of the file ("acquis-conseils",
	// "nb-retards"), attr whether it is an attribute; wrap is the list
	// element around a repeated one ("liste-acquis" for "acquis").
	name, wrap string
	attr       bool
	minLen     int
	maxLen     int
	blank      bool
	digits     bool
	min, max   int
	ranged     bool
	values     []string
	required   bool
	unique     bool
	minCount   int
	maxCount   int
}

// specs are the declarations by path: the bilan's fields ("Synthesis",
// "Acquis.Subject.Label"), and those of the records the file names,
// prefixed with their kind ("Student.LastName", "Teacher.Civility",
// "Establishment.UAI").
var specs = func() map[string]*spec {
	m := make(map[string]*spec)
	var walk func(prefix string, fs []lsusync.Field)
	walk = func(prefix string, fs []lsusync.Field) {
		for _, f := range fs {
			s := &spec{
				path: prefix + f.Name, label: f.Label, feminine: f.Feminine,
				minLen: f.MinLen, maxLen: f.MaxLen, blank: f.Blank, digits: f.Digits,
				min: f.Min, max: f.Max, ranged: f.Max > 0, values: f.Values,
				required: f.Required, unique: f.Unique, minCount: f.MinCount, maxCount: f.MaxCount,
			}
			lsu := f.LSU
			if i := strings.LastIndexByte(lsu, '/'); i >= 0 {
				s.wrap, lsu = lsu[:i], lsu[i+1:]
			}
			s.name, s.attr = strings.CutPrefix(lsu, "@")
			m[s.path] = s
			walk(s.path+".", f.Fields)
		}
	}
	walk("", lsusync.Fields(lsusync.KindBilan))
	walk("Student.", lsusync.Fields(lsusync.KindStudent))
	walk("Teacher.", lsusync.Fields(lsusync.KindTeacher))
	walk("Establishment.", lsusync.Fields(lsusync.KindEstablishment))
	return m
}()

// used records the paths the package looked up, for the test that checks
// that every declared field of the file has a use.
var used = make(map[string]bool)

// field returns the declaration of path. It panics when the declaration
// lacks it: the package and lsusync.Fields disagree.
func field(path string) *spec {
	s, ok := specs[path]
	if !ok {
		panic(fmt.Sprintf("lsufile: lsusync.Fields declares no field %s", path))
	}
	used[path] = true
	return s
}

// named returns the declaration of path, which must name an element or
// an attribute of the file.
func named(path string) *spec {
	s := field(path)
	if s.name == "" {
		panic(fmt.Sprintf("lsufile: lsusync.Fields gives field %s no element of LSU's file", path))
	}
	return s
}

// The declarations the writer and the reader use, by field.
var (
	fStudentID    = named("Student.ID")
	fStudentClass = named("Student.Class")
	fStudentLast  = named("Student.LastName")
	fStudentFirst = named("Student.FirstName")

	fKeyType = named("Teacher.Key.Type")
	fKeyID   = named("Teacher.Key.ID")
	fCivil   = named("Teacher.Civility")
	fTLast   = named("Teacher.LastName")
	fTFirst  = named("Teacher.FirstName")

	fUAI = named("Establishment.UAI")

	fPeriodYear  = named("Period.Year")
	fPeriodIndex = named("Period.Index")
	fPeriodCount = named("Period.Count")

	fBilanStudent = named("Student")
	fBilanPeriod  = named("Period")
	fCouncil      = named("CouncilDate")
	fSchooling    = named("SchoolingDate")
	fLockDate     = named("LockDate")
	fSignatory    = named("Signatory")
	fHeads        = named("HeadTeachers")
	fSynthesis    = named("Synthesis")
	fHomework     = named("HomeworkHelp")
	fContent      = field("Content")

	fAcquis         = named("Acquis")
	fSubject        = named("Acquis.Subject")
	fSubjectCode    = named("Acquis.Subject.Code")
	fSubjectLabel   = named("Acquis.Subject.Label")
	fSubjectMod     = named("Acquis.Subject.Modality")
	fSubjectNat     = named("Acquis.Subject.NationalCode")
	fTeachers       = named("Acquis.Teachers")
	fElements       = named("Acquis.ProgrammeElements")
	fPositioning    = named("Acquis.Positioning")
	fAverage        = named("Acquis.Average")
	fClassAverage   = named("Acquis.ClassAverage")
	fNotGraded      = named("Acquis.NotGraded")
	fClassNotGraded = named("Acquis.ClassNotGraded")
	fAppreciation   = named("Acquis.Appreciation")
	fAcquisContent  = field("Acquis.Content")

	fLife        = named("SchoolLife")
	fLate        = named("SchoolLife.Late")
	fJustified   = named("SchoolLife.Justified")
	fUnjustified = named("SchoolLife.Unjustified")
	fMissed      = named("SchoolLife.MissedHours")
	fLifeComment = named("SchoolLife.Comment")

	fSupport         = named("Support")
	fSupportCode     = named("Support.Code")
	fSupportPPRE     = named("Support.PPRE")
	fSupportContract = named("Support.Contract")

	fPathways    = named("Pathways")
	fPathwayCode = named("Pathways.Code")
	fPathwayText = field("Pathways.Text")

	fDigital       = named("Digital")
	fDigitalAppr   = named("Digital.Appreciation")
	fLevels        = named("Digital.Levels")
	fLevelCode     = named("Digital.Levels.Code")
	fLevelValue    = named("Digital.Levels.Level")
	fCommon        = named("Digital.Common")
	fCommonStruct  = named("Digital.Common.Structure")
	fCommonType    = named("Digital.Common.StructureType")
	fCommonText    = field("Digital.Common.Text")
	fSocle         = named("Socle")
	fSocleCode     = named("Socle.Code")
	fSoclePosition = named("Socle.Positioning")

	fGuardians    = named("Guardians")
	fGCivility    = named("Guardians.Civility")
	fGLast        = named("Guardians.LastName")
	fGFirst       = named("Guardians.FirstName")
	fGLegal1      = named("Guardians.Legal1")
	fGLegal2      = named("Guardians.Legal2")
	fGRelation    = named("Guardians.Relationship")
	fGName        = named("Guardians.Name")
	fGAddress     = named("Guardians.Address")
	fAddressLines = [4]*spec{
		named("Guardians.Address.Line1"), named("Guardians.Address.Line2"),
		named("Guardians.Address.Line3"), named("Guardians.Address.Line4"),
	}
	fPostalCode = named("Guardians.Address.PostalCode")
	fCity       = named("Guardians.Address.City")
	fCountry    = field("Guardians.Address.Country")
)

// group are the declarations of an EPI or an AP of a pupil: the pupil's
// list (epis-eleve/epi-eleve), the group and the EPI or AP it follows.
type group struct {
	list         *spec // the pupil's list and its elements
	ref          *spec // the group, by its id: @epi-groupe-ref
	comment      *spec // the pupil's comment
	of           *spec // the EPI or AP, by its id: @epi-ref
	title        *spec // the group's title
	groupComment *spec
	teaching     *spec // enseignants-disciplines/enseignant-discipline
	teacher      *spec // @enseignant-ref
	subject      *spec // @discipline-ref
	ofTitle      *spec
	theme        *spec // EPIs only
	themeLabel   *spec // EPIs only: epi-thematique/@libelle
	subjects     *spec // @discipline-refs
	description  *spec
}

func newGroup(root, of string, epi bool) *group {
	g := &group{
		list:         named(root),
		ref:          named(root + ".Group"),
		comment:      named(root + ".Comment"),
		of:           named(root + ".Group." + of),
		title:        named(root + ".Group.Title"),
		groupComment: named(root + ".Group.Comment"),
		teaching:     named(root + ".Group.Teaching"),
		teacher:      named(root + ".Group.Teaching.Teacher"),
		subject:      named(root + ".Group.Teaching.Subject"),
		ofTitle:      named(root + ".Group." + of + ".Title"),
		subjects:     named(root + ".Group." + of + ".Subjects"),
		description:  named(root + ".Group." + of + ".Description"),
	}
	if epi {
		g.theme = named(root + ".Group." + of + ".Theme")
		g.themeLabel = named(root + ".Group." + of + ".ThemeLabel")
	}
	// The subjects and teachers of a group are declared as an acquis's
	// are: the writer and the reader check them with those declarations.
	for _, p := range []string{root + ".Group." + of + ".Subjects", root + ".Group.Teaching.Subject"} {
		for _, f := range []string{"Code", "Label", "Modality", "NationalCode"} {
			sameAs(p+"."+f, "Acquis.Subject."+f)
		}
	}
	sameAs(root+".Group.Teaching.Teacher.Type", "Teacher.Key.Type")
	sameAs(root+".Group.Teaching.Teacher.ID", "Teacher.Key.ID")
	return g
}

var (
	epiGroup = newGroup("EPIs", "EPI", true)
	apGroup  = newGroup("APs", "AP", false)
)

// sameAs marks path as used through the declaration of other, and panics
// when their limits differ: the package checks one with the other's.
func sameAs(path, other string) {
	a, b := field(path), field(other)
	if a.minLen != b.minLen || a.maxLen != b.maxLen || a.blank != b.blank || a.digits != b.digits ||
		a.required != b.required || strings.Join(a.values, ",") != strings.Join(b.values, ",") {
		panic(fmt.Sprintf("lsufile: lsusync.Fields declares %s unlike %s", path, other))
	}
}

func init() {
	for _, p := range []string{"Acquis.Teachers", "HeadTeachers"} {
		sameAs(p+".Type", "Teacher.Key.Type")
		sameAs(p+".ID", "Teacher.Key.ID")
	}
	// The fields the file has no place for, and the keys of a bilan,
	// which the writer and the reader handle as a whole.
	for _, p := range []string{"Locked", "Imported", "Version", "Period.Year", "Period.Index", "Period.Count"} {
		field(p)
	}
}
