package filter

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// Scores of the request layer's own rules, on the same scale as the
// detectors' (critical 5 = the default threshold).
const (
	ScoreCritical = 5
	ScoreError    = 4
	ScoreWarning  = 3
	ScoreNotice   = 2
)

// maxMatches bounds Decision.Matches; the score counts every rule that
// matched, even past this bound.
const maxMatches = 32

// fragmentLen is how many bytes of an offending value a Match quotes.
const fragmentLen = 48

// Engine is a compiled request filter, safe for concurrent use.
type Engine struct {
	cfg      Config
	insp     *Inspector
	clean    *cleanCache // values found clean before (nil: off)
	methods  map[string]struct{}
	disabled ruleSet
	allow    *ipList
	deny     *ipList
	excl     []exclusion
	// redirectHosts, when set, are the only off-site hosts a redirect
	// parameter may name (Config.RedirectHosts).
	redirectHosts *redirectHosts
	custom        [numTargets][]*customRule
	// exclPaths is set when some exclusion names paths, so that the
	// cleaned path is worth computing.
	exclPaths bool
	// walkOnly skips the detectors: benchmarks use it to price the
	// request layer alone.
	walkOnly bool
}

// New compiles cfg (zero fields take their defaults) and reads the IP list
// files it names.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	insp, err := NewInspector(InspectorOptions{Paranoia: cfg.Paranoia, DisabledRules: cfg.DisabledRules})
	if err != nil {
		return nil, fmt.Errorf("inspector: %w", err)
	}
	e := &Engine{cfg: cfg, insp: insp, clean: newCleanCache(), methods: map[string]struct{}{}, disabled: newRuleSet(cfg.DisabledRules)}
	for _, m := range cfg.AllowedMethods {
		e.methods[m] = struct{}{}
	}
	e.redirectHosts = compileRedirectHosts(cfg.RedirectHosts)
	if e.allow, err = loadIPList(cfg.AllowIPs, cfg.AllowIPsFile); err != nil {
		return nil, fmt.Errorf("allow_ips: %w", err)
	}
	if e.deny, err = loadIPList(cfg.DenyIPs, cfg.DenyIPsFile); err != nil {
		return nil, fmt.Errorf("deny_ips: %w", err)
	}
	for _, x := range cfg.Exclusions {
		ex := compileExclusion(x)
		e.exclPaths = e.exclPaths || len(ex.paths) > 0
		e.excl = append(e.excl, ex)
	}
	for _, cr := range cfg.CustomRules {
		c, err := compileCustomRule(cr, cfg.Threshold)
		if err != nil {
			return nil, err
		}
		for _, sel := range c.targets {
			if l := e.custom[sel.t]; len(l) == 0 || l[len(l)-1] != c {
				e.custom[sel.t] = append(l, c)
			}
		}
	}
	return e, nil
}

// Config returns the effective configuration, defaults filled in.
func (e *Engine) Config() Config { return e.cfg }

// RequestInfo carries what the caller knows better than the request itself.
type RequestInfo struct {
	// URI is the request-target as the client sent it, before any rewrite.
	// Default: r.RequestURI, or r.URL.RequestURI() when that is empty.
	URI string
	// ClientIP is the client address (after trusted-proxy resolution).
	// Default: the host of r.RemoteAddr.
	ClientIP netip.Addr
	// All walks the whole request even after a blocking finding, to report
	// every match (for explaining a decision offline).
	All bool
}

// Inspect walks r (path and query from the request-target, headers,
// cookies, body up to the inspection limit, restored unchanged for the
// backend) and decides. An error means the body could not be read (the
// client is at fault, or an outer body limit was hit: see
// *http.MaxBytesError); the request should then be rejected.
func (e *Engine) Inspect(r *http.Request) (Decision, error) {
	return e.InspectRequest(r, RequestInfo{})
}

// InspectRequest is Inspect with the original URI and client address given
// by the caller.
func (e *Engine) InspectRequest(r *http.Request, info RequestInfo) (d Decision, err error) {
	w := &walker{e: e, all: info.All || e.cfg.DetectOnly}
	defer func() {
		if w.sc != nil {
			e.insp.putScratch(w.sc)
		}
		// Last line of defence: a bug in a detector must not turn into a
		// crash or a 500; fail closed.
		if p := recover(); p != nil {
			w.add(Match{Rule: "engine-panic", Category: CatProtocol, Score: e.cfg.Threshold, Block: true, Location: "request", Fragment: fragment(fmt.Sprint(p))})
			d, err = w.decide(), nil
		}
	}()
	if info.URI == "" {
		info.URI = r.RequestURI
		if info.URI == "" && r.URL != nil {
			info.URI = r.URL.RequestURI()
		}
	}
	if e.exclPaths {
		// Before any match: exclusions may name any rule.
		rawPath, _ := splitURI(info.URI)
		w.cleanPath = cleanPath(rawPath)
	}
	if !info.ClientIP.IsValid() {
		info.ClientIP = remoteIP(r.RemoteAddr)
	}
	if info.ClientIP.IsValid() {
		ip := info.ClientIP.Unmap()
		if e.deny.contains(ip) {
			w.add(Match{Rule: "ip-deny", Category: CatIP, Score: e.cfg.Threshold, Block: true, Location: "client_ip", Fragment: ip.String()})
		} else if e.allow.contains(ip) {
			return Decision{Action: ActionBypass, Threshold: e.cfg.Threshold}, nil
		}
		if len(e.custom[tClientIP]) > 0 {
			w.custom(tClientIP, "", ip.String())
		}
	}
	w.walk(r, info.URI)
	if w.stop {
		return w.decide(), nil
	}
	if err := w.body(r); err != nil {
		return w.decide(), err
	}
	return w.decide(), nil
}

