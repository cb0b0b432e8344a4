package corpus

import (
	"errors"
	"io"
	"strings"
	"testing"
)

var shopTypes = map[string]FieldType{
	"author": {Type: "text"}, "tags": {Type: "keyword", Multi: true}, "category": {Type: "keyword"},
	"price": {Type: "number"}, "updated": {Type: "date"},
}

func TestFieldTypes(t *testing.T) {
	tests := []struct {
		name, json, err string
	}{
		{"text", `"author":"李白"`, ""},
		{"text array", `"author":["李白","杜甫"]`, ""},
		{"keyword", `"category":"手机"`, ""},
		{"keyword multi", `"tags":["分期","租机"]`, ""},
		{"keyword not multi", `"category":["a","b"]`, "field category: \"a\\nb\" is several values"},
		{"number", `"price":199.5`, ""},
		{"number as string", `"price":"42"`, ""},
		{"number bad", `"price":"cheap"`, "field price: \"cheap\" is not a number"},
		{"number bool", `"price":true`, "is not a number"},
		{"number array", `"price":[1,2]`, ""}, // not an array of strings: not a field value at all
		{"date", `"updated":"2025-06-22"`, ""},
		{"date time", `"updated":"2025-06-22T16:15:29+08:00"`, ""},
		{"date bad", `"updated":"yesterday"`, "field updated: \"yesterday\" is not a date"},
		{"date number", `"updated":20250622`, "is not a date"},
		{"undeclared", `"isbn":"978-7"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeJSON([]byte(`{"id":"a","title":"t",`+tt.json+`}`), Options{Fields: shopTypes})
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("DecodeJSON: %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrMalformed)):
				t.Fatalf("DecodeJSON: %v, want ErrMalformed with %q", err, tt.err)
			}
		})
	}
}

// TestFieldTypesJSONLLine: a wrong value fails its line only, named by
// its number; the next line is read.
func TestFieldTypesJSONLLine(t *testing.T) {
	in := `{"id":"a","title":"t","price":1}` + "\n" + `{"id":"b","title":"t","price":"x"}` + "\n" + `{"id":"c","title":"t","price":3}` + "\n"
	r := NewJSONLReader(strings.NewReader(in), Options{Source: "shop.jsonl", Fields: shopTypes})
	var ids []string
	var lineErr *LineError
	for {
		d, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !errors.As(err, &lineErr) || lineErr.Line != 2 || !strings.Contains(err.Error(), "field price") {
				t.Fatalf("error %v, want line 2 field price", err)
			}
			continue
		}
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, ",") != "a,c" || lineErr == nil {
		t.Errorf("ids %v, error %v", ids, lineErr)
	}
}
