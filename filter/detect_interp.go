package filter

import (
	"regexp"
	"strings"
)

// Interpreter grammars that reach a process or the interpreter itself
// without the function names the other code rules know: the quoting
// operators of Ruby and Perl (%x(…), qx{…}), Ruby's interpolation and
// dynamic dispatch (#{`…`}, send(:system, …)) and its YAML object tags,
// Perl's and Ruby's piped open, Python's walk from a literal to the
// class tree (().__class__.__bases__[0].__subclasses__()), PHP's
// callbacks named by string (array_map('system', …)) and include of a
// remote URL, and Node's core modules at the start of a value.
var reInterpCode = regexp.MustCompile(
	// %x and qx take any bracket or punctuation as delimiter.
	`(?:%x|\bqx) ?[({\[<|!/] ?` + unixCmdStrong + `\b[^(){}\[\]<>|!/%=]{0,60}[)}\]>|!/]` +
		`|#\{ ?(?:\x60|%x ?[({\[]|(?:system|exec|spawn|syscall) ?[( "']|io ?\. ?popen|kernel ?\.|open3 ?\.)` +
		`|\b(?:public_send|__send__|send|method) ?\( ?:(?:system|exec|eval|spawn|syscall|instance_eval|class_eval|module_eval|popen|\x60)\b` +
		`|(?:^|[\s:-])!ruby/(?:object|hash|struct|array|class|module|regexp|sym|marshal)\b` +
		// Two-argument open with a pipe at either end runs a command.
		`|\bopen ?\( ?(?:[a-z_]\w*|\$\w+|my \$\w+) ?, ?["'] ?(?:\|[^"'|]{1,80}|[^"'|]{1,80}\|) ?["'] ?\)|\bopen ?\( ?(?:[a-z_]\w*|\$\w+|my \$\w+) ?, ?["'] ?-\| ?["']|\bopen ?\( ?["'] ?\| ?[a-z]` +
		// Perl and Ruby call system and exec without parentheses.
		`|(?:^|[;{] ?)(?:exec|system) ?["'] ?` + unixCmdStrong + `\b[^"']{0,60}["'] ?(?:;|$)` +
		// The class tree of Python objects is the sandbox escape route.
		`|\.__subclasses__ ?\(|\.__(?:globals|builtins)__ ?[\[.]|\b__builtins__ ?(?:\[ ?["']|\. ?)__import__|\.__class__ ?\. ?__(?:bases?|mro)__\b|\.__(?:bases?|mro)__ ?\[ ?-?\d+ ?\] ?\.` +
		`|\b(?:array_(?:map|filter|walk(?:_recursive)?|reduce)|u[ak]?sort|call_user_func(?:_array)?|register_(?:shutdown|tick)_function|iterator_apply|preg_replace_callback(?:_array)?|forward_static_call(?:_array)?|ob_start|set_(?:error|exception)_handler) ?\([^()]{0,80}["'](?:system|exec|passthru|shell_exec|assert|popen|proc_open|pcntl_exec|eval|create_function)["']` +
		// include is also an English word: with a parenthesis, or as a
		// statement.
		`|\b(?:include|require)(?:_once)? ?\( ?["'] ?(?:https?|ftps?)://|(?:^|[;{] ?)(?:include|require)(?:_once)? ?["'] ?(?:https?|ftps?)://` +
		// Printing what a file-system or environment call returns.
		`|\b(?:var_dump|print_r|var_export|echo|print) ?\( ?(?:scandir|file_get_contents|readfile|glob|getcwd|get_current_user|php_uname|getenv|ini_get|system|shell_exec|exec) ?\(` +
		`|\bnew reflectionfunction ?\( ?["']?(?:system|exec|passthru|shell_exec|assert|popen|proc_open|pcntl_exec)\b` +
		`|\bvm ?\. ?run(?:in(?:this|new)?context|script)? ?\(` +
		`|\b(?:compile|exec|eval) ?\( ?["'] ?(?:import |__import__|from [a-z_.]+ import )` +
		`|\bmarshal ?\. ?(?:load|restore) ?\(`)

// reInterpBacktick: backticks after a printing statement, or closed by a
// statement's ';', are a command, not Markdown code.
var reInterpBacktick = regexp.MustCompile(`(?:^|[;{] ?)(?:echo|print|puts|say|return) ?\(? ?\x60 ?` + unixCmdStrong + `\b[^\x60]{0,80}\x60|^\x60 ?` + unixCmdStrong + `\b[^\x60]{0,80}\x60 ?;`)

// reNodeStart: Node's process-reaching modules and process methods as the
// whole statement, or right after a quote that closes a string (';…); a
// sentence that names process.exit() goes on with words.
var reNodeStart = regexp.MustCompile(`^(?:['"\x60]\)* ?[;,+] ?)?(?:require ?\( ?["'\x60](?:fs|child_process|net|vm|os|http|https|dgram|cluster|worker_threads|process|module)["'\x60] ?\) ?\. ?[a-z]\w* ?\(|(?:global ?\. ?)?process ?\. ?(?:kill|exit|abort|chdir|setuid|setgid|dlopen|binding|reallyexit|umask) ?\()[^()]{0,80}\) ?(?:$|[;.)]|//)`)

