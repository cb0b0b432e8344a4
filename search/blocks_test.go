package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// filler is a long man-page-like body without the test phrases.
func filler(lines int) string {
	var b strings.Builder
	for i := range lines {
		fmt.Fprintf(&b, "这是第%d行说明文字，选项 --opt%d 可以设置。\n", i, i)
	}
	return b.String()
}

// TestBlockedBodySnippet: a body stored in blocks gives the snippet the
// whole body gives, wherever the match is, and comes back whole.
func TestBlockedBodySnippet(t *testing.T) {
	const phrase = "独一无二的关键短语"
	base := filler(1200) // about 60 KB
	at := map[string]int{"start": 0, "middle": len(base) / 2, "end": len(base)}
	var docs []corpus.Document
	bodies := map[string]string{}
	for name, off := range at {
		for off > 0 && off < len(base) && base[off-1] != '\n' {
			off++
		}
		body := base[:off] + phrase + "出现在这里。" + base[off:]
		bodies["long-"+name] = body
		docs = append(docs, corpus.Document{ID: "long-" + name, Kind: corpus.KindArticle, Title: "手册 " + name, Body: body})
	}
	e := memoryEngine(t, docs, Config{})
	res := search(t, e, phrase)
	if len(res.Hits) != len(docs) {
		t.Fatalf("hits = %v, want all %d long documents", ids(res), len(docs))
	}
	for _, h := range res.Hits {
		body := bodies[h.ID]
		i := strings.Index(body, phrase)
		want := Snippet(body, []Span{{Start: i, End: i + len(phrase)}}, e.cfg.SnippetSize)
		if h.SnippetHTML != want {
			t.Errorf("%s: snippet\n got %q\nwant %q", h.ID, h.SnippetHTML, want)
		}
		d, err := e.Document(context.Background(), h.ID)
		if err != nil || d.Body != body {
			t.Errorf("%s: Document body is %d bytes, %v; want the %d stored", h.ID, len(d.Body), err, len(body))
		}
	}
}

// TestBlockRangeSnippetEqualsWhole: the snippet over the blocks that
// blockRange picks equals the snippet over the whole body, for matches
// clustered or spread anywhere in the body.
func TestBlockRangeSnippetEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 5))
	runOn := strings.Repeat("天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳", 2000) // no line or sentence ends
	for _, body := range []string{filler(3000), runOn} {
		blockRangeTrials(t, rng, body)
	}
}

func blockRangeTrials(t *testing.T, rng *rand.Rand, body string) {
	b, err := indexer.ParseBlocks(indexer.EncodeBlocks(body))
	if err != nil {
		t.Fatal(err)
	}
	for trial := range 300 {
		spans := randomSpans(rng, body, 1+rng.IntN(150), trial%2 == 0)
		start, end := blockRange(b, spans, 120)
		text, base, err := b.Text(start, end)
		if err != nil {
			t.Fatal(err)
		}
		got := Snippet(text, shiftSpans(spans, base, len(text)), 120)
		if want := Snippet(body, spans, 120); got != want {
			t.Fatalf("trial %d (%d spans from %d): blocks [%d,%d)\n got %q\nwant %q", trial, len(spans), spans[0].Start, start, end, got, want)
		}
		if end-start > 3*4096+len(body)/2 && len(spans) < 3 {
			t.Fatalf("trial %d: %d spans decoded %d bytes", trial, len(spans), end-start)
		}
	}
}

// randomSpans returns n sorted, disjoint spans of 2–4 characters at
// character boundaries of body, within a few hundred bytes of each other
// when clustered.
func randomSpans(rng *rand.Rand, body string, n int, clustered bool) []Span {
	var out []Span
	at := rng.IntN(len(body))
	for range n {
		for at < len(body) && body[at]&0xC0 == 0x80 {
			at++
		}
		if at >= len(body) {
			break
		}
		end := at
		for k := 0; k < 2+rng.IntN(3) && end < len(body); k++ {
			end += runeLen(body, end)
		}
		out = append(out, Span{Start: at, End: end})
		gap := 1 + rng.IntN(300)
		if !clustered {
			gap = 1 + rng.IntN(len(body)/n+1)
		}
		at = end + gap
	}
	if len(out) == 0 {
		out = append(out, Span{Start: 0, End: 3})
	}
	return out
}
