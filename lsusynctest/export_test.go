package lsusynctest

import "time"

// The tests of the suite run stores that make a write wait for a batch:
// the SyncKeepsConcurrentEdits checks need not wait long to tell.
func init() { editWait = 2 * time.Second }
