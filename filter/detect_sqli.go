package filter

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/corazawaf/libinjection-go"
)

// sqlGateWords make a value without quotes worth the libinjection call
// (about 1.5 µs): numeric injections need one of these.
var sqlGateWords = []string{"select", "union", "sleep", "benchmark", "waitfor", "exec", "drop ", "insert", "delete", "update", "having", "order by", "group by", " or ", " and ", "xor", "--", "procedure", "declare", "case when", "truncate"}

var (
	// UNION with any query expression after it: SELECT, and the
	// table-value constructors VALUES (…) / VALUES ROW(…) and MySQL 8
	// TABLE t, which inject columns without the word SELECT. A VALUES list
	// starts with a literal or a call, not a word ("union values
	// (democracy…)"); "union table" is also a woodworking tool, so TABLE
	// counts only after a literal closes.
	reSQLiUnion = regexp.MustCompile(`\bunion(?: all| distinct| distinctrow)? ?\(? ?(?:select\b|values ?(?:\( ?(?:[\d'"@(-]|null\b|0x|[a-z_]+ ?\()|row ?\())|(?:\d|['")\x60]) ?union(?: all| distinct)? table [a-z_][\w.]* ?(?:$|--|#|;|\)|limit\b|order\b)`)
	// Functions and objects whose only common use in a request is an
	// injection: timing, file access, catalog enumeration, error-based
	// extraction, OS access from the database.
	reSQLiFunction = regexp.MustCompile(`(?:^|[^.\w])sleep ?\( ?\d+ ?\)|\b(?:benchmark ?\( ?\d+ ?,|pg_sleep ?\(|waitfor (?:delay|time) ?'|information_schema\b|xp_cmdshell|sp_executesql|sp_oacreate|sp_makewebtask|load_file ?\(|(?:pg_read_file|pg_read_binary_file|pg_ls_dir|pg_stat_file|lo_import|lo_export|lo_get|lo_put|lo_from_bytea) ?\(|copy [^;]{1,80} (?:from|to) program ?'|into (?:out|dump)file\b|@@(?:version|datadir|hostname|basedir)\b|extractvalue ?\(|updatexml ?\(|group_concat ?\(|utl_(?:http|inaddr|file)\.|dbms_(?:pipe|lock|xmlgen|java)\.|sysobjects\b|syscolumns\b|sqlite_master\b|pg_shadow\b|mysql\.user\b|fn_varbintohexstr|master\.(?:dbo|sys)\.|master\.\.|randomblob ?\(|make_set ?\(|name_const ?\(|geometrycollection ?\(|exp ?\( ?~|procedure analyse|floor ?\( ?rand ?\( ?\d* ?\) ?\* ?2 ?\)|char ?\( ?\d+ ?(?:,|\)) ?(?:\+|\|\||,)|concat(?:_ws)? ?\([^)]*0x[0-9a-f]{2,})|\( ?select ?(?:\(|\d|@@|case\b|if ?\(|sleep|char|concat|count ?\(|null\b|\*|database|user|version)`)
	// reSQLiCaseWhen: the conditional of boolean and time-based blind
	// injections; in a query an SQL editor saves, a report's bucket.
	reSQLiCaseWhen = regexp.MustCompile(`\bcase when\b.*\bthen\b.*\belse\b`)
	reSQLiStacked  = regexp.MustCompile(`; ?(?:drop (?:table|database|schema|user)\b|declare @|exec(?:ute)? ?(?:master|xp_|sp_|\(|@)|shutdown\b|insert into\b|delete from\b|update \w+ set\b|select\b.*\bfrom\b|select[ (*]{1,2}(?:@@|\d|sleep|pg_sleep|benchmark|char|version|user|database)|create (?:table|user|database|function|procedure)\b|alter (?:table|user|database)\b|truncate table\b|grant all\b|waitfor\b)`)
	// A comparison of two literals joined by a boolean operator: the shape
	// of "' or 1=1", "and 12=12", "or 'a'='a'".
	reSQLiTautology = regexp.MustCompile(`(?:^|[\s'"\x60)(])(?:and|or|xor|&&|\|\|) ?\(? ?(?:\d+|'[^']*'|"[^"]*") ?(?:=|<>|!=|<=?|>=?| like | rlike | regexp ) ?(?:\d+|'[^']*(?:'|$)|"[^"]*(?:"|$)|null\b|not\b)`)
	// Same, right after a quote or parenthesis closes the original literal.
	reSQLiBreakout = regexp.MustCompile(`[)'"\x60] ?(?:and|or|xor|&&|\|\|) ?\(? ?(?:(?:\d+|'[^']*'|"[^"]*") ?(?:=|<>|!=|<=?|>=?| like ) ?|[a-z_]{2,30}\(.*(?:=|<>|!=|<|>| like )|[a-z_]\w{0,30} ?(?:->>?|#>>?) ?'[^']*' ?(?:=|<>|!=|<|>| like ))`)
	// A number or a closed literal (not a parenthesis: JavaScript writes
	// f(x) || true;), then OR TRUE / OR NOT FALSE and the end
	// of the value or a comment: a tautology without a comparison.
	reSQLiBoolLiteral = regexp.MustCompile(`(?:^-?\d+|['"\x60]) ?(?:or(?: ?\( ?| )|\|\| ?\(? ?)(?:true|not ?false)\b ?\)? ?(?:$|--|#|;)`)
	// JSON functions compared to a literal right after a number or a quote
	// (1 and json_extract(doc,'$.role')='admin').
	reSQLiJSONFunc = regexp.MustCompile(`(?:^-?\d+|['")]) ?(?:and|or|&&|\|\|) ?\(? ?(?:json|jsonb)_[a-z_]+ ?\(.*\) ?(?:=|<>|!=|<|>| like )`)
	reSQLiKeywords = regexp.MustCompile(`\bselect\b.*\bfrom\b|\binsert into\b|\bdelete from\b|\bdrop (?:table|database)\b|\bupdate \w+ set\b`)
)

