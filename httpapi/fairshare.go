package httpapi

import (
	"context"
	"sync"
	"time"
)

// clientSlots bounds the query requests one client runs at once, so that
// one client flooding expensive queries holds at most its share of the
// MaxInFlight slots and the others keep theirs. A client is its
// rate-limit key (clientKey: the IP, an IPv6 /64); nobody is exempt, not
// even loopback: behind a reverse proxy on the same host, list the proxy
// in TrustedProxies so that visitors are told apart.
//
// The map holds only clients with requests running or waiting, so it is
// bounded by the connections the server has.
type clientSlots struct {
	per int // slots per client; <= 0: unbounded
	mu  sync.Mutex
	m   map[string]*clientSem
}

// clientSem is one client's slots and how many requests use them.
type clientSem struct {
	ch    chan struct{}
	users int
}

func newClientSlots(per int) *clientSlots {
	return &clientSlots{per: per, m: map[string]*clientSem{}}
}

// acquire takes one of key's slots, waiting up to wait (or until ctx
// ends). It returns the release function, or false when key still has all
// its slots busy.
func (cs *clientSlots) acquire(ctx context.Context, key string, wait time.Duration) (func(), bool) {
	if cs.per <= 0 {
		return func() {}, true
	}
	sem := cs.ref(key)
	select {
	case sem.ch <- struct{}{}:
		return func() { <-sem.ch; cs.unref(key, sem) }, true
	default:
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case sem.ch <- struct{}{}:
			return func() { <-sem.ch; cs.unref(key, sem) }, true
		case <-t.C:
		case <-ctx.Done():
		}
	}
	cs.unref(key, sem)
	return nil, false
}

func (cs *clientSlots) ref(key string) *clientSem {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	sem, ok := cs.m[key]
	if !ok {
		sem = &clientSem{ch: make(chan struct{}, cs.per)}
		cs.m[key] = sem
	}
	sem.users++
	return sem
}

func (cs *clientSlots) unref(key string, sem *clientSem) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if sem.users--; sem.users == 0 {
		delete(cs.m, key)
	}
}

// clients is how many clients have requests running or waiting.
func (cs *clientSlots) clients() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return len(cs.m)
}
