package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/temoto/robotstxt"

	"github.com/wensou/wensou/corpus"
)

// Sink receives what a crawl produces; the indexer implements it.
type Sink interface {
	Emit(corpus.Document) error       // a page to index
	Keep(source string)               // keep the previous version of source (304, or a transient failure)
	KeepListed(sitemap string)        // keep the pages sitemap listed last time (it failed transiently)
	Skip(source string, reason error) // a page or sitemap not indexed, and why
	// Previous is what the last run stored of source (its validators):
	// a non-zero one makes the request conditional.
	Previous(source string) corpus.CrawlState
}

// Crawler fetches sites. One Crawler may read several sources; its limits
// and robots.txt cache are shared by them.
type Crawler struct {
	opt    Options
	client *http.Client
	stats  counter

	mu      sync.Mutex
	allowed map[string]bool
	hosts   map[string]*hostLimit
	robots  map[string]*robotstxt.Group
}

// New returns a Crawler with opt (zero fields take the defaults).
func New(opt Options) *Crawler {
	c := &Crawler{opt: opt.WithDefaults(), allowed: map[string]bool{}, hosts: map[string]*hostLimit{}, robots: map[string]*robotstxt.Group{}}
	for _, h := range c.opt.Hosts {
		c.allowed[strings.ToLower(h)] = true
	}
	c.client = newClient(c.opt, c.isAllowed)
	return c
}

// Stats returns the counts so far.
func (c *Crawler) Stats() Stats { return c.stats.snapshot() }

// IsURL reports whether a source is a URL the crawler reads.
func IsURL(source string) bool {
	return strings.HasPrefix(source, "http://") || strings.HasPrefix(source, "https://")
}

func (c *Crawler) isAllowed(host string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.allowed[strings.ToLower(host)]
}

// limit is the limiter of u's host.
func (c *Crawler) limit(u string) *hostLimit {
	host := hostOf(u)
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.hosts[host]
	if !ok {
		h = newHostLimit(c.opt.Rate, c.opt.Concurrency)
		c.hosts[host] = h
	}
	return h
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}

// ReadURL crawls source (a sitemap, sitemap index or start URL) and hands
// the pages to sink. Only a cancelled context or an unreadable source
// stops it; failed pages are reported to sink.
func (c *Crawler) ReadURL(ctx context.Context, source string, sink Sink) error {
	u, err := url.Parse(source)
	if err != nil || u.Host == "" {
		return fmt.Errorf("crawl %s: not a URL", source)
	}
	if len(c.opt.Hosts) == 0 {
		c.mu.Lock()
		c.allowed[strings.ToLower(u.Hostname())] = true
		c.mu.Unlock()
	}
	p, err := c.fetch(ctx, source, corpus.CrawlState{})
	if err != nil {
		return fmt.Errorf("crawl %s: %w", source, err)
	}
	if isSitemap(p) {
		entries, err := c.sitemapEntries(ctx, source, p, 0, sink)
		if err != nil {
			return fmt.Errorf("crawl %s: %w", source, err)
		}
		return c.crawlEntries(ctx, entries, sink)
	}
	return c.crawlLinks(ctx, Entry{Loc: source}, p, sink)
}

// isSitemap reports an XML response (by type, else by its first bytes).
func isSitemap(p *page) bool {
	mt, _ := mediaType(p.header)
	if strings.Contains(mt, "xml") && mt != "application/xhtml+xml" {
		return true
	}
	head := bytes.TrimSpace(p.body[:min(len(p.body), 512)])
	return bytes.HasPrefix(head, []byte("<?xml")) || bytes.HasPrefix(head, []byte("<urlset")) || bytes.HasPrefix(head, []byte("<sitemapindex"))
}

// maxSitemapDepth bounds nested sitemap indexes.
const maxSitemapDepth = 3

// sitemapEntries lists the page URLs of the sitemap p fetched from loc,
// following an index. Each entry records the sitemap that listed it: the
// root's child (the index's own children for a nested index) or the root
// itself. Only the root's failure fails the crawl: a child that cannot be
// read is reported and the pages it listed last time are kept
// (Sink.KeepListed), unless it is gone (404, 410).
func (c *Crawler) sitemapEntries(ctx context.Context, loc string, p *page, depth int, sink Sink) ([]Entry, error) {
	sm, err := ParseSitemap(bytes.NewReader(p.body))
	if err != nil {
		return nil, err
	}
	out := sm.URLs
	for i := range out {
		out[i].Sitemap = loc
	}
	for _, s := range sm.Sitemaps {
		if depth >= maxSitemapDepth || !c.isAllowed(hostOf(s.Loc)) {
			continue
		}
		more, err := c.childSitemap(ctx, s.Loc, depth+1, sink)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			c.sitemapFailed(s.Loc, err, sink)
			continue
		}
		if depth > 0 { // a nested index: its pages count as listed by the root's child
			for i := range more {
				more[i].Sitemap = loc
			}
		}
		out = append(out, more...)
	}
	return out, nil
}

// childSitemap fetches and lists one child sitemap.
func (c *Crawler) childSitemap(ctx context.Context, loc string, depth int, sink Sink) ([]Entry, error) {
	sp, err := c.fetch(ctx, loc, corpus.CrawlState{})
	if err != nil {
		return nil, err
	}
	return c.sitemapEntries(ctx, loc, sp, depth, sink)
}

// sitemapFailed reports a child sitemap that could not be read; unless it
// is gone, the pages it listed last time stay.
func (c *Crawler) sitemapFailed(loc string, err error, sink Sink) {
	c.stats.do(func(s *Stats) { s.SitemapsFailed++ })
	sink.Skip(loc, fmt.Errorf("sitemap: %w", err))
	if !errors.Is(err, errGone) {
		sink.KeepListed(loc)
	}
}

