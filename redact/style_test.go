package redact

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestStyles(t *testing.T) {
	const card = "4111 1111 1111 1111"
	for _, tc := range []struct {
		name  string
		style Style
		want  string
	}{
		{"mask default", Style{}, "**** **** **** ****"},
		{"mask char keep last", Style{Char: "#", KeepLast: 4}, "#### #### #### 1111"},
		{"mask bin and last4", Style{KeepFirst: 6, KeepLast: 4}, "4111 11** **** 1111"},
		{"mask keeps at most bin+4 for cards", Style{KeepFirst: 8, KeepLast: 8}, "4111 11** **** 1111"},
		{"replace", Style{Kind: StyleReplace, Replacement: "<card>"}, "<card>"},
		{"replace default", Style{Kind: StyleReplace}, DefaultReplacement},
		{"label", Style{Kind: StyleLabel}, "[CREDIT_CARD]"},
		{"label custom", Style{Kind: StyleLabel, Label: "PAN"}, "[PAN]"},
		{"remove", Style{Kind: StyleRemove}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustNew(t, Config{Styles: map[string]Style{DetCreditCard: tc.style}})
			out, _ := maskAll(t, r, KindText, []byte("pay "+card+" now"))
			if want := "pay " + tc.want + " now"; string(out) != want {
				t.Fatalf("got %q want %q", out, want)
			}
		})
	}
}

func TestHMACStyle(t *testing.T) {
	r := mustNew(t, Config{Style: &Style{Kind: StyleHMAC}, HMACKey: "k1"})
	a, _ := maskAll(t, r, KindText, []byte("4111 1111 1111 1111"))
	b, _ := maskAll(t, r, KindText, []byte("4111-1111-1111-1111"))
	if string(a) != string(b) || !strings.HasPrefix(string(a), "[CREDIT_CARD:") || len(a) != len("[CREDIT_CARD:]")+16 {
		t.Fatalf("pseudonyms %q %q: want equal [CREDIT_CARD:16 hex]", a, b)
	}
	r2 := mustNew(t, Config{Style: &Style{Kind: StyleHMAC}, HMACKey: "k2"})
	c, _ := maskAll(t, r2, KindText, []byte("4111 1111 1111 1111"))
	if string(c) == string(a) {
		t.Fatal("pseudonym does not depend on the key")
	}
	e1, _ := maskAll(t, r, KindText, []byte("x a@b.io"))
	e2, _ := maskAll(t, r, KindText, []byte("y c@d.io"))
	if e1[2:] == nil || string(e1[2:]) == string(e2[2:]) {
		t.Fatalf("different values, same pseudonym: %q %q", e1, e2)
	}
}

func TestFieldRules(t *testing.T) {
	cfg := Config{
		HMACKey: "key",
		Fields: []FieldRule{
			{Path: "password"},
			{Path: "*.ssn", Style: &Style{Kind: StyleLabel}},
			{Path: "users[*].card.number", Style: &Style{KeepLast: 4}},
			{Path: "$.token", Style: &Style{Kind: StyleRemove}},
			{Path: "debug", Style: &Style{Kind: StyleRemove}},
			{Path: "email", Style: &Style{Kind: StyleHMAC}},
			{Path: "tags[*]", Style: &Style{Kind: StyleReplace, Replacement: `x"y`}},
		},
	}
	r := mustNew(t, cfg)
	for _, tc := range []struct{ in, want string }{
		{`{"password":"hunter2","x":1}`, `{"password":"*******","x":1}`},
		{`{"Password":"hunter2"}`, `{"Password":"*******"}`},
		{`{"a":{"b":{"password":123}}}`, `{"a":{"b":{"password":"***"}}}`},
		{`{"password":null}`, `{"password":null}`},
		{`{"password":{"old":"a","new":"b"}}`, `{"password":"********"}`},
		{`{"ssn":"x"}`, `{"ssn":"x"}`}, // *.ssn needs a parent key
		{`{"p":{"ssn":"x"}}`, `{"p":{"ssn":"[SSN]"}}`},
		{`{"users":[{"card":{"number":"5555555555554444"}},{"card":{"number":"x"}}]}`,
			`{"users":[{"card":{"number":"************4444"}},{"card":{"number":"*"}}]}`},
		{`{"token":"t","a":{"token":"u"}}`, `{"a":{"token":"u"}}`},
		{`{"a":1,"debug":[1,{"x":"}"}],"b":2}`, `{"a":1,"b":2}`},
		{`{"debug":1,"b":2}`, `{"b":2}`},
		{`{"a":1,"debug":1}`, `{"a":1}`},
		{`{"debug":1}`, `{}`},
		{`[{"debug":1},{"debug":2,"k":3}]`, `[{},{"k":3}]`},
		{`{"tags":["a","b"]}`, `{"tags":["x\"y","x\"y"]}`},
		{`{"password":"a\"b\\c\u00e9d"}`, `{"password":"*******"}`},
	} {
		out, _ := maskAll(t, r, KindJSON, []byte(tc.in))
		if string(out) != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, out, tc.want)
		}
	}
	out, f := maskAll(t, r, KindJSON, []byte(`{"email":"a@b.io"}`))
	if !strings.HasPrefix(string(out), `{"email":"[EMAIL:`) || f.Types[FieldFinding] != 1 || f.Paths["email"] != 1 {
		t.Errorf("hmac field: %s %+v", out, f)
	}
}

