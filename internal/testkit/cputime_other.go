//go:build !unix

package testkit

import "time"

// CPUTime returns false: the CPU time of the process is not known here.
func CPUTime() (time.Duration, bool) { return 0, false }
