package gen

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// TestInvariants checks the references of the model and the presence of
// every realism feature the other packages' tests rely on.
func TestInvariants(t *testing.T) {
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			e := New(tc.cfg)
			checkReferences(t, e)
		})
	}
	e := New(Config{Seed: 1})
	checkFeatures(t, e)
}

func checkReferences(t *testing.T, e *Establishment) {
	t.Helper()
	teachers := make(map[lsusync.TeacherKey]bool)
	for _, tc := range e.Teachers {
		if teachers[tc.Key] {
			t.Errorf("teacher %s twice", tc.Key)
		}
		teachers[tc.Key] = true
	}
	divisions := make(map[string]bool)
	for _, d := range e.Divisions {
		if divisions[d.Code] {
			t.Errorf("division %q twice", d.Code)
		}
		divisions[d.Code] = true
		if len(d.Code) > 8 {
			t.Errorf("division %q: longer than LSU's 8 characters", d.Code)
		}
	}
	subjects := make(map[string]bool)
	for _, s := range e.Subjects {
		if len(s.Code) != 6 {
			t.Errorf("subject %q: not 6 characters", s.Code)
		}
		subjects[s.Code] = true
	}
	mefs := make(map[string]bool)
	for _, m := range e.MEFs {
		if len(m.Code) != 11 {
			t.Errorf("MEF %q: not 11 characters", m.Code)
		}
		mefs[m.Code] = true
	}
	checkServices := func(owner string, svs []Service) {
		for _, s := range svs {
			if !subjects[s.Subject] {
				t.Errorf("%s: service of unknown subject %q", owner, s.Subject)
			}
			for _, k := range s.Teachers {
				if !teachers[k] {
					t.Errorf("%s: service %s: unknown teacher %s", owner, s.Subject, k)
				}
			}
		}
	}
	for _, d := range e.Divisions {
		for _, m := range d.MEFs {
			if !mefs[m] {
				t.Errorf("division %q: unknown MEF %q", d.Code, m)
			}
		}
		checkServices("division "+d.Code, d.Services)
	}
	groups := make(map[string]bool)
	for _, g := range e.Groups {
		if groups[g.Code] {
			t.Errorf("group %q twice", g.Code)
		}
		groups[g.Code] = true
		if len(g.Divisions) == 0 {
			t.Errorf("group %q: no division", g.Code)
		}
		for _, d := range g.Divisions {
			if !divisions[d] {
				t.Errorf("group %q: unknown division %q", g.Code, d)
			}
		}
		checkServices("group "+g.Code, g.Services)
	}
	for _, tc := range e.Teachers {
		for _, h := range tc.HeadOf {
			if !divisions[h.Division] {
				t.Errorf("teacher %s: PP of unknown division %q", tc.Key, h.Division)
			}
		}
	}
	for _, p := range e.Programmes {
		if !mefs[p.MEF] || !subjects[p.Subject] {
			t.Errorf("programme %+v: unknown MEF or subject", p)
		}
	}
	ids := make(map[string]bool)
	for _, p := range e.Pupils {
		if ids[p.ID] {
			t.Errorf("ELEVE_ID %s twice", p.ID)
		}
		ids[p.ID] = true
		if p.Division != "" && p.Division != InactiveDivision && !divisions[p.Division] {
			t.Errorf("pupil %s: unknown division %q", p.ID, p.Division)
		}
		for _, g := range p.Groups {
			if !groups[g] {
				t.Errorf("pupil %s: unknown group %q", p.ID, g)
			}
		}
		if len(p.Groups) > 3 {
			t.Errorf("pupil %s: %d groups", p.ID, len(p.Groups))
		}
		for _, s := range []string{p.LastName, p.UsageName, p.FirstName, p.FirstName2, p.FirstName3} {
			if !encodable(s) {
				t.Errorf("pupil %s: a name is not encodable in ISO-8859-15", p.ID)
			}
		}
	}
}

func encodable(s string) bool {
	for _, r := range s {
		if r < 0x80 {
			continue
		}
		if b, ok := charmap.ISO8859_15.EncodeRune(r); !ok || b < 0xA0 {
			return false
		}
	}
	return true
}

