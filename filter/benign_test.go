package filter

import (
	"net/http"
	"strings"
	"testing"
)

// benignValue is a value that ordinary browser or API traffic carries and
// that must not score at all, let alone block.
type benignValue struct {
	kind        Kind
	name, value string
}

// benignValues: realistic headers, cookies, query strings, form and JSON
// values, chosen for what trips naive filters (SQL and shell words in prose,
// apostrophes, markup in rich text, URLs, code-ish text, other scripts).
var benignValues = []benignValue{
	// Browser headers.
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"},
	{KindUserAgent, "User-Agent", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"},
	{KindUserAgent, "User-Agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
	{KindUserAgent, "User-Agent", "curl/8.4.0"},
	{KindUserAgent, "User-Agent", "python-requests/2.31.0"},
	{KindUserAgent, "User-Agent", "PostmanRuntime/7.36.0"},
	{KindUserAgent, "User-Agent", "okhttp/4.12.0"},
	{KindUserAgent, "User-Agent", "Go-http-client/1.1"},
	{KindUserAgent, "User-Agent", "Dalvik/2.1.0 (Linux; U; Android 13; SM-S918B Build/TP1A.220624.014)"},
	{KindUserAgent, "User-Agent", "MyApp/3.2.1 (com.example.myapp; build:4512; iOS 17.2.0) Alamofire/5.8.0"},
	{KindHeaderValue, "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"},
	{KindHeaderValue, "Accept", "application/json, text/plain, */*"},
	{KindHeaderValue, "Accept-Language", "en-US,en;q=0.9,fr-FR;q=0.8,fr;q=0.7,de;q=0.6"},
	{KindHeaderValue, "Accept-Encoding", "gzip, deflate, br, zstd"},
	{KindHeaderValue, "Sec-Ch-Ua", `"Not_A Brand";v="8", "Chromium";v="120", "Google Chrome";v="120"`},
	{KindHeaderValue, "Sec-Ch-Ua", `"Chromium";v="118", "Microsoft Edge";v="118", "Not=A?Brand";v="99"`},
	{KindHeaderValue, "Sec-Ch-Ua-Platform", `"Windows"`},
	{KindHeaderValue, "Sec-Ch-Ua-Mobile", "?0"},
	{KindHeaderValue, "Sec-Fetch-Site", "same-origin"},
	{KindHeaderValue, "Referer", "https://www.google.com/search?q=union+station+parking+rates&oq=union+station&aqs=chrome..69i57j0i512l9.4321j0j7&sourceid=chrome&ie=UTF-8"},
	{KindHeaderValue, "Referer", "https://shop.example.com/products?category=shoes&sort=price_asc&page=2&filter%5Bcolor%5D=red&filter%5Bsize%5D=42"},
	{KindHeaderValue, "Referer", "https://www.bing.com/search?q=select+a+plan+for+%22drop+shipping%22+%26+fulfilment&form=QBLH"},
	{KindHeaderValue, "Referer", "http://localhost:3000/dashboard?tab=settings#billing"},
	{KindHeaderValue, "Origin", "http://localhost:3000"},
	{KindHeaderValue, "Authorization", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"},
	{KindHeaderValue, "Authorization", "Basic dXNlcjpwYXNzd29yZA=="},
	{KindHeaderValue, "Authorization", `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`},
	{KindHeaderValue, "If-None-Match", `W/"5e15153d-120f"`},
	{KindHeaderValue, "If-Modified-Since", "Wed, 21 Oct 2015 07:28:00 GMT"},
	{KindHeaderValue, "Content-Type", "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"},
	{KindHeaderValue, "X-Forwarded-For", "203.0.113.7, 10.0.0.1, 192.168.1.20"},
	{KindHeaderValue, "Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	{KindHeaderValue, "Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"},
	{KindHeaderValue, "Range", "bytes=0-1023"},
	{KindHeaderValue, "Forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43"},
	{KindHeaderValue, "Link", `<https://example.com/style.css>; rel=preload; as=style`},
	{KindHeaderValue, "X-Amz-Date", "20231127T101500Z"},
	{KindHeaderValue, "Content-Security-Policy-Report-Only", "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.example.com; object-src 'none'"},
	// Cookies.
	{KindCookieValue, "_ga", "GA1.1.1234567890.1700000000"},
	{KindCookieValue, "_ga_XYZ123", "GS1.1.1700000000.3.1.1700000123.0.0.0"},
	{KindCookieValue, "session", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjoiby1icmllbiIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl"},
	{KindCookieValue, "cookieconsent", "%7B%22necessary%22%3Atrue%2C%22analytics%22%3Afalse%2C%22marketing%22%3Afalse%7D"},
	{KindCookieValue, "OptanonConsent", "isGpcEnabled=0&datestamp=Mon+Nov+27+2023+10%3A00%3A00+GMT%2B0100+(Central+European+Standard+Time)&version=202310.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=5f8e-44c1&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1"},
	{KindCookieValue, "__cf_bm", "Xb7hZ8q.wE3kL0-1700000000-0-AbCdEfGh/IjKlMnOp+QrStUvWx=="},
	{KindCookieValue, "AWSALB", "k3T5uQ9kYF0n1K7vD0Q4P3x1qUu5r2Qy6M8xZ1p7a+N0c/ZbQ9w2V3s4T5y6U7i8O9p0A1s2D3f4G5h6J7k8L9"},
	{KindCookieValue, "csrftoken", "Xy7QzT9vR2kL4mN8pW1sD6fG3hJ5bV0c"},
	{KindCookieValue, "prefs", "theme:dark|lang:en-GB|tz:Europe/London"},
	{KindCookieValue, "cart", `[{"sku":"TSHIRT-RED-M","qty":2},{"sku":"MUG-01","qty":1}]`},
	{KindCookieName, "", "__Host-next-auth.csrf-token"},
	{KindCookieName, "", "_hjSessionUser_123456"},
	// Paths.
	{KindPath, "", "/api/v1/users/42/orders"},
	{KindPath, "", "/static/js/main.8f3a2c1b.chunk.js"},
	{KindPath, "", "/blog/2023/11/why-we-moved-from-select-to-union-types"},
	{KindPath, "", "/wiki/C%2B%2B"},
	{KindPath, "", "/search/caf%C3%A9%20cr%C3%A8me"},
	{KindPath, "", "/products/union-station-tote-bag"},
	{KindPath, "", "/files/report%202023%20(final).pdf"},
	{KindPath, "", "/.well-known/openid-configuration"},
	{KindPath, "", "/users/o%27brien/profile"},
	// Query names and values: searches and tracking.
	{KindQueryName, "", "utm_source"},
	{KindQueryName, "", "filter[price][gte]"},
	{KindQueryName, "", "fields[]"},
	{KindQueryValue, "q", "select a plan"},
	{KindQueryValue, "q", "drop shipping"},
	{KindQueryValue, "q", "union station"},
	{KindQueryValue, "q", "union square cafe menu"},
	{KindQueryValue, "q", "select all that apply from the list below"},
	{KindQueryValue, "q", "order by price, then by rating"},
	{KindQueryValue, "q", "Tom & Jerry"},
	{KindQueryValue, "q", "rock 'n' roll hall of fame"},
	{KindQueryValue, "q", "O'Brien"},
	{KindQueryValue, "q", "D'Angelo; Tribute concert"},
	{KindQueryValue, "q", "1 + 1 = 2"},
	{KindQueryValue, "q", "x < y and y > z"},
	{KindQueryValue, "q", "C++ vs C# vs Java"},
	{KindQueryValue, "q", "how to exit vim :wq"},
	{KindQueryValue, "q", "cat & dog toys"},
	{KindQueryValue, "q", "sleep apnea (treatment options)"},
	{KindQueryValue, "q", "benchmark results 2024"},
	{KindQueryValue, "q", "ping pong table"},
	{KindQueryValue, "q", "echo dot 3rd gen"},
	{KindQueryValue, "q", "curl hair products"},
	{KindQueryValue, "q", "bash birthday party ideas"},
	{KindQueryValue, "q", "script writing course"},
	{KindQueryValue, "q", "alert: severe weather warning"},
	{KindQueryValue, "q", "javascript tutorial for beginners"},
	{KindQueryValue, "q", "prompt engineering guide"},
	{KindQueryValue, "q", "confirm your email address"},
	{KindQueryValue, "q", "onload event handler explained"},
	{KindQueryValue, "q", "<3 love it"},
	{KindQueryValue, "q", "5 > 3"},
	{KindQueryValue, "q", "where is the cat; the dog is outside"},
	{KindQueryValue, "q", "who is on first? (abbott & costello)"},
	{KindQueryValue, "q", "50% off sale"},
	{KindQueryValue, "q", "#blacklivesmatter"},
	{KindQueryValue, "q", "@elonmusk"},
	{KindQueryValue, "q", "naïve café crème brûlée"},
	{KindQueryValue, "q", "東京 ラーメン おすすめ"},
	{KindQueryValue, "q", "Привет мир"},
	{KindQueryValue, "q", "مرحبا بالعالم"},
	{KindQueryValue, "q", "😀 emoji meaning"},
	{KindQueryValue, "q", "Straße"},
	{KindQueryValue, "q", "1=1 is always true in boolean logic"},
	{KindQueryValue, "q", "etc etc"},
	{KindQueryValue, "q", "windows system32 folder size"},
	{KindQueryValue, "q", "the etc folder on linux"},
	{KindQueryValue, "q", "is 0x7f000001 an ip address"},
	{KindQueryValue, "q", "mongodb $ne operator"},
	{KindQueryValue, "q", "{{ handlebars }} templates"},
	{KindQueryValue, "q", "${HOME} variable in bash"},
	{KindQueryValue, "sort", "-created_at"},
	{KindQueryValue, "fields", "id,name,email,created_at"},
	{KindQueryValue, "filter", "status:open AND assignee:me"},
	{KindQueryValue, "date", "2024-01-15T10:30:00Z"},
	{KindQueryValue, "date", "2024-01-15T10:30:00+01:00"},
	{KindQueryValue, "phone", "+1 (555) 123-4567"},
	{KindQueryValue, "price", "$19.99 - $29.99"},
	{KindQueryValue, "email", "john.doe+newsletter@example.com"},
	{KindQueryValue, "redirect_uri", "http://localhost:8080/callback"},
	{KindQueryValue, "redirect_uri", "https://app.example.com/oauth/callback?state=xyz"},
	{KindQueryValue, "return_to", "/account/orders?page=2&sort=desc"},
	{KindQueryValue, "next", "/dashboard"},
	{KindQueryValue, "callback", "jQuery3600123456789_1700000000000"},
	{KindQueryValue, "gclid", "Cj0KCQiA0MD_BhCnARIsAJv1nBx3A2xgN2v7yqOZGq7dD9v8Xk0pV7n2ZQ1a2s3d4f5g6h7j8k9lAAaA_EALw_wcB"},
	{KindQueryValue, "fbclid", "IwAR2F4-dBp1Z2k3j4l5m6n7o8p9q0r1s2t3u4v5w6x7y8z9A0B1C2D3E4F5G"},
	{KindQueryValue, "token", "dGhpcyBpcyBhIHRlc3QgdG9rZW4gZm9yIHRoZSBhcGk"},
	{KindQueryValue, "state", "eyJyZXR1cm5UbyI6Ii9ob21lIiwibm9uY2UiOiJhYmMxMjMifQ"},
	{KindQueryValue, "id", "550e8400-e29b-41d4-a716-446655440000"},
	{KindQueryValue, "sig", "c2lnbmF0dXJlLXRoYXQtbG9va3MtbGlrZS1iYXNlNjQ="},
	{KindQueryValue, "range", "10..20"},
	{KindQueryValue, "path", "docs/getting-started/install.md"},
	{KindQueryValue, "expr", "price>10&&stock>0"},
	{KindQueryValue, "tags", "sql,nosql,graphql,rest"},
	{KindQueryValue, "ip", "192.168.1.10"},
	{KindQueryValue, "host", "db.internal.example.com"},
	{KindQueryValue, "fields", "name;id"},
	{KindQueryValue, "sort", "name;dir"},
	{KindHeaderValue, "X-Checkout-State", "step=confirm; next=pay"},
	{KindBodyName, "", "$type"},
	{KindBodyName, "", "$schema"},
	{KindBodyValue, "ticket", "Please add the entry to /etc/hosts and restart nginx."},
	// Form and JSON values: prose, names, markup from rich-text editors.
	{KindBodyName, "", "user[address][street]"},
	{KindBodyName, "", "items.0.quantity"},
	{KindBodyValue, "name", "Seán O'Brien-Smith"},
	{KindBodyValue, "company", "Johnson & Johnson"},
	{KindBodyValue, "company", "AT&T"},
	{KindBodyValue, "comment", "Great product!!! Would buy again :) 5/5"},
	{KindBodyValue, "comment", "I love SQL; select statements are my jam, and I drop by the union hall on Fridays."},
	{KindBodyValue, "comment", "Don't forget: the meeting is at 5pm -- bring snacks"},
	{KindBodyValue, "comment", "It's 3 o'clock and I'm still waiting for my order #12345. Can you check?"},
	{KindBodyValue, "comment", "Use the \"Select\" button, then \"Delete from cart\" if you change your mind."},
	{KindBodyValue, "comment", "The formula is (a + b) * c / 2 where a=1, b=2 and c=3."},
	{KindBodyValue, "comment", "Step 1: open Settings > Privacy. Step 2: toggle \"Allow cookies\" on. Step 3: reload."},
	{KindBodyValue, "comment", "Works with Node >= 18 || Bun >= 1.0"},
	{KindBodyValue, "comment", "We sell cat toys, dog beds & fish tanks; ping us if you need anything!"},
	{KindBodyValue, "comment", "Best time: 10:00-12:00 or 14:00-16:00 (Mon-Fri)."},
	{KindBodyValue, "comment", "Email me at first.last@example.co.uk or call +44 20 7946 0958."},
	{KindBodyValue, "comment", "Check https://example.com/docs?section=install&lang=en#requirements for details."},
	{KindBodyValue, "comment", "Temperatures range from -5°C to 30°C; bring layers."},
	{KindBodyValue, "comment", "The price went from €1,299.00 to €999.00 — 23% off!"},
	{KindBodyValue, "comment", "Hi team,\r\nplease find the report attached.\r\nRegards,\r\nAnna"},
	{KindBodyValue, "comment", "Dear John,\nLocation: Berlin office, 3rd floor.\nThanks!"},
	{KindBodyValue, "comment", "A friend said \"or 1 thing\" and I laughed"},
	{KindBodyValue, "comment", "Is it true that 'x' = 'x'? Philosophy says yes."},
	{KindBodyValue, "comment", "My password hint is: my cat's name + year"},
	{KindBodyValue, "comment", "Try ../ to go up one directory in the shell."},
	{KindBodyValue, "comment", "He said 'no'; return it to the store. Expected behavior: a refund."},
	{KindBodyValue, "comment", "I need a regular expression (regex) to match sleep (8 hours) and benchmark (ISO) data."},
	{KindBodyValue, "comment", "See the ../images/logo.png file in the repo."},
	{KindBodyValue, "body", "<p>Hello <strong>world</strong>, see <a href=\"https://example.com/page?id=3\">this link</a>.</p>"},
	{KindBodyValue, "body", "<ul><li>First</li><li>Second &amp; third</li></ul><p><em>Note:</em> done.</p>"},
	{KindBodyValue, "body", "<h2>Summary</h2><p>Price &lt; $10 &amp; shipping &gt; 2 days</p><blockquote>Quote</blockquote>"},
	{KindBodyValue, "body", "<img src=\"https://cdn.example.com/uploads/photo.jpg\" alt=\"Team photo\" width=\"600\">"},
	{KindBodyValue, "body", "<table><tr><th>Name</th><th>Qty</th></tr><tr><td>Apple</td><td>3</td></tr></table>"},
	{KindBodyValue, "body", "<p style=\"text-align: center;\">Hello <span style=\"color: rgb(255, 0, 0); font-family: Arial, sans-serif\">world</span></p>"},
	{KindBodyValue, "body", "<div class=\"note\" data-id=\"5\" aria-label=\"Note\"><font color=\"red\">Important:</font> read this.</div>"},
	{KindBodyValue, "body", "<p>Expected call at user_test.go:33 doesn't match the argument at index 1.</p>"},
	{KindBodyValue, "markdown", "# Release notes\n\n- Fixed **login** bug\n- Added `--verbose` flag\n\n> Thanks to @jane for the report.\n\n[Docs](https://example.com/docs)"},
	{KindBodyValue, "markdown", "Run `npm install` and then `npm run build`; the output goes to `dist/`."},
	{KindBodyValue, "markdown", "Install with:\n\n```bash\ncurl -fsSL https://get.example.com | sh\n```\n"},
	{KindBodyValue, "markdown", "Use `ls -la` to list files and `cat README.md` to read the readme."},
	{KindBodyValue, "code", "function add(a, b) {\n  return a + b;\n}\nconsole.log(add(1, 2));"},
	{KindBodyValue, "code", "const items = await fetch('/api/items').then(r => r.json());"},
	{KindBodyValue, "code", "for (let i = 0; i < n; i++) { total += prices[i]; }"},
	{KindBodyValue, "code", "if (user && user.isAdmin) { showPanel(); }"},
	{KindBodyValue, "code", "def greet(name):\n    return f\"Hello, {name}!\""},
	{KindBodyValue, "template", "Hello {{ user.first_name }}, your order {{ order.id }} has shipped."},
	{KindBodyValue, "template", "Dear ${firstName}, your balance is ${balance}."},
	{KindBodyValue, "query", "query GetUser($id: ID!) { user(id: $id) { id name email posts(first: 10) { title } } }"},
	{KindBodyValue, "query", "mutation { createPost(input: {title: \"Hello\", body: \"World\"}) { id } }"},
	{KindBodyValue, "address", "123 Union St., Apt #4B, Springfield, IL 62701"},
	{KindBodyValue, "address", "Flat 2/1, 10 Drop Lane"},
	{KindBodyValue, "title", "Mr. & Mrs. Smith"},
	{KindBodyValue, "title", "Select Comfort Sleep Number Bed"},
	{KindBodyValue, "title", "Union Pacific Railroad"},
	{KindBodyValue, "title", "Exec Summary: Q3 results"},
	{KindBodyValue, "title", "Tables, Chairs & More"},
	{KindBodyValue, "website", "https://www.example.com/"},
	{KindBodyValue, "website", "http://192.168.0.1/admin"},
	{KindBodyValue, "avatar", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="},
	{KindBodyValue, "json", `{"filters":{"status":["open","pending"],"created":{"from":"2024-01-01","to":"2024-01-31"}},"sort":"-updated"}`},
	{KindBodyValue, "description", "Our 'Drop & Go' service: select your items, drop them off, and go!"},
	{KindBodyValue, "description", "100% cotton; machine wash cold & tumble dry low."},
	{KindBodyValue, "description", "Size: 10\" x 12\" (25 x 30 cm)"},
	{KindBodyValue, "description", "Ships in 1-2 business days | Free returns | 2-year warranty"},
	{KindBodyValue, "bio", "Full-stack dev. Into Go, Rust & TypeScript. Previously @ Acme Corp; now building things at example.io"},
	{KindBodyValue, "bio", "I write about /etc configs and sysadmin life."},
	{KindFileName, "", "Quarterly Report (Final) v2.pdf"},
	{KindFileName, "", "IMG_20231127_101500.jpg"},
	{KindFileName, "", "résumé-anna.docx"},
	{KindBodyRaw, "", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><order><id>42</id><customer>O'Brien &amp; Sons</customer><note>Leave at the door; ring twice</note></order>"},
	{KindBodyRaw, "", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><circle cx=\"5\" cy=\"5\" r=\"4\"/></svg>"},
	{KindBodyRaw, "", "Plain text body: select your plan and union it with your existing one; drop us a line."},
}

// TestBenignValues: no benign value may reach the default threshold on its
// own; weak signals are allowed only where listed in benignWeak (a URL
// parameter that points at localhost or a private address is worth a note,
// not a block).
func TestBenignValues(t *testing.T) {
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	clean := 0
	for _, b := range benignValues {
		hits := in.InspectValue(nil, b.kind, b.name, b.value)
		score := 0
		for _, h := range hits {
			score += h.Score
		}
		switch {
		case score >= DefaultThreshold:
			t.Errorf("blocked: kind %d %s=%q: %v", b.kind, b.name, b.value, hits)
		case score > 0 && !benignWeak[b.value]:
			t.Errorf("unexpected weak hit: kind %d %s=%q: %v", b.kind, b.name, b.value, hits)
		case score == 0:
			clean++
		}
	}
	t.Logf("%d benign values: %d without any hit, %d with an expected weak hit, none blocked", len(benignValues), clean, len(benignValues)-clean)
}

// benignWeak are benign values that legitimately earn a weak (< threshold)
// score.
var benignWeak = map[string]bool{
	"http://localhost:8080/callback":                        true, // ssrf-loopback (3)
	"http://192.168.0.1/admin":                              true, // ssrf-private (2)
	"Please add the entry to /etc/hosts and restart nginx.": true, // lfi-config-file (3)
}

// TestBenignRequests runs whole ordinary requests through the Engine.
func TestBenignRequests(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range benignRequests() {
		t.Run(tc.name, func(t *testing.T) {
			d, err := eng.Inspect(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked || d.Score > 0 || len(d.Matches) > 0 {
				t.Errorf("blocked=%v score=%d matches=%+v", d.Blocked, d.Score, d.Matches)
			}
		})
	}
}

type namedRequest struct {
	name string
	req  *http.Request
}

// browserHeaders are what Chrome sends on a navigation.
func browserHeaders(r *http.Request) {
	h := r.Header
	h.Set("User-Agent", benignValues[0].value)
	h.Set("Accept", benignValues[15].value)
	h.Set("Accept-Language", "en-US,en;q=0.9,fr-FR;q=0.8")
	h.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	h.Set("Sec-Ch-Ua", `"Not_A Brand";v="8", "Chromium";v="120", "Google Chrome";v="120"`)
	h.Set("Sec-Ch-Ua-Mobile", "?0")
	h.Set("Sec-Ch-Ua-Platform", `"macOS"`)
	h.Set("Sec-Fetch-Dest", "document")
	h.Set("Sec-Fetch-Mode", "navigate")
	h.Set("Sec-Fetch-Site", "same-origin")
	h.Set("Upgrade-Insecure-Requests", "1")
	h.Set("Referer", "https://www.google.com/search?q=union+station+parking+rates&oq=union+station&sourceid=chrome&ie=UTF-8")
	h.Set("Cookie", "_ga=GA1.1.1234567890.1700000000; _ga_XYZ123=GS1.1.1700000000.3.1.1700000123.0.0.0; "+
		"OptanonConsent=isGpcEnabled=0&datestamp=Mon+Nov+27+2023+10%3A00%3A00+GMT%2B0100+(Central+European+Standard+Time)&version=202310.1.0&groups=C0001%3A1%2CC0002%3A0; "+
		"session=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjoiby1icmllbiIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl; "+
		"cart=%5B%7B%22sku%22%3A%22TSHIRT-RED-M%22%2C%22qty%22%3A2%7D%5D; theme=dark")
}

func benignRequests() []namedRequest {
	var out []namedRequest
	add := func(name string, r *http.Request) {
		r.RemoteAddr = "198.51.100.7:51234"
		out = append(out, namedRequest{name, r})
	}
	r, _ := http.NewRequest("GET", "http://shop.example.com/search?q=select+a+plan&category=drop+shipping&sort=price_asc&page=2&utm_source=google", nil)
	browserHeaders(r)
	add("browser search", r)

	r, _ = http.NewRequest("GET", "http://shop.example.com/products/union-station-tote?color=red&size=M&ref=o%27brien", nil)
	browserHeaders(r)
	add("browser product", r)

	body := `{"name":"Seán O'Brien","email":"sean.obrien+shop@example.com","address":{"street":"123 Union St., Apt #4","city":"Springfield"},` +
		`"comment":"Please deliver after 5pm -- ring twice; the cat & dog are friendly :)","items":[{"sku":"MUG-01","qty":2,"price":"$12.50"}],` +
		`"notes":"Use the \"Select\" button, then \"Delete from cart\" if needed.","html":"<p>Thanks <strong>so</strong> much!</p>","tags":["gift","union station"],` +
		`"created_at":"2024-01-15T10:30:00Z","markdown":"Run ` + "`npm install`" + ` then open http://localhost:3000"}`
	r, _ = http.NewRequest("POST", "http://api.example.com/v1/orders", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
	r.Header.Set("User-Agent", "okhttp/4.12.0")
	r.Header.Set("Accept", "application/json")
	add("json api post", r)

	form := "name=Se%C3%A1n+O%27Brien&company=Johnson+%26+Johnson&message=Hi%2C%0D%0Aplease+select+a+plan+for+us.%0D%0AThanks%21&plan=pro&agree=on"
	r, _ = http.NewRequest("POST", "http://www.example.com/contact", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	browserHeaders(r)
	add("contact form", r)
	return out
}
