// Package crscorpus reads the OWASP CRS regression tests (go-ftw YAML files
// of the REQUEST-9xx rule files) into the raw requests go-ftw sends, with
// what each stage expects. The request filter's corpus replay and the CRS
// verdict tool (scripts/crs-oracle) share it, so that both see the same
// requests under the same ids.
package crscorpus

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Stage is one request of a test.
type Stage struct {
	// ID names the stage as rule-test-stage, e.g. "942100-3-0".
	ID string
	// RuleID is the CRS rule the test file is about.
	RuleID int
	// Attack is set when the stage expects rule ids to fire; Benign when
	// it only lists ids that must not fire. A stage with neither only
	// expects a status or an error.
	Attack, Benign bool
	// NoExpect lists the rules the stage says must not fire.
	NoExpect []int
	// Raw is the request as go-ftw writes it on the wire.
	Raw []byte
}

type file struct {
	RuleID int `yaml:"rule_id"`
	Tests  []struct {
		TestID any    `yaml:"test_id"`
		Stages []step `yaml:"stages"`
	} `yaml:"tests"`
}

type step struct {
	Input struct {
		Method         *string           `yaml:"method"`
		URI            *string           `yaml:"uri"`
		Version        *string           `yaml:"version"`
		Headers        map[string]string `yaml:"headers"`
		Data           string            `yaml:"data"`
		EncodedRequest string            `yaml:"encoded_request"`
		Autocomplete   *bool             `yaml:"autocomplete_headers"`
	} `yaml:"input"`
	Output struct {
		Log struct {
			ExpectIDs   []int `yaml:"expect_ids"`
			NoExpectIDs []int `yaml:"no_expect_ids"`
		} `yaml:"log"`
		// Older go-ftw spellings.
		LogContains   string `yaml:"log_contains"`
		NoLogContains string `yaml:"no_log_contains"`
	} `yaml:"output"`
}

// Load reads every request rule file under dir (the corpus's
// tests/regression/tests), skipping the scoring (949) and exception (999)
// files, in file order.
func Load(dir string) ([]Stage, error) {
	files, err := filepath.Glob(filepath.Join(dir, "REQUEST-9*", "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no REQUEST-9* test files under %s", dir)
	}
	sort.Strings(files)
	var out []Stage
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var cf file
		if err := yaml.Unmarshal(raw, &cf); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if cf.RuleID/1000 == 949 || cf.RuleID/1000 == 999 {
			continue
		}
		for _, tc := range cf.Tests {
			for si := range tc.Stages {
				s := &tc.Stages[si]
				o := &s.Output
				attack := len(o.Log.ExpectIDs) > 0 || o.LogContains != ""
				req, err := s.raw()
				if err != nil {
					return nil, fmt.Errorf("%s test %v: %w", f, tc.TestID, err)
				}
				out = append(out, Stage{
					ID:       fmt.Sprintf("%d-%v-%d", cf.RuleID, tc.TestID, si),
					RuleID:   cf.RuleID,
					Attack:   attack,
					Benign:   !attack && (len(o.Log.NoExpectIDs) > 0 || o.NoLogContains != ""),
					NoExpect: o.Log.NoExpectIDs,
					Raw:      req,
				})
			}
		}
	}
	return out, nil
}

// raw renders a stage's input as the bytes go-ftw writes: the encoded
// request when there is one, else the request line, the headers in name
// order and a Content-Length go-ftw adds unless told not to.
func (s *step) raw() ([]byte, error) {
	in := &s.Input
	if in.EncodedRequest != "" {
		return base64.StdEncoding.DecodeString(strings.ReplaceAll(in.EncodedRequest, "\n", ""))
	}
	method, uri, version := "GET", "/", "HTTP/1.1"
	if in.Method != nil {
		method = *in.Method
	}
	if in.URI != nil {
		uri = *in.URI
	}
	if in.Version != nil {
		version = *in.Version
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s\r\n", method, uri, version)
	names := make([]string, 0, len(in.Headers))
	for k := range in.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	hasCL := false
	for _, k := range names {
		fmt.Fprintf(&b, "%s: %s\r\n", k, in.Headers[k])
		hasCL = hasCL || strings.EqualFold(k, "Content-Length")
	}
	if (in.Autocomplete == nil || *in.Autocomplete) && !hasCL && in.Data != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(in.Data))
	}
	b.WriteString("\r\n")
	b.WriteString(in.Data)
	return b.Bytes(), nil
}
