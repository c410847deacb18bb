package filter

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"slices"
	"strings"
)

// multipart inspects a multipart/form-data body: field names and values,
// file names and the declared content type of each file, and file contents
// for server-side code (see fileContent).
func (w *walker) multipart(s, boundary string, truncated bool) {
	if boundary == "" {
		w.malformed("multipart", errors.New("no boundary"))
		w.value(tBodyRaw, KindBodyRaw, "", s)
		return
	}
	mr := multipart.NewReader(strings.NewReader(s), boundary)
	var val strings.Builder
	for !w.stop {
		part, err := mr.NextPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			if !truncated {
				w.malformed("multipart", err)
				w.lenientFileNames(s)
			}
			return
		}
		w.countArg()
		field := part.FormName()
		w.name(tBodyName, KindBodyName, field, plainToken(field))
		if cd := part.Header.Get("Content-Disposition"); strings.Contains(strings.ToLower(cd), "filename") {
			// FileName drops directories; the raw parameter is what a
			// traversal would use. Every spelling a backend may read is
			// judged: each filename and filename* parameter of each
			// Content-Disposition line, and the name Go's parser makes of
			// them (quoted-pairs undone).
			for _, name := range fileNames(part.Header.Values("Content-Disposition"), part.FileName()) {
				w.value(tFileName, KindFileName, field, name)
			}
			if ct := part.Header.Get("Content-Type"); ct != "" {
				w.value(tFileType, KindHeaderValue, field, ct)
			}
			w.fileContent(part, field, truncated)
			continue
		}
		val.Reset()
		// The part is inside the bounded prefix: reading it is bounded too.
		if _, err := io.Copy(&val, part); err != nil && !truncated {
			w.malformed("multipart", err)
			return
		}
		if v := val.String(); v != "" {
			w.value(tBody, KindBodyValue, field, v)
			w.siteValue(tBody, field, v)
			if !w.stop && jsonContainer(v) {
				// A JSON document in a field (the operations of a
				// GraphQL multipart upload, metadata next to a file):
				// the backend parses it, so its members are inspected
				// as a JSON body's.
				w.json(v, false)
			}
		}
	}
}

// jsonContainer: v is a whole JSON object or array (checked by a parse
// that keeps nothing, after a first-byte test).
func jsonContainer(v string) bool {
	t := strings.TrimLeft(v, " \t\r\n")
	if t == "" || t[0] != '{' && t[0] != '[' {
		return false
	}
	return walkJSON(t, maxJSONDepthCap, func(bool, []byte, string, string) bool { return true }) == nil
}

// jsonFile: an uploaded part named or typed as JSON.
func jsonFile(part *multipart.Part) bool {
	name := strings.ToLower(part.FileName())
	ct := strings.ToLower(part.Header.Get("Content-Type"))
	return strings.HasSuffix(name, ".json") || strings.HasPrefix(ct, "application/json")
}

// paramValue is the value of a header parameter as sent, from just after
// its '=' (quotes dropped, not unescaped: the raw spelling is what a
// traversal would use; mime.ParseMediaType would accept it, multipart
// strips its directory part).
func paramValue(v string) string {
	if strings.HasPrefix(v, `"`) {
		if j := strings.IndexByte(v[1:], '"'); j >= 0 {
			return v[1 : 1+j]
		}
		return v[1:]
	}
	if j := strings.IndexByte(v, ';'); j >= 0 {
		v = v[:j]
	}
	return strings.TrimSpace(v)
}

// fileNames returns the distinct file names a part's Content-Disposition
// lines give (see multipart), at most maxLenientNames.
func fileNames(cds []string, parsed string) []string {
	var names []string
	add := func(n string) {
		if n != "" && !slices.Contains(names, n) && len(names) < maxLenientNames {
			names = append(names, n)
		}
	}
	for _, cd := range cds {
		lc := asciiLowerCopy(cd)
		for off := 0; ; {
			i := strings.Index(lc[off:], "filename")
			if i < 0 {
				break
			}
			i += off
			off = i + len("filename")
			rest := cd[off:]
			ext := strings.HasPrefix(rest, "*")
			if ext {
				rest = rest[1:]
			}
			rest = strings.TrimLeft(rest, " ")
			if !strings.HasPrefix(rest, "=") {
				continue
			}
			name := paramValue(rest[1:])
			if ext {
				// RFC 8187: charset'language'percent-encoded.
				if j := strings.LastIndexByte(name, '\''); j >= 0 {
					name = name[j+1:]
				}
				if d, ok := percentDecode(name, false); ok {
					name = d
				}
			}
			add(name)
			if strings.IndexByte(name, '\\') >= 0 {
				// A quoted-pair (shell.ph\p): Werkzeug, Python's email
				// package and PHP drop the backslash; Go keeps it.
				add(unquotePairs(name))
			}
		}
	}
	// The parsed name is the last element of a raw one, unless the
	// parser undid quoting (shell.p\hp): only then is it news.
	if !slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, parsed) }) {
		add(parsed)
	}
	return names
}

