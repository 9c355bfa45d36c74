package filestore

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/lsusync/lsusync"
)

// fillEndOfYear gives the bilans of s the content they hold at the end of
// the school year, deterministically: an appreciation of 200 to 600
// characters, a positionnement, averages and éléments de programme on
// most acquis; a synthèse of 200 to 1,000 characters, the vie scolaire,
// the council's and schooling dates, the signatory, the responsables with
// their address; parcours, modalités d'accompagnement, EPI and AP at
// realistic rates; the compétences numériques, and the socle in 3e, on the
// last period. The bilans of the first period are locked for two pupils
// in three. It stands in for the generator's content until it has one.
func fillEndOfYear(s *lsusync.Snapshot) {
	classOf := make(map[string]string, len(s.Students))
	names := make(map[string]lsusync.Student, len(s.Students))
	for _, st := range s.Students {
		classOf[st.ID] = st.Class
		names[st.ID] = st
	}
	head := s.Establishment.HeadName
	for i := range s.Bilans {
		b := &s.Bilans[i]
		r := rand.New(rand.NewPCG(uint64(i), 20))
		class := classOf[b.Student]
		last := b.Period.Index == b.Period.Count
		council := councilDate(b.Period)
		b.CouncilDate = council
		b.SchoolingDate = lsusync.DateOf(time.Date(b.Period.Year, time.September, 1, 0, 0, 0, 0, time.UTC))
		if b.Period.Index > 1 {
			b.SchoolingDate = councilDate(lsusync.Period{Year: b.Period.Year, Index: b.Period.Index - 1, Count: b.Period.Count})
		}
		b.Signatory = head
		b.Synthesis = prose(r, 200, 1000)
		missed := r.IntN(20)
		b.SchoolLife = &lsusync.SchoolLife{Late: r.IntN(6), Justified: r.IntN(9), Unjustified: r.IntN(3), MissedHours: &missed}
		if r.IntN(3) == 0 {
			b.SchoolLife.Comment = prose(r, 40, 200)
		}
		if r.IntN(10) == 0 {
			b.Support = []lsusync.Support{{Code: lsusync.SupportPPRE, PPRE: prose(r, 80, 300)}}
		} else if r.IntN(20) == 0 {
			b.Support = []lsusync.Support{{Code: lsusync.SupportPAP}}
		}
		if r.IntN(3) == 0 {
			b.Pathways = []lsusync.Pathway{{Code: []string{lsusync.PathwayFuture, lsusync.PathwayCitizen, lsusync.PathwayArts, lsusync.PathwayHealth}[r.IntN(4)], Text: prose(r, 100, 400)}}
		}
		if len(b.Acquis) >= 2 && r.IntN(4) == 0 {
			teaching := []lsusync.Teaching{}
			subjects := []lsusync.Subject{}
			for _, a := range b.Acquis[:2] {
				subjects = append(subjects, a.Subject)
				if len(a.Teachers) > 0 {
					teaching = append(teaching, lsusync.Teaching{Teacher: a.Teachers[0], Subject: a.Subject})
				}
			}
			b.EPIs = []lsusync.PupilEPI{{Group: lsusync.EPIGroup{
				EPI:   lsusync.EPI{Title: "Le développement durable au collège", Theme: "EPI_EDD", Subjects: subjects, Description: prose(r, 100, 300)},
				Title: "EPI " + class, Teaching: teaching}, Comment: prose(r, 60, 250)}}
		}
		if len(b.Acquis) >= 1 && r.IntN(4) == 0 {
			a := b.Acquis[0]
			g := lsusync.APGroup{AP: lsusync.AP{Title: "Méthodologie et organisation du travail", Subjects: []lsusync.Subject{a.Subject}}, Title: "AP " + class}
			if len(a.Teachers) > 0 {
				g.Teaching = []lsusync.Teaching{{Teacher: a.Teachers[0], Subject: a.Subject}}
			}
			b.APs = []lsusync.PupilAP{{Group: g, Comment: prose(r, 60, 250)}}
		}
		if last {
			b.Digital = lsusync.DigitalSkills{Appreciation: prose(r, 100, 300), Levels: []lsusync.DigitalLevel{
				{Code: "CN_INF_MEN", Level: 1 + r.IntN(3)}, {Code: "CN_COM_COL", Level: 1 + r.IntN(3)}, {Code: "CN_CRE_TEX", Level: 1 + r.IntN(3)}}}
			if strings.HasPrefix(class, "3") {
				for _, code := range []string{"CPD_FRA", "CPD_ETR", "CPD_SCI", "CPD_ART", "MET_APP", "FRM_CIT", "SYS_NAT", "REP_MND"} {
					b.Socle = append(b.Socle, lsusync.SocleDomain{Code: code, Positioning: 1 + r.IntN(4)})
				}
			}
		}
		st := names[b.Student]
		b.Guardians = []lsusync.Guardian{{
			Civility: lsusync.Madame, LastName: st.LastName, FirstName: "Nathalie", Legal1: true, Relationship: "Mère",
			Address: lsusync.Address{Line1: strconv.Itoa(1+r.IntN(120)) + " rue de la République", PostalCode: "75011", City: "PARIS"},
		}}
		if r.IntN(2) == 0 {
			g := b.Guardians[0]
			g.Civility, g.FirstName, g.Legal1, g.Legal2, g.Relationship = lsusync.Monsieur, "Laurent", false, true, "Père"
			b.Guardians = append(b.Guardians, g)
		}
		b.Locked = b.Period.Index == 1 && i%3 != 0

		// The acquis are a copy of their own: the generator's bilans may
		// share their lists.
		acquis := make([]lsusync.Acquis, len(b.Acquis))
		copy(acquis, b.Acquis)
		for j := range acquis {
			a := &acquis[j]
			if r.IntN(10) == 0 { // a subject left blank
				continue
			}
			if r.IntN(20) == 0 {
				a.NotGraded = true
			} else {
				a.Average = fmt.Sprintf("%d.%d", 4+r.IntN(16), r.IntN(10))
				a.ClassAverage = fmt.Sprintf("%d.%d", 9+r.IntN(6), r.IntN(10))
			}
			a.Positioning = 1 + r.IntN(4)
			for range 1 + r.IntN(3) {
				a.ProgrammeElements = append(a.ProgrammeElements, programme[r.IntN(len(programme))])
			}
			a.Appreciation = prose(r, 200, 600)
		}
		b.Acquis = acquis
	}
}

