package filter

import (
	"regexp"
	"strings"
	"unicode"
)

// Code quoted in a document. A post, an answer, a comment or a rich-text
// page that quotes a shell script, a query or a page's markup shows that
// code: Markdown puts it in a fenced block (```, ~~~) or an inline span
// (`…`), HTML in a <pre> or <code> element, wikis and forums in
// <syntaxhighlight>, {code} or [code], and the application stores and
// renders it escaped, running none of it. Code rules that fire only on
// the quoted code of such a document (commands, server-side and template
// code, markup and script, SQL) count together as one weak signal: with
// another signal, or in the document's prose, they still block.
//
// Four shapes keep their score wherever they sit, because they are how a
// payload leaves the quote rather than code it shows:
//   - SQL whose quoted part does not start a statement (x' UNION SELECT …
//     in a block: an injection needs its first bytes to close the
//     application's literal);
//   - SQL beside inline spans only, which are also how MySQL quotes an
//     identifier (DROP TABLE `users`);
//   - a quote that closes its own element (</code><script>, </pre>,
//     </textarea>);
//   - an inline span that is one command and nothing else (`id`,
//     `whoami`), which a shell runs as a substitution.

// codeSegment is one piece of quoted code and how it was quoted.
type codeSegment struct {
	text   string
	inline bool // a Markdown inline span
}

// codeProse returns d with its quoted code taken out, the code, and
// whether d is a document that quotes code: at least one closed block,
// span or element, and some prose outside them (three words).
func codeProse(d string) (string, []codeSegment, bool) {
	if len(d) < 16 || !strings.Contains(d, "`") && !strings.Contains(d, "~~~") && strings.IndexByte(d, '<') < 0 && !strings.Contains(d, "code") {
		return "", nil, false
	}
	var prose strings.Builder
	var segs []codeSegment
	var block strings.Builder
	fence, info := "", false
	for rest := d; rest != ""; {
		line, tail, _ := strings.Cut(rest, "\n")
		rest = tail
		t := strings.TrimLeft(line, " ")
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				segs = append(segs, codeSegment{text: block.String()})
				block.Reset()
				fence = ""
				prose.WriteByte('\n')
				continue
			}
			block.WriteString(line)
			block.WriteByte('\n')
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			info = fenceInfo(t[3:])
			prose.WriteByte('\n')
			continue
		}
		segs = inlineSpans(&prose, line, segs)
		prose.WriteByte('\n')
	}
	if fence != "" {
		if !info || block.Len() == 0 || strings.HasSuffix(d, "\n") {
			return "", nil, false // an unclosed fence quotes nothing
		}
		// ```bash then code that stops mid-line: an excerpt cut short
		// (an SEO description, a preview) of a document whose fence
		// named its language.
		segs = append(segs, codeSegment{text: block.String()})
	}
	p := prose.String()
	if strings.IndexByte(p, '<') >= 0 {
		p, segs = htmlCodeElements(p, segs)
	}
	if strings.Contains(p, "code") {
		p, segs = markupCodeBlocks(p, segs)
	}
	if len(segs) == 0 {
		return "", nil, false
	}
	for _, s := range segs {
		if !s.inline {
			return p, segs, len(strings.Fields(p)) >= 3
		}
	}
	// Backticks alone also quote MySQL identifiers (DROP TABLE `users`)
	// and JavaScript template literals (top[`al`+`ert`]): inline spans
	// make a document only among sentences.
	return p, segs, proseWords(p) >= 5
}

// fenceInfo: the rest of a fence line is a language name (```bash,
// ~~~ nginx, ```js {1,3}): letters first, then name characters.
func fenceInfo(s string) bool {
	s = strings.TrimLeft(s, " ")
	n := 0
	for n < len(s) && n < 24 && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || n > 0 && (s[n] >= '0' && s[n] <= '9' || s[n] == '+' || s[n] == '-' || s[n] == '#')) {
		n++
	}
	return n >= 1 && (n == len(s) || s[n] == ' ' || s[n] == '{' || s[n] == '\r')
}

// proseWords counts the words of p made of letters, two or more, between
// blanks and punctuation (CJK text, which has no blanks, counts by its
// runs between punctuation).
func proseWords(p string) int {
	n := 0
	for _, f := range strings.FieldsFunc(p, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) {
		letters := 0
		for _, r := range f {
			if !unicode.IsLetter(r) {
				letters = 0
				break
			}
			letters++
		}
		if letters >= 2 {
			n++
		}
	}
	return n
}

