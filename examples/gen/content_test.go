package gen

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
)

// contentConfigs are establishments with their bilans filled.
var contentConfigs = []struct {
	name string
	cfg  Config
}{
	{"trimesters", Config{Seed: 1, Pupils: 500, Content: ContentEndOfYear}},
	{"semesters", Config{Seed: 7, Pupils: 300, Classes: 12, Teachers: 25, Periods: 2, SubjectsPerClass: 16, Year: 2024, Content: ContentEndOfYear}},
}

// TestContentNone: the zero Config leaves every bilan empty, as lsusync
// init creates them.
func TestContentNone(t *testing.T) {
	require.Equal(t, ContentNone, Config{}.Normalize().Content)
	require.Equal(t, ContentNone, Config{Content: 7}.Normalize().Content, "an unknown content is none")
	for _, b := range New(Config{Seed: 1, Pupils: 200}).StoreSnapshot().Bilans {
		for _, a := range b.Acquis {
			if a.HasContent() {
				t.Fatalf("bilan %s: acquis %s has content", b.Key(), a.Subject.Key())
			}
		}
		if !b.BilanContent.IsZero() || b.Locked || b.Imported {
			t.Fatalf("bilan %s has content", b.Key())
		}
	}
}

// TestContentWithinLimits walks every value of every filled bilan with
// lsusync's declaration of its field: texts of MinLen to MaxLen
// characters holding one that is not a space, numbers from Min to Max,
// codes among the declared values.
func TestContentWithinLimits(t *testing.T) {
	for _, tc := range contentConfigs {
		t.Run(tc.name, func(t *testing.T) {
			snap := New(tc.cfg).StoreSnapshot()
			fs := lsusync.Fields(lsusync.KindBilan)
			for i := range snap.Bilans {
				b := &snap.Bilans[i]
				checkDeclared(t, b.Key().String(), reflect.ValueOf(b).Elem(), fs)
			}
		})
	}
}

// checkDeclared checks the fields of the struct v against fs.
func checkDeclared(t *testing.T, path string, v reflect.Value, fs []lsusync.Field) {
	t.Helper()
	for i := range v.NumField() {
		sf := v.Type().Field(i)
		fv := v.Field(i)
		if sf.Anonymous {
			checkDeclared(t, path, fv, fs)
			continue
		}
		j := slices.IndexFunc(fs, func(f lsusync.Field) bool { return f.Name == sf.Name })
		if j < 0 {
			t.Fatalf("%s.%s: not declared", path, sf.Name)
		}
		if fs[j].Role == lsusync.RoleContent || fs[j].Name == "Acquis" {
			checkValue(t, path+"."+sf.Name, fv, fs[j])
		}
	}
}

func checkValue(t *testing.T, path string, v reflect.Value, f lsusync.Field) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if s == "" {
			return
		}
		n := utf8.RuneCountInString(s)
		if f.MaxLen > 0 && n > f.MaxLen || n < f.MinLen || strings.TrimFunc(s, unicode.IsSpace) == "" {
			t.Errorf("%s: %d characters, want %d to %d, not only spaces", path, n, f.MinLen, f.MaxLen)
		}
		if f.Values != nil && !slices.Contains(f.Values, s) {
			t.Errorf("%s: %q is none of %q", path, s, f.Values)
		}
	case reflect.Int:
		if n := int(v.Int()); f.Max > 0 && n != 0 && (n < f.Min || n > f.Max) || n < 0 {
			t.Errorf("%s: %d, want %d to %d", path, n, f.Min, f.Max)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			checkValue(t, path, v.Elem(), f)
		}
	case reflect.Slice:
		for i := range v.Len() {
			checkValue(t, fmt.Sprintf("%s[%d]", path, i), v.Index(i), f)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[lsusync.Date]() || v.Type() == reflect.TypeFor[lsusync.DateTime]() {
			return
		}
		if f.Fields != nil {
			checkDeclared(t, path, v, f.Fields)
		}
	}
}

