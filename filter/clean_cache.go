package filter

import (
	"hash/maphash"
	"sync/atomic"
)

// cleanCache remembers header and cookie values that the detectors found
// nothing in, so that a client sending the same long value on every
// request (a bearer token, its User-Agent, a session cookie) pays for the
// inspection once. The detectors are pure functions of (kind, name, value)
// for a given Inspector, and only "no hit at all" is remembered, so what
// exclusions, thresholds or custom rules do with a hit is never affected;
// custom rules still run on every request.
//
// The cache holds no value, only two 64-bit hashes of it under seeds
// chosen when the engine is built (so nothing secret stays in memory, and
// no one can craft a value that collides with a cached one without
// knowing the seeds: 2^-128 per lookup). It is direct-mapped with a fixed
// number of slots: bounded memory, no locks, no eviction bookkeeping; a
// slot written by two requests at once can only hold a mix of two clean
// values' hashes, which no third value matches.
type cleanCache struct {
	seed1, seed2 maphash.Seed
	slots        [cleanCacheSlots]cleanSlot
}

type cleanSlot struct{ h1, h2 atomic.Uint64 }

const (
	cleanCacheSlots = 4096 // 64 KiB per engine
	// cleanCacheMin is the shortest value worth remembering: shorter
	// values cost less to inspect than to hash twice.
	cleanCacheMin = 48
	// cleanCacheMax bounds the value hashed on every lookup.
	cleanCacheMax = 8 << 10
)

func newCleanCache() *cleanCache {
	return &cleanCache{seed1: maphash.MakeSeed(), seed2: maphash.MakeSeed()}
}

// cacheableKind says which values repeat across requests of one client.
func cacheableKind(k Kind) bool {
	switch k {
	case KindHeaderValue, KindUserAgent, KindCookieValue:
		return true
	}
	return false
}

func (c *cleanCache) hashes(k Kind, name, v string) (uint64, uint64) {
	var h maphash.Hash
	h.SetSeed(c.seed1)
	h.WriteByte(byte(k))
	h.WriteString(name)
	h.WriteByte(0)
	h.WriteString(v)
	h1 := h.Sum64()
	h.SetSeed(c.seed2)
	h.WriteByte(byte(k))
	h.WriteString(name)
	h.WriteByte(0)
	h.WriteString(v)
	return h1, h.Sum64() | 1 // never 0: an empty slot matches nothing
}

// clean says whether (k, name, v) was inspected before and found clean.
func (c *cleanCache) clean(h1, h2 uint64) bool {
	s := &c.slots[h1%cleanCacheSlots]
	return s.h1.Load() == h1 && s.h2.Load() == h2
}

// remember records (k, name, v) as clean.
func (c *cleanCache) remember(h1, h2 uint64) {
	s := &c.slots[h1%cleanCacheSlots]
	s.h2.Store(0) // a reader between the stores sees no match
	s.h1.Store(h1)
	s.h2.Store(h2)
}
