package filter

import (
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"strings"
)

// target is a part of the request, as named in locations, exclusions and
// custom rule targets.
type target uint8

const (
	tPath target = iota
	tURI
	tMethod
	tClientIP
	tQuery
	tQueryName
	tHeader
	tHeaderName
	tCookie
	tCookieName
	tBody
	tBodyName
	tFileName
	tFileType
	tBodyRaw
	numTargets
)

// targetNames are the location prefixes of the targets.
var targetNames = [numTargets]string{
	tPath:       "path",
	tURI:        "uri",
	tMethod:     "method",
	tClientIP:   "client_ip",
	tQuery:      "query",
	tQueryName:  "query_name",
	tHeader:     "header",
	tHeaderName: "header_name",
	tCookie:     "cookie",
	tCookieName: "cookie_name",
	tBody:       "body",
	tBodyName:   "body_name",
	tFileName:   "file_name",
	tFileType:   "file_type",
	tBodyRaw:    "body_raw",
}

// walk inspects everything but the body: protocol limits, path, query,
// cookies, headers. Cheapest checks first.
func (w *walker) walk(r *http.Request, uri string) {
	e := w.e
	if w.stop {
		return
	}
	w.host = r.Host
	if _, ok := e.methods[r.Method]; !ok {
		w.add(Match{Rule: "protocol-method", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "method", Fragment: fragment(r.Method)})
	}
	if len(e.custom[tMethod]) > 0 {
		w.custom(tMethod, "", r.Method)
	}
	if e.cfg.MaxURILength > 0 && len(uri) > e.cfg.MaxURILength {
		w.add(Match{Rule: "protocol-uri-length", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "uri", Fragment: fragment(RedactURI(uri))})
	}
	if len(e.custom[tURI]) > 0 {
		w.custom(tURI, "", uri)
	}
	w.framing(r)
	w.headerLimits(r)
	if w.stop {
		return
	}

	if metadataHost(hostOnly(r.Host)) {
		// GET http://169.254.169.254/latest/meta-data/ HTTP/1.1, or a
		// Host header naming the metadata service: a request for a
		// forward proxy to fetch it (net/http takes the absolute form's
		// host as the request's Host).
		w.addRule(rSSRFMetadata, "host", fragment(r.Host))
	}
	rawPath, rawQuery := splitURI(uri)
	w.rawPath = rawPath
	if rawPath != "" && rawPath != "/" {
		// The detectors get the path as sent (they decode it
		// themselves); custom rules see it decoded once, as the
		// application does.
		w.detect(tPath, KindPath, "", rawPath)
		w.pathSegments(rawPath)
		w.pathControl(rawPath)
		if len(e.custom[tPath]) > 0 {
			dec, _ := percentDecode(rawPath, false)
			w.custom(tPath, "", dec)
		}
	}
	if r.Method == http.MethodPut || r.Method == "MOVE" || r.Method == "COPY" {
		w.scriptWrite(r, rawPath)
	}
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.EqualFold(pathBase(rawPath), "xmlrpc.php") {
		// XML-RPC answers POSTed method calls (pingbacks, the mobile
		// apps); a GET is a scanner looking for the endpoint it brute
		// forces passwords through (system.multicall).
		w.addRule(rPathSensitive, "path", fragment(rawPath))
	}
	if siteArchive(rawPath, w.host) {
		w.addRule(rPathSensitive, "path", fragment(rawPath))
	}
	if !validEscapes(rawPath) {
		w.badEncoding("path", fragment(rawPath))
	}
	if queryAuthority(rawQuery) || (strings.HasPrefix(rawQuery, "@") || hasPrefixFold(rawQuery, "%40")) && strings.HasSuffix(strings.ToLower(rawPath), "/autodiscover.json") {
		// Exchange's autodiscover.json takes the rest of a query that
		// starts with "@" as the backend path (ProxyShell): any name
		// after the "@" will do (?@zdi/PowerShell).
		w.addRule(rSSRFQueryAuthority, "query", fragment(rawQuery))
	}
	if phpCGIArgument(rawQuery) {
		w.addRule(rPHPCGIArgument, "query", fragment(rawQuery))
	}
	w.samlRequest = strings.Contains(rawQuery, "SAMLRequest=")
	w.pairs(rawQuery, '&', tQueryName, tQuery, KindQueryName, KindQueryValue)
	if rawQuery != "" && !w.stop && sessionHint(rawQuery) {
		w.sessionFixation(r, rawQuery)
	}
	w.cookies(r)
	w.headers(r, rawPath)
}

// phpCGIArgument: the query string is a PHP command-line option. PHP-CGI
// passes a query without '=' to the interpreter as its arguments, the
// dash plain, encoded (%2D) or, on Windows code pages that map it to a
// hyphen, the soft hyphen %AD: -s shows the source, -d sets php.ini
// directives (allow_url_include=1 -d auto_prepend_file=php://input).
func phpCGIArgument(q string) bool {
	first, _, _ := strings.Cut(q, "&")
	if strings.IndexByte(first, '=') >= 0 {
		return false
	}
	switch {
	case strings.HasPrefix(first, "-"):
		first = first[1:]
	case hasPrefixFold(first, "%2d"), hasPrefixFold(first, "%ad"):
		first = first[3:]
	default:
		return false
	}
	if first == "" || strings.IndexByte("dsnhcfbiqvzaeHT", first[0]) < 0 {
		return false
	}
	rest := first[1:]
	return rest == "" || rest[0] == '+' || hasPrefixFold(rest, "%20")
}

// scriptWrite flags a PUT that writes a server script, and a WebDAV MOVE
// or COPY whose Destination names one (upload-script-file): Tomcat with
// writable DefaultServlet (CVE-2017-12615, "PUT /shell.jsp/"), IIS and
// nginx WebDAV. The name is judged as an uploaded file's is, trailing
// slashes, dots and NTFS streams ignored.
func (w *walker) scriptWrite(r *http.Request, rawPath string) {
	target := rawPath
	if r.Method != http.MethodPut {
		if target, _ = splitURI(r.Header.Get("Destination")); target == "" {
			return
		}
	}
	dec, _ := percentDecode(target, false)
	n := strings.ToLower(strings.ReplaceAll(dec, " ", ""))
	n = strings.TrimRight(n, "./\\")
	n = n[strings.LastIndexAny(n, "/\\")+1:]
	if n == "" || !scriptWritten(n) {
		return
	}
	w.addRule(rUploadScript, "path", fragment(n))
}

