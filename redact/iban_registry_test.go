package redact

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
)

// ibanCountries is every country with IBANs, its length and its BBAN
// format ("4a14n": four letters, fourteen digits; c: letter or digit), as
// the SWIFT IBAN Registry publishes them, taken from the country
// specification of ibantools 4.5.4, which includes the registry's
// territories under their own codes (AX, GF, …) and the countries of the
// partial list (AO, BF, …).
var ibanCountries = []struct {
	cc   string
	n    int
	bban string
}{
	{"AD", 24, "8n12c"}, {"AE", 23, "3n16n"}, {"AL", 28, "8n16c"}, {"AO", 25, "21n"},
	{"AT", 20, "16n"}, {"AX", 18, "14n"}, {"AZ", 28, "4a20c"}, {"BA", 20, "16n"},
	{"BE", 16, "12n"}, {"BF", 28, "2c22n"}, {"BG", 22, "4a6n8c"}, {"BH", 22, "4a14c"},
	{"BI", 27, "23n"}, {"BJ", 28, "2c22n"}, {"BL", 27, "10n11c2n"}, {"BR", 29, "23n1a1c"},
	{"BY", 28, "4a4n16c"}, {"CF", 27, "23n"}, {"CG", 27, "23n"}, {"CH", 21, "5n12c"},
	{"CI", 28, "1a23n"}, {"CM", 27, "23n"}, {"CR", 22, "18n"}, {"CV", 25, "21n"},
	{"CY", 28, "8n16c"}, {"CZ", 24, "20n"}, {"DE", 22, "18n"}, {"DJ", 27, "23n"},
	{"DK", 18, "14n"}, {"DO", 28, "4a20n"}, {"DZ", 26, "22n"}, {"EE", 20, "16n"},
	{"EG", 29, "25n"}, {"ES", 24, "20n"}, {"FI", 18, "14n"}, {"FK", 18, "2a12n"},
	{"FO", 18, "14n"}, {"FR", 27, "10n11c2n"}, {"GA", 27, "23n"}, {"GB", 22, "4a14n"},
	{"GE", 22, "2c16n"}, {"GF", 27, "10n11c2n"}, {"GI", 23, "4a15c"}, {"GL", 18, "14n"},
	{"GP", 27, "10n11c2n"}, {"GQ", 27, "23n"}, {"GR", 27, "7n16c"}, {"GT", 28, "24c"},
	{"GW", 25, "2a19n"}, {"HN", 28, "4a20n"}, {"HR", 21, "17n"}, {"HU", 28, "24n"},
	{"IE", 22, "4c14n"}, {"IL", 23, "19n"}, {"IQ", 23, "4a15n"}, {"IR", 26, "22n"},
	{"IS", 26, "22n"}, {"IT", 27, "1a10n12c"}, {"JO", 30, "4a4n18c"}, {"KM", 27, "23n"},
	{"KW", 30, "4a22c"}, {"KZ", 20, "3n13c"}, {"LB", 28, "4n20c"}, {"LC", 32, "4a24c"},
	{"LI", 21, "5n12c"}, {"LT", 20, "16n"}, {"LU", 20, "3n13c"}, {"LV", 21, "4a13c"},
	{"LY", 25, "21n"}, {"MA", 28, "24n"}, {"MC", 27, "10n11c2n"}, {"MD", 24, "2c18c"},
	{"ME", 22, "18n"}, {"MF", 27, "10n11c2n"}, {"MG", 27, "23n"}, {"MK", 19, "3n10c2n"},
	{"ML", 28, "2c22n"}, {"MN", 20, "16n"}, {"MQ", 27, "10n11c2n"}, {"MR", 27, "23n"},
	{"MT", 31, "4a5n18c"}, {"MU", 30, "4a19n3a"}, {"MZ", 25, "21n"}, {"NC", 27, "10n11c2n"},
	{"NE", 28, "2a22n"}, {"NI", 28, "4a20n"}, {"NL", 18, "4a10n"}, {"NO", 15, "11n"},
	{"OM", 23, "3n16c"}, {"PF", 27, "10n11c2n"}, {"PK", 24, "4c16n"}, {"PL", 28, "24n"},
	{"PM", 27, "10n11c2n"}, {"PS", 29, "4c21n"}, {"PT", 25, "21n"}, {"QA", 29, "4a21c"},
	{"RE", 27, "10n11c2n"}, {"RO", 24, "4a16c"}, {"RS", 22, "18n"}, {"RU", 33, "14n15c"},
	{"SA", 24, "2n18c"}, {"SC", 31, "4a20n3a"}, {"SD", 18, "14n"}, {"SE", 24, "20n"},
	{"SI", 19, "15n"}, {"SK", 24, "20n"}, {"SM", 27, "1a10n12c"}, {"SN", 28, "2a22n"},
	{"SO", 23, "19n"}, {"ST", 25, "21n"}, {"SV", 28, "4a20n"}, {"TD", 27, "23n"},
	{"TF", 27, "10n11c2n"}, {"TG", 28, "2a22n"}, {"TL", 23, "19n"}, {"TN", 24, "20n"},
	{"TR", 26, "5n17c"}, {"UA", 29, "6n19c"}, {"VA", 22, "18n"}, {"VG", 24, "4c16n"},
	{"WF", 27, "10n11c2n"}, {"XK", 20, "16n"}, {"YE", 30, "4a4n18c"}, {"YT", 27, "10n11c2n"},
}

