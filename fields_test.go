package lsusync_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/lsusynctest"
)

// records are the record types a Store keeps, with their kinds.
var records = []struct {
	kind lsusync.Kind
	typ  reflect.Type
}{
	{lsusync.KindEstablishment, reflect.TypeFor[lsusync.Establishment]()},
	{lsusync.KindTeacher, reflect.TypeFor[lsusync.Teacher]()},
	{lsusync.KindClass, reflect.TypeFor[lsusync.Class]()},
	{lsusync.KindStudent, reflect.TypeFor[lsusync.Student]()},
	{lsusync.KindBilan, reflect.TypeFor[lsusync.Bilan]()},
}

// leafTypes are the types declared as one field, not by their own fields.
var leafTypes = []reflect.Type{reflect.TypeFor[lsusync.Date](), reflect.TypeFor[lsusync.DateTime]()}

// TestFieldsDeclareEveryField checks that lsusync.Fields declares every
// field of every record type, nested structs included, and nothing else:
// a field added to a type without its declaration fails here.
func TestFieldsDeclareEveryField(t *testing.T) {
	for _, r := range records {
		t.Run(r.kind.String(), func(t *testing.T) {
			var problems []string
			compareFields(r.typ, lsusync.Fields(r.kind), r.typ.Name(), &problems)
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
	if lsusync.Fields(lsusync.KindSource) != nil {
		t.Error("Fields(KindSource) is not nil")
	}
}

// compareFields compares the fields of the struct type t, the fields of
// its embedded structs as its own, with their declarations fs.
func compareFields(t reflect.Type, fs []lsusync.Field, path string, problems *[]string) {
	var names []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			sf := t.Field(i)
			if sf.Anonymous {
				walk(sf.Type)
				continue
			}
			names = append(names, sf.Name)
			f, ok := find(fs, sf.Name)
			if !ok {
				*problems = append(*problems, path+"."+sf.Name+" is not declared")
				continue
			}
			if f.Label == "" {
				*problems = append(*problems, path+"."+sf.Name+" has no label")
			}
			if f.Role == 0 {
				*problems = append(*problems, path+"."+sf.Name+" has no role")
			}
			ft := sf.Type
			for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if (f.MinCount > 0 || f.MaxCount > 0) && sf.Type.Kind() != reflect.Slice {
				*problems = append(*problems, path+"."+sf.Name+" bounds a count and is no list")
			}
			if (f.Blank || f.Digits) && sf.Type.Kind() != reflect.String {
				*problems = append(*problems, path+"."+sf.Name+" is Blank or Digits and is no text")
			}
			if f.Blank && f.MinLen == 0 && f.MaxLen == 0 {
				*problems = append(*problems, path+"."+sf.Name+" is Blank and has no length bound")
			}
			switch {
			case ft.Kind() == reflect.Struct && !slices.Contains(leafTypes, ft):
				compareFields(ft, f.Fields, path+"."+sf.Name, problems)
			case f.Fields != nil:
				*problems = append(*problems, path+"."+sf.Name+" declares fields, its type has none")
			}
		}
	}
	walk(t)
	for _, f := range fs {
		if !slices.Contains(names, f.Name) {
			*problems = append(*problems, path+"."+f.Name+" is declared, and is no field of the type")
		}
	}
}

func find(fs []lsusync.Field, name string) (lsusync.Field, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return lsusync.Field{}, false
}

// TestFieldsContentRole checks that the fields of BilanContent and
// AcquisContent, and only they and a subject's national code, are
// content: what a synchronisation carries untouched is exactly what the
// types keep apart from what it updates.
func TestFieldsContentRole(t *testing.T) {
	inContent := func(typ reflect.Type, name string) bool {
		_, ok := typ.FieldByName(name)
		return ok
	}
	bilanContent := reflect.TypeFor[lsusync.BilanContent]()
	acquisContent := reflect.TypeFor[lsusync.AcquisContent]()
	for _, f := range lsusync.Fields(lsusync.KindBilan) {
		if want := inContent(bilanContent, f.Name); (f.Role == lsusync.RoleContent) != want {
			t.Errorf("Bilan.%s has role %v; in BilanContent: %v", f.Name, f.Role, want)
		}
		if f.Name != "Acquis" {
			continue
		}
		for _, a := range f.Fields {
			if want := inContent(acquisContent, a.Name); (a.Role == lsusync.RoleContent) != want {
				t.Errorf("Acquis.%s has role %v; in AcquisContent: %v", a.Name, a.Role, want)
			}
		}
	}
}

// TestFieldsAreCopies checks that the caller may modify what Fields
// returns.
func TestFieldsAreCopies(t *testing.T) {
	fs := lsusync.Fields(lsusync.KindBilan)
	fs[0].Label = "modifié"
	fs[4].Fields[0].Fields[2].Values[0] = "N"
	got := lsusync.Fields(lsusync.KindBilan)
	require.NotEqual(t, "modifié", got[0].Label)
	require.NotEqual(t, "N", got[4].Fields[0].Fields[2].Values[0])
}

// fullBilan returns a bilan with every field set.
func fullBilan() lsusync.Bilan {
	b := lsusync.Bilan{
		Student: "1001", Period: t1, Locked: true, Imported: true,
		HeadTeachers: keys(epp100, epp101),
		BilanContent: lsusynctest.FullBilanContent(3),
	}
	for i, s := range []lsusync.Subject{francais, maths} {
		b.Acquis = append(b.Acquis, lsusync.Acquis{Subject: s, Teachers: keys(epp100), AcquisContent: lsusynctest.FullAcquisContent(i)})
	}
	return b
}

// TestBilanClone checks that a clone shares nothing with its original:
// a store that returns clones gives its callers values they may modify.
func TestBilanClone(t *testing.T) {
	b := fullBilan()
	c := b.Clone()
	if d := cmp.Diff(b, c); d != "" {
		t.Fatalf("Clone differs (-original +clone):\n%s", d)
	}
	if path := shared(reflect.ValueOf(b), reflect.ValueOf(c), "Bilan"); path != "" {
		t.Errorf("the clone shares %s with the original", path)
	}
}

// shared returns the path of the first slice, map or pointer that a and
// b share, "" when none.
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return shared(a.Elem(), b.Elem(), path)
	case reflect.Map:
		if a.Len() > 0 && a.UnsafePointer() == b.UnsafePointer() {
			return path
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Index(0).Addr().Pointer() == b.Index(0).Addr().Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), path+"[]"); p != "" {
				return p
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
				return p
			}
		}
	}
	return ""
}

