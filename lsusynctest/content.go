package lsusynctest

import (
	"fmt"
	"reflect"
	"time"
	"unicode"

	"github.com/lsusync/lsusync"
)

// FullBilanContent returns the content of a bilan with every field set, as
// [lsusync.Fields] declares it, to the limits LSU allows: texts of their
// largest length in accented characters (a 1,000-character synthesis, a
// 600-character comment), numbers at their bounds, two entries in every
// list. variant picks among the allowed values: the bilans of variants 0
// to 15 hold, between them, every value of every enumeration. A store
// holds every field when it gives back what it was given of these.
//
// It panics when a field of [lsusync.BilanContent] is not declared: the
// declaration is what this suite covers.
func FullBilanContent(variant int) lsusync.BilanContent {
	var c lsusync.BilanContent
	fill(reflect.ValueOf(&c).Elem(), lsusync.Fields(lsusync.KindBilan), variant, "Bilan")
	return c
}

// FullAcquisContent returns the content of an acquis with every field
// set, as [FullBilanContent] does.
func FullAcquisContent(variant int) lsusync.AcquisContent {
	var c lsusync.AcquisContent
	fill(reflect.ValueOf(&c).Elem(), acquisFields(), variant, "Acquis")
	return c
}

func acquisFields() []lsusync.Field {
	for _, f := range lsusync.Fields(lsusync.KindBilan) {
		if f.Name == "Acquis" {
			return f.Fields
		}
	}
	panic("lsusynctest: the field Acquis of Bilan is not declared")
}

// fill sets every field of the struct v as the declarations fs say.
func fill(v reflect.Value, fs []lsusync.Field, variant int, path string) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		fv := v.Field(i)
		if sf.Anonymous {
			fill(fv, fs, variant, path)
			continue
		}
		f, ok := declared(fs, sf.Name)
		if !ok {
			panic(fmt.Sprintf("lsusynctest: field %s.%s is not declared in lsusync.Fields", path, sf.Name))
		}
		fillValue(fv, f, variant, path+"."+sf.Name)
	}
}

func declared(fs []lsusync.Field, name string) (lsusync.Field, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return lsusync.Field{}, false
}

// dateType and dateTimeType are filled as values, not as structs.
var (
	dateType     = reflect.TypeFor[lsusync.Date]()
	dateTimeType = reflect.TypeFor[lsusync.DateTime]()
)

func fillValue(v reflect.Value, f lsusync.Field, variant int, path string) {
	switch {
	case v.Type() == dateType:
		v.Set(reflect.ValueOf(fullDate(variant)))
		return
	case v.Type() == dateTimeType:
		dt := lsusync.DateTime{Date: fullDate(variant)}
		if variant%2 == 0 {
			dt.Hour, dt.Minute, dt.Second, dt.Timed = 18, 30, 5, true
		}
		v.Set(reflect.ValueOf(dt))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fullText(f, variant))
	case reflect.Int:
		v.SetInt(int64(fullNumber(f, variant)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillValue(p.Elem(), f, variant, path)
		v.Set(p)
	case reflect.Struct:
		fill(v, f.Fields, variant, path)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillValue(s.Index(i), f, variant*2+i, path)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.ValueOf("lsusynctest"), reflect.ValueOf(fullText(lsusync.Field{MaxLen: 300}, variant)))
		m.SetMapIndex(reflect.ValueOf("lsusynctest.vide"), reflect.ValueOf(""))
		v.Set(m)
	default:
		panic(fmt.Sprintf("lsusynctest: field %s has a type the suite cannot fill: %s", path, v.Type()))
	}
}

func fullDate(variant int) lsusync.Date {
	return lsusync.DateOf(time.Date(2025, time.December, 12, 0, 0, 0, 0, time.UTC).AddDate(0, 0, variant))
}

// prose is the text the long texts are cut from: accented, with the
// characters a writer must escape and a line feed.
const prose = "Élève sérieuse & appliquée, « curieuse » ; des progrès à l'écrit <très nets>.\nŒuvre à poursuivre : ça ira ! "

// fullText returns a text for the field: one of its values, a code of
// digits of its fixed length, or prose of its largest length.
func fullText(f lsusync.Field, variant int) string {
	switch {
	case len(f.Values) > 0:
		return f.Values[variant%len(f.Values)]
	case f.Role == lsusync.RoleKey || f.MinLen > 0 && f.MinLen == f.MaxLen:
		n := max(f.MaxLen, 6)
		return fmt.Sprintf("%0*d", n, 1+variant)[:n]
	}
	n := f.MaxLen
	if n == 0 {
		n = 40
	}
	runes := []rune(prose)
	out := make([]rune, n)
	for i := range out {
		out[i] = runes[(variant+i)%len(runes)]
	}
	// LSU's texts may not be only spaces: these start and end with a
	// sign, so that a store that trims them is caught too.
	if unicode.IsSpace(out[0]) {
		out[0] = 'É'
	}
	if unicode.IsSpace(out[n-1]) {
		out[n-1] = '.'
	}
	return string(out)
}

// fullNumber returns Max, Min, then the middle of the field's range.
func fullNumber(f lsusync.Field, variant int) int {
	if f.Max == 0 {
		return variant + 1
	}
	switch variant % 3 {
	case 0:
		return f.Max
	case 1:
		return f.Min
	}
	return (f.Min + f.Max) / 2
}
