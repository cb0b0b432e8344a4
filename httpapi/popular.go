package httpapi

import (
	"strings"

	"github.com/wensou/wensou/search"
)

// PopularConfig configures the page's 大家都在搜 (popular searches): the
// queries this server's visitors searched most that found something
// (search.Engine.PopularQueries), topped up from Seed while the log is
// short, never one that contains a Deny entry.
type PopularConfig struct {
	Seed     []string // shown while fewer than Size logged queries qualify; default none
	Deny     []string // a query containing one of these (case-insensitive) is never shown
	Size     int      // chips shown, default 8
	MinCount int      // times a logged query must have been searched, default 2
}

func (p PopularConfig) withDefaults() PopularConfig {
	if p.Size <= 0 {
		p.Size = 8
	}
	if p.MinCount <= 0 {
		p.MinCount = 2
	}
	return p
}

// PopularSource is the optional part of a Searcher that knows the
// frequent queries (search.Engine).
type PopularSource interface {
	PopularQueries(n int) []search.QueryCount
}

// popularScan is how many logged queries are looked at to fill the list
// (denied and rare ones are skipped).
const popularScan = 64

// popular returns the popular searches: logged queries first, then the
// seed, without duplicates or denied queries, at most p.Size.
func popular(p PopularConfig, src PopularSource) []string {
	seen := map[string]bool{}
	out := make([]string, 0, p.Size)
	add := func(q string) {
		q = strings.TrimSpace(q)
		key := strings.ToLower(q)
		if q == "" || seen[key] || denied(p.Deny, key) || len(out) >= p.Size {
			return
		}
		seen[key] = true
		out = append(out, q)
	}
	if src != nil {
		for _, qc := range src.PopularQueries(popularScan) {
			if qc.Count >= p.MinCount {
				add(qc.Query)
			}
		}
	}
	for _, q := range p.Seed {
		add(q)
	}
	return out
}

// denied says q (lower case) contains an entry of deny.
func denied(deny []string, q string) bool {
	for _, d := range deny {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" && strings.Contains(q, d) {
			return true
		}
	}
	return false
}

// popularLinks are the popular searches as links to their result pages.
func (s *Server) popularLinks() []link {
	inner := s.searcher
	if i, ok := inner.(instrumented); ok { // the metrics wrapper hides the engine's optional methods
		inner = i.Searcher
	}
	src, _ := inner.(PopularSource)
	qs := popular(s.cfg.Popular, src)
	out := make([]link, len(qs))
	for i, q := range qs {
		out[i] = link{Label: q, URL: pageState{Q: q}.URL()}
	}
	return out
}
