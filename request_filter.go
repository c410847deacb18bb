package gatehouse

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/filter"
)

// RequestFilter (http.handlers.request_filter) inspects each request (the
// original URI, headers, cookies and body up to a limit) and blocks
// injections, traversal, scanners, protocol anomalies and deny-listed
// clients before they reach authentication or the backend.
//
// Its JSON is the filter.Config fields, inline.
type RequestFilter struct {
	filter.Config

	// BlockedAsError hands a blocked request to the server's error routes
	// (handle_errors) instead of answering it here: the handler returns
	// caddyhttp.Error(status) whose id ({http.error.id}) is the request id,
	// so error pages can quote it. Without error routes Caddy answers with
	// the status and an empty body. Default: false, the filter writes a
	// minimal text or JSON body with the request id itself.
	BlockedAsError bool `json:"blocked_as_error,omitempty"`
	// LogRate is the most decision log lines written per second by this
	// handler (bursts up to the same number); the lines refused are
	// counted and reported on the next one written. Metrics count every
	// request. Default: the gatehouse app's decision_log_rate, else 20.
	// Negative: no limit.
	LogRate int `json:"log_rate,omitempty"`

	// Monitor runs the filter observe-only: a request it would block is
	// logged and counted as would_block and goes on unchanged. Unset: the
	// site's gatehouse handler or the gatehouse global option decides
	// (default: enforce). max_body_size still applies, since it bounds the
	// memory the gateway spends. detect_only is the former name.
	Monitor *bool `json:"monitor,omitempty"`

	engine    *filter.Engine
	logger    *zap.Logger
	metrics   *requestFilterMetrics
	decisions *decisionLog
}

// CaddyModule returns the Caddy module information.
func (RequestFilter) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.request_filter",
		New: func() caddy.Module { return new(RequestFilter) },
	}
}

// Provision compiles the engine (patterns, IP list files) and registers
// the metrics.
func (h *RequestFilter) Provision(ctx caddy.Context) error {
	h.logger = ctx.Logger()
	h.resolveFiles()
	if h.DetectOnly && h.Monitor == nil {
		on := true
		h.Monitor = &on
	}
	// The engine always decides as if enforcing (collecting every match
	// only when monitoring is certain); the handler applies the mode per
	// request, since a site may switch it.
	cfg := h.Config
	cfg.DetectOnly = h.Monitor != nil && *h.Monitor
	engine, err := filter.New(cfg)
	if err != nil {
		return fmt.Errorf("request_filter: %w", err)
	}
	h.engine = engine
	if h.metrics, err = newRequestFilterMetrics(metricsRegisterer(ctx)); err != nil {
		return fmt.Errorf("request_filter: metrics: %w", err)
	}
	if h.decisions, err = newDecisionLog(ctx, "request_filter", h.logger, h.LogRate); err != nil {
		return fmt.Errorf("request_filter: metrics: %w", err)
	}
	return nil
}

// Validate checks the configuration without reading files.
func (h *RequestFilter) Validate() error {
	if err := h.Config.Validate(); err != nil {
		return fmt.Errorf("request_filter: %w", err)
	}
	return nil
}

// ServeHTTP inspects r and blocks it or passes it on.
func (h *RequestFilter) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	info := filter.RequestInfo{}
	// Inspect what the client sent, not what an earlier rewrite made of it.
	if orig, ok := r.Context().Value(caddyhttp.OriginalRequestCtxKey).(http.Request); ok {
		info.URI = orig.RequestURI
	}
	if ip, ok := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string); ok {
		if a, err := netip.ParseAddr(ip); err == nil {
			info.ClientIP = a.Unmap()
		}
	}
	d, err := h.engine.InspectRequest(r, info)
	if err != nil {
		h.metrics.byAction.get("error").Inc()
		return caddyhttp.Error(bodyErrorStatus(err), err)
	}
	// A body of unknown length past max_body_size fails while the
	// backend reads it: answer 413, not a proxy error. (Only then: an
	// empty body must stay http.NoBody for the proxy's framing.)
	if h.MaxBodySize > 0 && r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
		r.Body = requestFilterBodyErr{r.Body}
	}

	if d.Action == filter.ActionBlock && h.decisions.monitor(r, h.Monitor) {
		d.Action = filter.ActionDetect
	}
	h.metrics.byAction.get(string(d.Action)).Inc()
	for _, m := range d.Matches {
		h.metrics.byCategory.get(string(m.Category)).Inc()
	}
	if d.Action == filter.ActionPass || d.Action == filter.ActionBypass {
		h.decisions.allowed()
		return next.ServeHTTP(w, r)
	}

	requestID := decisionRequestID(r)
	if requestID == "" {
		requestID = rfRandomID()
	}
	h.logDecision(r, info, d, requestID)
	if d.Action == filter.ActionDetect {
		return next.ServeHTTP(w, r)
	}
	if h.BlockedAsError {
		// The message is what {http.error.message} shows: no rule ids,
		// which would tell a prober what to change.
		he := caddyhttp.Error(d.Status, errRequestBlocked)
		he.ID = requestID
		return he
	}
	writeBlocked(w, r, d.Status, requestID)
	return nil
}

// errRequestBlocked is the error of a blocked request with blocked_as_error.
var errRequestBlocked = errors.New("request blocked")

