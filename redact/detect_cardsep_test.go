package redact

import (
	"strings"
	"testing"
)

// recallCase is one row of the per-detector recall tables: in must be
// masked as det (det "": left exactly as it is).
type recallCase struct {
	name, in, det string
}

func runRecallTable(t *testing.T, cfg Config, cases []recallCase) {
	t.Helper()
	r := mustNew(t, cfg)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, kind := range []string{"text", "json"} {
				in := tc.in
				var out []byte
				var f Findings
				if kind == "json" {
					in = `{"v":"` + jsonStringBody(tc.in) + `"}`
					out, f = maskAll(t, r, KindJSON, []byte(in))
				} else {
					out, f = maskAll(t, r, KindText, []byte(in))
				}
				if tc.det == "" {
					if len(f.Types) != 0 || string(out) != in {
						t.Fatalf("%s %q: unexpected findings %v -> %q", kind, in, f.Types, out)
					}
					continue
				}
				if f.Types[tc.det] == 0 {
					t.Fatalf("%s %q: %s not found (found %v) -> %q", kind, in, tc.det, f.Types, out)
				}
				if strings.ContainsAny(tc.in, "0123456789") && leaksDigitsRun(string(out), 4) {
					t.Fatalf("%s %q: digits left visible -> %q", kind, in, out)
				}
			}
		})
	}
}

// jsonStringBody escapes s for a JSON string, keeping existing \u escapes
// (the table writes JSON-escaped separators as `\u00a0`).
func jsonStringBody(s string) string {
	s = strings.ReplaceAll(s, `"`, `\"`)
	return s
}

// leaksDigitsRun reports whether out holds n or more digits in a row.
func leaksDigitsRun(out string, n int) bool {
	run := 0
	for i := 0; i < len(out); i++ {
		if isDig(out[i]) {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func TestCardSeparators(t *testing.T) {
	runRecallTable(t, Config{}, []recallCase{
		{"dots", "card 4111.1111.1111.1111 ok", DetCreditCard},
		{"nbsp", "card 4111\u00a01111\u00a01111\u00a01111 ok", DetCreditCard},
		{"narrow nbsp", "4111\u202f1111\u202f1111\u202f1111", DetCreditCard},
		{"thin space", "4111\u20091111\u20091111\u20091111", DetCreditCard},
		{"escaped nbsp", `4111\u00a01111\u00a01111\u00a01111`, DetCreditCard},
		{"escaped nbsp upper", `4111\u00A01111\u00A01111\u00A01111`, DetCreditCard},
		{"escaped narrow nbsp", `4111\u202F1111\u202f1111\u202f1111`, DetCreditCard},
		{"mixed dash space", "4111-1111 1111-1111", DetCreditCard},
		{"spaced dashes", "4111 - 1111 - 1111 - 1111", DetCreditCard},
		{"double spaces", "5555  5555  5555  4444", DetCreditCard},
		{"double nbsp", "5555\u00a0\u00a05555\u00a0\u00a05555\u00a0\u00a04444", DetCreditCard},
		{"mixed dot dash", "5555.5555-5555 4444", DetCreditCard},
		{"amex 4-6-5 dots", "3782.822463.10005", DetCreditCard},
		{"amex nbsp", "3782\u00a0822463\u00a010005", DetCreditCard},
		{"visa 19 context dots", "card 4000.0000.0000.0000.006", DetCreditCard},
		// Near-misses.
		{"luhn invalid dots", "4111.1111.1111.1112", ""},
		{"luhn invalid nbsp", "4111\u00a01111\u00a01111\u00a01112", ""},
		{"unknown prefix mixed", "9111-1111 1111-1111", ""},
		{"19-digit id dots no context", "order 4000.0000.0000.0000.006 shipped", ""},
		{"order number", "order 1234-5678-9012-3456 shipped", ""},
		{"timestamp", "2024-01-15 10:30:00.123456", ""},
		{"version", "v1.2.3.4 and 10.20.30.40", ""},
		{"price dots", "total 1.299.999,00 or 1234.56", ""},
		{"ip address", "192.168.100.200", ""},
		{"too many separators", "4111 -  - 1111 1111 1111", ""},
		{"glued", "4111.1111.1111.1111x", ""},
		{"decimal tail", "4111.1111.1111.1111.5", DetCreditCard},
	})
}

func TestCardSeparatorsTail(t *testing.T) {
	runRecallTable(t, Config{}, []recallCase{
		{"nbsp then short group", "4111\u00a01111\u00a01111\u00a01111\u00a012", DetCreditCard},
		{"mixed then long id", "4111-1111 1111-1111 abc", DetCreditCard},
	})
}
