package gatehouse

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/gatehouse-dev/caddy-gatehouse/redact"
)

// sparseJSON is API-like JSON where one record in 50 carries a secret.
func sparseJSON(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"sku":"SKU-%06d","name":"Widget %d","price":%d.99,"qty":%d,"created":"2024-03-%02dT10:%02d:00Z","tags":["blue","large"],"active":true`,
			i, i*7, i, i%500, i%9, i%28+1, i%60)
		if i%50 == 0 {
			fmt.Fprintf(&b, `,"contact":"%s"`, plantedSecrets[5])
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes()
}

// discardWriter is a ResponseWriter that drops the body, like a fast client.
type discardWriter struct {
	h http.Header
	n int64
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }
func (d *discardWriter) Flush()                      {}

// BenchmarkResponseRedactHandler measures the whole handler (header rules,
// decoding, engine, output coalescing) on a 1 MiB body written in 32 KiB
// pieces, as reverse_proxy does; bytes/s are of the decoded body. The
// "baseline" cases in the same run: "skipped" is the handler on a binary
// type (wrapper overhead only), "engine" is redact.Stream alone.
func BenchmarkResponseRedactHandler(b *testing.B) {
	const size = 1 << 20
	bodies := map[string][]byte{"sparse": sparseJSON(size), "dense": secretJSON(size, "b")}
	h := newTestRedact(b, nil)
	for _, density := range []string{"sparse", "dense"} {
		body := bodies[density]
		for _, coding := range []string{"identity", "gzip"} {
			enc := encodeBody(b, coding, body)
			hdr := jsonHeader()
			if coding != "identity" {
				hdr.Set("Content-Encoding", coding)
			}
			b.Run(density+"/"+coding, func(b *testing.B) {
				benchHandler(b, h, &upstream{header: hdr, body: enc, chunk: 32 << 10}, int64(len(body)))
			})
		}
		b.Run(density+"/skipped", func(b *testing.B) {
			up := &upstream{header: http.Header{"Content-Type": {"application/octet-stream"}}, body: body, chunk: 32 << 10}
			benchHandler(b, h, up, int64(len(body)))
		})
		b.Run(density+"/engine", func(b *testing.B) {
			r, err := redact.New(redact.Config{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			defer redactBenchReportCPU(b, redactBenchCPUTime(), int64(len(body)))
			for b.Loop() {
				s := r.NewStream(io.Discard, redact.KindJSON)
				for p := body; len(p) > 0; {
					n := min(32<<10, len(p))
					if _, err := s.Write(p[:n]); err != nil {
						b.Fatal(err)
					}
					p = p[n:]
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchHandler(b *testing.B, h *ResponseRedact, up *upstream, decoded int64) {
	b.SetBytes(decoded)
	b.ReportAllocs()
	defer redactBenchReportCPU(b, redactBenchCPUTime(), decoded)
	for b.Loop() {
		w := &discardWriter{h: make(http.Header)}
		r := newTestRequest(http.MethodGet, "/bench", httptest.NewRecorder())
		if err := h.ServeHTTP(w, r, up); err != nil {
			b.Fatal(err)
		}
		if w.n == 0 {
			b.Fatal("no output")
		}
	}
}

// redactBenchCPUTime is the CPU time (user+system, all threads, so GC and the
// decoder goroutine included) the process used so far. The benchmark
// machine is shared, so besides wall-clock MB/s the benchmarks report
// "MB/cpu-s", decoded bytes per CPU-second of this process: what one core
// achieves whatever else competes for it. (The same metric as in
// redact/bench_test.go.)
func redactBenchCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// redactBenchReportCPU adds the MB/cpu-s metric for n bytes per op since start.
func redactBenchReportCPU(b *testing.B, start time.Duration, n int64) {
	if d := redactBenchCPUTime() - start; d > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/d.Seconds()/1e6, "MB/cpu-s")
	}
}
