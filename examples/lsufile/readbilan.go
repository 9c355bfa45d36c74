package lsufile

import (
	"fmt"
	"slices"

	"github.com/lsusync/lsusync"
)

// What the file holds and the model has no field for, counted by kind.
const (
	ncCycle      = "cycle"
	ncPathways   = "parcours-communs"
	ncSchoolLife = "vies-scolaires-communs"
	ncIDLV       = "id-lv"
	ncSoclePos   = "socle-positionnement"
	ncZone       = "zone"
)

var bilanNames = []string{fBilanStudent.name, fBilanPeriod.name, fCouncil.name, fSchooling.name, fLockDate.name, "responsable-etab-ref", fHeads.name}

// bilan reads a bilan-periodique and gives it to fn.
func (d *decoder) bilan() error {
	var a [7]av
	if err := d.attrsOf(bilanNames, a[:], fBilanStudent.name, fBilanPeriod.name, fCouncil.name, fSchooling.name, "responsable-etab-ref"); err != nil {
		return err
	}
	fb := &FileBilan{Line: d.line}
	b := &fb.Bilan
	b.Imported = true
	pi, err := d.ref(fBilanStudent.name, a[0], idPupil)
	if err != nil {
		return err
	}
	pp, err := d.ref(fBilanPeriod.name, a[1], idPeriod)
	if err != nil {
		return err
	}
	pupil, period := &d.pupils[pi], &d.periods[pp]
	if !d.firstBilan(pi, pp) {
		return d.fail(ErrSchema, "", 0, "", "a second bilan-periodique of one eleve-ref and periode-ref")
	}
	b.Student, fb.Class, b.Period = pupil.id, pupil.class, period.p
	record := fmt.Sprintf("ELEVE_ID %s, %s", pupil.id, string(collapse(a[1].v)))
	fail := func(err error) error {
		if e, ok := err.(*Error); ok && e.Record == "" {
			e.Record = record
		}
		return err
	}
	if period.unfit != "" {
		fb.Unfit = append(fb.Unfit, Reason{Field: "Period.Year", Text: period.unfit})
	}
	var zone bool
	if b.CouncilDate, zone, err = d.date(fCouncil.name, a[2]); err != nil {
		return fail(err)
	}
	if zone {
		d.notCarried[ncZone]++
	}
	if b.SchoolingDate, zone, err = d.date(fSchooling.name, a[3]); err != nil {
		return fail(err)
	}
	if zone {
		d.notCarried[ncZone]++
	}
	if a[4].ok {
		var why string
		if b.LockDate, why, err = d.stringDateTime(fLockDate.name, a[4]); err != nil {
			return fail(err)
		}
		if why != "" {
			fb.Unfit = append(fb.Unfit, Reason{Field: "LockDate", Text: why})
		}
	} else {
		d.breaks2020()
	}
	ri, err := d.ref("responsable-etab-ref", a[5], idResp)
	if err != nil {
		return fail(err)
	}
	b.Signatory = d.resp[ri]
	if a[6].ok {
		is, err := d.refs(fHeads.name, a[6], idTeacher, 1)
		if err != nil {
			return fail(err)
		}
		for _, i := range is {
			b.HeadTeachers = append(b.HeadTeachers, d.teachers[i])
		}
	}
	err = d.sequence([]seq{
		{name: fAcquis.wrap, min: 1, max: 1, read: func() error { return d.acquisList(b) }},
		{name: fDigital.name, max: 1, read: func() error { return d.digital(&b.Digital) }},
		{name: epiGroup.list.wrap, max: 1, read: func() error { return d.pupilGroups(epiGroup, b) }},
		{name: apGroup.list.wrap, max: 1, read: func() error { return d.pupilGroups(apGroup, b) }},
		{name: fPathways.wrap, max: 1, read: d.listOfSeen(fPathways.name, func(seen map[string]int) error {
			p, err := d.parcours(seen)
			b.Pathways = append(b.Pathways, p)
			return err
		})},
		{name: fSupport.wrap, max: 1, read: d.listOfSeen(fSupport.name, func(seen map[string]int) error {
			s, err := d.support(seen)
			b.Support = append(b.Support, s)
			return err
		})},
		{name: fSynthesis.name, min: 1, max: 1, read: func() (err error) { b.Synthesis, err = d.textOf(fSynthesis, true); return }},
		{name: fHomework.name, max: 1, read: func() (err error) { b.HomeworkHelp, err = d.textOf(fHomework, true); return }},
		{name: fLife.name, min: 1, max: 1, read: func() (err error) { b.SchoolLife, err = d.schoolLife(); return }},
		{name: fSocle.wrap, max: 1, read: func() error { return d.socle(b) }},
		{name: fGuardians.wrap, max: 1, read: func() error { return d.responsables(&b.Guardians) }},
	})
	if err != nil {
		return fail(err)
	}
	fb.Unfit = append(fb.Unfit, unfit(b)...)
	d.bilans++
	if d.fn != nil {
		return d.fn(fb)
	}
	return nil
}

