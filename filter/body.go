package filter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unsafe"
)

// bodyType is how a body is parsed for inspection.
type bodyType uint8

const (
	bodySkip bodyType = iota // binary or compressed: not inspected
	bodyForm
	bodyJSON
	bodyMultipart
	bodyXML
	bodyText
	bodyStrings // binary with embedded strings (protobuf, gRPC, msgpack, CBOR)
)

// classifyBody picks the parser from the media type (lower-case, without
// parameters). Unknown and missing types are inspected as text: a backend
// may well parse a mislabelled body.
func classifyBody(mediaType string) bodyType {
	switch {
	case mediaType == "application/x-www-form-urlencoded":
		return bodyForm
	case mediaType == "multipart/form-data":
		return bodyMultipart
	case mediaType == "application/json", mediaType == "text/json",
		strings.HasSuffix(mediaType, "+json"), strings.HasSuffix(mediaType, "-json"),
		mediaType == "application/x-ndjson", mediaType == "application/jsonl",
		mediaType == "application/csp-report":
		return bodyJSON
	case mediaType == "application/xml", mediaType == "text/xml", strings.HasSuffix(mediaType, "+xml"):
		return bodyXML
	case stringsType(mediaType):
		return bodyStrings
	case binaryType(mediaType):
		return bodySkip
	}
	return bodyText
}

// stringsType reports binary serialisations that carry their string
// fields verbatim: the printable runs of such a body are worth inspecting.
func stringsType(mt string) bool {
	minor, ok := strings.CutPrefix(mt, "application/")
	if !ok {
		return false
	}
	switch {
	case strings.HasPrefix(minor, "grpc"), // grpc, grpc+proto, grpc-web, grpc-web+proto
		minor == "x-protobuf", minor == "protobuf", minor == "x-google-protobuf", minor == "vnd.google.protobuf",
		minor == "msgpack", minor == "x-msgpack", minor == "vnd.msgpack", minor == "cbor",
		minor == "avro", minor == "x-avro", minor == "vnd.apache.thrift.binary", minor == "vnd.apache.thrift.compact":
		return true
	}
	return false
}

// binaryType reports media types whose bodies are not text.
func binaryType(mt string) bool {
	major, minor, _ := strings.Cut(mt, "/")
	switch major {
	case "image", "audio", "video", "font", "model":
		// image/svg+xml is XML, handled before.
		return true
	case "application":
		switch {
		case minor == "octet-stream", minor == "pdf", minor == "zip", minor == "gzip", minor == "x-gzip",
			minor == "x-tar", minor == "x-7z-compressed", minor == "x-bzip2", minor == "zstd", minor == "wasm",
			minor == "java-archive", minor == "x-rar-compressed",
			minor == "vnd.ms-excel", minor == "msword", minor == "x-shockwave-flash",
			strings.HasPrefix(minor, "vnd.openxmlformats"),
			strings.HasPrefix(minor, "vnd.oasis.opendocument"):
			return true
		}
	}
	return false
}

