package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// TestServe runs lsusync serve as a user does: it listens on 127.0.0.1,
// prints the address with its token, serves the screen to whoever has the
// token, holds the store, and stops on Ctrl-C with the status of an
// interrupted command, the token never written to its log.
func TestServe(t *testing.T) {
	store := sampleCopy(t)
	cmd := exec.Command(os.Args[0], "serve", "-store", store, "-dir", changedDir, "-addr", "127.0.0.1:0", "-today", changedToday)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	stderr := &lockedBuffer{} // written by the command while the test reads it
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill() }) // when the test fails before the Ctrl-C

	out := bufio.NewReader(stdout)
	first, err := out.ReadString('\n')
	require.NoError(t, err, "stderr: %s", stderr.String())
	second, err := out.ReadString('\n')
	require.NoError(t, err)
	m := regexp.MustCompile(`^Synchronisation Base Élèves : (http://127\.0\.0\.1:\d+/\?token=([A-Z2-7]{26,}))\n$`).FindStringSubmatch(first)
	require.NotNil(t, m, "first line %q", first)
	address, token := m[1], m[2]
	require.Contains(t, second, "ne la communiquez pas")
	u, err := url.Parse(address)
	require.NoError(t, err)
	root := "http://" + u.Host + "/"

	// Without the token: nothing.
	resp, err := http.Get(root)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// With it, as a browser: the screen, then a simulation.
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar}
	page := get(t, browser, address)
	require.Contains(t, page, "<h1>Synchronisation Base Élèves</h1>")
	require.Contains(t, page, `value="4e 1"`)
	resp, err = browser.PostForm(root+"synchroniser", url.Values{"action": {"simuler"}, "classe": {"6B", "5 B"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "/rapport", resp.Request.URL.Path, "redirected to the run's page")
	var progress struct{ Running bool }
	for deadline := time.Now().Add(20 * time.Second); ; {
		require.NoError(t, json.Unmarshal([]byte(get(t, browser, root+"progression?n=1")), &progress))
		if !progress.Running || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	report := get(t, browser, root+"rapport?n=1")
	require.Contains(t, report, "Simulation lancée pour : 5 B, 6B", "the classes in the page's order, whatever the form's")

	// The store is the server's while it runs: a sync is refused at
	// once, whatever its wait, and told who holds the store and what to
	// do; the commands that only read work.
	for _, wait := range []string{"0", "30s"} {
		busy := lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-wait", wait)
		busy.require(t, exitRefused)
		require.Contains(t, busy.stderr, "est ouvert par l'écran Synchronisation Base Élèves (lsusync serve) depuis ")
		require.Contains(t, busy.stderr, "synchronisez depuis l'écran, ou arrêtez le serveur")
		require.Contains(t, busy.stderr, "(held by serve since ")
	}
	classes := lsusyncRun(t, "classes", "-store", store, "-dir", changedDir)
	classes.require(t, exitOK)
	require.Contains(t, classes.stdout, "3EME1")
	dry := lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-dry-run")
	dry.require(t, exitOK)
	require.Contains(t, dry.stdout, "Simulation lancée pour : 3EME1")

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, exitInterrupted, exit.ExitCode(), "stderr: %s", stderr.String())

	log := stderr.String()
	for _, want := range []string{"lsusync serve: listening", "addr=127.0.0.1:", "screen: sync started", "screen: sync ended", "serveur arrêté"} {
		require.Contains(t, log, want)
	}
	require.NotContains(t, log, token, "the token is never logged")
	require.NotContains(t, log, "attention", "127.0.0.1 is this machine only")
	// The store is free again, and the simulation wrote nothing.
	lsusyncRun(t, "sync", "-store", store, "-dir", changedDir, "-dry-run", "-exit-code").require(t, exitChanges)
	require.Equal(t, readFile(t, sampleStore), readFile(t, store))
}

// lockedBuffer is a buffer that a command writes to while the test reads it.
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

// get returns the body of a page, which must be found.
func get(t *testing.T, c *http.Client, address string) string {
	t.Helper()
	resp, err := c.Get(address)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", address, b)
	return string(b)
}

// serveOnce runs lsusync serve on store and dir, and returns its screen's
// first page, as a browser gets it with the printed address.
func serveOnce(t *testing.T, store, dir string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "-store", store, "-dir", dir, "-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	first, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "stderr: %s", stderr.String())
	m := regexp.MustCompile(`^Synchronisation Base Élèves : (http://\S+)\n$`).FindStringSubmatch(first)
	require.NotNil(t, m, "first line %q, stderr %s", first, stderr.String())
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return get(t, &http.Client{Jar: jar}, m[1])
}

func TestServeUsage(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "exports.zip")
	require.NoError(t, os.WriteFile(notADir, []byte("x"), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no store", []string{"serve", "-dir", changedDir}, exitUsage, "-store et -dir sont obligatoires"},
		{"no exports", []string{"serve", "-store", "s"}, exitUsage, "-store et -dir sont obligatoires"},
		{"the files one by one", []string{"serve", "-store", "s", "-bee", "b"}, exitUsage, "option inconnue : -bee"},
		{"no such folder", []string{"serve", "-store", "s", "-dir", filepath.Join(t.TempDir(), "nope")}, exitRefused, "le dossier des exports"},
		{"a file", []string{"serve", "-store", "s", "-dir", notADir}, exitRefused, "est introuvable"},
		{"no store file", []string{"serve", "-store", filepath.Join(t.TempDir(), "lsu.json"), "-dir", changedDir}, exitRefused, "lsusync init"},
		{"a wrong address", []string{"serve", "-store", sampleCopy(t), "-dir", changedDir, "-addr", "127.0.0.1:http-alt-nope"}, exitRefused, "ne peut pas écouter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := lsusyncRun(t, tc.args...)
			r.require(t, tc.code)
			require.Contains(t, r.stderr, tc.want)
			require.Empty(t, r.stdout, "no address printed")
		})
	}

	r := lsusyncRun(t, "serve", "-h")
	r.require(t, exitOK)
	for _, want := range []string{"lsusync serve : ", "Utilisation :", "Exemples :", "Options :", "-addr", `(par défaut : 127.0.0.1:8080)`, "Statuts de sortie :", "130"} {
		require.Contains(t, r.stdout, want)
	}
	require.Contains(t, lsusyncRun(t, "-h").stdout, "lsusync serve     -store lsu.json -dir EXPORTS [-addr 127.0.0.1:8080]")
}

