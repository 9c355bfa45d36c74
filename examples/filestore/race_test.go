//go:build race

package filestore

// raceEnabled reports a test binary built with -race, which runs the
// crash test on smaller files to keep its kill count up.
const raceEnabled = true
