package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// The hardening tests run their own servers (real listeners on 127.0.0.1)
// with their own Config, over one sample index built once: the shared
// server of TestMain keeps its defaults for the other tests.

var sample struct {
	once   sync.Once
	engine *search.Engine
	writer *indexer.Writable
	gen    func() string
	err    error
}

func sampleDeps(t testing.TB) Deps {
	t.Helper()
	sample.once.Do(func() {
		seg, err := segment.New(segment.Config{})
		if err != nil {
			sample.err = err
			return
		}
		docs, err := corpus.Sample()
		if err != nil {
			sample.err = err
			return
		}
		ch := make(chan corpus.Document, len(docs))
		for _, d := range docs {
			ch <- d
		}
		close(ch)
		w, _, err := indexer.Memory(context.Background(), ch, seg, indexer.Options{})
		if err != nil {
			sample.err = err
			return
		}
		x, err := indexer.NewMemoryWritable(w, func() indexer.Analyzers { return seg })
		if err != nil {
			sample.err = err
			return
		}
		sample.writer = x
		sample.gen = x.Readers().Name
		// Uncached: these tests load the engine itself (TestOverload must
		// see real search work); the cache has its own tests.
		sample.engine = search.New(x.Readers(), func() search.Analysis { return seg }, search.Config{Cache: search.CacheConfig{Disabled: true}})
	})
	if sample.err != nil {
		t.Fatal(sample.err)
	}
	return Deps{Searcher: sample.engine, Writer: sample.writer, Generation: sample.gen}
}

// quietLogger discards logs.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startHardened serves New(cfg, deps) on 127.0.0.1 until the test ends and
// returns its base URL and the server.
func startHardened(t *testing.T, cfg Config, deps Deps) (string, *Server) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	srv, err := New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	return serveBuilt(t, srv), srv
}

// serveBuilt serves srv on 127.0.0.1 until the test ends.
func serveBuilt(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// serveHandler serves h on 127.0.0.1 until the test ends.
func serveHandler(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return "http://" + ln.Addr().String()
}

func runtimeCPUs() int { return runtime.GOMAXPROCS(0) }

// reply is a response read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
	err    APIError // the error body, if any
	isJSON bool
}

// send does req with client and reads the whole response.
func send(t *testing.T, client *http.Client, req *http.Request) reply {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %.80s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %.80s: read: %v", req.Method, req.URL, err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, body: body}
	var e struct {
		Error APIError `json:"error"`
	}
	r.isJSON = strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && json.Valid(body)
	if r.isJSON {
		_ = json.Unmarshal(body, &e)
		r.err = e.Error
	}
	return r
}

func newReq(t *testing.T, method, url string, body io.Reader, header ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// slowSearcher blocks each search until release is closed or the
// search's context ends.
type slowSearcher struct {
	Searcher
	release chan struct{}
	started chan struct{}
}

func (s slowSearcher) Search(ctx context.Context, req search.Request) (*search.Result, error) {
	select {
	case s.started <- struct{}{}:
	default:
	}
	select {
	case <-s.release:
		return s.Searcher.Search(ctx, req)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// zeros is an endless reader of 'a's: a large body streamed without
// being allocated.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// healthy asserts /healthz answers 200 within d.
func healthy(t *testing.T, base string, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	client := &http.Client{Timeout: d}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("/healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/healthz = %d", resp.StatusCode)
	}
	return time.Since(start)
}
