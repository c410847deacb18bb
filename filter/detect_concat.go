package filter

import "strings"

// Keywords split by string concatenation: 'UNI'||'ON SELECT', 'sel'+'ect',
// CONCAT('DRO','P TABLE t'), CHAR(83)+CHAR(69)…, "al"+"ert"(1),
// 'al'.concat('ert'), the same with JSON-escaped quotes (\"UNI\"+\"ON\").
// SQL engines and JavaScript join the literals before anything reads the
// keyword, so a filter that matches keywords sees only pieces. When a
// value holds a joint (a literal closed, a concatenation operator, a
// literal of the same quote opened), a joined view with the joints
// removed is inspected too; and a keyword that exists only across a joint
// is a finding of its own, because no ordinary text spells a keyword in
// pieces (code joins words and sentences, not "UNI" and "ON").

// maxJoints bounds the joint offsets kept per value; a value with more
// is still joined whole.
const maxJoints = 32

// joined records the joints removed from a value.
type joined struct {
	n   int              // joints removed
	pos [maxJoints]int32 // offsets of the first maxJoints in the view
	op  [maxJoints]uint8 // and their operators
}

func (j *joined) add(off, op int) {
	// A cut that reaches back past earlier joints removed them with
	// the text they were in ('a' /*'b' 'c'*/ 'd').
	for j.n > 0 && j.n <= maxJoints && int(j.pos[j.n-1]) > off {
		j.n--
	}
	if j.n < maxJoints {
		j.pos[j.n] = int32(off)
		j.op[j.n] = uint8(op)
	}
	j.n++
}

// Joint operators.
const (
	opNone   = iota
	opPlus   // + (JavaScript, MSSQL)
	opPipes  // || (standard SQL, Oracle, PostgreSQL, SQLite)
	opComma  // , between the arguments of CONCAT(
	opConcat // .concat( (JavaScript)
	opSpace  // adjacent literals (MySQL, Python, C)
	opChar   // CHAR()/CHR() codes (SQL)
)

func isQuoteByte(c byte) bool { return c == '\'' || c == '"' || c == '`' }

// isJoinInner: c may stand next to the quotes of a joint inside the
// literals. Letters, digits, '_' and spaces: a keyword or a phrase cut in
// two; a literal that is only punctuation ('+', '-', ',') is an operand,
// not a piece of a word.
func isJoinInner(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ' '
}

func isAlnumByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// joinCandidate is the cheap test before joinLiterals, on a value's
// classes, decoded and normalised forms: a quote with a joint operator, a
// space or a comment next to it, or a CHAR()/CHR() call with something to
// join it to. Values without quotes and parentheses (nearly all) fail on the
// class bits.
func joinCandidate(cls uint64, dec, norm string) bool {
	if cls&(cQuote|cBacktick) != 0 && cls&(cPlus|cPipe|cSpace|cComma|cDot|cStar) != 0 && hasLiteralJoint(dec) {
		return true
	}
	return cls&cParen != 0 && cls&(cPlus|cPipe|cComma) != 0 && hasCharCall(norm)
}

// hasLiteralJoint finds a quote followed by a joint operator (or spaces)
// and a quote of the same kind; joinLiterals decides.
func hasLiteralJoint(s string) bool {
	for i := 0; i < len(s); i++ {
		q := s[i]
		if !isQuoteByte(q) {
			continue
		}
		j := skipGap(s, i+1)
		switch {
		case j < len(s) && (s[j] == '+' || s[j] == ','):
			j++
		case j+1 < len(s) && s[j] == '|' && s[j+1] == '|':
			j += 2
		case j+8 <= len(s) && s[j] == '.' && asciiEqualFold(s[j:j+8], ".concat("):
			j += 8
		case j == i+1:
			continue
		}
		j = skipGap(s, j)
		if j < len(s) && (s[j] == '\\' || s[j]|0x20 == 'n' && q == '\'') {
			j++
		}
		if j < len(s) && s[j] == q {
			return true
		}
	}
	return false
}

// hasCharCall finds "char(" or "chr(" (a space allowed before the
// parenthesis) in a normalised value. strings.Index finds the "ch"
// candidates: a User-Agent with parentheses and commas passes this test
// on every request.
func hasCharCall(n string) bool {
	for i := 0; ; {
		k := strings.Index(n[i:], "ch")
		if k < 0 {
			return false
		}
		j := i + k + 2
		if j < len(n) && n[j] == 'a' {
			j++
		}
		if j < len(n) && n[j] == 'r' {
			j++
			if j < len(n) && n[j] == ' ' {
				j++
			}
			if j < len(n) && n[j] == '(' {
				return true
			}
		}
		i += k + 2
	}
}

