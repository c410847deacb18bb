package filter

import (
	"regexp"
	"strings"
)

// Probes without a payload: a value that is only a call of an SQL or PHP
// builtin (the attacker tests whether the parameter reaches an SQL
// expression or an evaluated string before sending the real payload), and
// SQL statements and clauses written where a value was expected: DDL,
// T-SQL variables and dynamic execution, CASE WHEN … THEN, GROUP BY …
// HAVING, a column alias then FROM, a statement stacked after a leading
// separator.

// sqlProbeFuncs are SQL builtins (MySQL, PostgreSQL, MSSQL, Oracle,
// SQLite) of the kind injections call: string building and slicing,
// hashing and encoding, conditionals, maths used in blind comparisons,
// session and catalogue information. wordy marks the names that are also
// English words or common labels (user(s), version(2)): their calls count
// only with SQL-looking arguments (see callProbe).
var sqlProbeFuncs = map[string]bool{
	"benchmark": false, "sleep": false, "pg_sleep": false, "concat": false, "concat_ws": false, "group_concat": false, "coalesce": false,
	"ifnull": false, "nullif": false, "isnull": false, "nvl": false, "unhex": false, "hex": true, "xmltype": false, "extractvalue": false, "updatexml": false,
	"sysdate": false, "database": true, "db_name": false, "current_user": false, "session_user": false, "system_user": false, "user": true,
	"schema_name": false, "version": true, "find_in_set": false, "uncompress": false, "compress": true, "substr": false, "substring": false,
	"mid": true, "ascii": true, "ord": true, "char": true, "rand": true, "pow": true, "sin": true, "cos": true, "trim": true, "rtrim": false,
	"ltrim": false, "strcmp": false, "decode": true, "encode": true, "insert": true, "md5": false, "sha1": false, "sha2": false, "load_file": false,
	"char_length": false, "instr": false, "locate": false, "elt": false, "make_set": false, "conv": false, "soundex": false, "lpad": false,
	"rpad": false, "utl_inaddr": false, "div": true, "randomblob": false, "sqlite_version": false, "pg_read_file": false, "suser_name": false,
}

// phpProbeFuncs are PHP builtins that decode, execute, read or open
// something, or that a probe calls to see its output echoed (print_r,
// intval, strrev); wordy as above.
var phpProbeFuncs = map[string]bool{
	"exec": false, "system": true, "passthru": false, "shell_exec": false, "popen": false, "proc_open": false, "eval": false, "assert": true,
	"call_user_func": false, "call_user_func_array": false, "create_function": false, "fsockopen": false, "gzdecode": false, "gzinflate": false,
	"gzuncompress": false, "zlib_decode": false, "base64_decode": false, "str_rot13": false, "strrev": false, "print_r": false, "var_dump": false,
	"var_export": false, "printf": false, "sprintf": false, "intval": false, "is_array": false, "strip_tags": false, "file_exists": false,
	"file_get_contents": false, "file_put_contents": false, "fopen": false, "fread": false, "fwrite": false, "fputs": false, "file": true,
	"readfile": false, "filegroup": false, "fileowner": false, "fileperms": false, "unpack": true, "unserialize": false, "curl_init": false,
	"curl_exec": false, "get_defined_functions": false, "get_defined_vars": false, "phpinfo": false, "phpversion": false, "ini_get": false,
	"ini_set": false, "getenv": false, "putenv": false, "chr": false, "str_replace": false, "preg_replace": false, "array_map": false,
	"highlight_file": false, "show_source": false, "md5_file": false, "posix_getuid": false, "getcwd": false, "scandir": false,
}

