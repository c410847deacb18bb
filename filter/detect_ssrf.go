package filter

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/hexdigit"
)

// metadataHosts are cloud instance-metadata endpoints: no client of a web
// application has a reason to name them.
var metadataHosts = []string{"169.254.169.254", "fd00:ec2::254", "metadata.google.internal", "100.100.100.200", "169.254.170.2", "metadata.azure.internal", "instance-data.ec2.internal", "[::ffff:a9fe:a9fe]", "[::ffff:169.254.169.254]", "metadata.packet.net", "metadata.platformequinix.com", "192.0.0.192", "metadata.tencentyun.com", "fd20:ce::254"}

// ssrfClasses: an address or a scheme; a value with none of these classes
// gives detectSSRF nothing to find, and runDetectors does not call it.
const ssrfClasses = cDot | cColon

// detectSSRF looks at the host of every URL in the value.
func detectSSRF(e *emitter, v *value) {
	if v.cls&ssrfClasses == 0 {
		return
	}
	n := v.norm
	detectSSRFLiterals(e, v)
	if v.cls&cColon == 0 || !strings.Contains(n, "//") {
		return
	}
	if v.cls&cPipe != 0 && unixSocketURL(n) {
		e.hit(rSSRFScheme)
	}
	// Loopback and private targets matter in a parameter that is a URL
	// (url=, redirect=, webhook=), not in prose that mentions one.
	urlish := (v.kind == KindQueryValue || v.kind == KindBodyValue || v.kind == KindCookieValue) && isURLValue(n)
	for k, rest := 0, n; k < 8; k++ {
		i := strings.Index(rest, "//")
		if i < 0 {
			break
		}
		scheme := rest[:i]
		if j := strings.LastIndexAny(scheme, " \"'=(<,;"); j >= 0 {
			scheme = scheme[j+1:]
		}
		rest = rest[i+2:]
		if strings.HasSuffix(scheme, ":") {
			switch strings.TrimSuffix(scheme, ":") {
			case "gopher", "dict", "tftp", "ldap", "ldaps", "sftp", "jar", "netdoc":
				// A parameter named for the scheme (ldap_url, sftpHost)
				// is a directory or transfer setting: its URL is what it
				// asks for. Internal targets there are still judged
				// (ssrf-internal-target).
				if urlish && !nameHasScheme(v.name, strings.TrimSuffix(strings.TrimSuffix(scheme, ":"), "s")) || scheme == "gopher:" || scheme == "dict:" {
					e.hit(rSSRFScheme)
				}
			}
		} else if scheme != "" {
			continue // not a URL authority ("a//b")
		}
		if h, ok := spacedUserinfoHost(rest); ok && (internalHost(h) || h == "169.254.169.254") {
			e.hit(rSSRFObfuscatedIP)
		}
		host := urlHost(rest)
		if host == "" {
			continue
		}
		classifyHost(e, host, urlish, v.raw)
		if urlish && internalHost(host) && adminPathAfter(rest) {
			// http://10.0.0.5:9200/_cat/indices, http://127.0.0.1:8080/
			// actuator/env: whatever the parameter is called, a URL to an
			// internal host's administration API is a request to reach it.
			e.hit(rSSRFInternal)
		}
	}
}

// adminPathAfter: rest (a URL after its "//") has a path segment that
// names a sensitive file or an administration surface (sensitiveSegment,
// sensitiveAfter).
func adminPathAfter(rest string) bool {
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return false
	}
	p := rest[i+1:]
	if j := strings.IndexAny(p, "?#"); j >= 0 {
		p = p[:j]
	}
	prev := ""
	for k := 0; p != "" && k < 16; k++ {
		seg, tail, _ := strings.Cut(p, "/")
		if sensitiveSegment(seg) || sensitiveAfter(prev, seg) || internalAPIAfter(prev, seg) {
			return true
		}
		prev, p = seg, tail
	}
	return false
}

// internalAPIPairs are the administration APIs of the services a cluster
// runs on internal addresses, by a segment and the one after it: Consul
// and Vault (/v1/agent/self, /v1/kv/, /v1/sys/), the Docker Engine API
// (/containers/json, /v1.41/containers/json), Kubernetes and the kubelet
// (/api/v1/namespaces/…/secrets, /pods, /runningpods), etcd
// (/v2/keys, /v3/kv/range). Only where a URL names an internal host.
var internalAPIPairs = map[string][]string{
	"v1":         {"agent", "kv", "catalog", "acl", "sys", "secret", "secrets", "namespaces", "pods", "nodes", "configmaps", "serviceaccounts"},
	"containers": {"json", "create"},
	"images":     {"json", "create"},
	"":           {"pods", "runningpods", "containerlogs", "configz"},
	"v2":         {"keys"},
	"v3":         {"kv"},
}

