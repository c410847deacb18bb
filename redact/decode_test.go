package redact

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/contentcoding/codingtest"
)

// compressFor encodes body with one content coding ("deflate-raw" is raw
// deflate sent as "deflate", which some servers do).
func compressFor(t testing.TB, coding string, body []byte) []byte {
	t.Helper()
	return codingtest.Encode(t, coding, body)
}

// headerCoding is the Content-Encoding value of a test coding.
func headerCoding(c string) string {
	if c == "deflate-raw" {
		return "deflate"
	}
	return c
}

func TestParseContentEncoding(t *testing.T) {
	tests := []struct {
		in      []string
		want    []string
		wantErr bool
	}{
		{in: nil, want: nil},
		{in: []string{""}, want: nil},
		{in: []string{"identity"}, want: nil},
		{in: []string{"gzip"}, want: []string{"gzip"}},
		{in: []string{"X-Gzip"}, want: []string{"gzip"}},
		{in: []string{" GZIP , br"}, want: []string{"gzip", "br"}},
		{in: []string{"deflate", "zstd"}, want: []string{"deflate", "zstd"}},
		{in: []string{"compress"}, wantErr: true},
		{in: []string{"gzip, lzma"}, wantErr: true},
		{in: []string{"gzip,gzip,gzip,gzip"}, wantErr: true},
		{in: []string{"aes128gcm"}, wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseContentEncoding(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseContentEncoding(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil && !errors.Is(err, ErrUnknownEncoding) {
			t.Errorf("ParseContentEncoding(%q) error %v is not ErrUnknownEncoding", tt.in, err)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("ParseContentEncoding(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// testBody is compressible text long enough to span many decoder buffers.
func testBody(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		b.WriteString(`{"id":`)
		b.WriteString(strings.Repeat("7", i%13+1))
		b.WriteString(`,"email":"user@example.com","note":"lorem ipsum dolor"}` + "\n")
	}
	return b.Bytes()[:n]
}

// writeChunked writes p to w in chunks of size n.
func writeChunked(t testing.TB, w io.Writer, p []byte, n int) error {
	t.Helper()
	for len(p) > 0 {
		k := min(n, len(p))
		m, err := w.Write(p[:k])
		if err != nil {
			return err
		}
		if m != k {
			t.Fatalf("short write %d of %d", m, k)
		}
		p = p[k:]
	}
	return nil
}

func TestDecodingWriterRoundTrip(t *testing.T) {
	body := testBody(300 << 10)
	for _, coding := range []string{"gzip", "deflate", "deflate-raw", "zstd", "br"} {
		enc := compressFor(t, coding, body)
		for _, chunk := range []int{1, 7, 4096, len(enc)} {
			if chunk == 1 && testing.Short() {
				continue
			}
			var out bytes.Buffer
			d := NewDecodingWriter(&out, []string{headerCoding(coding)})
			if err := writeChunked(t, d, enc, chunk); err != nil {
				t.Fatalf("%s/%d: write: %v", coding, chunk, err)
			}
			if err := d.Close(); err != nil {
				t.Fatalf("%s/%d: close: %v", coding, chunk, err)
			}
			if !bytes.Equal(out.Bytes(), body) {
				t.Fatalf("%s/%d: decoded %d bytes, want %d identical", coding, chunk, out.Len(), len(body))
			}
		}
	}
}

func TestDecodingWriterStacked(t *testing.T) {
	body := testBody(50 << 10)
	// Content-Encoding: gzip, br means gzip was applied first.
	enc := compressFor(t, "br", compressFor(t, "gzip", body))
	var out bytes.Buffer
	d := NewDecodingWriter(&out, []string{"gzip", "br"})
	if err := writeChunked(t, d, enc, 1000); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), body) {
		t.Fatalf("stacked decode mismatch: %d bytes", out.Len())
	}
}

// TestDecodingWriterDecodesBeforeReturning pins the synchronisation that
// Flush relies on: once Write returns, everything decodable from the bytes
// written so far is in dst (gzip with a sync flush, as SSE servers do).
func TestDecodingWriterDecodesBeforeReturning(t *testing.T) {
	var enc bytes.Buffer
	zw := gzip.NewWriter(&enc)
	var out bytes.Buffer
	d := NewDecodingWriter(&out, []string{"gzip"})
	for i, ev := range []string{"data: one\n\n", "data: two\n\n", "data: three\n\n"} {
		if _, err := zw.Write([]byte(ev)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Flush(); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write(enc.Bytes()); err != nil {
			t.Fatal(err)
		}
		enc.Reset()
		if !strings.HasSuffix(out.String(), ev) {
			t.Fatalf("event %d not decoded when Write returned: have %q", i, out.String())
		}
	}
	_ = zw.Close()
	if _, err := d.Write(enc.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDecodingWriterErrors(t *testing.T) {
	body := testBody(64 << 10)
	gz := compressFor(t, "gzip", body)
	flipped := bytes.Clone(gz)
	flipped[len(flipped)/2] ^= 0xff
	tests := []struct {
		name    string
		coding  string
		data    []byte
		wantErr error // nil: any error
	}{
		{"gzip truncated", "gzip", gz[:len(gz)/2], nil},
		{"gzip corrupt", "gzip", flipped, nil},
		{"gzip bad header", "gzip", []byte("this is not gzip at all"), nil},
		{"gzip trailing garbage", "gzip", append(bytes.Clone(gz), "garbage"...), nil},
		{"deflate trailing", "deflate", append(compressFor(t, "deflate-raw", body), 1, 2, 3), ErrTrailingData},
		{"zstd truncated", "zstd", func() []byte { z := compressFor(t, "zstd", body); return z[:len(z)-10] }(), nil},
		{"zstd garbage", "zstd", []byte("\x28\xb5\x2f\xfd garbage garbage garbage"), nil},
		{"br truncated", "br", func() []byte { z := compressFor(t, "br", body); return z[:len(z)/2] }(), nil},
		{"br garbage", "br", bytes.Repeat([]byte{0xff}, 100), nil},
		{"deflate one byte", "deflate", []byte{0x78}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecodingWriter(io.Discard, []string{tt.coding})
			werr := writeChunked(t, d, tt.data, 512)
			cerr := d.Close()
			err := errors.Join(werr, cerr)
			if err == nil {
				t.Fatal("corrupt body decoded without error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if _, err := d.Write([]byte("x")); err == nil {
				t.Fatal("Write after Close succeeded")
			}
		})
	}
}

func TestDecodingWriterEmptyBody(t *testing.T) {
	for _, c := range []string{"gzip", "deflate", "zstd", "br"} {
		d := NewDecodingWriter(io.Discard, []string{c})
		if err := d.Close(); err != nil {
			t.Errorf("%s: empty body: %v", c, err)
		}
	}
}

// TestDecodingWriterDstError: a failing client write stops the decoder and
// is reported with its cause.
func TestDecodingWriterDstError(t *testing.T) {
	errClient := errors.New("client gone")
	enc := compressFor(t, "gzip", testBody(200<<10))
	d := NewDecodingWriter(failingWriter{errClient}, []string{"gzip"})
	err := writeChunked(t, d, enc, 4096)
	if err == nil {
		err = d.Close()
	}
	if !errors.Is(err, errClient) {
		t.Fatalf("error %v, want %v", err, errClient)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// TestDecodingWriterAbort: Abort returns promptly mid-body (no goroutine leak).
func TestDecodingWriterAbort(t *testing.T) {
	enc := compressFor(t, "zstd", testBody(100<<10))
	d := NewDecodingWriter(io.Discard, []string{"zstd"})
	if _, err := d.Write(enc[:len(enc)/3]); err != nil {
		t.Fatal(err)
	}
	d.Abort()
	d.Abort()
	if _, err := d.Write(enc[len(enc)/3:]); err == nil {
		t.Fatal("Write after Abort succeeded")
	}
}

func TestNewDecodingReader(t *testing.T) {
	body := testBody(10 << 10)
	for _, c := range []string{"gzip", "deflate", "deflate-raw", "zstd", "br"} {
		r, err := NewDecodingReader(bytes.NewReader(compressFor(t, c, body)), []string{headerCoding(c)})
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("%s: read %d bytes, err %v", c, len(got), err)
		}
		if err := r.Close(); err != nil {
			t.Fatalf("%s: close: %v", c, err)
		}
	}
	if _, err := NewDecodingReader(strings.NewReader("x"), []string{"lzw"}); !errors.Is(err, ErrUnknownEncoding) {
		t.Fatalf("unknown coding: %v", err)
	}
}

// FuzzDecodingWriter feeds arbitrary bytes to every decoder in arbitrary
// chunks: no panic, no hang, and when a valid stream decodes, the push
// decoder agrees with the pull decoder.
func FuzzDecodingWriter(f *testing.F) {
	body := []byte(`{"card":"4111 1111 1111 1111","email":"a@b.co"}`)
	for i, c := range []string{"gzip", "deflate", "deflate-raw", "zstd", "br"} {
		enc := compressFor(f, c, body)
		f.Add(uint8(i), uint16(3), enc)
		f.Add(uint8(i), uint16(1), enc[:len(enc)-1])
		f.Add(uint8(i), uint16(100), append(bytes.Clone(enc), 0))
	}
	f.Add(uint8(0), uint16(1), []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Add(uint8(1), uint16(2), []byte{0x78, 0x9c})
	f.Add(uint8(3), uint16(4), []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0})
	codings := []string{"gzip", "deflate", "deflate", "zstd", "br"}
	f.Fuzz(func(t *testing.T, which uint8, chunk uint16, data []byte) {
		coding := codings[int(which)%len(codings)]
		n := int(chunk)%512 + 1
		var push bytes.Buffer
		d := NewDecodingWriter(&limitedBuffer{buf: &push, max: 1 << 20}, []string{coding})
		werr := writeChunked(t, d, data, n)
		cerr := d.Close()
		pushErr := errors.Join(werr, cerr)
		if len(data) == 0 {
			if pushErr != nil {
				t.Fatalf("empty body: %v", pushErr)
			}
			return // an empty body is no encoded stream at all
		}

		r, err := NewDecodingReader(bytes.NewReader(data), []string{coding})
		if err != nil {
			if pushErr == nil {
				t.Fatalf("pull decoder rejects (%v) what push decoder accepted", err)
			}
			return
		}
		pull, pullErr := io.ReadAll(io.LimitReader(r, 1<<20+1))
		_ = r.Close()
		if pushErr == nil && len(pull) <= 1<<20 {
			if pullErr != nil {
				t.Fatalf("pull decoder failed (%v) where push decoder succeeded", pullErr)
			}
			if !bytes.Equal(pull, push.Bytes()) {
				t.Fatalf("push decoded %d bytes, pull %d", push.Len(), len(pull))
			}
		}
	})
}

// limitedBuffer fails past max bytes, bounding decompression bombs in fuzzing.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

var errTooMuch = errors.New("too much output")

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.buf.Len()+len(p) > l.max {
		return 0, errTooMuch
	}
	return l.buf.Write(p)
}

// FuzzParseContentEncoding: any upstream header value parses to known
// codings only (at most three) or to ErrUnknownEncoding.
func FuzzParseContentEncoding(f *testing.F) {
	for _, s := range []string{"gzip", "x-gzip, br", " identity ,", "zstd,deflate,gzip,br", "compress", ",,", "GZip;q=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		codings, err := ParseContentEncoding([]string{v})
		if err != nil {
			if !errors.Is(err, ErrUnknownEncoding) {
				t.Fatalf("error %v is not ErrUnknownEncoding", err)
			}
			return
		}
		if len(codings) > maxCodings {
			t.Fatalf("%d codings accepted", len(codings))
		}
		for _, c := range codings {
			switch c {
			case "gzip", "deflate", "zstd", "br":
			default:
				t.Fatalf("unknown coding %q accepted from %q", c, v)
			}
		}
	})
}
