// Package indexer writes bluge indexes and manages their lifecycle.
//
// It turns corpus documents into bluge documents (the schema and its field
// names live in schema.go), analyses them in parallel with the analyzers of
// the segment step and writes them in large batches, never one fsync per
// document; a full run folds them into segments it builds itself
// (iceseg.Accumulator, pipeline.go) instead of bluge batches. A body is
// analysed in its first MaxAnalyzedBytes and stored whole.
//
// Sources (Read, IndexSources) are files, directories, JSONL files and
// URLs. JSONL lines are decoded on one worker per CPU and sent in order
// (jsonl.go); an incremental run does not decode a line whose hash the
// served generation holds for a document of that file: it is sent Unread
// and the run keeps the indexed version (known.go), so an incremental run
// costs little more than the documents that changed.
//
// A data directory (Dir) holds versioned generations and a CURRENT pointer
// that is switched by an atomic rename only after the new generation was
// closed, reopened and counted; a failed or killed build never changes what
// is served, and the next build removes its leftovers. Readers hands out the
// served reader with reference counting, so a switch never fails or cuts a
// search in flight.
//
// The index is also the raw document store: every field needed to rebuild a
// corpus.Document is stored (LoadDocument), so a rebuild with a new analyzer
// or dictionary does not need the sources.
package indexer
