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
// whose content the reader does not keep (elements it skips, comments,
// options it leaves out): what it allocates stays far below the size of
// the file.
func TestMemoryDoesNotGrowWithTheFile(t *testing.T) {
	const head = `<?xml version="1.0" encoding="ISO-8859-15"?>` + "\n<BEE_ELEVES><PARAMETRES><UAJ>0750001A</UAJ></PARAMETRES><DONNEES>"
	for _, tc := range []struct {
		name             string
		open, body, tail string
	}{
		{"skipped elements", "<ADRESSES>\n",
			`<ADRESSE ADRESSE_ID="1"><LIGNE1_ADRESSE>12 rue de l&apos;` + "\xbc" + `uvre</LIGNE1_ADRESSE><CODE_POSTAL>75005</CODE_POSTAL>` +
				`<!-- ` + strings.Repeat("x", 200) + ` --></ADRESSE>` + "\n",
			"</ADRESSES>"},
		// One pupil's options of the modalité N, which LSU does not
		// accept: none is kept.
		{"options left out", `<OPTIONS><OPTION ELEVE_ID="1">` + "\n",
			`<OPTIONS_ELEVE><NUM_OPTION>1</NUM_OPTION><CODE_MODALITE_ELECT>N</CODE_MODALITE_ELECT>` +
				`<CODE_MATIERE>030602</CODE_MATIERE><!-- ` + strings.Repeat("x", 200) + ` --></OPTIONS_ELEVE>` + "\n",
			"</OPTION></OPTIONS>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 40 << 20 / len(tc.body)
			r := &repeatReader{parts: []string{head + tc.open, tc.body, tc.tail + "</DONNEES></BEE_ELEVES>\n"}, n: n}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			p, err := ReadEleves(context.Background(), r, "big.xml", Options{})
			require.NoError(t, err)
			runtime.ReadMemStats(&after)
			require.Empty(t, p.Enrolments)
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d MB streamed, %d KB allocated", n*len(tc.body)>>20, allocated>>10)
			if allocated > 1<<20 {
				t.Errorf("reading %d MB allocated %d bytes: memory grows with the file", n*len(tc.body)>>20, allocated)
			}
		})
	}
}