// body reads up to the inspection limit, puts the body back for the
// backend (prefix then the unread rest, byte for byte), and inspects the
// prefix according to its type.
func (w *walker) body(r *http.Request) error {
	cfg := &w.e.cfg
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil
	}
	var sizeGuard *maxBodyReader
	if cfg.MaxBodySize > 0 {
		if r.ContentLength > cfg.MaxBodySize {
			w.tooBig(fmt.Sprintf("Content-Length: %d", r.ContentLength))
			return nil
		}
		if r.ContentLength < 0 {
			sizeGuard = &maxBodyReader{rc: r.Body, left: cfg.MaxBodySize, limit: cfg.MaxBodySize}
			r.Body = sizeGuard
		}
	}
	ct := r.Header.Get("Content-Type")
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mediaType = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	bt := classifyBody(mediaType)
	if cs, bad := badCharset(ct); bad {
		// IIS and ASP.NET decode a form or JSON body in the charset it
		// declares: in EBCDIC or UTF-7 every byte the detectors read
		// means something else to the backend. No browser or API
		// client sends them, nor two different charsets.
		w.add(Match{Rule: "protocol-charset", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "header:content-type", Fragment: fragment(cs)})
		return nil
	}
	if p := mediaTypeInParams(mediaType, params); p != "" {
		// application/x-www-form-urlencoded;boundary="application/json":
		// a backend that looks for "json" anywhere in the header parses
		// the body as another type than the one inspected.
		w.add(Match{Rule: "protocol-content-type", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "header:content-type", Fragment: fragment(p + "=" + params[p])})
		return nil
	}
	if bt == bodySkip || cfg.InspectBodyLimit < 0 {
		return nil
	}

	limit := cfg.InspectBodyLimit
	prefix, err := readPrefix(r.Body, limit+1, r.ContentLength)
	r.Body = &replayBody{prefix: bytes.NewReader(prefix), rest: r.Body}
	if err != nil {
		if sizeGuard != nil && sizeGuard.left < 0 {
			w.tooBig(fmt.Sprintf("body of unknown length over %d bytes", cfg.MaxBodySize))
			return nil
		}
		return fmt.Errorf("reading request body: %w", err)
	}
	truncated := int64(len(prefix)) > limit
	mislabelled := false
	if enc := r.Header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		// Inspect what the backend will decode. A body that is not in
		// the encoding it claims is an evasion attempt (the filter skips
		// it, a lenient backend reads it): note it and inspect it raw.
		if dec, ok := decodeContent(enc, prefix[:min(int64(len(prefix)), limit)], limit+1, truncated); ok {
			prefix, truncated = dec, truncated || int64(len(dec)) > limit
		} else {
			w.add(Match{Rule: "protocol-content-encoding", Category: CatProtocol, Score: ScoreWarning, Location: "header:content-encoding", Fragment: fragment(enc)})
			mislabelled = true
		}
	}
	if int64(len(prefix)) > limit {
		prefix = prefix[:limit]
	}
	if truncated {
		if (bt == bodyForm || bt == bodyJSON) && cfg.BodyOverLimit == OverLimitBlock {
			w.add(Match{Rule: "protocol-body-over-limit", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "body", Fragment: fmt.Sprintf("body larger than the inspection limit (%d bytes)", limit)})
			return nil
		}
		if bt == bodyForm || bt == bodyJSON {
			// Say in the log that the tail went unseen; it scores
			// nothing, so it blocks nothing on its own or with others.
			w.add(Match{Rule: "protocol-body-over-limit", Category: CatProtocol, Score: 0, Location: "body", Fragment: fmt.Sprintf("only the first %d bytes inspected", limit)})
		}
	}
	// The body seen as a string without a copy, so every extracted value
	// is a substring of the bytes read (no allocation unless it has
	// escapes to decode). prefix is never written again: it is only read,
	// here and by the replayed body (io.Writer may not modify what a
	// bytes.Reader hands it).
	s := unsafe.String(unsafe.SliceData(prefix), len(prefix))
	if mislabelled && bt != bodyText {
		// A body not in the encoding it claims is read by lenient
		// backends in ways a parser cannot guess (a form whose command
		// spans an '&'): inspect it whole as well.
		w.value(tBodyRaw, KindBodyRaw, "", s)
	}
	switch bt {
	case bodyForm:
		w.pairs(s, '&', tBodyName, tBody, KindBodyName, KindBodyValue)
	case bodyJSON:
		// CSP level 2 reports and the Reporting API's.
		w.report = mediaType == "application/csp-report" || mediaType == "application/reports+json"
		w.json(s, truncated)
		w.report = false
	case bodyMultipart:
		w.multipart(s, params["boundary"], truncated)
	case bodyXML:
		w.xml(s, truncated)
	case bodyStrings:
		w.printableRuns(s)
	default:
		if (mediaType == "" || mediaType == "text/plain") && formLike(s) {
			// No Content-Type, or text/plain (what an HTML form with
			// enctype="text/plain" sends), and a body shaped like a
			// form: many frameworks parse it as one (CRS does the
			// same). It was not declared a form: a stray '%' is not
			// bad encoding.
			w.lenientEnc = true
			if mediaType == "" {
				w.pairs(s, '&', tBodyName, tBody, KindBodyName, KindBodyValue)
			} else {
				// text/plain puts one field per line, CRLF-separated.
				for rest := s; rest != "" && !w.stop; {
					line, next, _ := strings.Cut(rest, "\n")
					w.pairs(strings.TrimSuffix(line, "\r"), '&', tBodyName, tBody, KindBodyName, KindBodyValue)
					rest = next
				}
			}
			w.lenientEnc = false
		}
		w.value(tBodyRaw, KindBodyRaw, "", s)
	}
	return nil
}