// callProbe reports whether s (normalised, trimmed) is only one call of
// a function of funcs: name, optional spaces, "(", simple arguments
// (literals, variables, two nested call levels) and ")" or nothing (an
// unclosed call), then at most an index ([0]) and ";". A wordy name needs
// an empty argument list, an unclosed call, or arguments holding a quote,
// $, @, comma, operator or nested call.
func callProbe(s string, funcs map[string]bool) bool {
	i := 0
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] == '_' || i > 0 && s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i < 2 {
		return false
	}
	wordy, ok := funcs[s[:i]]
	if !ok {
		return false
	}
	j := i
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j == len(s) || s[j] != '(' {
		return false
	}
	depth, sqlish := 0, false
	k := j
	for ; k < len(s); k++ {
		c := s[k]
		switch {
		case c == '(':
			depth++
			if depth > 3 {
				return false
			}
			if depth == 2 {
				sqlish = true
			}
		case c == ')':
			depth--
		case c >= 'a' && c <= 'z' && c != 'x' || c == '_' || c == ' ' || c == '.':
		case c >= '0' && c <= '9':
		case c == 'x':
			// 0x41 is a hex literal.
			sqlish = sqlish || s[k-1] == '0'
		case c == '\'' || c == '"' || c == '$' || c == '@' || c == ',' || c == '-' || c == '+' || c == '*' || c == '/' || c == '=' || c == '`':
			sqlish = true
		default:
			return false
		}
		if depth == 0 {
			break
		}
	}
	if k == len(s) {
		// Unclosed: a probe for the error message.
		return true
	}
	if wordy && k > j+1 && !sqlish && strings.TrimSpace(s[j+1:k]) != "" {
		return false
	}
	rest := strings.TrimLeft(s[k+1:], " ")
	if len(rest) >= 3 && rest[0] == '[' {
		m := 1
		for m < len(rest) && rest[m] >= '0' && rest[m] <= '9' {
			m++
		}
		if m == 1 || m >= len(rest) || rest[m] != ']' {
			return false
		}
		rest = strings.TrimLeft(rest[m+1:], " ")
	}
	return rest == "" || rest == ";"
}

// probeText is the part of a value a call probe is looked for in: the
// value without edge spaces, the last segment of a path.
func probeText(v *value) string {
	s := v.norm
	if v.kind == KindPath {
		s = s[strings.LastIndexByte(s, '/')+1:]
	}
	if s != "" && (s[0] == ' ' || s[len(s)-1] == ' ') {
		s = strings.TrimSpace(s)
	}
	return s
}

// selectCall: SELECT followed (after parentheses, a column list or a
// stray comment end) by a call of a SQL builtin or IF, or by a bare
// timing function (select pg_sleep): select char(, select(user(,
// select 1,2,user(, select if(x.
func selectCall(s string) bool {
	if !strings.HasPrefix(s, "select") {
		return false
	}
	i := len("select")
	for i < len(s) && strings.IndexByte(" (*/0123456789,", s[i]) >= 0 {
		i++
	}
	if i == len("select") || i == len(s) {
		return false
	}
	j := i
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] == '_' || s[j] >= '0' && s[j] <= '9') {
		j++
	}
	name := s[i:j]
	if _, ok := sqlProbeFuncs[name]; !ok && name != "if" {
		return false
	}
	rest := strings.TrimLeft(s[j:], " ")
	if rest == "" {
		return name == "pg_sleep" || name == "sleep" || name == "benchmark"
	}
	if rest[0] != '(' {
		return false
	}
	// Unclosed, or arguments that are not a word ("Select sleep (mode)").
	end := strings.IndexByte(rest, ')')
	return end < 0 || strings.ContainsAny(rest[1:end], "0123456789'\"@$,(")
}

// phpIniDirectives are php.ini directives (and prefixes of their
// families) that change what PHP runs, includes, allows or logs; a value
// that is only "directive = value" is an ini injection (a .user.ini, an
// ini_set wrapper, a php_value line).
var phpIniDirectives = []string{"opcache.", "mbstring.", "zend.", "pcre.", "allow_url_", "auto_prepend_file", "auto_append_file", "disable_functions", "disable_classes", "open_basedir", "memory_limit", "extension_dir", "unserialize_max_depth", "max_execution_time", "display_errors", "error_log", "include_path", "upload_tmp_dir", "sendmail_path", "sendmail_from", "short_open_tag", "register_globals", "safe_mode", "enable_dl", "file_uploads", "log_errors", "html_errors", "error_reporting", "expose_php", "output_handler", "user_ini.", "phar.", "assert.", "session.save_path", "session.serialize_handler", "xdebug."}

// phpIniLine: n is only a directive of phpIniDirectives, '=', and a
// value on the same line.
func phpIniLine(n string) bool {
	eq := strings.IndexByte(n, '=')
	if eq < 3 || eq > 48 || strings.IndexByte(n, '\n') >= 0 {
		return false
	}
	name := strings.TrimRight(n[:eq], " ")
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c == '_' || c == '.' || c >= '0' && c <= '9') {
			return false
		}
	}
	for _, d := range phpIniDirectives {
		if strings.HasPrefix(name, d) && (d[len(d)-1] == '.' || d[len(d)-1] == '_' || len(name) == len(d)) {
			return true
		}
	}
	return false
}

