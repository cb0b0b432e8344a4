package indexer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
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

// VerifyGeneration checks the bluge index at path before it is served, as
// bluge will open it (verifyFiles): it must hold a usable snapshot
// (without one, bluge would open an EMPTY index); the CRC-32 that ends the
// snapshot and each segment it lists must match their bytes; and the files
// the build listed (fileList) must be as listed. bluge never checks a
// segment's CRC; it checks a snapshot's, but on a mismatch formats its
// error from memory it has just unmapped and the process dies of SIGSEGV
// (bluge v0.2.2 index/writer.go loadSnapshot), so both are checked here
// first. It reads those files once (≈ 1 GB/s).
//
// Another process may be writing the generation (a server taking pushes:
// bluge writes its files in place), so a failure is checked again after a
// pause before the generation counts as damaged.
func VerifyGeneration(path string) error { return verifyGeneration(path, verifyAttempts, false) }

// verifyGeneration is VerifyGeneration with a number of attempts; with
// repair (the one server that writes the generation), newer snapshots
// bluge could not use are set aside (setAside).
func verifyGeneration(path string, attempts int, repair bool) error {
	var err error
	for attempt := range attempts {
		if err = verifyFiles(path, repair && attempt+1 == attempts); err == nil {
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
func (d *Dir) verify(path string, repair bool) error {
	if d.verifyOnce {
		return verifyGeneration(path, 1, repair)
	}
	return verifyGeneration(path, verifyAttempts, repair)
}

// verifyAttempts and verifyPause: a write in progress ends long before
// (files are written then fsynced), a damaged file fails every time.
const (
	verifyAttempts = 3
	verifyPause    = 300 * time.Millisecond
)

// verifyFiles is VerifyGeneration without the error's context. bluge
// opens the newest snapshot it can load, and the segments it lists: the
// snapshots are checked newest first, with their segments, until one is
// good (files a killed writer left half-written and unreferenced are not
// looked at: bluge ignores them). A newer snapshot that is bad is one
// bluge skips too (a torn write after kill -9), unless it is whole but
// for its CRC: then bluge would crash on it (see VerifyGeneration), so the
// generation counts as damaged. With repair, every bad newer snapshot is
// renamed aside instead, and the generation is good.
func verifyFiles(path string, repair bool) error {
	snaps, err := snapshotsNewestFirst(path)
	if err != nil {
		return err
	}
	var bad []error
	crashes := false
	for i, snap := range snaps {
		found, crash, err := verifySnapshot(path, snap)
		if err != nil {
			bad, crashes = append(bad, err), crashes || crash
			continue
		}
		switch {
		case repair:
			if err := setAside(path, append(snaps[:i:i], badCRC(path, snaps[i+1:])...)); err != nil {
				return err
			}
		case crashes:
			return fmt.Errorf("a newer snapshot would crash bluge: %s", joinErrors(bad))
		}
		return checkFileList(path, found)
	}
	return fmt.Errorf("no usable snapshot: %s", joinErrors(bad))
}

// badCRC lists the snapshots among older whose CRC is wrong. A bluge
// writer loads every snapshot, oldest first, and v0.2.2 formats the CRC of
// one that parses but fails it after unmapping the file (a SIGSEGV), so a
// writer sets them aside; a reader loads only the newest good one.
func badCRC(path string, older []string) []string {
	var out []string
	for _, snap := range older {
		if _, err := verifyCRC(filepath.Join(path, snap)); err != nil {
			out = append(out, snap)
		}
	}
	return out
}

// verifySnapshot checks snapshot snap and the segments it lists, and
// returns their sizes and CRCs; crash says the snapshot parses but its CRC
// is wrong (what bluge v0.2.2 dies on).
func verifySnapshot(path, snap string) (map[string]fileSum, bool, error) {
	data, err := os.ReadFile(filepath.Join(path, snap))
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", snap, err)
	}
	ids, perr := snapshotSegments(data)
	sum, err := verifyCRC(filepath.Join(path, snap))
	if err != nil {
		return nil, perr == nil, err
	}
	if perr != nil {
		return nil, false, fmt.Errorf("%s: %w", snap, perr)
	}
	found := map[string]fileSum{snap: sum}
	for _, id := range ids {
		name := fmt.Sprintf("%012x%s", id, segmentExt)
		sum, err := verifyCRC(filepath.Join(path, name))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, fmt.Errorf("segment %s of snapshot %s is missing", name, snap)
		}
		if err != nil {
			return nil, false, err
		}
		found[name] = sum
	}
	return found, false, nil
}

// damagedSuffix is appended to a snapshot set aside: bluge no longer
// lists it, and it stays for an operator to look at.
const damagedSuffix = ".damaged"

// setAside renames snapshots out of bluge's sight, logged.
func setAside(path string, snaps []string) error {
	if len(snaps) == 0 {
		return nil
	}
	for _, snap := range snaps {
		p := filepath.Join(path, snap)
		if err := os.Rename(p, p+damagedSuffix); err != nil {
			return fmt.Errorf("set aside damaged snapshot %s: %w", snap, err)
		}
		slog.Error("index: set aside a damaged snapshot; serving the one before it", "generation", filepath.Base(path), "snapshot", snap)
	}
	return syncDir(path)
}

// snapshotsNewestFirst lists the generation's snapshots, newest (the
// highest epoch: names are fixed-width hex) first.
func snapshotsNewestFirst(path string) ([]string, error) {
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var snaps []string
	for _, e := range entries {
		if filepath.Ext(e.Name()) == snapshotExt {
			snaps = append(snaps, e.Name())
		}
	}
	if len(snaps) == 0 {
		return nil, fmt.Errorf("no snapshot (%s file): the generation is incomplete", snapshotExt)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(snaps)))
	return snaps, nil
}