// unfit says what of b the model cannot hold: two acquis of one subject
// and modalité (two disciplines the file told apart by their id-lv), two
// EPIs or APs of the pupil alike in everything.
func unfit(b *lsusync.Bilan) []Reason {
	var rs []Reason
	twice := repeated(len(b.Acquis), func(i int) lsusync.SubjectKey { return b.Acquis[i].Subject.Key() })
	for i := range twice {
		if twice[i] {
			k := b.Acquis[i].Subject.Key()
			rs = append(rs, Reason{Field: "Acquis[" + k.String() + "]", Text: "deux acquis" + subjectWhere(k)})
		}
	}
	for _, g := range []struct {
		label string
		n     int
		key   func(int) string
	}{
		{"EPI", len(b.EPIs), func(i int) string { d := epiData(&b.EPIs[i]); return d.groupKey() }},
		{"accompagnement personnalisé", len(b.APs), func(i int) string { d := apData(&b.APs[i]); return d.groupKey() }},
	} {
		seen := make(map[string]bool, g.n)
		for i := range g.n {
			k := g.key(i)
			if seen[k] {
				rs = append(rs, Reason{Text: "deux groupes d'" + g.label + " identiques"})
				break
			}
			seen[k] = true
		}
	}
	return rs
}

// listOfSeen reads a list of items whose code is unique.
func (d *decoder) listOfSeen(item string, read func(map[string]int) error) func() error {
	return func() error {
		seen := make(map[string]int)
		return d.listOf(item, func() error { return read(seen) })()
	}
}

var acquisNames = []string{fSubject.name, fTeachers.name, fElements.name, fAverage.name, fClassAverage.name, fNotGraded.name, fClassNotGraded.name, fPositioning.name}

func (d *decoder) acquisList(b *lsusync.Bilan) error {
	if err := d.attrsOf(nil, nil); err != nil {
		return err
	}
	seen := make(map[int]bool)
	return d.list(fAcquis.name, func() error {
		var a [8]av
		if err := d.attrsOf(acquisNames, a[:], fSubject.name, fTeachers.name); err != nil {
			return err
		}
		si, err := d.ref(fSubject.name, a[0], idDiscipline)
		if err != nil {
			return err
		}
		if seen[si] {
			return d.fail(ErrSchema, fSubject.name, a[0].line, string(collapse(a[0].v)), "a second acquis of one discipline-ref")
		}
		seen[si] = true
		ac := lsusync.Acquis{Subject: d.disc[si].s}
		ts, err := d.refs(fTeachers.name, a[1], idTeacher, 1)
		if err != nil {
			return err
		}
		for _, t := range ts {
			ac.Teachers = append(ac.Teachers, d.teachers[t])
		}
		if a[2].ok {
			es, err := d.refs(fElements.name, a[2], idElement, 1)
			if err != nil {
				return err
			}
			for _, e := range es {
				ac.ProgrammeElements = append(ac.ProgrammeElements, d.elements[e])
			}
		}
		if a[3].ok {
			if ac.Average, err = d.str(fAverage, fAverage.name, a[3].line, string(a[3].v), false); err != nil {
				return err
			}
		}
		if a[4].ok {
			if ac.ClassAverage, err = d.str(fClassAverage, fClassAverage.name, a[4].line, string(a[4].v), false); err != nil {
				return err
			}
		}
		if a[5].ok {
			if ac.NotGraded, err = d.boolean(fNotGraded.name, a[5]); err != nil {
				return err
			}
		}
		if a[6].ok {
			if ac.ClassNotGraded, err = d.boolean(fClassNotGraded.name, a[6]); err != nil {
				return err
			}
		}
		if a[7].ok {
			if ac.Positioning, err = d.digit(fPositioning.name, a[7], digitsOf(fPositioning)); err != nil {
				return err
			}
		}
		err = d.sequence([]seq{{name: fAppreciation.name, max: 1, read: func() (err error) {
			ac.Appreciation, err = d.textOf(fAppreciation, true)
			return
		}}})
		b.Acquis = append(b.Acquis, ac)
		return err
	})
}

