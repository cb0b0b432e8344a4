// Package iceseg builds bluge segments in the ice v1 file format (the
// format bluge v0.2.2's index.DefaultConfig writes and reads) without
// ice.New's per-token maps and per-term allocations.
//
// A Builder's New has the signature of a bluge SegmentPlugin's New: it
// takes the analysed documents of one batch and returns an *ice.Segment
// (loaded with ice.Load from the bytes it wrote), so the rest of bluge
// (searching, persisting, merging) uses it unchanged. The bytes it
// persists are identical to those of ice.New for the same documents:
// fields in ice's order (_id first, then by name), stored values snappy
// compressed per document, per field the postings of each term in byte
// order (freq/norm and location chunks sized as ice's chunk mode 1025,
// roaring bitmaps in the portable format), the term dictionary as a
// vellum FST, doc values in chunks of 1,024 documents, the fields index
// and the footer.
//
// Where ice.New walks every token through maps (a string and a map
// lookup per token, a map per field per document, a heap location per
// token, a roaring Add per term and document), the Builder keeps one
// term table per field across the batch, appends each term's postings
// to flat arrays linked per term, and serialises them once, in sorted
// term order, into reused buffers. Its working state is reused from one
// batch to the next.
//
// Documents the Builder does not handle identically (none, or a token
// location naming another field, as bluge's composite fields do) are
// built by ice.New.
package iceseg
