package corpus

import (
	"fmt"
	"strconv"
	"strings"
)

// FieldType is the declared type of one own field (the configuration's
// fields): its values are checked when a document is read.
type FieldType struct {
	Type  string // "text" (or ""), "keyword", "number", "date"
	Multi bool   // an array of values
}

// checkFields checks the document's own fields against the declared types:
// a number field holds one decimal number, a date field one date
// (ParseDate), and only a multi field several values. A wrong value is
// ErrMalformed naming the field and the value.
func checkFields(fields map[string]string, types map[string]FieldType) error {
	for name, v := range fields {
		t, ok := types[name]
		if !ok {
			continue
		}
		if err := t.check(v); err != nil {
			return fmt.Errorf("%w: field %s: %q %w", ErrMalformed, name, capRunes(v, 64), err)
		}
	}
	return nil
}

func (t FieldType) check(v string) error {
	if !t.Multi && strings.Contains(v, "\n") && t.Type != "" && t.Type != "text" {
		return fmt.Errorf("is several values, and the field is not multi")
	}
	switch t.Type {
	case "number":
		if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
			return fmt.Errorf("is not a number")
		}
	case "date":
		if _, ok := ParseDate(v); !ok {
			return fmt.Errorf("is not a date (2006-01-02, RFC 3339)")
		}
	}
	return nil
}
