package search

import (
	"context"
	"slices"
	"testing"

	"github.com/blugelabs/bluge"
)

func TestTitleKeysContaining(t *testing.T) {
	keys := newTitleKeys([]string{"0元购", "a零元b", "零元", "零", "元零元", "xyz"})
	tests := []struct {
		lit  string
		want []string
	}{
		{"零元", []string{"a零元b", "零元", "元零元"}},
		{"零", []string{"a零元b", "零元", "零", "元零元"}},
		{"元\n零", nil}, // never across two keys
		{"xyz", []string{"xyz"}},
		{"0元购", []string{"0元购"}},
		{"不在", nil},
	}
	for _, tt := range tests {
		if got := keys.containing(tt.lit); !slices.Equal(got, tt.want) {
			t.Errorf("containing(%q) = %q, want %q", tt.lit, got, tt.want)
		}
	}
}

// TestLiteralBoostEqualsWildcard: the literal boost through the title keys
// in memory finds and scores exactly what the wildcard query did.
func TestLiteralBoostEqualsWildcard(t *testing.T) {
	e := testEngine(t)
	r, release, err := e.readers.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	plain := builder{a: e.analysis(), w: e.cfg.Weights}
	for _, q := range []string{"零元", "零首付", "0首付", "零元 分期", "零元购机", "零零零元"} {
		pq := mustParse(t, q)
		resolved := plain
		if resolved.literals, err = e.literals(context.Background(), r, plain, pq); err != nil {
			t.Fatal(err)
		}
		if len(resolved.literals) == 0 {
			t.Errorf("%s: no literal boost", q)
		}
		for _, all := range []bool{true, false} {
			want, got := matches(t, r, plain.build(pq, all)), matches(t, r, resolved.build(pq, all))
			if !slices.Equal(got, want) {
				t.Errorf("%s (all=%v): %v, want %v", q, all, got, want)
			}
		}
	}
}

// scored is a match's id and score.
type scored struct {
	id    string
	score float64
}

func matches(t *testing.T, r *bluge.Reader, q bluge.Query) []scored {
	t.Helper()
	if q == nil {
		return nil
	}
	it, err := r.Search(context.Background(), bluge.NewTopNSearch(1000, q).IncludeLocations())
	if err != nil {
		t.Fatal(err)
	}
	var out []scored
	for m, err := it.Next(); m != nil || err != nil; m, err = it.Next() {
		if err != nil {
			t.Fatal(err)
		}
		s := scored{score: m.Score}
		if err := m.VisitStoredFields(func(f string, v []byte) bool {
			if f == "_id" {
				s.id = string(v)
			}
			return true
		}); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
