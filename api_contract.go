package gatehouse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
	"github.com/gatehouse-dev/caddy-gatehouse/contract"
)

// Defaults and values of APIContract's options.
const (
	defaultContractMaxBody  = 1 << 20
	defaultContractHold     = 64 << 10
	contractReject          = "reject"
	contractPass            = "pass"
	contractResponsesStrip  = "strip"
	contractResponsesCheck  = "check"
	contractResponsesOff    = "off"
	contractSecurityEnforce = "enforce"
	contractSecurityOff     = "off"
)

// APIContract enforces an OpenAPI 3.0 or 3.1 document as a positive
// security model (http.handlers.api_contract): what the document does not
// define does not reach the backend, and what the backend answers leaves
// only as the document describes it.
//
//   - Requests: a path the document does not define is answered 404, a
//     method it does not define for the path 405 with an Allow header
//     (UnknownPaths can pass prefixes through); path, query, header and
//     cookie parameters and the body (JSON, form, multipart) are validated
//     against their schemas, undeclared body properties refused where the
//     schema closes the object or RejectUnknownProperties says so. Failures
//     are 400 application/problem+json naming the parameter or JSON pointer
//     and why, never the value.
//   - Security: the operation's security requirements are checked against
//     the identity api_auth (or another Caddy authentication) established:
//     401 without one, 403 with error="insufficient_scope" when scopes are
//     missing, as access_control answers.
//   - Responses: JSON bodies are streamed through a stripper that removes
//     every member the response schema does not declare (and writeOnly
//     ones); a response that cannot fit (an undeclared status or content
//     type, a value of the wrong type) passes and is logged, or becomes a
//     502 (OnMismatch).
//
// Paths are matched in their canonical form (authz.CanonicalPath): percent
// encodings, "..", "//", ";params", trailing slashes and (with
// CaseInsensitive) case cannot reach an operation the literal spelling
// would not.
type APIContract struct {
	// Spec is the OpenAPI document's file (YAML or JSON). $refs to
	// neighbouring files resolve beside it; remote $refs are not fetched.
	// {env.*} placeholders are resolved. Required.
	Spec string `json:"spec,omitempty"`

	// BasePath is the prefix the document's paths are served under.
	// Default: the path of the document's servers URL when every server
	// has the same one ("https://api.example.com/v1" → "/v1"), else "".
	// Set "/" (or "") to mount the paths at the root.
	BasePath *string `json:"base_path,omitempty"`

	// UnknownPaths says, per path prefix, what happens to requests for a
	// path or method the document does not define: "reject" (404 or 405)
	// or "pass" (to the backend, unvalidated and logged at debug only). The
	// longest matching prefix wins (prefixes match whole segments of the
	// canonical path); a rule without a prefix is the default. Default:
	// reject everywhere.
	UnknownPaths []ContractPathRule `json:"unknown_paths,omitempty"`

	// RejectUnknownProperties refuses request body properties that no
	// schema declares, even where the schema leaves additionalProperties
	// unsaid (mass assignment). A property declared in any allOf, anyOf or
	// oneOf branch counts as declared. Default: false (only
	// additionalProperties: false refuses).
	RejectUnknownProperties bool `json:"reject_unknown_properties,omitempty"`

	// RejectUnknownQuery refuses query parameters the operation does not
	// declare. Default: false.
	RejectUnknownQuery bool `json:"reject_unknown_query,omitempty"`

	// MaxBodySize is the largest request body read for validation; a
	// longer one is answered 413. Default: 1 MiB.
	MaxBodySize int64 `json:"max_body_size,omitempty"`

	// Security is "enforce" (operations' security requirements are
	// checked against the caller's identity) or "off" (another module
	// decides). Default: "enforce".
	Security string `json:"security,omitempty"`

	// Realm is sent in WWW-Authenticate challenges. Default: "gatehouse".
	Realm string `json:"realm,omitempty"`

	// Responses is "strip" (undeclared members of JSON responses are
	// removed), "check" (responses are checked and mismatches and
	// undeclared members logged, nothing is changed) or "off".
	// Default: "strip".
	Responses string `json:"responses,omitempty"`

	// OnMismatch is what happens to a response that cannot be made to fit
	// the document (a status or content type it does not declare, a value
	// of the wrong type, a body that is not JSON): "pass" (sent, logged and
	// counted) or "reject" (502; when the mismatch shows only after
	// ResponseHold bytes went out, the connection is cut). Default: "pass".
	OnMismatch string `json:"on_mismatch,omitempty"`

	// ResponseHold is how much stripped output is held back before the
	// response header is sent, so that a mismatch found within it can still
	// become a clean 502. Memory per response is bounded by it (plus the
	// stripper's own 8 KiB buffer, so at least 8 KiB is always held).
	// Default: 64 KiB.
	ResponseHold int64 `json:"response_hold,omitempty"`

	// CaseInsensitive matches paths without regard to case (for backends
	// that do so); path parameter values are then seen lower-cased.
	// Default: false.
	CaseInsensitive bool `json:"case_insensitive,omitempty"`

	// Monitor runs the contract observe-only: nothing is refused or
	// stripped; what would have been is logged and counted as would_block
	// / would_mask. Unset: the site's gatehouse handler or the gatehouse
	// global option decides (default: enforce).
	Monitor *bool `json:"monitor,omitempty"`

	// LogRate is the most decision log lines written per second by this
	// handler. Default: the gatehouse app's decision_log_rate, else 20.
	// Negative: no limit.
	LogRate int `json:"log_rate,omitempty"`

	contract  *contract.Contract
	rules     []ContractPathRule // sorted, longest prefix first
	challenge string
	decisions *decisionLog
	metrics   *contractMetrics
	logger    *zap.Logger
}

