package gatehouse

import (
	"strconv"

	"github.com/dustin/go-humanize"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/gatehouse-dev/caddy-gatehouse/redact"
)

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens:
//
//	response_redact [<matcher>] {
//	    # what the engine masks
//	    detectors <name...>
//	    phone_regions <region...>
//	    disable <name...>
//	    ip_addresses
//	    field <path> [<style>]
//	    style <style>
//	    style_for <detector> <style>
//	    custom <name> <re2-pattern> [<validator>]
//	    window <size>
//	    hmac_key <key>
//
//	    # which responses, how much
//	    content_types <media-type|type/*|+suffix...>
//	    statuses <code|class...>
//	    max_size <size>
//	    on_limit fail|pass
//	    flush_delay <duration>|off
//
//	    # 5xx error pages
//	    error_pages detect|replace|off
//	    error_page_max_size <size>
//
//	    # headers
//	    remove_headers <name|prefix*...>
//	    keep_headers <name|prefix*...>
//	    keep_default_headers
//	    mask_headers <name|prefix*...>
//	    header_mask_with <text>
//	    scan_headers <name|prefix*...>
//	    url_headers scan|off
//	    mask_cookies <name|prefix*...>
//
//	    # bodies without a useful Content-Type
//	    sniff json|off
//	    monitor [on|off]
//	    log_rate <lines-per-second>|off
//	}
//
//	<style> := mask [char <c>] [keep_first <n>] [keep_last <n>]
//	         | replace [<text>]
//	         | label [<label>]
//	         | hmac [<label>]
//	         | remove
//
// Every subdirective except field, style_for and custom may appear once;
// list subdirectives may also be repeated and accumulate.
func (h *ResponseRedact) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // directive name
	if d.NextArg() {
		return d.ArgErr()
	}
	seen := make(map[string]bool)
	for d.NextBlock(0) {
		sub := d.Val()
		switch sub {
		case "field", "style_for", "custom",
			"detectors", "disable", "phone_regions", "content_types", "statuses",
			"remove_headers", "keep_headers", "mask_headers", "scan_headers", "mask_cookies":
		default:
			if seen[sub] {
				return d.Errf("%s given twice", sub)
			}
		}
		seen[sub] = true

		switch sub {
		case "detectors":
			if err := appendArgs(d, &h.Detectors); err != nil {
				return err
			}
		case "phone_regions":
			if err := appendArgs(d, &h.PhoneRegions); err != nil {
				return err
			}
		case "disable":
			if err := appendArgs(d, &h.Disable); err != nil {
				return err
			}
		case "ip_addresses":
			if d.NextArg() {
				return d.ArgErr()
			}
			h.IPAddresses = true
		case "field":
			if !d.NextArg() {
				return d.ArgErr()
			}
			rule := redact.FieldRule{Path: d.Val()}
			if d.NextArg() {
				st, err := parseStyle(d)
				if err != nil {
					return err
				}
				rule.Style = &st
			}
			h.Fields = append(h.Fields, rule)
		case "style":
			if !d.NextArg() {
				return d.ArgErr()
			}
			st, err := parseStyle(d)
			if err != nil {
				return err
			}
			h.Style = &st
		case "style_for":
			if !d.NextArg() {
				return d.ArgErr()
			}
			name := d.Val()
			if !d.NextArg() {
				return d.ArgErr()
			}
			st, err := parseStyle(d)
			if err != nil {
				return err
			}
			if h.Styles == nil {
				h.Styles = make(map[string]redact.Style)
			}
			if _, dup := h.Styles[name]; dup {
				return d.Errf("style_for %s given twice", name)
			}
			h.Styles[name] = st
		case "custom":
			args := d.RemainingArgs()
			if len(args) < 2 || len(args) > 3 {
				return d.ArgErr()
			}
			c := redact.CustomDetector{Name: args[0], Pattern: args[1]}
			if len(args) == 3 {
				c.Validator = args[2]
			}
			h.Custom = append(h.Custom, c)
		case "window":
			n, err := parseSizeArg(d)
			if err != nil {
				return err
			}
			if n > 1<<30 {
				return d.Errf("window %d is too large", n)
			}
			h.WindowBytes = int(n)
		case "hmac_key":
			if !d.NextArg() {
				return d.ArgErr()
			}
			h.HMACKey = d.Val()
			if d.NextArg() {
				return d.ArgErr()
			}
		case "content_types":
			if err := appendArgs(d, &h.ContentTypes); err != nil {
				return err
			}
			if _, err := parseContentTypePatterns(h.ContentTypes); err != nil {
				return d.Err(err.Error())
			}
		case "statuses":
			if err := appendArgs(d, &h.Statuses); err != nil {
				return err
			}
			if _, err := parseStatusSet(h.Statuses); err != nil {
				return d.Err(err.Error())
			}
		case "max_size":
			n, err := parseSizeArg(d)
			if err != nil {
				return err
			}
			h.MaxSize = n
		case "on_limit":
			if !d.NextArg() {
				return d.ArgErr()
			}
			switch d.Val() {
			case onLimitFail, onLimitPass:
				h.OnLimit = d.Val()
			default:
				return d.Errf("on_limit must be fail or pass, not %q", d.Val())
			}
			if d.NextArg() {
				return d.ArgErr()
			}
		case "error_pages":
			if !d.NextArg() {
				return d.ArgErr()
			}
			switch d.Val() {
			case errorPagesDetect, errorPagesReplace, errorPagesOff:
				h.ErrorPages = d.Val()
			default:
				return d.Errf("error_pages must be detect, replace or off, not %q", d.Val())
			}
			if d.NextArg() {
				return d.ArgErr()
			}
		case "error_page_max_size":
			n, err := parseSizeArg(d)
			if err != nil {
				return err
			}
			h.ErrorPageMaxSize = n
		case "flush_delay":
			if !d.NextArg() {
				return d.ArgErr()
			}
			if v := d.Val(); v == "off" || v == "0" {
				h.FlushDelay = -1 // every flush passes at once
			} else {
				dur, err := caddy.ParseDuration(v)
				if err != nil || dur <= 0 {
					return d.Errf("flush_delay must be a positive duration or off, not %q", v)
				}
				h.FlushDelay = caddy.Duration(dur)
			}
			if d.NextArg() {
				return d.ArgErr()
			}
		case "remove_headers":
			if err := appendArgs(d, &h.headerPolicy().Remove); err != nil {
				return err
			}
		case "keep_headers":
			if err := appendArgs(d, &h.headerPolicy().Keep); err != nil {
				return err
			}
		case "keep_default_headers":
			if d.NextArg() {
				return d.ArgErr()
			}
			h.headerPolicy().KeepDefaults = true
		case "mask_headers":
			if err := appendArgs(d, &h.headerPolicy().Mask); err != nil {
				return err
			}
		case "scan_headers":
			if err := appendArgs(d, &h.headerPolicy().Scan); err != nil {
				return err
			}
		case "url_headers":
			if !d.NextArg() {
				return d.ArgErr()
			}
			switch d.Val() {
			case urlHeadersScan, urlHeadersOff:
				h.URLHeaders = d.Val()
			default:
				return d.Errf("url_headers must be scan or off, not %q", d.Val())
			}
			if d.NextArg() {
				return d.ArgErr()
			}
		case "mask_cookies":
			if err := appendArgs(d, &h.MaskCookies); err != nil {
				return err
			}
			if _, err := compileCookieNames(h.MaskCookies); err != nil {
				return d.Err(err.Error())
			}
		case "monitor":
			m, err := parseMonitorOption(d)
			if err != nil {
				return err
			}
			h.Monitor = m
		case "log_rate":
			if err := logRateArg(d, &h.LogRate); err != nil {
				return err
			}
		case "sniff":
			if !d.NextArg() {
				return d.ArgErr()
			}
			switch d.Val() {
			case sniffJSON, sniffOff:
				h.Sniff = d.Val()
			default:
				return d.Errf("sniff must be json or off, not %q", d.Val())
			}
			if d.NextArg() {
				return d.ArgErr()
			}
		case "header_mask_with":
			if !d.NextArg() {
				return d.ArgErr()
			}
			h.headerPolicy().MaskWith = d.Val()
			if d.NextArg() {
				return d.ArgErr()
			}
		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
	}
	if h.Headers != nil {
		if _, err := redact.CompileHeaderRules(*h.Headers); err != nil {
			return d.Err(err.Error())
		}
	}
	// Compile the engine now, so that its errors (unknown detector, bad
	// RE2 pattern, hmac without hmac_key …) carry the Caddyfile position.
	// The key is a placeholder resolved only at provision: any non-empty
	// stand-in will do here.
	cfg := h.Config
	if cfg.HMACKey != "" {
		cfg.HMACKey = "unresolved"
	}
	if _, err := redact.New(cfg); err != nil {
		return d.Errf("response_redact: %v", err)
	}
	return nil
}

