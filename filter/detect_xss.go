package filter

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/corazawaf/libinjection-go"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/hexdigit"
)

// eventNames are the DOM events whose "on…" attribute runs script; the list
// is the HTML/SVG event set, not a list of payloads.
const eventNames = `(?:abort|activate|afterprint|afterscriptexecute|animation\w*|auxclick|before\w+|begin|blur|bounce|canplay\w*|change|click|close|contextmenu|copy|cuechange|cut|dblclick|drag\w*|drop|durationchange|emptied|end|ended|error|finish|focus\w*|formdata|fullscreen\w*|gesture\w+|hashchange|input|invalid|key\w+|load\w*|message\w*|mouse\w+|offline|online|page\w+|paste|pause|play\w*|pointer\w+|popstate|progress|propertychange|ratechange|readystatechange|repeat|reset|resize|scroll\w*|search|seek\w*|select\w*|show|stalled|start|storage|submit|suspend|timeupdate|toggle|touch\w+|transition\w*|unload|volumechange|waiting|webkit\w+|wheel|zoom)`

var (
	// Strong: the handler follows a tag, a quote (attribute break-out), a
	// slash (<svg/onload=) or a backtick.
	reXSSHandlerStrong = regexp.MustCompile(`(?:[<"'/\x60]|<[a-z][^>]*[\s/]|["'\x60][\w\s-]*\s)` + ` ?on` + eventNames + ` ?=`)
	reXSSHandlerWeak   = regexp.MustCompile(`(?:^|\s|;)on` + eventNames + ` ?=`)
	reXSSScript        = regexp.MustCompile(`<script(?:[\s/>]|$)|</script`)
	// A script scheme, letters possibly split by whitespace (browsers strip
	// tabs and newlines inside a URL scheme), then code.
	reXSSJSURI = regexp.MustCompile(`(?:j ?a ?v ?a ?s ?c ?r ?i ?p ?t|v ?b ?s ?c ?r ?i ?p ?t|l ?i ?v ?e ?s ?c ?r ?i ?p ?t) ?:[^ ].*[()\x60=&\[]|data ?: ?(?:text/html|image/svg|application/(?:x-)?(?:java|ecma)script|text/(?:java|ecma)script)`)
	reXSSSink  = regexp.MustCompile(`\b(?:alert|prompt|confirm)(?:\?\.)?(?:\(|\x60[^\x60\s])|\b(?:alert|prompt|confirm|eval)\.(?:call|apply|bind)\(|\((?:alert|prompt|confirm|eval)\)(?:\(|\x60)|\.\w+\( ?(?:alert|prompt|confirm|eval) ?\)|\bon[a-z]+ ?= ?(?:alert|prompt|confirm|eval)\b|\beval ?\( ?(?:atob|unescape|decodeuri\w*|string\.fromcharcode)|string\.fromcharcode ?\(|\bdocument ?\[ ?["'\x60]|\b(?:window|top|self|parent|frames|globalthis|this) ?\[ ?["'\x60](?:alert|eval|document|location|prompt|confirm|\w*["'\x60] ?\+? ?["'\x60])|\.constructor ?\( ?["'\x60]|\bset(?:timeout|interval) ?\( ?["'\x60]|\bimport ?\( ?["'\x60](?://|data:)`)
	reXSSWeak  = regexp.MustCompile(`\bdocument ?\. ?(?:cookie|domain|write|location)\b|\bwindow\.location\b|(?:^|[^.\w])eval ?\(|\.constructor\b|\batob ?\(|\bsrcdoc ?=`)
	reXSSTag   = regexp.MustCompile(`<(?:iframe|object|embed|svg|math|base|meta|frame|frameset|applet|isindex|xmp|noscript|template|portal|marquee|style|link)\b`)
	// Elements and attributes that load or redirect without script:
	// <base href>, HTML imports, CSS @import in a style element,
	// formaction, srcdoc, meta refresh, CSS expressions and bindings.
	reXSSElement = regexp.MustCompile(`<[a-z]{0,10}:(?:script|vmlframe|iframe|frame|object|embed)\b|<base\b[^>]*\bhref ?(?:/ ?)?=|<link\b[^>]*\b(?:type ?= ?["']?text/(?:java|vb)script|href ?= ?["']?[^"'\s>]*\.js\b)|<link\b[^>]*\brel ?= ?["']?import|<style\b[^>]*>[^<]*@import|\bformaction ?=|\bsrcdoc ?=|<meta\b[^>]*http-equiv ?= ?["']?refresh|: ?expression ?\(|-moz-binding ?:|\bbehavior ?: ?url ?\(`)
	// constructor.prototype, constructor["prototype"], and the bracket
	// notation of query and form names: a[constructor][prototype].
	reXSSProto = regexp.MustCompile(`__proto__|\bconstructor ?(?:\. ?|["'\x60]? ?\] ?\[ ?["'\x60]?|\[ ?["'\x60]?)prototype\b`)
)

