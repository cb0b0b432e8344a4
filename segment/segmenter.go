package segment

import (
	"fmt"
	"unicode/utf8"
)

// Segmenter analyses Chinese (and mixed) text. It is immutable after New and
// safe for concurrent use, as are the analyzers it returns.
type Segmenter struct {
	lex      *lexicon
	norm     *normalizer
	synonyms map[string][]string
	stop     map[string]struct{}
	pinyin   pinyinTable
	maxInput int
}

// New builds a Segmenter: the word dictionary (gse's zh_s, embedded in the
// binary as a word list, and the domain pack), cfg.UserDict, synonyms and
// stop words. The word dictionary is built from the words (0.5–1 s, ~30 MB
// live; the build without a user dictionary is shared by every New of the
// process) unless cfg.CacheDir holds it from an earlier New with the same
// inputs (tens of milliseconds). Build one and share it (swap reloads with
// atomic.Pointer).
func New(cfg Config) (*Segmenter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	norm, err := newNormalizer(tsCharacters, tsPhrases)
	if err != nil {
		return nil, fmt.Errorf("segment: %w", err)
	}
	s := &Segmenter{norm: norm, maxInput: cfg.maxInput()}
	if err := s.loadDictionaries(cfg); err != nil {
		return nil, err
	}
	if err := s.loadLists(cfg); err != nil {
		return nil, err
	}
	return s, nil
}

// loadDictionaries builds the base dictionary (zh_s and the domain pack,
// see basedict.go). With a user dictionary it builds a new one from the
// user's words followed by the base words: the first entry of a word wins,
// as in gse, so user words take precedence over the domain pack, which
// takes precedence over zh_s. Nothing touches the file system except
// reading userDict and cfg.CacheDir, and nothing prints. With cfg.CacheDir
// the built dictionaries are kept there and loaded by the next New with
// the same inputs.
func (s *Segmenter) loadDictionaries(cfg Config) error {
	userDict := cfg.UserDict
	base := func() (*lexicon, error) {
		l, err := baseLexicon(cfg.CacheDir, cfg.OnCacheError)
		if err != nil {
			return nil, fmt.Errorf("segment: embedded dictionary: %w", err)
		}
		return l, nil
	}
	if userDict == "" {
		var err error
		s.lex, err = base()
		return err
	}
	data, err := readFile(userDict, "", "user dictionary")
	if err != nil {
		return fmt.Errorf("segment: %w", err)
	}
	user, err := s.norm.dictEntries(data)
	if err != nil {
		return fmt.Errorf("segment: load user dictionary %s: %w", userDict, err)
	}
	if s.lex, err = extendCached(baseKey(), base, lexEntries(user), cfg.CacheDir, cfg.OnCacheError); err != nil {
		return fmt.Errorf("segment: build dictionary with %s: %w", userDict, err)
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
// Traditional → Simplified by word where OpenCC's TSPhrases lists it, else
// per character (OpenCC TSCharacters, first candidate; then 帐 → 账), full-width → half-width, lower case, latin
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
