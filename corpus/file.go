package corpus

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ParseFile parses a file's bytes by its extension: .html and .htm with
// ParseHTML, .txt and .md with ParseText; other extensions give
// ErrUnsupported. Source is path unless opt.Source is set; Hash is
// HashBytes(data).
func ParseFile(path string, data []byte, opt Options) (Document, error) {
	if opt.Source == "" {
		opt.Source = path
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".html", ".htm":
		return ParseHTML(data, opt)
	case ".txt", ".md":
		return ParseText(data, opt)
	default:
		return Document{}, fmt.Errorf("parse file %s: %w: %q", path, ErrUnsupported, ext)
	}
}
