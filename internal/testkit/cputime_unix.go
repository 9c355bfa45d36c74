//go:build unix

package testkit

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time that the process has used, user and
// system, all threads included, and true; false where it is unknown. The
// benchmarks report it beside the elapsed time, which other processes on
// a busy machine inflate.
func CPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