// detectSQLi: libinjection's tokenizer as the core, then shapes it misses
// (UNION SELECT without a literal before it, abused functions, stacked
// queries, tautologies on numbers).
func detectSQLi(e *emitter, v *value) {
	n := v.norm
	if len(n) < 4 {
		if v.cls&cQuote != 0 && quoteOperatorQuote(v.dec) {
			e.hit(rSQLiBreakout)
		}
		return
	}
	if v.kind != KindUserAgent || v.cls&(cQuote|cBacktick) != 0 {
		detectSQLiLibinjection(e, v)
	}
	// Tautologies first: "1 || 1=1" has no letter.
	if v.kw&kwBool != 0 && (v.cls&(cEq|cLT|cGT) != 0 || v.kw&kwSQLCmp != 0) && hasBoolOp(n) {
		if reSQLiBreakout.MatchString(n) || reSQLiLeadingTautology.MatchString(n) {
			e.hit(rSQLiBreakout)
		} else if reSQLiTautology.MatchString(n) {
			e.hit(rSQLiTautology)
		} else if v.cls&cHigh != 0 && strings.ContainsAny(n, sqlQuoteLookalikes) {
			if q := asciiQuotes(n); reSQLiBreakout.MatchString(q) || reSQLiLeadingTautology.MatchString(q) {
				e.hit(rSQLiBreakout)
			}
		}
	}
	if v.cls&(cLower|cUpper) == 0 {
		return
	}
	// Every word the next two need is in sqlGateWords: the gate bit
	// spares ordinary values two substring searches and a regexp.
	sqlWords := v.kw&kwSQLGate != 0
	if sqlWords && strings.Contains(n, "union") && containsAny(n, "select", "values", "table") && reSQLiUnion.MatchString(n) && !unionAsWords(n) {
		e.hit(rSQLiUnion)
	}
	if v.kw&kwSQLFuncCall != 0 && (reSQLiFunction.MatchString(n) || !e.sqlText && reSQLiCaseWhen.MatchString(n)) {
		e.hit(rSQLiFunction)
	}
	if v.cls&cSemi != 0 && stackedCandidate(n) && reSQLiStacked.MatchString(n) {
		e.hit(rSQLiStacked)
	}
	if v.kw&kwBool != 0 && (strings.Contains(n, "true") || strings.Contains(n, "false")) && reSQLiBoolLiteral.MatchString(n) {
		e.hit(rSQLiBreakout)
	}
	if v.cls&cParen != 0 && strings.Contains(n, "json") && reSQLiJSONFunc.MatchString(n) {
		e.hit(rSQLiBreakout)
	}
	if v.cls&cQuote != 0 && v.kw&kwBool != 0 && v.cls&cParen != 0 && (strings.Contains(n, "--") || v.cls&(cHash|cSemi) != 0 || strings.Contains(v.dec, "/*")) && reSQLiQuoteCallComment.MatchString(n) {
		e.hit(rSQLiBreakout)
	}
	if sqlWords && v.cls&cNL == 0 && len(n) <= 240 && reSQLiWholeStatement.MatchString(n) {
		e.hit(rSQLiFragment)
	}
	if v.cls&cStar != 0 && strings.Contains(v.dec, "/*") && (strings.Contains(v.dec, "/*!") || commentSplitsKeyword(v.dec)) {
		e.hit(rSQLiComment)
	}
	if sqlWords && !e.in.off[rSQLiKeywords] && reSQLiKeywords.MatchString(n) {
		e.hit(rSQLiKeywords)
	}
}

