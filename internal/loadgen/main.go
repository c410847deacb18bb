// Command loadgen sends a bounded number of HTTP requests to a loopback URL
// and reports throughput and latency percentiles. It is the measuring half of
// scripts/load.sh; it refuses any host that is not loopback, so a typo cannot
// turn it against someone else's server.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	var (
		target      = flag.String("url", "", "loopback URL to load")
		method      = flag.String("method", http.MethodGet, "request method")
		body        = flag.String("body", "", "request body (use @file to read a file)")
		requests    = flag.Int("n", 5000, "number of requests")
		concurrency = flag.Int("c", 8, "concurrent connections")
		maxDuration = flag.Duration("max", 60*time.Second, "stop after this long even if -n is not reached")
		wantStatus  = flag.Int("status", 0, "expected status code (0: any); others count as errors")
		label       = flag.String("label", "", "label printed in front of the result line")
		headers     headerFlags
	)
	flag.Var(&headers, "H", "request header 'Name: value' (repeatable)")
	flag.Parse()

	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		fatalf("-url: need an absolute URL, got %q", *target)
	}
	if !isLoopback(u.Hostname()) {
		fatalf("-url: %s is not a loopback host; loadgen only targets 127.0.0.0/8, ::1 or localhost", u.Hostname())
	}
	payload := []byte(*body)
	if strings.HasPrefix(*body, "@") {
		if payload, err = os.ReadFile(strings.TrimPrefix(*body, "@")); err != nil {
			fatalf("-body: %v", err)
		}
	}

	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency, DisableCompression: true},
	}
	latencies := make([]time.Duration, *requests)
	var (
		next, errs int
		mu         sync.Mutex
		wg         sync.WaitGroup
	)
	deadline := time.Now().Add(*maxDuration)
	start := time.Now()
	for range *concurrency {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= *requests || time.Now().After(deadline) {
					return
				}
				req, _ := http.NewRequest(*method, *target, bytes.NewReader(payload))
				for _, h := range headers {
					name, value, _ := strings.Cut(h, ":")
					req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				latencies[i] = time.Since(t0)
				if err != nil || (*wantStatus != 0 && resp.StatusCode != *wantStatus) {
					mu.Lock()
					errs++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	done := min(next, *requests)
	lat := slices.Clone(latencies[:done])
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	fmt.Printf("%-28s requests=%d errors=%d rps=%.0f p50=%s p90=%s p99=%s\n",
		*label, done, errs, float64(done)/elapsed.Seconds(), pct(0.50), pct(0.90), pct(0.99))
	if errs > 0 {
		os.Exit(1)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(2)
}
