package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/siecle"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// envRunMain makes the test binary run the command's main, so that the
// tests run the command as a user does: a process with arguments, output
// streams and an exit status.
const envRunMain = "LSUSYNC_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		code := mainStatus()
		writePeak()
		os.Exit(code)
	}
	if os.Getenv(envFloor) == "1" {
		if err := floor(os.Args[1], os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(1)
		}
		writePeak()
		os.Exit(0)
	}
	code := m.Run()
	// The tests read the sample data in place and must leave the source
	// tree as it is: a store opened in place would leave its lock file.
	if _, err := os.Stat(sampleStore + ".lock"); err == nil {
		fmt.Fprintln(os.Stderr, "FAIL: a test opened the sample store in place: "+sampleStore+".lock exists")
		code = 1
	}
	os.Exit(code)
}

// result is the outcome of one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// lsusyncCmd runs the command in a child process.
func lsusyncCmd(t *testing.T, args ...string) result {
	t.Helper()
	return runCmd(t, exec.Command(os.Args[0], args...))
}

// lsusyncRun runs the command in this process, through run: for the
// cases where a process adds nothing but time.
func lsusyncRun(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// runCmd runs cmd, the test binary running main, and returns its outcome.
func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %q: %v", cmd.Args, err)
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
}

func (r result) require(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

// sampleCopy copies the sample store into a temporary folder.
func sampleCopy(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lsu.json")
	copyFile(t, sampleStore, path)
	return path
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// closingRow returns the last row of the report's table: how the
// synchronisation ended.
func closingRow(report string) string {
	row := ""
	for _, line := range strings.Split(report, "\n") {
		if len(line) > 9 && strings.HasPrefix(line[len(string([]rune(line)[0])):], "      | ") {
			row = line
		}
	}
	return row
}

func TestInitThenSync(t *testing.T) {
	store := filepath.Join(t.TempDir(), "lsu.json")
	r := lsusyncCmd(t, "init", "-store", store, "-dir", exportsDir)
	r.require(t, 0)
	want := store + " créé : établissement 0750001A, 6 classes (3 trimestres de 2025-2026), "
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("init says %q, want it to begin with %q", r.stdout, want)
	}
	fi, err := os.Stat(store)
	require.NoError(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the store file has mode %v, want 0600", fi.Mode().Perm())
	}

	// A sync from the same exports changes nothing and writes nothing.
	before := readFile(t, store)
	r = lsusyncCmd(t, "sync", "-store", store, "-dir", exportsDir)
	r.require(t, 0)
	if !strings.HasPrefix(r.stdout, "Synchronisation base élèves\n\nSynchronisation lancée pour : ") {
		t.Errorf("the report begins with %q", strings.SplitN(r.stdout, "\n", 2)[0])
	}
	// Nothing changed; the only warning is the reader's notice of a
	// pupil of SIECLE in no division, said at every run until SIECLE is
	// corrected.
	if row := closingRow(r.stdout); row != "⚠      | La synchronisation s'est déroulée avec succès, avec 1 avertissement." {
		t.Errorf("a sync right after init: closing row %q", row)
	}
	if want := "Élèves : 0 mis à jour, 0 ajouté, 0 déplacé · Enseignants : 0 mis à jour, 0 ajouté · Bilans : 0 mis à jour, 0 créé · Avertissements : 1 · Erreurs : 0"; lastLine(r.stdout) != want {
		t.Errorf("a sync right after init changed something: %q", lastLine(r.stdout))
	}
	if !strings.Contains(r.stdout, "⚠      | 1 élève de SIECLE n'a pas de division") {
		t.Errorf("the warning is not the reader's notice:\n%s", r.stdout)
	}
	if !bytes.Equal(before, readFile(t, store)) {
		t.Error("a sync with nothing to change rewrote the store file")
	}

	// init never replaces a store.
	r = lsusyncCmd(t, "init", "-store", store, "-dir", exportsDir)
	r.require(t, 3)
	if !strings.Contains(r.stderr, "existe déjà") || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("init over a store: stderr %q", r.stderr)
	}
	if !bytes.Equal(before, readFile(t, store)) {
		t.Error("init over an existing store changed it")
	}
}

func TestInitSemesters(t *testing.T) {
	store := filepath.Join(t.TempDir(), "lsu.json")
	lsusyncCmd(t, "init", "-store", store, "-dir", exportsDir, "-periods", "2").require(t, 0)
	st, err := filestore.Open(context.Background(), store, filestore.Options{ReadOnly: true})
	require.NoError(t, err)
	defer st.Close()
	want := []lsusync.Period{{Year: 2025, Index: 1, Count: 2}, {Year: 2025, Index: 2, Count: 2}}
	for _, c := range st.Snapshot().Classes {
		if diff := cmp.Diff(want, c.Periods); diff != "" {
			t.Errorf("class %s periods (-want +got):\n%s", c.Code, diff)
		}
	}
}

