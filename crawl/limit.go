package crawl

import (
	"context"
	"sync"
	"time"
)

// hostLimit spaces the requests to one host by its interval and bounds
// those in flight.
type hostLimit struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
	slots    chan struct{}
}

func newHostLimit(rate float64, concurrency int) *hostLimit {
	h := &hostLimit{slots: make(chan struct{}, concurrency)}
	if rate > 0 {
		h.interval = time.Duration(float64(time.Second) / rate)
	}
	return h
}

// slowTo raises the interval to d (robots.txt Crawl-delay).
func (h *hostLimit) slowTo(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.interval = max(h.interval, d)
}

// acquire waits for a slot and the host's next turn; release frees the slot.
func (h *hostLimit) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	h.mu.Lock()
	now := time.Now()
	at := h.next
	if at.Before(now) {
		at = now
	}
	h.next = at.Add(h.interval)
	h.mu.Unlock()
	if wait := time.Until(at); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			h.release()
			return ctx.Err()
		}
	}
	return nil
}

func (h *hostLimit) release() { <-h.slots }
