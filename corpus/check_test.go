package corpus

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// checkDocument asserts the contract every parsed Document keeps: valid
// UTF-8 without zero-width characters in every text field, a body without
// blank lines or padded lines, a known kind and an ID.
func checkDocument(t testing.TB, d Document) {
	t.Helper()
	fields := []string{d.ID, d.URL, d.Title, d.Body, d.Source}
	fields = append(fields, d.Headings...)
	for _, l := range d.Related {
		fields = append(fields, l.Title, l.URL)
	}
	for _, f := range fields {
		if !utf8.ValidString(f) {
			t.Fatalf("invalid UTF-8: %q", f)
		}
		if strings.ContainsFunc(f, isInvisible) {
			t.Fatalf("zero-width character in %q", f)
		}
	}
	if d.ID == "" || (d.Kind != KindArticle && d.Kind != KindRelated) {
		t.Fatalf("id %q kind %q", d.ID, d.Kind)
	}
	if strings.Contains(d.Title, "\n") {
		t.Fatalf("title has a line break: %q", d.Title)
	}
	for _, line := range strings.Split(d.Body, "\n") {
		if d.Body != "" && (line == "" || strings.TrimSpace(line) != line) {
			t.Fatalf("body line %q", line)
		}
	}
}
