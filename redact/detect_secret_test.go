package redact

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

const awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

func TestSecretsJSON(t *testing.T) {
	r := mustNew(t, Config{})
	cases := []struct {
		in   string
		want string // "" : unchanged
	}{
		{`{"aws_secret_access_key":"` + awsSecret + `"}`, `{"aws_secret_access_key":"*************/*******/******************"}`},
		{`{"AWS_SECRET_ACCESS_KEY":"` + awsSecret + `"}`, `{"AWS_SECRET_ACCESS_KEY":"*************/*******/******************"}`},
		{`{"client_secret":"8f14e45fceea167a5a36dedd4bea2543"}`, `{"client_secret":"********************************"}`},
		{`{"clientSecret":"Zx9_kP2-vQ7rT4sW1yB8"}`, `{"clientSecret":"***_***-************"}`},
		{`{"api_secret":"5f2b7c1e-9d3a-4b8e-a6f0-1c2d3e4f5a6b"}`, `{"api_secret":"********-****-****-****-************"}`},
		{`{"privateKey":"MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"}`, ""},
		{`{"x-api-key":"a1B2c3D4e5F6g7H8i9J0"}`, `{"x-api-key":"********************"}`},
		{`{"refresh_token":"1//0gLx7Qm-9HkP2aXnT8wRzYv"}`, ""},
		{`{"password":"hunter2"}`, `{"password":"*******"}`},
		{`{"db_password":"Tr0ub4dor&3"}`, `{"db_password":"*********&*"}`},
		{`{"nested":{"secret":"` + awsSecret + `"}}`, ""},
		// Not secrets.
		{`{"password":"required"}`, ""},
		{`{"password":"********"}`, ""},
		{`{"password":"Password must have 8 characters"}`, ""},
		{`{"secret":"supersecretvalue"}`, ""},
		{`{"secret":"${AWS_SECRET_ACCESS_KEY}"}`, ""},
		{`{"secret_name":"prod/db/credentials-2024"}`, ""},
		{`{"api_key_id":"AKIDEXAMPLE12345678"}`, ""},
		{`{"password_policy":"min8-upper1-digit1"}`, ""},
		{`{"etag":"d41d8cd98f00b204e9800998ecf8427e"}`, ""},
		{`{"id":"550e8400-e29b-41d4-a716-446655440000"}`, ""},
		{`{"description":"The secret of a good key is its length"}`, ""},
		{`{"secrets":["` + awsSecret + `"]}`, ""}, // an array element has no name of its own
	}
	for _, tc := range cases {
		out, f := maskAll(t, r, KindJSON, []byte(tc.in))
		want := tc.want
		if want == "" {
			want = tc.in
		}
		if strings.Contains(tc.in, awsSecret) || strings.Contains(tc.in, "privateKey") || strings.Contains(tc.in, "refresh_token") {
			if tc.want == "" && !strings.Contains(tc.in, `"secrets"`) {
				want = "" // masked, exact output not pinned
			}
		}
		switch {
		case want == "":
			if f.Types[DetSecret] != 1 {
				t.Errorf("%s: not masked as secret: %s %v", tc.in, out, f.Types)
			}
		case string(out) != want:
			t.Errorf("%s -> %s, want %s", tc.in, out, want)
		}
	}
}

func TestSecretsText(t *testing.T) {
	r := mustNew(t, Config{})
	cases := []struct {
		name, in, masked string // masked "": unchanged
	}{
		{"env", "aws_secret_access_key=" + awsSecret + "\n", "aws_secret_access_key=*************/*******/******************\n"},
		{"env spaced", "AWS_SECRET_ACCESS_KEY = " + awsSecret, "AWS_SECRET_ACCESS_KEY = *************/*******/******************"},
		{"yaml", "  client_secret: Zx9_kP2-vQ7rT4sW1yB8\n", "  client_secret: ***_***-************\n"},
		{"json in text", `log {"api_secret": "a1B2c3D4e5F6g7H8i9J0"} done`, `log {"api_secret": "********************"} done`},
		{"quoted single", "secret='a1B2c3D4e5F6g7H8i9J0'", "secret='********************'"},
		{"query", "GET /cb?client_secret=a1B2c3D4e5F6g7H8i9J0&state=x", "GET /cb?client_secret=********************&state=x"},
		{"ini password", "password=Tr0ub4dor&3\n", "password=*********&3\n"}, // '&' ends a value (query strings)
		{"password", "db_password: hunter2\n", "db_password: *******\n"},
		// Not secrets.
		{"prose", "The secret: keep it simple and short.", ""},
		{"word value", "password=required", ""},
		{"masked", "password: ********", ""},
		{"time", "at 10:30:00 the key: was rotated", ""},
		{"url", "see https://example.com/secret=docs", ""},
		{"secret name", "secret_name=prod-db-credentials", ""},
		{"etag", "etag: d41d8cd98f00b204e9800998ecf8427e", ""},
		{"id", "id=550e8400-e29b-41d4-a716-446655440000", ""},
		{"placeholder", "secret=${AWS_SECRET_ACCESS_KEY}", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			types, out := detect(t, r, tc.in)
			want := tc.masked
			if want == "" {
				want = tc.in
			}
			if out != want {
				t.Fatalf("%q -> %q (%v), want %q", tc.in, out, types, want)
			}
			if tc.masked == "" && len(types) != 0 {
				t.Fatalf("%q: findings %v", tc.in, types)
			}
		})
	}
}

