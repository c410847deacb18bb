// Package codingtest compresses test bodies with HTTP content codings, for the
// tests of every package that decodes them (request filter, response
// masking, the shared decoders).
package codingtest

import (
	"bytes"
	"io"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// Encode returns body compressed with coding: "gzip", "deflate" (zlib, as
// RFC 9110 says), "deflate-raw" (raw deflate, which some servers send as
// "deflate"), "zstd" or "br"; "identity" returns body as it is. An unknown
// coding fails the test.
func Encode(t testing.TB, coding string, body []byte) []byte {
	t.Helper()
	if coding == "identity" {
		return body
	}
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch coding {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "deflate":
		w = zlib.NewWriter(&buf)
	case "deflate-raw":
		w, err = flate.NewWriter(&buf, flate.DefaultCompression)
	case "zstd":
		w, err = zstd.NewWriter(&buf)
	case "br":
		w = brotli.NewWriter(&buf)
	default:
		t.Fatalf("codingtest: no encoder for %q", coding)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