// SQL written where a value was expected, at the start of the value
// (after at most a quote, a parenthesis, ';' or '/'):
//   - DDL: CREATE TABLE/FUNCTION/PROCEDURE/VIEW/TRIGGER/INDEX/DATABASE/USER
//     with a name and then "(", RETURNS, AS or the end; ALTER TABLE name
//     ADD/CHANGE/DROP/MODIFY/RENAME/ALTER;
//   - T-SQL and PL/SQL: DECLARE @var, EXEC(@…), EXEC master., EXECUTE
//     IMMEDIATE '…';
//   - a statement stacked after a leading ';' (;truncate[x], ;replace(…)
//     values (…), ';select p);
//   - CASE WHEN x THEN y; IF(1=; ") LIKE ("; a column list AS "alias"
//     FROM; GROUP BY cols HAVING an aggregate or comparison; a quoted
//     literal compared to an unclosed one ('x'!='y: the query closes it);
//     a number glued to an identifier (1.e(ascii), 1.e.tables: MySQL reads
//     1.e as the number 1).
var (
	reSQLStmtStart = regexp.MustCompile(`^(?:create (?:or replace )?(?:temporary )?(?:table|function|procedure|view|trigger|index|database|schema|user|login) (?:if not exists )?[\w` + "`" + `"\[\].@]{1,64}(?: ?\(| returns | as |$)|alter table [\w` + "`" + `"\[\].]{1,64} (?:add|change|drop|modify|rename|alter|convert|engine)\b|declare @\w+ ?(?:$|[=;,]|(?:as )?(?:int|bigint|smallint|tinyint|varchar|nvarchar|char|nchar|text|ntext|table|sysname|cursor|bit|datetime|xml|sql_variant|decimal|numeric|float|real|money|varbinary|uniqueidentifier)\b)|exec(?:ute)? ?\( ?@|exec(?:ute)? master ?\.|execute immediate ['"]|case when [\w.'"@()]{1,40}(?: ?(?:=|<>|!=|<=|>=|<|>| is | like | in ) ?[\w.'"@()]{1,40})? then [\w.'"@()-]{1,40}(?: else | end\b|$)|if ?\( ?\d+ ?=|\) ?like ?\(|\d+ as ["` + "`" + `]\w{1,40}["` + "`" + `] from\b|select [\w*` + "`" + `.]{1,40} (?:from [\w` + "`" + `.]{1,64} )?group by [\w` + "`" + `.,]{1,80} having |['"]\w{0,20}['"] ?(?:!=|<>) ?['"]\w{0,20}$|\d+\.e ?(?:\(|\.[a-z_]))`)
	reSQLStacked   = regexp.MustCompile(`^['"\x60]? ?; ?(?:truncate|replace|insert|delete|update|drop|alter|create|grant|revoke|shutdown|declare|select|exec|execute)(?: |\(|\[|$)`)
	reSQLAliasFrom = regexp.MustCompile("(?:^|[\\w`)] ?)` ?as ?`\\w{1,40}` ?from(?: |$)|^[\\w` ]{0,40}[\"`] ?as ?\" ?from\\b")
)

// sqlCatalogName: n is a system catalogue name (a table or database
// parameter pointed at the catalogue). A switch, not a map: most short
// values are tested.
func sqlCatalogName(n string) bool {
	switch n {
	case "pg_catalog", "information_schema", "mysql.db", "mysql.user", "msysaccessobjects", "msysobjects", "msysqueries", "msysrelationships",
		"sysobjects", "syscolumns", "sqlite_master", "sqlite_schema", "tempdb", "msdb", "pg_shadow", "pg_authid", "all_tables", "dba_users",
		"sys.sql_logins", "master..sysdatabases":
		return true
	}
	return false
}

// sqlStmtText: n without the punctuation an injection puts before its
// statement.
func sqlStmtText(n string) string {
	i := 0
	for i < len(n) && i < 4 && (n[i] == ' ' || n[i] == '/' || n[i] == '(') {
		i++
	}
	return n[i:]
}

