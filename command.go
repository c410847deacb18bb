package gatehouse

import (
	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "gatehouse",
		Usage: "token|hash-key|explain [flags]",
		Short: "Gatehouse helpers: mint demo tokens, hash API keys, explain filter decisions",
		Long: `
Helpers for operating Gatehouse:

  caddy gatehouse token     mints a signed JWT (for the example and for tests)
  caddy gatehouse hash-key  prints the stored hash of an API key, or generates a key
  caddy gatehouse explain   runs a raw HTTP request file through request_filter
                            with a config's settings and prints why it would be
                            blocked or passed

Run 'caddy gatehouse <command> --help' for the flags of each.`,
		CobraFunc: func(cmd *cobra.Command) {
			cmd.AddCommand(tokenCommand(), hashKeyCommand(), explainCommand())
		},
	})
}
