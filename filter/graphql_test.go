package filter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// gqlTransports are the ways a GraphQL document reaches a server: a JSON
// body, an application/graphql body, the query parameter of a GET, and a
// JSON batch of one operation, and the whole JSON request as the query
// parameter of a GET (which some servers accept).
var gqlTransports = []string{"json", "graphql", "get", "batch", "getjson"}

// gqlSend builds the request that carries doc (and variables) in transport tr.
func gqlSend(tr, doc string, vars map[string]any) *http.Request {
	body := map[string]any{"query": doc}
	if vars != nil {
		body["variables"] = vars
	}
	b, _ := json.Marshal(body)
	switch tr {
	case "graphql":
		return newReq("POST", "http://api.example.com/graphql", "application/graphql", doc)
	case "get":
		q := "query=" + url.QueryEscape(doc)
		if vars != nil {
			v, _ := json.Marshal(vars)
			q += "&variables=" + url.QueryEscape(string(v))
		}
		return newReq("GET", "http://api.example.com/graphql?"+q, "", "")
	case "getjson":
		return newReq("GET", "http://api.example.com/graphql?query="+url.QueryEscape(string(b)), "", "")
	case "batch":
		return newReq("POST", "http://api.example.com/graphql", "application/json", "["+string(b)+"]")
	}
	return newReq("POST", "http://api.example.com/graphql", "application/json", string(b))
}

// repeatJoin: n copies of f(i) joined by sep.
func repeatJoin(n int, sep string, f func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(i)
	}
	return strings.Join(parts, sep)
}

// gqlAttacks are documents built from the grammar's parts: an operation
// wrapper around one abusive shape, or an injection in a string argument.
func gqlAttacks() map[string][]string {
	m := map[string][]string{}
	// Injection inside string arguments and input objects, each named
	// as a server's resolver would read it.
	for _, arg := range []string{
		`name: "' OR 1=1--"`, `id: "1 AND 1=1"`, `where: "1' UNION SELECT password FROM users--"`,
		`body: "<script>alert(1)</script>"`, `title: "<img src=x onerror=alert(1)>"`,
		`host: "127.0.0.1; cat /etc/passwd"`, `cmd: "$(id)"`,
		`filter: "{\"$where\": \"sleep(5000)\"}"`, `pass: "{\"$ne\": null}"`,
		`url: "http://169.254.169.254/latest/meta-data/"`, `webhook: "http://127.0.0.1:6379/"`,
		`path: "../../../../etc/passwd"`, `input: {email: "x' OR '1'='1"}`, `ids: ["1", "2 OR 1=1--"]`,
		`note: """<svg onload=alert(1)>"""`, `q: "\u003cscript\u003ealert(1)\u003c/script\u003e"`,
	} {
		m["injection"] = append(m["injection"], "{ user("+arg+") { id } }", "mutation M { update("+arg+") { ok } }")
	}
	// Introspection in disguise.
	m["introspection"] = []string{
		`{ __schema { types { name } } }`, `{ s: __schema { types { name } } }`,
		"# a comment\n{ __schema\n { queryType { name } } }", "{ #x\n __schema #y\n { types { name } } }",
		`{ __type(name: "User") { fields { name } } }`, `query { ...F } fragment F on Query { __schema { types { name } } }`,
		"{\n\t__schema\n{types{name}}}", `query { me { id } t: __type(name: "Admin") { name } }`,
		`{ ... on Query { __schema { directives { name } } } }`,
	}
	m["abuse"] = []string{
		// Batching: many operations in one document.
		repeatJoin(50, "\n", func(i int) string { return fmt.Sprintf("query Q%d { me { id } }", i) }),
		// Alias brute force.
		"mutation {" + repeatJoin(100, " ", func(i int) string {
			return fmt.Sprintf(`a%d: login(user: "admin", password: "p%d") { token }`, i, i)
		}) + "}",
		// Guessing under fewer aliases than the document limit: a
		// password, a one-time code, a coupon.
		"mutation {" + repeatJoin(11, " ", func(i int) string {
			return fmt.Sprintf(`a%d: login(email: "admin@example.com", password: "p%d") { token }`, i, i)
		}) + "}",
		"mutation {" + repeatJoin(5, " ", func(i int) string {
			return fmt.Sprintf(`c%d: verify_otp(code: "%06d") { ok }`, i, i)
		}) + "}",
		`mutation ($u: String!, $p1: String!, $p2: String!, $p3: String!) { a: login(username: $u, password: $p1){token} b: login(username: $u, password: $p2){token} c: login(username: $u, password: $p3){token} }`,
		"query {" + repeatJoin(8, " ", func(i int) string {
			return fmt.Sprintf(`g%d: checkGiftCard(number: "6006-%04d") { balance }`, i, i)
		}) + "}",
		// Depth, directly and through fragments.
		"{" + strings.Repeat("a{", 30) + "id" + strings.Repeat("}", 30) + "}",
		"query { ...F0 } " + repeatJoin(20, " ", func(i int) string {
			return fmt.Sprintf("fragment F%d on T { f { ...F%d } }", i, i+1)
		}) + " fragment F20 on T { id }",
		// Fragment cycles.
		`query { ...A } fragment A on T { id ...B } fragment B on T { name ...A }`,
		`fragment A on T { ...A } query { ...A }`,
		// Fragment fan-out: 10^5 selections from a few lines.
		"query { ...F5 } fragment F0 on T { id } " + repeatJoin(5, " ", func(i int) string {
			return fmt.Sprintf("fragment F%d on T { %s }", i+1, strings.Repeat(fmt.Sprintf("...F%d ", i), 10))
		}),
		// A cycle of the schema walked by nesting one field in itself,
		// and a page of every row.
		"query { me { " + strings.Repeat("friends { ", 12) + "id" + strings.Repeat(" }", 12) + " } }",
		"query { a: user(id: 1) { " + strings.Repeat("posts { author { ", 7) + "id" + strings.Repeat(" } }", 7) + " } }",
		`query { users(first: 99999999) { edges { node { id email } } } }`,
		`query { orders(limit: 10000000) { id } }`,
		// Engine fingerprinting: directives of the type system, a
		// condition directive without its condition.
		`query @deprecated { __typename }`,
		`query { __typename @deprecated }`,
		`query @skip { __typename }`,
		`query { a: __typename @specifiedBy(url: "x") }`,
		// Directive overloading and field duplication.
		"{ me " + strings.Repeat("@include(if: true) ", 300) + "{ id } }",
		"{ me { " + strings.Repeat("id ", 1000) + "} }",
		"{ me { " + strings.Repeat("id name ", 200) + "} }",
	}
	return m
}

