package filter

import (
	"strings"
)

// Remote file inclusion. A PHP page that passes a parameter to include()
// or require() (and JSP and ASP pages that do the same through their own
// include calls) runs whatever the URL it is given serves. The attack
// URL has a grammar of its own, read here by a small URL parser rather
// than by strings:
//
//   - it names a file the including page runs: a script, or source text
//     served raw by the attacker's server so that the server does not
//     run it first (shell.txt, c99.inc, x.php.txt);
//   - it is often cut off so that the page's own suffix (".php") lands in
//     a query or fragment: a final '?', '#' or NUL, or a query that is only
//     a file extension (shell.jpg?.php, inc?.txt);
//   - it sits in a parameter named for what the page includes (include,
//     file, module, template, path) or for the page it shows (page, view,
//     lang).
//
// A URL on an IP-literal host naming a script, a cut-off script URL, or a
// script URL in an include name blocks alone; in a page name, where
// analytics send the URL of the page a visitor is on (page=https://
// site/index.php), only raw source text or a cut-off URL does.

// rfiClasses: a scheme or a protocol-relative URL; a value with none of
// these classes gives detectRFIURL nothing to find, and runDetectors
// does not call it.
const rfiClasses = cColon | cSlash

// rfiURL is a URL split for the RFI grammar.
type rfiURL struct {
	host     string // lower-cased, without userinfo and port
	file     string // the last path segment
	ext      string // the extension of file, or of a query that is only one
	fakeExt  bool   // the query or fragment is only ".ext"
	cutOff   bool   // the URL ends in '?', '#' or a NUL
	dotDot   bool   // the path climbs with ".."
	relative bool   // no scheme: "//host/…"
}

// parseRFIURL reads n (a normalised value: lower case, '\' as '/') as a
// URL of a scheme that include() fetches. It reports false for anything
// else, including a URL with spaces in it (prose that quotes one).
func parseRFIURL(n string) (rfiURL, bool) {
	var u rfiURL
	n = strings.TrimSpace(n)
	if strings.HasPrefix(n, "//") {
		if len(n) < 3 || n[2] == '/' {
			return u, false
		}
		n, u.relative = n[2:], true
	} else {
		scheme, rest, ok := strings.Cut(n, "://")
		if !ok {
			return u, false
		}
		switch scheme {
		case "http", "https", "ftp", "ftps", "smb":
			n = rest
		default:
			return u, false
		}
	}
	if len(n) > 2048 || strings.IndexAny(n, " \t\r\n") >= 0 {
		return u, false
	}
	i := strings.IndexAny(n, "/?#")
	if i < 0 || n[i] != '/' {
		return u, false
	}
	u.host = urlHost(n)
	// An IPv6 host without brackets (http://2001:db8::9/s.php): parsers
	// that split at the first ':' fail, those that try the whole
	// authority as an address connect to it.
	if auth := n[strings.LastIndexByte(n[:i], '@')+1 : i]; strings.Count(auth, ":") >= 2 && auth[0] != '[' {
		u.host = auth
	}
	if u.host == "" {
		return u, false
	}
	rest := n[i:]
	// A cut-off: the suffix the page appends falls into a query, a
	// fragment or after a NUL. Encoded forms left by double encoding
	// (%00, %3f, %23 once more encoded) count as the byte they name.
	for {
		t := strings.TrimRight(rest, "?#\x00")
		for _, enc := range [...]string{"%00", "%3f", "%23", "%2500", "%253f", "%2523", "%252500", "%25253f"} {
			t = strings.TrimSuffix(t, enc)
		}
		if t == rest {
			break
		}
		u.cutOff, rest = true, t
	}
	path, query := rest, ""
	if j := strings.IndexAny(rest, "?#\x00"); j >= 0 {
		path, query = rest[:j], rest[j+1:]
	}
	u.dotDot = strings.Contains(path, "/../") || strings.Contains(path, "/%2e%2e/")
	u.file = path[strings.LastIndexByte(path, '/')+1:]
	if dot := strings.LastIndexByte(u.file, '.'); dot >= 0 {
		u.ext = u.file[dot+1:]
	}
	// shell.jpg?.php, inc?.txt, x.gif#.php: the query is the extension
	// the page sees.
	if len(query) > 1 && query[0] == '.' && rfiScriptExt(query[1:]) {
		u.fakeExt, u.ext = true, query[1:]
	}
	return u, true
}

// rfiTextExt: source text that a server hands out unrun, the usual form
// of an included payload.
func rfiTextExt(ext string) bool {
	switch ext {
	case "txt", "inc", "sh", "pl", "py", "rb", "dat":
		return true
	}
	return false
}

// rfiScriptExt: a file that an include runs, as text or as a script.
func rfiScriptExt(ext string) bool {
	switch ext {
	case "php", "php3", "php4", "php5", "php7", "php8", "phtml", "phar", "pht", "jsp", "jspx", "asp", "aspx", "cgi":
		return true
	}
	return rfiTextExt(ext)
}

// rfiTemplateExt: the extension of a template that an engine runs.
func rfiTemplateExt(ext string) bool {
	switch ext {
	case "tpl", "twig", "ftl", "vm", "erb", "jinja", "jinja2", "j2", "smarty", "blade", "latte":
		return true
	}
	return false
}

// Roles of a parameter name for the RFI grammar.
const (
	rfiOtherName   = iota
	rfiPageName    // names the page shown (page, view, lang)
	rfiIncludeName // names what the page includes (file, module, template)
	rfiMediaName   // names an image the server fetches (src, avatar)
)

