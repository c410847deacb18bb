package gatehouse

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// The Caddyfile surface of Gatehouse: every directive, global option and the
// place of each directive in Caddy's handler order, in one file, so the
// order of the chain is readable at a glance.
//
// With Caddy's standard order the chain runs:
//
//	try_files → gatehouse → request_filter → basic_auth → api_auth →
//	abuse_control → forward_auth → access_control → request_header →
//	encode → response_redact → api_contract → … → reverse_proxy
//
// request_filter rejects hostile input before any credential is parsed;
// api_auth establishes the identity that access_control decides on;
// abuse_control comes right after api_auth because its keys and tiers are
// identities as often as addresses, and one handler cannot read an
// identity that is not established yet. Its bans do not need to run
// earlier to work: the blocks that feed them reach it in-process from
// request_filter and api_auth, whose own refusals already stop those
// requests, and a banned client is refused here even when it finally
// presents a valid credential (credential stuffing that succeeds gets no
// further). A site that wants bans and address limits ahead of
// request_filter's inspection places a second abuse_control (no identity
// keys) first in a route block;
// response_redact sits inside encode, so encode compresses the masked body;
// api_contract sits inside response_redact: requests reach it with the
// identity api_auth established and after access_control's rules, and a
// response is stripped of undeclared members first (on the uncompressed
// body both modules ask the upstream for), then masked, then compressed;
// redact never spends time on fields that do not leave.
// A `route` block overrides this order where a site needs another one.
func init() {
	httpcaddyfile.RegisterHandlerDirective("request_filter", handlerDirective[RequestFilter])
	httpcaddyfile.RegisterDirectiveOrder("request_filter", httpcaddyfile.After, "try_files")

	// The site-wide monitor switch runs before every module so that each
	// sees it: placed after try_files once request_filter is, it lands
	// between the two. (Orders can only be relative to standard directives.)
	httpcaddyfile.RegisterHandlerDirective("gatehouse", parseGatehouse)
	httpcaddyfile.RegisterDirectiveOrder("gatehouse", httpcaddyfile.After, "try_files")
	httpcaddyfile.RegisterGlobalOption("gatehouse", parseGatehouseOption)

	httpcaddyfile.RegisterHandlerDirective("api_auth", handlerDirective[APIAuth])
	httpcaddyfile.RegisterDirectiveOrder("api_auth", httpcaddyfile.After, "basic_auth")

	// Before forward_auth lands right after api_auth (anchored on
	// basic_auth), on a standard directive of its own.
	httpcaddyfile.RegisterHandlerDirective("abuse_control", handlerDirective[AbuseControl])
	httpcaddyfile.RegisterDirectiveOrder("abuse_control", httpcaddyfile.Before, "forward_auth")

	httpcaddyfile.RegisterHandlerDirective("access_control", handlerDirective[AccessControl])
	httpcaddyfile.RegisterDirectiveOrder("access_control", httpcaddyfile.Before, "request_header")
	httpcaddyfile.RegisterGlobalOption("access_policy", parseAccessPolicyOption)

	httpcaddyfile.RegisterHandlerDirective("response_redact", handlerDirective[ResponseRedact])
	httpcaddyfile.RegisterDirectiveOrder("response_redact", httpcaddyfile.After, "encode")

	// Before push (the standard directive after encode), so it lands after
	// response_redact whichever registers first.
	httpcaddyfile.RegisterHandlerDirective("api_contract", handlerDirective[APIContract])
	httpcaddyfile.RegisterDirectiveOrder("api_contract", httpcaddyfile.Before, "push")
}

// handlerDirective parses a handler directive whose module reads its own
// Caddyfile tokens (UnmarshalCaddyfile, which the module docs describe).
func handlerDirective[T any, PT interface {
	*T
	caddyfile.Unmarshaler
	caddyhttp.MiddlewareHandler
}](h httpcaddyfile.Helper) (caddyhttp.MiddlewareHandler, error) {
	m := PT(new(T))
	if err := m.UnmarshalCaddyfile(h.Dispenser); err != nil {
		return nil, err
	}
	return m, nil
}
