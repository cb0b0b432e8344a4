package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/indexer"
)

// Readers hands out the reader of the served index. Every Acquire must be
// paired with a call of the returned release; the index behind a reader
// stays open until then, so a reader swapped out mid-search finishes on
// the old generation.
type Readers interface {
	Acquire() (r *bluge.Reader, release func(), err error)
}

// damageReporter is told of a search that failed on what may be damaged
// bytes (indexer.Readers: it verifies the generation again and falls back
// to the last good one when it is damaged).
type damageReporter interface {
	ReportDamage(err error)
}

// guard, deferred, turns a panic (bluge decoding damaged bytes: an index
// out of range in a segment) into an error wrapping indexer.ErrCorrupt,
// and reports it to the readers when they take reports.
func (e *Engine) guard(what string, err *error) {
	p := recover()
	if p == nil {
		return
	}
	*err = fmt.Errorf("%w: %s panicked: %v", indexer.ErrCorrupt, what, p)
	slog.Error("search: panic; the served generation will be verified again", "what", what, "panic", p, "stack", string(debug.Stack()))
	if d, ok := e.readers.(damageReporter); ok {
		d.ReportDamage(*err)
	}
}

// Config tunes an Engine. The zero value means defaults.
type Config struct {
	Limits      ParseLimits
	Weights     Weights
	SnippetSize int // characters, default 120
	MaxWindow   int // page*size at most, default 10000
	// QueryLogSize bounds the distinct queries remembered for the
	// zero-result list and popular-query suggestions, default 10000.
	QueryLogSize int
	Cache        CacheConfig // query result cache; the zero value is on, with default bounds
	// Budget bounds the matching time of one search (default 40ms): past
	// it the best documents seen so far are ranked and returned, marked
	// partial, instead of running on or failing.
	Budget time.Duration
	// Fields are the declared own fields filters, facets and sorts may
	// name, by name.
	Fields map[string]FieldSpec
	// FieldWeights weighs the documents' own fields (the config's fields:
	// author weight 2) by name; a field it does not name weighs
	// DefaultOwnWeight, a negative weight is not searched.
	FieldWeights map[string]float64
}

func (c Config) withDefaults() Config {
	c.Limits = c.Limits.withDefaults()
	c.Weights = c.Weights.withDefaults()
	if c.SnippetSize <= 0 {
		c.SnippetSize = 120
	}
	if c.MaxWindow <= 0 {
		c.MaxWindow = 10000
	}
	if c.QueryLogSize <= 0 {
		c.QueryLogSize = 10000
	}
	if c.Budget <= 0 {
		c.Budget = 40 * time.Millisecond
	}
	return c
}

// Engine answers searches over the served index.
type Engine struct {
	readers   Readers
	analysis  func() Analysis
	cfg       Config
	zero      *queryLog // queries that found nothing
	popular   *queryLog // queries that found something
	facets    facetCache
	ownFacets ownFacetCache
	titleKeys titleKeyCache
	suffixes  suffixCache
	own       ownFieldCache
	typos     typoCache
	cache     *resultCache // nil: disabled
}

// New returns an engine reading from readers and analysing queries with
// what analysis returns at the time of each search (so a reloaded
// dictionary applies to the next query).
func New(readers Readers, analysis func() Analysis, cfg Config) *Engine {
	cfg = cfg.withDefaults()
	return &Engine{readers: readers, analysis: analysis, cfg: cfg,
		zero: newQueryLog(cfg.QueryLogSize), popular: newQueryLog(cfg.QueryLogSize), cache: newResultCache(cfg.Cache)}
}

// Errors of invalid requests; the API maps them to 400.
var (
	ErrBadPage   = errors.New("page must be 1 or more")
	ErrBadSize   = errors.New("size must be between 1 and 100")
	ErrTooDeep   = errors.New("page*size is too large")
	ErrBadFilter = errors.New("invalid filter")
)

// Request is one search.
type Request struct {
	Query   string
	Page    int       // 1-based, default 1
	Size    int       // default 10, at most 100
	Kind    string    // "" (any), "article" or "related"
	From    time.Time // published on or after this day (zero: open)
	To      time.Time // published on or before this day (zero: open)
	Sort    string    // "relevance" (default) or "date" (newest first)
	Explain bool
	// Exact searches the query as typed: no typo correction (the page's
	// link back from 您要找的是 …).
	Exact bool
	// Filters are filter=NAME:value, NAME:(a OR b), NAME:[lo TO hi] on the
	// declared filterable fields (Config.Fields), all required.
	Filters []string
	// Facets names the declared facet fields whose value counts the
	// result reports (Facets.Fields).
	Facets []string

	filters   []fieldFilter // Filters, parsed by validate
	sortField string        // Sort NAME:asc|desc of a sortable field
	sortDesc  bool
}

