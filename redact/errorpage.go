package redact

import (
	"bytes"
)

// ErrorPageMatch says why a body was recognised as a leaking error page.
// Both fields are fixed, low-cardinality names fit for logs and metrics.
type ErrorPageMatch struct {
	// Platform is "java", "python", "dotnet", "go", "node", "php", "ruby"
	// or "sql".
	Platform string
	// Signal names the evidence, e.g. "stack_frame" or "sqlstate".
	Signal string
}

// errorMarker is a literal whose presence is evidence enough.
type errorMarker struct {
	lit      string
	platform string
	signal   string
}

// errorMarkers are matched case-sensitively: they are what the runtimes print,
// and case-sensitivity keeps prose ("a traceback of…") from matching.
var errorMarkers = [...]errorMarker{
	// Java / JVM.
	{"Exception in thread \"", "java", "uncaught_exception"},
	{"java.lang.", "java", "exception_class"},
	{"javax.servlet.", "java", "exception_class"},
	{"jakarta.servlet.", "java", "exception_class"},
	{"org.springframework.", "java", "exception_class"},
	{"org.apache.catalina.", "java", "exception_class"},
	{"org.hibernate.", "java", "exception_class"},
	{"(Native Method)", "java", "stack_frame"},
	{"(Unknown Source)", "java", "stack_frame"},
	// Python.
	{"Traceback (most recent call last)", "python", "traceback"},
	{"Werkzeug Debugger", "python", "debugger"},
	{"django.core.exceptions", "python", "exception_class"},
	{"You're seeing this error because you have <code>DEBUG = True</code>", "python", "debugger"},
	// .NET.
	{"Server Error in '/", "dotnet", "yellow_screen"},
	{"--- End of stack trace from previous location", "dotnet", "stack_trace"},
	{"--- End of inner exception stack trace ---", "dotnet", "stack_trace"},
	{"System.NullReferenceException", "dotnet", "exception_class"},
	{"System.InvalidOperationException", "dotnet", "exception_class"},
	{"System.Web.HttpException", "dotnet", "exception_class"},
	{"Microsoft.AspNetCore.", "dotnet", "exception_class"},
	{"An unhandled exception occurred while processing the request", "dotnet", "developer_page"},
	// Go.
	{"goroutine 1 [running]", "go", "stack_trace"},
	{" [running]:\n", "go", "stack_trace"},
	{"panic: runtime error:", "go", "panic"},
	{"runtime/debug.Stack(", "go", "stack_trace"},
	// Node.js.
	{"at Module._compile", "node", "stack_frame"},
	{"at process.processTicksAndRejections", "node", "stack_frame"},
	{"(node:internal/", "node", "stack_frame"},
	{"(internal/modules/", "node", "stack_frame"},
	{"UnhandledPromiseRejection", "node", "uncaught_exception"},
	// PHP.
	{"Fatal error</b>:", "php", "fatal_error"},
	{"PHP Fatal error:", "php", "fatal_error"},
	{"Fatal error: Uncaught", "php", "fatal_error"},
	{"Parse error</b>:", "php", "fatal_error"},
	{"PHP Parse error:", "php", "fatal_error"},
	{"PHP Warning:", "php", "warning"},
	{"Stack trace:\n#0 ", "php", "stack_trace"},
	{"Stack trace:\\n#0 ", "php", "stack_trace"},
	{"Whoops\\Exception", "php", "exception_class"},
	{"Symfony\\Component\\", "php", "exception_class"},
	{"Illuminate\\", "php", "exception_class"},
	// Ruby.
	{"ActionController::RoutingError", "ruby", "exception_class"},
	{"ActiveRecord::", "ruby", "exception_class"},
	{"NoMethodError", "ruby", "exception_class"},
	// SQL and drivers.
	{"SQLSTATE[", "sql", "sqlstate"},
	{"SQLSTATE=", "sql", "sqlstate"},
	{"You have an error in your SQL syntax", "sql", "mysql"},
	{"mysql_fetch_", "sql", "mysql"},
	{"mysqli_", "sql", "mysql"},
	{"com.mysql.jdbc", "sql", "mysql"},
	{"ERROR:  syntax error at or near", "sql", "postgres"},
	{"PG::", "sql", "postgres"},
	{"org.postgresql.util.PSQLException", "sql", "postgres"},
	{"psycopg2.", "sql", "postgres"},
	{"pg_query()", "sql", "postgres"},
	{"Unclosed quotation mark after the character string", "sql", "mssql"},
	{"Incorrect syntax near", "sql", "mssql"},
	{"Microsoft OLE DB Provider for", "sql", "mssql"},
	{"System.Data.SqlClient.", "sql", "mssql"},
	{"Microsoft.Data.SqlClient.", "sql", "mssql"},
	{"SQLite3::", "sql", "sqlite"},
	{"sqlite3.OperationalError", "sql", "sqlite"},
	{"SQLITE_ERROR", "sql", "sqlite"},
	{"java.sql.SQLException", "sql", "jdbc"},
	{"SQLSyntaxErrorException", "sql", "jdbc"},
	{"quoted string not properly terminated", "sql", "oracle"},
}

