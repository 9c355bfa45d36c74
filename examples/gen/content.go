package gen

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lsusync/lsusync"
)

// Content is what the bilans of a generated store hold.
type Content int

// The contents of [Config.Content].
const (
	// ContentNone leaves every bilan empty, as lsusync init creates them:
	// the zero value.
	ContentNone Content = iota
	// ContentEndOfYear fills the bilans as they are at the end of the
	// school year, every period entered (see [Establishment.FillContent]).
	ContentEndOfYear
)

// String returns "none" or "end-of-year".
func (c Content) String() string {
	if c == ContentEndOfYear {
		return "end-of-year"
	}
	return "none"
}

// FillContent fills the bilans of snap as teachers, class councils and
// the vie scolaire have filled them by the end of the school year, when
// e.Config.Content is [ContentEndOfYear]; with [ContentNone] it does
// nothing. snap is a store of e's exports: [Establishment.StoreSnapshot]
// fills its own, and a store that lsusync init made of [WriteExports]'s
// files is filled alike. Bilans of pupils e does not have are left as
// they are.
//
// Every bilan of a period in which the pupil was taught gets, at the
// rates a collège has:
//
//   - in most acquis an appreciation of 200 to 600 characters, French
//     prose of the pupil's level in the subject; a positionnement from 1
//     to 4; the pupil's and the class's averages ("12.5"), or "not
//     graded" for a pupil dispensé and for the subjects a class is not
//     graded in (vie de classe, AP, documentation); éléments de
//     programme, the same for the class;
//   - the class council's date (in December, March and June for
//     trimesters; late January and June for semesters), the date of
//     schooling (the start of the period, or the pupil's arrival), the
//     head as signatory, a synthèse of 200 to 1,000 characters, the vie
//     scolaire (late arrivals, half-days of absence, hours missed, a
//     comment);
//   - for some pupils devoirs faits, modalités d'accompagnement (PAP,
//     PPRE with its complement, PAI...), parcours éducatifs; the EPI
//     (cycle 4) and AP groups of the class, with their subjects and
//     teachers; in the last period the compétences numériques (levels 1
//     to 3, with the class's common appreciation) and, in 3e, the socle
//     domains; the responsables, with an address.
//
// The bilans of past periods are locked in most classes, with the date
// they were locked; one class in sixteen imported its first period from
// other software (Imported). A period the pupil arrived after, or left
// before, stays empty. Every value is within LSU's limits, as
// lsusync.Fields declares them. The content depends on e.Config.Seed,
// the class, the pupil, the period and the bilan's acquis only. Bilans
// share the slices of what is the same for several of them (a pupil's
// responsables, a class's éléments de programme and groups): clone a
// bilan (lsusync.Bilan.Clone) before changing its content in place.
func (e *Establishment) FillContent(snap *lsusync.Snapshot) {
	if e.cfg().Content != ContentEndOfYear {
		return
	}
	f := newFiller(e, snap)
	for i := range snap.Bilans {
		f.fill(&snap.Bilans[i])
	}
}

// filler fills the bilans of one snapshot.
type filler struct {
	e         *Establishment
	seed      uint64
	lim       contentLimits
	signatory string
	pupils    map[string]*Pupil
	classOf   map[string]string // class code by pupil ID, as the snapshot has it
	classes   map[string]*classContent
	people    map[string]*pupilContent
}

// classContent is what a class's bilans have in common.
type classContent struct {
	code     string
	level    int // 0 for 6e to 3 for 3e; -1 when unknown
	index    int // in the establishment's divisions; -1 when none
	subjects map[string]lsusync.Acquis
	periods  map[lsusync.Period]*periodContent
}

// periodContent is what the bilans of a class have in common in one
// period.
type periodContent struct {
	start, end lsusync.Date // the period's days
	council    lsusync.Date
	last       bool
	locked     bool
	lockDate   lsusync.DateTime
	imported   bool
	averages   map[string]float64  // the class's, by subject code
	elements   map[string][]string // éléments de programme, by subject code
	epi        *lsusync.EPIGroup
	ap         *lsusync.APGroup
	pathways   []pathwayOfClass
	digital    []lsusync.DigitalCommon
}