// Validate checks the request against the engine's limits.
func (e *Engine) validate(req *Request) error {
	if req.Page == 0 {
		req.Page = 1
	}
	if req.Size == 0 {
		req.Size = 10
	}
	switch {
	case req.Page < 1:
		return ErrBadPage
	case req.Size < 1 || req.Size > 100:
		return ErrBadSize
	case req.Page > e.cfg.MaxWindow/req.Size || req.Page*req.Size > e.cfg.MaxWindow: // no overflow
		return fmt.Errorf("%w: at most %d", ErrTooDeep, e.cfg.MaxWindow)
	}
	if err := validateFilters(req); err != nil {
		return err
	}
	return e.validateFields(req)
}

// Search runs req. The context bounds the search: bluge stops collecting
// when it is done. A request answered before under the same reader and
// analysis comes from the result cache (Config.Cache); its Took is the
// time of the lookup. The result is shared with the cache: callers must
// not change it. Damaged index bytes that make the decoding panic fail
// the search with an error wrapping indexer.ErrCorrupt (see guard).
func (e *Engine) Search(ctx context.Context, req Request) (res *Result, err error) {
	defer e.guard("search", &err)
	return e.search(ctx, req)
}

func (e *Engine) search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	if err := e.validate(&req); err != nil {
		return nil, err
	}
	q, err := Parse(req.Query, e.cfg.Limits)
	if err != nil {
		return nil, err
	}
	r, release, err := e.readers.Acquire()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	defer release()
	a := e.analysis()
	key, cacheable := cacheKey(q, req)
	if cacheable {
		if res := e.cache.get(r, a, key); res != nil {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("search %q: %w", req.Query, err)
			}
			return e.finish(start, q, req, res), nil
		}
	}
	res, err := e.run(ctx, r, builder{a: a, w: e.cfg.Weights, memo: newAnalysisMemo()}, q, req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Query, err)
	}
	if cacheable {
		e.cache.put(r, a, key, res)
	}
	return e.finish(start, q, req, res), nil
}

// finish returns a copy of res with the request's query and the time
// taken since start, and logs page-one queries.
func (e *Engine) finish(start time.Time, q Query, req Request, res *Result) *Result {
	out := *res
	out.Query = req.Query
	out.Took = time.Since(start)
	out.TookMS = float64(out.Took.Microseconds()) / 1000
	if req.Page == 1 {
		e.logQuery(q, req.Query, &out)
	}
	return &out
}

// InvalidateCache empties the query result cache (the API calls it after
// a write; a reader switch empties it anyway).
func (e *Engine) InvalidateCache() { e.cache.invalidate() }

// CacheStats returns the counters of the query result cache.
func (e *Engine) CacheStats() CacheStats { return e.cache.snapshot() }

// run searches with every clause required, then, when that finds nothing
// and the query has more than one required unit, with any unit.
func (e *Engine) run(ctx context.Context, r *bluge.Reader, b builder, q Query, req Request) (*Result, error) {
	var err error
	if b.own, err = e.ownFields(r); err != nil {
		return nil, err
	}
	lm, err := e.literals(ctx, r, b, q)
	if err != nil {
		return nil, err
	}
	var lits []bluge.Query
	for _, lq := range lm {
		if lq != nil {
			lits = append(lits, lq)
		}
	}
	p := newPlan(b, q, e.cfg.Limits.MaxClauses)
	qr := queryRunes(b.a, q)
	res, err := e.exec(ctx, r, p, req, qr, lits, false)
	if err != nil {
		return res, err
	}
	if res.Total > 0 {
		if res.Total > rareHits || req.Exact || req.Sort == "date" || req.sortField != "" {
			return res, nil
		}
		return e.withRareCorrection(ctx, r, b, q, req, lits, res)
	}
	if fixed, text, ok, err := e.correctUnless(ctx, r, b, q, req.Exact); err != nil || ok {
		if err != nil {
			return nil, err
		}
		return e.runCorrected(ctx, r, b, fixed, text, req, lits)
	}
	if !p.relaxable() {
		return res, nil
	}
	res, err = e.exec(ctx, r, p, req, qr, lits, true)
	if res != nil {
		res.Relaxed = true
	}
	return res, err
}