// TestContentAsAtTheEndOfTheYear checks what a filled store holds, at the
// rates the documentation of FillContent gives.
func TestContentAsAtTheEndOfTheYear(t *testing.T) {
	for _, tc := range contentConfigs {
		t.Run(tc.name, func(t *testing.T) {
			e := New(tc.cfg)
			snap := e.StoreSnapshot()
			classOf := make(map[string]string)
			for _, s := range snap.Students {
				classOf[s.ID] = s.Class
			}
			count := map[string]int{}
			acquis := 0
			councils := map[string]lsusync.Date{} // by class and period
			for _, b := range snap.Bilans {
				if b.BilanContent.IsZero() {
					count["empty bilan"]++
					continue
				}
				count["bilan"]++
				p := b.Period
				cp := classOf[b.Student] + "/" + periodName(p)
				if c, ok := councils[cp]; ok && c != b.CouncilDate {
					t.Errorf("bilan %s: council %s, another pupil of the class %s", b.Key(), b.CouncilDate, c)
				}
				councils[cp] = b.CouncilDate
				if !b.SchoolingDate.Before(b.CouncilDate) {
					t.Errorf("bilan %s: council %s not after the schooling date %s", b.Key(), b.CouncilDate, b.SchoolingDate)
				}
				want := map[int]time.Month{1: time.December, 2: time.March, 3: time.June}[p.Index]
				if p.Count == 2 {
					want = map[int]time.Month{1: time.January, 2: time.June}[p.Index]
				}
				if m := b.CouncilDate.Month; m != want && !(p.Count == 2 && p.Index == 1 && m == time.February) {
					t.Errorf("bilan %s: council in %s, want %s", b.Key(), m, want)
				}
				if wd := time.Date(b.CouncilDate.Year, b.CouncilDate.Month, b.CouncilDate.Day, 0, 0, 0, 0, time.UTC).Weekday(); wd == time.Saturday || wd == time.Sunday {
					t.Errorf("bilan %s: council on a %s", b.Key(), wd)
				}
				if b.Locked != !b.LockDate.IsZero() || b.Locked && !b.CouncilDate.Before(b.LockDate.Date) {
					t.Errorf("bilan %s: locked %v on %s, council %s", b.Key(), b.Locked, b.LockDate, b.CouncilDate)
				}
				if b.Locked && p.Index == p.Count {
					t.Errorf("bilan %s: the last period locked", b.Key())
				}
				if b.Signatory != "Mme Françoise D'ARTAGNAN" {
					t.Errorf("bilan %s: signatory %q", b.Key(), b.Signatory)
				}
				if n := utf8.RuneCountInString(b.Synthesis); n < 200 {
					t.Errorf("bilan %s: a synthesis of %d characters", b.Key(), n)
				}
				if b.SchoolLife == nil {
					t.Errorf("bilan %s: no vie scolaire", b.Key())
				}
				last := p.Index == p.Count
				if !b.Digital.IsZero() != last {
					t.Errorf("bilan %s: compétences numériques %v in period %d of %d", b.Key(), !b.Digital.IsZero(), p.Index, p.Count)
				}
				third := strings.HasPrefix(classOf[b.Student], "3")
				if len(b.Socle) > 0 != (last && third) {
					t.Errorf("bilan %s of %s: %d socle domains in period %d of %d", b.Key(), classOf[b.Student], len(b.Socle), p.Index, p.Count)
				}
				for _, g := range b.EPIs {
					if len(g.Group.EPI.Subjects) < 2 || len(g.Group.Teaching) == 0 {
						t.Errorf("bilan %s: EPI %q with %d subjects and %d teachers", b.Key(), g.Group.Title, len(g.Group.EPI.Subjects), len(g.Group.Teaching))
					}
					count["EPI"]++
				}
				for _, g := range b.APs {
					if len(g.Group.AP.Subjects) == 0 || len(g.Group.Teaching) == 0 {
						t.Errorf("bilan %s: AP %q with %d subjects and %d teachers", b.Key(), g.Group.Title, len(g.Group.AP.Subjects), len(g.Group.Teaching))
					}
					count["AP"]++
				}
				checkOnce(t, b.Key().String(), "support", b.Support, func(s lsusync.Support) string { return s.Code })
				checkOnce(t, b.Key().String(), "parcours", b.Pathways, func(s lsusync.Pathway) string { return s.Code })
				checkOnce(t, b.Key().String(), "compétence numérique", b.Digital.Levels, func(s lsusync.DigitalLevel) string { return s.Code })
				checkOnce(t, b.Key().String(), "domaine", b.Socle, func(s lsusync.SocleDomain) string { return s.Code })
				for _, s := range b.Support {
					count["support "+s.Code]++
					if s.Code == lsusync.SupportPPRE && s.PPRE == "" {
						t.Errorf("bilan %s: a PPRE without its complement", b.Key())
					}
				}
				for _, pw := range b.Pathways {
					count["parcours "+pw.Code]++
				}
				if len(b.Guardians) == 0 {
					t.Errorf("bilan %s: no responsable", b.Key())
				}
				for _, g := range b.Guardians {
					if g.Address.Line1 == "" || g.Address.PostalCode == "" || g.Address.City == "" {
						t.Errorf("bilan %s: a responsable without an address", b.Key())
					}
				}
				if b.HomeworkHelp != "" {
					count["devoirs faits"]++
				}
				if b.Locked {
					count["locked"]++
				}
				if b.Imported {
					count["imported"]++
				}
				for _, a := range b.Acquis {
					acquis++
					if a.Appreciation != "" {
						count["appreciation"]++
						if n := utf8.RuneCountInString(a.Appreciation); n < 200 {
							t.Errorf("bilan %s: an appreciation of %d characters in %s", b.Key(), n, a.Subject.Key())
						}
					}
					if a.Positioning > 0 {
						count["positioning"]++
					}
					if a.Average != "" {
						count["average"]++
						if a.NotGraded {
							t.Errorf("bilan %s: an average in %s, not graded", b.Key(), a.Subject.Key())
						}
					}
					if a.NotGraded {
						count["not graded"]++
					}
					if len(a.ProgrammeElements) > 0 {
						count["programme elements"]++
					}
				}
			}
			t.Logf("%d acquis; %v", acquis, count)
			most := func(name string, n, of int) {
				if n*4 < of*3 {
					t.Errorf("%s: %d of %d, want most", name, n, of)
				}
			}
			most("filled bilans", count["bilan"], len(snap.Bilans))
			most("appreciations", count["appreciation"], acquis)
			most("positionings", count["positioning"], acquis)
			most("averages", count["average"], acquis)
			for _, name := range []string{"not graded", "programme elements", "EPI", "AP", "locked", "imported", "devoirs faits",
				"support PAP", "support PPRE", "parcours PAR_AVN", "parcours PAR_CIT", "parcours PAR_ART", "parcours PAR_SAN", "empty bilan"} {
				if count[name] == 0 {
					t.Errorf("no %s", name)
				}
			}
			if count["locked"] >= count["bilan"]/2 {
				t.Errorf("%d locked bilans of %d: want those of past periods in part", count["locked"], count["bilan"])
			}
		})
	}
}

