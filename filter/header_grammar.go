package filter

import "strings"

// Browsers send the same negotiation headers on every request (Accept,
// Accept-Language, Cache-Control, the Sec-Fetch-* set …), and their values
// follow a narrow list grammar. A value that fits the narrow form below has
// no byte any detector needs (no quote, bracket, '$', '%', '<', '\',
// '&', '|', '`', no "..", no spaces inside a word), so the detectors are
// skipped for it; custom rules still see it. Anything outside the form is
// inspected as before. FuzzNegotiationHeaderClean checks that the
// detectors find nothing in any value the form accepts.

// negotiationHeaders are the headers whose values are read with
// negotiationClean (canonical names, as net/http keys them).
var negotiationHeaders = map[string]bool{
	"Accept":                    true,
	"Accept-Encoding":           true,
	"Accept-Language":           true,
	"Cache-Control":             true,
	"Pragma":                    true,
	"Priority":                  true,
	"Sec-Fetch-Dest":            true,
	"Sec-Fetch-Mode":            true,
	"Sec-Fetch-Site":            true,
	"Sec-Fetch-User":            true,
	"Upgrade-Insecure-Requests": true,
	"Dnt":                       true,
	"Te":                        true,
}

// maxNegotiationLen bounds the values negotiationClean accepts: longer
// ones are not what browsers send and get the full inspection.
const maxNegotiationLen = 256

// negotiationClean reports whether v is a comma-separated list of items,
// each a word or word/word (or word=word) followed by ";name=word" parameters,
// with optional spaces or tabs around ',', ';' and '='. A word is one of
// the closed set negotiation headers are written in: a q-value or other
// short number, "*", a registered token of these headers (negotiationWords),
// or a language tag of the usual shape (primary language, optional script,
// optional region: "en", "zh-Hans-CN", "es-419"). Anything else, a vendor
// media type included, gets the full inspection:
//
//	text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8
//	en-US,en;q=0.9   gzip, deflate, br, zstd   max-age=0   u=0, i
func negotiationClean(v string) bool {
	if len(v) == 0 || len(v) > maxNegotiationLen {
		return false
	}
	i, n := 0, len(v)
	ows := func() {
		for i < n && (v[i] == ' ' || v[i] == '\t') {
			i++
		}
	}
	word := func() bool {
		s := i
		for i < n && negotiationByte[v[i]] {
			i++
		}
		return negotiationWord(v[s:i])
	}
	for {
		ows()
		s := i
		if !word() {
			return false
		}
		if i < n && v[i] == '/' {
			typ := v[s:i]
			i++
			s = i
			if !word() || v[s:i] == "*" && !mediaTopLevel.has(typ) {
				return false
			}
		}
		if i < n && v[i] == '=' { // Cache-Control's "max-age=0"
			i++
			if !word() {
				return false
			}
		}
		ows()
		for i < n && v[i] == ';' {
			i++
			ows()
			s := i
			for i < n && negotiationByte[v[i]] {
				i++
			}
			if !negotiationParams.has(v[s:i]) {
				return false
			}
			ows()
			if i == n || v[i] != '=' {
				return false // "id;0" is a command line, not a parameter
			}
			i++
			ows()
			if !word() {
				return false
			}
			ows()
		}
		if i == n {
			return true
		}
		if v[i] != ',' {
			return false
		}
		i++
	}
}

// negotiationWord reports whether w is a word of the negotiation form.
func negotiationWord(w string) bool {
	switch {
	case w == "":
		return false
	case w == "*":
		return true
	case isDigitByte(w[0]):
		return shortNumber(w)
	case negotiationWords.has(w):
		return true
	}
	return languageTag(w)
}

// shortNumber: digits with at most one inner dot, five bytes at most
// ("0.9", "0.001", "1").
func shortNumber(w string) bool {
	if len(w) > 5 || !isDigitByte(w[len(w)-1]) {
		return false
	}
	dot := false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c == '.' && !dot:
			dot = true
		case !isDigitByte(c):
			return false
		}
	}
	return true
}

// languageTag accepts the BCP 47 shapes browsers send: a 2–3 letter
// language, an optional 4-letter script, an optional 2-letter or 3-digit
// region.
func languageTag(w string) bool {
	var parts [3]string
	k := 0
	for {
		d := strings.IndexByte(w, '-')
		if k == len(parts) {
			return false
		}
		if d < 0 {
			parts[k] = w
			k++
			break
		}
		parts[k], w = w[:d], w[d+1:]
		k++
	}
	if !letters(parts[0], 2, 3) {
		return false
	}
	rest := parts[1:k]
	if len(rest) > 0 && letters(rest[0], 4, 4) {
		rest = rest[1:]
	}
	switch len(rest) {
	case 0:
		return true
	case 1:
		r := rest[0]
		return letters(r, 2, 2) || len(r) == 3 && isDigitByte(r[0]) && isDigitByte(r[1]) && isDigitByte(r[2])
	}
	return false
}

