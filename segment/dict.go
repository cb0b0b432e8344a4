package segment

import (
	_ "embed"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	//go:embed dict/TSCharacters.txt
	tsCharacters string
	//go:embed dict/TSPhrases.txt
	tsPhrases string
	//go:embed dict/domain.txt
	domainDict string
	//go:embed dict/synonyms.txt
	defaultSynonyms string
	//go:embed dict/stopwords.txt
	defaultStopWords string
	//go:embed dict/pinyin.txt
	pinyinPhrases string
)

// defaultFreq is the frequency given to dictionary words written without one:
// high enough for a domain word to beat its characters (网贷 over 网/贷).
const defaultFreq = 20000

// readFile returns the content of path, or def when path is "".
func readFile(path, def, what string) (string, error) {
	if path == "" {
		return def, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("load %s %s: %w", what, path, err)
	}
	return string(b), nil
}

// lines yields the non-empty, non-comment lines of data, trimmed, with their
// 1-based line numbers.
func lines(data string, yield func(n int, line string) error) error {
	for n, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := yield(n+1, line); err != nil {
			return err
		}
	}
	return nil
}

// dictEntry is a line of a "word [freq [pos]]" dictionary: the normalised
// word and its frequency (defaultFreq when not given); pos is ignored.
type dictEntry struct {
	word string
	freq int
}

// dictEntries parses a "word [freq [pos]]" dictionary, normalising words.
func (n *normalizer) dictEntries(data string) ([]dictEntry, error) {
	var out []dictEntry
	err := lines(data, func(ln int, line string) error {
		f := strings.Fields(line)
		if len(f) > 3 {
			return fmt.Errorf("line %d: want \"word [freq [pos]]\", got %q", ln, line)
		}
		freq := defaultFreq
		if len(f) > 1 {
			v, err := strconv.Atoi(f[1])
			if err != nil || v <= 0 || v > math.MaxUint32 {
				return fmt.Errorf("line %d: bad frequency %q", ln, f[1])
			}
			freq = v
		}
		word := string(n.fold([]byte(f[0])).norm)
		if !hasWordRune([]byte(word)) {
			return fmt.Errorf("line %d: %q has no letter or digit", ln, f[0])
		}
		if strings.ContainsFunc(word, unicode.IsSpace) {
			return fmt.Errorf("line %d: %q normalises to %q, which holds a space", ln, f[0], word)
		}
		out = append(out, dictEntry{word: word, freq: freq})
		return nil
	})
	return out, err
}

// lexEntries converts dictionary entries as gse loads them: a word under
// gse's minimum frequency (2) is dropped, a one-character word gets
// frequency 2, letters are lower-cased.
func lexEntries(entries []dictEntry) []lexEntry {
	out := make([]lexEntry, 0, len(entries))
	for _, e := range entries {
		if e.freq < gseMinFreq {
			continue
		}
		freq := uint32(e.freq)
		if utf8.RuneCountInString(e.word) < 2 {
			freq = gseMinFreq
		}
		out = append(out, lexEntry{text: asciiLower(e.word), freq: freq})
	}
	return out
}

// gseMinFreq is gse's MinTokenFreq default, also the frequency it gives a
// one-character word.
const gseMinFreq = 2

// asciiLower lower-cases ASCII letters, as gse does to dictionary words.
func asciiLower(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' }) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// parseSynonyms reads groups ("a/b/c" or "a,b,c"), normalises the words and
// returns, for every word, the other words of its groups.
func (n *normalizer) parseSynonyms(data string) (map[string][]string, error) {
	syn := make(map[string][]string)
	err := lines(data, func(ln int, line string) error {
		line = string(n.fold([]byte(line)).norm)
		group := splitGroup(line)
		if len(group) < 2 {
			return nil // a lone word (or forms unified by Normalize)
		}
		for _, w := range group {
			for _, o := range group {
				if o != w && !contains(syn[w], o) {
					syn[w] = append(syn[w], o)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("synonyms: %w", err)
	}
	return syn, nil
}

// splitGroup splits a normalised synonym line on "/" and "," and drops
// empty and repeated words.
func splitGroup(line string) []string {
	var group []string
	for _, w := range strings.FieldsFunc(line, func(r rune) bool { return r == '/' || r == ',' }) {
		if w = strings.TrimSpace(w); w != "" && !contains(group, w) {
			group = append(group, w)
		}
	}
	return group
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// parseStopWords reads one stop word per line, normalised.
func (n *normalizer) parseStopWords(data string) map[string]struct{} {
	stop := make(map[string]struct{})
	_ = lines(data, func(_ int, line string) error {
		stop[string(n.fold([]byte(line)).norm)] = struct{}{}
		return nil
	})
	return stop
}

// parsePinyinPhrases reads "word syl syl …" lines (one syllable per rune).
func (n *normalizer) parsePinyinPhrases(data string) (map[string][]string, int, error) {
	m := make(map[string][]string)
	maxRunes := 0
	err := lines(data, func(ln int, line string) error {
		f := strings.Fields(line)
		word := string(n.fold([]byte(f[0])).norm)
		runes := len([]rune(word))
		if runes != len(f)-1 {
			return fmt.Errorf("pinyin line %d: %d characters but %d syllables", ln, runes, len(f)-1)
		}
		m[word] = f[1:]
		maxRunes = max(maxRunes, runes)
		return nil
	})
	return m, maxRunes, err
}