// siteArchive: the path's last segment is an archive named after the
// site's own host (/www.shopfront.example.tar.gz, /app.example.com.zip),
// the name backup scripts give a copy of the document root; a host under
// any top-level domain, which the value layer cannot know to be the site's.
func siteArchive(rawPath, host string) bool {
	h := hostOnly(host)
	if len(h) < 4 || strings.IndexByte(h, '.') < 0 {
		return false
	}
	base := strings.ToLower(rawPath[strings.LastIndexByte(rawPath, '/')+1:])
	rest, ok := strings.CutPrefix(base, h)
	if !ok {
		return false
	}
	for _, s := range archiveSuffixes {
		if rest == s {
			return true
		}
	}
	return false
}

// metadataHost: h (lower case, no port) is a cloud metadata service's
// address or name.
func metadataHost(h string) bool {
	return metadataHostSet[h]
}

// metadataHostSet is metadataHosts without IPv6 brackets, and the bare
// name GCE resolves.
var metadataHostSet = func() map[string]bool {
	m := map[string]bool{"metadata": true}
	for _, h := range metadataHosts {
		m[strings.Trim(h, "[]")] = true
	}
	return m
}()

// queryAuthority: the query string starts with "@host/" (the @ plain or
// percent-encoded): a backend that builds a URL from the request target
// (https://backend + path + "?" + query) and parses it again finds the
// attacker's host after the "@", everything before it taken for
// user-info. No form or API sends a query that starts with an address.
func queryAuthority(q string) bool {
	switch {
	case strings.HasPrefix(q, "@"):
		q = q[1:]
	case hasPrefixFold(q, "%40"):
		q = q[3:]
	default:
		return false
	}
	end := strings.IndexByte(q, '/')
	if e := indexFold(q, "%2f"); e >= 0 && (end < 0 || e < end) {
		end = e
	}
	if end <= 0 {
		return false
	}
	host := strings.ToLower(q[:end])
	return strings.IndexByte(host, '.') > 0 && hostLike(host)
}

// pathSegments inspects, as parameter values, the path segments that
// carry more than a name: REST routes hand a segment to the application
// as a parameter (/items/{id}), so "1 OR true--" or ";id" there reaches a
// query or a shell like a query parameter does. The path as a whole is
// inspected as a path (traversal, sensitive files); a segment of letters,
// digits and punctuation of names costs one scan.
func (w *walker) pathSegments(rawPath string) {
	if u := pathURL(rawPath); u != "" {
		// /proxy/http://127.0.0.1:8080/, /fetch/https:/169.254.169.254/:
		// image proxies, thumbnailers and open proxies fetch the URL the
		// path ends with.
		w.detect(tPath, KindQueryValue, "proxy", u)
	}
	if strings.HasPrefix(rawPath, "//") && pathHostRedirect(rawPath[2:], w.host) || pathBackslashHost(rawPath, w.host) {
		w.redirectOpen(tPath, "", rawPath)
	}
	prev := ""
	for rest := rawPath; rest != "" && !w.stop; {
		seg, next, _ := strings.Cut(rest, "/")
		rest = next
		if seg == "" || plainSegment(seg) {
			prev = seg
			continue
		}
		dec, _ := percentDecode(seg, false)
		if redirectParam(prev) && encodedURLSegment(seg, dec, w.host) {
			// /redirect/%2F%2Fevil.example, /out/https:%2F%2Fevil.example:
			// a route that redirects to its last segment, the target's
			// slashes encoded so that routing leaves them in one segment.
			w.redirectOpen(tPath, prev, dec)
		}
		prev = seg
		if !plainSegment(dec) {
			// A parameter like any other: max_args bounds how many
			// one request has inspected.
			w.countArg()
			w.detect(tPath, KindQueryValue, "", dec)
		}
	}
}

// pathHostRedirect: a path that starts with "//" and a host name of
// another site, then an encoded or dot segment (//evil.example/%2e%2e):
// a server that redirects to the path it normalised (a trailing slash
// added, dot segments removed) sends the browser to //evil.example/.
func pathHostRedirect(p, site string) bool {
	host, rest, ok := strings.Cut(p, "/")
	if !ok || strings.IndexByte(host, '.') <= 0 || !hostLike(strings.ToLower(host)) || !offSiteHost(strings.ToLower(host), hostOnly(site)) {
		return false
	}
	return containsFold(rest, "%2e") || containsFold(rest, "%2f") || containsFold(rest, "%5c") || strings.HasPrefix(rest, "..") || strings.Contains(rest, "/..")
}

// pathBackslashHost: a path that starts with a backslash, sent or
// encoded, then the host name of another site (/%5Cevil.example/,
// /\\evil.example): browsers read "/\\" as "//", so a server that
// redirects to the path it was asked for (a trailing slash added, a
// sign-in page that returns to it) sends the browser to that host.
func pathBackslashHost(p, site string) bool {
	if len(p) < 5 || p[0] != '/' || p[1] != '\\' && p[1] != '%' {
		return false
	}
	s, slashes := p[1:], 0
	for {
		if strings.HasPrefix(s, "\\") || strings.HasPrefix(s, "/") {
			s = s[1:]
		} else if hasPrefixFold(s, "%5c") || hasPrefixFold(s, "%2f") {
			s = s[3:]
		} else {
			break
		}
		slashes++
	}
	if slashes == 0 || slashes == len(p)-1 {
		return false
	}
	end := strings.IndexAny(s, "/\\?#%")
	if end < 0 {
		end = len(s)
	}
	host := strings.ToLower(s[:end])
	return strings.IndexByte(host, '.') > 0 && hostLike(host) && offSiteHost(host, hostOnly(site))
}

// encodedURLSegment: a path segment that encodes a slash (%2F, %5C) and
// decodes to a protocol-relative or absolute URL of another site.
func encodedURLSegment(seg, dec, site string) bool {
	if !containsFold(seg, "%2f") && !containsFold(seg, "%5c") {
		return false
	}
	t := strings.ReplaceAll(strings.ToLower(dec), "\\", "/")
	if i := strings.Index(t, "://"); i > 0 && i <= 10 {
		t = t[i+1:]
	}
	if !strings.HasPrefix(t, "//") {
		return false
	}
	h := strings.TrimLeft(t, "/")
	if i := strings.IndexAny(h, "/?#"); i >= 0 {
		h = h[:i]
	}
	return offSiteHost(hostOnly(h), hostOnly(site))
}

