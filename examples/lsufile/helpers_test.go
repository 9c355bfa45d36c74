package lsufile_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/lsufile"
	"github.com/lsusync/lsusync/examples/memory"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// unavailable skips the test, or fails it when the environment variable
// CI is set: in CI every tool and sample must be there.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format+" (CI is set: the test cannot be skipped)", args...)
	}
	t.Skipf(format, args...)
}

// samplesDir returns the folder of LSU's schemas and sample, read in
// place beside the repository (never copied into it): ../shared/samples/lsu
// from the repository's root.
func samplesDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "samples", "lsu")
	if _, err := os.Stat(filepath.Join(dir, "open-ent-ng-competences", "import-complet-strict.xsd")); err != nil {
		unavailable(t, "LSU's schemas are not there (%v)", err)
	}
	return dir
}

// The schemas the files are validated against.
const (
	xsd7    = "open-ent-ng-competences/import-complet-strict.xsd" // version 7.0
	xsd2020 = "gepi/import-bilan-complet.xsd"                     // versions 2.0 and 3.0, GEPI's of 2020
)

// xmllint validates files against the schema xsd (a path under the
// samples folder) with xmllint, and returns the message of each file that
// does not validate, by path.
func xmllint(t testing.TB, xsd string, files ...string) map[string]string {
	t.Helper()
	dir := samplesDir(t)
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		unavailable(t, "xmllint is not installed (Debian's libxml2-utils)")
	}
	failed := make(map[string]string)
	for len(files) > 0 {
		n := min(len(files), 200)
		var stderr bytes.Buffer
		cmd := exec.Command(bin, append([]string{"--noout", "--schema", filepath.Join(dir, xsd)}, files[:n]...)...)
		cmd.Stderr = &stderr
		_ = cmd.Run() // its status says whether some file failed, which stderr tells too
		lines := strings.Split(stderr.String(), "\n")
		valid := make(map[string]bool)
		for _, l := range lines {
			if f, ok := strings.CutSuffix(l, " validates"); ok {
				valid[f] = true
			}
		}
		for _, f := range files[:n] {
			if valid[f] {
				continue
			}
			var msg []string
			for _, l := range lines {
				if strings.HasPrefix(l, f+":") || strings.HasPrefix(l, f+" ") {
					msg = append(msg, l)
				}
			}
			if len(msg) == 0 {
				msg = lines
			}
			failed[f] = strings.Join(msg, "\n")
		}
		files = files[n:]
	}
	return failed
}

// validate checks with xmllint that the file at path is valid against
// the schemas of its version: 7.0, and for version 3.0 also GEPI's of
// 2020.
func validate(t testing.TB, path, version string) {
	t.Helper()
	xsds := []string{xsd7}
	if version == lsufile.Version3 {
		xsds = append(xsds, xsd2020)
	}
	for _, x := range xsds {
		if failed := xmllint(t, x, path); len(failed) > 0 {
			t.Fatalf("%s is not valid against %s:\n%s", path, x, failed[path])
		}
	}
}

// identity is the test writer's identity.
var identity = lsufile.Identity{Editor: "Éditeur de test", Application: "lsufile_test", Version: "1.0"}

// export exports st to a file in a temporary folder, and returns its path
// and the report.
func export(t testing.TB, st lsufile.StoreReader, opts lsufile.ExportOptions) (string, *lsufile.Report) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bilans.xml")
	rep, err := exportTo(t, st, path, opts)
	require.NoError(t, err, "Export")
	return path, rep
}

// exportTo exports st to the file path, with the test's identity unless
// opts has one.
func exportTo(t testing.TB, st lsufile.StoreReader, path string, opts lsufile.ExportOptions) (*lsufile.Report, error) {
	t.Helper()
	if opts.Identity == (lsufile.Identity{}) {
		opts.Identity = identity
	}
	f, err := os.Create(path)
	require.NoError(t, err)
	rep, err := lsufile.Export(context.Background(), st, f, opts)
	require.NoError(t, f.Close())
	return rep, err
}

// readAll reads the file at path, and returns its bilans.
func readAll(t testing.TB, path string) (*lsufile.File, []*lsufile.FileBilan) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var bs []*lsufile.FileBilan
	file, err := lsufile.Read(context.Background(), f, filepath.Base(path), lsufile.ReadOptions{}, func(b *lsufile.FileBilan) error {
		bs = append(bs, b)
		return nil
	})
	require.NoError(t, err, "Read of %s", path)
	return file, bs
}

// newStore returns a memory store holding snap.
func newStore(t testing.TB, snap lsusync.Snapshot) *memory.Store {
	t.Helper()
	st, err := memory.New(snap)
	require.NoError(t, err)
	return st
}
