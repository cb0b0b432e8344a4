package segment

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// The base word dictionary is gse v0.80.3's zh_s, as gse loads it (letters
// lower-cased, in gse's order), one "word freq" line each, gzipped (2 MB
// instead of the 27 MB lexicon built from it). It changes only with the
// pinned gse version; regenerate it then (TestBaseWords fails until then):
//
//go:generate go test -run ^TestBaseWords$ -update
//go:embed dict/zh_s.words.gz
var zhsWords string

// baseBuildVersion changes whenever the base lexicon would be built
// differently from the same words, so that cache files of old code are not
// used.
const baseBuildVersion = 1

// baseKey names the inputs of the base lexicon (the domain pack, then
// zh_s): what its cache file is named by, and its digest.
func baseKey() [32]byte {
	h := sha256.New()
	h.Write([]byte(lexMagic))
	fmt.Fprintf(h, "base %d %d %d\n", baseBuildVersion, len(domainDict), len(zhsWords))
	h.Write([]byte(domainDict))
	h.Write([]byte(zhsWords))
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// builtBase is the base lexicon built from the embedded words, once per
// process: the dictionary is constant data of the binary, so every
// Segmenter without a cache file shares one build (0.5–1 s, ~30 MB).
var builtBase = sync.OnceValues(func() (*lexicon, error) {
	n, err := newNormalizer(tsCharacters, tsPhrases)
	if err != nil {
		return nil, err
	}
	return buildBase(n)
})

// buildBase builds the base lexicon: the domain pack's words first (they
// win over zh_s's, as when gse loads the pack first), then zh_s's.
func buildBase(n *normalizer) (*lexicon, error) {
	entries, err := baseEntries(n)
	if err != nil {
		return nil, err
	}
	l, err := buildLexicon(entries)
	if err != nil {
		return nil, err
	}
	l.digest = baseKey()
	return l, nil
}

// baseEntries returns the words of the base lexicon, in order.
func baseEntries(n *normalizer) ([]lexEntry, error) {
	domain, err := n.dictEntries(domainDict)
	if err != nil {
		return nil, fmt.Errorf("domain pack: %w", err)
	}
	zhs, err := zhsEntries()
	if err != nil {
		return nil, err
	}
	return firstWins(lexEntries(domain), zhs), nil
}

// zhsEntries decodes the embedded zh_s words.
func zhsEntries() ([]lexEntry, error) {
	zr, err := gzip.NewReader(strings.NewReader(zhsWords))
	if err != nil {
		return nil, fmt.Errorf("zh_s words: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("zh_s words: %w", err)
	}
	return parseWords(string(data))
}

// parseWords parses "word freq" lines (as TestBaseWords writes them).
func parseWords(data string) ([]lexEntry, error) {
	out := make([]lexEntry, 0, strings.Count(data, "\n"))
	for ln, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		i := strings.LastIndexByte(line, ' ')
		f, err := strconv.ParseUint(line[i+1:], 10, 32)
		if i <= 0 || err != nil {
			return nil, fmt.Errorf("zh_s words: line %d: want \"word freq\", got %q", ln+1, line)
		}
		out = append(out, lexEntry{text: line[:i], freq: uint32(f)})
	}
	return out, nil
}

// formatWords is parseWords's inverse.
func formatWords(entries []lexEntry) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		b.WriteString(e.text)
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(uint64(e.freq), 10))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// firstWins concatenates lists, keeping the first entry of each text.
func firstWins(lists ...[]lexEntry) []lexEntry {
	var all []lexEntry
	seen := make(map[string]struct{})
	for _, list := range lists {
		for _, e := range list {
			if !hasKey(seen, e.text) {
				seen[e.text] = struct{}{}
				all = append(all, e)
			}
		}
	}
	return all
}

// baseLexicon returns the base lexicon: from its cache file in dir when
// there is one of the same inputs, else built (once per process) and,
// with dir, written there for the next start. Cache failures go to report
// and never fail the call.
func baseLexicon(dir string, report func(error)) (*lexicon, error) {
	if dir == "" {
		return builtBase()
	}
	key := baseKey()
	l, err := cached(filepath.Join(dir, fmt.Sprintf("base-%x.lex", key[:16])), builtBase, report)
	if err != nil {
		return nil, err
	}
	l.digest = key
	return l, nil
}
