package gatehouse

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/redact"
)

func TestResponseRedactEncodingsAndChunking(t *testing.T) {
	h := newTestRedact(t, nil)
	for _, coding := range []string{"identity", "gzip", "deflate", "deflate-raw", "zstd", "br"} {
		for _, chunk := range []int{0, 1, 7, 1000} {
			for _, size := range []int{300, 100 << 10} {
				if chunk == 1 && size > 1000 && testing.Short() {
					continue
				}
				name := fmt.Sprintf("%s/chunk%d/size%d", coding, chunk, size)
				body := secretJSONEscaped(size, "t")
				hdr := jsonHeader("Content-Length", "999", "Etag", `"abc"`, "Content-Md5", "x", "Digest", "sha-256=x",
					"Server", "gunicorn", "X-Powered-By", "Express", "Accept-Ranges", "bytes", "Cache-Control", "max-age=60")
				if coding != "identity" {
					hdr.Set("Content-Encoding", strings.TrimSuffix(coding, "-raw"))
				}
				up := &upstream{header: hdr, body: encodeBody(t, coding, body), chunk: chunk}
				res := serve(h, http.MethodGet, up, http.Header{"Range": {"bytes=0-10"}, "If-Range": {`"abc"`}})
				if res.err != nil || res.panicked != nil {
					t.Fatalf("%s: err %v panic %v", name, res.err, res.panicked)
				}
				got := res.rec.Body.Bytes()
				if leaked := leakedSecrets(got); len(leaked) > 0 {
					t.Errorf("%s: leaked %q", name, leaked)
				}
				if !bytes.Contains(got, []byte(`"note":"order shipped"`)) || !json.Valid(got) {
					t.Errorf("%s: body is not the masked JSON: %.200q", name, got)
				}
				rh := res.rec.Header()
				for _, k := range []string{"Content-Encoding", "Etag", "Content-Md5", "Digest", "Server", "X-Powered-By", "Accept-Ranges"} {
					if v := rh.Get(k); v != "" {
						t.Errorf("%s: header %s = %q survived", name, k, v)
					}
				}
				// The upstream's length is gone; a body held whole gets its own.
				if cl := rh.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(got)) {
					t.Errorf("%s: Content-Length %s for a %d-byte body", name, cl, len(got))
				}
				if size < outBufSize/2 && rh.Get("Content-Length") == "" {
					t.Errorf("%s: a small masked body lacks its Content-Length", name)
				}
				if rh.Get("Cache-Control") != "max-age=60" {
					t.Errorf("%s: unrelated header lost", name)
				}
				// The upstream was asked for identity and no range; the
				// original request keeps the client's headers.
				if ae := up.seenHdr.Get("Accept-Encoding"); ae != "identity" {
					t.Errorf("%s: upstream Accept-Encoding %q", name, ae)
				}
				if up.seenHdr.Get("Range") != "" || up.seenHdr.Get("If-Range") != "" {
					t.Errorf("%s: Range reached the upstream", name)
				}
				// ... and the client's own values are back for the access log.
				if up.seenReq.Header.Get("Accept-Encoding") == "identity" {
					t.Errorf("%s: the client's Accept-Encoding was not restored", name)
				}
			}
		}
	}
}

