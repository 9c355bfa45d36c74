package lsufile_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/lsusync/lsusync"
)

// content fills bilans with random content, field by field as
// lsusync.Fields declares them: texts of random lengths up to LSU's limits
// in accented characters (decomposed ones, CR LF, the characters XML
// escapes), numbers in their ranges, lists of random lengths, and, with
// the probability bad for each field, a value LSU's file cannot hold (a
// text too long, spaces only, a control character, a number out of its
// range, a code LSU does not know, a list too long or with a code twice,
// a council before the scolarité). It is this package's generator of
// realistic content.
type content struct {
	r        *rand.Rand
	bad      float64
	subjects []lsusync.Subject    // the subjects of EPIs, APs and their teachers
	teachers []lsusync.TeacherKey // the teachers of groups
	themes   map[string]string    // thématique code -> its label, "" for LSU's
	elements []string             // the éléments de programme
	fields   []lsusync.Field
}

func newContent(seed uint64, bad float64, teachers []lsusync.TeacherKey) *content {
	g := &content{r: rand.New(rand.NewPCG(seed, 0x15f11e)), bad: bad, teachers: teachers, themes: make(map[string]string),
		fields: lsusync.Fields(lsusync.KindBilan)}
	for i := range 6 {
		g.subjects = append(g.subjects, lsusync.Subject{
			Code: fmt.Sprintf("99%04d", i), Label: g.text(1, 40, false), Modality: []string{"S", "O", "F", "L", "R", "X", "D"}[i%7],
			NationalCode: []string{"", fmt.Sprintf("%06d", 900000+i)}[i%2]})
	}
	for _, code := range []string{"EPI_ART", "EPI_EDD", "EPI_PRO"} {
		g.themes[code] = ""
	}
	g.themes["EPI_ECOLE"] = g.text(1, 100, false)
	for range 12 {
		g.elements = append(g.elements, g.text(1, 300, false))
	}
	return g
}

// prose is what the texts are cut from: accented letters, composed and
// decomposed ("e" and a combining acute), the characters XML escapes, a
// no-break space, a tab, line ends of three kinds, an emoji.
var prose = []string{"É", "l", "è", "v", "e", " ", "s", "é", "r", "i", "e", "u", "s", "e", " ", "e\u0301", "&", "<", ">", "\"", "'",
	"«", "\u00a0", "»", "œ", "Ç", "ç", "à", " ", "\t", "\n", "\r\n", "\r", "📚", ".", ";", "]]>"}

// text returns a text of min to max characters once clean (0 max: up to
// 60), not only spaces unless blank.
func (g *content) text(minLen, maxLen int, blank bool) string {
	if maxLen == 0 {
		maxLen = 60
	}
	n := minLen
	if maxLen > minLen {
		n += g.r.IntN(maxLen - minLen + 1)
	}
	var b strings.Builder
	count := 0
	for count < n {
		p := prose[g.r.IntN(len(prose))]
		c := utf8.RuneCountInString(norm.NFC.String(strings.ReplaceAll(strings.ReplaceAll(p, "\r\n", "\n"), "\r", "\n")))
		if count+c > n {
			continue
		}
		b.WriteString(p)
		count += c
	}
	s := b.String()
	if !blank && n > 0 && strings.TrimLeft(s, " \t\r\n") == "" {
		s = "x" + s[1:]
	}
	return s
}

// badText returns a text LSU's file cannot hold for the field f.
func (g *content) badText(f lsusync.Field) string {
	switch g.r.IntN(4) {
	case 0:
		if f.MaxLen > 0 {
			return g.text(f.MaxLen+1, f.MaxLen+3, true)
		}
		fallthrough
	case 1:
		if !f.Blank && f.MinLen > 0 {
			return strings.Repeat(" ", 1+g.r.IntN(3))
		}
		fallthrough
	case 2:
		return "a\x01b"
	}
	return "a\xffb"
}

func (g *content) bad1() bool { return g.r.Float64() < g.bad }

// fill gives b random content, and its acquis.
func (g *content) fill(b *lsusync.Bilan, periodStart lsusync.Date) {
	g.fillStruct(reflect.ValueOf(&b.BilanContent).Elem(), g.fields, "")
	b.SchoolingDate = addDays(periodStart, g.r.IntN(20))
	b.CouncilDate = addDays(b.SchoolingDate, 60+g.r.IntN(30))
	if g.bad1() {
		b.CouncilDate = addDays(b.SchoolingDate, -1)
	}
	if g.r.IntN(4) == 0 {
		b.Signatory = "" // the head of establishment signs
	}
	var acquis []lsusync.Field
	for _, f := range g.fields {
		if f.Name == "Acquis" {
			acquis = f.Fields
		}
	}
	for i := range b.Acquis {
		a := &b.Acquis[i]
		g.fillStruct(reflect.ValueOf(&a.AcquisContent).Elem(), acquis, "Acquis.")
		if a.Subject.Modality == "" && g.r.IntN(10) > 0 {
			a.Subject.Modality = "S" // a store whose exports had their Nomenclature.xml
		}
		if len(a.Teachers) == 0 && len(g.teachers) > 0 && !g.bad1() {
			a.Teachers = []lsusync.TeacherKey{g.teachers[g.r.IntN(len(g.teachers))]}
		}
		for j := range a.ProgrammeElements {
			if !g.bad1() {
				a.ProgrammeElements[j] = g.elements[g.r.IntN(len(g.elements))]
			}
		}
	}
}

