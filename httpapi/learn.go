package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/search"
)

// QueryLearner is the optional part of a Searcher that learns queries for
// suggestions and popular searches (search.Engine): the service tells it
// which client searched, so that a query is shown to visitors only once
// enough distinct clients searched it, and passes it the policy of
// Config.SuggestMinClients, Config.SuggestDeny and Config.Popular.Deny.
type QueryLearner interface {
	NoteClient(query, client string)
	SetQueryPolicy(search.QueryPolicy)
}

// initLearning finds the searcher's QueryLearner and gives it the policy.
func (s *Server) initLearning(searcher Searcher) {
	l, ok := searcher.(QueryLearner)
	if !ok {
		return
	}
	deny := append(append([]string(nil), s.cfg.SuggestDeny...), s.cfg.Popular.Deny...) // popular.deny applies to suggestions too
	l.SetQueryPolicy(search.QueryPolicy{MinClients: s.cfg.SuggestMinClients, Deny: deny})
	s.learner = l
}

// noteClient tells the learner that the request's client searched q (its
// rate-limit key: an IPv6 client counts once per /64).
func (s *Server) noteClient(c *gin.Context, q string) {
	if s.learner != nil && q != "" {
		s.learner.NoteClient(q, clientKey(c.ClientIP()))
	}
}
