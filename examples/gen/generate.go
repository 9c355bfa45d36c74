package gen

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/lsusync/lsusync"
)

// New generates the establishment described by cfg. The result depends on
// cfg only: the same Config always gives the same Establishment, and so the
// same exports byte for byte. Generation is linear in the number of pupils.
func New(cfg Config) *Establishment {
	cfg = cfg.Normalize()
	g := &generator{
		cfg: cfg,
		r:   rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(cfg.Seed)^0x9e3779b97f4a7c15)),
		e:   &Establishment{Config: cfg},
	}
	for _, n := range lastNames {
		g.upper = append(g.upper, strings.ToUpper(n))
	}
	for _, n := range specialLastNames {
		g.upperSpecial = append(g.upperSpecial, strings.ToUpper(n))
	}
	g.identity()
	g.nomenclatures()
	g.divisions()
	g.staff()
	g.services()
	g.pupils()
	g.headTeachers()
	g.substitutes()
	g.effectifs()
	return g.e
}

type generator struct {
	cfg Config
	r   *rand.Rand
	e   *Establishment

	core     []subjectDef   // the core subjects of every division
	pools    [][]int        // discipline -> indexes in e.Teachers
	divLevel []int          // division index -> level index
	lv2      map[int][2]int // division index -> indexes of its ALL and ESP groups
	latin    map[int]int    // division index -> index of its Latin group
	euro     map[int]int    // division index -> index of its section européenne group
	halves   map[int][2]int // division index -> indexes of its half-class groups

	upper, upperSpecial []string // the family names in capitals, as SIECLE writes them

	onLeave map[lsusync.TeacherKey]bool // teachers replaced by a substitute
}

func (g *generator) date(y int, m time.Month, d int) lsusync.Date {
	return lsusync.Date{Year: y, Month: m, Day: d}
}

// identity fills the establishment's identity. It holds an ampersand, an
// apostrophe and œ so that exports exercise entities and ISO-8859-15.
func (g *generator) identity() {
	y := g.cfg.Year
	uai := g.cfg.UAI
	g.e.Identity = Identity{
		Sigle:         "CLG",
		Name:          "COLLEGE SCIENCES & LETTRES",
		NameCompl:     "Cité scolaire Cœur d'Yvette",
		HeadName:      "Françoise D'ARTAGNAN",
		HeadTitle:     "PRINCIPALE",
		Line1:         "12 rue de l'Œuvre",
		Line2:         "Bâtiment A",
		Line3:         "",
		Line4:         "",
		POBox:         "BP 42",
		PostalCode:    "75005",
		INSEECode:     "75105",
		City:          "PARIS",
		Country:       "100",
		Phone:         "0144556677",
		Fax:           "0144556678",
		Email:         "ce." + strings.ToLower(uai) + "@ac-paris.fr",
		AcademyCode:   "01",
		AcademyLabel:  "PARIS",
		NatureCode:    "340",
		CategoryCode:  "10",
		Status:        "1",
		Sensitive:     "N",
		StartOfYear:   g.date(y, time.September, 1),
		EndOfYear:     g.date(y+1, time.August, 31),
		PupilYearFrom: g.date(y, time.September, 1),
		PupilYearTo:   g.date(y+1, time.July, 4),
	}
}

