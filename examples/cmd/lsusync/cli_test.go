package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
)

// TestHelp checks that every command's -h prints, on standard output and
// with status 0, a description, its flags, examples and the exit statuses.
func TestHelp(t *testing.T) {
	for _, cmd := range []string{"init", "sync", "classes", "add-class", "serve"} {
		t.Run(cmd, func(t *testing.T) {
			r := lsusyncCmd(t, cmd, "-h")
			r.require(t, 0)
			if r.stderr != "" {
				t.Errorf("stderr %q, want nothing", r.stderr)
			}
			for _, want := range []string{"lsusync " + cmd + ": ", "Usage:", "Examples:", "Flags:", "-store", "Exit status:", "130"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("lsusync %s -h does not say %q:\n%s", cmd, want, r.stdout)
				}
			}
		})
	}
	r := lsusyncCmd(t, "-h")
	r.require(t, 0)
	if !strings.Contains(r.stdout, "lsusync add-class") || r.stderr != "" {
		t.Errorf("lsusync -h: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	// A usage error says where the help is, on standard error.
	r = lsusyncCmd(t, "sync", "-dry-runn")
	r.require(t, 2)
	if r.stdout != "" || !strings.Contains(r.stderr, `Run "lsusync sync -h" for help.`) {
		t.Errorf("usage error: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	// The flag's error is said once, by the command.
	want := "lsusync sync: flag provided but not defined: -dry-runn\nRun \"lsusync sync -h\" for help.\n"
	if r.stderr != want {
		t.Errorf("usage error: stderr %q, want %q", r.stderr, want)
	}
	r = lsusyncRun(t, "init", "-periods", "x")
	r.require(t, 2)
	if n := strings.Count(r.stderr, "invalid value"); n != 1 {
		t.Errorf("a bad flag value is said %d times, want once:\n%s", n, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	r := lsusyncCmd(t, "-version")
	r.require(t, 0)
	if !regexp.MustCompile(`^lsusync \S+( [0-9a-f]{12})? go1\.\d+`).MatchString(r.stdout) {
		t.Errorf("lsusync -version = %q", r.stdout)
	}
	const rev = "ee723e93ba79f3c1d2a0b4e5f6a7b8c9d0e1f2a3"
	for _, tc := range []struct {
		version, revision, want string
	}{
		{"v0.1.0", "", "v0.1.0 go1.26.0"},
		{"v0.1.0", rev, "v0.1.0 ee723e93ba79 go1.26.0"},
		// A checkout build's pseudo-version holds the revision: once.
		{"v0.0.0-20261205101010-ee723e93ba79+dirty", rev, "v0.0.0-20261205101010-ee723e93ba79+dirty go1.26.0"},
		{"", rev, "(devel) ee723e93ba79 go1.26.0"},
		{"(devel)", "", "(devel) go1.26.0"},
	} {
		bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: tc.version}}
		if tc.revision != "" {
			bi.Settings = []debug.BuildSetting{{Key: "vcs.revision", Value: tc.revision}, {Key: "vcs.modified", Value: "true"}}
		}
		if got := versionOf(bi); got != tc.want {
			t.Errorf("versionOf(%q, %q) = %q, want %q", tc.version, tc.revision, got, tc.want)
		}
	}
}

// TestDryRunExitCode checks that a dry run tells by its exit status
// whether the synchronisation would change the store, as git diff
// --exit-code does, and writes nothing.
func TestDryRunExitCode(t *testing.T) {
	store := sampleCopy(t)
	before := readFile(t, store)
	lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code").require(t, 4)
	if !bytes.Equal(before, readFile(t, store)) {
		t.Error("a dry run changed the store")
	}
	lsusyncRun(t, "sync", "-store", store, "-dir", changedDir).require(t, 0)
	lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code").require(t, 0)
}

// TestInterrupted runs the command with a context that a signal
// cancelled: it says in French that the user interrupted it, writes
// nothing, and exits with the shell's status for the signal.
func TestInterrupted(t *testing.T) {
	for _, tc := range []struct {
		sig  os.Signal
		code int
	}{{os.Interrupt, 130}} {
		for _, args := range [][]string{
			{"sync", "-dir", changedDir},
			{"add-class", "-dir", changedDir, "-new"},
		} {
			t.Run(args[0], func(t *testing.T) {
				store := sampleCopy(t)
				before := readFile(t, store)
				ctx, cancel := context.WithCancelCause(context.Background())
				cancel(&interrupted{tc.sig})
				var stdout, stderr bytes.Buffer
				code := run(ctx, append(append(args[:1:1], "-store", store), args[1:]...), &stdout, &stderr)
				if code != tc.code {
					t.Errorf("exit status %d, want %d; stderr %q", code, tc.code, stderr.String())
				}
				if !strings.Contains(stderr.String(), "interrompue à votre demande") {
					t.Errorf("stderr %q does not say the user interrupted the command", stderr.String())
				}
				if !bytes.Equal(before, readFile(t, store)) {
					t.Error("an interrupted command changed the store")
				}
			})
		}
	}
}

// TestClassesAndAddClass follows a class that the exports have and the
// store lacks: listed as to set up, set up with add-class, filled by the
// next sync.
func TestClassesAndAddClass(t *testing.T) {
	var dropped string
	store := storeVariant(t, func(s *lsusync.Snapshot) {
		last := s.Classes[len(s.Classes)-1]
		dropped = last.Code
		s.Classes = s.Classes[:len(s.Classes)-1]
		var ids []string
		for _, p := range s.Students {
			if p.Class == dropped {
				ids = append(ids, p.ID)
			}
		}
		s.Students = slices.DeleteFunc(s.Students, func(p lsusync.Student) bool { return p.Class == dropped })
		s.Bilans = slices.DeleteFunc(s.Bilans, func(b lsusync.Bilan) bool { return slices.Contains(ids, b.Student) })
	})

	r := lsusyncRun(t, "classes", "-store", store, "-dir", changedDir)
	r.require(t, 0)
	if !regexp.MustCompile(`(?m)^` + dropped + ` +\S.* +à paramétrer +nouvelle$`).MatchString(r.stdout) {
		t.Errorf("classes does not list %s as to set up:\n%s", dropped, r.stdout)
	}
	if !strings.Contains(r.stdout, "1 classe de la base élèves à paramétrer") {
		t.Errorf("classes does not say what to do:\n%s", r.stdout)
	}

	// The sync says the class exists and must be set up; it blocks nothing.
	r = lsusyncRun(t, "sync", "-store", store, "-dir", changedDir)
	r.require(t, 0)
	if !strings.Contains(r.stdout, "La classe "+dropped+" existe dans la base élèves mais n'est pas paramétrée dans LSU") {
		t.Errorf("the report does not mention the class to set up:\n%s", r.stdout)
	}

	r = lsusyncCmd(t, "add-class", "-store", store, "-dir", changedDir, "-new", "-periods", "2")
	r.require(t, 0)
	if !strings.Contains(r.stdout, "La classe "+dropped+" (") || !strings.Contains(r.stdout, "S1 S2 (2025-2026)") {
		t.Errorf("add-class says:\n%s", r.stdout)
	}
	// Set up once: a second time is refused and changes nothing.
	before := readFile(t, store)
	r = lsusyncRun(t, "add-class", "-store", store, "-dir", changedDir, "-class", dropped)
	r.require(t, 3)
	if !strings.Contains(r.stderr, "la classe "+dropped+" est déjà paramétrée : ses périodes ne sont pas modifiées.") ||
		strings.Contains(r.stderr, "n'a pas été paramétrée") || strings.Count(r.stderr, "lsusync:") > 2 {
		t.Errorf("stderr %q", r.stderr)
	}
	if !bytes.Equal(before, readFile(t, store)) {
		t.Error("a refused add-class changed the store")
	}

	r = lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-classes", dropped)
	r.require(t, 0)
	st, err := filestore.Open(store, filestore.Options{ReadOnly: true})
	require.NoError(t, err)
	defer st.Close()
	pupils, err := st.Students(context.Background(), dropped)
	require.NoError(t, err)
	bilans, err := st.Bilans(context.Background(), dropped)
	require.NoError(t, err)
	if len(pupils) == 0 || len(bilans) != 2*len(pupils) {
		t.Errorf("after the sync, %s has %d pupils and %d bilans, want some pupils and 2 bilans each", dropped, len(pupils), len(bilans))
	}
	wantRow := "Élèves : " + plural(len(pupils), "mis à jour", "mis à jour")
	if !strings.Contains(r.stdout, "Élèves : 0 mis à jour, "+plural(len(pupils), "ajouté", "ajoutés")) {
		t.Errorf("the report does not count the pupils added (%s):\n%s", wantRow, r.stdout)
	}

	r = lsusyncRun(t, "classes", "-store", store)
	r.require(t, 0)
	if !regexp.MustCompile(`(?m)^` + dropped + ` +\S.* +S1 S2 \(2025-2026\)$`).MatchString(r.stdout) {
		t.Errorf("classes after add-class:\n%s", r.stdout)
	}
}

// TestInitMatchesTheGenerator checks that init, which sets the classes up
// and runs a first sync, makes the store that the generator's documented
// seeding makes from the same exports.
func TestInitMatchesTheGenerator(t *testing.T) {
	store := filepath.Join(t.TempDir(), "lsu.json")
	lsusyncRun(t, "init", "-store", store, "-dir", exportsDir, "-today", sampleToday).require(t, 0)
	st, err := filestore.Open(store, filestore.Options{ReadOnly: true})
	require.NoError(t, err)
	defer st.Close()
	want := sampleEstablishment(t).StoreSnapshot()
	if diff := cmp.Diff(want, st.Snapshot()); diff != "" {
		t.Errorf("init's store (-generator +init):\n%s", diff)
	}
}

// TestNUMENWithDir gives the NUMEN file with -numen next to a folder of
// exports: its NUMEN reach the store.
func TestNUMENWithDir(t *testing.T) {
	store := sampleCopy(t)
	teacher := sampleSnapshot(t).Teachers[0].Key
	numen := filepath.Join(t.TempDir(), "numen-2025.csv")
	require.NoError(t, os.WriteFile(numen, []byte("type;id;numen\n"+teacher.Type+";"+teacher.ID+";12E0123456ABC\n"), 0o600))
	r := lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-numen", numen, "-json")
	r.require(t, 0)
	var rep lsusync.Report
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	i := slices.IndexFunc(rep.Items, func(it lsusync.Item) bool { return it.Key == teacher.String() })
	if i < 0 || !slices.Contains(rep.Items[i].Changes, lsusync.Change{Field: "NUMEN", After: "12E0123456ABC"}) {
		t.Errorf("the NUMEN of -numen did not reach teacher %s: %+v", teacher, rep.Items[max(i, 0)])
	}
}
