package filter

import (
	"net/netip"
	"regexp"
	"strings"
)

var (
	// Files an attacker reads once a traversal or inclusion works. Matched
	// on the normalised value, where '\' is already '/'.
	reLFIFile = regexp.MustCompile(`(?:^|[/ =:'"(])(?:etc/(?:(?:passwd|shadow|master\.passwd|sudoers|\.?htpasswd)(?:$|[^a-z0-9_-]|-(?:$|[^a-z0-9]))|security/|ssh/|pass(?:$|[?*\[]))|proc/(?:self|\d+)/(?:environ|cmdline|fd|maps|mem|status|cwd|root|exe)|(?:boot|win|system)\.ini\b|windows/(?:system32|win\.ini|repair|panther|debug)|\.ssh/(?:id_|authorized_keys|known_hosts)|\.bash_history|\.htpasswd|wp-config\.php|\.git/(?:config|head|index)\b|ntuser\.dat|var/run/secrets|dev/tcp/|\.docker/(?:config\.json|secrets)|\.kube/config\b|\.aws/credentials\b|\.git-credentials\b|\.pgpass\b|\.(?:zsh|sh|mysql|psql|python|node_repl|sqlite|rediscli)_history\b)`)
	// The kernel's information files and sysfs: code and docs name them
	// (a CPU feature probe reads /proc/cpuinfo), so they count as the
	// whole value only, after at most a traversal or file://.
	// A value that is only a file-reading command and one absolute path.
	reFileRead = regexp.MustCompile(`^` + fileReader + ` +/[^\s;|&]+$`)
	// A file-reading command before the path ("cat /proc/net/tcp") is
	// the same request made through a shell.
	reLFIKernel = regexp.MustCompile(`^(?:` + fileReader + ` +)?(?:file://)?(?:\.\./)*/?(?:proc/(?:version|cpuinfo|meminfo|interrupts|mounts|modules|kallsyms|partitions|sched_debug|net/(?:tcp|udp|arp|route|fib_trie)|sys/(?:kernel|net|vm|fs))|sys/(?:class|kernel|devices|firmware|module|bus|block))(?:/[\w.-]*)*$`)
	// Configuration and log files: named in support tickets and docs too,
	// so a weak signal that needs a traversal or a second hint.
	reLFIConfig = regexp.MustCompile(`(?:^|[/ =:'"(])(?:etc/(?:group|hosts|issue|hostname|crontab|httpd/|apache2/|nginx/|mysql/)|winnt/|inetpub/|\.htaccess|web\.config\b|\.svn/|/\.env\b|var/log/(?:apache|httpd|nginx|auth\.log|secure|messages|syslog|mail)|usr/local/etc/)`)
	// A whole value that is an absolute path into the system's own
	// directories: what a file parameter holds when it is aimed at the
	// server rather than at the application's files. Prose that names
	// one has spaces around it, and user files live elsewhere (/home,
	// /tmp, C:/Users). file: URIs are left to lfi-file-uri and to what
	// their path names: documents and settings link local files so.
	reLFISystemPath = regexp.MustCompile(`^(?:(?:\.\./)+|(?:[a-z]:|%(?:systemroot|windir|systemdrive)%|~)?/+)(?:etc|private/etc|opt/lampp/etc|usr/local/etc|var/(?:log|mail|spool/cron|lib/(?:mysql|pgsql|postgresql|redis|docker|kubelet))|proc|windows|winnt|inetpub)(?:/+[^/\s'"<>;|&]+)+$`)
	reLFIUNC        = regexp.MustCompile(`(?:^|[ "'=])//[^/ ]+/(?:[a-z]\$|admin\$|ipc\$)(?:/|$)`)
	// A UNC path to a network host (dotted name or IP, optional @port or
	// @SSL): opening it makes a Windows server authenticate to that host.
	// Matched on the decoded value: in norm it is a protocol-relative URL.
	reLFIUNCHost = regexp.MustCompile(`(?i)(?:^|[ "'=])\\\\(\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:@(?:ssl|\d+))*\\[^\\ "']`)
	reLFIFileURI = regexp.MustCompile(`\bfile:/`)
	reLFIWrap    = regexp.MustCompile(`\b(?:data|php|phar|zip|expect|glob|zlib|compress\.zlib|compress\.bzip2|ogg|rar|ssh2\.\w+|jar:file):/|\bnetdoc:|\bjar:https?:`)
	// A remote URL shaped for inclusion: an IP host, a script or text file
	// followed by '?' (to cut the suffix the application appends).
	reRFI = regexp.MustCompile(`^(?:https?|ftps?)://[^/?#]+/[^?#]*\.(?:txt|php|sh|pl|py|jsp|asp|aspx|js|gif|jpg|png)\?+\s*$`)
	// Parameter names that hand a file or page to an include().
	reRFIName = regexp.MustCompile(`^(?:include|inc|file|filename|template|tpl|folder|root|dir|module|mod|conf|config|read|require|import)$`)
)