// interpWords gate reInterpCode and reNodeStart (keyword group kwInterp).
var interpWords = []string{"var_dump", "print_r", "var_export", "echo(", "echo (", "print(", "print (", "reflectionfunction", "vm.run", "compile", "exec(", "exec (", "eval(", "eval (", "marshal", "%x", "qx", "#{", "send(", "send (", "send__", "method(", "method (", "!ruby/", "open(", "open (", `exec"`, "exec'", `exec "`, "exec '", `system"`, "system'", `system "`, "system '", "__subclasses__", "__globals__", "__builtins__", "__class__", "__base", "__mro__", "array_", "sort(", "sort (", "call_user_func", "register_", "iterator_apply", "_callback", "forward_static", "ob_start", "_handler", "include", "require", "process"}

// detectInterpCode flags the grammars above.
func detectInterpCode(e *emitter, v *value) {
	n := v.norm
	if v.cls&cBacktick != 0 && strings.Count(n, "`") >= 2 && reInterpBacktick.MatchString(n) {
		e.hit(rRCECode)
	}
	if v.kw&kwInterp == 0 || v.cls&(cParen|cBrace|cBracket|cBang|cLT|cPipe|cSlash|cQuote) == 0 {
		return
	}
	if reInterpCode.MatchString(n) || v.cls&cParen != 0 && reNodeStart.MatchString(n) {
		e.hit(rRCECode)
	}
}

// reWinGrammar: Windows command lines reRCEWindows does not know. A
// PowerShell cmdlet is a verb and a noun joined by '-'; the nouns here
// are those of processes, files, services, the registry and the network,
// and only after a separator that starts the value (after at most a
// number or an address), because install notes name cmdlets too. .NET
// static calls ([System.Diagnostics.Process]::Start(…)) are PowerShell's
// syntax alone; netsh, forfiles, findstr with a switch, sc on a service
// and a share read through a UNC path after a separator are cmd's.
var (
	reWinCmdlet = regexp.MustCompile(`^[0-9.:]*(?:[;|&\n]|&&|\|\|) ?\(? ?(?:get|set|invoke|start|stop|new|remove|copy|move|add|import|export|out|test|enable|disable|clear|restart|resolve)-(?:process|childitem|content|item|itemproperty|service|wmiobject|ciminstance|expression|webrequest|restmethod|command|localuser|localgroupmember|acl|executionpolicy|mppreference|netfirewallprofile|scheduledtask|psdrive|variable|credential|nettcpconnection|computerinfo|hotfix|eventlog|winevent|clipboard|object|dnsclientcache|aduser|adcomputer|netipconfiguration|history)\b`)
	reWinStatic = regexp.MustCompile(`\[ ?(?:system\.)?(?:diagnostics\.process|reflection\.assembly|net\.webclient|io\.file|runtime\.interopservices\.marshal|activator|environment|convert)\] ?:: ?[a-z]\w* ?\(|\bnew-object +(?:system\.)?net\.(?:sockets\.(?:tcpclient|udpclient)|httplistener)\b|\bnew-object +-com(?:object)? `)
	reWinTools  = regexp.MustCompile(`[;|&\n] ?(?:netsh +(?:firewall|advfirewall|interface|wlan|http|winhttp)\b|forfiles +/[a-z]|findstr +/[a-z]|sc +(?:query|qc|create|config|start|stop|delete)\b|(?:type|pushd|copy) +/{1,2}[a-z0-9][\w.-]*/|net +use\b)`)
)

// winGrammarWords gate the three regexps above (keyword group kwWinGrammar).
var winGrammarWords = []string{"get-", "set-", "invoke-", "start-", "stop-", "new-", "remove-", "copy-", "move-", "add-", "import-", "export-", "out-", "test-", "enable-", "disable-", "clear-", "restart-", "resolve-", "]::", "] ::", "netsh", "forfiles", "findstr", "sc ", "type /", "pushd /", "copy /", "net use"}

// detectWinGrammar flags the Windows shapes above in the shell form sh
// (quotes dropped) whose keyword groups are kw.
func detectWinGrammar(e *emitter, v *value, sh string, kw uint64) {
	if kw&kwWinGrammar == 0 {
		return
	}
	// UNC paths: the shell form drops backslashes, norm keeps them as '/'
	// (one, when "\\\\" was decoded as an escape).
	if reWinTools.MatchString(sh) || sh != v.norm && reWinTools.MatchString(v.norm) || reWinStatic.MatchString(sh) || reWinCmdlet.MatchString(sh) {
		e.hit(rRCEWindows)
	}
}

// dropCarets removes cmd.exe's escape character from s (^w^h^o^a^m^i is
// whoami to cmd): a '^' before a letter, not doubled and not the '^^'
// of a bash case operator.
func dropCarets(v *value, s string) string {
	b := v.sc.aux[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '^' && i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z' && (i == 0 || s[i-1] != '^') {
			continue
		}
		b = append(b, c)
	}
	v.sc.aux = b
	return bstr(b)
}

