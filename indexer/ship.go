package indexer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Shipping a generation to other replicas (package cluster): Ship freezes
// the generation's newest snapshot as hard links under ships/<gen>/ with a
// manifest.json. The served generation keeps changing (pushes add segments,
// merges remove them) but a hard link keeps a removed file's bytes, so the
// shipped files never change while a peer downloads them.
const (
	shipsDir     = "ships"
	ManifestFile = "manifest.json"
)

// Manifest describes a shipped generation.
type Manifest struct {
	Gen      string      `json:"gen"`
	DocCount uint64      `json:"doc_count"`
	LogSeq   uint64      `json:"log_seq"` // the replicated log's writes it holds: replay from LogSeq+1
	Schema   int         `json:"schema_version"`
	Files    []ShipEntry `json:"files"`
}

// ShipEntry is one file of a shipped generation.
type ShipEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Ship freezes generation name for shipping (once: a second call returns
// the first manifest) and returns its manifest.
func (d *Dir) Ship(name string) (Manifest, error) {
	if _, ok := genNumber(name); !ok {
		return Manifest{}, fmt.Errorf("ship %q: %w", name, fs.ErrNotExist)
	}
	dst := filepath.Join(d.path, shipsDir, name)
	if m, err := readManifest(dst); err == nil {
		return m, nil
	}
	if _, err := os.Stat(d.GenPath(name)); err != nil {
		return Manifest{}, fmt.Errorf("ship %s: %w", name, err)
	}
	unlock, err := d.Lock() // no write lands between the snapshot and LOGSEQ
	if err != nil {
		return Manifest{}, err
	}
	defer unlock()
	if m, err := readManifest(dst); err == nil { // shipped meanwhile
		return m, nil
	}
	var last error
	for range 3 { // a merge may remove a segment between listing and linking
		m, err := d.freeze(name, dst)
		if err == nil {
			return m, nil
		}
		last = err
	}
	return Manifest{}, fmt.Errorf("ship %s: %w", name, last)
}

// freeze links the newest good snapshot of generation name and its files
// into dst, counts it and writes the manifest.
func (d *Dir) freeze(name, dst string) (Manifest, error) {
	src := d.GenPath(name)
	files, err := newestGoodFiles(src)
	if err != nil {
		return Manifest{}, err
	}
	seq, err := readLogSeq(src)
	if err != nil {
		return Manifest{}, err
	}
	tmp := dst + tmpSuffix
	if err := os.RemoveAll(tmp); err != nil {
		return Manifest{}, err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("ship: %w", err)
	}
	for _, f := range append(files, schemaFile) {
		if err := os.Link(filepath.Join(src, f), filepath.Join(tmp, f)); err != nil && !(f == schemaFile && errors.Is(err, fs.ErrNotExist)) {
			return Manifest{}, fmt.Errorf("ship: link %s: %w", f, err)
		}
	}
	m, err := describe(tmp, name, seq)
	if err != nil {
		return Manifest{}, err
	}
	if err := writeManifest(tmp, m); err != nil {
		return Manifest{}, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return Manifest{}, fmt.Errorf("ship: %w", err)
	}
	return m, syncDir(filepath.Dir(dst))
}

// newestGoodFiles lists the newest snapshot of the generation at path that
// verifies, with the segments it lists.
func newestGoodFiles(path string) ([]string, error) {
	snaps, err := snapshotsNewestFirst(path)
	if err != nil {
		return nil, err
	}
	var bad []error
	for _, snap := range snaps {
		found, _, err := verifySnapshot(path, snap)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		names := make([]string, 0, len(found))
		for n := range found {
			names = append(names, n)
		}
		sort.Strings(names)
		return names, nil
	}
	return nil, fmt.Errorf("%w: no usable snapshot: %s", ErrCorrupt, joinErrors(bad))
}

// describe counts the frozen generation at dir and sums its files.
func describe(dir, name string, seq uint64) (Manifest, error) {
	r, err := openReader(dir)
	if err != nil {
		return Manifest{}, fmt.Errorf("ship: open: %w", err)
	}
	n, err := r.Count()
	if err = errors.Join(err, r.Close()); err != nil {
		return Manifest{}, fmt.Errorf("ship: count: %w", err)
	}
	schema, err := schemaOf(dir)
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{Gen: name, DocCount: n, LogSeq: seq, Schema: schema}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Manifest{}, err
	}
	for _, e := range entries {
		sum, size, err := FileSHA256(filepath.Join(dir, e.Name()))
		if err != nil {
			return Manifest{}, err
		}
		m.Files = append(m.Files, ShipEntry{Path: e.Name(), Size: size, SHA256: sum})
	}
	return m, nil
}

