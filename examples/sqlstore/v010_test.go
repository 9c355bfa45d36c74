package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// The stores of testdata/ were made by the v0.1.0 code (schema version 2):
// see testdata/README.md.

// restoreV010 returns the URL of a copy of the v0.1.0 store of the engine:
// the SQLite file copied into a temporary folder, or the PostgreSQL dump
// restored into a database of its own, dropped at the end of the test.
func restoreV010(t testing.TB, e Engine) string {
	t.Helper()
	if e == SQLite {
		data, err := os.ReadFile(filepath.Join("testdata", "v0.1.0.db"))
		require.NoError(t, err)
		path := filepath.Join(t.TempDir(), "lsu.db")
		require.NoError(t, os.WriteFile(path, data, 0o600))
		return "sqlite:" + path
	}
	base := postgresURL(t)
	dump, err := os.ReadFile(filepath.Join("testdata", "v0.1.0-postgres.sql"))
	require.NoError(t, err)
	var b [6]byte
	rand.Read(b[:])
	name := "lsusync_test_" + hex.EncodeToString(b[:])
	admin, err := Connect(context.Background(), base)
	require.NoError(t, err)
	_, err = admin.Exec("CREATE DATABASE " + name)
	require.NoError(t, err)
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	u.Path = "/" + name
	db, err := Connect(context.Background(), u.String())
	require.NoError(t, err)
	defer db.Close()
	// The lines of psql's meta-commands (\restrict) are psql's, not SQL.
	var script strings.Builder
	for line := range strings.Lines(string(dump)) {
		if !strings.HasPrefix(line, `\`) {
			script.WriteString(line)
		}
	}
	_, err = db.Exec(script.String())
	require.NoError(t, err)
	return u.String()
}

var (
	v010Claire = lsusync.TeacherKey{Type: "epp", ID: "101"}
	v010Paul   = lsusync.TeacherKey{Type: "epp", ID: "102"}
	v010Sophie = lsusync.TeacherKey{Type: "local", ID: "7"}
)

func tri(i int) lsusync.Period { return lsusync.Period{Year: 2025, Index: i, Count: 3} }
func sem(i int) lsusync.Period { return lsusync.Period{Year: 2025, Index: i, Count: 2} }

// v010Snapshot is the content of establishment 0750001A of the v0.1.0
// stores, in today's model, with its versions: what the program that made
// them wrote, the positionings out of LSU's scale in the acquis's Content.
func v010Snapshot() lsusync.Snapshot {
	ang := lsusync.Subject{Code: "030201", Label: "ANGLAIS LV1", Modality: "S"}
	fra := lsusync.Subject{Code: "020700", Label: "FRANCAIS", Modality: "S"}
	mat := lsusync.Subject{Code: "061300", Label: "MATHEMATIQUES", Modality: "S"}
	lat := lsusync.Subject{Code: "022600", Label: "LATIN", Modality: "F"}
	hg := lsusync.Subject{Code: "040300", Label: "HISTOIRE-GEOGRAPHIE"}
	keys := func(ks ...lsusync.TeacherKey) []lsusync.TeacherKey { return ks }
	return lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: "0750001A", Name: "COLLEGE VICTOR HUGO",
			Address:  lsusync.Address{Line1: "12 RUE DES ECOLES", Line2: "BATIMENT B", PostalCode: "75005", City: "PARIS", Country: "FRANCE"},
			HeadName: "Mme Claire DURAND", Phone: "0143256789", Email: "ce.0750001a@ac-paris.fr", Version: "1"},
		Teachers: []lsusync.Teacher{
			{Key: v010Claire, Civility: "MME", LastName: "DUPONT", FirstName: "Claire", NUMEN: "07E1234567ABC", Version: "1"},
			{Key: v010Paul, Civility: "M", LastName: "MARTIN", FirstName: "Paul", Version: "1"},
			{Key: v010Sophie, Civility: "MME", LastName: "BERNARD-LÉVÊQUE", FirstName: "Sophie", Version: "1"},
		},
		Classes: []lsusync.Class{
			{Code: "3EME1", Label: "3EME 1", Periods: lsusync.Trimesters(2025), Version: "1"},
			{Code: "4e 1", Label: "4EME 1", Periods: lsusync.Trimesters(2025), Version: "1"},
			{Code: "6A", Label: "6EME A", Periods: []lsusync.Period{sem(1), sem(2)}, Version: "1"},
		},
		Students: []lsusync.Student{
			{ID: "1001", Class: "3EME1", INE: "070803070AJ", LastName: "DURAND", FirstName: "Léa", FirstName2: "Marie",
				BirthDate: lsusync.Date{Year: 2011, Month: 3, Day: 14}, Sex: lsusync.Female, Version: "1"},
			{ID: "1002", Class: "3EME1", INE: "1234567890A", LastName: "N'GUYEN", UsageName: "TRAN", FirstName: "Hugo", FirstName2: "Minh", FirstName3: "Louis",
				BirthDate: lsusync.Date{Year: 2010, Month: 12, Day: 1}, Sex: lsusync.Male, Version: "1"},
			{ID: "2001", Class: "4e 1", LastName: "ÉLOI", FirstName: "Zoé", Sex: lsusync.Female, Version: "1"},
			{ID: "3001", Class: "6A", INE: "070803071BK", LastName: "MOREAU", FirstName: "Jules",
				BirthDate: lsusync.Date{Year: 2014, Month: 7, Day: 2}, Sex: lsusync.Male, Version: "1"},
		},
		Bilans: []lsusync.Bilan{
			{Student: "1001", Period: tri(1), Locked: true, HeadTeachers: keys(v010Claire), Version: "1",
				Acquis: []lsusync.Acquis{
					{Subject: ang, Teachers: keys(v010Claire), AcquisContent: lsusync.AcquisContent{
						Appreciation: "Très bon trimestre, participation active à l'oral.", Positioning: 3, Average: "14.5",
						Content: map[string]string{"moyenne_classe": "12.1", "elements": "Comprendre un document oral ; décrire une image"}}},
					{Subject: mat, Teachers: keys(v010Paul, v010Sophie), AcquisContent: lsusync.AcquisContent{
						Appreciation: "Des efforts ; à poursuivre.", Positioning: 2, Average: "9.75"}},
				},
				BilanContent: lsusync.BilanContent{Content: map[string]string{
					"synthese":     "Trimestre satisfaisant. Léa doit gagner en régularité.",
					"vie_scolaire": "2 retards, 1 demi-journée d'absence justifiée"}}},
			{Student: "1001", Period: tri(2), HeadTeachers: keys(v010Claire), Version: "2",
				Acquis: []lsusync.Acquis{
					{Subject: lat, Teachers: keys(v010Sophie)},
					{Subject: ang, Teachers: keys(v010Claire), AcquisContent: lsusync.AcquisContent{
						Appreciation: "Non évaluée ce trimestre (absence longue).", Content: map[string]string{"positioning": "NE"}}},
					{Subject: mat, Teachers: keys(v010Paul, v010Sophie), AcquisContent: lsusync.AcquisContent{
						Appreciation: "Bonne découverte de la langue.",
						Content:      map[string]string{"positioning": "acquis en cours", "positioning.2": "A"}}},
				}},
			{Student: "1001", Period: tri(3), HeadTeachers: keys(v010Claire), Version: "1",
				Acquis: []lsusync.Acquis{{Subject: ang, Teachers: keys(v010Claire)}, {Subject: mat, Teachers: keys(v010Paul, v010Sophie)}}},
			{Student: "1002", Period: tri(1), Imported: true, Version: "1",
				Acquis: []lsusync.Acquis{
					{Subject: ang, AcquisContent: lsusync.AcquisContent{Appreciation: "Importée de Pronote : bon travail.", Positioning: 4, Average: "17"}},
					{Subject: hg, Teachers: keys(lsusync.TeacherKey{Type: "epp", ID: "999"}), AcquisContent: lsusync.AcquisContent{Average: "11,5"}},
				},
				BilanContent: lsusync.BilanContent{Content: map[string]string{"synthese": "Importé : trimestre encourageant.", "source": "Pronote 2025"}}},
			{Student: "1002", Period: tri(2), HeadTeachers: keys(v010Claire, v010Paul), Version: "1",
				Acquis: []lsusync.Acquis{{Subject: ang, Teachers: keys(v010Claire)}, {Subject: mat, Teachers: keys(v010Paul, v010Sophie)}}},
			{Student: "1002", Period: tri(3), HeadTeachers: keys(v010Claire, v010Paul), Version: "1"},
			{Student: "2001", Period: tri(1), HeadTeachers: keys(v010Paul), Version: "1",
				Acquis: []lsusync.Acquis{
					{Subject: fra, Teachers: keys(v010Sophie), AcquisContent: lsusync.AcquisContent{Appreciation: "Excellent trimestre « bravo » !", Positioning: 4, Average: "18.25"}},
					{Subject: hg, Teachers: keys(v010Paul), AcquisContent: lsusync.AcquisContent{Positioning: 1}},
				},
				BilanContent: lsusync.BilanContent{Content: map[string]string{"synthese": ""}}},
			{Student: "2001", Period: tri(2), Version: "1"},
			{Student: "2001", Period: tri(3), Version: "1"},
			{Student: "3001", Period: sem(1), Version: "1",
				Acquis: []lsusync.Acquis{{Subject: fra, Teachers: keys(v010Sophie), AcquisContent: lsusync.AcquisContent{Appreciation: "Bon début d'année."}}}},
			{Student: "3001", Period: sem(2), Version: "1", Acquis: []lsusync.Acquis{{Subject: fra, Teachers: keys(v010Sophie)}}},
		},
	}
}

// v010Second is establishment 0930002B of the PostgreSQL store.
func v010Second() lsusync.Snapshot {
	return lsusync.Snapshot{
		Establishment: lsusync.Establishment{UAI: "0930002B", Name: "COLLEGE JEAN MOULIN", Address: lsusync.Address{City: "SAINT-DENIS", PostalCode: "93200"}, Version: "1"},
		Teachers:      []lsusync.Teacher{{Key: lsusync.TeacherKey{Type: "epp", ID: "501"}, Civility: "M", LastName: "PETIT", FirstName: "Marc", Version: "1"}},
		Classes:       []lsusync.Class{{Code: "5B", Label: "5EME B", Periods: lsusync.Trimesters(2025), Version: "1"}},
		Students:      []lsusync.Student{{ID: "9001", Class: "5B", LastName: "ROUX", FirstName: "Inès", Sex: lsusync.Female, Version: "1"}},
		Bilans: []lsusync.Bilan{
			{Student: "9001", Period: tri(1), Version: "1",
				Acquis: []lsusync.Acquis{{Subject: lsusync.Subject{Code: "061300", Label: "MATHEMATIQUES", Modality: "S"},
					Teachers: []lsusync.TeacherKey{{Type: "epp", ID: "501"}}, AcquisContent: lsusync.AcquisContent{Appreciation: "Travail sérieux.", Positioning: 3}}},
				BilanContent: lsusync.BilanContent{Content: map[string]string{"synthese": "Bon trimestre."}}},
			{Student: "9001", Period: tri(2), Version: "1"},
			{Student: "9001", Period: tri(3), Version: "1"},
		},
	}
}

// v010Memos are the classes' memos of 0750001A.
var v010Memos = []lsusync.Memo{
	{Class: "3EME1", Text: "sha256:5f2b0c1e9a7d3c4b", Stamp: "1"},
	{Class: "4e 1", Stamp: "0"},
	{Class: "6A", Text: "sha256:0a1b2c3d4e5f6789", Stamp: "0"},
}

// v010Source is the exports of 0750001A a term later: the mathematics
// teacher of 3EME1 changed, French is taught in 3EME1, and the pupils' INE
// and names are as stored.
func v010Source(snap lsusync.Snapshot) *memory.Source {
	src := &memory.Source{School: snap.Establishment, Staff: snap.Teachers}
	src.School.Version = ""
	svc := func(code, label, modality string, ks ...lsusync.TeacherKey) lsusync.Service {
		return lsusync.Service{Subject: lsusync.Subject{Code: code, Label: label, Modality: modality}, Teachers: ks}
	}
	services := map[string][]lsusync.Service{
		"3EME1": {svc("030201", "ANGLAIS LV1", "S", v010Claire), svc("061300", "MATHEMATIQUES", "S", v010Sophie), svc("020700", "FRANCAIS", "S", v010Sophie)},
		"4e 1":  {svc("020700", "FRANCAIS", "S", v010Sophie), svc("040300", "HISTOIRE-GEOGRAPHIE", "S", v010Paul)},
		"6A":    {svc("020700", "FRANCAIS", "S", v010Sophie)},
	}
	heads := map[string][]lsusync.HeadTeacher{"3EME1": {{Teacher: v010Claire}}, "4e 1": {{Teacher: v010Paul}}}
	for _, c := range snap.Classes {
		cd := lsusync.ClassData{Code: c.Code, Label: c.Label, Services: services[c.Code], HeadTeachers: heads[c.Code]}
		for _, st := range snap.Students {
			if st.Class == c.Code {
				st.Version = ""
				cd.Enrolments = append(cd.Enrolments, lsusync.Enrolment{Student: st})
			}
		}
		src.Classes = append(src.Classes, cd)
	}
	return src
}

// TestV010Fixtures opens the v0.1.0 stores with today's code: read only,
// they are read as they are; opened for writing, they migrate to the
// current schema in place, and lose nothing: every value, version and memo
// is as the v0.1.0 program left it. A synchronisation then keeps every
// piece of content, the locked and imported bilans as they were.
func TestV010Fixtures(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		ctx := t.Context()
		db, err := Connect(ctx, restoreV010(t, e))
		require.NoError(t, err)
		defer db.Close()
		want := normalize(v010Snapshot(), true)
		schema := func() int {
			var v int
			require.NoError(t, db.QueryRowContext(ctx, "SELECT version FROM lsusync_schema").Scan(&v))
			return v
		}
		require.Equal(t, 2, schema(), "the fixture's schema version")

		ro, err := Open(ctx, db, "0750001A", Options{ReadOnly: true})
		require.NoError(t, err)
		if d := cmp.Diff(want, dump(t, ro, true), equateEmpty); d != "" {
			t.Errorf("the v0.1.0 store read only (-want +got):\n%s", d)
		}
		require.Equal(t, 2, schema(), "a read-only Open migrates nothing")

		st, err := Open(ctx, db, "0750001A", Options{})
		require.NoError(t, err)
		require.Equal(t, SchemaVersion(), schema())
		if d := cmp.Diff(want, dump(t, st, true), equateEmpty); d != "" {
			t.Errorf("the v0.1.0 store migrated (-want +got):\n%s", d)
		}
		memos, err := st.ClassMemos(ctx)
		require.NoError(t, err)
		if d := cmp.Diff(v010Memos, memos); d != "" {
			t.Errorf("the memos after the migration (-want +got):\n%s", d)
		}
		if e == Postgres {
			// Schema version 5: the JSON columns are json, no more jsonb.
			var jsonCols int
			require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.columns
				WHERE table_schema = current_schema() AND data_type = 'json' AND (table_name, column_name) IN
				(('bilans', 'acquis'), ('bilans', 'head_teachers'), ('bilan_documents', 'content'))`).Scan(&jsonCols))
			if jsonCols != 3 {
				t.Errorf("after the migration, %d of the 3 JSON columns are json", jsonCols)
			}
			other, err := Open(ctx, db, "0930002B", Options{})
			require.NoError(t, err)
			if d := cmp.Diff(normalize(v010Second(), true), dump(t, other, true), equateEmpty); d != "" {
				t.Errorf("the second establishment migrated (-want +got):\n%s", d)
			}
		}
		for _, table := range []string{"acquis", "acquis_teachers", "acquis_content", "bilan_head_teachers", "bilan_content"} {
			rs, err := db.QueryContext(ctx, st.d.tableExists(), table)
			require.NoError(t, err)
			if rs.Next() {
				t.Errorf("the table %s is still there after the migration", table)
			}
			require.NoError(t, closeRows(rs))
		}

		rep, err := lsusync.New(v010Source(v010Snapshot()), st, lsusync.Options{Now: func() time.Time {
			return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
		}}).Sync(ctx)
		require.NoError(t, err)
		require.NoError(t, rep.Err())
		if c := rep.Counts(); c.BilansUpdated == 0 {
			t.Fatalf("the sync updated no bilan: %+v", c)
		}
		after := dump(t, st, true)
		checkNothingLost(t, want, after)
	})
}

