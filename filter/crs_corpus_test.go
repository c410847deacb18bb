package filter

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The CRS regression replay: every stage of the OWASP CRS regression tests
// (go-ftw YAML) of the request rule files is rebuilt as the raw request
// go-ftw sends and run through Engine.Inspect at default settings. A stage
// whose output expects rule ids is an attack (or anomaly) the filter should
// block; a stage that only lists ids that must not fire is a benign
// look-alike that must pass.
//
//	GATEHOUSE_CRS=/path/to/crs-regression go test -run TestCRSReplay -v ./filter/
//
// GATEHOUSE_CRS_MISSES=1 logs every missed attack and every blocked benign
// request; GATEHOUSE_CORPUS_PARANOIA=2 replays at another level. The corpus
// is not part of this repository: without it the test is skipped.

// crsDir finds the corpus (env GATEHOUSE_CRS, else the shared development
// copy next to the repository).
func crsDir(t testing.TB) string {
	return sharedCorpusDir(t, "GATEHOUSE_CRS", "crs-regression", filepath.Join("tests", "regression", "tests"))
}

// crsFile is one go-ftw test file.
type crsFile struct {
	RuleID int `yaml:"rule_id"`
	Tests  []struct {
		TestID any       `yaml:"test_id"`
		Desc   string    `yaml:"desc"`
		Stages []crsStep `yaml:"stages"`
	} `yaml:"tests"`
}

type crsStep struct {
	Input struct {
		Method         *string           `yaml:"method"`
		URI            *string           `yaml:"uri"`
		Version        *string           `yaml:"version"`
		Headers        map[string]string `yaml:"headers"`
		Data           string            `yaml:"data"`
		EncodedRequest string            `yaml:"encoded_request"`
		Autocomplete   *bool             `yaml:"autocomplete_headers"`
	} `yaml:"input"`
	Output struct {
		Status      any  `yaml:"status"`
		ExpectError bool `yaml:"expect_error"`
		Log         struct {
			ExpectIDs   []int `yaml:"expect_ids"`
			NoExpectIDs []int `yaml:"no_expect_ids"`
		} `yaml:"log"`
		// Older go-ftw spellings.
		LogContains   string `yaml:"log_contains"`
		NoLogContains string `yaml:"no_log_contains"`
	} `yaml:"output"`
}

// crsFamily names the rule family of a CRS rule id, by its file's range.
func crsFamily(id int) string {
	switch id / 1000 {
	case 911:
		return "911 method"
	case 913:
		return "913 scanner"
	case 920, 921:
		return "920/921 protocol"
	case 922:
		return "922 multipart"
	case 930:
		return "930 LFI"
	case 931:
		return "931 RFI"
	case 932:
		return "932 RCE"
	case 933:
		return "933 PHP"
	case 934:
		return "934 generic"
	case 941:
		return "941 XSS"
	case 942:
		return "942 SQLi"
	case 943:
		return "943 session fixation"
	case 944:
		return "944 Java"
	}
	return strconv.Itoa(id/1000) + " other"
}

// crsAttackFamilies are the families whose positives are attacks on the
// application; the protocol, method and multipart families test HTTP
// hygiene heuristics (missing Accept, charset lists, byte ranges), measured
// and reported apart.
var crsAttackFamilies = map[string]bool{
	"913 scanner": true, "930 LFI": true, "931 RFI": true, "932 RCE": true, "933 PHP": true,
	"934 generic": true, "941 XSS": true, "942 SQLi": true, "943 session fixation": true, "944 Java": true,
}

