package segment

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"
)

// lexMagic starts a lexicon file; the last byte is the format version.
const lexMagic = "WSLEX\x00\x00\x02"

// lexHeader follows the magic: the element count of every section and the
// SHA-256 of the sections (what names a build from this file, see lexKey).
type lexHeader struct {
	Words, Nodes, Subs, Text uint32
	Digest                   [32]byte
}

// The file is the magic, the header, then the sections nodes, dist, freq,
// subIdx, subs, txtIdx and text, each little-endian and starting on a
// multiple of 8 bytes, so that a lexicon can view them in place.

// marshal encodes l as a lexicon file.
func (l *lexicon) marshal() []byte {
	var body bytes.Buffer
	body.Grow(len(l.nodes)*8 + l.numWords()*20 + len(l.subs)*8 + len(l.text) + 64)
	for _, section := range [][]byte{raw(l.nodes), raw(l.dist), raw(l.freq), raw(l.subIdx), raw(l.subs), raw(l.txtIdx), []byte(l.text)} {
		body.Write(section)
		for body.Len()%8 != 0 {
			body.WriteByte(0)
		}
	}
	h := lexHeader{Words: uint32(l.numWords()), Nodes: uint32(len(l.nodes)), Subs: uint32(len(l.subs)), Text: uint32(len(l.text)),
		Digest: sha256.Sum256(body.Bytes())}
	out := make([]byte, 0, len(lexMagic)+int(unsafe.Sizeof(h))+body.Len())
	out = append(append(append(out, lexMagic...), raw([]lexHeader{h})...), body.Bytes()...)
	return out
}

// raw returns the little-endian bytes of s: a view of its memory on a
// little-endian machine, else an encoded copy.
func raw[T any](s []T) []byte {
	if !littleEndian() {
		var b bytes.Buffer
		_ = binary.Write(&b, binary.LittleEndian, s) // bytes.Buffer does not fail
		return b.Bytes()
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(*new(T))))
}

func littleEndian() bool { return binary.NativeEndian.Uint16([]byte{1, 0}) == 1 }

// loadLexicon returns the lexicon encoded in data, whose sections it uses
// in place (read-only: data may be the binary's read-only embedded bytes)
// when they are aligned and the machine is little-endian, else copies.
func loadLexicon(data string) (*lexicon, error) {
	if len(data) < len(lexMagic)+int(unsafe.Sizeof(lexHeader{})) || data[:len(lexMagic)] != lexMagic {
		return nil, errors.New("not a lexicon file of this version")
	}
	r := &sectionReader{data: data, off: len(lexMagic)}
	var h lexHeader
	if hs := section[lexHeader](r, 1); len(hs) == 1 {
		h = hs[0]
	}
	l := &lexicon{
		digest: h.Digest,
		nodes:  section[trieNode](r, int(h.Nodes)),
		dist:   section[float32](r, int(h.Words)),
		freq:   section[uint32](r, int(h.Words)),
		subIdx: section[uint32](r, int(h.Words)+1),
		subs:   section[lexSub](r, int(h.Subs)),
		txtIdx: section[uint32](r, int(h.Words)+1),
	}
	if r.err == nil && r.off+int(h.Text) <= len(data) {
		l.text = data[r.off : r.off+int(h.Text)]
	} else if r.err == nil {
		r.err = errors.New("truncated text")
	}
	if r.err != nil {
		return nil, fmt.Errorf("lexicon file: %w", r.err)
	}
	if err := l.checkBounds(); err != nil {
		return nil, err
	}
	return l, nil
}

// checkBounds checks the ends of the indexes, without reading every entry
// (validate reads them all).
func (l *lexicon) checkBounds() error {
	n := l.numWords()
	switch {
	case len(l.nodes) == 0:
		return errors.New("lexicon file: empty trie")
	case l.subIdx[0] != 0 || l.subIdx[n] != uint32(len(l.subs)):
		return errors.New("lexicon file: bad sub-word index")
	case l.txtIdx[0] != 0 || l.txtIdx[n] != uint32(len(l.text)):
		return errors.New("lexicon file: bad text index")
	}
	return nil
}

// sectionReader reads the aligned sections of a lexicon file.
type sectionReader struct {
	data string
	off  int
	err  error
}

// section reads the next n elements of type T.
func section[T any](r *sectionReader, n int) []T {
	if r.err != nil {
		return nil
	}
	size := n * int(unsafe.Sizeof(*new(T)))
	if n < 0 || size < 0 || r.off+size > len(r.data) {
		r.err = fmt.Errorf("truncated section at byte %d", r.off)
		return nil
	}
	raw := r.data[r.off : r.off+size]
	r.off += (size + 7) &^ 7
	if n == 0 {
		return []T{}
	}
	p := unsafe.StringData(raw)
	if littleEndian() && uintptr(unsafe.Pointer(p))%8 == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(p)), n)
	}
	out := make([]T, n)
	if err := binary.Read(bytes.NewReader([]byte(raw)), binary.LittleEndian, out); err != nil {
		r.err = err
	}
	return out
}

// validate checks every invariant lookups rely on (checkBounds, ordered
// indexes, sub-words and terminal slots that name existing words).
func (l *lexicon) validate() error {
	if err := l.checkBounds(); err != nil {
		return err
	}
	n := uint32(l.numWords())
	for i := range n {
		if l.subIdx[i] > l.subIdx[i+1] || l.txtIdx[i] > l.txtIdx[i+1] {
			return fmt.Errorf("lexicon file: word %d: indexes out of order", i)
		}
	}
	for _, s := range l.subs {
		if s.word >= int32(n) || s.word < pseudoWord || s.start >= s.end {
			return fmt.Errorf("lexicon file: bad sub-word %+v", s)
		}
	}
	for t, nd := range l.nodes {
		if nd.check >= int32(len(l.nodes)) || nd.check >= 0 && int(l.nodes[nd.check].base) == t && uint32(nd.base) >= n {
			return fmt.Errorf("lexicon file: bad trie slot %d", t)
		}
	}
	return nil
}
