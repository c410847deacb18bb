package filter

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestProbeSuites replays the probe suites of testdata/probes (whole
// requests written by reviewers who had not read the filter, see its
// README) at default settings, reports what is blocked per class, and
// fails when fewer attacks are blocked, or more benign requests, than the
// suite's floor.
func TestProbeSuites(t *testing.T) {
	eng := mustEngine(t, Config{})
	for _, s := range []struct {
		suite             string
		minAttacks, maxFP int
	}{
		{"probe-a", 538, 0},
		{"probe-b", 753, 5},
		{"probe-c", 624, 11},
		{"probe-d", 623, 2},
		{"probe-e", 445, 2},
		{"probe-f", 513, 6},
		{"probe-g", 522, 5},
		{"probe-h", 471, 26},
		{"probe-i", 516, 2},
	} {
		for _, attacks := range []bool{true, false} {
			kind := map[bool]string{true: "attacks", false: "benign"}[attacks]
			f, err := os.Open(filepath.Join("testdata", "probes", s.suite+"-"+kind+".jsonl.gz"))
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			total, blocked := map[string]int{}, map[string]int{}
			sc := bufio.NewScanner(zr)
			sc.Buffer(make([]byte, 1<<20), 4<<20)
			for sc.Scan() {
				var c struct{ Class, Ctx, Raw string }
				if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
					t.Fatalf("%s: %v", s.suite, err)
				}
				r, err := ParseRawRequest(probeBytes(c.Raw))
				if err != nil {
					t.Fatalf("%s %s: %v", s.suite, c.Class, err)
				}
				d, err := eng.Inspect(r)
				if err != nil {
					t.Fatal(err)
				}
				total[c.Class]++
				if d.Blocked {
					blocked[c.Class]++
				} else if attacks && testing.Verbose() {
					t.Logf("%s: missed %s [%s]: %.160q", s.suite, c.Class, c.Ctx, c.Raw)
				}
				if !attacks && d.Blocked && testing.Verbose() {
					t.Logf("%s: blocked benign %s [%s] %v: %.160q", s.suite, c.Class, c.Ctx, d.Matches, c.Raw)
				}
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			classes := make([]string, 0, len(total))
			n, b := 0, 0
			for c := range total {
				classes = append(classes, c)
				n += total[c]
				b += blocked[c]
			}
			sort.Strings(classes)
			for _, c := range classes {
				t.Logf("%s %s %-16s %d/%d blocked", s.suite, kind, c, blocked[c], total[c])
			}
			t.Logf("PROBE %s %s: %d/%d blocked", s.suite, kind, b, n)
			if attacks && b < s.minAttacks {
				t.Errorf("%s: %d of %d attacks blocked, floor %d", s.suite, b, n, s.minAttacks)
			}
			if !attacks && b > s.maxFP {
				t.Errorf("%s: %d of %d benign requests blocked, ceiling %d", s.suite, b, n, s.maxFP)
			}
		}
	}
}

// probeBytes is the request as it goes on the wire: UTF-8, except for a
// request whose text is all below U+0100 and whose Content-Length counts
// it one byte per character (a binary upload stored as Latin-1).
func probeBytes(raw string) []byte {
	lat := make([]byte, 0, len(raw))
	for _, c := range raw {
		if c > 0xff {
			return []byte(raw)
		}
		lat = append(lat, byte(c))
	}
	if len(lat) == len(raw) {
		return lat
	}
	head, body, _ := strings.Cut(string(lat), "\r\n\r\n")
	i := strings.Index(strings.ToLower(head), "\r\ncontent-length:")
	if i < 0 {
		return []byte(raw)
	}
	n, _, _ := strings.Cut(head[i+len("\r\ncontent-length:"):], "\r\n")
	if strings.TrimSpace(n) == strconv.Itoa(len(body)) {
		return lat
	}
	return []byte(raw)
}