// gqlBenign: what real clients send, next to each attack shape.
func gqlBenign() []string {
	return []string{
		`query{__typename}`,
		// Apollo Client: fragments, __typename in every selection set.
		`query GetFeed($first: Int = 10, $after: String) { feed(first: $first, after: $after) { __typename edges { __typename node { __typename ...PostFields author { __typename ...UserFields } } } pageInfo { __typename hasNextPage endCursor } } } fragment PostFields on Post { __typename id title excerpt createdAt } fragment UserFields on User { __typename id name avatarUrl(size: 64) }`,
		// Relay: fragment spreads with arguments and directives.
		`query AppQuery($id: ID!) { node(id: $id) { ...Profile_user @arguments(count: 5) ...Avatar_user @defer(label: "avatar") } } fragment Profile_user on User @argumentDefinitions(count: {type: "Int", defaultValue: 3}) { friends(first: $count) @connection(key: "Profile_friends") { edges { node { id } } } } fragment Avatar_user on User { avatar { url } }`,
		// Ten aliases, depth ten, a few directives, a repeated field.
		"{" + repeatJoin(10, " ", func(i int) string { return fmt.Sprintf(`p%d: product(sku: "SKU-%d") { id price }`, i, i) }) + "}",
		"{" + repeatJoin(9, "", func(i int) string { return fmt.Sprintf("f%d{", i) }) + "id" + strings.Repeat("}", 9) + "}",
		`{ me @include(if: $a) @skip(if: $b) { id name id } }`,
		// One sign-in and a refresh under aliases.
		`mutation { s: login(email: "ann@example.com", password: "x") { token } r: refreshSession { token } }`,
		// Two coupons applied in one request; aliases of ordinary fields.
		`mutation { a: applyCoupon(code: "SPRING") { total } b: applyCoupon(code: "FREESHIP") { total } }`,
		"{" + repeatJoin(12, " ", func(i int) string { return fmt.Sprintf(`u%d: user(id: %d) { loginCount lastLogin }`, i, i) }) + "}",
		// A dozen operations in one document.
		repeatJoin(12, "\n", func(i int) string { return fmt.Sprintf("query Q%d { item(id: %d) { id } }", i, i) }),
		// Arguments that are ordinary text, URLs and paths.
		`mutation { createPost(input: {title: "Don't panic: it's 1=1 in the docs", body: "See https://example.com/a?b=1 and /home/alice/report.pdf"}) { id } }`,
		`mutation { setAvatar(url: "https://cdn.example.com/u/42.png") { ok } }`,
		`{ search(q: "select the best option or two") { hits } }`,
		"# GraphiQL default\n{ viewer { login } }",
		`query Search { search(text: """multi-line "quoted" text""") { id } }`,
		// Reply threads and category trees, pages of a few hundred.
		"{ post(id: 1) { comments { " + strings.Repeat("replies { ", 5) + "id" + strings.Repeat(" }", 5) + " } } }",
		"{ categories { " + strings.Repeat("children { name ", 6) + strings.Repeat("}", 6) + " } }",
		`{ products(first: 250, after: "Y3Vyc29yOjI1MA==") { edges { node { id } } } }`,
		`{ report(year: 2024, limit: 500000, offset: 1000000) { rows } }`,
	}
}

