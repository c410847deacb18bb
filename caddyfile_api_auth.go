package gatehouse

import (
	"strconv"

	"github.com/dustin/go-humanize"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/gatehouse-dev/caddy-gatehouse/authz/authn"
)

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens:
//
//	api_auth [<matcher>] {
//	    issuer <iss> {
//	        audience <aud...>
//	        algorithms <alg...>
//	        key <PEM|JWK|JWKS|{env.VAR}> [<alg...>]
//	        key_file <path> [<alg...>]
//	        secret <raw:STRING|base64:TEXT|base64url:TEXT|{env.VAR}> [<alg...>]
//	        jwks_url <url>
//	        discovery
//	        refresh_interval <duration>
//	        min_refetch_interval <duration>
//	        fetch_timeout <duration>
//	        max_fetch_size <size>
//	    }
//	    token_source bearer | header <name> | cookie <name> | query <name>
//	    api_key <sha256:hex> <id> {
//	        roles <role...>
//	        scopes <scope...>
//	    }
//	    api_key_header <name>
//	    api_key_query <name>
//	    leeway <duration>
//	    max_lifetime <duration>
//	    allow_missing_exp
//	    token_type <typ>
//	    max_token_size <size>
//	    user_id_claim <claim>
//	    role_claims <claim...>
//	    user_claims <claim...>
//	    claim_header <header> <claim>
//	    strip_credentials
//	    realm <realm>
//	    allow_preflight
//	    optional
//	    monitor [on|off]
//	    log_rate <lines-per-second>|off
//	    cache_size <entries>|off
//	    cache_ttl <duration>
//	}
//
// issuer, token_source, api_key and claim_header may repeat.
func (a *APIAuth) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // directive name
	if d.NextArg() {
		return d.ArgErr()
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "issuer":
			ic, err := unmarshalAuthIssuer(d)
			if err != nil {
				return err
			}
			a.Issuers = append(a.Issuers, ic)
		case "token_source":
			var s TokenSourceConfig
			if !d.NextArg() {
				return d.ArgErr()
			}
			s.Kind = d.Val()
			switch s.Kind {
			case authn.SourceBearer:
			case authn.SourceHeader, authn.SourceCookie, authn.SourceQuery:
				if !d.NextArg() {
					return d.Errf("token_source %s needs a name", s.Kind)
				}
				s.Name = d.Val()
			default:
				return d.Errf("unknown token_source %q (want bearer, header, cookie or query)", s.Kind)
			}
			if d.NextArg() {
				return d.ArgErr()
			}
			a.TokenSources = append(a.TokenSources, s)
		case "api_key":
			k, err := unmarshalAuthAPIKey(d)
			if err != nil {
				return err
			}
			a.APIKeys = append(a.APIKeys, k)
		case "api_key_header":
			if err := oneArg(d, &a.APIKeyHeader); err != nil {
				return err
			}
		case "api_key_query":
			if err := oneArg(d, &a.APIKeyQuery); err != nil {
				return err
			}
		case "leeway":
			var dur caddy.Duration
			if err := authDurationArg(d, &dur); err != nil {
				return err
			}
			a.Leeway = &dur
		case "max_lifetime":
			if err := authDurationArg(d, &a.MaxLifetime); err != nil {
				return err
			}
		case "allow_missing_exp":
			if err := flagArg(d, &a.AllowMissingExp); err != nil {
				return err
			}
		case "token_type":
			if err := oneArg(d, &a.TokenType); err != nil {
				return err
			}
		case "max_token_size":
			var n int64
			if err := authSizeArg(d, &n); err != nil {
				return err
			}
			a.MaxTokenSize = int(n)
		case "user_id_claim":
			if err := oneArg(d, &a.UserIDClaim); err != nil {
				return err
			}
		case "role_claims":
			if a.RoleClaims = d.RemainingArgs(); len(a.RoleClaims) == 0 {
				return d.ArgErr()
			}
		case "user_claims":
			if a.UserClaims = d.RemainingArgs(); len(a.UserClaims) == 0 {
				return d.ArgErr()
			}
		case "claim_header":
			args := d.RemainingArgs()
			if len(args) != 2 {
				return d.ArgErr()
			}
			if a.ClaimHeaders == nil {
				a.ClaimHeaders = map[string]string{}
			}
			if _, dup := a.ClaimHeaders[args[0]]; dup {
				return d.Errf("claim_header %s set twice", args[0])
			}
			a.ClaimHeaders[args[0]] = args[1]
		case "strip_credentials":
			if err := flagArg(d, &a.StripCredentials); err != nil {
				return err
			}
		case "realm":
			if err := oneArg(d, &a.Realm); err != nil {
				return err
			}
		case "allow_preflight":
			if err := flagArg(d, &a.AllowPreflight); err != nil {
				return err
			}
		case "optional":
			if err := flagArg(d, &a.Optional); err != nil {
				return err
			}
		case "monitor":
			m, err := parseMonitorOption(d)
			if err != nil {
				return err
			}
			a.Monitor = m
		case "log_rate":
			if err := logRateArg(d, &a.LogRate); err != nil {
				return err
			}
		case "cache_size":
			var s string
			if err := oneArg(d, &s); err != nil {
				return err
			}
			if s == "off" {
				a.CacheSize = -1
				break
			}
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return d.Errf("cache_size: want a positive number of entries or off, got %q", s)
			}
			a.CacheSize = n
		case "cache_ttl":
			if err := authDurationArg(d, &a.CacheTTL); err != nil {
				return err
			}
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
	}
	return nil
}