// joinLiterals appends to dst the view of s with its literal joints
// removed ('UNI'||'ON' → 'UNION', CHAR(83)+CHAR(69) → 'SE') and records
// the joints in j. It is one pass over s, without backtracking.
func joinLiterals(dst []byte, s string, j *joined) []byte {
	depth, concatDepth := 0, -1
	// After a .concat( joint: the quote whose closing is followed by the
	// call's ')', which goes with the joint.
	var closeQ byte
	for i := 0; i < len(s); {
		c := s[i]
		// An MSSQL Unicode literal opens with N' (N'sel'+N'ect').
		nchar := c|0x20 == 'n' && i+1 < len(s) && s[i+1] == '\'' && (i == 0 || !isWordChar(s[i-1]))
		if isQuoteByte(c) || c == '\\' && i+1 < len(s) && isQuoteByte(s[i+1]) || nchar {
			w, q := 1, c
			if c == '\\' || nchar {
				w, q = 2, s[i+1]
			}
			if i+w < len(s) {
				if cut, op := jointTail(dst, q, c == '\\', concatDepth >= 0 && concatDepth == depth, q != '`' && !nchar, s[i+w]); op != opNone {
					dst = dst[:cut]
					j.add(len(dst), op)
					if op == opConcat {
						closeQ = q
					}
					i += w
					continue
				}
			}
			dst = append(dst, s[i:i+w]...)
			i += w
			if closeQ == q && w == 1 {
				// The literal passed to .concat( closes here: drop the
				// call's parenthesis.
				k := i
				for k < len(s) && s[k] == ' ' {
					k++
				}
				if k < len(s) && s[k] == ')' {
					i = k + 1
					closeQ = 0
					if depth > 0 {
						depth--
					}
				}
			}
			continue
		}
		if (c|0x20 == 'c' || c|0x20 == 'n') && (i == 0 || !isAlnumByte(s[i-1]) && s[i-1] != '_' && s[i-1] != '.') {
			if n, ok := charCallLen(s[i:]); ok {
				cut, op := jointTail(dst, '\'', false, concatDepth >= 0 && concatDepth == depth, false, 'a')
				if op != opNone {
					dst = dst[:cut]
					j.add(len(dst), opChar)
				} else {
					dst = append(dst, '\'')
				}
				start := len(dst)
				dst = appendCharCall(dst, s[i:i+n])
				if len(dst)-start >= 2 && op == opNone {
					// CHAR(83,69,76): one call that spells a word.
					j.add(start+1, opChar)
				}
				dst = append(dst, '\'')
				i += n
				continue
			}
		}
		switch c {
		case '(':
			depth++
			if k := len(dst); k >= 6 && asciiEqualFold(bstr(dst[k-6:]), "concat") && (k == 6 || !isAlnumByte(dst[k-7]) && dst[k-7] != '.' && dst[k-7] != '_') {
				concatDepth = depth
			}
		case ')':
			if depth == concatDepth {
				concatDepth = -1
			}
			if depth > 0 {
				depth--
			}
		}
		dst = append(dst, c)
		i++
	}
	return dst
}

// jointTail reports whether dst ends with a closed literal of quote q
// (backslash-escaped when esc), a joint operator and spaces, so that the
// literal opening now (next is its first byte) continues it: after an
// operator, or (space) after spaces alone. cut is where dst is cut: just
// before the closing quote.
func jointTail(dst []byte, q byte, esc, comma, space bool, next byte) (cut, op int) {
	if !isJoinInner(next) {
		return 0, opNone
	}
	k := skipSpaceBack(dst, len(dst))
	spaced := k < len(dst)
	switch {
	case k >= 2 && dst[k-1] == '|' && dst[k-2] == '|':
		op, k = opPipes, k-2
	case k >= 1 && dst[k-1] == '+':
		op, k = opPlus, k-1
	case k >= 1 && dst[k-1] == ',' && comma:
		op, k = opComma, k-1
	case k >= 8 && asciiEqualFold(bstr(dst[k-8:k]), ".concat("):
		op, k = opConcat, k-8
	case spaced && space && isWordChar(next):
		// Adjacent literals join in MySQL ('sel' 'ect'), and a form
		// field's '+' arrives as a space.
		op = opSpace
	default:
		return 0, opNone
	}
	if op != opSpace {
		k = skipSpaceBack(dst, k)
	}
	if k < 2 || dst[k-1] != q {
		return 0, opNone
	}
	k--
	if esc {
		if dst[k-1] != '\\' {
			return 0, opNone
		}
		k--
	} else if dst[k-1] == '\\' {
		// An escaped quote does not close the literal.
		return 0, opNone
	}
	if k < 1 {
		return 0, opNone
	}
	before := dst[k-1]
	if !isJoinInner(before) || op == opSpace && !isWordChar(before) || tagNameTail(dst[:k]) {
		return 0, opNone
	}
	if before == ' ' && next == ' ' {
		// "' + '" reads both ways (a joint, or a literal holding " + "
		// between two operators): a joint needs a word on one side.
		return 0, opNone
	}
	return k, op
}

