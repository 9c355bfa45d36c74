package testkit

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// Stored returns the whole content of st as its read methods return it,
// with the records' versions, sorted (lsusync.Snapshot.Sort): what a test
// compares with what the store should hold.
func Stored(t testing.TB, st lsusync.Store) lsusync.Snapshot {
	t.Helper()
	ctx := context.Background()
	var d lsusync.Snapshot
	var err error
	d.Establishment, err = st.Establishment(ctx)
	require.NoError(t, err)
	d.Teachers, err = st.Teachers(ctx)
	require.NoError(t, err)
	d.Classes, err = st.Classes(ctx)
	require.NoError(t, err)
	for _, c := range d.Classes {
		students, err := st.Students(ctx, c.Code)
		require.NoError(t, err)
		bilans, err := st.Bilans(ctx, c.Code)
		require.NoError(t, err)
		d.Students = append(d.Students, students...)
		d.Bilans = append(d.Bilans, bilans...)
	}
	d.Sort()
	return d
}

// ChangeEverything returns a copy of src in which every value a sync
// copies differs: the establishment's name, every teacher's last name,
// every class label, every pupil's last name, and the teachers of every
// service and the professeurs principaux, each teacher replaced by the
// next one in key order (so that every bilan's subjects' teachers and PP
// change). The benchmarks sync it to measure a sync that writes every
// record.
func ChangeEverything(src *memory.Source) *memory.Source {
	out := &memory.Source{School: src.School}
	out.School.Name += " (B)"
	sorted := slices.Clone(src.Staff)
	slices.SortFunc(sorted, func(a, b lsusync.Teacher) int { return a.Key.Compare(b.Key) })
	next := make(map[lsusync.TeacherKey]lsusync.TeacherKey, len(sorted))
	for i, t := range sorted {
		next[t.Key] = sorted[(i+1)%len(sorted)].Key
	}
	rotate := func(ks []lsusync.TeacherKey) []lsusync.TeacherKey {
		out := make([]lsusync.TeacherKey, len(ks))
		for i, k := range ks {
			out[i] = next[k]
		}
		return out
	}
	for _, t := range src.Staff {
		t.LastName += "-B"
		out.Staff = append(out.Staff, t)
	}
	for _, c := range src.Classes {
		c.Label += " B"
		c.Enrolments = slices.Clone(c.Enrolments)
		for i := range c.Enrolments {
			c.Enrolments[i].Student.LastName += "-B"
		}
		c.Services = slices.Clone(c.Services)
		for i := range c.Services {
			c.Services[i].Teachers = rotate(c.Services[i].Teachers)
		}
		c.HeadTeachers = slices.Clone(c.HeadTeachers)
		for i := range c.HeadTeachers {
			c.HeadTeachers[i].Teacher = next[c.HeadTeachers[i].Teacher]
		}
		out.Classes = append(out.Classes, c)
	}
	return out
}
