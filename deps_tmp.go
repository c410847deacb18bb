package gatehouse

// Temporary: keeps go mod tidy from dropping modules the engines are about to use.
import (
	_ "github.com/andybalholm/brotli"
	_ "github.com/caddyserver/caddy/v2"
	_ "github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	_ "github.com/caddyserver/caddy/v2/modules/caddyhttp"
	_ "github.com/caddyserver/caddy/v2/cmd"
	_ "github.com/corazawaf/libinjection-go"
	_ "github.com/dustin/go-humanize"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/klauspost/compress/gzip"
	_ "github.com/klauspost/compress/zstd"
	_ "github.com/klauspost/compress/flate"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/spf13/cobra"
	_ "go.uber.org/zap"
)