// fileReader: the commands that print a file, for the whole-value forms
// above.
const fileReader = `(?:cat|head|tail|less|more|strings|xxd|od|nl|tac|base64)`

// wrapperWords gate reLFIWrap and reLFIFileURI.
var wrapperWords = []string{"data://", "file:", "php:", "phar:", "zip:", "expect:", "glob:", "zlib:", "compress.", "ogg:", "rar:", "ssh2.", "jar:", "netdoc:"}

// lfiWords gate reLFIFile.
var lfiWords = []string{"etc/", "proc/", ".ini", "windows/", "winnt", "inetpub", ".ssh", "bash_history", ".htaccess", ".htpasswd", "web.config", "wp-config", ".git/", ".svn", ".env", "ntuser", "var/", "dev/tcp", "usr/local", "sys/", ".docker/", ".kube/", "_history", ".aws/", "-credentials", ".pgpass"}

// uncToNetworkHost: a UNC path to a dotted host name or an IP in a value
// meant to name a file (file=, include=, a file name, the path), or a
// value that is a UNC path to an IP: intranet applications carry
// \\server.corp\share paths in ordinary fields.
func uncToNetworkHost(v *value) bool {
	m := reLFIUNCHost.FindStringSubmatch(v.dec)
	if m == nil {
		return false
	}
	if v.kind == KindFileName || v.kind == KindPath || reRFIName.MatchString(strings.ToLower(v.name)) {
		return true
	}
	// Elsewhere only a value that is the UNC path to an IP, not prose
	// that mentions one ("open \\10.1.2.3\scans").
	_, err := netip.ParseAddr(m[1])
	return err == nil && strings.HasPrefix(v.dec, `\\`)
}

// traversalToSensitive: the path after n's last "../" (or "..;/") names,
// in one of its segments, a file or directory of the curated sensitive
// list (sensitiveSegment), or a secrets file in a hidden directory. n is
// normalised: a backslash is already a slash.
func traversalToSensitive(n string) bool {
	i := strings.LastIndex(n, "../")
	if j := strings.LastIndex(n, "..;/"); j > i {
		i = j + 1
	}
	if i < 0 {
		return false
	}
	rest := n[i+3:]
	if k := strings.IndexAny(rest, "?#& \"'"); k >= 0 {
		rest = rest[:k]
	}
	for rest != "" {
		seg, after, _ := strings.Cut(rest, "/")
		switch {
		case seg == "" || seg == "." || seg == "..":
		case sensitiveSegment(seg):
			return true
		case seg[0] == '.' && seg != ".well-known" && after != "" && secretishName(after[strings.LastIndexByte(after, '/')+1:]):
			return true
		}
		rest = after
	}
	return false
}

