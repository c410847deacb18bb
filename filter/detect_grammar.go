package filter

import (
	"regexp"
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
	reJSTemplCall   = regexp.MustCompile(`\b(?:alert|prompt|confirm|eval|print|fetch|import|settimeout|setinterval|function|atob|open|write|writeln|location\.assign|location\.replace)\x60`)
	// An expression statement closing a JavaScript string in a script
	// context: '-alert(1)-', ";alert(1)//, \';confirm(1)// …
	reJSStringBreak = regexp.MustCompile(`['"\x60] ?(?:[-+*/^|&;,]|\)|\}) ?(?:alert|prompt|confirm|eval|print|fetch|import|settimeout|setinterval|atob|document\.write|location ?=|window\.open)\b ?(?:\(|\x60|=)`)
)

// jsfuckRun reports a run of at least 24 characters made only of []()!+
// with all of [ ] ( ) present: the JSFuck alphabet. Nothing else writes
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
		if run >= 24 && mask&15 == 15 {
			return true
		}
	}
	return false
}

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

// detectXSSGrammar runs the JavaScript-expression and loader checks.
func detectXSSGrammar(e *emitter, v *value) {
	n := v.norm
	if v.cls&(cBracket|cBacktick) != 0 {
		if v.cls&cBracket != 0 && v.cls&(cParen|cBacktick) != 0 && reJSBracketCall.MatchString(n) {
			e.hit(rXSSJSExpr)
		}
		if v.cls&cBacktick != 0 && reJSTemplCall.MatchString(n) {
			e.hit(rXSSJSExpr)
		}
		if v.cls&cBracket != 0 && v.cls&cParen != 0 && v.cls&(cBang|cPlus) != 0 && jsfuckRun(v.dec) {
			e.hit(rXSSJSExpr)
		}
	}
	if v.cls&cQuote|v.cls&cBacktick != 0 && v.cls&cParen|v.cls&cBacktick|v.cls&cEq != 0 && reJSStringBreak.MatchString(n) {
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
	// ORDER BY / GROUP BY with a column number, closed by a comment or
	// after a number or closing quote: column counting.
	reSQLFragOrder = regexp.MustCompile(`(?:^|\d|['")\x60]) ?(?:order|group) by \d+(?: ?,\d+)* ?(?:asc|desc)? ?(?:--|#|/\*|;|$)`)
	// Probing statements of every dialect.
	reSQLFragProbe = regexp.MustCompile(`\bselect ?(?:@@[a-z_]+|(?:version|user|current_user|session_user|system_user|database|schema|db_name|suser_name|banner|@@version)\b ?\(?|\* ?from ?(?:information_schema|pg_catalog|pg_user|pg_shadow|sysibm\.|syscat\.|all_(?:tables|users|tab_columns)|user_(?:tables|users|tab_columns)|dba_(?:users|tables)|v\$(?:version|instance|database)|sys\.(?:objects|tables|databases|sql_logins)|sqlite_(?:master|schema)|mysql\.user|msysobjects|master\.)|[\w, ]{1,80} from (?:dual|v\$version|v\$instance|sysibm\.sysdummy1|sysibm\.systables|syscat\.tables|all_tables|user_tables|dba_users|pg_user|pg_database|pg_tables|sys\.databases|sysdatabases|sqlite_master|rdb\$database|msysobjects|information_schema\.\w+)\b)|\bdeclare @\w+ .{0,200}\b(?:exec|execute|sp_executesql)\b|\bexec(?:ute)? ?\( ?@\w+ ?\)|\bwaitfor (?:delay|time) ?['"]?\d|\b(?:and|or|;) ?(?:(?:sleep|pg_sleep) ?\( ?\d|benchmark ?\( ?\d+ ?,|dbms_pipe\.receive_message ?\(|randomblob ?\( ?\d)|\bconvert ?\( ?int ?, ?(?:@@|db_name|user|\( ?select)|\bcast ?\( ?\( ?select\b|\bload_file ?\(|\butl_inaddr\.|\bctxsys\.|\bxmltype ?\(|\bdbms_\w+\.\w+ ?\(|\b(?:and|or) \d+ ?= ?\( ?select\b|\bif ?\( ?\( ?select\b|\bunion ?\( ?select\b`)
)

// detectSQLGrammar flags fragments libinjection and the older shapes do
// not: values that are SQL by grammar, not by a quote.
func detectSQLGrammar(e *emitter, v *value) {
	if v.kw&(kwSQLGate|kwSQLFunc) == 0 && v.cls&(cPipe|cAmp|cAt) == 0 {
		return
	}
	n := v.norm
	if len(n) < 6 {
		return
	}
	if (v.cls&(cEq|cLT|cGT|cParen) != 0 || strings.Contains(n, " like ") || strings.Contains(n, " between ")) && len(n) <= 200 && reSQLFragBool.MatchString(n) {
		e.hit(rSQLiFragment)
		return
	}
	if strings.Contains(n, " by ") && reSQLFragOrder.MatchString(n) {
		e.hit(rSQLiFragment)
		return
	}
	if reSQLFragProbe.MatchString(n) {
		e.hit(rSQLiFragment)
	}
}

// Command lines without a separator before them: the value is itself a
// command line (the application runs it, or passes it to sh -c). The
// shapes are those of a shell or cmd.exe, not of prose: an interpreter
// named by its absolute path with arguments, a shell with -c, a command
// behind a prefix that runs it (time, strace, nohup, sudo, env, xargs,
// busybox), batch FOR/IF syntax, process substitution, fork bombs, brace
// expansion, globbed system paths, quote-split command names.
var (
	reCmdLine  = regexp.MustCompile(`^(?:(?:sudo|nohup|time|strace|ltrace|env|exec|xargs|busybox|timeout \d+|nice|ionice|command|builtin|stdbuf -\w+|unbuffer) +)*(?:(?:/usr)?(?:/local)?/s?bin/[a-z][\w.+-]{1,30}(?: +[-/~.$"'a-z0-9]|$)|(?:sh|bash|zsh|ksh|dash|csh|tcsh|ash|busybox|python[23]?(?:\.\d+)?|perl|ruby|php|node|lua|pwsh|powershell) +-[a-z]{1,3} +\S|(?:curl|wget) +(?:-[a-z]+ +)*(?:https?|ftp|file)://\S|(?:nc|ncat|netcat|socat|telnet) +(?:-[a-z]+ +)*[\w.-]+ +\d{1,5}\b|(?:cat|head|tail|less|more|base64|xxd|od|strings) +/(?:etc|proc|root|home|var|tmp|dev|sys)/|(?:ping|nslookup|dig|host|traceroute) +(?:-[a-z] +\d+ +)*[\w-]+(?:\.[\w-]+)+ *$|(?:whoami|ifconfig|ipconfig|uname -a|id -u|netstat -\w+|systeminfo|tasklist|hostname|printenv)\s*$)`)
	reCmdBatch = regexp.MustCompile(`\bfor +(?:/[dflr] +(?:"[^"]*" +|[a-z]:/\S* +)?)*%%?[^ ]{1,2} +in +\(.*\) ?do\b|\bif +(?:/i +)?(?:not +)?(?:exist|defined|errorlevel) +\S+ +(?:\(|echo\b|@echo\b|goto\b|set\b|call\b|cmd\b|del\b|copy\b|type\b|start\b|exit\b|[a-z]+$)|\bif +(?:/i +)?(?:not +)?(?:\S+ ?== ?\S+|\S+ (?:equ|neq|lss|leq|gtr|geq) \S+) +\S|%[a-z_]\w*:~-?\d+(?:,-?\d+)?%`)
	reCmdShape = regexp.MustCompile(`(?:^|[\s;|&(=])[<>]\( ?[a-z][\w-]*(?: |\))|\$\( ?[a-z][\w-]{1,20} ?(?:\)|\s+[-/~.$a-z])|\$\[ ?\d+ ?[-+*/] ?\d+ ?\]|\$\[ ?\]|[\w:.]+ ?\( ?\) ?\{[^}]*[|&][^}]*\} ?; ?[\w:.]+|(?:^|[\s;|&])alias +[\w.'"-]+=|(?:^|[\s;|&=])\{,[^{}\s]*,?[^{}\s]*\}|\{[a-z/?*.-]+,[^{}\s]+\}[a-z]|(?:^|[\s;|&=])/(?:e\[[^\]]+\]c|\[[^\]]+\]tc|et\[[^\]]+\]|b\[[^\]]+\]n|bi\[[^\]]+\]|\[[^\]]+\]in|u\[[^\]]+\]r|us\[[^\]]+\]|p\[[^\]]+\]oc|pr\[[^\]]+\]c|et?c?/[^/\s]*\[[^\]]+\]|(?:usr/)?s?bin/[^/\s]*\[[^\]]+\])`)
)

// reCmdLineWin: cmd.exe and PowerShell command lines at the start of the
// value.
var reCmdLineWin = regexp.MustCompile(`^(?:cmd(?:\.exe)?|command(?:\.com)?) +/[ckr] +\S|^(?:powershell(?:\.exe)?|pwsh(?:\.exe)?) +-\w|^(?:invoke-webrequest|iwr|invoke-restmethod|irm|invoke-expression|iex|start-process|invoke-command|new-object) +(?:-\w|https?://|\S+\.ps1\b|\(|system\.net)`)

// cmdPrefixWords gate reCmdLine: a value that starts with none of them is
// not a command line.
var cmdLineStarts = []string{"/", "sudo", "nohup", "time", "strace", "ltrace", "env", "exec", "xargs", "busybox", "timeout", "nice", "ionice", "command", "builtin", "stdbuf", "unbuffer", "sh", "bash", "zsh", "ksh", "dash", "csh", "tcsh", "ash", "python", "perl", "ruby", "php", "node", "lua", "pwsh", "powershell", "curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "cat", "head", "tail", "less", "more", "base64", "xxd", "od", "strings", "ping", "nslookup", "dig", "host", "traceroute", "whoami", "ifconfig", "ipconfig", "uname", "id", "netstat", "systeminfo", "tasklist", "hostname", "printenv", "cmd", "command", "invoke-", "iwr", "irm", "iex", "start-process", "new-object"}

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
		if hasPrefixAny(line, cmdLineStarts) && (reCmdLine.MatchString(line) || reCmdLineWin.MatchString(line)) && !(v.kind == KindHeaderValue && line[0] == '/') {
			e.hit(rRCECommandLine)
			return
		}
		if v.cls&(cSemi|cPipe|cAmp|cNL) != 0 && hostThenCommand(sh, v) {
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
	if v.cls&cPercent|v.cls&cSlash != 0 || strings.Contains(n, "if ") {
		if (strings.Contains(n, "for ") || strings.Contains(n, "if ") || strings.Contains(n, ":~")) && reCmdBatch.MatchString(n) {
			e.hit(rRCECommandLine)
			return
		}
	}
	if v.cls&(cQuestion|cStar|cBracket) != 0 && v.cls&cSlash != 0 && globbedSystemPath(n) {
		e.hit(rRCECommandLine)
		return
	}
	if v.cls&(cParen|cBrace|cBracket|cEq) != 0 && v.kind != KindBodyRaw {
		if reCmdShape.MatchString(sh) && !jqueryCall(sh) {
			e.hit(rRCECommandLine)
		}
	}
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
// {{_self}}), Smarty ({$smarty.version}, {php}), Freemarker/Velocity/
// Thymeleaf/Spring EL (${T(…)}, #{…}, *{…}, [[${…}]], $!{…}), ERB and JSP
// (<%= … %>), the Handlebars helper of the known RCE chain ({{#with}}),
// Razor (@(…)), and
// expressions with a space where a form '+' was (${7 7} from ${7+7}).
var reSSTIProbe = regexp.MustCompile(`\{\{[-~]? ?(?:self|_self|config|dump|debug)\b[^}]{0,80}\}\}|\{\{#(?:with|blockhelpermissing)\b|\{\$smarty\.|\{(?:php|fetch|math|eval)\b[^}]{0,80}\}|\{%[-+]? ?(?:debug|import|php)\b[^%]{0,120}%\}|[$#*@]\{ ?(?:\d+ +\d+|\d+ ?[*+/%-] ?\d+|[a-z_][\w.]*\.(?:getclass|class|forname|getruntime|exec|invoke|getenv|getproperty|version|product)\b|t ?\(|new |request\b|session\b|application\b|param\.|header\.|cookie\.|pagecontext\b|facescontext\b|\d+ ?\. ?\d+|"[^"]{0,40}"\.|'[^']{0,40}'\.)|\[\[ ?[$*#]\{|\$!\{|<%=? ?[^%]{1,120}%>|\{\{ ?['"]?\w*['"]? ?\* ?['"]\d+['"] ?\}\}|\$\{\{|#\{ ?[a-z_]\w*(?: ?\(|\.)|@\( ?\d+ ?[*+/-] ?\d+ ?\)|@\( ?\d+ \d+ ?\)|\{\{ ?(?:\d+ +\d+|[a-z_]\w* ?\|[ a-z_]+ ?\(?)\}\}`)

// sstiProbeWords gate reSSTIProbe.
var sstiProbeWords = []string{"{{", "{$smarty", "{php", "{fetch", "{math", "{eval", "{%", "${", "#{", "*{", "@{", "[[", "$!{", "<%", "@("}

// detectSSTIGrammar flags template expressions that are not arithmetic.
func detectSSTIGrammar(e *emitter, v *value) {
	if v.cls&(cBrace|cLT|cParen) == 0 {
		return
	}
	n := v.norm
	if hasAny(n, sstiProbeWords) && reSSTIProbe.MatchString(n) {
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
var redirectNames = []string{"redirect", "redir", "return", "returnto", "return_to", "returnurl", "return_url", "next", "url", "goto", "go", "dest", "destination", "continue", "target", "rurl", "forward", "callback", "to", "out", "view", "login_url", "logout", "checkout_url", "success_url", "fail_url", "u", "r", "q_url", "jump", "nav", "back", "backurl", "back_url"}

// redirectParam reports whether a parameter name is redirect-like.
func redirectParam(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	var buf [40]byte
	l := buf[:0]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c |= 0x20
		}
		if c == '-' {
			c = '_'
		}
		l = append(l, c)
	}
	ln := bstr(l)
	for _, w := range redirectNames {
		if ln == w {
			return true
		}
	}
	return strings.Contains(ln, "redirect") || strings.Contains(ln, "return") || strings.HasSuffix(ln, "_url") && (strings.Contains(ln, "next") || strings.Contains(ln, "back") || strings.Contains(ln, "continue") || strings.Contains(ln, "success") || strings.Contains(ln, "cancel"))
}

// detectRedirect flags evasive redirect targets in redirect-like
// parameters.
func detectRedirect(e *emitter, v *value) {
	if v.kind != KindQueryValue && v.kind != KindBodyValue {
		return
	}
	if v.cls&(cSlash|cBackslash|cColon|cAt) == 0 || !redirectParam(v.name) {
		return
	}
	d := v.dec
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
	// Whitespace and controls that browsers strip before a URL.
	t := strings.TrimLeft(d, " \t\r\n\x00\x0b\x0c")
	lead := len(t) < len(d)
	lt := strings.ToLower(t)
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
			if strings.IndexByte(host, '@') >= 0 || strings.IndexByte(host, '\\') >= 0 {
				e.hit(rRedirectOpen)
			}
		}
	}
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
// an attacker (source, secrets, a shell), not by what scanners send; see
// the documentation for the full list and an exclusion recipe.
var (
	// Anywhere in the path: a segment that is one of these, or starts
	// one of these directories.
	sensitiveSegments = []string{
		// Version control: the whole source tree can be rebuilt from them.
		"/.git/", "/.git", "/.gitconfig", "/.git-credentials", "/.svn/", "/.svn", "/.hg/", "/.hg", "/.bzr/", "/.bzr", "/cvs/entries", "/cvs/root", "/_darcs/", "/.fossil",
		// Secrets and credentials.
		"/.env", "/.htpasswd", "/.htaccess", "/.aws/", "/.ssh/", "/.npmrc", "/.pypirc", "/.netrc", "/.pgpass", "/.my.cnf", "/.docker/config.json", "/.dockercfg", "/.kube/config", "/.bash_history", "/.zsh_history", "/.mysql_history", "/.psql_history", "/id_rsa", "/id_dsa", "/id_ecdsa", "/id_ed25519", "/.boto", "/.s3cfg", "/.terraform/", "/terraform.tfstate", "/.vault-token", "/credentials.json", "/secrets.yml", "/secrets.yaml", "/.secrets", "/.ds_store", "/web.config", "/wp-config.php", "/config.php.bak", "/localsettings.php", "/.idea/", "/.vscode/", "/.config/",
		// Java archive internals: deployment descriptors and classes.
		"/web-inf/", "/web-inf", "/meta-inf/", "/meta-inf",
		// Debugging and administration surfaces.
		"/server-status", "/server-info", "/phpinfo.php", "/info.php", "/actuator/env", "/actuator/heapdump", "/actuator/threaddump", "/actuator/jolokia", "/actuator/gateway", "/actuator/configprops", "/actuator/mappings", "/actuator/logfile", "/actuator/shutdown", "/actuator/restart", "/actuator/loggers", "/jolokia", "/heapdump", "/jmx-console", "/web-console", "/invoker/jmxinvokerservlet", "/manager/html", "/host-manager/", "/phpmyadmin", "/pma/", "/adminer.php", "/adminer/", "/elmah.axd", "/trace.axd", "/_profiler", "/app_dev.php", "/debug/pprof", "/debug/vars", "/_debugbar", "/telescope/requests", "/horizon/api", "/.well-known/../", "/console/login", "/solr/admin", "/jenkins/script", "/script/text", "/cgi-bin/php", "/vendor/phpunit/", "/eval-stdin.php", "/wp-admin/install.php", "/wp-admin/setup-config.php", "/install.php", "/setup.php", "/xmlrpc.php", "/cgi-bin/test-cgi", "/_ignition/execute-solution", "/hnap1", "/boaform/", "/goform/", "/setup.cgi", "/admin/config.php", "/druid/index.html", "/nacos/v1/auth/users", "/api/jsonws/invoke", "/.aws/credentials", "/etc/passwd",
	}
	// At the end of the path: backup and dump extensions, editor swap
	// files.
	backupSuffixes = []string{".bak", ".backup", ".old", ".orig", ".save", ".swp", ".swo", ".tmp", "~", ".sql", ".sql.gz", ".sql.bz2", ".sql.zip", ".sql.tar.gz", ".dump", ".mdb", ".sqlite", ".sqlite3", ".db", ".kdbx", ".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".log", ".ini.bak", ".php~", ".php.bak", ".php.old", ".php.swp", ".asp.bak", ".aspx.bak", ".jsp.bak"}
	// Archives count when their base name says backup or site copy.
	archiveSuffixes = []string{".zip", ".tar", ".tar.gz", ".tgz", ".gz", ".rar", ".7z", ".tar.bz2", ".bz2", ".war", ".jar"}
	archiveBases    = []string{"backup", "backups", "bak", "db", "database", "dump", "site", "www", "wwwroot", "htdocs", "public_html", "webroot", "sql", "mysql", "old", "archive"}
)

// detectSensitivePath flags requests for sensitive files and admin
// surfaces, and Tomcat/Jetty path-parameter tricks (..;/, /;/) and encoded
// dot segments that reach them.
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
	if strings.Contains(p, "/./") || strings.HasSuffix(p, "/.") {
		p = strings.ReplaceAll(p, "/./", "/")
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	for _, s := range sensitiveSegments {
		i := strings.Index(p, s)
		if i < 0 {
			continue
		}
		end := i + len(s)
		// A whole segment: the next byte ends it, or s ends with '/'.
		if s[len(s)-1] == '/' || end == len(p) || p[end] == '/' || p[end] == '.' && (s == "/.env" || s == "/.git") || s == "/.env" && (p[end] == '_' || p[end] == '-') {
			if s == "/.well-known/../" || s == "/etc/passwd" {
				e.hit(rTraversalDotDot)
				return
			}
			e.hit(rPathSensitive)
			return
		}
	}
	base := p[strings.LastIndexByte(p, '/')+1:]
	if base == "" {
		return
	}
	for _, s := range backupSuffixes {
		if strings.HasSuffix(base, s) && len(base) > len(s) {
			if s == ".log" || s == ".db" || s == ".key" || s == ".pem" || s == ".tmp" {
				// Also ordinary downloads: only by a telling name.
				if !archiveBase(strings.TrimSuffix(base, s)) && !strings.Contains(base, "error") && !strings.Contains(base, "debug") && !strings.Contains(base, "access") && !strings.Contains(base, "private") && !strings.Contains(base, "server") {
					return
				}
			}
			e.hit(rPathSensitive)
			return
		}
	}
	for _, s := range archiveSuffixes {
		if strings.HasSuffix(base, s) {
			if archiveBase(strings.TrimSuffix(base, s)) {
				e.hit(rPathSensitive)
			}
			return
		}
	}
	if base[0] == '.' && len(base) > 1 && base != ".well-known" {
		// Any other hidden file: a weak signal.
		e.hit(rPathHidden)
	}
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
// for hundreds of times, the brute-force and DoS amplifier) and excessive
// depth. Limits are generous: clients generated from real schemas stay
// well below them.
const (
	graphqlMaxAliases = 30
	graphqlMaxDepth   = 15
	graphqlMaxBatch   = 10
)

// detectGraphQLQuery inspects a value that is a GraphQL document.
func detectGraphQLQuery(e *emitter, v *value) {
	if v.cls&cBrace == 0 {
		return
	}
	n := v.norm
	if !graphqlDocument(n) && !strings.EqualFold(v.name, "query") {
		return
	}
	if strings.Contains(n, "__schema") || strings.Contains(n, "__type(") || strings.Contains(n, "__type (") {
		e.hit(rGraphQLIntrospectionQuery)
	}
	depth, maxDepth, aliases, ops := 0, 0, 0, 0
	inStr := false
	for i := 0; i < len(n); i++ {
		c := n[i]
		if inStr {
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{':
			if depth == 0 {
				ops++
			}
			depth++
			maxDepth = max(maxDepth, depth)
		case '}':
			depth = max(depth-1, 0)
		case ':':
			// alias: name: field (not an argument, which sits in parens)
			j := i - 1
			for j >= 0 && n[j] == ' ' {
				j--
			}
			if j >= 0 && (isWordByte(n[j])) && depth > 0 && !inParens(n, i) {
				aliases++
			}
		}
	}
	if maxDepth > graphqlMaxDepth || aliases > graphqlMaxAliases || ops > graphqlMaxBatch {
		e.hit(rGraphQLAbuse)
	}
}

// graphqlDocument: the value starts like a GraphQL document.
func graphqlDocument(n string) bool {
	t := strings.TrimLeft(n, " \t\r\n")
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "query") || strings.HasPrefix(t, "mutation") || strings.HasPrefix(t, "subscription") || strings.HasPrefix(t, "fragment") {
		return true
	}
	// An operation name then its selection set: "IntrospectionQuery {".
	i := 0
	for i < len(t) && i < 64 && isWordByte(t[i]) {
		i++
	}
	return i > 0 && i < len(t) && (t[i] == '{' || t[i] == ' ' && i+1 < len(t) && t[i+1] == '{')
}

// inParens reports whether position i sits inside an argument list.
func inParens(n string, i int) bool {
	d := 0
	for j := i - 1; j >= 0 && j > i-400; j-- {
		switch n[j] {
		case ')':
			d++
		case '(':
			if d == 0 {
				return true
			}
			d--
		case '{', '}':
			return false
		}
	}
	return false
}

// scriptExtensions are file types a web server runs rather than serves.
var scriptExtensions = []string{".php", ".php3", ".php4", ".php5", ".php7", ".php8", ".phtml", ".phar", ".pht", ".phps", ".pgif", ".shtml", ".shtm", ".stm", ".jsp", ".jspx", ".jspf", ".jsw", ".jsv", ".asp", ".aspx", ".asa", ".asax", ".ascx", ".ashx", ".asmx", ".axd", ".cer", ".cfm", ".cfml", ".cfc", ".htaccess", ".htpasswd", ".user.ini"}

// detectUploadName flags an uploaded file whose name makes it a server
// script. Trailing dots, spaces and slashes are ignored (Windows and some
// servers drop them).
func detectUploadName(e *emitter, v *value) {
	n := strings.TrimRight(v.norm, ". /")
	if i := strings.IndexByte(n, 0); i >= 0 {
		n = n[:i]
	}
	for _, x := range scriptExtensions {
		if strings.HasSuffix(n, x) || strings.Contains(n, x+".") && !strings.HasSuffix(n, ".txt") {
			e.hit(rUploadScript)
			return
		}
	}
}

// reWebshell finds server-side code that runs what the request says or
// obfuscates what it runs, inside an uploaded file: the PHP open tag (or
// <script language="php">), JSP and ASP blocks, then an execution or
// decoding primitive.
var reWebshell = regexp.MustCompile(`(?s)(?:<\?(?:php|=)?|<script[^>]+language\s*=\s*["']?php)\s.*?\b(?:eval|assert|system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|create_function|call_user_func(?:_array)?|base64_decode|gzinflate|gzuncompress|str_rot13|move_uploaded_file|file_put_contents|fsockopen|preg_replace)\s*\(|<\?(?:php|=)?\s.*?\$_(?:get|post|request|cookie|server|files)\s*\[|<%@?\s.*?(?:runtime\.getruntime\(\)|processbuilder|request\.getparameter|class\.forname|defineclass|scriptengine)|<%.*?\b(?:eval|execute)\s*\(?\s*request|wscript\.shell|server\.createobject|<script[^>]+runat\s*=\s*["']?server`)

// webshellCode reports server-side code in an uploaded file's content
// (lower-cased by the caller); polyglots (GIF89a<?php …) count.
func webshellCode(lc string) bool {
	if !strings.Contains(lc, "<?") && !strings.Contains(lc, "<%") && !strings.Contains(lc, "runat") && !strings.Contains(lc, "wscript.shell") && !strings.Contains(lc, "language") {
		return false
	}
	return reWebshell.MatchString(lc)
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

// fetchParam reports whether a parameter name says it holds a URL the
// server fetches ("url", "image_url", "webhookUri", "feed-src").
func fetchParam(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	ln := strings.ToLower(name)
	for _, w := range []string{"redirect", "redir", "return", "callback", "next", "continue", "back", "goto", "login", "logout", "success", "cancel", "fail"} {
		if strings.Contains(ln, w) {
			return false
		}
	}
	for _, w := range fetchNames {
		if ln == w || strings.HasSuffix(ln, "_"+w) || strings.HasSuffix(ln, "-"+w) || strings.HasPrefix(ln, w+"_") || strings.HasPrefix(ln, w+"-") || len(w) >= 3 && strings.HasSuffix(ln, w) {
			return true
		}
	}
	return false
}

// detectSSRFTarget flags an internal target in a fetch-like parameter.
func detectSSRFTarget(e *emitter, v *value) {
	if v.kind != KindQueryValue && v.kind != KindBodyValue || v.cls&cColon == 0 && v.cls&cSlash == 0 {
		return
	}
	n := v.norm
	if !isURLValue(n) || !fetchParam(v.name) {
		return
	}
	i := strings.Index(n, "//")
	host := urlHost(n[i+2:])
	switch {
	case host == "localhost" || strings.HasSuffix(host, ".localhost") || host == "localtest.me" || strings.HasSuffix(host, ".localtest.me") || host == "0":
		e.hit(rSSRFInternal)
		return
	}
	if ip, _, ok := parseHostIP(host); ok {
		ip = ip.Unmap()
		if ip.IsLoopback() || ip.IsUnspecified() || ip.IsPrivate() || ip.IsLinkLocalUnicast() {
			e.hit(rSSRFInternal)
		}
	}
}

// hostThenCommand: the value is a host, address or number, then a shell
// separator (a line break too), then a command ("127.0.0.1;id",
// "example.com|whoami", "8.8.8.8\nuname -a"). Form fields that are lists
// ("name;id") are not hosts.
func hostThenCommand(sh string, v *value) bool {
	i := strings.IndexAny(sh, ";|&\n")
	if i <= 0 {
		if i == 0 || v.cls&cNL == 0 {
			return false
		}
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
		if n[i] != '/' || i > 0 && !strings.ContainsRune(" ;|&=`(\"'", rune(n[i-1])) {
			continue
		}
		j := i + 1
		for j < len(n) && n[j] != '/' && n[j] != ' ' {
			j++
		}
		if j >= len(n) || n[j] != '/' {
			continue
		}
		seg := n[i+1 : j]
		if !strings.ContainsAny(seg, "?*[") || len(seg) > 24 {
			continue
		}
		for _, d := range systemDirs {
			if globMatch(seg, d) {
				return true
			}
		}
	}
	return false
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
