package filter

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestBenignLocalCorpus is an opt-in false-positive probe over a directory
// of real-world text: every string value (and key) of every *.json file
// is inspected as a JSON body value, every line of every *.md file as a
// form/JSON text value. It reports how many would be blocked on their own
// and the rules involved, with examples. It asserts nothing: such trees
// contain security test vectors (URL parser tests with javascript: and
// gopher:// URLs, docs quoting SQL injections) that are right to flag.
//
//	GATEHOUSE_BENIGN_DIR=$(go env GOMODCACHE) go test -run TestBenignLocalCorpus -v ./filter/
//	GATEHOUSE_BENIGN_LIST=rule-id lists the blocked values that rule hit.
func TestBenignLocalCorpus(t *testing.T) {
	root := os.Getenv("GATEHOUSE_BENIGN_DIR")
	if root == "" {
		t.Skip("set GATEHOUSE_BENIGN_DIR to a directory of .json/.md files")
	}
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type stat struct {
		n        int
		examples []string
	}
	rules := map[string]*stat{}
	var total, blocked int
	// GATEHOUSE_BENIGN_LIST=rule-id logs every blocked value that rule hit.
	list := os.Getenv("GATEHOUSE_BENIGN_LIST")
	check := func(kind Kind, name, s string) {
		total++
		score, listed := 0, false
		for _, h := range in.InspectValue(nil, kind, name, s) {
			score += h.Score
			listed = listed || h.Rule == list
			st := rules[h.Rule]
			if st == nil {
				st = &stat{}
				rules[h.Rule] = st
			}
			st.n++
			if len(st.examples) < 3 {
				st.examples = append(st.examples, fmt.Sprintf("%.80q", s))
			}
		}
		if score >= DefaultThreshold {
			blocked++
			if listed {
				t.Logf("BLOCKED %s %s=%.200q", list, name, s)
			}
		}
	}
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, vv := range x {
				check(KindBodyName, "", k)
				walk(k, vv)
			}
		case []any:
			for _, vv := range x {
				walk(name, vv)
			}
		case string:
			check(KindBodyValue, name, x)
		}
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if fi, err := d.Info(); err != nil || fi.Size() > 2<<20 {
			return nil
		}
		switch {
		case strings.HasSuffix(p, ".json"):
			b, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			var v any
			if json.Unmarshal(b, &v) == nil {
				walk("", v)
			}
		case strings.HasSuffix(p, ".md"):
			f, err := os.Open(p)
			if err != nil {
				return nil
			}
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				if l := strings.TrimSpace(sc.Text()); len(l) >= 3 {
					check(KindBodyValue, "text", l)
				}
			}
			f.Close()
		}
		return nil
	})
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Logf("%-26s %7d  e.g. %s", id, rules[id].n, strings.Join(rules[id].examples, " | "))
	}
	if total > 0 {
		t.Logf("values %d, blocked on their own %d (%.3f%%)", total, blocked, 100*float64(blocked)/float64(total))
	}
}
