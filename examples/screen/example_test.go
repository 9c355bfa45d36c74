package screen_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
	"github.com/lsusync/lsusync/examples/screen"
)

// The screen mounted under /lsu/ of a web application, behind an access
// token. A real application passes a file or database Store, and opens the
// SIECLE and STS-Web exports with siecle.OpenDir.
func Example() {
	est := lsusync.Establishment{UAI: "0750001A", Name: "COLLEGE SCIENCES & LETTRES"}
	st, err := memory.New(lsusync.Snapshot{
		Establishment: est,
		Classes:       []lsusync.Class{{Code: "3EME1", Label: "Troisième 1", Periods: lsusync.Trimesters(2025)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	// The exports are opened anew for each synchronisation.
	open := func(ctx context.Context) (lsusync.Source, error) {
		return &memory.Source{School: est, Classes: []lsusync.ClassData{{Code: "3EME1", Label: "Troisième 1"}}}, nil
	}
	h := screen.New(st, open, screen.Options{Token: "s3cret"})
	defer h.Shutdown(context.Background()) // cancels a running synchronisation

	mux := http.NewServeMux()
	mux.Handle("/lsu/", http.StripPrefix("/lsu", h))
	srv := httptest.NewServer(mux) // or http.Server{Addr: "127.0.0.1:8080", Handler: mux}
	defer srv.Close()

	// A browser opens the address with the token once: it gets a cookie,
	// and the page without the token in its address.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(srv.URL + "/lsu/?token=s3cret")
	if err != nil {
		log.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, h1, _ := strings.Cut(string(page), "<h1>")
	h1, _, _ = strings.Cut(h1, "</h1>")
	fmt.Println(resp.Request.URL.Path, resp.Status)
	fmt.Println(h1)
	// Output:
	// /lsu/ 200 OK
	// Synchronisation Base Élèves
}
