// Command benchbackend is the upstream of the end-to-end load benchmark
// (scripts/load.sh): a loopback JSON API whose answers have fixed shapes, so
// that every gateway configuration is measured against the same work.
//
//	GET  /small    a 200-byte JSON object
//	POST /post     reads the body, answers a small JSON object
//	GET  /big      a 64 KiB JSON array with one e-mail and card per 50 records
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8199", "listen address")
	flag.Parse()

	small := []byte(`{"id":42,"name":"blue widget","price":19.99,"currency":"EUR","stock":17,"tags":["tools","garden"],"updated":"2026-11-30T12:00:00Z","description":"A sturdy widget for everyday use."}`)
	big := bigBody(64 << 10)

	mux := http.NewServeMux()
	mux.HandleFunc("/small", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(small)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(big)
	})
	mux.HandleFunc("/post", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"read":%d}`, n)
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}

// bigBody is a JSON array of about size bytes: plain order records, with an
// e-mail and a card number in one record of every 50. The masking engine's
// BenchmarkRedact/json_orders builds the same body (redact/bench_test.go).
func bigBody(size int) []byte {
	var sb strings.Builder
	sb.WriteByte('[')
	for i := 0; sb.Len() < size-200; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		if i%50 == 0 {
			fmt.Fprintf(&sb, `{"id":%d,"customer":"user%d@example.com","card":"4111 1111 1111 1111","total":%d.50,"status":"shipped"}`, i, i, i%97)
		} else {
			fmt.Fprintf(&sb, `{"id":%d,"sku":"SKU-%06d","qty":%d,"total":%d.50,"status":"shipped","note":"left at the front door"}`, i, i*7, i%5+1, i%97)
		}
	}
	sb.WriteByte(']')
	return []byte(sb.String())
}
