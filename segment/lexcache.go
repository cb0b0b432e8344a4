package segment

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// extendCached is base.extend(entries) through a cache file in dir ("" = no
// cache), named by a hash of every input of the build (the digest of the
// prebuilt dictionary file, the user words after normalisation, the file
// format and lexBuildVersion), so a changed input never loads a stale file. A cache that cannot be read or
// written is reported to report (when not nil) and the build goes on.
func extendCached(base *lexicon, entries []lexEntry, dir string, report func(error)) (*lexicon, error) {
	if dir == "" {
		return base.extend(entries)
	}
	path := filepath.Join(dir, "lexicon-"+lexKey(base.digest, entries)+".lex")
	l, err := readLexicon(path)
	if err == nil {
		return l, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		tell(report, fmt.Errorf("segment: dictionary cache %s (rebuilding): %w", path, err))
	}
	if l, err = base.extend(entries); err != nil {
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
const lexBuildVersion = 1

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

// readLexicon loads a cached lexicon file and checks it in full.
func readLexicon(path string) (*lexicon, error) {
	data, err := os.ReadFile(path)
	if err != nil {
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