// needsCollapse: s holds a "/./" or a "//" that detectTraversal's collapse
// removes (not the "//" after a scheme's colon, which every URL has).
func needsCollapse(s string) bool {
	for i := strings.IndexByte(s, '/'); i >= 0 && i+1 < len(s); {
		switch {
		case s[i+1] == '/' && !(i >= 1 && s[i-1] == ':'):
			return true
		case s[i+1] == '.' && i+2 < len(s) && s[i+2] == '/':
			return true
		}
		j := strings.IndexByte(s[i+1:], '/')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// collapseSlashes appends s to dst with "/./" and "//" (but the "//"
// after a scheme's colon) collapsed to "/".
func collapseSlashes(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '/' && i+2 < len(s) && s[i+1] == '.' && s[i+2] == '/' {
			i++
			continue
		}
		if c == '/' && len(dst) > 0 && dst[len(dst)-1] == '/' && !(i >= 2 && s[i-2] == ':') {
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// traversalClasses: a path, a share, a wrapper or a variable; a value with
// none of these classes gives detectTraversal nothing to find, and
// runDetectors does not call it.
const traversalClasses = cDot | cSlash | cBackslash | cColon | cDollar

// detectTraversal covers path traversal, local file inclusion (sensitive
// files, UNC shares, stream wrappers) and remote file inclusion.
func detectTraversal(e *emitter, v *value) {
	n := v.norm
	if v.cls&traversalClasses == 0 {
		return
	}
	if strings.Contains(n, "..") {
		dd := strings.Count(n, "../") + strings.Count(n, "..;/")
		if strings.HasSuffix(n, "/..") || n == ".." {
			dd++
		}
		if dd > 0 && v.kind != KindPath && strings.IndexAny(n, " '\"()") < 0 && traversalToSensitive(n) {
			// "../.env", "..\\web.config", "../../.git/config": a value
			// that is a path (not code or prose quoting one) out of the
			// directory the application reads from, to a file of
			// secrets or source (the same list as for request paths).
			e.hit(rLFIFile)
		}
		switch {
		case dd == 0:
		case dd == 1 && e.in.paranoia < 2 && v.kind != KindFileName && !(v.kind == KindPath && strings.Contains(n, "/../")):
			// One "../" is how people write relative links in prose. A
			// request path is another matter: browsers resolve dot
			// segments (encoded ones too) before they send it, so a
			// "/../" in it was written by hand (/vpn/../vpns/cfg/…).
			// So is an uploaded file's name: browsers send the base
			// name, and "../x" there is a write outside the upload
			// directory (zip slip).
		case dd >= 3 || v.kind == KindPath || v.kind == KindFileName || isParamName(v.kind) || v.kind == KindHeaderName:
			e.hit(rTraversalDotDot)
		default:
			e.hit(rTraversalDotDotWeak)
		}
	}
	// A path and nothing else: the classes secretFileValue accepts ('_'
	// has none), tested before the parameter's name.
	const pathClasses = cLower | cUpper | cDigit | cDot | cSlash | cBackslash | cDash | cTilde | cColon
	if v.cls&(cDot|cSlash) != 0 && v.cls&^pathClasses == 0 && (v.kind == KindQueryValue || v.kind == KindBodyValue || v.kind == KindCookieValue) && len(n) <= 256 && secretFileValue(n) && (fileParam(v.name) || javaInternalPath(n)) {
		e.hit(rLFIFile)
	}
	if v.cls&cSlash != 0 || v.cls&cBackslash != 0 {
		target := n
		// Collapse "/./" and "//" so that /etc/./passwd and /etc//passwd match.
		if needsCollapse(target) {
			v.sc.aux = collapseSlashes(v.sc.aux[:0], target)
			target = bstr(v.sc.aux)
		}
		tkw := v.kw
		if target != n {
			tkw = keywords.scan(target)
		}
		if tkw&kwLFI != 0 {
			whole := strings.TrimSpace(target)
			if (v.kind == KindQueryValue || v.kind == KindBodyValue || v.kind == KindCookieValue) && systemPathValue(whole) {
				e.hit(rLFISystemPath)
			}
			if reLFIFile.MatchString(target) || v.kind != KindPath && reLFIKernel.MatchString(whole) {
				if pathInProse(v) {
					// "I added it to C:\Windows\System32\drivers\etc\hosts
					// for testing": a file API gets a path as the whole
					// value (or after a traversal, judged above), not a
					// sentence that names one.
					e.hit(rLFIConfig)
				} else {
					e.hit(rLFIFile)
				}
			} else if reLFIConfig.MatchString(target) {
				if reFileRead.MatchString(whole) {
					// The whole value is a command that prints the file.
					e.hit(rLFIFile)
				} else {
					e.hit(rLFIConfig)
				}
			}
		}
		if strings.Contains(n, "//") && strings.Contains(n, "$") && reLFIUNC.MatchString(n) {
			e.hit(rLFIUNC)
		}
		if v.cls&cBackslash != 0 && strings.Contains(v.dec, `\\`) && uncToNetworkHost(v) {
			e.hit(rLFIUNC)
		}
	}
	if v.cls&cColon != 0 {
		if v.kind != KindPath && v.kind != KindHeaderValue && v.kind != KindUserAgent && strings.HasPrefix(n, "data:") && dataURLText(strings.ToLower(strings.TrimSpace(v.dec))) {
			// On dec: norm reads the "+" of svg+xml as a space.
			e.hit(rLFIWrapper)
		}
		if v.kw&kwWrapper != 0 {
			if reLFIWrap.MatchString(n) {
				e.hit(rLFIWrapper)
			} else if reLFIFileURI.MatchString(n) {
				if fileURIGlob(strings.ToLower(v.dec)) {
					// file:///etc/*, file:///c:/windows/win.in?: a
					// glob is read by a file API, never by a browser.
					e.hit(rLFIWrapper)
				} else if pathInProse(v) {
					// "…an ENTITY pointing at file:///etc/passwd is the
					// textbook demo": a URI a sentence names.
					e.hit(rLFIConfig)
				} else {
					e.hit(rLFIFileURI)
				}
			}
		}
		if (v.kind == KindQueryValue || v.kind == KindBodyValue) && strings.Contains(n, "://") {
			// reRFI needs a final '?' (a URL whose query is cut off),
			// reRFIName a name of at most eight bytes: both tested first.
			rfiURL := strings.HasSuffix(strings.TrimRight(n, " \t\n\f\r"), "?") && reRFI.MatchString(n)
			if rfiURL || len(v.name) <= 8 && strings.HasPrefix(n, "http") && reRFIName.MatchString(strings.ToLower(v.name)) && !reStaticURL.MatchString(n) {
				e.hit(rRFIRemote)
			}
		}
	}
}

// systemPathValue: whole (a normalised value) is only an absolute path
// into the system's directories (reLFISystemPath), that stays there (a
// "/var/log/../run/x.sock" climbing back out is a relative path written
// by a program; traversal rules judge it) and is not a dated log.
func systemPathValue(whole string) bool {
	if !reLFISystemPath.MatchString(whole) {
		return false
	}
	t := whole
	for strings.HasPrefix(t, "../") {
		t = t[3:]
	}
	return !strings.Contains(t, "/..") && !datedLog(t) && !placeholderSegment(t)
}

// placeholderSegment: a path segment that is only a bracketed name
// (/etc/[name]/config, /var/log/{app}/x.log), the way documentation and
// templates write a part to fill in; a glob inside a name (/etc/pass[w]d)
// is not one.
func placeholderSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if len(seg) > 2 && (seg[0] == '[' && seg[len(seg)-1] == ']' || seg[0] == '{' && seg[len(seg)-1] == '}') && strings.Trim(seg[1:len(seg)-1], "abcdefghijklmnopqrstuvwxyz_-") == "" {
			return true
		}
	}
	return false
}

// datedLog: a log file named by a date or a timestamp
// (/var/log/myapp/app-2025-04-30T15-00-00.log), which an application
// writes and rotates itself: an inclusion aims at a file whose name it can
// know in advance (access.log, auth.log, syslog).
func datedLog(p string) bool {
	if !strings.Contains(p, "var/log/") {
		return false
	}
	run := 0
	for i := 0; i < len(p); i++ {
		if p[i] >= '0' && p[i] <= '9' {
			if run++; run == 4 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// fileURIGlob reports a file: URI whose path holds glob characters.
func fileURIGlob(n string) bool {
	i := strings.Index(n, "file:/")
	if i < 0 {
		return false
	}
	p := n[i+len("file:"):]
	if j := strings.IndexAny(p, " \"'<>"); j >= 0 {
		p = p[:j]
	}
	return strings.ContainsAny(p, "*?[")
}

// dataURLText reports a value that is a whole data: URL (RFC 2397:
// data:type/subtype, parameters, ";base64", then "," and the data, which
// may be cut off) with a media type that a server-side include runs or a
// browser renders as a document: plain text (also the empty type, which
// means text/plain), HTML, XML, SVG, JavaScript, PHP, shell; and whose
// content is hidden: Base64-encoded, or not there at all (the probe
// data:text/plain). PHP's data wrapper reads data:text/plain;base64,… as
// the source of an include without the "//" of data://. Content sent in
// the clear (data:text/plain,Stuff, the test vectors of URL parsers) is
// left to the detectors that read it. Images, audio, video, fonts, PDF
// and other file types are uploads (readAsDataURL, avatars) and do not
// count, nor does "data:" in text (no media type right after it).
func dataURLText(n string) bool {
	rest := n[len("data:"):]
	end := strings.IndexByte(rest, ',')
	meta := rest
	if end >= 0 {
		meta = rest[:end]
	} else if strings.IndexByte(rest, ' ') >= 0 {
		return false
	}
	mt, params, _ := strings.Cut(meta, ";")
	b64 := false
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		if p == "base64" {
			b64 = true
		} else if !dataParam(p) {
			return false
		}
	}
	if mt == "" {
		// data:;base64,…: the default type, with encoded data.
		return b64 && end > 0 && end+1 < len(rest)
	}
	if end >= 0 && !b64 {
		return false
	}
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || !mediaToken(typ) || !mediaToken(sub) {
		return false
	}
	switch typ {
	case "text":
		switch sub {
		case "plain", "html", "xml", "javascript", "ecmascript", "x-php", "php", "x-python", "x-perl", "x-sh", "x-shellscript", "vbscript", "jscript":
			return true
		}
	case "application":
		switch sub {
		case "javascript", "x-javascript", "ecmascript", "x-httpd-php", "x-php", "php", "xhtml+xml", "xml", "x-sh", "x-shellscript", "hta":
			return true
		}
	case "image":
		return sub == "svg+xml"
	}
	return false
}

// mediaToken: a type or subtype of a media type (letters, digits and
// "+.-_"), not empty.
func mediaToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// dataParam: attribute=value of a data URL's media type (charset=utf-8).
func dataParam(p string) bool {
	a, val, ok := strings.Cut(p, "=")
	return ok && mediaToken(a) && val != "" && len(val) <= 64 && strings.IndexAny(val, " <>\"'") < 0
}

// fileParam reports a parameter name that says it names a file the
// application reads or sends (file, filename, path, page, template,
// download, include …, or a name ending in "file" or "path": logFile,
// config_path).
func fileParam(name string) bool {
	if len(name) < 3 || len(name) > 40 {
		return false
	}
	var buf [40]byte
	ln := bstr(foldParamName(buf[:0], name))
	return fileParamNames[ln] || strings.HasSuffix(ln, "file") || strings.HasSuffix(ln, "path") || strings.HasSuffix(ln, "filename")
}

var fileParamNames = wordSet("file filename fname path page template tpl include inc doc document download attachment resource read load dir folder")

// secretFileValue: n (normalised) is only a path, with or without a
// directory, that names a file of secrets or a directory only a server
// keeps (.env, wp-config.php, WEB-INF/web.xml, .git/config, id_rsa,
// config/secrets.yml): in a file parameter it is a file read without
// any traversal, the download of the application's own secrets.
// Example and template copies (.env.example, .env.dist) hold none.
func secretFileValue(n string) bool {
	// Without a directory, the value is one of the file names, and each
	// starts with one of these bytes (prices, dates and counts start with
	// a digit).
	if n == "" || strings.IndexByte(n, '/') < 0 && strings.IndexByte(".wlismct", n[0]) < 0 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '/' || c == '_' || c == '-' || c == '~' || c == ':') {
			return false
		}
	}
	if strings.Contains(n, "://") {
		return false
	}
	rest := strings.Trim(n, "/")
	last := rest
	for {
		seg, after, more := strings.Cut(rest, "/")
		if !more {
			last = seg
			break
		}
		if secretDirs[seg] {
			return true
		}
		rest = after
	}
	if r, ok := strings.CutPrefix(last, ".env"); ok {
		switch r {
		case "", ".local", ".production", ".prod", ".dev", ".development", ".staging", ".test", ".bak", ".old", ".save", ".backup", ".swp":
			return true
		}
		return false
	}
	return secretFiles[last]
}

// pathInProse: v is a sentence of a body or query value that names a
// path in its middle: five words or more, a first word that starts no
// path, no traversal.
func pathInProse(v *value) bool {
	if v.kind != KindBodyValue && v.kind != KindQueryValue || v.cls&cSpace == 0 || strings.Contains(v.norm, "..") {
		return false
	}
	t := strings.TrimLeft(v.dec, " \t\r\n")
	if t == "" || strings.IndexByte("/\\.~%$", t[0]) >= 0 || len(t) > 1 && t[1] == ':' {
		return false
	}
	first, _, _ := strings.Cut(t, " ")
	if strings.ContainsAny(first, "/\\") {
		return false
	}
	for _, line := range strings.Split(t, "\n") {
		// A line that starts with a reader (…\ncat /etc/passwd;) is a
		// command after the text.
		w, _, _ := strings.Cut(strings.TrimLeft(line, " \t\r;|&"), " ")
		if fileReaders[strings.ToLower(w)] {
			return false
		}
	}
	return proseWords(t) >= 5
}

// fileReaders print a file: a sentence that starts with one is a command.
var fileReaders = wordSet("cat type more less head tail nl tac strings od xxd base64 grep get-content gc include require")

// javaInternalPath: n starts in a Java web application's private
// directories (WEB-INF/, META-INF/), which hold its configuration and
// classes and which no link names: whatever the parameter is called, a
// value naming them asks a resource servlet to read them.
func javaInternalPath(n string) bool {
	n = strings.TrimLeft(n, "/")
	return strings.HasPrefix(n, "web-inf/") || strings.HasPrefix(n, "meta-inf/")
}

// secretDirs hold nothing but server internals and secrets; secretFiles
// are files of credentials and keys.
var (
	secretDirs  = wordSet("web-inf meta-inf .git .svn .hg .ssh .aws .docker .kube .gnupg")
	secretFiles = wordSet(".htpasswd wp-config.php wp-config.php.bak localsettings.php id_rsa id_dsa id_ecdsa id_ed25519 .npmrc .pypirc .pgpass .netrc .git-credentials .my.cnf secrets.yml secrets.yaml secrets.json master.key credentials.yml.enc .vault-token terraform.tfstate .bash_history .zsh_history web.config")
)
