package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wensou/wensou/segment"
)

func segCfg(userDict string) segment.Config { return segment.Config{UserDict: userDict} }

func mustSeg(t *testing.T, userDict string) *segment.Segmenter {
	t.Helper()
	s, err := segment.New(segCfg(userDict))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func queryWords(b *backend, text string) []string {
	var out []string
	for _, tok := range b.seg().QueryWords().Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

func writeDoc(t *testing.T, dir, name, title, body string) {
	t.Helper()
	text := title + "\n\n发布时间:2025-07-01 10:00:00\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
