package redact

import (
	"fmt"
	"net/http"
	"net/textproto"
	"strings"
)

// DefaultRevealingHeaders returns the response headers removed by default
// because they reveal the backend's software, version, timing or debug
// state. Entries ending in "*" match by prefix. A fresh slice is returned on
// every call.
func DefaultRevealingHeaders() []string {
	return []string{
		// Server software and version.
		"Server",
		"X-Powered-By",
		"X-Powered-By-Plesk",
		"X-AspNet-Version",
		"X-AspNetMvc-Version",
		"X-Generator",
		"X-Drupal-Cache",
		"X-Drupal-Dynamic-Cache",
		"X-Varnish-Backend",
		"X-Backend-Server",
		"X-Server",
		"X-Served-By",
		"X-Application-Context", // Spring Boot: application name, profile, port
		"X-Envoy-Upstream-Service-Time",
		"X-Kong-Upstream-Latency",
		"X-Kong-Proxy-Latency",
		"X-Runtime", // Rails/Rack request timing
		"X-Turbo-Charged-By",
		"X-Mod-Pagespeed",
		"X-Page-Speed",
		"X-Litespeed-Cache",
		// Debug toolbars and profilers.
		"X-Debug*", // X-Debug-Token, X-Debug-Token-Link (Symfony), X-Debug-Info …
		"X-Clockwork*",
		"Phpdebugbar*",
		"X-Debugbar*",
		"X-ChromeLogger-Data",
		"X-ChromePhp-Data",
		"X-Symfony-*",
		"X-Request-Debug",
		"X-Trace-Debug",
		"X-Xdebug*",
		"X-Rack-Mini-Profiler*",
		"X-MiniProfiler-Ids",
		"X-Miniprofiler-*",
		"X-Sourcemap", // links to unminified sources
		"SourceMap",
	}
}

// HeaderPolicy configures which response headers are removed or masked.
type HeaderPolicy struct {
	// Remove lists extra response headers to remove; a trailing "*" matches
	// by prefix (case-insensitive). Default: none beyond the built-in list.
	Remove []string `json:"remove,omitempty"`

	// Keep lists headers of the built-in revealing list (see
	// DefaultRevealingHeaders) that must not be removed, exactly as written
	// there (e.g. "Server" or "X-Debug*"). Default: none, all are removed.
	Keep []string `json:"keep,omitempty"`

	// KeepDefaults disables the built-in revealing list altogether.
	// Default: false (the built-in list is removed).
	KeepDefaults bool `json:"keep_defaults,omitempty"`

	// Mask lists response headers whose values are replaced by MaskWith
	// (the header itself stays, so clients that expect it still see it);
	// a trailing "*" matches by prefix. Default: none.
	Mask []string `json:"mask,omitempty"`

	// MaskWith is the replacement value of masked headers.
	// Default: "[REDACTED]".
	MaskWith string `json:"mask_with,omitempty"`

	// Scan lists response headers whose values are run through the body
	// detectors (as text, with the same styles), e.g. "Location" or
	// "X-User-*": only the detected values are masked, the rest of the
	// value stays. A trailing "*" matches by prefix. Default: none (header
	// values are not scanned).
	Scan []string `json:"scan,omitempty"`
}

// HeaderRules is a compiled HeaderPolicy; immutable and safe for concurrent use.
type HeaderRules struct {
	// The compiled patterns: exact names in canonical form, prefixes
	// lower-cased.
	removeExact  map[string]struct{}
	removePrefix []string
	maskExact    map[string]struct{}
	maskPrefix   []string
	scanExact    map[string]struct{}
	scanPrefix   []string
	maskWith     string

	// actions is what the patterns say of every configured exact name,
	// computed once, so that a response's header that may be one costs
	// one map lookup. Other names are matched against the prefixes only
	// (action).
	actions map[string]headerAction
	// prefixFirst has bit c&63 set for the lower-cased first byte c of
	// every prefix: a name whose first byte is not in it matches none.
	prefixFirst uint64
	// exactFilter has bit exactBit(n) set for every exact name n: a name
	// whose bit is clear (most names: Content-Type, Date …) equals no
	// exact name in any case, and only the prefixes can match it.
	exactFilter [16]uint64
}

