package segment

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Segmenter analyses Chinese (and mixed) text. It is immutable after New and
// safe for concurrent use, as are the analyzers it returns.
type Segmenter struct {
	gse      gse.Segmenter
	norm     *normalizer
	synonyms map[string][]string
	stop     map[string]struct{}
	pinyin   pinyinTable
	maxInput int
}

// New builds a Segmenter: gse's embedded zh_s dictionary, the embedded domain
// pack and cfg.UserDict, plus synonyms and stop words. It takes about a
// second and ~130 MB; build one and share it (swap reloads with
// atomic.Pointer).
func New(cfg Config) (*Segmenter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	norm, err := newNormalizer(tsCharacters)
	if err != nil {
		return nil, fmt.Errorf("segment: %w", err)
	}
	s := &Segmenter{norm: norm, maxInput: cfg.maxInput()}
	if err := s.loadDictionaries(cfg.UserDict); err != nil {
		return nil, err
	}
	if err := s.loadLists(cfg); err != nil {
		return nil, err
	}
	return s, nil
}

// loadDictionaries loads the user dictionary and the domain pack with
// LoadDictStr, then gse's embedded zh_s with LoadDictEmbed (never LoadDict,
// which reads the module cache and, after NewEmbed, wipes the dictionary).
// gse keeps the FIRST entry of a word, so this order gives user words
// precedence over the domain pack and the domain pack over zh_s (whose 征信
// has frequency 32); the expensive CalcToken pass runs once over everything
// at the end. Nothing touches the file system except reading userDict, and
// nothing prints.
func (s *Segmenter) loadDictionaries(userDict string) error {
	var sb strings.Builder
	user, err := readFile(userDict, "", "user dictionary")
	if err != nil {
		return fmt.Errorf("segment: %w", err)
	}
	if err := s.norm.dictLines(user, &sb); err != nil {
		return fmt.Errorf("segment: load user dictionary %s: %w", userDict, err)
	}
	if err := s.norm.dictLines(domainDict, &sb); err != nil {
		return fmt.Errorf("segment: load domain dictionary: %w", err)
	}
	s.gse.NotLoadHMM = true // only the dictionary path is used, never HMM
	s.gse.SkipLog = true
	if err := s.gse.LoadDictStr(sb.String()); err != nil {
		return fmt.Errorf("segment: load domain and user dictionaries: %w", err)
	}
	if err := s.gse.LoadDictEmbed("zh_s"); err != nil {
		return fmt.Errorf("segment: load embedded zh_s dictionary: %w", err)
	}
	// Built with -tags ne, gse embeds nothing and zh_s silently loads empty.
	if n := s.gse.Dict.NumTokens(); n < minZhSWords {
		return fmt.Errorf("segment: embedded zh_s dictionary has %d words (gse built with -tags ne?)", n)
	}
	return nil
}

// loadLists loads synonyms, stop words and pinyin phrases.
func (s *Segmenter) loadLists(cfg Config) error {
	synData, err := readFile(cfg.Synonyms, defaultSynonyms, "synonyms")
	if err != nil {
		return fmt.Errorf("segment: %w", err)
	}
	if s.synonyms, err = s.norm.parseSynonyms(synData); err != nil {
		return fmt.Errorf("segment: load synonyms %s: %w", cfg.Synonyms, err)
	}
	stopData, err := readFile(cfg.StopWords, defaultStopWords, "stop words")
	if err != nil {
		return fmt.Errorf("segment: %w", err)
	}
	s.stop = s.norm.parseStopWords(stopData)
	if s.pinyin, err = newPinyinTable(s.norm); err != nil {
		return fmt.Errorf("segment: %w", err)
	}
	return nil
}

// Synonyms returns the other forms of a normalised term (网贷 → 网络贷款,
// 网络借贷), nil if none. Forms that normalise to the same term (零首付 and
// 0首付) are not synonyms of each other: Normalize already unifies them.
// The returned slice is a fresh copy.
func (s *Segmenter) Synonyms(term string) []string {
	syn, ok := s.synonyms[term]
	if !ok {
		syn = s.synonyms[s.Normalize(term)]
	}
	if len(syn) == 0 {
		return nil
	}
	return append([]string(nil), syn...)
}

// IsStop reports whether term (normalised) is a query stop word.
func (s *Segmenter) IsStop(term string) bool {
	_, ok := s.stop[term]
	return ok
}

// Normalize returns the normalised form of text used for terms:
// Traditional → Simplified per character (OpenCC TSCharacters, first
// candidate; then 帐 → 账), full-width → half-width, lower case, latin
// diacritics removed (é → e, ü → v), combining marks dropped, 零 → 0 in the
// zero collocations (零首付 → 0首付). It is not capped.
func (s *Segmenter) Normalize(text string) string {
	return string(s.norm.fold([]byte(text)).norm)
}

// capInput truncates input to the Segmenter's MaxInput, on a rune start.
func (s *Segmenter) capInput(input []byte) []byte {
	if len(input) <= s.maxInput {
		return input
	}
	n := s.maxInput
	for n > 0 && n > s.maxInput-utf8.UTFMax && !utf8.RuneStart(input[n]) {
		n--
	}
	return input[:n]
}

// minZhSWords is far below zh_s's ~350k words, far above any user pack.
const minZhSWords = 100000