// detectXSS: libinjection's HTML5 tokenizer for markup, then what it does
// not see: attribute break-outs without a tag, script URIs, bare script.
func detectXSS(e *emitter, v *value) {
	n := v.norm
	if v.cls&cLT != 0 && typedTagPrefix(n) {
		// Search-as-you-type: "<scr", "<script" typed into a box, no
		// tag closed, nothing after it.
		return
	}
	if v.cls&cLT != 0 && proseScriptTag(n) {
		// "what is a <script> tag", "<script> defer vs async": a
		// bare opening tag among words holds no code to run, like the
		// other tags a question names ("why is my <iframe> blank").
		e.hit(rXSSTag)
		return
	}
	if v.cls&cLT != 0 {
		if libinjection.IsXSS(v.dec) && confirmXSS(v) {
			e.hit(rXSSLibinjection)
		}
		if strings.Contains(n, "script") && reXSSScript.MatchString(n) {
			e.hit(rXSSScriptTag)
		}
		if reXSSTag.MatchString(n) {
			e.hit(rXSSTag)
		}
		if v.kw&kwXSSElement != 0 && reXSSElement.MatchString(n) {
			e.hit(rXSSElement)
		} else if v.cls&cBackslash != 0 && strings.Contains(n, "style") && reXSSElement.MatchString(cssUnescape(v.dec)) {
			// CSS escapes in a style sheet ("@\69mport", "@im\port"):
			// the browser reads the rule they spell.
			e.hit(rXSSElement)
		}
		// Tags inserted to defeat a filter and removed later by a
		// sanitiser ("o<x>nfocus=alert<x>(1)"): check without them.
		if strings.Contains(n, ">") {
			if s := stripShortTags(v); s != n {
				if (reXSSHandlerStrong.MatchString(s) || reXSSHandlerWeak.MatchString(s) && reXSSSink.MatchString(s)) && !onlyEmptyHandlers(s) {
					e.hit(rXSSEventHandler)
				}
				if reXSSScript.MatchString(s) {
					e.hit(rXSSScriptTag)
				}
			}
		}
	}
	if v.cls&cEq != 0 && handlerCandidate(n) && !onlyEmptyHandlers(n) {
		if reXSSHandlerStrong.MatchString(n) && !placeholderHandlers(n) {
			e.hit(rXSSEventHandler)
		} else if reXSSHandlerWeak.MatchString(n) {
			e.hit(rXSSJSWeak)
		}
	}
	if v.cls&cColon != 0 {
		if (strings.Contains(n, "ript") || strings.Contains(n, "data")) && reXSSJSURI.MatchString(n) && !onlyInertJSURIs(n) && !inertSVGDataURIs(n) ||
			(v.cls&(cNL|cCtrl) != 0 || v.cls&cSpace != 0 && strings.IndexByte(v.dec, '\t') >= 0) && splitScriptScheme(v.dec) {
			e.hit(rXSSJSURI)
		}
	}
	if v.cls&(cParen|cBacktick|cBracket|cEq) != 0 {
		if v.kw&kwSink != 0 && reXSSSink.MatchString(n) {
			e.hit(rXSSJSSink)
		} else if v.kw&kwWeakJS != 0 && reXSSWeak.MatchString(n) {
			e.hit(rXSSJSWeak)
		}
	}
	if v.kw&kwJSExfil != 0 && v.cls&(cPlus|cParen|cEq) != 0 && (reXSSExfil.MatchString(n) || dialogAlias(n)) {
		e.hit(rXSSJSSink)
	}
	if v.cls&(cQuote|cBacktick) != 0 && v.cls&(cParen|cEq|cBacktick) != 0 && quoteFirst(v.dec) && reJSBreakout.MatchString(v.dec) {
		e.hit(rXSSJSExpr)
	}
	if v.kw&kwProto != 0 && reXSSProto.MatchString(n) {
		e.hit(rXSSProto)
	}
}

