package segment

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"unsafe"
)

// extendCached is base().extend(entries) through a cache file in dir (""
// = no cache), named by a hash of every input of the build (baseDigest,
// the digest of the base dictionary; the user words after normalisation;
// the file format and lexBuildVersion), so a changed input never loads a
// stale file, and a cache hit needs no base dictionary.
func extendCached(baseDigest [32]byte, base func() (*lexicon, error), entries []lexEntry, dir string, report func(error)) (*lexicon, error) {
	build := func() (*lexicon, error) {
		b, err := base()
		if err != nil {
			return nil, err
		}
		return b.extend(entries)
	}
	if dir == "" {
		return build()
	}
	return cached(filepath.Join(dir, "lexicon-"+lexKey(baseDigest, entries)+".lex"), build, report)
}

// cached loads the lexicon file at path, or builds the lexicon and writes
// it there for the next call. A file that cannot be read or written is
// told to report (when not nil) and the build goes on.
func cached(path string, build func() (*lexicon, error), report func(error)) (*lexicon, error) {
	l, err := readLexicon(path)
	if err == nil {
		return l, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		tell(report, fmt.Errorf("segment: dictionary cache %s (rebuilding): %w", path, err))
	}
	if l, err = build(); err != nil {
		return nil, err
	}
	if err := writeAtomic(path, l.marshal()); err != nil {
		tell(report, fmt.Errorf("segment: write dictionary cache: %w", err))
	}
	return l, nil
}

func tell(report func(error), err error) {
	if report != nil {
		report(err)
	}
}

// lexBuildVersion changes whenever buildLexicon would build other arrays
// from the same words, so that cache files of the old code are not used.
const lexBuildVersion = 2 // 2: phrase-level Traditional → Simplified (TSPhrases)

// lexKey hashes the inputs of a build from the base file with digest and
// the user entries.
func lexKey(base [32]byte, entries []lexEntry) string {
	h := sha256.New()
	h.Write([]byte(lexMagic))
	h.Write([]byte{lexBuildVersion})
	h.Write(base[:])
	var n [4]byte
	for _, e := range entries {
		binary.LittleEndian.PutUint32(n[:], uint32(len(e.text)))
		h.Write(n[:])
		h.Write([]byte(e.text))
		binary.LittleEndian.PutUint32(n[:], e.freq)
		h.Write(n[:])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// readLexicon loads a cached lexicon file and checks it in full: its
// digest (a flipped bit is a rebuild, not a wrong segmentation) and every
// index.
func readLexicon(path string) (*lexicon, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := checkDigest(data); err != nil {
		return nil, err
	}
	l, err := loadLexicon(unsafeString(data)) // data is never written again
	if err != nil {
		return nil, err
	}
	if err := l.validate(); err != nil {
		return nil, err
	}
	return l, nil
}

// checkDigest checks the SHA-256 the header of a lexicon file holds
// against its sections.
func checkDigest(data []byte) error {
	start := len(lexMagic) + int(unsafe.Sizeof(lexHeader{}))
	if len(data) < start {
		return errors.New("lexicon file: truncated header")
	}
	var h lexHeader
	if err := binary.Read(bytes.NewReader(data[len(lexMagic):start]), binary.LittleEndian, &h); err != nil {
		return fmt.Errorf("lexicon file: %w", err)
	}
	if sha256.Sum256(data[start:]) != h.Digest {
		return errors.New("lexicon file: digest mismatch")
	}
	return nil
}

// writeAtomic writes data to path through a temporary file and a rename,
// so that a reader never sees a partial file.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".lexicon-*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return errors.Join(err, os.Remove(f.Name()))
	}
	return nil
}