// pathURL returns the URL a path ends with, decoded once, from its
// scheme on: "http://127.0.0.1/x" of /proxy/http%3A%2F%2F127.0.0.1/x. A
// scheme needs its colon and at least one slash after a segment boundary;
// "" when there is none.
func pathURL(rawPath string) string {
	if strings.IndexByte(rawPath, ':') < 0 && !containsFold(rawPath, "%3a") {
		// No scheme, however encoded: spare the decoding of every
		// path with an escape in it.
		return ""
	}
	dec := rawPath
	if strings.IndexByte(rawPath, '%') >= 0 {
		dec, _ = percentDecode(rawPath, false)
	}
	for i := strings.Index(dec, ":/"); i > 0; {
		j := i
		for j > 0 && isSchemeByte(dec[j-1]) {
			j--
		}
		if i-j >= 3 && i-j <= 10 && (j == 0 || dec[j-1] == '/') {
			return dec[j:]
		}
		k := strings.Index(dec[i+2:], ":/")
		if k < 0 {
			break
		}
		i += 2 + k
	}
	return ""
}

func isSchemeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// plainSegment: a path segment with nothing a parameter injection needs
// (no space, quote, bracket, operator, separator or escape).
func plainSegment(s string) bool {
	for i := 0; i < len(s); i++ {
		if !segmentPlain[s[i]] {
			return false
		}
	}
	return true
}

var segmentPlain = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "-._~,:@!+" {
		t[c] = true
	}
	return t
}()

// framing flags request smuggling signs: Content-Length together with
// Transfer-Encoding, conflicting Content-Length values, a transfer coding
// other than a lone "chunked".
func (w *walker) framing(r *http.Request) {
	cl := r.Header.Values("Content-Length")
	te := r.TransferEncoding
	if hte := r.Header.Values("Transfer-Encoding"); len(hte) > 0 {
		te = hte
	}
	conflict := ""
	switch {
	case len(te) > 0 && len(cl) > 0:
		conflict = "Content-Length with Transfer-Encoding"
	case len(te) > 1 || len(te) == 1 && !strings.EqualFold(strings.TrimSpace(te[0]), "chunked"):
		conflict = "Transfer-Encoding: " + strings.Join(te, ", ")
	default:
		for _, v := range cl[min(1, len(cl)):] {
			if strings.TrimSpace(v) != strings.TrimSpace(cl[0]) {
				conflict = "Content-Length: " + strings.Join(cl, ", ")
				break
			}
		}
	}
	if conflict != "" {
		w.add(Match{Rule: "protocol-framing", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "headers", Fragment: fragment(conflict)})
	}
}

// headerLimits checks the number and size of header fields.
func (w *walker) headerLimits(r *http.Request) {
	cfg := &w.e.cfg
	n := 0
	for name, vs := range r.Header {
		n += len(vs)
		if cfg.MaxHeaderSize <= 0 {
			continue
		}
		for _, v := range vs {
			if len(name)+len(v) > cfg.MaxHeaderSize {
				w.add(Match{Rule: "protocol-header-size", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "header:" + strings.ToLower(name), Fragment: w.fragmentAt(tHeader, name, v)})
				return
			}
		}
	}
	if cfg.MaxHeaders > 0 && n > cfg.MaxHeaders {
		w.add(Match{Rule: "protocol-header-count", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "headers"})
	}
}

// headers inspects header names (those with more than letters, digits,
// '_' and '-') and values, and the Host. Cookies are inspected apart, by name and value.
func (w *walker) headers(r *http.Request, rawPath string) {
	if r.Host != "" && r.Header.Get("Host") == "" {
		w.value(tHeader, KindHeaderValue, "Host", r.Host)
	}
	if strings.ContainsAny(r.Host, "@/\\ \t") {
		// Host: app.example.com:443@evil.example: no host name has a
		// user-info or a path; applications that build links from the
		// Host (password-reset mails) send them to the host after it.
		w.add(Match{Rule: "protocol-host-invalid", Category: CatProtocol, Score: ScoreCritical, Location: "host", Fragment: fragment(r.Host)})
	}
	for name, vs := range r.Header {
		if w.stop {
			return
		}
		w.name(tHeaderName, KindHeaderName, name, plainToken(name))
		switch name {
		case "Cookie", "Content-Length":
			continue // cookies: see cookies; Content-Length: digits checked by net/http
		}
		kind := KindHeaderValue
		if name == "User-Agent" {
			kind = KindUserAgent
		}
		negotiation := negotiationHeaders[name]
		override := pathOverrideHeader(name)
		for _, v := range vs {
			if override {
				w.pathOverride(name, v, rawPath)
			}
			if scannerHeader(name, v) {
				w.addRule(rScannerHeader, "header:"+strings.ToLower(name), fragment(name))
			}
			if name == "Authorization" && len(v) > 10 && hasPrefixFold(v, "basic ") {
				w.basicCredentials(v)
			}
			if name != "X-Forwarded-For" && clientIPHeader(name) && loopbackClaim(v) && !loopbackPeer(r.RemoteAddr) {
				// X-Real-IP: 127.0.0.1 from a client on the network: a
				// claim to be the server itself, past rules that trust
				// local callers. A proxy on the same machine writes its
				// client's address, not its own.
				w.add(Match{Rule: "protocol-client-ip-spoof", Category: CatProtocol, Score: ScoreCritical, Location: "header:" + strings.ToLower(name), Fragment: fragment(v)})
			}
			if len(v) > 45 && clientIPHeader(name) && overlongAddress(v) {
				// X-Forwarded-For: 1111…1 (63 digits): Ivanti Connect
				// Secure copied it into a fixed buffer (CVE-2025-22457).
				// Proxies write addresses, ports, "unknown" or short
				// obfuscated names; nothing longer than an IPv6 address
				// with a zone and a port.
				w.add(Match{Rule: "protocol-client-ip-overflow", Category: CatProtocol, Score: ScoreCritical, Location: "header:" + strings.ToLower(name), Fragment: fragment(v)})
			}
			if forwardedHostHeader(name) && w.forwardedHostImitation(name, v, r.Host) {
				continue
			}
			if name == "Upgrade" && h2cUpgrade(v) {
				// An upgrade to cleartext HTTP/2 asked of a proxy: a
				// backend that accepts it holds a connection on which
				// every later request skips the proxy's rules (h2c
				// smuggling). Browsers never ask for it.
				w.add(Match{Rule: "protocol-h2c-upgrade", Category: CatProtocol, Score: ScoreCritical, Location: "header:upgrade", Fragment: fragment(v)})
			}
			if sfClientHint(name) && w.clientHint(name, v) {
				continue
			}
			if name == "Referer" && w.referer(v) {
				continue
			}
			if negotiation && negotiationClean(v) {
				if len(w.e.custom[tHeader]) > 0 {
					w.custom(tHeader, name, v)
				}
				continue
			}
			w.value(tHeader, kind, name, v)
		}
	}
}

