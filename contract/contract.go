package contract

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
)

// Options change how a document is compiled and enforced.
type Options struct {
	// CaseInsensitive matches literal path segments without regard to
	// case (the request path must then be canonicalised case-folded).
	CaseInsensitive bool
	// BasePath is the prefix the templates are mounted under. nil: the
	// path of the document's servers URL when every server has the same
	// one, else none.
	BasePath *string
	// RejectUnknownProperties refuses request body properties that no
	// schema declares even where additionalProperties is not false.
	RejectUnknownProperties bool
	// RejectUnknownQuery refuses query parameters the operation does not
	// declare.
	RejectUnknownQuery bool
	// MaxErrors is the most violations reported per request (default 5).
	MaxErrors int
}

// Contract is a compiled OpenAPI document. It is immutable and safe for
// concurrent use.
type Contract struct {
	// Version is the document's openapi version ("3.0.3", "3.1.0").
	Version string
	// Operations counts the operations compiled.
	Operations int
	// Warnings are parts of the document that could not be enforced
	// (pattern and patternProperties outside RE2's syntax, $dynamicRef
	// that cannot be resolved statically), each with its JSON pointer.
	Warnings []string
	// BasePath is the prefix the templates are mounted under.
	BasePath string

	router router
	opts   Options
}

// Operation is one compiled operation.
type Operation struct {
	// ID is the operationId, or "METHOD template" without one.
	ID       string
	Method   string
	Template string

	pathNames []string
	params    []*param
	// declaredQuery: names a query string may carry (parameters, deepObject
	// prefixes, exploded object properties).
	declaredQuery map[string]bool
	deepObject    []string
	body          *bodySpec
	security      []secAlt // nil: no requirement
	responses     map[int]*responseSpec
	ranges        [6]*responseSpec // 1XX … 5XX
	defaultResp   *responseSpec
	rejectUnknown bool
	rejectQuery   bool
	maxErrors     int
}

// RouteResult says what the router found for a request.
type RouteResult int

// Route results.
const (
	RouteFound            RouteResult = iota // Operation set
	RouteNotFound                            // no template matches: 404
	RouteMethodNotAllowed                    // template, not this method: 405
)

// Match is the outcome of a route lookup.
type Match struct {
	Result RouteResult
	Op     *Operation
	// Template is the matched path template ("" when none matched).
	Template string
	// Allow lists the template's methods (for 405's Allow header).
	Allow string
	pv    pathValues
}

// PathParam returns the value of the i-th path parameter.
func (m *Match) PathParam(name string) (string, bool) {
	if m.Op == nil {
		return "", false
	}
	for i, n := range m.Op.pathNames {
		if n == name && i < m.pv.n {
			return m.pv.vals[i], true
		}
	}
	return "", false
}

// Route matches a method and a canonical request path (see
// authz.CanonicalPath). HEAD falls back to GET when the document does not
// define HEAD, as HTTP servers answer it.
func (c *Contract) Route(method, path string, m *Match) {
	*m = Match{}
	if c.BasePath != "" {
		rest, ok := strings.CutPrefix(path, c.BasePath)
		if !ok || (rest != "" && rest[0] != '/') {
			m.Result = RouteNotFound
			return
		}
		path = rest
	}
	e := c.router.lookup(path, &m.pv)
	if e == nil {
		m.Result = RouteNotFound
		return
	}
	m.Template = e.template
	op := e.ops[method]
	if op == nil && method == "HEAD" {
		op = e.ops["GET"]
	}
	if op == nil {
		m.Result, m.Allow = RouteMethodNotAllowed, e.allow
		return
	}
	m.Result, m.Op = RouteFound, op
}

