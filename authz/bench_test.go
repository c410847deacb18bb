package authz

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"
)

// hundredRules builds a realistic 100-rule policy whose last rule is the one
// that allows the benchmark request, so every rule is looked at.
func hundredRules() PolicyConfig {
	var rules []Rule
	for i := 0; len(rules) < 99; i++ {
		base := fmt.Sprintf("/svc%d", i)
		rules = append(rules,
			Rule{Action: "allow", Methods: []string{"GET", "HEAD"}, PathPrefixes: []string{base + "/public"}},
			Rule{Action: "allow", Methods: []string{"POST", "PUT"}, PathPrefixes: []string{base}, ScopesAny: []string{fmt.Sprintf("svc%d:write", i)}},
			Rule{Action: "deny", PathGlobs: []string{base + "/*/internal/**"}},
			Rule{Action: "allow", PathRegexps: []string{fmt.Sprintf(`^/svc%d/v[0-9]+/items$`, i)}, RolesAny: []string{"reader"}},
			Rule{Action: "allow", Paths: []string{base + "/health"}, ClientIPs: []string{"10.0.0.0/8", "192.168.0.0/16"}},
		)
	}
	rules = rules[:99]
	rules = append(rules, Rule{Name: "orders", Action: "allow", Methods: []string{"GET"},
		PathPrefixes: []string{"/orders"}, RolesAny: []string{"user"}, ScopesAll: []string{"orders:read"},
		Claims: []ClaimCondition{{Path: "org.id", Values: []string{"acme"}}}})
	return PolicyConfig{Rules: rules}
}

func benchRequest() *Request {
	return &Request{
		Method: "GET", Host: "api.example.com", Path: "/orders/42",
		Client: netip.MustParseAddr("203.0.113.9"), Header: http.Header{"Accept": {"application/json"}},
		Identity: &Identity{ID: "alice", Method: "jwt", Roles: []string{"user"}, Scopes: []string{"orders:read"},
			Claims: map[string]any{"org": map[string]any{"id": "acme"}}},
	}
}

