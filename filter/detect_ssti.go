package filter

import (
	"regexp"
	"strings"
)

var (
	// Arithmetic probes: the attacker looks for 49 in the page. Smarty
	// evaluates single braces ({7*7}, {$x=7*7}).
	reSSTIExpr = regexp.MustCompile(`\{\{ ?['"]?-?\d+['"]? ?[*+/%-] ?['"]?-?\d+['"]? ?(?:\}\}|\|)|[$#@*]\{ ?['"]?-?\d+['"]? ?[*+/%-] ?['"]?-?\d+['"]? ?\}|\{\$?(?:\w{1,20} ?= ?)?\d+ ?\* ?\d+ ?\}|<%= ?-?\d+ ?[*+/%-] ?-?\d+ ?%>|\{\{=? ?\d+ ?\* ?\d+|@\( ?\d+ ?\* ?\d+ ?\)|\$\{\{ ?\d+ ?\* ?\d+`)
	// Engine internals reached from a template expression.
	reSSTIEngine = regexp.MustCompile(`<#assign\b|<#(?:list|if|include)\b[^>]*\?(?:new|api|eval)|freemarker\.template\.utility|\?new ?\( ?\)|[$#*]\{ ?t ?\( ?java\.|\bt ?\( ?java\.lang\.|#set ?\( ?\$|\$class\.inspect|\{\{(?:[^}]|\}[^}]){0,200}__(?:class|mro|subclasses|globals|builtins|init|import|base|dict)__|\{\{[^}]*\b(?:lipsum|cycler|joiner|namespace|url_for|get_flashed_messages)\b[^}]*\.__|\{\{ ?(?:self|config|request)(?:\.|\[|\|)[^}]*(?:__|environ|application|items ?\(\))|\{\{ ?config ?\}\}|\{php\}|\{\{ ?constructor\.constructor|\bclass\.forname ?\(|\.getclass ?\( ?\) ?\.forname|\.getruntime ?\( ?\)|\{% ?(?:import|include) ?['"]?(?:os|subprocess)\b|\b_self\.env\.|registerundefinedfiltercallback|\{\{[^}]*\| ?(?:filter|map|reduce|sort) ?\( ?['"](?:system|exec|passthru|shell_exec|popen|proc_open)['"]`)
)

// sstiClasses: a template's delimiters (detectSSTIGrammar's too); a value
// with none of these classes gives detectSSTI nothing to find, and
// runDetectors does not call it.
const sstiClasses = cBrace | cLT | cParen

// detectSSTI flags server-side template injection probes.
func detectSSTI(e *emitter, v *value) {
	if v.cls&sstiClasses == 0 {
		return
	}
	n := v.norm
	if v.cls&cBrace != 0 && v.cls&(cStar|cPlus|cDash|cSlash|cPercent|cSpace) != 0 {
		if arithmetic(n) && reSSTIExpr.MatchString(n) {
			e.hit(rSSTIExpr)
		}
	} else if v.cls&cLT != 0 && strings.Contains(n, "<%") && arithmetic(n) && reSSTIExpr.MatchString(n) {
		e.hit(rSSTIExpr)
	}
	if v.kw&(kwSSTIEngine|kwSSTIProbe) == 0 || !sstiSyntax(v.cls, n) {
		return
	}
	if v.kw&kwSSTIEngine != 0 && reSSTIEngine.MatchString(n) {
		e.hit(rSSTIEngine)
		return
	}
	if reSSTILang.MatchString(n) || v.cls&cNL == 0 && strings.Contains(n, "{{") && reSSTIGo.MatchString(n) {
		e.hit(rSSTIEngine)
	}
}