// Class gates of the probe detectors (see detectAllProbes).
const (
	stmtClasses   = cParen | cSpace | cSemi | cPlus | cEq | cQuote | cBacktick | cStar
	shellClasses  = cSemi | cPipe | cAmp | cLT | cGT | cDollar | cTilde
	scriptClasses = cParen | cDot | cBracket | cBrace | cColon
	probeClasses  = stmtClasses | shellClasses | scriptClasses
)

// detectAllProbes dispatches a value to the probe detectors its kind and
// classes allow: header values to the shell shapes only, paths to the
// call probe of their last segment only.
func detectAllProbes(e *emitter, v *value) {
	n := v.norm
	if len(n) < 2 {
		return
	}
	switch v.kind {
	case KindHeaderValue:
		if v.cls&shellClasses != 0 {
			detectShellProbe(e, v)
		}
		return
	case KindPath:
		if v.cls&cParen != 0 {
			detectProbes(e, v)
		}
		return
	}
	if v.cls&stmtClasses != 0 || len(n) <= 26 && (v.cls&cDigit == 0 || n[0] <= '9') {
		detectProbes(e, v)
	}
	if v.cls&shellClasses != 0 {
		detectShellProbe(e, v)
	}
	if v.cls&scriptClasses != 0 {
		detectScriptProbes(e, v)
	}
}

// sqlStmtCandidate: s starts with the first words of a shape of
// reSQLStmtStart (a prefix test before the regexp).
func sqlStmtCandidate(s string) bool {
	switch s[0] {
	case 'c':
		return strings.HasPrefix(s, "create ") || strings.HasPrefix(s, "case when ")
	case 'a':
		return strings.HasPrefix(s, "alter table ")
	case 'd':
		return strings.HasPrefix(s, "declare @")
	case 'e':
		return strings.HasPrefix(s, "exec")
	case 'i':
		return strings.HasPrefix(s, "if(") || strings.HasPrefix(s, "if (")
	case ')':
		return strings.Contains(s, "like")
	case '\'', '"':
		return strings.Contains(s, "!=") || strings.Contains(s, "<>")
	case 's':
		return strings.HasPrefix(s, "select ") && strings.Contains(s, " having ")
	}
	return s[0] >= '0' && s[0] <= '9' && (strings.Contains(s, " as ") || strings.Contains(s, ".e"))
}

// detectProbes runs the call probes, the catalogue names and the SQL
// statement shapes.
func detectProbes(e *emitter, v *value) {
	n := v.norm
	if len(n) < 4 {
		return
	}
	if v.cls&cParen != 0 && len(n) <= 96 {
		s := probeText(v)
		if len(s) >= 4 && strings.IndexByte(")(;]", s[len(s)-1]) >= 0 {
			sq := s
			if sq[0] == ',' {
				// A column list continued: , find_in_set('2', c).
				sq = strings.TrimLeft(sq[1:], " ")
			}
			if callProbe(sq, sqlProbeFuncs) {
				e.hit(rSQLiCallProbe)
				return
			}
			if callProbe(s, phpProbeFuncs) {
				e.hit(rPHPCallProbe)
				return
			}
		}
	}
	switch v.kind {
	case KindPath, KindUserAgent, KindBodyRaw:
		return
	}
	if len(n) <= 26 && v.cls&(cParen|cQuote|cSlash|cEq) == 0 && strings.IndexByte("pimstad ", n[0]) >= 0 {
		if sqlCatalogName(n) || n[len(n)-1] == ' ' && sqlCatalogName(strings.TrimSpace(n)) {
			e.hit(rSQLiCallProbe)
			return
		}
	}
	if v.cls&(cSpace|cParen|cSemi|cQuote|cBacktick|cPlus|cEq|cNL|cStar) == 0 && (n[0] < '0' || n[0] > '9') {
		// One word: none of the statement shapes (but 1.e.tables).
		return
	}
	s := sqlStmtText(n)
	if len(s) < 4 {
		return
	}
	if s[0] == 's' && selectCall(s) {
		e.hit(rSQLiFragment)
		return
	}
	if v.cls&cEq != 0 && v.cls&(cDot|cSpace) != 0 || v.cls&cEq != 0 && strings.IndexByte(n, '_') >= 0 {
		if phpIniLine(strings.TrimSpace(n)) {
			e.hit(rPHPCallProbe)
			return
		}
	}
	if sqlStmtCandidate(s) && reSQLStmtStart.MatchString(s) {
		e.hit(rSQLiFragment)
		return
	}
	if v.cls&cSemi != 0 && (s[0] == ';' || (s[0] == '\'' || s[0] == '"' || s[0] == '`') && len(s) > 2 && (s[1] == ';' || s[2] == ';')) && reSQLStacked.MatchString(s) {
		e.hit(rSQLiFragment)
		return
	}
	if v.cls&(cBacktick|cQuote) != 0 && strings.Contains(n, " from") && reSQLAliasFrom.MatchString(n) {
		e.hit(rSQLiFragment)
	}
}