// crsParanoia is the paranoia level CRS v4 tags its rules with, for the
// rules of the attack families above level 1 (every other rule is level 1).
// A rule's level is CRS's own verdict on how often it fires on benign
// traffic: positives of a level-1 rule are the attacks a default setting
// must block; level-2 ones are what paranoia 2 adds; level 3 and 4 are
// heuristics (character counts, bare keywords, Base64 of class names) that
// no default setting of a gateway in front of an API should block on.
var crsParanoia = map[int]int{
	913101: 2, 913102: 2,
	931130: 2, 931131: 2,
	932200: 2, 932205: 2, 932206: 2, 932207: 2, 932210: 2, 932220: 2, 932231: 2, 932236: 2, 932239: 2,
	932240: 2, 932300: 2, 932310: 2, 932320: 2, 932371: 2,
	932190: 3, 932232: 3, 932237: 3, 932238: 3, 932301: 3, 932311: 3, 932321: 3, 932331: 3,
	933151: 2,
	933111: 3, 933131: 3, 933152: 3, 933153: 3, 933161: 3, 933190: 3, 933211: 3,
	934101: 2, 934120: 2,
	941101: 2, 941120: 2, 941150: 2, 941181: 2, 941320: 2, 941330: 2, 941340: 2, 941380: 2,
	942101: 2, 942120: 2, 942130: 2, 942131: 2, 942150: 2, 942152: 2, 942180: 2, 942200: 2, 942210: 2,
	942260: 2, 942300: 2, 942310: 2, 942321: 2, 942330: 2, 942340: 2, 942361: 2, 942362: 2, 942370: 2,
	942380: 2, 942390: 2, 942400: 2, 942410: 2, 942430: 2, 942440: 2, 942450: 2, 942470: 2, 942480: 2,
	942510: 2, 942511: 2, 942520: 2, 942521: 2, 942522: 2, 942530: 2,
	942251: 3, 942420: 3, 942431: 3, 942460: 3, 942490: 3,
	942421: 4, 942432: 4,
	944151: 2, 944200: 2, 944210: 2, 944240: 2, 944250: 2, 944260: 2,
	944300: 3, 944310: 3, 944320: 3,
	944152: 4,
}

// rawFTWRequest renders a stage's input as the bytes go-ftw writes.
func rawFTWRequest(s *crsStep) ([]byte, error) {
	in := &s.Input
	if in.EncodedRequest != "" {
		return base64.StdEncoding.DecodeString(strings.ReplaceAll(in.EncodedRequest, "\n", ""))
	}
	method, uri, version := "GET", "/", "HTTP/1.1"
	if in.Method != nil {
		method = *in.Method
	}
	if in.URI != nil {
		uri = *in.URI
	}
	if in.Version != nil {
		version = *in.Version
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s\r\n", method, uri, version)
	names := make([]string, 0, len(in.Headers))
	for k := range in.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	hasCL := false
	for _, k := range names {
		fmt.Fprintf(&b, "%s: %s\r\n", k, in.Headers[k])
		hasCL = hasCL || strings.EqualFold(k, "Content-Length")
	}
	if (in.Autocomplete == nil || *in.Autocomplete) && !hasCL && in.Data != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(in.Data))
	}
	b.WriteString("\r\n")
	b.WriteString(in.Data)
	return b.Bytes(), nil
}

// missShape drops the header lines every test sends alike, so that a logged
// miss shows what is particular to it.
func missShape(raw []byte) string {
	var b strings.Builder
	head, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	for i, line := range strings.Split(head, "\r\n") {
		name, _, _ := strings.Cut(line, ":")
		switch strings.ToLower(name) {
		case "accept", "host", "user-agent", "content-length", "accept-encoding", "accept-language", "connection":
			if i > 0 {
				continue
			}
		}
		b.WriteString(line)
		b.WriteString(" | ")
	}
	b.WriteString(body)
	return b.String()
}

