package iceseg

import (
	"fmt"
	"math"
	"slices"
	"sync"

	segapi "github.com/blugelabs/bluge_segment_api"
	"github.com/blugelabs/ice"
)

// idField is bluge's identifier field, ice's field 0 in every segment.
const idField = "_id"

// Builder builds ice v1 segments. Its New is safe for concurrent use
// (each call takes a working state of its own from the Builder's pool).
type Builder struct {
	states sync.Pool // *state, reused across batches
}

// NewBuilder returns a Builder.
func NewBuilder() *Builder { return &Builder{} }

// New builds the segment of docs, analysed, with the norms of normCalc:
// the signature of a bluge SegmentPlugin's New. The segment persists as
// the bytes ice.New's would; the second result is the size of its data
// (without the footer), as ice.New reports it.
func (b *Builder) New(docs []segapi.Document, normCalc func(string, int) float32) (segapi.Segment, uint64, error) {
	if len(docs) == 1 {
		if p, ok := docs[0].(*Prebuilt); ok {
			return p.load()
		}
	}
	data, ok, err := b.Build(docs, normCalc)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return ice.New(docs, normCalc)
	}
	seg, err := ice.Load(segapi.NewDataBytes(data))
	if err != nil {
		return nil, 0, fmt.Errorf("iceseg: load the built segment: %w", err)
	}
	return seg, uint64(len(data) - footerLen), nil
}

// Build returns the bytes of the segment of docs: its data and a footer
// whose CRC field holds the CRC of the data, as an in-memory segment of
// ice.New holds it (ice's WriteTo chains the CRC over the footer when it
// persists the segment). ok is false for documents Build does not handle
// identically to ice.New (see the package documentation); the caller
// builds those with ice.New.
func (b *Builder) Build(docs []segapi.Document, normCalc func(string, int) float32) (data []byte, ok bool, err error) {
	if len(docs) == 0 || len(docs) > math.MaxInt32 {
		return nil, false, nil
	}
	s, _ := b.states.Get().(*state)
	if s == nil {
		s = newState()
	}
	data, ok, err = s.build(docs, normCalc)
	s.release()
	b.states.Put(s)
	return data, ok, err
}

// state is the working memory of one build, kept for the next.
type state struct {
	normCalc func(string, int) float32
	numDocs  int

	cache  map[string]*field // every field seen by this state, by name
	byName map[string]int    // this batch's fields: name -> field number
	fields []*field          // this batch's fields in ice's order

	// the document being added
	doc     int
	cur     *field
	touched []*field
	stored  []storedValue

	visitField func(segapi.Field)
	visitTerm  func(segapi.FieldTerm)
	visitLoc   func(segapi.Location)
	other      bool // a location named another field: leave the batch to ice.New

	enc encoder
}

// field is one field's postings while a batch is added.
type field struct {
	name     string
	docValue bool   // some document asked for doc values
	docs     uint64 // documents holding the field
	tokens   uint64 // their analysed lengths, summed
	lastDoc  int    // the last document counted in docs

	terms termTable
	head  []int32 // term number -> its first posting
	tail  []int32 // and its last
	count []int32 // and its number of postings

	posts postStore
	locs  []location

	docStart int // first posting of the current document
	docLen   int // analysed length of the field in the current document
}

// posting is one term in one document; postings of a term are linked in
// document order through next.
type posting struct {
	doc   uint32
	freq  uint32
	norm  float32
	loc0  uint32 // first location in field.locs
	nlocs uint32
	next  int32
}

type location struct{ pos, start, end uint32 }

// postBlockShift sets the size of a postStore block: 1<<14 postings, 384 KiB.
const postBlockShift = 14

// postStore is a field's postings in fixed blocks, so that adding one never
// copies those before it: a doubling slice of an accumulator's postings
// (hundreds of MB) was copied and cleared each time it grew, 9% of a full
// run in memmove alone (docs/BENCHMARKS.md, session 14). Blocks are kept
// across resets.
type postStore struct {
	blocks [][]posting
	n      int
}

func (s *postStore) len() int { return s.n }

// at returns posting i.
func (s *postStore) at(i int32) *posting {
	return &s.blocks[i>>postBlockShift][i&(1<<postBlockShift-1)]
}

// add appends p and returns its number.
func (s *postStore) add(p posting) int32 {
	b := s.n >> postBlockShift
	if b == len(s.blocks) {
		s.blocks = append(s.blocks, make([]posting, 1<<postBlockShift))
	}
	s.blocks[b][s.n&(1<<postBlockShift-1)] = p
	s.n++
	return int32(s.n - 1)
}

func (s *postStore) reset() { s.n = 0 }

// capacity is how many postings the blocks hold.
func (s *postStore) capacity() int { return len(s.blocks) << postBlockShift }

type storedValue struct {
	field int
	value []byte
}

func newState() *state {
	s := &state{cache: map[string]*field{}, byName: map[string]int{}}
	s.visitField = s.addField
	s.visitTerm = s.addTerm
	s.visitLoc = s.addLocation
	return s
}

