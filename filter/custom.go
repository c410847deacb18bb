package filter

import (
	"fmt"
	"regexp"
	"strings"
)

// customRule is a compiled CustomRule.
type customRule struct {
	rule    string // "custom-<id>"
	re      *regexp.Regexp
	targets []selector
	score   int
	block   bool
}

// selector picks the values of one target, optionally of one name.
type selector struct {
	t    target
	name string // "" for every name
}

// allTargets are the targets of a rule that names none.
var allTargets = []target{tPath, tURI, tMethod, tQuery, tQueryName, tHeader, tHeaderName, tCookie,
	tCookieName, tBody, tBodyName, tFileName, tFileType, tBodyRaw}

// targetAliases are accepted spellings of target names besides targetNames.
var targetAliases = map[string]target{
	"args": tQuery, "query_value": tQuery, "headers": tHeader, "cookies": tCookie,
	"body_value": tBody, "remote_ip": tClientIP, "ip": tClientIP,
}

// parseTarget parses "query", "header:user-agent", ...
func parseTarget(s string) (target, string, error) {
	kind, name, _ := strings.Cut(s, ":")
	kind = strings.ToLower(strings.TrimSpace(kind))
	for t, n := range targetNames {
		if n == kind {
			return target(t), normName(target(t), name), nil
		}
	}
	if t, ok := targetAliases[kind]; ok {
		return t, normName(t, name), nil
	}
	return 0, "", fmt.Errorf("unknown target %q (want one of %s)", s, strings.Join(targetNames[:], ", "))
}

func normName(t target, name string) string {
	if t == tHeader || t == tHeaderName {
		return strings.ToLower(name)
	}
	return name
}

func compileCustomRule(cr CustomRule, threshold int) (*customRule, error) {
	re, err := regexp.Compile(cr.Pattern)
	if err != nil {
		return nil, fmt.Errorf("custom rule %q: %w", cr.ID, err)
	}
	c := &customRule{rule: "custom-" + cr.ID, re: re, score: cr.Score, block: cr.Block}
	if c.score == 0 {
		c.score = threshold
	}
	for _, ts := range cr.Targets {
		t, name, err := parseTarget(ts)
		if err != nil {
			return nil, fmt.Errorf("custom rule %q: %w", cr.ID, err)
		}
		c.targets = append(c.targets, selector{t: t, name: name})
	}
	if len(c.targets) == 0 {
		for _, t := range allTargets {
			c.targets = append(c.targets, selector{t: t})
		}
	}
	return c, nil
}

// applies reports whether the rule looks at values of target t named name.
func (c *customRule) applies(t target, name string) bool {
	for _, s := range c.targets {
		if s.t != t {
			continue
		}
		if s.name == "" || s.name == name || (t == tHeader || t == tHeaderName) && strings.EqualFold(s.name, name) {
			return true
		}
	}
	return false
}