// TestCatalogueEncodable checks every catalogue string, including those a
// given seed may not draw.
func TestCatalogueEncodable(t *testing.T) {
	var all []string
	all = append(all, lastNames...)
	all = append(all, specialLastNames...)
	all = append(all, boyNames...)
	all = append(all, girlNames...)
	for _, n := range lastNames {
		all = append(all, strings.ToUpper(n))
	}
	for _, s := range append(append([]subjectDef{}, coreSubjects...), subjAllemand, subjEspagnol, subjLatin) {
		all = append(all, s.Short, s.Long, s.Edition, s.NomShort, s.NomLong, s.NomEdition)
	}
	for _, l := range levels {
		all = append(all, l.label)
	}
	for _, s := range all {
		if !encodable(s) {
			t.Errorf("%q: not encodable in ISO-8859-15", s)
		}
	}
}

// checkFeatures checks that a default establishment has every realism
// feature of the package documentation.
func checkFeatures(t *testing.T, e *Establishment) {
	t.Helper()
	today := e.Config.Today
	count := map[string]int{}
	feature := func(name string, ok bool) {
		if ok {
			count[name]++
		}
	}
	for _, p := range e.Pupils {
		feature("left", !p.ExitDate.IsZero() && p.ExitDate.Before(today))
		feature("leaves later", today.Before(p.ExitDate))
		feature("leaves today", p.ExitDate == today)
		feature("Inactifs", p.Division == InactiveDivision)
		feature("groups only", p.Division == "" && len(p.Groups) > 0)
		feature("no sex", p.Sex == "")
		feature("ID_NATIONAL", p.INE != "")
		feature("only INE_RNIE", p.INE == "" && p.INERNIE != "" && p.INEBEA == "")
		feature("only INE_BEA", p.INE == "" && p.INERNIE == "" && p.INEBEA != "")
		feature("no INE", p.INE == "" && p.INERNIE == "" && p.INEBEA == "")
		feature("NOM_USAGE", p.UsageName != "")
		feature("3 first names", p.FirstName3 != "")
		feature("œ", strings.ContainsAny(p.LastName+p.FirstName+p.FirstName2+p.FirstName3, "œŒ"))
		feature("apostrophe", strings.Contains(p.LastName, "'"))
		feature("0 groups", len(p.Groups) == 0 && p.Division != InactiveDivision)
		feature("3 groups", len(p.Groups) == 3)
	}
	for _, tc := range e.Teachers {
		feature("type "+tc.Key.Type, true)
		feature("CIVILITE "+tc.Civility, true)
		feature("substitute", tc.Substitute)
		feature("on leave", tc.Function == "" && tc.Key.Type == "epp")
		feature("no NOM_USAGE", tc.UsageName == "")
		feature("no SEXE", tc.Sex == "")
		for _, h := range tc.HeadOf {
			feature("PP ended", !h.End.IsZero() && h.End.Before(today))
			feature("PP future end", today.Before(h.End))
			feature("PP open", h.End.IsZero())
		}
	}
	for _, d := range e.Divisions {
		feature("empty STS label", d.STSLabel == "")
		feature("STS label", d.STSLabel != "")
		feature("no label", d.STSLabel == "" && d.Label == "")
		feature("2 MEFs", len(d.MEFs) == 2)
		feature("space in code", strings.Contains(d.Code, " "))
		for _, s := range d.Services {
			feature("service without teacher", len(s.Teachers) == 0)
			feature("co-taught service", len(s.Teachers) > 1)
		}
	}
	for _, g := range e.Groups {
		feature("group over several divisions", len(g.Divisions) > 1)
		feature("half-class", len(g.Divisions) == 1)
	}
	for _, p := range e.Programmes {
		feature("modality "+p.Modality, true)
	}
	pps := map[string]int{}
	for _, tc := range e.Teachers {
		for _, h := range tc.HeadOf {
			pps[h.Division]++
		}
	}
	for _, n := range pps {
		feature("several PPs", n > 1)
	}
	keys := map[string]int{}
	for _, tc := range e.Teachers {
		keys[tc.Key.ID]++
	}
	for _, n := range keys {
		feature("same ID, two types", n > 1)
	}
	for _, name := range []string{"left", "leaves later", "leaves today", "Inactifs", "groups only", "no sex", "ID_NATIONAL",
		"only INE_RNIE", "only INE_BEA", "no INE", "NOM_USAGE", "3 first names", "œ", "apostrophe", "0 groups", "3 groups",
		"type epp", "type local", "type dir", "CIVILITE 1", "CIVILITE 2", "CIVILITE 3", "CIVILITE ", "substitute", "on leave",
		"no NOM_USAGE", "no SEXE", "PP ended", "PP future end", "PP open", "several PPs", "same ID, two types",
		"empty STS label", "STS label", "no label", "2 MEFs", "space in code", "service without teacher", "co-taught service",
		"group over several divisions", "half-class", "modality S", "modality O", "modality F", "modality N"} {
		if count[name] == 0 {
			t.Errorf("no %s", name)
		}
	}
	// Empty STS labels are the common case, as in real files.
	if count["empty STS label"] < len(e.Divisions)/2 {
		t.Errorf("%d empty STS labels of %d divisions", count["empty STS label"], len(e.Divisions))
	}
}