// remoteIP parses the host part of an address like "192.0.2.1:1234".
func remoteIP(addr string) netip.Addr {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap()
}

// walker holds the state of one inspection.
type walker struct {
	e   *Engine
	all bool // keep walking after a blocking finding

	d        Decision
	blocking bool // a Block match was added
	stop     bool // decided: the rest of the request need not be seen
	tooLarge bool // a body-size match was added
	otherScr int  // score of matches other than body size
	otherBlk bool // a Block match other than body size
	hits     []Hit
	args     int
	argsOver bool
	badEnc   bool
	// lenientEnc: the pairs being walked were not declared form-encoded
	// (a body without Content-Type); malformed escapes are not noted.
	lenientEnc bool
	// report: the body is a browser's violation report (see
	// reportSample).
	report bool
	// ctrlSeen: a NUL or a line break in a parameter was reported.
	ctrlSeen  bool
	cleanPath string
	// counted is, per rule that matched, the score it added: a rule counts
	// once per request, at its highest score, so that one weak signal
	// repeated (two embedded videos in a CMS page) is still one weak
	// signal, and only different weak signals add up to a block.
	counted []ruleScore

	// jsonPath, when useJSONPath is set, is the location name of the
	// current value (the dotted JSON member path), built without
	// allocating until a match needs it.
	jsonPath    []byte
	useJSONPath bool
	// filterDoc: the JSON document being walked is filters on data
	// (dataFilterDocument).
	filterDoc bool
	// snippetDoc: whether the JSON document being walked (jsonDoc)
	// names the programming language of its code (snippetDocument),
	// read the first time a code field has a hit.
	snippetDoc uint8
	jsonDoc    string
	rawPath    string // the request's path as sent
	// redirects are the redirect parameters' targets seen so far.
	redirects []redirectTarget
	// samlRequest: the query carries a SAMLRequest, so the request is
	// a service provider's to an identity provider, whose RelayState is
	// the provider's own state, returned to it untouched.
	samlRequest bool

	// sc is the inspector's scratch, taken at the first value inspected
	// and given back when the request is decided.
	sc *scratch

	// host is the request's Host header (siteLookalike).
	host string
}

// value inspects one value: the detectors, then the custom rules of its
// target.
func (w *walker) value(t target, kind Kind, name, v string) {
	w.detect(t, kind, name, v)
	if len(w.e.custom[t]) > 0 {
		w.custom(t, name, v)
	}
}

// detect runs the detectors over one value.
func (w *walker) detect(t target, kind Kind, name, v string) {
	if w.stop || w.e.walkOnly {
		return
	}
	m, known := w.lookupClean(kind, name, v)
	if known {
		return
	}
	w.inspectHits(kind, name, v)
	if kind == KindBodyValue && len(w.hits) > 0 {
		if codeFieldNames[name] && w.inSnippet() {
			w.demoteSnippet()
		} else {
			w.demoteQuotedCode(kind, name, v)
		}
	}
	if len(w.hits) > 0 && len(name) > 1 && name[0] == '$' && w.jsonPath != nil && (kind == KindBodyName || kind == KindBodyValue) {
		w.demoteDataFilter()
	}
	w.recordHits(t, name, v, m)
}

// cleanMemo is where a value's verdict goes in the clean-value cache
// (table nil: values of its kind and length are not cached).
type cleanMemo struct {
	table  []cleanSlot
	h1, h2 uint64
}

// lookupClean finds v's slot in the clean-value cache, and reports
// whether v is known clean.
func (w *walker) lookupClean(kind Kind, name, v string) (cleanMemo, bool) {
	m := cleanMemo{table: w.e.clean.table(kind, len(v))}
	if m.table == nil {
		return m, false
	}
	m.h1, m.h2 = w.e.clean.hashes(kind, name, v)
	return m, clean(m.table, m.h1, m.h2)
}

// inspectHits runs the detectors over v into w.hits.
func (w *walker) inspectHits(kind Kind, name, v string) {
	if w.sc == nil {
		w.sc = w.e.insp.getScratch()
	}
	w.hits = w.e.insp.inspectValue(w.sc, w.hits[:0], kind, name, v)
}