func TestResponseRedactHeadersAfterRewrite(t *testing.T) {
	h := newTestRedact(t, nil)
	tests := []struct {
		name       string
		method     string
		status     int
		header     http.Header
		body       []byte
		wantStatus int
		wantHeader map[string]string // "" = absent
		wantBody   string            // exact, when not "-"
	}{
		{
			name: "weak etag kept", method: "GET", status: 200,
			header:     jsonHeader("Etag", `W/"v1"`),
			body:       []byte(`{"a":1}`),
			wantStatus: 200, wantHeader: map[string]string{"Etag": `W/"v1"`}, wantBody: `{"a":1}`,
		},
		{
			name: "HEAD has no body and the GET's headers", method: "HEAD", status: 200,
			header:     jsonHeader("Content-Length", "5000", "Content-Encoding", "gzip", "Etag", `"s"`),
			wantStatus: 200, wantHeader: map[string]string{"Content-Length": "", "Content-Encoding": "", "Etag": ""}, wantBody: "",
		},
		{
			name: "204", method: "GET", status: 204, header: jsonHeader("X-Powered-By", "PHP"),
			wantStatus: 204, wantHeader: map[string]string{"X-Powered-By": ""}, wantBody: "",
		},
		{
			name: "304 drops strong etag", method: "GET", status: 304, header: jsonHeader("Etag", `"s"`),
			wantStatus: 304, wantHeader: map[string]string{"Etag": ""}, wantBody: "",
		},
		{
			name: "binary passes untouched, even compressed", method: "GET", status: 200,
			header: http.Header{"Content-Type": {"image/png"}, "Content-Encoding": {"gzip"}, "Content-Length": {"10"}, "Etag": {`"img"`}, "Server": {"nginx"}},
			body:   []byte("\x89PNG....."), wantStatus: 200,
			wantHeader: map[string]string{"Content-Encoding": "gzip", "Content-Length": "10", "Etag": `"img"`, "Server": ""}, wantBody: "\x89PNG.....",
		},
		{
			name: "206 of a masked type fails closed", method: "GET", status: 206,
			header: jsonHeader("Content-Range", "bytes 0-9/100"), body: []byte(`{"card":"4`),
			wantStatus: 502, wantHeader: map[string]string{"Content-Type": "", "Content-Range": ""}, wantBody: "",
		},
		{
			name: "206 multipart/byteranges fails closed", method: "GET", status: 206,
			header: http.Header{"Content-Type": {"multipart/byteranges; boundary=x"}}, body: []byte("--x"),
			wantStatus: 502, wantBody: "",
		},
		{
			name: "206 of video passes", method: "GET", status: 206,
			header: http.Header{"Content-Type": {"video/mp4"}, "Content-Range": {"bytes 0-3/100"}}, body: []byte("abcd"),
			wantStatus: 206, wantHeader: map[string]string{"Content-Range": "bytes 0-3/100"}, wantBody: "abcd",
		},
		{
			name: "unknown encoding fails closed", method: "GET", status: 200,
			header: jsonHeader("Content-Encoding", "compress", "Set-Cookie", "s=1"), body: []byte("\x1f\x9d..."),
			wantStatus: 502, wantHeader: map[string]string{"Content-Encoding": "", "Set-Cookie": ""}, wantBody: "",
		},
		{
			name: "corrupt gzip fails closed", method: "GET", status: 200,
			header: jsonHeader("Content-Encoding", "gzip"), body: []byte("\x1f\x8b\x08\x00garbage-garbage-garbage"),
			wantStatus: 502, wantBody: "",
		},
		{
			name: "known Content-Length over max_size fails before reading", method: "GET", status: 200,
			header:     jsonHeader("Content-Length", strconv.Itoa(defaultRedactMaxSize+1)),
			body:       []byte(`{"a":"b"}`),
			wantStatus: 502, wantBody: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := &upstream{status: tt.status, header: tt.header, body: tt.body}
			res := serve(h, tt.method, up, nil)
			if res.panicked != nil {
				t.Fatalf("panic: %v", res.panicked)
			}
			if got := res.status(); got != tt.wantStatus {
				t.Fatalf("status %d (err %v), want %d", got, res.err, tt.wantStatus)
			}
			for k, want := range tt.wantHeader {
				if got := res.rec.Header().Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if tt.wantBody != "-" && res.rec.Body.String() != tt.wantBody {
				t.Errorf("body %q, want %q", res.rec.Body.String(), tt.wantBody)
			}
		})
	}
}