// TestContentIsZero checks that IsZero sees every field of the content:
// a bilan or an acquis that holds one value only is not empty, so that a
// sync never removes an acquis with content nor shares its outcome.
func TestContentIsZero(t *testing.T) {
	zeroOtherFields := func(full reflect.Value, keep int) reflect.Value {
		v := reflect.New(full.Type()).Elem()
		v.Field(keep).Set(full.Field(keep))
		return v
	}
	var bc lsusync.BilanContent
	require.True(t, bc.IsZero())
	full := reflect.ValueOf(lsusynctest.FullBilanContent(1))
	for i := range full.NumField() {
		c := zeroOtherFields(full, i).Interface().(lsusync.BilanContent)
		if c.IsZero() {
			t.Errorf("BilanContent with only %s set: IsZero() = true", full.Type().Field(i).Name)
		}
	}
	var ac lsusync.AcquisContent
	require.True(t, ac.IsZero())
	fullA := reflect.ValueOf(lsusynctest.FullAcquisContent(1))
	for i := range fullA.NumField() {
		c := zeroOtherFields(fullA, i).Interface().(lsusync.AcquisContent)
		if c.IsZero() {
			t.Errorf("AcquisContent with only %s set: IsZero() = true", fullA.Type().Field(i).Name)
		}
		a := lsusync.Acquis{Subject: francais, AcquisContent: c}
		if !a.HasContent() {
			t.Errorf("Acquis with only %s set: HasContent() = false", fullA.Type().Field(i).Name)
		}
	}
	digital := reflect.ValueOf(lsusynctest.FullBilanContent(1).Digital)
	for i := range digital.NumField() {
		if zeroOtherFields(digital, i).Interface().(lsusync.DigitalSkills).IsZero() {
			t.Errorf("DigitalSkills with only %s set: IsZero() = true", digital.Type().Field(i).Name)
		}
	}
}

// TestFullContentLimits checks that the suite's full content is at LSU's
// limits, as its declaration says: the longest texts, each value of each
// enumeration among the variants.
func TestFullContentLimits(t *testing.T) {
	c := lsusynctest.FullBilanContent(0)
	require.Len(t, []rune(c.Synthesis), 1000)
	require.Len(t, []rune(c.EPIs[0].Comment), 600)
	a := lsusynctest.FullAcquisContent(0)
	require.Len(t, []rune(a.Appreciation), 600)
	require.Equal(t, 4, a.Positioning)
	seen := make(map[string]bool)
	for v := range 16 {
		for _, l := range lsusynctest.FullBilanContent(v).Digital.Levels {
			seen[l.Code] = true
		}
	}
	require.Len(t, seen, 16, "the digital skills of 16 variants")
}

// TestDetailLabels checks the French names the details give the fields of
// every kind of change.
func TestDetailLabels(t *testing.T) {
	tests := []struct{ field, want string }{
		{"LastName", "nom"},
		{"Address.City", "commune"},
		{"HeadName", "nom du chef d'établissement"},
		{"Class", "classe"},
		{"BirthDate", "date de naissance"},
		{"Acquis[030201/S].Teachers", "enseignants de la matière 030201 (S)"},
		{"Acquis[030201/S].Label", "libellé de la matière 030201 (S)"},
		{"Acquis[030201/F].Modality", "modalité d'élection de la matière 030201 (F)"},
		{"Acquis[030201/S]", "matière 030201 (S)"},
		{"Acquis[030201]", "matière 030201"},
		{"HeadTeachers", "professeurs principaux"},
		{"Unknown.Field", "Unknown.Field"},
	}
	for _, tt := range tests {
		it := lsusync.Item{Kind: lsusync.KindBilan, Changes: []lsusync.Change{{Field: tt.field, Before: "a", After: "b"}}}
		got := it.DetailLines()
		if want := tt.want + " : a → b"; len(got) != 1 || got[0] != want {
			t.Errorf("DetailLines of a change of %q = %q, want %q", tt.field, got, want)
		}
	}
	// Every declared field has a label of its own.
	var walk func(path string, fs []lsusync.Field)
	walk = func(path string, fs []lsusync.Field) {
		for _, f := range fs {
			if strings.TrimSpace(f.Label) == "" {
				t.Errorf("%s%s has no label", path, f.Name)
			}
			walk(path+f.Name+".", f.Fields)
		}
	}
	for _, r := range records {
		walk(r.typ.Name()+".", lsusync.Fields(r.kind))
	}
}
