package filter

import (
	"encoding/xml"
	"io"
	"strings"
)

// maxRawSegments bounds the number of text nodes, attribute values, keys
// and strings of a raw body inspected one by one; past it the whole body is
// inspected once more as one block, so that padding cannot hide a payload.
// It keeps a body with millions of tiny nodes linear and cheap.
const maxRawSegments = 4096

// inspectRaw handles a raw body (XML, plain text, unparsed). Document-level
// detectors (XXE, SSI, Log4Shell, OAST domains) see the whole body; the
// value detectors see each XML text node and attribute value on its own,
// decoded, since matching SQL or XSS rules across markup finds what the
// markup itself looks like, not what it carries.
func (in *Inspector) inspectRaw(e *emitter, sc *scratch, name, raw string) {
	t := strings.TrimLeft(raw, " \t\r\n\ufeff")
	if (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && in.inspectRawJSON(e, sc, t) {
		return
	}
	if !strings.HasPrefix(t, "<") {
		in.inspect(e, sc, KindBodyValue, name, raw, 0)
		return
	}
	// Whole-document pass.
	v := value{kind: KindBodyRaw, name: name, raw: raw, dec: raw, sc: sc, cls: classify(raw), ncls: classify(name)}
	v.norm = raw
	if v.cls&normTriggers != 0 {
		sc.norm = normalize(sc.norm[:0], raw)
		v.norm = bstr(sc.norm)
	}
	v.kw = keywords.scan(v.norm)
	detectXXE(e, &v)
	detectJNDI(e, &v)
	detectOAST(e, &v)
	detectSSRFLiterals(e, &v)
	if strings.Contains(v.norm, "<!--#") {
		detectSSI(e, &v)
	}
	// Per-segment pass.
	n := 0
	walkXML(raw, func(seg string) bool {
		if strings.TrimSpace(seg) == "" {
			return true
		}
		n++
		if n > maxRawSegments {
			return false
		}
		in.inspect(e, sc, KindBodyValue, name, seg, 0)
		return true
	})
	if n > maxRawSegments || !xmlDocument(t) {
		// Markup that is no XML document (no prolog, no namespace: an
		// HTML fragment, a template) is what a page would render or a
		// template engine run: its tags and attributes are the payload.
		in.inspect(e, sc, KindBodyValue, name, raw, 0)
	}
}

// xmlDocument tells an XML document (well-formed, under a root that is no
// HTML element: SOAP, Autodiscover, WFS, a KML or a style sheet of a
// highlighter) from markup that a browser or a template engine would read:
// anything that is not well-formed XML (unquoted or bare attributes,
// <svg/onload=…>, unclosed tags, <%= … %>), whatever prolog, comment or
// namespace declaration comes first, and a document whose root is an HTML
// element (<img …/>, <a …>…</a>) or an SVG image that runs script.
func xmlDocument(t string) bool {
	root, ok := wellFormedXML(t)
	if !ok {
		return false
	}
	root = strings.ToLower(root)
	if root == "svg" {
		// An image, unless it carries script: then it is a page.
		return !svgScript(strings.ToLower(t))
	}
	return !htmlRoots[root]
}

// htmlRoots are the elements whose markup is a page's, whatever its
// syntax: a document under one of them is judged as HTML.
var htmlRoots = map[string]bool{
	"html": true, "head": true, "body": true, "script": true, "iframe": true, "frame": true,
	"frameset": true, "object": true, "embed": true, "img": true, "image": true,
	"math": true, "form": true, "input": true, "button": true, "a": true, "base": true,
	"meta": true, "link": true, "details": true, "video": true, "audio": true, "source": true,
	"marquee": true, "textarea": true, "select": true, "template": true, "div": true,
	"span": true, "p": true, "table": true, "isindex": true, "portal": true, "noscript": true,
}

// wellFormedXML reports whether t parses as XML to its end, every element
// closed, and the local name of its first element.
func wellFormedXML(t string) (root string, ok bool) {
	d := xml.NewDecoder(strings.NewReader(t))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return root, root != ""
		}
		if err != nil {
			return "", false
		}
		if se, isStart := tok.(xml.StartElement); isStart && root == "" {
			root = se.Name.Local
		}
	}
}

// walkXML calls fn with every text node, CDATA section and attribute value
// of an XML-ish document, in order, without building a tree. Malformed input
// is tolerated: whatever is not markup is text.
func walkXML(s string, fn func(string) bool) {
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				fn(s[i:])
				return
			}
			if !fn(s[i : i+j]) {
				return
			}
			i += j
			continue
		}
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "<![CDATA["):
			end := strings.Index(rest, "]]>")
			if end < 0 {
				fn(rest[9:])
				return
			}
			if !fn(rest[9:end]) {
				return
			}
			i += end + 3
			continue
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest, "-->")
			if end < 0 {
				return
			}
			i += end + 3
			continue
		}
		// A tag: report quoted attribute values.
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			end = len(rest)
		}
		tag := rest[:end]
		for k := 0; k < len(tag); k++ {
			if tag[k] != '"' && tag[k] != '\'' {
				continue
			}
			q := tag[k]
			close := strings.IndexByte(tag[k+1:], q)
			if close < 0 {
				break
			}
			if !fn(tag[k+1 : k+1+close]) {
				return
			}
			k += close + 1
		}
		i += end + 1
	}
}

// inspectRawJSON inspects a raw body that is JSON (sent without a JSON
// content type, as GraphQL, beacons and some mobile clients do) key by key
// and string by string, like the request layer does for typed JSON: SQL
// and XSS rules over the JSON syntax itself only find quotes and braces.
// Several documents in a row count as JSON too: crash reporters, RUM and
// analytics SDKs post newline-delimited batches (Sentry envelopes, Datadog,
// Segment) as text/plain so that browsers send them without a preflight.
// It reports false, having inspected nothing, when the body is not a
// sequence of valid JSON documents.
func (in *Inspector) inspectRawJSON(e *emitter, sc *scratch, s string) bool {
	if walkJSON(s, maxJSONDepthCap, func(bool, []byte, string, string) bool { return true }) != nil {
		return false
	}
	// The walk's callback escapes to the heap; a copy of the emitter goes
	// with it, so that e (on the caller's stack for every other value)
	// does not.
	he := new(emitter)
	*he = *e
	n := 0
	_ = walkJSON(s, maxJSONDepthCap, func(isKey bool, path []byte, name, v string) bool {
		if n++; n > maxRawSegments {
			in.inspect(he, sc, KindBodyValue, "", s, 0)
			return false
		}
		if isKey {
			in.inspect(he, sc, KindBodyName, "", v, 0)
			if v == "prototype" && protoPath(path) {
				he.hit(rXSSProto) // as in a typed JSON body (walker.json)
			}
		} else if v != "" {
			in.inspect(he, sc, KindBodyValue, name, v, 0)
		}
		return true
	})
	*e = *he
	return true
}
