// Package segment is wensou's text analysis: normalisation, gse word
// segmentation with search-mode sub-words, CJK bigrams, pinyin, synonyms and
// stop words, exposed as bluge analyzers.
//
// # Normalisation
//
// Terms are built from a normalised copy of the text (see
// Segmenter.Normalize): Traditional → Simplified word by word where
// OpenCC's TSPhrases lists the word (乾隆 stays 乾隆; only phrases whose
// forms have as many runes, so each rune still maps to one), then rune by
// rune (OpenCC's TSCharacters, first candidate, then the variant fold 帐 →
// 账),
// full-width → half-width (ASCII range and the ideographic space), lower
// case, latin diacritics and combining marks removed, and 零 → 0 only in the
// zero collocations where both are written (零首付, 零元, 零利息, 零押金, 零门槛 …;
// see zeroTails; a space is inserted when the 0 would glue to a preceding
// latin letter or digit: iPhone15零首付 → iphone15 0首付). Index and query
// sides use the same normalisation, so 網貸, 网贷 and ＰＲＯ/pro meet, and
// Normalize(Normalize(x)) == Normalize(x).
//
// # Offsets
//
// Every token of every analyzer satisfies 0 <= Start < End <= len(text),
// both offsets on rune boundaries of the ORIGINAL text (invalid UTF-8 bytes
// count as one-byte runes and are never inside a token), and, for the word,
// bigram and pinyin-query analyzers, Normalize(text[Start:End]) == Term. A
// token that would cut a zero collocation is widened to it (零首付's "0"
// alone would not normalise back to "0"). Pinyin tokens span their word, or
// the part of it (sub-word or two-character window, PositionIncr 0) they
// spell; the 0 of a zero collocation reads ling there.
// Whitespace and punctuation never become tokens. One analyzer call reads at
// most Config.MaxInput bytes (DefaultMaxInput, 1 MiB); the rest is ignored.
// Analysing Normalize(text) gives the same terms as analysing text.
//
// # Fields
//
// The analyzers pair up per field: IndexWords at index time with QueryWords
// at query time (a query word is also indexed as a sub-word of any longer
// word containing it: 处理 finds 待处理); Bigrams on both sides for recall;
// Pinyin at index time with PinyinQuery at query time for titles. Sub-words
// of a single character are not indexed, and bigrams hold a single character
// only where it stands alone between other characters of the text (A网B), so
// a one-character query (贷, which gives no bigram) is best served by a
// prefix query on the word or bigram field.
//
// Bigrams of a text A are consecutive bigrams of any text B that contains A
// without cutting a run of letters and digits or a zero collocation: query
// 零元 gives 0元, which 零元分期 holds (0元, 元分, 分期); see Bigrams.
//
// # Concurrency
//
// A Segmenter is immutable after New and safe for concurrent use by any
// number of goroutines, as are its analyzers. Reloading dictionaries means
// building a new Segmenter and swapping it (atomic.Pointer); never add words
// to a live one.
//
// # Dictionaries
//
// Everything is embedded (no module cache or data directory needed at run
// time): gse's zh_s word list dict/zh_s.words.gz (written by go generate
// from the pinned gse module) and the domain pack dict/domain.txt (online
// lending, instalments, phone rental), from which New builds the word
// dictionary (0.7 s, once per process; with Config.CacheDir it is kept in a
// file there and the next New loads it in ~40 ms); default synonyms and
// stop words; a pinyin phrase table for polyphones. Config adds a user
// dictionary (which rebuilds the word dictionary, about a second, or loads
// it from CacheDir) and replaces synonyms or stop words. Segmentation is
// gse's dictionary segmentation, reimplemented over flat arrays
// (lexicon.go) and checked word for word against gse in the tests.
package segment
