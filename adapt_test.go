package gatehouse

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	_ "github.com/caddyserver/caddy/v2/modules/standard"
)

var updateGolden = flag.Bool("update", false, "rewrite the adapt golden files in testdata/adapt")

// TestCaddyfileAdaptGolden pins the Caddyfile → JSON contract. Each
// testdata/adapt/*.caddyfiletest holds a Caddyfile, a line of ten dashes and
// the JSON that `caddy adapt` must produce for it. Run
// `go test -run TestCaddyfileAdaptGolden -update .` to rewrite the JSON halves
// after an intended change, then review the diff.
func TestCaddyfileAdaptGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/adapt/*.caddyfiletest")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			caddyfile, want, found := strings.Cut(string(data), "----------")
			if !found {
				t.Fatalf("%s: no ---------- separator", file)
			}
			caddyfile = strings.TrimSpace(caddyfile) + "\n"
			got := adaptCaddyfile(t, file, caddyfile)
			if *updateGolden {
				out := caddyfile + "----------\n" + got + "\n"
				if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if strings.TrimSpace(want) != got {
				t.Errorf("%s: adapted JSON differs from golden\n--- want\n%s\n--- got\n%s", file, strings.TrimSpace(want), got)
			}
		})
	}
}

// adaptCaddyfile adapts a Caddyfile to indented JSON, failing the test on any
// error or warning.
func adaptCaddyfile(t testing.TB, filename, caddyfile string) string {
	t.Helper()
	adapter := caddyconfig.GetAdapter("caddyfile")
	out, warnings, err := adapter.Adapt([]byte(caddyfile), map[string]any{"filename": filename})
	if err != nil {
		t.Fatalf("adapt %s: %v", filename, err)
	}
	for _, w := range warnings {
		t.Errorf("adapt %s: warning: %s", filename, w.String())
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, out, "", "\t"); err != nil {
		t.Fatalf("indent: %v", err)
	}
	return buf.String()
}
