package filter

import (
	"regexp"
	"strings"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/hexdigit"
)

// reLDAP matches filter composition that closes the application's filter
// and opens new terms: "(&(" or "(|(" opening an item or another filter
// (Rison's nested arrays "!(!('a',b))" open neither), ")(|(", "*)(uid=*", objectClass=*, and an
// extensible match with a matching-rule OID (attr:2.5.13.18:=), and a
// closed term followed directly by a new one: ")(sn~=x", ")&(cn=admin",
// ")!(sn=" (an attribute description and a filter operator right after
// ")(", not an arrow function "(x=>").
var reLDAP = regexp.MustCompile(`\)[&|!]?\([a-z][\w-]*(?:;[\w-]+)*[~<>]?=(?:[^>=]|$)|\( ?[&|!] ?\( ?(?:[a-z][\w-]*(?:;[\w-]+)* ?[~<>]?=|[&|!(*])|\) ?\( ?[&|!]|\*\) ?\(|\) ?\( ?[a-z][\w-]* ?[~<>]?= ?\*|\(? ?objectclass ?= ?\*|[a-z][\w-]*:(?:dn:)?\d+(?:\.\d+)+:= ?`)

// ldapWords gate reLDAP.
var ldapWords = []string{")(", ") (", "(&", "(|", "(!", "( &", "( |", "( !", ")&(", ")|(", ")!(", "objectclass", ":="}

// ldapClasses: a filter's parentheses or an extensible match, or the
// backslash of an RFC 4515 escape; a value with none of these classes
// gives detectLDAP nothing to find, and runDetectors does not call it.
const ldapClasses = cParen | cColon | cBackslash

// detectLDAP flags LDAP filter injection.
func detectLDAP(e *emitter, v *value) {
	if v.cls&cBackslash != 0 && v.cls&cParen == 0 {
		// A filter written in RFC 4515 escapes (admin\29\28|\28uid=\2a):
		// an application that unescapes input before building its
		// filter, or escapes it twice, runs the structure they spell.
		if u, ok := ldapUnescape(strings.ToLower(v.dec)); ok {
			w := *v
			w.norm, w.dec = u, u
			w.cls = classify(u)
			w.kw = keywords.scan(u)
			detectLDAP(e, &w)
		}
		return
	}
	if v.cls&(cParen|cColon) == 0 || v.cls&(cAmp|cPipe|cBang|cStar|cColon|cEq) == 0 {
		return
	}
	if v.cls&cParen != 0 && v.cls&cStar != 0 && len(v.norm) <= 40 && ldapProbe(v) {
		e.hit(rLDAPFilter)
		return
	}
	if v.cls&cEq == 0 && v.cls&(cAmp|cPipe|cBang) == 0 {
		return
	}
	if v.kw&kwLDAP != 0 && reLDAP.MatchString(v.norm) && !ldapWholeFilter(ldapFormValue(v)) {
		e.hit(rLDAPFilter)
	}
}

// ldapFormValue is the value the whole-filter test reads: a raw body shaped
// like a one-field form ("foo=(&(…)(…))", sent without a content type)
// is read from after its "name=". Raw text bodies reach the detectors as
// body values without a name.
func ldapFormValue(v *value) string {
	s := v.norm
	if v.kind != KindBodyValue || v.name != "" {
		return s
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' && i > 0 {
			return s[i+1:]
		}
		if !isLDAPKeyChar(c) && c != '_' {
			return s
		}
	}
	return s
}

// ldapMaxDepth bounds the nesting ldapWholeFilter follows; deeper values
// are not taken as a whole filter (and stay flagged).
const ldapMaxDepth = 32

