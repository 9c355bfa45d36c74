package lsusync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Sentinel errors of a [Claimer], matched with errors.Is.
var (
	// ErrClaimed reports an establishment that another worker is
	// synchronising: [SyncMany] moves on to the next one.
	ErrClaimed = errors.New("lsusync: establishment claimed by another worker")
	// ErrAlreadySynced reports an establishment that a worker already
	// synchronised, successfully, from the same exports (the same
	// fingerprint): [SyncMany] passes over it.
	ErrAlreadySynced = errors.New("lsusync: establishment already synchronised from the same exports")
)

// Target is one establishment for [SyncMany]: how to open its source.
// Its UAI is the one the source gives.
type Target struct {
	// Name tells the establishment apart before its UAI is known: the
	// folder of its exports, for example. It is in its [ManyResult].
	Name string
	// Open opens the establishment's source. A refusal (damaged or
	// missing files) is the establishment's result, of [ManyRefused].
	// A Source that implements io.Closer is closed after the sync.
	Open func(ctx context.Context) (Source, error)
	// Fingerprint, when not nil, is called once the source is open and
	// returns what tells its data apart from other data: a digest of
	// the files read. A [Claimer] records it, and passes over an
	// establishment already synchronised from the same data.
	Fingerprint func(ctx context.Context) (string, error)
}

// Claimer lets several workers, in several processes or on several
// machines, share one run of [SyncMany] with no coordinator of their
// own: before it synchronises an establishment, a worker claims it.
// Its methods are called from several goroutines at once.
type Claimer interface {
	// Claim takes the establishment uai for the synchronisation of the
	// data whose fingerprint is given ("" when the target gives none).
	// It fails with an error wrapping [ErrClaimed] when another worker
	// holds it, and [ErrAlreadySynced] when it was synchronised
	// successfully from the same fingerprint, which a Claimer may judge
	// within the run only. The returned Claim's context is cancelled
	// when the claim is lost: the synchronisation then stops, writing
	// nothing.
	Claim(ctx context.Context, uai, fingerprint string) (Claim, error)
}

// Claim is an establishment that a worker took from a [Claimer].
type Claim interface {
	// Context returns a context derived from parent that is cancelled
	// when the claim is lost (another worker took it, the database is
	// gone): the synchronisation runs under it.
	Context(parent context.Context) (context.Context, context.CancelFunc)
	// Release records the outcome of the synchronisation and frees the
	// establishment. A failed or interrupted one leaves it to be taken
	// again. Release is called once, with a context that is not
	// cancelled with the run's.
	Release(ctx context.Context, outcome ManyResult) error
}

// ManyStatus is the outcome of one establishment of [SyncMany].
type ManyStatus int

const (
	// ManySynced is an establishment synchronised, warnings included.
	ManySynced ManyStatus = iota
	// ManyErrors is an establishment whose synchronisation ran but whose
	// report has errors (some classes failed) or whose writes failed.
	ManyErrors
	// ManyRefused is an establishment refused before any write: its
	// exports could not be read, are another school's, the store does
	// not hold it, or the synchronisation refused to start.
	ManyRefused
	// ManyClaimed is an establishment another worker held: not
	// synchronised by this one.
	ManyClaimed
	// ManyAlreadySynced is an establishment already synchronised from
	// the same exports: passed over.
	ManyAlreadySynced
	// ManyInterrupted is an establishment the cancellation of the run
	// stopped, or never reached, or whose claim was lost during its
	// synchronisation: whole as before.
	ManyInterrupted
)

var manyStatusNames = [...]string{"synced", "errors", "refused", "claimed", "already-synced", "interrupted"}

// String returns the status's name: synced, errors, refused, claimed,
// already-synced or interrupted.
func (s ManyStatus) String() string { return enumName(manyStatusNames[:], "ManyStatus", int(s)) }

// MarshalText returns the status's name.
func (s ManyStatus) MarshalText() ([]byte, error) {
	return enumText(manyStatusNames[:], "ManyStatus", int(s))
}

// UnmarshalText parses a status's name.
func (s *ManyStatus) UnmarshalText(b []byte) error {
	v, err := enumParse(manyStatusNames[:], "ManyStatus", b)
	*s = ManyStatus(v)
	return err
}