// sstiSyntaxWords: every branch of reSSTIEngine and reSSTILang needs one of
// these (a template delimiter, a Velocity directive, a reflection call),
// or a '|' or '?' (filters, FreeMarker builtins), which sstiSyntax tests
// by class. The keyword gate alone lets through values that merely name
// an engine's internals: a GraphQL document full of __typename ran both
// regexps, whose bounded repetitions make them slow on a long value.
var sstiSyntaxWords = []string{"{{", "{%", "<#", "${", "#{", "*{", "@{", "~{", "#set", "#if", "#foreach", "#elseif", "#evaluate", "#parse", "#define", "#macro", "#include",
	"$class", "java.", "forname", "getclass", "getruntime", "{php}", "_self.env", "registerundefinedfiltercallback", "app.request.server", "root.process", "system.", "freemarker"}

// sstiSyntax reports whether n (normalised, classes cls) has what the
// engine regexps need.
func sstiSyntax(cls uint64, n string) bool {
	return cls&(cPipe|cQuestion) != 0 || containsAny(n, sstiSyntaxWords...)
}

// reSSTILang: what each engine's grammar lets a probe say without the
// shapes above. Every branch needs an engine's own delimiter or syntax,
// so that text, JavaScript template literals and the Mustache, Handlebars
// and Jinja templates front ends send ({{user.name}}, {% for %}) do not
// match:
//   - literal multiplication anywhere in a Jinja/Twig block or a
//     FreeMarker directive ({%print(7*7)%}, {{ 7|int * 7 }}, <#if 7*7==49>);
//   - Jinja/Twig/Jinjava: a dunder name built from strings ('__cla'+'ss__')
//     or reached in a statement ({% for c in ().__class__… %}),
//     the attr filter, SECRET_KEY, Java reflection from an expression, the
//     globals cycler/joiner/lipsum taken apart, {% set x = request %} (the object, not a call),
//     Django's admin log tag, Twig's app.request.server and a PHP
//     function named as a callback ('passthru');
//   - FreeMarker: special variables (${.now}, .data_model), a builtin
//     applied to a literal (${"a"?upper_case}), ?api/?eval/?interpret;
//   - Velocity: #if/#foreach … #end, #evaluate/#parse/#define/#macro/
//     #include, $ref.getClass();
//   - Thymeleaf and JSP EL: the utility objects that expose the context
//     and the request (${#ctx}, ${#request}; not #dates, #strings), the
//     __${…}__ preprocessing form, the scope maps (${sessionScope});
//   - Handlebars: lookup of constructor or __proto__;
//   - Mako: ${self.module}, ${self.template}…; Pug: root.process; Razor:
//     @System.Diagnostics…;
//   - Go templates and Hugo/Sprig (reSSTIGo): a print, printf, html, js or urlquery
//     call of literals only ({{ printf "%d" 49 }}), printf of the whole
//     context ({{printf "%s" .}}), environment and file functions
//     ({{ env "HOME" }}, {{ readFile "/etc/passwd" }}), printf of the
//     environment, request or secrets ({{printf "%s" .Env}}), a call of a
//     function the context holds ({{ call .Exec "id" }}), the request
//     object ({{ .Request.Header }}).
var reSSTILang = regexp.MustCompile(`\{[{%][^}]{0,80}?\d+['"]?(?: ?\| ?\w+)? ?\*\*? ?['"]?\d+|<#\w+[^>]{0,60}?\d+ ?\* ?\d+|` +
	`\{\{[^}]{0,80}?(?:['"]__\w|\w__['"]|\| ?attr ?\(|\bsecret_key\b|\.(?:getclass|subclasses|forname|getruntime|getmethod|newinstance|getdeclaredmethod|getprotectiondomain)\b|\b(?:lipsum|cycler|joiner)\b ?[.|\[])|` +
	`\{%[^%]{0,160}?__(?:class|mro|subclasses|globals|builtins|init|import|base|bases|dict)__|\{%-? ?(?:set \w+ ?= ?(?:cycler|joiner|lipsum|namespace|self|config|request|url_for|get_flashed_messages) ?(?:-?%|\.|\[|\|)|load log ?-?%\}|get_admin_log\b)|` +
	`\bapp\.request\.server\b|\| ?(?:filter|map|reduce|sort) ?\( ?['"](?:system|exec|passthru|shell_exec|popen|proc_open|assert|file_get_contents|file_put_contents)['"]|\{\{.{0,160}?['"](?:system|passthru|shell_exec|popen|proc_open)['"]|` +
	`\$\{ ?\.(?:now|version|data_model|globals|locals|main|namespace|vars|template_name|current_template_name|main_template_name|caller_template_name|locale|lang|output_encoding|get_optional_template|incompatible_improvements)\b|<#list \.(?:data_model|globals|vars|locals)\b|\$\{ ?["'][^"']{0,40}["'] ?\?[a-z_]+|\?(?:api|interpret|eval_json) ?[.(}]|\?eval ?[(}]|` +
	`#(?:if|foreach|elseif) ?\(.{0,200}?#end\b|#(?:evaluate|parse|define|macro|include) ?\( ?['"$]|\$!?\{? ?[a-z_]\w*(?:\.\w+)*\.getclass ?\(|` +
	`[$*]\{ ?#(?:ctx|vars|root|request|response|session|servletcontext|httpservletrequest|httpsession|execinfo|rt)\b|__[$*#@~]\{|\$\{ ?(?:applicationscope|sessionscope|requestscope|pagescope|initparam|headervalues|paramvalues)\b|` +
	`\{\{[^}]{0,60}\blookup\b[^}]{0,60}['"](?:constructor|__proto__|prototype|__definegetter__|__lookupgetter__)['"]|` +
	`\$\{ ?self\.(?:module|template|context|attr|cache|callable_|namespace|filename|uri)\b|\broot\.process\b|(?:^|[\s>(])@\(? ?system\.(?:diagnostics|io\.file|reflection|net\.webclient|environment|runtime)\b`)

