package httpapi

import (
	"net/url"
	"reflect"
	"testing"
)

// TestFieldFacets: the page lists each facet field's values by count; a
// value's link adds its filter (kept in the URL with the others, page 1)
// and, when set, removes it.
func TestFieldFacets(t *testing.T) {
	st := pageState{Q: "明月", Page: 3, Size: pageSize, Filters: []string{"tags:租机"}}
	got := fieldFacets(st, []string{"author", "tags", "none"}, map[string]map[string]uint64{
		"author": {"李白": 60, "杜甫": 7, "王 维": 7}, "tags": {"租机": 2}})
	if len(got) != 2 || got[0].Name != "author" || got[1].Name != "tags" {
		t.Fatalf("facets %+v", got)
	}
	var labels []string
	for _, l := range got[0].Values {
		labels = append(labels, l.Label)
	}
	if !reflect.DeepEqual(labels, []string{"李白", "杜甫", "王 维"}) {
		t.Errorf("author values %v, want by count then value", labels)
	}
	tests := []struct {
		link    link
		filters []string
		active  bool
	}{
		{got[0].Values[0], []string{"tags:租机", "author:李白"}, false},
		{got[0].Values[2], []string{"tags:租机", `author:"王 维"`}, false},
		{got[1].Values[0], nil, true},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.link.URL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if !reflect.DeepEqual(q["filter"], tt.filters) || q.Get("page") != "" || q.Get("q") != "明月" || tt.link.Active != tt.active {
			t.Errorf("%s: %s active %v, want filters %q active %v", tt.link.Label, tt.link.URL, tt.link.Active, tt.filters, tt.active)
		}
	}
}
