package gatehouse

import (
	"maps"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// counterCache keeps the children of a CounterVec of one or two labels once
// resolved, so that counting a request is a map lookup instead of
// WithLabelValues (hashing the labels under the vector's lock) each time.
// A child is created on first use, as with WithLabelValues, so that the
// exposed series are the same. Its callers' label values come from fixed
// sets (results, reasons, actions, detector names), and so the cache is
// bounded. Reads take no lock and allocate nothing: the map is replaced
// whole on a miss, never changed.
type counterCache struct {
	vec *prometheus.CounterVec
	mu  sync.Mutex
	m   atomic.Pointer[map[[2]string]prometheus.Counter]
}

// get is the child of a one-label vector.
func (c *counterCache) get(label string) prometheus.Counter {
	return c.lookup([2]string{label}, 1)
}

// get2 is the child of a two-label vector.
func (c *counterCache) get2(a, b string) prometheus.Counter {
	return c.lookup([2]string{a, b}, 2)
}

func (c *counterCache) lookup(key [2]string, n int) prometheus.Counter {
	if m := c.m.Load(); m != nil {
		if ctr, ok := (*m)[key]; ok {
			return ctr
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	if old != nil {
		if ctr, ok := (*old)[key]; ok {
			return ctr
		}
	}
	var ctr prometheus.Counter
	if n == 1 {
		ctr = c.vec.WithLabelValues(key[0])
	} else {
		ctr = c.vec.WithLabelValues(key[0], key[1])
	}
	next := map[[2]string]prometheus.Counter{}
	if old != nil {
		next = maps.Clone(*old)
	}
	next[key] = ctr
	c.m.Store(&next)
	return ctr
}
