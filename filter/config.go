package filter

import (
	"fmt"
	"net/http"
	"strings"
)

// Defaults of Config; a zero Config means all of them.
const (
	DefaultThreshold        = 5
	DefaultParanoia         = 1
	DefaultBlockStatus      = http.StatusForbidden
	DefaultMaxURILength     = 32768
	DefaultMaxHeaders       = 100
	DefaultMaxHeaderSize    = 16384
	DefaultMaxArgs          = 512
	DefaultInspectBodyLimit = 256 << 10
	DefaultMaxJSONDepth     = 64
	maxJSONDepthCap         = 10000
)

// DefaultAllowedMethods are the methods allowed when AllowedMethods is empty.
var DefaultAllowedMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// Over-limit behaviours for form and JSON bodies larger than the inspection
// limit.
const (
	// OverLimitBlock rejects the request (413): the part past the limit
	// could hide anything, and a form or JSON body is parsed as a whole.
	OverLimitBlock = "block"
	// OverLimitInspectPrefix inspects the first InspectBodyLimit bytes and
	// lets the rest through unseen; the request carries a non-scoring
	// protocol-body-over-limit match, so that the log says so. This is
	// the default: API bodies past the limit (bulk imports, documents
	// sent as JSON) are legitimate far more often than padding attacks,
	// which max_body_size or "block" shut out where large bodies are not
	// expected.
	OverLimitInspectPrefix = "inspect_prefix"
)

// Config configures the request filter. The zero value is the default
// configuration. Field names double as the JSON of the Caddy handler.
type Config struct {
	// Threshold is the score at which a request is blocked. Default: 5
	// (one critical finding, or a sum of lesser ones).
	Threshold int `json:"threshold,omitempty"`
	// Paranoia is the sensitivity level, 1 to 4; higher levels switch on
	// stricter detectors, with more false positives. Default: 1.
	Paranoia int `json:"paranoia,omitempty"`
	// DetectOnly logs what would be blocked and blocks nothing.
	// Default: false.
	DetectOnly bool `json:"detect_only,omitempty"`
	// BlockStatus is the HTTP status of a blocked request. Default: 403
	// (413 when the block is only about body size).
	BlockStatus int `json:"block_status,omitempty"`
	// DisabledRules are rule ids that never fire; a trailing "*" matches a
	// prefix ("ssrf-*"). Default: none.
	DisabledRules []string `json:"disabled_rules,omitempty"`

	// AllowedMethods are the accepted request methods; others are blocked.
	// Default: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.
	AllowedMethods []string `json:"allowed_methods,omitempty"`
	// MaxURILength is the longest accepted request-target, in bytes.
	// Default: 32768 (analytics beacons and signed URLs pass 8 KiB; the
	// whole target is still inspected). Negative: no limit.
	MaxURILength int `json:"max_uri_length,omitempty"`
	// MaxHeaders is the largest accepted number of header fields (each
	// value of a repeated header counts). Default: 100. Negative: no limit.
	MaxHeaders int `json:"max_headers,omitempty"`
	// MaxHeaderSize is the largest accepted header field, name plus value,
	// in bytes. Default: 16384. Negative: no limit.
	MaxHeaderSize int `json:"max_header_size,omitempty"`
	// MaxArgs is the largest accepted number of query, form and multipart
	// arguments together (JSON members do not count). Default: 512.
	// Negative: no limit.
	MaxArgs int `json:"max_args,omitempty"`
	// MaxBodySize is the largest accepted request body, in bytes: a larger
	// Content-Length is rejected with 413 before reading, and a body of
	// unknown length fails with *http.MaxBytesError once it passes the
	// limit while the backend reads it. Default: 0, no limit (Caddy's
	// request_body directive can set one too).
	MaxBodySize int64 `json:"max_body_size,omitempty"`
	// InspectBodyLimit is how many body bytes are buffered and inspected;
	// the memory used per request is bounded by it. Default: 262144 (256
	// KiB). Negative: bodies are not inspected.
	InspectBodyLimit int64 `json:"inspect_body_limit,omitempty"`
	// BodyOverLimit says what happens to a form or JSON body larger than
	// InspectBodyLimit: "block" (413) or "inspect_prefix" (inspect the
	// first InspectBodyLimit bytes, let the rest through, note it in a
	// match that scores 0). Other bodies (multipart, XML, text) always
	// have their prefix inspected. Default: "inspect_prefix".
	BodyOverLimit string `json:"body_over_limit,omitempty"`
	// MaxJSONDepth is the deepest accepted JSON nesting, at most 10000.
	// Default: 64.
	MaxJSONDepth int `json:"max_json_depth,omitempty"`

	// AllowIPs are client addresses or CIDR ranges whose requests are not
	// inspected at all (e.g. an internal scanner). DenyIPs win over
	// AllowIPs. Default: none.
	AllowIPs []string `json:"allow_ips,omitempty"`
	// AllowIPsFile names a file of more allow-listed addresses or ranges,
	// one per line; "#" starts a comment. Default: none.
	AllowIPsFile string `json:"allow_ips_file,omitempty"`
	// DenyIPs are client addresses or CIDR ranges whose requests are
	// always blocked. Default: none.
	DenyIPs []string `json:"deny_ips,omitempty"`
	// DenyIPsFile names a file of more deny-listed addresses or ranges,
	// one per line; "#" starts a comment. Default: none.
	DenyIPsFile string `json:"deny_ips_file,omitempty"`

	// RedirectHosts turns the redirect check into a positive list: a
	// redirect-like query or body parameter (next, return_to, continue,
	// redirect_uri, successUrl …) holding an absolute or protocol-relative
	// URL may name only the request's own host or one of these hosts
	// ("accounts.example.com"; "*.example.com" is example.com and every
	// name under it); any other target is redirect-open. An OAuth
	// authorization endpoint names its clients' hosts in redirect_uri: list
	// them, or exclude redirect-open there. Default: none, and only evasive
	// targets and hosts imitating the site's are judged.
	RedirectHosts []string `json:"redirect_hosts,omitempty"`

	// Exclusions switch rules off where they cause false positives.
	// Default: none.
	Exclusions []Exclusion `json:"exclusions,omitempty"`
	// CustomRules are extra RE2 patterns on chosen parts of the request.
	// Default: none.
	CustomRules []CustomRule `json:"custom_rules,omitempty"`
}

