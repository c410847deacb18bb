package contract

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// nameMatcher is a compiled patternProperties pattern. Its usual shapes
// (^prefix, a literal, ^name$) are matched without the regular expression
// engine, which costs a hundred nanoseconds or more per member name.
type nameMatcher struct {
	re   *regexp.Regexp
	kind uint8
	lit  string // the literal of matchPrefix, matchContains, matchExact; the prefix every match starts with for matchRegexp
}

const (
	matchRegexp   uint8 = iota // re; lit, when set, is a prefix a name must have
	matchPrefix                // ^lit
	matchContains              // lit
	matchExact                 // ^lit$
)

func newNameMatcher(re *regexp.Regexp) *nameMatcher {
	m := &nameMatcher{re: re}
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return m
	}
	t = t.Simplify()
	lit := func(t *syntax.Regexp) (string, bool) {
		if t.Op != syntax.OpLiteral || t.Flags&syntax.FoldCase != 0 {
			return "", false
		}
		return string(t.Rune), true
	}
	if l, ok := lit(t); ok {
		m.kind, m.lit = matchContains, l
		return m
	}
	if t.Op != syntax.OpConcat || len(t.Sub) < 2 || t.Sub[0].Op != syntax.OpBeginText {
		return m
	}
	l, ok := lit(t.Sub[1])
	switch {
	case !ok:
	case len(t.Sub) == 2:
		m.kind, m.lit = matchPrefix, l
	case len(t.Sub) == 3 && t.Sub[2].Op == syntax.OpEndText:
		m.kind, m.lit = matchExact, l
	default:
		m.lit = l // anchored: a name without the prefix cannot match
	}
	return m
}

func (m *nameMatcher) matchString(name string) bool {
	switch m.kind {
	case matchPrefix:
		return strings.HasPrefix(name, m.lit)
	case matchContains:
		return strings.Contains(name, m.lit)
	case matchExact:
		return name == m.lit
	}
	if m.lit != "" && !strings.HasPrefix(name, m.lit) {
		return false
	}
	return m.re.MatchString(name)
}

// match is matchString for a name the stripper holds as bytes.
func (m *nameMatcher) match(name []byte) bool {
	switch m.kind {
	case matchPrefix:
		return len(name) >= len(m.lit) && string(name[:len(m.lit)]) == m.lit
	case matchContains:
		return strings.Contains(string(name), m.lit) // no copy: the conversion does not escape
	case matchExact:
		return string(name) == m.lit
	}
	if m.lit != "" && (len(name) < len(m.lit) || string(name[:len(m.lit)]) != m.lit) {
		return false
	}
	return m.re.Match(name)
}

func (m *nameMatcher) String() string { return m.re.String() }
