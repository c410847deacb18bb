package gatehouse

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// redactMetrics are the response_redact counters. Labels are fixed sets
// (outcome names, detector names), never per-client or per-path values.
type redactMetrics struct {
	responses *prometheus.CounterVec // result
	findings  *prometheus.CounterVec // type

	// The counters of the label values seen so far, so that counting a
	// response is not a WithLabelValues (label hashing under the vector's
	// lock) each time.
	byResult, byType counterCache
}

// Outcomes of one response, the values of the "result" label.
const (
	resultMasked          = "masked"           // scanned, something masked
	resultClean           = "clean"            // scanned, nothing found
	resultSkipped         = "skipped"          // out of scope (content type, status, 1xx/101)
	resultNoBody          = "no_body"          // HEAD, 204, 304: headers only
	resultErrorPage       = "error_page"       // 5xx body replaced by the generic error
	resultLimitFailed     = "limit_failed"     // past max_size, failed closed
	resultLimitPassed     = "limit_passed"     // past max_size, rest passed (on_limit pass)
	resultUnknownEncoding = "unknown_encoding" // Content-Encoding we cannot decode
	resultDecodeFailed    = "decode_failed"    // corrupt, truncated or trailing data
	resultPartialContent  = "partial_content"  // 206 on a masked type
	resultUpstreamError   = "upstream_error"   // the upstream handler failed mid-body
	resultClientGone      = "client_gone"      // writing to the client failed
)

// newRedactMetrics registers (or, after a reload, reuses) the counters in
// reg. A nil reg (unit tests) gives working, unregistered counters.
func newRedactMetrics(reg prometheus.Registerer) (*redactMetrics, error) {
	responses := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_redact_responses_total",
		Help: "Responses seen by response_redact, by outcome.",
	}, []string{"result"})
	findings := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "caddy_gatehouse_redact_findings_total",
		Help: "Values masked by response_redact, by detector type (\"field\" for JSON field rules).",
	}, []string{"type"})
	var err error
	if responses, err = registerCounterVec(reg, responses); err != nil {
		return nil, err
	}
	if findings, err = registerCounterVec(reg, findings); err != nil {
		return nil, err
	}
	m := &redactMetrics{responses: responses, findings: findings}
	m.byResult.vec, m.byType.vec = responses, findings
	return m, nil
}

// registerCounterVec registers c, or returns the identical collector a
// previous config (or another response_redact instance) registered.
func registerCounterVec(reg prometheus.Registerer, c *prometheus.CounterVec) (*prometheus.CounterVec, error) {
	if reg == nil {
		return c, nil
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
				return existing, nil
			}
		}
		return nil, err
	}
	return c, nil
}
