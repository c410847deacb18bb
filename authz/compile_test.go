package authz

import (
	"net/netip"
	"testing"
)

func TestAnchoredPrefix(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`^/orders/[0-9]+$`, "/orders/"},
		{`^/orders`, "/orders"},
		{`/orders`, ""},
		{`^/a|^/b`, ""},
		{`(?i)^/Admin`, ""},
		{`^(/a|/b)`, ""},
		{`^/a*`, "/"},
		{`^`, ""},
		{`(`, ""},
	}
	for _, tt := range tests {
		if got := anchoredPrefix(tt.expr); got != tt.want {
			t.Errorf("anchoredPrefix(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestV4NetMatchesNetip(t *testing.T) {
	addrs := []string{"0.0.0.0", "10.0.0.1", "10.255.255.255", "11.0.0.0", "192.168.1.7", "255.255.255.255", "172.31.0.1", "172.32.0.1"}
	prefixes := []string{"0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12", "192.168.1.7/32", "192.168.1.0/31", "255.255.255.255/32"}
	for _, ps := range prefixes {
		p := netip.MustParsePrefix(ps)
		n := newV4Net(p)
		for _, as := range addrs {
			a := netip.MustParseAddr(as)
			b := a.As4()
			v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			if got, want := v&n.mask == n.addr, p.Contains(a); got != want {
				t.Errorf("%s in %s: integer match %v, netip %v", as, ps, got, want)
			}
		}
	}
}
