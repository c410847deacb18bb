package filter

// Category is an attack class; metrics and logs are labelled by it.
type Category string

// Attack categories.
const (
	CatSQLi      Category = "sqli"
	CatXSS       Category = "xss"
	CatTraversal Category = "path_traversal"
	CatRFI       Category = "rfi"
	CatRCE       Category = "rce"
	CatJNDI      Category = "jndi"
	CatSSRF      Category = "ssrf"
	CatSSTI      Category = "ssti"
	CatNoSQL     Category = "nosqli"
	CatLDAP      Category = "ldapi"
	CatXXE       Category = "xxe"
	CatCRLF      Category = "crlf"
	CatScanner   Category = "scanner"
	CatProtocol  Category = "protocol"
	CatIP        Category = "ip"
	CatCustom    Category = "custom"
)

// Kind says which part of the request a value came from, so that detectors
// can adapt (a path is not a User-Agent, a JSON key is not a JSON value).
//
// What the request layer hands over: the path as sent (still
// percent-encoded); query and form names and values percent-decoded once
// ('+' as space); header and cookie values as sent; JSON names and strings
// with their JSON escapes decoded; XML text and attributes with entities
// decoded; multipart field values as sent (quoted-printable decoded); raw
// bodies as sent, after any Content-Encoding is undone. Names made only of
// letters, digits, '_' and '-' are not passed as values: nothing can hide
// in them.
type Kind uint8

// Value kinds.
const (
	KindPath        Kind = iota // the URL path
	KindQueryName               // a query parameter name
	KindQueryValue              // a query parameter value
	KindHeaderName              // a header name
	KindHeaderValue             // a header value (other than the ones below)
	KindUserAgent               // the User-Agent header
	KindCookieName              // a cookie name
	KindCookieValue             // a cookie value
	KindBodyName                // a form field name or JSON key
	KindBodyValue               // a form field value or JSON string value
	KindFileName                // a multipart file name
	KindBodyRaw                 // a raw body (XML, plain text, unparsed)
)

// isParamName reports the kinds of value that are parameter names.
func isParamName(k Kind) bool {
	return k == KindQueryName || k == KindBodyName || k == KindCookieName
}

// Hit is one detector finding on one value.
type Hit struct {
	// Rule is a stable rule id, e.g. "sqli-libinjection" or "rce-unix-cmd".
	Rule string
	// Category is the attack class of the rule.
	Category Category
	// Score is the rule's contribution to the request's anomaly score.
	Score int

	quoted bool // a code rule on code a document quotes, demoted to weak
}

// Action is what the engine decided for a request; it is the label of the
// caddy_gatehouse_filter_requests_total metric.
type Action string

// Actions.
const (
	// ActionPass: the request is let through (score below the threshold).
	ActionPass Action = "pass"
	// ActionBlock: the request is rejected.
	ActionBlock Action = "block"
	// ActionDetect: the request would be blocked but detect-only mode lets
	// it through.
	ActionDetect Action = "detect"
	// ActionBypass: the client address is on the allow-list; nothing was
	// inspected.
	ActionBypass Action = "bypass"
)

// Match is one finding on one request: a Hit placed at a location.
type Match struct {
	// Rule is the rule id, e.g. "sqli-libinjection", "protocol-uri-length",
	// "ip-deny" or "custom-<id>".
	Rule string `json:"rule"`
	// Category is the attack class of the rule.
	Category Category `json:"category"`
	// Score is the rule's contribution to the request's score.
	Score int `json:"score"`
	// Block is set for rules that block on their own, whatever the score
	// (deny-listed address, custom rule with block, oversized body).
	Block bool `json:"block,omitempty"`
	// Location says where the value was found: "path", "query:id",
	// "query_name:id", "header:referer", "header_name:x-foo",
	// "cookie:session", "cookie_name:session", "body:user.name" (form
	// field, dotted JSON member path, XML element), "body_name:user.name",
	// "file_name:avatar", "file_type:avatar", "body_raw" (unparsed body),
	// "body" (the body as a whole), "method", "uri", "headers", "args",
	// "client_ip".
	Location string `json:"location"`
	// Fragment is the beginning of the offending value, escaped (printable
	// ASCII only) and truncated, or "[redacted, N bytes]" when the value's
	// name looks like a credential; safe to log.
	Fragment string `json:"fragment,omitempty"`
}

// Decision is the engine's verdict on one request.
type Decision struct {
	// Action is the outcome: pass, block, detect (would block) or bypass.
	Action Action `json:"action"`
	// Blocked reports whether the request must be rejected (Action ==
	// ActionBlock).
	Blocked bool `json:"blocked"`
	// Status is the HTTP status to reject with when Blocked (or would
	// reject with, in detect-only mode); 0 when the request passes.
	Status int `json:"status,omitempty"`
	// Score is the request's score: the sum, over the rules that matched,
	// of each rule's highest score (a rule that matches several values
	// counts once).
	Score int `json:"score"`
	// Threshold is the score at which a request is blocked.
	Threshold int `json:"threshold"`
	// Matches are the findings, in the order found, at most
	// maxMatches of them (the score counts every rule, listed or not).
	Matches []Match `json:"matches,omitempty"`
	// Truncated reports that more matches were found than Matches holds.
	Truncated bool `json:"truncated,omitempty"`
}