func checkOnce[T any](t *testing.T, bilan, what string, items []T, code func(T) string) {
	t.Helper()
	seen := map[string]bool{}
	for _, it := range items {
		c := code(it)
		if seen[c] {
			t.Errorf("bilan %s: %s %s twice", bilan, what, c)
		}
		seen[c] = true
	}
}

// TestContentEmptyWhereNotTaught: a pupil who arrived after a period, or
// left before it, has no content in its bilan.
func TestContentEmptyWhereNotTaught(t *testing.T) {
	e := New(Config{Seed: 3, Pupils: 200, Content: ContentEndOfYear})
	var late, leaving *Pupil
	for i := range e.Pupils {
		p := &e.Pupils[i]
		if p.Division == "" || p.Division == InactiveDivision || !p.ExitDate.IsZero() {
			continue
		}
		if late == nil {
			late = p
			late.EntryDate = lsusync.Date{Year: 2026, Month: time.January, Day: 5} // during the second trimester
		} else if leaving == nil {
			leaving = p
			leaving.ExitDate = lsusync.Date{Year: 2026, Month: time.February, Day: 20} // during the second trimester
		}
	}
	require.NotNil(t, leaving)
	snap := e.StoreSnapshot()
	for _, b := range snap.Bilans {
		switch {
		case b.Student == late.ID:
			if b.BilanContent.IsZero() != (b.Period.Index == 1) {
				t.Errorf("bilan %s of the pupil arrived in January: empty %v", b.Key(), b.BilanContent.IsZero())
			}
			if b.Period.Index == 2 && b.SchoolingDate != late.EntryDate {
				t.Errorf("bilan %s: schooling from %s, want the arrival %s", b.Key(), b.SchoolingDate, late.EntryDate)
			}
		case b.Student == leaving.ID:
			if b.BilanContent.IsZero() != (b.Period.Index == 3) {
				t.Errorf("bilan %s of the pupil leaving in February: empty %v", b.Key(), b.BilanContent.IsZero())
			}
		}
	}
}