// gqlMutations are the benign documents that change data: over GET they
// are cross-site request forgery, see TestGraphQLMutationInURL.
func gqlMutation(doc string) bool { return strings.HasPrefix(doc, "mutation") }

func TestGraphQLAttacks(t *testing.T) {
	eng := mustEngine(t, Config{})
	for class, docs := range gqlAttacks() {
		missed, total := 0, 0
		for _, doc := range docs {
			for _, tr := range gqlTransports {
				total++
				if !expectVerdict(t, eng, gqlSend(tr, doc, nil), fmt.Sprintf("%s over %s: %.120q", class, tr, doc), true) {
					missed++
				}
			}
		}
		t.Logf("%-13s %d/%d blocked", class, total-missed, total)
	}
	// Injection in variables, and batches of many operations.
	for _, v := range []string{`' OR 1=1--`, `<script>alert(1)</script>`, `;cat /etc/passwd`, "http://169.254.169.254/latest/meta-data/"} {
		for _, tr := range gqlTransports {
			d, _ := eng.Inspect(gqlSend(tr, "query($n: String) { user(name: $n) { id } }", map[string]any{"n": v}))
			if tr != "graphql" && !d.Blocked {
				t.Errorf("variable %q over %s passed: %v", v, tr, d.Matches)
			}
		}
	}
	op := `{"query":"{ me { id } }"}`
	if d, _ := eng.Inspect(newReq("POST", "/graphql", "application/json", "["+strings.Repeat(op+",", 49)+op+"]")); !d.Blocked {
		t.Errorf("a batch of 50 operations passed: %v", d.Matches)
	}
}

func TestGraphQLBenign(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, doc := range gqlBenign() {
		for _, tr := range gqlTransports {
			if gqlMutation(doc) && strings.HasPrefix(tr, "get") {
				continue
			}
			expectVerdict(t, eng, gqlSend(tr, doc, map[string]any{"first": 10, "after": "YXJyYXljb25uZWN0aW9uOjk="}), fmt.Sprintf("over %s: %.120q", tr, doc), false)
		}
	}
	// Persisted queries carry a hash instead of a document; a dozen
	// batched operations is what batching links send.
	pq := `{"operationName":"GetFeed","variables":{"first":10},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"}}}`
	ops := "[" + repeatJoin(12, ",", func(i int) string {
		return fmt.Sprintf(`{"operationName":"Q%d","query":"query Q%d($id: ID!) { item%d(id: $id) { __typename id name } }","variables":{"id":"%d"}}`, i, i, i, i)
	}) + "]"
	for _, body := range []string{pq, "[" + strings.Repeat(pq+",", 11) + pq + "]", ops} {
		if d, _ := eng.Inspect(newReq("POST", "/graphql", "application/json", body)); d.Blocked {
			t.Errorf("benign %.80q blocked: %v", body, d.Matches)
		}
	}
	if d, _ := eng.Inspect(newReq("GET", "/graphql?operationName=GetFeed&extensions="+url.QueryEscape(`{"persistedQuery":{"version":1,"sha256Hash":"ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"}}`), "", "")); d.Blocked {
		t.Errorf("persisted GET blocked: %v", d.Matches)
	}
}

func TestWalkGraphQL(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want gqlStats
	}{
		{`{ a: me { id } b: me { id } }`, gqlStats{ops: 1, aliases: 2, depth: 2, duplicates: 1, fields: 4}},
		{`query Q($x: Int = 1) @live { me(x: $x) @include(if: true) @skip(if: false) { id id } }`, gqlStats{ops: 1, depth: 2, directives: 2, duplicates: 2, fields: 3}},
		{`query { ...A } fragment A on T { b { ...B } } fragment B on T { c { d } }`, gqlStats{ops: 1, depth: 3, duplicates: 1, fields: 3}},
		{`query { ...A } fragment A on T { ...B } fragment B on T { ...A }`, gqlStats{ops: 1, depth: 1, cycle: true}},
		{`{ f(a: {b: {c: "x"}}) { id } }`, gqlStats{ops: 1, depth: 2, duplicates: 1, fields: 2, args: []gqlArg{{"c", "x"}}}},
		{"{ f(s: \"a\\\"b\\u0041\") # (s: \"no\")\n { id } }", gqlStats{ops: 1, depth: 2, duplicates: 1, fields: 2, args: []gqlArg{{"s", `a"bA`}}}},
		{`{ __typename x: __type(name: "T") { name } }`, gqlStats{ops: 1, aliases: 1, depth: 2, duplicates: 1, fields: 3, introspection: true, args: []gqlArg{{"name", "T"}}}},
		{`query { a } mutation { b } { c }`, gqlStats{ops: 3, depth: 1, duplicates: 1, fields: 1, mutation: true}},
		{"{ a { a { b { a { id } } } } }", gqlStats{ops: 1, depth: 5, duplicates: 1, fields: 5, selfNest: 2}},
		{`{ f(first: 1000000) { id } g(first: 999999) { id } }`, gqlStats{ops: 1, depth: 2, duplicates: 1, fields: 4, hugePage: true}},
	} {
		got := walkGraphQL(c.doc, true)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", c.doc, got, c.want)
		}
	}
}

