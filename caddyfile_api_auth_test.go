package gatehouse

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func TestAPIAuthUnmarshalCaddyfile(t *testing.T) {
	leeway := caddy.Duration(30e9)
	cases := []struct {
		name  string
		input string
		want  APIAuth
	}{
		{
			name: "full",
			input: `api_auth {
				issuer https://idp.example {
					audience api other
					algorithms RS256 ES256
					key_file /etc/keys/pub.pem RS256
					secret {env.JWT_SECRET}
					key {env.JWK}
				}
				issuer https://login.example/realms/x {
					discovery
					refresh_interval 10m
					min_refetch_interval 1m
					fetch_timeout 3s
					max_fetch_size 512KiB
				}
				issuer https://jwks.example {
					jwks_url https://jwks.example/.well-known/jwks.json
				}
				token_source bearer
				token_source cookie at
				token_source query access_token
				token_source header X-Token
				api_key sha256:0123 svc {
					roles reader writer
					scopes a:read
				}
				api_key_header X-Key
				api_key_query key
				leeway 30s
				max_lifetime 1h
				allow_missing_exp
				token_type at+jwt
				max_token_size 4KiB
				user_id_claim email
				role_claims roles realm_access.roles
				user_claims email tenant
				claim_header X-User-Email email
				claim_header X-Tenant tenant
				strip_credentials
				realm api
				allow_preflight
				optional
				cache_size 500
				cache_ttl 2m
			}`,
			want: APIAuth{
				Issuers: []IssuerConfig{
					{Issuer: "https://idp.example", Audiences: []string{"api", "other"}, Algorithms: []string{"RS256", "ES256"},
						Keys: []KeyConfig{{File: "/etc/keys/pub.pem", Algorithms: []string{"RS256"}}, {Secret: "{env.JWT_SECRET}"}, {Key: "{env.JWK}"}}},
					{Issuer: "https://login.example/realms/x", Discovery: true, RefreshInterval: caddy.Duration(600e9),
						MinRefetchInterval: caddy.Duration(60e9), FetchTimeout: caddy.Duration(3e9), MaxFetchSize: 512 << 10},
					{Issuer: "https://jwks.example", JWKSURL: "https://jwks.example/.well-known/jwks.json"},
				},
				TokenSources: []TokenSourceConfig{{Kind: "bearer"}, {Kind: "cookie", Name: "at"}, {Kind: "query", Name: "access_token"}, {Kind: "header", Name: "X-Token"}},
				APIKeys:      []APIKeyConfig{{Hash: "sha256:0123", ID: "svc", Roles: []string{"reader", "writer"}, Scopes: []string{"a:read"}}},
				APIKeyHeader: "X-Key", APIKeyQuery: "key",
				Leeway: &leeway, MaxLifetime: caddy.Duration(3600e9), AllowMissingExp: true, TokenType: "at+jwt", MaxTokenSize: 4096,
				UserIDClaim: "email", RoleClaims: []string{"roles", "realm_access.roles"}, UserClaims: []string{"email", "tenant"},
				ClaimHeaders:     map[string]string{"X-User-Email": "email", "X-Tenant": "tenant"},
				StripCredentials: true, Realm: "api", AllowPreflight: true, Optional: true, CacheSize: 500, CacheTTL: caddy.Duration(120e9),
			},
		},
		{
			name:  "heredoc PEM",
			input: "api_auth {\n issuer https://i.example {\n key <<PEM\n  -----BEGIN PUBLIC KEY-----\n  AAAA\n  -----END PUBLIC KEY-----\n  PEM ES256\n }\n}",
			want: APIAuth{Issuers: []IssuerConfig{{Issuer: "https://i.example", Keys: []KeyConfig{{
				Key: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", Algorithms: []string{"ES256"}}}}}},
		},
		{
			name:  "cache off",
			input: "api_auth {\n issuer https://i.example {\n secret abc\n }\n cache_size off\n}",
			want:  APIAuth{Issuers: []IssuerConfig{{Issuer: "https://i.example", Keys: []KeyConfig{{Secret: "abc"}}}}, CacheSize: -1},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got APIAuth
			if err := got.UnmarshalCaddyfile(caddyfile.NewTestDispenser(c.input)); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(c.want, "", " ")
				t.Fatalf("got\n%s\nwant\n%s", g, w)
			}
		})
	}
}

func TestAPIAuthUnmarshalCaddyfileErrors(t *testing.T) {
	cases := []struct {
		input string
		want  string
	}{
		{"api_auth extra", "wrong argument count or unexpected line ending after 'extra', at Testfile:1"},
		{"api_auth {\n bogus\n}", `unrecognized subdirective "bogus", at Testfile:2`},
		{"api_auth {\n issuer\n}", "wrong argument count or unexpected line ending after 'issuer', at Testfile:2"},
		{"api_auth {\n issuer https://i {\n }\n}", "issuer https://i: needs key, key_file, secret, jwks_url or discovery"},
		{"api_auth {\n issuer https://i {\n jwks_url https://i/j\n discovery\n }\n}", "mutually exclusive"},
		{"api_auth {\n issuer https://i {\n frobnicate\n }\n}", `unrecognized subdirective "frobnicate", at Testfile:3`},
		{"api_auth {\n issuer https://i {\n key\n }\n}", "unexpected line ending after 'key', at Testfile:3"},
		{"api_auth {\n issuer https://i {\n secret s\n fetch_timeout soon\n }\n}", `invalid duration "soon"`},
		{"api_auth {\n issuer https://i {\n secret s\n max_fetch_size lots\n }\n}", `invalid size "lots"`},
		{"api_auth {\n token_source form x\n}", `unknown token_source "form"`},
		{"api_auth {\n token_source cookie\n}", "token_source cookie needs a name"},
		{"api_auth {\n token_source bearer extra\n}", "after 'extra', at Testfile:2"},
		{"api_auth {\n api_key onlyhash\n}", "api_key needs <hash> <id>"},
		{"api_auth {\n api_key h id {\n admin\n }\n}", `unrecognized subdirective "admin"`},
		{"api_auth {\n leeway -5s\n}", "must not be negative"},
		{"api_auth {\n optional yes\n}", "after 'yes', at Testfile:2"},
		{"api_auth {\n cache_size many\n}", "cache_size: want a positive number of entries or off"},
		{"api_auth {\n claim_header X-A\n}", "after 'X-A', at Testfile:2"},
		{"api_auth {\n claim_header X-A a\n claim_header X-A b\n}", "claim_header X-A set twice"},
		{"api_auth {\n role_claims\n}", "after 'role_claims', at Testfile:2"},
		{"api_auth {\n issuer https://i {\n secret s\n audience a\n audience\n }\n}", "after 'audience', at Testfile:5"},
		{"api_auth {\n api_key h id {\n roles a\n roles\n }\n}", "after 'roles', at Testfile:4"},
		{"api_auth {\n api_key h id {\n scopes\n }\n}", "after 'scopes', at Testfile:3"},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.input, "\n", " "), func(t *testing.T) {
			var a APIAuth
			err := a.UnmarshalCaddyfile(caddyfile.NewTestDispenser(c.input))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// FuzzAPIAuthCaddyfile feeds arbitrary api_auth blocks to the Caddyfile
// parser: it must never panic, and whatever it accepts must survive a JSON
// round trip (the Caddyfile→JSON contract).
func FuzzAPIAuthCaddyfile(f *testing.F) {
	f.Add("api_auth {\n issuer https://i {\n secret abc\n audience x\n }\n}")
	f.Add("api_auth {\n token_source cookie at\n api_key h id {\n roles a\n }\n cache_size off\n}")
	f.Add("api_auth {\n issuer https://i {\n discovery\n max_fetch_size 1MiB\n }\n leeway 1m\n}")
	f.Add("api_auth {\n claim_header X-A a\n user_claims a.b\n realm r\n optional\n}")
	f.Fuzz(func(t *testing.T, input string) {
		tokens, err := caddyfile.Tokenize([]byte(input), "Fuzz")
		if err != nil {
			return
		}
		var a APIAuth
		if err := a.UnmarshalCaddyfile(caddyfile.NewDispenser(tokens)); err != nil {
			return
		}
		data, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back APIAuth
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(data) {
			t.Fatalf("JSON round trip changed the config:\n%s\n%s", data, again)
		}
	})
}
