//go:build race && unix

package sqlstore

// raceEnabled reports a test binary built with -race, which runs the
// process tests on smaller establishments.
const raceEnabled = true
