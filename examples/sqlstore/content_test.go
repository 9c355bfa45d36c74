package sqlstore

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/lsusync/lsusync"
)

// The benchmarks' bilans hold what a store holds at the end of a school
// year: fillContent writes it into a snapshot's bilans, until the
// generator's own filler (examples/gen, Config.Content) is on the main
// branch.

// phrases are the sentences appreciations, syntheses and comments are
// made of: French, accented, of a collège's tone.
var phrases = []string{
	"Élève sérieux et impliqué, qui participe volontiers à l'oral.",
	"Les résultats sont en progrès ; il faut maintenant gagner en régularité.",
	"Un travail personnel insuffisant : les leçons doivent être apprises.",
	"Très bon trimestre, des méthodes efficaces et une réelle curiosité.",
	"Des difficultés à l'écrit, mais une bonne volonté qu'il faut saluer.",
	"L'attention en classe est fluctuante ; des bavardages à corriger.",
	"Ensemble satisfaisant. Continuez ainsi et soignez la présentation.",
	"Compétences bien maîtrisées, analyse fine des documents étudiés.",
	"Il faut s'investir davantage dans les travaux de groupe et à la maison.",
	"Félicitations pour ces efforts constants tout au long de la période !",
}

// prose returns French prose of about n characters (n bytes, a few more
// for the accents), drawn from r.
func prose(r *rand.Rand, n int) string {
	var b strings.Builder
	b.Grow(n + 80)
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(phrases[r.IntN(len(phrases))])
	}
	return b.String()
}

// fillContent gives the bilans of snap their end-of-year content: nine
// acquis in ten an appreciation of 200 to 600 characters, a positioning,
// the pupil's and the class's averages; every bilan a synthèse of 200 to
// 1,000 characters, the vie scolaire with a comment, the class council's
// date and the signatory.
func fillContent(snap *lsusync.Snapshot) {
	for i := range snap.Bilans {
		b := &snap.Bilans[i]
		r := rand.New(rand.NewPCG(uint64(i), 42))
		for j := range b.Acquis {
			if r.IntN(10) == 0 {
				continue
			}
			b.Acquis[j].AcquisContent = lsusync.AcquisContent{
				Appreciation: prose(r, 200+r.IntN(400)),
				Positioning:  1 + r.IntN(4),
				Average:      formatHalf(r.IntN(41)),
				ClassAverage: formatHalf(20 + r.IntN(8)),
			}
		}
		missed := r.IntN(20)
		b.BilanContent = lsusync.BilanContent{
			CouncilDate: lsusync.Date{Year: b.Period.Year, Month: 12, Day: 10 + r.IntN(10)},
			Signatory:   "Mme Claire DURAND",
			Synthesis:   prose(r, 200+r.IntN(800)),
			SchoolLife: &lsusync.SchoolLife{Late: r.IntN(6), Justified: r.IntN(8), Unjustified: r.IntN(3), MissedHours: &missed,
				Comment: prose(r, 60+r.IntN(120))},
		}
	}
}

// formatHalf returns h/2 as an average is written: "12.5", "9".
func formatHalf(h int) string {
	s := strconv.Itoa(h / 2)
	if h%2 == 1 {
		s += ".5"
	}
	return s
}
