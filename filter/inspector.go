package filter

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// InspectorOptions configure the value layer.
type InspectorOptions struct {
	// Paranoia is the sensitivity level, 1 (default) to 4. Rules whose
	// RuleInfo.Paranoia is above it never fire; from 2 up, weak rules
	// (score 2-3) score 2 more, so that one alone reaches the default
	// threshold, and a single "../" counts.
	Paranoia int
	// DisabledRules are rule ids that never fire; a trailing '*' disables
	// every id with that prefix ("xss-*"). Ids of other layers (protocol,
	// custom rules) are ignored here: the request layer validates the list.
	DisabledRules []string
	// NoBase64 turns off the inspection of Base64-looking values after
	// decoding them. Default false: a value made only of Base64 characters
	// that decodes to printable text is inspected a second time, decoded.
	NoBase64 bool
}

// Inspector normalises values and runs the attack detectors over them. It
// is immutable after NewInspector and safe for concurrent use.
type Inspector struct {
	paranoia int
	off      [numRules]bool
	noBase64 bool
	pool     sync.Pool // *scratch, per-call buffers; nothing survives a call

	// askProse makes detectSQLi ask libinjection about every prose value
	// (tests compare the verdicts with and without proseCannotInject).
	askProse bool
}

// maxPooledScratch bounds the buffer bytes a pooled scratch may hold.
const maxPooledScratch = 1 << 20

// scratch holds the buffers of one InspectValue call.
type scratch struct {
	dec, tmp, norm, shell, b64, aux, upper, join []byte
}

// value is one value under inspection, in its three forms.
type value struct {
	kind Kind
	name string
	raw  string // as given
	dec  string // decoded (percent, entities, JS escapes, look-alikes)
	norm string // dec lower-cased, whitespace folded, comments dropped, '\' → '/'
	cls  uint64 // classes of dec
	kw   uint64 // keyword groups found in norm
	ncls uint64 // classes of name
	sc   *scratch
}

// emitter appends hits, at most one per rule and value.
type emitter struct {
	in   *Inspector
	dst  []Hit
	seen [(numRules + 63) / 64]uint64
	// sqlText: the value is an SQL query written for an SQL field (see
	// sqlEditorValue); the SQL shape rules say nothing about it then.
	sqlText bool
	// inGraphQL: the value is an argument of a GraphQL document, inspected
	// on its own; a document inside it is not walked again.
	inGraphQL bool
	// queryText: the value is written in a query language other than SQL
	// or in a pipeline's configuration (queryLanguageValue); its SQL and
	// command hits count once, as one weak signal. queryHit: that one
	// was emitted.
	queryText, queryHit bool
}

func (e *emitter) hit(r ruleID) {
	if e.in.off[r] {
		return
	}
	if e.sqlText && ruleTable[r].Category == CatSQLi && r != rSQLiFunction && r != rSQLiComment {
		return
	}
	w, b := r/64, uint64(1)<<(r%64)
	if e.seen[w]&b != 0 {
		return
	}
	e.seen[w] |= b
	ri := &ruleTable[r]
	score := ri.Score
	if e.queryText && (ri.Category == CatSQLi || ri.Category == CatRCE) {
		if e.queryHit {
			return
		}
		e.queryHit = true
		score = min(score, ScoreWarning)
	}
	e.dst = append(e.dst, Hit{Rule: ri.ID, Category: ri.Category, Score: e.in.boost(score)})
}

// boost is score at the inspector's paranoia: stricter levels trust weak
// signals more (3 → 5, 2 → 4).
func (in *Inspector) boost(score int) int {
	if in.paranoia >= 2 && score < weakBoostCap {
		return min(score+weakBoost, weakBoostCap)
	}
	return score
}

// At paranoia 2 and above, weak rules score weakBoost more, up to
// weakBoostCap (the default threshold): a lone weak signal then blocks.
const (
	weakBoost    = 2
	weakBoostCap = 5
)