// referer inspects a Referer that is another site's page URL with a query
// (a search engine's, a forum's) the way that site's server read the query: the URL before it, then each parameter
// value decoded, so that a search engine's "q=<script> tag in html" or
// "q=union select tutorial" is judged as the search it was, not as one
// string of URL syntax and words. False when v is not such a URL (a
// payload sent as the Referer itself is inspected whole by the caller).
// A clean Referer is remembered whole: a page's visitors send the same one.
func (w *walker) referer(v string) bool {
	q := strings.IndexByte(v, '?')
	if q < 0 || !hasPrefixFold(v, "http://") && !hasPrefixFold(v, "https://") {
		return false
	}
	if refererOfHost(v, w.host) || sameSite(urlHostOf(v), hostOnly(w.host)) {
		// A page of the site: its query was judged when the page was
		// requested, and an exclusion that let it through (a report
		// builder's where=) must not block every request the page makes
		// next. The URL is inspected whole, as any header.
		return false
	}
	for i := 0; i < len(v); i++ {
		if refererRaw[v[i]] {
			return false
		}
	}
	w.detectReferer(v, q)
	if len(w.e.custom[tHeader]) > 0 {
		// Custom rules see the header as sent.
		w.custom(tHeader, "Referer", v)
	}
	return true
}

// detectReferer runs the detectors for referer: over the whole URL, and
// when that would block, over the URL before its query (at q) and each
// query value. The whole is remembered clean when neither found anything.
func (w *walker) detectReferer(v string, q int) {
	if w.stop || w.e.walkOnly {
		return
	}
	m, known := w.lookupClean(KindHeaderValue, "Referer", v)
	if known {
		return
	}
	// The whole URL first: the split may only clear what it flags (a
	// search for "<script> tag"), never flag what it passes (a search
	// for an SQL statement reads as one inside URL syntax).
	w.inspectHits(KindHeaderValue, "Referer", v)
	score := 0
	for _, h := range w.hits {
		score += h.Score
	}
	if score < w.e.cfg.Threshold {
		// Passed whole: judged whole, weak signals included.
		w.recordHits(tHeader, "Referer", v, m)
		return
	}
	before := len(w.d.Matches)
	w.detect(tHeader, KindHeaderValue, "Referer", v[:q])
	for s := v[q+1:]; s != "" && !w.stop; {
		var part string
		part, s, _ = strings.Cut(s, "&")
		_, raw, _ := strings.Cut(part, "=")
		if raw == "" {
			continue
		}
		if val, _ := percentDecode(raw, true); val != "" {
			w.detect(tHeader, KindHeaderValue, "Referer", val)
		}
	}
	if m.table != nil && len(w.d.Matches) == before && !w.d.Truncated {
		remember(m.table, m.h1, m.h2)
	}
}

// refererOfHost: v, an http(s) URL, is on host (the request's Host, port
// included): the common case, told without lower-casing either.
func refererOfHost(v, host string) bool {
	rest := v[len("http://"):]
	if v[4] == 's' || v[4] == 'S' {
		rest = v[len("https://"):]
	}
	if host == "" || len(rest) <= len(host) || !asciiEqualFold(rest[:len(host)], host) {
		return false
	}
	c := rest[len(host)]
	return c == '/' || c == '?' || c == ':' && strings.IndexByte(host, ':') < 0
}

// refererRaw are bytes a browser percent-encodes in the URL it sends as a
// Referer (and a fragment, which it drops): a Referer holding one was
// written by hand.
var refererRaw = byteSet(" #<>\"`\\")

// pathOverrideHeader: the header names the path the backend should serve instead of
// the request's: IIS URL Rewrite, Symfony, Laravel and Zend read them. A
// client that sends one with another path bypasses every path rule of
// the gateway. X-Original-URI is not here: ingress-nginx sets it on every
// request, also when it rewrites the path, and no framework routes by it.
func pathOverrideHeader(name string) bool {
	// A test of the length and first byte spares most headers the
	// string comparisons (this runs for every header of every request).
	return len(name) >= 13 && len(name) <= 14 && name[0] == 'X' && (name == "X-Original-Url" || name == "X-Rewrite-Url" || name == "X-Override-Url")
}

