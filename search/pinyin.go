package search

import (
	"strings"

	"github.com/blugelabs/bluge/analysis"

	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/segment"
)

// Pinyin typed into the search box finds titles three ways: a whole
// word's pinyin or initials (zhuxiao, zfb: a title_py term), the pinyin
// being typed (zhu, zhux: the title_pre pinyin prefixes for up to
// segment.MaxPinyinPrefix letters, a title_py prefix range beyond), and
// several words' pinyin run together (zhuxiaowangdai: split into title_py
// terms). What matched is remembered so that the title's Chinese
// characters are highlighted.

// Bounds of the pinyin expansions.
const (
	maxPinyinRange = 32 // title_py terms a long prefix expands to
	maxPinyinSplit = 24 // letters of a run-together input that are split
)

// pinyinNode matches a Latin query word as title pinyin; nil: no title.
func (x *executor) pinyinNode(w planWord) (docIter, error) {
	var alts []docIter
	exact := false
	for _, t := range w.pinyin {
		it, err := x.term(indexer.FieldTitlePinyin, t, x.opt.w.Pinyin, false)
		if err != nil {
			return nil, err
		}
		if it != nil {
			exact = true
			alts = append(alts, it)
			x.res.pinyin.exact = append(x.res.pinyin.exact, t)
		}
	}
	for _, t := range w.pinyin {
		it, err := x.pinyinPrefix(t)
		if err != nil {
			return nil, err
		}
		alts = append(alts, it)
		if !exact {
			split, err := x.pinyinSplit(t)
			if err != nil {
				return nil, err
			}
			alts = append(alts, split)
		}
	}
	return anyOf(alts, 1), nil
}

// pinyinPrefix matches titles with a word whose pinyin or initials start
// with t, scored at half the pinyin weight.
func (x *executor) pinyinPrefix(t string) (docIter, error) {
	boost := x.opt.w.Pinyin / 2
	if len(t) <= segment.MaxPinyinPrefix {
		it, err := x.term(indexer.FieldTitlePrefix, segment.PrefixMarkPinyin+t, boost, false)
		if it == nil || err != nil {
			return nil, err
		}
		x.res.pinyin.prefix = append(x.res.pinyin.prefix, t)
		return it, nil
	}
	ts, err := x.dictRange(indexer.FieldTitlePinyin, t, maxPinyinRange)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	var alts []docIter
	for _, term := range ts {
		it, err := x.term(indexer.FieldTitlePinyin, term, boost, false)
		if err != nil {
			return nil, err
		}
		alts = append(alts, it)
	}
	x.res.pinyin.prefix = append(x.res.pinyin.prefix, t)
	return anyOf(alts, 1), nil
}

// dictRange returns up to n terms of field starting with prefix.
func (x *executor) dictRange(field, prefix string, n int) ([]string, error) {
	it, err := x.r.DictionaryIterator(field, nil, []byte(prefix), []byte(prefix+"\xff"))
	if err != nil {
		return nil, err
	}
	defer func() { _ = it.Close() }()
	var out []string
	for len(out) < n {
		e, err := it.Next()
		if err != nil || e == nil {
			return out, err
		}
		out = append(out, e.Term())
	}
	return out, nil
}

// pinyinSplit matches t as the pinyin of several title words in a row
// (zhuxiaowangdai → zhuxiao + wangdai), each a title_py term; nil when t
// does not split so.
func (x *executor) pinyinSplit(t string) (docIter, error) {
	if len(t) < 4 || len(t) > maxPinyinSplit {
		return nil, nil
	}
	parts, err := x.splitPinyin(t)
	if err != nil || len(parts) < 2 {
		return nil, err
	}
	var all []docIter
	for _, p := range parts {
		it, err := x.term(indexer.FieldTitlePinyin, p, x.opt.w.Pinyin, false)
		if err != nil {
			return nil, err
		}
		all = append(all, it)
	}
	x.res.pinyin.exact = append(x.res.pinyin.exact, parts...)
	return allOf(all, 1), nil
}

// splitPinyin splits t into the fewest title_py terms of two or more
// letters (dynamic programming over the ends); nil when it does not split.
func (x *executor) splitPinyin(t string) ([]string, error) {
	best := make([][]string, len(t)+1) // best[i]: the split of t[:i]
	best[0] = []string{}
	for i := 0; i < len(t); i++ {
		if best[i] == nil {
			continue
		}
		for j := len(t); j >= i+2; j-- {
			if best[j] != nil && len(best[j]) <= len(best[i])+1 {
				continue
			}
			ok, err := x.hasTerm(indexer.FieldTitlePinyin, t[i:j])
			if err != nil {
				return nil, err
			}
			if ok {
				best[j] = append(append([]string{}, best[i]...), t[i:j])
			}
		}
	}
	return best[len(t)], nil
}

func (x *executor) hasTerm(field, term string) (bool, error) {
	pi, err := x.r.PostingsIterator([]byte(term), field, false, false, false)
	if err != nil {
		return false, err
	}
	defer func() { _ = pi.Close() }()
	return pi.Count() > 0, nil
}

// pinyinMatches are the pinyin terms a search matched titles with.
type pinyinMatches struct {
	exact, prefix []string
}

func (m pinyinMatches) empty() bool { return len(m.exact) == 0 && len(m.prefix) == 0 }

// match reports whether a title pinyin token term is one the search matched.
func (m pinyinMatches) match(term string) bool {
	for _, t := range m.exact {
		if term == t {
			return true
		}
	}
	for _, p := range m.prefix {
		if strings.HasPrefix(term, p) {
			return true
		}
	}
	return false
}

// pinyinSpans returns the spans of the title words whose pinyin matched.
func pinyinSpans(a Analysis, title string, m pinyinMatches) []Span {
	pa, ok := a.(interface{ Pinyin() *analysis.Analyzer })
	if !ok || m.empty() {
		return nil
	}
	var out []Span
	for _, t := range pa.Pinyin().Analyze([]byte(title)) {
		if m.match(string(t.Term)) {
			out = append(out, Span{Start: t.Start, End: t.End})
		}
	}
	return out
}
