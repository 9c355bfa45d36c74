package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/internal/testkit"
)

// envFloor makes the test binary run floor instead of the command: the
// least any synchronisation must do, measured in a process of its own.
const envFloor = "LSUSYNC_TEST_FLOOR"

// envPeak names the file where a child process writes its peak resident
// memory before it exits. The peak that the system gives the parent is
// not the child's own on Linux: a child started from a large process
// inherits its high-water mark.
const envPeak = "LSUSYNC_TEST_PEAK"

// writePeak writes the peak resident memory of this process, in bytes, to
// the file that envPeak names, if any.
func writePeak() {
	if path := os.Getenv(envPeak); path != "" {
		os.WriteFile(path, []byte(strconv.FormatInt(testkit.SelfPeak(), 10)), 0o600)
	}
}

// BenchmarkCommand times what a user runs, each step a process of its
// own, as the command is run: `lsusync init` on the exports of a
// generated establishment (zipped, as downloaded), then `lsusync sync` on
// a later export in which everything a sync copies changed (every name,
// label, service teacher and professeur principal: every record of the
// store is updated and the file rewritten), then `lsusync sync` on the
// same export again (nothing changed: nothing is written). Beside them,
// in the same run, it times the floor: reading the exports (inflating the
// zips) and the store file, and writing the store file again to a
// temporary file with fsync and a rename, as a commit does; and the same
// floor with the store file in version 1 of its format (floor-v1), seven
// times larger, as the store files were before version 2.
//
// It reports, per step, the CPU time of the process (user and system,
// steadier than the elapsed time on a shared machine; the -s metrics),
// its elapsed time (-wall-s) and its peak resident memory (-peak-MB),
// and the ratios the project holds itself to: the changed sync to the
// floor, the unchanged sync to the changed one. The 100,000-pupil case
// takes a few minutes:
//
//	go test ./examples/cmd/lsusync -run '^$' -bench Command -benchtime 1x
func BenchmarkCommand(b *testing.B) {
	for _, n := range []int{2_000, 100_000} {
		b.Run(fmt.Sprintf("pupils=%d", n), func(b *testing.B) { benchCommand(b, n) })
	}
}

// step is the measure of one process.
type step struct {
	cpu, wall time.Duration
	peak      int64 // bytes; 0 when unknown
}

func benchCommand(b *testing.B, pupils int) {
	dir := b.TempDir()
	e := gen.New(gen.Config{Seed: 1, Pupils: pupils})
	today := e.Config.Today.String()
	first, later := filepath.Join(dir, "exports"), filepath.Join(dir, "exports-changed")
	if _, err := e.WriteExports(first, gen.ExportOptions{Zip: true}); err != nil {
		b.Fatal(err)
	}
	if _, err := changeEverything(e).WriteExports(later, gen.ExportOptions{Zip: true}); err != nil {
		b.Fatal(err)
	}
	var sum struct{ init, changed, unchanged, floor, floorV1 step }
	v1 := filepath.Join(dir, "lsu-v1.json")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		store := filepath.Join(dir, fmt.Sprintf("lsu-%d.json", i))
		init := runStep(b, nil, "init", "-store", store, "-dir", first, "-today", today)
		changed := runStep(b, func(out string) error {
			if !strings.Contains(out, "ont été mis à jour") {
				return fmt.Errorf("the changed sync updated nothing")
			}
			return nil
		}, "sync", "-store", store, "-dir", later, "-today", today)
		before, err := os.Stat(store)
		if err != nil {
			b.Fatal(err)
		}
		unchanged := runStep(b, func(out string) error {
			if !strings.Contains(out, "Élèves : 0 mis à jour, 0 ajouté, 0 déplacé · Enseignants : 0 mis à jour, 0 ajouté · Bilans : 0 mis à jour, 0 créé") {
				return fmt.Errorf("the unchanged sync changed something")
			}
			return nil
		}, "sync", "-store", store, "-dir", later, "-today", today)
		if after, err := os.Stat(store); err != nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
			b.Fatalf("the unchanged sync rewrote the store file (%v)", err)
		}
		floor := runFloor(b, later, store)
		if i == 0 {
			b.StopTimer()
			if err := writeVersion1(v1, store); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		floorV1 := runFloor(b, later, v1)
		os.Remove(store)
		os.Remove(store + ".lock")
		for _, p := range []struct {
			sum *step
			s   step
		}{{&sum.init, init}, {&sum.changed, changed}, {&sum.unchanged, unchanged}, {&sum.floor, floor}, {&sum.floorV1, floorV1}} {
			p.sum.cpu += p.s.cpu
			p.sum.wall += p.s.wall
			p.sum.peak = max(p.sum.peak, p.s.peak)
		}
	}
	n := float64(b.N)
	for _, m := range []struct {
		name string
		s    step
	}{{"init", sum.init}, {"changed", sum.changed}, {"unchanged", sum.unchanged}, {"floor", sum.floor}, {"floor-v1", sum.floorV1}} {
		b.ReportMetric(m.s.cpu.Seconds()/n, m.name+"-s")
		b.ReportMetric(m.s.wall.Seconds()/n, m.name+"-wall-s")
		if m.s.peak > 0 {
			b.ReportMetric(float64(m.s.peak)/1e6, m.name+"-peak-MB")
		}
	}
	b.ReportMetric(sum.changed.cpu.Seconds()/sum.floor.cpu.Seconds(), "changed/floor")
	b.ReportMetric(sum.changed.cpu.Seconds()/sum.floorV1.cpu.Seconds(), "changed/floor-v1")
	b.ReportMetric(sum.unchanged.cpu.Seconds()/sum.changed.cpu.Seconds(), "unchanged/changed")
}

