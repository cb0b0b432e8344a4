package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/corpus"
)

// maxNDJSONErrors is the most line errors an NDJSON import lists; the
// count of the others is in "more_errors".
const maxNDJSONErrors = 100

// lineError is one NDJSON line that was not indexed.
type lineError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// isNDJSON reports whether the request body is NDJSON (one document per
// line, as the JSONL files wensou index reads).
func isNDJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && (mt == "application/x-ndjson" || mt == "application/jsonl")
}

// ndjsonImport is one streaming import: documents are written in batches
// of MaxPushDocs, so memory is bounded by a batch and a line whatever the
// body's size.
type ndjsonImport struct {
	s         *Server
	c         *gin.Context
	batch     []corpus.Document
	indexed   int
	seq       uint64 // of the last batch, on a replica
	errs      []lineError
	more      int
	truncated []truncation // documents analysed in part
}

// putNDJSON handles POST /api/docs with Content-Type application/x-ndjson:
// 200 {"indexed":N,"errors":[{"line":L,"error":…}]} once every indexed
// document is durable and searchable; bad lines are skipped and listed.
// A body over limits.max_ndjson_bytes is 413 after the batches before it
// were written (a retry is safe: pushes replace by id).
func (s *Server) putNDJSON(c *gin.Context) {
	// The whole-request timeouts are for ordinary requests; an import
	// streams as long as it is sending.
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	imp := &ndjsonImport{s: s, c: c, batch: make([]corpus.Document, 0, s.cfg.MaxPushDocs), errs: []lineError{}}
	if err := imp.run(); err != nil {
		fail(c, err)
		return
	}
	if imp.indexed == 0 && len(imp.errs) == 0 {
		fail(c, fmt.Errorf("%w: no documents", errBadBody))
		return
	}
	res := s.withSeq(c, gin.H{"indexed": imp.indexed, "errors": imp.errs}, imp.seq)
	if imp.more > 0 {
		res["more_errors"] = imp.more
	}
	if len(imp.truncated) > 0 {
		res["truncated"] = imp.truncated
	}
	writeJSON(c, http.StatusOK, res)
}

func (imp *ndjsonImport) run() error {
	r := corpus.NewJSONLReader(imp.c.Request.Body, corpus.Options{Source: "request", Fields: imp.s.cfg.FieldTypes})
	r.MaxLine = int(min(imp.s.cfg.MaxBodyBytes, corpus.DefaultMaxLine)) // one document at most as large as a push
	for {
		if err := imp.c.Request.Context().Err(); err != nil {
			return err
		}
		d, err := r.Next()
		if errors.Is(err, io.EOF) {
			return imp.flush()
		}
		var le *corpus.LineError
		if errors.As(err, &le) { // a bad line: listed, the import goes on
			imp.note(le)
			continue
		}
		if err != nil {
			return errors.Join(imp.flush(), bodyError(err))
		}
		if imp.batch = append(imp.batch, d); len(imp.batch) == cap(imp.batch) {
			if err := imp.flush(); err != nil {
				return err
			}
		}
	}
}

func (imp *ndjsonImport) note(le *corpus.LineError) {
	if len(imp.errs) == maxNDJSONErrors {
		imp.more++
		return
	}
	imp.errs = append(imp.errs, lineError{Line: le.Line, Error: le.Err.Error()})
}

// flush writes the batch.
func (imp *ndjsonImport) flush() error {
	if len(imp.batch) == 0 {
		return nil
	}
	seq, err := imp.s.put(imp.c.Request.Context(), imp.batch)
	imp.seq = max(imp.seq, seq)
	imp.s.invalidateCache()
	if err != nil {
		return fmt.Errorf("after %d documents: %w", imp.indexed, err)
	}
	imp.indexed += len(imp.batch)
	imp.truncated = truncations(imp.truncated, imp.batch)
	imp.batch = imp.batch[:0]
	return nil
}

// bodyError is a failure to read the body itself (over the limit, cut).
func bodyError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return fmt.Errorf("%w: limit %d bytes", errTooLarge, tooLarge.Limit)
	}
	return fmt.Errorf("%w: %w", errBadBody, err)
}
