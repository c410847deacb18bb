package filter

import (
	"regexp"
	"strings"
)

// Query languages other than SQL, and pipeline configurations. A
// monitoring tool's PromQL (rate(http_requests_total{job="api"}[5m]) > 0),
// a wiki's CQL, an issue tracker's JQL, a log search's KQL, Lucene or SPL
// (search index=web | stats count by uri), a CI system's pipeline YAML with
// its shell steps: applications send them all day to the tools that run
// them, and they share SQL's operators and keywords and the shell's pipes.
// In such a value, SQL and command rules count together as one weak
// signal (emitter.queryText); every other rule keeps its score.

// queryLanguageNames are parameter names that say the value is written
// in one of those languages (case, '_' and '-' ignored).
var queryLanguageNames = wordSet("cql jql kql lql promql logql metricsql lucene spl esql dql")

// queryLanguageValue reports a value written in a query language other
// than SQL, or a CI pipeline's configuration.
func queryLanguageValue(name, v string) bool {
	if len(v) < 8 {
		return false
	}
	if len(name) > 1 && name[0] == '$' && len(name) <= 8 && soqlClause(strings.ToLower(name)) && soqlExpression(strings.ToLower(v)) {
		// A SoQL clause of an open-data API ($where=amount > 1000).
		return true
	}
	if n := len(name); n >= 3 && n <= 16 && (name[n-1]|0x20 == 'l' || name[n-1]|0x20 == 'e') {
		// Every name below ends in "l" or "e" (lucene): the test
		// spares the others a fold and a lookup.
		var buf [16]byte
		if queryLanguageNames[string(squashName(buf[:0], name))] {
			return true
		}
	}
	switch {
	case strings.IndexByte(v, '{') > 0 && strings.IndexByte(v, '"') > 0 && rePromQLSelector.MatchString(v):
		return true
	case (strings.HasPrefix(v, "search ") || strings.HasPrefix(v, "| ")) && (strings.Contains(v, "index=") || strings.Contains(v, "sourcetype=")):
		return true
	case strings.IndexByte(v, '\n') >= 0 && strings.Count(v, "\n") >= 4 && pipelineConfig(v):
		return true
	case strings.HasPrefix(v, "*[") && reGROQFilter.MatchString(v):
		return true
	}
	return false
}

// reGROQFilter: a GROQ query (Sanity's content lake), which starts with
// the document set and a filter on a document attribute:
// *[_type == "product" && …], *[_id in path("drafts.**")].
var reGROQFilter = regexp.MustCompile(`^\*\[\s*(?:!?\(?\s*)?(?:_type|_id|_rev|defined\(|references\(|[a-zA-Z_][\w.]*\s*(?:==|!=|in\b|match\b|>|<))`)

// rePromQLSelector: a PromQL or LogQL series selector, a metric or stream
// name then label matchers in braces (up{job="api"}, {app=~"web.*"}).
var rePromQLSelector = regexp.MustCompile(`(?:^|[\s(,])(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?\{[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"[^"\n]*"(?:\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"[^"\n]*")*\s*\}`)

// pipelineConfig: a YAML document with the keys of a CI pipeline
// (GitLab CI, GitHub Actions, Bitbucket, Azure Pipelines, Drone): two or
// more of stages:, jobs:, steps:, script:, run:, image:, runs-on:,
// services:, pipelines:, on: at the start of their lines.
func pipelineConfig(v string) bool {
	found := 0
	seen := uint16(0)
	for rest := v; rest != ""; {
		line, tail, _ := strings.Cut(rest, "\n")
		rest = tail
		t := strings.TrimLeft(line, " \t-")
		for i, k := range pipelineKeys {
			if seen&(1<<i) == 0 && strings.HasPrefix(t, k) {
				seen |= 1 << i
				if found++; found >= 2 {
					return true
				}
			}
		}
	}
	return false
}

var pipelineKeys = [...]string{"stages:", "jobs:", "steps:", "script:", "run:", "image:", "runs-on:", "services:", "pipelines:", "before_script:"}