// internalAPIAfter: seg, after prev ("" for the first segment), is an
// internal service's administration API (internalAPIPairs); any
// version of the Docker API (v1.41) counts as its root.
func internalAPIAfter(prev, seg string) bool {
	if strings.HasPrefix(prev, "v1.") {
		prev = ""
	}
	return pairFollows(internalAPIPairs, prev, seg)
}

// nameHasScheme reports whether a parameter name holds the scheme word
// (ldap_url, ldapServer, sftp-host), in any case.
func nameHasScheme(name, scheme string) bool {
	return len(name) <= 40 && containsFold(name, scheme)
}

// detectSSRFLiterals flags a metadata address anywhere in the value.
func detectSSRFLiterals(e *emitter, v *value) {
	n := v.norm
	if v.kw&kwSSRFLiteral == 0 {
		return
	}
	if containsAny(n, metadataHosts...) {
		e.hit(rSSRFMetadata)
	}
}

// urlHost extracts the host of an authority ("user@host:port/…").
func urlHost(s string) string {
	end := 0
	for end < len(s) && !authorityEnd[s[end]] {
		end++
	}
	auth := s[:end]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	if strings.HasPrefix(auth, "[") {
		if j := strings.IndexByte(auth, ']'); j > 0 {
			return auth[1:j]
		}
		return auth[1:]
	}
	if j := strings.LastIndexByte(auth, ':'); j >= 0 {
		auth = auth[:j]
	}
	return strings.TrimSuffix(auth, ".")
}

// spacedUserinfoHost returns the host after the last '@' of an
// authority that has a blank before that '@'
// (google.com:80 &@127.0.0.1:22/): a parser that stops at the blank
// connects to the first host, one that reads on to the '@' to the second,
// so a check by one parser sends the other to an internal address. rest
// is the URL after its "//".
func spacedUserinfoHost(rest string) (string, bool) {
	end := 0
	for end < len(rest) && end < 256 && rest[end] != '/' && rest[end] != '?' && rest[end] != '#' && rest[end] != '\\' {
		end++
	}
	auth := rest[:end]
	at := strings.LastIndexByte(auth, '@')
	if at < 0 || strings.IndexAny(auth[:at], " \t") < 0 {
		return "", false
	}
	h := urlHost(auth[at+1:])
	return h, h != ""
}

// authorityEnd are the bytes that end a URL's authority for urlHost (a
// table: strings.IndexAny builds its set on every call).
var authorityEnd = byteSet("/?#\\ \"'<>")

// classifyHost scores a URL host; raw is the value as sent, to tell an IP
// spelled with Unicode look-alikes (①②⑦.⓪.⓪.①, 127。0。0。1) from a
// plain one.
func classifyHost(e *emitter, host string, urlish bool, raw string) {
	if host == "metadata" || host == "metadata.google.internal" || strings.HasSuffix(host, ".metadata.google.internal") || host == "instance-data" || host == "rancher-metadata" {
		e.hit(rSSRFMetadata)
		return
	}
	ip, obfuscated, ok := parseHostIP(host)
	if !ok {
		ip, ok = wrappedIP(host)
		obfuscated = ok
	}
	if !ok {
		if urlish && loopbackName(host) {
			e.hit(rSSRFLoopback)
			if !strings.Contains(raw, host) && hasNonASCII(raw, true) {
				// ⓛⓞⓒⓐⓛⓗⓞⓢⓣ, ｌｏｃａｌｈｏｓｔ: a URL parser's IDNA
				// mapping makes localhost of them, which no one types.
				e.hit(rSSRFObfuscatedIP)
			}
		}
		if !e.in.off[rSSRFWildcardDNS] && wildcardDNSHost(host) {
			e.hit(rSSRFWildcardDNS)
		}
		return
	}
	if obfuscated || !strings.Contains(raw, host) && hasNonASCII(raw, true) {
		e.hit(rSSRFObfuscatedIP)
	}
	ip = unembed(ip)
	switch {
	case ip == netip.AddrFrom4([4]byte{169, 254, 169, 254}) || ip == netip.MustParseAddr("fd00:ec2::254") || ip == netip.AddrFrom4([4]byte{100, 100, 100, 200}):
		e.hit(rSSRFMetadata)
	case !urlish:
	case ip.IsLoopback() || ip.IsUnspecified():
		e.hit(rSSRFLoopback)
	case ip.IsPrivate() || ip.IsLinkLocalUnicast():
		e.hit(rSSRFPrivate)
	case ip.Is6() && !globalUnicast6(ip):
		// No public host has such an address ([a::], [dead:beef::1],
		// multicast): a URL naming one probes how the server's resolver
		// and dialer treat what they cannot route.
		e.hit(rSSRFObfuscatedIP)
	}
}