func letters(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// negotiationWords are the registered tokens of the negotiation headers
// (media types and subtypes, content codings, cache directives, Sec-Fetch
// values, parameter names), lower case.
var negotiationWords = newVocabulary(`
		text html xhtml+xml xml json plain css javascript csv event-stream
		application image audio video font multipart form-data x-www-form-urlencoded
		octet-stream signed-exchange problem+json ld+json avif webp apng png jpeg gif svg+xml
		x-icon bmp tiff mp4 mpeg webm ogg woff woff2 ttf otf wasm pdf zip
		gzip x-gzip deflate br zstd compress x-compress identity trailers chunked
		no-cache no-store max-age max-stale min-fresh no-transform only-if-cached
		must-revalidate proxy-revalidate public private immutable stale-while-revalidate stale-if-error
		document empty navigate same-origin same-site cross-site none cors no-cors websocket
		script style iframe frame worker sharedworker serviceworker manifest object embed report
		q v b3 u i charset level utf-8 iso-8859-1 us-ascii`)

// negotiationParams are the parameter names of media ranges and
// language ranges.
var negotiationParams = newVocabulary("q v charset level")

// maxVocabularyWord bounds the words of negotiationWords, negotiationParams
// and mediaTopLevel (TestNegotiationVocabularyFits): longer words cannot be
// in them.
const maxVocabularyWord = 24

// vocabulary is a set of lower-case words looked up ignoring ASCII case,
// without allocating: an open-addressing table whose hash is computed
// while the word is lower-cased, cheaper per lookup than a map's (the
// negotiation headers of one browser request take two dozen).
type vocabulary struct {
	slots [vocabularySlots]string
}

// vocabularySlots is a power of two, at least four times the largest
// vocabulary (TestNegotiationVocabularyFits).
const vocabularySlots = 512

func newVocabulary(words string) *vocabulary {
	v := &vocabulary{}
	for _, w := range strings.Fields(words) {
		if len(w) > maxVocabularyWord || strings.ToLower(w) != w {
			panic("filter: vocabulary word " + w + " is too long or not lower case")
		}
		i := vocabularyHash(w)
		for v.slots[i] != "" && v.slots[i] != w {
			i = (i + 1) & (vocabularySlots - 1)
		}
		v.slots[i] = w
	}
	return v
}

// vocabularyHash is FNV-1a of w (lower case), as a slot index; has
// computes the same while lower-casing.
func vocabularyHash(w string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint32(w[i])) * 16777619
	}
	return h & (vocabularySlots - 1)
}

// has looks w up ignoring ASCII case.
func (v *vocabulary) has(w string) bool {
	if len(w) == 0 || len(w) > maxVocabularyWord {
		return false
	}
	var buf [maxVocabularyWord]byte
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c |= 0x20
		}
		buf[i] = c
		h = (h ^ uint32(c)) * 16777619
	}
	lw := buf[:len(w)]
	for i := h & (vocabularySlots - 1); v.slots[i] != ""; i = (i + 1) & (vocabularySlots - 1) {
		if v.slots[i] == string(lw) {
			return true
		}
	}
	return false
}

// mediaTopLevel are the top-level media types a wildcard subtype may
// follow ("text/*"), and "*" itself ("*/*").
var mediaTopLevel = newVocabulary("* text image audio video application font model multipart message")

// negotiationByte are the bytes a word of the form may hold.
var negotiationByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		t[c] = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
			b == '-' || b == '.' || b == '+' || b == '*'
	}
	return t
}()

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// clientHintClean reports whether an item of a client-hint list is one
// browsers send: a version number, a brand or platform name of the closed
// list below, or Chromium's GREASE brand ("Not_A Brand", "Not)A;Brand", an
// older " Not A;Brand"). Such items skip the detectors, like the
// negotiation vocabulary; any other item is inspected.
// TestClientHintVocabularyClean checks every name and GREASE spelling at
// paranoia 4, FuzzClientHintVersionClean the version form.
func clientHintClean(s string) bool {
	switch {
	case s == "":
		return true
	case isDigitByte(s[0]):
		return versionNumber(s)
	}
	if g := strings.TrimPrefix(s, " "); len(g) == 11 && g[:3] == "Not" && g[4] == 'A' && g[6:] == "Brand" &&
		strings.IndexByte(greaseBytes, g[3]) >= 0 && strings.IndexByte(greaseBytes, g[5]) >= 0 {
		return true
	}
	return clientHintNames[s]
}

// greaseBytes are the separators Chromium draws for its GREASE brand.
const greaseBytes = " ()-./:;=?_"

// versionNumber: a major version ("120": one to five digits) or a full
// Chromium version whose build number cannot be an IPv4 octet
// ("120.0.6099.130"). Other dotted numbers may be addresses (127.1,
// 169.254.169.254) and get the full inspection.
func versionNumber(s string) bool {
	parts, run, val, big := 1, 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigitByte(c):
			run++
			val = val*10 + int(c-'0')
			if run > 5 {
				return false
			}
		case c == '.' && run > 0 && parts < 4:
			big = big || val > 255
			parts++
			run, val = 0, 0
		default:
			return false
		}
	}
	big = big || val > 255
	return run > 0 && (parts == 1 || parts == 4 && big)
}

// clientHintNames are the brands, platforms and architectures of the
// client-hint headers (Sec-CH-UA, -Full-Version-List, -Platform, -Arch).
var clientHintNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Split("Chromium|Google Chrome|Microsoft Edge|Opera|Opera GX|Brave|Vivaldi|Yandex|YaBrowser|"+
		"Samsung Internet|Android WebView|HeadlessChrome|Avast Secure Browser|DuckDuckGo|Whale|"+
		"Windows|macOS|Linux|Android|Chrome OS|Chromium OS|iOS|Fuchsia|Unknown|"+
		"x86|arm|arm64", "|") {
		m[w] = true
	}
	return m
}()
