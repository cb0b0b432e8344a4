package iceseg

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	segapi "github.com/blugelabs/bluge_segment_api"
	"github.com/blugelabs/ice"
)

// An Accumulator builds one segment from documents added one at a time,
// so that a full run need not hold a batch of analysed documents, build a
// segment per batch and merge them all again: each document's terms go
// into the accumulator's term tables as it arrives (the analysed document
// can then be dropped) and its stored values are copied. Segment encodes
// the whole as Build would encode the same documents as one batch: the
// same bytes.
//
// An Accumulator is not safe for concurrent use.
type Accumulator struct {
	s      *state
	docs   int
	arena  []byte  // every stored value, copied
	vals   []value // the stored values, document after document
	starts []int   // document d's values: vals[starts[d]:starts[d+1]]
}

// value is one stored value in an Accumulator's arena.
type value struct {
	field    int // the accumulator's field number (by first appearance)
	off, len int
}

// ErrNotIdentical means a document holds what Build leaves to ice.New (a
// location naming another field, or a negative position): an Accumulator
// cannot take it.
var ErrNotIdentical = errors.New("iceseg: a document the accumulator cannot build as ice.New would")

// NewAccumulator returns an empty Accumulator building with normCalc.
func NewAccumulator(normCalc func(string, int) float32) *Accumulator {
	s := newState()
	s.normCalc = normCalc
	return &Accumulator{s: s, starts: []int{0}}
}

// Len is the number of documents added.
func (a *Accumulator) Len() int { return a.docs }

// Size estimates the accumulator's memory in bytes.
func (a *Accumulator) Size() int {
	n := cap(a.arena) + cap(a.vals)*24 + cap(a.starts)*8
	for _, f := range a.s.fields {
		n += f.posts.capacity()*24 + cap(f.locs)*12 + cap(f.head)*12 + f.terms.size()
	}
	return n
}

// Add adds doc, analysed. After an error the Accumulator is unusable.
func (a *Accumulator) Add(doc segapi.Document) error {
	s := a.s
	doc.EachField(a.define)
	s.addDocument(a.docs, doc)
	if s.other {
		return ErrNotIdentical
	}
	for _, v := range s.stored {
		a.vals = append(a.vals, value{field: v.field, off: len(a.arena), len: len(v.value)})
		a.arena = append(a.arena, v.value...)
	}
	clear(s.stored)
	a.docs++
	a.starts = append(a.starts, len(a.vals))
	return nil
}

// define numbers a field the accumulator has not seen yet.
func (a *Accumulator) define(sf segapi.Field) {
	s := a.s
	name := sf.Name()
	if _, ok := s.byName[name]; ok {
		return
	}
	f := &field{name: name}
	f.reset()
	s.byName[name] = len(s.fields)
	s.fields = append(s.fields, f)
}

// Segment encodes the accumulated documents as one segment and returns it
// as a document standing for it (see Prebuilt). The Accumulator is spent.
func (a *Accumulator) Segment() (*Prebuilt, error) {
	s := a.s
	if a.docs == 0 {
		return nil, errors.New("iceseg: an empty accumulator")
	}
	if _, ok := s.byName[idField]; !ok {
		f := &field{name: idField}
		f.reset()
		s.byName[idField] = len(s.fields)
		s.fields = append(s.fields, f)
	}
	final := slices.Clone(s.fields)
	slices.SortFunc(final, func(x, y *field) int {
		switch {
		case x.name == idField:
			return -1
		case y.name == idField:
			return 1
		}
		return strings.Compare(x.name, y.name)
	})
	number := make(map[*field]int, len(final))
	for i, f := range final {
		number[f] = i
	}
	s.numDocs = a.docs
	s.enc.sizeHint = len(a.arena) + a.Size()/4
	s.enc.start(a.docs)
	var vals []storedValue
	for d := range a.docs {
		vals = vals[:0]
		for _, v := range a.vals[a.starts[d]:a.starts[d+1]] {
			vals = append(vals, storedValue{field: number[s.fields[v.field]], value: a.arena[v.off : v.off+v.len]})
		}
		slices.SortStableFunc(vals, func(x, y storedValue) int { return x.field - y.field })
		s.enc.storeDocument(vals)
	}
	a.arena, a.vals, a.starts = nil, nil, nil
	data, err := s.enc.finish(final)
	a.s = nil
	if err != nil {
		return nil, err
	}
	return &Prebuilt{data: data, docs: uint64(a.docs)}, nil
}

// Prebuilt is a document that stands for a whole segment an Accumulator
// built: a bluge batch holding only it makes Builder.New load that
// segment instead of building one.
type Prebuilt struct {
	data []byte
	docs uint64
}

// Analyze does nothing: the documents it stands for were analysed.
func (*Prebuilt) Analyze() {}

// EachField visits nothing.
func (*Prebuilt) EachField(segapi.VisitField) {}

// Documents is the number of documents in the segment.
func (p *Prebuilt) Documents() uint64 { return p.docs }

func (p *Prebuilt) load() (segapi.Segment, uint64, error) {
	seg, err := ice.Load(segapi.NewDataBytes(p.data))
	if err != nil {
		return nil, 0, fmt.Errorf("iceseg: load the accumulated segment: %w", err)
	}
	return seg, uint64(len(p.data) - footerLen), nil
}
