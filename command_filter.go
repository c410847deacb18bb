package gatehouse

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"

	"github.com/gatehouse-dev/caddy-gatehouse/filter"
)

// maxRawRequestFile bounds what explain reads of a request file.
const maxRawRequestFile = 64 << 20

// explainCommand is `caddy gatehouse explain`: it runs a raw HTTP request
// file through a request_filter handler of a config, offline, and prints
// the decision and every match.
func explainCommand() *cobra.Command {
	var (
		configFile, adapterName, site, clientIP string
		handlerIndex                            int
		asJSON                                  bool
	)
	cmd := &cobra.Command{
		Use:   "explain --config <file> [--adapter <name>] [--site <host>|--handler <n>] [--client-ip <ip>] [--json] <request.http>",
		Short: "Explain request_filter's decision on a raw HTTP request",
		Long: `Loads the config (a Caddyfile or JSON), finds its request_filter handler,
parses the raw HTTP/1.x request in the file (request line, headers, empty
line, body; "-" reads standard input) and runs it through the same engine.
It prints the decision and every match: rule, category, score, where it
matched and an escaped fragment. The live filter stops at the first
blocking finding; explain reports them all.

With several request_filter handlers, the one whose site matches --site (or
else the request's Host) is chosen; --handler picks one by the index this
command lists.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			handlers, err := loadFilterHandlers(configFile, adapterName, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			raw, err := readRequestFile(args[0], cmd.InOrStdin())
			if err != nil {
				return err
			}
			req, err := filter.ParseRawRequest(raw)
			if err != nil {
				return fmt.Errorf("parsing %s: %w", args[0], err)
			}
			if site == "" {
				site = req.Host
			}
			h, err := pickFilterHandler(handlers, handlerIndex, site)
			if err != nil {
				return err
			}
			var rf RequestFilter
			if err := json.Unmarshal(h.raw, &rf); err != nil {
				return fmt.Errorf("handler %d: %w", h.index, err)
			}
			rf.resolveFiles()
			cfg := rf.Config
			cfg.DetectOnly = cfg.DetectOnly || (rf.Monitor != nil && *rf.Monitor)
			engine, err := filter.New(cfg)
			if err != nil {
				return fmt.Errorf("handler %d: %w", h.index, err)
			}
			info := filter.RequestInfo{All: true}
			if clientIP != "" {
				if info.ClientIP, err = netip.ParseAddr(clientIP); err != nil {
					return fmt.Errorf("--client-ip: %w", err)
				}
			}
			d, err := engine.InspectRequest(req, info)
			if err != nil {
				return fmt.Errorf("inspecting: %w", err)
			}
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Handler string          `json:"handler"`
					Request string          `json:"request"`
					Result  filter.Decision `json:"decision"`
				}{h.String(), req.Method + " " + req.RequestURI, d})
			}
			printDecision(out, h, req.Method+" "+req.RequestURI, d)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&configFile, "config", "c", "", "Caddyfile or JSON config holding the request_filter handler (required)")
	f.StringVarP(&adapterName, "adapter", "a", "", `config adapter; default "caddyfile" for a file named Caddyfile* or *.caddyfile, else JSON`)
	f.StringVar(&site, "site", "", "choose the handler of the site with this host (default: the request's Host)")
	f.IntVar(&handlerIndex, "handler", -1, "choose the handler by index, as listed when the choice is ambiguous")
	f.StringVar(&clientIP, "client-ip", "", "client address, for allow/deny lists (default: none, lists not checked)")
	f.BoolVar(&asJSON, "json", false, "print the decision as JSON")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// filterHandler is a request_filter handler found in a config.
type filterHandler struct {
	index int
	where string   // JSON path, e.g. apps.http.servers.srv0.routes[0].handle[0]
	hosts []string // host matchers on the way to it
	raw   json.RawMessage
}

func (h filterHandler) String() string {
	s := fmt.Sprintf("#%d %s", h.index, h.where)
	if len(h.hosts) > 0 {
		s += " (hosts: " + strings.Join(h.hosts, ", ") + ")"
	}
	return s
}

// loadFilterHandlers reads and adapts a config and lists its request_filter
// handlers in document order.
func loadFilterHandlers(file, adapterName string, warn io.Writer) ([]filterHandler, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	base := strings.ToLower(filepath.Base(file))
	if adapterName == "" && (strings.HasPrefix(base, "caddyfile") || strings.HasSuffix(base, ".caddyfile")) {
		adapterName = "caddyfile"
	}
	if adapterName != "" && adapterName != "json" {
		adapter := caddyconfig.GetAdapter(adapterName)
		if adapter == nil {
			return nil, fmt.Errorf("unknown config adapter %q", adapterName)
		}
		adapted, warnings, err := adapter.Adapt(data, map[string]any{"filename": file})
		if err != nil {
			return nil, fmt.Errorf("adapting config: %w", err)
		}
		for _, w := range warnings {
			fmt.Fprintf(warn, "warning: %s\n", w.String())
		}
		data = adapted
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("config is not JSON (pass --adapter?): %w", err)
	}
	var out []filterHandler
	collectFilterHandlers(doc, "", nil, &out)
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no request_filter handler", file)
	}
	return out, nil
}

// collectFilterHandlers walks the config in document order (JSON objects
// are walked by sorted key), noting host matchers of enclosing routes.
func collectFilterHandlers(v any, where string, hosts []string, out *[]filterHandler) {
	switch v := v.(type) {
	case map[string]any:
		if v["handler"] == "request_filter" {
			raw, _ := json.Marshal(v)
			*out = append(*out, filterHandler{index: len(*out), where: where, hosts: slices.Clone(hosts), raw: raw})
			return
		}
		if ms, ok := v["match"].([]any); ok {
			for _, m := range ms {
				if mm, ok := m.(map[string]any); ok {
					if hs, ok := mm["host"].([]any); ok {
						for _, h := range hs {
							if s, ok := h.(string); ok {
								hosts = append(hosts, s)
							}
						}
					}
				}
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if where != "" {
				p = where + "." + k
			}
			collectFilterHandlers(v[k], p, hosts, out)
		}
	case []any:
		for i, e := range v {
			collectFilterHandlers(e, where+"["+strconv.Itoa(i)+"]", hosts, out)
		}
	}
}

// pickFilterHandler chooses by index, else the only handler, else the only
// one whose hosts match site.
func pickFilterHandler(hs []filterHandler, index int, site string) (filterHandler, error) {
	if index >= 0 {
		if index >= len(hs) {
			return filterHandler{}, fmt.Errorf("--handler %d: only %d request_filter handlers:\n%s", index, len(hs), listFilterHandlers(hs))
		}
		return hs[index], nil
	}
	if len(hs) == 1 {
		return hs[0], nil
	}
	host := strings.ToLower(site)
	if h, _, err := splitHostPortLoose(host); err == nil {
		host = h
	}
	var found []filterHandler
	for _, h := range hs {
		for _, pat := range h.hosts {
			if hostMatches(strings.ToLower(pat), host) {
				found = append(found, h)
				break
			}
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return filterHandler{}, fmt.Errorf("%d request_filter handlers match site %q; choose one with --handler:\n%s", len(found), site, listFilterHandlers(hs))
}

func listFilterHandlers(hs []filterHandler) string {
	var b strings.Builder
	for _, h := range hs {
		b.WriteString("  " + h.String() + "\n")
	}
	return b.String()
}

// splitHostPortLoose strips a port if there is one.
func splitHostPortLoose(s string) (string, string, error) {
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s[i:], "]") {
		return strings.Trim(s[:i], "[]"), s[i+1:], nil
	}
	return strings.Trim(s, "[]"), "", nil
}

// hostMatches applies a Caddy host matcher pattern ("*.example.com").
func hostMatches(pat, host string) bool {
	if pat == host {
		return true
	}
	if rest, ok := strings.CutPrefix(pat, "*."); ok {
		dot := strings.IndexByte(host, '.')
		return dot > 0 && host[dot+1:] == rest
	}
	return false
}

// readRequestFile reads the request file, or standard input for "-".
func readRequestFile(name string, stdin io.Reader) ([]byte, error) {
	var rd io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("reading request: %w", err)
		}
		defer f.Close()
		rd = f
	}
	data, err := io.ReadAll(io.LimitReader(rd, maxRawRequestFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading request: %w", err)
	}
	if len(data) > maxRawRequestFile {
		return nil, fmt.Errorf("request file larger than %d bytes", maxRawRequestFile)
	}
	return data, nil
}

// printDecision writes the decision as a short report.
func printDecision(w io.Writer, h filterHandler, request string, d filter.Decision) {
	fmt.Fprintf(w, "handler:  %s\n", h)
	fmt.Fprintf(w, "request:  %s\n", request)
	switch d.Action {
	case filter.ActionBlock:
		fmt.Fprintf(w, "decision: BLOCK (status %d)\n", d.Status)
	case filter.ActionDetect:
		fmt.Fprintf(w, "decision: DETECT (would block with status %d; monitor mode is on)\n", d.Status)
	case filter.ActionBypass:
		fmt.Fprintf(w, "decision: BYPASS (client on the allow list, not inspected)\n")
	default:
		fmt.Fprintf(w, "decision: PASS\n")
	}
	note := ""
	if repeatedRule(d.Matches) {
		note = "; a rule that matches several times counts once, at its highest score"
	}
	fmt.Fprintf(w, "score:    %d (threshold %d%s)\n", d.Score, d.Threshold, note)
	if len(d.Matches) == 0 {
		fmt.Fprintln(w, "matches:  none")
		return
	}
	fmt.Fprintln(w, "matches:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  RULE\tCATEGORY\tSCORE\tLOCATION\tFRAGMENT")
	for _, m := range d.Matches {
		score := strconv.Itoa(m.Score)
		if m.Block {
			score += " (blocks)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", m.Rule, m.Category, score, m.Location, m.Fragment)
	}
	_ = tw.Flush()
	if d.Truncated {
		fmt.Fprintln(w, "  (more matches not shown)")
	}
}

// resolveFiles expands {env.*} and {file.*} placeholders in the IP list
// file names, as Provision does.
func (h *RequestFilter) resolveFiles() {
	repl := caddy.NewReplacer()
	h.AllowIPsFile = repl.ReplaceKnown(h.AllowIPsFile, "")
	h.DenyIPsFile = repl.ReplaceKnown(h.DenyIPsFile, "")
}

// repeatedRule reports whether a rule appears more than once in ms.
func repeatedRule(ms []filter.Match) bool {
	seen := make(map[string]bool, len(ms))
	for _, m := range ms {
		if seen[m.Rule] {
			return true
		}
		seen[m.Rule] = true
	}
	return false
}
