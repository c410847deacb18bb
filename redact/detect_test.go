package redact

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// detect returns the detector names found in s (text mode) and the output.
func detect(t *testing.T, r *Redactor, s string) (map[string]int, string) {
	t.Helper()
	out, f := maskAll(t, r, KindText, []byte(s))
	return f.Types, string(out)
}

func TestDetectors(t *testing.T) {
	r := mustNew(t, Config{IPAddresses: true})
	cases := []struct {
		name, in, det string // det "": nothing may be found
	}{
		// Payment cards.
		{"visa spaced", "card 4111 1111 1111 1111.", DetCreditCard},
		{"visa plain", "4111111111111111", DetCreditCard},
		{"mastercard dashed", "pay 5555-5555-5555-4444 now", DetCreditCard},
		{"mastercard 2-series", "2223003122003222", DetCreditCard},
		{"amex 4-6-5", "3782 822463 10005", DetCreditCard},
		{"discover", "6011111111111117", DetCreditCard},
		{"jcb", "3530111333300000", DetCreditCard},
		{"diners 14", "30569309025904", DetCreditCard},
		{"unionpay 19 with context", "card number: 6200000000000000000", DetCreditCard},
		{"visa 19 with context", "PAN 4000000000000000006", DetCreditCard},
		{"luhn invalid", "4111 1111 1111 1112", ""},
		{"luhn invalid plain", "4111111111111112", ""},
		{"unknown prefix", "9111111111111111", ""},
		{"19-digit id passing luhn without context", "order 4000000000000000006 shipped", ""},
		{"too long", "41111111111111111111111", ""},
		{"decimal", "0.4111111111111111", ""},
		{"glued to letters", "x4111111111111111y", ""},
		{"timestamp", "2024-01-15T10:30:00.123456Z", ""},
		{"unix ms", "1700000000000", ""},
		{"price", "1234567.89", ""},
		{"uuid", "550e8400-e29b-41d4-a716-446655440000", ""},
		// IBAN.
		{"iban DE spaced", "IBAN DE89 3704 0044 0532 0130 00", DetIBAN},
		{"iban GB", "GB82WEST12345698765432", DetIBAN},
		{"iban FR", "FR1420041010050500013M02606", DetIBAN},
		{"iban perturbed digit", "DE89 3704 0044 0532 0130 01", ""},
		{"iban perturbed check", "GB83WEST12345698765432", ""},
		{"iban wrong length", "DE89370400440532013000123", ""},
		{"iban unknown country", "ZZ89370400440532013000", ""},
		// SSN.
		{"ssn", "SSN 123-45-6788", DetSSN},
		{"ssn spaced", "ssn 536 22 1234", DetSSN},
		{"ssn area 000", "000-12-3456", ""},
		{"ssn area 666", "666-12-3456", ""},
		{"ssn area 9xx", "912-12-3456", ""},
		{"ssn group 00", "123-00-4567", ""},
		{"ssn serial 0000", "123-45-0000", ""},
		{"ssn advertised", "078-05-1120", ""},
		// E-mail.
		{"email", "write to jane.roe+tag@mail.example.org.", DetEmail},
		{"email in angle brackets", "<a@b.io>", DetEmail},
		{"not email: no tld", "user@localhost", ""},
		{"not email: handle", "@someone", ""},
		{"not email: numeric tld", "a@b.c1", ""},
		// Phone.
		{"phone intl", "+44 20 7946 0958", DetPhone},
		{"phone intl compact", "+4915112345678", DetPhone},
		{"phone nanp parens", "(415) 555-2671", DetPhone},
		{"phone nanp dashed", "call 415-555-2671", DetPhone},
		{"phone nanp dotted", "415.555.2671", DetPhone},
		{"phone 1-nanp", "1-800-555-0199", DetPhone},
		{"not phone: short", "+12 345", ""},
		{"not phone: date", "2024-01-15", ""},
		// IP (opt-in, on here).
		{"ipv4", "from 192.168.1.20 at", DetIPAddress},
		{"ipv6", "addr 2001:db8::8a2e:370:7334 ok", DetIPAddress},
		{"ipv6 loopback", "[::1]", DetIPAddress},
		{"not ipv4: 256", "300.1.1.1", ""},
		{"not ipv4: version", "v1.2.3", ""},
		{"not ipv6: time", "10:30:00", ""},
		{"not ipv6: mac", "00:1a:2b:3c:4d:5e", ""},
		// Tokens and keys.
		{"jwt", "token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", DetJWT},
		{"jwt unsigned", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.", DetJWT},
		{"not jwt: one segment", "eyJhbGciOiJIUzI1NiJ9", ""},
		{"bearer", "Authorization: Bearer abcDEF0123456789ghiJKL", DetBearer},
		{"bearer upper", "BEARER abcDEF0123456789ghiJKL", DetBearer},
		{"not bearer: prose", "Bearer tokens are fine", ""},
		{"aws akia", "key AKIAIOSFODNN7EXAMPLE end", DetAWSKey},
		{"aws asia", "ASIAY34FZKBOKMUTVV7A", DetAWSKey},
		{"not aws: short", "AKIAIOSFODNN7EXAMPL", ""},
		{"github ghp", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", DetGitHubToken},
		{"github pat", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW", DetGitHubToken},
		{"not github: short", "ghp_short", ""},
		{"slack", "xoxb-2345678901-abcdefghijkl", DetSlackToken},
		{"stripe live", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", DetStripeKey},
		{"stripe restricted", "rk_live_4eC39HqLyjWDarjtT1zdp7dc", DetStripeKey},
		{"not stripe: publishable", "pk_live_4eC39HqLyjWDarjtT1zdp7dc", ""},
		{"google", "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", DetGoogleAPIKey},
		{"pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc+/=\n-----END RSA PRIVATE KEY-----", DetPrivateKey},
		{"pem openssh", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", DetPrivateKey},
		{"not pem: public key", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----", ""},
		{"not pem: certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", ""},
		// Ordinary text.
		{"prose", "The quick brown fox jumps over the lazy dog 42 times in 2024.", ""},
		{"markdown rule", "-----", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			types, out := detect(t, r, tc.in)
			if tc.det == "" {
				if len(types) != 0 {
					t.Fatalf("%q: unexpected findings %v -> %q", tc.in, types, out)
				}
				if out != tc.in {
					t.Fatalf("%q changed to %q", tc.in, out)
				}
				return
			}
			if types[tc.det] == 0 {
				t.Fatalf("%q: %s not found (found %v) -> %q", tc.in, tc.det, types, out)
			}
			if out == tc.in {
				t.Fatalf("%q: not masked", tc.in)
			}
		})
	}
}

// TestRandomIDsSurvive: random 16-19 digit ids that fail the card checks,
// and 19-digit ids even when they pass them, stay as they are.
func TestRandomIDsSurvive(t *testing.T) {
	r := mustNew(t, Config{})
	rng := rand.New(rand.NewPCG(11, 12))
	kept := 0
	for range 5000 {
		n := 16 + rng.IntN(4)
		var sb strings.Builder
		sb.WriteByte(byte('1' + rng.IntN(9)))
		for sb.Len() < n {
			sb.WriteByte(byte('0' + rng.IntN(10)))
		}
		id := sb.String()
		in := fmt.Sprintf(`{"order_id":"%s","ref":"id %s"}`, id, id)
		out, f := maskAll(t, r, KindJSON, []byte(in))
		if n == 19 || !validCard([]byte(id)) {
			kept++
			if string(out) != in {
				t.Fatalf("id %s masked: %s (%v)", id, out, f.Types)
			}
		}
	}
	if kept < 4000 {
		t.Fatalf("only %d ids checked", kept)
	}
}

func TestCardContextJSON(t *testing.T) {
	r := mustNew(t, Config{})
	for _, tc := range []struct {
		in   string
		mask bool
	}{
		{`{"card_number":"4000000000000000006"}`, true},
		{`{"payment":{"number":"4000000000000000006"}}`, true},
		{`{"creditCardNumber":"4000000000000000006"}`, true},
		{`{"order_id":"4000000000000000006"}`, false},
		{`{"pan":4111111111111111}`, true},
		{`{"id":4111111111111111}`, false},  // a JSON number needs context
		{`{"id":"4111111111111111"}`, true}, // a 16-digit string does not
	} {
		out, _ := maskAll(t, r, KindJSON, []byte(tc.in))
		if masked := string(out) != tc.in; masked != tc.mask {
			t.Errorf("%s: masked=%v want %v (%s)", tc.in, masked, tc.mask, out)
		}
	}
}

func TestDetectorSelection(t *testing.T) {
	in := "mail a@b.io card 4111111111111111 ip 10.0.0.1"
	for _, tc := range []struct {
		cfg  Config
		want []string
	}{
		{Config{}, []string{DetEmail, DetCreditCard}},
		{Config{Disable: []string{DetEmail}}, []string{DetCreditCard}},
		{Config{Detectors: []string{DetEmail}}, []string{DetEmail}},
		{Config{IPAddresses: true}, []string{DetEmail, DetCreditCard, DetIPAddress}},
		{Config{Detectors: []string{DetIPAddress}}, []string{DetIPAddress}},
	} {
		types, _ := detect(t, mustNew(t, tc.cfg), in)
		if len(types) != len(tc.want) {
			t.Errorf("%+v: found %v, want %v", tc.cfg, types, tc.want)
		}
		for _, w := range tc.want {
			if types[w] != 1 {
				t.Errorf("%+v: %s not found once (%v)", tc.cfg, w, types)
			}
		}
	}
}

func TestValidators(t *testing.T) {
	for _, tc := range []struct {
		v    string
		in   string
		want bool
	}{
		{"luhn", "79927398713", true}, {"luhn", "79927398710", false},
		{"credit_card", "4111-1111-1111-1111", true}, {"credit_card", "1234-5678-9012-3456", false},
		{"iban", "de89 3704 0044 0532 0130 00", true}, {"iban", "DE89370400440532013001", false},
		{"ssn", "123-45-6788", true}, {"ssn", "666-45-6788", false},
	} {
		if got := validators[tc.v]([]byte(tc.in)); got != tc.want {
			t.Errorf("%s(%q) = %v", tc.v, tc.in, got)
		}
	}
}