// Done reports whether the establishment needs nothing more of this run:
// synchronised, by this worker or another, or held by another worker.
func (s ManyStatus) Done() bool {
	return s == ManySynced || s == ManyAlreadySynced || s == ManyClaimed
}

// ManyResult is the outcome of one establishment of [SyncMany].
type ManyResult struct {
	// Name is the target's.
	Name string `json:"name"`
	// UAI is the establishment's, as its source gives it; empty when
	// the source could not be opened.
	UAI string `json:"uai,omitempty"`
	// Status is the outcome.
	Status ManyStatus `json:"status"`
	// Counts sums up the synchronisation's report, when it ran.
	Counts Counts `json:"counts"`
	// Classes is the number of classes the report covers.
	Classes int `json:"classes"`
	// Pupils is the number of pupils the report lists: those of the
	// classes the synchronisation read (a class passed over as
	// unchanged, see [Options.SkipUnchanged], lists none).
	Pupils int `json:"pupils"`
	// Duration is the time the establishment took, from the opening of
	// its source to the end of its synchronisation.
	Duration time.Duration `json:"duration"`
	// Fingerprint is the target's fingerprint, when it gives one.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Err is why the establishment is not synchronised, or the errors of
	// its report; nil for ManySynced and ManyAlreadySynced.
	Err error `json:"-"`
	// Stage says where Err came from, for a ManyRefused: "source" (the
	// exports), "claim", "store" (opening it) or "sync" (the
	// synchronisation refused to start).
	Stage string `json:"stage,omitempty"`
}

// ManySummary is what [SyncMany] did: one result per target, in the
// targets' order, and the totals.
type ManySummary struct {
	Results []ManyResult `json:"results"`
	// Totals counts the results by status.
	Totals map[ManyStatus]int `json:"totals"`
	// Pupils is the number of pupils of the establishments this worker
	// synchronised (ManySynced and ManyErrors).
	Pupils int `json:"pupils"`
	// Duration is the time the whole run took.
	Duration time.Duration `json:"duration"`
}

// OK reports whether every establishment needs nothing more of this run
// (see [ManyStatus.Done]).
func (s *ManySummary) OK() bool {
	for _, r := range s.Results {
		if !r.Status.Done() {
			return false
		}
	}
	return true
}

// ManyOptions configures [SyncMany].
type ManyOptions struct {
	// Workers is the largest number of establishments synchronised at
	// once. Zero or less means 1.
	Workers int
	// Sync is the Options of each establishment's [Synchronizer].
	Sync Options
	// Store opens the store of the establishment uai, once its source
	// is open and, with a Claimer, claimed. A Store that implements
	// io.Closer is closed after the sync. An error wrapping
	// [ErrNotFound] says the store does not hold the establishment.
	// Required.
	Store func(ctx context.Context, uai string) (Store, error)
	// Claimer, when not nil, claims each establishment before its
	// synchronisation.
	Claimer Claimer
	// Done, when not nil, is called with each establishment's result as
	// soon as it is known, one call at a time; for the establishments a
	// cancellation kept from starting, at the end, in the targets' order.
	Done func(ManyResult)
}

// SyncMany synchronises the targets' establishments, opts.Workers at
// once, each with the rules of a single [Synchronizer.Sync], and returns
// the summary. Each establishment's source and store are opened when its
// turn comes and released after it: a worker holds one establishment at
// a time, whatever the number of targets. An establishment that fails or
// is refused has its result and stops nothing else.
//
// When ctx is cancelled, SyncMany stops promptly: the establishments
// being synchronised stop as Sync does (with a [Batcher], writing
// nothing), the others are not started, and each is ManyInterrupted.
// SyncMany then returns the summary and an error matching ctx's. It
// returns a nil summary and an error only when opts.Store is nil.
func SyncMany(ctx context.Context, targets []Target, opts ManyOptions) (*ManySummary, error) {
	if opts.Store == nil {
		return nil, errors.New("lsusync: SyncMany: ManyOptions.Store is nil")
	}
	start := time.Now()
	results := make([]ManyResult, len(targets))
	started := make([]bool, len(targets))
	var mu sync.Mutex // serialises opts.Done
	var g errgroup.Group
	g.SetLimit(max(opts.Workers, 1))
	for i := range targets {
		if ctx.Err() != nil {
			break
		}
		started[i] = true
		g.Go(func() error {
			results[i] = syncOne(ctx, &targets[i], &opts)
			if opts.Done != nil {
				mu.Lock()
				opts.Done(results[i])
				mu.Unlock()
			}
			return nil
		})
	}
	g.Wait() // the workers return no error: each result holds its own
	sum := &ManySummary{Results: results, Totals: make(map[ManyStatus]int)}
	for i := range results {
		r := &results[i]
		if !started[i] { // the run was cancelled first
			*r = ManyResult{Name: targets[i].Name, Status: ManyInterrupted, Err: ctxErr(ctx)}
			if opts.Done != nil {
				opts.Done(*r)
			}
		}
		sum.Totals[r.Status]++
		if r.Status == ManySynced || r.Status == ManyErrors {
			sum.Pupils += r.Pupils
		}
	}
	sum.Duration = time.Since(start)
	if ctx.Err() != nil {
		return sum, ctxErr(ctx)
	}
	return sum, nil
}

