package screen_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/screen"
)

var screenshot = flag.String("screenshot", "", "also write the browser test's screenshot of the report to this file (the README's is ../../docs/screen.png)")

// chromium returns the path of a Chromium or Chrome. Without one, the test
// is skipped, and fails when the CI variable is set: CI installs Chromium,
// so that the browser test always runs there.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell", "headless-shell"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium or Chrome found, and CI is set: install Chromium (apt-get install -y chromium)")
	}
	t.Skip("no Chromium or Chrome on this machine: install one to run the browser test")
	return ""
}

// browser starts a headless Chromium for the test and returns the
// context of its first tab, and the messages that the pages printed to
// the console: script errors, refused resources, policy violations.
func browser(t *testing.T) (context.Context, *console) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), // the machine has no network
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 800),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc() // waits for the browser to exit, before its folder is removed
	})
	c := &console{}
	c.follow(ctx)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")), "starting Chromium")
	return ctx, c
}

// console collects the console messages of a tab.
type console struct {
	mu       sync.Mutex
	messages []string
}

func (c *console) follow(ctx context.Context) {
	entries := chromedp.Events(ctx, cdplog.EntryAdded)
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			c.add(fmt.Sprintf("%s %s: %s (%s)", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			what := d.Text
			if d.Exception != nil {
				what += " " + d.Exception.Description
			}
			c.add(fmt.Sprintf("exception: %s (%s:%d)", what, d.URL, d.LineNumber+1))
		}
	}()
}

func (c *console) add(m string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.messages = append(c.messages, m)
}

// check fails the test with each message printed since the last check,
// but those that are expected, once each.
func (c *console) check(t *testing.T, expected ...string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.messages {
		if i := slices.Index(expected, m); i >= 0 {
			expected = slices.Delete(expected, i, i+1)
			continue
		}
		t.Errorf("browser console: %s", m)
	}
	c.messages = nil
}

// run runs an action of the browser test, which stops at its first error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

// pageRows reads the rows of the report's table from the page.
func pageRows(t *testing.T, ctx context.Context) []row {
	t.Helper()
	cells := run(t, ctx, chromedp.Evaluate[[][2]string](`Array.from(document.querySelectorAll("table.rapport tbody tr"),
		(tr) => [tr.querySelector("[role=img]").getAttribute("aria-label"), tr.querySelector(".message").textContent])`))
	var rs []row
	for _, c := range cells {
		rs = append(rs, row{Status: c[0], Message: c[1]})
	}
	return rs
}

// waitText waits until the text of the element sel is want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	expr := fmt.Sprintf(`(document.querySelector(%q) || {}).textContent === %q`, sel, want)
	run(t, ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second)))
}

// headings returns the page's headings in its order: "h1 Rapport".
func headings(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"),
		(h) => h.tagName.toLowerCase() + " " + h.textContent)`))
}

// checked returns the classes ticked on the page.
func checked(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('input[name="classe"]:checked'), (b) => b.value)`))
}

// accessible returns the accessible names of the page's controls, images,
// headings and tables by role, sorted, as Chromium gives them to a screen
// reader. A control without a name fails the test.
func accessible(t *testing.T, ctx context.Context) map[string][]string {
	t.Helper()
	tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	require.NoError(t, err)
	names := map[string][]string{}
	for _, n := range tree.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		var role, name string
		require.NoError(t, json.Unmarshal(n.Role.Value, &role))
		if n.Name != nil && len(n.Name.Value) > 0 {
			require.NoError(t, json.Unmarshal(n.Name.Value, &name))
		}
		switch role {
		case "button", "checkbox", "radio", "combobox", "link", "textbox", "progressbar", "image", "img", "heading", "table":
			if strings.TrimSpace(name) == "" {
				t.Errorf("a %s without an accessible name", role)
			}
			names[role] = append(names[role], name)
		}
	}
	for _, ns := range names {
		slices.Sort(ns) // the tree's order is not the page's
	}
	return names
}

