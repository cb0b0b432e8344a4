package segment

import (
	"os"
	"sync"
	"testing"
)

// shared builds ONE default Segmenter per test binary.
var shared = sync.OnceValues(func() (*Segmenter, error) { return New(Config{}) })

func testSegmenter(tb testing.TB) *Segmenter {
	tb.Helper()
	s, err := shared()
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return s
}

// sampleArticle reads the sample article of the shared corpus, skipping the
// test when it is not there.
func sampleArticle(tb testing.TB) []byte {
	tb.Helper()
	b, err := readSample()
	if err != nil {
		tb.Skipf("sample article: %v", err)
	}
	return b
}

const samplePath = "/work/shared/corpus/seed/how-to-close-online-loan-account.txt"

func readSample() ([]byte, error) { return os.ReadFile(samplePath) }
