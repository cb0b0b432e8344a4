package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// drain is what a graceful shutdown needs beyond http.Server.Shutdown,
// which waits for every connection it does not consider idle: a client
// that never finishes its request headers (kept for up to 5 s) or its
// body (up to ReadTimeout) would hold the shutdown past its timeout. At
// shutdown, drain closes the connections still waiting for their first
// request's headers and cuts the body reads still in progress (their
// handlers answer 400 at once); requests that have read their bodies run
// to the end undisturbed.
type drain struct {
	mu       sync.Mutex
	closing  bool
	conns    map[net.Conn]http.ConnState
	readings map[*bodyReader]struct{}
}

func newDrain() *drain {
	return &drain{conns: map[net.Conn]http.ConnState{}, readings: map[*bodyReader]struct{}{}}
}

// connState is the http.Server ConnState hook.
func (d *drain) connState(c net.Conn, st http.ConnState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if st == http.StateClosed || st == http.StateHijacked {
		delete(d.conns, c)
		return
	}
	d.conns[c] = st
}

// start begins the shutdown: connections that have not sent a whole
// request yet are closed, body reads in progress are cut. It returns how
// many of each.
func (d *drain) start() (conns, bodies int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closing = true
	for c, st := range d.conns {
		if st == http.StateNew {
			_ = c.Close() // an error only says it was closed already
			conns++
		}
	}
	for b := range d.readings {
		b.cut()
		bodies++
	}
	return conns, bodies
}

// active is the number of connections not yet closed.
func (d *drain) active() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.conns)
}

// bodyReader is a request body whose reading a shutdown can cut: it sets
// the connection's read deadline to now, so the pending Read fails at
// once. It unregisters itself at the end of the body (or the request).
type bodyReader struct {
	io.ReadCloser
	d    *drain
	rc   *http.ResponseController
	once sync.Once
}

// track wraps the request body of c (when there is one) for the drain
// and returns the function that unregisters it when the request ends.
func (d *drain) track(c *gin.Context) func() {
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		return func() {}
	}
	b := &bodyReader{ReadCloser: c.Request.Body, d: d, rc: http.NewResponseController(c.Writer)}
	d.mu.Lock()
	closing := d.closing
	if !closing {
		d.readings[b] = struct{}{}
	}
	d.mu.Unlock()
	if closing {
		b.cut()
	}
	c.Request.Body = b
	return b.done
}

// Read reads the body; at its end the reader is no longer cut by a
// shutdown (the server may then be reading the connection for the
// client's close, which a deadline would turn into a cancelled request).
func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.done()
	}
	return n, err
}

func (b *bodyReader) done() {
	b.once.Do(func() {
		b.d.mu.Lock()
		delete(b.d.readings, b)
		b.d.mu.Unlock()
	})
}

// cut makes the body's pending and later reads fail now. Called with d.mu
// held or before registration.
func (b *bodyReader) cut() {
	_ = b.rc.SetReadDeadline(time.Now()) // unsupported only for HTTP/2 and tests' recorders
}

// shutdown shuts srv down gracefully: it stops accepting, drains (see
// drain), lets requests in flight finish for up to ShutdownTimeout, then
// closes what is left, logged as a warning. Running out of time is not a
// failure of the shutdown: the server stopped as asked (a request cut off
// that way has an unknown outcome for its client, like any non-200).
func (s *Server) shutdown(srv *http.Server) error {
	srv.RegisterOnShutdown(func() {
		conns, bodies := s.drain.start()
		s.cfg.Logger.Debug("shutdown: draining", "unstarted_connections_closed", conns, "body_reads_cut", bodies)
	})
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.cfg.Logger.Warn("shutdown timeout: closing the connections still open", "connections", s.drain.active(), "timeout", s.cfg.ShutdownTimeout)
		err = srv.Close()
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
