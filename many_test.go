package lsusync_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/memory"
)

// manyFixture is a run of SyncMany over establishments held in memory:
// stores by UAI, and the targets' sources.
type manyFixture struct {
	stores  map[string]*memory.Store
	targets []lsusync.Target
}

// schoolSource is exampleSource for the establishment uai.
func schoolSource(uai string) *memory.Source {
	src := exampleSource()
	src.School.UAI = uai
	return src
}

// schoolStore is exampleStore for the establishment uai.
func schoolStore(t testing.TB, uai string) *memory.Store {
	snap := exampleStore().Snapshot()
	snap.Establishment.UAI = uai
	st, err := memory.New(snap)
	require.NoError(t, err)
	return st
}

func newManyFixture(t testing.TB) *manyFixture {
	f := &manyFixture{stores: make(map[string]*memory.Store)}
	for _, uai := range []string{"0750001A", "0750002B", "0750003C"} {
		f.stores[uai] = schoolStore(t, uai)
		f.targets = append(f.targets, lsusync.Target{
			Name:        "exports-" + uai,
			Open:        func(context.Context) (lsusync.Source, error) { return schoolSource(uai), nil },
			Fingerprint: func(context.Context) (string, error) { return "fp-" + uai, nil },
		})
	}
	return f
}

func (f *manyFixture) store(_ context.Context, uai string) (lsusync.Store, error) {
	st, ok := f.stores[uai]
	if !ok {
		return nil, fmt.Errorf("store: %s: %w", uai, lsusync.ErrNotFound)
	}
	return st, nil
}

// statuses returns each result's name and status.
func statuses(sum *lsusync.ManySummary) map[string]string {
	m := make(map[string]string)
	for _, r := range sum.Results {
		m[r.Name] = r.Status.String()
	}
	return m
}

func TestSyncMany(t *testing.T) {
	errDamaged := errors.New("exports: damaged zip")
	tests := []struct {
		name   string
		extra  []lsusync.Target
		want   map[string]string
		wantOK bool
	}{
		{
			name:   "all synced",
			want:   map[string]string{"exports-0750001A": "synced", "exports-0750002B": "synced", "exports-0750003C": "synced"},
			wantOK: true,
		},
		{
			name: "damaged exports and an establishment not in the store",
			extra: []lsusync.Target{
				{Name: "damaged", Open: func(context.Context) (lsusync.Source, error) { return nil, errDamaged }},
				{Name: "unknown", Open: func(context.Context) (lsusync.Source, error) { return schoolSource("0999999Z"), nil }},
			},
			want: map[string]string{"exports-0750001A": "synced", "exports-0750002B": "synced", "exports-0750003C": "synced",
				"damaged": "refused", "unknown": "refused"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newManyFixture(t)
			targets := append(f.targets, tt.extra...)
			sum, err := lsusync.SyncMany(context.Background(), targets, lsusync.ManyOptions{Workers: 2, Store: f.store})
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, statuses(sum)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if sum.OK() != tt.wantOK {
				t.Errorf("OK() = %v, want %v", sum.OK(), tt.wantOK)
			}
			for _, r := range sum.Results {
				switch r.Name {
				case "damaged":
					if !errors.Is(r.Err, errDamaged) || r.Stage != "source" {
						t.Errorf("damaged: stage %q, err %v", r.Stage, r.Err)
					}
				case "unknown":
					if !errors.Is(r.Err, lsusync.ErrNotFound) || r.Stage != "store" || r.UAI != "0999999Z" {
						t.Errorf("unknown: UAI %q, stage %q, err %v", r.UAI, r.Stage, r.Err)
					}
				default:
					if r.Counts.StudentsAdded != 1 || r.Pupils != 2 || r.Classes != 1 {
						t.Errorf("%s: counts %+v, pupils %d, classes %d", r.Name, r.Counts, r.Pupils, r.Classes)
					}
				}
			}
			// Each establishment is as a single sync leaves it.
			for uai, st := range f.stores {
				want := schoolStore(t, uai)
				_, err := lsusync.New(schoolSource(uai), want, lsusync.Options{}).Sync(context.Background())
				require.NoError(t, err)
				if diff := cmp.Diff(want.Snapshot(), st.Snapshot()); diff != "" {
					t.Errorf("%s (-single sync +SyncMany):\n%s", uai, diff)
				}
			}
			if got := sum.Totals[lsusync.ManySynced]; got != 3 {
				t.Errorf("Totals[synced] = %d, want 3", got)
			}
		})
	}
}

// fakeClaimer is a Claimer in memory: it remembers the successful
// fingerprints and the establishments held.
type fakeClaimer struct {
	mu       sync.Mutex
	held     map[string]bool
	synced   map[string]string // UAI → fingerprint
	released []string
}

func (c *fakeClaimer) Claim(_ context.Context, uai, fp string) (lsusync.Claim, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held[uai] {
		return nil, fmt.Errorf("claim %s: %w", uai, lsusync.ErrClaimed)
	}
	if c.synced[uai] == fp {
		return nil, fmt.Errorf("claim %s: %w", uai, lsusync.ErrAlreadySynced)
	}
	c.held[uai] = true
	return &fakeClaim{c: c, uai: uai}, nil
}

type fakeClaim struct {
	c   *fakeClaimer
	uai string
}

func (k *fakeClaim) Context(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(parent)
}

func (k *fakeClaim) Release(_ context.Context, r lsusync.ManyResult) error {
	k.c.mu.Lock()
	defer k.c.mu.Unlock()
	delete(k.c.held, k.uai)
	if r.Status == lsusync.ManySynced {
		k.c.synced[k.uai] = r.Fingerprint
	}
	k.c.released = append(k.c.released, k.uai+" "+r.Status.String())
	return nil
}