func TestResponseRedactLimit(t *testing.T) {
	body := secretText(300 << 10)
	for _, tt := range []struct {
		name    string
		maxSize int64
		chunk   int
		coding  string
	}{
		// Below the engine window nothing has been emitted yet: clean 502.
		{"small limit identity", 2 << 10, 512, "identity"},
		{"small limit gzip", 2 << 10, 512, "gzip"},
		// Past the window the header is out: the connection is aborted.
		{"large limit identity", 64 << 10, 4096, "identity"},
		{"large limit br", 64 << 10, 4096, "br"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestRedact(t, func(h *ResponseRedact) { h.MaxSize = tt.maxSize })
			hdr := http.Header{"Content-Type": {"text/plain"}}
			if tt.coding != "identity" {
				hdr.Set("Content-Encoding", tt.coding)
			}
			up := &upstream{header: hdr, body: encodeBody(t, tt.coding, body), chunk: tt.chunk}
			res := serve(h, http.MethodGet, up, nil)
			got := res.rec.Body.Bytes()
			t.Logf("outcome: status %d, panic %v, %d body bytes", res.status(), res.panicked, len(got))
			switch {
			case res.panicked != nil:
				if res.panicked != http.ErrAbortHandler {
					t.Fatalf("panic %v, want http.ErrAbortHandler", res.panicked)
				}
			case res.status() == http.StatusBadGateway:
				if len(got) != 0 {
					t.Fatalf("502 with %d body bytes", len(got))
				}
			default:
				t.Fatalf("over-limit body neither failed nor aborted: status %d err %v", res.status(), res.err)
			}
			if int64(len(got)) > tt.maxSize+int64(len(body))/10 && int64(len(got)) > tt.maxSize*2 {
				t.Errorf("emitted %d bytes for a %d-byte limit", len(got), tt.maxSize)
			}
			if leaked := leakedSecrets(got); len(leaked) > 0 {
				t.Errorf("leaked %q", leaked)
			}
			if v := testutil.ToFloat64(h.metrics.responses.WithLabelValues(resultLimitFailed)); v < 1 {
				t.Errorf("limit_failed counter %v", v)
			}
		})
	}
}

func TestResponseRedactLimitPass(t *testing.T) {
	h := newTestRedact(t, func(h *ResponseRedact) { h.MaxSize = 4 << 10; h.OnLimit = onLimitPass })
	head := secretText(3 << 10)
	tail := []byte("tail card " + plantedSecrets[0] + "\n")
	body := append(append(bytes.Clone(head), bytes.Repeat([]byte("x"), 2<<10)...), tail...)
	up := &upstream{header: http.Header{"Content-Type": {"text/plain"}}, body: body, chunk: 1000}
	res := serve(h, http.MethodGet, up, nil)
	if res.err != nil || res.panicked != nil {
		t.Fatalf("err %v panic %v", res.err, res.panicked)
	}
	got := res.rec.Body.Bytes()
	if len(leakedSecrets(got[:len(head)])) > 0 {
		t.Errorf("secrets before the limit leaked")
	}
	if !bytes.HasSuffix(got, tail) {
		t.Errorf("bytes past the limit were not passed on (documented on_limit pass)")
	}
	if v := testutil.ToFloat64(h.metrics.responses.WithLabelValues(resultLimitPassed)); v != 1 {
		t.Errorf("limit_passed counter %v", v)
	}
}

