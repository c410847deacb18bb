package redact

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Field path segments.
const (
	segKey    = iota // a literal key (lower case)
	segAnyKey        // '*'
	segArr           // "[*]"
)

type pathSeg struct {
	kind int
	key  string
}

type fieldRule struct {
	segs     []pathSeg
	anchored bool
	style    style
	remove   bool
}

func (r *Redactor) compileFields(cfg Config) error {
	base := Style{}
	if cfg.Style != nil {
		base = *cfg.Style
	}
	r.rulesByKey = make(map[string][]int)
	for i, fr := range cfg.Fields {
		segs, anchored, err := parseFieldPath(fr.Path)
		if err != nil {
			return fmt.Errorf("fields[%d] %q: %w", i, fr.Path, err)
		}
		st := base
		if fr.Style != nil {
			st = *fr.Style
		}
		label := "REDACTED"
		for k := len(segs) - 1; k >= 0; k-- {
			if segs[k].kind == segKey {
				label = strings.ToUpper(segs[k].key)
				break
			}
		}
		cs, err := compileStyle(st, label, false, r.hmac)
		if err != nil {
			return fmt.Errorf("fields[%d] %q: %w", i, fr.Path, err)
		}
		rule := fieldRule{segs: segs, anchored: anchored, style: cs, remove: cs.kind == kRemove}
		r.rules = append(r.rules, rule)
		r.hasRemove = r.hasRemove || rule.remove
		last := segs[len(segs)-1]
		switch last.kind {
		case segKey:
			r.rulesByKey[last.key] = append(r.rulesByKey[last.key], i)
		case segAnyKey:
			r.rulesWild = append(r.rulesWild, i)
		case segArr:
			r.rulesArr = append(r.rulesArr, i)
		}
	}
	return nil
}

// parseFieldPath parses "a.b[*].c", "*.ssn", "$.token", "[*].id".
func parseFieldPath(p string) ([]pathSeg, bool, error) {
	anchored := false
	if rest, ok := strings.CutPrefix(p, "$"); ok {
		anchored = true
		p = strings.TrimPrefix(rest, ".")
	}
	if p == "" {
		return nil, false, errors.New("empty path")
	}
	var segs []pathSeg
	for _, part := range strings.Split(p, ".") {
		name, arrs := part, 0
		for strings.HasSuffix(name, "[*]") {
			name = strings.TrimSuffix(name, "[*]")
			arrs++
		}
		if strings.ContainsAny(name, "[]") {
			return nil, false, fmt.Errorf("segment %q: only [*] is supported for arrays", part)
		}
		switch {
		case name == "" && arrs == 0:
			return nil, false, errors.New("empty segment")
		case name == "*":
			segs = append(segs, pathSeg{kind: segAnyKey})
		case name != "":
			segs = append(segs, pathSeg{kind: segKey, key: strings.ToLower(name)})
		}
		for ; arrs > 0; arrs-- {
			segs = append(segs, pathSeg{kind: segArr})
		}
	}
	return segs, anchored, nil
}

// matchRule returns the first field rule matching the stream's current path
// (the value about to start), or -1.
func (s *Stream) matchRule() int {
	r := s.r
	if len(r.rules) == 0 || len(s.levels) == 0 {
		return -1
	}
	top := &s.levels[len(s.levels)-1]
	if top.arr {
		for _, i := range r.rulesArr {
			if s.ruleMatches(&r.rules[i]) {
				return i
			}
		}
		return -1
	}
	if top.longKey {
		// A key longer than we keep can only match wildcards.
		for _, i := range r.rulesWild {
			if s.ruleMatches(&r.rules[i]) {
				return i
			}
		}
		return -1
	}
	var low [maxKey]byte
	for _, i := range r.rulesByKey[string(lowerInto(low[:0], s.keyOf(top)))] {
		if s.ruleMatches(&r.rules[i]) {
			return i
		}
	}
	for _, i := range r.rulesWild {
		if s.ruleMatches(&r.rules[i]) {
			return i
		}
	}
	return -1
}

func (s *Stream) ruleMatches(fr *fieldRule) bool {
	d, m := len(s.levels), len(fr.segs)
	if m > d || fr.anchored && m != d {
		return false
	}
	for k := 0; k < m; k++ {
		seg := &fr.segs[m-1-k]
		lv := &s.levels[d-1-k]
		switch seg.kind {
		case segArr:
			if !lv.arr {
				return false
			}
		case segAnyKey:
			if lv.arr {
				return false
			}
		case segKey:
			if lv.arr || lv.longKey || !bytes.EqualFold(s.keyOf(lv), []byte(seg.key)) {
				return false
			}
		}
	}
	return true
}

// appendPath appends the current JSON path ("users[*].card.number").
func (s *Stream) appendPath(dst []byte) []byte {
	for i := range s.levels {
		lv := &s.levels[i]
		if lv.arr {
			dst = append(dst, "[*]"...)
			continue
		}
		if len(dst) > 0 {
			dst = append(dst, '.')
		}
		if lv.longKey {
			dst = append(dst, s.keyOf(lv)...)
			dst = append(dst, "..."...)
			continue
		}
		dst = append(dst, s.keyOf(lv)...)
	}
	if len(dst) == 0 {
		dst = append(dst, '$')
	}
	return dst
}

// cardContextJSON says whether the key of the current value, or of its
// parent object, names a payment card ("card_number", "pan", "cc",
// "payment.number" …).
func (s *Stream) cardContextJSON() bool {
	n := 0
	for i := len(s.levels) - 1; i >= 0 && n < 2; i-- {
		lv := &s.levels[i]
		if lv.arr {
			continue
		}
		var low [maxKey]byte
		if hasCardWord(lowerInto(low[:0], s.keyOf(lv))) {
			return true
		}
		n++
	}
	return false
}

// hasCardWord splits a lower-cased key or text into words (on anything that
// is not a letter) and reports whether one of them names a card.
func hasCardWord(b []byte) bool {
	i := 0
	for i < len(b) {
		for i < len(b) && !isLowerLetter(b[i]) {
			i++
		}
		j := i
		for j < len(b) && isLowerLetter(b[j]) {
			j++
		}
		if j > i && isCardWord(b[i:j]) {
			return true
		}
		i = j
	}
	return false
}

func isLowerLetter(c byte) bool { return c >= 'a' && c <= 'z' }

func isCardWord(w []byte) bool {
	switch string(w) {
	case "pan", "cc", "ccn", "ccnum", "ccno", "visa", "amex", "payment":
		return true
	}
	// camelCase keys arrive lower-cased in one word: "creditcardnumber".
	return bytes.Contains(w, []byte("card")) || bytes.Contains(w, []byte("credit"))
}

// lowerInto appends b lower-cased (ASCII) to dst.
func lowerInto(dst, b []byte) []byte {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