// reJSBreakout: a value that closes the script string it is written
// into (after at most a word) and goes on as a statement or an operand:
// a separator or an operator, a call or a tagged template of any name or
// an assignment to a property or a navigating global (a bare key=value
// after a quote is a parameter list: "; charset=utf-8"), then the rest of the line commented out or an operator and
// a quote that reopen the string (';location=name;//, "-f(x)-"). Which
// function is called does not matter: the string was left. It reads dec:
// norm turns the '+' operator into a space.
var reJSBreakout = regexp.MustCompile(`(?i)^[\w.@-]{0,30}['"\x60]\s*\)*(?:\s*;|\s*[-+*/|&^%]{1,2})\s*(?:[a-z_$][\w$]*(?:\s*\.\s*[a-z_$][\w$]*|\[[^\]]{1,40}\])*\s*(?:\([^;]{0,120}\)|\x60[^\x60]{0,80}\x60)|(?:[a-z_$][\w$]*(?:\s*\.\s*[a-z_$][\w$]*|\[[^\]]{1,40}\])+|location|onerror|onload|name|opener)\s*=[^;=]{1,120})(?:\s*;)?\s*(?://.*|<!--.*|[-+*/|&^%]{1,2}\s*['"\x60]|;?\s*['"\x60]?)$`)

// quoteFirst: n has a quote within its first 31 bytes with only word
// bytes before it, where reJSBreakout starts.
func quoteFirst(n string) bool {
	for i := 0; i < len(n) && i <= 30; i++ {
		switch c := n[i]; {
		case c == '\'' || c == '"' || c == '`':
			return true
		case !isWordByte(c) && c != '.' && c != '@' && c != '-':
			return false
		}
	}
	return false
}

// reXSSExfil: the cookie or web storage read into a URL being built (norm
// folds the '+' into a space) or
// handed to a request ('//x/?'+document.cookie, sendBeacon(u,
// document.cookie)), and a dialog reached through Reflect: what a script
// does with a page once it runs. Code that sets a cookie assigns to it;
// it does not concatenate a string with it.
var reXSSExfil = regexp.MustCompile(`["'\x60](?: ?\+ ?| )(?:(?:window|self|top|parent|frames) ?\. ?)?document ?\. ?cookie\b|\b(?:fetch|sendbeacon|send|postmessage) ?\([^()]{0,80}\b(?:document ?\. ?cookie|localstorage|sessionstorage)\b|\breflect ?\. ?(?:apply|construct) ?\( ?(?:alert|prompt|confirm|eval|function)\b`)

// jsExfilWords gate reXSSExfil and dialogAlias (keyword group kwJSExfil).
var jsExfilWords = []string{"cookie", "storage", "reflect", "=alert", "= alert", "=prompt", "= prompt", "=confirm", "= confirm", "=eval", "= eval"}

