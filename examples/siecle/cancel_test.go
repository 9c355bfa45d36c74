package siecle

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// errStop is the cause the tests cancel with.
var errStop = errors.New("stopped by the user")

// cancellingReader reads r in chunks of 256 bytes and cancels with
// errStop once it has given after bytes: a reading cancelled mid-file.
type cancellingReader struct {
	r      io.Reader
	after  int
	read   int
	cancel context.CancelCauseFunc
}

func (c *cancellingReader) Read(b []byte) (int, error) {
	if len(b) > 256 {
		b = b[:256]
	}
	n, err := c.r.Read(b)
	c.read += n
	if c.read >= c.after {
		c.cancel(errStop)
	}
	return n, err
}

// cancellingFile is an export whose reading cancels mid-file.
type cancellingFile struct {
	file
	r *cancellingReader
}

func (c *cancellingFile) Read(b []byte) (int, error) { return c.r.Read(b) }

// ReadAt, through which a zip is read, cancels as Read does.
func (c *cancellingFile) ReadAt(b []byte, off int64) (int, error) {
	n, err := c.file.ReadAt(b, off)
	c.r.read += n
	if c.r.read >= c.r.after {
		c.r.cancel(errStop)
	}
	return n, err
}

// cancelWhileReading returns Options whose files named name cancel ctx
// with errStop once 1 KiB of them is read.
func cancelWhileReading(name string, cancel context.CancelCauseFunc) Options {
	return Options{open: func(p string) (file, error) {
		f, err := os.Open(p)
		if err != nil || filepath.Base(p) != name {
			return f, err
		}
		return &cancellingFile{file: f, r: &cancellingReader{r: f, after: 1024, cancel: cancel}}, nil
	}}
}

// TestCancelCause checks that every path of the reader, when its context
// is cancelled with a cause, before or while reading, returns an error
// that matches both context.Canceled and the cause.
func TestCancelCause(t *testing.T) {
	dir, files := fixtureDir(t, nil)
	eleves := fixture(t, fxEleves)
	require.Greater(t, len(eleves), 4096, "the fixture must be longer than what is read before cancelling")
	tests := []struct {
		name string
		run  func(ctx context.Context, cancel context.CancelCauseFunc) error
	}{
		{"Open, cancelled before", func(ctx context.Context, cancel context.CancelCauseFunc) error {
			cancel(errStop)
			_, err := Open(ctx, files, numenOpts(files))
			return err
		}},
		{"OpenDir, cancelled before", func(ctx context.Context, cancel context.CancelCauseFunc) error {
			cancel(errStop)
			_, err := OpenDir(ctx, dir, Options{})
			return err
		}},
		{"ReadEleves, cancelled before", func(ctx context.Context, cancel context.CancelCauseFunc) error {
			cancel(errStop)
			_, err := ReadEleves(ctx, bytes.NewReader(eleves), fxEleves, Options{})
			return err
		}},
		{"Open, cancelled mid-file", func(ctx context.Context, cancel context.CancelCauseFunc) error {
			_, err := Open(ctx, files, cancelWhileReading(fxEleves, cancel))
			return err
		}},
		{"Open, cancelled mid-file of a zip", func(ctx context.Context, cancel context.CancelCauseFunc) error {
			f := files
			f.STS = filepath.Join(t.TempDir(), "sts.zip")
			require.NoError(t, os.WriteFile(f.STS, zipOf(t, fxSTS, string(fixture(t, fxSTS))), 0o644))
			_, err := Open(ctx, f, cancelWhileReading("sts.zip", cancel))
			return err
		}},
		{"OpenDir, cancelled mid-file", func(ctx context.Context, cancel context.CancelCauseFunc) error {
			_, err := OpenDir(ctx, dir, cancelWhileReading(fxSTS, cancel))
			return err
		}},
		{"ReadEleves, cancelled mid-file", func(ctx context.Context, cancel context.CancelCauseFunc) error {
			r := &cancellingReader{r: bytes.NewReader(eleves), after: 1024, cancel: cancel}
			_, err := ReadEleves(ctx, r, fxEleves, Options{})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			err := tc.run(ctx, cancel)
			require.Error(t, err)
			require.ErrorIs(t, err, context.Canceled)
			require.ErrorIs(t, err, errStop)
		})
	}

	t.Run("deadline with a cause", func(t *testing.T) {
		ctx, cancel := context.WithDeadlineCause(context.Background(), time.Now().Add(-time.Second), errStop)
		defer cancel()
		_, err := Open(ctx, files, numenOpts(files))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.ErrorIs(t, err, errStop)
	})

	t.Run("Source methods", func(t *testing.T) {
		src, err := Open(context.Background(), files, numenOpts(files))
		require.NoError(t, err)
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(errStop)
		codes, err := src.ClassCodes(context.Background())
		require.NoError(t, err)
		calls := map[string]func() error{
			"Establishment": func() error { _, err := src.Establishment(ctx); return err },
			"Teachers":      func() error { _, err := src.Teachers(ctx); return err },
			"ClassCodes":    func() error { _, err := src.ClassCodes(ctx); return err },
			"Class":         func() error { _, err := src.Class(ctx, codes[0]); return err },
			"Notices":       func() error { _, err := src.Notices(ctx); return err },
		}
		for name, call := range calls {
			err := call()
			if !errors.Is(err, context.Canceled) || !errors.Is(err, errStop) {
				t.Errorf("%s: error %v, want one matching context.Canceled and the cause", name, err)
			}
		}
	})

	t.Run("cancelled without a cause", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Open(ctx, files, numenOpts(files))
		require.ErrorIs(t, err, context.Canceled)
		require.Equal(t, "siecle: context canceled", err.Error())
	})
}