func unmarshalAuthIssuer(d *caddyfile.Dispenser) (IssuerConfig, error) {
	var ic IssuerConfig
	if !d.NextArg() {
		return ic, d.ArgErr()
	}
	ic.Issuer = d.Val()
	if d.NextArg() {
		return ic, d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "audience":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return ic, d.ArgErr()
			}
			ic.Audiences = append(ic.Audiences, args...)
		case "algorithms":
			if ic.Algorithms = d.RemainingArgs(); len(ic.Algorithms) == 0 {
				return ic, d.ArgErr()
			}
		case "key", "key_file", "secret":
			kind := d.Val()
			if !d.NextArg() {
				return ic, d.ArgErr()
			}
			kc := KeyConfig{Algorithms: nil}
			switch kind {
			case "key":
				kc.Key = d.Val()
			case "key_file":
				kc.File = d.Val()
			case "secret":
				kc.Secret = d.Val()
			}
			kc.Algorithms = d.RemainingArgs()
			ic.Keys = append(ic.Keys, kc)
		case "jwks_url":
			if err := oneArg(d, &ic.JWKSURL); err != nil {
				return ic, err
			}
		case "discovery":
			if err := flagArg(d, &ic.Discovery); err != nil {
				return ic, err
			}
		case "refresh_interval":
			if err := authDurationArg(d, &ic.RefreshInterval); err != nil {
				return ic, err
			}
		case "min_refetch_interval":
			if err := authDurationArg(d, &ic.MinRefetchInterval); err != nil {
				return ic, err
			}
		case "fetch_timeout":
			if err := authDurationArg(d, &ic.FetchTimeout); err != nil {
				return ic, err
			}
		case "max_fetch_size":
			if err := authSizeArg(d, &ic.MaxFetchSize); err != nil {
				return ic, err
			}
		default:
			return ic, d.Errf("unrecognized subdirective %q", d.Val())
		}
	}
	if ic.JWKSURL != "" && ic.Discovery {
		return ic, d.Errf("issuer %s: jwks_url and discovery are mutually exclusive", ic.Issuer)
	}
	if len(ic.Keys) == 0 && ic.JWKSURL == "" && !ic.Discovery {
		return ic, d.Errf("issuer %s: needs key, key_file, secret, jwks_url or discovery", ic.Issuer)
	}
	return ic, nil
}

func unmarshalAuthAPIKey(d *caddyfile.Dispenser) (APIKeyConfig, error) {
	var k APIKeyConfig
	args := d.RemainingArgs()
	if len(args) != 2 {
		return k, d.Errf("api_key needs <hash> <id> (print a hash with `caddy gatehouse hash-key`)")
	}
	k.Hash, k.ID = args[0], args[1]
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "roles":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return k, d.ArgErr()
			}
			k.Roles = append(k.Roles, args...)
		case "scopes":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return k, d.ArgErr()
			}
			k.Scopes = append(k.Scopes, args...)
		default:
			return k, d.Errf("unrecognized subdirective %q", d.Val())
		}
	}
	return k, nil
}

func authDurationArg(d *caddyfile.Dispenser, dst *caddy.Duration) error {
	var s string
	if err := oneArg(d, &s); err != nil {
		return err
	}
	dur, err := caddy.ParseDuration(s)
	if err != nil {
		return d.Errf("invalid duration %q: %v", s, err)
	}
	if dur < 0 {
		return d.Errf("duration %q must not be negative", s)
	}
	*dst = caddy.Duration(dur)
	return nil
}

func authSizeArg(d *caddyfile.Dispenser, dst *int64) error {
	var s string
	if err := oneArg(d, &s); err != nil {
		return err
	}
	n, err := humanize.ParseBytes(s)
	if err != nil || n == 0 || n > 1<<40 {
		return d.Errf("invalid size %q", s)
	}
	*dst = int64(n)
	return nil
}

// Interface guard.
var _ caddyfile.Unmarshaler = (*APIAuth)(nil)
