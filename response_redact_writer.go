package gatehouse

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/redact"
)

// writerMode is what a redactWriter does with the body, decided when the
// upstream writes its final header.
type writerMode int

const (
	modeUndecided writerMode = iota // no final header yet
	modePass                        // out of scope: header sent, body untouched
	modeNoBody                      // HEAD, 204, 304: header sent, no body
	modeMask                        // body decoded if needed, masked, streamed
	modeHold                        // 5xx: body buffered for error page detection
	modeFail                        // failed closed before the body: nothing sent
	modeSniff                       // untyped or octet-stream: first bytes held until the kind is known
)

// Errors that stop the upstream from writing more.
var (
	errLimitExceeded  = errors.New("response body exceeds max_size")
	errPartialContent = errors.New("206 partial content on a masked route cannot be masked")
	errErrorPageFull  = errors.New("5xx body exceeds error_page_max_size; replaced")
)

// downstreamError marks a failure to write to the client.
type downstreamError struct{ err error }

func (e downstreamError) Error() string { return "writing response: " + e.err.Error() }
func (e downstreamError) Unwrap() error { return e.err }

// redactWriter is the response writer the upstream handler sees. Its state
// lives for one request only and is never pooled.
//
// The pipeline of a masked body is
//
//	upstream Write → [DecodingWriter] → inspect (size limit) → Stream → downstream
//
// and the response header is held back until the first masked byte (or a
// Flush) goes out, so that a body that fails before that point can still
// become a clean 502. With a DecodingWriter, inspect, the Stream and
// downstream run on the decoder's goroutine while the handler's goroutine
// is blocked in Write; they never run concurrently with the handler.
//
// A JSON document is held whole up to coalesceMax, across the upstream's
// flushes, for at most flush_delay after the first of them: a body that
// ends by then goes out with its Content-Length in one piece. The timer
// that sends a held body when the delay is up runs on its own goroutine;
// mu serialises it with the handler's calls (Write, FlushError, finish,
// close), which hold mu for their whole run.
type redactWriter struct {
	// Embedded by value: one allocation less per response.
	caddyhttp.ResponseWriterWrapper
	h   *ResponseRedact
	req *http.Request

	mu         sync.Mutex
	coalesce   bool        // a JSON document: held across flushes (see above)
	flushTimer *time.Timer // armed by the first flush held back
	done       bool        // finished or released: the timer must not write

	mode       writerMode
	status     int
	sentHeader bool
	result     string

	kind     redact.BodyKind
	maskBody bool                   // status and type in scope
	dec      *redact.DecodingWriter // nil for identity bodies
	stream   *redact.Stream
	closed   bool // stream closed (findings final)
	findings redact.Findings
	// hdrFindings counts values masked in header values (scan_headers).
	hdrFindings map[string]int
	inspected   int64
	passing     bool // past max_size with on_limit pass
	hold        []byte
	holdFull    bool
	out         []byte // masked output not yet written on (≤ outBufSize, or coalesceMax while held)
	// declaredLen is the upstream's Content-Length value, removed from the
	// header (stripRepresentationHeaders) until the masked length is known.
	declaredLen []string

	// modeSniff: what the Content-Type alone would give, and the
	// (decoded) bytes held until the first non-whitespace one.
	sniffKind redact.BodyKind
	sniffOK   bool
	sniffBuf  []byte

	stopErr    error  // returned to the upstream on every later Write
	failErr    error  // why the response fails closed
	failResult string // metric result of the failure

	monitor bool // a monitor-mode shadow: outcomes are would_mask / would_block
}

func newRedactWriter(h *ResponseRedact, w http.ResponseWriter, r *http.Request) *redactWriter {
	return &redactWriter{
		ResponseWriterWrapper: caddyhttp.ResponseWriterWrapper{ResponseWriter: w},
		h:                     h,
		req:                   r,
	}
}

