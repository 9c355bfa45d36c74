//go:build !race

package sqlstore

// raceEnabled reports a test binary built with -race.
const raceEnabled = false
