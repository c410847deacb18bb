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
	c := features(f)
	f.Add("/v1/pets", "limit=5&ids=1,2", `{"name":"Rex"}`)
	f.Add("/v1/pets/12", "filter[age]=x", `{"name":"Rex","tags":["a","a"]}`)
	f.Add("/v1/files/a.json", "", `[[[[`)
	f.Add("/v1/shapes", "", `{"kind":"circle","radius":1e400}`)
	f.Fuzz(func(t *testing.T, path, query, body string) {
		for _, method := range []string{"GET", "POST", "PUT"} {
			var m Match
			c.Route(method, path, &m)
			if m.Result != RouteFound {
				continue
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
	})
}

// FuzzStrip streams arbitrary bytes through the stripper in two chunks:
// no panic, and for valid JSON the output is valid JSON (whatever the
// split point).
func FuzzStrip(f *testing.F) {
	c := features(f)
	var m Match
	c.Route("GET", "/v1/pets", &m)
	s, _ := m.Op.Response(200, "application/json")
	f.Add([]byte(`[{"id":1,"name":"a","x":{"y":[1,2,{"z":null}]}}]`), 5)
	f.Add([]byte(`{"a\"b":"c\\"}`), 3)
	f.Add([]byte(`[1e5,-0.5,true,false,null,"\u00e9"]`), 1)
	f.Fuzz(func(t *testing.T, in []byte, split int) {
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