// WriteHeader applies the header rules and decides what to do with the body.
func (w *redactWriter) WriteHeader(code int) {
	if w.mode != modeUndecided {
		return // superfluous, as net/http would say
	}
	hdr := w.Header()
	marks := w.applyHeaderRules(hdr)
	if code < 200 {
		if code == http.StatusSwitchingProtocols {
			w.status, w.mode, w.result, w.sentHeader = code, modePass, resultSkipped, true
		}
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.status = code
	w.decide(hdr, marks)
}

// decide picks the mode of a final response from its status and header;
// marks says which header fields it has (applyHeaderRules).
func (w *redactWriter) decide(hdr http.Header, marks headerMarks) {
	var ct string
	if marks&markContentType != 0 {
		ct = firstHeader(hdr, "Content-Type")
	}
	a := w.h.kindFor(ct)
	if a.untyped && w.sniffs() && w.startSniff(hdr, a.kind, a.ok) {
		return
	}
	w.begin(hdr, ct, a.kind, a.ok, a.scan, marks)
}

// begin sets the mode of a final response whose body kind is known.
// scan says whether a 5xx body may be vetted as an error page; marks which
// header fields hdr has (allMarks when not known).
func (w *redactWriter) begin(hdr http.Header, ct string, kind redact.BodyKind, typeOK, scan bool, marks headerMarks) {
	code := w.status
	w.kind = kind
	w.maskBody = typeOK && w.h.statuses.match(code)
	errorPage := code >= 500 && w.h.ErrorPages != errorPagesOff && scan

	if code == http.StatusPartialContent {
		// Range and If-Range were stripped upstream, so a 206 is the
		// backend ignoring us; a range of a masked type could cut a value
		// in half, so it never passes, whatever statuses says. Binary
		// ranges (video) pass.
		if typeOK || strings.HasPrefix(mediaType(ct), "multipart/byteranges") {
			w.fail(errPartialContent, resultPartialContent)
			return
		}
	}
	if !w.maskBody && !errorPage {
		w.mode, w.result = modePass, resultSkipped
		w.sendHeader()
		return
	}

	// (Fields that marks says are absent are not looked up or deleted.)
	if marks&markContentLength != 0 {
		w.declaredLen = hdr["Content-Length"]
	}
	var declaredLen string
	if len(w.declaredLen) > 0 {
		declaredLen = w.declaredLen[0]
	}
	var codings []string
	var encErr error
	if marks&markContentEncoding != 0 {
		codings, encErr = redact.ParseContentEncoding(hdr["Content-Encoding"])
	}
	if marks&(markContentLength|markRepresentation) != 0 {
		stripRepresentationHeaders(hdr)
	}

	bodyless := w.req.Method == http.MethodHead || code == http.StatusNoContent || code == http.StatusNotModified
	if bodyless {
		// The same headers as the masked GET would have.
		if encErr == nil && marks&markContentEncoding != 0 {
			delete(hdr, "Content-Encoding")
		}
		w.mode, w.result = modeNoBody, resultNoBody
		w.sendHeader()
		return
	}
	if encErr != nil {
		w.fail(encErr, resultUnknownEncoding)
		return
	}
	if marks&markContentEncoding != 0 {
		delete(hdr, "Content-Encoding")
	}

	if errorPage {
		w.mode = modeHold
	} else {
		// (An absent Content-Length is the usual case: not parsed, since a
		// failed ParseInt allocates its error.)
		if n, err := parseContentLength(declaredLen); err == nil && len(codings) == 0 &&
			n > w.h.MaxSize && w.h.OnLimit == onLimitFail {
			// Known too long: fail before reading a byte.
			w.fail(fmt.Errorf("%w: Content-Length %d > %d", errLimitExceeded, n, w.h.MaxSize), resultLimitFailed)
			return
		}
		w.mode = modeMask
		w.stream = w.h.redactor.NewStream(downstream{w}, kind)
		// A sequence of documents (NDJSON, json-seq) is a stream, and so
		// is a response whose upstream asks for incremental delivery:
		// their flushes pass at once. So do those of a response with
		// trailers, whose values the upstream adds to the header map
		// after the body, when the timer could be sending the header.
		w.coalesce = kind == redact.KindJSON && w.h.flushDelay > 0 &&
			!jsonSequenceType(ct) && !caddyhttp.IsIncremental(hdr) && hdr["Trailer"] == nil
	}
	if len(codings) > 0 {
		w.dec = redact.NewDecodingWriter(inspector{w}, codings)
	}
}

// applyHeaderRules removes and masks headers and runs the detectors over
// the values of the headers configured for scanning (1xx headers too: they
// reach the client as well). It returns which of the fields the handler
// looks at are left in hdr; the answer holds until hdr's keys change.
func (w *redactWriter) applyHeaderRules(hdr http.Header) headerMarks {
	var marks headerMarks
	w.h.headerRule.ApplyEach(hdr, func(k string) { marks |= headerMark(k) })
	if w.h.headerRule.Scans() {
		w.addHeaderFindings(w.h.headerRule.ScanValues(hdr, w.h.redactor))
	}
	if w.h.URLHeaders != urlHeadersOff && marks&markURL != 0 {
		w.addHeaderFindings(scanURLHeaders(hdr, w.h.redactor, w.h.maskWith))
	}
	if w.h.cookies != nil && marks&markSetCookie != 0 {
		if n := w.h.cookies.maskCookies(hdr, w.h.cookieRepl); n > 0 {
			w.addHeaderFindings(redact.Findings{Total: n, Types: map[string]int{"cookie": n}})
		}
	}
	return marks
}

// headerMarks says which of the response header fields the handler looks
// up or deletes are present (under their canonical keys, the only ones it
// looks up), so that absent ones cost nothing.
type headerMarks uint8

const (
	markContentType     headerMarks = 1 << iota
	markContentLength               // Content-Length
	markContentEncoding             // Content-Encoding
	markRepresentation              // representationHeaders but Content-Length
	markURL                         // urlHeaderNames
	markSetCookie                   // Set-Cookie

	allMarks headerMarks = 1<<iota - 1
)

// headerMark is the mark of header key k, 0 for the others. A switch, not
// a map built from representationHeaders and urlHeaderNames: it runs for
// every header of every response. TestHeaderMarkCoversLists keeps it in
// step with those lists.
func headerMark(k string) headerMarks {
	switch k {
	case "Content-Type":
		return markContentType
	case "Content-Length":
		return markContentLength
	case "Content-Encoding":
		return markContentEncoding
	case "Content-Md5", "Digest", "Content-Digest", "Repr-Digest", "Accept-Ranges", "Etag":
		return markRepresentation
	case "Location", "Content-Location", "Refresh", "Link":
		return markURL
	case "Set-Cookie":
		return markSetCookie
	}
	return 0
}

// addHeaderFindings counts values masked in header values.
func (w *redactWriter) addHeaderFindings(f redact.Findings) {
	for t, n := range f.Types {
		if w.hdrFindings == nil {
			w.hdrFindings = make(map[string]int)
		}
		w.hdrFindings[t] += n
	}
}

// fail makes the response fail closed: nothing of it is sent, later Writes
// are refused.
func (w *redactWriter) fail(err error, result string) {
	if w.failErr == nil {
		w.failErr, w.failResult = err, result
	}
	if w.stopErr == nil {
		w.stopErr = err
	}
	if w.mode == modeUndecided {
		w.mode = modeFail
	}
}

// Write takes a chunk of the upstream's body.
func (w *redactWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.mode == modeUndecided {
		w.WriteHeader(http.StatusOK)
	}
	switch w.mode {
	case modePass, modeNoBody:
		return w.ResponseWriter.Write(p)
	case modeFail:
		return 0, w.stopErr
	}
	if w.stopErr != nil {
		return 0, w.stopErr
	}
	var n int
	var err error
	if w.dec != nil {
		n, err = w.dec.Write(p)
	} else {
		n, err = w.inspect(p)
	}
	if err != nil {
		w.stop(err)
	}
	return n, err
}

// stop records an error of the body pipeline (possibly raised on the
// decoder's goroutine, which is finished or parked by now).
func (w *redactWriter) stop(err error) {
	var de downstreamError
	switch {
	case w.failErr != nil, w.holdFull:
		// inspect already said why
	case errors.As(err, &de):
		w.result = resultClientGone
	default:
		w.fail(err, resultDecodeFailed)
	}
	if w.stopErr == nil {
		w.stopErr = err
	}
}

// ReadFrom must not reach the underlying writer's ReadFrom (sendfile),
// which would bypass masking; only pass-through bodies may use it.
func (w *redactWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.mode == modePass {
		return w.ResponseWriterWrapper.ReadFrom(r)
	}
	return io.Copy(writerOnly{w}, r)
}

// writerOnly hides ReadFrom from io.Copy.
type writerOnly struct{ io.Writer }

// Flush emits what the engine can safely emit now (a complete server-sent
// event, say) and flushes it to the client.
func (w *redactWriter) Flush() { _ = w.FlushError() }

// FlushError is Flush for http.ResponseController. Without it, the
// controller would unwrap us and flush the raw upstream header.
func (w *redactWriter) FlushError() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.mode == modeUndecided {
		w.WriteHeader(http.StatusOK) // as net/http does on Flush
	}
	switch w.mode {
	case modePass, modeNoBody:
		return http.NewResponseController(w.ResponseWriter).Flush()
	case modeFail:
		return w.stopErr
	case modeHold, modeSniff:
		// A 5xx body goes out only once vetted; a sniffed one once its
		// kind is known (only whitespace so far).
		return nil
	}
	if w.stopErr != nil {
		return w.stopErr
	}
	if !w.passing {
		if err := w.stream.Flush(); err != nil {
			w.stop(err)
			return err
		}
	}
	if w.coalesce && !w.sentHeader {
		// reverse_proxy flushes after every read of a body of unknown
		// length; a document that ends soon goes out whole instead, and
		// one that does not is sent when the delay is up.
		if w.flushTimer == nil {
			w.flushTimer = time.AfterFunc(w.h.flushDelay, w.flushHeld)
		}
		return nil
	}
	if err := w.flushOut(); err != nil {
		w.stop(err)
		return err
	}
	w.sendHeader()
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// flushHeld sends a held body's header and bytes so far, on the timer's
// goroutine, when the upstream asked for a flush flush_delay ago and the
// body has neither ended nor outgrown the hold since.
func (w *redactWriter) flushHeld() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done || w.sentHeader || w.stopErr != nil || w.failErr != nil {
		return
	}
	if err := w.flushOut(); err != nil {
		w.stop(err)
		return
	}
	w.sendHeader()
	if err := http.NewResponseController(w.ResponseWriter).Flush(); err != nil {
		w.stop(downstreamError{err})
	}
}

