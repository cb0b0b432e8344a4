package httpapi

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
)

// fakeReplica applies every write at once (seq counts them) unless err.
type fakeReplica struct {
	seq   atomic.Uint64
	err   error
	ready bool
}

type codedError struct {
	status int
	code   string
}

func (e codedError) Error() string         { return e.code }
func (e codedError) Status() (int, string) { return e.status, e.code }

func (f *fakeReplica) Put(_ context.Context, docs []corpus.Document) (uint64, error) {
	if f.err != nil {
		return 0, f.err
	}
	return f.seq.Add(uint64(len(docs))), nil
}

func (f *fakeReplica) Delete(_ context.Context, ids []string) (uint64, error) {
	if f.err != nil {
		return 0, f.err
	}
	return f.seq.Add(uint64(len(ids))), nil
}

func (f *fakeReplica) WaitApplied(ctx context.Context, seq uint64) error {
	if f.seq.Load() >= seq {
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

func (f *fakeReplica) Applied() uint64 { return f.seq.Load() }

func (f *fakeReplica) Readiness() (any, bool) {
	return map[string]any{"status": "x", "state": map[bool]string{true: "ready", false: "catching_up"}[f.ready]}, f.ready
}

func (f *fakeReplica) Status(context.Context) (any, error) {
	return map[string]any{"node": "n1", "applied": f.seq.Load()}, nil
}

// TestReplicaRoutes: on a replica, writes answer their log sequence and
// the cluster's own errors keep their status and code; min_seq waits for
// the sequence (503 lagging with Retry-After when it does not come);
// /readyz follows the replica; /api/cluster is the replica's status (404
// no_cluster without one); every response carries X-Wensou-Seq.
func TestReplicaRoutes(t *testing.T) {
	client := &http.Client{Timeout: 5 * time.Second}
	auth := []string{"Authorization", "Bearer " + testAdminKey}
	rep := &fakeReplica{ready: true}
	base, _ := startHardened(t, Config{AdminKey: testAdminKey, RateLimit: -1}, Deps{Searcher: sampleDeps(t).Searcher, Replica: rep})
	noQuorum := &fakeReplica{err: codedError{503, "no_quorum"}}
	nqBase, _ := startHardened(t, Config{AdminKey: testAdminKey, RateLimit: -1}, Deps{Searcher: sampleDeps(t).Searcher, Replica: noQuorum})
	plainBase, _ := startHardened(t, Config{AdminKey: testAdminKey, RateLimit: -1}, sampleDeps(t))
	tests := []struct {
		name, method, url, body string
		status                  int
		code, inBody, seq       string
	}{
		{"push", "POST", base + "/api/docs", `[{"id":"a","title":"甲"},{"id":"b","title":"乙"}]`, 200, "", `"seq":2`, "2"},
		{"delete", "DELETE", base + "/api/docs/article-1000", "", 200, "", `"seq":3`, "3"},
		{"min_seq applied", "GET", base + "/api/search?q=注销&min_seq=3", "", 200, "", "", "3"},
		{"min_seq ahead", "GET", base + "/api/search?q=注销&min_seq=9", "", 503, "lagging", "", "3"},
		{"min_seq not a number", "GET", base + "/api/search?q=注销&min_seq=x", "", 400, "bad_parameter", "", "3"},
		{"cluster status", "GET", base + "/api/cluster", "", 200, "", `"node":"n1"`, "3"},
		{"readyz", "GET", base + "/readyz", "", 200, "", `"state":"ready"`, "3"},
		{"no quorum", "POST", nqBase + "/api/docs", `{"id":"a","title":"甲"}`, 503, "no_quorum", "", "0"},
		{"readyz catching up", "GET", nqBase + "/readyz", "", 503, "", `"state":"catching_up"`, "0"},
		{"no cluster", "GET", plainBase + "/api/cluster", "", 404, "no_cluster", "", ""},
		{"min_seq without a cluster", "GET", plainBase + "/api/search?q=注销&min_seq=5", "", 200, "", "", ""},
	}
	for _, tt := range tests {
		var body *strings.Reader
		if tt.body != "" {
			body = strings.NewReader(tt.body)
		} else {
			body = strings.NewReader("")
		}
		r := send(t, client, newReq(t, tt.method, tt.url, body, append(auth, "Content-Type", "application/json")...))
		if r.status != tt.status || r.err.Code != tt.code {
			t.Errorf("%s: %d %q, want %d %q (%s)", tt.name, r.status, r.err.Code, tt.status, tt.code, r.body)
		}
		if !strings.Contains(string(r.body), tt.inBody) {
			t.Errorf("%s: body %s lacks %s", tt.name, r.body, tt.inBody)
		}
		if got := r.header.Get("X-Wensou-Seq"); got != tt.seq {
			t.Errorf("%s: X-Wensou-Seq %q, want %q", tt.name, got, tt.seq)
		}
		if tt.code == "lagging" && r.header.Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", tt.name)
		}
	}
}
