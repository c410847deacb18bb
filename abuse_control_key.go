package gatehouse

import (
	"fmt"
	"net/http"
	"strings"
	"unsafe"

	"github.com/caddyserver/caddy/v2"

	"github.com/gatehouse-dev/caddy-gatehouse/authz"
	"github.com/gatehouse-dev/caddy-gatehouse/authz/authn"
)

// Key part kinds of an abuse_control rule.
const (
	acKeyClientIP    = iota // client_ip, {client_ip}, {http.vars.client_ip}
	acKeyUser               // user, {http.auth.user.id}
	acKeyAPIKey             // api_key: the id of an api_auth API key
	acKeyClaim              // claim:<path>
	acKeyHeader             // header:<name>
	acKeyPlaceholder        // exactly one {placeholder}
	acKeyTemplate           // text with placeholders
	acKeyLiteral            // text without placeholders (one shared key)
)

// acKeyPart is one compiled part of a rule's key.
type acKeyPart struct {
	kind int
	arg  string
}

// parseAcKeyPart compiles one key part.
func parseAcKeyPart(s string) (acKeyPart, error) {
	switch s {
	case "":
		return acKeyPart{}, fmt.Errorf("empty key part")
	case "client_ip", "{client_ip}", "{http.vars.client_ip}", "{remote_host}", "{http.request.remote.host}":
		// {remote_host} ignores trusted_proxies; counting by the client
		// IP is what is meant, and what honours them.
		return acKeyPart{kind: acKeyClientIP}, nil
	case "user", "{http.auth.user.id}":
		return acKeyPart{kind: acKeyUser}, nil
	case "api_key":
		return acKeyPart{kind: acKeyAPIKey}, nil
	}
	if name, ok := strings.CutPrefix(s, "claim:"); ok {
		if name == "" {
			return acKeyPart{}, fmt.Errorf("key part %q: claim name missing", s)
		}
		return acKeyPart{kind: acKeyClaim, arg: name}, nil
	}
	if name, ok := strings.CutPrefix(s, "header:"); ok {
		if name == "" || strings.ContainsAny(name, " \t\r\n:") {
			return acKeyPart{}, fmt.Errorf("key part %q: invalid header name", s)
		}
		return acKeyPart{kind: acKeyHeader, arg: http.CanonicalHeaderKey(name)}, nil
	}
	open := strings.IndexByte(s, '{')
	if open < 0 {
		return acKeyPart{kind: acKeyLiteral, arg: s}, nil
	}
	if strings.Count(s, "{") != strings.Count(s, "}") {
		return acKeyPart{}, fmt.Errorf("key part %q: unbalanced braces", s)
	}
	if open == 0 && strings.IndexByte(s, '}') == len(s)-1 && strings.Count(s, "{") == 1 {
		if len(s) == 2 {
			return acKeyPart{}, fmt.Errorf("key part %q: empty placeholder", s)
		}
		return acKeyPart{kind: acKeyPlaceholder, arg: s[1 : len(s)-1]}, nil
	}
	return acKeyPart{kind: acKeyTemplate, arg: s}, nil
}

// identity says whether the part depends on who the caller is (so an
// empty value means an anonymous caller).
func (p acKeyPart) identity() bool {
	return p.kind == acKeyUser || p.kind == acKeyAPIKey || p.kind == acKeyClaim
}

func (p acKeyPart) needsReplacer() bool {
	return p.kind == acKeyPlaceholder || p.kind == acKeyTemplate
}

// value reads the part for r. An empty result marks the caller anonymous
// for this rule.
func (p acKeyPart) value(r *http.Request, id *authz.Identity, user string, repl *caddy.Replacer) string {
	switch p.kind {
	case acKeyUser:
		return user
	case acKeyAPIKey:
		if id != nil && id.Method == "api_key" {
			return id.ID
		}
	case acKeyClaim:
		if id != nil {
			s, _ := authn.ClaimString(id.Claims, p.arg)
			return s
		}
		if repl != nil {
			s, _ := repl.GetString("http.auth.user." + p.arg)
			return s
		}
		if repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer); ok {
			s, _ := repl.GetString("http.auth.user." + p.arg)
			return s
		}
	case acKeyHeader:
		if vs := r.Header[p.arg]; len(vs) > 0 {
			return vs[0]
		}
	case acKeyPlaceholder:
		if repl != nil {
			s, _ := repl.GetString(p.arg)
			return s
		}
	case acKeyTemplate:
		if repl != nil {
			return repl.ReplaceKnown(p.arg, "")
		}
	case acKeyLiteral:
		return p.arg
	}
	return ""
}

// unsafeString views b as a string for the duration of a call that does
// not retain it (AppendKeyPart copies).
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