// FileSHA256 returns the hex SHA-256 and size of the file at path.
func FileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func writeManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(filepath.Join(dir, ManifestFile), append(b, '\n'))
}

func readManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	return m, nil
}

// ShipFile opens file (manifest.json or a file the manifest lists) of the
// shipped generation gen, shipping it first when needed. A name that is
// not a plain file name, or a generation that does not exist, is an error
// wrapping fs.ErrNotExist.
func (d *Dir) ShipFile(gen, file string) (*os.File, error) {
	if !PlainName(file) {
		return nil, fmt.Errorf("ship %s: %q: %w", gen, file, fs.ErrNotExist)
	}
	m, err := d.Ship(gen)
	if err != nil {
		return nil, err
	}
	if file != ManifestFile && !m.lists(file) {
		return nil, fmt.Errorf("ship %s: %s is not shipped: %w", gen, file, fs.ErrNotExist)
	}
	return os.Open(filepath.Join(d.path, shipsDir, gen, file))
}

// PlainName reports whether name is a file name without a directory: what
// a shipped generation's files are called.
func PlainName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, `/\`)
}

func (m Manifest) lists(file string) bool {
	for _, f := range m.Files {
		if f.Path == file {
			return true
		}
	}
	return false
}

// IncomingPath is where a generation fetched from a peer is written before
// Install (a temporary directory: a killed fetch is cleaned up at the next
// open, like a half-built generation).
func (d *Dir) IncomingPath(gen string) string {
	return filepath.Join(d.path, "incoming-"+filepath.Base(gen)+tmpSuffix)
}

// originFile names, in a generation installed from a peer, where it came
// from (ServedOrigin).
const originFile = "ORIGIN"

// Install makes the fetched generation at src (IncomingPath) a generation
// of d under the next local name, records m.LogSeq as its applied log
// sequence and origin as where it came from, verifies it, opens it and
// counts m.DocCount documents, and switches CURRENT to it. A generation
// that does not verify or count is refused and removed; what was served
// stays served.
func (d *Dir) Install(src string, m Manifest, origin string) (string, error) {
	logSeq := m.LogSeq
	if err := writeFileSync(filepath.Join(src, logSeqFile), []byte(fmt.Sprintf("%d\n", logSeq))); err != nil {
		return "", err
	}
	if err := writeFileSync(filepath.Join(src, originFile), []byte(origin+"\n")); err != nil {
		return "", err
	}
	if err := os.Remove(filepath.Join(src, ManifestFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("install: %w", err)
	}
	if err := verifyGeneration(src, 1, false); err != nil {
		return "", errors.Join(fmt.Errorf("install: refused: %w", err), os.RemoveAll(src))
	}
	if err := countIs(src, m.DocCount); err != nil {
		return "", errors.Join(fmt.Errorf("install: refused: %w", err), os.RemoveAll(src))
	}
	unlock, err := d.Lock()
	if err != nil {
		return "", err
	}
	defer unlock()
	name, err := d.nextName()
	if err != nil {
		return "", err
	}
	prev, _ := d.Current() // none yet: nothing to keep for rollback
	if err := os.Rename(src, d.GenPath(name)); err != nil {
		return "", fmt.Errorf("install %s: %w", name, err)
	}
	if err := syncDir(d.path); err != nil {
		return "", err
	}
	if err := d.switchTo(name); err != nil {
		return "", err
	}
	return name, d.prune(prev)
}

// MarkOrigin records origin in generation name, built here, as where the
// cluster knows it from (what Install records in a fetched one): a
// replica whose served generation already carries a published origin does
// not fetch it again.
func (d *Dir) MarkOrigin(name, origin string) error {
	if _, ok := genNumber(name); !ok {
		return fmt.Errorf("mark origin of %q: %w", name, fs.ErrNotExist)
	}
	if err := writeFileSync(filepath.Join(d.GenPath(name), originFile), []byte(origin+"\n")); err != nil {
		return fmt.Errorf("mark origin of %s: %w", name, err)
	}
	return nil
}

// countIs opens the generation at path and checks it holds want documents.
func countIs(path string, want uint64) error {
	r, err := openReader(path)
	if err != nil {
		return fmt.Errorf("%w: open: %w", ErrCorrupt, err)
	}
	n, err := r.Count()
	if err = errors.Join(err, r.Close()); err != nil {
		return fmt.Errorf("%w: count: %w", ErrCorrupt, err)
	}
	if n != want {
		return fmt.Errorf("%w: holds %d documents, its manifest says %d", ErrCorrupt, n, want)
	}
	return nil
}

// ServedOrigin is the origin Install recorded in the served generation (""
// for a generation built here).
func (d *Dir) ServedOrigin() (string, error) {
	name, err := d.Current()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(d.GenPath(name), originFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	return strings.TrimSpace(string(b)), err
}
