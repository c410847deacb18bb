package gatehouse

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/contract"
)

// contractMode is what a contractWriter does with the body, decided at the
// final response header.
type contractMode int

const (
	cwUndecided contractMode = iota
	cwPass                   // out of scope or unchecked: passes untouched
	cwStrip                  // JSON with a schema: streamed through the stripper
	cwReject                 // cannot fit, on_mismatch reject: body discarded, 502 at the end
)

// errContractMismatch stops an upstream whose response stopped fitting
// the contract after its header was sent (on_mismatch reject).
var errContractMismatch = errors.New("api_contract: response does not fit the contract")

// contractWriter is the response writer the upstream sees. Its state lives
// for one request and is never pooled.
//
// In enforce mode a JSON body goes upstream Write → Stripper → hold →
// client; the header waits until ResponseHold bytes of stripped output (or
// the end, or a Flush) so that a mismatch found early can still become a
// clean 502, and memory stays bounded by ResponseHold whatever the body's
// size. In shadow mode (monitor, responses check) the client gets the
// upstream's bytes untouched while a copy runs through the stripper into
// io.Discard, so that the outcome is counted exactly as it would have been.
type contractWriter struct {
	*caddyhttp.ResponseWriterWrapper
	h      *APIContract
	req    *http.Request
	op     *contract.Operation
	shadow bool

	mode       contractMode
	status     int
	sentHeader bool
	st         *contract.Stripper
	stDone     bool   // the shadow stripper refused more input
	held       []byte // stripped output not yet sent (≤ ResponseHold)
	mismatch   string // why the response cannot fit ("" if it does)
	where      string // JSON pointer of a type mismatch
	cut        bool   // failed after the header went out
	recorded   bool
}

func newContractWriter(h *APIContract, w http.ResponseWriter, r *http.Request, op *contract.Operation, shadow bool) *contractWriter {
	return &contractWriter{ResponseWriterWrapper: &caddyhttp.ResponseWriterWrapper{ResponseWriter: w}, h: h, req: r, op: op, shadow: shadow}
}

// WriteHeader decides, from the status and Content-Type, what the
// contract says of the body.
func (w *contractWriter) WriteHeader(code int) {
	if w.mode != cwUndecided {
		return
	}
	if code < 200 {
		if code == http.StatusSwitchingProtocols {
			w.mode, w.sentHeader = cwPass, true
		}
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.status = code
	hdr := w.Header()
	if code == http.StatusNoContent || code == http.StatusNotModified {
		w.begin(cwPass)
		return
	}
	ct := hdr.Get("Content-Type")
	s, verdict := w.op.Response(code, ct)
	switch verdict {
	case contract.ResponseUnchecked:
		w.begin(cwPass)
	case contract.ResponseUndeclaredStatus:
		w.misfit("undeclared_status")
	case contract.ResponseUndeclaredContent:
		w.misfit("undeclared_content_type")
	case contract.ResponseSchema:
		if ce := hdr.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
			// Asked for identity upstream; a compressed body anyway
			// cannot be checked without decoding it.
			w.misfit("encoded_body")
			return
		}
		if w.shadow {
			w.st = contract.NewStripper(io.Discard, s)
			w.begin(cwStrip)
			return
		}
		w.st = contract.NewStripper(holdWriter{w}, s)
		hdr.Del("Content-Length")
		if et := hdr.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			hdr.Del("ETag") // the bytes change; a strong validator would lie
		}
		w.mode = cwStrip // the header waits for the first bytes out
	}
}

// begin sets a mode whose header goes out at once.
func (w *contractWriter) begin(m contractMode) {
	w.mode = m
	w.sendHeader()
}

// misfit handles a response the contract does not describe.
func (w *contractWriter) misfit(reason string) {
	w.mismatch = reason
	if !w.shadow && w.h.OnMismatch == contractReject {
		w.mode = cwReject
		return
	}
	w.begin(cwPass)
}

func (w *contractWriter) sendHeader() {
	if !w.sentHeader {
		w.sentHeader = true
		w.ResponseWriter.WriteHeader(w.status)
	}
}

// holdWriter receives the stripper's output.
type holdWriter struct{ w *contractWriter }

func (hw holdWriter) Write(p []byte) (int, error) {
	w := hw.w
	if w.sentHeader {
		return w.ResponseWriter.Write(p)
	}
	w.held = append(w.held, p...)
	if int64(len(w.held)) > w.h.ResponseHold {
		return len(p), w.release()
	}
	return len(p), nil
}

// release sends the header and the held output.
func (w *contractWriter) release() error {
	w.sendHeader()
	if len(w.held) == 0 {
		return nil
	}
	_, err := w.ResponseWriter.Write(w.held)
	w.held = nil
	return err
}