// Shell shapes that need no known command after them:
//   - an information command, then a separator, at the start of the value
//     (whoami;…, id|…, uname&&…);
//   - a here-string fed to a command (irb<<<1+2, gcc<<<'…'): bash syntax;
//     with a space before <<< only after a known command (cat <<< x);
//   - /tcp/ or /udp/ host/port reached through a variable ($d/tcp/…/80:
//     /dev/tcp spelled without /dev);
//   - a function that pipes itself into itself in the background, then is
//     called (f() { f | f & } f), without the ';' of the classic fork bomb;
//   - the directory-stack tilde expansions ~+ and ~- as the whole value;
//   - output redirected into a world-writable directory as the whole
//     value (>/tmp/x, >>/dev/shm/y: the first step of a dropper);
//   - cd to the root or a system directory after a leading separator
//     (;cd /;cd etc;…).
var (
	reHereString  = regexp.MustCompile(`(?:^|[;|&] ?)[a-z][\w.+-]{0,30} ?<<< ?\S`)
	reVarDevTCP   = regexp.MustCompile(`(?:\$\w+|\$\{\w+\})/(?:tcp|udp)/[\w.-]+/\d{1,5}\b`)
	reRedirectTmp = regexp.MustCompile(`^>>? ?/(?:tmp|var/tmp|dev/shm)/[\w.-]+$`)
	reSelfPipeFn  = regexp.MustCompile(`([\w:.]+) ?\( ?\) ?\{ ?[\w:.]+ ?\| ?[\w:.]+ ?& ?\} ?;? ?[\w:.]+`)
)

// infoThenSep: n starts with an information command (with an option for
// uname and netstat), then ';', '|' or '&'.
func infoThenSep(n string) bool {
	if strings.IndexByte("wiuhpsnt", n[0]) < 0 {
		return false
	}
	k := 0
	for k < len(n) && k < 12 && n[k] >= 'a' && n[k] <= 'z' {
		k++
	}
	if k < 2 || k == len(n) {
		return false
	}
	switch n[:k] {
	case "whoami", "id", "ifconfig", "ipconfig", "hostname", "pwd", "printenv", "systeminfo", "tasklist":
	case "uname", "netstat":
		if rest := n[k:]; len(rest) > 2 && rest[0] == ' ' && rest[1] == '-' {
			k += 2
			for k < len(n) && n[k] >= 'a' && n[k] <= 'z' {
				k++
			}
		}
	default:
		return false
	}
	if k < len(n) && n[k] == ' ' {
		k++
	}
	return k < len(n) && (n[k] == ';' || n[k] == '|' || n[k] == '&')
}

