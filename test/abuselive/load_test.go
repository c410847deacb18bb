package abuselive

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"

	"github.com/gatehouse-dev/caddy-gatehouse/limits/redistest"
)

// TestLoadLocalVsRedis measures throughput and p99 latency of one Caddy
// on loopback proxying to a small backend: plain reverse_proxy, with
// abuse_control on local limits, and on Redis limits (the limit is never
// reached: this is the cost of deciding, RateLimit headers included).
// The load generator shares the machine with Caddy and Redis, so the
// ratios are what matter. Run with ABUSELIVE_LOAD=1 (seconds per run in
// ABUSELIVE_LOAD_SECONDS, default 3).
func TestLoadLocalVsRedis(t *testing.T) {
	skipShort(t)
	if os.Getenv("ABUSELIVE_LOAD") == "" {
		t.Skip("load measurement: set ABUSELIVE_LOAD=1")
	}
	dur := 3 * time.Second
	if s := os.Getenv("ABUSELIVE_LOAD_SECONDS"); s != "" {
		if d, err := time.ParseDuration(s + "s"); err == nil {
			dur = d
		}
	}
	srv := redistest.Start(t)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	defer backend.Close()
	up := strings.TrimPrefix(backend.URL, "http://")
	tester := caddytest.NewTester(t)
	tester.InitServer(globals+`
http://:9111 {
	reverse_proxy `+up+`
}
http://:9112 {
	abuse_control {
		rule load_local {
			rate 1000000000/s
		}
	}
	reverse_proxy `+up+`
}
http://:9113 {
	abuse_control {
		rule load_redis {
			rate 1000000000/s
		}
		redis `+srv.Addr+` {
			timeout 50ms
			pool_size 64
		}
	}
	reverse_proxy `+up+`
}
`, "caddyfile")

	type result struct {
		rps float64
		p50 time.Duration
		p99 time.Duration
	}
	run := func(url string) result {
		tr := &http.Transport{MaxIdleConnsPerHost: 64}
		defer tr.CloseIdleConnections()
		c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
		var mu sync.Mutex
		var lat []time.Duration
		stop := time.Now().Add(dur)
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for time.Now().Before(stop) {
					start := time.Now()
					resp, err := c.Get(url)
					if err != nil {
						t.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						t.Errorf("%s: %d", url, resp.StatusCode)
						return
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		slices.Sort(lat)
		if len(lat) == 0 {
			return result{}
		}
		return result{
			rps: float64(len(lat)) / dur.Seconds(),
			p50: lat[len(lat)/2],
			p99: lat[len(lat)*99/100],
		}
	}
	names := []string{"plain", "local", "redis"}
	urls := []string{"http://127.0.0.1:9111/", "http://127.0.0.1:9112/", "http://127.0.0.1:9113/"}
	runs := make([][]result, 3)
	for range 3 { // interleaved rounds; the median is reported
		for i, u := range urls {
			runs[i] = append(runs[i], run(u))
		}
	}
	med := make([]result, 3)
	for i := range runs {
		rs := runs[i]
		slices.SortFunc(rs, func(a, b result) int { return int(a.rps - b.rps) })
		med[i] = rs[1]
	}
	for i, m := range med {
		t.Logf("%-5s %8.0f req/s (%.2f of plain)  p50 %v  p99 %v", names[i], m.rps, m.rps/med[0].rps, m.p50.Round(time.Microsecond), m.p99.Round(time.Microsecond))
	}
	t.Logf("redis/local throughput %.2f; p99 added by Redis %v", med[2].rps/med[1].rps, (med[2].p99 - med[1].p99).Round(time.Microsecond))
	if med[2].rps < 0.70*med[1].rps {
		t.Errorf("Redis mode at %.2f of local mode's throughput, want ≥ 0.70", med[2].rps/med[1].rps)
	}
}
