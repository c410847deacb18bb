package filter

import (
	"io"
	"strings"
	"testing"
)

func TestParseRawRequest(t *testing.T) {
	tests := []struct {
		name, raw                     string
		method, uri, host, body, hdrs string
		err                           bool
	}{
		{name: "crlf", raw: "POST /a?b=1 HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello+garbage",
			method: "POST", uri: "/a?b=1", host: "example.com", body: "hello", hdrs: "Content-Length=5;Content-Type=text/plain"},
		{name: "bare lf, no version, trailing newline", raw: "\nGET /x\nUser-Agent: t\n\nbody\n",
			method: "GET", uri: "/x", body: "body", hdrs: "User-Agent=t"},
		{name: "no blank line", raw: "GET / HTTP/1.0\nX-A: 1",
			method: "GET", uri: "/", hdrs: "X-A=1"},
		{name: "chunked keeps framing headers", raw: "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext\r\nde\r\n0\r\n\r\n",
			method: "POST", uri: "/", body: "abcde", hdrs: "Content-Length=3;Transfer-Encoding=chunked"},
		{name: "folded header", raw: "GET / HTTP/1.1\nX-A: one\n two\n\n",
			method: "GET", uri: "/", hdrs: "X-A=one two"},
		{name: "absolute form", raw: "GET http://h.example/p?q HTTP/1.1\n\n",
			method: "GET", uri: "http://h.example/p?q", host: "h.example"},
		{name: "absolute form wins over Host", raw: "GET http://169.254.169.254/latest/ HTTP/1.1\nHost: app.example.com\n\n",
			method: "GET", uri: "http://169.254.169.254/latest/", host: "169.254.169.254"},
		{name: "bad request line", raw: "GET\n\n", err: true},
		{name: "bad version", raw: "GET / HTTP/x\n\n", err: true},
		{name: "bad header", raw: "GET / HTTP/1.1\nno colon\n\n", err: true},
		{name: "fold first", raw: "GET / HTTP/1.1\n x\n\n", err: true},
		{name: "bad chunk", raw: "POST / HTTP/1.1\nTransfer-Encoding: chunked\n\nzz\n", err: true},
		{name: "short chunk", raw: "POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n10\nabc\n", err: true},
		{name: "bad length", raw: "POST / HTTP/1.1\nContent-Length: -1\n\n", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRawRequest([]byte(tc.raw))
			if tc.err {
				if err == nil {
					t.Fatalf("no error for %q", tc.raw)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(r.Body)
			var hdrs []string
			for _, k := range []string{"Content-Length", "Content-Type", "Transfer-Encoding", "User-Agent", "X-A"} {
				if v, ok := r.Header[k]; ok {
					hdrs = append(hdrs, k+"="+strings.Join(v, ","))
				}
			}
			if r.Method != tc.method || r.RequestURI != tc.uri || r.Host != tc.host || string(body) != tc.body ||
				strings.Join(hdrs, ";") != tc.hdrs || r.ContentLength != int64(len(body)) {
				t.Errorf("got %s %s host=%q body=%q hdrs=%q cl=%d", r.Method, r.RequestURI, r.Host, body, strings.Join(hdrs, ";"), r.ContentLength)
			}
		})
	}
}

// TestRawRequestFraming checks that the framing a file shows reaches the
// engine's smuggling check.
func TestRawRequestFraming(t *testing.T) {
	r, err := ParseRawRequest([]byte("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := mustEngine(t, Config{}).Inspect(r)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Blocked || d.Matches[0].Rule != "protocol-framing" {
		t.Errorf("got %+v", d)
	}
}

func FuzzParseRawRequest(f *testing.F) {
	f.Add([]byte("POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"a\":\"b\"}"))
	f.Add([]byte("POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n"))
	f.Add([]byte("GET / HTTP/1.1\nX-A: one\n two\nCookie: a=1; b=2\n\n"))
	f.Add([]byte("GET\n"))
	e := mustEngine(f, Config{CustomRules: []CustomRule{markerRule}})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRawRequest(data)
		if err != nil {
			return
		}
		if r.Header == nil || r.Body == nil || r.URL == nil {
			t.Fatalf("incomplete request from %q", data)
		}
		d, err := e.InspectRequest(r, RequestInfo{All: true})
		if err != nil {
			t.Fatalf("inspect: %v", err)
		}
		for _, m := range d.Matches {
			if m.Rule == "engine-panic" {
				t.Fatalf("a detector panicked on %q: %s", data, m.Fragment)
			}
		}
	})
}