// TestReadmeCommand runs the README's first command: a sync of a copy of
// the sample store from the changed exports. Its report is golden.
func TestReadmeCommand(t *testing.T) {
	store := sampleCopy(t)
	r := lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir)
	r.require(t, 0)
	golden(t, "readme-sync.golden", r.stdout)
	if readme := string(readFile(t, "../../../README.md")); !strings.Contains(readme, "```\n"+r.stdout+"```\n") {
		t.Error("README.md does not show the report its first command prints")
	}
	for _, want := range []string{
		"Synchronisation lancée pour : ",
		"a été ajouté",                             // the new teacher
		"a quitté l'établissement",                 // the pupil who left
		"a été mise à jour",                        // the class renamed
		"conservée pour son contenu",               // the subject that left, kept where it has content
		"Avertissements : 4 · Erreurs : 0",         // the counts (and the reader's notices)
		"s'est déroulée avec succès, avec 4 avert", // the closing row
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the report has no line with %q", want)
		}
	}
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
	// The second run finds everything up to date and writes nothing.
	after := readFile(t, store)
	r = lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir)
	r.require(t, 0)
	if !bytes.Equal(after, readFile(t, store)) {
		t.Error("a second sync rewrote the store")
	}
}

func TestDryRunLeavesFile(t *testing.T) {
	store := sampleCopy(t)
	before := readFile(t, store)
	r := lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-details")
	r.require(t, 0)
	if !strings.HasPrefix(r.stdout, "Simulation de la synchronisation base élèves") {
		t.Errorf("a dry run's report begins with %q", strings.SplitN(r.stdout, "\n", 2)[0])
	}
	if !strings.Contains(r.stdout, " → ") {
		t.Error("-details shows no field-level change")
	}
	if !bytes.Equal(before, readFile(t, store)) {
		t.Error("a dry run changed the store file")
	}
	// The dry run's report is the real one's, in the conditional.
	real := lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-json")
	dry := lsusyncRun(t, "sync", "-store", sampleCopy(t), "-dir", changedDir, "-json", "-dry-run")
	var rr, dr lsusync.Report
	require.NoError(t, json.Unmarshal([]byte(real.stdout), &rr))
	require.NoError(t, json.Unmarshal([]byte(dry.stdout), &dr))
	dr.DryRun = false
	if diff := cmp.Diff(rr, dr); diff != "" {
		t.Errorf("dry run and real run differ (-real +dry):\n%s", diff)
	}
}