func declaredField(fs []lsusync.Field, name string) lsusync.Field {
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	panic("content: no declaration of " + name)
}

func (g *content) fillStruct(v reflect.Value, fs []lsusync.Field, path string) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			continue
		}
		f := declaredField(fs, sf.Name)
		switch sf.Name {
		case "CouncilDate", "SchoolingDate":
			continue // fill sets them
		}
		g.fillValue(v.Field(i), f, path+sf.Name)
	}
}

var (
	dateType     = reflect.TypeFor[lsusync.Date]()
	dateTimeType = reflect.TypeFor[lsusync.DateTime]()
	subjectType  = reflect.TypeFor[lsusync.Subject]()
	keyType      = reflect.TypeFor[lsusync.TeacherKey]()
)

func (g *content) fillValue(v reflect.Value, f lsusync.Field, path string) {
	optional := !f.Required
	switch {
	case v.Type() == subjectType:
		v.Set(reflect.ValueOf(g.subjects[g.r.IntN(len(g.subjects))]))
		return
	case v.Type() == keyType:
		if len(g.teachers) > 0 {
			v.Set(reflect.ValueOf(g.teachers[g.r.IntN(len(g.teachers))]))
		}
		return
	case v.Type() == dateTimeType:
		if g.r.IntN(3) == 0 {
			return
		}
		dt := lsusync.DateTime{Date: lsusync.Date{Year: 2025, Month: time.December, Day: 1 + g.r.IntN(28)}}
		if g.r.IntN(2) == 0 {
			dt.Hour, dt.Minute, dt.Second, dt.Timed = g.r.IntN(24), g.r.IntN(60), g.r.IntN(60), true
		}
		v.Set(reflect.ValueOf(dt))
		return
	case v.Type() == dateType:
		return
	}
	switch v.Kind() {
	case reflect.String:
		switch {
		case path == "EPIs.Group.EPI.Theme":
			codes := slices.Sorted(maps.Keys(g.themes))
			v.SetString(codes[g.r.IntN(len(codes))])
		case path == "EPIs.Group.EPI.ThemeLabel":
			// Set with the theme, below.
		case optional && g.r.IntN(3) == 0:
		case g.bad1():
			if len(f.Values) > 0 {
				v.SetString("N")
			} else {
				v.SetString(g.badText(f))
			}
		case len(f.Values) > 0:
			v.SetString(f.Values[g.r.IntN(len(f.Values))])
		default:
			v.SetString(g.text(max(f.MinLen, 1), f.MaxLen, f.Blank))
		}
	case reflect.Int:
		switch {
		case f.Max == 0:
			v.SetInt(int64(g.r.IntN(5)))
		case g.bad1():
			v.SetInt(int64(f.Max + 1))
		case path == "Acquis.Positioning" && g.r.IntN(3) == 0:
		default:
			v.SetInt(int64(f.Min + g.r.IntN(f.Max-f.Min+1)))
		}
	case reflect.Bool:
		v.SetBool(g.r.IntN(2) == 0)
	case reflect.Pointer:
		if optional && g.r.IntN(5) == 0 || !optional && g.bad1() {
			return
		}
		p := reflect.New(v.Type().Elem())
		g.fillValue(p.Elem(), f, path)
		v.Set(p)
	case reflect.Struct:
		if path == "Guardians.Address" && g.r.IntN(3) == 0 {
			return
		}
		g.fillStruct(v, f.Fields, path+".")
		if e, ok := v.Addr().Interface().(*lsusync.EPI); ok {
			e.ThemeLabel = g.themes[e.Theme]
		}
	case reflect.Slice:
		n := g.r.IntN(3)
		if f.MinCount > n {
			n = f.MinCount
		}
		if f.MaxCount > 0 {
			n = min(n, f.MaxCount)
		}
		if f.Required && n == 0 {
			n = 1
		}
		if g.bad1() {
			switch {
			case f.MinCount > 0:
				n = f.MinCount - 1
			case f.MaxCount > 0:
				n = f.MaxCount + 1
			}
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			g.fillValue(s.Index(i), f, path)
		}
		if s.Len() > 0 {
			v.Set(s)
		}
		for _, sub := range f.Fields {
			if sub.Unique {
				g.unique(v, sub.Name)
			}
		}
	case reflect.Map:
		if g.r.IntN(2) == 0 {
			v.Set(reflect.ValueOf(map[string]string{"note": g.text(1, 40, false)}))
		}
	default:
		panic("content: cannot fill " + path + " of type " + v.Type().String())
	}
}

// unique gives the elements of a list distinct values of the field
// name, which the declaration wants unique, unless bad: one twice.
func (g *content) unique(v reflect.Value, name string) {
	if v.Len() < 2 || g.bad1() {
		return
	}
	seen := make(map[string]bool)
	out := v.Slice(0, 0)
	for i := range v.Len() {
		e := v.Index(i)
		key := fmt.Sprint(e.FieldByName(name).Interface())
		if seen[key] {
			continue
		}
		seen[key] = true
		out = reflect.Append(out, e)
	}
	v.Set(out)
}

func addDays(d lsusync.Date, n int) lsusync.Date {
	return lsusync.DateOf(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n))
}
