package filter

import (
	"regexp"
	"slices"
	"strings"
)

// Code-injection grammars of the server languages that reach code through
// a value: a Java class name handed to a deserializer or a reflection
// call, PHP function calls by name or through a variable, and Node.js
// code (the Function constructor, the process object, serialised
// functions, endless loops).

// javaPackages are the packages whose classes build the published
// deserialisation and expression-language chains: the JDK's process,
// I/O, reflection, network, RMI, bean, script, naming and management
// APIs, the JDK's and Sun's internal packages (by their sub-packages:
// sun.com.au is a host name), CORBA, the Commons, Groovy and Xalan
// libraries, and Spring's application contexts. java.util, java.time and
// java.math are not in it: their classes are the data types of ordinary
// configuration.
var javaPackages = []string{
	"java.lang.", "java.io.", "java.nio.", "java.net.", "java.rmi.", "java.beans.", "java.security.",
	"javax.script.", "javax.naming.", "javax.management.", "javax.el.", "javax.xml.transform.",
	"jdk.internal.", "jdk.jshell.", "jdk.nashorn.", "sun.misc.", "sun.reflect.", "sun.rmi.", "sun.net.", "sun.nio.", "sun.security.", "sun.tools.", "sun.print.", "com.sun.", "org.omg.", "org.apache.commons.", "org.apache.xalan.", "org.apache.xbean.",
	"org.codehaus.groovy.", "groovy.lang.", "bsh.", "org.springframework.context.support.",
	// The gadgets of polymorphic JSON binders (Jackson default typing,
	// Fastjson autoType): connection pools and JNDI lookups that a
	// class name alone makes the binder build
	// (["ch.qos.logback.core.db.DriverManagerConnectionSource", {…}]).
	"ch.qos.logback.core.db.", "com.zaxxer.hikari.", "com.mchange.v2.c3p0.", "org.apache.ibatis.datasource.", "org.apache.tomcat.dbcp.",
	"org.apache.shiro.jndi.", "org.apache.shiro.realm.jndi", "org.apache.openjpa.ee.", "org.apache.cxf.jaxrs.", "org.apache.aries.transaction.",
	"org.apache.log4j.receivers.", "org.hibernate.jmx.", "oracle.jdbc.connector.", "oracle.jdbc.rowset.", "br.com.anteros.", "net.sf.ehcache.transaction.",
	"org.jboss.util.", "weblogic.jms.", "com.caucho.config.",
}

// javaClassName reports a value that is only a fully qualified Java class
// or package name (at least three components) in one of javaPackages,
// optionally as an array or JVM descriptor (Ljava.lang.Runtime;, [B).
// Exception and error classes are left out: error reports carry their
// names (java.lang.NullPointerException) as data.
func javaClassName(n string) bool {
	if n[0] == ' ' || n[len(n)-1] == ' ' {
		n = strings.TrimSpace(n)
	}
	n = strings.TrimSuffix(n, "[]")
	if len(n) > 2 && n[0] == 'l' && n[len(n)-1] == ';' {
		n = n[1 : len(n)-1]
	}
	if len(n) < 9 || len(n) > 160 {
		return false
	}
	switch n[:3] {
	case "jav", "jdk", "sun", "com", "org", "gro", "bsh", "ch.", "br.", "ora", "net", "web":
	default:
		return false
	}
	pkg := false
	for _, p := range javaPackages {
		if strings.HasPrefix(n, p) || n == p[:len(p)-1] {
			pkg = true
			break
		}
	}
	if !pkg {
		return false
	}
	parts, start := 0, true
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c == '.':
			if start {
				return false
			}
			start = true
			parts++
		case c >= 'a' && c <= 'z' || c == '_' || c == '$':
			start = false
		case c >= '0' && c <= '9':
			if start {
				return false
			}
		default:
			return false
		}
	}
	if start || parts < 2 {
		return false
	}
	return !strings.HasSuffix(n, "exception") && !strings.HasSuffix(n, "error")
}

