package search

import (
	"hash/fnv"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// QueryCount is a logged query: how often it was searched and, for
// queries that found nothing, the terms it was analysed into (so editors
// can see which dictionary word or synonym is missing).
type QueryCount struct {
	Query   string    `json:"query"`
	Terms   []string  `json:"terms,omitempty"`
	Count   int       `json:"count"`
	Clients int       `json:"clients"` // distinct clients that searched it (NoteClient), counted up to maxClientsKept
	Last    time.Time `json:"last"`
	Prefix  string    `json:"-"` // normalised query, for suggestions
}

// QueryPolicy says which logged queries may be shown to visitors, as
// suggestions (Suggest) and as popular searches (PopularQueries). A query
// is learned only when it found something and holds no contact details
// (hasContact: WeChat/QQ ids, phone numbers, URLs, e-mail addresses); it
// is shown only once MinClients distinct clients searched it, and never
// while it contains an entry of Deny (case-insensitive, after the same
// normalisation as the query, so a Deny entry in Traditional characters or
// full-width letters applies too). The zero value means the defaults.
type QueryPolicy struct {
	MinClients int      // default 3
	Deny       []string // default none
}

// maxClientsKept bounds the client hashes an entry keeps: enough to tell
// that MinClients distinct clients searched it.
const maxClientsKept = 16

func (p QueryPolicy) withDefaults() QueryPolicy {
	if p.MinClients <= 0 {
		p.MinClients = 3
	}
	if p.MinClients > maxClientsKept {
		p.MinClients = maxClientsKept
	}
	return p
}

// queryLog counts queries in memory, bounded: once full, new queries are
// not added (the ones already there keep counting).
type queryLog struct {
	mu      sync.Mutex
	max     int
	m       map[string]*logEntry
	policy  atomic.Pointer[QueryPolicy] // nil: defaults
	normDen []string                    // Deny, normalised (under mu)
}

// logEntry is a QueryCount with the hashes of the clients that searched it.
type logEntry struct {
	QueryCount
	clients map[uint64]struct{}
}

func newQueryLog(max int) *queryLog { return &queryLog{max: max, m: map[string]*logEntry{}} }

func (l *queryLog) add(q, norm string, terms []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.m[norm]
	if !ok {
		if len(l.m) >= l.max {
			return
		}
		c = &logEntry{QueryCount: QueryCount{Query: q, Terms: terms, Prefix: norm}}
		l.m[norm] = c
	}
	c.Count++
	c.Last = time.Now().UTC()
}

// noteClient records that client searched the logged query norm (nothing
// when the query is not logged).
func (l *queryLog) noteClient(norm, client string) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(client)) // a hash.Hash never fails to write
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.m[norm]
	if !ok || len(c.clients) >= maxClientsKept {
		return
	}
	if c.clients == nil {
		c.clients = map[uint64]struct{}{}
	}
	c.clients[h.Sum64()] = struct{}{}
	c.Clients = len(c.clients)
}

// setPolicy sets the policy; deny is its Deny list normalised.
func (l *queryLog) setPolicy(p QueryPolicy, deny []string) {
	p = p.withDefaults()
	l.mu.Lock()
	l.normDen = deny
	l.mu.Unlock()
	l.policy.Store(&p)
}

func (l *queryLog) currentPolicy() QueryPolicy {
	if p := l.policy.Load(); p != nil {
		return *p
	}
	return QueryPolicy{}.withDefaults()
}

// top returns up to n queries, most frequent first, those with prefix
// only; with shown, only those the policy lets visitors see.
func (l *queryLog) top(n int, prefix string, shown bool) []QueryCount {
	p := l.currentPolicy()
	l.mu.Lock()
	out := make([]QueryCount, 0, min(n, len(l.m)))
	for _, c := range l.m {
		if strings.HasPrefix(c.Prefix, prefix) && (!shown || l.visible(c, p)) {
			out = append(out, c.QueryCount)
		}
	}
	l.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Query < out[j].Query
	})
	return out[:min(n, len(out))]
}

