package config

import (
	"strings"
	"testing"
)

func TestParseIndexSettings(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
	}{
		{"empty", `{}`, ""},
		{"full", `{"fields":[{"name":"author","weight":2,"facet":true}],"weights":{"title":4},"dictionary":["春眠不觉晓 1000"],"synonyms":["明月/月亮"],"stop_words":["的"],"sources":["https://x.example/sitemap.xml","/srv/a"]}`, ""},
		{"unknown key", `{"field":[]}`, "unknown field"},
		{"two objects", `{} {}`, "one JSON object"},
		{"not an object", `[]`, "settings"},
		{"bad field type", `{"fields":[{"name":"x","type":"blob"}]}`, "text, keyword, number or date"},
		{"fixed field", `{"fields":[{"name":"title"}]}`, "already"},
		{"weight range", `{"weights":{"body":-1}}`, "weights.body"},
		{"multi-line entry", `{"dictionary":["a\nb"]}`, "not one line"},
		{"empty entry", `{"stop_words":[" "]}`, "empty"},
		{"file URL", `{"sources":["file:///etc/passwd"]}`, "http(s) URLs or paths"},
	}
	for _, tt := range tests {
		_, err := ParseIndexSettings([]byte(tt.json))
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestValidIndexName(t *testing.T) {
	for name, ok := range map[string]bool{"site-a": true, "a": true, "poems_2": true, "0x": true,
		"": false, "default": false, "A": false, "-a": false, "a/b": false, "..": false, "点": false, strings.Repeat("a", 65): false} {
		if err := ValidIndexName(name); (err == nil) != ok {
			t.Errorf("ValidIndexName(%q) = %v, want ok %v", name, err, ok)
		}
	}
}

func TestScopedKeys(t *testing.T) {
	tests := []struct {
		name    string
		keys    []ScopedKey
		wantErr string
	}{
		{"good", []ScopedKey{{Key: "site-a-key-0123456789", Index: "site-a"}, {Key: "site-a-admin-0123456789", Index: "site-a", Role: "admin"}, {Key: "main-key-0123456789", Index: "default"}}, ""},
		{"empty key", []ScopedKey{{Index: "a"}}, "keys[0].key: empty"},
		{"twice", []ScopedKey{{Key: "k-0123456789abcdef", Index: "a"}, {Key: "k-0123456789abcdef", Index: "b"}}, "given twice"},
		{"server key", []ScopedKey{{Key: "admin-0123456789abcdef", Index: "a"}}, "given twice"},
		{"bad index", []ScopedKey{{Key: "k-0123456789abcdef", Index: "A B"}}, "keys[0].index"},
		{"bad role", []ScopedKey{{Key: "k-0123456789abcdef", Index: "a", Role: "root"}}, "search or admin"},
	}
	for _, tt := range tests {
		c := Config{AdminKey: "admin-0123456789abcdef", Keys: tt.keys}
		_, err := c.Validate()
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.wantErr)
		}
	}
	c := Config{Keys: []ScopedKey{{Key: "secret-0123456789", Index: "a", Role: "admin"}}}
	if r := c.Redacted(); r.Keys[0].Key != "REDACTED" || c.Keys[0].Key != "secret-0123456789" {
		t.Errorf("Redacted keys = %+v (original %+v)", r.Keys, c.Keys)
	}
	if d := c.Dynamic(); len(d.Keys) != 1 || !d.Keys[0].Admin || d.Keys[0].Index != "a" {
		t.Errorf("Dynamic keys = %+v", d.Keys)
	}
	var env Config
	if err := ApplyEnv(&env, func(k string) (string, bool) {
		return `[{"key":"k-0123456789abcdef","index":"a","role":"admin"}]`, k == "WENSOU_KEYS"
	}); err != nil || len(env.Keys) != 1 || env.Keys[0].Role != "admin" {
		t.Errorf("WENSOU_KEYS: %+v, %v", env.Keys, err)
	}
}