// ContractPathRule is one unknown_paths rule.
type ContractPathRule struct {
	// Prefix is a path prefix ("/legacy"); empty for the default rule.
	Prefix string `json:"prefix,omitempty"`
	// Action is "reject" or "pass".
	Action string `json:"action"`
}

// CaddyModule returns the Caddy module information.
func (APIContract) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.api_contract",
		New: func() caddy.Module { return new(APIContract) },
	}
}

// Provision loads and compiles the document; an invalid one fails the
// config with the place in the document that is wrong.
func (h *APIContract) Provision(ctx caddy.Context) error {
	h.logger = ctx.Logger()
	if h.MaxBodySize == 0 {
		h.MaxBodySize = defaultContractMaxBody
	}
	if h.ResponseHold == 0 {
		h.ResponseHold = defaultContractHold
	}
	if h.Security == "" {
		h.Security = contractSecurityEnforce
	}
	if h.Responses == "" {
		h.Responses = contractResponsesStrip
	}
	if h.OnMismatch == "" {
		h.OnMismatch = contractPass
	}
	if h.Realm == "" {
		h.Realm = "gatehouse"
	}
	h.challenge = fmt.Sprintf("Bearer realm=%q", h.Realm)
	if err := h.Validate(); err != nil {
		return err
	}
	spec := caddy.NewReplacer().ReplaceKnown(h.Spec, "")
	opts := contract.Options{
		CaseInsensitive:         h.CaseInsensitive,
		BasePath:                h.BasePath,
		RejectUnknownProperties: h.RejectUnknownProperties,
		RejectUnknownQuery:      h.RejectUnknownQuery,
	}
	c, err := contract.LoadFile(spec, opts)
	if err != nil {
		return fmt.Errorf("api_contract: %w", err)
	}
	h.contract = c
	for _, w := range c.Warnings {
		h.logger.Warn("api_contract: part of the document is not enforced", zap.String("spec", filepath.Base(spec)), zap.String("detail", w))
	}
	h.logger.Info("api_contract: document loaded", zap.String("spec", spec), zap.String("openapi", c.Version),
		zap.Int("operations", c.Operations), zap.String("base_path", c.BasePath))

	h.rules = append([]ContractPathRule(nil), h.UnknownPaths...)
	for i := range h.rules {
		if p := h.rules[i].Prefix; p != "" {
			cp, err := authz.CanonicalPath(p, h.CaseInsensitive)
			if err != nil {
				return fmt.Errorf("api_contract: unknown_paths prefix %q: %w", p, err)
			}
			h.rules[i].Prefix = cp
		}
	}
	sort.SliceStable(h.rules, func(i, j int) bool { return len(h.rules[i].Prefix) > len(h.rules[j].Prefix) })

	if h.metrics, err = newContractMetrics(metricsRegisterer(ctx)); err != nil {
		return fmt.Errorf("api_contract: metrics: %w", err)
	}
	if h.decisions, err = newDecisionLog(ctx, "api_contract", h.logger, h.LogRate); err != nil {
		return fmt.Errorf("api_contract: metrics: %w", err)
	}
	return nil
}

