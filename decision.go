package gatehouse

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// The decision vocabulary shared by every Gatehouse module: the "decision"
// field of the decision log and label of caddy_gatehouse_decisions_total.
// A module in monitor mode records would_block / would_mask where it would
// have refused or masked, and changes nothing.
const (
	decisionAllow      = "allow"       // the request goes on (counted, not logged)
	decisionBlock      = "block"       // refused: 4xx/5xx answered by Gatehouse
	decisionWouldBlock = "would_block" // monitor mode: would have been refused
	decisionMask       = "mask"        // response values masked
	decisionWouldMask  = "would_mask"  // monitor mode: would have been masked
)

// decision is one module's verdict on one request, as logged and counted.
// Reason is a bounded code (an auth failure, an attack class, a data type):
// it becomes a metric label. Nothing here may hold a credential, a request
// value or a masked value.
type decision struct {
	Decision string // one of the decision* constants
	Rule     string // the configured rule that decided, if any
	Reason   string // why, as a bounded code
	Category string // attack or data category, when the module has one
	Status   int    // status answered (or that would have been), 0 if none
	User     string // authenticated identity, if known
	Path     string // path to log instead of r.URL.Path (canonical form)
	ID       string // request id, when the module already has it
	Monitor  bool   // recorded in monitor mode
}

// monitorVarKey is the request variable the gatehouse handler sets for a
// site or route; a module without its own monitor setting reads it.
const monitorVarKey = "gatehouse.monitor"

// monitorOn says whether a module runs observe-only for r. Precedence: the
// module's own setting, then the site's or route's gatehouse handler, then
// the gatehouse app (global option) default.
func monitorOn(r *http.Request, own *bool, appDefault bool) bool {
	if own != nil {
		return *own
	}
	if v, ok := caddyhttp.GetVar(r.Context(), monitorVarKey).(bool); ok {
		return v
	}
	return appDefault
}

// defaultDecisionLogRate is the default of the most decision lines one
// module instance writes per second; the rest are counted and the count is
// reported on the next line written (dropped_since_last) and in
// caddy_gatehouse_decision_logs_dropped_total.
const defaultDecisionLogRate = 20

// decisionLog writes and counts the decisions of one module instance in the
// format shared by every Gatehouse module.
type decisionLog struct {
	module  string
	logger  *zap.Logger
	sampler *logSampler // nil: every line is written
	metrics *decisionMetrics
	allow   prometheus.Counter // pre-resolved: allow is the hot path
	// messages[i] is the log message of decisionNames[i].
	messages [len(decisionNames)]string

	monitorDefault bool // the gatehouse app's monitor setting
}

// newDecisionLog sets up the decision log of a module. rate is the
// module's own log rate: the most lines per second, 0 for the gatehouse
// app's decision_log_rate (itself 20 by default), negative for no limit.
// The app's monitor default is kept here too, so that every module
// resolves its mode the same way (monitor).
func newDecisionLog(ctx caddy.Context, module string, logger *zap.Logger, rate int) (*decisionLog, error) {
	settings := gatehouseSettings(ctx)
	if rate == 0 {
		rate = settings.DecisionLogRate
	}
	m, err := newDecisionMetrics(metricsRegisterer(ctx))
	if err != nil {
		return nil, err
	}
	l := newDecisionLogWith(module, logger, rate, m)
	l.monitorDefault = settings.Monitor
	return l, nil
}

// metricsRegisterer is the config's metrics registry as a Registerer: nil
// when there is none (unit tests), never a non-nil interface around a nil
// *Registry, which would panic on Register.
func metricsRegisterer(ctx caddy.Context) prometheus.Registerer {
	if r := ctx.GetMetricsRegistry(); r != nil {
		return r
	}
	return nil
}

// monitor says whether the module runs observe-only for r, given its own
// setting (see monitorOn).
func (l *decisionLog) monitor(r *http.Request, own *bool) bool {
	return monitorOn(r, own, l.monitorDefault)
}

// beforeUpstream prepares r for decisions recorded once the upstream has
// started (response_redact, api_contract), when a request id may no longer
// be created in the request's variables (see pinRequestID). With an access
// log, Caddy's id is made now, so that the decision lines' request_id is
// the access log's uuid. Without one, making it (a random UUID, a map
// write and an access-log field nobody writes) would be paid on every
// request for the few whose response is masked or refused: the request
// gets a holder instead, and an id is made in it only when one is asked
// for (lateRequestID).
func (l *decisionLog) beforeUpstream(r *http.Request) {
	if accessLogFields(r) != nil && l.logger.Core().Enabled(zapcore.InfoLevel) {
		pinRequestID(r)
		return
	}
	ctx := r.Context()
	if _, ok := caddyhttp.GetVar(ctx, caddyRequestIDVar).(fmt.Stringer); ok {
		return // made earlier (a request-phase decision, a placeholder)
	}
	if _, ok := caddyhttp.GetVar(ctx, lateRequestIDVar).(*lateRequestID); !ok {
		caddyhttp.SetVar(ctx, lateRequestIDVar, new(lateRequestID))
	}
}

