package gatehouse

import (
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/gatehouse-dev/caddy-gatehouse/limits"
)

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens. Syntax:
//
//	abuse_control [<matcher>] [<count>/<period>] {
//	    rule <name> {
//	        match { <request matchers> }
//	        key         client_ip|user|api_key|claim:<path>|header:<name>|<placeholder> ...
//	        rate        <count>/<period> [burst <n>] [name <policy>]
//	        quota       <count>/<period> [burst <n>] [name <policy>]
//	        concurrency <n>
//	        lease       <duration>
//	        tier <name> {
//	            role  <role> ...
//	            claim <path> <value> ...
//	            rate | quota | concurrency  (as above)
//	        }
//	        anonymous {
//	            rate | quota | concurrency  (as above)
//	        }
//	    }
//	    ban {
//	        after          <strikes>
//	        within         <duration>
//	        for            <duration>
//	        modules        <module> ...
//	        ignore_reasons <reason> ...
//	        count_monitor
//	        identity       on|off
//	    }
//	    redis <host:port> ... {
//	        address           <host:port> ...
//	        master_name       <name>
//	        cluster
//	        username          <user>
//	        password          <password>
//	        sentinel_password <password>
//	        db                <n>
//	        timeout           <duration>
//	        pool_size         <n>
//	        prefix            <prefix>
//	        backoff           <duration>
//	        tls {
//	            ca_file     <path>
//	            server_name <name>
//	            cert_file   <path>
//	            key_file    <path>
//	        }
//	    }
//	    fail_mode      open|closed
//	    ipv4_prefix    <bits>
//	    ipv6_prefix    <bits>
//	    max_keys       <n>
//	    headers        all|denied|off
//	    legacy_headers
//	    body           json|problem
//	    denied_as_error
//	    monitor        [on|off]
//	    log_rate       <lines-per-second>|off
//	}
//
// A rate after the directive name is a rule named "default" keyed by
// client IP (abuse_control 100/s). Periods: s, m, h, day or a Go duration
// (100/10s).
func (h *AbuseControl) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // directive name
	if d.NextArg() {
		rule := AbuseRule{Name: "default"}
		if err := abParseLimit(d, &rule.Limits, false, true); err != nil {
			return err
		}
		h.Rules = append(h.Rules, rule)
	}
	for d.NextBlock(0) {
		var err error
		switch d.Val() {
		case "rule":
			err = abParseRule(d, h)
		case "ban":
			err = abParseBan(d, h)
		case "redis":
			err = abParseRedis(d, h)
		case "fail_mode":
			err = abOneOf(d, &h.FailMode, "open", "closed")
		case "ipv4_prefix":
			h.IPv4Prefix, err = abInt(d, 1, 32)
		case "ipv6_prefix":
			h.IPv6Prefix, err = abInt(d, 1, 128)
		case "max_keys":
			h.MaxKeys, err = abInt(d, 1, 1<<30)
		case "headers":
			err = abOneOf(d, &h.Headers, "all", "denied", "off")
		case "legacy_headers":
			err = flagArg(d, &h.LegacyHeaders)
		case "body":
			err = abOneOf(d, &h.Body, "json", "problem")
		case "denied_as_error":
			err = flagArg(d, &h.DeniedAsError)
		case "monitor":
			h.Monitor, err = parseMonitorOption(d)
		case "log_rate":
			err = logRateArg(d, &h.LogRate)
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func abParseRule(d *caddyfile.Dispenser, h *AbuseControl) error {
	var rule AbuseRule
	if !d.NextArg() {
		return d.Err("rule: expected a name")
	}
	rule.Name = d.Val()
	if d.NextArg() {
		return d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "match":
			if rule.MatchRaw != nil {
				return d.Err("match: only one matcher set per rule")
			}
			rule.MatchRaw, err = caddyhttp.ParseCaddyfileNestedMatcherSet(d)
		case "key":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			for _, a := range args {
				if _, err := parseAcKeyPart(a); err != nil {
					return d.Errf("key: %v", err)
				}
			}
			rule.Key = append(rule.Key, args...)
		case "rate", "quota":
			err = abParseLimit(d, &rule.Limits, d.Val() == "quota", false)
		case "concurrency":
			rule.Concurrency, err = abInt(d, 1, 1<<30)
		case "lease":
			err = abDuration(d, &rule.Lease)
		case "tier":
			var t AbuseTier
			if !d.NextArg() {
				return d.Err("tier: expected a name")
			}
			t.Name = d.Val()
			if err = abParseTier(d, &t, true); err == nil {
				if len(t.Roles) == 0 && t.Claim == "" {
					return d.Errf("tier %s: set role or claim", t.Name)
				}
				rule.Tiers = append(rule.Tiers, t)
			}
		case "anonymous":
			t := AbuseTier{Name: "anonymous"}
			if err = abParseTier(d, &t, false); err == nil {
				rule.Anonymous = &t
			}
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	h.Rules = append(h.Rules, rule)
	return nil
}

// abParseTier reads a tier's block; selectors (role, claim) only when
// named is set (not for anonymous).
func abParseTier(d *caddyfile.Dispenser, t *AbuseTier, named bool) error {
	if d.NextArg() {
		return d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch v := d.Val(); {
		case v == "role" && named:
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			t.Roles = append(t.Roles, args...)
		case v == "claim" && named:
			args := d.RemainingArgs()
			if len(args) < 2 {
				return d.Err("claim: expected <path> <value> ...")
			}
			if t.Claim != "" && t.Claim != args[0] {
				return d.Errf("claim: one claim per tier (already %q)", t.Claim)
			}
			t.Claim = args[0]
			t.Values = append(t.Values, args[1:]...)
		case v == "rate" || v == "quota":
			err = abParseLimit(d, &t.Limits, v == "quota", false)
		case v == "concurrency":
			t.Concurrency, err = abInt(d, 1, 1<<30)
		default:
			return d.Errf("unrecognized subdirective %q", v)
		}
		if err != nil {
			return err
		}
	}
	if len(t.Limits) == 0 && t.Concurrency == 0 {
		return d.Errf("%s: no rate, quota or concurrency", t.Name)
	}
	return nil
}

// abParseLimit reads <count>/<period> [burst <n>] [name <policy>]; atArg
// means the cursor is already on the rate.
func abParseLimit(d *caddyfile.Dispenser, dst *[]AbuseLimit, quota, atArg bool) error {
	if !atArg && !d.NextArg() {
		return d.ArgErr()
	}
	l := AbuseLimit{Rate: d.Val(), Quota: quota}
	if _, _, err := limits.ParseRate(l.Rate); err != nil {
		return d.Errf("%v", err)
	}
	for d.NextArg() {
		switch d.Val() {
		case "burst":
			if !d.NextArg() {
				return d.ArgErr()
			}
			n, err := strconv.ParseInt(d.Val(), 10, 64)
			if err != nil || n <= 0 {
				return d.Errf("burst: %q is not a positive integer", d.Val())
			}
			l.Burst = n
		case "name":
			if !d.NextArg() {
				return d.ArgErr()
			}
			l.Name = d.Val()
		default:
			return d.Errf("rate: unexpected %q (expected burst <n> or name <policy>)", d.Val())
		}
	}
	if len(*dst) >= limits.MaxLimits {
		return d.Errf("at most %d rates and quotas per rule or tier", limits.MaxLimits)
	}
	*dst = append(*dst, l)
	return nil
}

func abParseBan(d *caddyfile.Dispenser, h *AbuseControl) error {
	if d.NextArg() {
		return d.ArgErr()
	}
	b := h.Ban
	if b == nil {
		b = new(AbuseBan)
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "after":
			b.After, err = abInt(d, 1, 1<<30)
		case "within":
			err = abDuration(d, &b.Within)
		case "for":
			err = abDuration(d, &b.For)
		case "modules":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			b.Modules = append(b.Modules, args...)
		case "ignore_reasons":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			b.IgnoreReasons = append(b.IgnoreReasons, args...)
		case "count_monitor":
			err = flagArg(d, &b.CountMonitor)
		case "identity":
			var v string
			if err = abOneOf(d, &v, "on", "off"); err == nil {
				b.NoIdentity = v == "off"
			}
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	h.Ban = b
	return nil
}

func abParseRedis(d *caddyfile.Dispenser, h *AbuseControl) error {
	rc := h.Redis
	if rc == nil {
		rc = new(AbuseRedis)
	}
	rc.Addresses = append(rc.Addresses, d.RemainingArgs()...)
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "address":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			rc.Addresses = append(rc.Addresses, args...)
		case "master_name":
			err = oneArg(d, &rc.MasterName)
		case "cluster":
			err = flagArg(d, &rc.Cluster)
		case "username":
			err = oneArg(d, &rc.Username)
		case "password":
			err = oneArg(d, &rc.Password)
		case "sentinel_password":
			err = oneArg(d, &rc.SentinelPassword)
		case "db":
			rc.DB, err = abInt(d, 0, 1<<16)
		case "timeout":
			err = abDuration(d, &rc.Timeout)
		case "pool_size":
			rc.PoolSize, err = abInt(d, 1, 1<<16)
		case "prefix":
			err = oneArg(d, &rc.Prefix)
		case "backoff":
			err = abDuration(d, &rc.Backoff)
		case "tls":
			err = abParseRedisTLS(d, rc)
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	if len(rc.Addresses) == 0 {
		return d.Err("redis: expected at least one address")
	}
	h.Redis = rc
	return nil
}

func abParseRedisTLS(d *caddyfile.Dispenser, rc *AbuseRedis) error {
	if d.NextArg() {
		return d.ArgErr()
	}
	t := new(AbuseRedisTLS)
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "ca_file":
			err = oneArg(d, &t.CAFile)
		case "server_name":
			err = oneArg(d, &t.ServerName)
		case "cert_file":
			err = oneArg(d, &t.CertFile)
		case "key_file":
			err = oneArg(d, &t.KeyFile)
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	rc.TLS = t
	return nil
}

// abInt reads one integer in [lo, hi].
func abInt(d *caddyfile.Dispenser, lo, hi int) (int, error) {
	name := d.Val()
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, d.Errf("%s: %q is not an integer from %d to %d", name, s, lo, hi)
	}
	return n, nil
}

func abOneOf(d *caddyfile.Dispenser, dst *string, choices ...string) error {
	name := d.Val()
	var s string
	if !d.AllArgs(&s) {
		return d.ArgErr()
	}
	for _, c := range choices {
		if s == c {
			*dst = s
			return nil
		}
	}
	return d.Errf("%s: %q is not one of %v", name, s, choices)
}

func abDuration(d *caddyfile.Dispenser, dst *caddy.Duration) error {
	name := d.Val()
	var s string
	if !d.AllArgs(&s) {
		return d.ArgErr()
	}
	v, err := caddy.ParseDuration(s)
	if err != nil || v <= 0 {
		return d.Errf("%s: %q is not a positive duration", name, s)
	}
	*dst = caddy.Duration(v)
	return nil
}

// Interface guard.
var _ caddyfile.Unmarshaler = (*AbuseControl)(nil)