// nomenclatures fills the subjects, the MEFs and the programmes.
func (g *generator) nomenclatures() {
	e := g.e
	n := min(g.cfg.SubjectsPerClass-1, len(coreSubjects))
	g.core = coreSubjects[:n]
	for _, s := range coreSubjects {
		e.Subjects = append(e.Subjects, s.Subject)
	}
	for _, s := range []subjectDef{subjAllemand, subjEspagnol, subjLatin} {
		e.Subjects = append(e.Subjects, s.Subject)
	}
	e.Subjects = append(e.Subjects, unusedSubjects...)

	for _, l := range levels {
		e.MEFs = append(e.MEFs,
			MEF{Code: l.mef, Formation: l.name, Short: l.name, Long: l.name, Edition: l.digit + "e", Stat: l.stat},
			MEF{Code: l.mefB, Formation: l.name, Short: l.name + " BIL", Long: l.name + " BILANGUE", Edition: l.digit + "e bilangue", Stat: l.stat})
	}
	hours := func(h float64) string { return strconv.FormatFloat(h, 'f', 2, 64) }
	for _, l := range levels {
		for _, mef := range []string{l.mef, l.mefB} {
			bil := mef == l.mefB
			for _, s := range coreSubjects {
				if s.modality == "" {
					continue // no programme at all
				}
				e.Programmes = append(e.Programmes, Programme{MEF: mef, Subject: s.Code, Modality: s.modality, Hours: hours(s.hours)})
			}
			if l.lv2 || bil {
				for _, s := range []subjectDef{subjAllemand, subjEspagnol} {
					e.Programmes = append(e.Programmes, Programme{MEF: mef, Subject: s.Code, Modality: s.modality, Hours: hours(s.hours)})
				}
			}
			// Latin: listed with no hours (and another modality, as
			// real Nomenclature.xml files list options) in the standard
			// MEF, taught in the bilingual one: a class with both MEFs
			// takes the bilingual one's modality, a class with only the
			// standard MEF that of the programme without hours.
			if bil {
				e.Programmes = append(e.Programmes, Programme{MEF: mef, Subject: subjLatin.Code, Modality: subjLatin.modality, Hours: hours(subjLatin.hours)})
			} else {
				e.Programmes = append(e.Programmes, Programme{MEF: mef, Subject: subjLatin.Code, Modality: "O", Hours: "0.00"})
			}
		}
	}
}

