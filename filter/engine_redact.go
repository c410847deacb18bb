package filter

import (
	"fmt"
	"strings"
)

// Fragments and logged URIs must not carry credentials: a detector firing
// on a bearer token, a session cookie or a password field would otherwise
// copy the start of a secret into the logs.

// secretWords mark names of values that hold credentials, anywhere in the
// name ("PHPSESSID", "X-Auth-Token", "user_password").
var secretWords = []string{"pass", "pwd", "secret", "token", "auth", "sess", "jwt", "credential",
	"csrf", "xsrf", "signature", "cookie"}

// sensitiveName reports whether a parameter, header or cookie name looks
// like it holds a credential. Short words count only as a whole part of the
// name ("connect.sid", "X-Api-Key", "apikey"), not inside another word
// ("side", "keyword").
func sensitiveName(name string) bool {
	if name == "" {
		return false
	}
	lower := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	for _, part := range strings.FieldsFunc(lower, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		if part == "sid" || part == "otp" || part == "pin" || strings.HasSuffix(part, "key") {
			return true
		}
	}
	return false
}

// redacted stands in for a secret value in a fragment.
func redacted(v string) string { return fmt.Sprintf("[redacted, %d bytes]", len(v)) }

// fragmentAt is fragment with credentials redacted, by where v was found.
func (w *walker) fragmentAt(t target, name, v string) string {
	switch t {
	case tHeader, tCookie, tQuery, tBody:
		if sensitiveName(name) || sensitiveName(w.locName(name)) {
			return redacted(v)
		}
	case tURI:
		return fragment(RedactURI(v))
	}
	return fragment(v)
}

// RedactURI replaces the values of credential-like query parameters
// ("token", "password", "api_key", ...) with "REDACTED", for logging.
func RedactURI(uri string) string {
	path, query, ok := strings.Cut(uri, "?")
	if !ok || query == "" {
		return uri
	}
	var b strings.Builder
	b.Grow(len(uri))
	b.WriteString(path)
	b.WriteByte('?')
	for i, part := range strings.Split(query, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		name, _, hasValue := strings.Cut(part, "=")
		dec, _ := percentDecode(name, true)
		if hasValue && sensitiveName(dec) {
			b.WriteString(name)
			b.WriteString("=REDACTED")
			continue
		}
		b.WriteString(part)
	}
	return b.String()
}
