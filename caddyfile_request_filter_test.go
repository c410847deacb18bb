package gatehouse

import (
	"reflect"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/gatehouse-dev/caddy-gatehouse/filter"
)

func TestRequestFilterUnmarshalCaddyfile(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  filter.Config
		err   string // substring of the error; "" for none
	}{
		{name: "bare", input: `request_filter`, want: filter.Config{}},
		{name: "empty block", input: `request_filter {
		}`, want: filter.Config{}},
		{name: "all options", input: `request_filter {
			threshold 7
			paranoia 2
			detect_only
			block_status 406
			disable_rules sqli-comment xss-*
			disable_rules ssrf-private
			allowed_methods GET POST
			max_uri_length 4096
			max_headers off
			max_header_size 8KiB
			max_args 100
			max_body_size 10MB
			inspect_body_limit 64KiB
			body_over_limit inspect_prefix
			max_json_depth 32
			allow_ips 10.0.0.0/8 192.0.2.1
			allow_ips_file /etc/allow.txt
			deny_ips 203.0.113.0/24
			deny_ips_file {env.DENY_FILE}
			redirect_hosts accounts.example.com
			redirect_hosts *.partner.example
			exclude {
				rules xss
				paths /cms/*
				targets body:content
			}
			rule no-debug ^debug$ {
				targets query_name
				score 3
			}
			rule bad-agent {
				pattern (?i)evilbot
				targets header:user-agent
				block
			}
		}`, want: filter.Config{
			Threshold: 7, Paranoia: 2, BlockStatus: 406,
			DisabledRules:  []string{"sqli-comment", "xss-*", "ssrf-private"},
			AllowedMethods: []string{"GET", "POST"},
			MaxURILength:   4096, MaxHeaders: -1, MaxHeaderSize: 8192, MaxArgs: 100,
			MaxBodySize: 10_000_000, InspectBodyLimit: 65536, BodyOverLimit: "inspect_prefix", MaxJSONDepth: 32,
			AllowIPs: []string{"10.0.0.0/8", "192.0.2.1"}, AllowIPsFile: "/etc/allow.txt",
			DenyIPs: []string{"203.0.113.0/24"}, DenyIPsFile: "{env.DENY_FILE}",
			RedirectHosts: []string{"accounts.example.com", "*.partner.example"},
			Exclusions:    []filter.Exclusion{{Rules: []string{"xss"}, Paths: []string{"/cms/*"}, Targets: []string{"body:content"}}},
			CustomRules: []filter.CustomRule{
				{ID: "no-debug", Pattern: "^debug$", Targets: []string{"query_name"}, Score: 3},
				{ID: "bad-agent", Pattern: "(?i)evilbot", Targets: []string{"header:user-agent"}, Block: true},
			},
		}},
		{name: "inspection off", input: `request_filter {
			inspect_body_limit off
			max_body_size off
		}`, want: filter.Config{InspectBodyLimit: -1}},
		{name: "argument on directive", input: `request_filter strict`, err: "wrong argument count"},
		{name: "unknown subdirective", input: `request_filter {
			paranoid 2
		}`, err: `unrecognized subdirective "paranoid"`},
		{name: "bad integer", input: `request_filter {
			threshold high
		}`, err: "not an integer"},
		{name: "missing argument", input: `request_filter {
			paranoia
		}`, err: "wrong argument count"},
		{name: "bad size", input: `request_filter {
			inspect_body_limit lots
		}`, err: "invalid size"},
		{name: "zero count", input: `request_filter {
			max_args 0
		}`, err: "positive integer"},
		{name: "empty list", input: `request_filter {
			deny_ips
		}`, err: "wrong argument count"},
		{name: "redirect host with a scheme", input: `request_filter {
			redirect_hosts https://accounts.example.com
		}`, err: "want a host name"},
		{name: "empty exclusion", input: `request_filter {
			exclude {
			}
		}`, err: "at least one of"},
		{name: "unknown exclusion key", input: `request_filter {
			exclude {
				params q
			}
		}`, err: `unrecognized subdirective "params"`},
		{name: "rule without pattern", input: `request_filter {
			rule x {
				score 2
			}
		}`, err: "missing pattern"},
		{name: "rule without id", input: `request_filter {
			rule
		}`, err: "wrong argument count"},
		{name: "unknown rule key", input: `request_filter {
			rule x y {
				weight 2
			}
		}`, err: `unrecognized subdirective "weight"`},
		{name: "detect_only with argument", input: `request_filter {
			detect_only yes
		}`, err: "wrong argument count"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rf RequestFilter
			err := rf.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tc.input))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				if !strings.Contains(err.Error(), "Testfile:") {
					t.Errorf("error %q does not say where", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rf.Config, tc.want) {
				t.Errorf("config\n got %+v\nwant %+v", rf.Config, tc.want)
			}
		})
	}
}
