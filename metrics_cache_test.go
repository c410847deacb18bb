package gatehouse

import (
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestCounterCache: the cached children are the vector's own (counts land
// in the series WithLabelValues names), one per label set, also when
// resolved by many goroutines at once.
func TestCounterCache(t *testing.T) {
	one := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "one_total"}, []string{"a"})
	two := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "two_total"}, []string{"a", "b"})
	c1, c2 := counterCache{vec: one}, counterCache{vec: two}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				c1.get([]string{"x", "y"}[(g+i)%2]).Inc()
				c2.get2("allowed", []string{"jwt", "api_key", "preflight"}[i%3]).Inc()
			}
		}()
	}
	wg.Wait()
	if got := testutil.ToFloat64(one.WithLabelValues("x")) + testutil.ToFloat64(one.WithLabelValues("y")); got != 800 {
		t.Errorf("one-label counts %v, want 800", got)
	}
	if got := testutil.ToFloat64(two.WithLabelValues("allowed", "jwt")); got != 8*34 {
		t.Errorf("allowed/jwt %v, want %d", got, 8*34)
	}
	if n := testutil.CollectAndCount(two); n != 3 {
		t.Errorf("%d series, want 3", n)
	}
	if c2.get2("allowed", "jwt") != two.WithLabelValues("allowed", "jwt") {
		t.Error("cached child is not the vector's")
	}
	if m := c2.m.Load(); m == nil || len(*m) != 3 {
		t.Errorf("cache holds %v", m)
	}
}

func BenchmarkCounterCache(b *testing.B) {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bench_total"}, []string{"result", "reason"})
	c := counterCache{vec: vec}
	method := string([]byte("jwt")) // not a constant, as an identity's method is not
	b.Run("WithLabelValues", func(b *testing.B) {
		for b.Loop() {
			vec.WithLabelValues("allowed", method).Inc()
		}
	})
	b.Run("cache", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.get2("allowed", method).Inc()
		}
	})
}
