package indexer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wensou/wensou/corpus"
)

// DefaultMaxFileSize is the largest source file read unless configured.
const DefaultMaxFileSize = 10 << 20

// maxBadLines is how many unreadable JSONL lines in a row end a file.
const maxBadLines = 1000

// SourceOptions tune reading sources. The zero value means defaults.
type SourceOptions struct {
	MaxFileSize int64 // default DefaultMaxFileSize
	Workers     int   // parsing goroutines, default GOMAXPROCS
	// Fields are the declared own field types: JSONL documents are checked
	// against them, HTML pages' <meta> tags and tag/category links and
	// text files' front matter are read for them (corpus.Options.Fields).
	Fields map[string]corpus.FieldType
	// URLs reads the sources that are URLs (http:// or https://): a
	// crawler, supplied by the caller. Nil makes a URL source an error.
	URLs URLReader
	// previous is the crawl state of the served generation by source
	// (IndexSources sets it for incremental runs): the crawler's
	// conditional requests.
	previous map[string]corpus.CrawlState
	// known are the documents of the served generation a JSONL line may
	// stand for unread, by hash (IndexSources sets it for incremental
	// runs; known.go).
	known map[string]knownDoc
}

// URLReader reads a URL source (a sitemap or a start page) into sink.
type URLReader interface {
	ReadURL(ctx context.Context, source string, sink URLSink) error
}

// URLSink is what a URLReader hands its results to: documents, sources
// whose previous version must be kept (not modified, or failed
// transiently), sitemaps whose previously listed pages must be kept (the
// sitemap failed transiently), and sources skipped. Previous is what the
// served generation knows of a source (its HTTP validators), zero when
// nothing or when the run is a full one.
type URLSink interface {
	Emit(corpus.Document) error
	Keep(source string)
	KeepListed(sitemap string)
	Skip(source string, reason error)
	Previous(source string) corpus.CrawlState
}

// isURL reports a source read by SourceOptions.URLs.
func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// urlSink sends a URLReader's results into the run.
type urlSink struct {
	ctx  context.Context
	rep  *Report
	out  chan<- corpus.Document
	prev map[string]corpus.CrawlState
}

func (s urlSink) Emit(d corpus.Document) error {
	atomic.AddInt64(&s.rep.Files, 1)
	atomic.AddInt64(&s.rep.Bytes, int64(len(d.Title)+len(d.Body)))
	return send(s.ctx, s.rep, d, s.out)
}

func (s urlSink) Keep(source string) {
	s.rep.mu.Lock()
	defer s.rep.mu.Unlock()
	s.rep.kept = append(s.rep.kept, source)
}

func (s urlSink) KeepListed(sitemap string) {
	s.rep.mu.Lock()
	defer s.rep.mu.Unlock()
	s.rep.keptSitemaps = append(s.rep.keptSitemaps, sitemap)
}

func (s urlSink) Skip(source string, reason error) { s.rep.skip(source, reason) }

func (s urlSink) Previous(source string) corpus.CrawlState { return s.prev[source] }

// Kept are the crawled sources whose previous documents a run keeps
// although the run did not read them: by source (not modified, or failed
// transiently) and by the sitemap that listed them (failed transiently).
type Kept struct {
	Sources, Sitemaps []string
}

// keptSet is Kept as sets, to test every document of a manifest.
type keptSet struct{ sources, sitemaps map[string]bool }

func (k Kept) set() keptSet {
	s := keptSet{sources: make(map[string]bool, len(k.Sources)), sitemaps: make(map[string]bool, len(k.Sitemaps))}
	for _, src := range k.Sources {
		s.sources[src] = true
	}
	for _, sm := range k.Sitemaps {
		s.sitemaps[sm] = true
	}
	return s
}

// keeps reports whether the run keeps the previous document e.
func (s keptSet) keeps(e entry) bool {
	return e.origin == "" && (s.sources[e.source] || e.crawl.Sitemap != "" && s.sitemaps[e.crawl.Sitemap])
}

