package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"sync"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/indexer"
)

// ownFacetSize is the most values a facet of an own field reports.
const ownFacetSize = 20

// ownFacetTable maps every document number of one reader to the values
// of one own field (indexer.OwnExact), as ordinals into names: the values
// of document n are vals[offs[n]:offs[n+1]]. Built once per reader from
// the field's postings, like facetTable, so counting a match is a slice
// walk, never a read of stored data.
type ownFacetTable struct {
	names []string
	offs  []uint32
	vals  []uint32
}

// ownFacetTables holds the tables of one reader, by field, built on first
// use.
type ownFacetTables struct {
	mu sync.Mutex
	by map[string]*ownFacetTable
}

// ownFacetCache holds the own facet tables of the most recent reader.
type ownFacetCache struct{ perReader[*ownFacetTables] }

// tables returns r's tables of the fields names.
func (c *ownFacetCache) tables(ctx context.Context, r *bluge.Reader, names []string) ([]ownFacet, error) {
	if len(names) == 0 {
		return nil, nil
	}
	ts, _ := c.get(r, func() (*ownFacetTables, error) { return &ownFacetTables{by: map[string]*ownFacetTable{}}, nil })
	ts.mu.Lock()
	defer ts.mu.Unlock()
	out := make([]ownFacet, 0, len(names))
	for _, name := range names {
		t, ok := ts.by[name]
		if !ok {
			var err error
			if t, err = buildOwnFacetTable(ctx, r, name); err != nil {
				return nil, fmt.Errorf("facet table of %s: %w", name, err)
			}
			ts.by[name] = t
		}
		out = append(out, ownFacet{name: name, t: t, counts: make([]uint64, len(t.names))})
	}
	return out, nil
}

// buildOwnFacetTable reads the postings of every value of the field.
func buildOwnFacetTable(ctx context.Context, r *bluge.Reader, name string) (*ownFacetTable, error) {
	field := indexer.OwnExact(name)
	t := &ownFacetTable{}
	var byDoc [][]uint32
	it, err := r.DictionaryIterator(field, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = it.Close() }()
	for {
		entry, err := it.Next()
		if err != nil {
			return nil, err
		}
		if entry == nil {
			break
		}
		ord := uint32(len(t.names))
		t.names = append(t.names, entry.Term())
		if byDoc, err = collectPostings(ctx, r, field, entry.Term(), ord, byDoc); err != nil {
			return nil, err
		}
	}
	t.offs = make([]uint32, len(byDoc)+1)
	for n, vs := range byDoc {
		t.vals = append(t.vals, vs...)
		t.offs[n+1] = uint32(len(t.vals))
	}
	return t, nil
}

// collectPostings appends ord to byDoc[n] of every live document n
// holding term.
func collectPostings(ctx context.Context, r *bluge.Reader, field, term string, ord uint32, byDoc [][]uint32) ([][]uint32, error) {
	err := visitPostings(ctx, r, field, term, func(d uint64) {
		for uint64(len(byDoc)) <= d {
			byDoc = append(byDoc, nil)
		}
		byDoc[d] = append(byDoc[d], ord)
	})
	return byDoc, err
}

// ownFacet counts the values of one own field over a search's matches.
type ownFacet struct {
	name   string
	t      *ownFacetTable
	counts []uint64
}

func (f *ownFacet) count(n uint64) {
	if n+1 >= uint64(len(f.t.offs)) {
		return
	}
	for _, v := range f.t.vals[f.t.offs[n]:f.t.offs[n+1]] {
		f.counts[v]++
	}
}

// top returns the ownFacetSize most frequent values (ties: in value
// order).
func (f *ownFacet) top() map[string]uint64 {
	var seen []int
	for i, c := range f.counts {
		if c > 0 {
			seen = append(seen, i)
		}
	}
	sort.SliceStable(seen, func(i, j int) bool { return f.counts[seen[i]] > f.counts[seen[j]] })
	out := make(map[string]uint64, min(len(seen), ownFacetSize))
	for _, i := range seen[:min(len(seen), ownFacetSize)] {
		out[f.t.names[i]] = f.counts[i]
	}
	return out
}

// MarshalJSON writes the facets as one object: kind, month and each
// requested own field's value counts.
func (f Facets) MarshalJSON() ([]byte, error) {
	m := make(map[string]map[string]uint64, 2+len(f.Fields))
	maps.Copy(m, f.Fields)
	m["kind"], m["month"] = f.Kind, f.Month
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the caller's encoder escapes, or not
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