// detectShellProbe flags the shapes above in values, names, cookies and
// headers (not paths, User-Agents or raw bodies).
func detectShellProbe(e *emitter, v *value) {
	switch v.kind {
	case KindPath, KindUserAgent, KindBodyRaw:
		return
	}
	n := strings.TrimLeft(v.norm, " ")
	if len(n) < 2 {
		return
	}
	if n[0] == '~' {
		if d := strings.TrimSpace(v.dec); len(d) >= 2 && (d[1] == '+' || d[1] == '-') && strings.TrimRight(d[2:], "0123456789") == "" {
			e.hit(rRCECommandLine)
		}
		return
	}
	if v.cls&(cSemi|cPipe|cAmp) != 0 {
		if infoThenSep(n) {
			e.hit(rRCECommandLine)
			return
		}
		if (n[0] == ';' || n[0] == '|' || n[0] == '&') && strings.Contains(n, "cd ") {
			line := strings.TrimLeft(n, ";|& ")
			if strings.HasPrefix(line, "cd ") && cdThenCommand(line) {
				e.hit(rRCECommandLine)
				return
			}
		}
	}
	if n[0] == '>' && reRedirectTmp.MatchString(n) {
		e.hit(rRCECommandLine)
		return
	}
	if v.cls&cLT != 0 && strings.Contains(n, "<<<") {
		if m := reHereString.FindString(n); m != "" {
			pre := m[:strings.Index(m, "<<<")]
			w := strings.TrimRight(strings.TrimLeft(pre, ";|& "), " ")
			if !strings.HasSuffix(pre, " ") || cmdLineStarts[w] || strongCmds[w] || weakCmds[w] {
				e.hit(rRCECommandLine)
				return
			}
		}
	}
	if v.cls&cDollar != 0 && (strings.Contains(n, "/tcp/") || strings.Contains(n, "/udp/")) && reVarDevTCP.MatchString(n) {
		e.hit(rRCECommandLine)
		return
	}
	if v.cls&cBrace != 0 && v.cls&cPipe != 0 && v.cls&cAmp != 0 && reSelfPipeFn.MatchString(n) {
		e.hit(rRCECommandLine)
	}
}

// jsProbeFuncs are browser builtins a probe calls alone to see whether
// the value runs as script: timers (which evaluate a string), the Base64
// codecs, dialogs and the DOM writers.
var jsProbeFuncs = map[string]bool{
	"setinterval": false, "settimeout": false, "setimmediate": false, "atob": false, "btoa": false, "alert": true, "prompt": true,
	"confirm": true, "eval": false, "unescape": false, "decodeuricomponent": false, "requestanimationframe": false,
}

// DOM code as the whole value: an expression that starts at a DOM global
// (document, window, self, top, parent, or one of them in parentheses)
// and reads the cookie, domain or location, writes markup (innerHTML or
// outerHTML set to a string with a tag, document.write), points a source
// or an action elsewhere (.src=, .action=), builds or inserts elements
// (createElement, appendChild, insertAdjacentHTML), or reaches a member
// by a string in brackets ((document)["cookie"], self["\x24"]).
var reDOMExpr = regexp.MustCompile(`^[(. ]*\(? ?(?:document|window|self|top|parent|globalthis) ?\)? ?(?:\[ ?["'\x60]|\.(?:cookie|domain|location|write|writeln)\b ?(?:$|[).;=(\[])|\.(?:cookie|domain|location|body|head|documentelement|createelement|queryselector(?:all)?|getelementbyid|getelementsby\w+|forms|images|scripts)\b[^;]{0,200}?(?:\.(?:innerhtml|outerhtml) ?= ?["'\x60][^"'\x60]{0,80}<|\.(?:src|href|action) ?=|\.(?:appendchild|insertadjacenthtml|insertbefore|replacewith|append|prepend|write|writeln) ?\(|\bcreateelement ?\(|\.cookie\b|\.domain\b))`)

// domMention: a DOM expression then words, with no operator, call, index
// or string anywhere ("window.location.href redirect", a search on a
// documentation site): it reads and runs nothing.
func domMention(n string) bool {
	i := strings.IndexByte(n, ' ')
	return i > 0 && strings.TrimSpace(n[i:]) != "" && strings.IndexAny(n, "=(+[]'\"`;,{}") < 0
}

// domStart: n starts (after parentheses, dots and spaces) with a DOM
// global; the gate of reDOMExpr.
func domStart(n string) bool {
	i := 0
	for i < len(n) && i < 8 && (n[i] == '(' || n[i] == '.' || n[i] == ' ') {
		i++
	}
	s := n[i:]
	return strings.HasPrefix(s, "document") || strings.HasPrefix(s, "window") || strings.HasPrefix(s, "self") || strings.HasPrefix(s, "top") || strings.HasPrefix(s, "parent") || strings.HasPrefix(s, "globalthis")
}

// reCSSURLScript: a CSS url( of a script URI, the colon left off or cut
// by the length limit of the field (x:url(javascript).
var reCSSURLScript = regexp.MustCompile(`: ?url ?\( ?["']? ?(?:javascript|vbscript)\b`)

// reTemplateIf: a template conditional around a literal ({% if 1 %}49{%
// endif %}, {% if True %}…): the output tells whether a template engine
// evaluated the value.
var reTemplateIf = regexp.MustCompile(`\{%-? ?if [^%]{1,40}%\}[^{}]{0,40}\{%-? ?endif ?-?%\}`)

