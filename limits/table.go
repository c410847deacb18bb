package limits

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// numShards spreads keys over independently locked shards; a power of two
// so that the top bits of the hash pick one.
const (
	shardBits = 6
	numShards = 1 << shardBits
)

// seed is per process: tables that survive a config reload (they are kept
// in a Registry) must keep hashing the same way, and nobody outside the
// process can compute which keys collide.
var seed = maphash.MakeSeed()

// Hash is the 64-bit key hash every table uses.
func Hash(key string) uint64 { return maphash.String(seed, key) }

// HashBytes is Hash of a byte slice (the same value as Hash(string(b))).
func HashBytes(b []byte) uint64 { return maphash.Bytes(seed, b) }

// Table is a bounded, sharded map from a key hash to Width int64 values.
// It holds at most MaxKeys keys (rounded up to a multiple of the shard
// count); past that, each new key reuses the slot a CLOCK sweep picks.
type Table struct {
	width    int
	perShard int
	// pinFirst keeps slots whose first value is positive (a concurrency
	// count in use) out of eviction while any other slot can go.
	pinFirst  bool
	evictions atomic.Uint64
	shards    [numShards]shard
}

type shard struct {
	mu     sync.Mutex
	index  map[uint64]int32
	hashes []uint64
	vals   []int64
	ref    []bool
	hand   int
	// pad keeps neighbouring shards' locks off one cache line.
	_ [40]byte
}

// NewTable makes a table of at most maxKeys keys of width values each.
func NewTable(maxKeys, width int) *Table {
	per := max((maxKeys+numShards-1)/numShards, 1)
	t := &Table{width: width, perShard: per}
	for i := range t.shards {
		// Start small: memory grows with the keys actually seen.
		c := min(per, 64)
		t.shards[i].index = make(map[uint64]int32, c)
		t.shards[i].hashes = make([]uint64, 0, c)
		t.shards[i].vals = make([]int64, 0, c*width)
		t.shards[i].ref = make([]bool, 0, c)
	}
	return t
}

// Capacity is the most keys the table holds.
func (t *Table) Capacity() int { return t.perShard * numShards }

// Evictions counts keys dropped to make room.
func (t *Table) Evictions() uint64 { return t.evictions.Load() }

// Len counts the keys held (locks each shard in turn).
func (t *Table) Len() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.index)
		s.mu.Unlock()
	}
	return n
}

func (t *Table) shard(h uint64) *shard { return &t.shards[h>>(64-shardBits)] }

// find returns the values of h, or nil; the caller holds s.mu. It marks
// the slot as used again. A new key starts unmarked: it earns CLOCK's
// second chance only by coming back, so a flood of one-off keys evicts its
// own kind first and not the keys in steady use.
func (t *Table) find(s *shard, h uint64) []int64 {
	i, ok := s.index[h]
	if !ok {
		return nil
	}
	s.ref[i] = true
	return s.vals[int(i)*t.width : int(i+1)*t.width]
}

// get returns the values of h, inserting zeroed values (evicting if the
// shard is full) when h is new; the caller holds s.mu.
func (t *Table) get(s *shard, h uint64) []int64 {
	if v := t.find(s, h); v != nil {
		return v
	}
	var i int
	if len(s.hashes) < t.perShard {
		if len(s.hashes) == cap(s.hashes) {
			t.grow(s)
		}
		i = len(s.hashes)
		s.hashes = append(s.hashes, h)
		s.ref = append(s.ref, false)
		for range t.width {
			s.vals = append(s.vals, 0)
		}
	} else {
		i = t.victim(s)
		delete(s.index, s.hashes[i])
		t.evictions.Add(1)
		s.hashes[i] = h
		s.ref[i] = false
		clear(s.vals[i*t.width : (i+1)*t.width])
	}
	s.index[h] = int32(i)
	return s.vals[i*t.width : (i+1)*t.width]
}

// grow doubles a shard's arrays, never past its share of the bound (append
// alone would overshoot it by up to 2×, and the bound is a memory figure).
func (t *Table) grow(s *shard) {
	n := min(max(2*cap(s.hashes), 16), t.perShard)
	hashes := make([]uint64, len(s.hashes), n)
	copy(hashes, s.hashes)
	ref := make([]bool, len(s.ref), n)
	copy(ref, s.ref)
	vals := make([]int64, len(s.vals), n*t.width)
	copy(vals, s.vals)
	s.hashes, s.ref, s.vals = hashes, ref, vals
}

// victim runs the CLOCK hand to a slot not used since it last passed
// (and, with pinFirst, not pinned); after two full turns it takes the
// slot under the hand, so the sweep is bounded.
func (t *Table) victim(s *shard) int {
	n := len(s.hashes)
	for range 2 * n {
		i := s.hand
		s.hand++
		if s.hand == n {
			s.hand = 0
		}
		if s.ref[i] {
			s.ref[i] = false
			continue
		}
		if t.pinFirst && s.vals[i*t.width] > 0 {
			continue
		}
		return i
	}
	i := s.hand
	s.hand = (s.hand + 1) % n
	return i
}