// TestInABrowser runs the screen in a real headless Chromium, as the head of
// an establishment would: open the address without the token, then with
// it, tick two classes, « Simuler », « Synchroniser » from the
// simulation's page, read the report, read its details; then
// « Synchroniser » two other classes from the selection page; and checks
// the store changed as the reports say.
func TestInABrowser(t *testing.T) {
	ctx, con := browser(t)

	path := copySample(t)
	fs, err := filestore.Open(context.Background(), path, filestore.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { fs.Close() })
	before := fs.Snapshot()
	g := &gatedStore{batchingStore: fs, class: "6B", entered: make(chan struct{}), release: make(chan struct{})}
	h := screen.New(g, fixed(sampleSource(t)), screen.Options{Token: token, Now: clock})
	t.Cleanup(func() { h.Shutdown(context.Background()) })
	srv := newServer(t, h)

	// Without the token: the refusal, styled, and nothing in the console
	// (its style and script are served without the token).
	do(t, ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	require.Equal(t, "Accès refusé", run(t, ctx, chromedp.Text(chromedp.CSS("h1"))))
	require.Equal(t, "rgb(29, 79, 145)", run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".bandeau")).backgroundColor`)),
		"the style applies")
	// Chromium tells the page's own status, and nothing of its files.
	con.check(t, "error network: Failed to load resource: the server responded with a status of 401 (Unauthorized) ("+srv.URL+"/)")

	// The address the server prints, with the token: the page comes back
	// without it.
	do(t, ctx, chromedp.Navigate(srv.URL+"/?token="+token), chromedp.WaitVisible(chromedp.CSS("h1")))
	require.Equal(t, srv.URL+"/", run(t, ctx, chromedp.Location()))
	require.Equal(t, "Synchronisation Base Élèves · LSU", run(t, ctx, chromedp.Title()))
	ax := accessible(t, ctx)
	if diff := cmp.Diff([]string{"3EME1", "4e 1", "5 A", "5 B", "6A", "6B"}, ax["checkbox"]); diff != "" {
		t.Errorf("the checkboxes' names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Simuler", "Synchroniser", "Tout cocher"}, ax["button"]); diff != "" {
		t.Errorf("the buttons (-want +got):\n%s", diff)
	}
	require.Equal(t, []string{"Synchronisation Base Élèves", "Sélectionner les classes à synchroniser"}, ax["heading"])
	require.Equal(t, []string{"Classes de LSU"}, ax["table"])

	// « Tout cocher » ticks every class in place, without a request.
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.samePage = true`), chromedp.Click(chromedp.CSS("button[data-tout-cocher]")))
	require.Len(t, checked(t, ctx), 6)
	require.Equal(t, "Tout décocher", run(t, ctx, chromedp.Text(chromedp.CSS("button[data-tout-cocher]"))))
	do(t, ctx, chromedp.Click(chromedp.CSS("button[data-tout-cocher]")))
	require.Empty(t, checked(t, ctx))
	require.True(t, run(t, ctx, chromedp.Evaluate[bool](`window.samePage === true`)), "no page load")

	// Two classes ticked by their labels, then « Simuler ».
	do(t, ctx,
		chromedp.Click(chromedp.JSPath(`Array.from(document.querySelectorAll("label")).find((l) => l.textContent === "6A")`)),
		chromedp.Click(chromedp.JSPath(`Array.from(document.querySelectorAll("label")).find((l) => l.textContent === "6B")`)),
	)
	require.Equal(t, []string{"6A", "6B"}, checked(t, ctx))
	do(t, ctx, chromedp.Click(chromedp.CSS(`button[value="simuler"]`)), chromedp.WaitVisible(chromedp.CSS("[data-progress-text]")))

	// The simulation waits on 6B: its page shows the progress live.
	<-g.entered
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.samePage = true`))
	waitText(t, ctx, "[data-progress-text]", "Classes traitées : 1 sur 2")
	require.Equal(t, [2]float64{1, 2}, run(t, ctx, chromedp.Evaluate[[2]float64](`[document.querySelector("progress").value, document.querySelector("progress").max]`)))
	// Longer than the refresh of the page without scripts (5 s), which
	// must not happen with them.
	time.Sleep(5500 * time.Millisecond)
	require.True(t, run(t, ctx, chromedp.Evaluate[bool](`window.samePage === true`)), "the script updated the page, which did not reload")
	require.Equal(t, []string{"Progression de la simulation"}, accessible(t, ctx)["progressbar"])
	close(g.release)

	// Its end reloads the page, which shows the report.
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("table.rapport")))
	dry, _ := reference(t, before, true, "6A", "6B")
	if diff := cmp.Diff(wantRows(dry, lsusync.TextOptions{}), pageRows(t, ctx)); diff != "" {
		t.Errorf("simulation's rows (-want +got):\n%s", diff)
	}
	require.Equal(t, dry.Heading(), run(t, ctx, chromedp.Text(chromedp.CSS(".entete"))))
	require.Equal(t, []string{"h1 Simulation de la synchronisation base élèves", "h2 Résultats", "h2 Détail et téléchargement", "h2 Synchroniser ces classes"},
		headings(t, ctx))
	if diff := cmp.Diff(before, fs.Snapshot()); diff != "" {
		t.Errorf("the simulation wrote (-before +after):\n%s", diff)
	}

	// « Synchroniser » the same classes, from the simulation's page.
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.enchainer button`)))
	require.NoError(t, err)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("table.rapport")))
	rep, after := reference(t, before, false, "6A", "6B")
	want := wantRows(rep, lsusync.TextOptions{})
	if diff := cmp.Diff(want, pageRows(t, ctx)); diff != "" {
		t.Errorf("synchronisation's rows (-want +got):\n%s", diff)
	}
	require.Equal(t, "Synchronisation lancée pour : 6A, 6B", run(t, ctx, chromedp.Text(chromedp.CSS(".entete"))))
	require.Equal(t, rep.Summary(), run(t, ctx, chromedp.Text(chromedp.CSS(".compteurs"))))
	require.Equal(t, []string{"h1 Synchronisation base élèves", "h2 Résultats", "h2 Détail et téléchargement"}, headings(t, ctx))
	ax = accessible(t, ctx)
	var statuses []string
	for _, r := range want {
		statuses = append(statuses, r.Status)
	}
	slices.Sort(statuses)
	require.Equal(t, statuses, append(ax["image"], ax["img"]...), "each status symbol is read as its word")
	require.Len(t, ax["table"], 1)
	shot := run(t, ctx, chromedp.FullScreenshot(100))

	// The store changed as the report says: what the same synchronisation
	// leaves with the SDK alone, and, detail by detail, what the page says.
	if diff := cmp.Diff(after, fs.Snapshot()); diff != "" {
		t.Errorf("the store is not as the synchronisation leaves it (-want +got):\n%s", diff)
	}
	do(t, ctx, chromedp.Click(chromedp.JSPath(`Array.from(document.querySelectorAll("a")).find((a) => a.textContent === "Afficher le détail des modifications")`)),
		chromedp.WaitVisible(chromedp.CSS("ul.details")))
	details := run(t, ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("table.rapport tbody tr"),
		(tr) => Array.from(tr.querySelectorAll("ul.details li"), (li) => li.textContent))`))
	require.Len(t, details, len(rep.Lines(lsusync.TextOptions{Details: true})))
	checkDetails(t, fs, details, 70)

	// Back to the selection, two other classes, and its own
	// « Synchroniser », with no simulation first.
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`.retour a`)))
	require.NoError(t, err)
	require.Equal(t, srv.URL+"/", run(t, ctx, chromedp.Location()))
	require.Contains(t, run(t, ctx, chromedp.Text(chromedp.CSS("main"))), "Dernier rapport : Synchronisation du 15/12/2025 à 10:32 (6A, 6B).")
	do(t, ctx,
		chromedp.Click(chromedp.JSPath(`Array.from(document.querySelectorAll("label")).find((l) => l.textContent === "3EME1")`)),
		chromedp.Click(chromedp.JSPath(`Array.from(document.querySelectorAll("label")).find((l) => l.textContent === "5 A")`)),
	)
	require.Equal(t, []string{"3EME1", "5 A"}, checked(t, ctx))
	before = fs.Snapshot()
	do(t, ctx, chromedp.Click(chromedp.CSS(`button[value="synchroniser"]`)), chromedp.WaitVisible(chromedp.CSS("table.rapport")))
	rep, after = reference(t, before, false, "3EME1", "5 A")
	if diff := cmp.Diff(wantRows(rep, lsusync.TextOptions{}), pageRows(t, ctx)); diff != "" {
		t.Errorf("the second synchronisation's rows (-want +got):\n%s", diff)
	}
	require.Equal(t, "Synchronisation lancée pour : 3EME1, 5 A", run(t, ctx, chromedp.Text(chromedp.CSS(".entete"))))
	require.Equal(t, rep.Summary(), run(t, ctx, chromedp.Text(chromedp.CSS(".compteurs"))))
	require.Zero(t, run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("form").length`)), "nothing to synchronise again")
	if diff := cmp.Diff(after, fs.Snapshot()); diff != "" {
		t.Errorf("the store is not as the second synchronisation leaves it (-want +got):\n%s", diff)
	}
	do(t, ctx, chromedp.Click(chromedp.JSPath(`Array.from(document.querySelectorAll("a")).find((a) => a.textContent === "Afficher le détail des modifications")`)),
		chromedp.WaitVisible(chromedp.CSS("ul.details")))
	details = run(t, ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("table.rapport tbody tr"),
		(tr) => Array.from(tr.querySelectorAll("ul.details li"), (li) => li.textContent))`))
	require.Len(t, details, len(rep.Lines(lsusync.TextOptions{Details: true})))
	checkDetails(t, fs, details, 10)

	con.check(t)
	saveScreenshot(t, shot)
}

// goField returns the Go field path of a field named in French in the
// details: "nom" is "LastName", "enseignants de la matière 030201 (S)" is
// "Acquis[030201/S].Teachers", "matière 030201 (S)" is "Acquis[030201/S]".
func goField(label string) string {
	for prefix, sub := range map[string]string{
		"enseignants de la matière ":         ".Teachers",
		"libellé de la matière ":             ".Label",
		"modalité d'élection de la matière ": ".Modality",
		"matière ":                           "",
	} {
		if subject, ok := strings.CutPrefix(label, prefix); ok {
			code, modality, _ := strings.Cut(strings.TrimSuffix(subject, ")"), " (")
			return "Acquis[" + code + "/" + modality + "]" + sub
		}
	}
	return map[string]string{
		"nom": "LastName", "nom d'usage": "UsageName", "prénom": "FirstName",
		"deuxième prénom": "FirstName2", "troisième prénom": "FirstName3",
		"INE": "INE", "sexe": "Sex", "date de naissance": "BirthDate",
		"libellé": "Label", "professeurs principaux": "HeadTeachers",
	}[label]
}

// checkDetails checks that the store holds what each detail of the report
// says a record became, and that it checked more than atLeast.
func checkDetails(t *testing.T, st lsusync.Store, details [][]string, atLeast int) {
	t.Helper()
	ctx := context.Background()
	checkedOnes := 0
	for _, lines := range details {
		if len(lines) == 0 {
			continue // the closing row
		}
		kind, keys, changes := detailRecords(t, lines)
		for _, key := range keys {
			for _, l := range changes {
				if codes, ok := strings.CutPrefix(l, "Matières conservées pour leur contenu : "); ok {
					require.Equal(t, "Bilan", kind, l)
					b := storedBilan(t, st, key)
					for code := range strings.SplitSeq(codes, ", ") {
						require.True(t, slices.ContainsFunc(b.Acquis, func(a lsusync.Acquis) bool {
							return a.Subject.Code == code || a.Subject.Code+" ("+a.Subject.Modality+")" == code
						}), "bilan %s keeps %s", key, code)
						checkedOnes++
					}
					continue
				}
				label, change, ok := strings.Cut(l, " : ")
				_, after, ok2 := strings.Cut(change, " → ")
				require.True(t, ok && ok2, "a detail this test does not read: %q", l)
				field := goField(label)
				var got string
				switch kind {
				case "Élève":
					s, err := st.Student(ctx, key)
					require.NoError(t, err)
					got = fmt.Sprint(reflect.ValueOf(s).FieldByName(field).Interface())
				case "Classe":
					classes, err := st.Classes(ctx)
					require.NoError(t, err)
					i := slices.IndexFunc(classes, func(c lsusync.Class) bool { return c.Code == key })
					require.GreaterOrEqual(t, i, 0, "class %s", key)
					got = fmt.Sprint(reflect.ValueOf(classes[i]).FieldByName(field).Interface())
				case "Bilan":
					b := storedBilan(t, st, key)
					if field == "HeadTeachers" {
						got = keysText(b.HeadTeachers)
						break
					}
					rest, ok := strings.CutPrefix(field, "Acquis[")
					code, sub, ok2 := strings.Cut(rest, "]")
					require.True(t, ok && ok2, "a change of bilan this test does not read: %q", l)
					j := slices.IndexFunc(b.Acquis, func(a lsusync.Acquis) bool { return a.Subject.Key().String() == code })
					if sub == "" { // the subject added or removed
						if j >= 0 {
							got = strings.TrimSpace(code + " " + b.Acquis[j].Subject.Label)
						}
						break
					}
					require.GreaterOrEqual(t, j, 0, "bilan %s, subject %s", key, code)
					a := b.Acquis[j]
					switch sub {
					case ".Teachers":
						got = keysText(a.Teachers)
					case ".Label":
						got = a.Subject.Label
					case ".Modality":
						got = a.Subject.Modality
					default:
						t.Fatalf("a change of bilan this test does not read: %q", l)
					}
				default:
					t.Fatalf("a change of a %s, which this test does not read: %q", kind, l)
				}
				if got == "" {
					got = "(vide)"
				}
				require.Equal(t, teacherKeys(after), got, "%s %s: %s", kind, key, field)
				checkedOnes++
			}
		}
		if kind == "Enseignant" {
			key := keys[0]
			teachers, err := st.Teachers(ctx)
			require.NoError(t, err)
			require.True(t, slices.ContainsFunc(teachers, func(tc lsusync.Teacher) bool { return tc.Key.String() == key }), "teacher %s added", key)
			checkedOnes++
		}
	}
	require.Greater(t, checkedOnes, atLeast, "the details checked")
}

// keysText writes teacher keys as the details do: "epp:4519, epp:999001".
// detailRecords reads the details of a row: the kind of its records,
// their keys, and the lines of their changes. A row of one record begins
// with its kind and key ("Élève DUPONT Marie (148801)", "Bilan 2025-T1 de
// DUPONT Marie (148801)"); a row of bilans that changed alike ends with
// their pupils ("2 élèves, périodes 2025-T1, 2025-T2 : DUPONT Marie
// (148801), 148802", or each pupil's periods after their ID).
func detailRecords(t *testing.T, lines []string) (kind string, keys, changes []string) {
	t.Helper()
	inParens := func(s string) string { // "NAME (KEY)" -> KEY; "KEY" -> KEY
		if i := strings.LastIndex(s, " ("); i >= 0 && strings.HasSuffix(s, ")") {
			return s[i+2 : len(s)-1]
		}
		return s
	}
	first := lines[0]
	if rest, ok := strings.CutPrefix(first, "Bilan "); ok {
		period, who, ok := strings.Cut(rest, " de ")
		require.True(t, ok, "a bilan's first line this test does not read: %q", first)
		id := inParens(strings.TrimPrefix(who, "l'élève "))
		return "Bilan", []string{id + "/" + period}, lines[1:]
	}
	for _, k := range []string{"Élève", "Enseignant", "Classe", "Établissement", "Source"} {
		if rest, ok := strings.CutPrefix(first, k+" "); ok {
			return k, []string{inParens(rest)}, lines[1:]
		}
	}
	last := lines[len(lines)-1]
	head, list, ok := strings.Cut(last, " : ")
	require.True(t, ok && strings.Contains(head, "élève"), "a row of bilans whose last line this test does not read: %q", last)
	var shared []string
	if _, ps, ok := strings.Cut(head, " périodes "); ok {
		shared = strings.Split(ps, ", ")
	} else if _, ps, ok := strings.Cut(head, " période "); ok {
		shared = []string{ps}
	}
	for _, pupil := range regexp.MustCompile(`(?:[^,(]+ \(([^)]+)\)|([0-9]+))(?:, |$)`).FindAllStringSubmatch(list, -1) {
		inside := pupil[1] + pupil[2]
		id, own, _ := strings.Cut(inside, " : ")
		periods := shared
		if own != "" {
			periods = strings.Split(own, ", ")
		}
		for _, p := range periods {
			keys = append(keys, id+"/"+p)
		}
	}
	require.NotEmpty(t, keys, "no bilan read from %q", last)
	return "Bilan", keys, lines[:len(lines)-1]
}

// teacherKeys writes the keys of a list of teachers as the details give
// it, "M. DUPONT Marius (epp:4519), epp:4540", as keysText does:
// "epp:4519, epp:4540".
func teacherKeys(list string) string {
	if list == "(vide)" || !strings.Contains(list, "(") {
		return list
	}
	var keys []string
	for _, m := range regexp.MustCompile(`\(([a-z]+:[0-9]+)\)|(?:^|, )([a-z]+:[0-9]+)`).FindAllStringSubmatch(list, -1) {
		keys = append(keys, m[1]+m[2])
	}
	return strings.Join(keys, ", ")
}

func keysText(keys []lsusync.TeacherKey) string {
	var s []string
	for _, k := range keys {
		s = append(s, k.String())
	}
	return strings.Join(s, ", ")
}

// storedBilan returns the stored bilan of key, "148801/2025-T1".
func storedBilan(t *testing.T, st lsusync.Store, key string) lsusync.Bilan {
	t.Helper()
	ctx := context.Background()
	id, _, _ := strings.Cut(key, "/")
	s, err := st.Student(ctx, id)
	require.NoError(t, err)
	bilans, err := st.Bilans(ctx, s.Class)
	require.NoError(t, err)
	i := slices.IndexFunc(bilans, func(b lsusync.Bilan) bool { return b.Key().String() == key })
	require.GreaterOrEqual(t, i, 0, "bilan %s", key)
	return bilans[i]
}

// saveScreenshot keeps the screenshot with the test's artifacts (go test
// -artifacts), and writes it where -screenshot says.
func saveScreenshot(t *testing.T, png []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(t.ArtifactDir(), "screen.png"), png, 0o644))
	if *screenshot != "" {
		require.NoError(t, os.WriteFile(*screenshot, png, 0o644))
	}
}

// TestInABrowserWithoutJavaScript runs the basic flow with scripts off:
// setting up a class new in the exports, the « Tout cocher » link,
// « Simuler », and the run's page that refreshes itself until the report;
// then a run's page whose refresh the user stops, and refreshes by hand.
func TestInABrowserWithoutJavaScript(t *testing.T) {
	ctx, con := browser(t)
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	require.NoError(t, err)

	g, wrap := gate("6B")
	f := newFixture(t, setup{token: token, wrap: wrap, edit: func(s *lsusync.Snapshot) { removeClass(s, "4e 1") }})
	do(t, ctx, chromedp.Navigate(f.srv.URL+"/?token="+token), chromedp.WaitVisible(chromedp.CSS("h1")))

	// 4e 1 is new in the exports: set it up with semesters.
	ax := accessible(t, ctx)
	if diff := cmp.Diff([]string{"3EME1", "4e 1 · Quatrième 1", "5 A", "5 B", "6A", "6B"}, ax["checkbox"]); diff != "" {
		t.Errorf("the checkboxes' names (-want +got):\n%s", diff)
	}
	require.Equal(t, []string{"Semestres (S1, S2)", "Trimestres (T1, T2, T3)"}, ax["radio"])
	require.Equal(t, []string{"Année scolaire"}, ax["combobox"])
	require.Contains(t, ax["heading"], "Classes à paramétrer")
	do(t, ctx, chromedp.Click(chromedp.ID("semestres")))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.JSPath(`Array.from(document.querySelectorAll("button")).find((b) => b.textContent === "Paramétrer")`)))
	require.NoError(t, err)
	require.Equal(t, []row{{"Succès", "La classe 4e 1 (Quatrième 1) est paramétrée : S1 S2 (2025-2026)."}}, pageRows(t, ctx))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`.retour a`)))
	require.NoError(t, err)

	// Every class, by the link, then « Simuler ».
	before := f.mem.Snapshot()
	do(t, ctx, chromedp.Click(chromedp.CSS("a[data-tout-cocher]")), chromedp.WaitVisible(chromedp.CSS(`a[href="./"][data-tout-cocher]`)))
	require.Equal(t, f.srv.URL+"/?toutes=1", run(t, ctx, chromedp.Location()))
	require.Len(t, checked(t, ctx), 6)
	do(t, ctx, chromedp.Click(chromedp.CSS(`button[value="simuler"]`)), chromedp.WaitVisible(chromedp.CSS("[data-progress-text]")))
	<-g.entered
	require.Equal(t, f.srv.URL+"/rapport?n=1", run(t, ctx, chromedp.Location()))
	require.Equal(t, "5", run(t, ctx, chromedp.Evaluate[string](refreshing)))
	close(g.release)
	// Nothing but the page's own refresh brings the report.
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("table.rapport")))
	rep, _ := reference(t, before, true, "3EME1", "4e 1", "5 A", "5 B", "6A", "6B")
	if diff := cmp.Diff(wantRows(rep, lsusync.TextOptions{}), pageRows(t, ctx)); diff != "" {
		t.Errorf("simulation's rows (-want +got):\n%s", diff)
	}
	added := 0
	for _, r := range pageRows(t, ctx) {
		if r == (row{"Succès", "L'élève (4e 1) serait ajouté."}) {
			added++
		}
	}
	require.Equal(t, rep.Counts().StudentsAdded, added, "a row per pupil added")

	// A page that reloads itself makes a screen reader read it again:
	// the user may stop it, and refresh by hand.
	g.rearm()
	do(t, ctx, chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1")),
		chromedp.Click(chromedp.JSPath(`Array.from(document.querySelectorAll("label")).find((l) => l.textContent === "6B")`)),
		chromedp.Click(chromedp.CSS(`button[value="simuler"]`)), chromedp.WaitVisible(chromedp.CSS("[data-progress-text]")))
	<-g.entered
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.JSPath(link("Arrêter la mise à jour automatique"))))
	require.NoError(t, err)
	require.Equal(t, f.srv.URL+"/rapport?manuel=1&n=2", run(t, ctx, chromedp.Location()))
	require.Empty(t, run(t, ctx, chromedp.Evaluate[string](refreshing)), "the page does not reload itself")
	require.Equal(t, "Simulation en cours", run(t, ctx, chromedp.Text(chromedp.CSS("h1"))))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.JSPath(link("Actualiser"))))
	require.NoError(t, err)
	require.Equal(t, "Simulation en cours", run(t, ctx, chromedp.Text(chromedp.CSS("h1"))))
	require.Empty(t, run(t, ctx, chromedp.Evaluate[string](refreshing)), "still stopped")
	close(g.release)
	c := f.client(t)
	c.login()
	c.wait("rapport?n=2")
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.JSPath(link("Actualiser"))))
	require.NoError(t, err)
	rep, _ = reference(t, f.mem.Snapshot(), true, "6B")
	if diff := cmp.Diff(wantRows(rep, lsusync.TextOptions{}), pageRows(t, ctx)); diff != "" {
		t.Errorf("second simulation's rows (-want +got):\n%s", diff)
	}
	con.check(t)
}

// refreshing is the delay of the page's refresh, "" when it has none:
// scripts off, the content of <noscript> is the page's.
const refreshing = `(document.querySelector('meta[http-equiv="refresh"]') || {content: ""}).content`

// link is the JSPath of the page's link whose text is text.
func link(text string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll("a")).find((a) => a.textContent === %q)`, text)
}
