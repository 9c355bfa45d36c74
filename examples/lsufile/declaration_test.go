package lsufile

import (
	"strings"
	"testing"
)

// TestEveryDeclarationIsUsed checks that the writer and the reader use
// the declaration (lsusync.Fields) of every field of a bilan, and of
// every field of the other records that the file holds: a field added to
// the model, or given an element of the file, is not forgotten here.
func TestEveryDeclarationIsUsed(t *testing.T) {
	for path, sp := range specs {
		record := strings.HasPrefix(path, "Student.") || strings.HasPrefix(path, "Teacher.") || strings.HasPrefix(path, "Establishment.")
		if record && sp.name == "" {
			continue // a field the file does not hold (an INE, a NUMEN)
		}
		if !used[path] {
			t.Errorf("lsusync.Fields declares %s (%s), which lsufile does not use", path, sp.label)
		}
	}
}