// councilDate is the date of the class council of a period: in December,
// March and June for trimesters, January and June for semesters.
func councilDate(p lsusync.Period) lsusync.Date {
	month := map[int][]time.Month{3: {time.December, time.March, time.June}, 2: {time.January, time.June}}[p.Count][p.Index-1]
	year := p.Year
	if month < time.September {
		year++
	}
	return lsusync.Date{Year: year, Month: month, Day: 10}
}

// programme are labels of éléments de programme.
var programme = []string{
	"Comprendre et s'exprimer à l'oral",
	"Lire et comprendre des textes variés",
	"Écrire des textes dans des genres divers",
	"Utiliser les nombres entiers, décimaux et les fractions",
	"Résoudre des problèmes en mobilisant des connaissances",
	"Se repérer dans le temps : construire des repères historiques",
	"Pratiquer différents langages en histoire et en géographie",
	"Concevoir, créer, réaliser une production plastique",
	"Mobiliser des outils numériques pour apprendre",
	"Adopter un comportement éthique et responsable",
}

// fragments are the phrases the texts are made of: accented, with
// apostrophes and « guillemets ».
var fragments = []string{
	"Élève sérieux et appliqué, qui participe volontiers à l'oral.",
	"Des progrès nets ce trimestre, en particulier à l'écrit.",
	"Le travail personnel doit être plus régulier.",
	"Il faut approfondir les leçons et soigner la présentation.",
	"Une attitude « exemplaire » en classe : bravo !",
	"Les résultats sont encourageants ; il faut persévérer.",
	"Quelques difficultés de compréhension, qu'il ne faut pas hésiter à signaler.",
	"Très bon investissement dans les travaux de groupe.",
	"L'élève doit gagner en autonomie et en confiance.",
	"Ensemble satisfaisant, malgré un manque de concentration en fin d'heure.",
	"Les exercices d'application sont réussis ; les problèmes restent à travailler.",
	"Œuvre à poursuivre : l'effort fourni est réel et mérite d'être salué.",
}

// prose returns a text of min to max characters made of fragments.
func prose(r *rand.Rand, minLen, maxLen int) string {
	n := minLen + r.IntN(maxLen-minLen+1)
	var b strings.Builder
	size := 0
	for size < n {
		f := fragments[r.IntN(len(fragments))]
		if size > 0 {
			b.WriteByte(' ')
			size++
		}
		b.WriteString(f)
		size += len([]rune(f))
	}
	return string([]rune(b.String())[:n])
}