// TestSourceFeatures checks the mapping rules on the default
// establishment's domain values.
func TestSourceFeatures(t *testing.T) {
	e := New(Config{Seed: 1, SubjectsPerClass: 14})
	src := e.Source()
	ctx := context.Background()
	est, err := src.Establishment(ctx)
	require.NoError(t, err)
	if est.Name != "COLLEGE SCIENCES & LETTRES" || est.Address.City != "PARIS" || est.Address.Country != "100" || est.HeadName == "" {
		t.Errorf("establishment %+v", est)
	}
	labels := map[string]int{}
	modalities := map[string]string{}
	for _, c := range src.Classes {
		var d *Division
		for i := range e.Divisions {
			if e.Divisions[i].Code == c.Code {
				d = &e.Divisions[i]
			}
		}
		require.NotNil(t, d, c.Code)
		switch c.Label {
		case d.STSLabel:
			labels["sts"]++
		case d.Label:
			labels["structures"]++
		case d.Code:
			labels["code"]++
		default:
			t.Errorf("class %q: label %q", c.Code, c.Label)
		}
		for _, s := range c.Services {
			modalities[s.Subject.Code+"/"+strings.Join(d.MEFs, "+")] = s.Subject.Modality
			if s.Subject.Code == "070200" && s.Subject.Label != "Technologie" {
				t.Errorf("technology label %q, want the Nomenclature.xml one", s.Subject.Label)
			}
			if s.Subject.Code == subjLatin.Code && s.Subject.Label != subjLatin.NomEdition {
				t.Errorf("Latin label %q, want the Nomenclature.xml one", s.Subject.Label)
			}
			if s.Subject.Code == "090100" && s.Subject.Label != "ED.MUSICALE" {
				t.Errorf("music label %q, want the STS LIBELLE_COURT", s.Subject.Label)
			}
		}
	}
	for _, k := range []string{"sts", "structures", "code"} {
		if labels[k] == 0 {
			t.Errorf("no class labelled from %s", k)
		}
	}
	for key, want := range map[string]string{
		"020700/10010012110":             "S",
		"040800/10010012110":             "",  // N
		"000600/10010012110":             "",  // no programme
		"020300/10110001110":             "O", // no hours in the standard MEF: its programme still gives one
		"020300/10110001110+10110001112": "F",
		"030102/10210001110":             "O",
	} {
		got, ok := modalities[key]
		if !ok {
			t.Errorf("no service %s", key)
		} else if got != want {
			t.Errorf("modality of %s: %q, want %q", key, got, want)
		}
	}
	var sawCivilityFromSex, sawDir bool
	for i, tc := range e.Teachers {
		dt := src.Staff[i]
		if tc.Substitute {
			continue // listed last
		}
		want := tc.Key
		if want.Type == "dir" { // LSU has no type dir: read as epp
			want.Type = "epp"
			sawDir = true
		}
		if dt.Key != want {
			t.Fatalf("teacher %d: %s, want %s", i, dt.Key, want)
		}
		if tc.Civility == "" && tc.Sex != "" {
			sawCivilityFromSex = true
			want := map[string]string{"1": "M", "2": "MME"}[tc.Sex]
			if dt.Civility != want {
				t.Errorf("teacher %s: civility %q, want %q from SEXE", tc.Key, dt.Civility, want)
			}
		}
		if tc.UsageName == "" && dt.LastName != tc.BirthName {
			t.Errorf("teacher %s: last name %q, want NOM_PATRONYMIQUE", tc.Key, dt.LastName)
		}
	}
	if !sawCivilityFromSex {
		t.Error("no teacher whose civility comes from SEXE")
	}
	if !sawDir {
		t.Error("no teacher of type dir")
	}
}

