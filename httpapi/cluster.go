package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// Replica is a cluster replica (package cluster, behind an adapter in
// cmd/wensou): writes go through the replicated log and are answered with
// their log sequence once applied here; the index follows the log.
type Replica interface {
	Put(ctx context.Context, docs []corpus.Document) (seq uint64, err error)
	Delete(ctx context.Context, ids []string) (seq uint64, err error)
	WaitApplied(ctx context.Context, seq uint64) error
	Applied() uint64
	// Readiness is the body of /readyz and whether it is 200.
	Readiness() (body any, ready bool)
	// Status is the body of GET /api/cluster.
	Status(ctx context.Context) (any, error)
}

// Shipper serves the files of shipped generations (indexer.Dir.ShipFile):
// manifest.json and the files it lists. An unknown generation or file is
// an error wrapping fs.ErrNotExist.
type Shipper interface {
	ShipFile(gen, file string) (*os.File, error)
}

// statusError is an error that knows its HTTP status and JSON code (the
// cluster's: no_quorum, not_applied, document_too_large).
type statusError interface {
	error
	Status() (int, string)
}

// Headers of a replica's responses.
const (
	generationHeader = "X-Wensou-Generation"
	seqHeader        = "X-Wensou-Seq"
)

// minSeqWait is how long a search with min_seq waits for this replica to
// apply that write before answering 503 lagging.
const minSeqWait = time.Second

var (
	errLagging   = errors.New("this replica has not applied the write asked for by min_seq yet: retry after the Retry-After seconds, or on another replica")
	errNoCluster = errors.New("this server is not part of a cluster (start it with --nats)")
)

// put writes docs: through the log on a replica, else to the index.
func (s *Server) put(ctx context.Context, docs []corpus.Document) (uint64, error) {
	if s.replica != nil {
		return s.replica.Put(ctx, docs)
	}
	return 0, s.writer.Put(ctx, docs)
}

// del deletes ids: through the log on a replica, else from the index.
func (s *Server) del(ctx context.Context, ids []string) (uint64, error) {
	if s.replica != nil {
		return s.replica.Delete(ctx, ids)
	}
	return 0, s.writer.Delete(ctx, ids)
}

// withSeq adds the log sequence of a write to its response on a replica,
// and sets X-Wensou-Seq to what is applied now.
func (s *Server) withSeq(c *gin.Context, res gin.H, seq uint64) gin.H {
	if s.replica != nil {
		res["seq"] = seq
		c.Writer.Header()[seqHeader] = []string{strconv.FormatUint(s.replica.Applied(), 10)}
	}
	return res
}

// replicaHeaders sets X-Wensou-Generation and, on a replica,
// X-Wensou-Seq (the last log write applied) on every response.
func (s *Server) replicaHeaders(c *gin.Context) {
	h := c.Writer.Header()
	if s.gen != nil {
		h[generationHeader] = []string{s.gen()}
	}
	if s.replica != nil {
		h[seqHeader] = []string{strconv.FormatUint(s.replica.Applied(), 10)}
	}
	c.Next()
}

// awaitMinSeq makes a search with min_seq=S wait up to minSeqWait for this
// replica to apply write S (read-your-writes across replicas); then 503
// lagging with Retry-After. Without a cluster every acknowledged write is
// already searchable, and min_seq is only checked to be a number.
func (s *Server) awaitMinSeq(c *gin.Context) {
	v := c.Query("min_seq")
	if v == "" {
		c.Next()
		return
	}
	seq, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		fail(c, fmt.Errorf("%w: min_seq %q", errBadNumber, v))
		return
	}
	if s.replica != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), minSeqWait)
		defer cancel()
		if err := s.replica.WaitApplied(ctx, seq); err != nil {
			c.Header("Retry-After", "1")
			fail(c, fmt.Errorf("%w (applied %d, min_seq %d)", errLagging, s.replica.Applied(), seq))
			return
		}
		c.Writer.Header()[seqHeader] = []string{strconv.FormatUint(s.replica.Applied(), 10)}
	}
	c.Next()
}

// shippedManifest handles GET /internal/generations/:gen/manifest.json.
func (s *Server) shippedManifest(c *gin.Context) { s.shipped(c, c.Param("gen"), indexer.ManifestFile) }

// shippedFile handles GET /internal/generations/:gen/files/:path, with
// Range requests (a peer resumes a cut download).
func (s *Server) shippedFile(c *gin.Context) { s.shipped(c, c.Param("gen"), c.Param("path")) }

func (s *Server) shipped(c *gin.Context, gen, file string) {
	if s.shipper == nil {
		fail(c, errNoCluster)
		return
	}
	f, err := s.shipper.ShipFile(gen, file)
	if err != nil {
		fail(c, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fail(c, err)
		return
	}
	if file != indexer.ManifestFile {
		c.Header("Content-Type", "application/octet-stream")
	}
	http.ServeContent(c.Writer, c.Request, file, st.ModTime(), f)
}

// clusterStatus handles GET /api/cluster (admin key).
func (s *Server) clusterStatus(c *gin.Context) {
	if s.replica == nil {
		fail(c, errNoCluster)
		return
	}
	st, err := s.replica.Status(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, st)
}
