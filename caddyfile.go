package gatehouse

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
)

// The Caddyfile surface of Gatehouse: every directive, global option and the
// place of each directive in Caddy's handler order, in one file, so the
// order of the chain is readable at a glance.
//
// With Caddy's standard order the chain runs:
//
//	try_files → gatehouse → request_filter → basic_auth → api_auth → forward_auth →
//	access_control → request_header → encode → response_redact → … →
//	reverse_proxy
//
// request_filter rejects hostile input before any credential is parsed;
// api_auth establishes the identity that access_control decides on;
// response_redact sits inside encode, so encode compresses the masked body.
// A `route` block overrides this order where a site needs another one.
func init() {
	httpcaddyfile.RegisterHandlerDirective("request_filter", parseRequestFilter)
	httpcaddyfile.RegisterDirectiveOrder("request_filter", httpcaddyfile.After, "try_files")

	// The site-wide monitor switch runs before every module so that each
	// sees it: placed after try_files once request_filter is, it lands
	// between the two. (Orders can only be relative to standard directives.)
	httpcaddyfile.RegisterHandlerDirective("gatehouse", parseGatehouse)
	httpcaddyfile.RegisterDirectiveOrder("gatehouse", httpcaddyfile.After, "try_files")
	httpcaddyfile.RegisterGlobalOption("gatehouse", parseGatehouseOption)

	httpcaddyfile.RegisterHandlerDirective("api_auth", parseAPIAuth)
	httpcaddyfile.RegisterDirectiveOrder("api_auth", httpcaddyfile.After, "basic_auth")

	httpcaddyfile.RegisterHandlerDirective("access_control", parseAccessControl)
	httpcaddyfile.RegisterDirectiveOrder("access_control", httpcaddyfile.Before, "request_header")
	httpcaddyfile.RegisterGlobalOption("access_policy", parseAccessPolicyOption)

	httpcaddyfile.RegisterHandlerDirective("response_redact", parseResponseRedact)
	httpcaddyfile.RegisterDirectiveOrder("response_redact", httpcaddyfile.After, "encode")
}
