package filter

import "strings"

// Client hint headers (Sec-CH-UA, Sec-CH-UA-Full-Version-List, …) are
// RFC 8941 structured-field lists of quoted strings with parameters:
//
//	" Not A;Brand";v="99", "Chromium";v="96", "Google Chrome";v="96"
//
// Read as one value, the quotes and the ';' inside a brand look like an SQL
// string breakout followed by a statement separator. When the value is such
// a list, its strings are inspected one by one instead: an injection
// inside a brand is still seen, without the list syntax around it.

// sfClientHint reports whether a header is a client hint.
func sfClientHint(name string) bool {
	return len(name) > 7 && strings.EqualFold(name[:7], "Sec-Ch-")
}

// maxSFItems bounds the strings taken from one structured header.
const maxSFItems = 64

// splitSFStrings parses v as a list of quoted strings, each with optional
// ";key=value" parameters (value a quoted string or a token), and appends
// the strings' contents and the quoted parameter values to dst. ok is false
// when v is not such a list (then dst is returned unchanged). Escapes
// ('\') are refused: browsers never send them, so nothing needs unescaping.
func splitSFStrings(dst []string, v string) (out []string, ok bool) {
	n0 := len(dst)
	i := 0
	str := func() (string, bool) {
		if i >= len(v) || v[i] != '"' {
			return "", false
		}
		j := i + 1
		for j < len(v) && v[j] != '"' {
			if v[j] == '\\' || v[j] < 0x20 || v[j] > 0x7e {
				return "", false
			}
			j++
		}
		if j >= len(v) {
			return "", false
		}
		s := v[i+1 : j]
		i = j + 1
		return s, true
	}
	skipSP := func() {
		for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
			i++
		}
	}
	for {
		skipSP()
		s, good := str()
		if !good || len(dst)-n0 >= maxSFItems {
			return dst[:n0], false
		}
		dst = append(dst, s)
		for skipSP(); i < len(v) && v[i] == ';'; skipSP() {
			i++
			skipSP()
			k := i
			for i < len(v) && (v[i] >= 'a' && v[i] <= 'z' || v[i] >= '0' && v[i] <= '9' || v[i] == '_' || v[i] == '-' || v[i] == '.' || v[i] == '*') {
				i++
			}
			if i == k {
				return dst[:n0], false
			}
			if i < len(v) && v[i] == '=' {
				i++
				if i < len(v) && v[i] == '"' {
					p, good := str()
					if !good {
						return dst[:n0], false
					}
					dst = append(dst, p)
				} else {
					k = i
					for i < len(v) && (isWordByte(v[i]) || v[i] >= 'A' && v[i] <= 'Z' || v[i] == '.' || v[i] == '-' || v[i] == '*') {
						i++
					}
					if i == k {
						return dst[:n0], false
					}
				}
			}
		}
		if i == len(v) {
			return dst, true
		}
		if v[i] != ',' {
			return dst[:n0], false
		}
		i++
	}
}