// digitsOf returns the digits from sp's Min to its Max, which the
// schema's one-digit patterns allow ("1234" for [1-4]).
func digitsOf(sp *spec) string {
	var b []byte
	for i := sp.min; i <= sp.max && i <= 9; i++ {
		b = append(b, byte('0'+i))
	}
	return string(b)
}

func (d *decoder) digital(ds *lsusync.DigitalSkills) error {
	var a [1]av
	if err := d.attrsOf([]string{fCommon.name}, a[:]); err != nil {
		return err
	}
	if a[0].ok {
		is, err := d.refs(fCommon.name, a[0], idCommon, 1)
		if err != nil {
			return err
		}
		for _, i := range is {
			ds.Common = append(ds.Common, d.commons[i])
			d.use(idCommon, i)
		}
	}
	seen := make(map[string]int)
	return d.sequence([]seq{
		{name: fDigitalAppr.name, max: 1, read: func() (err error) { ds.Appreciation, err = d.textOf(fDigitalAppr, true); return }},
		{name: fLevels.name, read: func() error {
			names := []string{fLevelCode.name, fLevelValue.name}
			var a [2]av
			if err := d.attrsOf(names, a[:], names...); err != nil {
				return err
			}
			l := lsusync.DigitalLevel{Code: string(a[0].v)}
			if err := d.enum(fLevelCode.values, fLevelCode.name, a[0].line, l.Code); err != nil {
				return err
			}
			if err := d.unique(seen, l.Code, fLevelCode.name, a[0].line, l.Code); err != nil {
				return err
			}
			var err error
			if l.Level, err = d.digit(fLevelValue.name, a[1], digitsOf(fLevelValue)); err != nil {
				return err
			}
			ds.Levels = append(ds.Levels, l)
			return d.empty()
		}},
	})
}

// pupilGroups reads the pupil's EPIs or APs.
func (d *decoder) pupilGroups(g *group, b *lsusync.Bilan) error {
	if err := d.attrsOf(nil, nil); err != nil {
		return err
	}
	kind := idEPIGroup
	if g.theme == nil {
		kind = idAPGroup
	}
	seen := make(map[int]bool)
	return d.list(g.list.name, func() error {
		var a [1]av
		if err := d.attrsOf([]string{g.ref.name}, a[:], g.ref.name); err != nil {
			return err
		}
		i, err := d.ref(g.ref.name, a[0], kind)
		if err != nil {
			return err
		}
		if seen[i] {
			return d.fail(ErrSchema, g.ref.name, a[0].line, string(collapse(a[0].v)), "the pupil follows one group twice")
		}
		seen[i] = true
		d.use(kind, i)
		var comment string
		err = d.sequence([]seq{{name: g.comment.name, max: 1, read: func() (err error) { comment, err = d.textOf(g.comment, true); return }}})
		if kind == idEPIGroup {
			b.EPIs = append(b.EPIs, lsusync.PupilEPI{Group: cloneEPIGroup(d.epiGrps[i]), Comment: comment})
		} else {
			b.APs = append(b.APs, lsusync.PupilAP{Group: cloneAPGroup(d.apGrps[i]), Comment: comment})
		}
		return err
	})
}