// globalUnicast6 reports whether a (IPv6, no IPv4 inside) is in 2000::/3,
// the only range from which public addresses are assigned.
func globalUnicast6(a netip.Addr) bool {
	return a.As16()[0]&0xe0 == 0x20
}

// parseHostIP parses an IP host, accepting the forms inet_aton and URL
// parsers accept (decimal 2130706433, hex 0x7f000001, octal 0177.0.0.1,
// short 127.1) and reporting whether the form was non-canonical.
func parseHostIP(h string) (netip.Addr, bool, bool) {
	if strings.IndexByte(h, ':') >= 0 {
		a, err := netip.ParseAddr(h)
		if err != nil {
			return netip.Addr{}, false, false
		}
		// An IPv4 address written as IPv6 (::ffff:127.0.0.1,
		// ::ffff:7f00:1, the deprecated ::127.0.0.1, the translated
		// forms of NAT64 and SIIT) only serves to slip past a filter
		// that checks the dotted form.
		// A zone (fe80::1%eth0) names one of the server's own
		// interfaces: only a request for its link-local network has one.
		return a, a.Is4In6() || isV4Compatible(a) || unembed(a) != a || a.Zone() != "", true
	}
	if h == "" || !(h[0] >= '0' && h[0] <= '9') {
		return netip.Addr{}, false, false
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return a, false, true
	}
	parts := strings.Split(h, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		if p == "" {
			return netip.Addr{}, false, false
		}
		base := 10
		switch {
		case strings.HasPrefix(p, "0x"):
			base, p = 16, p[2:]
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		x, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, false, false
		}
		vals[i] = x
	}
	var ip uint64
	last := len(vals) - 1
	for i := 0; i < last; i++ {
		if vals[i] > 255 {
			return netip.Addr{}, false, false
		}
		ip |= vals[i] << (8 * (3 - i))
	}
	if vals[last] >= 1<<(8*(4-last)) {
		return netip.Addr{}, false, false
	}
	ip |= vals[last]
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), true, true
}

// wrappedIP reads a host that is one decimal or 0x-hex number too large
// for IPv4 (7147006462, 0x41414141A9FEA9FE) as the address of its low 32
// bits, which parsers that keep a number in a machine word connect to.
// No DNS name is all digits, so only an evasion writes one.
func wrappedIP(h string) (netip.Addr, bool) {
	base, p := 10, h
	if strings.HasPrefix(h, "0x") {
		base, p = 16, h[2:]
	}
	if p == "" || len(p) > 20 {
		return netip.Addr{}, false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !(c >= '0' && c <= '9' || base == 16 && c >= 'a' && c <= 'f') {
			return netip.Addr{}, false
		}
	}
	x, err := strconv.ParseUint(p, base, 64)
	if err != nil || x < 1<<32 {
		// Beyond 64 bits, or a plain number parseHostIP has judged.
		return netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)}), true
}

// slashlessStrongTarget: h, an inet_aton spelling or a number too large
// for IPv4, is the metadata service's address or loopback.
func slashlessStrongTarget(h string) bool {
	ip, _, ok := parseHostIP(h)
	if !ok {
		ip, ok = wrappedIP(h)
	}
	if !ok {
		return false
	}
	ip = unembed(ip)
	return ip.IsLoopback() || ip == netip.AddrFrom4([4]byte{169, 254, 169, 254}) || ip == netip.AddrFrom4([4]byte{100, 100, 100, 200})
}

// hasNonASCII reports a byte above 0x7f, or with pct a percent-encoded
// lead byte of a three-byte UTF-8 sequence (%E2…, the look-alikes).
func hasNonASCII(s string, pct bool) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
		if pct && s[i] == '%' && i+2 < len(s) && s[i+1]|0x20 == 'e' && hexdigit.Is(s[i+2]) {
			return true
		}
	}
	return false
}

