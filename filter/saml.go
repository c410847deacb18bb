package filter

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/base64"
	"io"
	"strings"
)

// maxSAMLInflate bounds what a deflated SAML message may inflate to: real
// assertions are a few KiB, and a bomb stops here.
const maxSAMLInflate = 64 << 10

// samlParam: name is a parameter of the SAML bindings (SAMLRequest,
// SAMLResponse), whose value is a Base64 XML message, deflated first in
// the HTTP-Redirect binding.
func samlParam(name string) bool {
	return len(name) == 11 && strings.EqualFold(name, "SAMLRequest") || len(name) == 12 && strings.EqualFold(name, "SAMLResponse")
}

// inflateSAML decodes a SAML message sent Base64 over raw DEFLATE (the
// HTTP-Redirect binding, and clients that compress the POST binding too):
// the XML the service provider parses, DOCTYPE and entities included. It
// is false when v is not such a message or does not inflate to text.
func inflateSAML(v string) (string, bool) {
	s := strings.TrimRight(strings.ReplaceAll(v, " ", "+"), "=")
	if len(s) < 16 {
		return "", false
	}
	raw, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return "", false
	}
	r := flate.NewReader(bytes.NewReader(raw))
	defer r.Close()
	b, ok := readInflated(r)
	if !ok || len(b) < 6 || !printableText(b) || bytes.IndexByte(b, '<') < 0 {
		return "", false
	}
	return string(b), true
}

// readInflated reads a decompressing reader up to maxSAMLInflate bytes
// (a bomb stops there). A stream that breaks off still yields what it
// inflated; one that yields nothing is false.
func readInflated(r io.Reader) ([]byte, bool) {
	var out bytes.Buffer
	// An error only ends the stream: what inflated before it is judged.
	_, _ = io.Copy(&out, io.LimitReader(r, maxSAMLInflate))
	return out.Bytes(), out.Len() > 0
}

// gunzipBase64 decodes v, Base64 (standard or URL alphabet, padded or
// not) of a gzip stream, and inflates it up to maxSAMLInflate bytes.
func gunzipBase64(v string) ([]byte, bool) {
	s := strings.TrimRight(strings.ReplaceAll(v, " ", "+"), "=")
	if len(s) < 16 || len(s) > 1<<20 {
		return nil, false
	}
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	raw, err := enc.DecodeString(s)
	if err != nil {
		return nil, false
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, false
	}
	defer zr.Close()
	return readInflated(zr)
}