// pathwayOfClass is a parcours a class followed in a period, with what
// its pupils did in it.
type pathwayOfClass struct {
	code, text string
}

// pupilContent is what a pupil's bilans have in common.
type pupilContent struct {
	ability    float64 // the pupil's average over the subjects, 0 to 20
	attendance int     // 0 always there, 1 some absences, 2 many
	homework   bool    // in devoirs faits
	support    []lsusync.Support
	guardians  []lsusync.Guardian
}

func newFiller(e *Establishment, snap *lsusync.Snapshot) *filler {
	f := &filler{
		e:       e,
		seed:    uint64(e.cfg().Seed),
		lim:     declaredLimits(),
		pupils:  make(map[string]*Pupil, len(e.Pupils)),
		classOf: make(map[string]string, len(snap.Students)),
		classes: make(map[string]*classContent),
		people:  make(map[string]*pupilContent, len(snap.Students)),
	}
	for i := range e.Pupils {
		f.pupils[trim(e.Pupils[i].ID)] = &e.Pupils[i]
	}
	for _, s := range snap.Students {
		f.classOf[s.ID] = s.Class
	}
	f.signatory = clip(e.signatory(), f.lim.signatory.MaxLen)
	// The subjects of each class, with their teachers, as its bilans have
	// them: what its EPI and AP are made of.
	for i := range snap.Bilans {
		b := &snap.Bilans[i]
		c := f.class(f.classOf[b.Student])
		if c == nil {
			continue
		}
		for _, a := range b.Acquis {
			if have, ok := c.subjects[a.Subject.Code]; !ok || len(have.Teachers) == 0 && len(a.Teachers) > 0 {
				c.subjects[a.Subject.Code] = lsusync.Acquis{Subject: a.Subject, Teachers: a.Teachers}
			}
		}
	}
	return f
}

// signatory returns the head of establishment as the bilans print them:
// "Mme Françoise D'ARTAGNAN".
func (e *Establishment) signatory() string {
	name := trim(e.Identity.HeadName)
	if name == "" {
		return ""
	}
	for _, t := range e.Teachers {
		if t.Function == "DIR" && t.Key.Type == "dir" {
			switch t.civility() {
			case lsusync.Madame:
				return "Mme " + name
			case lsusync.Monsieur:
				return "M. " + name
			}
			break
		}
	}
	return name
}

// rng returns a generator for the parts named, so that each value
// depends on what it is about, not on the order of filling.
func (f *filler) rng(parts ...string) *rand.Rand {
	return rand.New(rand.NewPCG(f.seed, fnv64(0, parts...)))
}

func periodName(p lsusync.Period) string {
	return strconv.Itoa(p.Year) + "-" + strconv.Itoa(p.Index) + "/" + strconv.Itoa(p.Count)
}

// class returns what the bilans of the class have in common, or nil for
// no class.
func (f *filler) class(code string) *classContent {
	if code == "" {
		return nil
	}
	if c, ok := f.classes[code]; ok {
		return c
	}
	c := &classContent{code: code, level: -1, index: -1, subjects: make(map[string]lsusync.Acquis), periods: make(map[lsusync.Period]*periodContent)}
	for i := range f.e.Divisions {
		if d := &f.e.Divisions[i]; d.Code == code {
			c.index = i
			for k, l := range levels {
				if len(d.MEFs) > 0 && (d.MEFs[0] == l.mef || d.MEFs[0] == l.mefB) {
					c.level = k
				}
			}
			break
		}
	}
	f.classes[code] = c
	return c
}