// methods are the operations of a path item, in the order OpenAPI lists
// them.
var methods = [...]string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func (cm *compiler) document(d *v3.Document) (*Contract, error) {
	c := &Contract{opts: cm.opts}
	if cm.opts.MaxErrors <= 0 {
		cm.opts.MaxErrors = 5
	}
	if cm.opts.BasePath != nil {
		c.BasePath = strings.TrimRight(*cm.opts.BasePath, "/")
	} else {
		c.BasePath = serversBasePath(d.Servers)
	}
	schemes, err := cm.securitySchemes(d)
	if err != nil {
		return nil, err
	}
	if d.Paths == nil || d.Paths.PathItems == nil {
		return c, nil
	}
	for pair := d.Paths.PathItems.First(); pair != nil; pair = pair.Next() {
		tmpl, item := pair.Key(), pair.Value()
		ptr := ptrJoin("#/paths", tmpl)
		if !strings.HasPrefix(tmpl, "/") {
			return nil, locErr(ptr, nil, "path must begin with /")
		}
		canon, err := canonicalTemplate(tmpl, cm.opts.CaseInsensitive)
		if err != nil {
			return nil, locErr(ptr, nil, "%v", err)
		}
		names := templateParams(canon)
		entry, err := c.router.add(canon)
		if err != nil {
			return nil, locErr(ptr, nil, "%v", err)
		}
		if entry.template == "" {
			entry.template = tmpl
		}
		for _, m := range methods {
			op := operationOf(item, m)
			if op == nil {
				continue
			}
			o, err := cm.operation(strings.ToUpper(m), tmpl, names, item, op, d, schemes, ptrJoin(ptr, m))
			if err != nil {
				return nil, err
			}
			if prev := entry.ops[o.Method]; prev != nil {
				return nil, locErr(ptrJoin(ptr, m), nil, "%s %s is the same operation as %s %s", o.Method, tmpl, o.Method, prev.Template)
			}
			entry.ops[o.Method] = o
			c.Operations++
		}
		entry.allow = allowHeader(entry.ops)
	}
	cm.resolveDynamic()
	b := viewBuilder{memo: map[string]*view{}}
	for _, s := range cm.all {
		s.view = b.of([]*Schema{s})
	}
	c.Warnings = cm.warnings
	return c, nil
}

// allowHeader lists the methods of a template, with HEAD where GET is.
func allowHeader(ops map[string]*Operation) string {
	var allow []string
	for m := range ops {
		allow = append(allow, m)
	}
	if ops["GET"] != nil && ops["HEAD"] == nil {
		allow = append(allow, "HEAD")
	}
	sort.Strings(allow)
	return strings.Join(allow, ", ")
}

func operationOf(item *v3.PathItem, m string) *v3.Operation {
	switch m {
	case "get":
		return item.Get
	case "put":
		return item.Put
	case "post":
		return item.Post
	case "delete":
		return item.Delete
	case "options":
		return item.Options
	case "head":
		return item.Head
	case "patch":
		return item.Patch
	case "trace":
		return item.Trace
	}
	return nil
}

// canonicalTemplate puts a template's literal segments in the form
// authz.CanonicalPath gives request paths, so that both meet.
func canonicalTemplate(t string, fold bool) (string, error) {
	segs := splitPath(t)
	for i, s := range segs {
		if strings.Contains(s, "{") {
			if strings.Count(s, "{") != strings.Count(s, "}") {
				return "", fmt.Errorf("unbalanced braces in segment %q", s)
			}
			continue
		}
		c, err := authz.CanonicalPath("/"+s, fold)
		if err != nil {
			return "", fmt.Errorf("segment %q: %w", s, err)
		}
		segs[i] = strings.TrimPrefix(c, "/")
	}
	return "/" + strings.Join(segs, "/"), nil
}

// serversBasePath is the path shared by every server URL ("" when they
// differ or name none). Server variables in the path make it unknowable.
func serversBasePath(servers []*v3.Server) string {
	base := ""
	for i, s := range servers {
		p := ""
		if u, err := url.Parse(s.URL); err == nil {
			p = strings.TrimRight(u.Path, "/")
		}
		if strings.Contains(p, "{") {
			return ""
		}
		if i == 0 {
			base = p
		} else if p != base {
			return ""
		}
	}
	return base
}