// lateRequestID is the request id of a request that had none when its
// upstream started: made on first use, by the handler's goroutine (where
// response-phase decisions are recorded), in a holder set before the
// upstream, so the request's variables are only read after it.
type lateRequestID struct{ id string }

// lateRequestIDVar is the request variable holding a *lateRequestID.
const lateRequestIDVar = "gatehouse.request_id"

func (h *lateRequestID) String() string {
	if h.id == "" {
		if id, err := uuid.NewRandom(); err == nil {
			h.id = id.String()
		}
	}
	return h.id
}

func newDecisionLogWith(module string, logger *zap.Logger, rate int, m *decisionMetrics) *decisionLog {
	if rate == 0 {
		rate = defaultDecisionLogRate
	}
	l := &decisionLog{module: module, logger: logger, metrics: m}
	if rate > 0 {
		l.sampler = newLogSampler(rate, time.Now)
	}
	l.allow = m.decisions.WithLabelValues(module, decisionAllow, "")
	for i, d := range decisionNames {
		l.messages[i] = module + ": " + d
	}
	return l
}

// decisionNames are the decisions whose log message ("module: decision")
// is built once per module instead of once per line.
var decisionNames = [...]string{decisionAllow, decisionBlock, decisionWouldBlock, decisionMask, decisionWouldMask}

// message is the log message of decision.
func (l *decisionLog) message(decision string) string {
	for i, d := range decisionNames {
		if d == decision && l.messages[i] != "" {
			return l.messages[i]
		}
	}
	return l.module + ": " + decision
}

// allowed counts a request the module let through untouched.
func (l *decisionLog) allowed() { l.allow.Inc() }

// record counts d, tells in-process observers (abuse bans) and writes one
// rate-limited log line. extra fields are module-specific and must follow
// the same rule: no credentials, no request or masked values.
func (l *decisionLog) record(r *http.Request, d decision, extra ...zap.Field) {
	l.metrics.decisions.WithLabelValues(l.module, d.Decision, d.Reason).Inc()
	notifyDecisionObservers(r, l.module, &d)
	// Refusals are warnings; masking is routine and monitor lines are
	// reports.
	level := zapcore.InfoLevel
	if d.Decision == decisionBlock {
		level = zapcore.WarnLevel
	}
	ce := l.logger.Check(level, l.message(d.Decision))
	if ce == nil {
		return
	}
	var dropped int64
	if l.sampler != nil {
		ok, n := l.sampler.allow()
		if !ok {
			l.metrics.dropped.WithLabelValues(l.module).Inc()
			return
		}
		dropped = n
	}
	ce.Write(l.fields(r, &d, dropped, extra)...)
}

// fields renders the shared format. Field names are the same in every
// module: operators filter on them across modules.
func (l *decisionLog) fields(r *http.Request, d *decision, dropped int64, extra []zap.Field) []zap.Field {
	path := d.Path
	if path == "" {
		path = r.URL.Path
	}
	id := d.ID
	if id == "" {
		id = decisionRequestID(r)
	}
	fs := make([]zap.Field, 0, 14+len(extra))
	fs = append(fs,
		zap.String("module", l.module),
		zap.String("decision", d.Decision),
		zap.String("rule", d.Rule),
		zap.String("reason", d.Reason),
		zap.String("category", d.Category),
		zap.String("user", d.User),
		zap.String("client_ip", decisionClientIP(r)),
		zap.String("method", r.Method),
		zap.String("host", r.Host),
		zap.String("path", truncateForLog(path, 256)),
		zap.String("request_id", id),
		zap.Bool("monitor", d.Monitor),
	)
	if d.Status != 0 {
		fs = append(fs, zap.Int("status", d.Status))
	}
	if dropped > 0 {
		fs = append(fs, zap.Int64("dropped_since_last", dropped))
	}
	return append(fs, extra...)
}

// decisionClientIP is Caddy's client IP (trusted_proxies honoured), or the
// peer address outside a Caddy server.
func decisionClientIP(r *http.Request) string {
	if ip, ok := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string); ok {
		return ip
	}
	return r.RemoteAddr
}

