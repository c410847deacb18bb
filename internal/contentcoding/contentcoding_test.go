package contentcoding

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/contentcoding/codingtest"
)

var plain = bytes.Repeat([]byte("card 4111 1111 1111 1111; hello world. "), 2000)

func encode(t *testing.T, coding string) []byte {
	t.Helper()
	return codingtest.Encode(t, coding, plain)
}

func TestNewReaderRoundTrip(t *testing.T) {
	for _, tc := range []struct{ encodeAs, coding string }{
		{"gzip", "gzip"}, {"gzip", "x-gzip"}, {"deflate", "deflate"},
		{"deflate-raw", "deflate"}, {"zstd", "zstd"}, {"br", "br"},
	} {
		t.Run(tc.encodeAs+"/"+tc.coding, func(t *testing.T) {
			rd, err := NewReader(bufio.NewReader(bytes.NewReader(encode(t, tc.encodeAs))), tc.coding,
				Limits{ZstdWindow: 4 << 20, BrotliWindow: 4 << 20})
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			got, err := io.ReadAll(rd)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, plain) {
				t.Fatalf("decoded %d bytes, want the %d original bytes", len(got), len(plain))
			}
		})
	}
}

func TestNewReaderErrors(t *testing.T) {
	if _, err := NewReader(bufio.NewReader(bytes.NewReader(nil)), "compress", Limits{}); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown coding: err = %v, want ErrUnknown", err)
	}
	if _, err := NewReader(bufio.NewReader(bytes.NewReader([]byte("not gzip"))), "gzip", Limits{}); err == nil {
		t.Error("bad gzip header: no error")
	}
	if _, err := NewReader(bufio.NewReader(bytes.NewReader([]byte{0x78})), "deflate", Limits{}); err == nil {
		t.Error("one-byte deflate body: no error")
	}
	if _, err := NewReader(bufio.NewReader(bytes.NewReader(nil)), "br", Limits{BrotliWindow: 4 << 20}); err == nil {
		t.Error("empty brotli body with a window limit: no error")
	}
}

func TestBrotliWindowLimit(t *testing.T) {
	var b bytes.Buffer
	w := brotli.NewWriterOptions(&b, brotli.WriterOptions{LGWin: 24})
	_, _ = w.Write(plain)
	_ = w.Close()
	if _, err := NewReader(bufio.NewReader(bytes.NewReader(b.Bytes())), "br", Limits{BrotliWindow: 4 << 20}); !errors.Is(err, ErrWindowTooLarge) {
		t.Errorf("16 MiB window under a 4 MiB limit: err = %v, want ErrWindowTooLarge", err)
	}
	if _, err := NewReader(bufio.NewReader(bytes.NewReader(b.Bytes())), "br", Limits{}); err != nil {
		t.Errorf("16 MiB window without a limit: %v", err)
	}
}

func TestBrotliWindowBits(t *testing.T) {
	for lgwin := 10; lgwin <= 24; lgwin++ {
		var b bytes.Buffer
		w := brotli.NewWriterOptions(&b, brotli.WriterOptions{LGWin: lgwin})
		_, _ = w.Write(bytes.Repeat([]byte("hello world "), 1<<17))
		_ = w.Close()
		// Encoders raise windows below 18 to 18.
		if got := BrotliWindowBits(b.Bytes()[0]); got != max(lgwin, 18) {
			t.Errorf("lgwin %d: read %d", lgwin, got)
		}
	}
}

func TestBrotliWindowBitsHeader(t *testing.T) {
	tests := map[byte]int{0x00: 16, 0x02: 16, 0x03: 18, 0x0f: 24, 0x01: 17, 0x11: 0, 0x21: 10, 0x71: 15}
	for b, want := range tests {
		if got := BrotliWindowBits(b); got != want {
			t.Errorf("BrotliWindowBits(%#x) = %d, want %d", b, got, want)
		}
	}
}

func TestIsZlibHeader(t *testing.T) {
	for _, tc := range []struct {
		b    []byte
		want bool
	}{{[]byte{0x78, 0x9c}, true}, {[]byte{0x78, 0x01}, true}, {[]byte{0x78, 0x9d}, false}, {[]byte{0x78}, false}} {
		if got := IsZlibHeader(tc.b); got != tc.want {
			t.Errorf("IsZlibHeader(%x) = %v, want %v", tc.b, got, tc.want)
		}
	}
}
