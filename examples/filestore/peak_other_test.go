//go:build !unix

package filestore

// selfPeak is not measured on this system.
func selfPeak() int64 { return 0 }