// headerPolicy returns the header policy, creating it on first use.
func (h *ResponseRedact) headerPolicy() *redact.HeaderPolicy {
	if h.Headers == nil {
		h.Headers = new(redact.HeaderPolicy)
	}
	return h.Headers
}

// appendArgs appends the remaining arguments (at least one) to dst.
func appendArgs(d *caddyfile.Dispenser, dst *[]string) error {
	args := d.RemainingArgs()
	if len(args) == 0 {
		return d.ArgErr()
	}
	*dst = append(*dst, args...)
	return nil
}

// parseSizeArg reads exactly one size argument ("16MB", "64KiB", "1024").
func parseSizeArg(d *caddyfile.Dispenser) (int64, error) {
	if !d.NextArg() {
		return 0, d.ArgErr()
	}
	n, err := humanize.ParseBytes(d.Val())
	if err != nil || n == 0 || n > 1<<40 {
		return 0, d.Errf("invalid size %q", d.Val())
	}
	size := int64(n)
	if d.NextArg() {
		return 0, d.ArgErr()
	}
	return size, nil
}

// parseStyle parses a <style> whose kind is the current token; it consumes
// the rest of the line.
func parseStyle(d *caddyfile.Dispenser) (redact.Style, error) {
	st := redact.Style{Kind: d.Val()}
	args := d.RemainingArgs()
	switch st.Kind {
	case redact.StyleMask:
		for i := 0; i < len(args); i += 2 {
			if i+1 >= len(args) {
				return st, d.Errf("mask option %q needs a value", args[i])
			}
			key, val := args[i], args[i+1]
			switch key {
			case "char":
				if len(val) != 1 || val[0] < 0x21 || val[0] > 0x7e {
					return st, d.Errf("mask char must be one printable ASCII character, not %q", val)
				}
				st.Char = val
			case "keep_first", "keep_last":
				n, err := strconv.Atoi(val)
				if err != nil || n < 0 || n > 64 {
					return st, d.Errf("%s must be a number from 0 to 64, not %q", key, val)
				}
				if key == "keep_first" {
					st.KeepFirst = n
				} else {
					st.KeepLast = n
				}
			default:
				return st, d.Errf("unknown mask option %q (char, keep_first, keep_last)", key)
			}
		}
	case redact.StyleReplace:
		if len(args) > 1 {
			return st, d.ArgErr()
		}
		if len(args) == 1 {
			st.Replacement = args[0]
		}
	case redact.StyleLabel, redact.StyleHMAC:
		if len(args) > 1 {
			return st, d.ArgErr()
		}
		if len(args) == 1 {
			st.Label = args[0]
		}
	case redact.StyleRemove:
		if len(args) > 0 {
			return st, d.ArgErr()
		}
	default:
		return st, d.Errf("unknown style %q (mask, replace, label, hmac, remove)", st.Kind)
	}
	return st, nil
}

// Interface guard.
var _ caddyfile.Unmarshaler = (*ResponseRedact)(nil)
