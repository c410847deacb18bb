package filter

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/bits"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzInspectBody runs a body of the given type through the engine and
// checks the invariants every parser must keep: no panic, no error, the body
// given back to the backend byte for byte.
func fuzzInspectBody(t *testing.T, e *Engine, ctype string, body []byte) Decision {
	r := newReq("POST", "/", ctype, string(body))
	if len(body) == 0 {
		r.Body = io.NopCloser(bytes.NewReader(nil))
	}
	d, err := e.InspectRequest(r, RequestInfo{All: true})
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	for _, m := range d.Matches {
		if m.Rule == "engine-panic" {
			t.Fatalf("a detector panicked on %q: %s", body, m.Fragment)
		}
	}
	got, err := io.ReadAll(r.Body)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("body not restored: %q (%v), want %q", got, err, body)
	}
	return d
}

func fuzzEngine(f *testing.F) *Engine {
	return mustEngine(f, Config{InspectBodyLimit: 4096, BodyOverLimit: OverLimitInspectPrefix, CustomRules: []CustomRule{markerRule}})
}

func FuzzFormBody(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "a=%zz&=&&b", "x=1+2%2B3&evil=%45vil", "%", "a=%u0041"} {
		f.Add([]byte(s))
	}
	e := fuzzEngine(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzInspectBody(t, e, "application/x-www-form-urlencoded", body)
	})
}

func FuzzMultipartBody(f *testing.F) {
	mp, ctype := multipartBody(f)
	boundary := strings.TrimPrefix(ctype, "multipart/form-data; boundary=")
	f.Add([]byte(mp), boundary)
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b--\r\n"), "b")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../x\"\r\nContent-Type: text/x\r\n\r\nEVIL\r\n--b--"), "b")
	e := fuzzEngine(f)
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		fuzzInspectBody(t, e, `multipart/form-data; boundary="`+strings.ReplaceAll(boundary, `"`, ``)+`"`, body)
	})
}

func FuzzXMLBody(f *testing.F) {
	for _, s := range []string{`<a><b id="1">x</b></a>`, `<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>`, `<?xml version="1.0"?><a>&lt;script&gt;</a>`, `<a`, `text`} {
		f.Add([]byte(s))
	}
	e := fuzzEngine(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzInspectBody(t, e, "application/xml", body)
	})
}

// FuzzJSONBody checks the tokenizer against encoding/json: a valid document
// walks without error and yields the same names and strings, and a document
// the walker accepts is one encoding/json can stream-decode.
func FuzzJSONBody(f *testing.F) {
	for _, s := range []string{`{"a":{"b":[1,{"c":"x"}]},"d":true}`, `{"q":"\u0045\ud83d\ude00\ud800"}`, `[1.5e10,-0,null,false]`, `{"a":1} {"b":2}`, `{"a":`, `"\x"`, `01`, `{"$where":"1"}`, `1E700`,
		// Strings long enough for the eight-byte scan, with the quote,
		// escape or control byte in each lane.
		`{"abcdefghijklmno\"pq":"0123456789abcdef\\x","k":"abcdefghi\u00e9jklmnopq"}`, "[\"abcdefgh\x01ijk\"]", `["abcdefg","abcdefgh","abcdefghi"]`} {
		f.Add([]byte(s))
	}
	e := fuzzEngine(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzInspectBody(t, e, "application/json", body)

		var got []string
		err := walkJSON(string(body), 10001, func(isKey bool, _ []byte, _, v string) bool {
			got = append(got, v)
			return true
		})
		if json.Valid(body) {
			if err != nil {
				t.Fatalf("valid JSON %q: %v", body, err)
			}
			if utf8.Valid(body) {
				if want := jsonStrings(t, body); !slices.Equal(got, want) {
					t.Fatalf("strings of %q: %q, want %q", body, got, want)
				}
			}
		}
		if err == nil && !streamDecodes(body) {
			t.Fatalf("walker accepts %q, encoding/json does not", body)
		}
	})
}

