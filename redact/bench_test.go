package redact

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user+system) the process used so far. The
// machine running the benchmarks is shared, so besides wall-clock MB/s each
// benchmark reports MB per CPU-second of this process ("MB/cpu-s"), which is
// what one core achieves regardless of how many other jobs compete for it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the MB/cpu-s metric for n bytes per op.
func reportCPU(b *testing.B, start time.Duration, n int) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/d.Seconds()/1e6, "MB/cpu-s")
	}
}

// benchJSON builds an API-like JSON array of n records. dense: every record
// carries an e-mail, a card, a phone number and an IBAN; sparse: one record
// in 100 carries an e-mail.
func benchJSON(n int, dense bool) []byte {
	return benchJSONPhone(n, dense, "+1 415 555 %04d")
}

// benchJSONPhone is benchJSON with the phone numbers of the dense records
// printed with phoneFmt (one %04d verb).
func benchJSONPhone(n int, dense bool, phoneFmt string) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	sb.WriteString(`{"data":[`)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"uuid":"%08x-%04x-4%03x-a%03x-%012x","created_at":"2024-0%d-1%dT10:%02d:00Z",`,
			1000000+i, rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Int64N(1<<48),
			1+rng.IntN(9), rng.IntN(10), rng.IntN(60))
		fmt.Fprintf(&sb, `"name":"Customer %d","status":"active","price":%d.%02d,"tags":["alpha","beta"],`,
			i, rng.IntN(1000), rng.IntN(100))
		if dense {
			fmt.Fprintf(&sb, `"email":"user%d@example.com","card":"4111 1111 1111 1111","phone":"`+phoneFmt+`","iban":"DE89 3704 0044 0532 0130 00",`, i, rng.IntN(10000))
		} else if i%100 == 0 {
			fmt.Fprintf(&sb, `"email":"user%d@example.com",`, i)
		}
		sb.WriteString(`"description":"The quick brown fox jumps over the lazy dog; order shipped to the warehouse on time.","score":0.75,"active":true,"parent":null}`)
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}

// benchOrders is the body of internal/benchbackend's /big: a JSON array of
// about size bytes of short order records, with an e-mail and a card number
// in one record of every 50. Keep the two in step.
func benchOrders(size int) []byte {
	var sb strings.Builder
	sb.WriteByte('[')
	for i := 0; sb.Len() < size-200; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		if i%50 == 0 {
			fmt.Fprintf(&sb, `{"id":%d,"customer":"user%d@example.com","card":"4111 1111 1111 1111","total":%d.50,"status":"shipped"}`, i, i, i%97)
		} else {
			fmt.Fprintf(&sb, `{"id":%d,"sku":"SKU-%06d","qty":%d,"total":%d.50,"status":"shipped","note":"left at the front door"}`, i, i*7, i%5+1, i%97)
		}
	}
	sb.WriteByte(']')
	return []byte(sb.String())
}

// naiveAlternation is the straightforward approach: one regexp alternating
// the same detectors, replaced over the whole body.
var naiveAlternation = regexp.MustCompile(strings.Join([]string{
	`\b(?:\d[ -]?){12,18}\d\b`,                                    // cards
	`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`, // IBAN
	`\b\d{3}-\d{2}-\d{4}\b`,                                       // SSN
	`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,              // e-mail
	`\+\d[\d ().-]{7,20}\d`,                                       // phone
	`\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b`,                         // phone
	`eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*`,   // JWT
	`(?i)bearer [A-Za-z0-9._~+/-]{16,}=*`,                         // bearer
	`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----`,
	`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`,
	`\bgh[pousr]_[A-Za-z0-9]{36,}\b`, `\bgithub_pat_[A-Za-z0-9_]{22,}\b`,
	`\bxox[abprse]-[A-Za-z0-9-]{10,}`,
	`\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b`,
	`\bAIza[A-Za-z0-9_-]{35}\b`,
}, "|"))

func benchStream(b *testing.B, body []byte, kind BodyKind) {
	benchStreamConfig(b, body, kind, Config{})
}

