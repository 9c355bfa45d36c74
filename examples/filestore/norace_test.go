//go:build !race

package filestore

// raceEnabled reports a test binary built with -race.
const raceEnabled = false
