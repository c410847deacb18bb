package filter

import (
	"regexp"
	"strings"
)

var (
	reXXEEntity  = regexp.MustCompile(`<!entity\s+(?:%\s*)?[\w.:-]+\s+(?:system|public)\b|<!entity\s+%`)
	reXXEDoctype = regexp.MustCompile(`<!doctype\s+[\w:.-]+\s*(?:\[|system\b|public\b)`)
	// The W3C public DOCTYPEs SVG and XHTML files carry, and Apple's
	// property-list DOCTYPE (iOS and macOS clients, MDM check-ins post
	// plists): exempt only with the system id on www.w3.org or
	// www.apple.com (or none) and no internal subset. (The literals joined,
	// "…//EN" "http://…" reads as one: the view with the literals apart
	// still judges the system id.)
	reXXEW3C     = regexp.MustCompile(`<!doctype\s+[\w:.-]+\s+public\s+(?:["']-//w3c//[^"']*["'](?:\s+["']https?://www\.w3\.org/[^"']*["'])?|["']-//apple(?: computer)?//dtd plist 1\.0//en[^"']*["'](?:\s+["']https?://www\.apple\.com/dtds/propertylist-1\.0\.dtd["'])?)\s*>`)
	reXXEInclude = regexp.MustCompile(`<(?:xi|xs|xsd):(?:include|import|redefine)\b|xmlns:xi\s*=\s*["']http://www\.w3\.org/2001/xinclude`)
	reXXEUTF7    = regexp.MustCompile(`<\?xml[^>]*encoding\s*=\s*["']?utf-7`)
	reXMLSchema  = regexp.MustCompile(`schemalocation\s*=\s*["']?[^"'>]*(?:https?|ftp|file)://`)
)

// xxeClasses: markup; a value with none of these classes gives detectXXE
// nothing to find, and runDetectors does not call it.
const xxeClasses = cLT

// detectXXE flags external entities, DOCTYPEs with a subset or external id
// (except the W3C public ones that SVG files carry), XInclude and UTF-7 XML.
func detectXXE(e *emitter, v *value) {
	if v.cls&xxeClasses == 0 {
		return
	}
	n := v.norm
	if strings.Contains(n, "<!") {
		if strings.Contains(n, "<!entity") && reXXEEntity.MatchString(n) {
			e.hit(rXXEEntity)
		}
		if strings.Contains(n, "<!doctype") && reXXEDoctype.MatchString(n) && !reXXEW3C.MatchString(n) {
			e.hit(rXXEDoctype)
		}
	}
	if strings.Contains(n, ":include") || strings.Contains(n, ":import") || strings.Contains(n, ":redefine") || strings.Contains(n, "xinclude") {
		if reXXEInclude.MatchString(n) {
			e.hit(rXXEXInclude)
		}
	}
	if strings.Contains(n, "<?xml") && strings.Contains(n, "utf-7") && reXXEUTF7.MatchString(n) {
		e.hit(rXXEUTF7)
	}
	if !e.in.off[rXMLSchemaLocation] && strings.Contains(n, "schemalocation") && reXMLSchema.MatchString(n) {
		e.hit(rXMLSchemaLocation)
	}
}

// detectXMLAttr judges an XML attribute value by its name, as the request
// layer reports it ("element@attribute", local names): an include or
// import element pointing at a URL is XInclude / schema inclusion.
func detectXMLAttr(e *emitter, v *value) {
	if v.cls&cColon == 0 || v.ncls&cAt == 0 {
		return
	}
	at := strings.IndexByte(v.name, '@')
	if at < 0 || !strings.Contains(v.norm, "://") {
		return
	}
	elem, attr := strings.ToLower(v.name[:at]), strings.ToLower(v.name[at+1:])
	switch {
	case (elem == "include" || elem == "import" || elem == "redefine") && (attr == "href" || attr == "schemalocation" || attr == "namespace" || attr == "parse"):
		e.hit(rXXEXInclude)
	case attr == "schemalocation" || attr == "nonamespaceschemalocation":
		e.hit(rXMLSchemaLocation)
	}
}