// varCommand reports a shell variable assigned and then run as the
// command (a=i;b=d;$a$b, X=$'\x69\x64';$X, c=whoami;$c): the command's
// name is never written. The use must join two or more variables, or run
// one that holds a command word, an ANSI-C string ($'…') or a
// substitution: x=1;$x and i=0;$i++ are arithmetic. n is the normalised
// value.
func varCommand(n string) bool {
	var names, vals [8]string
	k := 0
	lookup := func(name string) (string, bool) {
		for i := 0; i < k; i++ {
			if names[i] == name {
				return vals[i], true
			}
		}
		return "", false
	}
	for i := 0; i < len(n); i++ {
		cmdPos := i == 0 || strings.IndexByte(";&|\n", n[i-1]) >= 0 || n[i-1] == ' ' && i >= 2 && strings.IndexByte(";&|\n", n[i-2]) >= 0
		if !cmdPos {
			continue
		}
		if n[i] == '$' {
			refs, last := 0, ""
			j := i
			for j < len(n) && n[j] == '$' {
				p := j + 1
				if p < len(n) && n[p] == '{' {
					p++
				}
				end := shellVarEnd(n, p)
				if end == p {
					break
				}
				val, ok := lookup(n[p:end])
				if !ok {
					break
				}
				if end < len(n) && n[end] == '}' {
					end++
				}
				refs++
				last = val
				j = end
			}
			if refs == 0 || j < len(n) && strings.IndexByte(" ;|&\n", n[j]) < 0 {
				continue
			}
			if refs >= 2 || commandValue(last) {
				return true
			}
			continue
		}
		end := shellVarEnd(n, i)
		if end > i && end < len(n) && n[end] == '=' && k < len(names) {
			v := n[end+1:]
			if c := strings.IndexAny(v, ";&|\n"); c >= 0 {
				v = v[:c]
			}
			names[k], vals[k] = n[i:end], strings.TrimSpace(v)
			k++
		}
	}
	return false
}

// commandValue: an assigned shell value that runs as a command.
func commandValue(v string) bool {
	if strings.HasPrefix(v, "$'") || strings.HasPrefix(v, "$(") || strings.HasPrefix(v, "`") {
		return true
	}
	v = strings.Trim(v, `"'`)
	return cmdKinds[v]&(cmdStrong|cmdAlone) != 0
}

// reLeadCmd is a short command line of the shells (sh, cmd.exe,
// PowerShell) that leadingCommand finds after a separator at the start of
// a value: commands whose names are also words (date, history, set,
// calc), subcommands (ip addr, net session, reg save), a program run by
// its .exe name, output redirected into a system path, a file read from
// a UNC host. In prose these words follow other words, not a ';' that
// starts the value.
var reLeadCmd = regexp.MustCompile(`^(?:ip (?:a|addr|address|route|r|link|neigh|n)\b|route (?:print|-n)\b|net (?:session|accounts|start|stop|config|group|use|time|file)\b|reg (?:save|export|import|load|copy)\b|shutdown (?:/[a-z]|-[a-z]|now\b)|ps (?:aux|-ef|-e|-a)\b|dd if=|export [a-z_]\w*=|unset [a-z_]\w*|(?:which|whereis|locate|type|command -v|hash) [a-z0-9_.-]+ ?$|timeout \d+ [a-z]|at now\b|(?:reboot|halt|poweroff|hostname|uptime) ?$|init [0-6] ?$|yes >|(?:ls|dir|gci|get-childitem) env:|(?:echo |write-host |write-output )?\$env:|echo \$\{?[a-z_]+\}? ?$|(?:start|call) (?:/b )?(?:/min )?[\w.-]+\.(?:exe|bat|cmd|ps1|vbs|js|hta|msi)\b|start (?:/b )?(?:calc|cmd|powershell|notepad|mspaint|explorer)\b|(?:calc|notepad|cmd|explorer|mspaint|regedit|control|taskmgr)(?:\.exe)?(?: \.| [a-z]:/)? ?$|[\w-]+\.exe\b|[a-z][\w.-]* .*>>? ?(?:/(?:etc|root|boot|bin|sbin|usr/(?:local/)?s?bin|var/spool/cron|dev/(?:sd|hd|nvme|mem|kmem))\b|~/\.(?:ssh|bashrc|profile|bash_profile)\b)|[a-z][\w.-]*(?: /[a-z]+)* /{1,2}[a-z0-9][\w-]*\.[\w.-]+/)`)

// leadingCommand: s starts (after at most a number or an address, what
// the parameter held) with a shell separator and then a command line of
// reLeadCmd.
func leadingCommand(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ':') {
		i++
	}
	if i == len(s) || s[i] != ';' && s[i] != '|' && s[i] != '&' && s[i] != '\n' {
		return false
	}
	for i < len(s) && (s[i] == ';' || s[i] == '|' || s[i] == '&' || s[i] == '\n' || s[i] == ' ' || s[i] == '(') {
		i++
	}
	return i < len(s) && reLeadCmd.MatchString(s[i:])
}