// formLike: "name=value" pairs, the name a plain token without spaces.
func formLike(s string) bool {
	eq := strings.IndexByte(s, '=')
	if eq <= 0 || eq > 128 {
		return false
	}
	for i := 0; i < eq; i++ {
		c := s[i]
		if c <= ' ' || c == '&' || c == '{' || c == '<' || c == '"' {
			return false
		}
	}
	return true
}

// tooBig notes a body over max_body_size.
func (w *walker) tooBig(what string) {
	w.add(Match{Rule: "protocol-body-size", Category: CatProtocol, Score: ScoreCritical, Block: true, Location: "body", Fragment: what})
}

// malformed notes a body that does not parse as its type says.
func (w *walker) malformed(what string, err error) {
	w.add(Match{Rule: "protocol-malformed-body", Category: CatProtocol, Score: ScoreWarning, Location: "body", Fragment: fragment(what + ": " + err.Error())})
}

// readPrefix reads at most n bytes of rd; a short body is not an error.
// hint is the declared length, -1 when unknown.
func readPrefix(rd io.Reader, n, hint int64) ([]byte, error) {
	size := int64(4096)
	if hint >= 0 {
		size = hint + 1 // one more to see EOF without growing
	}
	buf := make([]byte, 0, min(size, n))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), min(max(2*int64(cap(buf)), 512), n))
			copy(nb, buf)
			buf = nb
		}
		m, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// replayBody gives the backend the bytes read for inspection, then the
// rest of the original body.
type replayBody struct {
	prefix *bytes.Reader
	rest   io.ReadCloser
}

func (b *replayBody) Read(p []byte) (int, error) {
	if b.prefix.Len() > 0 {
		return b.prefix.Read(p)
	}
	return b.rest.Read(p)
}

func (b *replayBody) Close() error { return b.rest.Close() }

// maxBodyReader fails with *http.MaxBytesError once more than limit bytes
// of a body of unknown length have been read.
type maxBodyReader struct {
	rc          io.ReadCloser
	left, limit int64
}

func (m *maxBodyReader) Read(p []byte) (int, error) {
	if m.left < 0 {
		return 0, &http.MaxBytesError{Limit: m.limit}
	}
	if int64(len(p)) > m.left+1 {
		p = p[:m.left+1]
	}
	n, err := m.rc.Read(p)
	m.left -= int64(n)
	if m.left < 0 {
		return n + int(m.left), &http.MaxBytesError{Limit: m.limit}
	}
	return n, err
}

func (m *maxBodyReader) Close() error { return m.rc.Close() }

// sizeRule reports the rules about body size, which answer 413 when
// nothing else blocks.
func sizeRule(rule string) bool {
	return rule == "protocol-body-size" || rule == "protocol-body-over-limit"
}

// minRunLen is the shortest printable run of a binary body worth
// inspecting; shorter ones are mostly length bytes and tags that happen to
// be printable.
const minRunLen = 4

// printableRuns inspects each run of printable text (ASCII, tab and UTF-8
// beyond ASCII) in a binary body, as a field value: protobuf, gRPC,
// msgpack and CBOR store strings verbatim, length-prefixed.
func (w *walker) printableRuns(s string) {
	start := -1
	for i := 0; i <= len(s) && !w.stop; i++ {
		printable := i < len(s) && (s[i] >= 0x20 && s[i] < 0x7f || s[i] == '\t' || s[i] >= 0x80)
		switch {
		case printable && start < 0:
			start = i
		case !printable && start >= 0:
			if i-start >= minRunLen {
				w.value(tBody, KindBodyValue, "", s[start:i])
			}
			start = -1
		}
	}
}

