package redact

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Internal detector ids. Custom detectors follow detBuiltinEnd; detField
// counts JSON field rule matches.
const (
	detNone = iota
	detCard
	detIBAN
	detSSN
	detEmail
	detPhone
	detIP
	detJWT
	detBearer
	detPEM
	detAWS
	detGitHub
	detSlack
	detStripe
	detGoogle
	detSecret
	detField
	detBuiltinEnd
)

var builtinIDs = map[string]int{
	DetCreditCard: detCard, DetIBAN: detIBAN, DetSSN: detSSN, DetEmail: detEmail,
	DetPhone: detPhone, DetIPAddress: detIP, DetJWT: detJWT, DetBearer: detBearer,
	DetPrivateKey: detPEM, DetAWSKey: detAWS, DetGitHubToken: detGitHub,
	DetSlackToken: detSlack, DetStripeKey: detStripe, DetGoogleAPIKey: detGoogle,
	DetSecret: detSecret,
}

// Redactor is a compiled masking configuration. It is immutable after New
// and safe for concurrent use; all per-response state lives in Streams.
type Redactor struct {
	window int
	bufs   *bufPool // the streams' buffers, zeroed between streams
	// streams holds released streams (Stream.Release) for NewStream:
	// the Stream, with its inline storage, is a small response's largest
	// allocation.
	streams *sync.Pool
	// tab maps a byte to its trigger class (0: not a trigger).
	tab [256]uint8
	// stab is tab plus the bytes that end or escape a JSON string.
	stab [256]uint8
	// pair filters a trigger by the byte after it (bit c of pair[class]):
	// "e" only matters before "y" (eyJ), "s" before "k" (sk_live_) …
	pair [16][4]uint64
	// words: stab is within what wordFlags flags, and no custom detector
	// needs every string scanned (the word-at-a-time search applies).
	words bool
	on    [detBuiltinEnd]bool

	names  []string // detector id → name
	styles []style  // detector id → style

	rules      []fieldRule
	rulesByKey map[string][]int // last key segment (lower case) → rule indexes
	rulesWild  []int            // rules whose last segment is '*'
	rulesArr   []int            // rules whose last segment is "[*]"
	hasRemove  bool             // some rule removes members: commas are re-inserted

	custom []customDetector
	hmac   []byte

	phNANP    bool          // national NANP numbers are recognised
	phRegions []phoneRegion // other regions of national numbers
}

type customDetector struct {
	id        int
	re        *regexp.Regexp
	validator func([]byte) bool
}

// New validates cfg and compiles it once.
func New(cfg Config) (*Redactor, error) {
	r := &Redactor{window: cfg.WindowBytes, hmac: []byte(cfg.HMACKey), streams: new(sync.Pool)}
	if r.window == 0 {
		r.window = DefaultWindowBytes
	}
	if r.window < MinWindowBytes {
		return nil, fmt.Errorf("window_bytes %d is below the minimum %d", r.window, MinWindowBytes)
	}
	r.bufs = newBufPool(r.window)
	if err := r.selectDetectors(cfg); err != nil {
		return nil, err
	}
	r.names = make([]string, detBuiltinEnd, detBuiltinEnd+len(cfg.Custom))
	for name, id := range builtinIDs {
		r.names[id] = name
	}
	r.names[detField] = FieldFinding
	r.names[detNone] = "none"
	for i, c := range cfg.Custom {
		cd, err := compileCustom(c, len(r.names))
		if err != nil {
			return nil, fmt.Errorf("custom detector #%d: %w", i, err)
		}
		for _, n := range r.names {
			if n == c.Name {
				return nil, fmt.Errorf("custom detector #%d: name %q is already taken", i, c.Name)
			}
		}
		r.names = append(r.names, c.Name)
		r.custom = append(r.custom, cd)
	}
	if r.on[detPhone] {
		if err := r.compilePhones(cfg); err != nil {
			return nil, err
		}
	}
	if err := r.compileStyles(cfg); err != nil {
		return nil, err
	}
	if err := r.compileFields(cfg); err != nil {
		return nil, err
	}
	r.buildTriggers()
	return r, nil
}

func (r *Redactor) selectDetectors(cfg Config) error {
	if len(cfg.Detectors) == 0 {
		for name, id := range builtinIDs {
			r.on[id] = name != DetIPAddress
		}
	}
	for _, name := range cfg.Detectors {
		id, ok := builtinIDs[name]
		if !ok {
			return fmt.Errorf("unknown detector %q (known: %s)", name, strings.Join(BuiltinDetectors(), ", "))
		}
		r.on[id] = true
	}
	for _, name := range cfg.Disable {
		id, ok := builtinIDs[name]
		if !ok {
			return fmt.Errorf("cannot disable unknown detector %q", name)
		}
		r.on[id] = false
	}
	if cfg.IPAddresses {
		r.on[detIP] = true
	}
	return nil
}

