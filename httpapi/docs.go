package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// Errors of document writes.
var (
	errBadBody  = errors.New("bad request body")
	errTooLarge = errors.New("request body too large")
	errTooMany  = errors.New("too many documents in one request")
)

// putDocs handles POST /api/docs: one JSON document or an array of them
// (id,url,title,body,published,related). It answers 200 {"indexed":N}
// only once the documents are durable and searchable.
func (s *Server) putDocs(c *gin.Context) {
	if isNDJSON(c.Request) {
		s.putNDJSON(c)
		return
	}
	docs, err := s.readDocs(c)
	if err != nil {
		fail(c, err)
		return
	}
	seq, err := s.put(c.Request.Context(), docs)
	s.invalidateCache() // even a failed write may have written part
	if err != nil {
		fail(c, err)
		return
	}
	res := gin.H{"indexed": len(docs)}
	if t := truncations(nil, docs); len(t) > 0 {
		res["truncated"] = t
	}
	writeJSON(c, http.StatusOK, s.withSeq(c, res, seq))
}

// A truncation names a document whose body is longer than the indexer
// analyses (indexer.MaxAnalyzedBytes): stored whole, searchable in its
// first analysed_bytes.
type truncation struct {
	ID       string `json:"id"`
	Bytes    int    `json:"bytes"`
	Analysed int    `json:"analysed_bytes"`
}

// maxTruncations bounds the truncations a response lists.
const maxTruncations = 100

// truncations appends to list the documents of docs that are analysed in
// part, up to maxTruncations.
func truncations(list []truncation, docs []corpus.Document) []truncation {
	for _, d := range docs {
		if len(d.Body) > indexer.MaxAnalyzedBytes && len(list) < maxTruncations {
			list = append(list, truncation{ID: d.ID, Bytes: len(d.Body), Analysed: len(indexer.Analysed(d.Body))})
		}
	}
	return list
}

func (s *Server) readDocs(c *gin.Context) ([]corpus.Document, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("%w: limit %d bytes", errTooLarge, tooLarge.Limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadBody, err)
	}
	raws, err := splitDocs(body)
	if err != nil {
		return nil, err
	}
	if len(raws) > s.cfg.MaxPushDocs {
		return nil, fmt.Errorf("%w: %d, at most %d", errTooMany, len(raws), s.cfg.MaxPushDocs)
	}
	docs := make([]corpus.Document, 0, len(raws))
	for i, raw := range raws {
		d, err := corpus.DecodeJSON(raw, corpus.Options{Fields: s.cfg.FieldTypes})
		if err != nil {
			return nil, fmt.Errorf("%w: document %d: %w", errBadBody, i, err)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// splitDocs accepts one JSON object or an array of objects.
func splitDocs(body []byte) ([]json.RawMessage, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, fmt.Errorf("%w: empty", errBadBody)
	}
	if body[0] != '[' {
		return []json.RawMessage{body}, nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadBody, err)
	}
	if len(raws) == 0 {
		return nil, fmt.Errorf("%w: empty array", errBadBody)
	}
	return raws, nil
}

// deleteDoc handles DELETE /api/docs/:id: 200 {"deleted":id}, or 404 when
// the index does not hold it.
func (s *Server) deleteDoc(c *gin.Context) {
	id, err := pathParam(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	if _, err := s.searcher.Document(c.Request.Context(), id); err != nil {
		fail(c, err)
		return
	}
	seq, err := s.del(c.Request.Context(), []string{id})
	s.invalidateCache()
	if err != nil {
		fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, s.withSeq(c, gin.H{"deleted": id}, seq))
}

// invalidateCache empties the searcher's result cache after a write. (A
// write swaps in a new reader, which empties it anyway; this makes the
// contract independent of how the writer publishes.)
func (s *Server) invalidateCache() {
	if s.cache != nil {
		s.cache.InvalidateCache()
	}
}
