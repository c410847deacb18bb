package filter

import (
	"regexp"
	"strings"
)

// What an uploaded file's content says about it, beyond webshell code
// (webshellCode) and script in SVG (svgScript). Each reads the first
// maxFileScan bytes, lower-cased, with the name and the Content-Type the
// client declared for the part.

// xmlEntityFile: an XML document (an SVG, a DOCX part, a feed, a
// configuration) that declares an external entity. Image libraries,
// document converters and importers parse uploaded XML with the same
// parsers as a request body, so the entity reads a file or fetches a URL
// when the upload is processed.
func xmlEntityFile(lc string) bool {
	t := strings.TrimLeft(lc, " \t\r\n\ufeff")
	if !strings.HasPrefix(t, "<?xml") && !strings.HasPrefix(t, "<!doctype") && !strings.HasPrefix(t, "<svg") && !strings.HasPrefix(t, "<!--") {
		return false
	}
	i := strings.Index(t, "<!doctype")
	if i < 0 || !strings.Contains(t[i:], "<!entity") {
		return false
	}
	return reXXEEntity.MatchString(t[i:])
}

// htmlScriptFile: an uploaded HTML page whose script sends the site's
// cookies or storage away. Served back from the site's origin the page
// runs with them (stored XSS). HTML pages with their own scripts are
// uploaded to site builders and documentation hosts every day, so only
// the theft counts: the cookie or storage appended to a URL or a query
// being built ('https://evil.example/?c='+document.cookie, `…=${localStorage.token}`).
// A page is one by its name (.html, .htm, .xhtml, .xht), its
// declared type, or its first element.
func htmlScriptFile(name, ctype, lc string) bool {
	if !strings.Contains(lc, "cookie") && !strings.Contains(lc, "storage") {
		return false
	}
	ext := name[strings.LastIndexByte(name, '.')+1:]
	page := ext == "html" || ext == "htm" || ext == "xhtml" || ext == "xht" || strings.HasPrefix(ctype, "text/html") || strings.HasPrefix(ctype, "application/xhtml")
	if !page {
		t := strings.TrimLeft(lc, " \t\r\n\ufeff")
		page = strings.HasPrefix(t, "<!doctype html") || strings.HasPrefix(t, "<html")
	}
	return page && reStealBrowserState.MatchString(lc)
}

// reStealBrowserState: the cookie or web storage concatenated after a URL
// or query part ("…?c=" + document.cookie), or interpolated after one in a
// template literal. The getCookie idiom ("; " + document.cookie) has no
// URL part and passes.
var reStealBrowserState = regexp.MustCompile("[=?/&]['\"`]?" + `\s*\+\s*(?:document\s*\.\s*cookie|(?:window\.)?(?:local|session)storage)|[=?/&]\$\{\s*(?:document\.cookie|(?:window\.)?(?:local|session)storage)`)

// executableMagic: the file starts as a Windows PE (the MZ header with
// its DOS stub or a PE signature), an ELF or a Mach-O binary.
func executableMagic(b string) bool {
	switch {
	case strings.HasPrefix(b, "mz"):
		head := b[:min(len(b), 1024)]
		return strings.Contains(head, "this program cannot be run in dos mode") || strings.Contains(head, "pe\x00\x00")
	case strings.HasPrefix(b, "\x7felf"):
		return true
	case strings.HasPrefix(b, "\xcf\xfa\xed\xfe"), strings.HasPrefix(b, "\xce\xfa\xed\xfe"), strings.HasPrefix(b, "\xfe\xed\xfa\xcf"), strings.HasPrefix(b, "\xfe\xed\xfa\xce"):
		return true
	}
	return false
}

// documentExtensions and documentTypes name what users upload as
// documents, images and media: an executable presented as one is a
// trap for whoever opens it (report.pdf.exe sent as application/pdf).
var documentExtensions = wordSet("pdf doc docx xls xlsx ppt pptx odt ods odp rtf txt csv jpg jpeg png gif bmp webp tif tiff heic svg mp3 mp4 mov avi wav zip")

// disguisedExecutable: an executable whose declared type is a document,
// image, text or media type, or whose name carries a document extension
// (report.pdf, report.pdf.exe, invoice.docx .exe).
func disguisedExecutable(name, ctype, b string) bool {
	if !executableMagic(b) {
		return false
	}
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = ctype[:i]
	}
	ctype = strings.TrimSpace(ctype)
	switch {
	case strings.HasPrefix(ctype, "image/"), strings.HasPrefix(ctype, "text/"), strings.HasPrefix(ctype, "audio/"), strings.HasPrefix(ctype, "video/"),
		ctype == "application/pdf", ctype == "application/msword", ctype == "application/rtf",
		strings.HasPrefix(ctype, "application/vnd.openxmlformats"), strings.HasPrefix(ctype, "application/vnd.ms-"), strings.HasPrefix(ctype, "application/vnd.oasis.opendocument"):
		return true
	}
	for _, part := range strings.Split(strings.ReplaceAll(name, " ", ""), ".")[1:] {
		if documentExtensions[part] {
			return true
		}
	}
	return false
}

// cgiScriptFile: a Perl file (.pl, which Apache's cgi-script handler runs
// like .cgi) whose content starts with an interpreter line: a CGI
// program, run by the server that stores it in a script directory.
func cgiScriptFile(name, lc string) bool {
	return strings.HasSuffix(strings.TrimRight(name, ". "), ".pl") && strings.HasPrefix(lc, "#!")
}
