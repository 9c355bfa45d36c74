package siecle

import (
	"context"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// repeatReader streams head, then body n times, then tail, without ever
// holding the document.
type repeatReader struct {
	parts []string
	n     int // repetitions of parts[1] left
	cur   string
	stage int
}

func (r *repeatReader) Read(b []byte) (int, error) {
	for r.cur == "" {
		switch {
		case r.stage == 0:
			r.cur, r.stage = r.parts[0], 1
		case r.stage == 1 && r.n > 0:
			r.cur = r.parts[1]
			r.n--
		case r.stage == 1:
			r.cur, r.stage = r.parts[2], 2
		default:
			return 0, io.EOF
		}
	}
	n := copy(b, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// TestMemoryDoesNotGrowWithTheFile streams 40 MB of a BEE_ELEVES file
// whose content is skipped (options, unknown elements, comments): what
// the reader allocates stays far below the size of the file.
func TestMemoryDoesNotGrowWithTheFile(t *testing.T) {
	body := `<OPTION ELEVE_ID="1"><OPTIONS_ELEVE><NUM_OPTION>1</NUM_OPTION><CODE_MODALITE_ELECT>O</CODE_MODALITE_ELECT>` +
		`<CODE_MATIERE>030602</CODE_MATIERE></OPTIONS_ELEVE><!-- ` + strings.Repeat("x", 200) + ` --></OPTION>` + "\n"
	n := 40 << 20 / len(body)
	r := &repeatReader{parts: []string{
		`<?xml version="1.0" encoding="ISO-8859-15"?>` + "\n<BEE_ELEVES><PARAMETRES><UAJ>0750001A</UAJ></PARAMETRES><DONNEES><OPTIONS>\n",
		body,
		"</OPTIONS></DONNEES></BEE_ELEVES>\n",
	}, n: n}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, err := ReadEleves(context.Background(), r, "big.xml", Options{})
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	require.Empty(t, p.Enrolments)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d MB streamed, %d KB allocated", n*len(body)>>20, allocated>>10)
	if allocated > 1<<20 {
		t.Errorf("reading %d MB allocated %d bytes: memory grows with the file", n*len(body)>>20, allocated)
	}
}
