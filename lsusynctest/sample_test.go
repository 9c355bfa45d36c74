package lsusynctest_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/lsusynctest"
)

// samplePath returns the path of GEPI's sample import file, which the
// project does not hold: a test reads it in place when it is there, skips
// when it is not, and fails then under CI.
func samplePath(t *testing.T) string {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	require.True(t, ok, "runtime.Caller")
	path := filepath.Join(filepath.Dir(here), "..", "..", "shared", "samples", "lsu", "gepi", "sample-bilan-complet.xml")
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the sample import file is needed under CI: %v", err)
		}
		t.Skipf("no sample import file: %v", err)
	}
	return path
}

// TestSampleSnapshotIsTheFile reads the sample import file with
// encoding/xml and checks that SampleSnapshot, transcribed by hand, holds
// what the file says, value for value.
func TestSampleSnapshotIsTheFile(t *testing.T) {
	data, err := os.ReadFile(samplePath(t))
	require.NoError(t, err)
	var f lsuFile
	require.NoError(t, xml.Unmarshal(data, &f))
	if d := cmp.Diff(f.snapshot(t), lsusynctest.SampleSnapshot()); d != "" {
		t.Errorf("SampleSnapshot() is not the sample file (-file +SampleSnapshot):\n%s", d)
	}
}

// The sample's bilans, each with its number of acquis, the English ones
// among them, and the date and time it was locked at in the software
// that wrote the file.
func ExampleSampleSnapshot() {
	s := lsusynctest.SampleSnapshot()
	for _, b := range s.Bilans {
		var english []string
		for _, a := range b.Acquis {
			if a.Subject.Code == "030201" {
				english = append(english, a.Subject.Key().String())
			}
		}
		fmt.Printf("%s: %d acquis (%s), date-verrou %s, locked %t\n", b.Key(), len(b.Acquis), strings.Join(english, " "), b.LockDate, b.Locked)
	}
	// Output:
	// 1/2015-T1: 11 acquis (030201/S 030201/F), date-verrou 2015-11-12T06:00:00, locked false
	// 1/2015-T2: 3 acquis (030201/S), date-verrou 2016-02-26T06:00:00, locked false
	// 2/2015-T1: 3 acquis (030201/S), date-verrou 2015-11-12T06:00:00, locked false
	// 2/2015-T2: 3 acquis (030201/S), date-verrou 2015-11-12T06:00:00, locked false
	// 1/2015-T3: 3 acquis (030201/S), date-verrou 2016-02-26T06:00:00, locked false
}

func TestSampleSnapshotIsFresh(t *testing.T) {
	a := lsusynctest.SampleSnapshot()
	a.Bilans[0].EPIs[0].Group.Teaching[0].Teacher.ID = "0"
	a.Bilans[0].Acquis[0].ProgrammeElements[0] = "x"
	a.Bilans[0].SchoolLife.Late = 999
	*a.Bilans[0].SchoolLife.MissedHours = 999
	a.Classes[0].Periods[0].Year = 1
	b := lsusynctest.SampleSnapshot()
	if d := cmp.Diff(a, b); d == "" {
		t.Errorf("SampleSnapshot() shares its maps, slices or pointers between calls")
	}
	// EL_02's bilan of P_01 and EL_01's of P_01 have the group
	// EPI_GROUPE_01: each its own copy.
	require.Equal(t, b.Bilans[0].EPIs[0].Group.Title, b.Bilans[2].EPIs[0].Group.Title)
	b.Bilans[0].EPIs[0].Group.Teaching[0].Teacher.ID = "0"
	require.NotEqual(t, "0", b.Bilans[2].EPIs[0].Group.Teaching[0].Teacher.ID, "two bilans of SampleSnapshot() share a group's teachers")
}