// Validate checks the options.
func (h *APIContract) Validate() error {
	if h.Spec == "" {
		return errors.New("api_contract: spec (the OpenAPI document's file) is required")
	}
	if h.MaxBodySize < 0 || h.ResponseHold < 0 {
		return errors.New("api_contract: max_body_size and response_hold must be positive")
	}
	for _, r := range h.UnknownPaths {
		if r.Action != contractReject && r.Action != contractPass {
			return fmt.Errorf("api_contract: unknown_paths action must be %q or %q, not %q", contractReject, contractPass, r.Action)
		}
		if r.Prefix != "" && !strings.HasPrefix(r.Prefix, "/") {
			return fmt.Errorf("api_contract: unknown_paths prefix %q must begin with /", r.Prefix)
		}
	}
	checks := []struct {
		name, val string
		ok        []string
	}{
		{"security", h.Security, []string{"", contractSecurityEnforce, contractSecurityOff}},
		{"responses", h.Responses, []string{"", contractResponsesStrip, contractResponsesCheck, contractResponsesOff}},
		{"on_mismatch", h.OnMismatch, []string{"", contractPass, contractReject}},
	}
	for _, c := range checks {
		valid := false
		for _, v := range c.ok {
			valid = valid || c.val == v
		}
		if !valid {
			return fmt.Errorf("api_contract: %s must be one of %s, not %q", c.name, strings.Join(c.ok[1:], ", "), c.val)
		}
	}
	return nil
}

// unknownAction is the unknown_paths action for a canonical path.
func (h *APIContract) unknownAction(path string) string {
	for _, r := range h.rules {
		if r.Prefix == "" || r.Prefix == "/" || path == r.Prefix || strings.HasPrefix(path, r.Prefix+"/") {
			return r.Action
		}
	}
	return contractReject
}

// ServeHTTP checks the request against the contract, passes it on and
// checks (and in enforce mode strips) the response.
func (h *APIContract) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	if r.Method == http.MethodConnect {
		return next.ServeHTTP(w, r)
	}
	monitor := h.decisions.monitor(r, h.Monitor)
	id := contractIdentity(r)
	user := ""
	if id != nil {
		user = id.ID
	}

	path, err := authz.CanonicalPath(r.URL.Path, h.CaseInsensitive)
	form := authz.PathExact
	if err == nil {
		form = authz.ClassifyPath(r.URL.EscapedPath())
	}
	if err != nil || form == authz.PathAmbiguous {
		// Encoded slashes, backslashes and "//" are read differently by
		// backends; no OpenAPI path needs them.
		d := decision{Rule: "path", Reason: "ambiguous_path", Category: "path", Status: http.StatusBadRequest, User: user, Path: truncateForLog(r.URL.Path, 256)}
		if h.block(w, r, d, monitor) {
			return writeContractProblem(w, http.StatusBadRequest, "Bad Request", "The request path is not acceptable.", nil)
		}
		return h.pass(w, r, next, nil, monitor)
	}

	var m contract.Match
	h.contract.Route(r.Method, path, &m)
	if m.Result != contract.RouteFound {
		if h.unknownAction(path) == contractPass {
			h.metrics.unknownPassed.Inc()
			return next.ServeHTTP(w, r)
		}
		d := decision{Rule: m.Template, Reason: "undefined_path", Category: "path", Status: http.StatusNotFound, User: user, Path: path}
		if m.Result == contract.RouteMethodNotAllowed {
			d.Reason, d.Status = "method_not_allowed", http.StatusMethodNotAllowed
		}
		if h.block(w, r, d, monitor) {
			if d.Status == http.StatusMethodNotAllowed {
				w.Header().Set("Allow", m.Allow)
				return writeContractProblem(w, d.Status, "Method Not Allowed", "The method is not defined for this resource.", nil)
			}
			return writeContractProblem(w, d.Status, "Not Found", "The resource is not defined.", nil)
		}
		return next.ServeHTTP(w, r)
	}
	op := m.Op

	if h.Security == contractSecurityEnforce {
		switch res, missing := op.Authorize(id); res {
		case contract.AuthUnauthenticated:
			d := decision{Rule: op.ID, Reason: "unauthenticated", Category: "security", Status: http.StatusUnauthorized, Path: path}
			if h.block(w, r, d, monitor) {
				w.Header().Set("WWW-Authenticate", h.challenge)
				return writeContractProblem(w, d.Status, "Unauthorized", "Authentication is required to access this resource.", nil)
			}
		case contract.AuthInsufficientScope:
			d := decision{Rule: op.ID, Reason: "insufficient_scope", Category: "security", Status: http.StatusForbidden, User: user, Path: path}
			if h.block(w, r, d, monitor) {
				w.Header().Set("WWW-Authenticate", h.challenge+`, error="insufficient_scope", scope="`+missing+`"`)
				return writeContractProblem(w, d.Status, "Forbidden", "The credentials lack a required scope.", nil)
			}
		}
	}

	if vs := op.CheckParams(&m, r.URL.RawQuery, r.Header); len(vs) > 0 {
		d := decision{Rule: op.ID, Reason: "invalid_parameter", Category: vs[0].In, Status: http.StatusBadRequest, User: user, Path: path}
		if h.block(w, r, d, monitor, violationFields(vs)...) {
			return writeContractProblem(w, d.Status, "Bad Request", "The request does not match the API contract.", vs)
		}
	}

	if status, vs, err := h.checkBody(r, op); status != 0 {
		reason := "invalid_body"
		for _, v := range vs {
			if v.Keyword == "additionalProperties" || v.Keyword == "readOnly" {
				reason = "undeclared_property" // mass assignment
				break
			}
		}
		d := decision{Rule: op.ID, Reason: reason, Category: "body", Status: status, User: user, Path: path}
		if status == http.StatusRequestEntityTooLarge {
			d.Reason = "body_too_large"
		} else if status == http.StatusUnsupportedMediaType {
			d.Reason = "unsupported_media_type"
		}
		if h.block(w, r, d, monitor, violationFields(vs)...) {
			switch status {
			case http.StatusRequestEntityTooLarge:
				return writeContractProblem(w, status, "Content Too Large", "The request body is larger than the gateway accepts.", nil)
			case http.StatusUnsupportedMediaType:
				return writeContractProblem(w, status, "Unsupported Media Type", "The request body's content type is not defined for this operation.", nil)
			}
			return writeContractProblem(w, status, "Bad Request", "The request does not match the API contract.", vs)
		}
	} else if err != nil {
		return caddyhttp.Error(http.StatusBadRequest, fmt.Errorf("api_contract: reading request body: %w", err))
	}

	if form == authz.PathRedundant && !monitor {
		// The backend gets the path that was validated, as access_control
		// forwards the one it authorised.
		if fwd, err := authz.ForwardPath(r.URL.Path); err == nil {
			r.URL.Path, r.URL.RawPath = fwd, ""
		}
	}
	if extra := accessLogFields(r); extra != nil {
		extra.Set(zap.String("contract_operation", op.ID))
	}
	return h.pass(w, r, next, op, monitor)
}