func TestJSONOutput(t *testing.T) {
	r := lsusyncCmd(t, "sync", "-store", sampleCopy(t), "-dir", changedDir, "-json")
	r.require(t, 0)
	var rep lsusync.Report
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	if len(rep.Classes) != 6 || len(rep.Items) == 0 || rep.Status != lsusync.StatusWarning {
		t.Errorf("JSON report: %d classes, %d items, status %v", len(rep.Classes), len(rep.Items), rep.Status)
	}
	c := rep.Counts()
	if c.Added != 1 || c.Locked != 1 || c.Updated == 0 {
		t.Errorf("counts %+v: want 1 teacher added, 1 locked bilan, some updates", c)
	}

	// The JSON carries its format and the counts.
	var head struct {
		Format  int             `json:"format"`
		Skipped []string        `json:"skipped"`
		Counts  *lsusync.Counts `json:"counts"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &head))
	if head.Format != lsusync.ReportFormat || head.Counts == nil || *head.Counts != c || head.Skipped != nil {
		t.Errorf("JSON report: format %d, counts %+v, skipped %q; want format %d, the counts %+v, none skipped", head.Format, head.Counts, head.Skipped, lsusync.ReportFormat, c)
	}

	// After a sync, the classes are unchanged since it: the JSON names
	// those it passed over, with -all it holds every record.
	store := sampleCopy(t)
	lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir).require(t, 0)
	r = lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-json")
	r.require(t, 0)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &head))
	var again lsusync.Report
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &again))
	if diff := cmp.Diff(again.Skipped(), head.Skipped); diff != "" || len(head.Skipped) == 0 {
		t.Errorf("JSON of a sync with nothing to change: skipped %q, want the classes skipped (-items +skipped):\n%s", head.Skipped, diff)
	}
	r = lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-json", "-all")
	r.require(t, 0)
	var all lsusync.Report
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &all))
	kinds := map[lsusync.Action]int{}
	for _, it := range all.Items {
		kinds[it.Action]++
	}
	if kinds[lsusync.ActionSkipped] != 0 || kinds[lsusync.ActionUnchanged] < len(rep.Items)/2 {
		t.Errorf("JSON of sync -all with nothing to change: actions %v, want every record unchanged and none skipped", kinds)
	}
}

// storeVariant writes a copy of the sample store changed by edit.
func storeVariant(t *testing.T, edit func(*lsusync.Snapshot)) string {
	t.Helper()
	snap := sampleSnapshot(t)
	edit(&snap)
	path := filepath.Join(t.TempDir(), "lsu.json")
	st, err := filestore.Create(context.Background(), path, snap)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	return path
}

// checkRefusalOutput reports each personal value that a refused sync's
// output shows, as a word: the tests' temporary folders, which name the
// store and the exports, are not searched, for their random digits may
// hold a value.
func checkRefusalOutput(t personaldata.TB, r result, personal, tempDirs []string) {
	t.Helper()
	opts := personaldata.Options{Random: tempDirs}
	personaldata.Check(t, "stdout", r.stdout, personal, opts)
	personaldata.Check(t, "stderr", r.stderr, personal, opts)
}

// refusalFolder is the name of a folder that holds the temporary folders
// of TestRefusals: the paths of its output hold the years and the date
// that its cases must not show.
const refusalFolder = "2012_2014-07-10"

// TestRefusals runs one refused sync per refusal: the command exits 3,
// prints no report, says why on stderr, shows none of the personal values
// of the sample exports nor those a case puts in them, and leaves the
// store file as it was, byte for byte.
func TestRefusals(t *testing.T) {
	personaldata.TempDirsIn(t, refusalFolder)
	personal := samplePersonalValues(t)
	tempDirs := personaldata.TempDirs(t) // of the exports the cases edit
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) string
		args  []string
		first bool     // select the sample's first class
		exec  bool     // run a process, as a user does (else run in this process)
		want  []string // in stderr
		line  []string // in stderr's first line, the French one
		not   []string // in neither stdout nor stderr, as words: the personal values the case puts in the exports
	}{
		{
			name: "periods missing",
			store: func(t *testing.T) string {
				return storeVariant(t, func(s *lsusync.Snapshot) { s.Classes[1].Periods, s.Classes[4].Periods = nil, nil })
			},
			exec: true,
			want: []string{"doivent avoir été préalablement paramétrées", "Classes dont les périodes ne sont pas paramétrées : 4e 1, 6A.",
				"détail : lsusync: periods not configured: 4e 1, 6A"},
		},
		{
			name: "periods missing in the selected class",
			store: func(t *testing.T) string {
				return storeVariant(t, func(s *lsusync.Snapshot) { s.Classes[0].Periods = nil })
			},
			first: true,
			want:  []string{"Classe dont les périodes ne sont pas paramétrées : 3EME1."},
		},
		{
			name: "periods missing in a class that is not selected",
			store: func(t *testing.T) string {
				return storeVariant(t, func(s *lsusync.Snapshot) { s.Classes[5].Periods = nil })
			},
			first: true,
			want:  []string{"Classe dont les périodes ne sont pas paramétrées : 6B."},
		},
		{
			name: "wrong UAI",
			store: func(t *testing.T) string {
				return storeVariant(t, func(s *lsusync.Snapshot) { s.Establishment.UAI = "0690001B" })
			},
			exec: true,
			want: []string{"Les exports sont ceux de l'établissement 0750001A et LSU celui de l'établissement 0690001B"},
		},
		{
			name:  "unknown class",
			store: sampleCopy,
			args:  []string{"-classes", "3EME9"},
			want:  []string{"La classe 3EME9 n'existe pas dans la base élèves.", "Classes de la base élèves : 3EME1, 4e 1, 5 A, 5 B, 6A, 6B."},
		},
		{
			name:  "mistyped class",
			store: sampleCopy,
			args:  []string{"-classes", "3EME1,4e1"},
			want:  []string{"Vouliez-vous dire « 4e 1 » au lieu de « 4e1 » ?"},
		},
		{
			name: "corrupt store",
			store: func(t *testing.T) string {
				path := sampleCopy(t)
				data := readFile(t, path)
				require.NoError(t, os.WriteFile(path, data[:len(data)/2], 0o600))
				return path
			},
			exec: true,
			want: []string{"est endommagé", "lsu.json: line ", "truncated file"},
		},
		{
			name: "future version",
			store: func(t *testing.T) string {
				path := sampleCopy(t)
				data := bytes.Replace(readFile(t, path), fmt.Appendf(nil, `"version": %d`, filestore.Version), []byte(`"version": 7`), 1)
				require.NoError(t, os.WriteFile(path, data, 0o600))
				return path
			},
			want: []string{"version plus récente", "version 7"},
		},
		{
			name:  "no store",
			store: func(t *testing.T) string { return filepath.Join(t.TempDir(), "none.json") },
			want:  []string{"n'existe pas encore", "none.json", "lsusync init"},
		},
		{
			name:  "bad exports folder",
			store: sampleCopy,
			args:  []string{"-dir", testdataDir},
			line:  []string{"Le dossier ../../testdata ne contient pas l'export des élèves", "ElevesSansAdresses.xml"},
			want:  []string{"détail : "},
		},
		{
			name:  "damaged export in the folder",
			store: sampleCopy,
			args:  []string{"-dir", "../../siecle/testdata/damaged"},
			line:  []string{"Communs.xml n'est pas un export que la synchronisation lit", "BEE_COMMUNX"},
			want:  []string{"Communs.xml:2: <BEE_COMMUNX>: unknown root element", "BEE_COMMUN, BEE_STRUCTURES"},
		},
		{
			name:  "damaged Structures.xml in the folder",
			store: sampleCopy,
			args:  []string{"-dir", editedExports(t, "Structures.zip", "BEE_STRUCTURES", "BEE_STRUCTURESX")},
			line:  []string{"Structures.zip:Structures.xml n'est pas un export que la synchronisation lit"},
			want:  []string{"Structures.zip:Structures.xml:2: <BEE_STRUCTURESX>: unknown root element", "re-download it"},
		},
		{
			name:  "damaged Nomenclature.xml in the folder",
			store: sampleCopy,
			args:  []string{"-dir", editedExports(t, "Nomenclature.zip", "BEE_NOMENCLATURES", "BEE_NOMENCLATURESX")},
			line:  []string{"Nomenclature.zip:Nomenclature.xml n'est pas un export que la synchronisation lit"},
			want:  []string{"Nomenclature.zip:Nomenclature.xml:2: <BEE_NOMENCLATURESX>: unknown root element", "re-download it"},
		},
		{
			name:  "STS-Web file missing",
			store: sampleCopy,
			args: []string{"-dir", exportsWith(t, func(dir string) {
				require.NoError(t, os.Remove(filepath.Join(dir, "sts_emp_0750001A_2025.xml")))
			})},
			exec: true,
			line: []string{"ne contient pas l'export de STS-Web", "sts_emp_UAI_ANNÉE.xml"},
			want: []string{"no STS_EDT file in the folder"},
		},
		{
			name:  "two copies of one export",
			store: sampleCopy,
			args: []string{"-dir", exportsWith(t, func(dir string) {
				copyFile(t, filepath.Join(dir, elevesZip), filepath.Join(dir, "ExportXML_ElevesSansAdresses (1).zip"))
			})},
			line: []string{"contient deux fois l'export des élèves", "ExportXML_ElevesSansAdresses (1).zip", "second téléchargement", "Gardez-en un seul"},
			want: []string{"two BEE_ELEVES files in the folder"},
		},
		{
			name:  "export re-saved in another encoding",
			store: sampleCopy,
			args: []string{"-dir", exportsWith(t, func(dir string) {
				zipPath := filepath.Join(dir, "Structures.zip")
				latin, err := charmap.ISO8859_15.NewDecoder().Bytes(unzipped(t, zipPath))
				require.NoError(t, err)
				require.NoError(t, os.Remove(zipPath))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "Structures.xml"), latin, 0o644))
			})},
			line: []string{"Structures.xml n'est pas dans le codage de caractères des exports", "ré-enregistré"},
			want: []string{"declares ISO-8859-15 but its content is UTF-8"},
		},
		{
			name:  "exports of two establishments",
			store: sampleCopy,
			args:  []string{"-dir", editedExports(t, "Structures.zip", "<UAJ>0750001A</UAJ>", "<UAJ>0690001B</UAJ>")},
			line:  []string{"Structures.zip:Structures.xml", "sont de deux établissements", "0690001B"},
			want:  []string{"files of two establishments"},
		},
		{
			name:  "exports of two school years",
			store: sampleCopy,
			args:  []string{"-dir", editedExports(t, "Structures.zip", "<ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>", "<ANNEE_SCOLAIRE>2024</ANNEE_SCOLAIRE>")},
			line:  []string{"Structures.zip:Structures.xml", "sont de deux années scolaires", "2024"},
			want:  []string{"files of two school years"},
		},
		{
			name:  "truncated export",
			store: sampleCopy,
			args: []string{"-dir", exportsWith(t, func(dir string) {
				rewriteZip(t, filepath.Join(dir, "Nomenclature.zip"), func(b []byte) []byte { return b[:len(b)/2] })
			})},
			line: []string{"Nomenclature.zip:Nomenclature.xml est incomplet", "tronqué", "Téléchargez-le de nouveau"},
			want: []string{"the file is truncated"},
		},
		{
			name:  "damaged zip",
			store: sampleCopy,
			args: []string{"-dir", exportsWith(t, func(dir string) {
				path := filepath.Join(dir, "Nomenclature.zip")
				require.NoError(t, os.WriteFile(path, readFile(t, path)[:1000], 0o644))
			})},
			line: []string{"L'archive", "Nomenclature.zip est endommagée", "téléchargez-la de nouveau"},
			want: []string{"not a readable zip archive"},
		},
		{
			name:  "export of the wrong direction",
			store: sampleCopy,
			args: []string{"-dir", exportsWith(t, func(dir string) {
				path := filepath.Join(dir, "sts_emp_0750001A_2025.xml")
				b := bytes.ReplaceAll(readFile(t, path), []byte("STS_EDT>"), []byte("EDT_STS>"))
				require.NoError(t, os.WriteFile(path, b, 0o644))
			})},
			line: []string{"sts_emp_0750001A_2025.xml est celui qu'un logiciel d'emploi du temps envoie à STS-Web, pas l'export de STS-Web"},
			want: []string{"the import direction"},
		},
		{
			name:  "birth date written YYYY-MM-DD",
			store: sampleCopy,
			args:  []string{"-dir", editedExports(t, elevesZip, "<DATE_NAISS>02/01/2014<", "<DATE_NAISS>2014-07-10<")},
			exec:  true,
			line:  []string{elevesZip + ":ElevesSansAdresses.xml contient une donnée incorrecte (ligne 19, élément DATE_NAISS)"},
			want: []string{elevesZip + ":ElevesSansAdresses.xml:19: <DATE_NAISS> (ELEVE_ID=\"148799\")",
				"written YYYY-MM-DD (the STS-Web form) instead of DD/MM/YYYY"},
			not: []string{"2014-07-10", "10/07/2014", "2014"},
		},
		{
			name:  "impossible birth date",
			store: sampleCopy,
			args:  []string{"-dir", editedExports(t, elevesZip, "<DATE_NAISS>05/03/2012<", "<DATE_NAISS>31/02/2012<")},
			want: []string{elevesZip + ":ElevesSansAdresses.xml:57: <DATE_NAISS> (ELEVE_ID=\"148803\")",
				"not a date DD/MM/YYYY: day 31 does not exist in February"},
			not: []string{"31/02/2012", "2012"},
		},
		{
			name:  "mangled tag around a pupil's name",
			store: sampleCopy,
			args:  []string{"-dir", editedExports(t, elevesZip, "<NOM_DE_FAMILLE>NGUYEN</NOM_DE_FAMILLE>", "<NOM_DE_FAMILLE NGUYEN</NOM_DE_FAMILLE>")},
			exec:  true,
			want: []string{elevesZip + ":ElevesSansAdresses.xml:33: <NOM_DE_FAMILLE>",
				"an unexpected attribute (a name of 6 letters) without ="},
		},
		{
			name:  "pupil's name as an end tag",
			store: sampleCopy,
			args:  []string{"-dir", editedExports(t, elevesZip, "<NOM_DE_FAMILLE>MOREL</NOM_DE_FAMILLE>", "<NOM_DE_FAMILLE>MOREL</MOREL>")},
			want: []string{elevesZip + ":ElevesSansAdresses.xml:52: <NOM_DE_FAMILLE>",
				"element <NOM_DE_FAMILLE> closed by an unexpected end tag (a name of 5 letters)"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := tc.store(t)
			before := storeState(t, store)
			args := []string{"sync", "-store", store}
			if !slices.Contains(tc.args, "-dir") {
				args = append(args, "-dir", changedDir)
			}
			args = append(args, tc.args...)
			if tc.first {
				args = append(args, "-classes", firstClass(t))
			}
			r := lsusyncRun(t, args...)
			if tc.exec {
				r = lsusyncCmd(t, args...)
			}
			r.require(t, 3)
			if r.stdout != "" {
				t.Errorf("a refusal printed a report:\n%s", r.stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q does not contain %q", r.stderr, w)
				}
			}
			first, _, _ := strings.Cut(r.stderr, "\n")
			for _, w := range tc.line {
				if !strings.Contains(first, w) {
					t.Errorf("the first line %q does not contain %q", first, w)
				}
			}
			checkRefusalOutput(t, r, append(tc.not, personal...), append(personaldata.TempDirs(t), tempDirs...))
			if after := storeState(t, store); after != before {
				t.Errorf("a refused sync changed the store's folder:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// TestRefusalCheck checks the check of TestRefusals on the refusal of a
// birth date written YYYY-MM-DD, from a folder named after the date: it
// passes on the output, which names the exports' folder, and fails on an
// output that shows the date.
func TestRefusalCheck(t *testing.T) {
	personaldata.TempDirsIn(t, refusalFolder)
	exports := editedExports(t, elevesZip, "<DATE_NAISS>02/01/2014<", "<DATE_NAISS>2014-07-10<")
	r := lsusyncRun(t, "sync", "-store", sampleCopy(t), "-dir", exports)
	r.require(t, 3)
	require.Contains(t, r.stderr, string(filepath.Separator)+refusalFolder+string(filepath.Separator), "stderr names the exports' folder")
	not := []string{"2014-07-10", "10/07/2014", "2014"}
	var rec personaldata.Recorder
	checkRefusalOutput(&rec, r, not, personaldata.TempDirs(t))
	if len(rec.Errors) != 0 {
		t.Errorf("the check fails on an output that shows no personal value: %s", rec.Errors)
	}
	for _, shown := range []result{
		{stderr: r.stderr + "  valeur : 2014-07-10\n"},
		{stderr: strings.Replace(r.stderr, "instead of", "(2014) instead of", 1)},
		{stdout: "⚠      | 10/07/2014\n", stderr: r.stderr},
	} {
		rec = personaldata.Recorder{}
		checkRefusalOutput(&rec, shown, not, personaldata.TempDirs(t))
		if len(rec.Errors) == 0 {
			t.Errorf("the check passes an output that shows the date:\nstdout: %s\nstderr: %s", shown.stdout, shown.stderr)
		}
	}
}

// elevesZip is the zip of ElevesSansAdresses.xml in the sample exports.
const elevesZip = "ExportXML_ElevesSansAdresses.zip"

// storeState describes the store file and its folder: the store's bytes
// (their SHA-256), or that it does not exist, and the other files of the
// folder but the lock sidecar that opening a store creates. A refused
// sync must leave it as it was: no byte written, no temporary file left.
func storeState(t *testing.T, store string) string {
	t.Helper()
	state := "store absent"
	switch b, err := os.ReadFile(store); {
	case err == nil:
		state = fmt.Sprintf("store %d bytes, sha256 %x", len(b), sha256.Sum256(b))
	case !errors.Is(err, fs.ErrNotExist):
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(store))
	require.NoError(t, err)
	for _, e := range entries {
		if n := e.Name(); n != filepath.Base(store) && n != filepath.Base(store)+".lock" {
			state += ", " + n
		}
	}
	return state
}

// editedExports copies the sample exports of changedDir into a new
// folder, the XML file of the zip named zipName edited: old replaced by
// new, which must be there. It returns the folder.
func editedExports(t *testing.T, zipName, old, new string) string {
	t.Helper()
	return exportsWith(t, func(dir string) {
		rewriteZip(t, filepath.Join(dir, zipName), func(b []byte) []byte {
			require.True(t, bytes.Contains(b, []byte(old)), "%s holds no %q", zipName, old)
			return bytes.Replace(b, []byte(old), []byte(new), 1)
		})
	})
}

// exportsWith copies the sample exports of changedDir into a new folder,
// lets edit change it, and returns the folder.
func exportsWith(t *testing.T, edit func(dir string)) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(changedDir)
	require.NoError(t, err)
	for _, e := range entries {
		copyFile(t, filepath.Join(changedDir, e.Name()), filepath.Join(dir, e.Name()))
	}
	edit(dir)
	return dir
}

// rewriteZip rewrites the zip at path, its XML file changed by edit.
func rewriteZip(t *testing.T, path string, edit func([]byte) []byte) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		if strings.HasSuffix(f.Name, ".xml") {
			b = edit(b)
		}
		w, err := zw.Create(f.Name)
		require.NoError(t, err)
		_, err = w.Write(b)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

// unzipped returns the XML file of the zip at path.
func unzipped(t *testing.T, path string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	require.Len(t, zr.File, 1)
	rc, err := zr.File[0].Open()
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return b
}

// samplePersonalValues returns the personal data of the sample exports of
// changedDir, as written and as read: the pupils' names, first names,
// INEs and birth dates (from every pupil of ElevesSansAdresses.xml, in a
// class or not), the teachers' names and first names, the head's name.
// No refusal may show one.
func samplePersonalValues(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	zr, err := zip.OpenReader(filepath.Join(changedDir, elevesZip))
	require.NoError(t, err)
	defer zr.Close()
	require.Len(t, zr.File, 1)
	rc, err := zr.File[0].Open()
	require.NoError(t, err)
	defer rc.Close()
	pupils, err := siecle.ReadEleves(ctx, rc, zr.File[0].Name, siecle.Options{})
	require.NoError(t, err)
	require.NotEmpty(t, pupils.Enrolments)
	var vals []string
	for _, e := range pupils.Enrolments {
		p := e.Student
		vals = append(vals, p.LastName, p.UsageName, p.FirstName, p.FirstName2, p.FirstName3, p.INE)
		if d := p.BirthDate; !d.IsZero() {
			vals = append(vals, fmt.Sprintf("%02d/%02d/%d", d.Day, d.Month, d.Year), d.String())
		}
	}
	src, err := siecle.OpenDir(ctx, changedDir, siecle.Options{})
	require.NoError(t, err)
	teachers, err := src.Teachers(ctx)
	require.NoError(t, err)
	for _, tc := range teachers {
		vals = append(vals, tc.LastName, tc.FirstName, tc.NUMEN)
	}
	est, err := src.Establishment(ctx)
	require.NoError(t, err)
	vals = append(vals, est.HeadName)
	slices.Sort(vals)
	return slices.DeleteFunc(slices.Compact(vals), func(v string) bool { return v == "" })
}

// firstClass returns the code of the sample's first class.
func firstClass(t *testing.T) string {
	return sampleSnapshot(t).Classes[0].Code
}

// sampleSnapshot returns the content of the sample store, read from a
// copy: opening a store creates its lock file, which must not appear in
// the source tree.
func sampleSnapshot(t *testing.T) lsusync.Snapshot {
	t.Helper()
	st, err := filestore.Open(context.Background(), sampleCopy(t), filestore.Options{ReadOnly: true})
	require.NoError(t, err)
	defer st.Close()
	return st.Snapshot()
}

func TestStoreInUse(t *testing.T) {
	store := sampleCopy(t)
	st, err := filestore.Open(context.Background(), store, filestore.Options{})
	require.NoError(t, err)
	defer st.Close()
	r := lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-wait", "0")
	r.require(t, 3)
	if !strings.Contains(r.stderr, "en cours d'utilisation par une autre synchronisation") {
		t.Errorf("stderr %q", r.stderr)
	}

	// A log gets the wait once, not at each try.
	r = lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-wait", "1s", "-progress")
	r.require(t, 3)
	if n := strings.Count(r.stderr, "attente de la fin de l'autre synchronisation"); n != 1 {
		t.Errorf("the wait is said %d times in the log, want once:\n%s", n, r.stderr)
	}

	// A holder that said who it is is named, with the time it opened the
	// store.
	require.NoError(t, st.Close())
	held, err := filestore.Open(context.Background(), store, filestore.Options{Holder: "sync"})
	require.NoError(t, err)
	defer held.Close()
	r = lsusyncCmd(t, "sync", "-store", store, "-dir", changedDir, "-wait", "0")
	r.require(t, 3)
	if !regexp.MustCompile(`est en cours d'utilisation par une autre synchronisation \(lsusync sync, depuis (?:[0-9/]+ à )?[0-9]{2}:[0-9]{2}\)`).MatchString(r.stderr) {
		t.Errorf("stderr %q does not name the holder", r.stderr)
	}
}