// ibanExample builds an IBAN of country cc with format bban whose check
// digits are computed here (98 - (BBAN + cc + "00") mod 97).
func ibanExample(cc, bban string, seed int) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(bban); i++ {
		c := bban[i]
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
			continue
		}
		for ; n > 0; n-- {
			seed = seed*1103515245 + 12345
			r := (seed >> 8) & 0xffff
			switch {
			case c == 'n', c == 'c' && r%3 != 0:
				b.WriteByte(byte('0' + r%10))
			default:
				b.WriteByte(byte('A' + r%26))
			}
		}
	}
	body := b.String()
	var num strings.Builder
	for _, c := range body + cc + "00" {
		if c >= 'A' && c <= 'Z' {
			fmt.Fprintf(&num, "%d", c-'A'+10)
		} else {
			num.WriteRune(c)
		}
	}
	v, _ := new(big.Int).SetString(num.String(), 10)
	check := 98 - new(big.Int).Mod(v, big.NewInt(97)).Int64()
	return fmt.Sprintf("%s%02d%s", cc, check, body)
}

// TestIBANRegistry checks every country's length against the registry,
// that no other country code is accepted, and that an example of every
// country is masked in its common spellings while the same digits with
// one character more or less, or another check, are not.
func TestIBANRegistry(t *testing.T) {
	want := map[string]int{}
	for _, c := range ibanCountries {
		want[c.cc] = c.n
	}
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			n, ok := ibanLen(a, b)
			cc := string([]byte{a, b})
			if w := want[cc]; n != w || ok != (w != 0) {
				t.Errorf("%s: length %d (%v), registry %d", cc, n, ok, w)
			}
		}
	}
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ibanCountries {
		if got := ibanBBAN[int(c.cc[0]-'A')*26+int(c.cc[1]-'A')]; got != expandBBAN(c.bban) {
			t.Errorf("%s: BBAN format %q, registry %q", c.cc, got, expandBBAN(c.bban))
		}
		for seed := range 4 {
			iban := ibanExample(c.cc, c.bban, seed+len(c.cc)*int(c.cc[0]))
			if len(iban) != c.n {
				t.Fatalf("%s: example %s has %d characters, want %d", c.cc, iban, len(iban), c.n)
			}
			if !validIBANLoose([]byte(iban)) {
				t.Errorf("%s: example %s not valid", c.cc, iban)
			}
			for _, v := range []string{iban, groupBy(iban, 4), strings.ToLower(groupBy(iban, 4))} {
				in := "IBAN " + v + " ok"
				if out, f := r.MaskString(in); f.Types[DetIBAN] != 1 || strings.ContainsAny(out[5:len(out)-3], "0123456789") {
					t.Errorf("%s: %q -> %q", c.cc, in, out)
				}
			}
			bad := []string{iban[:len(iban)-1], iban + "7", iban[:2] + fmt.Sprintf("%02d", (int(iban[2]-'0')*10+int(iban[3]-'0')+1)%100) + iban[4:]}
			for _, v := range bad {
				in := "IBAN " + v + " ok"
				if out, f := r.MaskString(in); f.Types[DetIBAN] != 0 {
					t.Errorf("%s: near-miss %q -> %q", c.cc, in, out)
				}
			}
		}
	}
}