// TestContentDeterministic: the same Config fills the same bilans, and
// another seed others.
func TestContentDeterministic(t *testing.T) {
	cfg := Config{Seed: 5, Pupils: 150, Content: ContentEndOfYear}
	a, b := New(cfg).StoreSnapshot(), New(cfg).StoreSnapshot()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two snapshots of one Config differ (-first +second):\n%s", diff)
	}
	cfg.Seed = 6
	if c := New(cfg).StoreSnapshot(); reflect.DeepEqual(a.Bilans[0].Synthesis, c.Bilans[0].Synthesis) {
		t.Errorf("seeds 5 and 6 give the same synthesis: %q", c.Bilans[0].Synthesis)
	}
}

// TestCatalogueWithinLimits checks every sentence and label of the
// content catalogues against the field it goes to, including those a
// seed may not draw.
func TestCatalogueWithinLimits(t *testing.T) {
	lim := declaredLimits()
	check := func(what string, f lsusync.Field, texts ...string) {
		for _, s := range texts {
			if n := utf8.RuneCountInString(s); n > f.MaxLen || n < max(f.MinLen, 1) {
				t.Errorf("%s %q: %d characters, the field takes %d to %d", what, s, n, f.MinLen, f.MaxLen)
			}
		}
	}
	for _, els := range programmeElements {
		check("élément de programme", lim.element, els...)
	}
	for _, texts := range pathwayTexts {
		check("parcours", lim.pathway, texts...)
	}
	for code := range pathwayTexts {
		if !slices.Contains(lim.pathwayCodes, code) {
			t.Errorf("parcours %q is not one of LSU's", code)
		}
	}
	for _, e := range epiCatalogue {
		check("EPI", lim.epiTitle, e.title)
		check("thématique", lim.epiTheme, e.theme)
		check("description", lim.description, e.description)
	}
	for _, a := range apCatalogue {
		check("AP", lim.apTitle, a.title)
		check("description", lim.description, a.description)
	}
	check("complément de PPRE", lim.ppre, pprePlans...)
	check("contrat de réussite", lim.contract, contracts...)
	check("commentaire", lim.comment, groupComments...)
	check("compétences numériques", lim.digitalAppreciation, digitalComments...)
	check("appréciation commune", lim.digitalCommon, digitalClassComments...)
	for _, c := range schoolLifeComments {
		check("vie scolaire", lim.comment, c...)
	}
	for _, c := range cities {
		check("code postal", lim.postalCode, c.postal)
		check("commune", lim.city, c.name)
	}
	check("adresse", lim.addressLine, buildings...)
	for _, s := range streets {
		check("adresse", lim.addressLine, "140 "+s)
	}
	check("libellé du responsable", lim.signatory, New(Config{Seed: 1, Pupils: 10}).signatory())
}

// TestProse: texts of the lengths asked, made of whole sentences, each
// once.
func TestProse(t *testing.T) {
	f := &filler{seed: 1}
	for k := range 2000 {
		r := f.rng("prose", fmt.Sprint(k))
		tn := k % 4
		s := f.prose(r, 200, 600, appreciationOpeners[tn], byTone(tn, subjectRemarks["061300"], appreciationRemarks), appreciationAdvice[tn/2])
		if n := utf8.RuneCountInString(s); n < 200 || n > 600 {
			t.Fatalf("%d characters: %q", n, s)
		}
		if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") {
			t.Fatalf("not whole sentences: %q", s)
		}
	}
}
