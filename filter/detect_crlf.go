package filter

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// responseHeaders are header names whose injection splits or poisons a
// response; strongHeaders are never written in prose after a line break.
var (
	strongHeaders = []string{"set-cookie", "content-type", "content-length", "transfer-encoding", "x-xss-protection", "access-control-allow-", "content-security-policy", "content-disposition", "x-forwarded-"}
	// reStatusLine: an injected response status line ("HTTP/1.1 200 OK").
	reStatusLine  = regexp.MustCompile(`^http/[0-9](?:\.[0-9])? +[1-5][0-9][0-9]\b`)
	weakHeaders   = []string{"location", "refresh", "host", "cookie", "link", "connection", "x-", "server", "cache-control", "set-"}
	mailCommands  = []string{"rcpt to", "mail from", "helo ", "ehlo ", "vrfy ", "expn ", "rset", "auth login", "auth plain", "starttls", "bcc:"}
	imapCommands  = []string{" capability", " fetch ", " login ", " select ", " logout", " examine ", " append ", " store ", " uid ", " authenticate ", " list ", " noop"}
	aloneCommands = []string{"quit", "data", "stat", "noop", "logout"}
)

// crlfClasses: a line break, a character that one encodes (U+560A …), or
// the backslash of its escape (\r\n): the classes detectCRLF's tests need
// one of; runDetectors does not call it for a value with none.
const crlfClasses = cNL | cHigh | cBackslash

// detectCRLF flags a line break (also the U+560A/U+560D trick, whose low
// byte is LF/CR once truncated to Latin-1) followed by an HTTP header or a
// mail protocol command.
func detectCRLF(e *emitter, v *value) {
	d := v.dec
	if v.cls&cBackslash != 0 && v.kind != KindBodyValue && v.kind != KindBodyRaw && (strings.Contains(d, `\n`) || strings.Contains(d, `\N`)) && escapedHeaderBreak(strings.ToLower(d)) {
		// page=\r\nSet-Cookie:…: the escapes of a line break, which an
		// unescaping layer (stripcslashes, a JSON or Java unescape)
		// turns into one, then a response header.
		e.hit(rCRLFHeader)
	}
	if v.cls&cNL == 0 && !(v.cls&cHigh != 0 && (strings.Contains(d, "\u560a") || strings.Contains(d, "\u560d") || strings.Contains(d, "\u010a") || strings.Contains(d, "\u010d"))) {
		return
	}
	strictPlace := v.kind != KindBodyValue && v.kind != KindBodyRaw
	if !strictPlace && reLoggedHTTPStart.MatchString(d) {
		// "HTTP/1.1 504 Gateway Timeout\r\nContent-Type: …": a
		// response or request head that telemetry or a support tool
		// logged, header block and all; an injection adds its header
		// after a value, not after a status line.
		return
	}
	if !strictPlace && multiLineText(d) {
		// A body string that is a document (a stack trace, a logged
		// HTTP exchange, an e-mail in telemetry JSON) has line breaks and
		// header-like lines of its own: an injection adds a line or two
		// to a short value.
		return
	}
	// mailField: the value is (or is meant to be) one address, so a line
	// break followed by a message header adds a header to the mail the
	// application sends (x@y.z\nBcc: list@…).
	identity := identityParam(v.name)
	mailField := mailParam(v.name) || identity || singleAddress(d)
	for i, hits := 0, 0; i < len(d) && hits < 64; {
		c := d[i]
		size := 1
		brk := c == '\r' || c == '\n'
		if c >= 0x80 {
			r, n := utf8.DecodeRuneInString(d[i:])
			size = n
			brk = r == 0x560a || r == 0x560d || r == 0x010a || r == 0x010d
		}
		i += size
		if !brk {
			continue
		}
		hits++
		// Skip further breaks and blanks.
		j := i
		for j < len(d) && (d[j] == '\r' || d[j] == '\n' || d[j] == ' ' || d[j] == '\t') {
			j++
		}
		line := d[j:]
		if k := strings.IndexAny(line, "\r\n"); k >= 0 {
			line = line[:k]
		}
		if len(line) > 64 {
			line = line[:64]
		}
		var buf [64]byte
		l := buf[:len(line)]
		for k := 0; k < len(line); k++ {
			c := line[k]
			if c >= 'A' && c <= 'Z' {
				c |= 0x20
			} else if c == '+' {
				c = ' ' // a form-encoded space that nothing decoded
			}
			l[k] = c
		}
		ls := bstr(l)
		if i-size > 0 && d[i-size-1] == '%' && (strings.HasPrefix(ls, "0a") || strings.HasPrefix(ls, "0d")) {
			// %%0a0a: the break's own hex digits again, left for a
			// decoder that reads the rest as %0a.
			ls = ls[2:]
		}
		if colon := strings.IndexByte(ls, ':'); colon > 0 && isHeaderName(ls[:colon]) {
			name := ls[:colon]
			// In a query, cookie or header, where a line break is itself
			// rare, any hyphenated header name counts (Remote-Addr:,
			// X-Real-IP:): prose writes "Note:", not "Note-To:".
			if hasPrefixAny(name, strongHeaders) || strictPlace && (hasPrefixAny(name, weakHeaders) || strings.IndexByte(name, '-') > 0 && colon+1 < len(ls) && ls[colon+1] == ' ') {
				e.hit(rCRLFHeader)
			}
		}
		if strings.HasPrefix(ls, "http/") && reStatusLine.MatchString(ls) {
			e.hit(rCRLFHeader)
		}
		if hasPrefixAny(ls, mailCommands) || mailField && mailHeaderLine(ls) {
			e.hit(rCRLFMail)
		}
		if strictPlace {
			// A blank line ends a response's header block: what follows
			// it is the body the split response serves.
			if len(ls) > 1 && ls[0] == '<' && (ls[1] >= 'a' && ls[1] <= 'z' || ls[1] == '!') && strings.Count(d[i-size:j], "\n") >= 2 {
				e.hit(rCRLFHeader)
			}
		}
		if (strictPlace || identity) && logRecordStart(ls) {
			e.hit(rCRLFLog)
		}
		if len(ls) > 2 && ls[0] >= 'a' && ls[0] <= 'z' && ls[1] >= '0' && ls[1] <= '9' {
			if sp := strings.IndexByte(ls, ' '); sp > 0 && hasPrefixAny(ls[sp:], imapCommands) {
				e.hit(rCRLFMail)
			}
		}
		for _, w := range aloneCommands {
			if ls == w || strings.HasPrefix(ls, w) && len(ls) == len(w) {
				e.hit(rCRLFMail)
			}
		}
	}
}