// stopTimer keeps a pending flushHeld from writing (with mu held).
func (w *redactWriter) stopTimer() {
	w.done = true
	if w.flushTimer != nil {
		w.flushTimer.Stop()
	}
}

// close releases the writer's resources once the handler is done with it
// (deferred by ServeHTTP; safe after finish and more than once).
func (w *redactWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopTimer()
	w.release()
	if w.stream != nil && w.closed {
		// No goroutine writes any more (release waited for the
		// decoder, stopTimer for the flush timer), and the findings
		// were copied when the stream closed.
		w.stream.Release()
		w.stream = nil
	}
}

// inspect counts decoded bytes against the limits and feeds the engine.
func (w *redactWriter) inspect(p []byte) (int, error) {
	if w.mode == modeSniff {
		return w.sniff(p)
	}
	if w.mode == modeHold {
		if int64(len(w.hold)+len(p)) > w.h.ErrorPageMaxSize {
			w.holdFull = true
			return 0, errErrorPageFull
		}
		w.hold = append(w.hold, p...)
		return len(p), nil
	}
	if w.passing {
		return w.writeDownstream(p)
	}
	remaining := w.h.MaxSize - w.inspected
	if int64(len(p)) <= remaining {
		w.inspected += int64(len(p))
		return w.stream.Write(p)
	}
	if w.h.OnLimit != onLimitPass {
		w.fail(fmt.Errorf("%w (%d bytes)", errLimitExceeded, w.h.MaxSize), resultLimitFailed)
		return 0, w.failErr
	}
	// on_limit pass: mask up to the limit, then let the rest through.
	if _, err := w.stream.Write(p[:remaining]); err != nil {
		return 0, err
	}
	if err := w.closeStream(); err != nil {
		return int(remaining), err
	}
	w.inspected += remaining
	w.passing, w.result = true, resultLimitPassed
	if c := w.h.logger.Check(zapcore.WarnLevel, "response_redact: max_size reached, passing the rest unmasked (on_limit pass)"); c != nil {
		c.Write(zap.Int("upstream_status", w.status), zap.Int64("max_size", w.h.MaxSize), zap.String("path", w.req.URL.Path))
	}
	n, err := w.writeDownstream(p[remaining:])
	return int(remaining) + n, err
}

