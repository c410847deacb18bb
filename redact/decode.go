package redact

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// Errors reported by the decoders. Callers fail closed on all of them: a body
// that cannot be decoded cannot be scanned, so it must not be passed on.
var (
	// ErrUnknownEncoding reports a Content-Encoding this package cannot undo.
	ErrUnknownEncoding = errors.New("unknown content encoding")
	// ErrTrailingData reports bytes after the end of a compressed stream.
	ErrTrailingData = errors.New("trailing data after compressed stream")
	// ErrDecoderClosed reports a Write after Close or Abort.
	ErrDecoderClosed = errors.New("decoder closed")
)

// maxCodings bounds how many stacked content codings are undone; more than
// that is an attack on the gateway, not a real backend.
const maxCodings = 3

// zstdMaxWindow bounds the memory a zstd frame may demand (the format allows
// windows of gigabytes; 8 MiB is what the reference encoder uses up to level 19).
const zstdMaxWindow = 8 << 20

// ParseContentEncoding returns the content codings listed in the
// Content-Encoding field lines, in the order they were applied, with
// "identity" dropped and "x-gzip" normalised to "gzip". An empty result means
// the body is not encoded. A coding this package cannot decode, or more than
// three stacked codings, yields ErrUnknownEncoding.
func ParseContentEncoding(values []string) ([]string, error) {
	var codings []string
	for _, line := range values {
		for item := range strings.SplitSeq(line, ",") {
			c := strings.ToLower(strings.TrimSpace(item))
			switch c {
			case "", "identity":
				continue
			case "x-gzip":
				c = "gzip"
			case "gzip", "deflate", "zstd", "br":
			default:
				return nil, fmt.Errorf("%w: %q", ErrUnknownEncoding, truncate(c, 32))
			}
			codings = append(codings, c)
		}
	}
	if len(codings) > maxCodings {
		return nil, fmt.Errorf("%w: %d stacked codings", ErrUnknownEncoding, len(codings))
	}
	return codings, nil
}

// truncate keeps attacker-controlled strings short in error messages.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// NewDecodingReader returns a reader of the body read from src with the given
// codings (as returned by ParseContentEncoding) undone, outermost first.
// Close releases the decoders; it does not close src.
func NewDecodingReader(src io.Reader, codings []string) (io.ReadCloser, error) {
	var closers []io.Closer
	r := src
	for i := len(codings) - 1; i >= 0; i-- {
		dr, err := newCodingReader(bufio.NewReader(r), codings[i])
		if err != nil {
			for _, c := range closers {
				_ = c.Close()
			}
			return nil, err
		}
		closers = append(closers, dr)
		r = dr
	}
	return &chainReader{Reader: r, closers: closers}, nil
}

// chainReader closes every decoder of a chain.
type chainReader struct {
	io.Reader
	closers []io.Closer
}

func (c *chainReader) Close() error {
	var errs []error
	for _, cl := range c.closers {
		errs = append(errs, cl.Close())
	}
	return errors.Join(errs...)
}

// newCodingReader returns a decoder for one coding. src is a bufio.Reader, so
// flate-based decoders read it byte by byte and never over-read: what remains
// in src after the decoder's EOF is trailing data.
func newCodingReader(src *bufio.Reader, coding string) (io.ReadCloser, error) {
	switch coding {
	case "gzip":
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, fmt.Errorf("gzip header: %w", err)
		}
		return zr, nil
	case "deflate":
		// RFC 9110 says "deflate" is the zlib format, but some servers send
		// raw deflate; a zlib header is recognisable by its check bits.
		hdr, err := src.Peek(2)
		if err != nil && len(hdr) < 2 {
			return nil, fmt.Errorf("deflate header: %w", io.ErrUnexpectedEOF)
		}
		if isZlibHeader(hdr) {
			zr, err := zlib.NewReader(src)
			if err != nil {
				return nil, fmt.Errorf("zlib header: %w", err)
			}
			return zr, nil
		}
		return flate.NewReader(src), nil
	case "zstd":
		zr, err := zstd.NewReader(src,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(zstdMaxWindow),
		)
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return zr.IOReadCloser(), nil
	case "br":
		return io.NopCloser(brotli.NewReader(src)), nil
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownEncoding, truncate(coding, 32))
	}
}

// isZlibHeader reports whether b starts with a zlib header (RFC 1950:
// CM=8, window ≤ 32 KiB, FCHECK makes the first two bytes a multiple of 31).
func isZlibHeader(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	cmf, flg := b[0], b[1]
	return cmf&0x0f == 8 && cmf>>4 <= 7 && (uint16(cmf)<<8|uint16(flg))%31 == 0
}