// TestExportsEncoding checks the bytes of œ in both encodings.
func TestExportsEncoding(t *testing.T) {
	e := New(Config{Seed: 2, Pupils: 200})
	iso := readAll(t, write(t, e, ExportOptions{}))[ElevesXML]
	if !bytes.Contains(iso, []byte{'C', 0xBD, 'U', 'R'}) { // CŒUR: Œ is 0xBC, œ 0xBD
		if !bytes.Contains(iso, []byte{'C', 0xBC, 'U', 'R'}) {
			t.Error("no ISO-8859-15 Œ in ElevesSansAdresses.xml")
		}
	}
	if bytes.Contains(iso, []byte("Œ")) || bytes.Contains(iso, []byte("œ")) {
		t.Error("UTF-8 bytes of Œ or œ in an ISO-8859-15 file")
	}
	u := readAll(t, write(t, e, ExportOptions{UTF8: true}))[ElevesXML]
	if !bytes.Contains(u, []byte("CŒUR")) {
		t.Error("no UTF-8 Œ in the UTF-8 ElevesSansAdresses.xml")
	}
	sts := readAll(t, write(t, e, ExportOptions{}))[STSFileName(e.Config.UAI, e.Config.Year)]
	for _, want := range []string{"<STS_EDT>\n", "SCIENCES &amp; LETTRES", "d&apos;Yvette", "<LIBELLE_LONG/>"} {
		if !bytes.Contains(sts, []byte(want)) {
			t.Errorf("STS file lacks %q", want)
		}
	}
}

// TestUnencodable checks that a value outside ISO-8859-15 is an error
// naming the element, and that nothing is left behind.
func TestUnencodable(t *testing.T) {
	e := New(Config{Seed: 2, Pupils: 30, Classes: 2, Teachers: 20})
	e.Pupils[3].FirstName = "Jiří"
	dir := t.TempDir()
	_, err := e.WriteExports(dir, ExportOptions{})
	require.Error(t, err)
	for _, want := range []string{ElevesXML, "PRENOM", "U+0159"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	personaldata.Check(t, "the error", err.Error(), []string{"Jiří"}, personaldata.Options{Random: personaldata.TempDirs(t)})
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files left in the directory after an error", len(entries))
	}
	if _, err := e.WriteExports(t.TempDir(), ExportOptions{UTF8: true}); err != nil {
		t.Errorf("UTF-8: %v", err)
	}
}

// syncConfigs are the establishments the invariants of a synchronisation
// are checked on: with empty bilans, as lsusync init makes them, and with
// bilans filled as at the end of the year.
var syncConfigs = []struct {
	name string
	cfg  Config
}{
	{"empty", Config{Seed: 12, Pupils: 400}},
	{"content", Config{Seed: 12, Pupils: 400, Content: ContentEndOfYear}},
}