// TestUsage checks the usage errors, which need no process.
func TestUsage(t *testing.T) {
	existing := filepath.Join(t.TempDir(), "lsu.json")
	require.NoError(t, os.WriteFile(existing, []byte("x"), 0o600))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Utilisation :"},
		{[]string{"frobnicate"}, 2, `commande inconnue « frobnicate »`},
		{[]string{"help"}, 0, ""},
		{[]string{"sync", "-h"}, 0, "-dry-run"},
		{[]string{"sync", "-nope"}, 2, "lsusync sync : option inconnue : -nope"},
		{[]string{"sync", "-store"}, 2, "l'option -store attend une valeur"},
		{[]string{"sync", "-dry-run=oui"}, 2, "valeur « oui » invalide pour l'option -dry-run : true ou false attendu"},
		{[]string{"sync", "-wait", "trente"}, 2, "valeur « trente » invalide pour l'option -wait"},
		{[]string{"sync", "-dir", "x"}, 2, "-store est obligatoire"},
		{[]string{"sync", "-store", "s"}, 2, "donnez les exports"},
		{[]string{"sync", "-store", "s", "-dir", "x", "-bee", "b"}, 2, "pas les deux"},
		{[]string{"sync", "-store", "s", "-bee", "b"}, 2, "-bee et -sts sont obligatoires"},
		{[]string{"sync", "-store", "s", "-dir", "x", "-json", "-details"}, 2, "donnez l'une ou l'autre"},
		{[]string{"sync", "-store", "s", "-dir", "x", "-exit-code"}, 2, "-exit-code va avec -dry-run"},
		{[]string{"classes"}, 2, "-store est obligatoire"},
		{[]string{"classes", "-store", "s", "-bee", "b"}, 2, "-bee et -sts sont obligatoires"},
		{[]string{"add-class", "-store", "s", "-dir", "x"}, 2, "donnez les classes avec -class, ou -new"},
		{[]string{"add-class", "-store", "s", "-dir", "x", "-class", "3A", "-new"}, 2, "donnez les classes avec -class, ou -new"},
		{[]string{"add-class", "-store", "s", "-dir", "x", "-new", "-periods", "5"}, 2, "3 (trimestres) ou 2 (semestres) attendu"},
		{[]string{"sync", "-store", "s", "-dir", "x", "-concurrency", "-1"}, 2, "est négatif"},
		{[]string{"sync", "-store", "s", "-dir", "x", "-today", "2025-13-01"}, 2, "une date AAAA-MM-JJ est attendue"},
		{[]string{"sync", "-store", "s", "-dir", "x", "extra"}, 2, "arguments inattendus : extra"},
		{[]string{"init", "-store", "s"}, 2, "-store et -dir sont obligatoires"},
		{[]string{"init", "-store", "lsu.json", "-dir", "x", "-add-establishment"}, 2, "-add-establishment va avec une base de données"},
		{[]string{"init", "-store", "s", "-dir", "x", "-periods", "4"}, 2, "3 (trimestres) ou 2 (semestres) attendu"},
		{[]string{"init", "-store", existing, "-dir", "x"}, 3, "existe déjà"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("lsusync %q: exit %d, want %d (stderr %q)", tc.args, code, tc.code, stderr.String())
		}
		if !strings.Contains(stdout.String()+stderr.String(), tc.want) {
			t.Errorf("lsusync %q: output %q does not contain %q", tc.args, stdout.String()+stderr.String(), tc.want)
		}
	}
}

