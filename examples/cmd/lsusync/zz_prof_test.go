package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestProfCommand(t *testing.T) {
	dir := os.Getenv("PROF_DIR")
	if dir == "" {
		t.Skip()
	}
	store := filepath.Join(dir, "lsu.json")
	os.Remove(store)
	var out, errb bytes.Buffer
	if c := run(context.Background(), []string{"init", "-store", store, "-dir", filepath.Join(dir, "exports"), "-today", "2025-12-01"}, &out, &errb); c != 0 {
		t.Fatal(errb.String())
	}
	for _, name := range []string{"changed", "unchanged"} {
		f, _ := os.Create(filepath.Join(dir, name+".prof"))
		pprof.StartCPUProfile(f)
		c0 := cpuNow()
		out.Reset()
		if c := run(context.Background(), []string{"sync", "-store", store, "-dir", filepath.Join(dir, "exports-changed"), "-today", "2025-12-01"}, &out, &errb); c != 0 {
			t.Fatal(errb.String())
		}
		pprof.StopCPUProfile()
		f.Close()
		fmt.Println(name, cpuNow()-c0)
	}
	fi, _ := os.Stat(store)
	fmt.Println("store size", fi.Size())
}
