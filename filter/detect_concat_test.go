package filter

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Keywords split by string concatenation, built from the keyword, where
// it is cut and how the pieces are joined, and sent in a query, a form
// and a JSON body; and look-alikes: code and prose that join words,
// quoted words side by side, CHAR() of control characters.

// splitPieces cuts w after n bytes into two literals joined by op, with
// quote q (esc: the quotes backslash-escaped, as in JSON text).
func splitPieces(w string, n int, q, op string) string {
	return q + w[:n] + q + op + q + w[n:] + q
}

// charCodes spells w as CHAR(n) calls joined by op, or as one call
// (op == ",").
func charCodes(fn, w, op string) string {
	var parts []string
	for i := 0; i < len(w); i++ {
		parts = append(parts, strconv.Itoa(int(w[i])))
	}
	if op == "," {
		return fn + "(" + strings.Join(parts, ",") + ")"
	}
	for i := range parts {
		parts[i] = fn + "(" + parts[i] + ")"
	}
	return strings.Join(parts, op)
}

// splitAttacks are the positives, each with the rule that must find it
// when it is the whole value.
func splitAttacks() map[string]string {
	m := map[string]string{}
	sql := []string{"UNION SELECT", "SELECT", "DROP TABLE users", "xp_cmdshell", "WAITFOR DELAY", "information_schema", "EXEC"}
	for _, w := range sql {
		for _, n := range []int{2, 3} {
			for _, j := range [][2]string{{"'", "||"}, {"'", "+"}, {"'", " || "}, {"\"", "+"}, {`\"`, "+"}, {"'", " "}, {"'", "/**/||/**/"}, {"'", "+/*x*/"}} {
				m[splitPieces(w, n, j[0], j[1])] = "sqli-split-keyword"
			}
			m["CONCAT('"+w[:n]+"','"+w[n:]+"')"] = "sqli-split-keyword"
		}
	}
	for _, w := range []string{"SELECT", "UNION", "exec", "sleep", "DROP"} {
		for _, c := range [][2]string{{"CHAR", "+"}, {"chr", "||"}, {"CHAR", ","}, {"NCHAR", "+"}} {
			m[charCodes(c[0], w, c[1])] = "sqli-split-keyword"
		}
	}
	m["CHAR(0x53)+CHAR(0x45)+CHAR(0x4c)+CHAR(0x45)+CHAR(0x43)+CHAR(0x54)"] = "sqli-split-keyword"
	m["CONCAT(CHAR(83),CHAR(69),CHAR(76),CHAR(69),CHAR(67),CHAR(84))"] = "sqli-split-keyword"
	m["'UN'+'ION ALL SE'+'LECT 1'"] = "sqli-split-keyword"
	m["N'SEL'+N'ECT'"] = "sqli-split-keyword"
	m["EXEC(N'DR'+N'OP TABLE t')"] = "sqli-split-keyword"
	for _, w := range []string{"alert", "eval", "confirm", "prompt", "cookie", "fromCharCode", "constructor", "setTimeout"} {
		for _, j := range [][2]string{{"'", "+"}, {"\"", " + "}, {"`", "+"}, {"'", ".concat("}} {
			p := splitPieces(w, 2, j[0], j[1])
			if j[1] == ".concat(" {
				p += ")"
			}
			for _, ctx := range []string{"%s", "%s(1)", "window[%s](1)", "top[%s]", "[%s][0]", "x=%s"} {
				m[strings.Replace(ctx, "%s", p, 1)] = "xss-split-name"
			}
		}
	}
	// In an injection: the joined view is inspected as a whole.
	for _, p := range []string{"1' UNION SEL'||'ECT 1,2--", "x';EXEC('DR'+'OP TABLE t')--", "1;EXEC(CHAR(83)+CHAR(69)+CHAR(76)+CHAR(69)+CHAR(67)+CHAR(84)+CHAR(32)+CHAR(49))", "'S'+'ELECT * FR'+'OM users'",
		`{"q":"\"UNI\"+\"ON SELECT 1,2\""}`, `"al"+"ert"(document.domain)`, `window["do"+"cument"]["coo"+"kie"]`, `top['al'.concat('ert')](1)`} {
		m[p] = ""
	}
	return m
}

var splitBenign = []string{
	"'Hello, ' + name + '!'", `"Content-" + "Type"`, "SELECT 'Hello' || ' ' || 'World'", `"foo" "bar"`, "CHAR(13)+CHAR(10)", "char(65)", "CHAR(10)", `"select * " "from t"`,
	"'user' + 'name'", "He said 'no' 'never'", "'a' + '+' + 'b'", "'$5' + '$10'", "x = 'sel' + ected", "Le 'pro' 'cess' est long", "'2024' || '-01'", `msg = "Sel" + "ected: " + n`,
	"var s = '</scr' + 'ipt>';", `'<\/scr'+'ipt>'`, `"up" + "grade"`, "'Order ' + 'from ' + 'Amazon'", "The 'select' 'all' button", "'x' + 'y' = 'xy'", `"a" "b" "c"`,
	"str = 'Dear ' + first + ' ' + last", `"first" + "last"`, "'http://' + 'example.com'", `\"Hello\" + \"World\"`, "'on' + 'line'", "He said 'exe' 'cutive'",
	"'multi' 'line' 'string'", "'sel' 'ected'", "'in' 'to' the box", "'al' 'ert'", `"ev" "al"`, "'ale' || 'rt'", "chr(10) || chr(13)", "'data' + 'base'",
}

