package gatehouse

import (
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
)

// TestGatehouseCaddyfileErrors: a wrong switch value is refused with the
// file and line.
func TestGatehouseCaddyfileErrors(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"directive without mode", "http://x {\n\tgatehouse\n}", "expected monitor or enforce"},
		{"directive with a typo", "http://x {\n\tgatehouse monitr\n}", `got "monitr"`},
		{"module monitor value", "http://x {\n\trequest_filter {\n\t\tmonitor maybe\n\t}\n}", "expected on or off"},
		{"global rate", "{\n\tgatehouse {\n\t\tdecision_log_rate 0\n\t}\n}\nhttp://x {\n}", "decision_log_rate"},
		{"global unknown", "{\n\tgatehouse {\n\t\tshadow\n\t}\n}\nhttp://x {\n}", `unrecognized option "shadow"`},
		{"api_auth log_rate", "http://x {\n\tapi_auth {\n\t\tlog_rate -3\n\t}\n}", "log_rate"},
	}
	for _, tc := range tests {
		_, _, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(tc.input), map[string]any{"filename": "Caddyfile"})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Caddyfile:") {
			t.Errorf("%s: error %v, want one containing %q and the file:line", tc.name, err, tc.want)
		}
	}
}
