package httpapi

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/web"
)

// The search page (GET /) is rendered on the server from the same query
// parameters as GET /api/search (q, page, size, kind, from, to, sort,
// parsed by searchRequest), so every state is a plain URL that can be
// shared, bookmarked and reached with Back, and the page works without
// JavaScript. The script only adds as-you-type suggestions (widget.js,
// which other sites embed too).
//
// Statuses: an empty q is the home page (200); a search is 200 (with or
// without hits); bad parameters (page=abc, kind=x, from=2025-13-01, a
// query of only -exclusions, …) render the page with a friendly message
// and status 400, like the API; a timeout is 503 and anything else 500,
// with the request id to quote and never a stack trace.

const (
	pageSize     = 10    // hits per page unless size= says otherwise
	maxWindow    = 10000 // the engine's default page*size limit: the pager stops there
	pagerSpan    = 10    // numbered page links shown at once
	suggestLimit = 8
)

// pageTmpl is the search page, parsed once from the embedded templates.
var pageTmpl = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"asset": assetURL,
}).ParseFS(web.Templates(), "page.html"))

// assets are the embedded stylesheets and scripts with a content hash:
// the page links them with ?v=hash, so they can be cached for good.
var assets = loadAssets()

type asset struct {
	body    []byte
	hash    string
	ctype   string
	modTime time.Time
}

func loadAssets() map[string]asset {
	out := map[string]asset{}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
	err := fs.WalkDir(web.Static(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.Static(), p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := types[path.Ext(p)]
		if ct == "" {
			ct = "application/octet-stream"
		}
		out[p] = asset{body: b, hash: hex.EncodeToString(sum[:6]), ctype: ct}
		return nil
	})
	if err != nil {
		panic(err) // unreachable: the embedded file system is readable
	}
	return out
}

func assetURL(name string) string {
	return "/static/" + name + "?v=" + assets[name].hash
}

// pageRoutes registers the search page, its assets, the embeddable widget
// and the CORS handling of the public API (GET /api/search and
// /api/suggest). routes calls it before it registers the API: gin applies
// a middleware only to the routes added after Use.
func (s *Server) pageRoutes(r *gin.Engine) {
	r.Use(s.cors)
	r.GET("/", s.page)
	r.HEAD("/", s.page)
	r.GET("/static/:file", serveAsset)
	r.GET("/widget.js", func(c *gin.Context) { writeAsset(c, "widget.js") })
	r.GET("/widget.css", func(c *gin.Context) { writeAsset(c, "widget.css") })
	r.OPTIONS("/api/search", s.preflight)
	r.OPTIONS("/api/suggest", s.preflight)
}

func serveAsset(c *gin.Context) { writeAsset(c, c.Param("file")) }

// writeAsset serves an embedded asset: for good when the URL carries its
// current hash (?v=), else for five minutes (the widget's fixed URL).
func writeAsset(c *gin.Context, name string) {
	a, ok := assets[name]
	if !ok {
		fail(c, errNoRoute)
		return
	}
	etag := `"` + a.hash + `"`
	c.Header("ETag", etag)
	c.Header("X-Content-Type-Options", "nosniff")
	if c.Query("v") == a.hash {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "public, max-age=300")
	}
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, a.ctype, a.body)
}

// corsPaths are the API routes other sites may call from a browser.
var corsPaths = map[string]bool{"/api/search": true, "/api/suggest": true}

// corsPath says other sites may call path from a browser: a corsPaths
// route of the server's own index or of a named one.
func corsPath(path string) bool {
	if corsPaths[path] {
		return true
	}
	rest, ok := strings.CutPrefix(path, "/api/indexes/")
	if !ok {
		return false
	}
	_, route, ok := strings.Cut(rest, "/")
	return ok && corsPaths["/api/"+route]
}

