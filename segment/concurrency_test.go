package segment

import (
	"slices"
	"sync"
	"testing"
)

// TestConcurrentAnalyze runs every analyzer from many goroutines at once on
// one Segmenter (run with -race) and checks they agree with a serial run.
func TestConcurrentAnalyze(t *testing.T) {
	s := testSegmenter(t)
	texts := [][]byte{[]byte("如何注銷網貸帳戶？零首付租機寶"), []byte("支付宝 iPhone15 ＰＲＯ")}
	if b := sampleArticleOrNil(); b != nil {
		texts = append(texts, b)
	}
	want := map[string][]string{}
	for _, an := range analyzers(s) {
		for i, text := range texts {
			want[an.name+string(rune('0'+i))] = terms(an.a.Analyze(text))
		}
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for round := range 5 {
				an := analyzers(s)[(g+round)%5]
				i := (g + round) % len(texts)
				if got := terms(an.a.Analyze(texts[i])); !slices.Equal(got, want[an.name+string(rune('0'+i))]) {
					t.Errorf("goroutine %d: %s differs from the serial run", g, an.name)
				}
				_ = s.Synonyms("网贷")
				_ = s.IsStop("的")
				_ = s.Normalize("網貸")
			}
		})
	}
	wg.Wait()
}

func sampleArticleOrNil() []byte {
	b, _ := readSample()
	return b
}

func BenchmarkAnalyze(b *testing.B) {
	s := testSegmenter(b)
	text := sampleArticle(b)
	for _, an := range analyzers(s) {
		b.Run(an.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				an.a.Analyze(text)
			}
		})
	}
	b.Run("gseSegmentBaseline", func(b *testing.B) { // what the word analyzers build on
		norm := []byte(s.Normalize(string(text)))
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			s.lex.segment(norm)
		}
	})
	b.Run("Normalize", func(b *testing.B) {
		str := string(text)
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			s.Normalize(str)
		}
	})
}
