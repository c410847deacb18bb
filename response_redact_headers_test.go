package gatehouse

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/caddyserver/caddy/v2"
)

const testJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

// TestResponseRedactURLHeaders: Location, Content-Location, Refresh and
// Link are scanned by default (raw and percent-decoded), on any status and
// content type; url_headers off leaves them alone.
func TestResponseRedactURLHeaders(t *testing.T) {
	tests := []struct {
		name    string
		header  string
		value   string
		off     bool
		leaks   []string // must not survive
		keeps   []string // must survive
		changed bool
	}{
		{name: "location email and jwt", header: "Location", value: "/login?email=jane@example.com&token=" + testJWT,
			leaks: []string{"jane@example.com", testJWT, "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"}, keeps: []string{"/login?email=", "&token="}, changed: true},
		{name: "location percent-encoded email", header: "Location", value: "https://app.example.net/welcome?user=jane.roe%40example.com&step=2",
			leaks: []string{"jane.roe%40example.com", "jane.roe"}, keeps: []string{"https://app.example.net/welcome?user=", "&step=2"}, changed: true},
		{name: "content-location card", header: "Content-Location", value: "/orders?card=4111111111111111",
			leaks: []string{"4111111111111111"}, keeps: []string{"/orders?card="}, changed: true},
		{name: "refresh", header: "Refresh", value: "0; url=https://example.net/next?email=jane@example.com",
			leaks: []string{"jane@example.com"}, keeps: []string{"0; url=https://example.net/next?email="}, changed: true},
		{name: "link", header: "Link", value: `<https://example.net/p?email=jane@example.com&page=2>; rel="next"`,
			leaks: []string{"jane@example.com"}, keeps: []string{`<https://example.net/p?email=`, `&page=2>; rel="next"`}, changed: true},
		{name: "clean location untouched", header: "Location", value: "/login?next=%2Fhome&lang=en+US", keeps: []string{"/login?next=%2Fhome&lang=en+US"}},
		{name: "off", header: "Location", value: "/login?email=jane@example.com", off: true, keeps: []string{"/login?email=jane@example.com"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestRedact(t, func(h *ResponseRedact) {
				if tc.off {
					h.URLHeaders = urlHeadersOff
				}
			})
			hdr := http.Header{"Content-Type": {"text/html"}, tc.header: {tc.value}}
			res := serve(h, http.MethodGet, &upstream{status: http.StatusFound, header: hdr, body: []byte("moved")}, nil)
			if res.err != nil || res.panicked != nil {
				t.Fatalf("err %v panic %v", res.err, res.panicked)
			}
			got := res.rec.Result().Header.Get(tc.header)
			for _, l := range tc.leaks {
				if strings.Contains(got, l) {
					t.Errorf("%s = %q leaks %q", tc.header, got, l)
				}
			}
			for _, k := range tc.keeps {
				if !strings.Contains(got, k) {
					t.Errorf("%s = %q lost %q", tc.header, got, k)
				}
			}
			if (got != tc.value) != tc.changed {
				t.Errorf("%s = %q, changed %v, want %v", tc.header, got, got != tc.value, tc.changed)
			}
			masked := testutil.ToFloat64(h.metrics.responses.WithLabelValues(resultMasked))
			if (masked == 1) != tc.changed {
				t.Errorf("masked responses = %v, want changed=%v", masked, tc.changed)
			}
		})
	}
}

// TestResponseRedactURLHeadersBinary: a redirect whose body is out of
// scope still has its Location masked.
func TestResponseRedactURLHeadersBinary(t *testing.T) {
	h := newTestRedact(t, nil)
	hdr := http.Header{"Content-Type": {"image/png"}, "Location": {"/x?mail=jane@example.com"}}
	res := serve(h, http.MethodGet, &upstream{status: http.StatusSeeOther, header: hdr, body: []byte("\x89PNG")}, nil)
	if v := res.rec.Result().Header.Get("Location"); strings.Contains(v, "jane@example.com") {
		t.Errorf("Location = %q", v)
	}
	if v := testutil.ToFloat64(h.metrics.findings.WithLabelValues("email")); v != 1 {
		t.Errorf("email findings = %v, want 1", v)
	}
}