// laterExport changes e as a later export does, in every way a
// synchronisation copies: every class renamed, every pupil's name
// corrected, every service taught by the next teacher, a new professeur
// principal in every class, a subject removed from a division, a pupil
// moved to another class of the level, one who left, and the programme
// of EMC corrected from N to S (its acquis change modalité). It returns
// the code of the removed subject, its division, and the moved pupil.
func laterExport(t *testing.T, e *Establishment) (subject, division, moved string) {
	t.Helper()
	keys := make([]lsusync.TeacherKey, 0, len(e.Teachers))
	for _, tc := range e.Teachers {
		keys = append(keys, tc.Key)
	}
	next := func(k lsusync.TeacherKey) lsusync.TeacherKey { return keys[(slices.Index(keys, k)+1)%len(keys)] }
	rotate := func(svs []Service) {
		for i := range svs {
			for j, k := range svs[i].Teachers {
				svs[i].Teachers[j] = next(k)
			}
		}
	}
	for i := range e.Divisions {
		d := &e.Divisions[i]
		d.STSLabel, d.Label = d.Code+" (B)", d.Label+" (B)"
		rotate(d.Services)
		e.Teachers[i%len(e.Teachers)].HeadOf = append(e.Teachers[i%len(e.Teachers)].HeadOf, HeadAppointment{Division: d.Code, Start: e.Config.Today})
	}
	for i := range e.Groups {
		rotate(e.Groups[i].Services)
	}
	for i := range e.Pupils {
		e.Pupils[i].LastName += "-B"
	}
	d := &e.Divisions[0]
	subject, division = "062900", d.Code // SVT: taught to the division only
	n := len(d.Services)
	d.Services = slices.DeleteFunc(d.Services, func(s Service) bool { return s.Subject == subject })
	require.Less(t, len(d.Services), n, "division %s has no SVT", d.Code)
	var present []*Pupil
	for _, p := range e.PupilsOf(d.Code) {
		if p.Present(e.Config.Today) {
			present = append(present, p)
		}
	}
	require.GreaterOrEqual(t, len(present), 2)
	present[0].Division = e.Divisions[len(levels)].Code // the next division of the level
	moved = present[0].ID
	present[1].ExitDate = addDays(e.Config.Today, -3)
	for i := range e.Programmes {
		if e.Programmes[i].Subject == "040800" {
			e.Programmes[i].Modality = "S"
		}
	}
	return subject, division, moved
}

// TestSyncInvariants synchronises a store, empty or full of content,
// from an export in which everything a synchronisation copies changed,
// and checks the rules that lose nothing: every bilan is still there;
// locked and imported bilans are as they were; every other bilan keeps
// its content, and each acquis with content is kept whole, under its
// new modalité or, when its subject left the services, as it was
// (reported); no acquis gains content; a second synchronisation writes
// nothing.
func TestSyncInvariants(t *testing.T) {
	for _, tc := range syncConfigs {
		t.Run(tc.name, func(t *testing.T) {
			e := New(tc.cfg)
			before := e.StoreSnapshot()
			st, err := memory.New(before)
			require.NoError(t, err)
			subject, division, moved := laterExport(t, e)
			rep := syncOf(t, e, st)
			after := st.Snapshot()
			checkKept(t, before, after, e)

			kept, modality, movedItems := 0, 0, 0
			for _, it := range rep.Items {
				if slices.Contains(it.KeptSubjects, subject+"/S") {
					kept++
					if it.Class != division {
						t.Errorf("bilan %s of %s: SVT kept for its content", it.Key, it.Class)
					}
				}
				for _, c := range it.Changes {
					if c.Field == "Acquis[040800/S].Modality" && c.Before == "" && c.After == "S" {
						modality++
					}
				}
				if it.Action == lsusync.ActionMoved && it.Key == moved {
					movedItems++
				}
			}
			if movedItems != 1 {
				t.Errorf("%d items of the move of pupil %s", movedItems, moved)
			}
			if modality == 0 {
				t.Error("no acquis of EMC took the modalité S")
			}
			if tc.cfg.Content == ContentEndOfYear && kept == 0 {
				t.Errorf("no bilan of %s kept SVT for its content", division)
			}
			if tc.cfg.Content == ContentNone && kept > 0 {
				t.Errorf("%d bilans kept SVT without content", kept)
			}
			checkQuiet(t, e, st)
		})
	}
}

