package limits

import (
	"errors"
	"fmt"
)

// Limiter applies one set of limits (a rule, or one tier of a rule) to
// keys held in its own bounded Table.
type Limiter struct {
	n        int
	limits   [MaxLimits]Limit
	interval [MaxLimits]int64
	tau      [MaxLimits]int64
	table    *Table
}

// Result is the outcome of one decision, with the figures the RateLimit
// header fields report for each limit.
type Result struct {
	// Allowed says whether every limit admitted the request.
	Allowed bool
	// Denied is the index of the refusing limit with the longest wait, or
	// -1 when allowed.
	Denied int
	// N is the number of limits reported in Remaining and Reset.
	N int
	// RetryAfter is, when refused, the nanoseconds until the request
	// would be admitted.
	RetryAfter int64
	// Remaining is, per limit, the requests still admitted right now.
	Remaining [MaxLimits]int64
	// Reset is, per limit, the nanoseconds until its bucket is full.
	Reset [MaxLimits]int64
}

// NewLimiter checks limits and makes a limiter whose table holds at most
// maxKeys keys.
func NewLimiter(limits []Limit, maxKeys int) (*Limiter, error) {
	if len(limits) == 0 {
		return nil, errors.New("no limits")
	}
	if len(limits) > MaxLimits {
		return nil, fmt.Errorf("%d limits: at most %d per rule or tier", len(limits), MaxLimits)
	}
	if maxKeys <= 0 {
		return nil, errors.New("max_keys must be positive")
	}
	l := &Limiter{n: len(limits), table: NewTable(maxKeys, len(limits))}
	for i, lim := range limits {
		if err := lim.Validate(); err != nil {
			return nil, err
		}
		l.limits[i] = lim
		l.interval[i] = lim.Interval()
		l.tau[i] = lim.Tolerance()
	}
	return l, nil
}

// Limits returns the limiter's limits.
func (l *Limiter) Limits() []Limit { return l.limits[:l.n] }

// Table is the limiter's key table.
func (l *Limiter) Table() *Table { return l.table }

// Allow decides on one request for key at time now (nanoseconds).
func (l *Limiter) Allow(key string, now int64) Result { return l.AllowHash(Hash(key), now) }

// AllowHash is Allow for a key already hashed with Hash or HashBytes.
func (l *Limiter) AllowHash(h uint64, now int64) Result { return l.allow(h, now, nil) }

// AllowClock is AllowHash reading the time from clock once the key's shard
// is locked: decisions on one key then see the time in order, however the
// callers are scheduled. This is what the handler uses.
func (l *Limiter) AllowClock(h uint64, clock Clock) Result { return l.allow(h, 0, clock) }

func (l *Limiter) allow(h uint64, now int64, clock Clock) Result {
	res := Result{Allowed: true, Denied: -1, N: l.n}
	var next [MaxLimits]int64
	var ok [MaxLimits]bool
	s := l.table.shard(h)
	s.mu.Lock()
	if clock != nil {
		now = clock()
	}
	tats := l.table.get(s, h)
	for i := range l.n {
		var retry int64
		ok[i], next[i], res.Remaining[i], res.Reset[i], retry = step(tats[i], now, l.interval[i], l.tau[i])
		if !ok[i] {
			res.Allowed = false
			if retry > res.RetryAfter {
				res.RetryAfter, res.Denied = retry, i
			}
		}
	}
	if res.Allowed {
		copy(tats, next[:l.n])
		s.mu.Unlock()
		return res
	}
	// All or nothing: a refused request consumes from no limit. Limits
	// that would have admitted it report their state uncharged.
	for i := range l.n {
		if ok[i] {
			next[i] -= l.interval[i]
			res.Remaining[i]++
			res.Reset[i] -= l.interval[i]
		}
		// step clamps the TAT of a clock that went backwards; keep that,
		// so the key recovers from the new now instead of the old one.
		tats[i] = min(tats[i], next[i])
	}
	s.mu.Unlock()
	return res
}

// Concurrency bounds the requests in flight per key.
type Concurrency struct {
	max   int64
	table *Table
}

