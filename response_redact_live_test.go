package gatehouse

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"

	"github.com/gatehouse-dev/caddy-gatehouse/redact"
)

// liveRedactBackend serves bodies with planted secrets, shaped by the query:
// enc (identity, gzip, deflate, zstd, br), chunk (write size; each write is
// flushed), size (decoded bytes), kind (json, text), status. It records the
// request headers it saw.
type liveRedactBackend struct {
	t  *testing.T
	mu sync.Mutex
	// last request headers seen, by path
	seen map[string]http.Header
	// SSE handshake: the test acknowledges each event it received
	sseAck chan struct{}
}

func (b *liveRedactBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	b.seen[r.URL.Path] = r.Header.Clone()
	b.mu.Unlock()
	q := r.URL.Query()
	w.Header().Set("Server", "gunicorn/20.1.0")
	w.Header().Set("X-Powered-By", "Express")
	w.Header().Set("X-Debug-Token", "4f2a")

	switch r.URL.Path {
	case "/api/sse":
		b.serveSSE(w)
		return
	case "/api/chunked", "/api/watch":
		b.serveChunkedJSON(w, r.URL.Path == "/api/watch")
		return
	case "/api/status":
		code, _ := strconv.Atoi(q.Get("code"))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Etag", `"v1"`)
		w.WriteHeader(code)
		if code == http.StatusPartialContent || code == http.StatusOK {
			_, _ = w.Write(secretJSON(200, "status"))
		}
		return
	case "/api/crash":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "<pre>java.sql.SQLException: ORA-00942: table or view does not exist\n\tat com.acme.Repo.find(Repo.java:42)</pre>")
		return
	}

	size, _ := strconv.Atoi(q.Get("size"))
	chunk, _ := strconv.Atoi(q.Get("chunk"))
	enc := q.Get("enc")
	var body []byte
	if q.Get("kind") == "text" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		body = secretText(size)
	} else {
		w.Header().Set("Content-Type", "application/json")
		body = secretJSONEscaped(size, q.Get("tag"))
	}
	if enc != "" && enc != "identity" {
		w.Header().Set("Content-Encoding", enc)
	}
	body = encodeBody(b.t, enc, body)
	if chunk <= 0 {
		// one write with a known length; chunked writes go without one
		chunk = len(body)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.Header().Set("Etag", `"strong"`)
	rc := http.NewResponseController(w)
	for len(body) > 0 {
		n := min(chunk, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		_ = rc.Flush()
		body = body[n:]
	}
}

// serveSSE sends three events, each only after the test has received the
// previous one through Caddy: it fails unless every event is delivered
// (masked) on its flush.
func (b *liveRedactBackend) serveSSE(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	for i := range 3 {
		fmt.Fprintf(w, "id: %d\ndata: {\"email\":\"%s\",\"card\":\"%s\"}\n\n", i, plantedSecrets[5], plantedSecrets[0])
		_ = rc.Flush()
		select {
		case <-b.sseAck:
		case <-time.After(5 * time.Second):
			return // the test reports the missing event
		}
	}
}

// serveChunkedJSON answers a JSON array as an application server does:
// chunked (no Content-Length), flushed after each half. For a watch, the
// second half waits until the test has read the first (or 5 s).
func (b *liveRedactBackend) serveChunkedJSON(w http.ResponseWriter, watch bool) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	fmt.Fprintf(w, `[{"n":1,"email":"%s","card":"%s"}`, plantedSecrets[5], plantedSecrets[0])
	_ = rc.Flush()
	if watch {
		select {
		case <-b.sseAck:
		case <-time.After(5 * time.Second):
			return // the test reports the missing record
		}
	}
	fmt.Fprintf(w, `,{"n":2,"pad":"%s"}]`, strings.Repeat("x", 20000))
	_ = rc.Flush()
}

const liveRedactMaxSize = 128 << 10

