package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// floorTable is a table the changed sync of BenchmarkStore writes, with
// the selection of its rows that the sync writes and the columns of its
// unique keys.
type floorTable struct {
	name, where string
	keys        [][]string
}

var floorTables = []floorTable{
	{"establishments", "uai = ? AND version > 1", [][]string{{"uai"}}},
	{"teachers", "uai = ? AND version > 1", [][]string{{"uai", "type", "id"}}},
	{"classes", "uai = ? AND version > 1", [][]string{{"uai", "code"}}},
	{"students", "uai = ? AND version > 1", [][]string{{"uai", "id"}}},
	{"bilans", "uai = ? AND version > 1", [][]string{{"id"}, {"uai", "student", "year", "period_count", "period_index"}}},
	{"class_memos", "uai = ? AND stamp > 0", [][]string{{"uai", "class"}}},
}

// floorRows are the rows of one table, as the database gives them.
type floorRows struct {
	table floorTable
	cols  []string
	rows  [][]any
}

// benchFloor writes the rows the changed sync writes, as they are after
// it, through the engine's fastest path: PostgreSQL's COPY (pgx's
// CopyFrom) and SQLite's prepared multi-row INSERTs, in one transaction,
// into new tables of the same shape (PostgreSQL: LIKE ... INCLUDING ALL,
// with every key and constraint; SQLite: the same columns and unique
// keys), without the sync's reads, comparisons and checks: the floor the
// changed sync is measured against.
func benchFloor(b *testing.B, st *Store, m *measures) {
	ctx := context.Background()
	var data []floorRows
	var total int64
	for _, t := range floorTables {
		fr, err := readFloorRows(ctx, st, t)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, fr)
		total += int64(len(fr.rows))
	}
	// The floor writes the rows as they are after the changed syncs: a
	// record that one of them wrote and the next did not (one in 8,000
	// here) is in it; more would not be the same writes.
	if m.rows > 0 && (total < m.rows || total > m.rows+m.rows/1000) {
		var counts []string
		for _, fr := range data {
			counts = append(counts, fmt.Sprintf("%s %d", fr.table.name, len(fr.rows)))
		}
		b.Errorf("the floor writes %d rows (%s), the changed sync wrote %d", total, strings.Join(counts, ", "), m.rows)
	}
	conn, err := st.db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		for _, fr := range data {
			if err := createFloorTable(ctx, st, conn, fr.table); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if err := writeFloor(ctx, st, conn, data); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	for _, fr := range data {
		if _, err := conn.ExecContext(ctx, "DROP TABLE floor_"+fr.table.name); err != nil {
			b.Fatal(err)
		}
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(float64(total), "rows-w/op")
	b.ReportMetric(float64(total)/(ns/1e9), "rows/s")
	if m.changedNs > 0 {
		b.ReportMetric(m.changedNs/ns, "changed/floor")
		b.ReportMetric(m.writingNs/ns, "writing/floor")
	}
}

// readFloorRows reads the rows of t that the changed sync writes.
func readFloorRows(ctx context.Context, st *Store, t floorTable) (floorRows, error) {
	fr := floorRows{table: t}
	rs, err := st.db.QueryContext(ctx, st.d.q("SELECT * FROM "+t.name+" WHERE "+t.where), st.uai)
	if err != nil {
		return fr, err
	}
	if fr.cols, err = rs.Columns(); err != nil {
		rs.Close()
		return fr, err
	}
	for rs.Next() {
		row := make([]any, len(fr.cols))
		dest := make([]any, len(row))
		for i := range row {
			dest[i] = &row[i]
		}
		if err := rs.Scan(dest...); err != nil {
			rs.Close()
			return fr, err
		}
		for i, v := range row {
			if bs, ok := v.([]byte); ok {
				row[i] = string(bs)
			}
		}
		fr.rows = append(fr.rows, row)
	}
	return fr, closeRows(rs)
}

// createFloorTable makes floor_<t>, empty, in the shape of t.
func createFloorTable(ctx context.Context, st *Store, conn *sql.Conn, t floorTable) error {
	name := "floor_" + t.name
	if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+name); err != nil {
		return err
	}
	if st.d.engine == Postgres {
		_, err := conn.ExecContext(ctx, "CREATE TABLE "+name+" (LIKE "+t.name+" INCLUDING ALL)")
		return err
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE "+name+" AS SELECT * FROM "+t.name+" WHERE 0"); err != nil {
		return err
	}
	for i, k := range t.keys {
		if _, err := conn.ExecContext(ctx, "CREATE UNIQUE INDEX "+name+"_"+string(rune('a'+i))+" ON "+name+" ("+strings.Join(k, ", ")+")"); err != nil {
			return err
		}
	}
	return nil
}

// writeFloor writes data into the floor tables in one transaction.
func writeFloor(ctx context.Context, st *Store, conn *sql.Conn, data []floorRows) error {
	if st.d.engine == Postgres {
		return conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			tx, err := pc.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			for _, fr := range data {
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{"floor_" + fr.table.name}, fr.cols, pgx.CopyFromRows(fr.rows)); err != nil {
					return err
				}
			}
			return tx.Commit(ctx)
		})
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	for _, fr := range data {
		if err := insertFloorSQLite(ctx, conn, fr); err != nil {
			rollback(ctx, conn)
			return err
		}
	}
	_, err := conn.ExecContext(ctx, "COMMIT")
	return err
}

// insertFloorSQLite inserts fr's rows with prepared statements of as many
// rows as SQLite's parameters allow, up to 1,024.
func insertFloorSQLite(ctx context.Context, conn *sql.Conn, fr floorRows) error {
	per := min(1024, 32766/len(fr.cols))
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", len(fr.cols)), ",") + ")"
	prepare := func(k int) (*sql.Stmt, error) {
		return conn.PrepareContext(ctx, "INSERT INTO floor_"+fr.table.name+" ("+strings.Join(fr.cols, ", ")+") VALUES "+
			strings.TrimSuffix(strings.Repeat(tuple+",", k), ","))
	}
	var full *sql.Stmt
	args := make([]any, 0, per*len(fr.cols))
	for lo := 0; lo < len(fr.rows); lo += per {
		hi := min(lo+per, len(fr.rows))
		stmt := full
		if hi-lo < per || full == nil {
			var err error
			if stmt, err = prepare(hi - lo); err != nil {
				return err
			}
			if hi-lo == per {
				full = stmt
			} else {
				defer stmt.Close()
			}
		}
		args = args[:0]
		for _, row := range fr.rows[lo:hi] {
			args = append(args, row...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	if full != nil {
		full.Close()
	}
	return nil
}
