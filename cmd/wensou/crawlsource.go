package main

import (
	"context"
	"time"

	"github.com/spf13/pflag"

	"github.com/wensou/wensou/crawl"
	"github.com/wensou/wensou/indexer"
)

// crawlFlags are the flags of URL sources.
type crawlFlags struct {
	rate        float64
	concurrency int
	depth       int
	hosts       []string
	userAgent   string
	timeout     time.Duration
	maxBytes    int64
}

func addCrawlFlags(fl *pflag.FlagSet, f *crawlFlags) {
	fl.Float64Var(&f.rate, "crawl-rate", crawl.DefaultRate, "requests per second per host for URL sources (negative: unlimited)")
	fl.IntVar(&f.concurrency, "crawl-concurrency", crawl.DefaultConcurrency, "requests in flight per host for URL sources")
	fl.IntVar(&f.depth, "crawl-depth", 0, "links followed from a start URL that is not a sitemap")
	fl.StringSliceVar(&f.hosts, "crawl-host", nil, "hosts a crawl may fetch from (default: the source URL's host)")
	fl.StringVar(&f.userAgent, "crawl-user-agent", "", "User-Agent of the crawler (default wensou/VERSION (+https://github.com/wensou/wensou))")
	fl.DurationVar(&f.timeout, "crawl-timeout", crawl.DefaultTimeout, "timeout of one request")
	fl.Int64Var(&f.maxBytes, "crawl-max-bytes", crawl.DefaultMaxBytes, "largest response read")
}

// newCrawler is the crawler of URL sources configured by f.
func newCrawler(f crawlFlags) *crawl.Crawler {
	ua := f.userAgent
	if ua == "" {
		ua = "wensou/" + readBuildVersion().Version + " (+https://github.com/wensou/wensou)"
	}
	return crawl.New(crawl.Options{UserAgent: ua, Rate: f.rate, Concurrency: f.concurrency, Depth: f.depth,
		Hosts: f.hosts, Timeout: f.timeout, MaxBytes: f.maxBytes})
}

// defaultCrawlFlags are the crawl settings of a server's reindex jobs.
func defaultCrawlFlags() crawlFlags {
	return crawlFlags{rate: crawl.DefaultRate, concurrency: crawl.DefaultConcurrency, timeout: crawl.DefaultTimeout, maxBytes: crawl.DefaultMaxBytes}
}

// crawlSource adapts the crawler to indexer.URLReader.
type crawlSource struct{ c *crawl.Crawler }

func (s crawlSource) ReadURL(ctx context.Context, source string, sink indexer.URLSink) error {
	return s.c.ReadURL(ctx, source, sink)
}
