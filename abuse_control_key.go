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
	abKeyClientIP    = iota // client_ip, {client_ip}, {http.vars.client_ip}
	abKeyUser               // user, {http.auth.user.id}
	abKeyAPIKey             // api_key: the id of an api_auth API key
	abKeyClaim              // claim:<path>
	abKeyHeader             // header:<name>
	abKeyPlaceholder        // exactly one {placeholder}
	abKeyTemplate           // text with placeholders
	abKeyLiteral            // text without placeholders (one shared key)
)

// abKeyPart is one compiled part of a rule's key.
type abKeyPart struct {
	kind int
	arg  string
}

// parseAcKeyPart compiles one key part.
func parseAcKeyPart(s string) (abKeyPart, error) {
	switch s {
	case "":
		return abKeyPart{}, fmt.Errorf("empty key part")
	case "client_ip", "{client_ip}", "{http.vars.client_ip}", "{remote_host}", "{http.request.remote.host}":
		// {remote_host} ignores trusted_proxies; counting by the client
		// IP is what is meant, and what honours them.
		return abKeyPart{kind: abKeyClientIP}, nil
	case "user", "{http.auth.user.id}":
		return abKeyPart{kind: abKeyUser}, nil
	case "api_key":
		return abKeyPart{kind: abKeyAPIKey}, nil
	}
	if name, ok := strings.CutPrefix(s, "claim:"); ok {
		if name == "" {
			return abKeyPart{}, fmt.Errorf("key part %q: claim name missing", s)
		}
		return abKeyPart{kind: abKeyClaim, arg: name}, nil
	}
	if name, ok := strings.CutPrefix(s, "header:"); ok {
		if name == "" || strings.ContainsAny(name, " \t\r\n:") {
			return abKeyPart{}, fmt.Errorf("key part %q: invalid header name", s)
		}
		return abKeyPart{kind: abKeyHeader, arg: http.CanonicalHeaderKey(name)}, nil
	}
	open := strings.IndexByte(s, '{')
	if open < 0 {
		return abKeyPart{kind: abKeyLiteral, arg: s}, nil
	}
	if strings.Count(s, "{") != strings.Count(s, "}") {
		return abKeyPart{}, fmt.Errorf("key part %q: unbalanced braces", s)
	}
	if open == 0 && strings.IndexByte(s, '}') == len(s)-1 && strings.Count(s, "{") == 1 {
		if len(s) == 2 {
			return abKeyPart{}, fmt.Errorf("key part %q: empty placeholder", s)
		}
		return abKeyPart{kind: abKeyPlaceholder, arg: s[1 : len(s)-1]}, nil
	}
	return abKeyPart{kind: abKeyTemplate, arg: s}, nil
}

// identity says whether the part depends on who the caller is (so an
// empty value means an anonymous caller).
func (p abKeyPart) identity() bool {
	return p.kind == abKeyUser || p.kind == abKeyAPIKey || p.kind == abKeyClaim
}

func (p abKeyPart) needsReplacer() bool {
	return p.kind == abKeyPlaceholder || p.kind == abKeyTemplate
}

// value reads the part for r. An empty result marks the caller anonymous
// for this rule.
func (p abKeyPart) value(r *http.Request, id *authz.Identity, user string, repl *caddy.Replacer) string {
	switch p.kind {
	case abKeyUser:
		return user
	case abKeyAPIKey:
		if id != nil && id.Method == "api_key" {
			return id.ID
		}
	case abKeyClaim:
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
	case abKeyHeader:
		if vs := r.Header[p.arg]; len(vs) > 0 {
			return vs[0]
		}
	case abKeyPlaceholder:
		if repl != nil {
			s, _ := repl.GetString(p.arg)
			return s
		}
	case abKeyTemplate:
		if repl != nil {
			return repl.ReplaceKnown(p.arg, "")
		}
	case abKeyLiteral:
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