// ldapWholeFilter reports whether s (normalised: lower case, one space per
// whitespace run) is exactly one well-formed RFC 4515 search filter whose
// items name valid attribute descriptions (RFC 4512: a letter then letters,
// digits and '-', or a dotted numeric OID, with ;options) and test no
// attribute for mere presence (attr=*). Such a value is a filter the client
// composed whole, as directory search UIs and AD admin tools send
// ("(&(objectCategory=computer)(userAccountControl:1.2.840.113556.1.4.803:=2))"),
// not a breakout of the application's filter: an injection closes the
// application's term before it opens its own ("x)(|(uid=*"), starts with a
// wildcard ("*)(uid=*"), chains filters side by side, enumerates with
// presence tests, or uses items no directory accepts ("(1=0)").
func ldapWholeFilter(s string) bool {
	i := ldapSpace(s, 0)
	if i >= len(s) || s[i] != '(' {
		return false
	}
	j, ok := ldapFilter(s, i, 0)
	return ok && ldapSpace(s, j) == len(s)
}

func ldapSpace(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// ldapFilter parses one "(…)" filter at s[i] and returns the index after it.
func ldapFilter(s string, i, depth int) (int, bool) {
	if depth > ldapMaxDepth || i >= len(s) || s[i] != '(' {
		return i, false
	}
	i = ldapSpace(s, i+1)
	if i >= len(s) {
		return i, false
	}
	switch s[i] {
	case '&', '|', '!':
		not := s[i] == '!'
		i = ldapSpace(s, i+1)
		n := 0
		for i < len(s) && s[i] == '(' {
			var ok bool
			if i, ok = ldapFilter(s, i, depth+1); !ok {
				return i, false
			}
			i = ldapSpace(s, i)
			n++
		}
		if n == 0 || (not && n != 1) || i >= len(s) || s[i] != ')' {
			return i, false
		}
		return i + 1, true
	}
	i, ok := ldapItem(s, i)
	if !ok {
		return i, false
	}
	i = ldapSpace(s, i)
	if i >= len(s) || s[i] != ')' {
		return i, false
	}
	return i + 1, true
}

// ldapItem parses "attr op value" (simple, substring or extensible match)
// up to, not including, the closing ')'.
func ldapItem(s string, i int) (int, bool) {
	if i < len(s) && s[i] != ':' {
		var ok bool
		if i, ok = ldapAttr(s, i); !ok {
			return i, false
		}
	}
	switch {
	case i < len(s) && s[i] == '=':
		i++
	case i+1 < len(s) && (s[i] == '~' || s[i] == '>' || s[i] == '<') && s[i+1] == '=':
		i += 2
	case i < len(s) && s[i] == ':':
		// Extensible: [":dn"] [":" oid] ":=".
		if len(s)-i >= 3 && s[i+1:i+3] == "dn" && (i+3 == len(s) || s[i+3] == ':') {
			i += 3
		}
		if i+1 < len(s) && s[i] == ':' && s[i+1] >= '0' && s[i+1] <= '9' {
			var ok bool
			if i, ok = ldapAttr(s, i+1); !ok {
				return i, false
			}
		}
		if i+1 >= len(s) || s[i] != ':' || s[i+1] != '=' {
			return i, false
		}
		i += 2
	default:
		return i, false
	}
	start := i
	for i < len(s) && s[i] != ')' {
		if s[i] == '(' {
			return i, false
		}
		i++
	}
	if v := s[start:i]; v == "*" || v == " *" || v == "* " || v == " * " {
		return i, false
	}
	return i, true
}

// ldapAttr parses an attribute description or matching-rule OID at s[i].
func ldapAttr(s string, i int) (int, bool) {
	if i >= len(s) {
		return i, false
	}
	c := s[i]
	switch {
	case c >= 'a' && c <= 'z':
		for i < len(s) && (isLDAPKeyChar(s[i])) {
			i++
		}
	case c >= '0' && c <= '9':
		dots := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			if s[i] == '.' {
				if s[i-1] == '.' {
					return i, false
				}
				dots++
			}
			i++
		}
		if dots == 0 || s[i-1] == '.' {
			return i, false
		}
	default:
		return i, false
	}
	for i < len(s) && s[i] == ';' {
		i++
		if i >= len(s) || !isLDAPKeyChar(s[i]) {
			return i, false
		}
		for i < len(s) && isLDAPKeyChar(s[i]) {
			i++
		}
	}
	return i, true
}

func isLDAPKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}

// ldapProbe: the short values that test a directory filter without
// composing a new term, which reLDAP needs:
//   - a closing parenthesis then a NUL byte ("*))%00"): the NUL cuts off
//     the rest of the application's filter in C-based servers;
//   - a value made only of filter metacharacters ("*()|&'"), the fuzz
//     string that shows which of them reach the filter unescaped;
//   - one presence test as the whole value ("(uid=*)"), which matches
//     every entry where a name was expected.
func ldapProbe(v *value) bool {
	if v.kind != KindQueryValue && v.kind != KindBodyValue && v.kind != KindCookieValue {
		return false
	}
	if i := strings.IndexByte(v.raw, ')'); i >= 0 {
		r := v.raw[i:]
		if strings.Contains(r, ")\x00") || strings.Contains(strings.ToLower(r), ")%00") {
			return true
		}
	}
	n := strings.TrimSpace(v.norm)
	meta, ops := true, false
	for i := 0; i < len(n); i++ {
		switch n[i] {
		case '|', '&':
			ops = true
		case '*', '(', ')', '!', '\'', '"', '=', ' ':
		default:
			meta = false
		}
	}
	if meta && ops && len(n) >= 4 {
		return true
	}
	if len(n) < 5 || n[0] != '(' || !strings.HasSuffix(n, "*)") {
		return false
	}
	body := strings.TrimSpace(strings.TrimSuffix(n[1:len(n)-2], " "))
	attr, ok := strings.CutSuffix(body, "=")
	if !ok {
		return false
	}
	attr = strings.TrimSpace(attr)
	if attr == "" || attr[0] < 'a' || attr[0] > 'z' {
		return false
	}
	for i := 0; i < len(attr); i++ {
		if !isLDAPKeyChar(attr[i]) {
			return false
		}
	}
	return true
}

// ldapUnescape undoes the RFC 4515 escapes of the filter's special
// characters in n ((, ), *, \, NUL, and & | ! of the filter operators),
// when it has two or more of them and one is a parenthesis.
func ldapUnescape(n string) (string, bool) {
	if strings.Count(n, "\\") < 2 || !strings.Contains(n, "\\28") && !strings.Contains(n, "\\29") {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(n); i++ {
		if n[i] == '\\' && i+2 < len(n) {
			switch n[i+1 : i+3] {
			case "28", "29", "2a", "5c", "00", "26", "7c", "21":
				b.WriteByte(hexdigit.Val(n[i+1])<<4 | hexdigit.Val(n[i+2]))
				i += 2
				continue
			}
		}
		b.WriteByte(n[i])
	}
	return b.String(), true
}

// passwordField: name is a password's field (password, passwd, pwd,
// pass, passphrase, with a prefix: user_password, newPassword).
func passwordField(name string) bool {
	if len(name) > 32 {
		return false
	}
	var buf [32]byte
	n := bstr(foldParamName(buf[:0], name))
	return strings.HasSuffix(n, "password") || strings.HasSuffix(n, "passwd") || n == "pwd" || n == "pass" || strings.HasSuffix(n, "passphrase")
}

// directoryAttrs: name is the attribute list of a directory search.
func directoryAttrs(name string) bool {
	if len(name) < 4 || len(name) > 16 || name[0]|0x20 != 'a' && name[0]|0x20 != 'l' && name[0]|0x20 != 'r' {
		return false
	}
	for _, n := range [...]string{"attrs", "attributes", "attr", "attributelist", "attribute_list", "ldap_attrs", "returnattributes"} {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}