// rfRandomID is a request id for when Caddy's {http.request.uuid} is not
// available (outside a Caddy server).
func rfRandomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// bodyErrorStatus maps a body read failure to a status: 413 for an outer
// size limit, 400 for a client that sent a broken body or went away.
func bodyErrorStatus(err error) int {
	var he caddyhttp.HandlerError
	if errors.As(err, &he) && he.StatusCode != 0 {
		return he.StatusCode
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// requestFilterBodyErr turns *http.MaxBytesError into a 413 handler error,
// as the request_body handler does.
type requestFilterBodyErr struct{ io.ReadCloser }

func (b requestFilterBodyErr) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if err != nil && errors.As(err, &mbe) {
		err = caddyhttp.Error(http.StatusRequestEntityTooLarge, err)
	}
	return n, err
}

// writeBlocked answers a blocked request: status, and a minimal body (JSON
// for API clients, text otherwise) with the request id to quote to support.
func writeBlocked(w http.ResponseWriter, r *http.Request, status int, requestID string) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	var body []byte
	if strings.Contains(r.Header.Get("Accept"), "json") || strings.Contains(r.Header.Get("Content-Type"), "json") {
		hdr.Set("Content-Type", "application/json")
		body, _ = json.Marshal(map[string]string{"error": "request blocked", "request_id": requestID})
		body = append(body, '\n')
	} else {
		hdr.Set("Content-Type", "text/plain; charset=utf-8")
		body = []byte("Request blocked. Request ID: " + requestID + "\n")
	}
	hdr.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// logDecision records one blocked (or would-be blocked) request in the
// shared decision log and puts the decision on the access log line.
func (h *RequestFilter) logDecision(r *http.Request, info filter.RequestInfo, d filter.Decision, requestID string) {
	rules := make([]string, 0, len(d.Matches))
	top := -1
	for i, m := range d.Matches {
		rules = append(rules, m.Rule)
		if top < 0 || m.Score > d.Matches[top].Score {
			top = i
		}
	}
	if extra := accessLogFields(r); extra != nil {
		extra.Set(zap.String("filter_action", string(d.Action)))
		extra.Set(zap.Int("filter_score", d.Score))
		extra.Set(zap.Strings("filter_rules", rules))
	}
	dec := decision{Decision: decisionBlock, Status: d.Status, ID: requestID}
	if d.Action == filter.ActionDetect {
		dec.Decision, dec.Monitor = decisionWouldBlock, true
	}
	if top >= 0 {
		dec.Rule = d.Matches[top].Rule
		dec.Reason = string(d.Matches[top].Category)
		dec.Category = dec.Reason
	}
	// The path as the client sent it, without the query (the engine
	// decided on the original request, not on a rewrite).
	if info.URI != "" {
		dec.Path, _, _ = strings.Cut(info.URI, "?")
	}
	fields := []zap.Field{
		zap.Int("score", d.Score),
		zap.Int("threshold", d.Threshold),
		zap.Strings("rules", rules),
		zap.Array("matches", logMatches(d.Matches)),
	}
	if d.Truncated {
		fields = append(fields, zap.Bool("matches_truncated", true))
	}
	h.decisions.record(r, dec, fields...)
}

// logMatches renders matches as a log array; fragments are already
// escaped and truncated by the engine.
type logMatches []filter.Match

func (ms logMatches) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	for _, m := range ms {
		if err := enc.AppendObject(logMatch(m)); err != nil {
			return err
		}
	}
	return nil
}

type logMatch filter.Match

func (m logMatch) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("rule", m.Rule)
	enc.AddString("category", string(m.Category))
	enc.AddString("location", m.Location)
	enc.AddInt("score", m.Score)
	if m.Fragment != "" {
		enc.AddString("fragment", m.Fragment)
	}
	return nil
}

// requestFilterMetrics are the request_filter counters.
type requestFilterMetrics struct {
	requests *prometheus.CounterVec // action: pass, block, detect, bypass, error
	matches  *prometheus.CounterVec // category
	// byAction and byCategory hold their counters once resolved.
	byAction, byCategory counterCache
}

// newRequestFilterMetrics registers (or, after a reload, reuses) the
// counters in reg; a nil reg gives working, unregistered counters.
func newRequestFilterMetrics(reg prometheus.Registerer) (*requestFilterMetrics, error) {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_filter_requests_total",
		Help: "Requests seen by request_filter, by action (pass, block, detect, bypass, error).",
	}, []string{"action"})
	matches := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_filter_matches_total",
		Help: "Rule matches found by request_filter, by attack category.",
	}, []string{"category"})
	var err error
	if requests, err = registerCounterVec(reg, requests); err != nil {
		return nil, err
	}
	if matches, err = registerCounterVec(reg, matches); err != nil {
		return nil, err
	}
	m := &requestFilterMetrics{requests: requests, matches: matches}
	m.byAction.vec, m.byCategory.vec = requests, matches
	return m, nil
}

// Interface guards.
var (
	_ caddy.Provisioner           = (*RequestFilter)(nil)
	_ caddy.Validator             = (*RequestFilter)(nil)
	_ caddyhttp.MiddlewareHandler = (*RequestFilter)(nil)
)