// TestSyncGainedNomenclature: a store made from exports without
// Nomenclature.xml, whose acquis have no modalité but those the pupils'
// options give, is synchronised from exports with it: every acquis takes
// its modalité, content kept and reported as updated, and none is
// stranded beside a new empty acquis of its subject.
func TestSyncGainedNomenclature(t *testing.T) {
	for _, tc := range syncConfigs {
		t.Run(tc.name, func(t *testing.T) {
			e := New(tc.cfg)
			programmes := e.Programmes
			e.Programmes = nil
			before := e.StoreSnapshot()
			st, err := memory.New(before)
			require.NoError(t, err)
			e.Programmes = programmes
			rep := syncOf(t, e, st)
			after := st.Snapshot()
			checkKept(t, before, after, e)
			updated := 0
			for _, it := range rep.Items {
				if it.Kind == lsusync.KindBilan && it.Action == lsusync.ActionUpdated {
					updated++
				}
			}
			if updated == 0 {
				t.Error("no bilan updated")
			}
			checkQuiet(t, e, st)
		})
	}
}

// syncOf synchronises e's Source into st on e's day.
func syncOf(t *testing.T, e *Establishment, st lsusync.Store) *lsusync.Report {
	t.Helper()
	today := e.Config.Today
	now := func() time.Time { return time.Date(today.Year, today.Month, today.Day, 9, 0, 0, 0, time.UTC) }
	rep, err := lsusync.New(e.Source(), st, lsusync.Options{Now: now}).Sync(context.Background())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	return rep
}

// checkQuiet checks that a second synchronisation writes nothing.
func checkQuiet(t *testing.T, e *Establishment, st *memory.Store) {
	t.Helper()
	rs := &recordingStore{Store: st}
	rep := syncOf(t, e, rs)
	if rs.applied > 0 {
		t.Errorf("the second sync applied %d change sets", rs.applied)
	}
	for _, it := range rep.Items {
		if it.Action == lsusync.ActionUpdated || it.Action == lsusync.ActionAdded {
			t.Errorf("the second sync: %v %v %s %v", it.Kind, it.Action, it.Key, it.Changes)
		}
	}
}

// checkKept checks that after holds every bilan of before, locked and
// imported ones as they were, the others with their content and the
// content of each of their acquis, none stranded: an acquis with content
// whose subject and modalité the pupil's services no longer give stays
// only when no acquis of its subject was added beside it.
func checkKept(t *testing.T, before, after lsusync.Snapshot, e *Establishment) {
	t.Helper()
	src := e.Source()
	classOf := make(map[string]string)
	for _, s := range after.Students {
		classOf[s.ID] = s.Class
	}
	enrolments := make(map[string]lsusync.Enrolment)
	templates := make(map[string]*lsusync.BilanTemplate)
	for _, c := range src.Classes {
		for _, en := range c.Enrolments {
			enrolments[en.Student.ID] = en
		}
		templates[c.Code] = lsusync.NewBilanTemplate(c, e.Config.Today)
	}
	stored := make(map[lsusync.BilanKey]*lsusync.Bilan, len(after.Bilans))
	for i := range after.Bilans {
		stored[after.Bilans[i].Key()] = &after.Bilans[i]
	}
	ignoreVersion := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Version" }, cmp.Ignore())
	withContent := 0
	for i := range before.Bilans {
		b := &before.Bilans[i]
		a, ok := stored[b.Key()]
		if !ok {
			t.Errorf("bilan %s lost", b.Key())
			continue
		}
		if b.Locked || b.Imported {
			if diff := cmp.Diff(*b, *a, ignoreVersion); diff != "" {
				t.Errorf("locked or imported bilan %s changed (-before +after):\n%s", b.Key(), diff)
			}
			continue
		}
		if diff := cmp.Diff(b.BilanContent, a.BilanContent); diff != "" {
			t.Errorf("bilan %s: content changed (-before +after):\n%s", b.Key(), diff)
		}
		if diff := cmp.Diff(acquisContents(b), acquisContents(a)); diff != "" {
			t.Errorf("bilan %s: the content of its acquis changed (-before +after):\n%s", b.Key(), diff)
		}
		for _, aq := range b.Acquis {
			if aq.HasContent() {
				withContent++
			}
		}
		// None stranded: an acquis with content of a key the pupil's
		// services do not give, beside an empty one of its subject that
		// they do.
		tmpl, en := templates[classOf[b.Student]], enrolments[b.Student]
		if tmpl == nil || en.Student.ID == "" {
			continue
		}
		wanted := map[lsusync.SubjectKey]bool{}
		for _, w := range tmpl.Bilan(en, b.Period).Acquis {
			wanted[w.Subject.Key()] = true
		}
		for _, x := range a.Acquis {
			if !x.HasContent() || wanted[x.Subject.Key()] {
				continue
			}
			for _, y := range a.Acquis {
				if y.Subject.Code == x.Subject.Code && !y.HasContent() && wanted[y.Subject.Key()] {
					t.Errorf("bilan %s: acquis %s with content stranded beside the empty %s", a.Key(), x.Subject.Key(), y.Subject.Key())
				}
			}
		}
	}
	if e.Config.Content == ContentEndOfYear && withContent == 0 {
		t.Error("no acquis with content in the bilans the sync may change")
	}
}