// period returns what the bilans of class c have in common in period p.
func (f *filler) period(c *classContent, p lsusync.Period) *periodContent {
	if pc, ok := c.periods[p]; ok {
		return pc
	}
	r := f.rng("class", c.code, periodName(p))
	pc := &periodContent{last: p.Index == p.Count, averages: make(map[string]float64), elements: make(map[string][]string)}
	pc.start, pc.end, pc.council = periodDays(p, r)
	// Past periods are locked in most classes, a few days after the
	// council.
	lockRate := 0.0
	switch {
	case p.Index == 1 && p.Count == 3:
		lockRate = 0.85
	case p.Index == 2 && p.Count == 3:
		lockRate = 0.5
	case p.Index == 1:
		lockRate = 0.75
	}
	if r.Float64() < lockRate {
		pc.locked = true
		pc.lockDate = lsusync.DateTime{Date: weekday(addDays(pc.council, 2+r.IntN(8)))}
		if r.IntN(5) > 0 {
			pc.lockDate.Hour, pc.lockDate.Minute, pc.lockDate.Second, pc.lockDate.Timed = 17+r.IntN(3), r.IntN(60), r.IntN(60), true
		}
	}
	pc.imported = p.Index == 1 && c.index%16 == 5
	codes := make([]string, 0, len(c.subjects))
	for code := range c.subjects {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		pc.averages[code] = math.Round((11.5+1.4*r.NormFloat64())*100) / 100
		if els := programmeElements[code]; len(els) > 0 {
			n := 1 + r.IntN(min(3, len(els)))
			start := r.IntN(len(els))
			picked := make([]string, n)
			for k := range picked {
				picked[k] = clip(els[(start+k)%len(els)], f.lim.element.MaxLen)
			}
			pc.elements[code] = picked
		}
	}
	// The EPI of the class, in cycle 4, in one period of the year.
	if c.level >= 1 && p.Index == 1+(c.level+hashOf(c.code))%p.Count {
		pc.epi = f.epiGroup(c, r)
	}
	if r.Float64() < 0.7 {
		pc.ap = f.apGroup(c, r)
	}
	for _, code := range f.lim.pathwayCodes {
		rate := map[string]float64{lsusync.PathwayFuture: 0.2, lsusync.PathwayCitizen: 0.35, lsusync.PathwayArts: 0.35, lsusync.PathwayHealth: 0.25}[code]
		if code == lsusync.PathwayFuture && c.level == 3 {
			rate = 0.9 // the stage d'observation of 3e
		} else if code == lsusync.PathwayFuture && c.level == 2 {
			rate = 0.5
		}
		if texts := pathwayTexts[code]; len(texts) > 0 && r.Float64() < rate {
			pc.pathways = append(pc.pathways, pathwayOfClass{code, texts[r.IntN(len(texts))]})
		}
	}
	if pc.last {
		pc.digital = []lsusync.DigitalCommon{{Structure: c.code, StructureType: "D",
			Text: clip(digitalClassComments[r.IntN(len(digitalClassComments))], f.lim.digitalCommon.MaxLen)}}
	}
	c.periods[p] = pc
	return pc
}

// periodDays returns the first and last days of a period and the day of
// its class council, a weekday: trimesters end in November, February and
// July, their councils in December, March and June; semesters end in
// January and July, their councils in late January and June.
func periodDays(p lsusync.Period, r *rand.Rand) (start, end, council lsusync.Date) {
	y := p.Year
	d := func(year int, m time.Month, day int) lsusync.Date {
		return lsusync.Date{Year: year, Month: m, Day: day}
	}
	if p.Count == 2 {
		if p.Index == 1 {
			return d(y, time.September, 1), d(y+1, time.January, 31), weekday(d(y+1, time.January, 26+r.IntN(10)))
		}
		return d(y+1, time.February, 1), d(y+1, time.July, 4), weekday(d(y+1, time.June, 8+r.IntN(10)))
	}
	switch p.Index {
	case 1:
		return d(y, time.September, 1), d(y, time.November, 30), weekday(d(y, time.December, 4+r.IntN(12)))
	case 2:
		return d(y, time.December, 1), addDays(d(y+1, time.March, 1), -1), weekday(d(y+1, time.March, 5+r.IntN(12)))
	}
	return d(y+1, time.March, 1), d(y+1, time.July, 4), weekday(d(y+1, time.June, 4+r.IntN(12)))
}

// weekday returns d, or the Monday after it when it is a Saturday or a
// Sunday. Days past the end of a month roll over, as time.Date does.
func weekday(d lsusync.Date) lsusync.Date {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	switch t.Weekday() {
	case time.Saturday:
		t = t.AddDate(0, 0, 2)
	case time.Sunday:
		t = t.AddDate(0, 0, 1)
	}
	return lsusync.DateOf(t)
}

func hashOf(s string) int { return int(fnv64(0, s) >> 33) }

