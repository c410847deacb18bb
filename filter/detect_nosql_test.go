package filter

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// NoSQL injection by its two grammars: MongoDB operators where the query
// builder of the application takes a name or an object key, and the
// JavaScript of a $where clause where it takes a string; and look-alikes
// that share the '$' (prices, template placeholders, jQuery, JSON Schema
// and OData keys) or the JavaScript words.

// nosqlOperatorsTested are operators of every class: comparison, array,
// element, evaluation, the JavaScript ones and the stages that reach
// other collections.
var nosqlOperatorsTested = []string{"$ne", "$gt", "$gte", "$lt", "$in", "$nin", "$exists", "$regex", "$where", "$expr", "$function", "$accumulator", "$elemMatch", "$or", "$nor", "$not", "$size", "$lookup", "$unionWith", "$jsonSchema"}

// nosqlWhereBodies are the JavaScript a $where clause runs: a field
// matched, measured, compared or indexed, a sleep, a constant function, a
// literal tautology, the shell's database object, a busy loop.
var nosqlWhereBodies = []string{"this.password.match(/.*/)", "this.password.match(/^a/)", "this.password.length > 0", "this.role == 'admin'", "this.password[0] == 'a'", "sleep(5000)",
	"function(){return true}", "function() { return this.a == 1 }", "1==1", "'a'=='a'", "db.getCollection('users').find()", "db.getSiblingDB('admin').getUsers()", "while(true){}"}

func nosqlAttackValues() []string {
	var out []string
	for _, op := range nosqlOperatorsTested {
		// An operator object as JSON text in a string, and the bracket
		// name syntax sent where a value was expected.
		out = append(out, `{"`+op+`": ""}`, `{"user":{"`+op+`":1}}`, "["+op+"]=x", "password["+op+"]=.*")
	}
	for _, b := range nosqlWhereBodies {
		out = append(out, b, "' || "+b+"//", `{"$where": "`+strings.ReplaceAll(b, `"`, `\"`)+`"}`, "true, $where: '"+strings.ReplaceAll(b, "'", `"`)+"'")
		if !strings.HasPrefix(b, "function") {
			out = append(out, "'; return "+b+"; var x='")
		}
	}
	return append(out, "0;return true", "1; return this.a", "'; db.dropDatabase(); '", `'; db.runCommand({shutdown: 1}); '`)
}

// nosqlAttackNames are query, form and JSON names with an operator.
func nosqlAttackNames() []string {
	var out []string
	for _, op := range nosqlOperatorsTested {
		out = append(out, "user["+op+"]", "a[b]["+op+"]", op, "filter[0]["+op+"][]")
	}
	return out
}

var nosqlBenignValues = []string{
	"$5", "Price: $5 or $10", "$ne", "$regex", "the $ne corner (north-east)", "NE ($ne) region", "${name}", "Hello ${user.name}", "$(document).ready(function(){ init(); })", "$('#id').hide()", "$.ajax({url: '/x'})",
	`{"$schema":"http://json-schema.org/draft-07/schema#"}`, `{"$ref":"#/definitions/a"}`, `{"$id":"urn:x","$type":"Order"}`, "$filter=Price lt 5&$top=10", "$select=Name,Price",
	"id==1", "1+1==2", "a==a", "status==active;type==open", "abc==", "x == 'x'", "2==2 is true", "==",
	"Use this.value.match(/\\d/) to check", "this.value", "this.props.onChange(e)", "this.setState({a: 1})", "function() { return this; }", "function(){ init(); }", "return true", "return to sender",
	"The function returns true", "sleep well", "db.example.com", "Call db.getCollection in the mongo shell", "while you wait",
}

var nosqlBenignNames = []string{"$schema", "$ref", "$id", "$type", "$comment", "$filter", "$top", "$skip", "$select", "$expand", "$orderby", "$count", "$search", "$format", "price$", "a$b", "items[$index]", "amount[$]"}