func TestSplitKeywordGrammar(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := NewInspector(InspectorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	attacks := splitAttacks()
	for p, rule := range attacks {
		for _, place := range []string{"query", "form", "json"} {
			d, err := eng.Inspect(sendIn(place, "q", p))
			if err != nil {
				t.Fatal(err)
			}
			if !d.Blocked {
				t.Errorf("%q in %s passed: %v", p, place, d.Matches)
			}
		}
		if rule == "" {
			continue
		}
		hits := in.InspectValue(nil, KindQueryValue, "q", p)
		if !slices.ContainsFunc(hits, func(h Hit) bool { return h.Rule == rule }) {
			t.Errorf("%q: %s did not fire: %v", p, rule, hits)
		}
	}
	for _, v := range splitBenign {
		for _, place := range []string{"query", "form", "json"} {
			d, err := eng.Inspect(sendIn(place, "q", v))
			if err != nil {
				t.Fatal(err)
			}
			if d.Blocked {
				t.Errorf("benign %q in %s blocked: %v", v, place, d.Matches)
			}
		}
		for _, h := range in.InspectValue(nil, KindBodyValue, "q", v) {
			if h.Rule == "sqli-split-keyword" || h.Rule == "xss-split-name" {
				t.Errorf("benign %q: %s", v, h.Rule)
			}
		}
	}
	t.Logf("%d split keywords blocked in 3 places, %d look-alikes pass", len(attacks), len(splitBenign))
}

func TestJoinLiterals(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"'UNI'||'ON SELECT'", "'UNION SELECT'"},
		{"1' UNION SEL'||'ECT 1,2--", "1' UNION SELECT 1,2--"},
		{"CONCAT('sel','ect')", "CONCAT('select')"},
		{"CHAR(83)+CHAR(69)+CHAR(76)", "'SEL'"},
		{"char(83, 69,76)", "'SEL'"},
		{"'S'+CHAR(69)", "'SE'"},
		{`\"UNI\"+\"ON\"`, `\"UNION\"`},
		{"top['al'.concat('ert')](1)", "top['alert'](1)"},
		{"'sel' 'ect'", "'select'"},
		{"`al`+`ert`", "`alert`"},
		{"`al` `ert`", "`al` `ert`"},
		{"'a' + '+' + 'b'", "'a' + '+' + 'b'"},
		{"f('a', 'b')", "f('a', 'b')"},
		{"'</scr'+'ipt>'", "'</scr'+'ipt>'"},
		{`'it\'s'+'x'`, `'it\'sx'`},
		{"CHAR(39)+CHAR(83)", "CHAR(39)+'S'"},
		{"'UNION ' || ' SELECT'", "'UNION ' || ' SELECT'"},
		{"'UNI'/**/||/**/'ON'", "'UNION'"},
		{"'sel'/*x*/'ect'", "'select'"},
		{"N'sel'+N'ect'", "N'select'"},
		{"rock 'n' roll", "rock 'n' roll"},
		{"'a' /* x */ 'b /* c'", "'ab /* c'"},
	} {
		var j joined
		if got := string(joinLiterals(nil, c.in, &j)); got != c.want {
			t.Errorf("joinLiterals(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzJoinLiterals: the joined view is never longer than the value, the
// joints lie inside it, and the cheap gate lets through every value the
// join would change.
func FuzzJoinLiterals(f *testing.F) {
	for p := range splitAttacks() {
		f.Add(p)
	}
	for _, v := range splitBenign {
		f.Add(v)
	}
	f.Add("char(")
	f.Add("'sel'/**/'ect'")
	f.Add("'a'.concat('b'")
	f.Add("\\'a\\'+\\'")
	f.Fuzz(func(t *testing.T, s string) {
		var j joined
		out := joinLiterals(nil, s, &j)
		if len(out) > len(s) {
			t.Fatalf("joinLiterals(%q) = %q: longer", s, out)
		}
		for _, p := range j.pos[:min(j.n, maxJoints)] {
			if j.n <= maxJoints && (p < 0 || int(p) > len(out)) {
				t.Fatalf("joint %d outside %q", p, out)
			}
		}
		if j.n > 0 && !joinCandidate(classify(s), s, bstr(normalize(nil, s))) {
			t.Fatalf("gate rejects %q, joined %q", s, out)
		}
		e := emitter{in: &Inspector{}}
		detectSplitKeywords(&e, out, &j)
	})
}

func TestHasCharCall(t *testing.T) {
	for s, want := range map[string]bool{"char(83)": true, "x chr (83)": true, "nchar(1)": true, "mozilla/5.0 (x11; linux x86_64) applewebkit/537.36 (khtml, like gecko) chrome/126": false, "ch": false, "cha": false, "chr": false, "search(x)": false, "chchar(": true} {
		if got := hasCharCall(s); got != want {
			t.Errorf("hasCharCall(%q) = %v, want %v", s, got, want)
		}
	}
}