// visible says whether visitors may see c. Called with l.mu held.
func (l *queryLog) visible(c *logEntry, p QueryPolicy) bool {
	if c.Clients < p.MinClients {
		return false
	}
	for _, d := range l.normDen {
		if d != "" && strings.Contains(c.Prefix, d) {
			return false
		}
	}
	return true
}

// ZeroResults lists up to n queries that found nothing, most frequent
// first (for editors: not filtered by the policy).
func (e *Engine) ZeroResults(n int) []QueryCount { return e.zero.top(n, "", false) }

// PopularQueries lists up to n queries that found something and that the
// QueryPolicy lets visitors see, most frequent first.
func (e *Engine) PopularQueries(n int) []QueryCount { return e.popular.top(n, "", true) }

// SetQueryPolicy sets which logged queries visitors are shown (see
// QueryPolicy); it applies at once, also to queries logged before.
func (e *Engine) SetQueryPolicy(p QueryPolicy) {
	a := e.analysis()
	var deny []string
	for _, d := range p.Deny {
		if d = normQuery(a, d); d != "" {
			deny = append(deny, d)
		}
	}
	e.popular.setPolicy(p, deny)
}

// NoteClient records that client (an opaque key: the service passes the
// client IP) searched query. Only queries already learned (found
// something, no contact details) are affected; the service calls it after
// each successful search, so that a query is shown to visitors only once
// enough distinct clients searched it.
func (e *Engine) NoteClient(query, client string) {
	e.popular.noteClient(normQuery(e.analysis(), query), client)
}

// normQuery is the normalised form queries are logged under.
func normQuery(a Analysis, raw string) string {
	return strings.Join(strings.Fields(a.Normalize(raw)), " ")
}

// logQuery records a finished search: one that found something is
// learned for suggestions unless it holds contact details; one that found
// nothing goes to the zero-results list.
func (e *Engine) logQuery(q Query, raw string, res *Result) {
	a := e.analysis()
	norm := normQuery(a, raw)
	if res.Total > 0 {
		if !hasContact(norm) {
			e.popular.add(raw, norm, nil)
		}
		return
	}
	var ts []string
	for _, c := range q.Clauses {
		ts = append(ts, terms(a.QueryWords(), c.Text)...)
	}
	e.zero.add(raw, norm, ts)
}

// contactRe matches contact details in a normalised (lower-case,
// half-width) query: URLs and domain names, e-mail addresses, six or more
// digits (phone and QQ numbers, also written with spaces or dashes), and
// the words that introduce a contact. It is compiled once, like
// latinTokenRe; a *regexp.Regexp is safe for concurrent use.
var contactRe = regexp.MustCompile(`https?:|www\.|[a-z0-9-]+\.(?:com|cn|net|org|top|xyz|cc|io|me|info|vip|club|shop|site|online|link|app)\b` +
	`|[^\s@]+@[^\s@]+\.[a-z]{2,}` +
	`|\d{6,}|1[3-9]\d[\s-]\d{4}[\s-]?\d{4}` +
	`|微信|威信|薇信|维信|v信|加v|加微|vx|wx号|weixin|wechat|qq|扣扣|企鹅号|电话|手机号|联系方式|联系人|私聊|私信|telegram|飞机号|tg号|群号|加群`)

// latinTokenRe finds runs of ASCII letters, digits, _ and -.
var latinTokenRe = regexp.MustCompile(`[a-z0-9_-]+`)

// hasContact says whether the normalised query holds contact details,
// which are never learned for suggestions (spam advertises through them):
// contactRe, or an id of six or more characters mixing letters and digits
// (WeChat ids such as rtspam888; 4g, win10 or p50 are too short to be one).
func hasContact(norm string) bool {
	if contactRe.MatchString(norm) {
		return true
	}
	for _, tok := range latinTokenRe.FindAllString(norm, -1) {
		if len(tok) >= 6 && strings.ContainsAny(tok, "0123456789") && strings.ContainsAny(tok, "abcdefghijklmnopqrstuvwxyz") {
			return true
		}
	}
	return false
}
