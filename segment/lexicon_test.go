package segment

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-ego/gse"
)

var update = flag.Bool("update", false, "rewrite dict/zh_s.words.gz from gse's zh_s")

// gseReference loads gse the way wensou did before the prebuilt lexicon:
// the user words and the domain pack (normalised) with LoadDictStr, then
// the embedded zh_s. It is the reference the lexicon must match.
func gseReference(user string) (*gse.Segmenter, error) {
	n, err := newNormalizer(tsCharacters, tsPhrases)
	if err != nil {
		return nil, err
	}
	var sb strings.Builder
	for _, data := range []string{user, domainDict} {
		entries, err := n.dictEntries(data)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			fmt.Fprintf(&sb, "%s %d\n", e.word, e.freq)
		}
	}
	g := &gse.Segmenter{NotLoadHMM: true, SkipLog: true}
	if err := g.LoadDictStr(sb.String()); err != nil {
		return nil, err
	}
	if err := g.LoadDictEmbed("zh_s"); err != nil {
		return nil, err
	}
	if g.Dict.NumTokens() < 100000 {
		return nil, fmt.Errorf("gse's zh_s has %d words (built with -tags ne?)", g.Dict.NumTokens())
	}
	return g, nil
}

// sharedGse is the reference without a user dictionary (~1 s to build).
var sharedGse = sync.OnceValues(func() (*gse.Segmenter, error) { return gseReference("") })

func testGse(tb testing.TB) *gse.Segmenter {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds gse's dictionary")
	}
	g, err := sharedGse()
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// gseEntries returns gse's dictionary as lexicon entries, in gse's order.
func gseEntries(tb testing.TB, g *gse.Segmenter) []lexEntry {
	tb.Helper()
	out := make([]lexEntry, len(g.Dict.Tokens))
	for i := range g.Dict.Tokens {
		tok := &g.Dict.Tokens[i]
		f := tok.Freq()
		if f != math.Trunc(f) || f < 1 || f > math.MaxUint32 {
			tb.Fatalf("word %q: frequency %v is not a uint32", tok.Text(), f)
		}
		out[i] = lexEntry{text: tok.Text(), freq: uint32(f)}
	}
	return out
}

// TestBaseWords: the embedded dict/zh_s.words.gz is gse's zh_s as gse
// loads it, and the base lexicon built from it and the domain pack is the
// one built from gse's dictionary with the pack loaded first, and passes
// the full check. With -update (go generate) it rewrites the file.
func TestBaseWords(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gse's dictionary")
	}
	zhs := &gse.Segmenter{NotLoadHMM: true, SkipLog: true}
	if err := zhs.LoadDictEmbed("zh_s"); err != nil {
		t.Fatal(err)
	}
	want := gseEntries(t, zhs)
	if *update {
		writeWords(t, "dict/zh_s.words.gz", want)
		return
	}
	got, err := zhsEntries()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("dict/zh_s.words.gz (%d words) is not gse's zh_s (%d words): run go generate ./segment", len(got), len(want))
	}
	n, err := newNormalizer(tsCharacters, tsPhrases)
	if err != nil {
		t.Fatal(err)
	}
	base, err := baseEntries(n)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(base, gseEntries(t, testGse(t))) {
		t.Fatal("the base words are not gse's with the domain pack loaded first")
	}
	l, err := buildBase(n)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.validate(); err != nil {
		t.Fatal(err)
	}
}

