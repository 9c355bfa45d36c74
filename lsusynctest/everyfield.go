package lsusynctest

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/lsusync/lsusync"
)

// The EveryField checks store bilans with every field set, at LSU's
// limits, and read them back: through the seed, through Apply, and after
// a synchronisation, which must leave every field of their content as it
// was.

// withFullContent gives every bilan of s, and every acquis, all of its
// content (FullBilanContent, FullAcquisContent): the variants differ from
// one bilan to the next, so that the bilans of a seed hold between them
// every value of every enumeration.
func withFullContent(s lsusync.Snapshot, first int) lsusync.Snapshot {
	for i := range s.Bilans {
		b := &s.Bilans[i]
		b.BilanContent = FullBilanContent(first + i)
		for j := range b.Acquis {
			a := &b.Acquis[j]
			a.AcquisContent = FullAcquisContent(first + i + j)
			a.Subject.NationalCode = fmt.Sprintf("%06d", 100100+j)
		}
	}
	return s
}

// contentOf returns the content of each bilan of s, and of each of its
// acquis by subject key: what a synchronisation must leave as it was.
func contentOf(s lsusync.Snapshot) map[string]any {
	m := make(map[string]any)
	for _, b := range s.Bilans {
		m[b.Key().String()] = b.BilanContent
		for _, a := range b.Acquis {
			m[b.Key().String()+" "+a.Subject.Key().String()] = a.AcquisContent
			m[b.Key().String()+" "+a.Subject.Key().String()+" code national"] = a.Subject.NationalCode
		}
	}
	return m
}

func checkEveryField(e *env) {
	e.run("Seed", checkEveryFieldSeed)
	e.run("Apply", checkEveryFieldApply)
	e.run("Sync", checkEveryFieldSync)
}

// checkEveryFieldSeed reads back a seed whose bilans hold every field.
func checkEveryFieldSeed(e *env) {
	seed := withFullContent(Seed(), 0)
	st := e.newStore(withFullContent(Seed(), 0))
	e.expectContent(st, seed, "after seeding bilans with every field set")
}

// checkEveryFieldApply replaces a bilan and adds one, both with every
// field set, and reads them back.
func checkEveryFieldApply(e *env) {
	st := e.seeded()
	before := e.dump(st)
	replaced := findBilan(before, pupilZoe, tri(2))
	added := addedBilan(pupilTheo, tri(3))
	full := withFullContent(lsusync.Snapshot{Bilans: []lsusync.Bilan{replaced, added}}, 9)
	replaced, added = full.Bilans[0], full.Bilans[1]
	added.Version = ""
	cs := lsusync.ChangeSet{Bilans: []lsusync.Bilan{replaced, added}}
	e.apply(st, cs, "a change set of bilans with every field set")
	e.expectContent(st, applyModel(Seed(), cs), "after Apply of bilans with every field set")
}

// checkEveryFieldSync synchronises a store whose bilans hold every field,
// from a source that changes the subjects, teachers and professeurs
// principaux of its bilans en saisie directe, and checks that every field
// of their content is as it was.
func checkEveryFieldSync(e *env) {
	seed := withFullContent(syncSeed(), 0)
	st := e.newStore(withFullContent(syncSeed(), 0))
	syncer := lsusync.New(newSyncSource(seed), st, lsusync.Options{Now: func() time.Time { return syncNow }})
	rep, err := syncer.Sync(e.ctx)
	if err != nil {
		e.r.Fatalf("Sync of a store whose bilans hold every field: %v", err)
	}
	if err := rep.Err(); err != nil {
		e.r.Fatalf("Sync of a store whose bilans hold every field reported errors: %v", err)
	}
	if rep.Counts().BilansUpdated == 0 {
		e.r.Fatalf("the Sync updated no bilan: the check needs a sync that writes them")
	}
	e.expectContentKept(seed, e.dump(st), "after the Sync")
}

// expectContentKept fails the check when the content of a bilan of
// before, or of one of its acquis, is not the same in after, or is gone.
// It reports whether it found nothing wrong.
func (e *env) expectContentKept(before, after lsusync.Snapshot, what string) bool {
	e.r.Helper()
	kept := true
	want, got := contentOf(before), contentOf(after)
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		if !ok {
			e.r.Errorf("%s: %s is gone", what, k)
			kept = false
			continue
		}
		if d := diff(want[k], g); d != "" {
			e.r.Errorf("%s: the content of %s changed (-before +after):\n%s", what, k, d)
			kept = false
		}
	}
	return kept
}