// FuzzGraphQL: the lexer and walker never panic, stay linear, and see a
// document the same whether its arguments are collected or not.
func FuzzGraphQL(f *testing.F) {
	for _, docs := range gqlAttacks() {
		for _, d := range docs {
			f.Add(d)
		}
	}
	for _, d := range gqlBenign() {
		f.Add(d)
	}
	f.Add(`{ a(b: """x\"""y""") }`)
	f.Add("{ a(b: \"unterminated\n) }")
	f.Add(strings.Repeat("{", 200))
	f.Add(`{"query": "{ a(b: \"c\") { d } }"}`)
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		start := time.Now()
		a, b := walkGraphQL(doc, true), walkGraphQL(doc, false)
		a.args = nil
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("%q: %+v vs %+v", doc, a, b)
		}
		// Through the inspector: the document, then its arguments.
		in.InspectValue(nil, KindQueryValue, "query", doc)
		in.InspectValue(nil, KindBodyRaw, "", doc)
		if el := time.Since(start); el > time.Second && len(doc) < 1<<16 {
			t.Fatalf("%d bytes took %v", len(doc), el)
		}
	})
}

// GraphQL string literals escape as JSON strings do: where the literal's
// content is also a JSON string, both read the same characters.
func FuzzGraphQLUnescape(f *testing.F) {
	for _, s := range []string{`a\"b`, `\u0041\n\t\\\/`, `\ud83d\ude00`, `\ud800x`, `\u12`, `\x`, `tail\`, `\u00e9t\u00E9`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := gqlUnescape(s, false)
		var want string
		if !utf8.ValidString(s) || json.Unmarshal([]byte(`"`+s+`"`), &want) != nil {
			return
		}
		if got != want {
			t.Fatalf("gqlUnescape(%q) = %q, encoding/json reads %q", s, got, want)
		}
	})
}

// TestGraphQLSignInBatch: a JSON batch of three or more sign-ins is a
// brute force; one sign-in among other operations is a client's start.
func TestGraphQLSignInBatch(t *testing.T) {
	eng := mustEngine(t, Config{})
	login := func(p string) string {
		return fmt.Sprintf(`{"query":"mutation{login(username:\"admin\",password:\"%s\"){token}}"}`, p)
	}
	for _, tc := range []struct {
		body  string
		block bool
	}{
		{"[" + login("123456") + "," + login("password") + "," + login("admin") + "]", true},
		{"[" + login("x") + `,{"query":"{ me { id } }"},{"query":"{ cart { total } }"}]`, false},
	} {
		d, err := eng.Inspect(newReq("POST", "http://app.example.com/graphql", "application/json", tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked != tc.block {
			t.Errorf("%s: blocked %v %v, want %v", tc.body, d.Blocked, d.Matches, tc.block)
		}
	}
}

// TestGraphQLMutationInURL: a mutation in the URL's query is refused, on
// GET as the JSON request or the document; queries there pass, and so do
// mutations in a body.
func TestGraphQLMutationInURL(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, doc := range []string{`mutation{ changeEmail(email:"attacker@evil.example"){ id email } }`, "# c\nmutation M { deleteAccount { ok } }", `mutation { s: login(email: "ann@example.com", password: "x") { token } }`} {
		for _, tr := range []string{"get", "getjson"} {
			expectRule(t, eng, gqlSend(tr, doc, nil), "graphql-mutation-in-url", true, tr+" "+doc)
		}
		for _, tr := range []string{"json", "graphql", "batch"} {
			expectRule(t, eng, gqlSend(tr, doc, nil), "graphql-mutation-in-url", false, tr+" "+doc)
		}
	}
	for _, doc := range []string{`query { mutationLog { id } }`, `{ me { id } }`, `query Mutations { history(kind: "mutation") { id } }`} {
		expectRule(t, eng, gqlSend("get", doc, nil), "graphql-mutation-in-url", false, doc)
	}
}
