//go:build !race && unix

package sqlstore

// raceEnabled reports a test binary built with -race.
const raceEnabled = false