// Kept returns what the run keeps of the previous generation (see Kept).
// Call it after Read has returned.
func (r *Report) Kept() Kept {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Kept{Sources: slices.Clone(r.kept), Sitemaps: slices.Clone(r.keptSitemaps)}
}

// Skip records a source that was not indexed, and why.
type Skip struct {
	Source string `json:"source"`
	Reason string `json:"reason"`
}

// Report counts what reading the sources produced.
type Report struct {
	Files    int64  `json:"files"`
	Articles int64  `json:"articles"`
	Related  int64  `json:"related"`
	Bytes    int64  `json:"bytes"`
	Skipped  []Skip `json:"skipped,omitempty"`
	// Duplicates are the articles dropped as another form of an article of
	// the same run (the same title and text: x.html and x.txt); the form
	// with a URL is kept.
	Duplicates []Duplicate `json:"duplicates,omitempty"`
	// Undeclared counts, by name, the documents carrying an own field the
	// configuration does not declare: kept, stored and indexed as text,
	// and reported once here rather than per document.
	Undeclared   map[string]int64 `json:"undeclared_fields,omitempty"`
	declared     map[string]corpus.FieldType
	mu           sync.Mutex
	light        []corpus.Document
	seen         idSet                      // ids read (idset.go: the collector does not scan them)
	seenSource   []int32                    // seen's entry → the source that gave it (sourceNames)
	forms        map[[sha256.Size]byte]form // content key → the article kept
	formIDs      idSet                      // the ids forms name
	sourceNames  []string                   // sources, each once
	sourceIndex  map[string]int32           // and their numbers
	retracted    []string                   // ids sent, then replaced by a form with a URL
	kept         []string                   // sources whose previous documents stay
	keptSitemaps []string                   // sitemaps whose previously listed documents stay
}

// Duplicate is one article dropped for another form of it.
type Duplicate struct {
	Kept    string `json:"kept"`
	Dropped string `json:"dropped"`
	Source  string `json:"source"` // of the dropped one
}

// form is the article kept for a content key: its id (an entry of
// Report.formIDs) and source (of Report.sourceNames), without pointers.
type form struct {
	id, source int32
	url        bool
}

// source returns the number of the source name, adding it if new.
func (r *Report) source(name string) int32 {
	if n, ok := r.sourceIndex[name]; ok {
		return n
	}
	if r.sourceIndex == nil {
		r.sourceIndex = map[string]int32{}
	}
	n := int32(len(r.sourceNames))
	r.sourceNames = append(r.sourceNames, name)
	r.sourceIndex[name] = n
	return n
}

// formDigest is the binary form of a formKey.
func formDigest(key string) [sha256.Size]byte {
	var d [sha256.Size]byte
	if n, err := hex.Decode(d[:], []byte(key)); err != nil || n != len(d) {
		return sha256.Sum256([]byte(key)) // not formKey's: still one digest per key
	}
	return d
}

