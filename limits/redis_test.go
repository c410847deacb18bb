package limits

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-dev/caddy-gatehouse/limits/redistest"
)

func newTestStore(t *testing.T, addr string) *Store {
	t.Helper()
	st, err := NewStore(RedisConfig{Addrs: []string{addr}, Timeout: 200 * time.Millisecond, Prefix: "t" + t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestRedisDecide checks the script against the Go engine's semantics:
// burst, refusal without charge, concurrency slots, bans and TTLs.
func TestRedisDecide(t *testing.T) {
	srv := redistest.Start(t)
	st := newTestStore(t, srv.Addr)
	ctx := context.Background()
	lims := []Limit{{Name: "s", Count: 10, Period: time.Second, Burst: 3}, {Name: "d", Count: 5, Period: 24 * time.Hour, Quota: true}}
	d := &Decision{
		LimitKeys: []string{st.Key("rl", "r:0", []byte("k")), st.Key("rl", "r:1", []byte("k"))},
		Limits:    lims,
	}
	for i := range 3 {
		out, err := st.Decide(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if !out.Allowed || out.Remaining[0] != int64(2-i) || out.Remaining[1] != int64(4-i) {
			t.Fatalf("request %d: %+v", i, out)
		}
	}
	out, err := st.Decide(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if out.Allowed || out.Denied != 0 || out.RetryAfter <= 0 || out.RetryAfter > int64(100*time.Millisecond) {
		t.Fatalf("4th: %+v", out)
	}
	// Not charged to the daily quota.
	if out.Remaining[1] != 2 {
		t.Fatalf("refused request was charged to the quota: %+v", out)
	}
	// TTLs: every key expires.
	for _, k := range d.LimitKeys {
		if ttl := st.client.PTTL(ctx, k).Val(); ttl <= 0 {
			t.Fatalf("key %s has no TTL (%v)", k, ttl)
		}
	}

	// Concurrency: two slots.
	c := &Decision{ConcurrencyKey: st.Key("cc", "r", []byte("k")), Concurrency: 2, Lease: time.Minute}
	var tokens []string
	for i := range 3 {
		c.Token = NewToken("test-")
		out, err := st.Decide(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if (i < 2) != out.Allowed || (i == 2) != out.ConcurrencyFull {
			t.Fatalf("slot %d: %+v", i, out)
		}
		if out.Allowed {
			tokens = append(tokens, c.Token)
		}
	}
	if err := st.Release(ctx, c.ConcurrencyKey, tokens[0]); err != nil {
		t.Fatal(err)
	}
	c.Token = NewToken("test-")
	if out, _ := st.Decide(ctx, c); !out.Allowed {
		t.Fatalf("after release: %+v", out)
	}

	// Bans: 3 strikes within the window ban.
	sk, bk := st.Key("st", "b", []byte("1.2.3.4")), st.Key("ban", "b", []byte("1.2.3.4"))
	for i := range 3 {
		banned, err := st.Strike(ctx, sk, bk, 3, time.Minute, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if banned != (i == 2) {
			t.Fatalf("strike %d: banned=%v", i, banned)
		}
	}
	d.BanKeys = []string{st.Key("ban", "b", []byte("other")), bk}
	out, err = st.Decide(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Banned || out.BanIndex != 1 || out.BanLeft < int64(59*time.Minute) {
		t.Fatalf("banned: %+v", out)
	}
}

// TestRedisAccuracy: 8 concurrent clients against 100 req/s for 10 s of
// real time through Redis (Redis's TIME is the clock, so this one cannot
// use an injected clock; skipped with -short).
func TestRedisAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("10 s of real time")
	}
	srv := redistest.Start(t)
	st := newTestStore(t, srv.Addr)
	d := &Decision{LimitKeys: []string{st.Key("rl", "acc", []byte("k"))}, Limits: []Limit{{Count: 100, Period: time.Second}}}
	var allowed, errs, attempts atomic.Int64
	stop := time.Now().Add(10 * time.Second)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				out, err := st.Decide(context.Background(), d)
				attempts.Add(1)
				switch {
				case err != nil:
					errs.Add(1)
				case out.Allowed:
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	// The limit over 10 s: 100/s × 10 s plus the burst (100, the default)
	// available at the start.
	got, want := float64(allowed.Load()), 1000.0+100
	t.Logf("allowed %.0f of %.0f through Redis in %d attempts (%d errors)", got, want, attempts.Load(), errs.Load())
	if errs.Load() > 0 {
		t.Errorf("%d Redis errors", errs.Load())
	}
	if got < want*0.98 || got > want*1.02 {
		t.Errorf("allowed %.0f, want %.0f ±2%%", got, want)
	}
}

// TestRedisDown: a dead server gives an error fast, the store backs off,
// and it works again once the server is back (with its script cache
// empty: EVALSHA falls back to EVAL).
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	st, err := NewStore(RedisConfig{Addrs: []string{srv.Addr}, Timeout: 100 * time.Millisecond, Backoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := &Decision{LimitKeys: []string{st.Key("rl", "down", []byte("k"))}, Limits: []Limit{{Count: 10, Period: time.Second}}}
	if _, err := st.Decide(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	start := time.Now()
	if _, err := st.Decide(context.Background(), d); err == nil {
		t.Fatal("no error with Redis down")
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("error took %v", el)
	}
	if st.Available() {
		t.Fatal("store still available right after an error")
	}
	srv.Restart()
	time.Sleep(60 * time.Millisecond)
	if !st.Available() {
		t.Fatal("store not available after the backoff")
	}
	var lastErr error
	for range 20 {
		if _, lastErr = st.Decide(context.Background(), d); lastErr == nil {
			return
		}
		time.Sleep(60 * time.Millisecond)
	}
	t.Fatalf("store did not recover: %v", lastErr)
}

// BenchmarkRedisDecide is the cost of one shared decision (one EVALSHA
// round trip on loopback): sequential, and with 16 callers in parallel
// over the pool.
func BenchmarkRedisDecide(b *testing.B) {
	srv := redistest.Start(b)
	st, err := NewStore(RedisConfig{Addrs: []string{srv.Addr}, Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	d := &Decision{LimitKeys: []string{st.Key("rl", "bench", []byte("k"))}, Limits: []Limit{{Count: 1 << 40, Period: time.Second}}}
	ctx := context.Background()
	b.Run("sequential", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := st.Decide(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel16", func(b *testing.B) {
		b.SetParallelism(8) // × GOMAXPROCS 2 = 16 callers
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := st.Decide(ctx, d); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