// teaching returns the teachers of the class's subjects, each with the
// subject, and the subjects; nil when a subject is not the class's.
func (c *classContent) teaching(codes []string) ([]lsusync.Subject, []lsusync.Teaching) {
	var subjects []lsusync.Subject
	var teaching []lsusync.Teaching
	for _, code := range codes {
		a, ok := c.subjects[code]
		if !ok {
			return nil, nil
		}
		subjects = append(subjects, a.Subject)
		if len(a.Teachers) > 0 {
			teaching = append(teaching, lsusync.Teaching{Teacher: a.Teachers[0], Subject: a.Subject})
		}
	}
	return subjects, teaching
}

func (f *filler) epiGroup(c *classContent, r *rand.Rand) *lsusync.EPIGroup {
	for range len(epiCatalogue) {
		epi := epiCatalogue[r.IntN(len(epiCatalogue))]
		subjects, teaching := c.teaching(epi.subjects[:])
		if subjects == nil || len(teaching) == 0 {
			continue
		}
		return &lsusync.EPIGroup{
			EPI: lsusync.EPI{Title: clip(epi.title, f.lim.epiTitle.MaxLen), Theme: clip(epi.theme, f.lim.epiTheme.MaxLen), Subjects: subjects,
				Description: clip(epi.description, f.lim.description.MaxLen)},
			Title:    clip(epi.title+" ("+c.code+")", f.lim.groupTitle.MaxLen),
			Comment:  clip(groupComments[r.IntN(len(groupComments))], f.lim.comment.MaxLen),
			Teaching: teaching,
		}
	}
	return nil
}

func (f *filler) apGroup(c *classContent, r *rand.Rand) *lsusync.APGroup {
	for range len(apCatalogue) {
		ap := apCatalogue[r.IntN(len(apCatalogue))]
		subjects, teaching := c.teaching(ap.subjects)
		if subjects == nil || len(teaching) == 0 {
			continue
		}
		return &lsusync.APGroup{
			AP:       lsusync.AP{Title: clip(ap.title, f.lim.apTitle.MaxLen), Subjects: subjects, Description: clip(ap.description, f.lim.description.MaxLen)},
			Title:    clip("AP "+c.code+" – "+ap.title, f.lim.groupTitle.MaxLen),
			Teaching: teaching,
		}
	}
	return nil
}

// person returns what the bilans of the pupil have in common.
func (f *filler) person(id string, p *Pupil, level int) *pupilContent {
	if pc, ok := f.people[id]; ok {
		return pc
	}
	r := f.rng("pupil", id)
	pc := &pupilContent{ability: clamp(12+3.2*r.NormFloat64(), 2, 19.5)}
	switch k := r.IntN(100); {
	case k < 80:
	case k < 95:
		pc.attendance = 1
	default:
		pc.attendance = 2
	}
	homework := 0.1
	if level <= 1 {
		homework = 0.2
	}
	pc.homework = r.Float64() < homework
	for _, s := range []struct {
		code string
		rate float64
	}{{lsusync.SupportPAP, 0.03}, {lsusync.SupportPPRE, 0.04}, {lsusync.SupportPPS, 0.015}, {lsusync.SupportPAI, 0.025},
		{lsusync.SupportULIS, 0.01}, {lsusync.SupportUPE2A, 0.005}, {lsusync.SupportCTR, 0.005}} {
		if !slices.Contains(f.lim.supportCodes, s.code) || r.Float64() >= s.rate {
			continue
		}
		sp := lsusync.Support{Code: s.code}
		switch s.code {
		case lsusync.SupportPPRE:
			sp.PPRE = clip(pprePlans[r.IntN(len(pprePlans))], f.lim.ppre.MaxLen)
		case lsusync.SupportCTR:
			sp.Contract = clip(contracts[r.IntN(len(contracts))], f.lim.contract.MaxLen)
		}
		pc.support = append(pc.support, sp)
	}
	pc.guardians = f.guardians(r, p)
	f.people[id] = pc
	return pc
}

