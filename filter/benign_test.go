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
	// Error reports (Sentry envelopes and the like): a stack frame's
	// script URL, the program that runs, a message quoting a page.
	{KindBodyValue, "abs_path", "https://app.example.com/static/js/app.3f9a2c71.js"},
	{KindBodyValue, "filename", "https://app.example.com/static/js/chunks/812.c0ffee12.js"},
	{KindBodyValue, "sys.argv", "/usr/local/bin/gunicorn"},
	{KindBodyValue, "interpreter", "/usr/bin/python3"},
	// A directory search with a name escaped as RFC 4515 asks, and a
	// Windows path.
	{KindQueryValue, "cn", "Smith \\28Sales\\29"},
	{KindBodyValue, "path", "C:\\Users\\ann\\Documents\\report (2).docx"},
	// Escaped line breaks and dated lines that are text: telemetry JSON
	// quoting a response's headers, a note field.
	{KindBodyValue, "message", "Request failed\\r\\nSet-Cookie: session=abc; HttpOnly"},
	{KindBodyValue, "notes", "Call back\r\n[INFO] the customer asked for a refund"},
	{KindQueryValue, "q", "how to escape \\n in json"},
	// A support ticket naming a system file.
	{KindBodyValue, "body", "I added 10.0.0.5 api.example.org to C:\\Windows\\System32\\drivers\\etc\\hosts for testing, but the client still resolves the public IP."},
	// Serialized state that is data: a pickle of a dict, ASP.NET's
	// ViewState of a page, a JSON.NET type name.
	{KindCookieValue, "cart", "gASVHAAAAAAAAAB9lCiMAWGUSwGMBGNhcnSUXZQoSwFLAksDZXUu"},
	{KindBodyValue, "__VIEWSTATE", "/wEPDwUKLTI3MjIwNzU5Mw9kFgJmD2QWAgIDD2QWAgIBDw8WAh4EVGV4dAUFSGVsbG9kZGQ="},
	{KindBodyValue, "$type", "Shop.Orders.OrderLine, Shop"},
	// An email template tests its data; a comment writes a handler's
	// code as an ellipsis; a style loads an image.
	{KindBodyValue, "template", "Hi {{ customer.first_name | default: 'there' }}! {% if customer.tags contains 'vip' %}VIP perks inside{% endif %}"},
	{KindBodyValue, "body", "Typo in paragraph 3: \"<img src=x onerror=...>\" should be inside a code block, otherwise the CMS tries to render it."},
	{KindBodyValue, "html", "<div class=\"hero\" style=\"background:url('/images/hero/summer-sale-2024.jpg') center/cover\"><h1>Summer Sale</h1><a href=\"/shop/sale\" class=\"btn\">Shop now</a></div>"},
	{KindBodyValue, "src", "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><circle cx='5' cy='5' r='4' fill='%23e33'/></svg>"},
	// Back-office templates and rules: Liquid and Handlebars with data
	// paths, filters and blocks, a discount rule written as an expression.
	{KindBodyValue, "html", "{% assign first = customer.first_name | default: \"there\" %}\n<h1>Thanks for your order, {{ first | escape }}!</h1>"},
	{KindBodyValue, "html", "<p>Hallo {{ customer.first_name }},</p><p>deine Bestellung {{ order.name }} wurde versendet. {% if fulfillment.tracking_company == \"DHL\" %}Sendungsverfolgung: <a href=\"https://www.dhl.de/x?piececode={{ fulfillment.tracking_number }}\">{{ fulfillment.tracking_number }}</a>{% endif %}</p>"},
	{KindBodyValue, "template[body_html]", "{{#with product}}<h2>{{title}} is back!</h2><p>Only {{inventory}} left in size {{../size}}.</p>{{/with}}"},
	{KindBodyValue, "condition", "sum(line.quantity for line in cart.lines if line.collection == 'summer-24') > 3"},
	// A sale banner searched, with a dash written as two hyphens.
	{KindQueryValue, "q", "50% off -- today only!"},
	// A cookie signed the Rails way.
	{KindCookieValue, "intercom-session-x8k2mz1q", "4-OWVWNTbZde2TSQ5ieEhAOqS3WPGc4G_kn2AH2Xir8gE2Gg5w2LsfahRmEtHWTY--a12303f695c38d64d1679b8e4b1f0711779eca7e"},
	// A database privilege.
	{KindBodyValue, "privilege", "CREATE_FUNCTION"},
	// An internal service's own API in a webhook setting.
	{KindBodyValue, "callback", "http://10.0.0.12/api/v1/notify"},
	{KindHeaderValue, "X-Original-Url", "http://10.0.0.12/api/v1/orders"},
	// A documentation search naming a DOM property.
	{KindQueryValue, "q", "window.location.href redirect"},
	{KindQueryValue, "q", "document.cookie samesite lax"},
	{KindBodyValue, "value", "Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON"},
	// Internal URLs that are not administration APIs.
	{KindQueryValue, "q", "http://10.0.0.5:9200/products/_search"},
	{KindQueryValue, "q", "http://127.0.0.1:8080/actuator/health"},
	// Go templates a notification editor saves.
	{KindBodyValue, "template", "Dear {{ .Customer.Name }}, total {{ printf \"%.2f\" .Total }}"},
	{KindBodyValue, "template", "{{range .Items}}{{.}}{{end}}"},
	// Line breaks that are text: a contact form's message after an
	// address field, a multi-line note sent as a form, a date on a line.
	{KindBodyValue, "message", "Hi,\nSubject: my order 1234\nThanks, Ann"},
	{KindBodyValue, "notes", "Call back\n2026-12-07 10:00 meeting with the team"},
	{KindBodyValue, "email", "ann@example.com"},
	{KindQueryValue, "text", "Line one%0ALine two"},
	{KindBodyValue, "comment", "See logs:\n127.0.0.1 - - [07/Dec/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200"},
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
	// A random number in code: not the seeded duplicate key of floor(rand(0)*2).
	{KindBodyValue, "snippet", "dice = floor(rand() * 6) + 1"},
	{KindQueryValue, "q", "brand (2) grand (4)"},
	// A line break then a hyphenated word in a form's text, not a header.
	{KindBodyValue, "msg", "Thanks!\r\nFollow-up: next week"},
	{KindQueryValue, "q", "unix pipes | http servers"},
	{KindPath, "", "/openapi/components/parameters.yaml"},
	{KindPath, "", "/manage/orders"},
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
	{KindQueryValue, "next", "https://app.example.com/search?q=a%40b&from=mail@x"},
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
	{KindBodyValue, "template", "row-${i%2} ${this.#count} ${!done} ${a, b} ${#dates.format(d)}"},
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

	// More of what real browsers and API clients send (review of issue 4):
	// client hints of every Chrome generation, vendor Accept types, long
	// consent and analytics cookies, tokens and signatures in headers.
	{KindHeaderValue, "Accept", "application/vnd.github.v3+json"},
	{KindHeaderValue, "Accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"},
	{KindHeaderValue, "Accept", "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8"},
	{KindHeaderValue, "Prefer", "return=representation; count=exact"},
	{KindHeaderValue, "Priority", "u=0, i"},
	{KindHeaderValue, "X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1"},
	{KindHeaderValue, "Baggage", "userId=alice,serverNode=DF%2028,isProduction=false"},
	{KindHeaderValue, "X-Csrf-Token", "pSGe3b6hT0wq4bpp4dOc8g=="},
	{KindHeaderValue, "X-XSRF-TOKEN", "eyJpdiI6IkRFK1lZUzBPNWw2d3RZOHJzOVRwMHc9PSIsInZhbHVlIjoiY3ZiQm9LdXRUSnE1cW9XZVFyVkdmUT09IiwibWFjIjoiNTdlYzk4In0%3D"},
	{KindHeaderValue, "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"},
	{KindHeaderValue, "Authorization", "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOWdkazcifQ.ewogImlzcyI6ICJodHRwOi8vc2VydmVyLmV4YW1wbGUuY29tIiwKICJzdWIiOiAiMjQ4Mjg5NzYxMDAxIiwKICJhdWQiOiAiczZCaGRSa3F0MyIsCiAibm9uY2UiOiAibi0wUzZfV3pBMk1qIiwKICJleHAiOiAxMzExMjgxOTcwLAogImlhdCI6IDEzMTEyODA5NzAKfQ.ggW8hZ1EuVLuxNuuIJKX_V8a_OMXzR0EHR9R6jgdqrOOF4daGU96Sr_P6qJp6IcmD3HP99Obi1PRs-cwh3LO-p146waJ8IhehcwL7F09JdijmBqkvPeB2T9CJNqeGpe-gccMg4vfKjkM8FcGvnzZUN4_KSP0aAp1tOJ1zZwgjxqGByKHiOtX7TpdQyHE5lcMiKPXfEIQILVq0pc_E2DzL7emopWoaoZTF_m0_N0YzFC6g6EJbOEoRoSK5hoDalrcvRYLSrQAZZKflyuVCyixEoV9GfNQC3_osjzw2PAithfubEEBLuVVk4XUVrWOLrLl0nx7RkKU8NXNHq-rvKMzqg"},
	{KindHeaderValue, "Signature", "sig1=:HIbjHC5rS0BYaa9v4QfD4193TORw7u9edguPh0AW3dMq9WImrlFrCGUDih47vAxi4L2YRZ3XMJc1uOKk/J0ZmZ+wcta4nKIgBkKq0rM9hs3CQyxXGxHLMCy8uqK488o+9jrptQ+xFPHK7a9sRL1IXNaagCNN3ZxJsYapFj+JXbmaI5rtAdSfSvzPuBCh+ARHBmWuNo1UzVVdHXrl8ePL4cccqlazIJdC4QEjrF+Sn4IxBQzTZsL9y9TP5FsZYzHvDqbInkTNigBcE9cKOYNFCn4D/WM7F6TNuZO9EgtzepLWcjTymlHzK7aXq6Am6sfOrpIC49yXjj3ae6HRalVc/g==:"},
	{KindHeaderValue, "X-Forwarded-Client-Cert", `By=spiffe://cluster.local/ns/default/sa/app;Hash=abc123;Subject="";URI=spiffe://cluster.local/ns/default/sa/client`},
	{KindHeaderValue, "Referer", "https://stackoverflow.com/questions/11304131/how-to-select-from-union-in-sql-server"},
	{KindHeaderValue, "Referer", "https://en.wikipedia.org/wiki/SQL_injection"},
	{KindHeaderValue, "Referer", "https://www.google.com/url?sa=t&rct=j&q=&esrc=s&source=web&cd=&ved=2ahUKEwi&url=https%3A%2F%2Fexample.com%2F&usg=AOvVaw3"},
	{KindHeaderValue, "Origin", "null"},
	{KindUserAgent, "User-Agent", "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; .NET CLR 2.0.50727; .NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0)"},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/442.0.0.33.113;]"},
	{KindUserAgent, "User-Agent", "aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3.ls"},
	{KindUserAgent, "User-Agent", "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.47.7"},
	{KindUserAgent, "User-Agent", "Terraform/1.6.5 (+https://www.terraform.io) terraform-provider-aws/5.31.0"},
	{KindCookieValue, "mp_abc123_mixpanel", "%7B%22distinct_id%22%3A%20%22189a2c7a1%22%2C%22%24device_id%22%3A%20%22189a2c7a1%22%2C%22%24initial_referrer%22%3A%20%22https%3A%2F%2Fwww.google.com%2F%22%7D"},
	{KindCookieValue, "CookieConsent", "{stamp:'-1',necessary:true,preferences:true,statistics:true,marketing:true,method:'implied',ver:1,utc:1700000000000,region:'US-06'}"},
	{KindCookieValue, "euconsent-v2", "CP1abcdP1abcdAKAjAENAeEgAP_gAEPgAAqIJqtV_H__bW9r8X7_aft0eY1P9_j77uQzDhfNk-8F3L_W_LwX52E7NF36tq4KmR4ku1LBIUNlHMHUDUmwaokVryHsak2cpzNKJ7BEknMZO2dYGF9vmxtj-QKY7_5_d3bx2D-t_9v-39z3z81Xn3d53-_03LCdV5_9Dfn9fR_bc9KPt_58v8v8_____3_e__3_7997BHAA"},
	{KindCookieValue, "AMCV_ABC%40AdobeOrg", "-1124106680%7CMCIDTS%7C19700%7CMCMID%7C12345678901234567890%7CMCAAMLH-1700000000%7C6%7CMCAAMB-1700000000%7CRKhpRz8krg2tLO6pguXWp5olkAcUniQYPHaMWWgdJ3xzPWQmdj0y%7CMCOPTOUT-1700000000s%7CNONE%7CvVersion%7C5.2.0"},
	{KindCookieValue, "laravel_session", "eyJpdiI6InZ4N3JQd0ZxN2RoZ3Z4eHZ4dz09IiwidmFsdWUiOiJ4eDl4eDl4eDl4eCtcL3h4eDl4eFwveHh4In0%3D"},
	{KindCookieValue, "connect.sid", "s%3AaBcDeFgHiJkLmNoPqRsTuVwXyZ012345.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"},
	{KindCookieValue, "wp-settings-1", "libraryContent%3Dbrowse%26editor%3Dtinymce%26mfold%3Do%26posts_list_mode%3Dlist"},
	{KindCookieValue, "s_pers", "%20s_vnum%3D1701388800000%2526vn%253D1%7C1701388800000%3B%20s_invisit%3Dtrue%7C1700001800000%3B"},
	{KindCookieValue, "filters", "%7B%22type%22%3A%22union%22%7D"},
	{KindCookieValue, "prefs", `{"cols":["name","union_id","drop_date"],"sort":"select_count"}`},
	// Query values: OData and search syntaxes, JSON in a parameter,
	// Base64 payloads, signed URLs.
	{KindQueryValue, "$filter", "Name eq 'Milk' and Price lt 2.55"},
	{KindQueryValue, "filter", "(status eq 'active') and (age gt 30)"},
	{KindQueryValue, "search", `name:"John Smith" AND age:>30`},
	{KindQueryValue, "filter", "created_at>=2024-01-01;status==open"},
	{KindQueryValue, "query", `{"bool":{"must":[{"match":{"title":"union"}}]}}`},
	{KindQueryValue, "fields", "user(id,name),posts{title}"},
	{KindQueryValue, "q", `"exact phrase" -exclude`},
	{KindQueryValue, "q", "site:example.com filetype:pdf"},
	{KindQueryValue, "q", `c:\users\documents`},
	{KindQueryValue, "q", `git commit -m "fix"`},
	{KindQueryValue, "q", "don't stop me now"},
	{KindQueryValue, "q", "McDonald's near me"},
	{KindQueryValue, "X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
	{KindQueryValue, "data", "eyJzZWxlY3QiOiJ1bmlvbiIsImRyb3AiOiJ0YWJsZSJ9"},
	{KindQueryValue, "payload", "SGVsbG8gV29ybGQhIFRoaXMgaXMgYSB0ZXN0IG9mIGJhc2U2NCBlbmNvZGluZy4="},
	{KindQueryValue, "continue", "https://accounts.google.com/ServiceLogin?service=mail&passive=true&continue=https://mail.google.com/mail/"},
	{KindQueryValue, "return_url", "https://checkout.stripe.com/c/pay/cs_test_a1b2c3#fidkdWxOYHwnPyd1blpxYHZxWjA0"},
	{KindQueryValue, "bbox", "-122.5,37.7,-122.3,37.9"},
	// Prose with apostrophes and SQL-ish words, rich text, code, markup.
	{KindBodyValue, "message", `Hey, can you update the "WHERE" clause in the report query? It's selecting too many rows from the orders table.`},
	{KindBodyValue, "message", "I'd like to drop my subscription; please delete my account and all data from your database."},
	{KindBodyValue, "message", "Let's meet at Union Square. I'll bring the select samples from the catalog -- don't be late!"},
	{KindBodyValue, "message", "My name is Robert'); and I'm a developer"},
	{KindBodyValue, "message", `He's 6'2" tall and weighs 180 lbs.`},
	{KindBodyValue, "message", "Don't know if it's 'small' or 'medium' - what's the fit like?"},
	{KindBodyValue, "message", "Choose 'Standard' or 'Express' shipping at checkout."},
	{KindBodyValue, "message", "The 'union' option and 'select' button don't work"},
	{KindBodyValue, "message", "'Twas the night before Christmas, and all through the house"},
	{KindBodyValue, "message", "Dear Sir/Madam,\nI'm writing to complain about order #A-1234.\nThe product arrived damaged; I'd like a refund or a replacement.\nRegards, Mary O'Neil"},
	{KindBodyValue, "message", "meeting notes:\n- select vendor\n- drop old contract\n- update budget from 10k to 12k\n- insert new clause on delivery"},
	{KindBodyValue, "message", "Copy C:\\Program Files\\App\\config.ini to D:\\backup\\"},
	{KindBodyValue, "message", "Windows: press Win+R, type cmd and hit Enter, then type ipconfig /all."},
	{KindBodyValue, "message", "Template syntax: {{#each items}}{{this.name}}{{/each}}"},
	{KindBodyValue, "message", "In Jinja use {% for item in items %}{{ item }}{% endfor %}"},
	{KindBodyValue, "message", "Set JAVA_HOME=${HOME}/jdk and PATH=$PATH:$JAVA_HOME/bin"},
	{KindBodyValue, "message", "Grades: A+ (90-100), B (80-89); anything < 60 fails."},
	{KindBodyValue, "message", "Use the <br> tag for line breaks and <hr> for rules."},
	{KindBodyValue, "message", "I <3 this app!!! <<< best ever >>>"},
	{KindBodyValue, "content", `<p><img src="/uploads/2024/01/photo.jpg" alt="" class="wp-image-123" srcset="/uploads/photo-300x200.jpg 300w, /uploads/photo-1024x683.jpg 1024w" sizes="(max-width: 1024px) 100vw, 1024px"></p>`},
	{KindBodyValue, "content", `<pre><code class="language-bash">sudo apt-get update && sudo apt-get install -y nginx</code></pre>`},
	{KindBodyValue, "content", `<a href="mailto:info@example.com?subject=Hello%20there">Mail us</a> or <a href="tel:+15551234567">call</a>`},
	{KindBodyValue, "content", `<video controls width="640"><source src="/media/intro.mp4" type="video/mp4"></video>`},
	{KindBodyValue, "content", `<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Hello world</p>&mdash; Jane (@jane) <a href="https://twitter.com/jane/status/123">Jan 1, 2024</a></blockquote>`},
	{KindBodyValue, "content", `<form action="/subscribe" method="post"><input type="email" name="email"><button>Subscribe</button></form>`},
	{KindBodyValue, "code", "#!/bin/bash\nfor f in *.txt; do echo \"$f\"; done"},
	{KindBodyValue, "code", `{"type":"module","scripts":{"build":"tsc && vite build","test":"vitest"}}`},
	{KindBodyValue, "markdown", "## Installation\n\n```sh\ngo install example.com/tool@latest\n```\n\nThen run `tool --help`."},
	{KindBodyValue, "markdown", "- [x] select a framework\n- [ ] drop IE11 support\n- [ ] union types"},
	{KindBodyValue, "markdown", "Fixes #123: handle `null` and `undefined` in `parse()`; see ../docs/parse.md"},
	{KindBodyValue, "prompt", "Write a SQL query that selects all users who signed up in 2024 and orders them by name."},
	{KindBodyValue, "prompt", "Write a bash script that lists all files in /var/log and compresses them."},
	{KindBodyValue, "public_key", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----"},
	{KindBodyValue, "ssh_key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host"},
	{KindBodyValue, "signature", "MEUCIQDKZokqnCjrRtw0tni+2Ltvl/uiL6gmuo1LGl1lJ8lw3QIgQ6mQ3pXqgEPk3gJ0EOPrL2bJXF7nTo8BQA/J6iPqbJk="},
	{KindBodyValue, "yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  DATABASE_URL: postgres://user@db:5432/app"},
	{KindBodyValue, "dockerfile", "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/app\nENTRYPOINT [\"/app\"]"},
	{KindBodyValue, "regex", "^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@example\\.com$"},
	{KindBodyValue, "cron", "*/5 * * * * /usr/local/bin/backup.sh > /dev/null 2>&1"},
	{KindBodyValue, "formula", `=IF(A2>100,"High","Low")`},
	{KindBodyValue, "csv", "id,name,email\n1,\"O'Brien, Sean\",sean@example.com\n2,\"Smith; John\",john@example.com"},
	{KindBodyValue, "chinese", "你好，我想订购两件衬衫，请问什么时候发货？"},
	{KindBodyValue, "arabic", "مرحبا، أريد إلغاء طلبي رقم 1234 من فضلك"},
	{KindBodyName, "", "@context"},
	{KindBodyName, "", "$$hashKey"},
	// A developer's search naming the script tag among words.
	{KindQueryValue, "q", "what is a <script> tag"},
	{KindQueryValue, "q", "<script> defer vs async"},
	{KindFileName, "", "C:\\fakepath\\photo.jpg"},
	{KindFileName, "", "John's notes.txt"},
	{KindFileName, "", "invoice#123.pdf"},
	{KindBodyRaw, "", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>News</title><item><title>Select, union &amp; drop: SQL basics</title></item></channel></rss>"},
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
		if checkBenign(t, in, b.kind, b.name, b.value, benignWeak[b.value]) {
			clean++
		}
	}
	t.Logf("%d benign values: %d without any hit, %d with an expected weak hit, none blocked", len(benignValues), clean, len(benignValues)-clean)
}

// checkBenign inspects one benign value and fails the test when it would
// block, or when it earns a weak score that weakOK does not expect; it
// reports whether the value drew no hit at all.
func checkBenign(t *testing.T, in *Inspector, kind Kind, name, value string, weakOK bool) (clean bool) {
	t.Helper()
	hits := in.InspectValue(nil, kind, name, value)
	score := 0
	for _, h := range hits {
		score += h.Score
	}
	switch {
	case score >= DefaultThreshold:
		t.Errorf("blocked: kind %d %s=%q: %v", kind, name, value, hits)
	case score > 0 && !weakOK:
		t.Errorf("unexpected weak hit: kind %d %s=%q: %v", kind, name, value, hits)
	}
	return score == 0
}

// benignWeak are benign values that legitimately earn a weak (< threshold)
// score.
var benignWeak = map[string]bool{
	"http://localhost:8080/callback":        true, // ssrf-loopback (3)
	"http://192.168.0.1/admin":              true, // ssrf-private (2)
	"http://10.0.0.5:9200/products/_search": true, // ssrf-private (2)
	"http://10.0.0.12/api/v1/notify":        true, // ssrf-private (2)
	"50% off -- today only!":                true, // sqli-libinjection-weak (3)
	"Typo in paragraph 3: \"<img src=x onerror=...>\" should be inside a code block, otherwise the CMS tries to render it.":                    true, // xss-js-weak (3)
	"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><circle cx='5' cy='5' r='4' fill='%23e33'/></svg>":    true, // xss-dangerous-tag (3)
	"I added 10.0.0.5 api.example.org to C:\\Windows\\System32\\drivers\\etc\\hosts for testing, but the client still resolves the public IP.": true, // lfi-config-file (3)
	"http://127.0.0.1:8080/actuator/health":                     true, // ssrf-loopback (3)
	"Please add the entry to /etc/hosts and restart nginx.":     true, // lfi-config-file (3)
	"what is a <script> tag":                                    true, // xss-dangerous-tag (3)
	"Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON": true, // sqli-libinjection-weak (3)
	"<script> defer vs async":                                   true, // xss-dangerous-tag (3)
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
			if d.Blocked || d.Score > tc.maxScore {
				t.Errorf("blocked=%v score=%d (at most %d expected) matches=%+v", d.Blocked, d.Score, tc.maxScore, d.Matches)
			}
		})
	}
}

