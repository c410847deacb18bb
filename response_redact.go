package gatehouse

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/redact"
)

// Defaults of ResponseRedact.
const (
	defaultRedactMaxSize    = 16 << 20
	defaultErrorPageMaxSize = 64 << 10
	defaultFlushDelay       = 50 * time.Millisecond
	onLimitFail             = "fail"
	onLimitPass             = "pass"
	errorPagesDetect        = "detect"
	errorPagesReplace       = "replace"
	errorPagesOff           = "off"
	upstreamAcceptEncoding  = "identity"
)

// ResponseRedact masks sensitive data in response bodies (through the
// redact engine), removes headers that reveal the backend, replaces 5xx
// error pages that carry stack traces or SQL errors, and fails closed
// whenever a body cannot be made safe.
//
// On the way in it asks the upstream for an uncompressed (Accept-Encoding:
// identity), complete (no Range / If-Range) response. On the way out it
// decodes gzip, deflate, zstd and br bodies that come compressed anyway,
// masks them as they stream (memory O(window), never O(body)) and hands an
// uncompressed body on, for an `encode` handler in front to compress.
type ResponseRedact struct {
	// Config is the masking engine's configuration (detectors, JSON field
	// rules, styles, custom detectors, window, HMAC key); its fields appear
	// inline in this module's JSON. HMACKey may be a placeholder such as
	// {env.REDACT_KEY} or {file./run/secrets/redact}; it is resolved at
	// provision time.
	redact.Config

	// MaxSize is the most decoded body bytes inspected per response.
	// Default: 16 MiB.
	MaxSize int64 `json:"max_size,omitempty"`

	// OnLimit is what happens to a body longer than MaxSize: "fail" (the
	// response becomes a 502 if its headers have not been sent yet, else the
	// connection is aborted; no unmasked byte leaves) or "pass" (the first
	// MaxSize bytes are masked, the rest passes unmasked). Every trigger is
	// logged and counted. Default: "fail".
	OnLimit string `json:"on_limit,omitempty"`

	// ErrorPages is what happens to 5xx bodies: "detect" (bodies with a stack
	// trace or an SQL error are replaced by a generic JSON error carrying the
	// request id), "replace" (every 5xx body is replaced) or "off".
	// Default: "detect".
	ErrorPages string `json:"error_pages,omitempty"`

	// ErrorPageMaxSize is how much of a 5xx body is buffered for error page
	// detection; a longer 5xx body cannot be vetted and is replaced.
	// Default: 64 KiB.
	ErrorPageMaxSize int64 `json:"error_page_max_size,omitempty"`

	// FlushDelay is how long a masked JSON document may be held, up to 64
	// KiB, after the upstream first asks for a flush. reverse_proxy flushes
	// after every read of a body of unknown length (the usual chunked
	// response of an application server), and each flush would cost the
	// client a chunk and a TCP segment: a document that ends within the
	// delay goes out whole, with its Content-Length; one that does not
	// starts streaming when the delay is up. Sequence types (NDJSON, JSON
	// lines, json-seq), responses whose upstream asks for incremental
	// delivery (`Incremental: ?1`), text bodies and a document past 64 KiB
	// pass every flush on at once, and so does every response when
	// FlushDelay is negative. Default: 50ms.
	FlushDelay caddy.Duration `json:"flush_delay,omitempty"`

	// ContentTypes limits masking to these media types: exact
	// ("application/json"), "type/*" ("text/*") or a structured-syntax suffix
	// ("+json", which matches application/problem+json and also the bare
	// syntax application/json; "+xml" likewise matches application/xml and
	// text/xml). Default: every type the engine scans (JSON and +json, text,
	// HTML, XML, form); binary types are never scanned. A response without
	// a Content-Type is scanned as text.
	ContentTypes []string `json:"content_types,omitempty"`

	// Statuses limits masking to these status codes or classes ("200",
	// "2xx"). Default: every final status.
	Statuses []string `json:"statuses,omitempty"`

	// Headers configures response header removal and masking.
	// Default: the built-in revealing headers (Server, X-Powered-By,
	// X-AspNet-Version, X-AspNetMvc-Version, X-Runtime, debug headers …)
	// are removed, nothing is masked.
	Headers *redact.HeaderPolicy `json:"headers,omitempty"`

	// URLHeaders is what happens to the headers that carry URLs (Location,
	// Content-Location, Refresh, Link), whose query strings often hold
	// e-mail addresses and tokens: "scan" (their values, raw and
	// percent-decoded, run through the detectors and only what they find
	// is masked, as with Headers.Scan) or "off". Default: "scan".
	URLHeaders string `json:"url_headers,omitempty"`

	// MaskCookies lists cookie names whose Set-Cookie values are replaced
	// by Headers.MaskWith ("[REDACTED]" when that is not a valid cookie
	// value); the name and attributes stay. A trailing "*" matches by
	// prefix; names are case-sensitive and match with or without a
	// __Host- or __Secure- prefix. Default: none.
	MaskCookies []string `json:"mask_cookies,omitempty"`

	// Sniff is what is done with a body labelled application/octet-stream
	// or without a Content-Type: "json" (a body whose first non-whitespace
	// byte, within the first 512 decoded bytes, is '{' or '[' is masked as
	// JSON; other octet-stream bodies pass untouched, other untyped bodies
	// are masked as text) or "off" (octet-stream passes, untyped is text).
	// Sniffed bodies are in scope when ContentTypes is empty or matches
	// application/json. Default: "json".
	Sniff string `json:"sniff,omitempty"`

	// Monitor runs masking observe-only: responses reach the client
	// exactly as the upstream sent them (body and headers), while what
	// would have been masked, replaced or failed closed is counted and
	// logged as would_mask / would_block. Unset: the site's gatehouse
	// handler or the gatehouse global option decides (default: enforce).
	Monitor *bool `json:"monitor,omitempty"`

	// LogRate is the most decision log lines written per second by this
	// handler; the others are counted and reported. Default: the
	// gatehouse app's decision_log_rate, else 20. Negative: no limit.
	LogRate int `json:"log_rate,omitempty"`

	redactor   *redact.Redactor
	cookies    *cookieMatcher
	cookieRepl string
	maskWith   string // Headers.MaskWith or its default
	headerRule *redact.HeaderRules
	types      []contentTypePattern
	statuses   statusSet
	metrics    *redactMetrics
	decisions  *decisionLog
	logger     *zap.Logger
	flushDelay time.Duration               // FlushDelay resolved; 0: flushes pass at once
	lastKind   *atomic.Pointer[kindAnswer] // kindFor's last answer (a pointer: the module is copied by value)

}