// sqlQuoteLookalikes are the characters that a conversion to a legacy code
// page maps to the apostrophe (best-fit mappings of SQL Server and of
// Windows' ANSI APIs): curly and reversed single quotes, the prime, the
// modifier letter apostrophe and prime. An application that builds its
// query after such a conversion reads them as quotes.
const sqlQuoteLookalikes = "\u2018\u2019\u201b\u2032\u02bc\u02b9"

// asciiQuotes writes n with sqlQuoteLookalikes as apostrophes.
func asciiQuotes(n string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(sqlQuoteLookalikes, r) {
			return '\''
		}
		return r
	}, n)
}

// reSQLiLeadingTautology: the whole value is a boolean operator and a
// comparison of literals, perhaps closed by a comment (OR 1=1, and 2>1--):
// the fragment appended to a condition, with nothing of a sentence around
// it.
var reSQLiLeadingTautology = regexp.MustCompile(`^ ?(?:and|or|xor|&&|\|\|) \(? ?(?:\d+|'[^']*'|"[^"]*") ?(?:=|<>|!=|<=?|>=?| like ) ?(?:\d+|'[^']*'|"[^"]*") ?\)? ?(?:(?:--|#|/\*|;).*)?$`)

// reSQLiWholeStatement: the whole value is one statement that destroys
// all of a table, closed by ';', '#' or a final "--" (DROP TABLE t;,
// DELETE FROM t;), one whose condition is a tautology (DELETE FROM t
// WHERE 1=1, UPDATE … SET … WHERE 'a'='a'; documentation's UPDATE t SET
// x = 1 WHERE y = 2; compares a column), an INSERT with its VALUES list, or a number then a
// stacked statement (1;SELECT *): where a parameter was expected, only an
// injection sends it. A "--" inside is prose's dash; the bare statement
// ("DROP TABLE users") reads like a search for the syntax, and read-only
// SELECTs are left to sqli-keywords (search boxes of SQL tutorials send
// them).
var reSQLiWholeStatement = regexp.MustCompile(`^ ?(?:(?:drop (?:table|database|schema|view|user)(?: if exists)? [\w.\x60"\[\]]+(?: cascade)?|truncate(?: table)? [\w.\x60"\[\]]+|delete from [\w.\x60"\[\]]+) ?` + sqlStmtEnd + `|(?:delete from [\w.\x60"\[\]]+|update [\w.\x60"\[\]]+ set [\w\x60"]+ ?= ?[^;]{1,80}) where (?:.* )?(?:\d+|'[^']*') ?(?:=|<>|!=|>|<) ?(?:\d+|'[^']*') ?` + sqlStmtEnd + `?|insert into [\w.\x60"\[\]]+ ?(?:\([^()]*\) ?)?values ?\([^;]*\) ?` + sqlStmtEnd + `?|[\d.]+['")]* ?; ?(?:select (?:\*|@@|\d|null\b|[a-z_]\w* ?\(|[a-z_][\w.]* ?,|[a-z_][\w.]* from\b)|delete from\b|update \w+ set\b|insert into\b|drop (?:table|database)\b|exec(?:ute)?\b ?[\w@(]|declare @|create (?:table|user|database|function|procedure)\b|alter (?:table|user)\b|truncate\b|shutdown\b|waitfor (?:delay|time)\b).*)$`)

// sqlStmtEnd is how an injected statement ends: a separator or '#' and
// anything, or "--" at the very end.
const sqlStmtEnd = `(?:[;#].*|-- ?[-+]?)`

// reSQLiQuoteCallComment: the value opens by closing a literal (after at
// most one word), then a
// boolean operator, a function call and a comment that cuts the rest of
// the query (' OR json_valid('{}')--; norm drops an unclosed /* and
// what follows it, so the value ends there) or a ';' that ends the
// statement: the call is the condition. A backslash (a '/' in norm) may
// precede the quote (x\' or glob(id,id);): against an escaper that adds
// one before each quote, it escapes the added backslash instead.
var reSQLiQuoteCallComment = regexp.MustCompile(`^ ?[\w@.-]{0,40}/?['"\x60]\)* ?(?:or|and|xor|&&|\|\|) (?:not )?[a-z_]\w* ?\((?:[^()]{0,60}|[^()]{0,30}\([^()]{0,30}\)[^()]{0,30})\) ?\)* ?(?:--|#|/\*|;| ?$)`)

// quoteOperatorQuote: the whole value is a quote, one SQL operator and a
// quote ('=', '-', '||'): spliced into WHERE u='…' it compares two empty
// strings (”=”) and the condition holds for every row.
func quoteOperatorQuote(d string) bool {
	if len(d) < 3 || d[0] != '\'' || d[len(d)-1] != '\'' {
		return false
	}
	switch d[1 : len(d)-1] {
	case "=", "-", "+", "*", "/", "%", "&", "^", "|", "||", "<>", "!=", "<":
		return true
	}
	return false
}