func TestResponseRedactErrorPages(t *testing.T) {
	javaTrace := "java.lang.IllegalStateException: pool exhausted\n\tat com.acme.db.Pool.get(Pool.java:88)\n\tat com.acme.api.Users.find(Users.java:41)\n"
	sqlErr := `{"error":"SQLSTATE[42S22]: Column not found: 1054 Unknown column 'pwd' in 'field list'"}`
	clean := `{"error":"upstream unavailable","contact":"` + plantedSecrets[5] + `"}`
	tests := []struct {
		name        string
		mode        string
		status      int
		ct          string
		coding      string
		body        string
		wantGeneric bool
	}{
		{"java trace replaced", "", 500, "text/html", "identity", javaTrace, true},
		{"sql error replaced, gzip", "", 500, "application/json", "gzip", sqlErr, true},
		{"sql error replaced, zstd", "", 503, "application/json", "zstd", sqlErr, true},
		{"clean 5xx passes masked", "", 503, "application/json", "identity", clean, false},
		{"too large 5xx replaced", "", 500, "text/plain", "identity", strings.Repeat("all fine. ", 10<<10), true},
		{"replace mode", errorPagesReplace, 502, "application/json", "identity", clean, true},
		{"off", errorPagesOff, 500, "text/plain", "identity", javaTrace, false},
		{"4xx never replaced", "", 404, "text/plain", "identity", javaTrace, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestRedact(t, func(h *ResponseRedact) { h.ErrorPages = tt.mode })
			hdr := http.Header{"Content-Type": {tt.ct}, "Content-Length": {strconv.Itoa(len(tt.body))}, "X-Powered-By": {"Servlet/4.0"}, "Retry-After": {"5"}}
			if tt.coding != "identity" {
				hdr.Set("Content-Encoding", tt.coding)
			}
			up := &upstream{status: tt.status, header: hdr, body: encodeBody(t, tt.coding, []byte(tt.body)), chunk: 100}
			res := serve(h, http.MethodGet, up, nil)
			if res.err != nil || res.panicked != nil {
				t.Fatalf("err %v panic %v", res.err, res.panicked)
			}
			if res.rec.Code != tt.status {
				t.Errorf("status %d, want %d", res.rec.Code, tt.status)
			}
			got := res.rec.Body.String()
			if tt.wantGeneric {
				var ge genericError
				if err := json.Unmarshal([]byte(got), &ge); err != nil || ge.Status != tt.status || ge.RequestID == "" {
					t.Fatalf("not the generic error: %q (%v)", got, err)
				}
				if res.rec.Header().Get("Content-Type") != "application/json" || res.rec.Header().Get("Retry-After") != "5" {
					t.Errorf("generic error headers: %v", res.rec.Header())
				}
				if res.rec.Header().Get("Content-Length") != strconv.Itoa(len(got)) {
					t.Errorf("Content-Length %q for %d bytes", res.rec.Header().Get("Content-Length"), len(got))
				}
				return
			}
			if strings.Contains(got, `"request_id"`) {
				t.Fatalf("replaced although it should pass: %q", got)
			}
			if leaked := leakedSecrets([]byte(got)); len(leaked) > 0 {
				t.Errorf("leaked %q", leaked)
			}
			if tt.mode == errorPagesOff && !strings.Contains(got, "Pool.java:88") {
				t.Errorf("error_pages off changed the body: %q", got)
			}
		})
	}
}

func TestResponseRedactScope(t *testing.T) {
	body := secretJSON(500, "s")
	tests := []struct {
		name     string
		change   func(*ResponseRedact)
		status   int
		ct       string
		wantMask bool
	}{
		{"json masked by default", nil, 200, "application/json; charset=utf-8", true},
		{"+json masked", nil, 200, "application/problem+json", true},
		{"html masked", nil, 200, "text/html", true},
		{"no content type scanned as text", nil, 200, "", true},
		{"octet-stream JSON sniffed", nil, 200, "application/octet-stream", true},
		{"octet-stream with sniff off skipped", func(h *ResponseRedact) { h.Sniff = sniffOff }, 200, "application/octet-stream", false},
		{"octet-stream JSON outside content_types", func(h *ResponseRedact) { h.ContentTypes = []string{"text/*"} }, 200, "application/octet-stream", false},
		{"image with JSON bytes skipped", nil, 200, "image/png", false},
		{"status outside statuses", func(h *ResponseRedact) { h.Statuses = []string{"2xx"} }, 404, "application/json", false},
		{"status inside statuses", func(h *ResponseRedact) { h.Statuses = []string{"2xx", "404"} }, 404, "application/json", true},
		{"type outside content_types", func(h *ResponseRedact) { h.ContentTypes = []string{"+json"} }, 200, "text/html", false},
		{"type inside content_types", func(h *ResponseRedact) { h.ContentTypes = []string{"text/*"} }, 200, "text/html", true},
		{"+json matches application/json", func(h *ResponseRedact) { h.ContentTypes = []string{"+json"} }, 200, "application/json; charset=utf-8", true},
		{"+json matches problem+json", func(h *ResponseRedact) { h.ContentTypes = []string{"+json"} }, 200, "application/problem+json", true},
		{"+json does not match jsonp-ish subtype", func(h *ResponseRedact) { h.ContentTypes = []string{"+json"} }, 200, "application/x-json-stream", false},
		{"+xml matches text/xml", func(h *ResponseRedact) { h.ContentTypes = []string{"+xml"} }, 200, "text/xml", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestRedact(t, tt.change)
			hdr := http.Header{}
			if tt.ct != "" {
				hdr.Set("Content-Type", tt.ct)
			}
			res := serve(h, http.MethodGet, &upstream{status: tt.status, header: hdr, body: body}, nil)
			if res.err != nil || res.panicked != nil {
				t.Fatalf("err %v panic %v", res.err, res.panicked)
			}
			leaked := len(leakedSecrets(res.rec.Body.Bytes())) > 0
			if tt.wantMask == leaked {
				t.Errorf("masked=%v, want %v", !leaked, tt.wantMask)
			}
		})
	}
}

