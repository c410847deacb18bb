package contract

import (
	"fmt"
	"sort"
	"strings"
)

// maxPathParams bounds the parameters of one template (lookups keep the
// values in a fixed array, without allocating).
const maxPathParams = 16

// router is a trie of path-template segments: a lookup walks one node per
// request segment, trying the static child before the parameter children,
// so its cost grows with the number of segments, not of operations.
type router struct {
	root rnode
}

type rnode struct {
	static map[string]*rnode
	param  *rnode        // a whole-segment {name}
	mixed  []*mixedChild // segments such as {name}.json or v{version}
	path   *pathEntry    // a template ends here
}

// mixedChild is a segment made of literals and parameters.
type mixedChild struct {
	parts []segPart
	node  *rnode
	key   string
}

type segPart struct {
	lit   string
	param bool
}

// pathEntry is one path template and its operations.
type pathEntry struct {
	template string
	ops      map[string]*Operation
	allow    string // the Allow header: methods, sorted
}

// add inserts a template (already canonical in its literal segments).
func (rt *router) add(template string) (*pathEntry, error) {
	n := &rt.root
	for _, seg := range splitPath(template) {
		parts, hasParam := parseSegment(seg)
		switch {
		case !hasParam:
			if n.static == nil {
				n.static = map[string]*rnode{}
			}
			c, ok := n.static[seg]
			if !ok {
				c = &rnode{}
				n.static[seg] = c
			}
			n = c
		case len(parts) == 1:
			if n.param == nil {
				n.param = &rnode{}
			}
			n = n.param
		default:
			key := segKey(parts)
			var found *rnode
			for _, m := range n.mixed {
				if m.key == key {
					found = m.node
				}
			}
			if found == nil {
				found = &rnode{}
				n.mixed = append(n.mixed, &mixedChild{parts: parts, node: found, key: key})
				// Longer literals first: /{name}.tar.gz before /{name}.gz.
				sort.SliceStable(n.mixed, func(i, j int) bool { return litLen(n.mixed[i].parts) > litLen(n.mixed[j].parts) })
			}
			n = found
		}
	}
	if n.path != nil {
		// Real documents spell one template with different parameter
		// names per method (/x/{id} GET, /x/{name} DELETE); each
		// operation keeps its own names.
		return n.path, nil
	}
	if len(templateParams(template)) > maxPathParams {
		return nil, fmt.Errorf("path %q has more than %d parameters", template, maxPathParams)
	}
	n.path = &pathEntry{ops: map[string]*Operation{}}
	return n.path, nil
}

func litLen(parts []segPart) int {
	n := 0
	for _, p := range parts {
		n += len(p.lit)
	}
	return n
}

func segKey(parts []segPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.param {
			b.WriteString("{}")
		} else {
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

// parseSegment splits "{name}.json" into parts.
func parseSegment(seg string) ([]segPart, bool) {
	if !strings.Contains(seg, "{") {
		return nil, false
	}
	var parts []segPart
	for seg != "" {
		i := strings.IndexByte(seg, '{')
		if i < 0 {
			parts = append(parts, segPart{lit: seg})
			break
		}
		if i > 0 {
			parts = append(parts, segPart{lit: seg[:i]})
		}
		j := strings.IndexByte(seg[i:], '}')
		if j < 0 {
			parts = append(parts, segPart{lit: seg[i:]})
			break
		}
		parts = append(parts, segPart{param: true})
		seg = seg[i+j+1:]
	}
	return parts, true
}

// templateParams lists the {names} of a template in order.
func templateParams(t string) []string {
	var names []string
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, t[i+1:i+j])
		t = t[i+j+1:]
	}
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// pathValues holds the parameter values of one lookup.
type pathValues struct {
	n    int
	vals [maxPathParams]string
}

// lookup finds the template matching a canonical path.
func (rt *router) lookup(path string, pv *pathValues) *pathEntry {
	if len(path) > 0 && path[0] == '/' {
		path = path[1:]
	}
	return rt.root.match(path, pv)
}

// match matches the rest of the path (no leading slash) below n,
// backtracking when a static branch fails deeper down.
func (n *rnode) match(rest string, pv *pathValues) *pathEntry {
	if rest == "" {
		return n.path
	}
	seg, tail := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		seg, tail = rest[:i], rest[i+1:]
	}
	if c := n.static[seg]; c != nil {
		if e := c.match(tail, pv); e != nil {
			return e
		}
	}
	mark := pv.n
	for _, m := range n.mixed {
		if matchMixed(m.parts, seg, pv) {
			if e := m.node.match(tail, pv); e != nil {
				return e
			}
		}
		pv.n = mark
	}
	if n.param != nil && seg != "" && pv.n < maxPathParams {
		pv.vals[pv.n] = seg
		pv.n++
		if e := n.param.match(tail, pv); e != nil {
			return e
		}
		pv.n = mark
	}
	return nil
}

// matchMixed matches a segment against literal and parameter parts; each
// parameter takes the shortest non-empty run before the next literal.
func matchMixed(parts []segPart, seg string, pv *pathValues) bool {
	for i, p := range parts {
		if !p.param {
			if !strings.HasPrefix(seg, p.lit) {
				return false
			}
			seg = seg[len(p.lit):]
			continue
		}
		if pv.n >= maxPathParams {
			return false
		}
		var val string
		if i+1 < len(parts) {
			j := strings.Index(seg[min(1, len(seg)):], parts[i+1].lit)
			if j < 0 {
				return false
			}
			j++
			val, seg = seg[:j], seg[j:]
		} else {
			val, seg = seg, ""
		}
		if val == "" {
			return false
		}
		pv.vals[pv.n] = val
		pv.n++
	}
	return seg == ""
}
