package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// failingWriter fails every write with err.
type failingWriter struct{ err error }

func (w failingWriter) Put(context.Context, []corpus.Document) error { return w.err }
func (w failingWriter) Delete(context.Context, []string) error       { return w.err }

// TestWriteFailureStatus: a write failing for a full disk is 507
// insufficient_storage (a client can wait and retry), not 500.
func TestWriteFailureStatus(t *testing.T) {
	full := fmt.Errorf("write to gen-000001: %w: write x.seg: no space left on device", indexer.ErrNoSpace)
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{full, http.StatusInsufficientStorage, "insufficient_storage"},
		{fmt.Errorf("document 0: %w", corpus.ErrBadID), 400, "bad_id"},
		{fmt.Errorf("document 0: %w", corpus.ErrDateRange), 400, "bad_date"},
		{context.DeadlineExceeded, 503, "timeout"},
		{fmt.Errorf("search: %w: decoding panicked", indexer.ErrCorrupt), 503, "index_damaged"},
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, tt := range tests {
		base, _ := startHardened(t, Config{AdminKey: testAdminKey, RateLimit: -1},
			Deps{Searcher: sampleDeps(t).Searcher, Writer: failingWriter{tt.err}})
		for _, req := range []*http.Request{
			newReq(t, "POST", base+"/api/docs", strings.NewReader(`{"id":"w1","title":"标题"}`), "Authorization", "Bearer "+testAdminKey),
			newReq(t, "DELETE", base+"/api/docs/article-1000", nil, "Authorization", "Bearer "+testAdminKey),
		} {
			if r := send(t, client, req); r.status != tt.status || r.err.Code != tt.code {
				t.Errorf("%s %s with %v: %d %s, want %d %s", req.Method, req.URL.Path, tt.err, r.status, r.err.Code, tt.status, tt.code)
			}
		}
	}
}

func TestStatusBytes(t *testing.T) {
	status := []byte("Name:\twensou\nVmRSS:\t  190156 kB\nRssAnon:\t   30004 kB\nRssFile:\t  160152 kB\n")
	for field, want := range map[string]int64{"RssAnon": 30004 << 10, "RssFile": 160152 << 10, "RssShmem": 0, "Name": 0} {
		if got := statusBytes(status, field); got != want {
			t.Errorf("%s = %d, want %d", field, got, want)
		}
	}
}

func TestJobStatus(t *testing.T) {
	for _, tt := range []struct {
		job  indexer.Job
		want int
	}{
		{indexer.Job{State: indexer.JobDone}, 200},
		{indexer.Job{State: indexer.JobFailed, Error: "reanalyze: " + indexer.ErrNoSpace.Error() + ": write x.seg: no space left on device"}, 507},
		{indexer.Job{State: indexer.JobFailed, Error: "no sources"}, 500},
	} {
		if got := jobStatus(tt.job); got != tt.want {
			t.Errorf("jobStatus(%+v) = %d, want %d", tt.job, got, tt.want)
		}
	}
}
