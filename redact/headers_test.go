package redact

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestHeaderRulesApply(t *testing.T) {
	upstream := func() http.Header {
		return http.Header{
			"Server":                    {"Apache/2.4.41 (Ubuntu)"},
			"X-Powered-By":              {"PHP/7.4.3"},
			"X-Aspnet-Version":          {"4.0.30319"},
			"X-Aspnetmvc-Version":       {"5.2"},
			"X-Runtime":                 {"0.012"},
			"X-Debug-Token":             {"a1b2c3"},
			"X-Debug-Token-Link":        {"http://x/_profiler/a1b2c3"},
			"X-Clockwork-Id":            {"1"},
			"Content-Type":              {"application/json"},
			"Cache-Control":             {"no-store"},
			"X-Request-Id":              {"r-1"},
			"X-User-Email":              {"bob@example.com"},
			"X-Internal-Host":           {"db-01.internal"},
			"X-Internal-Trace":          {"abc"},
			"Strict-Transport-Security": {"max-age=63072000"},
		}
	}
	tests := []struct {
		name        string
		policy      HeaderPolicy
		wantGone    []string
		wantKept    []string
		wantMasked  map[string]string
		wantRemoved int
	}{
		{
			name:        "defaults",
			wantGone:    []string{"Server", "X-Powered-By", "X-Aspnet-Version", "X-Aspnetmvc-Version", "X-Runtime", "X-Debug-Token", "X-Debug-Token-Link", "X-Clockwork-Id"},
			wantKept:    []string{"Content-Type", "Cache-Control", "X-Request-Id", "X-User-Email", "Strict-Transport-Security"},
			wantRemoved: 8,
		},
		{
			name:     "keep one default, remove and mask extra",
			policy:   HeaderPolicy{Keep: []string{"server"}, Remove: []string{"X-Internal-*"}, Mask: []string{"x-user-email"}},
			wantGone: []string{"X-Powered-By", "X-Internal-Host", "X-Internal-Trace"},
			wantKept: []string{"Server", "X-User-Email"},
			wantMasked: map[string]string{
				"X-User-Email": DefaultMaskWith,
			},
			wantRemoved: 9,
		},
		{
			name:       "keep defaults, custom mask value",
			policy:     HeaderPolicy{KeepDefaults: true, Mask: []string{"X-Request-Id"}, MaskWith: "***"},
			wantKept:   []string{"Server", "X-Powered-By", "X-Debug-Token"},
			wantMasked: map[string]string{"X-Request-Id": "***"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, err := CompileHeaderRules(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			hdr := upstream()
			removed, _ := rules.Apply(hdr)
			for _, k := range tt.wantGone {
				if _, ok := hdr[k]; ok {
					t.Errorf("%s still present", k)
				}
			}
			for _, k := range tt.wantKept {
				if _, ok := hdr[k]; !ok {
					t.Errorf("%s removed", k)
				}
			}
			for k, v := range tt.wantMasked {
				if got := hdr[k]; !reflect.DeepEqual(got, []string{v}) {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if tt.wantRemoved != 0 && removed != tt.wantRemoved {
				t.Errorf("removed %d, want %d", removed, tt.wantRemoved)
			}
		})
	}
}

func TestCompileHeaderRulesErrors(t *testing.T) {
	for _, p := range []HeaderPolicy{
		{Remove: []string{""}},
		{Remove: []string{"*"}},
		{Remove: []string{"Bad Header"}},
		{Mask: []string{"X:Y"}},
		{Keep: []string{"a b"}},
		{MaskWith: "x\r\nInjected: 1"},
	} {
		if _, err := CompileHeaderRules(p); err == nil {
			t.Errorf("CompileHeaderRules(%+v) accepted", p)
		}
	}
}

func TestDefaultRevealingHeadersFresh(t *testing.T) {
	a := DefaultRevealingHeaders()
	a[0] = "Changed"
	if DefaultRevealingHeaders()[0] != "Server" {
		t.Fatal("DefaultRevealingHeaders shares its slice")
	}
}

// TestHeaderScanValues: selected header values go through the detectors;
// only the detected values change, other headers are left alone.
func TestHeaderScanValues(t *testing.T) {
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := CompileHeaderRules(HeaderPolicy{Scan: []string{"Location", "X-User-*"}})
	if err != nil {
		t.Fatal(err)
	}
	hdr := http.Header{
		"Location":      {"/welcome?email=jane.roe@example.com&next=/"},
		"X-User-Card":   {"4111 1111 1111 1111"},
		"X-User-Name":   {"Jane"},
		"X-Other-Email": {"john@example.com"},
	}
	f := rules.ScanValues(hdr, r)
	if f.Total != 2 || f.Types[DetEmail] != 1 || f.Types[DetCreditCard] != 1 {
		t.Fatalf("findings %+v", f)
	}
	if got := hdr.Get("Location"); got != "/welcome?email=****.***@*******.***&next=/" {
		t.Errorf("Location = %q", got)
	}
	if got := hdr.Get("X-User-Card"); got != "**** **** **** ****" {
		t.Errorf("X-User-Card = %q", got)
	}
	if hdr.Get("X-User-Name") != "Jane" || hdr.Get("X-Other-Email") != "john@example.com" {
		t.Errorf("unselected or clean headers changed: %v", hdr)
	}

	// A replacement with a line break must never reach a header.
	r2, err := New(Config{Style: &Style{Kind: StyleReplace, Replacement: "a\r\nSet-Cookie: x"}})
	if err != nil {
		t.Fatal(err)
	}
	hdr = http.Header{"Location": {"/?e=jane@example.com"}}
	rules.ScanValues(hdr, r2)
	if got := hdr.Get("Location"); got != DefaultMaskWith {
		t.Errorf("unsafe replacement reached the header: %q", got)
	}
	if (&HeaderRules{}).Scans() {
		t.Error("empty rules scan")
	}
}

// TestHeaderRulesActionTable: the precomputed action of a header name is
// what the patterns say of it (patternAction, the matching Apply did
// before the table), for canonical, lower-, upper- and mixed-case names,
// names with invalid bytes, and names only a prefix matches.
func TestHeaderRulesActionTable(t *testing.T) {
	policies := []HeaderPolicy{
		{},
		{Keep: []string{"Server", "X-Debug*"}, Remove: []string{"X-Internal-*", "Content-*", "Via"}},
		{KeepDefaults: true, Mask: []string{"x-user-email", "Set-Cookie", "X-*"}, Scan: []string{"Location", "X-User-*"}},
		{Remove: []string{"Date"}, Mask: []string{"Date", "x-request-*"}, Scan: []string{"Date", "Link"}},
	}
	var names []string
	add := func(n string) {
		names = append(names, n, strings.ToLower(n), strings.ToUpper(n), strings.ToLower(n[:1])+n[1:])
	}
	for _, n := range append(DefaultRevealingHeaders(), commonResponseHeaders...) {
		add(strings.TrimSuffix(n, "*") + "Extra")
		add(strings.TrimSuffix(n, "*"))
	}
	for _, n := range []string{
		"X-User-Email", "X-User-Card", "X-Internal-Host", "X-Request-Id-Extra", "X-Other",
		"x debug", "X-Debug Token", "X_Debug_Token", "X-Débug", "\u212a-Debug", "Ｘ-Debug",
		"Content-Type\x00", "-", "X", "x-", "Phpdebugbar-Id",
	} {
		add(n)
	}
	for i, p := range policies {
		rules, err := CompileHeaderRules(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if got, want := rules.action(n), rules.patternAction(n); got != want {
				t.Errorf("policy %d: action(%q) = %b, patterns say %b", i, n, got, want)
			}
		}
	}
}

// commonResponseHeaders are what most responses carry.
var commonResponseHeaders = []string{
	"Accept-Ranges", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers",
	"Access-Control-Allow-Methods", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
	"Access-Control-Max-Age", "Age", "Allow", "Alt-Svc", "Cache-Control", "Connection",
	"Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
	"Content-Location", "Content-Range", "Content-Security-Policy", "Content-Type",
	"Cross-Origin-Embedder-Policy", "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy",
	"Date", "Etag", "Expires", "Keep-Alive", "Last-Modified", "Link", "Location", "Permissions-Policy",
	"Pragma", "Ratelimit", "Ratelimit-Limit", "Ratelimit-Policy", "Ratelimit-Remaining", "Ratelimit-Reset",
	"Referrer-Policy", "Refresh", "Retry-After", "Server", "Server-Timing", "Set-Cookie",
	"Strict-Transport-Security", "Trailer", "Transfer-Encoding", "Vary", "Via", "Www-Authenticate",
	"X-Content-Type-Options", "X-Correlation-Id", "X-Frame-Options", "X-Ratelimit-Limit",
	"X-Ratelimit-Remaining", "X-Ratelimit-Reset", "X-Request-Id", "X-Trace-Id", "X-Xss-Protection",
}