func liveRedactConfig(backend string) string {
	return liveGlobals + fmt.Sprintf(`
http://localhost:9080 {
	handle /plain/* {
		uri strip_prefix /plain
		response_redact {
			max_size %[2]d
		}
		reverse_proxy %[1]s
	}
	handle /encoded/* {
		uri strip_prefix /encoded
		encode gzip
		response_redact {
			max_size %[2]d
		}
		reverse_proxy %[1]s
	}
}
`, backend, liveRedactMaxSize)
}

// liveClient talks to the test Caddy on 127.0.0.1 and leaves
// Content-Encoding to the test.
func liveClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: 20 * time.Second,
		Transport: &http.Transport{
			DisableCompression: true,
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				_, port, _ := net.SplitHostPort(addr)
				return dialer.DialContext(ctx, "tcp", "127.0.0.1:"+port)
			},
		},
	}
}

func startLiveRedact(t *testing.T) (*liveRedactBackend, *http.Client) {
	t.Helper()
	if testing.Short() {
		t.Skip("live test")
	}
	b := &liveRedactBackend{t: t, seen: make(map[string]http.Header), sseAck: make(chan struct{})}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	tester := caddytest.NewTester(t)
	tester.InitServer(liveRedactConfig(strings.TrimPrefix(srv.URL, "http://")), "caddyfile")
	return b, liveClient()
}

func TestResponseRedactLiveMatrix(t *testing.T) {
	backend, client := startLiveRedact(t)
	for _, front := range []string{"plain", "encoded"} {
		for _, enc := range []string{"identity", "gzip", "deflate", "zstd", "br"} {
			for _, chunk := range []int{0, 61} {
				for _, size := range []int{40 << 10, 3 * liveRedactMaxSize} {
					name := fmt.Sprintf("%s/%s/chunk%d/size%d", front, enc, chunk, size)
					url := fmt.Sprintf("http://localhost:9080/%s/api/data?enc=%s&chunk=%d&size=%d&tag=%s", front, enc, chunk, size, "m")
					req, _ := http.NewRequest(http.MethodGet, url, nil)
					if front == "encoded" {
						req.Header.Set("Accept-Encoding", "gzip")
					}
					req.Header.Set("Range", "bytes=0-100")
					resp, err := client.Do(req)
					if err != nil && size > liveRedactMaxSize {
						// An aborted stream can end before its header
						// reaches the client: encode in front holds the
						// header until it has enough body to decide.
						t.Logf("%s: over limit: aborted before the header: %v", name, err)
						continue
					}
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					raw, readErr := io.ReadAll(resp.Body)
					resp.Body.Close()
					body := raw
					if ce := resp.Header.Get("Content-Encoding"); ce != "" {
						if front != "encoded" || ce != "gzip" {
							t.Errorf("%s: Content-Encoding %q reached the client", name, ce)
						}
						body = decodeForTest(t, ce, raw, readErr == nil)
					}
					if leaked := leakedSecrets(body); len(leaked) > 0 {
						t.Errorf("%s: leaked %q", name, leaked)
					}
					for _, k := range []string{"Server", "X-Powered-By", "X-Debug-Token", "Etag", "Content-Md5"} {
						if resp.Header.Get(k) != "" {
							t.Errorf("%s: header %s survived", name, k)
						}
					}
					backend.mu.Lock()
					seen := backend.seen["/api/data"]
					backend.mu.Unlock()
					if seen.Get("Accept-Encoding") != "identity" || seen.Get("Range") != "" {
						t.Errorf("%s: upstream saw Accept-Encoding %q, Range %q", name, seen.Get("Accept-Encoding"), seen.Get("Range"))
					}
					if size <= liveRedactMaxSize {
						if resp.StatusCode != http.StatusOK || readErr != nil {
							t.Errorf("%s: status %d, read error %v", name, resp.StatusCode, readErr)
						} else if !json.Valid(body) {
							t.Errorf("%s: masked body is not JSON (%d bytes)", name, len(body))
						}
						// A streamed (flushed) body may start with a piece
						// shorter than encode's minimum length, and encode
						// decides on the first piece; one write always
						// qualifies.
						if front == "encoded" && chunk == 0 && resp.Header.Get("Content-Encoding") != "gzip" {
							t.Errorf("%s: encode in front did not compress the masked body", name)
						}
						continue
					}
					// Over the limit: a 502, or an aborted stream; never a
					// complete 200.
					if resp.StatusCode == http.StatusOK && readErr == nil {
						t.Errorf("%s: over-limit body delivered complete (%d bytes)", name, len(body))
					}
					if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadGateway {
						t.Errorf("%s: status %d", name, resp.StatusCode)
					}
					t.Logf("%s: over limit: status %d, %d bytes (%d decoded), read error %v", name, resp.StatusCode, len(raw), len(body), readErr)
				}
			}
		}
	}
}

