package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync/examples/gen"
	"github.com/lsusync/lsusync/internal/personaldata"
)

// syncAllFolder writes, in a new folder, the exports of n generated
// establishments, one sub-folder each ("etab0"...), whose stores init
// made from an earlier export (every pupil's last name has since been
// corrected), and the folders sync-all must refuse: "autre" holds the
// pupils of one school and the STS-Web file of another, "abime" a
// damaged zip, "inconnu" the exports of an establishment the store does
// not hold. It returns the folder, the UAIs of the n establishments, and
// the personal values of their pupils.
func syncAllFolder(t *testing.T, store string, n int) (string, []string, []string) {
	t.Helper()
	dir := t.TempDir()
	var uais, personal []string
	write := func(e *gen.Establishment, name string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(path, 0o755))
		_, err := e.WriteExports(path, gen.ExportOptions{Zip: true})
		require.NoError(t, err)
		return path
	}
	cfg := func(i int) gen.Config {
		return gen.Config{Seed: int64(300 + i), Pupils: 40, Classes: 2, Teachers: 20, SubjectsPerClass: 6,
			UAI: fmt.Sprintf("%07dC", 750300+i)}
	}
	for i := range n {
		e := gen.New(cfg(i))
		first := write(e, "init")
		args := []string{"init", "-store", store, "-dir", first, "-today", sampleToday}
		if i > 0 {
			args = append(args, "-add-establishment")
		}
		lsusyncRun(t, args...).require(t, 0)
		require.NoError(t, os.RemoveAll(first))
		later := e.Clone()
		for j := range later.Pupils {
			p := &later.Pupils[j]
			personal = append(personal, p.LastName, p.FirstName, p.INE, p.BirthDate.String())
			p.LastName += "-B"
			personal = append(personal, p.LastName)
		}
		write(later, fmt.Sprintf("etab%d", i))
		uais = append(uais, e.Config.UAI)
	}
	// Another school's STS-Web file beside the pupils of the first.
	other := write(gen.New(cfg(n)), "inconnu")
	mixed := write(gen.New(cfg(0)), "autre")
	sts, err := filepath.Glob(filepath.Join(mixed, "sts_emp_*.xml"))
	require.NoError(t, err)
	require.Len(t, sts, 1)
	require.NoError(t, os.Remove(sts[0]))
	theirs, err := filepath.Glob(filepath.Join(other, "sts_emp_*.xml"))
	require.NoError(t, err)
	copyFile(t, theirs[0], filepath.Join(mixed, filepath.Base(theirs[0])))
	// A zip cut in half.
	damaged := write(gen.New(cfg(1)), "abime")
	zips, err := filepath.Glob(filepath.Join(damaged, "*Eleves*.zip"))
	require.NoError(t, err)
	require.Len(t, zips, 1)
	b, err := os.ReadFile(zips[0])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(zips[0], b[:len(b)/2], 0o644))
	return dir, uais, slices.DeleteFunc(personal, func(v string) bool { return v == "" })
}

// updatedRE matches the pupils of a line of sync-all, and those updated.
var updatedRE = regexp.MustCompile(`(\d+) élèves \(0 ajoutés, (\d+) mis à jour, 0 changés de classe\)`)

