//go:build !unix

package main

import "os"

// peakMemory returns 0: the peak memory of a process is not measured here.
func peakMemory(*os.ProcessState) int64 { return 0 }
