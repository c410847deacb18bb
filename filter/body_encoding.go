package filter

import (
	"bytes"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// decodeContent undoes a request's Content-Encoding on the inspected
// prefix of its body, producing at most max bytes: decompression is bounded
// by the inspection limit, so a compression bomb costs no more than a plain
// body. ok is false when the body does not decode cleanly (it is not in the
// named encoding, or the encoding is unknown or stacked): the caller then
// inspects it as it is, since a backend that ignores Content-Encoding would
// read it that way. A prefix cut by the inspection limit (cut) may end
// mid-stream; what decoded is kept.
func decodeContent(enc string, raw []byte, max int64, cut bool) (out []byte, ok bool) {
	var rd io.Reader
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, false
		}
		rd = gz
	case "deflate":
		// HTTP's deflate is zlib-wrapped; some clients send raw deflate.
		if zr, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
			rd = zr
		} else {
			rd = flate.NewReader(bytes.NewReader(raw))
		}
	case "br":
		if len(raw) == 0 || brotliWindowBits(raw[0]) > maxBrotliWindowBits {
			return nil, false
		}
		rd = brotli.NewReader(bytes.NewReader(raw))
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(raw), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxMemory(uint64(max)+1<<20), zstd.WithDecoderMaxWindow(1<<maxBrotliWindowBits))
		if err != nil {
			return nil, false
		}
		defer zr.Close()
		rd = zr
	default:
		return nil, false
	}
	out, err := readPrefix(rd, max, -1)
	if err != nil && !cut {
		return nil, false
	}
	return out, true
}

// maxBrotliWindowBits bounds the decoder window a request body may ask for
// (4 MiB, the encoders' default); larger windows would let a small body make
// the filter allocate up to 16 MiB (brotli) or more (zstd).
const maxBrotliWindowBits = 22

// brotliWindowBits reads WBITS from the first byte of a brotli stream
// (RFC 7932 section 9.1); 0 for the reserved large-window marker.
func brotliWindowBits(b byte) int {
	if b&1 == 0 {
		return 16
	}
	if n := int(b>>1) & 7; n != 0 {
		return 17 + n
	}
	switch m := int(b>>4) & 7; m {
	case 0:
		return 17
	case 1:
		return 0 // large window: not standard, refused by the decoder anyway
	default:
		return 8 + m
	}
}