// NewConcurrency allows at most max requests in flight per key, for at
// most maxKeys keys.
func NewConcurrency(max int64, maxKeys int) (*Concurrency, error) {
	if max <= 0 {
		return nil, errors.New("concurrency must be positive")
	}
	if maxKeys <= 0 {
		return nil, errors.New("max_keys must be positive")
	}
	t := NewTable(maxKeys, 1)
	t.pinFirst = true
	return &Concurrency{max: max, table: t}, nil
}

// Max is the in-flight limit.
func (c *Concurrency) Max() int64 { return c.max }

// Table is the concurrency table.
func (c *Concurrency) Table() *Table { return c.table }

// Acquire takes a slot for h and reports the requests now in flight; it
// fails (taking nothing) when max are already in flight.
func (c *Concurrency) Acquire(h uint64) (bool, int64) {
	s := c.table.shard(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	v := c.table.get(s, h)
	if v[0] >= c.max {
		return false, v[0]
	}
	v[0]++
	return true, v[0]
}

// Release gives back a slot taken by Acquire. A key evicted in between
// (only when every slot of its shard was in use) is not recreated.
func (c *Concurrency) Release(h uint64) {
	s := c.table.shard(h)
	s.mu.Lock()
	if v := c.table.find(s, h); v != nil && v[0] > 0 {
		v[0]--
	}
	s.mu.Unlock()
}

// InFlight reports the requests in flight for h.
func (c *Concurrency) InFlight(h uint64) int64 {
	s := c.table.shard(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := c.table.find(s, h); v != nil {
		return v[0]
	}
	return 0
}

// Bans counts strikes per key and bans a key that collects Threshold of
// them within Window, for BanTime.
type Bans struct {
	threshold int64
	window    int64
	banTime   int64
	table     *Table
}

// Ban values: strikes so far, end of the strike window, end of the ban.
const (
	banStrikes = iota
	banWindowEnd
	banUntil
	banWidth
)

// NewBans makes a ban table; window and banTime are nanoseconds.
func NewBans(threshold int64, window, banTime int64, maxKeys int) (*Bans, error) {
	if threshold <= 0 || window <= 0 || banTime <= 0 {
		return nil, errors.New("ban: after, within and for must be positive")
	}
	if maxKeys <= 0 {
		return nil, errors.New("max_keys must be positive")
	}
	return &Bans{threshold: threshold, window: window, banTime: banTime, table: NewTable(maxKeys, banWidth)}, nil
}

// Table is the ban table.
func (b *Bans) Table() *Table { return b.table }

// Banned reports whether h is banned at now and for how much longer. It
// never inserts: checking every request's key must not fill the table.
func (b *Bans) Banned(h uint64, now int64) (bool, int64) {
	s := b.table.shard(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	v := b.table.find(s, h)
	if v == nil || v[banUntil] <= now {
		return false, 0
	}
	if v[banUntil]-now > b.banTime {
		// A clock that went backwards: never ban for longer than the
		// ban time from now.
		v[banUntil] = now + b.banTime
	}
	return true, v[banUntil] - now
}

// Strike records one strike against h at now and reports whether it
// banned h (true only for the strike that starts the ban).
func (b *Bans) Strike(h uint64, now int64) bool {
	s := b.table.shard(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	v := b.table.get(s, h)
	if v[banUntil] > now {
		return false // already banned: strikes while banned do not extend it
	}
	if v[banWindowEnd] <= now || v[banWindowEnd]-now > b.window {
		v[banStrikes], v[banWindowEnd] = 0, now+b.window
	}
	v[banStrikes]++
	if v[banStrikes] < b.threshold {
		return false
	}
	v[banStrikes], v[banWindowEnd], v[banUntil] = 0, 0, now+b.banTime
	return true
}

// Ban bans h until now+d (a ban learnt from the shared backend).
func (b *Bans) Ban(h uint64, now, d int64) {
	s := b.table.shard(h)
	s.mu.Lock()
	v := b.table.get(s, h)
	v[banUntil] = max(v[banUntil], now+min(d, b.banTime))
	s.mu.Unlock()
}