// reSSTIGo: the Go template and Hugo/Sprig branch of reSSTILang, for
// values of one line: documentation of these functions is prose with
// examples over several lines.
var reSSTIGo = regexp.MustCompile(`\{\{-? ?(?:print|printf|println|html|js|urlquery)(?: (?:"[^"{}]*"|'[^'{}]*'|` + "`[^`{}]*`" + `|\d+))+ ?-?\}\}|` +
	`\{\{-? ?printf? "[^"]*" \.(?:(?:env|request|exec|os|cookies?|headers?|session|secrets?|config|context)\b[\w.]*)? ?-?\}\}|\{\{-? ?(?:os\.getenv|os\.readfile|os\.readdir|readfile|readdir|getenv|expandenv|env) ["'(]|` +
	`\{\{-? ?call \.\w|\{\{-? ?\.request\.(?:header|cookies?|body|form|postform|url|remoteaddr|tls)\b`)

// sstiEngineWords gate reSSTIEngine.
var sstiEngineWords = []string{"#if", "#foreach", "#elseif", "#evaluate", "#parse", "#define", "#macro", "#include", "getclass", "root.process", "@system.", "@(system.", "@( system.", "_self.env", "registerundefined", "filter(", "map(", "reduce(", "sort(", "{{config", "{{ config", "{{self", "{{ self", "{{request", "{{ request", "<#", "freemarker", "?new", "java.", "#set", "$class", "__", "{php}", "constructor", "forname", "getruntime", "{%"}

// arithmetic finds digit, operator, digit (spaces and quotes allowed):
// every expression probe reSSTIExpr knows has one.
func arithmetic(n string) bool {
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			continue
		}
		j := i + 1
		for j < len(n) && (n[j] == ' ' || n[j] == '\'' || n[j] == '"') {
			j++
		}
		if j < len(n) && strings.IndexByte("*+/%-", n[j]) >= 0 {
			j++
			for j < len(n) && (n[j] == ' ' || n[j] == '\'' || n[j] == '"' || n[j] == '-') {
				j++
			}
			if j < len(n) && n[j] >= '0' && n[j] <= '9' {
				return true
			}
		}
	}
	return false
}