func compileCustom(c CustomDetector, id int) (customDetector, error) {
	if !validName(c.Name) {
		return customDetector{}, fmt.Errorf("name %q must be lower-case letters, digits and '_'", c.Name)
	}
	if c.Pattern == "" {
		return customDetector{}, errors.New("pattern is required")
	}
	re, err := regexp.Compile(c.Pattern)
	if err != nil {
		return customDetector{}, fmt.Errorf("compiling pattern of %q: %w", c.Name, err)
	}
	if re.MatchString("") {
		return customDetector{}, fmt.Errorf("pattern of %q matches the empty string", c.Name)
	}
	cd := customDetector{id: id, re: re}
	if c.Validator != "" {
		v, ok := validators[c.Validator]
		if !ok {
			return customDetector{}, fmt.Errorf("unknown validator %q (known: luhn, credit_card, iban, ssn)", c.Validator)
		}
		cd.validator = v
	}
	return cd, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// validators are the names a custom detector may use; each gets the raw
// match and extracts what it needs.
var validators = map[string]func([]byte) bool{
	"luhn": func(b []byte) bool {
		var d [64]byte
		n := extractDigits(b, d[:])
		return n >= 2 && n <= len(d) && luhn(d[:n])
	},
	"credit_card": func(b []byte) bool {
		var d [64]byte
		n := extractDigits(b, d[:])
		return n <= 19 && validCard(d[:n])
	},
	"iban": func(b []byte) bool { return validIBANLoose(b) },
	"ssn": func(b []byte) bool {
		var d [64]byte
		n := extractDigits(b, d[:])
		return n == 9 && validSSN(d[:9])
	},
}

// extractDigits copies the ASCII digits of b into d and returns how many
// there were (which may exceed len(d): then d is incomplete).
func extractDigits(b, d []byte) int {
	n := 0
	for _, c := range b {
		if c >= '0' && c <= '9' {
			if n < len(d) {
				d[n] = c
			}
			n++
		}
	}
	return n
}

func (r *Redactor) buildTriggers() {
	set := func(c byte, k uint8) {
		if r.tab[c] == 0 {
			r.tab[c] = k
		}
	}
	if r.on[detCard] || r.on[detSSN] || r.on[detPhone] || r.on[detIP] {
		for c := byte('0'); c <= '9'; c++ {
			set(c, clDigit)
		}
	}
	if r.on[detPhone] {
		set('+', clPlus)
		set('(', clParen)
	}
	if r.on[detEmail] {
		set('@', clAt)
	}
	if r.on[detSecret] {
		set('=', clAssign)
		set(':', clAssign)
	}
	if r.on[detPEM] {
		set('-', clDash)
	}
	if r.on[detIBAN] || r.on[detAWS] || r.on[detGoogle] || r.on[detBearer] || r.on[detIP] {
		for c := byte('A'); c <= 'Z'; c++ {
			set(c, clUpper)
		}
	}
	if r.on[detJWT] || r.on[detIBAN] {
		r.tab['J'] = clJ // JO… IBANs are handled there too
	}
	if r.on[detGitHub] || r.on[detStripe] {
		set('_', clUnder)
	}
	if r.on[detSlack] {
		set('-', clDash)
	}
	if r.on[detBearer] {
		set('b', clLowerB)
	}
	if r.on[detIP] {
		for c := byte('a'); c <= 'f'; c++ {
			set(c, clHex)
		}
		if r.tab[':'] == 0 {
			set(':', clColon)
		}
	}
	r.stab = r.tab
	r.stab['"'], r.stab['\\'] = 0xff, 0xff
	r.words = len(r.custom) == 0 && wordSet(&r.stab)
	allow := func(k uint8, next string) {
		for i := 0; i < len(next); i++ {
			c := next[i]
			r.pair[k][c>>6] |= 1 << (c & 63)
		}
	}
	for k := range r.pair {
		r.pair[k] = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
	}
	if !r.on[detIP] { // IPv6 may start with any hex letter: no filter then
		const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		r.pair[clLowerB] = [4]uint64{}
		allow(clLowerB, "eE")
		r.pair[clUpper] = [4]uint64{}
		allow(clUpper, upper+"eI")
	}
	r.pair[clDash] = [4]uint64{}
	allow(clDash, "-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
	r.pair[clUnder] = [4]uint64{}
	allow(clUnder, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
}

// MaskString masks one short value (a header value, say) as text and
// returns it with what was found.
func (r *Redactor) MaskString(v string) (string, Findings) {
	var out bytes.Buffer
	st := r.NewStream(&out, KindText)
	_, _ = st.Write([]byte(v)) // a bytes.Buffer does not fail
	_ = st.Close()
	f := st.Findings()
	st.Release()
	return out.String(), f
}
