package filter

import "regexp"

// reLDAP matches filter composition that closes the application's filter
// and opens new terms: "(&(", ")(|(", "*)(uid=*", objectClass=*, and an
// extensible match with a matching-rule OID (attr:2.5.13.18:=).
var reLDAP = regexp.MustCompile(`\( ?[&|!] ?\(|\) ?\( ?[&|!]|\*\) ?\(|\) ?\( ?[a-z][\w-]* ?[~<>]?= ?\*|\(? ?objectclass ?= ?\*|[a-z][\w-]*:(?:dn:)?\d+(?:\.\d+)+:= ?`)

// ldapWords gate reLDAP.
var ldapWords = []string{")(", ") (", "(&", "(|", "(!", "( &", "( |", "( !", "objectclass", ":="}

// detectLDAP flags LDAP filter injection.
func detectLDAP(e *emitter, v *value) {
	if v.cls&(cParen|cColon) == 0 || v.cls&(cAmp|cPipe|cBang|cStar|cColon) == 0 {
		return
	}
	if v.cls&cEq == 0 && v.cls&(cAmp|cPipe|cBang) == 0 {
		return
	}
	if v.kw&kwLDAP != 0 && reLDAP.MatchString(v.norm) {
		e.hit(rLDAPFilter)
	}
}