// snapshotSegments reads the segment ids a bluge snapshot file lists
// (bluge v0.2.2 index/snapshot.go, format 1: uvarint version, uvarint
// count, per segment a uvarint-prefixed type, a 4-byte version, a uvarint
// id and a uvarint-prefixed deleted-documents bitmap; then the CRC).
func snapshotSegments(data []byte) ([]uint64, error) {
	if len(data) < crcLen {
		return nil, errors.New("too short")
	}
	r := snapshotReader{b: data[:len(data)-crcLen]}
	if v := r.uvarint(); v != 1 {
		return nil, fmt.Errorf("snapshot format %d, not 1", v)
	}
	n := r.uvarint()
	var ids []uint64
	for i := uint64(0); i < n && r.err == nil; i++ {
		r.skip(r.uvarint()) // segment type
		r.skip(4)           // segment version
		ids = append(ids, r.uvarint())
		r.skip(r.uvarint()) // deleted documents
	}
	if r.err != nil {
		return nil, r.err
	}
	return ids, nil
}

// snapshotReader reads a snapshot's fields, remembering the first error.
type snapshotReader struct {
	b   []byte
	err error
}

func (r *snapshotReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("truncated or malformed")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapshotReader) skip(n uint64) {
	if r.err == nil && n > uint64(len(r.b)) {
		r.err = errors.New("truncated or malformed")
	}
	if r.err == nil {
		r.b = r.b[n:]
	}
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

// checkFileList compares the files verified (the newest snapshot's) with
// the build's list, when there is one (generations written before it have
// none): a listed file still in use must be as the build wrote it (bluge
// never rewrites a file; one swapped for another valid file keeps a right
// CRC of its own).
func checkFileList(path string, found map[string]fileSum) error {
	data, err := os.ReadFile(filepath.Join(path, fileList))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", fileList, err)
	}
	listed, err := parseFileList(data)
	if err != nil {
		return err
	}
	for name, want := range listed {
		if got, ok := found[name]; ok && got != want {
			return fmt.Errorf("%s differs from the build's (%d bytes, crc %08x; listed %d bytes, crc %08x)", name, got.size, got.crc, want.size, want.crc)
		}
	}
	return nil
}

// parseFileList reads a FILES list.
func parseFileList(data []byte) (map[string]fileSum, error) {
	out := map[string]fileSum{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var name string
		var sum fileSum
		if _, err := fmt.Sscanf(line, "%s %d %x", &name, &sum.size, &sum.crc); err != nil {
			return nil, fmt.Errorf("%s: bad line %q: %w", fileList, line, err)
		}
		out[name] = sum
	}
	return out, nil
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
func openVerified[T any](d *Dir, path string, repair bool, open func() (T, error)) (v T, err error) {
	if err := d.verify(path, repair); err != nil {
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
	return openVerified(d, path, false, func() (*bluge.Reader, error) {
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
