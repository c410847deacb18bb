package authn

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestExtract(t *testing.T) {
	all := []TokenSource{{Kind: SourceBearer}, {Kind: SourceHeader, Name: "X-Token"}, {Kind: SourceCookie, Name: "at"}, {Kind: SourceQuery, Name: "access_token"}}
	cases := []struct {
		name    string
		sources []TokenSource
		setup   func(r *http.Request)
		want    string
		reason  Reason
	}{
		{name: "none", sources: all},
		{name: "bearer", sources: all, setup: func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }, want: "abc"},
		{name: "bearer any case", sources: all, setup: func(r *http.Request) { r.Header.Set("Authorization", "bEaReR  abc ") }, want: "abc"},
		{name: "basic is not ours", sources: all, setup: func(r *http.Request) { r.Header.Set("Authorization", "Basic Zm9vOmJhcg==") }},
		{name: "header", sources: all, setup: func(r *http.Request) { r.Header.Set("X-Token", "h") }, want: "h"},
		{name: "cookie", sources: all, setup: func(r *http.Request) { r.Header.Set("Cookie", "x=1; at=c") }, want: "c"},
		{name: "query", sources: all, setup: func(r *http.Request) { r.URL.RawQuery = "a=1&access_token=q" }, want: "q"},
		{name: "same token twice is fine", sources: all, setup: func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer same")
			r.URL.RawQuery = "access_token=same"
		}, want: "same"},
		{name: "two different tokens across sources", sources: all, setup: func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer one")
			r.Header.Set("Cookie", "at=two")
		}, reason: ReasonMultiple},
		{name: "two Authorization headers", sources: all, setup: func(r *http.Request) {
			r.Header.Add("Authorization", "Bearer one")
			r.Header.Add("Authorization", "Bearer two")
		}, reason: ReasonMultiple},
		{name: "two query values", sources: all, setup: func(r *http.Request) { r.URL.RawQuery = "access_token=a&access_token=b" }, reason: ReasonMultiple},
		{name: "source not configured is ignored", sources: []TokenSource{{Kind: SourceBearer}}, setup: func(r *http.Request) { r.URL.RawQuery = "access_token=q" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://x/p", nil)
			if c.setup != nil {
				c.setup(r)
			}
			got, err := Extract(r, c.sources)
			if c.reason != "" {
				if ReasonOf(err) != c.reason || err == nil {
					t.Fatalf("err = %v, want %s", err, c.reason)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestStrip(t *testing.T) {
	r := httptest.NewRequest("GET", "http://x/p?a=1&access_token=q&b=2", nil)
	r.Header.Add("Authorization", "Bearer abc")
	r.Header.Add("Authorization", "Basic Zm9vOmJhcg==")
	r.Header.Set("X-Token", "h")
	r.Header.Set("Cookie", "x=1; at=c; y=2")
	Strip(r, []TokenSource{{Kind: SourceBearer}, {Kind: SourceHeader, Name: "X-Token"}, {Kind: SourceCookie, Name: "at"}, {Kind: SourceQuery, Name: "access_token"}})
	if got := r.Header.Values("Authorization"); len(got) != 1 || got[0] != "Basic Zm9vOmJhcg==" {
		t.Errorf("Authorization = %v", got)
	}
	if r.Header.Get("X-Token") != "" {
		t.Error("X-Token kept")
	}
	if got := r.Header.Get("Cookie"); got != "x=1; y=2" {
		t.Errorf("Cookie = %q", got)
	}
	if r.URL.RawQuery != "a=1&b=2" || r.RequestURI != "/p?a=1&b=2" {
		t.Errorf("query = %q, RequestURI = %q", r.URL.RawQuery, r.RequestURI)
	}
}

func TestTokenSourceValidate(t *testing.T) {
	for _, s := range []TokenSource{{Kind: "header"}, {Kind: "form", Name: "x"}} {
		if s.Validate() == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if (TokenSource{Kind: SourceBearer}).Validate() != nil {
		t.Error("bearer rejected")
	}
}