func TestFindingsPaths(t *testing.T) {
	r := mustNew(t, Config{Fields: []FieldRule{{Path: "password"}}})
	_, f := maskAll(t, r, KindJSON, []byte(`{"users":[{"email":"a@b.io","password":"x"},{"email":"c@d.io"}],"note":"call +44 20 7946 0958"}`))
	want := map[string]int{"users[*].email": 2, "users[*].password": 1, "note": 1}
	for p, n := range want {
		if f.Paths[p] != n {
			t.Errorf("path %s: %d want %d (%v)", p, f.Paths[p], n, f.Paths)
		}
	}
	if f.Types[DetEmail] != 2 || f.Types[FieldFinding] != 1 || f.Types[DetPhone] != 1 || f.Total != 4 {
		t.Errorf("types %+v", f)
	}
	// Findings never carry values.
	for p := range f.Paths {
		if strings.Contains(p, "@") {
			t.Errorf("path carries a value: %q", p)
		}
	}
}

func TestNewErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Detectors: []string{"nope"}},
		{Disable: []string{"nope"}},
		{WindowBytes: 100},
		{Style: &Style{Kind: "blur"}},
		{Style: &Style{Kind: StyleHMAC}},
		{Style: &Style{Char: "**"}},
		{Style: &Style{KeepLast: -1}},
		{Styles: map[string]Style{"nope": {}}},
		{Fields: []FieldRule{{Path: ""}}},
		{Fields: []FieldRule{{Path: "a[0]"}}},
		{Fields: []FieldRule{{Path: "a..b"}}},
		{Custom: []CustomDetector{{Name: "x", Pattern: "("}}},
		{Custom: []CustomDetector{{Name: "x", Pattern: "a*"}}},
		{Custom: []CustomDetector{{Name: "Bad Name", Pattern: "a"}}},
		{Custom: []CustomDetector{{Name: "email", Pattern: "a"}}},
		{Custom: []CustomDetector{{Name: "x", Pattern: "a", Validator: "nope"}}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

func TestCustomDetectors(t *testing.T) {
	r := mustNew(t, Config{Custom: []CustomDetector{
		{Name: "employee_id", Pattern: `EMP-[0-9]{6}`},
		{Name: "acct", Pattern: `acct:[0-9]{8,19}`, Validator: "luhn"},
	}, Styles: map[string]Style{"employee_id": {Kind: StyleLabel}}})
	out, f := maskAll(t, r, KindJSON, []byte(`{"a":"EMP-123456 and EMP-12","b":"acct:79927398713 acct:79927398710"}`))
	want := `{"a":"[EMPLOYEE_ID] and EMP-12","b":"****:*********** acct:79927398710"}`
	if string(out) != want || f.Types["employee_id"] != 1 || f.Types["acct"] != 1 {
		t.Fatalf("got %s %+v", out, f.Types)
	}
}

func TestKindForContentType(t *testing.T) {
	for _, tc := range []struct {
		ct   string
		kind BodyKind
		ok   bool
	}{
		{"application/json", KindJSON, true},
		{"application/json; charset=utf-8", KindJSON, true},
		{"application/problem+json", KindJSON, true},
		{"application/x-ndjson", KindJSON, true},
		{"text/html; charset=utf-8", KindText, true},
		{"text/plain", KindText, true},
		{"text/event-stream", KindText, true},
		{"application/xml", KindText, true},
		{"application/atom+xml", KindText, true},
		{"application/x-www-form-urlencoded", KindText, true},
		{"application/javascript", KindText, true},
		{"image/png", KindText, false},
		{"application/octet-stream", KindText, false},
		{"application/pdf", KindText, false},
		{"multipart/form-data; boundary=x", KindText, false},
		{"", KindText, false},
		{"garbage", KindText, false},
	} {
		k, ok := KindForContentType(tc.ct)
		if ok != tc.ok || ok && k != tc.kind {
			t.Errorf("%q: (%v, %v) want (%v, %v)", tc.ct, k, ok, tc.kind, tc.ok)
		}
	}
}

// TestMaskBytesFastPath: the table-driven path (nothing kept, no escapes)
// and the general path mask the same bytes.
func TestMaskBytesFastPath(t *testing.T) {
	st, err := compileStyle(Style{Char: "#"}, "X", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for range 200 {
		raw := make([]byte, 1+rng.IntN(40))
		for i := range raw {
			raw[i] = byte(rng.IntN(256))
			if raw[i] == '\\' {
				raw[i] = '/'
			}
		}
		want := make([]byte, len(raw))
		for i, c := range raw {
			want[i] = c
			if isAlnum(c) || c >= 0x80 {
				want[i] = '#'
			}
		}
		if got := maskBytes(nil, raw, &st, false); !bytes.Equal(got, want) {
			t.Fatalf("fast path: %q -> %q, want %q", raw, got, want)
		}
		// A JSON escape forces the general path; it is copied as is.
		got := maskBytes(nil, append(append([]byte{}, raw...), `\n`...), &st, true)
		if !bytes.Equal(got, append(want, `\n`...)) {
			t.Fatalf("general path: %q -> %q, want %q", raw, got, want)
		}
	}
}