// javaExecAlias: "java." and a package path of any names, ending in the
// simple name of a process class (java.Runtime, java.ProcessBuilder,
// java.x.y.Runtime): the class a gadget chain or a reflection call asks
// for, written without its package or under a made-up one, as filters
// that match java.lang.Runtime are evaded. java.runtime.version (a
// system property) does not end in the class name.
func javaExecAlias(n string) bool {
	if len(n) < 12 || n[4] != '.' && n[0] != ' ' {
		return false
	}
	if n[0] == ' ' || n[len(n)-1] == ' ' {
		n = strings.TrimSpace(n)
	}
	if !strings.HasPrefix(n, "java.") || len(n) > 120 {
		return false
	}
	last := n[strings.LastIndexByte(n, '.')+1:]
	switch last {
	case "runtime", "processbuilder", "processimpl", "unixprocess":
	default:
		return false
	}
	for seg := range strings.SplitSeq(n[len("java."):len(n)-len(last)], ".") {
		for i := 0; i < len(seg); i++ {
			if c := seg[i]; !(c >= 'a' && c <= 'z' || c == '_' || c == '$' || i > 0 && c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

// reSpringRemoteContext: Spring's XML application contexts, named in full
// and handed a URL (…context.support.FileSystemXmlApplicationContext(
// 'http://…/x.xml'), ["org.springframework…ClassPathXmlApplicationContext",
// "http://…"]): the class that WebLogic's console, Jackson's and
// ActiveMQ's gadget chains use to load bean definitions, and the commands
// in them, from the attacker's server. Code that uses the class names a
// local file, not a URL.
var reSpringRemoteContext = regexp.MustCompile(`springframework\.context\.support\.(?:filesystem|classpath)xmlapplicationcontext ?["']? ?[(,] ?["']? ?(?:https?|ftps?|file|jar)://`)

// detectJavaName flags values and names that are a Java class name.
func detectJavaName(e *emitter, v *value) {
	if v.cls&cColon != 0 && v.cls&cSlash != 0 && strings.Contains(v.norm, "xmlapplicationcontext") && reSpringRemoteContext.MatchString(v.norm) {
		e.hit(rJavaClassName)
		return
	}
	if v.cls&cDot == 0 || v.cls&(cSlash|cColon|cEq|cLT|cQuote|cParen|cComma) != 0 {
		return
	}
	switch v.kind {
	case KindPath, KindUserAgent, KindFileName, KindBodyRaw:
		return
	}
	if c := v.norm[0]; c != 'j' && c != 's' && c != 'c' && c != 'o' && c != 'g' && c != 'b' && c != 'l' && c != 'n' && c != 'w' && c != ' ' {
		return
	}
	if javaClassName(v.norm) || javaExecAlias(v.norm) {
		e.hit(rJavaClassName)
	}
}

// PHP calls by name: functions that exist only in PHP (snake-case names
// no other language or prose writes before a parenthesis) and decode,
// evaluate, run or open something; chr() chains that spell a string; eval
// of a string literal or a variable (PHP and JavaScript alike); and
// variable functions, a call through a variable, array element or
// braced expression at the start of a statement ($f(1), $$g(2),
// $_[0](3), ${'a'}['b'](4)), after PHP's error-silencing assignment
// ($x=@$f(1)) or as a method or static call through a variable
// ($o->$m(), Foo::$m()): PHP's way of calling a function without naming it.
var (
	rePHPNamedCall = regexp.MustCompile(`\b(?:hex2bin|highlight_file|show_source|ini_set|array_filter_callback|posix_\w+|assert_options|unserialize|mb_ereg_replace) ?\(|(?:^|[^_])(?:` + phpGluedNames + `) ?(?:= ?)?\(|\bchr ?\( ?\d+ ?\) ?\. ?chr ?\(|\beval ?\( ?(?:["'\x60]|\$[a-z_])`)
	// A function called through a string: a quoted execution function
	// name, quoted strings joined by PHP's "." (a name split to hide it),
	// an array holding the name, or an execution function given a bare
	// command word ("system"('id'), ('sys'.'tem')('id'), [system][0]('ls'),
	// system(whoami)).
	rePHPStringCall = regexp.MustCompile(`["'](?:system|exec|passthru|shell_exec|popen|proc_open|pcntl_exec|assert|eval|phpinfo|create_function|call_user_func|base64_decode) *["'] ?\)? ?\(|["'][\w\\]{0,20}["'] ?\. ?["'][\w\\]{0,20}["'](?: ?\. ?["'][\w\\]{0,20}["'])* ?\)? ?\(|\[ ?["']?(?:system|exec|passthru|shell_exec|popen|assert|eval)["']? ?\] ?\)? ?\[ ?\d+ ?\] ?\}? ?\(|\( ?\$?[a-z_]\w{0,30} ?\) ?\( ?["'][^"']{0,40}["'] ?\) ?;|(?:^|[^\w.])(?:system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec)\( ?` + unixCmdStrong + `\b(?: [^)]{0,60})? ?\)`)
	rePHPVarCall    = regexp.MustCompile(`(?:(?:^|[;{}] ?)@?|= ?@|(?:->|::) ?)\$+(?:[a-z_]\w*| ?\{[^{}]{1,60}\})(?: ?(?:\[(?:[^\[\]]|\[[^\[\]]{0,20}\]){0,40}\]|\{[^{}]{1,40}\}))* ?\(`)
	// A statement calling a parenthesised expression that builds the
	// function name: bare words (PHP reads an undefined constant as its
	// name), quoted strings and parenthesised pieces joined by "." with
	// at least one piece quoted or parenthesised ((sy.(st).em)('id');), or
	// a word or an array literal indexed by numbers inside or after the
	// parentheses ((z)[0][0]('id');, ([system][0]){0}(ls);). The
	// arguments hold no parenthesis and the statement ends with ";".
	rePHPExprCall = regexp.MustCompile(`(?:^|[;{}] ?)\( ?(?:(?:` + phpPiece + ` ?\. ?)+` + phpSpecial + `(?: ?\. ?` + phpPiece + `)*|` + phpSpecial + `(?: ?\. ?` + phpPiece + `)+|(?:[a-z_]\w*|\[ ?` + phpPiece + `(?: ?\. ?` + phpPiece + `)* ?\]|\[ ?\[ ?` + phpPiece + `(?: ?\. ?` + phpPiece + `)* ?\] ?\])(?: ?` + phpIndex + `)*) ?\)(?: ?` + phpIndex + `)* ?\( ?[^()]{0,60}\) ?;`)
)

// Pieces of rePHPExprCall: a word, a short quoted string or either in
// parentheses; an index by number.
const (
	phpSpecial = `(?:'[\w\\]{0,20}'|"[\w\\]{0,20}"|\( ?(?:\w{1,20}|'[\w\\]{0,20}'|"[\w\\]{0,20}") ?\))`
	phpPiece   = `(?:\w{1,20}|` + phpSpecial + `)`
	phpIndex   = `(?:\[ ?\d{1,3} ?\]|\{ ?\d{1,3} ?\})`
)

// callAfterClose: n has "(" right after ")", "]" or "}" (one space
// allowed): an argument list applied to an expression, which every match
// of rePHPExprCall holds. A browser's User-Agent or Accept header has
// none.
func callAfterClose(n string) bool {
	for i := 1; i < len(n); i++ {
		if n[i] != '(' {
			continue
		}
		j := i - 1
		if n[j] == ' ' && j > 0 {
			j--
		}
		if c := n[j]; c == ')' || c == ']' || c == '}' {
			return true
		}
	}
	return false
}

// angularServices are AngularJS's built-in services and scope methods: a
// value starting "$timeout(" or "$http(" is front-end code, not a PHP
// variable function.
var angularServices = []string{"$timeout", "$interval", "$http", "$q", "$apply", "$applyasync", "$watch", "$watchcollection", "$watchgroup", "$emit", "$broadcast", "$on", "$digest", "$evalasync", "$destroy", "$new", "$compile", "$parse", "$filter", "$log", "$injector", "$sce", "$resource", "$animate", "$scope", "$rootscope", "$element", "$attrs", "$state", "$translate",
	// Vue's instance methods.
	"$nexttick", "$forceupdate", "$set", "$delete", "$off", "$once", "$mount"}

// vueI18nHelpers are vue-i18n's translation and formatting functions
// ({{ $t('nav.home') }}). Their names are as short as a webshell's
// variable, so they count as front-end code inside a {{ … }}
// interpolation only, where PHP code does not stand.
var vueI18nHelpers = []string{"$t", "$tc", "$te", "$tm", "$rt", "$d", "$n"}

// inInterpolation reports whether offset i of n is inside a {{ … }}.
func inInterpolation(n string, i int) bool {
	open := strings.LastIndex(n[:i], "{{")
	return open >= 0 && strings.LastIndex(n[:i], "}}") < open && strings.Contains(n[i:], "}}")
}

// phpVarCall reports a match of rePHPVarCall in n that is not front-end
// code or prose: an AngularJS service call ($timeout(fn)), or a simple
// variable, a space and words in parentheses ($price (USD), ${total}
// (incl. VAT)), which is an amount and its unit.
func phpVarCall(n string) bool {
	if !phpVarCallAnchor(n) {
		return false
	}
	for _, m := range rePHPVarCall.FindAllStringIndex(n, 4) {
		callee := strings.TrimLeft(n[m[0]:m[1]-1], ";{}=@ ")
		callee = strings.TrimRight(callee, " ")
		if slices.Contains(angularServices, callee) || slices.Contains(vueI18nHelpers, callee) && inInterpolation(n, m[0]+strings.IndexByte(n[m[0]:m[1]], '$')) {
			continue
		}
		if n[m[1]-2] == ' ' && simpleVar(callee) && proseArgs(n[m[1]:]) {
			continue
		}
		return true
	}
	return false
}

// phpVarCallAnchor: a '$' where rePHPVarCall can start one, at the start
// or after ';', '{', '}', '=' or '@' (one space between), or after "->" or
// "::". The regexp's bounded repetitions make it slow on a long value;
// this scan spares it the values (GraphQL documents and their $variables)
// where no '$' stands there.
func phpVarCallAnchor(n string) bool {
	for i := strings.IndexByte(n, '$'); i >= 0; {
		j := i
		if j > 0 && n[j-1] == '@' {
			j--
		}
		if j > 0 && n[j-1] == ' ' {
			j--
		}
		if j == 0 {
			return true
		}
		switch n[j-1] {
		case ';', '{', '}', '=', '@':
			return true
		case '>', ':':
			if j >= 2 && (n[j-2] == '-' || n[j-2] == ':') {
				return true // -> or ::
			}
		}
		k := strings.IndexByte(n[i+1:], '$')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return false
}

// phpStringCallWords: the execution functions rePHPStringCall names.
var phpStringCallWords = []string{"system", "exec", "passthru", "popen", "proc_open", "assert", "eval", "phpinfo", "create_function", "call_user_func", "base64_decode"}

// phpStringCallShape: n has what one of rePHPStringCall's branches needs:
// an execution function's name, quoted strings joined by '.' ('sys'.'tem')
// or a call of a call's result ("(…)(").
func phpStringCallShape(n string) bool {
	return containsAny(n, phpStringCallWords...) || strings.Contains(n, ")(") || strings.Contains(n, ") (") || quoteDotQuote(n)
}

// quoteDotQuote: a quote, '.', a quote, a space allowed on either side of
// the '.'.
func quoteDotQuote(n string) bool {
	for i := strings.IndexByte(n, '.'); i >= 0; {
		a, b := i-1, i+1
		if a >= 0 && n[a] == ' ' {
			a--
		}
		if b < len(n) && n[b] == ' ' {
			b++
		}
		if a >= 0 && b < len(n) && (n[a] == '\'' || n[a] == '"') && (n[b] == '\'' || n[b] == '"') {
			return true
		}
		k := strings.IndexByte(n[i+1:], '.')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return false
}

// simpleVar: $name or ${name} (also "$ {name}").
func simpleVar(c string) bool {
	if len(c) < 2 || c[0] != '$' {
		return false
	}
	c = strings.TrimPrefix(c[1:], " ")
	if c[0] == '{' && c[len(c)-1] == '}' {
		c = c[1 : len(c)-1]
	}
	for i := 0; i < len(c); i++ {
		if !isWordByte(c[i]) {
			return false
		}
	}
	return c != ""
}

// proseArgs: what follows "(" up to ")" is words (letters, spaces, ".",
// ",", "/", "-", "%"), not empty and not code.
func proseArgs(r string) bool {
	end := strings.IndexByte(r, ')')
	if end <= 0 {
		return false
	}
	letters := false
	for i := 0; i < end; i++ {
		switch c := r[i]; {
		case c >= 'a' && c <= 'z':
			letters = true
		case c == ' ' || c == '.' || c == ',' || c == '/' || c == '-' || c == '%' || c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return letters
}

// phpUncomment appends s to dst lower-cased with PHP's comments (/* … */,
// // and # to the end of the line) replaced by a space and every run of
// whitespace folded to one space; quoted strings are copied as they are.
// It shows a call whose name, subscripts and parenthesis are spread over
// comments and line breaks ($f #x\n[1] //y\n (2)) as the plain call.
func phpUncomment(dst []byte, s string) []byte {
	space := func() {
		if len(dst) > 0 && dst[len(dst)-1] != ' ' {
			dst = append(dst, ' ')
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			end := len(s)
			if j := strings.IndexByte(s[i+1:], c); j >= 0 {
				end = i + j + 2
			}
			for k := i; k < end; k++ {
				b := s[k]
				if b >= 'A' && b <= 'Z' {
					b |= 0x20
				}
				dst = append(dst, b)
			}
			i = end - 1
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return dst
			}
			space()
			i += end + 3
		case c == '#' || c == '/' && i+1 < len(s) && s[i+1] == '/':
			end := strings.IndexAny(s[i:], "\r\n")
			if end < 0 {
				return dst
			}
			space()
			i += end - 1
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			space()
		default:
			if c >= 'A' && c <= 'Z' {
				c |= 0x20
			}
			dst = append(dst, c)
		}
	}
	return dst
}

// phpGluedNames are the PHP-only functions of rePHPNamedCall whose names
// no English word ends in: they count glued to a word in front
// (FOOcall_user_func(), xgzinflate()), the way an evasion pads a name
// past a word-boundary check, and with "=" before the parenthesis
// (shell_exec=(…)), the shape of a call whose argument list was written
// as an assignment.
const phpGluedNames = `call_user_func(?:_array)?|create_function|gzinflate|gzuncompress|gzdecode|bzdecompress|zlib_decode|base64_decode|str_rot13|convert_uudecode|fsockopen|stream_socket_client|shell_exec|pcntl_exec|proc_open|php_uname|phpinfo|file_get_contents|file_put_contents|get_defined_vars|move_uploaded_file|preg_replace_callback|register_shutdown_function`

// phpCallWords gate rePHPNamedCall (keyword group kwPHPCall): for each
// alternative a part that every match contains, chosen to start with a
// byte pair that ordinary text rarely has (the keyword scan tests each
// pair it meets).
var phpCallWords = []string{"base64_", "gzinflate", "gzuncompress", "gzdecode", "bzdecompress", "zlib_", "_rot13", "uudecode", "x2bin", "kopen", "m_socket", "l_user_", "e_function", "r_shutdown", "c_open", "l_exec", "pcntl_", "phpinfo", "p_uname", "posix_", "e_get_", "e_put_", "t_file", "w_source", "t_defined", "i_set", "e_uploaded", "_callback", "t_options", "nserialize", "mb_ereg", "chr(", "chr (", "eval(", "eval ("}

// detectPHPCall flags the calls above.
func detectPHPCall(e *emitter, v *value) {
	if v.cls&cParen == 0 {
		return
	}
	if v.kw&kwPHPCall != 0 && rePHPNamedCall.MatchString(v.norm) {
		e.hit(rRCECode)
		return
	}
	if v.cls&cDollar != 0 {
		if phpVarCall(v.norm) {
			e.hit(rRCECode)
			return
		}
		if v.cls&(cHash|cStar|cSlash) != 0 && (v.cls&cHash != 0 || strings.Contains(v.dec, "/*") || strings.Contains(v.dec, "//")) {
			// On dec: norm has dropped the /* */ comments but not the
			// others, and folded the line breaks that end them.
			b := phpUncomment(v.sc.aux[:0], v.dec)
			v.sc.aux = b
			if phpVarCall(bstr(b)) {
				e.hit(rRCECode)
				return
			}
		}
	}
	if v.cls&cSemi != 0 && v.cls&(cDot|cBracket|cBrace) != 0 && callAfterClose(v.norm) && rePHPExprCall.MatchString(v.norm) {
		e.hit(rRCECode)
		return
	}
	if (v.cls&(cQuote|cBracket) != 0 || v.kw&kwCode != 0) && phpStringCallShape(v.norm) && rePHPStringCall.MatchString(v.norm) {
		e.hit(rRCECode)
	}
}

// Node.js code: the Function constructor (new Function(…), Function('…')),
// the process object reached by a bracket or probed at the start of a
// value, the module system, the markers that function-serialising
// libraries put in front of a serialised function (node-serialize,
// funcster), and a loop whose condition is a constant (while(!0),
// while(Infinity)): the denial of service of an evaluated value.
var (
	reNodeCode = regexp.MustCompile(`\bnew function ?\(|(?:^|[^\w.])function\( ?["'\x60]|\bprocess\[ ?(?:["'\x60]|[a-z_]\w*\.|mainmodule\b|binding\b)|^ ?console ?\. ?(?:log|info|warn|error|debug|dir|trace|table) ?\([^()]{0,60}\) ?;?$|^ ?process ?\. ?(?:env|argv|binding|dlopen|kill|exit|chdir|cwd|getuid|setuid|memoryusage|version)(?:$|[\[.;)]| ?[=+])|\bprocess ?\. ?(?:binding|dlopen)\b|^ ?module ?\. ?exports ?=|^ ?(?:global|globalthis) ?\. ?process\b|^ ?console ?(?:\[ ?["'\x60]|\. ?\w+ ?\. ?(?:call|apply|bind) ?\()|__js_function|_\$\$nd_func\$\$_|\bconstructor ?\. ?constructor\b|\bconstructor:constructor\b|\bconstructor ?\[ ?["'\x60]constructor|\brequire\[|^ ?(?:while ?\( ?(?:!+ ?[-+]? ?(?:0|false|""|''|\x60\x60|\[ ?\]|\{ ?\}|null|undefined|nan)|true|[-+]? ?infinity|[-+]? ?[1-9]\d*|!+ ?\w+ ?\( ?\)|\( ?true ?\)|this|new [a-z]+|string|number|object|array|boolean|date|math|json) ?\)+ ?(?:;|\{|$)|for ?\( ?; ?; ?\))`)
)

// nodeWords gate reNodeCode (keyword group kwNode), chosen like
// phpCallWords.
var nodeWords = []string{"nction", "ocess", "dule", "obal", "nsole", "__js_", "_$$nd", "nstructor", "equire", "while(", "while (", "for(", "for ("}

// detectNodeCode flags the Node.js code above.
func detectNodeCode(e *emitter, v *value) {
	if v.kw&kwNode == 0 || v.cls&(cParen|cBracket|cDot|cDollar|cEq) == 0 && !strings.Contains(v.norm, "__js_function") {
		return
	}
	if reNodeCode.MatchString(v.norm) {
		e.hit(rNodeCode)
	}
}

// utf7Markup reports markup written in UTF-7 ("+ADw-script+AD4-": +ADw- is
// "<"), which a page served or sniffed as UTF-7 turns back into a tag: a
// '<' encoded so, followed by a tag name, '/' or '!'.
func utf7Markup(d string) bool {
	for i := 0; i+5 < len(d); i++ {
		if d[i] != '+' || d[i+1]|0x20 != 'a' || d[i+2]|0x20 != 'd' || d[i+3]|0x20 != 'w' || d[i+4] != '-' {
			continue
		}
		if c := d[i+5] | 0x20; c >= 'a' && c <= 'z' || d[i+5] == '/' || d[i+5] == '!' {
			return true
		}
	}
	return false
}

// detectUTF7Markup flags UTF-7 markup in any value.
func detectUTF7Markup(e *emitter, v *value) {
	if v.cls&cPlus != 0 && v.cls&cDash != 0 && utf7Markup(v.dec) {
		e.hit(rXSSElement)
	}
}

// reShellVar: the shell reached through a variable ($SHELL -c …, ${BASH}
// -c …) or a command substitution inside a parameter expansion (${`id`}).
var reShellVar = regexp.MustCompile(`(?:^|[;|&\n(] ?)\$\{? ?(?:shell|bash)\b ?\}? +-c\b|\$\{ ?\x60`)

// detectShellVar flags the shapes of reShellVar.
func detectShellVar(e *emitter, v *value) {
	if v.cls&cDollar != 0 && (v.cls&cBacktick != 0 || strings.Contains(v.norm, "-c")) && reShellVar.MatchString(v.norm) {
		e.hit(rRCECommandLine)
	}
}