// runStep runs the command in a process of its own and measures it; check,
// when not nil, checks its standard output.
func runStep(b *testing.B, check func(string) error, args ...string) step {
	b.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	return measure(b, cmd, check)
}

// runFloor measures floor in a process of its own.
func runFloor(b *testing.B, exports, store string) step {
	b.Helper()
	cmd := exec.Command(os.Args[0], exports, store)
	cmd.Env = append(os.Environ(), envFloor+"=1")
	return measure(b, cmd, nil)
}

func measure(b *testing.B, cmd *exec.Cmd, check func(string) error) step {
	b.Helper()
	peakFile := filepath.Join(b.TempDir(), "peak")
	cmd.Env = append(cmd.Env, envPeak+"="+peakFile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%q: %v\nstdout (end): %s\nstderr: %s", cmd.Args[1:], err, tail(stdout.String()), stderr.String())
	}
	if check != nil {
		if err := check(stdout.String()); err != nil {
			b.Fatalf("%q: %v\nstdout (end): %s", cmd.Args[1:], err, tail(stdout.String()))
		}
	}
	ps := cmd.ProcessState
	s := step{cpu: ps.UserTime() + ps.SystemTime(), wall: wall, peak: peakMemory(ps)}
	if data, err := os.ReadFile(peakFile); err == nil {
		if n, err := strconv.ParseInt(string(data), 10, 64); err == nil && n > 0 {
			s.peak = n
		}
	}
	return s
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// writeVersion1 writes to path the content of the store file at store in
// version 1 of the format, which repeats every subject and teacher key in
// every bilan: the floor of a store kept in it, as the store files were
// before version 2.
func writeVersion1(path, store string) error {
	st, err := filestore.Open(context.Background(), store, filestore.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	snap := st.Snapshot()
	st.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString(`{"format":"lsusync-store","version":1,"data":`)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&snap); err != nil {
		f.Close()
		return err
	}
	w.WriteString("}\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// floor does the least any synchronisation of the store file from the
// exports must do: read every export, inflating the zips, read the store
// file, and write it again as a commit does: a temporary file in its
// folder, fsync, rename, fsync of the folder (here the copy is renamed to
// a name of its own and removed, leaving the store as it was).
func floor(exports, store string) error {
	entries, err := os.ReadDir(exports)
	if err != nil {
		return err
	}
	for _, en := range entries {
		path := filepath.Join(exports, en.Name())
		if !strings.HasSuffix(en.Name(), ".zip") {
			if _, err := os.ReadFile(path); err != nil {
				return err
			}
			continue
		}
		zr, err := zip.OpenReader(path)
		if err != nil {
			return err
		}
		for _, f := range zr.File {
			r, err := f.Open()
			if err != nil {
				return err
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				return err
			}
			r.Close()
		}
		zr.Close()
	}
	data, err := os.ReadFile(store)
	if err != nil {
		return err
	}
	dir := filepath.Dir(store)
	tmp, err := os.CreateTemp(dir, ".floor-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	copyPath := filepath.Join(dir, "floor-copy.json")
	if err := os.Rename(tmp.Name(), copyPath); err != nil {
		return err
	}
	defer os.Remove(copyPath)
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	d.Sync() // not supported everywhere (Windows)
	return nil
}

// changeEverything returns a copy of e in which every value a sync
// copies differs: the establishment's name, every teacher's names, every
// class label, every pupil's last name, and the teachers of every service
// and the professeurs principaux, each teacher replaced by the next one
// in key order, so that the subjects' teachers and the professeurs
// principaux of every bilan change.
func changeEverything(e *gen.Establishment) *gen.Establishment {
	c := e.Clone()
	c.Identity.Name += " (B)"
	keys := make([]lsusync.TeacherKey, len(c.Teachers))
	for i, t := range c.Teachers {
		keys[i] = t.Key
	}
	slices.SortFunc(keys, lsusync.TeacherKey.Compare)
	keys = slices.Compact(keys)
	next := make(map[lsusync.TeacherKey]lsusync.TeacherKey, len(keys))
	for i, k := range keys {
		next[k] = keys[(i+1)%len(keys)]
	}
	rotate := func(svs []gen.Service) {
		for i := range svs {
			for j, k := range svs[i].Teachers {
				svs[i].Teachers[j] = next[k]
			}
		}
	}
	headOf := make(map[lsusync.TeacherKey][]gen.HeadAppointment)
	for i := range c.Teachers {
		t := &c.Teachers[i]
		t.UsageName += "-B"
		t.BirthName += "-B"
		if len(t.HeadOf) > 0 {
			headOf[next[t.Key]] = append(headOf[next[t.Key]], t.HeadOf...)
		}
	}
	for i := range c.Teachers {
		t := &c.Teachers[i]
		t.HeadOf = headOf[t.Key]
		headOf[t.Key] = nil // a key seen twice (a substitute) keeps it once
	}
	for i := range c.Divisions {
		d := &c.Divisions[i]
		d.Label += " B"
		if d.STSLabel != "" {
			d.STSLabel += " B"
		}
		rotate(d.Services)
	}
	for i := range c.Groups {
		rotate(c.Groups[i].Services)
	}
	for i := range c.Pupils {
		c.Pupils[i].LastName += "-B"
	}
	return c
}