// isV4Compatible: ::a.b.c.d, the deprecated IPv4-compatible form (not ::
// nor ::1).
func isV4Compatible(a netip.Addr) bool {
	if !a.Is6() || a.Is4In6() {
		return false
	}
	b := a.As16()
	for _, x := range b[:12] {
		if x != 0 {
			return false
		}
	}
	return b[12]|b[13] != 0
}

// unixSocketURL: Apache mod_proxy's "unix:/path|http://host/" form, a
// Unix socket then the URL sent over it (CVE-2021-40438: a long socket
// path makes mod_proxy connect to the URL's host instead).
func unixSocketURL(n string) bool {
	i := strings.Index(n, "unix:")
	if i < 0 {
		return false
	}
	j := strings.IndexByte(n[i:], '|')
	return j > 0 && strings.Contains(n[i+j:], "://")
}

// wildcardDNS are public DNS zones that resolve a name embedding an IP to
// that IP (127.0.0.1.nip.io, 10-0-0-1.sslip.io) or always to loopback:
// a way to name an internal address that a host check does not see.
var wildcardDNS = []string{".nip.io", ".sslip.io", ".xip.io", ".traefik.me", ".localtest.me", ".lvh.me", ".vcap.me", ".lacolhost.com", ".1u.ms", ".rbndr.us"}

// wildcardDNSHost reports a host under wildcardDNS whose embedded address
// (if any) is not public. The zones that always answer loopback count
// whatever the name.
func wildcardDNSHost(host string) bool {
	for _, z := range wildcardDNS {
		if host == z[1:] {
			// The apex of a loopback zone answers loopback too.
			return loopbackZone(z)
		}
		if !strings.HasSuffix(host, z) {
			continue
		}
		if loopbackZone(z) {
			return true
		}
		name := strings.TrimSuffix(host, z)
		// The address is the last four labels, or a dashed label.
		if i := strings.LastIndexByte(name, '.'); i >= 0 && strings.Count(name, ".") > 3 {
			name = name[strings.LastIndexByte(name[:i], '.')+1:]
		}
		parts := strings.Split(name, ".")
		if len(parts) > 4 {
			parts = parts[len(parts)-4:]
		}
		cand := strings.Join(parts, ".")
		if len(parts) == 1 {
			// 10-0-0-1 or app-10-0-0-1.
			f := strings.Split(parts[0], "-")
			if len(f) >= 4 {
				cand = strings.Join(f[len(f)-4:], ".")
			}
		}
		a, err := netip.ParseAddr(cand)
		return err != nil || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsUnspecified()
	}
	return false
}

// loopbackZone reports a wildcardDNS zone that answers loopback (or an
// attacker-chosen address) whatever the name.
func loopbackZone(z string) bool {
	switch z {
	case ".localtest.me", ".lvh.me", ".vcap.me", ".lacolhost.com", ".rbndr.us", ".1u.ms":
		return true
	}
	return false
}

// isURLValue reports whether the whole value is a URL ("scheme://…" or
// "//host…" with no spaces).
func isURLValue(n string) bool {
	if strings.IndexByte(n, ' ') >= 0 {
		return false
	}
	if strings.HasPrefix(n, "//") {
		return true
	}
	i := strings.Index(n, "://")
	if i <= 0 || i > 10 {
		return false
	}
	for k := 0; k < i; k++ {
		c := n[k]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// ssrfLiteralWords gate the metadata host search.
var ssrfLiteralWords = []string{"169.254.", "metadata", "fd00:ec2", "fd20:ce", "100.100.100.200", "instance-data", "a9fe:a9fe", "192.0.0.192"}

// unembed returns the IPv4 address inside an IPv6 one of the forms that
// carry one (IPv4-mapped ::ffff:a.b.c.d, the deprecated ::a.b.c.d, NAT64's 64:ff9b::a.b.c.d, SIIT's
// ::ffff:0:a.b.c.d), else a unchanged.
func unembed(a netip.Addr) netip.Addr {
	if a.Is4In6() {
		return a.Unmap()
	}
	if !a.Is6() {
		return a
	}
	b := a.As16()
	if isV4Compatible(a) {
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	nat64 := b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b
	siit := b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0
	for _, x := range b[4:8] {
		nat64 = nat64 && x == 0
	}
	for _, x := range b[0:8] {
		siit = siit && x == 0
	}
	nat64 = nat64 && b[8]|b[9]|b[10]|b[11] == 0
	if nat64 || siit {
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	return a
}