// CaddyModule returns the Caddy module information.
func (ResponseRedact) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.response_redact",
		New: func() caddy.Module { return new(ResponseRedact) },
	}
}

// Provision compiles the engine and the rules and sets up metrics.
func (h *ResponseRedact) Provision(ctx caddy.Context) error {
	h.logger = ctx.Logger()
	if h.MaxSize == 0 {
		h.MaxSize = defaultRedactMaxSize
	}
	if h.OnLimit == "" {
		h.OnLimit = onLimitFail
	}
	if h.ErrorPages == "" {
		h.ErrorPages = errorPagesDetect
	}
	if h.ErrorPageMaxSize == 0 {
		h.ErrorPageMaxSize = defaultErrorPageMaxSize
	}
	switch {
	case h.FlushDelay == 0:
		h.flushDelay = defaultFlushDelay
	case h.FlushDelay > 0:
		h.flushDelay = time.Duration(h.FlushDelay)
	}
	if h.URLHeaders == "" {
		h.URLHeaders = urlHeadersScan
	}
	if h.Sniff == "" {
		h.Sniff = sniffJSON
	}

	cfg := h.Config
	if cfg.HMACKey != "" {
		// {env.*} and {file.*} are global placeholders; the resolved key
		// lives only in the compiled engine, never in the config.
		cfg.HMACKey = caddy.NewReplacer().ReplaceKnown(cfg.HMACKey, "")
	}
	r, err := redact.New(cfg)
	if err != nil {
		return fmt.Errorf("response_redact: engine: %w", err)
	}
	h.redactor = r

	var policy redact.HeaderPolicy
	if h.Headers != nil {
		policy = *h.Headers
	}
	if h.headerRule, err = redact.CompileHeaderRules(policy); err != nil {
		return fmt.Errorf("response_redact: %w", err)
	}
	if h.cookies, err = compileCookieNames(h.MaskCookies); err != nil {
		return fmt.Errorf("response_redact: %w", err)
	}
	h.cookieRepl = cookieReplacement(policy.MaskWith)
	h.maskWith = policy.MaskWith
	if h.maskWith == "" {
		h.maskWith = redact.DefaultMaskWith
	}
	if h.types, err = parseContentTypePatterns(h.ContentTypes); err != nil {
		return fmt.Errorf("response_redact: %w", err)
	}
	if h.statuses, err = parseStatusSet(h.Statuses); err != nil {
		return fmt.Errorf("response_redact: %w", err)
	}

	if h.metrics, err = newRedactMetrics(metricsRegisterer(ctx)); err != nil {
		return fmt.Errorf("response_redact: metrics: %w", err)
	}
	h.lastKind = new(atomic.Pointer[kindAnswer])
	if h.decisions, err = newDecisionLog(ctx, "response_redact", h.logger, h.LogRate); err != nil {
		return fmt.Errorf("response_redact: metrics: %w", err)
	}
	return nil
}

