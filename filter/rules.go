package filter

import "strings"

// RuleInfo describes one value-layer rule, for the documentation, the CLI
// and exclusions.
type RuleInfo struct {
	// ID is the stable rule id that appears in hits, logs and exclusions.
	ID string `json:"id"`
	// Category is the attack class.
	Category Category `json:"category"`
	// Score is what one hit adds to the request's anomaly score at paranoia
	// 1. A confident detection scores 5 (the default threshold); a weak
	// signal 2 or 3, so that two must coincide. From paranoia 2 up, weak
	// rules score 2 more (at most 5).
	Score int `json:"score"`
	// Paranoia is the lowest paranoia level at which the rule is on.
	Paranoia int `json:"paranoia"`
	// Description says what the rule looks for.
	Description string `json:"description"`
}

// ruleID indexes ruleTable; a value's hits are de-duplicated with a bitset.
type ruleID uint8

const (
	rSQLiLibinjection ruleID = iota
	rSQLiLibinjectionWeak
	rSQLiUnion
	rSQLiFunction
	rSQLiStacked
	rSQLiTautology
	rSQLiBreakout
	rSQLiComment
	rSQLiKeywords
	rXSSLibinjection
	rXSSScriptTag
	rXSSEventHandler
	rXSSJSURI
	rXSSJSSink
	rXSSJSWeak
	rXSSTag
	rXSSElement
	rXSSProto
	rTraversalDotDot
	rTraversalDotDotWeak
	rLFIFile
	rLFIConfig
	rLFIUNC
	rLFIWrapper
	rLFIFileURI
	rRFIRemote
	rRCEUnix
	rRCESubshell
	rRCEWindows
	rRCEShellshock
	rRCESSI
	rRCECode
	rRCEEvasion
	rJNDILookup
	rJNDIObfuscated
	rSSRFMetadata
	rSSRFObfuscatedIP
	rSSRFLoopback
	rSSRFPrivate
	rSSRFScheme
	rSSRFWildcardDNS
	rSSTIExpr
	rSSTIEngine
	rNoSQLOperator
	rNoSQLJS
	rLDAPFilter
	rXXEEntity
	rXXEDoctype
	rXXEXInclude
	rXXEUTF7
	rXMLSchemaLocation
	rCRLFHeader
	rCRLFMail
	rScannerUA
	rScannerOAST
	rGraphQLIntrospection
	rXSSJSExpr
	rSQLiFragment
	rRCECommandLine
	rSSTIProbe
	rRedirectOpen
	rRedirectOffsite
	rPathSensitive
	rPathHidden
	rGraphQLIntrospectionQuery
	rGraphQLAbuse
	rUploadScript
	rSSRFInternal
	rRFIScript
	rJavaClassName
	rNodeCode
	rSQLiCallProbe
	rPHPCallProbe
	rJavaBeanPath
	rORMFilterLeak
	rSQLiSplit
	rXSSSplit
	rLFISystemPath
	rCRLFLog
	rSSRFQueryAuthority
	rScannerHeader
	rScannerPath
	rPHPCGIArgument
	rDeserialize
	rNoSQLFilterSyntax
	rFormulaInjection
	rJWTForgery
	rGraphQLURLMutation
	rRenderCallback
	rPathStaticSuffix
	rRCEArgument
	rPathUploadScript
	rXPathInjection
	numRules
)