// cors lets the origins of Config.CORSOrigins call the public API from a
// browser (the widget on another site). Without CORSOrigins only the
// page's own origin can (no header is sent). Other routes are untouched.
// The answer depends on Origin (Vary), so a shared cache never hands one
// origin's answer to another.
func (s *Server) cors(c *gin.Context) {
	if !corsPath(c.Request.URL.Path) {
		c.Next()
		return
	}
	c.Writer.Header().Add("Vary", "Origin") // Add: the compression wrapper has added Accept-Encoding
	if origin := c.GetHeader("Origin"); origin != "" && s.corsAllowed(origin) {
		c.Header("Access-Control-Allow-Origin", origin)
	}
	c.Next()
}

func (s *Server) corsAllowed(origin string) bool {
	for _, o := range s.cfg.CORSOrigins {
		if o == "*" || strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	return false
}

// preflight answers a CORS preflight (OPTIONS) of an allowed origin with
// 204; any other origin gets 403 and no CORS headers.
func (s *Server) preflight(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin == "" || !s.corsAllowed(origin) {
		writeJSON(c, http.StatusForbidden, gin.H{"error": APIError{Code: "origin_not_allowed",
			Message: "this origin may not call the API from a browser", RequestID: requestID(c)}})
		c.Abort()
		return
	}
	c.Header("Access-Control-Allow-Methods", "GET, OPTIONS")
	if h := c.GetHeader("Access-Control-Request-Headers"); h != "" {
		c.Header("Access-Control-Allow-Headers", h)
	}
	c.Header("Access-Control-Max-Age", "600")
	c.Status(http.StatusNoContent)
}

// pageState is what a page URL holds. Its links keep every setting but
// the one they change; a new filter or sort goes back to page 1.
type pageState struct {
	Q, Kind, Sort, From, To string
	Page, Size              int
	Filters                 []string // filter=NAME:value of the facet lists, in the URL
}

func stateOf(c *gin.Context) pageState {
	st := pageState{Q: c.Query("q"), Kind: c.Query("kind"), Sort: c.Query("sort"),
		From: c.Query("from"), To: c.Query("to"), Page: 1, Size: pageSize, Filters: c.QueryArray("filter")}
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 0 {
		st.Page = n
	}
	if n, err := strconv.Atoi(c.Query("size")); err == nil && n > 0 && n <= 100 {
		st.Size = n
	}
	return st
}

// URL is the page's address for st, parameters in a fixed, readable order.
func (st pageState) URL() string {
	var b strings.Builder
	add := func(k, v string) {
		if v == "" {
			return
		}
		if b.Len() == 0 {
			b.WriteString("/?")
		} else {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	add("q", st.Q)
	if st.Page > 1 {
		add("page", strconv.Itoa(st.Page))
	}
	add("kind", st.Kind)
	if st.Sort != search.SortRelevance {
		add("sort", st.Sort)
	}
	add("from", st.From)
	add("to", st.To)
	for _, f := range st.Filters {
		add("filter", f)
	}
	if st.Size != pageSize && st.Size > 0 {
		add("size", strconv.Itoa(st.Size))
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// Filtered says whether a kind or date filter is set.
func (st pageState) Filtered() bool {
	return st.Kind != "" || st.From != "" || st.To != "" || len(st.Filters) > 0
}

// ClearURL is st without its filters, on page 1.
func (st pageState) ClearURL() string {
	return pageState{Q: st.Q, Sort: st.Sort, Page: 1, Size: st.Size}.URL()
}

func (st pageState) withPage(n int) pageState { st.Page = n; return st }

// withFilter toggles the filter f (NAME:value): added when absent, removed
// when set; page 1.
func (st pageState) withFilter(f string) pageState {
	i := slices.Index(st.Filters, f)
	if i >= 0 {
		st.Filters = slices.Delete(slices.Clone(st.Filters), i, i+1)
	} else {
		st.Filters = append(slices.Clone(st.Filters), f)
	}
	st.Page = 1
	return st
}
func (st pageState) withKind(k string) pageState {
	st.Kind, st.Page = k, 1
	return st
}
func (st pageState) withSort(s string) pageState {
	st.Sort, st.Page = s, 1
	return st
}
func (st pageState) withDates(from, to string) pageState {
	st.From, st.To, st.Page = from, to, 1
	return st
}

// pageData is what page.html renders.
type pageData struct {
	State   pageState
	Title   string
	Home    bool
	Error   *pageError
	Total   uint64
	Relaxed bool
	// Corrected is the query searched instead of a typo (您要找的是 …),
	// with its page and the page of the query as typed.
	Corrected              string
	CorrectedURL, ExactURL string
	ExactTotal             uint64 // with Corrected: the query as typed found these, listed first
	TookMS                 string
	Hits                   []pageHit
	PastEnd                bool // a page after the last one
	Pager                  []link
	Prev, Next             string
	Sorts                  []link
	Kinds                  []link
	Times                  []link
	Months                 []link
	FieldFacets            []fieldFacet // the facet fields' values (Config.FacetFields)
	DateActive             bool
	ShowTools              bool   // tabs, sort and time: not on an unfiltered search that found nothing
	Suggestions            []link // no results: titles close to the query
	Popular                []link
	Documents              uint64 // home: indexed documents
}

type pageHit struct {
	TitleHTML, SnippetHTML template.HTML
	URL, DisplayURL, Date  string
	Kind, KindLabel        string
	Related                []link // 相关阅读 under the first articles
}

type link struct {
	Label, URL string
	Count      uint64
	HasCount   bool
	Active     bool
	Note       string
}

type pageError struct {
	Message   string
	Fix       link // a way out: page 1, no filters, …
	RequestID string
}

var kindLabels = map[string]string{string(corpus.KindArticle): "文章", string(corpus.KindRelated): "相关条目"}

// page handles GET /: the search page.
func (s *Server) page(c *gin.Context) {
	st := stateOf(c)
	d := &pageData{State: st, Popular: s.popularLinks()}
	if strings.TrimSpace(st.Q) == "" {
		d.Home = true
		d.Title = "文搜 - 站内搜索"
		if stats, err := s.searcher.Stats(c.Request.Context()); err == nil {
			d.Documents = stats.Documents
		}
		s.render(c, http.StatusOK, d)
		return
	}
	d.Title = st.Q + " - 文搜"
	req, err := searchRequest(c)
	req.Exact = c.Query("exact") == "1"
	if len(req.Facets) == 0 {
		req.Facets = s.cfg.FacetFields
	}
	var res *search.Result
	if err == nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
		res, err = s.searcher.Search(ctx, req)
		cancel()
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.fillResults(c, d, req, res)
	s.render(c, http.StatusOK, d)
}

// pageFail answers a search-page request that failed with err: the page
// with the friendly message for it (search box kept, a way out where there
// is one), the status of err as the API would give it, and the request
// aborted. Middleware that refuses a page request (guardPage) can answer
// with it instead of JSON.
func (s *Server) pageFail(c *gin.Context, err error) {
	st := stateOf(c)
	d := &pageData{State: st, Popular: s.popularLinks(), Title: st.Q + " - 文搜"}
	if strings.TrimSpace(st.Q) == "" {
		d.Title = "文搜 - 站内搜索"
	}
	status := s.pageError(c, d, err)
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "1")
	}
	s.render(c, status, d)
	c.Abort()
}

// pageError fills d.Error with a friendly message for err and returns
// the status of the page.
func (s *Server) pageError(c *gin.Context, d *pageData, err error) int {
	status, code := classify(err)
	st := d.State
	e := &pageError{}
	switch code {
	case "empty_query":
		e.Message = "请输入要搜索的内容。"
	case "query_too_long":
		e.Message = "搜索词太长了，请精简到几个关键词再试。"
	case "too_many_terms":
		e.Message = "搜索词太多了，请减少一些词再试。"
	case "only_exclusions":
		e.Message = "请至少输入一个要查找的词：不能只有以“-”开头的排除词。"
	case "bad_page":
		e.Message = "页码不正确：页码应是从 1 开始的整数。"
		e.Fix = link{Label: "查看第 1 页", URL: st.withPage(1).URL()}
	case "bad_size":
		e.Message = "每页条数不正确：应是 1 到 100 之间的整数。"
		st.Size = pageSize
		e.Fix = link{Label: "按默认每页 10 条查看", URL: st.withPage(1).URL()}
	case "too_deep":
		e.Message = "翻得太深了：最多只能查看前 10000 条结果。"
		e.Fix = link{Label: "回到第 1 页", URL: st.withPage(1).URL()}
	case "bad_filter", "unknown_field":
		e.Message = "筛选或排序条件不正确：日期请写成 2025-06-01 这样的格式，开始日期不能晚于结束日期。"
		e.Fix = link{Label: "清除筛选条件", URL: pageState{Q: st.Q, Size: st.Size}.URL()}
		d.State.Kind, d.State.Sort, d.State.From, d.State.To, d.State.Filters = "", "", "", "", nil
	case "bad_query", "bad_parameter":
		e.Message = "搜索内容里有无法识别的字符，请修改后再试。"
	case "uri_too_long":
		e.Message = "搜索词太长了，请精简到几个关键词再试。"
	case "rate_limited":
		e.Message = "搜索太频繁了，请稍等几秒再试。"
		e.Fix = link{Label: "重试", URL: st.URL()}
	case "overloaded", "timeout", "canceled":
		e.Message = "搜索的人太多了，请稍后再试。"
		if code != "overloaded" {
			e.Message = "搜索超时了，请稍后再试。"
		}
		e.Fix = link{Label: "重试", URL: st.URL()}
	default:
		e.Message = "抱歉，搜索服务出了点问题，请稍后再试。"
		e.RequestID = requestID(c)
	}
	if status >= 500 {
		slog.ErrorContext(c.Request.Context(), "search page failed", "err", err, "request_id", requestID(c))
	}
	d.Error = e
	return status
}

func (s *Server) fillResults(c *gin.Context, d *pageData, req search.Request, res *search.Result) {
	st := d.State
	st.Page, st.Size = req.Page, req.Size
	d.State = st
	d.Total, d.Relaxed = res.Total, res.Relaxed
	if res.Corrected != "" {
		fixed := st
		fixed.Q, fixed.Page = res.Corrected, 1
		d.Corrected, d.CorrectedURL, d.ExactTotal = res.Corrected, fixed.URL(), res.ExactTotal
		asTyped := st
		asTyped.Page = 1
		d.ExactURL = asTyped.URL() + "&exact=1"
	}
	d.TookMS = tookLabel(res.Took)
	for _, h := range res.Hits {
		d.Hits = append(d.Hits, pageHit{
			TitleHTML:   template.HTML(h.TitleHTML), // escaped and marked by search.Mark
			SnippetHTML: template.HTML(h.SnippetHTML),
			URL:         h.URL,
			DisplayURL:  displayURL(h.URL),
			Date:        displayDate(h.Published),
			Kind:        h.Kind,
			KindLabel:   kindLabels[h.Kind],
		})
	}
	s.addRelated(c.Request.Context(), d.Hits, res.Hits)
	d.PastEnd = len(res.Hits) == 0 && res.Total > 0
	d.Pager, d.Prev, d.Next = pager(st, res.Total)

	sortName := req.Sort
	if sortName == "" {
		sortName = search.SortRelevance
	}
	d.Sorts = []link{
		{Label: "按相关度", URL: st.withSort("").URL(), Active: sortName == search.SortRelevance},
		{Label: "按时间", URL: st.withSort(search.SortDate).URL(), Active: sortName == search.SortDate},
	}

	// Kind counts ignore the kind filter itself, so every tab shows what
	// it would find: with a kind chosen, count once more without it.
	kinds := res.Facets.Kind
	if req.Kind != "" {
		all := req
		all.Kind, all.Page, all.Size = "", 1, 1
		ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
		if r, err := s.searcher.Search(ctx, all); err == nil {
			kinds = r.Facets.Kind
		} else {
			kinds = nil
		}
		cancel()
	}
	var sum uint64
	for _, n := range kinds {
		sum += n
	}
	d.Kinds = []link{{Label: "全部", URL: st.withKind("").URL(), Active: req.Kind == "", Count: sum, HasCount: kinds != nil}}
	for _, k := range []string{string(corpus.KindArticle), string(corpus.KindRelated)} {
		d.Kinds = append(d.Kinds, link{Label: kindLabels[k], URL: st.withKind(k).URL(), Active: req.Kind == k,
			Count: kinds[k], HasCount: kinds != nil, Note: k})
	}

	d.Times, d.DateActive = timeLinks(st, time.Now().In(corpus.DefaultZone()))
	d.Months = monthLinks(st, res.Facets.Month)
	d.FieldFacets = fieldFacets(st, req.Facets, res.Facets.Fields)
	d.ShowTools = res.Total > 0 || st.Filtered()
	if len(res.Hits) == 0 && res.Total == 0 {
		d.Suggestions = s.pageSuggestions(c.Request.Context(), st.Q)
	}
}

const (
	relatedArticles = 2 // articles of a page that show related links
	relatedLinks    = 4 // links under each
)

// addRelated puts a few 相关阅读 links (GET /api/docs/:id/related) under
// the first articles of the page, like the sub-links of a big result.
// They are extras: an error just leaves them out.
func (s *Server) addRelated(ctx context.Context, out []pageHit, hits []search.Hit) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SearchTimeout)
	defer cancel()
	n := 0
	for i, h := range hits {
		if h.Kind != string(corpus.KindArticle) || n == relatedArticles {
			continue
		}
		n++
		rel, err := s.searcher.Related(ctx, h.ID, relatedLinks)
		if err != nil {
			slog.WarnContext(ctx, "related links", "id", h.ID, "err", err)
			continue
		}
		for _, r := range rel {
			if r.URL != "" {
				out[i].Related = append(out[i].Related, link{Label: r.Title, URL: r.URL})
			}
		}
	}
}

// pager returns the numbered page links around the current page and the
// previous and next links ("" when there is none).
func pager(st pageState, total uint64) (pages []link, prev, next string) {
	size := st.Size
	last := int((total + uint64(size) - 1) / uint64(size))
	last = min(last, maxWindow/size)
	if last <= 1 && st.Page <= 1 {
		return nil, "", ""
	}
	first := max(1, st.Page-pagerSpan/2)
	end := min(last, first+pagerSpan-1)
	first = max(1, min(first, end-pagerSpan+1))
	for n := first; n <= end; n++ {
		pages = append(pages, link{Label: strconv.Itoa(n), URL: st.withPage(n).URL(), Active: n == st.Page})
	}
	if st.Page > 1 {
		prev = st.withPage(min(st.Page-1, max(last, 1))).URL()
	}
	if st.Page < last {
		next = st.withPage(st.Page + 1).URL()
	}
	return pages, prev, next
}

// timeLinks are the Baidu-style time filters: no limit, last week,
// month, year. The last one is active when its from matches and to is
// open; a custom range marks none of them but "no limit" stays a way out.
func timeLinks(st pageState, now time.Time) ([]link, bool) {
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	out := []link{{Label: "时间不限", URL: st.withDates("", "").URL(), Active: st.From == "" && st.To == ""}}
	for _, r := range []struct {
		label string
		from  time.Time
	}{
		{"一周内", now.AddDate(0, 0, -7)},
		{"一月内", now.AddDate(0, -1, 0)},
		{"一年内", now.AddDate(-1, 0, 0)},
	} {
		out = append(out, link{Label: r.label, URL: st.withDates(day(r.from), "").URL(),
			Active: st.From == day(r.from) && st.To == ""})
	}
	return out, st.From != "" || st.To != ""
}

// monthLinks turns the month facet into links filtering on that month,
// newest first, at most 12.
func monthLinks(st pageState, months map[string]uint64) []link {
	keys := make([]string, 0, len(months))
	for k := range months {
		keys = append(keys, k)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(keys)))
	var out []link
	for _, k := range keys[:min(len(keys), 12)] {
		m, err := time.Parse("2006-01", k)
		if err != nil {
			continue
		}
		from, to := m.Format("2006-01-02"), m.AddDate(0, 1, -1).Format("2006-01-02")
		out = append(out, link{Label: m.Format("2006年1月"), URL: st.withDates(from, to).URL(),
			Count: months[k], HasCount: true, Active: st.From == from && st.To == to})
	}
	return out
}

