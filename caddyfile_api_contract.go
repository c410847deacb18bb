package gatehouse

import "github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens:
//
//	api_contract [<matcher>] [<spec-file>] {
//	    spec <spec-file>
//	    base_path <path>
//	    unknown_paths reject|pass [<prefix>...]
//	    reject_unknown_properties
//	    reject_unknown_query
//	    max_body_size <size>
//	    security enforce|off
//	    realm <realm>
//	    responses strip|check|off
//	    on_mismatch pass|reject
//	    response_hold <size>
//	    case_insensitive
//	    monitor [on|off]
//	    log_rate <lines-per-second>|off
//	}
//
// unknown_paths without a prefix sets the default; with prefixes it adds
// one rule per prefix, and may be repeated. Every other subdirective may
// appear once.
func (h *APIContract) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // directive name
	if d.NextArg() {
		h.Spec = d.Val()
	}
	if d.NextArg() {
		return d.ArgErr()
	}
	seen := map[string]bool{}
	for d.NextBlock(0) {
		name := d.Val()
		if name != "unknown_paths" {
			if seen[name] {
				return d.Errf("%s: subdirective given twice", name)
			}
			seen[name] = true
		}
		switch name {
		case "spec":
			if h.Spec != "" {
				return d.Err("spec: given twice (inline and in the block)")
			}
			if err := oneArg(d, &h.Spec); err != nil {
				return err
			}
		case "base_path":
			var bp string
			if err := oneArg(d, &bp); err != nil {
				return err
			}
			if bp != "" && bp[0] != '/' {
				return d.Errf("base_path: %q must begin with /", bp)
			}
			if bp == "/" {
				bp = ""
			}
			h.BasePath = &bp
		case "unknown_paths":
			if !d.NextArg() {
				return d.ArgErr()
			}
			action := d.Val()
			if action != contractReject && action != contractPass {
				return d.Errf("unknown_paths: expected reject or pass, got %q", action)
			}
			prefixes := d.RemainingArgs()
			if len(prefixes) == 0 {
				prefixes = []string{""}
			}
			for _, p := range prefixes {
				if p != "" && p[0] != '/' {
					return d.Errf("unknown_paths: prefix %q must begin with /", p)
				}
				h.UnknownPaths = append(h.UnknownPaths, ContractPathRule{Prefix: p, Action: action})
			}
		case "reject_unknown_properties":
			if err := flagArg(d, &h.RejectUnknownProperties); err != nil {
				return err
			}
		case "reject_unknown_query":
			if err := flagArg(d, &h.RejectUnknownQuery); err != nil {
				return err
			}
		case "case_insensitive":
			if err := flagArg(d, &h.CaseInsensitive); err != nil {
				return err
			}
		case "max_body_size", "response_hold":
			n, err := parseSizeArg(d)
			if err != nil {
				return err
			}
			if name == "max_body_size" {
				h.MaxBodySize = n
			} else {
				h.ResponseHold = n
			}
		case "security", "responses", "on_mismatch", "realm":
			var v string
			if err := oneArg(d, &v); err != nil {
				return err
			}
			allowed := map[string][]string{
				"security":    {contractSecurityEnforce, contractSecurityOff},
				"responses":   {contractResponsesStrip, contractResponsesCheck, contractResponsesOff},
				"on_mismatch": {contractPass, contractReject},
			}[name]
			ok := allowed == nil
			for _, a := range allowed {
				ok = ok || v == a
			}
			if !ok {
				return d.Errf("%s: expected one of %v, got %q", name, allowed, v)
			}
			switch name {
			case "security":
				h.Security = v
			case "responses":
				h.Responses = v
			case "on_mismatch":
				h.OnMismatch = v
			default:
				h.Realm = v
			}
		case "monitor":
			on, err := parseMonitorOption(d)
			if err != nil {
				return err
			}
			h.Monitor = on
		case "log_rate":
			if err := logRateArg(d, &h.LogRate); err != nil {
				return err
			}
		default:
			return d.Errf("unrecognized subdirective %q", name)
		}
	}
	if h.Spec == "" {
		return d.Err("api_contract: the OpenAPI document (spec) is required")
	}
	return nil
}

// Interface guard.
var _ caddyfile.Unmarshaler = (*APIContract)(nil)
