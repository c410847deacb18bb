package authz

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// MaxPathParams bounds the distinct {name} variables of one rule's path
// templates, so that Evaluate captures them into a fixed array on the stack.
const MaxPathParams = 8

// pathTemplate is a compiled path template: "/users/{id}/orders/*/**".
// It is matched segment by segment on the canonical path, O(segments),
// without allocating.
type pathTemplate struct {
	segs   []tmplSeg
	rest   bool   // trailing "**": zero or more further segments
	prefix string // literal prefix every match starts with
}

type tmplSeg struct {
	kind uint8 // segLiteral, segParam, segAny
	slot uint8 // capture slot, for segParam
	lit  string
}

const (
	segLiteral uint8 = iota
	segParam
	segAny
)

// ParsePathTemplate checks a path template and returns the names of its
// variables, in order. A template is a path whose segments are literals,
// "{name}" (captures the whole segment; name is a letter or "_" followed by
// letters, digits or "_"), "*" (any one segment), or, as the last segment
// only, "**" (zero or more segments). Literal segments must be canonical
// (see CanonicalPath): no "%", ";", "." or ".." segments, no trailing dots.
func ParsePathTemplate(t string) ([]string, error) {
	_, names, err := parseTemplate(t, false, nil)
	return names, err
}

// parseTemplate compiles a template; slots maps variable names to the
// rule's capture slots and is extended with new names (nil: a scratch map).
func parseTemplate(t string, caseInsensitive bool, slots map[string]int) (pathTemplate, []string, error) {
	var pt pathTemplate
	if !strings.HasPrefix(t, "/") {
		return pt, nil, fmt.Errorf("must start with /")
	}
	if slots == nil {
		slots = map[string]int{}
	}
	var names []string
	seen := map[string]bool{}
	prefixDone := false
	var prefix strings.Builder
	body := strings.TrimSuffix(t[1:], "/")
	if body == "" {
		pt.prefix = "/"
		return pt, nil, nil
	}
	segs := strings.Split(body, "/")
	for i, s := range segs {
		switch {
		case s == "":
			return pt, nil, fmt.Errorf("empty segment")
		case s == "**":
			if i != len(segs)-1 {
				return pt, nil, fmt.Errorf("** must be the last segment")
			}
			pt.rest = true
			prefixDone = true
			continue
		case s == "*":
			pt.segs = append(pt.segs, tmplSeg{kind: segAny})
			if !prefixDone {
				prefix.WriteString("/")
			}
			prefixDone = true
			continue
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			name := s[1 : len(s)-1]
			if !validParamName(name) {
				return pt, nil, fmt.Errorf("variable %q: want a letter or _ followed by letters, digits or _ (Caddy placeholders, and Caddyfile shorthands such as {path} or {host} that become them, are not template variables)", s)
			}
			if seen[name] {
				return pt, nil, fmt.Errorf("variable {%s} used twice", name)
			}
			seen[name] = true
			slot, ok := slots[name]
			if !ok {
				if len(slots) == MaxPathParams {
					return pt, nil, fmt.Errorf("more than %d variables", MaxPathParams)
				}
				slot = len(slots)
				slots[name] = slot
			}
			names = append(names, name)
			pt.segs = append(pt.segs, tmplSeg{kind: segParam, slot: uint8(slot)})
			if !prefixDone {
				prefix.WriteString("/")
			}
			prefixDone = true
			continue
		case strings.ContainsAny(s, "{}*"):
			return pt, nil, fmt.Errorf("segment %q: a variable or wildcard must be a whole segment", s)
		}
		lit := s
		if caseInsensitive {
			lit = foldCase(lit)
		}
		if c, err := CanonicalPath("/"+s, caseInsensitive); err != nil || c != "/"+lit {
			return pt, nil, fmt.Errorf("segment %q: not canonical (write it as the decoded, canonical path)", s)
		}
		pt.segs = append(pt.segs, tmplSeg{kind: segLiteral, lit: lit})
		if !prefixDone {
			prefix.WriteString("/")
			prefix.WriteString(lit)
		}
	}
	pt.prefix = prefix.String()
	if pt.prefix == "" {
		pt.prefix = "/"
	}
	return pt, names, nil
}