// decodeForTest undoes the client-facing Content-Encoding; for a truncated
// (aborted) body it returns what could be decoded.
func decodeForTest(t *testing.T, ce string, raw []byte, complete bool) []byte {
	t.Helper()
	codings, err := redact.ParseContentEncoding([]string{ce})
	if err != nil {
		t.Fatal(err)
	}
	r, err := redact.NewDecodingReader(bytes.NewReader(raw), codings)
	if err != nil {
		if !complete {
			return nil
		}
		t.Fatalf("client body not %s: %v", ce, err)
	}
	out, err := io.ReadAll(r)
	if err != nil && complete {
		t.Fatalf("client body not %s: %v", ce, err)
	}
	return out
}

func TestResponseRedactLiveConcurrent(t *testing.T) {
	_, client := startLiveRedact(t)
	const n = 24
	runConcurrent(t, n, func(i int) error {
		tag := fmt.Sprintf("c%02dx", i)
		enc := []string{"identity", "gzip", "zstd", "br"}[i%4]
		url := fmt.Sprintf("http://localhost:9080/plain/api/data?enc=%s&chunk=%d&size=%d&tag=%s", enc, 100+i, 20<<10+i*331, tag)
		resp, err := client.Get(url)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			return fmt.Errorf("%s: status %d err %v", tag, resp.StatusCode, err)
		}
		if err := checkOwnResponse(tag, body); err != nil {
			return err
		}
		if !strings.Contains(string(body), `"tag":"`+tag+`"`) {
			return fmt.Errorf("%s: own body missing", tag)
		}
		return nil
	})
}

func TestResponseRedactLiveStatuses(t *testing.T) {
	_, client := startLiveRedact(t)
	tests := []struct {
		name       string
		method     string
		code       int
		wantStatus int
		wantBody   bool
	}{
		{"HEAD", http.MethodHead, 200, 200, false},
		{"204", http.MethodGet, 204, 204, false},
		{"304", http.MethodGet, 304, 304, false},
		{"206 fails closed", http.MethodGet, 206, 502, false},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, "http://localhost:9080/plain/api/status?code="+strconv.Itoa(tt.code), nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.wantStatus)
		}
		if (len(body) > 0) != tt.wantBody {
			t.Errorf("%s: body %q", tt.name, body)
		}
		if resp.Header.Get("Etag") != "" || resp.Header.Get("Server") != "" {
			t.Errorf("%s: Etag %q Server %q", tt.name, resp.Header.Get("Etag"), resp.Header.Get("Server"))
		}
	}

	resp, err := client.Get("http://localhost:9080/plain/api/crash")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var ge genericError
	if resp.StatusCode != 500 || json.Unmarshal(body, &ge) != nil || ge.RequestID == "" || strings.Contains(string(body), "ORA-") {
		t.Errorf("error page: status %d body %q", resp.StatusCode, body)
	}
}

