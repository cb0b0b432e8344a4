package iceseg

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"slices"

	"github.com/blevesearch/vellum"
	"github.com/blugelabs/ice"
	"github.com/golang/snappy"
)

// The constants of the ice v1 format that New writes.
const (
	chunkMode          uint32 = 1025 // ice's chunkModeV1, the default of ice.New
	docsPerChunk              = 1024 // ice's maxDocsToScanSequentially
	docValueChunk             = 1024 // doc values keep ice's legacy chunk size
	footerLen                 = 4 + 4 + 4 + 8 + 8 + 8 + 8
	termSeparator             = 0xff // ends each term of a document's doc values
	fieldNotUninverted uint64 = math.MaxUint64
)

// encoder writes a segment's bytes: the stored values while documents
// are added, then the fields' postings, dictionaries and doc values, the
// fields index and the footer. Its buffers are reused across batches.
type encoder struct {
	out           []byte // the segment; a new one per batch (the segment keeps it)
	storedOffsets []uint64
	sizeHint      int // bytes of the last segment

	meta, raw, snap []byte

	order        []int32 // term numbers in term order
	key          []byte
	docs         []uint32 // one term's documents
	tf, loc      chunks
	dvTerms      [][]byte // per document: its terms of the current doc-values field
	dvChunk      []byte
	dvMeta       []uint64
	dvLens       []uint64
	dvStart      []uint64
	dvEnd        []uint64
	dictOffsets  []uint64
	vellumBuf    bytes.Buffer
	vellum       *vellum.Builder
	numDocs      int
	fieldOffsets []uint64
}

func (e *encoder) start(numDocs int) {
	e.numDocs = numDocs
	e.out = make([]byte, 0, max(e.sizeHint+e.sizeHint/8, 1<<16))
	e.storedOffsets = e.storedOffsets[:0]
}

// release drops the references to the documents' bytes and the segment.
func (e *encoder) release() {
	e.out = nil
}

// storeDocument writes the next document's stored values (sorted by
// field number) as ice does: a uvarint meta length and compressed
// length, the meta (field, offset, length of each value) and the values,
// snappy compressed.
func (e *encoder) storeDocument(vals []storedValue) {
	e.meta, e.raw = e.meta[:0], e.raw[:0]
	for _, v := range vals {
		e.meta = binary.AppendUvarint(e.meta, uint64(v.field))
		e.meta = binary.AppendUvarint(e.meta, uint64(len(e.raw)))
		e.meta = binary.AppendUvarint(e.meta, uint64(len(v.value)))
		e.raw = append(e.raw, v.value...)
	}
	e.snap = snappy.Encode(e.snap[:cap(e.snap)], e.raw)
	e.storedOffsets = append(e.storedOffsets, uint64(len(e.out)))
	e.out = binary.AppendUvarint(e.out, uint64(len(e.meta)))
	e.out = binary.AppendUvarint(e.out, uint64(len(e.snap)))
	e.out = append(e.out, e.meta...)
	e.out = append(e.out, e.snap...)
}

// finish writes everything after the stored values and returns the
// segment's bytes, footer included.
func (e *encoder) finish(fields []*field) ([]byte, error) {
	storedIndex := uint64(len(e.out))
	for _, off := range e.storedOffsets {
		e.out = binary.BigEndian.AppendUint64(e.out, off)
	}
	if err := e.writeFields(fields); err != nil {
		return nil, err
	}
	docValueIndex := uint64(len(e.out))
	for i := range fields {
		e.out = binary.AppendUvarint(e.out, e.dvStart[i])
		e.out = binary.AppendUvarint(e.out, e.dvEnd[i])
	}
	fieldsIndex := e.writeFieldsIndex(fields)
	crc := crc32.ChecksumIEEE(e.out)
	e.out = binary.BigEndian.AppendUint64(e.out, uint64(e.numDocs))
	e.out = binary.BigEndian.AppendUint64(e.out, storedIndex)
	e.out = binary.BigEndian.AppendUint64(e.out, fieldsIndex)
	e.out = binary.BigEndian.AppendUint64(e.out, docValueIndex)
	e.out = binary.BigEndian.AppendUint32(e.out, chunkMode)
	e.out = binary.BigEndian.AppendUint32(e.out, ice.Version)
	e.out = binary.BigEndian.AppendUint32(e.out, crc)
	out := e.out
	e.sizeHint = len(out)
	e.out = nil
	return out, nil
}

