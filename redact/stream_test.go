package redact

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentStreams: many goroutines share one Redactor, each masks its
// own body in random pieces; no output carries another stream's data.
func TestConcurrentStreams(t *testing.T) {
	r := mustNew(t, Config{WindowBytes: MinWindowBytes, Fields: []FieldRule{{Path: "owner"}}})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for it := range 20 {
				tag := fmt.Sprintf("stream-%02d-%02d", g, it)
				var sb strings.Builder
				sb.WriteString("[")
				for k := range 200 {
					if k > 0 {
						sb.WriteString(",")
					}
					fmt.Fprintf(&sb, `{"tag":"%s","owner":"%s","mail":"u%d@example.com"}`, tag, tag, k)
				}
				sb.WriteString("]")
				body := []byte(sb.String())
				var out bytes.Buffer
				st := r.NewStream(&out, KindJSON)
				for p := body; len(p) > 0; {
					n := min(len(p), 1+rng.IntN(300))
					st.Write(p[:n])
					p = p[n:]
				}
				st.Close()
				got := out.String()
				if strings.Count(got, tag) != 200 || strings.Count(got, "stream-") != 200 {
					errs <- fmt.Errorf("%s: foreign or missing data", tag)
					return
				}
				if f := st.Findings(); f.Types[DetEmail] != 200 || f.Types[FieldFinding] != 200 {
					errs <- fmt.Errorf("%s: findings %+v", tag, f.Types)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestMemoryBounded: a body far larger than the window (one huge string,
// one huge text) never makes the stream hold more than window + one piece.
func TestMemoryBounded(t *testing.T) {
	r := mustNew(t, Config{WindowBytes: 4096})
	big := strings.Repeat("lorem ipsum 4111 1111 1111 1111 dolor a@b.io ", 200000) // ~9 MB
	for _, tc := range []struct {
		kind BodyKind
		body string
	}{
		{KindText, big},
		{KindJSON, `{"s":"` + big + `"}`},
		{KindJSON, "[" + strings.Repeat(`{"a":"x@y.io","b":[1,2,3]},`, 300000) + "0]"},
		// Escaped strings up to and beyond the window take the decoding
		// path, whose buffers are bounded by the window too.
		{KindJSON, "[" + strings.Repeat(`"`+strings.Repeat(`a\u0040b.io `, 300)+`",`, 3000) +
			`"` + strings.Repeat(`\u0034`, 1<<20) + `"]`},
	} {
		st := r.NewStream(discard{}, tc.kind)
		peak, peakDec := 0, 0
		for p := []byte(tc.body); len(p) > 0; {
			n := min(len(p), 32<<10)
			if _, err := st.Write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
			peak = max(peak, cap(st.buf))
			peakDec = max(peakDec, cap(st.dec), cap(st.dmap))
		}
		st.Close()
		if limit := 4096 + maxPiece + 2*ctxKeep + 64<<10; peak > limit {
			t.Errorf("kind %d: buffer grew to %d (limit %d)", tc.kind, peak, limit)
		}
		if strings.Contains(tc.body, `\u0040`) && peakDec == 0 {
			t.Errorf("kind %d: the escaped strings did not take the decoding path", tc.kind)
		}
		if limit := 2 * 4096; peakDec > limit {
			t.Errorf("kind %d: decode buffers grew to %d (limit %d)", tc.kind, peakDec, limit)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestFlushSSE: server-sent events are masked and delivered at each Flush,
// without waiting for the window to fill.
func TestFlushSSE(t *testing.T) {
	r := mustNew(t, Config{})
	var out bytes.Buffer
	st := r.NewStream(&out, KindText)
	events := []string{
		"data: {\"card\":\"4111 1111 1111 1111\"}\n\n",
		"data: mail jane@example.com\n\n",
		"data: pem -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n",
		"kqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY----- done\n\n",
	}
	for i, ev := range events {
		before := out.Len()
		st.Write([]byte(ev))
		if err := st.Flush(); err != nil {
			t.Fatal(err)
		}
		got := out.String()[before:]
		if len(got) != len(ev) {
			t.Fatalf("event %d: flushed %d of %d bytes: %q", i, len(got), len(ev), got)
		}
		for _, secret := range []string{"4111", "jane@", "MIIEvQ", "kqhkiG9w"} {
			if strings.Contains(got, secret) {
				t.Fatalf("event %d leaked %q: %q", i, secret, got)
			}
		}
	}
	// An incomplete line is held back (at most the window) until it ends.
	before := out.Len()
	st.Write([]byte("data: 4111 1111 "))
	st.Flush()
	if out.Len() != before {
		t.Fatalf("incomplete line emitted: %q", out.String()[before:])
	}
	st.Write([]byte("1111 1111\n\n"))
	st.Flush()
	if got := out.String()[before:]; got != "data: **** **** **** ****\n\n" {
		t.Fatalf("got %q", got)
	}
	st.Close()
}

func TestMalformedJSONFallsBackToText(t *testing.T) {
	r := mustNew(t, Config{Fields: []FieldRule{{Path: "password"}}})
	for _, in := range []string{
		`{"password":"x", oops a@b.io 4111111111111111`,
		`{"a":[1,2}, "b": "a@b.io"`,
		`<html>a@b.io 4111111111111111</html>`,
		`{"a": tru a@b.io}`,
		strings.Repeat("[", 600) + `"a@b.io"`,
	} {
		out, f := maskAll(t, r, KindJSON, []byte(in))
		if bytes.Contains(out, []byte("a@b.io")) || bytes.Contains(out, []byte("4111111111111111")) {
			t.Errorf("%q: unmasked output %q", in, out)
		}
		if !f.Fallback {
			t.Errorf("%q: no fallback reported", in)
		}
	}
	// Valid JSON documents in sequence (JSON lines) are not malformed.
	out, f := maskAll(t, r, KindJSON, []byte("{\"password\":\"x\"}\n{\"password\":\"yy\"}\n"))
	if f.Fallback || string(out) != "{\"password\":\"*\"}\n{\"password\":\"**\"}\n" {
		t.Errorf("json lines: %q %+v", out, f)
	}
}

func TestStreamErrors(t *testing.T) {
	r := mustNew(t, Config{})
	boom := errors.New("boom")
	st := r.NewStream(failWriter{boom}, KindText)
	st.Write(bytes.Repeat([]byte("x"), 100000))
	if err := st.Close(); !errors.Is(err, boom) {
		t.Fatalf("close: %v", err)
	}
	if _, err := st.Write([]byte("x")); err == nil {
		t.Fatal("write after close succeeded")
	}
	st2 := r.NewStream(discard{}, KindJSON)
	st2.Close()
	if err := st2.Flush(); !errors.Is(err, ErrClosed) {
		t.Fatalf("flush after close: %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

// TestLongValuesAcrossWindow: a JWT and a PEM block longer than the window
// are masked to their end.
func TestLongValuesAcrossWindow(t *testing.T) {
	r := mustNew(t, Config{WindowBytes: MinWindowBytes})
	jwt := "eyJhbGciOiJIUzI1NiJ9." + strings.Repeat("eyJzdWIiOiIx", 400) + ".sig_sig_sig"
	pem := "-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n", 150) + "-----END PRIVATE KEY-----"
	for _, body := range []string{"t " + jwt + " end", `{"k":"` + strings.ReplaceAll(pem, "\n", `\n`) + `"}`, "x\n" + pem + "\ny"} {
		for _, kind := range []BodyKind{KindText, KindJSON} {
			rng := rand.New(rand.NewPCG(1, 1))
			out, _ := maskChunked(t, r, kind, []byte(body), randomCuts(rng, len(body), 20), nil)
			if bytes.Contains(out, []byte("eyJzdWIiOiIx")) || bytes.Contains(out, []byte("MIIEvQ")) || bytes.Contains(out, []byte("sig_sig")) {
				t.Errorf("kind %d: long value leaked: %q", kind, excerpt(out, bytes.Index(out, []byte("MIIE"))))
			}
		}
	}
}

// TestStreamPooledBuffersZeroed: the buffers a stream gives back to its
// Redactor's pools (a small body's array, a large body's input and output
// buffers) hold no byte of the body afterwards.
func TestStreamPooledBuffersZeroed(t *testing.T) {
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	small := []byte(`{"email":"alice.smith@example.org","n":1}`)
	s := r.NewStream(io.Discard, KindJSON)
	if _, err := s.Write(small); err != nil {
		t.Fatal(err)
	}
	arr := s.small
	if arr == nil {
		t.Fatal("a small body took no pooled array")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for i, c := range arr {
		if c != 0 {
			t.Fatalf("small array byte %d = %q after Close", i, c)
		}
	}

	large := bytes.Repeat([]byte("mail alice.smith@example.org now\n"), 300)
	s = r.NewStream(io.Discard, KindText)
	if _, err := s.Write(large); err != nil {
		t.Fatal(err)
	}
	if !s.pooled {
		t.Fatal("a large body took no pooled buffers")
	}
	buf, out := s.buf[:cap(s.buf)], s.out[:cap(s.out)]
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{buf, out} {
		if i := bytes.IndexFunc(b, func(r rune) bool { return r != 0 }); i >= 0 {
			t.Fatalf("pooled buffer byte %d non-zero after Close", i)
		}
	}
}