// TestNoProgressWhenNotTerminal checks that a sync whose standard error
// is not a terminal prints no progress line.
func TestNoProgressWhenNotTerminal(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"sync", "-store", sampleCopy(t), "-dir", changedDir}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	if stderr.Len() != 0 {
		t.Errorf("stderr %q, want nothing", stderr.String())
	}
	if isTerminal(&stderr) {
		t.Error("a buffer is a terminal")
	}
	f, err := os.Open(os.DevNull) // a character device, as terminals are
	require.NoError(t, err)
	defer f.Close()
	if !isTerminal(f) {
		t.Error(os.DevNull + " is not seen as a character device")
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update")
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestWriteFailureExits1 makes the commit fail: the process may not write
// a file larger than 40 blocks (ulimit -f: 20 or 40 KiB, as the shell
// counts them), and the store file is larger.
// The report shows the errors, the status is 1, and the store file is as
// it was.
func TestWriteFailureExits1(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh for ulimit")
	}
	store := sampleCopy(t)
	before := readFile(t, store)
	args := []string{"-c", `ulimit -f 40 && exec "$0" "$@"`, os.Args[0], "sync", "-store", store, "-dir", changedDir}
	cmd := exec.Command("sh", args...)
	r := runCmd(t, cmd)
	r.require(t, 1)
	if !strings.Contains(r.stderr, "LSU est resté tel qu'il était") || !strings.Contains(r.stderr, "file too large") {
		t.Errorf("stderr %q", r.stderr)
	}
	if row := closingRow(r.stdout); !strings.HasPrefix(row, "✗      | La synchronisation s'est terminée avec ") {
		t.Errorf("the report does not show the errors; closing row %q", row)
	}
	if !bytes.Equal(before, readFile(t, store)) {
		t.Error("a failed commit changed the store file")
	}
	entries, err := os.ReadDir(filepath.Dir(store))
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() != "lsu.json" && e.Name() != "lsu.json.lock" {
			t.Errorf("a failed commit left %s", e.Name())
		}
	}
}

