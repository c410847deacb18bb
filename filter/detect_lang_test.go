package filter

import (
	"strings"
	"testing"
)

// langCase is one value for the language grammars of detect_lang.go and
// the rules that share their tables.
type langCase struct {
	kind  Kind
	name  string
	value string
	rule  string // "" for a benign look-alike (must not reach the threshold)
}

// langAttacks are built from each grammar's interchangeable parts; the
// benign ones share their words and symbols.
func langCases() []langCase {
	var out []langCase
	// An upload named like a file that controls the server or holds a
	// credential.
	for _, c := range []string{".boto", "web.config", "authorized_keys", "../.ssh/authorized_keys", ".bashrc", "id_ed25519"} {
		out = append(out, langCase{KindFileName, "file", c, "path-sensitive-file"}, langCase{KindHeaderValue, "X-File-Name", c, "path-sensitive-file"})
	}
	for _, b := range []string{"settings.py", "docker-compose.yml", "credentials.json", "id_rsa.pub", "bashrc.txt", "web.config.example"} {
		out = append(out, langCase{KindFileName, "file", b, ""}, langCase{KindHeaderValue, "X-File-Name", b, ""})
	}
	// A relative traversal to a file of secrets or source, as a parameter
	// value; relative links, code and prose that quote such a path pass.
	for _, c := range []string{"../.env", "../../.env.production", `..\web.config`, "../.aws/credentials", "../../app/.git/config", "..;/.htpasswd", "../../../.ssh/id_ed25519", "./../.history"} {
		out = append(out, langCase{KindQueryValue, "file", c, "lfi-sensitive-file"}, langCase{KindBodyValue, "path", c, "lfi-sensitive-file"})
	}
	for _, b := range []string{"../images/logo.png", "../account", "../.well-known/openid-configuration", "require('../.env')", "copy ../.env.example to .env", "../docs/environment.md", "../envoy/config.yaml"} {
		out = append(out, langCase{KindQueryValue, "file", b, ""}, langCase{KindBodyValue, "path", b, ""})
	}
	// Java class names as a whole value, key or cookie, in the JDK's
	// sensitive packages, with and without descriptors.
	for _, c := range []string{"java.lang.Runtime", "java.io.FileOutputStream", "java.lang.reflect.Method", "java.net.URLClassLoader", "javax.naming.InitialContext",
		"com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl", "org.apache.commons.beanutils.BeanComparator", "sun.misc.Unsafe", "org.omg.CORBA.ORB", "org.apache.commons", "Ljava.lang.ProcessBuilder;", "java.lang.Class[]"} {
		out = append(out, langCase{KindQueryValue, "type", c, "java-class-name"}, langCase{KindBodyName, "", c, "java-class-name"}, langCase{KindCookieValue, "t", c, "java-class-name"})
	}
	for _, b := range []string{"java.lang.NullPointerException", "java.io.IOException", "java.lang.OutOfMemoryError", "java.util.HashMap", "java.time.Instant",
		"at java.lang.Thread.run(Thread.java:750)", "Install java.io tools", "com.example.app", "org.apache.kafka.common.serialization.StringSerializer", "java.com", "sun.com.au"} {
		out = append(out, langCase{KindBodyValue, "exception", b, ""}, langCase{KindQueryValue, "q", b, ""})
	}
	// PHP: functions that exist only in PHP, called; variable functions;
	// calls through strings.
	for _, f := range []string{"base64_decode", "gzinflate", "str_rot13", "fsockopen", "call_user_func", "shell_exec", "file_get_contents", "unserialize"} {
		for _, args := range []string{"()", "($x)", " ('abc')", "(\"x\", 1)"} {
			out = append(out, langCase{KindQueryValue, "q", f + args, "rce-code-injection"})
		}
	}
	for _, p := range []string{"$x=@$f(22)", "$foo->$funcname()", "Foo::$variable()", "$a(1)", "$$b(2)", "$_[0]('id')", "$__[$_[1]](7)", "${'a'}['b'](4)", "$OOO000000{0}(15)", "1;$f($_GET[1])", "chr(112).chr(104)",
		`"system"('id');`, `('sys'.'tem')('id')`, `"sy"."st"."em" ('id')`, "[system][0]('ls')", "system(whoami)", "exec(id)", "eval($foo)", `eval("echo 1;");`, "eval('2 + 2')", "eval(`x`)", "($y)('uname');", "(x) ('uname');", "(string){[system][0]}('uname');", "passthru(cat /etc/hosts)", "<? php echo 1;", "<?\tphp echo 1;"} {
		out = append(out, langCase{KindQueryValue, "q", p, "rce-code-injection"}, langCase{KindBodyValue, "code", p, "rce-code-injection"})
	}
	for _, b := range []string{"$(document).ready(init)", "$.ajax({url: '/x'})", "price $5 (incl. tax)", "$a{}()", "Costs $10 (approx)", "the system (whoami) command", "decode with base64_decode in php",
		"stmt.exec(id)", "re.exec(host)", `He said "yes". Then left (quietly)`, "use str_rot13 to encode", "$var = 1;", "total: $sum", "The Fast (2019)", "x = $timeout(fn, 10)", "$scope.load = $http(cfg)"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// PHP: PHP-only names glued to a word or with "=" before "(";
	// parenthesised callees built by concatenation or indexing; variable
	// functions with comments and line breaks before "(".
	for _, f := range []string{"xyzcall_user_func", "ABCgzInFlAtE", "Qfsockopen", "zzshell_exec", "Tbase64_decode", "proc_open", "ZLIB_DECODE", "file_get_contents"} {
		for _, args := range []string{"()", "('x')", "=($y)", " = (1)"} {
			out = append(out, langCase{KindQueryValue, "q", f + args, "rce-code-injection"}, langCase{KindBodyValue, "v", f + args, "rce-code-injection"})
		}
	}
	for _, p := range []string{"(pa.(ss).thru)('id');", "(ex.'ec')(whoami);", `("sys".te.m)("ls");`, "define('k', [['ex' .'ec']]);(k)[0][0]('id');", "(k)[1]('ls');", "( [ exec ][ 0 ]) {0} ( id );",
		"([system][0]){/* x */0}(ls);", "(f){0}('ls');", "$_x #c\r\n[2]//d\r\n['k'] /*e*/ (9)", "$fn //note\n()", "$f\n#c\n('id')", "$ {@_.__}(31);", "${ x }('id');", "$ {'a'.'b'}(1);"} {
		out = append(out, langCase{KindQueryValue, "q", p, "rce-code-injection"}, langCase{KindBodyValue, "code", p, "rce-code-injection"})
	}
	for _, b := range []string{"$price (USD)", "$total (incl. VAT)", "${amount} (approx.)", "$timeout(fn)", "$http(config).then(done)", "$scope.$apply()", "$(document).ready(init)",
		"(see above) ('quoted');", "(a.b)('c')", "(console.log)('x');", "(Smith)[1](2019)", "(fig.2)[a](b)", "mini_set(3)", "slideshow_source(1)", "(e.g.) ('x')", "$a # comment\nb(1)",
		"Use #hashtags (like this)", "// $x\n(note)", "$10 (approx) // see #3"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// Node.js.
	for _, p := range []string{"new Function('return process')()", "Function(\"return this\")()", "process['env']", "process[req.query.a]", "process.env", "process.env.SECRET",
		"module.exports=1", "global.process.mainModule", "console['log'](1)", "console.info.call(this,1)", "this.constructor.constructor('return 1')()", "$3:constructor:constructor",
		"require[req.query.a]", "_$$ND_FUNC$$_function(){}", "__js_function", "while(!0);", "while(true){}", "while(Infinity)", "while(-1);", "for(;;){}"} {
		out = append(out, langCase{KindQueryValue, "q", p, "node-code-injection"})
	}
	for _, b := range []string{"process.env in react", "How to use module.exports", "the process [see below]", "We require [insert name]", "while (you wait) we work", "for (each) item",
		"function (apply) please", "console.log in production", "function (`add`) which appends", "Constructor: constructor, Destructor: d", "Process the order, then ship", "node process manager"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// SQL casts without a gate keyword; :: paths of other languages.
	for _, p := range []string{"password::int", "starts_with(password,'a')::int", "unistr(password)::int", "function(foo)::text", "version()::double precision"} {
		out = append(out, langCase{KindQueryValue, "id", p, "sqli-fragment"})
	}
	for _, b := range []string{"crate::text::Span", "std::string", "Foo::Bar", "10:30::45", "a::b"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""})
	}
	// Loopback aliases in fetch-like parameters.
	for _, h := range []string{"localhost.localdomain", "localhost4", "ip6-loopback", "lvh.me", "app.lvh.me", "localhost6.localdomain6"} {
		out = append(out, langCase{KindQueryValue, "url", "http://" + h + "/admin", "ssrf-internal-target"}, langCase{KindQueryValue, "url", h + "/", "ssrf-internal-target"})
	}
	// PHP session files as upload names.
	for _, f := range []string{"sess_d8ew88tqmabdcokhumchy8htqm", "/tmp/sess_abc123def456ghi789jkl", "C:\\temp\\sess_malicious12345678901"} {
		out = append(out, langCase{KindFileName, "file", f, "upload-script-file"}, langCase{KindHeaderValue, "X-Filename", f, "upload-script-file"})
	}
	for _, b := range []string{"session_notes.txt", "sess_1.png", "sess_summary_2024.pdf"} {
		out = append(out, langCase{KindFileName, "file", b, ""})
	}
	// Shell: a first token broken out of, then any program with an
	// option; cd into a system directory then a command; bracket globs
	// under system directories.
	for _, sep := range []string{";", "|", "&&", "||", "127.0.0.1;", "1|"} {
		for _, cmd := range []string{"flock -u / whoami", "cpulimit -l 100 -f whoami", "perf --version", "ansible all -m ping", "lastlog -u root", "gdb -nx -ex quit"} {
			out = append(out, langCase{KindQueryValue, "q", sep + cmd, "rce-unix-command"}, langCase{KindBodyValue, "code", sep + " " + cmd, "rce-unix-command"})
		}
	}
	for _, p := range []string{"cd /;cd etc;column passwd", "cd /tmp && ./x", "cd ../..;ls", "cd ~ | sh"} {
		out = append(out, langCase{KindQueryValue, "q", p, "rce-command-line"})
	}
	for _, p := range []string{"/etc/pas[s]wd", "/etc/[p]asswd", "/etc/[!q]asswd", "/usr/bin/[u]name -a", "cat /[e//]tc/[p//]asswd", "/usr/[a-z]in/bash", ";cat /etc/sha[d]ow"} {
		out = append(out, langCase{KindQueryValue, "file", p, "rce-command-line"})
	}
	for _, b := range []string{"Pros; cons -- see below", "sudo apt-get update && sudo apt-get install -y nginx", "Monday; Tuesday - Friday", "a|b -c", "red;green;blue -ish",
		"See /etc/nginx/[name].conf for details", "cd into the folder; then run it", "Use /usr/bin/[tool] as shown", "/etc/[name]/config", "x;y -z", "cat > /etc/bash_completion.d/%[1]s", "cd /app and run make", "en-US,en;q=0.9", "tags: a; b; c"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	for _, p := range []string{"$SHELL -c \"echo hi\"", "${SHELL} -c id", ";$BASH -c id", "${`id`}"} {
		out = append(out, langCase{KindQueryValue, "code", p, "rce-command-line"})
	}
	for _, b := range []string{"Set $SHELL to zsh", "costs ${price} -c", "(see above) ('quoted');", "(a)('b')", "echo $SHELL", "I graduated from program 'Data Science'", "the eval (evaluation) phase", "medieval('x')", "retrieval(\"x\")"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// cmd.exe batch: FOR with switches, a loop variable, IN (…) DO; IF
	// with /i (spaced or glued), NOT, and operands in matching brackets.
	for _, p := range []string{`for /f "tokens=2 delims=:" %%a in (report.log) do set v=%%a`, `FOR /F "tokens=1,2* delims=," %% IN (C:\data\list.txt) DO ECHO %%`,
		"for /d %%d in (*) do rd /s /q %%d", "for /l %n in (1,1,9) do ping -n 1 10.0.0.%n", `for /r C:\ %%f in (*.ini) do type %%f`,
		"if (%2)==(run) start calc", "IF (BB) == (BB) echo ok", "if not {%3} == {}", "if [%1]==[] goto usage", `if/i %x%==yes del c:\tmp\x`, "if /i q==q dir", "IF X%1==X/? GOTO help", `if "%~1"=="" exit /b`} {
		out = append(out, langCase{KindQueryValue, "cmd", p, "rce-command-line"}, langCase{KindBodyValue, "cmd", p, "rce-command-line"})
	}
	for _, b := range []string{"if you want (this) == that", "for the record in (brackets) do this", "if (this) == that do it", "if {a} == {b}", "if (x) == (y)",
		"for all users in (group A) do review", "For /f see the docs", "if a == b, fine", "if/when needed", "for 100% in (stock) do call"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// MongoDB operators: the wider query, update and stage vocabulary as
	// a key or name; a bracketed operator as or at the start of a value.
	for _, op := range []string{"$text", "$mod", "$size", "$geoWithin", "$nearSphere", "$bitsAnySet", "$inc", "$rename", "$addToSet", "$push", "$unionWith", "$out"} {
		out = append(out, langCase{KindBodyName, "", op, "nosql-operator"}, langCase{KindQueryName, "", "user[" + op + "]", "nosql-operator"},
			langCase{KindBodyValue, "filter", `{"` + op + `": {"x": 1}}`, "nosql-operator"})
	}
	for _, p := range []string{"[$lte]asdf", "[$ne]1", "u_id[$ne]", "user[name][$regex]", "pass[$gt]=", "[$where]sleep(1)"} {
		out = append(out, langCase{KindQueryValue, "q", p, "nosql-operator"}, langCase{KindBodyValue, "a@probe", p, "nosql-operator"})
	}
	for _, b := range []string{"$search", "$filter", "$select", "$count", "$top", "$set", "$unset", "$comment", "$oid", "$date", "$textual", "$pops"} {
		out = append(out, langCase{KindQueryName, "", b, ""}, langCase{KindBodyName, "", b, ""})
	}
	for _, b := range []string{`{"$set": {"plan": "pro"}, "$distinct_id": "u1"}`, `{"$schema": "http://json-schema.org/draft-07/schema#", "$comment": "x"}`, "Price [$USD]", "see [$5] deal", "mongodb $text operator", "[$] dollar", "tags[$]"} {
		out = append(out, langCase{KindBodyValue, "doc", b, ""}, langCase{KindQueryValue, "q", b, ""})
	}
	// Bash history expansion as the whole value; brace expansion whose
	// alternative is a globbed system path.
	for _, p := range []string{"!-1!-2", "!-3", "!!:p", "!!:s/ls/id/", "!-2:gs/a/b/", "!1!2", "!5:0-2", "!!!$", "!-1 !-2", "!$:h"} {
		out = append(out, langCase{KindQueryValue, "rce", p, "rce-command-line"}, langCase{KindBodyValue, "a@probe", p, "rce-command-line"})
	}
	for _, p := range []string{"{/?s?/?i?/c?t,}", "{,/?s?/b??/id}", "{/e?c/p?ss??,x}", "{/u?r/b?n/w?oami,}"} {
		out = append(out, langCase{KindQueryValue, "x", p, "rce-command-line"})
	}
	for _, b := range []string{"!!", "!!!!", "!1", "!$", "!important", "!! great", "!!! wow !!!", "!x", "!-", "!:", "{a,}", "{/list*,path}", "{?x,y}", "{count,plural}", "!1 is not 2"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// Perl's @{[ … ]} code interpolation, closed, cut off or followed by
	// text.
	for _, p := range []string{"@{[system 'id']}", "@{[system 'id']", "@{[ `id` ]}x", "@{[test][test2]}", "Hi @{[ qx(uname) ]} there", "@{[print 1]}"} {
		out = append(out, langCase{KindQueryValue, "x", p, "rce-code-injection"}, langCase{KindBodyValue, "x", p, "rce-code-injection"})
	}
	for _, b := range []string{"mail me @{domain}", "@{user}", "@[mention] thanks", "@{ }", "@{[ ]}", "@{[]}", "cc @team [urgent]"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// JavaScript without tags: a whole value that is one JSFuck
	// expression (+ written as + or as a form-decoded space); one
	// assignment to a DOM property through a browser global.
	for _, p := range []string{"!![]", "+!![]", " !![]", "+[]+[]", "(![]+[])[+[]]", "[][(![]+[])[+[]]]", "[][(![] [])[ []]] ([![]] [][[]])[ ! [] [ []]]", "!+[]+!+[]", "[[]][+[]]+!![]"} {
		out = append(out, langCase{KindQueryValue, "a", p, "xss-js-expression"}, langCase{KindBodyValue, "a", p, "xss-js-expression"})
	}
	for _, p := range []string{`document.querySelector("p").textContent="XSS"`, "document.body.innerHTML='<b>x</b>'", "window.frames[0].location.href='//evil.example'", "document.getElementById('x').outerHTML +='y'",
		"top.document.cookie=1", "document.body.innerHTML=name;", "document.body.innerHTML=atob('PGI+');", `document.body.innerHTML = "<img src=x onerror=alert(1)>";`, "document.forms[0].action='//evil.example/'", "self.document.images[0].src = 'x'"} {
		out = append(out, langCase{KindQueryValue, "foo", p, "xss-js-expression"}, langCase{KindBodyValue, "foo", p, "xss-js-expression"})
	}
	for _, b := range []string{"![]()", "[ ] [ ]", "[] []", "[]", "()", "+[]", "!!", "[x]!!", "( ! )", "[[]]", "((()))", "!(a)",
		"document.title = My page", `document.getElementById("demo").innerHTML = "Hello JavaScript!";`, "document.body.textContent = 'Saved';", "document.body.textContent == x", "Set document.cookie = in the console", "the document.querySelector(p).innerHTML property", "self.href=x"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// URLs: a special scheme without its slashes to an internal host, in
	// any parameter; a whole data: URL of a text or code type (PHP's data
	// wrapper reads it without "//").
	for _, p := range []string{"http:127.0.0.1", "https:/10.0.0.5/admin", "http:localhost:8080/", "ftp:192.168.1.1", "ws:[::1]:9000", "https:metadata.svc/x"} {
		out = append(out, langCase{KindQueryValue, "ssrf", p, "ssrf-internal-target"}, langCase{KindBodyValue, "q", p, "ssrf-internal-target"}, langCase{KindCookieValue, "next", p, "ssrf-internal-target"})
	}
	for _, b := range []string{"http:80", "https:443", "http:example.com", "http: localhost", "http:", "https:www.example.org/page", "ftp:files.example.com", "news:10.0.0.1", "wss:", "http:0xA9.0xFE.0xA9"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	for _, p := range []string{"data:text/plain;base64,SSBsb3ZlIFBIUAo=", "data:text/plain", "data:;base64,PD9waHA=", "data:text/html;charset=utf-8;base64,aGk=", "data:application/x-httpd-php;base64,PD8=", "data:image/svg+xml;base64,PHN2Zz4=", "DATA:Text/Plain;Base64,eA==", "data:text/x-php"} {
		out = append(out, langCase{KindQueryValue, "ssrf", p, "lfi-stream-wrapper"}, langCase{KindBodyValue, "a@probe", p, "lfi-stream-wrapper"}, langCase{KindBodyName, "", p, "lfi-stream-wrapper"})
	}
	for _, b := range []string{"data:image/png;base64,iVBORw0KGgo=", "data:application/pdf;base64,JVBERi0=", "data:font/woff2;base64,d09GMgAB", "data:audio/mpeg;base64,SUQz", "data: 5", "data:", "data:,",
		"metadata:text/plain", "data:text", "data:text/plain; see below", "data:text/csv;base64,YSxi", "the data:text/plain form", "data:application/json,{}", "data:text/plain,Stuff", "data:,#x", "data:;base64,"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// PostgreSQL file and large-object access.
	for _, p := range []string{"lo_import('/etc/passwd')", "1;select lo_get(16400)", "pg_read_file('/etc/passwd')", "';copy t from program 'id'--"} {
		out = append(out, langCase{KindQueryValue, "id", p, "sqli-function"})
	}
	// SQL: quote, boolean, function call, comment; JSON operators.
	for _, p := range []string{"a@b.c' or sqlite_compileoption_used(id)--", "x' and not version() #", "1\" or pg_sleep(5)--",
		`OR '{"b":2}'::jsonb < '{"a":1, "b":2}'::jsonb`, `OR '{"a":2,"c":[4,5,{"f":7}]}' -> '$.c[2].f' = 7`, `or json_extract('{"id": 14}', '$.id') = 14`,
		`OR '[1,2]' ? '1'`, "select sleep(20 div 3)", "1 union all select pg_sleep(5)", "SELECT sLeEp (mod(10,5))", `OR '{"name":"asd"}' ?| array['a','name']`, `'{"a":2}' < '$.a' = 7`, `and '{"a":1}' @> '{"a":1}'`} {
		out = append(out, langCase{KindQueryValue, "id", p, "sqli-fragment"})
	}
	for _, b := range []string{`{"a":1}`, `config='{"a":1}'`, "Bob's or Alice's (either) works", `JSON.parse('{"a":1}') == x`, "or json is fine", "select sleep mode", "select sleep (mode)", "Select a sleep (nap) time", `'[1,2]' is an array`} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// AI coding agents' configuration in the path.
	for _, p := range []string{"/.cursor/mcp.json", "/.aider.conf.yml", "/app/.cline/rules.md", "/.kiro/hooks/pre.sh", "/.windsurf/rules/global.md", "/mcp.json"} {
		out = append(out, langCase{KindPath, "", p, "path-sensitive-file"})
	}
	for _, b := range []string{"/blog/cursor-pagination", "/api/history", "/docs/mcp", "/api/cline/42"} {
		out = append(out, langCase{KindPath, "", b, ""})
	}
	// Namespaced active elements; Word/Outlook markup look-alikes.
	for _, p := range []string{`<v:vmlframe src="foo.com/sup.fml"/>`, "<x:script>alert(1)</x:script>", "+ADw-script+AD4-alert(1)+ADw-/script+AD4-", "+adw-img src=x+ad4-", `<html:iframe src="//evil.example">`} {
		out = append(out, langCase{KindBodyValue, "html", p, "xss-html-injection"})
	}
	for _, b := range []string{"<p class=MsoNormal>Hello<o:p></o:p></p>", `<v:shape style="width:10pt"><v:imagedata src="image001.png"/></v:shape>`, "Note: script runs nightly", "mailto:object@example.com", "C+ADw-3 and +ADw- 5", "A+ADw-"} {
		out = append(out, langCase{KindBodyValue, "html", b, ""})
	}
	return out
}

func TestLangGrammars(t *testing.T) { checkGrammarCases(t, langCases()) }

// checkGrammarCases inspects every case: a positive must hit its rule
// ("rce": any command-injection rule), a benign look-alike must stay
// under the blocking threshold.
func checkGrammarCases(t *testing.T, cases []langCase) {
	t.Helper()
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byRule, benign := map[string]int{}, 0
	for _, c := range cases {
		if c.rule == "" {
			benign++
		} else {
			byRule[c.rule]++
		}
		hits := in.InspectValue(nil, c.kind, c.name, c.value)
		score, rules := 0, make([]string, 0, len(hits))
		for _, h := range hits {
			score += h.Score
			rules = append(rules, h.Rule)
		}
		switch {
		case c.rule == "":
			if score >= DefaultThreshold {
				t.Errorf("benign kind %d %s=%q blocked: %v", c.kind, c.name, c.value, rules)
			}
		case c.rule == "rce":
			if !strings.Contains(" "+strings.Join(rules, " "), " rce-") {
				t.Errorf("kind %d %s=%q: want an rce-* rule, got %v", c.kind, c.name, c.value, rules)
			}
		case !strings.Contains(" "+strings.Join(rules, " ")+" ", " "+c.rule+" "):
			t.Errorf("kind %d %s=%q: want %s, got %v", c.kind, c.name, c.value, c.rule, rules)
		}
	}
	t.Logf("positives by rule: %v; benign look-alikes: %d", byRule, benign)
}

// FuzzLangParsers: the hand-written scanners of the language grammars
// must not panic and keep their output invariants on any input.
func FuzzLangParsers(f *testing.F) {
	for _, s := range []string{"$_aB_4c #foo\r\n\t[5]//bar\r\n\t['d'] /*foo*/ (17)", "$a //x\n()", "'#' /* \"x */ y", "/*", "#", "'", `"a\"b"`, "$A\tB  C", "!-1!-2", "!!:s/a/b/", "!!:gs", "!1:2-", "!$:", "+!![]", "[][(![] [])[ []]]", "((((", "[(])", "data:text/plain;charset=utf-8;base64,", "data:;", "http:/[::1", "https:a@10.0.0.1", "a.example:80 &@127.0.0.1:22/#", "7147006462", "0x41414141a9fea9fe", "UN/**/ION", "/*", "a/**/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u := phpUncomment(nil, s)
		if len(u) > len(s) {
			t.Fatalf("phpUncomment(%q) = %q grows", s, u)
		}
		if again := phpUncomment(nil, string(u)); string(again) != string(u) {
			t.Fatalf("phpUncomment not idempotent on %q: %q then %q", s, u, again)
		}
		phpVarCall(s)
		historyExpansion(s)
		if strings.HasPrefix(s, "data:") {
			dataURLText(s)
		}
		if h, ok := slashlessURLHost(s); ok && !strings.Contains(s, h) {
			t.Fatalf("slashlessURLHost(%q) = %q, not in the value", s, h)
		}
		if h, ok := spacedUserinfoHost(s); ok && !strings.Contains(s, h) {
			t.Fatalf("spacedUserinfoHost(%q) = %q, not in the value", s, h)
		}
		if _, ok := wrappedIP(s); ok && strings.Trim(strings.TrimPrefix(s, "0x"), "0123456789abcdef") != "" {
			t.Fatalf("wrappedIP(%q) read a non-number", s)
		}
		slashlessStrongTarget(s)
		if commentSplitsKeyword(s) && !strings.Contains(s, "*/") {
			t.Fatalf("commentSplitsKeyword(%q) without a closed comment", s)
		}
		if jsfuckValue(s) && strings.Trim(s, "[]()!+ ") != "" {
			t.Fatalf("jsfuckValue(%q) outside the alphabet", s)
		}
	})
}

// FuzzRegexpGates: each cheap test that spares a slow regexp holds
// wherever that regexp matches, so no gate hides a match.
func FuzzRegexpGates(f *testing.F) {
	for _, s := range []string{"{{ self.__init__.__globals__ }}", "<#assign x=\"freemarker.template.utility.execute\"?new()>", "#set($x=1)", "${t(java.lang.runtime)}", "{% import os %}", "a|filter('system')", "${.now}", "#if(1)x#end",
		"$f(1)", "x;$g($h)", "$o->$m()", "foo::$m()", "=@$f(1)", "${'a'}['b'](4)", "'sys'.'tem'('id')", "\"system\"('id')", "[system][0]('ls')", "(x)('a');", "system(whoami)",
		":(){ :|:& };:", "bomb() { bomb|bomb& }; bomb", "@system.diagnostics.process", "root.process"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := strings.ToLower(s)
		cls := classify(n)
		if (reSSTIEngine.MatchString(n) || reSSTILang.MatchString(n)) && !sstiSyntax(cls, n) {
			t.Fatalf("SSTI regexp matches %q, sstiSyntax says no", n)
		}
		if rePHPVarCall.MatchString(n) && !phpVarCallAnchor(n) {
			t.Fatalf("rePHPVarCall matches %q, phpVarCallAnchor says no", n)
		}
		if rePHPStringCall.MatchString(n) && !phpStringCallShape(n) {
			t.Fatalf("rePHPStringCall matches %q, phpStringCallShape says no", n)
		}
		if reForkBomb.MatchString(n) && !containsAny(n, "(){", "() {", "( ){", "( ) {") {
			t.Fatalf("reForkBomb matches %q without an empty parameter list", n)
		}
	})
}