// inlineSpans writes line to prose without its inline code spans (a run
// of backticks, then text, then a run of the same length), which it
// appends to segs.
func inlineSpans(prose *strings.Builder, line string, segs []codeSegment) []codeSegment {
	for {
		i := strings.IndexByte(line, '`')
		if i < 0 {
			prose.WriteString(line)
			return segs
		}
		n := i
		for n < len(line) && line[n] == '`' {
			n++
		}
		run := line[i:n]
		j := strings.Index(line[n:], run)
		// The closing run must be exactly as long as the opening one.
		for j >= 0 && n+j+len(run) < len(line) && line[n+j+len(run)] == '`' {
			k := strings.Index(line[n+j+len(run)+1:], run)
			if k < 0 {
				j = -1
				break
			}
			j += len(run) + 1 + k
		}
		if j < 0 {
			prose.WriteString(line)
			return segs
		}
		prose.WriteString(line[:i])
		prose.WriteByte(' ')
		segs = append(segs, codeSegment{text: line[n : n+j], inline: true})
		line = line[n+j+len(run):]
	}
}

// htmlCodeElements takes the <pre> and <code> elements out of p, as
// segments.
func htmlCodeElements(p string, segs []codeSegment) (string, []codeSegment) {
	return spliceCode(p, segs, nextCodeElement)
}

// markupCodeBlocks takes out of p the code blocks of wiki and forum
// markup, as segments: Confluence's {code}…{code} ({code:sql} too) and
// BBCode's [code]…[/code] ([code=php] too).
func markupCodeBlocks(p string, segs []codeSegment) (string, []codeSegment) {
	return spliceCode(p, segs, nextMarkupBlock)
}

// spliceCode takes out of p, as segments, the quoted code that next finds.
// next reads lp (p with ASCII case folded, so that its offsets are p's)
// from i and returns the span of the next quote (from, to) and of the code
// inside it (start, stop), or ok false when there is none.
func spliceCode(p string, segs []codeSegment, next func(lp string, i int) (from, start, stop, to int, ok bool)) (string, []codeSegment) {
	lp := asciiLowerCopy(p)
	var out strings.Builder
	last := 0
	for i := 0; i < len(lp); {
		from, start, stop, to, ok := next(lp, i)
		if !ok {
			break
		}
		out.WriteString(p[last:from])
		out.WriteByte(' ')
		segs = append(segs, codeSegment{text: p[start:stop]})
		i, last = to, to
	}
	if last == 0 {
		return p, segs
	}
	out.WriteString(p[last:])
	return out.String(), segs
}

// nextCodeElement finds the next code element of lp from i; the code of
// <pre><code class="language-sql">…</code></pre> is what the inner element
// holds.
func nextCodeElement(lp string, i int) (from, start, stop, to int, ok bool) {
	for i < len(lp) {
		j := strings.IndexByte(lp[i:], '<')
		if j < 0 {
			return 0, 0, 0, 0, false
		}
		i += j
		el := ""
		for _, name := range codeElements {
			if strings.HasPrefix(lp[i+1:], name) && tagEnd(lp, i+1+len(name)) {
				el = name
				break
			}
		}
		if el == "" {
			i++
			continue
		}
		open := strings.IndexByte(lp[i:], '>')
		if open < 0 {
			return 0, 0, 0, 0, false
		}
		closer := "</" + el + ">"
		end := strings.Index(lp[i+open:], closer)
		if end < 0 {
			return 0, 0, 0, 0, false
		}
		start, stop = i+open+1, i+open+end
		if inner := lp[start:stop]; el == "pre" && strings.HasPrefix(inner, "<code") && strings.HasSuffix(inner, "</code>") {
			if k := strings.IndexByte(inner, '>'); k+1 <= len(inner)-len("</code>") {
				start, stop = start+k+1, stop-len("</code>")
			}
		}
		return i, start, stop, i + open + end + len(closer), true
	}
	return 0, 0, 0, 0, false
}

// nextMarkupBlock finds the next {code} or [code] block of lp from i.
func nextMarkupBlock(lp string, i int) (from, start, stop, to int, ok bool) {
	for i < len(lp) {
		j := indexCodeOpener(lp[i:])
		if j < 0 {
			return 0, 0, 0, 0, false
		}
		i += j
		closer, tagEnd := "{code}", byte('}')
		if lp[i] == '[' {
			closer, tagEnd = "[/code]", ']'
		}
		end := strings.IndexByte(lp[i:], tagEnd)
		if end < 0 || end > 40 {
			i += 5
			continue
		}
		start = i + end + 1
		n := strings.Index(lp[start:], closer)
		if n < 0 {
			return 0, 0, 0, 0, false
		}
		return i, start, start + n, start + n + len(closer), true
	}
	return 0, 0, 0, 0, false
}