// writeFields writes each field's postings, dictionary and doc values.
func (e *encoder) writeFields(fields []*field) error {
	n := len(fields)
	e.dictOffsets = grow(e.dictOffsets, n)
	e.dvStart, e.dvEnd = grow(e.dvStart, n), grow(e.dvEnd, n)
	if e.vellum == nil {
		v, err := vellum.New(&e.vellumBuf, nil)
		if err != nil {
			return fmt.Errorf("iceseg: vellum: %w", err)
		}
		e.vellum = v
	}
	for i, f := range fields {
		if err := e.writeField(i, f); err != nil {
			return fmt.Errorf("iceseg: field %s: %w", f.name, err)
		}
	}
	return nil
}

func (e *encoder) writeField(id int, f *field) error {
	if f.docValue {
		e.dvTerms = growTerms(e.dvTerms, e.numDocs)
	}
	e.order = e.order[:0]
	for t := range f.terms.Len() {
		e.order = append(e.order, int32(t))
	}
	slices.SortFunc(e.order, func(a, b int32) int { return bytes.Compare(f.terms.at(a), f.terms.at(b)) })
	for _, t := range e.order {
		off := e.writePostings(id, f, t)
		e.key = append(e.key[:0], f.terms.at(t)...)
		if err := e.vellum.Insert(e.key, off); err != nil {
			return fmt.Errorf("dictionary: %w", err)
		}
	}
	if err := e.vellum.Close(); err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	e.dictOffsets[id] = uint64(len(e.out))
	e.out = binary.AppendUvarint(e.out, uint64(e.vellumBuf.Len()))
	e.out = append(e.out, e.vellumBuf.Bytes()...)
	e.vellumBuf.Reset()
	if err := e.vellum.Reset(&e.vellumBuf); err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	if f.docValue {
		e.writeDocValues(id)
	} else {
		e.dvStart[id], e.dvEnd[id] = fieldNotUninverted, fieldNotUninverted
	}
	return nil
}

// writePostings writes term t's frequencies and norms, its locations and
// its roaring bitmap of documents, and returns the offset the dictionary
// maps the term to.
func (e *encoder) writePostings(field int, f *field, t int32) uint64 {
	card := uint64(f.count[t])
	chunkSize := uint64(e.numDocs) / (card/docsPerChunk + 1)
	numChunks := int(uint64(e.numDocs-1)/chunkSize + 1)
	e.tf.reset(numChunks)
	e.loc.reset(numChunks)
	e.docs = e.docs[:0]
	term := f.terms.at(t)
	for p := f.head[t]; p >= 0; p = f.posts.at(p).next {
		post := f.posts.at(p)
		chunk := int(uint64(post.doc) / chunkSize)
		freq := uint64(post.freq) << 1
		if post.nlocs > 0 {
			freq |= 1
		}
		e.tf.add(chunk, freq, uint64(math.Float32bits(post.norm)))
		if post.nlocs > 0 {
			e.addLocations(chunk, uint64(field), f.locs[post.loc0:post.loc0+post.nlocs])
		}
		e.docs = append(e.docs, post.doc)
		if f.docValue {
			e.dvTerms[post.doc] = append(append(e.dvTerms[post.doc], term...), termSeparator)
		}
	}
	tfOffset := uint64(len(e.out))
	e.out = e.tf.appendTo(e.out)
	var locOffset uint64
	if len(e.loc.data) > 0 {
		locOffset = uint64(len(e.out))
		e.out = e.loc.appendTo(e.out)
	}
	offset := uint64(len(e.out))
	e.out = binary.AppendUvarint(e.out, tfOffset)
	e.out = binary.AppendUvarint(e.out, locOffset)
	e.out = appendRoaring(e.out, e.docs)
	return offset
}

// addLocations adds one posting's locations: their encoded length, then
// field, position, start and end of each.
func (e *encoder) addLocations(chunk int, field uint64, locs []location) {
	n := 0
	for _, l := range locs {
		n += uvarintLen(field) + uvarintLen(uint64(l.pos)) + uvarintLen(uint64(l.start)) + uvarintLen(uint64(l.end))
	}
	e.loc.add1(chunk, uint64(n))
	for _, l := range locs {
		e.loc.add(chunk, field, uint64(l.pos))
		e.loc.add(chunk, uint64(l.start), uint64(l.end))
	}
}

