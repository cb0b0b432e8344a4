package search

import (
	"context"
	"fmt"
	"testing"
)

// suggestedQueries are the learned-query suggestions for prefix.
func suggestedQueries(t *testing.T, e *Engine, prefix string) []string {
	t.Helper()
	sug, err := e.Suggest(context.Background(), prefix, 8)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range sug {
		if s.Kind == "query" {
			out = append(out, s.Text)
		}
	}
	return out
}

// TestSuggestionPoisoning: a query is suggested (and listed as popular)
// only when it found something, enough distinct clients searched it, it
// holds no contact details and no deny-list entry.
func TestSuggestionPoisoning(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		clients int
		deny    []string
		shown   bool
	}{
		{"three clients", "注销 账户", 3, nil, true},
		{"two searches of one client", "注销 账户", 1, nil, false},
		{"two clients", "注销 账户", 2, nil, false},
		{"wechat id", "注销 加微信rtspam888领取内部额度", 5, nil, false},
		{"wechat word", "注销 vx 领取", 5, nil, false},
		{"qq number", "注销 扣扣 12345678", 5, nil, false},
		{"phone", "注销 138 1234 5678", 5, nil, false},
		{"phone plain", "注销13812345678", 5, nil, false},
		{"url", "注销 http://spam.example/x", 5, nil, false},
		{"domain", "注销 spam-loans.top", 5, nil, false},
		{"email", "注销 a@b.cn", 5, nil, false},
		{"full-width wechat id", "注销 ｒｔｓｐａｍ８８８", 5, nil, false},
		{"denied", "注销 账户", 5, []string{"账户"}, false},
		{"denied traditional", "注销 账户", 5, []string{"賬戶"}, false},
		{"short latin-digit mix ok", "注销 5g 账户", 3, nil, true},
		{"date ok", "注销 2025-06 账户", 3, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := testEngine(t)
			e.SetQueryPolicy(QueryPolicy{Deny: tt.deny})
			for i := range tt.clients {
				for range 2 {
					if res := search(t, e, tt.query); res.Total == 0 {
						t.Fatalf("%q finds nothing: the test needs a query that finds something", tt.query)
					}
					e.NoteClient(tt.query, fmt.Sprintf("192.0.2.%d", i))
				}
			}
			got := suggestedQueries(t, e, "注销")
			popular := e.PopularQueries(10)
			if shown := len(got) > 0 && got[0] == tt.query; shown != tt.shown {
				t.Errorf("suggestions for 注销 = %q, want %q shown: %v", got, tt.query, tt.shown)
			}
			if shown := len(popular) > 0 && popular[0].Query == tt.query; shown != tt.shown {
				t.Errorf("popular = %+v, want %q shown: %v", popular, tt.query, tt.shown)
			}
		})
	}
}

// TestZeroResultsNeverSuggested: a query that found nothing is never a
// suggestion, however many clients searched it.
func TestZeroResultsNeverSuggested(t *testing.T) {
	e := testEngine(t)
	for i := range 5 {
		if res := search(t, e, "注销喵呜汪汪嗷呜"); res.Total != 0 {
			t.Skipf("query finds %d", res.Total)
		}
		e.NoteClient("注销喵呜汪汪嗷呜", fmt.Sprint(i))
	}
	if got := suggestedQueries(t, e, "注销"); len(got) != 0 {
		t.Errorf("suggestions = %q, want none", got)
	}
}

func TestHasContact(t *testing.T) {
	for q, want := range map[string]bool{
		"注销 账户": false, "iphone 15": false, "win10 激活": false, "2025年6月": false, "p50 租机": false,
		"rtspam888": true, "加微信": true, "qq群": true, "13812345678": true, "www.x.cn": true,
		"x@y.com": true, "https://a": true, "123456": true, "wx号abc": true,
	} {
		if got := hasContact(q); got != want {
			t.Errorf("hasContact(%q) = %v, want %v", q, got, want)
		}
	}
}