// templateOfData: every {% if %} of n tests a field of the template's
// data ({% if customer.tags contains 'vip' %}): an email or page template
// being saved or previewed. A probe's condition is a constant (1, 7*7==49,
// 'a'=='a'), which no template needs.
func templateOfData(n string) bool {
	locs := reTemplateIf.FindAllStringIndex(n, 8)
	if len(locs) == 0 {
		return false
	}
	for _, l := range locs {
		cond := n[l[0]:l[1]]
		cond = cond[strings.Index(cond, "if ")+3:]
		cond = cond[:strings.IndexByte(cond, '%')]
		if !reDataPath.MatchString(cond) {
			return false
		}
	}
	return true
}

// reDataPath: a dotted path into the template's data (customer.tags,
// order.total).
var reDataPath = regexp.MustCompile(`\b[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+\b`)

// reRFIPathName: PHP configuration variables that name a directory the
// application includes from (mosConfig_absolute_path, _CONF[path],
// include_path, base_dir …).
var reRFIPathName = regexp.MustCompile(`(?:^|[_\[.])(?:absolute_path|abs_path|base_?path|root_?path|include_?path|inc_?path|lib_?path|class_?path|base_?dir|root_?dir|inc_?dir|lib_?dir|path|dir)\]?$`)

// reStaticURL: a URL of an image, a style sheet, a script served to the
// browser (and its source map) or a document, which a
// path-like parameter may well hold.
var reStaticURL = regexp.MustCompile(`\.(?:jpe?g|png|gif|svg|webp|ico|css|pdf|mp4|mp3|woff2?|html?|m?js|map)(?:[?#].*)?$`)

// phpDispatchers are the PHP functions that call a function they are
// given, or run code or a process: no form or API sends one of their
// names as a value.
var phpDispatchers = wordSet("call_user_func call_user_func_array create_function forward_static_call forward_static_call_array register_shutdown_function register_tick_function preg_replace_callback iterator_apply pcntl_exec shell_exec proc_open")

// pathVarSuffix: name ends, in any case, with "path" or "dir" (then at
// most "]"): the cheap test before reRFIPathName.
func pathVarSuffix(name string) bool {
	name = strings.TrimSuffix(name, "]")
	for _, suf := range [...]string{"path", "dir"} {
		if len(name) >= len(suf) && strings.EqualFold(name[len(name)-len(suf):], suf) {
			return true
		}
	}
	return false
}

// detectScriptProbes runs the JavaScript, template and remote-include
// probes.
func detectScriptProbes(e *emitter, v *value) {
	switch v.kind {
	case KindPath, KindUserAgent, KindBodyRaw:
		return
	}
	n := v.norm
	if len(n) < 4 {
		return
	}
	if v.cls&cParen != 0 && len(n) <= 96 {
		if s := strings.TrimRight(n, " "); s != "" && strings.IndexByte(")(;", s[len(s)-1]) >= 0 && callProbe(strings.TrimLeft(s, " "), jsProbeFuncs) {
			e.hit(rXSSJSSink)
			return
		}
	}
	if v.cls&cNL == 0 && len(n) <= 300 && v.cls&(cDot|cBracket) != 0 && strings.IndexByte("dwstpg(. ", n[0]) >= 0 && domStart(n) && reDOMExpr.MatchString(n) && !domMention(n) {
		e.hit(rXSSJSSink)
		return
	}
	if v.cls&cColon != 0 && v.cls&cParen != 0 && strings.Contains(n, "url") && reCSSURLScript.MatchString(n) {
		e.hit(rXSSElement)
		return
	}
	if v.cls&cBrace != 0 && strings.Contains(n, "{%") && strings.Contains(n, "endif") && reTemplateIf.MatchString(n) && !templateOfData(n) {
		e.hit(rSSTIProbe)
		return
	}
	if v.cls&cColon != 0 && (v.kind == KindQueryValue || v.kind == KindBodyValue) && v.name != "" && (strings.HasPrefix(n, "http") || strings.HasPrefix(n, "ftp")) && strings.Contains(n, "://") {
		if pathVarSuffix(v.name) && reRFIPathName.MatchString(strings.ToLower(v.name)) && !reStaticURL.MatchString(n) {
			e.hit(rRFIScript)
		}
	}
}
