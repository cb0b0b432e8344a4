// Package crawl reads a live site into corpus documents: from a sitemap,
// a sitemap index, or a start URL followed to a depth. It is polite
// (robots.txt with Crawl-delay, a per-host rate and concurrency limit, a
// clear User-Agent, timeouts, a size limit, redirects kept on the allowed
// hosts) and parses pages with corpus.ParseHTML, so a crawled page is the
// same Document a file of it would be. <link rel=canonical> decides a
// page's id and URL; noindex (meta or X-Robots-Tag) pages are skipped.
//
// A transient failure (5xx after retries, a timeout) reports the URL as
// kept, so the incremental run keeps its previous version; 404 and 410
// pages are not emitted, so the run deletes them.
package crawl
