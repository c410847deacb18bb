package filter

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/gatehouse-dev/caddy-gatehouse/internal/contentcoding"
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
	rd, err := contentcoding.NewReader(bufio.NewReader(bytes.NewReader(raw)),
		strings.ToLower(strings.TrimSpace(enc)), contentcoding.Limits{ZstdWindow: maxDecoderWindow, BrotliWindow: maxDecoderWindow})
	if err != nil {
		return nil, false
	}
	defer rd.Close()
	out, err = readPrefix(rd, max, -1)
	if err != nil && !cut {
		return nil, false
	}
	return out, true
}

// maxDecoderWindow bounds the decoder window a request body may ask for
// (4 MiB, the encoders' default); larger windows would let a small body make
// the filter allocate up to 16 MiB (brotli) or more (zstd).
const maxDecoderWindow = 4 << 20