// syncOne synchronises one target's establishment and returns its result.
func syncOne(ctx context.Context, t *Target, opts *ManyOptions) (r ManyResult) {
	start := time.Now()
	r.Name = t.Name
	defer func() {
		r.Duration = time.Since(start)
		if r.Status == ManyRefused && ctx.Err() != nil {
			r.Status = ManyInterrupted // refused for the cancellation
		}
	}()
	refused := func(stage string, err error) ManyResult {
		r.Status, r.Stage, r.Err = ManyRefused, stage, err
		return r
	}
	if t.Open == nil {
		return refused("source", fmt.Errorf("lsusync: target %q: Open is nil", t.Name))
	}
	src, err := t.Open(ctx)
	if err != nil {
		return refused("source", err)
	}
	defer closeIfCloser(src)
	est, err := src.Establishment(ctx)
	if err != nil {
		return refused("source", err)
	}
	r.UAI = est.UAI
	if est.UAI == "" {
		return refused("source", fmt.Errorf("lsusync: target %q: the source gives no UAI: %w", t.Name, ErrInvalid))
	}
	if t.Fingerprint != nil {
		if r.Fingerprint, err = t.Fingerprint(ctx); err != nil {
			return refused("source", err)
		}
	}

	syncCtx := ctx
	if opts.Claimer != nil {
		claim, err := opts.Claimer.Claim(ctx, est.UAI, r.Fingerprint)
		switch {
		case errors.Is(err, ErrClaimed):
			r.Status, r.Err = ManyClaimed, err
			return r
		case errors.Is(err, ErrAlreadySynced):
			r.Status = ManyAlreadySynced
			return r
		case err != nil:
			return refused("claim", err)
		}
		var cancel context.CancelFunc
		syncCtx, cancel = claim.Context(ctx)
		defer cancel()
		defer func() {
			if err := claim.Release(context.WithoutCancel(ctx), r); err != nil && r.Err == nil {
				r.Status, r.Err = ManyErrors, err
			}
		}()
	}

	st, err := opts.Store(syncCtx, est.UAI)
	if err != nil {
		return refused("store", err)
	}
	defer closeIfCloser(st)
	rep, err := New(src, st, opts.Sync).Sync(syncCtx)
	if rep == nil {
		return refused("sync", err)
	}
	r.Counts, r.Classes = rep.Counts(), len(rep.Classes)
	r.Pupils = countPupils(rep)
	switch {
	case err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		// The run's cancellation, or the claim lost: with a Batcher,
		// nothing was written.
		r.Status, r.Err = ManyInterrupted, err
	case err != nil:
		r.Status, r.Err = ManyErrors, err
	case rep.Status == StatusError:
		r.Status, r.Err = ManyErrors, rep.Err()
	default:
		r.Status = ManySynced
	}
	return r
}

// countPupils counts the pupils a report covers: its items of pupils.
func countPupils(rep *Report) int {
	n := 0
	for _, it := range rep.Items {
		if it.Kind == KindStudent {
			n++
		}
	}
	return n
}

func closeIfCloser(v any) {
	if c, ok := v.(io.Closer); ok {
		c.Close()
	}
}
