// Command crs-oracle replays the OWASP CRS regression tests through the OWASP
// Core Rule Set itself (Coraza's embedded copy, at default settings) and
// prints, for every stage, the lowest paranoia level at which the rule set
// scores it up to the inbound anomaly threshold (5, one critical rule): 1 to
// 4, or 0 when it never does.
//
// A CRS test only says whether one rule fires. Whether the request is an
// attack a deployment blocks is the rule set's verdict as a whole: a stage
// that expects a notice-level rule may never be blocked, and a negative
// stage of one rule (no_expect_ids) is often an attack that sibling rules
// block. The request filter's replay (filter/crs_corpus_test.go) uses these
// verdicts to tell attacks from benign look-alikes.
//
// Stages of the attack rule files are scored on the attack rules alone
// (913 and 930 to 944): the protocol rules add points for test-harness
// traits such as a POST without Content-Type, which would otherwise turn a
// benign sentence into a blocked request. Stages of the method, protocol and
// multipart files are scored on every rule, as CRS does. A rule a stage
// says must not fire is left out of its score: the corpus may be newer than
// the embedded rule set, and a rule it has since narrowed would otherwise
// turn its own benign test into an attack.
//
//	cd scripts/crs-oracle && go run . ../../../shared/corpora/crs-regression > ../../filter/testdata/crs-verdicts.tsv
//
// It lives in a module of its own so that Coraza stays out of Gatehouse's
// dependencies.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
	"github.com/corazawaf/coraza/v3/types"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/crscorpus"
)

// debugID names a stage whose scoring rules are written to stderr
// (CRS_ORACLE_DEBUG=942100-1-0).
var debugID = os.Getenv("CRS_ORACLE_DEBUG")

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: crs-oracle CORPUS_DIR > filter/testdata/crs-verdicts.tsv")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "crs-oracle:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	stages, err := crscorpus.Load(filepath.Join(dir, "tests", "regression", "tests"))
	if err != nil {
		return err
	}
	var wafs [5]coraza.WAF
	for pl := 1; pl <= 4; pl++ {
		if wafs[pl], err = newWAF(pl); err != nil {
			return fmt.Errorf("paranoia %d: %w", pl, err)
		}
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "# Lowest CRS paranoia level that blocks each stage of the CRS regression tests (0: none).\n")
	fmt.Fprintf(w, "# %s under %s, default crs-setup, attack rules only for the attack files; made by scripts/crs-oracle.\n", version("github.com/corazawaf/coraza-coreruleset/v4"), version("github.com/corazawaf/coraza/v3"))
	for _, s := range stages {
		level := 0
		for pl := 1; pl <= 4 && level == 0; pl++ {
			blocked, err := blocks(wafs[pl], &s)
			if err != nil {
				level = -1 // the request cannot be parsed: a server refuses it
				break
			}
			if blocked {
				level = pl
			}
		}
		fmt.Fprintf(w, "%s\t%d\n", s.ID, level)
	}
	return w.Flush()
}

func newWAF(pl int) (coraza.WAF, error) {
	return coraza.NewWAF(coraza.NewWAFConfig().
		WithRootFS(coreruleset.FS).
		WithDirectives(fmt.Sprintf(`Include @coraza.conf-recommended
Include @crs-setup.conf.example
SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=%d,setvar:tx.detection_paranoia_level=%d"
Include @owasp_crs/*.conf
SecRuleEngine DetectionOnly`, pl, pl)))
}

// protocolFile reports whether a rule's test file is about HTTP hygiene
// (methods, protocol, multipart headers) rather than an attack class.
func protocolFile(ruleID int) bool {
	switch ruleID / 1000 {
	case 911, 920, 921, 922:
		return true
	}
	return false
}

// points is what a rule of a severity adds to CRS's inbound anomaly score
// (crs-setup's defaults).
func points(s types.RuleSeverity) int {
	switch s {
	case types.RuleSeverityCritical:
		return 5
	case types.RuleSeverityError:
		return 4
	case types.RuleSeverityWarning:
		return 3
	case types.RuleSeverityNotice:
		return 2
	}
	return 0
}

// blocks runs one stage through waf and reports whether its rules score it
// up to the threshold.
func blocks(waf coraza.WAF, s *crscorpus.Stage) (bool, error) {
	withProtocol := protocolFile(s.RuleID)
	head, body, ok := bytes.Cut(s.Raw, []byte("\r\n\r\n"))
	if !ok {
		head, body, _ = bytes.Cut(s.Raw, []byte("\n\n"))
	}
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	parts := strings.Fields(lines[0])
	if len(parts) < 2 {
		return false, fmt.Errorf("request line %q", lines[0])
	}
	proto := "HTTP/1.1"
	if len(parts) > 2 {
		proto = parts[2]
	}
	tx := waf.NewTransaction()
	defer tx.Close()
	tx.ProcessConnection("192.0.2.10", 40000, "127.0.0.1", 80)
	tx.ProcessURI(parts[1], parts[0], proto)
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		tx.AddRequestHeader(name, value)
		if strings.EqualFold(name, "Host") {
			tx.SetServerName(value)
		}
	}
	tx.ProcessRequestHeaders()
	if _, _, err := tx.WriteRequestBody(body); err != nil {
		return false, err
	}
	if _, err := tx.ProcessRequestBody(); err != nil {
		return false, err
	}
	score := 0
	for _, m := range tx.MatchedRules() {
		r := m.Rule()
		id := r.ID()
		if id < 911000 || id >= 945000 || !withProtocol && id < 930000 && id/1000 != 913 || slices.Contains(s.NoExpect, id) {
			continue
		}
		score += points(r.Severity())
		if debugID != "" && s.ID == debugID {
			fmt.Fprintf(os.Stderr, "%s: rule %d severity %d\n", s.ID, id, r.Severity())
		}
	}
	return score >= 5, nil
}

// version names a dependency as built in.
func version(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				return path + " " + d.Version
			}
		}
	}
	return path
}