func (w *contractWriter) Write(p []byte) (int, error) {
	if w.mode == cwUndecided {
		w.WriteHeader(http.StatusOK)
	}
	switch w.mode {
	case cwReject:
		return len(p), nil // replaced by a 502 at the end
	case cwStrip:
		if w.shadow {
			n, err := w.ResponseWriter.Write(p)
			if !w.stDone && n > 0 {
				if _, serr := w.st.Write(p[:n]); serr != nil {
					w.stDone = true
				}
			}
			return n, err
		}
		if _, err := w.st.Write(p); err != nil {
			return 0, err
		}
		if mm := w.st.Mismatch(); mm != nil && w.h.OnMismatch == contractReject {
			w.mismatch, w.where = mm.Reason, mm.Pointer
			if !w.sentHeader {
				w.mode, w.held = cwReject, nil
				return len(p), nil
			}
			// Bytes went out already: the connection is cut (the
			// upstream's copy fails), and the outcome recorded now since
			// the proxy aborts the handler.
			w.cut = true
			removed, ptrs := w.st.Removed()
			w.record(removed, ptrs)
			return 0, errContractMismatch
		}
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Flush sends what has been stripped so far (an upstream that flushes
// wants its bytes to move), then flushes the client connection.
func (w *contractWriter) Flush() {
	if w.mode == cwUndecided {
		w.WriteHeader(http.StatusOK)
	}
	if w.mode == cwStrip && !w.shadow {
		if w.st.Flush() != nil || w.release() != nil {
			return
		}
	}
	if w.mode != cwReject {
		_ = http.NewResponseController(w.ResponseWriter).Flush()
	}
}

// finish completes the body, answers a rejected response with 502 and
// records the outcome.
func (w *contractWriter) finish(nextErr error) error {
	if w.mode == cwUndecided {
		return nextErr // nothing was written (an error handled further out)
	}
	removed, ptrs := 0, []string(nil)
	if w.st != nil {
		if !w.shadow && !w.cut && w.mode == cwStrip {
			_ = w.st.Close()
		} else if w.shadow && !w.stDone {
			_ = w.st.Close()
		}
		removed, ptrs = w.st.Removed()
		if mm := w.st.Mismatch(); mm != nil && w.mismatch == "" {
			w.mismatch, w.where = mm.Reason, mm.Pointer
		}
		if w.mode == cwStrip && !w.shadow && w.mismatch != "" && w.h.OnMismatch == contractReject && !w.sentHeader {
			w.mode, w.held = cwReject, nil
		}
	}
	var err error
	switch {
	case w.mode == cwReject:
		hdr := w.Header()
		for k := range hdr {
			delete(hdr, k)
		}
		w.status, w.sentHeader = http.StatusBadGateway, false
		err = writeContractProblem(w.ResponseWriter, http.StatusBadGateway, "Bad Gateway", "The upstream response does not match the API contract.", nil)
	case w.mode == cwStrip && !w.shadow && !w.cut:
		if hdr := w.Header(); !w.sentHeader && hdr["Trailer"] == nil {
			// The whole stripped body is held: say its length rather than
			// make the client read a small body chunked.
			hdr["Content-Length"] = []string{strconv.Itoa(len(w.held))}
		}
		err = w.release()
	}
	w.record(removed, ptrs)
	if w.st != nil {
		w.st.Release()
	}
	if nextErr != nil {
		return nextErr
	}
	return err
}

// record counts and logs the response's outcome: members removed (mask /
// would_mask), a response rejected (block / would_block) or passed despite
// a mismatch (logged with decision allow and its reason).
func (w *contractWriter) record(removed int, ptrs []string) {
	if w.recorded {
		return
	}
	w.recorded = true
	h, r := w.h, w.req
	user := ""
	if id := contractIdentity(r); id != nil {
		user = id.ID
	}
	monitor := w.shadow && h.decisions.monitor(r, h.Monitor)
	outcome := "ok"
	if removed > 0 {
		outcome = "stripped"
		h.metrics.stripped.Add(float64(removed))
		d := decision{Decision: decisionMask, Rule: w.op.ID, Reason: "response_stripped", Category: "response", Status: w.status, User: user, Monitor: monitor}
		if w.shadow {
			d.Decision = decisionWouldMask
		}
		h.decisions.record(r, d, zap.Int("removed", removed), zap.Strings("fields", ptrs))
	}
	if w.mismatch != "" {
		outcome = "mismatch"
		d := decision{Decision: decisionAllow, Rule: w.op.ID, Reason: "response_" + w.mismatch, Category: "response", Status: w.status, User: user, Monitor: monitor}
		switch {
		case w.mode == cwReject || w.cut:
			d.Decision, d.Status, outcome = decisionBlock, http.StatusBadGateway, "rejected"
		case w.shadow && h.OnMismatch == contractReject:
			d.Decision = decisionWouldBlock
		}
		fields := []zap.Field{}
		if w.where != "" {
			fields = append(fields, zap.String("pointer", truncateForLog(w.where, 256)))
		}
		h.decisions.record(r, d, fields...)
	}
	if outcome == "ok" {
		h.decisions.allowed()
	}
	h.metrics.responses.WithLabelValues(outcome).Inc()
}
