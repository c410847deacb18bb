package gatehouse

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func TestResponseRedactUnmarshalCaddyfile(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		want    string // JSON of the parsed module; "" = don't compare
		wantErr string // substring of the error
	}{
		{
			name:  "bare",
			input: `response_redact`,
			want:  `{}`,
		},
		{
			name:  "phone regions and monitor",
			input: "response_redact {\n phone_regions GB de\n phone_regions JP\n monitor\n log_rate 5\n}",
			want:  `{"phone_regions":["GB","de","JP"],"monitor":true,"log_rate":5}`,
		},
		{
			name:    "phone regions need one",
			input:   "response_redact {\n phone_regions\n}",
			wantErr: "phone_regions",
		},
		{
			name: "everything",
			input: `response_redact {
				detectors credit_card email jwt
				disable phone
				ip_addresses
				field password remove
				field users[*].card.number mask keep_last 4
				field *.ssn
				style label
				style_for credit_card mask char X keep_first 6 keep_last 4
				style_for email hmac MAIL
				custom employee_id "EMP-[0-9]{6}"
				custom acct "\b[0-9]{12}\b" luhn
				window 16KiB
				hmac_key {env.REDACT_KEY}
				content_types application/json +json text/*
				statuses 2xx 404
				max_size 8MB
				on_limit pass
				error_pages replace
				error_page_max_size 32KiB
				remove_headers X-Internal-*
				keep_headers Server
				mask_headers X-User-Email
				header_mask_with ***
				scan_headers Location X-User-*
			}`,
			want: `{"detectors":["credit_card","email","jwt"],"disable":["phone"],"ip_addresses":true,` +
				`"fields":[{"path":"password","style":{"kind":"remove"}},{"path":"users[*].card.number","style":{"kind":"mask","keep_last":4}},{"path":"*.ssn"}],` +
				`"style":{"kind":"label"},` +
				`"styles":{"credit_card":{"kind":"mask","char":"X","keep_first":6,"keep_last":4},"email":{"kind":"hmac","label":"MAIL"}},` +
				`"custom":[{"name":"employee_id","pattern":"EMP-[0-9]{6}"},{"name":"acct","pattern":"\\b[0-9]{12}\\b","validator":"luhn"}],` +
				`"window_bytes":16384,"hmac_key":"{env.REDACT_KEY}",` +
				`"max_size":8000000,"on_limit":"pass","error_pages":"replace","error_page_max_size":32768,` +
				`"content_types":["application/json","+json","text/*"],"statuses":["2xx","404"],` +
				`"headers":{"remove":["X-Internal-*"],"keep":["Server"],"mask":["X-User-Email"],"mask_with":"***","scan":["Location","X-User-*"]}}`,
		},
		{
			name:  "keep default headers, replace style",
			input: "response_redact {\n keep_default_headers\n style replace \"[hidden]\"\n}",
			want:  `{"style":{"kind":"replace","replacement":"[hidden]"},"headers":{"keep_defaults":true}}`,
		},
		{name: "argument on directive", input: `response_redact foo`, wantErr: "wrong argument count"},
		{
			name:  "url headers off, cookies, sniff off",
			input: "response_redact {\n url_headers off\n mask_cookies session_token refresh\n mask_cookies auth_*\n sniff off\n}",
			want:  `{"url_headers":"off","mask_cookies":["session_token","refresh","auth_*"],"sniff":"off"}`,
		},
		{
			name:  "url headers scan, sniff json",
			input: "response_redact {\n url_headers scan\n sniff json\n}",
			want:  `{"url_headers":"scan","sniff":"json"}`,
		},
		{
			name:  "flush delay",
			input: "response_redact {\n flush_delay 10ms\n}",
			want:  `{"flush_delay":10000000}`,
		},
		{
			name:  "flush delay off",
			input: "response_redact {\n flush_delay off\n}",
			want:  `{"flush_delay":-1}`,
		},
		{name: "flush delay bad value", input: "response_redact {\n flush_delay soon\n}", wantErr: `flush_delay must be a positive duration or off, not "soon"`},
		{name: "flush delay negative", input: "response_redact {\n flush_delay -5ms\n}", wantErr: `flush_delay must be a positive duration or off`},
		{name: "flush delay twice", input: "response_redact {\n flush_delay 1ms\n flush_delay 2ms\n}", wantErr: "flush_delay given twice"},
		{name: "url_headers bad value", input: "response_redact {\n url_headers mask\n}", wantErr: `url_headers must be scan or off, not "mask"`},
		{name: "url_headers twice", input: "response_redact {\n url_headers off\n url_headers scan\n}", wantErr: "url_headers given twice"},
		{name: "url_headers extra arg", input: "response_redact {\n url_headers off on\n}", wantErr: "wrong argument count"},
		{name: "mask_cookies without names", input: "response_redact {\n mask_cookies\n}", wantErr: "wrong argument count"},
		{name: "mask_cookies bad name", input: "response_redact {\n mask_cookies a;b\n}", wantErr: `invalid cookie name "a;b"`},
		{name: "sniff bad value", input: "response_redact {\n sniff text\n}", wantErr: `sniff must be json or off, not "text"`},
		{name: "sniff without value", input: "response_redact {\n sniff\n}", wantErr: "wrong argument count"},
		{name: "scan_headers without names", input: "response_redact {\n scan_headers\n}", wantErr: "wrong argument count"},
		{name: "scan_headers bad name", input: "response_redact {\n scan_headers Bad:Name\n}", wantErr: `invalid header name "Bad:Name"`},
		{name: "unknown subdirective", input: "response_redact {\n mask_everything\n}", wantErr: `unrecognized subdirective "mask_everything"`},
		{name: "bad size", input: "response_redact {\n max_size lots\n}", wantErr: `invalid size "lots"`},
		{name: "zero size", input: "response_redact {\n max_size 0\n}", wantErr: `invalid size "0"`},
		{name: "size extra arg", input: "response_redact {\n max_size 1MB 2MB\n}", wantErr: "wrong argument count"},
		{name: "on_limit value", input: "response_redact {\n on_limit drop\n}", wantErr: `on_limit must be fail or pass, not "drop"`},
		{name: "error_pages value", input: "response_redact {\n error_pages hide\n}", wantErr: `error_pages must be detect, replace or off`},
		{name: "style kind", input: "response_redact {\n style blur\n}", wantErr: `unknown style "blur"`},
		{name: "mask option", input: "response_redact {\n style mask keep_middle 2\n}", wantErr: `unknown mask option "keep_middle"`},
		{name: "mask option value", input: "response_redact {\n style mask keep_last\n}", wantErr: `mask option "keep_last" needs a value`},
		{name: "mask char", input: "response_redact {\n style mask char ab\n}", wantErr: "mask char must be one printable ASCII character"},
		{name: "keep_last range", input: "response_redact {\n style mask keep_last -1\n}", wantErr: "keep_last must be a number from 0 to 64"},
		{name: "remove takes nothing", input: "response_redact {\n field password remove now\n}", wantErr: "wrong argument count"},
		{name: "field needs path", input: "response_redact {\n field\n}", wantErr: "wrong argument count"},
		{name: "custom needs pattern", input: "response_redact {\n custom only_name\n}", wantErr: "wrong argument count"},
		{name: "style_for twice", input: "response_redact {\n style_for email label\n style_for email remove\n}", wantErr: "style_for email given twice"},
		{name: "single option twice", input: "response_redact {\n max_size 1MB\n max_size 2MB\n}", wantErr: "max_size given twice"},
		{name: "bad content type", input: "response_redact {\n content_types json\n}", wantErr: `"json" is not a media type`},
		{name: "bad status", input: "response_redact {\n statuses 6xx\n}", wantErr: `"6xx" is not a status code`},
		{name: "bad header name", input: "response_redact {\n remove_headers \"X Bad\"\n}", wantErr: "invalid header name"},
		{name: "empty list", input: "response_redact {\n detectors\n}", wantErr: "wrong argument count"},
		{name: "ip_addresses takes nothing", input: "response_redact {\n ip_addresses yes\n}", wantErr: "wrong argument count"},
		{name: "unknown detector", input: "response_redact {\n detectors credit_card visa\n}", wantErr: `unknown detector "visa"`},
		{name: "bad custom pattern", input: "response_redact {\n custom ref \"ref-(\"\n}", wantErr: "compiling pattern"},
		{name: "hmac without key", input: "response_redact {\n style_for email hmac\n}", wantErr: "needs hmac_key"},
		{name: "style_for unknown detector", input: "response_redact {\n style_for visa label\n}", wantErr: `unknown detector "visa"`},
		{name: "hmac label with quote", input: "response_redact {\n hmac_key k\n style hmac 'A\"B'\n}", wantErr: "quotes, backslashes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h ResponseRedact
			err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tt.input))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "Testfile:") {
					t.Errorf("error %q carries no file:line", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(&h)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("parsed\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestResponseRedactCaddyfileProvisions: what the Caddyfile produces loads
// through Caddy's strict JSON decoding and provisions with the real engine
// (custom patterns, styles, the {env.*} HMAC key).
func TestResponseRedactCaddyfileProvisions(t *testing.T) {
	t.Setenv("GATEHOUSE_TEST_REDACT_KEY", "0123456789abcdef0123456789abcdef")
	input := `response_redact {
		field password remove
		field users[*].card.number mask keep_last 4
		style_for email hmac
		custom employee_id "EMP-[0-9]{6}"
		hmac_key {env.GATEHOUSE_TEST_REDACT_KEY}
		content_types application/json +json text/*
		statuses 2xx 4xx
		max_size 1MiB
		mask_headers X-User-Email
	}`
	var parsed ResponseRedact
	if err := parsed.UnmarshalCaddyfile(caddyfile.NewTestDispenser(input)); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(&parsed)
	if err != nil {
		t.Fatal(err)
	}
	var h ResponseRedact
	if err := caddy.StrictUnmarshalJSON(raw, &h); err != nil {
		t.Fatalf("strict decode of %s: %v", raw, err)
	}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	if err := h.Provision(ctx); err != nil {
		t.Fatalf("provision: %v", err)
	}
	if err := h.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if h.HMACKey != "{env.GATEHOUSE_TEST_REDACT_KEY}" {
		t.Errorf("the resolved key was written back into the config: %q", h.HMACKey)
	}
	h.logger = zap.NewNop()
	body := []byte(`{"users":[{"card":{"number":"4111111111111111"},"password":"hunter2","id":"EMP-123456","email":"bob@example.com"}]}`)
	res := serve(&h, http.MethodGet, &upstream{header: jsonHeader(), body: body}, nil)
	got := res.rec.Body.String()
	if res.err != nil || containsAny(got, "hunter2", "EMP-123456", "bob@example.com", "4111111111111111") || !strings.Contains(got, "1111") {
		t.Errorf("err %v, body %s", res.err, got)
	}
}
