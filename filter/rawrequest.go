package filter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// ParseRawRequest parses an HTTP/1.x request as saved in a file (what
// `curl --trace`, Burp or a WAF log shows): a request line, header lines, an
// empty line, the body.
//
// It is lenient where hand-edited files differ from the wire: bare LF line
// endings, a missing HTTP version (HTTP/1.1 is assumed), a missing empty
// line at the end of the headers. It keeps what net/http would normalise
// away, so that the framing checks see it: Transfer-Encoding stays in the
// header next to any Content-Length, repeated Content-Length values stay.
//
// The body is de-chunked when the last transfer coding is chunked; else it
// is Content-Length bytes when that is given (fewer if the file is short);
// else the rest of the file, without one final line ending (which editors
// add).
func ParseRawRequest(data []byte) (*http.Request, error) {
	line, rest := cutLine(data)
	// Tolerate leading blank lines, as net/http does.
	for len(bytes.TrimSpace(line)) == 0 && len(rest) > 0 {
		line, rest = cutLine(rest)
	}
	fields := strings.Fields(string(line))
	if len(fields) < 2 || len(fields) > 3 {
		return nil, fmt.Errorf("request line %q: want METHOD TARGET [HTTP/x.y]", truncateForError(line))
	}
	r := &http.Request{
		Method:     fields[0],
		RequestURI: fields[1],
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     http.Header{},
	}
	if len(fields) == 3 {
		major, minor, ok := http.ParseHTTPVersion(fields[2])
		if !ok {
			return nil, fmt.Errorf("request line: bad HTTP version %q", fields[2])
		}
		r.Proto, r.ProtoMajor, r.ProtoMinor = fields[2], major, minor
	}
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		// The engine reads RequestURI; keep a URL for other readers.
		path, query, _ := strings.Cut(r.RequestURI, "?")
		u = &url.URL{Path: path, RawQuery: query}
	}
	r.URL = u

	var last string
	for {
		if len(rest) == 0 {
			break
		}
		line, rest = cutLine(rest)
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			// Obsolete line folding: continue the previous value.
			if last == "" {
				return nil, errors.New("header continuation line before any header")
			}
			vs := r.Header[last]
			vs[len(vs)-1] += " " + strings.TrimSpace(string(line))
			continue
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(bytes.TrimSpace(name)) == 0 {
			return nil, fmt.Errorf("header line %q: no name", truncateForError(line))
		}
		last = textproto.CanonicalMIMEHeaderKey(string(bytes.TrimSpace(name)))
		r.Header[last] = append(r.Header[last], string(bytes.TrimSpace(value)))
	}

	// As net/http reads it (RFC 9112 3.2.2): an absolute-form target's
	// authority is the request's host, whatever the Host header says.
	r.Host = r.Header.Get("Host")
	delete(r.Header, "Host")
	if u.Host != "" {
		r.Host = u.Host
	}

	body, err := rawBody(r.Header, rest)
	if err != nil {
		return nil, err
	}
	r.ContentLength = int64(len(body))
	if len(body) == 0 {
		r.Body = http.NoBody
	} else {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return r, nil
}

// rawBody extracts the body from what follows the headers.
func rawBody(h http.Header, rest []byte) ([]byte, error) {
	if te := h.Values("Transfer-Encoding"); len(te) > 0 {
		codings := strings.Split(strings.Join(te, ","), ",")
		if strings.EqualFold(strings.TrimSpace(codings[len(codings)-1]), "chunked") {
			return dechunk(rest)
		}
	}
	if cl := h.Get("Content-Length"); cl != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(cl), 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("Content-Length %q: not a length", cl)
		}
		if n < int64(len(rest)) {
			rest = rest[:n]
		}
		return rest, nil
	}
	if b, ok := bytes.CutSuffix(rest, []byte("\n")); ok {
		rest, _ = bytes.CutSuffix(b, []byte("\r"))
	}
	return rest, nil
}

// dechunk decodes a chunked body; line endings may be CRLF or LF.
func dechunk(b []byte) ([]byte, error) {
	var out []byte
	for {
		if len(b) == 0 {
			return out, errors.New("chunked body: missing last chunk")
		}
		line, rest := cutLine(b)
		sizeStr, _, _ := strings.Cut(string(line), ";")
		size, err := strconv.ParseUint(strings.TrimSpace(sizeStr), 16, 32)
		if err != nil {
			return nil, fmt.Errorf("chunked body: bad chunk size %q", truncateForError(line))
		}
		if size == 0 {
			return out, nil // trailers, if any, are ignored
		}
		if uint64(len(rest)) < size {
			return nil, fmt.Errorf("chunked body: chunk of %d bytes, %d left", size, len(rest))
		}
		out = append(out, rest[:size]...)
		b = rest[size:]
		b, _ = bytes.CutPrefix(b, []byte("\r"))
		b, _ = bytes.CutPrefix(b, []byte("\n"))
	}
}

// cutLine splits b after the first line ending (LF or CRLF), which is
// dropped.
func cutLine(b []byte) (line, rest []byte) {
	line, rest, _ = bytes.Cut(b, []byte("\n"))
	line, _ = bytes.CutSuffix(line, []byte("\r"))
	return line, rest
}

func truncateForError(b []byte) string {
	if len(b) > 80 {
		b = b[:80]
	}
	return string(b)
}