func (cm *compiler) operation(method, tmpl string, names []string, item *v3.PathItem, op *v3.Operation,
	d *v3.Document, schemes map[string]*secScheme, ptr string) (*Operation, error) {
	o := &Operation{
		ID: op.OperationId, Method: method, Template: tmpl, pathNames: names,
		declaredQuery: map[string]bool{}, responses: map[int]*responseSpec{},
		rejectUnknown: cm.opts.RejectUnknownProperties, rejectQuery: cm.opts.RejectUnknownQuery,
		maxErrors: cm.opts.MaxErrors,
	}
	if o.ID == "" {
		o.ID = method + " " + tmpl
	}
	if err := cm.parameters(o, item.Parameters, op.Parameters, ptr); err != nil {
		return nil, err
	}
	for _, n := range names {
		found := false
		for _, p := range o.params {
			found = found || (p.in == "path" && p.name == n)
		}
		if !found {
			// Undeclared path parameters are common in real documents;
			// they are matched as any non-empty segment.
			o.params = append(o.params, &param{name: n, in: "path", required: true})
		}
	}
	if op.RequestBody != nil {
		b, err := cm.requestBody(op.RequestBody, ptrJoin(ptr, "requestBody"))
		if err != nil {
			return nil, err
		}
		o.body = b
	}
	sec := d.Security
	if op.Security != nil {
		sec = op.Security
	}
	alts, err := compileSecurity(sec, schemes, ptrJoin(ptr, "security"))
	if err != nil {
		return nil, err
	}
	o.security = alts
	if err := cm.responses(o, op.Responses, ptrJoin(ptr, "responses")); err != nil {
		return nil, err
	}
	return o, nil
}

type responseSpec struct {
	media   []mediaSpec
	content bool // the response declares content at all
}

func (cm *compiler) responses(o *Operation, rs *v3.Responses, ptr string) error {
	if rs == nil {
		return nil
	}
	if rs.Codes != nil {
		for pair := rs.Codes.First(); pair != nil; pair = pair.Next() {
			code := strings.ToUpper(pair.Key())
			spec, err := cm.response(pair.Value(), ptrJoin(ptr, pair.Key()))
			if err != nil {
				return err
			}
			if len(code) == 3 && code[1:] == "XX" && code[0] >= '1' && code[0] <= '5' {
				o.ranges[code[0]-'0'] = spec
				continue
			}
			n, err := strconv.Atoi(code)
			if err != nil || n < 100 || n > 599 {
				return locErr(ptrJoin(ptr, pair.Key()), nil, "not an HTTP status code")
			}
			o.responses[n] = spec
		}
	}
	if rs.Default != nil {
		spec, err := cm.response(rs.Default, ptrJoin(ptr, "default"))
		if err != nil {
			return err
		}
		o.defaultResp = spec
	}
	return nil
}

func (cm *compiler) response(r *v3.Response, ptr string) (*responseSpec, error) {
	spec := &responseSpec{}
	if r == nil || r.Content == nil {
		return spec, nil
	}
	for pair := r.Content.First(); pair != nil; pair = pair.Next() {
		ms, err := cm.media(pair.Key(), pair.Value(), ptrJoin(ptr, "content", pair.Key()))
		if err != nil {
			return nil, err
		}
		spec.media = append(spec.media, ms)
		spec.content = true
	}
	sortMedia(spec.media)
	return spec, nil
}

// ResponseVerdict is what the contract says of a response.
type ResponseVerdict int

// Response verdicts.
const (
	ResponseSchema            ResponseVerdict = iota // JSON with a schema: strip against it
	ResponseUnchecked                                // declared, not JSON or no schema: passes as is
	ResponseUndeclaredStatus                         // the status is not in the document
	ResponseUndeclaredContent                        // the status is, this content type is not
)