// NewInspector compiles an Inspector.
func NewInspector(opts InspectorOptions) (*Inspector, error) {
	p := opts.Paranoia
	if p == 0 {
		p = 1
	}
	if p < 1 || p > 4 {
		return nil, fmt.Errorf("filter: paranoia %d out of range 1..4", opts.Paranoia)
	}
	in := &Inspector{paranoia: p, noBase64: opts.NoBase64}
	for i := range ruleTable {
		if ruleTable[i].Paranoia > p {
			in.off[i] = true
		}
	}
	for _, id := range opts.DisabledRules {
		for i := range ruleTable {
			if ruleMatches(id, ruleTable[i].ID) {
				in.off[i] = true
			}
		}
	}
	in.pool.New = func() any { return new(scratch) }
	return in, nil
}

// InspectValue normalises value (raw + decoded variants) and appends every
// detector's hits. name is the parameter/header/field name (may be empty).
// Safe for concurrent use; allocation-light.
func (in *Inspector) InspectValue(dst []Hit, kind Kind, name, value string) []Hit {
	if value == "" {
		return dst
	}
	sc := in.getScratch()
	dst = in.inspectValue(sc, dst, kind, name, value)
	in.putScratch(sc)
	return dst
}

// getScratch takes a scratch from the pool; a caller inspecting many
// values (one request's) keeps it for all of them and gives it back with
// putScratch.
func (in *Inspector) getScratch() *scratch { return in.pool.Get().(*scratch) }

// putScratch gives sc back to the pool, unless it holds the buffers of an
// exceptionally large value: the next ordinary values do not need them.
func (in *Inspector) putScratch(sc *scratch) {
	if cap(sc.dec)+cap(sc.tmp)+cap(sc.norm)+cap(sc.shell)+cap(sc.aux)+cap(sc.b64)+cap(sc.upper)+cap(sc.join) <= maxPooledScratch {
		in.pool.Put(sc)
	}
}

// inspectValue is InspectValue with the caller's scratch.
func (in *Inspector) inspectValue(sc *scratch, dst []Hit, kind Kind, name, value string) []Hit {
	if value == "" {
		return dst
	}
	e := emitter{in: in, dst: dst}
	if kind == KindBodyRaw {
		in.inspectRaw(&e, sc, name, value)
	} else {
		in.inspect(&e, sc, kind, name, value, 0)
	}
	return e.dst
}

// Derived views of a value, inspected after the value itself; views says
// which ones a value already is, so that none is derived twice.
const (
	viewBase64 uint8 = 1 << iota // a Base64 decoding
	viewJoined                   // literal joints removed (joinLiterals)
	viewFolded                   // compatibility forms and accents folded (foldCompat)
)

