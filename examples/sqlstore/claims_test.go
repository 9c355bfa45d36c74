package sqlstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync"
)

// logOutcomes returns each row of the log of syncs, in order, as "UAI
// worker fingerprint outcome".
func logOutcomes(t *testing.T, c *Claims) []string {
	t.Helper()
	log, err := SyncLog(t.Context(), c.db)
	require.NoError(t, err)
	var out []string
	for _, e := range log {
		out = append(out, e.UAI+" "+e.Worker+" "+e.Fingerprint+" "+e.Outcome)
	}
	return out
}

func TestClaims(t *testing.T) {
	forEngines(t, func(t *testing.T, e Engine) {
		ctx := t.Context()
		db := testDB(t, e)
		const lease = 600 * time.Millisecond
		a, err := NewClaims(ctx, db, ClaimOptions{Worker: "a", Lease: lease})
		require.NoError(t, err)
		b, err := NewClaims(ctx, db, ClaimOptions{Worker: "b", Lease: lease})
		require.NoError(t, err)

		// Held by a: b moves on.
		k, err := a.Claim(ctx, "0750001A", "fp1")
		require.NoError(t, err)
		if _, err := b.Claim(ctx, "0750001A", "fp1"); !errors.Is(err, lsusync.ErrClaimed) {
			t.Fatalf("b's Claim of a's establishment = %v, want ErrClaimed", err)
		}
		// Renewed while a syncs: still a's after two leases.
		sctx, cancel := k.Context(ctx)
		time.Sleep(2 * lease)
		if _, err := b.Claim(ctx, "0750001A", "fp1"); !errors.Is(err, lsusync.ErrClaimed) {
			t.Fatalf("b's Claim of a's renewed claim = %v, want ErrClaimed", err)
		}
		require.NoError(t, sctx.Err())
		require.NoError(t, k.Release(ctx, lsusync.ManyResult{Status: lsusync.ManySynced}))
		cancel()

		// Synced from fp1: passed over for fp1, taken for fp2.
		if _, err := b.Claim(ctx, "0750001A", "fp1"); !errors.Is(err, lsusync.ErrAlreadySynced) {
			t.Fatalf("b's Claim from the same exports = %v, want ErrAlreadySynced", err)
		}
		k, err = b.Claim(ctx, "0750001A", "fp2")
		require.NoError(t, err)
		require.NoError(t, k.Release(ctx, lsusync.ManyResult{Status: lsusync.ManyErrors}))
		// Failed from fp2: taken again from fp2; the last success was fp1.
		k, err = a.Claim(ctx, "0750001A", "fp2")
		require.NoError(t, err)
		require.NoError(t, k.Release(ctx, lsusync.ManyResult{Status: lsusync.ManyInterrupted}))

		// A claim not renewed (its worker died) is taken after its lease,
		// and its row of the log is abandoned.
		_, err = a.Claim(ctx, "0750002B", "")
		require.NoError(t, err)
		if _, err := b.Claim(ctx, "0750002B", ""); !errors.Is(err, lsusync.ErrClaimed) {
			t.Fatalf("b's Claim within the lease = %v, want ErrClaimed", err)
		}
		time.Sleep(lease + 100*time.Millisecond)
		k, err = b.Claim(ctx, "0750002B", "")
		require.NoError(t, err)
		require.NoError(t, k.Release(ctx, lsusync.ManyResult{Status: lsusync.ManyRefused}))

		want := []string{
			"0750001A a fp1 synced",
			"0750001A b fp2 errors",
			"0750001A a fp2 interrupted",
			"0750002B a  abandoned",
			"0750002B b  refused",
		}
		if diff := cmp.Diff(want, logOutcomes(t, a)); diff != "" {
			t.Errorf("log of syncs (-want +got):\n%s", diff)
		}

		// A claim another worker took (its lease expired while its
		// worker could not renew it) cancels the sync's context.
		k, err = a.Claim(ctx, "0750003C", "")
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, "DELETE FROM sync_claims WHERE uai = '0750003C'")
		require.NoError(t, err)
		sctx, cancel = k.Context(ctx)
		defer cancel()
		select {
		case <-sctx.Done():
			if !errors.Is(context.Cause(sctx), ErrClaimLost) {
				t.Errorf("cause %v, want ErrClaimLost", context.Cause(sctx))
			}
		case <-time.After(2 * lease):
			t.Fatal("the context of a lost claim was not cancelled")
		}
	})
}