// crawlEntries fetches entries on opt.Concurrency workers per allowed host.
func (c *Crawler) crawlEntries(ctx context.Context, entries []Entry, sink Sink) error {
	todo := make(chan Entry)
	var wg sync.WaitGroup
	for range c.opt.Concurrency * max(1, len(c.allowed)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range todo {
				c.page(ctx, e, sink)
			}
		}()
	}
	entries = distinct(entries)
	c.stats.do(func(s *Stats) { s.Listed += int64(len(entries)) })
	var err error
	for _, e := range entries {
		select {
		case todo <- e:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
	}
	close(todo)
	wg.Wait()
	return err
}

// distinct drops the entries whose URL came earlier.
func distinct(entries []Entry) []Entry {
	seen := make(map[string]bool, len(entries))
	out := entries[:0]
	for _, e := range entries {
		if !seen[e.Loc] {
			seen[e.Loc] = true
			out = append(out, e)
		}
	}
	return out
}

// page fetches and parses one listed URL and hands the result to sink.
func (c *Crawler) page(ctx context.Context, e Entry, sink Sink) {
	if !c.isAllowed(hostOf(e.Loc)) {
		c.stats.fail(ReasonHost)
		sink.Skip(e.Loc, errors.New("host not allowed"))
		return
	}
	if !c.robotsAllow(ctx, e.Loc) {
		c.stats.do(func(s *Stats) { s.SkippedRobots++ })
		sink.Skip(e.Loc, errors.New("disallowed by robots.txt"))
		return
	}
	p, err := c.fetch(ctx, e.Loc, sink.Previous(e.Loc))
	if err == nil {
		_, err = c.emit(e, p, sink)
	}
	c.failed(e.Loc, err, sink)
}

// failed records a failure; a transient one keeps the previous version.
func (c *Crawler) failed(u string, err error, sink Sink) {
	var fe *fetchError
	switch {
	case err == nil || errors.Is(err, context.Canceled):
	case errors.Is(err, errNotModified):
		c.stats.do(func(s *Stats) { s.NotModified++ })
		sink.Keep(u)
	case errors.Is(err, errGone):
		c.stats.do(func(s *Stats) { s.Gone++ })
	case errors.Is(err, errNoindex):
		c.stats.do(func(s *Stats) { s.Noindex++ })
		sink.Skip(u, err)
	case errors.As(err, &fe):
		c.stats.fail(fe.reason)
		if fe.transient {
			c.stats.do(func(s *Stats) { s.Kept++ })
			sink.Keep(u)
		}
		sink.Skip(u, err)
	default:
		c.stats.fail(ReasonParse)
		sink.Skip(u, err)
	}
}

var errNoindex = errors.New("noindex")

// emit parses a fetched page and sends its document; it returns the
// decoded body for link extraction.
func (c *Crawler) emit(e Entry, p *page, sink Sink) ([]byte, error) {
	mt, params := mediaType(p.header)
	if !isPage(mt) {
		return nil, &fetchError{reason: ReasonContentType, err: fmt.Errorf("content type %q", mt)}
	}
	if noindexHeader(p.header) {
		return nil, fmt.Errorf("%w (X-Robots-Tag)", errNoindex)
	}
	body := toUTF8(p.body, params)
	if mt != "text/plain" && metaNoindex(body) {
		return nil, fmt.Errorf("%w (meta robots)", errNoindex)
	}
	d, err := parse(mt, body, e.Loc)
	if err != nil {
		return nil, err
	}
	if d.URL == "" {
		d.URL, d.ID = p.url, corpus.IDFromURL(p.url)
	}
	d.Crawl = corpus.CrawlState{ETag: p.header.Get("ETag"), LastModified: p.header.Get("Last-Modified"), Sitemap: e.Sitemap}
	if d.Published.IsZero() && !e.LastMod.IsZero() {
		d.Published = e.LastMod.In(corpus.DefaultZone())
	}
	c.stats.do(func(s *Stats) { s.Fetched++ })
	return body, sink.Emit(d)
}

func parse(mt string, body []byte, source string) (corpus.Document, error) {
	opt := corpus.Options{Source: source}
	if mt == "text/plain" {
		return corpus.ParseText(body, opt)
	}
	return corpus.ParseHTML(body, opt)
}

// robotsAllow reports whether robots.txt of u's host allows our agent;
// it applies the host's Crawl-delay. An unreadable robots.txt allows all.
func (c *Crawler) robotsAllow(ctx context.Context, u string) bool {
	g := c.robotsGroup(ctx, u)
	if g == nil {
		return true
	}
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	path := p.EscapedPath()
	if p.RawQuery != "" {
		path += "?" + p.RawQuery
	}
	return g.Test(path)
}

func (c *Crawler) robotsGroup(ctx context.Context, u string) *robotstxt.Group {
	host := hostOf(u)
	c.mu.Lock()
	g, ok := c.robots[host]
	c.mu.Unlock()
	if ok {
		return g
	}
	p0, _ := url.Parse(u)
	robotsURL := p0.Scheme + "://" + p0.Host + "/robots.txt"
	var data *robotstxt.RobotsData
	if p, err := c.fetch(ctx, robotsURL, corpus.CrawlState{}); err == nil {
		data, _ = robotstxt.FromStatusAndBytes(p.status, p.body)
	}
	if data != nil {
		g = data.FindGroup(c.opt.UserAgent)
		if g != nil && g.CrawlDelay > 0 {
			c.limit(u).slowTo(g.CrawlDelay)
		}
	}
	c.mu.Lock()
	c.robots[host] = g
	c.mu.Unlock()
	return g
}