// dialogAlias reports a dialog or eval assigned to a name that is then
// called (a=alert,a(1); p=prompt;p`1`): the call never names the
// function. A setting such as level=alert is not followed by a call of
// its name.
func dialogAlias(n string) bool {
	for off := 0; off < len(n); {
		i := strings.IndexByte(n[off:], '=')
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		r := strings.TrimPrefix(n[i+1:], " ")
		w := 0
		for w < len(r) && r[w] >= 'a' && r[w] <= 'z' {
			w++
		}
		switch r[:w] {
		case "alert", "prompt", "confirm", "eval":
		default:
			continue
		}
		r = strings.TrimPrefix(r[w:], " ")
		if r == "" || r[0] != ',' && r[0] != ';' {
			continue
		}
		// The name assigned: the identifier before '='.
		k := strings.TrimRight(n[:i], " ")
		j := len(k)
		for j > 0 && (isWordByte(k[j-1]) || k[j-1] == '$') {
			j--
		}
		name := k[j:]
		if name == "" || name[0] >= '0' && name[0] <= '9' {
			continue
		}
		rest := r[1:]
		for {
			c := strings.Index(rest, name)
			if c < 0 {
				break
			}
			if c > 0 && (isWordByte(rest[c-1]) || rest[c-1] == '.' || rest[c-1] == '$') {
				rest = rest[c+len(name):]
				continue
			}
			a := strings.TrimPrefix(rest[c+len(name):], " ")
			if a != "" && (a[0] == '(' || a[0] == '`') {
				return true
			}
			rest = rest[c+len(name):]
		}
	}
	return false
}

// stripShortTags removes tags of at most 8 bytes ("<x>", "</b>") from norm.
func stripShortTags(v *value) string {
	n := v.norm
	b := v.sc.aux[:0]
	for i := 0; i < len(n); i++ {
		if n[i] == '<' {
			if j := strings.IndexByte(n[i+1:min(len(n), i+10)], '>'); j >= 0 && strings.IndexByte(n[i+1:i+1+j], '<') < 0 && strings.IndexByte(n[i+1:i+1+j], ' ') < 0 {
				i += j + 1
				continue
			}
		}
		b = append(b, n[i])
	}
	v.sc.aux = b
	return bstr(b)
}

var (
	// reStyleAttr finds style attributes; their content is harmless unless
	// it can load or run something.
	reStyleAttr = regexp.MustCompile(`(?i)\sstyle\s*=\s*(?:"[^"]*"|'[^']*')`)
	// reStyleEvil: what makes a style run code or load a document; a
	// url() of an image (background:url('/img/hero.jpg')) loads a picture.
	reStyleEvil = regexp.MustCompile(`(?i)expression|javascript|vbscript|url\s*\(\s*['"]?\s*(?:data:(?:text|image/svg)|[a-z]+script)|behavio|binding|@import|\\`)
	reEmbedTag  = regexp.MustCompile(`(?i)<(?:iframe|svg|object|embed|frame|math|video|audio|style|link|meta|base)\b`)
	// reDoctype is a DOCTYPE declaration without an internal subset: SVG
	// and XHTML documents sent as a JSON string start with one, and it
	// runs nothing (XXE checks the ones with a subset); so does one cut
	// short, as an error message quotes a page it got instead of JSON
	// ("Unexpected token '<', "<!DOCTYPE "... is not valid JSON").
	reDoctype = regexp.MustCompile(`(?i)<!doctype(?:\s[^>\[<]*>|\s*["']|\s*$)`)
	// reXMLDecl and reW3CNamespace: the XML declaration and namespace
	// declarations (xmlns="http://www.w3.org/2000/svg", the Exchange
	// Autodiscover and OGC WFS schemas) that XML documents sent as values
	// carry; libinjection flags both. A namespace name is an identifier:
	// nothing fetches or runs it.
	// An xml-stylesheet processing instruction with no ':' and no "//"
	// (a same-origin stylesheet, no scheme, no other host) is blanked
	// too; one that names a URL with a scheme or a host stays.
	reXMLDecl      = regexp.MustCompile(`(?i)<\?xml(?:\s[^<>]*|-stylesheet\s(?:[^<>?:/\\]|/[^<>?:/\\])*)\?>`)
	reW3CNamespace = regexp.MustCompile(`(?i)\sxmlns(?::[a-z][\w-]*)?\s*=\s*(?:"(?:https?|urn):[^"<>]*"|'(?:https?|urn):[^'<>]*')`)
)

