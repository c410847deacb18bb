// Command caddy is Caddy with every standard module and Gatehouse built in.
package main

import (
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	// Standard Caddy modules.
	_ "github.com/caddyserver/caddy/v2/modules/standard"

	// Gatehouse modules.
	_ "github.com/gatehouse-dev/caddy-gatehouse"
)

func main() {
	caddycmd.Main()
}