func TestNoSQLGrammar(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	blocked := func(place, name, v string) (bool, []Match) {
		d, err := eng.Inspect(sendIn(place, name, v))
		if err != nil {
			t.Fatal(err)
		}
		return d.Blocked, d.Matches
	}
	attacks := nosqlAttackValues()
	for _, v := range attacks {
		for _, place := range []string{"query", "form", "json"} {
			if b, m := blocked(place, "q", v); !b {
				t.Errorf("%q in %s passed: %v", v, place, m)
			}
		}
	}
	names := nosqlAttackNames()
	for _, n := range names {
		for _, place := range []string{"query", "form", "json"} {
			if b, m := blocked(place, n, "x"); !b {
				t.Errorf("name %q in %s passed: %v", n, place, m)
			}
		}
		// Percent-encoded brackets and dollar in a raw query and a form
		// body: password%5B%24regex%5D=.*
		enc := strings.NewReplacer("[", "%5B", "]", "%5D", "$", "%24").Replace(n) + "=.*"
		for _, r := range []*httpCase{{"GET", "http://app.example.com/s?" + enc, "", ""}, {"POST", "http://app.example.com/s", "application/x-www-form-urlencoded", enc}} {
			d, err := eng.Inspect(newReq(r.method, r.target, r.ctype, r.body))
			if err != nil {
				t.Fatal(err)
			}
			if !d.Blocked {
				t.Errorf("encoded name %q (%s) passed: %v", enc, r.method, d.Matches)
			}
		}
	}
	// Operators as JSON keys, nested and in arrays.
	for _, op := range nosqlOperatorsTested {
		for _, body := range []string{`{"user":{"` + op + `":null}}`, `{"pipeline":[{"` + op + `":{}}]}`, `{"` + op + `":"x"}`} {
			d, err := eng.Inspect(newReq("POST", "http://app.example.com/api", "application/json", body))
			if err != nil {
				t.Fatal(err)
			}
			if !d.Blocked {
				t.Errorf("JSON %s passed: %v", body, d.Matches)
			}
		}
	}
	for _, v := range nosqlBenignValues {
		for _, place := range []string{"query", "form", "json"} {
			if b, m := blocked(place, "q", v); b {
				t.Errorf("benign %q in %s blocked: %v", v, place, m)
			}
		}
	}
	for _, n := range nosqlBenignNames {
		for _, place := range []string{"query", "form", "json"} {
			if b, m := blocked(place, n, "x"); b {
				t.Errorf("benign name %q in %s blocked: %v", n, place, m)
			}
		}
		body := `{"` + n + `":"x","a":{"` + n + `":"y"}}`
		d, err := eng.Inspect(newReq("POST", "http://app.example.com/api", "application/json", body))
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked {
			t.Errorf("benign JSON %s blocked: %v", body, d.Matches)
		}
		q := url.Values{n: {"x"}}.Encode()
		if d, _ := eng.Inspect(newReq("GET", "http://app.example.com/s?"+q, "", "")); d.Blocked {
			t.Errorf("benign query %s blocked: %v", q, d.Matches)
		}
	}
	t.Logf("%d values and %d names blocked; %d values and %d names pass", len(attacks), len(names), len(nosqlBenignValues), len(nosqlBenignNames))
}

type httpCase struct{ method, target, ctype, body string }