// confirmXSS re-checks a libinjection XSS verdict. libinjection flags any
// style attribute and any embedding element; rich-text editors produce
// both every day (<span style="color: red">, a YouTube <iframe>). With
// plain style attributes blanked and embedding tags renamed, the verdict
// must still hold; an embedding element alone is left to xss-dangerous-tag
// (a weak signal). DOCTYPEs without a subset, the XML declaration and W3C
// namespace declarations are blanked too: SVG and XHTML documents sent as
// a JSON string start with them.
// reRasterDataURI: a data: URI of a raster image type, which browsers
// only ever decode as pixels.
var reRasterDataURI = regexp.MustCompile(`(?i)data:image/(?:png|jpe?g|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon)[;,]`)

func confirmXSS(v *value) bool {
	d := v.dec
	hasStyle := strings.Contains(v.norm, "style")
	hasEmbed := reEmbedTag.MatchString(d)
	hasDoctype := strings.Contains(v.norm, "<!doctype") || strings.Contains(v.norm, "<?xml") || strings.Contains(v.norm, "xmlns")
	hasJSURI := strings.Contains(v.norm, "javascript:") && onlyInertJSURIs(v.norm)
	hasEmptyHandler := strings.Contains(v.norm, "on") && reEmptyHandler.MatchString(d)
	hasRasterData := strings.Contains(v.norm, "data:image/") && reRasterDataURI.MatchString(d)
	if !hasStyle && !hasEmbed && !hasDoctype && !hasJSURI && !hasEmptyHandler && !hasRasterData {
		return true
	}
	b := append(v.sc.aux[:0], d...)
	if hasRasterData {
		// <img src="data:image/png;base64,…">: an image inlined by an
		// editor or an e-mail builder; a raster image runs no script.
		for _, loc := range reRasterDataURI.FindAllStringIndex(d, 64) {
			for i := loc[0]; i < loc[0]+len("data:"); i++ {
				b[i] = 'x'
			}
		}
	}
	if hasEmptyHandler {
		// onclick="": a handler that runs nothing.
		for _, loc := range reEmptyHandler.FindAllStringIndex(d, 64) {
			for i := loc[0]; i < loc[1]; i++ {
				b[i] = ' '
			}
		}
	}
	if hasJSURI {
		// href="javascript:void(0)": the scheme of a link that runs
		// nothing; blank the scheme so the verdict is about the rest.
		lb := strings.ToLower(d)
		for i := 0; ; {
			j := strings.Index(lb[i:], "javascript:")
			if j < 0 || len(lb) != len(b) {
				break
			}
			for k := i + j; k < i+j+len("javascript:"); k++ {
				b[k] = 'x'
			}
			i += j + len("javascript:")
		}
	}
	if hasDoctype {
		for _, re := range [...]*regexp.Regexp{reDoctype, reXMLDecl, reW3CNamespace} {
			for _, loc := range re.FindAllStringIndex(d, 16) {
				for i := loc[0]; i < loc[1]; i++ {
					b[i] = ' '
				}
			}
		}
	}
	if hasStyle {
		for _, loc := range reStyleAttr.FindAllStringIndex(d, 64) {
			if !reStyleEvil.MatchString(d[loc[0]:loc[1]]) {
				for i := loc[0]; i < loc[1]; i++ {
					b[i] = ' '
				}
			}
		}
	}
	if hasEmbed {
		for _, loc := range reEmbedTag.FindAllStringIndex(d, 64) {
			for i := loc[0] + 1; i < loc[1]; i++ {
				b[i] = 'x'
			}
		}
	}
	v.sc.aux = b
	return libinjection.IsXSS(bstr(b))
}

// Prefilters of reXSSSink, reXSSWeak and reXSSElement.
var (
	xssElementWords = []string{":script", ":vmlframe", ":iframe", ":frame", ":object", ":embed", "<base", "<link", "<style", "formaction", "srcdoc", "<meta", "expression", "-moz-binding", "behavior"}
	sinkWords       = []string{"alert", "prompt", "confirm", "eval", "fromcharcode", "document", "window[", "window [", "top[", "self[", "parent[", "frames[", "globalthis[", "this[", "constructor", "settimeout", "setinterval", "import"}
	weakJSWords     = []string{"document", "window.", "eval", "constructor", "atob", "srcdoc"}
)