// cloneEPIGroup returns g with lists of its own: a bilan owns its values.
func cloneEPIGroup(g lsusync.EPIGroup) lsusync.EPIGroup {
	g.EPI.Subjects = slices.Clone(g.EPI.Subjects)
	g.Teaching = slices.Clone(g.Teaching)
	return g
}

func cloneAPGroup(g lsusync.APGroup) lsusync.APGroup {
	g.AP.Subjects = slices.Clone(g.AP.Subjects)
	g.Teaching = slices.Clone(g.Teaching)
	return g
}

func (d *decoder) support(seen map[string]int) (lsusync.Support, error) {
	var a [1]av
	if err := d.attrsOf([]string{fSupportCode.name}, a[:], fSupportCode.name); err != nil {
		return lsusync.Support{}, err
	}
	s := lsusync.Support{Code: string(a[0].v)}
	if err := d.enum(fSupportCode.values, fSupportCode.name, a[0].line, s.Code); err != nil {
		return s, err
	}
	if err := d.unique(seen, s.Code, fSupportCode.name, a[0].line, s.Code); err != nil {
		return s, err
	}
	err := d.sequence([]seq{
		{name: fSupportPPRE.name, max: 1, read: func() (err error) { s.PPRE, err = d.textOf(fSupportPPRE, true); return }},
		{name: fSupportContract.name, max: 1, read: func() (err error) { s.Contract, err = d.textOf(fSupportContract, true); return }},
	})
	return s, err
}

var lifeNames = []string{fLate.name, fJustified.name, fUnjustified.name, fMissed.name}

func (d *decoder) schoolLife() (*lsusync.SchoolLife, error) {
	var a [4]av
	if err := d.attrsOf(lifeNames, a[:], fLate.name, fJustified.name, fUnjustified.name); err != nil {
		return nil, err
	}
	l := &lsusync.SchoolLife{}
	for i, sp := range []*spec{fLate, fJustified, fUnjustified, fMissed} {
		if !a[i].ok {
			continue
		}
		n, _, err := d.integer(sp.name, a[i], int64(sp.min), int64(sp.max), "a count of 0 to 999")
		if err != nil {
			return nil, err
		}
		switch i {
		case 0:
			l.Late = int(n)
		case 1:
			l.Justified = int(n)
		case 2:
			l.Unjustified = int(n)
		case 3:
			h := int(n)
			l.MissedHours = &h
		}
	}
	err := d.sequence([]seq{{name: fLifeComment.name, max: 1, read: func() (err error) { l.Comment, err = d.textOf(fLifeComment, true); return }}})
	return l, err
}

// socle reads the periodic socle: 1 to 8 domains, each with its
// positionnement (7.0), or 8 of positionnement optional (2020).
func (d *decoder) socle(b *lsusync.Bilan) error {
	if err := d.attrsOf(nil, nil); err != nil {
		return err
	}
	seen := make(map[string]int)
	n := 0
	err := d.sequence([]seq{{name: fSocle.name, min: 1, max: fSocle.maxCount, read: func() error {
		n++
		names := []string{fSocleCode.name, fSoclePosition.name}
		var a [2]av
		if err := d.attrsOf(names, a[:], fSocleCode.name); err != nil {
			return err
		}
		dom := lsusync.SocleDomain{Code: string(a[0].v)}
		if err := d.enum(fSocleCode.values, fSocleCode.name, a[0].line, dom.Code); err != nil {
			return err
		}
		if err := d.unique(seen, dom.Code, fSocleCode.name, a[0].line, dom.Code); err != nil {
			return err
		}
		if !a[1].ok {
			if err := d.refuse7(d.fail(ErrSchema, fSoclePosition.name, 0, "", "<"+fSocle.name+"> lacks its attribute "+fSoclePosition.name+" (which the 2020 schema of versions 2.0 and 3.0 allows)")); err != nil {
				return err
			}
			d.notCarried[ncSoclePos]++
			return d.empty()
		}
		var err error
		if dom.Positioning, err = d.digit(fSoclePosition.name, a[1], digitsOf(fSoclePosition)); err != nil {
			return err
		}
		b.Socle = append(b.Socle, dom)
		return d.empty()
	}}})
	if n != 8 {
		d.breaks2020()
	}
	return err
}

