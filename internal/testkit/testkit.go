// Package testkit holds the helpers that the module's tests share, so that
// each is written once: the CPU time of the process, for the benchmarks;
// the content of a store, and a source changed in every field, for the
// stores' tests. Only tests import it.
package testkit