// TestResponseRedactReadFrom: io.Copy into the writer (file_server, some
// proxies) must go through masking, not the underlying ReadFrom.
func TestResponseRedactReadFrom(t *testing.T) {
	h := newTestRedact(t, nil)
	body := secretText(50 << 10)
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/plain")
		_, err := io.Copy(w, bytes.NewReader(body))
		return err
	})
	rec := &readFromRecorder{ResponseRecorder: httptest.NewRecorder()}
	r := newTestRequest(http.MethodGet, "/", rec)
	if err := h.ServeHTTP(rec, r, next); err != nil {
		t.Fatal(err)
	}
	if rec.usedReadFrom {
		t.Error("underlying ReadFrom was used, bypassing masking")
	}
	if leaked := leakedSecrets(rec.Body.Bytes()); len(leaked) > 0 {
		t.Errorf("leaked %q", leaked)
	}
}

type readFromRecorder struct {
	*httptest.ResponseRecorder
	usedReadFrom bool
}

func (r *readFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.usedReadFrom = true
	return io.Copy(r.ResponseRecorder, src)
}

// TestResponseRedactFlush: each flushed server-sent event reaches the client
// (masked) before the upstream writes the next one.
func TestResponseRedactFlush(t *testing.T) {
	for _, coding := range []string{"identity", "gzip"} {
		t.Run(coding, func(t *testing.T) {
			h := newTestRedact(t, nil)
			rec := &flushRecorder{ResponseRecorder: httptest.NewRecorder()}
			events := []string{
				"event: a\ndata: {\"email\":\"" + plantedSecrets[5] + "\"}\n\n",
				"event: b\ndata: {\"card\":\"" + plantedSecrets[0] + "\"}\n\n",
				"event: c\ndata: done\n\n",
			}
			next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				w.Header().Set("Content-Type", "text/event-stream")
				var zw *gzipStreamWriter
				if coding == "gzip" {
					w.Header().Set("Content-Encoding", "gzip")
					zw = newGzipStreamWriter(w)
				}
				w.WriteHeader(200)
				for i, ev := range events {
					var err error
					if zw != nil {
						err = zw.writeFlush([]byte(ev))
					} else {
						_, err = io.WriteString(w, ev)
					}
					if err != nil {
						return err
					}
					if err := http.NewResponseController(w).Flush(); err != nil {
						return err
					}
					// The event must be with the client now.
					if !strings.Contains(rec.Body.String(), "event: "+string(rune('a'+i))) {
						t.Errorf("event %d not delivered on flush; client has %q", i, rec.Body.String())
					}
				}
				if zw != nil {
					return zw.close()
				}
				return nil
			})
			r := newTestRequest(http.MethodGet, "/events", rec)
			if err := h.ServeHTTP(rec, r, next); err != nil {
				t.Fatal(err)
			}
			if rec.flushes < len(events) {
				t.Errorf("%d downstream flushes, want ≥ %d", rec.flushes, len(events))
			}
			if leaked := leakedSecrets(rec.Body.Bytes()); len(leaked) > 0 {
				t.Errorf("leaked %q", leaked)
			}
		})
	}
}

type flushRecorder struct {
	*httptest.ResponseRecorder
	flushes int
}

func (f *flushRecorder) Flush() { f.flushes++; f.ResponseRecorder.Flush() }

// TestResponseRedactConcurrent: responses of concurrent requests never mix.
func TestResponseRedactConcurrent(t *testing.T) {
	h := newTestRedact(t, nil)
	const n = 32
	runConcurrent(t, n, func(i int) error {
		tag := fmt.Sprintf("req%03d", i)
		coding := []string{"identity", "gzip", "zstd", "br"}[i%4]
		hdr := jsonHeader()
		if coding != "identity" {
			hdr.Set("Content-Encoding", coding)
		}
		body := secretJSONEscaped(20<<10+i*97, tag)
		res := serve(h, http.MethodGet, &upstream{header: hdr, body: encodeBody(t, coding, body), chunk: 333}, nil)
		got := res.rec.Body.String()
		if res.err != nil || res.panicked != nil {
			return fmt.Errorf("%s: err %v panic %v", tag, res.err, res.panicked)
		}
		if strings.Count(got, tag) != strings.Count(string(body), tag) {
			return fmt.Errorf("%s: own tag count %d, want %d", tag, strings.Count(got, tag), strings.Count(string(body), tag))
		}
		return checkOwnResponse(tag, []byte(got))
	})
}

