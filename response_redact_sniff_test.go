package gatehouse

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// TestResponseRedactSniff: an octet-stream or untyped body that starts
// with '{' or '[' (after whitespace) is masked as JSON, whatever the
// chunking and coding; other octet-stream bodies pass byte for byte with
// their header intact.
func TestResponseRedactSniff(t *testing.T) {
	const card = "4111 1111 1111 1111"
	jsonBody := []byte(`{"order":{"id":"A-17","card":"` + card + `","note":"ok"}}`)
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0x41, 0x31, 0x31, 0x31, ' '}, 200)...)
	png = append(png, []byte(card)...) // digits that look like a card, must not be touched
	tests := []struct {
		name     string
		ct       string // "" = no Content-Type
		status   int
		body     []byte
		wantMask bool
		text     bool // masked as text, not JSON
	}{
		{name: "octet-stream json", ct: "application/octet-stream", body: jsonBody, wantMask: true},
		{name: "octet-stream json array after whitespace", ct: "application/octet-stream",
			body: append([]byte(" \r\n\t "), []byte(`[`+string(jsonBody)+`]`)...), wantMask: true},
		{name: "octet-stream json, 700 bytes of leading whitespace", ct: "application/octet-stream",
			body: append(bytes.Repeat([]byte(" "), 700), jsonBody...), wantMask: false},
		{name: "no content type json", body: jsonBody, wantMask: true},
		{name: "octet-stream png passes", ct: "application/octet-stream", body: png, wantMask: false},
		{name: "octet-stream 5xx json", ct: "application/octet-stream", status: 503, body: jsonBody, wantMask: true},
		{name: "no content type text still masked as text", body: []byte("card " + card + " paid\n"), wantMask: true, text: true},
		{name: "octet-stream text passes", ct: "application/octet-stream", body: []byte("card " + card + "\n"), wantMask: false},
		{name: "octet-stream whitespace only passes", ct: "application/octet-stream", body: []byte(" \n \n"), wantMask: false},
	}
	for _, tc := range tests {
		for _, coding := range []string{"identity", "gzip", "br"} {
			for _, chunk := range []int{0, 1, 3, 64} {
				name := fmt.Sprintf("%s/%s/chunk%d", tc.name, coding, chunk)
				h := newTestRedact(t, nil)
				hdr := http.Header{}
				if tc.ct != "" {
					hdr.Set("Content-Type", tc.ct)
				}
				body := tc.body
				if coding != "identity" {
					hdr.Set("Content-Encoding", coding)
					body = encodeBody(t, coding, tc.body)
				}
				hdr.Set("Content-Length", fmt.Sprint(len(body)))
				res := serve(h, http.MethodGet, &upstream{status: tc.status, header: hdr, body: body, chunk: chunk}, nil)
				if res.err != nil || res.panicked != nil {
					t.Fatalf("%s: err %v panic %v", name, res.err, res.panicked)
				}
				got := res.rec.Body.Bytes()
				leaked := bytes.Contains(got, []byte(card))
				if bytes.Contains(tc.body, []byte(card)) && leaked == tc.wantMask {
					t.Errorf("%s: masked=%v, want %v; body %.120q", name, !leaked, tc.wantMask, got)
				}
				if tc.wantMask && !tc.text && !bytes.Contains(got, []byte(`"note":"ok"`)) {
					t.Errorf("%s: body is not the masked JSON: %.200q", name, got)
				}
				if !tc.wantMask {
					want := body
					if coding != "identity" {
						want = tc.body // decoded to be sniffed, passed decoded
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s: passed body changed (%d bytes, want %d)", name, len(got), len(want))
					}
					if coding == "identity" && res.rec.Header().Get("Content-Length") != fmt.Sprint(len(body)) {
						t.Errorf("%s: Content-Length of a passed identity body = %q", name, res.rec.Header().Get("Content-Length"))
					}
				}
				if ce := res.rec.Header().Get("Content-Encoding"); ce != "" && (tc.wantMask || coding != "identity") && !bytes.Equal(got, body) {
					t.Errorf("%s: Content-Encoding %q on a decoded body", name, ce)
				}
			}
		}
	}
}

// TestResponseRedactSniffStreaming: a sniffed body is decided on its
// first chunk and then streams (flushes reach the client before the end).
func TestResponseRedactSniffStreaming(t *testing.T) {
	// Flushes pass at once (flush_delay off): what reaches the client at
	// the first one is what the sniffing let through.
	h := newTestRedact(t, func(h *ResponseRedact) { h.FlushDelay = -1 })
	first := `[{"mail":"jane.roe@example.com","n":1},` + strings.Repeat(" ", 9000)
	rec := &flushRecorder{ResponseRecorder: httptest.NewRecorder()}
	r := newTestRequest(http.MethodGet, "/stream", rec)
	var atFlush string
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(first))
		_ = http.NewResponseController(w).Flush()
		atFlush = rec.Body.String()
		_, _ = w.Write([]byte(`{"n":2}]`))
		return nil
	})
	if err := h.ServeHTTP(rec, r, next); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(atFlush, `"n":1`) {
		t.Errorf("nothing streamed at the first flush: %.80q", atFlush)
	}
	if strings.Contains(rec.Body.String(), "jane.roe@example.com") {
		t.Errorf("e-mail leaked: %.120q", rec.Body.String())
	}
}
