package filter

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"strings"
)

// ipList is a set of addresses and CIDR ranges.
type ipList struct {
	addrs    map[netip.Addr]struct{}
	prefixes []netip.Prefix
}

// loadIPList builds a list from inline entries and an optional file (one
// entry per line, "#" comments, blank lines ignored). A nil list is empty.
func loadIPList(entries []string, file string) (*ipList, error) {
	if len(entries) == 0 && file == "" {
		return nil, nil
	}
	l := &ipList{addrs: map[netip.Addr]struct{}{}}
	for _, s := range entries {
		if err := l.addEntry(s); err != nil {
			return nil, err
		}
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("reading IP list: %w", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line, _, _ := strings.Cut(sc.Text(), "#")
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			if err := l.addEntry(line); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", file, n, err)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
	}
	return l, nil
}

// addEntry adds "192.0.2.1", "2001:db8::/32" or "10.0.0.0/8".
func (l *ipList) addEntry(s string) error {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("invalid CIDR range %q: %w", s, err)
		}
		p = p.Masked()
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		l.prefixes = append(l.prefixes, p)
		return nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return fmt.Errorf("invalid IP address %q: %w", s, err)
	}
	l.addrs[a.Unmap().WithZone("")] = struct{}{}
	return nil
}

// contains reports whether ip (unmapped) is on the list.
func (l *ipList) contains(ip netip.Addr) bool {
	if l == nil {
		return false
	}
	ip = ip.WithZone("")
	if _, ok := l.addrs[ip]; ok {
		return true
	}
	for _, p := range l.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
