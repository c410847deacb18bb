package filter

import "strings"

// SQL query editors (BI tools such as Metabase, Redash and Grafana,
// phpMyAdmin, Datasette, ClickHouse's HTTP interface) send whole SELECT
// statements in a field named for them; every SQL rule fires on those, by
// design. An injection, though, is SQL that leaves the literal or number the
// application puts the value in. A value that is a read-only statement from
// its first word cannot do that by its SQL code: placed inside a quoted
// literal, that code stays text, and placed where a number is expected,
// SELECT without parentheses is a syntax error. What it could still do is
// carry code between its own quotes, which the application's literal would
// turn inside out (`SELECT 1 WHERE a=' OR 1=1 OR '`): so every quoted span
// must be plain text, and no statement may follow a ';'.

// sqlEditorName reports the field names that hold SQL text: sql, rawSql,
// sql_query, query, rawQuery, queryText, statement … (case, '_' and '-'
// ignored).
func sqlEditorName(name string) bool {
	if len(name) < 3 || len(name) > 16 {
		return false
	}
	switch name[0] | 0x20 {
	case 's', 'q', 'r', 'n': // every value's name passes here: stay cheap
	default:
		return false
	}
	var buf [16]byte
	switch string(squashName(buf[:0], name)) {
	case "sql", "rawsql", "sqlquery", "sqltext", "sqlstatement", "query", "rawquery", "querytext", "querystring", "nativequery", "statement":
		return true
	}
	return false
}

// squashName appends name to dst lower-cased, without '_' and '-'
// (rawSql, raw_sql and raw-SQL alike).
func squashName(dst []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || c == '-':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// sqlEditorValue: name is an SQL field and v a read-only statement (SELECT
// or WITH first, after comments, no INTO) whose quoted spans are plain and
// with nothing after a ';'.
func sqlEditorValue(name, v string) bool {
	return sqlEditorName(name) && sqlEditorStatement(v)
}

// sqlEditorStatement: v is a read-only statement (SELECT or WITH first,
// after comments, no INTO) whose quoted spans are plain and with nothing
// after a ';', as fields named for SQL hold.
func sqlEditorStatement(v string) bool {
	if len(v) < 12 {
		return false
	}
	s := skipSQLComments(v)
	word := s
	if i := strings.IndexAny(s, " \t\r\n("); i > 0 {
		word = s[:i]
	} else {
		return false
	}
	if !strings.EqualFold(word, "select") && !strings.EqualFold(word, "with") {
		return false
	}
	if i := strings.IndexByte(s, ';'); i >= 0 && strings.TrimSpace(s[i+1:]) != "" {
		return false
	}
	if strings.Contains(s, `\'`) || strings.Contains(s, `\"`) || strings.Contains(s, "\\`") {
		// MySQL reads \' as a quote inside a literal: the spans of the
		// application's literal would not be the ones checked below.
		return false
	}
	if writesFile(s) {
		return false
	}
	return plainQuoted(s, '\'') && plainQuoted(s, '"') && plainQuoted(s, '`')
}

// sqlScript: v is a multi-line SQL script, any field's value (a snippet's
// file, a migration, a query saved with a report): a statement from its
// first word, after comments, no quote escaped with a backslash, every
// quoted span plain. Read and write statements alike, several of them:
// placed in the application's literal the whole script stays text, and
// where a number is expected its first word is a syntax error (but in an
// IN list, where a subquery is one: injected payloads there are one line,
// a script is three or more). A search box or a form field holds one line;
// an injection needs no line break.
func sqlScript(v string) bool {
	return len(v) >= 24 && strings.Count(v, "\n") >= 2 && sqlStatement(v)
}

// sqlStatement: v starts an SQL statement from its first word (after
// comments), escapes no quote with a backslash, and has only plain quoted
// spans: SQL that reads as text inside a literal.
func sqlStatement(v string) bool {
	s := skipSQLComments(v)
	i := strings.IndexAny(s, " \t\r\n(")
	if i <= 0 || !sqlStatementWords[strings.ToLower(s[:i])] {
		return false
	}
	if strings.Contains(s, `\'`) || strings.Contains(s, `\"`) || strings.Contains(s, "\\`") {
		return false
	}
	return plainQuoted(s, '\'') && plainQuoted(s, '"') && plainQuoted(s, '`')
}

// sqlStatementWords start an SQL statement.
var sqlStatementWords = wordSet("select with insert update delete merge upsert replace create drop alter truncate rename comment grant revoke explain analyze vacuum declare begin set show describe use call exec execute prepare copy")

// writesFile: SELECT … INTO (OUTFILE, DUMPFILE, a new table) is no read.
func writesFile(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }) {
		if strings.EqualFold(w, "into") || strings.EqualFold(w, "outfile") || strings.EqualFold(w, "dumpfile") {
			return true
		}
	}
	return false
}