// correctUnless is correct, or nothing when exact.
func (e *Engine) correctUnless(ctx context.Context, r *bluge.Reader, b builder, q Query, exact bool) (Query, string, bool, error) {
	if exact {
		return q, "", false, nil
	}
	return e.correct(ctx, r, b, q)
}

// runCorrected searches the corrected query (all words, then any) and
// reports the correction.
func (e *Engine) runCorrected(ctx context.Context, r *bluge.Reader, b builder, q Query, text string, req Request, lits []bluge.Query) (*Result, error) {
	p := newPlan(b, q, e.cfg.Limits.MaxClauses)
	qr := queryRunes(b.a, q)
	res, err := e.exec(ctx, r, p, req, qr, lits, false)
	if err == nil && res.Total == 0 && p.relaxable() {
		res, err = e.exec(ctx, r, p, req, qr, lits, true)
		if res != nil {
			res.Relaxed = true
		}
	}
	if res != nil {
		res.Corrected = text
	}
	return res, err
}

// withRareCorrection follows exact, the few documents the query as typed
// found, with the documents of the query with its rare words corrected
// (correctRare), when it has any: the exact ones first, then the others,
// paged as one list.
func (e *Engine) withRareCorrection(ctx context.Context, r *bluge.Reader, b builder, q Query, req Request, lits []bluge.Query, exact *Result) (*Result, error) {
	fixed, text, ok, err := e.correctRare(ctx, r, b, q)
	if err != nil || !ok {
		return exact, err
	}
	page, size := max(req.Page, 1), max(req.Size, 1) // validated: Size is set
	n := int(exact.Total)                            // at most rareHits: all on page 1 when size allows
	seen := make(map[string]bool, n)
	all := exact
	if page > 1 || n > len(exact.Hits) { // the exact ids, to leave them out of the rest
		first := req
		first.Page, first.Size = 1, n
		if all, err = e.exec(ctx, r, newPlan(b, q, e.cfg.Limits.MaxClauses), first, queryRunes(b.a, q), lits, false); err != nil {
			return nil, err
		}
	}
	for _, h := range all.Hits {
		seen[h.ID] = true
	}
	wide := req
	wide.Page, wide.Size = 1, page*size+n
	alt, err := e.runCorrected(ctx, r, b, fixed, text, wide, lits)
	if err != nil || alt.Total == 0 {
		return exact, err
	}
	rest := make([]Hit, 0, len(alt.Hits))
	for _, h := range alt.Hits {
		if !seen[h.ID] {
			rest = append(rest, h)
		}
	}
	out := *exact
	out.Corrected, out.ExactTotal = text, exact.Total
	out.Total = exact.Total + alt.Total - uint64(len(alt.Hits)-len(rest))
	start := (page - 1) * size
	out.Hits = append([]Hit(nil), exact.Hits...)
	from := max(0, start-n)
	for _, h := range rest[min(from, len(rest)):] {
		if len(out.Hits) == size {
			break
		}
		out.Hits = append(out.Hits, h)
	}
	out.Facets = alt.Facets
	return &out, nil
}

// literals resolves the literal boosts of q against r (see
// Engine.literalQuery); nil when q has none.
func (e *Engine) literals(ctx context.Context, r *bluge.Reader, b builder, q Query) (map[string]bluge.Query, error) {
	var out map[string]bluge.Query
	for _, lit := range b.literalTexts(q) {
		lq, err := e.literalQuery(ctx, r, lit, b.w.Literal)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = map[string]bluge.Query{}
		}
		out[lit] = lq
	}
	return out, nil
}

func positives(q Query) int {
	n := 0
	for _, c := range q.Clauses {
		if !c.Negate {
			n++
		}
	}
	return n
}