// tagNameTail: b ends with '<' or '</' (also '<\/') and letters, a tag
// name cut in two ('</scr'+'ipt>'): inline scripts write their closing
// tags so, and the joined markup would be a tag in a text that was none.
func tagNameTail(b []byte) bool {
	k := len(b)
	for k > 0 && (b[k-1]|0x20 >= 'a' && b[k-1]|0x20 <= 'z') {
		k--
	}
	if k == len(b) || k == 0 {
		return false
	}
	if b[k-1] == '/' {
		k--
		if k > 0 && b[k-1] == '\\' {
			k--
		}
	}
	return k > 0 && b[k-1] == '<'
}

// maxGapComment bounds a comment taken for a space around a joint.
const maxGapComment = 32

// skipGap skips spaces, tabs and short SQL comments from s[i]:
// 'UNI'/**/||/**/'ON' is a joint as 'UNI' || 'ON' is.
func skipGap(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t':
			i++
		case s[i] == '/' && i+1 < len(s) && s[i+1] == '*':
			e := strings.Index(s[i+2:min(len(s), i+2+maxGapComment)], "*/")
			if e < 0 {
				return i
			}
			i += 2 + e + 2
		default:
			return i
		}
	}
	return i
}

// skipSpaceBack is skipGap backwards from b[k-1].
func skipSpaceBack(b []byte, k int) int {
	for k > 0 {
		switch {
		case b[k-1] == ' ' || b[k-1] == '\t':
			k--
		case k >= 4 && b[k-1] == '/' && b[k-2] == '*':
			lo := max(0, k-2-maxGapComment)
			o := strings.LastIndex(bstr(b[lo:k-2]), "/*")
			if o < 0 || strings.Contains(bstr(b[lo+o+2:k-2]), "*/") {
				// No comment opens here, or an earlier one closes
				// first: "/**/x*/" ends in text, not in a comment.
				return k
			}
			k = lo + o
		default:
			return k
		}
	}
	return k
}

// charCallLen matches CHAR(n[,n…]), NCHAR(n) or CHR(n) at the start of s,
// every n a printable ASCII code other than a quote or a backslash
// (decimal or 0x hex), and returns its length.
func charCallLen(s string) (int, bool) {
	i := 0
	switch {
	case len(s) >= 5 && asciiEqualFold(s[:5], "nchar"):
		i = 5
	case len(s) >= 4 && asciiEqualFold(s[:4], "char"):
		i = 4
	case len(s) >= 3 && asciiEqualFold(s[:3], "chr"):
		i = 3
	default:
		return 0, false
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || s[i] != '(' {
		return 0, false
	}
	i++
	for args := 0; ; args++ {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		n, w := charCode(s[i:])
		if w == 0 || n < 0x20 || n > 0x7e || n == '\'' || n == '"' || n == '\\' || n == '`' {
			return 0, false
		}
		i += w
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) || args >= 64 {
			return 0, false
		}
		if s[i] == ')' {
			return i + 1, true
		}
		if s[i] != ',' {
			return 0, false
		}
		i++
	}
}

// charCode reads a decimal or 0x hex number of at most 3 (hex 2) digits.
func charCode(s string) (n, w int) {
	if len(s) >= 3 && s[0] == '0' && s[1]|0x20 == 'x' {
		for w = 2; w < len(s) && w < 4; w++ {
			d, ok := hexVal(s[w])
			if !ok {
				break
			}
			n = n<<4 | d
		}
		if w == 2 || w < len(s) && isAlnumByte(s[w]) {
			return 0, 0
		}
		return n, w
	}
	for w < len(s) && w < 3 && s[w] >= '0' && s[w] <= '9' {
		n = n*10 + int(s[w]-'0')
		w++
	}
	if w < len(s) && s[w] >= '0' && s[w] <= '9' {
		return 0, 0
	}
	return n, w
}

