package indexer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/blugelabs/bluge"
)

// ErrCorrupt is returned (wrapped, with the reason) for a generation that
// fails verification: a segment whose checksum does not match, a snapshot
// or CURRENT missing, bytes bluge cannot decode.
var ErrCorrupt = errors.New("index generation is damaged")

// ErrNoGoodGeneration is returned when no generation of a data directory
// passes verification.
var ErrNoGoodGeneration = errors.New("no usable index generation")

// Extensions of bluge's files in a generation.
const (
	segmentExt  = ".seg"
	snapshotExt = ".snp"
)

// A segment (ice) and a snapshot file both end with the CRC-32 (IEEE,
// big-endian) of everything before it; a file shorter than crcLen holds
// nothing.
const crcLen = 4

// VerifyGeneration checks the bluge index at path before it is served: it
// must hold a snapshot (without one, bluge would open an EMPTY index), and
// the CRC-32 that ends every segment and snapshot file must match its
// bytes. bluge never checks a segment's; it checks a snapshot's, but on a
// mismatch formats its error from memory it has just unmapped and the
// process dies of SIGSEGV (bluge v0.2.2 index/writer.go loadSnapshot), so
// both are checked here first. It reads every file once (≈ 1 GB/s).
func VerifyGeneration(path string) error {
	entries, err := os.ReadDir(path)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCorrupt, filepath.Base(path), err)
	}
	snapshots := 0
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if ext != snapshotExt && ext != segmentExt {
			continue
		}
		if ext == snapshotExt {
			snapshots++
		}
		if err := verifyCRC(filepath.Join(path, e.Name())); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrCorrupt, filepath.Base(path), err)
		}
	}
	if snapshots == 0 {
		return fmt.Errorf("%w: %s: no snapshot (%s file): the generation is incomplete", ErrCorrupt, filepath.Base(path), snapshotExt)
	}
	return nil
}

// verifyCRC checks the CRC-32 at the end of a segment or snapshot file.
func verifyCRC(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat: %w", err)
	}
	n := st.Size()
	if n <= crcLen {
		return fmt.Errorf("%s: %d bytes, too short", filepath.Base(path), n)
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, n-4)); err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	var want [4]byte
	if _, err := f.ReadAt(want[:], n-4); err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	if got := h.Sum32(); got != binary.BigEndian.Uint32(want[:]) {
		return fmt.Errorf("%s: checksum %08x, the file says %08x", filepath.Base(path), got, binary.BigEndian.Uint32(want[:]))
	}
	return nil
}

// openVerified verifies the generation at path and opens it with open,
// turning a panic of bluge's decoding into ErrCorrupt: damaged bytes fail
// the open, never the process.
func openVerified[T any](path string, open func() (T, error)) (v T, err error) {
	if err := VerifyGeneration(path); err != nil {
		return v, err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %s: decoding panicked: %v", ErrCorrupt, filepath.Base(path), p)
		}
	}()
	return open()
}

// openCountedReader opens a verified reader on path and counts it (which
// reads every segment's footer and doc values: damaged ones fail here).
func openCountedReader(path string) (*bluge.Reader, error) {
	return openVerified(path, func() (*bluge.Reader, error) {
		r, err := openReader(path) // retried: a writer may be switching snapshots
		if err != nil {
			return nil, fmt.Errorf("%w: %s: open: %w", ErrCorrupt, filepath.Base(path), err)
		}
		if _, err := r.Count(); err != nil {
			return nil, errors.Join(fmt.Errorf("%w: %s: count: %w", ErrCorrupt, filepath.Base(path), err), r.Close())
		}
		return r, nil
	})
}

// badGenerations remembers the generations that failed verification, so
// that a server polling CURRENT does not read a damaged generation again
// every second. Generation names are never reused for other contents.
type badGenerations struct {
	mu  sync.Mutex
	bad map[string]error
}

func (b *badGenerations) get(name string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bad[name]
}

func (b *badGenerations) mark(name string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bad == nil {
		b.bad = map[string]error{}
	}
	b.bad[name] = err
}

// candidates lists the generations to try serving, best first: the one
// CURRENT names, then every other complete generation, newest first. The
// error says why CURRENT gives none (nil when it names one).
func (d *Dir) candidates() ([]string, error) {
	gens, err := d.Generations()
	if err != nil {
		return nil, err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(gens))) // gen-NNNNNN: newest first
	cur, cerr := d.Current()
	if cerr != nil {
		return gens, cerr
	}
	out := []string{cur}
	for _, g := range gens {
		if g != cur {
			out = append(out, g)
		}
	}
	return out, nil
}

// openGood opens the first candidate generation that verifies and opens
// with open, and returns its name. Every failure (CURRENT missing, a
// damaged generation, remembered as bad) is returned in problems, for the
// log; when no candidate is good the error wraps ErrNoGoodGeneration with
// them all. An error that is not damage (ErrCorrupt) ends the search at
// once: another writer's lock must not make a server fall back.
func openGood[T any](d *Dir, open func(name string) (T, error)) (v T, name string, problems []error, err error) {
	names, cerr := d.candidates()
	if cerr != nil {
		if errors.Is(cerr, ErrNoGeneration) && len(names) == 0 {
			return v, "", nil, cerr
		}
		problems = append(problems, cerr)
	}
	for _, n := range names {
		if bad := d.bad.get(n); bad != nil {
			problems = append(problems, bad)
			continue
		}
		v, err := open(n)
		if err == nil {
			return v, n, problems, nil
		}
		if !errors.Is(err, ErrCorrupt) { // not damage (a lock, a permission): no fallback
			return v, "", problems, err
		}
		d.bad.mark(n, err)
		problems = append(problems, err)
	}
	return v, "", problems, fmt.Errorf("%w in %s: %s", ErrNoGoodGeneration, d.path, joinErrors(problems))
}

// joinErrors is the errors' messages, "; "-separated.
func joinErrors(errs []error) string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}
