package segment

import (
	_ "embed"
	"fmt"
	"os"
	"strconv"
	"strings"
)

var (
	//go:embed dict/TSCharacters.txt
	tsCharacters string
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

// dictLines converts a "word [freq [pos]]" dictionary into gse's
// LoadDictStr format with normalised words and explicit frequencies.
func (n *normalizer) dictLines(data string, sb *strings.Builder) error {
	return lines(data, func(ln int, line string) error {
		f := strings.Fields(line)
		if len(f) > 3 {
			return fmt.Errorf("line %d: want \"word [freq [pos]]\", got %q", ln, line)
		}
		freq := defaultFreq
		if len(f) > 1 {
			v, err := strconv.Atoi(f[1])
			if err != nil || v <= 0 {
				return fmt.Errorf("line %d: bad frequency %q", ln, f[1])
			}
			freq = v
		}
		word := string(n.fold([]byte(f[0])).norm)
		if !hasWordRune([]byte(word)) {
			return fmt.Errorf("line %d: %q has no letter or digit", ln, f[0])
		}
		fmt.Fprintf(sb, "%s %d", word, freq)
		if len(f) == 3 {
			sb.WriteString(" " + f[2])
		}
		sb.WriteByte('\n')
		return nil
	})
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
