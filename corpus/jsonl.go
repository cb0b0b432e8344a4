package corpus

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxLine is the longest JSONL line a JSONLReader accepts unless
// its MaxLine says otherwise.
const DefaultMaxLine = 10 << 20

// JSONLReader reads documents from JSON Lines, one JSONInput object a
// line, streaming: memory is bounded by MaxLine whatever the input size.
// Blank lines are skipped. A line that is too long or does not decode is
// reported by Next as a *LineError and reading continues with the next
// line.
type JSONLReader struct {
	// MaxLine is the longest line in bytes (without the newline); 0 means
	// DefaultMaxLine. Set it before the first Next.
	MaxLine int

	r    *bufio.Reader
	opt  Options
	line int
	buf  []byte
}

// LineError is a JSONL line that could not be read; Err wraps
// ErrLineTooLong, ErrMalformed or ErrEmpty.
type LineError struct {
	Source string
	Line   int // 1-based
	Err    error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("jsonl %s line %d: %v", e.Source, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// NewJSONLReader reads documents from r. opt.Source names the input in
// errors and is every document's Source; opt.Zone is the zone of dates.
// opt.ID and opt.URL are not used (each line has its own).
func NewJSONLReader(r io.Reader, opt Options) *JSONLReader {
	opt.ID, opt.URL = "", ""
	return &JSONLReader{r: bufio.NewReaderSize(r, 64<<10), opt: opt}
}

// Line is the number of the line Next last read.
func (j *JSONLReader) Line() int { return j.line }

// Next returns the next document, io.EOF at the end, a *LineError for a
// bad line (call Next again to go on), or the underlying read error.
// Hash is HashBytes of the line.
func (j *JSONLReader) Next() (Document, error) {
	line, err := j.nextLine()
	if err != nil {
		return Document{}, err
	}
	return j.Decode(line)
}

// A Line is one undecoded JSONL line: its number and its bytes, its own
// (they stay valid after the next NextLine).
type Line struct {
	N    int
	Text []byte
}

// NextLine returns the next line that is not blank, undecoded, with the
// errors of Next except the decoding ones: with Decode, lines can be
// decoded concurrently (in order again by N).
func (j *JSONLReader) NextLine() (Line, error) {
	line, err := j.nextLine()
	line.Text = bytes.Clone(line.Text)
	return line, err
}

// Decode decodes one line of NextLine as Next would have; a bad line is a
// *LineError. It is safe to call concurrently with other Decodes and with
// NextLine.
func (j *JSONLReader) Decode(l Line) (Document, error) {
	d, err := decodeJSON(l.Text, j.opt)
	if err != nil {
		return Document{}, &LineError{Source: j.opt.name(), Line: l.N, Err: err}
	}
	return d, nil
}

// nextLine reads up to the next line that is not blank, into j.buf.
func (j *JSONLReader) nextLine() (Line, error) {
	for {
		line, tooLong, err := j.readLine()
		if err != nil {
			return Line{}, err
		}
		if tooLong {
			return Line{}, j.lineErr(fmt.Errorf("%w: over %d bytes", ErrLineTooLong, j.maxLine()))
		}
		if j.line == 1 {
			line = bytes.TrimPrefix(line, []byte{0xEF, 0xBB, 0xBF})
		}
		if len(bytes.TrimSpace(line)) != 0 {
			return Line{N: j.line, Text: line}, nil
		}
	}
}

func (j *JSONLReader) lineErr(err error) error {
	return &LineError{Source: j.opt.name(), Line: j.line, Err: err}
}

func (j *JSONLReader) maxLine() int {
	if j.MaxLine > 0 {
		return j.MaxLine
	}
	return DefaultMaxLine
}

// readLine reads one line without its line ending into j.buf. A line over
// the limit is consumed to its end and reported as tooLong without being
// kept. io.EOF only when no bytes are left.
func (j *JSONLReader) readLine() (line []byte, tooLong bool, err error) {
	j.buf = j.buf[:0]
	n := 0
	for {
		chunk, err := j.r.ReadSlice('\n')
		n += len(chunk)
		if !tooLong && len(j.buf)+len(chunk) > j.maxLine()+2 {
			tooLong, j.buf = true, j.buf[:0]
		}
		if !tooLong {
			j.buf = append(j.buf, chunk...)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && n == 0:
			return nil, false, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return nil, false, fmt.Errorf("jsonl %s line %d: %w", j.opt.name(), j.line+1, err)
		}
		j.line++
		line = bytes.TrimSuffix(bytes.TrimSuffix(j.buf, []byte("\n")), []byte("\r"))
		if len(line) > j.maxLine() {
			return nil, true, nil
		}
		return line, tooLong, nil
	}
}
