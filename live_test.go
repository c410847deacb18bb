package gatehouse

// liveGlobalsOpen opens the global options block that every live Caddy test
// starts with: caddytest's admin endpoint and ports, and nothing that needs
// root or TLS. Tests that add global options of their own (access_policy …)
// append them and close the block; the others use liveGlobals.
const liveGlobalsOpen = `{
	admin localhost:2999
	http_port 9080
	https_port 9443
	grace_period 1ns
	skip_install_trust
`

// liveGlobals is the complete global options block of the live tests.
const liveGlobals = liveGlobalsOpen + "}\n"
