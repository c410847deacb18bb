package filter

import (
	"hash/maphash"
	"math/bits"
	"sync/atomic"
)

// cleanCache remembers values that the detectors found nothing in, so that
// a client sending the same long value on every request (a bearer token,
// its User-Agent, a session cookie) pays for the inspection once, and so
// do the values API requests repeat from one request to the next (status
// and type enums, currency and country codes, a customer's name and
// address, product references). Header and cookie values have a table of
// their own, so a stream of bodies full of new values cannot push a
// client's token out. The detectors are pure functions of (kind, name, value)
// for a given Inspector, and only "no hit at all" is remembered, so what
// exclusions, thresholds or custom rules do with a hit is never affected;
// custom rules still run on every request.
//
// The cache holds no value, only two 64-bit hashes of it under seeds
// chosen when the engine is built (so nothing secret stays in memory, and
// no one can craft a value that collides with a cached one without
// knowing the seeds: 2^-127 per lookup). It is two-way set-associative with
// a fixed number of slots: bounded memory, no locks, no eviction
// bookkeeping beyond moving a pair's first slot to its second; a
// slot written by two requests at once can only hold a mix of two clean
// values' hashes, which no third value matches.
type cleanCache struct {
	seed1, seed2 maphash.Seed
	slots        []cleanSlot // header and cookie values, cleanCacheSlots
	values       []cleanSlot // query and body values, cleanValueSlots
}

type cleanSlot struct{ h1, h2 atomic.Uint64 }

const (
	// cleanCacheSlots (64 KiB) hold the header and cookie values of a
	// few thousand clients; cleanValueSlots (256 KiB) the values an API's
	// bodies repeat, a catalogue of some thousand product references
	// among them (a direct-mapped table thrashes well before it is full).
	// Both are powers of two.
	cleanCacheSlots = 4096
	cleanValueSlots = 16384
	// cleanCacheMin is the shortest header value worth remembering: a
	// Host or Content-Type value costs some hundred nanoseconds to
	// inspect, ten times its two hashes.
	cleanCacheMin = 8
	// cleanValueMin is the same for query and body values and request
	// paths, which cost more per byte (every detector runs on them, not
	// the header fast paths): a three-letter currency code takes several
	// times the two hashes.
	cleanValueMin = 3
	// cleanCacheMax bounds the value hashed on every lookup.
	cleanCacheMax = 8 << 10
)

func newCleanCache() *cleanCache {
	return &cleanCache{
		seed1: maphash.MakeSeed(), seed2: maphash.MakeSeed(),
		slots: make([]cleanSlot, cleanCacheSlots), values: make([]cleanSlot, cleanValueSlots),
	}
}

// table picks the slots that remember a value of kind k and length n:
// nil when such values are not worth remembering.
func (c *cleanCache) table(k Kind, n int) []cleanSlot {
	if c == nil || n > cleanCacheMax {
		return nil
	}
	switch k {
	case KindHeaderValue, KindUserAgent, KindCookieValue:
		if n >= cleanCacheMin {
			return c.slots
		}
	case KindQueryValue, KindBodyValue, KindPath:
		if n >= cleanValueMin {
			return c.values
		}
	}
	return nil
}

func (c *cleanCache) hashes(k Kind, name, v string) (uint64, uint64) {
	// One call per string and seed (the runtime's hash, far cheaper
	// than streaming through maphash.Hash); the name and kind are mixed
	// in asymmetrically, so (name, value) pairs do not commute.
	n1 := maphash.String(c.seed1, name) + uint64(k)
	n2 := maphash.String(c.seed2, name) + uint64(k)
	h1 := maphash.String(c.seed1, v) ^ bits.RotateLeft64(n1*0x9e3779b97f4a7c15, 31)
	h2 := maphash.String(c.seed2, v) ^ bits.RotateLeft64(n2*0xc2b2ae3d27d4eb4f, 29)
	return h1, h2 | 1 // never 0: an empty slot matches nothing
}

// clean says whether the value of hashes (h1, h2) was inspected before and
// found clean. The table is two-way set-associative: a value may sit in
// either slot of its pair (adjacent, one cache line), so two busy values
// whose hashes pick the same pair do not keep evicting each other.
func clean(t []cleanSlot, h1, h2 uint64) bool {
	i := h1 & uint64(len(t)-2)
	s, o := &t[i], &t[i+1]
	return s.h1.Load() == h1 && s.h2.Load() == h2 || o.h1.Load() == h1 && o.h2.Load() == h2
}

// remember records the value of hashes (h1, h2) as clean, in the first
// slot of its pair; what was there moves to the second, and what was in
// the second is forgotten (the most recently found clean value is kept
// first).
func remember(t []cleanSlot, h1, h2 uint64) {
	i := h1 & uint64(len(t)-2)
	s, o := &t[i], &t[i+1]
	if p1, p2 := s.h1.Load(), s.h2.Load(); p1 != h1 || p2 != h2 {
		store(o, p1, p2)
	}
	store(s, h1, h2)
}

// store writes (h1, h2) into slot s; a reader between the stores sees no
// match.
func store(s *cleanSlot, h1, h2 uint64) {
	s.h2.Store(0)
	s.h1.Store(h1)
	s.h2.Store(h2)
}