// handlerCandidate: "on" + letters + optional space + '=' somewhere.
func handlerCandidate(n string) bool {
	for i := 0; i+3 < len(n); i++ {
		if n[i] != 'o' || n[i+1] != 'n' {
			continue
		}
		j := i + 2
		for j < len(n) && n[j] >= 'a' && n[j] <= 'z' {
			j++
		}
		if j-i < 5 {
			continue
		}
		if j < len(n) && n[j] == ' ' {
			j++
		}
		if j < len(n) && n[j] == '=' {
			return true
		}
	}
	return false
}

// cssUnescape resolves CSS escapes in s and lower-cases it: a backslash
// and one to six hex digits (one blank after them is part of the escape)
// is that code point, a backslash before any other character is that
// character, before a line break nothing. A style sheet reads
// "@\69mport" and "@\import" as "@import".
func cssUnescape(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		j, k := i+1, 0
		var r rune
		for j < len(s) && k < 6 && hexdigit.Is(s[j]) {
			r = r<<4 | rune(hexdigit.Val(s[j]))
			j, k = j+1, k+1
		}
		switch {
		case k > 0:
			if j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
				j++
			}
			if r > 0 && r <= utf8.MaxRune {
				b = utf8.AppendRune(b, r)
			}
			i = j - 1
		case s[j] == '\n':
			i = j
		default:
			b = append(b, s[j])
			i = j
		}
	}
	return strings.ToLower(string(b))
}

// scriptSchemes are the URL schemes that run script.
var scriptSchemes = [...]string{"javascript", "vbscript", "livescript"}

// splitScriptScheme reports a script scheme whose letters a tab, a line
// break or another control character splits ("ja&Tab;vascript:",
// "java%0ascript:"), followed by its colon. Browsers drop those bytes
// from a URL's scheme, so the URL runs whatever follows; no text writes
// the word so, which makes the split itself the attack, code or not.
func splitScriptScheme(dec string) bool {
	for i := 0; i < len(dec); i++ {
		for _, w := range scriptSchemes {
			if dec[i]|0x20 == w[0] && schemeSplitAt(dec[i:], w) {
				return true
			}
		}
	}
	return false
}

// schemeSplitAt matches word at the start of s with control bytes (tab
// among them) between its letters, at least one, then a colon after
// optional spaces.
func schemeSplitAt(s, word string) bool {
	split := false
	j := 0
	for k := 0; k < len(word); k++ {
		if k > 0 {
			for j < len(s) && s[j] < 0x20 {
				j++
				split = true
			}
		}
		if j >= len(s) || s[j]|0x20 != word[k] {
			return false
		}
		j++
	}
	for j < len(s) && (s[j] <= ' ') {
		j++
	}
	return split && j < len(s) && s[j] == ':'
}

// onlyInertJSURIs: every script URL in n is a contiguous "javascript:"
// that runs nothing (href="javascript:void(0)" in serialised markup), and
// no other script scheme is present.
// placeholderHandlers: every event handler of n has an ellipsis for its
// code (<img src=x onerror=...>, as prose about the attack writes it).
func placeholderHandlers(n string) bool {
	locs := reXSSHandlerStrong.FindAllStringIndex(n, 16)
	if len(locs) == 0 || len(locs) == 16 {
		return false
	}
	for _, l := range locs {
		rest := strings.TrimLeft(n[l[1]:], " \"'")
		if !strings.HasPrefix(rest, "...") && !strings.HasPrefix(rest, "…") {
			return false
		}
	}
	return true
}

// inertSVGDataURIs: every data: URI of n that reXSSJSURI would read as
// script is an SVG image without script, handlers or links
// (data:image/svg+xml;utf8,<svg …><circle …/></svg> in an image's src),
// and n has no javascript: or text/html URI.
func inertSVGDataURIs(n string) bool {
	if !strings.Contains(n, "image/svg") || containsAny(n, "javascript", "vbscript", "text/html", "/ecmascript") {
		return false
	}
	return !strings.Contains(n, "<script") && !reSVGActive.MatchString(n) && !strings.Contains(n, "href") && !strings.Contains(n, "base64")
}

