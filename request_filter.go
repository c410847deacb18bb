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
	"sync"
	"time"

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
	// LogRate is the most "request blocked" log lines written per second
	// by this handler (bursts up to the same number); the lines refused are
	// counted and reported on the next one written. Metrics count every
	// request. Default: 20. Negative: no limit.
	LogRate int `json:"log_rate,omitempty"`

	engine  *filter.Engine
	logger  *zap.Logger
	metrics *requestFilterMetrics
	logGate *logSampler
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
	engine, err := filter.New(h.Config)
	if err != nil {
		return fmt.Errorf("request_filter: %w", err)
	}
	h.engine = engine
	var reg prometheus.Registerer
	if r := ctx.GetMetricsRegistry(); r != nil {
		reg = r
	}
	if h.metrics, err = newRequestFilterMetrics(reg); err != nil {
		return fmt.Errorf("request_filter: metrics: %w", err)
	}
	rate := h.LogRate
	if rate == 0 {
		rate = defaultBlockLogsPerSecond
	}
	h.logGate = nil // log_rate off: every line
	if rate > 0 {
		h.logGate = newLogSampler(rate, time.Now)
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
		h.metrics.requests.WithLabelValues("error").Inc()
		return caddyhttp.Error(bodyErrorStatus(err), err)
	}
	// A body of unknown length past max_body_size fails while the
	// backend reads it: answer 413, not a proxy error. (Only then: an
	// empty body must stay http.NoBody for the proxy's framing.)
	if h.MaxBodySize > 0 && r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
		r.Body = requestFilterBodyErr{r.Body}
	}

	h.metrics.requests.WithLabelValues(string(d.Action)).Inc()
	for _, m := range d.Matches {
		h.metrics.matches.WithLabelValues(string(m.Category)).Inc()
	}
	if d.Action == filter.ActionPass || d.Action == filter.ActionBypass {
		return next.ServeHTTP(w, r)
	}

	repl, _ := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer)
	requestID := ""
	if repl != nil {
		requestID, _ = repl.GetString("http.request.uuid")
	}
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

// defaultBlockLogsPerSecond is LogRate's default.
const defaultBlockLogsPerSecond = 20

// logDecision writes one line per blocked (or would-be blocked) request and
// puts the decision on the access log line.
func (h *RequestFilter) logDecision(r *http.Request, info filter.RequestInfo, d filter.Decision, requestID string) {
	rules := make([]string, 0, len(d.Matches))
	for _, m := range d.Matches {
		rules = append(rules, m.Rule)
	}
	if extra, ok := r.Context().Value(caddyhttp.ExtraLogFieldsCtxKey).(*caddyhttp.ExtraLogFields); ok {
		extra.Set(zap.String("filter_action", string(d.Action)))
		extra.Set(zap.Int("filter_score", d.Score))
		extra.Set(zap.Strings("filter_rules", rules))
	}
	var suppressed int64
	if h.logGate != nil {
		var ok bool
		if ok, suppressed = h.logGate.allow(); !ok {
			return
		}
	}
	msg := "request blocked"
	if d.Action == filter.ActionDetect {
		msg = "request would be blocked (detect only)"
	}
	ce := h.logger.Check(zapcore.WarnLevel, msg)
	if ce == nil {
		return
	}
	client := ""
	if info.ClientIP.IsValid() {
		client = info.ClientIP.String()
	}
	uri := info.URI
	if uri == "" {
		uri = r.RequestURI
	}
	fields := []zap.Field{
		zap.String("request_id", requestID),
		zap.String("client_ip", client),
		zap.String("method", r.Method),
		zap.String("host", r.Host),
		zap.String("uri", filterTruncate(filter.RedactURI(uri), 256)),
		zap.Int("score", d.Score),
		zap.Int("threshold", d.Threshold),
		zap.Int("status", d.Status),
		zap.Strings("rules", rules),
		zap.Array("matches", logMatches(d.Matches)),
	}
	if d.Truncated {
		fields = append(fields, zap.Bool("matches_truncated", true))
	}
	if suppressed > 0 {
		fields = append(fields, zap.Int64("suppressed_since_last", suppressed))
	}
	ce.Write(fields...)
}

// filterTruncate cuts s to n bytes for a log line.
func filterTruncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
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

// logSampler is a token bucket: at most rate lines per second, bursts up
// to rate. It is shared by the concurrent requests of one handler.
type logSampler struct {
	mu         sync.Mutex
	rate       float64
	tokens     float64
	last       time.Time
	suppressed int64
	now        func() time.Time
}

func newLogSampler(rate int, now func() time.Time) *logSampler {
	return &logSampler{rate: float64(rate), tokens: float64(rate), last: now(), now: now}
}

// allow takes a token; it returns how many lines were refused since the
// last one allowed.
func (s *logSampler) allow() (bool, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.now()
	s.tokens = min(s.rate, s.tokens+t.Sub(s.last).Seconds()*s.rate)
	s.last = t
	if s.tokens < 1 {
		s.suppressed++
		return false, 0
	}
	s.tokens--
	n := s.suppressed
	s.suppressed = 0
	return true, n
}

// requestFilterMetrics are the request_filter counters.
type requestFilterMetrics struct {
	requests *prometheus.CounterVec // action: pass, block, detect, bypass, error
	matches  *prometheus.CounterVec // category
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
	return &requestFilterMetrics{requests: requests, matches: matches}, nil
}

// Interface guards.
var (
	_ caddy.Provisioner           = (*RequestFilter)(nil)
	_ caddy.Validator             = (*RequestFilter)(nil)
	_ caddyhttp.MiddlewareHandler = (*RequestFilter)(nil)
)