// escapedHeaderBreak: l (lower case) has the escape of a line break
// (\n, \r\n) directly before a header that changes the response.
func escapedHeaderBreak(l string) bool {
	for i := 0; i < len(l) && i < 4096; {
		k := strings.Index(l[i:], "\\n")
		if k < 0 {
			return false
		}
		rest := l[i+k+2:]
		for strings.HasPrefix(rest, "\\r") || strings.HasPrefix(rest, "\\n") {
			rest = rest[2:]
		}
		rest = strings.TrimLeft(rest, " \t")
		if c := strings.IndexByte(rest, ':'); c > 0 && hasPrefixAny(rest, strongHeaders) && isHeaderName(rest[:c]) {
			return true
		}
		i += k + 2
	}
	return false
}

// reLoggedHTTPStart: a value that starts with an HTTP status line or
// request line, then a line break.
var reLoggedHTTPStart = regexp.MustCompile(`^(?:HTTP/\d(?:\.\d)? \d{3}\b[^\r\n]*|[A-Z]{3,7} \S+ HTTP/\d(?:\.\d)?)\r?\n`)

// identityParam: a field that holds one name or address (username,
// login, email): a line break in it is never text.
func identityParam(name string) bool {
	if name == "" || len(name) > 32 {
		return false
	}
	var buf [32]byte
	switch bstr(foldParamName(buf[:0], name)) {
	case "user", "username", "user_name", "login", "email", "e_mail", "mail", "account", "uid", "userid", "user_id", "name":
		return true
	}
	return false
}

func isHeaderName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func hasPrefixAny(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// multiLineText reports a value whose line breaks make it a document: more
// than four breaks, or a first line that is prose or a request/status line
// longer than an injected prefix.
func multiLineText(d string) bool {
	breaks := 0
	first := -1
	for i := 0; i < len(d); i++ {
		if d[i] == '\n' || d[i] == '\r' {
			if first < 0 {
				first = i
			}
			if d[i] == '\n' {
				breaks++
			}
		}
	}
	if breaks > 4 {
		return true
	}
	if first < 0 {
		return false
	}
	head := d[:first]
	return len(head) > 40 && strings.Count(head, " ") >= 2
}

// mailHeaders are the message headers an injection after an address adds
// (lower case, with their colon).
var mailHeaders = []string{"cc:", "bcc:", "to:", "from:", "subject:", "reply-to:", "sender:", "return-path:", "mime-version:", "content-transfer-encoding:"}

// mailHeaderLine: ls (a lower-cased line) starts with a message header.
func mailHeaderLine(ls string) bool {
	return len(ls) > 3 && hasPrefixAny(ls, mailHeaders)
}

// mailParam: a parameter named for an address or a message header, whose
// value an application puts in the headers of the mail it sends.
func mailParam(name string) bool {
	if name == "" || len(name) > 32 {
		return false
	}
	var buf [32]byte
	switch n := bstr(foldParamName(buf[:0], name)); n {
	case "email", "mail", "e_mail", "to", "from", "cc", "bcc", "reply_to", "replyto", "sender", "recipient", "subject", "contact_email", "user_email", "email_address":
		return true
	default:
		return strings.HasSuffix(n, "_email") || strings.HasSuffix(n, "email_address")
	}
}

// singleAddress: the text before d's first line break is one e-mail
// address, a field's whole expected value.
func singleAddress(d string) bool {
	k := strings.IndexAny(d, "\r\n")
	if k <= 0 || k > 254 {
		return false
	}
	head := d[:k]
	at := strings.IndexByte(head, '@')
	return at > 0 && at < len(head)-3 && strings.IndexByte(head[at+1:], '.') > 0 && strings.IndexAny(head, " \t<>,;\"") < 0
}

// reLogRecord: the start of a log record in the formats servers and
// applications write: an address then the Common Log Format's identity
// fields ("127.0.0.1 - admin"), an ISO 8601 or syslog timestamp, a level
// in brackets ("[INFO] ").
var reLogRecord = regexp.MustCompile(`^(?:\d{1,3}(?:\.\d{1,3}){3} (?:- |\[)|\[?\d{4}-\d\d-\d\d[ t]\d\d:\d\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) [ \d]\d \d\d:\d\d:\d\d |\[(?:info|warn|warning|error|debug|notice|crit|critical|alert|emerg|fatal|trace)\] )`)

// logRecordStart: ls (a lower-cased line after a break) forges a new log
// record, so a log reader sees an entry the application never wrote.
func logRecordStart(ls string) bool {
	return len(ls) > 8 && (ls[0] >= '0' && ls[0] <= '9' || ls[0] == '[' || ls[0] >= 'a' && ls[0] <= 's') && reLogRecord.MatchString(ls)
}
