package corpus

import "errors"

// Sentinel errors. Parsers wrap them with context (the source name); test
// with errors.Is. The indexer reports them as skip reasons.
var (
	// ErrEmpty: the input has neither a title nor body text.
	ErrEmpty = errors.New("empty document")
	// ErrBinary: the input is not text (NUL bytes, mostly control bytes).
	ErrBinary = errors.New("binary content")
	// ErrEncoding: the input's character encoding could not be decoded.
	ErrEncoding = errors.New("undecodable character encoding")
	// ErrUnsupported: ParseFile does not know the file's extension.
	ErrUnsupported = errors.New("unsupported file type")
	// ErrLineTooLong: a JSONL line is over the reader's MaxLine.
	ErrLineTooLong = errors.New("line too long")
	// ErrMalformed: a JSON document or a text's front matter could not be
	// decoded, or a document has invalid fields.
	ErrMalformed = errors.New("malformed document")
)
