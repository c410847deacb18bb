package filter

import (
	"regexp"
	"strings"
)

// unixCmdStrong are command names that are not English words: right after
// a shell separator they are a command whatever follows. Used in the
// subshell pattern.
const unixCmdStrong = `(?:printf|wget|curl|whoami|uname|getent|nslookup|ifconfig|ipconfig|netstat|bash|zsh|ksh|csh|tcsh|sh|nc|ncat|netcat|telnet|python[23]?|perl|ruby|php|node|lua|chmod|chown|chgrp|passwd|base64|xxd|busybox|systeminfo|tasklist|taskkill|powershell|pwsh|certutil|bitsadmin|mshta|rundll32|regsvr32|wmic|cscript|wscript|nohup|crontab|useradd|usermod|mkfifo|mknod|socat|tftp|scp|awk|gawk|sed|xargs|hostname|sudo|su|id|ls|dir|pwd|ps|cat|tac|nl|od|printenv|echo|sleep|ping|env|dig|host|rev)`

// strongCmds: after a separator, a command whatever follows (a word
// boundary). weakCmds are also English words ("cat", "set", "ping"): they
// need a shell-looking argument. aloneCmds may stand alone ("; id;").
var (
	strongCmds = wordSet("wget curl whoami uname getent nslookup ifconfig ipconfig netstat bash zsh ksh csh tcsh ncat netcat telnet python python2 python3 perl ruby chmod chown passwd base64 xxd busybox systeminfo tasklist taskkill powershell powershell.exe pwsh certutil certutil.exe bitsadmin mshta rundll32 regsvr32 wmic cscript nohup crontab useradd mkfifo socat tftp gawk printenv printf cmd.exe ansible ansible-playbook ansible-vault ansible-galaxy ansible-config ansible-console ansible-doc ansible-inventory ansible-pull chef-client chef-shell chef-run chef-solo chef-vault knife salt-call salt-run visudo sudoedit cscli regedit regedit.exe bcdboot bcdedit vssadmin wevtutil schtasks icacls takeown systemctl journalctl iptables ip6tables pkill killall modprobe insmod rmmod nmap openssl gcc mknod qwinsta quser msiexec installutil regasm regsvcs odbcconf cmstp esentutl wscript gwmi nbtstat rsync")
	weakCmds   = wordSet("cat ls id ps rm cp mv echo set ping sleep env kill touch mkdir dir type find grep head tail more less sort cut rev time wait exec eval export source read which whereis pwd who last net reg copy del ver start call timeout expr host dig tee sh nc php node python perl ruby bash curl wget cmd")
	aloneCmds  = wordSet("su id ls pwd whoami uname ps env dir ver ifconfig ipconfig netstat lastlog htop uptime lsof lsblk lscpu lsmod dmesg who aptitude dpkg arp getenforce sestatus lsb_release reboot poweroff")
	listWords  = wordSet("id dir ver env ps")
	// tokenCmds are weak commands that count only after a prefix of one
	// token (a file name, a host, an id: "report.pdf;tar cf x /etc"), not
	// after words of a sentence, where a separator joins the steps of
	// instructions ("then unpack it;tar -xzf a.tgz").
	tokenCmds   = wordSet("df du tar dd shutdown ssh scp")
	binPrefixes = []string{"/usr/local/bin/", "/usr/local/sbin/", "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "c:/windows/system32/"}
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// cmdKinds has the lists above a word is in, for one map lookup per
// separator.
var cmdKinds = func() map[string]uint8 {
	m := map[string]uint8{}
	add := func(set map[string]bool, kind uint8) {
		for w := range set {
			m[w] |= kind
		}
	}
	add(strongCmds, cmdStrong)
	add(weakCmds, cmdWeak)
	add(aloneCmds, cmdAlone)
	add(listWords, cmdList)
	add(tokenCmds, cmdToken)
	return m
}()

const (
	cmdStrong = 1 << iota
	cmdWeak
	cmdAlone
	cmdList
	cmdToken
)

// reShellArg is what follows a command in a real command line.
var reShellArg = regexp.MustCompile(`^ +(?:-{1,2}[a-z]|[a-z][\w.-]{0,30}@\d+\.\d+\.\d+\.\d+|-\d{1,2} |/|~|\.{1,2}/|\$|[a-z]:/|%[a-z]+%|\d+\*\d+|\d+\.\d+\.\d+\.\d+|[a-z0-9.-]+\.(?:com|net|org|io|sh|me|site|xyz|ru|cn)\b|(?:user|localgroup|view|share) |\d+ ?(?:$|[;|&\x60)#]))`)

// plainPrefix: s is empty or a number, an address or a port (what a
// parameter that is passed to a command holds before the injection).
func plainPrefix(s string) bool {
	if s == "time" || s == "true" || s == "false" {
		// A harmless command run first ("time; visudo").
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// optionAfter: what follows a word is an option ( -x, --long), or one more
// word and then an option.
func optionAfter(after string) bool {
	for w := 0; w < 2; w++ {
		if len(after) < 3 || after[0] != ' ' {
			return false
		}
		after = after[1:]
		if after[0] == '-' {
			a := strings.TrimPrefix(after[1:], "-")
			return a != "" && a[0] >= 'a' && a[0] <= 'z'
		}
		k := 0
		for k < len(after) && (after[k] >= 'a' && after[k] <= 'z' || after[k] >= '0' && after[k] <= '9' || after[k] == '-' || after[k] == '_') {
			k++
		}
		if k == 0 {
			return false
		}
		after = after[k:]
	}
	return false
}

// commandPrefixes run the command that follows them: after a separator
// the word after one of them is the command.
var commandPrefixes = []string{"sudo ", "exec ", "eval ", "nohup ", "nice ", "command ", "builtin ", "doas ", "setsid "}

// skipCommandPrefixes drops up to three command prefixes from the start
// of s.
func skipCommandPrefixes(s string) string {
	for n := 0; n < 3 && s != ""; n++ {
		if c := s[0]; c != 's' && c != 'e' && c != 'n' && c != 'c' && c != 'b' && c != 'd' {
			return s
		}
		p := ""
		for _, w := range commandPrefixes {
			if strings.HasPrefix(s, w) {
				p = w
				break
			}
		}
		if p == "" {
			return s
		}
		s = s[len(p):]
	}
	return s
}

// cmdWordByte: c may stand in a command's name (lower case).
func cmdWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// cmdWordEnd is the length of the command name that s starts with.
func cmdWordEnd(s string) int {
	k := 0
	for k < len(s) && cmdWordByte(s[k]) {
		k++
	}
	return k
}

// prefixedCommand: what follows a command prefix is a command (a word of
// the command lists, a path, an option, a variable, a redirection), not
// the next cell of a Markdown table ("| Command | Purpose |").
func prefixedCommand(rest string) bool {
	if strings.IndexByte("-/$.~`<>0123456789", rest[0]) >= 0 {
		return true
	}
	k := cmdWordEnd(rest)
	return k > 0 && cmdKinds[rest[:k]] != 0
}

// ownArgs: arguments in a command's own syntax that reShellArg does not
// read as shell arguments: ps's BSD option clusters (ps aux), tar's
// bundled key letters (tar cf, tar xzvf), dd's operands (dd if=/dev/…).
func ownArgs(tok, after string) bool {
	a := strings.TrimLeft(after, " ")
	switch tok {
	case "ps":
		return strings.HasPrefix(a, "aux") || strings.HasPrefix(a, "axjf") || strings.HasPrefix(a, "ajx")
	case "tar":
		k := 0
		if strings.HasPrefix(a, "-") {
			k = 1
		}
		if k >= len(a) || a[k] != 'c' && a[k] != 'x' && a[k] != 't' {
			return false
		}
		for k++; k < len(a) && strings.IndexByte("vzjJfpP", a[k]) >= 0; k++ {
		}
		return k < len(a) && a[k] == ' ' && strings.IndexByte(a[:k], 'f') >= 0
	case "dd":
		return strings.HasPrefix(a, "if=") || strings.HasPrefix(a, "of=")
	}
	return false
}

// splitCommandAfterSeparator reports a word of the command lists written
// with quotes or backslashes inside it right after a shell separator
// (x;i""d, a|w"h"oami, b&&\ls): the shell joins the pieces, and only
// evasion splits a command's name. A word wholly in quotes ("; 'id'
// column") is a quoted word, and one with a lone apostrophe (I'd) prose,
// not a split one. d is the decoded value.
func splitCommandAfterSeparator(d string) bool {
	for i := 0; i < len(d); i++ {
		if c := d[i]; c != ';' && c != '|' && c != '&' && c != '\n' {
			continue
		}
		j := i + 1
		for j < len(d) && (d[j] == ' ' || d[j] == '|' || d[j] == '&') {
			j++
		}
		var buf [24]byte
		w := buf[:0]
		split, literal := false, false
		sq, dq := 0, 0
		k := j
		for ; k < len(d) && k-j < 32 && len(w) < len(buf); k++ {
			ch := d[k]
			switch ch {
			case '\'':
				sq++
				split = true
				continue
			case '"':
				dq++
				split = true
				continue
			case '\\':
				// \x drops the backslash; \" and \' are literal
				// quotes, which no command name holds.
				if k+1 < len(d) && (d[k+1] == '"' || d[k+1] == '\'') {
					literal = true
				}
				split = true
				continue
			}
			if ch >= 'A' && ch <= 'Z' {
				ch |= 0x20
			}
			if !cmdWordByte(ch) {
				break
			}
			w = append(w, ch)
		}
		// Quotes that split a word come in pairs: a lone one is an
		// apostrophe (damaged; I'd like).
		if !split || literal || sq%2 != 0 || dq%2 != 0 || len(w) == 0 || wholeQuoted(d[j:k]) || k < len(d) && strings.IndexByte(" ;|&<>)`#\n", d[k]) < 0 {
			continue
		}
		if cmdKinds[bstr(w)] != 0 {
			return true
		}
	}
	return false
}

// listedCommand: rest starts with a word of the command lists that ends
// the value or is followed by a blank or a separator.
func listedCommand(rest string) bool {
	k := cmdWordEnd(rest)
	return k > 0 && cmdKinds[rest[:k]] != 0 && (k == len(rest) || strings.IndexByte(" ;|&<>)`", rest[k]) >= 0)
}

// commandAfterSeparator reports a command right after a shell separator
// (; | & || && newline $( ). Code, not a regexp: separators are common in
// ordinary values (User-Agent, Accept) and the check per separator is one
// map lookup.
func commandAfterSeparator(sh string) bool {
	for i := 0; i < len(sh); i++ {
		c := sh[i]
		if c != ';' && c != '|' && c != '&' && c != '\n' && !(c == '$' && i+1 < len(sh) && sh[i+1] == '(') {
			continue
		}
		j := i + 1
		for j < len(sh) && (sh[j] == ' ' || sh[j] == '|' || sh[j] == '&' || sh[j] == '(') {
			j++
		}
		rest := skipCommandPrefixes(sh[j:])
		if len(rest) < len(sh)-j && rest != "" && prefixedCommand(rest) && (plainPrefix(sh[:i]) || strings.IndexByte(sh[:i], ' ') < 0 && listedCommand(rest)) {
			// ";sudo -l", ";nohup ./x &", ";exec 5<>…": a value that
			// starts by running something through a command prefix;
			// after one token, a prefix then a listed command ("x;exec
			// sh", "a; eval id").
			return true
		}
		if rest != "" && rest[0] == '>' && plainPrefix(sh[:i]) {
			// ";>/tmp/x": a redirection alone truncates or creates a
			// file; a value that starts with it left an argument.
			if r := strings.TrimLeft(rest, "> "); r != "" && (r[0] == '/' || r[0] == '~') {
				return true
			}
		}
		if strings.HasPrefix(rest, ". /") || strings.HasPrefix(rest, ". ~") || strings.HasPrefix(rest, ". ./") {
			// "; . /tmp/x": the shell's source command.
			return true
		}
		pathed := false
		if rest != "" && (rest[0] == '/' || rest[0] == 'c') {
			for _, p := range binPrefixes {
				if strings.HasPrefix(rest, p) {
					rest = rest[len(p):]
					pathed = true
					break
				}
			}
		}
		k := cmdWordEnd(rest)
		if k == 0 || k > 20 {
			continue
		}
		tok, after := rest[:k], rest[k:]
		if pathed && (after == "" || strings.IndexByte(" ;|&<>)`#", after[0]) >= 0) {
			// ";/usr/bin/id", "|/sbin/ifconfig": a program named by its
			// path in a binary directory, whatever its name; no field
			// list or prose puts one after a separator.
			return true
		}
		kind := cmdKinds[tok]
		if kind&cmdStrong != 0 && (after == "" || strings.IndexByte(" ;|&<>)`", after[0]) >= 0) {
			return true
		}
		if kind&cmdWeak != 0 && after != "" && after[0] == ' ' && (reShellArg.MatchString(after) || ownArgs(tok, after)) {
			return true
		}
		if kind&cmdToken != 0 && after != "" && after[0] == ' ' && strings.IndexByte(sh[:i], ' ') < 0 && (reShellArg.MatchString(after) || ownArgs(tok, after)) {
			return true
		}
		if c != '\n' && optionAfter(after) && plainPrefix(sh[:i]) {
			// "; flock -u /", "1| cpulimit -l 100", "8.8.8.8&& ansible
			// all -m ping": the value starts with a shell separator (after
			// at most a number or an address), then a word and (after at
			// most one more word) an option: an argument broken out of to
			// start a command line, whatever the program. Separators later in a text join
			// the commands of install instructions and are left to the
			// command lists.
			return true
		}
		if kind&cmdAlone != 0 {
			a := strings.TrimPrefix(after, " ")
			// "name;id", "sort=name;dir": field lists end with these
			// words; after ';' they must be followed by a separator.
			if a == "" && !(c == ';' && kind&cmdList != 0) || a != "" && strings.IndexByte(";&`)", a[0]) >= 0 {
				return true
			}
			if a != "" && a[0] == '#' && plainPrefix(sh[:i]) {
				// ";id #": the rest of the original command line
				// commented out.
				return true
			}
		}
	}
	return false
}

// binDir: the directories of system binaries, optional before a command
// name.
const binDir = `(?:(?:/usr(?:/local)?)?/s?bin/)?`

var (
	// Command substitution. A backtick pair counts when it does not look
	// like Markdown code: it follows a non-space character or fills the value.
	// The command may be named by its path (`/usr/bin/id`).
	reRCESubshell = regexp.MustCompile("\\$\\( ?(?:\\(|" + binDir + unixCmdStrong + "\\b)|(?:[=;|&]|[a-z0-9._-])`" + binDir + unixCmdStrong + "\\b[^`]*`|^` ?" + binDir + unixCmdStrong + "\\b[^`]*`$")
	// PowerShell web cmdlets count after a shell separator only: install
	// instructions name them too (Invoke-WebRequest -Uri … -OutFile …).
	reRCEWindows    = regexp.MustCompile(`\bcmd(?:\.exe)? +/[ckr]\b|%comspec%|\bpowershell(?:\.exe)? +(?:-|/)\w|\b(?:iex|invoke-expression|invoke-webrequest|downloadstring|downloadfile|start-process) ?\(|(?:^|[;|&\n]) ?(?:invoke-(?:webrequest|restmethod|expression|command|wmimethod)|start-bitstransfer|iwr|irm) +(?:-[a-z]|https?://|\S+\.ps1\b)|\bnew-object +(?:system\.)?net\.webclient|(?:^|[;|&\n]) ?(?:set +/[ap] |dir +[a-z]:|type +[a-z]:|net +(?:user|localgroup|view|share)\b|ping +-n +\d|copy +/b|del +/[fqs]|reg +(?:add|query|delete)\b|wmic +\w|certutil +-|bitsadmin +/)`)
	reRCEShellshock = regexp.MustCompile(`\(\) ?\{ ?(?::|[a-z_]+) ?; ?\} ?;|^ ?\(\) ?\{ ?(?:$|:)`)
	reRCESSI        = regexp.MustCompile(`<!--# ?(?:exec|include|echo|config|set|printenv|fsize|flastmod|if|elif)\b`)
	// child_process counts as a name, not after a '/': Node's stack
	// frames of every failed spawn name the module's file
	// ("at … (node:internal/child_process:284:19)").
	reRCECode = regexp.MustCompile(`<\?php\s+[^\s?]|<\?=\s*[^\s?]|\beval ?\( ?\$_|\b(?:system|passthru|shell_exec|proc_open|popen|pcntl_exec|create_function|call_user_func(?:_array)?|file_put_contents|fsockopen|base64_decode) ?\( ?(?:["'$]|\w+ ?\()|\$\{@|\$_(?:get|post|request|cookie|server|files)\[|\b__import__ ?\(|\bos\.(?:system|popen|exec\w*) ?\(|\bsubprocess\.\w+ ?\(|!!python/|!!javax?\.|!!ruby/|\bjava\.lang\.(?:runtime|processbuilder)|\bruntime\.getruntime ?\(|\bnew processbuilder\b|\bwscript\.shell\b|\bserver\.createobject\b|\bcreateobject ?\(|\bresponse\.write\b|\bon error resume next\b|\bexecute ?\( ?["']|\bro0ab[a-z0-9+/]|\baced0005|\bo:\d+:"[\w\\/]+":\d+:\{|\b(?:phpinfo|print|md5|die|exit|var_dump|print_r) ?\( ?\$?\w*\(? ?\d*\)? ?\) ?;|(?:^|[^/\w])child_process\b|\b(?:process\.spawn|kernel\.(?:exec|system|spawn)|io\.popen|open3\.(?:popen\w*|capture\w*)|pty\.spawn) ?\(|\brequire ?\( ?["']child_process|\bprocess\.mainmodule\b|["'\]] ?\. ?execute ?\( ?\)(?: ?\. ?text\b)?`)
	// Bash parameter-expansion operators that trim or change case
	// (${x#a}, ${PATH##*/}, ${x^^}, ${x,,}): ways to spell a command or a
	// '/' without writing it. JavaScript template literals cannot hold
	// them: an identifier followed by '#', "%%", "^^" or ",," is not an
	// expression (this.#x has a dot before the '#').
	reShellParamOp = regexp.MustCompile(`\$\{[a-z_]\w{0,30}(?:##?|%%|\^\^|,,)[^{}]{0,40}(?:\{\}[^{}]{0,20})?\}`)
	reRCEEvasion   = regexp.MustCompile(`\$\{?ifs\}?|\$\{[a-z_]+:\d+:\d+\}|\{(?:cat|ls|id|wget|curl|bash|sh|nc|echo|ping),[^}]*\}|\$'[\\/]x[0-9a-f]{2}|\$\(\(\s*\d+\s*[*+]\s*\d+\s*\)\)|(?:^|[;|&\n\x60(] ?)/(?:[a-z]*\?+[a-z?]*|(?:usr/)?s?bin)/[a-z]*[?*][a-z?*]*(?: |$)|(?:^|[;|&\n\x60(] ?)/\*/(?:s?bin/)?[a-z]+(?: |$)`)
)

// reGTFOOption: options of archivers and clients that run a command of
// the caller's choosing (tar --checkpoint-action=exec=…, ssh -o
// ProxyCommand=…).
var reGTFOOption = regexp.MustCompile(`--(?:checkpoint-action ?= ?exec|use-compress-program|to-command|rsh-command|info-script|new-volume-script) ?=|-o ?proxycommand ?=`)

// reArgumentInjection: options that make a program the application runs
// with the value (git, curl, wget, find, rsync) run a command, write a
// file or send one (lower case, at the start of the value).
var reArgumentInjection = regexp.MustCompile(`^(?:--upload-pack ?[= ]|--open-files-in-pager ?=|-o ?[a-z]*(?:sh|touch|curl|wget)\b|--receive-pack ?[= ]|-u +\S*(?:sh|touch|curl|wget|nc)\b|--config ?= ?core\.(?:sshcommand|gitproxy|pager|editor|fsmonitor)|-c +core\.(?:sshcommand|gitproxy|fsmonitor) ?=|ext::\S|-o +/|--output[= ]+/|-k +\S|--config[= ]+/|-t +/|--upload-file[= ]|--post-file ?=|-e +[a-z_]+ ?=|--execute ?=|-exec(?:dir)? +\S|-e +(?:sh|bash|/bin/)|--rsh ?=|--checkpoint(?:-action)?[= ]|--to-command ?=|--use-compress-program ?=|-o ?proxycommand ?=)`)

// reArgumentAnywhere: the same dangerous options anywhere in a value
// that starts as an option list (--header-html x --post-file
// /etc/passwd: wkhtmltopdf and curl options after harmless ones).
var reArgumentAnywhere = regexp.MustCompile(`(?:^| )(?:--post-file ?[= ]|--upload-pack ?[= ]|--checkpoint-action ?=|--to-command ?=|--rsh ?=|-o ?proxycommand ?=|--(?:header|footer)-html ?[= ] ?(?:https?|file)://|--enable-local-file-access|--run-script|-exec(?:dir)? +\S)`)

// reSendmailOption: sendmail options smuggled into an address that the
// mailer passes on the command line (-X writes a log file, as a
// webshell; -OQueueDirectory moves the queue).
var reSendmailOption = regexp.MustCompile(`["\s]-x ?/|["\s]-o ?queuedirectory ?=|["\s]-c ?/`)

// Keywords without which the corresponding regexp cannot match: a cheap
// prefilter for ordinary values.
var (
	windowsWords = []string{"iwr ", "irm ", "bitstransfer", "cmd", "comspec", "powershell", "iex", "invoke-", "download", "new-object", "start-process", "certutil", "bitsadmin", "wmic", "set /", "dir ", "type ", "net ", "ping -", "copy /", "del /", "reg "}
	codeWords    = []string{"<?", "$_", "${@", "!!", "eval", "system", "passthru", "exec", "popen", "proc_", "create_function", "call_user", "file_put", "fsockopen", "base64_decode", "import", "os.", "subprocess", "java.", "runtime", "processbuilder", "wscript", "createobject", "response.write", "resume next", "ro0ab", "aced0005", "o:", "phpinfo", "print", "md5", "die", "exit", "var_dump", "child_process", "mainmodule", "spawn", "open3."}
)

// evasionWords gate reRCEEvasion. The globs (/???/??t, /bin/c?t) name a
// binary without spelling it.
var evasionWords = []string{"/??", "/?/", "bin/", "${path:", "${home:", "${shell:", "${pwd:", "${ls_colors:", "${ps1:", "${ps4:", "$ifs", "${ifs", "$'/x", "$((", "{cat,", "{ls,", "{id,", "{wget,", "{curl,", "{bash,", "{sh,", "{nc,", "{echo,", "{ping,"}

// rceClasses: a separator, a substitution, a redirection or a variable; a
// value with none of these classes gives detectRCE nothing to find, and
// runDetectors does not call it.
const rceClasses = cSemi | cPipe | cAmp | cBacktick | cDollar | cNL | cParen | cLT | cPercent | cColon | cBang | cBrace

// reANSICQuote: a bash ANSI-C quoted string of two escapes or more
// (hex, octal or Unicode), the whole word escaped: $'\x69\x64',
// $'\151\144'.
var reANSICQuote = regexp.MustCompile(`\$'(?:\\(?:x[0-9a-fA-F]{1,2}|[0-7]{1,3}|u[0-9a-fA-F]{4})){2,}'`)

// detectRCE covers Unix and Windows OS command injection, Shellshock, SSI
// and code injection. Quotes and backslashes inside words are dropped first
// ("c'a't /e\tc/pa”sswd"), as the shell drops them.
func detectRCE(e *emitter, v *value) {
	if v.cls&rceClasses == 0 {
		return
	}
	n := v.norm
	sh := n
	if v.cls&(cQuote|cBackslash|cDollar) != 0 {
		sh = shellForm(v)
	}
	if v.cls&(cSemi|cPipe|cAmp|cBacktick|cDollar|cNL) != 0 {
		if commandAfterSeparator(sh) || v.cls&cNL != 0 && v.kind != KindBodyValue && v.kind != KindBodyRaw && commandAfterSeparator(newlinesAsSeparators(v)) {
			e.hit(rRCEUnix)
		}
		if (strings.Contains(sh, "$(") || strings.IndexByte(sh, '`') >= 0) && reRCESubshell.MatchString(sh) {
			e.hit(rRCESubshell)
		}
		if v.kw&kwEvasion != 0 && reRCEEvasion.MatchString(n) {
			e.hit(rRCEEvasion)
		}
		if v.cls&(cQuote|cBackslash) != 0 && splitCommandAfterSeparator(v.dec) {
			e.hit(rRCEEvasion)
		}
	}
	if v.kw&kwEvasion != 0 && v.cls&cDollar == 0 && reRCEEvasion.MatchString(n) {
		e.hit(rRCEEvasion)
	}
	if v.cls&(cDollar|cBrace) == cDollar|cBrace && strings.Contains(n, "${") && reShellParamOp.MatchString(n) {
		e.hit(rRCEEvasion)
	}
	if v.cls&cDollar != 0 && strings.Contains(v.raw, "$'\\") && reANSICQuote.MatchString(v.raw) {
		// $'\x69\x64' is "id" to bash, zsh and ksh: a command name
		// spelled in escapes, so that no word of it shows. On raw: the
		// decoded form has the escapes undone.
		e.hit(rRCEEvasion)
	}
	shkw := v.kw
	if sh != n {
		shkw = keywords.scan(sh)
	}
	if shkw&kwWindows != 0 && reRCEWindows.MatchString(sh) {
		e.hit(rRCEWindows)
	}
	if v.cls&cParen != 0 && strings.Contains(n, "()") && reRCEShellshock.MatchString(n) {
		e.hit(rRCEShellshock)
	}
	if v.cls&cLT != 0 && strings.Contains(n, "<!--#") {
		detectSSI(e, v)
	}
	if v.cls&(cParen|cLT|cDollar|cBang|cColon) != 0 && v.kw&kwCode != 0 && reRCECode.MatchString(n) {
		e.hit(rRCECode)
	}
	detectInterpCode(e, v)
	if v.cls&cStar != 0 && v.cls&(cSemi|cPipe|cAmp|cBacktick|cNL) != 0 && strings.Contains(v.dec, "/*") && !hasSQLComment(v.dec) {
		// norm drops an unclosed "/*" and all after it, as SQL would;
		// to a shell it is a glob (;/*/bin/id).
		if d := newlinesAsSeparators(v); commandAfterSeparator(d) || reRCEEvasion.MatchString(d) {
			e.hit(rRCEUnix)
		}
	}
	if v.cls&(cDash|cEq) == cDash|cEq && strings.Contains(n, "--") && reGTFOOption.MatchString(n) {
		e.hit(rRCEUnix)
	}
	detectWinGrammar(e, v, sh, shkw)
	if v.cls&(cSemi|cAmp|cPipe|cNL) != 0 && (leadingCommand(sh) || sh != n && leadingCommand(n)) {
		e.hit(rRCEUnix)
	}
	if v.cls&cDollar != 0 && v.cls&cEq != 0 && v.cls&(cSemi|cAmp|cPipe|cNL) != 0 && varCommand(n) {
		e.hit(rRCEUnix)
	}
	if v.cls&cCaret != 0 && v.cls&(cAmp|cPipe|cSemi) != 0 {
		if c := dropCarets(v, sh); len(c) != len(sh) && (commandAfterSeparator(c) || reRCEWindows.MatchString(c)) {
			e.hit(rRCEWindows)
		}
	}
	if sh != n && (v.cls&cSlash != 0) && shkw&kwLFI != 0 && reLFIFile.MatchString(sh) {
		e.hit(rLFIFile)
	}
}

func detectSSI(e *emitter, v *value) {
	if reRCESSI.MatchString(v.norm) {
		e.hit(rRCESSI)
	}
}

// shellForm drops quotes, backslashes and empty expansions ($@, $1, $x…) from
// the normalised value, and turns $IFS into a space, as a shell would.
func shellForm(v *value) string {
	src := v.norm
	// norm turned '\' into '/'; go back to dec for the backslash positions.
	b := v.sc.shell[:0]
	d := v.dec
	if len(d) != len(src) {
		d = ""
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '\'', '"':
			continue
		case '/':
			if d != "" && d[i] == '\\' {
				continue
			}
		case '$':
			if i+1 < len(src) && (src[i+1] == '\'' || src[i+1] == '"') {
				// $'…' (ANSI-C quoting) and $"…" (locale quoting) are
				// quoted words: $'\151\144' is "id". The decoder has
				// already read \xHH; octal escapes are read here.
				if src[i+1] == '\'' && d != "" {
					if j, nb, ok := ansiCQuoted(d, i+2, b); ok {
						b, i = nb, j
						continue
					}
				}
				continue
			}
			if strings.HasPrefix(src[i:], "$0") && (i+2 == len(src) || src[i+2] == ' ' || src[i+2] == ';') {
				// $0 is the name of the running shell.
				b = append(b, 's', 'h')
				i++
				continue
			}
			if strings.HasPrefix(src[i:], "$()") {
				// An empty substitution splits no word (who$()ami).
				i += 2
				continue
			}
			if i+1 < len(src) && (src[i+1] == '@' || (src[i+1] >= '0' && src[i+1] <= '9')) {
				i++
				continue
			}
			if strings.HasPrefix(src[i:], "${ifs}") {
				b = append(b, ' ')
				i += 5
				continue
			}
			if strings.HasPrefix(src[i:], "$ifs") {
				b = append(b, ' ')
				i += 3
				continue
			}
			// $name inside a command (sh$xx -c, |$u wget): an unset
			// variable expands to nothing and splits no word.
			if j := shellVarEnd(src, i+1); j > i+1 {
				i = j - 1
				continue
			}
		}
		b = append(b, c)
	}
	v.sc.shell = b
	return bstr(b)
}

// ansiCQuoted decodes the body of a $'…' word of d starting at i (after
// the quote) into b: octal escapes (\NNN) become their byte, other
// characters stay. It returns the index of the closing quote; ok is false
// when there is none or the body has no octal escape (the quotes are then
// dropped like any others).
func ansiCQuoted(d string, i int, b []byte) (int, []byte, bool) {
	end := strings.IndexByte(d[i:], '\'')
	if end < 0 || end > 256 {
		return 0, b, false
	}
	body := d[i : i+end]
	if !strings.Contains(body, "\\") {
		return 0, b, false
	}
	n0 := len(b)
	octal := false
	for k := 0; k < len(body); k++ {
		c := body[k]
		if c == '\\' && k+1 < len(body) && body[k+1] >= '0' && body[k+1] <= '7' {
			v, m := 0, k+1
			for m < len(body) && m < k+4 && body[m] >= '0' && body[m] <= '7' {
				v = v*8 + int(body[m]-'0')
				m++
			}
			if v >= 'A' && v <= 'Z' {
				v |= 0x20
			}
			b = append(b, byte(v))
			k = m - 1
			octal = true
			continue
		}
		if c >= 'A' && c <= 'Z' {
			c |= 0x20
		}
		b = append(b, c)
	}
	if !octal {
		return 0, b[:n0], false
	}
	return i + end, b, true
}

// shellVarEnd returns the end of the shell variable name at s[i:] (a
// letter or '_', then letters, digits, '_'), or i when there is none.
func shellVarEnd(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		if c >= 'a' && c <= 'z' || c == '_' || j > i && c >= '0' && c <= '9' {
			j++
			continue
		}
		break
	}
	return j
}

// newlinesAsSeparators: a line break is a command separator too, but norm
// folds it into a space. Outside bodies (where multi-line text and code
// blocks are ordinary) a value with a line break is checked again with the
// line breaks kept (CR as LF), lower-cased, tabs read as the blanks they
// are to a shell.
func newlinesAsSeparators(v *value) string {
	b := v.sc.aux[:0]
	for i := 0; i < len(v.dec); i++ {
		c := v.dec[i]
		switch {
		case c == '\r':
			c = '\n'
		case c == '\t' || c == '\v' || c == '\f':
			// Blanks to the shell, as spaces are.
			c = ' '
		case c >= 'A' && c <= 'Z':
			c |= 0x20
		}
		b = append(b, c)
	}
	v.sc.aux = b
	return bstr(b)
}
