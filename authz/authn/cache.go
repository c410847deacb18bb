package authn

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

// tokenCache remembers verified tokens by the SHA-256 of the token, so the
// token itself is never stored, until the earlier of the token's exp and a
// maximum TTL. It is bounded: when full, expired entries are swept and, if
// still full, a batch of arbitrary entries (1/16 of the bound) is evicted
// (Go map iteration order is randomised, so an attacker cannot pin which
// ones). Evicting a batch makes the O(n) sweep happen once per max/16
// inserts instead of on every insert of a full cache.
type tokenCache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]cacheEntry
	max     int
	ttl     time.Duration
}

type cacheEntry struct {
	id      *authz.Identity
	expires time.Time
}

func newTokenCache(max int, ttl time.Duration) *tokenCache {
	if max <= 0 || ttl <= 0 {
		return nil
	}
	return &tokenCache{entries: make(map[[sha256.Size]byte]cacheEntry, min(max, 1024)), max: max, ttl: ttl}
}

func (c *tokenCache) get(key [sha256.Size]byte, now time.Time) (*authz.Identity, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	return e.id, true
}

// put stores id until exp (the token's expiry; zero if it has none) or
// now+ttl, whichever is earlier.
func (c *tokenCache) put(key [sha256.Size]byte, id *authz.Identity, exp, now time.Time) {
	expires := now.Add(c.ttl)
	if !exp.IsZero() && exp.Before(expires) {
		expires = exp
	}
	if !now.Before(expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		target := c.max - max(c.max/16, 1)
		for k := range c.entries {
			if len(c.entries) <= target {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[key] = cacheEntry{id: id, expires: expires}
}

func (c *tokenCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
