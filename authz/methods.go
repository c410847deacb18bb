package authz

import "strings"

// Methods are matched through a bit mask so that the common case costs one
// AND per rule; methods outside this list use the methodOther bit and are
// then compared by name.
const methodOther uint16 = 1 << 15

var standardMethods = [...]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"}

// methodBit maps a method (case-insensitively) to its bit.
func methodBit(m string) uint16 {
	for i, s := range standardMethods {
		if m == s {
			return 1 << i
		}
	}
	for i, s := range standardMethods {
		if strings.EqualFold(m, s) {
			return 1 << i
		}
	}
	return methodOther
}
