package filter

import (
	"regexp"
	"strings"
)

var (
	// Arithmetic probes: the attacker looks for 49 in the page.
	reSSTIExpr = regexp.MustCompile(`\{\{ ?['"]?-?\d+['"]? ?[*+/%-] ?['"]?-?\d+['"]? ?(?:\}\}|\|)|[$#@*]\{ ?-?\d+ ?[*+/%-] ?-?\d+ ?\}|<%= ?-?\d+ ?[*+/%-] ?-?\d+ ?%>|\{\{=? ?\d+ ?\* ?\d+|@\( ?\d+ ?\* ?\d+ ?\)|\$\{\{ ?\d+ ?\* ?\d+`)
	// Engine internals reached from a template expression.
	reSSTIEngine = regexp.MustCompile(`<#assign\b|<#(?:list|if|include)\b[^>]*\?(?:new|api|eval)|freemarker\.template\.utility|\?new ?\( ?\)|[$#*]\{ ?t ?\( ?java\.|\bt ?\( ?java\.lang\.|#set ?\( ?\$|\$class\.inspect|\{\{[^}]*__(?:class|mro|subclasses|globals|builtins|init|import|base|dict)__|\{\{[^}]*\b(?:lipsum|cycler|joiner|namespace|url_for|get_flashed_messages)\b[^}]*\.__|\{\{ ?(?:self|config|request)(?:\.|\[|\|)[^}]*(?:__|environ|application|items ?\(\))|\{\{ ?config ?\}\}|\{php\}|\{\{ ?constructor\.constructor|\bclass\.forname ?\(|\.getclass ?\( ?\) ?\.forname|\.getruntime ?\( ?\)|\{% ?(?:import|include) ?['"]?(?:os|subprocess)\b|\b_self\.env\.|registerundefinedfiltercallback|\{\{[^}]*\| ?(?:filter|map|reduce|sort) ?\( ?['"](?:system|exec|passthru|shell_exec|popen|proc_open)['"]`)
)

// sstiClasses: a template's delimiters (detectSSTIGrammar's too); a value
// with none of these classes gives detectSSTI nothing to find, and
// runDetectors does not call it.
const sstiClasses = cBrace | cLT | cParen

// detectSSTI flags server-side template injection probes.
func detectSSTI(e *emitter, v *value) {
	if v.cls&sstiClasses == 0 {
		return
	}
	n := v.norm
	if v.cls&cBrace != 0 && v.cls&(cStar|cPlus|cDash|cSlash|cPercent|cSpace) != 0 {
		if arithmetic(n) && reSSTIExpr.MatchString(n) {
			e.hit(rSSTIExpr)
		}
	} else if v.cls&cLT != 0 && strings.Contains(n, "<%") && arithmetic(n) && reSSTIExpr.MatchString(n) {
		e.hit(rSSTIExpr)
	}
	if v.kw&kwSSTIEngine != 0 && reSSTIEngine.MatchString(n) {
		e.hit(rSSTIEngine)
	}
}

// sstiEngineWords gate reSSTIEngine.
var sstiEngineWords = []string{"_self.env", "registerundefined", "filter(", "map(", "reduce(", "sort(", "{{config", "{{ config", "{{self", "{{ self", "{{request", "{{ request", "<#", "freemarker", "?new", "java.", "#set", "$class", "__", "{php}", "constructor", "forname", "getruntime", "{%"}

// arithmetic finds digit, operator, digit (spaces and quotes allowed):
// every expression probe reSSTIExpr knows has one.
func arithmetic(n string) bool {
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			continue
		}
		j := i + 1
		for j < len(n) && (n[j] == ' ' || n[j] == '\'' || n[j] == '"') {
			j++
		}
		if j < len(n) && strings.IndexByte("*+/%-", n[j]) >= 0 {
			j++
			for j < len(n) && (n[j] == ' ' || n[j] == '\'' || n[j] == '"' || n[j] == '-') {
				j++
			}
			if j < len(n) && n[j] >= '0' && n[j] <= '9' {
				return true
			}
		}
	}
	return false
}