// guardians returns the pupil's responsables: most often a mother and a
// father, each with an address.
func (f *filler) guardians(r *rand.Rand, p *Pupil) []lsusync.Guardian {
	last := trim(p.LastName)
	address := func() lsusync.Address {
		c := cities[r.IntN(len(cities))]
		a := lsusync.Address{
			Line1:      clip(strconv.Itoa(1+r.IntN(140))+" "+streets[r.IntN(len(streets))], f.lim.addressLine.MaxLen),
			PostalCode: clip(c.postal, f.lim.postalCode.MaxLen),
			City:       clip(c.name, f.lim.city.MaxLen),
		}
		if r.IntN(5) == 0 {
			a.Line2 = clip(buildings[r.IntN(len(buildings))], f.lim.addressLine.MaxLen)
		}
		return a
	}
	name := func(s string) string { return clip(s, f.lim.guardianName.MaxLen) }
	if r.IntN(100) == 0 { // a pupil in the care of the aide sociale à l'enfance
		return []lsusync.Guardian{{Legal1: true, Relationship: clip("Tuteur", f.lim.relationship.MaxLen),
			Name: clip("Aide sociale à l'enfance de Paris", f.lim.denomination.MaxLen), Address: address()}}
	}
	home := address()
	mother := lsusync.Guardian{Civility: lsusync.Madame, LastName: name(last), FirstName: name(girlNames[r.IntN(len(girlNames))]),
		Legal1: true, Relationship: clip("Mère", f.lim.relationship.MaxLen), Address: home}
	if r.IntN(10) < 4 { // her own name
		mother.LastName = name(strings.ToUpper(lastNames[r.IntN(len(lastNames))]))
	}
	if r.IntN(5) == 0 { // one responsable
		return []lsusync.Guardian{mother}
	}
	father := lsusync.Guardian{Civility: lsusync.Monsieur, LastName: name(last), FirstName: name(boyNames[r.IntN(len(boyNames))]),
		Legal2: true, Relationship: clip("Père", f.lim.relationship.MaxLen), Address: home}
	if r.IntN(10) < 3 { // living apart
		father.Address = address()
	}
	return []lsusync.Guardian{mother, father}
}

// fill fills one bilan.
func (f *filler) fill(b *lsusync.Bilan) {
	p := f.pupils[b.Student]
	c := f.class(f.classOf[b.Student])
	if p == nil || c == nil {
		return
	}
	pc := f.period(c, b.Period)
	start := pc.start
	if start.Before(p.EntryDate) {
		start = p.EntryDate // arrived during the period
	}
	if pc.end.Before(start) || !p.ExitDate.IsZero() && p.ExitDate.Before(start) {
		return // not taught in the class in this period
	}
	person := f.person(b.Student, p, c.level)
	r := f.rng("bilan", b.Student, periodName(b.Period))

	b.Locked = b.Locked || pc.locked
	b.Imported = b.Imported || pc.imported
	if pc.locked {
		b.LockDate = pc.lockDate
	}
	b.SchoolingDate = start
	b.CouncilDate = pc.council
	b.Signatory = f.signatory

	sum, graded := 0.0, 0
	acquis := slices.Clone(b.Acquis) // the snapshot's lists may be shared
	for i := range acquis {
		a := &acquis[i]
		code := a.Subject.Code
		offset := f.normal("subject", b.Student, code) * 1.8
		avg := clamp(person.ability+offset+r.NormFloat64(), 0, 20)
		a.AcquisContent = f.acquisContent(r, code, avg, pc)
		if a.Average != "" {
			sum += avg
			graded++
		}
	}
	b.Acquis = acquis
	overall := person.ability
	if graded > 0 {
		overall = sum / float64(graded)
	}
	t := tone(overall)
	b.Synthesis = f.prose(r, 200, f.lim.synthesis.MaxLen, synthesisOpeners[t], byTone(t, [2][]string{}, synthesisRemarks), synthesisClosers[t])
	b.SchoolLife = f.schoolLife(r, person.attendance)
	if person.homework && r.IntN(5) > 0 {
		b.HomeworkHelp = f.prose(r, 60, min(300, f.lim.homework.MaxLen), homeworkComments, nil, nil)
	}
	b.Support = person.support
	b.Pathways = nil
	for _, pw := range pc.pathways {
		if r.IntN(10) == 0 {
			continue
		}
		text := pw.text
		if r.IntN(10) < 4 {
			text += " " + pathwayRemarks[r.IntN(len(pathwayRemarks))]
		}
		b.Pathways = append(b.Pathways, lsusync.Pathway{Code: pw.code, Text: clip(text, f.lim.pathway.MaxLen)})
	}
	if pc.epi != nil && r.IntN(20) > 0 {
		e := lsusync.PupilEPI{Group: *pc.epi}
		if r.IntN(2) == 0 {
			e.Comment = clip(groupComments[r.IntN(len(groupComments))], f.lim.comment.MaxLen)
		}
		b.EPIs = []lsusync.PupilEPI{e}
	}
	if pc.ap != nil && r.IntN(10) < 8 {
		a := lsusync.PupilAP{Group: *pc.ap}
		if r.IntN(10) < 3 {
			a.Comment = clip(groupComments[r.IntN(len(groupComments))], f.lim.comment.MaxLen)
		}
		b.APs = []lsusync.PupilAP{a}
	}
	if pc.last {
		b.Digital = f.digital(r, pc)
		if c.level == 3 {
			b.Socle = f.socle(r, overall)
		}
	}
	b.Guardians = person.guardians
}