// closeStream emits the engine's held-back tail and collects findings.
func (w *redactWriter) closeStream() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.stream.Close()
	w.findings = w.stream.Findings()
	return err
}

// sendHeader writes the (rewritten) response header downstream once.
func (w *redactWriter) sendHeader() {
	if !w.sentHeader {
		w.sentHeader = true
		w.ResponseWriter.WriteHeader(w.status)
	}
}

// outBufSize is how much masked output is coalesced before it is written
// on: the engine may emit many small pieces, and small first writes would
// make an encode handler in front skip compression (its minimum length) and
// cost a syscall each. Held output also keeps the header unsent longer, so
// more failures can still become a clean 502.
const outBufSize = 8 << 10

// coalesceMax is how much of a JSON document is held whole (see
// redactWriter): enough for the usual API response, and bounded, since
// each response in flight may hold that much.
const coalesceMax = 64 << 10

// writeDownstream queues masked (or past-limit) bytes for the client.
func (w *redactWriter) writeDownstream(p []byte) (int, error) {
	if len(w.out)+len(p) <= outBufSize {
		if w.out == nil {
			w.out = getOutBuf()
		}
		w.out = append(w.out, p...)
		return len(p), nil
	}
	if w.coalesce && !w.sentHeader && len(w.out)+len(p) <= coalesceMax {
		if cap(w.out) < coalesceMax {
			held := w.out
			w.out = append(getBigOutBuf(), held...)
			if held != nil {
				putOutBuf(held)
			}
		}
		w.out = append(w.out, p...)
		return len(p), nil
	}
	if err := w.flushOut(); err != nil {
		return 0, err
	}
	if len(p) < outBufSize {
		w.out = append(w.out, p...)
		return len(p), nil
	}
	w.sendHeader()
	n, err := w.ResponseWriter.Write(p)
	if err != nil {
		return n, downstreamError{err}
	}
	return n, nil
}

