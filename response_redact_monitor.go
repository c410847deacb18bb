package gatehouse

import (
	"io"
	"net/http"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// In monitor mode the client gets the upstream's response byte for byte,
// header for header, while a copy runs through the same redactWriter as in
// enforce mode with its output discarded: findings, would-be error-page
// replacements and would-be fail-closed outcomes are counted and logged as
// would_mask / would_block, exactly as they would have been enforced.

// serveMonitored runs next with the response teed to a discarding
// redactWriter. The upstream sees the client's own request (its
// Accept-Encoding and Range), so that nothing about the response changes.
func (h *ResponseRedact) serveMonitored(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	sink := &discardResponse{header: make(http.Header)}
	shadow := newRedactWriter(h, sink, r)
	shadow.monitor = true
	tee := &monitorWriter{ResponseWriterWrapper: &caddyhttp.ResponseWriterWrapper{ResponseWriter: w}, shadow: shadow, sink: sink}
	defer shadow.close()
	err := next.ServeHTTP(tee, r)
	tee.finishShadow(err)
	return err
}

// monitorWriter writes to the client and feeds the shadow.
type monitorWriter struct {
	*caddyhttp.ResponseWriterWrapper
	shadow      *redactWriter
	sink        *discardResponse
	wroteHeader bool
	shadowDone  bool // the shadow refused more input (it would have failed closed)
}

func (m *monitorWriter) WriteHeader(code int) {
	if m.wroteHeader {
		return
	}
	if code >= 200 || code == http.StatusSwitchingProtocols {
		m.wroteHeader = true
	}
	// The shadow sees the header as the upstream set it; it rewrites its
	// own copy only.
	m.sink.header = m.Header().Clone()
	m.shadow.WriteHeader(code)
	m.ResponseWriter.WriteHeader(code)
}

func (m *monitorWriter) Write(p []byte) (int, error) {
	if !m.wroteHeader {
		m.WriteHeader(http.StatusOK)
	}
	n, err := m.ResponseWriter.Write(p)
	if !m.shadowDone && n > 0 {
		if _, serr := m.shadow.Write(p[:n]); serr != nil {
			m.shadowDone = true
		}
	}
	return n, err
}

// ReadFrom goes through Write, so the shadow sees every byte.
func (m *monitorWriter) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(writerOnly{m}, r)
}

// Flush flushes the client; the shadow's output is discarded anyway.
func (m *monitorWriter) Flush() { _ = m.FlushError() }

// FlushError implements the interface http.ResponseController uses.
func (m *monitorWriter) FlushError() error {
	if !m.wroteHeader {
		m.WriteHeader(http.StatusOK)
	}
	return http.NewResponseController(m.ResponseWriter).Flush()
}

// finishShadow completes the shadow's accounting. Its fail-closed paths
// end in an error or an abort panic meant for the client; here they only
// close the accounting.
func (m *monitorWriter) finishShadow(nextErr error) {
	defer func() {
		if rec := recover(); rec != nil && rec != http.ErrAbortHandler {
			panic(rec)
		}
	}()
	_ = m.shadow.finish(nextErr, false)
}

// discardResponse is the shadow's client: it keeps the header map the
// shadow edits and drops the body.
type discardResponse struct {
	header http.Header
}

func (d *discardResponse) Header() http.Header         { return d.header }
func (d *discardResponse) WriteHeader(int)             {}
func (d *discardResponse) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardResponse) Flush()                      {}

// Interface guards.
var (
	_ http.ResponseWriter = (*monitorWriter)(nil)
	_ http.Flusher        = (*monitorWriter)(nil)
	_ io.ReaderFrom       = (*monitorWriter)(nil)
	_ http.Flusher        = (*discardResponse)(nil)
)
