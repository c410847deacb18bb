// Package contentcoding opens decoders for HTTP content codings (gzip,
// deflate, zstd, br) with bounded decoder memory. The request filter uses it
// to inspect compressed request bodies and response masking to scan
// compressed response bodies: both must decode exactly what the other side
// of the proxy would, and neither may let a small body demand a large window.
package contentcoding

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// ErrUnknown reports a content coding this package cannot undo.
var ErrUnknown = errors.New("unknown content encoding")

// ErrWindowTooLarge reports a compressed stream whose header asks for a
// decoder window over the configured limit.
var ErrWindowTooLarge = errors.New("compression window over the limit")

// Limits bound what a decoder may allocate.
type Limits struct {
	// ZstdWindow is the largest zstd window accepted, in bytes; 0 means
	// the zstd decoder's default limit.
	ZstdWindow int
	// BrotliWindow is the largest brotli window accepted, in bytes; 0
	// means the format's own maximum (16 MiB).
	BrotliWindow int
}

// NewReader returns a decoder of coding ("gzip", "deflate", "zstd" or "br",
// lower case) reading src. src is a bufio.Reader so that flate-based
// decoders read it byte by byte and never over-read: what remains in src
// after the decoder's EOF is trailing data. Close releases the decoder; it
// does not close src.
func NewReader(src *bufio.Reader, coding string, lim Limits) (io.ReadCloser, error) {
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, fmt.Errorf("gzip header: %w", err)
		}
		return zr, nil
	case "deflate":
		// RFC 9110 says "deflate" is the zlib format, but some servers and
		// clients send raw deflate; a zlib header is recognisable by its
		// check bits.
		hdr, err := src.Peek(2)
		if err != nil && len(hdr) < 2 {
			return nil, fmt.Errorf("deflate header: %w", io.ErrUnexpectedEOF)
		}
		if IsZlibHeader(hdr) {
			zr, err := zlib.NewReader(src)
			if err != nil {
				return nil, fmt.Errorf("zlib header: %w", err)
			}
			return zr, nil
		}
		return flate.NewReader(src), nil
	case "zstd":
		opts := []zstd.DOption{zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true)}
		if lim.ZstdWindow > 0 {
			opts = append(opts, zstd.WithDecoderMaxWindow(uint64(lim.ZstdWindow)))
		}
		zr, err := zstd.NewReader(src, opts...)
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return zr.IOReadCloser(), nil
	case "br":
		if lim.BrotliWindow > 0 {
			hdr, err := src.Peek(1)
			if err != nil {
				return nil, fmt.Errorf("brotli header: %w", io.ErrUnexpectedEOF)
			}
			if bits := BrotliWindowBits(hdr[0]); bits == 0 || 1<<bits > lim.BrotliWindow {
				return nil, fmt.Errorf("brotli: %w", ErrWindowTooLarge)
			}
		}
		return io.NopCloser(brotli.NewReader(src)), nil
	default:
		return nil, ErrUnknown
	}
}

// IsZlibHeader reports whether b starts with a zlib header (RFC 1950:
// CM=8, window ≤ 32 KiB, FCHECK makes the first two bytes a multiple of 31).
func IsZlibHeader(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	cmf, flg := b[0], b[1]
	return cmf&0x0f == 8 && cmf>>4 <= 7 && (uint16(cmf)<<8|uint16(flg))%31 == 0
}

// BrotliWindowBits reads WBITS from the first byte of a brotli stream
// (RFC 7932 section 9.1); 0 for the reserved large-window marker.
func BrotliWindowBits(b byte) int {
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
