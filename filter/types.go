// Package filter inspects HTTP requests and blocks attacks: injections,
// traversal, scanners, protocol anomalies. It knows nothing of Caddy.
//
// Two layers meet here:
//   - the value layer (Inspector) normalises one value and runs the attack
//     detectors over it;
//   - the request layer (Engine) walks a request (path, query, headers,
//     cookies, bodies), checks protocol limits and IP lists, feeds each value
//     to the Inspector, applies exclusions and custom rules, sums scores and
//     decides.
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

// Hit is one detector finding on one value.
type Hit struct {
	// Rule is a stable rule id, e.g. "sqli-libinjection" or "rce-unix-cmd".
	Rule string
	// Category is the attack class of the rule.
	Category Category
	// Score is the rule's contribution to the request's anomaly score.
	Score int
}