// recordHits remembers v as clean when w.hits is empty, and adds a match
// per hit otherwise.
func (w *walker) recordHits(t target, name, v string, m cleanMemo) {
	if m.table != nil && len(w.hits) == 0 {
		remember(m.table, m.h1, m.h2)
	}
	for i, h := range w.hits {
		if dupHit(w.hits[:i], h.Rule) || w.report && reportSample(t, name, h.Rule) {
			continue
		}
		m := Match{Rule: h.Rule, Category: h.Category, Score: h.Score, Location: w.location(t, name), Fragment: w.fragmentAt(t, name, v)}
		if h.quoted {
			w.addAs(m, quotedCodeKey)
		} else {
			w.add(m)
		}
	}
}

// quotedCodeKey counts the demoted hits of quoted code (demoteQuotedCode).
const quotedCodeKey = "\x00quoted-code"

// reportSample: a JavaScript-only finding in the script sample of a CSP
// violation report. The browser puts there the first 40 characters of the
// script it refused to run (an inline handler, an extension's injected
// code): JavaScript is what the field is for, and what the sample quotes
// did not run. Markup in a sample (a tag, a handler attribute) still
// counts, as does everything else in the report.
func reportSample(t target, name, rule string) bool {
	if t != tBody || name != "script-sample" && name != "sample" {
		return false
	}
	switch rule {
	case "xss-js-sink", "xss-js-weak", "xss-js-expression", "node-code-injection":
		return true
	}
	return false
}

func dupHit(hits []Hit, rule string) bool {
	for _, h := range hits {
		if h.Rule == rule {
			return true
		}
	}
	return false
}

// custom runs the custom rules of target t over v.
func (w *walker) custom(t target, name, v string) {
	for _, c := range w.e.custom[t] {
		if w.stop {
			return
		}
		if !c.applies(t, w.locName(name)) || !c.re.MatchString(v) {
			continue
		}
		w.add(Match{Rule: c.rule, Category: CatCustom, Score: c.score, Block: c.block, Location: w.location(t, name), Fragment: w.fragmentAt(t, name, v)})
	}
}

// locName is the name part of the current location.
func (w *walker) locName(name string) string {
	if w.useJSONPath {
		return string(w.jsonPath)
	}
	return name
}

// location renders where a value was found, e.g. "query:id".
func (w *walker) location(t target, name string) string {
	name = w.locName(name)
	p := targetNames[t]
	switch t {
	case tHeader, tHeaderName:
		name = strings.ToLower(name)
	}
	if name == "" {
		return p
	}
	return p + ":" + name
}

// add records a match unless a disabled rule or an exclusion drops it.
func (w *walker) add(m Match) { w.addAs(m, m.Rule) }

// addAs is add with the match's score counted under key: the weak
// signals of code quoted in documents count as one, whichever code rule
// each tripped and in however many fields.
func (w *walker) addAs(m Match, key string) {
	if w.e.disabled.has(m.Rule) {
		return
	}
	if len(w.e.excl) > 0 && w.excluded(m) {
		return
	}
	if len(w.d.Matches) < maxMatches {
		w.d.Matches = append(w.d.Matches, m)
	} else {
		w.d.Truncated = true
	}
	add := w.count(key, m.Score)
	w.d.Score += add
	if sizeRule(m.Rule) {
		w.tooLarge = true
	} else {
		w.otherScr += add
		w.otherBlk = w.otherBlk || m.Block
	}
	w.blocking = w.blocking || m.Block
	if !w.all && (w.blocking || w.d.Score >= w.e.cfg.Threshold) {
		w.stop = true
	}
}

// ruleScore is the score a rule has added to the request so far.
type ruleScore struct {
	rule  string
	score int
}

// count records that rule matched with score and returns what it adds to
// the request's score: all of it the first time, then only what exceeds
// the rule's best score so far.
func (w *walker) count(rule string, score int) int {
	for i := range w.counted {
		if c := &w.counted[i]; c.rule == rule {
			if score <= c.score {
				return 0
			}
			add := score - c.score
			c.score = score
			return add
		}
	}
	w.counted = append(w.counted, ruleScore{rule, score})
	return score
}

// excluded reports whether an exclusion covers m.
func (w *walker) excluded(m Match) bool {
	for i := range w.e.excl {
		if w.e.excl[i].covers(m, w.cleanPath) {
			return true
		}
	}
	return false
}

// decide turns the matches into a Decision.
func (w *walker) decide() Decision {
	d := w.d
	d.Threshold = w.e.cfg.Threshold
	if !w.blocking && d.Score < d.Threshold {
		d.Action = ActionPass
		return d
	}
	d.Status = w.e.cfg.BlockStatus
	if w.tooLarge && !w.otherBlk && w.otherScr < d.Threshold {
		d.Status = http.StatusRequestEntityTooLarge
	}
	if w.e.cfg.DetectOnly {
		d.Action = ActionDetect
		return d
	}
	d.Action, d.Blocked = ActionBlock, true
	return d
}

// fragment quotes the start of v for logs: printable ASCII only, at most
// fragmentLen source bytes.
func fragment(v string) string {
	cut := len(v) > fragmentLen
	if cut {
		v = v[:fragmentLen]
	}
	q := strconv.QuoteToASCII(v)
	q = q[1 : len(q)-1]
	if cut {
		q += "..."
	}
	return q
}