// crsStats counts one family.
type crsStats struct {
	pos, posBlocked, neg, negBlocked, skipped int
	// byPL counts positives by the rule's paranoia level: [level][total, blocked].
	byPL [5][2]int
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// replayCRS replays every request rule file through eng.
func replayCRS(t testing.TB, eng *Engine, dir string, logMisses bool) map[string]*crsStats {
	files, err := filepath.Glob(filepath.Join(dir, "REQUEST-9*", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files under %s: %v", dir, err)
	}
	sort.Strings(files)
	stats := map[string]*crsStats{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cf crsFile
		if err := yaml.Unmarshal(raw, &cf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if cf.RuleID/1000 == 949 || cf.RuleID/1000 == 999 {
			continue // scoring and exceptions, not detection
		}
		fam := crsFamily(cf.RuleID)
		st := stats[fam]
		if st == nil {
			st = &crsStats{}
			stats[fam] = st
		}
		for _, tc := range cf.Tests {
			for si := range tc.Stages {
				s := &tc.Stages[si]
				o := &s.Output
				attack := len(o.Log.ExpectIDs) > 0 || o.LogContains != ""
				benign := !attack && (len(o.Log.NoExpectIDs) > 0 || o.NoLogContains != "")
				if !attack && !benign {
					st.skipped++ // status-only or error-only expectation
					continue
				}
				data, err := rawFTWRequest(s)
				var blocked bool
				var d Decision
				if err == nil {
					req, perr := ParseRawRequest(data)
					if perr != nil {
						// A request the parser refuses is one a server
						// answers 400 to: it is stopped either way.
						blocked = true
					} else {
						req.RemoteAddr = "192.0.2.10:40000"
						d, err = eng.Inspect(req)
						blocked = d.Blocked || err != nil
					}
				} else {
					t.Fatalf("%s test %v: %v", f, tc.TestID, err)
				}
				if attack {
					st.pos++
					pl := max(crsParanoia[cf.RuleID], 1)
					st.byPL[pl][0]++
					if blocked {
						st.posBlocked++
						st.byPL[pl][1]++
					}
				} else {
					st.neg++
					if blocked {
						st.negBlocked++
					}
				}
				if logMisses && blocked != attack {
					what := "MISS"
					if benign {
						what = "FP"
					}
					rules := make([]string, 0, len(d.Matches))
					for _, m := range d.Matches {
						rules = append(rules, fmt.Sprintf("%s@%s", m.Rule, m.Location))
					}
					t.Logf("%s %d-%v PL%d score=%d %v: %.240q", what, cf.RuleID, tc.TestID, max(crsParanoia[cf.RuleID], 1), d.Score, rules, missShape(data))
				}
			}
		}
	}
	return stats
}

func TestCRSReplay(t *testing.T) {
	dir := crsDir(t)
	if testing.Short() {
		t.Skip("corpus replay skipped in -short mode")
	}
	eng, _ := corpusEngine(t)
	stats := replayCRS(t, eng, dir, os.Getenv("GATEHOUSE_CRS_MISSES") != "")
	fams := make([]string, 0, len(stats))
	for k := range stats {
		fams = append(fams, k)
	}
	sort.Strings(fams)
	var atk, all crsStats
	for _, k := range fams {
		s := stats[k]
		t.Logf("%-22s attacks %4d/%-4d blocked (%5.1f%%)  PL1 %4d/%-4d (%5.1f%%)  PL2 %3d/%-3d  PL3-4 %3d/%-3d  benign %3d/%-3d blocked (%5.1f%%)",
			k, s.posBlocked, s.pos, pct(s.posBlocked, s.pos), s.byPL[1][1], s.byPL[1][0], pct(s.byPL[1][1], s.byPL[1][0]),
			s.byPL[2][1], s.byPL[2][0], s.byPL[3][1]+s.byPL[4][1], s.byPL[3][0]+s.byPL[4][0],
			s.negBlocked, s.neg, pct(s.negBlocked, s.neg))
		for _, a := range []*crsStats{&all, &atk} {
			if a == &atk && !crsAttackFamilies[k] {
				continue
			}
			a.pos += s.pos
			a.posBlocked += s.posBlocked
			a.neg += s.neg
			a.negBlocked += s.negBlocked
			for l := range a.byPL {
				a.byPL[l][0] += s.byPL[l][0]
				a.byPL[l][1] += s.byPL[l][1]
			}
		}
	}
	t.Logf("SUMMARY attack families: attacks blocked %d/%d (%.1f%%), benign blocked %d/%d (%.1f%%)",
		atk.posBlocked, atk.pos, pct(atk.posBlocked, atk.pos), atk.negBlocked, atk.neg, pct(atk.negBlocked, atk.neg))
	t.Logf("SUMMARY attack families, PL1 rules: attacks blocked %d/%d (%.1f%%); PL2 rules: %d/%d (%.1f%%)",
		atk.byPL[1][1], atk.byPL[1][0], pct(atk.byPL[1][1], atk.byPL[1][0]), atk.byPL[2][1], atk.byPL[2][0], pct(atk.byPL[2][1], atk.byPL[2][0]))
	t.Logf("SUMMARY all request families: attacks blocked %d/%d (%.1f%%), benign blocked %d/%d (%.1f%%)",
		all.posBlocked, all.pos, pct(all.posBlocked, all.pos), all.negBlocked, all.neg, pct(all.negBlocked, all.neg))
}
