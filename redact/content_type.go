package redact

import (
	"mime"
	"strings"
)

// KindForContentType says how a body of the given Content-Type is scanned:
// JSON (application/json, any +json suffix, NDJSON and JSON lines) as
// KindJSON; text/*, HTML, XML (+xml), JavaScript, form-urlencoded and
// similar textual types as KindText. Binary types (images, audio, video,
// octet-stream, archives, fonts, PDF, protobuf, multipart) and an empty or
// unparsable type return ok=false: the caller decides (the adapter skips
// them).
func KindForContentType(ct string) (kind BodyKind, ok bool) {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		// Tolerate a sloppy header ("application/json;"), but never guess
		// from garbage.
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
		if mt == "" || !strings.Contains(mt, "/") {
			return KindText, false
		}
	}
	typ, sub, _ := strings.Cut(mt, "/")
	switch {
	case sub == "json" || strings.HasSuffix(sub, "+json") ||
		sub == "x-ndjson" || sub == "ndjson" || sub == "jsonl" || sub == "x-jsonlines" ||
		sub == "json-seq":
		return KindJSON, true
	case typ == "text":
		return KindText, true
	case sub == "xml" || strings.HasSuffix(sub, "+xml") || sub == "xhtml+xml" ||
		sub == "javascript" || sub == "x-javascript" || sub == "ecmascript" ||
		sub == "x-www-form-urlencoded" || sub == "graphql" || sub == "x-yaml" ||
		sub == "yaml" || sub == "csv" || sub == "x-sh" || sub == "sql":
		return KindText, true
	}
	return KindText, false
}
