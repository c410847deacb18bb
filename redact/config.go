package redact

// Config configures a Redactor. The zero value is usable: every built-in
// detector except ip_address is on, matches are masked with '*', no JSON
// field rules, an 8 KiB window.
type Config struct {
	// Detectors lists the built-in detectors to run (names in
	// BuiltinDetectors, e.g. "credit_card", "email"). Default (empty): every
	// built-in detector except "ip_address".
	Detectors []string `json:"detectors,omitempty"`

	// Disable lists built-in detectors to turn off, applied after Detectors.
	// Default: none.
	Disable []string `json:"disable,omitempty"`

	// IPAddresses turns on the "ip_address" detector (IPv4 and IPv6), which is
	// off by default because addresses are often not secret.
	// Default: false.
	IPAddresses bool `json:"ip_addresses,omitempty"`

	// Fields are JSON field rules: the value of every matching field is
	// masked with the rule's style (the key is kept), or the whole member is
	// removed with style kind "remove". Default: none.
	Fields []FieldRule `json:"fields,omitempty"`

	// Style is the default masking style of detected values and of field
	// rules without their own style. Default: kind "mask", char "*",
	// nothing kept.
	Style *Style `json:"style,omitempty"`

	// Styles overrides Style per detector name (built-in or custom), e.g.
	// {"credit_card": {"kind": "mask", "keep_first": 6, "keep_last": 4}}.
	// Default: none.
	Styles map[string]Style `json:"styles,omitempty"`

	// Custom are additional detectors given as RE2 patterns.
	// Default: none.
	Custom []CustomDetector `json:"custom,omitempty"`

	// WindowBytes bounds how many bytes a stream holds back to see a value
	// whole; it is also the longest value a detector matches (longer JWTs
	// and PEM blocks are masked to their end all the same). Memory per
	// stream is O(WindowBytes). Minimum 1024. Default: 8192.
	WindowBytes int `json:"window_bytes,omitempty"`

	// PhoneRegions are the regions (ISO 3166-1 alpha-2 codes, e.g. "US",
	// "GB", "DE") whose national formats the "phone" detector recognises:
	// a number written without "+", "00" or "011" and a country code is
	// masked when it is valid in one of them ("07700 900 123" in GB). Numbers
	// with a country code are validated for their own country whatever
	// this says. Any region of the North American plan (US, CA, …) turns on
	// NANP national numbers. Default (empty): DefaultPhoneRegions (US, GB,
	// DE, FR, ES, IT, NL, IN, AU, BR).
	PhoneRegions []string `json:"phone_regions,omitempty"`

	// HMACKey is the secret key of the "hmac" style; required when any style
	// has kind "hmac". Give it as a placeholder such as {env.REDACT_KEY}:
	// the Caddy adapter resolves it. Default: empty.
	HMACKey string `json:"hmac_key,omitempty"`
}

// Style says how a matched value is rewritten.
type Style struct {
	// Kind is one of "mask" (replace each letter and digit with Char,
	// keeping separators and the first KeepFirst and last KeepLast of them),
	// "replace" (the fixed Replacement), "label" (the type label, e.g.
	// "[CREDIT_CARD]"), "hmac" (a stable keyed pseudonym
	// "[LABEL:16 hex digits of HMAC-SHA256]") or "remove" (the value is
	// deleted; for a JSON field rule the whole member is deleted).
	// Default: "mask".
	Kind string `json:"kind,omitempty"`

	// Char is the mask character of kind "mask" (one ASCII character).
	// Default: "*".
	Char string `json:"char,omitempty"`

	// KeepFirst is how many leading letters/digits kind "mask" keeps. For
	// credit cards at most 6 (the BIN) is honoured. Default: 0.
	KeepFirst int `json:"keep_first,omitempty"`

	// KeepLast is how many trailing letters/digits kind "mask" keeps. For
	// credit cards at most 4 is honoured. Default: 0.
	KeepLast int `json:"keep_last,omitempty"`

	// Replacement is the fixed text of kind "replace".
	// Default: "[REDACTED]".
	Replacement string `json:"replacement,omitempty"`

	// Label overrides the type label of kinds "label" and "hmac" (without
	// brackets). Default: the detector name in upper case (e.g. "EMAIL"), or
	// for a field rule the last key of its path (e.g. "PASSWORD").
	Label string `json:"label,omitempty"`
}

// FieldRule selects JSON fields by path.
//
// Path grammar: segments separated by '.', a key segment is a key name
// (matched case-insensitively) or '*' (any one key), an array segment is
// "[*]" (any element, written right after its key: "users[*]"). A path
// matches the END of a field's path, so "password" matches that key at any
// depth and "*.ssn" any "ssn" key below some object key. A leading "$."
// anchors the path at the document root ("$.token" is only the top-level
// key).
type FieldRule struct {
	// Path selects the fields, e.g. "password", "*.ssn",
	// "users[*].card.number". Required.
	Path string `json:"path,omitempty"`

	// Style is how the value is rewritten; kind "remove" deletes the whole
	// member. Default: Config.Style.
	Style *Style `json:"style,omitempty"`
}

// CustomDetector is a detector given as an RE2 pattern.
type CustomDetector struct {
	// Name names the detector in findings, labels and Styles; lower-case
	// letters, digits and '_'; must not collide with a built-in name.
	// Required.
	Name string `json:"name,omitempty"`

	// Pattern is an RE2 regular expression (Go regexp syntax); the whole
	// match is masked. Required.
	Pattern string `json:"pattern,omitempty"`

	// Validator, if set, must accept a match before it is masked: "luhn"
	// (Luhn checksum over the digits), "credit_card" (length, issuer prefix
	// and Luhn), "iban" (country length and mod-97) or "ssn" (US SSN
	// ranges). Default: none (every match is masked).
	Validator string `json:"validator,omitempty"`
}

// Built-in detector names, usable in Config.Detectors, Config.Disable and
// Config.Styles.
const (
	DetCreditCard   = "credit_card"
	DetIBAN         = "iban"
	DetSSN          = "ssn"
	DetEmail        = "email"
	DetPhone        = "phone"
	DetIPAddress    = "ip_address"
	DetJWT          = "jwt"
	DetBearer       = "bearer_token"
	DetPrivateKey   = "private_key"
	DetAWSKey       = "aws_access_key"
	DetGitHubToken  = "github_token"
	DetSlackToken   = "slack_token"
	DetStripeKey    = "stripe_key"
	DetGoogleAPIKey = "google_api_key"
	// DetSecret: high-entropy values (and passwords) under a name that
	// says secret: see detect_secret.go.
	DetSecret = "secret"
)

// FieldFinding is the type name under which JSON field rule matches are
// counted in Findings.Types.
const FieldFinding = "field"

// BuiltinDetectors returns the names of every built-in detector.
func BuiltinDetectors() []string {
	return []string{
		DetCreditCard, DetIBAN, DetSSN, DetEmail, DetPhone, DetIPAddress,
		DetJWT, DetBearer, DetPrivateKey, DetAWSKey, DetGitHubToken,
		DetSlackToken, DetStripeKey, DetGoogleAPIKey, DetSecret,
	}
}

// Style kinds.
const (
	StyleMask    = "mask"
	StyleReplace = "replace"
	StyleLabel   = "label"
	StyleHMAC    = "hmac"
	StyleRemove  = "remove"
)

// Defaults.
const (
	DefaultWindowBytes = 8192
	MinWindowBytes     = 1024
	DefaultReplacement = "[REDACTED]"
)