// acquisContent returns what the teacher of a subject entered for a
// pupil whose average in it is avg.
func (f *filler) acquisContent(r *rand.Rand, code string, avg float64, pc *periodContent) lsusync.AcquisContent {
	var a lsusync.AcquisContent
	if els := pc.elements[code]; len(els) > 0 && r.IntN(10) > 0 {
		a.ProgrammeElements = els
	}
	if notGraded(code) {
		// A subject the class is not graded in.
		a.NotGraded, a.ClassNotGraded = true, true
		if r.IntN(10) < 4 {
			a.Appreciation = f.appreciation(r, code, tone(avg))
		}
		return a
	}
	switch k := r.IntN(100); {
	case k < 2: // dispensé, or absent at every assessment
		a.NotGraded = true
	default:
		a.Average = clip(formatAverage(avg, r), f.lim.average.MaxLen)
	}
	if class, ok := pc.averages[code]; ok {
		a.ClassAverage = clip(strconv.FormatFloat(clamp(class, 0, 20), 'f', 2, 64), f.lim.average.MaxLen)
	}
	if r.IntN(100) < 95 {
		a.Positioning = min(max(tone(avg)+1, f.lim.positioning.Min), f.lim.positioning.Max)
	}
	if r.IntN(100) < 88 {
		a.Appreciation = f.appreciation(r, code, tone(avg))
	}
	return a
}

// notGraded reports the subjects a class is not graded in.
func notGraded(code string) bool {
	switch code {
	case "000600", "001800", "010100": // AP, vie de classe, documentation
		return true
	}
	return false
}

// tone returns the level of an average: 0 (objectifs non atteints) to 3
// (dépassés), which the positionnement is 1 more than.
func tone(avg float64) int {
	switch {
	case avg < 7:
		return 0
	case avg < 10.5:
		return 1
	case avg < 15:
		return 2
	}
	return 3
}