// TestSecretPrecision: random secrets under secret names are masked;
// words, sentences and ids under the same names or others are not.
func TestSecretPrecision(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	r := mustNew(t, Config{})
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	const hex = "0123456789abcdef"
	gen := func(alpha string, n int) string {
		var sb strings.Builder
		for range n {
			sb.WriteByte(alpha[rng.IntN(len(alpha))])
		}
		return sb.String()
	}
	names := []string{"aws_secret_access_key", "client_secret", "secret", "api_secret", "private_key", "apiKey", "SECRET_KEY", "signing_key"}
	hits, n := 0, 0
	for range 2000 {
		name := names[rng.IntN(len(names))]
		v := gen(b64, 40)
		if rng.IntN(2) == 0 {
			v = gen(hex, 32+rng.IntN(33))
		}
		n++
		if _, f := maskAll(t, r, KindJSON, []byte(fmt.Sprintf(`{%q:%q}`, name, v))); f.Types[DetSecret] == 1 {
			hits++
		}
	}
	recall := float64(hits) / float64(n)
	words := strings.Fields("the quick brown fox jumps over the lazy dog configuration production staging enabled disabled " +
		"rotation-required pending-approval customer-managed hello-world-example default-value not-configured")
	kept, m := 0, 0
	for range 2000 {
		name := names[rng.IntN(len(names))]
		var v string
		switch rng.IntN(3) {
		case 0:
			v = words[rng.IntN(len(words))] + "-" + words[rng.IntN(len(words))] + "-" + words[rng.IntN(len(words))]
		case 1:
			v = words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		default:
			v = strings.Repeat(words[rng.IntN(len(words))], 2)
		}
		m++
		if _, f := maskAll(t, r, KindJSON, []byte(fmt.Sprintf(`{%q:%q}`, name, v))); f.Total == 0 {
			kept++
		}
	}
	precision := float64(kept) / float64(m)
	t.Logf("secret recall %.4f (%d of %d random keys), ordinary values kept %.4f (%d of %d)", recall, hits, n, precision, kept, m)
	if recall < 0.995 || precision < 0.995 {
		t.Errorf("recall %.4f precision %.4f", recall, precision)
	}
}

// TestSecretNamesWithDigits: a name may carry a number after its last
// word ("secret2", "aws_secret_access_key_1"); the word before the number
// still decides.
func TestSecretNamesWithDigits(t *testing.T) {
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	const key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	for _, name := range []string{"secret2", "aws_secret_access_key_1", "client_secret_02", "API_KEY2", "password-3", "refreshToken1", "db_password12"} {
		for _, in := range []string{
			`{"` + name + `":"` + key + `"}`,
			name + "=" + key + "\n",
			name + ": " + key + "\n",
		} {
			kind := KindText
			if in[0] == '{' {
				kind = KindJSON
			}
			out, f := maskAll(t, r, kind, []byte(in))
			if f.Types[DetSecret] != 1 || strings.Contains(string(out), "EXAMPLEKEY") {
				t.Errorf("%q -> %q", in, out)
			}
		}
	}
	for _, name := range []string{"secret_name2", "api_key_id1", "token_type2", "password_policy3", "key2", "v2"} {
		in := `{"` + name + `":"` + key + `"}`
		if out, f := maskAll(t, r, KindJSON, []byte(in)); f.Types[DetSecret] != 0 {
			t.Errorf("%q -> %q", in, out)
		}
	}
}

// TestSecretKeyEnd: secretKeyEnd decides every three bytes as the string
// switch it replaced.
func TestSecretKeyEnd(t *testing.T) {
	ref := func(t []byte) bool {
		switch string([]byte{t[0] | 0x20, t[1] | 0x20, t[2] | 0x20}) {
		case "ret", "ord", "swd", "pwd", "ase", "ass", "key", "ken":
			return true
		}
		return false
	}
	var w [3]byte
	for v := range 1 << 24 {
		w[0], w[1], w[2] = byte(v), byte(v>>8), byte(v>>16)
		if got, want := secretKeyEnd(w[:]), ref(w[:]); got != want {
			t.Fatalf("%q: %v, want %v", w, got, want)
		}
	}
}