// DetectErrorPage reports whether body (a decoded 5xx response body)
// carries a stack trace or a database error that would reveal the backend.
// It looks for what the runtimes print, literally or escaped inside JSON or
// HTML: exception class names, stack frames ("at pkg.Class.method(File.java:12)",
// "File \"x.py\", line 3", "at fn (/app/x.js:1:2)", "main.go:12 +0x1d",
// " in C:\\app\\X.cs:line 42", "#0 /var/www/x.php(12)"), tracebacks and
// SQLSTATE / ORA-nnnnn codes. Matching is local: if a body matches, any body
// that contains it matches too.
func DetectErrorPage(body []byte) (ErrorPageMatch, bool) {
	for i := range errorMarkers {
		m := &errorMarkers[i]
		if bytes.Contains(body, []byte(m.lit)) {
			return ErrorPageMatch{Platform: m.platform, Signal: m.signal}, true
		}
	}
	for _, s := range frameScanners {
		if s.scan(body) {
			return ErrorPageMatch{Platform: s.platform, Signal: s.signal}, true
		}
	}
	return ErrorPageMatch{}, false
}

// frameScanner finds a structural pattern around an anchor literal.
type frameScanner struct {
	anchor   string
	platform string
	signal   string
	// check reports whether the pattern holds around the anchor found at
	// body[i:i+len(anchor)].
	check func(body []byte, i int) bool
}

func (s frameScanner) scan(body []byte) bool {
	a := []byte(s.anchor)
	for off := 0; off < len(body); {
		j := bytes.Index(body[off:], a)
		if j < 0 {
			return false
		}
		i := off + j
		if s.check(body, i) {
			return true
		}
		off = i + 1
	}
	return false
}

var frameScanners = [...]frameScanner{
	// Java: "at com.example.Foo.bar(Foo.java:42)" (also .kt, .scala, .groovy).
	{anchor: ".java:", platform: "java", signal: "stack_frame", check: fileLineFrame},
	{anchor: ".kt:", platform: "java", signal: "stack_frame", check: fileLineFrame},
	{anchor: ".scala:", platform: "java", signal: "stack_frame", check: fileLineFrame},
	// Python: File "/app/views.py", line 12, in handler (quotes maybe escaped).
	{anchor: ".py", platform: "python", signal: "stack_frame", check: pythonFrame},
	// .NET: "in C:\src\App\Controller.cs:line 42".
	{anchor: ".cs:line ", platform: "dotnet", signal: "stack_frame", check: digitsAfter(len(".cs:line "))},
	{anchor: ".vb:line ", platform: "dotnet", signal: "stack_frame", check: digitsAfter(len(".vb:line "))},
	// Go: "\t/app/main.go:42 +0x1d".
	{anchor: ".go:", platform: "go", signal: "stack_frame", check: goFrame},
	// Node: "at handler (/app/server.js:10:15)" and .ts/.mjs/.cjs.
	{anchor: ".js:", platform: "node", signal: "stack_frame", check: nodeFrame},
	{anchor: ".ts:", platform: "node", signal: "stack_frame", check: nodeFrame},
	{anchor: ".mjs:", platform: "node", signal: "stack_frame", check: nodeFrame},
	{anchor: ".cjs:", platform: "node", signal: "stack_frame", check: nodeFrame},
	// PHP: "in /var/www/app/index.php on line 12" and "#0 /var/www/x.php(12): ".
	{anchor: ".php on line ", platform: "php", signal: "stack_frame", check: digitsAfter(len(".php on line "))},
	{anchor: ".php(", platform: "php", signal: "stack_frame", check: phpFrame},
	// Ruby: "app/models/user.rb:12:in `save'".
	{anchor: ".rb:", platform: "ruby", signal: "stack_frame", check: rubyFrame},
	// Oracle: ORA-00933 and friends.
	{anchor: "ORA-", platform: "sql", signal: "oracle", check: oraCode},
}

