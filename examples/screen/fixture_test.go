package screen_test

import (
	"bytes"
	"context"
	"flag"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/examples/screen"
	"github.com/lsusync/lsusync/examples/siecle"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// The sample data of the project: a store made from a first export, and a
// later export with a few changes (examples/testdata).
const (
	sampleStore = "../testdata/lsu.json"
	changedDir  = "../testdata/exports-2025-changed"
	token       = "jeton-de-test-0123456789"
)

// today is the date of the changed export: the tests' clock.
var today = time.Date(2025, time.December, 15, 10, 32, 0, 0, time.Local)

func clock() time.Time { return today }

// sampleSnapshot returns the content of the sample store. It reads a copy:
// opening the file in place would leave its lock file in the source tree.
func sampleSnapshot(t *testing.T) lsusync.Snapshot {
	t.Helper()
	path := copySample(t)
	st, err := filestore.Open(context.Background(), path, filestore.Options{ReadOnly: true})
	require.NoError(t, err)
	defer st.Close()
	return st.Snapshot()
}

// copySample copies the sample store to a temporary folder and returns
// the copy's path.
func copySample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(sampleStore)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "lsu.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

// sampleSource reads the changed sample export.
func sampleSource(t *testing.T) *siecle.Source {
	t.Helper()
	src, err := siecle.OpenDir(context.Background(), changedDir, siecle.Options{})
	require.NoError(t, err)
	return src
}

// fixed is an OpenSource that returns src.
func fixed(src lsusync.Source) screen.OpenSource {
	return func(context.Context) (lsusync.Source, error) { return src, nil }
}

// fixture is a screen served over HTTP, on a memory store made from the
// sample store, with its log captured.
type fixture struct {
	h   *screen.Handler
	st  lsusync.Store
	mem *memory.Store
	srv *httptest.Server
	log *lockedBuffer
}

// setup is how a test wants its fixture: edit changes the store's content
// before the handler starts, open replaces the sample source, wrap wraps
// the memory store.
type setup struct {
	edit  func(*lsusync.Snapshot)
	open  screen.OpenSource
	wrap  func(*memory.Store) lsusync.Store
	token string
}

func newFixture(t *testing.T, s setup) *fixture {
	t.Helper()
	snap := sampleSnapshot(t)
	if s.edit != nil {
		s.edit(&snap)
	}
	mem, err := memory.New(snap)
	require.NoError(t, err)
	f := &fixture{mem: mem, st: mem, log: &lockedBuffer{}}
	if s.wrap != nil {
		f.st = s.wrap(mem)
	}
	if s.open == nil {
		s.open = fixed(sampleSource(t))
	}
	logger := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.h = screen.New(f.st, s.open, screen.Options{Token: s.token, Now: clock, Logger: logger})
	f.srv = newServer(t, f.h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := f.h.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return f
}

// newServer serves h until the test ends.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// client returns a browser-like client of the fixture: it keeps cookies
// and does not follow redirects, so that the tests see them.
func (f *fixture) client(t *testing.T) *client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &client{t: t, base: f.srv.URL + "/", http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// client is an HTTP client of the screen.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

// response is a response read whole.
type response struct {
	code   int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return response{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// get requests the page at path, relative to the screen's root.
func (c *client) get(path string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	require.NoError(c.t, err)
	return c.do(req)
}

// post sends form to path, as a browser's form of the same origin does.
func (c *client) post(path string, form url.Values, header ...string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

// login gives the client the token's cookie.
func (c *client) login() {
	c.t.Helper()
	r := c.get("?token=" + url.QueryEscape(token))
	require.Equal(c.t, http.StatusSeeOther, r.code, "the token's redirect")
}

// start posts the form of the selection page and returns the run's page,
// where the response redirects.
func (c *client) start(action string, classes ...string) string {
	c.t.Helper()
	r := c.post("synchroniser", url.Values{"action": {action}, "classe": classes})
	require.Equal(c.t, http.StatusSeeOther, r.code, "starting a run: %s", r.body)
	loc := r.header.Get("Location")
	require.True(c.t, strings.HasPrefix(loc, "./rapport?n="), "Location %q", loc)
	return strings.TrimPrefix(loc, "./")
}

// wait waits for the run whose page is at path to end, and returns its
// page.
func (c *client) wait(path string) response {
	c.t.Helper()
	progress := strings.Replace(path, "rapport?", "progression?", 1)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if r := c.get(progress); !strings.Contains(r.body, `"running":true`) {
			return c.get(path)
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.t.Fatalf("the run at %s did not end", path)
	return response{}
}

// row is a row of a report's table, as the page shows it.
type row struct{ Status, Message string }

var rowRE = regexp.MustCompile(`(?s)<td class="statut"><span role="img" aria-label="([^"]*)">[^<]*</span></td>\s*<td><span class="message">([^<]*)</span>`)

// rows returns the rows of the report's table of a page.
func rows(page string) []row {
	var rs []row
	for _, m := range rowRE.FindAllStringSubmatch(page, -1) {
		rs = append(rs, row{Status: m[1], Message: html.UnescapeString(m[2])})
	}
	return rs
}

// text returns the text of a page's HTML: its tags removed, its entities
// decoded, its spaces collapsed.
func text(page string) string {
	s := regexp.MustCompile(`</?(?:a|span|abbr|label)\b[^>]*>`).ReplaceAllString(page, "") // inline
	s = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// lockedBuffer is a buffer that several goroutines write to.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// golden compares got with the golden file name under testdata, which
// -update rewrites.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run the tests with -update to create the golden file")
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n%s", name, cmp.Diff(string(want), got))
	}
}