// flushOut writes the queued output (and the header) to the client.
func (w *redactWriter) flushOut() error {
	if len(w.out) == 0 {
		return nil
	}
	w.sendHeader()
	_, err := w.ResponseWriter.Write(w.out)
	w.out = w.out[:0]
	if err != nil {
		return downstreamError{err}
	}
	return nil
}

// downstream is the engine's output.
type downstream struct{ w *redactWriter }

func (d downstream) Write(p []byte) (int, error) { return d.w.writeDownstream(p) }

// inspector is the decoder's output.
type inspector struct{ w *redactWriter }

func (i inspector) Write(p []byte) (int, error) { return i.w.inspect(p) }

// release stops a decoder goroutine that is still running (the upstream
// panicked or the response is abandoned). Safe to call more than once.
func (w *redactWriter) release() {
	if w.dec != nil {
		w.dec.Abort()
	}
	if w.out != nil {
		putOutBuf(w.out)
		w.out = nil
	}
}

// outBufs recycles the output buffers: one per masked response would
// otherwise be the largest allocation of a small response. Arrays, not
// slices, so that Put does not allocate a slice header.
var (
	outBufs    = sync.Pool{New: func() any { return new([outBufSize]byte) }}
	bigOutBufs = sync.Pool{New: func() any { return new([coalesceMax]byte) }}
)

