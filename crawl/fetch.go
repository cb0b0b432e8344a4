package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"github.com/wensou/wensou/corpus"
)

// Failure reasons counted in Stats.Failed.
const (
	ReasonTimeout     = "timeout"
	ReasonServer      = "server_error"
	ReasonTooLarge    = "too_large"
	ReasonContentType = "content_type"
	ReasonRedirect    = "redirect"
	ReasonNetwork     = "network"
	ReasonStatus      = "status"
	ReasonParse       = "parse"
	ReasonHost        = "host_not_allowed"
)

// fetchError is a failed fetch with its reason and whether a later run
// may succeed (the previous version is then kept).
type fetchError struct {
	reason    string
	transient bool
	err       error
}

func (e *fetchError) Error() string { return e.reason + ": " + e.err.Error() }
func (e *fetchError) Unwrap() error { return e.err }

// page is a fetched response.
type page struct {
	url    string // after redirects
	status int
	header http.Header
	body   []byte
}

// errGone marks 404 and 410: the page is deleted.
var errGone = errors.New("page gone")

func newClient(o Options, allowed func(string) bool) *http.Client {
	return &http.Client{
		Timeout: o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects {
				return &fetchError{reason: ReasonRedirect, err: fmt.Errorf("more than %d redirects", o.MaxRedirects)}
			}
			if !allowed(req.URL.Hostname()) {
				return &fetchError{reason: ReasonRedirect, err: fmt.Errorf("redirect to %s leaves the allowed hosts", req.URL.Host)}
			}
			return nil
		},
	}
}

// errNotModified marks a 304 answer to a conditional request: the
// previous version is kept as it is.
var errNotModified = errors.New("not modified")

// get fetches u once, reading at most o.MaxBytes of the body; with
// validators of a previous run the request is conditional.
func (c *Crawler) get(ctx context.Context, u string, prev corpus.CrawlState) (*page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &fetchError{reason: ReasonNetwork, err: err}
	}
	req.Header.Set("User-Agent", c.opt.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,application/xml;q=0.8,*/*;q=0.1")
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	c.stats.request()
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, classify(err)
	}
	defer resp.Body.Close()
	p := &page{url: resp.Request.URL.String(), status: resp.StatusCode, header: resp.Header}
	switch {
	case resp.StatusCode == http.StatusNotModified && (prev.ETag != "" || prev.LastModified != ""):
		return p, errNotModified
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return p, errGone
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return p, &fetchError{reason: ReasonServer, transient: true, err: fmt.Errorf("HTTP %d", resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		return p, &fetchError{reason: ReasonStatus, err: fmt.Errorf("HTTP %d", resp.StatusCode)}
	}
	if resp.ContentLength > c.opt.MaxBytes {
		return p, &fetchError{reason: ReasonTooLarge, err: fmt.Errorf("%d bytes over the limit of %d", resp.ContentLength, c.opt.MaxBytes)}
	}
	p.body, err = io.ReadAll(io.LimitReader(resp.Body, c.opt.MaxBytes+1))
	c.stats.addBytes(len(p.body))
	if err != nil {
		return p, classify(err)
	}
	if int64(len(p.body)) > c.opt.MaxBytes {
		return p, &fetchError{reason: ReasonTooLarge, err: fmt.Errorf("body over the limit of %d bytes", c.opt.MaxBytes)}
	}
	return p, nil
}

// classify turns a transport error into a fetchError.
func classify(err error) error {
	var fe *fetchError
	if errors.As(err, &fe) {
		return fe
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return &fetchError{reason: ReasonTimeout, transient: true, err: err}
	}
	return &fetchError{reason: ReasonNetwork, transient: true, err: err}
}

// fetch is get retried with exponential backoff while the failure is
// transient; prev makes the requests conditional (zero: not).
func (c *Crawler) fetch(ctx context.Context, u string, prev corpus.CrawlState) (*page, error) {
	h := c.limit(u)
	wait := c.opt.Backoff
	for try := 0; ; try++ {
		if err := h.acquire(ctx); err != nil {
			return nil, err
		}
		p, err := c.get(ctx, u, prev)
		h.release()
		var fe *fetchError
		if err == nil || !errors.As(err, &fe) || !fe.transient || try >= c.opt.Retries || ctx.Err() != nil {
			return p, err
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait *= 2
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// mediaType is the response's media type, "" when absent.
func mediaType(h http.Header) (string, map[string]string) {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return "", nil
	}
	return strings.ToLower(mt), params
}

// isPage reports the content types the crawler indexes.
func isPage(mt string) bool {
	return slices.Contains([]string{"text/html", "application/xhtml+xml", "text/plain", ""}, mt)
}

// toUTF8 decodes body by the header's charset when that decodes it
// without errors; otherwise (no charset, or a header that lies) the bytes
// are returned as they are and corpus decodes them from <meta> and by
// sniffing.
func toUTF8(body []byte, params map[string]string) []byte {
	name := params["charset"]
	if name == "" || utf8.Valid(body) {
		return body
	}
	enc, _ := charset.Lookup(name)
	if enc == nil {
		return body
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil || bytes.Contains(out, []byte("\uFFFD")) && !bytes.Contains(body, []byte("\uFFFD")) {
		return body
	}
	return out
}

// noindex reports an X-Robots-Tag header forbidding indexing.
func noindexHeader(h http.Header) bool {
	for _, v := range h.Values("X-Robots-Tag") {
		if hasNoindex(v) {
			return true
		}
	}
	return false
}

func hasNoindex(v string) bool {
	for _, f := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ' ' || r == ':' }) {
		if f == "noindex" || f == "none" {
			return true
		}
	}
	return false
}