// exactBit is a bit of HeaderRules.exactFilter for a non-empty name: its
// length and last byte, case-insensitively, so that a name and its
// canonical form (which differ only in the case of ASCII letters) share
// it.
func exactBit(name string) uint {
	return uint(len(name)&31)<<5 | uint(lowerASCII(name[len(name)-1])&31)
}

// headerAction is what the rules do with one header name.
type headerAction uint8

const (
	actRemove headerAction = 1 << iota
	actMask
	actScan
)

// DefaultMaskWith is the replacement value of masked headers.
const DefaultMaskWith = "[REDACTED]"

// CompileHeaderRules validates and compiles p.
func CompileHeaderRules(p HeaderPolicy) (*HeaderRules, error) {
	h := &HeaderRules{
		removeExact: make(map[string]struct{}),
		maskExact:   make(map[string]struct{}),
		scanExact:   make(map[string]struct{}),
		maskWith:    p.MaskWith,
	}
	if h.maskWith == "" {
		h.maskWith = DefaultMaskWith
	}
	if strings.ContainsAny(h.maskWith, "\r\n\x00") {
		return nil, fmt.Errorf("header mask_with: control characters are not allowed")
	}
	keep := make(map[string]struct{}, len(p.Keep))
	for _, k := range p.Keep {
		n, err := normalizeHeaderPattern(k)
		if err != nil {
			return nil, fmt.Errorf("header keep: %w", err)
		}
		keep[n] = struct{}{}
	}
	var remove []string
	if !p.KeepDefaults {
		for _, d := range DefaultRevealingHeaders() {
			n, _ := normalizeHeaderPattern(d)
			if _, kept := keep[n]; !kept {
				remove = append(remove, d)
			}
		}
	}
	remove = append(remove, p.Remove...)
	for _, r := range remove {
		if err := addHeaderPattern(r, h.removeExact, &h.removePrefix); err != nil {
			return nil, fmt.Errorf("header remove: %w", err)
		}
	}
	for _, m := range p.Mask {
		if err := addHeaderPattern(m, h.maskExact, &h.maskPrefix); err != nil {
			return nil, fmt.Errorf("header mask: %w", err)
		}
	}
	for _, m := range p.Scan {
		if err := addHeaderPattern(m, h.scanExact, &h.scanPrefix); err != nil {
			return nil, fmt.Errorf("header scan: %w", err)
		}
	}
	for _, pre := range [...][]string{h.removePrefix, h.maskPrefix, h.scanPrefix} {
		for _, p := range pre {
			h.prefixFirst |= 1 << (p[0] & 63)
		}
	}
	h.actions = make(map[string]headerAction, len(h.removeExact)+len(h.maskExact)+len(h.scanExact))
	for _, set := range [...]map[string]struct{}{h.removeExact, h.maskExact, h.scanExact} {
		for n := range set {
			h.actions[n] = h.patternAction(n)
			b := exactBit(n)
			h.exactFilter[b>>6] |= 1 << (b & 63)
		}
	}
	return h, nil
}

// patternAction is what the patterns say of header name key (canonical or
// not): exact names match it in canonical form, prefixes in any case.
func (h *HeaderRules) patternAction(key string) headerAction {
	var a headerAction
	if h.matches(key, h.removeExact, h.removePrefix) {
		a |= actRemove
	}
	if h.matches(key, h.maskExact, h.maskPrefix) {
		a |= actMask
	}
	if h.matches(key, h.scanExact, h.scanPrefix) {
		a |= actScan
	}
	return a
}

// action is patternAction(key), precomputed for the configured exact
// names: a name that no exact name can be (exactFilter) is matched against
// the prefixes only; otherwise one map lookup for a canonical key (as
// net/http keeps them), two for a name whose canonical form is
// precomputed; any other name is matched against the prefixes only, since
// every exact name is in actions.
func (h *HeaderRules) action(key string) headerAction {
	if key == "" {
		return 0
	}
	if b := exactBit(key); h.exactFilter[b>>6]&(1<<(b&63)) == 0 {
		return h.prefixAction(key)
	}
	if a, ok := h.actions[key]; ok {
		return a
	}
	if ck := textproto.CanonicalMIMEHeaderKey(key); ck != key {
		// Canonicalisation only changes the case of ASCII letters, which
		// neither exact (canonical) nor prefix (case-insensitive) matching
		// sees: the action of key is that of ck.
		if a, ok := h.actions[ck]; ok {
			return a
		}
	}
	return h.prefixAction(key)
}