func validParamName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// match matches a canonical path, writing captured segments into caps.
func (t *pathTemplate) match(path string, caps *[MaxPathParams]string) bool {
	if path == "" || path[0] != '/' {
		return false
	}
	rest := path[1:] // canonical: no empty segments, "" at the end
	for i := range t.segs {
		if rest == "" {
			return false
		}
		s := &t.segs[i]
		// Segments are short: a byte loop beats an IndexByte call, and a
		// literal is compared in place without looking for its end.
		n := len(s.lit)
		if s.kind == segLiteral {
			if len(rest) < n || rest[:n] != s.lit || (len(rest) > n && rest[n] != '/') {
				return false
			}
		} else {
			n = 0
			for n < len(rest) && rest[n] != '/' {
				n++
			}
			if s.kind == segParam {
				caps[s.slot] = rest[:n]
			}
		}
		if n < len(rest) {
			n++ // the '/'
		}
		rest = rest[n:]
	}
	return rest == "" || t.rest
}

// ClaimBinding ties a path variable or a request header to the caller's
// claims (or a path variable to a header), for object-level authorization:
// the rule matches only when the binding holds.
type ClaimBinding struct {
	// PathParam names a variable of the rule's path_templates ("id" for
	// "{id}"); every template of the rule must capture it. One of PathParam
	// and Header is required.
	PathParam string `json:"path_param,omitempty"`

	// Header is a request header whose value is bound instead of a path
	// variable. The header must be sent exactly once; a repeated header
	// fails the binding (backends differ on which copy they read).
	// Default: none.
	Header string `json:"header,omitempty"`

	// Op is "eq" (the value equals the claim, a string, number or boolean;
	// numbers compare in their shortest decimal form, so "42" equals 42 and
	// "042" does not) or "in" (the claim is an array and the value equals
	// one of its elements). Default: "eq".
	Op string `json:"op,omitempty"`

	// Claim is the claim path (as in ClaimCondition.Path) the value is
	// compared with. A missing or null claim fails the binding. One of
	// Claim and ToHeader is required.
	Claim string `json:"claim,omitempty"`

	// ToHeader compares a path variable with a request header (sent exactly
	// once) instead of a claim; only with PathParam and op "eq".
	// Default: none.
	ToHeader string `json:"to_header,omitempty"`
}

// objectRule is the object-level part of a compiled rule, kept behind a
// pointer so that rules without it stay small (rules are scanned densely).
type objectRule struct {
	templates []pathTemplate
	bindings  []binding
}

func (o *objectRule) allTemplates() []pathTemplate {
	if o == nil {
		return nil
	}
	return o.templates
}

func (o *objectRule) allBindings() []binding {
	if o == nil {
		return nil
	}
	return o.bindings
}

type binding struct {
	slot      int    // capture slot, or -1 for a header source
	header    string // canonical source header key
	in        bool
	claim     []string // claim path, or nil
	toHeader  string   // canonical target header key
	foldPath  bool     // path value lower-cased by a case-insensitive policy
	needClaim bool
}