// jsonStrings lists member names and string values in document order.
func jsonStrings(t *testing.T, body []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // 1E700 is valid JSON, not a valid float64
	var out []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("decoder: %v", err)
		}
		if s, ok := tok.(string); ok {
			out = append(out, s)
		}
	}
}

func streamDecodes(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// FuzzEncodedBody feeds arbitrary bytes labelled with each Content-Encoding.
func FuzzEncodedBody(f *testing.F) {
	encs := []string{"gzip", "deflate", "br", "zstd", "x-gzip", "gzip, br", "bogus"}
	for i, enc := range encs[:4] {
		f.Add(compress(f, enc, []byte(`{"a":"EVIL"}`)), uint8(i))
	}
	f.Add([]byte("cmd=cat+/etc/passwd"), uint8(0))
	e := fuzzEngine(f)
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		r := newReq("POST", "/", "application/json", string(body), "Content-Encoding", encs[int(which)%len(encs)])
		d, err := e.InspectRequest(r, RequestInfo{All: true})
		if err != nil {
			t.Fatalf("inspect: %v", err)
		}
		for _, m := range d.Matches {
			if m.Rule == "engine-panic" {
				t.Fatalf("panic on %q: %s", body, m.Fragment)
			}
		}
		if got, _ := io.ReadAll(r.Body); !bytes.Equal(got, body) {
			t.Fatal("body not restored")
		}
	})
}

// FuzzSplitSFStrings: the client hint list parser never panics, and what it
// returns are substrings of its input.
func FuzzSplitSFStrings(f *testing.F) {
	for _, s := range []string{`" Not A;Brand";v="99", "Chromium";v="96"`, `"a";v=1;x, "b"`, `"a`, `"a";`, `""`, `"a","b","c"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items, ok := splitSFStrings(nil, s)
		if !ok && len(items) != 0 {
			t.Fatalf("not ok but %d items", len(items))
		}
		for _, it := range items {
			if !strings.Contains(s, it) {
				t.Fatalf("item %q not in input", it)
			}
		}
	})
}

// TestStrStops: the lowest lane strStops flags is the first quote,
// backslash or control byte of the word, wherever it sits and whatever
// bytes (high ones, neighbours of the stops) come before it.
func TestStrStops(t *testing.T) {
	fill := []byte{'a', ' ', '!', '#', '[', ']', 0x7f, 0x80, 0xff, 0x21, 0x5b, 0x5d}
	stops := []byte{'"', '\\', 0x00, 0x01, 0x0a, 0x1f}
	for _, f := range fill {
		var w [8]byte
		for i := range w {
			w[i] = f
		}
		if m := strStops(load64(string(w[:]), 0)); m != 0 {
			t.Errorf("% x: flagged %#x, no stop in it", w, m)
		}
		for pos := range 8 {
			for _, stop := range stops {
				v := w
				v[pos] = stop
				if pos < 7 {
					v[7] = '"' // a later stop must not move the first
				}
				m := strStops(load64(string(v[:]), 0))
				if got := bits.TrailingZeros64(m) >> 3; m == 0 || got != pos {
					t.Errorf("% x: first stop at %d, flagged lane %d", v, pos, got)
				}
			}
		}
	}
}

// FuzzBadCharset: any Content-Type header is judged without a panic, and a
// header whose only charset is UTF-8 passes.
func FuzzBadCharset(f *testing.F) {
	for _, s := range []string{"application/x-www-form-urlencoded; charset=utf-8; charset=utf-7", `a/b; boundary="charset=`, "charset=", `charset="`, "CHARSET=ibm037", "text/plain;charset=\"utf-8\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ct string) {
		cs, bad := badCharset(ct)
		if bad && cs == "" {
			t.Fatalf("%q refused without a charset to report", ct)
		}
		if _, bad := badCharset(ct + "; charset=utf-8"); bad && !strings.Contains(strings.ToLower(ct), "charset=") {
			t.Fatalf("%q; charset=utf-8 refused", ct)
		}
	})
}