// writeDocValues writes the doc values of field id (each document's
// terms, in term order, each ended by termSeparator) as ice's content
// coder does: chunks of 1,024 documents, each its documents' numbers and
// end offsets then its snappy-compressed terms, then the chunks' end
// offsets, their length and their number.
func (e *encoder) writeDocValues(id int) {
	numChunks := (e.numDocs-1)/docValueChunk + 1
	e.dvLens = grow(e.dvLens, numChunks)
	clear(e.dvLens)
	start := len(e.out)
	cur := 0
	e.dvChunk, e.dvMeta = e.dvChunk[:0], e.dvMeta[:0]
	for d, terms := range e.dvTerms[:e.numDocs] {
		if len(terms) == 0 {
			continue
		}
		if c := d / docValueChunk; c != cur {
			e.flushDocValues(cur)
			cur = c
		}
		e.dvChunk = append(e.dvChunk, terms...)
		e.dvMeta = append(e.dvMeta, uint64(d), uint64(len(e.dvChunk)))
		e.dvTerms[d] = terms[:0]
	}
	e.flushDocValues(cur)
	offsets := len(e.out)
	var end uint64
	for _, n := range e.dvLens {
		end += n
		e.out = binary.AppendUvarint(e.out, end)
	}
	e.out = binary.BigEndian.AppendUint64(e.out, uint64(len(e.out)-offsets))
	e.out = binary.BigEndian.AppendUint64(e.out, uint64(numChunks))
	e.dvStart[id], e.dvEnd[id] = uint64(start), uint64(len(e.out))
}

func (e *encoder) flushDocValues(chunk int) {
	before := len(e.out)
	e.out = binary.AppendUvarint(e.out, uint64(len(e.dvMeta)/2))
	for _, v := range e.dvMeta {
		e.out = binary.AppendUvarint(e.out, v)
	}
	e.snap = snappy.Encode(e.snap[:cap(e.snap)], e.dvChunk)
	e.out = append(e.out, e.snap...)
	e.dvLens[chunk] = uint64(len(e.out) - before)
	e.dvChunk, e.dvMeta = e.dvChunk[:0], e.dvMeta[:0]
}

// writeFieldsIndex writes each field's dictionary offset, name, document
// count and token count, then the offsets of those entries.
func (e *encoder) writeFieldsIndex(fields []*field) uint64 {
	e.fieldOffsets = e.fieldOffsets[:0]
	for i, f := range fields {
		e.fieldOffsets = append(e.fieldOffsets, uint64(len(e.out)))
		e.out = binary.AppendUvarint(e.out, e.dictOffsets[i])
		e.out = binary.AppendUvarint(e.out, uint64(len(f.name)))
		e.out = append(e.out, f.name...)
		e.out = binary.AppendUvarint(e.out, f.docs)
		e.out = binary.AppendUvarint(e.out, f.tokens)
	}
	index := uint64(len(e.out))
	for _, off := range e.fieldOffsets {
		e.out = binary.BigEndian.AppendUint64(e.out, off)
	}
	return index
}

// chunks is ice's chunked int coder: uvarints grouped by chunk, written
// as the number of chunks, each chunk's end offset, then the data.
type chunks struct {
	lens []uint64
	data []byte
}

func (c *chunks) reset(n int) {
	c.lens = grow(c.lens, n)
	clear(c.lens)
	c.data = c.data[:0]
}

func (c *chunks) add1(chunk int, v uint64) {
	n := len(c.data)
	c.data = binary.AppendUvarint(c.data, v)
	c.lens[chunk] += uint64(len(c.data) - n)
}

func (c *chunks) add(chunk int, a, b uint64) {
	n := len(c.data)
	c.data = binary.AppendUvarint(c.data, a)
	c.data = binary.AppendUvarint(c.data, b)
	c.lens[chunk] += uint64(len(c.data) - n)
}

func (c *chunks) appendTo(out []byte) []byte {
	out = binary.AppendUvarint(out, uint64(len(c.lens)))
	var end uint64
	for _, n := range c.lens {
		end += n
		out = binary.AppendUvarint(out, end)
	}
	return append(out, c.data...)
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// grow returns s with length n (its contents undefined).
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// growTerms returns s with length n, every element empty.
func growTerms(s [][]byte, n int) [][]byte {
	if cap(s) < n {
		s = append(s[:cap(s)], make([][]byte, n-cap(s))...)
	}
	s = s[:n]
	for i := range s {
		s[i] = s[i][:0]
	}
	return s
}
