package gatehouse

import (
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func TestAPIContractCaddyfile(t *testing.T) {
	tests := []struct {
		name, input, err string
		check            func(*APIContract) bool
	}{
		{"inline spec", `api_contract api.yaml`, "", func(h *APIContract) bool { return h.Spec == "api.yaml" }},
		{"block", "api_contract {\n spec api.yaml\n base_path /\n unknown_paths pass /legacy /old\n unknown_paths reject\n reject_unknown_properties\n max_body_size 2MB\n on_mismatch reject\n monitor off\n}", "",
			func(h *APIContract) bool {
				return h.Spec == "api.yaml" && *h.BasePath == "" && len(h.UnknownPaths) == 3 && h.UnknownPaths[0].Prefix == "/legacy" &&
					h.UnknownPaths[2].Prefix == "" && h.RejectUnknownProperties && h.MaxBodySize == 2_000_000 && h.OnMismatch == "reject" && !*h.Monitor
			}},
		{"no spec", "api_contract {\n}", "spec) is required", nil},
		{"spec twice", "api_contract a.yaml {\n spec b.yaml\n}", "given twice", nil},
		{"bad action", "api_contract a.yaml {\n unknown_paths allow\n}", "expected reject or pass", nil},
		{"bad prefix", "api_contract a.yaml {\n unknown_paths pass legacy\n}", "must begin with /", nil},
		{"bad responses", "api_contract a.yaml {\n responses maybe\n}", "responses: expected one of", nil},
		{"unknown", "api_contract a.yaml {\n strict\n}", `unrecognized subdirective "strict"`, nil},
		{"repeated", "api_contract a.yaml {\n realm a\n realm b\n}", "given twice", nil},
		{"bad size", "api_contract a.yaml {\n max_body_size lots\n}", "invalid size", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := new(APIContract)
			err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tt.input))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				if !strings.Contains(err.Error(), "Testfile:") {
					t.Fatalf("error %v does not name file:line", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(h) {
				t.Fatalf("parsed %+v", h)
			}
		})
	}
}