// Response finds the schema of a response by status and Content-Type.
func (o *Operation) Response(status int, contentType string) (*Schema, ResponseVerdict) {
	spec := o.responses[status]
	if spec == nil && status >= 100 && status < 600 {
		spec = o.ranges[status/100]
	}
	if spec == nil {
		spec = o.defaultResp
	}
	if spec == nil {
		return nil, ResponseUndeclaredStatus
	}
	if !spec.content {
		return nil, ResponseUnchecked
	}
	ms := matchMedia(spec.media, contentType)
	if ms == nil {
		return nil, ResponseUndeclaredContent
	}
	if ms.kind != kindJSON || ms.schema == nil {
		return nil, ResponseUnchecked
	}
	return ms.schema, ResponseSchema
}

// secScheme is a compiled components.securitySchemes entry.
type secScheme struct {
	name string
	typ  string // apiKey, http, oauth2, openIdConnect, mutualTLS
}

// secAlt is one security requirement object: every scheme in it must hold.
type secAlt []secReq

type secReq struct {
	scheme *secScheme
	scopes []string
}

func (cm *compiler) securitySchemes(d *v3.Document) (map[string]*secScheme, error) {
	out := map[string]*secScheme{}
	if d.Components == nil || d.Components.SecuritySchemes == nil {
		return out, nil
	}
	for pair := d.Components.SecuritySchemes.First(); pair != nil; pair = pair.Next() {
		ss := pair.Value()
		ptr := ptrJoin("#/components/securitySchemes", pair.Key())
		switch ss.Type {
		case "apiKey", "http", "oauth2", "openIdConnect", "mutualTLS":
		default:
			return nil, locErr(ptr, nil, "type %q is not a security scheme type", ss.Type)
		}
		out[pair.Key()] = &secScheme{name: pair.Key(), typ: ss.Type}
	}
	return out, nil
}

func compileSecurity(reqs []*base.SecurityRequirement, schemes map[string]*secScheme, ptr string) ([]secAlt, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	var alts []secAlt
	for i, r := range reqs {
		alt := secAlt{}
		if r.Requirements != nil {
			for pair := r.Requirements.First(); pair != nil; pair = pair.Next() {
				s := schemes[pair.Key()]
				if s == nil {
					return nil, locErr(ptrJoin(ptr, strconv.Itoa(i)), nil, "security scheme %q is not defined in components.securitySchemes", pair.Key())
				}
				alt = append(alt, secReq{scheme: s, scopes: pair.Value()})
			}
		}
		alts = append(alts, alt)
	}
	return alts, nil
}

// AuthResult is the outcome of checking an operation's security.
type AuthResult int

// Auth results.
const (
	AuthOK                AuthResult = iota
	AuthUnauthenticated              // no identity where one is required: 401
	AuthInsufficientScope            // identity without the scopes: 403
)

// Authorize checks the operation's security requirements against an
// identity (nil: anonymous). Any requirement object may be met; within
// one, every scheme must hold. OAuth2 and OpenID Connect schemes need
// their scopes among the identity's; http, apiKey and mutualTLS schemes
// need an identity (which credential proved it is the authentication
// module's concern). missing is the scopes lacking for the closest
// alternative, space-separated.
func (o *Operation) Authorize(id *authz.Identity) (res AuthResult, missing string) {
	if o.security == nil {
		return AuthOK, ""
	}
	best := ""
	bestN := -1
	for _, alt := range o.security {
		if len(alt) == 0 {
			return AuthOK, "" // {}: anonymous access is allowed
		}
		if id == nil {
			continue
		}
		var lack []string
		for _, r := range alt {
			if r.scheme.typ != "oauth2" && r.scheme.typ != "openIdConnect" {
				continue
			}
			for _, sc := range r.scopes {
				if !hasScope(id.Scopes, sc) {
					lack = append(lack, sc)
				}
			}
		}
		if len(lack) == 0 {
			return AuthOK, ""
		}
		if bestN < 0 || len(lack) < bestN {
			best, bestN = strings.Join(lack, " "), len(lack)
		}
	}
	if id == nil {
		return AuthUnauthenticated, ""
	}
	return AuthInsufficientScope, best
}

func hasScope(have []string, want string) bool {
	for _, h := range have {
		if h == want {
			return true
		}
	}
	return false
}