// TestResponseRedactMaskCookies: Set-Cookie values of the named cookies
// are replaced, name and attributes kept; other cookies are untouched.
func TestResponseRedactMaskCookies(t *testing.T) {
	tests := []struct {
		name   string
		names  []string
		with   string
		cookie string
		want   string
	}{
		{name: "by name, attributes kept", names: []string{"session_token", "refresh"},
			cookie: "session_token=abc123secret; Path=/; HttpOnly; Secure; SameSite=Lax",
			want:   "session_token=[REDACTED]; Path=/; HttpOnly; Secure; SameSite=Lax"},
		{name: "second name, no attributes", names: []string{"session_token", "refresh"},
			cookie: "refresh=r-987654", want: "refresh=[REDACTED]"},
		{name: "quoted value", names: []string{"sid"}, cookie: `sid="q u o"; Max-Age=60`, want: "sid=[REDACTED]; Max-Age=60"},
		{name: "__Host- prefix", names: []string{"session"}, cookie: "__Host-session=v; Path=/; Secure", want: "__Host-session=[REDACTED]; Path=/; Secure"},
		{name: "prefix pattern", names: []string{"auth_*"}, cookie: "auth_x=v; Domain=example.com", want: "auth_x=[REDACTED]; Domain=example.com"},
		{name: "case-sensitive", names: []string{"session"}, cookie: "Session=v; Path=/", want: "Session=v; Path=/"},
		{name: "other cookie untouched", names: []string{"session_token"}, cookie: "theme=dark; Path=/", want: "theme=dark; Path=/"},
		{name: "mask_with used when valid", names: []string{"sid"}, with: "xxx", cookie: "sid=v; Path=/", want: "sid=xxx; Path=/"},
		{name: "mask_with with a space falls back", names: []string{"sid"}, with: "hidden value", cookie: "sid=v", want: "sid=[REDACTED]"},
		{name: "none configured", cookie: "session_token=abc; Path=/", want: "session_token=abc; Path=/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestRedact(t, func(h *ResponseRedact) {
				h.MaskCookies = tc.names
				if tc.with != "" {
					h.headerPolicy().MaskWith = tc.with
				}
			})
			hdr := http.Header{"Content-Type": {"image/png"}, "Set-Cookie": {"keep=1; Path=/", tc.cookie}}
			res := serve(h, http.MethodGet, &upstream{header: hdr, body: []byte("\x89PNG")}, nil)
			if res.err != nil || res.panicked != nil {
				t.Fatalf("err %v panic %v", res.err, res.panicked)
			}
			got := res.rec.Result().Header.Values("Set-Cookie")
			if len(got) != 2 || got[0] != "keep=1; Path=/" || got[1] != tc.want {
				t.Errorf("Set-Cookie = %q, want [keep=1; Path=/ %q]", got, tc.want)
			}
		})
	}
}

func TestResponseRedactHeaderOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*ResponseRedact)
		want   string
	}{
		{"bad cookie name", func(h *ResponseRedact) { h.MaskCookies = []string{"a;b"} }, "invalid cookie name"},
		{"empty cookie name", func(h *ResponseRedact) { h.MaskCookies = []string{"*"} }, "not a cookie name"},
		{"url_headers", func(h *ResponseRedact) { h.URLHeaders = "mask" }, "url_headers must be"},
		{"sniff", func(h *ResponseRedact) { h.Sniff = "text" }, "sniff must be"},
	} {
		h := new(ResponseRedact)
		tc.change(h)
		err := provisionAndValidate(t, h)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}

func provisionAndValidate(t *testing.T, h *ResponseRedact) error {
	t.Helper()
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	if err := h.Provision(ctx); err != nil {
		return err
	}
	return h.Validate()
}

// TestHeaderMarks: every field the writer looks up or deletes only when
// applyHeaderRules marked it present has a mark, and fields are marked
// only under their canonical key (the one looked up).
func TestHeaderMarks(t *testing.T) {
	names := append([]string{"Content-Type", "Content-Length", "Content-Encoding", "Etag", "Set-Cookie"}, representationHeaders[:]...)
	names = append(names, urlHeaderNames...)
	for _, n := range names {
		if headerMark(n) == 0 {
			t.Errorf("%s has no mark", n)
		}
		if headerMark(strings.ToLower(n)) != 0 {
			t.Errorf("%s marked under a non-canonical key", strings.ToLower(n))
		}
	}
	if headerMark("Date") != 0 || headerMark("X-Request-Id") != 0 {
		t.Error("unneeded fields marked")
	}
}

// TestHeaderMarkCoversLists: every field the handler strips or scans by
// list has the mark that makes it look the field up.
func TestHeaderMarkCoversLists(t *testing.T) {
	for _, k := range representationHeaders {
		if headerMark(k)&(markContentLength|markRepresentation) == 0 {
			t.Errorf("%s: no representation mark", k)
		}
	}
	for _, k := range urlHeaderNames {
		if headerMark(k)&markURL == 0 {
			t.Errorf("%s: no URL mark", k)
		}
	}
	for k, m := range map[string]headerMarks{"Content-Type": markContentType, "Content-Encoding": markContentEncoding, "Set-Cookie": markSetCookie, "Etag": markRepresentation} {
		if headerMark(k)&m == 0 {
			t.Errorf("%s: mark %b missing", k, m)
		}
	}
}