// Validate checks the options that Provision does not default.
func (h *ResponseRedact) Validate() error {
	if h.MaxSize < 0 {
		return fmt.Errorf("response_redact: max_size must be positive")
	}
	if h.ErrorPageMaxSize < 0 {
		return fmt.Errorf("response_redact: error_page_max_size must be positive")
	}
	switch h.OnLimit {
	case onLimitFail, onLimitPass:
	default:
		return fmt.Errorf("response_redact: on_limit must be %q or %q, not %q", onLimitFail, onLimitPass, h.OnLimit)
	}
	switch h.ErrorPages {
	case errorPagesDetect, errorPagesReplace, errorPagesOff:
	default:
		return fmt.Errorf("response_redact: error_pages must be %q, %q or %q, not %q",
			errorPagesDetect, errorPagesReplace, errorPagesOff, h.ErrorPages)
	}
	switch h.URLHeaders {
	case "", urlHeadersScan, urlHeadersOff:
	default:
		return fmt.Errorf("response_redact: url_headers must be %q or %q, not %q", urlHeadersScan, urlHeadersOff, h.URLHeaders)
	}
	switch h.Sniff {
	case "", sniffJSON, sniffOff:
	default:
		return fmt.Errorf("response_redact: sniff must be %q or %q, not %q", sniffJSON, sniffOff, h.Sniff)
	}
	return nil
}

// ServeHTTP wraps the response writer so that the response passes through
// the masking pipeline; see redactWriter.
func (h *ResponseRedact) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	if r.Method == http.MethodConnect {
		return next.ServeHTTP(w, r) // a tunnel, not a response to rewrite
	}
	h.decisions.beforeUpstream(r)
	if h.decisions.monitor(r, h.Monitor) {
		return h.serveMonitored(w, r, next)
	}
	rw := newRedactWriter(h, w, r)
	defer rw.close()
	defer restoreUpstreamHeaders(r.Header, upstreamHeaders(r.Header))
	nextErr, aborted := h.serveNext(rw, r, next)
	return rw.finish(nextErr, aborted)
}

// serveNext runs next and recovers the http.ErrAbortHandler panic that a
// proxy raises when our Write refuses a body we are failing closed on;
// any other panic (or an abort we did not cause) goes on up.
func (h *ResponseRedact) serveNext(rw *redactWriter, r *http.Request, next caddyhttp.Handler) (err error, aborted bool) {
	defer func() {
		if rec := recover(); rec != nil {
			if rec == http.ErrAbortHandler && rw.stopErr != nil {
				err, aborted = nil, true
				return
			}
			rw.close()
			panic(rec)
		}
	}()
	return next.ServeHTTP(rw, r), false
}

// upstreamHeaders rewrites r's header as the upstream should see it:
// uncompressed and whole, because compressed bodies cost a decode and a
// partial body (206) cannot be masked (a value may be cut by the range).
// The caller restores the client's own values (restoreUpstreamHeaders)
// when the upstream is done, so that the access log shows what the client
// sent. In place rather than on a copy of the request: a copy is one of
// the largest allocations of a small proxied request.
func upstreamHeaders(h http.Header) (saved savedHeaders) {
	rng, hasRange := h["Range"]
	ifRange, hasIfRange := h["If-Range"]
	saved = savedHeaders{h["Accept-Encoding"], rng, ifRange}
	h["Accept-Encoding"] = identityEncoding
	if hasRange { // (most requests have neither: no delete to hash)
		delete(h, "Range")
	}
	if hasIfRange {
		delete(h, "If-Range")
	}
	return saved
}

// identityEncoding is shared by every request: header values are replaced,
// never written into.
var identityEncoding = []string{upstreamAcceptEncoding}

// savedHeaders are the client's values of the headers upstreamHeaders sets.
type savedHeaders struct{ acceptEncoding, rng, ifRange []string }

func restoreUpstreamHeaders(h http.Header, s savedHeaders) {
	for _, kv := range [...]struct {
		k string
		v []string
	}{{"Accept-Encoding", s.acceptEncoding}, {"Range", s.rng}, {"If-Range", s.ifRange}} {
		if kv.v == nil {
			delete(h, kv.k)
		} else {
			h[kv.k] = kv.v
		}
	}
}

