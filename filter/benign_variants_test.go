package filter

import (
	"encoding/base64"
	"testing"
)

// benignVariants: a second, independent benign set (see benignValues),
// written for generalisation: what real browsers and API clients send
// that looks like an attack to a naive filter. None may block; weakOK
// marks the few that may earn a weak (below-threshold) score.
var benignVariants = []struct {
	kind        Kind
	name, value string
	weakOK      bool
}{
	// Browser headers: Chrome, Firefox, Safari, Edge.
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", false},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", false},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", false},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", false},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/125.0.6422.60 Safari/537.36", false},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", false},
	{KindUserAgent, "User-Agent", "axios/1.7.2", false},
	{KindUserAgent, "User-Agent", "Apache-HttpClient/4.5.14 (Java/17.0.10)", false},
	{KindUserAgent, "User-Agent", "Wget/1.21.4", false},
	{KindUserAgent, "User-Agent", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531; Pro)", false},
	{KindUserAgent, "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) WindowsPowerShell/5.1.22621.2506", false},
	{KindHeaderValue, "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
	{KindHeaderValue, "Accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8", false},
	{KindHeaderValue, "Accept", "application/vnd.github+json", false},
	{KindHeaderValue, "Accept", "application/json;odata.metadata=minimal;odata.streaming=true", false},
	{KindHeaderValue, "Sec-Ch-Ua", `"Google Chrome";v="126", "Not.A/Brand";v="8", "Chromium";v="126"`, false},
	{KindHeaderValue, "Sec-Ch-Ua", `"Not/A)Brand";v="8", "Chromium";v="126", "Microsoft Edge";v="126"`, false},
	{KindHeaderValue, "Sec-Ch-Ua", `"Chromium";v="110", "Not A(Brand";v="24", "Google Chrome";v="110"`, false},
	{KindHeaderValue, "Sec-Ch-Ua-Full-Version-List", `"Not)A;Brand";v="99.0.0.0", "Google Chrome";v="127.0.6533.72", "Chromium";v="127.0.6533.72"`, false},
	{KindHeaderValue, "Sec-Ch-Ua-Arch", `"x86"`, false},
	{KindHeaderValue, "Sec-Ch-Ua-Model", `""`, false},
	{KindHeaderValue, "Sec-Fetch-Dest", "empty", false},
	{KindHeaderValue, "Sec-Fetch-Mode", "cors", false},
	{KindHeaderValue, "Sec-Fetch-User", "?1", false},
	{KindHeaderValue, "Sec-Purpose", "prefetch;prerender", false},
	{KindHeaderValue, "Priority", "u=0, i", false},
	{KindHeaderValue, "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8,ja;q=0.7", false},
	{KindHeaderValue, "Accept-Language", "pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7", false},
	{KindHeaderValue, "Referer", "https://www.facebook.com/l.php?u=https%3A%2F%2Fshop.example.com%2Fsale%3Futm_source%3Dfb&h=AT0x9_abc-DEF", false},
	{KindHeaderValue, "Referer", "https://duckduckgo.com/?q=%22select+*+from%22+tutorial+sqlite&ia=web", false},
	{KindHeaderValue, "Referer", "https://stackoverflow.com/questions/1234/how-to-use-union-all-in-postgres", false},
	{KindHeaderValue, "Link", `</style.css>; rel=preload; as=style, </app.js>; rel=preload; as=script`, false},
	{KindHeaderValue, "Content-Security-Policy-Report-Only", "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.example.com; object-src 'none'", false},
	{KindHeaderValue, "Baggage", "userId=alice,serverNode=DF%2028,isProduction=false", false},
	{KindHeaderValue, "Tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", false},
	{KindHeaderValue, "X-Requested-With", "XMLHttpRequest", false},
	{KindHeaderValue, "Prefer", "return=representation; odata.maxpagesize=50", false},
	// Analytics, consent and session cookies.
	{KindCookieValue, "_ga", "GA1.2.1987654321.1719000000", false},
	{KindCookieValue, "_gcl_au", "1.1.123456789.1719000000", false},
	{KindCookieValue, "_fbp", "fb.1.1719000000000.1234567890", false},
	{KindCookieValue, "_hjSessionUser_123", "eyJpZCI6IjEyMzQ1Njc4LTEyMzQtNTY3OC05YWJjLWRlZjAxMjM0NTY3OCIsImNyZWF0ZWQiOjE3MTkwMDAwMDAwMDAsImV4aXN0aW5nIjp0cnVlfQ==", false},
	{KindCookieValue, "euconsent-v2", "CP1qHAAP1qHAAAHABBENA1EsAP_gAEPgAAAAJpNB9G5cTWFBeXx3QPsgGYhHwVRSJkQiBgCAA-ABSBKAAIQAgkAQEAQBAAACABAAAIAAAgAQAAABAAAAAAAAAAQAAAAAAAAAAAA", false},
	{KindCookieValue, "OptanonConsent", "isGpcEnabled=0&datestamp=Tue+Jun+25+2024+09%3A12%3A45+GMT%2B0200+(Mitteleurop%C3%A4ische+Sommerzeit)&version=202405.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=8f1c2e4a&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0&AwaitingReconsent=false", false},
	{KindCookieValue, "CookieConsent", "{stamp:%27abc123==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:true%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:2%2Cutc:1719000000000%2Cregion:%27de%27}", false},
	{KindCookieValue, "ajs_user_id", "%22user_8f3a%22", false},
	{KindCookieValue, "AMCV_ABC%40AdobeOrg", "179643557%7CMCIDTS%7C19900%7CMCMID%7C12345678901234567890%7CvVersion%7C5.5.0", false},
	{KindCookieValue, "id_token", "eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOWdkazcifQ.eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuY29tIiwic3ViIjoiMjQ4Mjg5NzYxMDAxIiwiYXVkIjoiczZCaGRSa3F0MyIsIm5vbmNlIjoibi0wUzZfV3pBMk1qIiwiZXhwIjoxMzExMjgxOTcwLCJpYXQiOjEzMTEyODA5NzB9.ggW8hZ1EuVLuxNuuIJKX_V8a_OMXzR0EHR9R6jgdqrOOF4daGU96Sr_P6qJp6IcmD3HP99Obi1PRs-cwh3LO-p146waJ8IhehcwL7F09JdijmBqkvPeB2T9CJNqeGpe-gccMg4vfKjkM8FcGvnzZUN4_KSP0aAp1tOJ1zZwgjxqGByKHiOtX7TpdQyHE5lcMiKPXfEIQILVq0pc_E2DzL7emopWoaoZTF_m0_N0YzFC6g6EJbOEoRoSK5hoDalrcvRYLSrQAZZKflyuVCyixEoV9GfNQC3_osjzw2PAithfubEEBLuVVk4XUVrWOLrLl0nx7RkKU8NXNHq-rvKMzqg", false},
	{KindCookieValue, "cart", `[{"sku":"SOCK-7","qty":3,"note":"gift - don't wrap"}]`, false},
	{KindCookieValue, "prefs", "j:{\"lang\":\"en\",\"tz\":\"Europe/Paris\",\"sort\":\"-created_at\"}", false},
	{KindCookieValue, "__Secure-next-auth.callback-url", "https%3A%2F%2Fapp.example.com%2Fdashboard%3Ftab%3Dbilling", false},
	// Prose in several languages, with quotes, dashes and SQL/shell words.
	{KindBodyValue, "comment", "I can't select the 'union' option -- it's greyed out; please update and drop me a note.", false},
	{KindBodyValue, "comment", "Or maybe 1=1 isn't the point: we want 2 or 3 seats, and/or a refund.", false},
	{KindBodyValue, "comment", "Sleep well! See you at 5 (or 6) o'clock; bring cat & dog food.", false},
	{KindBodyValue, "comment", "Je n'ai pas reçu ma commande n°4521 — pouvez-vous vérifier l'adresse « 12 rue de l'Union » ?", false},
	{KindBodyValue, "comment", "Ich möchte meine Bestellung ändern: statt 2× „Select“-Tasche bitte 3 Stück; danke!", false},
	{KindBodyValue, "comment", "¿Dónde está mi pedido? Lo pedí el 3/4 y aún no llega :(", false},
	{KindBodyValue, "comment", "Заказ №123: пожалуйста, доставьте после 18:00 — домофон не работает.", false},
	{KindBodyValue, "comment", "注文番号 #8842 の配送先を「東京都港区」に変更してください。", false},
	{KindBodyValue, "comment", "주문을 취소하고 싶습니다. 감사합니다!", false},
	{KindBodyValue, "comment", "The system's exec summary says: \"drop the legacy table format by Q3\".", false},
	{KindBodyValue, "comment", "Price went from $5 to $7 (i.e. +40%), which is > inflation & < competitors.", false},
	{KindBodyValue, "title", "Rock 'n' Roll: the \"Best Of\" 1955–1965 (remastered) [2 CDs]", false},
	{KindBodyValue, "address", "O'Connor & Sons Ltd., Unit 4/5, 1 Union Sq. #200, San Francisco, CA 94108", false},
	{KindBodyValue, "name", "D'Angelo-Smith", false},
	{KindBodyValue, "bio", "Full-stack dev; ❤️ Go, Rust & C++; ex-@bigcorp; views are my own.", false},
	// Rich-text editor HTML.
	{KindBodyValue, "html", `<p>Hello <strong>team</strong>,</p><ul><li>Item <em>one</em></li><li><a href="https://example.com/docs?id=3&amp;lang=en" target="_blank" rel="noopener noreferrer">Docs</a></li></ul>`, false},
	{KindBodyValue, "html", `<p style="text-align: center;"><span style="color: #e03e2d; font-family: 'Segoe UI', sans-serif;">Sale ends Sunday!</span></p>`, false},
	{KindBodyValue, "html", `<figure class="image"><img src="https://cdn.example.com/u/123/photo.jpg" alt="Team photo at the 'Union' offsite" width="640" height="480"><figcaption>Our team</figcaption></figure>`, false},
	{KindBodyValue, "html", `<blockquote><p>“Select the best, drop the rest.”</p></blockquote><pre><code class="language-sql">SELECT id FROM users;</code></pre>`, true},
	{KindBodyValue, "html", `<table><tbody><tr><td>Q1</td><td>1,200</td></tr><tr><td colspan="2">Total: 4,800</td></tr></tbody></table>`, false},
	{KindBodyValue, "html", `<div data-mce-style="margin: 0 auto;" class="ql-align-justify">Paragraph with <u>underline</u> and <s>strike</s>.</div>`, false},
	{KindBodyValue, "delta", `{"ops":[{"insert":"Hello "},{"attributes":{"bold":true},"insert":"world"},{"insert":"\n"}]}`, false},
	// Markdown with code blocks.
	{KindBodyValue, "body", "## Install\n\n```bash\nnpm install --save my-lib\ncd my-lib && npm test\n```\n\nThen see [the docs](https://example.com/docs).", true},
	{KindBodyValue, "body", "Use `git log --oneline | head -5` to see recent commits.", true},
	{KindBodyValue, "body", "```go\nif err != nil {\n\treturn fmt.Errorf(\"open %s: %w\", name, err)\n}\n```", false},
	{KindBodyValue, "body", "```python\nfor row in rows:\n    print(f\"{row['id']}: {row['name']}\")\n```", false},
	{KindBodyValue, "body", "> **Note**: values like `${HOME}` are expanded by the shell, not by us.", true},
	// SQL-looking but benign words and identifiers.
	{KindQueryValue, "q", "union square hotels", false},
	{KindQueryValue, "q", "select comfort mattress", false},
	{KindQueryValue, "q", "drop shipping or dropshipping", false},
	{KindQueryValue, "q", "european union values and principles", false},
	{KindQueryValue, "q", "union table saw", false},
	{KindQueryValue, "q", "true or false quiz", false},
	{KindQueryValue, "q", "order by date", false},
	{KindQueryValue, "q", "benchmark results 2024", false},
	{KindQueryValue, "sort", "-updated_at,name", false},
	{KindQueryValue, "fields", "id,name,email,created_at", false},
	{KindQueryValue, "columns", "select,insert,update,delete", false},
	// E-mails and URLs in parameters.
	{KindQueryValue, "email", "first.last+newsletter@sub.example.co.uk", false},
	{KindQueryValue, "email", "\"john..doe\"@example.org", false},
	{KindQueryValue, "return_to", "https://app.example.com/settings/profile?tab=security&from=email#2fa", false},
	{KindQueryValue, "redirect", "/dashboard?view=grid&filter=status:open", false},
	{KindQueryValue, "u", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s&list=PL123", false},
	{KindQueryValue, "webhook", "https://hooks.slack.com/services/T000/B000/XXXX", false},
	{KindQueryValue, "url", "https://cdn.example.net/img/2024/06/summer-sale_1200x630.webp", false},
	{KindQueryValue, "url", "https://192-0-2-10.sslip.io/", false},
	{KindQueryValue, "next", "//www.example.com/path", false},
	// Base64 images and data.
	{KindBodyValue, "avatar", "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa")), false},
	{KindBodyValue, "file", "data:application/pdf;base64,JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURlY29kZT4+", false},
	{KindBodyValue, "payload", base64.StdEncoding.EncodeToString([]byte(`{"event":"page_view","path":"/pricing","ts":1719000000}`)), false},
	// GraphQL with fragments and variables.
	{KindBodyValue, "query", "query Product($id: ID!, $withReviews: Boolean = false) {\n  product(id: $id) { ...ProductFields reviews(first: 5) @include(if: $withReviews) { edges { node { rating body } } } }\n}\nfragment ProductFields on Product { id name price { amount currency } }", false},
	{KindBodyValue, "query", "mutation UpdateUser($input: UpdateUserInput!) { updateUser(input: $input) { user { id email } errors { field message } } }", false},
	{KindBodyValue, "query", "subscription OnMessage($room: String!) { messageAdded(room: $room) { id text author { name } } }", false},
	// OData, filter and search syntaxes.
	{KindQueryValue, "$filter", "Price gt 20 and Category eq 'Books' or startswith(Name, 'The')", false},
	{KindQueryValue, "$filter", "contains(Title,'O''Reilly') and Year ge 2010", false},
	{KindQueryValue, "$orderby", "Name desc,Price asc", false},
	{KindQueryValue, "$select", "Id,Name,Price", false},
	{KindQueryValue, "$expand", "Orders($filter=Amount gt 100;$top=5)", false},
	{KindQueryValue, "filter", "status:open AND (assignee:me OR label:\"needs triage\") -label:wontfix", false},
	{KindQueryValue, "q", "\"new york\" -jersey site:example.com", false},
	{KindQueryValue, "q", "title:\"The Lord of the Rings\" AND year:[1950 TO 1960]", false},
	{KindQueryValue, "q", "price>=10&&price<=50", false},
	{KindQueryValue, "jql", "project = WEB AND status in (\"In Progress\", Done) ORDER BY created DESC", true},
	{KindQueryValue, "where", "{\"age\":{\"gte\":21},\"country\":\"FR\"}", false},
	{KindQueryValue, "q", "C# vs C++ -- which is faster?", false},
	{KindQueryValue, "q", "what does 'rm -rf' do", false},
	// File names and paths.
	{KindFileName, "", "Q3-report_final.v2.pdf", false},
	{KindFileName, "", "my.photo.2024-06-01 (1).jpeg", false},
	{KindFileName, "", "résumé – Jean-Luc.docx", false},
	{KindFileName, "", "archive.tar.gz", false},
	{KindQueryValue, "path", "docs/getting-started/install.md", false},
	{KindQueryValue, "path", "C:\\Users\\Public\\Documents\\Report 2024.xlsx", false},
	{KindBodyValue, "share", "\\\\fileserver\\marketing\\Brand Assets\\logo.svg", false},
	{KindBodyValue, "note", "Saved to ~/Downloads/invoice-2024-06.pdf and ../shared/invoices.", false},
	{KindBodyValue, "location", "\\\\files.corp.example.com\\finance\\Q3 forecast.xlsx", false},
	{KindBodyValue, "recipe", "Add 1⁄2 cup of sugar and 3∕4 tsp salt.", false},
	// Words the new rules look for, in ordinary use.
	{KindBodyValue, "essay", "The European Union values (democracy, rule of law) matter more than ever.", false},
	{KindBodyValue, "essay", "Credit union values: members first, or true community banking?", false},
	{KindQueryValue, "q", "is 0 or true falsy in js", false},
	{KindBodyValue, "code", "const enabled = readFlag('beta') || true;", false},
	{KindBodyValue, "code", "if (user.isAdmin() || user.canEdit(doc)) { save(doc); }", false},
	{KindBodyValue, "docs", "Use json_extract(doc, '$.name') to read a field; see the JSON functions page.", false},
	{KindBodyValue, "twig", "{% for u in users|filter(u => u.active)|sort((a, b) => a.name <=> b.name) %}{{ u.name|e }}{% endfor %}", false},
	{KindBodyValue, "shell_help", "Files like /usr/bin/python3.* are managed by the package manager.", false},
	{KindQueryValue, "callback", "https://app.example.com/oauth/callback?code=abc&state=xyz", false},
	{KindQueryValue, "host", "api.example.com:8443", false},
	{KindBodyValue, "ps", "Get-ChildItem -Path C:\\Temp -Filter *.log | Remove-Item", true},
	{KindBodyValue, "ticket", "Open \\\\10.1.2.3\\scans to find your scanned pages.", false},
	{KindBodyValue, "ja", "ルーターの管理画面は http://192.168.1.1。 です（第1章。第2章）", false},
	{KindBodyValue, "list", "Options: ① basic ② pro ③ enterprise", false},
	{KindQueryValue, "u", "https://例え.jp/パス?q=東京", false},
	{KindBodyValue, "docs", "Install: irm get.scoop.sh | iex", false},
	{KindBodyValue, "docs", "Run Invoke-WebRequest -Uri https://example.com/file.zip -OutFile file.zip", false},
	{KindBodyValue, "docs", "Use {{ items|map('upper')|join(', ') }} in Jinja.", false},
	{KindBodyValue, "docs", "data->>'name' is how Postgres reads a JSON field as text", false},
	// Documents sent as JSON strings: a W3C DOCTYPE runs nothing.
	{KindBodyValue, "svg", "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"24\" height=\"24\"><path d=\"M12 2L2 7l10 5 10-5z\"/></svg>", true},
	{KindBodyValue, "html", "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\"><html><body><p>Newsletter</p></body></html>", false},
	{KindBodyValue, "html", "<!DOCTYPE html><html lang=\"en\"><head><title>Invoice</title></head><body><h1>Invoice #42</h1></body></html>", false},
	// Template-ish and code-ish values that apps really send.
	{KindBodyValue, "template", "Hello {{first_name}}, your order {{order.id}} ships {{ship_date | date: \"%b %d\"}}.", false},
	{KindBodyValue, "template", "Dear ${customer.name}, your balance is ${balance}.", false},
	{KindBodyValue, "i18n", "{count, plural, one {# item} other {# items}}", false},
	{KindBodyValue, "regex", "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", false},
	{KindBodyValue, "cron", "*/15 * * * 1-5", false},
	{KindBodyValue, "css", ".btn:hover { color: #fff; background: url(/img/bg.png) no-repeat; }", false},
	{KindBodyValue, "js_snippet", "function add(a, b) { return a + b; }", false},
	{KindBodyValue, "json_text", "{\"filter\":{\"price\":{\"min\":10,\"max\":50}},\"sort\":[\"-rating\"]}", false},
}

