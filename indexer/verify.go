package indexer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

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
// must hold a snapshot (without one, bluge would open an EMPTY index), the
// CRC-32 that ends every segment and snapshot file must match its bytes,
// and the files the build listed (fileList) must be as listed. bluge
// never checks a segment's CRC; it checks a snapshot's, but on a mismatch
// formats its error from memory it has just unmapped and the process dies
// of SIGSEGV (bluge v0.2.2 index/writer.go loadSnapshot), so both are
// checked here first. It reads every file once (≈ 1 GB/s).
//
// Another process may be writing the generation (a server taking pushes:
// bluge writes its files in place), so a failure is checked again after a
// pause before the generation counts as damaged.
func VerifyGeneration(path string) error { return verifyGeneration(path, verifyAttempts) }

func verifyGeneration(path string, attempts int) error {
	var err error
	for attempt := range attempts {
		if err = verifyFiles(path); err == nil {
			return nil
		}
		if attempt+1 < attempts {
			time.Sleep(verifyPause)
		}
	}
	return fmt.Errorf("%w: %s: %w", ErrCorrupt, filepath.Base(path), err)
}

// verify is VerifyGeneration with the directory's number of attempts
// (tests of damage use one).
func (d *Dir) verify(path string) error {
	if d.verifyOnce {
		return verifyGeneration(path, 1)
	}
	return VerifyGeneration(path)
}

// verifyAttempts and verifyPause: a write in progress ends long before
// (files are written then fsynced), a damaged file fails every time.
const (
	verifyAttempts = 3
	verifyPause    = 300 * time.Millisecond
)

// verifyFiles is VerifyGeneration without the error's context.
func verifyFiles(path string) error {
	entries, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	found := map[string]fileSum{}
	newestSnapshot := ""
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if ext != snapshotExt && ext != segmentExt {
			continue
		}
		if ext == snapshotExt && e.Name() > newestSnapshot { // fixed-width hex epochs
			newestSnapshot = e.Name()
		}
		sum, err := verifyCRC(filepath.Join(path, e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue // merged away since it was listed
		}
		if err != nil {
			return err
		}
		found[e.Name()] = sum
	}
	if newestSnapshot == "" {
		return fmt.Errorf("no snapshot (%s file): the generation is incomplete", snapshotExt)
	}
	return checkFileList(path, found, newestSnapshot)
}

// fileSum is a file's size and CRC-32.
type fileSum struct {
	size int64
	crc  uint32
}

// fileList is the file a build writes into its generation: one line
// "NAME SIZE CRC32" per segment and snapshot file, as the build left them.
const fileList = "FILES"

// writeFileList lists the generation's files at the end of a build.
func writeFileList(path string) error {
	entries, err := os.ReadDir(path)
	if err != nil {
		return fmt.Errorf("list %s: %w", path, err)
	}
	var b strings.Builder
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext != snapshotExt && ext != segmentExt {
			continue
		}
		sum, err := verifyCRC(filepath.Join(path, e.Name()))
		if err != nil {
			return fmt.Errorf("list %s: %w", path, err)
		}
		fmt.Fprintf(&b, "%s %d %08x\n", e.Name(), sum.size, sum.crc)
	}
	return writeFileSync(filepath.Join(path, fileList), []byte(b.String()))
}

// checkFileList compares the files found with the build's list, when there
// is one (generations written before it have none). A listed file that is
// present must be unchanged (bluge never rewrites a file). A listed file
// may be missing only when a newer snapshot exists: writes through the API
// merge segments away; with the build's own snapshot still the newest,
// every listed file must be there.
func checkFileList(path string, found map[string]fileSum, newestSnapshot string) error {
	data, err := os.ReadFile(filepath.Join(path, fileList))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", fileList, err)
	}
	listed, newestListed, err := parseFileList(data)
	if err != nil {
		return err
	}
	written := newestSnapshot > newestListed
	for name, want := range listed {
		got, ok := found[name]
		switch {
		case !ok && !written:
			return fmt.Errorf("%s is missing (listed in %s)", name, fileList)
		case ok && got != want:
			return fmt.Errorf("%s differs from the build's (%d bytes, crc %08x; listed %d bytes, crc %08x)", name, got.size, got.crc, want.size, want.crc)
		}
	}
	return nil
}

// parseFileList reads a FILES list and its newest snapshot's name.
func parseFileList(data []byte) (map[string]fileSum, string, error) {
	out := map[string]fileSum{}
	newest := ""
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var name string
		var sum fileSum
		if _, err := fmt.Sscanf(line, "%s %d %x", &name, &sum.size, &sum.crc); err != nil {
			return nil, "", fmt.Errorf("%s: bad line %q: %w", fileList, line, err)
		}
		out[name] = sum
		if filepath.Ext(name) == snapshotExt && name > newest {
			newest = name
		}
	}
	return out, newest, nil
}

// verifyCRC checks the CRC-32 at the end of a segment or snapshot file and
// returns the file's size and CRC.
func verifyCRC(path string) (fileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileSum{}, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fileSum{}, fmt.Errorf("stat: %w", err)
	}
	n := st.Size()
	if n <= crcLen {
		return fileSum{}, fmt.Errorf("%s: %d bytes, too short", filepath.Base(path), n)
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, n-crcLen)); err != nil {
		return fileSum{}, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	var want [crcLen]byte
	if _, err := f.ReadAt(want[:], n-crcLen); err != nil {
		return fileSum{}, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	got, stored := h.Sum32(), binary.BigEndian.Uint32(want[:])
	if got != stored && !(filepath.Ext(path) == segmentExt && copiedCRC(f, n, got, stored)) {
		return fileSum{}, fmt.Errorf("%s: checksum %08x, the file says %08x", filepath.Base(path), got, stored)
	}
	return fileSum{size: n, crc: got}, nil
}

// segmentFooterLen is the length of an ice segment's footer, CRC included.
const segmentFooterLen = 44

// maxCopies bounds how many times a segment may have been copied.
const maxCopies = 4096

// copiedCRC reports whether stored is the CRC a segment carries after
// being copied by bluge's Reader.Backup (what an incremental run starts
// from): the copy rewrites the footer continuing the CRC from the stored
// one over the footer's fields again, once per copy. So from got (the
// CRC of everything before the stored CRC) the footer's fields are
// hashed again up to maxCopies times; a damaged byte makes got, and every
// step from it, wrong.
func copiedCRC(f *os.File, n int64, got, stored uint32) bool {
	if n < segmentFooterLen {
		return false
	}
	fields := make([]byte, segmentFooterLen-crcLen)
	if _, err := f.ReadAt(fields, n-segmentFooterLen); err != nil {
		return false
	}
	for range maxCopies {
		got = crc32.Update(got, crc32.IEEETable, fields)
		if got == stored {
			return true
		}
	}
	return false
}

// openVerified verifies the generation at path and opens it with open,
// turning a panic of bluge's decoding into ErrCorrupt: damaged bytes fail
// the open, never the process.
func openVerified[T any](d *Dir, path string, open func() (T, error)) (v T, err error) {
	if err := d.verify(path); err != nil {
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
func (d *Dir) openCountedReader(path string) (*bluge.Reader, error) {
	return openVerified(d, path, func() (*bluge.Reader, error) {
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