// detectSQLiLibinjection asks libinjection about values with something of
// SQL in them: a quote, a keyword, a comment opener, or only symbols.
func detectSQLiLibinjection(e *emitter, v *value) {
	if v.cls&cHigh != 0 && v.cls&cQuote == 0 && strings.ContainsAny(v.dec, sqlQuoteLookalikes) && containsAny(v.dec, "--", "#", "/*") {
		// Judged as well as an application that converts the value to a
		// legacy code page before building its query reads it
		// (’ OR ’1=1#): its look-alike quotes are apostrophes then, and
		// prose keeps its prose rules (don’t, O’Brien). Only with a
		// comment that cuts the rest of the query: typographic quotes
		// around a word (logically ‘OR’) are how documents quote.
		q := *v
		q.dec, q.norm = asciiQuotes(v.dec), asciiQuotes(v.norm)
		q.cls |= cQuote
		detectSQLiLibinjection(e, &q)
	}
	quoted := v.cls&(cQuote|cBacktick) != 0
	// A value without letters only injects with symbols: 1 || 1=1.
	symbolic := v.cls&(cLower|cUpper) == 0 && v.cls&(cPipe|cAmp) != 0 && v.cls&cEq != 0
	if !quoted && !symbolic && v.kw&kwSQLGate == 0 && v.cls&cHash == 0 && !(v.cls&cStar != 0 && hasSQLComment(v.dec)) {
		return
	}
	if signedToken(v.dec) {
		// Rails' signed and encrypted cookies (payload--digest): their
		// "--" joins two tokens, it comments nothing out.
		return
	}
	if v.cls&cUpper != 0 && (v.kw&kwBool != 0 || strings.Contains(v.norm, "not ")) && (v.kind == KindQueryValue || v.kind == KindBodyValue) && booleanSearch(v.dec) {
		// "knee pain" AND (physio OR physiotherapy) NOT surgery: the
		// syntax of search boxes, whose phrases the tokenizer reads as
		// string literals and whose operators as SQL's.
		return
	}
	d, judged := v.dec, v
	if v.cls&cQuote != 0 && v.cls&cSpace != 0 && onlyApostrophes(d) {
		// Prose: every quote is an apostrophe inside a word (it's,
		// they've, O'Brien, l'hôtel); a tokenizer that reads them as
		// string delimiters sees SQL in English, and no literal is broken
		// out of.
		d = withoutApostrophes(v)
		if !e.in.askProse && proseCannotInject(v, d) {
			return
		}
		unquoted := *v
		unquoted.cls &^= cQuote
		judged = &unquoted
	}
	ok, fp := isSQLi(v.sc, d)
	if !ok && v.cls&cPlus != 0 && v.cls&cSpace == 0 {
		// "1+or+1=1": a form-encoded space nothing decoded.
		ok, fp = isSQLi(v.sc, plusAsSpace(v))
	}
	if ok && !phraseSearch(fp, judged) {
		if strongFingerprint(fp, judged) && !programText(v) {
			e.hit(rSQLiLibinjection)
		} else if judged == v {
			// A weak fingerprint of prose (its apostrophes dropped) is
			// how English reads: no signal.
			e.hit(rSQLiLibinjectionWeak)
		}
	}
}

// programText: v is a whole source file of a program (sourceDocument), not
// SQL: its arguments, arrow functions and template literals are what
// libinjection reads as fingerprints; an injection is a fragment.
func programText(v *value) bool {
	return v.kind == KindBodyValue && v.cls&cNL != 0 && len(v.dec) >= 120 && sourceDocument(v) && !sqlScript(v.dec)
}

// strongFingerprint decides whether a libinjection fingerprint is sure
// enough on its own. Token classes that only injections produce (UNION,
// a logical operator between literals, a comment, a statement separator, a
// variable) are; keywords, functions and T-SQL words are when a quote
// breaks out of a literal. What remains ("sos": "a" + "b", "n)on)",
// "nTnn" from the word "go") is how code and prose look too, so it only
// counts as a weak signal.
func strongFingerprint(fp string, v *value) bool {
	if queryLanguage(fp) {
		return false
	}
	if strings.ContainsAny(fp, "&v") {
		return true
	}
	// UNION only injects with a query after it: a bare "union" after a
	// quote is a JSON array of words (["union-station", …]).
	if strings.IndexByte(fp, 'U') >= 0 && containsAny(v.norm, "select", "values", "table") {
		return true
	}
	if stackedFingerprint(fp) {
		return true
	}
	// libinjection also reads an unbalanced backtick (Markdown code) as a
	// comment: a 'c' counts when the value has a real comment opener.
	if strings.IndexByte(fp, 'c') >= 0 && (strings.Contains(v.norm, "--") || strings.Contains(v.norm, "#") || strings.Contains(v.dec, "/*")) {
		// A dash written as "--" between words of prose ("50% off --
		// today only!") is punctuation: what an injection's comment
		// cuts off is the application's query, not a sentence.
		return !(len(fp) <= 2 && proseDash(v.norm))
	}
	if strings.HasPrefix(fp, "sE") && !strings.ContainsAny(fp, "&;Uc") && firstQuote(v.dec) == '"' {
		// A double-quoted phrase then a statement (T-Shirt "SELECT *
		// FROM coffee"): only T-SQL runs a statement right after a
		// literal, and there double quotes delimit names, not strings.
		return false
	}
	if strings.ContainsAny(fp, "EkfTBA") {
		if strings.IndexByte(fp, 'T') >= 0 && !hasTSQLWord(v.norm) && !strings.ContainsAny(fp, "EkfBA") {
			return false
		}
		return v.cls&cQuote != 0
	}
	return false
}

