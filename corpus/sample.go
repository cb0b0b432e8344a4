package corpus

import (
	"embed"
	"fmt"
	"io/fs"
)

// sampleFiles are copies of ../shared/corpus/seed: one article of the
// site as UTF-8 HTML, GBK HTML and plain text.
//
//go:embed sample/*
var sampleFiles embed.FS

// samplePage is the embedded UTF-8 page that Sample parses.
const samplePage = "how-to-close-online-loan-account.html"

// SampleFS returns the three embedded sample files (UTF-8 HTML, GBK HTML,
// text) at the root of the file system.
func SampleFS() fs.FS {
	sub, err := fs.Sub(sampleFiles, "sample")
	if err != nil {
		panic(err) // unreachable: "sample" is a valid embedded directory
	}
	return sub
}

// Sample parses the embedded UTF-8 sample page and returns it expanded:
// the article (ID article-1000, URL from its canonical link) followed by
// its 99 distinct related entries.
func Sample() ([]Document, error) {
	data, err := fs.ReadFile(SampleFS(), samplePage)
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	d, err := ParseFile("sample/"+samplePage, data, Options{})
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	return Expand([]Document{d}), nil
}
