package filter

import (
	"testing"
)

// The grammars behind the held-out table's misses and false positives, one
// case per shape and its look-alikes, in a query, a form and a JSON body:
// each positive must block, each look-alike must not.
func TestRedteamGrammar(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, tc := range []struct {
		name string
		vs   []string
		want bool
	}{
		// A program named by its path after a separator; ANSI-C quoting;
		// a command split by paired quotes after any text.
		{"host", []string{";/usr/bin/id", "|/sbin/ifconfig", "a;/bin/hostname", "x&&/usr/local/bin/node -v",
			";$'\\x69\\x64'", ";$'\\151\\144'", "a;$'\\143\\141\\164' /etc/hosts",
			"a;i''d", "report.pdf|w\"h\"oami", "b&&\\ls -la"}, true},
		{"host", []string{"PATH=/usr/bin;/bin/", "see /usr/bin; /bin and /sbin", "price $'5'",
			"x; 'id' column", "It's; don't", "The product arrived damaged; I'd like a refund", "name;'id'"}, false},
		// After one token, a command prefix then a listed command, and the
		// commands that need their own arguments.
		{"q", []string{"a;exec sh", "x;eval id", "a;ps aux", "a;df -h", "a;tar cf x /etc", "a;tar -xzvf a.tgz",
			"a;dd if=/dev/zero of=/dev/sda", "a;ssh user@10.0.0.1", "a;reboot"}, true},
		{"q", []string{"Tom; sudo make me a sandwich", "Tom and I; sudo rm everything", "see the docs; ssh keys",
			"I watched it; set tv mode", "free; tar pit", "then unpack it;tar -xzf a.tgz /tmp"}, false},
		// A file parameter naming a secrets file or a server directory.
		{"file", []string{".env", "/opt/app/.env", ".env.production", "WEB-INF/web.xml", "wp-config.php",
			".htpasswd", "config/secrets.yml", "app/.git/config", "keys/id_rsa"}, true},
		{"file", []string{".env.example", "src/.env.sample", "report.pdf", "docs/webinf.md", "2024/.envelope.png", "config/settings.yml"}, false},
		{"q", []string{".env", "wp-config.php"}, false},
		// passwd and shadow as whole names.
		{"path", []string{"/api/v1/etc/passwordless", "/api/v1/etc/passwords-policy", "etc/passwordless-login.md", "/etc/shadowsocks/"}, false},
		{"path", []string{"/etc/passwd", "/etc/passwd-", "file:///etc/pass?d", "/etc/shadow", "../../etc/passwd.bak"}, true},
		// Template probes on any receiver, Flask globals alone.
		{"name", []string{"{{ {}.__class__ }}", "{{ [].__class__.__base__ }}", "{{request}}", "{{ url_for }}",
			"{{ 'a'.upper() }}", "{{ request.environ }}", "{{ request.META }}", "@{ var x = 7*7; }", "${{<%[%'\"}}%\\."}, true},
		{"name", []string{"{{ request.user.username }}", "{{ user.name }}", "{{ $t('nav.home') }}", "{{$tc('cart.items', 3)}}",
			"${{ secrets.GITHUB_TOKEN }}", "${{ matrix.os }}", "${{ !cancelled() }}", "${{ github.event.pull_request.head.sha }}",
			".@{my-ruleset} { color: red }", "@{name}"}, false},
		// Numeric hosts in redirect targets.
		{"next", []string{"//3627734734", "//0x7f000001/", "//0177.0.0.1/", "https://192.0.2.10/"}, true},
		{"next", []string{"//app.example.com/", "/123", "/2024/01/report"}, false},
		{"redirect_uri", []string{"https://192.0.2.10/cb"}, false},
		// The scheme a parameter is named for; search groups.
		{"ldap_url", []string{"ldaps://ldap.example.com:636/dc=example,dc=com", "ldap://directory.example.org/"}, false},
		{"url", []string{"ldap://evil.example/a", "gopher://evil.example:70/_x"}, true},
		{"q", []string{"(a) or (b)", "(red OR blue) AND (shoes)"}, false},
		// Node stack frames.
		{"message", []string{"Error: spawn /bin/sh ENOENT\r\n    at Process.ChildProcess._handle.onexit (node:internal/child_process:284:19)"}, false},
		{"message", []string{"require('child_process').exec('id')", "global.process.mainModule.require(\"child_process\")"}, true},
	} {
		for _, v := range tc.vs {
			places := []string{"query", "form", "json"}
			if tc.name == "path" {
				d, err := eng.InspectRequest(newReq("GET", "http://app.example.com/", "", ""), RequestInfo{URI: v})
				if err != nil {
					t.Fatal(err)
				}
				if d.Blocked != tc.want {
					t.Errorf("path %q: blocked=%v, want %v: %v", v, d.Blocked, tc.want, d.Matches)
				}
				places = []string{"query"}
				if !tc.want {
					continue // a path-like look-alike in a parameter is judged above
				}
			}
			for _, place := range places {
				expectBlocked(t, eng, place, tc.name, v, tc.want)
			}
		}
	}
}

