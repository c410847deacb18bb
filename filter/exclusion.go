package filter

import "strings"

// pattern is an exact string or, with a trailing "*", a prefix.
type pattern struct {
	s      string
	prefix bool
	fold   bool // compare case-insensitively
}

func newPattern(s string, fold bool) pattern {
	if strings.HasSuffix(s, "*") {
		return pattern{s: strings.TrimSuffix(s, "*"), prefix: true, fold: fold}
	}
	return pattern{s: s, fold: fold}
}

func (p pattern) match(v string) bool {
	if p.prefix {
		if len(v) < len(p.s) {
			return false
		}
		v = v[:len(p.s)]
	}
	if p.fold {
		return strings.EqualFold(v, p.s)
	}
	return v == p.s
}

// ruleSet is a set of rule ids, with prefix patterns.
type ruleSet struct {
	exact    map[string]bool
	prefixes []string
}

func newRuleSet(ids []string) ruleSet {
	rs := ruleSet{exact: map[string]bool{}}
	for _, id := range ids {
		if p, ok := strings.CutSuffix(id, "*"); ok {
			rs.prefixes = append(rs.prefixes, p)
		} else {
			rs.exact[id] = true
		}
	}
	return rs
}

func (rs ruleSet) has(id string) bool {
	if rs.exact[id] {
		return true
	}
	for _, p := range rs.prefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// exclusion is a compiled Exclusion.
type exclusion struct {
	rules   []pattern // rule ids or categories
	paths   []pattern
	targets []pattern
}

func compileExclusion(x Exclusion) exclusion {
	var ex exclusion
	for _, r := range x.Rules {
		ex.rules = append(ex.rules, newPattern(r, false))
	}
	for _, p := range x.Paths {
		ex.paths = append(ex.paths, newPattern(p, false))
	}
	for _, t := range x.Targets {
		// Header names are case-insensitive; other names are not.
		fold := strings.HasPrefix(strings.ToLower(t), "header")
		ex.targets = append(ex.targets, newPattern(t, fold))
	}
	return ex
}

// covers reports whether the exclusion drops m, found on cleanPath.
func (ex *exclusion) covers(m Match, cleanPath string) bool {
	return matchAny(ex.rules, m.Rule, string(m.Category)) &&
		matchAny(ex.paths, cleanPath, "") &&
		matchAny(ex.targets, m.Location, "")
}

// matchAny reports whether a pattern matches a or (when not empty) b; an
// empty pattern list matches everything.
func matchAny(ps []pattern, a, b string) bool {
	if len(ps) == 0 {
		return true
	}
	for _, p := range ps {
		if p.match(a) || b != "" && p.match(b) {
			return true
		}
	}
	return false
}