func TestBenignVariants(t *testing.T) {
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	clean := 0
	for _, b := range benignVariants {
		if checkBenign(t, in, b.kind, b.name, b.value, b.weakOK) {
			clean++
		}
	}
	t.Logf("%d benign variants: %d without any hit, none blocked", len(benignVariants), clean)
}

// TestBenignVariantRequests: whole requests from browsers and API clients.
func TestBenignVariantRequests(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	type req struct {
		name, method, target, ctype, body string
		hdr                               []string
	}
	firefox := []string{
		"User-Agent", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
		"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
		"Accept-Language", "en-GB,en;q=0.5", "Accept-Encoding", "gzip, deflate, br, zstd",
		"Sec-Fetch-Dest", "document", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Site", "cross-site", "Sec-Fetch-User", "?1",
		"Sec-GPC", "1", "Upgrade-Insecure-Requests", "1", "Te", "trailers",
		"Cookie", "_pk_id.1.1fff=3c5f1e2d4b6a7980.1719000000.; _pk_ses.1.1fff=1; consent=%7B%22analytics%22%3Atrue%2C%22ads%22%3Afalse%7D",
	}
	safari := []string{
		"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
		"Accept", "*/*", "Accept-Language", "fr-FR,fr;q=0.9", "Sec-Fetch-Dest", "empty", "Sec-Fetch-Mode", "cors", "Sec-Fetch-Site", "same-origin",
		"Cookie", "session=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1XzEyMyIsInNjb3BlIjoicmVhZCB3cml0ZSIsImV4cCI6MTcxOTAwMDAwMH0.MEUCIQD1", "X-Requested-With", "XMLHttpRequest",
	}
	cases := []req{
		{name: "firefox search with quotes and operators", method: "GET", target: "/search?q=%22union+station%22+OR+%22penn+station%22+-closed&lang=en&page=1", hdr: firefox},
		{name: "safari fetch with odata filter", method: "GET", target: "/odata/Products?$filter=Price%20gt%2020%20and%20Category%20eq%20%27Books%27&$orderby=Name%20desc&$top=10", hdr: safari},
		{name: "json comment in french with html", method: "POST", target: "/api/comments", ctype: "application/json",
			body: `{"post":42,"html":"<p>C'est <em>génial</em> ! Voir <a href=\"https://example.fr/a?b=1&amp;c=2\">ici</a>.</p>","lang":"fr"}`, hdr: safari},
		{name: "graphql with fragments", method: "POST", target: "/graphql", ctype: "application/json",
			body: `{"query":"query($q:String!){search(q:$q){...F}} fragment F on Result{id title}","variables":{"q":"red cars where the owner's name is O'Neil or O'Hara"}}`, hdr: safari},
		{name: "form with markdown", method: "POST", target: "/issues/new", ctype: "application/x-www-form-urlencoded",
			body: "title=Crash+when+path+contains+..%2F&body=Steps%3A%0A1.+run+%60app+--config+.%2Fconf.yml%60%0A2.+see+error", hdr: firefox},
		{name: "mongo-style json filter", method: "POST", target: "/api/search", ctype: "application/json",
			body: `{"filter":{"tags":{"in":["go","rust"]},"stars":{"gte":100}},"sort":{"stars":-1}}`, hdr: safari},
	}
	for _, c := range cases {
		r := newReq(c.method, "http://app.example.com"+c.target, c.ctype, c.body, c.hdr...)
		r.RemoteAddr = "198.51.100.9:40000"
		d, err := eng.Inspect(r)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if d.Blocked || d.Score > 0 {
			t.Errorf("%s: blocked=%v score=%d matches=%+v", c.name, d.Blocked, d.Score, d.Matches)
		}
	}
}
