package iceseg

import (
	"bytes"
	"hash/maphash"
)

// termTable is a field's terms, numbered in the order they first appear:
// their bytes in one arena, found through an open-addressing hash table.
// It holds no pointers, so the garbage collector does not scan it however
// many terms an Accumulator gathers (a map of strings held millions of
// pointers: a fifth of a full run's CPU went to scanning them). The zero
// value is an empty table.
type termTable struct {
	arena  []byte
	ends   []int    // term i is arena[ends[i-1]:ends[i]] (from 0 for i = 0)
	hashes []uint64 // term i's hash
	slots  []int32  // term number + 1; 0 is empty; len is a power of two
	seed   maphash.Seed
}

// Len is the number of terms.
func (t *termTable) Len() int { return len(t.ends) }

// at returns the bytes of term i (valid until the next reset).
func (t *termTable) at(i int32) []byte {
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.arena[start:t.ends[i]]
}

func (t *termTable) reset() {
	t.arena, t.ends, t.hashes = t.arena[:0], t.ends[:0], t.hashes[:0]
	clear(t.slots)
}

// size is the table's memory in bytes.
func (t *termTable) size() int {
	return cap(t.arena) + cap(t.ends)*8 + cap(t.hashes)*8 + cap(t.slots)*4
}

// number returns term's number, adding it when new (added true).
func (t *termTable) number(term []byte) (id int32, added bool) {
	if len(t.slots) == 0 {
		t.seed = maphash.MakeSeed()
		t.slots = make([]int32, 64)
	}
	h := maphash.Bytes(t.seed, term)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			id = int32(len(t.ends))
			t.slots[i] = id + 1
			t.arena = append(t.arena, term...)
			t.ends = append(t.ends, len(t.arena))
			t.hashes = append(t.hashes, h)
			if 2*len(t.ends) > len(t.slots) {
				t.grow()
			}
			return id, true
		}
		if t.hashes[s-1] == h && bytes.Equal(t.at(s-1), term) {
			return s - 1, false
		}
	}
}

// grow doubles the slots and places every term again.
func (t *termTable) grow() {
	t.slots = make([]int32, 2*len(t.slots))
	mask := uint64(len(t.slots) - 1)
	for id, h := range t.hashes {
		i := h & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = int32(id) + 1
	}
}