// kindFor reports whether a response of Content-Type ct is masked, and how
// (kind, ok), whether a 5xx body of that type is vetted as an error page
// (scan, see scannable) and whether it is sniffed for JSON (untyped).
// An upstream answers with one or two Content-Types over and over: the last
// answer is kept, since parsing the media type is an allocation per response.
func (h *ResponseRedact) kindFor(ct string) kindAnswer {
	if h.lastKind == nil {
		return h.kindAnswer(ct)
	}
	if last := h.lastKind.Load(); last != nil && last.ct == ct {
		return *last
	}
	a := h.kindAnswer(ct)
	h.lastKind.Store(&a)
	return a
}

// kindAnswer is one answer of kindFor.
type kindAnswer struct {
	ct      string
	kind    redact.BodyKind
	ok      bool
	scan    bool // scannable(ct)
	untyped bool // no Content-Type, or application/octet-stream
}

func (h *ResponseRedact) kindAnswer(ct string) kindAnswer {
	kind, ok := h.kindForUncached(ct)
	return kindAnswer{
		ct: ct, kind: kind, ok: ok,
		scan:    scannable(ct),
		untyped: strings.TrimSpace(ct) == "" || mediaType(ct) == "application/octet-stream",
	}
}

func (h *ResponseRedact) kindForUncached(ct string) (redact.BodyKind, bool) {
	if strings.TrimSpace(ct) == "" {
		return redact.KindText, len(h.types) == 0
	}
	kind, known := redact.KindForContentType(ct)
	if len(h.types) == 0 {
		return kind, known
	}
	mt := mediaType(ct)
	for _, p := range h.types {
		if p.match(mt) {
			if !known {
				kind = redact.KindText
			}
			return kind, true
		}
	}
	return kind, false
}

// scannable reports whether a 5xx body of Content-Type ct is text that may
// carry a stack trace (binary bodies are not inspected).
func scannable(ct string) bool {
	if strings.TrimSpace(ct) == "" {
		return true
	}
	_, ok := redact.KindForContentType(ct)
	return ok
}

// contentTypePattern is one entry of ContentTypes.
type contentTypePattern struct {
	exact  string // "application/json"
	major  string // "text" of "text/*"
	suffix string // "+json"
}

func (p contentTypePattern) match(mt string) bool {
	switch {
	case p.exact != "":
		return mt == p.exact
	case p.major != "":
		major, _, _ := strings.Cut(mt, "/")
		return major == p.major
	default:
		// "+json" names the JSON syntax (RFC 6839): application/json and
		// text/json are that syntax too, not just the suffixed types.
		_, sub, _ := strings.Cut(mt, "/")
		return strings.HasSuffix(sub, p.suffix) || sub == p.suffix[1:]
	}
}

func parseContentTypePatterns(list []string) ([]contentTypePattern, error) {
	var out []contentTypePattern
	for _, s := range list {
		s = strings.ToLower(strings.TrimSpace(s))
		switch {
		case strings.HasPrefix(s, "+") && len(s) > 1:
			out = append(out, contentTypePattern{suffix: s})
		case strings.HasSuffix(s, "/*") && len(s) > 2 && !strings.Contains(s[:len(s)-2], "/"):
			out = append(out, contentTypePattern{major: s[:len(s)-2]})
		case strings.Count(s, "/") == 1 && !strings.ContainsAny(s, "*; ") && s[0] != '/' && s[len(s)-1] != '/':
			out = append(out, contentTypePattern{exact: s})
		default:
			return nil, fmt.Errorf("content_types: %q is not a media type, type/* or +suffix", s)
		}
	}
	return out, nil
}

// mediaType is the lower-cased type/subtype of a Content-Type value.
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// statusSet is a compiled Statuses list; the zero value matches everything.
type statusSet struct {
	all     bool
	classes [6]bool
	codes   map[int]bool
}

func parseStatusSet(list []string) (statusSet, error) {
	if len(list) == 0 {
		return statusSet{all: true}, nil
	}
	s := statusSet{codes: make(map[int]bool)}
	for _, v := range list {
		v = strings.ToLower(strings.TrimSpace(v))
		if len(v) == 3 && v[1:] == "xx" && v[0] >= '1' && v[0] <= '5' {
			s.classes[v[0]-'0'] = true
			continue
		}
		code, err := strconv.Atoi(v)
		if err != nil || code < 100 || code > 599 {
			return statusSet{}, fmt.Errorf("statuses: %q is not a status code (100-599) or class (2xx)", v)
		}
		s.codes[code] = true
	}
	return s, nil
}

func (s statusSet) match(code int) bool {
	if s.all {
		return true
	}
	if c := code / 100; c >= 1 && c <= 5 && s.classes[c] {
		return true
	}
	return s.codes[code]
}

// Interface guards.
var (
	_ caddy.Provisioner           = (*ResponseRedact)(nil)
	_ caddy.Validator             = (*ResponseRedact)(nil)
	_ caddyhttp.MiddlewareHandler = (*ResponseRedact)(nil)
)