var responsableNames = []string{fGCivility.name, fGLast.name, fGFirst.name, fGLegal1.name, fGLegal2.name, fGRelation.name, fGName.name}

func (d *decoder) responsables(gs *[]lsusync.Guardian) error {
	if err := d.attrsOf(nil, nil); err != nil {
		return err
	}
	return d.list(fGuardians.name, func() error {
		var a [7]av
		if err := d.attrsOf(responsableNames, a[:]); err != nil {
			return err
		}
		var g lsusync.Guardian
		var err error
		if a[0].ok {
			g.Civility = string(a[0].v)
			if err := d.enum(fGCivility.values, fGCivility.name, a[0].line, g.Civility); err != nil {
				return err
			}
		}
		for i, f := range []struct {
			sp  *spec
			dst *string
		}{{fGLast, &g.LastName}, {fGFirst, &g.FirstName}} {
			if a[1+i].ok {
				if *f.dst, err = d.str(f.sp, f.sp.name, a[1+i].line, string(a[1+i].v), true); err != nil {
					return err
				}
			}
		}
		if a[3].ok {
			if g.Legal1, err = d.boolean(fGLegal1.name, a[3]); err != nil {
				return err
			}
		}
		if a[4].ok {
			if g.Legal2, err = d.boolean(fGLegal2.name, a[4]); err != nil {
				return err
			}
		}
		if a[5].ok {
			if g.Relationship, err = d.str(fGRelation, fGRelation.name, a[5].line, string(a[5].v), true); err != nil {
				return err
			}
		}
		if a[6].ok {
			if g.Name, err = d.str(fGName, fGName.name, a[6].line, string(a[6].v), true); err != nil {
				return err
			}
		}
		err = d.sequence([]seq{{name: fGAddress.name, max: 1, read: func() error { return d.address(&g.Address) }}})
		*gs = append(*gs, g)
		return err
	})
}

var addressNames = []string{fAddressLines[0].name, fAddressLines[1].name, fAddressLines[2].name, fAddressLines[3].name, fPostalCode.name, fCity.name}

func (d *decoder) address(ad *lsusync.Address) error {
	var a [6]av
	if err := d.attrsOf(addressNames, a[:], fPostalCode.name, fCity.name); err != nil {
		return err
	}
	if !a[0].ok {
		d.breaks2020()
	}
	dst := []*string{&ad.Line1, &ad.Line2, &ad.Line3, &ad.Line4, &ad.PostalCode, &ad.City}
	sps := []*spec{fAddressLines[0], fAddressLines[1], fAddressLines[2], fAddressLines[3], fPostalCode, fCity}
	for i := range dst {
		if !a[i].ok {
			continue
		}
		var err error
		if *dst[i], err = d.str(sps[i], sps[i].name, a[i].line, string(a[i].v), true); err != nil {
			return err
		}
	}
	return d.empty()
}

// The bilan de cycle: read and checked, counted, not held by the model.
var (
	cycleNames      = []string{"eleve-ref", "cycle", "millesime", "date-creation", "date-verrou", "responsable-etab-ref", "prof-princ-refs"}
	complementCodes = []string{"AUC", "LCA", "LCE", "LCR", "CHK", "PRO", "LSF", "LVE"}
	regionalCodes   = []string{"AUC", "BAQ", "BRE", "CAT", "COS", "CPF", "FUD", "GAL", "GSW", "MEL", "MOL", "OCI", "TAH", "WLS"}
)