// indexCodeOpener finds the next "{code" or "[code" of s (lower case)
// that a block opener can be: "{code}", "{code:…}", "[code]", "[code=…]".
func indexCodeOpener(s string) int {
	for i := 0; i+5 < len(s); i++ {
		if (s[i] == '{' || s[i] == '[') && s[i+1:i+5] == "code" && strings.IndexByte("}]:=", s[i+5]) >= 0 {
			return i
		}
	}
	return -1
}

// codeElements hold code in rich text: HTML's <pre> and <code>, the
// MediaWiki <syntaxhighlight> and <source> extensions.
var codeElements = [...]string{"pre", "code", "syntaxhighlight", "source"}

// tagEnd: the tag name ends at s[i] (a blank, '>' or '/').
func tagEnd(s string, i int) bool {
	return i < len(s) && (s[i] == '>' || s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '/')
}

// quotedCodeRule: a rule about code that a quote only shows.
func quotedCodeRule(h Hit) bool {
	switch h.Category {
	case CatRCE, CatSSTI, CatXSS, CatSQLi, CatTraversal:
		// System files and traversal quoted in a document (`/etc/passwd`,
		// cat /etc/os-release in a fenced block) are what articles
		// about them say; no file is opened by a document's body.
		return true
	}
	return false
}

// demoteQuotedCode lowers to one weak signal the code hits of w.hits that
// the prose of a document quoting code (v, a body value) does not produce
// on its own, unless the quoted code breaks out of its quote.
func (w *walker) demoteQuotedCode(kind Kind, name, v string) {
	strong := false
	for _, h := range w.hits {
		strong = strong || h.Score >= ScoreCritical && quotedCodeRule(h)
	}
	if !strong {
		return
	}
	prose, segs, ok := codeProse(v)
	if !ok {
		return
	}
	hits := append([]Hit(nil), w.hits...)
	keep := w.breakouts(kind, name, segs)
	proseHits := w.e.insp.inspectValue(w.sc, w.hits[:0], kind, name, prose)
	// hits is this function's copy: filtered in place.
	kept := demoteCode(hits, func(h Hit) bool { return !keep[h.Category] && !dupHit(proseHits, h.Rule) })
	w.hits = append(w.hits[:0], kept...)
}

// Code snippets. A snippet store, a documentation playground or a gist
// API saves code with the name of its language beside it
// ({"language": "bash", "code": "curl … && echo done"}): the code field
// is what the snippet shows, as a fenced block is in a document.
var (
	// reSnippetLanguage: a member naming a programming or markup
	// language, as snippet and gist APIs write it.
	reSnippetLanguage = regexp.MustCompile(`(?i)^"(?:language|lang|syntax|filetype)"\s*:\s*"(?:bash|sh|shell|zsh|powershell|javascript|js|jsx|typescript|ts|tsx|python|py|ruby|rb|php|go|golang|java|kotlin|swift|rust|c|cpp|c\+\+|csharp|c#|html|css|scss|sql|json|yaml|yml|xml|nginx|apache|dockerfile|makefile|markdown|md|vue|svelte|perl|lua|r|scala|elixir|graphql|toml|ini|hcl|terraform)"`)
	// codeFieldNames hold the snippet's code.
	codeFieldNames = map[string]bool{"code": true, "content": true, "source": true, "snippet": true, "body": true, "script": true, "text": true, "src": true}
)

// snippetDocument: the JSON document s has a member naming the language
// of its code. The members are found by substring, and only the text
// after each is matched: the regexp over every body would cost more than
// the walk.
func snippetDocument(s string) bool {
	return memberMatches(s, []string{`"lang`, `"Lang`, `"syntax"`, `"filetype"`}, true, reSnippetLanguage, 48) ||
		// A file written through an API (a commit's actions, a
		// snippet's files): its content is a source file of the type
		// its path names.
		memberMatches(s, []string{`"file_path"`, `"filePath"`, `"filename"`, `"file_name"`, `"path"`}, false, reSourceFilePath, 256)
}

// memberMatches: at some occurrence of one of keys in s, re matches the
// window of the next n bytes, from the key itself (withKey) or from
// just after it.
func memberMatches(s string, keys []string, withKey bool, re *regexp.Regexp, n int) bool {
	for _, k := range keys {
		for rest := s; ; {
			i := strings.Index(rest, k)
			if i < 0 {
				break
			}
			at := rest[i:]
			if !withKey {
				at = at[len(k):]
			}
			if re.MatchString(at[:min(len(at), n)]) {
				return true
			}
			rest = rest[i+len(k):]
		}
	}
	return false
}