// TestSampleBilansCatches runs the suite on stores that lose what only
// the sample's bilans hold, and checks that the SampleBilans checks, and
// they alone, fail: a store that keeps one acquis per subject code, as
// one keyed by the code alone would, and a store that trims the spaces
// and line feeds around texts, which the sample's texts that span lines
// end with.
func TestSampleBilansCatches(t *testing.T) {
	tests := []struct {
		name   string
		mangle func(b *lsusync.Bilan)
	}{
		{"acquisByCode", func(b *lsusync.Bilan) {
			var seen []string
			b.Acquis = slices.DeleteFunc(b.Acquis, func(a lsusync.Acquis) bool {
				dup := slices.Contains(seen, a.Subject.Code)
				seen = append(seen, a.Subject.Code)
				return dup
			})
		}},
		{"trimsTexts", func(b *lsusync.Bilan) {
			for i := range b.Acquis {
				b.Acquis[i].Appreciation = strings.TrimSpace(b.Acquis[i].Appreciation)
			}
			b.Digital.Appreciation = strings.TrimSpace(b.Digital.Appreciation)
			for i := range b.Digital.Common {
				b.Digital.Common[i].Text = strings.TrimSpace(b.Digital.Common[i].Text)
			}
			for i := range b.EPIs {
				b.EPIs[i].Comment = strings.TrimSpace(b.EPIs[i].Comment)
				b.EPIs[i].Group.Comment = strings.TrimSpace(b.EPIs[i].Group.Comment)
			}
			for i := range b.APs {
				b.APs[i].Comment = strings.TrimSpace(b.APs[i].Comment)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sound := factory(sound)
			err := lsusynctest.CheckStore(t.Context(), func(seed lsusync.Snapshot) (lsusync.Store, error) {
				st, err := sound(seed)
				return manglingStore{st, tt.mangle}, err
			})
			if d := cmp.Diff([]string{"SampleBilans/Seed", "SampleBilans/Sync"}, failedChecks(t, err)); d != "" {
				t.Errorf("CheckStore(store %s): failed checks mismatch (-want +got):\n%s\nerror:\n%v", tt.name, d, err)
			}
		})
	}
}

// manglingStore is a store whose Bilans loses what mangle takes from
// each bilan, which the synchronizer then writes back.
type manglingStore struct {
	lsusync.Store
	mangle func(b *lsusync.Bilan)
}

func (s manglingStore) Bilans(ctx context.Context, class string) ([]lsusync.Bilan, error) {
	bs, err := s.Store.Bilans(ctx, class)
	for i := range bs {
		s.mangle(&bs[i])
	}
	return bs, err
}

// lsuFile is what the test reads of an LSU import file.
type lsuFile struct {
	UAI          string `xml:"entete>etablissement"`
	Responsables []struct {
		ID      string `xml:"id,attr"`
		Libelle string `xml:"libelle,attr"`
	} `xml:"donnees>responsables-etab>responsable-etab"`
	Eleves []struct {
		ID       string `xml:"id,attr"`
		IDBE     string `xml:"id-be,attr"`
		Nom      string `xml:"nom,attr"`
		Prenom   string `xml:"prenom,attr"`
		Division string `xml:"code-division,attr"`
	} `xml:"donnees>eleves>eleve"`
	Periodes []struct {
		ID        string `xml:"id,attr"`
		Millesime int    `xml:"millesime,attr"`
		Indice    int    `xml:"indice,attr"`
		Nb        int    `xml:"nb-periodes,attr"`
	} `xml:"donnees>periodes>periode"`
	Disciplines []struct {
		ID           string `xml:"id,attr"`
		Code         string `xml:"code,attr"`
		CodeNational string `xml:"code-national,attr"`
		Modalite     string `xml:"modalite-election,attr"`
		Libelle      string `xml:"libelle,attr"`
	} `xml:"donnees>disciplines>discipline"`
	Enseignants []struct {
		ID       string `xml:"id,attr"`
		Type     string `xml:"type,attr"`
		IDSTS    string `xml:"id-sts,attr"`
		Civilite string `xml:"civilite,attr"`
		Nom      string `xml:"nom,attr"`
		Prenom   string `xml:"prenom,attr"`
	} `xml:"donnees>enseignants>enseignant"`
	Elements []struct {
		ID      string `xml:"id,attr"`
		Libelle string `xml:"libelle,attr"`
	} `xml:"donnees>elements-programme>element-programme"`
	CommunsNum []struct {
		ID   string `xml:"id,attr"`
		Code string `xml:"code-structure,attr"`
		Type string `xml:"type-structure,attr"`
		Text string `xml:",chardata"`
	} `xml:"donnees>competences-numeriques-communs>competences-numeriques-commun"`
	Thematiques []struct {
		Code    string `xml:"code,attr"`
		Libelle string `xml:"libelle,attr"`
	} `xml:"donnees>epis-thematiques>epi-thematique"`
	EPIs []struct {
		ID          string `xml:"id,attr"`
		Intitule    string `xml:"intitule,attr"`
		Thematique  string `xml:"thematique,attr"`
		Disciplines string `xml:"discipline-refs,attr"`
		Description string `xml:"description"`
	} `xml:"donnees>epis>epi"`
	EPIGroupes []lsuGroup `xml:"donnees>epis-groupes>epi-groupe"`
	APs        []struct {
		ID          string `xml:"id,attr"`
		Intitule    string `xml:"intitule,attr"`
		Disciplines string `xml:"discipline-refs,attr"`
		Description string `xml:"description"`
	} `xml:"donnees>acc-persos>acc-perso"`
	APGroupes []lsuGroup `xml:"donnees>acc-persos-groupes>acc-perso-groupe"`
	Bilans    []lsuBilan `xml:"donnees>bilans-periodiques>bilan-periodique"`
}

type lsuGroup struct {
	ID          string `xml:"id,attr"`
	Intitule    string `xml:"intitule,attr"`
	EPIRef      string `xml:"epi-ref,attr"`
	APRef       string `xml:"acc-perso-ref,attr"`
	Commentaire string `xml:"commentaire"`
	Teaching    []struct {
		Discipline string `xml:"discipline-ref,attr"`
		Enseignant string `xml:"enseignant-ref,attr"`
	} `xml:"enseignants-disciplines>enseignant-discipline"`
}

type lsuBilan struct {
	Eleve       string      `xml:"eleve-ref,attr"`
	Periode     string      `xml:"periode-ref,attr"`
	ProfsPrinc  string      `xml:"prof-princ-refs,attr"`
	Conseil     string      `xml:"date-conseil-classe,attr"`
	Scolarite   string      `xml:"date-scolarite,attr"`
	Verrou      string      `xml:"date-verrou,attr"`
	Responsable string      `xml:"responsable-etab-ref,attr"`
	Acquis      []lsuAcquis `xml:"liste-acquis>acquis"`
	Numeriques  *struct {
		Communs      string `xml:"comp-num-commun-refs,attr"`
		Appreciation string `xml:"appreciation-num"`
		Niveaux      []struct {
			Code   string `xml:"code,attr"`
			Niveau int    `xml:"niveau,attr"`
		} `xml:"competence-num"`
	} `xml:"competences-numeriques"`
	EPIs []struct {
		Groupe      string `xml:"epi-groupe-ref,attr"`
		Commentaire string `xml:"commentaire"`
	} `xml:"epis-eleve>epi-eleve"`
	APs []struct {
		Groupe      string `xml:"acc-perso-groupe-ref,attr"`
		Commentaire string `xml:"commentaire"`
	} `xml:"acc-persos-eleve>acc-perso-eleve"`
	Parcours []struct {
		Code string `xml:"code,attr"`
		Text string `xml:",chardata"`
	} `xml:"liste-parcours>parcours"`
	Modalites []struct {
		Code     string `xml:"code,attr"`
		PPRE     string `xml:"complement-ppre"`
		Contract string `xml:"complement-contrat-reussite"`
	} `xml:"modalites-accompagnement>modalite-accompagnement"`
	Synthese    string `xml:"acquis-conseils"`
	DevoirsFait string `xml:"devoirs-faits"`
	VieScolaire *struct {
		Retards     int    `xml:"nb-retards,attr"`
		Justifiees  int    `xml:"nb-abs-justifiees,attr"`
		Injustifiee int    `xml:"nb-abs-injustifiees,attr"`
		Heures      *int   `xml:"nb-heures-manquees,attr"`
		Commentaire string `xml:"commentaire"`
	} `xml:"vie-scolaire"`
	Socle []struct {
		Code           string `xml:"code,attr"`
		Positionnement int    `xml:"positionnement,attr"`
	} `xml:"socle>domaine"`
	Responsables []struct {
		Denomination string `xml:"denomination,attr"`
		Adresse      *struct {
			Ligne1     string `xml:"ligne1,attr"`
			Ligne2     string `xml:"ligne2,attr"`
			Ligne3     string `xml:"ligne3,attr"`
			Ligne4     string `xml:"ligne4,attr"`
			CodePostal string `xml:"code-postal,attr"`
			Commune    string `xml:"commune,attr"`
		} `xml:"adresse"`
	} `xml:"responsables>responsable"`
}

type lsuAcquis struct {
	Discipline        string `xml:"discipline-ref,attr"`
	Enseignants       string `xml:"enseignant-refs,attr"`
	Elements          string `xml:"element-programme-refs,attr"`
	Positionnement    int    `xml:"positionnement,attr"`
	Moyenne           string `xml:"moyenne-eleve,attr"`
	MoyenneStructure  string `xml:"moyenne-structure,attr"`
	NonNote           string `xml:"eleve-non-note,attr"`
	StructureNonNotee string `xml:"structure-non-notee,attr"`
	Appreciation      string `xml:"appreciation"`
}

// snapshot returns the file as SampleSnapshot documents it: every
// reference resolved to what it names, the first responsable-etab as the
// head of establishment, the bilans en saisie directe and not locked.
func (f *lsuFile) snapshot(t *testing.T) lsusync.Snapshot {
	t.Helper()
	s := lsusync.Snapshot{Establishment: lsusync.Establishment{UAI: f.UAI, HeadName: f.Responsables[0].Libelle}}
	responsables := map[string]string{}
	for _, r := range f.Responsables {
		responsables[r.ID] = r.Libelle
	}
	teachers := map[string]lsusync.TeacherKey{}
	for _, e := range f.Enseignants {
		k := lsusync.TeacherKey{Type: e.Type, ID: e.IDSTS}
		teachers[e.ID] = k
		s.Teachers = append(s.Teachers, lsusync.Teacher{Key: k, Civility: e.Civilite, LastName: e.Nom, FirstName: e.Prenom})
	}
	keys := func(refs string) []lsusync.TeacherKey {
		var ks []lsusync.TeacherKey
		for _, r := range strings.Fields(refs) {
			k, ok := teachers[r]
			require.True(t, ok, "no enseignant %s", r)
			ks = append(ks, k)
		}
		return ks
	}
	subjects := map[string]lsusync.Subject{}
	for _, d := range f.Disciplines {
		subjects[d.ID] = lsusync.Subject{Code: d.Code, Label: d.Libelle, Modality: d.Modalite, NationalCode: d.CodeNational}
	}
	subjectsOf := func(refs string) []lsusync.Subject {
		var ss []lsusync.Subject
		for _, r := range strings.Fields(refs) {
			sub, ok := subjects[r]
			require.True(t, ok, "no discipline %s", r)
			ss = append(ss, sub)
		}
		return ss
	}
	elements := map[string]string{}
	for _, e := range f.Elements {
		elements[e.ID] = e.Libelle
	}
	periods := map[string]lsusync.Period{}
	var all []lsusync.Period
	for _, p := range f.Periodes {
		periods[p.ID] = lsusync.Period{Year: p.Millesime, Index: p.Indice, Count: p.Nb}
		all = append(all, periods[p.ID])
	}
	pupils := map[string]string{}
	for _, e := range f.Eleves {
		pupils[e.ID] = e.IDBE
		s.Students = append(s.Students, lsusync.Student{ID: e.IDBE, Class: e.Division, LastName: e.Nom, FirstName: e.Prenom})
		if !hasClass(s.Classes, e.Division) {
			s.Classes = append(s.Classes, lsusync.Class{Code: e.Division, Periods: all})
		}
	}
	communs := map[string]lsusync.DigitalCommon{}
	for _, c := range f.CommunsNum {
		communs[c.ID] = lsusync.DigitalCommon{Structure: c.Code, StructureType: c.Type, Text: c.Text}
	}
	themes := map[string]string{}
	for _, th := range f.Thematiques {
		themes[th.Code] = th.Libelle
	}
	epis := map[string]lsusync.EPI{}
	for _, e := range f.EPIs {
		epis[e.ID] = lsusync.EPI{Title: e.Intitule, Theme: e.Thematique, ThemeLabel: themes[e.Thematique],
			Subjects: subjectsOf(e.Disciplines), Description: e.Description}
	}
	aps := map[string]lsusync.AP{}
	for _, a := range f.APs {
		aps[a.ID] = lsusync.AP{Title: a.Intitule, Subjects: subjectsOf(a.Disciplines), Description: a.Description}
	}
	teaching := func(g lsuGroup) []lsusync.Teaching {
		var ts []lsusync.Teaching
		for _, td := range g.Teaching {
			ts = append(ts, lsusync.Teaching{Teacher: keys(td.Enseignant)[0], Subject: subjectsOf(td.Discipline)[0]})
		}
		return ts
	}
	epiGroups := map[string]lsusync.EPIGroup{}
	for _, g := range f.EPIGroupes {
		epiGroups[g.ID] = lsusync.EPIGroup{EPI: epis[g.EPIRef], Title: g.Intitule, Comment: g.Commentaire, Teaching: teaching(g)}
	}
	apGroups := map[string]lsusync.APGroup{}
	for _, g := range f.APGroupes {
		apGroups[g.ID] = lsusync.APGroup{AP: aps[g.APRef], Title: g.Intitule, Comment: g.Commentaire, Teaching: teaching(g)}
	}

	for _, fb := range f.Bilans {
		b := lsusync.Bilan{Student: pupils[fb.Eleve], Period: periods[fb.Periode], HeadTeachers: keys(fb.ProfsPrinc)}
		var err error
		b.CouncilDate, err = lsusync.ParseDate(fb.Conseil)
		require.NoError(t, err)
		b.SchoolingDate, err = lsusync.ParseDate(fb.Scolarite)
		require.NoError(t, err)
		b.LockDate, err = lsusync.ParseDateTime(fb.Verrou)
		require.NoError(t, err)
		b.Signatory = responsables[fb.Responsable]
		for _, fa := range fb.Acquis {
			a := lsusync.Acquis{Subject: subjectsOf(fa.Discipline)[0], Teachers: keys(fa.Enseignants)}
			for _, ref := range strings.Fields(fa.Elements) {
				a.ProgrammeElements = append(a.ProgrammeElements, elements[ref])
			}
			a.Positioning, a.Average, a.ClassAverage, a.Appreciation = fa.Positionnement, fa.Moyenne, fa.MoyenneStructure, fa.Appreciation
			a.NotGraded, a.ClassNotGraded = xsBool(t, fa.NonNote), xsBool(t, fa.StructureNonNotee)
			b.Acquis = append(b.Acquis, a)
		}
		if n := fb.Numeriques; n != nil {
			b.Digital.Appreciation = n.Appreciation
			for _, l := range n.Niveaux {
				b.Digital.Levels = append(b.Digital.Levels, lsusync.DigitalLevel{Code: l.Code, Level: l.Niveau})
			}
			for _, ref := range strings.Fields(n.Communs) {
				b.Digital.Common = append(b.Digital.Common, communs[ref])
			}
		}
		for _, e := range fb.EPIs {
			b.EPIs = append(b.EPIs, lsusync.PupilEPI{Group: epiGroups[e.Groupe], Comment: e.Commentaire})
		}
		for _, a := range fb.APs {
			b.APs = append(b.APs, lsusync.PupilAP{Group: apGroups[a.Groupe], Comment: a.Commentaire})
		}
		for _, p := range fb.Parcours {
			b.Pathways = append(b.Pathways, lsusync.Pathway{Code: p.Code, Text: p.Text})
		}
		for _, m := range fb.Modalites {
			b.Support = append(b.Support, lsusync.Support{Code: m.Code, PPRE: m.PPRE, Contract: m.Contract})
		}
		b.Synthesis, b.HomeworkHelp = fb.Synthese, fb.DevoirsFait
		if v := fb.VieScolaire; v != nil {
			b.SchoolLife = &lsusync.SchoolLife{Late: v.Retards, Justified: v.Justifiees, Unjustified: v.Injustifiee,
				MissedHours: v.Heures, Comment: v.Commentaire}
		}
		for _, d := range fb.Socle {
			b.Socle = append(b.Socle, lsusync.SocleDomain{Code: d.Code, Positioning: d.Positionnement})
		}
		for _, r := range fb.Responsables {
			g := lsusync.Guardian{Name: r.Denomination}
			if a := r.Adresse; a != nil {
				g.Address = lsusync.Address{Line1: a.Ligne1, Line2: a.Ligne2, Line3: a.Ligne3, Line4: a.Ligne4,
					PostalCode: a.CodePostal, City: a.Commune}
			}
			b.Guardians = append(b.Guardians, g)
		}
		s.Bilans = append(s.Bilans, b)
	}
	return s
}

func hasClass(cs []lsusync.Class, code string) bool {
	for _, c := range cs {
		if c.Code == code {
			return true
		}
	}
	return false
}

// xsBool reads an xs:boolean: "1" and "true" are true, "0", "false" and
// absent false.
func xsBool(t *testing.T, s string) bool {
	t.Helper()
	if s == "" {
		return false
	}
	v, err := strconv.ParseBool(s)
	require.NoError(t, err, "xs:boolean %q", s)
	require.Contains(t, []string{"0", "1", "true", "false"}, s, "xs:boolean")
	return v
}
