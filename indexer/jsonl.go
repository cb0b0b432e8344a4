package indexer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/wensou/wensou/corpus"
)

// jsonlChunk is how many lines a decoding worker takes at a time.
const jsonlChunk = 256

// chunk is a run of JSONL lines and, once done is closed, their
// documents (or errors) in the same order; err is the read error that
// ended the file after these lines, if any.
type chunk struct {
	lines []pending
	out   []decoded
	err   error
	done  chan struct{}
}

// pending is a line to decode, or the error that took its place (a line
// too long).
type pending struct {
	line corpus.Line
	err  error
}

// decoded is one line's document with its formKey, or the line's error.
type decoded struct {
	doc  corpus.Document
	key  string
	size int // bytes of text read: the title and body, or the line of an Unread document
	err  error
}

// readJSONL sends the documents of a JSONL file in line order. Lines are
// decoded (JSON, cleaning, the content key of duplicate detection) on one
// worker per CPU, a chunk at a time; the reading, the duplicate checks and
// the sending stay in order on this goroutine, so the result is the one
// of decoding line after line.
func readJSONL(ctx context.Context, path string, opt SourceOptions, rep *Report, out chan<- corpus.Document) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := corpus.NewJSONLReader(f, corpus.Options{Source: path, Fields: opt.Fields})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	ordered := make(chan *chunk, 2*workers)
	work := make(chan *chunk, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				decodeChunk(r, opt.known, path, c)
			}
		}()
	}
	go readChunks(ctx, r, ordered, work)
	err = sendChunks(ctx, path, rep, ordered, out)
	cancel()
	for range ordered { // let readChunks end
	}
	wg.Wait()
	return err
}

// readChunks reads r into chunks, each queued for a worker and, in order,
// for the sender, until the file ends, a read fails or ctx ends.
func readChunks(ctx context.Context, r *corpus.JSONLReader, ordered, work chan<- *chunk) {
	defer close(ordered)
	defer close(work)
	for {
		c := &chunk{done: make(chan struct{})}
		for len(c.lines) < jsonlChunk {
			l, err := r.NextLine()
			var le *corpus.LineError
			if err != nil && !errors.As(err, &le) {
				c.err = err
				break
			}
			c.lines = append(c.lines, pending{line: l, err: err})
		}
		select {
		case work <- c:
		case <-ctx.Done():
			return
		}
		select {
		case ordered <- c:
		case <-ctx.Done():
			return
		}
		if c.err != nil {
			return
		}
	}
}

// decodeChunk decodes c's lines into c.out and closes c.done. A line of
// path whose hash is known is not decoded: it is its known document,
// Unread.
func decodeChunk(r *corpus.JSONLReader, known map[string]knownDoc, path string, c *chunk) {
	defer close(c.done)
	c.out = make([]decoded, len(c.lines))
	for i, p := range c.lines {
		if p.err != nil {
			c.out[i].err = p.err
			continue
		}
		if len(known) > 0 {
			hash := corpus.HashBytes(p.line.Text)
			if k, ok := known[hash]; ok && k.source == path {
				c.out[i] = decoded{doc: k.unread(hash), key: k.form, size: len(p.line.Text)}
				continue
			}
		}
		d, err := r.Decode(p.line)
		c.out[i] = decoded{doc: d, err: err, size: len(d.Title) + len(d.Body)}
		if err == nil && (d.Kind == "" || d.Kind == corpus.KindArticle) && d.Title != "" {
			c.out[i].key = formKey(d)
		}
	}
}

// sendChunks sends the chunks' documents in order; maxBadLines bad lines
// in a row end the file.
func sendChunks(ctx context.Context, path string, rep *Report, ordered <-chan *chunk, out chan<- corpus.Document) error {
	bad := 0
	for c := range ordered {
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		for _, dd := range c.out {
			if dd.err != nil {
				if bad++; bad > maxBadLines {
					return fmt.Errorf("giving up after %d bad lines in a row: %w", bad, dd.err)
				}
				rep.skip(path, dd.err)
				continue
			}
			bad = 0
			d := dd.doc
			atomic.AddInt64(&rep.Bytes, int64(dd.size))
			if err := sendKeyed(ctx, rep, d, dd.key, out); err != nil {
				return err
			}
		}
		if c.err != nil && !errors.Is(c.err, io.EOF) {
			return c.err
		}
	}
	return ctx.Err()
}