// reSourceFilePath: the value of a path member (after its name) names a
// source, script or configuration file. Server scripts (.php, .jsp,
// .aspx) are not among them: writing one is a webshell's way in.
var reSourceFilePath = regexp.MustCompile(`^\s*:\s*"(?:(?:[^"]{0,200}/)?` + sourceBaseNames + `[^/"]*|[^"]{0,200}\.` + sourceExtensions + `)"`)

// reSourcePathEnd: a request path that ends in a source file's name
// (/repository/files/.ci%2Fdeploy.yml once decoded).
var reSourcePathEnd = regexp.MustCompile(`(?:/` + sourceBaseNames + `[^/]*|\.` + sourceExtensions + `)$`)

// The names of source, script and configuration files: their
// extensions and the base names of build files.
const (
	sourceExtensions = `(?:sh|bash|zsh|ps1|bat|cmd|py|rb|pl|js|mjs|cjs|ts|tsx|jsx|go|rs|java|kt|scala|c|h|cc|cpp|cs|swift|sql|html?|vue|svelte|css|scss|xml|ya?ml|toml|ini|conf|cfg|tf|hcl|gradle|md|rst|txt|json|j2|tpl|erb|twig|npmrc|yarnrc|env\.example)`
	sourceBaseNames  = `(?:Dockerfile|Makefile|Jenkinsfile|Procfile|Gemfile|Rakefile|Vagrantfile|Containerfile)`
)

// States of walker.snippetDoc.
const (
	snippetNo uint8 = iota
	snippetUnknown
	snippetYes
)

// inSnippet reports whether the JSON document being walked is a snippet
// (snippetDocument), reading it once per document.
func (w *walker) inSnippet() bool {
	if w.snippetDoc == snippetUnknown {
		w.snippetDoc = snippetNo
		if snippetDocument(w.jsonDoc) || w.sourcePath() {
			w.snippetDoc = snippetYes
		}
	}
	return w.snippetDoc == snippetYes
}

// demoteSnippet lowers the code hits of a snippet's code field to one
// weak signal, counted with quoted code; other hits keep their scores.
func (w *walker) demoteSnippet() {
	w.hits = demoteCode(w.hits, func(Hit) bool { return true })
}

// demoteCode filters hits in place: the code rules that also pass quoted
// count once, as one weak signal of quoted code, however many trip.
func demoteCode(hits []Hit, quoted func(Hit) bool) []Hit {
	demoted := false
	kept := hits[:0]
	for _, h := range hits {
		if quotedCodeRule(h) && quoted(h) {
			if demoted {
				continue
			}
			demoted = true
			h.Score = min(h.Score, ScoreWarning)
			h.quoted = true
		}
		kept = append(kept, h)
	}
	return kept
}

// breakouts says which categories of quoted code leave their quote: SQL
// in a segment that does not start a statement, markup after a closing
// tag of the quote, a command alone in an inline span.
func (w *walker) breakouts(kind Kind, name string, segs []codeSegment) map[Category]bool {
	// SQL quotes identifiers with backticks: spans alone do not quote it.
	keep := map[Category]bool{CatSQLi: true}
	for _, s := range segs {
		if !s.inline {
			keep[CatSQLi] = false
			break
		}
	}
	for _, s := range segs {
		l := strings.ToLower(s.text)
		if strings.Contains(l, "</code") || strings.Contains(l, "</pre") || strings.Contains(l, "</textarea") {
			keep[CatXSS] = true
		}
		if s.inline {
			if c := strings.TrimSpace(l); aloneCmds[c] || strongCmds[c] {
				keep[CatRCE] = true
			}
		}
		if keep[CatSQLi] || sqlStatement(s.text) {
			continue
		}
		for _, h := range w.e.insp.inspectValue(w.sc, nil, kind, name, s.text) {
			if h.Category == CatSQLi && h.Score >= ScoreCritical {
				keep[CatSQLi] = true
			}
		}
	}
	return keep
}

// sourcePath: the request writes a source file named by its path (a
// repository's files API): the body's content is that file.
func (w *walker) sourcePath() bool {
	p := w.rawPath
	if strings.IndexByte(p, '%') >= 0 {
		p, _ = percentDecode(p, false)
	}
	return reSourcePathEnd.MatchString(p)
}