// TestSyncFilesOneByOne gives the exports one by one instead of a folder:
// the same report.
func TestSyncFilesOneByOne(t *testing.T) {
	byDir := lsusyncRun(t, "sync", "-store", sampleCopy(t), "-dir", changedDir, "-dry-run")
	byDir.require(t, 0)
	f := func(name string) string { return filepath.Join(changedDir, name) }
	byFile := lsusyncRun(t, "sync", "-store", sampleCopy(t), "-dry-run",
		"-bee", f("ExportXML_ElevesSansAdresses.zip"), "-sts", f("sts_emp_0750001A_2025.xml"),
		"-communs", f("ExportCommuns.zip"), "-structures", f("Structures.zip"), "-nomenclature", f("Nomenclature.zip"))
	byFile.require(t, 0)
	if diff := cmp.Diff(byDir.stdout, byFile.stdout); diff != "" {
		t.Errorf("reports differ (-dir +files):\n%s", diff)
	}
	// A file in the wrong slot is refused.
	r := lsusyncRun(t, "sync", "-store", sampleCopy(t), "-bee", f("sts_emp_0750001A_2025.xml"), "-sts", f("sts_emp_0750001A_2025.xml"))
	r.require(t, 3)
	if !strings.Contains(r.stderr, "sts_emp_0750001A_2025.xml") {
		t.Errorf("stderr %q does not name the file", r.stderr)
	}
}