func (d *decoder) bilanCycle() error {
	var a [7]av
	if err := d.attrsOf(cycleNames, a[:], "eleve-ref", "cycle", "millesime", "date-creation", "responsable-etab-ref"); err != nil {
		return err
	}
	pi, err := d.ref("eleve-ref", a[0], idPupil)
	if err != nil {
		return err
	}
	cycle, err := d.digit("cycle", a[1], "34")
	if err != nil {
		return err
	}
	p := &d.pupils[pi]
	if p.cycles&(1<<cycle) != 0 {
		return d.fail(ErrSchema, "", 0, "", "a second bilan-cycle of one eleve-ref and cycle")
	}
	p.cycles |= 1 << cycle
	if _, err := d.str(sMillesime, "millesime", a[2].line, string(a[2].v), false); err != nil {
		return err
	}
	if _, _, err := d.date("date-creation", a[3]); err != nil {
		return err
	}
	if a[4].ok {
		if _, _, err := d.stringDateTime("date-verrou", a[4]); err != nil {
			return err
		}
	} else {
		d.breaks2020()
	}
	if _, err := d.ref("responsable-etab-ref", a[5], idResp); err != nil {
		return err
	}
	if a[6].ok {
		if _, err := d.refs("prof-princ-refs", a[6], idTeacher, 1); err != nil {
			return err
		}
	}
	d.notCarried[ncCycle]++
	var guardians []lsusync.Guardian
	return d.sequence([]seq{
		{name: "socle", min: 1, max: 1, read: func() error {
			if err := d.attrsOf(nil, nil); err != nil {
				return err
			}
			seen := make(map[string]int)
			n := 0
			err := d.sequence([]seq{{name: fSocle.name, min: 1, max: 8, read: func() error {
				n++
				names := []string{fSocleCode.name, fSoclePosition.name}
				var a [2]av
				if err := d.attrsOf(names, a[:], names...); err != nil {
					return err
				}
				if err := d.enum(fSocleCode.values, fSocleCode.name, a[0].line, string(a[0].v)); err != nil {
					return err
				}
				if err := d.unique(seen, string(a[0].v), fSocleCode.name, a[0].line, string(a[0].v)); err != nil {
					return err
				}
				if _, err := d.digit(fSoclePosition.name, a[1], "01234"); err != nil {
					return err
				}
				return d.empty()
			}}})
			if err == nil && n != 8 {
				return d.fail(ErrSchema, "", d.t.line(d.t.pos), "", fmt.Sprintf("a bilan-cycle's socle of %d domaines, where LSU's schema wants 8", n))
			}
			return err
		}},
		{name: "synthese", min: 1, max: 1, read: func() error { _, err := d.textOf(sChaine1500, true); return err }},
		{name: "enseignement-complement", max: 1, read: func() error { return d.coded(complementCodes, "12") }},
		{name: fGuardians.wrap, max: 1, read: func() error { return d.responsables(&guardians) }},
		{name: "langue-culture-regionale", max: 1, read: func() error { return d.coded(regionalCodes, "12") }},
	})
}

// coded reads an element of a required code and an optional
// positionnement of one digit.
func (d *decoder) coded(codes []string, positions string) error {
	names := []string{"code", "positionnement"}
	var a [2]av
	if err := d.attrsOf(names, a[:], "code"); err != nil {
		return err
	}
	if err := d.enum(codes, "code", a[0].line, string(a[0].v)); err != nil {
		return err
	}
	if a[1].ok {
		if _, err := d.digit("positionnement", a[1], positions); err != nil {
			return err
		}
	}
	return d.empty()
}