// checkNothingLost checks that after, the store after a sync, holds every
// pupil and bilan of before, the locked and imported bilans as they were,
// and every piece of content: each bilan's, and each acquis's by its
// subject key.
func checkNothingLost(t *testing.T, before, after lsusync.Snapshot) {
	t.Helper()
	got := make(map[lsusync.BilanKey]lsusync.Bilan, len(after.Bilans))
	for _, b := range after.Bilans {
		got[b.Key()] = b
	}
	pupils := map[string]bool{}
	for _, st := range after.Students {
		pupils[st.ID] = true
	}
	for _, st := range before.Students {
		if !pupils[st.ID] {
			t.Errorf("pupil %s is gone", st.ID)
		}
	}
	for _, b := range before.Bilans {
		g, ok := got[b.Key()]
		if !ok {
			t.Errorf("bilan %s is gone", b.Key())
			continue
		}
		if b.Locked || b.Imported {
			if d := cmp.Diff(b, g, equateEmpty); d != "" {
				t.Errorf("the locked or imported bilan %s changed (-before +after):\n%s", b.Key(), d)
			}
			continue
		}
		if d := cmp.Diff(b.BilanContent, g.BilanContent, equateEmpty); d != "" {
			t.Errorf("the content of bilan %s changed (-before +after):\n%s", b.Key(), d)
		}
		for _, a := range b.Acquis {
			if !a.HasContent() {
				continue
			}
			// The acquis of its key, or of its code when the sync gave
			// its unknown modalité (rule 4).
			var found *lsusync.Acquis
			for i := range g.Acquis {
				if k := g.Acquis[i].Subject.Key(); k == a.Subject.Key() || a.Subject.Modality == "" && k.Code == a.Subject.Code {
					found = &g.Acquis[i]
				}
			}
			if found == nil {
				t.Errorf("bilan %s: the acquis %s, which has content, is gone", b.Key(), a.Subject.Key())
				continue
			}
			if d := cmp.Diff(a.AcquisContent, found.AcquisContent, equateEmpty); d != "" {
				t.Errorf("bilan %s: the content of acquis %s changed (-before +after):\n%s", b.Key(), a.Subject.Key(), d)
			}
		}
	}
}

// v010DB returns the database of a copy of the v0.1.0 store of the engine.
func v010DB(t testing.TB, e Engine) *sql.DB {
	t.Helper()
	db, err := Connect(context.Background(), restoreV010(t, e))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}
