package gatehouse

import (
	_ "github.com/caddyserver/caddy/v2/caddytest"
	_ "github.com/prometheus/client_golang/prometheus/testutil"
)
