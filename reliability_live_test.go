package gatehouse

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"
)

// reliabilitySite is a gateway with all four modules in front of backend;
// extraRule adds an allow rule (the marker of a config generation).
func reliabilitySite(backend, secret, extraRule string) string {
	return `{
	admin localhost:2999
	http_port 9080
	https_port 9443
	grace_period 5s
	skip_install_trust
	servers {
		timeouts {
			read_header 2s
			read_body 5s
		}
	}
}
http://localhost:9080 {
	request_filter {
		max_body_size 1MiB
	}
	api_auth {
		issuer https://idp.test {
			secret base64:` + secret + ` HS256
			audience gatehouse-test
		}
		optional
	}
	access_control {
		allow public {
			path_prefix /public
		}
		` + extraRule + `
		default deny
	}
	response_redact
	# Connections that an old config's proxy parks after its last
	# request close after this idle time (Caddy's default: 2m).
	reverse_proxy ` + backend + ` {
		transport http {
			keepalive 1s
		}
	}
}
`
}

func reliabilityBackend() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true,"owner":"ada@example.com"}`)
	}))
}

// TestReloadUnderLoad posts 50 configs to the admin API while clients send
// requests, alternating valid and invalid ones: no client request fails,
// every invalid config is refused with 400 and the old one keeps serving,
// every valid one is in force at once, and goroutines and heap return to
// their baseline afterwards.
func TestReloadUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("live Caddy test")
	}
	backend := reliabilityBackend()
	defer backend.Close()
	upstream := strings.TrimPrefix(backend.URL, "http://")
	secret := base64.StdEncoding.EncodeToString([]byte("reload-under-load-secret-0123456789abcdef"))
	tester := caddytest.NewTester(t)
	tester.InitServer(reliabilitySite(upstream, secret, ""), "caddyfile")

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var retried atomic.Int64
	get := func(path string) (int, error) {
		var reused bool
		req, _ := http.NewRequest("GET", "http://localhost:9080"+path, nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }}))
		resp, err := client.Do(req)
		if err != nil && !reused && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
			// A connection that the old config's server accepted in
			// the instant it stopped accepting can be closed before any
			// byte of a response: EOF (or a reset, when the request
			// was already in its buffer) on a fresh connection, which Go's
			// client does not replay by itself. Any client may retry
			// that safely, and this one does, once; every request must
			// then succeed.
			retried.Add(1)
			resp, err = client.Get("http://localhost:9080" + path)
		}
		if err != nil {
			return 0, fmt.Errorf("reused=%v: %w", reused, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	for range 20 { // warm pools before the baseline is taken
		_, _ = get("/public/x")
	}
	runtime.GC()
	baseGoroutines := runtime.NumGoroutine()

	var sent, failed atomic.Int64
	var firstErr atomic.Value
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				status, err := get("/public/items")
				sent.Add(1)
				if err != nil || status != http.StatusOK {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d err %v", status, err))
				}
			}
		}()
	}

	// A new connection per POST: Caddy replaces its admin server with
	// every config it loads, closing the connections of the old one, so a
	// kept-alive connection may be dead by the next POST (which the HTTP
	// client does not retry: POST is not idempotent).
	admin := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 50 {
		valid := i%2 == 0
		rule := fmt.Sprintf("allow gen%d {\n\t\t\tpath_prefix /gen%d\n\t\t}", i, i)
		if !valid {
			rule = fmt.Sprintf("allow gen%d {\n\t\t\tclient_ip 10.0.0.%d00/8\n\t\t}", i, i+3)
		}
		resp, err := postConfig(admin, reliabilitySite(upstream, secret, rule))
		if err != nil {
			t.Fatalf("config %d: %v", i, err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case valid && resp.StatusCode != http.StatusOK:
			t.Fatalf("valid config %d refused: %d %s", i, resp.StatusCode, msg)
		case !valid && resp.StatusCode != http.StatusBadRequest:
			t.Fatalf("invalid config %d: %d %s, want 400", i, resp.StatusCode, msg)
		}
		// The newest valid generation is in force, the previous one not.
		last := i
		if !valid {
			last = i - 1
		}
		if status, err := get(fmt.Sprintf("/gen%d/x", last)); err != nil || status != http.StatusOK {
			t.Errorf("after config %d: /gen%d → %d %v, want 200", i, last, status, err)
		}
		if last >= 2 {
			if status, _ := get(fmt.Sprintf("/gen%d/x", last-2)); status != http.StatusForbidden {
				t.Errorf("after config %d: /gen%d → %d, want 403 (rule gone)", i, last-2, status)
			}
		}
	}
	stop()
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d of %d client requests failed during reloads; first: %v", failed.Load(), sent.Load(), firstErr.Load())
	}
	if sent.Load() < 100 {
		t.Errorf("only %d requests sent during the reloads", sent.Load())
	}
	client.CloseIdleConnections()

	// Old configs' goroutines (JWKS refreshers, servers, log writers) end.
	var now int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		runtime.GC()
		if now = runtime.NumGoroutine(); now <= baseGoroutines+10 {
			break
		}
	}
	if now > baseGoroutines+10 {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		counts := map[string]int{}
		for _, g := range strings.Split(string(buf), "\n\n") {
			lines := strings.Split(g, "\n")
			if len(lines) > 2 {
				counts[strings.TrimSpace(lines[len(lines)-2])]++
			}
		}
		t.Errorf("goroutines: %d after 25 reloads, %d before; by creator: %v", now, baseGoroutines, counts)
	}
	t.Logf("%d requests during 50 config loads, 0 failed (%d retried after EOF on a fresh connection); goroutines %d → %d", sent.Load(), retried.Load(), baseGoroutines, now)
}

// TestFloodsKeepLegitimateTraffic sends attacks, 100 MB bodies, slow
// clients and 64 KB URLs while legitimate requests flow: each bad request
// gets its documented status, the heap stays bounded, and the legitimate
// p99 stays within twice its quiet value (plus a small absolute allowance
// for scheduler noise on a shared machine).
func TestFloodsKeepLegitimateTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("live Caddy test")
	}
	backend := reliabilityBackend()
	defer backend.Close()
	secret := base64.StdEncoding.EncodeToString([]byte("flood-test-secret-0123456789abcdef0123"))
	tester := caddytest.NewTester(t)
	tester.InitServer(reliabilitySite(strings.TrimPrefix(backend.URL, "http://"), secret, ""), "caddyfile")

	client := &http.Client{Timeout: 10 * time.Second}
	legit := func(n int) []time.Duration {
		var lat []time.Duration
		for range n {
			start := time.Now()
			resp, err := client.Get("http://localhost:9080/public/items?page=2")
			if err != nil {
				t.Errorf("legitimate request: %v", err)
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("legitimate request: status %d", resp.StatusCode)
			}
			lat = append(lat, time.Since(start))
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		return lat
	}
	p99 := func(lat []time.Duration) time.Duration { return lat[len(lat)*99/100] }
	legit(50)
	quiet := p99(legit(400))
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	baseHeap := ms.HeapInuse

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var peakHeap atomic.Uint64
	// Each flood runs a few hundred requests per second: enough to fill
	// the gateway's work queue, while the load generators (in this very
	// process, on the same cores) leave the gateway CPU to answer.
	floodSent := map[string]*atomic.Int64{}
	flood := func(name string, want int, send func() (int, error)) {
		floodSent[name] = new(atomic.Int64)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				time.Sleep(2 * time.Millisecond)
				status, err := send()
				if ctx.Err() != nil {
					return
				}
				floodSent[name].Add(1)
				if err != nil || status != want {
					t.Errorf("%s #%d: status %d err %v, want %d", name, n, status, err, want)
					return
				}
			}
		}()
	}
	do := func(req *http.Request) (int, error) {
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	flood("attack", http.StatusForbidden, func() (int, error) {
		req, _ := http.NewRequest("GET", "http://localhost:9080/public/x?id=1%27%20UNION%20SELECT%20password%20FROM%20users--", nil)
		return do(req)
	})
	// Caddy's server limits the request line and headers to 16 KB
	// (max_header_size) and answers 431 before any handler runs; URLs
	// between max_uri_length (8 KB) and that limit get request_filter's 403.
	flood("64 KB URL", http.StatusRequestHeaderFieldsTooLarge, func() (int, error) {
		req, _ := http.NewRequest("GET", "http://localhost:9080/public/x?q="+strings.Repeat("a", 64<<10), nil)
		return do(req)
	})
	flood("100 MB body", http.StatusRequestEntityTooLarge, func() (int, error) {
		req, _ := http.NewRequest("POST", "http://localhost:9080/public/upload", io.LimitReader(zeroReader{}, 100<<20))
		req.ContentLength = 100 << 20
		req.Header.Set("Content-Type", "application/octet-stream")
		return do(req)
	})
	// Slow clients: headers trickled one byte at a time are cut off by
	// the server's read_header timeout.
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				c, err := net.Dial("tcp", "localhost:9080")
				if err != nil {
					return
				}
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				line := "GET /public/x HTTP/1.1\r\nHost: localhost:9080\r\nX-Slow: "
				for i := 0; i < len(line) && ctx.Err() == nil; i++ {
					if _, err := c.Write([]byte{line[i]}); err != nil {
						break
					}
					time.Sleep(150 * time.Millisecond)
				}
				_, _ = bufio.NewReader(c).ReadString('\n')
				c.Close()
			}
		}()
	}
	go func() {
		for ctx.Err() == nil {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peakHeap.Load() {
				peakHeap.Store(m.HeapInuse)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()

	time.Sleep(300 * time.Millisecond)
	loaded := p99(legit(400))
	stop()
	wg.Wait()

	for name, n := range floodSent {
		if n.Load() < 5 {
			t.Errorf("flood %q sent only %d requests", name, n.Load())
		}
	}
	const slack = 10 * time.Millisecond // scheduler noise on a shared 2-core machine
	if loaded > 2*quiet+slack && !raceEnabled {
		t.Errorf("legitimate p99 %v under floods, %v quiet: more than twice", loaded, quiet)
	}
	if grown := int64(peakHeap.Load()) - int64(baseHeap); grown > 96<<20 {
		t.Errorf("heap grew by %d MB under floods", grown>>20)
	}
	t.Logf("legitimate p99: quiet %v, under floods %v; peak heap +%d MB", quiet, loaded, (int64(peakHeap.Load())-int64(baseHeap))>>20)
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// postConfig loads a Caddyfile through the admin API. A connection the
// old admin server resets while it is being replaced fails in the dial,
// before the request is sent, so it is retried; any later error is not
// (the config may have been applied).
func postConfig(admin *http.Client, caddyfile string) (*http.Response, error) {
	for try := 0; ; try++ {
		resp, err := admin.Post("http://localhost:2999/load", "text/caddyfile", strings.NewReader(caddyfile))
		var op *net.OpError
		if err == nil || try == 20 || !errors.As(err, &op) || op.Op != "dial" {
			return resp, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