// compileTemplates compiles the rule's path templates and bindings.
func (r *compiledRule) compileTemplates(rc Rule, caseInsensitive bool) error {
	o := &objectRule{}
	defer func() {
		if len(o.templates)+len(o.bindings) > 0 {
			r.obj = o
		}
	}()
	slots := map[string]int{}
	var perTemplate [][]string
	for _, t := range rc.PathTemplates {
		pt, names, err := parseTemplate(t, caseInsensitive, slots)
		if err != nil {
			return fmt.Errorf("path_template %q: %w", t, err)
		}
		o.templates = append(o.templates, pt)
		perTemplate = append(perTemplate, names)
	}
	for _, b := range rc.Bindings {
		desc := b.PathParam
		if desc == "" {
			desc = b.Header
		}
		c := binding{slot: -1}
		switch {
		case b.PathParam != "" && b.Header != "":
			return fmt.Errorf("binding %q: path_param and header are exclusive", desc)
		case b.PathParam != "":
			name := strings.TrimSuffix(strings.TrimPrefix(b.PathParam, "{"), "}")
			slot, ok := slots[name]
			if !ok {
				return fmt.Errorf("binding {%s}: no path_template of the rule captures it", name)
			}
			if len(rc.Paths)+len(rc.PathPrefixes)+len(rc.PathGlobs)+len(rc.PathRegexps) > 0 {
				return fmt.Errorf("binding {%s}: a rule that binds path variables may only use path_template for its path", name)
			}
			for i, names := range perTemplate {
				if !contains(names, name) {
					return fmt.Errorf("binding {%s}: path_template %q does not capture it", name, rc.PathTemplates[i])
				}
			}
			c.slot, c.foldPath = slot, caseInsensitive
		case b.Header != "":
			if strings.ContainsAny(b.Header, " :\t") {
				return fmt.Errorf("binding header %q: not a header name", b.Header)
			}
			c.header = http.CanonicalHeaderKey(b.Header)
		default:
			return fmt.Errorf("binding: path_param or header required")
		}
		switch b.Op {
		case "", "eq", "==":
		case "in":
			c.in = true
		default:
			return fmt.Errorf("binding %q: op %q: must be eq or in", desc, b.Op)
		}
		switch {
		case b.Claim != "" && b.ToHeader != "":
			return fmt.Errorf("binding %q: claim and to_header are exclusive", desc)
		case b.Claim != "":
			path, err := parseClaimPath(b.Claim)
			if err != nil {
				return fmt.Errorf("binding %q: claim %q: %v", desc, b.Claim, err)
			}
			c.claim, c.needClaim = path, true
		case b.ToHeader != "":
			if c.slot < 0 || c.in {
				return fmt.Errorf("binding %q: to_header needs path_param and op eq", desc)
			}
			if strings.ContainsAny(b.ToHeader, " :\t") {
				return fmt.Errorf("binding %q: to_header %q: not a header name", desc, b.ToHeader)
			}
			c.toHeader = http.CanonicalHeaderKey(b.ToHeader)
		default:
			return fmt.Errorf("binding %q: claim or to_header required", desc)
		}
		o.bindings = append(o.bindings, c)
	}
	return nil
}

// matchTemplates reports whether any template matches, capturing into caps.
func (o *objectRule) matchTemplates(path string, caps *[MaxPathParams]string) bool {
	for i := range o.templates {
		if o.templates[i].match(path, caps) {
			return true
		}
	}
	return false
}

// matchBindings checks the rule's bindings against the captured variables,
// the request headers and the identity's claims.
func (o *objectRule) matchBindings(req *Request, caps *[MaxPathParams]string) bool {
	for i := range o.bindings {
		b := &o.bindings[i]
		var v string
		if b.slot >= 0 {
			v = caps[b.slot]
		} else {
			hv := req.Header[b.header]
			if len(hv) != 1 {
				return false
			}
			v = hv[0]
		}
		if v == "" {
			return false
		}
		if b.toHeader != "" {
			hv := req.Header[b.toHeader]
			if len(hv) != 1 || !(hv[0] == v || b.foldPath && strings.EqualFold(hv[0], v)) {
				return false
			}
			continue
		}
		if req.Identity == nil {
			return false
		}
		cv, ok := lookupClaim(req.Identity.Claims, b.claim)
		if !ok {
			return false
		}
		if b.in {
			if !claimListHas(cv, v, b.foldPath) {
				return false
			}
		} else if !claimScalarIs(cv, v, b.foldPath) {
			return false
		}
	}
	return true
}

// lookupClaim walks a claim path through nested objects; a missing or null
// claim is not found. Claim conditions and path bindings share it.
func lookupClaim(claims map[string]any, path []string) (any, bool) {
	var cur any = claims
	for _, seg := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

func claimListHas(list any, v string, fold bool) bool {
	switch l := list.(type) {
	case []any:
		for _, e := range l {
			if claimScalarIs(e, v, fold) {
				return true
			}
		}
	case []string:
		for _, e := range l {
			if e == v || fold && strings.EqualFold(e, v) {
				return true
			}
		}
	}
	return false
}

// claimScalarIs compares a scalar claim with a request value, without
// allocating: numbers in their shortest decimal form.
func claimScalarIs(c any, v string, fold bool) bool {
	var buf [32]byte
	switch x := c.(type) {
	case string:
		return x == v || fold && strings.EqualFold(x, v)
	case float64:
		return string(strconv.AppendFloat(buf[:0], x, 'f', -1, 64)) == v
	case int:
		return string(strconv.AppendInt(buf[:0], int64(x), 10)) == v
	case int64:
		return string(strconv.AppendInt(buf[:0], x, 10)) == v
	case bool:
		return (x && v == "true") || (!x && v == "false")
	case json.Number:
		return string(x) == v
	}
	return false
}
