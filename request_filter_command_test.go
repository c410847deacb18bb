package gatehouse

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-dev/caddy-gatehouse/filter"
)

const explainCaddyfile = `http://api.example.com {
	request_filter {
		deny_ips 203.0.113.0/24
		rule evil EVIL {
			targets query body
		}
	}
	respond "api"
}

http://shop.example.com {
	request_filter {
		detect_only
		rule evil EVIL
	}
	respond "shop"
}
`

// runExplain executes the explain command with args and returns its output.
func runExplain(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := explainCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestExplainCommand(t *testing.T) {
	dir := t.TempDir()
	caddyfile := filepath.Join(dir, "Caddyfile")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("Caddyfile", explainCaddyfile)
	single := write("single.json", `{"apps":{"http":{"servers":{"s":{"routes":[{"handle":[{"handler":"request_filter","threshold":3}]}]}}}}}`)
	apiAttack := write("api.http", "POST /search?q=EVIL HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nterm=EVIL")
	shopAttack := write("shop.http", "GET /?q=EVIL HTTP/1.1\nHost: shop.example.com:8080\n\n")
	clean := write("clean.http", "GET /?q=shoes HTTP/1.1\nHost: api.example.com\n\n")
	otherHost := write("other.http", "GET /?q=EVIL HTTP/1.1\nHost: other.example.com\n\n")
	broken := write("broken.http", "NOT A REQUEST\n")

	tests := []struct {
		name    string
		args    []string
		stdin   string
		want    []string // substrings of the output
		wantErr string
	}{
		{name: "block with every match", args: []string{"--config", caddyfile, apiAttack},
			want: []string{"decision: BLOCK (status 403)", "score:    5 (threshold 5; a rule that matches several times counts once, at its highest score)", "custom-evil", "query:q", "body:term", "hosts: api.example.com"}},
		{name: "site from Host, detect only", args: []string{"-c", caddyfile, shopAttack},
			want: []string{"decision: DETECT", "hosts: shop.example.com"}},
		{name: "pass", args: []string{"-c", caddyfile, clean}, want: []string{"decision: PASS", "matches:  none"}},
		{name: "client ip deny", args: []string{"-c", caddyfile, "--client-ip", "203.0.113.9", clean},
			want: []string{"decision: BLOCK", "ip-deny", "client_ip", "(blocks)"}},
		{name: "handler by index", args: []string{"-c", caddyfile, "--handler", "1", otherHost}, want: []string{"handler:  #1 "}},
		{name: "site flag", args: []string{"-c", caddyfile, "--site", "shop.example.com", otherHost}, want: []string{"decision: DETECT"}},
		{name: "stdin and JSON config", args: []string{"-c", single, "-"}, stdin: "GET /?q=1 HTTP/1.1\n\n", want: []string{"decision: PASS", "score:    0 (threshold 3)"}},
		{name: "ambiguous", args: []string{"-c", caddyfile, otherHost}, wantErr: "choose one with --handler"},
		{name: "index out of range", args: []string{"-c", caddyfile, "--handler", "5", clean}, wantErr: "only 2 request_filter handlers"},
		{name: "bad request file", args: []string{"-c", caddyfile, broken}, wantErr: "request line"},
		{name: "missing config flag", args: []string{clean}, wantErr: `"config" not set`},
		{name: "no handler", args: []string{"-c", write("empty.json", `{"apps":{}}`), clean}, wantErr: "no request_filter handler"},
		{name: "bad client ip", args: []string{"-c", caddyfile, "--client-ip", "nope", clean}, wantErr: "--client-ip"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runExplain(t, tc.stdin, tc.args...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q\n%s", err, tc.wantErr, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("explain: %v\n%s", err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}

	out, err := runExplain(t, "", "-c", caddyfile, "--json", apiAttack)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Decision filter.Decision `json:"decision"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if !res.Decision.Blocked || len(res.Decision.Matches) != 2 {
		t.Errorf("--json decision: %+v", res.Decision)
	}
}
