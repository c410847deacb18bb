package gatehouse

import (
	"bufio"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddytest"
	"go.yaml.in/yaml/v3"
)

// exampleMetricRe finds the metric names in a PromQL expression: every
// identifier starting with caddy_ (label names and values never do).
var exampleMetricRe = regexp.MustCompile(`\bcaddy_[a-zA-Z0-9_:]*`)

// exampleDashboardExprs returns the PromQL of every panel target and
// templating query of the Grafana dashboard at path.
func exampleDashboardExprs(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var exprs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				if s, ok := c.(string); ok && (k == "expr" || k == "query" || k == "definition") {
					exprs = append(exprs, s)
					continue
				}
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	return exprs
}

// exampleAlertExprs returns the expr of every rule in the Prometheus rule
// file at path.
func exampleAlertExprs(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert  string `yaml:"alert"`
				Record string `yaml:"record"`
				Expr   string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var exprs []string
	for _, g := range doc.Groups {
		for _, r := range g.Rules {
			if r.Expr == "" {
				t.Errorf("%s: rule %q%q has no expr", path, r.Alert, r.Record)
			}
			exprs = append(exprs, r.Expr)
		}
	}
	return exprs
}

// exampleMetricNames returns the caddy_* metric names used in exprs.
func exampleMetricNames(exprs []string) []string {
	seen := map[string]bool{}
	for _, e := range exprs {
		for _, n := range exampleMetricRe.FindAllString(e, -1) {
			seen[n] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// exampleScrapeTypes reads the metric families of a Prometheus text
// exposition: name → type, from the # TYPE lines.
func exampleScrapeTypes(scrape string) map[string]string {
	types := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(scrape))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			types[f[2]] = f[3]
		}
	}
	return types
}

// exampleMissing returns the names not exposed in types. A histogram or
// summary name may be used with its _bucket, _sum or _count series.
func exampleMissing(names []string, types map[string]string) []string {
	var missing []string
	for _, n := range names {
		if _, ok := types[n]; ok {
			continue
		}
		found := false
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			base, ok := strings.CutSuffix(n, suf)
			if !ok {
				continue
			}
			if typ := types[base]; typ == "histogram" || (typ == "summary" && suf != "_bucket") {
				found = true
			}
		}
		if !found {
			missing = append(missing, n)
		}
	}
	return missing
}

// TestExamplesMetricsExist: every metric name the Grafana dashboard and the
// Prometheus alerts use is exposed by a running Caddy with all four
// Gatehouse modules, once each module has counted something.
func TestExamplesMetricsExist(t *testing.T) {
	dashExprs := exampleDashboardExprs(t, "examples/grafana/gatehouse.json")
	alertExprs := exampleAlertExprs(t, "examples/prometheus/alerts.yml")
	dashNames, alertNames := exampleMetricNames(dashExprs), exampleMetricNames(alertExprs)
	if len(dashNames) == 0 || len(alertNames) == 0 {
		t.Fatalf("no metric names found: dashboard %v, alerts %v", dashNames, alertNames)
	}
	t.Logf("dashboard uses %v", dashNames)
	t.Logf("alerts use %v", alertNames)
	if testing.Short() {
		t.Skip("live test")
	}

	const iss = "https://issuer.metrics"
	key := aaRSAKey(t)
	idp := newAAIdP(t)
	idp.setKeys(t, map[string]*rsa.PrivateKey{"k1": key})
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"email":"`+plantedSecrets[5]+`","card":"`+plantedSecrets[0]+`"}`)
	}))
	defer backend.Close()

	tester := caddytest.NewTester(t)
	// A log rate of one line per second makes the second blocked request
	// a dropped line, so that the dropped-lines counter has a series.
	tester.InitServer(liveGlobalsOpen+`	metrics
	gatehouse {
		decision_log_rate 1
	}
}

http://localhost:9080 {
	route {
		request_filter
		api_auth {
			issuer `+iss+` {
				jwks_url `+idp.srv.URL+`/jwks
			}
			user_claims email
		}
		access_control {
			allow users {
				authenticated
			}
		}
		response_redact
		reverse_proxy `+strings.TrimPrefix(backend.URL, "http://")+`
	}
}
`, "caddyfile")

	const base = "http://localhost:9080"
	token := aaLiveToken(t, key, "k1", iss)
	// A pass whose response is masked.
	if status, _, body := aaLiveGet(t, tester, base+"/api/user", token); status != 200 || strings.Contains(body, plantedSecrets[0]) {
		t.Fatalf("pass: %d %q", status, body)
	}
	// An attack request_filter blocks.
	attack := base + "/api/user?id=" + url.QueryEscape("1' UNION SELECT password FROM users--")
	for range 3 {
		if status, _, body := aaLiveGet(t, tester, attack, token); status != 403 {
			t.Fatalf("attack: %d %q", status, body)
		}
	}
	// A bad token api_auth rejects.
	if status, _, body := aaLiveGet(t, tester, base+"/api/user", "not-a-token"); status != 401 {
		t.Fatalf("bad token: %d %q", status, body)
	}

	status, _, scrape := aaLiveGet(t, tester, "http://localhost:2999/metrics", "")
	if status != 200 {
		t.Fatalf("metrics: status %d", status)
	}
	types := exampleScrapeTypes(scrape)
	if missing := exampleMissing(dashNames, types); len(missing) > 0 {
		t.Errorf("examples/grafana/gatehouse.json uses metrics the scrape lacks: %v", missing)
	}
	if missing := exampleMissing(alertNames, types); len(missing) > 0 {
		t.Errorf("examples/prometheus/alerts.yml uses metrics the scrape lacks: %v", missing)
	}
	// The check itself: a misspelt name, or a _bucket of a counter, is caught.
	if got := exampleMissing([]string{"caddy_gatehouse_filter_request_total", "caddy_gatehouse_filter_requests_total_bucket"}, types); len(got) != 2 {
		t.Errorf("misspelt names not reported: %v", got)
	}
	for _, want := range []string{
		`caddy_gatehouse_filter_requests_total{action="block"}`,
		`caddy_gatehouse_auth_requests_total{reason=`,
		`caddy_gatehouse_jwks_fetches_total{result="ok"}`,
		`caddy_gatehouse_redact_findings_total{type=`,
	} {
		if !strings.Contains(scrape, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
}
