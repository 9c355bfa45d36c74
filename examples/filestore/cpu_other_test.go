//go:build !unix

package filestore

import "time"

// cpuTime is not measured on this system.
func cpuTime() time.Duration { return -1 }

// selfPeak is not measured on this system.
func selfPeak() int64 { return 0 }