// prefixAction is what the prefix patterns alone say of key.
func (h *HeaderRules) prefixAction(key string) headerAction {
	if h.prefixFirst&(1<<(lowerASCII(key[0])&63)) == 0 {
		return 0
	}
	var a headerAction
	if hasPrefixFold(key, h.removePrefix) {
		a |= actRemove
	}
	if hasPrefixFold(key, h.maskPrefix) {
		a |= actMask
	}
	if hasPrefixFold(key, h.scanPrefix) {
		a |= actScan
	}
	return a
}

// normalizeHeaderPattern canonicalises a header name or "prefix*" pattern.
func normalizeHeaderPattern(p string) (string, error) {
	name, prefix := strings.CutSuffix(strings.TrimSpace(p), "*")
	if name == "" && !prefix {
		return "", fmt.Errorf("empty header name")
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return "", fmt.Errorf("invalid header name %q", p)
		}
	}
	if name == "" {
		return "", fmt.Errorf("pattern %q would match every header", p)
	}
	if prefix {
		return strings.ToLower(name) + "*", nil
	}
	return textproto.CanonicalMIMEHeaderKey(name), nil
}

func addHeaderPattern(p string, exact map[string]struct{}, prefixes *[]string) error {
	n, err := normalizeHeaderPattern(p)
	if err != nil {
		return err
	}
	if pre, ok := strings.CutSuffix(n, "*"); ok {
		*prefixes = append(*prefixes, pre)
		return nil
	}
	exact[n] = struct{}{}
	return nil
}

// isTokenChar reports whether c may appear in a header field name (RFC 9110 token).
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// Apply removes and masks headers of hdr in place and reports how many
// header fields were removed and masked. Keys of hdr are expected in
// canonical form, as net/http keeps them.
func (h *HeaderRules) Apply(hdr http.Header) (removed, masked int) {
	return h.ApplyEach(hdr, nil)
}

// ApplyEach is Apply, calling kept (unless nil) with the key of every
// header field left in hdr, so that the caller learns which fields are
// there without looking each one up.
func (h *HeaderRules) ApplyEach(hdr http.Header, kept func(key string)) (removed, masked int) {
	for k, vv := range hdr {
		a := h.action(k)
		if a&actRemove != 0 {
			delete(hdr, k)
			removed++
			continue
		}
		if a&actMask != 0 {
			for i := range vv {
				vv[i] = h.maskWith
			}
			masked++
		}
		if kept != nil {
			kept(k)
		}
	}
	return removed, masked
}

// Scans reports whether some header is to be scanned by the detectors.
func (h *HeaderRules) Scans() bool { return len(h.scanExact) > 0 || len(h.scanPrefix) > 0 }

// ScanValues runs the values of the headers selected by HeaderPolicy.Scan
// (and left by Apply) through r's detectors and masks what they find, in
// place. It returns what was found (counts only). A value whose masked
// form would not be a valid header value (a replacement text with a line
// break) becomes MaskWith.
func (h *HeaderRules) ScanValues(hdr http.Header, r *Redactor) Findings {
	var all Findings
	if !h.Scans() {
		return all
	}
	for k, vv := range hdr {
		if h.action(k)&actScan == 0 {
			continue
		}
		for i, v := range vv {
			out, f := r.MaskString(v)
			if f.Total == 0 {
				continue
			}
			vv[i] = HeaderSafe(out, h.maskWith)
			all.AddCounts(f)
		}
	}
	return all
}

// HeaderSafe returns masked, the masked form of a header value, or maskWith
// when masked is not a valid header value (a replacement text with a line
// break or NUL).
func HeaderSafe(masked, maskWith string) string {
	if strings.ContainsAny(masked, "\r\n\x00") {
		return maskWith
	}
	return masked
}

func (h *HeaderRules) matches(key string, exact map[string]struct{}, prefixes []string) bool {
	if _, ok := exact[key]; ok {
		return true
	}
	if _, ok := exact[textproto.CanonicalMIMEHeaderKey(key)]; ok {
		return true
	}
	return hasPrefixFold(key, prefixes)
}

// hasPrefixFold reports whether key starts with one of prefixes, ignoring
// case.
func hasPrefixFold(key string, prefixes []string) bool {
	for _, p := range prefixes {
		if len(key) >= len(p) && strings.EqualFold(key[:len(p)], p) {
			return true
		}
	}
	return false
}