// BenchmarkEvaluate1Rule is the baseline: the same allowing rule alone.
func BenchmarkEvaluate1Rule(b *testing.B) {
	cfg := hundredRules()
	p, err := Compile(PolicyConfig{Rules: cfg.Rules[99:]})
	if err != nil {
		b.Fatal(err)
	}
	r := benchRequest()
	if d := p.Evaluate(r); d.Effect != Allow {
		b.Fatalf("not allowed: %+v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Evaluate(r)
	}
}

// BenchmarkEvaluate100Rules: allow decided by the 100th rule.
func BenchmarkEvaluate100Rules(b *testing.B) {
	p, err := Compile(hundredRules())
	if err != nil {
		b.Fatal(err)
	}
	r := benchRequest()
	if d := p.Evaluate(r); d.Effect != Allow || d.RuleIndex != 99 {
		b.Fatalf("benchmark request not allowed by rule 100: %+v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Evaluate(r)
	}
}

// BenchmarkDecide100Rules adds path and host canonicalisation, i.e. the
// whole engine work of a request.
func BenchmarkDecide100Rules(b *testing.B) {
	p, err := Compile(hundredRules())
	if err != nil {
		b.Fatal(err)
	}
	r := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		path, err := p.CanonicalPath("/orders/42")
		if err != nil {
			b.Fatal(err)
		}
		r.Path, r.Host = path, CanonicalHost("api.example.com:443")
		p.Evaluate(r)
	}
}

func TestEvaluateAllowPathDoesNotAllocate(t *testing.T) {
	p, err := Compile(hundredRules())
	if err != nil {
		t.Fatal(err)
	}
	r := benchRequest()
	allocs := testing.AllocsPerRun(200, func() {
		if d := p.Evaluate(r); d.Effect != Allow {
			t.Fatal("not allowed")
		}
	})
	if allocs != 0 {
		t.Errorf("Evaluate allocates %v times per allowed request", allocs)
	}
}

// BenchmarkEvaluate100RulesNoPrefilter: 99 rules that the method/path
// prefilter cannot rule out (client address and header conditions), so each
// is matched in full before the 100th allows.
func BenchmarkEvaluate100RulesNoPrefilter(b *testing.B) {
	var rules []Rule
	for i := 0; i < 99; i++ {
		if i%2 == 0 {
			rules = append(rules, Rule{Action: "deny", ClientIPs: []string{fmt.Sprintf("10.%d.0.0/16", i), "192.0.2.0/24"}})
		} else {
			rules = append(rules, Rule{Action: "deny", Headers: []HeaderCondition{{Name: "X-Tenant", Values: []string{fmt.Sprint(i)}}}})
		}
	}
	rules = append(rules, Rule{Action: "allow", RolesAny: []string{"user"}})
	p, err := Compile(PolicyConfig{Rules: rules})
	if err != nil {
		b.Fatal(err)
	}
	r := benchRequest()
	r.Header.Set("X-Tenant", "acme")
	if d := p.Evaluate(r); d.Effect != Allow || d.RuleIndex != 99 {
		b.Fatalf("benchmark request not allowed by rule 100: %+v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Evaluate(r)
	}
}

// hundredRulesTemplates is hundredRules with object-level rules mixed in:
// of the 99 rules before the deciding one, 40 are path templates with
// claim, list and header bindings; the 100th allows a caller its own
// object in one of its tenants.
func hundredRulesTemplates(prefilter bool) PolicyConfig {
	base := hundredRules().Rules
	var rules []Rule
	for i := 0; len(rules) < 99; i++ {
		root := fmt.Sprintf("/svc%d", i)
		if !prefilter {
			root = "/{tenant}" + root // starts with a variable: no literal prefix
		}
		rules = append(rules,
			Rule{Action: "allow", PathTemplates: []string{root + "/users/{id}", root + "/users/{id}/**"},
				Bindings: []ClaimBinding{{PathParam: "id", Claim: "sub"}}},
			Rule{Action: "allow", Methods: []string{"GET"}, PathTemplates: []string{root + "/t/{t}/**"},
				Bindings: []ClaimBinding{{PathParam: "t", Op: "in", Claim: "tenants"}}},
			base[len(rules)%99], base[(len(rules)+1)%99], base[(len(rules)+2)%99],
		)
	}
	rules = rules[:99]
	rules = append(rules, Rule{Name: "own_order", Action: "allow", Methods: []string{"GET"},
		PathTemplates: []string{"/tenants/{tenant}/users/{id}/**"},
		Bindings: []ClaimBinding{{PathParam: "id", Claim: "sub"}, {PathParam: "tenant", Op: "in", Claim: "tenants"},
			{Header: "X-Tenant", Claim: "org.id"}}})
	return PolicyConfig{Rules: rules}
}

func benchTemplateRequest() *Request {
	r := benchRequest()
	r.Path = "/tenants/acme/users/alice/orders/42"
	r.Header = http.Header{"Accept": {"application/json"}, "X-Tenant": {"acme"}}
	r.Identity.Claims = map[string]any{"sub": "alice", "tenants": []any{"initech", "acme"}, "org": map[string]any{"id": "acme"}}
	return r
}

func benchTemplates(b *testing.B, prefilter bool) {
	p, err := Compile(hundredRulesTemplates(prefilter))
	if err != nil {
		b.Fatal(err)
	}
	r := benchTemplateRequest()
	if d := p.Evaluate(r); d.Effect != Allow || d.RuleIndex != 99 {
		b.Fatalf("benchmark request not allowed by rule 100: %+v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Evaluate(r)
	}
}

// BenchmarkEvaluate100RulesTemplates: 100 rules, 41 of them object-level
// (path templates with bindings); allow decided by the 100th.
func BenchmarkEvaluate100RulesTemplates(b *testing.B) { benchTemplates(b, true) }

// BenchmarkEvaluate100RulesTemplatesNoPrefilter: the same with templates
// that start with a variable, so that no literal prefix rules them out and
// each of the 40 is matched segment by segment.
func BenchmarkEvaluate100RulesTemplatesNoPrefilter(b *testing.B) { benchTemplates(b, false) }

func TestEvaluateTemplatesDoesNotAllocate(t *testing.T) {
	for _, prefilter := range []bool{true, false} {
		p, err := Compile(hundredRulesTemplates(prefilter))
		if err != nil {
			t.Fatal(err)
		}
		r := benchTemplateRequest()
		allocs := testing.AllocsPerRun(200, func() {
			if d := p.Evaluate(r); d.Effect != Allow || d.RuleIndex != 99 {
				t.Fatalf("not allowed by rule 100: %+v", d)
			}
		})
		if allocs != 0 {
			t.Errorf("prefilter=%v: Evaluate allocates %v times per request", prefilter, allocs)
		}
	}
}
