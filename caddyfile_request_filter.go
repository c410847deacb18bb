package gatehouse

import (
	"strconv"

	"github.com/dustin/go-humanize"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/gatehouse-dev/caddy-gatehouse/filter"
)

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens. Syntax:
//
//	request_filter [<matcher>] {
//	    threshold          <score>
//	    paranoia           <1-4>
//	    monitor            [on|off]
//	    block_status       <code>
//	    blocked_as_error
//	    log_rate           <lines-per-second>|off
//	    disable_rules      <rule-id|prefix*> ...
//
//	    allowed_methods    <METHOD> ...
//	    max_uri_length     <bytes>|off
//	    max_headers        <count>|off
//	    max_header_size    <size>|off
//	    max_args           <count>|off
//	    max_body_size      <size>|off
//	    inspect_body_limit <size>|off
//	    body_over_limit    block|inspect_prefix
//	    max_json_depth     <levels>
//
//	    allow_ips          <ip|cidr> ...
//	    allow_ips_file     <path>
//	    deny_ips           <ip|cidr> ...
//	    deny_ips_file      <path>
//
//	    redirect_hosts     <host|*.domain> ...
//
//	    exclude {
//	        rules   <rule-id|category|prefix*> ...
//	        paths   <path|prefix*> ...
//	        targets <location|prefix*> ...
//	    }
//
//	    rule <id> [<re2-pattern>] {
//	        pattern <re2-pattern>
//	        targets <target[:name]> ...
//	        score   <score>
//	        block
//	    }
//	}
//
// Sizes take units (128KiB, 10MB). Every subdirective may repeat; list
// subdirectives add to the list. A bare "request_filter" uses the defaults.
func (h *RequestFilter) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // directive name
	if d.NextArg() {
		return d.ArgErr()
	}
	c := &h.Config
	for d.NextBlock(0) {
		var err error
		switch d.Val() {
		case "threshold":
			c.Threshold, err = rfInt(d)
		case "paranoia":
			c.Paranoia, err = rfInt(d)
		case "monitor":
			h.Monitor, err = parseMonitorOption(d)
		case "detect_only": // the former name of monitor
			if d.NextArg() {
				return d.ArgErr()
			}
			on := true
			h.Monitor = &on
		case "block_status":
			c.BlockStatus, err = rfInt(d)
		case "blocked_as_error":
			if d.NextArg() {
				return d.ArgErr()
			}
			h.BlockedAsError = true
		case "log_rate":
			h.LogRate, err = rfLimit(d, false)
		case "disable_rules":
			err = rfList(d, &c.DisabledRules)
		case "allowed_methods":
			err = rfList(d, &c.AllowedMethods)
		case "max_uri_length":
			c.MaxURILength, err = rfLimit(d, false)
		case "max_headers":
			c.MaxHeaders, err = rfLimit(d, false)
		case "max_header_size":
			c.MaxHeaderSize, err = rfLimit(d, true)
		case "max_args":
			c.MaxArgs, err = rfLimit(d, false)
		case "max_body_size":
			var n int
			if n, err = rfLimit(d, true); n < 0 {
				n = 0 // 0 is "no limit" for this one
			}
			c.MaxBodySize = int64(n)
		case "inspect_body_limit":
			var n int
			n, err = rfLimit(d, true)
			c.InspectBodyLimit = int64(n)
		case "body_over_limit":
			if !d.AllArgs(&c.BodyOverLimit) {
				return d.ArgErr()
			}
		case "max_json_depth":
			c.MaxJSONDepth, err = rfInt(d)
		case "allow_ips":
			err = rfList(d, &c.AllowIPs)
		case "allow_ips_file":
			if !d.AllArgs(&c.AllowIPsFile) {
				return d.ArgErr()
			}
		case "deny_ips":
			err = rfList(d, &c.DenyIPs)
		case "deny_ips_file":
			if !d.AllArgs(&c.DenyIPsFile) {
				return d.ArgErr()
			}
		case "redirect_hosts":
			first := len(c.RedirectHosts)
			if err = rfList(d, &c.RedirectHosts); err == nil {
				for _, rh := range c.RedirectHosts[first:] {
					if verr := filter.ValidRedirectHost(rh); verr != nil {
						return d.Errf("%v", verr)
					}
				}
			}
		case "exclude":
			err = rfExclusion(d, c)
		case "rule":
			err = rfCustomRule(d, c)
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// rfInt reads one integer argument.
func rfInt(d *caddyfile.Dispenser) (int, error) {
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, d.Errf("%s: %q is not an integer", d.Val(), s)
	}
	return n, nil
}

// rfLimit reads a count (or a size with units when size is set), or "off"
// (returned as -1).
func rfLimit(d *caddyfile.Dispenser, size bool) (int, error) {
	name := d.Val()
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	if s == "off" {
		return -1, nil
	}
	if size {
		n, err := humanize.ParseBytes(s)
		if err != nil || n == 0 || n > 1<<40 {
			return 0, d.Errf("%s: invalid size %q", name, s)
		}
		return int(n), nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, d.Errf("%s: %q is not a positive integer (or off)", name, s)
	}
	return n, nil
}

// rfList appends at least one argument to dst.
func rfList(d *caddyfile.Dispenser, dst *[]string) error {
	args := d.RemainingArgs()
	if len(args) == 0 {
		return d.ArgErr()
	}
	*dst = append(*dst, args...)
	return nil
}

func rfExclusion(d *caddyfile.Dispenser, c *filter.Config) error {
	if d.NextArg() {
		return d.ArgErr()
	}
	var x filter.Exclusion
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "rules":
			err = rfList(d, &x.Rules)
		case "paths":
			err = rfList(d, &x.Paths)
		case "targets":
			err = rfList(d, &x.Targets)
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	if len(x.Rules)+len(x.Paths)+len(x.Targets) == 0 {
		return d.Err("exclude: name at least one of rules, paths, targets")
	}
	c.Exclusions = append(c.Exclusions, x)
	return nil
}

func rfCustomRule(d *caddyfile.Dispenser, c *filter.Config) error {
	var r filter.CustomRule
	if !d.NextArg() {
		return d.ArgErr()
	}
	r.ID = d.Val()
	if d.NextArg() {
		r.Pattern = d.Val()
	}
	if d.NextArg() {
		return d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "pattern":
			if !d.AllArgs(&r.Pattern) {
				return d.ArgErr()
			}
		case "targets":
			err = rfList(d, &r.Targets)
		case "score":
			r.Score, err = rfInt(d)
		case "block":
			if d.NextArg() {
				return d.ArgErr()
			}
			r.Block = true
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	if r.Pattern == "" {
		return d.Errf("rule %q: missing pattern", r.ID)
	}
	c.CustomRules = append(c.CustomRules, r)
	return nil
}

// Interface guard.
var _ caddyfile.Unmarshaler = (*RequestFilter)(nil)