// block records a refusal; it reports whether to answer it (false in
// monitor mode, where the request goes on).
func (h *APIContract) block(w http.ResponseWriter, r *http.Request, d decision, monitor bool, extra ...zap.Field) bool {
	d.Decision, d.Monitor = decisionBlock, monitor
	if monitor {
		d.Decision = decisionWouldBlock
	}
	h.decisions.record(r, d, extra...)
	h.metrics.violations.WithLabelValues(d.Reason, d.Category).Inc()
	return !monitor
}

// pass hands the request on with the response checked (op nil: a request
// that passed unvalidated in monitor mode; its response is not checked).
func (h *APIContract) pass(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler, op *contract.Operation, monitor bool) error {
	if op == nil || h.Responses == contractResponsesOff || r.Method == http.MethodHead {
		h.decisions.allowed()
		return next.ServeHTTP(w, r)
	}
	shadow := monitor || h.Responses == contractResponsesCheck
	h.decisions.beforeUpstream(r) // response outcomes are recorded after it
	cw := newContractWriter(h, w, r, op, shadow)
	if !shadow {
		// Uncompressed and whole, so that the body can be stripped; as
		// response_redact asks. A shadow leaves the request as it is.
		defer restoreUpstreamHeaders(r.Header, upstreamHeaders(r.Header))
	}
	err := next.ServeHTTP(cw, r)
	return cw.finish(err)
}

// checkBody reads and validates the request body. status is 0 when the
// body is acceptable; the body the backend reads is the one validated.
func (h *APIContract) checkBody(r *http.Request, op *contract.Operation) (int, []contract.ParamViolation, error) {
	hasBody := r.Body != nil && r.Body != http.NoBody && (r.ContentLength != 0 || len(r.TransferEncoding) > 0)
	if !hasBody {
		res, vs := op.CheckBody(r.Header.Get("Content-Type"), nil)
		if res == contract.BodyInvalid {
			return http.StatusBadRequest, vs, nil
		}
		return 0, nil, nil
	}
	if r.ContentLength > h.MaxBodySize {
		return http.StatusRequestEntityTooLarge, nil, nil
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		// A compressed body cannot be validated without inflating it
		// (a decompression bomb), and contracts rarely allow it.
		return http.StatusUnsupportedMediaType, nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.MaxBodySize+1))
	if err != nil {
		return 0, nil, err
	}
	if int64(len(body)) > h.MaxBodySize {
		return http.StatusRequestEntityTooLarge, nil, nil
	}
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.TransferEncoding = nil
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	switch res, vs := op.CheckBody(r.Header.Get("Content-Type"), body); res {
	case contract.BodyInvalid:
		return http.StatusBadRequest, vs, nil
	case contract.BodyUnsupported:
		return http.StatusUnsupportedMediaType, nil, nil
	}
	return 0, nil, nil
}

