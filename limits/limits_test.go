package limits

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const sec = int64(time.Second)

func mustLimiter(t testing.TB, maxKeys int, ls ...Limit) *Limiter {
	t.Helper()
	l, err := NewLimiter(ls, maxKeys)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestGCRAEdges walks one key through burst, refusal, refill and a clock
// going backwards, checking every figure the headers report.
func TestGCRAEdges(t *testing.T) {
	l := mustLimiter(t, 100, Limit{Name: "s", Count: 10, Period: time.Second, Burst: 3})
	t0 := int64(1_000) * sec
	type want struct {
		at        int64
		ok        bool
		remaining int64
		retry     int64
	}
	steps := []want{
		// Burst: three at once.
		{t0, true, 2, 0},
		{t0, true, 1, 0},
		{t0, true, 0, 0},
		// The fourth waits one interval (100ms).
		{t0, false, 0, 100 * time.Millisecond.Nanoseconds()},
		// One nanosecond short of the interval: still refused, and the
		// refusal did not push recovery further away.
		{t0 + 100_000_000 - 1, false, 0, 1},
		// Refill: exactly one interval later one more is allowed.
		{t0 + 100_000_000, true, 0, 0},
		// A long pause refills to the burst, not beyond.
		{t0 + 10*sec, true, 2, 0},
		{t0 + 10*sec, true, 1, 0},
		{t0 + 10*sec, true, 0, 0},
		{t0 + 10*sec, false, 0, 100_000_000},
		// Clock backwards by an hour: the key is not locked out for the
		// hour; it counts as having used its burst and refills normally.
		{t0 + 10*sec - 3600*sec, false, 0, 100_000_000},
		{t0 + 10*sec - 3600*sec + 100_000_000, true, 0, 0},
	}
	for i, s := range steps {
		r := l.Allow("k", s.at)
		if r.Allowed != s.ok || r.Remaining[0] != s.remaining || r.RetryAfter != s.retry {
			t.Fatalf("step %d at %d: got allowed=%v remaining=%d retry=%d, want %v %d %d",
				i, s.at, r.Allowed, r.Remaining[0], r.RetryAfter, s.ok, s.remaining, s.retry)
		}
		if !r.Allowed && r.Denied != 0 {
			t.Fatalf("step %d: denied index %d", i, r.Denied)
		}
	}
}

// TestGCRAReset checks the reset figure (time until the bucket is full).
func TestGCRAReset(t *testing.T) {
	l := mustLimiter(t, 10, Limit{Count: 60, Period: time.Minute}) // burst 60, 1/s
	now := 5 * sec
	r := l.Allow("k", now)
	if !r.Allowed || r.Remaining[0] != 59 || r.Reset[0] != sec {
		t.Fatalf("first: %+v", r)
	}
	for range 59 {
		l.Allow("k", now)
	}
	r = l.Allow("k", now)
	if r.Allowed || r.Reset[0] != 60*sec || r.RetryAfter != sec {
		t.Fatalf("exhausted: %+v", r)
	}
}

// TestWindowBoundary: no double burst around what a fixed window would
// call its boundary: 10/s admits 10 at 0.999s and then only one more per
// 100ms, not 10 more at 1.000s.
func TestWindowBoundary(t *testing.T) {
	l := mustLimiter(t, 10, Limit{Count: 10, Period: time.Second})
	base := 100 * sec
	n := 0
	for range 20 {
		if l.Allow("k", base+999_000_000).Allowed {
			n++
		}
	}
	for range 20 {
		if l.Allow("k", base+sec).Allowed {
			n++
		}
	}
	if n != 10 {
		t.Fatalf("allowed %d across the boundary, want 10 (a fixed window would allow 20)", n)
	}
}

// TestMultipleLimitsAllOrNothing: the daily quota refuses; the per-second
// limit must not have been charged for the refused requests.
func TestMultipleLimitsAllOrNothing(t *testing.T) {
	l := mustLimiter(t, 10,
		Limit{Name: "sec", Count: 5, Period: time.Second},
		Limit{Name: "day", Count: 3, Period: 24 * time.Hour, Quota: true})
	now := 10 * sec
	for i := range 3 {
		if !l.Allow("k", now).Allowed {
			t.Fatalf("request %d refused", i)
		}
	}
	r := l.Allow("k", now)
	if r.Allowed || r.Denied != 1 || r.Remaining[0] != 2 || r.Remaining[1] != 0 {
		t.Fatalf("quota refusal: %+v", r)
	}
	if want := int64(24*time.Hour) / 3; r.RetryAfter != want {
		t.Fatalf("retry %d, want %d", r.RetryAfter, want)
	}
}

func TestParseRate(t *testing.T) {
	cases := []struct {
		in     string
		count  int64
		period time.Duration
		bad    bool
	}{
		{"20/s", 20, time.Second, false},
		{"10000/day", 10000, 24 * time.Hour, false},
		{"5/m", 5, time.Minute, false},
		{"100/10s", 100, 10 * time.Second, false},
		{"3/hour", 3, time.Hour, false},
		{"0/s", 0, 0, true},
		{"-1/s", 0, 0, true},
		{"x/s", 0, 0, true},
		{"10", 0, 0, true},
		{"10/fortnight", 0, 0, true},
		{"2000000000/ns", 0, 0, true},
	}
	for _, c := range cases {
		n, p, err := ParseRate(c.in)
		if (err != nil) != c.bad || n != c.count || p != c.period {
			t.Errorf("ParseRate(%q) = %d, %v, %v", c.in, n, p, err)
		}
	}
}

// TestTableEviction: a flood of distinct keys stays within the bound, and
// a key in use between sweeps survives it (CLOCK's second chance).
func TestTableEviction(t *testing.T) {
	l := mustLimiter(t, numShards*4, Limit{Count: 1, Period: time.Hour})
	hot := "hot"
	if !l.Allow(hot, sec).Allowed {
		t.Fatal("hot refused")
	}
	for i := range 100_000 {
		l.Allow(fmt.Sprint("flood-", i), sec)
		if i%8 == 0 {
			// The hot key keeps being refused: its state must persist.
			if l.Allow(hot, sec).Allowed {
				t.Fatalf("hot key evicted after %d flood keys (its bucket reset)", i)
			}
		}
	}
	if n := l.Table().Len(); n > l.Table().Capacity() {
		t.Fatalf("table holds %d keys, capacity %d", n, l.Table().Capacity())
	}
	if l.Table().Evictions() == 0 {
		t.Fatal("no eviction counted")
	}
}

func TestConcurrency(t *testing.T) {
	c, err := NewConcurrency(2, 100)
	if err != nil {
		t.Fatal(err)
	}
	h := Hash("k")
	if ok, _ := c.Acquire(h); !ok {
		t.Fatal("1st")
	}
	if ok, n := c.Acquire(h); !ok || n != 2 {
		t.Fatal("2nd", n)
	}
	if ok, _ := c.Acquire(h); ok {
		t.Fatal("3rd admitted")
	}
	c.Release(h)
	if ok, _ := c.Acquire(h); !ok {
		t.Fatal("after release")
	}
	c.Release(h)
	c.Release(h)
	c.Release(h) // extra release never goes negative
	if n := c.InFlight(h); n != 0 {
		t.Fatalf("in flight %d", n)
	}
}

// TestConcurrencyPinned: slots in use are not evicted while idle ones can go.
func TestConcurrencyPinned(t *testing.T) {
	c, _ := NewConcurrency(1, 2*numShards) // two keys per shard
	busy := Hash("busy")
	c.Acquire(busy)
	for i := range 10_000 {
		h := Hash(fmt.Sprint(i))
		if h>>(64-shardBits) != busy>>(64-shardBits) {
			continue
		}
		c.Acquire(h)
		c.Release(h)
	}
	if c.InFlight(busy) != 1 {
		t.Fatal("an in-use slot was evicted by idle keys")
	}
}

func TestBans(t *testing.T) {
	b, err := NewBans(3, 10*sec, 60*sec, 100)
	if err != nil {
		t.Fatal(err)
	}
	h := Hash("1.2.3.4")
	now := 100 * sec
	cases := []struct {
		at         int64
		strike     bool
		wantBan    bool // Strike's return
		wantBanned bool // Banned after
	}{
		{now, true, false, false},
		{now + sec, true, false, false},
		// The window (10s from the first strike) expired: counting restarts.
		{now + 11*sec, true, false, false},
		{now + 12*sec, true, false, false},
		{now + 13*sec, true, true, true},
		// While banned, strikes do not extend the ban.
		{now + 20*sec, true, false, true},
		{now + 13*sec + 60*sec - 1, false, false, true},
		{now + 13*sec + 60*sec, false, false, false},
	}
	for i, c := range cases {
		if c.strike {
			if got := b.Strike(h, c.at); got != c.wantBan {
				t.Fatalf("case %d: Strike = %v", i, got)
			}
		}
		if got, _ := b.Banned(h, c.at); got != c.wantBanned {
			t.Fatalf("case %d: Banned = %v", i, got)
		}
	}
	// Checking unknown keys does not fill the table.
	for i := range 1000 {
		b.Banned(Hash(fmt.Sprint(i)), now)
	}
	if n := b.Table().Len(); n != 1 {
		t.Fatalf("ban table holds %d keys after lookups, want 1", n)
	}
	// Clock backwards: a ban never lasts longer than the ban time from now.
	b.Strike(Hash("x"), now)
	b.Strike(Hash("x"), now)
	b.Strike(Hash("x"), now)
	if ok, left := b.Banned(Hash("x"), now-3600*sec); !ok || left != 60*sec {
		t.Fatalf("after clock step: banned=%v left=%d", ok, left)
	}
}

func TestAppendClientIP(t *testing.T) {
	cases := []struct{ in, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
		{"fe80::1%eth0", "fe80::/64"},
		{"not-an-ip", "invalid:not-an-ip"},
	}
	for _, c := range cases {
		if got := string(AppendClientIP(nil, c.in, 32, 64)); got != c.want {
			t.Errorf("%q → %q, want %q", c.in, got, c.want)
		}
	}
	if got := string(AppendClientIP(nil, "192.0.2.7", 24, 64)); got != "192.0.2.0/24" {
		t.Errorf("v4 /24: %q", got)
	}
}

func TestKeyParts(t *testing.T) {
	a := AppendKeyPart(AppendKeyPart(nil, "a:b"), "c")
	b := AppendKeyPart(AppendKeyPart(nil, "a"), "b:c")
	if string(a) == string(b) {
		t.Fatalf("composite keys collide: %q", a)
	}
}

func TestRegistry(t *testing.T) {
	var r Registry[*int]
	made, destroyed := 0, 0
	mk := func() (*int, error) { made++; v := made; return &v, nil }
	destroy := func(*int) { destroyed++ }
	a, relA, _ := r.Acquire("x", mk, destroy)
	// A reload: the new config acquires before the old one releases.
	b, relB, _ := r.Acquire("x", mk, destroy)
	if a != b || made != 1 {
		t.Fatal("a reload did not share the value")
	}
	relA()
	relA() // idempotent
	if destroyed != 0 {
		t.Fatal("destroyed while in use")
	}
	relB()
	if destroyed != 1 || r.Len() != 0 {
		t.Fatal("not destroyed after last release")
	}
}

// simulate runs clients goroutines against l for d of simulated time, with
// attempts spread evenly over it, and returns the number allowed.
func simulate(l *Limiter, clients, attempts int, d time.Duration, start int64) int64 {
	var clock atomic.Int64
	clock.Store(start)
	step := int64(d) / int64(clients*attempts)
	tick := func() int64 { return clock.Add(step) }
	h := Hash("shared")
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range attempts {
				if l.AllowClock(h, tick).Allowed {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return allowed.Load()
}

// TestAccuracyLocal: 8 concurrent clients against 100 req/s for 10 s.
// Expected: the rate × time plus the burst that was available at the start.
func TestAccuracyLocal(t *testing.T) {
	cases := []struct {
		burst int64
		want  float64
	}{
		{1, 1000 + 1},
		{0, 1000 + 100}, // default burst = count
	}
	for _, c := range cases {
		l := mustLimiter(t, 1000, Limit{Count: 100, Period: time.Second, Burst: c.burst})
		got := float64(simulate(l, 8, 5000, 10*time.Second, 1000*sec))
		if got < c.want*0.98 || got > c.want*1.02 {
			t.Errorf("burst %d: allowed %.0f, want %.0f ±2%%", c.burst, got, c.want)
		} else {
			t.Logf("burst %d: allowed %.0f of %.0f", c.burst, got, c.want)
		}
	}
}
