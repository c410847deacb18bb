// Package abuselive runs abuse_control in real Caddy servers against a real
// redis-server: two instances sharing one Redis, Redis killed and brought
// back, and a config reload. It has its own ports (admin localhost:3010,
// HTTP 9110–9119) so it can run next to the root package's live tests.
//
// Run: go test ./test/abuselive (needs redis-server on PATH; Debian:
// apt-get install redis-server). -short skips it.
package abuselive

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"
	_ "github.com/caddyserver/caddy/v2/modules/standard"

	_ "github.com/gatehouse-dev/caddy-gatehouse"
	"github.com/gatehouse-dev/caddy-gatehouse/limits/redistest"
)

// childEnv names the Caddyfile a child process runs: the test binary
// re-executed as a second, separate Caddy instance (its own memory, its
// own local tables), as a second gateway behind a load balancer would be.
const childEnv = "GATEHOUSE_ABUSELIVE_CHILD_CONFIG"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		os.Args = []string{"caddy", "run", "--config", cfg, "--adapter", "caddyfile"}
		caddycmd.Main()
		return
	}
	caddytest.Default.AdminPort = 3010
	os.Exit(m.Run())
}

// globals is the in-process Caddy's global options block.
const globals = `{
	admin localhost:3010
	http_port 9110
	https_port 9119
	grace_period 1ns
	skip_install_trust
	persist_config off
}
`

// childGlobals is the global options block of the second Caddy process
// (startChild), a second instance of the fleet.
const childGlobals = `{
	admin off
	http_port 9117
	https_port 9118
	persist_config off
	skip_install_trust
}
`

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("live Caddy and Redis test")
	}
}

func get(t *testing.T, c *http.Client, url string) (int, http.Header) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// startChild runs a second Caddy instance (admin off) with caddyfile and
// waits until url answers.
func startChild(t *testing.T, caddyfile, url string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(path, []byte(caddyfile), 0o600); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir, "HOME="+dir)
	logf, err := os.Create(filepath.Join(dir, "child.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child caddy: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("child caddy log:\n%s", b)
		}
	})
	c := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := c.Get(url + "/ready")
		if err == nil {
			resp.Body.Close()
			return
		}
	}
	b, _ := os.ReadFile(logf.Name())
	t.Fatalf("child caddy did not answer on %s:\n%s", url, b)
}

// site is an abuse_control site whose limit only counts /api paths (so a
// readiness probe is free).
func site(addr, redisBlock, rule string) string {
	return fmt.Sprintf(`
http://:%s {
	handle /api/* {
		abuse_control {
			%s
			%s
		}
		respond "ok"
	}
	respond "ready"
}
`, addr, rule, redisBlock)
}

// TestTwoInstancesShareRedis: two Caddy processes, one Redis, one limit.
func TestTwoInstancesShareRedis(t *testing.T) {
	skipShort(t)
	srv := redistest.Start(t)
	redis := "redis " + srv.Addr + " {\n\t\t\ttimeout 500ms\n\t\t\tprefix shared\n\t\t}"
	rule := "rule shared {\n\t\t\tkey client_ip\n\t\t\trate 10/m\n\t\t}"

	tester := caddytest.NewTester(t)
	tester.InitServer(globals+site("9111", redis, rule), "caddyfile")
	startChild(t, childGlobals+site("9112", redis, rule), "http://127.0.0.1:9112")

	c := &http.Client{Timeout: 5 * time.Second}
	allowed := map[string]int{}
	total := 0
	var last http.Header
	for i := range 16 {
		url := "http://127.0.0.1:9111/api/x"
		if i%2 == 1 {
			url = "http://127.0.0.1:9112/api/x"
		}
		code, hdr := get(t, c, url)
		switch code {
		case http.StatusOK:
			allowed[url]++
			total++
		case http.StatusTooManyRequests:
			last = hdr
		default:
			t.Fatalf("%s: status %d", url, code)
		}
	}
	// Each instance alone would have allowed 8 of its 8; together they
	// must allow exactly the one limit of 10.
	if total != 10 {
		t.Fatalf("allowed %d across both instances (%v), want the shared limit 10", total, allowed)
	}
	if last == nil || last.Get("Retry-After") == "" || !strings.Contains(last.Get("RateLimit"), `"shared";r=0`) {
		t.Fatalf("429 headers: %v", last)
	}
}