// release drops what the state must not keep alive: the documents' bytes
// and the caller's norm function.
func (s *state) release() {
	s.normCalc = nil
	s.cur = nil
	clear(s.stored)
	s.stored = s.stored[:0]
	clear(s.touched)
	s.touched = s.touched[:0]
	s.enc.release()
}

func (s *state) build(docs []segapi.Document, normCalc func(string, int) float32) ([]byte, bool, error) {
	s.normCalc, s.numDocs, s.other = normCalc, len(docs), false
	s.defineFields(docs)
	s.enc.start(s.numDocs)
	for d, doc := range docs {
		s.addDocument(d, doc)
		if s.other {
			return nil, false, nil
		}
		s.enc.storeDocument(s.stored)
	}
	data, err := s.enc.finish(s.fields)
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// defineFields numbers the batch's fields as ice does: _id first, then
// by name.
func (s *state) defineFields(docs []segapi.Document) {
	clear(s.byName)
	names := []string{idField}
	s.byName[idField] = 0
	for _, doc := range docs {
		doc.EachField(func(f segapi.Field) {
			if _, ok := s.byName[f.Name()]; !ok {
				s.byName[f.Name()] = len(names)
				names = append(names, f.Name())
			}
		})
	}
	slices.Sort(names[1:])
	s.fields = s.fields[:0]
	for i, name := range names {
		s.byName[name] = i
		f := s.cache[name]
		if f == nil {
			f = &field{name: name}
			s.cache[name] = f
		}
		f.reset()
		s.fields = append(s.fields, f)
	}
}

func (f *field) reset() {
	f.docValue, f.docs, f.tokens, f.lastDoc = false, 0, 0, -1
	f.terms.reset()
	f.head, f.tail, f.count = f.head[:0], f.tail[:0], f.count[:0]
	f.posts.reset()
	f.locs = f.locs[:0]
}

// addDocument adds document d's terms and leaves its stored values, by
// field number, in s.stored.
func (s *state) addDocument(d int, doc segapi.Document) {
	s.doc = d
	s.touched = s.touched[:0]
	s.stored = s.stored[:0]
	doc.EachField(s.visitField)
	for _, f := range s.touched {
		norm := s.normCalc(f.name, f.docLen)
		for i := f.docStart; i < f.posts.len(); i++ {
			f.posts.at(int32(i)).norm = norm
		}
	}
	// ice writes a document's stored values by field number, each field's
	// in the order the document gives them
	slices.SortStableFunc(s.stored, func(a, b storedValue) int { return a.field - b.field })
}

func (s *state) addField(sf segapi.Field) {
	n := s.byName[sf.Name()]
	f := s.fields[n]
	if f.lastDoc != s.doc {
		f.lastDoc, f.docStart, f.docLen = s.doc, f.posts.len(), 0
		f.docs++
		s.touched = append(s.touched, f)
	}
	f.tokens += uint64(sf.Length())
	f.docLen += sf.Length()
	if sf.Store() {
		s.stored = append(s.stored, storedValue{field: n, value: sf.Value()})
	}
	if sf.IndexDocValues() {
		f.docValue = true
	}
	s.cur = f
	sf.EachTerm(s.visitTerm)
}

func (s *state) addTerm(t segapi.FieldTerm) {
	f := s.cur
	term := t.Term()
	id, added := f.terms.number(term)
	if added {
		f.head = append(f.head, -1)
		f.tail = append(f.tail, -1)
		f.count = append(f.count, 0)
	}
	if last := f.tail[id]; last >= 0 && int(last) >= f.docStart {
		s.addAgain(f, last, t) // another value of the same field in this document
		return
	}
	loc0 := len(f.locs)
	t.EachLocation(s.visitLoc)
	p := f.posts.add(posting{
		doc: uint32(s.doc), freq: uint32(t.Frequency()),
		loc0: uint32(loc0), nlocs: uint32(len(f.locs) - loc0), next: -1,
	})
	if last := f.tail[id]; last >= 0 {
		f.posts.at(last).next = p
	} else {
		f.head[id] = p
	}
	f.tail[id] = p
	f.count[id]++
}

// addAgain adds term t of another value of a field to the document's
// posting p of that term: frequencies add up, locations follow the
// earlier value's (moved to the end of the field's locations first if
// other terms' came after them).
func (s *state) addAgain(f *field, p int32, t segapi.FieldTerm) {
	post := f.posts.at(p)
	if end := int(post.loc0 + post.nlocs); end != len(f.locs) {
		moved := len(f.locs)
		f.locs = append(f.locs, f.locs[post.loc0:end]...)
		post.loc0 = uint32(moved)
	}
	t.EachLocation(s.visitLoc)
	post = f.posts.at(p)
	post.nlocs = uint32(len(f.locs)) - post.loc0
	post.freq += uint32(t.Frequency())
}

func (s *state) addLocation(l segapi.Location) {
	if name := l.Field(); name != "" && name != s.cur.name {
		s.other = true
	}
	pos, start, end := l.Pos(), l.Start(), l.End()
	if pos < 0 || start < 0 || end < 0 || pos > math.MaxUint32 || start > math.MaxUint32 || end > math.MaxUint32 {
		s.other = true
		return
	}
	s.cur.locs = append(s.cur.locs, location{pos: uint32(pos), start: uint32(start), end: uint32(end)})
}
