package sqlstore

import (
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// schemaExamples returns the SQL examples of SCHEMA.md for the engine:
// the sql blocks whose first line is "-- PostgreSQL", "-- SQLite" or
// "-- both".
func schemaExamples(t *testing.T, e Engine) []string {
	data, err := os.ReadFile("SCHEMA.md")
	require.NoError(t, err)
	mark := map[Engine]string{SQLite: "-- SQLite", Postgres: "-- PostgreSQL"}[e]
	var out []string
	for _, block := range strings.Split(string(data), "```sql\n")[1:] {
		q, _, ok := strings.Cut(block, "```")
		require.True(t, ok, "an sql block of SCHEMA.md is not closed")
		first, _, _ := strings.Cut(q, "\n")
		if first == mark || first == "-- both" {
			out = append(out, q)
		}
	}
	return out
}

// TestSchemaExamples runs the queries of SCHEMA.md on the v0.1.0 store,
// migrated: the appreciations query gives each subject of the bilans of
// 3EME1 for the first trimester with its appreciation.
func TestSchemaExamples(t *testing.T) {
	want := [][]any{
		{"1001", "DURAND", "030201", "ANGLAIS LV1", "Très bon trimestre, participation active à l'oral."},
		{"1001", "DURAND", "061300", "MATHEMATIQUES", "Des efforts ; à poursuivre."},
		{"1002", "N'GUYEN", "030201", "ANGLAIS LV1", "Importée de Pronote : bon travail."},
		{"1002", "N'GUYEN", "040300", "HISTOIRE-GEOGRAPHIE", nil},
	}
	forEngines(t, func(t *testing.T, e Engine) {
		db := v010DB(t, e)
		_, err := Open(t.Context(), db, "0750001A", Options{})
		require.NoError(t, err)
		queries := schemaExamples(t, e)
		require.Len(t, queries, 2, "the examples of SCHEMA.md for %s", e)
		for i, q := range queries {
			got := queryAll(t, db, q)
			if i == 0 {
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("the appreciations query (-want +got):\n%s", d)
				}
			} else if len(got) != 0 {
				t.Errorf("the classes without periods: %v, want none", got)
			}
		}
	})
}

// queryAll returns the rows of q, []byte values as strings.
func queryAll(t *testing.T, db *sql.DB, q string) [][]any {
	t.Helper()
	rs, err := db.QueryContext(t.Context(), q)
	require.NoError(t, err, q)
	cols, err := rs.Columns()
	require.NoError(t, err)
	var out [][]any
	for rs.Next() {
		row := make([]any, len(cols))
		dest := make([]any, len(cols))
		for i := range row {
			dest[i] = &row[i]
		}
		require.NoError(t, rs.Scan(dest...))
		for i, v := range row {
			if b, ok := v.([]byte); ok {
				row[i] = string(b)
			}
		}
		out = append(out, row)
	}
	require.NoError(t, closeRows(rs))
	return out
}

// TestBadDocuments reads bilans whose JSON another program wrote wrong:
// the read fails with an error that names the bilan and the column, and
// shows no value of the bilan.
func TestBadDocuments(t *testing.T) {
	tests := []struct {
		name, stmt, want string
	}{
		{"not JSON", "UPDATE bilan_documents SET content = 'Très bien' WHERE bilan = 1", `bilan 1001/2025-T1: its content document: invalid character`},
		{"a number for a text", `UPDATE bilan_documents SET content = '{"synthesis": 12}' WHERE bilan = 1`, `bilan 1001/2025-T1: its content document: json: cannot unmarshal number`},
		{"an object for the acquis", `UPDATE bilans SET acquis = '{"subject": "030201"}' WHERE id = 1`, `bilan 1001/2025-T1: column acquis: json: cannot unmarshal object`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := v010DB(t, SQLite)
			st, err := Open(t.Context(), db, "0750001A", Options{})
			require.NoError(t, err)
			_, err = db.ExecContext(t.Context(), tc.stmt)
			require.NoError(t, err)
			_, err = st.Bilans(t.Context(), "3EME1")
			require.Error(t, err)
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "Très bien") {
				t.Errorf("Bilans = %v, want an error with %q", err, tc.want)
			}
			if strings.Count(err.Error(), "sqlstore:") != 1 {
				t.Errorf("Bilans = %v: want sqlstore: once", err)
			}
		})
	}
}
