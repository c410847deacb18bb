package limits

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkAllow is the local decision of a single-key, single-limit rule:
// hash the key, lock its shard, read the clock, one GCRA step. The target
// is ≤ 150 ns and 0 allocations.
func BenchmarkAllow(b *testing.B) {
	l := mustLimiter(b, 100_000, Limit{Count: 1_000_000, Period: time.Second})
	clock := MonotonicClock()
	key := []byte("203.0.113.7")
	b.ReportAllocs()
	for b.Loop() {
		l.AllowClock(HashBytes(key), clock)
	}
}

// BenchmarkAllowParallel: every CPU on distinct keys (shards spread them).
func BenchmarkAllowParallel(b *testing.B) {
	l := mustLimiter(b, 100_000, Limit{Count: 1_000_000, Period: time.Second})
	clock := MonotonicClock()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		key := []byte("203.0.113.0")
		i := 0
		for pb.Next() {
			key[len(key)-1] = byte('0' + i%10)
			i++
			l.AllowClock(HashBytes(key), clock)
		}
	})
}

// BenchmarkAllowFullTable: a full 1M-key table under a flood of new keys
// (every decision evicts).
func BenchmarkAllowFullTable(b *testing.B) {
	l := mustLimiter(b, 1<<20, Limit{Count: 10, Period: time.Second})
	clock := MonotonicClock()
	for i := range 1 << 20 {
		l.AllowHash(uint64(i)*0x9E3779B97F4A7C15, clock())
	}
	b.ReportAllocs()
	i := uint64(1 << 21)
	for b.Loop() {
		i++
		l.AllowClock(i*0x9E3779B97F4A7C15, clock)
	}
}

// TestTableMemory measures the heap a table of 1M keys holds, for one
// limit and for two (the figure in the docs).
func TestTableMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 1M keys")
	}
	for _, width := range []int{1, 2} {
		lims := []Limit{{Count: 10, Period: time.Second}, {Count: 1000, Period: 24 * time.Hour}}[:width]
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		l := mustLimiter(t, 1_000_000, lims...)
		for i := range 1_000_000 {
			l.Allow("k"+strconv.Itoa(i), int64(i))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		mb := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		t.Logf("%d limit(s): 1M keys hold %.1f MiB (%.0f bytes/key), %d keys, %d evictions",
			width, mb, mb*(1<<20)/1e6, l.Table().Len(), l.Table().Evictions())
		if mb > 80 {
			t.Errorf("1M keys take %.1f MiB, documented bound 80 MiB", mb)
		}
		runtime.KeepAlive(l)
	}
}