// contractIdentity is the identity api_auth stored, or one read from the
// {http.auth.user.*} placeholders another Caddy authentication set.
func contractIdentity(r *http.Request) *authz.Identity {
	if id, ok := caddyhttp.GetVar(r.Context(), identityVarKey).(*authz.Identity); ok && id != nil {
		return id
	}
	repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer)
	if !ok {
		return nil
	}
	uid, ok := repl.GetString("http.auth.user.id")
	if !ok || uid == "" {
		return nil
	}
	id := &authz.Identity{ID: uid, Method: "external"}
	for _, key := range acExternalScopeKeys {
		if v, ok := repl.GetString("http.auth.user." + key); ok {
			id.Scopes = append(id.Scopes, acSplitList(v)...)
		}
	}
	return id
}

// violationFields are the log fields of violations: where and which
// keyword, never the value.
func violationFields(vs []contract.ParamViolation) []zap.Field {
	if len(vs) == 0 {
		return nil
	}
	where := make([]string, 0, len(vs))
	for _, v := range vs {
		s := v.In
		if v.Name != "" {
			s += ":" + v.Name
		}
		if v.Pointer != "" {
			s += v.Pointer
		}
		where = append(where, truncateForLog(s, 128)+" ("+v.Keyword+")")
	}
	return []zap.Field{zap.Strings("violations", where)}
}

// contractProblem is the RFC 9457 body of a refusal.
type contractProblem struct {
	Type   string                    `json:"type"`
	Title  string                    `json:"title"`
	Status int                       `json:"status"`
	Detail string                    `json:"detail"`
	Errors []contract.ParamViolation `json:"errors,omitempty"`
}

func writeContractProblem(w http.ResponseWriter, status int, title, detail string, vs []contract.ParamViolation) error {
	body, err := json.Marshal(contractProblem{Type: "about:blank", Title: title, Status: status, Detail: detail, Errors: vs})
	if err != nil {
		return caddyhttp.Error(http.StatusInternalServerError, err)
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/problem+json")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	hdr.Del("Content-Length")
	w.WriteHeader(status)
	_, werr := w.Write(append(body, '\n'))
	return werr
}

// contractMetrics are the module's own counters (the decisions are in
// caddy_gatehouse_decisions_total). Labels are bounded: reasons,
// parameter locations and response outcomes, never paths or values.
type contractMetrics struct {
	violations    *prometheus.CounterVec // reason, location
	responses     *prometheus.CounterVec // outcome
	stripped      prometheus.Counter
	unknownPassed prometheus.Counter
}

func newContractMetrics(reg prometheus.Registerer) (*contractMetrics, error) {
	violations := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_contract_violations_total",
		Help: "Requests api_contract refused (or would have), by reason and location (path, query, header, cookie, body, security).",
	}, []string{"reason", "location"})
	responses := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_contract_responses_total",
		Help: "Responses api_contract checked, by outcome (ok, stripped, mismatch, rejected, unchecked).",
	}, []string{"outcome"})
	members := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_contract_stripped_members_total",
		Help: "Response object members api_contract removed (or would have) because the contract does not declare them.",
	}, []string{})
	passed := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_contract_unknown_passed_total",
		Help: "Requests for paths or methods the contract does not define that unknown_paths pass let through.",
	}, []string{})
	var err error
	for _, c := range []**prometheus.CounterVec{&violations, &responses, &members, &passed} {
		if *c, err = registerCounterVec(reg, *c); err != nil {
			return nil, err
		}
	}
	return &contractMetrics{
		violations: violations, responses: responses,
		stripped: members.WithLabelValues(), unknownPassed: passed.WithLabelValues(),
	}, nil
}

// Interface guards.
var (
	_ caddy.Provisioner           = (*APIContract)(nil)
	_ caddy.Validator             = (*APIContract)(nil)
	_ caddyhttp.MiddlewareHandler = (*APIContract)(nil)
)
