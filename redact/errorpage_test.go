package redact

import (
	"strings"
	"testing"
)

func TestDetectErrorPage(t *testing.T) {
	positives := []struct {
		name, platform, body string
	}{
		{"java trace", "java", "java.lang.NullPointerException: boom\n\tat com.acme.shop.OrderService.place(OrderService.java:87)\n"},
		{"java frame only", "java", "Error\n\tat com.acme.Foo.bar(Foo.java:12)\n\tat com.acme.Main.main(Main.java:3)"},
		{"kotlin frame", "java", "boom\n    at io.acme.Api.handle(Api.kt:41)"},
		{"java native", "java", "at sun.reflect.Method.invoke(Native Method)"},
		{"java thread", "java", "Exception in thread \"main\" RuntimeException: x"},
		{"tomcat html", "java", "<h1>HTTP Status 500</h1><pre>javax.servlet.ServletException: failed</pre>"},
		{"spring json", "java", `{"timestamp":"2024-01-01","status":500,"trace":"org.springframework.dao.DataAccessException: x"}`},
		{"python traceback", "python", "Traceback (most recent call last):\n  File \"/app/views.py\", line 12, in index\n    1/0\nZeroDivisionError"},
		{"python frame json escaped", "python", `{"detail":"File \"/srv/app/api.py\", line 88, in get_user"}`},
		{"python frame html", "python", `File &quot;/srv/app/api.py&quot;, line 88, in get_user`},
		{"django debug", "python", "<p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p>"},
		{"dotnet yellow", "dotnet", "<title>Server Error in '/' Application.</title>"},
		{"dotnet frame", "dotnet", "   at Shop.Controllers.OrderController.Get(Int32 id) in C:\\src\\Shop\\Controllers\\OrderController.cs:line 42"},
		{"dotnet exception", "dotnet", "System.NullReferenceException: Object reference not set to an instance of an object."},
		{"aspnetcore dev page", "dotnet", "An unhandled exception occurred while processing the request."},
		{"go panic", "go", "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d\n"},
		{"go frame", "go", "main.handler(...)\n\t/home/app/server.go:142 +0x65"},
		{"go other goroutine", "go", "goroutine 37 [running]:\nnet/http.(*conn).serve"},
		{"node frame", "node", "TypeError: Cannot read properties of undefined (reading 'id')\n    at getUser (/app/src/users.js:14:22)\n"},
		{"node internal", "node", "Error: x\n    at Module._compile (node:internal/modules/cjs/loader:1105:14)"},
		{"node ts frame json", "node", `{"stack":"Error: db\n    at Repo.find (/srv/dist/repo.ts:10:5)"}`},
		{"php fatal html", "php", "<b>Fatal error</b>:  Uncaught Error: Call to undefined function foo() in /var/www/html/index.php:3"},
		{"php on line", "php", "Warning: include(config.php): failed to open stream in /var/www/site/lib.php on line 27"},
		{"php stack", "php", "Stack trace:\n#0 /var/www/app/src/Kernel.php(52): App\\Kernel->boot()"},
		{"laravel", "php", `{"exception":"Illuminate\\Database\\QueryException"}`},
		{"ruby frame", "ruby", "app/models/user.rb:12:in `save'"},
		{"rails routing", "ruby", "ActionController::RoutingError (No route matches [GET] \"/x\")"},
		{"sqlstate", "sql", "SQLSTATE[42S02]: Base table or view not found: 1146 Table 'shop.users' doesn't exist"},
		{"mysql syntax", "sql", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version"},
		{"postgres", "sql", "ERROR:  syntax error at or near \"FROM\"\nLINE 1: SELECT FROM"},
		{"oracle", "sql", "ORA-00933: SQL command not properly ended"},
		{"oracle json", "sql", `{"error":"ORA-01017: invalid username/password; logon denied"}`},
		{"mssql", "sql", "Unclosed quotation mark after the character string ''."},
		{"sqlite", "sql", "sqlite3.OperationalError: no such table: users"},
		{"db2", "sql", "DB2 SQL Error: SQLCODE=-204, SQLSTATE=42704"},
	}
	for _, tt := range positives {
		m, ok := DetectErrorPage([]byte(tt.body))
		if !ok {
			t.Errorf("%s: not detected", tt.name)
			continue
		}
		if m.Platform != tt.platform {
			t.Errorf("%s: platform %q, want %q (signal %q)", tt.name, m.Platform, tt.platform, m.Signal)
		}
		if m.Signal == "" {
			t.Errorf("%s: empty signal", tt.name)
		}
	}

	negatives := []struct{ name, body string }{
		{"generic json", `{"error":"internal server error","request_id":"5f1c"}`},
		{"maintenance html", "<html><body><h1>503 Service Unavailable</h1><p>Back soon.</p></body></html>"},
		{"nginx", "<center>nginx</center>"},
		{"prose traceback", "We log a traceback of every failure and look at it at 10:30."},
		{"filename mention", "see README.md, main.go and app.py for details"},
		{"js url", `<script src="/static/app.js:"></script>`},
		{"ora word", "FLORA-12345 and ORA-12 are not oracle codes"},
		{"timestamp", "2024-05-01T10:11:12Z upstream timed out"},
		{"empty", ""},
	}
	for _, tt := range negatives {
		if m, ok := DetectErrorPage([]byte(tt.body)); ok {
			t.Errorf("%s: false positive %+v", tt.name, m)
		}
	}
}

// FuzzDetectErrorPage: no panic on any input, and matching is local: a
// body that matches still matches with anything appended.
func FuzzDetectErrorPage(f *testing.F) {
	for _, s := range []string{
		"\tat com.acme.Foo.bar(Foo.java:12)",
		"File \"/app/x.py\", line 3, in f",
		"/app/main.go:9 +0x1d",
		"at f (/app/x.js:1:2)",
		"in C:\\a\\B.cs:line 4",
		"#0 /var/www/x.php(12): f()",
		"x.rb:1:in `f'",
		"ORA-00001",
		"SQLSTATE[HY000]",
		".java:", ".py", ".go:", ".js:", ".php(", "ORA-", "(", "",
	} {
		f.Add([]byte(s), []byte("\n"))
	}
	f.Fuzz(func(t *testing.T, body, suffix []byte) {
		m, ok := DetectErrorPage(body)
		if !ok {
			return
		}
		if m.Platform == "" || m.Signal == "" {
			t.Fatalf("match without names: %+v", m)
		}
		ext := append(append([]byte(nil), body...), suffix...)
		if _, ok := DetectErrorPage(ext); !ok {
			t.Fatalf("%q matched but %q does not", body, ext)
		}
	})
}

func BenchmarkDetectErrorPage(b *testing.B) {
	body := []byte(strings.Repeat(`{"message":"upstream error","code":17,"items":[1,2,3]} `, 1000))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, ok := DetectErrorPage(body); ok {
			b.Fatal("unexpected match")
		}
	}
}