// Exclusion ignores the matches of some rules at some locations of some
// paths. Every non-empty list must match; empty lists match everything, so
// an exclusion with only Paths switches the filter off below those paths.
type Exclusion struct {
	// Rules are rule ids or categories to ignore; a trailing "*" matches a
	// prefix ("xss-*"). Default: all rules.
	Rules []string `json:"rules,omitempty"`
	// Paths are request paths (after decoding and dot-segment removal);
	// a trailing "*" matches a prefix ("/cms/*"). Default: all paths.
	Paths []string `json:"paths,omitempty"`
	// Targets are locations as in Match.Location ("body:content",
	// "query:q", "header:referer", "cookie:*"); a trailing "*" matches a
	// prefix; header names are case-insensitive. Default: all locations.
	Targets []string `json:"targets,omitempty"`
}

// CustomRule is a user rule: an RE2 pattern matched against chosen targets.
type CustomRule struct {
	// ID names the rule; its matches carry the rule id "custom-<id>".
	// Required.
	ID string `json:"id,omitempty"`
	// Pattern is an RE2 regular expression (Go regexp syntax, linear
	// time). Required.
	Pattern string `json:"pattern,omitempty"`
	// Targets are the values the pattern is matched against: "path",
	// "uri" (the raw request-target), "method", "client_ip", "query",
	// "query_name", "header", "header_name", "cookie", "cookie_name",
	// "body" (fields), "body_name", "file_name", "body_raw" (the
	// unparsed body prefix), each optionally narrowed to one name with
	// ":name" ("query:id", "header:user-agent"). Query, form and path
	// values are percent-decoded once. Default: every target.
	Targets []string `json:"targets,omitempty"`
	// Score is added to the request's score on a match. Default: the
	// threshold, so a match blocks unless an exclusion applies.
	Score int `json:"score,omitempty"`
	// Block makes a match block the request whatever the score.
	// Default: false.
	Block bool `json:"block,omitempty"`
}