// ruleTable is immutable; Rules returns a copy.
var ruleTable = [numRules]RuleInfo{
	rSQLiLibinjection:     {"sqli-libinjection", CatSQLi, 5, 1, "libinjection tokenizer recognises an SQL injection fingerprint; also with quotes a legacy code page maps to the apostrophe when a comment follows (’ OR ’1=1#)"},
	rSQLiLibinjectionWeak: {"sqli-libinjection-weak", CatSQLi, 3, 1, "libinjection fingerprint made only of literals, operators and bare words (as code and prose also produce)"},
	rSQLiUnion:            {"sqli-union-select", CatSQLi, 5, 1, "UNION [ALL|DISTINCT] SELECT, or UNION with a VALUES list or (after a literal) TABLE t"},
	rSQLiFunction:         {"sqli-function", CatSQLi, 5, 1, "SQL functions and objects abused by injections (sleep(), benchmark(), information_schema, xp_cmdshell, load_file(), extractvalue(), pg_read_file(), lo_import(), COPY … FROM PROGRAM …)"},
	rSQLiStacked:          {"sqli-stacked-query", CatSQLi, 5, 1, "a statement separator followed by a destructive or probing SQL statement"},
	rSQLiTautology:        {"sqli-tautology", CatSQLi, 3, 1, "boolean tautology or comparison after a quote/number (' or 1=1, and 12=12)"},
	rSQLiBreakout:         {"sqli-breakout-tautology", CatSQLi, 5, 1, "a quote or parenthesis closes a literal, then a boolean comparison of literals (') or 1=1, ' and 'a'='a), OR TRUE, or a JSON path/function compared to a literal; also with quotes a legacy code page maps to the apostrophe (U+2018, U+2019, U+2032, U+02BC …)"},
	rSQLiComment:          {"sqli-comment-evasion", CatSQLi, 5, 1, "MySQL executable comment /*! … */ or comments splitting SQL keywords"},
	rSQLiKeywords:         {"sqli-keywords", CatSQLi, 3, 2, "SQL statement shape (select … from, insert into, delete from, drop table)"},
	rXSSLibinjection:      {"xss-libinjection", CatXSS, 5, 1, "libinjection HTML5 tokenizer recognises an XSS vector"},
	rXSSScriptTag:         {"xss-script-tag", CatXSS, 5, 1, "<script> or </script> tag"},
	rXSSEventHandler:      {"xss-event-handler", CatXSS, 5, 1, "DOM event handler attribute (onload=, onerror=, onpointer…=) after a tag, quote or separator"},
	rXSSJSURI:             {"xss-js-uri", CatXSS, 5, 1, "javascript:/vbscript:/data:text/html URI carrying code; a script scheme split by control characters or character references (ja&Tab;vascript:), whatever follows"},
	rXSSJSSink:            {"xss-js-sink", CatXSS, 5, 1, "JavaScript probe or sink call (alert/prompt/confirm invocation, eval(atob(…)), String.fromCharCode, .call/.apply on a dialog); a dynamic import() of a protocol-relative or data: URL; a timer, codec or dialog called alone (setInterval(…), atob()); DOM code as the whole value that reads the cookie, domain or location, writes markup, builds elements or indexes a global by a string"},
	rXSSJSWeak:            {"xss-js-weak", CatXSS, 3, 1, "JavaScript DOM access (document.cookie, document.domain, eval(, constructor(…)"},
	rXSSTag:               {"xss-dangerous-tag", CatXSS, 3, 1, "active HTML element (iframe, object, embed, svg, math, base, meta, form, frame …)"},
	rXSSElement:           {"xss-html-injection", CatXSS, 5, 1, "markup that loads or redirects without script, or that a UTF-7 reading turns into a tag (+ADw-script+AD4-) (a namespaced script, VML frame, iframe, object or embed element <x:script>, <v:vmlframe src>, <base href>, <link rel=import>, <style>@import (also spelled with CSS escapes, @\\69mport), formaction=, srcdoc=, meta refresh, CSS expression())"},
	rXSSProto:             {"xss-prototype-pollution", CatXSS, 5, 1, "prototype pollution key (__proto__, constructor.prototype)"},
	rTraversalDotDot:      {"traversal-dotdot", CatTraversal, 5, 1, "three or more ../ segments; two in a parameter, cookie or header name; one in a request path or an uploaded file's name"},
	rTraversalDotDotWeak:  {"traversal-dotdot-weak", CatTraversal, 3, 1, "one or two ../ segments in a value"},
	rLFIFile:              {"lfi-sensitive-file", CatTraversal, 5, 1, "file that holds secrets or proves a read (/etc/passwd, /etc/shadow, /proc/self/, win.ini, .ssh/id_*, wp-config.php, .git/config …)"},
	rLFIConfig:            {"lfi-config-file", CatTraversal, 3, 1, "configuration or log file path (/etc/hosts, web.config, .htaccess, /var/log/nginx …): weak alone"},
	rLFIUNC:               {"lfi-unc-path", CatTraversal, 5, 1, "Windows UNC path to an administrative share (\\\\host\\c$), to an IP address, or to a network host in a file parameter"},
	rLFIWrapper:           {"lfi-stream-wrapper", CatTraversal, 5, 1, "language stream wrapper (php://, phar://, expect://, zip://, netdoc:, jar: …)"},
	rLFIFileURI:           {"lfi-file-uri", CatTraversal, 3, 1, "file: URI (local files are named so in HTML and config too: a weak signal alone)"},
	rRFIRemote:            {"rfi-remote-include", CatRFI, 3, 1, "remote URL shaped for inclusion (IP host, trailing ?, include-like parameter name)"},
	rRCEUnix:              {"rce-unix-command", CatRCE, 5, 1, "shell separator followed by a Unix command with arguments; a value that starts with a separator (after at most a number or an address), a word and an option (;flock -u /, |perf --version)"},
	rRCESubshell:          {"rce-subshell", CatRCE, 5, 1, "command substitution `cmd` or $(cmd)"},
	rRCEWindows:           {"rce-windows-command", CatRCE, 5, 1, "Windows shell command (cmd /c, powershell -, certutil, set /a, dir c:\\, a PowerShell web cmdlet after a separator …)"},
	rRCEShellshock:        {"rce-shellshock", CatRCE, 5, 1, "Shellshock function definition () { :; };"},
	rRCESSI:               {"rce-ssi", CatRCE, 5, 1, "server-side include directive <!--#exec …"},
	rRCECode:              {"rce-code-injection", CatRCE, 5, 1, "code injection or deserialisation (PHP system()/eval($_, PHP open tags with a statement, variable variables, calls split by comments, ASP Execute, !!python/, __import__, Java process and gadget classes, Fastjson @type; PHP-only functions called by name (base64_decode(, fsockopen(, unserialize( …), variable functions ($a(1), $_[0](…), $x=@$f(1), $o->$m(), Foo::$m()), calls through strings (\"system\"('id'), ('sys'.'tem')(…), [system][0](…)), system(whoami), eval of a string or a variable …); a PHP superglobal as a parameter name ($_COOKIE, $_SERVER[x])"},
	rRCEEvasion:           {"rce-shell-evasion", CatRCE, 5, 1, "shell evasion ($IFS, ${IFS}, ${PATH:0:1}, trimming and case operators ${x#a} ${x%%a} ${x^^} ${x,,}, brace expansion {cat,/etc/passwd}, globbed binaries /???/??t)"},
	rJNDILookup:           {"jndi-lookup", CatJNDI, 5, 1, "Log4Shell ${jndi:…} lookup, after resolving ${lower:}/${::-x} obfuscation; a JNDI URL of a remote naming service (jndi:ldap://, jndi:rmi://, jndi:dns://…) however it is wrapped"},
	rJNDIObfuscated:       {"jndi-lookup-obfuscated", CatJNDI, 5, 1, "Log4j lookup used for exfiltration or obfuscation (${env:…}, ${sys:…}, ${lower:…}, ${::-…})"},
	rSSRFMetadata:         {"ssrf-cloud-metadata", CatSSRF, 5, 1, "URL targets a cloud metadata service (169.254.169.254, fd00:ec2::254, metadata.google.internal …)"},
	rSSRFObfuscatedIP:     {"ssrf-obfuscated-ip", CatSSRF, 5, 1, "URL host is an IP in decimal, octal, hex, shortened, IPv4-mapped IPv6 or Unicode look-alike form, a number too large for IPv4 (its low 32 bits), an IPv6 address with a zone or in no assigned range ([a::], multicast), or an internal host after a user-info with a blank (host:80 &@127.0.0.1); also without the slashes after http: when it names loopback or the metadata service (http:2852039166)"},
	rSSRFLoopback:         {"ssrf-loopback", CatSSRF, 3, 1, "URL targets loopback or the unspecified address"},
	rSSRFPrivate:          {"ssrf-private", CatSSRF, 2, 1, "URL targets a private or link-local range"},
	rSSRFScheme:           {"ssrf-scheme", CatSSRF, 5, 1, "URL with a scheme used only for SSRF (gopher://, dict://, tftp://, ldap:// in a URL parameter)"},
	rSSRFWildcardDNS:      {"ssrf-wildcard-dns", CatSSRF, 5, 2, "URL host under a wildcard DNS zone that resolves to an internal address (127.0.0.1.nip.io, 10-0-0-1.sslip.io, *.localtest.me)"},
	rSSTIExpr:             {"ssti-expression", CatSSTI, 5, 1, "template expression probe ({{7*7}}, ${7*7}, #{7*7}, <%= 7*7 %>)"},
	rSSTIEngine:           {"ssti-engine", CatSSTI, 5, 1, "template engine internals (__class__, __globals__, freemarker Execute, T(java.lang.Runtime), #set($, Twig _self.env and filter('system') …)"},
	rNoSQLOperator:        {"nosql-operator", CatNoSQL, 5, 1, "MongoDB query operator ($ne, $gt, $where, $regex …) in a name or as an object key"},
	rNoSQLJS:              {"nosql-js-injection", CatNoSQL, 5, 1, "server-side JavaScript injection (db.x.y(…), db.getCollection(…), do{…}while(…), sleep(n) in a $where string; this.password.match(/.*/), function(){return true} or 1==1 as the value or after a broken-out string; a' || '1'=='1)"},
	rLDAPFilter:           {"ldap-filter-injection", CatLDAP, 5, 1, "LDAP filter composition ((&(…)(…)), )(|(, x)(sn~=y, objectClass=*, extensible match :oid:=); one whole well-formed filter passes"},
	rXXEEntity:            {"xxe-external-entity", CatXXE, 5, 1, "<!ENTITY … SYSTEM|PUBLIC> or a parameter entity"},
	rXXEDoctype:           {"xxe-doctype", CatXXE, 5, 1, "DOCTYPE with an internal subset or an external identifier"},
	rXXEXInclude:          {"xxe-xinclude", CatXXE, 5, 1, "XInclude or XML Schema include of a remote resource"},
	rXXEUTF7:              {"xxe-utf7", CatXXE, 5, 1, "XML declared as UTF-7 (an encoding only used to evade filters)"},
	rXMLSchemaLocation:    {"xml-schema-location", CatXXE, 3, 2, "xsi:schemaLocation pointing at a remote URL"},
	rCRLFHeader:           {"crlf-header-injection", CatCRLF, 5, 1, "line break followed by an HTTP header (Set-Cookie:, Location: …)"},
	rCRLFMail:             {"crlf-mail-command", CatCRLF, 5, 1, "line break followed by an SMTP/IMAP/POP3 command; or by a message header (Cc:, Subject: …) in an address field or after an address"},
	rScannerUA:            {"scanner-user-agent", CatScanner, 5, 1, "User-Agent of a vulnerability scanner or attack tool"},
	rScannerOAST:          {"scanner-oast-domain", CatScanner, 5, 1, "out-of-band interaction domain (burpcollaborator.net, oast.*, interact.sh …)"},
	rGraphQLIntrospection: {"graphql-introspection", CatScanner, 3, 1, "GraphQL introspection query (__schema, __type)"},

	rXSSJSExpr:                 {"xss-js-expression", CatXSS, 5, 1, "JavaScript that reaches a function without naming it or breaks out of a script string: bracket calls on window/self/top with computed names, tagged template calls (alert`1`), JSFuck runs of []()!+, '-alert(1)-"},
	rSQLiFragment:              {"sqli-fragment", CatSQLi, 5, 1, "SQL appended without a quote: a leading boolean comparison (1 AND 1=1--), a scalar subquery where a field list or an expression goes on (fields=id,(SELECT password FROM users), 1+(select max(price) from items); not (select one from the list)); ORDER/GROUP BY a column number then a comment, probing statements (SELECT @@version, catalogue queries of MySQL, Postgres, Oracle, DB2, MSSQL, SQLite), DECLARE … EXEC, blind timing calls after AND/OR, SELECT sleep(…), PostgreSQL casts (password::int), JSON literals compared with JSON operators ('{…}'::jsonb < …, '[1,2]' ? '1'), a quote then OR/AND, a call and a comment; SQL statements at the start of a value (CREATE TABLE t (, ALTER TABLE … ADD, DECLARE @v int, EXEC(@, EXECUTE IMMEDIATE, CASE WHEN … THEN, GROUP BY … HAVING, an alias then FROM, SELECT of a builtin call, ;truncate …)"},
	rRCECommandLine:            {"rce-command-line", CatRCE, 5, 1, "a value that is itself a command line: an absolute /bin path with arguments, a shell or interpreter with -c/-e, curl/wget of a URL, a reading, listing, copying or archiving command on a system directory, netcat or socat running a shell anywhere in the value, a command behind time/strace/nohup/sudo/env, also an information or network command alone behind one (time who, strace ls, nohup id); cmd.exe FOR/IF batch syntax; process substitution <(…) and $(cmd); fork bombs; brace expansion {,a,b}; globbed system paths (/e[t]c/, /etc/pas[s]wd); command names split by quotes ('wh'oami); cd to a system directory then a command; $SHELL -c, ${`id`}; an information command then a separator, here-strings, $v/tcp/host/port, self-piping functions, ~+ and ~-, >/tmp/x, admin CLIs (ansible, chef, knife, cscli, visudo), compressed readers on system paths"},
	rSSTIProbe:                 {"ssti-probe", CatSSTI, 5, 1, "template expression that probes or reaches the engine without arithmetic: {{self}}, {{config}}, {$smarty.version}, {% debug %}, ${T(…)}, #{obj.method}, *{…}, [[${…}]], <%= … %>, {{#with}}, @(1+2), ${7 7} (a form '+' decoded)"},
	rRedirectOpen:              {"redirect-open", CatSSRF, 5, 1, "redirect-like parameter (redirect, return_to, next, url, continue …) holding an off-site target in an evasive form: //host, /\\host, https:/host, https:host, leading whitespace or control characters, user-info (https://site@evil), javascript:/data:; with redirect_hosts, any host but the site's and those listed"},
	rRedirectOffsite:           {"redirect-offsite", CatSSRF, 5, 1, "a parameter that names where the browser goes once a step is over (next, return_to, returnUrl, redirect, continue, goto, dest, RelayState …) holding an absolute URL of another site than the request's Host (neither the host nor its registrable domain); OAuth redirect_uri, webhook and fetch URLs are not such parameters. Partner hosts that a flow really returns to go in redirect_hosts"},
	rPathSensitive:             {"path-sensitive-file", CatTraversal, 5, 1, "request path names a sensitive file or admin surface: VCS metadata (.git/, .svn/), secrets (.env, .htpasswd, .aws/, .ssh/, id_rsa, terraform.tfstate), AI coding agents' configuration (.cursor/, .aider, .cline/, .kiro/, .windsurf/, mcp.json), /WEB-INF/ and /META-INF/ (also through ..;/ or /%2e/), debug and admin endpoints (actuator/env, server-status, phpinfo.php, jmx-console, manager/html …), backups and dumps (*.bak, *.sql, *.swp, backup.zip, db.tar.gz); a project's manifests, lock files and CI definitions at the site's root (/composer.lock, /package.json, /.gitlab-ci.yml)"},
	rPathHidden:                {"path-hidden-file", CatTraversal, 3, 1, "request path ends in a hidden file or directory other than /.well-known (a weak signal alone)"},
	rGraphQLIntrospectionQuery: {"graphql-introspection-query", CatScanner, 5, 1, "a GraphQL document queries the schema (__schema, __type(…)): production APIs do not serve introspection to clients"},
	rGraphQLAbuse:              {"graphql-abuse", CatProtocol, 5, 1, "GraphQL document beyond sane limits, read token by token with its fragments expanded: more than 30 aliases (or more than 4 of one field that checks a password, a one-time code or a coupon in one selection set: a1: login(…) a2: login(…) …), nesting deeper than 15, more than 20 operations in a document or a JSON batch (or one document more than 10 times in a batch), more than 10 directives on one field, one field more than 20 times in a selection set, more than 10000 selections, a field's selection set inside more than 5 of the same field's (friends { friends { … } }), a page of a million rows or more (first: 99999999), or a fragment cycle (batching and alias brute force, depth, directive and duplication DoS)"},
	rSSRFInternal:              {"ssrf-internal-target", CatSSRF, 5, 1, "a parameter named for a URL the server fetches (url, webhook, image_url, feed, proxy, endpoint …) holds a loopback, unspecified, private or link-local target, in any IP spelling, localhost, or a cluster-internal name (*.internal, *.svc, *.cluster.local), loopback aliases (localhost.localdomain, ip6-loopback, lvh.me), with or without a scheme"},
	rRFIScript:                 {"rfi-script-url", CatRFI, 5, 1, "a parameter holds a remote file inclusion URL: a script or source text on an IP-literal host, a script URL cut off by ?, # or NUL, a query that is only an extension (shell.jpg?.php), a script URL in an include-like parameter (file, module, template) or source text in a page-like one (page, view, lang); or a URL in a PHP path configuration variable (mosConfig_absolute_path, _CONF[path], include_path)"},
	rJavaClassName:             {"java-class-name", CatRCE, 5, 1, "a value or name that is only a fully qualified Java class or package name of the JDK's process, I/O, reflection, network, RMI, bean, script, naming or internal packages, CORBA, Commons, Groovy or Xalan (java.io.FileOutputStream, com.sun.org.apache…, Ljava.lang.Runtime;, java.x.Runtime): the class a deserialiser or reflection call is handed; exception and error classes excepted; and Spring's XML application contexts handed a URL"},
	rNodeCode:                  {"node-code-injection", CatRCE, 5, 1, "Node.js code: the Function constructor (new Function(, Function('…')), the process object by bracket or at the start of a value (process['env'], process.env.X), module.exports=, console by bracket or .call, node-serialize and funcster function markers, a loop on a constant (while(!0), while(Infinity), for(;;))"},
	rSQLiCallProbe:             {"sqli-call-probe", CatSQLi, 5, 1, "a value that is only a call of an SQL builtin, closed or left open to provoke an error (concat(, benchmark(, unhex(, substring('a',1,1), , find_in_set('2', c)), or only a system catalogue name (information_schema, pg_catalog, mysql.user, msysobjects, tempdb, msdb)"},
	rPHPCallProbe:              {"php-probe", CatRCE, 5, 1, "a value (or the last path segment) that is only a call of a PHP builtin that executes, decodes, reads or echoes (print_r(), strrev( ), intval($x), file_exists(, chr(123), get_defined_functions()[0]), or only a php.ini directive assignment of the directives that change what PHP runs, includes or allows (auto_prepend_file=…, allow_url_include=1, opcache.*=, memory_limit = 512M)"},
	rJavaBeanPath:              {"java-classloader-path", CatRCE, 5, 1, "a parameter or cookie name that binds a bean property path through class to its ClassLoader, module or protection domain (class.module.classLoader.*, class.classLoader.*, class['classLoader'], top['class']['classLoader']): Spring4Shell and the Struts 2 ClassLoader manipulations; also Confluence's bootstrapStatusProvider.applicationConfig.* (CVE-2023-22515)"},
	rORMFilterLeak:             {"orm-filter-leak", CatSQLi, 5, 1, "a parameter name that is an ORM filter through a credential field or across the schema: Django lookups (user__password__startswith, reset_token__isnull, a path of four fields or more ending in a lookup) and Ransack predicates on a credential (q[password_digest_start]); the ORM leak that tests a secret one character at a time"},
	rSQLiSplit:                 {"sqli-split-keyword", CatSQLi, 5, 1, "an SQL keyword or injection function spelled in pieces that SQL joins: string literals concatenated with ||, + or CONCAT(…), adjacent literals, CHAR()/CHR() codes ('UNI'||'ON SELECT', 'sel'+'ect', CONCAT('DRO','P'), CHAR(83)+CHAR(69)+CHAR(76)…)"},
	rXSSSplit:                  {"xss-split-name", CatXSS, 5, 1, "a JavaScript dialog, evaluator, DOM sink or global spelled in pieces that JavaScript joins: string literals concatenated with + or .concat(…) (\"al\"+\"ert\"(1), ['ev'+'al'], 'coo'.concat('kie'))"},
	rLFISystemPath:             {"lfi-system-path", CatTraversal, 5, 1, "a parameter value that is only an absolute path (after at most file://, a drive letter, %SYSTEMROOT% or a traversal) into the system's configuration, log, database or process directories: /etc/…, /var/log/…, /var/lib/mysql/…, /proc/…, /usr/local/etc/…, C:/Windows/…, C:/inetpub/… (a file a traversal or an inclusion reads; user files and paths named inside text are not matched)"},
	rCRLFLog:                   {"crlf-log-forging", CatCRLF, 5, 1, "a line break in a query, cookie or header value followed by the start of a log record (an address then \"- \" or \"[\", an ISO 8601 or syslog timestamp): a forged log entry"},
	rSSRFQueryAuthority:        {"ssrf-query-authority", CatSSRF, 5, 1, "a query string that starts with @host/ (or its encoded @): a request target that a backend joining it to a URL reads with the attacker's host as authority (Exchange's autodiscover.json?@host/owa/, ProxyShell, CVE-2021-34473)"},
	rScannerHeader:             {"scanner-header", CatScanner, 5, 1, "a header only a vulnerability scanner sends: Acunetix's Acunetix-* headers, WebInspect's X-Scan-Memo, X-WIPP and X-RequestManager-Memo, or an X-Scanner header naming a scanner"},
	rScannerPath:               {"scanner-probe-path", CatScanner, 5, 1, "a path with the marker of a scanner's probe for a file that does not exist (nmap's /nmaplowercheck…, Acunetix's acunetix-wvs-test-for-some-inexistent-file, AppScan's appscan_fingerprint, DFind's w00tw00t.at.…, Nessus's nessus_is_probing_you_, Nikto's nikto-test-)"},
	rPHPCGIArgument:            {"rce-php-cgi-argument", CatRCE, 5, 1, "a query string that is a PHP command-line option (-s, -d allow_url_include=1 …, the dash also as %2D or the soft hyphen %AD): PHP-CGI reads a query without '=' as its arguments (CVE-2012-1823, CVE-2024-4577)"},
	rDeserialize:               {"deserialization-object", CatRCE, 5, 1, "a serialized object whose decoder builds the classes it names: a Java object stream (base64 rO0AB…, hex aced0005), a pickle that imports os.system, subprocess or eval, a .NET ViewState or BinaryFormatter stream with a gadget class, a JSON.NET $type gadget (ObjectDataProvider, AssemblyInstaller …), an uploaded YAML file with a class tag (!!javax.script.ScriptEngineManager, !!python/object, !ruby/object:)"},
	rNoSQLFilterSyntax:         {"nosql-filter-syntax", CatNoSQL, 3, 1, "a comparison or logical MongoDB operator in the bracket filter syntax of a query builder, on a field that holds no credential (filters[price][$lt]=20 of Strapi, where[tags][$in]= of Feathers and Parse): weak alone"},
	rFormulaInjection:          {"csv-formula-injection", CatRCE, 5, 1, "a value, or a cell of an uploaded CSV file, that a spreadsheet runs as a formula reaching outside the sheet: a DDE call (=cmd|' /C calc'!A0, @SUM(1+1)*cmd|…), HYPERLINK, IMPORTXML, IMPORTDATA, WEBSERVICE …"},
	rJWTForgery:                {"jwt-header-forgery", CatProtocol, 5, 1, "a JSON Web Token (a bearer token, a token parameter or cookie) whose protected header no issuer writes: alg \"none\" in any case, a kid that is a file path, climbs directories or carries SQL or shell syntax (kid lookups read files and query databases), a jku or x5u key URL on an IP address, with user-info, over plain http or on an out-of-band service, or a public key embedded as jwk outside a DPoP proof; api_auth refuses such tokens where it runs, this rule stops them before backends that verify tokens themselves"},
	rGraphQLURLMutation:        {"graphql-mutation-in-url", CatProtocol, 5, 1, "a GraphQL mutation sent in the URL's query (GET /graphql?query=mutation{…}): GraphQL over HTTP allows only queries there, and a server that runs it lets any link or image tag make a signed-in browser change data (cross-site request forgery)"},
	rRenderCallback:            {"php-render-callback", CatRCE, 5, 1, "a parameter name that sets a callback property of a Drupal render array (mail[#post_render][]=exec, [#lazy_builder], [#pre_render], [#access_callback] …): Drupal calls the PHP function it names while rendering the form (Drupalgeddon 2, CVE-2018-7600)"},
	rPathStaticSuffix:          {"path-static-suffix", CatProtocol, 5, 1, "a path, or a parameter that is one, whose segment ends in a path parameter that looks like a static file or a JSP (/app/rest/users;.jsp, /admin;.css, /api;.png): Tomcat, Jetty and Spring drop the parameter and serve the segment, while an authentication filter that exempts static files or JSPs lets it through (TeamCity CVE-2023-42793 and CVE-2024-27198)"},
	rRCEArgument:               {"rce-argument-injection", CatRCE, 5, 1, "a value that is an option of the program an application runs with it (argument injection): git's --upload-pack=, -u, --config=core.sshCommand and the ext:: transport; curl's -o/--output, -K/--config, -T and @file uploads; wget's --post-file=, -O, -e; find's -exec; rsync's -e/--rsh; tar's --checkpoint-action=exec= and --to-command=; ssh's -oProxyCommand=; sendmail's -X and -OQueueDirectory= in an address (PHPMailer, CVE-2016-10033)"},
	rPathUploadScript:          {"path-upload-script", CatRCE, 5, 1, "a request for a server script (.php, .jsp, .aspx, .asp, .cgi …) inside a directory of uploaded files (uploads/, upload/, userfiles/, attachments/, avatars/, wp-content/uploads/): a webshell being called; upload directories serve what users sent, never code"},
	rXPathInjection:            {"xpath-injection", CatSQLi, 5, 1, "XPath injection, the query language of XML stores and SOAP lookups: a quote that closes the application's literal, then a node-set union (']|//*|//*[') or a boolean operator and an XPath function (' or count(/*)=1 or ', ' or doc('http://…')/a or ', string-length(, name(, substring()"},
	rUploadScript:              {"upload-script-file", CatRCE, 5, 1, "uploaded file name with a server-side script extension (.php, .phtml, .phar, .jsp, .jspx, .asp, .aspx, .ashx, .cfm, .shtml, .htaccess …), trailing dots and spaces ignored, or a PHP session file name (sess_<id>)"},
}

// Rules lists every value-layer rule.
func Rules() []RuleInfo {
	out := make([]RuleInfo, len(ruleTable))
	copy(out, ruleTable[:])
	return out
}

// ruleMatches reports whether pattern (an id, or a prefix ending in '*')
// names id.
func ruleMatches(pattern, id string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(id, p)
	}
	return pattern == id
}