// templatePlaceholder: s starts with {{ name }} (letters, digits, '_', '.'
// and blanks inside); its length, or 0.
func templatePlaceholder(s string) int {
	if !strings.HasPrefix(s, "{{") {
		return 0
	}
	end := strings.Index(s, "}}")
	if end < 0 || end > 64 {
		return 0
	}
	inner := strings.TrimSpace(s[2:end])
	if inner == "" {
		return 0
	}
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return 0
		}
	}
	return end + 2
}

// skipSQLComments drops leading white space and --, # and /* */ comments
// (not MySQL's executable /*! … */).
func skipSQLComments(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		switch {
		case strings.HasPrefix(s, "--"), strings.HasPrefix(s, "#"):
			// -- in every dialect, # in MySQL and BigQuery.
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*") && !strings.HasPrefix(s, "/*!"):
			i := strings.Index(s, "*/")
			if i < 0 {
				return ""
			}
			s = s[i+2:]
		default:
			return s
		}
	}
}

// plainQuoted reports whether q appears an even number of times in s and
// every span between the 1st and 2nd, 3rd and 4th … q is plain text: the
// spans that a literal opened by the application before s would read as
// code. A doubled quote (O”Brien) splits a span in two, both checked.
func plainQuoted(s string, q byte) bool {
	inside := false
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != q {
			continue
		}
		if inside && !plainSQLSpan(s[start:i]) {
			return false
		}
		inside = !inside
		start = i + 1
	}
	return !inside
}

// plainSQLSpan: letters, digits, spaces and . : / % @ _ - only, no comment
// opener and no SQL keyword that would continue a statement.
func plainSQLSpan(s string) bool {
	if strings.Contains(s, "--") || strings.Contains(s, "/*") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '{' {
			// A BI tool's template placeholder ('{{ from_dttm }}',
			// '{{start_date}}'): a name the tool substitutes.
			if n := templatePlaceholder(s[i:]); n > 0 {
				i += n - 1
				continue
			}
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '.' || c == ':' || c == '/' || c == '%' || c == '@' || c == '_' || c == '-' || c == '*' || c == ',' || c >= 0x80) {
			return false
		}
	}
	for _, w := range strings.Fields(s) {
		if sqlContinuationWord(w) {
			return false
		}
	}
	return true
}

// sqlContinuationWord: words that, after a literal, continue a statement
// (operators, clauses, set operations, file writes, timing).
func sqlContinuationWord(w string) bool {
	switch strings.ToLower(w) {
	case "or", "and", "xor", "not", "is", "in", "like", "rlike", "regexp", "between", "sounds", "div", "mod",
		"union", "intersect", "except", "minus", "select", "from", "where", "having", "group", "order", "by", "limit", "offset",
		"procedure", "into", "outfile", "dumpfile", "case", "when", "then", "else", "end", "exec", "execute", "declare",
		"waitfor", "delay", "collate", "escape", "null", "true", "false", "all", "any", "some", "exists", "join", "on":
		return true
	}
	return false
}