// countDigits counts the digits at body[i:].
func countDigits(body []byte, i int) int {
	n := 0
	for i+n < len(body) && isDig(body[i+n]) {
		n++
	}
	return n
}

func digitsAfter(n int) func([]byte, int) bool {
	return func(body []byte, i int) bool { return countDigits(body, i+n) > 0 }
}

// fileLineFrame: "(Name.java:123)" — an identifier file name right after
// "(" and a line number right before ")".
func fileLineFrame(body []byte, i int) bool {
	colon := i + bytes.IndexByte(body[i:], ':')
	d := countDigits(body, colon+1)
	if d == 0 || colon+1+d >= len(body) || body[colon+1+d] != ')' {
		return false
	}
	// Walk back over the file name to the "(".
	j := i - 1
	for j >= 0 && (isIdentChar(body[j]) || body[j] == '$') {
		j--
	}
	return j >= 0 && j < i-1 && body[j] == '('
}

func isIdentChar(c byte) bool {
	return c == '_' || isDig(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// pythonFrame: `File "/x/y.py", line 12` — allowing \" or &quot; quoting.
func pythonFrame(body []byte, i int) bool {
	rest := body[i+len(".py"):]
	for _, q := range []string{`", line `, `\", line `, `&quot;, line `, `&#34;, line `, `&#x27;, line `} {
		if bytes.HasPrefix(rest, []byte(q)) {
			return countDigits(rest, len(q)) > 0 && hasFileBefore(body, i)
		}
	}
	return false
}

// hasFileBefore looks for `File ` shortly before a Python file name.
func hasFileBefore(body []byte, i int) bool {
	start := max(i-512, 0)
	return bytes.Contains(body[start:i], []byte("File "))
}

// goFrame: "file.go:42 +0x1d" or "file.go:42\n" after a tab-indented path.
func goFrame(body []byte, i int) bool {
	j := i + len(".go:")
	d := countDigits(body, j)
	if d == 0 {
		return false
	}
	return bytes.HasPrefix(body[j+d:], []byte(" +0x"))
}

// nodeFrame: "(/app/x.js:10:15)" or "at /app/x.js:10:15" — line and column.
func nodeFrame(body []byte, i int) bool {
	colon := i + bytes.IndexByte(body[i:], ':')
	d1 := countDigits(body, colon+1)
	if d1 == 0 || colon+1+d1 >= len(body) || body[colon+1+d1] != ':' {
		return false
	}
	d2 := countDigits(body, colon+2+d1)
	if d2 == 0 {
		return false
	}
	// Require "at " within the line before the file name.
	start := max(i-300, 0)
	line := body[start:i]
	if k := bytes.LastIndexByte(line, '\n'); k >= 0 {
		line = line[k+1:]
	}
	return bytes.Contains(line, []byte("at "))
}

// phpFrame: "#0 /var/www/x.php(12): " — digits, ")" and ":".
func phpFrame(body []byte, i int) bool {
	j := i + len(".php(")
	d := countDigits(body, j)
	return d > 0 && bytes.HasPrefix(body[j+d:], []byte("):"))
}

// rubyFrame: "user.rb:12:in `save'" (or ‘…’ in Ruby ≥ 3.4).
func rubyFrame(body []byte, i int) bool {
	j := i + len(".rb:")
	d := countDigits(body, j)
	return d > 0 && bytes.HasPrefix(body[j+d:], []byte(":in "))
}

// oraCode: "ORA-" and five digits, not inside a longer word.
func oraCode(body []byte, i int) bool {
	if i > 0 && isIdentChar(body[i-1]) {
		return false
	}
	j := i + len("ORA-")
	d := countDigits(body, j)
	return d >= 5
}
