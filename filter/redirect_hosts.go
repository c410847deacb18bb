package filter

import (
	"fmt"
	"strings"
)

// redirectHosts is the positive list of redirect targets (Config.
// RedirectHosts): exact host names, and suffixes for "*.example.com"
// entries (".example.com", matching example.com itself too).
type redirectHosts struct {
	exact    map[string]bool
	suffixes []string
}

// ValidRedirectHost checks one redirect_hosts entry: a host name, or
// "*." and a host name; no scheme, port, path or IP literal brackets.
func ValidRedirectHost(h string) error {
	name := strings.TrimPrefix(h, "*.")
	if name == "" || strings.ContainsAny(name, "*/:@[]?# \t\\") || strings.HasPrefix(name, ".") || strings.Contains(name, "..") {
		return fmt.Errorf("redirect_hosts: %q: want a host name or *.<host name>", h)
	}
	return nil
}

func compileRedirectHosts(list []string) *redirectHosts {
	if len(list) == 0 {
		return nil
	}
	rh := &redirectHosts{exact: map[string]bool{}}
	for _, h := range list {
		h = strings.TrimSuffix(strings.ToLower(h), ".")
		if name, ok := strings.CutPrefix(h, "*."); ok {
			rh.suffixes = append(rh.suffixes, "."+name)
		} else {
			rh.exact[h] = true
		}
	}
	return rh
}

// allows reports whether a redirect may send the client to host (as the
// URL wrote it: case and a final dot do not matter); site is the
// request's own host (lower-case, as hostOnly gives it), always allowed.
func (rh *redirectHosts) allows(host, site string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" || host == strings.TrimSuffix(site, ".") || rh.exact[host] {
		return true
	}
	for _, s := range rh.suffixes {
		if strings.HasSuffix(host, s) || host == s[1:] {
			return true
		}
	}
	return false
}