// formatAverage writes an average as teachers' software does: "12.5",
// "14", "9.75".
func formatAverage(v float64, r *rand.Rand) string {
	if r.IntN(10) < 3 {
		return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

func (f *filler) appreciation(r *rand.Rand, code string, t int) string {
	return f.prose(r, 200, f.lim.appreciation.MaxLen, appreciationOpeners[t], byTone(t, subjectRemarks[code], appreciationRemarks),
		appreciationAdvice[min(t/2, 1)])
}

// byTone returns the pools of remarks a text of tone t draws from, in
// turn: weaknesses for the weakest, praise for the best, both between,
// the subject's own first.
func byTone(t int, subject, general [2][]string) [][]string {
	switch t {
	case 0:
		return [][]string{subject[0], general[0]}
	case 1:
		return [][]string{subject[0], general[1], general[0]}
	case 2:
		return [][]string{subject[1], general[1], subject[0]}
	}
	return [][]string{subject[1], general[1]}
}

func (f *filler) schoolLife(r *rand.Rand, attendance int) *lsusync.SchoolLife {
	var sl lsusync.SchoolLife
	switch attendance {
	case 0:
		sl.Late, sl.Justified = r.IntN(3), r.IntN(7)
	case 1:
		sl.Late, sl.Justified, sl.Unjustified = 1+r.IntN(6), 2+r.IntN(11), r.IntN(4)
	default:
		sl.Late, sl.Justified, sl.Unjustified = 4+r.IntN(17), 6+r.IntN(25), 4+r.IntN(22)
	}
	lim := f.lim.schoolLifeMax
	sl.Late, sl.Justified, sl.Unjustified = min(sl.Late, lim), min(sl.Justified, lim), min(sl.Unjustified, lim)
	if r.IntN(10) > 0 {
		h := min((sl.Justified+sl.Unjustified)*3+r.IntN(4), lim)
		sl.MissedHours = &h
	}
	if r.IntN(10) < 6 {
		sl.Comment = clip(schoolLifeComments[attendance][r.IntN(len(schoolLifeComments[attendance]))], f.lim.comment.MaxLen)
	}
	return &sl
}

func (f *filler) digital(r *rand.Rand, pc *periodContent) lsusync.DigitalSkills {
	var d lsusync.DigitalSkills
	codes := f.lim.digitalCodes
	n := min(len(codes), 5+r.IntN(5))
	for _, k := range r.Perm(len(codes))[:n] {
		lvl := f.lim.digitalLevel.Min + r.IntN(f.lim.digitalLevel.Max-f.lim.digitalLevel.Min+1)
		d.Levels = append(d.Levels, lsusync.DigitalLevel{Code: codes[k], Level: lvl})
	}
	slices.SortFunc(d.Levels, func(a, b lsusync.DigitalLevel) int {
		return slices.Index(codes, a.Code) - slices.Index(codes, b.Code)
	})
	if r.IntN(10) < 6 {
		d.Appreciation = clip(digitalComments[r.IntN(len(digitalComments))], f.lim.digitalAppreciation.MaxLen)
	}
	d.Common = pc.digital
	return d
}

// socle returns the positionnement on every domain of the socle, around
// the pupil's level; a domain is rarely dispensé (0).
func (f *filler) socle(r *rand.Rand, overall float64) []lsusync.SocleDomain {
	out := make([]lsusync.SocleDomain, 0, len(f.lim.socleCodes))
	for _, code := range f.lim.socleCodes {
		pos := min(max(tone(overall+1.5*r.NormFloat64())+1, f.lim.socle.Min+1), f.lim.socle.Max)
		if r.IntN(100) == 0 {
			pos = f.lim.socle.Min // dispensé
		}
		out = append(out, lsusync.SocleDomain{Code: code, Positioning: pos})
	}
	return out
}

// prose joins sentences into a text of min to max characters (the
// length drawn between them): one of first, then sentences of body, one
// pool after the other, and one of last to close when it fits; each
// sentence once. The text is allocated once, at its size.
func (f *filler) prose(r *rand.Rand, minLen, maxLen int, first []string, body [][]string, last []string) string {
	target := minLen + r.IntN(maxLen-minLen+1)
	var picked [32]string
	k, n, size := 0, 0, 0 // sentences, characters, bytes
	add := func(s string, room int) bool {
		l := utf8.RuneCountInString(s)
		if k > 0 {
			l++ // the space before
		}
		if n+l > room || k == len(picked) || slices.Contains(picked[:k], s) {
			return false
		}
		picked[k] = s
		k, n, size = k+1, n+l, size+len(s)+1
		return true
	}
	pick := func(pool []string) string { return pool[r.IntN(len(pool))] }
	if len(first) > 0 {
		add(pick(first), maxLen)
	}
	closing := ""
	if len(last) > 0 {
		closing = pick(last)
	}
	reserve := utf8.RuneCountInString(closing) + 1
	var pools [4][]string
	np := 0
	for _, p := range body {
		if len(p) > 0 && np < len(pools) {
			pools[np] = p
			np++
		}
	}
	for i, misses := 0, 0; np > 0 && n+reserve < target && misses < 8; i++ {
		if add(pick(pools[i%np]), maxLen-reserve) {
			misses = 0
		} else {
			misses++
		}
	}
	if closing != "" {
		add(closing, maxLen)
	}
	// Short of the least length: any sentence that fits.
	for _, p := range append(pools[:np:np], first, last) {
		for _, s := range p {
			if n >= minLen {
				break
			}
			add(s, maxLen)
		}
	}
	buf := make([]byte, 0, size)
	for i, s := range picked[:k] {
		if i > 0 {
			buf = append(buf, ' ')
		}
		buf = append(buf, s...)
	}
	return string(buf)
}

// normal returns a number of a normal distribution of mean 0 and
// standard deviation 1, roughly, drawn from the hash of the parts: a
// value that depends on what it is about, without a generator.
func (f *filler) normal(parts ...string) float64 {
	h := fnv64(f.seed, parts...)
	sum := 0.0
	for range 4 { // the sum of 4 uniforms, centred and scaled (Irwin-Hall)
		sum += float64(h&0xffff) / 0xffff
		h >>= 16
	}
	return (sum - 2) * math.Sqrt(3)
}

// fnv64 returns the FNV-1a hash of seed and the parts, without
// allocating.
func fnv64(seed uint64, parts ...string) uint64 {
	h := uint64(14695981039346656037) ^ seed
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h ^= uint64(p[i])
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	return h
}

// clip returns s cut to at most max characters (0: no bound).
func clip(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:max]))
}

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