// decisionRequestID is Caddy's {http.request.uuid}: the id that
// Gatehouse's error bodies and Caddy's access log carry. Once the id exists
// it is read from the request's variables: asking the replacer again would
// re-add it to the access-log fields, an allocation per ask.
func decisionRequestID(r *http.Request) string {
	if id, ok := caddyhttp.GetVar(r.Context(), caddyRequestIDVar).(fmt.Stringer); ok {
		return id.String()
	}
	if id, ok := caddyhttp.GetVar(r.Context(), lateRequestIDVar).(*lateRequestID); ok {
		return id.String() // the upstream has started: never create Caddy's now
	}
	if repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer); ok {
		if id, ok := repl.GetString("http.request.uuid"); ok {
			return id
		}
	}
	return ""
}

// caddyRequestIDVar is the request variable in which Caddy keeps the id
// behind {http.request.uuid} once made.
const caddyRequestIDVar = "uuid"

// pinRequestID makes Caddy create the request id now. Caddy creates it
// lazily, in the request's variables, which reverse_proxy's dialer reads
// from another goroutine: a module that records decisions after the
// upstream has started (response_redact) must not be the first to ask.
func pinRequestID(r *http.Request) {
	_ = decisionRequestID(r) // creates the id when it does not exist yet
}

// accessLogFields is the request's extra access-log fields, or nil when
// the server writes no access log. Every Set on them allocates (Caddy
// drops its cached log handlers), a cost each request would pay for a line
// nobody writes.
func accessLogFields(r *http.Request) *caddyhttp.ExtraLogFields {
	if srv, ok := r.Context().Value(caddyhttp.ServerCtxKey).(*caddyhttp.Server); ok && srv != nil && srv.Logs == nil {
		return nil
	}
	extra, _ := r.Context().Value(caddyhttp.ExtraLogFieldsCtxKey).(*caddyhttp.ExtraLogFields)
	return extra
}

// truncateForLog cuts s to n bytes for a log line.
func truncateForLog(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// decisionMetrics is the metrics family every module shares.
type decisionMetrics struct {
	decisions *prometheus.CounterVec // module, decision, reason
	dropped   *prometheus.CounterVec // module
}

// newDecisionMetrics registers (or, after a reload, reuses) the shared
// counters in reg; a nil reg (unit tests) gives working, unregistered ones.
// Series appear on first use: none is pre-created per rule or reason.
func newDecisionMetrics(reg prometheus.Registerer) (*decisionMetrics, error) {
	decisions := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_decisions_total",
		Help: "Decisions of every Gatehouse module, by module, decision (allow, block, would_block, mask, would_mask) and reason.",
	}, []string{"module", "decision", "reason"})
	dropped := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_decision_logs_dropped_total",
		Help: "Decision log lines not written because the module's log rate was exceeded.",
	}, []string{"module"})
	var err error
	if decisions, err = registerCounterVec(reg, decisions); err != nil {
		return nil, err
	}
	if dropped, err = registerCounterVec(reg, dropped); err != nil {
		return nil, err
	}
	return &decisionMetrics{decisions: decisions, dropped: dropped}, nil
}

// decisionObserver receives, in-process, every decision other than allow
// that any Gatehouse module records (the abuse-ban signal between modules,
// never derived from logs). Implementations must be fast and must not
// retain r.
type decisionObserver interface {
	observeDecision(r *http.Request, module string, d *decision)
}

// The process-wide observer list: a registry guarded for reloads (an old
// and a new config may be registered at once during a reload).
var (
	observersMu sync.Mutex
	observers   atomic.Pointer[[]decisionObserver]
)

// registerDecisionObserver adds o; the returned function removes it (call
// it from Cleanup).
func registerDecisionObserver(o decisionObserver) (unregister func()) {
	observersMu.Lock()
	defer observersMu.Unlock()
	var cur []decisionObserver
	if p := observers.Load(); p != nil {
		cur = *p
	}
	next := append(append([]decisionObserver(nil), cur...), o)
	observers.Store(&next)
	return func() {
		observersMu.Lock()
		defer observersMu.Unlock()
		p := observers.Load()
		if p == nil {
			return
		}
		kept := make([]decisionObserver, 0, len(*p))
		for _, x := range *p {
			if x != o {
				kept = append(kept, x)
			}
		}
		observers.Store(&kept)
	}
}

func notifyDecisionObservers(r *http.Request, module string, d *decision) {
	p := observers.Load()
	if p == nil {
		return
	}
	// Observers get a copy: handing them d itself would move every
	// caller's decision to the heap, observed or not.
	dc := *d
	for _, o := range *p {
		o.observeDecision(r, module, &dc)
	}
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

// lazyCounter resolves a labelled counter on first use, so that a series
// exists only once something was counted in it.
type lazyCounter struct {
	c atomic.Pointer[prometheus.Counter]
}

func (l *lazyCounter) get(resolve func() prometheus.Counter) prometheus.Counter {
	if p := l.c.Load(); p != nil {
		return *p
	}
	c := resolve()
	l.c.Store(&c)
	return c
}