// rfiNameRole reads a parameter name's role. The last part of a nested
// name counts (params[file], config.template).
func rfiNameRole(name string) int {
	if name == "" || len(name) > 64 {
		return rfiOtherName
	}
	name = strings.TrimSuffix(name, "[]")
	name = strings.TrimRight(name, "]")
	if i := strings.LastIndexAny(name, ".[/"); i >= 0 {
		name = name[i+1:]
	}
	if len(name) > 24 {
		return rfiOtherName
	}
	var buf [24]byte
	n := bstr(foldParamName(buf[:0], name))
	switch n {
	case "include", "inc", "include_file", "incfile", "require", "import", "file", "filename", "module", "mod", "template", "tpl", "tmpl",
		"path", "dir", "folder", "root", "conf", "config", "cfg", "lib", "load", "plugin", "theme", "skin", "layout", "read":
		return rfiIncludeName
	case "page", "view", "lang", "language", "p", "pg", "show", "content", "doc", "document", "cat", "section", "main", "body", "home", "sub", "subpage", "pagina":
		return rfiPageName
	}
	switch n {
	case "src", "img", "image", "image_url", "imageurl", "img_url", "photo", "avatar", "avatar_url", "thumb", "thumbnail", "picture", "icon", "logo":
		// An image that a resizer or a profile fetches and stores.
		return rfiMediaName
	}
	// document_root, mosConfig_absolute_path, include_dir, templateUrl: the prefix a
	// page puts before the file it includes, or the template it loads.
	for _, suf := range [...]string{"_root", "absolute_path", "include_path", "include_dir", "templateurl", "template_url", "templatepath", "includepath"} {
		if strings.HasSuffix(n, suf) {
			return rfiIncludeName
		}
	}
	return rfiOtherName
}

// detectRFIURL flags a value that is a remote file inclusion URL.
func detectRFIURL(e *emitter, v *value) {
	name := v.name
	switch v.kind {
	case KindQueryValue, KindBodyValue, KindCookieValue:
	case KindHeaderValue:
		// An application's own header named for what a page includes
		// (X-Template, X-Include-File): judged as that parameter.
		if len(name) < 4 || !strings.HasPrefix(name, "X-") || rfiNameRole(name[2:]) != rfiIncludeName {
			return
		}
		name = name[2:]
	default:
		return
	}
	n := v.norm
	if strings.HasPrefix(v.dec, `\\`) {
		// \\host\share\file: a UNC path, which Windows opens over SMB.
		n = strings.ToLower(strings.ReplaceAll(v.dec, `\`, "/"))
	}
	if len(n) < 10 || n[0] != 'h' && n[0] != 'f' && n[0] != 's' && n[0] != '/' && n[0] != ' ' && n[0] != '\t' {
		return
	}
	u, ok := parseRFIURL(n)
	if !ok {
		return
	}
	script := rfiScriptExt(u.ext)
	// A server script fetched over FTP or SMB, which serve files as they
	// are, not run them: its source is what the include gets.
	sourceOverFile := script && !rfiTextExt(u.ext) && (strings.HasPrefix(n, "ftp") || strings.HasPrefix(n, "smb"))
	if !u.relative && (u.fakeExt || script && (u.cutOff || rfiIPHost(u.host)) || sourceOverFile) {
		e.hit(rRFIScript)
		return
	}
	role := rfiNameRole(name)
	if (role == rfiIncludeName || role == rfiPageName) && (u.relative && strings.IndexByte(u.host, '.') > 0 || mixedCaseScheme(v.dec)) {
		// page=//attacker.example/inc, page=\\attacker.example\share\x
		// (a UNC path, which PHP on Windows opens over SMB),
		// page=hTTpS://…: another host's file for the page to include,
		// written past a check for "http://".
		e.hit(rRFIScript)
		return
	}
	switch role {
	case rfiIncludeName:
		if script || u.cutOff || u.fakeExt || rfiTemplateExt(u.ext) || strings.HasPrefix(n, "ftp") && rfiIPHost(u.host) {
			// A template fetched for a template parameter runs in its
			// engine; a directory on an FTP address is the prefix of
			// the file the page includes (document_root=ftp://…/pub/).
			e.hit(rRFIScript)
		}
	case rfiPageName:
		if rfiTextExt(u.ext) || u.fakeExt || u.cutOff && u.file != "" || u.dotDot && script {
			e.hit(rRFIScript)
		}
	case rfiMediaName:
		if script && !rfiTextExt(u.ext) && strings.IndexByte(n, '?') < 0 {
			// src=http://evil.example/shell.php: a server script
			// fetched as an image lands in a directory the server runs
			// files from (TimThumb, image resizers). With a query it
			// is a dynamic image (image.php?id=42).
			e.hit(rRFIScript)
		}
	}
}

// rfiIPHost: a host written as an IP, in any of the forms URL parsers
// read as one (203.0.113.9, 0xcb007109, 3405803785, [2001:db8::1]).
func rfiIPHost(h string) bool {
	_, _, ok := parseHostIP(h)
	return ok
}

// mixedCaseScheme: d starts with an http, https or ftp scheme written in
// mixed case (hTTpS://).
func mixedCaseScheme(d string) bool {
	i := strings.Index(d, "://")
	if i < 3 || i > 5 {
		return false
	}
	s := d[:i]
	switch strings.ToLower(s) {
	case "http", "https", "ftp", "ftps":
		return mixedCase(s)
	}
	return false
}
