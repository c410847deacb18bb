package redact

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// maskAll runs body through a fresh stream in one Write.
func maskAll(t testing.TB, r *Redactor, kind BodyKind, body []byte) ([]byte, Findings) {
	t.Helper()
	var out bytes.Buffer
	st := r.NewStream(&out, kind)
	if _, err := st.Write(body); err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	f := st.Findings()
	st.Release() // the next stream of r reuses it, as a server's would
	return out.Bytes(), f
}

// maskChunked writes body in pieces cut at the given offsets (sorted, may
// repeat), calling Flush after a piece when flush says so.
func maskChunked(t testing.TB, r *Redactor, kind BodyKind, body []byte, cuts []int, flush func(int) bool) ([]byte, Findings) {
	t.Helper()
	var out bytes.Buffer
	st := r.NewStream(&out, kind)
	prev := 0
	for k, c := range append(cuts, len(body)) {
		c = min(max(c, prev), len(body))
		if _, err := st.Write(body[prev:c]); err != nil {
			t.Fatalf("write: %v", err)
		}
		if flush != nil && flush(k) {
			if err := st.Flush(); err != nil {
				t.Fatalf("flush: %v", err)
			}
		}
		prev = c
	}
	if err := st.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	f := st.Findings()
	st.Release() // the next stream of r reuses it, as a server's would
	return out.Bytes(), f
}

// randomCuts returns n sorted cut offsets in [0, size], biased to include
// single-byte pieces.
func randomCuts(rng *rand.Rand, size, n int) []int {
	cuts := make([]int, 0, n)
	for range n {
		cuts = append(cuts, rng.IntN(size+1))
	}
	for i := 1; i < len(cuts); i++ {
		for j := i; j > 0 && cuts[j] < cuts[j-1]; j-- {
			cuts[j], cuts[j-1] = cuts[j-1], cuts[j]
		}
	}
	return cuts
}

func mustNew(t testing.TB, cfg Config) *Redactor {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// Planted secrets: every one must be masked wherever it appears.
var planted = []string{
	"4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "6011111111111117",
	"DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432",
	"123-45-6788", "jane.roe+news@mail.example.org", "+44 20 7946 0958", "(415) 555-2671",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
	"AKIAIOSFODNN7EXAMPLE", "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
	"xoxb-2345678901-abcdefghijkl", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
	"AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
	"4111.1111.1111.1111", "4111\u00a01111\u00a01111\u00a01111", "5555 - 5555 - 5555 - 4444",
	"4111\u202f1111-1111 1111",
	"de89 3704 0044 0532 0130 00", "RS 35 2600 0560 1001 6113 79", "gb82-west-1234-5698-7654-32",
	"josé.garcía@example.com", "jane@bücher.de", "用户@例子.广告",
	"+1 (415) 555-2671 ext. 12", "001-212-555-0143x4587", "0041 44 668 18 00", "07700 063 966",
	"(99) 645-791", "60-56-85-91", "06 12 34 56 78",
	"aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"(+62) 617 1560 403", "+49 0397 9412619", "connor'lee@example.com",
	groupBy(ibanExample("LV", "4a13c", 1), 4), ibanExample("QA", "4a21c", 2),
	"secret_2=Zk3hQ9xL2mT7vB4nR8sW",
}