// acquisContents returns the content of the acquis of b that hold one,
// by subject code, in order: what a synchronisation must keep, whatever
// modalité it gives them.
func acquisContents(b *lsusync.Bilan) map[string][]lsusync.AcquisContent {
	out := make(map[string][]lsusync.AcquisContent)
	for _, a := range b.Acquis {
		if a.HasContent() {
			out[a.Subject.Code] = append(out[a.Subject.Code], a.AcquisContent)
		}
	}
	return out
}

// TestOptionsGiveModalities checks that the default establishment
// exercises rule 6 of docs/rules.md on the pupils' options: the Latin
// group takes the option facultative of its pupils over the programme of
// a class whose MEF lists Latin without hours (O); the LV2 groups their
// option obligatoire; the pupils of the section européenne have English
// twice, with the class (S) and as the option facultative of their group
// (F).
func TestOptionsGiveModalities(t *testing.T) {
	e := New(Config{Seed: 1})
	snap := e.StoreSnapshot()
	groupsOf := make(map[string][]string)
	for _, p := range e.Pupils {
		groupsOf[p.ID] = p.Groups
	}
	count := map[string]int{}
	for _, b := range snap.Bilans {
		keys := map[lsusync.SubjectKey]bool{}
		for _, a := range b.Acquis {
			keys[a.Subject.Key()] = true
		}
		euro := slices.ContainsFunc(groupsOf[b.Student], func(g string) bool { return strings.Contains(g, "EURO") })
		english := keys[lsusync.SubjectKey{Code: "030201", Modality: "S"}] && keys[lsusync.SubjectKey{Code: "030201", Modality: "F"}]
		if euro != english {
			t.Errorf("bilan %s: in the section européenne %v, English as S and F %v", b.Key(), euro, english)
		}
		if english {
			count["English twice"]++
		}
		for k := range keys {
			switch k.Code {
			case subjLatin.Code, subjAllemand.Code, subjEspagnol.Code:
				count[k.String()]++
			}
		}
	}
	// Latin: F from the options in every class, where the standard MEF's
	// programme (no hours) says O.
	if count[subjLatin.Code+"/O"] > 0 || count[subjLatin.Code+"/F"] == 0 {
		t.Errorf("Latin acquis: %v", count)
	}
	require.Equal(t, "O", e.Modality([]string{levels[1].mef}, subjLatin.Code), "the programme of Latin in the standard MEF")
	if count[subjEspagnol.Code+"/O"] == 0 || count[subjAllemand.Code+"/O"] == 0 || count["English twice"] == 0 {
		t.Errorf("LV2 and section européenne: %v", count)
	}
	t.Logf("%v", count)
}