// TestRedteamRequests: the request-layer shapes (uploads, multipart GraphQL,
// redirect targets imitating the site's host).
func TestRedteamRequests(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, c := range []struct {
		hoCase
		want bool
	}{
		{hoCase{place: "file", name: "a.png", v: "\x89PNG\r\n\x1a\n<?=`$_GET[0]`?>"}, true},
		{hoCase{place: "file", name: "a.png", v: "<script language=\"php\">system($_GET['c']);</script>"}, true},
		{hoCase{place: "file", name: "a.png", v: "<?php echo file_get_contents('/etc/passwd'); ?>"}, true},
		{hoCase{place: "file", name: "a.png", v: "<?php $_=\"{\"; $_=($_^\"<\").($_^\">;\"); ?><?=${'_'.$_}['_'](${'_'.$_}['__']);?>"}, true},
		{hoCase{place: "file", name: "a.aspx", v: "<%@ Page Language=\"C#\" %><% System.Diagnostics.Process.Start(\"cmd.exe\",\"/c \"+Request[\"c\"]); %>"}, true},
		{hoCase{place: "file", name: "logo.svg", v: "<?xml version=\"1.0\"?>\n<!-- icon -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"}, true},
		{hoCase{place: "file", name: "logo.svg", v: "<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"javascript:alert(1)\"><circle r=\"4\"/></a></svg>"}, true},
		{hoCase{place: "filename", v: "shell.php;.png"}, true},
		{hoCase{place: "filename", v: "shell.asp;.jpg"}, true},
		{hoCase{place: "filename", v: "a;b.php"}, true},
		{hoCase{place: "gqlupload", v: "mutation($file: Upload!) { upload(file: $file) { id } __schema { types { name } } }"}, true},
		{hoCase{place: "query", name: "next", v: "https://app.example.com.evil.example/"}, true},
		{hoCase{place: "query", name: "return_to", v: "//app.example.com-login.evil.example/x"}, true},
		{hoCase{place: "query", name: "returnUrl", v: "https://evil.example?app.example.com"}, true},
		{hoCase{place: "query", name: "next", v: "https://evil.example/app.example.com/login"}, true},
		{hoCase{place: "query", name: "next", v: "https://evil.example/#app.example.com"}, true},
		{hoCase{place: "query", name: "dest", v: "HtTpS://EvIl.ExAmPlE"}, true},
		{hoCase{place: "json", name: "redirectUrl", v: "https://APP.example.com.evil.example"}, true},

		{hoCase{place: "file", name: "icon.svg", v: "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\"><path d=\"M12 2L2 7z\"/></svg>"}, false},
		{hoCase{place: "file", name: "page.html", v: "<!DOCTYPE html><html><body><svg><use href=\"#i\"/></svg><button onclick=\"go()\">Go</button></body></html>"}, false},
		{hoCase{place: "file", name: "feed.xml", v: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>News</title></channel></rss>"}, false},
		{hoCase{place: "filename", v: "report;final.pdf"}, false},
		{hoCase{place: "gqlupload", v: "mutation($file: Upload!) { upload(file: $file) { id url } }"}, false},
		{hoCase{place: "query", name: "next", v: "https://app.example.com/settings"}, false},
		{hoCase{place: "query", name: "next", v: "https://app.example.com.au/"}, false},
		{hoCase{place: "query", name: "next", v: "https://app.example.com./settings"}, false},
		{hoCase{place: "query", name: "next", v: "https://app.example.com.co.uk/shop"}, false},
		{hoCase{place: "query", name: "q", v: "https://app.example.com.evil.example/"}, false},
		{hoCase{place: "query", name: "next", v: "https://sso.partner.example/login?return=https://app.example.com/home"}, false},
		{hoCase{place: "query", name: "next", v: "https://sso.partner.example/login?return=https%3A%2F%2Fapp.example.com%2F"}, false},
		{hoCase{place: "query", name: "next", v: "https://partner.example/"}, true},
		{hoCase{place: "query", name: "next", v: "HTTPS://PARTNER.EXAMPLE/"}, true},
		{hoCase{place: "query", name: "redirect_uri", v: "https://partner.example/"}, false},
		{hoCase{place: "query", name: "url", v: "HTTPS://PARTNER.EXAMPLE/"}, false},
	} {
		r, info := c.request()
		d, err := eng.InspectRequest(r, info)
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked != c.want {
			t.Errorf("%s %s[%s]=%q: blocked=%v, want %v: %v", c.place, c.place, c.name, c.v, d.Blocked, c.want, d.Matches)
		}
	}
}
