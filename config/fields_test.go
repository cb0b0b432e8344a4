package config

import (
	"maps"
	"strings"
	"testing"
)

func TestFields(t *testing.T) {
	no := false
	tests := []struct {
		name    string
		fields  []Field
		weights map[string]float64
		err     string
	}{
		{"none", nil, nil, ""},
		{"author and tags", []Field{{Name: "Author", Weight: 3}, {Name: "tags", Type: "keyword"}, {Name: "isbn", Searchable: &no}},
			map[string]float64{"author": 3, "tags": -1, "isbn": -1}, ""}, // keyword: exact, not searched
		{"typed", []Field{{Name: "price", Type: "number", Sortable: true, Filterable: true}, {Name: "updated", Type: "date", Sortable: true},
			{Name: "tags", Type: "keyword", Multi: true, Facet: true}, {Name: "sku", Type: "keyword", Searchable: new(true)}},
			map[string]float64{"price": -1, "updated": -1, "tags": -1, "sku": 0}, ""},
		{"sortable text", []Field{{Name: "a", Sortable: true}}, nil, "only number and date fields sort"},
		{"multi number", []Field{{Name: "a", Type: "number", Multi: true}}, nil, "only text and keyword fields"},
		{"bad name", []Field{{Name: "作者"}}, nil, "letters, digits and _"},
		{"twice", []Field{{Name: "a"}, {Name: "A"}}, nil, "declared twice"},
		{"fixed", []Field{{Name: "title"}}, nil, "every document has already"},
		{"bad type", []Field{{Name: "a", Type: "blob"}}, nil, "text, keyword, number or date"},
		{"bad weight", []Field{{Name: "a", Weight: -2}}, nil, "between 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			c.Fields = tt.fields
			_, err := c.Validate()
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if got := c.Search().FieldWeights; !maps.Equal(got, tt.weights) {
					t.Errorf("FieldWeights = %v, want %v", got, tt.weights)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Validate: %v, want %q", err, tt.err)
			}
		})
	}
}

func TestFieldsFromEnvironment(t *testing.T) {
	var c Config
	for _, f := range fields(&c) {
		if f.key == "fields" {
			if err := f.set(`[{"name":"author","weight":2}]`); err != nil {
				t.Fatal(err)
			}
			if err := f.set(`author`); err == nil {
				t.Error("a non-JSON list was accepted")
			}
		}
	}
	if len(c.Fields) != 1 || c.Fields[0].Name != "author" || c.Fields[0].Weight != 2 {
		t.Errorf("fields = %+v", c.Fields)
	}
}