func hexVal(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return int(c|0x20-'a') + 10, true
	}
	return 0, false
}

// appendCharCall appends the characters a call accepted by charCallLen
// spells.
func appendCharCall(dst []byte, call string) []byte {
	i := 0
	for call[i] != '(' {
		i++
	}
	i++
	for i < len(call) {
		for call[i] == ' ' || call[i] == ',' {
			i++
		}
		if call[i] == ')' {
			break
		}
		n, w := charCode(call[i:])
		dst = append(dst, byte(n))
		i += w
	}
	return dst
}

// Keyword classes of splitKeywords.
const (
	splitSQL       uint8 = 1 << iota // SQL statement words and the functions injections call
	splitSQLClause                   // SQL clause words: counted after an operator, not for adjacent literals
	splitJS                          // JavaScript names
)

// splitKeywords are the keywords that count when a joint cuts them: SQL
// statement words, clauses and the functions injections call; the
// JavaScript dialogs, evaluators, DOM sinks and globals that XSS reaches.
// Words that identifiers are commonly made of ("data"+"base", "ver" …)
// are left out, and so is "script": '</scr'+'ipt>' is how pages have long
// written a closing tag inside an inline script.
var splitKeywords = func() map[string]uint8 {
	m := map[string]uint8{}
	for _, w := range []string{"union", "select", "insert", "update", "delete", "drop", "truncate", "alter", "create", "exec", "execute", "declare", "waitfor", "sleep", "benchmark", "shutdown",
		"xp_cmdshell", "sp_executesql", "sp_oacreate", "sp_makewebtask", "information_schema", "sysobjects", "syscolumns", "sqlite_master", "pg_sleep", "pg_read_file", "load_file", "outfile", "dumpfile",
		"concat", "group_concat", "substring", "unhex", "extractvalue", "updatexml"} {
		m[w] = splitSQL
	}
	for _, w := range []string{"from", "where", "having", "into", "values", "table", "char", "nchar", "ascii", "delay"} {
		m[w] = splitSQLClause
	}
	for _, w := range []string{"alert", "prompt", "confirm", "eval", "cookie", "document", "window", "location", "fromcharcode", "constructor", "prototype", "__proto__", "atob", "innerhtml", "outerhtml",
		"settimeout", "setinterval", "function", "fetch", "xmlhttprequest", "import", "require", "process", "child_process", "execsync", "spawn", "appendchild", "createelement", "write", "writeln",
		"srcdoc", "javascript", "onerror", "onload", "globalthis", "opener", "localstorage", "sessionstorage", "postmessage", "sendbeacon", "mainmodule"} {
		m[w] |= splitJS
	}
	return m
}()

// splitClasses are the keyword classes a joint of operator op joins:
// JavaScript joins strings with + and .concat(, SQL with || (+ in
// MSSQL), CONCAT(…), CHAR() codes and, in MySQL, adjacent literals
// (where prose also puts quoted words side by side: statement words
// only).
func splitClasses(op uint8) uint8 {
	switch op {
	case opPlus:
		return splitSQL | splitSQLClause | splitJS
	case opConcat:
		return splitJS
	case opSpace:
		return splitSQL
	}
	return splitSQL | splitSQLClause
}

// detectSplitKeywords reports a keyword of splitKeywords in the joined
// view b that a joint of j cuts: the joint lies inside the word.
func detectSplitKeywords(e *emitter, b []byte, j *joined) {
	var low [24]byte
	for k, p := range j.pos[:min(j.n, maxJoints)] {
		a, z := int(p), int(p)
		if a > len(b) {
			continue
		}
		for a > 0 && isWordChar(b[a-1]) {
			a--
		}
		for z < len(b) && isWordChar(b[z]) {
			z++
		}
		if a == int(p) || z == int(p) || z-a > len(low) {
			continue
		}
		w := low[:z-a]
		for i := range w {
			c := b[a+i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			w[i] = c
		}
		cl := splitKeywords[string(w)] & splitClasses(j.op[k])
		if cl&(splitSQL|splitSQLClause) != 0 {
			e.hit(rSQLiSplit)
		}
		if cl&splitJS != 0 {
			e.hit(rXSSSplit)
		}
	}
}

func isWordChar(c byte) bool { return isAlnumByte(c) || c == '_' }