// pathOverride flags a path-override header naming another path than the
// request's own (a proxy in front that sets it to the original URI
// passes).
func (w *walker) pathOverride(name, v, rawPath string) {
	p := v
	if i := strings.Index(p, "://"); i > 0 && i < 10 {
		p = p[i+3:]
		if j := strings.IndexByte(p, '/'); j >= 0 {
			p = p[j:]
		} else {
			p = "/"
		}
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if rawPath == "" {
		rawPath = "/"
	}
	if p == rawPath || p == "" {
		return
	}
	if dp, ok := percentDecode(p, false); ok {
		if dr, ok := percentDecode(rawPath, false); ok && dp == dr {
			return
		}
	}
	w.add(Match{Rule: "protocol-path-override", Category: CatProtocol, Score: ScoreCritical, Location: "header:" + strings.ToLower(name), Fragment: w.fragmentAt(tHeader, name, v)})
}

// clientHint inspects the strings of a client hint list one by one (see
// splitSFStrings); false when v is not such a list.
func (w *walker) clientHint(name, v string) bool {
	var buf [16]string
	items, ok := splitSFStrings(buf[:0], v)
	if !ok {
		return false
	}
	for _, s := range items {
		if !clientHintClean(s) {
			w.detect(tHeader, KindHeaderValue, name, s)
		}
	}
	if len(w.e.custom[tHeader]) > 0 {
		// Custom rules see the header as sent.
		w.custom(tHeader, name, v)
	}
	return true
}

// cookies inspects each cookie's name and raw value.
func (w *walker) cookies(r *http.Request) {
	for _, line := range r.Header["Cookie"] {
		if strings.Contains(line, "() {") || strings.Contains(line, "(){") {
			// Shellshock (CVE-2014-6271): a CGI exports the header as
			// an environment variable whole, function definition and
			// the command after it included; split at its ';' the
			// pieces say nothing.
			w.detect(tHeader, KindHeaderValue, "Cookie", line)
		}
		for line != "" && !w.stop {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			name, val, _ := strings.Cut(part, "=")
			name = strings.TrimSpace(name)
			if !w.ctrlSeen && strings.Contains(part, "%00") {
				// PHP and most frameworks percent-decode cookies.
				w.controlInParam("cookie", name, part, true)
			}
			w.name(tCookieName, KindCookieName, name, plainToken(name))
			if val != "" {
				w.value(tCookie, KindCookieValue, name, val)
			}
		}
	}
}

// name inspects a parameter, header or cookie name; plain names skip the
// detectors (nothing to find in them) but not the custom rules.
func (w *walker) name(t target, kind Kind, name string, plain bool) {
	if !plain {
		w.value(t, kind, name, name)
	} else if len(w.e.custom[t]) > 0 {
		w.custom(t, name, name)
	}
}

// plainToken reports whether s is made only of letters, digits, '_' and
// '-', which no detector can find anything in; it saves a call per name.
func plainToken(s string) bool {
	if len(s) > 1 && s[0] == '_' && s[1] == '_' {
		return false // __proto__ and the other engine internals get the detectors
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
		if c == '_' && i > 0 && s[i-1] == '_' {
			return false // an ORM lookup path (user__password__startswith)
		}
	}
	return s != ""
}

// pairs inspects an "a=1&b=2" sequence (query string or form body), each
// name and value percent-decoded once with '+' as space.
func (w *walker) pairs(s string, sep byte, tn, tv target, kn, kv Kind) {
	for s != "" && !w.stop {
		var part string
		if i := strings.IndexByte(s, sep); i >= 0 {
			part, s = s[:i], s[i+1:]
		} else {
			part, s = s, ""
		}
		if part == "" {
			continue
		}
		w.countArg()
		rawName, rawVal, _ := strings.Cut(part, "=")
		name, ok1 := percentDecode(rawName, true)
		val, ok2 := percentDecode(rawVal, true)
		if (!ok1 || !ok2) && !w.lenientEnc {
			w.badEncoding(targetNames[tv]+":"+name, w.fragmentAt(tv, name, part))
		}
		plain := plainToken(name)
		if !w.ctrlSeen && (!plain && controlName(name) || strings.IndexByte(val, 0) >= 0) {
			nul := strings.IndexByte(name, 0) >= 0 || strings.IndexByte(val, 0) >= 0
			w.controlInParam(targetNames[tv], name, part, nul)
		}
		w.name(tn, kn, name, plain)
		if val != "" {
			w.value(tv, kv, name, val)
			w.siteValue(tv, name, val)
		}
	}
}

// controlInParam flags, once per request, a NUL in a query, form or
// cookie parameter (nul), or else a line break in a parameter's name. A
// NUL ends the string for C code and the PHP and Java file APIs
// (shell.php%00.jpg passes an extension check and opens shell.php); a
// line break in a name splits the header or log line the name is copied
// into. Neither is ever in a form a browser or an API client fills in.
func (w *walker) controlInParam(place, name, part string, nul bool) {
	w.ctrlSeen = true
	rule, cat := "protocol-null-byte", CatProtocol
	if !nul {
		rule, cat = "crlf-header-injection", CatCRLF
	}
	w.add(Match{Rule: rule, Category: cat, Score: ScoreCritical, Location: place + ":" + name, Fragment: fragment(RedactURI(part))})
}

// controlName: a parameter name holds a NUL, CR or LF.
func controlName(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c == 0 || c == '\r' || c == '\n' {
			return true
		}
	}
	return false
}

// pathControl flags a NUL, CR or LF percent-encoded in the request path
// (/index.php/PHP_VALUE%0Asession.auto_start=1, /a.php%00.txt): no
// resource is named with one, and php-fpm, CGI and file APIs cut or split
// the path there.
func (w *walker) pathControl(rawPath string) {
	for s := rawPath; ; {
		i := strings.Index(s, "%0")
		if i < 0 || i+2 >= len(s) {
			return
		}
		switch s[i+2] {
		case '0', 'a', 'A', 'd', 'D':
			w.add(Match{Rule: "protocol-path-control", Category: CatProtocol, Score: ScoreCritical, Location: "path", Fragment: fragment(rawPath)})
			return
		}
		s = s[i+2:]
	}
}

// countArg counts one argument against MaxArgs.
func (w *walker) countArg() {
	w.args++
	if max := w.e.cfg.MaxArgs; max > 0 && w.args > max && !w.argsOver {
		w.argsOver = true
		w.add(Match{Rule: "protocol-args", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "args"})
	}
}

// badEncoding notes a malformed percent-encoding, once per request.
func (w *walker) badEncoding(loc, frag string) {
	if w.badEnc {
		return
	}
	w.badEnc = true
	w.add(Match{Rule: "protocol-bad-encoding", Category: CatProtocol, Score: ScoreNotice, Location: loc, Fragment: frag})
}

// sessionHint: the query string holds "ses", "sid", "cfi"/"cft" (CFID,
// CFTOKEN), "cak" (CakePHP) or "met" (Meteor), in any case; one pass, no
// allocation. Every name sessionParam accepts holds one of them.
func sessionHint(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		switch s[i] | 0x20 {
		case 's':
			if a, b := s[i+1]|0x20, s[i+2]|0x20; a == 'e' && b == 's' || a == 'i' && b == 'd' {
				return true
			}
		case 'c':
			if a, b := s[i+1]|0x20, s[i+2]|0x20; a == 'f' && (b == 'i' || b == 't') || a == 'a' && b == 'k' {
				return true
			}
		case 'm':
			if s[i+1]|0x20 == 'e' && s[i+2]|0x20 == 't' { // meteor_login_token
				return true
			}
		}
	}
	return false
}