type namedRequest struct {
	name string
	req  *http.Request
	// maxScore is the weak score the request may earn (0: none).
	maxScore int
}

// browserHeaders are what Chrome sends on a navigation.
func browserHeaders(r *http.Request) {
	h := r.Header
	h.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36")
	h.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")
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
		out = append(out, namedRequest{name: name, req: r})
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

	// Chrome 89-99 sent the brand " Not A;Brand", whose quotes and ';'
	// read as an SQL breakout when the header is taken whole.
	r, _ = http.NewRequest("GET", "http://www.example.com/account?tab=orders", nil)
	browserHeaders(r)
	r.Header.Set("Sec-Ch-Ua", `" Not A;Brand";v="99", "Chromium";v="96", "Google Chrome";v="96"`)
	r.Header.Set("Sec-Ch-Ua-Full-Version-List", `" Not A;Brand";v="99.0.0.0", "Chromium";v="96.0.4664.110", "Google Chrome";v="96.0.4664.110"`)
	r.Header.Set("X-Csrf-Token", "pSGe3b6hT0wq4bpp4dOc8g==")
	r.Header.Add("Cookie", "CookieConsent={stamp:'-1',necessary:true,preferences:true,statistics:true,marketing:true,method:'implied',ver:1,utc:1700000000000,region:'US-06'}; "+
		"mp_abc_mixpanel=%7B%22distinct_id%22%3A%20%22189a2c7a1%22%2C%22%24initial_referrer%22%3A%20%22https%3A%2F%2Fwww.google.com%2F%22%7D")
	add("older chrome with client hints and consent cookies", r)

	// A CMS page with several embedded videos: one weak signal, repeated.
	iframe := `<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" frameborder=\"0\" allowfullscreen></iframe>`
	page := `{"title":"Our launch, in two videos","excerpt":"It's here: select your plan today","body":"<h2>Part 1</h2>` + iframe + `<p>Don't miss part 2!</p>` + iframe + `","sidebar":"` + iframe + `"}`
	r, _ = http.NewRequest("PUT", "http://cms.example.com/api/pages/42", strings.NewReader(page))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json, text/plain, */*")
	add("cms page with three embedded videos", r)
	out[len(out)-1].maxScore = 3 // xss-dangerous-tag, once

	// Apollo Client adds __typename to every selection set.
	gql := `{"operationName":"Feed","variables":{"first":10,"after":null},"query":"query Feed($first: Int, $after: String) {\n  feed(first: $first, after: $after) {\n    edges { node { id title body __typename } __typename }\n    pageInfo { endCursor hasNextPage __typename }\n    __typename\n  }\n}\n"}`
	r, _ = http.NewRequest("POST", "http://api.example.com/graphql", strings.NewReader(gql))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Apollographql-Client-Name", "web")
	r.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
	add("graphql query from apollo client", r)

	// An OAuth login from a single-page app in development: the redirect
	// to localhost is a weak signal, nothing more.
	r, _ = http.NewRequest("GET", "http://auth.example.com/oauth2/authorize?response_type=code&client_id=spa-client&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&scope=openid%20profile%20email%20offline_access&state=eyJyZXR1cm5UbyI6Ii9kYXNoYm9hcmQifQ&nonce=n-0S6_WzA2Mj&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&prompt=login", nil)
	browserHeaders(r)
	add("oauth authorize with a localhost redirect", r)
	out[len(out)-1].maxScore = 3 // ssrf-loopback
	return out
}