// formKey identifies an article by its normalised title and its text
// without white space: two forms of one article (HTML and text) share it.
func formKey(d corpus.Document) string {
	h := sha256.New()
	_, _ = io.WriteString(h, corpus.NormalizeTitle(d.Title)) // a hash.Hash never fails to write
	_, _ = h.Write([]byte{0})
	for f := range strings.FieldsSeq(d.Body) {
		_, _ = io.WriteString(h, f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Retracted returns the ids of documents Read sent and then replaced by
// another form of the same article: the run deletes them before it
// commits. Call it after Read has returned.
func (r *Report) Retracted() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.retracted)
}

// sameForm decides for an article whether it is another form of one
// already seen: false to drop it; true to send it, having retracted the
// one kept before when this one has a URL and that one had none.
func (r *Report) sameForm(d corpus.Document, key string) bool {
	if d.Kind != corpus.KindArticle || d.Title == "" {
		return true
	}
	if key == "" {
		key = formKey(d)
	}
	if r.forms == nil {
		r.forms = map[[sha256.Size]byte]form{}
	}
	digest := formDigest(key)
	prev, dup := r.forms[digest]
	if !dup {
		r.forms[digest] = form{id: r.formIDs.entry(d.ID), source: r.source(d.Source), url: d.URL != ""}
		return true
	}
	prevID := r.formIDs.at(prev.id)
	if d.URL == "" || prev.url {
		r.Duplicates = append(r.Duplicates, Duplicate{Kept: prevID, Dropped: d.ID, Source: d.Source})
		return false
	}
	r.Duplicates = append(r.Duplicates, Duplicate{Kept: d.ID, Dropped: prevID, Source: r.sourceNames[prev.source]})
	r.retracted = append(r.retracted, prevID)
	r.light = slices.DeleteFunc(r.light, func(l corpus.Document) bool { return l.ID == prevID })
	r.forms[digest] = form{id: r.formIDs.entry(d.ID), source: r.source(d.Source), url: true}
	return true
}

func (r *Report) skip(src string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Skipped = append(r.Skipped, Skip{Source: src, Reason: err.Error()})
}

// first reports whether d's id is new, recording it; a repeated id is
// skipped with the source that had it first.
func (r *Report) first(d corpus.Document) bool { return r.firstKeyed(d, "") }

// firstKeyed is first with d's formKey computed beforehand ("": not yet).
func (r *Report) firstKeyed(d corpus.Document, key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.seen.find(d.ID); e >= 0 {
		src := r.sourceNames[r.seenSource[e]]
		r.Skipped = append(r.Skipped, Skip{Source: d.Source, Reason: fmt.Sprintf("duplicate id %s (first from %s)", d.ID, src)})
		return false
	}
	if !r.sameForm(d, key) {
		return false
	}
	r.seen.insert(d.ID) // absent: find said so
	r.seenSource = append(r.seenSource, r.source(d.Source))
	return true
}

// article records an article's identity and related links for expansion.
func (r *Report) article(d corpus.Document) {
	atomic.AddInt64(&r.Articles, 1)
	r.mu.Lock()
	defer r.mu.Unlock()
	for name := range d.Fields {
		if _, ok := r.declared[name]; !ok {
			if r.Undeclared == nil {
				r.Undeclared = map[string]int64{}
			}
			r.Undeclared[name]++
		}
	}
	r.light = append(r.light, corpus.Document{ID: d.ID, Kind: d.Kind, URL: d.URL, Title: d.Title, Related: d.Related, Source: d.Source})
}

// isIndexable reports whether a file name has an extension the parsers read.
func isIndexable(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm", ".txt", ".md", ".jsonl":
		return true
	}
	return false
}

// Read walks sources (files, directories, JSONL files), parses them on
// opt.Workers goroutines and sends the documents to out: articles first,
// then one document per distinct related-content entry. It closes out.
// Unreadable or unparsable sources are skipped and recorded in the report;
// only a cancelled context or a missing source root stops the run.
func Read(ctx context.Context, sources []string, opt SourceOptions, out chan<- corpus.Document) (*Report, error) {
	defer close(out)
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = DefaultMaxFileSize
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	rep := &Report{declared: opt.Fields}
	paths := make(chan sourceFile, 64)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() { defer wg.Done(); parseFiles(ctx, paths, opt, rep, out) }()
	}
	werr := walkAll(ctx, sources, opt, rep, paths, out)
	close(paths)
	wg.Wait()
	if werr != nil {
		return rep, werr
	}
	return rep, emitRelated(ctx, rep, out)
}

// sourceFile is a file to read and the source root it was found under.
type sourceFile struct{ root, path string }

func walkAll(ctx context.Context, sources []string, opt SourceOptions, rep *Report, paths chan<- sourceFile, out chan<- corpus.Document) error {
	for _, root := range sources {
		var err error
		switch {
		case isURL(root) && opt.URLs == nil:
			err = fmt.Errorf("source %s: URL sources need a crawler", root)
		case isURL(root):
			err = opt.URLs.ReadURL(ctx, root, urlSink{ctx: ctx, rep: rep, out: out, prev: opt.previous})
		default:
			err = walk(ctx, root, rep, paths)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func walk(ctx context.Context, root string, rep *Report, paths chan<- sourceFile) error {
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("source %s: %w", root, err)
	}
	if _, err := os.Stat(root); err != nil {
		return fmt.Errorf("source %s: %w", root, err)
	}
	return filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			rep.skip(path, err)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if e.IsDir() || !isIndexable(path) {
			return nil
		}
		if e.Type()&fs.ModeSymlink != 0 && !insideRoot(rootAbs, path) {
			rep.skip(path, errors.New("symlink leads outside the source root"))
			return nil
		}
		paths <- sourceFile{root: root, path: path}
		return nil
	})
}

