package indexer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"

	"github.com/klauspost/compress/s2"
)

// A body longer than BlockedBody bytes is stored as FieldBodyBlocks in
// place of FieldBody: the text cut into blocks of about bodyBlock bytes
// (at character boundaries, after a line end where one is near), each
// compressed on its own, behind an index of their lengths. bluge
// compresses a document's stored fields as one unit, so reading a 300 KB
// man page for a 120-character snippet used to decompress all of it; with
// blocks, a snippet decompresses only the few blocks around its matches
// (bluge's own pass over the already compressed bytes is a copy).
//
// Layout: version byte 1, uvarint block count, then per block uvarint raw
// length and uvarint compressed length, then the compressed blocks (s2's
// block format) in order.
const (
	BlockedBody  = 8 << 10
	bodyBlock    = 4 << 10
	blockVersion = 1
	maxBlock     = 1 << 20 // what ParseBlocks accepts for one block
)

// EncodeBlocks returns the FieldBodyBlocks value of body.
func EncodeBlocks(body string) []byte {
	var cuts []int
	for at := 0; at < len(body); {
		end := blockEnd(body, at)
		cuts = append(cuts, end)
		at = end
	}
	head := binary.AppendUvarint([]byte{blockVersion}, uint64(len(cuts)))
	var payload []byte
	start := 0
	for _, end := range cuts {
		enc := s2.Encode(nil, []byte(body[start:end]))
		head = binary.AppendUvarint(head, uint64(end-start))
		head = binary.AppendUvarint(head, uint64(len(enc)))
		payload = append(payload, enc...)
		start = end
	}
	return append(head, payload...)
}

// blockEnd returns where the block starting at at ends: bodyBlock bytes on,
// moved back to just after a line end within the last quarter, else to a
// character boundary.
func blockEnd(body string, at int) int {
	end := at + bodyBlock
	if end >= len(body) {
		return len(body)
	}
	for i := end; i > end-bodyBlock/4; i-- {
		if body[i-1] == '\n' {
			return i
		}
	}
	for end > at+1 && !utf8.RuneStart(body[end]) {
		end--
	}
	return end
}

// Blocks is a parsed FieldBodyBlocks value; it reads the value in place.
type Blocks struct {
	data     []byte // the compressed blocks
	raw, off []int  // raw start of block i (raw[n] = total), compressed start (off[n] = len(data))
}

var errBlocks = errors.New("corrupt body blocks")

// ParseBlocks reads the index of a FieldBodyBlocks value; value must
// outlive the Blocks.
func ParseBlocks(value []byte) (Blocks, error) {
	if len(value) == 0 || value[0] != blockVersion {
		return Blocks{}, fmt.Errorf("%w: version", errBlocks)
	}
	p := value[1:]
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)) {
		return Blocks{}, fmt.Errorf("%w: block count", errBlocks)
	}
	p = p[k:]
	b := Blocks{raw: make([]int, n+1), off: make([]int, n+1)}
	for i := range int(n) {
		rl, k1 := binary.Uvarint(p)
		if k1 <= 0 {
			return Blocks{}, fmt.Errorf("%w: block %d", errBlocks, i)
		}
		cl, k2 := binary.Uvarint(p[k1:])
		if k2 <= 0 || rl > maxBlock || cl > uint64(len(value)) {
			return Blocks{}, fmt.Errorf("%w: block %d", errBlocks, i)
		}
		p = p[k1+k2:]
		b.raw[i+1], b.off[i+1] = b.raw[i]+int(rl), b.off[i]+int(cl)
	}
	if b.off[n] != len(p) {
		return Blocks{}, fmt.Errorf("%w: %d bytes of blocks, index says %d", errBlocks, len(p), b.off[n])
	}
	for i := range int(n) {
		if dl, err := s2.DecodedLen(p[b.off[i]:b.off[i+1]]); err != nil || dl != b.raw[i+1]-b.raw[i] {
			return Blocks{}, fmt.Errorf("%w: block %d length", errBlocks, i)
		}
	}
	b.data = p
	return b, nil
}

// Len is the length of the whole body in bytes.
func (b Blocks) Len() int { return b.raw[len(b.raw)-1] }

// Text decompresses the blocks covering body[from:to] and returns their
// text and the body offset it starts at.
func (b Blocks) Text(from, to int) (string, int, error) {
	if len(b.raw) < 2 {
		return "", 0, nil
	}
	first, last := b.Block(from), b.Block(max(to-1, from))
	out := make([]byte, 0, b.raw[last+1]-b.raw[first])
	for i := first; i <= last; i++ {
		dec, err := s2.Decode(out[len(out):cap(out)], b.data[b.off[i]:b.off[i+1]])
		if err != nil || len(dec) != b.raw[i+1]-b.raw[i] {
			return "", 0, fmt.Errorf("%w: block %d: %v", errBlocks, i, err)
		}
		out = out[:len(out)+len(dec)]
	}
	return unsafe.String(unsafe.SliceData(out), len(out)), b.raw[first], nil // out is never written again
}

// Block returns the index of the block holding body offset at, clamped to
// the blocks.
func (b Blocks) Block(at int) int {
	lo, hi := 0, len(b.raw)-2
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if b.raw[mid] <= at {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return max(lo, 0)
}

// Span returns the body range [start, end) of blocks first..last.
func (b Blocks) Span(first, last int) (int, int) {
	n := len(b.raw) - 2
	first, last = max(0, min(first, n)), max(0, min(last, n))
	return b.raw[first], b.raw[last+1]
}
