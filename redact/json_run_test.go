package redact

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// jsonRunPairs returns redactors that take jsonRun (Redactor.words) with a
// copy of each that does not: the same configuration through jsonFast
// alone.
func jsonRunPairs(t testing.TB) [][2]*Redactor {
	var ps [][2]*Redactor
	for _, cfg := range []Config{
		{WindowBytes: MinWindowBytes},
		{},
		{Disable: []string{DetPrivateKey, DetSlackToken}},
		{Disable: []string{DetSecret}},
		{Disable: []string{DetCreditCard, DetPhone}},
		{Styles: map[string]Style{DetEmail: {Kind: StyleRemove}, DetCreditCard: {KeepFirst: 6, KeepLast: 4}}},
	} {
		r := mustNew(t, cfg)
		if !r.words {
			t.Fatalf("config %+v: no word test", cfg)
		}
		off := *r
		off.words = false
		ps = append(ps, [2]*Redactor{r, &off})
	}
	return ps
}

// checkJSONRun: the body masks the same with and without jsonRun, whole
// and in the given pieces, with the same findings.
func checkJSONRun(t *testing.T, ps [][2]*Redactor, body []byte, cuts []int) {
	t.Helper()
	for pi, p := range ps {
		for _, c := range [][]int{nil, cuts} {
			got, gf := maskChunked(t, p[0], KindJSON, body, c, nil)
			want, wf := maskChunked(t, p[1], KindJSON, body, c, nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("config %d, cuts %v: with jsonRun differs at %d\nwith:    %q\nwithout: %q",
					pi, c, firstDiff(got, want), got, want)
			}
			if !reflect.DeepEqual(gf, wf) {
				t.Fatalf("config %d, cuts %v: findings %+v with jsonRun, %+v without", pi, c, gf, wf)
			}
		}
	}
}

func TestJSONRunMatchesJSONFast(t *testing.T) {
	ps := jsonRunPairs(t)
	rng := rand.New(rand.NewPCG(3, 5))
	bodies := [][]byte{benchOrders(16 << 10), benchJSON(60, false), benchJSON(30, true), randomJSONBody(rng, 6)}
	for _, s := range fuzzSeeds {
		bodies = append(bodies, []byte(s))
	}
	bodies = append(bodies,
		[]byte(`{"password":"hunter22","token":"abcdefgh","secret2":"Zk3hQ9xL2mT7vB4nR8sW","pwd":["x"]}`),
		[]byte(`[{"a":{"b":{"c":[[[{"d":4111111111111111,"e":4155552671,"f":-1.5e3}]]]}}}, {"k": [ true , false , null ] } ]`),
		[]byte(" {\n\t\"a\" :\r\n \"b\" , \"cc\":[ ] ,\"d\":{ } }\n[1,2]\n\"x\"\n3"),
		// 'b' (Bearer, Belgian IBANs) in every lane of a word.
		[]byte(`["bearer abcdefghijklmnop1234","xbearer abcdefghijklmnop1234","be68 5390 0754 7034","abcdefgbe68539007547034"]`),
		[]byte(`{"authorization":"bearer abcdefghijklmnop1234","iban":"be68539007547034","x":"xxxxxxxbe68 5390 0754 7034"}`),
	)
	bodies = append(bodies, memoRecords(rng))
	for _, body := range bodies {
		checkJSONRun(t, ps, body, randomCuts(rng, len(body), 1+rng.IntN(12)))
	}
}

// memoRecords is a body long enough for jsonRun's key memos (memoMinBuf)
// whose records, member by member, nearly repeat their neighbours' keys:
// keys that extend or shorten the memoed one, differ past its first word,
// name a secret or not, hold a flagged byte, fill the two words or exceed
// them, with blanks before the colon.
func memoRecords(rng *rand.Rand) []byte {
	keys := []string{
		"id", "idx", "i", "pass", "password", "passwordx", "pwd", "api_key", "apikey2",
		"customer", "customer_email", "customer_emails", "customer_emailx", "a", "ab",
		"note", "notes", "k\u0065y", "Key", "key1", "token", "secret_token",
		"abcdefghijklmn", "abcdefghijklmno", "abcdefghijklmnop", "card", "phone",
	}
	values := []string{
		`1`, `"shipped"`, `"hunter2222"`, `"alice@example.com"`, `"4111 1111 1111 1111"`,
		`"Zk3hQ9xL2mT7vB4nR8sW"`, `4111111111111111`, `"+44 20 7946 0018"`, `[1,"x"]`,
		`{"password":"hunter2222","id":3}`, `"left at the front door"`, `null`,
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for r := 0; b.Len() < 3*memoMinBuf; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for m := range 1 + rng.IntN(10) {
			if m > 0 {
				b.WriteByte(',')
			}
			// Mostly the key of the previous record's member, else any.
			k := keys[(m*3+r/7)%len(keys)]
			if rng.IntN(4) == 0 {
				k = keys[rng.IntN(len(keys))]
			}
			b.WriteString(`"` + k + `"`)
			if rng.IntN(9) == 0 {
				b.WriteString(" \t")
			}
			b.WriteString(":" + values[(m+r/5)%len(values)])
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.Bytes()
}

func FuzzJSONRun(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), uint64(i))
	}
	f.Add(benchOrders(2<<10), uint64(7))
	ps := jsonRunPairs(f)
	f.Fuzz(func(t *testing.T, body []byte, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, seed>>9))
		checkJSONRun(t, ps, body, randomCuts(rng, len(body), 1+rng.IntN(16)))
		// The same body as the records of an array long enough for the
		// key memos.
		if len(body) > 0 && len(body) <= 2<<10 {
			rec := append(bytes.Repeat(append(append([]byte(nil), body...), ','), memoMinBuf/len(body)+1), body...)
			rec = append(append([]byte{'['}, rec...), ']')
			checkJSONRun(t, ps, rec, randomCuts(rng, len(rec), 1+rng.IntN(16)))
		}
	})
}

// The first key of an object is scanned before the object's level has a
// key: the context tests (a phone or card named by its key) must find
// none, also once the buffer has moved past the body's start.
func TestFirstKeyScannedAfterCompaction(t *testing.T) {
	pad := `"` + strings.Repeat("left at the front door ", 1000) + `"`
	for _, body := range []string{
		`[` + pad + `,{"call +44 20 7946 0018 now":1}]`,
		`[` + pad + `,{"4111 1111 1111 1111":1}]`,
		`{"a":` + pad + `,"b":{"+44 20 7946 0018":{"4111 1111 1111 1111":2}}}`,
	} {
		for _, w := range []bool{true, false} {
			r := mustNew(t, Config{})
			r.words = w
			// A piece ends inside the key: it is scanned by the
			// general state machine, whose level has no key yet.
			k := strings.Index(body[len(pad):], `{"`) + len(pad) + 6
			got, _ := maskChunked(t, r, KindJSON, []byte(body), []int{700, 9000, k}, nil)
			if len(got) != len(body) || bytes.Contains(got, []byte("7946 0018")) || bytes.Contains(got, []byte("4111 1111")) {
				t.Errorf("words %v: %.80q…", w, got[len(pad):])
			}
		}
	}
}