func TestSyncManyClaims(t *testing.T) {
	f := newManyFixture(t)
	c := &fakeClaimer{
		held:   map[string]bool{"0750002B": true},            // another worker's
		synced: map[string]string{"0750003C": "fp-0750003C"}, // done from the same exports
	}
	sum, err := lsusync.SyncMany(context.Background(), f.targets, lsusync.ManyOptions{Store: f.store, Claimer: c})
	require.NoError(t, err)
	want := map[string]string{"exports-0750001A": "synced", "exports-0750002B": "claimed", "exports-0750003C": "already-synced"}
	if diff := cmp.Diff(want, statuses(sum)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"0750001A synced"}, c.released); diff != "" {
		t.Errorf("released (-want +got):\n%s", diff)
	}
	if !sum.OK() {
		t.Error("OK() = false, want true: the others are another worker's or done")
	}
	// A second run passes over the establishment synced from the same
	// exports.
	sum, err = lsusync.SyncMany(context.Background(), f.targets[:1], lsusync.ManyOptions{Store: f.store, Claimer: c})
	require.NoError(t, err)
	if got := sum.Results[0].Status; got != lsusync.ManyAlreadySynced {
		t.Errorf("second run: %v, want already-synced", got)
	}
}

// cancelling is a Store that cancels the run when the synchronizer reads
// its establishment.
type cancelling struct {
	lsusync.Store
	cancel context.CancelFunc
}

func (c cancelling) Establishment(ctx context.Context) (lsusync.Establishment, error) {
	c.cancel()
	return c.Store.Establishment(ctx)
}

func TestSyncManyCancelled(t *testing.T) {
	for _, when := range []string{"opening the source", "opening the store"} {
		t.Run(when, func(t *testing.T) { testSyncManyCancelled(t, when) })
	}
}

// testSyncManyCancelled cancels the run while the first establishment is
// opening its source, or its store: it stops before writing, and the
// others never start.
func testSyncManyCancelled(t *testing.T, when string) {
	f := newManyFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := f.store
	switch when {
	case "opening the source":
		open := f.targets[0].Open
		f.targets[0].Open = func(c context.Context) (lsusync.Source, error) {
			cancel()
			return open(c)
		}
	case "opening the store":
		store = func(c context.Context, uai string) (lsusync.Store, error) {
			st, err := f.store(c, uai)
			return cancelling{st, cancel}, err
		}
	}
	before := f.stores["0750001A"].Snapshot()
	var done []string
	sum, err := lsusync.SyncMany(ctx, f.targets, lsusync.ManyOptions{Workers: 1, Store: store,
		Done: func(r lsusync.ManyResult) { done = append(done, r.Name) }})
	require.ErrorIs(t, err, context.Canceled)
	// Done is called for every establishment, those never started too.
	if diff := cmp.Diff([]string{"exports-0750001A", "exports-0750002B", "exports-0750003C"}, done); diff != "" {
		t.Errorf("Done's calls (-want +got):\n%s", diff)
	}
	want := map[string]string{"exports-0750001A": "interrupted", "exports-0750002B": "interrupted", "exports-0750003C": "interrupted"}
	if diff := cmp.Diff(want, statuses(sum)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, f.stores["0750001A"].Snapshot()); diff != "" {
		t.Errorf("the interrupted establishment changed (-before +after):\n%s", diff)
	}
	for _, r := range sum.Results {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: err %v, want context.Canceled", r.Name, r.Err)
		}
	}
}

func TestSyncManyNoStore(t *testing.T) {
	if _, err := lsusync.SyncMany(context.Background(), nil, lsusync.ManyOptions{}); err == nil {
		t.Fatal("SyncMany without ManyOptions.Store: no error")
	}
}

// Many establishments synchronised two at once, each from its own
// source into its own store, with a line per establishment and the
// totals. An establishment the stores do not hold is refused on its own
// line and stops nothing else.
func ExampleSyncMany() {
	stores := map[string]*memory.Store{}
	var targets []lsusync.Target
	for _, uai := range []string{"0750001A", "0750002B", "0999999Z"} {
		if uai != "0999999Z" {
			snap := exampleStore().Snapshot()
			snap.Establishment.UAI = uai
			st, err := memory.New(snap)
			if err != nil {
				log.Fatal(err)
			}
			stores[uai] = st
		}
		targets = append(targets, lsusync.Target{
			Name: "exports/" + uai,
			Open: func(ctx context.Context) (lsusync.Source, error) {
				src := exampleSource()
				src.School.UAI = uai
				return src, nil
			},
		})
	}
	sum, err := lsusync.SyncMany(context.Background(), targets, lsusync.ManyOptions{
		Workers: 2,
		Store: func(ctx context.Context, uai string) (lsusync.Store, error) {
			if st, ok := stores[uai]; ok {
				return st, nil
			}
			return nil, fmt.Errorf("establishment %s: %w", uai, lsusync.ErrNotFound)
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range sum.Results {
		fmt.Println(r.UAI, r.Status, r.Counts.StudentsAdded, "pupil(s) added", r.Err)
	}
	fmt.Println(sum.Totals[lsusync.ManySynced], "synced,", sum.Totals[lsusync.ManyRefused], "refused; every one:", sum.OK())
	// Output:
	// 0750001A synced 1 pupil(s) added <nil>
	// 0750002B synced 1 pupil(s) added <nil>
	// 0999999Z refused 0 pupil(s) added establishment 0999999Z: lsusync: not found
	// 2 synced, 1 refused; every one: false
}
