package indexer

import (
	"fmt"
	"testing"
)

func TestIDSet(t *testing.T) {
	type op struct {
		kind byte // a add, r remove
		id   string
		want bool // add: was new
	}
	tests := []struct {
		name  string
		ops   []op
		has   map[string]bool
		count int
	}{
		{"empty", nil, map[string]bool{"a": false, "": false}, 0},
		{"add twice", []op{{'a', "x", true}, {'a', "x", false}}, map[string]bool{"x": true, "y": false}, 1},
		{"empty id", []op{{'a', "", true}}, map[string]bool{"": true, "a": false}, 1},
		{"remove and add back", []op{{'a', "x", true}, {'r', "x", false}, {'a', "x", true}, {'a', "y", true}, {'r', "y", false}},
			map[string]bool{"x": true, "y": false}, 1},
		{"remove missing", []op{{'r', "x", false}, {'a', "网贷-1", true}}, map[string]bool{"x": false, "网贷-1": true}, 1},
		{"prefixes stay apart", []op{{'a', "ab", true}, {'a', "a", true}, {'a', "abc", true}}, map[string]bool{"a": true, "ab": true, "abc": true, "b": false}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s idSet
			for _, o := range tt.ops {
				switch o.kind {
				case 'a':
					if got := s.add(o.id); got != o.want {
						t.Errorf("add(%q) = %v, want %v", o.id, got, o.want)
					}
				case 'r':
					s.remove(o.id)
				}
			}
			for id, want := range tt.has {
				if got := s.has(id); got != want {
					t.Errorf("has(%q) = %v, want %v", id, got, want)
				}
			}
			if s.len() != tt.count {
				t.Errorf("len = %d, want %d", s.len(), tt.count)
			}
		})
	}
}

// TestIDSetCollisions forces every id into one hash chain: equal ids are
// still found by their bytes.
func TestIDSetCollisions(t *testing.T) {
	var s idSet
	s.add("seed")
	for i := range 100 {
		id := fmt.Sprint("doc-", i)
		s.insert(id)
		h := s.hash(id)
		n := int32(len(s.ends) - 1)
		delete(s.first, h)
		s.next[n] = s.first[s.hash("seed")]
		s.first[s.hash("seed")] = n
		s.first[h] = n // both hashes lead into the one chain
	}
	for i := range 100 {
		id := fmt.Sprint("doc-", i)
		if !s.has(id) || s.at(s.find(id)) != id {
			t.Fatalf("%s lost in a shared chain", id)
		}
	}
	if s.has("doc-100") || !s.has("seed") {
		t.Error("chain answers for an id it does not hold")
	}
}

// FuzzIDSet checks idSet against a map over any sequence of adds and
// removes.
func FuzzIDSet(f *testing.F) {
	f.Add([]byte("a\x00b\x01a\x00a"))
	f.Add([]byte("\x00\x00\x01\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s idSet
		m := map[string]bool{}
		for i := 0; i+1 < len(data); i += 2 {
			id := string(data[i] & 0x1f)
			if data[i+1]&1 == 0 {
				if got, want := s.add(id), !m[id]; got != want {
					t.Fatalf("add(%q) = %v, want %v", id, got, want)
				}
				m[id] = true
			} else {
				s.remove(id)
				delete(m, id)
			}
		}
		for c := range 32 {
			id := string(rune(c))
			if s.has(id) != m[id] {
				t.Fatalf("has(%q) = %v, map says %v", id, s.has(id), m[id])
			}
		}
		if s.len() != len(m) {
			t.Fatalf("len = %d, map %d", s.len(), len(m))
		}
	})
}

func BenchmarkIDSet(b *testing.B) {
	ids := make([]string, 100_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("tang-%06d", i)
	}
	b.Run("idSet", func(b *testing.B) {
		for b.Loop() {
			var s idSet
			for _, id := range ids {
				s.add(id)
			}
			for _, id := range ids {
				_ = s.has(id)
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			m := map[string]bool{}
			for _, id := range ids {
				m[id] = true
			}
			for _, id := range ids {
				_ = m[id]
			}
		}
	})
}