// letters returns the bijective base-26 name of k: A, B, ..., Z, AA, AB...
func letters(k int) string {
	var b []byte
	for k++; k > 0; k = (k - 1) / 26 {
		b = append(b, byte('A'+(k-1)%26))
	}
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// divisionCode names the k-th division of a level. Each level has its own
// style, as establishments do: "6A", "5 A" (with a space), "4e 1", "3EME1".
func divisionCode(lvl, k int) (code, label string) {
	l := levels[lvl]
	switch lvl {
	case 0:
		return "6" + letters(k), l.label + " " + letters(k)
	case 1:
		return "5 " + letters(k), l.label + " " + letters(k)
	case 2:
		n := strconv.Itoa(k + 1)
		return "4e " + n, l.label + " " + n
	default:
		n := strconv.Itoa(k + 1)
		return "3EME" + n, l.label + " " + n
	}
}

// divisions creates the divisions, spread over the four levels.
func (g *generator) divisions() {
	e := g.e
	n := g.cfg.Classes
	e.Divisions = make([]Division, n)
	g.divLevel = make([]int, n)
	for i := range e.Divisions {
		lvl, k := i%len(levels), i/len(levels)
		g.divLevel[i] = lvl
		code, label := divisionCode(lvl, k)
		d := Division{Code: code, Label: label, MEFs: []string{levels[lvl].mef}}
		if i%3 == 2 { // bilingual classes have two MEFs
			d.MEFs = append(d.MEFs, levels[lvl].mefB)
		}
		switch {
		case i%29 == 11: // no label anywhere: the code is the label
			d.Label = ""
		case i%5 == 1: // STS labels are often empty; sometimes not
			d.STSLabel = levels[lvl].name + " " + code[len(levels[lvl].digit):]
			if i%10 == 1 {
				d.STSLabel += " - Section sportive"
			}
		}
		e.Divisions[i] = d
	}
}

// staff creates the teaching staff, the management and the CPE.
func (g *generator) staff() {
	e := g.e
	nt := g.cfg.Teachers
	// Weight of each discipline, from the weekly hours of its subjects.
	weights := make([]float64, len(disciplines))
	for _, s := range g.core {
		weights[s.discipline] += max(s.hours, 0.5)
	}
	for _, s := range []subjectDef{subjAllemand, subjEspagnol} {
		weights[s.discipline] += s.hours * 0.5
	}
	weights[dClassiques] += 0.6
	var total float64
	for _, w := range weights {
		total += w
	}
	counts := make([]int, len(disciplines))
	assigned := 0
	for d, w := range weights {
		if w > 0 {
			counts[d] = max(1, int(float64(nt)*w/total))
			assigned += counts[d]
		}
	}
	for d := 0; assigned < nt; d = (d + 1) % len(counts) { // distribute the rest
		if weights[d] > 0 {
			counts[d]++
			assigned++
		}
	}

	g.pools = make([][]int, len(disciplines))
	eppID := 4000 + g.r.IntN(1000)
	firstEpp := eppID
	localID := 0
	k := 0
	for d, c := range counts {
		for range c {
			t := g.person()
			t.Disciplines = []Discipline{{Code: disciplines[d].Code, Label: disciplines[d].Label,
				Hours: strconv.Itoa(15+g.r.IntN(4)) + ".00"}}
			if k%10 == 7 { // local staff (contractuels): no FONCTION, sometimes no sex
				if localID == 0 {
					localID = firstEpp // a local ID equal to an epp ID: keys are (type, id)
				} else {
					localID += 1 + g.r.IntN(3)
				}
				t.Key = lsusync.TeacherKey{Type: "local", ID: strconv.Itoa(localID)}
				t.Function = ""
				t.Grade = "CONTRACT."
				if k%20 == 7 {
					t.Sex = ""
					t.BirthName = ""
					t.BirthDate = lsusync.Date{}
				}
			} else {
				t.Key = lsusync.TeacherKey{Type: "epp", ID: strconv.Itoa(eppID)}
				eppID += 1 + g.r.IntN(40)
			}
			g.pools[d] = append(g.pools[d], len(e.Teachers))
			e.Teachers = append(e.Teachers, t)
			k++
		}
	}
	// The head, the deputy (TYPE dir since STS 11.1.2) and the CPE.
	head := g.person()
	head.Key, head.Function, head.Grade = lsusync.TeacherKey{Type: "dir", ID: strconv.Itoa(900 + g.r.IntN(100))}, "DIR", "PERDIR HC"
	head.Civility, head.Sex, head.FirstName, head.UsageName, head.BirthName = "2", "2", "Françoise", "D'ARTAGNAN", "LEMAÎTRE"
	deputy := g.person()
	deputy.Key, deputy.Function, deputy.Grade = lsusync.TeacherKey{Type: "dir", ID: strconv.Itoa(1000 + g.r.IntN(100))}, "DIR", "PERDIR CN"
	cpe := g.person()
	cpe.Key, cpe.Function, cpe.Grade = lsusync.TeacherKey{Type: "epp", ID: strconv.Itoa(eppID)}, "EDU", "CPE CN"
	e.Teachers = append(e.Teachers, head, deputy, cpe)
}

// person returns a teacher with a random identity and no key.
func (g *generator) person() Teacher {
	r := g.r
	t := Teacher{Function: "ENS", Grade: teacherGrades[r.IntN(len(teacherGrades)-1)]}
	name := g.upper[r.IntN(len(lastNames))]
	if r.IntN(2) == 0 {
		t.Sex, t.Civility = "1", "1"
		t.FirstName = boyNames[r.IntN(len(boyNames))]
		t.UsageName, t.BirthName = name, name
	} else {
		t.Sex, t.Civility = "2", "2"
		if r.IntN(8) == 0 {
			t.Civility = "3" // Mlle, still found in STS
		}
		t.FirstName = girlNames[r.IntN(len(girlNames))]
		t.BirthName = name
		t.UsageName = name
		if r.IntN(3) == 0 { // married name
			t.UsageName = g.upper[r.IntN(len(lastNames))]
		}
	}
	switch r.IntN(25) {
	case 0: // only NOM_PATRONYMIQUE
		t.UsageName = ""
	case 1: // no CIVILITE: the SEXE gives the civility
		t.Civility = ""
	}
	t.BirthDate = g.date(g.cfg.Year-25-r.IntN(38), time.Month(1+r.IntN(12)), 1+r.IntN(28))
	return t
}

// teacher returns the key of the teacher of discipline d for division i:
// each teacher of a discipline takes a contiguous share of the divisions.
func (g *generator) teacher(d, i int) lsusync.TeacherKey {
	pool := g.pools[d]
	return g.e.Teachers[pool[i*len(pool)/len(g.e.Divisions)]].Key
}

// other returns another teacher of discipline d than g.teacher(d, i),
// when there is one.
func (g *generator) other(d, i int) lsusync.TeacherKey {
	pool := g.pools[d]
	j := i*len(pool)/len(g.e.Divisions) + 1
	return g.e.Teachers[pool[j%len(pool)]].Key
}

// services creates the division services and the groups: LV2 and Latin
// groups spanning up to three divisions of a level, and half-classes.
func (g *generator) services() {
	e := g.e
	g.lv2 = make(map[int][2]int)
	g.latin = make(map[int]int)
	g.euro = make(map[int]int)
	g.halves = make(map[int][2]int)
	for i := range e.Divisions {
		d := &e.Divisions[i]
		half := i%3 == 1 && len(g.core) > splitSubject
		for si, s := range g.core {
			if half && si == splitSubject {
				continue // taught to the half-classes
			}
			sv := Service{Subject: s.Code, Course: "CG", Teachers: []lsusync.TeacherKey{g.teacher(s.discipline, i)}}
			switch {
			case s.Code == "080100" && i%17 == 5: // vacant post: no teacher
				sv.Teachers = nil
			case s.Code == "070200" && i%11 == 3: // co-teaching
				sv.Teachers = append(sv.Teachers, g.other(s.discipline, i))
			case s.Code == "000600": // AP: the French teacher too
				sv.Teachers = append(sv.Teachers, g.teacher(dLettres, i))
			}
			d.Services = append(d.Services, sv)
		}
		if half {
			code := d.Code
			g1 := Group{Code: code + "-G1", Label: code + " groupe 1", Divisions: []string{code}}
			g2 := Group{Code: code + "-G2", Label: code + " groupe 2", Divisions: []string{code}}
			pc := g.core[splitSubject]
			g1.Services = []Service{
				{Subject: pc.Code, Course: "CG", Teachers: []lsusync.TeacherKey{g.teacher(pc.discipline, i)}},
				// French in half-class with the division's teacher: the
				// same subject and teacher twice, merged by rule 6.
				{Subject: g.core[0].Code, Course: "CG", Teachers: []lsusync.TeacherKey{g.teacher(dLettres, i)}},
			}
			g2.Services = []Service{
				{Subject: pc.Code, Course: "CG", Teachers: []lsusync.TeacherKey{g.other(pc.discipline, i)}},
				{Subject: g.core[0].Code, Course: "CG", Teachers: []lsusync.TeacherKey{g.other(dLettres, i)}},
			}
			g.halves[i] = [2]int{len(e.Groups), len(e.Groups) + 1}
			e.Groups = append(e.Groups, g1, g2)
		}
	}
	// LV2 and Latin groups, by chunks of three divisions of a level.
	for lvl, l := range levels {
		var divs []int
		for i := lvl; i < len(e.Divisions); i += len(levels) {
			divs = append(divs, i)
		}
		for c := 0; c*3 < len(divs); c++ {
			chunk := divs[c*3 : min(len(divs), c*3+3)]
			codes := make([]string, len(chunk))
			for j, i := range chunk {
				codes[j] = e.Divisions[i].Code
			}
			n := strconv.Itoa(c + 1)
			first := chunk[0]
			if l.lv2 {
				all := Group{Code: l.digit + "ALL" + n, Label: "Allemand LV2 " + l.digit + "e " + n, Divisions: codes,
					Services: []Service{{Subject: subjAllemand.Code, Course: "CG", Teachers: []lsusync.TeacherKey{g.teacher(dAllemand, first)}}}}
				esp := Group{Code: l.digit + "ESP" + n, Label: "Espagnol LV2 " + l.digit + "e " + n, Divisions: codes,
					Services: []Service{{Subject: subjEspagnol.Code, Course: "CG", Teachers: []lsusync.TeacherKey{g.teacher(dEspagnol, first)}}}}
				if c%4 == 1 { // an empty STS label: the code is the label
					esp.Label = ""
				}
				for _, i := range chunk {
					g.lv2[i] = [2]int{len(e.Groups), len(e.Groups) + 1}
				}
				e.Groups = append(e.Groups, all, esp)
				lat := Group{Code: l.digit + "LAT" + n, Label: "Latin " + l.digit + "e " + n, Divisions: codes,
					Services: []Service{{Subject: subjLatin.Code, Course: "CG", Teachers: []lsusync.TeacherKey{g.teacher(dClassiques, first)}}}}
				for _, i := range chunk {
					g.latin[i] = len(e.Groups)
				}
				e.Groups = append(e.Groups, lat)
			}
			// A section européenne in 4e and 3e, drawn from two or three
			// divisions: English taught again to the group, which its
			// pupils chose as an option facultative, beside the English
			// of their class.
			if lvl >= 2 && len(chunk) >= 2 {
				euro := Group{Code: l.digit + "EURO" + n, Label: "Section européenne anglais " + l.digit + "e " + n, Divisions: codes,
					Services: []Service{{Subject: subjEuro.Code, Course: "CG", Teachers: []lsusync.TeacherKey{g.other(dAnglais, first)}}}}
				for _, i := range chunk {
					g.euro[i] = len(e.Groups)
				}
				e.Groups = append(e.Groups, euro)
			}
		}
	}
}

// pupils creates the pupils: names, INE variants, structures, exits.
func (g *generator) pupils() {
	e := g.e
	r := g.r
	n := g.cfg.Pupils
	y := g.cfg.Year
	today := g.cfg.Today
	e.Pupils = make([]Pupil, n)
	id := 140000 + r.IntN(10000)
	nd := len(e.Divisions)
	for j := range e.Pupils {
		p := &e.Pupils[j]
		id += 1 + r.IntN(5)
		p.ID = strconv.Itoa(id)
		p.ELENOET = strconv.Itoa(1000 + j)
		div := j % nd
		lvl := g.divLevel[div]
		l := levels[lvl]
		d := &e.Divisions[div]
		p.Division = d.Code
		p.MEF = d.MEFs[len(d.MEFs)-1]

		// INE: ID_NATIONAL (= INE_RNIE, sometimes with an INE_BEA), or
		// only INE_RNIE, or only INE_BEA, or none.
		ine := strconv.Itoa(1_000_000_000+j*97+r.IntN(97)) + string(rune('A'+r.IntN(26)))
		switch k := r.IntN(100); {
		case k < 80:
			p.INE, p.INERNIE = ine, ine
		case k < 90:
			p.INE, p.INERNIE, p.INEBEA = ine, ine, "0"+ine[1:]
		case k < 95:
			p.INERNIE = ine
		case k < 99:
			p.INEBEA = ine
		}

		// Identity.
		if j%97 == 0 {
			p.LastName = g.upperSpecial[(j/97)%len(specialLastNames)]
		} else {
			p.LastName = g.upper[r.IntN(len(lastNames))]
		}
		if r.IntN(20) == 0 {
			p.UsageName = g.upper[r.IntN(len(lastNames))] + " " + p.LastName
		}
		names := girlNames
		p.Sex = "2"
		if r.IntN(2) == 0 {
			names, p.Sex = boyNames, "1"
		}
		if j%97 == 11 {
			p.Sex = "" // CODE_SEXE absent
		}
		p.FirstName = names[r.IntN(len(names))]
		if r.IntN(10) < 3 {
			p.FirstName2 = names[r.IntN(len(names))]
			if r.IntN(3) == 0 {
				p.FirstName3 = names[r.IntN(len(names))]
			}
		}
		born := y - l.born
		p.Repeating = "N"
		if r.IntN(12) == 0 {
			born--
		}
		p.BirthDate = g.date(born, time.Month(1+r.IntN(12)), 1+r.IntN(28))
		p.BirthCountry = "100"
		p.BirthDept = "075"
		p.BirthINSEE = "751" + strconv.Itoa(10+r.IntN(10))
		if r.IntN(30) == 0 {
			p.BirthCountry, p.BirthDept, p.BirthINSEE, p.BirthCity = "132", "", "", "LONDRES" // born abroad
		}
		p.Status = "ST"
		p.Regime = []string{"0", "2", "2", "2"}[r.IntN(4)]
		p.EntryDate = g.date(y, time.September, 1)
		if r.IntN(40) == 0 {
			p.EntryDate = g.date(y, time.Month(9+r.IntN(3)), 2+r.IntN(27))
		}

		// Structures: the division, then LV2, Latin, half-class groups.
		p.Options = make([]PupilOption, 1, 3)
		p.Options[0] = PupilOption{Subject: "030201", Modality: "O"}
		p.Groups = make([]string, 0, 3)
		if gs, ok := g.lv2[div]; ok {
			k := gs[1]
			sub := subjEspagnol.Code
			if r.IntN(10) < 3 {
				k, sub = gs[0], subjAllemand.Code
			}
			p.Groups = append(p.Groups, e.Groups[k].Code)
			p.Options = append(p.Options, PupilOption{Subject: sub, Modality: "O"})
		}
		latin := false
		if k, ok := g.latin[div]; ok && r.IntN(100) < 15 {
			p.Groups = append(p.Groups, e.Groups[k].Code)
			p.Options = append(p.Options, PupilOption{Subject: subjLatin.Code, Modality: "F"})
			latin = true
		}
		// A fifth of the class in the section européenne, but for the
		// Latinists, whose timetable clashes: chosen by rank in the class,
		// not drawn, so that the rest of the establishment does not
		// depend on it. Their English option is the option facultative.
		if k, ok := g.euro[div]; ok && !latin && (j/nd)%5 == 2 {
			p.Groups = append(p.Groups, e.Groups[k].Code)
			p.Options[0].Modality = "F"
		}
		if gs, ok := g.halves[div]; ok {
			p.Groups = append(p.Groups, e.Groups[gs[(j/nd)%2]].Code)
		}
		if len(p.Groups) == 0 {
			p.Groups = nil
		}

		// Exits: a few left before today, a few leave later; some
		// pupils are inactive, or have group structures only.
		switch {
		case j%53 == 7 || r.IntN(100) < 2: // left, up to 60 days ago
			p.ExitDate = addDays(today, -1-r.IntN(60))
			p.ExitReason = "DEM"
		case j%211 == 13 || r.IntN(200) == 0: // leaves in a month or more
			p.ExitDate = addDays(today, 30+r.IntN(150))
			p.ExitReason = "DEM"
		case j%307 == 23:
			p.ExitDate = today // leaves today: not past, still present
			p.ExitReason = "DEM"
		}
		switch {
		case j%331 == 17:
			p.Division = InactiveDivision
			p.Groups = nil
			if p.ExitDate.IsZero() {
				p.ExitDate = addDays(today, -70)
				p.ExitReason = "FIN"
			}
		case j%503 == 41:
			p.Division = "" // group structures only
			if len(p.Groups) == 0 && len(e.Groups) > 0 {
				p.Groups = []string{e.Groups[0].Code}
			}
		}
	}
}

// headTeachers appoints the professeurs principaux: one or two per
// division among its teachers, some replaced during the year (a past
// DATE_FIN and a successor), some with a future DATE_FIN.
func (g *generator) headTeachers() {
	e := g.e
	y := g.cfg.Year
	today := g.cfg.Today
	index := make(map[lsusync.TeacherKey]int, len(e.Teachers))
	for i, t := range e.Teachers {
		index[t.Key] = i
	}
	start := g.date(y, time.September, 1)
	for i := range e.Divisions {
		d := &e.Divisions[i]
		var cands []lsusync.TeacherKey
		for _, s := range d.Services {
			cands = append(cands, s.Teachers...)
		}
		if len(cands) == 0 {
			continue
		}
		pick := func(k int) *Teacher { return &e.Teachers[index[cands[k%len(cands)]]] }
		appoint := func(t *Teacher, a HeadAppointment) {
			for _, h := range t.HeadOf {
				if h.Division == a.Division {
					return // already PP of this division
				}
			}
			t.HeadOf = append(t.HeadOf, a)
		}
		a := HeadAppointment{Division: d.Code, Start: start}
		if i%2 == 1 {
			a.End = g.date(y+1, time.July, 4)
		}
		switch {
		case i%7 == 3: // replaced: ended before today, a successor since
			end := addDays(today, -20)
			appoint(pick(i), HeadAppointment{Division: d.Code, Start: start, End: end})
			appoint(pick(i+1), HeadAppointment{Division: d.Code, Start: addDays(end, 1)})
		case i%13 == 6: // ends today: still PP
			appoint(pick(i), HeadAppointment{Division: d.Code, Start: start, End: today})
		default:
			appoint(pick(i), a)
		}
		if i%5 == 0 { // a second PP
			appoint(pick(i+2), HeadAppointment{Division: d.Code, Start: start})
		}
	}
}

func addDays(d lsusync.Date, n int) lsusync.Date {
	return lsusync.DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// substitutes makes a few teachers on leave (no FONCTION) replaced by
// substitutes listed under SUPPLEANTS, who join their services.
func (g *generator) substitutes() {
	e := g.e
	n := max(1, g.cfg.Teachers/50)
	g.onLeave = make(map[lsusync.TeacherKey]bool, n)
	maxID := 0
	for _, t := range e.Teachers {
		if t.Key.Type == "epp" {
			maxID = max(maxID, atoi(t.Key.ID))
		}
	}
	for k := range n {
		pool := g.pools[k%len(g.pools)]
		if len(pool) < 2 {
			continue
		}
		// A teacher of the discipline not yet on leave.
		var absent *Teacher
		for off := range pool {
			t := &e.Teachers[pool[(len(pool)/2+off)%len(pool)]]
			if !g.onLeave[t.Key] {
				absent = t
				break
			}
		}
		if absent == nil {
			continue
		}
		g.onLeave[absent.Key] = true
		absent.Function = "" // on leave, still referenced by services
		sub := g.person()
		maxID += 1 + g.r.IntN(20)
		sub.Key = lsusync.TeacherKey{Type: "epp", ID: strconv.Itoa(maxID)}
		if k%2 == 1 {
			sub.Key.Type = "local"
			sub.Function = ""
		}
		sub.Disciplines = absent.Disciplines
		sub.Substitute = true
		replace := func(svs []Service) {
			for i := range svs {
				for _, t := range svs[i].Teachers {
					if t == absent.Key {
						svs[i].Teachers = append(svs[i].Teachers, sub.Key)
						break
					}
				}
			}
		}
		for i := range e.Divisions {
			replace(e.Divisions[i].Services)
		}
		for i := range e.Groups {
			replace(e.Groups[i].Services)
		}
		// The substitute also takes over the PP appointments.
		for _, h := range absent.HeadOf {
			sub.HeadOf = append(sub.HeadOf, HeadAppointment{Division: h.Division, Start: addDays(g.cfg.Today, -30), End: h.End})
		}
		e.Teachers = append(e.Teachers, sub)
	}
}

// effectifs sets the planned head counts from the pupils.
func (g *generator) effectifs() {
	e := g.e
	divs := make(map[string]int, len(e.Divisions))
	groups := make(map[string]int, len(e.Groups))
	for _, p := range e.Pupils {
		divs[p.Division]++
		for _, c := range p.Groups {
			groups[c]++
		}
	}
	for i := range e.Divisions {
		e.Divisions[i].Planned = divs[e.Divisions[i].Code]
	}
	for i := range e.Groups {
		e.Groups[i].Planned = groups[e.Groups[i].Code]
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