// contentLimits are LSU's limits on what the filler writes, as
// lsusync.Fields declares them.
type contentLimits struct {
	appreciation, average, element, positioning                             lsusync.Field
	synthesis, homework, signatory, comment, ppre, contract, pathway        lsusync.Field
	epiTitle, epiTheme, apTitle, groupTitle, description                    lsusync.Field
	digitalAppreciation, digitalCommon, digitalLevel, socle                 lsusync.Field
	guardianName, relationship, denomination, addressLine, postalCode, city lsusync.Field
	schoolLifeMax                                                           int
	supportCodes, pathwayCodes, digitalCodes, socleCodes                    []string
}

// declaredLimits reads the limits from lsusync.Fields. A field the
// declaration lacks is a programming error: it panics.
func declaredLimits() contentLimits {
	fs := lsusync.Fields(lsusync.KindBilan)
	at := func(path ...string) lsusync.Field {
		list := fs
		var f lsusync.Field
		for _, name := range path {
			i := slices.IndexFunc(list, func(f lsusync.Field) bool { return f.Name == name })
			if i < 0 {
				panic("gen: lsusync declares no bilan field " + strings.Join(path, "."))
			}
			f = list[i]
			list = f.Fields
		}
		return f
	}
	return contentLimits{
		appreciation:        at("Acquis", "Appreciation"),
		average:             at("Acquis", "Average"),
		element:             at("Acquis", "ProgrammeElements"),
		positioning:         at("Acquis", "Positioning"),
		synthesis:           at("Synthesis"),
		homework:            at("HomeworkHelp"),
		signatory:           at("Signatory"),
		comment:             at("SchoolLife", "Comment"),
		ppre:                at("Support", "PPRE"),
		contract:            at("Support", "Contract"),
		pathway:             at("Pathways", "Text"),
		epiTitle:            at("EPIs", "Group", "EPI", "Title"),
		epiTheme:            at("EPIs", "Group", "EPI", "Theme"),
		apTitle:             at("APs", "Group", "AP", "Title"),
		groupTitle:          at("EPIs", "Group", "Title"),
		description:         at("EPIs", "Group", "EPI", "Description"),
		digitalAppreciation: at("Digital", "Appreciation"),
		digitalCommon:       at("Digital", "Common", "Text"),
		digitalLevel:        at("Digital", "Levels", "Level"),
		socle:               at("Socle", "Positioning"),
		guardianName:        at("Guardians", "LastName"),
		relationship:        at("Guardians", "Relationship"),
		denomination:        at("Guardians", "Name"),
		addressLine:         at("Guardians", "Address", "Line1"),
		postalCode:          at("Guardians", "Address", "PostalCode"),
		city:                at("Guardians", "Address", "City"),
		schoolLifeMax:       at("SchoolLife", "Late").Max,
		supportCodes:        at("Support", "Code").Values,
		pathwayCodes:        at("Pathways", "Code").Values,
		digitalCodes:        at("Digital", "Levels", "Code").Values,
		socleCodes:          at("Socle", "Code").Values,
	}
}