// withDefaults returns a copy of c with zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.Paranoia == 0 {
		c.Paranoia = DefaultParanoia
	}
	if c.BlockStatus == 0 {
		c.BlockStatus = DefaultBlockStatus
	}
	if len(c.AllowedMethods) == 0 {
		c.AllowedMethods = DefaultAllowedMethods
	}
	if c.MaxURILength == 0 {
		c.MaxURILength = DefaultMaxURILength
	}
	if c.MaxHeaders == 0 {
		c.MaxHeaders = DefaultMaxHeaders
	}
	if c.MaxHeaderSize == 0 {
		c.MaxHeaderSize = DefaultMaxHeaderSize
	}
	if c.MaxArgs == 0 {
		c.MaxArgs = DefaultMaxArgs
	}
	if c.InspectBodyLimit == 0 {
		c.InspectBodyLimit = DefaultInspectBodyLimit
	}
	if c.BodyOverLimit == "" {
		c.BodyOverLimit = OverLimitInspectPrefix
	}
	if c.MaxJSONDepth == 0 {
		c.MaxJSONDepth = DefaultMaxJSONDepth
	}
	return c
}

// Validate reports the first configuration error; it does not read files.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.Threshold < 0 {
		return fmt.Errorf("threshold %d: must be positive", c.Threshold)
	}
	if c.Paranoia < 1 || c.Paranoia > 4 {
		return fmt.Errorf("paranoia %d: must be 1 to 4", c.Paranoia)
	}
	if c.BlockStatus < 400 || c.BlockStatus > 599 {
		return fmt.Errorf("block_status %d: must be a 4xx or 5xx status", c.BlockStatus)
	}
	if c.BodyOverLimit != OverLimitBlock && c.BodyOverLimit != OverLimitInspectPrefix {
		return fmt.Errorf("body_over_limit %q: must be %q or %q", c.BodyOverLimit, OverLimitBlock, OverLimitInspectPrefix)
	}
	if c.MaxBodySize < 0 {
		return fmt.Errorf("max_body_size %d: must not be negative", c.MaxBodySize)
	}
	if c.MaxJSONDepth < 1 || c.MaxJSONDepth > maxJSONDepthCap {
		// The tokenizer recurses once per level: bound its stack.
		return fmt.Errorf("max_json_depth %d: must be 1 to %d", c.MaxJSONDepth, maxJSONDepthCap)
	}
	for _, m := range c.AllowedMethods {
		if m == "" || strings.ToUpper(m) != m {
			return fmt.Errorf("allowed_methods: %q: methods are upper-case tokens", m)
		}
	}
	for _, h := range c.RedirectHosts {
		if err := ValidRedirectHost(h); err != nil {
			return err
		}
	}
	for i, x := range c.Exclusions {
		if len(x.Rules)+len(x.Paths)+len(x.Targets) == 0 {
			return fmt.Errorf("exclusion %d: names no rule, path or target (it would switch the filter off)", i)
		}
	}
	seen := map[string]bool{}
	for i, cr := range c.CustomRules {
		if cr.ID == "" {
			return fmt.Errorf("custom rule %d: missing id", i)
		}
		if seen[cr.ID] {
			return fmt.Errorf("custom rule %q: duplicate id", cr.ID)
		}
		seen[cr.ID] = true
		if cr.Pattern == "" {
			return fmt.Errorf("custom rule %q: missing pattern", cr.ID)
		}
		if cr.Score < 0 {
			return fmt.Errorf("custom rule %q: negative score", cr.ID)
		}
		for _, t := range cr.Targets {
			if _, _, err := parseTarget(t); err != nil {
				return fmt.Errorf("custom rule %q: %w", cr.ID, err)
			}
		}
	}
	return nil
}
