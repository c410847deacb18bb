package redact

// Findings counts what one stream masked, by type and by JSON path. It never
// holds a masked value, so it is safe to log and to turn into metrics.
type Findings struct {
	// Types counts masked values per detector name (built-in or custom),
	// and JSON field rule matches under FieldFinding ("field").
	Types map[string]int `json:"types,omitempty"`
	// Paths counts masked values per JSON path, array indices written as
	// "[*]" (e.g. "users[*].card.number"); empty for text bodies. At most
	// maxFindingPaths distinct paths are kept; the rest count under
	// OtherPath.
	Paths map[string]int `json:"paths,omitempty"`
	// Total is the number of masked values.
	Total int `json:"total,omitempty"`
	// Fallback is true when a JSON body turned out malformed and the rest of
	// it was scanned as text (detectors still ran; field rules could not).
	Fallback bool `json:"fallback,omitempty"`
}

// AddCounts adds o's total and per-type counts to f (header values, which
// have no JSON paths, are counted this way).
func (f *Findings) AddCounts(o Findings) {
	f.Total += o.Total
	for t, n := range o.Types {
		if f.Types == nil {
			f.Types = make(map[string]int)
		}
		f.Types[t] += n
	}
}

// OtherPath collects findings past maxFindingPaths distinct JSON paths, so
// that a document with unbounded key names cannot grow the findings.
const OtherPath = "(other)"

const maxFindingPaths = 64

// findingCounter accumulates findings without allocating per match: type
// counts go in an array indexed by detector id, paths in a short slice
// searched by bytes (few distinct paths per response).
type findingCounter struct {
	types    []int
	paths    []pathCount
	other    int
	total    int
	fallback bool
}

type pathCount struct {
	path string
	n    int
}

func (f *findingCounter) add(det int, path []byte, hasPath bool) {
	f.types[det]++
	f.total++
	if !hasPath {
		return
	}
	for i := range f.paths {
		if f.paths[i].path == string(path) {
			f.paths[i].n++
			return
		}
	}
	if len(f.paths) >= maxFindingPaths {
		f.other++
		return
	}
	f.paths = append(f.paths, pathCount{path: string(path), n: 1})
}

func (f *findingCounter) snapshot(names []string) Findings {
	out := Findings{Total: f.total, Fallback: f.fallback}
	for id, n := range f.types {
		if n == 0 {
			continue
		}
		if out.Types == nil {
			out.Types = make(map[string]int)
		}
		out.Types[names[id]] += n
	}
	if len(f.paths) > 0 || f.other > 0 {
		out.Paths = make(map[string]int, len(f.paths)+1)
		for _, p := range f.paths {
			out.Paths[p.path] = p.n
		}
		if f.other > 0 {
			out.Paths[OtherPath] = f.other
		}
	}
	return out
}
