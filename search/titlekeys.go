package search

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"
	"github.com/blugelabs/bluge/search/searcher"
	"github.com/blugelabs/bluge/search/similarity"

	"github.com/wensou/wensou/indexer"
)

// maxTitleKeyBytes bounds the in-memory copy of a reader's title keys;
// beyond it the literal boost walks the dictionary as a wildcard query.
const maxTitleKeyBytes = 64 << 20

// titleKeys is every title_key term of one reader, sorted, in one string
// (each term followed by '\n', which no title key holds: NormalizeTitle
// drops white space). The literal boost (builder.literal) needs the terms
// holding a text anywhere; a wildcard *text* walks the whole term
// dictionary per query (about 20 ms on the poetry index), a substring
// search in this string about a hundredth of that.
type titleKeys struct {
	blob   string
	starts []int32 // offset of each term in blob
}

// containing returns the terms holding lit, in dictionary order: the terms
// the wildcard query *lit* expands to.
func (t *titleKeys) containing(lit string) []string {
	var out []string
	for at := 0; at < len(t.blob); {
		i := strings.Index(t.blob[at:], lit)
		if i < 0 {
			break
		}
		k := sort.Search(len(t.starts), func(k int) bool { return int(t.starts[k]) > at+i }) - 1
		start := int(t.starts[k])
		end := start + strings.IndexByte(t.blob[start:], '\n') // every term ends with one
		if strings.Contains(t.blob[start:end], lit) {          // not across a separator
			out = append(out, t.blob[start:end])
		}
		at = max(end+1, at+i+1)
	}
	return out
}

// titleKeyCache holds the title keys of the most recent reader, built on
// the first query that needs them; nil when they are too large to hold
// (the literal boost then uses the wildcard).
type titleKeyCache struct{ perReader[*titleKeys] }

// get returns r's title keys, or nil when they are too large to hold.
func (c *titleKeyCache) get(r *bluge.Reader) (*titleKeys, error) {
	keys, err := c.perReader.get(r, func() (*titleKeys, error) { return readTitleKeys(r) })
	if err != nil {
		return nil, fmt.Errorf("title keys: %w", err)
	}
	return keys, nil
}

// readTitleKeys reads the title_key dictionary of r; nil when it is
// larger than maxTitleKeyBytes.
func readTitleKeys(r *bluge.Reader) (*titleKeys, error) {
	it, err := r.DictionaryIterator(indexer.FieldTitleKey, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = it.Close() }()
	var terms []string
	size := 0
	for {
		entry, err := it.Next()
		if err != nil {
			return nil, err
		}
		if entry == nil {
			return newTitleKeys(terms), nil
		}
		if size += len(entry.Term()) + 1; size >= maxTitleKeyBytes || strings.Contains(entry.Term(), "\n") {
			return nil, nil
		}
		terms = append(terms, entry.Term())
	}
}

// newTitleKeys holds terms (sorted, none holding '\n').
func newTitleKeys(terms []string) *titleKeys {
	var b strings.Builder
	starts := make([]int32, 0, len(terms))
	for _, term := range terms {
		starts = append(starts, int32(b.Len()))
		b.WriteString(term)
		b.WriteByte('\n')
	}
	return &titleKeys{blob: b.String(), starts: starts}
}

// termSetQuery matches the given terms of a field and scores exactly as
// the wildcard query that expands to them: the same bluge multi-term
// searcher over the same terms in the same order.
type termSetQuery struct {
	field string
	terms []string
	boost float64
}

func (q termSetQuery) Searcher(i bsearch.Reader, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	return searcher.NewMultiTermSearcher(i, q.terms, q.field, q.boost, nil,
		similarity.NewCompositeSumScorer(), options, true)
}

// literalQuery is the literal boost for lit: nil when no title key holds
// it (the clause could match nothing), the matching terms when the title
// keys are in memory, else the wildcard query.
func (e *Engine) literalQuery(ctx context.Context, r *bluge.Reader, lit string, boost float64) (bluge.Query, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keys, err := e.titleKeys.get(r)
	if err != nil {
		return nil, err
	}
	if keys == nil {
		return bluge.NewWildcardQuery("*" + lit + "*").SetField(indexer.FieldTitleKey).SetBoost(boost), nil
	}
	terms := keys.containing(lit)
	if len(terms) == 0 {
		return nil, nil
	}
	return termSetQuery{field: indexer.FieldTitleKey, terms: terms, boost: boost}, nil
}
