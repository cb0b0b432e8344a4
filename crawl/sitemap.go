package crawl

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Entry is one <url> or <sitemap> of a sitemap.
type Entry struct {
	Loc     string
	LastMod time.Time // zero when absent or unparsable
	Sitemap string    // the sitemap that listed it (set by the crawler)
}

// Sitemap is a parsed sitemap (URLs) or sitemap index (Sitemaps).
type Sitemap struct {
	URLs     []Entry
	Sitemaps []Entry
}

// ParseSitemap reads a sitemap or sitemap index (sitemaps.org 0.9). Only
// <loc> and <lastmod> are read; locs are trimmed and empty ones dropped.
func ParseSitemap(r io.Reader) (Sitemap, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	var sm Sitemap
	var root string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sm, fmt.Errorf("parse sitemap: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch name := se.Name.Local; {
		case root == "":
			root = name
			if name != "urlset" && name != "sitemapindex" {
				return sm, fmt.Errorf("parse sitemap: root element <%s> is neither urlset nor sitemapindex", name)
			}
		case name == "url" || name == "sitemap":
			if err := addEntry(dec, se, &sm); err != nil {
				return sm, err
			}
		}
	}
	if root == "" {
		return sm, errors.New("parse sitemap: no root element")
	}
	return sm, nil
}

type xmlEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

func addEntry(dec *xml.Decoder, se xml.StartElement, sm *Sitemap) error {
	var x xmlEntry
	if err := dec.DecodeElement(&x, &se); err != nil {
		return fmt.Errorf("parse sitemap <%s>: %w", se.Name.Local, err)
	}
	e := Entry{Loc: strings.TrimSpace(x.Loc), LastMod: parseLastMod(x.LastMod)}
	if e.Loc == "" {
		return nil
	}
	if se.Name.Local == "url" {
		sm.URLs = append(sm.URLs, e)
	} else {
		sm.Sitemaps = append(sm.Sitemaps, e)
	}
	return nil
}

// parseLastMod reads the W3C datetime forms sitemaps use.
func parseLastMod(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