// asciiIncompatibleCharset reports a body charset in which ASCII text is
// not its own bytes: the EBCDIC code pages (IBM037, IBM500, IBM1047,
// IBM01140 … under their ibm, cp, csIBM, windows-20xxx and x-EBCDIC names)
// and UTF-7.
// badCharset judges every "charset=" a Content-Type holds, also inside
// another parameter's quoted value or after a duplicate (charset=utf-8;
// charset=utf-7; boundary="charset=utf-7"): parsers disagree on which one
// counts, so one in which ASCII is not its own bytes, or two different
// ones, is refused. It returns the charset to report.
func badCharset(ct string) (string, bool) {
	first := ""
	for rest := ct; ; {
		i := indexFold(rest, "charset=")
		if i < 0 {
			return "", false
		}
		rest = rest[i+len("charset="):]
		end := 0
		for end < len(rest) && rest[end] != ';' && rest[end] != ',' && rest[end] != ' ' && (rest[end] != '"' || end == 0) {
			end++
		}
		cs := strings.ToLower(strings.Trim(rest[:end], `"'`))
		if cs == "" {
			continue
		}
		if asciiIncompatibleCharset(cs) {
			return cs, true
		}
		if first == "" {
			first = cs
		} else if cs != first {
			return first + " and " + cs, true
		}
	}
}

// mediaTypeInParams returns the name of a Content-Type parameter that
// parsers read to choose how to decode the body (charset, and boundary
// outside multipart, where it means nothing) holding a media type itself
// (application/x-www-form-urlencoded;boundary="application/json"). Other
// parameters carry URIs and names freely (JSON:API's ext and profile,
// SOAP's action, multipart/related's type).
func mediaTypeInParams(mediaType string, params map[string]string) string {
	for _, k := range [...]string{"charset", "boundary"} {
		v, ok := params[k]
		if !ok || k == "boundary" && strings.HasPrefix(mediaType, "multipart/") {
			continue
		}
		if looksMediaType(v) {
			return k
		}
	}
	return ""
}

// looksMediaType: v starts like type/subtype of a body the filter parses.
func looksMediaType(v string) bool {
	l := strings.ToLower(v)
	for _, t := range [...]string{"application/", "text/", "multipart/"} {
		if strings.HasPrefix(l, t) && len(l) > len(t) {
			return true
		}
	}
	return false
}

// indexFold is strings.Index for an ASCII lower-case needle, ignoring the
// case of s.
func indexFold(s, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		if s[i]|0x20 == needle[0] && hasPrefixFold(s[i:], needle) {
			return i
		}
	}
	return -1
}

func asciiIncompatibleCharset(cs string) bool {
	cs = strings.ToLower(strings.TrimSpace(strings.Trim(cs, `"'`)))
	if strings.Contains(cs, "ebcdic") || strings.Contains(cs, "utf-7") || strings.Contains(cs, "utf7") {
		return true
	}
	for _, p := range [...]string{"csibm", "ibm-", "ibm", "cp-", "cp", "windows-", "x-cp"} {
		if rest, ok := strings.CutPrefix(cs, p); ok {
			n, err := strconv.Atoi(strings.TrimLeft(rest, "0"))
			return err == nil && ebcdicPages[n]
		}
	}
	return false
}

// ebcdicPages are the EBCDIC code page numbers (IBM's, and Windows' 20xxx
// aliases of them).
var ebcdicPages = func() map[int]bool {
	m := map[int]bool{}
	for _, n := range []int{37, 273, 277, 278, 280, 284, 285, 290, 297, 420, 423, 424, 500, 833, 836, 838, 870, 871, 875, 880, 905, 918, 924, 930, 933, 935, 937, 939,
		1025, 1026, 1027, 1047, 1112, 1122, 1123, 1130, 1132, 1137, 1140, 1141, 1142, 1143, 1144, 1145, 1146, 1147, 1148, 1149, 1153, 1154, 1155, 1156, 1157, 1158, 1160, 1164, 1364, 1371, 1388, 1390, 1399} {
		m[n] = true
		if n < 1000 {
			m[20000+n] = true
		}
	}
	m[21025] = true
	return m
}()
