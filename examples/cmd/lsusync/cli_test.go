package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/gen"
)

// TestHelp checks that every command's -h prints, on standard output and
// with status 0 and in French, a description, its flags, examples and the
// exit statuses it can return, those only.
func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		cmd   string
		exits []int
	}{
		{"init", []int{0, 1, 2, 3, 130}},
		{"sync", []int{0, 1, 2, 3, 4, 130}},
		{"classes", []int{0, 1, 2, 3, 130}},
		{"add-class", []int{0, 2, 3, 130}},
		{"serve", []int{0, 1, 2, 3, 130}},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			r := lsusyncCmd(t, tc.cmd, "-h")
			r.require(t, 0)
			if r.stderr != "" {
				t.Errorf("stderr %q, want nothing", r.stderr)
			}
			for _, want := range []string{"lsusync " + tc.cmd + " : ", "Utilisation :", "Exemples :", "Options :", "-store", "Statuts de sortie :"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("lsusync %s -h does not say %q:\n%s", tc.cmd, want, r.stdout)
				}
			}
			for _, english := range []string{"Usage:", "Flags:", "default", "required", "Exit status"} {
				if strings.Contains(r.stdout, english) {
					t.Errorf("lsusync %s -h says %q in English:\n%s", tc.cmd, english, r.stdout)
				}
			}
			_, statuses, _ := strings.Cut(r.stdout, "Statuts de sortie :\n")
			var got []int
			for line := range strings.Lines(statuses) {
				var code int
				if _, err := fmt.Sscanf(line, "%d", &code); err == nil {
					got = append(got, code)
				}
			}
			if diff := cmp.Diff(tc.exits, got); diff != "" {
				t.Errorf("lsusync %s -h: exit statuses (-want +got):\n%s", tc.cmd, diff)
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
	if r.stdout != "" || !strings.Contains(r.stderr, `« lsusync sync -h » décrit la commande.`) {
		t.Errorf("usage error: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	// The flag's error is said once, by the command.
	want := "lsusync sync : option inconnue : -dry-runn\n« lsusync sync -h » décrit la commande.\n"
	if r.stderr != want {
		t.Errorf("usage error: stderr %q, want %q", r.stderr, want)
	}
	r = lsusyncRun(t, "init", "-periods", "x")
	r.require(t, 2)
	if n := strings.Count(r.stderr, "valeur « x » invalide pour l'option -periods"); n != 1 {
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
// cancelled: it says in French that the user interrupted it, with the
// signal in the detail, prints no report, writes nothing, and exits with
// the shell's status for the signal. TestSignals sends real signals.
func TestInterrupted(t *testing.T) {
	for _, tc := range []struct {
		sig  os.Signal
		code int
	}{{os.Interrupt, 130}, {syscall.SIGTERM, 143}} {
		for _, args := range [][]string{
			{"sync", "-dir", changedDir},
			{"sync", "-dir", changedDir, "-json"},
			{"add-class", "-dir", changedDir, "-new"},
		} {
			t.Run(tc.sig.String()+"/"+strings.Join(args, " "), func(t *testing.T) {
				store := sampleCopy(t)
				before := readFile(t, store)
				ctx, cancel := context.WithCancelCause(context.Background())
				cancel(&interrupted{tc.sig})
				var stdout, stderr bytes.Buffer
				code := run(ctx, append(append(args[:1:1], "-store", store), args[1:]...), &stdout, &stderr)
				if code != tc.code {
					t.Errorf("exit status %d, want %d; stderr %q", code, tc.code, stderr.String())
				}
				want := "lsusync: " + lsusync.RefusalText(context.Canceled) + "\n"
				if args[0] == "add-class" {
					want = "lsusync: la commande a été interrompue à votre demande ; aucune modification n'a été enregistrée.\n"
				}
				if !strings.HasPrefix(stderr.String(), want) || !strings.Contains(stderr.String(), "  détail : ") ||
					!strings.HasSuffix(stderr.String(), "interrupted by "+tc.sig.String()+"\n") &&
						!strings.HasSuffix(stderr.String(), "(interrupted by "+tc.sig.String()+")\n") || strings.Count(stderr.String(), "\n") != 2 {
					t.Errorf("stderr %q, want %q then the detail, with the signal", stderr.String(), want)
				}
				if stdout.Len() != 0 {
					t.Errorf("an interrupted command printed %q", stdout.String())
				}
				if !bytes.Equal(before, readFile(t, store)) {
					t.Error("an interrupted command changed the store")
				}
			})
		}
	}
}

// TestSyncEnd gives the end of sync the reports of interrupted
// synchronisations. With nothing written (a store that writes at once, as
// the command's do, or a dry run), no report: only the interruption,
// in French, as LSU says it. With the classes done before the signal
// written (a store that writes class by class), the report, which is
// true, then the interruption. A sync that ended before the signal ends
// as any other.
func TestSyncEnd(t *testing.T) {
	canceled := fmt.Errorf("%w: %w", context.Canceled, &interrupted{os.Interrupt})
	done := lsusync.Item{Kind: lsusync.KindClass, Action: lsusync.ActionUnchanged, Class: "3EME1", Key: "3EME1"}
	notDone := lsusync.Item{Kind: lsusync.KindClass, Action: lsusync.ActionFailed, Class: "4e 1", Key: "4e 1", Err: canceled, Status: lsusync.StatusError}
	updated := lsusync.Item{Kind: lsusync.KindStudent, Action: lsusync.ActionUpdated, Class: "3EME1", Key: "1001",
		Changes: []lsusync.Change{{Field: "Nom", Before: "A", After: "B"}}}
	discarded := updated
	discarded.Action, discarded.Err, discarded.Status = lsusync.ActionFailed, canceled, lsusync.StatusError
	report := func(items ...lsusync.Item) *lsusync.Report {
		return &lsusync.Report{Status: lsusync.StatusError, Classes: []string{"3EME1", "4e 1"}, Items: items}
	}
	for _, tc := range []struct {
		name       string
		rep        *lsusync.Report
		err        error
		form       reportForm
		signal     bool
		code       int
		report     bool   // stdout holds the report
		stderrWant string // stderr's first line
	}{
		{"batch discarded", report(done, discarded, notDone), canceled, reportForm{}, true, 130, false,
			"lsusync: " + lsusync.RefusalText(canceled)},
		{"batch discarded, json", report(done, discarded, notDone), canceled, reportForm{asJSON: true}, true, 130, false,
			"lsusync: " + lsusync.RefusalText(canceled)},
		{"dry run", report(done, updated, notDone), canceled, reportForm{dryRun: true}, true, 130, false,
			"lsusync: " + lsusync.RefusalText(canceled)},
		{"classes written", report(done, updated, notDone), canceled, reportForm{}, true, 130, true,
			"lsusync: la synchronisation a été interrompue à votre demande ; les modifications des classes synchronisées avant l'interruption ont été enregistrées"},
		{"ended before the signal", &lsusync.Report{Classes: []string{"3EME1"}, Items: []lsusync.Item{done, updated}}, nil, reportForm{}, true, 0, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			if tc.signal {
				cancel(&interrupted{os.Interrupt})
			}
			var stdout, stderr bytes.Buffer
			c := &cli{ctx: ctx, stdout: &stdout, stderr: &stderr, cmd: "sync"}
			if code := c.syncEnd(tc.rep, tc.err, tc.form); code != tc.code {
				t.Errorf("exit status %d, want %d", code, tc.code)
			}
			if got := stdout.Len() > 0; got != tc.report {
				t.Errorf("report printed: %v, want %v:\n%s", got, tc.report, stdout.String())
			}
			if first, _, _ := strings.Cut(stderr.String(), "\n"); !strings.HasPrefix(first, tc.stderrWant) {
				t.Errorf("stderr %q, want it to begin with %q", stderr.String(), tc.stderrWant)
			}
			if tc.stderrWant != "" && !strings.Contains(stderr.String(), "  détail : context canceled: interrupted by interrupt\n") {
				t.Errorf("stderr %q does not give the detail", stderr.String())
			}
		})
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
	st, err := filestore.Open(context.Background(), store, filestore.Options{ReadOnly: true})
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
	st, err := filestore.Open(context.Background(), store, filestore.Options{ReadOnly: true})
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

// TestProgressLines runs a sync with -progress and standard error not a
// terminal: the steps in lines of their own, without a terminal's
// control characters, the classes at each tenth at most.
func TestProgressLines(t *testing.T) {
	for _, cmd := range [][]string{
		{"sync", "-store", sampleCopy(t), "-dir", changedDir, "-progress"},
		{"init", "-store", filepath.Join(t.TempDir(), "lsu.json"), "-dir", exportsDir, "-progress"},
	} {
		t.Run(cmd[0], func(t *testing.T) {
			r := lsusyncRun(t, cmd...)
			r.require(t, 0)
			if strings.ContainsAny(r.stderr, "\r\x1b") || !strings.HasSuffix(r.stderr, "\n") {
				t.Errorf("progress lines with a terminal's control characters: %q", r.stderr)
			}
			want := []string{"Lecture des exports…", "Synchronisation…", "Synchronisation des classes : 6/6", "Enregistrement des modifications…"}
			if cmd[0] == "sync" {
				want = append(want, "Rédaction du rapport…")
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			i := 0
			for _, line := range lines {
				if i < len(want) && line == want[i] {
					i++
				}
			}
			if i < len(want) {
				t.Errorf("stderr does not say %q (in this order):\n%s", want[i:], r.stderr)
			}
			n := 0
			for _, line := range lines {
				if strings.HasPrefix(line, "Synchronisation des classes : ") {
					n++
				}
			}
			if n == 0 || n > 11 {
				t.Errorf("%d lines of classes, want 1 to 11:\n%s", n, r.stderr)
			}
		})
	}
	// Without -progress and without a terminal, nothing.
	r := lsusyncRun(t, "sync", "-store", sampleCopy(t), "-dir", changedDir)
	r.require(t, 0)
	if r.stderr != "" {
		t.Errorf("stderr %q without -progress", r.stderr)
	}
}

// TestInitStoreFolder gives init a store in a folder that does not exist:
// refused at once, naming the folder, before the exports are read (here
// they do not exist either).
func TestInitStoreFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	for _, dir := range []string{filepath.Join(t.TempDir(), "missing"), file} {
		r := lsusyncRun(t, "init", "-store", filepath.Join(dir, "lsu.json"), "-dir", filepath.Join(t.TempDir(), "no-exports"))
		r.require(t, 3)
		want := "lsusync: le dossier de LSU (" + dir + ") n'existe pas : vérifiez le chemin donné à -store. Aucune modification n'a été enregistrée.\n  détail : "
		if !strings.HasPrefix(r.stderr, want) || strings.Contains(r.stderr, "exports") {
			t.Errorf("stderr %q, want it to begin with %q and not speak of the exports", r.stderr, want)
		}
	}
}

// TestReadOnlyFolder keeps the store in a folder that cannot be written
// (its permissions removed, or a read-only file system when the tests run
// as the superuser): classes and sync -dry-run read it; sync and init
// are refused, naming the folder, not the lock file; the folder is left
// as it was.
func TestReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "lsu.json")
	copyFile(t, sampleStore, store)
	readOnlyFolder(t, dir)
	before, _ := os.ReadDir(dir)

	r := lsusyncRun(t, "classes", "-store", store)
	r.require(t, 0)
	if !strings.Contains(r.stdout, "3EME1") {
		t.Errorf("classes lists:\n%s", r.stdout)
	}
	r = lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-dry-run")
	r.require(t, 0)
	if !strings.HasPrefix(r.stdout, "Simulation de la synchronisation") {
		t.Errorf("the dry run printed:\n%s", r.stdout)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sync", "-store", store, "-dir", changedDir},
			"lsusync: le dossier de LSU (" + dir + ") est en lecture seule : la synchronisation ne peut pas y enregistrer LSU. Rendez-le modifiable pour synchroniser, ou simulez avec -dry-run. Aucune modification n'a été enregistrée.\n"},
		{[]string{"init", "-store", filepath.Join(dir, "new.json"), "-dir", exportsDir},
			"lsusync: le dossier de LSU (" + dir + ") est en lecture seule : LSU ne peut pas y être créé. Choisissez un dossier modifiable. Aucune modification n'a été enregistrée.\n"},
	} {
		r := lsusyncRun(t, tc.args...)
		r.require(t, 3)
		if !strings.HasPrefix(r.stderr, tc.want) || strings.Contains(r.stderr, ".lock") || !strings.Contains(r.stderr, "the folder "+dir+" is read-only") {
			t.Errorf("lsusync %s: stderr %q, want it to begin with %q, and no lock file", tc.args[0], r.stderr, tc.want)
		}
	}
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) || len(after) != 1 {
		t.Errorf("the folder held %v, then %v", before, after)
	}
	if !bytes.Equal(readFile(t, sampleStore), readFile(t, store)) {
		t.Error("the store changed")
	}
}

// TestInitSaysItsWarnings runs init on exports with a pupil in no
// division, then on exports of one class, one pupil and one teacher: it
// prints the warnings of its first synchronisation, and its counts agree
// in number.
func TestInitSaysItsWarnings(t *testing.T) {
	r := lsusyncRun(t, "init", "-store", filepath.Join(t.TempDir(), "lsu.json"), "-dir", exportsDir, "-today", sampleToday)
	r.require(t, exitOK)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	want := []string{
		"",
		"La première synchronisation signale 1 avertissement :",
		"⚠ 1 élève de SIECLE n'a pas de division (pas de STRUCTURE de type D) : il n'est dans aucune classe et n'est pas synchronisé.",
		"« lsusync sync » le signale de nouveau tant qu'il n'est pas corrigé dans la base élèves ou STS-Web.",
	}
	require.Greater(t, len(lines), len(want), r.stdout)
	if diff := cmp.Diff(want, lines[1:]); diff != "" {
		t.Errorf("init's warnings (-want +got):\n%s", diff)
	}

	dir := filepath.Join(t.TempDir(), "exports")
	e := gen.New(gen.Config{Seed: 3, Pupils: 1, Classes: 1, Year: 2025})
	_, err := e.WriteExports(dir, gen.ExportOptions{})
	require.NoError(t, err)
	store := filepath.Join(t.TempDir(), "lsu.json")
	r = lsusyncRun(t, "init", "-store", store, "-dir", dir, "-today", sampleToday)
	r.require(t, exitOK)
	first, _, _ := strings.Cut(r.stdout, "\n")
	if want := regexp.MustCompile(`^` + regexp.QuoteMeta(store) + ` créé : établissement 0750001A, 1 classe \(3 trimestres de 2025-2026\), 1 élève, (?:1 enseignant|(?:[2-9]|[1-9][0-9]+) enseignants), 3 bilans\.$`); !want.MatchString(first) {
		t.Errorf("init's first line %q does not agree in number", first)
	}
}
