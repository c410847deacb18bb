package authn

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Source kinds for TokenSource.Kind.
const (
	SourceBearer = "bearer" // Authorization: Bearer <token>
	SourceHeader = "header" // a named request header holding the bare token
	SourceCookie = "cookie" // a named cookie
	SourceQuery  = "query"  // a named query parameter
)

// TokenSource names where a credential may be found.
type TokenSource struct {
	Kind string
	Name string // header, cookie or parameter name; unused for bearer
}

func (s TokenSource) String() string {
	if s.Kind == SourceBearer {
		return s.Kind
	}
	return s.Kind + " " + s.Name
}

// Validate checks the kind and name.
func (s TokenSource) Validate() error {
	switch s.Kind {
	case SourceBearer:
		return nil
	case SourceHeader, SourceCookie, SourceQuery:
		if s.Name == "" {
			return fmt.Errorf("token source %s needs a name", s.Kind)
		}
		return nil
	}
	return fmt.Errorf("unknown token source kind %q (want bearer, header, cookie or query)", s.Kind)
}

// Extract returns the one credential found in r across sources. The same
// value found twice is fine; two different values (in one source or across
// several) are rejected with ReasonMultiple, since which one a backend or
// a later handler would use is ambiguous. No credential returns "", nil.
func Extract(r *http.Request, sources []TokenSource) (string, error) {
	var found string
	var query url.Values
	add := func(v string) error {
		if v == "" {
			return nil
		}
		if found != "" && found != v {
			return reject(ReasonMultiple, "two different credentials in one request")
		}
		found = v
		return nil
	}
	for _, s := range sources {
		switch s.Kind {
		case SourceBearer:
			for _, h := range r.Header.Values("Authorization") {
				if tok, ok := bearerToken(h); ok {
					if err := add(tok); err != nil {
						return "", err
					}
				}
			}
		case SourceHeader:
			for _, h := range r.Header.Values(s.Name) {
				if err := add(strings.TrimSpace(h)); err != nil {
					return "", err
				}
			}
		case SourceCookie:
			for _, c := range r.CookiesNamed(s.Name) {
				if err := add(c.Value); err != nil {
					return "", err
				}
			}
		case SourceQuery:
			if query == nil {
				query = parseQuery(r.URL.RawQuery)
			}
			for _, v := range query[s.Name] {
				if err := add(v); err != nil {
					return "", err
				}
			}
		}
	}
	return found, nil
}

// parseQuery keeps the well-formed pairs of a query string.
func parseQuery(raw string) url.Values {
	q, _ := url.ParseQuery(raw)
	return q
}

// bearerToken parses an RFC 6750 §2.1 credential; the scheme is
// case-insensitive. Other schemes (Basic, ...) are not ours.
func bearerToken(h string) (string, bool) {
	const prefix = "bearer "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", false
	}
	return strings.TrimSpace(h[len(prefix):]), true
}

// Strip removes the credential sources from r (before proxying), so the
// backend never sees the token or API key. Other cookies, query parameters
// and Authorization schemes are kept.
func Strip(r *http.Request, sources []TokenSource) {
	for _, s := range sources {
		switch s.Kind {
		case SourceBearer:
			vals := r.Header.Values("Authorization")
			keep := vals[:0:0]
			for _, h := range vals {
				if _, ok := bearerToken(h); !ok {
					keep = append(keep, h)
				}
			}
			r.Header.Del("Authorization")
			for _, h := range keep {
				r.Header.Add("Authorization", h)
			}
		case SourceHeader:
			r.Header.Del(s.Name)
		case SourceCookie:
			cookies := r.Cookies()
			r.Header.Del("Cookie")
			var parts []string
			for _, c := range cookies {
				if c.Name != s.Name {
					parts = append(parts, c.Name+"="+c.Value)
				}
			}
			if len(parts) > 0 {
				r.Header.Set("Cookie", strings.Join(parts, "; "))
			}
		case SourceQuery:
			q := parseQuery(r.URL.RawQuery)
			if _, ok := q[s.Name]; ok {
				q.Del(s.Name)
				r.URL.RawQuery = q.Encode()
				r.RequestURI = r.URL.RequestURI()
			}
		}
	}
}