// fieldFacet is one facet field's list on the page.
type fieldFacet struct {
	Name   string
	Values []link
}

// fieldFacets lists each facet field's values, most frequent first (ties
// by value); a value's link toggles its filter=NAME:value.
func fieldFacets(st pageState, names []string, counts map[string]map[string]uint64) []fieldFacet {
	var out []fieldFacet
	for _, name := range names {
		m := counts[name]
		if len(m) == 0 {
			continue
		}
		vals := slices.Collect(maps.Keys(m))
		slices.SortFunc(vals, func(a, b string) int {
			if m[a] != m[b] {
				return cmp.Compare(m[b], m[a])
			}
			return strings.Compare(a, b)
		})
		f := fieldFacet{Name: name}
		for _, v := range vals[:min(len(vals), 10)] {
			filter := name + ":" + facetValue(v)
			f.Values = append(f.Values, link{Label: v, URL: st.withFilter(filter).URL(), Count: m[v], HasCount: true,
				Active: slices.Contains(st.Filters, filter)})
		}
		out = append(out, f)
	}
	return out
}

// facetValue quotes a value the filter syntax would misread.
func facetValue(v string) string {
	if strings.ContainsAny(v, " ()[]\"") {
		return strconv.Quote(v)
	}
	return v
}

// pageSuggestions are titles close to a query that found nothing; each
// links to its page when it has one, else searches for it.
func (s *Server) pageSuggestions(ctx context.Context, q string) []link {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SearchTimeout)
	defer cancel()
	sugs, err := s.searcher.Suggest(ctx, q, suggestLimit)
	if err != nil {
		if !errors.Is(err, search.ErrEmptyQuery) && !errors.Is(err, search.ErrQueryTooLong) {
			slog.WarnContext(ctx, "page suggestions", "err", err)
		}
		return nil
	}
	out := make([]link, 0, len(sugs))
	for _, sg := range sugs {
		u := sg.URL
		if u == "" {
			u = pageState{Q: sg.Text}.URL()
		}
		out = append(out, link{Label: sg.Text, URL: u, Note: kindLabels[sg.Kind]})
	}
	return out
}

// displayURL is the URL as a result line shows it: no scheme, no trailing
// slash, long ones shortened in the middle.
func displayURL(raw string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(raw, "https://"), "http://")
	s = strings.TrimSuffix(s, "/")
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:40]) + "…" + string(r[len(r)-15:])
	}
	return s
}

// displayDate shows an RFC 3339 date as 2025年6月22日 ("" if it is not one).
func displayDate(published string) string {
	t, err := time.Parse(time.RFC3339, published)
	if err != nil {
		return ""
	}
	return t.Format("2006年1月2日")
}

// render writes the page; a template failure is a plain 500 page.
func (s *Server) render(c *gin.Context, status int, d *pageData) {
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, d); err != nil {
		slog.ErrorContext(c.Request.Context(), "render page", "err", err, "request_id", requestID(c))
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`<!doctype html><meta charset="utf-8"><title>文搜</title><p>抱歉，页面出错了，请稍后再试。（编号 ` +
			template.HTMLEscapeString(requestID(c)) + `）</p>`)
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Cache-Control", "no-cache")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