// balancedURI drops the closing parentheses that end u without opening
// in it: "(javascript:void(0))" quotes the URI in prose.
func balancedURI(u string) string {
	for strings.HasSuffix(u, ")") && strings.Count(u, ")") > strings.Count(u, "(") {
		u = u[:len(u)-1]
	}
	return u
}

func onlyInertJSURIs(n string) bool {
	if strings.Contains(n, "vbscript") || strings.Contains(n, "livescript") || strings.Contains(n, "data") {
		return false
	}
	found := false
	for rest := n; ; {
		i := strings.Index(rest, "javascript:")
		if i < 0 {
			break
		}
		u := rest[i:]
		if j := strings.IndexAny(u, "\"'> \x60"); j >= 0 {
			if u[j] == ' ' && inertJSURI(balancedURI(u[:j])) {
				// "javascript:void(0) link does nothing": the URI
				// ends before the prose.
				j = len(balancedURI(u[:j]))
			} else if u[j] == ' ' {
				// "javascript: void(0)", "javascript:void 0"
				if k := strings.IndexAny(u[j+1:], "\"'>\x60"); k >= 0 {
					j += 1 + k
				} else {
					j = len(u)
				}
			}
			u = u[:j]
		}
		if !inertJSURI(balancedURI(u)) {
			return false
		}
		found = true
		rest = rest[i+len("javascript:"):]
	}
	return found
}

// typedTagPrefix: the whole value is '<' and the beginning of a tag name,
// as typed so far ("<", "<scr", "<script", "<script "), with nothing
// after it that a browser could complete into markup.
func typedTagPrefix(n string) bool {
	t := strings.TrimRight(n, " ")
	if len(t) < 2 || len(t) > 12 || t[0] != '<' {
		return false
	}
	for i := 1; i < len(t); i++ {
		if c := t[i]; !(c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// proseScriptTag: n (normalised) names a bare <script> tag among words:
// one "<script>", no other markup, and around it only letters, digits,
// blanks and sentence punctuation, so no call, assignment, property access
// or template (nothing JavaScript can run without). The tag alone is a
// probe and stays an attack.
func proseScriptTag(n string) bool {
	i := strings.Index(n, "<script>")
	if i < 0 || len(n) > 200 {
		return false
	}
	rest := n[:i] + " " + n[i+len("<script>"):]
	words := 0
	for k := 0; k < len(rest); k++ {
		c := rest[k]
		switch {
		case c >= 'a' && c <= 'z':
			if k == 0 || rest[k-1] == ' ' {
				words++
			}
		case c >= '0' && c <= '9', c == ' ', c == ',', c == '?', c == '!', c == '-', c == '\'':
		case (c == '.' || c == ';' || c == ':') && (k+1 == len(rest) || rest[k+1] == ' '):
			// Sentence punctuation: ". " "; " ": " (no statement of
			// JavaScript runs without a call or an assignment).
		default:
			return false
		}
	}
	return words >= 2
}

// reEmptyHandler is an event-handler attribute with an empty value.
// reEmptyHandler: a handler that runs nothing, empty or an ellipsis in
// place of its code (onerror=... in a sentence about it).
var reEmptyHandler = regexp.MustCompile(`(?i)\son[a-z]+\s*=\s*(?:""|''|\.\.\.|…)`)

// onlyEmptyHandlers: every handler attribute in n has an empty value.
func onlyEmptyHandlers(n string) bool {
	locs := reXSSHandlerStrong.FindAllStringIndex(n, 16)
	if len(locs) == 0 {
		return false
	}
	for _, l := range locs {
		r := strings.TrimLeft(n[l[1]:], " ")
		if !strings.HasPrefix(r, `""`) && !strings.HasPrefix(r, "''") {
			return false
		}
	}
	return !reXSSHandlerWeak.MatchString(strings.NewReplacer(`=""`, "", `=''`, "", `= ""`, "", `= ''`, "").Replace(n))
}