// exec runs the plan on r and builds the page of hits: the executor
// matches and scores, bluge's collector pages and sorts, and only the
// page's hits are read and highlighted.
func (e *Engine) exec(ctx context.Context, r *bluge.Reader, p *plan, req Request, qr runeSet, lits []bluge.Query, relaxed bool) (*Result, error) {
	res := &Result{Query: req.Query, Page: req.Page, Size: req.Size, Hits: []Hit{},
		Facets: Facets{Kind: map[string]uint64{}, Month: map[string]uint64{}}}
	if len(p.clauses) == 0 {
		return res, nil
	}
	table, err := e.facets.get(ctx, r)
	if err != nil {
		return nil, err
	}
	own, err := e.ownFacets.tables(ctx, r, req.Facets)
	if err != nil {
		return nil, err
	}
	keep := max(req.Page*req.Size+req.Size, minKeep)
	if req.Sort == SortDate || req.sortField != "" {
		keep = 0
	}
	out := &execResult{}
	pq := &planQuery{ctx: ctx, p: p, out: out, opt: execOptions{w: e.cfg.Weights, keep: keep, relaxed: relaxed,
		filter: requestFilter(req), table: table, own: own, bonus: lits, budget: e.cfg.Budget, explain: req.Explain,
		suffix: e.suffixes.tables(r)}}
	sr := bluge.NewTopNSearch(req.Size, pq).SetFrom((req.Page - 1) * req.Size).SortByCustom(req.order())
	if req.Explain {
		sr.ExplainScores()
	}
	ms, err := collectMatches(ctx, r, sr)
	if err != nil {
		return nil, err
	}
	if err := e.pageHits(res, out, p, ms, req.Explain, qr); err != nil {
		return nil, err
	}
	res.Total, res.Facets, res.Partial = out.total, out.facets.facets(), out.partial
	return res, ctx.Err()
}

// minKeep is the fewest candidates the second phase rescores.
const minKeep = 20

// collectMatches runs sr and returns its matches.
func collectMatches(ctx context.Context, r *bluge.Reader, sr bluge.SearchRequest) ([]*bsearch.DocumentMatch, error) {
	it, err := r.Search(ctx, sr)
	if err != nil {
		return nil, err
	}
	var ms []*bsearch.DocumentMatch
	for {
		m, err := it.Next()
		if err != nil || m == nil {
			return ms, err
		}
		ms = append(ms, m)
	}
}

// pageHits reads and highlights the page's matches into res.
func (e *Engine) pageHits(res *Result, out *execResult, p *plan, ms []*bsearch.DocumentMatch, explain bool, qr runeSet) error {
	hits := make([]Hit, len(ms))
	texts := make([]hitText, len(ms))
	for i, m := range ms {
		h, body, blocked, err := storedHit(m)
		if err != nil {
			return err
		}
		hits[i], texts[i] = h, hitText{doc: m.Number, title: h.Title, body: body, blocked: blocked}
	}
	a := e.analysis()
	spans, err := pageSpans(out.reader, a, p, out, texts)
	if err != nil {
		return err
	}
	for i, m := range ms {
		sp := spans[m.Number]
		h := &hits[i]
		h.TitleHTML = Mark(h.Title, trimmed(sp.title, sp.titleTrim, h.Title, qr, a))
		body, words, grams := texts[i].body, sp.body, sp.bodyTrim
		if texts[i].blocked {
			base := 0
			if body, base, err = blockWindow(m, append(slices.Clip(words), grams...), e.cfg.SnippetSize); err != nil {
				return err
			}
			words, grams = shiftSpans(words, base, len(body)), shiftSpans(grams, base, len(body))
		}
		h.SnippetHTML = Snippet(body, trimmed(words, grams, body, qr, a), e.cfg.SnippetSize)
		if explain && m.Explanation != nil {
			h.ScoreByField = scoreByField(m.Explanation)
			if h.Explain, err = json.Marshal(m.Explanation); err != nil {
				return err
			}
		}
	}
	res.Hits = append(res.Hits, hits...)
	return nil
}

// requestFilter is the request's kind and date filters (nil: none);
// filters never change scores.
func requestFilter(req Request) bluge.Query {
	if req.Kind == "" && req.From.IsZero() && req.To.IsZero() && len(req.filters) == 0 {
		return nil
	}
	b := bluge.NewBooleanQuery()
	for _, f := range req.filters {
		b.AddMust(f.query())
	}
	if req.Kind != "" {
		b.AddMust(bluge.NewTermQuery(req.Kind).SetField(indexer.FieldKind))
	}
	if !req.From.IsZero() || !req.To.IsZero() {
		b.AddMust(dateRange(req.From, req.To))
	}
	return b
}