func benchStreamConfig(b *testing.B, body []byte, kind BodyKind, cfg Config) {
	r, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	defer func() { reportCPU(b, c0, len(body)) }()
	for range b.N {
		st := r.NewStream(io.Discard, kind)
		for p := body; len(p) > 0; {
			n := min(len(p), 32<<10)
			if _, err := st.Write(p[:n]); err != nil {
				b.Fatal(err)
			}
			p = p[n:]
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRedact(b *testing.B) {
	sparse, dense := benchJSON(4000, false), benchJSON(4000, true)
	b.Run("json_sparse", func(b *testing.B) { benchStream(b, sparse, KindJSON) })
	b.Run("json_dense", func(b *testing.B) { benchStream(b, dense, KindJSON) })
	b.Run("text_sparse", func(b *testing.B) { benchStream(b, sparse, KindText) })
	b.Run("text_dense", func(b *testing.B) { benchStream(b, dense, KindText) })
	// Phones the library validates (every dense record: one call each),
	// international and national.
	intl, national := benchJSONPhone(4000, true, "+44 20 7946 %04d"), benchJSONPhone(4000, true, "020 7946 %04d")
	b.Run("json_dense_phone_intl", func(b *testing.B) { benchStream(b, intl, KindJSON) })
	b.Run("json_dense_phone_national", func(b *testing.B) { benchStream(b, national, KindJSON) })
	// The 64 KiB order list that scripts/load.sh masks end to end.
	b.Run("json_orders", func(b *testing.B) { benchStream(b, benchOrders(64<<10), KindJSON) })
	small := dense[:256<<10]
	b.Run("naive_regexp_dense", func(b *testing.B) {
		b.SetBytes(int64(len(small)))
		c0 := cpuTime()
		defer func() { reportCPU(b, c0, len(small)) }()
		for range b.N {
			naiveAlternation.ReplaceAllFunc(small, func(m []byte) []byte { return []byte("[REDACTED]") })
		}
	})
	smallSparse := sparse[:256<<10]
	b.Run("naive_regexp_sparse", func(b *testing.B) {
		b.SetBytes(int64(len(smallSparse)))
		c0 := cpuTime()
		defer func() { reportCPU(b, c0, len(smallSparse)) }()
		for range b.N {
			naiveAlternation.ReplaceAllFunc(smallSparse, func(m []byte) []byte { return []byte("[REDACTED]") })
		}
	})
}

// BenchmarkOrdersDetectors splits the cost of the end-to-end order list by
// what runs on it: every default detector, then fewer, down to e-mail
// alone, whose only trigger is '@' (the JSON tokenizer and the word test
// with next to no detector work: the floor of this design), and
// encoding/json's validity check of the same body for scale.
func BenchmarkOrdersDetectors(b *testing.B) {
	body := benchOrders(64 << 10)
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"default", Config{}},
		{"no_iban_phone", Config{Disable: []string{DetIBAN, DetPhone}}},
		{"email_card", Config{Detectors: []string{DetEmail, DetCreditCard}}},
		{"email", Config{Detectors: []string{DetEmail}}},
	} {
		b.Run(tc.name, func(b *testing.B) { benchStreamConfig(b, body, KindJSON, tc.cfg) })
	}
	b.Run("json_valid", func(b *testing.B) { benchJSONValid(b, body) })
}

// benchJSONValid is encoding/json's validity check of body, for scale.
func benchJSONValid(b *testing.B, body []byte) {
	b.SetBytes(int64(len(body)))
	c0 := cpuTime()
	defer func() { reportCPU(b, c0, len(body)) }()
	for range b.N {
		if !json.Valid(body) {
			b.Fatal("invalid")
		}
	}
}

var sinkInt int

// BenchmarkBaseline calibrates the machine: the cheapest possible pass over
// the same body (a 256-entry table lookup per byte) and a JSON validity
// check by encoding/json.
func BenchmarkBaseline(b *testing.B) {
	body := benchJSON(4000, false)
	var tab [256]uint8
	for _, c := range []byte("0123456789@") {
		tab[c] = 1
	}
	b.Run("table_loop", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		c0 := cpuTime()
		defer func() { reportCPU(b, c0, len(body)) }()
		for range b.N {
			n := 0
			for _, c := range body {
				n += int(tab[c])
			}
			sinkInt += n
		}
	})
	b.Run("json_valid", func(b *testing.B) { benchJSONValid(b, body) })
}
