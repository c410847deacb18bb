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

// detectJNDI resolves the Log4j lookups that only rewrite text
// (${lower:J}, ${upper:n}, ${::-d}, ${env:X:-i}, ${date:'I'}) from the
// innermost out, then looks for ${jndi:.
func detectJNDI(e *emitter, v *value) {
	if v.cls&jndiClasses == 0 || v.cls&cBrace == 0 {
		return
	}
	d := v.norm
	if !strings.Contains(d, "${") {
		return
	}
	if v.kw&kwJNDI != 0 && reJNDIObf.MatchString(d) {
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
