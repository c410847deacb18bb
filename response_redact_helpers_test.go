package gatehouse

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/contentcoding/codingtest"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// plantedSecrets are values no masked response may carry, one per detector
// family the live and handler tests plant.
var plantedSecrets = []string{
	"4111 1111 1111 1111",    // Visa test card, Luhn-valid, spaced
	"5500005555555559",       // Mastercard test card, Luhn-valid
	"DE89370400440532013000", // IBAN, mod-97 valid
	"AKIAZ7Q3NWJ6K5M2P4RT",   // AWS access key id shape
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
	"alice.smith@example.org",
}

// secretJSON is a JSON document of about size bytes with every planted
// secret in each record; tag makes bodies of concurrent requests distinct.
func secretJSON(size int, tag string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"tag":"` + tag + `","records":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"tag":"%s-%d","card":"%s","mc":"%s","iban":"%s","aws":"%s","token":"%s","email":"%s","note":"order shipped"}`,
			i, tag, i, plantedSecrets[0], plantedSecrets[1], plantedSecrets[2], plantedSecrets[3], plantedSecrets[4], plantedSecrets[5])
	}
	b.WriteString("]}")
	return b.Bytes()
}

// secretJSONEscaped is secretJSON whose records also carry the e-mail with
// its '@' spelled as a JSON escape ("\u0040"), as some encoders write it:
// served as JSON, it must be found all the same (leakedSecrets sees through
// the escape).
func secretJSONEscaped(size int, tag string) []byte {
	body := secretJSON(size, tag)
	esc := `,"contact":"` + strings.Replace(plantedSecrets[5], "@", `\u0040`, 1) + `"}`
	return bytes.ReplaceAll(body, []byte(`"note":"order shipped"}`), []byte(`"note":"order shipped"`+esc))
}

// secretText is plain text with every planted secret per line.
func secretText(size int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "line %d: card %s mc %s iban %s key %s jwt %s mail %s\n", i,
			plantedSecrets[0], plantedSecrets[1], plantedSecrets[2], plantedSecrets[3], plantedSecrets[4], plantedSecrets[5])
	}
	return b.Bytes()
}

// leakedSecrets lists the planted secrets present in body.
func leakedSecrets(body []byte) []string {
	var leaked []string
	// A secret spelled with a JSON escape leaks all the same.
	unescaped := bytes.ReplaceAll(body, []byte(`\u0040`), []byte("@"))
	for _, s := range plantedSecrets {
		if bytes.Contains(unescaped, []byte(s)) {
			leaked = append(leaked, s)
		}
	}
	return leaked
}

// encodeBody compresses body with coding ("identity" returns it as is).
func encodeBody(t testing.TB, coding string, body []byte) []byte {
	t.Helper()
	return codingtest.Encode(t, coding, body)
}

// newTestRedact provisions a ResponseRedact with optional changes.
func newTestRedact(t testing.TB, change func(*ResponseRedact)) *ResponseRedact {
	t.Helper()
	h := new(ResponseRedact)
	if change != nil {
		change(h)
	}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	t.Cleanup(cancel)
	if err := h.Provision(ctx); err != nil {
		t.Fatalf("provision: %v", err)
	}
	if err := h.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	h.logger = zap.NewNop()
	h.decisions.logger = h.logger
	return h
}

// observeLogs makes h log into memory, at every level.
func observeLogs(h *ResponseRedact) *observer.ObservedLogs {
	core, logs := observer.New(zapcore.DebugLevel)
	h.logger = zap.New(core)
	h.decisions.logger = h.logger
	return logs
}

// newTestRequest is a request as Caddy's server prepares it (replacer with
// {http.request.uuid}, vars, extra log fields).
func newTestRequest(method, target string, w http.ResponseWriter) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Header.Set("Accept-Encoding", "gzip, br")
	return caddyhttp.PrepareRequest(r, caddy.NewReplacer(), w, nil)
}

// upstream is a fake next handler that answers like a backend.
type upstream struct {
	status  int
	header  http.Header
	body    []byte
	chunk   int  // write size; 0 = one write
	flush   bool // flush after every write
	err     error
	seenReq *http.Request
	seenHdr http.Header // the request header as the upstream saw it
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	u.seenReq, u.seenHdr = r, r.Header.Clone()
	for k, v := range u.header {
		w.Header()[k] = append([]string(nil), v...)
	}
	status := u.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	body := u.body
	n := u.chunk
	if n <= 0 {
		n = len(body)
	}
	for len(body) > 0 {
		k := min(n, len(body))
		if _, err := w.Write(body[:k]); err != nil {
			return err
		}
		if u.flush {
			if err := http.NewResponseController(w).Flush(); err != nil {
				return err
			}
		}
		body = body[k:]
	}
	return u.err
}

// serveResult is what the client got from one handler run.
type serveResult struct {
	rec      *httptest.ResponseRecorder
	err      error
	panicked any
}

func (s serveResult) status() int {
	if he, ok := s.err.(caddyhttp.HandlerError); ok {
		return he.StatusCode
	}
	return s.rec.Code
}

// serve runs h over next for a request, recovering panics.
func serve(h *ResponseRedact, method string, next caddyhttp.Handler, reqHeader http.Header) (res serveResult) {
	rec := httptest.NewRecorder()
	r := newTestRequest(method, "/api/data", rec)
	for k, v := range reqHeader {
		r.Header[k] = v
	}
	defer func() { res.panicked = recover() }()
	res.rec = rec
	res.err = h.ServeHTTP(rec, r, next)
	return res
}

// jsonHeader is a typical upstream JSON response header.
func jsonHeader(extra ...string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h[http.CanonicalHeaderKey(extra[i])] = append(h[http.CanonicalHeaderKey(extra[i])], extra[i+1])
	}
	return h
}

// containsAny reports whether s contains any of subs.
func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// gzipStreamWriter gzips a stream with a sync flush per write, as a backend
// compressing server-sent events does.
type gzipStreamWriter struct{ zw *gzip.Writer }

func newGzipStreamWriter(w io.Writer) *gzipStreamWriter {
	return &gzipStreamWriter{zw: gzip.NewWriter(w)}
}

func (g *gzipStreamWriter) writeFlush(p []byte) error {
	if _, err := g.zw.Write(p); err != nil {
		return err
	}
	return g.zw.Flush()
}

func (g *gzipStreamWriter) close() error { return g.zw.Close() }

// runConcurrent runs f(0) … f(n-1) on n goroutines at once and reports every
// error they return.
func runConcurrent(t *testing.T, n int, f func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			if err := f(i); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// checkOwnResponse reports a planted secret that leaked into body, or data
// tagged for another response than tag.
func checkOwnResponse(tag string, body []byte) error {
	switch {
	case len(leakedSecrets(body)) > 0:
		return fmt.Errorf("%s: leaked", tag)
	case bytes.Count(body, []byte(`"tag":"`)) != bytes.Count(body, []byte(`"tag":"`+tag)):
		return fmt.Errorf("%s: another response's data appeared", tag)
	}
	return nil
}