func getOutBuf() []byte { return outBufs.Get().(*[outBufSize]byte)[:0] }

func getBigOutBuf() []byte { return bigOutBufs.Get().(*[coalesceMax]byte)[:0] }

func putOutBuf(b []byte) {
	switch cap(b) {
	case outBufSize:
		outBufs.Put((*[outBufSize]byte)(b[:outBufSize]))
	case coalesceMax:
		bigOutBufs.Put((*[coalesceMax]byte)(b[:coalesceMax]))
	}
	// (anything else is not one of ours)
}

// parseContentLength reads a Content-Length value; "" is not one.
func parseContentLength(v string) (int64, error) {
	if v == "" {
		return 0, errNoContentLength
	}
	return strconv.ParseInt(v, 10, 64)
}

var errNoContentLength = errors.New("no Content-Length")

// contentLength is the Content-Length header value of an n-byte body: the
// upstream's own value when it says exactly that (nothing was masked, and
// nothing is allocated), else a new one.
func (w *redactWriter) contentLength(n int) []string {
	var buf [20]byte
	if v := w.declaredLen; len(v) == 1 && v[0] == string(strconv.AppendInt(buf[:0], int64(n), 10)) {
		return v
	}
	return []string{strconv.Itoa(n)}
}

// finish completes the response once the upstream handler is done.
// aborted means the upstream panicked with http.ErrAbortHandler after we
// refused its body.
func (w *redactWriter) finish(nextErr error, aborted bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopTimer()
	switch w.mode {
	case modeUndecided:
		// Nothing was written: net/http (or Caddy's error handling, if
		// nextErr is set) will send the header map as it is.
		w.applyHeaderRules(w.Header())
		return nextErr
	case modePass, modeNoBody:
		w.record()
		return nextErr
	case modeFail:
		return w.failClosed()
	}

	if w.failErr != nil {
		return w.failClosed()
	}
	if w.result == resultClientGone {
		w.record()
		if aborted {
			panic(http.ErrAbortHandler)
		}
		return nextErr
	}
	if nextErr != nil && !w.holdFull {
		// The upstream failed mid-body: do not emit the held-back tail.
		w.release()
		w.result = resultUpstreamError
		w.record()
		if !w.sentHeader {
			clearEntityHeaders(w.Header())
		}
		return nextErr
	}

	if w.dec != nil {
		if err := w.dec.Close(); err != nil {
			w.stop(err)
			if w.failErr != nil {
				return w.failClosed()
			}
			if w.result == resultClientGone {
				w.record()
				return err
			}
		}
	}
	if w.mode == modeSniff {
		if err := w.endSniff(); err != nil {
			w.stop(err)
			if w.failErr != nil {
				return w.failClosed()
			}
			w.record()
			return err
		}
		if w.mode == modePass {
			w.record()
			return nil
		}
	}
	if w.mode == modeHold {
		return w.finishErrorPage()
	}
	err := w.closeStream()
	if hdr := w.Header(); err == nil && !w.sentHeader && hdr["Trailer"] == nil {
		// The whole masked body is held: say its length, as the upstream
		// did, rather than make the client read it chunked.
		hdr["Content-Length"] = w.contentLength(len(w.out))
	}
	if err == nil {
		err = w.flushOut()
	}
	if err != nil {
		w.result = resultClientGone
		w.record()
		return err
	}
	w.sendHeader() // empty body
	w.record()
	return nil
}

