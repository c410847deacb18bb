package redact

// Validators run only on candidates the trigger scan found, never on every
// byte. Digit arguments are ASCII digit slices.

// luhn checks the mod-10 checksum.
func luhn(d []byte) bool {
	sum, dbl := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if dbl {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		dbl = !dbl
	}
	return sum%10 == 0
}

func prefixNum(d []byte, n int) int {
	v := 0
	for i := 0; i < n && i < len(d); i++ {
		v = v*10 + int(d[i]-'0')
	}
	return v
}

// cardBrandOK checks the issuer prefix against the number's length for the
// networks in wide use; anything else is not treated as a card.
func cardBrandOK(d []byte) bool {
	n := len(d)
	p1, p2, p3, p4, p6 := prefixNum(d, 1), prefixNum(d, 2), prefixNum(d, 3), prefixNum(d, 4), prefixNum(d, 6)
	switch {
	case p1 == 4: // Visa
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011, p3 >= 644 && p3 <= 649, p2 == 65, p6 >= 622126 && p6 <= 622925: // Discover
		return n >= 16 && n <= 19
	case p4 >= 3528 && p4 <= 3589: // JCB
		return n >= 16 && n <= 19
	case p3 >= 300 && p3 <= 305, p2 == 36, p2 == 38, p2 == 39: // Diners Club
		return n >= 14 && n <= 19
	case p2 == 62, p2 == 81: // UnionPay
		return n >= 16 && n <= 19
	case p4 >= 2200 && p4 <= 2204: // Mir
		return n >= 16 && n <= 19
	case p4 == 5018, p4 == 5020, p4 == 5038, p4 == 5893, p4 == 6304, p4 == 6759,
		p4 >= 6761 && p4 <= 6763: // Maestro
		return n >= 12 && n <= 19
	}
	return false
}

// validCard: length 13-19, a known issuer prefix for that length, Luhn.
func validCard(d []byte) bool {
	return len(d) >= 13 && len(d) <= 19 && cardBrandOK(d) && luhn(d)
}

// validSSN rejects the ranges the SSA never issues: area 000, 666 and
// 900-999, group 00, serial 0000, and the well-known advertising numbers.
func validSSN(d []byte) bool {
	if len(d) != 9 {
		return false
	}
	area, group, serial := prefixNum(d, 3), prefixNum(d[3:], 2), prefixNum(d[5:], 4)
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
		return false
	}
	s := string(d)
	return s != "078051120" && s != "219099999" && s != "123456789"
}

// ibanLen returns the IBAN length of the country code ab (SWIFT
// registry); ok=false for anything that is not a registered country.
func ibanLen(a, b byte) (int, bool) {
	if !isUpper(a) || !isUpper(b) {
		return 0, false
	}
	n := int(ibanLengths[int(a-'A')*26+int(b-'A')])
	return n, n != 0
}

// ibanLengths maps a country code (two upper-case letters, as index
// 26*first+second: an array, not a map, because it is on the scan path) to
// its IBAN length; 0 means none.
//
// The first table is the SWIFT IBAN Registry (ISO 13616) country list as of
// its 2024-2025 releases (HN joined in 2024). The second holds the
// countries whose banks issue IBAN-format numbers outside the registry
// (the "partial"/experimental list of the IBAN format published by
// iban.com and Nordea and shown on Wikipedia's IBAN page: mostly the
// BCEAO/BEAC francophone African countries, Algeria, Angola, Cape Verde,
// Guinea-Bissau, Iran, Madagascar, Morocco, Mozambique), with their
// documented lengths. Mod-97 guards both.
var ibanLengths = func() (t [26 * 26]uint8) {
	partial := map[string]int{
		"AO": 25, "BF": 28, "BJ": 28, "CF": 27, "CG": 27, "CI": 28, "CM": 27, "CV": 25, "DZ": 26,
		"GA": 27, "GQ": 27, "GW": 25, "IR": 26, "KM": 27, "MA": 28, "MG": 27, "ML": 28, "MZ": 25,
		"NE": 28, "SN": 28, "TD": 27, "TG": 28,
	}
	for k, v := range partial {
		t[int(k[0]-'A')*26+int(k[1]-'A')] = uint8(v)
	}
	m := map[string]int{
		"HN": 28,
		"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
		"BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
		"DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
		"GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
		"IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
		"LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
		"MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
		"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
		"SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
		"TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
	}
	for k, v := range m {
		t[int(k[0]-'A')*26+int(k[1]-'A')] = uint8(v)
	}
	return t
}()

// ibanMod97 checks an IBAN given as upper-case letters and digits without
// spaces, length already checked.
func ibanMod97(s []byte) bool {
	// rem is reduced mod 97 only when it grows large: the same remainder,
	// with one division every few characters instead of one each.
	var rem uint64
	feed := func(c byte) bool {
		switch {
		case c >= '0' && c <= '9':
			rem = rem*10 + uint64(c-'0')
		case c >= 'A' && c <= 'Z':
			rem = rem*100 + uint64(c-'A') + 10
		default:
			return false
		}
		if rem >= 1<<56 {
			rem %= 97
		}
		return true
	}
	for _, c := range s[4:] {
		if !feed(c) {
			return false
		}
	}
	for _, c := range s[:4] {
		if !feed(c) {
			return false
		}
	}
	return rem%97 == 1
}

// validIBANLoose validates text that may carry spaces or lower case (custom
// detector validator).
func validIBANLoose(b []byte) bool {
	var buf [40]byte
	n := 0
	for _, c := range b {
		if c == ' ' || c == '-' || c == '.' {
			continue
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if n == len(buf) {
			return false
		}
		buf[n] = c
		n++
	}
	if n < 5 {
		return false
	}
	want, ok := ibanLen(buf[0], buf[1])
	return ok && n == want && buf[2] >= '0' && buf[2] <= '9' && buf[3] >= '0' && buf[3] <= '9' && ibanMod97(buf[:n])
}
