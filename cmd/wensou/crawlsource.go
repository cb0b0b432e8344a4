package main

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/wensou/wensou/crawl"
	"github.com/wensou/wensou/indexer"
)

// addCrawlFlags adds the flags of URL sources; each overrides its config
// key (crawlFlagKeys) when given.
func addCrawlFlags(fl *pflag.FlagSet) {
	fl.Float64("crawl-rate", crawl.DefaultRate, "requests per second per host for URL sources (negative: unlimited; crawl.rate)")
	fl.Int("crawl-concurrency", crawl.DefaultConcurrency, "requests in flight per host for URL sources (crawl.concurrency)")
	fl.Int("crawl-depth", 0, "links followed from a start URL that is not a sitemap (crawl.depth)")
	fl.StringSlice("crawl-host", nil, "hosts a crawl may fetch from (default: the source URL's host; crawl.hosts)")
	fl.String("crawl-user-agent", "", "User-Agent of the crawler (default wensou/VERSION (+https://github.com/wensou/wensou); crawl.user_agent)")
	fl.Duration("crawl-timeout", crawl.DefaultTimeout, "timeout of one request (crawl.timeout)")
	fl.Int64("crawl-max-bytes", crawl.DefaultMaxBytes, "largest response read (crawl.max_bytes)")
}

// crawlFlagKeys maps the crawl flags to their config keys.
func crawlFlagKeys() []flagKey {
	return []flagKey{{"crawl-rate", "crawl.rate"}, {"crawl-concurrency", "crawl.concurrency"}, {"crawl-depth", "crawl.depth"},
		{"crawl-host", "crawl.hosts"}, {"crawl-user-agent", "crawl.user_agent"}, {"crawl-timeout", "crawl.timeout"},
		{"crawl-max-bytes", "crawl.max_bytes"}}
}

// newCrawler is the crawler of URL sources with opt (config.CrawlOptions);
// an empty User-Agent is this build's.
func newCrawler(opt crawl.Options) *crawl.Crawler {
	if opt.UserAgent == "" {
		opt.UserAgent = "wensou/" + readBuildVersion().Version + " (+https://github.com/wensou/wensou)"
	}
	return crawl.New(opt)
}

// crawlSource adapts the crawler to indexer.URLReader.
type crawlSource struct{ c *crawl.Crawler }

func (s crawlSource) ReadURL(ctx context.Context, source string, sink indexer.URLSink) error {
	return s.c.ReadURL(ctx, source, sink)
}