// inspect runs the detectors over one value; views is 0 for a value as
// extracted, else the derived views it is (see viewBase64).
func (in *Inspector) inspect(e *emitter, sc *scratch, kind Kind, name, raw string, views uint8) {
	v := value{kind: kind, name: name, raw: raw, dec: raw, sc: sc, ncls: classify(name)}
	rc := classify(raw)
	v.cls = rc
	if rc&decodeTriggers != 0 && needsDecode(raw) {
		var changed bool
		sc.dec, sc.tmp, changed = decode(sc.dec[:0], sc.tmp[:0], raw)
		if changed {
			v.dec = bstr(sc.dec)
			v.cls = classify(v.dec)
		}
	}
	v.norm = v.dec
	if v.cls&normTriggers != 0 {
		sc.norm = normalize(sc.norm[:0], v.dec)
		v.norm = bstr(sc.norm)
	}
	v.kw = keywords.scan(v.norm)
	outer, outerQuery := e.sqlText, e.queryText
	e.sqlText = outer || (kind == KindBodyValue || kind == KindQueryValue) && (sqlEditorValue(name, v.dec) || v.cls&cNL != 0 && sqlScript(v.dec))
	e.queryText = outerQuery || (kind == KindBodyValue || kind == KindQueryValue || kind == KindBodyRaw) && queryLanguageValue(name, v.dec)
	runDetectors(e, &v)
	e.sqlText, e.queryText = outer, outerQuery
	// Documents travel in a query parameter, a JSON member or a raw body
	// (inspectRaw passes it on as a body value); their arguments are
	// inspected last, after every view of the document itself.
	var gqlArgs []gqlArg
	if v.cls&graphQLQueryClasses != 0 && !e.inGraphQL && (kind == KindQueryValue || kind == KindBodyValue) {
		gqlArgs = detectGraphQLQuery(e, &v)
	}
	if views&viewJoined == 0 && v.cls&(cQuote|cBacktick|cParen) != 0 && joinCandidate(v.cls, v.dec, v.norm) {
		var j joined
		sc.join = joinLiterals(sc.join[:0], v.dec, &j)
		if j.n > 0 {
			detectSplitKeywords(e, sc.join, &j)
			// The nested call reuses dec/tmp/norm: v is no longer used
			// (a value with a joint has a quote or a parenthesis, so it
			// is not Base64 below).
			in.inspect(e, sc, kind, name, bstr(sc.join), views|viewJoined)
			in.inspectGraphQLArgs(e, sc, kind, gqlArgs)
			return
		}
	}
	// Base64 text has no byte outside these classes ('_' has none).
	const base64Classes = cLower | cUpper | cDigit | cPlus | cSlash | cSpace | cDash | cEq
	if views == 0 && !in.noBase64 && v.cls&^base64Classes == 0 {
		// The decoded form: Base64 may itself be percent-encoded (%2B).
		if b, ok := base64Text(sc.b64[:0], kind, v.dec); ok {
			sc.b64 = b
			// The nested call reuses dec/tmp/norm: v is no longer used.
			in.inspect(e, sc, kind, name, bstr(b), viewBase64)
		} else if strings.HasPrefix(v.dec, "H4sI") {
			// Base64 of gzip (a state cookie, a compressed parameter):
			// inflated, a serialized object is judged as one and text
			// as a value of its own.
			if b, ok := gunzipBase64(v.dec); ok {
				if serializedFile(b) {
					e.hit(rDeserialize)
				} else if printableText(b) {
					in.inspect(e, sc, kind, name, string(b), viewBase64)
				}
			}
		} else if samlParam(name) {
			if doc, ok := inflateSAML(v.dec); ok {
				in.inspect(e, sc, kind, name, doc, viewBase64)
			}
		}
	}
	if views&viewFolded == 0 && v.cls&cHigh != 0 {
		if f, ok := foldCompat(v.dec, v.kw); ok {
			// ｓｅｌｅｃｔ, ǔnion sëlect, x；id: what a normalising
			// application (NFKC, accent folding) or database collation
			// reads. The nested call reuses the buffers: v is done.
			in.inspect(e, sc, kind, name, f, views|viewFolded)
		}
	}
	in.inspectGraphQLArgs(e, sc, kind, gqlArgs)
}

// inspectGraphQLArgs inspects the string arguments of a GraphQL document
// as values of their own. They are copies: inspecting them reuses the
// buffers the document's value pointed into.
func (in *Inspector) inspectGraphQLArgs(e *emitter, sc *scratch, kind Kind, args []gqlArg) {
	if len(args) == 0 {
		return
	}
	e.inGraphQL = true
	for _, a := range args {
		in.inspect(e, sc, kind, a.name, a.value, 0)
	}
	e.inGraphQL = false
}

