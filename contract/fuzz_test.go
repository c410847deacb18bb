package contract

import (
	"bytes"
	"net/http"
	"testing"
)

// FuzzRequest feeds arbitrary paths, queries and bodies to the router and
// the request validator: they must never panic, and a violation must never
// quote the input.
func FuzzRequest(f *testing.F) {
	cs := []*Contract{features(f), keywords31(f)}
	f.Add("/v1/pets", "limit=5&ids=1,2", `{"name":"Rex"}`)
	f.Add("/v1/pets/12", "filter[age]=x", `{"name":"Rex","tags":["a","a"]}`)
	f.Add("/v1/files/a.json", "", `[[[[`)
	f.Add("/v1/shapes", "", `{"kind":"circle","radius":1e400}`)
	// The 3.1 keywords (testdata/keywords31.yaml).
	f.Add("/prefix", "", `[1, 2.5, "km", true]`)
	f.Add("/cond", "", `{"country":"US","postal_code":"9410","state":"CA","region":"x"}`)
	f.Add("/dependent", "", `{"credit_card":"4111","billing_address":"x","billing_zip":"ab"}`)
	f.Add("/patterns", "", `{"id":1,"x-a":2,"n_b":"c","obj_d":{"e":1},"\u0078-f":"g"}`)
	f.Add("/contains", "", `{"roles":["writer"],"scores":[95,96,97,98]}`)
	f.Add("/names", "", `{"Ab":1,"abcdefghi":"x"}`)
	f.Add("/uneval", "", `{"kind":"cat","lives":9,"bark":true}`)
	f.Add("/uneval-items", "", `["v1", 2, true, "x"]`)
	f.Add("/const", "", `{"version":1.0,"nothing":null,"shape":{"kind":"box","sides":[1,2e0]}}`)
	f.Add("/tree", "", `{"value":1,"children":[{"value":2,"children":[{"value":"x"}]}]}`)
	f.Add("/search", "version=2&tags=public&range=1,2,3", ``)
	f.Fuzz(func(t *testing.T, path, query, body string) {
		for _, c := range cs {
			for _, method := range []string{"GET", "POST", "PUT"} {
				fuzzRequest(t, c, method, path, query, body)
			}
		}
	})
}

func fuzzRequest(t *testing.T, c *Contract, method, path, query, body string) {
	var m Match
	c.Route(method, path, &m)
	if m.Result != RouteFound {
		return
	}
	m.Op.CheckParams(&m, query, http.Header{"Cookie": {"session=" + query}})
	_, vs := m.Op.CheckBody("application/json", []byte(body))
	for _, v := range vs {
		if len(body) > 8 && bytes.Contains([]byte(v.Reason), []byte(body)) {
			t.Fatalf("reason quotes the body: %q", v.Reason)
		}
	}
	m.Op.CheckBody("application/x-www-form-urlencoded", []byte(body))
	m.Op.CheckBody("multipart/form-data; boundary=X", []byte(body))
}

// FuzzStrip streams arbitrary bytes through the stripper in two chunks:
// no panic, and for valid JSON the output is valid JSON (whatever the
// split point).
func FuzzStrip(f *testing.F) {
	var schemas []*Schema
	var m Match
	features(f).Route("GET", "/v1/pets", &m)
	s, _ := m.Op.Response(200, "application/json")
	schemas = append(schemas, s)
	// The 3.1 keywords that change what a response declares.
	for _, p := range []string{"/patterns", "/uneval", "/cond", "/prefix", "/tree"} {
		keywords31(f).Route("POST", p, &m)
		s, _ := m.Op.Response(200, "application/json")
		schemas = append(schemas, s)
	}
	f.Add([]byte(`[{"id":1,"name":"a","x":{"y":[1,2,{"z":null}]}}]`), 5, uint8(0))
	f.Add([]byte(`{"a\"b":"c\\"}`), 3, uint8(0))
	f.Add([]byte(`[1e5,-0.5,true,false,null,"\u00e9"]`), 1, uint8(0))
	f.Add([]byte(`{"id":1,"x-\u0061":"a","n_b":2,"secret_c":"d","obj_e":{"a":1,"f":2},"g":{}}`), 7, uint8(1))
	f.Add([]byte(`{"kind":"cat","lives":9,"bark":true,"ssn":"1"}`), 11, uint8(2))
	f.Add([]byte(`{"country":"US","state":"CA","internal":{"a":[1]}}`), 2, uint8(3))
	f.Add([]byte(`[{"name":"t","x":1},{"lat":1,"y":[2]},{"z":{}}]`), 9, uint8(4))
	f.Add([]byte(`{"value":1,"children":[{"value":2,"debug":1,"children":[]}]}`), 13, uint8(5))
	f.Fuzz(func(t *testing.T, in []byte, split int, which uint8) {
		s := schemas[int(which)%len(schemas)]
		if split < 0 {
			split = -split
		}
		split %= len(in) + 1
		var out bytes.Buffer
		st := NewStripper(&out, s)
		_, _ = st.Write(in[:split])
		_, _ = st.Write(in[split:])
		_ = st.Close()
		if _, err := parseJSON(in); err == nil && st.Mismatch() == nil {
			if _, err := parseJSON(out.Bytes()); err != nil {
				t.Fatalf("valid input %q gave invalid output %q", in, out.Bytes())
			}
		}
	})
}