// TestRedisKilled: with Redis gone, fail_open decides with local limits
// and fail_closed answers 503; both recover when Redis returns.
func TestRedisKilled(t *testing.T) {
	skipShort(t)
	srv := redistest.Start(t)
	redis := func(mode string) string {
		return "redis " + srv.Addr + " {\n\t\t\ttimeout 200ms\n\t\t\tbackoff 100ms\n\t\t\tprefix killed\n\t\t}\n\t\t\tfail_mode " + mode
	}
	tester := caddytest.NewTester(t)
	tester.InitServer(globals+
		site("9113", redis("open"), "rule killed_open {\n\t\t\trate 3/m\n\t\t}")+
		site("9114", redis("closed"), "rule killed_closed {\n\t\t\trate 100/m\n\t\t}"), "caddyfile")
	c := &http.Client{Timeout: 5 * time.Second}
	open, closed := "http://127.0.0.1:9113/api/x", "http://127.0.0.1:9114/api/x"

	if code, _ := get(t, c, open); code != 200 {
		t.Fatalf("open, Redis up: %d", code)
	}
	if code, _ := get(t, c, closed); code != 200 {
		t.Fatalf("closed, Redis up: %d", code)
	}

	srv.Stop()
	// fail_open: local limits, 3/m: three allowed locally, then refused.
	var codes []int
	for range 4 {
		code, _ := get(t, c, open)
		codes = append(codes, code)
	}
	if fmt.Sprint(codes) != "[200 200 200 429]" {
		t.Fatalf("fail_open with Redis down: %v, want local limits [200 200 200 429]", codes)
	}
	if code, hdr := get(t, c, closed); code != http.StatusServiceUnavailable || hdr.Get("Retry-After") != "1" {
		t.Fatalf("fail_closed with Redis down: %d %v", code, hdr)
	}
	metrics := func() string {
		resp, err := c.Get("http://localhost:3010/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if m := metrics(); !strings.Contains(m, `caddy_gatehouse_abuse_fallback_total{mode="closed"}`) ||
		!strings.Contains(m, `caddy_gatehouse_abuse_fallback_total{mode="open"}`) {
		t.Errorf("fallback not counted in metrics")
	}

	srv.Restart()
	// Recovery: after the backoff, Redis decides again (its counters are
	// empty after the restart, so the open site allows again).
	deadline := time.Now().Add(5 * time.Second)
	for {
		co, _ := get(t, c, closed)
		oo, _ := get(t, c, open)
		if co == 200 && oo == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after Redis came back: closed %d, open %d", co, oo)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// TestReloadKeepsCounters: a config reload (another site changed) does
// not reset the counters of an unchanged rule, locally or in Redis.
func TestReloadKeepsCounters(t *testing.T) {
	skipShort(t)
	srv := redistest.Start(t)
	redis := "redis " + srv.Addr + " {\n\t\t\ttimeout 500ms\n\t\t\tprefix reload\n\t\t}"
	local := site("9115", "", "rule reload_local {\n\t\t\trate 3/m\n\t\t}")
	shared := site("9116", redis, "rule reload_redis {\n\t\t\trate 3/m\n\t\t}")
	tester := caddytest.NewTester(t)
	tester.InitServer(globals+local+shared, "caddyfile")
	c := &http.Client{Timeout: 5 * time.Second}
	for _, port := range []string{"9115", "9116"} {
		for i := range 2 {
			if code, _ := get(t, c, "http://127.0.0.1:"+port+"/api/x"); code != 200 {
				t.Fatalf("%s request %d: %d", port, i, code)
			}
		}
	}
	// Reload with a change elsewhere in the config.
	tester.InitServer(globals+local+shared+"\nhttp://:9114 {\n\trespond \"new site\"\n}\n", "caddyfile")
	// The old servers close their idle keep-alive connections as they
	// stop: a request sent on one of them at that moment reads EOF.
	c.CloseIdleConnections()
	if code, _ := get(t, c, "http://127.0.0.1:9114/"); code != 200 {
		t.Fatal("the reload did not take")
	}
	for _, port := range []string{"9115", "9116"} {
		if code, _ := get(t, c, "http://127.0.0.1:"+port+"/api/x"); code != 200 {
			t.Fatalf("%s third request: %d", port, code)
		}
		if code, _ := get(t, c, "http://127.0.0.1:"+port+"/api/x"); code != 429 {
			t.Fatalf("%s: counters reset by the reload (fourth request %d, want 429)", port, code)
		}
	}
}

// TestBanSharedAcrossInstances: request_filter blocks seen by one
// instance ban the client on the other, through Redis.
func TestBanSharedAcrossInstances(t *testing.T) {
	skipShort(t)
	srv := redistest.Start(t)
	siteBan := func(port string) string {
		return fmt.Sprintf(`
http://:%s {
	handle /api/* {
		request_filter
		abuse_control {
			ban {
				after 3
				within 1m
				for 1m
			}
			redis %s {
				timeout 500ms
				prefix bans
			}
		}
		respond "ok"
	}
	respond "ready"
}
`, port, srv.Addr)
	}
	tester := caddytest.NewTester(t)
	tester.InitServer(globals+siteBan("9111"), "caddyfile")
	startChild(t, childGlobals+siteBan("9112"), "http://127.0.0.1:9112")
	c := &http.Client{Timeout: 5 * time.Second}
	if code, _ := get(t, c, "http://127.0.0.1:9112/api/x"); code != 200 {
		t.Fatalf("before: %d", code)
	}
	attack := "http://127.0.0.1:9111/api/x?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E"
	for i := range 3 {
		if code, _ := get(t, c, attack); code != http.StatusForbidden {
			t.Fatalf("attack %d: %d, want request_filter's 403", i, code)
		}
	}
	code, hdr := get(t, c, "http://127.0.0.1:9112/api/x")
	if code != http.StatusTooManyRequests {
		t.Fatalf("other instance after 3 blocks: %d, want 429 (banned through Redis)", code)
	}
	if ra := hdr.Get("Retry-After"); ra != "60" && ra != "59" {
		t.Errorf("Retry-After %q, want about 60", ra)
	}
	if code, _ := get(t, c, "http://127.0.0.1:9111/api/x"); code != http.StatusTooManyRequests {
		t.Fatalf("same instance after 3 blocks: %d", code)
	}
	resp, err := c.Get("http://localhost:3010/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `caddy_gatehouse_abuse_bans_total{kind="ip",source="request_filter"} 1`) {
		t.Errorf("ban not counted once in metrics")
	}
}