// runDetectors calls every detector; each one checks its own cheap
// prefilter (character classes, a substring) before any regexp. The class
// gates of most are tested here too (the same constants), which spares an
// ordinary value twenty calls that return at once.
func runDetectors(e *emitter, v *value) {
	if v.kind == KindUserAgent {
		detectScanner(e, v)
	}
	if v.cls&oastClasses != 0 {
		detectOAST(e, v)
	}
	detectSQLi(e, v)
	if v.kind == KindBodyValue && v.cls&cNL != 0 && len(v.dec) >= 120 && sourceDocument(v) {
		// A whole HTML page or a source file saved through an API (a
		// code editor, a site builder): its scripts and handlers are
		// what such content is made of. One weak signal, not a verdict.
		if v.cls&cLT != 0 && (strings.Contains(v.norm, "<script") || handlerCandidate(v.norm)) {
			e.hit(rXSSTag)
		}
	} else {
		detectXSS(e, v)
		detectXSSGrammar(e, v)
	}
	if v.cls&traversalClasses != 0 {
		detectTraversal(e, v)
	}
	if v.cls&rceClasses != 0 {
		detectRCE(e, v)
	}
	if v.cls&jndiClasses != 0 || v.cls&jndiURLClasses == jndiURLClasses {
		detectJNDI(e, v)
	}
	if v.cls&ssrfClasses != 0 {
		detectSSRF(e, v)
	}
	if v.cls&sstiClasses != 0 {
		detectSSTI(e, v)
	}
	if v.cls&cDollar != 0 || v.ncls&cDollar != 0 || v.kw&kwNoSQLJS != 0 || v.cls&cEq != 0 && len(v.norm) <= maxJSTautology {
		detectNoSQL(e, v)
	}
	if v.cls&ldapClasses != 0 {
		detectLDAP(e, v)
	}
	if v.cls&xxeClasses != 0 {
		detectXXE(e, v)
	}
	if v.cls&crlfClasses != 0 {
		detectCRLF(e, v)
	}
	if v.kw&kwDunder != 0 {
		detectGraphQL(e, v)
	}
	detectSQLGrammar(e, v)
	detectRCEGrammar(e, v)
	if v.cls&sstiClasses != 0 {
		detectSSTIGrammar(e, v)
	}
	if v.cls&redirectClasses != 0 {
		detectRedirect(e, v)
	}
	if v.cls&ssrfTargetClasses != 0 {
		detectSSRFTarget(e, v)
	}
	if v.kind == KindPath {
		detectSensitivePath(e, v)
		detectScannerPath(e, v)
		if v.cls&cDot != 0 && uploadScriptPath(v.norm) {
			e.hit(rPathUploadScript)
		}
	}
	if (v.kind == KindQueryValue || v.kind == KindBodyValue) && len(v.norm) >= 10 && directoryAttrs(v.name) && containsAny(v.norm, "password", "unicodepwd") {
		// attrs=userPassword,unicodePwd: a directory search asked for
		// the password attributes, which no directory UI shows.
		e.hit(rLDAPFilter)
	}
	if v.cls&cAt != 0 && (strings.Contains(v.norm, "@{") || strings.Contains(v.norm, "@(")) && containsAny(v.norm, "system.diagnostics.process", "system.io.file", "system.reflection.", "system.net.webclient") {
		// @{ System.Diagnostics.Process.Start("cmd.exe", …); }: Razor
		// code that a template engine compiles and runs.
		e.hit(rSSTIEngine)
	}
	if v.cls&cEq != 0 && strings.Contains(v.norm, "=?") && reEncodedWordBreak.MatchString(v.norm) {
		// =?UTF-8?Q?x=0D=0ABcc:_list@attacker.example?=: a MIME encoded
		// word that decodes to a line break and a header.
		e.hit(rCRLFMail)
	}
	if v.cls&cNL != 0 && (strings.Contains(v.dec, "\n.\r\n") || strings.Contains(v.dec, "\n.\n")) && containsFold(v.dec, "mail from:") {
		// A lone "." ends the message, and what follows is a new SMTP
		// transaction (SMTP smuggling).
		e.hit(rCRLFMail)
	}
	if v.cls&cQuote != 0 && v.cls&(cParen|cPipe) != 0 && reXPathInjection.MatchString(v.dec) {
		// On dec (without case: no lower-cased copy per value):
		// normalising drops what follows "/*", as SQL would.
		e.hit(rXPathInjection)
	}
	if v.cls&cQuote != 0 && v.kw&kwBool != 0 && (strings.Contains(v.norm, " eq ") || strings.Contains(v.norm, " ne ")) && odataTautology(v.norm) {
		// Vendor eq 'acme' or 'a' eq 'a': OData's comparison words, a
		// literal compared with itself after the breakout.
		e.hit(rSQLiBreakout)
	}
	if v.cls&(cQuote|cBacktick) != 0 && v.kind == KindQueryValue && len(v.dec) <= 24 && reNumberQuote.MatchString(v.dec) && identifierParam(v.name) {
		// id=1042': the quote that probes for an SQL error, after the
		// number an identifier holds.
		e.hit(rSQLiBreakout)
	}
	if v.cls&cColon != 0 && len(v.norm) >= 16 && internalHostPrefix(v.norm) && reInternalServicePort.MatchString(v.norm) {
		// http://localhost:6379/: a cache, database or mail server on
		// an internal host, which speaks no HTTP of its own: a request
		// smuggled into its protocol.
		e.hit(rSSRFInternal)
	}
	if v.cls&cStar != 0 && (v.kind == KindQueryValue || v.kind == KindBodyValue) && strings.TrimSpace(v.dec) == "*" && passwordField(v.name) {
		// password=*: an LDAP bind or search filter built from the
		// field matches every entry. (A user name of "*" is also a
		// policy's wildcard: {"user": "*", "action": "read"}.)
		e.hit(rLDAPFilter)
	}
	if v.kind != KindPath && v.kind != KindUserAgent && len(v.dec) >= 16 && strings.IndexByte("rgaAB/\xac ", v.dec[0]) >= 0 && serializedObject(v.dec) {
		e.hit(rDeserialize)
	}
	if v.kind != KindPath && v.cls&(cEq|cPlus|cDash|cAt) != 0 && v.cls&(cPipe|cParen) != 0 && formulaInjection(v.dec) {
		// The User-Agent too: audit logs and sign-in histories are
		// exported to spreadsheets with it.
		e.hit(rFormulaInjection)
	}
	if (v.kind == KindQueryValue || v.kind == KindBodyValue) && len(v.norm) > 3 && (v.norm[0] == '-' || v.norm[0] == 'e' && strings.HasPrefix(v.norm, "ext::")) && (reArgumentInjection.MatchString(v.norm) || v.norm[0] == '-' && reArgumentAnywhere.MatchString(v.norm)) {
		e.hit(rRCEArgument)
	}
	if (v.kind == KindQueryValue || v.kind == KindBodyValue) && v.cls&cAt != 0 && v.cls&cDash != 0 && reSendmailOption.MatchString(v.norm) {
		e.hit(rRCEArgument)
	}
	if v.kind == KindPath && strings.IndexByte(v.raw, '%') >= 0 && reEncodedStaticSuffix.MatchString(v.raw) {
		// /profile%23.css, /settings%3F.js: a dynamic page the
		// application serves for a name a cache stores as a static
		// file (web cache deception).
		e.hit(rPathStaticSuffix)
	}
	if v.cls&cSemi != 0 && (v.kind == KindPath || v.kind == KindQueryValue && strings.HasPrefix(v.norm, "/")) && staticSuffixParam(v.norm) {
		e.hit(rPathStaticSuffix)
	}
	if len(v.dec) >= 20 && (v.dec[0] == 'e' || v.dec[0]|0x20 == 'b') && jwtForgery(v.dec) {
		e.hit(rJWTForgery)
	}
	if (v.ncls&cDollar != 0 || strings.HasSuffix(v.name, "json_class") || strings.HasSuffix(v.name, "__type") || v.ncls&cSlash != 0 && strings.Contains(v.name, "py/")) && jsonNETGadget(v.name, v.dec) {
		e.hit(rDeserialize)
	}
	if v.cls&cNL != 0 && strings.IndexByte(v.dec, 'c') >= 0 && rePickleText.MatchString(v.dec) {
		// A protocol-0 pickle, which is text, as a body or a value.
		e.hit(rDeserialize)
	}
	if v.kind == KindQueryName || v.kind == KindBodyName || v.kind == KindQueryValue || v.kind == KindBodyValue {
		if envInjectionName(v.name) && v.dec != "" {
			// variables[LD_PRELOAD]=/builds/x/evil.so: an environment
			// variable that makes the next program load the caller's
			// code (CI variables, job definitions).
			e.hit(rRCEArgument)
		}
	}
	if v.kind == KindFileName && (strings.IndexByte(v.dec, '`') >= 0 || strings.Contains(v.dec, "$(")) && reRCESubshell.MatchString(v.norm) {
		// filename="`id`.pdf": a name that a shell command built from
		// it runs.
		e.hit(rRCESubshell)
	}
	if v.cls&cBang != 0 && strings.Contains(v.norm, "!<tag:yaml.org,2002:") && yamlGadget(v.norm) {
		// A YAML class tag in its verbose form (the short !!python/
		// form is rce-code-injection), as a config import sends it.
		e.hit(rDeserialize)
	}
	if v.kind != KindPath && v.cls&cComma != 0 && strings.Contains(v.dec, "PublicKeyToken=") && dotNetGadget(v.dec) {
		// An assembly-qualified gadget type in any value or attribute
		// (<root type="…ExpandedWrapper`2[[System.Windows.Markup.XamlReader, …">).
		e.hit(rDeserialize)
	}
	if (v.kind == KindQueryValue || v.kind == KindBodyValue) && strings.HasPrefix(v.norm, "__") && strings.EqualFold(v.name, "_method") && phpMagicMethods[v.norm] {
		// _method=__construct (ThinkPHP 5, CVE-2019-9082): the method
		// override names a constructor that the request then feeds.
		e.hit(rPHPCallProbe)
	}
	if (v.kind == KindQueryValue || v.kind == KindBodyValue) && len(v.norm) >= 9 && len(v.norm) <= 28 && v.cls&^cLower == 0 && phpDispatchers[v.norm] {
		// function=call_user_func_array&vars[0]=system (ThinkPHP 5,
		// CVE-2018-20062): a PHP function that calls the function it is
		// given, named where the application takes a callable. In
		// lower case, as PHP code writes them: CREATE_FUNCTION is a
		// database privilege.
		e.hit(rPHPCallProbe)
	}
	if v.cls&phpClasses != 0 {
		detectPHPGrammar(e, v)
	}
	if v.cls&rfiClasses != 0 || v.cls&cBackslash != 0 {
		detectRFIURL(e, v)
	}
	if v.cls&javaClassClasses != 0 {
		detectJavaClass(e, v)
	}
	// The gates of the next four are tested here: most values pass none.
	if v.cls&cDot != 0 {
		detectJavaName(e, v)
	}
	if v.cls&(cDot|cBracket) != 0 {
		detectBeanPath(e, v)
	}
	if isParamName(v.kind) {
		detectORMFilter(e, v)
	}
	if v.cls&cParen != 0 {
		detectPHPCall(e, v)
	}
	if v.kw&kwNode != 0 {
		detectNodeCode(e, v)
	}
	if v.cls&cPlus != 0 {
		detectUTF7Markup(e, v)
	}
	if v.cls&cDollar != 0 {
		detectShellVar(e, v)
	}
	if v.kind != KindUserAgent && v.kind != KindBodyRaw && (v.cls&probeClasses != 0 || len(v.norm) <= 26) {
		detectAllProbes(e, v)
	}
	if v.kind == KindFileName || v.kind == KindHeaderValue && uploadNameHeader(v.name) {
		detectUploadName(e, v)
	}
	if v.kind == KindBodyValue && v.name != "" {
		detectXMLAttr(e, v)
	}
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

var (
	// reXPathInjection: a closing quote, then a node-set union or a
	// boolean operator and an XPath function, in any case.
	reXPathInjection = regexp.MustCompile(`(?i)['"][ +]?[\])]?[ +]?\|[ +]?//|['"][ +]?(?:or|and)[ +](?:count|name|local-name|string-length|substring|contains|starts-with|doc|document|normalize-space|translate|string|number|not)[ +]?\(`)
	// reEncodedWordBreak: an RFC 2047 Q-encoded word with an encoded line
	// break before a header name (lower case).
	reEncodedWordBreak = regexp.MustCompile(`=\?[\w-]+\?q\?[^?]*=0[ad](?:=0[ad])?[a-z-]{2,30}:`)
	// reEncodedStaticSuffix: an encoded '#', '?' or ';' then a static
	// file's extension at the end of a path.
	reEncodedStaticSuffix = regexp.MustCompile(`(?i)%(?:23|3f|3b|25(?:23|3f))[\w-]*\.(?:css|js|png|jpe?g|gif|ico|svg|woff2?|txt|map)$`)
	// reNumberQuote: digits then one or two quotes or a closing
	// parenthesis, nothing else.
	reNumberQuote = regexp.MustCompile(`^\d{1,18}['"\x60]{1,2}\)?$`)
	// reInternalServicePort: a URL to a loopback or private host on the
	// port of a service that is not HTTP (Redis, Memcached, SMTP, SSH,
	// MySQL, PostgreSQL, MongoDB, ZooKeeper, Cassandra, MSSQL, Oracle).
	reInternalServicePort = regexp.MustCompile(`^(?:https?|gopher|dict|ftp)://(?:localhost|127(?:\.\d{1,3}){3}|\[::1?\]|0\.0\.0\.0|0|10(?:\.\d{1,3}){3}|192\.168(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}):(?:6379|6380|11211|25|22|3306|5432|27017|2181|9042|1433|1521)(?:/|$)`)
)

// identifierParam: name holds an identifier (id, *_id, *Id, ref, no).
func identifierParam(name string) bool {
	return strings.EqualFold(name, "ref") || strings.EqualFold(name, "no") || strings.EqualFold(name, "num") || hasSuffixFold(name, "id") || hasSuffixFold(name, "_no") || hasSuffixFold(name, "number")
}

// hasSuffixFold: s ends with suffix (ASCII, any case).
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// reODataCompare: a closing quote, or/and, then two literals compared
// with eq (OData's =).
var reODataCompare = regexp.MustCompile(`' (?:or|and) ('[^']*'|\d+) eq ('[^']*'|\d+)`)

// odataTautology: n (lower case) breaks out of an OData literal into a
// comparison of a literal with itself.
func odataTautology(n string) bool {
	for _, m := range reODataCompare.FindAllStringSubmatch(n, 4) {
		if m[1] == m[2] {
			return true
		}
	}
	return false
}

// internalHostPrefix: n (lower case) starts with a scheme and an
// internal host's first characters, the test that spares every other
// URL the regexp.
func internalHostPrefix(n string) bool {
	i := strings.Index(n, "://")
	if i < 3 || i > 6 {
		return false
	}
	h := n[i+3:]
	return strings.HasPrefix(h, "localhost") || strings.HasPrefix(h, "127.") || strings.HasPrefix(h, "[::") || strings.HasPrefix(h, "0") ||
		strings.HasPrefix(h, "10.") || strings.HasPrefix(h, "192.168.") || strings.HasPrefix(h, "172.")
}

// envInjectionName: a parameter name that sets an environment variable
// which makes programs load code: LD_PRELOAD, LD_AUDIT, NODE_OPTIONS,
// BASH_ENV, ENV, PYTHONSTARTUP, PERL5OPT, GIT_SSH_COMMAND … (as the whole
// name or a bracketed key: variables[NODE_OPTIONS]).
func envInjectionName(name string) bool {
	if len(name) < 6 || len(name) > 64 {
		return false
	}
	n := name
	if i := strings.LastIndexByte(n, '['); i >= 0 {
		n = strings.TrimSuffix(n[i+1:], "]")
	}
	if len(n) < 6 || strings.IndexByte("LlNnBbPpRrGgJj_Dd", n[0]) < 0 || strings.IndexByte(n, '_') < 0 && !hasPrefixFold(n, "perl") && !hasPrefixFold(n, "python") && !hasPrefixFold(n, "rubyopt") {
		return false
	}
	for _, e := range [...]string{"LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH", "NODE_OPTIONS", "BASH_ENV", "PYTHONSTARTUP", "PYTHONPATH", "PERL5OPT", "PERL5LIB", "RUBYOPT", "GIT_SSH_COMMAND", "GIT_EXTERNAL_DIFF", "GIT_CONFIG_PARAMETERS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "DYLD_INSERT_LIBRARIES"} {
		if strings.EqualFold(n, e) {
			return true
		}
	}
	return false
}