// unquotePairs drops the backslash of each quoted-pair in s.
func unquotePairs(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// lenientFileNames inspects the file names of a multipart body that did
// not parse, as a lenient parser reads them: PHP and C code stop a name at
// a NUL byte (shell.php%00.jpg is shell.php to them), which a strict
// parser refuses as a malformed header, so the name would go unseen. Only
// Content-Disposition lines count, not a file's content that happens to
// hold the word.
func (w *walker) lenientFileNames(s string) {
	const header = "content-disposition:"
	n := 0
	for rest := s; rest != "" && n < maxLenientNames && !w.stop; {
		line, next, _ := strings.Cut(rest, "\n")
		rest = next
		if !hasPrefixFold(line, header) {
			continue
		}
		for _, name := range fileNames([]string{strings.TrimSuffix(line[len(header):], "\r")}, "") {
			if k := strings.IndexByte(name, 0); k >= 0 {
				name = name[:k]
			}
			if name != "" && n < maxLenientNames {
				n++
				w.value(tFileName, KindFileName, "", name)
			}
		}
	}
}

// asciiLowerCopy is s with A-Z lower-cased and every other byte kept, so
// that an offset in it is one in s (strings.ToLower rewrites invalid
// UTF-8 at another length).
func asciiLowerCopy(s string) string {
	b := []byte(s)
	lowerASCII(b)
	return string(b)
}

// lowerASCII lower-cases A-Z in b in place.
func lowerASCII(b []byte) {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c | 0x20
		}
	}
}

// maxLenientNames bounds the file names one part, or lenientFileNames,
// yields.
const maxLenientNames = 64

// maxFileScan bounds how much of each uploaded file is searched for code.
const maxFileScan = 64 << 10

// fileContent searches the start of an uploaded file for what makes it
// dangerous to store or to serve: webshell code, script in an SVG or an
// HTML page, an external entity in an XML document, an executable
// presented as a document, a CGI program. Only that: documents, images
// and archives carry every byte sequence, so the value detectors (SQL,
// XSS …) would find attacks in any of them.
func (w *walker) fileContent(part *multipart.Part, field string, truncated bool) {
	if w.stop || w.e.walkOnly {
		return
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(part, maxFileScan)); err != nil && !truncated {
		return
	}
	b := buf.Bytes()
	if len(b) == 0 {
		return
	}
	if jsonFile(part) && !truncated {
		// A JSON import (users.json, a settings export): the backend
		// parses it as it parses a JSON body, members and all.
		if doc := string(b); jsonContainer(doc) {
			w.json(doc, false)
		}
		if w.stop {
			return
		}
	}
	// A serialized object, Java, pickle or .NET, as the decoder that
	// imports the file reads it: before the case folding below.
	serialized := len(b) >= 16 && strings.IndexByte("rgaA/\xac\x80", b[0]) >= 0 && serializedFile(b)
	lowerASCII(b)
	lc := bstr(b)
	name := strings.ToLower(part.FileName())
	ctype := strings.ToLower(part.Header.Get("Content-Type"))
	at := w.location(tFileName, field)
	flag := func(rule string, cat Category, frag string) {
		w.add(Match{Rule: rule, Category: cat, Score: ScoreCritical, Location: at, Fragment: frag})
	}
	if webshellCode(lc) {
		flag("upload-webshell", CatRCE, "[server-side code in uploaded file]")
	}
	if cgiScriptFile(name, lc) {
		flag("upload-script-file", CatRCE, "[CGI program in uploaded file]")
	}
	if disguisedExecutable(name, ctype, lc) {
		flag("upload-disguised-executable", CatRCE, "[executable presented as a document]")
	}
	if imageMarkupFile(name, lc) {
		flag("upload-image-markup", CatXSS, "[script markup in uploaded image]")
	}
	if converterCommandFile(lc) {
		flag("upload-converter-command", CatRCE, "[converter script with a command in uploaded file]")
	}
	if pdfScriptFile(lc) {
		flag("upload-pdf-script", CatXSS, "[PDF with a JavaScript action in uploaded file]")
	}
	if reverseShellFile(lc) {
		flag("upload-reverse-shell", CatRCE, "[reverse shell in uploaded file]")
	}
	if csvFormulaFile(name, ctype, bstr(b)) {
		flag(ruleTable[rFormulaInjection].ID, CatRCE, "[spreadsheet formula in uploaded CSV file]")
	}
	if bytes.IndexByte(b[:min(len(b), 512)], 0) < 0 && strings.Contains(lc, "{") && reSSTIEngine.MatchString(lc) {
		// A template, a CSV cell or any text file with the gadget chain
		// of a template engine ({{ cycler.__init__.__globals__.os… }},
		// {{ ['id']|filter('system') }}): imported into a template or a
		// page that is rendered, it runs.
		flag(ruleTable[rSSTIEngine].ID, CatSSTI, "[template gadget in uploaded file]")
	}
	if yamlGadget(lc) {
		flag(ruleTable[rDeserialize].ID, CatRCE, "[YAML class tag in uploaded file]")
	} else if serialized {
		flag(ruleTable[rDeserialize].ID, CatRCE, "[serialized object in uploaded file]")
	}
	if c := b[0]; c != '<' && c > ' ' && c != 0xef {
		return // not markup: the checks below all need a first tag
	}
	if svgScript(lc) {
		flag("upload-svg-script", CatXSS, "[SVG with script in uploaded file]")
	} else if htmlScriptFile(name, ctype, lc) {
		flag("upload-html-script", CatXSS, "[HTML page with script in uploaded file]")
	}
	if xmlEntityFile(lc) {
		flag("xxe-external-entity", CatXXE, "[external entity in uploaded XML file]")
	} else if xmlExternalDTDFile(lc) {
		flag(ruleTable[rXXEDoctype].ID, CatXXE, "[external DTD in uploaded XML file]")
	}
	if localReferenceFile(lc) {
		flag("upload-local-reference", CatSSRF, "[local file or metadata URL in uploaded document]")
	}
}
