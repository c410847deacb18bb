package filter

import "strings"

// ORM filter injection ("ORM leak"). Frameworks that turn request
// parameters into query filters let the client pick the field and the
// lookup: Django's field__lookup names (django-filter, DRF, admin
// changelists, and any view that passes request.GET to .filter(**…)) and
// Ransack's q[field_predicate] (Rails). A client that may name any field
// can walk relations to a model it was never meant to reach and test a
// secret one character at a time: user__password__startswith=p, then pa,
// pab … (elttam's "plORMbing" research). Ordinary filter UIs name the
// resource's own columns with one lookup (price__gte, name__icontains):
// those pass. What no UI sends:
//   - a lookup path through a credential field (password, token, secret,
//     API key, OTP, salt, session key): the leak itself;
//   - a path of four fields or more (three relation hops) ending in a
//     lookup: a walk across the schema
//     (created_by__departments__employees__user__username__startswith).
func detectORMFilter(e *emitter, v *value) {
	if !isParamName(v.kind) {
		return
	}
	n := v.norm
	if len(n) < 8 || len(n) > 256 {
		return
	}
	if strings.Contains(n, "__") {
		if djangoLookupLeak(n) {
			e.hit(rORMFilterLeak)
		}
		return
	}
	if strings.HasPrefix(n, "q[") && ransackLeak(n[2:]) {
		e.hit(rORMFilterLeak)
	}
}

// djangoLookups are the lookups of Django's ORM and its PostgreSQL
// fields: a name whose last "__" segment is one of them is a filter.
var djangoLookups = map[string]bool{
	"exact": true, "iexact": true, "contains": true, "icontains": true, "in": true, "gt": true, "gte": true, "lt": true, "lte": true,
	"startswith": true, "istartswith": true, "endswith": true, "iendswith": true, "range": true, "isnull": true, "regex": true, "iregex": true,
	"date": true, "year": true, "month": true, "day": true, "week_day": true, "iso_year": true, "hour": true, "minute": true, "second": true,
	"has_key": true, "has_keys": true, "has_any_keys": true, "contained_by": true, "overlap": true, "len": true, "search": true, "trigram_similar": true, "unaccent": true,
}

// djangoLookupLeak: n ("a__b__c__lookup", lower case) is a lookup path
// through a credential field, or of at least four fields.
func djangoLookupLeak(n string) bool {
	segs := strings.Split(n, "__")
	if len(segs) < 2 || len(segs) > 16 {
		return false
	}
	last := segs[len(segs)-1]
	fields := segs
	if djangoLookups[last] {
		fields = segs[:len(segs)-1]
	}
	for _, f := range fields {
		if !ormIdent(f) {
			return false
		}
	}
	for _, f := range fields {
		if credentialField(f) {
			// A path through a credential, with a lookup or not
			// (user__password=…).
			return true
		}
	}
	return len(fields) >= 4 && len(fields) < len(segs)
}

// ransackPredicates are Ransack's predicate suffixes, longest first
// where one ends another.
var ransackPredicates = []string{"_not_eq", "_eq", "_not_cont", "_cont_any", "_cont_all", "_cont", "_i_cont", "_not_start", "_start", "_not_end", "_end", "_matches", "_does_not_match", "_lteq", "_lt", "_gteq", "_gt", "_not_in", "_in", "_present", "_blank", "_null", "_not_null"}

// ransackLeak: s is what follows "q[" of a Ransack search parameter
// ("user_password_digest_start]"); a predicate on a credential attribute.
func ransackLeak(s string) bool {
	end := strings.IndexByte(s, ']')
	if end <= 0 {
		return false
	}
	s = s[:end]
	if !ormIdent(s) {
		return false
	}
	for _, p := range ransackPredicates {
		if attr, ok := strings.CutSuffix(s, p); ok {
			for _, w := range strings.Split(attr, "_") {
				if credentialWord(w) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// ormIdent: a field or attribute name (letters, digits, '_'), not empty.
func ormIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// credentialField: a model field that holds a credential or a secret's
// hash (password, password_hash, reset_token, api_key, otp_secret …).
func credentialField(f string) bool {
	if credentialWord(f) || strings.Contains(f, "api_key") || strings.Contains(f, "session_key") || strings.Contains(f, "private_key") {
		return true
	}
	for _, w := range strings.Split(f, "_") {
		if credentialWord(w) {
			return true
		}
	}
	return false
}

// credentialWord: one word of a field name that names a credential. "hash",
// "digest", "pin" and "key" alone are not (commit hashes, checksums, map
// pins, sort keys); "token" is.
func credentialWord(w string) bool {
	switch w {
	case "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "otp", "totp", "mfa", "salt", "credential", "credentials":
		return true
	}
	return strings.HasPrefix(w, "password")
}