// result returns what Read tells of the file.
func (d *decoder) result() *File {
	f := d.header
	f.Name, f.Bilans = d.file, d.bilans
	// The shared elements that no bilan périodique refers to: a group
	// unused, and an EPI or AP none of whose groups is used.
	unusedOf := func(of, group idKind, n int) int {
		used := make([]bool, n)
		for gi, o := range d.groupOfIndex[group] {
			if gi < len(d.used[group]) && d.used[group][gi] {
				used[o] = true
			}
		}
		c := 0
		for _, u := range used {
			if !u {
				c++
			}
		}
		return c
	}
	unused := func(kind idKind, n int) int {
		c := 0
		for i := range n {
			if i >= len(d.used[kind]) || !d.used[kind][i] {
				c++
			}
		}
		return c
	}
	themes := 0
	for code := range d.themes {
		used := false
		for i, e := range d.epis {
			if e.Theme == code && ofUsed(d, idEPIGroup, i) {
				used = true
				break
			}
		}
		if !used {
			themes++
		}
	}
	counts := []struct {
		n         int
		one, many string
	}{
		{d.notCarried[ncCycle], "bilan de cycle", "bilans de cycle"},
		{d.notCarried[ncPathways], "parcours commun à une classe", "parcours communs à une classe"},
		{d.notCarried[ncSchoolLife], "vie scolaire commune à une classe", "vies scolaires communes à une classe"},
		{d.notCarried[ncIDLV], "identifiant de langue vivante (id-lv) d'une discipline", "identifiants de langue vivante (id-lv) de disciplines"},
		{d.notCarried[ncSoclePos], "domaine du socle sans positionnement", "domaines du socle sans positionnement"},
		{d.notCarried[ncZone], "fuseau horaire d'une date", "fuseaux horaires de dates"},
		{unusedOf(idEPI, idEPIGroup, len(d.epis)), "EPI auquel aucun bilan ne renvoie", "EPI auxquels aucun bilan ne renvoie"},
		{unused(idEPIGroup, len(d.epiGrps)), "groupe d'EPI auquel aucun bilan ne renvoie", "groupes d'EPI auxquels aucun bilan ne renvoie"},
		{themes, "thématique d'EPI à laquelle aucun bilan ne renvoie", "thématiques d'EPI auxquelles aucun bilan ne renvoie"},
		{unusedOf(idAP, idAPGroup, len(d.aps)), "accompagnement personnalisé auquel aucun bilan ne renvoie", "accompagnements personnalisés auxquels aucun bilan ne renvoie"},
		{unused(idAPGroup, len(d.apGrps)), "groupe d'accompagnement personnalisé auquel aucun bilan ne renvoie", "groupes d'accompagnement personnalisé auxquels aucun bilan ne renvoie"},
		{unused(idCommon, len(d.commons)), "appréciation commune de compétences numériques à laquelle aucun bilan ne renvoie", "appréciations communes de compétences numériques auxquelles aucun bilan ne renvoie"},
	}
	for _, c := range counts {
		if c.n > 0 {
			f.NotCarried = append(f.NotCarried, Reason{Text: plural(c.n, c.one, c.many, true), Count: c.n})
		}
	}
	return &f
}

// ofUsed reports whether some group that a bilan refers to follows the
// EPI or AP of index of.
func ofUsed(d *decoder, group idKind, of int) bool {
	for gi, o := range d.groupOfIndex[group] {
		if o == of && gi < len(d.used[group]) && d.used[group][gi] {
			return true
		}
	}
	return false
}

// firstBilan records the bilan of pupil pi and period pp, and reports
// whether it is the first: a pupil's periods are kept in a short list,
// those of a pupil of many bilans in a set.
func (d *decoder) firstBilan(pi, pp int) bool {
	p := &d.pupils[pi]
	if len(p.periods) < 16 {
		if slices.Contains(p.periods, pp) {
			return false
		}
		p.periods = append(p.periods, pp)
		return true
	}
	if slices.Contains(p.periods, pp) || d.manyBilans[[2]int{pi, pp}] {
		return false
	}
	if d.manyBilans == nil {
		d.manyBilans = make(map[[2]int]bool)
	}
	d.manyBilans[[2]int{pi, pp}] = true
	return true
}