// insideRoot reports whether the symlink at path resolves inside root.
func insideRoot(root, path string) bool {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(realRoot, target)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func parseFiles(ctx context.Context, paths <-chan sourceFile, opt SourceOptions, rep *Report, out chan<- corpus.Document) {
	for sf := range paths {
		path := sf.path
		if ctx.Err() != nil {
			continue
		}
		atomic.AddInt64(&rep.Files, 1)
		var err error
		if strings.EqualFold(filepath.Ext(path), ".jsonl") {
			err = readJSONL(ctx, path, opt, rep, out)
		} else {
			err = readFile(ctx, sf, opt, rep, out)
		}
		if err != nil {
			rep.skip(path, err)
		}
	}
}

// readFile parses one HTML/text file. A page without a URL is identified by
// its path under the source root (two pages may share a title: chroot.1
// and chroot.8), a page with one by its URL.
func readFile(ctx context.Context, sf sourceFile, opt SourceOptions, rep *Report, out chan<- corpus.Document) error {
	path := sf.path
	data, err := readLimited(path, opt.MaxFileSize)
	if err != nil {
		return err
	}
	d, err := corpus.ParseFile(path, data, corpus.Options{Source: path, Fields: opt.Fields})
	if err != nil {
		return err
	}
	if d.URL == "" {
		d.ID = fileID(sf.root, path)
	}
	atomic.AddInt64(&rep.Bytes, int64(len(data)))
	return send(ctx, rep, d, out)
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("file of %d bytes is over the limit of %d", st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("file grew over the limit of %d bytes", limit)
	}
	return data, err
}

func send(ctx context.Context, rep *Report, d corpus.Document, out chan<- corpus.Document) error {
	return sendKeyed(ctx, rep, d, "", out)
}

// sendKeyed is send with d's formKey computed beforehand ("": not yet).
func sendKeyed(ctx context.Context, rep *Report, d corpus.Document, key string, out chan<- corpus.Document) error {
	if d.Kind == "" {
		d.Kind = corpus.KindArticle
	}
	if !rep.firstKeyed(d, key) {
		return nil
	}
	if d.Kind == corpus.KindArticle {
		rep.article(d)
	}
	select {
	case out <- d:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// emitRelated sends one document per distinct related-content entry that
// is not itself an article of the corpus.
func emitRelated(ctx context.Context, rep *Report, out chan<- corpus.Document) error {
	for _, d := range corpus.Expand(rep.light) {
		if d.Kind != corpus.KindRelated || !rep.first(d) {
			continue
		}
		if d.Hash == "" {
			d.Hash = corpus.HashBytes([]byte(d.Title + "\n" + d.URL))
		}
		atomic.AddInt64(&rep.Related, 1)
		select {
		case out <- d:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	rep.light = nil
	return nil
}

// fileID is the id of a file without a URL: its path under root without
// the extension, in the id alphabet [a-z0-9._-] ('/' becomes '-'), with a
// hash of the path appended where characters had to be dropped.
func fileID(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == "." {
		rel = filepath.Base(path)
	}
	rel = filepath.ToSlash(strings.TrimSuffix(rel, filepath.Ext(rel)))
	var b strings.Builder
	lossy := false
	for _, r := range strings.ToLower(rel) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r == '/':
			b.WriteByte('-')
		default:
			lossy = true
		}
	}
	id := "f-" + b.String()
	if lossy || b.Len() == 0 {
		id += "-" + corpus.HashBytes([]byte(rel))[:8]
	}
	return id
}