// writeWords writes entries as a gzipped word list, reproducibly (no name
// or time in the gzip header).
func writeWords(t *testing.T, path string, entries []lexEntry) {
	t.Helper()
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(formatWords(entries)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d words, %d bytes", path, len(entries), b.Len())
}

// TestLexiconMatchesGseSubWords: every word's search-mode sub-words, and
// their distances, are gse's.
func TestLexiconMatchesGseSubWords(t *testing.T) {
	g := testGse(t)
	l := testSegmenter(t).lex
	if l.numWords() != g.Dict.NumTokens() {
		t.Fatalf("%d words, gse has %d", l.numWords(), g.Dict.NumTokens())
	}
	bad := 0
	for w := range g.Dict.Tokens {
		tok := &g.Dict.Tokens[w]
		want := gseTree(tok.Segments())
		got := lexTree(l, l.subWords(int32(w)))
		if tok.Text() != l.word(int32(w)) || got != want {
			t.Errorf("word %d %q: sub-words %s, gse %q: %s", w, l.word(int32(w)), got, tok.Text(), want)
			if bad++; bad > 10 {
				t.FailNow()
			}
		}
	}
}

// TestLexiconMatchesGse: segmentation of texts is gse's, sub-words
// included: the shared sample article, mixed-script edge cases and random
// runs of dictionary words and characters.
func TestLexiconMatchesGse(t *testing.T) {
	g := testGse(t)
	s := testSegmenter(t)
	texts := []string{"", "a", "ABC中文", "中华人民共和国", "iPhone15手机 ９成新", "零首付0首付", "こんにちは世界",
		"x\xffy", "  ", "，。", "abc def", "a1b2", "Ωμέγα αλφα", "支付宝花呗借呗", "网络贷款平台注销账户"}
	texts = append(texts, randomTexts(g, 2000)...)
	if b, err := readSample(); err == nil {
		texts = append(texts, s.Normalize(string(b)))
	}
	for _, text := range texts {
		checkSegmentation(t, s.lex, g, text)
	}
}

// TestLexiconUserDictMatchesGse: with a user dictionary (words that are
// new, that override zh_s and the domain pack, and that gse drops), the
// rebuilt lexicon segments like gse.
func TestLexiconUserDictMatchesGse(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gse's dictionary")
	}
	user := "征信 5\n花呗借呗 99999\n人民共和 100000\nrare 1\nＸＹＺ公司 300\n"
	g, err := gseReference(user)
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/user.txt"
	if err := os.WriteFile(path, []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{UserDict: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.lex.validate(); err != nil {
		t.Fatal(err)
	}
	for _, text := range append(randomTexts(g, 300), "征信报告", "花呗借呗", "中华人民共和国", "rare", "xyz公司") {
		checkSegmentation(t, s.lex, g, text)
	}
}

// checkSegmentation compares the words of text and their sub-word trees.
func checkSegmentation(t *testing.T, l *lexicon, g *gse.Segmenter, text string) {
	t.Helper()
	var want, got strings.Builder
	for _, sg := range g.Segment([]byte(text)) {
		fmt.Fprintf(&want, "%d-%d%s ", sg.Start(), sg.End(), gseTree(sg.Token().Segments()))
	}
	for _, sg := range l.segment([]byte(text)) {
		fmt.Fprintf(&got, "%d-%d%s ", sg.start, sg.end, lexTree(l, l.subWords(sg.word)))
	}
	if got.String() != want.String() {
		t.Errorf("segment(%q):\n got %s\nwant %s", text, got.String(), want.String())
	}
}

func gseTree(segs []*gse.Segment) string {
	var sb strings.Builder
	for _, s := range segs {
		fmt.Fprintf(&sb, "[%d-%d%s]", s.Start(), s.End(), gseTree(s.Token().Segments()))
	}
	return sb.String()
}

func lexTree(l *lexicon, subs []lexSub) string {
	var sb strings.Builder
	for _, s := range subs {
		fmt.Fprintf(&sb, "[%d-%d%s]", s.start, s.end, lexTree(l, l.subWords(s.word)))
	}
	return sb.String()
}

// randomTexts joins random dictionary words, single characters and ASCII.
func randomTexts(g *gse.Segmenter, n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	toks := g.Dict.Tokens
	out := make([]string, n)
	for i := range out {
		var sb strings.Builder
		for range 1 + r.IntN(12) {
			switch r.IntN(6) {
			case 0:
				w := []rune(toks[r.IntN(len(toks))].Text())
				sb.WriteRune(w[r.IntN(len(w))])
			case 1:
				sb.WriteString([]string{"a", "B2", "零", "，", " ", "x9y", "の"}[r.IntN(7)])
			default:
				sb.WriteString(toks[r.IntN(len(toks))].Text())
			}
		}
		out[i] = sb.String()
	}
	return out
}

// TestLexiconMatchesGseCorpus compares the segmentation of every title and
// body of a JSONL corpus (WENSOU_PARITY_JSONL, e.g. the bench's
// poetry.jsonl; skipped when unset) with gse's.
func TestLexiconMatchesGseCorpus(t *testing.T) {
	path := os.Getenv("WENSOU_PARITY_JSONL")
	if path == "" {
		t.Skip("WENSOU_PARITY_JSONL not set")
	}
	g, s := testGse(t), testSegmenter(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	docs := 0
	for ; dec.More(); docs++ {
		var doc struct{ Title, Body string }
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{doc.Title, doc.Body} {
			checkSegmentation(t, s.lex, g, s.Normalize(text))
		}
		if t.Failed() {
			t.Fatalf("document %d differs", docs)
		}
	}
	t.Logf("%d documents segmented like gse", docs)
}

func TestSplitUnits(t *testing.T) {
	tests := []struct {
		in   string
		want []int32
	}{
		{"", []int32{0}},
		{"ab", []int32{0, 2}},
		{"中文", []int32{0, 3, 6}},
		{"ab中c1，", []int32{0, 2, 5, 7, 10}},
		{" x", []int32{0, 1, 2}},
		{"é中", []int32{0, 2, 5}},
		{"\xff", []int32{0, 1}},
	}
	for _, tt := range tests {
		if got := splitUnits([]byte(tt.in), nil); !slices.Equal(got, tt.want) {
			t.Errorf("splitUnits(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestBuildLexicon(t *testing.T) {
	tests := []struct {
		name    string
		entries []lexEntry
		wantErr string
	}{
		{"ok", []lexEntry{{"中国", 10}, {"中", 2}, {"国", 2}}, ""},
		{"duplicate", []lexEntry{{"中国", 10}, {"中国", 3}}, "twice"},
		{"empty", []lexEntry{{"", 10}}, "empty"},
		{"nul", []lexEntry{{"a\x00b", 10}}, "NUL"},
		{"too long", []lexEntry{{strings.Repeat("a", 1<<16), 10}}, "bytes"},
	}
	for _, tt := range tests {
		l, err := buildLexicon(tt.entries)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			} else if err := l.validate(); err != nil {
				t.Errorf("%s: validate: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestLoadLexiconRejects(t *testing.T) {
	l, err := buildLexicon([]lexEntry{{"中国", 10}, {"中", 2}})
	if err != nil {
		t.Fatal(err)
	}
	good := l.marshal()
	if _, err := loadLexicon(string(good)); err != nil {
		t.Fatalf("round trip: %v", err)
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("XXLEX\x00\x00\x02"), good[8:]...),
		"truncated": good[:len(good)-9],
	} {
		if _, err := loadLexicon(string(data)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

// TestExtendCached: the first build writes the cache file, the next loads
// the same dictionary from it; a corrupt file is reported and rebuilt; an
// unwritable directory is reported and the build still succeeds.
func TestExtendCached(t *testing.T) {
	base, err := buildLexicon([]lexEntry{{"中国", 10}, {"中", 2}, {"国", 2}, {"人民", 8}})
	if err != nil {
		t.Fatal(err)
	}
	user := []lexEntry{{"中国人", 30}}
	want, err := base.extend(user)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "lexicon-"+lexKey(base.digest, user)+".lex")
	blocked := filepath.Join(dir, "blocked")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		dir       string
		prepare   func() error
		wantErrs  int
		wantCache bool
	}{
		{"no cache", "", nil, 0, false},
		{"first build writes", dir, nil, 0, true},
		{"second loads", dir, nil, 0, true},
		{"corrupt file", dir, func() error { return os.WriteFile(file, []byte("junk"), 0o644) }, 1, true},
		{"unwritable dir", filepath.Join(blocked, "sub"), nil, 2, false}, // read and write fail
	}
	for _, tt := range tests {
		if tt.prepare != nil {
			if err := tt.prepare(); err != nil {
				t.Fatal(err)
			}
		}
		var errs []error
		got, err := extendCached(base.digest, func() (*lexicon, error) { return base, nil }, user, tt.dir, func(err error) { errs = append(errs, err) })
		if err != nil || !bytes.Equal(got.marshal(), want.marshal()) || len(errs) != tt.wantErrs {
			t.Errorf("%s: err %v, same %v, reported %v", tt.name, err, err == nil && bytes.Equal(got.marshal(), want.marshal()), errs)
		}
		if _, err := os.Stat(file); (err == nil) != tt.wantCache && tt.dir == dir {
			t.Errorf("%s: cache file present = %v", tt.name, err == nil)
		}
	}
	if other := lexKey(base.digest, []lexEntry{{"中国人", 31}}); other == lexKey(base.digest, user) {
		t.Error("a changed frequency gives the same cache key")
	}
	if other := lexKey([32]byte{1}, user); other == lexKey(base.digest, user) {
		t.Error("another base dictionary gives the same cache key")
	}
}

// TestBaseLexiconCache: the first New with a cache directory writes the
// base dictionary there and the next loads it (the same dictionary); a
// file with a flipped bit is reported and rebuilt.
func TestBaseLexiconCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the base dictionary")
	}
	want, err := builtBase()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key := baseKey()
	file := filepath.Join(dir, fmt.Sprintf("base-%x.lex", key[:16]))
	flip := func() error {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		data[len(data)/2] ^= 0x10
		return os.WriteFile(file, data, 0o644)
	}
	tests := []struct {
		name     string
		prepare  func() error
		wantErrs int
		fromFile bool
	}{
		{"first build writes", nil, 0, false},
		{"second loads", nil, 0, true},
		{"flipped bit", flip, 1, false},
		{"rewritten", nil, 0, true},
	}
	for _, tt := range tests {
		if tt.prepare != nil {
			if err := tt.prepare(); err != nil {
				t.Fatal(err)
			}
		}
		var errs []error
		got, err := baseLexicon(dir, func(err error) { errs = append(errs, err) })
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(errs) != tt.wantErrs || (got != want) == !tt.fromFile || got.digest != key {
			t.Errorf("%s: reported %v, loaded from file %v", tt.name, errs, got != want)
		}
		if !bytes.Equal(got.marshal(), want.marshal()) {
			t.Errorf("%s: not the built dictionary", tt.name)
		}
	}
}
