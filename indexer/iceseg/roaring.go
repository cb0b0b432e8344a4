package iceseg

import "encoding/binary"

// The portable roaring format (github.com/RoaringBitmap/RoaringFormatSpec)
// as roaring v0.9.4's ToBytes writes a bitmap built by Add alone: no run
// containers; a container of up to 4,096 values is an array, a fuller one
// a bitmap.
const (
	roaringCookieNoRuns = 12346
	roaringArrayMax     = 4096
	roaringBitmapWords  = 1024
)

// appendRoaring appends the uvarint length and the serialised roaring
// bitmap of docs (ascending, distinct) to out.
func appendRoaring(out []byte, docs []uint32) []byte {
	containers, size := 0, 8
	for i := 0; i < len(docs); {
		j := containerEnd(docs, i)
		containers++
		size += 8 + containerSize(j-i)
		i = j
	}
	out = binary.AppendUvarint(out, uint64(size))
	out = binary.LittleEndian.AppendUint32(out, roaringCookieNoRuns)
	out = binary.LittleEndian.AppendUint32(out, uint32(containers))
	for i := 0; i < len(docs); {
		j := containerEnd(docs, i)
		out = binary.LittleEndian.AppendUint16(out, uint16(docs[i]>>16))
		out = binary.LittleEndian.AppendUint16(out, uint16(j-i-1))
		i = j
	}
	offset := 8 + 8*containers
	for i := 0; i < len(docs); {
		j := containerEnd(docs, i)
		out = binary.LittleEndian.AppendUint32(out, uint32(offset))
		offset += containerSize(j - i)
		i = j
	}
	for i := 0; i < len(docs); {
		j := containerEnd(docs, i)
		out = appendContainer(out, docs[i:j])
		i = j
	}
	return out
}

// containerEnd returns the end of the container starting at docs[i]: the
// first value with other high 16 bits.
func containerEnd(docs []uint32, i int) int {
	key := docs[i] >> 16
	j := i + 1
	for j < len(docs) && docs[j]>>16 == key {
		j++
	}
	return j
}

func containerSize(card int) int {
	if card > roaringArrayMax {
		return 8 * roaringBitmapWords
	}
	return 2 * card
}

func appendContainer(out []byte, docs []uint32) []byte {
	if len(docs) <= roaringArrayMax {
		for _, d := range docs {
			out = binary.LittleEndian.AppendUint16(out, uint16(d))
		}
		return out
	}
	var words [roaringBitmapWords]uint64
	for _, d := range docs {
		low := d & 0xffff
		words[low/64] |= 1 << (low % 64)
	}
	for _, w := range words {
		out = binary.LittleEndian.AppendUint64(out, w)
	}
	return out
}
