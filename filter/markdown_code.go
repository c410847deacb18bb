package filter

import (
	"strings"
)

// Markdown documents with fenced code. A post, an issue or an answer that
// quotes a shell script or a PHP file in a ``` block shows that code: the
// application stores and renders it, escaped inside the block by every
// Markdown renderer, and runs none of it. Code rules that fire only on
// the fenced part of such a document (commands, server-side code,
// template code, libinjection's XSS verdict, which reads a backtick as an
// attribute quote) count together as one weak signal: with another
// signal, or in the document's prose, they still block. The grammar rules for markup and
// script (<script>, event handlers, javascript: URLs) keep their score, as
// does SQL, which breaks out of a query wherever it sits in the text.

// fencedProse returns d without its fenced code blocks, and whether d is
// a Markdown document with at least one closed block and some prose
// outside its blocks (three words).
func fencedProse(d string) (string, bool) {
	if len(d) < 16 || !strings.Contains(d, "```") {
		return "", false
	}
	var prose strings.Builder
	blocks := 0
	inBlock := false
	for rest := d; rest != ""; {
		line, tail, _ := strings.Cut(rest, "\n")
		rest = tail
		if strings.HasPrefix(strings.TrimLeft(line, " "), "```") {
			if inBlock {
				blocks++
			}
			inBlock = !inBlock
			prose.WriteByte('\n')
			continue
		}
		if !inBlock {
			prose.WriteString(line)
			prose.WriteByte('\n')
		}
	}
	if inBlock || blocks == 0 {
		return "", false
	}
	p := prose.String()
	return p, len(strings.Fields(p)) >= 3
}

// fencedCodeRule: a rule about code that a fenced block only shows.
func fencedCodeRule(h Hit) bool {
	return h.Category == CatRCE || h.Category == CatSSTI || h.Rule == "xss-libinjection"
}

// demoteFencedCode lowers to a weak signal the code hits of w.hits that
// the prose of a fenced Markdown document (v, a body value) does not
// produce on its own.
func (w *walker) demoteFencedCode(kind Kind, name, v string) {
	strong := false
	for _, h := range w.hits {
		strong = strong || h.Score >= ScoreCritical && fencedCodeRule(h)
	}
	if !strong {
		return
	}
	prose, ok := fencedProse(v)
	if !ok {
		return
	}
	hits := append([]Hit(nil), w.hits...)
	proseHits := w.e.insp.inspectValue(w.sc, w.hits[:0], kind, name, prose)
	kept := hits[:0] // hits is this function's copy: filtered in place
	demoted := false
	for _, h := range hits {
		if fencedCodeRule(h) && !dupHit(proseHits, h.Rule) {
			// The fenced code counts once, as one weak signal, however
			// many code rules it trips.
			if demoted {
				continue
			}
			demoted = true
			h.Score = min(h.Score, ScoreWarning)
		}
		kept = append(kept, h)
	}
	w.hits = append(w.hits[:0], kept...)
}