// TestResponseRedactLiveSSE: each event reaches the client, masked, before
// the backend sends the next one.
func TestResponseRedactLiveSSE(t *testing.T) {
	for _, front := range []string{"plain", "encoded"} {
		t.Run(front, func(t *testing.T) {
			backend, client := startLiveRedact(t)
			req, _ := http.NewRequest(http.MethodGet, "http://localhost:9080/"+front+"/api/sse", nil)
			if front == "encoded" {
				// encode passes event streams through uncompressed
				// unless the client insists; ask for identity to read
				// events line by line.
				req.Header.Set("Accept-Encoding", "identity")
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			br := bufio.NewReader(resp.Body)
			for i := range 3 {
				var event strings.Builder
				deadline := time.AfterFunc(4*time.Second, func() { resp.Body.Close() })
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						t.Fatalf("event %d not delivered: %v (have %q)", i, err, event.String())
					}
					event.WriteString(line)
					if line == "\n" {
						break
					}
				}
				deadline.Stop()
				if !strings.Contains(event.String(), "id: "+strconv.Itoa(i)) {
					t.Fatalf("event %d: got %q", i, event.String())
				}
				if leaked := leakedSecrets([]byte(event.String())); len(leaked) > 0 {
					t.Errorf("event %d leaked %q", i, leaked)
				}
				backend.sseAck <- struct{}{}
			}
		})
	}
}

// TestResponseRedactLiveChunkedJSON: a chunked JSON answer that ends at
// once reaches the client whole, masked, with its Content-Length (or
// compressed whole behind encode); one whose backend pauses after the
// first record delivers that record (masked) while the backend waits, once
// flush_delay is up.
func TestResponseRedactLiveChunkedJSON(t *testing.T) {
	backend, client := startLiveRedact(t)
	for _, front := range []string{"plain", "encoded"} {
		t.Run(front, func(t *testing.T) {
			get := func(path string) *http.Response {
				req, _ := http.NewRequest(http.MethodGet, "http://localhost:9080/"+front+path, nil)
				if front == "encoded" {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}
			// body reads resp's body, decompressed behind encode (which
			// leaves a stream whose first piece is under its
			// minimum_length uncompressed, as without response_redact).
			body := func(resp *http.Response) io.Reader {
				switch ce := resp.Header.Get("Content-Encoding"); ce {
				case "":
					return resp.Body
				case "gzip":
				default:
					t.Fatalf("Content-Encoding %q", ce)
				}
				zr, err := gzip.NewReader(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				return zr
			}

			resp := get("/api/chunked")
			if front == "encoded" && resp.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("a whole 20 KB document behind encode is not compressed")
			}
			b, err := io.ReadAll(body(resp))
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if front == "plain" && (resp.ContentLength != int64(len(b)) || len(resp.TransferEncoding) > 0) {
				t.Errorf("Content-Length %d, Transfer-Encoding %v for a %d-byte body", resp.ContentLength, resp.TransferEncoding, len(b))
			}
			if leaked := leakedSecrets(b); len(leaked) > 0 || !bytes.HasSuffix(b, []byte("]")) {
				t.Errorf("leaked %q, or not whole (%d bytes)", leaked, len(b))
			}

			resp = get("/api/watch")
			defer resp.Body.Close()
			deadline := time.AfterFunc(4*time.Second, func() { resp.Body.Close() })
			r := body(resp)
			var first []byte
			for !bytes.Contains(first, []byte(`"n":1`)) || !bytes.Contains(first, []byte("}")) {
				buf := make([]byte, 512)
				n, err := r.Read(buf)
				first = append(first, buf[:n]...)
				if err != nil {
					t.Fatalf("first record not delivered while the backend waited: %v (have %q)", err, first)
				}
			}
			deadline.Stop()
			if leaked := leakedSecrets(first); len(leaked) > 0 {
				t.Errorf("first record leaked %q", leaked)
			}
			backend.sseAck <- struct{}{}
			rest, err := io.ReadAll(r)
			if err != nil || !bytes.HasSuffix(rest, []byte("]")) {
				t.Errorf("rest of the watch: %v (%d bytes)", err, len(rest))
			}
		})
	}
}