// sessionParam reports a query parameter named like a session cookie of a
// common framework (PHPSESSID, JSESSIONID, ASPSESSIONID…, laravel_session,
// next-auth.session-token, connect.sid, rack.session, koa.sess, CakePHP,
// Meteor's login token, CFID/CFTOKEN), or named as a session id by the
// usual conventions (…sessionid, …session_id, …session-id, …sessid).
func sessionParam(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "cfid", "cftoken", "connect.sid", "sails.sid", "asp.net_sessionid", "weblogicsession", "jservsession", "jwsession",
		"sid_session", "rack.session", "koa.sess", "koa:sess", "cakephp", "meteor_login_token":
		return true
	}
	for _, suffix := range [...]string{"sessionid", "session_id", "session-id", "sessid", "sess_id", "_session", ".session-token", "-session-token"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return strings.HasPrefix(n, "aspsessionid")
}

// sessionFixation flags a session identifier set through the query string
// (session-fixation): the victim follows a link that carries the
// attacker's session. With a Referer from another site it is the attack's
// shape (critical); with no Referer at all a warning; a same-site Referer
// is the application's own link.
func (w *walker) sessionFixation(r *http.Request, rawQuery string) {
	for s := rawQuery; s != ""; {
		var part string
		part, s, _ = strings.Cut(s, "&")
		rawName, _, _ := strings.Cut(part, "=")
		name, _ := percentDecode(rawName, true)
		if !sessionParam(name) {
			continue
		}
		score := ScoreWarning
		if ref := r.Header.Get("Referer"); ref != "" {
			refHost := urlHostOf(ref)
			if refHost == "" || sameSite(refHost, hostOnly(r.Host)) {
				return
			}
			score = ScoreCritical
		}
		w.add(Match{Rule: "session-fixation", Category: CatProtocol, Score: score, Location: "query_name:" + name, Fragment: fragment(name)})
		return
	}
}

// urlHostOf is the lower-case host of an absolute URL, "" if none.
func urlHostOf(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	return hostOnly(rest)
}