// signedToken: v is a token of Base64 (either alphabet, padded or
// percent-encoded) then "--" and a hex digest of 20 digits or more, the
// form of Rails' MessageVerifier and of the cookies signed like it.
func signedToken(v string) bool {
	i := strings.LastIndex(v, "--")
	if i < 8 || len(v)-i-2 < 20 {
		return false
	}
	for j := 0; j < len(v); j++ {
		c := v[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '+' || c == '/' || c == '=' || c == '%' || c == '.') {
			return false
		}
	}
	for _, c := range v[i+2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// proseDash: n has " -- " with two words of letters after it and a word
// before it, and no quote: a sentence's dash.
func proseDash(n string) bool {
	i := strings.Index(n, " -- ")
	if i <= 0 || strings.ContainsAny(n, "'\"`;") {
		return false
	}
	return proseWords(n[i+4:]) >= 2 && proseWords(n[:i]) >= 1
}

// firstQuote: the first quote character of d, 0 without one.
func firstQuote(d string) byte {
	if i := strings.IndexAny(d, "'\"`"); i >= 0 {
		return d[i]
	}
	return 0
}

// queryLanguage recognises the filter languages of ordinary applications
// (project = WEB AND status in (…): JQL, Lucene, OData), which libinjection
// reads as a logical operator between bare words, and search groups made
// of nothing else ((a) or (b), (red OR blue) AND (shoes)). They lack what
// an injection needs to run (a function, a keyword, a comment, a statement
// separator, a number, a literal): a weak signal only.
func queryLanguage(fp string) bool {
	if len(fp) >= 3 && fp[0] == 'n' && fp[1] == '&' && fp[2] == 'n' && !strings.ContainsAny(fp, "1cv;UEkfTBA") {
		return true
	}
	return strings.IndexByte(fp, '&') >= 0 && strings.Trim(fp, "n&()") == ""
}

// phraseSearch recognises a search engine phrase query ("union station"
// OR "penn station" -closed): no signal at all, search boxes send it all
// day.
func phraseSearch(fp string, v *value) bool {
	return len(fp) >= 3 && fp[0] == 's' && fp[1] == '&' && fp[2] == 's' && !strings.ContainsAny(fp, "1cv;UEkfTBA") && phraseQuery(v.dec)
}

// phraseQuery: the value opens with a quoted phrase of words ("new york"
// …): an injection that starts with a quote closes the application's
// literal instead, and what follows is an operator, not a phrase.
func phraseQuery(d string) bool {
	if len(d) < 3 || d[0] != '"' && d[0] != '\'' {
		return false
	}
	end := strings.IndexByte(d[1:], d[0])
	if end <= 0 {
		return false
	}
	p := d[1 : 1+end]
	if !(p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z') || strings.IndexByte(p, ' ') < 0 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '-' || c >= 0x80) {
			return false
		}
	}
	for _, w := range strings.Fields(strings.ToLower(p)) {
		if boolWordSet[w] {
			return false
		}
	}
	return true
}

// boolWordSet are the logical operators an injection puts right after
// the quote that closes the application's literal.
var boolWordSet = wordSet("or and xor not")

// stackedFingerprint: a statement separator followed by something a
// statement can start with. A ';' before a bare word or a string is how
// structured headers (Sec-Ch-Ua: " Not A;Brand";v="99"), parameter lists
// and prose use it.
func stackedFingerprint(fp string) bool {
	for i := 0; i < len(fp); i++ {
		if fp[i] == ';' && i+1 < len(fp) && strings.IndexByte("EkTfUBAvc(&", fp[i+1]) >= 0 {
			return true
		}
	}
	return false
}

// hasTSQLWord: libinjection reads "go" as a T-SQL batch separator; only
// the other T-SQL words make a 'T' token meaningful.
func hasTSQLWord(n string) bool {
	return containsAny(n, "waitfor", "declare", "exec", "shutdown", "xp_", "sp_", "dbcc", "bulk insert", "openrowset", "opendatasource")
}

// sqlFuncWords gate reSQLiFunction.
var sqlFuncWords = []string{"(select", "( select", "case when", "sleep", "benchmark", "waitfor", "information_schema", "xp_", "sp_", "load_file", "o_import", "o_export", "o_get", "o_put", "o_from", "ogram '", "ogram'", "into ", "@@", "extractvalue", "updatexml", "group_concat", "utl_", "dbms_", "sysobjects", "syscolumns", "sqlite_master", "pg_", "mysql.", "fn_", "master.", "randomblob", "make_set", "name_const", "geometrycollection", "exp", "procedure", "char", "concat", "rand(", "rand ("}

// sqlFuncCallWords gate reSQLiFunction: each of its alternatives contains
// one of them, as spelled in the normalised value. sqlFuncWords, a wider
// gate of the fragment grammar, has shorter words ("exp", "char", "into ")
// that prose is full of (express, charge, "into the").
var sqlFuncCallWords = []string{"sleep", "benchmark", "waitfor ", "information_schema", "xp_cmdshell", "sp_executesql", "sp_oacreate", "sp_makewebtask", "load_file", "pg_read_", "pg_ls_dir", "pg_stat_file", "lo_import", "lo_export", "lo_get", "lo_put", "lo_from_bytea", "ogram '", "ogram'", "into outfile", "into dumpfile", "@@", "extractvalue", "updatexml", "group_concat", "utl_", "dbms_", "sysobjects", "syscolumns", "sqlite_master", "pg_shadow", "mysql.user", "fn_varbintohexstr", "master.", "randomblob", "make_set", "name_const", "geometrycollection", "exp(", "exp (", "procedure analyse", "char(", "char (", "concat", "(select", "( select", "case when", "rand(", "rand ("}

// stackedWords are the statements reSQLiStacked looks for after a ';'.
var stackedWords = wordSet("drop declare exec execute shutdown insert delete update select create alter truncate grant waitfor")

// stackedCandidate: a ';' followed by an SQL statement word.
func stackedCandidate(n string) bool {
	for i := 0; i < len(n); i++ {
		if n[i] != ';' {
			continue
		}
		j := i + 1
		if j < len(n) && n[j] == ' ' {
			j++
		}
		k := j
		for k < len(n) && n[k] >= 'a' && n[k] <= 'z' {
			k++
		}
		if stackedWords[n[j:k]] {
			return true
		}
	}
	return false
}

// hasBoolOp finds and/or/xor as a word, or && / ||.
func hasBoolOp(n string) bool {
	if strings.Contains(n, "&&") || strings.Contains(n, "||") {
		return true
	}
	for _, w := range [...]string{"and", "or", "xor"} {
		for off := 0; ; {
			i := strings.Index(n[off:], w)
			if i < 0 {
				break
			}
			i += off
			end := i + len(w)
			if (i == 0 || !isWordByte(n[i-1])) && (end == len(n) || !isWordByte(n[end])) {
				return true
			}
			off = i + 1
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}

// proseCannotInject: d is prose with its apostrophes dropped, judged as
// a value without quotes, where only the token classes of
// strongFingerprint that need no quote count: a logic operator or a
// variable, UNION before a query, a statement separator, a comment. When d
// holds none of the bytes and words those tokens are made of, whatever
// libinjection says cannot count, and it is not asked (names and sentences
// with apostrophes are common in bodies). FuzzProseSkip checks the hits
// are the same as when it is asked.
func proseCannotInject(v *value, d string) bool {
	if containsAny(v.norm, "select", "values", "table") {
		return false
	}
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case proseSQLByte[c],
			c == '-' && i+1 < len(d) && d[i+1] == '-',
			c == '/' && i+1 < len(d) && d[i+1] == '*',
			// ı and ſ are upper-cased to I and S, which libinjection then
			// looks up as ASCII words.
			c == 0xC4 && i+1 < len(d) && d[i+1] == 0xB1,
			c == 0xC5 && i+1 < len(d) && d[i+1] == 0xBF:
			return false
		case sqlWordByte(c):
			j := i + 1
			for j < len(d) && sqlWordByte(d[j]) {
				j++
			}
			// After a digit, libinjection's number may take the first
			// letters (0x1f, 1e5, 1d): its word is then any tail of the
			// run.
			afterDigit := i > 0 && '0' <= d[i-1] && d[i-1] <= '9'
			for k := i; k < j && (k == i || afterDigit); k++ {
				if sqlOperandWord(d[k:j]) {
					return false
				}
			}
			i = j
			continue
		}
		i++
	}
	return true
}

// proseSQLByte are the bytes of libinjection's logic operators (&&, ||),
// variables (@), statement separators, comments (#) and of what
// libinjection reads differently in upper case ($, \) or as a string
// (", `).
var proseSQLByte = byteSet("&|@;#$\\\"`'")

// sqlWordByte: the bytes of a word as proseCannotInject splits them, a
// subset of libinjection's (which also takes digits, and stops at fewer
// bytes): a keyword libinjection reads is one of these runs, or the tail of
// one after a number.
func sqlWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// sqlOperandWord: w is one of libinjection's logic operators (AND, OR,
// XOR) or variable keywords (NULL, UNKNOWN, LOCALTIME…, CURRENT_…), in any
// case.
func sqlOperandWord(w string) bool {
	if len(w) < 2 || len(w) > 14 {
		return false
	}
	var buf [14]byte
	for i := 0; i < len(w); i++ {
		buf[i] = w[i] | 0x20
	}
	l := string(buf[:len(w)])
	switch l {
	case "and", "or", "xor", "null", "unknown", "localtime", "localtimestamp":
		return true
	}
	return strings.HasPrefix(l, "current")
}

// isSQLi is libinjection's verdict on d, asked in upper case. libinjection
// upper-cases every word it looks up in its keyword table with
// strings.ToUpper, which allocates a copy of each word with a lower-case
// letter; a word already in upper case is returned as is. Its verdict does
// not depend on letter case except in three places, where d is passed as
// given: "\N" (MySQL's NULL, capital only), the tags of PostgreSQL
// dollar-quoted strings ($a$…$a$, case-sensitive) and the "sp_password"
// audit-log evasion (matched in lower case). FuzzSQLiUpperCase checks the
// two verdicts are the same.
func isSQLi(sc *scratch, d string) (bool, string) {
	return libinjection.IsSQLi(sqliUpper(sc, d))
}

// sqliUpper returns d with its ASCII letters upper-cased (in sc.upper), or
// d itself where case matters to libinjection or nothing is lower case.
func sqliUpper(sc *scratch, d string) string {
	b := append(sc.upper[:0], d...)
	sc.upper = b
	var lower byte
	for i, c := range b {
		if c == '\\' || c == '$' {
			return d
		}
		l := c - 'a'
		if l < 26 {
			b[i] = c - ('a' - 'A')
			lower = 1
		}
	}
	if lower == 0 || strings.Contains(d, "sp_password") {
		return d
	}
	return bstr(b)
}

// plusAsSpace copies dec with '+' as ' '.
func plusAsSpace(v *value) string {
	b := append(v.sc.aux[:0], v.dec...)
	for i, c := range b {
		if c == '+' {
			b[i] = ' '
		}
	}
	v.sc.aux = b
	return bstr(b)
}

// hasSQLComment finds a closed /* … */ comment (not the "*/*" of an Accept
// header).
func hasSQLComment(d string) bool {
	i := strings.Index(d, "/*")
	return i >= 0 && strings.Contains(d[i+2:], "*/")
}

// boolWords gate hasBoolOp; cmpWords are the comparisons spelled as words.
var (
	boolWords = []string{"and", "or", "xor", "&&", "||"}
	cmpWords  = []string{" like ", " rlike ", " regexp ", " is "}
)

// unionAsWords reports that every UNION SELECT in n is English, not SQL:
// the words are followed by a word that cannot start a select list and
// then nothing SQL-like ("union select committee", a search URL's
// q=union+select+tutorial), or by nothing at all after other words ("a
// guide to union select", "what is union select?"). A select list starts with a literal, NULL, *,
// a variable, a parenthesis, a function call or a column list.
func unionAsWords(n string) bool {
	found := false
	for rest := n; ; {
		i := strings.Index(rest, "union")
		if i < 0 {
			return found
		}
		before := n[:len(n)-len(rest)+i]
		rest = rest[i+len("union"):]
		r := strings.TrimLeft(rest, " +")
		for _, q := range []string{"all", "distinct", "distinctrow"} {
			if t, ok := strings.CutPrefix(r, q); ok && (t == "" || t[0] == ' ' || t[0] == '+') {
				r = strings.TrimLeft(t, " +")
			}
		}
		t, ok := strings.CutPrefix(r, "select")
		if !ok {
			continue
		}
		t = strings.TrimLeft(t, " +")
		// The next token: letters only, then a word boundary that is
		// not a call, a list or a FROM.
		k := 0
		for k < len(t) && t[k] >= 'a' && t[k] <= 'z' {
			k++
		}
		if k == 0 {
			end := t == "" || t[0] == '?' || t[0] == '!' || t[0] == '/' && len(t) > 1 && t[1] >= 'a' && t[1] <= 'z'
			if end && strings.ContainsAny(before, "abcdefghijklmnopqrstuvwxyz") {
				// The end of a sentence about the keywords, or of a
				// path segment: "a guide to union select"; with
				// nothing to select it runs nothing. The bare words
				// alone are how a prober tests the filter.
				found = true
				continue
			}
			return false // a digit, NULL-ish symbol, *, @, (, quote …
		}
		word, after := t[:k], strings.TrimLeft(t[k:], " +")
		switch word {
		case "null", "all", "distinct", "top", "char", "concat", "version", "user", "database", "schema", "group_concat", "table_name", "column_name", "schema_name", "load_file", "current_user", "system_user", "session_user", "username", "password", "passwd", "pass", "email", "name", "id", "from", "case", "if", "sleep", "benchmark", "extractvalue", "updatexml", "unhex", "hex", "cast", "convert", "substring", "substr", "ascii", "count":
			return false
		}
		if after != "" && (after[0] == '(' || after[0] == ',' || after[0] == '.' || strings.HasPrefix(after, "from") || strings.HasPrefix(after, "into") || strings.HasPrefix(after, "as ") || strings.HasPrefix(after, "--") || after[0] == '#' || strings.HasPrefix(after, "/*")) {
			return false
		}
		found = true
	}
}

// onlyApostrophes reports that every ASCII quote in d is an apostrophe of
// English or French orthography: between two letters, with a contraction
// after it (n't, 's, 're, 've, 'll, 'd, 'm) or an elided article or name
// prefix before it (l', d', j', qu', O'). Double quotes and backticks, or
// SQL comment markers, rule prose out.
func onlyApostrophes(d string) bool {
	if strings.ContainsAny(d, "\"`#") || strings.Contains(d, "--") || strings.Contains(d, "/*") {
		return false
	}
	found := false
	for i := 0; i < len(d); i++ {
		if d[i] != '\'' {
			continue
		}
		if i == 0 || i+1 >= len(d) || !isLetter(d[i-1]) || !isLetter(d[i+1]) {
			return false
		}
		// The word after the apostrophe.
		j := i + 1
		for j < len(d) && isLetter(d[j]) {
			j++
		}
		after := strings.ToLower(d[i+1 : j])
		// The word before it.
		k := i - 1
		for k > 0 && isLetter(d[k-1]) {
			k--
		}
		before := strings.ToLower(d[k:i])
		switch {
		case after == "s" || after == "t" || after == "re" || after == "ve" || after == "ll" || after == "d" || after == "m":
		case before == "o" || before == "d" || before == "l" || before == "j" || before == "qu" || before == "n" || before == "s" || before == "c" || before == "m" || before == "t":
		default:
			return false
		}
		found = true
	}
	return found
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 }

// withoutApostrophes is v.dec with its apostrophes dropped.
func withoutApostrophes(v *value) string {
	b := v.sc.aux[:0]
	for i := 0; i < len(v.dec); i++ {
		if v.dec[i] != '\'' {
			b = append(b, v.dec[i])
		}
	}
	v.sc.aux = b
	return bstr(b)
}

// booleanSearch: s is a search-box query: words, double-quoted phrases of
// words, the upper-case operators AND, OR and NOT, parentheses, field
// prefixes (title:) and wildcards, and nothing of SQL (no comparison,
// comment, semicolon, single quote outside a word or SQL keyword). A
// phrase holds words only, so ") OR ("1 is not one.
func booleanSearch(s string) bool {
	if len(s) > 512 || !strings.Contains(s, " AND ") && !strings.Contains(s, " OR ") && !strings.Contains(s, "NOT ") {
		return false
	}
	depth, words, ops := 0, 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(':
			depth++
			i++
		case c == ')':
			depth--
			if depth < 0 {
				return false
			}
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j <= 0 {
				return false
			}
			for _, r := range s[i+1 : i+1+j] {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && r != '-' && r != '\'' && r != '.' {
					return false
				}
			}
			words++
			i += j + 2
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '(' && s[j] != ')' && s[j] != '"' {
				j++
			}
			w := s[i:j]
			switch w {
			case "AND", "OR", "NOT":
				ops++
			default:
				if !searchWord(w) {
					return false
				}
				if letterWord(w) {
					words++
				}
			}
			i = j
		}
	}
	return depth == 0 && words >= 2 && ops >= 1
}

// searchWord: a word of a search query, with an optional field prefix
// (title:…), wildcards and a fuzzy suffix (~), apostrophes and hyphens
// inside; not an SQL keyword.
func searchWord(w string) bool {
	if f, rest, ok := strings.Cut(w, ":"); ok && f != "" && rest != "" {
		w = rest
	}
	if w == "" {
		return false
	}
	for i, r := range w {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '*', r == '~' && i == len(w)-1, r == '?':
		case (r == '\'' || r == '-' || r == '.' || r == '_') && i > 0 && i < len(w)-1:
		default:
			return false
		}
	}
	switch strings.ToLower(w) {
	case "select", "union", "from", "where", "insert", "update", "delete", "drop", "exec", "execute", "sleep", "benchmark", "waitfor", "having", "like", "null", "true", "false", "case", "when", "then",
		"between", "in", "is", "exists", "all", "any", "some", "order", "group", "by", "limit", "char", "ascii", "substring", "version", "rlike", "regexp", "xor", "div", "mod":
		return false
	}
	return true
}

// letterWord: w has two letters or more (a number is no word of a search).
func letterWord(w string) bool {
	n := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}
