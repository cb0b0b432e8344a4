package indexer

import "hash/maphash"

// idSet is a set of strings, document ids, that the garbage collector has
// no reason to scan: the ids live in one byte arena and the index maps a
// 64-bit hash to the first entry holding it (entries with the same hash are
// chained), all without pointers. A run keeps a few sets of every id it
// sees; as map[string]bool over 800k documents they held ≈ 240 MB of
// strings and buckets that every collection walked, and the collector's
// share of a full run grew with the corpus (docs/BENCHMARKS.md, session
// 14). The zero idSet is empty and ready; it is not safe for concurrent use.
type idSet struct {
	seed  maphash.Seed
	arena []byte
	ends  []int            // entry i is arena[ends[i-1]:ends[i]] (from 0 for i = 0)
	next  []int32          // entry i's successor with the same hash, -1 = none
	gone  []bool           // entry i was removed (it stays, for a later add)
	first map[uint64]int32 // hash → its first entry
	live  int
}

// len is the number of ids in the set.
func (s *idSet) len() int { return s.live }

// has reports whether id is in the set.
func (s *idSet) has(id string) bool {
	i := s.find(id)
	return i >= 0 && !s.gone[i]
}

// add puts id in the set and reports whether it was not there.
func (s *idSet) add(id string) bool {
	live := s.live
	s.entry(id)
	return s.live > live
}

// entry adds id if missing and returns its entry number (stable for the
// set's life: a removed and re-added id keeps its entry).
func (s *idSet) entry(id string) int32 {
	i := s.find(id)
	if i < 0 {
		return s.insert(id)
	}
	if s.gone[i] {
		s.gone[i] = false
		s.live++
	}
	return i
}

// remove takes id out of the set.
func (s *idSet) remove(id string) {
	if i := s.find(id); i >= 0 && !s.gone[i] {
		s.gone[i] = true
		s.live--
	}
}

// at returns the id of entry i.
func (s *idSet) at(i int32) string {
	start := 0
	if i > 0 {
		start = s.ends[i-1]
	}
	return string(s.arena[start:s.ends[i]])
}

// find returns id's entry, removed or not, or -1.
func (s *idSet) find(id string) int32 {
	if s.first == nil {
		return -1
	}
	i, ok := s.first[s.hash(id)]
	if !ok {
		return -1
	}
	for ; i >= 0; i = s.next[i] {
		if s.equal(i, id) {
			return i
		}
	}
	return -1
}

// insert adds id, known to be absent, and returns its entry.
func (s *idSet) insert(id string) int32 {
	if s.first == nil {
		s.seed = maphash.MakeSeed()
		s.first = map[uint64]int32{}
	}
	h := s.hash(id)
	i := int32(len(s.ends))
	s.arena = append(s.arena, id...)
	s.ends = append(s.ends, len(s.arena))
	s.gone = append(s.gone, false)
	if prev, ok := s.first[h]; ok {
		s.next = append(s.next, prev)
	} else {
		s.next = append(s.next, -1)
	}
	s.first[h] = i
	s.live++
	return i
}

func (s *idSet) equal(i int32, id string) bool {
	start := 0
	if i > 0 {
		start = s.ends[i-1]
	}
	return string(s.arena[start:s.ends[i]]) == id // compared without allocating
}

func (s *idSet) hash(id string) uint64 { return maphash.String(s.seed, id) }