// failClosed turns the response into a 502 while its header is unsent, or
// aborts the connection once the client has part of the body.
func (w *redactWriter) failClosed() error {
	w.release()
	w.result = w.failResult
	w.record()
	if c := w.h.logger.Check(zapcore.WarnLevel, "response_redact: failing closed"); c != nil {
		c.Write(
			zap.String("reason", w.failResult),
			zap.Int("upstream_status", w.status),
			zap.Bool("headers_sent", w.sentHeader),
			zap.Int64("inspected_bytes", w.inspected),
			zap.String("path", w.req.URL.Path),
			zap.Error(w.failErr),
		)
	}
	if w.sentHeader {
		panic(http.ErrAbortHandler)
	}
	clearEntityHeaders(w.Header())
	return caddyhttp.Error(http.StatusBadGateway, w.failErr)
}

// finishErrorPage vets a buffered 5xx body: replaced when it leaks (or
// could not be buffered whole), else passed on, masked when in scope.
func (w *redactWriter) finishErrorPage() error {
	var reason, platform string
	switch {
	case w.holdFull:
		reason = "too_large"
	case w.h.ErrorPages == errorPagesReplace:
		reason = "replace_all"
	default:
		if m, ok := redact.DetectErrorPage(w.hold); ok {
			reason, platform = m.Signal, m.Platform
		}
	}
	if reason != "" {
		w.result = resultErrorPage
		w.record()
		if c := w.h.logger.Check(zapcore.InfoLevel, "response_redact: replaced upstream error page"); c != nil {
			c.Write(
				zap.Int("upstream_status", w.status),
				zap.String("reason", reason),
				zap.String("platform", platform),
				zap.String("path", w.req.URL.Path),
			)
		}
		return w.writeGenericError()
	}
	body := w.hold
	w.hold = nil
	var err error
	if !w.maskBody {
		w.result = resultSkipped
		_, err = w.writeDownstream(body)
	} else {
		w.stream = w.h.redactor.NewStream(downstream{w}, w.kind)
		w.inspected = int64(len(body))
		_, err = w.stream.Write(body)
		if cerr := w.closeStream(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = w.flushOut()
	}
	w.sendHeader()
	w.record()
	return err
}

// genericError is the body that replaces a leaking 5xx error page.
type genericError struct {
	Status    int    `json:"status"`
	Error     string `json:"error"`
	RequestID string `json:"request_id,omitempty"`
}

func (w *redactWriter) writeGenericError() error {
	body, err := json.Marshal(genericError{Status: w.status, Error: http.StatusText(w.status), RequestID: decisionRequestID(w.req)})
	if err != nil {
		return fmt.Errorf("encoding generic error: %w", err)
	}
	hdr := w.Header()
	clearEntityHeaders(hdr)
	hdr["Content-Type"] = []string{"application/json"}
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	hdr["X-Content-Type-Options"] = []string{"nosniff"}
	hdr["Cache-Control"] = []string{"no-store"}
	w.sendHeader()
	if _, err := w.ResponseWriter.Write(body); err != nil {
		return downstreamError{err}
	}
	return nil
}

// record counts the outcome and findings and puts them on the access log.
// Our log lines carry the request path, never the query string, which may
// carry tokens (?access_token=…).
func (w *redactWriter) record() {
	result := w.result
	if result == "" {
		result = resultClean
		if w.findings.Total > 0 {
			result = resultMasked
		}
		w.result = result
	}
	if len(w.hdrFindings) > 0 {
		// Header findings count like body findings (the values left).
		types := make(map[string]int, len(w.findings.Types)+len(w.hdrFindings))
		for t, c := range w.findings.Types {
			types[t] += c
		}
		for t, c := range w.hdrFindings {
			types[t] += c
			w.findings.Total += c
		}
		w.findings.Types, w.hdrFindings = types, nil
		if result == resultClean {
			result, w.result = resultMasked, resultMasked
		}
	}
	w.h.metrics.byResult.get(result).Inc()
	n := w.findings.Total
	for typ, c := range w.findings.Types {
		w.h.metrics.byType.get(typ).Add(float64(c))
	}
	if extra := accessLogFields(w.req); extra != nil {
		extra.Set(zap.String("redact_result", result))
		if n > 0 {
			extra.Set(zap.Int("redact_findings", n))
			extra.Set(zap.Any("redact_types", w.findings.Types))
		}
	}
	w.recordDecision(result, n)
}

// recordDecision writes the response's outcome to the shared decision log:
// masked values by type and JSON path (never a value), error pages
// replaced and responses failed closed as block.
func (w *redactWriter) recordDecision(result string, n int) {
	d := decision{Status: w.status, Monitor: w.monitor}
	switch result {
	case resultErrorPage, resultLimitFailed, resultUnknownEncoding, resultDecodeFailed, resultPartialContent:
		d.Decision, d.Reason, d.Category = decisionBlock, result, "fail_closed"
		if result == resultErrorPage {
			d.Category = "error_page"
		} else {
			d.Status = http.StatusBadGateway
		}
		if w.monitor {
			d.Decision = decisionWouldBlock
		}
		w.h.decisions.record(w.req, d, zap.Int("upstream_status", w.status))
		return
	}
	if n == 0 {
		w.h.decisions.allowed()
		return
	}
	d.Decision = decisionMask
	if w.monitor {
		d.Decision = decisionWouldMask
	}
	top := 0
	for typ, c := range w.findings.Types {
		if c > top || (c == top && typ < d.Reason) {
			d.Reason, top = typ, c
		}
	}
	d.Category = d.Reason
	w.h.decisions.record(w.req, d,
		zap.String("result", result),
		zap.Int("findings", n),
		zap.Any("types", w.findings.Types),
		zap.Any("paths", w.findings.Paths),
		zap.Bool("json_fallback", w.findings.Fallback),
	)
}

// stripRepresentationHeaders drops what no longer describes a rewritten
// body: its length, validators and digests of the original bytes, and the
// promise of ranges. Weak ETags stay: the masked body is semantically the
// same representation.
func stripRepresentationHeaders(hdr http.Header) {
	for _, k := range representationHeaders {
		delete(hdr, k)
	}
	if etag := firstHeader(hdr, "Etag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		delete(hdr, "Etag")
	}
}

// representationHeaders are the fields stripRepresentationHeaders always
// drops (a strong Etag goes too).
var representationHeaders = [...]string{"Content-Length", "Content-Md5", "Digest", "Content-Digest", "Repr-Digest", "Accept-Ranges"}

// clearEntityHeaders drops the upstream's description of a body that is
// not sent (the response becomes a 502 or a generic error).
func clearEntityHeaders(hdr http.Header) {
	for _, k := range []string{
		"Content-Type", "Content-Length", "Content-Encoding", "Content-Language",
		"Content-Disposition", "Content-Range", "Content-Location", "Content-Md5",
		"Digest", "Content-Digest", "Repr-Digest", "Etag", "Last-Modified",
		"Accept-Ranges", "Set-Cookie", "Location", "Link", "Trailer", "Expires",
	} {
		delete(hdr, k)
	}
}

// firstHeader is hdr.Get for a canonical key.
func firstHeader(hdr http.Header, key string) string {
	if v := hdr[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Interface guards.
var (
	_ http.ResponseWriter = (*redactWriter)(nil)
	_ http.Flusher        = (*redactWriter)(nil)
	_ io.ReaderFrom       = (*redactWriter)(nil)
)

// jsonSequenceType: ct is a media type of JSON texts one after another
// (NDJSON, JSON lines, RFC 7464 json-seq), which clients read as they come.
func jsonSequenceType(ct string) bool {
	if ct == "application/json" || strings.HasPrefix(ct, "application/json;") {
		return false // the commonest answer, without parsing
	}
	_, sub, _ := strings.Cut(mediaType(ct), "/")
	switch sub {
	case "x-ndjson", "ndjson", "jsonl", "x-jsonlines", "json-seq":
		return true
	}
	return false
}
