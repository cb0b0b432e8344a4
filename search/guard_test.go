package search

import (
	"errors"
	"testing"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/indexer"
)

// reportingReaders records damage reports.
type reportingReaders struct{ reports []error }

func (r *reportingReaders) Acquire() (*bluge.Reader, func(), error) {
	return nil, nil, errors.New("unused")
}
func (r *reportingReaders) ReportDamage(err error) { r.reports = append(r.reports, err) }

// TestGuard: a panic while decoding (damaged bytes) fails the call with
// an error wrapping indexer.ErrCorrupt, reported to readers that take
// reports; without a panic nothing is reported.
func TestGuard(t *testing.T) {
	rr := &reportingReaders{}
	e := &Engine{readers: rr}
	tests := []struct {
		name    string
		body    func()
		corrupt bool
	}{
		{"no panic", func() {}, false},
		{"index out of range", func() { _ = []int{}[len(rr.reports)+1] }, true},
		{"panic with a value", func() { panic("bad varint") }, true},
	}
	for _, tt := range tests {
		before := len(rr.reports)
		err := func() (err error) {
			defer e.guard("search", &err)
			tt.body()
			return nil
		}()
		if got := errors.Is(err, indexer.ErrCorrupt); got != tt.corrupt {
			t.Errorf("%s: err %v, want ErrCorrupt %v", tt.name, err, tt.corrupt)
		}
		if reported := len(rr.reports) > before; reported != tt.corrupt {
			t.Errorf("%s: reported %v, want %v", tt.name, reported, tt.corrupt)
		}
	}
}
