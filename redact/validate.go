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

// cardUnlisted: 16 to 19 digits passing Luhn, from the industries that
// issue payment cards (first digit 2 to 6), outside the issuer ranges
// cardBrandOK knows (regional and newer schemes, co-badged ranges): a card
// only where its context says card.
func cardUnlisted(d []byte) bool {
	return len(d) >= 16 && len(d) <= 19 && d[0] >= '2' && d[0] <= '6' && !cardBrandOK(d) && luhn(d)
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
// its IBAN length; 0 means none. ibanBBAN holds, for the same index, the
// class of each BBAN position ('n' digit, 'a' upper-case letter, 'c'
// either), checked once a candidate has the right length.
var ibanLengths, ibanBBAN = func() (t [26 * 26]uint8, f [26 * 26]string) {
	for _, tab := range []map[string]string{ibanRegistry, ibanPartial} {
		for cc, spec := range tab {
			k := int(cc[0]-'A')*26 + int(cc[1]-'A')
			f[k] = expandBBAN(spec)
			t[k] = uint8(4 + len(f[k]))
		}
	}
	return t, f
}()

// ibanRegistry is the country list of the SWIFT IBAN Registry (ISO 13616)
// with each country's BBAN format, as published in the registry and
// carried by the ibantools 4.5.4 country specification (2026): "4a14n" is
// four letters then fourteen digits. The French overseas departments and
// collectivities and Åland, which the registry lists under FR and FI, are
// accepted with their own codes as well (GF, GP, MQ, RE, …, AX), as banks
// and validators accept them.
var ibanRegistry = map[string]string{
	"AD": "8n12c", "AE": "19n", "AL": "8n16c", "AT": "16n", "AX": "14n", "AZ": "4a20c", "BA": "16n",
	"BE": "12n", "BG": "4a6n8c", "BH": "4a14c", "BI": "23n", "BL": "10n11c2n", "BR": "23n1a1c",
	"BY": "4a4n16c", "CH": "5n12c", "CR": "18n", "CY": "8n16c", "CZ": "20n", "DE": "18n", "DJ": "23n",
	"DK": "14n", "DO": "4a20n", "EE": "16n", "EG": "25n", "ES": "20n", "FI": "14n", "FK": "2a12n",
	"FO": "14n", "FR": "10n11c2n", "GB": "4a14n", "GE": "2c16n", "GF": "10n11c2n", "GI": "4a15c",
	"GL": "14n", "GP": "10n11c2n", "GR": "7n16c", "GT": "24c", "HN": "4a20n", "HR": "17n", "HU": "24n",
	"IE": "4c14n", "IL": "19n", "IQ": "4a15n", "IS": "22n", "IT": "1a10n12c", "JO": "4a4n18c",
	"KW": "4a22c", "KZ": "3n13c", "LB": "4n20c", "LC": "4a24c", "LI": "5n12c", "LT": "16n", "LU": "3n13c",
	"LV": "4a13c", "LY": "21n", "MC": "10n11c2n", "MD": "20c", "ME": "18n", "MF": "10n11c2n",
	"MK": "3n10c2n", "MN": "16n", "MQ": "10n11c2n", "MR": "23n", "MT": "4a5n18c", "MU": "4a19n3a",
	"NC": "10n11c2n", "NI": "4a20n", "NL": "4a10n", "NO": "11n", "OM": "3n16c", "PF": "10n11c2n",
	"PK": "4c16n", "PL": "24n", "PM": "10n11c2n", "PS": "4c21n", "PT": "21n", "QA": "4a21c",
	"RE": "10n11c2n", "RO": "4a16c", "RS": "18n", "RU": "14n15c", "SA": "2n18c", "SC": "4a20n3a",
	"SD": "14n", "SE": "20n", "SI": "15n", "SK": "20n", "SM": "1a10n12c", "SO": "19n", "ST": "21n",
	"SV": "4a20n", "TF": "10n11c2n", "TL": "19n", "TN": "20n", "TR": "5n17c", "UA": "6n19c", "VA": "18n",
	"VG": "4c16n", "WF": "10n11c2n", "XK": "16n", "YE": "4a4n18c", "YT": "10n11c2n",
}

// ibanPartial holds the countries whose banks issue IBAN-format numbers
// outside the registry (the "partial" list published by iban.com and
// Nordea, also in ibantools: mostly the BCEAO/BEAC francophone African
// countries, Algeria, Angola, Cape Verde, Guinea-Bissau, Iran, Madagascar,
// Morocco, Mozambique), with their documented formats. Mod-97 guards both.
var ibanPartial = map[string]string{
	"AO": "21n", "BF": "2c22n", "BJ": "2c22n", "CF": "23n", "CG": "23n", "CI": "1a23n", "CM": "23n",
	"CV": "21n", "DZ": "22n", "GA": "23n", "GQ": "23n", "GW": "2a19n", "IR": "22n", "KM": "23n",
	"MA": "24n", "MG": "23n", "ML": "2c22n", "MZ": "21n", "NE": "2a22n", "SN": "2a22n", "TD": "23n",
	"TG": "2a22n",
}

// expandBBAN turns "4a14n" into "aaaann…n".
func expandBBAN(spec string) string {
	var out []byte
	n := 0
	for i := 0; i < len(spec); i++ {
		c := spec[i]
		if isDig(c) {
			n = n*10 + int(c-'0')
			continue
		}
		for ; n > 0; n-- {
			out = append(out, c)
		}
	}
	return string(out)
}

// ibanBBANOK checks the BBAN of an upper-case compact IBAN s (length
// already checked) against its country's format.
func ibanBBANOK(s []byte) bool {
	f := ibanBBAN[int(s[0]-'A')*26+int(s[1]-'A')]
	for k, c := range s[4:] {
		switch f[k] {
		case 'n':
			if !isDig(c) {
				return false
			}
		case 'a':
			if !isUpper(c) {
				return false
			}
		}
	}
	return true
}

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
	return ok && n == want && buf[2] >= '0' && buf[2] <= '9' && buf[3] >= '0' && buf[3] <= '9' && ibanBBANOK(buf[:n]) && ibanMod97(buf[:n])
}
