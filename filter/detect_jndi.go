package filter

import (
	"regexp"
	"strings"
)

// Log4j lookups other than jndi that attackers use to exfiltrate data or
// to spell "jndi" without writing it.
var reJNDIObf = regexp.MustCompile(`\$\{(?:env|sys|java|ctx|main|bundle|k8s|docker|spring|log4j|sd|web|jvmrunargs|date|lower|upper|base64|marker|event|map|lookup|hostname)?:`)

// jndiClasses: a lookup starts with ${; a value with none of these classes
// gives detectJNDI nothing to find, and runDetectors does not call it.
const jndiClasses = cDollar

// jndiURLClasses: a JNDI URL of a naming service has a colon and slashes.
const jndiURLClasses = cColon | cSlash

// jndiRemoteURL finds a JNDI name that is the URL of a remote naming or
// directory service (jndi:ldap://, jndi:rmi://, jndi:dns://…), however it
// is wrapped: the payload of Log4Shell and of the JNDI injections of
// deserialisers and data-source settings, which a lookup filter that waits
// for ${jndi: misses when the braces are spelled otherwise ($&lbrace;).
func jndiRemoteURL(n string) bool {
	for i := strings.Index(n, "jndi:"); i >= 0; {
		r := strings.TrimLeft(n[i+len("jndi:"):], " ")
		for _, p := range [...]string{"ldap:", "ldaps:", "rmi:", "dns:", "iiop:", "iiopname:", "corbaname:", "nds:", "nis:", "http:", "https:"} {
			if strings.HasPrefix(r, p) && strings.HasPrefix(strings.TrimLeft(r[len(p):], " "), "//") {
				return true
			}
		}
		j := strings.Index(n[i+1:], "jndi:")
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// detectJNDI resolves the Log4j lookups that only rewrite text
// (${lower:J}, ${upper:n}, ${::-d}, ${env:X:-i}, ${date:'I'}) from the
// innermost out, then looks for ${jndi:.
func detectJNDI(e *emitter, v *value) {
	if v.cls&jndiURLClasses == jndiURLClasses && jndiRemoteURL(v.norm) {
		e.hit(rJNDILookup)
		return
	}
	if v.cls&jndiClasses == 0 || v.cls&cBrace == 0 {
		return
	}
	d := v.norm
	if !strings.Contains(d, "${") {
		return
	}
	if v.kw&kwJNDI != 0 && reJNDIObf.MatchString(d) && !(v.kind == KindBodyValue && v.cls&cNL != 0 && !strings.Contains(d, "${${") && !strings.Contains(d, "ndi")) {
		// A multi-line document saved through an API (a log4j2.xml, a
		// Spring or Compose file) writes ${env:LOG_LEVEL:-info} and
		// ${sys:user.home} as its configuration language; a lookup
		// nested in a lookup, or one near "jndi", is still judged.
		e.hit(rJNDIObfuscated)
	}
	// "jndi" spelled through lookups may leave no "ndi" and no "${${"
	// (${j${x:-n}d${x:-i}:…}): any nested lookup is resolved.
	if !strings.Contains(d, "ndi") && strings.Count(d, "${") < 2 {
		return
	}
	r := resolveLookups(v.sc.aux[:0], d)
	v.sc.aux = r
	if rs := bstr(r); strings.Contains(rs, "${jndi:") || strings.Contains(rs, "${ jndi:") {
		e.hit(rJNDILookup)
	}
}

// resolveLookups rewrites text-only lookups; others are kept as written.
// Linear: each byte is appended once and each "}" pops at most one frame;
// the stack depth is bounded.
func resolveLookups(out []byte, s string) []byte {
	var stack [32]int
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '$' && i+1 < len(s) && s[i+1] == '{' && depth < len(stack) {
			stack[depth] = len(out)
			depth++
			out = append(out, '$', '{')
			i++
			continue
		}
		if c == '}' && depth > 0 {
			depth--
			start := stack[depth]
			body := string(out[start+2:]) // small: a lookup body
			if repl, ok := lookupText(body); ok {
				out = append(out[:start], repl...)
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// lookupText returns what a text-only lookup expands to.
func lookupText(body string) (string, bool) {
	switch {
	case strings.HasPrefix(body, "lower:"):
		return body[6:], true
	case strings.HasPrefix(body, "upper:"):
		return body[6:], true
	case strings.HasPrefix(body, "date:"):
		return strings.Trim(body[5:], "'"), true
	}
	// ${anything:-default} and ${::-x} expand to the default.
	if i := strings.Index(body, ":-"); i >= 0 && !strings.HasPrefix(body, "jndi:") {
		return body[i+2:], true
	}
	return "", false
}

// jndiWords gate reJNDIObf.
var jndiWords = []string{"${env:", "${sys:", "${java:", "${ctx:", "${main:", "${bundle:", "${k8s:", "${docker:", "${spring:", "${log4j:", "${sd:", "${web:", "${jvmrunargs:", "${date:", "${lower:", "${upper:", "${base64:", "${marker:", "${event:", "${map:", "${lookup:", "${hostname:", "${:"}
