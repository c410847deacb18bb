package gatehouse

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// lockedRecorder is a client side that the flush timer's goroutine and the
// test may use at once.
type lockedRecorder struct {
	mu      sync.Mutex
	rec     *httptest.ResponseRecorder
	flushes int
}

func newLockedRecorder() *lockedRecorder { return &lockedRecorder{rec: httptest.NewRecorder()} }

func (l *lockedRecorder) Header() http.Header { return l.rec.Header() }

func (l *lockedRecorder) WriteHeader(code int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rec.WriteHeader(code)
}

func (l *lockedRecorder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rec.Write(p)
}

func (l *lockedRecorder) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushes++
	l.rec.Flush()
}

// seen returns the body so far and the flushes that reached the client.
func (l *lockedRecorder) seen() (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rec.Body.String(), l.flushes
}

// flushBody is a JSON array of n records, one e-mail each.
func flushBody(n int) (head, tail string) {
	var sb strings.Builder
	sb.WriteByte('[')
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"mail":"user%d@example.com","note":"left at the front door"}`, i, i)
	}
	s := sb.String()
	cut := strings.LastIndexByte(s[:len(s)/2], ',')
	return s[:cut], s[cut:] + "]"
}

// chunkedUpstream answers like reverse_proxy in front of a chunked
// backend: each write followed by a flush; between writes it runs pause.
func chunkedUpstream(ct string, extra http.Header, parts []string, pause func(i int)) caddyhttp.Handler {
	return caddyhttp.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Content-Type", ct)
		for k, v := range extra {
			w.Header()[k] = v
		}
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		for i, p := range parts {
			if i > 0 && pause != nil {
				pause(i)
			}
			if _, err := w.Write([]byte(p)); err != nil {
				return err
			}
			if err := rc.Flush(); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestFlushDelayHoldsDocument: a JSON document whose upstream flushes
// after every write reaches the client whole, masked, with its length and
// no flush, when it ends within the delay.
func TestFlushDelayHoldsDocument(t *testing.T) {
	h := newTestRedact(t, nil)
	head, tail := flushBody(200) // ~17 KB: past the 8 KiB output buffer
	client := newLockedRecorder()
	r := newTestRequest(http.MethodGet, "/orders", client)
	if err := h.ServeHTTP(client, r, chunkedUpstream("application/json", nil, []string{head[:5000], head[5000:], tail}, nil)); err != nil {
		t.Fatal(err)
	}
	body, flushes := client.seen()
	if flushes != 0 {
		t.Errorf("%d flushes reached the client", flushes)
	}
	if got := client.Header().Get("Content-Length"); got != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %q for a %d-byte body", got, len(body))
	}
	if strings.Contains(body, "@example.com") || !strings.HasSuffix(body, "]") || !strings.Contains(body, `"id":199`) {
		t.Errorf("body not whole or not masked: %.100q…%.60q", body, body[max(0, len(body)-60):])
	}
}

// TestFlushDelaySendsWhenDue: a document that does not end within the
// delay starts streaming when it is up, without waiting for the upstream.
func TestFlushDelaySendsWhenDue(t *testing.T) {
	h := newTestRedact(t, func(h *ResponseRedact) { h.FlushDelay = -1 })
	h.flushDelay = 20 * time.Millisecond
	head, tail := flushBody(50)
	client := newLockedRecorder()
	r := newTestRequest(http.MethodGet, "/watch", client)
	var early string
	wait := func(int) {
		// The upstream is idle until the client has what came before.
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if b, n := client.seen(); n > 0 {
				early = b
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	if err := h.ServeHTTP(client, r, chunkedUpstream("application/json", nil, []string{head, tail}, wait)); err != nil {
		t.Fatal(err)
	}
	if early == "" || !strings.Contains(early, `"id":0`) {
		t.Fatalf("nothing reached the client while the upstream waited: %.80q", early)
	}
	body, _ := client.seen()
	if client.Header().Get("Content-Length") != "" {
		t.Errorf("a streamed body has a Content-Length")
	}
	if strings.Contains(body, "@example.com") || !strings.HasSuffix(body, "]") {
		t.Errorf("body not whole or not masked: %.100q", body)
	}
}

// TestFlushPassesAtOnce: streams (NDJSON, json-seq, incremental delivery,
// text) and flush_delay off pass every flush on when it is asked for.
func TestFlushPassesAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ct    string
		extra http.Header
		delay time.Duration // 0: the default
	}{
		{"ndjson", "application/x-ndjson", nil, 0},
		{"json-seq", "application/json-seq", nil, 0},
		{"incremental", "application/json", http.Header{"Incremental": {"?1"}}, 0},
		{"text", "text/plain", nil, 0},
		{"trailers", "application/json", http.Header{"Trailer": {"X-Checksum"}}, 0},
		{"flush_delay off", "application/json", nil, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestRedact(t, func(h *ResponseRedact) { h.FlushDelay = caddy.Duration(tc.delay) })
			parts := []string{`{"n":1,"mail":"jane.roe@example.com"}` + "\n", `{"n":2}` + "\n"}
			client := newLockedRecorder()
			r := newTestRequest(http.MethodGet, "/events", client)
			var atFirst string
			wait := func(int) { atFirst, _ = client.seen() }
			if err := h.ServeHTTP(client, r, chunkedUpstream(tc.ct, tc.extra, parts, wait)); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(atFirst, `"n":1`) {
				t.Errorf("the first flush did not reach the client: %q", atFirst)
			}
			if body, _ := client.seen(); strings.Contains(body, "jane.roe@example.com") {
				t.Errorf("e-mail leaked: %q", body)
			}
		})
	}
}

// TestFlushDelayPastHold: a document past the hold streams as it comes
// (chunked, flushes passed on), masked throughout.
func TestFlushDelayPastHold(t *testing.T) {
	h := newTestRedact(t, nil)
	head, tail := flushBody(2000) // ~150 KB
	parts := []string{head[:len(head)/2], head[len(head)/2:], tail}
	client := newLockedRecorder()
	r := newTestRequest(http.MethodGet, "/export", client)
	if err := h.ServeHTTP(client, r, chunkedUpstream("application/json", nil, parts, nil)); err != nil {
		t.Fatal(err)
	}
	body, flushes := client.seen()
	if flushes == 0 {
		t.Error("no flush reached the client past the hold")
	}
	if client.Header().Get("Content-Length") != "" {
		t.Error("a streamed body has a Content-Length")
	}
	if strings.Contains(body, "@example.com") || !strings.Contains(body, `"id":1999`) || !strings.HasSuffix(body, "]") {
		t.Errorf("body not whole or not masked (%d bytes)", len(body))
	}
}

// TestFlushTimerInterleaving: however the upstream splits and flushes a
// body, and whenever the flush timer fires between its writes, the client
// gets the same masked bytes as from one write.
func TestFlushTimerInterleaving(t *testing.T) {
	head, tail := flushBody(1200) // ~90 KB: held, then past the hold
	body := head + tail
	serve := func(h *ResponseRedact, parts []string, pause func(int)) string {
		client := newLockedRecorder()
		r := newTestRequest(http.MethodGet, "/orders", client)
		if err := h.ServeHTTP(client, r, chunkedUpstream("application/json", nil, parts, pause)); err != nil {
			t.Fatal(err)
		}
		got, _ := client.seen()
		return got
	}
	want := serve(newTestRedact(t, nil), []string{body}, nil)
	if strings.Contains(want, "@example.com") {
		t.Fatal("reference not masked")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, delay := range []time.Duration{time.Microsecond, 200 * time.Microsecond, 50 * time.Millisecond} {
		h := newTestRedact(t, nil)
		h.flushDelay = delay
		for range 20 {
			var parts []string
			for rest := body; rest != ""; {
				n := min(len(rest), 1+rng.IntN(20000))
				parts, rest = append(parts, rest[:n]), rest[n:]
			}
			pause := func(int) {
				if rng.IntN(3) == 0 {
					time.Sleep(time.Duration(rng.IntN(300)) * time.Microsecond)
				}
			}
			if got := serve(h, parts, pause); got != want {
				t.Fatalf("delay %v, %d parts: output differs (%d bytes, want %d)", delay, len(parts), len(got), len(want))
			}
		}
	}
}
