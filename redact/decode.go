package redact

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/contentcoding"
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

// newCodingReader returns a decoder for one coding; see
// contentcoding.NewReader for why src is a bufio.Reader.
func newCodingReader(src *bufio.Reader, coding string) (io.ReadCloser, error) {
	rd, err := contentcoding.NewReader(src, coding, contentcoding.Limits{ZstdWindow: zstdMaxWindow})
	if errors.Is(err, contentcoding.ErrUnknown) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownEncoding, truncate(coding, 32))
	}
	return rd, err
}