// TestSyncAll runs sync-all on each engine: the establishments are
// synchronised, each wrong folder is refused on its line with what to do,
// the exit status says that not every one succeeded; a second run passes
// over those synced from the same exports; a sync of each afterwards
// finds nothing to change; -json says the same.
func TestSyncAll(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			store := databaseURL(t, engine)
			dir, uais, personal := syncAllFolder(t, store, 3)
			noPersonal := personaldata.Options{Random: personaldata.TempDirs(t)}

			r := lsusyncCmd(t, "sync-all", "-store", store, "-dir", dir, "-workers", "2", "-today", sampleToday)
			r.require(t, exitErrors)
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			got := map[string]string{}
			for _, l := range lines {
				if uai, rest, ok := strings.Cut(l, " ("); ok && !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "Total") {
					folder, rest, _ := strings.Cut(rest, ") : ")
					status, _, _ := strings.Cut(rest, " — ")
					got[folder] = uai + " " + status
				}
			}
			want := map[string]string{
				"etab0":   uais[0] + " synchronisé",
				"etab1":   uais[1] + " synchronisé",
				"etab2":   uais[2] + " synchronisé",
				"autre":   "(UAI inconnu) refusé",
				"abime":   "(UAI inconnu) refusé",
				"inconnu": "0750303C refusé",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("the establishments' lines (-want +got):\n%s\n%s", diff, r.stdout)
			}
			// Every pupil of the exports (those who left aside) was
			// updated: the last names changed.
			pupils := 0
			for _, m := range updatedRE.FindAllStringSubmatch(r.stdout, -1) {
				if m[1] != m[2] {
					t.Errorf("a line says %s pupils and %s updated", m[1], m[2])
				}
				n, _ := strconv.Atoi(m[1])
				pupils += n
			}
			for _, s := range []string{
				"le dossier abime : L'archive " + filepath.Join(dir, "abime", "ExportXML_ElevesSansAdresses.zip") + " est endommagée",
				"le dossier autre : Les fichiers ",
				" sont de deux établissements (0750300C et 0750303C) : donnez les exports d'un seul établissement.",
				"l'établissement 0750303C n'est pas dans cette base de données : créez-le d'abord avec « lsusync init -store … -dir inconnu »",
				"Total : 6 établissements en ",
				" — 3 synchronisés, 0 en erreur, 3 refusés, 0 pris par un autre processus, 0 déjà synchronisés depuis ces exports, 0 interrompus ; " +
					strconv.Itoa(pupils) + " élèves synchronisés (",
			} {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("sync-all does not say %q:\n%s", s, r.stdout)
				}
			}
			if r.stderr != "" {
				t.Errorf("stderr %q, want nothing", r.stderr)
			}
			personaldata.Check(t, "sync-all's lines", r.stdout, personal, noPersonal)
			if n := len(updatedRE.FindAllString(r.stdout, -1)); n != 3 || pupils == 0 {
				t.Errorf("%d lines of synchronised establishments, %d pupils: want 3 lines", n, pupils)
			}

			// Each is as a sync leaves it: a sync would change nothing.
			for i := range uais {
				lsusyncRun(t, "sync", "-store", store, "-dir", filepath.Join(dir, fmt.Sprintf("etab%d", i)),
					"-today", sampleToday, "-dry-run", "-exit-code").require(t, exitOK)
			}

			// The next run passes over them; the wrong folders stay refused.
			r = lsusyncCmd(t, "sync-all", "-store", store, "-dir", dir, "-json", "-today", sampleToday)
			r.require(t, exitErrors)
			personaldata.CheckJSON(t, "sync-all -json", []byte(r.stdout), personal, noPersonal)
			var out summaryJSON
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
			statuses := map[string]string{}
			for _, res := range out.Results {
				statuses[res.Folder] = res.Status
				if res.Status == "refused" && (res.Message == "" || res.Error == "") {
					t.Errorf("%s: refused without message or detail: %+v", res.Folder, res)
				}
			}
			wantJSON := map[string]string{"etab0": "already-synced", "etab1": "already-synced", "etab2": "already-synced",
				"autre": "refused", "abime": "refused", "inconnu": "refused"}
			if diff := cmp.Diff(wantJSON, statuses); diff != "" {
				t.Errorf("second run's statuses (-want +got):\n%s", diff)
			}
			if out.OK || out.Totals["already-synced"] != 3 || out.Totals["refused"] != 3 {
				t.Errorf("second run: ok %v, totals %v", out.OK, out.Totals)
			}

			// Without the wrong folders, every establishment succeeded.
			for _, f := range []string{"autre", "abime", "inconnu"} {
				require.NoError(t, os.RemoveAll(filepath.Join(dir, f)))
			}
			lsusyncRun(t, "sync-all", "-store", store, "-dir", dir, "-today", sampleToday).require(t, exitOK)
		})
	}
}

func TestSyncAllUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-dir", dir}, exitUsage, "-store et -dir sont obligatoires"},
		{[]string{"-store", "lsu.json", "-dir", dir}, exitUsage, "-store doit nommer une base de données"},
		{[]string{"-store", "lsu.db", "-dir", dir, "-workers", "0"}, exitUsage, "-workers 0 : il en faut au moins 1"},
		{[]string{"-store", "lsu.db", "-dir", dir, "-lease", "0s"}, exitUsage, "-lease 0s : il faut une durée positive"},
		{[]string{"-store", filepath.Join(dir, "lsu.db"), "-dir", dir}, exitRefused, "ne contient aucun sous-dossier"},
		{[]string{"-store", "lsu.db", "-dir", filepath.Join(dir, "absent")}, exitRefused, "le dossier des exports"},
		{[]string{"-store", "mysql://x", "-dir", dir}, exitRefused, "n'est pas reconnue"},
	} {
		r := lsusyncRun(t, append([]string{"sync-all"}, tt.args...)...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("sync-all %q: status %d, stderr %q; want %d and %q", tt.args, r.code, r.stderr, tt.code, tt.want)
		}
	}
}

// cancelOnWrite is a writer that cancels a context, as a signal would,
// at its first write.
type cancelOnWrite struct {
	strings.Builder
	cancel func(error)
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.cancel(&interrupted{os.Interrupt})
	return w.Builder.Write(p)
}

// TestSyncAllInterrupted interrupts sync-all once the first establishment
// is done: the others are reported interrupted and left as they were,
// the exit status is the signal's, and the next run syncs them.
func TestSyncAllInterrupted(t *testing.T) {
	store := databaseURL(t, "sqlite")
	dir, _, _ := syncAllFolder(t, store, 3)
	for _, f := range []string{"autre", "abime", "inconnu"} {
		require.NoError(t, os.RemoveAll(filepath.Join(dir, f)))
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stdout := &cancelOnWrite{cancel: cancel}
	var stderr strings.Builder
	code := run(ctx, []string{"sync-all", "-store", store, "-dir", dir, "-today", sampleToday}, stdout, &stderr)
	if code != exitInterrupted {
		t.Fatalf("exit status %d, want %d\n%s\n%s", code, exitInterrupted, stdout.String(), stderr.String())
	}
	if n := strings.Count(stdout.String(), ") : synchronisé — "); n != 1 {
		t.Errorf("%d establishments synchronised, want the first only:\n%s", n, stdout.String())
	}
	if n := strings.Count(stdout.String(), ") : interrompu — "); n != 2 {
		t.Errorf("%d establishments interrupted, want 2:\n%s", n, stdout.String())
	}
	if !strings.HasPrefix(stderr.String(), "lsusync: la synchronisation des établissements a été interrompue à votre demande") {
		t.Errorf("stderr %q", stderr.String())
	}
	// The first is as a sync leaves it; the others are as they were.
	changes := 0
	for i := range 3 {
		r := lsusyncRun(t, "sync", "-store", store, "-dir", filepath.Join(dir, fmt.Sprintf("etab%d", i)), "-today", sampleToday, "-dry-run", "-exit-code")
		if r.code == exitChanges {
			changes++
		}
	}
	if changes != 2 {
		t.Errorf("%d establishments with changes to make after the interruption, want 2", changes)
	}
	r := lsusyncRun(t, "sync-all", "-store", store, "-dir", dir, "-today", sampleToday)
	r.require(t, exitOK)
	if n := strings.Count(r.stdout, ") : synchronisé — "); n != 2 {
		t.Errorf("the next run synchronised %d establishments, want the 2 left:\n%s", n, r.stdout)
	}
}