func TestServeAddress(t *testing.T) {
	tests := []struct {
		addr     string
		url      string
		loopback bool
	}{
		{"127.0.0.1:8080", "http://127.0.0.1:8080/?token=T0K", true},
		{"[::1]:8080", "http://[::1]:8080/?token=T0K", true},
		{"0.0.0.0:8080", "http://127.0.0.1:8080/?token=T0K", false},
		{"[::]:9000", "http://127.0.0.1:9000/?token=T0K", false},
		{"192.168.1.20:8080", "http://192.168.1.20:8080/?token=T0K", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			a, err := net.ResolveTCPAddr("tcp", tt.addr)
			require.NoError(t, err)
			got := []any{screenURL(a, "T0K"), loopback(a)}
			if diff := cmp.Diff([]any{tt.url, tt.loopback}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestServeStopsWithItsContext checks the command's end when its context
// is cancelled otherwise than by a signal: a clean stop, status 0.
func TestServeStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "-store", sampleCopy(t), "-dir", changedDir, "-addr", "127.0.0.1:0"}, pw, &stderr)
		pw.Close()
	}()
	out := bufio.NewReader(pr)
	first, err := out.ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(first, "Synchronisation Base Élèves : http://127.0.0.1:"), first)
	go io.Copy(io.Discard, out)
	cancel()
	select {
	case code := <-done:
		require.Equal(t, exitOK, code, stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop with its context")
	}
	require.Contains(t, stderr.String(), "serveur arrêté")
}