// hostOnly drops a port and lower-cases a host.
func hostOnly(h string) string {
	if strings.HasPrefix(h, "[") {
		if i := strings.IndexByte(h, ']'); i > 0 {
			return strings.ToLower(h[1:i])
		}
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	return strings.ToLower(h)
}

// sameSite: equal hosts, or hosts that share their last two labels
// (www.example.com and login.example.com).
func sameSite(a, b string) bool {
	if a == b {
		return true
	}
	// shop.example.co.uk and evil.co.uk share only the suffix that the
	// registry sells names under.
	n := registrableLabels(b)
	return lastLabels(a, n) == lastLabels(b, n) && strings.Count(a, ".") >= n-1
}

// registrableLabels is how many labels of host h its owner registered:
// three under a country's second-level domain (example.co.uk), else two.
func registrableLabels(h string) int {
	if countrySecondLevel(h) {
		return 3
	}
	return 2
}

// countrySecondLevel: host h ends in a country code's second-level
// domain that registries sell names under (.co.uk, .com.au, .ne.jp), by
// its shape: a two-letter top-level domain after a label of two or three
// letters that is one of the usual ones.
func countrySecondLevel(h string) bool {
	tld := lastLabels(h, 1)
	if len(tld) != 2 {
		return false
	}
	sl := lastLabels(h, 2)
	if len(sl) <= 3 {
		return false
	}
	switch sl[:len(sl)-3] {
	case "co", "com", "net", "org", "gov", "edu", "ac", "ne", "or", "go", "gob", "gv", "nic", "mil":
		return true
	}
	return false
}

func lastLabels(h string, n int) string {
	i := len(h)
	for ; n > 0; n-- {
		j := strings.LastIndexByte(h[:i], '.')
		if j < 0 {
			return h
		}
		i = j
	}
	return h[i+1:]
}

// offSiteHost: target, a redirect target's host, names another site than
// site, the request's host: a DNS name or address that is neither site
// nor shares its last two labels. A single-label target (//path read as
// a host) names no site at all.
func offSiteHost(target, site string) bool {
	target = strings.TrimSuffix(target, ".")
	if target == "" || strings.IndexByte(target, '.') < 0 && strings.IndexByte(target, ':') < 0 {
		return false
	}
	if target == site {
		return false
	}
	if _, err := netip.ParseAddr(site); err == nil || strings.IndexByte(site, '.') < 0 {
		// The site is an address or a single label (localhost): every
		// DNS name is elsewhere.
		return true
	}
	return !sameSite(target, strings.TrimSuffix(site, "."))
}

// siteHost is a Host header's host without its port; "" when it is an IP
// literal or has no dot (nothing to imitate). Its case is left as sent:
// siteLookalike compares without case.
func siteHost(h string) string {
	if h == "" || h[0] == '[' {
		return ""
	}
	if i := strings.IndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	if strings.IndexByte(h, '.') < 0 {
		return ""
	}
	return h
}

// siteValue runs siteLookalike on a query or body value that may be a URL
// (a cheap test of its first byte, inlined at the callers).
func (w *walker) siteValue(t target, name, v string) {
	if (len(v) > 8 || len(v) > 3 && w.e.redirectHosts != nil) && urlLead[v[0]] {
		w.siteLookalike(t, name, v)
	}
}

// urlLead are the first bytes of an absolute or protocol-relative URL
// (leading blanks included).
var urlLead = byteSet("hH/ \t")

// siteLookalike flags a redirect target whose host starts with the site's
// own host and goes on (https://app.example.com.evil.example/,
// //app.example.com-evil.example): the bypass of a check that the target
// starts with the site's URL. Only the request layer knows the site, so
// this runs here, after the value's own detectors. A country-code domain
// of the same name (example.com.au for example.com) is another site of the
// same owner more often than not and passes, and so does the site's own
// name written as an absolute DNS name (app.example.com.). With
// redirect_hosts, every host of a redirect target but the site's and
// those listed is off-site.
func (w *walker) siteLookalike(t target, name, v string) {
	if w.host == "" || w.stop || w.e.walkOnly {
		return
	}
	protocolRelative := false
	s := v
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	scheme := ""
	switch {
	case hasPrefixFold(s, "https://"):
		scheme, s = s[:5], s[8:]
	case hasPrefixFold(s, "http://"):
		scheme, s = s[:4], s[7:]
	case strings.HasPrefix(s, "//"):
		s = s[2:]
		protocolRelative = true
	default:
		return
	}
	if !redirectParam(name) {
		return
	}
	host := urlHost(s)
	if t == tQuery && w.repeatedRedirect(name, strings.ToLower(host)) {
		// next=/account&next=https://evil.example: one parser takes the
		// first, another the last; a flow sends its target once.
		w.redirectOpen(t, name, v)
		return
	}
	if reg := registrable(hostOnly(w.host)); reg != "" && imitatesSite(strings.ToLower(host), reg) {
		// https://portal.example.com.evil.example/: the site's own
		// domain inside another one, past a check that the target
		// contains it.
		w.redirectOpen(t, name, v)
		return
	}
	if rh := w.e.redirectHosts; rh != nil {
		// A positive list of targets: any other host is off-site.
		if !rh.allows(host, hostOnly(w.host)) {
			w.redirectOpen(t, name, v)
		}
		return
	}
	if offSiteHost(strings.ToLower(host), hostOnly(w.host)) {
		if protocolRelative || mixedCase(scheme) || siteNamedAfterHost(s, hostOnly(w.host)) {
			// //evil.example passes a "starts with /" check, and
			// browsers read it as another host: the classic open
			// redirect (a flow that sends the browser to a partner
			// writes its scheme). HtTpS://evil.example slips past a
			// case-sensitive check for "https://",
			// https://evil.example/?app.example.com past one that the
			// target contains the site's name: no link a site writes
			// looks like either.
			w.redirectOpen(t, name, v)
			return
		}
		if site := siteHost(w.host); site != "" && navigationParam(name) && !ipLiteral(site) && !sameOwner(strings.ToLower(host), strings.ToLower(site)) && !returnsToSite(s, site) &&
			!(w.samlRequest && strings.EqualFold(name, "RelayState")) {
			// next=https://evil.example on a sign-in page: where the
			// browser lands after a step of the site's own flow is a
			// page of the site. Flows that hand the browser to another
			// site name it in parameters of their own (redirect_uri,
			// service, wreply) or list it in redirect_hosts.
			w.addRule(rRedirectOffsite, w.location(t, name), w.fragmentAt(t, name, v))
			return
		}
	}
	site := siteHost(w.host)
	if site == "" || len(s) <= len(site) || !hasPrefixFold(s, site) {
		return
	}
	if len(host) <= len(site) || !hasPrefixFold(host, site) {
		return
	}
	rest := strings.ToLower(host[len(site):])
	if rest == "." || reCountryDomain.MatchString(rest) {
		return
	}
	w.redirectOpen(t, name, v)
}

// redirectOpen reports v, the value of redirect parameter name, as an
// open redirect.
func (w *walker) redirectOpen(t target, name, v string) {
	w.addRule(rRedirectOpen, w.location(t, name), w.fragmentAt(t, name, v))
}

// addRule adds a match of value-layer rule id, with its category and
// score, that a request-layer check found at location.
func (w *walker) addRule(id ruleID, location, frag string) {
	r := &ruleTable[id]
	w.add(Match{Rule: r.ID, Category: r.Category, Score: r.Score, Location: location, Fragment: frag})
}

// mixedCase: s has both lower- and upper-case ASCII letters.
func mixedCase(s string) bool {
	lower, upper := false, false
	for i := 0; i < len(s); i++ {
		lower = lower || s[i] >= 'a' && s[i] <= 'z'
		upper = upper || s[i] >= 'A' && s[i] <= 'Z'
	}
	return lower && upper
}

// siteNamedAfterHost: rest (a URL after its "//") names the site's host
// after its own authority, as a bare name in its path, query or fragment.
func siteNamedAfterHost(rest, site string) bool {
	if len(site) < 4 || strings.IndexByte(site, '.') < 0 {
		return false
	}
	end := 0
	for end < len(rest) && !authorityEnd[rest[end]] {
		end++
	}
	after := rest[end:]
	i := indexFold(after, strings.ToLower(site))
	if i < 0 {
		return false
	}
	// A nested URL (…?return=https://app.example.com/, encoded or not)
	// is a sign-in flow that brings the browser back: not a bypass.
	before := strings.ToLower(after[:i])
	return !strings.HasSuffix(before, "//") && !strings.HasSuffix(before, "%2f") && !strings.HasSuffix(before, "@") && !strings.HasSuffix(before, ".")
}

// reCountryDomain: the rest of a host after a site's name that makes it
// the same name under a country code (.au, .co.uk, .com.br).
var reCountryDomain = regexp.MustCompile(`^\.(?:(?:co|com|org|net)\.)?[a-z]{2}\.?$`)

// sameOwner: target, an off-site host, is the site's own name under a
// country code (app.example.com.au, example.de for app.example.com):
// another storefront of the same owner more often than not.
func sameOwner(target, site string) bool {
	target = strings.TrimSuffix(target, ".")
	if rest, ok := strings.CutPrefix(target, site); ok && reCountryDomain.MatchString(rest) {
		return true
	}
	if len(lastLabels(target, 1)) != 2 {
		return false
	}
	return brand(target) == brand(site)
}

// brand is the label a host's owner registered: "example" of
// app.example.com and of shop.example.co.uk.
func brand(h string) string {
	r := lastLabels(h, registrableLabels(h))
	if i := strings.IndexByte(r, '.'); i >= 0 {
		return r[:i]
	}
	return ""
}

// returnsToSite: rest (a URL after its "//") carries a URL of the site
// itself, encoded or not (https://sso.partner.example/login?return=
// https://app.example.com/): a sign-in through a partner that brings the
// browser back.
func returnsToSite(rest, site string) bool {
	for _, p := range [...]string{"//", "%2f%2f", "%252f%252f"} {
		for i := indexFold(rest, p); i >= 0; {
			after := rest[i+len(p):]
			if hasPrefixFold(after, site) {
				return true
			}
			j := indexFold(after, p)
			if j < 0 {
				break
			}
			i += len(p) + j
		}
	}
	return false
}

// ipLiteral: h is an IP address, not a DNS name.
func ipLiteral(h string) bool {
	_, err := netip.ParseAddr(h)
	return err == nil
}

// h2cUpgrade: an Upgrade header value that lists h2c among its protocols.
func h2cUpgrade(v string) bool {
	for _, p := range strings.Split(v, ",") {
		if strings.EqualFold(strings.TrimSpace(p), "h2c") {
			return true
		}
	}
	return false
}

// clientIPHeader: header name (canonical) carries the addresses of
// clients and proxies.
func clientIPHeader(name string) bool {
	switch name {
	case "X-Forwarded-For", "X-Real-Ip", "X-Client-Ip", "True-Client-Ip", "X-Originating-Ip", "X-Remote-Ip", "X-Remote-Addr", "Cf-Connecting-Ip", "Fastly-Client-Ip", "X-Cluster-Client-Ip":
		return true
	}
	return false
}

// overlongAddress: an element of a comma-separated address list longer
// than any address a proxy writes: an IPv6 address with a zone and a
// port in brackets fits in 64 bytes, anything without a colon (IPv4 with
// a port, "unknown") in 45.
func overlongAddress(v string) bool {
	for len(v) > 45 {
		el := v
		if i := strings.IndexByte(v, ','); i >= 0 {
			el, v = v[:i], v[i+1:]
		} else {
			v = ""
		}
		el = strings.TrimSpace(el)
		if len(el) > 64 || len(el) > 45 && strings.IndexByte(el, ':') < 0 {
			return true
		}
	}
	return false
}

// pathBase is the last segment of a raw path (before any path parameter).
func pathBase(p string) string {
	p = p[strings.LastIndexByte(p, '/')+1:]
	if i := strings.IndexByte(p, ';'); i >= 0 {
		p = p[:i]
	}
	return p
}

// repeatedRedirect records the host of redirect parameter name's target
// and reports whether an earlier value of the same parameter named
// another host.
func (w *walker) repeatedRedirect(name, host string) bool {
	if host == "" {
		return false
	}
	for _, r := range w.redirects {
		if strings.EqualFold(r.name, name) && r.host != host {
			return true
		}
	}
	if len(w.redirects) < 8 {
		w.redirects = append(w.redirects, redirectTarget{name, host})
	}
	return false
}

// redirectTarget is a redirect parameter's absolute target host.
type redirectTarget struct{ name, host string }

// registrable is the registrable domain of host h (its last two labels,
// three under a country's second-level domain); "" for an address or a
// single label.
func registrable(h string) string {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "" || strings.IndexByte(h, '.') < 0 || ipLiteral(h) {
		return ""
	}
	n := registrableLabels(h)
	if strings.Count(h, ".") < n-1 {
		return ""
	}
	return lastLabels(h, n)
}

// imitatesSite: target, another host, holds the site's registrable
// domain reg as whole labels before labels of its own
// (app.example.com.evil.example for example.com); the same name under a
// country code (example.com.au) is the owner's.
func imitatesSite(target, reg string) bool {
	target = strings.TrimSuffix(target, ".")
	if target == reg || strings.HasSuffix(target, "."+reg) {
		return false
	}
	i := strings.Index(target, reg+".")
	for i >= 0 {
		if i == 0 || target[i-1] == '.' {
			if !reCountryDomain.MatchString(target[i+len(reg):]) {
				return true
			}
		}
		j := strings.Index(target[i+1:], reg+".")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// basicCredentials inspects the user name and password of a Basic
// Authorization header (v), which backends log, look up in SQL or pass to
// a directory: ${jndi:…} or ' OR '1'='1 there is an attack like any
// other. Matches name the header, never the credentials; a header seen
// clean before is not decoded again.
func (w *walker) basicCredentials(v string) {
	if w.stop || w.e.walkOnly || len(v) > 4096 {
		return
	}
	m, known := w.lookupClean(KindHeaderValue, "\x00basic", v)
	if known {
		return
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v[6:]))
	if err != nil || !printableText(raw) {
		return
	}
	user, pass, _ := strings.Cut(string(raw), ":")
	if w.sc == nil {
		w.sc = w.e.insp.getScratch()
	}
	w.hits = w.hits[:0]
	for _, part := range [...]string{user, pass} {
		if part != "" {
			w.hits = w.e.insp.inspectValue(w.sc, w.hits, KindHeaderValue, "Authorization", part)
		}
	}
	if len(w.hits) == 0 {
		if m.table != nil {
			remember(m.table, m.h1, m.h2)
		}
		return
	}
	for i, h := range w.hits {
		if !dupHit(w.hits[:i], h.Rule) {
			w.add(Match{Rule: h.Rule, Category: h.Category, Score: h.Score, Location: "header:authorization", Fragment: "[Basic credentials]"})
		}
	}
}

// forwardedHostHeader: a header that names the host a proxy was asked
// for, which applications take for their own name when they build links.
func forwardedHostHeader(name string) bool {
	switch name {
	case "X-Forwarded-Host", "X-Host", "X-Original-Host", "X-Forwarded-Server", "Forwarded":
		return true
	}
	return false
}

// forwardedHostImitation adds a match when header name names a host that
// holds the site's registrable domain before labels of its own
// (X-Forwarded-Host: app.example.com.evil.example): the host a password-
// reset mail or a cached page would link to. CDNs that set the header to
// the site's public name pass, whatever the Host.
func (w *walker) forwardedHostImitation(name, v, site string) bool {
	h := v
	if name == "Forwarded" {
		i := indexFold(v, "host=")
		if i < 0 {
			return false
		}
		h = strings.Trim(v[i+5:], "\"")
		if j := strings.IndexAny(h, ";,"); j >= 0 {
			h = strings.Trim(h[:j], "\"")
		}
	} else if j := strings.IndexByte(h, ','); j >= 0 {
		h = h[:j]
	}
	h = strings.ToLower(hostOnly(strings.TrimSpace(h)))
	reg := registrable(hostOnly(site))
	if reg == "" || !imitatesSite(h, reg) {
		return false
	}
	w.add(Match{Rule: "protocol-host-override", Category: CatProtocol, Score: ScoreCritical, Location: "header:" + strings.ToLower(name), Fragment: fragment(v)})
	return true
}

// loopbackClaim: v is a loopback address (127.0.0.0/8, ::1) or
// "localhost", a port allowed.
func loopbackClaim(v string) bool {
	h := strings.ToLower(strings.TrimSpace(v))
	if h == "localhost" {
		return true
	}
	if a, err := netip.ParseAddr(hostOnly(h)); err == nil {
		return a.IsLoopback()
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return a.IsLoopback()
	}
	return false
}

// loopbackPeer: the connection's remote address is a loopback one (a
// proxy on the same machine, a test).
func loopbackPeer(remote string) bool {
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback() || remote == ""
}