func TestJSTautology(t *testing.T) {
	for s, want := range map[string]bool{
		"1==1": true, "1 == 1": true, "1===1": true, "'a'=='a'": true, `"x" === "x"`: true, "true==true": true, "1==1//": true, "1==1;": true,
		"1==2": false, "id==1": false, "a==a": false, "1+1==2": false, "1====1": false, "==": false, "'a'=='b'": false, "'a'b'=='a'b'": false, "'": false, "1==": false,
	} {
		if got := jsTautology(s); got != want {
			t.Errorf("jsTautology(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestJSBreakoutTautology(t *testing.T) {
	for s, want := range map[string]bool{
		"a' || '1'=='1": true, `x" && "a"==="a`: true, "' || 1==1//": true, "admin'||'a'=='a": true, "' && true==true": true,
		"' || '1'=='2": false, "it's || 'a'=='b": false, "Tom's || Jerry's == best": false, "a' || b": false, "'1'=='1": false, "a' or '1'=='1": false,
	} {
		if got := jsBreakoutTautology(s); got != want {
			t.Errorf("jsBreakoutTautology(%q) = %v, want %v", s, got, want)
		}
	}
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hits := in.InspectValue(nil, KindQueryValue, "q", "a' || '1'=='1")
	if !slices.ContainsFunc(hits, func(h Hit) bool { return h.Rule == "nosql-js-injection" }) {
		t.Errorf("a $where breakout tautology: %v", hits)
	}
}

// FuzzJSTautology: a tautology holds "==", and spaces around the whole
// value do not change the verdict.
func FuzzJSTautology(f *testing.F) {
	for _, s := range []string{"1==1", "'a'==='a'", "true == true;", "id==1", "=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := jsTautology(s)
		if got && !strings.Contains(s, "==") {
			t.Fatalf("jsTautology(%q) without ==", s)
		}
		if jsTautology(" "+s+" ") != got {
			t.Fatalf("jsTautology(%q) = %v, but not with spaces around", s, got)
		}
	})
}

// TestGraphQLVariablesNotOperators: GraphQL variables may bear the name
// of a MongoDB operator in the operation's header ($text, $size, $in);
// an operator inside the selection's arguments still counts.
func TestGraphQLVariablesNotOperators(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	body := func(query string) string { return jsonOf(map[string]string{"query": query}) }
	for _, c := range []struct {
		query string
		block bool
	}{
		{"mutation AddTodo($text: String!) { addTodo(text: $text) { id text done } }", false},
		{"query List($size: Int, $in: [ID!], $all: Boolean, $not: String) { list(size: $size, ids: $in) { id } }", false},
		{"subscription OnTag($type: String) { tagged(type: $type) { id } }", false},
		{`query Q($f: F) { users(filter: {$ne: 1}) { id } }`, true},
		{`query { users(where: "{\"$where\": \"sleep(5000)\"}") { id } }`, true},
	} {
		r := httptest.NewRequest(http.MethodPost, "http://api.example.com/graphql", strings.NewReader(body(c.query)))
		r.Header.Set("Content-Type", "application/json")
		d, err := eng.Inspect(r)
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked != c.block {
			t.Errorf("%s: blocked %v, want %v (%v)", c.query, d.Blocked, c.block, d.Matches)
		}
	}
}

// TestNoSQLFilterBuilders: the bracket filter syntax of Strapi, Feathers
// and Parse on data fields is a weak signal; the same operators on a
// credential, or a JavaScript operator, block.
func TestNoSQLFilterBuilders(t *testing.T) {
	eng := mustEngine(t, Config{})
	tests := []struct {
		query string
		block bool
	}{
		{"filters[price][$lt]=20&filters[tags][$in][0]=gift&sort=-created_at", false},
		{"where[price][$lt]=20&where[tags][$in]=gift,eco&limit=50", false},
		{"filters[$or][0][title][$containsi]=mug&filters[$or][1][sku][$eq]=M-1", false},
		{"where[password][$ne]=x&where[username]=admin", true},
		{"filters[role][$eq]=admin", true},
		{"filters[price][$where]=sleep(5000)", true},
		{"user[$ne]=x&pass[$ne]=x", true},
	}
	for _, tc := range tests {
		d, err := eng.Inspect(newReq("GET", "http://app.example.com/api/products?"+tc.query, "", ""))
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked != tc.block {
			t.Errorf("%s: blocked %v %v, want %v", tc.query, d.Blocked, d.Matches, tc.block)
		}
	}
}

// TestNoSQLTypeSelector: a $type selector by BSON type number or alias
// matches every document whose field has that type; JSON.NET's and
// JSON-LD's $type members name a class or a term.
func TestNoSQLTypeSelector(t *testing.T) {
	eng := mustEngine(t, Config{})
	tests := []struct {
		ctype, target, body string
		block               bool
	}{
		{"application/json", "/login", `{"user":"admin","password":{"$type":2}}`, true},
		{"application/json", "/login", `{"token": {"$type": 2}}`, true},
		{"application/json", "/login", `{"password":{"$type":"string"}}`, true},
		{"application/x-www-form-urlencoded", "/login", "user=admin&password%5B%24type%5D=string", true},
		{"", "/login?user=admin&password[$type]=2", "", true},
		// Benign twins.
		{"application/json", "/api", `{"$type":"Shop.Order, Shop","id":7}`, false},
		{"application/json", "/api", `{"color":{"$type":"color","$value":"#ff0000"},"size":{"$type":"number","$value":4}}`, false},
		{"application/json", "/api", `{"@context":"https://schema.org","$type":"Person"}`, false},
		{"application/json", "/api", `{"type":2,"kind":"string"}`, false},
		{"application/json", "/api", `{"$type":2026}`, false},
		{"application/json", "/api/v2/me", `{"profile":{"displayName":"x","role":{"$set":"admin"}}}`, true},
		{"application/json", "/api/events", `{"event":"signup","traits":{"$set":{"plan":"pro"}}}`, false},
	}
	for _, tc := range tests {
		d, err := eng.Inspect(newReq(map[bool]string{true: "POST", false: "GET"}[tc.body != ""], "http://app.example.com"+tc.target, tc.ctype, tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if d.Blocked != tc.block {
			t.Errorf("%s %s: blocked %v %v, want %v", tc.target, tc.body, d.Blocked, d.Matches, tc.block)
		}
	}
}

// TestNoSQLDataFilters: operator documents that filter data (Parse's
// where, a Mongo-style search API) are a weak signal; the same operators
// on a credential, an owner or a tenant, under the filter itself, in
// GraphQL variables, or with a match-all operand block.
func TestNoSQLDataFilters(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, c := range []struct {
		body  string
		block bool
	}{
		{`{"filter":{"status":{"$in":["paid","shipped"]},"total":{"$gt":50},"shipping.country":{"$ne":"DE"}},"sort":{"created_at":-1}}`, false},
		{`{"price":{"$gte":10,"$lte":50},"name":{"$regex":"^Rock","$options":"i"}}`, false},
		{`{"username":"admin","password":{"$ne":null}}`, true},
		{`{"email":{"$regex":"^a"}}`, true},
		{`{"filters":{"price":{"$gt":0},"owner":{"$ne":"u1"}}}`, true},
		{`{"criteria":{"customerId":{"$ne":"me"}}}`, true},
		{`{"q":{"tenantId":{"$nin":["123"]}}}`, true},
		{`{"code":{"$regex":"SPRING"}}`, true},
		{`{"filter":{"age":{"$gt":""},"role":"admin"}}`, true},
		{`{"name":{"$regex":".*"}}`, true},
		{`{"pipeline":[{"$ne":{"a":1}}]}`, true},
		{`{"filter":{"$or":[{"price":{"$lt":5}},{"tags":{"$in":["x"]}}]}}`, true},
		{`{"query":{"$and":[{"price":{"$gte":10}},{"tags":{"$in":["gift"]}}]},"sort":{"created_at":-1}}`, false},
		{`{"query":{"$and":[{"price":{"$gte":10}},{"owner":{"$ne":"u1"}}]}}`, true},
		{`{"variables":{"filter":{"price":{"$gt":5}}},"query":"query($filter: F){ items(filter: $filter){ id } }"}`, true},
	} {
		expectVerdict(t, eng, newReq("POST", "http://app.example.com/api/v1/orders/search", "application/json", c.body), c.body, c.block)
	}
	for _, c := range []struct {
		where string
		block bool
	}{
		{`{"price":{"$gte":10,"$lte":50},"category":{"$in":["apparel","jewelry"]}}`, false},
		{`{"username":{"$ne":null}}`, true},
		{`{"$where":"this.a==1"}`, true},
	} {
		expectBlocked(t, eng, "query", "where", c.where, c.block)
	}
}

// TestSoQLClauses: Socrata's $where, $select and $order take SQL-like
// expressions; a $where that runs JavaScript, matches everything, or
// breaks out of SQL blocks.
func TestSoQLClauses(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, c := range []struct {
		where string
		block bool
	}{
		{"amount > 1000 AND department = 'Health'", false},
		{"title like '%union%' OR title like '%drop-in%'", false},
		{"signed_on between '2024-01-01T00:00:00' and '2024-03-31T23:59:59'", false},
		{"sleep(5000)", true},
		{"this.password.length>0", true},
		{"x' or 1=1--", true},
		{"1", true},
		{".*", true},
	} {
		expectVerdict(t, eng, newReq("GET", "http://data.example.com/resource/b7x2.json?$where="+url.QueryEscape(c.where)+"&$order=amount%20DESC", "", ""), c.where, c.block)
	}
}