func TestResponseRedactUpstreamFailures(t *testing.T) {
	h := newTestRedact(t, nil)
	t.Run("error mid-body is passed up", func(t *testing.T) {
		boom := errors.New("backend reset")
		up := &upstream{header: jsonHeader(), body: []byte(`{"partial":"`), err: boom}
		res := serve(h, http.MethodGet, up, nil)
		if !errors.Is(res.err, boom) {
			t.Fatalf("err %v, want %v", res.err, boom)
		}
	})
	t.Run("foreign abort panics on", func(t *testing.T) {
		next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"a":`))
			panic(http.ErrAbortHandler)
		})
		res := serve(h, http.MethodGet, next, nil)
		if res.panicked != http.ErrAbortHandler {
			t.Fatalf("panic %v, want ErrAbortHandler", res.panicked)
		}
	})
	t.Run("nothing written", func(t *testing.T) {
		next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Server", "backend/1.0")
			return caddyhttp.Error(http.StatusServiceUnavailable, errors.New("no upstream"))
		})
		res := serve(h, http.MethodGet, next, nil)
		if res.status() != http.StatusServiceUnavailable || res.rec.Header().Get("Server") != "" {
			t.Fatalf("status %d, Server %q", res.status(), res.rec.Header().Get("Server"))
		}
	})
}

// TestResponseRedactChained: two instances in a row (e.g. a site-wide and a
// route-specific one) both work on the same response.
func TestResponseRedactChained(t *testing.T) {
	outer := newTestRedact(t, nil)
	inner := newTestRedact(t, func(h *ResponseRedact) {
		h.Headers = nil
		h.ContentTypes = []string{"application/json"}
	})
	body := secretJSON(30<<10, "c")
	up := &upstream{header: jsonHeader("Content-Encoding", "gzip"), body: encodeBody(t, "gzip", body), chunk: 512}
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return inner.ServeHTTP(w, r, up)
	})
	res := serve(outer, http.MethodGet, next, nil)
	if res.err != nil || res.panicked != nil {
		t.Fatalf("err %v panic %v", res.err, res.panicked)
	}
	if leaked := leakedSecrets(res.rec.Body.Bytes()); len(leaked) > 0 {
		t.Errorf("leaked %q", leaked)
	}
	if !json.Valid(res.rec.Body.Bytes()) {
		t.Errorf("chained output is not JSON: %.100q", res.rec.Body.String())
	}
}

func TestResponseRedactMetrics(t *testing.T) {
	h := newTestRedact(t, nil)
	serve(h, http.MethodGet, &upstream{header: jsonHeader(), body: secretJSON(200, "m")}, nil)
	serve(h, http.MethodGet, &upstream{header: http.Header{"Content-Type": {"image/png"}}, body: []byte("x")}, nil)
	serve(h, http.MethodGet, &upstream{header: jsonHeader("Content-Encoding", "lzma"), body: []byte("x")}, nil)
	for result, want := range map[string]float64{resultMasked: 1, resultSkipped: 1, resultUnknownEncoding: 1} {
		if got := testutil.ToFloat64(h.metrics.responses.WithLabelValues(result)); got != want {
			t.Errorf("responses{result=%s} = %v, want %v", result, got, want)
		}
	}
	if got := testutil.ToFloat64(h.metrics.findings.WithLabelValues("email")); got < 1 {
		t.Errorf("findings{type=email} = %v", got)
	}
}

func TestResponseRedactProvisionErrors(t *testing.T) {
	for _, change := range []func(*ResponseRedact){
		func(h *ResponseRedact) { h.ContentTypes = []string{"json"} },
		func(h *ResponseRedact) { h.Statuses = []string{"6xx"} },
		func(h *ResponseRedact) { h.Headers = &redact.HeaderPolicy{Remove: []string{"bad header"}} },
	} {
		h := new(ResponseRedact)
		change(h)
		ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
		if err := h.Provision(ctx); err == nil {
			t.Errorf("provision accepted %+v", h)
		}
		cancel()
	}
	for _, h := range []*ResponseRedact{
		{OnLimit: "drop", ErrorPages: errorPagesDetect},
		{OnLimit: onLimitFail, ErrorPages: "hide"},
		{OnLimit: onLimitFail, ErrorPages: errorPagesDetect, MaxSize: -1},
	} {
		if err := h.Validate(); err == nil {
			t.Errorf("validate accepted %+v", h)
		}
	}
}

// TestResponseRedactLogs: decisions are logged with types, paths and
// reasons, never with a masked value.
func TestResponseRedactLogs(t *testing.T) {
	h := newTestRedact(t, func(h *ResponseRedact) { h.MaxSize = 4 << 10 })
	logs := observeLogs(h)
	serve(h, http.MethodGet, &upstream{header: jsonHeader(), body: secretJSON(3<<10, "l")}, nil)
	serve(h, http.MethodGet, &upstream{header: jsonHeader(), body: secretJSON(20<<10, "l"), chunk: 1000}, nil)
	serve(h, http.MethodGet, &upstream{status: 500, header: http.Header{"Content-Type": {"text/plain"}},
		body: []byte("java.lang.RuntimeException: card " + plantedSecrets[0])}, nil)
	// A token in the query string must not reach our log lines either.
	const queryToken = "tok_SECRET_in_query_0123"
	rec := httptest.NewRecorder()
	if err := h.ServeHTTP(rec, newTestRequest(http.MethodGet, "/api/data?access_token="+queryToken, rec),
		&upstream{header: jsonHeader(), body: secretJSON(3<<10, "q")}); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"response_redact: mask":                         false,
		"response_redact: failing closed":               false,
		"response_redact: replaced upstream error page": false,
	}
	for _, e := range logs.All() {
		want[e.Message] = true
		enc, err := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()).EncodeEntry(e.Entry, e.Context)
		if err != nil {
			t.Fatal(err)
		}
		if leaked := leakedSecrets(enc.Bytes()); len(leaked) > 0 {
			t.Errorf("log %q carries %q", e.Message, leaked)
		}
		if strings.Contains(enc.String(), queryToken) {
			t.Errorf("log %q carries the query string: %s", e.Message, enc.String())
		}
		if e.Message == "response_redact: mask" && !strings.Contains(enc.String(), `"records[*].card"`) {
			t.Errorf("masked response log lacks JSON paths: %s", enc.String())
		}
	}
	for msg, seen := range want {
		if !seen {
			t.Errorf("no %q log", msg)
		}
	}
}

// TestResponseRedactUpgradeAndEarlyHints: 1xx pass through, a 101 switches
// to pass-through and Hijack reaches the real connection via Unwrap.
func TestResponseRedactUpgradeAndEarlyHints(t *testing.T) {
	h := newTestRedact(t, nil)
	rec := &hijackRecorder{ResponseRecorder: httptest.NewRecorder()}
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Link", "</app.css>; rel=preload")
		w.Header().Set("Server", "backend")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Upgrade", "websocket")
		w.WriteHeader(http.StatusSwitchingProtocols)
		if _, _, err := http.NewResponseController(w).Hijack(); err != errHijacked {
			t.Errorf("Hijack: %v, want the underlying writer's", err)
		}
		return nil
	})
	r := newTestRequest(http.MethodGet, "/ws", rec)
	if err := h.ServeHTTP(rec, r, next); err != nil {
		t.Fatal(err)
	}
	if len(rec.codes) != 2 || rec.codes[0] != 103 || rec.codes[1] != 101 {
		t.Errorf("statuses written %v, want [103 101]", rec.codes)
	}
	if rec.Header().Get("Server") != "" {
		t.Error("Server header survived")
	}
}

var errHijacked = errors.New("hijacked by the underlying writer")

type hijackRecorder struct {
	*httptest.ResponseRecorder
	codes []int
}

func (h *hijackRecorder) WriteHeader(code int) {
	h.codes = append(h.codes, code)
	h.ResponseRecorder.WriteHeader(code)
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errHijacked
}

// TestResponseRedactDecompressionBomb: max_size counts decoded bytes, so a
// small compressed body that inflates far past it is cut at the limit.
func TestResponseRedactDecompressionBomb(t *testing.T) {
	h := newTestRedact(t, func(h *ResponseRedact) { h.MaxSize = 1 << 20 })
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 32 {
		_, _ = zw.Write(zeros)
	}
	_ = zw.Close()
	hdr := http.Header{"Content-Type": {"text/plain"}, "Content-Encoding": {"gzip"}, "Content-Length": {strconv.Itoa(bomb.Len())}}
	res := serve(h, http.MethodGet, &upstream{header: hdr, body: bomb.Bytes(), chunk: 4096}, nil)
	if res.panicked != http.ErrAbortHandler && res.status() != http.StatusBadGateway {
		t.Fatalf("%d-byte bomb (32 MiB inflated): status %d, panic %v", bomb.Len(), res.status(), res.panicked)
	}
	if n := res.rec.Body.Len(); n > 1<<20 {
		t.Errorf("%d bytes emitted for a 1 MiB limit", n)
	}
}

// TestResponseRedactScanHeaders: with scan_headers, detected values in
// the selected header values are masked (also on a response whose body is
// out of scope) and counted; other headers are untouched.
func TestResponseRedactScanHeaders(t *testing.T) {
	h := newTestRedact(t, func(h *ResponseRedact) {
		h.Headers = &redact.HeaderPolicy{Scan: []string{"Location", "X-Customer-*"}}
	})
	hdr := http.Header{
		"Content-Type":     {"image/png"},
		"Location":         {"/done?mail=jane.roe@example.com"},
		"X-Customer-Iban":  {"DE89 3704 0044 0532 0130 00"},
		"X-Request-Origin": {"jane.roe@example.com"},
	}
	res := serve(h, http.MethodGet, &upstream{status: http.StatusFound, header: hdr, body: []byte("\x89PNG")}, nil)
	if res.err != nil || res.panicked != nil {
		t.Fatalf("err %v panic %v", res.err, res.panicked)
	}
	got := res.rec.Result().Header
	if v := got.Get("Location"); strings.Contains(v, "jane.roe@example.com") || !strings.HasPrefix(v, "/done?mail=") {
		t.Errorf("Location = %q", v)
	}
	if v := got.Get("X-Customer-Iban"); strings.Contains(v, "3704") {
		t.Errorf("X-Customer-Iban = %q", v)
	}
	if v := got.Get("X-Request-Origin"); v != "jane.roe@example.com" {
		t.Errorf("unselected header changed: %q", v)
	}
	if v := testutil.ToFloat64(h.metrics.findings.WithLabelValues("iban")); v != 1 {
		t.Errorf("iban findings = %v, want 1", v)
	}
	if v := testutil.ToFloat64(h.metrics.responses.WithLabelValues(resultSkipped)); v != 1 {
		t.Errorf("skipped responses = %v, want 1", v)
	}
}

// TestRedactContentLengthReuse: a held body gets the upstream's own
// Content-Length value back only when it says exactly the masked length.
func TestRedactContentLengthReuse(t *testing.T) {
	for _, tt := range []struct {
		declared []string
		n        int
		reused   bool
	}{
		{[]string{"200"}, 200, true},
		{[]string{"0"}, 0, true},
		{[]string{"201"}, 200, false},
		{[]string{"0200"}, 200, false},
		{[]string{" 200"}, 200, false},
		{[]string{"200", "200"}, 200, false},
		{nil, 200, false},
	} {
		w := &redactWriter{declaredLen: tt.declared}
		got := w.contentLength(tt.n)
		if len(got) != 1 || got[0] != strconv.Itoa(tt.n) {
			t.Errorf("declared %q, %d bytes: Content-Length %q", tt.declared, tt.n, got)
		}
		if reused := len(tt.declared) > 0 && &got[0] == &tt.declared[0]; reused != tt.reused {
			t.Errorf("declared %q, %d bytes: reused %v, want %v", tt.declared, tt.n, reused, tt.reused)
		}
	}
}
